CREATE TABLE announcements (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  text TEXT NOT NULL,
  content TEXT NOT NULL,
  starts_at DATETIME,
  ends_at DATETIME
);
CREATE TABLE announcement_reads (
  announcement_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (announcement_id, account_id)
);
