//! A native Rust client for an authrs (or next-auth) server: the seed's client API
//! (`getSession`, `getProviders`, `getCsrfToken`, `signIn`, `signOut`, session update) over
//! HTTP, with its own cookie jar.
//!
//! ```no_run
//! # async fn example() -> Result<(), authrs_client::ClientError> {
//! let client = authrs_client::AuthClient::new("http://localhost:3000/api/auth")?;
//! client
//!     .sign_in_credentials("email-password", &[("email", "ada@example.com"), ("password", "…")])
//!     .await?;
//! if let Some(session) = client.get_session().await? {
//!     println!("signed in as {:?}", session.user.email);
//! }
//! client.sign_out(authrs_client::SignOutOptions::default()).await?;
//! # Ok(()) }
//! ```
//!
//! # Rules
//! 1. **Like the JavaScript clients on the wire.** Every state-changing call fetches a CSRF
//!    token first and posts a form with `csrfToken` and `json=true`, as next-auth's clients do,
//!    so the same calls work against authrs and against next-auth itself.
//! 2. **Errors are typed.** A refused sign-in is [`ClientError::Auth`] with the protocol's error
//!    code (`CredentialsSignin`, `AccessDenied`, …) read from the returned URL; a server that
//!    cannot be reached, answers 5xx or answers something else than the protocol is another
//!    variant. "No session" is `Ok(None)`, never an error.
//! 3. **One jar per client.** Cookies set by the server are kept (by name; deletions honoured)
//!    and sent back on every request. [`AuthClient::get_session_with_cookies`] reads the session
//!    of somebody else's cookies (the server-side `getSession({ req })`) without touching the
//!    jar.
//! 4. **Redirects are not followed**; the URL the server answers with is returned instead
//!    (OAuth sign-in returns the provider's authorization URL for the caller to visit).
//! 5. **It builds for `wasm32-unknown-unknown`**, where requests go through the browser's
//!    `fetch`: the browser keeps the cookies (same origin), so the jar stays empty, and the
//!    protocol's JSON answers need no redirect handling. There the base URL may be a path
//!    (`/api/auth`, as in the JavaScript clients), and [`AuthClient::sign_in`] and
//!    [`AuthClient::sign_out`] behave as next-auth's `signIn` and `signOut` do in a browser:
//!    they navigate unless `redirect` is off, and tell the app's other tabs through next-auth's
//!    `nextauth.message` storage event and `next-auth` broadcast channel (the `browser`
//!    module, on `wasm32` only).
#![forbid(unsafe_code)]

mod account;
#[cfg(target_arch = "wasm32")]
pub mod browser;
mod options;
#[cfg(target_arch = "wasm32")]
mod passkey;
pub mod state;

pub use account::{
    AccountEvent, AccountEvents, AccountProfile, AccountSession, AccountSessions, AccountUser,
    DeletionProof, LinkedAccount, SecondFactor, TwoFactorOffer, TwoFactorProof,
};
pub use options::{SignInOptions, SignInResponse, SignOutOptions};

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
#[cfg(not(target_arch = "wasm32"))]
use std::time::Duration;

pub use authrs_types::{ErrorCode, Session, SessionUser, seed};
use serde::Deserialize;
use serde_json::Value;

