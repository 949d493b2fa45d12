-- authrs schema version 2 (SQLite): every change to a session or a user is logged in
-- _authrs_changes by triggers, whoever makes it (the server, `authrs user` in another
-- process, SQL by hand), so that each server process's session cache drops what it holds: it
-- reads the rows past the last one it saw every 250 ms, and deletes those it read a minute
-- ago; start-up and the expiry sweep delete rows older than an hour. The key is `s` and the
-- session's token hash, or `u` and the user's id. The deletion of a session that expired more
-- than five minutes ago is not logged (the sweep deletes many at once): the engine refuses an
-- expired session by its `expires` already, and the margin covers an application clock behind
-- this one.

CREATE TABLE _authrs_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    -- Unix milliseconds.
    at  INTEGER NOT NULL
) STRICT;

CREATE INDEX _authrs_changes_at_idx ON _authrs_changes (at);

CREATE TRIGGER authrs_session_updated AFTER UPDATE ON sessions
BEGIN
    INSERT INTO _authrs_changes (key, at)
    VALUES ('s' || OLD.session_token, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER authrs_session_deleted AFTER DELETE ON sessions
WHEN OLD.expires > CAST(unixepoch('subsec') * 1000 AS INTEGER) - 300000
BEGIN
    INSERT INTO _authrs_changes (key, at)
    VALUES ('s' || OLD.session_token, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER authrs_user_updated AFTER UPDATE ON users
BEGIN
    INSERT INTO _authrs_changes (key, at)
    VALUES ('u' || OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

CREATE TRIGGER authrs_user_deleted AFTER DELETE ON users
BEGIN
    INSERT INTO _authrs_changes (key, at)
    VALUES ('u' || OLD.id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
