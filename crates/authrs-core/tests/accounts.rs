//! Email-and-password accounts (`/account/*` and the `email-password` provider), sign-out
//! everywhere and revocable JWT sessions, driven in-process against the memory adapter.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use authrs_core::adapter::{Adapter, MemoryAdapter};
use authrs_core::clock::FixedClock;
use authrs_core::password::{PasswordError, PasswordHasher, PasswordHashing};
use authrs_core::providers::EmailPurpose;
use authrs_core::{Auth, AuthBuilder, ConfigError, EmailPassword, SessionStrategy};
use authrs_test_support::background::Deferred;
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
            transport: Some(outbox.clone()),
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

async fn sign_up(c: &mut EngineClient, email: &str, password: &str) -> Answer {
    c.post_form_with_csrf_json(
        "/api/auth/account/signup",
        &[("email", email), ("password", password), ("name", "Ada")],
    )
    .await
}

/// Signs up and proves the address through the mailed link, as its owner does (which signs
/// this browser in).
async fn sign_up_and_verify(s: &Setup, c: &mut EngineClient, email: &str, password: &str) {
    let sent = s.outbox.len();
    sign_up(c, email, password).await;
    let mail = s
        .outbox
        .messages()
        .get(sent)
        .cloned()
        .expect("a verification mail");
    assert_eq!(mail.purpose, EmailPurpose::VerifyEmail);
    let answer = c.open_email_link(&mail.url).await;
    assert_proven(&answer);
}

/// The answer of a link or code that proved the address: a redirect that is not an error.
fn assert_proven(answer: &Answer) {
    let target = answer.redirect_url().unwrap_or_default();
    assert!(
        answer.status.is_redirection() || answer.status == StatusCode::OK,
        "{}",
        answer.status
    );
    assert!(!target.contains("error="), "{target}");
}

/// The answer of a link or code that did not work: back to the code page with the error.
fn assert_refused(answer: &Answer) {
    let target = answer.redirect_url().unwrap_or_default();
    assert!(target.contains("/account/verify-email?"), "{target}");
    assert!(target.contains("error=Verification"), "{target}");
}

async fn sign_in_status(c: &mut EngineClient, email: &str, password: &str) -> StatusCode {
    c.sign_in_with_email_password(email, password).await.status
}

fn signed_in(c: &EngineClient) -> bool {
    c.jar.contains_key("next-auth.session-token")
}

