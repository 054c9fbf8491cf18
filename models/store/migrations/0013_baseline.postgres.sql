-- Step 13, the frozen baseline: the schema that steps 1-13 made (gorm
-- AutoMigrate of the structs as of the last release before freezing), taken
-- from pg_dump --schema-only of a database that release migrated. A fresh
-- database gets it in one step; a database that release made is at 13
-- already. Never edit: add a step.

CREATE TABLE account_conversations (
    account_id bigint NOT NULL,
    conversation_id bigint NOT NULL,
    last_status_id bigint NOT NULL,
    unread boolean DEFAULT true NOT NULL,
    hidden boolean DEFAULT false NOT NULL,
    last_read_id bigint DEFAULT 0 NOT NULL,
    request_from_id bigint DEFAULT 0 NOT NULL
);

CREATE TABLE account_stats (
    account_id bigint NOT NULL,
    statuses_count bigint DEFAULT 0 NOT NULL,
    followers_count bigint DEFAULT 0 NOT NULL,
    following_count bigint DEFAULT 0 NOT NULL,
    last_status_id bigint DEFAULT 0 NOT NULL
);

CREATE TABLE accounts (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    username character varying(255) NOT NULL,
    username_lower character varying(255) NOT NULL,
    domain character varying(255) DEFAULT ''::character varying NOT NULL,
    actor_type character varying(32) NOT NULL,
    display_name character varying(255) DEFAULT ''::character varying NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    avatar_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    header_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    fields_json text DEFAULT '[]'::text NOT NULL,
    locked boolean DEFAULT false NOT NULL,
    discoverable boolean DEFAULT true NOT NULL,
    uri character varying(2048) NOT NULL,
    url character varying(2048) DEFAULT ''::character varying NOT NULL,
    inbox_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    shared_inbox character varying(2048) DEFAULT ''::character varying NOT NULL,
    outbox_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    followers_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    following_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    featured_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    payments_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    public_key_id character varying(2048) NOT NULL,
    public_key_pem text NOT NULL,
    private_key_pem text DEFAULT ''::text NOT NULL,
    fetched_at timestamp with time zone,
    suspended_at timestamp with time zone
);

CREATE TABLE blocks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    uri character varying(2048) NOT NULL
);

CREATE TABLE bookmarks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    status_id bigint NOT NULL
);

CREATE TABLE chat_members (
    conversation_id bigint NOT NULL,
    account_id bigint NOT NULL,
    joined_at timestamp with time zone NOT NULL,
    left_at timestamp with time zone
);

CREATE TABLE conversation_messages (
    conversation_id bigint NOT NULL,
    status_id bigint NOT NULL,
    account_id bigint NOT NULL,
    event character varying(16) DEFAULT ''::character varying NOT NULL
);

CREATE TABLE conversations (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    name character varying(255) DEFAULT ''::character varying NOT NULL
);

CREATE TABLE deliveries (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    activity_uri character varying(2048) NOT NULL,
    inbox_url character varying(2048) NOT NULL,
    domain character varying(255) NOT NULL,
    signer_account_id bigint NOT NULL,
    payload text NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    state character varying(16) NOT NULL,
    locked_until timestamp with time zone,
    locked_by character varying(64) DEFAULT ''::character varying NOT NULL,
    last_error text DEFAULT ''::text NOT NULL,
    last_status bigint DEFAULT 0 NOT NULL,
    delivered_at timestamp with time zone
);

CREATE TABLE domain_blocks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    domain character varying(255) NOT NULL,
    reason text DEFAULT ''::text NOT NULL
);

CREATE TABLE favourites (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    status_id bigint NOT NULL,
    uri character varying(2048) NOT NULL
);

CREATE TABLE follows (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    accepted boolean DEFAULT false NOT NULL,
    uri character varying(2048) NOT NULL
);

