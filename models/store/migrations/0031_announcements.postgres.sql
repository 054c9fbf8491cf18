CREATE TABLE announcements (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  text TEXT NOT NULL,
  content TEXT NOT NULL,
  starts_at TIMESTAMPTZ,
  ends_at TIMESTAMPTZ
);
CREATE TABLE announcement_reads (
  announcement_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (announcement_id, account_id)
);
