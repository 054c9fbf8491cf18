-- Fixture: pg_dump --inserts of a database that main at schema version 13
-- (before the migrations were frozen) migrated and filled with two rows per
-- table. The upgrade test loads it and migrates it with today's steps.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: account_conversations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_conversations (
    account_id bigint NOT NULL,
    conversation_id bigint NOT NULL,
    last_status_id bigint NOT NULL,
    unread boolean DEFAULT true NOT NULL,
    hidden boolean DEFAULT false NOT NULL,
    last_read_id bigint DEFAULT 0 NOT NULL,
    request_from_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: account_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.account_stats (
    account_id bigint NOT NULL,
    statuses_count bigint DEFAULT 0 NOT NULL,
    followers_count bigint DEFAULT 0 NOT NULL,
    following_count bigint DEFAULT 0 NOT NULL,
    last_status_id bigint DEFAULT 0 NOT NULL
);


--
-- Name: accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts (
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


--
-- Name: blocks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.blocks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    uri character varying(2048) NOT NULL
);


--
-- Name: bookmarks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.bookmarks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    status_id bigint NOT NULL
);


--
-- Name: chat_members; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.chat_members (
    conversation_id bigint NOT NULL,
    account_id bigint NOT NULL,
    joined_at timestamp with time zone NOT NULL,
    left_at timestamp with time zone
);


--
-- Name: conversation_messages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.conversation_messages (
    conversation_id bigint NOT NULL,
    status_id bigint NOT NULL,
    account_id bigint NOT NULL,
    event character varying(16) DEFAULT ''::character varying NOT NULL
);


--
-- Name: conversations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.conversations (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    context_uri character varying(2048) DEFAULT ''::character varying NOT NULL,
    name character varying(255) DEFAULT ''::character varying NOT NULL
);


