-- Subscription consent and delivery: grants per (app, user, private template), the
-- user's per-app switch, and the inbox messages land in.
CREATE TABLE sub_grants (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    pri_tmpl_id TEXT NOT NULL,
    kind BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    active BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id, pri_tmpl_id)
) {KEYED};
CREATE TABLE sub_switches (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    off BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id)
) {KEYED};
CREATE TABLE inbox (
    id {ID_PK},
    user_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    folder TEXT NOT NULL,
    pri_tmpl_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    page TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX inbox_user ON inbox(user_id, id);
