-- Supporters: creators' monthly tiers, subscriptions and their billed periods (docs/PAYMENTS.md).
CREATE TABLE supporter_tiers (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  creator_id INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  stripe_product_id TEXT NOT NULL DEFAULT '',
  stripe_price_id TEXT NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT 1
);
CREATE INDEX idx_supporter_tiers_creator_id ON supporter_tiers (creator_id);
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  tier_id INTEGER NOT NULL DEFAULT 0,
  creator_id INTEGER NOT NULL,
  supporter_id INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  state TEXT NOT NULL,
  agreement_uri TEXT NOT NULL,
  stripe_subscription_id TEXT NOT NULL DEFAULT '',
  stripe_customer_id TEXT NOT NULL DEFAULT '',
  checkout_session_id TEXT NOT NULL DEFAULT '',
  current_period_end DATETIME,
  last_event_at DATETIME NOT NULL,
  canceled_at DATETIME,
  remote BOOLEAN NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX idx_subscriptions_agreement_uri ON subscriptions (agreement_uri);
CREATE INDEX idx_subscriptions_creator_id ON subscriptions (creator_id);
CREATE INDEX idx_subscriptions_supporter_id ON subscriptions (supporter_id);
CREATE UNIQUE INDEX idx_subscriptions_stripe_id ON subscriptions (stripe_subscription_id) WHERE stripe_subscription_id <> '';
CREATE TABLE subscription_invoices (
  id INTEGER PRIMARY KEY,
  created_at DATETIME NOT NULL,
  subscription_id INTEGER NOT NULL,
  invoice_ref TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  paid BOOLEAN NOT NULL,
  period_start DATETIME NOT NULL,
  period_end DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_subscription_invoices_invoice_ref ON subscription_invoices (invoice_ref);
CREATE INDEX idx_subscription_invoices_subscription_id ON subscription_invoices (subscription_id);
