-- Entries from web pages, other apps, shares and service accounts (docs/traffic.md).

-- Mini programs a mobile app may open outside its open-platform account (at most 3:
-- the count is the `app_counters` row 'mobile_links' of the app, taken in the same
-- script as the insert).
CREATE TABLE app_links (
    app_id BIGINT NOT NULL,
    miniprogram_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, miniprogram_id)
) {KEYED};

-- The mobile app a host app speaks for (launches from apps, scene 1069).
CREATE TABLE host_app_mobile (
    host_app_id BIGINT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The user allowed this mini program to be opened in this host app (asked once).
CREATE TABLE launch_consents (
    user_id BIGINT NOT NULL,
    host_app_id BIGINT NOT NULL,
    app_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, host_app_id, app_id)
) {KEYED};

-- Every card shared: into a chat, a group (with_ticket: it carries a shareTicket) or
-- the timeline. chat_id is the host app's id of the chat.
CREATE TABLE shares (
    id {ID_PK},
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    host_app_id BIGINT NOT NULL,
    target TEXT NOT NULL,
    chat_id TEXT,
    title TEXT NOT NULL,
    path TEXT NOT NULL,
    image_url TEXT NOT NULL,
    with_ticket BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX shares_app ON shares(app_id, created_at);

-- A service or subscription account's menu, as `menu/get` gives it back.
CREATE TABLE official_menus (
    app_id BIGINT PRIMARY KEY,
    menu TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Articles of service and subscription accounts, by draft (`media_id`) and place in it.
CREATE TABLE articles (
    id {ID_PK},
    app_id BIGINT NOT NULL,
    media_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    digest TEXT NOT NULL,
    content TEXT NOT NULL,
    content_source_url TEXT NOT NULL,
    thumb_url TEXT NOT NULL,
    miniprogram_appid TEXT,
    miniprogram_path TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX articles_draft ON articles(app_id, media_id, position);
CREATE INDEX articles_app ON articles(app_id, id);
