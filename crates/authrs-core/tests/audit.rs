//! Security events (issue 16 §4, ASVS 16.3), driven in-process against the memory adapter:
//! each flow leaves its event for its user, with the provider, the client's network and user
//! agent; failures of a real account are kept, failures of made-up addresses are not; the
//! account page and `GET /account/events` show the user theirs; the sweep keeps to the
//! retention.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, MemoryAdapter, Timestamp};
use authrs_core::audit::{Audit, AuditEvent, AuditFilter, AuditKind};
use authrs_core::background::{Background, Task};
use authrs_core::clock::FixedClock;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, EmailPurpose};
use authrs_core::{Auth, AuthBuilder, ConfigError, EmailPassword};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// Background work as a server runs it (the lookup behind a failed password or code runs
/// only there), with a way to wait for it.
#[derive(Default)]
struct Spawned(std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>);

impl Background for Spawned {
    fn spawn(&self, task: Task) -> Option<Task> {
        self.0.lock().unwrap().push(tokio::spawn(task));
        None
    }
}

struct Setup {
    background: Arc<Spawned>,
    builder: AuthBuilder,
    adapter: Arc<MemoryAdapter>,
    outbox: Arc<Outbox>,
    hasher: Arc<PasswordHasher>,
    clock: Arc<FixedClock>,
}

fn setup() -> Setup {
    let adapter = Arc::new(MemoryAdapter::new());
    let outbox = Arc::new(Outbox::default());
    let hasher = Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap());
    let clock = Arc::new(FixedClock::at_secs(1_800_000_000));
    let background = Arc::new(Spawned::default());
    let builder = Auth::builder()
        .background(background.clone())
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(adapter.clone())
        .password_hashing(hasher.clone())
        .email_password(EmailPassword {
            transport: Some(outbox.clone()),
            ..EmailPassword::default()
        })
        .provider(EmailProvider::with_transport(outbox.clone()));
    Setup {
        background,
        builder,
        adapter,
        outbox,
        hasher,
        clock,
    }
}

impl Setup {
    /// A proven account with a password.
    async fn user(&self, email: &str) -> String {
        let hash = self.hasher.hash(PASSWORD).unwrap();
        authrs_test_support::verified_user(self.adapter.as_ref(), email, hash).await
    }

    /// A browser with this user agent and address, not signed in.
    fn browser(&self, agent: &str, address: &str) -> EngineClient {
        let mut c = EngineClient::new(self.builder.clone().build().unwrap());
        c.extra_headers
            .insert(http::header::USER_AGENT, agent.parse().unwrap());
        c.client_address = Some(address.parse().unwrap());
        c
    }

    /// Waits for the background work started so far.
    async fn settle(&self) {
        loop {
            let started = std::mem::take(&mut *self.background.0.lock().unwrap());
            if started.is_empty() {
                return;
            }
            for task in started {
                task.await.unwrap();
            }
        }
    }

    /// The user's events, the latest first, once the background work is done.
    async fn events(&self, user_id: &str) -> Vec<AuditEvent> {
        self.settle().await;
        (self
            .adapter
            .list_audit_events(user_id, AuditFilter::All, 100)
            .await)
            .unwrap()
    }

    async fn kinds(&self, user_id: &str) -> Vec<AuditKind> {
        let mut kinds: Vec<AuditKind> = self.events(user_id).await.iter().map(|e| e.kind).collect();
        kinds.reverse();
        kinds
    }
}

/// Posts one of the account page's forms as the page does.
async fn post(c: &mut EngineClient, path: &str, fields: &[(&str, &str)]) -> Answer {
    let mut form = vec![("from", "account")];
    form.extend_from_slice(fields);
    c.post_form_with_csrf(path, &form).await
}

