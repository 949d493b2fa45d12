//! The server's router in-process (`Router::oneshot`, no network): credentials against the
//! users file (JWT sessions), the demo account in the embedded SQLite database (database
//! sessions), the home page and `/healthz`.

mod support;

use authrs_core::SessionStrategy;
use authrs_core::password::PasswordHasher;
use authrs_server::config::{ConfigFile, Env, LoadOptions, load_config};
use authrs_server::{App, Prepared, build_app, prepare};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::{Jar, Response, TempDir};
use tower::ServiceExt;

const URL: &str = "http://localhost:3000/api/auth";

/// An app whose users file holds `alice` (password `wonderland`), built from a config file,
/// with JWT sessions.
async fn app(dir: &TempDir) -> App {
    let hash = PasswordHasher::with_params(256, 1, 1)
        .unwrap()
        .hash("wonderland")
        .unwrap();
    dir.write(
        "users.toml",
        &format!("[users.alice]\npassword = \"{hash}\"\nname = \"Alice\"\nemail = \"alice@example.com\"\n"),
    );
    let config = dir.write(
        "authrs.toml",
        "secret = \"0123456789abcdef0123456789abcdef\"\ndata_dir = \"data\"\n\
         [session]\nstrategy = \"jwt\"\n[credentials]\nusers_file = \"users.toml\"\n",
    );
    let prepared = prepare_from(config).await;
    assert_eq!(prepared.file_users().unwrap().len(), 1);
    // The configured users replace the demo account.
    assert_eq!(prepared.demo_password_file(), None);
    build_app(&prepared, URL).unwrap()
}

async fn send(
    app: &App,
    jar: &mut Jar,
    method: &str,
    path: &str,
    form: Option<String>,
) -> Response {
    send_with_headers(app, jar, method, path, form, &[]).await
}

async fn send_with_headers(
    app: &App,
    jar: &mut Jar,
    method: &str,
    path: &str,
    form: Option<String>,
    headers: &[(&str, &str)],
) -> Response {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, jar.header());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if form.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let request = request.body(Body::from(form.unwrap_or_default())).unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let response = Response {
        status,
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    };
    jar.store(&response);
    response
}

/// `/csrf`, then `POST /callback/credentials` with `json=true`; returns the callback's status
/// and `url`.
async fn sign_in(app: &App, jar: &mut Jar, username: &str, password: &str) -> (u16, String) {
    let form = format!(
        "username={}&password={}",
        support::form_encode(username),
        support::form_encode(password)
    );
    post_callback(app, jar, "credentials", &form).await
}

/// `/csrf`, then `POST /callback/{provider}` with `fields`, the token and `json=true`; returns
/// the callback's status and `url`.
async fn post_callback(app: &App, jar: &mut Jar, provider: &str, fields: &str) -> (u16, String) {
    let csrf = send(app, jar, "GET", "/api/auth/csrf", None).await;
    let token = csrf.json()["csrfToken"].as_str().unwrap().to_owned();
    let form = format!("{fields}&csrfToken={token}&json=true");
    let callback = send(
        app,
        jar,
        "POST",
        &format!("/api/auth/callback/{provider}"),
        Some(form),
    )
    .await;
    (
        callback.status,
        callback.json()["url"].as_str().unwrap().to_owned(),
    )
}

/// Loads the configuration file (no environment) and prepares the server from it.
async fn prepare_from(config: std::path::PathBuf) -> Prepared {
    let options = LoadOptions {
        config_file: ConfigFile::At(config),
        bind: None,
        database_url: None,
    };
    let settings = load_config(&options, &Env::default()).unwrap();
    prepare(settings).await.unwrap()
}

#[tokio::test]
async fn right_password_gives_a_session_with_the_users_file_details() {
    let dir = TempDir::new("app-right");
    let app = app(&dir).await;
    let mut jar = Jar::default();
    let (status, url) = sign_in(&app, &mut jar, "alice", "wonderland").await;
    assert_eq!((status, url.as_str()), (200, "http://localhost:3000"));
    let session = send(&app, &mut jar, "GET", "/api/auth/session", None)
        .await
        .json();
    assert_eq!(session["user"]["name"], "Alice");
    assert_eq!(session["user"]["email"], "alice@example.com");
}

