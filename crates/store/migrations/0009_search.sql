-- Search (docs/traffic.md, "Search"): risk control's suspension of an app, the
-- description indexed with its name, the services mini programs declare, and the
-- change log every node's index follows.

-- A suspended app is in no search or catalogue and its package is refused (85935).
ALTER TABLE apps ADD COLUMN suspended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE apps ADD COLUMN description TEXT NOT NULL DEFAULT '';

-- `POST /wxa/search/submitservices`: the app's list, replaced whole. `keywords` is a
-- JSON array of texts; `category` an id of core/src/search/services.rs.
CREATE TABLE app_services (
    app_id BIGINT NOT NULL,
    position BIGINT NOT NULL,
    page TEXT NOT NULL,
    title TEXT NOT NULL,
    keywords TEXT NOT NULL,
    category TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, position)
) {KEYED};

-- What to index again, written in the same transaction as the change: kind 'app'
-- (target: appid) or 'article' (target: article id). Nodes poll it every 500 ms;
-- rows older than an hour are pruned.
CREATE TABLE search_changes (
    seq {ID_PK},
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX search_changes_at ON search_changes(created_at);

-- Usage for ranking: opens in the last 30 days per app, without reading other events.
CREATE INDEX app_events_opens ON app_events(created_at, app_id) WHERE kind = 'open';
