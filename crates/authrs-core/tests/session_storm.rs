//! Polling storms (next-auth issue #10244): concurrent `/session` reads carrying one cookie
//! share one computation of the session (the callbacks and the database run once).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use authrs_core::Auth;
use authrs_core::callbacks::{CallbackError, Callbacks, JwtArgs};
use authrs_core::jwt::{Claims, TokenCodec, TokenFormat};
use authrs_core::secret::Secret;
use authrs_test_support::concurrency::until_every_other_task_waits;
use authrs_test_support::{EngineClient, TEST_SECRET};

/// A `jwt` callback that counts its runs and, like a slow one (a token refresh, say), is still
/// running when the other reads arrive: each run ends only once every other task waits.
#[derive(Clone, Default)]
struct SlowJwt(Arc<AtomicUsize>);

#[async_trait]
impl Callbacks for SlowJwt {
    async fn jwt(&self, args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        until_every_other_task_waits().await;
        Ok(Some(args.token))
    }
}

// The paused clock lets the callback end only once all 20 reads are in flight.
#[tokio::test(start_paused = true)]
async fn concurrent_reads_of_one_cookie_share_one_computation() {
    let runs = SlowJwt::default();
    let auth = Auth::builder()
        .secret(TEST_SECRET)
        .callbacks(runs.clone())
        .build()
        .unwrap();
    let codec = TokenCodec::new(TokenFormat::V4, &[Secret::new(TEST_SECRET)], "");
    let mut claims: Claims = serde_json::json!({"sub": "ada", "email": "ada@example.com"})
        .as_object()
        .unwrap()
        .clone();
    let now = authrs_core::clock::Clock::now_secs(&authrs_core::clock::SystemClock);
    let token = codec.encode(&mut claims, now, 3600);
    let mut browser = EngineClient::new(auth);
    browser.jar.insert("next-auth.session-token".into(), token);

    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let mut reader = browser.clone();
        reads.spawn(async move {
            let answer = reader.get("/api/auth/session").await;
            (
                answer.json(),
                answer.set_cookie("next-auth.session-token").is_some(),
            )
        });
    }
    while let Some(read) = reads.join_next().await {
        let (session, reissued) = read.unwrap();
        assert_eq!(session["user"]["email"], "ada@example.com");
        assert!(reissued, "every answer slides its own cookie");
    }
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);

    // Later reads compute again.
    browser.get("/api/auth/session").await;
    assert_eq!(runs.0.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_unchanged_database_session_answers_304_to_a_revalidating_client() {
    use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser};
    let adapter = Arc::new(MemoryAdapter::new());
    let auth = Auth::builder()
        .secret(TEST_SECRET)
        .adapter(adapter.clone())
        .password_hashing(Arc::new(
            authrs_core::password::PasswordHasher::with_params(256, 1, 1).unwrap(),
        ))
        .email_password(authrs_core::EmailPassword {
            sign_up: false,
            ..authrs_core::EmailPassword::default()
        })
        .build()
        .unwrap();
    let hash = authrs_core::password::PasswordHasher::with_params(256, 1, 1)
        .unwrap()
        .hash("correct horse")
        .unwrap();
    adapter
        .create_user(NewUser {
            email: Some("ada@example.com".into()),
            email_verified: Some(authrs_core::adapter::Timestamp::from_secs(1)),
            password_hash: Some(hash),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let mut browser = EngineClient::new(auth);
    browser
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    let first = browser.get("/api/auth/session").await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = browser
        .send(
            http::Method::GET,
            "/api/auth/session",
            None,
            Default::default(),
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(again.status, http::StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let stale = browser
        .send(
            http::Method::GET,
            "/api/auth/session",
            None,
            Default::default(),
            &[("if-none-match", "\"other\"")],
        )
        .await;
    assert_eq!(stale.status, http::StatusCode::OK);
    assert_eq!(stale.json()["user"]["email"], "ada@example.com");
}
