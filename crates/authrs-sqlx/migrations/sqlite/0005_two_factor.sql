-- authrs schema version 5 (SQLite): two-factor sign-in. A user's TOTP enrolment (the secret
-- encrypted by the engine) and their recovery codes (hashes), both going with the user.
CREATE TABLE two_factor (
    user_id    TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- Encrypted with a key derived from the server secret: a dump alone gives no secret.
    secret     TEXT NOT NULL,
    enabled_at INTEGER NOT NULL,
    -- The last TOTP time step a code was accepted for (replay).
    last_step  INTEGER
) STRICT;

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Keyed hash of the code: the code itself is shown once and never stored.
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
) STRICT;