#[tokio::test]
async fn each_account_flow_leaves_its_event_with_the_provider_network_and_device() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut laptop = s.browser(FIREFOX, "203.0.113.77");
    let signed_in = laptop
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert_eq!(signed_in.status, StatusCode::OK);
    let first = &s.events(&ada).await[0];
    assert_eq!(first.kind, AuditKind::SignIn);
    assert_eq!(first.provider.as_deref(), Some("email-password"));
    assert_eq!(first.client_network.as_deref(), Some("203.0.113.0/24"));
    assert_eq!(first.user_agent.as_deref(), Some(FIREFOX));
    assert_eq!(first.at, Timestamp::from_secs(1_800_000_000));

    // A wrong password for Ada's address, from elsewhere: stored for Ada.
    let mut guesser = s.browser(IPHONE, "2001:db8:1:2::9");
    let wrong = guesser
        .sign_in_with_email_password("ADA@example.com", "guess")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let failed = &s.events(&ada).await[0];
    assert_eq!(failed.kind, AuditKind::SignInFailed);
    assert_eq!(failed.detail.as_deref(), Some("CredentialsSignin"));
    assert_eq!(failed.client_network.as_deref(), Some("2001:db8:1:2::/64"));

    let mut phone = s.browser(IPHONE, "198.51.100.4");
    phone
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    let sessions = laptop.get("/api/auth/account/sessions").await.json();
    let phone_id = sessions["sessions"][1]["id"].as_str().unwrap().to_owned();
    post(
        &mut laptop,
        "/api/auth/account/revoke-session",
        &[("session", &phone_id)],
    )
    .await;
    let mut tablet = s.browser(IPHONE, "198.51.100.5");
    tablet
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    post(&mut laptop, "/api/auth/account/revoke-other-sessions", &[]).await;
    post(
        &mut laptop,
        "/api/auth/account/profile",
        &[("name", "Ada L.")],
    )
    .await;
    let refused = post(
        &mut laptop,
        "/api/auth/account/change-password",
        &[
            ("currentPassword", "guess"),
            ("newPassword", "a new long password"),
        ],
    )
    .await;
    assert!(refused.redirect_url().unwrap().contains("error="));
    post(
        &mut laptop,
        "/api/auth/account/change-password",
        &[
            ("currentPassword", PASSWORD),
            ("newPassword", "a new long password"),
        ],
    )
    .await;
    let mut again = s.browser(FIREFOX, "203.0.113.77");
    again
        .sign_in_with_email_password("ada@example.com", "a new long password")
        .await;
    again
        .post_form_with_csrf("/api/auth/signout", &[("callbackUrl", "/")])
        .await;
    let mut last = s.browser(FIREFOX, "203.0.113.77");
    last.sign_in_with_email_password("ada@example.com", "a new long password")
        .await;
    last.post_form_with_csrf("/api/auth/account/signout-everywhere", &[])
        .await;

    assert_eq!(
        s.kinds(&ada).await,
        [
            AuditKind::SignIn,
            AuditKind::SignInFailed,
            AuditKind::SignIn,
            AuditKind::SessionRevoked,
            AuditKind::SignIn,
            AuditKind::OtherSessionsRevoked,
            AuditKind::ProfileUpdated,
            AuditKind::ProofFailed,
            AuditKind::PasswordChanged,
            AuditKind::SignIn,
            AuditKind::SignOut,
            AuditKind::SignIn,
            AuditKind::SignedOutEverywhere,
        ]
    );
}

#[tokio::test]
async fn failures_of_addresses_without_an_account_are_not_stored() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    for address in ["nobody@example.com", "eve@example.com", "not an address"] {
        let wrong = c.sign_in_with_email_password(address, "guess").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    // None is Ada's; the server's tests count the table's rows on SQLite and PostgreSQL.
    assert!(s.events(&ada).await.is_empty());
}

