//! The pools' hooks: which pooled connection is handed out, and which new one is kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::{PoolConnectionMetadata, PoolOptions};
use sqlx::postgres::{PgConnection, PgPoolOptions};
use sqlx::{Connection, Database as SqlxDatabase};

/// A pooled connection idle for longer than this is pinged before use; a busier one is not.
pub const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// Pool settings for both back ends. sqlx pings every connection it hands out by default, a
/// round trip per query (to PostgreSQL, or to the thread of a SQLite connection) that the
/// hot path of database sessions cannot afford; instead only a connection that sat idle for
/// [`PING_WHEN_IDLE_FOR`] is checked, as connections that long unused are the ones a restart
/// or a firewall may have cut. (sqlx also pings each connection when it is returned, which
/// finds one broken by a failed query.) `keep` may reject a connection by its age: it is then
/// closed and another handed out. `max_connections` zero keeps sqlx's default.
pub(crate) fn pool_options<DB: SqlxDatabase>(
    max_connections: u32,
    keep: impl Fn(&PoolConnectionMetadata) -> bool + Send + Sync + 'static,
) -> PoolOptions<DB> {
    let options = PoolOptions::new();
    let options = if max_connections == 0 {
        options
    } else {
        options.max_connections(max_connections)
    };
    options.test_before_acquire(false).before_acquire(
        move |connection: &mut DB::Connection, meta| {
            let keep = keep(&meta);
            Box::pin(async move {
                if !keep {
                    return Ok(false);
                }
                if meta.idle_for > PING_WHEN_IDLE_FOR {
                    connection.ping().await?;
                }
                Ok(true)
            })
        },
    )
}

/// When a statement was last refused because the server is read-only (SQLSTATE 25006): the
/// connections opened before then are on a demoted primary, and the pool replaces each the
/// next time it would hand it out. One atomic load per acquire while nothing was refused.
#[derive(Debug)]
pub(crate) struct ReadOnlyWatch {
    start: Instant,
    /// Nanoseconds from `start` to the last refusal, plus one; zero while there was none.
    refused_at: AtomicU64,
}

impl Default for ReadOnlyWatch {
    fn default() -> Self {
        Self::new()
    }
}

impl ReadOnlyWatch {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            refused_at: AtomicU64::new(0),
        }
    }

    /// Notes a refusal if `error` is one.
    pub(crate) fn saw(&self, error: &sqlx::Error) {
        if crate::error::is_read_only_refusal(error) {
            self.refused_now();
        }
    }

    fn refused_now(&self) {
        let now = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        self.refused_at.fetch_max(now + 1, Ordering::Relaxed);
    }

    /// Whether a connection of this age was opened at or before the last refusal.
    fn opened_before_refusal(&self, age: Duration) -> bool {
        match self.refused_at.load(Ordering::Relaxed) {
            0 => false,
            at => self.start.elapsed().saturating_sub(age) <= Duration::from_nanos(at - 1),
        }
    }
}

/// sqlx's pool options with this crate's hooks for PostgreSQL: the ping of an idle connection
/// ([`pool_options`]), a new connection to a standby refused, and a connection opened before
/// a read-only refusal replaced. `size` zero keeps sqlx's default.
pub(crate) fn watched_pool_options(size: u32, watch: Arc<ReadOnlyWatch>) -> PgPoolOptions {
    pool_options(size, move |meta| !watch.opened_before_refusal(meta.age))
        .after_connect(|connection, _| Box::pin(refuse_standby(connection)))
}

/// Fails when `connection`'s server is a standby (as libpq's `target_session_attrs=primary`
/// checks): an I/O error of kind `Other`, which sqlx's pool answers by trying again until its
/// acquire timeout, and which start-up takes as transient. A primary that is read-only by
/// setting (`default_transaction_read_only`, as managed services set it when the disk is
/// full) is kept: session reads go on, and its writes are refused with `503`.
pub(crate) async fn refuse_standby(connection: &mut PgConnection) -> Result<(), sqlx::Error> {
    let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
        .fetch_one(&mut *connection)
        .await?;
    if standby {
        return Err(sqlx::Error::Io(std::io::Error::other(
            "the PostgreSQL server is a standby (in recovery); authrs needs the primary",
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connections_opened_before_a_refusal_are_replaced() {
        let watch = ReadOnlyWatch::new();
        assert!(!watch.opened_before_refusal(Duration::from_secs(3600)));
        std::thread::sleep(Duration::from_millis(20));
        watch.refused_now();
        // Opened 10 ms ago: before the refusal. Opened just now: after it.
        std::thread::sleep(Duration::from_millis(10));
        assert!(watch.opened_before_refusal(Duration::from_millis(15)));
        assert!(!watch.opened_before_refusal(Duration::ZERO));
        // Another error is no refusal.
        let other = ReadOnlyWatch::new();
        other.saw(&sqlx::Error::PoolTimedOut);
        assert!(!other.opened_before_refusal(Duration::from_secs(3600)));
    }
}
