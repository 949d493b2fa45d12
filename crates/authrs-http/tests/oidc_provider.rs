//! OAuth and OpenID Connect end to end against a real OpenID provider: `oidc-provider` (npm,
//! a certified implementation) on loopback, reached through [`ReqwestClient`]. The engine
//! runs in-process; the provider's login and consent complete by themselves.

use std::sync::Arc;

use authrs_core::adapter::{Adapter, MemoryAdapter, NewUser, Timestamp};
use authrs_core::providers::{Checks, ClientAuth, OAuthProvider, ProfileMap};
use authrs_core::{Auth, SessionStrategy};
use authrs_http::ReqwestClient;
use authrs_test_support::oidc::{OidcAccount, OidcClient, OidcProvider};
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};

const SITE: &str = "http://localhost:3000";
const SECRET: &str = "client-secret-0123456789-0123456789";

fn client(id: &str, method: &str) -> OidcClient {
    OidcClient {
        client_id: id.into(),
        client_secret: SECRET.into(),
        redirect_uris: ["oidc", "plain", "second"]
            .iter()
            .map(|p| format!("{SITE}/api/auth/callback/{p}"))
            .collect(),
        token_endpoint_auth_method: method.into(),
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

async fn provider() -> OidcProvider {
    OidcProvider::start(
        &[
            client("authrs", "client_secret_basic"),
            client("authrs-post", "client_secret_post"),
        ],
        &[
            account("ada", "ada@example.com"),
            account("grace", "grace@example.com"),
        ],
    )
    .await
}

fn http() -> Arc<ReqwestClient> {
    Arc::new(ReqwestClient::new().unwrap())
}

fn oidc(idp: &OidcProvider) -> OAuthProvider {
    OAuthProvider::oidc("oidc", "Test IdP", idp.issuer(), "authrs", SECRET)
}

/// Signs in through `provider_id` as the IdP account `login`; returns the callback's answer.
async fn sign_in(
    idp: &OidcProvider,
    browser: &mut EngineClient,
    provider_id: &str,
    login: &str,
) -> Answer {
    idp.sign_in(browser, provider_id, login, "/dashboard").await
}

/// Where a sign-in that worked lands.
const DASHBOARD: &str = "http://localhost:3000/dashboard";

#[tokio::test]
async fn code_flow_with_pkce_and_nonce_and_jwt_sessions() {
    let idp = provider().await;
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .http_client(http())
        .provider(oidc(&idp))
        .build()
        .unwrap();
    assert_eq!(auth.session_strategy(), SessionStrategy::Jwt);
    let mut browser = EngineClient::new(auth);
    sign_in(&idp, &mut browser, "oidc", "ada")
        .await
        .assert_signed_in_to(DASHBOARD);
    let session = browser.session().await;
    assert_eq!(session["user"]["email"], "ada@example.com");
    assert_eq!(session["user"]["name"], "ada of ada@example.com");
}

#[tokio::test]
async fn code_flow_with_database_sessions_creates_links_and_refuses() {
    let idp = provider().await;
    let adapter = Arc::new(MemoryAdapter::new());
    // Someone already has Grace's address here, without a link to the IdP.
    adapter
        .create_user(NewUser {
            email: Some("grace@example.com".into()),
            email_verified: Some(Timestamp::from_millis(1)),
            ..NewUser::default()
        })
        .await
        .unwrap();
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .http_client(http())
        .adapter(adapter.clone())
        .provider(oidc(&idp))
        .provider(
            OAuthProvider::oidc("second", "Second", idp.issuer(), "authrs-post", SECRET)
                .client_auth(ClientAuth::Post),
        )
        .build()
        .unwrap();
    assert_eq!(auth.session_strategy(), SessionStrategy::Database);

    // Account creation.
    let mut ada = EngineClient::new(auth.clone());
    sign_in(&idp, &mut ada, "oidc", "ada")
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(ada.session().await["user"]["email"], "ada@example.com");
    let user = adapter
        .get_user_by_account("oidc", "ada")
        .await
        .unwrap()
        .unwrap();
    let accounts = adapter.list_accounts(&user.id).await.unwrap();
    assert!(accounts[0].access_token.is_some() && accounts[0].id_token.is_some());

    // Linking: signed in, Ada adds the second client's account (client_secret_post).
    sign_in(&idp, &mut ada, "second", "ada")
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(adapter.list_accounts(&user.id).await.unwrap().len(), 2);

    // OAuthAccountNotLinked: Grace's address belongs to a user who never linked this IdP.
    let mut grace = EngineClient::new(auth);
    let answer = sign_in(&idp, &mut grace, "oidc", "grace").await;
    assert_eq!(
        answer.header("location"),
        Some(format!("{SITE}/api/auth/error?error=OAuthAccountNotLinked").as_str())
    );
    assert_eq!(grace.session().await, serde_json::json!({}));
}

#[tokio::test]
async fn plain_oauth2_flow_using_the_userinfo_endpoint() {
    let idp = provider().await;
    let issuer = idp.issuer();
    let plain = OAuthProvider::oauth2(
        "plain",
        "Plain OAuth",
        format!("{issuer}/auth"),
        format!("{issuer}/token"),
        format!("{issuer}/me"),
        "authrs-post",
        SECRET,
        ProfileMap::new(
            &["/sub"],
            &["/name"],
            &["/email"],
            &["/email_verified"],
            &[],
        ),
    )
    .scope("openid email profile")
    .client_auth(ClientAuth::Post)
    .checks(Checks::PKCE_AND_STATE)
    // oidc-provider sends RFC 9207's `iss` on every authorization response.
    .issuer(issuer);
    let auth = Auth::builder()
        .url(format!("{SITE}/api/auth"))
        .secret(TEST_SECRET)
        .http_client(http())
        .provider(plain)
        .build()
        .unwrap();
    let mut browser = EngineClient::new(auth);
    sign_in(&idp, &mut browser, "plain", "grace")
        .await
        .assert_signed_in_to(DASHBOARD);
    assert_eq!(
        browser.session().await["user"]["email"],
        "grace@example.com"
    );
}