/// Signs in with the given credentials and checks that they were refused: 401,
/// `CredentialsSignin`, no session cookie, and `/session` answers `{}`.
async fn assert_refused(name: &str, username: &str, password: &str) {
    let dir = TempDir::new(name);
    let app = app(&dir).await;
    let mut jar = Jar::default();
    let (status, url) = sign_in(&app, &mut jar, username, password).await;
    assert_eq!(status, 401);
    assert!(url.contains("error=CredentialsSignin"), "{url}");
    assert!(!jar.has("next-auth.session-token"));
    let session = send(&app, &mut jar, "GET", "/api/auth/session", None).await;
    assert_eq!(session.body, "{}");
}

#[tokio::test]
async fn unknown_user_gets_no_session() {
    assert_refused("app-unknown", "mallory", "wonderland").await;
}

#[tokio::test]
async fn wrong_password_gets_no_session() {
    assert_refused("app-wrong", "alice", "Wonderland").await;
}

#[tokio::test]
async fn home_page_follows_the_session() {
    let dir = TempDir::new("app-home");
    let app = app(&dir).await;
    let mut jar = Jar::default();
    let home = send(&app, &mut jar, "GET", "/", None).await;
    assert_eq!(home.status, 200);
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(
        home.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(home.body.contains("Not signed in"));
    assert_eq!(sign_in(&app, &mut jar, "alice", "wonderland").await.0, 200);
    let home = send(&app, &mut jar, "GET", "/", None).await;
    assert!(
        home.body
            .contains("Signed in as <strong>Alice</strong><small>alice@example.com</small>"),
        "{}",
        home.body
    );
    assert!(home.body.contains(r#"href="/api/auth/signout""#));
}

#[tokio::test]
async fn healthz_answers_ok_and_other_paths_are_not_found() {
    let dir = TempDir::new("app-health");
    let app = app(&dir).await;
    let mut jar = Jar::default();
    let health = send(&app, &mut jar, "GET", "/healthz", None).await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let missing = send(&app, &mut jar, "GET", "/nope", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND.as_u16());
    let providers = send(&app, &mut jar, "GET", "/api/auth/providers", None)
        .await
        .json();
    assert_eq!(providers["credentials"]["type"], "credentials");
    assert_eq!(providers["email-password"]["type"], "credentials");
}

#[tokio::test]
async fn demo_account_in_the_embedded_database_gets_a_database_session() {
    let dir = TempDir::new("app-demo");
    let config = dir.write(
        "authrs.toml",
        "secret = \"0123456789abcdef0123456789abcdef\"\ndata_dir = \"data\"\n",
    );
    let prepared = prepare_from(config).await;
    assert_eq!(
        prepared.demo_password_file(),
        Some(&dir.join("data/demo-password"))
    );
    let password = std::fs::read_to_string(dir.join("data/demo-password")).unwrap();
    let app = build_app(&prepared, URL).unwrap();
    assert_eq!(app.auth.session_strategy(), SessionStrategy::Database);

    let mut jar = Jar::default();
    let fields = format!(
        "email=Demo%40Example.com&password={}",
        support::form_encode(password.trim_end())
    );
    let (status, url) = post_callback(&app, &mut jar, "email-password", &fields).await;
    assert_eq!((status, url.as_str()), (200, "http://localhost:3000"));
    let session = send(&app, &mut jar, "GET", "/api/auth/session", None)
        .await
        .json();
    assert_eq!(session["user"]["email"], "demo@example.com");
    assert_eq!(session["user"]["name"], "Demo");
    let home = send(&app, &mut jar, "GET", "/", None).await;
    assert!(
        home.body.contains("Signed in as <strong>Demo</strong>"),
        "{}",
        home.body
    );
    // Sign-up is off by default: the route answers as an unknown action does.
    let csrf = send(&app, &mut jar, "GET", "/api/auth/csrf", None).await;
    let token = csrf.json()["csrfToken"].as_str().unwrap().to_owned();
    let form = format!("email=new%40example.com&password=long+enough+pw&csrfToken={token}");
    let signup = send(
        &app,
        &mut jar,
        "POST",
        "/api/auth/account/signup",
        Some(form),
    )
    .await;
    assert_eq!(signup.status, 400, "{}", signup.body);
    prepared.database().close().await;
}

#[tokio::test]
async fn a_static_folder_is_served_beside_the_auth_routes() {
    let dir = TempDir::new("app-static");
    std::fs::create_dir_all(dir.join("site/assets")).unwrap();
    dir.write("site/index.html", "<!doctype html><title>app</title>");
    dir.write("site/assets/app.js", "console.log('app')");
    let config = dir.write(
        "authrs.toml",
        "secret = \"0123456789abcdef0123456789abcdef\"\ndata_dir = \"data\"\nstatic_dir = \"site\"\n",
    );
    let prepared = prepare_from(config).await;
    let app = build_app(&prepared, URL).unwrap();
    let mut jar = Jar::default();
    let index = send(&app, &mut jar, "GET", "/", None).await;
    assert_eq!(index.status, 200);
    assert!(index.body.contains("<title>app</title>"));
    let script = send(&app, &mut jar, "GET", "/assets/app.js", None).await;
    assert_eq!(script.body, "console.log('app')");
    // A precompressed sibling goes to clients that accept it, and only to them.
    dir.write("site/assets/app.js.gz", "gzipped bytes");
    let accepts_gzip = [("accept-encoding", "gzip")];
    let gzipped =
        send_with_headers(&app, &mut jar, "GET", "/assets/app.js", None, &accepts_gzip).await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gzipped.body, "gzipped bytes");
    let plain = send(&app, &mut jar, "GET", "/assets/app.js", None).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, "console.log('app')");
    // A client-side route gets the app; the auth routes are still the engine's.
    let route = send(&app, &mut jar, "GET", "/dashboard/settings", None).await;
    assert!(route.body.contains("<title>app</title>"));
    let csrf = send(&app, &mut jar, "GET", "/api/auth/csrf", None).await;
    assert!(csrf.body.contains("csrfToken"));
    let escape = send(&app, &mut jar, "GET", "/../authrs.toml", None).await;
    assert!(!escape.body.contains("secret"));
}

#[tokio::test]
async fn the_app_page_carries_the_visitors_session() {
    let dir = TempDir::new("app-seed");
    std::fs::create_dir_all(dir.join("site")).unwrap();
    dir.write(
        "site/index.html",
        "<!doctype html><head><!-- authrs:session --></head><body></body>",
    );
    std::fs::create_dir_all(dir.join("site/other")).unwrap();
    dir.write("site/other/index.html", "<title>other app</title>");
    let config = dir.write(
        "authrs.toml",
        "secret = \"0123456789abcdef0123456789abcdef\"\ndata_dir = \"data\"\nstatic_dir = \"site\"\n",
    );
    let prepared = prepare_from(config).await;
    let password = std::fs::read_to_string(dir.join("data/demo-password")).unwrap();
    let app = build_app(&prepared, URL).unwrap();
    let mut jar = Jar::default();

    // Signed out: known, as `null`; per visitor, never cached.
    for path in ["/", "/some/client/route"] {
        let page = send(&app, &mut jar, "GET", path, None).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(
                r#"<head><script type="application/json" id="authrs-session">null</script></head>"#
            ),
            "{}",
            page.body
        );
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        assert_eq!(page.header("vary"), Some("Cookie"));
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }

    // Signed in: the session as /session describes it.
    let fields = format!(
        "email=demo%40example.com&password={}",
        support::form_encode(password.trim_end())
    );
    let (status, _) = post_callback(&app, &mut jar, "email-password", &fields).await;
    assert_eq!(status, 200);
    let page = send(&app, &mut jar, "GET", "/", None).await;
    let start = page.body.find(r#"id="authrs-session">"#).expect("a seed") + 20;
    let end = start + page.body[start..].find("</script>").unwrap();
    let seeded: serde_json::Value = serde_json::from_str(&page.body[start..end]).unwrap();
    assert_eq!(seeded["user"]["email"], "demo@example.com");
    let session = send(&app, &mut jar, "GET", "/api/auth/session", None)
        .await
        .json();
    assert_eq!(seeded["user"], session["user"]);
    assert!(seeded["expires"].is_string());

    // A folder's own index.html is served as it is.
    let other = send(&app, &mut jar, "GET", "/other/", None).await;
    assert_eq!(other.body, "<title>other app</title>");

    // The page is for reading only.
    let post = send(&app, &mut jar, "POST", "/", Some(String::new())).await;
    assert_eq!(post.status, 405);
    prepared.database().close().await;
}
