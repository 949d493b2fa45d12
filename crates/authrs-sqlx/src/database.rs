//! [`Database`]: an open database of either back end, chosen by its URL, with pools tuned for
//! the adapter's queries, and the few queries an operator needs beyond the adapter contract
//! (listing and counting users).

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, AdapterError, CachedAdapter, SessionCache};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::error::backend_error;
use crate::pool::{ReadOnlyWatch, pool_options, refuse_standby, watched_pool_options};
use crate::url::{DatabaseKind, DatabaseUrl};
use crate::{Error, PostgresAdapter, PostgresLimitStore, SqliteAdapter};

/// Connections of the SQLite pool: WAL lets them read side by side. More only adds threads
/// (sqlx runs each SQLite connection on a thread of its own) that compete for the CPUs.
pub const SQLITE_CONNECTIONS: u32 = 4;

/// Connections of the PostgreSQL pool, per process (sqlx's default).
pub const POSTGRES_CONNECTIONS: u32 = 10;

/// The PostgreSQL pool's size and time bounds ([`Database::connect_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostgresPool {
    /// Connections per process.
    pub size: u32,
    /// How long a query waits for a free connection before it fails (the request then gets
    /// `503`).
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout` on every connection: a statement running (or waiting
    /// for a lock) longer is cancelled, and its request gets `503`. Zero turns it off.
    pub statement_timeout: Duration,
    /// A connection unused for this long is closed (down to none: the pool opens connections
    /// again as they are needed).
    pub idle_timeout: Duration,
}

impl Default for PostgresPool {
    /// 10 connections, 5 s to acquire one, 5 s per statement, idle ones closed after 10 min.
    fn default() -> Self {
        Self {
            size: POSTGRES_CONNECTIONS,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(10 * 60),
        }
    }
}

/// A user as an operator's listing shows it: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// The user's id.
    pub id: String,
    /// Email address.
    pub email: Option<String>,
    /// Display name.
    pub name: Option<String>,
}

/// An open database of either back end: the adapter the engine stores users and sessions
/// through, plus what an operator's tools need.
///
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use authrs_sqlx::{Database, DatabaseUrl};
///
/// let url = DatabaseUrl::parse("sqlite://authrs.db?mode=rwc")?;
/// let database = Database::connect(&url).await?;
/// let adapter = database.adapter();
/// # let _ = adapter;
/// database.close().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Database {
    /// A SQLite file.
    Sqlite(SqliteAdapter),
    /// A PostgreSQL database.
    Postgres(PostgresAdapter),
}

impl Database {
    /// [`Self::connect_with`] the default [`PostgresPool`].
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, Error> {
        Self::connect_with(url, &PostgresPool::default()).await
    }

    /// Opens the database and brings its schema up to date. A SQLite file is created if missing
    /// (its directory must exist). The SQLite pool holds [`SQLITE_CONNECTIONS`] connections;
    /// the PostgreSQL pool is `postgres`. Both ping only a connection idle for
    /// [`PING_WHEN_IDLE_FOR`]. Errors may quote the URL: show them through
    /// [`DatabaseUrl::scrub`]; [`Error::is_transient`] tells whether trying again may work.
    pub async fn connect_with(url: &DatabaseUrl, postgres: &PostgresPool) -> Result<Self, Error> {
        match url.kind() {
            DatabaseKind::Sqlite => {
                let options = SqliteAdapter::connect_options(url.expose())?;
                let pool = pool_options(SQLITE_CONNECTIONS, |_| true)
                    .connect_with(options)
                    .await
                    .map_err(Error::Connect)?;
                SqliteAdapter::from_pool(pool).await.map(Self::Sqlite)
            }
            DatabaseKind::Postgres => {
                let mut options = url.postgres_options().map_err(Error::InvalidUrl)?;
                if !postgres.statement_timeout.is_zero() {
                    // A startup parameter: every connection of the pool has it from the start.
                    let millis = postgres.statement_timeout.as_millis().to_string();
                    options = options.options([("statement_timeout", millis.as_str())]);
                }
                // One direct connection first: a refused connection or a wrong password then
                // fails at once with its cause, where the pool would retry until its acquire
                // timeout and report only that it timed out.
                // Bounded: a host that drops packets, or a peer that accepts and says nothing,
                // would otherwise hold start-up for minutes or for ever.
                let probe = tokio::time::timeout(postgres.acquire_timeout, async {
                    let mut probe = PgConnection::connect_with(&options).await?;
                    let primary = refuse_standby(&mut probe).await;
                    let _ = probe.close().await;
                    primary
                })
                .await
                .map_err(|_| {
                    Error::Connect(sqlx::Error::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "no answer within {:?} (postgres.acquire_timeout)",
                            postgres.acquire_timeout
                        ),
                    )))
                })?;
                probe.map_err(Error::Connect)?;
                let watch = Arc::new(ReadOnlyWatch::default());
                let pool = watched_pool_options(postgres.size, Arc::clone(&watch))
                    .acquire_timeout(postgres.acquire_timeout)
                    .idle_timeout(postgres.idle_timeout)
                    .connect_with(options)
                    .await
                    .map_err(Error::Connect)?;
                PostgresAdapter::from_watched_pool(pool, watch)
                    .await
                    .map(Self::Postgres)
            }
        }
    }

    /// The adapter, for the engine.
    pub fn adapter(&self) -> Arc<dyn Adapter> {
        match self {
            Self::Sqlite(adapter) => Arc::new(adapter.clone()),
            Self::Postgres(adapter) => Arc::new(adapter.clone()),
        }
    }

    /// The adapter with its session reads cached (see [`CachedAdapter`]): at most `capacity`
    /// sessions, each served for at most `ttl` after it was read.
    ///
    /// The cache is kept current by a feed of the changes the schema's triggers record,
    /// whoever makes them (this process, another instance, `authrs user`, SQL by hand): on
    /// PostgreSQL `LISTEN` with a heartbeat through the database (two tasks), on SQLite a
    /// read of the change log every [`FEED_HEARTBEAT`](crate::FEED_HEARTBEAT) (one task).
    /// Without a proof of being current for [`FEED_GRACE`](crate::FEED_GRACE) the cache
    /// serves nothing, so a revocation is seen everywhere within that bound, also while the
    /// feed is cut off. The tasks run on this runtime and end when the database is closed.
    ///
    /// Must be called on a tokio runtime.
    pub fn cached_adapter(&self, capacity: usize, ttl: Duration) -> CachedAdapter {
        let cache = SessionCache::fed(capacity, ttl);
        match self {
            Self::Sqlite(adapter) => {
                crate::feed::spawn_sqlite(adapter.pool().clone(), Arc::clone(&cache));
            }
            Self::Postgres(adapter) => {
                crate::feed::spawn_postgres(adapter.pool().clone(), Arc::clone(&cache));
            }
        }
        CachedAdapter::new(self.adapter(), cache)
    }

    /// A rate-limit store that every process on this database shares: `Some` on PostgreSQL,
    /// `None` on SQLite (where one process per file is the rule, and limits count in memory).
    pub fn shared_limit_store(&self) -> Option<PostgresLimitStore> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres(adapter) => Some(PostgresLimitStore::from_adapter(adapter)),
        }
    }

    /// SQLite or PostgreSQL.
    pub fn kind(&self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// Every user, ordered by email address (the adapter contract has no listing: the engine
    /// never needs one).
    pub async fn list_users(&self) -> Result<Vec<UserSummary>, AdapterError> {
        const SQL: &str = "SELECT id, email, name FROM users ORDER BY email, id";
        let rows: Vec<(String, Option<String>, Option<String>)> = match self {
            Self::Sqlite(adapter) => sqlx::query_as(SQL).fetch_all(adapter.pool()).await,
            Self::Postgres(adapter) => sqlx::query_as(SQL)
                .fetch_all(adapter.pool())
                .await
                .inspect_err(|e| adapter.saw(e)),
        }
        .map_err(backend_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, email, name)| UserSummary { id, email, name })
            .collect())
    }

    /// Whether the database has no users at all.
    pub async fn has_no_users(&self) -> Result<bool, AdapterError> {
        const SQL: &str = "SELECT COUNT(*) FROM users";
        let count: i64 = match self {
            Self::Sqlite(adapter) => sqlx::query_scalar(SQL).fetch_one(adapter.pool()).await,
            Self::Postgres(adapter) => sqlx::query_scalar(SQL)
                .fetch_one(adapter.pool())
                .await
                .inspect_err(|e| adapter.saw(e)),
        }
        .map_err(backend_error)?;
        Ok(count == 0)
    }

    /// Closes the pool: waits for connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(adapter) => adapter.pool().close().await,
            Self::Postgres(adapter) => adapter.pool().close().await,
        }
    }
}
