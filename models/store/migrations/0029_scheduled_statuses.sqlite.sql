CREATE TABLE scheduled_statuses (
  id INTEGER PRIMARY KEY NOT NULL,
  account_id INTEGER NOT NULL,
  scheduled_at DATETIME NOT NULL,
  params TEXT NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX idx_scheduled_statuses_account ON scheduled_statuses (account_id, id);
CREATE INDEX idx_scheduled_statuses_due ON scheduled_statuses (scheduled_at);
