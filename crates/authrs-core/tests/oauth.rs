//! The OAuth / OIDC flow in the engine against a stub provider answering through an
//! `HttpClient` of its own (discovery, JWKS, token, userinfo) with ID tokens signed by a test
//! ES256 key: one named test per ID-token and check rule, and the account-linking table. The
//! same flow against a real OpenID provider is in `crates/authrs-http/tests/oidc_provider.rs`.

use authrs_core::audit::{AuditEvent, AuditFilter, AuditKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser, Timestamp};
use authrs_core::clock::FixedClock;
use authrs_core::http::{HttpClient, HttpError};
use authrs_core::providers::{Checks, OAuthProvider, ProfileMap};
use authrs_core::{Auth, AuthBuilder, SessionStrategy};
use authrs_test_support::concurrency::until_every_other_task_waits;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use bytes::Bytes;
use http::StatusCode;
use proptest::strategy::Strategy as _;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::Digest as _;

const SITE: &str = "http://localhost:3000";
const ISSUER: &str = "https://idp.example.com";
const OTHER_ISSUER: &str = "https://other-idp.example.com";
const CLIENT_ID: &str = "client-1";
const NOW: u64 = 1_800_000_000;

/// A signing key with its public JWK.
struct Key {
    pkcs8: Vec<u8>,
    jwk: Value,
}

fn key(kid: &str) -> Key {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .unwrap()
        .as_ref()
        .to_vec();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng).unwrap();
    let point = pair.public_key().as_ref();
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
        "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65]),
    });
    Key { pkcs8, jwk }
}

fn sign(key: &Key, claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = key.jwk["kid"].as_str().map(str::to_owned);
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_ec_der(&key.pkcs8),
    )
    .unwrap()
}

/// One request the stub got: URL, `Authorization` header, form body.
type Asked = (String, String, HashMap<String, String>);

/// What the stub provider answers, and what it was asked.
struct Stub {
    key: Key,
    /// Keys published beside `key` (a rotation).
    extra_keys: Mutex<Vec<Value>>,
    id_token: Mutex<Option<String>>,
    userinfo: Mutex<Value>,
    requests: Mutex<Vec<Asked>>,
}

fn stub() -> Arc<Stub> {
    Arc::new(Stub {
        key: key("key-1"),
        extra_keys: Mutex::new(Vec::new()),
        id_token: Mutex::new(None),
        userinfo: Mutex::new(json!({"id": 7, "login": "ada", "email": "ada@example.com"})),
        requests: Mutex::new(Vec::new()),
    })
}

fn respond(value: Value) -> Result<http::Response<Bytes>, HttpError> {
    Ok(http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(Bytes::from(value.to_string()))
        .unwrap())
}

fn http_for(stub: Arc<Stub>) -> Arc<dyn HttpClient> {
    Arc::new(StubClient(stub))
}

/// The stub as the engine's HTTP client.
struct StubClient(Arc<Stub>);

#[async_trait::async_trait]
impl HttpClient for StubClient {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let refresh = url::form_urlencoded::parse(request.body())
            .any(|(name, value)| name == "grant_type" && value == "refresh_token");
        let answer = answer(&self.0, request);
        if refresh {
            // A slow provider: concurrent reads pile up behind the first refresh, since it
            // answers only once every other task waits (on a paused clock, no time passes).
            until_every_other_task_waits().await;
        }
        answer
    }
}

/// The stub's answer to one request, which it records.
fn answer(stub: &Stub, request: http::Request<Bytes>) -> Result<http::Response<Bytes>, HttpError> {
    {
        let uri = request.uri().to_string();
        let authorization = request
            .headers()
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let form: HashMap<String, String> = url::form_urlencoded::parse(request.body())
            .into_owned()
            .collect();
        stub.requests
            .lock()
            .unwrap()
            .push((uri.clone(), authorization, form.clone()));
        for issuer in [ISSUER, OTHER_ISSUER] {
            if uri == format!("{issuer}/.well-known/openid-configuration") {
                return respond(json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/authorize"),
                    "token_endpoint": format!("{issuer}/token"),
                    "userinfo_endpoint": format!("{issuer}/userinfo"),
                    "jwks_uri": format!("{issuer}/jwks"),
                    "authorization_response_iss_parameter_supported": true,
                }));
            }
            if uri == format!("{issuer}/jwks") {
                let mut keys = vec![stub.key.jwk.clone()];
                keys.extend(stub.extra_keys.lock().unwrap().iter().cloned());
                return respond(json!({ "keys": keys }));
            }
            if uri == format!("{issuer}/token")
                && form.get("grant_type").map(String::as_str) == Some("refresh_token")
            {
                // Counting this request: the first refresh answers `access-2`.
                let n = stub
                    .requests
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|(_, _, f)| {
                        f.get("grant_type").map(String::as_str) == Some("refresh_token")
                    })
                    .count();
                return respond(json!({
                    "access_token": format!("access-{}", n + 1), "token_type": "Bearer",
                    "expires_in": 3600, "refresh_token": format!("refresh-{}", n + 1),
                }));
            }
            if uri == format!("{issuer}/token") {
                let mut body = json!({
                    "access_token": "access-1", "token_type": "Bearer", "expires_in": 3600,
                    "refresh_token": "refresh-1", "scope": "openid email profile",
                });
                if let Some(id_token) = stub.id_token.lock().unwrap().clone() {
                    body["id_token"] = json!(id_token);
                }
                return respond(body);
            }
            if uri == format!("{issuer}/userinfo") {
                return respond(stub.userinfo.lock().unwrap().clone());
            }
        }
        Err(HttpError(format!("no route for {uri}")))
    }
}