--
-- Name: deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.deliveries (
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


--
-- Name: domain_blocks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.domain_blocks (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    domain character varying(255) NOT NULL,
    reason text DEFAULT ''::text NOT NULL
);


--
-- Name: favourites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.favourites (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    status_id bigint NOT NULL,
    uri character varying(2048) NOT NULL
);


--
-- Name: follows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.follows (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    accepted boolean DEFAULT false NOT NULL,
    uri character varying(2048) NOT NULL
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    account_id bigint NOT NULL,
    key character varying(255) NOT NULL,
    status_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: inbox_activities; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.inbox_activities (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    activity_uri character varying(2048) NOT NULL,
    type character varying(64) NOT NULL,
    actor_uri character varying(2048) NOT NULL,
    recipient_id bigint,
    raw text NOT NULL
);


--
-- Name: instance_healths; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.instance_healths (
    domain character varying(255) NOT NULL,
    consecutive_failures bigint DEFAULT 0 NOT NULL,
    last_failure_at timestamp with time zone,
    last_success_at timestamp with time zone,
    failing_since timestamp with time zone
);


--
-- Name: instance_settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.instance_settings (
    key character varying(64) NOT NULL,
    value text DEFAULT ''::text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: list_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.list_accounts (
    list_id bigint NOT NULL,
    account_id bigint NOT NULL,
    owner_id bigint NOT NULL,
    exclusive boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: lists; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.lists (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    title character varying(255) NOT NULL,
    replies_policy character varying(16) DEFAULT 'list'::character varying NOT NULL,
    exclusive boolean DEFAULT false NOT NULL
);


--
-- Name: markers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.markers (
    account_id bigint NOT NULL,
    timeline character varying(32) NOT NULL,
    last_read_id bigint NOT NULL,
    version bigint NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: media_attachments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.media_attachments (
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


--
-- Name: mentions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mentions (
    id bigint NOT NULL,
    status_id bigint NOT NULL,
    account_id bigint NOT NULL,
    silent boolean DEFAULT false NOT NULL
);


--
-- Name: message_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.message_requests (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    from_account_id bigint NOT NULL,
    state character varying(16) NOT NULL,
    last_status_id bigint DEFAULT 0 NOT NULL,
    messages_count bigint DEFAULT 0 NOT NULL
);


--
-- Name: mutes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mutes (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    target_account_id bigint NOT NULL,
    notifications boolean NOT NULL
);


--
-- Name: notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notifications (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    from_account_id bigint NOT NULL,
    type character varying(32) NOT NULL,
    status_id bigint
);


--
-- Name: o_auth_apps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.o_auth_apps (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    name character varying(255) NOT NULL,
    website character varying(2048) DEFAULT ''::character varying NOT NULL,
    redirect_uris text NOT NULL,
    scopes character varying(1024) NOT NULL,
    client_id character varying(64) NOT NULL,
    client_secret_hash character varying(64) NOT NULL
);


--
-- Name: o_auth_codes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.o_auth_codes (
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


--
-- Name: payment_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_events (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    payment_id bigint NOT NULL,
    state character varying(32) NOT NULL,
    cause character varying(2048) NOT NULL,
    amount bigint DEFAULT 0 NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    detail text DEFAULT ''::text NOT NULL
);


--
-- Name: payment_refunds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_refunds (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    payment_id bigint NOT NULL,
    amount bigint NOT NULL,
    state character varying(16) NOT NULL,
    provider_refund_id character varying(255) DEFAULT ''::character varying NOT NULL
);


--
-- Name: payment_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_requests (
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


--
-- Name: payment_splits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment_splits (
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


--
-- Name: payments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments (
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


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version bigint NOT NULL,
    name text,
    applied_at timestamp with time zone
);


--
-- Name: status_edits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.status_edits (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    status_id bigint NOT NULL,
    content text NOT NULL,
    spoiler_text text DEFAULT ''::text NOT NULL,
    sensitive boolean DEFAULT false NOT NULL
);


--
-- Name: status_search; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.status_search (
    status_id bigint NOT NULL,
    body text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED
);


--
-- Name: status_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.status_tags (
    status_id bigint NOT NULL,
    tag_id bigint NOT NULL
);


--
-- Name: statuses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.statuses (
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


--
-- Name: stripe_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stripe_accounts (
    account_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    stripe_account_id character varying(255) NOT NULL,
    charges_enabled boolean DEFAULT false NOT NULL,
    details_submitted boolean DEFAULT false NOT NULL
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    id bigint NOT NULL,
    name character varying(255) NOT NULL
);


--
-- Name: tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tokens (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint,
    app_id bigint,
    last_used_at timestamp with time zone,
    secret_hash character varying(64) NOT NULL,
    scopes character varying(1024) NOT NULL,
    revoked_at timestamp with time zone
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    email character varying(255) NOT NULL,
    email_lower character varying(255) NOT NULL,
    password_hash character varying(255) NOT NULL,
    admin boolean DEFAULT false NOT NULL
);


--
-- Name: web_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.web_sessions (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    secret_hash character varying(64) NOT NULL,
    csrf_token character varying(64) NOT NULL,
    user_agent character varying(512) DEFAULT ''::character varying NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: webhook_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.webhook_events (
    event_id character varying(255) NOT NULL,
    type character varying(128) NOT NULL,
    received_at timestamp with time zone NOT NULL
);


--
-- Data for Name: account_conversations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.account_conversations VALUES (1, 1, 1, true, true, 1, 1);
INSERT INTO public.account_conversations VALUES (2, 2, 2, false, false, 2, 2);


--
-- Data for Name: account_stats; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.account_stats VALUES (1, 1, 1, 1, 1);
INSERT INTO public.account_stats VALUES (2, 2, 2, 2, 2);


--
-- Data for Name: accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.accounts VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 'username 1', 'username_lower 1', 'domain 1', 'actor_type 1', 'display_name 1', 'note 1', 'avatar_url 1', 'header_url 1', 'fields_json 1', true, true, 'uri 1', 'url 1', 'inbox_uri 1', 'shared_inbox 1', 'outbox_uri 1', 'followers_uri 1', 'following_uri 1', 'featured_uri 1', 'payments_uri 1', 'public_key_id 1', 'public_key_pem 1', 'private_key_pem 1', '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00');
INSERT INTO public.accounts VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 'username 2', 'username_lower 2', 'remote.example', 'actor_type 2', 'display_name 2', 'note 2', 'avatar_url 2', 'header_url 2', 'fields_json 2', false, false, 'uri 2', 'url 2', 'inbox_uri 2', 'shared_inbox 2', 'outbox_uri 2', 'followers_uri 2', 'following_uri 2', 'featured_uri 2', 'payments_uri 2', 'public_key_id 2', 'public_key_pem 2', 'private_key_pem 2', '2026-11-30 14:00:00+00', NULL);


--
-- Data for Name: blocks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.blocks VALUES (1, '2026-11-30 13:00:00+00', 1, 1, 'uri 1');
INSERT INTO public.blocks VALUES (2, '2026-11-30 14:00:00+00', 2, 2, 'uri 2');


--
-- Data for Name: bookmarks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.bookmarks VALUES (1, '2026-11-30 13:00:00+00', 1, 1);
INSERT INTO public.bookmarks VALUES (2, '2026-11-30 14:00:00+00', 2, 2);


--
-- Data for Name: chat_members; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.chat_members VALUES (1, 1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00');
INSERT INTO public.chat_members VALUES (2, 2, '2026-11-30 14:00:00+00', NULL);


--
-- Data for Name: conversation_messages; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.conversation_messages VALUES (1, 1, 1, 'event 1');
INSERT INTO public.conversation_messages VALUES (2, 2, 2, 'event 2');


--
-- Data for Name: conversations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.conversations VALUES (1, '2026-11-30 13:00:00+00', 'context_uri 1', 'name 1');
INSERT INTO public.conversations VALUES (2, '2026-11-30 14:00:00+00', 'context_uri 2', 'name 2');


--
-- Data for Name: deliveries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.deliveries VALUES (1, '2026-11-30 13:00:00+00', 'activity_uri 1', 'inbox_url 1', 'domain 1', 1, 'payload 1', 1, '2026-11-30 13:00:00+00', 'state 1', '2026-11-30 13:00:00+00', 'locked_by 1', 'last_error 1', 1, '2026-11-30 13:00:00+00');
INSERT INTO public.deliveries VALUES (2, '2026-11-30 14:00:00+00', 'activity_uri 2', 'inbox_url 2', 'domain 2', 2, 'payload 2', 2, '2026-11-30 14:00:00+00', 'state 2', NULL, 'locked_by 2', 'last_error 2', 2, NULL);


--
-- Data for Name: domain_blocks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.domain_blocks VALUES (1, '2026-11-30 13:00:00+00', 'domain 1', 'reason 1');
INSERT INTO public.domain_blocks VALUES (2, '2026-11-30 14:00:00+00', 'domain 2', 'reason 2');


--
-- Data for Name: favourites; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.favourites VALUES (1, '2026-11-30 13:00:00+00', 1, 1, 'uri 1');
INSERT INTO public.favourites VALUES (2, '2026-11-30 14:00:00+00', 2, 2, 'uri 2');


--
-- Data for Name: follows; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.follows VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 1, true, 'uri 1');
INSERT INTO public.follows VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 2, false, 'uri 2');


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.idempotency_keys VALUES (1, 'key 1', 1, '2026-11-30 13:00:00+00');
INSERT INTO public.idempotency_keys VALUES (2, 'key 2', 2, '2026-11-30 14:00:00+00');


--
-- Data for Name: inbox_activities; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.inbox_activities VALUES (1, '2026-11-30 13:00:00+00', 'activity_uri 1', 'type 1', 'actor_uri 1', 1, 'raw 1');
INSERT INTO public.inbox_activities VALUES (2, '2026-11-30 14:00:00+00', 'activity_uri 2', 'type 2', 'actor_uri 2', NULL, 'raw 2');


--
-- Data for Name: instance_healths; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.instance_healths VALUES ('domain 1', 1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00');
INSERT INTO public.instance_healths VALUES ('domain 2', 2, NULL, NULL, NULL);


--
-- Data for Name: instance_settings; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.instance_settings VALUES ('key 1', 'value 1', '2026-11-30 13:00:00+00');
INSERT INTO public.instance_settings VALUES ('key 2', 'value 2', '2026-11-30 14:00:00+00');


--
-- Data for Name: list_accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.list_accounts VALUES (1, 1, 1, true, '2026-11-30 13:00:00+00');
INSERT INTO public.list_accounts VALUES (2, 2, 2, false, '2026-11-30 14:00:00+00');


--
-- Data for Name: lists; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.lists VALUES (1, '2026-11-30 13:00:00+00', 1, 'title 1', 'replies_policy 1', true);
INSERT INTO public.lists VALUES (2, '2026-11-30 14:00:00+00', 2, 'title 2', 'replies_policy 2', false);


--
-- Data for Name: markers; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.markers VALUES (1, 'timeline 1', 1, 1, '2026-11-30 13:00:00+00');
INSERT INTO public.markers VALUES (2, 'timeline 2', 2, 2, '2026-11-30 14:00:00+00');


--
-- Data for Name: media_attachments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.media_attachments VALUES (1, '2026-11-30 13:00:00+00', 1, 1, 'type 1', 'mime_type 1', 'remote_url 1', 'url 1', 'file 1', 'preview_file 1', 'preview_url 1', 'description 1', 'blurhash 1', 1, 1, 0.5, 0.5);
INSERT INTO public.media_attachments VALUES (2, '2026-11-30 14:00:00+00', 2, NULL, 'type 2', 'mime_type 2', 'remote_url 2', 'url 2', 'file 2', 'preview_file 2', 'preview_url 2', 'description 2', 'blurhash 2', 2, 2, 1, 1);


--
-- Data for Name: mentions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.mentions VALUES (1, 1, 1, true);
INSERT INTO public.mentions VALUES (2, 2, 2, false);


--
-- Data for Name: message_requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.message_requests VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 1, 'state 1', 1, 1);
INSERT INTO public.message_requests VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 2, 'state 2', 2, 2);


--
-- Data for Name: mutes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.mutes VALUES (1, '2026-11-30 13:00:00+00', 1, 1, true);
INSERT INTO public.mutes VALUES (2, '2026-11-30 14:00:00+00', 2, 2, false);


--
-- Data for Name: notifications; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.notifications VALUES (1, '2026-11-30 13:00:00+00', 1, 1, 'type 1', 1);
INSERT INTO public.notifications VALUES (2, '2026-11-30 14:00:00+00', 2, 2, 'type 2', NULL);


--
-- Data for Name: o_auth_apps; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.o_auth_apps VALUES (1, '2026-11-30 13:00:00+00', 'name 1', 'website 1', 'redirect_uris 1', 'scopes 1', 'client_id 1', 'client_secret_hash 1');
INSERT INTO public.o_auth_apps VALUES (2, '2026-11-30 14:00:00+00', 'name 2', 'website 2', 'redirect_uris 2', 'scopes 2', 'client_id 2', 'client_secret_hash 2');


--
-- Data for Name: o_auth_codes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.o_auth_codes VALUES (1, '2026-11-30 13:00:00+00', 'code_hash 1', 1, 1, 'redirect_uri 1', 'scopes 1', 'code_challenge 1', 'v1', '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00');
INSERT INTO public.o_auth_codes VALUES (2, '2026-11-30 14:00:00+00', 'code_hash 2', 2, 2, 'redirect_uri 2', 'scopes 2', 'code_challenge 2', 'v2', '2026-11-30 14:00:00+00', NULL);


--
-- Data for Name: payment_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payment_events VALUES (1, '2026-11-30 13:00:00+00', 1, 'state 1', 'cause 1', 1, '2026-11-30 13:00:00+00', 'detail 1');
INSERT INTO public.payment_events VALUES (2, '2026-11-30 14:00:00+00', 2, 'state 2', 'cause 2', 2, '2026-11-30 14:00:00+00', 'detail 2');


--
-- Data for Name: payment_refunds; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payment_refunds VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 1, 'state 1', 'provider_refund_id 1');
INSERT INTO public.payment_refunds VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 2, 'state 2', 'provider_refund_id 2');


--
-- Data for Name: payment_requests; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payment_requests VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 1, 1, 'proposal_uri 1', 'note_uri 1', 'context_uri 1', 1, 'v1', 'note 1', '2026-11-30 13:00:00+00', 'state 1', 1, 'pay_token 1', 'pay_url 1', '2026-11-30 13:00:00+00');
INSERT INTO public.payment_requests VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 2, 2, 'proposal_uri 2', 'note_uri 2', 'context_uri 2', 2, 'v2', 'note 2', '2026-11-30 14:00:00+00', 'state 2', 2, 'pay_token 2', 'pay_url 2', NULL);


--
-- Data for Name: payment_splits; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payment_splits VALUES (1, '2026-11-30 13:00:00+00', 1, 'note_uri 1', 'context_uri 1', 1, 'v1', 'note 1', 'mode 1');
INSERT INTO public.payment_splits VALUES (2, '2026-11-30 14:00:00+00', 2, 'note_uri 2', 'context_uri 2', 2, 'v2', 'note 2', 'mode 2');


--
-- Data for Name: payments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.payments VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 1, 'offer_uri 1', 'agreement_uri 1', 'proposal_uri 1', 'pay_url 1', 'pay_token 1', 'return_url 1', 'context_uri 1', 1, 'note_uri 1', true, 1, 'v1', 'note 1', '2026-11-30 13:00:00+00', 'state 1', 'reason 1', 1, 'stripe_account_id 1', 'checkout_session_id 1', 'checkout_url 1', 'payment_intent_id 1', '2026-11-30 13:00:00+00');
INSERT INTO public.payments VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 2, 'offer_uri 2', 'agreement_uri 2', 'proposal_uri 2', 'pay_url 2', 'pay_token 2', 'return_url 2', 'context_uri 2', 2, 'note_uri 2', false, 2, 'v2', 'note 2', '2026-11-30 14:00:00+00', 'state 2', 'reason 2', 2, 'stripe_account_id 2', 'checkout_session_id 2', 'checkout_url 2', 'payment_intent_id 2', NULL);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, 'accounts, users, tokens, inbox activities', '2026-12-02 04:43:22.352599+00');
INSERT INTO public.schema_migrations VALUES (2, 'statuses, follows, interactions, notifications, conversations, delivery queue', '2026-12-02 04:43:23.006691+00');
INSERT INTO public.schema_migrations VALUES (3, 'client API: apps, codes, bookmarks, mutes, markers, idempotency keys, profile fields, media files', '2026-12-02 04:43:23.51102+00');
INSERT INTO public.schema_migrations VALUES (4, 'web sessions', '2026-12-02 04:43:23.696796+00');
INSERT INTO public.schema_migrations VALUES (5, 'payments', '2026-12-02 04:43:23.826115+00');
INSERT INTO public.schema_migrations VALUES (6, 'domain blocks and instance settings', '2026-12-02 04:43:23.874313+00');
INSERT INTO public.schema_migrations VALUES (7, 'payment refunds reserved before the provider is called', '2026-12-02 04:43:23.905099+00');
INSERT INTO public.schema_migrations VALUES (8, 'chats: members, names, messages, read markers, message requests', '2026-12-02 04:43:24.041211+00');
INSERT INTO public.schema_migrations VALUES (9, 'payment requests and splits; payments tied to requests and chat messages', '2026-12-02 04:43:24.164435+00');
INSERT INTO public.schema_migrations VALUES (10, 'account counters in rows, boost lookup by (status, account)', '2026-12-02 04:43:24.195814+00');
INSERT INTO public.schema_migrations VALUES (11, 'full-text search of statuses', '2026-12-02 04:43:24.220311+00');
INSERT INTO public.schema_migrations VALUES (13, 'lists', '2026-12-02 04:43:24.250666+00');