#[tokio::test]
async fn sign_up_then_sign_in_without_proof_gives_no_session() {
    let s = setup();
    let mut c = s.client();
    let answer = sign_up(&mut c, "  Ada@Example.COM", "correct horse").await;
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/account/verify-email?email=ada%40example.com"})
    );
    assert!(!signed_in(&c));
    let stored = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name.as_deref(), Some("Ada"));
    assert_eq!(stored.email_verified, None);
    let hash = s
        .adapter
        .get_password_hash(&stored.id)
        .await
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "only the hash is stored");

    // The right password of an unproven address answers as a wrong one and an unknown
    // address do, after the same work.
    let verifications = s.hashing.verifications.load(Ordering::SeqCst);
    let right = c
        .sign_in_with_email_password("ADA@example.com", "correct horse")
        .await;
    let wrong = c
        .sign_in_with_email_password("ada@example.com", "wrong horse")
        .await;
    let unknown = c
        .sign_in_with_email_password("nobody@example.com", "correct horse")
        .await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED);
    assert_eq!((right.status, &right.body), (wrong.status, &wrong.body));
    assert_eq!((right.status, &right.body), (unknown.status, &unknown.body));
    assert_eq!(
        s.hashing.verifications.load(Ordering::SeqCst),
        verifications + 3
    );
    assert!(!signed_in(&c));

    // The mail carries a link and a code; the code typed on the page proves the address and
    // signs in.
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::VerifyEmail);
    assert_eq!(mail.to, "ada@example.com");
    let page = c
        .get("/api/auth/account/verify-email?email=ada%40example.com")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Send a new email"),
        "the page offers to resend"
    );
    let code = mail.code.clone().unwrap();
    let answer = c
        .post_form_with_csrf_json(
            "/api/auth/account/verify-email",
            &[("email", "ada@example.com"), ("code", &code)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(c.session().await["user"]["email"], "ada@example.com");
    // The link of the same mail works no more; the password signs in from now on.
    let link = c.open_email_link(&mail.url).await;
    assert_refused(&link);
    let mut other = s.client();
    assert_eq!(
        sign_in_status(&mut other, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_verification_mail_can_be_sent_again_and_its_link_signs_in() {
    let s = setup();
    let mut c = s.client();
    sign_up(&mut c, "ada@example.com", "correct horse").await;
    let answer = c
        .post_form_with_csrf_json(
            "/api/auth/account/verify-email-resend",
            &[("email", "ada@example.com")],
        )
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/account/verify-email?email=ada%40example.com&notice=Sent"
    );
    let unknown = c
        .post_form_with_csrf_json(
            "/api/auth/account/verify-email-resend",
            &[("email", "nobody@example.com")],
        )
        .await;
    assert_eq!(unknown.status, answer.status);
    let mails = s.outbox.messages();
    assert_eq!(mails.len(), 2, "one new mail, none for the unknown address");
    let answer = c.open_email_link(&mails[1].url).await;
    assert_proven(&answer);
    assert_eq!(c.session().await["user"]["email"], "ada@example.com");
    // A proven address gets no more verification mails.
    c.post_form_with_csrf_json(
        "/api/auth/account/verify-email-resend",
        &[("email", "ada@example.com")],
    )
    .await;
    assert_eq!(s.outbox.len(), 2);
}

#[tokio::test]
async fn sign_up_needs_a_transport_unless_unverified_sign_in_is_allowed() {
    let base = || {
        Auth::builder()
            .secret(TEST_SECRET)
            .adapter(Arc::new(MemoryAdapter::new()))
    };
    let refused = base().email_password(EmailPassword::default()).build();
    assert!(matches!(refused, Err(ConfigError::SignUpNeedsTransport)));
    let trusted = EmailPassword {
        allow_unverified_sign_in: true,
        ..EmailPassword::default()
    };
    assert!(base().email_password(trusted).build().is_ok());
    let closed = EmailPassword {
        sign_up: false,
        ..EmailPassword::default()
    };
    assert!(base().email_password(closed).build().is_ok());
}

#[tokio::test]
async fn with_unverified_sign_in_allowed_a_new_account_signs_in_at_once() {
    let s = setup();
    let auth = s
        .builder
        .clone()
        .email_password(EmailPassword {
            allow_unverified_sign_in: true,
            ..EmailPassword::default()
        })
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    let answer = sign_up(&mut c, "ada@example.com", "correct horse").await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=AccountCreated"
    );
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
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
    let mut owner = s.client();
    let first = sign_up(&mut owner, "ada@example.com", "correct horse").await;
    let link = s.outbox.last().unwrap().url;
    owner.open_email_link(&link).await;
    let mut attacker = s.client();
    let second = sign_up(&mut attacker, "ada@example.com", "attacker's choice").await;
    assert_eq!((first.status, first.body), (second.status, second.body));
    // The owner hears of it, with a link to choose a new password; the attacker gets nothing.
    let notice = s.outbox.last().unwrap();
    assert_eq!(notice.purpose, EmailPurpose::AccountExists);
    assert_eq!(notice.to, "ada@example.com");
    assert!(
        notice.url.contains("/account/reset-password?"),
        "{}",
        notice.url
    );
    assert_eq!(
        sign_in_status(&mut attacker, "ada@example.com", "attacker's choice").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&mut attacker, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_second_sign_up_of_an_unproven_address_changes_nothing_and_mails_a_reset_link() {
    // Mallory signs Ada's address up first; Ada's own sign-up must not end in Mallory's
    // account: she gets a link to choose the password herself, which proves the address.
    let s = setup();
    let mut mallory = s.client();
    sign_up(&mut mallory, "ada@example.com", "mallory's password").await;
    let mut ada = s.client();
    sign_up(&mut ada, "ada@example.com", "ada's password").await;
    let notice = s.outbox.last().unwrap();
    assert_eq!(notice.purpose, EmailPurpose::AccountExists);
    let (email, token) = link_params(&notice.url);
    let fields = [
        ("email", email.as_str()),
        ("token", token.as_str()),
        ("password", "ada's password"),
    ];
    ada.post_form_with_csrf_json("/api/auth/account/reset-password", &fields)
        .await;
    assert_eq!(
        sign_in_status(&mut ada, "ada@example.com", "ada's password").await,
        StatusCode::OK
    );
    assert_eq!(
        sign_in_status(&mut mallory, "ada@example.com", "mallory's password").await,
        StatusCode::UNAUTHORIZED
    );
    // Mallory's verification link (in Ada's mailbox) proves nothing any more.
    let first = s.outbox.messages()[0].clone();
    assert_eq!(first.purpose, EmailPurpose::VerifyEmail);
    let answer = mallory.open_email_link(&first.url).await;
    assert_refused(&answer);
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
    let wrong = c
        .sign_in_with_email_password("ada@example.com", "wrong")
        .await;
    let unknown = c
        .sign_in_with_email_password("nobody@example.com", "wrong")
        .await;
    let invalid = c
        .sign_in_with_email_password("not an address", "wrong")
        .await;
    assert_eq!(s.hashing.verifications.load(Ordering::SeqCst) - before, 3);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!((wrong.status, &wrong.body), (invalid.status, &invalid.body));
}

#[tokio::test]
async fn a_hash_with_old_parameters_is_replaced_at_sign_in() {
    let s = setup();
    let mut c = s.client();
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
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
        .email_password(EmailPassword {
            transport: Some(s.outbox.clone()),
            ..EmailPassword::default()
        })
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
    let auth = s.builder.clone().build().unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up_and_verify(&s, &mut laptop, "ada@example.com", "correct horse").await;
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    phone
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;

    let wrong = laptop
        .post_form_with_csrf_json(
            "/api/auth/account/change-password",
            &[
                ("currentPassword", "nope"),
                ("newPassword", "battery staple"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(signed_in(&laptop));

    let answer = laptop
        .post_form_with_csrf_json(
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
    let answer = c
        .post_form_with_csrf_json(
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
    let auth = s.builder.clone().build().unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up_and_verify(&s, &mut laptop, "ada@example.com", "correct horse").await;
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    phone
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    let answer = phone
        .post_form_with_csrf_json(
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
        .clone()
        .session_strategy(SessionStrategy::Jwt)
        .revocable_jwt(true)
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up_and_verify(&s, &mut laptop, "ada@example.com", "correct horse").await;
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    phone
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
    phone
        .post_form_with_csrf_json("/api/auth/account/signout-everywhere", &[])
        .await;
    assert_eq!(
        laptop.session().await,
        json!({}),
        "a copied JWT is dead too"
    );
    // Signing in again afterwards works, a millisecond later as much as a day later.
    s.clock.advance(Duration::from_millis(1));
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
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
        .clone()
        .session_strategy(SessionStrategy::Jwt)
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    sign_up_and_verify(&s, &mut laptop, "ada@example.com", "correct horse").await;
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    phone
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    phone
        .post_form_with_csrf_json("/api/auth/account/signout-everywhere", &[])
        .await;
    assert_eq!(laptop.session().await["user"]["email"], "ada@example.com");
}

/// Requests a reset for `email` and returns the link the transport got, if any.
async fn request_reset(s: &Setup, c: &mut EngineClient, email: &str) -> (Answer, Option<String>) {
    let sent = s.outbox.len();
    let answer = c
        .post_form_with_csrf_json(
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
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
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
    let answer = c
        .post_form_with_csrf_json("/api/auth/account/reset-password", &fields)
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "battery staple").await,
        StatusCode::OK
    );
    // The link is single-use.
    let again = c
        .post_form_with_csrf_json("/api/auth/account/reset-password", &fields)
        .await;
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
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    let (known, _) = request_reset(&s, &mut c, "ada@example.com").await;
    let (unknown, link) = request_reset(&s, &mut c, "nobody@example.com").await;
    assert!(link.is_none());
    assert_eq!((known.status, known.body), (unknown.status, unknown.body));
}

#[tokio::test]
async fn a_reset_token_is_bound_to_its_user() {
    let s = setup();
    let mut c = s.client();
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    sign_up_and_verify(&s, &mut c, "eve@example.com", "eve's password").await;
    let (_, link) = request_reset(&s, &mut c, "eve@example.com").await;
    let (_, token) = link_params(&link.unwrap());
    let answer = c
        .post_form_with_csrf_json(
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
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    let (_, link) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    s.clock.advance(Duration::from_secs(15 * 60));
    let answer = c
        .post_form_with_csrf_json(
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
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    let (_, link) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    let short = c
        .post_form_with_csrf_json(
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
    let ok = c
        .post_form_with_csrf_json(
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

/// Mallory signs Ada's address up (an unproven row) and `attach` gives the row what Mallory
/// could attach; then Ada resets the password through the mailed link.
async fn mallory_then_ada_resets(s: &Setup, auth: Auth) -> (EngineClient, EngineClient, String) {
    let mut mallory = EngineClient::new(auth.clone());
    sign_up(&mut mallory, "ada@example.com", "mallory's password").await;
    let user = s
        .adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    let mut ada = EngineClient::new(auth);
    let (_, link) = request_reset(s, &mut ada, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    (mallory, ada, format!("{email}\n{token}\n{}", user.id))
}

async fn reset_with(c: &mut EngineClient, email: &str, token: &str, password: &str) -> Answer {
    let fields = [("email", email), ("token", token), ("password", password)];
    c.post_form_with_csrf_json("/api/auth/account/reset-password", &fields)
        .await
}

#[tokio::test]
async fn the_reset_clean_up_unlinks_the_attacker() {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    let (_mallory, mut ada, found) = mallory_then_ada_resets(&s, auth).await;
    let [email, token, user_id] = found.splitn(3, '\n').collect::<Vec<_>>()[..] else {
        unreachable!()
    };
    // What Mallory attached to the unproven row (linked while signed in, on a deployment that
    // let him, or before this release): his own OAuth account.
    let account = authrs_core::adapter::AdapterAccount::new(
        user_id,
        authrs_core::user::ProviderType::Oidc,
        "github",
        "mallory-at-github",
    );
    s.adapter.link_account(account).await.unwrap();
    s.clock.advance(Duration::from_secs(1));
    let answer = reset_with(&mut ada, email, token, "ada's password").await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
    assert!(s.adapter.list_accounts(user_id).await.unwrap().is_empty());
    assert!(
        s.adapter
            .get_user_by_account("github", "mallory-at-github")
            .await
            .unwrap()
            .is_none(),
        "Mallory's OAuth account signs in to nobody"
    );
    let user = s.adapter.get_user(user_id).await.unwrap().unwrap();
    assert!(
        user.email_verified.is_some(),
        "the reset proved the address"
    );
    assert_eq!(
        sign_in_status(&mut ada, "ada@example.com", "ada's password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_jwt_clean_up_ends_the_attackers_cookie() {
    let s = setup();
    // A deployment that lets unproven addresses sign in, with revocable JWT sessions.
    let auth = s
        .builder
        .clone()
        .session_strategy(SessionStrategy::Jwt)
        .revocable_jwt(true)
        .email_password(EmailPassword {
            allow_unverified_sign_in: true,
            transport: Some(s.outbox.clone()),
            ..EmailPassword::default()
        })
        .build()
        .unwrap();
    let (mut mallory, mut ada, found) = mallory_then_ada_resets(&s, auth).await;
    let [email, token, _] = found.splitn(3, '\n').collect::<Vec<_>>()[..] else {
        unreachable!()
    };
    mallory
        .sign_in_with_email_password("ada@example.com", "mallory's password")
        .await;
    assert_eq!(mallory.session().await["user"]["email"], "ada@example.com");
    s.clock.advance(Duration::from_secs(60));
    // Every read rolls the cookie on; only revocation ends it.
    assert_eq!(mallory.session().await["user"]["email"], "ada@example.com");
    s.clock.advance(Duration::from_secs(1));
    reset_with(&mut ada, email, token, "ada's password").await;
    assert_eq!(mallory.session().await, json!({}), "the copied JWT is dead");
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(
        sign_in_status(&mut mallory, "ada@example.com", "mallory's password").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn old_reset_links_are_refused() {
    let s = setup();
    let mut c = s.client();
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    let (_, first) = request_reset(&s, &mut c, "ada@example.com").await;
    let (_, second) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, first) = link_params(&first.unwrap());
    let (_, second) = link_params(&second.unwrap());
    let answer = reset_with(&mut c, &email, &first, "battery staple").await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
    let answer = reset_with(&mut c, &email, &second, "mallory's choice").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "the second link died");
    assert_eq!(
        sign_in_status(&mut c, "ada@example.com", "battery staple").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_password_change_invalidates_reset_links() {
    let s = setup();
    let mut c = s.client();
    sign_up_and_verify(&s, &mut c, "ada@example.com", "correct horse").await;
    let (_, link) = request_reset(&s, &mut c, "ada@example.com").await;
    let (email, token) = link_params(&link.unwrap());
    let changed = c
        .post_form_with_csrf_json(
            "/api/auth/account/change-password",
            &[
                ("currentPassword", "correct horse"),
                ("newPassword", "battery staple"),
            ],
        )
        .await;
    assert_eq!(
        changed.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordChanged"
    );
    let answer = reset_with(&mut c, &email, &token, "mallory's choice").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

/// A browser at `ip`.
fn client_at(s: &Setup, auth: &Auth, ip: &str) -> EngineClient {
    let _ = s;
    let mut c = EngineClient::new(auth.clone());
    c.client_address = Some(ip.parse().unwrap());
    c
}

#[tokio::test]
async fn three_hundred_wrong_passwords_end_in_throttling_while_the_owner_gets_in_from_their_own_network()
 {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    let mut owner = client_at(&s, &auth, "198.51.100.7");
    sign_up_and_verify(&s, &mut owner, "ada@example.com", "correct horse").await;
    let mut attacker = client_at(&s, &auth, "203.0.113.66");
    let before = s.hashing.verifications.load(Ordering::SeqCst);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut retry_after = None;
    for i in 0..300 {
        let answer = attacker
            .sign_in_with_email_password("ada@example.com", &format!("guess {i}"))
            .await;
        *statuses.entry(answer.status.as_u16()).or_default() += 1;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            retry_after = answer.header("retry-after").map(str::to_owned);
            assert!(
                answer.json()["url"]
                    .as_str()
                    .unwrap()
                    .ends_with("error=RateLimited")
            );
        }
    }
    assert_eq!(statuses, [(401, 5), (429, 295)].into_iter().collect());
    assert_eq!(retry_after.as_deref(), Some("900"));
    assert_eq!(
        s.hashing.verifications.load(Ordering::SeqCst) - before,
        5,
        "throttled guesses check no password"
    );
    // The right password from the attacker's network waits too ...
    assert_eq!(
        sign_in_status(&mut attacker, "ada@example.com", "correct horse").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ... but the owner, on their own network, gets in.
    assert_eq!(
        sign_in_status(&mut owner, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
    // The window moves on.
    s.clock.advance(Duration::from_secs(15 * 60));
    assert_eq!(
        sign_in_status(&mut attacker, "ada@example.com", "guess again").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_distributed_guess_leaves_the_owners_known_network_working() {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    let mut owner = client_at(&s, &auth, "198.51.100.7");
    sign_up_and_verify(&s, &mut owner, "ada@example.com", "correct horse").await;
    // The owner's network becomes known by a password sign-in from it.
    assert_eq!(
        sign_in_status(&mut owner, "ada@example.com", "correct horse").await,
        StatusCode::OK
    );
    // 60 networks, one guess each: the 51st and later wait.
    let mut refused = 0;
    for n in 0..60 {
        let mut bot = client_at(&s, &auth, &format!("2001:db8:{n:x}::1"));
        let status = sign_in_status(&mut bot, "ada@example.com", "guess").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(refused, 10);
    let mut stranger = client_at(&s, &auth, "192.0.2.200");
    assert_eq!(
        sign_in_status(&mut stranger, "ada@example.com", "correct horse").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a network the account never signed in from waits"
    );
    assert_eq!(
        sign_in_status(&mut owner, "ada@example.com", "correct horse").await,
        StatusCode::OK,
        "the owner's known network still works"
    );
}

#[tokio::test]
async fn password_spraying_from_one_network_is_throttled() {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    let mut sprayer = client_at(&s, &auth, "203.0.113.66");
    let mut refused = 0;
    for n in 0..120 {
        let email = format!("user{n}@example.com");
        if sign_in_status(&mut sprayer, &email, "Summer2026!").await
            == StatusCode::TOO_MANY_REQUESTS
        {
            refused += 1;
        }
    }
    assert_eq!(refused, 20, "100 guesses per network per window");
}

#[tokio::test]
async fn confirming_someone_elses_sign_up_proves_the_address_but_keeps_no_strangers_password() {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    // Mallory signs Ada's address up; the mail goes to Ada, who opens its link in her own
    // browser (or asks for it again, or types its code there).
    let mut mallory = EngineClient::new(auth.clone());
    sign_up(&mut mallory, "ada@example.com", "mallory's password").await;
    let mut ada = EngineClient::new(auth.clone());
    let resent = ada
        .post_form_with_csrf_json(
            "/api/auth/account/verify-email-resend",
            &[("email", "ada@example.com")],
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK);
    let mails = s.outbox.messages();
    assert_eq!(mails.len(), 2);
    // A new mail replaces the last one.
    let first = ada.open_email_link(&mails[0].url).await;
    assert_refused(&first);
    let answer = ada.open_email_link(&mails[1].url).await;
    // Ada is signed in (she proved the address) and sent to choose a password herself.
    let target = answer.redirect_url().unwrap();
    assert!(
        target.starts_with(
            "http://localhost:3000/api/auth/account/reset-password?email=ada%40example.com&token="
        ),
        "{target}"
    );
    assert_eq!(ada.session().await["user"]["email"], "ada@example.com");
    // Mallory's password is gone.
    assert_eq!(
        sign_in_status(&mut mallory, "ada@example.com", "mallory's password").await,
        StatusCode::UNAUTHORIZED
    );
    let (email, token) = link_params(&target);
    let set = reset_with(&mut ada, &email, &token, "ada's own password").await;
    assert_eq!(
        set.json()["url"],
        "http://localhost:3000/api/auth/signin?notice=PasswordReset"
    );
    let mut anywhere = EngineClient::new(auth);
    assert_eq!(
        sign_in_status(&mut anywhere, "ada@example.com", "ada's own password").await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn signing_in_to_ones_own_account_between_guesses_buys_no_more_guesses_than_the_network_limit()
 {
    let s = setup();
    let auth = s.builder.clone().build().unwrap();
    let mut attacker = client_at(&s, &auth, "203.0.113.66");
    sign_up_and_verify(
        &s,
        &mut attacker,
        "mallory@example.com",
        "mallory's password",
    )
    .await;
    let mut guesses_checked = 0;
    for n in 0..150 {
        attacker
            .sign_in_with_email_password("mallory@example.com", "mallory's password")
            .await;
        let guess = attacker
            .sign_in_with_email_password(&format!("user{n}@example.com"), "Summer2026!")
            .await;
        if guess.status == StatusCode::UNAUTHORIZED {
            guesses_checked += 1;
        } else {
            assert_eq!(guess.status, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    assert_eq!(guesses_checked, 100);
}

#[tokio::test]
async fn reset_and_sign_up_answers_do_no_account_work_on_the_request_path() {
    // The answer is complete before the address is even looked up, so its time cannot depend
    // on whether the address has an account (the medians are in BENCHMARKS.md).
    let s = setup();
    let deferred = Arc::new(Deferred::default());
    let auth = s
        .builder
        .clone()
        .background(deferred.clone())
        .build()
        .unwrap();
    let mut owner = EngineClient::new(auth.clone());
    sign_up(&mut owner, "ada@example.com", "correct horse").await;
    assert!(
        s.adapter
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .is_none(),
        "the account is created in the background"
    );
    deferred.run_all().await;
    assert_eq!(s.outbox.len(), 1);

    let mut c = EngineClient::new(auth);
    let mut answers = Vec::new();
    for email in ["ada@example.com", "nobody@example.com"] {
        let answer = c
            .post_form_with_csrf_json(
                "/api/auth/account/reset-password-request",
                &[("email", email)],
            )
            .await;
        assert_eq!(s.outbox.len(), 1, "nothing was sent on the request path");
        answers.push((answer.status, answer.body));
    }
    assert_eq!(answers[0], answers[1]);
    deferred.run_all().await;
    let mails = s.outbox.messages();
    assert_eq!(mails.len(), 2, "one reset mail, for the known address only");
    assert_eq!(mails[1].purpose, EmailPurpose::PasswordReset);
}

#[tokio::test]
async fn with_revocable_jwt_sign_out_ends_that_session_and_its_copies() {
    let s = setup();
    let auth = s
        .builder
        .clone()
        .session_strategy(SessionStrategy::Jwt)
        .revocable_jwt(true)
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    sign_up_and_verify(&s, &mut laptop, "ada@example.com", "correct horse").await;
    s.clock.advance(Duration::from_secs(1));
    laptop
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    let mut phone = EngineClient::new(auth.clone());
    phone
        .sign_in_with_email_password("ada@example.com", "correct horse")
        .await;
    // Someone copies the laptop's cookie; the laptop signs out.
    let mut copy = EngineClient::new(auth);
    copy.jar = laptop.jar.clone();
    assert_eq!(copy.session().await["user"]["email"], "ada@example.com");
    laptop
        .post_form_with_csrf_json("/api/auth/signout", &[])
        .await;
    assert_eq!(copy.session().await, json!({}), "the copied cookie is dead");
    s.clock.advance(Duration::from_secs(24 * 60 * 60));
    assert_eq!(copy.session().await, json!({}), "and stays dead");
    // Only that session: the phone's goes on.
    assert_eq!(phone.session().await["user"]["email"], "ada@example.com");
}
