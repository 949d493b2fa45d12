//! Two-factor sign-in with TOTP (issue 15), driven in-process: enrolment from the account
//! routes, no session until the second step, the next-auth clients told `TwoFactorRequired`
//! (401, never "ok"), replay and wrong codes refused and throttled, recovery codes once each,
//! email sign-in then TOTP, "remember this device", required enrolment at sign-in, and
//! turning it off after a fresh proof. Codes come from `totp-rs`, as an authenticator app's.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, AuditFilter, AuditKind, MemoryAdapter, NewUser, Timestamp};
use authrs_core::clock::{Clock, FixedClock};
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, EmailPurpose};
use authrs_core::two_factor::{TwoFactor, TwoFactorMode};
use authrs_core::{Auth, AuthBuilder, ConfigError, EmailPassword};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;

const PASSWORD: &str = "correct horse battery staple";
const NOW: u64 = 1_800_000_000;

struct Setup {
    builder: AuthBuilder,
    adapter: Arc<MemoryAdapter>,
    outbox: Arc<Outbox>,
    hasher: Arc<PasswordHasher>,
    clock: Arc<FixedClock>,
}

fn setup(two_factor: TwoFactor) -> Setup {
    let adapter = Arc::new(MemoryAdapter::new());
    let outbox = Arc::new(Outbox::default());
    let hasher = Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap());
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .adapter(adapter.clone())
        .password_hashing(hasher.clone())
        .email_password(EmailPassword {
            transport: Some(outbox.clone()),
            ..EmailPassword::default()
        })
        .provider(EmailProvider::with_transport(outbox.clone()))
        .two_factor(two_factor)
        // One store for every browser's engine, as one server has.
        .limit_store(Arc::new(authrs_core::ratelimit::MemoryLimitStore::default()));
    Setup {
        builder,
        adapter,
        outbox,
        hasher,
        clock,
    }
}

impl Setup {
    async fn user(&self, email: &str) -> String {
        let hash = self.hasher.hash(PASSWORD).unwrap();
        authrs_test_support::verified_user(self.adapter.as_ref(), email, hash).await
    }

    fn browser(&self) -> EngineClient {
        EngineClient::new(self.builder.clone().build().unwrap())
    }

    fn now(&self) -> u64 {
        self.clock.now_millis() / 1000
    }
}

/// An authenticator app holding the secret the setup page gave.
struct App(totp_rs::Totp);

impl App {
    fn new(secret_text: &str) -> Self {
        let secret = totp_rs::Secret::try_from_base32(secret_text.replace(' ', "")).unwrap();
        let totp = totp_rs::Builder::new()
            .with_secret(secret)
            .with_account_name("test")
            .build()
            .unwrap();
        Self(totp)
    }

    fn code(&self, at: u64) -> String {
        self.0.generate(at).to_string()
    }
}

/// A signed-in browser turns two-factor on from the account routes; returns its app and
/// recovery codes.
async fn enrol(s: &Setup, c: &mut EngineClient) -> (App, Vec<String>) {
    let offered = c
        .post_form_with_csrf_json(
            "/api/auth/account/two-factor-setup",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.text());
    let offered = offered.json();
    let app = App::new(offered["secret"].as_str().unwrap());
    assert!(
        offered["otpauthUrl"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/localhost:ada%40example.com?"),
        "{offered}"
    );
    let offer = offered["offer"].as_str().unwrap().to_owned();
    let enabled = c
        .post_form_with_csrf_json(
            "/api/auth/account/two-factor-enable",
            &[("offer", &offer), ("code", &app.code(s.now()))],
        )
        .await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.text());
    let codes: Vec<String> = enabled.json()["recoveryCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (app, codes)
}

/// The first factor of a browser, as next-auth's `signIn(..., {redirect: false})` posts it.
async fn first_factor(c: &mut EngineClient) -> Answer {
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await
}

/// The second step, as the page's form posts it (JSON-redirect mode).
async fn second_step(c: &mut EngineClient, fields: &[(&str, &str)]) -> Answer {
    c.post_form_with_csrf_json("/api/auth/two-factor", fields)
        .await
}

/// Asks to turn two-step sign-in off with `fields` (a code or the password), as an app of its
/// own posts it (JSON-redirect mode).
async fn disable(c: &mut EngineClient, fields: &[(&str, &str)]) -> Answer {
    c.post_form_with_csrf_json("/api/auth/account/two-factor-disable", fields)
        .await
}

/// Whether an answer goes back to the account page saying two-step sign-in is off.
fn turned_off(answer: &Answer) -> bool {
    (answer.json()["url"].as_str()).is_some_and(|url| url.ends_with("notice=TwoFactorDisabled"))
}

async fn signed_in(c: &mut EngineClient) -> bool {
    c.session().await.get("user").is_some()
}

/// Ada, enrolled, and a fresh browser that passed her password.
async fn enrolled_ada(s: &Setup) -> (String, App, Vec<String>) {
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser();
    assert_eq!(first_factor(&mut c).await.status, StatusCode::OK);
    let (app, codes) = enrol(s, &mut c).await;
    (ada, app, codes)
}

#[tokio::test]
async fn a_password_then_a_code_signs_in_and_no_session_exists_before_the_code() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (ada, app, _) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));

    let mut c = s.browser();
    let answer = first_factor(&mut c).await;
    // Never "ok": a 401 with the error the clients read, and the second step's page.
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/two-factor?error=TwoFactorRequired"
    );
    assert!(!answer.sets_session_cookie(), "no session cookie yet");
    assert!(!signed_in(&mut c).await);
    let page = c.get("/api/auth/two-factor").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(r#"name="code""#));

    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["url"], "http://localhost:3000");
    assert!(answer.sets_session_cookie());
    assert!(signed_in(&mut c).await);
    let events = s
        .adapter
        .list_audit_events(&ada, AuditFilter::All, 10)
        .await
        .unwrap();
    assert_eq!(events[0].kind, AuditKind::SignIn);
    assert_eq!(events[0].detail.as_deref(), Some("two_factor"));
}

