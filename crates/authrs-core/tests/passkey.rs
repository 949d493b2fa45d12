//! Passkeys (issue 15), driven in-process in Auth.js v5's wire shapes (what next-auth v5's
//! `signIn("passkey")` sends): the options endpoint and its challenge cookie, the callback, a
//! signed-in user's new passkey, a usernameless sign-in, a new account whose passkey waits
//! for its address, the account routes, and every refusal the issue names: a wrong origin, a
//! wrong RP id, a replayed and an expired challenge, another user's credential, an unknown
//! credential, a counter regression and a missing user verification. The authenticator is
//! the software one of `authrs-test-support`.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, AuditFilter, AuditKind, MemoryAdapter};
use authrs_core::callbacks::{CallbackError, Callbacks, JwtArgs};
use authrs_core::clock::FixedClock;
use authrs_core::jwt::Claims;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, EmailPurpose, PasskeyProvider, UserVerification};
use authrs_core::two_factor::{TwoFactor, TwoFactorMode};
use authrs_core::{Auth, AuthBuilder, EmailPassword, SessionStrategy};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::webauthn::SoftAuthenticator;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";
const ORIGIN: &str = "http://localhost:3000";
const LANDING: &str = "http://localhost:3000/dashboard";
const NOW: u64 = 1_800_000_000;

struct Setup {
    adapter: Arc<MemoryAdapter>,
    outbox: Arc<Outbox>,
    hasher: Arc<PasswordHasher>,
    clock: Arc<FixedClock>,
    limits: Arc<authrs_core::ratelimit::MemoryLimitStore>,
}

impl Setup {
    fn new() -> Self {
        Self {
            adapter: Arc::new(MemoryAdapter::new()),
            outbox: Arc::new(Outbox::default()),
            hasher: Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap()),
            clock: Arc::new(FixedClock::at_secs(NOW)),
            limits: Arc::new(authrs_core::ratelimit::MemoryLimitStore::default()),
        }
    }

    /// The site on this adapter, clock and mail, with no provider: [`Self::builder`] adds them.
    fn site(&self) -> AuthBuilder {
        Auth::builder()
            .url("http://localhost:3000/api/auth")
            .secret(TEST_SECRET)
            .clock(self.clock.clone())
            .adapter(self.adapter.clone())
            .password_hashing(self.hasher.clone())
            .limit_store(self.limits.clone())
    }

    /// Email-and-password accounts mailing through the outbox, on [`Self::site`].
    fn with_passwords(&self) -> AuthBuilder {
        self.site().email_password(EmailPassword {
            transport: Some(self.outbox.clone()),
            ..EmailPassword::default()
        })
    }

    /// Email-and-password accounts, the email provider and passkeys on one adapter.
    fn builder(&self) -> AuthBuilder {
        self.with_passwords()
            .provider(EmailProvider::with_transport(self.outbox.clone()))
            .provider(PasskeyProvider::new())
    }

    /// The passkeys `user_id` has in the database.
    async fn passkeys_of(&self, user_id: &str) -> Vec<authrs_core::adapter::Authenticator> {
        self.adapter.list_authenticators(user_id).await.unwrap()
    }

    fn browser(&self) -> EngineClient {
        EngineClient::new(self.builder().build().unwrap())
    }

    async fn user(&self, email: &str) -> String {
        let hash = self.hasher.hash(PASSWORD).unwrap();
        authrs_test_support::verified_user(self.adapter.as_ref(), email, hash).await
    }

    /// A browser signed in as `email` with the password.
    async fn signed_in(&self, email: &str) -> EngineClient {
        let mut c = self.browser();
        let answer = c.sign_in_with_email_password(email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert!(answer.sets_session_cookie());
        c
    }
}

/// `GET /webauthn-options/passkey?query`, as next-auth v5's `signIn("passkey")` asks.
async fn options(c: &mut EngineClient, query: &str) -> Answer {
    c.get(&format!("/api/auth/webauthn-options/passkey?{query}"))
        .await
}

/// The ceremony's answer, as next-auth v5 posts it (`X-Auth-Return-Redirect: 1`).
async fn answer(c: &mut EngineClient, action: &str, data: &str) -> Answer {
    let token = c.csrf_token().await;
    c.post_form_with_headers(
        "/api/auth/callback/passkey",
        &[
            ("data", data),
            ("action", action),
            ("csrfToken", &token),
            ("callbackUrl", LANDING),
        ],
        &[("X-Auth-Return-Redirect", "1")],
    )
    .await
}

