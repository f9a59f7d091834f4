-- The container: deployed package versions and their files, the origins each app may
-- reach through the network proxy, and analytics events from the container.

-- A deployed version of an app's package; never changed or deleted (rollback, review).
-- The file bytes live in the object store (`<data>/packages/`), by SHA-256.
CREATE TABLE package_versions (
    app_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    files BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, version)
) {KEYED};
-- Every file of a version, by its exact bundle path: the only way a path is served.
CREATE TABLE package_files (
    app_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (app_id, version, path)
) {KEYED};
-- The version an app's users run now.
CREATE TABLE package_current (
    app_id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Allowed origins per app and kind (request, upload, download), in the order given.
CREATE TABLE app_domains (
    app_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    position BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, kind, origin)
) {KEYED};

-- Analytics: `wx.reportEvent` (kind 'event') and opens with their scene (kind 'open'),
-- per app and user (the user's openid and unionid derive from the two).
CREATE TABLE app_events (
    id {ID_PK},
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT,
    data TEXT NOT NULL,
    scene BIGINT,
    path TEXT,
    client_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX app_events_app ON app_events(app_id, created_at);
CREATE INDEX app_events_user ON app_events(app_id, user_id, id);
