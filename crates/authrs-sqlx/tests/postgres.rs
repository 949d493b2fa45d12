//! [`PostgresAdapter`] against a real PostgreSQL server: the adapter conformance suite (a fresh
//! database per test), concurrent migration, and how times and errors reach the database.
//!
//! The server comes from `AUTHRS_TEST_POSTGRES_URL`, an account that may `CREATE DATABASE`
//! (`scripts/test` starts a throwaway server and sets it). Each test creates its own
//! `authrs_test_<time>_<random>` database there; a later run drops those over an hour old.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use authrs_core::adapter::{Adapter, AdapterError, AdapterSession, NewUser, Timestamp};
use authrs_sqlx::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use authrs_sqlx::sqlx::{self, ConnectOptions};
use authrs_sqlx::{Error, PostgresAdapter};

const URL_VARIABLE: &str = "AUTHRS_TEST_POSTGRES_URL";

/// The admin connection's options. Fails, never skips, when no server is configured.
fn admin_options() -> PgConnectOptions {
    let url = std::env::var(URL_VARIABLE).unwrap_or_else(|_| {
        panic!(
            "{URL_VARIABLE} is not set, so the PostgreSQL tests have no server. Run \
             `bash scripts/test`, which starts a throwaway PostgreSQL and sets it, or set it to \
             a server where this account may CREATE DATABASE, e.g. \
             postgres://postgres@127.0.0.1:5432/postgres"
        )
    });
    PgConnectOptions::from_str(&url).unwrap_or_else(|e| panic!("{URL_VARIABLE}={url:?}: {e}"))
}

/// Connection options for a new, empty database of this test's own, named
/// `authrs_test_<server's Unix time>_<random>`. The first call in a test run also drops test
/// databases more than an hour old, so a long-lived server does not collect them.
async fn fresh_database() -> PgConnectOptions {
    static REAPED: AtomicBool = AtomicBool::new(false);
    let admin = admin_options();
    let mut conn = admin.connect().await.unwrap_or_else(|e| {
        panic!("cannot reach the PostgreSQL server named by {URL_VARIABLE}: {e}")
    });
    if !REAPED.swap(true, Ordering::SeqCst) {
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database \
             WHERE datname ~ '^authrs_test_[0-9]+_[0-9a-f]+$' \
               AND split_part(datname, '_', 3)::bigint < extract(epoch FROM now()) - 3600",
        )
        .fetch_all(&mut conn)
        .await
        .expect("list stale test databases");
        for name in stale {
            // Best effort: one still in use stays until a later run.
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut conn)
                .await;
        }
    }
    let now: i64 = sqlx::query_scalar("SELECT extract(epoch FROM now())::bigint")
        .fetch_one(&mut conn)
        .await
        .expect("read the server's clock");
    let name = format!("authrs_test_{now}_{}", uuid::Uuid::new_v4().simple());
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    admin.database(&name)
}

async fn fresh_adapter() -> PostgresAdapter {
    let pool = PgPoolOptions::new()
        .max_connections(5)
        .connect_with(fresh_database().await)
        .await
        .expect("connect to the fresh database");
    PostgresAdapter::from_pool(pool)
        .await
        .expect("migrate the fresh database")
}

authrs_test_support::adapter_conformance_tests!(async {
    let adapter: Arc<dyn Adapter> = Arc::new(fresh_adapter().await);
    adapter
});

#[tokio::test]
async fn database_session_flow_end_to_end() {
    authrs_test_support::session_flow::check_database_session_flow(Arc::new(fresh_adapter().await))
        .await;
}

async fn applied_migrations(adapter: &PostgresAdapter) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM _authrs_migrations ORDER BY version")
        .fetch_all(adapter.pool())
        .await
        .expect("read _authrs_migrations")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_migrate_one_fresh_database_at_once() {
    for round in 0..5 {
        let options = fresh_database().await;
        let url = options.to_url_lossy().to_string();
        let (first, second) = tokio::join!(
            PostgresAdapter::connect(&url),
            PostgresAdapter::connect(&url)
        );
        let first = first.unwrap_or_else(|e| panic!("round {round}: first instance: {e}"));
        let second = second.unwrap_or_else(|e| panic!("round {round}: second instance: {e}"));
        assert_eq!(applied_migrations(&first).await, vec![1], "round {round}");

        let ada = first.create_user(NewUser::default()).await.unwrap();
        assert_eq!(second.get_user(&ada.id).await.unwrap(), Some(ada));
        first.pool().close().await;
        second.pool().close().await;
    }
}

