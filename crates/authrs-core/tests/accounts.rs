//! Email-and-password accounts (`/account/*` and the `email-password` provider), sign-out
//! everywhere and revocable JWT sessions, driven in-process against the memory adapter.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use authrs_core::adapter::{Adapter, MemoryAdapter};
use authrs_core::clock::FixedClock;
use authrs_core::password::{PasswordError, PasswordHasher, PasswordHashing};
use authrs_core::{Auth, AuthBuilder, ConfigError, EmailPassword, SessionStrategy};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::json;

const NOW_SECS: u64 = 1_800_000_000;

/// Fast argon2 parameters, counting every verification.
struct Counting {
    hasher: PasswordHasher,
    verifications: AtomicUsize,
}

impl Counting {
    fn new(memory_kib: u32) -> Arc<Self> {
        Arc::new(Self {
            hasher: PasswordHasher::with_params(memory_kib, 1, 1).unwrap(),
            verifications: AtomicUsize::new(0),
        })
    }
}

#[async_trait]
impl PasswordHashing for Counting {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.hasher.hash(password)
    }
    async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        self.verifications.fetch_add(1, Ordering::SeqCst);
        self.hasher.verify(password, stored)
    }
    fn needs_rehash(&self, stored: &str) -> bool {
        self.hasher.needs_rehash(stored)
    }
}

struct Setup {
    builder: AuthBuilder,
    adapter: Arc<MemoryAdapter>,
    clock: Arc<FixedClock>,
    hashing: Arc<Counting>,
    outbox: Arc<Outbox>,
}

impl Setup {
    /// A browser on a fresh engine built from this setup.
    fn client(&self) -> EngineClient {
        EngineClient::new(self.builder.clone().build().unwrap())
    }
}

fn setup() -> Setup {
    let adapter = Arc::new(MemoryAdapter::new());
    let clock = Arc::new(FixedClock::at_secs(NOW_SECS));
    let hashing = Counting::new(256);
    let outbox = Arc::new(Outbox::default());
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(adapter.clone())
        .password_hashing(hashing.clone())
        .email_password(EmailPassword {
            reset_transport: Some(outbox.clone()),
            ..EmailPassword::default()
        });
    Setup {
        builder,
        adapter,
        clock,
        hashing,
        outbox,
    }
}

async fn post(c: &mut EngineClient, path: &str, fields: &[(&str, &str)]) -> Answer {
    let token = c.csrf_token().await;
    let mut form = vec![("csrfToken", token.as_str()), ("json", "true")];
    form.extend_from_slice(fields);
    c.post_form(path, &form).await
}

async fn sign_up(c: &mut EngineClient, email: &str, password: &str) -> Answer {
    post(
        c,
        "/api/auth/account/signup",
        &[("email", email), ("password", password), ("name", "Ada")],
    )
    .await
}

async fn sign_in(c: &mut EngineClient, email: &str, password: &str) -> Answer {
    c.sign_in_with(
        "email-password",
        &[("email", email), ("password", password)],
    )
    .await
}

async fn sign_in_status(c: &mut EngineClient, email: &str, password: &str) -> StatusCode {
    sign_in(c, email, password).await.status
}

fn signed_in(c: &EngineClient) -> bool {
    c.jar.contains_key("next-auth.session-token")
}

