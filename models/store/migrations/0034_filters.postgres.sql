-- Content filters (Mastodon's v2 filters), their keywords and statuses.
CREATE TABLE filters (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  context TEXT NOT NULL,
  action TEXT NOT NULL,
  expires_at TIMESTAMPTZ
);
CREATE INDEX idx_filters_account_id ON filters (account_id);
CREATE TABLE filter_keywords (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  filter_id BIGINT NOT NULL,
  keyword TEXT NOT NULL,
  whole_word BOOLEAN NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX idx_filter_keywords_pair ON filter_keywords (filter_id, keyword);
CREATE TABLE filter_statuses (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  filter_id BIGINT NOT NULL,
  status_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_filter_statuses_pair ON filter_statuses (filter_id, status_id);
CREATE INDEX idx_filter_statuses_status_id ON filter_statuses (status_id);
