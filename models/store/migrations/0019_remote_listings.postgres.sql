-- Listings of sellers on other Plaza instances, read from their posts'
-- Proposals (docs/SHOP.md).
CREATE TABLE remote_listings (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  status_id BIGINT NOT NULL,
  seller_id BIGINT NOT NULL,
  proposal_uri TEXT NOT NULL,
  title TEXT NOT NULL,
  price_decimal TEXT NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_remote_listings_status_id ON remote_listings (status_id);
CREATE UNIQUE INDEX idx_remote_listings_proposal_uri ON remote_listings (proposal_uri);
CREATE INDEX idx_remote_listings_seller_id ON remote_listings (seller_id);