#[tokio::test]
async fn sign_up_then_sign_in_with_the_normalised_address() {
    let s = setup();
    let mut c = s.client();
    let answer = sign_up(&mut c, "  Ada@Example.COM", "correct horse").await;
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/signin?notice=AccountCreated"})
    );
    assert!(!signed_in(&c));
    let stored = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name.as_deref(), Some("Ada"));
    let hash = s
        .adapter
        .get_password_hash(&stored.id)
        .await
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "only the hash is stored");
    assert_eq!(
        sign_in_status(&mut c, "ADA@example.com", "correct horse").await,
        StatusCode::OK
    );
    assert_eq!(c.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn providers_list_the_email_password_provider() {
    let s = setup();
    let mut c = s.client();
    let providers = c.get("/api/auth/providers").await.json();
    assert_eq!(providers["email-password"]["type"], "credentials");
    let page = c.get("/api/auth/signin").await.text();
    assert!(
        page.contains(r#"action="http://localhost:3000/api/auth/account/signup""#),
        "the page offers sign-up"
    );
    assert!(page.contains("Forgot your password?"));
}

#[tokio::test]
async fn sign_up_answers_the_same_for_a_taken_address_and_keeps_the_owners_password() {
    let s = setup();
    let mut c = s.client();
    let first = sign_up(&mut c, "ada@example.com", "correct horse").await;
    let second = sign_up(&mut c, "ada@example.com", "attacker's choice").await;
    assert_eq!((first.status, first.body), (second.status, second.body));
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "attacker's choice").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_up_refuses_bad_addresses_and_passwords() {
    let s = setup();
    let mut c = s.client();
    for (email, password, code) in [
        ("a@a.com,victim@v.com", "correct horse", "InvalidEmail"),
        (
            r#""x@evil.com"@victim.com"#,
            "correct horse",
            "InvalidEmail",
        ),
        ("ada＠evil.com@victim.com", "correct horse", "InvalidEmail"),
        ("ada@example.com", "short", "PasswordPolicy"),
        ("ada@example.com", &"x".repeat(1025), "PasswordPolicy"),
    ] {
        let answer = sign_up(&mut c, email, password).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{email}");
        assert_eq!(
            answer.json()["url"],
            format!("http://localhost:3000/api/auth/signin?error={code}")
        );
    }
    assert!(
        s.adapter
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn account_routes_need_csrf() {
    let s = setup();
    let mut c = s.client();
    let answer = c
        .post_form(
            "/api/auth/account/signup",
            &[
                ("email", "ada@example.com"),
                ("password", "correct horse"),
                ("json", "true"),
            ],
        )
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?csrf=true"
    );
    assert!(
        s.adapter
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn account_routes_are_absent_unless_enabled() {
    let mut c = EngineClient::new(Auth::builder().secret(TEST_SECRET).build().unwrap());
    assert_eq!(
        sign_up(&mut c, "ada@example.com", "correct horse")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let s = setup();
    let closed = s.builder.email_password(EmailPassword {
        sign_up: false,
        ..EmailPassword::default()
    });
    let mut c = EngineClient::new(closed.build().unwrap());
    assert_eq!(
        sign_up(&mut c, "ada@example.com", "correct horse")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert!(
        !c.get("/api/auth/signin")
            .await
            .text()
            .contains("/account/signup")
    );
}

#[test]
fn email_password_and_revocable_jwt_need_an_adapter() {
    let error = Auth::builder()
        .secret(TEST_SECRET)
        .email_password(EmailPassword::default())
        .build()
        .unwrap_err();
    assert_eq!(
        error,
        ConfigError::NeedsAdapter("email-and-password accounts")
    );
    let error = Auth::builder()
        .secret(TEST_SECRET)
        .revocable_jwt(true)
        .build()
        .unwrap_err();
    assert_eq!(error, ConfigError::NeedsAdapter("revocable JWT sessions"));
}

#[tokio::test]
async fn unknown_address_and_wrong_password_cost_one_verification_each_and_answer_alike() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let before = s.hashing.verifications.load(Ordering::SeqCst);
    let wrong = sign_in(&mut c, "ada@example.com", "wrong").await;
    let unknown = sign_in(&mut c, "nobody@example.com", "wrong").await;
    let invalid = sign_in(&mut c, "not an address", "wrong").await;
    assert_eq!(s.hashing.verifications.load(Ordering::SeqCst) - before, 3);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!((wrong.status, &wrong.body), (invalid.status, &invalid.body));
}

#[tokio::test]
async fn a_hash_with_old_parameters_is_replaced_at_sign_in() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let user = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    let old = s
        .adapter
        .get_password_hash(&user.id)
        .await
        .unwrap()
        .unwrap();
    // The same store, now served with stronger parameters.
    let stronger = Counting::new(512);
    let upgraded = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(s.clock.clone())
        .adapter(s.adapter.clone())
        .password_hashing(stronger.clone())
        .email_password(EmailPassword::default())
        .build()
        .unwrap();
    let mut c = EngineClient::new(upgraded);
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
    let new = s
        .adapter
        .get_password_hash(&user.id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(old, new);
    assert!(new.contains("m=512"), "{new}");
    assert!(!stronger.needs_rehash(&new));
}

#[tokio::test]
async fn change_password_needs_the_current_one_and_signs_out_everywhere() {
    let s = setup();
    let auth = s.builder.build().unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut phone, "ada@example.com", "correct horse").await;

    let wrong = post(
        &mut laptop,
        "/api/auth/account/change-password",
        &[
            ("currentPassword", "nope"),
            ("newPassword", "battery staple"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(signed_in(&laptop));

    let answer = post(
        &mut laptop,
        "/api/auth/account/change-password",
        &[
            ("currentPassword", "correct horse"),
            ("newPassword", "battery staple"),
        ],
    )
    .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordChanged"
    );
    assert_eq!(laptop.session().await, json!({}));
    assert_eq!(
        phone.session().await,
        json!({}),
        "every device is signed out"
    );
    assert_eq!(
        sign_in_status(&mut phone, "ada@example.com", "correct horse").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&mut phone, "ada@example.com", "battery staple").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn change_password_needs_a_session() {
    let s = setup();
    let mut c = s.client();
    let answer = post(
        &mut c,
        "/api/auth/account/change-password",
        &[("currentPassword", "a"), ("newPassword", "battery staple")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?error=SessionRequired"
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_database_session() {
    let s = setup();
    let auth = s.builder.build().unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut phone, "ada@example.com", "correct horse").await;
    let answer = post(
        &mut phone,
        "/api/auth/account/signout-everywhere",
        &[("callbackUrl", "/bye")],
    )
    .await;
    assert_eq!(answer.json(), json!({"url": "http://localhost:3000/bye"}));
    assert_eq!(laptop.session().await, json!({}));
    assert_eq!(phone.session().await, json!({}));
}

#[tokio::test]
async fn revocable_jwt_sessions_end_on_sign_out_everywhere() {
    let s = setup();
    let auth = s
        .builder
        .session_strategy(SessionStrategy::Jwt)
        .revocable_jwt(true)
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut phone, "ada@example.com", "correct horse").await;
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
    post(&mut phone, "/api/auth/account/signout-everywhere", &[]).await;
    assert_eq!(
        laptop.session().await,
        json!({}),
        "a copied JWT is dead too"
    );
    // Signing in again afterwards works, a millisecond later as much as a day later.
    s.clock.advance(Duration::from_millis(1));
    sign_in(&mut laptop, "ada@example.com", "correct horse").await;
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
    s.clock.advance(Duration::from_secs(5));
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn without_revocation_a_jwt_outlives_sign_out_everywhere() {
    // The documented trade-off: JWT sessions are only revocable with `revocable_jwt`.
    let s = setup();
    let auth = s
        .builder
        .session_strategy(SessionStrategy::Jwt)
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut laptop, "ada@example.com", "correct horse").await;
    sign_in(&mut phone, "ada@example.com", "correct horse").await;
    post(&mut phone, "/api/auth/account/signout-everywhere", &[]).await;
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
}

/// Requests a reset for `email` and returns the link the transport got, if any.
async fn request_reset(s: &Setup, c: &mut EngineClient, email: &str) -> (Answer, Option<String>) {
    let sent = s.outbox.len();
    let answer = post(
        c,
        "/api/auth/account/reset-password-request",
        &[("email", email)],
    )
    .await;
    let link = s.outbox.messages().get(sent).map(|m| m.url.clone());
    (answer, link)
}

fn link_params(url: &str) -> (String, String) {
    let url = url::Url::parse(url).unwrap();
    let get = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .unwrap()
            .1
            .into_owned()
    };
    (get("email"), get("token"))
}

#[tokio::test]
async fn password_reset_works_once_through_the_transport() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let (answer, link) = request_reset(&s, &mut c, "ADA@example.com").await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=ResetSent"
    );
    let link = link.expect("a link was sent");
    assert!(link.starts_with(
        "http://localhost:3000/api/auth/account/reset-password?email=ada%40example.com&token="
    ));
    let (email, token) = link_params(&link);
    let page = c
        .get(link.strip_prefix("http://localhost:3000").unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"name="token""#));

    let fields = [
        ("email", email.as_str()),
        ("token", token.as_str()),
        ("password", "battery staple"),
    ];
    let answer = post(&mut c, "/api/auth/account/reset-password", &fields).await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "battery staple").await,
        StatusCode::OK
    );
    // The link is single-use.
    let again = post(&mut c, "/api/auth/account/reset-password", &fields).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert_eq!(
        again.json()["url"],
        "http://localhost:3000/api/auth/error?error=Verification"
    );
}

#[tokio::test]
async fn reset_request_for_an_unknown_address_answers_the_same_and_sends_nothing() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let (known, _) = request_reset(&s, &mut c, "ada@example.com").await;
    let (unknown, link) = request_reset(&s, &mut c, "nobody@example.com").await;
    assert!(link.is_none());
    assert_eq!((known.status, known.body), (unknown.status, unknown.body));
}

#[tokio::test]
async fn a_reset_token_is_bound_to_its_user() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    sign_up(&mut c, "eve@example.com", "eve's password").await;
    let (_, link) = request_reset(&s, &mut c, "eve@example.com").await;
    let (_, token) = link_params(&link.unwrap());
    let answer = post(
        &mut c,
        "/api/auth/account/reset-password",
        &[
            ("email", "ada@example.com"),
            ("token", &token),
            ("password", "taken over"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_reset_token_expires() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let (_, link) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    s.clock.advance(Duration::from_secs(15 * 60));
    let answer = post(
        &mut c,
        "/api/auth/account/reset-password",
        &[
            ("email", &email),
            ("token", &token),
            ("password", "battery staple"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_short_password_does_not_spend_the_reset_token() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let (_, link) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    let short = post(
        &mut c,
        "/api/auth/account/reset-password",
        &[("email", &email), ("token", &token), ("password", "short")],
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short.json()["url"]
            .as_str()
            .unwrap()
            .contains("error=PasswordPolicy")
    );
    let ok = post(
        &mut c,
        "/api/auth/account/reset-password",
        &[
            ("email", &email),
            ("token", &token),
            ("password", "battery staple"),
        ],
    )
    .await;
    assert_eq!(
        ok.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
}
