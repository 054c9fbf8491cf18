CREATE TABLE scheduled_statuses (
  id BIGINT PRIMARY KEY,
  account_id BIGINT NOT NULL,
  scheduled_at TIMESTAMPTZ NOT NULL,
  params TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_scheduled_statuses_account ON scheduled_statuses (account_id, id);
CREATE INDEX idx_scheduled_statuses_due ON scheduled_statuses (scheduled_at);
