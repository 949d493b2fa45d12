//! Providers of one's own in the server's configuration: two OpenID Connect providers side by
//! side (two real `oidc-provider` instances), each with its own callback, and a plain OAuth 2.0
//! provider from explicit endpoints and a profile map; the settings read from a file and the
//! environment, and the problems a bad one causes.

mod support;

use std::sync::Arc;

use authrs_core::adapter::MemoryAdapter;
use authrs_core::password::PasswordHasher;
use authrs_core::ratelimit::MemoryLimitStore;
use authrs_server::config::{ConfigFile, Env, LoadOptions, load_config};
use authrs_test_support::oidc::{self, OidcAccount, OidcClient, OidcProvider};
use authrs_test_support::{EngineClient, TEST_SECRET};
use serde_json::Value;
use support::TempDir;

const SITE: &str = "http://localhost:3000";
const SECRET: &str = "client-secret-0123456789-0123456789";

fn client(id: &str, callbacks: &[&str]) -> OidcClient {
    OidcClient {
        client_id: id.into(),
        client_secret: SECRET.into(),
        redirect_uris: callbacks
            .iter()
            .map(|p| format!("{SITE}/api/auth/callback/{p}"))
            .collect(),
        token_endpoint_auth_method: "client_secret_basic".into(),
    }
}

fn account(id: &str, email: &str) -> OidcAccount {
    OidcAccount {
        id: id.into(),
        email: email.into(),
        email_verified: true,
        name: format!("{id} of {email}"),
        picture: None,
    }
}

/// The engine the server would build from `toml` (and `env`).
fn engine(toml: &str, env: &[(&str, &str)]) -> authrs_core::Auth {
    let dir = TempDir::new("custom-providers");
    let file = dir.write("authrs.toml", toml);
    let options = LoadOptions {
        config_file: ConfigFile::At(file),
        bind: None,
        database_url: None,
    };
    let settings = load_config(&options, &Env::from_pairs(env.iter().copied()))
        .unwrap_or_else(|problems| panic!("{problems:?}"));
    settings
        .engine_builder(
            &format!("{SITE}/api/auth"),
            Arc::new(MemoryAdapter::new()),
            Arc::new(MemoryLimitStore::default()),
            Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap()),
        )
        .unwrap()
        .secret(TEST_SECRET)
        .build()
        .unwrap()
}

