//! Failover: a primary that becomes read-only has its connections dropped and replaced, and a
//! server that is read-only gets no connections, against a PostgreSQL server of this test's
//! own (`authrs_test_support::postgres::OwnServer`), demoted by `default_transaction_read_only`.

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
    let first = backend_pid(&database).await;

    // 1. The primary is demoted while the pool's connection stays open (a failover that
    // keeps the old primary up as a standby): the write is refused, and answers "not now".
    admin(
        &url,
        &[
            "ALTER SYSTEM SET default_transaction_read_only = on",
            "SELECT pg_reload_conf()",
        ],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = adapter.create_user(NewUser::default()).await;
    assert!(is_unavailable(&refused), "{refused:?}");
    // The connection is dropped when next handed out, and a new one to a server that is
    // still read-only is refused: the call fails once the acquire timeout has passed.
    let waited = adapter.get_user("nobody").await;
    assert!(is_unavailable(&waited), "{waited:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while backend_is_open(&url, first).await {
        assert!(
            Instant::now() < deadline,
            "the connection to the demoted primary is still open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // 2. A writable primary again (here the same server, promoted back): service resumes on
    // a new connection, without a restart.
    admin(
        &url,
        &[
            "ALTER SYSTEM RESET default_transaction_read_only",
            "SELECT pg_reload_conf()",
        ],
    )
    .await;
    adapter.create_user(NewUser::default()).await.unwrap();
    assert_ne!(backend_pid(&database).await, first);

    // 3. The server restarted read-only: every connection is refused, reads too, until it
    // takes writes again.
    server.restart(&["default_transaction_read_only=on"]);
    let refused = adapter.get_user("nobody").await;
    assert!(is_unavailable(&refused), "{refused:?}");
    server.restart(&[]);
    adapter.create_user(NewUser::default()).await.unwrap();
    database.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn start_up_against_a_read_only_server_is_refused_as_transient() {
    let server = OwnServer::start();
    let url = server.url(
        "postgres",
        "127.0.0.1",
        "options=-c%20default_transaction_read_only%3Don",
    );
    let error =
        Database::connect_with(&DatabaseUrl::parse(&url).unwrap(), &PostgresPool::default())
            .await
            .unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert!(error.to_string().contains("read-only"), "{error}");
}
