//! Email sign-in end to end through a real SMTP server (aiosmtpd on loopback, started per
//! test): the engine mails the link and code with [`SmtpTransport`], the test reads the
//! delivered message and follows its link or types its code, as a user would.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser};
use authrs_core::clock::FixedClock;
use authrs_core::providers::{EmailLinkMode, EmailProvider, EmailRateLimits};
use authrs_core::ratelimit::RateLimit;
use authrs_core::{Auth, SessionStrategy};
use authrs_mail::SmtpTransport;
use authrs_test_support::smtp::{ReceivedMail, SmtpServer, SmtpServerOptions};
use authrs_test_support::{EngineClient, TEST_SECRET};
use http::{Method, StatusCode};

const NOW_SECS: u64 = 1_800_000_000;
const SITE: &str = "http://localhost:3000";

struct Site {
    smtp: SmtpServer,
    auth: Auth,
    clock: Arc<FixedClock>,
    adapter: Arc<dyn Adapter>,
}

impl Site {
    fn browser(&self) -> EngineClient {
        EngineClient::new(self.auth.clone())
    }
}

fn plain_smtp(smtp: &SmtpServer) -> SmtpTransport {
    let url = format!("smtp://127.0.0.1:{}?tls=none", smtp.port());
    SmtpTransport::new(&url, "Example <no-reply@example.com>").unwrap()
}

async fn site_with(
    adapter: Arc<dyn Adapter>,
    configure: impl FnOnce(EmailProvider) -> EmailProvider,
) -> Site {
    let smtp = SmtpServer::start().await;
    let clock = Arc::new(FixedClock::at_secs(NOW_SECS));
    let provider = configure(EmailProvider::new(plain_smtp(&smtp)));
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(adapter.clone())
        .provider(provider)
        .build()
        .unwrap();
    Site {
        smtp,
        auth,
        clock,
        adapter,
    }
}

async fn site() -> Site {
    site_with(Arc::new(MemoryAdapter::new()), |p| p).await
}

/// What the sign-in requests of these tests send beside the address: land on `/dashboard`,
/// in JSON-redirect mode.
const TO_DASHBOARD_AS_JSON: &[(&str, &str)] = &[("callbackUrl", "/dashboard"), ("json", "true")];

/// Requests a sign-in mail for `email` and returns it as delivered.
async fn mail_for(site: &mut Site, browser: &mut EngineClient, email: &str) -> ReceivedMail {
    let answer = browser
        .request_email_sign_in(email, TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/verify-request?provider=email&type=email"),
        "{}",
        answer.text()
    );
    site.smtp.next_message().await
}

fn link_of(mail: &ReceivedMail) -> String {
    mail.link_containing("/api/auth/callback/email")
        .expect("the mail has a sign-in link")
}

fn path_of(link: &str) -> String {
    link.strip_prefix(SITE)
        .expect("a link to the site")
        .to_owned()
}

/// Where a sign-in that worked lands.
const DASHBOARD: &str = "http://localhost:3000/dashboard";
/// Where a link that does not work lands.
const VERIFICATION_ERROR: &str = "http://localhost:3000/api/auth/error?error=Verification";

#[tokio::test]
async fn magic_link_signs_in_through_a_real_smtp_server() {
    let mut site = site().await;
    let mut browser = site.browser();
    let mail = mail_for(&mut site, &mut browser, "Ada@Example.com").await;
    assert_eq!(mail.rcpt_tos, ["ada@example.com"]);
    assert_eq!(mail.mail_from, "no-reply@example.com");
    let decoded = mail.decoded();
    assert!(
        decoded.contains("Subject: Sign in to localhost:3000"),
        "{decoded}"
    );
    assert!(
        !decoded.to_lowercase().contains("ada@example.com</"),
        "address rendered in HTML"
    );

    let link = link_of(&mail);
    assert!(link.starts_with(&format!(
        "{SITE}/api/auth/callback/email?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Fdashboard&token="
    )));
    assert!(link.ends_with("&email=ada%40example.com"));
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "ada@example.com");

    let user = site
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified.is_some(), "the address is verified now");
}

