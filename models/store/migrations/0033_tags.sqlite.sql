CREATE TABLE tag_follows (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  tag_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_tag_follows_pair ON tag_follows(account_id, tag_id);
CREATE INDEX idx_tag_follows_tag_id ON tag_follows(tag_id);
CREATE TABLE featured_tags (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  account_id INTEGER NOT NULL,
  tag_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX idx_featured_tags_pair ON featured_tags(account_id, tag_id);
ALTER TABLE accounts ADD COLUMN featured_tags_uri TEXT NOT NULL DEFAULT '';
UPDATE accounts SET featured_tags_uri = REPLACE(featured_uri, '/collections/featured', '/collections/tags') WHERE domain = '' AND featured_uri <> '';
