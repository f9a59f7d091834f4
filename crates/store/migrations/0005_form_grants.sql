-- Legacy template messages: a submitted form grants 1 send within 7 days, a payment 3;
-- each id is its own grant, consumed once per send.
CREATE TABLE form_grants (
    form_id TEXT PRIMARY KEY,
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    remaining BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) {KEYED};
