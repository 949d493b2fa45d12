//! Security events in the log (issue 16 §4): one line each at target `authrs::audit`, with
//! structured fields and the client's text escaped; a failed sign-in is one line, whether or
//! not the address has an account, and only an account's is stored.
//!
//! One test in a binary of its own: the log is captured with a scoped `tracing` subscriber,
//! and tests on other threads of the same binary would race it for the callsites' interest.

use std::sync::Arc;

use authrs_core::adapter::{Adapter, AuditFilter, MemoryAdapter, NewUser, Timestamp};
use authrs_core::password::PasswordHasher;
use authrs_core::{Auth, EmailPassword};
use authrs_test_support::{EngineClient, TEST_SECRET};

const PASSWORD: &str = "correct horse battery staple";

#[tokio::test]
async fn security_events_are_single_structured_log_lines_with_client_text_escaped() {
    let adapter = Arc::new(MemoryAdapter::new());
    let hasher = Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap());
    let ada = adapter
        .create_user(NewUser {
            email: Some("ada@example.com".into()),
            email_verified: Some(Timestamp::from_millis(1)),
            password_hash: Some(hasher.hash(PASSWORD).unwrap()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let deferred = Arc::new(authrs_test_support::background::Deferred::default());
    let auth = Auth::builder()
        .background(deferred.clone())
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .adapter(adapter.clone())
        .password_hashing(hasher)
        .email_password(EmailPassword {
            allow_unverified_sign_in: true,
            ..EmailPassword::default()
        })
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    // A header value cannot carry a newline, but it can carry a tab, quotes and spaces: a
    // field of its own, unquoted, would read as `user="victim"`.
    c.extra_headers.insert(
        http::header::USER_AGENT,
        "Mozilla/5.0\t\" user=\"victim".parse().unwrap(),
    );
    c.client_address = Some("203.0.113.77".parse().unwrap());

    let log = authrs_test_support::log::captured(async {
        c.sign_in_with_email_password("ada@example.com", PASSWORD)
            .await;
    })
    .await;
    let line = log
        .lines()
        .find(|line| line.contains("authrs::audit"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains(r#"event="sign_in""#), "{line}");
    assert!(line.contains(&format!("user=\"{}\"", ada.id)), "{line}");
    assert!(line.contains(r#"provider="email-password""#), "{line}");
    assert!(
        line.contains(r#"client_network="203.0.113.0/24""#),
        "{line}"
    );
    // Quoted and escaped: the client's text can neither end the field nor start another.
    assert!(
        line.contains(r#"user_agent="Mozilla/5.0\t\" user=\"victim""#),
        "{line}"
    );
    assert!(!line.contains(r#"user="victim"#), "{line}");
    assert!(line.contains("stored=true"), "{line}");
    assert!(!log.contains('\t'), "{log:?}");
    assert!(
        !log.contains("203.0.113.77"),
        "the network, never the address"
    );

    // A wrong password: one line for an account (stored too), one line for a made-up address
    // (not stored); never a second "refused" line beside it.
    for (address, user) in [
        ("ada@example.com", Some(ada.id.as_str())),
        ("nobody@example.com", None),
    ] {
        let log = authrs_test_support::log::captured(async {
            c.sign_in_with_email_password(address, "guess").await;
            deferred.run_all().await;
        })
        .await;
        assert_eq!(log.lines().count(), 1, "{log}");
        assert!(log.contains(r#"event="sign_in_failed""#), "{log}");
        assert!(log.contains(r#"detail="CredentialsSignin""#), "{log}");
        match user {
            Some(id) => {
                assert!(log.contains(&format!("user=\"{id}\"")), "{log}");
                assert!(log.contains("stored=true"), "{log}");
            }
            None => {
                assert!(!log.contains(r#" user=""#), "no user field: {log}");
                assert!(log.contains("stored=false"), "{log}");
            }
        }
    }
    let stored = (adapter
        .list_audit_events(&ada.id, AuditFilter::All, 10)
        .await)
        .unwrap();
    assert_eq!(stored.len(), 2, "the sign-in and Ada's failure");
}
