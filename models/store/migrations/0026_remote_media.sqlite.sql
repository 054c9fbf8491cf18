-- The cache of remote media served through this instance.
CREATE TABLE remote_media (
  url_hash TEXT NOT NULL PRIMARY KEY,
  remote_url TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  file TEXT NOT NULL,
  fetched_at DATETIME NOT NULL,
  last_access_at DATETIME NOT NULL
);
CREATE INDEX idx_remote_media_last_access_at ON remote_media (last_access_at);
