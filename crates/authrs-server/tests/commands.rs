//! `authrs hash-password`, `authrs check`, `authrs user …` and `authrs --help`, run as a user
//! would.

mod support;

use authrs_core::password::PasswordHasher;
use support::{Client, Server, TempDir, authrs, run, user_command};

const BASE: &str = "/api/auth";

#[test]
fn hash_password_from_a_pipe_prints_a_verifying_argon2id_hash() {
    let dir = TempDir::new("hash");
    let (status, stdout, stderr) = run(
        authrs(dir.path(), &["hash-password"], &[]),
        b"correct horse battery\n",
    );
    assert!(status.success(), "{stderr}");
    let hash = stdout.trim_end();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert_eq!(stdout.lines().count(), 1);
    let hasher = PasswordHasher::new();
    assert!(hasher.verify("correct horse battery", Some(hash)));
    assert!(!hasher.verify("correct horse battery\n", Some(hash)));
    // It is accepted by the users file as it is.
    let users = format!("[users.alice]\npassword = \"{hash}\"\n");
    assert!(authrs_server::users::Users::parse(&users, "users.toml".as_ref()).is_ok());
}

#[test]
fn hash_password_refuses_an_empty_password() {
    let dir = TempDir::new("hash-empty");
    for input in [&b""[..], b"\n"] {
        let (status, stdout, stderr) = run(authrs(dir.path(), &["hash-password"], &[]), input);
        assert_eq!(status.code(), Some(1));
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("refusing to hash an empty password"),
            "{stderr}"
        );
    }
}

#[test]
fn check_lists_every_problem_and_exits_non_zero() {
    let dir = TempDir::new("check-bad");
    dir.write("users.toml", "[users.bob]\npassword = \"hunter2\"\n");
    dir.write(
        "authrs.toml",
        "url = \"localhost:3000\"\n\
         secret = \"short\"\n\
         colour = \"blue\"\n\
         database_url = \"mysql://root:hunter2@db/authrs\"\n\
         [session]\nmax_age = \"30x\"\n\
         [theme]\nbrand_color = \"red\"\n\
         [credentials]\nusers_file = \"users.toml\"\n",
    );
    let env = [("AUTHRS_COMPATIBILITY", "v6")];
    let (status, stdout, _) = run(authrs(dir.path(), &["check"], &env), b"");
    assert_eq!(status.code(), Some(1), "{stdout}");
    let expected = [
        "error: authrs.toml: colour: unknown key",
        "error: authrs.toml: url: invalid base URL \"localhost:3000\"",
        "error: authrs.toml: secret: secret number 1 has 5 bytes",
        "error: authrs.toml: session.max_age: invalid duration \"30x\"",
        "error: authrs.toml: theme.brand_color: invalid theme brand_color: \"red\"",
        "error: environment AUTHRS_COMPATIBILITY: unknown compatibility \"v6\"",
        "error: authrs.toml: database_url: unsupported database URL \"mysql://***@db/authrs\"",
        "error: authrs.toml: credentials.users_file: a users file needs session.strategy = \"jwt\"",
        "error: users.toml: users.bob.password: user \"bob\": the password is not an argon2id PHC hash",
        "9 problems found in authrs.toml and the environment",
    ];
    for line in expected {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("hunter2") && !stdout.contains("\"short\""),
        "{stdout}"
    );
    // Nothing was created.
    assert!(!dir.join("authrs-data").exists());
}

