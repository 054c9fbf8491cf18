-- Email confirmation, approval, pending email change and TOTP on users;
-- one-time mail tokens, recovery codes and invite links.
ALTER TABLE users ADD COLUMN confirmed_at DATETIME;
ALTER TABLE users ADD COLUMN approval_pending BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN unconfirmed_email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at DATETIME;
-- Accounts made before email existed count as confirmed.
UPDATE users SET confirmed_at = created_at;
CREATE TABLE user_tokens (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  expires_at DATETIME NOT NULL,
  used_at DATETIME
);
CREATE UNIQUE INDEX idx_user_tokens_secret_hash ON user_tokens(secret_hash);
CREATE INDEX idx_user_tokens_account_id ON user_tokens(account_id);
CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at DATETIME
);
CREATE UNIQUE INDEX idx_recovery_codes_code ON recovery_codes(account_id, code_hash);
CREATE TABLE invites (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  created_by_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  max_uses INTEGER NOT NULL DEFAULT 0,
  uses INTEGER NOT NULL DEFAULT 0,
  expires_at DATETIME
);
CREATE UNIQUE INDEX idx_invites_code ON invites(code);