/// Why a call failed. `Clone`, so it can sit in a UI signal.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid base URL {0:?}")]
    InvalidBaseUrl(String),
    /// The server could not be reached or the request failed on the way.
    #[error("request to {url} failed: {reason}")]
    Http {
        /// The URL requested.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The server refused the action with one of the protocol's error codes.
    #[error("the server answered {code:?} ({url})")]
    Auth {
        /// The code, from the `error` parameter of the returned URL.
        code: ErrorCode,
        /// The URL the server returned.
        url: String,
    },
    /// The server answered with an unexpected status (a 5xx, or a 4xx with no error URL).
    #[error("{url} answered {status}: {body}")]
    Status {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The answer was not what the protocol says.
    #[error("unexpected answer from {url}: {reason}")]
    InvalidResponse {
        /// The URL requested.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The browser did not do its part of a passkey ceremony: the user cancelled it
    /// (`NotAllowedError`), the authenticator already holds a passkey for this account
    /// (`InvalidStateError`), or the browser has no passkeys.
    #[error("the browser refused the passkey ceremony: {0}")]
    Browser(String),
}

/// One provider from `/providers`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProviderInfo {
    /// The provider id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// `credentials`, `email`, `oauth` or `oidc`.
    #[serde(rename = "type")]
    pub provider_type: String,
    /// Where its sign-in starts.
    #[serde(rename = "signinUrl")]
    pub signin_url: String,
    /// Its callback URL.
    #[serde(rename = "callbackUrl")]
    pub callback_url: String,
}

/// A client for one auth server. Cheap to clone; clones share the cookie jar.
#[derive(Debug, Clone)]
pub struct AuthClient {
    http: reqwest::Client,
    base_url: String,
    jar: Arc<Mutex<BTreeMap<String, String>>>,
}

impl AuthClient {
    /// A client for the auth routes at `base_url` (e.g. `http://localhost:3000/api/auth`).
    /// In the browser a path (`/api/auth`) is taken relative to the page, as the JavaScript
    /// clients take their base path.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let parsed = absolute_url(base_url)
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| ClientError::InvalidBaseUrl(base_url.to_owned()))?;
        let http = http_client().map_err(|e| ClientError::Http {
            url: base_url.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            http,
            base_url: parsed.as_str().trim_end_matches('/').to_owned(),
            jar: Arc::default(),
        })
    }

    /// The `Cookie` header the client sends now.
    pub fn cookie_header(&self) -> String {
        let jar = self.jar.lock().unwrap_or_else(|e| e.into_inner());
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The absolute URL of the auth routes, with no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
        cookies: Option<&str>,
    ) -> Result<(u16, Option<String>, String), ClientError> {
        let cookie = match cookies {
            Some(cookies) => cookies.to_owned(),
            None => self.cookie_header(),
        };
        let request = if cookie.is_empty() {
            request
        } else {
            request.header(reqwest::header::COOKIE, cookie)
        };
        let response = request.send().await.map_err(|e| ClientError::Http {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        if cookies.is_none() {
            self.store(response.headers());
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.map_err(|e| ClientError::Http {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        Ok((status, location, body))
    }

    fn store(&self, headers: &reqwest::header::HeaderMap) {
        let mut jar = self.jar.lock().unwrap_or_else(|e| e.into_inner());
        for value in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let mut attributes = value.split(';');
            let Some((name, cookie)) = attributes.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let deleted = attributes.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            if deleted {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), cookie.trim().to_owned());
            }
        }
    }

    async fn get_json(&self, path: &str, cookies: Option<&str>) -> Result<Value, ClientError> {
        let url = self.url(path);
        let (status, _, body) = self.send(self.http.get(&url), &url, cookies).await?;
        if status >= 400 {
            return Err(status_error(&url, status, &body));
        }
        serde_json::from_str(&body).map_err(|e| ClientError::InvalidResponse {
            url,
            reason: format!("not JSON: {e}"),
        })
    }

    /// The session (`GET /session`), or `None` when signed out.
    pub async fn get_session(&self) -> Result<Option<Session>, ClientError> {
        let value = self.get_json("session", None).await?;
        session_from(&self.url("session"), value)
    }

    /// The session of another request's `Cookie` header (the server-side
    /// `getSession({ req })` of a backend beside the auth server); the jar is not used.
    pub async fn get_session_with_cookies(
        &self,
        cookie_header: &str,
    ) -> Result<Option<Session>, ClientError> {
        let value = self.get_json("session", Some(cookie_header)).await?;
        session_from(&self.url("session"), value)
    }

    /// The configured providers (`GET /providers`), by id.
    pub async fn get_providers(&self) -> Result<BTreeMap<String, ProviderInfo>, ClientError> {
        let url = self.url("providers");
        let value = self.get_json("providers", None).await?;
        serde_json::from_value(value).map_err(|e| ClientError::InvalidResponse {
            url,
            reason: e.to_string(),
        })
    }

    /// A CSRF token (`GET /csrf`); its cookie goes into the jar.
    pub async fn get_csrf_token(&self) -> Result<String, ClientError> {
        let url = self.url("csrf");
        let value = self.get_json("csrf", None).await?;
        value
            .get("csrfToken")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ClientError::InvalidResponse {
                url,
                reason: "no csrfToken".into(),
            })
    }

    /// Posts a form with a fresh CSRF token and `json=true`; returns the status and the `url`
    /// the server answered with. A 5xx is an error unless its URL names a protocol error.
    async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<(u16, String), ClientError> {
        let csrf = self.get_csrf_token().await?;
        let url = self.url(path);
        // The token and `json` are the client's own: a field of the same name is dropped, not
        // sent twice.
        let mut form: Vec<(&str, &str)> = fields
            .iter()
            .filter(|(name, _)| !matches!(*name, "csrfToken" | "json"))
            .copied()
            .collect();
        form.extend_from_slice(&[("csrfToken", &csrf), ("json", "true")]);
        let (status, location, body) = self
            .send(self.http.post(&url).form(&form), &url, None)
            .await?;
        let returned = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v.get("url").and_then(Value::as_str).map(str::to_owned))
            .or(location);
        match returned {
            Some(returned) if status < 500 || error_code(&returned).is_some() => {
                Ok((status, returned))
            }
            _ => Err(status_error(&url, status, &body)),
        }
    }

    /// Posts a form with a fresh CSRF token and `json=true`; returns the `url` the server
    /// answered with, or the protocol error in it.
    async fn post_action(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<String, ClientError> {
        let (_, returned) = self.post_form(path, fields).await?;
        match error_code(&returned) {
            Some(code) => Err(ClientError::Auth {
                code,
                url: returned,
            }),
            None => Ok(returned),
        }
    }

    /// Signs in through a credentials provider (`POST /callback/<provider>`) with its form
    /// fields; returns the URL to go to. A refusal is `ClientError::Auth` with
    /// `CredentialsSignin`.
    pub async fn sign_in_credentials(
        &self,
        provider: &str,
        fields: &[(&str, &str)],
    ) -> Result<String, ClientError> {
        self.post_action(&format!("callback/{provider}"), fields)
            .await
    }

    /// Asks the email provider for a sign-in mail (`POST /signin/<provider>`); returns the
    /// verify-request URL.
    pub async fn sign_in_email(&self, provider: &str, email: &str) -> Result<String, ClientError> {
        self.post_action(&format!("signin/{provider}"), &[("email", email)])
            .await
    }

    /// Starts an OAuth sign-in (`POST /signin/<provider>`); returns the provider's
    /// authorization URL for the user to visit. The check cookies are in the jar, so the
    /// callback must come back to this client.
    pub async fn sign_in_oauth(&self, provider: &str) -> Result<String, ClientError> {
        self.post_action(&format!("signin/{provider}"), &[]).await
    }

    /// Signs in with a passkey of the provider `provider` (`passkey` on authrs, as on Auth.js):
    /// in the browser, it offers the site's passkeys with no address asked
    /// (`navigator.credentials.get`), posts the answer, and returns the URL to go to; the other
    /// tabs are told. A passkey the server refuses is [`ClientError::Auth`] with
    /// `WebAuthnVerificationError`; a ceremony the user cancels is [`ClientError::Browser`], as
    /// is any call outside a browser (passkeys need one).
    pub async fn sign_in_passkey(&self, provider: &str) -> Result<String, ClientError> {
        let url = self.passkey(provider, false).await?;
        platform::broadcast(state::BroadcastTrigger::GetSession);
        Ok(url)
    }

    /// Adds a passkey to the signed-in account (`navigator.credentials.create`); returns the
    /// URL to go to. The server wants a recent sign-in: an older one is refused with a 403
    /// ([`ClientError::Status`]), and the user signs in again first.
    pub async fn register_passkey(&self, provider: &str) -> Result<String, ClientError> {
        self.passkey(provider, true).await
    }

    #[cfg(target_arch = "wasm32")]
    async fn passkey(&self, provider: &str, register: bool) -> Result<String, ClientError> {
        self.passkey_ceremony(provider, register).await
    }

    #[cfg(not(target_arch = "wasm32"))]
    async fn passkey(&self, provider: &str, register: bool) -> Result<String, ClientError> {
        let _ = (provider, register);
        Err(ClientError::Browser("passkeys need a browser".into()))
    }

    /// Sends `data` to the session's `jwt`/`session` callbacks (`POST /session`, next-auth v4's
    /// `update()`) and returns the updated session. In the browser, the other tabs are told to
    /// refetch.
    pub async fn update_session(&self, data: Value) -> Result<Option<Session>, ClientError> {
        let csrf = self.get_csrf_token().await?;
        let url = self.url("session");
        let body = serde_json::json!({ "csrfToken": csrf, "data": data });
        let (status, _, text) = self
            .send(self.http.post(&url).json(&body), &url, None)
            .await?;
        if status >= 400 {
            return Err(status_error(&url, status, &text));
        }
        let value: Value =
            serde_json::from_str(&text).map_err(|e| ClientError::InvalidResponse {
                url: url.clone(),
                reason: format!("not JSON: {e}"),
            })?;
        let session = session_from(&url, value)?;
        if session.is_some() {
            platform::broadcast(state::BroadcastTrigger::GetSession);
        }
        Ok(session)
    }
}

