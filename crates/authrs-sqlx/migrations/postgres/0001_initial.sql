-- authrs schema version 1 (PostgreSQL): users, accounts, sessions, verification tokens.
-- Times are timestamptz (microsecond precision; authrs writes whole milliseconds).

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    name                 TEXT,
    -- Unique when present; NULLs do not collide.
    email                TEXT CONSTRAINT users_email_key UNIQUE,
    email_verified       TIMESTAMPTZ,
    image                TEXT,
    -- PHC string, for email-and-password accounts.
    password_hash        TEXT,
    -- JWT sessions issued before this time are refused.
    sessions_valid_after TIMESTAMPTZ
);

CREATE TABLE accounts (
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type                TEXT NOT NULL,
    provider            TEXT NOT NULL,
    provider_account_id TEXT NOT NULL,
    refresh_token       TEXT,
    access_token        TEXT,
    -- Unix seconds, as the provider gives it.
    expires_at          BIGINT,
    token_type          TEXT,
    scope               TEXT,
    id_token            TEXT,
    session_state       TEXT,
    CONSTRAINT accounts_pkey PRIMARY KEY (provider, provider_account_id)
);

CREATE INDEX accounts_user_id_idx ON accounts (user_id);

CREATE TABLE sessions (
    -- SHA-256 hex of the cookie's token: the raw token is never stored.
    session_token TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires       TIMESTAMPTZ NOT NULL
);

CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires);

CREATE TABLE verification_tokens (
    identifier TEXT NOT NULL,
    -- Hash of the token sent to the user: the raw token is never stored.
    token_hash TEXT NOT NULL,
    expires    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (identifier, token_hash)
);

CREATE INDEX verification_tokens_expires_idx ON verification_tokens (expires);
