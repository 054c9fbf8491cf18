CREATE TABLE announcement_reactions (
  announcement_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  name VARCHAR(64) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (announcement_id, account_id, name)
);
