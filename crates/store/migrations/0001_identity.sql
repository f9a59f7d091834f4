-- Identity: the platform key, subjects, open-platform accounts, apps, users, tokens,
-- single-use code ledger, rate windows, sessions. Times are Unix milliseconds.
-- One text for both databases: {ID_PK} becomes each dialect's auto-increment key;
-- {KEYED} makes a table keyed by its primary key alone on SQLite (WITHOUT ROWID: one
-- B-tree per insert instead of two) and is nothing on PostgreSQL.
CREATE TABLE platform_keys (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    master_b64 TEXT NOT NULL
);
-- One-time platform tasks (demo seeding): the primary key lets exactly one node claim each.
CREATE TABLE platform_tasks (
    task TEXT PRIMARY KEY,
    claimed_at BIGINT NOT NULL
) {KEYED};
CREATE TABLE subjects (
    id {ID_PK},
    name TEXT NOT NULL,
    verified BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE open_accounts (
    open_appid TEXT PRIMARY KEY,
    subject_id BIGINT NOT NULL REFERENCES subjects(id),
    created_by_api BIGINT NOT NULL,
    bound_count BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
) {KEYED};
CREATE TABLE apps (
    id {ID_PK},
    appid TEXT NOT NULL UNIQUE,
    subject_id BIGINT NOT NULL REFERENCES subjects(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    open_appid TEXT REFERENCES open_accounts(open_appid),
    created_at BIGINT NOT NULL
);
CREATE INDEX apps_open_appid ON apps(open_appid);
CREATE TABLE host_apps (
    id {ID_PK},
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE users (
    id {ID_PK},
    country_code BIGINT NOT NULL,
    phone TEXT NOT NULL,
    name TEXT NOT NULL,
    blocked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (country_code, phone)
);
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    replaced BIGINT NOT NULL DEFAULT 0
) {KEYED};
CREATE INDEX access_tokens_app ON access_tokens(app_id, kind, expires_at);
CREATE TABLE stable_tokens (
    app_id BIGINT PRIMARY KEY,
    token_enc TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) {KEYED};
CREATE TABLE stable_refresh (
    app_id BIGINT PRIMARY KEY,
    day BIGINT NOT NULL,
    n BIGINT NOT NULL,
    last_at BIGINT NOT NULL
) {KEYED};
-- code_key starts with the code's expiry (zero-padded), so pruning is a range scan.
CREATE TABLE code_ledger (
    code_key TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
) {KEYED};
CREATE TABLE rate_windows (
    rate_key TEXT PRIMARY KEY,
    win BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) {KEYED};
CREATE TABLE app_users (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    openid TEXT NOT NULL,
    session_key_enc TEXT,
    session_at BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id),
    UNIQUE (app_id, openid)
) {KEYED};
CREATE TABLE signin_challenges (
    phone_key TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0
) {KEYED};
CREATE TABLE client_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    host_app_id BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) {KEYED};
