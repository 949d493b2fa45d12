-- authrs schema version 2 (PostgreSQL): rate-limit counters shared by every instance on this
-- database (authrs_sqlx::PostgresLimitStore). SQLite has no such table: its limits count in
-- memory, per process.

CREATE TABLE rate_limits (
    -- SHA-256 of the limit's purpose and subject (authrs_core::ratelimit::LimitKey): the
    -- table holds no address, account or email.
    key     BYTEA PRIMARY KEY CONSTRAINT rate_limits_key_is_a_digest CHECK (octet_length(key) = 32),
    -- The counted events in Unix milliseconds, in the order they were counted; at most the
    -- limit's `max` of them.
    events  BIGINT[] NOT NULL,
    -- Unix milliseconds by which every event has left the window it was counted under (the
    -- latest event time plus window of its hits): the sweep deletes rows past it.
    expires BIGINT NOT NULL
);

CREATE INDEX rate_limits_expires_idx ON rate_limits (expires);