CREATE TABLE idempotency_keys (
    account_id bigint NOT NULL,
    key character varying(255) NOT NULL,
    status_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE TABLE inbox_activities (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    activity_uri character varying(2048) NOT NULL,
    type character varying(64) NOT NULL,
    actor_uri character varying(2048) NOT NULL,
    recipient_id bigint,
    raw text NOT NULL
);

CREATE TABLE instance_healths (
    domain character varying(255) NOT NULL,
    consecutive_failures bigint DEFAULT 0 NOT NULL,
    last_failure_at timestamp with time zone,
    last_success_at timestamp with time zone,
    failing_since timestamp with time zone
);

CREATE TABLE instance_settings (
    key character varying(64) NOT NULL,
    value text DEFAULT ''::text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE list_accounts (
    list_id bigint NOT NULL,
    account_id bigint NOT NULL,
    owner_id bigint NOT NULL,
    exclusive boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE TABLE lists (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    title character varying(255) NOT NULL,
    replies_policy character varying(16) DEFAULT 'list'::character varying NOT NULL,
    exclusive boolean DEFAULT false NOT NULL
);

CREATE TABLE markers (
    account_id bigint NOT NULL,
    timeline character varying(32) NOT NULL,
    last_read_id bigint NOT NULL,
    version bigint NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE media_attachments (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    status_id bigint,
    type character varying(16) NOT NULL,
    mime_type character varying(128) DEFAULT ''::character varying NOT NULL,
    remote_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    url character varying(2048) DEFAULT ''::character varying NOT NULL,
    file character varying(1024) DEFAULT ''::character varying NOT NULL,
    preview_file character varying(1024) DEFAULT ''::character varying NOT NULL,
    preview_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    blurhash character varying(255) DEFAULT ''::character varying NOT NULL,
    width bigint DEFAULT 0 NOT NULL,
    height bigint DEFAULT 0 NOT NULL,
    focus_x numeric DEFAULT 0 NOT NULL,
    focus_y numeric DEFAULT 0 NOT NULL
);

CREATE TABLE mentions (
    id bigint NOT NULL,
    status_id bigint NOT NULL,
    account_id bigint NOT NULL,
    silent boolean DEFAULT false NOT NULL
);

CREATE TABLE message_requests (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    from_account_id bigint NOT NULL,
    state character varying(16) NOT NULL,
    last_status_id bigint DEFAULT 0 NOT NULL,
    messages_count bigint DEFAULT 0 NOT NULL
);

CREATE TABLE mutes (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    notifications boolean NOT NULL
);

CREATE TABLE notifications (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    from_account_id bigint NOT NULL,
    type character varying(32) NOT NULL,
    status_id bigint
);

CREATE TABLE o_auth_apps (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    name character varying(255) NOT NULL,
    website character varying(2048) DEFAULT ''::character varying NOT NULL,
    redirect_uris text NOT NULL,
    scopes character varying(1024) NOT NULL,
    client_id character varying(64) NOT NULL,
    client_secret_hash character varying(64) NOT NULL
);

CREATE TABLE o_auth_codes (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    code_hash character varying(64) NOT NULL,
    app_id bigint NOT NULL,
    account_id bigint NOT NULL,
    redirect_uri character varying(2048) NOT NULL,
    scopes character varying(1024) NOT NULL,
    code_challenge character varying(128) DEFAULT ''::character varying NOT NULL,
    code_challenge_method character varying(16) DEFAULT ''::character varying NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone
);

CREATE TABLE payment_events (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    payment_id bigint NOT NULL,
    state character varying(32) NOT NULL,
    cause character varying(2048) NOT NULL,
    amount bigint DEFAULT 0 NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    detail text DEFAULT ''::text NOT NULL
);

CREATE TABLE payment_refunds (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    payment_id bigint NOT NULL,
    amount bigint NOT NULL,
    state character varying(16) NOT NULL,
    provider_refund_id character varying(255) DEFAULT ''::character varying NOT NULL
);

CREATE TABLE payment_requests (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    requester_id bigint NOT NULL,
    payer_id bigint NOT NULL,
    split_id bigint DEFAULT 0 NOT NULL,
    proposal_uri character varying(2048) NOT NULL,
    note_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    amount bigint NOT NULL,
    currency character varying(3) NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    state character varying(16) NOT NULL,
    payment_id bigint DEFAULT 0 NOT NULL,
    pay_token character varying(64) DEFAULT ''::character varying NOT NULL,
    pay_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    reminded_at timestamp with time zone
);

CREATE TABLE payment_splits (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    requester_id bigint NOT NULL,
    note_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    total bigint NOT NULL,
    currency character varying(3) NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    mode character varying(8) NOT NULL
);

CREATE TABLE payments (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    payer_id bigint NOT NULL,
    payee_id bigint NOT NULL,
    offer_uri character varying(2048) NOT NULL,
    agreement_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    proposal_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    pay_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    pay_token character varying(64) DEFAULT ''::character varying NOT NULL,
    return_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    request_id bigint DEFAULT 0 NOT NULL,
    note_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    guest boolean DEFAULT false NOT NULL,
    amount bigint NOT NULL,
    currency character varying(3) NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    state character varying(32) NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    amount_refunded bigint DEFAULT 0 NOT NULL,
    stripe_account_id character varying(255) DEFAULT ''::character varying NOT NULL,
    checkout_session_id character varying(255) DEFAULT ''::character varying NOT NULL,
    checkout_url character varying(2048) DEFAULT ''::character varying NOT NULL,
    payment_intent_id character varying(255) DEFAULT ''::character varying NOT NULL,
    receipt_updated_at timestamp with time zone
);

CREATE TABLE status_edits (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    status_id bigint NOT NULL,
    content text NOT NULL,
    spoiler_text text DEFAULT ''::text NOT NULL,
    sensitive boolean DEFAULT false NOT NULL
);

CREATE TABLE status_search (
    status_id bigint NOT NULL,
    body text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED
);

CREATE TABLE status_tags (
    status_id bigint NOT NULL,
    tag_id bigint NOT NULL
);

CREATE TABLE statuses (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    uri character varying(2048) NOT NULL,
    url character varying(2048) DEFAULT ''::character varying NOT NULL,
    account_id bigint NOT NULL,
    local boolean NOT NULL,
    in_reply_to_id bigint,
    in_reply_to_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    in_reply_to_account_id bigint,
    reblog_of_id bigint,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    content text DEFAULT ''::text NOT NULL,
    text text DEFAULT ''::text NOT NULL,
    spoiler_text text DEFAULT ''::text NOT NULL,
    sensitive boolean DEFAULT false NOT NULL,
    language character varying(16) DEFAULT ''::character varying NOT NULL,
    visibility character varying(16) NOT NULL,
    edited_at timestamp with time zone,
    replies_count bigint DEFAULT 0 NOT NULL,
    reblogs_count bigint DEFAULT 0 NOT NULL,
    favourites_count bigint DEFAULT 0 NOT NULL
);

CREATE TABLE stripe_accounts (
    account_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    stripe_account_id character varying(255) NOT NULL,
    charges_enabled boolean DEFAULT false NOT NULL,
    details_submitted boolean DEFAULT false NOT NULL
);

CREATE TABLE tags (
    id bigint NOT NULL,
    name character varying(255) NOT NULL
);

CREATE TABLE tokens (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint,
    app_id bigint,
    last_used_at timestamp with time zone,
    secret_hash character varying(64) NOT NULL,
    scopes character varying(1024) NOT NULL,
    revoked_at timestamp with time zone
);

CREATE TABLE users (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    email character varying(255) NOT NULL,
    email_lower character varying(255) NOT NULL,
    password_hash character varying(255) NOT NULL,
    admin boolean DEFAULT false NOT NULL
);

CREATE TABLE web_sessions (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    secret_hash character varying(64) NOT NULL,
    csrf_token character varying(64) NOT NULL,
    user_agent character varying(512) DEFAULT ''::character varying NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);

CREATE TABLE webhook_events (
    event_id character varying(255) NOT NULL,
    type character varying(128) NOT NULL,
    received_at timestamp with time zone NOT NULL
);

ALTER TABLE ONLY account_conversations
    ADD CONSTRAINT account_conversations_pkey PRIMARY KEY (account_id, conversation_id);

ALTER TABLE ONLY account_stats
    ADD CONSTRAINT account_stats_pkey PRIMARY KEY (account_id);

ALTER TABLE ONLY accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY blocks
    ADD CONSTRAINT blocks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY bookmarks
    ADD CONSTRAINT bookmarks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY chat_members
    ADD CONSTRAINT chat_members_pkey PRIMARY KEY (conversation_id, account_id);

ALTER TABLE ONLY conversation_messages
    ADD CONSTRAINT conversation_messages_pkey PRIMARY KEY (conversation_id, status_id);

ALTER TABLE ONLY conversations
    ADD CONSTRAINT conversations_pkey PRIMARY KEY (id);

ALTER TABLE ONLY deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY domain_blocks
    ADD CONSTRAINT domain_blocks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY favourites
    ADD CONSTRAINT favourites_pkey PRIMARY KEY (id);

ALTER TABLE ONLY follows
    ADD CONSTRAINT follows_pkey PRIMARY KEY (id);

ALTER TABLE ONLY idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (account_id, key);

ALTER TABLE ONLY inbox_activities
    ADD CONSTRAINT inbox_activities_pkey PRIMARY KEY (id);

ALTER TABLE ONLY instance_healths
    ADD CONSTRAINT instance_healths_pkey PRIMARY KEY (domain);

ALTER TABLE ONLY instance_settings
    ADD CONSTRAINT instance_settings_pkey PRIMARY KEY (key);

ALTER TABLE ONLY list_accounts
    ADD CONSTRAINT list_accounts_pkey PRIMARY KEY (list_id, account_id);

ALTER TABLE ONLY lists
    ADD CONSTRAINT lists_pkey PRIMARY KEY (id);

ALTER TABLE ONLY markers
    ADD CONSTRAINT markers_pkey PRIMARY KEY (account_id, timeline);

ALTER TABLE ONLY media_attachments
    ADD CONSTRAINT media_attachments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY mentions
    ADD CONSTRAINT mentions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY message_requests
    ADD CONSTRAINT message_requests_pkey PRIMARY KEY (id);

ALTER TABLE ONLY mutes
    ADD CONSTRAINT mutes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

ALTER TABLE ONLY o_auth_apps
    ADD CONSTRAINT o_auth_apps_pkey PRIMARY KEY (id);

ALTER TABLE ONLY o_auth_codes
    ADD CONSTRAINT o_auth_codes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY payment_events
    ADD CONSTRAINT payment_events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY payment_refunds
    ADD CONSTRAINT payment_refunds_pkey PRIMARY KEY (id);

ALTER TABLE ONLY payment_requests
    ADD CONSTRAINT payment_requests_pkey PRIMARY KEY (id);

ALTER TABLE ONLY payment_splits
    ADD CONSTRAINT payment_splits_pkey PRIMARY KEY (id);

ALTER TABLE ONLY payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);

ALTER TABLE ONLY status_edits
    ADD CONSTRAINT status_edits_pkey PRIMARY KEY (id);

ALTER TABLE ONLY status_search
    ADD CONSTRAINT status_search_pkey PRIMARY KEY (status_id);

ALTER TABLE ONLY status_tags
    ADD CONSTRAINT status_tags_pkey PRIMARY KEY (status_id, tag_id);

ALTER TABLE ONLY statuses
    ADD CONSTRAINT statuses_pkey PRIMARY KEY (id);

ALTER TABLE ONLY stripe_accounts
    ADD CONSTRAINT stripe_accounts_pkey PRIMARY KEY (account_id);

ALTER TABLE ONLY tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);

ALTER TABLE ONLY tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

ALTER TABLE ONLY web_sessions
    ADD CONSTRAINT web_sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (event_id);

CREATE INDEX idx_account_conversations_last ON account_conversations USING btree (account_id, last_status_id);

CREATE INDEX idx_accounts_public_key_id ON accounts USING btree (public_key_id);

CREATE UNIQUE INDEX idx_accounts_uri ON accounts USING btree (uri);

CREATE UNIQUE INDEX idx_accounts_username_domain ON accounts USING btree (username_lower, domain);

CREATE UNIQUE INDEX idx_blocks_pair ON blocks USING btree (account_id, target_account_id);

CREATE INDEX idx_blocks_target_account_id ON blocks USING btree (target_account_id);

CREATE UNIQUE INDEX idx_blocks_uri ON blocks USING btree (uri);

CREATE INDEX idx_bookmarks_account_id ON bookmarks USING btree (account_id, id);

CREATE UNIQUE INDEX idx_bookmarks_pair ON bookmarks USING btree (account_id, status_id);

CREATE INDEX idx_bookmarks_status_id ON bookmarks USING btree (status_id);

CREATE INDEX idx_chat_members_account_id ON chat_members USING btree (account_id);

CREATE INDEX idx_conversation_messages_status_id ON conversation_messages USING btree (status_id);

CREATE INDEX idx_conversations_context_uri ON conversations USING btree (context_uri);

CREATE INDEX idx_deliveries_domain ON deliveries USING btree (domain);

CREATE INDEX idx_deliveries_due ON deliveries USING btree (state, next_attempt_at);

CREATE UNIQUE INDEX idx_domain_blocks_domain ON domain_blocks USING btree (domain);

CREATE UNIQUE INDEX idx_favourites_pair ON favourites USING btree (account_id, status_id);

CREATE INDEX idx_favourites_status_id ON favourites USING btree (status_id);

CREATE UNIQUE INDEX idx_favourites_uri ON favourites USING btree (uri);

CREATE UNIQUE INDEX idx_follows_pair ON follows USING btree (account_id, target_account_id);

CREATE INDEX idx_follows_target ON follows USING btree (target_account_id, accepted);

CREATE UNIQUE INDEX idx_follows_uri ON follows USING btree (uri);

CREATE UNIQUE INDEX idx_inbox_activities_activity_uri ON inbox_activities USING btree (activity_uri);

CREATE INDEX idx_inbox_activities_actor_uri ON inbox_activities USING btree (actor_uri);

CREATE INDEX idx_list_accounts_owner_account ON list_accounts USING btree (owner_id, account_id);

CREATE INDEX idx_lists_account_id ON lists USING btree (account_id);

CREATE INDEX idx_media_attachments_account_id ON media_attachments USING btree (account_id);

CREATE INDEX idx_media_attachments_status_id ON media_attachments USING btree (status_id);

CREATE INDEX idx_mentions_account_status ON mentions USING btree (account_id, status_id);

CREATE UNIQUE INDEX idx_mentions_status_account ON mentions USING btree (status_id, account_id);

CREATE UNIQUE INDEX idx_message_requests_pair ON message_requests USING btree (account_id, from_account_id);

CREATE INDEX idx_message_requests_state ON message_requests USING btree (account_id, state);

CREATE UNIQUE INDEX idx_mutes_pair ON mutes USING btree (account_id, target_account_id);

CREATE INDEX idx_mutes_target_account_id ON mutes USING btree (target_account_id);

CREATE INDEX idx_notifications_account_id ON notifications USING btree (account_id, id);

CREATE INDEX idx_notifications_status_id ON notifications USING btree (status_id);

CREATE UNIQUE INDEX idx_o_auth_apps_client_id ON o_auth_apps USING btree (client_id);

CREATE INDEX idx_o_auth_codes_app_id ON o_auth_codes USING btree (app_id);

CREATE UNIQUE INDEX idx_o_auth_codes_code_hash ON o_auth_codes USING btree (code_hash);

CREATE UNIQUE INDEX idx_payment_events_cause ON payment_events USING btree (payment_id, cause);

CREATE INDEX idx_payment_refunds_payment_id ON payment_refunds USING btree (payment_id);

CREATE INDEX idx_payment_requests_created_at ON payment_requests USING btree (created_at);

CREATE INDEX idx_payment_requests_note_uri ON payment_requests USING btree (note_uri);

CREATE INDEX idx_payment_requests_pay_token ON payment_requests USING btree (pay_token);

CREATE INDEX idx_payment_requests_payer_id ON payment_requests USING btree (payer_id);

CREATE UNIQUE INDEX idx_payment_requests_proposal_uri ON payment_requests USING btree (proposal_uri);

CREATE INDEX idx_payment_requests_requester_id ON payment_requests USING btree (requester_id);

CREATE INDEX idx_payment_requests_split_id ON payment_requests USING btree (split_id);

CREATE INDEX idx_payment_requests_state ON payment_requests USING btree (state);

CREATE INDEX idx_payment_splits_note_uri ON payment_splits USING btree (note_uri);

CREATE INDEX idx_payment_splits_requester_id ON payment_splits USING btree (requester_id);

CREATE INDEX idx_payments_agreement_uri ON payments USING btree (agreement_uri);

CREATE INDEX idx_payments_note_uri ON payments USING btree (note_uri);

CREATE UNIQUE INDEX idx_payments_offer_uri ON payments USING btree (offer_uri);

CREATE INDEX idx_payments_payee_id ON payments USING btree (payee_id);

CREATE INDEX idx_payments_payer_id ON payments USING btree (payer_id);

CREATE INDEX idx_payments_payment_intent_id ON payments USING btree (payment_intent_id);

CREATE INDEX idx_payments_request_id ON payments USING btree (request_id);

CREATE INDEX idx_payments_state ON payments USING btree (state);

CREATE INDEX idx_status_edits_status_id ON status_edits USING btree (status_id);

CREATE INDEX idx_status_search_tsv ON status_search USING gin (tsv);

CREATE INDEX idx_status_tags_tag_status ON status_tags USING btree (tag_id, status_id);

CREATE INDEX idx_statuses_account_id_id ON statuses USING btree (account_id, id);

CREATE INDEX idx_statuses_context_uri ON statuses USING btree (context_uri);

CREATE INDEX idx_statuses_in_reply_to_id ON statuses USING btree (in_reply_to_id);

CREATE INDEX idx_statuses_public_tl ON statuses USING btree (visibility, local, id);

CREATE INDEX idx_statuses_reblog_account ON statuses USING btree (reblog_of_id, account_id);

CREATE INDEX idx_statuses_reblog_of_id ON statuses USING btree (reblog_of_id);

CREATE UNIQUE INDEX idx_statuses_uri ON statuses USING btree (uri);

CREATE INDEX idx_statuses_visibility_id ON statuses USING btree (visibility, id);

CREATE UNIQUE INDEX idx_stripe_accounts_stripe_account_id ON stripe_accounts USING btree (stripe_account_id);

CREATE UNIQUE INDEX idx_tags_name ON tags USING btree (name);

CREATE INDEX idx_tokens_account_id ON tokens USING btree (account_id);

CREATE INDEX idx_tokens_app_id ON tokens USING btree (app_id);

CREATE UNIQUE INDEX idx_tokens_secret_hash ON tokens USING btree (secret_hash);

CREATE UNIQUE INDEX idx_users_account_id ON users USING btree (account_id);

CREATE UNIQUE INDEX idx_users_email_lower ON users USING btree (email_lower);

CREATE INDEX idx_web_sessions_account_id ON web_sessions USING btree (account_id);

CREATE INDEX idx_web_sessions_expires_at ON web_sessions USING btree (expires_at);

CREATE UNIQUE INDEX idx_web_sessions_secret_hash ON web_sessions USING btree (secret_hash);

ALTER TABLE ONLY chat_members
    ADD CONSTRAINT fk_chat_members_account FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY statuses
    ADD CONSTRAINT fk_statuses_account FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY tokens
    ADD CONSTRAINT fk_tokens_account FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY tokens
    ADD CONSTRAINT fk_tokens_app FOREIGN KEY (app_id) REFERENCES o_auth_apps(id) ON DELETE CASCADE;

ALTER TABLE ONLY users
    ADD CONSTRAINT fk_users_account FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY web_sessions
    ADD CONSTRAINT fk_web_sessions_account FOREIGN KEY (account_id) REFERENCES accounts(id) ON DELETE CASCADE;

ALTER TABLE ONLY status_search
    ADD CONSTRAINT status_search_status_id_fkey FOREIGN KEY (status_id) REFERENCES statuses(id) ON DELETE CASCADE;
