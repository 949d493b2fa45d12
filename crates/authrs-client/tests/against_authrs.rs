//! `AuthClient` against a real authrs server (authrs-axum on 127.0.0.1:0): every call of the
//! seed's client API over HTTP.

use std::sync::Arc;

use authrs_client::{
    AuthClient, ClientError, SecondFactor, SignInOptions, SignOutOptions, TwoFactorProof,
};
use authrs_core::adapter::MemoryAdapter;
use authrs_core::clock::Clock;
use authrs_core::http::{HttpError, HttpFn};
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, OAuthProvider, ProfileMap};
use authrs_core::{Auth, EmailPassword, ErrorCode};
use authrs_test_support::outbox::Outbox;

struct Server {
    base: String,
    outbox: Arc<Outbox>,
}

/// An authrs server with email-and-password accounts (sign-up open), email sign-in into an
/// outbox, and an OAuth provider, listening on 127.0.0.1:0.
async fn server() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/auth", listener.local_addr().unwrap());
    let outbox = Arc::new(Outbox::default());
    let unreachable = HttpFn(
        |_: http::Request<bytes::Bytes>| -> Result<http::Response<bytes::Bytes>, HttpError> {
            Err(HttpError("no provider in this test".into()))
        },
    );
    let auth = Auth::builder()
        .url(&base)
        .secret("0123456789abcdef0123456789abcdef")
        .adapter(Arc::new(MemoryAdapter::new()))
        .password_hashing(Arc::new(PasswordHasher::with_params(256, 1, 1).unwrap()))
        .email_password(EmailPassword {
            transport: Some(outbox.clone()),
            ..EmailPassword::default()
        })
        .provider(EmailProvider::with_transport(outbox.clone()))
        .provider(OAuthProvider::oauth2(
            "example",
            "Example",
            "https://idp.example.com/authorize",
            "https://idp.example.com/token",
            "https://idp.example.com/me",
            "client-1",
            "secret-1",
            ProfileMap::new(&["/id"], &[], &[], &[], &[]),
        ))
        .http_client(Arc::new(unreachable))
        .two_factor(authrs_core::two_factor::TwoFactor::new(
            authrs_core::two_factor::TwoFactorMode::Optional,
        ))
        .build()
        .unwrap();
    let app = axum::Router::new().merge(authrs_axum::routes(auth));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { base, outbox }
}

