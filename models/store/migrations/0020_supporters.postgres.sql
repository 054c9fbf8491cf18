-- Supporters: creators' monthly tiers, subscriptions and their billed periods (docs/PAYMENTS.md).
CREATE TABLE supporter_tiers (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  creator_id BIGINT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  stripe_product_id TEXT NOT NULL DEFAULT '',
  stripe_price_id TEXT NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX idx_supporter_tiers_creator_id ON supporter_tiers (creator_id);
CREATE TABLE subscriptions (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  tier_id BIGINT NOT NULL DEFAULT 0,
  creator_id BIGINT NOT NULL,
  supporter_id BIGINT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  agreement_uri TEXT NOT NULL,
  stripe_subscription_id TEXT NOT NULL DEFAULT '',
  stripe_customer_id TEXT NOT NULL DEFAULT '',
  checkout_session_id TEXT NOT NULL DEFAULT '',
  current_period_end TIMESTAMPTZ,
  last_event_at TIMESTAMPTZ NOT NULL,
  canceled_at TIMESTAMPTZ,
  remote BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX idx_subscriptions_agreement_uri ON subscriptions (agreement_uri);
CREATE INDEX idx_subscriptions_creator_id ON subscriptions (creator_id);
CREATE INDEX idx_subscriptions_supporter_id ON subscriptions (supporter_id);
CREATE UNIQUE INDEX idx_subscriptions_stripe_id ON subscriptions (stripe_subscription_id) WHERE stripe_subscription_id <> '';
CREATE TABLE subscription_invoices (
  id BIGINT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL,
  subscription_id BIGINT NOT NULL,
  invoice_ref TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  paid BOOLEAN NOT NULL,
  period_start TIMESTAMPTZ NOT NULL,
  period_end TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX idx_subscription_invoices_invoice_ref ON subscription_invoices (invoice_ref);
CREATE INDEX idx_subscription_invoices_subscription_id ON subscription_invoices (subscription_id);