--
-- Data for Name: status_edits; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.status_edits VALUES (1, '2026-11-30 13:00:00+00', 1, 'content 1', 'spoiler_text 1', true);
INSERT INTO public.status_edits VALUES (2, '2026-11-30 14:00:00+00', 2, 'content 2', 'spoiler_text 2', false);


--
-- Data for Name: status_search; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.status_search VALUES (1, 'fixture words 1', DEFAULT);
INSERT INTO public.status_search VALUES (2, 'fixture words 2', DEFAULT);


--
-- Data for Name: status_tags; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.status_tags VALUES (1, 1);
INSERT INTO public.status_tags VALUES (2, 2);


--
-- Data for Name: statuses; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.statuses VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 'uri 1', 'url 1', 1, true, 1, 'in_reply_to_uri 1', 1, NULL, 'context_uri 1', 'content 1', 'text 1', 'spoiler_text 1', true, 'language 1', 'visibility 1', '2026-11-30 13:00:00+00', 1, 1, 1);
INSERT INTO public.statuses VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 'uri 2', 'url 2', 2, false, NULL, 'in_reply_to_uri 2', NULL, NULL, 'context_uri 2', 'content 2', 'text 2', 'spoiler_text 2', false, 'language 2', 'visibility 2', NULL, 2, 2, 2);


