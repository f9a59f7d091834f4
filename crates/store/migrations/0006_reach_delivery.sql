-- Weekly mini-program pushes, the inbox's reactions, pushes to developers' servers and
-- campaign fan-out.

-- What happened to each inbox message: opened (clicked), complained about; `from_user`
-- marks the user's own lines of a customer-service conversation; `campaign_id` makes a
-- campaign's delivery to one user unique; `msgid` is the id the app sees, so a resumed fan-out never sends twice.
ALTER TABLE inbox ADD COLUMN clicked_at BIGINT;
ALTER TABLE inbox ADD COLUMN complained_at BIGINT;
ALTER TABLE inbox ADD COLUMN from_user BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox ADD COLUMN campaign_id BIGINT;
ALTER TABLE inbox ADD COLUMN msgid BIGINT;
-- Which campaign last spent a grant: a subscription batch delivers to exactly those.
ALTER TABLE sub_grants ADD COLUMN campaign_id BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX inbox_campaign ON inbox(campaign_id, user_id) WHERE campaign_id IS NOT NULL;
-- Last weeks' push figures per app (only push rows pay for this index).
CREATE INDEX inbox_push ON inbox(app_id, created_at) WHERE folder = 'push';

-- "My mini programs": who may receive an app's weekly pushes at all.
CREATE TABLE my_apps (
    user_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, app_id)
) {KEYED};
CREATE INDEX my_apps_app ON my_apps(app_id, user_id);
-- Users who refused an app's pushes ("stop receiving"); a refusal stands until undone.
CREATE TABLE push_refusals (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    refused_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id)
) {KEYED};
CREATE INDEX push_refusals_at ON push_refusals(app_id, refused_at);
-- Pushes sent per user per natural week: the allowance check is one conditional upsert.
-- `campaign_id` tags the rows a campaign batch counted, so its inbox insert can follow.
CREATE TABLE push_counts (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    week BIGINT NOT NULL,
    n BIGINT NOT NULL,
    campaign_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, week, user_id)
) {KEYED};
-- Each app's allowance per week, computed once from the previous weeks' figures.
CREATE TABLE push_allowances (
    app_id BIGINT NOT NULL,
    week BIGINT NOT NULL,
    allowance BIGINT NOT NULL,
    figures TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, week)
) {KEYED};

-- The developer's server of an app (message push configuration). Token and
-- EncodingAESKey are encrypted at rest.
CREATE TABLE app_servers (
    app_id BIGINT PRIMARY KEY,
    url TEXT NOT NULL,
    token_enc TEXT NOT NULL,
    aes_key_enc TEXT,
    format TEXT NOT NULL,
    mode TEXT NOT NULL,
    verified_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Durable outbox of pushes to developers' servers, and their delivery log.
-- state: pending | delivered | dead.
CREATE TABLE outbox (
    id {ID_PK},
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    last_status BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE state = 'pending';
CREATE INDEX outbox_app ON outbox(app_id, id);

-- Campaigns: one message to every user of an app who may receive it, in batches by
-- user id; the cursor and counters commit with each batch's deliveries.
-- state: running | done | cancelled.
CREATE TABLE campaigns (
    id {ID_PK},
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    cursor_user BIGINT NOT NULL DEFAULT 0,
    sent BIGINT NOT NULL DEFAULT 0,
    skipped BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX campaigns_app ON campaigns(app_id, id);
