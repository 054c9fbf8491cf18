-- Per-user domain blocks, account notes, endorsements (account pins) and
-- dismissed follow suggestions.
CREATE TABLE account_domain_blocks (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  domain TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_account_domain_blocks_pair ON account_domain_blocks (account_id, domain);
CREATE TABLE account_notes (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL,
  comment TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_account_notes_pair ON account_notes (account_id, target_account_id);
CREATE INDEX idx_account_notes_target_account_id ON account_notes (target_account_id);
CREATE TABLE account_endorsements (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_account_endorsements_pair ON account_endorsements (account_id, target_account_id);
CREATE INDEX idx_account_endorsements_target_account_id ON account_endorsements (target_account_id);
CREATE TABLE suggestion_dismissals (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  account_id BIGINT NOT NULL,
  target_account_id BIGINT NOT NULL
);
CREATE UNIQUE INDEX idx_suggestion_dismissals_pair ON suggestion_dismissals (account_id, target_account_id);
-- A domain block's timeline filter finds the domain's accounts by domain.
CREATE INDEX idx_accounts_domain ON accounts (domain);