--
-- Data for Name: stripe_accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.stripe_accounts VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 'stripe_account_id 1', true, true);
INSERT INTO public.stripe_accounts VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 'stripe_account_id 2', false, false);


--
-- Data for Name: tags; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tags VALUES (1, 'name 1');
INSERT INTO public.tags VALUES (2, 'name 2');


--
-- Data for Name: tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tokens VALUES (1, '2026-11-30 13:00:00+00', 1, 1, '2026-11-30 13:00:00+00', 'secret_hash 1', 'scopes 1', '2026-11-30 13:00:00+00');
INSERT INTO public.tokens VALUES (2, '2026-11-30 14:00:00+00', NULL, NULL, NULL, 'secret_hash 2', 'scopes 2', NULL);


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES (1, '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00', 1, 'email 1', 'email_lower 1', 'password_hash 1', true);
INSERT INTO public.users VALUES (2, '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00', 2, 'email 2', 'email_lower 2', 'password_hash 2', false);


--
-- Data for Name: web_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.web_sessions VALUES (1, '2026-11-30 13:00:00+00', 1, 'secret_hash 1', 'csrf_token 1', 'user_agent 1', '2026-11-30 13:00:00+00', '2026-11-30 13:00:00+00');
INSERT INTO public.web_sessions VALUES (2, '2026-11-30 14:00:00+00', 2, 'secret_hash 2', 'csrf_token 2', 'user_agent 2', '2026-11-30 14:00:00+00', '2026-11-30 14:00:00+00');


