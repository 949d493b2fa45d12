//! [`Error`]: why opening or migrating a database failed, and the one place where database
//! errors become [`AdapterError`]s.

use authrs_core::adapter::AdapterError;

/// Why an adapter could not be set up (connecting, checking or migrating the database).
/// Errors of the adapter's methods are [`AdapterError`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL could not be parsed.
    #[error("invalid database URL: {0}")]
    InvalidUrl(#[source] sqlx::Error),
    /// The database could not be opened or reached.
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed and was rolled back: the schema is at the version before it.
    #[error("migration {version} ({description}) failed: {source}")]
    Migration {
        /// The migration's version.
        version: i64,
        /// What the migration does.
        description: &'static str,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
    /// The database was migrated by a newer authrs-sqlx than this one, with a migration that
    /// removed or changed what this code uses: refusing to run on it.
    #[error(
        "the database schema is at version {found}, which needs a newer authrs-sqlx than this \
         one (it knows versions up to {known}): upgrade authrs-sqlx"
    )]
    SchemaTooNew {
        /// The newest version recorded in the database.
        found: i64,
        /// The newest version this crate has.
        known: i64,
    },
    /// The SQLite pool's connections do not enforce foreign keys, which the adapter relies on
    /// (deleting a user deletes their accounts and sessions; links to missing users fail).
    #[error(
        "SQLite foreign keys are off on this pool: build it with \
         SqliteConnectOptions::foreign_keys(true)"
    )]
    ForeignKeysOff,
    /// Any other database error while setting up.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl Error {
    /// Whether trying again later may work: the server could not be reached, or refused
    /// connections for now (starting up, shutting down, out of connections). A wrong password,
    /// a missing database or a failed migration is not transient.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Connect(error) | Self::Database(error) => is_transient(error),
            _ => false,
        }
    }
}

fn is_transient(error: &sqlx::Error) -> bool {
    use std::io::ErrorKind;
    match error {
        sqlx::Error::PoolTimedOut => true,
        // Refused, reset, timed out, a name that does not resolve yet: maybe later. Not a
        // TLS failure (InvalidData: a wrong CA or host name), nor a missing or unreadable
        // certificate file: those stay wrong however long one waits.
        sqlx::Error::Io(io) => !matches!(
            io.kind(),
            ErrorKind::InvalidData
                | ErrorKind::InvalidInput
                | ErrorKind::NotFound
                | ErrorKind::PermissionDenied
        ),
        sqlx::Error::Database(db) => db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .is_some_and(|pg| pg_refuses_for_now(pg.code())),
        _ => false,
    }
}

/// Whether a PostgreSQL error code says the server cannot serve this connection for now:
/// 08, connection exception; 53, insufficient resources (too many connections, disk full);
/// 57P01-57P03, administrator or crash shutdown, server starting up; 25006, a write refused
/// because the server is read-only (a primary demoted in a failover: a new connection finds
/// the new one).
fn pg_refuses_for_now(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || code == READ_ONLY_SQL_TRANSACTION
}

/// SQLSTATE `read_only_sql_transaction`.
const READ_ONLY_SQL_TRANSACTION: &str = "25006";

/// Whether `error` is a statement refused because the PostgreSQL server is read-only.
pub(crate) fn is_read_only_refusal(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db)
        if db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .is_some_and(|pg| pg.code() == READ_ONLY_SQL_TRANSACTION))
}

/// A database error as an [`AdapterError`]: [`AdapterError::Unavailable`] when the database
/// could not be reached, was busy past the timeout or is shutting down (retrying later may
/// work), [`AdapterError::Backend`] for anything else.
pub(crate) fn backend_error(error: sqlx::Error) -> AdapterError {
    let unavailable = match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => is_unavailable(db.as_ref()),
        _ => false,
    };
    if unavailable {
        AdapterError::Unavailable(error.to_string())
    } else {
        AdapterError::Backend(error.to_string())
    }
}

/// Like [`backend_error`], but a unique violation is `on_unique` and a foreign-key violation is
/// [`AdapterError::UserNotFound`]. Each call site knows which unique key its statement can
/// break (a new user's id is a fresh UUID, so only the email can collide), which works the
/// same on both back ends without reading constraint names out of messages.
pub(crate) fn constraint_error(error: sqlx::Error, on_unique: AdapterError) -> AdapterError {
    if let sqlx::Error::Database(db) = &error {
        match db.kind() {
            sqlx::error::ErrorKind::UniqueViolation => return on_unique,
            sqlx::error::ErrorKind::ForeignKeyViolation => return AdapterError::UserNotFound,
            _ => {}
        }
    }
    backend_error(error)
}

fn is_unavailable(db: &dyn sqlx::error::DatabaseError) -> bool {
    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        // 57014: cancelled by `statement_timeout` (a statement ran or waited for a lock too
        // long); retrying the request later may work, reconnecting would not help.
        return pg_refuses_for_now(pg.code()) || pg.code() == "57014";
    }
    // SQLITE_BUSY and SQLITE_LOCKED: another connection held the lock past the busy timeout.
    matches!(sqlite_primary_code(db), Some(SQLITE_BUSY | SQLITE_LOCKED))
}

const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;

/// Whether `error` is SQLite's "database is locked" (another connection holds the lock).
pub(crate) fn is_sqlite_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => sqlite_primary_code(db.as_ref()) == Some(SQLITE_BUSY),
        _ => false,
    }
}

/// A SQLite error's primary result code: sqlx reports the extended code, whose low byte it is.
fn sqlite_primary_code(db: &dyn sqlx::error::DatabaseError) -> Option<i32> {
    db.try_downcast_ref::<sqlx::sqlite::SqliteError>()?;
    db.code()?.parse::<i32>().ok().map(|code| code & 0xff)
}

#[cfg(test)]
mod transient_tests {
    use std::io;

    use super::*;

    #[test]
    fn only_failures_that_may_pass_are_transient() {
        let io = |kind| Error::Connect(sqlx::Error::Io(io::Error::new(kind, "x")));
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::TimedOut,
            io::ErrorKind::Other,
        ] {
            assert!(io(kind).is_transient(), "{kind:?}");
        }
        // A wrong CA or host name (rustls's errors come as InvalidData), a missing file.
        for kind in [io::ErrorKind::InvalidData, io::ErrorKind::NotFound] {
            assert!(!io(kind).is_transient(), "{kind:?}");
        }
        assert!(Error::Connect(sqlx::Error::PoolTimedOut).is_transient());
        assert!(!Error::Connect(sqlx::Error::Configuration("bad".into())).is_transient());
        assert!(!Error::ForeignKeysOff.is_transient());
    }
}
