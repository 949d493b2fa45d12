//! The feeds that keep a [`SessionCache`] current with the changes the schema's triggers
//! record, whoever makes them:
//! - PostgreSQL: `LISTEN` on what migration 3 announces, and a heartbeat through the database
//!   that proves the listener still hears;
//! - SQLite: a read every [`FEED_HEARTBEAT`] of the rows migration 2 logs in
//!   `_authrs_changes` past the last one seen.
//!
//! Each proof of being current (a heartbeat heard, a read done) lets the cache serve for
//! [`FEED_GRACE`]; without one it serves nothing, and it starts empty when it is current
//! again.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::SessionCache;
use sqlx::postgres::{PgConnection, PgListener, PgPool};
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::Connection;

/// The channel migration 3's triggers announce session and user changes on.
pub(crate) const CHANGES_CHANNEL: &str = "authrs_changes";

/// How often the feed proves itself current: the PostgreSQL feed sends itself a heartbeat
/// through the database, the SQLite feed reads the change log.
pub const FEED_HEARTBEAT: Duration = Duration::from_millis(250);

/// How long a proof keeps the cache serving: a feed that stops (a dropped connection, a
/// partition, a locked file) stops the cache this long after its last proof, at the latest.
/// It bounds how late a revocation can be seen.
pub const FEED_GRACE: Duration = Duration::from_millis(750);

/// Pause before listening again after the listener's connection failed.
const RECONNECT_PAUSE: Duration = Duration::from_millis(250);

/// How long the SQLite change log keeps a row: far past [`FEED_GRACE`], so a process that
/// missed rows was not current meanwhile, and flushes.
const SQLITE_LOG_KEPT: Duration = Duration::from_secs(60);

/// Rows read from the SQLite change log per query.
const SQLITE_BATCH: i64 = 1000;

/// Runs the PostgreSQL feed for `cache` on `pool` until the pool is closed: two tasks, one
/// listening and one sending heartbeats.
pub(crate) fn spawn_postgres(pool: PgPool, cache: Arc<SessionCache>) {
    // A channel of this process's own for its heartbeats: others do not hear them.
    let heartbeat = format!("authrs_live_{}", uuid::Uuid::new_v4().simple());
    tokio::spawn(send_heartbeats(pool.clone(), heartbeat.clone()));
    tokio::spawn(listen(pool, cache, heartbeat));
}

/// Notifies `channel` every [`FEED_HEARTBEAT`], on a connection of its own (a pool busy with
/// requests must not delay the heartbeat, or the cache would stop serving just when it helps
/// most). A heartbeat commits after every change committed before it, and PostgreSQL delivers
/// notifications in commit order, so hearing it means every earlier change was heard. A
/// standby takes no `NOTIFY`: connected to one, the cache stops serving.
async fn send_heartbeats(pool: PgPool, channel: String) {
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
        let sent = tokio::time::timeout(
            FEED_GRACE,
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(&channel)
                .execute(&mut *open),
        )
        .await;
        if !matches!(sent, Ok(Ok(_))) {
            // In an unknown state: a new connection next time.
            connection = None;
        }
    }
}

async fn listen(pool: PgPool, cache: Arc<SessionCache>, heartbeat: String) {
    // Logged once per outage, not once per attempt.
    let mut failing = false;
    loop {
        if pool.is_closed() {
            return;
        }
        match listen_once(&pool, &cache, &heartbeat, &mut failing).await {
            Ok(()) => {}
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(
                    %error,
                    "session cache feed: listening failed; the cache serves nothing until it \
                     is back"
                );
            }
            Err(_) => {}
        }
        cache.feed_lost();
        tokio::time::sleep(RECONNECT_PAUSE).await;
    }
}

/// Listens until the connection is lost (`Ok`) or fails (`Err`).
async fn listen_once(
    pool: &PgPool,
    cache: &SessionCache,
    heartbeat: &str,
    failing: &mut bool,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANGES_CHANNEL, heartbeat]).await?;
    if std::mem::take(failing) {
        tracing::info!("session cache feed: listening again");
    }
    while let Some(notification) = listener.try_recv().await? {
        if notification.channel() == heartbeat {
            // The first heartbeat after a gap flushes what the gap may have hidden.
            cache.live_for(FEED_GRACE);
            continue;
        }
        apply(cache, notification.payload());
    }
    Ok(())
}

/// Drops what a change record names: `s` and a token hash, or `u` and a user id.
fn apply(cache: &SessionCache, change: &str) {
    match change.split_at_checked(1) {
        Some(("s", token_hash)) => cache.invalidate_session(token_hash),
        Some(("u", user_id)) => cache.invalidate_user(user_id),
        // Not ours to read: drop everything rather than guess.
        _ => cache.flush(),
    }
}

/// Runs the SQLite feed for `cache` on `pool` until the pool is closed: one task that reads
/// the change log every [`FEED_HEARTBEAT`] and prunes it now and then.
pub(crate) fn spawn_sqlite(pool: SqlitePool, cache: Arc<SessionCache>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(FEED_HEARTBEAT);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_seen = None;
        let mut reads: u32 = 0;
        // A connection of its own: a pool busy with writes must not hold up the feed.
        let mut connection: Option<SqliteConnection> = None;
        // Logged once per outage, not once per attempt.
        let mut failing = false;
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
                connection = SqliteConnection::connect_with(&options).await.ok();
            }
            let Some(open) = connection.as_mut() else {
                cache.feed_lost();
                continue;
            };
            let read = tokio::time::timeout(
                FEED_GRACE,
                read_sqlite_log(&mut *open, &cache, &mut last_seen),
            )
            .await
            .unwrap_or_else(|_| {
                Err(sqlx::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the change log read took longer than the feed's grace",
                )))
            });
            match read {
                Ok(()) => {
                    if std::mem::take(&mut failing) {
                        tracing::info!("session cache feed: reading the change log again");
                    }
                    cache.live_for(FEED_GRACE);
                }
                Err(error) => {
                    connection = None;
                    if !failing {
                        failing = true;
                        tracing::warn!(
                            %error,
                            "session cache feed: reading the change log failed; the cache \
                             serves nothing until it is back"
                        );
                    }
                    cache.feed_lost();
                }
            }
            reads = reads.wrapping_add(1);
            if reads.is_multiple_of(40) {
                // Best effort, every 10 s: a busy file waits for the next round.
                if let Some(open) = connection.as_mut() {
                    let _ = sqlx::query(
                        "DELETE FROM _authrs_changes \
                         WHERE at < CAST(unixepoch('subsec') * 1000 AS INTEGER) - ?1",
                    )
                    .bind(SQLITE_LOG_KEPT.as_millis() as i64)
                    .execute(&mut *open)
                    .await;
                }
            }
        }
    });
}

/// Applies the log's rows past `last_seen` (from the newest row when `None`: this process's
/// cache starts empty). SQLite has one writer at a time, so rows become visible in the order
/// of their `seq`.
async fn read_sqlite_log(
    connection: &mut SqliteConnection,
    cache: &SessionCache,
    last_seen: &mut Option<i64>,
) -> Result<(), sqlx::Error> {
    let Some(mut since) = *last_seen else {
        let newest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM _authrs_changes")
            .fetch_one(&mut *connection)
            .await?;
        *last_seen = Some(newest);
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
        *last_seen = Some(since);
        if (rows.len() as i64) < SQLITE_BATCH {
            return Ok(());
        }
    }
}
