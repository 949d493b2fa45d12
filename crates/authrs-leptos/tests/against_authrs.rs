//! The provider's glue, natively, against an authrs server on 127.0.0.1:0: what `use_session()`
//! shows after each call, and after a failed fetch. (In the browser the same code is driven by
//! the browser suite, `crates/authrs-server/tests/browser.rs`.)

use authrs_client::state::RefetchPolicy;
use authrs_core::providers::{Credentials, CredentialsProvider};
use authrs_core::{Auth, User};
use authrs_leptos::{
    ClientError, ErrorCode, SessionContext, SessionStatus, SignInOptions, SignOutOptions,
};
use leptos::prelude::Owner;

/// An authrs server with one credentials account (JWT sessions), and its auth base URL.
async fn server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/auth", listener.local_addr().unwrap());
    let auth = Auth::builder()
        .url(&base)
        .secret("0123456789abcdef0123456789abcdef")
        .provider(CredentialsProvider::new(
            |credentials: Credentials, _request| async move {
                let known = credentials.get("username") == Some("ada")
                    && credentials.get("password") == Some("correct horse");
                Ok(known.then(|| User::new("1").with_email("ada@example.com")))
            },
        ))
        .build()
        .unwrap();
    let app = axum::Router::new().merge(authrs_axum::routes(auth));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn context(seed: Option<Option<authrs_leptos::Session>>, base: &str) -> SessionContext {
    SessionContext::new(seed, base, RefetchPolicy::default())
}

#[tokio::test(flavor = "current_thread")]
async fn each_call_shows_in_the_shared_session() {
    let _owner = Owner::new();
    let base = server().await;
    let session = context(None, &base);
    assert_eq!(session.status(), SessionStatus::Loading);

    // A refusal is a result, and the state becomes known.
    let refused = session
        .sign_in(
            Some("credentials"),
            SignInOptions::without_redirect([("username", "ada"), ("password", "wrong")]),
        )
        .await
        .unwrap();
    assert_eq!(refused.error, Some(ErrorCode::CredentialsSignin));
    assert_eq!(
        session.status(),
        SessionStatus::Loading,
        "no fetch after a refusal"
    );
    assert_eq!(session.get_session().await.unwrap(), None);
    assert_eq!(session.status(), SessionStatus::Unauthenticated);

    // A sign-in that stays on the page refetches.
    let signed_in = session
        .sign_in(
            Some("credentials"),
            SignInOptions::without_redirect([("username", "ada"), ("password", "correct horse")]),
        )
        .await
        .unwrap();
    assert!(signed_in.ok, "{signed_in:?}");
    assert_eq!(session.status(), SessionStatus::Authenticated);
    assert_eq!(
        session.data().and_then(|s| s.user.email).as_deref(),
        Some("ada@example.com")
    );

    // update() answers the session and keeps it.
    let updated = session
        .update(serde_json::json!({"theme": "dark"}))
        .await
        .unwrap();
    assert!(updated.is_some());
    assert_eq!(session.status(), SessionStatus::Authenticated);

    // Sign-out without redirect refetches too.
    session
        .sign_out(SignOutOptions::without_redirect())
        .await
        .unwrap();
    assert_eq!(session.status(), SessionStatus::Unauthenticated);
    assert_eq!(session.data(), None);
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_fetch_keeps_a_known_session_and_settles_an_unknown_one() {
    let _owner = Owner::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/auth", closed.local_addr().unwrap());
    drop(closed);

    let unknown = context(None, &base);
    assert!(matches!(
        unknown.get_session().await,
        Err(ClientError::Http { .. })
    ));
    assert_eq!(
        unknown.status(),
        SessionStatus::Unauthenticated,
        "loading must end"
    );

    let seeded: authrs_leptos::Session = serde_json::from_value(serde_json::json!({
        "user": {"email": "ada@example.com"},
        "expires": "2026-12-29T00:00:00.000Z"
    }))
    .unwrap();
    let known = context(Some(Some(seeded)), &base);
    assert!(known.get_session().await.is_err());
    assert_eq!(
        known.status(),
        SessionStatus::Authenticated,
        "an unreachable server does not sign the user out on screen"
    );
}
