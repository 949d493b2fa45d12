-- authrs schema version 3 (PostgreSQL): every change to a session or a user is announced on
-- the channel `authrs_changes` when its transaction commits, whoever makes it (an instance,
-- `authrs user`, SQL by hand), so that each instance's session cache drops what it holds
-- (authrs_sqlx::PostgresAdapter::feed_session_cache). The payload is `s` and the session's
-- token hash, or `u` and the user's id. An expired session's deletion is not announced: the
-- engine refuses an expired session by its `expires` already.

CREATE FUNCTION authrs_announce_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('authrs_changes', 's' || OLD.session_token);
    RETURN NULL;
END
$$;

CREATE FUNCTION authrs_announce_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('authrs_changes', 'u' || OLD.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER authrs_session_updated AFTER UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION authrs_announce_session_change();

CREATE TRIGGER authrs_session_deleted AFTER DELETE ON sessions
    FOR EACH ROW WHEN (OLD.expires > now()) EXECUTE FUNCTION authrs_announce_session_change();

CREATE TRIGGER authrs_user_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION authrs_announce_user_change();
