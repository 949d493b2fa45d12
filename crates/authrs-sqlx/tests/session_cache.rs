//! The session cache (`Database::cached_adapter`) on both back ends: a revoked session is not
//! served after the bound, on one instance and across two on one PostgreSQL database, also
//! once the change listener's connection is killed; a hit is never another session's; rolls
//! are written and seen.
//!
//! The PostgreSQL tests create a database of their own on the server named by
//! `AUTHRS_TEST_POSTGRES_URL` and fail, never skip, without it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use authrs_core::adapter::{Adapter, AdapterSession, CachedAdapter, NewUser, Timestamp};
use authrs_sqlx::{Database, DatabaseUrl, PostgresPool};
use authrs_test_support::TempDir;
use authrs_test_support::postgres::{admin_options, fresh_database};
use sqlx::{ConnectOptions, Connection};

/// What the issue allows: a revocation is seen everywhere within one second.
const BOUND: Duration = Duration::from_secs(1);

async fn postgres_url() -> DatabaseUrl {
    DatabaseUrl::parse(fresh_database().await.to_url_lossy().as_ref()).unwrap()
}

async fn instance(url: &DatabaseUrl) -> (Database, CachedAdapter) {
    instance_of(url, 10_000).await
}

async fn instance_of(url: &DatabaseUrl, capacity: usize) -> (Database, CachedAdapter) {
    let database = Database::connect_with(url, &PostgresPool::default())
        .await
        .unwrap();
    let adapter = database.cached_adapter(capacity, Duration::from_secs(60));
    (database, adapter)
}

/// Runs `statement`, with its one parameter if it has one, on a connection of its own (an
/// operator's SQL, or another process).
async fn by_hand(database: &Database, statement: &'static str, bind: Option<&str>) {
    let Database::Postgres(pg) = database else {
        unreachable!()
    };
    let options = pg.pool().connect_options();
    let mut conn = sqlx::PgConnection::connect_with(&options).await.unwrap();
    match bind {
        None => sqlx::raw_sql(statement).execute(&mut conn).await.unwrap(),
        Some(value) => sqlx::query(statement)
            .bind(value)
            .execute(&mut conn)
            .await
            .unwrap(),
    };
}

async fn name_of(adapter: &dyn Adapter, token: &str) -> Option<String> {
    let (_, user) = adapter.get_session_and_user(token).await.unwrap().unwrap();
    user.name
}

