//! The engine driven in-process with `http::Request`s: every endpoint and the security rules,
//! each as a named test.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use authrs_core::callbacks::{CallbackError, JwtArgs, RedirectArgs, SignInArgs};
use authrs_core::clock::FixedClock;
use authrs_core::jwt::{Claims, TokenCodec, TokenFormat};
use authrs_core::providers::{AuthorizeError, Credentials, CredentialsProvider, RequestMeta};
use authrs_core::secret::Secret;
use authrs_core::{
    Auth, AuthBuilder, Callbacks, Compatibility, Pages, SignInDecision, Theme, User,
};
use authrs_test_support::{EngineClient, TEST_SECRET};
use http::StatusCode;
use serde_json::{Value, json};

const NOW_SECS: u64 = 1_800_000_000;

async fn authorize(
    credentials: Credentials,
    _meta: RequestMeta,
) -> Result<Option<User>, AuthorizeError> {
    match (credentials.get("username"), credentials.get("password")) {
        (Some("ada"), Some("correct horse")) => Ok(Some(
            User::new("user-1")
                .with_name("Ada Lovelace")
                .with_email("ada@example.com"),
        )),
        (Some("broken"), _) => Err(AuthorizeError("database unavailable".into())),
        _ => Ok(None),
    }
}

fn builder() -> (AuthBuilder, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at_secs(NOW_SECS));
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(clock.clone())
        .provider(CredentialsProvider::new(authorize));
    (builder, clock)
}

fn client() -> EngineClient {
    EngineClient::new(builder().0.build().unwrap())
}

fn v5_client() -> EngineClient {
    EngineClient::new(
        builder()
            .0
            .compatibility(Compatibility::AuthJsV5)
            .build()
            .unwrap(),
    )
}

