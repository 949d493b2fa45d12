//! [`SqliteAdapter`] against real SQLite files: the adapter conformance suite (a fresh file per
//! test, under Cargo's scratch directory), concurrent migration, and the connection settings
//! and errors the crate promises.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use authrs_core::adapter::{Adapter, AdapterError, AdapterSession, NewUser};
use authrs_sqlx::{Error, SqliteAdapter};
use sqlx::sqlite::SqlitePoolOptions;

/// A path for a database file that does not exist yet, under Cargo's scratch directory for
/// integration tests. The first call in a test run also removes files there more than an hour
/// old, so the directory does not grow run after run.
fn fresh_path() -> PathBuf {
    static SWEPT: AtomicBool = AtomicBool::new(false);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("authrs-sqlx");
    std::fs::create_dir_all(&dir).expect("create the test database directory");
    if !SWEPT.swap(true, Ordering::SeqCst) {
        let entries = std::fs::read_dir(&dir).expect("list the test database directory");
        for entry in entries.flatten() {
            let age = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok());
            if age.is_some_and(|age| age > Duration::from_secs(3600)) {
                // Best effort: a file that cannot go now goes on a later run.
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    dir.join(format!("{}.db", uuid::Uuid::new_v4()))
}

fn url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

async fn fresh_adapter() -> SqliteAdapter {
    SqliteAdapter::connect(&url(&fresh_path()))
        .await
        .expect("open a fresh SQLite database")
}

authrs_test_support::adapter_conformance_tests!(async {
    let adapter: Arc<dyn Adapter> = Arc::new(fresh_adapter().await);
    adapter
});

/// The same suite with the read of database sessions on the pool instead of the dedicated
/// connections.
mod pooled_session_reads {
    use super::*;

    authrs_test_support::adapter_conformance_tests!(async {
        let adapter: Arc<dyn Adapter> = Arc::new(fresh_adapter().await.with_session_readers(0));
        adapter
    });
}

async fn applied_migrations(adapter: &SqliteAdapter) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM _authrs_migrations ORDER BY version")
        .fetch_all(adapter.pool())
        .await
        .expect("read _authrs_migrations")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_pools_migrate_one_fresh_file_at_once() {
    for round in 0..10 {
        let url = url(&fresh_path());
        let (first, second) =
            tokio::join!(SqliteAdapter::connect(&url), SqliteAdapter::connect(&url));
        let first = first.unwrap_or_else(|e| panic!("round {round}: first pool: {e}"));
        let second = second.unwrap_or_else(|e| panic!("round {round}: second pool: {e}"));
        assert_eq!(
            applied_migrations(&first).await,
            vec![1, 2, 3, 4, 5, 6],
            "round {round}"
        );

        let ada = first
            .create_user(NewUser {
                email: Some("ada@example.com".to_owned()),
                ..NewUser::default()
            })
            .await
            .unwrap();
        assert_eq!(second.get_user(&ada.id).await.unwrap(), Some(ada));
    }
}

#[tokio::test]
async fn reopening_keeps_the_data_and_applies_nothing_twice() {
    let url = url(&fresh_path());
    let first = SqliteAdapter::connect(&url).await.unwrap();
    let ada = first.create_user(NewUser::default()).await.unwrap();
    first.pool().close().await;

    let again = SqliteAdapter::connect(&url).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.get_user(&ada.id).await.unwrap(), Some(ada));
    assert_eq!(applied_migrations(&again).await, vec![1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn runs_on_a_newer_schema_until_a_contraction_it_predates() {
    let url = url(&fresh_path());
    let adapter = SqliteAdapter::connect(&url).await.unwrap();
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    // A newer release's expansion (as a rollback meets it): this version still runs on it.
    sqlx::query(
        "INSERT INTO _authrs_migrations (version, description, compatible_from) \
         VALUES (7, 'a newer expansion', 6)",
    )
    .execute(adapter.pool())
    .await
    .unwrap();
    let older = SqliteAdapter::connect(&url).await.unwrap();
    assert_eq!(older.get_user(&ada.id).await.unwrap(), Some(ada));
    // A later contraction needs code that knows it.
    sqlx::query(
        "INSERT INTO _authrs_migrations (version, description, compatible_from) \
         VALUES (8, 'a newer contraction', 8)",
    )
    .execute(adapter.pool())
    .await
    .unwrap();
    match SqliteAdapter::connect(&url).await {
        Err(Error::SchemaTooNew { found: 8, known: 6 }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn refuses_a_schema_newer_than_it_knows() {
    let url = url(&fresh_path());
    let adapter = SqliteAdapter::connect(&url).await.unwrap();
    sqlx::query("INSERT INTO _authrs_migrations (version, description) VALUES (999, 'future')")
        .execute(adapter.pool())
        .await
        .unwrap();
    match SqliteAdapter::connect(&url).await {
        Err(Error::SchemaTooNew {
            found: 999,
            known: 6,
        }) => {}
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn connections_use_wal_a_busy_timeout_and_foreign_keys() {
    let adapter = fresh_adapter().await;
    let mut conn = adapter.pool().acquire().await.unwrap();
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let busy_timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let foreign_keys: bool = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(journal_mode, "wal");
    assert!(busy_timeout >= 5_000, "busy_timeout is {busy_timeout} ms");
    assert!(foreign_keys);
}

#[tokio::test]
async fn refuses_a_pool_without_foreign_keys() {
    let options = SqliteAdapter::connect_options(&url(&fresh_path()))
        .unwrap()
        .foreign_keys(false);
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .unwrap();
    assert!(matches!(
        SqliteAdapter::from_pool(pool).await,
        Err(Error::ForeignKeysOff)
    ));
}

#[tokio::test]
async fn a_bad_url_is_invalid_url() {
    assert!(matches!(
        SqliteAdapter::connect("sqlite://x.db?mode=sideways").await,
        Err(Error::InvalidUrl(_))
    ));
}

#[tokio::test]
async fn in_memory_database_works_across_pool_connections() {
    let adapter = SqliteAdapter::connect("sqlite::memory:").await.unwrap();
    let ada = adapter.create_user(NewUser::default()).await.unwrap();
    // Hold one connection so the next call runs on another.
    let _held = adapter.pool().acquire().await.unwrap();
    assert_eq!(adapter.get_user(&ada.id).await.unwrap(), Some(ada));
}

#[tokio::test]
async fn a_write_lock_held_past_the_busy_timeout_is_unavailable() {
    let path = fresh_path();
    fresh_adapter_at(&path).await;
    let options = SqliteAdapter::connect_options(&url(&path))
        .unwrap()
        .busy_timeout(Duration::from_millis(50));
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .unwrap();
    let adapter = SqliteAdapter::from_pool(pool).await.unwrap();

    // Another connection takes the write lock and keeps it.
    let other = SqliteAdapter::connect(&url(&path)).await.unwrap();
    let mut holder = other.pool().acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *holder)
        .await
        .unwrap();

    match adapter.create_user(NewUser::default()).await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    adapter.create_user(NewUser::default()).await.unwrap();
}

async fn fresh_adapter_at(path: &std::path::Path) -> SqliteAdapter {
    SqliteAdapter::connect(&url(path)).await.unwrap()
}

/// An adapter whose pool has exactly one connection, open from the start, and gives up waiting
/// for it after 200 ms.
async fn one_connection_adapter(path: &std::path::Path) -> SqliteAdapter {
    let options = SqliteAdapter::connect_options(&url(path)).unwrap();
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_millis(200))
        .connect_with(options)
        .await
        .unwrap();
    SqliteAdapter::from_pool(pool).await.unwrap()
}

#[tokio::test]
async fn waiting_past_the_pool_timeout_is_unavailable() {
    let adapter = one_connection_adapter(&fresh_path()).await;
    let _busy = adapter.pool().acquire().await.unwrap();
    match adapter.get_user("anyone").await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn database_session_flow_end_to_end() {
    authrs_test_support::session_flow::check_database_session_flow(Arc::new(fresh_adapter().await))
        .await;
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

/// A user with one session that expires in an hour; returns the session token.
async fn user_with_session(adapter: &SqliteAdapter) -> String {
    let user = adapter.create_user(NewUser::default()).await.unwrap();
    let token = uuid::Uuid::new_v4().to_string();
    let now = authrs_core::clock::Clock::now_millis(&authrs_core::clock::SystemClock);
    let expires = authrs_core::adapter::Timestamp::from_millis(now + 3_600_000);
    adapter
        .create_session(AdapterSession {
            session_token: token.clone(),
            user_id: user.id,
            expires,
        })
        .await
        .unwrap();
    token
}

#[tokio::test]
async fn session_reads_do_not_wait_for_the_pool() {
    let adapter = one_connection_adapter(&fresh_path()).await;
    let token = user_with_session(&adapter).await;
    let _busy = adapter.pool().acquire().await.unwrap();
    assert!(
        adapter
            .get_session_and_user(&token)
            .await
            .unwrap()
            .is_some()
    );
    // Without dedicated readers the same read waits for the pool and times out.
    let pooled = adapter.clone().with_session_readers(0);
    match pooled.get_session_and_user(&token).await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_session_reads_share_the_readers() {
    let adapter = fresh_adapter().await.with_session_readers(2);
    let token = user_with_session(&adapter).await;
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let (adapter, token) = (adapter.clone(), token.clone());
        reads.spawn(async move { adapter.get_session_and_user(&token).await });
    }
    while let Some(read) = reads.join_next().await {
        assert_eq!(read.unwrap().unwrap().unwrap().0.session_token, token);
    }
}

#[tokio::test]
async fn session_reads_after_closing_the_pool_are_unavailable() {
    let adapter = fresh_adapter().await;
    let token = user_with_session(&adapter).await;
    assert!(
        adapter
            .get_session_and_user(&token)
            .await
            .unwrap()
            .is_some()
    );
    adapter.pool().close().await;
    match adapter.get_session_and_user(&token).await {
        Err(AdapterError::Unavailable(_)) => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn session_reads_fall_back_to_the_pool_when_a_reader_cannot_open() {
    let path = fresh_path();
    // One pooled connection, open from the start: it keeps the moved file open, where a new
    // connection (pooled or reader) would find no file.
    let adapter = one_connection_adapter(&path).await;
    let token = user_with_session(&adapter).await;
    let moved = path.with_extension("moved");
    std::fs::rename(&path, &moved).unwrap();
    let read = adapter.get_session_and_user(&token).await.unwrap();
    assert_eq!(read.unwrap().0.session_token, token);
    assert_eq!(
        adapter.get_session_and_user("no-such-token").await,
        Ok(None)
    );
    std::fs::rename(&moved, &path).unwrap();
}

#[tokio::test]
async fn database_opens_a_url_lists_and_counts_users_then_closes() {
    let path = fresh_path();
    let url = authrs_sqlx::DatabaseUrl::sqlite_file(&path);
    let database = authrs_sqlx::Database::connect(&url).await.unwrap();
    assert_eq!(database.kind(), authrs_sqlx::DatabaseKind::Sqlite);
    assert!(database.shared_limit_store().is_none());
    assert!(database.has_no_users().await.unwrap());
    let adapter = database.adapter();
    for (email, name) in [("b@example.com", "Bee"), ("a@example.com", "Ada")] {
        adapter
            .create_user(NewUser {
                email: Some(email.into()),
                name: Some(name.into()),
                ..NewUser::default()
            })
            .await
            .unwrap();
    }
    assert!(!database.has_no_users().await.unwrap());
    let emails: Vec<Option<String>> = database
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|user| user.email)
        .collect();
    assert_eq!(
        emails,
        [Some("a@example.com".into()), Some("b@example.com".into())]
    );
    database.close().await;
    assert!(matches!(
        database.has_no_users().await,
        Err(AdapterError::Unavailable(_))
    ));
}
