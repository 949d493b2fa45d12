//! Failover: a primary that becomes read-only has its connections dropped and replaced, and a
//! standby gets no connections until it is promoted, against a PostgreSQL server of this
//! test's own (`authrs_test_support::postgres::OwnServer`), made read-only by
//! `default_transaction_read_only` or restarted as a standby.

use std::time::{Duration, Instant};

use authrs_core::adapter::{AdapterError, NewUser};
use authrs_sqlx::{Database, DatabaseUrl, PostgresPool};
use authrs_test_support::postgres::OwnServer;
use sqlx::{Connection, PgConnection};

/// The backend process serving the pool's one connection.
async fn backend_pid(database: &Database) -> i32 {
    let Database::Postgres(adapter) = database else {
        unreachable!("a PostgreSQL URL")
    };
    sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(adapter.pool())
        .await
        .unwrap()
}

/// Runs `statements` as the admin, on a connection of its own that is not read-only.
async fn admin(url: &str, statements: &[&'static str]) {
    let mut conn = PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql("SET default_transaction_read_only = off")
        .execute(&mut conn)
        .await
        .unwrap();
    for statement in statements {
        sqlx::raw_sql(*statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

async fn backend_is_open(url: &str, pid: i32) -> bool {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let open: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)")
            .bind(pid)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    open
}

fn is_unavailable<T>(result: &Result<T, AdapterError>) -> bool {
    matches!(result, Err(AdapterError::Unavailable(_)))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_primary_that_turns_read_only_has_its_connections_replaced() {
    let server = OwnServer::start();
    let url = server.url("postgres", "127.0.0.1", "");
    let mut pool = PostgresPool::default();
    pool.size = 1;
    let database = Database::connect_with(&DatabaseUrl::parse(&url).unwrap(), &pool)
        .await
        .unwrap();
    let adapter = database.adapter();
    adapter.create_user(NewUser::default()).await.unwrap();
    let first = backend_pid(&database).await;

    // The primary turns read-only while the pool's connection stays open (a managed service
    // fencing a full disk, or a failover that keeps the old primary up): writes are refused,
    // and answer "not now" (503), not 500.
    admin(
        &url,
        &[
            "ALTER SYSTEM SET default_transaction_read_only = on",
            "SELECT pg_reload_conf()",
        ],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        let result = adapter.create_user(NewUser::default()).await;
        if result.is_err() || Instant::now() > deadline {
            break result;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(is_unavailable(&refused), "{refused:?}");
    // The connection that met the refusal is replaced by a new one; reads go on.
    assert!(adapter.get_user("nobody").await.unwrap().is_none());
    assert_ne!(backend_pid(&database).await, first);
    while backend_is_open(&url, first).await {
        assert!(
            Instant::now() < deadline,
            "the connection to the read-only primary is still open"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Writable again: writes resume without a restart.
    admin(
        &url,
        &[
            "ALTER SYSTEM RESET default_transaction_read_only",
            "SELECT pg_reload_conf()",
        ],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while adapter.create_user(NewUser::default()).await.is_err() {
        assert!(Instant::now() < deadline, "writes did not resume");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    database.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_standby_gets_no_connection_until_it_is_promoted() {
    let mut server = OwnServer::start();
    let url = server.url("postgres", "127.0.0.1", "");
    let mut pool = PostgresPool::default();
    pool.size = 1;
    pool.acquire_timeout = Duration::from_secs(2);
    let database = Database::connect_with(&DatabaseUrl::parse(&url).unwrap(), &pool)
        .await
        .unwrap();
    let adapter = database.adapter();
    adapter.create_user(NewUser::default()).await.unwrap();

    // The primary comes back as a standby (as after a failover, before DNS moves on): the
    // connection cut by the restart fails once...
    server.demote();
    let cut = adapter.get_user("nobody").await;
    assert!(is_unavailable(&cut), "{cut:?}");
    // ...and every new one is refused, even for a read, until the acquire timeout.
    let started = Instant::now();
    let refused = adapter.get_user("nobody").await;
    assert!(is_unavailable(&refused), "{refused:?}");
    assert!(
        started.elapsed() >= pool.acquire_timeout,
        "refused after {:?}, before the acquire timeout: not by the standby check",
        started.elapsed()
    );

    // Promoted (or the name now leads to the new primary): served again.
    server.promote();
    let deadline = Instant::now() + Duration::from_secs(10);
    while adapter.create_user(NewUser::default()).await.is_err() {
        assert!(Instant::now() < deadline, "not served after the promotion");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    database.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn start_up_against_a_standby_is_refused_as_transient() {
    let mut server = OwnServer::start();
    server.demote();
    let url = server.url("postgres", "127.0.0.1", "");
    let error =
        Database::connect_with(&DatabaseUrl::parse(&url).unwrap(), &PostgresPool::default())
            .await
            .unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert!(error.to_string().contains("standby"), "{error}");
}