/// Signs Ada in (see [`authorize`]).
async fn signed_in(client: &mut EngineClient) {
    let answer = client
        .sign_in_with_credentials("ada", "correct horse")
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

// ---------------------------------------------------------------- endpoints

#[tokio::test]
async fn csrf_returns_a_token_and_sets_a_hashed_cookie() {
    let mut c = client();
    let answer = c.get("/api/auth/csrf").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("cache-control"),
        Some("private, no-cache, no-store")
    );
    let token = answer.json()["csrfToken"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    let cookie = answer.set_cookie("next-auth.csrf-token").unwrap();
    assert!(
        cookie.starts_with(&format!("next-auth.csrf-token={token}%7C")),
        "{cookie}"
    );
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    // A valid cookie is reused: same token, no new cookie.
    let again = c.get("/api/auth/csrf").await;
    assert_eq!(again.json()["csrfToken"], token.as_str());
    assert!(again.set_cookie("next-auth.csrf-token").is_none());
}

#[tokio::test]
async fn providers_lists_each_provider_with_its_urls() {
    let mut c = client();
    let answer = c.get("/api/auth/providers").await;
    assert_eq!(
        answer.json(),
        json!({"credentials": {
            "id": "credentials", "name": "Credentials", "type": "credentials",
            "signinUrl": "http://localhost:3000/api/auth/signin/credentials",
            "callbackUrl": "http://localhost:3000/api/auth/callback/credentials"
        }})
    );
}

#[tokio::test]
async fn credentials_sign_in_then_session_returns_the_user() {
    let mut c = client();
    assert_eq!(c.session().await, json!({}));
    let answer = c
        .sign_in_with(
            "credentials",
            &[
                ("username", "ada"),
                ("password", "correct horse"),
                ("callbackUrl", "/dashboard"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/dashboard"})
    );
    let cookie = answer.set_cookie("next-auth.session-token").unwrap();
    assert!(cookie.contains("; Path=/; Expires="), "{cookie}");
    assert!(cookie.ends_with("; HttpOnly; SameSite=Lax"), "{cookie}");
    let session = c.session().await;
    assert_eq!(
        session,
        json!({
            "user": {"name": "Ada Lovelace", "email": "ada@example.com"},
            "expires": "2027-02-14T08:00:00.000Z"
        })
    );
}

#[tokio::test]
async fn session_cookie_is_next_auth_v4_token_format() {
    let mut c = client();
    signed_in(&mut c).await;
    let token = c.jar["next-auth.session-token"].clone();
    let codec = TokenCodec::new(TokenFormat::V4, &[Secret::new(TEST_SECRET)], "");
    let claims = codec.decode(&token, NOW_SECS).unwrap();
    assert_eq!(claims["sub"], "user-1");
    assert_eq!(claims["name"], "Ada Lovelace");
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["exp"], NOW_SECS + 30 * 24 * 3600);
}

#[tokio::test]
async fn no_session_body_is_empty_object_in_v4_and_null_in_v5() {
    assert_eq!(client().get("/api/auth/session").await.text(), "{}");
    assert_eq!(v5_client().get("/api/auth/session").await.text(), "null");
}

#[tokio::test]
async fn session_read_slides_the_expiry() {
    let (b, clock) = builder();
    let mut c = EngineClient::new(b.build().unwrap());
    signed_in(&mut c).await;
    let first = c.jar["next-auth.session-token"].clone();
    clock.advance(Duration::from_secs(3600));
    let session = c.session().await;
    assert_eq!(session["expires"], "2027-02-14T09:00:00.000Z");
    let second = c.jar["next-auth.session-token"].clone();
    assert_ne!(first, second, "the token is re-issued on every read");
    let codec = TokenCodec::new(TokenFormat::V4, &[Secret::new(TEST_SECRET)], "");
    assert_eq!(
        codec.decode(&second, NOW_SECS + 3600).unwrap()["exp"],
        NOW_SECS + 3600 + 30 * 24 * 3600
    );
}

#[tokio::test]
async fn expired_session_token_is_no_session_and_its_cookie_is_cleared() {
    let (b, clock) = builder();
    let mut c = EngineClient::new(b.session_max_age(Duration::from_secs(60)).build().unwrap());
    signed_in(&mut c).await;
    clock.advance(Duration::from_secs(60 + 16));
    let answer = c.get("/api/auth/session").await;
    assert_eq!(answer.text(), "{}");
    assert!(
        answer
            .set_cookie("next-auth.session-token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(!c.jar.contains_key("next-auth.session-token"));
}

#[tokio::test]
async fn tampered_session_token_is_no_session() {
    let mut c = client();
    signed_in(&mut c).await;
    let token = c.jar["next-auth.session-token"].clone();
    let mut bytes = token.into_bytes();
    let i = bytes.len() - 30;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    c.jar.insert(
        "next-auth.session-token".into(),
        String::from_utf8(bytes).unwrap(),
    );
    let answer = c.get("/api/auth/session").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.text(), "{}");
    assert!(
        answer
            .set_cookie("next-auth.session-token")
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[tokio::test]
async fn garbage_session_cookies_are_no_session_never_an_error() {
    for garbage in [
        "",
        "x",
        "a.b.c.d.e",
        "....",
        "%FF%FE",
        "eyJhbGciOiJub25lIn0..a.b.c",
        &"A".repeat(5000),
    ] {
        let mut c = client();
        c.jar
            .insert("next-auth.session-token".into(), garbage.into());
        let answer = c.get("/api/auth/session").await;
        assert_eq!(answer.status, StatusCode::OK, "{garbage:?}");
        assert_eq!(answer.text(), "{}", "{garbage:?}");
    }
}

#[tokio::test]
async fn token_from_a_foreign_secret_is_no_session() {
    let mut c = client();
    let foreign = TokenCodec::new(
        TokenFormat::V4,
        &[Secret::new("another-secret-another-secret-0000")],
        "",
    );
    let mut claims: Claims = json!({"sub": "user-1", "name": "Mallory"})
        .as_object()
        .unwrap()
        .clone();
    c.jar.insert(
        "next-auth.session-token".into(),
        foreign.encode(&mut claims, NOW_SECS, 600),
    );
    assert_eq!(c.session().await, json!({}));
}

#[tokio::test]
async fn token_without_a_subject_is_not_a_session() {
    // CVE-2023-48309: an OAuth check cookie pasted into the session cookie must not sign in.
    let mut c = client();
    let codec = TokenCodec::new(TokenFormat::V4, &[Secret::new(TEST_SECRET)], "");
    for claims in [
        json!({"value": "abc", "provider": "google"}),
        json!({"sub": ""}),
        json!({"sub": 42}),
    ] {
        let mut claims: Claims = claims.as_object().unwrap().clone();
        c.jar.insert(
            "next-auth.session-token".into(),
            codec.encode(&mut claims, NOW_SECS, 600),
        );
        assert_eq!(c.session().await, json!({}), "{claims:?}");
    }
}

#[tokio::test]
async fn rotated_secrets_accept_old_tokens_and_reissue_under_the_new_secret() {
    let old_secret = "old-secret-old-secret-old-secret-00";
    let old = TokenCodec::new(TokenFormat::V4, &[Secret::new(old_secret)], "");
    let mut claims: Claims = json!({"sub": "user-1", "name": "Ada"})
        .as_object()
        .unwrap()
        .clone();
    let token = old.encode(&mut claims, NOW_SECS, 600);
    let (b, _) = builder();
    let auth = b
        .secrets(vec![Secret::new(TEST_SECRET), Secret::new(old_secret)])
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    c.jar.insert("next-auth.session-token".into(), token);
    assert_eq!(c.session().await["user"]["name"], "Ada");
    let reissued = c.jar["next-auth.session-token"].clone();
    let new = TokenCodec::new(TokenFormat::V4, &[Secret::new(TEST_SECRET)], "");
    assert!(new.decode(&reissued, NOW_SECS).is_ok());
    assert!(old.decode(&reissued, NOW_SECS).is_err());
}

#[tokio::test]
async fn v5_mode_uses_authjs_cookies_and_tokens() {
    let mut c = v5_client();
    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.status, StatusCode::OK);
    let token = c.jar["authjs.session-token"].clone();
    let codec = TokenCodec::new(
        TokenFormat::V5,
        &[Secret::new(TEST_SECRET)],
        "authjs.session-token",
    );
    assert_eq!(codec.decode(&token, NOW_SECS).unwrap()["sub"], "user-1");
    assert!(c.jar.contains_key("authjs.csrf-token"));
    assert_eq!(c.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn secure_mode_uses_prefixed_cookie_names_and_secure_attribute() {
    let (b, _) = builder();
    let mut c = EngineClient::new(b.url("https://example.com/api/auth").build().unwrap());
    let answer = c.get("/api/auth/csrf").await;
    let cookie = answer.set_cookie("__Host-next-auth.csrf-token").unwrap();
    assert!(
        cookie.contains("; Path=/;") && cookie.contains("; Secure"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    signed_in(&mut c).await;
    assert!(c.jar.contains_key("__Secure-next-auth.session-token"));
}

#[tokio::test]
async fn session_update_passes_data_to_the_jwt_callback() {
    struct Rename;
    #[async_trait]
    impl Callbacks for Rename {
        async fn jwt(&self, mut args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            if let Some(name) = args.session.and_then(|data| data.get("name")) {
                args.token.insert("name".into(), name.clone());
            }
            Ok(Some(args.token))
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Rename).build().unwrap());
    signed_in(&mut c).await;
    let token = c.csrf_token().await;
    let answer = c
        .post_json(
            "/api/auth/session",
            &json!({"csrfToken": token, "data": {"name": "Countess"}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["user"]["name"], "Countess");
    assert_eq!(
        c.session().await["user"]["name"],
        "Countess",
        "the update is kept in the token"
    );
}

#[tokio::test]
async fn jwt_callback_returning_none_ends_the_session() {
    struct End;
    #[async_trait]
    impl Callbacks for End {
        async fn jwt(&self, args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            Ok(args.trigger.is_some().then_some(args.token))
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(End).build().unwrap());
    signed_in(&mut c).await;
    assert_eq!(c.session().await, json!({}));
    assert!(!c.jar.contains_key("next-auth.session-token"));
}

#[tokio::test]
async fn failing_callback_on_session_read_is_a_500_without_details_and_keeps_the_cookie() {
    struct Flaky;
    #[async_trait]
    impl Callbacks for Flaky {
        async fn jwt(&self, args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            match args.trigger {
                Some(_) => Ok(Some(args.token)),
                None => Err(CallbackError::new(
                    "refresh endpoint unreachable: secret=hunter2",
                )),
            }
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Flaky).build().unwrap());
    signed_in(&mut c).await;
    let answer = c.get("/api/auth/session").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!answer.text().contains("hunter2") && !answer.text().contains("refresh"));
    assert!(answer.json().get("user").is_none());
    assert!(c.jar.contains_key("next-auth.session-token"));
}

#[tokio::test]
async fn sign_out_clears_the_session_cookie_and_redirects() {
    let mut c = client();
    signed_in(&mut c).await;
    let answer = c
        .post_form_with_csrf_json("/api/auth/signout", &[("callbackUrl", "/bye")])
        .await;
    assert_eq!(answer.json(), json!({"url": "http://localhost:3000/bye"}));
    assert!(
        answer
            .set_cookie("next-auth.session-token")
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(c.session().await, json!({}));
}

#[tokio::test]
async fn sign_out_without_json_mode_is_a_302() {
    let mut c = client();
    signed_in(&mut c).await;
    let answer = c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.header("location"), Some("http://localhost:3000"));
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn x_auth_return_redirect_header_answers_200_with_url() {
    let mut c = v5_client();
    let token = c.csrf_token().await;
    let answer = c
        .post_form_with_headers(
            "/api/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("username", "ada"),
                ("password", "nope"),
            ],
            &[("x-auth-return-redirect", "1")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/signin?error=CredentialsSignin&code=credentials"})
    );
}

// ---------------------------------------------------------------- credentials rules

#[tokio::test]
async fn wrong_credentials_give_credentials_signin_401_in_json_mode() {
    let mut c = client();
    let answer = c.sign_in_with_credentials("ada", "wrong").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/error?error=CredentialsSignin&provider=credentials"})
    );
    assert!(!c.jar.contains_key("next-auth.session-token"));
    // Following it lands on the sign-in page with the message.
    let bounce = c
        .get("/api/auth/error?error=CredentialsSignin&provider=credentials")
        .await;
    assert_eq!(
        bounce.header("location"),
        Some("http://localhost:3000/api/auth/signin?error=CredentialsSignin")
    );
    let page = c.get("/api/auth/signin?error=CredentialsSignin").await;
    assert!(page.text().contains("Check your details"));
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let mut a = client();
    let wrong_password = a.sign_in_with_credentials("ada", "x").await;
    let mut b = client();
    let unknown_user = b.sign_in_with_credentials("nobody", "x").await;
    assert_eq!(wrong_password.status, unknown_user.status);
    assert_eq!(wrong_password.body, unknown_user.body);
}

#[tokio::test]
async fn authorize_error_gives_configuration_without_details() {
    let mut c = client();
    let answer = c.sign_in_with_credentials("broken", "x").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/error?error=Configuration"})
    );
    let page = c.get("/api/auth/error?error=Configuration").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.text().contains("database"));
}

/// Signs in with the right credentials and checks that the sign-in was refused with
/// `AccessDenied` (403 in JSON mode) and no session cookie.
async fn assert_sign_in_refused_as_access_denied(c: &mut EngineClient) {
    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/error?error=AccessDenied"})
    );
    assert!(!c.jar.contains_key("next-auth.session-token"));
}

#[tokio::test]
async fn sign_in_callback_denial_gives_access_denied_403() {
    struct Deny;
    #[async_trait]
    impl Callbacks for Deny {
        async fn sign_in(&self, _: SignInArgs<'_>) -> Result<SignInDecision, CallbackError> {
            Ok(SignInDecision::Deny)
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Deny).build().unwrap());
    assert_sign_in_refused_as_access_denied(&mut c).await;
    assert_eq!(
        c.get("/api/auth/error?error=AccessDenied").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn failing_sign_in_callback_fails_closed_as_access_denied() {
    struct Broken;
    #[async_trait]
    impl Callbacks for Broken {
        async fn sign_in(&self, _: SignInArgs<'_>) -> Result<SignInDecision, CallbackError> {
            Err(CallbackError::new("ban list unavailable"))
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Broken).build().unwrap());
    assert_sign_in_refused_as_access_denied(&mut c).await;
}

#[tokio::test]
async fn sign_in_callback_redirect_is_still_validated() {
    struct Elsewhere;
    #[async_trait]
    impl Callbacks for Elsewhere {
        async fn sign_in(&self, _: SignInArgs<'_>) -> Result<SignInDecision, CallbackError> {
            Ok(SignInDecision::Redirect(
                "https://evil.example/phish".into(),
            ))
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Elsewhere).build().unwrap());
    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.json(), json!({"url": "http://localhost:3000"}));
}

// ---------------------------------------------------------------- CSRF rules

/// Posts the right credentials with the given CSRF token (or none) and checks that the CSRF
/// rule refused them: the v4 CSRF redirect, and no session cookie.
async fn assert_credentials_refused_for_csrf(c: &mut EngineClient, csrf_token: Option<&str>) {
    let mut form = vec![
        ("username", "ada"),
        ("password", "correct horse"),
        ("json", "true"),
    ];
    if let Some(token) = csrf_token {
        form.push(("csrfToken", token));
    }
    let answer = c.post_form("/api/auth/callback/credentials", &form).await;
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/signin?csrf=true"})
    );
    assert!(!c.jar.contains_key("next-auth.session-token"));
}

#[tokio::test]
async fn rejects_credentials_sign_in_without_csrf_token() {
    let mut c = client();
    c.csrf_token().await;
    assert_credentials_refused_for_csrf(&mut c, None).await;
}

#[tokio::test]
async fn rejects_credentials_sign_in_with_mismatched_csrf_token() {
    let mut c = client();
    c.csrf_token().await;
    assert_credentials_refused_for_csrf(&mut c, Some(&"0".repeat(64))).await;
}

#[tokio::test]
async fn rejects_csrf_token_without_its_cookie() {
    let mut c = client();
    let token = c.csrf_token().await;
    c.jar.clear();
    assert_credentials_refused_for_csrf(&mut c, Some(&token)).await;
}

#[tokio::test]
async fn rejects_csrf_cookie_with_a_forged_hash() {
    let mut c = client();
    let token = "a".repeat(64);
    c.jar.insert(
        "next-auth.csrf-token".into(),
        format!("{token}%7C{}", "b".repeat(64)),
    );
    assert_credentials_refused_for_csrf(&mut c, Some(&token)).await;
}

#[tokio::test]
async fn rejects_signout_without_csrf_token() {
    let mut c = client();
    signed_in(&mut c).await;
    let answer = c.post_form("/api/auth/signout", &[("json", "true")]).await;
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/signout?csrf=true"})
    );
    assert_eq!(
        c.session().await["user"]["name"],
        "Ada Lovelace",
        "still signed in"
    );
}

#[tokio::test]
async fn rejects_signout_without_csrf_token_in_v5_with_missing_csrf() {
    let mut c = v5_client();
    let answer = c
        .post_form_with_headers("/api/auth/signout", &[], &[("x-auth-return-redirect", "1")])
        .await;
    assert_eq!(
        answer.json(),
        json!({"url": "http://localhost:3000/api/auth/signin?error=MissingCSRF"})
    );
}

#[tokio::test]
async fn rejects_session_update_without_csrf_token() {
    let mut c = client();
    signed_in(&mut c).await;
    let answer = c
        .post_json("/api/auth/session", &json!({"data": {"name": "x"}}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text(), "{}");
    let mut v5 = v5_client();
    let answer = v5
        .post_json("/api/auth/session", &json!({"csrfToken": "nope"}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text(), "null");
}

#[tokio::test]
async fn rejects_signin_post_without_csrf_token() {
    let mut c = client();
    let answer = c
        .post_form("/api/auth/signin/credentials", &[("json", "true")])
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/signin?csrf=true"
    );
}

#[tokio::test]
async fn csrf_cookie_from_an_old_secret_is_accepted_after_rotation() {
    let (b, _) = builder();
    let mut old = EngineClient::new(
        b.secret("old-secret-old-secret-old-secret-00")
            .build()
            .unwrap(),
    );
    let token = old.csrf_token().await;
    let (b, _) = builder();
    let rotated = b
        .secrets(vec![
            Secret::new("new-secret-new-secret-new-secret-00"),
            Secret::new(TEST_SECRET),
        ])
        .build()
        .unwrap();
    let mut c = EngineClient::new(rotated);
    c.jar = old.jar.clone();
    let answer = c.sign_in_with_credentials("ada", "correct horse").await;
    assert_eq!(answer.status, StatusCode::OK);
    let _ = token;
}

// ---------------------------------------------------------------- callback URL rules

/// Signs out in JSON mode (with a `callbackUrl` field when given) and returns where the
/// engine sends the browser.
async fn sign_out_url(c: &mut EngineClient, callback_url: Option<&str>) -> String {
    let form: &[(&str, &str)] = match callback_url {
        Some(url) => &[("callbackUrl", url)],
        None => &[],
    };
    let answer = c.post_form_with_csrf_json("/api/auth/signout", form).await;
    answer.json()["url"].as_str().unwrap().to_owned()
}

async fn sign_out_target(callback_url: &str) -> String {
    sign_out_url(&mut client(), Some(callback_url)).await
}

#[tokio::test]
async fn callback_url_to_other_origin_falls_back_to_base_url() {
    for evil in [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "http://localhost:3000@evil.example",
        "javascript:alert(document.domain)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        " //evil.example",
        "/\t/evil.example",
        "http://localhost:3001/",
        "https://localhost:3000/",
    ] {
        assert_eq!(
            sign_out_target(evil).await,
            "http://localhost:3000",
            "{evil:?}"
        );
    }
}

#[tokio::test]
async fn relative_and_same_origin_callback_urls_are_kept() {
    assert_eq!(
        sign_out_target("/account?tab=1").await,
        "http://localhost:3000/account?tab=1"
    );
    assert_eq!(
        sign_out_target("http://localhost:3000/x").await,
        "http://localhost:3000/x"
    );
    assert_eq!(
        sign_out_target("/%2F%2Fevil.example").await,
        "http://localhost:3000/%2F%2Fevil.example"
    );
}

#[tokio::test]
async fn callback_url_from_query_and_cookie_is_validated_too() {
    let mut c = client();
    c.get("/api/auth/signin?callbackUrl=https%3A%2F%2Fevil.example")
        .await;
    assert_eq!(
        c.jar["next-auth.callback-url"],
        "http%3A%2F%2Flocalhost%3A3000"
    );
    c.jar.insert(
        "next-auth.callback-url".into(),
        "https%3A%2F%2Fevil.example%2F".into(),
    );
    assert_eq!(sign_out_url(&mut c, None).await, "http://localhost:3000");
}

#[tokio::test]
async fn redirect_callback_cannot_open_a_redirect() {
    struct Open;
    #[async_trait]
    impl Callbacks for Open {
        async fn redirect(&self, _: RedirectArgs<'_>) -> Result<String, CallbackError> {
            Ok("https://evil.example/".into())
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Open).build().unwrap());
    assert_eq!(sign_out_url(&mut c, None).await, "http://localhost:3000");
}

#[tokio::test]
async fn trusted_origins_are_allowed_exactly() {
    let (b, _) = builder();
    let mut c = EngineClient::new(b.trusted_origin("https://app.example").build().unwrap());
    assert_eq!(
        sign_out_url(&mut c, Some("https://app.example/x")).await,
        "https://app.example/x"
    );
}

// ---------------------------------------------------------------- chunking

#[tokio::test]
async fn large_sessions_are_chunked_and_read_back() {
    struct Big;
    #[async_trait]
    impl Callbacks for Big {
        async fn jwt(&self, mut args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            if args.trigger.is_some() {
                let big: String = (0..9000)
                    .map(|i| char::from(b'a' + (i % 26) as u8))
                    .collect();
                args.token.insert("big".into(), Value::String(big));
            }
            if let Some(Value::Bool(true)) = args.session.and_then(|s| s.get("shrink")) {
                args.token.remove("big");
            }
            Ok(Some(args.token))
        }
    }
    let (b, _) = builder();
    let mut c = EngineClient::new(b.callbacks(Big).build().unwrap());
    signed_in(&mut c).await;
    let chunks: Vec<_> = c
        .jar
        .keys()
        .filter(|k| k.starts_with("next-auth.session-token"))
        .cloned()
        .collect();
    assert_eq!(
        chunks,
        [
            "next-auth.session-token.0",
            "next-auth.session-token.1",
            "next-auth.session-token.2",
            "next-auth.session-token.3"
        ]
    );
    assert!(c.jar.values().all(|v| v.len() <= 3933));
    assert_eq!(c.session().await["user"]["name"], "Ada Lovelace");
    // Shrinking the token deletes the chunks in the same response.
    let token = c.csrf_token().await;
    let answer = c
        .post_json(
            "/api/auth/session",
            &json!({"csrfToken": token, "data": {"shrink": true}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let chunks: Vec<_> = c
        .jar
        .keys()
        .filter(|k| k.starts_with("next-auth.session-token"))
        .cloned()
        .collect();
    assert_eq!(chunks, ["next-auth.session-token"]);
    // Sign-out deletes every chunk.
    signed_in(&mut c).await;
    c.post_form_with_csrf("/api/auth/signout", &[]).await;
    assert!(
        !c.jar
            .keys()
            .any(|k| k.starts_with("next-auth.session-token"))
    );
}

// ---------------------------------------------------------------- routing

#[tokio::test]
async fn unknown_actions_and_methods_get_400() {
    let mut c = client();
    for path in ["/api/auth/nope", "/api/auth", "/api/auth/signin/a/b"] {
        let answer = c.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
    }
    let answer = c.post_form("/api/auth/csrf", &[]).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("not supported"));
    let mut v5 = v5_client();
    let answer = v5.get("/api/auth/nope").await;
    assert_eq!(
        (answer.status, answer.text()),
        (StatusCode::BAD_REQUEST, "\"Bad request.\"".into())
    );
    assert_eq!(c.get("/elsewhere").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_provider_is_a_clear_error() {
    let mut c = client();
    let token = c.csrf_token().await;
    let answer = c
        .post_form("/api/auth/callback/nope", &[("csrfToken", &token)])
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = c
        .post_form(
            "/api/auth/signin/nope",
            &[("csrfToken", &token), ("json", "true")],
        )
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/error?error=Configuration"
    );
    let mut v5 = v5_client();
    let token = v5.csrf_token().await;
    let answer = v5
        .post_form_with_headers(
            "/api/auth/callback/nope",
            &[("csrfToken", &token)],
            &[("x-auth-return-redirect", "1")],
        )
        .await;
    assert_eq!(
        answer.json()["url"],
        "http://localhost:3000/api/auth/error?error=Configuration"
    );
}

#[tokio::test]
async fn log_endpoint_accepts_and_discards() {
    let mut c = client();
    let answer = c
        .post_form(
            "/api/auth/_log",
            &[("level", "error"), ("code", "CLIENT_FETCH_ERROR")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.is_empty());
}

#[tokio::test]
async fn credentials_callback_refuses_get() {
    let mut c = client();
    let answer = c.get("/api/auth/callback/credentials").await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn trusted_forwarded_headers_set_the_public_origin() {
    let (b, _) = builder();
    let mut trusted = EngineClient::new(b.trust_host(true).build().unwrap());
    trusted
        .extra_headers
        .insert("x-forwarded-host", "auth.example.com".parse().unwrap());
    trusted
        .extra_headers
        .insert("x-forwarded-proto", "https".parse().unwrap());
    let providers = trusted.get("/api/auth/providers").await.json();
    assert_eq!(
        providers["credentials"]["signinUrl"],
        "https://auth.example.com/api/auth/signin/credentials"
    );
    assert_eq!(
        sign_out_url(&mut trusted, None).await,
        "https://auth.example.com"
    );

    let mut untrusted = client();
    untrusted
        .extra_headers
        .insert("x-forwarded-host", "evil.example".parse().unwrap());
    let providers = untrusted.get("/api/auth/providers").await.json();
    assert_eq!(
        providers["credentials"]["signinUrl"],
        "http://localhost:3000/api/auth/signin/credentials"
    );
}

/// Behind a trusted proxy every absolute URL the engine writes (`{url}` replies, `Location`,
/// page forms) uses the forwarded public origin; untrusted, the configured URL always wins.
#[tokio::test]
async fn behind_a_proxy_absolute_urls_follow_only_trusted_forwarded_headers() {
    for (trust, expected) in [
        (true, "https://auth.example.com"),
        (false, "http://localhost:3000"),
    ] {
        let (b, _) = builder();
        let mut c = EngineClient::new(b.trust_host(trust).build().unwrap());
        c.extra_headers
            .insert("x-forwarded-host", "auth.example.com".parse().unwrap());
        c.extra_headers
            .insert("x-forwarded-proto", "https".parse().unwrap());
        let page = c.get("/api/auth/signin").await.text();
        assert!(
            page.contains(&format!(
                r#"action="{expected}/api/auth/callback/credentials""#
            )),
            "{trust}: {page}"
        );
        // `{url}` of a sign-in, and a plain redirect's Location.
        let json = c.sign_in_with_credentials("ada", "correct horse").await;
        assert_eq!(json.json()["url"], expected, "{trust}");
        let plain = c
            .post_form_with_csrf(
                "/api/auth/callback/credentials",
                &[("username", "ada"), ("password", "wrong")],
            )
            .await;
        let location = plain.header("location").unwrap();
        assert!(
            location.starts_with(&format!("{expected}/api/auth/")),
            "{trust}: {location}"
        );
    }
}

// ---------------------------------------------------------------- pages

#[tokio::test]
async fn sign_in_page_has_a_form_per_provider_with_csrf() {
    let mut c = client();
    let page = c.get("/api/auth/signin?callbackUrl=%2Fdashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    let token = c.jar["next-auth.csrf-token"]
        .split("%7C")
        .next()
        .unwrap()
        .to_owned();
    assert!(
        html.contains(r#"action="http://localhost:3000/api/auth/callback/credentials""#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"name="csrfToken" value="{token}""#)));
    assert!(html.contains(r#"name="callbackUrl" value="http://localhost:3000/dashboard""#));
    assert!(html.contains(r#"name="username""#) && html.contains(r#"type="password""#));
}

#[tokio::test]
async fn sign_in_page_form_works_without_javascript() {
    let mut c = client();
    let page = c.get("/api/auth/signin").await.text();
    let token = page
        .split(r#"name="csrfToken" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // What a browser submits from the form: no json field, so a 302.
    let answer = c
        .post_form(
            "/api/auth/callback/credentials",
            &[
                ("csrfToken", &token),
                ("callbackUrl", "http://localhost:3000/"),
                ("username", "ada"),
                ("password", "correct horse"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.header("location"), Some("http://localhost:3000/"));
    assert_eq!(c.session().await["user"]["name"], "Ada Lovelace");
}

#[tokio::test]
async fn pages_are_frame_protected_and_uncacheable() {
    let mut c = client();
    for path in [
        "/api/auth/signin",
        "/api/auth/signout",
        "/api/auth/verify-request",
        "/api/auth/error?error=Verification",
    ] {
        let page = c.get(path).await;
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(
            page.header("content-security-policy")
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(
            page.header("cache-control"),
            Some("private, no-cache, no-store"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn pages_escape_everything_they_show() {
    let (b, _) = builder();
    let auth = b
        .provider(
            CredentialsProvider::new(authorize)
                .with_id("staff")
                .with_name("<script>alert(1)</script>"),
        )
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    let page = c.get("/api/auth/signin?error=%3Cscript%3Ealert(2)%3C%2Fscript%3E&callbackUrl=%2F%22%3E%3Cscript%3E").await.text();
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let error = c
        .get("/api/auth/error?error=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
        .await;
    assert_eq!(error.status, StatusCode::OK);
    assert!(
        !error.text().contains("<img"),
        "unknown codes are never echoed"
    );
}

#[tokio::test]
async fn error_page_statuses_follow_the_code() {
    let mut c = v5_client();
    for (code, status) in [
        ("Configuration", StatusCode::INTERNAL_SERVER_ERROR),
        ("AccessDenied", StatusCode::FORBIDDEN),
        ("Verification", StatusCode::FORBIDDEN),
        ("CredentialsSignin", StatusCode::OK),
        ("whatever", StatusCode::OK),
    ] {
        assert_eq!(
            c.get(&format!("/api/auth/error?error={code}")).await.status,
            status,
            "{code}"
        );
    }
}

#[tokio::test]
async fn custom_pages_replace_the_built_in_ones() {
    let (b, _) = builder();
    let auth = b
        .pages(Pages {
            sign_in: Some("/login".into()),
            sign_out: Some("/logout".into()),
            error: Some("/oops".into()),
            verify_request: Some("/check-mail".into()),
            new_user: None,
        })
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth);
    let answer = c
        .get("/api/auth/signin?callbackUrl=%2Fdash&error=SessionRequired")
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.header("location"),
        Some("/login?callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Fdash&error=SessionRequired")
    );
    assert_eq!(
        c.get("/api/auth/signout").await.header("location"),
        Some("/logout")
    );
    assert_eq!(
        c.get("/api/auth/verify-request").await.header("location"),
        Some("/check-mail")
    );
    assert_eq!(
        c.get("/api/auth/error?error=Verification")
            .await
            .header("location"),
        Some("/oops?error=Verification")
    );
}

#[tokio::test]
async fn theme_colours_and_logo_reach_the_page() {
    let (b, _) = builder();
    let auth = b
        .theme(Theme {
            brand_color: Some("#ff6600".into()),
            logo: Some("https://example.com/logo.png".into()),
            color_scheme: authrs_core::ColorScheme::Dark,
            button_text: None,
        })
        .build()
        .unwrap();
    let page = EngineClient::new(auth).get("/api/auth/signin").await.text();
    assert!(page.contains("--brand:#ff6600"));
    assert!(page.contains(r#"src="https://example.com/logo.png""#));
    assert!(page.contains(r#"data-theme="dark""#));
}

#[tokio::test]
async fn in_process_get_session_reads_the_cookie_without_http() {
    let mut c = client();
    let mut headers = http::HeaderMap::new();
    assert!(c.auth().get_session(&headers).await.unwrap().is_none());
    signed_in(&mut c).await;
    headers.insert(http::header::COOKIE, c.cookie_header().parse().unwrap());
    let session = c.auth().get_session(&headers).await.unwrap().unwrap();
    assert_eq!(session.user.email.as_deref(), Some("ada@example.com"));
    let token = c.auth().get_token(&headers).unwrap();
    assert_eq!(token["sub"], "user-1");
    // getToken also reads a Bearer header.
    let bearer = c.jar["next-auth.session-token"].clone();
    let mut auth_header = http::HeaderMap::new();
    auth_header.insert(
        http::header::AUTHORIZATION,
        format!("Bearer {bearer}").parse().unwrap(),
    );
    assert!(c.auth().get_token(&auth_header).is_some());
    auth_header.insert(
        http::header::AUTHORIZATION,
        "Bearer %E0%A4%A".parse().unwrap(),
    );
    assert!(c.auth().get_token(&auth_header).is_none());
}

// ---------------------------------------------------------------- configuration

#[test]
fn bad_configuration_fails_at_build_naming_the_value() {
    let err = Auth::builder()
        .url("not a url")
        .secret(TEST_SECRET)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("not a url"), "{err}");
    let err = Auth::builder().build().unwrap_err();
    assert!(err.to_string().contains("no secret"), "{err}");
    let err = Auth::builder().secret("short").build().unwrap_err();
    assert!(err.to_string().contains("5 bytes"), "{err}");
    let err = Auth::builder()
        .secret(TEST_SECRET)
        .provider(CredentialsProvider::new(authorize).with_id("Bad Id"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("Bad Id"), "{err}");
    let err = Auth::builder()
        .secret(TEST_SECRET)
        .provider(CredentialsProvider::new(authorize))
        .provider(CredentialsProvider::new(authorize))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
    let err = Auth::builder()
        .secret(TEST_SECRET)
        .trusted_origin("*.example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("*.example.com"), "{err}");
}

// ------------------------------------------------------------- strict input

#[tokio::test]
async fn unknown_or_malformed_provider_ids_are_4xx_never_5xx() {
    for mut c in [client(), v5_client()] {
        let token = c.csrf_token().await;
        for id in [
            "nope",
            "oidc';--",
            "email%22--",
            "%00",
            "a%0d%0aInjected:%201",
        ] {
            for action in ["signin", "callback"] {
                let path = format!("/api/auth/{action}/{id}");
                let posted = c
                    .post_form(&path, &[("csrfToken", &token), ("json", "true")])
                    .await;
                assert!(
                    posted.status.is_client_error() || posted.status.is_redirection(),
                    "POST {path}: {}",
                    posted.status
                );
                let got = c.get(&path).await;
                assert!(!got.status.is_server_error(), "GET {path}: {}", got.status);
            }
        }
        // JSON-redirect mode answers 400 with the protocol's error URL.
        let answer = c
            .post_form(
                "/api/auth/signin/nope",
                &[("csrfToken", &token), ("json", "true")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_refused_with_415() {
    let mut c = client();
    let token = c.csrf_token().await;
    let body = format!("csrfToken={token}&username=ada&password=correct+horse&json=true");
    for content_type in [Some("text/plain"), None, Some("multipart/form-data")] {
        let answer = c
            .send(
                http::Method::POST,
                "/api/auth/callback/credentials",
                content_type,
                bytes::Bytes::from(body.clone()),
                &[],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert!(!c.jar.contains_key("next-auth.session-token"));
    }
    // JSON only where the protocol posts it (the session update), not to sign in.
    let answer = c
        .post_json(
            "/api/auth/callback/credentials",
            &json!({"csrfToken": token, "username": "ada", "password": "correct horse"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The same fields as a form sign in.
    signed_in(&mut c).await;
}

#[tokio::test]
async fn a_repeated_field_is_refused_with_400() {
    let mut c = client();
    let token = c.csrf_token().await;
    for body in [
        format!("csrfToken={token}&username=ada&password=correct+horse&password=wrong"),
        format!("csrfToken={token}&csrfToken=other&username=ada&password=correct+horse"),
        format!(
            "csrfToken={token}&callbackUrl=/a&callbackUrl=https://evil.example&username=ada&password=correct+horse"
        ),
    ] {
        let answer = c
            .send(
                http::Method::POST,
                "/api/auth/callback/credentials",
                Some("application/x-www-form-urlencoded"),
                bytes::Bytes::from(body),
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert!(!c.jar.contains_key("next-auth.session-token"));
    }
    // A JSON session update that names a key twice.
    signed_in(&mut c).await;
    let token = c.csrf_token().await;
    let body = format!(r#"{{"csrfToken":"{token}","data":{{}},"csrfToken":"{token}"}}"#);
    let answer = c
        .send(
            http::Method::POST,
            "/api/auth/session",
            Some("application/json"),
            bytes::Bytes::from(body),
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn with_revocable_jwt_sign_out_ends_a_credentials_session_copied_before_it() {
    // Users of a credentials provider (a users file) have no user row: the session's own id
    // is what sign-out revokes.
    let (b, _clock) = builder();
    let auth = b
        .adapter(Arc::new(authrs_core::adapter::MemoryAdapter::new()))
        .session_strategy(authrs_core::SessionStrategy::Jwt)
        .revocable_jwt(true)
        .build()
        .unwrap();
    let mut c = EngineClient::new(auth.clone());
    signed_in(&mut c).await;
    let mut copy = EngineClient::new(auth);
    copy.jar = c.jar.clone();
    assert_eq!(copy.session().await["user"]["name"], "Ada Lovelace");
    c.post_form_with_csrf_json("/api/auth/signout", &[]).await;
    assert_eq!(copy.session().await, json!({}));
}

#[tokio::test]
async fn a_session_update_cannot_choose_its_own_sid_to_outlive_sign_out() {
    // The common `{...token, ...session}` callback merges whatever the client sends.
    struct MergeEverything;
    #[async_trait]
    impl Callbacks for MergeEverything {
        async fn jwt(&self, mut args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
            if let Some(Value::Object(data)) = args.session {
                for (name, value) in data {
                    args.token.insert(name.clone(), value.clone());
                }
            }
            Ok(Some(args.token))
        }
    }
    let (b, _clock) = builder();
    let auth = b
        .adapter(Arc::new(authrs_core::adapter::MemoryAdapter::new()))
        .session_strategy(authrs_core::SessionStrategy::Jwt)
        .revocable_jwt(true)
        .callbacks(MergeEverything)
        .build()
        .unwrap();
    let mut victim = EngineClient::new(auth.clone());
    signed_in(&mut victim).await;
    // A thief with a copy of the cookie rewrites the copy's sid and auth_time.
    let mut thief = EngineClient::new(auth);
    thief.jar = victim.jar.clone();
    let token = thief.csrf_token().await;
    let answer = thief
        .post_json(
            "/api/auth/session",
            &json!({"csrfToken": token, "data": {"sid": "thiefs-own", "auth_time": 9.9e9}}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let token = victim.csrf_token().await;
    victim
        .post_form(
            "/api/auth/signout",
            &[("csrfToken", &token), ("json", "true")],
        )
        .await;
    assert_eq!(
        thief.session().await,
        json!({}),
        "the copy died with the sign-out"
    );
}