fn oidc(id: &str, issuer: &str) -> OAuthProvider {
    OAuthProvider::oidc(id, "Stub", issuer, CLIENT_ID, "client-secret-1")
        .id_token_algorithms(&["ES256"])
}

/// The site's URL and secret, `clock`, and `stub` as the provider's network; no provider.
fn site(stub: &Arc<Stub>, clock: Arc<FixedClock>) -> AuthBuilder {
    Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .clock(clock)
        .http_client(http_for(stub.clone()))
}

fn builder(stub: &Arc<Stub>) -> AuthBuilder {
    site(stub, Arc::new(FixedClock::at_secs(NOW)))
        .provider(oidc("stub", ISSUER))
        .provider(oidc("other", OTHER_ISSUER))
}

/// Claims of a good ID token for `nonce`.
fn claims(nonce: &str) -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "user-123", "nonce": nonce,
        "iat": NOW, "exp": NOW + 300,
        "email": "ada@example.com", "email_verified": true, "name": "Ada",
    })
}

/// Starts a sign-in with `provider` (landing on `/dashboard`); returns the authorization
/// request's query parameters.
async fn start(browser: &mut EngineClient, provider: &str) -> HashMap<String, String> {
    let url = browser
        .start_oauth_sign_in(provider, &[], "/dashboard")
        .await;
    url.query_pairs().into_owned().collect()
}

async fn callback(browser: &mut EngineClient, provider: &str, query: &[(&str, &str)]) -> Answer {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    browser
        .get(&format!("/api/auth/callback/{provider}?{query}"))
        .await
}

/// Starts a flow and returns to the callback with a token made from the nonce by `make`.
async fn round_trip(
    stub: &Stub,
    browser: &mut EngineClient,
    make: impl Fn(&str) -> String,
) -> Answer {
    let params = start(browser, "stub").await;
    *stub.id_token.lock().unwrap() = Some(make(&params["nonce"]));
    callback(
        browser,
        "stub",
        &[
            ("code", "code-1"),
            ("state", &params["state"]),
            ("iss", ISSUER),
        ],
    )
    .await
}

/// Where a sign-in that worked lands.
const DASHBOARD: &str = "http://localhost:3000/dashboard";
/// Where a refused callback lands.
const REFUSED: &str = "http://localhost:3000/api/auth/error?error=OAuthCallback";

#[tokio::test]
async fn code_flow_with_pkce_state_and_nonce_signs_in() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(
        params["redirect_uri"],
        format!("{SITE}/api/auth/callback/stub")
    );
    assert_eq!(params["scope"], "openid email profile");
    assert_eq!(params["code_challenge_method"], "S256");
    for name in ["state", "nonce", "code_challenge"] {
        assert!(params[name].len() >= 43, "{name}");
    }
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
    let answer = callback(
        &mut browser,
        "stub",
        &[
            ("code", "code-1"),
            ("state", &params["state"]),
            ("iss", ISSUER),
        ],
    )
    .await;
    answer.assert_signed_in_to(DASHBOARD);
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "ada@example.com");
    assert_eq!(session["user"]["name"], "Ada");

    // The token request carried the code, the verifier of the challenge and Basic auth.
    let requests = stub.requests.lock().unwrap();
    let (_, authorization, form) = requests
        .iter()
        .find(|(uri, _, _)| uri.ends_with("/token"))
        .unwrap();
    assert_eq!(form["code"], "code-1");
    assert_eq!(form["grant_type"], "authorization_code");
    let challenge = B64.encode(sha2::Sha256::digest(form["code_verifier"].as_bytes()));
    assert_eq!(challenge, params["code_challenge"]);
    let basic = base64::engine::general_purpose::STANDARD.encode("client-1:client-secret-1");
    assert_eq!(*authorization, format!("Basic {basic}"));
    // The check cookies are spent.
    assert!(
        browser
            .jar
            .keys()
            .all(|name| !name.contains("state") && !name.contains("pkce"))
    );
}

