-- Links and codes (docs/traffic.md): URL schemes, URL links and short links, the
-- limited mini-program and QR codes, and the counters that bound them.

-- A scheme, URL link or short link: a random code and what it opens. Never deleted
-- (queryscheme / query_urllink tell about expired ones too).
CREATE TABLE links (
    code TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    env_version TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Unix ms; NULL: permanent (short links).
    expire_at BIGINT,
    created_at BIGINT NOT NULL,
    opens BIGINT NOT NULL,
    last_user_id BIGINT,
    last_open_at BIGINT
) {KEYED};
CREATE INDEX links_app ON links(app_id, created_at);

-- A limited code (getwxacode, createwxaqrcode): one per app, kind, page and query, so
-- asking again for the same code does not spend the app's 100,000.
CREATE TABLE wxa_codes (
    id TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    opens BIGINT NOT NULL,
    last_user_id BIGINT,
    last_open_at BIGINT,
    UNIQUE (app_id, kind, path, query)
) {KEYED};

-- Quotas: per app and name, the count in the current window (a day, a second, or 0
-- for "ever"). Each is decided by one conditional upsert under the row's lock.
CREATE TABLE link_counters (
    app_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    win BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (app_id, name)
) {KEYED};
