//! The account page and its JSON routes, driven in-process against the memory adapter:
//! profile, sessions (listed with their device and network, ended one by one or all others),
//! ways to sign in, and deleting the account after a fresh proof.

use std::sync::Arc;

use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser, Timestamp};
use authrs_core::clock::FixedClock;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, EmailPurpose};
use authrs_core::{Auth, AuthBuilder, EmailPassword, SessionStrategy};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

struct Setup {
    builder: AuthBuilder,
    adapter: Arc<MemoryAdapter>,
    outbox: Arc<Outbox>,
    hasher: Arc<PasswordHasher>,
}

fn setup() -> Setup {
    let adapter = Arc::new(MemoryAdapter::new());
    let outbox = Arc::new(Outbox::default());
    let hasher = Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap());
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(Arc::new(FixedClock::at_secs(1_800_000_000)))
        .adapter(adapter.clone())
        .password_hashing(hasher.clone())
        .email_password(EmailPassword {
            transport: Some(outbox.clone()),
            ..EmailPassword::default()
        })
        .provider(EmailProvider::with_transport(outbox.clone()));
    Setup {
        builder,
        adapter,
        outbox,
        hasher,
    }
}

impl Setup {
    /// A proven account with a password.
    async fn user(&self, email: &str) -> String {
        let user = self
            .adapter
            .create_user(NewUser {
                email: Some(email.to_owned()),
                name: Some("Ada".to_owned()),
                email_verified: Some(Timestamp::from_millis(1)),
                password_hash: Some(self.hasher.hash(PASSWORD).unwrap()),
                ..NewUser::default()
            })
            .await
            .unwrap();
        user.id
    }

    /// A browser with this user agent and address, signed in with the password.
    async fn browser(&self, email: &str, agent: &str, address: &str) -> EngineClient {
        let mut c = EngineClient::new(self.builder.clone().build().unwrap());
        c.extra_headers
            .insert(http::header::USER_AGENT, agent.parse().unwrap());
        c.client_address = Some(address.parse().unwrap());
        let answer = c.sign_in_with_email_password(email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        c
    }
}

async fn sessions(c: &mut EngineClient) -> Vec<Value> {
    let answer = c.get("/api/auth/account/sessions").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()["sessions"].as_array().unwrap().clone()
}

async fn signed_in(c: &mut EngineClient) -> bool {
    c.session().await.get("user").is_some()
}

/// Posts one of the page's forms as the page does (CSRF token, `from=account`).
async fn post(c: &mut EngineClient, path: &str, fields: &[(&str, &str)]) -> Answer {
    let mut form = vec![("from", "account")];
    form.extend_from_slice(fields);
    c.post_form_with_csrf(path, &form).await
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_sign_in_and_back() {
    let s = setup();
    let mut c = EngineClient::new(s.builder.clone().build().unwrap());
    let answer = c.get("/api/auth/account").await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.redirect_url().unwrap(),
        "http://localhost:3000/api/auth/signin?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Faccount"
    );
    for path in ["/api/auth/account/sessions", "/api/auth/account/profile"] {
        let answer = c.get(path).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.json()["error"], "SessionRequired", "{path}");
    }
    let refused = post(&mut c, "/api/auth/account/profile", &[("name", "Eve")]).await;
    assert!(
        refused
            .redirect_url()
            .unwrap()
            .contains("error=SessionRequired"),
        "{:?}",
        refused.redirect_url()
    );
}

#[tokio::test]
async fn the_page_lists_each_session_with_its_device_and_network_and_this_device_first() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut laptop = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let _phone = s
        .browser("ada@example.com", IPHONE, "2001:db8:1:2::9")
        .await;

    let page = laptop.get("/api/auth/account").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Firefox on Linux"), "{text}");
    assert!(text.contains("Safari on iOS"));
    assert!(text.contains("Network 203.0.113.0/24"));
    assert!(text.contains("Network 2001:db8:1:2::/64"));
    assert!(
        !text.contains("203.0.113.77"),
        "the address itself is never kept"
    );
    let this_device = text.find("This device").unwrap();
    assert!(
        this_device < text.find("Safari on iOS").unwrap(),
        "this device first"
    );
    assert!(
        text.contains("<bdi>ada@example.com</bdi> (confirmed)"),
        "{text}"
    );
    // Every form carries the CSRF token; the page needs no script.
    assert_eq!(
        text.matches("<form").count(),
        text.matches(r#"name="csrfToken""#).count()
    );
    assert!(!text.contains("<script"));

    let listed = sessions(&mut laptop).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["current"], true);
    assert_eq!(listed[0]["userAgent"], FIREFOX);
    assert_eq!(listed[0]["network"], "203.0.113.0/24");
    assert_eq!(listed[0]["browser"], "Firefox");
    assert_eq!(listed[0]["system"], "Linux");
    assert_eq!(listed[1]["current"], false);
    let id = listed[1]["id"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert!(
        !text.contains(&s.adapter_token_hashes().await[0]),
        "no token hash on the page"
    );
}

