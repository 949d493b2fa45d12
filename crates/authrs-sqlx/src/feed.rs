//! The feeds that keep a [`SessionCache`] current with the changes the schema's triggers
//! record, whoever makes them:
//! - PostgreSQL: `LISTEN` on what migration 3 announces, and a heartbeat through the database
//!   that proves the listener still hears;
//! - SQLite: a read every [`FEED_HEARTBEAT`] of the rows migration 2 logs in
//!   `_authrs_changes` past the last one seen.
//!
//! Each proof of being current (a heartbeat heard, a read done) lets the cache serve for
//! [`FEED_GRACE`] from the moment the proof was made (the heartbeat sent, the read begun);
//! without one it serves nothing, and it starts empty when it is current again.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use authrs_core::adapter::SessionCache;
use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgListener, PgPool};
use sqlx::sqlite::SqlitePool;

/// The channel migration 3's triggers announce session and user changes on.
pub(crate) const CHANGES_CHANNEL: &str = "authrs_changes";

/// How often the feed proves itself current: the PostgreSQL feed sends itself a heartbeat
/// through the database, the SQLite feed reads the change log.
pub const FEED_HEARTBEAT: Duration = Duration::from_millis(250);

/// How long a proof keeps the cache serving, counted from when it was made: a feed that stops
/// (a dropped connection, a partition, a locked file, a primary turned read-only) stops the
/// cache this long after its last proof, at the latest. It bounds how late a revocation can
/// be seen.
pub const FEED_GRACE: Duration = Duration::from_millis(750);

/// A listener that hears nothing, not even its heartbeats, for this long starts over (its
/// heartbeats may be going to another server than the one it listens on).
const LISTENER_SILENCE: Duration = Duration::from_millis(1500);

/// Pause before listening again after the listener's connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(250);

/// How long the SQLite feed keeps a row of the change log after it has read past it.
const SQLITE_LOG_KEPT: Duration = Duration::from_secs(60);

/// Rows read from the SQLite change log per query.
const SQLITE_BATCH: i64 = 1000;

/// Rows of the SQLite change log older than this are deleted whatever any feed has read (at
/// start-up and by the expiry sweep), so the log stays bounded with the cache off or the
/// server down. Far past any feed's reach: one that far behind was not live, and flushes.
pub(crate) const SQLITE_LOG_MAX_AGE: Duration = Duration::from_secs(3600);

/// Runs the PostgreSQL feed for `cache` on `pool` until the pool is closed: two tasks, one
/// listening and one sending heartbeats.
pub(crate) fn spawn_postgres(pool: PgPool, cache: Arc<SessionCache>) {
    // A channel of this process's own for its heartbeats: others do not hear them.
    let heartbeat = format!("authrs_live_{}", uuid::Uuid::new_v4().simple());
    let start = Instant::now();
    tokio::spawn(send_heartbeats(pool.clone(), heartbeat.clone(), start));
    tokio::spawn(listen(pool, cache, heartbeat, start));
}

/// Notifies `channel` every [`FEED_HEARTBEAT`] with the time it was sent (milliseconds from
/// `start`), on a connection of its own: a pool busy with requests must not delay the
/// heartbeat, or the cache would stop serving just when it helps most. A heartbeat commits
/// after every change committed before it, and PostgreSQL delivers notifications in commit
/// order, so hearing it means every change made before it was sent was heard.
///
/// Only a writable primary's heartbeat counts: on a standby or a read-only primary the
/// changes are being made elsewhere (after a failover), so no heartbeat is sent, the
/// connection is dropped to find the primary again, and the cache stops serving.
async fn send_heartbeats(pool: PgPool, channel: String, start: Instant) {
    let mut ticks = tokio::time::interval(FEED_HEARTBEAT);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection: Option<PgConnection> = None;
    loop {
        ticks.tick().await;
        if pool.is_closed() {
            if let Some(connection) = connection.take() {
                let _ = connection.close().await;
            }
            return;
        }
        if connection.is_none() {
            let options = pool.connect_options();
            connection = tokio::time::timeout(FEED_GRACE, PgConnection::connect_with(&options))
                .await
                .ok()
                .and_then(Result::ok);
        }
        let Some(open) = connection.as_mut() else {
            continue; // the listener hears no heartbeat: the cache stops serving
        };
        let sent_at = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let sent = tokio::time::timeout(
            FEED_GRACE,
            sqlx::query_scalar::<_, bool>(
                "SELECT pg_notify($1, $2) IS NULL WHERE NOT pg_is_in_recovery() \
                 AND current_setting('transaction_read_only') = 'off'",
            )
            .bind(&channel)
            .bind(sent_at.to_string())
            .fetch_optional(&mut *open),
        )
        .await;
        if !matches!(sent, Ok(Ok(Some(_)))) {
            // Failed, in an unknown state, or not a writable primary: a new connection next
            // time.
            connection = None;
        }
    }
}