/// A signed-in browser adds a passkey held by `authenticator`.
async fn add_passkey(c: &mut EngineClient, authenticator: &mut SoftAuthenticator) -> Answer {
    let offered = options(c, "action=register").await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.text());
    let offered = offered.json();
    assert_eq!(offered["action"], "register");
    let response = authenticator.register(&offered["options"]);
    answer(c, "register", &response.to_string()).await
}

/// [`add_passkey`], which must work.
async fn added(c: &mut EngineClient, authenticator: &mut SoftAuthenticator) {
    let answer = add_passkey(c, authenticator).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["url"], LANDING, "{}", answer.text());
}

/// A browser with no session signs in with the newest passkey of `authenticator`, as
/// `edit` changes its answer.
async fn sign_in_with(
    c: &mut EngineClient,
    authenticator: &mut SoftAuthenticator,
    edit: impl FnOnce(&mut Value),
) -> Answer {
    let offered = options(c, "action=authenticate").await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.text());
    let offered = offered.json();
    assert_eq!(offered["action"], "authenticate");
    let mut response = authenticator.authenticate(&offered["options"]);
    edit(&mut response);
    answer(c, "authenticate", &response.to_string()).await
}

async fn session_user(c: &mut EngineClient) -> Option<String> {
    let session = c.session().await;
    session["user"]["email"].as_str().map(str::to_owned)
}

/// A refusal: 200 `{url}` with the error (v5's header mode answers every error so), and no
/// session.
fn assert_refused(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let url = answer.json()["url"].as_str().unwrap_or_default().to_owned();
    assert!(url.contains("error=WebAuthnVerificationError"), "{url}");
    assert!(!answer.sets_session_cookie());
}

#[tokio::test]
async fn providers_list_the_passkey_provider_as_webauthn() {
    let s = Setup::new();
    let mut c = s.browser();
    let providers = c.get("/api/auth/providers").await.json();
    assert_eq!(providers["passkey"]["type"], "webauthn");
    assert_eq!(providers["passkey"]["name"], "Passkey");
    assert_eq!(
        providers["passkey"]["callbackUrl"],
        "http://localhost:3000/api/auth/callback/passkey"
    );
}

#[tokio::test]
async fn a_signed_in_user_adds_a_passkey_and_later_signs_in_with_it_and_no_username() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    let mut phone = SoftAuthenticator::new(ORIGIN);

    let offered = options(&mut c, "action=register").await;
    // The options as SimpleWebAuthn v9 reads them, and the challenge in an HttpOnly cookie.
    let cookie = offered
        .set_cookie("next-auth.challenge")
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let o = &offered.json()["options"];
    assert_eq!(o["rp"]["id"], "localhost");
    assert_eq!(o["user"]["name"], "ada@example.com");
    assert_eq!(o["user"]["id"].as_str().unwrap().len(), 64);
    assert_eq!(o["attestation"], "none");
    assert_eq!(o["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(o["authenticatorSelection"]["userVerification"], "required");
    let algs: Vec<i64> = (o["pubKeyCredParams"].as_array().unwrap().iter())
        .map(|p| p["alg"].as_i64().unwrap())
        .collect();
    assert_eq!(algs, vec![-8, -7, -257]);
    assert_eq!(o["excludeCredentials"], serde_json::json!([]));

    let response = phone.register(o);
    let added = answer(&mut c, "register", &response.to_string()).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    assert_eq!(added.json()["url"], LANDING);
    let stored = s.passkeys_of(&ada).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].transports.as_deref(), Some("internal"));
    assert_eq!(stored[0].device_type, "singleDevice");
    // The next registration excludes it, so one authenticator holds one passkey per account.
    let again = options(&mut c, "action=register").await.json();
    assert_eq!(
        again["options"]["excludeCredentials"][0]["id"],
        phone.credentials[0].id_b64()
    );
    assert_eq!(again["options"]["user"]["id"], o["user"]["id"]);

    // Another browser, no session, no address: the authenticator finds the passkey.
    let mut other = s.browser();
    let offered = options(&mut other, "action=authenticate").await.json();
    assert!(offered["options"].get("allowCredentials").is_none());
    assert_eq!(offered["options"]["rpId"], "localhost");
    let signed = sign_in_with(&mut other, &mut phone, |_| {}).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text());
    assert_eq!(signed.json()["url"], LANDING);
    assert!(signed.sets_session_cookie());
    assert_eq!(
        session_user(&mut other).await.as_deref(),
        Some("ada@example.com")
    );
    let used = s.passkeys_of(&ada).await;
    assert_eq!(used[0].counter, 1);
    assert!(used[0].last_used_at.is_some());
    let events = (s.adapter)
        .list_audit_events(&ada, AuditFilter::All, 10)
        .await
        .unwrap();
    let kinds: Vec<AuditKind> = events.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&AuditKind::PasskeyAdded), "{kinds:?}");
    assert!(
        events
            .iter()
            .any(|e| e.kind == AuditKind::SignIn && e.provider.as_deref() == Some("passkey"))
    );
}

