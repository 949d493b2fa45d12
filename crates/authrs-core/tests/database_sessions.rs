//! The database session strategy, driven in-process against the in-memory adapter with a test
//! clock: the cookie holds a random token, the adapter its hash, reads roll the expiry as §4.2
//! says, sign-out deletes the row.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser};
use authrs_core::clock::FixedClock;
use authrs_core::providers::{AuthorizeError, Credentials, CredentialsProvider, RequestMeta};
use authrs_core::secret::sha256_hex;
use authrs_core::{Auth, AuthBuilder, ConfigError, SessionStrategy, User};
use authrs_test_support::{EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::json;

const NOW_SECS: u64 = 1_800_000_000;
const DAY: u64 = 24 * 3600;
const COOKIE: &str = "next-auth.session-token";

/// An engine on a memory adapter holding one user, Ada, whose password is "correct horse".
async fn setup() -> (AuthBuilder, Arc<MemoryAdapter>, Arc<FixedClock>, String) {
    let adapter = Arc::new(MemoryAdapter::new());
    let ada = adapter
        .create_user(NewUser {
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::at_secs(NOW_SECS));
    let id = ada.id.clone();
    let authorize = move |credentials: Credentials, _: RequestMeta| {
        let id = id.clone();
        async move {
            let ok = credentials.get("username") == Some("ada")
                && credentials.get("password") == Some("correct horse");
            let user = match credentials.get("username") {
                // A user the credentials hook knows but the adapter does not.
                Some("ghost") => Some(User::new("not-in-the-adapter")),
                _ => ok.then(|| User::new(id).with_name("Ada Lovelace")),
            };
            Ok::<_, AuthorizeError>(user)
        }
    };
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(adapter.clone())
        .provider(CredentialsProvider::new(authorize));
    (builder, adapter, clock, ada.id)
}

/// Signs Ada in (see [`setup`]).
async fn sign_in(c: &mut EngineClient) {
    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn default_strategy_is_database_with_an_adapter_and_jwt_without() {
    let (builder, ..) = setup().await;
    assert_eq!(
        builder.build().unwrap().session_strategy(),
        SessionStrategy::Database
    );
    let jwt = Auth::builder().secret(TEST_SECRET).build().unwrap();
    assert_eq!(jwt.session_strategy(), SessionStrategy::Jwt);
    let (builder, ..) = setup().await;
    let explicit = builder
        .session_strategy(SessionStrategy::Jwt)
        .build()
        .unwrap();
    assert_eq!(explicit.session_strategy(), SessionStrategy::Jwt);
}

#[test]
fn database_strategy_without_an_adapter_is_a_configuration_error() {
    let error = Auth::builder()
        .secret(TEST_SECRET)
        .session_strategy(SessionStrategy::Database)
        .build()
        .unwrap_err();
    assert_eq!(error, ConfigError::DatabaseStrategyWithoutAdapter);
}

#[tokio::test]
async fn credentials_sign_in_creates_a_database_session_stored_hashed() {
    let (builder, adapter, _, ada) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    sign_in(&mut c).await;
    let token = c.jar[COOKIE].clone();
    assert_eq!(
        token.len(),
        64,
        "a 256-bit random token, not a JWT: {token}"
    );
    assert!(
        adapter
            .get_session_and_user(&token)
            .await
            .unwrap()
            .is_none(),
        "the raw token is not stored"
    );
    let (session, user) = adapter
        .get_session_and_user(&sha256_hex(&token))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, ada);
    assert_eq!(session.expires.as_secs(), NOW_SECS + 30 * DAY);
    assert_eq!(
        c.session().await,
        json!({"user": {"name": "Ada Lovelace", "email": "ada@example.com"}, "expires": "2027-02-14T08:00:00.000Z"})
    );
}

#[tokio::test]
async fn update_age_rolls_the_stored_expiry() {
    let (builder, adapter, clock, _) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    sign_in(&mut c).await;
    let hash = sha256_hex(&c.jar[COOKIE]);
    let stored = || async {
        adapter
            .get_session_and_user(&hash)
            .await
            .unwrap()
            .unwrap()
            .0
            .expires
            .as_secs()
    };

    // Within update_age (1 day) a read does not write.
    clock.advance(Duration::from_secs(12 * 3600));
    c.session().await;
    assert_eq!(stored().await, NOW_SECS + 30 * DAY);

    // Once a day has passed since the expiry was set, a read rolls it to now + max_age.
    clock.advance(Duration::from_secs(13 * 3600));
    let session = c.session().await;
    assert_eq!(stored().await, NOW_SECS + 25 * 3600 + 30 * DAY);
    // The reply reports the expiry as it was read, as next-auth does.
    assert_eq!(session["expires"], "2027-02-14T08:00:00.000Z");
    // The cookie is re-set with now + max_age.
    let answer = c.get("/api/auth/session").await;
    let cookie = answer.set_cookie(COOKIE).unwrap();
    assert!(
        cookie.contains("Expires=Mon, 15 Feb 2027 09:00:00 GMT"),
        "{cookie}"
    );
}

#[tokio::test]
async fn update_age_zero_writes_on_every_read() {
    let (builder, adapter, clock, _) = setup().await;
    let mut c = EngineClient::new(builder.session_update_age(Duration::ZERO).build().unwrap());
    sign_in(&mut c).await;
    let hash = sha256_hex(&c.jar[COOKIE]);
    clock.advance(Duration::from_secs(5));
    c.session().await;
    let expires = adapter
        .get_session_and_user(&hash)
        .await
        .unwrap()
        .unwrap()
        .0
        .expires;
    assert_eq!(expires.as_secs(), NOW_SECS + 5 + 30 * DAY);
}

#[tokio::test]
async fn sign_out_deletes_the_row_and_the_old_cookie_yields_no_session() {
    let (builder, adapter, ..) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    sign_in(&mut c).await;
    let old_cookie = c.jar[COOKIE].clone();
    let answer = c.post_form_with_csrf_json("/api/auth/signout", &[]).await;
    assert_eq!(answer.json(), json!({"url": "http://localhost:3000"}));
    assert!(
        adapter
            .get_session_and_user(&sha256_hex(&old_cookie))
            .await
            .unwrap()
            .is_none()
    );
    // A copy of the old cookie is worth nothing now.
    c.jar.insert(COOKIE.into(), old_cookie);
    assert_eq!(c.session().await, json!({}));
    assert!(!c.jar.contains_key(COOKIE), "the dead cookie is cleared");
}

#[tokio::test]
async fn expired_row_is_no_session_and_is_deleted_when_read() {
    let (builder, adapter, clock, _) = setup().await;
    let mut c = EngineClient::new(
        builder
            .session_max_age(Duration::from_secs(3600))
            .build()
            .unwrap(),
    );
    sign_in(&mut c).await;
    let hash = sha256_hex(&c.jar[COOKIE]);
    clock.advance(Duration::from_secs(3600));
    assert_eq!(c.session().await, json!({}));
    assert!(adapter.get_session_and_user(&hash).await.unwrap().is_none());
    assert!(!c.jar.contains_key(COOKIE));
}

#[tokio::test]
async fn sweep_deletes_expired_rows_nobody_reads() {
    let (builder, adapter, clock, _) = setup().await;
    let auth = builder
        .session_max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth.clone());
    sign_in(&mut c).await;
    let hash = sha256_hex(&c.jar[COOKIE]);
    assert_eq!(auth.sweep_expired().await.unwrap(), 0);
    clock.advance(Duration::from_secs(3601));
    assert_eq!(auth.sweep_expired().await.unwrap(), 1);
    assert!(adapter.get_session_and_user(&hash).await.unwrap().is_none());
}

#[tokio::test]
async fn unknown_or_malformed_tokens_are_no_session_and_cleared() {
    let (builder, ..) = setup().await;
    for token in [
        "0".repeat(64),
        "not-a-token".into(),
        "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..a.b.c".into(),
    ] {
        let mut c = EngineClient::new(builder.clone().build().unwrap());
        c.jar.insert(COOKIE.into(), token.clone());
        let answer = c.get("/api/auth/session").await;
        assert_eq!(
            (answer.status, answer.text()),
            (StatusCode::OK, "{}".into()),
            "{token}"
        );
        assert!(answer.set_cookie(COOKIE).unwrap().contains("Max-Age=0"));
    }
}

#[tokio::test]
async fn signing_in_again_replaces_the_previous_session() {
    let (builder, adapter, ..) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    sign_in(&mut c).await;
    let first = c.jar[COOKIE].clone();
    sign_in(&mut c).await;
    let second = c.jar[COOKIE].clone();
    assert_ne!(first, second, "a new token on every sign-in");
    assert!(
        adapter
            .get_session_and_user(&sha256_hex(&first))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        adapter
            .get_session_and_user(&sha256_hex(&second))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_signed_in_user_missing_from_the_adapter_is_a_configuration_error() {
    let (builder, ..) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    let answer = c.sign_in_with_credentials("ghost", "x").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/error?error=Configuration"})
    );
    assert!(!c.jar.contains_key(COOKIE));
}

#[tokio::test]
async fn in_process_reads_see_database_sessions_and_get_token_does_not() {
    let (builder, ..) = setup().await;
    let mut c = EngineClient::new(builder.build().unwrap());
    sign_in(&mut c).await;
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::COOKIE, c.cookie_header().parse().unwrap());
    let session = c.auth().get_session(&headers).await.unwrap().unwrap();
    assert_eq!(session.user.email.as_deref(), Some("ada@example.com"));
    assert!(
        c.auth().get_token(&headers).is_none(),
        "no JWT behind a database session"
    );
}

#[tokio::test]
async fn a_jwt_cookie_is_not_a_database_session() {
    // Switching a deployment from JWT to database sessions: old JWT cookies are simply no session.
    let (builder, ..) = setup().await;
    let mut jwt_client = EngineClient::new(
        builder
            .clone()
            .session_strategy(SessionStrategy::Jwt)
            .build()
            .unwrap(),
    );
    sign_in(&mut jwt_client).await;
    let mut c = EngineClient::new(builder.build().unwrap());
    c.jar = jwt_client.jar.clone();
    assert_eq!(c.session().await, json!({}));
}

#[tokio::test]
async fn the_shared_database_session_flow_passes_on_the_memory_adapter() {
    authrs_test_support::session_flow::check_database_session_flow(Arc::new(MemoryAdapter::new()))
        .await;
}

#[tokio::test]
async fn sign_out_everywhere_works_without_email_password_accounts() {
    let (builder, ..) = setup().await;
    let auth = builder.build().unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_in(&mut laptop).await;
    sign_in(&mut phone).await;
    let token = phone.csrf_token().await;
    let answer = phone
        .post_form(
            "/api/auth/account/signout-everywhere",
            &[("csrfToken", &token), ("json", "true")],
        )
        .await;
    assert_eq!(answer.json(), json!({"url": "http://localhost:3000"}));
    assert_eq!(laptop.session().await, json!({}));
    // The other account routes stay closed without email-and-password accounts.
    let signup = phone
        .post_form_with_csrf(
            "/api/auth/account/signup",
            &[("email", "x@example.com"), ("password", "long enough")],
        )
        .await;
    assert_eq!(signup.status, StatusCode::BAD_REQUEST);
}