--
-- Data for Name: webhook_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.webhook_events VALUES ('event_id 1', 'type 1', '2026-11-30 13:00:00+00');
INSERT INTO public.webhook_events VALUES ('event_id 2', 'type 2', '2026-11-30 14:00:00+00');


--
-- Name: account_conversations account_conversations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_conversations
    ADD CONSTRAINT account_conversations_pkey PRIMARY KEY (account_id, conversation_id);


--
-- Name: account_stats account_stats_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.account_stats
    ADD CONSTRAINT account_stats_pkey PRIMARY KEY (account_id);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: blocks blocks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.blocks
    ADD CONSTRAINT blocks_pkey PRIMARY KEY (id);


--
-- Name: bookmarks bookmarks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.bookmarks
    ADD CONSTRAINT bookmarks_pkey PRIMARY KEY (id);


--
-- Name: chat_members chat_members_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chat_members
    ADD CONSTRAINT chat_members_pkey PRIMARY KEY (conversation_id, account_id);


--
-- Name: conversation_messages conversation_messages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conversation_messages
    ADD CONSTRAINT conversation_messages_pkey PRIMARY KEY (conversation_id, status_id);


--
-- Name: conversations conversations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.conversations
    ADD CONSTRAINT conversations_pkey PRIMARY KEY (id);