#[tokio::test]
async fn a_challenge_is_spent_once_and_lasts_five_minutes() {
    let s = Setup::new();
    s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;

    // A replay: the same answer, with the same challenge cookie, after it signed in once.
    let mut thief = s.browser();
    let offered = options(&mut thief, "action=authenticate").await.json();
    let cookie = thief.jar.get("next-auth.challenge").unwrap().clone();
    let response = phone.authenticate(&offered["options"]).to_string();
    let first = answer(&mut thief, "authenticate", &response).await;
    assert!(first.sets_session_cookie(), "{}", first.text());
    let mut replay = s.browser();
    replay.jar.insert("next-auth.challenge".into(), cookie);
    assert_refused(&answer(&mut replay, "authenticate", &response).await);

    // An answer without the challenge's cookie.
    let mut bare = s.browser();
    let offered = options(&mut bare, "action=authenticate").await.json();
    bare.jar.remove("next-auth.challenge");
    let response = phone.authenticate(&offered["options"]).to_string();
    assert_refused(&answer(&mut bare, "authenticate", &response).await);

    // Expired: six minutes after the options.
    let mut late = s.browser();
    let offered = options(&mut late, "action=authenticate").await.json();
    s.clock.advance(Duration::from_secs(6 * 60));
    let response = phone.authenticate(&offered["options"]).to_string();
    assert_refused(&answer(&mut late, "authenticate", &response).await);
    assert_eq!(session_user(&mut late).await, None);
}

#[tokio::test]
async fn a_wrong_origin_a_wrong_rp_id_and_a_missing_user_verification_are_refused() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    // At registration.
    for misbehave in [
        |a: &mut SoftAuthenticator| a.origin = "http://evil.example:3000".into(),
        |a: &mut SoftAuthenticator| a.rp_id_override = Some("evil.example".into()),
        |a: &mut SoftAuthenticator| a.user_verified = false,
    ] {
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        misbehave(&mut authenticator);
        assert_refused(&add_passkey(&mut c, &mut authenticator).await);
    }
    assert!(s.passkeys_of(&ada).await.is_empty());

    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;
    // At sign-in.
    for misbehave in [
        |a: &mut SoftAuthenticator| a.origin = "http://localhost:3001".into(),
        |a: &mut SoftAuthenticator| a.rp_id_override = Some("localhost.evil".into()),
        |a: &mut SoftAuthenticator| a.user_verified = false,
    ] {
        let mut twin = SoftAuthenticator::new(ORIGIN);
        std::mem::swap(&mut twin.credentials, &mut phone.credentials);
        misbehave(&mut twin);
        let mut other = s.browser();
        assert_refused(&sign_in_with(&mut other, &mut twin, |_| {}).await);
        assert_eq!(session_user(&mut other).await, None);
        std::mem::swap(&mut twin.credentials, &mut phone.credentials);
    }
    // Each refusal of a known passkey is a failure on its user's page.
    let failures = (s.adapter)
        .list_audit_events(&ada, AuditFilter::Failures, 10)
        .await
        .unwrap();
    assert_eq!(failures.len(), 3, "{failures:?}");
}

