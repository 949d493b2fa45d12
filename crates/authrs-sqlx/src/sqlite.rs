//! [`SqliteAdapter`]: the adapter on a SQLite file (WAL journal, busy timeout, foreign keys on).

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::Error;
use crate::adapter::{SessionUserRow, fetch_session_and_user, sql};
use crate::time::DbTime;

/// How long a connection waits for another one's write lock before the call fails with
/// [`AdapterError::Unavailable`](authrs_core::adapter::AdapterError::Unavailable).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// How many dedicated connections serve the hot read of database sessions (see
/// [`SqliteAdapter`]) unless [`SqliteAdapter::with_session_readers`] says otherwise: one per
/// CPU (the read holds one only while it runs, never across an `.await`).
pub fn default_session_readers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(16))
}

/// An [`Adapter`](authrs_core::adapter::Adapter) on a SQLite database.
///
/// Several processes may share one file: writes are serialised by SQLite's lock (waiting up
/// to [`SQLITE_BUSY_TIMEOUT`]), readers never block in WAL mode, and migrations run once.
///
/// The read behind every request with a database session,
/// [`get_session_and_user`](authrs_core::adapter::Adapter::get_session_and_user), does not
/// go through the pool. sqlx runs each SQLite query on the connection's own thread, and the
/// two thread hops and the pool's bookkeeping cost several times the read itself (a lookup
/// by primary key in a WAL database). So that read runs on the calling thread, on a few
/// connections of its own ([`default_session_readers`]), under rules that keep it short:
/// 1. It never waits: a reader's busy timeout is zero and readers are taken only when free,
///    so a busy database or an occupied reader sends the read through the pool instead.
/// 2. It never writes (`PRAGMA query_only`).
/// 3. A reader that fails is closed, that read goes through the pool, and the next read
///    opens a fresh reader.
///
/// Readers open the database file by its path (a pool's `after_connect` hook does not run on
/// them). An in-memory database has none: its reads stay on the pool.
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
    /// The database file, which other connections can open; `None` in memory.
    file: Option<PathBuf>,
    /// `None` for an in-memory database or when turned off.
    readers: Option<Arc<Readers>>,
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
        let mut adapter = Self {
            pool,
            file: None,
            readers: None,
        };
        adapter.migrate().await?;
        // An in-memory (or temporary) database has no file name. Asked after the migration,
        // whose switch to WAL wants no other statement running.
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&adapter.pool)
                .await
                .map_err(Error::Connect)?;
        adapter.file = (!file.is_empty()).then(|| PathBuf::from(file));
        Ok(adapter.with_session_readers(default_session_readers()))
    }

    /// The same adapter with `count` dedicated connections for the read of database sessions
    /// (see [`SqliteAdapter`]); `0` sends that read through the pool too. Has no effect on an
    /// in-memory database, whose reads always use the pool.
    pub fn with_session_readers(mut self, count: usize) -> Self {
        self.readers = match &self.file {
            Some(file) if count > 0 => Some(Arc::new(Readers::new(file.clone(), count))),
            _ => None,
        };
        self
    }

    /// Switches the file to the WAL journal and applies the migrations it lacks (see [the
    /// crate docs](crate) for how concurrent starts are kept safe). [`Self::connect`] and
    /// [`Self::from_pool`] call it.
    pub async fn migrate(&self) -> Result<(), Error> {
        crate::migrate::migrate_sqlite(&self.pool).await?;
        self.prune_change_log().await;
        Ok(())
    }

    /// Deletes the rows of the change log (`_authrs_changes`, which the schema's triggers
    /// fill for session caches) older than an hour: a session cache's feed deletes what it
    /// has read, but with no feed (the cache off, or the server down) the log is kept bounded
    /// here, at start-up and by the expiry sweep. Best effort.
    async fn prune_change_log(&self) {
        let _ = sqlx::query(
            "DELETE FROM _authrs_changes \
             WHERE at < CAST(unixepoch('subsec') * 1000 AS INTEGER) - ?1",
        )
        .bind(crate::feed::SQLITE_LOG_MAX_AGE.as_millis() as i64)
        .execute(&self.pool)
        .await;
    }

    /// The pool, for queries of your own.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A failed statement tells SQLite's adapter nothing it acts on.
    fn saw(&self, _error: &sqlx::Error) {}

    /// [`Adapter::get_session_and_user`](authrs_core::adapter::Adapter::get_session_and_user)'s
    /// query, on a dedicated connection when there are any.
    async fn read_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<SessionUserRow>, sqlx::Error> {
        if let Some(readers) = &self.readers {
            // Once the pool is closed the adapter is shut down: its readers close too.
            if self.pool.is_closed() {
                readers.close();
            } else if let Some(found) = readers.session_and_user(session_token) {
                return Ok(found);
            }
        }
        fetch_session_and_user(&self.pool, session_token).await
    }
}

/// The dedicated read connections: rusqlite connections on the database file, opened on
/// first use, one per slot.
struct Readers {
    path: PathBuf,
    slots: Box<[Mutex<Option<rusqlite::Connection>>]>,
    next: AtomicUsize,
}

impl fmt::Debug for Readers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readers")
            .field("path", &self.path)
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl Readers {
    fn new(path: PathBuf, count: usize) -> Self {
        Self {
            path,
            slots: (0..count).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Closes every reader (a reader in use closes on its next failure or shutdown).
    fn close(&self) {
        for slot in &self.slots {
            if let Ok(mut slot) = slot.try_lock() {
                *slot = None;
            }
        }
    }

    /// The read on a free slot, on this thread: `Some` with its result, or `None` when every
    /// slot is in use, or the read would have to wait for a lock or failed (the caller then
    /// reads through the pool).
    fn session_and_user(&self, session_token: &str) -> Option<Option<SessionUserRow>> {
        let count = self.slots.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut slot = (0..count).find_map(|i| self.slots[(start + i) % count].try_lock().ok())?;
        if slot.is_none() {
            match open_reader(&self.path) {
                Ok(connection) => *slot = Some(connection),
                Err(error) => {
                    tracing::debug!(%error, "could not open a SQLite session reader");
                    return None;
                }
            }
        }
        let connection = slot.as_ref()?;
        match query_session_and_user(connection, session_token) {
            Ok(row) => Some(row),
            Err(error) => {
                // Busy (a checkpoint or recovery holds a lock) or broken: this read goes
                // through the pool, and the next one starts on a fresh connection.
                tracing::debug!(%error, "SQLite session reader failed; reading through the pool");
                *slot = None;
                None
            }
        }
    }
}

/// A connection for the hot read: no waiting for locks (a busy database fails at once and
/// the read falls back to the pool), and no writes.
fn open_reader(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let connection = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::ZERO)?;
    connection.pragma_update(None, "query_only", true)?;
    Ok(connection)
}

fn query_session_and_user(
    connection: &rusqlite::Connection,
    session_token: &str,
) -> Result<Option<SessionUserRow>, Box<dyn std::error::Error + Send + Sync>> {
    let mut statement = connection.prepare_cached(sql::GET_SESSION_AND_USER)?;
    let mut rows = statement.query([session_token])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let expires = DbTime::from_unix_millis(row.get(2)?)?;
    let verified = row
        .get::<_, Option<i64>>(6)?
        .map(DbTime::from_unix_millis)
        .transpose()?;
    Ok(Some((
        row.get(0)?,
        row.get(1)?,
        expires,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        verified,
        row.get(7)?,
    )))
}

crate::adapter::impl_adapter!(SqliteAdapter, sqlx::Sqlite);