#[test]
fn check_accepts_a_good_configuration_and_writes_nothing() {
    let dir = TempDir::new("check-good");
    dir.write(
        "authrs.toml",
        "url = \"https://auth.example.com/api/auth\"\n",
    );
    let env = [("AUTHRS_SECRET", "0123456789abcdef0123456789abcdef")];
    let (status, stdout, _) = run(authrs(dir.path(), &["check"], &env), b"");
    assert!(status.success(), "{stdout}");
    assert!(
        stdout.starts_with("ok: checked authrs.toml and the environment"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: no database is configured: the SQLite database authrs-data/authrs.db will be used"),
        "{stdout}"
    );
    assert!(!dir.join("authrs-data").exists());
}

#[test]
fn check_warns_about_a_remote_postgres_server_without_verify_full() {
    let dir = TempDir::new("check-postgres-tls");
    for (url, warned) in [
        ("postgres://app:pw@db.example.com/app?sslmode=require", true),
        (
            "postgres://app:pw@db.example.com/app?sslmode=verify-ca",
            true,
        ),
        ("postgres://app:pw@db.example.com/app", false),
        (
            "postgres://app:pw@db.example.com/app?sslmode=verify-full&sslrootcert=system",
            false,
        ),
    ] {
        let env = [
            ("AUTHRS_SECRET", "0123456789abcdef0123456789abcdef"),
            ("AUTHRS_DATABASE_URL", url),
        ];
        let (status, stdout, _) = run(authrs(dir.path(), &["check"], &env), b"");
        assert!(status.success(), "{stdout}");
        let line = stdout
            .lines()
            .find(|line| line.contains("is on another machine and sslmode="));
        assert_eq!(line.is_some(), warned, "{url}: {stdout}");
        if let Some(line) = line {
            assert!(line.contains("use sslmode=verify-full"), "{line}");
            assert!(!line.contains(":pw@"), "{line}");
        }
    }
}

#[test]
fn check_reads_the_database_url_without_contacting_the_database() {
    let dir = TempDir::new("check-postgres");
    let env = [
        ("AUTHRS_SECRET", "0123456789abcdef0123456789abcdef"),
        // Nothing listens on port 1: `check` does not try.
        (
            "AUTHRS_DATABASE_URL",
            "postgres://authrs:hunter2@127.0.0.1:1/authrs",
        ),
    ];
    let (status, stdout, _) = run(authrs(dir.path(), &["check"], &env), b"");
    assert!(status.success(), "{stdout}");
    assert!(
        stdout.contains("note: database postgres://***@127.0.0.1:1/authrs (PostgreSQL): the URL is well-formed; the server was not contacted"),
        "{stdout}"
    );
    assert!(!stdout.contains("hunter2"), "{stdout}");
    // A server on this machine needs no TLS: no warning.
    assert!(!stdout.contains("sslmode"), "{stdout}");
    // The pool's bounds, as `serve` would use them.
    assert!(
        stdout.contains("note: PostgreSQL pool: 10 connections, acquire timeout 5s, statement timeout 5s, idle connections closed after 600s; start-up waits up to 30s for the database ([postgres])"),
        "{stdout}"
    );
    // And the session cache's.
    assert!(
        stdout.contains("note: session cache: up to 10000 sessions, each served for at most 60s unread; revocations reach every instance within 750 ms ([session])"),
        "{stdout}"
    );
    let (status, stdout, _) = run(
        authrs(
            dir.path(),
            &["check", "--database-url", "sqlite://a.db?mode=bogus"],
            &env,
        ),
        b"",
    );
    assert_eq!(status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error: --database-url: invalid database URL \"sqlite://a.db?mode=bogus\""),
        "{stdout}"
    );
}

