//! The real `authrs` binary, started in a fresh directory and driven over HTTP as the README's
//! curl commands do.

mod support;

use std::fs;
use std::net::TcpListener;

use support::{Client, Server, TempDir, authrs, run};

const BASE: &str = "/api/auth";

fn demo_password(dir: &TempDir) -> String {
    fs::read_to_string(dir.join("authrs-data/demo-password"))
        .unwrap()
        .trim_end()
        .to_owned()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn fresh_directory_serves_the_demo_user_end_to_end() {
    let dir = TempDir::new("fresh");
    let server = Server::start(dir.path(), &[]);

    // The embedded default generated its files, private to the owner.
    let secret = fs::read_to_string(dir.join("authrs-data/secret")).unwrap();
    assert_eq!(secret.trim_end().len(), 64);
    let password = demo_password(&dir);
    assert!(password.len() >= 16);
    let users = fs::read_to_string(dir.join("authrs-data/users.toml")).unwrap();
    assert!(users.contains("[users.demo]") && users.contains("$argon2id$"));
    assert!(!users.contains(&password));
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.join("authrs-data")), 0o700);
        assert_eq!(mode(&dir.join("authrs-data/secret")), 0o600);
        assert_eq!(mode(&dir.join("authrs-data/demo-password")), 0o600);
        assert_eq!(mode(&dir.join("authrs-data/users.toml")), 0o600);
    }
    // A clear warning, pointing at the files but never showing their contents.
    let log = server.log();
    assert!(
        log.contains("WARNING") && log.contains("AUTHRS_SECRET"),
        "{log}"
    );
    assert!(log.contains("authrs-data/demo-password"), "{log}");
    assert!(
        !log.contains(&password) && !log.contains(secret.trim_end()),
        "{log}"
    );
    // The default URL follows the port it was given.
    let port = server.addr.port();
    assert!(
        log.contains(&format!("http://localhost:{port}/api/auth")),
        "{log}"
    );

    let mut client = Client::new(server.addr);
    let home = client.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Not signed in"), "{}", home.body);
    assert!(
        home.body
            .contains("password in <code>authrs-data/demo-password</code>")
    );
    assert!(!home.body.contains(&password));

    let callback = client.sign_in(BASE, "demo", &password);
    assert_eq!(callback.status, 200, "{}", callback.body);
    assert_eq!(callback.json()["url"], format!("http://localhost:{port}"));
    assert!(
        client.jar.has("next-auth.session-token"),
        "{:?}",
        client.jar
    );

    let session = client.get(&format!("{BASE}/session"));
    assert_eq!(session.status, 200);
    let session = session.json();
    assert_eq!(session["user"]["name"], "demo", "{session}");
    assert_eq!(session["user"]["email"], "demo@example.com");

    let home = client.get("/");
    assert!(
        home.body.contains("Signed in as <strong>demo</strong>"),
        "{}",
        home.body
    );
    assert_eq!(client.get("/healthz").body, "ok");

    let (status, _) = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn wrong_password_and_unknown_user_get_no_session() {
    let dir = TempDir::new("wrong");
    let server = Server::start(dir.path(), &[]);
    for (username, password) in [("demo", "not-the-password"), ("nobody", "whatever")] {
        let mut client = Client::new(server.addr);
        let callback = client.sign_in(BASE, username, password);
        assert_eq!(callback.status, 401, "{}", callback.body);
        let url = callback.json()["url"].as_str().unwrap().to_owned();
        assert!(url.contains("error=CredentialsSignin"), "{url}");
        assert!(!client.jar.has("next-auth.session-token"));
        assert_eq!(client.get(&format!("{BASE}/session")).body, "{}");
    }
}

#[test]
fn sigterm_stops_the_server_with_exit_status_zero() {
    let dir = TempDir::new("sigterm");
    let server = Server::start(dir.path(), &[]);
    let (status, log) = server.terminate();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("received SIGTERM, shutting down"), "{log}");
}

#[test]
fn session_survives_a_restart_because_the_secret_file_persists() {
    let dir = TempDir::new("restart");
    let server = Server::start(dir.path(), &[]);
    let secret = fs::read_to_string(dir.join("authrs-data/secret")).unwrap();
    let users = fs::read_to_string(dir.join("authrs-data/users.toml")).unwrap();
    let password = demo_password(&dir);
    let mut client = Client::new(server.addr);
    assert_eq!(client.sign_in(BASE, "demo", &password).status, 200);
    let (status, _) = server.terminate();
    assert!(status.success());

    let server = Server::start(dir.path(), &[]);
    assert_eq!(
        fs::read_to_string(dir.join("authrs-data/secret")).unwrap(),
        secret
    );
    assert_eq!(
        fs::read_to_string(dir.join("authrs-data/users.toml")).unwrap(),
        users
    );
    assert_eq!(demo_password(&dir), password);
    assert!(
        !server.log().contains("generated a development secret"),
        "{}",
        server.log()
    );
    client.addr = server.addr;
    let session = client.get(&format!("{BASE}/session")).json();
    assert_eq!(session["user"]["name"], "demo", "{session}");
}

#[test]
fn configured_secret_and_users_file_need_no_data_directory() {
    let dir = TempDir::new("configured");
    let hash = authrs_core::password::PasswordHasher::with_params(256, 1, 1)
        .unwrap()
        .hash("correct horse")
        .unwrap();
    dir.write(
        "users.toml",
        &format!("[users.alice]\npassword = \"{hash}\"\nname = \"Alice <3\"\nemail = \"alice@example.com\"\n"),
    );
    dir.write(
        "authrs.toml",
        "compatibility = \"v5\"\n[session]\nmax_age = \"1h\"\n[credentials]\nusers_file = \"users.toml\"\n",
    );
    let secret = "0123456789abcdef0123456789abcdef-configured";
    let server = Server::start(dir.path(), &[("AUTHRS_SECRET", secret)]);
    assert!(!dir.join("authrs-data").exists());
    assert!(!server.log().contains("WARNING"), "{}", server.log());
    assert!(!Client::new(server.addr).get("/").body.contains("demo"));

    let mut client = Client::new(server.addr);
    let callback = client.sign_in(BASE, "alice", "correct horse");
    assert_eq!(callback.status, 200, "{}", callback.body);
    assert!(client.jar.has("authjs.session-token"), "{:?}", client.jar);
    let session = client.get(&format!("{BASE}/session")).json();
    assert_eq!(session["user"]["name"], "Alice <3");
    let home = client.get("/");
    assert!(
        home.body
            .contains("Signed in as <strong>Alice &lt;3</strong>"),
        "{}",
        home.body
    );
}

#[test]
fn port_in_use_is_an_error_naming_the_address() {
    let dir = TempDir::new("port-in-use");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (status, _, stderr) = run(authrs(dir.path(), &["--bind", &addr], &[]), b"");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error: cannot listen on {addr}")),
        "{stderr}"
    );
}

#[test]
fn bad_environment_value_stops_startup_naming_the_variable_and_the_value() {
    let dir = TempDir::new("bad-env");
    let env = [
        ("AUTHRS_URL", "ftp://example.com/auth"),
        ("AUTHRS_SESSION_MAX_AGE", "30x"),
    ];
    let (status, _, stderr) = run(authrs(dir.path(), &["--bind", "127.0.0.1:0"], &env), b"");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("environment AUTHRS_URL: invalid base URL \"ftp://example.com/auth\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("environment AUTHRS_SESSION_MAX_AGE: invalid duration \"30x\""),
        "{stderr}"
    );
    // Nothing was generated for a server that did not start.
    assert!(!dir.join("authrs-data").exists());
}
