-- Reports, the moderation audit log, account limits and domain block
-- severities (issue 15, items 1 and 2).
CREATE TABLE reports (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  status_ids TEXT NOT NULL DEFAULT '[]',
  rule_ids TEXT NOT NULL DEFAULT '[]',
  category TEXT NOT NULL DEFAULT 'other',
  comment TEXT NOT NULL DEFAULT '',
  forwarded BOOLEAN NOT NULL DEFAULT false,
  uri TEXT NOT NULL DEFAULT '',
  assigned_account_id BIGINT,
  action_taken_by_account_id BIGINT,
  action_taken_at TIMESTAMPTZ
);
CREATE INDEX idx_reports_target_account_id ON reports (target_account_id);
CREATE INDEX idx_reports_account_id ON reports (account_id);
CREATE INDEX idx_reports_uri ON reports (uri);
CREATE TABLE moderation_actions (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL DEFAULT 0,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id BIGINT NOT NULL DEFAULT 0,
  target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_moderation_actions_created_at ON moderation_actions (created_at);
CREATE TABLE domain_allows (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  domain TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_domain_allows_domain ON domain_allows (domain);
