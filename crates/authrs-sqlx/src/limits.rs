//! [`PostgresLimitStore`]: rate-limit counters in the PostgreSQL database, so that every
//! instance on one database shares one budget per key (a [`MemoryLimitStore`] counts per
//! process, and N instances would allow N times the limit).
//!
//! The table is `rate_limits` (migration 2); the rules and caveats are on
//! [`PostgresLimitStore`].
//!
//! [`MemoryLimitStore`]: authrs_core::ratelimit::MemoryLimitStore

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use authrs_core::adapter::{AdapterError, Timestamp};
use authrs_core::ratelimit::{LimitKey, LimitStore, RateLimit, Refused};
use sqlx::postgres::PgPool;

use crate::PostgresAdapter;
use crate::error::backend_error;
use crate::pool::ReadOnlyWatch;

/// A [`LimitStore`] on a PostgreSQL database: counters that every instance on the database
/// shares.
///
/// The `rate_limits` table comes with the adapter's migrations (version 2), which
/// [`PostgresAdapter::connect`] and [`PostgresAdapter::from_pool`] apply.
///
/// # Rules
/// Those of [`authrs_core::ratelimit`], and how this store keeps them:
/// 1. **An exact sliding log, as [`MemoryLimitStore`] keeps it.** A row of `rate_limits` holds
///    one key's counted events as Unix milliseconds in a `BIGINT[]`, in the order they were
///    counted. An event at `t` has left the window once `t + window <= now`; a counted event
///    drops the ones that have left, so a row holds at most `max` events.
/// 2. **Check and count are one statement.** [`LimitStore::hit`] is a single
///    `INSERT … ON CONFLICT (key) DO UPDATE … WHERE <events in the window> < max`: the row lock
///    that `ON CONFLICT` takes decides between concurrent hits from any number of connections
///    and instances, each judged on the row as the previous one left it, so exactly `max` get
///    through. A refused event writes nothing.
/// 3. **Keys are the 32-byte digests**, stored as `BYTEA` (a `CHECK` holds them to 32 bytes):
///    the table holds no address, account or email.
/// 4. **The table does not grow forever.** Each row's `expires` is when the last of its events
///    leaves the window it was counted under (the greatest event time plus window of its
///    hits); [`PostgresLimitStore::delete_expired`] deletes the rows past it, on the `expires`
///    index. [`Auth::sweep_expired`](authrs_core::Auth::sweep_expired) calls it through
///    [`LimitStore::delete_expired`], so the periodic sweep that ends expired sessions
///    (`authrs_tokio::spawn_expiry_sweep`, which the server runs) covers it.
/// 5. **Database failures are `Unavailable` or `Backend`**, mapped as the adapter's are
///    (see [the crate's rules](crate#rules)).
///
/// # Caveats
/// - A refusal's `Retry-After` is read in the same statement as the decision, from the row as
///   the statement's snapshot saw it. With no concurrent hit on the key it is exact; when
///   another instance counted an event on the key between the snapshot and the row lock, it
///   may be off by that race (it is still at least 1 second, and the decision is exact).
/// - A refused event leaves the row as it was, where [`MemoryLimitStore`] also drops the
///   events that have left the window. Nothing a caller can observe differs for a key used
///   under one limit, as every key of the engine is.
/// - [`LimitStore::undo`] of a key's last event leaves a row with no events (counting as
///   nothing, as a missing row does) for the sweep to delete.
///
/// # Example
/// ```no_run
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use authrs_core::Auth;
/// use authrs_sqlx::{PostgresAdapter, PostgresLimitStore};
///
/// let adapter = PostgresAdapter::connect("postgres://authrs@127.0.0.1:5432/authrs").await?;
/// let limits = Arc::new(PostgresLimitStore::from_adapter(&adapter));
/// let auth = Auth::builder()
///     .secret("a-secret-of-at-least-32-characters-long")
///     .adapter(Arc::new(adapter))
///     .limit_store(limits)
///     .build()?;
///
/// // Every few minutes: expired sessions, tokens and counters alike.
/// auth.sweep_expired().await?;
/// # Ok(()) }
/// ```
///
/// [`MemoryLimitStore`]: authrs_core::ratelimit::MemoryLimitStore
#[derive(Debug, Clone)]
pub struct PostgresLimitStore {
    pool: PgPool,
    read_only: Arc<ReadOnlyWatch>,
}

impl PostgresLimitStore {
    /// A store on `pool`, whose database must be migrated (as [`PostgresAdapter::connect`],
    /// [`PostgresAdapter::from_pool`] and [`PostgresAdapter::migrate`] leave it).
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            read_only: Arc::default(),
        }
    }

    /// A store on the adapter's pool and database; a write it finds refused by a read-only
    /// server has the pool's connections replaced, as the adapter's do.
    pub fn from_adapter(adapter: &PostgresAdapter) -> Self {
        Self {
            pool: adapter.pool().clone(),
            read_only: Arc::clone(adapter.read_only_watch()),
        }
    }

    /// [`backend_error`], once the pool's failover watch has seen the error.
    fn fail(&self, error: sqlx::Error) -> AdapterError {
        self.read_only.saw(&error);
        backend_error(error)
    }

    /// The pool, for queries of your own.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Deletes the counters whose every event has left its window at `now` (rule 4); returns
    /// how many went. Call it periodically, as the server's sweep of expired sessions runs:
    /// without it, a key that is never hit again keeps its row.
    pub async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
        let done = sqlx::query(sql::DELETE_EXPIRED)
            .bind(millis(now)?)
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(done.rows_affected())
    }
}