--
-- Name: deliveries deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);


--
-- Name: domain_blocks domain_blocks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.domain_blocks
    ADD CONSTRAINT domain_blocks_pkey PRIMARY KEY (id);


--
-- Name: favourites favourites_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.favourites
    ADD CONSTRAINT favourites_pkey PRIMARY KEY (id);


--
-- Name: follows follows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT follows_pkey PRIMARY KEY (id);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (account_id, key);


--
-- Name: inbox_activities inbox_activities_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.inbox_activities
    ADD CONSTRAINT inbox_activities_pkey PRIMARY KEY (id);


--
-- Name: instance_healths instance_healths_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instance_healths
    ADD CONSTRAINT instance_healths_pkey PRIMARY KEY (domain);


--
-- Name: instance_settings instance_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.instance_settings
    ADD CONSTRAINT instance_settings_pkey PRIMARY KEY (key);


--
-- Name: list_accounts list_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.list_accounts
    ADD CONSTRAINT list_accounts_pkey PRIMARY KEY (list_id, account_id);


--
-- Name: lists lists_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.lists
    ADD CONSTRAINT lists_pkey PRIMARY KEY (id);


--
-- Name: markers markers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.markers
    ADD CONSTRAINT markers_pkey PRIMARY KEY (account_id, timeline);


--
-- Name: media_attachments media_attachments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.media_attachments
    ADD CONSTRAINT media_attachments_pkey PRIMARY KEY (id);


--
-- Name: mentions mentions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mentions
    ADD CONSTRAINT mentions_pkey PRIMARY KEY (id);


--
-- Name: message_requests message_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.message_requests
    ADD CONSTRAINT message_requests_pkey PRIMARY KEY (id);


--
-- Name: mutes mutes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mutes
    ADD CONSTRAINT mutes_pkey PRIMARY KEY (id);


--
-- Name: notifications notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);


--
-- Name: o_auth_apps o_auth_apps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.o_auth_apps
    ADD CONSTRAINT o_auth_apps_pkey PRIMARY KEY (id);


--
-- Name: o_auth_codes o_auth_codes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.o_auth_codes
    ADD CONSTRAINT o_auth_codes_pkey PRIMARY KEY (id);


--
-- Name: payment_events payment_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_events
    ADD CONSTRAINT payment_events_pkey PRIMARY KEY (id);


--
-- Name: payment_refunds payment_refunds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_refunds
    ADD CONSTRAINT payment_refunds_pkey PRIMARY KEY (id);


--
-- Name: payment_requests payment_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_requests
    ADD CONSTRAINT payment_requests_pkey PRIMARY KEY (id);


--
-- Name: payment_splits payment_splits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment_splits
    ADD CONSTRAINT payment_splits_pkey PRIMARY KEY (id);


--
-- Name: payments payments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments
    ADD CONSTRAINT payments_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: status_edits status_edits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.status_edits
    ADD CONSTRAINT status_edits_pkey PRIMARY KEY (id);


--
-- Name: status_search status_search_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.status_search
    ADD CONSTRAINT status_search_pkey PRIMARY KEY (status_id);


--
-- Name: status_tags status_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.status_tags
    ADD CONSTRAINT status_tags_pkey PRIMARY KEY (status_id, tag_id);


--
-- Name: statuses statuses_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.statuses
    ADD CONSTRAINT statuses_pkey PRIMARY KEY (id);


--
-- Name: stripe_accounts stripe_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stripe_accounts
    ADD CONSTRAINT stripe_accounts_pkey PRIMARY KEY (account_id);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);


