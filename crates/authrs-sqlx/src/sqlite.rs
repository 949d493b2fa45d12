//! [`SqliteAdapter`]: the adapter on a SQLite file (WAL journal, busy timeout, foreign keys on).

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::Error;

/// How long a connection waits for another one's write lock before the call fails with
/// [`AdapterError::Unavailable`](authrs_core::adapter::AdapterError::Unavailable).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An [`Adapter`](authrs_core::adapter::Adapter) on a SQLite database.
///
/// Several processes may share one file: writes are serialised by SQLite's lock (waiting up
/// to [`SQLITE_BUSY_TIMEOUT`]), readers never block in WAL mode, and migrations run once.
///
/// ```no_run
/// # async fn example() -> Result<(), authrs_sqlx::Error> {
/// use std::sync::Arc;
/// use authrs_core::adapter::Adapter;
///
/// let adapter = authrs_sqlx::SqliteAdapter::connect("sqlite://authrs.db").await?;
/// let adapter: Arc<dyn Adapter> = Arc::new(adapter);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteAdapter {
    pool: SqlitePool,
}

impl SqliteAdapter {
    /// Opens (creating it if missing) the database at `url` (`sqlite://path/to/file.db`,
    /// `sqlite:file.db`, or `sqlite::memory:` for a private in-memory database) with
    /// [`Self::connect_options`], and brings its schema up to date.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        let pool = SqlitePoolOptions::new()
            .connect_with(Self::connect_options(url)?)
            .await
            .map_err(Error::Connect)?;
        Self::from_pool(pool).await
    }

    /// The connection options [`Self::connect`] uses, for building a pool of your own: the
    /// URL's, plus: create the file if missing, busy timeout [`SQLITE_BUSY_TIMEOUT`], foreign
    /// keys enforced. The WAL journal is not set per connection: [`Self::migrate`] switches
    /// the file to it once (the setting is kept in the file), because the switch cannot wait
    /// for a busy file the way other statements do.
    pub fn connect_options(url: &str) -> Result<SqliteConnectOptions, Error> {
        Ok(SqliteConnectOptions::from_str(url)
            .map_err(Error::InvalidUrl)?
            .create_if_missing(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true))
    }

    /// An adapter on an existing pool: checks that its connections enforce foreign keys
    /// ([`Error::ForeignKeysOff`] otherwise) and brings the schema up to date. Build the pool
    /// with [`Self::connect_options`] (or at least a busy timeout) when several connections or
    /// processes write at once.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, Error> {
        let foreign_keys: bool = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .map_err(Error::Connect)?;
        if !foreign_keys {
            return Err(Error::ForeignKeysOff);
        }
        let adapter = Self { pool };
        adapter.migrate().await?;
        Ok(adapter)
    }

    /// Switches the file to the WAL journal and applies the migrations it lacks (see [the
    /// crate docs](crate) for how concurrent starts are kept safe). [`Self::connect`] and
    /// [`Self::from_pool`] call it.
    pub async fn migrate(&self) -> Result<(), Error> {
        crate::migrate::migrate_sqlite(&self.pool).await
    }

    /// The pool, for queries of your own.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

crate::adapter::impl_adapter!(SqliteAdapter);
