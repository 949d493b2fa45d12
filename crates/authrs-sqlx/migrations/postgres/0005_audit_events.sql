-- authrs schema version 5 (PostgreSQL): security events (sign-ins, password changes, linked
-- accounts, ended sessions, …), kept for the audit retention and shown to their user. No
-- foreign key: a deleted account's events stay until the retention sweep deletes them.
CREATE TABLE audit_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    kind           TEXT NOT NULL,
    -- A failed sign-in or proof: the account page lists those apart.
    failure        BOOLEAN NOT NULL,
    user_id        TEXT,
    provider       TEXT,
    detail         TEXT,
    -- The client's network (an IPv4 /24 or IPv6 /64), never its address.
    client_network TEXT,
    user_agent     TEXT
);

-- A user's latest events, of every kind or of one side of `failure`, in the lists' order.
CREATE INDEX audit_events_user_idx ON audit_events (user_id, at DESC, id DESC);
CREATE INDEX audit_events_user_failure_idx ON audit_events (user_id, failure, at DESC, id DESC);
-- The retention sweep.
CREATE INDEX audit_events_at_idx ON audit_events (at);