async fn sign_up(client: &AuthClient, server: &Server, email: &str, password: &str) {
    let csrf = client.get_csrf_token().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/account/signup", server.base))
        .header("cookie", client.cookie_header())
        .form(&[
            ("csrfToken", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("json", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    // The owner proves the address with the mailed code, from the browser that signed up
    // (its sign-up cookie keeps the password), before the password signs in.
    let sign_up_cookie: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let code = server.outbox.last().unwrap().code.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/account/verify-email", server.base))
        .header(
            "cookie",
            format!("{}; {}", client.cookie_header(), sign_up_cookie.join("; ")),
        )
        .form(&[
            ("csrfToken", csrf.as_str()),
            ("email", email),
            ("code", code.as_str()),
            ("json", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

#[tokio::test]
async fn the_whole_client_api_against_authrs() {
    let server = server().await;
    let client = AuthClient::new(&server.base).unwrap();

    // Signed out: no session, the providers, a CSRF token.
    assert!(client.get_session().await.unwrap().is_none());
    let providers = client.get_providers().await.unwrap();
    assert_eq!(
        providers.keys().map(String::as_str).collect::<Vec<_>>(),
        ["email", "email-password", "example"]
    );
    assert_eq!(providers["email"].provider_type, "email");
    assert!(
        providers["email-password"]
            .signin_url
            .ends_with("/signin/email-password")
    );
    assert_eq!(client.get_csrf_token().await.unwrap().len(), 64);

    // A wrong password is a typed CredentialsSignin.
    sign_up(&client, &server, "ada@example.com", "correct horse").await;
    let refused = client
        .sign_in_credentials(
            "email-password",
            &[("email", "ada@example.com"), ("password", "wrong")],
        )
        .await;
    match refused {
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        }) => {}
        other => panic!("expected CredentialsSignin, got {other:?}"),
    }

    // Credentials sign-in, then the session, here and for a backend forwarding the cookies.
    client
        .sign_in_credentials(
            "email-password",
            &[("email", "ada@example.com"), ("password", "correct horse")],
        )
        .await
        .unwrap();
    let session = client.get_session().await.unwrap().expect("signed in");
    assert_eq!(session.user.email.as_deref(), Some("ada@example.com"));
    let backend = AuthClient::new(&server.base).unwrap();
    let forwarded = backend
        .get_session_with_cookies(&client.cookie_header())
        .await
        .unwrap()
        .expect("the forwarded cookies carry the session");
    assert_eq!(forwarded.user.email, session.user.email);
    assert!(
        backend.get_session().await.unwrap().is_none(),
        "the backend's own jar is empty"
    );

    // update() answers the session.
    let updated = client
        .update_session(serde_json::json!({"theme": "dark"}))
        .await
        .unwrap()
        .expect("still signed in");
    assert_eq!(updated.user.email.as_deref(), Some("ada@example.com"));

    // Sign-out ends it.
    client.sign_out(SignOutOptions::default()).await.unwrap();
    assert!(client.get_session().await.unwrap().is_none());
}

#[tokio::test]
async fn email_and_oauth_sign_in_return_where_to_go_next() {
    let server = server().await;
    let client = AuthClient::new(&server.base).unwrap();
    let verify = client
        .sign_in_email("email", "Ada@Example.com")
        .await
        .unwrap();
    assert!(
        verify.ends_with("/api/auth/verify-request?provider=email&type=email"),
        "{verify}"
    );
    assert_eq!(server.outbox.last().unwrap().to, "ada@example.com");
    match client.sign_in_email("email", "a@x.com,b@y.com").await {
        Err(ClientError::Auth {
            code: ErrorCode::EmailSignin,
            ..
        }) => {}
        other => panic!("expected EmailSignin, got {other:?}"),
    }

    let authorize = client.sign_in_oauth("example").await.unwrap();
    assert!(
        authorize
            .starts_with("https://idp.example.com/authorize?response_type=code&client_id=client-1"),
        "{authorize}"
    );
    assert!(authorize.contains("code_challenge="));
    assert!(client.cookie_header().contains("next-auth.state="));
}

#[tokio::test]
async fn an_unreachable_server_is_an_http_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/auth", closed.local_addr().unwrap());
    drop(closed);
    let client = AuthClient::new(&url).unwrap();
    assert!(matches!(
        client.get_session().await,
        Err(ClientError::Http { .. })
    ));
}

#[tokio::test]
async fn sign_in_and_sign_out_answer_as_the_javascript_clients_do() {
    let server = server().await;
    let client = AuthClient::new(&server.base).unwrap();
    let home = server.base.trim_end_matches("/api/auth").to_owned();
    sign_up(&client, &server, "ada@example.com", "correct horse").await;

    // No provider, or one the server does not have: the sign-in page with the callback URL.
    for provider in [None, Some("nope")] {
        let page = client
            .sign_in(
                provider,
                SignInOptions::default().callback_url(format!("{home}/x?y=1")),
            )
            .await
            .unwrap();
        assert!(page.ok);
        let url = page.url.unwrap();
        assert!(
            url.starts_with(&format!("{}/signin?callbackUrl=", server.base)),
            "{url}"
        );
        assert!(url.ends_with("%2Fx%3Fy%3D1"), "{url}");
    }

    // A refusal comes back as next-auth's result, not as an error; `callbackUrl` and
    // `csrfToken` fields from the caller do not override the client's own.
    let refused = client
        .sign_in(
            Some("email-password"),
            SignInOptions::without_redirect([
                ("email", "ada@example.com"),
                ("password", "wrong"),
                ("csrfToken", "forged"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(refused.error, Some(ErrorCode::CredentialsSignin));
    assert!(!refused.ok);
    assert_eq!(refused.url, None);
    assert_eq!(refused.status, 401);

    let signed_in = client
        .sign_in(
            Some("email-password"),
            SignInOptions::without_redirect([
                ("email", "ada@example.com"),
                ("password", "correct horse"),
            ])
            .callback_url(format!("{home}/dashboard")),
        )
        .await
        .unwrap();
    assert!(signed_in.ok, "{signed_in:?}");
    assert_eq!(signed_in.error, None);
    assert_eq!(
        signed_in.url.as_deref(),
        Some(format!("{home}/dashboard").as_str())
    );
    assert!(client.get_session().await.unwrap().is_some());

    // OAuth always leaves for the provider, whatever `redirect` says.
    let oauth = client
        .sign_in(
            Some("example"),
            SignInOptions::without_redirect(Vec::<(String, String)>::new()),
        )
        .await
        .unwrap();
    assert!(
        oauth
            .url
            .as_deref()
            .unwrap()
            .starts_with("https://idp.example.com/authorize?"),
        "{oauth:?}"
    );

    let after = client
        .sign_out(SignOutOptions {
            callback_url: Some(format!("{home}/bye")),
            redirect: false,
        })
        .await
        .unwrap();
    assert_eq!(after, format!("{home}/bye"));
    assert!(client.get_session().await.unwrap().is_none());
}

#[tokio::test]
async fn the_account_calls_against_authrs() {
    let server = server().await;
    let laptop = AuthClient::new(&server.base).unwrap();
    assert!(matches!(
        laptop.account_profile().await,
        Err(ClientError::Auth {
            code: ErrorCode::SessionRequired,
            ..
        })
    ));
    sign_up(&laptop, &server, "ada@example.com", "correct horse battery").await;
    laptop
        .sign_in_credentials(
            "email-password",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await
        .unwrap();
    let phone = AuthClient::new(&server.base).unwrap();
    phone
        .sign_in_credentials(
            "email-password",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await
        .unwrap();

    // Profile.
    laptop
        .update_profile(Some("Ada Lovelace"), Some("https://example.com/ada.png"))
        .await
        .unwrap();
    let profile = laptop.account_profile().await.unwrap();
    assert_eq!(profile.user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(profile.user.email.as_deref(), Some("ada@example.com"));
    assert!(profile.user.email_verified.is_some());
    assert!(profile.has_password);
    assert!(profile.accounts.is_empty());
    assert!(matches!(
        laptop
            .update_profile(None, Some("javascript:alert(1)"))
            .await,
        Err(ClientError::Auth {
            code: ErrorCode::InvalidProfile,
            ..
        })
    ));

    // Sessions: this one first; ending the others signs the phone out. (The proof of the
    // address at sign-up started one more.)
    let listed = laptop.account_sessions().await.unwrap();
    assert_eq!(listed.strategy, "database");
    assert_eq!(listed.sessions.len(), 3);
    assert!(listed.sessions[0].current);
    assert!(listed.sessions[1..].iter().all(|session| !session.current));
    assert_eq!(
        listed.sessions[0].user_agent.as_deref(),
        Some("authrs-client")
    );
    // Served without `ConnectInfo`, the app gives the engine no client address to record.
    assert_eq!(listed.sessions[0].network, None);
    for other in &listed.sessions[1..] {
        laptop.revoke_session(&other.id).await.unwrap();
    }
    assert!(phone.get_session().await.unwrap().is_none());
    assert!(matches!(
        laptop.revoke_session(&listed.sessions[1].id).await,
        Err(ClientError::Auth {
            code: ErrorCode::UnknownSession,
            ..
        })
    ));
    laptop.revoke_other_sessions().await.unwrap();
    assert!(laptop.get_session().await.unwrap().is_some());

    // The security events of all that, the latest first (ending the others when none were
    // left is no event).
    let events = laptop.account_events().await.unwrap();
    assert!(events.stored);
    let kinds: Vec<&str> = events.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds[..3],
        ["session_revoked", "session_revoked", "profile_updated"]
    );
    assert_eq!(
        events.events[0].user_agent.as_deref(),
        Some("authrs-client")
    );

    // A wrong password is typed; the right one deletes the account.
    assert!(matches!(
        laptop
            .delete_account(authrs_client::DeletionProof::Password("wrong"))
            .await,
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        })
    ));
    laptop
        .delete_account(authrs_client::DeletionProof::Password(
            "correct horse battery",
        ))
        .await
        .unwrap();
    assert!(laptop.get_session().await.unwrap().is_none());
    let again = laptop
        .sign_in_credentials(
            "email-password",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert!(matches!(
        again,
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        })
    ));
}

/// The six-digit code of a base 32 key `offset` steps of 30 seconds from now.
fn totp(secret: &str, offset: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret.replace(' ', "")).unwrap();
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name("test")
        .build()
        .unwrap();
    let now = authrs_core::clock::SystemClock.now_millis() / 1000;
    totp.generate(now.saturating_add_signed(offset * 30))
        .to_string()
}

#[tokio::test]
async fn two_step_sign_in_from_rust() {
    let server = server().await;
    let ada = AuthClient::new(&server.base).unwrap();
    sign_up(&ada, &server, "ada@example.com", "correct horse battery").await;
    let password = [
        ("email", "ada@example.com"),
        ("password", "correct horse battery"),
    ];
    ada.sign_in_credentials("email-password", &password)
        .await
        .unwrap();
    assert!(matches!(
        ada.two_factor_setup(None).await,
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        })
    ));
    let offer = ada
        .two_factor_setup(Some("correct horse battery"))
        .await
        .unwrap();
    assert!(offer.otpauth_url.starts_with("otpauth://totp/"));
    let codes = ada
        .two_factor_enable(&offer, &totp(&offer.secret, 0))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);

    // Another client: the password is no longer enough.
    let phone = AuthClient::new(&server.base).unwrap();
    match phone.sign_in_credentials("email-password", &password).await {
        Err(ClientError::Auth {
            code: ErrorCode::TwoFactorRequired,
            url,
        }) => assert!(
            url.ends_with("/two-factor?error=TwoFactorRequired"),
            "{url}"
        ),
        other => panic!("expected TwoFactorRequired, got {other:?}"),
    }
    assert!(phone.get_session().await.unwrap().is_none());
    assert!(matches!(
        phone
            .sign_in_second_step(SecondFactor::Code("000000"), false)
            .await,
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        })
    ));
    // The step after the one that confirmed the setup (one step of skew).
    phone
        .sign_in_second_step(SecondFactor::Code(&totp(&offer.secret, 1)), false)
        .await
        .unwrap();
    assert!(phone.get_session().await.unwrap().is_some());

    // A recovery code works once; new ones after a proof; off after a proof.
    let tablet = AuthClient::new(&server.base).unwrap();
    assert!(
        tablet
            .sign_in_credentials("email-password", &password)
            .await
            .is_err()
    );
    tablet
        .sign_in_second_step(SecondFactor::RecoveryCode(&codes[0]), false)
        .await
        .unwrap();
    let renewed = tablet
        .two_factor_recovery_codes(TwoFactorProof::Password("correct horse battery"))
        .await
        .unwrap();
    assert_eq!(renewed.len(), 10);
    tablet
        .two_factor_disable(TwoFactorProof::Password("correct horse battery"))
        .await
        .unwrap();
    let laptop = AuthClient::new(&server.base).unwrap();
    laptop
        .sign_in_credentials("email-password", &password)
        .await
        .unwrap();
    assert!(laptop.get_session().await.unwrap().is_some());
}
