//! The OAuth 2.0 / OpenID Connect client side of the flow: discovery and JWKS (cached), the
//! check cookies, the token exchange, ID-token validation, userinfo, and the profile mapping.
//!
//! Rules (RFC 9700, OIDC Core, `../shared/spec/security.md`):
//! 1. **Checks are bound and required.** State, PKCE verifier and nonce each live in their own
//!    encrypted cookie (15 minutes) that names the provider, its issuer, the client id and the
//!    redirect URI; a cookie minted for another provider does not count (CVE-2026-73419). A
//!    callback must carry every check its provider uses: a missing cookie or parameter fails
//!    (CVE-2023-27490). The cookies are encrypted with a key of their own and carry a `typ`,
//!    so one is never accepted as a session (CVE-2023-48309), nor a session as one.
//! 2. **RFC 9207.** An `iss` on the callback must equal the issuer; when the provider
//!    advertises `authorization_response_iss_parameter_supported`, it must be there.
//! 3. **ID tokens are validated fully**: signature with a key from the provider's JWKS, `alg`
//!    from the provider's allow-list (`none` and HMAC never), `iss`, `aud` (and `azp` when
//!    there are several audiences), `exp`, `iat` and `nbf` with 10 seconds of skew, and
//!    `nonce`. An unknown `kid` refetches the set at once, so a genuine key rotation never
//!    fails a sign-in; a `kid` that the fresh set did not contain is then refused without
//!    another fetch for a minute (at most 64 remembered per set), so repeating it costs the
//!    provider nothing.
//! 4. **Discovery is checked**: the document's `issuer` must equal the configured issuer. It is
//!    cached for an hour; the JWKS likewise.
//! 5. Provider error texts are logged, never shown: clients see NextAuth's codes.
//! 6. **Token refresh is single-flight.** For providers with `refresh_access_token`, a session
//!    read that finds the account's access token expiring within a minute refreshes it under
//!    a per-account lock, then re-reads: of many concurrent reads one asks the provider, the
//!    others find the new tokens. The rotated tokens replace the old in one `update_account`
//!    statement. A failed refresh is logged and leaves the session alone. (The lock is per
//!    process: instances sharing a database may each refresh once.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::adapter::{Adapter, AdapterAccount};
use crate::http::SharedHttp;
use crate::jwt::{Claims, TokenCodec};
use crate::providers::oauth::{ClientAuth, OAuthKind, OAuthProvider};
use crate::secret::{constant_time_eq, random_bytes};

/// How long discovery documents and key sets are kept.
const CACHE_FOR_MS: u64 = 60 * 60 * 1000;
/// How long a `kid` that a freshly fetched key set did not contain is refused without
/// another fetch.
const MISSING_KID_FOR_MS: u64 = 60 * 1000;
/// How many such `kid`s are remembered per key set (the oldest goes first).
const MISSING_KIDS: usize = 64;
/// Clock skew allowed on `exp`, `iat` and `nbf`.
pub(crate) const SKEW_SECS: u64 = 10;
/// How long a check cookie lives.
pub(crate) const CHECK_MAX_AGE_SECS: u64 = 15 * 60;
/// Largest provider response accepted, in bytes.
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Why a step of the flow failed; the text goes to the log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The provider could not be reached or answered badly.
    #[error("{0}")]
    Provider(String),
    /// A check (state, PKCE, nonce, iss) or the ID token failed.
    #[error("{0}")]
    Check(String),
}

fn provider_error(message: impl Into<String>) -> OAuthError {
    OAuthError::Provider(message.into())
}

fn check_error(message: impl Into<String>) -> OAuthError {
    OAuthError::Check(message.into())
}