#[tokio::test]
async fn a_wrong_email_code_is_recorded_for_the_account_it_names() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    c.request_email_sign_in("ada@example.com", &[]).await;
    let wrong = c
        .post_form_with_csrf(
            "/api/auth/callback/email",
            &[("email", "ada@example.com"), ("code", "AAAA-AAAA")],
        )
        .await;
    assert!(
        (wrong.redirect_url().unwrap()).ends_with("error=Verification"),
        "{:?}",
        wrong.redirect_url()
    );
    let failed = &s.events(&ada).await[0];
    assert_eq!(failed.kind, AuditKind::SignInFailed);
    assert_eq!(failed.provider.as_deref(), Some("email"));
    assert_eq!(failed.detail.as_deref(), Some("WrongCode"));

    let link = s.outbox.last().unwrap().url;
    c.open_email_link(&link).await;
    let signed_in = &s.events(&ada).await[0];
    assert_eq!(signed_in.kind, AuditKind::SignIn);
    assert_eq!(signed_in.provider.as_deref(), Some("email"));

    // A first email sign-in creates the account, and says so.
    c.request_email_sign_in("lin@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    let mut lin = s.browser(FIREFOX, "203.0.113.78");
    lin.open_email_link(&link).await;
    let lin_id = (s.adapter.get_user_by_email("lin@example.com").await)
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        s.kinds(&lin_id).await,
        [AuditKind::AccountCreated, AuditKind::SignIn]
    );
}

#[tokio::test]
async fn sign_up_proof_and_password_reset_are_recorded() {
    let s = setup();
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    c.post_form_with_csrf_json(
        "/api/auth/account/signup",
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    s.settle().await;
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::VerifyEmail);
    let wrong = c
        .post_form_with_csrf(
            "/api/auth/account/verify-email",
            &[("email", "ada@example.com"), ("code", "AAAA-AAAA")],
        )
        .await;
    assert!(
        (wrong.redirect_url().unwrap()).ends_with("error=Verification"),
        "{:?}",
        wrong.redirect_url()
    );
    s.settle().await;
    c.open_email_link(&mail.url).await;
    let ada = (s.adapter.get_user_by_email("ada@example.com").await)
        .unwrap()
        .unwrap()
        .id;
    let created = s.events(&ada).await.pop().unwrap();
    assert_eq!(created.kind, AuditKind::AccountCreated);
    assert_eq!(
        created.client_network.as_deref(),
        Some("203.0.113.0/24"),
        "the background task keeps the request's client"
    );

    c.post_form_with_csrf_json(
        "/api/auth/account/reset-password-request",
        &[("email", "ada@example.com")],
    )
    .await;
    s.settle().await;
    let link = url::Url::parse(&s.outbox.last().unwrap().url).unwrap();
    let get = |name: &str| {
        (link.query_pairs().find(|(k, _)| k == name))
            .unwrap()
            .1
            .into_owned()
    };
    let (email, token) = (get("email"), get("token"));
    let reset = c
        .post_form_with_csrf_json(
            "/api/auth/account/reset-password",
            &[
                ("email", &email),
                ("token", &token),
                ("password", "battery staple horse"),
            ],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text());
    assert_eq!(
        s.kinds(&ada).await,
        [
            AuditKind::AccountCreated,
            AuditKind::SignInFailed,
            AuditKind::EmailVerified,
            AuditKind::SignIn,
            AuditKind::PasswordReset,
        ]
    );
}

#[tokio::test]
async fn the_page_and_the_json_route_show_the_user_only_their_own_events() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    s.user("grace@example.com").await;
    let mut grace = s.browser(IPHONE, "198.51.100.4");
    grace
        .sign_in_with_email_password("grace@example.com", PASSWORD)
        .await;
    let mut guesser = s.browser(IPHONE, "2001:db8::1");
    guesser
        .sign_in_with_email_password("ada@example.com", "guess")
        .await;
    s.settle().await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;

    let page = c.get("/api/auth/account").await.text();
    assert!(page.contains("Recent security activity"), "{page}");
    assert!(page.contains("Failed sign-in attempt"));
    assert!(page.contains("With Password"), "the provider's name");
    assert!(page.contains("<bdi>Safari on iOS</bdi> · <bdi>Network 2001:db8::/64</bdi>"));
    assert!(page.contains("<bdi>Firefox on Linux</bdi> · <bdi>Network 203.0.113.0/24</bdi>"));
    assert!(!page.contains("198.51.100"), "not Grace's");

    let json = c.get("/api/auth/account/events").await;
    assert_eq!(json.status, StatusCode::OK);
    assert!(json.header("cache-control").unwrap().contains("no-store"));
    let body = json.json();
    assert_eq!(body["stored"], true);
    let events = body["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["sign_in", "sign_in_failed"]);
    assert_eq!(events[0]["provider"], "email-password");
    assert_eq!(events[0]["browser"], "Firefox");
    assert_eq!(events[0]["network"], "203.0.113.0/24");
    assert_eq!(events[0]["at"], "2027-01-15T08:00:00.000Z");
    assert_eq!(events[1]["detail"], "CredentialsSignin");
    assert_eq!(s.events(&ada).await.len(), 2);

    let mut visitor = s.browser(FIREFOX, "203.0.113.9");
    let answer = visitor.get("/api/auth/account/events").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"], "SessionRequired");
}