#[tokio::test]
async fn v5_clients_get_the_error_too_never_ok() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let _ = enrolled_ada(&s).await;
    let mut c = s.browser();
    let token = c.csrf_token().await;
    let answer = c
        .post_form_with_headers(
            "/api/auth/callback/email-password",
            &[
                ("csrfToken", &token),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ],
            &[("X-Auth-Return-Redirect", "1")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let url = answer.json()["url"].as_str().unwrap().to_owned();
    assert!(
        url.ends_with("/two-factor?error=TwoFactorRequired"),
        "{url}"
    );
    assert!(!answer.sets_session_cookie());
}

#[tokio::test]
async fn a_code_works_once_wrong_codes_are_throttled_and_recovery_codes_work_once() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (_, app, codes) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));

    // A code already used in its step is refused (replay).
    let code = app.code(s.now());
    let mut first = s.browser();
    first_factor(&mut first).await;
    assert_eq!(
        second_step(&mut first, &[("code", &code)]).await.status,
        StatusCode::OK
    );
    let mut replay = s.browser();
    first_factor(&mut replay).await;
    let refused = second_step(&mut replay, &[("code", &code)]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.json()["url"]
            .as_str()
            .unwrap()
            .ends_with("/two-factor?error=CredentialsSignin")
    );
    assert!(!signed_in(&mut replay).await);

    // A recovery code works once, however it is typed.
    let typed = codes[0].to_lowercase().replace('-', " ");
    let answer = second_step(&mut replay, &[("recoveryCode", &typed)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(signed_in(&mut replay).await);
    let mut again = s.browser();
    first_factor(&mut again).await;
    let refused = second_step(&mut again, &[("recoveryCode", &codes[0])]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // Wrong codes: five per account per 15 minutes (the one above counted), then 429 even
    // for the right one.
    let mut statuses = Vec::new();
    for wrong in ["000000", "111111", "222222", "333333"] {
        statuses.push(second_step(&mut again, &[("code", wrong)]).await.status);
    }
    s.clock.advance(Duration::from_secs(30));
    let right = app.code(s.now());
    statuses.push(second_step(&mut again, &[("code", &right)]).await.status);
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert!(!signed_in(&mut again).await);
}

#[tokio::test]
async fn the_pending_state_expires_and_is_this_browsers_only() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (_, app, _) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    first_factor(&mut c).await;
    // Another browser has no pending state: its code signs nothing in.
    let mut other = s.browser();
    let answer = second_step(&mut other, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(!signed_in(&mut other).await);
    // Six minutes later, this one's is gone too.
    s.clock.advance(Duration::from_secs(6 * 60));
    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(
        answer.json()["url"]
            .as_str()
            .unwrap()
            .ends_with("/signin?error=SessionRequired")
    );
    assert!(!signed_in(&mut c).await);
}

#[tokio::test]
async fn email_sign_in_then_a_code() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (_, app, _) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    c.request_email_sign_in("ada@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    let answer = c.open_email_link(&link).await;
    assert_eq!(
        answer.redirect_url().unwrap(),
        "http://localhost:3000/api/auth/two-factor?error=TwoFactorRequired"
    );
    assert!(!signed_in(&mut c).await);
    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(signed_in(&mut c).await);
}

#[tokio::test]
async fn a_remembered_device_skips_the_second_step_until_enrolment_changes() {
    let s = setup(
        TwoFactor::new(TwoFactorMode::Optional)
            .remember_device_for(Duration::from_secs(86_400 * 30)),
    );
    let (_, app, _) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    first_factor(&mut c).await;
    assert!(
        c.get("/api/auth/two-factor")
            .await
            .text()
            .contains("30 days")
    );
    second_step(&mut c, &[("code", &app.code(s.now())), ("remember", "on")]).await;
    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert!(!signed_in(&mut c).await);
    assert_eq!(
        first_factor(&mut c).await.status,
        StatusCode::OK,
        "remembered"
    );
    assert!(signed_in(&mut c).await);

    // Turned off and on again: no device is remembered any more.
    s.clock.advance(Duration::from_secs(60));
    let off = disable(&mut c, &[("code", &app.code(s.now()))]).await;
    assert!(turned_off(&off), "{}", off.text());
    enrol(&s, &mut c).await;
    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert_eq!(first_factor(&mut c).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn turning_it_off_or_new_recovery_codes_need_a_fresh_proof() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (ada, app, old_codes) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    first_factor(&mut c).await;
    second_step(&mut c, &[("code", &app.code(s.now()))]).await;

    let refused = disable(&mut c, &[("code", "000000")]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let refused = disable(&mut c, &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(s.adapter.get_two_factor(&ada).await.unwrap().is_some());

    // The password is a proof too; new codes replace the old ones.
    let renewed = c
        .post_form_with_csrf_json(
            "/api/auth/account/two-factor-recovery-codes",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.text());
    let new_codes = renewed.json()["recoveryCodes"].as_array().unwrap().len();
    assert_eq!(new_codes, 10);
    let mut other = s.browser();
    first_factor(&mut other).await;
    let old = second_step(&mut other, &[("recoveryCode", &old_codes[1])]).await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "old codes stop working"
    );

    s.clock.advance(Duration::from_secs(30));
    let off = disable(&mut c, &[("code", &app.code(s.now()))]).await;
    assert!(turned_off(&off), "{}", off.text());
    assert!(s.adapter.get_two_factor(&ada).await.unwrap().is_none());
    let mut plain = s.browser();
    assert_eq!(first_factor(&mut plain).await.status, StatusCode::OK);
    let kinds: Vec<AuditKind> = (s
        .adapter
        .list_audit_events(&ada, AuditFilter::All, 50)
        .await)
        .unwrap()
        .iter()
        .map(|event| event.kind)
        .collect();
    for kind in [
        AuditKind::TwoFactorEnabled,
        AuditKind::RecoveryCodesRegenerated,
        AuditKind::TwoFactorDisabled,
        AuditKind::ProofFailed,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
}

#[tokio::test]
async fn when_required_a_user_without_it_enrols_at_sign_in_and_cannot_turn_it_off() {
    let s = setup(TwoFactor::new(TwoFactorMode::Required));
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser();
    assert_eq!(first_factor(&mut c).await.status, StatusCode::UNAUTHORIZED);
    assert!(!signed_in(&mut c).await);
    let page = c.get("/api/auth/two-factor").await.text();
    assert!(page.contains("<svg"), "a QR code");
    let key = page
        .split(r#"<code class="secret">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    let app = App::new(&key);
    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["recoveryCodes"].as_array().unwrap().len(), 10);
    assert!(signed_in(&mut c).await);
    assert!(s.adapter.get_two_factor(&ada).await.unwrap().is_some());

    s.clock.advance(Duration::from_secs(30));
    let refused = disable(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(s.adapter.get_two_factor(&ada).await.unwrap().is_some());
}

#[tokio::test]
async fn the_secret_is_stored_encrypted_and_bound_to_its_user() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (ada, app, _) = enrolled_ada(&s).await;
    let grace = s.user("grace@example.com").await;
    let record = s.adapter.get_two_factor(&ada).await.unwrap().unwrap();
    let key = app.0.secret().to_base32();
    assert!(!record.secret.contains(&key), "not the secret in clear");
    // Copied to Grace's row, it opens for no one but Ada.
    s.adapter
        .enable_two_factor(&grace, &record.secret, Timestamp::from_secs(NOW), &[])
        .await
        .unwrap();
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    c.sign_in_with_email_password("grace@example.com", PASSWORD)
        .await;
    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn two_factor_needs_an_adapter() {
    let refused = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .two_factor(TwoFactor::new(TwoFactorMode::Optional))
        .build()
        .unwrap_err();
    assert_eq!(refused, ConfigError::NeedsAdapter("two-factor sign-in"));
}

#[tokio::test]
async fn a_stolen_session_can_neither_set_it_up_without_the_password_nor_replace_it() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser();
    first_factor(&mut c).await;
    let refused = c
        .post_form_with_csrf_json("/api/auth/account/two-factor-setup", &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(s.adapter.get_two_factor(&ada).await.unwrap().is_none());

    let (app, _) = enrol(&s, &mut c).await;
    let before = s.adapter.get_two_factor(&ada).await.unwrap().unwrap();
    // Already on: a new setup, or an offer made before, replaces nothing.
    let again = c
        .post_form_with_csrf_json(
            "/api/auth/account/two-factor-setup",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // Whatever the offer, the enrolment is checked first.
    let offer = "an offer";
    let replaced = c
        .post_form_with_csrf_json(
            "/api/auth/account/two-factor-enable",
            &[("offer", offer), ("code", &app.code(s.now()))],
        )
        .await;
    assert_eq!(replaced.status, StatusCode::CONFLICT);
    assert_eq!(
        s.adapter.get_two_factor(&ada).await.unwrap().unwrap(),
        before
    );
}

#[tokio::test]
async fn the_first_proof_of_an_address_removes_an_enrolment_made_before_it() {
    // Someone made the account with the owner's unproven address and turned two-step sign-in
    // on: when the owner proves the address, it goes with everything else they attached.
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let squatted = s
        .adapter
        .create_user(NewUser {
            email: Some("ada@example.com".to_owned()),
            ..NewUser::default()
        })
        .await
        .unwrap();
    s.adapter
        .enable_two_factor(
            &squatted.id,
            "the squatter's",
            Timestamp::from_secs(NOW),
            &[],
        )
        .await
        .unwrap();
    let mut c = s.browser();
    c.request_email_sign_in("ada@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    let answer = c.open_email_link(&link).await;
    assert_eq!(answer.redirect_url().unwrap(), "http://localhost:3000");
    assert!(
        signed_in(&mut c).await,
        "the owner is in, with no second step"
    );
    assert!(
        s.adapter
            .get_two_factor(&squatted.id)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_password_change_forgets_remembered_devices() {
    let s = setup(
        TwoFactor::new(TwoFactorMode::Optional)
            .remember_device_for(Duration::from_secs(86_400 * 30)),
    );
    let (_, app, _) = enrolled_ada(&s).await;
    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    first_factor(&mut c).await;
    second_step(&mut c, &[("code", &app.code(s.now())), ("remember", "on")]).await;
    let remembered = c.jar.clone();
    // Elsewhere, the owner changes the password (every session ends).
    s.clock.advance(Duration::from_secs(60));
    let mut owner = s.browser();
    first_factor(&mut owner).await;
    second_step(&mut owner, &[("code", &app.code(s.now()))]).await;
    owner
        .post_form_with_csrf_json(
            "/api/auth/account/change-password",
            &[
                ("currentPassword", PASSWORD),
                ("newPassword", "a new long password"),
            ],
        )
        .await;
    // The remembered browser, with the new password, is asked for a code again.
    s.clock.advance(Duration::from_secs(60));
    c.jar = remembered;
    let answer = c
        .sign_in_with_email_password("ada@example.com", "a new long password")
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guesses_are_capped_per_day_not_only_per_window() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (_, app, _) = enrolled_ada(&s).await;
    let mut c = s.browser();
    let mut refused_at = None;
    for guess in 0..30 {
        if guess % 5 == 0 {
            // A new 15-minute window, and the first factor again (the password works).
            s.clock.advance(Duration::from_secs(16 * 60));
            first_factor(&mut c).await;
        }
        let answer = second_step(&mut c, &[("code", "000000")]).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            refused_at = Some(guess);
            break;
        }
    }
    assert_eq!(refused_at, Some(20), "20 wrong codes a day");
    // The right code is refused too, until the day has passed.
    let answer = second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_user_is_mailed_when_two_step_sign_in_changes() {
    let s = setup(TwoFactor::new(TwoFactorMode::Optional));
    let (_, app, _) = enrolled_ada(&s).await;
    let notices = || {
        s.outbox
            .messages()
            .into_iter()
            .filter(|mail| mail.purpose == EmailPurpose::TwoFactorChanged)
            .collect::<Vec<_>>()
    };
    let first = notices();
    assert_eq!(first.len(), 1, "turned on");
    assert_eq!(first[0].to, "ada@example.com");
    assert_eq!(first[0].url, "http://localhost:3000/api/auth/account");
    assert!(first[0].code.is_none());
    assert!(
        first[0].text.contains("sign out everywhere"),
        "{}",
        first[0].text
    );
    assert!(
        !first[0].text.contains("minutes"),
        "a notice has nothing that expires"
    );

    s.clock.advance(Duration::from_secs(60));
    let mut c = s.browser();
    first_factor(&mut c).await;
    second_step(&mut c, &[("code", &app.code(s.now()))]).await;
    c.post_form_with_csrf_json(
        "/api/auth/account/two-factor-recovery-codes",
        &[("password", PASSWORD)],
    )
    .await;
    disable(&mut c, &[("password", PASSWORD)]).await;
    // Signing in with a code changes nothing: no notice for it.
    assert_eq!(notices().len(), 3, "new codes, then turned off");
}