/// A feed's failures, logged once per outage rather than once per attempt.
struct Outage {
    /// What fails, as the log says it: "listening", "reading the change log".
    what: &'static str,
    failing: bool,
}

impl Outage {
    fn new(what: &'static str) -> Self {
        Self {
            what,
            failing: false,
        }
    }

    fn failed(&mut self, error: &sqlx::Error) {
        if !std::mem::replace(&mut self.failing, true) {
            tracing::warn!(
                %error,
                "session cache feed: {} failed; the cache serves nothing until it is back",
                self.what
            );
        }
    }

    fn recovered(&mut self) {
        if std::mem::take(&mut self.failing) {
            tracing::info!("session cache feed: {} again", self.what);
        }
    }
}

async fn listen(pool: PgPool, cache: Arc<SessionCache>, heartbeat: String, start: Instant) {
    let mut outage = Outage::new("listening");
    loop {
        if pool.is_closed() {
            return;
        }
        match listen_once(&pool, &cache, &heartbeat, start, &mut outage).await {
            Ok(()) => {}
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => outage.failed(&error),
        }
        cache.feed_lost();
        tokio::time::sleep(RECONNECT_PAUSE).await;
    }
}

/// Listens until the connection is lost or silent (`Ok`) or fails (`Err`).
async fn listen_once(
    pool: &PgPool,
    cache: &SessionCache,
    heartbeat: &str,
    start: Instant,
    outage: &mut Outage,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANGES_CHANNEL, heartbeat]).await?;
    outage.recovered();
    // Dropped (not reused) when a wait times out, so a wait cut short leaves nothing behind.
    while let Ok(received) = tokio::time::timeout(LISTENER_SILENCE, listener.try_recv()).await {
        let Some(notification) = received? else {
            return Ok(()); // the connection was lost
        };
        if notification.channel() == heartbeat {
            if let Ok(sent_at) = notification.payload().parse::<u64>() {
                cache.live_from(start + Duration::from_millis(sent_at), FEED_GRACE);
            }
            continue;
        }
        apply(cache, notification.payload());
    }
    Ok(())
}

/// Drops what a change record names: `s` and a token hash, or `u` and a user id; anything
/// else (`*`, a table truncated) drops everything.
fn apply(cache: &SessionCache, change: &str) {
    match change.split_at_checked(1) {
        Some(("s", token_hash)) => cache.invalidate_session(token_hash),
        Some(("u", user_id)) => cache.invalidate_user(user_id),
        _ => cache.flush(),
    }
}