#[tokio::test]
async fn a_deleted_accounts_events_stay_until_the_retention_passes() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    post(&mut c, "/api/auth/account/delete", &[("password", "nope")]).await;
    let deleted = post(
        &mut c,
        "/api/auth/account/delete",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(deleted.redirect_url().unwrap(), "http://localhost:3000");
    assert!(s.adapter.get_user(&ada).await.unwrap().is_none());
    assert_eq!(
        s.kinds(&ada).await,
        [
            AuditKind::SignIn,
            AuditKind::ProofFailed,
            AuditKind::AccountDeleted
        ]
    );

    let auth = c.auth().clone();
    s.clock.advance(Duration::from_secs(89 * 24 * 60 * 60));
    auth.sweep_expired().await.unwrap();
    assert_eq!(s.events(&ada).await.len(), 3, "within 90 days they stay");
    s.clock.advance(Duration::from_secs(2 * 24 * 60 * 60));
    auth.sweep_expired().await.unwrap();
    assert!(s.events(&ada).await.is_empty(), "past 90 days they go");
}

#[tokio::test]
async fn log_only_stores_nothing_and_the_page_has_no_activity_section() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let builder = s.builder.clone().audit(Audit::log_only());
    let mut c = EngineClient::new(builder.build().unwrap());
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    c.sign_in_with_email_password("ada@example.com", "guess")
        .await;
    assert!(s.events(&ada).await.is_empty());
    let page = c.get("/api/auth/account").await.text();
    assert!(page.contains("Where you are signed in"), "{page}");
    assert!(!page.contains("Recent security activity"));
    let body: Value = c.get("/api/auth/account/events").await.json();
    assert_eq!(body["stored"], false);
    assert_eq!(body["events"], serde_json::json!([]));
}

#[tokio::test]
async fn a_retention_shorter_than_a_day_is_refused() {
    let s = setup();
    let short = Audit::stored_for(Duration::from_secs(3600));
    let refused = s.builder.clone().audit(short).build().unwrap_err();
    assert_eq!(
        refused,
        ConfigError::AuditRetentionTooShort(Duration::from_secs(3600))
    );
    // Not stored, the retention does not matter.
    let mut log_only = Audit::log_only();
    log_only.retention = Duration::from_secs(1);
    assert!(s.builder.clone().audit(log_only).build().is_ok());
}

#[tokio::test]
async fn malformed_codes_count_against_the_code_limit_and_store_no_more_than_it() {
    // A code that is not even the code's shape used to skip the code limit, and each one
    // stored a failed sign-in on the named account.
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let answer = c
            .post_form_with_csrf(
                "/api/auth/callback/email",
                &[("email", "ada@example.com"), ("code", "!")],
            )
            .await;
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::FOUND).count(),
        5,
        "five attempts per address, then 429: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(s.events(&ada).await.len(), 5);
}