/// The rule for every URL of a provider, configured or discovered: absolute `https`, or plain
/// `http` to a loopback host only (the client secret, codes and tokens travel to it, and its
/// key set decides which ID tokens are believed); no user name or password in it; and for an
/// issuer no query or fragment. The reason names no part of the URL (it may hold a secret).
pub(crate) fn check_provider_url(url: &str, issuer: bool) -> Result<(), &'static str> {
    let parsed = url::Url::parse(url).map_err(|_| "is not an absolute URL")?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry a user name or password");
    }
    if issuer && (parsed.query().is_some() || parsed.fragment().is_some()) {
        return Err("must not have a query or a fragment");
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err("has no host"),
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err("must be https (plain http only to a loopback host)"),
        _ => Err("must be an https URL"),
    }
}

/// The endpoints of a provider, discovered or configured.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Metadata {
    #[serde(default)]
    pub(crate) issuer: Option<String>,
    pub(crate) authorization_endpoint: String,
    pub(crate) token_endpoint: String,
    #[serde(default)]
    pub(crate) userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub(crate) jwks_uri: Option<String>,
    #[serde(default)]
    pub(crate) authorization_response_iss_parameter_supported: bool,
}

/// Discovery documents and key sets, cached per engine.
#[derive(Default)]
pub(crate) struct Caches {
    metadata: Mutex<HashMap<String, (u64, Metadata)>>,
    jwks: Mutex<HashMap<String, (u64, Value)>>,
    /// Per key set URL: `kid`s a fresh fetch did not contain, with when (rule 3).
    missing_kids: Mutex<HashMap<String, std::collections::VecDeque<(String, u64)>>>,
}

/// The parts of a token response the flow uses.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct TokenSet {
    pub(crate) access_token: String,
    #[serde(default)]
    pub(crate) token_type: Option<String>,
    #[serde(default)]
    pub(crate) expires_in: Option<u64>,
    #[serde(default)]
    pub(crate) refresh_token: Option<String>,
    #[serde(default)]
    pub(crate) id_token: Option<String>,
    /// Text, or a list of scopes (Twitch), which becomes space-separated text.
    #[serde(default, deserialize_with = "scope_text")]
    pub(crate) scope: Option<String>,
    #[serde(default)]
    pub(crate) session_state: Option<String>,
}

fn scope_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    })
}

/// A user as the provider describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Profile {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) image: Option<String>,
}

