CREATE TABLE announcement_reactions (
  announcement_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (announcement_id, account_id, name)
);