/// A sign-in whose ID token is the good one changed by `edit` (given the claims, which hold
/// the request's nonce) must be refused.
async fn assert_id_token_refused(edit: impl Fn(&mut Value)) {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let answer = round_trip(&stub, &mut browser, |nonce| {
        let mut c = claims(nonce);
        edit(&mut c);
        sign(&stub.key, &c)
    })
    .await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn id_token_with_wrong_aud_is_refused() {
    assert_id_token_refused(|c| {
        c["aud"] = json!("someone-else");
    })
    .await;
}

#[tokio::test]
async fn id_token_for_several_audiences_needs_our_azp() {
    assert_id_token_refused(|c| {
        c["aud"] = json!([CLIENT_ID, "someone-else"]);
    })
    .await;
}

#[tokio::test]
async fn id_token_with_wrong_iss_is_refused() {
    assert_id_token_refused(|c| {
        c["iss"] = json!(OTHER_ISSUER);
    })
    .await;
}

#[tokio::test]
async fn id_token_with_wrong_nonce_is_refused() {
    assert_id_token_refused(|c| c["nonce"] = json!("another-nonce")).await;
}

#[tokio::test]
async fn id_token_with_a_bad_signature_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    // Signed by another key under the same kid.
    let impostor = key("key-1");
    let answer = round_trip(&stub, &mut browser, |nonce| sign(&impostor, &claims(nonce))).await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn id_token_with_alg_none_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let answer = round_trip(&stub, &mut browser, |nonce| {
        let header = B64.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = B64.encode(claims(nonce).to_string());
        format!("{header}.{payload}.")
    })
    .await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn expired_id_token_is_refused() {
    assert_id_token_refused(|c| {
        c["iat"] = json!(NOW - 3600);
        c["exp"] = json!(NOW - 11);
    })
    .await;
}

#[tokio::test]
async fn id_token_issued_in_the_future_is_refused() {
    assert_id_token_refused(|c| {
        c["iat"] = json!(NOW + 120);
    })
    .await;
}

#[tokio::test]
async fn state_mismatch_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
    let answer = callback(
        &mut browser,
        "stub",
        &[
            ("code", "code-1"),
            ("state", "forged-state"),
            ("iss", ISSUER),
        ],
    )
    .await;
    answer.assert_refused_to(REFUSED);
    assert!(
        stub.requests
            .lock()
            .unwrap()
            .iter()
            .all(|(u, _, _)| !u.ends_with("/token"))
    );
}

#[tokio::test]
async fn missing_state_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
    let answer = callback(&mut browser, "stub", &[("code", "code-1"), ("iss", ISSUER)]).await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn missing_pkce_verifier_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
    browser.jar.retain(|name, _| !name.contains("pkce"));
    let answer = callback(
        &mut browser,
        "stub",
        &[
            ("code", "code-1"),
            ("state", &params["state"]),
            ("iss", ISSUER),
        ],
    )
    .await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn a_check_cookie_from_provider_a_does_not_count_for_provider_b() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    // The flow starts with `stub`; its cookies are replayed on `other`'s callback.
    let params = start(&mut browser, "stub").await;
    let mut c = claims(&params["nonce"]);
    c["iss"] = json!(OTHER_ISSUER);
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &c));
    let answer = callback(
        &mut browser,
        "other",
        &[
            ("code", "code-1"),
            ("state", &params["state"]),
            ("iss", OTHER_ISSUER),
        ],
    )
    .await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn a_callback_with_no_check_cookies_at_all_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
    // The attacker's replay in a fresh browser: the right parameters, none of the cookies.
    let mut attacker = EngineClient::new(browser.auth().clone());
    let answer = callback(
        &mut attacker,
        "stub",
        &[
            ("code", "code-1"),
            ("state", &params["state"]),
            ("iss", ISSUER),
        ],
    )
    .await;
    answer.assert_refused_to(REFUSED);
}

#[tokio::test]
async fn a_check_cookie_is_never_a_session() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    start(&mut browser, "stub").await;
    let state = browser.jar["next-auth.state"].clone();
    let mut forger = EngineClient::new(browser.auth().clone());
    forger.jar.insert("next-auth.session-token".into(), state);
    assert_eq!(forger.session().await, json!({}));
}

#[tokio::test]
async fn an_iss_parameter_for_another_issuer_or_none_at_all_is_refused() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    for iss in [Some(OTHER_ISSUER), None] {
        let params = start(&mut browser, "stub").await;
        *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &claims(&params["nonce"])));
        let mut query = vec![("code", "code-1"), ("state", params["state"].as_str())];
        if let Some(iss) = iss {
            query.push(("iss", iss));
        }
        callback(&mut browser, "stub", &query)
            .await
            .assert_refused_to(REFUSED);
    }
}

