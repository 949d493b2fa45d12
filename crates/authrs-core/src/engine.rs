//! [`Auth`]: the built configuration with its derived keys, and the entry point from an HTTP
//! request to an HTTP response.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::actions::{self, Ctx};
use crate::adapter::Adapter;
use crate::config::{AuthBuilder, ConfigError, SessionStrategy};
use crate::cookies::{CookieNames, RequestCookies};
use crate::inner::Inner;
use crate::jwt::Claims;
use crate::request::{self, Action};
use crate::session::{Resolved, Session};

/// The authentication engine. Cheap to clone (one `Arc`); build it once at startup with
/// [`Auth::builder`] and share it.
#[derive(Clone)]
pub struct Auth {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("base_url", &self.inner.base_url)
            .field("compatibility", &self.inner.compatibility)
            .field("providers", &self.inner.providers.len())
            .finish_non_exhaustive()
    }
}

impl AuthBuilder {
    /// Checks everything (see `startup`) and derives the keys.
    pub fn build(self) -> Result<Auth, ConfigError> {
        Ok(Auth {
            inner: Arc::new(crate::startup::build(self)?),
        })
    }
}

impl Auth {
    /// Starts a configuration.
    pub fn builder() -> AuthBuilder {
        AuthBuilder::default()
    }

    /// The mount path of the auth routes, e.g. `/api/auth`.
    pub fn base_path(&self) -> &str {
        &self.inner.base_path
    }

