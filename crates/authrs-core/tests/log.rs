//! Client text on its way to the log (issue 13 §1): control characters, line separators and
//! bidirectional overrides are escaped wherever a client's words reach a log line.
//!
//! One test in a binary of its own: the log is captured with a scoped `tracing` subscriber,
//! and tests on other threads of the same binary would race it for the callsites' interest.

use std::sync::Arc;

use authrs_core::Auth;
use authrs_core::http::{HttpError, HttpFn};
use authrs_core::providers::OAuthProvider;
use authrs_test_support::{EngineClient, TEST_SECRET};
use bytes::Bytes;

fn assert_one_clean_line(log: &str, needle: &str) {
    assert!(log.contains(needle), "{log}");
    assert_eq!(log.lines().count(), 1, "one line, no forged one: {log}");
    assert!(
        !log.chars()
            .any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{log:?}"
    );
}

#[tokio::test]
async fn client_text_reaches_the_log_escaped() {
    let unreachable = HttpFn(
        |_: http::Request<Bytes>| -> Result<http::Response<Bytes>, HttpError> {
            Err(HttpError("no provider in this test".into()))
        },
    );
    let auth = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .http_client(Arc::new(unreachable))
        .provider(OAuthProvider::oidc(
            "stub",
            "Stub",
            "https://idp.example.com",
            "client-1",
            "client-secret-1",
        ))
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);

    // An OAuth provider's `error` and `error_description`, which the client chooses.
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "error",
            "access_denied\n2026-12-06T00:00:00Z  INFO forged: signed in",
        )
        .append_pair("error_description", "\u{1b}[31mred\u{7} \u{202e}nimda")
        .finish();
    let log = authrs_test_support::log::captured(async {
        let answer = browser
            .get(&format!("/api/auth/callback/stub?{query}"))
            .await;
        assert!(answer.status.is_redirection(), "{}", answer.status);
    })
    .await;
    assert_one_clean_line(&log, "access_denied");
    assert!(log.contains("\\u{1b}[31mred\\u{7}"), "{log}");

    // A provider id in the path.
    let token = browser.csrf_token().await;
    let log = authrs_test_support::log::captured(async {
        browser
            .post_form(
                "/api/auth/signin/a%0d%0aINFO%20forged",
                &[("csrfToken", &token), ("json", "true")],
            )
            .await;
    })
    .await;
    assert_one_clean_line(&log, "no such provider");
}
