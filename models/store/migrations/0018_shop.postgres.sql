-- Shop: listings sold from posts and their orders (docs/SHOP.md).
CREATE TABLE listings (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  seller_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL DEFAULT 0,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  price BIGINT NOT NULL CHECK (price > 0),
  currency TEXT NOT NULL,
  price_decimal TEXT NOT NULL DEFAULT '',
  stock BIGINT CHECK (stock >= 0),
  shipping_note TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL
);
CREATE INDEX idx_listings_seller_id ON listings (seller_id);
CREATE INDEX idx_listings_state ON listings (state);
CREATE INDEX idx_listings_status_id ON listings (status_id);
CREATE TABLE orders (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  listing_id BIGINT NOT NULL,
  seller_id BIGINT NOT NULL,
  buyer_id BIGINT NOT NULL DEFAULT 0,
  buyer_handle TEXT NOT NULL DEFAULT '',
  payment_id BIGINT NOT NULL,
  token TEXT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  unit_price BIGINT NOT NULL,
  total BIGINT NOT NULL,
  currency TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  reserved BOOLEAN NOT NULL DEFAULT false,
  shipped_message TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_orders_payment_id ON orders (payment_id);
CREATE UNIQUE INDEX idx_orders_token ON orders (token);
CREATE INDEX idx_orders_listing_id ON orders (listing_id);
CREATE INDEX idx_orders_seller_id ON orders (seller_id);
CREATE INDEX idx_orders_buyer_id ON orders (buyer_id);
CREATE INDEX idx_orders_created_at ON orders (created_at);
CREATE INDEX idx_orders_state ON orders (state);
