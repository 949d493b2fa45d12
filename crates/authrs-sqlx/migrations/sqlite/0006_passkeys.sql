-- authrs schema version 6 (SQLite): passkeys. The columns keep the meaning of Auth.js's
-- Authenticator model; a passkey goes with its user.
CREATE TABLE authenticators (
    -- Standard base64 with padding, as Auth.js stores it.
    credential_id          TEXT NOT NULL PRIMARY KEY,
    user_id                TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The COSE_Key, standard base64.
    credential_public_key  TEXT NOT NULL,
    counter                INTEGER NOT NULL,
    -- singleDevice | multiDevice (backup-eligible).
    credential_device_type TEXT NOT NULL,
    credential_backed_up   INTEGER NOT NULL,
    -- Comma-separated, as Auth.js stores them.
    transports             TEXT,
    -- The user handle the passkey was made with (base64url).
    user_handle            TEXT NOT NULL,
    name                   TEXT NOT NULL,
    created_at             INTEGER NOT NULL,
    last_used_at           INTEGER
) STRICT;

CREATE INDEX authenticators_user ON authenticators (user_id, created_at);