#[tokio::test]
async fn a_provider_error_is_oauth_callback_and_never_reflected() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    start(&mut browser, "stub").await;
    let answer = callback(
        &mut browser,
        "stub",
        &[
            ("error", "access_denied"),
            ("error_description", "<script>alert(1)</script>"),
        ],
    )
    .await;
    answer.assert_refused_to(REFUSED);
    assert!(!answer.text().contains("script"));
}

async fn sign_in_as(
    stub: &Stub,
    browser: &mut EngineClient,
    sub: &str,
    email: &str,
    verified: bool,
) -> Answer {
    round_trip(stub, browser, |nonce| {
        let mut c = claims(nonce);
        c["sub"] = json!(sub);
        c["email"] = json!(email);
        c["email_verified"] = json!(verified);
        sign(&stub.key, &c)
    })
    .await
}

#[tokio::test]
async fn first_sign_in_creates_the_user_and_links_the_account_with_its_tokens() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let auth = builder(&stub).adapter(adapter.clone()).build().unwrap();
    assert_eq!(auth.session_strategy(), SessionStrategy::Database);
    let mut browser = EngineClient::new(auth);
    sign_in_as(&stub, &mut browser, "user-123", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let user = adapter
        .get_user_by_account("stub", "user-123")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("ada@example.com"));
    assert!(user.email_verified.is_some());
    let accounts = adapter.list_accounts(&user.id).await.unwrap();
    assert_eq!(accounts[0].access_token.as_deref(), Some("access-1"));
    assert_eq!(accounts[0].refresh_token.as_deref(), Some("refresh-1"));
    assert_eq!(accounts[0].expires_at, Some((NOW + 3600) as i64));
    assert!(accounts[0].id_token.is_some());
    assert_eq!(browser.session().await["user"]["email"], "ada@example.com");

    // Signing in again finds the same user.
    let mut again = EngineClient::new(browser.auth().clone());
    sign_in_as(&stub, &mut again, "user-123", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(again.session().await["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn an_address_of_an_existing_user_is_oauth_account_not_linked() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    adapter
        .create_user(NewUser {
            email: Some("ada@example.com".into()),
            email_verified: Some(Timestamp::from_millis(1)),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let mut browser = EngineClient::new(builder(&stub).adapter(adapter.clone()).build().unwrap());
    let answer = sign_in_as(&stub, &mut browser, "user-123", "ada@example.com", true).await;
    assert_eq!(
        answer.header("location"),
        Some(format!("{SITE}/api/auth/error?error=OAuthAccountNotLinked").as_str())
    );
    assert!(
        adapter
            .get_user_by_account("stub", "user-123")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn email_linking_needs_the_opt_in_and_both_sides_verified() {
    let stub = stub();
    for (local_verified, provider_verified, links) in [
        (true, true, true),
        (false, true, false),
        (true, false, false),
    ] {
        let adapter = Arc::new(MemoryAdapter::new());
        let existing = adapter
            .create_user(NewUser {
                email: Some("ada@example.com".into()),
                email_verified: local_verified.then_some(Timestamp::from_millis(1)),
                ..NewUser::default()
            })
            .await
            .unwrap();
        let auth = site(&stub, Arc::new(FixedClock::at_secs(NOW)))
            .adapter(adapter.clone())
            .provider(oidc("stub", ISSUER).allow_email_account_linking(true))
            .build()
            .unwrap();
        let mut browser = EngineClient::new(auth);
        let answer = sign_in_as(
            &stub,
            &mut browser,
            "user-123",
            "ada@example.com",
            provider_verified,
        )
        .await;
        let linked = adapter
            .get_user_by_account("stub", "user-123")
            .await
            .unwrap();
        assert_eq!(
            linked.as_ref().map(|u| u.id.as_str()),
            links.then_some(existing.id.as_str())
        );
        if !links {
            assert!(
                answer
                    .header("location")
                    .unwrap()
                    .ends_with("error=OAuthAccountNotLinked")
            );
        }
    }
}

#[tokio::test]
async fn a_signed_in_user_links_another_account_and_a_taken_one_is_refused() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let auth = builder(&stub).adapter(adapter.clone()).build().unwrap();
    let mut ada = EngineClient::new(auth.clone());
    sign_in_as(&stub, &mut ada, "ada-1", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    // Signed in, a second account of the provider is linked to Ada.
    sign_in_as(&stub, &mut ada, "ada-2", "ada@work.example", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let user = adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 2);
    assert_eq!(ada.session().await["user"]["email"], "ada@example.com");

    // Bob, signed in, cannot take Ada's account.
    let mut bob = EngineClient::new(auth);
    sign_in_as(&stub, &mut bob, "bob-1", "bob@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let answer = sign_in_as(&stub, &mut bob, "ada-1", "ada@example.com", true).await;
    assert!(
        answer
            .header("location")
            .unwrap()
            .ends_with("error=OAuthAccountNotLinked")
    );

    // Each step is Ada's security event; Bob's refused attempt is nobody's (it is logged).
    let unlinked = ada
        .post_form_with_csrf("/api/auth/account/unlink", &[("provider", "stub")])
        .await;
    assert!(unlinked.status.is_redirection(), "{}", unlinked.text());
    let kinds = |events: Vec<AuditEvent>| -> Vec<(AuditKind, Option<String>)> {
        let mut kinds: Vec<_> = (events.into_iter())
            .map(|event| (event.kind, event.provider))
            .collect();
        kinds.reverse();
        kinds
    };
    let stub = || Some("stub".to_owned());
    assert_eq!(
        kinds(
            adapter
                .list_audit_events(&user.id, AuditFilter::All, 10)
                .await
                .unwrap()
        ),
        [
            (AuditKind::AccountCreated, stub()),
            (AuditKind::SignIn, stub()),
            (AuditKind::AccountLinked, stub()),
            (AuditKind::SignIn, stub()),
            (AuditKind::AccountUnlinked, stub()),
        ]
    );
    let bob = adapter.get_user_by_email("bob@example.com").await.unwrap();
    let bobs = adapter
        .list_audit_events(&bob.unwrap().id, AuditFilter::All, 10)
        .await;
    assert_eq!(
        kinds(bobs.unwrap()),
        [
            (AuditKind::AccountCreated, stub()),
            (AuditKind::SignIn, stub())
        ]
    );
}

#[tokio::test]
async fn without_an_adapter_the_profile_goes_into_the_jwt() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    sign_in_as(&stub, &mut browser, "user-123", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let token = browser
        .auth()
        .get_token(&{
            let mut headers = http::HeaderMap::new();
            headers.insert("cookie", browser.cookie_header().parse().unwrap());
            headers
        })
        .unwrap();
    assert_eq!(token["sub"], "user-123");
    assert_eq!(token["email"], "ada@example.com");
}

#[tokio::test]
async fn plain_oauth2_reads_the_userinfo_endpoint() {
    let stub = stub();
    let provider = OAuthProvider::oauth2(
        "plain",
        "Plain",
        format!("{ISSUER}/authorize"),
        format!("{ISSUER}/token"),
        format!("{ISSUER}/userinfo"),
        CLIENT_ID,
        "client-secret-1",
        ProfileMap::new(
            &["/id"],
            &["/name", "/login"],
            &["/email"],
            &[],
            &["/avatar"],
        ),
    )
    .checks(Checks::PKCE_AND_STATE);
    let auth = site(&stub, Arc::new(FixedClock::at_secs(NOW)))
        .provider(provider)
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    let params = start(&mut browser, "plain").await;
    assert!(!params.contains_key("nonce"));
    let answer = callback(
        &mut browser,
        "plain",
        &[("code", "c"), ("state", &params["state"])],
    )
    .await;
    answer.assert_signed_in_to(DASHBOARD);
    let session = browser.session().await;
    assert_eq!(session["user"]["name"], "ada");
    assert_eq!(session["user"]["email"], "ada@example.com");
    let requests = stub.requests.lock().unwrap();
    let (_, authorization, _) = requests
        .iter()
        .find(|(u, _, _)| u.ends_with("/userinfo"))
        .unwrap();
    assert_eq!(authorization, "Bearer access-1");
}

#[test]
fn oauth_providers_are_checked_when_built() {
    let stub = stub();
    let base = || Auth::builder().secret(TEST_SECRET);
    assert!(matches!(
        base().provider(oidc("stub", ISSUER)).build(),
        Err(authrs_core::ConfigError::NeedsHttpClient)
    ));
    for bad in [
        OAuthProvider::oidc("x", "X", ISSUER, "", "s"),
        oidc("x", ISSUER).id_token_algorithms(&["none"]),
        oidc("x", ISSUER).id_token_algorithms(&["HS256"]),
    ] {
        let built = base()
            .http_client(http_for(stub.clone()))
            .provider(bad)
            .build();
        assert!(matches!(
            built,
            Err(authrs_core::ConfigError::InvalidProvider { .. })
        ));
    }
}

// The paused clock lets the refresh answer only once all 50 reads are in flight (`StubClient`).
#[tokio::test(start_paused = true)]
async fn fifty_concurrent_session_reads_refresh_the_token_once() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let auth = site(&stub, clock.clone())
        .adapter(adapter.clone())
        .provider(oidc("stub", ISSUER).refresh_access_token(true))
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    sign_in_as(&stub, &mut browser, "user-123", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let refreshes = || refreshes(&stub);
    // Fresh tokens: reading the session refreshes nothing.
    browser.session().await;
    assert_eq!(refreshes(), 0);

    // The access token now expires within the minute.
    clock.advance(std::time::Duration::from_secs(3600 - 30));
    let mut reads = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let mut reader = browser.clone();
        reads.spawn(async move { reader.session().await });
    }
    while let Some(session) = reads.join_next().await {
        assert_eq!(session.unwrap()["user"]["email"], "ada@example.com");
    }
    assert_eq!(refreshes(), 1);
    let user = adapter
        .get_user_by_account("stub", "user-123")
        .await
        .unwrap()
        .unwrap();
    let account = &adapter.list_accounts(&user.id).await.unwrap()[0];
    // The rotated pair of the one refresh replaced the sign-in's pair.
    assert_eq!(account.access_token.as_deref(), Some("access-2"));
    assert_eq!(account.refresh_token.as_deref(), Some("refresh-2"));
    assert_eq!(account.expires_at, Some((NOW + 3600 - 30 + 3600) as i64));
    // The refresh request carried the stored refresh token.
    let requests = stub.requests.lock().unwrap();
    let (_, _, form) = requests
        .iter()
        .find(|(_, _, f)| f.get("grant_type").map(String::as_str) == Some("refresh_token"))
        .unwrap();
    assert_eq!(form["refresh_token"], "refresh-1");
}

/// How many refresh requests the stub got.
fn refreshes(stub: &Stub) -> usize {
    stub.requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, f)| f.get("grant_type").map(String::as_str) == Some("refresh_token"))
        .count()
}

// Reads with different cookies do not share a computation: the per-account lock (rule 6)
// alone keeps the refresh to one. The paused clock lets the refresh answer only once the other
// session's read waits for the lock.
#[tokio::test(start_paused = true)]
async fn concurrent_reads_of_two_sessions_of_one_user_refresh_the_token_once() {
    let stub = stub();
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let auth = site(&stub, clock.clone())
        .adapter(Arc::new(MemoryAdapter::new()))
        .provider(oidc("stub", ISSUER).refresh_access_token(true))
        .build()
        .unwrap();
    let mut laptop = EngineClient::new(auth.clone());
    let mut phone = EngineClient::new(auth);
    for browser in [&mut laptop, &mut phone] {
        sign_in_as(&stub, browser, "user-123", "ada@example.com", true)
            .await
            .assert_signed_in_to(DASHBOARD);
    }
    assert_ne!(
        laptop.jar["next-auth.session-token"],
        phone.jar["next-auth.session-token"]
    );

    // The access token now expires within the minute.
    clock.advance(std::time::Duration::from_secs(3600 - 30));
    let mut reads = tokio::task::JoinSet::new();
    for browser in [&laptop, &phone] {
        for _ in 0..25 {
            let mut reader = browser.clone();
            reads.spawn(async move { reader.session().await });
        }
    }
    while let Some(session) = reads.join_next().await {
        assert_eq!(session.unwrap()["user"]["email"], "ada@example.com");
    }
    assert_eq!(refreshes(&stub), 1);
}

#[tokio::test]
async fn a_signed_in_user_unlinks_an_account_but_not_the_last_way_in() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let mut ada = EngineClient::new(builder(&stub).adapter(adapter.clone()).build().unwrap());
    sign_in_as(&stub, &mut ada, "ada-1", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let unlink = async |browser: &mut EngineClient| {
        browser
            .post_form_with_csrf(
                "/api/auth/account/unlink",
                &[("provider", "stub"), ("json", "true")],
            )
            .await
    };
    // The only account, no password, no email sign-in: it stays.
    let answer = unlink(&mut ada).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.json()["url"]
            .as_str()
            .unwrap()
            .ends_with("error=LastSignInMethod")
    );
    let user = adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 1);

    // With a second account (another provider) the first one can go.
    let linked = {
        let params = start(&mut ada, "other").await;
        let mut c = claims(&params["nonce"]);
        c["iss"] = json!(OTHER_ISSUER);
        *stub.id_token.lock().unwrap() = Some(sign(&stub.key, &c));
        callback(
            &mut ada,
            "other",
            &[
                ("code", "c"),
                ("state", &params["state"]),
                ("iss", OTHER_ISSUER),
            ],
        )
        .await
    };
    linked.assert_signed_in_to(DASHBOARD);
    let answer = unlink(&mut ada).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let accounts = adapter.list_accounts(&user.id).await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].provider, "other");

    // Signed out, nothing to unlink.
    let mut stranger = EngineClient::new(ada.auth().clone());
    assert_eq!(unlink(&mut stranger).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_rotated_signing_key_is_fetched_once_its_kid_appears() {
    let stub = stub();
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let auth = site(&stub, clock.clone())
        .provider(oidc("stub", ISSUER))
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    let fresh = |nonce: &str| {
        let mut c = claims(nonce);
        c["iat"] = json!(NOW + 61);
        c["exp"] = json!(NOW + 61 + 300);
        c
    };
    // The key set is fetched and cached.
    round_trip(&stub, &mut browser, |n| sign(&stub.key, &claims(n)))
        .await
        .assert_signed_in_to(DASHBOARD);
    let jwks_fetches = || {
        stub.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _, _)| u.ends_with("/jwks"))
            .count()
    };
    assert_eq!(jwks_fetches(), 1);
    // The provider rotates to key-2; a minute later its first token triggers one refetch.
    let rotated = key("key-2");
    stub.extra_keys.lock().unwrap().push(rotated.jwk.clone());
    clock.advance(std::time::Duration::from_secs(61));
    round_trip(&stub, &mut browser, |n| sign(&rotated, &fresh(n)))
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(jwks_fetches(), 2);
    // Known kids use the cache.
    round_trip(&stub, &mut browser, |n| sign(&rotated, &fresh(n)))
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(jwks_fetches(), 2);
}

