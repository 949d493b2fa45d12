//! The example app's router, driven in-process with `oneshot`.

use authrs_test_support::set_cookie_pairs;
use std::sync::Arc;

use authrs_core::password::PasswordHasher;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use axum_app::DemoUser;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const PASSWORD: &str = "correct horse battery staple";

/// The app with a demo user named `name`. The hasher uses small argon2 parameters so the tests
/// stay fast; the production parameters are the hasher's defaults.
fn app_with_user_named(name: &str) -> Router {
    let hasher = Arc::new(PasswordHasher::with_params(256, 1, 1).unwrap());
    let mut user = DemoUser::new(hasher.hash(PASSWORD).unwrap());
    user.name = name.to_owned();
    let auth =
        axum_app::build_auth("http://localhost:3000/api/auth", SECRET, user, hasher).unwrap();
    axum_app::app(auth)
}

fn app() -> Router {
    app_with_user_named("Demo User")
}

async fn get(app: &Router, uri: &str, cookie: Option<&str>) -> Response<Body> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    app.clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

async fn text(response: Response<Body>) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}

/// Posts the sign-in form; returns the session cookie if the sign-in succeeded.
async fn sign_in(app: &Router, username: &str, password: &str) -> Option<String> {
    let response = get(app, "/api/auth/csrf", None).await;
    let csrf_cookie = set_cookie_pairs(response.headers()).join("; ");
    let body: Value = serde_json::from_str(&text(response).await).unwrap();
    let token = body["csrfToken"].as_str().unwrap().to_owned();
    let form: String = [
        ("csrfToken", token.as_str()),
        ("username", username),
        ("password", password),
        ("json", "true"),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
    .collect::<Vec<_>>()
    .join("&");
    let request = Request::post("/api/auth/callback/credentials")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, csrf_cookie)
        .body(Body::from(form))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let session: Vec<String> = set_cookie_pairs(response.headers())
        .into_iter()
        .filter(|c| {
            c.starts_with("next-auth.session-token=") && c.len() > "next-auth.session-token=".len()
        })
        .collect();
    (!session.is_empty()).then(|| session.join("; "))
}

#[tokio::test]
async fn protected_page_without_a_session_redirects_to_sign_in() {
    let response = get(&app(), "/protected", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()[header::LOCATION],
        "http://localhost:3000/api/auth/signin?callbackUrl=%2Fprotected"
    );
}

#[tokio::test]
async fn api_me_without_a_session_is_401() {
    let response = get(&app(), "/api/me", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(text(response).await, r#"{"error":"unauthorized"}"#);
}

#[tokio::test]
async fn demo_user_signs_in_and_sees_the_protected_page_and_api() {
    let app = app();
    let cookie = sign_in(&app, "demo", PASSWORD)
        .await
        .expect("the demo password signs in");

    let response = get(&app, "/protected", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store"
    );
    let page = text(response).await;
    assert!(
        page.contains("You are <strong>Demo User</strong>"),
        "{page}"
    );
    assert!(page.contains("demo@example.com"), "{page}");

    let response = get(&app, "/api/me", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(me["user"]["name"], "Demo User");

    let page = text(get(&app, "/", Some(&cookie)).await).await;
    assert!(
        page.contains("Signed in as <strong>Demo User</strong>"),
        "{page}"
    );
    assert!(page.contains(r#"href="/api/auth/signout""#), "{page}");
}

#[tokio::test]
async fn wrong_password_or_unknown_user_signs_nobody_in() {
    let app = app();
    assert_eq!(sign_in(&app, "demo", "wrong password").await, None);
    assert_eq!(sign_in(&app, "someone", PASSWORD).await, None);
}

#[tokio::test]
async fn home_page_without_a_session_links_to_sign_in() {
    let response = get(&app(), "/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = text(response).await;
    assert!(page.contains("Not signed in."), "{page}");
    assert!(page.contains(r#"href="/api/auth/signin""#), "{page}");
}

#[tokio::test]
async fn user_names_are_escaped_in_pages() {
    let app = app_with_user_named("<script>alert(1)</script>");
    let cookie = sign_in(&app, "demo", PASSWORD).await.unwrap();
    for path in ["/", "/protected"] {
        let page = text(get(&app, path, Some(&cookie)).await).await;
        assert!(!page.contains("<script>"), "{path}: {page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {page}"
        );
    }
}

#[tokio::test]
async fn the_seed_api_route_answers_data_or_redirects() {
    let app = app();
    let response = get(&app, "/api/data", None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/api/auth/signin");

    let cookie = sign_in(&app, "demo", PASSWORD).await.unwrap();
    let response = get(&app, "/api/data", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let data: Value = serde_json::from_str(&text(response).await).unwrap();
    assert_eq!(data["email"], "demo@example.com");
}
