-- Quote posts (FEP-044f): each status's quote policy, and the quotes
-- with their state and authorization.
CREATE TABLE status_quote_policies (
  status_id BIGINT PRIMARY KEY,
  policy VARCHAR(16) NOT NULL
);
CREATE TABLE quotes (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  quoting_uri VARCHAR(2048) NOT NULL,
  status_id BIGINT,
  quoted_uri VARCHAR(2048) NOT NULL DEFAULT '',
  quoted_status_id BIGINT,
  state VARCHAR(16) NOT NULL,
  request_uri VARCHAR(2048) NOT NULL DEFAULT '',
  authorization_uri VARCHAR(2048) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_quotes_quoting_uri ON quotes (quoting_uri);
CREATE INDEX idx_quotes_status_id ON quotes (status_id);
CREATE INDEX idx_quotes_quoted_status_id ON quotes (quoted_status_id);
CREATE INDEX idx_quotes_request_uri ON quotes (request_uri);
CREATE INDEX idx_quotes_authorization_uri ON quotes (authorization_uri);
