-- Remote supporter subscriptions mirrored on the supporter's instance (docs/PAYMENTS.md, "Across instances").
CREATE TABLE supporter_mirrors (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  supporter_id BIGINT NOT NULL,
  creator_id BIGINT NOT NULL,
  agreement_uri TEXT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  current_period_end TIMESTAMPTZ,
  last_activity_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idx_supporter_mirrors_agreement_uri ON supporter_mirrors (agreement_uri);
CREATE INDEX idx_supporter_mirrors_supporter_id ON supporter_mirrors (supporter_id);