#[tokio::test]
async fn one_time_code_signs_in_on_another_device() {
    let mut site = site().await;
    let mut laptop = site.browser();
    let mail = mail_for(&mut site, &mut laptop, "ada@example.com").await;
    let code = mail.code().expect("the mail has a code");

    // The verify-request page has the form; the code is typed on the laptop.
    let page = laptop
        .get("/api/auth/verify-request?provider=email&type=email")
        .await;
    assert!(page.text().contains(r#"name="code""#));
    let csrf = page.hidden_input("csrfToken");
    let answer = laptop
        .post_form(
            "/api/auth/callback/email",
            &[
                ("csrfToken", &csrf),
                ("email", "ada@example.com"),
                ("code", &code.to_lowercase()),
            ],
        )
        .await;
    answer.assert_signed_in_to(DASHBOARD);
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");

    // The mail's link (the other proof) signs in no more.
    let mut phone = site.browser();
    phone
        .open_email_link(&link_of(&mail))
        .await
        .assert_refused_to(VERIFICATION_ERROR);
}

#[tokio::test]
async fn reused_token_is_refused() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
    let mut other = site.browser();
    let again = other.open_email_link(&link).await;
    again.assert_refused_to(VERIFICATION_ERROR);
    assert_eq!(again.status, StatusCode::FOUND);
    let page = other.get("/api/auth/error?error=Verification").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn expired_token_is_refused() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    site.clock.advance(Duration::from_secs(15 * 60));
    browser
        .open_email_link(&link)
        .await
        .assert_refused_to(VERIFICATION_ERROR);
}

#[tokio::test]
async fn a_token_just_inside_its_fifteen_minutes_works() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    site.clock.advance(Duration::from_secs(15 * 60 - 1));
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
}

#[tokio::test]
async fn token_used_with_another_address_is_refused() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    let forged = link.replace("email=ada%40example.com", "email=mallory%40example.com");
    assert_ne!(forged, link);
    let mut mallory = site.browser();
    mallory
        .open_email_link(&forged)
        .await
        .assert_refused_to(VERIFICATION_ERROR);
    assert!(
        site.adapter
            .get_user_by_email("mallory@example.com")
            .await
            .unwrap()
            .is_none()
    );
    // The mismatch spent nothing: Ada's link still works.
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_uses_give_exactly_one_session() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    // Twenty browsers each open the confirm page, then all press the button at once.
    let mut ready = Vec::new();
    for _ in 0..20 {
        let mut other = site.browser();
        let page = other.get(&path_of(&link)).await;
        let fields: Vec<(String, String)> = ["csrfToken", "callbackUrl", "email", "token"]
            .iter()
            .map(|name| (name.to_string(), page.hidden_input(name)))
            .collect();
        ready.push((other, fields));
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(ready.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (mut other, fields) in ready {
        let barrier = barrier.clone();
        tasks.spawn(async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            barrier.wait().await;
            let answer = other.post_form("/api/auth/callback/email", &fields).await;
            answer.set_cookie("next-auth.session-token").is_some()
        });
    }
    let mut sessions = 0;
    while let Some(signed_in) = tasks.join_next().await {
        sessions += usize::from(signed_in.unwrap());
    }
    assert_eq!(sessions, 1);
}

#[tokio::test]
async fn comma_list_quoted_local_part_and_fullwidth_at_are_rejected() {
    let mut site = site().await;
    let mut browser = site.browser();
    for bad in [
        "attacker@a.com,victim@v.com",
        "\"e@attacker.com\"@victim.com",
        "victim\u{FF20}v.com@attacker.com",
        "victim@v.com\u{FF0C}attacker@a.com",
        "ada@example.com; bob@example.com",
    ] {
        let answer = browser
            .request_email_sign_in(bad, TO_DASHBOARD_AS_JSON)
            .await;
        assert_eq!(
            answer.json()["url"],
            format!("{SITE}/api/auth/error?error=EmailSignin"),
            "{bad}"
        );
    }
    // Nothing went out for them: the next message is the valid request's. A lone fullwidth
    // `@` is canonicalised first (NFKC), so it is one plain address, and the mail goes to the
    // canonical form.
    let mail = mail_for(&mut site, &mut browser, "Ada\u{FF20}example.com").await;
    assert_eq!(mail.rcpt_tos, ["ada@example.com"]);
    assert!(link_of(&mail).ends_with("&email=ada%40example.com"));
}

