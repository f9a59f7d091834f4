-- Private subscription templates an app picked from the public library, and per-app
-- counters that make limits (25 templates) exact under concurrency.
CREATE TABLE app_counters (
    app_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (app_id, name)
) {KEYED};
CREATE TABLE private_templates (
    pri_tmpl_id TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    tid BIGINT NOT NULL,
    kids TEXT NOT NULL,
    scene_desc TEXT NOT NULL,
    created_at BIGINT NOT NULL
) {KEYED};
CREATE INDEX private_templates_app ON private_templates(app_id, created_at);
