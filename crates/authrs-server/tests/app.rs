//! The server's router in-process (`Router::oneshot`, no network): credentials against the
//! users file (JWT sessions), the demo account in the embedded SQLite database (database
//! sessions), the home page and `/healthz`.

mod support;

use authrs_core::SessionStrategy;
use authrs_core::password::PasswordHasher;
use authrs_server::config::{ConfigFile, Env, LoadOptions, load_config};
use authrs_server::{App, Prepared, build_app, prepare};
use authrs_test_support::EngineClient;
use axum::http::StatusCode;
use support::TempDir;

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

/// A browser on `app`, in-process through its router.
fn browser_on(app: &App) -> EngineClient {
    EngineClient::for_router(app.auth.clone(), app.router.clone())
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
    let mut browser = browser_on(&app);
    browser
        .sign_in_with_credentials("alice", "wonderland")
        .await
        .assert_signed_in_json_to("http://localhost:3000");
    let session = browser.get("/api/auth/session").await.json();
    assert_eq!(session["user"]["name"], "Alice");
    assert_eq!(session["user"]["email"], "alice@example.com");
}

/// Signs in with the given credentials and checks that they were refused: 401,
/// `CredentialsSignin`, no session cookie, and `/session` answers `{}`.
async fn assert_refused(name: &str, username: &str, password: &str) {
    let dir = TempDir::new(name);
    let app = app(&dir).await;
    let mut browser = browser_on(&app);
    let answer = browser.sign_in_with_credentials(username, password).await;
    assert_eq!(answer.status, 401);
    let url = answer.json()["url"].as_str().unwrap().to_owned();
    assert!(url.contains("error=CredentialsSignin"), "{url}");
    assert!(!browser.jar.contains_key("next-auth.session-token"));
    let session = browser.get("/api/auth/session").await;
    assert_eq!(session.text(), "{}");
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
    let mut browser = browser_on(&app);
    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(
        home.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(home.text().contains("Not signed in"));
    let signed_in = browser
        .sign_in_with_credentials("alice", "wonderland")
        .await;
    assert_eq!(signed_in.status, 200);
    let home = browser.get("/").await;
    assert!(
        home.text().contains(
            "Signed in as <strong><bdi>Alice</bdi></strong><small>alice@example.com</small>"
        ),
        "{}",
        home.text()
    );
    assert!(home.text().contains(r#"href="/api/auth/signout""#));
}

#[tokio::test]
async fn healthz_answers_ok_and_other_paths_are_not_found() {
    let dir = TempDir::new("app-health");
    let app = app(&dir).await;
    let mut browser = browser_on(&app);
    let health = browser.get("/healthz").await;
    assert_eq!(
        (health.status.as_u16(), health.text().as_str()),
        (200, "ok")
    );
    let missing = browser.get("/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let providers = browser.get("/api/auth/providers").await.json();
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

    let mut browser = browser_on(&app);
    browser
        .sign_in_with_email_password("Demo@Example.com", password.trim_end())
        .await
        .assert_signed_in_json_to("http://localhost:3000");
    let session = browser.get("/api/auth/session").await.json();
    assert_eq!(session["user"]["email"], "demo@example.com");
    assert_eq!(session["user"]["name"], "Demo");
    let home = browser.get("/").await;
    assert!(
        home.text()
            .contains("Signed in as <strong><bdi>Demo</bdi></strong>"),
        "{}",
        home.text()
    );
    // Sign-up is off by default: the route answers as an unknown action does.
    let signup = browser
        .post_form_with_csrf(
            "/api/auth/account/signup",
            &[("email", "new@example.com"), ("password", "long enough pw")],
        )
        .await;
    assert_eq!(signup.status, 400, "{}", signup.text());
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
    let mut browser = browser_on(&app);
    let index = browser.get("/").await;
    assert_eq!(index.status, 200);
    assert!(index.text().contains("<title>app</title>"));
    let script = browser.get("/assets/app.js").await;
    assert_eq!(script.text(), "console.log('app')");
    // A precompressed sibling goes to clients that accept it, and only to them.
    dir.write("site/assets/app.js.gz", "gzipped bytes");
    let accepts_gzip = [("accept-encoding", "gzip")];
    let gzipped = browser
        .get_with_headers("/assets/app.js", &accepts_gzip)
        .await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert_eq!(gzipped.text(), "gzipped bytes");
    let plain = browser.get("/assets/app.js").await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.text(), "console.log('app')");
    // A client-side route gets the app; the auth routes are still the engine's.
    let route = browser.get("/dashboard/settings").await;
    assert!(route.text().contains("<title>app</title>"));
    let csrf = browser.get("/api/auth/csrf").await;
    assert!(csrf.text().contains("csrfToken"));
    let escape = browser.get("/../authrs.toml").await;
    assert!(!escape.text().contains("secret"));
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
    let mut browser = browser_on(&app);

    // Signed out: known, as `null`; per visitor, never cached.
    for path in ["/", "/some/client/route"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200);
        assert!(
            page.text().contains(
                r#"<head><script type="application/json" id="authrs-session">null</script></head>"#
            ),
            "{}",
            page.text()
        );
        assert_eq!(page.header("cache-control"), Some("private, no-store"));
        assert_eq!(page.header("vary"), Some("Cookie"));
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }

    // Signed in: the session as /session describes it.
    let signed_in = browser
        .sign_in_with_email_password("demo@example.com", password.trim_end())
        .await;
    assert_eq!(signed_in.status, 200);
    let page = browser.get("/").await.text();
    let start = page.find(r#"id="authrs-session">"#).expect("a seed") + 20;
    let end = start + page[start..].find("</script>").unwrap();
    let seeded: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(seeded["user"]["email"], "demo@example.com");
    let session = browser.get("/api/auth/session").await.json();
    assert_eq!(seeded["user"], session["user"]);
    assert!(seeded["expires"].is_string());

    // A folder's own index.html is served as it is.
    let other = browser.get("/other/").await;
    assert_eq!(other.text(), "<title>other app</title>");

    // The page is for reading only.
    let post = browser.post_form("/", &[]).await;
    assert_eq!(post.status, 405);
    prepared.database().close().await;
}

/// An app serving `site/` (which the caller fills) with `extra` configuration lines.
async fn static_app(dir: &TempDir, extra: &str) -> (Prepared, App) {
    std::fs::create_dir_all(dir.join("site/assets")).unwrap();
    dir.write("site/index.html", "<!doctype html><title>app</title>");
    let config = dir.write(
        "authrs.toml",
        &format!(
            "secret = \"0123456789abcdef0123456789abcdef\"\ndata_dir = \"data\"\nstatic_dir = \"site\"\n{extra}"
        ),
    );
    let prepared = prepare_from(config).await;
    let app = build_app(&prepared, URL).unwrap();
    (prepared, app)
}

#[tokio::test]
async fn negotiated_static_files_vary_on_accept_encoding() {
    let dir = TempDir::new("app-vary");
    let (prepared, app) = static_app(&dir, "").await;
    dir.write("site/assets/app.js", "plain");
    dir.write("site/assets/app.js.gz", "gzipped");
    let mut browser = browser_on(&app);
    for accept in ["gzip", "identity"] {
        let headers = [("accept-encoding", accept)];
        let file = browser.get_with_headers("/assets/app.js", &headers).await;
        assert_eq!(file.status, 200);
        let vary = file.header("vary").unwrap_or_default().to_ascii_lowercase();
        assert!(vary.contains("accept-encoding"), "{accept}: {file:?}");
    }
    prepared.database().close().await;
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_out_of_the_static_dir_are_not_followed() {
    let dir = TempDir::new("app-symlink");
    let (prepared, app) = static_app(&dir, "").await;
    dir.write("outside.txt", "top secret");
    std::fs::create_dir_all(dir.join("outside-dir")).unwrap();
    dir.write("outside-dir/index.html", "top secret page");
    dir.write("site/assets/real.js", "inside");
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(dir.join(target), dir.join(name)).unwrap()
    };
    link("outside.txt", "site/leak.txt");
    link("outside.txt", "site/assets/app.js.gz");
    link("outside-dir", "site/linked-dir");
    link("site/assets/real.js", "site/alias.js");
    dir.write("site/assets/app.js", "plain");
    let mut browser = browser_on(&app);
    let gzip = [("accept-encoding", "gzip")];
    for path in [
        "/leak.txt",
        "/assets/app.js",
        "/linked-dir/",
        "/linked-dir/index.html",
    ] {
        let answer = browser.get_with_headers(path, &gzip).await;
        assert!(!answer.text().contains("top secret"), "{path}: {answer:?}");
    }
    // A link that stays inside the folder is fine.
    let alias = browser.get("/alias.js").await;
    assert_eq!(
        (alias.status.as_u16(), alias.text().as_str()),
        (200, "inside")
    );
    prepared.database().close().await;
}

#[tokio::test]
async fn dotfiles_are_not_served_unless_allowed() {
    let dir = TempDir::new("app-dotfiles");
    let (prepared, app) = static_app(&dir, "").await;
    dir.write("site/.env", "SECRET=1");
    std::fs::create_dir_all(dir.join("site/.git")).unwrap();
    dir.write("site/.git/config", "[core] secret");
    std::fs::create_dir_all(dir.join("site/.well-known")).unwrap();
    dir.write(
        "site/.well-known/security.txt",
        "Contact: mailto:security@example.com",
    );
    let mut browser = browser_on(&app);
    for path in ["/.env", "/.git/config", "/%2eenv", "/assets/../.env"] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, 404, "{path}: {answer:?}");
        assert!(!answer.text().contains("secret") && !answer.text().contains("SECRET"));
    }
    // RFC 8615's well-known folder is not a hidden file.
    let well_known = browser.get("/.well-known/security.txt").await;
    assert_eq!(well_known.status, 200);
    prepared.database().close().await;

    let dir = TempDir::new("app-dotfiles-allowed");
    let (prepared, app) = static_app(&dir, "static_dotfiles = true\n").await;
    dir.write("site/.env", "PUBLIC=1");
    let mut browser = browser_on(&app);
    let answer = browser.get("/.env").await;
    assert_eq!(
        (answer.status.as_u16(), answer.text().as_str()),
        (200, "PUBLIC=1")
    );
    prepared.database().close().await;
}

#[tokio::test]
async fn folder_redirects_name_only_a_relative_single_slash_path() {
    let dir = TempDir::new("app-redirect");
    let (prepared, app) = static_app(&dir, "").await;
    dir.write("site/assets/index.html", "assets index");
    let mut browser = browser_on(&app);
    for (target, expected) in [
        ("/assets", "/assets/"),
        ("/assets?x=1", "/assets/?x=1"),
        ("http://evil.example/assets", "/assets/"),
        ("//assets", "/assets/"),
        ("///assets", "/assets/"),
    ] {
        let answer = browser.get(target).await;
        assert!(
            (300..400).contains(&answer.status.as_u16()),
            "{target}: {answer:?}"
        );
        assert_eq!(answer.header("location"), Some(expected), "{target}");
    }
    prepared.database().close().await;
}

#[tokio::test]
async fn hashed_assets_are_immutable_other_files_revalidate_and_the_page_is_not_stored() {
    let dir = TempDir::new("app-cache");
    let (prepared, app) = static_app(&dir, "").await;
    for name in [
        "assets/app-3f9a1c2b.js",
        "assets/index-B3xYz9aQ.css",
        "assets/main.3f9a1c2b4d5e6f70.chunk.js",
        "assets/app.js",
        "assets/app-settings.js",
        "assets/jquery-3.7.1.min.js",
        "favicon.ico",
    ] {
        dir.write(&format!("site/{name}"), name);
    }
    let mut browser = browser_on(&app);
    for (path, expected) in [
        (
            "/assets/app-3f9a1c2b.js",
            "public, max-age=31536000, immutable",
        ),
        (
            "/assets/index-B3xYz9aQ.css",
            "public, max-age=31536000, immutable",
        ),
        (
            "/assets/main.3f9a1c2b4d5e6f70.chunk.js",
            "public, max-age=31536000, immutable",
        ),
        ("/assets/app.js", "no-cache"),
        ("/assets/app-settings.js", "no-cache"),
        ("/assets/jquery-3.7.1.min.js", "no-cache"),
        ("/favicon.ico", "no-cache"),
    ] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, 200, "{path}");
        assert_eq!(answer.header("cache-control"), Some(expected), "{path}");
    }
    // The app's page (for `/` and client-side routes) is never stored.
    for path in ["/", "/client/route"] {
        let page = browser.get(path).await;
        assert_eq!(
            page.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
    }
    prepared.database().close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panicking_handler_gets_a_generic_500_and_the_server_carries_on() {
    let dir = TempDir::new("app-panic");
    let app = app(&dir).await;
    // A route that exists only in this test, served by the binary's own connection loop.
    async fn panics() -> &'static str {
        panic!("internal detail 4242")
    }
    let router = app.router.route("/panic", axum::routing::get(panics));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(authrs_server::server::serve_router(
        listener,
        router,
        authrs_server::config::ServerSettings::default(),
        async {
            let _ = stopped.await;
        },
        std::future::pending(),
    ));
    let get = |path: &'static str| {
        tokio::task::spawn_blocking(move || support::request(addr, "GET", path, &[], ""))
    };
    let panicked = get("/panic").await.unwrap();
    assert_eq!(panicked.status, 500);
    assert!(!panicked.body.contains("4242"), "{}", panicked.body);
    let health = get("/healthz").await.unwrap();
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_idle_after_an_answer_that_outlived_the_header_deadline_still_closes() {
    use std::io::{Read, Write};
    let dir = TempDir::new("app-slow-answer");
    let app = app(&dir).await;
    // A handler that takes longer than what is left of the header deadline when its request
    // arrives: the deadline passes while the request is in flight.
    async fn slow() -> &'static str {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        "done"
    }
    let router = app.router.route("/slow", axum::routing::get(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = authrs_server::config::ServerSettings {
        header_timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(authrs_server::server::serve_router(
        listener,
        router,
        limits,
        async {
            let _ = stopped.await;
        },
        std::future::pending(),
    ));
    let client = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(support::PATIENCE)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        stream
            .write_all(b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let answer = support::read_response(&mut stream);
        assert_eq!((answer.status, answer.body.as_str()), (200, "done"));
        // No next request: the server must close the connection within its header timeout.
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => assert!(rest.is_empty(), "{rest:?}"),
            Err(error) => panic!("still open after {:?}: {error}", support::PATIENCE),
        }
    });
    client.await.unwrap();
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
}