/// `base_url` as an absolute http(s) URL; in the browser a path is resolved against the page.
fn absolute_url(base_url: &str) -> Option<url::Url> {
    match url::Url::parse(base_url) {
        Ok(parsed) => Some(parsed),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let page = url::Url::parse(&platform::current_href()?).ok()?;
            page.join(base_url).ok()
        }
        Err(_) => None,
    }
}

/// What differs between the browser and a native process: the page's URL, navigation and
/// telling other tabs. Natively there is no page, so nothing navigates or is told.
#[cfg(not(target_arch = "wasm32"))]
mod platform {
    pub(crate) fn current_href() -> Option<String> {
        None
    }

    pub(crate) fn navigate(_url: &str) {}

    pub(crate) fn broadcast(_trigger: crate::state::BroadcastTrigger) {}
}

#[cfg(target_arch = "wasm32")]
mod platform {
    pub(crate) use crate::browser::{broadcast, current_href, navigate};
}

/// Natively: no redirects followed, bounded in time.
#[cfg(not(target_arch = "wasm32"))]
fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .user_agent("authrs-client")
        .build()
}

/// In the browser: its `fetch`, which sends the page's own cookies (same origin) and keeps
/// `Set-Cookie` to itself, so the jar stays empty there.
#[cfg(target_arch = "wasm32")]
fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder().build()
}