#[tokio::test]
async fn linking_while_signed_in_needs_a_proven_address() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let auth = builder(&stub).adapter(adapter.clone()).build().unwrap();
    // Ada signs in with an account whose address the provider does not vouch for: her row's
    // address is unproven.
    let mut ada = EngineClient::new(auth);
    sign_in_as(&stub, &mut ada, "ada-1", "ada@example.com", false)
        .await
        .assert_signed_in_to(DASHBOARD);
    let user = adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email_verified, None);
    // Linking a second account to that row is refused: whoever proves the address later
    // would otherwise find someone else's account linked to it.
    let answer = sign_in_as(&stub, &mut ada, "ada-2", "ada@work.example", true).await;
    assert!(
        answer
            .header("location")
            .unwrap()
            .ends_with("error=OAuthAccountNotLinked"),
        "{:?}",
        answer.header("location")
    );
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn id_token_not_yet_valid_is_refused() {
    assert_id_token_refused(|c| {
        c["nbf"] = json!(NOW + 3600);
    })
    .await;
}

#[tokio::test]
async fn id_token_with_nbf_within_the_skew_signs_in() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let answer = round_trip(&stub, &mut browser, |nonce| {
        let mut c = claims(nonce);
        c["nbf"] = json!(NOW + 5);
        sign(&stub.key, &c)
    })
    .await;
    answer.assert_signed_in_to(DASHBOARD);
}

