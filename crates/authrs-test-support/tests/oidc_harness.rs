//! The OpenID provider harness ([`authrs_test_support::oidc`]) works end to end: the real
//! oidc-provider starts, serves its discovery document, and an authorization request with
//! state, nonce and PKCE (S256) comes back to the client's redirect URI with a code, the state
//! and the issuer (RFC 9207), through the auto-consenting interaction.
//!
//! A request the provider refuses with an error page (an unknown client) makes `authorize`
//! fail with that page's body.
//!
//! It needs Node.js and `npm ci --prefix tests/oidc-provider` (scripts/test does both);
//! without them it fails rather than skips.

use authrs_test_support::oidc::{self, OidcAccount, OidcClient, OidcProvider};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::Digest as _;
use url::Url;

const REDIRECT_URI: &str = "http://localhost:3000/api/auth/callback/oidc";

fn test_client() -> OidcClient {
    OidcClient {
        client_id: "authrs-test".into(),
        client_secret: "authrs-test-secret-0123456789abcdef".into(),
        redirect_uris: vec![REDIRECT_URI.into()],
        token_endpoint_auth_method: "client_secret_basic".into(),
    }
}

fn test_account() -> OidcAccount {
    OidcAccount {
        id: "alice".into(),
        email: "alice@example.com".into(),
        email_verified: true,
        name: "Alice Example".into(),
        picture: Some("https://example.com/alice.png".into()),
    }
}

#[tokio::test]
async fn authorization_comes_back_to_the_client_with_code_state_and_iss() {
    let client = test_client();
    let provider = OidcProvider::start(std::slice::from_ref(&client), &[test_account()]).await;
    let issuer = provider.issuer().to_owned();
    assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");

    let (status, body) = oidc::get(&format!("{issuer}/.well-known/openid-configuration")).await;
    assert_eq!(status, 200, "discovery: {body}");
    let discovery: Value = serde_json::from_str(&body).expect("discovery is JSON");
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(
        discovery["authorization_response_iss_parameter_supported"],
        true
    );
    let authorization_endpoint = discovery["authorization_endpoint"]
        .as_str()
        .expect("authorization_endpoint");

    let state = "state-4f2a9c";
    let nonce = "nonce-8d1e7b";
    let verifier = "pkce-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let mut authorization_url = Url::parse(authorization_endpoint).expect("endpoint URL");
    authorization_url
        .query_pairs_mut()
        .append_pair("client_id", &client.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("scope", "openid email profile")
        .append_pair("state", state)
        .append_pair("nonce", nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");

    let redirect = provider.authorize(authorization_url.as_str()).await;
    assert!(redirect.starts_with(REDIRECT_URI), "{redirect}");
    let redirect = Url::parse(&redirect).expect("the redirect is a URL");
    let param = |name: &str| {
        redirect
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    assert!(
        param("code").is_some_and(|code| !code.is_empty()),
        "{redirect}"
    );
    assert_eq!(param("state").as_deref(), Some(state), "{redirect}");
    assert_eq!(param("iss").as_deref(), Some(issuer.as_str()), "{redirect}");
    assert_eq!(param("error"), None, "{redirect}");
}

#[tokio::test]
#[should_panic(expected = "invalid_client")]
async fn an_error_page_fails_with_its_body() {
    let provider = OidcProvider::start(&[test_client()], &[test_account()]).await;
    let url = format!(
        "{}/auth?client_id=unknown&response_type=code&scope=openid&redirect_uri={}",
        provider.issuer(),
        url::form_urlencoded::byte_serialize(REDIRECT_URI.as_bytes()).collect::<String>()
    );
    provider.authorize(&url).await;
}
