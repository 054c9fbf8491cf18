-- Polls of statuses (Question) and the votes cast in them.
CREATE TABLE polls (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  status_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  expires_at TIMESTAMPTZ,
  multiple BOOLEAN NOT NULL DEFAULT false,
  hide_totals BOOLEAN NOT NULL DEFAULT false,
  options TEXT NOT NULL,
  votes_count BIGINT NOT NULL DEFAULT 0,
  voters_count BIGINT NOT NULL DEFAULT 0,
  expiry_notified BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX idx_polls_status_id ON polls (status_id);
CREATE INDEX idx_polls_expiry ON polls (expiry_notified, expires_at);
CREATE TABLE poll_votes (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  poll_id BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  choice BIGINT NOT NULL,
  uri TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_poll_votes_choice ON poll_votes (poll_id, account_id, choice);
CREATE INDEX idx_poll_votes_account_id ON poll_votes (account_id);
CREATE UNIQUE INDEX idx_poll_votes_uri ON poll_votes (uri);
