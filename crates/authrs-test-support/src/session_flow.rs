//! The database-session flow end to end, for any adapter: the same checks run on memory,
//! SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, NewUser};
use authrs_core::clock::FixedClock;
use authrs_core::providers::{AuthorizeError, Credentials, CredentialsProvider, RequestMeta};
use authrs_core::secret::sha256_hex;
use authrs_core::{Auth, SessionStrategy, User};
use http::StatusCode;
use serde_json::json;

use crate::{EngineClient, TEST_SECRET};

const START_SECS: u64 = 1_800_000_000;
const DAY: u64 = 24 * 3600;
const COOKIE: &str = "next-auth.session-token";

/// Against an empty store: a credentials sign-in creates a database session whose row holds
/// the token's hash; `/session` returns the user; a read within `updateAge` leaves the row
/// alone and one after it rolls the expiry to now + `maxAge` (observed with a test clock);
/// sign-out deletes the row, after which the old cookie is no session.
pub async fn check_database_session_flow(adapter: Arc<dyn Adapter>) {
    let ada = adapter
        .create_user(NewUser {
            name: Some("Ada".into()),
            email: Some("ada@example.com".into()),
            ..NewUser::default()
        })
        .await
        .expect("create the user");
    let clock = Arc::new(FixedClock::at_secs(START_SECS));
    let id = ada.id.clone();
    let authorize = move |credentials: Credentials, _: RequestMeta| {
        let user = (credentials.get("password") == Some("correct horse"))
            .then(|| User::new(id.clone()).with_name("Ada"));
        async move { Ok::<_, AuthorizeError>(user) }
    };
    let auth = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(Arc::clone(&adapter))
        .provider(CredentialsProvider::new(authorize))
        .build()
        .expect("valid configuration");
    assert_eq!(auth.session_strategy(), SessionStrategy::Database);
    let mut c = EngineClient::new(auth);

    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let cookie = c.jar[COOKIE].clone();
    let hash = sha256_hex(&cookie);
    let expiry = || {
        let adapter = Arc::clone(&adapter);
        let hash = hash.clone();
        async move {
            let (session, _) = adapter
                .get_session_and_user(&hash)
                .await
                .expect("read the session")
                .expect("the session row exists");
            session.expires.as_secs()
        }
    };
    assert_eq!(expiry().await, START_SECS + 30 * DAY);
    assert_eq!(
        c.session().await,
        json!({"user": {"name": "Ada", "email": "ada@example.com"}, "expires": "2027-02-14T08:00:00.000Z"})
    );

    clock.advance(Duration::from_secs(DAY / 2));
    c.session().await;
    assert_eq!(
        expiry().await,
        START_SECS + 30 * DAY,
        "no write within updateAge"
    );

    clock.advance(Duration::from_secs(DAY));
    c.session().await;
    assert_eq!(
        expiry().await,
        START_SECS + DAY + DAY / 2 + 30 * DAY,
        "rolled after updateAge"
    );

    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert!(
        adapter
            .get_session_and_user(&hash)
            .await
            .expect("read")
            .is_none(),
        "the row is gone"
    );
    c.jar.insert(COOKIE.into(), cookie);
    assert_eq!(c.session().await, json!({}), "the old cookie is no session");
}
