//! The endpoints, one file each. This module holds what they share: the request context and
//! the ways of answering (JSON, HTML, redirect in either JSON-redirect mode).

pub(crate) mod account;
#[cfg(feature = "password")]
pub(crate) mod account_delete;
pub(crate) mod account_page;
pub(crate) mod audit;
pub(crate) mod callback;
pub(crate) mod complete;
#[cfg(feature = "email")]
pub(crate) mod email;
#[cfg(feature = "email")]
pub(crate) mod notice;
#[cfg(feature = "oauth")]
pub(crate) mod oauth;
pub(crate) mod pages;
#[cfg(feature = "passkey")]
pub(crate) mod passkey;
#[cfg(feature = "passkey")]
pub(crate) mod passkey_store;
#[cfg(feature = "password")]
pub(crate) mod password;
pub(crate) mod prelude;
#[cfg(feature = "email")]
pub(crate) mod proof;
pub(crate) mod session;
pub(crate) mod signin;
pub(crate) mod signout;
pub(crate) mod throttle;
pub(crate) mod two_factor;
pub(crate) mod two_factor_gate;

use std::borrow::Cow;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName, HeaderValue, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method, Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::audit::{AuditEvent, AuditKind};
use crate::callbacks::RedirectArgs;
use crate::config::Compatibility;
use crate::cookies::{CookieLifetime, RequestCookies, SetCookie};
use crate::csrf;
use crate::error::{Error, ErrorCode};
use crate::inner::{Inner, Mounted};
use crate::request::Action;
use crate::url::{Origin, resolve_callback_url};

/// How long a language chosen with `?lang=` is remembered.
const LANGUAGE_COOKIE_SECS: u64 = 365 * 24 * 60 * 60;

/// The v5 client's JSON-redirect request header.
static X_AUTH_RETURN_REDIRECT: HeaderName = HeaderName::from_static("x-auth-return-redirect");

/// How a redirect is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonRedirect {
    /// A plain `302` with `Location`.
    Off,
    /// v3/v4: body field `json=true`; `{url}` with the action's status.
    BodyField,
    /// v5: header `X-Auth-Return-Redirect`; `{url}` with status 200.
    Header,
}

/// One request being handled.
pub(crate) struct Ctx<'r> {
    pub(crate) inner: &'r std::sync::Arc<Inner>,
    pub(crate) method: &'r Method,
    pub(crate) headers: &'r HeaderMap,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Map<String, Value>,
    pub(crate) cookies: RequestCookies<'r>,
    pub(crate) action: Action,
    pub(crate) provider_id: Option<&'r str>,
    pub(crate) origin: Cow<'r, Origin>,
    pub(crate) base_url: Cow<'r, str>,
    pub(crate) json_redirect: JsonRedirect,
    pub(crate) now_ms: u64,
    pub(crate) set_cookies: Vec<SetCookie>,
    /// The client's address, for rate limits (see [`crate::ratelimit`]).
    pub(crate) client_ip: Option<std::net::IpAddr>,
    /// The request was a HEAD (answered as a GET, but never allowed to change anything).
    pub(crate) is_head: bool,
    csrf_token: Option<String>,
    /// The language of this request's page, once chosen.
    messages: Option<crate::i18n::Messages<'r>>,
    /// A failed sign-in was recorded as a security event already, so `fail` does not log it
    /// again.
    failure_audited: std::sync::atomic::AtomicBool,
}