/// The engine's OAuth state: the HTTP client, the caches, the check-cookie codec.
pub(crate) struct OAuthRuntime {
    pub(crate) http: SharedHttp,
    pub(crate) caches: Caches,
    pub(crate) checks: TokenCodec,
    /// One lock per account being refreshed (rule 6).
    pub(crate) refreshing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

async fn fetch_json(
    http: &SharedHttp,
    request: http::Request<Bytes>,
    what: &str,
) -> Result<Value, OAuthError> {
    let url = request.uri().to_string();
    let response = http
        .send(request)
        .await
        .map_err(|e| provider_error(format!("{what} request to {url} failed: {e}")))?;
    let status = response.status();
    let body = response.into_body();
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(provider_error(format!(
            "{what} response from {url} is too large"
        )));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|_| {
        provider_error(format!(
            "{what} response from {url} (status {status}) is not JSON: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    })?;
    if !status.is_success() {
        let error = value.get("error").and_then(Value::as_str).unwrap_or("?");
        let description = value
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("");
        return Err(provider_error(format!(
            "{what} at {url} answered {status}: {error} {description}"
        )));
    }
    Ok(value)
}

fn get(url: &str) -> Result<http::Request<Bytes>, OAuthError> {
    http::Request::get(url)
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, "authrs")
        .body(Bytes::new())
        .map_err(|e| provider_error(format!("bad URL {url}: {e}")))
}

impl OAuthRuntime {
    /// The provider's endpoints: configured ones over discovered ones (rule 4).
    pub(crate) async fn metadata(
        &self,
        provider: &OAuthProvider,
        now_ms: u64,
    ) -> Result<Metadata, OAuthError> {
        let configured = |authorization: Option<&String>, token: Option<&String>| Metadata {
            issuer: provider.issuer.clone(),
            authorization_endpoint: authorization.cloned().unwrap_or_default(),
            token_endpoint: token.cloned().unwrap_or_default(),
            userinfo_endpoint: provider.userinfo_url.clone(),
            jwks_uri: provider.jwks_url.clone(),
            authorization_response_iss_parameter_supported: false,
        };
        let Some(issuer) = provider
            .issuer
            .as_ref()
            .filter(|_| provider.kind == OAuthKind::Oidc)
        else {
            return Ok(configured(
                provider.authorization_url.as_ref(),
                provider.token_url.as_ref(),
            ));
        };
        let cached = {
            let cache = self
                .caches
                .metadata
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            cache
                .get(issuer)
                .filter(|(at, _)| now_ms.saturating_sub(*at) < CACHE_FOR_MS)
                .map(|(_, m)| m.clone())
        };
        let mut metadata = match cached {
            Some(metadata) => metadata,
            None => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    issuer.trim_end_matches('/')
                );
                let value = fetch_json(&self.http, get(&url)?, "discovery").await?;
                let metadata: Metadata = serde_json::from_value(value)
                    .map_err(|e| provider_error(format!("discovery document of {issuer}: {e}")))?;
                // A document may not send the secret, the code or the key set over plain
                // http, wherever the issuer itself is.
                let discovered = [
                    (
                        "authorization_endpoint",
                        Some(&metadata.authorization_endpoint),
                    ),
                    ("token_endpoint", Some(&metadata.token_endpoint)),
                    ("userinfo_endpoint", metadata.userinfo_endpoint.as_ref()),
                    ("jwks_uri", metadata.jwks_uri.as_ref()),
                ];
                for (name, url) in discovered {
                    if let Some(url) = url
                        && let Err(reason) = check_provider_url(url, false)
                    {
                        return Err(provider_error(format!(
                            "discovery document of {issuer}: its {name} {reason}"
                        )));
                    }
                }
                // Some issuers end in `/` (Auth0) and some configurations leave it off; the
                // discovered value, exact, is what `iss` claims and parameters must equal.
                if metadata.issuer.as_deref().map(|i| i.trim_end_matches('/'))
                    != Some(issuer.trim_end_matches('/'))
                {
                    return Err(provider_error(format!(
                        "discovery document of {issuer} names another issuer: {:?}",
                        metadata.issuer
                    )));
                }
                self.caches
                    .metadata
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(issuer.clone(), (now_ms, metadata.clone()));
                metadata
            }
        };
        if let Some(url) = &provider.authorization_url {
            metadata.authorization_endpoint = url.clone();
        }
        if let Some(url) = &provider.token_url {
            metadata.token_endpoint = url.clone();
        }
        if provider.userinfo_url.is_some() {
            metadata.userinfo_endpoint = provider.userinfo_url.clone();
        }
        if provider.jwks_url.is_some() {
            metadata.jwks_uri = provider.jwks_url.clone();
        }
        Ok(metadata)
    }

    /// The key set at `url`, cached for an hour.
    async fn cached_jwks(&self, url: &str, now_ms: u64) -> Result<Value, OAuthError> {
        let cached = {
            let cache = self.caches.jwks.lock().unwrap_or_else(|e| e.into_inner());
            cache.get(url).cloned()
        };
        if let Some((at, set)) = cached
            && now_ms.saturating_sub(at) < CACHE_FOR_MS
        {
            return Ok(set);
        }
        self.fetch_jwks(url, now_ms).await
    }

    /// The key set at `url`, fetched now.
    async fn fetch_jwks(&self, url: &str, now_ms: u64) -> Result<Value, OAuthError> {
        let set = fetch_json(&self.http, get(url)?, "JWKS").await?;
        self.caches
            .jwks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(url.to_owned(), (now_ms, set.clone()));
        Ok(set)
    }

    /// Whether a fresh fetch of the set at `url` lately lacked `kid` (rule 3).
    fn kid_known_missing(&self, url: &str, kid: &str, now_ms: u64) -> bool {
        let missing = self
            .caches
            .missing_kids
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        missing.get(url).is_some_and(|kids| {
            kids.iter()
                .any(|(k, at)| k == kid && now_ms.saturating_sub(*at) < MISSING_KID_FOR_MS)
        })
    }

    /// Remembers that the set at `url`, fetched now, lacked `kid`.
    fn remember_missing_kid(&self, url: &str, kid: &str, now_ms: u64) {
        let mut missing = self
            .caches
            .missing_kids
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let kids = missing.entry(url.to_owned()).or_default();
        kids.retain(|(k, at)| k != kid && now_ms.saturating_sub(*at) < MISSING_KID_FOR_MS);
        if kids.len() >= MISSING_KIDS {
            kids.pop_front();
        }
        kids.push_back((kid.to_owned(), now_ms));
    }

    /// Exchanges the authorization code (with the PKCE verifier) for tokens.
    pub(crate) async fn exchange_code(
        &self,
        provider: &OAuthProvider,
        metadata: &Metadata,
        code: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<TokenSet, OAuthError> {
        // In a block: the serializer is not `Send`, and must not live across an `.await`.
        let request = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "authorization_code")
                .append_pair("code", code)
                .append_pair("redirect_uri", redirect_uri);
            if let Some(verifier) = verifier {
                form.append_pair("code_verifier", verifier);
            }
            token_request(provider, &metadata.token_endpoint, form)?
        };
        let value = fetch_json(&self.http, request, "token").await?;
        serde_json::from_value(value)
            .map_err(|e| provider_error(format!("token response of {}: {e}", provider.id)))
    }

