-- Content filters (Mastodon's v2 filters), their keywords and statuses.
CREATE TABLE filters (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  context TEXT NOT NULL,
  action TEXT NOT NULL,
  expires_at DATETIME
);
CREATE INDEX idx_filters_account_id ON filters (account_id);
CREATE TABLE filter_keywords (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  filter_id INTEGER NOT NULL,
  keyword TEXT NOT NULL,
  whole_word BOOLEAN NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX idx_filter_keywords_pair ON filter_keywords (filter_id, keyword);
CREATE TABLE filter_statuses (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  filter_id INTEGER NOT NULL,
  status_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_filter_statuses_pair ON filter_statuses (filter_id, status_id);
CREATE INDEX idx_filter_statuses_status_id ON filter_statuses (status_id);