fn status_error(url: &str, status: u16, body: &str) -> ClientError {
    ClientError::Status {
        url: url.to_owned(),
        status,
        body: body.chars().take(200).collect(),
    }
}

/// The `error` parameter of a returned URL, as a protocol code.
fn error_code(url: &str) -> Option<ErrorCode> {
    let parsed = url::Url::parse(url).ok()?;
    let error = parsed
        .query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())?;
    Some(ErrorCode::parse(&error))
}

/// `{}` and `null` are "no session" (v4 and v5).
fn session_from(url: &str, value: Value) -> Result<Option<Session>, ClientError> {
    match &value {
        Value::Null => Ok(None),
        Value::Object(map) if map.is_empty() => Ok(None),
        _ => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| ClientError::InvalidResponse {
                url: url.to_owned(),
                reason: format!("not a session: {e}"),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_come_from_the_returned_url() {
        assert_eq!(
            error_code("http://localhost:3000/api/auth/error?error=CredentialsSignin&provider=x"),
            Some(ErrorCode::CredentialsSignin)
        );
        assert_eq!(error_code("http://localhost:3000/dashboard"), None);
        assert_eq!(error_code("not a url"), None);
    }

    #[test]
    fn no_session_is_none_in_both_generations() {
        assert!(session_from("u", Value::Null).unwrap().is_none());
        assert!(session_from("u", serde_json::json!({})).unwrap().is_none());
        let session = session_from(
            "u",
            serde_json::json!({"user": {"email": "ada@example.com"}, "expires": "2026-12-29T00:00:00.000Z"}),
        )
        .unwrap()
        .unwrap();
        assert_eq!(session.user.email.as_deref(), Some("ada@example.com"));
        assert!(session_from("u", serde_json::json!({"user": 3})).is_err());
    }

    #[test]
    fn the_sign_in_page_carries_the_error_and_the_way_back() {
        let client = AuthClient::new("http://localhost:3000/api/auth").unwrap();
        assert_eq!(
            client.sign_in_page(None, None),
            "http://localhost:3000/api/auth/signin"
        );
        assert_eq!(
            client.sign_in_page(
                Some("http://localhost:3000/account?tab=1"),
                Some(ErrorCode::SessionRequired)
            ),
            "http://localhost:3000/api/auth/signin?error=SessionRequired\
             &callbackUrl=http%3A%2F%2Flocalhost%3A3000%2Faccount%3Ftab%3D1"
        );
    }

    #[test]
    fn bad_base_urls_are_refused() {
        assert!(AuthClient::new("localhost:3000").is_err());
        assert!(AuthClient::new("ftp://x/y").is_err());
        assert!(AuthClient::new("http://localhost:3000/api/auth/").is_ok());
    }
}
