-- +goose Up
-- Accounts, two-factor sign-in and the sign-in throttle. Every token and code that
-- grants access is kept as a SHA-256 hash only; see docs/accounts.md.

-- account_tokens are the single-use links that set a password: 'welcome' for a new
-- account, 'reset' after a forgotten password.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('welcome', 'reset')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, created_at);

-- two_factor holds a user's TOTP secret. enabled_at is NULL while enrolment waits for
-- its confirmation code. last_step is the latest 30-second time step accepted, so
-- that each code signs in once.
CREATE TABLE two_factor (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    enabled_at TEXT,
    last_step BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);

-- pending_sign_ins are sign-ins whose password was correct and that wait for a
-- two-factor code ('code') or for two-factor enrolment ('enrol').
CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('code', 'enrol')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX pending_sign_ins_user ON pending_sign_ins (user_id);

-- sign_in_throttle counts failed sign-ins for one email address ('account') or one
-- client address ('address') since window_start, and holds the lock that follows.
CREATE TABLE sign_in_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    window_start TEXT NOT NULL,
    last_attempt_at TEXT,
    locked_until TEXT,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX sign_in_throttle_window ON sign_in_throttle (window_start);

-- security_settings has one row: whether two-factor sign-in is required.
CREATE TABLE security_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    two_factor_staff BOOLEAN NOT NULL DEFAULT FALSE,
    two_factor_reviewers BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TEXT,
    updated_by BIGINT REFERENCES users (id)
);
INSERT INTO security_settings (id) VALUES (1);

-- +goose Down
DROP TABLE security_settings;
DROP TABLE sign_in_throttle;
DROP TABLE pending_sign_ins;
DROP TABLE recovery_codes;
DROP TABLE two_factor;
DROP TABLE account_tokens;