#[test]
fn user_commands_manage_accounts_in_sqlite() {
    let dir = TempDir::new("user-sqlite");
    let url = format!("sqlite://{}/accounts.db?mode=rwc", dir.path().display());
    let env = [("AUTHRS_DATABASE_URL", url.as_str())];

    assert_eq!(user_command(dir.path(), &["list"], &env, b""), "no users\n");
    let added = user_command(
        dir.path(),
        &["add", " Ada@Example.COM ", "--name", "Ada Lovelace"],
        &env,
        b"analytical engine\n",
    );
    assert!(added.starts_with("added ada@example.com (id "), "{added}");
    user_command(
        dir.path(),
        &["add", "bob@example.com"],
        &env,
        b"difference engine\n",
    );

    let list = user_command(dir.path(), &["list"], &env, b"");
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    assert!(lines[0].starts_with("EMAIL") && lines[0].contains("NAME") && lines[0].ends_with("ID"));
    assert!(
        lines[1].starts_with("ada@example.com  Ada Lovelace  "),
        "{list}"
    );
    assert!(
        lines[2].starts_with("bob@example.com  -             "),
        "{list}"
    );
    assert!(!list.contains("argon2"), "{list}");

    // Refusals: exit status 1 and a message naming what is wrong.
    let refused = |args: &[&str], stdin: &[u8], needle: &str| {
        let mut all = vec!["user"];
        all.extend_from_slice(args);
        let (status, stdout, stderr) = run(authrs(dir.path(), &all, &env), stdin);
        assert_eq!(status.code(), Some(1), "{args:?}: {stdout}{stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: missing {needle:?} in {stderr}"
        );
        assert!(!stderr.contains("analytical"), "{stderr}");
    };
    refused(
        &["add", "ADA@example.com"],
        b"another password\n",
        "error: a user with the email address ada@example.com already exists",
    );
    refused(
        &["add", "carol@example.com"],
        b"short\n",
        "error: the password has 5 characters; at least 8 are required",
    );
    refused(
        &["add", "carol"],
        b"long enough password\n",
        "error: invalid email address \"carol\"",
    );
    refused(
        &["remove", "nobody@example.com"],
        b"",
        "error: no user has the email address nobody@example.com",
    );
    refused(
        &["set-password", "nobody@example.com"],
        b"long enough password\n",
        "error: no user has the email address nobody@example.com",
    );
    let stricter = [("AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH", "12"), env[0]];
    let (status, _, stderr) = run(
        authrs(dir.path(), &["user", "add", "carol@example.com"], &stricter),
        b"eleven char\n",
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("at least 12 are required"), "{stderr}");
    assert_eq!(
        user_command(dir.path(), &["list"], &env, b"")
            .lines()
            .count(),
        3
    );

    // The server signs the account in; set-password ends that session and the new password
    // works.
    let server = Server::start(dir.path(), &env);
    let mut client = Client::new(server.addr);
    let callback = client.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
    assert_eq!(callback.status, 200, "{}", callback.body);
    assert_eq!(client.session(BASE)["user"]["name"], "Ada Lovelace");
    let changed = user_command(
        dir.path(),
        &["set-password", "ada@example.com"],
        &env,
        b"poetical science\n",
    );
    assert_eq!(
        changed,
        "changed the password of ada@example.com; ended 1 database session\n"
    );
    client.until_signed_out(BASE);
    let mut client = Client::new(server.addr);
    assert_eq!(
        client
            .sign_in_with_email(BASE, "ada@example.com", "analytical engine")
            .status,
        401
    );
    assert_eq!(
        client
            .sign_in_with_email(BASE, "ada@example.com", "poetical science")
            .status,
        200
    );

    // Removing the account ends its sessions too.
    let removed = user_command(dir.path(), &["remove", "Ada@example.com"], &env, b"");
    assert!(
        removed.starts_with("removed ada@example.com (id "),
        "{removed}"
    );
    client.until_signed_out(BASE);
    let list = user_command(dir.path(), &["list"], &env, b"");
    assert!(
        !list.contains("ada@example.com") && list.contains("bob@example.com"),
        "{list}"
    );
}

#[test]
fn user_commands_use_the_embedded_database_by_default() {
    let dir = TempDir::new("user-default");
    user_command(
        dir.path(),
        &["add", "ada@example.com"],
        &[],
        b"analytical engine\n",
    );
    assert!(dir.join("authrs-data/authrs.db").is_file());
    // A database with users gets no demo account.
    let server = Server::start(dir.path(), &[]);
    assert!(!server.log().contains("demo account"), "{}", server.log());
    assert!(!dir.join("authrs-data/demo-password").exists());
    let mut client = Client::new(server.addr);
    let callback = client.sign_in_with_email(BASE, "ada@example.com", "analytical engine");
    assert_eq!(callback.status, 200, "{}", callback.body);
}

#[test]
fn help_documents_serve_as_the_default_and_the_environment() {
    let dir = TempDir::new("help");
    let (status, stdout, _) = run(authrs(dir.path(), &["--help"], &[]), b"");
    assert!(status.success());
    for needle in [
        "serve",
        "check",
        "hash-password",
        "user",
        "With no command, `authrs` runs `serve`",
        "AUTHRS_SECRET",
        "AUTHRS_DATABASE_URL",
        "AUTHRS_SESSION_STRATEGY",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?}:\n{stdout}");
    }
}