    /// The user's profile JSON: the validated ID token's claims (OIDC), or the userinfo
    /// response (OAuth 2.0), with the provider's email quirk applied.
    pub(crate) async fn profile_json(
        &self,
        provider: &OAuthProvider,
        metadata: &Metadata,
        tokens: &TokenSet,
        nonce: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, OAuthError> {
        let mut profile = match (provider.kind, &tokens.id_token) {
            (OAuthKind::Oidc, Some(id_token)) => {
                self.validate_id_token(provider, metadata, id_token, nonce, now_ms)
                    .await?
            }
            (OAuthKind::Oidc, None) => {
                return Err(check_error(format!(
                    "{}: the token response has no id_token",
                    provider.id
                )));
            }
            (OAuthKind::OAuth2, _) => {
                let url = metadata.userinfo_endpoint.as_deref().ok_or_else(|| {
                    provider_error(format!("{} has no userinfo endpoint", provider.id))
                })?;
                let request = self.bearer_get(provider, url, &tokens.access_token)?;
                fetch_json(&self.http, request, "userinfo").await?
            }
        };
        if let (Some(url), Value::Object(map)) = (&provider.quirks.emails_url, &mut profile) {
            let missing = map.get("email").is_none_or(|e| !e.is_string());
            if missing {
                let request = self.bearer_get(provider, url, &tokens.access_token)?;
                let emails = fetch_json(&self.http, request, "emails").await?;
                if let Some((email, verified)) = primary_email(&emails) {
                    map.insert("email".into(), Value::String(email));
                    map.insert("email_verified".into(), Value::Bool(verified));
                }
            }
        }
        Ok(profile)
    }

    fn bearer_get(
        &self,
        provider: &OAuthProvider,
        url: &str,
        access_token: &str,
    ) -> Result<http::Request<Bytes>, OAuthError> {
        let mut request = get(url)?;
        let headers = request.headers_mut();
        let bearer = format!("Bearer {access_token}");
        headers.insert(
            http::header::AUTHORIZATION,
            bearer
                .parse()
                .map_err(|_| provider_error("the access token is not a header value"))?,
        );
        for (name, value) in &provider.quirks.userinfo_headers {
            let value = value.replace("{client_id}", &provider.client_id);
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        Ok(request)
    }

    /// Rule 3.
    pub(crate) async fn validate_id_token(
        &self,
        provider: &OAuthProvider,
        metadata: &Metadata,
        id_token: &str,
        nonce: Option<&str>,
        now_ms: u64,
    ) -> Result<Value, OAuthError> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|e| check_error(format!("ID token header: {e}")))?;
        let alg = format!("{:?}", header.alg);
        let asymmetric = !alg.starts_with("HS");
        if !asymmetric || !provider.id_token_algorithms.contains(&alg) {
            return Err(check_error(format!(
                "ID token algorithm {alg} is not allowed"
            )));
        }
        let issuer = metadata
            .issuer
            .as_deref()
            .or(provider.issuer.as_deref())
            .ok_or_else(|| check_error("an ID token needs a configured issuer"))?;
        let jwks_url = metadata
            .jwks_uri
            .as_deref()
            .ok_or_else(|| provider_error(format!("{} has no jwks_uri", provider.id)))?;
        let set = self.cached_jwks(jwks_url, now_ms).await?;
        let mut jwk = find_key(&set, header.kid.as_deref(), &alg);
        let kid = header.kid.as_deref().unwrap_or_default();
        if jwk.is_none() && !self.kid_known_missing(jwks_url, kid, now_ms) {
            let set = self.fetch_jwks(jwks_url, now_ms).await?;
            jwk = find_key(&set, header.kid.as_deref(), &alg);
            if jwk.is_none() {
                self.remember_missing_kid(jwks_url, kid, now_ms);
            }
        }
        let jwk = jwk.ok_or_else(|| check_error("no key of the provider matches the ID token"))?;
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk)
            .map_err(|e| provider_error(format!("a JWKS key does not parse: {e}")))?;
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk)
            .map_err(|e| provider_error(format!("a JWKS key is not usable: {e}")))?;
        let mut validation = jsonwebtoken::Validation::new(header.alg);
        validation.leeway = SKEW_SECS;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[provider.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // jsonwebtoken would read the system clock; the engine's clock decides below instead.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<Value>(id_token, &key, &validation)
            .map_err(|e| check_error(format!("ID token rejected: {e}")))?;
        let claims = data.claims;
        let now = now_ms / 1000;
        let number = |name: &str| claims.get(name).and_then(Value::as_u64);
        match number("exp") {
            Some(exp) if exp + SKEW_SECS > now => {}
            _ => return Err(check_error("ID token expired")),
        }
        match number("iat") {
            Some(iat) if iat <= now + SKEW_SECS => {}
            _ => return Err(check_error("ID token issued in the future")),
        }
        // `nbf` is optional; when present it must be a number and not after now (with skew).
        match claims.get("nbf") {
            None => {}
            Some(nbf) => match nbf.as_u64() {
                Some(nbf) if nbf <= now + SKEW_SECS => {}
                _ => return Err(check_error("ID token not valid yet (nbf)")),
            },
        }
        let audiences = match claims.get("aud") {
            Some(Value::Array(audiences)) => audiences.len(),
            _ => 1,
        };
        if audiences > 1
            && claims.get("azp").and_then(Value::as_str) != Some(provider.client_id.as_str())
        {
            return Err(check_error(
                "ID token for several audiences without our azp",
            ));
        }
        if let Some(expected) = nonce {
            let got = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
            if !constant_time_eq(got.as_bytes(), expected.as_bytes()) {
                return Err(check_error("ID token nonce does not match"));
            }
        }
        Ok(claims)
    }
}