impl<'r> Ctx<'r> {
    pub(crate) fn new(
        inner: &'r std::sync::Arc<Inner>,
        method: &'r Method,
        headers: &'r HeaderMap,
        query: Option<&str>,
        body: Map<String, Value>,
        action: Action,
        provider_id: Option<&'r str>,
    ) -> Self {
        let (origin, base_url) = inner.public_url(headers);
        let json_redirect = if headers.contains_key(&X_AUTH_RETURN_REDIRECT) {
            JsonRedirect::Header
        } else if body.get("json").and_then(Value::as_str) == Some("true") {
            JsonRedirect::BodyField
        } else {
            JsonRedirect::Off
        };
        Self {
            inner,
            method,
            headers,
            query: crate::request::parse_query(query),
            body,
            cookies: RequestCookies::from_headers(headers),
            action,
            provider_id,
            origin,
            base_url,
            json_redirect,
            now_ms: inner.clock.now_millis(),
            set_cookies: Vec::new(),
            client_ip: None,
            is_head: false,
            csrf_token: None,
            messages: None,
            failure_audited: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(crate) fn now_secs(&self) -> u64 {
        self.now_ms / 1000
    }

    /// This request's rate limits: the engine's store, now, the client's network.
    pub(crate) fn limits(&self) -> crate::ratelimit::Limits<'r> {
        crate::ratelimit::Limits::new(
            self.inner.limits.as_ref(),
            crate::adapter::Timestamp::from_millis(self.now_ms),
            self.client_ip,
        )
    }

    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn body_str(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    pub(crate) fn secure(&self) -> bool {
        self.inner.cookie_names.secure
    }

    pub(crate) fn is_v5(&self) -> bool {
        self.inner.compatibility == Compatibility::AuthJsV5
    }

    /// The request's language (see [`crate::i18n`]). A `?lang=` that names one is remembered
    /// in a cookie for a year.
    pub(crate) fn messages(&mut self) -> crate::i18n::Messages<'r> {
        if let Some(messages) = self.messages {
            return messages;
        }
        let inner: &'r Inner = self.inner;
        let cookie = self.cookies.get(&inner.cookie_names.lang);
        let (messages, chosen) =
            (inner.catalog).for_request(self.query("lang"), cookie.as_deref(), self.headers);
        if chosen && !self.is_head && cookie.as_deref() != Some(messages.language()) {
            self.set_cookies.push(SetCookie {
                name: inner.cookie_names.lang.clone(),
                value: messages.language().to_owned(),
                lifetime: CookieLifetime::ExpiresAt(self.now_secs() + LANGUAGE_COOKIE_SECS),
                secure: self.secure(),
                same_site_none: false,
            });
        }
        self.messages = Some(messages);
        messages
    }

    /// Counts a sign-in that did not sign in, when this request was one: a callback, or a POST
    /// to `/signin/<provider>`. Only configured providers count: a client names any path it
    /// likes, and an unknown provider is no sign-in attempt.
    pub(crate) fn count_sign_in(&self, outcome: &'static str) {
        if let Some(provider) = self.signing_in_with() {
            crate::telemetry::sign_in(provider, outcome);
        }
    }

    /// A security event of `kind` from this request's client (see [`crate::audit`]).
    pub(crate) fn audit_event(&self, kind: AuditKind) -> AuditEvent {
        let user_agent =
            (self.headers.get(http::header::USER_AGENT)).and_then(|value| value.to_str().ok());
        let at = crate::adapter::Timestamp::from_millis(self.now_ms);
        AuditEvent::new(at, kind, user_agent, self.client_ip)
    }

    /// Logs a security event, and stores it when it names a user.
    pub(crate) async fn audit(&self, event: AuditEvent) {
        if event.kind.is_failure() {
            self.failure_audited.store(true, Ordering::Relaxed);
        }
        audit::record(self.inner, event).await;
    }

    /// Logs a failed sign-in or proof for an address, and stores it for the address's account
    /// when there is one, off the request's path (see [`crate::audit`], rule 5).
    pub(crate) fn audit_failure_for(&self, address: Option<String>, event: AuditEvent) {
        self.failure_audited.store(true, Ordering::Relaxed);
        audit::failed_for_address(self.inner, address, event);
    }

    /// Whether `id` names the built-in email-and-password provider (whose users are the
    /// adapter's).
    pub(crate) fn is_email_password(&self, id: &str) -> bool {
        #[cfg(feature = "password")]
        return self.inner.accounts.is_some() && id == crate::providers::EMAIL_PASSWORD_PROVIDER_ID;
        #[cfg(not(feature = "password"))]
        {
            let _ = id;
            false
        }
    }

    /// Whether `account` is of a credentials provider of the app's own: its users are the
    /// app's, not the adapter's (no stored security events, no second factor).
    pub(crate) fn is_apps_own(&self, account: &crate::user::Account) -> bool {
        account.provider_type == crate::user::ProviderType::Credentials
            && !self.is_email_password(&account.provider)
    }

    /// Whether this request is a sign-in with a configured provider: a callback, or a POST
    /// to `/signin/<provider>` (a client names any path it likes, and an unknown provider is
    /// no sign-in attempt).
    fn signing_in_with(&self) -> Option<&'r str> {
        let signing_in = self.action == Action::Callback
            || (self.action == Action::SignIn && *self.method == Method::POST);
        self.provider_id
            .filter(|id| signing_in && self.inner.provider(id).is_some())
    }

