-- authrs schema version 5 (PostgreSQL): security events (sign-ins, password changes, linked
-- accounts, ended sessions, …), kept for the audit retention and shown to their user. No
-- foreign key: a deleted account's events stay until the retention sweep deletes them.
CREATE TABLE audit_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    kind           TEXT NOT NULL,
    user_id        TEXT,
    provider       TEXT,
    detail         TEXT,
    -- The client's network (an IPv4 /24 or IPv6 /64), never its address.
    client_network TEXT,
    user_agent     TEXT
);

CREATE INDEX audit_events_user_idx ON audit_events (user_id, at);
CREATE INDEX audit_events_at_idx ON audit_events (at);