/// The token endpoint request with the client's authentication.
pub(crate) fn token_request(
    provider: &OAuthProvider,
    url: &str,
    mut form: url::form_urlencoded::Serializer<'_, String>,
) -> Result<http::Request<Bytes>, OAuthError> {
    let mut builder = http::Request::post(url)
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, "authrs")
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
    match provider.client_auth {
        ClientAuth::Basic => {
            // RFC 6749 §2.3.1: form-urlencode both before joining them.
            let encode = |s: &str| -> String {
                url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
            };
            let credentials = format!(
                "{}:{}",
                encode(&provider.client_id),
                encode(provider.client_secret.expose())
            );
            let basic = base64::engine::general_purpose::STANDARD.encode(credentials);
            builder = builder.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
        }
        ClientAuth::Post => {
            form.append_pair("client_id", &provider.client_id)
                .append_pair("client_secret", provider.client_secret.expose());
        }
    }
    builder
        .body(Bytes::from(form.finish()))
        .map_err(|e| provider_error(format!("bad token URL {url}: {e}")))
}

/// The key for `kid` (or the only key for `alg` when the token names none).
fn find_key(set: &Value, kid: Option<&str>, alg: &str) -> Option<Value> {
    let keys = set.get("keys")?.as_array()?;
    let usable = |key: &&Value| {
        key.get("use")
            .and_then(Value::as_str)
            .is_none_or(|u| u == "sig")
            && key
                .get("alg")
                .and_then(Value::as_str)
                .is_none_or(|a| a == alg)
    };
    match kid {
        Some(kid) => keys
            .iter()
            .filter(usable)
            .find(|key| key.get("kid").and_then(Value::as_str) == Some(kid))
            .cloned(),
        None => {
            let mut candidates = keys.iter().filter(usable);
            let first = candidates.next()?;
            candidates.next().is_none().then(|| first.clone())
        }
    }
}

