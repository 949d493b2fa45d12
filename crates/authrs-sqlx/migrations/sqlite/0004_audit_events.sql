-- authrs schema version 4 (SQLite): security events (sign-ins, password changes, linked
-- accounts, ended sessions, …), kept for the audit retention and shown to their user. No
-- foreign key: a deleted account's events stay until the retention sweep deletes them.
CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    -- 1 for a failed sign-in or proof: the account page lists those apart.
    failure        INTEGER NOT NULL CHECK (failure IN (0, 1)),
    user_id        TEXT,
    provider       TEXT,
    detail         TEXT,
    -- The client's network (an IPv4 /24 or IPv6 /64), never its address.
    client_network TEXT,
    user_agent     TEXT
) STRICT;

-- A user's latest events, of every kind or of one side of `failure` (the rowid is the last
-- column of every SQLite index, so `id` breaks ties in order).
CREATE INDEX audit_events_user_idx ON audit_events (user_id, at);
CREATE INDEX audit_events_user_failure_idx ON audit_events (user_id, failure, at);
-- The retention sweep.
CREATE INDEX audit_events_at_idx ON audit_events (at);