#[tokio::test]
async fn a_credential_signs_in_only_its_own_user_and_an_unknown_one_nobody() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    s.user("bob@example.com").await;
    let mut ada_phone = SoftAuthenticator::new(ORIGIN);
    let mut bob_phone = SoftAuthenticator::new(ORIGIN);
    let mut c = s.signed_in("ada@example.com").await;
    added(&mut c, &mut ada_phone).await;
    let mut c = s.signed_in("bob@example.com").await;
    added(&mut c, &mut bob_phone).await;
    let ada_id = ada_phone.credentials[0].id_b64();
    let ada_handle = String::from_utf8(ada_phone.credentials[0].user_handle.clone()).unwrap();

    // Bob's key signs, naming Ada's credential: the signature is not Ada's key's.
    let mut b = s.browser();
    let answer = sign_in_with(&mut b, &mut bob_phone, |r| {
        r["id"] = Value::from(ada_id.clone());
        r["rawId"] = Value::from(ada_id.clone());
    })
    .await;
    assert_refused(&answer);
    // Bob's own credential, claiming Ada's user handle.
    let answer = sign_in_with(&mut b, &mut bob_phone, |r| {
        r["response"]["userHandle"] = Value::from(ada_handle.clone());
    })
    .await;
    assert_refused(&answer);
    assert_eq!(session_user(&mut b).await, None);
    // And Bob's passkey, as it is, signs in Bob.
    let answer = sign_in_with(&mut b, &mut bob_phone, |_| {}).await;
    assert!(answer.sets_session_cookie(), "{}", answer.text());
    assert_eq!(
        session_user(&mut b).await.as_deref(),
        Some("bob@example.com")
    );

    // A credential the site does not know.
    let mut stranger = SoftAuthenticator::new(ORIGIN);
    stranger.register(&serde_json::json!({
        "rp": {"id": "localhost"}, "user": {"id": "x"}, "challenge": "AAAA",
    }));
    let mut x = s.browser();
    assert_refused(&sign_in_with(&mut x, &mut stranger, |_| {}).await);
    // A deleted passkey is unknown from then on.
    assert!(
        s.adapter
            .delete_authenticator(&ada, &s.passkeys_of(&ada).await[0].credential_id)
            .await
            .unwrap()
    );
    assert_refused(&sign_in_with(&mut x, &mut ada_phone, |_| {}).await);
}

#[tokio::test]
async fn a_counter_that_does_not_grow_is_refused_as_a_clone_and_the_passkey_kept() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;
    for _ in 0..3 {
        let mut b = s.browser();
        assert!(
            sign_in_with(&mut b, &mut phone, |_| {})
                .await
                .sets_session_cookie()
        );
    }
    assert_eq!(s.passkeys_of(&ada).await[0].counter, 3);
    // A clone made after the second use: its counter is behind.
    phone.credentials[0].counter = 1;
    let mut b = s.browser();
    assert_refused(&sign_in_with(&mut b, &mut phone, |_| {}).await);
    let kept = s.passkeys_of(&ada).await;
    assert_eq!((kept.len(), kept[0].counter), (1, 3));
    let failures = (s.adapter)
        .list_audit_events(&ada, AuditFilter::Failures, 10)
        .await
        .unwrap();
    assert_eq!(failures[0].detail.as_deref(), Some("counter did not grow"));
    // An authenticator that does not count (0 every time) signs in every time.
    let mut synced = SoftAuthenticator::new(ORIGIN);
    synced.counter_step = 0;
    synced.backed_up = true;
    added(&mut c, &mut synced).await;
    for _ in 0..2 {
        let mut b = s.browser();
        assert!(
            sign_in_with(&mut b, &mut synced, |_| {})
                .await
                .sets_session_cookie()
        );
    }
}

#[tokio::test]
async fn a_passkey_sign_in_needs_no_second_factor() {
    let s = Setup::new();
    s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;

    // The site now asks everyone for a second step.
    let required = s
        .builder()
        .two_factor(TwoFactor::new(TwoFactorMode::Required))
        .build()
        .unwrap();
    let mut with_password = EngineClient::new(required.clone());
    let first = with_password
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED, "{}", first.text());
    let mut with_passkey = EngineClient::new(required);
    let signed = sign_in_with(&mut with_passkey, &mut phone, |_| {}).await;
    assert!(signed.sets_session_cookie(), "{}", signed.text());
    assert_eq!(signed.json()["url"], LANDING);
}