#[tokio::test]
async fn reconnecting_keeps_the_data_and_applies_nothing_twice() {
    let url = fresh_database().await.to_url_lossy().to_string();
    let first = PostgresAdapter::connect(&url).await.unwrap();
    let ada = first.create_user(NewUser::default()).await.unwrap();
    first.pool().close().await;

    let again = PostgresAdapter::connect(&url).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.get_user(&ada.id).await.unwrap(), Some(ada));
    assert_eq!(applied_migrations(&again).await, vec![1]);
}

#[tokio::test]
async fn refuses_a_schema_newer_than_it_knows() {
    let url = fresh_database().await.to_url_lossy().to_string();
    let adapter = PostgresAdapter::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO _authrs_migrations (version, description) VALUES (999, 'future')")
        .execute(adapter.pool())
        .await
        .unwrap();
    match PostgresAdapter::connect(&url).await {
        Err(Error::SchemaTooNew {
            found: 999,
            known: 1,
        }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

/// The binary `timestamptz` encoding agrees with PostgreSQL's own reading of the value, not
/// only with itself: 1 800 000 000 123 ms is 2027-01-15 08:00:00.123 UTC.
#[tokio::test]
async fn times_are_stored_as_the_timestamptz_postgresql_reads() {
    let adapter = fresh_adapter().await;
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    adapter
        .create_session(AdapterSession {
            session_token: "hash-1".to_owned(),
            user_id: ada.id.clone(),
            expires: Timestamp::from_millis(1_800_000_000_123),
        })
        .await
        .unwrap();
    let (text, millis): (String, i64) = sqlx::query_as(
        "SELECT to_char(expires AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), \
                (extract(epoch FROM expires) * 1000)::bigint \
         FROM sessions",
    )
    .fetch_one(adapter.pool())
    .await
    .unwrap();
    assert_eq!(text, "2027-01-15 08:00:00.123");
    assert_eq!(millis, 1_800_000_000_123);

    // And a value PostgreSQL wrote is read back to the millisecond.
    sqlx::query(
        "UPDATE users SET sessions_valid_after = timestamptz '2030-06-01 12:34:56.789+00' \
         WHERE id = $1",
    )
    .bind(&ada.id)
    .execute(adapter.pool())
    .await
    .unwrap();
    assert_eq!(
        adapter.get_sessions_valid_after(&ada.id).await,
        Ok(Some(Timestamp::from_millis(1_906_547_696_789)))
    );
}

#[tokio::test]
async fn a_closed_pool_is_unavailable() {
    let adapter = fresh_adapter().await;
    adapter.pool().close().await;
    match adapter.get_user("anyone").await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_connection_the_server_cut_is_unavailable() {
    // One connection, handed out without a liveness check, so the call below meets the cut.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect_with(fresh_database().await)
        .await
        .unwrap();
    let adapter = PostgresAdapter::from_pool(pool).await.unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(adapter.pool())
        .await
        .unwrap();
    // As on a server restart; the second argument waits until the backend has gone.
    let mut admin = admin_options().connect().await.unwrap();
    let terminated: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1, 10000)")
        .bind(pid)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert!(terminated);
    match adapter.get_user("anyone").await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_at_startup_is_a_connect_error() {
    // A port that was free a moment ago: nothing listens there. sqlx retries a refused
    // connection until the pool's acquire timeout (a server may be starting), so keep it short.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = admin_options().host("127.0.0.1").port(port);
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy_with(options);
    match PostgresAdapter::from_pool(pool).await {
        Err(Error::Connect(_)) => {}
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn waiting_past_the_pool_timeout_is_unavailable() {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_millis(200))
        .connect_with(fresh_database().await)
        .await
        .unwrap();
    let adapter = PostgresAdapter::from_pool(pool).await.unwrap();
    let _busy = adapter.pool().acquire().await.unwrap();
    match adapter.get_user("anyone").await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_url_is_invalid_url() {
    assert!(matches!(
        PostgresAdapter::connect("postgres://host:notaport/db").await,
        Err(Error::InvalidUrl(_))
    ));
}