    /// How this request's page looks and speaks.
    pub(crate) fn look(&mut self) -> crate::pages::Look<'r> {
        crate::pages::Look {
            theme: &self.inner.theme,
            m: self.messages(),
        }
    }

    /// The request's CSRF token, minting one (and its cookie) when the request has none.
    pub(crate) fn csrf_token(&mut self) -> String {
        if let Some(token) = &self.csrf_token {
            return token.clone();
        }
        let state = csrf::read_or_mint(
            self.cookies
                .get(&self.inner.cookie_names.csrf_token)
                .as_deref(),
            &self.inner.secrets,
        );
        if let Some(cookie) = state.new_cookie {
            self.set_cookies.push(SetCookie {
                name: self.inner.cookie_names.csrf_token.clone(),
                value: cookie,
                lifetime: CookieLifetime::BrowserSession,
                secure: self.secure(),
                same_site_none: false,
            });
        }
        self.csrf_token = Some(state.token.clone());
        state.token
    }

    /// Rule of every state-changing POST: the body's `csrfToken` equals the token in a valid
    /// CSRF cookie.
    pub(crate) fn verify_csrf(&self) -> bool {
        let cookie = self.cookies.get(&self.inner.cookie_names.csrf_token);
        let cookie_token = cookie
            .as_deref()
            .and_then(|value| csrf::verify_cookie(value, &self.inner.secrets));
        csrf::verify_csrf_token(cookie_token, self.body_str("csrfToken"))
    }

    /// The effective callback URL (§1.2): body, then query `callbackUrl`, then the callback-url
    /// cookie, then the origin; passed through the `redirect` callback and the validator both
    /// before and after, and remembered in the callback-url cookie when it changed.
    pub(crate) async fn callback_url(&mut self) -> Result<String, Error> {
        let cookie_name = &self.inner.cookie_names.callback_url;
        let cookie_value = self.cookies.get(cookie_name);
        let candidate = self
            .body_str("callbackUrl")
            .or_else(|| self.query("callbackUrl"))
            .or(cookie_value.as_deref())
            .unwrap_or(self.origin.as_str());
        let url = self.validate(candidate);
        let rewritten = self
            .inner
            .callbacks
            .redirect(RedirectArgs {
                url: &url,
                base_url: self.origin.as_str(),
            })
            .await?;
        let url = if rewritten == url {
            url
        } else {
            self.validate(&rewritten)
        };
        if cookie_value.as_deref() != Some(url.as_str()) {
            self.set_cookies.push(SetCookie {
                name: cookie_name.clone(),
                value: url.clone(),
                lifetime: CookieLifetime::BrowserSession,
                secure: self.secure(),
                same_site_none: false,
            });
        }
        Ok(url)
    }

    /// Encrypts the claims with a fresh `iat`/`exp`/`jti` and sets the session cookie (chunked
    /// when large; stale chunks deleted), expiring with the session.
    pub(crate) fn issue_session_token(&mut self, claims: &mut crate::jwt::Claims) {
        let now = self.now_secs();
        let max_age = self.inner.max_age_secs;
        let token = self.inner.session_codec.encode(claims, now, max_age);
        let names = &self.inner.cookie_names;
        crate::cookies::write_chunked(
            &names.session_token,
            &token,
            CookieLifetime::ExpiresAt(now + max_age),
            names.secure,
            self.inner.compatibility.chunk_size(),
            &self.cookies,
            &mut self.set_cookies,
        );
    }

    /// Sets the database session cookie (the raw token) to expire at `expires_secs`, deleting
    /// any chunks a previous JWT session left.
    pub(crate) fn set_database_session_cookie(&mut self, token: &str, expires_secs: u64) {
        let names = &self.inner.cookie_names;
        crate::cookies::write_chunked(
            &names.session_token,
            token,
            CookieLifetime::ExpiresAt(expires_secs),
            names.secure,
            self.inner.compatibility.chunk_size(),
            &self.cookies,
            &mut self.set_cookies,
        );
    }

    /// Starts a database session for a stored user: deletes the session the request had (a
    /// new token on every sign-in), stores the hash of a fresh random token, and sets the
    /// cookie.
    pub(crate) async fn start_database_session(
        &mut self,
        adapter: &dyn crate::adapter::Adapter,
        user_id: &str,
    ) -> Result<(), Error> {
        if let Some(previous) = self.cookies.chunked(&self.inner.cookie_names.session_token) {
            adapter
                .delete_session(&crate::secret::sha256_hex(&previous))
                .await?;
        }
        let now = crate::adapter::Timestamp::from_millis(self.now_ms);
        let expires = now.plus_secs(self.inner.max_age_secs);
        let user_agent =
            (self.headers.get(http::header::USER_AGENT)).and_then(|value| value.to_str().ok());
        let origin = crate::adapter::SessionOrigin::new(now, user_agent, self.client_ip);
        // 256 random bits: a collision is not going to happen, but a duplicate is refused by
        // the adapter rather than overwritten, so try a second token before giving up.
        let mut attempts = 0;
        let token = loop {
            let token = crate::secret::random_hex::<32>();
            let session = crate::adapter::AdapterSession {
                session_token: crate::secret::sha256_hex(&token),
                user_id: user_id.to_owned(),
                expires,
            };
            match adapter.create_session_from(session, &origin).await {
                Ok(()) => break token,
                Err(crate::adapter::AdapterError::DuplicateSession) if attempts == 0 => {
                    attempts += 1
                }
                Err(crate::adapter::AdapterError::UserNotFound) => {
                    return Err(Error::UserNotInAdapter(user_id.to_owned()));
                }
                Err(error) => return Err(error.into()),
            }
        };
        self.set_database_session_cookie(&token, expires.as_secs());
        Ok(())
    }

    /// Deletes the session cookie and every chunk of it the request carried.
    pub(crate) fn clear_session_cookie(&mut self) {
        let names = &self.inner.cookie_names;
        crate::cookies::delete_chunked(
            &names.session_token,
            names.secure,
            &self.cookies,
            &mut self.set_cookies,
        );
    }

    /// Where a completed sign-in goes: the `new_user` page (with the callback URL) for a user
    /// created by this sign-in when one is configured, else the callback URL.
    pub(crate) fn after_sign_in(&self, callback_url: String, is_new_user: bool) -> String {
        match (&self.inner.pages.new_user, is_new_user) {
            (Some(new_user), true) => {
                let separator = if new_user.contains('?') { '&' } else { '?' };
                let url = format!("{new_user}{separator}callbackUrl={}", encode(&callback_url));
                self.validate(&url)
            }
            _ => callback_url,
        }
    }

    /// The one callback-URL validator, bound to this request's origin.
    pub(crate) fn validate(&self, candidate: &str) -> String {
        resolve_callback_url(candidate, &self.origin, &self.inner.trusted_origins)
    }

    /// `BASE/<path>`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url)
    }

    /// Answers with a body and the cookies collected so far.
    pub(crate) fn respond(
        self,
        status: StatusCode,
        content_type: &'static str,
        body: Bytes,
        headers: &[(HeaderName, &'static str)],
    ) -> Response<Bytes> {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let map = response.headers_mut();
        // Sized up front: growing a header map rehashes it.
        map.reserve(1 + headers.len() + self.set_cookies.len());
        map.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        for (name, value) in headers {
            map.insert(name.clone(), HeaderValue::from_static(value));
        }
        for cookie in &self.set_cookies {
            // `try_from(String)` takes the string over instead of copying it.
            if let Ok(value) = HeaderValue::try_from(cookie.to_header_value()) {
                map.append(SET_COOKIE, value);
            }
        }
        response
    }

    pub(crate) fn json(self, status: StatusCode, body: Bytes) -> Response<Bytes> {
        self.respond(status, "application/json", body, &[])
    }

    /// JSON that must not be cached (`/csrf`, `GET /session`).
    pub(crate) fn json_no_store(self, status: StatusCode, body: Bytes) -> Response<Bytes> {
        self.respond(status, "application/json", body, NO_STORE)
    }

    /// An HTML page with the security headers every built-in page carries.
    pub(crate) fn html(self, status: StatusCode, markup: String) -> Response<Bytes> {
        let language = self
            .messages
            .and_then(|messages| HeaderValue::from_str(messages.language()).ok());
        let mut response = self.respond(
            status,
            "text/html; charset=utf-8",
            Bytes::from(markup),
            PAGE_HEADERS,
        );
        if let Some(language) = language {
            response
                .headers_mut()
                .insert(http::header::CONTENT_LANGUAGE, language);
        }
        response
    }

    /// Whether a sign-in at `at` (milliseconds since the epoch) is recent enough to add a way
    /// into the account with it ([`crate::AuthBuilder::fresh_sign_in`]). Unknown, or later
    /// than a minute from now (a token the app's callback let a client write), is not.
    #[cfg_attr(not(any(feature = "oauth", feature = "passkey")), allow(dead_code))]
    pub(crate) fn signed_in_recently(&self, at: Option<u64>) -> bool {
        at.is_some_and(|at| {
            at <= self.now_ms.saturating_add(60_000)
                && self.now_ms.saturating_sub(at) <= self.inner.fresh_sign_in_ms
        })
    }

    /// [`Self::html`] for a page that carries the passkey script: its hash is allowed by the
    /// page's CSP.
    #[cfg(feature = "passkey")]
    pub(crate) fn html_with_passkey_script(
        self,
        status: StatusCode,
        markup: String,
    ) -> Response<Bytes> {
        let mut response = self.html(status, markup);
        if let Ok(csp) = HeaderValue::from_str(&crate::pages::passkey::CSP) {
            response
                .headers_mut()
                .insert(http::header::CONTENT_SECURITY_POLICY, csp);
        }
        response
    }

    /// A redirect, answered as `{url}` in JSON-redirect mode. `status` is what v4 reports in
    /// body-field mode (200, or 401/403/500 for failures).
    /// [`Self::redirect`], with `status` in both JSON-redirect modes (v5's too, which
    /// otherwise answers 200): for answers the clients must not read as "ok".
    pub(crate) fn redirect_with_status(self, url: String, status: StatusCode) -> Response<Bytes> {
        if self.json_redirect == JsonRedirect::Header {
            let body = Bytes::from(json!({ "url": url }).to_string());
            return self.respond(status, "application/json", body, NO_STORE);
        }
        self.redirect(url, status)
    }

    pub(crate) fn redirect(self, url: String, status: StatusCode) -> Response<Bytes> {
        match self.json_redirect {
            JsonRedirect::Off => {
                let location =
                    HeaderValue::from_str(&url).unwrap_or_else(|_| HeaderValue::from_static("/"));
                let mut response = self.respond(
                    StatusCode::FOUND,
                    "text/plain; charset=utf-8",
                    Bytes::new(),
                    NO_STORE,
                );
                response.headers_mut().insert(LOCATION, location);
                response
            }
            JsonRedirect::BodyField => {
                let body = Bytes::from(json!({ "url": url }).to_string());
                self.respond(status, "application/json", body, NO_STORE)
            }
            JsonRedirect::Header => {
                let body = Bytes::from(json!({ "url": url }).to_string());
                self.respond(StatusCode::OK, "application/json", body, NO_STORE)
            }
        }
    }

    /// Redirects to the error page (or the sign-in page, for v5 sign-in errors) for an error,
    /// logging its cause once.
    pub(crate) fn fail(self, error: Error) -> Response<Bytes> {
        let code = error.code();
        crate::telemetry::error(&error);
        self.count_sign_in(code.as_str());
        // A failed sign-in is a security event; no account is known here, so it is logged,
        // not stored (audit rule 2). One line says it all, unless it is also an error; none
        // when the action recorded the event itself.
        let audited = self.failure_audited.load(Ordering::Relaxed);
        let failed_sign_in = (self.signing_in_with())
            .filter(|_| !audited)
            .map(|provider| {
                (self.audit_event(AuditKind::SignInFailed))
                    .provider(provider)
                    .detail(code.as_str())
            });
        let serious = match (&error, code) {
            #[cfg(feature = "oauth")]
            (Error::OAuthSignin(_), _) => true,
            #[cfg(feature = "email")]
            (Error::EmailSend(_), _) => true,
            (
                Error::SignInCallback(_)
                | Error::EmailCreateAccount(_)
                | Error::OAuthCreateAccount(_)
                | Error::OAuthHandler(_),
                _,
            )
            | (_, ErrorCode::Configuration) => !matches!(error, Error::UnknownProvider(_)),
            _ => false,
        };
        // Client text (an OAuth `error_description`, a provider id) can be in the error: it is
        // logged as a string value, quoted and escaped by the formatter.
        let cause = error.to_string();
        match (serious, &failed_sign_in) {
            (true, event) => {
                tracing::error!(error = cause.as_str(), "auth request failed");
                if let Some(event) = event {
                    audit::log(event, None, false);
                }
            }
            (false, Some(event)) => audit::log(event, Some(&cause), false),
            (false, None) if audited => {}
            (false, None) => tracing::info!(error = cause.as_str(), "auth request refused"),
        }
        let status = match code {
            // A provider id the configuration does not have is the client's mistake: Auth.js's
            // `Configuration` code in the URL, but never a 5xx.
            ErrorCode::Configuration if matches!(error, Error::UnknownProvider(_)) => {
                StatusCode::BAD_REQUEST
            }
            ErrorCode::AccessDenied => StatusCode::FORBIDDEN,
            ErrorCode::CredentialsSignin => StatusCode::UNAUTHORIZED,
            ErrorCode::Verification => StatusCode::FORBIDDEN,
            ErrorCode::Configuration => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::OK,
        };
        let url = match (self.is_v5(), code) {
            (_, ErrorCode::MissingCsrf) => self.csrf_failure_url(),
            (true, ErrorCode::CredentialsSignin) => {
                self.url("signin?error=CredentialsSignin&code=credentials")
            }
            (false, ErrorCode::CredentialsSignin) => {
                let provider = self.provider_id.unwrap_or("credentials");
                format!(
                    "{}&provider={}",
                    self.url("error?error=CredentialsSignin"),
                    encode(provider)
                )
            }
            (_, code) => format!("{}?error={}", self.url("error"), code.as_str()),
        };
        self.redirect(url, status)
    }

    /// Where a failed CSRF check sends the browser.
    fn csrf_failure_url(&self) -> String {
        match (self.is_v5(), self.action == Action::SignOut) {
            (true, _) => self.url("signin?error=MissingCSRF"),
            (false, true) => self.url("signout?csrf=true"),
            (false, false) => self.url("signin?csrf=true"),
        }
    }
}

pub(crate) fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `Cache-Control` for responses that carry tokens or per-user data.
pub(crate) const NO_STORE: &[(HeaderName, &str)] = &[
    (CACHE_CONTROL, "private, no-cache, no-store"),
    (http::header::PRAGMA, "no-cache"),
    (http::header::EXPIRES, "0"),
];

/// Built-in pages: not cacheable (they hold a CSRF token), not frameable, no third-party loads.
const PAGE_HEADERS: &[(HeaderName, &str)] = &[
    (CACHE_CONTROL, "private, no-cache, no-store"),
    (http::header::PRAGMA, "no-cache"),
    (http::header::X_FRAME_OPTIONS, "DENY"),
    (http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (http::header::REFERRER_POLICY, "no-referrer"),
    (
        http::header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'none'; base-uri 'none'",
    ),
];

/// A plain-text answer with no cookies.
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(text.as_bytes()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// An unknown action, or a method the action does not take: 400, in the compatibility
/// mode's form.
/// The answer to a body refused before any endpoint saw it (415 or 400), logged as a client
/// mistake.
pub(crate) fn body_refused(refused: crate::request::BodyError) -> Response<Bytes> {
    use crate::request::BodyError;
    tracing::info!(?refused, "request body refused");
    match refused {
        BodyError::UnsupportedMediaType => plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the form as application/x-www-form-urlencoded.",
        ),
        BodyError::Malformed => plain(
            StatusCode::BAD_REQUEST,
            "The body does not parse, or gives a field more than once.",
        ),
    }
}

pub(crate) fn unsupported(inner: &Inner, method: &Method) -> Response<Bytes> {
    let mut response = match inner.compatibility {
        Compatibility::AuthJsV5 => {
            let mut r = Response::new(Bytes::from_static(b"\"Bad request.\""));
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r
        }
        Compatibility::NextAuthV4 => {
            let text = format!(
                "Error: This action with HTTP {} is not supported.",
                method.as_str()
            );
            let mut r = Response::new(Bytes::from(text));
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
    };
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response
}

/// The generic 500 answer for JSON endpoints (503 while the database is unreachable); the
/// cause is logged, never sent.
pub(crate) fn configuration_error_json(ctx: Ctx<'_>, error: &Error) -> Response<Bytes> {
    tracing::error!(error = error.to_string().as_str(), "auth request failed");
    let status = match error {
        Error::Adapter(crate::adapter::AdapterError::Unavailable(_)) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ctx.json(
        status,
        Bytes::from_static(
            br#"{"message":"There is a problem with the server configuration. Check the server logs for more information."}"#,
        ),
    )
}

/// `GET /csrf`.
pub(crate) async fn csrf(mut ctx: Ctx<'_>) -> Response<Bytes> {
    let token = ctx.csrf_token();
    if let Err(error) = ctx.callback_url().await {
        return configuration_error_json(ctx, &error);
    }
    let body = Bytes::from(json!({ "csrfToken": token }).to_string());
    ctx.json_no_store(StatusCode::OK, body)
}

/// `GET /providers`: serialised once at startup unless a trusted proxy changed the origin.
pub(crate) fn providers(ctx: Ctx<'_>) -> Response<Bytes> {
    let body = if ctx.base_url == ctx.inner.base_url {
        ctx.inner.providers_json.clone()
    } else {
        providers_json(&ctx.inner.providers, &ctx.base_url)
    };
    ctx.json(StatusCode::OK, body)
}

pub(crate) fn providers_json(providers: &[Mounted], base_url: &str) -> Bytes {
    let mut map = Map::new();
    for provider in providers {
        let id = provider.id();
        map.insert(
            id.to_owned(),
            json!({
                "id": id,
                "name": provider.name(),
                "type": provider.provider_type().as_str(),
                "signinUrl": format!("{base_url}/signin/{id}"),
                "callbackUrl": format!("{base_url}/callback/{id}"),
            }),
        );
    }
    Bytes::from(Value::Object(map).to_string())
}

/// `POST /_log`: the v3/v4 client logger relay. Accepted and discarded (no CSRF: it changes
/// nothing).
pub(crate) fn log(ctx: Ctx<'_>) -> Response<Bytes> {
    ctx.respond(
        StatusCode::OK,
        "text/plain; charset=utf-8",
        Bytes::new(),
        &[],
    )
}
