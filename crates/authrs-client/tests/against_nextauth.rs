//! `AuthClient` against the real next-auth v4 server (NextAuth's API handler run by Node from
//! `tests/node-interop/nextauth-server.mjs`): the client speaks the protocol, not authrs.

use std::path::Path;

use authrs_client::{AuthClient, ClientError};
use authrs_core::ErrorCode;
use authrs_test_support::process::{ServerProcess, start_server};
use tokio::process::Command;

/// Starts the next-auth server; returns it (killed on drop) and its `/api/auth` URL.
async fn next_auth() -> (ServerProcess, String) {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/node-interop/nextauth-server.mjs");
    let (server, line) = start_server(
        Command::new("node").arg(&script),
        "next-auth (node tests/node-interop/nextauth-server.mjs)",
        "scripts/test installs node, and the npm packages of tests/node-interop",
    )
    .await;
    let line = line
        .unwrap_or_else(|| panic!("next-auth did not start (npm ci --prefix tests/node-interop?)"));
    let origin = line
        .strip_prefix("LISTENING ")
        .expect("a LISTENING line")
        .to_owned();
    (server, format!("{origin}/api/auth"))
}

#[tokio::test]
async fn the_client_api_against_the_real_next_auth_v4_server() {
    let (_server, base) = next_auth().await;
    let client = AuthClient::new(&base).unwrap();
    assert!(client.get_session().await.unwrap().is_none());
    let providers = client.get_providers().await.unwrap();
    assert_eq!(providers["credentials"].provider_type, "credentials");
    assert_eq!(client.get_csrf_token().await.unwrap().len(), 64);

    match client
        .sign_in_credentials(
            "credentials",
            &[("username", "alice"), ("password", "wrong")],
        )
        .await
    {
        Err(ClientError::Auth {
            code: ErrorCode::CredentialsSignin,
            ..
        }) => {}
        other => panic!("expected CredentialsSignin, got {other:?}"),
    }
    client
        .sign_in_credentials(
            "credentials",
            &[("username", "alice"), ("password", "wonderland")],
        )
        .await
        .unwrap();
    let session = client.get_session().await.unwrap().expect("signed in");
    assert_eq!(session.user.name.as_deref(), Some("Alice"));
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
    let updated = client.update_session(serde_json::json!({})).await.unwrap();
    assert!(updated.is_some());
    client
        .sign_out(authrs_client::SignOutOptions::default())
        .await
        .unwrap();
    assert!(client.get_session().await.unwrap().is_none());
}
