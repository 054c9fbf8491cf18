CREATE TABLE custom_emojis (
  id INTEGER PRIMARY KEY NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  shortcode TEXT NOT NULL,
  domain TEXT NOT NULL DEFAULT '',
  file TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  image_remote_url TEXT NOT NULL DEFAULT '',
  uri TEXT NOT NULL DEFAULT '',
  mime_type TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  visible_in_picker BOOLEAN NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX idx_custom_emojis_shortcode_domain ON custom_emojis (shortcode, domain);
