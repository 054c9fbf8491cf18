-- Statuses pinned to their author's profile (the featured collection).
CREATE TABLE status_pins (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  status_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_status_pins_pair ON status_pins (account_id, status_id);
CREATE INDEX idx_status_pins_status_id ON status_pins (status_id);