#[tokio::test]
async fn scanner_get_and_head_do_not_consume_the_token() {
    let mut site = site().await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    // A mail scanner fetches the link, with no cookies, several ways.
    for method in [Method::HEAD, Method::GET, Method::GET] {
        let mut scanner = site.browser();
        let answer = scanner
            .send(
                method.clone(),
                &path_of(&link),
                None,
                Default::default(),
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{method}");
        assert!(answer.set_cookie("next-auth.session-token").is_none());
    }
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
}

#[tokio::test]
async fn sign_in_on_get_mode_signs_in_on_get_but_never_on_head() {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    let mut site = site_with(adapter, |p| p.link_mode(EmailLinkMode::SignInOnGet)).await;
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    let head = browser
        .send(Method::HEAD, &path_of(&link), None, Default::default(), &[])
        .await;
    assert!(head.set_cookie("next-auth.session-token").is_none());
    browser
        .get(&path_of(&link))
        .await
        .assert_signed_in_to(DASHBOARD);
}

#[tokio::test]
async fn the_rate_limit_triggers_per_address_and_per_client() {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    let limits = EmailRateLimits {
        per_address: Some(RateLimit::new(2, Duration::from_secs(600))),
        per_client: Some(RateLimit::new(3, Duration::from_secs(600))),
        ..EmailRateLimits::default()
    };
    let mut site = site_with(adapter, |p| p.rate_limits(limits)).await;
    let mut browser = site.browser();
    browser.client_address = Some("2001:db8:1:2::10".parse().unwrap());
    mail_for(&mut site, &mut browser, "ada@example.com").await;
    mail_for(&mut site, &mut browser, "ada@example.com").await;
    let answer = browser
        .request_email_sign_in("ada@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.header("retry-after"), Some("600"));
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=RateLimited")
    );
    // The same client network, another address: the third send it asks for is refused too
    // (refused requests count against the client).
    browser.client_address = Some("2001:db8:1:2::99".parse().unwrap());
    let answer = browser
        .request_email_sign_in("bob@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    // Without JavaScript the answer is the error page itself, with Retry-After.
    let page = browser
        .request_email_sign_in("carol@example.com", &[])
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.header("retry-after").is_some());
    assert!(page.text().contains("Too many attempts"));
    // Ten minutes later both windows have moved on.
    site.clock.advance(Duration::from_secs(600));
    mail_for(&mut site, &mut browser, "ada@example.com").await;
}

#[tokio::test]
async fn limits_answer_alike_for_known_and_unknown_addresses() {
    let adapter: Arc<dyn Adapter> = Arc::new(MemoryAdapter::new());
    adapter
        .create_user(NewUser {
            email: Some("known@example.com".into()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let limits = EmailRateLimits {
        per_address: Some(RateLimit::new(1, Duration::from_secs(600))),
        ..EmailRateLimits::default()
    };
    let mut site = site_with(adapter, |p| p.rate_limits(limits)).await;
    let mut browser = site.browser();
    let mut answers = Vec::new();
    for email in ["known@example.com", "unknown@example.com"] {
        mail_for(&mut site, &mut browser, email).await;
        let answer = browser
            .request_email_sign_in(email, TO_DASHBOARD_AS_JSON)
            .await;
        answers.push((
            answer.status,
            answer.header("retry-after").map(str::to_owned),
            answer.text(),
        ));
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn too_many_wrong_codes_lock_the_address_until_the_window_moves() {
    let mut site = site().await;
    let mut browser = site.browser();
    let mail = mail_for(&mut site, &mut browser, "ada@example.com").await;
    let code = mail.code().unwrap();
    let csrf = browser.csrf_token().await;
    let code_browser = browser.clone();
    let try_code = |code: String| {
        let csrf = csrf.clone();
        let mut browser = code_browser.clone();
        async move {
            browser
                .post_form(
                    "/api/auth/callback/email",
                    &[
                        ("csrfToken", &csrf),
                        ("email", "ada@example.com"),
                        ("code", &code),
                        ("json", "true"),
                    ],
                )
                .await
        }
    };
    for _ in 0..5 {
        let answer = try_code("0000-0000".into()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert_eq!(
            answer.json()["url"],
            format!("{SITE}/api/auth/verify-request?provider=email&type=email&error=Verification")
        );
    }
    // Even the right code is refused now, and said so.
    let answer = try_code(code).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.header("retry-after").is_some());
    // Once the window has moved on, a new mail's code works.
    site.clock.advance(Duration::from_secs(15 * 60));
    let code = mail_for(&mut site, &mut browser, "ada@example.com")
        .await
        .code()
        .unwrap();
    try_code(code).await.assert_signed_in_json_to(DASHBOARD);
}

#[tokio::test]
async fn a_failed_delivery_is_email_signin() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let transport = SmtpTransport::new(
        &format!("smtp://127.0.0.1:{port}?tls=none"),
        "no-reply@example.com",
    )
    .unwrap();
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .adapter(Arc::new(MemoryAdapter::new()))
        .session_strategy(SessionStrategy::Jwt)
        .provider(EmailProvider::new(transport))
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    let answer = browser
        .request_email_sign_in("ada@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=EmailSignin")
    );
}

/// A self-signed certificate for `localhost`, written as PEM files; returns (cert, key) paths.
fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let cert_path = dir.join("cert.pem");
    let key_path = dir.join("key.pem");
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    (cert_path, key_path, cert.pem())
}

#[tokio::test]
async fn smtp_with_starttls_and_authentication() {
    let dir = authrs_test_support::TempDir::new("authrs-mail-tls");
    let (cert, key, pem) = certificate(dir.path());
    let mut smtp = SmtpServer::start_with(SmtpServerOptions {
        tls: Some((cert, key)),
        auth: Some("mailer:s3cret".into()),
    })
    .await;
    let port = smtp.port();
    let send_as = |password: &str| {
        SmtpTransport::builder(
            &format!("smtp://mailer:{password}@localhost:{port}"),
            "no-reply@example.com",
        )
        .unwrap()
        .add_root_certificate_pem(pem.as_bytes())
        .unwrap()
        .build()
        .unwrap()
    };
    let site_for = |transport: SmtpTransport| {
        Auth::builder()
            .url(format!("{SITE}/api/auth"))
            .secret(TEST_SECRET)
            .adapter(Arc::new(MemoryAdapter::new()))
            .provider(EmailProvider::new(transport))
            .build()
            .unwrap()
    };
    let mut browser = EngineClient::new(site_for(send_as("s3cret")));
    let answer = browser
        .request_email_sign_in("ada@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert!(
        answer.json()["url"]
            .as_str()
            .unwrap()
            .contains("verify-request")
    );
    let mail = smtp.next_message().await;
    assert_eq!(mail.rcpt_tos, ["ada@example.com"]);

    let mut browser = EngineClient::new(site_for(send_as("wrong")));
    let answer = browser
        .request_email_sign_in("ada@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=EmailSignin")
    );

    // Without the test root the server's certificate is not trusted: no clear-text fallback.
    let untrusted = SmtpTransport::new(
        &format!("smtp://mailer:s3cret@localhost:{port}"),
        "no-reply@example.com",
    )
    .unwrap();
    let mut browser = EngineClient::new(site_for(untrusted));
    let answer = browser
        .request_email_sign_in("ada@example.com", TO_DASHBOARD_AS_JSON)
        .await;
    assert_eq!(
        answer.json()["url"],
        format!("{SITE}/api/auth/error?error=EmailSignin")
    );
    assert!(smtp.is_empty());
}

#[tokio::test]
async fn database_sessions_on_sqlite_end_to_end() {
    let dir = authrs_test_support::TempDir::new("authrs-mail-sqlite");
    let path = dir.join("authrs.db");
    let adapter = authrs_sqlx::SqliteAdapter::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut site = site_with(Arc::new(adapter), |p| p).await;
    assert_eq!(site.auth.session_strategy(), SessionStrategy::Database);
    let mut browser = site.browser();
    let link = link_of(&mail_for(&mut site, &mut browser, "ada@example.com").await);
    browser
        .open_email_link(&link)
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(browser.session().await["user"]["email"], "ada@example.com");
}
