//! The axum integration driven in-process with `tower::ServiceExt::oneshot`: no network, no
//! sleeping. Every test builds its app from the helpers at the top.

use authrs_axum::{MAX_BODY_BYTES, RequireSession, Session};
use authrs_core::callbacks::{CallbackError, Callbacks, SessionArgs};
use authrs_core::providers::{Credentials, CredentialsProvider};
use authrs_core::{Auth, User};
use authrs_test_support::{EngineClient, set_cookie_pairs};
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const URL: &str = "http://localhost:3000/api/auth";

// ---- helpers ----------------------------------------------------------------------------------

/// An engine with one credentials user: `ada` / `correct horse`.
fn build_auth(url: &str) -> Auth {
    auth_builder(url)
        .build()
        .expect("the test configuration is valid")
}

fn auth_builder(url: &str) -> authrs_core::AuthBuilder {
    Auth::builder()
        .url(url)
        .secret(SECRET)
        .provider(CredentialsProvider::new(
            |credentials: Credentials, _request| async move {
                let known = credentials.get("username") == Some("ada")
                    && credentials.get("password") == Some("correct horse");
                Ok(known.then(|| {
                    User::new("1")
                        .with_name("Ada")
                        .with_email("ada@example.com")
                }))
            },
        ))
}

/// `/me` (the `Session` extractor), `/maybe` (`Option<Session>`) and the auth routes nested at
/// the engine's base path.
fn app(auth: Auth) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .nest(auth.base_path(), authrs_axum::router(auth.clone()))
        .with_state(auth)
}

async fn me(session: Session) -> Json<authrs_core::Session> {
    Json(session.into_inner())
}

async fn maybe(session: Option<Session>) -> String {
    match session {
        Some(session) => format!(
            "signed in as {}",
            session.user.name.as_deref().unwrap_or("?")
        ),
        None => "not signed in".to_owned(),
    }
}

async fn send(app: &Router, request: Request<Body>) -> Response<Body> {
    app.clone()
        .oneshot(request)
        .await
        .expect("a Router never fails")
}

async fn get_with_cookie(app: &Router, uri: &str, cookie: Option<&str>) -> Response<Body> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

async fn text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

async fn json(response: Response<Body>) -> Value {
    serde_json::from_str(&text(response).await).expect("a JSON body")
}

/// Signs `ada` in through the app (the engine's routes at `auth`'s base path: `/csrf`, then
/// `/callback/credentials`) and returns a `Cookie` header value holding the session cookie.
async fn sign_in(auth: &Auth, app: &Router) -> String {
    let mut browser = EngineClient::for_router(auth.clone(), app.clone());
    let token = browser.csrf_token().await;
    assert!(
        browser.jar.contains_key("next-auth.csrf-token"),
        "{:?}",
        browser.jar
    );
    assert!(
        token.chars().all(|c| c.is_ascii_alphanumeric()),
        "the CSRF token needs no form encoding"
    );
    browser
        .sign_in_with_credentials("ada", "correct horse")
        .await
        .assert_signed_in_json_to("http://localhost:3000");
    let session_cookies: Vec<String> = browser
        .jar
        .iter()
        .filter(|(name, _)| name.starts_with("next-auth.session-token"))
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    assert!(
        !session_cookies.is_empty(),
        "sign-in sets the session cookie"
    );
    session_cookies.join("; ")
}

// ---- the router -------------------------------------------------------------------------------