/// A time as the table's Unix milliseconds.
fn millis(time: Timestamp) -> Result<i64, AdapterError> {
    i64::try_from(time.as_millis())
        .map_err(|_| AdapterError::Backend(format!("time {} ms is out of range", time.as_millis())))
}

/// A window as milliseconds; a longer one than the column can hold is as good as forever.
fn window_millis(window: Duration) -> i64 {
    i64::try_from(window.as_millis()).unwrap_or(i64::MAX)
}

#[async_trait]
impl LimitStore for PostgresLimitStore {
    async fn hit(
        &self,
        key: &LimitKey,
        limit: RateLimit,
        now: Timestamp,
    ) -> Result<Result<(), Refused>, AdapterError> {
        let now_ms = millis(now)?;
        let window = window_millis(limit.window);
        let (counted, oldest): (bool, Option<i64>) = sqlx::query_as(sql::HIT)
            .bind(key.as_bytes().as_slice())
            .bind(now_ms)
            .bind(window)
            .bind(now_ms.saturating_add(window))
            .bind(i64::from(limit.max))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        if counted {
            return Ok(Ok(()));
        }
        // Rows hold what `hit` wrote: times since 1970, never negative.
        let oldest = oldest.and_then(|t| u64::try_from(t).ok());
        Ok(Err(Refused::after(oldest, limit, now.as_millis())))
    }

    async fn count(
        &self,
        key: &LimitKey,
        window: Duration,
        now: Timestamp,
    ) -> Result<u32, AdapterError> {
        let count: i64 = sqlx::query_scalar(sql::COUNT)
            .bind(key.as_bytes().as_slice())
            .bind(millis(now)?)
            .bind(window_millis(window))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    async fn undo(&self, key: &LimitKey) -> Result<(), AdapterError> {
        sqlx::query(sql::UNDO)
            .bind(key.as_bytes().as_slice())
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn clear(&self, key: &LimitKey) -> Result<(), AdapterError> {
        sqlx::query(sql::CLEAR)
            .bind(key.as_bytes().as_slice())
            .execute(&self.pool)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
        PostgresLimitStore::delete_expired(self, now).await
    }
}

/// The statements. Parameters: `$1` the key, `$2` now, `$3` the window (both in
/// milliseconds); an event `e` is in the window when `e > now - window`, which is
/// `e + window > now` without the overflow.
mod sql {
    /// Counts an event (`$4`: now plus the window, `$5`: the limit's `max`) when fewer than
    /// `max` are in the window, in one statement (rule 2): a new key is inserted, unless `max`
    /// is 0; an existing row is locked by `ON CONFLICT` and updated only when the `WHERE`
    /// allows, keeping its events still in the window and the new one. Answers whether the
    /// event was counted and, for a refusal, the oldest event in the window.
    pub(super) const HIT: &str = "\
        WITH counted AS ( \
            INSERT INTO rate_limits AS r (key, events, expires) \
            SELECT $1, ARRAY[$2::bigint], $4 WHERE $5 > 0 \
            ON CONFLICT (key) DO UPDATE SET \
                events = ARRAY( \
                    SELECT u.e FROM unnest(r.events) WITH ORDINALITY AS u(e, i) \
                    WHERE u.e > $2 - $3 ORDER BY u.i \
                ) || $2::bigint, \
                expires = GREATEST(r.expires, $4) \
            WHERE (SELECT count(*) FROM unnest(r.events) AS u(e) WHERE u.e > $2 - $3) < $5 \
            RETURNING 1 \
        ) \
        SELECT EXISTS (SELECT 1 FROM counted), ( \
            SELECT u.e FROM rate_limits AS l, unnest(l.events) WITH ORDINALITY AS u(e, i) \
            WHERE l.key = $1 AND u.e > $2 - $3 ORDER BY u.i LIMIT 1 \
        )";

    /// How many events of the key are in the window.
    pub(super) const COUNT: &str = "\
        SELECT count(*) FROM rate_limits AS l, unnest(l.events) AS u(e) \
        WHERE l.key = $1 AND u.e > $2 - $3";

    /// Drops the key's newest event (the last counted); the row lock orders it with hits.
    pub(super) const UNDO: &str = "\
        UPDATE rate_limits SET events = events[1:cardinality(events) - 1] WHERE key = $1";

    /// Forgets the key.
    pub(super) const CLEAR: &str = "DELETE FROM rate_limits WHERE key = $1";

    /// Deletes the rows whose every event has left its window at `$1`.
    pub(super) const DELETE_EXPIRED: &str = "DELETE FROM rate_limits WHERE expires <= $1";
}