#[tokio::test]
async fn a_genuine_rotation_right_after_an_unknown_kid_still_signs_in() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let jwks_fetches = || {
        stub.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _, _)| u.ends_with("/jwks"))
            .count()
    };
    round_trip(&stub, &mut browser, |n| sign(&stub.key, &claims(n)))
        .await
        .assert_signed_in_to(DASHBOARD);
    // A token under a kid the provider never published: one refetch, then refused.
    let bogus = key("bogus");
    round_trip(&stub, &mut browser, |n| sign(&bogus, &claims(n)))
        .await
        .assert_refused_to(REFUSED);
    assert_eq!(jwks_fetches(), 2);
    // The same unknown kid again is refused without another fetch.
    round_trip(&stub, &mut browser, |n| sign(&bogus, &claims(n)))
        .await
        .assert_refused_to(REFUSED);
    assert_eq!(jwks_fetches(), 2);
    // The provider rotates at that very moment: its first token fetches the new set.
    let rotated = key("key-2");
    stub.extra_keys.lock().unwrap().push(rotated.jwk.clone());
    round_trip(&stub, &mut browser, |n| sign(&rotated, &claims(n)))
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(jwks_fetches(), 3);
}

/// A claim's replacement in the property below: another value, or none at all.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// ID tokens whose claim breaks a rule (a required one missing, of the wrong type, or a
    /// value that cannot hold) never sign in, however it breaks (issue 13 §5).
    #[test]
    fn id_tokens_with_a_broken_claim_never_sign_in(
        claim in proptest::sample::select(vec!["exp", "iat", "iss", "aud", "nonce", "nbf"]),
        mutation in proptest::prop_oneof![
            proptest::strategy::Just(Mutation::Remove),
            proptest::strategy::Just(Mutation::Replace(Value::Null)),
            proptest::prelude::any::<bool>().prop_map(|b| Mutation::Replace(json!(b))),
            "[a-z0-9 ]{0,12}".prop_map(|s| Mutation::Replace(json!(s))),
            (-5_000i64..0).prop_map(|n| Mutation::Replace(json!(n))),
            proptest::strategy::Just(Mutation::Replace(json!([]))),
            proptest::strategy::Just(Mutation::Replace(json!({"$numberLong": "9"}))),
            proptest::strategy::Just(Mutation::Replace(json!(1.5e300))),
        ],
    ) {
        // `nbf` is optional: only its presence with a bad value is a broken claim.
        proptest::prop_assume!(!(claim == "nbf" && matches!(mutation, Mutation::Remove)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = runtime.block_on(async {
            let stub = stub();
            let mut browser = EngineClient::new(builder(&stub).build().unwrap());
            round_trip(&stub, &mut browser, |nonce| {
                let mut c = claims(nonce);
                match &mutation {
                    Mutation::Remove => {
                        c.as_object_mut().unwrap().remove(claim);
                    }
                    Mutation::Replace(value) => c[claim] = value.clone(),
                }
                sign(&stub.key, &c)
            })
            .await
        });
        let location = answer.header("location").unwrap_or_default().to_owned();
        proptest::prop_assert!(
            location.contains("error="),
            "{claim} {mutation:?} signed in: {location}"
        );
    }
}

#[tokio::test]
async fn a_callback_parameter_given_twice_is_a_400() {
    let stub = stub();
    let mut browser = EngineClient::new(builder(&stub).build().unwrap());
    let params = start(&mut browser, "stub").await;
    let state = params["state"].clone();
    let answer = callback(
        &mut browser,
        "stub",
        &[("code", "first"), ("code", "second"), ("state", &state)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(!browser.jar.contains_key("next-auth.session-token"));
}

/// A discovery document whose endpoints send the secret, the code or the key set over plain
/// http: the provider is refused, with no part of the URLs in the message.
#[tokio::test]
async fn a_discovery_document_with_plain_http_endpoints_is_refused() {
    struct Downgrading;
    #[async_trait::async_trait]
    impl HttpClient for Downgrading {
        async fn send(
            &self,
            request: http::Request<Bytes>,
        ) -> Result<http::Response<Bytes>, HttpError> {
            assert!(
                request.uri().path().ends_with("/openid-configuration"),
                "{}",
                request.uri()
            );
            respond(json!({
                "issuer": ISSUER,
                "authorization_endpoint": format!("{ISSUER}/authorize"),
                "token_endpoint": "http://sso.example.com:8080/token",
                "jwks_uri": format!("{ISSUER}/jwks"),
            }))
        }
    }
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .http_client(Arc::new(Downgrading))
        .provider(oidc("stub", ISSUER))
        .build()
        .unwrap();
    let found = auth.provider_endpoints().await;
    let error = found[0].1.as_ref().unwrap_err();
    assert!(error.contains("token_endpoint must be https"), "{error}");
    // A sign-in does not start either.
    let mut browser = EngineClient::new(auth);
    let answer = browser
        .post_form_with_csrf("/api/auth/signin/stub", &[])
        .await;
    assert!(
        answer.redirect_url().unwrap().contains("error=OAuthSignin"),
        "{:?}",
        answer.redirect_url()
    );
}

#[test]
fn provider_urls_with_credentials_or_plain_http_are_refused_at_build() {
    for (issuer, why) in [
        ("https://user:pass@sso.example.com", "user name or password"),
        ("http://sso.example.com", "must be https"),
        ("https://sso.example.com/?tenant=x", "query or a fragment"),
    ] {
        let error = Auth::builder()
            .url(format!("{SITE}/api/auth"))
            .secret(TEST_SECRET)
            .http_client(http_for(stub()))
            .provider(oidc("stub", issuer))
            .build()
            .unwrap_err()
            .to_string();
        assert!(error.contains(why), "{issuer}: {error}");
        assert!(!error.contains("pass@"), "the URL is not shown: {error}");
    }
}

#[tokio::test]
async fn linking_while_signed_in_needs_a_recent_sign_in() {
    let stub = stub();
    let adapter = Arc::new(MemoryAdapter::new());
    let clock = Arc::new(FixedClock::at_secs(NOW));
    let auth = site(&stub, clock.clone())
        .provider(oidc("stub", ISSUER))
        .adapter(adapter.clone())
        .fresh_sign_in(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    let mut ada = EngineClient::new(auth);
    sign_in_as(&stub, &mut ada, "ada-1", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    let user = adapter
        .get_user_by_email("ada@example.com")
        .await
        .unwrap()
        .unwrap();
    // Two minutes on, the session still reads, but links nothing: a stolen session cannot
    // bind the thief's account, nor make itself recent by it.
    clock.advance(std::time::Duration::from_secs(120));
    let answer = sign_in_as(&stub, &mut ada, "thief-1", "thief@example.com", true).await;
    let location = answer.header("location").unwrap_or_default().to_owned();
    assert!(location.ends_with("error=SessionRequired"), "{location}");
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 1);
    assert_eq!(ada.session().await["user"]["email"], "ada@example.com");
    // Signed in again, the same link works.
    sign_in_as(&stub, &mut ada, "ada-1", "ada@example.com", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    sign_in_as(&stub, &mut ada, "ada-2", "ada@work.example", true)
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 2);
}
