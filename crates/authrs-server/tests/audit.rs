//! Security events of the real binary (issue 16 §4): each flow leaves its row in
//! `audit_events`, on SQLite and on PostgreSQL, with the user, the provider, the client's
//! network and user agent; a failure for an address without an account leaves none; the
//! user reads theirs at `GET /account/events`.
//!
//! The PostgreSQL half creates a database of its own on the server named by
//! `AUTHRS_TEST_POSTGRES_URL` (`scripts/test` starts a throwaway one) and fails, never skips,
//! without it.

mod support;

use std::time::{Duration, Instant};

use authrs_test_support::form_encode;
use authrs_test_support::postgres::PostgresDatabase;
use support::{Client, Server, TempDir, user_command};

const BASE: &str = "/api/auth";
const SECRET: &str = "0123456789abcdef0123456789abcdef-audit-events";
const PASSWORD: &str = "analytical engine";

/// One stored row: `kind, user_id, provider, client_network`.
type Row = (String, Option<String>, Option<String>, Option<String>);

/// The rows of `audit_events` in the order they were stored.
fn rows(database_url: &str) -> Vec<Row> {
    const QUERY: &str =
        "SELECT kind, user_id, provider, client_network FROM audit_events ORDER BY id";
    support::query_rows(database_url, QUERY)
}

/// The rows once there are `count` of them (a failed password's event is written in the
/// background, after the answer).
fn rows_when(database_url: &str, count: usize) -> Vec<Row> {
    let started = Instant::now();
    loop {
        let rows = rows(database_url);
        if rows.len() >= count || started.elapsed() > Duration::from_secs(10) {
            return rows;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A form POST to an account route with the CSRF token and `json=true`.
fn post_account(client: &mut Client, route: &str, fields: &[(&str, &str)]) -> support::Response {
    let token = client.csrf_token(BASE);
    let mut form = format!("csrfToken={token}&json=true");
    for (name, value) in fields {
        form.push_str(&format!("&{name}={}", form_encode(value)));
    }
    client.post_form(&format!("{BASE}/account/{route}"), &form)
}

/// Runs the flows against a server on `database_url` and checks the rows they left.
fn every_flow_leaves_its_row(database_url: &str, dir: &TempDir) {
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database_url),
    ];
    user_command(
        dir.path(),
        &["add", "ada@example.com", "--name", "Ada"],
        &env,
        format!("{PASSWORD}\n").as_bytes(),
    );
    let server = Server::start(dir.path(), &env);

    let mut ada = Client::new(server.addr);
    assert_eq!(
        ada.sign_in_with_email(BASE, "ada@example.com", PASSWORD)
            .status,
        200
    );
    let profile = ada.get(&format!("{BASE}/account/profile")).json();
    let user_id = profile["user"]["id"].as_str().unwrap().to_owned();

    let mut guesser = Client::new(server.addr);
    let wrong = guesser.sign_in_with_email(BASE, "ada@example.com", "difference engine");
    assert_eq!(wrong.status, 401);
    let made_up = guesser.sign_in_with_email(BASE, "nobody@example.com", "difference engine");
    assert_eq!(made_up.status, 401);
    // Wait for the background write of Ada's failure before the next event, so the order
    // below is the order of the flows.
    assert_eq!(rows_when(database_url, 3).len(), 3);

    let changed = post_account(
        &mut ada,
        "change-password",
        &[
            ("currentPassword", PASSWORD),
            ("newPassword", "a new long password"),
        ],
    );
    assert_eq!(changed.status, 200, "{}", changed.body);
    let mut again = Client::new(server.addr);
    assert_eq!(
        again
            .sign_in_with_email(BASE, "ada@example.com", "a new long password")
            .status,
        200
    );
    let renamed = post_account(&mut again, "profile", &[("name", "Ada L.")]);
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(again.sign_out(BASE).status, 200);

    let rows = rows_when(database_url, 7);
    let kinds: Vec<&str> = rows.iter().map(|row| row.0.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "account_created",
            "sign_in",
            "sign_in_failed",
            "password_changed",
            "sign_in",
            "profile_updated",
            "sign_out"
        ],
        "{rows:?}"
    );
    // `authrs user add` has no client.
    assert_eq!(rows[0].3, None);
    for (kind, user, provider, network) in &rows[1..] {
        assert_eq!(user.as_deref(), Some(user_id.as_str()), "{kind}: Ada's");
        assert_eq!(network.as_deref(), Some("127.0.0.0/24"), "{kind}");
        let expected = matches!(kind.as_str(), "sign_in" | "sign_in_failed");
        assert_eq!(
            provider.as_deref(),
            expected.then_some("email-password"),
            "{kind}"
        );
    }

    // Ada reads hers, the latest first.
    let mut reader = Client::new(server.addr);
    reader.sign_in_with_email(BASE, "ada@example.com", "a new long password");
    let events = reader.get(&format!("{BASE}/account/events")).json();
    let listed: Vec<&str> = (events["events"].as_array().unwrap().iter())
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(listed[..3], ["sign_in", "sign_out", "profile_updated"]);

    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
    assert!(
        log.contains("authrs::audit") && log.contains(r#"event="sign_in_failed""#),
        "the events are in the log too: {log}"
    );

    // An operator's change is the user's event too.
    user_command(
        dir.path(),
        &["set-password", "ada@example.com"],
        &env,
        b"an operator's new password\n",
    );
    let last = self::rows(database_url).pop().unwrap();
    assert_eq!(
        last,
        ("password_changed".to_owned(), Some(user_id), None, None)
    );
}

#[test]
fn every_flow_leaves_its_audit_row_on_sqlite() {
    let dir = TempDir::new("audit-sqlite");
    let url = format!("sqlite://{}?mode=rwc", dir.join("audit.db").display());
    every_flow_leaves_its_row(&url, &dir);
}

#[test]
fn every_flow_leaves_its_audit_row_on_postgres() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("audit-postgres");
    every_flow_leaves_its_row(&database.url, &dir);
}
