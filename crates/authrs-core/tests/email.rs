//! The email provider in the engine, with an in-memory outbox: pages, configuration, callbacks,
//! link origins and account rules. Delivery through a real SMTP server, and the named
//! token tests, are in `crates/authrs-mail/tests/email_signin.rs`.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use authrs_core::adapter::{Adapter, MemoryAdapter};
use authrs_core::callbacks::{CallbackError, Callbacks, SignInArgs};
use authrs_core::clock::FixedClock;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::EmailProvider;
use authrs_core::{
    Auth, AuthBuilder, Compatibility, ConfigError, EmailPassword, Pages, SignInDecision,
};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;

const SITE: &str = "http://localhost:3000";

struct Setup {
    outbox: Arc<Outbox>,
    adapter: Arc<MemoryAdapter>,
}

fn builder() -> (AuthBuilder, Setup) {
    let outbox = Arc::new(Outbox::default());
    let adapter = Arc::new(MemoryAdapter::new());
    let builder = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .clock(Arc::new(FixedClock::at_secs(1_800_000_000)))
        .adapter(adapter.clone())
        .provider(EmailProvider::with_transport(outbox.clone()));
    (builder, Setup { outbox, adapter })
}

/// Follows the newest mail's link: the confirm page, then its button.
async fn follow_link(browser: &mut EngineClient, outbox: &Outbox) -> Answer {
    let url = outbox.last().expect("a mail was sent").url;
    browser.open_email_link(&url).await
}

