-- Orders local users placed with sellers on other Plaza instances,
-- mirrored from the sellers' Receipts (docs/SHOP.md).
CREATE TABLE remote_orders (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  receipt_uri TEXT NOT NULL,
  order_uri TEXT NOT NULL,
  buyer_id BIGINT NOT NULL,
  seller_id BIGINT NOT NULL,
  remote_listing_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  receipt_updated TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idx_remote_orders_receipt_uri ON remote_orders (receipt_uri);
CREATE INDEX idx_remote_orders_buyer_id ON remote_orders (buyer_id);
