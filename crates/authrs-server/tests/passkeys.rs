//! Passkeys on the real binary (issue 15), on SQLite and on PostgreSQL: `[passkey] enabled`
//! turns the provider on; a signed-in user adds a passkey over HTTP as next-auth v5 does
//! (options, then the callback), its row in `authenticators` keeps Auth.js's columns, a
//! browser with no session signs in with it, the counter and last use are stored, and the
//! account routes list and delete it. The authenticator is `authrs-test-support`'s software
//! one.
//!
//! The PostgreSQL half creates a database of its own on the server named by
//! `AUTHRS_TEST_POSTGRES_URL` (`scripts/test` starts a throwaway one) and fails, never skips,
//! without it.

mod support;

use authrs_test_support::form_encode;
use authrs_test_support::postgres::PostgresDatabase;
use authrs_test_support::webauthn::SoftAuthenticator;
use support::{Client, Server, TempDir, user_command};

const BASE: &str = "/api/auth";
const SECRET: &str = "0123456789abcdef0123456789abcdef-passkeys";
const PASSWORD: &str = "analytical engine";

/// `credential_id, credential_public_key, counter, credential_device_type,
/// credential_backed_up, transports, last used`.
type Row = (String, String, i64, String, bool, Option<String>, bool);

fn authenticators(database_url: &str) -> Vec<Row> {
    const QUERY: &str = "SELECT credential_id, credential_public_key, counter, \
         credential_device_type, credential_backed_up, transports, last_used_at IS NOT NULL \
         FROM authenticators ORDER BY created_at";
    support::query_rows(database_url, QUERY)
}

/// The ceremony's answer, as a form with the CSRF token and `json=true`.
fn answer(client: &mut Client, action: &str, data: &serde_json::Value) -> support::Response {
    let token = client.csrf_token(BASE);
    let form = format!(
        "csrfToken={token}&json=true&action={action}&data={}",
        form_encode(&data.to_string())
    );
    client.post_form(&format!("{BASE}/callback/passkey"), &form)
}

fn a_passkey_is_added_stored_and_signs_in(database_url: &str, dir: &TempDir) {
    let env = [
        ("AUTHRS_SECRET", SECRET),
        ("AUTHRS_DATABASE_URL", database_url),
        ("AUTHRS_PASSKEY_ENABLED", "true"),
    ];
    user_command(
        dir.path(),
        &["add", "ada@example.com", "--name", "Ada"],
        &env,
        format!("{PASSWORD}\n").as_bytes(),
    );
    let server = Server::start(dir.path(), &env);
    let mut ada = Client::new(server.addr);
    let providers = ada.get(&format!("{BASE}/providers")).json();
    assert_eq!(providers["passkey"]["type"], "webauthn");
    // The origin the server derived, as the browser there would report it.
    let callback = providers["passkey"]["callbackUrl"].as_str().unwrap();
    let origin = callback.split(BASE).next().unwrap().to_owned();
    let mut phone = SoftAuthenticator::new(&origin);

    assert_eq!(
        ada.sign_in_with_email(BASE, "ada@example.com", PASSWORD)
            .status,
        200
    );
    let offered = ada.get(&format!("{BASE}/webauthn-options/passkey?action=register"));
    assert_eq!(offered.status, 200, "{}", offered.body);
    let response = phone.register(&offered.json()["options"]);
    let added = answer(&mut ada, "register", &response);
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(!added.json()["url"].as_str().unwrap().contains("error="));
    let rows = authenticators(database_url);
    assert_eq!(rows.len(), 1);
    let (id, key, counter, device_type, backed_up, transports, used) = rows[0].clone();
    // Auth.js's encodings: standard base64 with padding.
    assert!(id.ends_with('=') || id.len() % 4 == 0, "{id}");
    assert!(!id.contains('-') && !id.contains('_'), "{id}");
    assert!(key.len() > 40);
    assert_eq!(
        (
            counter,
            device_type.as_str(),
            backed_up,
            transports.as_deref(),
            used
        ),
        (0, "singleDevice", false, Some("internal"), false)
    );

    // Another browser, no session, no address.
    let mut later = Client::new(server.addr);
    let offered = later.get(&format!(
        "{BASE}/webauthn-options/passkey?action=authenticate"
    ));
    assert_eq!(offered.status, 200, "{}", offered.body);
    let response = phone.authenticate(&offered.json()["options"]);
    let signed = answer(&mut later, "authenticate", &response);
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(
        later.session(BASE)["user"]["email"].as_str(),
        Some("ada@example.com")
    );
    let rows = authenticators(database_url);
    assert_eq!((rows[0].2, rows[0].6), (1, true));
    // The same answer again: its challenge is spent.
    let replayed = answer(&mut later, "authenticate", &response);
    assert!(
        replayed.json()["url"]
            .as_str()
            .unwrap()
            .contains("error=WebAuthnVerificationError"),
        "{}",
        replayed.body
    );

    // Listed, and deleted (the password stays a way in).
    let listed = later.get(&format!("{BASE}/account/passkeys")).json();
    assert_eq!(listed[0]["credentialId"], id.as_str());
    let token = later.csrf_token(BASE);
    let deleted = later.post_form(
        &format!("{BASE}/account/passkey-delete"),
        &format!(
            "csrfToken={token}&json=true&credentialId={}",
            form_encode(&id)
        ),
    );
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert!(authenticators(database_url).is_empty());
    let (status, log) = server.terminate();
    assert!(status.success(), "{log}");
}

#[test]
fn a_passkey_is_added_stored_and_signs_in_on_sqlite() {
    let dir = TempDir::new("passkeys-sqlite");
    let url = format!("sqlite://{}?mode=rwc", dir.join("passkeys.db").display());
    a_passkey_is_added_stored_and_signs_in(&url, &dir);
}

#[test]
fn a_passkey_is_added_stored_and_signs_in_on_postgres() {
    let database = PostgresDatabase::create();
    let dir = TempDir::new("passkeys-postgres");
    a_passkey_is_added_stored_and_signs_in(&database.url, &dir);
}
