//! [`PostgresAdapter`] against a real PostgreSQL server: the adapter conformance suite (a fresh
//! database per test), concurrent migration, and how times and errors reach the database; and
//! [`PostgresLimitStore`]: the rate-limit store conformance suite, limits shared between
//! instances, and the sweep of expired counters.
//!
//! The server comes from `AUTHRS_TEST_POSTGRES_URL`, an account that may `CREATE DATABASE`
//! (`scripts/test` starts a throwaway server and sets it). Each test creates its own
//! `authrs_test_<time>_<random>` database there (`authrs_test_support::postgres`); a later run
//! drops those over an hour old.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, AdapterError, AdapterSession, NewUser, Timestamp};
use authrs_core::ratelimit::{LimitKey, LimitStore, RateLimit, Refused};
use authrs_sqlx::{Error, PostgresAdapter, PostgresLimitStore};
use authrs_test_support::postgres::{admin_options, fresh_database};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

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
        assert_eq!(
            applied_migrations(&first).await,
            vec![1, 2, 3, 4, 5, 6, 7],
            "round {round}"
        );

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
    assert_eq!(applied_migrations(&again).await, vec![1, 2, 3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn runs_on_a_newer_schema_until_a_contraction_it_predates() {
    let url = fresh_database().await.to_url_lossy().to_string();
    let adapter = PostgresAdapter::connect(&url).await.unwrap();
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    // A newer release's expansion (as a rollback meets it): this version still runs on it.
    sqlx::query(
        "INSERT INTO _authrs_migrations (version, description, compatible_from) \
         VALUES (8, 'a newer expansion', 7)",
    )
    .execute(adapter.pool())
    .await
    .unwrap();
    let older = PostgresAdapter::connect(&url).await.unwrap();
    assert_eq!(older.get_user(&ada.id).await.unwrap(), Some(ada));
    // A later contraction needs code that knows it.
    sqlx::query(
        "INSERT INTO _authrs_migrations (version, description, compatible_from) \
         VALUES (9, 'a newer contraction', 9)",
    )
    .execute(adapter.pool())
    .await
    .unwrap();
    match PostgresAdapter::connect(&url).await {
        Err(Error::SchemaTooNew { found: 9, known: 7 }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
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
            known: 7,
        }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn a_database_at_version_1_is_upgraded_to_the_rate_limits_table() {
    let url = fresh_database().await.to_url_lossy().to_string();
    let adapter = PostgresAdapter::connect(&url).await.unwrap();
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    // Back to what version 1 left: no rate_limits table or announcements, version 1 recorded.
    sqlx::raw_sql(
        "DROP TABLE authenticators; \
         DROP TABLE recovery_codes; \
         DROP TABLE two_factor; \
         DROP TABLE audit_events; \
         DROP TABLE rate_limits; \
         DROP TRIGGER authrs_session_updated ON sessions; \
         DROP TRIGGER authrs_session_deleted ON sessions; \
         DROP TRIGGER authrs_user_changed ON users; \
         DROP TRIGGER authrs_sessions_truncated ON sessions; \
         DROP TRIGGER authrs_users_truncated ON users; \
         DROP FUNCTION authrs_announce_session_change(); \
         DROP FUNCTION authrs_announce_user_change(); \
         DROP FUNCTION authrs_announce_truncate(); \
         ALTER TABLE sessions DROP COLUMN created_at, DROP COLUMN user_agent, \
             DROP COLUMN client_network; \
         DELETE FROM _authrs_migrations WHERE version >= 2",
    )
    .execute(adapter.pool())
    .await
    .unwrap();
    adapter.pool().close().await;

    let upgraded = PostgresAdapter::connect(&url).await.unwrap();
    assert_eq!(
        applied_migrations(&upgraded).await,
        vec![1, 2, 3, 4, 5, 6, 7]
    );
    assert_eq!(upgraded.get_user(&ada.id).await.unwrap(), Some(ada));
    let store = PostgresLimitStore::from_adapter(&upgraded);
    let key = LimitKey::new("test", "a");
    let limit = RateLimit::new(1, Duration::from_secs(60));
    let now = Timestamp::from_millis(1_800_000_000_123);
    assert_eq!(store.hit(&key, limit, now).await, Ok(Ok(())));
    assert!(store.hit(&key, limit, now).await.unwrap().is_err());
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

authrs_test_support::limit_store_conformance_tests!(async {
    let store: Arc<dyn LimitStore> =
        Arc::new(PostgresLimitStore::from_adapter(&fresh_adapter().await));
    store
});

/// A pool of its own on the database of `options`, as a second server instance has.
async fn instance_pool(options: &PgConnectOptions) -> sqlx::PgPool {
    PgPoolOptions::new()
        .max_connections(5)
        .connect_with(options.clone())
        .await
        .expect("connect an instance to the shared database")
}

const LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);
const LIMIT_T0: u64 = 1_800_000_000_123;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_budget() {
    let options = fresh_database().await;
    let first_pool = instance_pool(&options).await;
    let second_pool = instance_pool(&options).await;
    PostgresAdapter::from_pool(first_pool.clone())
        .await
        .expect("migrate the shared database");
    let instances = [
        PostgresLimitStore::new(first_pool),
        PostgresLimitStore::new(second_pool),
    ];
    let key = LimitKey::new("signin-client", "192.0.2.7");
    let limit = RateLimit::new(5, LIMIT_WINDOW);
    for attempt in 0..5u64 {
        let instance = &instances[(attempt % 2) as usize];
        let now = Timestamp::from_millis(LIMIT_T0 + attempt * 1_000);
        assert_eq!(
            instance.hit(&key, limit, now).await.unwrap(),
            Ok(()),
            "hit {} of 5 (on instance {})",
            attempt + 1,
            attempt % 2 + 1
        );
    }
    // The 6th hit in total is refused on either instance, with the same wait: the oldest
    // event (at LIMIT_T0, counted by the first) leaves the window 15 minutes after it.
    let now = Timestamp::from_millis(LIMIT_T0 + 5 * 1_000);
    for (index, instance) in instances.iter().enumerate() {
        assert_eq!(
            instance.hit(&key, limit, now).await.unwrap(),
            Err(Refused {
                retry_after_secs: 15 * 60 - 5
            }),
            "the 6th hit, on instance {}",
            index + 1
        );
        assert_eq!(instance.count(&key, LIMIT_WINDOW, now).await.unwrap(), 5);
    }
    // What one instance takes back, the other may use.
    instances[0].undo(&key).await.unwrap();
    assert_eq!(instances[1].hit(&key, limit, now).await.unwrap(), Ok(()));
    assert!(instances[0].hit(&key, limit, now).await.unwrap().is_err());
}

/// The rows of `rate_limits`, as `(key, events, expires)`, by key.
async fn limit_rows(pool: &sqlx::PgPool) -> Vec<(Vec<u8>, Vec<i64>, i64)> {
    sqlx::query_as("SELECT key, events, expires FROM rate_limits ORDER BY key")
        .fetch_all(pool)
        .await
        .expect("read rate_limits")
}

#[tokio::test]
async fn limits_are_stored_as_digests_and_at_most_max_events() {
    let adapter = fresh_adapter().await;
    let store = PostgresLimitStore::from_adapter(&adapter);
    let key = LimitKey::new("mail-address", "ada@example.com");
    let limit = RateLimit::new(3, LIMIT_WINDOW);
    let minute = 60_000;
    for offset in [0, minute, 2 * minute, 3 * minute] {
        let _ = store
            .hit(&key, limit, Timestamp::from_millis(LIMIT_T0 + offset))
            .await
            .unwrap();
    }
    // Past the first window: the first three left it, and only the new one is kept.
    let later = LIMIT_T0 + 20 * minute;
    store
        .hit(&key, limit, Timestamp::from_millis(later))
        .await
        .unwrap()
        .unwrap();
    let rows = limit_rows(adapter.pool()).await;
    assert_eq!(rows.len(), 1);
    let (stored_key, events, expires) = &rows[0];
    assert_eq!(
        stored_key.as_slice(),
        key.as_bytes(),
        "the key is the 32-byte digest"
    );
    assert_eq!(events, &vec![later as i64]);
    assert_eq!(*expires, (later + 15 * minute) as i64);
}

#[tokio::test]
async fn a_zero_limit_writes_no_row() {
    let adapter = fresh_adapter().await;
    let store = PostgresLimitStore::from_adapter(&adapter);
    let key = LimitKey::new("signup-client", "192.0.2.7");
    let refused = store
        .hit(
            &key,
            RateLimit::new(0, LIMIT_WINDOW),
            Timestamp::from_millis(LIMIT_T0),
        )
        .await
        .unwrap();
    assert_eq!(
        refused,
        Err(Refused {
            retry_after_secs: 15 * 60
        })
    );
    assert!(limit_rows(adapter.pool()).await.is_empty());
}

#[tokio::test]
async fn delete_expired_sweeps_counters_past_their_windows_and_keeps_live_ones() {
    let adapter = fresh_adapter().await;
    let store = PostgresLimitStore::from_adapter(&adapter);
    let minute = Duration::from_secs(60);
    let short = RateLimit::new(5, minute);
    let long = RateLimit::new(5, LIMIT_WINDOW);
    let at = |offset_ms: u64| Timestamp::from_millis(LIMIT_T0 + offset_ms);
    let old = LimitKey::new("test", "old");
    let live = LimitKey::new("test", "live");
    let long_lived = LimitKey::new("test", "long-lived");
    let undone = LimitKey::new("test", "undone");
    store.hit(&old, short, at(0)).await.unwrap().unwrap();
    store.hit(&live, short, at(0)).await.unwrap().unwrap();
    store.hit(&live, short, at(30_000)).await.unwrap().unwrap();
    store.hit(&long_lived, long, at(0)).await.unwrap().unwrap();
    // A later event under a shorter window does not cut the longer window short.
    store
        .hit(&long_lived, short, at(1_000))
        .await
        .unwrap()
        .unwrap();
    store.hit(&undone, short, at(0)).await.unwrap().unwrap();
    store.undo(&undone).await.unwrap();

    // At 59.999 s every event is still in its window.
    assert_eq!(store.delete_expired(at(59_999)).await, Ok(0));
    assert_eq!(limit_rows(adapter.pool()).await.len(), 4);

    // At 60 s the events at 0 of the one-minute limit have left it, and the emptied row goes.
    assert_eq!(store.delete_expired(at(60_000)).await, Ok(2));
    let kept: Vec<Vec<u8>> = limit_rows(adapter.pool())
        .await
        .into_iter()
        .map(|(key, _, _)| key)
        .collect();
    let mut expected = vec![live.as_bytes().to_vec(), long_lived.as_bytes().to_vec()];
    expected.sort();
    assert_eq!(kept, expected, "the live counters stay");
    assert_eq!(store.count(&live, minute, at(60_000)).await, Ok(1));
    assert_eq!(
        store.count(&long_lived, LIMIT_WINDOW, at(60_000)).await,
        Ok(2)
    );

    // A counter hit under a longer window than before lives as long as that window.
    store.hit(&live, long, at(60_000)).await.unwrap().unwrap();
    assert_eq!(store.delete_expired(at(14 * 60_000)).await, Ok(0));
    assert_eq!(
        store.delete_expired(at(15 * 60_000)).await,
        Ok(1),
        "long-lived, 15 minutes after its event under the 15-minute limit"
    );
    assert_eq!(store.delete_expired(at(16 * 60_000)).await, Ok(1), "live");
    assert!(limit_rows(adapter.pool()).await.is_empty());
}

#[tokio::test]
async fn a_limit_store_on_a_closed_pool_is_unavailable() {
    let adapter = fresh_adapter().await;
    let store = PostgresLimitStore::from_adapter(&adapter);
    adapter.pool().close().await;
    let key = LimitKey::new("test", "a");
    match store
        .hit(
            &key,
            RateLimit::new(1, LIMIT_WINDOW),
            Timestamp::from_millis(LIMIT_T0),
        )
        .await
    {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn database_opens_a_url_lists_and_counts_users_and_shares_limits() {
    let url = fresh_database().await.to_url_lossy().to_string();
    let url = authrs_sqlx::DatabaseUrl::parse(&url).unwrap();
    assert_eq!(url.kind(), authrs_sqlx::DatabaseKind::Postgres);
    let database = authrs_sqlx::Database::connect(&url).await.unwrap();
    assert!(database.shared_limit_store().is_some());
    assert!(database.has_no_users().await.unwrap());
    database
        .adapter()
        .create_user(NewUser {
            email: Some("a@example.com".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    assert!(!database.has_no_users().await.unwrap());
    let users = database.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].email.as_deref(), Some("a@example.com"));
    database.close().await;
}