/// GitHub's `/user/emails`: the primary verified address, else the first verified one, else
/// the primary one (unverified).
pub(crate) fn primary_email(emails: &Value) -> Option<(String, bool)> {
    let list = emails.as_array()?;
    let field = |e: &Value, name: &str| e.get(name).and_then(Value::as_bool).unwrap_or(false);
    let address = |e: &Value| e.get("email").and_then(Value::as_str).map(str::to_owned);
    list.iter()
        .find(|e| field(e, "primary") && field(e, "verified"))
        .or_else(|| list.iter().find(|e| field(e, "verified")))
        .and_then(|e| address(e).map(|a| (a, true)))
        .or_else(|| {
            list.iter()
                .find(|e| field(e, "primary"))
                .and_then(|e| address(e).map(|a| (a, false)))
        })
}

/// Maps profile JSON through the provider's [`crate::providers::oauth::ProfileMap`].
pub(crate) fn map_profile(provider: &OAuthProvider, json: &Value) -> Result<Profile, OAuthError> {
    let text = |pointers: &[String]| {
        pointers.iter().find_map(|p| match json.pointer(p) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let id = text(&provider.profile.id)
        .ok_or_else(|| provider_error(format!("{}: the profile has no id", provider.id)))?;
    let email_verified = provider.profile.email_verified.iter().any(|p| {
        matches!(json.pointer(p), Some(Value::Bool(true)))
            || matches!(json.pointer(p), Some(Value::String(s)) if s == "true")
    });
    Ok(Profile {
        id,
        name: text(&provider.profile.name),
        email: text(&provider.profile.email).map(|e| e.trim().to_lowercase()),
        email_verified,
        image: text(&provider.profile.image),
    })
}

/// Refresh the access token this long before it expires.
const REFRESH_AHEAD_SECS: i64 = 60;

fn refresh_due(account: &AdapterAccount, now_secs: u64) -> bool {
    let now = i64::try_from(now_secs).unwrap_or(i64::MAX);
    account.refresh_token.is_some()
        && account
            .expires_at
            .is_some_and(|expires| expires <= now + REFRESH_AHEAD_SECS)
}

impl OAuthRuntime {
    /// Rule 6, for every account of `user_id` at a provider that refreshes.
    pub(crate) async fn refresh_due_tokens(
        &self,
        refreshing: &[OAuthProvider],
        adapter: &dyn Adapter,
        user_id: &str,
        now_ms: u64,
    ) {
        if refreshing.is_empty() {
            return;
        }
        let accounts = match adapter.list_accounts(user_id).await {
            Ok(accounts) => accounts,
            Err(error) => {
                tracing::warn!(%error, "could not read accounts to refresh tokens");
                return;
            }
        };
        for account in accounts {
            let provider = refreshing.iter().find(|p| p.id == account.provider);
            let Some(provider) = provider.filter(|_| refresh_due(&account, now_ms / 1000)) else {
                continue;
            };
            if let Err(error) = self.refresh_one(provider, adapter, &account, now_ms).await {
                tracing::warn!(
                    provider = %provider.id,
                    user = %user_id,
                    error = error.to_string().as_str(),
                    "token refresh failed"
                );
            }
        }
    }

    async fn refresh_one(
        &self,
        provider: &OAuthProvider,
        adapter: &dyn Adapter,
        account: &AdapterAccount,
        now_ms: u64,
    ) -> Result<(), OAuthError> {
        let key = format!("{}\n{}", provider.id, account.provider_account_id);
        let lock = {
            let mut locks = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(locks.entry(key.clone()).or_default())
        };
        let result = async {
            let _one_at_a_time = lock.lock().await;
            // Another read may have refreshed while this one waited.
            let current = adapter
                .list_accounts(&account.user_id)
                .await
                .map_err(|e| provider_error(format!("reading the account: {e}")))?
                .into_iter()
                .find(|a| {
                    a.provider == account.provider
                        && a.provider_account_id == account.provider_account_id
                });
            let Some(current) = current.filter(|a| refresh_due(a, now_ms / 1000)) else {
                return Ok(());
            };
            let refresh_token = current.refresh_token.clone().unwrap_or_default();
            let metadata = self.metadata(provider, now_ms).await?;
            let request = {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("refresh_token", &refresh_token);
                token_request(provider, &metadata.token_endpoint, form)?
            };
            let value = fetch_json(&self.http, request, "refresh").await?;
            let tokens: TokenSet = serde_json::from_value(value)
                .map_err(|e| provider_error(format!("refresh response of {}: {e}", provider.id)))?;
            let refreshed = AdapterAccount {
                access_token: Some(tokens.access_token.clone()),
                expires_at: expires_at(&tokens, now_ms / 1000),
                // A provider that does not rotate keeps the old refresh token valid.
                refresh_token: tokens
                    .refresh_token
                    .clone()
                    .or(current.refresh_token.clone()),
                token_type: tokens.token_type.clone().or(current.token_type.clone()),
                scope: tokens.scope.clone().or(current.scope.clone()),
                id_token: tokens.id_token.clone().or(current.id_token.clone()),
                ..current
            };
            adapter
                .update_account(refreshed)
                .await
                .map_err(|e| provider_error(format!("storing the refreshed tokens: {e}")))?;
            tracing::info!(provider = %provider.id, "access token refreshed");
            Ok(())
        }
        .await;
        let mut locks = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        // Forget the lock once nobody else holds it.
        if Arc::strong_count(&lock) == 2 {
            locks.remove(&key);
        }
        result
    }
}

/// The three checks of one authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    State,
    Pkce,
    Nonce,
}

impl Check {
    fn typ(self) -> &'static str {
        match self {
            Self::State => "authrs.oauth.state",
            Self::Pkce => "authrs.oauth.pkce",
            Self::Nonce => "authrs.oauth.nonce",
        }
    }
}