/// Signs in through `provider` at `idp` as `login`; the session's email.
async fn sign_in(
    idp: &OidcProvider,
    auth: &authrs_core::Auth,
    provider: &str,
    login: &str,
) -> String {
    let mut browser = EngineClient::new(auth.clone());
    let answer = idp.sign_in(&mut browser, provider, login, "/").await;
    assert!(
        answer.sets_session_cookie(),
        "{provider}: {} {:?} {}",
        answer.status,
        answer.redirect_url(),
        answer.text()
    );
    let session = browser.session().await;
    session["user"]["email"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn two_openid_providers_of_ones_own_side_by_side_and_a_plain_oauth2_one() {
    let acme = OidcProvider::start(
        &[client("acme-client", &["acme"])],
        &[account("ada", "ada@acme.example")],
    )
    .await;
    let globex = OidcProvider::start(
        &[client("globex-client", &["globex", "plain"])],
        &[
            account("grace", "grace@globex.example"),
            account("hugo", "hugo@globex.example"),
        ],
    )
    .await;
    let (status, discovery) = oidc::get(&format!(
        "{}/.well-known/openid-configuration",
        globex.issuer()
    ))
    .await;
    assert_eq!(status, 200);
    let discovery: Value = serde_json::from_str(&discovery).unwrap();
    let toml = format!(
        r#"
[providers.acme]
type = "oidc"
name = "ACME SSO"
issuer = "{acme}"
client_id = "acme-client"
client_secret = "{SECRET}"

[providers.globex]
type = "oidc"
name = "Globex"
issuer = "{globex}"
client_id = "globex-client"

[providers.plain]
type = "oauth2"
name = "Globex (OAuth 2.0)"
# It returns `iss` with the code (RFC 9207): the issuer it must name.
issuer = "{globex}"
authorization_url = "{authorization}"
token_url = "{token}"
userinfo_url = "{userinfo}"
scope = "openid email"
profile_id = ["/sub"]
profile_email = ["/email"]
profile_email_verified = ["/email_verified"]
client_id = "globex-client"
client_secret = "{SECRET}"
"#,
        acme = acme.issuer(),
        globex = globex.issuer(),
        authorization = discovery["authorization_endpoint"].as_str().unwrap(),
        token = discovery["token_endpoint"].as_str().unwrap(),
        userinfo = discovery["userinfo_endpoint"].as_str().unwrap(),
    );
    // One secret from the environment, as a deployment keeps it.
    let auth = engine(&toml, &[("AUTHRS_PROVIDERS_GLOBEX_CLIENT_SECRET", SECRET)]);

    let providers = EngineClient::new(auth.clone())
        .get("/api/auth/providers")
        .await
        .json();
    assert_eq!(providers["acme"]["name"], "ACME SSO");
    assert_eq!(providers["acme"]["type"], "oidc");
    assert_eq!(
        providers["globex"]["callbackUrl"],
        format!("{SITE}/api/auth/callback/globex")
    );
    assert_eq!(providers["plain"]["type"], "oauth");

    assert_eq!(
        sign_in(&acme, &auth, "acme", "ada").await,
        "ada@acme.example"
    );
    assert_eq!(
        sign_in(&globex, &auth, "globex", "grace").await,
        "grace@globex.example"
    );
    // Another person: the same address through a second provider is not linked by itself.
    assert_eq!(
        sign_in(&globex, &auth, "plain", "hugo").await,
        "hugo@globex.example"
    );

    // Discovery, as the server logs it at start: nothing secret in it.
    let endpoints = auth.provider_endpoints().await;
    let ids: Vec<&str> = endpoints.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["acme", "globex", "plain"]);
    let acme_endpoints = endpoints[0].1.as_ref().unwrap();
    assert_eq!(acme_endpoints.issuer.as_deref(), Some(acme.issuer()));
    assert!(!format!("{endpoints:?}").contains(SECRET));
}

#[test]
fn a_bad_provider_of_ones_own_is_named_with_its_key() {
    let problems = |toml: &str| -> Vec<String> {
        let dir = TempDir::new("custom-providers-bad");
        let file = dir.write("authrs.toml", toml);
        let options = LoadOptions {
            config_file: ConfigFile::At(file),
            bind: None,
            database_url: None,
        };
        load_config(
            &options,
            &Env::from_pairs(std::iter::empty::<(&str, &str)>()),
        )
        .expect_err("expected problems")
        .iter()
        .map(ToString::to_string)
        .collect()
    };
    let found =
        problems("[providers.acme]\ntype = \"oidc\"\nclient_id = \"x\"\nclient_secret = \"y\"\n");
    assert!(
        found[0].contains("providers.acme (type = oidc) needs issuer"),
        "{found:?}"
    );
    let found = problems(
        "[providers.acme]\ntype = \"oidc\"\nissuer = \"http://sso.acme.example\"\nclient_id = \"x\"\nclient_secret = \"y\"\n",
    );
    assert!(found[0].contains("must be https"), "{found:?}");
    let found =
        problems("[providers.acme]\ntype = \"saml\"\nissuer = \"https://sso.acme.example\"\n");
    assert!(
        found[0].contains("unknown provider type \"saml\""),
        "{found:?}"
    );
    let found = problems(
        "[providers.plain]\ntype = \"oauth2\"\nauthorization_url = \"https://a.example/auth\"\ntoken_url = \"https://a.example/token\"\nuserinfo_url = \"https://a.example/me\"\nclient_id = \"x\"\nclient_secret = \"y\"\n",
    );
    assert!(found[0].contains("needs profile_id"), "{found:?}");
    let found = problems(
        "[providers.acme]\ntype = \"oidc\"\nissuer = \"https://sso.acme.example\"\nclient_id = \"x\"\nclient_secret = \"y\"\nchecks = [\"nonce\"]\n",
    );
    assert!(found[0].contains("pkce (or state and nonce)"), "{found:?}");
    let found = problems(
        "[providers.github]\nclient_id = \"x\"\nclient_secret = \"y\"\nauthorization_url = \"https://evil.example\"\n",
    );
    assert!(
        found[0].contains("is for providers of your own"),
        "{found:?}"
    );
    let oidc = "type = \"oidc\"\nissuer = \"https://sso.acme.example\"\nclient_id = \"x\"\nclient_secret = \"y\"\n";
    for (extra, expected) in [
        ("scope = \"email profile\"\n", "scope must include openid"),
        ("name = \"\"\n", "providers.acme.name is empty"),
        ("profile_email = [\"email\"]\n", "is not a JSON pointer"),
        ("checks = [\"state\"]\n", "pkce (or state and nonce)"),
    ] {
        let found = problems(&format!("[providers.acme]\n{oidc}{extra}"));
        assert!(found[0].contains(expected), "{extra}: {found:?}");
    }
    // Another issuer under a preset's id would sign in as that preset's users.
    let found = problems(&format!("[providers.github]\n{oidc}"));
    assert!(found[0].contains("github is a preset's id"), "{found:?}");
    // The secret is never shown.
    assert!(found.iter().all(|p| !p.contains("\"y\"")));
}