--
-- Name: tokens tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT tokens_pkey PRIMARY KEY (id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: web_sessions web_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_sessions
    ADD CONSTRAINT web_sessions_pkey PRIMARY KEY (id);


--
-- Name: webhook_events webhook_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (event_id);


--
-- Name: idx_account_conversations_last; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_account_conversations_last ON public.account_conversations USING btree (account_id, last_status_id);


--
-- Name: idx_accounts_public_key_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_accounts_public_key_id ON public.accounts USING btree (public_key_id);


--
-- Name: idx_accounts_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_accounts_uri ON public.accounts USING btree (uri);


--
-- Name: idx_accounts_username_domain; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_accounts_username_domain ON public.accounts USING btree (username_lower, domain);


--
-- Name: idx_blocks_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_blocks_pair ON public.blocks USING btree (account_id, target_account_id);


--
-- Name: idx_blocks_target_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_blocks_target_account_id ON public.blocks USING btree (target_account_id);


--
-- Name: idx_blocks_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_blocks_uri ON public.blocks USING btree (uri);


--
-- Name: idx_bookmarks_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bookmarks_account_id ON public.bookmarks USING btree (account_id, id);


--
-- Name: idx_bookmarks_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_bookmarks_pair ON public.bookmarks USING btree (account_id, status_id);


--
-- Name: idx_bookmarks_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_bookmarks_status_id ON public.bookmarks USING btree (status_id);


--
-- Name: idx_chat_members_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_chat_members_account_id ON public.chat_members USING btree (account_id);


--
-- Name: idx_conversation_messages_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_conversation_messages_status_id ON public.conversation_messages USING btree (status_id);


--
-- Name: idx_conversations_context_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_conversations_context_uri ON public.conversations USING btree (context_uri);


--
-- Name: idx_deliveries_domain; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_deliveries_domain ON public.deliveries USING btree (domain);


--
-- Name: idx_deliveries_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_deliveries_due ON public.deliveries USING btree (state, next_attempt_at);


--
-- Name: idx_domain_blocks_domain; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_domain_blocks_domain ON public.domain_blocks USING btree (domain);


--
-- Name: idx_favourites_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_favourites_pair ON public.favourites USING btree (account_id, status_id);


--
-- Name: idx_favourites_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_favourites_status_id ON public.favourites USING btree (status_id);


--
-- Name: idx_favourites_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_favourites_uri ON public.favourites USING btree (uri);


--
-- Name: idx_follows_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_follows_pair ON public.follows USING btree (account_id, target_account_id);


--
-- Name: idx_follows_target; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_follows_target ON public.follows USING btree (target_account_id, accepted);


--
-- Name: idx_follows_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_follows_uri ON public.follows USING btree (uri);


--
-- Name: idx_inbox_activities_activity_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_inbox_activities_activity_uri ON public.inbox_activities USING btree (activity_uri);


--
-- Name: idx_inbox_activities_actor_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_inbox_activities_actor_uri ON public.inbox_activities USING btree (actor_uri);


--
-- Name: idx_list_accounts_owner_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_list_accounts_owner_account ON public.list_accounts USING btree (owner_id, account_id);


--
-- Name: idx_lists_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_lists_account_id ON public.lists USING btree (account_id);


--
-- Name: idx_media_attachments_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_media_attachments_account_id ON public.media_attachments USING btree (account_id);


--
-- Name: idx_media_attachments_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_media_attachments_status_id ON public.media_attachments USING btree (status_id);


--
-- Name: idx_mentions_account_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_mentions_account_status ON public.mentions USING btree (account_id, status_id);


--
-- Name: idx_mentions_status_account; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_mentions_status_account ON public.mentions USING btree (status_id, account_id);


--
-- Name: idx_message_requests_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_message_requests_pair ON public.message_requests USING btree (account_id, from_account_id);


--
-- Name: idx_message_requests_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_message_requests_state ON public.message_requests USING btree (account_id, state);


--
-- Name: idx_mutes_pair; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_mutes_pair ON public.mutes USING btree (account_id, target_account_id);


--
-- Name: idx_mutes_target_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_mutes_target_account_id ON public.mutes USING btree (target_account_id);


--
-- Name: idx_notifications_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_notifications_account_id ON public.notifications USING btree (account_id, id);


--
-- Name: idx_notifications_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_notifications_status_id ON public.notifications USING btree (status_id);


--
-- Name: idx_o_auth_apps_client_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_o_auth_apps_client_id ON public.o_auth_apps USING btree (client_id);


--
-- Name: idx_o_auth_codes_app_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_o_auth_codes_app_id ON public.o_auth_codes USING btree (app_id);


--
-- Name: idx_o_auth_codes_code_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_o_auth_codes_code_hash ON public.o_auth_codes USING btree (code_hash);


--
-- Name: idx_payment_events_cause; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_payment_events_cause ON public.payment_events USING btree (payment_id, cause);


--
-- Name: idx_payment_refunds_payment_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_refunds_payment_id ON public.payment_refunds USING btree (payment_id);


--
-- Name: idx_payment_requests_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_created_at ON public.payment_requests USING btree (created_at);


--
-- Name: idx_payment_requests_note_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_note_uri ON public.payment_requests USING btree (note_uri);


--
-- Name: idx_payment_requests_pay_token; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_pay_token ON public.payment_requests USING btree (pay_token);


--
-- Name: idx_payment_requests_payer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_payer_id ON public.payment_requests USING btree (payer_id);


--
-- Name: idx_payment_requests_proposal_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_payment_requests_proposal_uri ON public.payment_requests USING btree (proposal_uri);


--
-- Name: idx_payment_requests_requester_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_requester_id ON public.payment_requests USING btree (requester_id);


--
-- Name: idx_payment_requests_split_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_split_id ON public.payment_requests USING btree (split_id);


--
-- Name: idx_payment_requests_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_requests_state ON public.payment_requests USING btree (state);


--
-- Name: idx_payment_splits_note_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_splits_note_uri ON public.payment_splits USING btree (note_uri);


--
-- Name: idx_payment_splits_requester_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payment_splits_requester_id ON public.payment_splits USING btree (requester_id);


--
-- Name: idx_payments_agreement_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_agreement_uri ON public.payments USING btree (agreement_uri);


--
-- Name: idx_payments_note_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_note_uri ON public.payments USING btree (note_uri);


--
-- Name: idx_payments_offer_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_payments_offer_uri ON public.payments USING btree (offer_uri);


--
-- Name: idx_payments_payee_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_payee_id ON public.payments USING btree (payee_id);


--
-- Name: idx_payments_payer_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_payer_id ON public.payments USING btree (payer_id);


--
-- Name: idx_payments_payment_intent_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_payment_intent_id ON public.payments USING btree (payment_intent_id);


--
-- Name: idx_payments_request_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_request_id ON public.payments USING btree (request_id);


--
-- Name: idx_payments_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_payments_state ON public.payments USING btree (state);


--
-- Name: idx_status_edits_status_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_status_edits_status_id ON public.status_edits USING btree (status_id);


--
-- Name: idx_status_search_tsv; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_status_search_tsv ON public.status_search USING gin (tsv);


--
-- Name: idx_status_tags_tag_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_status_tags_tag_status ON public.status_tags USING btree (tag_id, status_id);


--
-- Name: idx_statuses_account_id_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_account_id_id ON public.statuses USING btree (account_id, id);


--
-- Name: idx_statuses_context_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_context_uri ON public.statuses USING btree (context_uri);


--
-- Name: idx_statuses_in_reply_to_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_in_reply_to_id ON public.statuses USING btree (in_reply_to_id);


--
-- Name: idx_statuses_public_tl; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_public_tl ON public.statuses USING btree (visibility, local, id);


--
-- Name: idx_statuses_reblog_account; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_reblog_account ON public.statuses USING btree (reblog_of_id, account_id);


--
-- Name: idx_statuses_reblog_of_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_reblog_of_id ON public.statuses USING btree (reblog_of_id);


--
-- Name: idx_statuses_uri; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_statuses_uri ON public.statuses USING btree (uri);


--
-- Name: idx_statuses_visibility_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_statuses_visibility_id ON public.statuses USING btree (visibility, id);


--
-- Name: idx_stripe_accounts_stripe_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_stripe_accounts_stripe_account_id ON public.stripe_accounts USING btree (stripe_account_id);


--
-- Name: idx_tags_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_tags_name ON public.tags USING btree (name);


--
-- Name: idx_tokens_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tokens_account_id ON public.tokens USING btree (account_id);


--
-- Name: idx_tokens_app_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_tokens_app_id ON public.tokens USING btree (app_id);


--
-- Name: idx_tokens_secret_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_tokens_secret_hash ON public.tokens USING btree (secret_hash);


--
-- Name: idx_users_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_users_account_id ON public.users USING btree (account_id);


--
-- Name: idx_users_email_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_users_email_lower ON public.users USING btree (email_lower);


--
-- Name: idx_web_sessions_account_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_web_sessions_account_id ON public.web_sessions USING btree (account_id);


--
-- Name: idx_web_sessions_expires_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_web_sessions_expires_at ON public.web_sessions USING btree (expires_at);


--
-- Name: idx_web_sessions_secret_hash; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_web_sessions_secret_hash ON public.web_sessions USING btree (secret_hash);


--
-- Name: chat_members fk_chat_members_account; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.chat_members
    ADD CONSTRAINT fk_chat_members_account FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;


--
-- Name: statuses fk_statuses_account; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.statuses
    ADD CONSTRAINT fk_statuses_account FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;


--
-- Name: tokens fk_tokens_account; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT fk_tokens_account FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;


--
-- Name: tokens fk_tokens_app; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tokens
    ADD CONSTRAINT fk_tokens_app FOREIGN KEY (app_id) REFERENCES public.o_auth_apps(id) ON DELETE CASCADE;


--
-- Name: users fk_users_account; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT fk_users_account FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;


--
-- Name: web_sessions fk_web_sessions_account; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.web_sessions
    ADD CONSTRAINT fk_web_sessions_account FOREIGN KEY (account_id) REFERENCES public.accounts(id) ON DELETE CASCADE;


--
-- Name: status_search status_search_status_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.status_search
    ADD CONSTRAINT status_search_status_id_fkey FOREIGN KEY (status_id) REFERENCES public.statuses(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


