//! `authrs hash-password`, `authrs check` and `authrs --help`, run as a user would.

mod support;

use authrs_core::password::PasswordHasher;
use support::{TempDir, authrs, run};

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
        "error: users.toml: users.bob.password: user \"bob\": the password is not an argon2id PHC hash",
        "7 problems found in authrs.toml and the environment",
    ];
    for line in expected {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("hunter2") && !stdout.contains("\"short\""),
        "{stdout}"
    );
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
        stdout.contains("note: no users file is configured"),
        "{stdout}"
    );
    assert!(!dir.join("authrs-data").exists());
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
        "With no command, `authrs` runs `serve`",
        "AUTHRS_SECRET",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?}:\n{stdout}");
    }
}