    /// The configured public URL of the auth routes, e.g. `http://localhost:3000/api/auth`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The public URL of the auth routes for one request: the configured URL, or, when
    /// `trust_host` is on, the origin from `X-Forwarded-Host`/`-Proto` plus the base path.
    pub fn base_url_for(&self, headers: &HeaderMap) -> std::borrow::Cow<'_, str> {
        self.inner.public_url(headers).1
    }

    /// The sign-in page URL for one request, with `callbackUrl` percent-encoded (what a guard
    /// redirects to when a page needs a session).
    pub fn sign_in_url(&self, headers: &HeaderMap, callback_url: &str) -> String {
        let encoded: String =
            url::form_urlencoded::byte_serialize(callback_url.as_bytes()).collect();
        format!(
            "{}/signin?callbackUrl={encoded}",
            self.base_url_for(headers)
        )
    }

    /// The session strategy in force.
    pub fn session_strategy(&self) -> SessionStrategy {
        self.inner.strategy()
    }

    /// The cookie names in force.
    pub fn cookie_names(&self) -> &CookieNames {
        &self.inner.cookie_names
    }

    /// The built-in messages in the language of a request with these headers (its language
    /// cookie, then `Accept-Language`, then the default), for a page of the app's own that
    /// should speak as the built-in ones do.
    pub fn messages(&self, headers: &HeaderMap) -> crate::i18n::Messages<'_> {
        let cookies = RequestCookies::from_headers(headers);
        let cookie = cookies.get(&self.inner.cookie_names.lang);
        (self.inner.catalog)
            .for_request(None, cookie.as_deref(), headers)
            .0
    }

    /// Each OAuth provider's endpoints, discovered now for OpenID Connect providers (and
    /// cached as a sign-in would), in configuration order: for an operator's start-up log or
    /// a health check. A provider that cannot be reached is an error text (no secrets in it;
    /// the provider's own words may be in it, so log it as a string value, never raw).
    #[cfg(feature = "oauth")]
    pub async fn provider_endpoints(
        &self,
    ) -> Vec<(
        String,
        Result<crate::providers::oauth::ProviderEndpoints, String>,
    )> {
        let now_ms = self.inner.clock.now_millis();
        let mut out = Vec::new();
        for mounted in &self.inner.providers {
            if let crate::inner::Mounted::OAuth(provider, runtime) = mounted {
                let found = runtime.metadata(provider, now_ms).await;
                // A provider's answers reach the operator's log: log them as string values
                // (quoted and escaped), as the `authrs` server does.
                let endpoints = found.map_err(|error| error.to_string()).map(|metadata| {
                    crate::providers::oauth::ProviderEndpoints {
                        issuer: metadata.issuer,
                        authorization: metadata.authorization_endpoint,
                        token: metadata.token_endpoint,
                        userinfo: metadata.userinfo_endpoint,
                        jwks: metadata.jwks_uri,
                    }
                });
                out.push((provider.id.clone(), endpoints));
            }
        }
        out
    }

    /// The tags of the languages pages and mails can be in, the default first.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.inner.catalog.tags()
    }

    /// Handles one request to the auth routes. The URI path must include the base path
    /// (`/api/auth/session`); paths outside it get 404. Never panics on input, and never
    /// answers with internal details.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let (parts, body) = request.into_parts();
        let inner = &self.inner;
        let Some(route) = request::route(parts.uri.path(), &inner.base_path) else {
            return actions::plain(StatusCode::NOT_FOUND, "Not found");
        };
        let method = if parts.method == Method::HEAD {
            Method::GET
        } else {
            parts.method.clone()
        };
        let Ok((action, provider)) = route else {
            return actions::unsupported(inner, &method);
        };
        let body = if request::is_state_changing(&method) {
            match request::parse_body(&parts.headers, &body, action) {
                Ok(body) => body,
                Err(refused) => return actions::body_refused(refused),
            }
        } else {
            serde_json::Map::new()
        };
        let mut ctx = Ctx::new(
            inner,
            &method,
            &parts.headers,
            parts.uri.query(),
            body,
            action,
            provider,
        );
        ctx.is_head = parts.method == Method::HEAD;
        let peer = parts
            .extensions
            .get::<crate::ratelimit::ClientAddress>()
            .map(|address| address.0);
        ctx.client_ip =
            crate::ratelimit::client_ip(peer, &parts.headers, inner.client_ip_header.as_ref());
        match (action, method.clone()) {
            (Action::Session, Method::GET) => actions::session::get(ctx).await,
            (Action::Session, Method::POST) => actions::session::update(ctx).await,
            (Action::Csrf, Method::GET) => actions::csrf(ctx).await,
            (Action::Providers, Method::GET) => actions::providers(ctx),
            (Action::SignIn, Method::GET) => actions::signin::page(ctx).await,
            (Action::SignIn, Method::POST) => actions::signin::post(ctx).await,
            (Action::Callback, Method::POST) => actions::callback::post(ctx).await,
            (Action::Callback, Method::GET) => actions::callback::get(ctx).await,
            (Action::SignOut, Method::GET) => actions::signout::page(ctx).await,
            (Action::SignOut, Method::POST) => actions::signout::post(ctx).await,
            (Action::VerifyRequest, Method::GET) => actions::pages::verify_request(ctx).await,
            (Action::Error, Method::GET) => actions::pages::error(ctx).await,
            (Action::Log, Method::POST) => actions::log(ctx),
            (Action::Account, Method::GET | Method::POST) => actions::account::handle(ctx).await,
            (Action::TwoFactor, Method::GET) => actions::two_factor::page(ctx).await,
            (Action::TwoFactor, Method::POST) => actions::two_factor::verify(ctx).await,
            #[cfg(feature = "passkey")]
            (Action::WebAuthnOptions, Method::GET) => {
                actions::callback::webauthn_options(ctx).await
            }
            (_, method) => actions::unsupported(inner, &method),
        }
    }

    /// The session of a request, read in-process with no HTTP hop: the server-side
    /// `getSession({ req })`. Runs the callbacks (and, for database sessions, rolls the stored
    /// expiry as `/session` does) but does not re-issue the cookie. An invalid, expired or
    /// foreign token is `Ok(None)`; only a failing callback or database is an error.
    pub async fn get_session(&self, headers: &HeaderMap) -> Result<Option<Session>, crate::Error> {
        let cookies = RequestCookies::from_headers(headers);
        let Some(token) = cookies.chunked(&self.inner.cookie_names.session_token) else {
            return Ok(None);
        };
        let now_ms = self.inner.clock.now_millis();
        match actions::session::resolve(&self.inner, &token, now_ms, None, None).await? {
            Resolved::Jwt { session, .. } | Resolved::Database { session } => Ok(Some(session)),
            Resolved::Invalid | Resolved::Ended => Ok(None),
        }
    }

    /// Deletes expired database sessions, verification tokens and rate-limit counters (of a
    /// store that keeps them, such as PostgreSQL's), and security events older than the audit
    /// retention; returns how many rows went. Expired sessions are also deleted when they are
    /// read; call this periodically (the `authrs` server does, every few minutes) for the ones
    /// nobody reads again.
    pub async fn sweep_expired(&self) -> Result<u64, crate::adapter::AdapterError> {
        let now = crate::adapter::Timestamp::from_millis(self.inner.clock.now_millis());
        let counters = self.inner.limits.delete_expired(now).await?;
        let Some(adapter) = &self.inner.adapter else {
            return Ok(counters);
        };
        let expired = adapter.delete_expired(now).await?;
        // Swept even when storing them is off now, so rows stored before still go.
        let retention = self.inner.audit.retention.as_millis();
        let cutoff = now
            .as_millis()
            .saturating_sub(u64::try_from(retention).unwrap_or(u64::MAX));
        let events = (adapter)
            .delete_audit_events_before(crate::adapter::Timestamp::from_millis(cutoff))
            .await?;
        Ok(counters + expired + events)
    }

    /// The configured adapter, if any.
    pub fn adapter(&self) -> Option<&Arc<dyn Adapter>> {
        self.inner.adapter.as_ref()
    }

    /// The decoded session token of a request (next-auth's `getToken`): from the session cookie,
    /// or else an `Authorization: Bearer` header. Any decode failure is `None`, and so is every
    /// request under the database strategy, whose cookie holds no token.
    ///
    /// It reads the token only, as `getToken` does: it does not check revocation (a signed-out
    /// `sid`, the "sessions valid after" stamp). Where `revocable_jwt` matters, read
    /// [`Self::get_session`], which does.
    pub fn get_token(&self, headers: &HeaderMap) -> Option<Claims> {
        if self.inner.strategy() == SessionStrategy::Database {
            return None;
        }
        let cookies = RequestCookies::from_headers(headers);
        let now = self.inner.clock.now_secs();
        let from_cookie = cookies.chunked(&self.inner.cookie_names.session_token);
        let token = match from_cookie {
            Some(token) => token.into_owned(),
            None => {
                let header = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
                let (scheme, value) = header.split_once(' ')?;
                if !scheme.eq_ignore_ascii_case("bearer") {
                    return None;
                }
                percent_encoding::percent_decode_str(value.trim())
                    .decode_utf8()
                    .ok()?
                    .into_owned()
            }
        };
        let claims = self.inner.session_codec.decode(&token, now).ok()?;
        actions::session::has_subject(&claims).then_some(claims)
    }
}