#[tokio::test]
async fn nested_router_serves_csrf_and_providers() {
    let auth = build_auth(URL);
    let app: Router = Router::new().nest("/api/auth", authrs_axum::router(auth));

    let response = get_with_cookie(&app, "/api/auth/csrf", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(set_cookie_pairs(response.headers())[0].starts_with("next-auth.csrf-token="));
    let token = json(response).await["csrfToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64);

    let response = get_with_cookie(&app, "/api/auth/providers", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let providers = json(response).await;
    assert_eq!(providers["credentials"]["type"], "credentials");
    assert_eq!(
        providers["credentials"]["callbackUrl"],
        "http://localhost:3000/api/auth/callback/credentials"
    );
}

#[tokio::test]
async fn router_nested_at_auth_base_path_serves_the_session_endpoint() {
    let auth = build_auth(URL);
    let app: Router = Router::new().nest(auth.base_path(), authrs_axum::router(auth.clone()));

    let response = get_with_cookie(&app, "/api/auth/session", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await, serde_json::json!({}));

    let cookie = sign_in(&auth, &app).await;
    let response = get_with_cookie(&app, "/api/auth/session", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["user"]["name"], "Ada");
}

#[tokio::test]
async fn engine_response_is_returned_unchanged() {
    let auth = build_auth(URL);
    let app = app(auth.clone());
    for path in [
        "/api/auth/providers",
        "/api/auth/signin",
        "/api/auth/nope",
        "/api/auth",
    ] {
        let direct = auth
            .handle(
                axum::http::Request::get(path)
                    .body(authrs_core::Bytes::new())
                    .unwrap(),
            )
            .await;
        let routed = get_with_cookie(&app, path, None).await;
        assert_eq!(routed.status(), direct.status(), "{path}");
        // axum adds `Content-Length` for a body of known size; everything else is the engine's.
        let mut headers = routed.headers().clone();
        let length = headers.remove(header::CONTENT_LENGTH);
        assert_eq!(length, Some(direct.body().len().into()), "{path}");
        if path == "/api/auth/signin" {
            // The sign-in page mints a fresh CSRF token and cookie per request: compare the
            // header names only.
            let names =
                |headers: &HeaderMap| headers.keys().map(|k| k.to_string()).collect::<Vec<_>>();
            assert_eq!(names(&headers), names(direct.headers()));
        } else {
            assert_eq!(&headers, direct.headers(), "{path}");
            assert_eq!(
                text(routed).await.as_bytes(),
                direct.body().as_ref(),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn router_nested_outside_the_base_path_gets_the_engine_404() {
    let auth = build_auth(URL);
    let app: Router = Router::new().nest("/elsewhere", authrs_axum::router(auth));
    let response = get_with_cookie(&app, "/elsewhere/csrf", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn custom_base_path_works() {
    let auth = build_auth("http://localhost:3000/auth");
    assert_eq!(auth.base_path(), "/auth");
    let app: Router = Router::new()
        .route("/me", get(me))
        .nest("/auth", authrs_axum::router(auth.clone()))
        .with_state(auth.clone());

    let response = get_with_cookie(&app, "/auth/providers", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json(response).await["credentials"]["signinUrl"],
        "http://localhost:3000/auth/signin/credentials"
    );
    let cookie = sign_in(&auth, &app).await;
    let response = get_with_cookie(&app, "/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["user"]["name"], "Ada");

    // The default path is not served.
    let response = get_with_cookie(&app, "/api/auth/csrf", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn oversized_body_is_rejected_with_413() {
    let app = app(build_auth(URL));
    let post = |body: Vec<u8>, declare_length: bool| {
        let mut request = Request::post("/api/auth/callback/credentials")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if declare_length {
            request = request.header(header::CONTENT_LENGTH, body.len());
        }
        request.body(Body::from(body)).unwrap()
    };

    // Declared too large: refused before reading.
    let response = send(&app, post(vec![b'a'; MAX_BODY_BYTES + 1], true)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Too large with no declared length: refused while reading.
    let response = send(&app, post(vec![b'a'; MAX_BODY_BYTES + 1], false)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(text(response).await, "Request body too large.");
    // A lying Content-Length does not get a large body through either.
    let mut request = post(vec![b'a'; 2 * MAX_BODY_BYTES], false);
    request
        .headers_mut()
        .insert(header::CONTENT_LENGTH, 10.into());
    assert_eq!(
        send(&app, request).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // Exactly the limit reaches the engine, which refuses it for its missing CSRF token.
    let response = send(&app, post(vec![b'a'; MAX_BODY_BYTES], true)).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert!(location.contains("csrf=true"), "{location}");
}

// ---- the Session extractor --------------------------------------------------------------------

#[tokio::test]
async fn credentials_sign_in_then_session_extractor_sees_the_user() {
    let auth = build_auth(URL);
    let app = app(auth.clone());
    let cookie = sign_in(&auth, &app).await;

    let response = get_with_cookie(&app, "/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = json(response).await;
    assert_eq!(session["user"]["name"], "Ada");
    assert_eq!(session["user"]["email"], "ada@example.com");
    assert!(session["expires"].as_str().unwrap().ends_with('Z'));

    let response = get_with_cookie(&app, "/maybe", Some(&cookie)).await;
    assert_eq!(text(response).await, "signed in as Ada");
}

#[tokio::test]
async fn session_extractor_rejects_with_401_without_a_cookie() {
    let app = app(build_auth(URL));
    let response = get_with_cookie(&app, "/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        json(response).await,
        serde_json::json!({"error": "unauthorized"})
    );
}

#[tokio::test]
async fn optional_session_is_none_without_a_cookie() {
    let app = app(build_auth(URL));
    let response = get_with_cookie(&app, "/maybe", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "not signed in");
}

#[tokio::test]
async fn tampered_session_cookie_is_no_session() {
    let auth = build_auth(URL);
    let app = app(auth.clone());
    let cookie = sign_in(&auth, &app).await;
    let (name, value) = cookie.split_once('=').unwrap();
    // Change one character in the middle of the encrypted token.
    let mut value = value.as_bytes().to_vec();
    let middle = value.len() / 2;
    value[middle] = if value[middle] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{name}={}", String::from_utf8(value).unwrap());
    assert_ne!(tampered, cookie);

    let response = get_with_cookie(&app, "/me", Some(&tampered)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = get_with_cookie(&app, "/maybe", Some(&tampered)).await;
    assert_eq!(text(response).await, "not signed in");
    let response = get_with_cookie(&app, "/me", Some("next-auth.session-token=not-a-token")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // A genuine cookie from an app with another secret is no session either.
    let other = Auth::builder()
        .url(URL)
        .secret("fedcba9876543210fedcba9876543210")
        .provider(CredentialsProvider::new(
            |_: Credentials, _request| async move { Ok(Some(User::new("1").with_name("Ada"))) },
        ))
        .build()
        .unwrap();
    let foreign = sign_in(&other, &self::app(other.clone())).await;
    let response = get_with_cookie(&app, "/me", Some(&foreign)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[derive(Clone)]
struct AppState {
    auth: Auth,
    greeting: &'static str,
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Auth {
        state.auth.clone()
    }
}

#[tokio::test]
async fn extractor_found_through_from_ref_on_app_state() {
    async fn greet(
        axum::extract::State(state): axum::extract::State<AppState>,
        session: Session,
    ) -> String {
        format!(
            "{}, {}",
            state.greeting,
            session.user.name.as_deref().unwrap_or("?")
        )
    }
    let auth = build_auth(URL);
    let app: Router = Router::new()
        .route("/greet", get(greet))
        .nest(auth.base_path(), authrs_axum::router(auth.clone()))
        .with_state(AppState {
            auth: auth.clone(),
            greeting: "Hello",
        });

    let response = get_with_cookie(&app, "/greet", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let cookie = sign_in(&auth, &app).await;
    let response = get_with_cookie(&app, "/greet", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "Hello, Ada");
}

/// A `session` callback that fails with a message that must stay in the server log.
struct FailingSessionCallback;

#[async_trait::async_trait]
impl Callbacks for FailingSessionCallback {
    async fn session(&self, _args: SessionArgs<'_>) -> Result<authrs_core::Session, CallbackError> {
        Err(CallbackError::new("database is down at db.internal:5432"))
    }
}

#[tokio::test]
async fn failing_session_callback_answers_500_without_the_cause() {
    let auth = auth_builder(URL)
        .callbacks(FailingSessionCallback)
        .build()
        .unwrap();
    let guarded: Router<Auth> = Router::new()
        .route("/guarded", get(|| async { "secret page" }))
        .route_layer(RequireSession::unauthorized(auth.clone()));
    let app: Router = Router::new()
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .merge(guarded)
        .nest(auth.base_path(), authrs_axum::router(auth.clone()))
        .with_state(auth.clone());
    // Signing in runs the `jwt` callback only, so it still succeeds.
    let cookie = sign_in(&auth, &app).await;

    for path in ["/me", "/maybe", "/guarded"] {
        let response = get_with_cookie(&app, path, Some(&cookie)).await;
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}"
        );
        let body = text(response).await;
        assert_eq!(body, r#"{"error":"internal_error"}"#, "{path}");
        assert!(!body.contains("db.internal"));
    }
}

// ---- the RequireSession guard -----------------------------------------------------------------

/// `/dashboard` behind the redirecting guard, `/api/me` behind the 401 guard.
fn guarded_app(auth: Auth) -> Router {
    let pages = Router::new()
        .route(
            "/dashboard",
            get(|session: Session| async move {
                format!("dashboard of {}", session.0.user.name.unwrap_or_default())
            }),
        )
        .route_layer(RequireSession::redirect_to_sign_in(auth.clone()));
    let api = Router::new()
        .route(
            "/api/me",
            get(|Extension(session): Extension<authrs_core::Session>| async move { Json(session) }),
        )
        .route_layer(RequireSession::unauthorized(auth.clone()));
    Router::new()
        .route("/", get(|| async { "public" }))
        .merge(pages)
        .merge(api)
        .nest(
            "/app",
            Router::new()
                .route("/settings", get(|| async { "settings" }))
                .route_layer(RequireSession::redirect_to_sign_in(auth.clone())),
        )
        .nest(auth.base_path(), authrs_axum::router(auth.clone()))
        .with_state(auth)
}

#[tokio::test]
async fn guard_redirects_to_sign_in_with_callback_url() {
    let app = guarded_app(build_auth(URL));
    let response = get_with_cookie(&app, "/dashboard?tab=a%20b&x=1", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()[header::LOCATION],
        "http://localhost:3000/api/auth/signin?callbackUrl=%2Fdashboard%3Ftab%3Da%2520b%26x%3D1"
    );
    // Inside a nest the callback URL keeps the prefix.
    let response = get_with_cookie(&app, "/app/settings", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()[header::LOCATION],
        "http://localhost:3000/api/auth/signin?callbackUrl=%2Fapp%2Fsettings"
    );
    // Public routes are not guarded.
    let response = get_with_cookie(&app, "/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn guard_redirect_target_is_accepted_by_the_sign_in_page() {
    let app = guarded_app(build_auth(URL));
    let response = get_with_cookie(&app, "/dashboard?tab=1", None).await;
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let path = location.strip_prefix("http://localhost:3000").unwrap();
    let response = get_with_cookie(&app, path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    // The engine remembers the validated callback URL for after the sign-in.
    let cookies = set_cookie_pairs(response.headers());
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("next-auth.callback-url=")
                && c.contains("%2Fdashboard%3Ftab%3D1")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn guard_answers_401_in_unauthorized_mode() {
    let app = guarded_app(build_auth(URL));
    let response = get_with_cookie(&app, "/api/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        json(response).await,
        serde_json::json!({"error": "unauthorized"})
    );
    let response = get_with_cookie(&app, "/api/me", Some("next-auth.session-token=forged")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guard_lets_signed_in_requests_through() {
    let auth = build_auth(URL);
    let app = guarded_app(auth.clone());
    let cookie = sign_in(&auth, &app).await;

    let response = get_with_cookie(&app, "/api/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json(response).await["user"]["email"], "ada@example.com");

    let response = get_with_cookie(&app, "/dashboard", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(text(response).await, "dashboard of Ada");

    let response = get_with_cookie(&app, "/app/settings", Some(&cookie)).await;
    assert_eq!(text(response).await, "settings");
}

#[tokio::test]
async fn guard_redirect_uses_the_forwarded_origin_only_when_trusted() {
    let forwarded = |app: &Router| {
        let request = Request::get("/dashboard")
            .header("x-forwarded-host", "app.example.com")
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap();
        let app = app.clone();
        async move { send(&app, request).await }
    };
    let trusted = guarded_app(auth_builder(URL).trust_host(true).build().unwrap());
    let response = forwarded(&trusted).await;
    assert_eq!(
        response.headers()[header::LOCATION],
        "https://app.example.com/api/auth/signin?callbackUrl=%2Fdashboard"
    );
    let untrusted = guarded_app(build_auth(URL));
    let response = forwarded(&untrusted).await;
    assert_eq!(
        response.headers()[header::LOCATION],
        "http://localhost:3000/api/auth/signin?callbackUrl=%2Fdashboard"
    );
}

#[tokio::test]
async fn merged_routes_serve_the_auth_endpoints_at_their_full_paths() {
    let auth = build_auth(URL);
    let app = Router::new()
        .route("/me", get(me))
        .merge(authrs_axum::routes(auth.clone()))
        .with_state(auth.clone());
    let response = get_with_cookie(&app, "/api/auth/providers", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(json(response).await.get("credentials").is_some());
    let cookie = sign_in(&auth, &app).await;
    let response = get_with_cookie(&app, "/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    // The base path itself is an auth route too (an unknown action: 400).
    let response = get_with_cookie(&app, "/api/auth", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

/// The peer address axum's `ConnectInfo` carries reaches the engine's per-client limits.
#[tokio::test]
async fn the_peer_address_reaches_the_per_client_email_limit() {
    use authrs_core::providers::{EmailProvider, EmailRateLimits};
    use authrs_core::ratelimit::RateLimit;
    let limits = EmailRateLimits {
        per_client: Some(RateLimit::new(1, std::time::Duration::from_secs(600))),
        per_address: None,
        ..EmailRateLimits::default()
    };
    let auth = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret("0123456789abcdef0123456789abcdef")
        .adapter(std::sync::Arc::new(
            authrs_core::adapter::MemoryAdapter::new(),
        ))
        .provider(
            EmailProvider::new(authrs_test_support::outbox::Outbox::default()).rate_limits(limits),
        )
        .build()
        .unwrap();
    let app = Router::new().merge(authrs_axum::routes(auth));
    let csrf = send(
        &app,
        Request::get("/api/auth/csrf").body(Body::empty()).unwrap(),
    )
    .await;
    let cookie = set_cookie_pairs(csrf.headers()).join("; ");
    let token = json(csrf).await["csrfToken"].as_str().unwrap().to_owned();
    let post = |peer: &str| {
        let mut request = Request::post("/api/auth/signin/email")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrfToken={token}&email=ada%40example.com&json=true"
            )))
            .unwrap();
        let peer: std::net::SocketAddr = peer.parse().unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        request
    };
    assert_eq!(
        send(&app, post("192.0.2.1:5000")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        send(&app, post("192.0.2.1:5001")).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the same client, another port"
    );
    assert_eq!(
        send(&app, post("192.0.2.2:5000")).await.status(),
        StatusCode::OK
    );
}