#[tokio::test]
async fn a_new_accounts_passkey_waits_for_its_address_to_be_proven_in_this_browser() {
    let s = Setup::new();
    let mut c = s.browser();
    let mut phone = SoftAuthenticator::new(ORIGIN);
    let offered = options(&mut c, "action=register&email=New%40Example.com&name=Nia").await;
    assert_eq!(offered.status, StatusCode::OK, "{}", offered.text());
    let o = offered.json()["options"].clone();
    assert_eq!(o["user"]["name"], "new@example.com");
    assert_eq!(o["user"]["displayName"], "Nia");
    let response = phone.register(&o);
    let waiting = answer(&mut c, "register", &response.to_string()).await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.text());
    let url = waiting.json()["url"].as_str().unwrap().to_owned();
    assert!(url.contains("/verify-request"), "{url}");
    assert!(!waiting.sets_session_cookie());
    // No row, no session, until the address is proven.
    assert_eq!(
        s.adapter
            .get_user_by_email("new@example.com")
            .await
            .unwrap(),
        None
    );
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.to, "new@example.com");

    let signed = c.open_email_link(&mail.url).await;
    assert!(signed.sets_session_cookie(), "{}", signed.text());
    let user = s
        .adapter
        .get_user_by_email("new@example.com")
        .await
        .unwrap()
        .unwrap();
    assert!(user.email_verified.is_some());
    let stored = s.adapter.list_authenticators(&user.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    let mut later = s.browser();
    let signed = sign_in_with(&mut later, &mut phone, |_| {}).await;
    assert!(signed.sets_session_cookie(), "{}", signed.text());
    assert_eq!(
        session_user(&mut later).await.as_deref(),
        Some("new@example.com")
    );

    // Someone registers a passkey for Ada's address: Ada's mail signs in only the browser
    // that opens it, and her browser holds no stranger's passkey.
    let ada = s.user("ada@example.com").await;
    let mut attacker = s.browser();
    let mut attackers_key = SoftAuthenticator::new(ORIGIN);
    let offered = options(&mut attacker, "action=register&email=ada%40example.com").await;
    let response = attackers_key.register(&offered.json()["options"]);
    let waiting = answer(&mut attacker, "register", &response.to_string()).await;
    // The same answer as for a new address.
    assert!(
        waiting.json()["url"]
            .as_str()
            .unwrap()
            .contains("/verify-request")
    );
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.to, "ada@example.com");
    let mut adas_browser = s.browser();
    assert!(
        adas_browser
            .open_email_link(&mail.url)
            .await
            .sets_session_cookie()
    );
    assert!(s.passkeys_of(&ada).await.is_empty());
    let mut x = s.browser();
    assert_refused(&sign_in_with(&mut x, &mut attackers_key, |_| {}).await);
}

