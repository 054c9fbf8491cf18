CREATE TABLE web_push_subscriptions (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  token_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh VARCHAR(255) NOT NULL,
  auth VARCHAR(255) NOT NULL,
  alerts VARCHAR(1024) NOT NULL,
  policy VARCHAR(16) NOT NULL
);
CREATE UNIQUE INDEX idx_web_push_subscriptions_token_id ON web_push_subscriptions (token_id);
CREATE INDEX idx_web_push_subscriptions_account_id ON web_push_subscriptions (account_id);
CREATE TABLE web_push_claims (
  notification_id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE INDEX idx_web_push_claims_created_at ON web_push_claims (created_at);
