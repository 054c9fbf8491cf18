-- Orders local users placed with sellers on other Plaza instances,
-- mirrored from the sellers' Receipts (docs/SHOP.md).
CREATE TABLE remote_orders (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  receipt_uri TEXT NOT NULL,
  order_uri TEXT NOT NULL,
  buyer_id INTEGER NOT NULL,
  seller_id INTEGER NOT NULL,
  remote_listing_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  url TEXT NOT NULL DEFAULT '',
  receipt_updated DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_remote_orders_receipt_uri ON remote_orders (receipt_uri);
CREATE INDEX idx_remote_orders_buyer_id ON remote_orders (buyer_id);