async fn until_live(adapter: &CachedAdapter) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !adapter.cache().is_live() {
        assert!(Instant::now() < deadline, "the feed never went live");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn token(n: usize) -> String {
    format!("{n:064x}")
}

async fn new_session(adapter: &dyn Adapter, user_id: &str, n: usize) -> String {
    let session_token = token(n);
    adapter
        .create_session(AdapterSession {
            session_token: session_token.clone(),
            user_id: user_id.to_owned(),
            expires: Timestamp::from_secs(4_000_000_000),
        })
        .await
        .unwrap();
    session_token
}

/// Reads `token` on `adapter` until it is refused, failing past [`BOUND`]; how long that took.
async fn refused_after(adapter: &dyn Adapter, token: &str) -> Duration {
    let started = Instant::now();
    loop {
        if adapter.get_session_and_user(token).await.unwrap().is_none() {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < BOUND,
            "a revoked session was still served after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Reads `token` on `adapter` until the cache answers it (the feed live, the entry filled).
async fn cached(adapter: &CachedAdapter, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(adapter.get_session_and_user(token).await.unwrap().is_some());
        if adapter.cache().serves(token) {
            return;
        }
        assert!(Instant::now() < deadline, "the cache never answered it");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_on_one_postgres_instance_is_refused_on_the_other_within_the_bound() {
    let url = postgres_url().await;
    let (_a_db, a) = instance(&url).await;
    let (b_db, b) = instance(&url).await;
    until_live(&a).await;
    until_live(&b).await;
    let ada = a.create_user(NewUser::default()).await.unwrap();

    // Sign-out on A, 100 times: B, which had the session cached, refuses it within the bound.
    let mut worst = Duration::ZERO;
    for n in 0..100 {
        let token = new_session(&a, &ada.id, n).await;
        cached(&b, &token).await;
        a.delete_session(&token).await.unwrap();
        worst = worst.max(refused_after(&b, &token).await);
    }
    eprintln!("worst of 100 sign-outs on A seen on B: {worst:?}");

    // "Sign out everywhere" on A.
    let token = new_session(&a, &ada.id, 200).await;
    cached(&b, &token).await;
    a.delete_user_sessions(&ada.id).await.unwrap();
    refused_after(&b, &token).await;

    // A change to the user made outside any instance: B shows it within the bound.
    let token = new_session(&a, &ada.id, 201).await;
    cached(&b, &token).await;
    assert_eq!(name_of(&b, &token).await, None);
    by_hand(
        &b_db,
        "UPDATE users SET name = 'Ada' WHERE id = $1",
        Some(&ada.id),
    )
    .await;
    let started = Instant::now();
    while name_of(&b, &token).await.is_none() {
        assert!(started.elapsed() < BOUND, "the new name was not seen");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }

    // A user removed outside any instance (an operator's SQL; `authrs user remove`).
    cached(&b, &token).await;
    by_hand(&b_db, "DELETE FROM users WHERE id = $1", Some(&ada.id)).await;
    refused_after(&b, &token).await;

    // A table truncated by hand: everything goes.
    let bob = a.create_user(NewUser::default()).await.unwrap();
    let token = new_session(&a, &bob.id, 300).await;
    cached(&b, &token).await;
    by_hand(&b_db, "TRUNCATE sessions", None).await;
    refused_after(&b, &token).await;
}

/// Kills B's feed connections whose last statement is like `pattern`, `rounds` times, each
/// right before a sign-out on A that B had cached: B refuses it within the bound every time,
/// and its feed comes back. Each round waits for a connection to kill (a feed replaces one
/// at its next beat).
async fn killed_feed_connections_keep_the_bound(pattern: &str, rounds: usize) {
    let url = postgres_url().await;
    let (_a_db, a) = instance(&url).await;
    let (b_db, b) = instance(&url).await;
    until_live(&b).await;
    let ada = a.create_user(NewUser::default()).await.unwrap();
    let Database::Postgres(pg) = &b_db else {
        unreachable!()
    };
    let database = pg
        .pool()
        .connect_options()
        .get_database()
        .unwrap()
        .to_owned();
    let mut admin = admin_options().connect().await.unwrap();
    for round in 0..rounds {
        let token = new_session(&a, &ada.id, round).await;
        cached(&b, &token).await;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            // As pg_terminate_backend by an operator, or a failover, would.
            let killed: i64 = sqlx::query_scalar(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE datname = $1 AND query LIKE $2 AND pid <> pg_backend_pid()",
            )
            .bind(&database)
            .bind(pattern)
            .fetch_one(&mut admin)
            .await
            .unwrap();
            if killed >= 1 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: no connection like {pattern}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        a.delete_session(&token).await.unwrap();
        refused_after(&b, &token).await;
        until_live(&b).await;
    }
    let token = new_session(&a, &ada.id, 100).await;
    cached(&b, &token).await;
    a.delete_session(&token).await.unwrap();
    refused_after(&b, &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_listener_connection_keeps_the_bound_and_the_feed_comes_back() {
    killed_feed_connections_keep_the_bound("%LISTEN%authrs_changes%", 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_heartbeat_connection_keeps_the_bound() {
    killed_feed_connections_keep_the_bound("%pg_notify%", 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_distinct_sessions_never_gets_another_users_session() {
    let url = postgres_url().await;
    // Fewer places than sessions: entries are evicted and filled all through the storm.
    let (_db, adapter) = instance_of(&url, 64).await;
    until_live(&adapter).await;
    let adapter = Arc::new(adapter);
    let mut expected = Vec::new();
    for n in 0..200 {
        let user = adapter.create_user(NewUser::default()).await.unwrap();
        expected.push((new_session(adapter.as_ref(), &user.id, n).await, user.id));
    }
    let expected = Arc::new(expected);
    let mut tasks = Vec::new();
    for worker in 0..8usize {
        let adapter = Arc::clone(&adapter);
        let expected = Arc::clone(&expected);
        tasks.push(tokio::spawn(async move {
            for i in 0..2_000usize {
                let (token, user_id) = &expected[(i * 7 + worker * 31) % expected.len()];
                let (session, user) = adapter.get_session_and_user(token).await.unwrap().unwrap();
                assert_eq!(&session.session_token, token);
                assert_eq!(&session.user_id, user_id);
                assert_eq!(&user.id, user_id);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(adapter.cache().len(), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roll_is_written_and_the_next_read_sees_it() {
    let url = postgres_url().await;
    let (db, adapter) = instance(&url).await;
    until_live(&adapter).await;
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    let token = new_session(&adapter, &ada.id, 1).await;
    cached(&adapter, &token).await;
    let rolled = Timestamp::from_secs(4_100_000_000);
    adapter
        .update_session_expiry(&token, rolled)
        .await
        .unwrap()
        .unwrap();
    let (session, _) = adapter.get_session_and_user(&token).await.unwrap().unwrap();
    assert_eq!(session.expires, rolled);
    // Written to the database, not only to the cache.
    let Database::Postgres(pg) = &db else {
        unreachable!()
    };
    let stored: i64 = sqlx::query_scalar(
        "SELECT (extract(epoch FROM expires))::bigint FROM sessions WHERE session_token = $1",
    )
    .bind(&token)
    .fetch_one(pg.pool())
    .await
    .unwrap();
    assert_eq!(stored, 4_100_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_change_by_another_process_is_refused_within_the_bound() {
    let dir = TempDir::new("session-cache-sqlite");
    let url = DatabaseUrl::sqlite_file(&dir.join("authrs.db"));
    let server = Database::connect(&url).await.unwrap();
    let cached_adapter = server.cached_adapter(1_000, Duration::from_secs(60));
    until_live(&cached_adapter).await;
    let ada = cached_adapter
        .create_user(NewUser::default())
        .await
        .unwrap();

    // Through the server: at once.
    let token = new_session(&cached_adapter, &ada.id, 1).await;
    cached(&cached_adapter, &token).await;
    cached_adapter.delete_session(&token).await.unwrap();
    assert!(
        cached_adapter
            .get_session_and_user(&token)
            .await
            .unwrap()
            .is_none()
    );

    // Through another process's connections (as `authrs user …` makes them), 20 times.
    let other = Database::connect(&url).await.unwrap().adapter();
    let mut worst = Duration::ZERO;
    for n in 0..20 {
        let token = new_session(&cached_adapter, &ada.id, 100 + n).await;
        cached(&cached_adapter, &token).await;
        other.delete_session(&token).await.unwrap();
        worst = worst.max(refused_after(&cached_adapter, &token).await);
    }
    eprintln!("worst of 20 sign-outs by another process: {worst:?}");
    let token = new_session(&cached_adapter, &ada.id, 200).await;
    cached(&cached_adapter, &token).await;
    other.delete_user(&ada.id).await.unwrap();
    refused_after(&cached_adapter, &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cache_on_a_primary_turned_read_only_stops_serving_until_it_is_writable() {
    // A server of its own: the setting is the whole server's.
    let server = authrs_test_support::postgres::OwnServer::start();
    let url = DatabaseUrl::parse(&server.url("postgres", "127.0.0.1", "")).unwrap();
    let (db, adapter) = instance(&url).await;
    until_live(&adapter).await;
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    let token = new_session(&adapter, &ada.id, 1).await;
    cached(&adapter, &token).await;
    // Fenced, or failed over to another primary that this one no longer hears about: its
    // heartbeats do not count, so the cache stops within the grace.
    by_hand(
        &db,
        "ALTER SYSTEM SET default_transaction_read_only = on",
        None,
    )
    .await;
    by_hand(&db, "SELECT pg_reload_conf()", None).await;
    let started = Instant::now();
    while adapter.cache().is_live() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still serving from a read-only primary"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!adapter.cache().serves(&token));
    // Writable again: it serves again.
    let Database::Postgres(pg) = &db else {
        unreachable!()
    };
    let options = pg.pool().connect_options();
    let mut conn = sqlx::PgConnection::connect_with(&options).await.unwrap();
    for statement in [
        "SET default_transaction_read_only = off",
        "ALTER SYSTEM RESET default_transaction_read_only",
        "SELECT pg_reload_conf()",
    ] {
        sqlx::raw_sql(statement).execute(&mut conn).await.unwrap();
    }
    until_live(&adapter).await;
    cached(&adapter, &token).await;
}