#[tokio::test]
async fn sign_in_page_offers_the_email_form_and_the_flow_needs_no_javascript() {
    let (builder, s) = builder();
    let mut browser = EngineClient::new(builder.build().unwrap());
    let page = browser.get("/api/auth/signin").await;
    let text = page.text();
    assert!(
        text.contains(r#"action="http://localhost:3000/api/auth/signin/email""#),
        "{text}"
    );
    assert!(text.contains(r#"type="email" name="email""#), "{text}");
    assert!(text.contains("Sign in with Email"));

    // A plain form POST (no json=true): a 302 to the verify-request page.
    let csrf = page.hidden_input("csrfToken");
    let callback = page.hidden_input("callbackUrl");
    let answer = browser
        .post_form(
            "/api/auth/signin/email",
            &[
                ("csrfToken", &csrf),
                ("callbackUrl", &callback),
                ("email", "ada@example.com"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let verify = answer.header("location").unwrap().to_owned();
    assert_eq!(
        verify,
        format!("{SITE}/api/auth/verify-request?provider=email&type=email")
    );
    let page = browser.get(verify.strip_prefix(SITE).unwrap()).await;
    assert!(page.text().contains("Check your email"));
    assert!(page.text().contains(r#"name="code""#));
    // The address is filled in for the code.
    assert!(
        page.text()
            .contains(r#"name="email" autocomplete="email" value="ada@example.com""#),
        "{}",
        page.text()
    );

    let answer = follow_link(&mut browser, &s.outbox).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(browser.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn without_codes_the_verify_request_page_has_no_code_form_and_mails_no_code() {
    let outbox = Arc::new(Outbox::default());
    let auth = Auth::builder()
        .secret(TEST_SECRET)
        .adapter(Arc::new(MemoryAdapter::new()))
        .provider(EmailProvider::with_transport(outbox.clone()).one_time_code(false))
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    browser.request_email_sign_in("ada@example.com", &[]).await;
    let mail = outbox.last().unwrap();
    assert_eq!(mail.code, None);
    assert!(!mail.text.contains("code"));
    let page = browser
        .get("/api/auth/verify-request?provider=email&type=email")
        .await;
    assert!(!page.text().contains(r#"name="code""#));
}

#[test]
fn the_email_provider_needs_an_adapter_and_a_sane_max_age() {
    let no_adapter = Auth::builder()
        .secret(TEST_SECRET)
        .provider(EmailProvider::new(Outbox::default()))
        .build();
    assert_eq!(
        no_adapter.unwrap_err(),
        ConfigError::NeedsAdapter("the email provider")
    );
    let too_short = Auth::builder()
        .secret(TEST_SECRET)
        .adapter(Arc::new(MemoryAdapter::new()))
        .provider(EmailProvider::new(Outbox::default()).max_age(std::time::Duration::from_secs(5)))
        .build();
    assert!(matches!(
        too_short,
        Err(ConfigError::InvalidProvider { .. })
    ));
}

#[tokio::test]
async fn emailed_links_use_the_configured_url_never_a_forwarded_host() {
    let (builder, s) = builder();
    let builder = builder.trust_host(true).email_password(EmailPassword {
        transport: Some(s.outbox.clone()),
        ..EmailPassword::default()
    });
    let mut browser = EngineClient::new(builder.build().unwrap());
    browser
        .extra_headers
        .insert("x-forwarded-host", "evil.example".parse().unwrap());
    browser.request_email_sign_in("ada@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    assert!(
        link.starts_with(&format!("{SITE}/api/auth/callback/email?")),
        "{link}"
    );

    // The same for password-reset links.
    s.adapter
        .create_user(authrs_core::adapter::NewUser {
            email: Some("bob@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    browser
        .post_form_with_csrf(
            "/api/auth/account/reset-password-request",
            &[("email", "bob@example.com")],
        )
        .await;
    let link = s.outbox.last().unwrap().url;
    assert!(
        link.starts_with(&format!("{SITE}/api/auth/account/reset-password?")),
        "{link}"
    );
}

/// Records what `sign_in` saw and refuses one address.
#[derive(Default, Clone)]
struct Gatekeeper(Arc<Mutex<Vec<(String, bool)>>>);

#[async_trait]
impl Callbacks for Gatekeeper {
    async fn sign_in(&self, args: SignInArgs<'_>) -> Result<SignInDecision, CallbackError> {
        let email = args.user.email.clone().unwrap_or_default();
        self.0
            .lock()
            .unwrap()
            .push((email.clone(), args.verification_request));
        Ok(if email == "mallory@example.com" {
            SignInDecision::Deny
        } else {
            SignInDecision::Allow
        })
    }
}

#[tokio::test]
async fn sign_in_callback_is_asked_before_the_mail_and_after_the_link() {
    let (builder, s) = builder();
    let gate = Gatekeeper::default();
    let mut browser = EngineClient::new(builder.callbacks(gate.clone()).build().unwrap());
    let answer = browser
        .request_email_sign_in("mallory@example.com", &[("json", "true")])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=AccessDenied")
    );
    assert!(s.outbox.is_empty(), "no mail for a refused address");

    browser.request_email_sign_in("ada@example.com", &[]).await;
    follow_link(&mut browser, &s.outbox).await;
    assert_eq!(
        *gate.0.lock().unwrap(),
        [
            ("mallory@example.com".to_owned(), true),
            ("ada@example.com".to_owned(), true),
            ("ada@example.com".to_owned(), false),
        ]
    );
}

#[tokio::test]
async fn a_failed_send_is_email_signin_and_leaves_no_usable_token() {
    let (builder, s) = builder();
    let mut browser = EngineClient::new(builder.build().unwrap());
    s.outbox.fail(true);
    let answer = browser
        .request_email_sign_in("ada@example.com", &[("json", "true")])
        .await;
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=EmailSignin")
    );
    // The error page of v4 shows it on the sign-in page.
    let page = browser.get("/api/auth/error?error=EmailSignin").await;
    assert_eq!(
        page.header("location"),
        Some(format!("{SITE}/api/auth/signin?error=EmailSignin").as_str())
    );
    assert_eq!(
        s.adapter
            .delete_verification_tokens("ada@example.com")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn first_email_proof_removes_what_an_unverified_registrant_left() {
    let (builder, s) = builder();
    let hasher = PasswordHasher::with_params(256, 1, 1).unwrap();
    // A deployment that lets unproven addresses sign in with a password (the default refuses
    // them, see `tests/accounts.rs`), where the clean-up is the only defence.
    let builder = builder
        .password_hashing(Arc::new(hasher))
        .email_password(EmailPassword {
            allow_unverified_sign_in: true,
            ..EmailPassword::default()
        });
    let auth = builder.build().unwrap();

    // Mallory registers Ada's address with his own password and signs in.
    let mut mallory = EngineClient::new(auth.clone());
    mallory
        .post_form_with_csrf(
            "/api/auth/account/signup",
            &[
                ("email", "ada@example.com"),
                ("password", "mallory's password"),
            ],
        )
        .await;
    let mallory_signs_in = async |mallory: &mut EngineClient| {
        let fields = [
            ("email", "ada@example.com"),
            ("password", "mallory's password"),
        ];
        mallory.sign_in_with("email-password", &fields).await
    };
    let signed_in = mallory_signs_in(&mut mallory).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text());
    assert_eq!(mallory.session().await["user"]["email"], "ada@example.com");

    // Ada proves the address by email.
    let mut ada = EngineClient::new(auth);
    ada.request_email_sign_in("ada@example.com", &[]).await;
    follow_link(&mut ada, &s.outbox).await;
    assert_eq!(ada.session().await["user"]["email"], "ada@example.com");

    // Mallory's session and password are gone.
    assert_eq!(mallory.session().await, serde_json::json!({}));
    let again = mallory_signs_in(&mut mallory).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    let user = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.adapter.get_password_hash(&user.id).await.unwrap(), None);
    assert!(user.email_verified.is_some());
}

#[tokio::test]
async fn a_new_user_goes_to_the_new_user_page_once() {
    let (builder, s) = builder();
    let builder = builder.pages(Pages {
        new_user: Some("/welcome".into()),
        ..Pages::default()
    });
    let mut browser = EngineClient::new(builder.build().unwrap());
    browser
        .request_email_sign_in("ada@example.com", &[("callbackUrl", "/dashboard")])
        .await;
    let answer = follow_link(&mut browser, &s.outbox).await;
    assert_eq!(
        answer.header("location"),
        Some(
            format!("{SITE}/welcome?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Fdashboard")
                .as_str()
        )
    );
    browser
        .request_email_sign_in("ada@example.com", &[("callbackUrl", "/dashboard")])
        .await;
    let answer = follow_link(&mut browser, &s.outbox).await;
    assert_eq!(
        answer.header("location"),
        Some(format!("{SITE}/dashboard").as_str())
    );
}

#[tokio::test]
async fn v5_mode_signs_in_by_email_with_authjs_cookies() {
    let (builder, s) = builder();
    let auth = builder
        .compatibility(Compatibility::AuthJsV5)
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    let csrf = browser.csrf_token().await;
    let answer = browser
        .send(
            http::Method::POST,
            "/api/auth/signin/email",
            Some("application/x-www-form-urlencoded"),
            format!("csrfToken={csrf}&email=ada%40example.com").into(),
            &[("x-auth-return-redirect", "1")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/verify-request?provider=email&type=email")
    );
    let answer = follow_link(&mut browser, &s.outbox).await;
    assert!(answer.set_cookie("authjs.session-token").is_some());
    assert_eq!(browser.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn the_confirm_page_escapes_and_a_bad_link_is_verification() {
    let (builder, _s) = builder();
    let mut browser = EngineClient::new(builder.build().unwrap());
    let page = browser
        .get("/api/auth/callback/email?token=%22%3E%3Cscript%3E&email=ada%40example.com")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("<script>"));
    assert!(page.text().contains("&quot;&gt;&lt;script&gt;"));
    for bad in [
        "/api/auth/callback/email?email=ada%40example.com",
        "/api/auth/callback/email?token=abc&email=a%2Cb%40example.com",
        "/api/auth/callback/email",
    ] {
        let answer = browser.get(bad).await;
        assert_eq!(
            answer.header("location"),
            Some(format!("{SITE}/api/auth/error?error=Verification").as_str()),
            "{bad}"
        );
    }
    // A POST without the CSRF token changes nothing.
    let answer = browser
        .post_form(
            "/api/auth/callback/email",
            &[("email", "ada@example.com"), ("token", "abc")],
        )
        .await;
    assert_eq!(
        answer.header("location"),
        Some(format!("{SITE}/api/auth/signin?csrf=true").as_str())
    );
}

/// Posts a typed code for `email`.
async fn post_code(browser: &mut EngineClient, email: &str, code: &str) -> Answer {
    browser
        .post_form_with_csrf(
            "/api/auth/callback/email",
            &[("email", email), ("code", code), ("json", "true")],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_raced_code_limit_holds_at_its_number() {
    let (builder, _s) = builder();
    let auth = builder.build().unwrap();
    let mut owner = EngineClient::new(auth.clone());
    owner.request_email_sign_in("ada@example.com", &[]).await;
    // 300 browsers, each with its CSRF token, post a wrong code at once.
    let mut browsers = Vec::new();
    for i in 0..300u32 {
        let mut browser = EngineClient::new(auth.clone());
        browser.client_address = Some(std::net::IpAddr::from([10, 1, (i / 256) as u8, i as u8]));
        let csrf = browser.csrf_token().await;
        browsers.push((browser, csrf));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (mut browser, csrf) in browsers {
        tasks.spawn(async move {
            browser
                .post_form(
                    "/api/auth/callback/email",
                    &[
                        ("csrfToken", &csrf),
                        ("email", "ada@example.com"),
                        ("code", "WRNG-CODE"),
                        ("json", "true"),
                    ],
                )
                .await
                .status
        });
    }
    let mut checked = 0;
    let mut refused = 0;
    while let Some(status) = tasks.join_next().await {
        match status.unwrap() {
            StatusCode::FORBIDDEN => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}"),
        }
    }
    assert_eq!(
        (checked, refused),
        (5, 295),
        "exactly the limit's 5 codes were checked"
    );
}

#[tokio::test]
async fn the_code_limiters_memory_stays_bounded() {
    use authrs_core::ratelimit::MemoryLimitStore;
    let store = Arc::new(MemoryLimitStore::new(
        std::num::NonZeroUsize::new(1024).unwrap(),
    ));
    let (builder, _s) = builder();
    let auth = builder.limit_store(store.clone()).build().unwrap();
    let mut browser = EngineClient::new(auth);
    // Wrong codes for 5,000 distinct addresses from as many client networks: 10,000 keys
    // offered to a store that holds 1,024.
    for i in 0..5_000u32 {
        let [_, b, c, d] = i.to_be_bytes();
        browser.client_address = Some(std::net::IpAddr::from([100, b, c, d]));
        let answer = post_code(&mut browser, &format!("user{i}@example.com"), "WRNG-CODE").await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
    }
    assert!(store.len() <= 1024, "{} keys", store.len());
    // One client alone is stopped long before: 30 attempts per network per window.
    browser.client_address = Some("192.0.2.1".parse().unwrap());
    let mut refused = 0;
    for i in 0..100 {
        let answer = post_code(&mut browser, &format!("x{i}@example.com"), "WRNG-CODE").await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(refused, 70);
}
