-- authrs schema version 3 (PostgreSQL): every change to a session or a user is announced on
-- the channel `authrs_changes` when its transaction commits, whoever makes it (an instance,
-- `authrs user`, SQL by hand), so that each instance's session cache drops what it holds
-- (authrs_sqlx::Database::cached_adapter). The payload is `s` and the session's token hash,
-- `u` and the user's id, or `*` when a table was truncated (everything goes). The deletion of
-- a session that expired more than five minutes ago is not announced (the sweep deletes many
-- at once): the engine refuses an expired session by its `expires` already, and the margin
-- covers an application clock behind the database's. Row triggers do not fire with
-- `session_replication_role = replica` (`pg_restore --disable-triggers`): restart the
-- instances after such a restore.

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
    FOR EACH ROW WHEN (OLD.expires > now() - interval '5 minutes')
    EXECUTE FUNCTION authrs_announce_session_change();

CREATE TRIGGER authrs_user_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION authrs_announce_user_change();

CREATE FUNCTION authrs_announce_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('authrs_changes', '*');
    RETURN NULL;
END
$$;

CREATE TRIGGER authrs_sessions_truncated AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION authrs_announce_truncate();

CREATE TRIGGER authrs_users_truncated AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION authrs_announce_truncate();
