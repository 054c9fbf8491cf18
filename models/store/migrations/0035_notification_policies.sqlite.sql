CREATE TABLE notification_policies (
  account_id INTEGER PRIMARY KEY NOT NULL,
  updated_at DATETIME NOT NULL,
  for_not_following TEXT NOT NULL,
  for_not_followers TEXT NOT NULL,
  for_new_accounts TEXT NOT NULL,
  for_private_mentions TEXT NOT NULL,
  for_limited_accounts TEXT NOT NULL
);
CREATE TABLE notification_requests (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  from_account_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_notification_requests_pair ON notification_requests (account_id, from_account_id);
CREATE INDEX idx_notification_requests_account ON notification_requests (account_id, id);
CREATE TABLE held_notifications (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  from_account_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  status_id INTEGER
);
CREATE INDEX idx_held_notifications_pair ON held_notifications (account_id, from_account_id);
CREATE TABLE notification_permissions (
  account_id INTEGER NOT NULL,
  from_account_id INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (account_id, from_account_id)
);
CREATE TABLE conversation_mutes (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  context_uri TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_conversation_mutes_pair ON conversation_mutes (account_id, context_uri);