/// What a check cookie is bound to (rule 1).
pub(crate) struct Binding<'a> {
    pub(crate) provider: &'a str,
    pub(crate) issuer: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) redirect_uri: &'a str,
}

/// 32 random bytes, base64url: a state, verifier or nonce.
pub(crate) fn random_value() -> String {
    B64.encode(random_bytes::<32>())
}

/// The S256 challenge of a PKCE verifier.
pub(crate) fn pkce_challenge(verifier: &str) -> String {
    use sha2::Digest as _;
    B64.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

impl OAuthRuntime {
    /// The encrypted cookie value of a check.
    pub(crate) fn seal_check(
        &self,
        check: Check,
        value: &str,
        binding: &Binding<'_>,
        now_secs: u64,
    ) -> String {
        let mut claims: Claims = Map::new();
        claims.insert("typ".into(), json!(check.typ()));
        claims.insert("value".into(), json!(value));
        claims.insert("provider".into(), json!(binding.provider));
        claims.insert("issuer".into(), json!(binding.issuer));
        claims.insert("client_id".into(), json!(binding.client_id));
        claims.insert("redirect_uri".into(), json!(binding.redirect_uri));
        self.checks
            .encode(&mut claims, now_secs, CHECK_MAX_AGE_SECS)
    }

    /// The value in a check cookie, if it decrypts, is unexpired, is of this kind and is
    /// bound to exactly this provider, issuer, client and redirect URI.
    pub(crate) fn open_check(
        &self,
        check: Check,
        cookie: &str,
        binding: &Binding<'_>,
        now_secs: u64,
    ) -> Option<String> {
        let claims = self.checks.decode(cookie, now_secs).ok()?;
        let field = |name: &str| claims.get(name).and_then(Value::as_str);
        let bound = field("typ") == Some(check.typ())
            && field("provider") == Some(binding.provider)
            && field("issuer") == Some(binding.issuer)
            && field("client_id") == Some(binding.client_id)
            && field("redirect_uri") == Some(binding.redirect_uri);
        bound.then(|| field("value").map(str::to_owned)).flatten()
    }
}

/// How long until an access token of `tokens` expires, as a Unix time (`expires_at`).
pub(crate) fn expires_at(tokens: &TokenSet, now_secs: u64) -> Option<i64> {
    tokens
        .expires_in
        .and_then(|secs| i64::try_from(now_secs.saturating_add(secs)).ok())
}

#[cfg(test)]
mod url_rule_tests {
    use super::check_provider_url;

    #[test]
    fn provider_urls_are_https_or_loopback_http_without_credentials() {
        for good in [
            "https://sso.example.com",
            "HTTPS://sso.example.com/realms/x",
            "http://localhost:8080/",
            "http://127.0.0.1:9000/auth",
            "http://[::1]:9000/auth",
        ] {
            assert_eq!(check_provider_url(good, true), Ok(()), "{good}");
        }
        for bad in [
            "http://sso.example.com",
            "http://localhost.evil.example",
            "http://127.0.0.1.nip.io",
            "http://localhost@evil.example",
            "ftp://sso.example.com",
            "https://user:pass@sso.example.com",
            "https://:pass@sso.example.com",
            "sso.example.com",
            "https://",
        ] {
            assert!(check_provider_url(bad, true).is_err(), "{bad}");
        }
        assert!(check_provider_url("https://sso.example.com/?x=1", true).is_err());
        assert!(check_provider_url("https://sso.example.com/#x", true).is_err());
        assert_eq!(
            check_provider_url("https://sso.example.com/auth?prompt=login", false),
            Ok(())
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_responses_take_scope_as_text_or_a_list() {
        let text: TokenSet =
            serde_json::from_value(json!({"access_token": "a", "scope": "openid email"})).unwrap();
        assert_eq!(text.scope.as_deref(), Some("openid email"));
        let list: TokenSet = serde_json::from_value(
            json!({"access_token": "a", "scope": ["openid", "user:read:email"]}),
        )
        .unwrap();
        assert_eq!(list.scope.as_deref(), Some("openid user:read:email"));
        let none: TokenSet = serde_json::from_value(json!({"access_token": "a"})).unwrap();
        assert_eq!(none.scope, None);
    }

    #[test]
    fn check_values_are_random_and_the_challenge_is_s256() {
        assert_ne!(random_value(), random_value());
        assert_eq!(random_value().len(), 43);
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
