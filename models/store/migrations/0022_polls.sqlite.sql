-- Polls of statuses (Question) and the votes cast in them.
CREATE TABLE polls (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  status_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  expires_at DATETIME,
  multiple BOOLEAN NOT NULL DEFAULT false,
  hide_totals BOOLEAN NOT NULL DEFAULT false,
  options TEXT NOT NULL,
  votes_count INTEGER NOT NULL DEFAULT 0,
  voters_count INTEGER NOT NULL DEFAULT 0,
  expiry_notified BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX idx_polls_status_id ON polls (status_id);
CREATE INDEX idx_polls_expiry ON polls (expiry_notified, expires_at);
CREATE TABLE poll_votes (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  poll_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  choice INTEGER NOT NULL,
  uri TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_poll_votes_choice ON poll_votes (poll_id, account_id, choice);
CREATE INDEX idx_poll_votes_account_id ON poll_votes (account_id);
CREATE UNIQUE INDEX idx_poll_votes_uri ON poll_votes (uri);