#[tokio::test]
async fn a_guessers_failures_neither_fill_the_table_nor_push_a_sign_in_off_the_page() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    // Without the password throttle, only the audit budget bounds what is stored.
    let builder = (s.builder.clone()).password_throttle(authrs_core::PasswordThrottle::off());
    let mut owner = EngineClient::new(builder.clone().build().unwrap());
    owner.client_address = Some("203.0.113.77".parse().unwrap());
    owner
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    let mut guesser = EngineClient::new(builder.build().unwrap());
    guesser.client_address = Some("198.51.100.4".parse().unwrap());
    for n in 0..30 {
        let answer = guesser
            .sign_in_with_email_password("ada@example.com", &format!("guess {n}"))
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let events = s.events(&ada).await;
    let failures = events.iter().filter(|e| e.kind.is_failure()).count();
    assert_eq!(failures, 20, "the default budget: 20 failures an hour");
    assert_eq!(events.len(), 21);

    let page = owner.get("/api/auth/account").await.text();
    assert_eq!(page.matches(r#"<li class="failed">"#).count(), 5, "{page}");
    assert!(page.contains("Signed in"), "the sign-in is still shown");

    // An hour later the budget has room again.
    s.clock.advance(Duration::from_secs(60 * 60));
    guesser
        .sign_in_with_email_password("ada@example.com", "guess again")
        .await;
    assert_eq!(s.events(&ada).await.len(), 22);
}

#[tokio::test]
async fn a_users_own_changes_are_stored_within_a_budget_and_no_ops_are_not_events() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser(FIREFOX, "203.0.113.77");
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    // Nothing changes: nothing is recorded.
    post(&mut c, "/api/auth/account/profile", &[]).await;
    post(&mut c, "/api/auth/account/revoke-other-sessions", &[]).await;
    assert_eq!(s.kinds(&ada).await, [AuditKind::SignIn]);

    for n in 0..70 {
        let answer = post(
            &mut c,
            "/api/auth/account/profile",
            &[("name", &format!("Ada {n}"))],
        )
        .await;
        assert!(
            answer
                .redirect_url()
                .unwrap()
                .ends_with("notice=ProfileSaved")
        );
    }
    assert_eq!(
        s.events(&ada).await.len(),
        60,
        "the sign-in and 59 changes: the default budget of 60 an hour"
    );
    let name = s.adapter.get_user(&ada).await.unwrap().unwrap().name;
    assert_eq!(
        name.as_deref(),
        Some("Ada 69"),
        "the changes themselves were made"
    );
    // What changes how the account signs in is stored past the budget.
    let changed = post(
        &mut c,
        "/api/auth/account/change-password",
        &[
            ("currentPassword", PASSWORD),
            ("newPassword", "a new long password"),
        ],
    )
    .await;
    assert!(
        (changed.redirect_url().unwrap()).ends_with("notice=PasswordChanged"),
        "{:?}",
        changed.redirect_url()
    );
    let kinds = s.kinds(&ada).await;
    assert_eq!(kinds.last(), Some(&AuditKind::PasswordChanged), "{kinds:?}");
}

#[tokio::test]
async fn a_revoked_jwt_that_signs_out_again_records_nothing() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let builder = (s.builder.clone())
        .session_strategy(authrs_core::SessionStrategy::Jwt)
        .revocable_jwt(true);
    let mut c = EngineClient::new(builder.build().unwrap());
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    let stolen = c.jar.clone();
    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    // The copy of the cookie, signed out already, signs out of nothing.
    c.jar = stolen;
    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert_eq!(s.kinds(&ada).await, [AuditKind::SignIn, AuditKind::SignOut]);
}

#[tokio::test]
async fn without_a_background_a_failed_password_is_logged_but_not_looked_up() {
    // The look-up and the write would be on the request path, where their time tells whether
    // the address has an account.
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .adapter(s.adapter.clone())
        .password_hashing(s.hasher.clone())
        .email_password(EmailPassword {
            transport: Some(s.outbox.clone()),
            ..EmailPassword::default()
        });
    let mut c = EngineClient::new(builder.build().unwrap());
    c.sign_in_with_email_password("ada@example.com", "guess")
        .await;
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert_eq!(s.kinds(&ada).await, [AuditKind::SignIn]);
}
