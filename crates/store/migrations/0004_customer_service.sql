-- Customer-service windows: what the app may send a user after the user's last action
-- (a message: 5 within 48 h; entering the session: 2 within 1 minute).
CREATE TABLE cs_windows (
    app_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_action_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, user_id)
) {KEYED};
