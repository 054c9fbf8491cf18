CREATE TABLE custom_emojis (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  shortcode VARCHAR(64) NOT NULL,
  domain VARCHAR(255) NOT NULL DEFAULT '',
  file VARCHAR(255) NOT NULL DEFAULT '',
  url VARCHAR(2048) NOT NULL DEFAULT '',
  image_remote_url VARCHAR(2048) NOT NULL DEFAULT '',
  uri VARCHAR(2048) NOT NULL DEFAULT '',
  mime_type VARCHAR(64) NOT NULL DEFAULT '',
  category VARCHAR(64) NOT NULL DEFAULT '',
  visible_in_picker BOOLEAN NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX idx_custom_emojis_shortcode_domain ON custom_emojis (shortcode, domain);