#[tokio::test]
async fn passkeys_are_listed_renamed_and_deleted_but_never_the_last_way_in() {
    let s = Setup::new();
    // No email provider here: a password and passkeys are the only ways in.
    let builder = s.with_passwords().provider(PasskeyProvider::new());
    let ada = s.user("ada@example.com").await;
    let mut c = EngineClient::new(builder.clone().build().unwrap());
    let signed = c
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert!(signed.sets_session_cookie(), "{}", signed.text());
    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;

    let listed = c.get("/api/auth/account/passkeys").await;
    assert_eq!(listed.status, StatusCode::OK);
    let listed = listed.json();
    let id = listed[0]["credentialId"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["name"], "Passkey 1");
    let renamed = c
        .post_form_with_csrf_json(
            "/api/auth/account/passkey-rename",
            &[("credentialId", &id), ("name", "Ada’s phone")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text());
    assert_eq!(
        c.get("/api/auth/account/passkeys").await.json()[0]["name"],
        "Ada’s phone"
    );
    for bad in ["", "\u{7}bell", &"x".repeat(65)] {
        let refused = c
            .post_form_with_csrf_json(
                "/api/auth/account/passkey-rename",
                &[("credentialId", &id), ("name", bad)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    // The page lists it, with the script its CSP allows.
    let page = c.get("/api/auth/account").await;
    assert!(page.text().contains("Ada’s phone"));
    // A name is text on the page, never markup.
    let marked = c
        .post_form_with_csrf_json(
            "/api/auth/account/passkey-rename",
            &[
                ("credentialId", &id),
                ("name", "<img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.text());
    let shown = c.get("/api/auth/account").await.text();
    assert!(
        !shown.contains("<img src=x"),
        "the name reached the page as markup"
    );
    assert!(shown.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let csp = page.header("content-security-policy").unwrap().to_owned();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");

    // Without the password, the passkey is the last way in: it stays.
    s.adapter.set_password_hash(&ada, None).await.unwrap();
    let refused = c
        .post_form_with_csrf_json("/api/auth/account/passkey-delete", &[("credentialId", &id)])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{}",
        refused.text()
    );
    assert!(
        refused.json()["url"]
            .as_str()
            .unwrap()
            .contains("LastSignInMethod")
    );
    // With a second passkey, the first can go.
    let mut laptop = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut laptop).await;
    let deleted = c
        .post_form_with_csrf_json("/api/auth/account/passkey-delete", &[("credentialId", &id)])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
    assert_eq!(s.passkeys_of(&ada).await.len(), 1);
    // Someone else's passkey is not found, and a signed-out caller gets 401.
    let unknown = c
        .post_form_with_csrf_json("/api/auth/account/passkey-delete", &[("credentialId", &id)])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let mut nobody = EngineClient::new(builder.build().unwrap());
    assert_eq!(
        nobody.get("/api/auth/account/passkeys").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_sign_in_page_offers_passkeys_through_a_script_its_csp_allows() {
    let s = Setup::new();
    let mut c = s.browser();
    let page = c.get("/api/auth/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(r#"data-passkey="authenticate""#), "{html}");
    assert!(html.contains(r#"autocomplete="username webauthn""#));
    assert!(html.contains(r#"data-passkey="sign-up""#));
    // Hidden until the script runs: without JavaScript the page is as before.
    assert!(
        html.contains(r#"<div class="provider" data-passkey="" hidden"#),
        "{html}"
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'sha256-") && csp.contains("connect-src 'self'"));
    // The other pages keep the CSP that allows no script.
    let error = c.get("/api/auth/error?error=Configuration").await;
    assert!(
        !error
            .header("content-security-policy")
            .unwrap()
            .contains("script-src")
    );
}

#[tokio::test]
async fn bad_requests_are_clear_refusals_never_server_errors() {
    let s = Setup::new();
    let mut c = s.browser();
    let bad = options(&mut c, "action=delete").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "Invalid action");
    let bad = options(&mut c, "action=register").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "register needs a user");
    let bad = options(&mut c, "action=register&email=not-an-address").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for data in ["", "{", "[]", r#"{"id":"AAAA"}"#, "null"] {
        options(&mut c, "action=authenticate").await;
        assert_refused(&answer(&mut c, "authenticate", data).await);
    }
    // The answer of another ceremony than the challenge's.
    options(&mut c, "action=authenticate").await;
    assert_refused(&answer(&mut c, "register", "{}").await);
    // No CSRF token: refused before anything is read.
    options(&mut c, "action=authenticate").await;
    let no_csrf = c
        .post_form_with_headers(
            "/api/auth/callback/passkey",
            &[("data", "{}"), ("action", "authenticate")],
            &[("X-Auth-Return-Redirect", "1")],
        )
        .await;
    let url = no_csrf.json()["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // As next-auth answers a missing token: back to the sign-in page.
    assert!(
        url.ends_with("/signin?csrf=true"),
        "{} {}",
        no_csrf.status,
        no_csrf.text()
    );
    assert!(!no_csrf.sets_session_cookie());
    // GET on the callback is not a sign-in.
    let get = c.get("/api/auth/callback/passkey").await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn adding_a_passkey_needs_a_recent_sign_in_and_mails_the_user() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    let mut c = s.signed_in("ada@example.com").await;
    // A copy of the session cookie, as a thief holds it.
    let mut thief = s.browser();
    thief.jar = c.jar.clone();

    // Fresh: the owner adds one, and is mailed about it.
    let mut phone = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut phone).await;
    let notices: Vec<_> = (s.outbox.messages().into_iter())
        .filter(|mail| mail.purpose == EmailPurpose::PasskeyAdded)
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ada@example.com");
    assert!(notices[0].code.is_none());

    // Sixteen minutes later the session still reads, but adds no passkey.
    s.clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(
        session_user(&mut thief).await.as_deref(),
        Some("ada@example.com")
    );
    let refused = options(&mut thief, "action=register").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert_eq!(s.passkeys_of(&ada).await.len(), 1);
    // The account page says to sign in again instead of offering the button.
    let page = c.get("/api/auth/account").await.text();
    assert!(!page.contains(r#"data-passkey="register""#));
    assert!(page.contains("/api/auth/signin?callbackUrl="));
    // Signing in again makes it fresh.
    let again = c
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert!(again.sets_session_cookie());
    let mut laptop = SoftAuthenticator::new(ORIGIN);
    added(&mut c, &mut laptop).await;

    // A challenge fetched while fresh is refused once the sign-in is no longer.
    let offered = options(&mut c, "action=register").await.json();
    s.clock.advance(Duration::from_secs(16 * 60));
    let response = SoftAuthenticator::new(ORIGIN).register(&offered["options"]);
    assert_refused(&answer(&mut c, "register", &response.to_string()).await);
    assert_eq!(s.passkeys_of(&ada).await.len(), 2);
}

#[tokio::test]
async fn a_waiting_passkey_never_reaches_an_existing_account_or_a_later_sign_in() {
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    s.user("bob@example.com").await;
    // On a shared computer, someone starts a new account with a passkey for Ada's address.
    let mut shared = s.browser();
    let mut attackers_key = SoftAuthenticator::new(ORIGIN);
    let offered = options(&mut shared, "action=register&email=ada%40example.com").await;
    let response = attackers_key.register(&offered.json()["options"]);
    answer(&mut shared, "register", &response.to_string()).await;
    assert!(shared.jar.contains_key("next-auth.passkey-sign-up"));
    // Ada uses that mail there: she signs in, and the stranger's passkey is not hers.
    let mail = s.outbox.last().unwrap();
    assert!(
        shared
            .open_email_link(&mail.url)
            .await
            .sets_session_cookie()
    );
    assert!(s.passkeys_of(&ada).await.is_empty());
    assert!(!shared.jar.contains_key("next-auth.passkey-sign-up"));

    // A new address this time; then Ada asks for a mail of her own there: it is dropped.
    let mut shared = s.browser();
    let offered = options(&mut shared, "action=register&email=new%40example.com").await;
    let response = attackers_key.register(&offered.json()["options"]);
    answer(&mut shared, "register", &response.to_string()).await;
    assert!(shared.jar.contains_key("next-auth.passkey-sign-up"));
    shared.request_email_sign_in("new@example.com", &[]).await;
    assert!(!shared.jar.contains_key("next-auth.passkey-sign-up"));

    // And any other sign-in there drops it too.
    let mut shared = s.browser();
    let offered = options(&mut shared, "action=register&email=other%40example.com").await;
    let response = attackers_key.register(&offered.json()["options"]);
    answer(&mut shared, "register", &response.to_string()).await;
    let bob = shared
        .sign_in_with_email_password("bob@example.com", PASSWORD)
        .await;
    assert!(bob.sets_session_cookie());
    assert!(!shared.jar.contains_key("next-auth.passkey-sign-up"));
    let mut x = s.browser();
    assert_refused(&sign_in_with(&mut x, &mut attackers_key, |_| {}).await);
}

#[tokio::test]
async fn with_verification_only_preferred_a_passkey_is_one_factor() {
    let s = Setup::new();
    s.user("ada@example.com").await;
    let builder = s.with_passwords().provider({
        let mut p = PasskeyProvider::new();
        p.user_verification = UserVerification::Preferred;
        p
    });
    let mut c = EngineClient::new(builder.clone().build().unwrap());
    assert!(
        c.sign_in_with_email_password("ada@example.com", PASSWORD)
            .await
            .sets_session_cookie()
    );
    let mut key = SoftAuthenticator::new(ORIGIN);
    key.user_verified = false;
    added(&mut c, &mut key).await;
    // With no second factor required, presence alone signs in.
    let mut b = EngineClient::new(builder.clone().build().unwrap());
    assert!(
        sign_in_with(&mut b, &mut key, |_| {})
            .await
            .sets_session_cookie()
    );
    // Where everyone needs a second step, such a passkey is only the first.
    let required = builder
        .two_factor(TwoFactor::new(TwoFactorMode::Required))
        .build()
        .unwrap();
    let mut b = EngineClient::new(required);
    let first = sign_in_with(&mut b, &mut key, |_| {}).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED, "{}", first.text());
    assert!(
        first.json()["url"]
            .as_str()
            .unwrap()
            .contains("TwoFactorRequired")
    );
    assert!(!first.sets_session_cookie());
}

#[tokio::test]
async fn configured_origins_are_compared_as_browsers_write_them() {
    let s = Setup::new();
    s.user("ada@example.com").await;
    let builder =
        (s.with_passwords()).provider(PasskeyProvider::new().origin("HTTP://LocalHost:3000/"));
    let mut c = EngineClient::new(builder.build().unwrap());
    assert!(
        c.sign_in_with_email_password("ada@example.com", PASSWORD)
            .await
            .sets_session_cookie()
    );
    added(&mut c, &mut SoftAuthenticator::new(ORIGIN)).await;
    // An origin off the RP id is a configuration error.
    let wrong = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .adapter(s.adapter.clone())
        .provider(PasskeyProvider::new().origin("https://evil.example"))
        .build();
    assert!(wrong.is_err());
}

#[tokio::test]
async fn a_client_cannot_make_its_sign_in_recent_through_the_apps_jwt_callback() {
    // An app whose `jwt` callback merges what the client posts into the token (a common
    // pattern for `update()`).
    struct Merge;
    #[async_trait::async_trait]
    impl Callbacks for Merge {
        async fn jwt(&self, mut args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            if let Some(Value::Object(data)) = args.session {
                for (name, value) in data {
                    args.token.insert(name.clone(), value.clone());
                }
            }
            Ok(Some(args.token))
        }
    }
    let s = Setup::new();
    let ada = s.user("ada@example.com").await;
    let auth = s
        .builder()
        .session_strategy(SessionStrategy::Jwt)
        .callbacks(Merge)
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    let signed = c
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert!(signed.sets_session_cookie());
    s.clock.advance(Duration::from_secs(16 * 60));
    for auth_time in [json!(1e12), json!(NOW + 16 * 60), json!(-1), json!("now")] {
        let token = c.csrf_token().await;
        let updated = c
            .post_json(
                "/api/auth/session",
                &json!({"csrfToken": token, "data": {"auth_time": auth_time}}),
            )
            .await;
        assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
        let refused = options(&mut c, "action=register").await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{auth_time}: {}",
            refused.text()
        );
    }
    assert!(s.passkeys_of(&ada).await.is_empty());
}

#[tokio::test]
async fn the_notice_goes_through_the_email_provider_when_it_is_the_only_mail() {
    let s = Setup::new();
    let builder = (s.site())
        .provider(EmailProvider::with_transport(s.outbox.clone()))
        .provider(PasskeyProvider::new());
    let mut c = EngineClient::new(builder.build().unwrap());
    c.request_email_sign_in("ada@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    assert!(c.open_email_link(&link).await.sets_session_cookie());
    added(&mut c, &mut SoftAuthenticator::new(ORIGIN)).await;
    let notice = s.outbox.last().unwrap();
    assert_eq!(notice.purpose, EmailPurpose::PasskeyAdded);
    assert_eq!(notice.to, "ada@example.com");
    assert!(notice.code.is_none());
    assert!(notice.url.ends_with("/api/auth/account"), "{}", notice.url);
}

#[tokio::test]
async fn the_last_passkey_stays_when_no_proven_address_lets_the_user_in() {
    // No password, and an address that is gone, or was never proven (as an OAuth provider
    // that does not vouch for it leaves it): the email provider lets nobody in, or would let
    // in whoever owns the address.
    let forget: [fn(&mut authrs_core::adapter::AdapterUser); 2] =
        [|user| user.email = None, |user| user.email_verified = None];
    for forget in forget {
        let s = Setup::new();
        let ada = s.user("ada@example.com").await;
        let mut c = s.signed_in("ada@example.com").await;
        let mut phone = SoftAuthenticator::new(ORIGIN);
        added(&mut c, &mut phone).await;
        let mut user = s.adapter.get_user(&ada).await.unwrap().unwrap();
        forget(&mut user);
        s.adapter.update_user(user).await.unwrap();
        s.adapter.set_password_hash(&ada, None).await.unwrap();
        let mut b = s.browser();
        let signed = sign_in_with(&mut b, &mut phone, |_| {}).await;
        assert!(signed.sets_session_cookie(), "{}", signed.text());
        let passkeys = s.passkeys_of(&ada).await;
        let id = passkeys[0].credential_id.as_str();
        let refused = b
            .post_form_with_csrf_json("/api/auth/account/passkey-delete", &[("credentialId", id)])
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{}",
            refused.text()
        );
        assert_eq!(s.passkeys_of(&ada).await.len(), 1);
    }
}