/// Runs the SQLite feed for `cache` on `pool` until the pool is closed: one task that reads
/// the change log every [`FEED_HEARTBEAT`] and deletes the rows it read more than
/// [`SQLITE_LOG_KEPT`] ago. It borrows a connection of the pool each time: one of its own
/// would add its memory (page cache, lookaside, schema) to an idle server's. Session reads go
/// to the adapter's readers, not the pool, so only writes compete with it; a read that waits
/// past the grace stops the cache until the next one (slower, never stale).
pub(crate) fn spawn_sqlite(pool: SqlitePool, cache: Arc<SessionCache>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(FEED_HEARTBEAT);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut feed = SqliteFeed::default();
        let mut outage = Outage::new("reading the change log");
        loop {
            ticks.tick().await;
            if pool.is_closed() {
                return;
            }
            let proof = Instant::now();
            let read = tokio::time::timeout(FEED_GRACE, feed.read(&pool, &cache))
                .await
                .unwrap_or_else(|_| {
                    Err(sqlx::Error::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the change log read took longer than the feed's grace",
                    )))
                });
            match read {
                Ok(()) => {
                    outage.recovered();
                    cache.live_from(proof, FEED_GRACE);
                    if feed.prune_due() {
                        // Apart from the read: a write that waits for the file's lock must
                        // not cost the cache its proof.
                        let pruned = tokio::time::timeout(FEED_GRACE, feed.prune(&pool)).await;
                        if let Ok(Err(sqlx::Error::Protocol(_))) = pruned {
                            // The log went back: a fresh start.
                            feed = SqliteFeed::default();
                            cache.feed_lost();
                        }
                    }
                }
                Err(sqlx::Error::PoolClosed) => return,
                Err(error) => {
                    // A fresh start next time.
                    feed = SqliteFeed::default();
                    outage.failed(&error);
                    cache.feed_lost();
                }
            }
        }
    });
}

/// The SQLite feed's state: the last row applied, and what it had read by when (to delete
/// only rows read long enough ago).
#[derive(Default)]
struct SqliteFeed {
    last_seen: Option<i64>,
    /// (when, the last row applied then), oldest first, one per [`PRUNE_EVERY`].
    read_by: VecDeque<(Instant, i64)>,
}

/// How often the SQLite feed deletes rows it read long enough ago.
const PRUNE_EVERY: Duration = Duration::from_secs(10);

impl SqliteFeed {
    /// Applies the log's rows past the last one seen (from the newest row on a fresh start:
    /// the cache starts empty). SQLite has one writer at a time and a row's `seq` is taken
    /// inside its writer's transaction, so rows become visible in the order of their `seq`.
    async fn read(&mut self, pool: &SqlitePool, cache: &SessionCache) -> Result<(), sqlx::Error> {
        let mut connection = pool.acquire().await?;
        let Some(mut since) = self.last_seen else {
            let newest: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM _authrs_changes")
                    .fetch_one(&mut *connection)
                    .await?;
            self.last_seen = Some(newest);
            self.read_by.push_back((Instant::now(), newest));
            return Ok(());
        };
        loop {
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT seq, key FROM _authrs_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .bind(since)
            .bind(SQLITE_BATCH)
            .fetch_all(&mut *connection)
            .await?;
            for (seq, key) in &rows {
                apply(cache, key);
                since = *seq;
            }
            self.last_seen = Some(since);
            if (rows.len() as i64) < SQLITE_BATCH {
                break;
            }
        }
        Ok(())
    }

    /// Whether [`Self::prune`] is due.
    fn prune_due(&self) -> bool {
        self.last_seen.is_some()
            && self
                .read_by
                .back()
                .is_none_or(|(at, _)| at.elapsed() >= PRUNE_EVERY)
    }

    /// Deletes the rows read more than [`SQLITE_LOG_KEPT`] ago, and notices a log that went
    /// back (a file restored from a copy): that is a fresh start.
    async fn prune(&mut self, pool: &SqlitePool) -> Result<(), sqlx::Error> {
        let Some(since) = self.last_seen else {
            return Ok(());
        };
        let mut connection = pool.acquire().await?;
        let newest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM _authrs_changes")
            .fetch_one(&mut *connection)
            .await?;
        if newest < since {
            return Err(sqlx::Error::Protocol(
                "the change log went back (a restored file?)".to_owned(),
            ));
        }
        self.read_by.push_back((Instant::now(), since));
        let mut upto = None;
        while let Some(&(at, seq)) = self.read_by.front() {
            if at.elapsed() < SQLITE_LOG_KEPT {
                break;
            }
            upto = Some(seq);
            self.read_by.pop_front();
        }
        if let Some(upto) = upto {
            // Best effort: a busy file leaves the rows for a later round (the start-up and
            // sweep deletions bound them anyway).
            let _ = sqlx::query("DELETE FROM _authrs_changes WHERE seq <= ?1")
                .bind(upto)
                .execute(&mut *connection)
                .await;
        }
        Ok(())
    }
}