impl Setup {
    async fn adapter_token_hashes(&self) -> Vec<String> {
        let user = self
            .adapter
            .get_user_by_email("ada@example.com")
            .await
            .unwrap()
            .unwrap();
        (self
            .adapter
            .list_user_sessions(&user.id, 100)
            .await
            .unwrap())
        .into_iter()
        .map(|s| s.session_token)
        .collect()
    }
}

#[tokio::test]
async fn revoking_another_session_signs_that_browser_out_and_no_one_elses() {
    let s = setup();
    s.user("ada@example.com").await;
    s.user("grace@example.com").await;
    let mut laptop = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let mut phone = s.browser("ada@example.com", IPHONE, "198.51.100.4").await;
    let mut grace = s.browser("grace@example.com", FIREFOX, "192.0.2.1").await;

    // Grace cannot end Ada's session with its id.
    let ada_phone = sessions(&mut laptop).await[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = post(
        &mut grace,
        "/api/auth/account/revoke-session",
        &[("session", &ada_phone)],
    )
    .await;
    assert_eq!(
        refused.redirect_url().unwrap(),
        "http://localhost:3000/api/auth/account?error=UnknownSession"
    );
    assert!(signed_in(&mut phone).await);

    let answer = post(
        &mut laptop,
        "/api/auth/account/revoke-session",
        &[("session", &ada_phone)],
    )
    .await;
    assert_eq!(
        answer.redirect_url().unwrap(),
        "http://localhost:3000/api/auth/account?notice=SessionRevoked"
    );
    assert!(!signed_in(&mut phone).await, "the phone is signed out");
    assert!(signed_in(&mut laptop).await);
    assert!(signed_in(&mut grace).await);
    assert_eq!(sessions(&mut laptop).await.len(), 1);

    // All others: a second phone goes, this browser stays.
    let mut tablet = s.browser("ada@example.com", IPHONE, "198.51.100.5").await;
    let answer = post(&mut laptop, "/api/auth/account/revoke-other-sessions", &[]).await;
    assert!(
        answer
            .redirect_url()
            .unwrap()
            .ends_with("notice=OthersRevoked")
    );
    assert!(!signed_in(&mut tablet).await);
    assert!(signed_in(&mut laptop).await);
    assert!(signed_in(&mut grace).await);
}

#[tokio::test]
async fn the_profile_changes_and_bad_values_are_refused_with_a_clear_error() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let answer = post(
        &mut c,
        "/api/auth/account/profile",
        &[
            ("name", " Ada Lovelace "),
            ("image", "https://example.com/ada.png"),
        ],
    )
    .await;
    assert!(
        answer
            .redirect_url()
            .unwrap()
            .ends_with("notice=ProfileSaved")
    );
    let profile = c.get("/api/auth/account/profile").await.json();
    assert_eq!(profile["user"]["name"], "Ada Lovelace");
    assert_eq!(profile["user"]["image"], "https://example.com/ada.png");
    assert_eq!(profile["hasPassword"], true);
    let page = c.get("/api/auth/account?notice=ProfileSaved").await.text();
    assert!(page.contains("Your profile was saved."));
    assert!(page.contains(r#"value="Ada Lovelace""#));

    for (name, image) in [
        ("x".repeat(101).as_str(), ""),
        ("Ada\u{0}", ""),
        ("Ada", "javascript:alert(1)"),
        ("Ada", "http://example.com/plain.png"),
        ("Ada", "data:image/png;base64,AAAA"),
    ] {
        let answer = post(
            &mut c,
            "/api/auth/account/profile",
            &[("name", name), ("image", image)],
        )
        .await;
        assert_eq!(answer.status, StatusCode::FOUND, "{name:?} {image:?}");
        assert!(
            answer
                .redirect_url()
                .unwrap()
                .ends_with("error=InvalidProfile"),
            "{name:?} {image:?}"
        );
    }
    // JSON clients get the status.
    let token = c.csrf_token().await;
    let answer = c
        .post_form(
            "/api/auth/account/profile",
            &[
                ("csrfToken", &token),
                ("json", "true"),
                ("image", "ftp://x"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let page = c.get("/api/auth/account?error=InvalidProfile").await.text();
    assert!(page.contains("A picture must be an https:// address."));
    // Escaped where it is shown.
    post(
        &mut c,
        "/api/auth/account/profile",
        &[("name", "<b>Ada</b>")],
    )
    .await;
    let page = c.get("/api/auth/account").await.text();
    assert!(page.contains("&lt;b&gt;Ada&lt;/b&gt;") && !page.contains("<b>Ada</b>"));
}

#[tokio::test]
async fn deleting_the_account_needs_the_password_which_is_throttled() {
    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let mut phone = s.browser("ada@example.com", IPHONE, "198.51.100.4").await;

    let wrong = post(&mut c, "/api/auth/account/delete", &[("password", "nope")]).await;
    assert!(
        wrong
            .redirect_url()
            .unwrap()
            .ends_with("error=CredentialsSignin"),
        "{:?}",
        wrong.redirect_url()
    );
    assert!(s.adapter.get_user(&ada).await.unwrap().is_some());
    // A stolen session is no guessing oracle: the password throttle counts these too.
    let mut last = StatusCode::OK;
    for _ in 0..10 {
        last = post(&mut c, "/api/auth/account/delete", &[("password", "nope")])
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    let s = setup();
    let ada = s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let mut phone2 = s.browser("ada@example.com", IPHONE, "198.51.100.4").await;
    let answer = post(
        &mut c,
        "/api/auth/account/delete",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(answer.redirect_url().unwrap(), "http://localhost:3000");
    assert!(s.adapter.get_user(&ada).await.unwrap().is_none());
    assert!(!signed_in(&mut c).await);
    assert!(!signed_in(&mut phone2).await, "every session went with it");
    let _ = &mut phone;
}

#[tokio::test]
async fn an_account_without_a_password_is_deleted_with_a_mailed_code_once() {
    let s = setup();
    let mut c = EngineClient::new(s.builder.clone().build().unwrap());
    c.request_email_sign_in("lin@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    c.open_email_link(&link).await;
    assert!(signed_in(&mut c).await);
    let page = c.get("/api/auth/account").await.text();
    assert!(page.contains("Email me a code"), "{page}");
    assert!(page.contains("Email me a link to set a password"));

    let answer = post(&mut c, "/api/auth/account/delete-request", &[]).await;
    assert!(
        answer
            .redirect_url()
            .unwrap()
            .ends_with("notice=DeleteCodeSent")
    );
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::DeleteAccount);
    assert_eq!(mail.to, "lin@example.com");
    let code = mail.code.clone().unwrap();
    let page = c
        .get("/api/auth/account?notice=DeleteCodeSent")
        .await
        .text();
    assert!(page.contains(r#"name="code""#));

    let wrong = post(&mut c, "/api/auth/account/delete", &[("code", "AAAA-AAAA")]).await;
    assert!(
        wrong
            .redirect_url()
            .unwrap()
            .ends_with("error=Verification")
    );
    let answer = post(&mut c, "/api/auth/account/delete", &[("code", &code)]).await;
    assert_eq!(answer.redirect_url().unwrap(), "http://localhost:3000");
    assert!(
        s.adapter
            .get_user_by_email("lin@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(!signed_in(&mut c).await);
}

#[tokio::test]
async fn jwt_sessions_show_sign_out_everywhere_instead_of_a_list() {
    let s = setup();
    s.user("ada@example.com").await;
    let builder = s.builder.clone().session_strategy(SessionStrategy::Jwt);
    let mut c = EngineClient::new(builder.build().unwrap());
    let answer = c
        .sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let page = c.get("/api/auth/account").await.text();
    assert!(page.contains("/account/signout-everywhere"), "{page}");
    assert!(!page.contains("revoke-session"));
    let listed = c.get("/api/auth/account/sessions").await.json();
    assert_eq!(listed["strategy"], "jwt");
    assert_eq!(listed["sessions"], serde_json::json!([]));
}

#[tokio::test]
async fn the_page_speaks_the_users_language() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let page = c
        .get_with_headers("/api/auth/account", &[("accept-language", "ar")])
        .await
        .text();
    assert!(page.contains(r#"lang="ar" dir="rtl""#));
    assert!(!page.contains("Your account"));
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_password_through_change_password() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let answer = post(
            &mut c,
            "/api/auth/account/change-password",
            &[
                ("currentPassword", "guess"),
                ("newPassword", "a new long password"),
            ],
        )
        .await;
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_profile_field_left_out_stays_and_hidden_characters_are_refused() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    post(
        &mut c,
        "/api/auth/account/profile",
        &[("name", "Ada"), ("image", "https://example.com/ada.png")],
    )
    .await;
    // Only the name: the picture stays.
    post(&mut c, "/api/auth/account/profile", &[("name", "Ada L.")]).await;
    let profile = c.get("/api/auth/account/profile").await.json();
    assert_eq!(profile["user"]["name"], "Ada L.");
    assert_eq!(profile["user"]["image"], "https://example.com/ada.png");
    for name in [
        "Ada\u{202e}evil",
        "A\u{200b}da",
        "Ada\u{2028}L",
        "\u{feff}Ada",
    ] {
        let answer = post(&mut c, "/api/auth/account/profile", &[("name", name)]).await;
        assert!(
            answer
                .redirect_url()
                .unwrap()
                .ends_with("error=InvalidProfile"),
            "{name:?}"
        );
    }
    let answer = post(
        &mut c,
        "/api/auth/account/profile",
        &[("image", "https://user:pass@example.com/a.png")],
    )
    .await;
    assert!(
        answer
            .redirect_url()
            .unwrap()
            .ends_with("error=InvalidProfile")
    );
}

#[tokio::test]
async fn jwt_sessions_are_not_ended_one_by_one_and_say_so() {
    let s = setup();
    s.user("ada@example.com").await;
    let builder = s.builder.clone().session_strategy(SessionStrategy::Jwt);
    let mut c = EngineClient::new(builder.build().unwrap());
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    for path in [
        "/api/auth/account/revoke-other-sessions",
        "/api/auth/account/revoke-session",
    ] {
        let token = c.csrf_token().await;
        let answer = c
            .post_form(path, &[("csrfToken", &token), ("json", "true")])
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            answer.json()["url"]
                .as_str()
                .unwrap()
                .ends_with("error=SessionsNotListed"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_deleted_accounts_revocable_jwt_copy_no_longer_signs_in() {
    let s = setup();
    s.user("ada@example.com").await;
    let builder = s
        .builder
        .clone()
        .session_strategy(SessionStrategy::Jwt)
        .revocable_jwt(true);
    let auth = builder.build().unwrap();
    let mut c = EngineClient::new(auth.clone());
    c.sign_in_with_email_password("ada@example.com", PASSWORD)
        .await;
    let copied = c.cookie_header();
    let answer = post(
        &mut c,
        "/api/auth/account/delete",
        &[("password", PASSWORD)],
    )
    .await;
    assert_eq!(answer.redirect_url().unwrap(), "http://localhost:3000");
    let mut thief = EngineClient::new(auth);
    let session = thief
        .get_with_headers("/api/auth/session", &[("cookie", &copied)])
        .await
        .json();
    assert!(session.get("user").is_none(), "{session}");
}

#[tokio::test]
async fn the_deletion_mail_links_to_the_configured_site_whatever_the_request_says() {
    let s = setup();
    let builder = s.builder.clone().trust_host(true);
    let mut c = EngineClient::new(builder.build().unwrap());
    c.request_email_sign_in("lin@example.com", &[]).await;
    let link = s.outbox.last().unwrap().url;
    c.open_email_link(&link).await;
    c.extra_headers
        .insert("x-forwarded-host", "evil.example".parse().unwrap());
    let answer = post(&mut c, "/api/auth/account/delete-request", &[]).await;
    assert!(
        answer
            .redirect_url()
            .unwrap()
            .contains("notice=DeleteCodeSent")
    );
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::DeleteAccount);
    assert_eq!(mail.url, "http://localhost:3000/api/auth/account");
    assert!(!mail.html.contains("evil.example") && !mail.text.contains("evil.example"));
}

#[tokio::test]
async fn an_account_with_a_password_gets_no_deletion_code() {
    let s = setup();
    s.user("ada@example.com").await;
    let mut c = s.browser("ada@example.com", FIREFOX, "203.0.113.77").await;
    let mails = s.outbox.len();
    let answer = post(&mut c, "/api/auth/account/delete-request", &[]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(answer.redirect_url().unwrap().contains("error="));
    assert_eq!(s.outbox.len(), mails, "no mail");
}
