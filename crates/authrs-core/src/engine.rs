//! [`Auth`]: the built configuration with its derived keys, and the entry point from an HTTP
//! request to an HTTP response.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::actions::{self, Ctx};
use crate::adapter::Adapter;
use crate::callbacks::Callbacks;
use crate::clock::Clock;
use crate::config::{self, AuthBuilder, Compatibility, ConfigError, Pages, SessionStrategy, Theme};
use crate::cookies::{CookieNames, RequestCookies};
use crate::jwt::{Claims, TokenCodec, TokenFormat};
use crate::providers::{self, Provider};
use crate::request::{self, Action};
use crate::secret::Secret;
use crate::session::Session;
use crate::url::Origin;

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

/// Everything fixed at startup.
pub(crate) struct Inner {
    pub(crate) origin: Origin,
    pub(crate) base_path: String,
    pub(crate) base_url: String,
    pub(crate) secrets: Vec<Secret>,
    pub(crate) compatibility: Compatibility,
    pub(crate) session_codec: TokenCodec,
    pub(crate) cookie_names: CookieNames,
    pub(crate) max_age_secs: u64,
    pub(crate) update_age_secs: u64,
    pub(crate) strategy: SessionStrategy,
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    pub(crate) email_password: Option<crate::config::EmailPassword>,
    pub(crate) password_hashing: Option<Arc<dyn crate::password::PasswordHashing>>,
    pub(crate) revocable_jwt: bool,
    pub(crate) providers: Vec<Provider>,
    /// `/providers` for the configured origin, serialised once.
    pub(crate) providers_json: Bytes,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) trust_host: bool,
    pub(crate) trusted_origins: Vec<Origin>,
    pub(crate) client_ip_header: Option<http::HeaderName>,
    /// Where every rate-limit counter lives.
    pub(crate) limits: Arc<dyn crate::ratelimit::LimitStore>,
    /// Where work runs that must not hold up the answer.
    pub(crate) background: Option<Arc<dyn crate::background::Background>>,
    /// The limits on password guessing.
    pub(crate) password_throttle: crate::config::PasswordThrottle,
    /// Present when an OAuth provider is configured.
    pub(crate) oauth: Option<crate::oauth::OAuthRuntime>,
    /// Whether concurrent reads of one cookie share one computation: when a read does more
    /// than decrypt a token (database, app callbacks, revocation, token refresh).
    pub(crate) share_session_reads: bool,
    /// Session reads in progress, by cookie value (see `actions::session::resolve_shared`).
    pub(crate) session_reads:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<SharedRead>>>,
}

/// One shared session read.
pub(crate) type SharedRead =
    tokio::sync::OnceCell<std::sync::Arc<Result<actions::session::Resolved, crate::Error>>>;

impl Auth {
    /// Starts a configuration.
    pub fn builder() -> AuthBuilder {
        AuthBuilder::default()
    }

    pub(crate) fn from_builder(mut b: AuthBuilder) -> Result<Self, ConfigError> {
        let (origin, base_path) = config::split_base_url(&b.url)?;
        if b.secrets.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        for (index, secret) in b.secrets.iter().enumerate() {
            if secret.len() < 32 {
                return Err(ConfigError::WeakSecret {
                    index: index + 1,
                    len: secret.len(),
                });
            }
        }
        let max_age_secs = b.max_age.as_secs();
        if max_age_secs == 0 {
            return Err(ConfigError::InvalidSessionSetting {
                name: "max_age",
                reason: "must be at least one second".into(),
            });
        }
        let strategy = match (b.strategy, &b.adapter) {
            (Some(SessionStrategy::Database), None) => {
                return Err(ConfigError::DatabaseStrategyWithoutAdapter);
            }
            (Some(strategy), _) => strategy,
            (None, Some(_)) => SessionStrategy::Database,
            (None, None) => SessionStrategy::Jwt,
        };
        if b.adapter.is_none() {
            if b.providers.iter().any(|p| matches!(p, Provider::Email(_))) {
                return Err(ConfigError::NeedsAdapter("the email provider"));
            }
            if b.email_password.is_some() {
                return Err(ConfigError::NeedsAdapter("email-and-password accounts"));
            }
            if b.revocable_jwt {
                return Err(ConfigError::NeedsAdapter("revocable JWT sessions"));
            }
        }
        if let Some(options) = &b.email_password
            && options.sign_up
            && !options.allow_unverified_sign_in
            && options.transport.is_none()
        {
            return Err(ConfigError::SignUpNeedsTransport);
        }
        let password_hashing = match (&b.email_password, &b.adapter) {
            (Some(options), Some(adapter)) => {
                let hashing = b
                    .password_hashing
                    .take()
                    .unwrap_or_else(|| Arc::new(crate::password::PasswordHasher::new()));
                let provider = providers::email_password::provider(
                    Arc::clone(adapter),
                    Arc::clone(&hashing),
                    options.allow_unverified_sign_in,
                );
                b.providers.push(provider.into());
                Some(hashing)
            }
            _ => None,
        };
        let mut seen = std::collections::HashSet::new();
        for provider in &b.providers {
            if !providers::valid_provider_id(provider.id())
                || !seen.insert(provider.id().to_owned())
            {
                return Err(ConfigError::InvalidProviderId(provider.id().to_owned()));
            }
            match provider {
                Provider::Credentials(p) => {
                    let mut names = std::collections::HashSet::new();
                    for field in p.fields() {
                        let reserved = matches!(
                            field.name.as_str(),
                            "csrfToken" | "callbackUrl" | "json" | "redirect"
                        );
                        if field.name.is_empty() || reserved || !names.insert(field.name.as_str()) {
                            return Err(ConfigError::InvalidProvider {
                                provider: p.id.clone(),
                                reason: format!(
                                    "field name {:?} is empty, repeated or reserved",
                                    field.name
                                ),
                            });
                        }
                    }
                }
                Provider::OAuth(p) => {
                    if p.refresh && b.adapter.is_none() {
                        return Err(ConfigError::NeedsAdapter("refreshing provider tokens"));
                    }
                    let endpoints = p.authorization_url.is_some() && p.token_url.is_some();
                    let problem = if p.client_id.is_empty() {
                        Some("the client id is empty".to_owned())
                    } else if p.kind == crate::providers::OAuthKind::Oidc && p.issuer.is_none() {
                        Some("an OpenID Connect provider needs an issuer".to_owned())
                    } else if p.kind == crate::providers::OAuthKind::OAuth2
                        && !(endpoints && p.userinfo_url.is_some())
                    {
                        Some(
                            "an OAuth 2.0 provider needs authorization, token and userinfo URLs"
                                .to_owned(),
                        )
                    } else if p
                        .id_token_algorithms
                        .iter()
                        .any(|a| a == "none" || a.starts_with("HS"))
                    {
                        Some("ID tokens must be signed with a public-key algorithm (no none, no HS*)".to_owned())
                    } else {
                        None
                    };
                    if let Some(reason) = problem {
                        return Err(ConfigError::InvalidProvider {
                            provider: p.id.clone(),
                            reason,
                        });
                    }
                }
                Provider::Email(p) => {
                    if p.max_age.as_secs() < 60 {
                        return Err(ConfigError::InvalidProvider {
                            provider: p.id.clone(),
                            reason: format!(
                                "max_age {:?} is too short: links and codes must last at least a minute",
                                p.max_age
                            ),
                        });
                    }
                }
            }
        }
        for (page, value) in [
            ("sign_in", &b.pages.sign_in),
            ("sign_out", &b.pages.sign_out),
            ("error", &b.pages.error),
            ("verify_request", &b.pages.verify_request),
            ("new_user", &b.pages.new_user),
        ] {
            config::check_page(page, value)?;
        }
        config::check_theme(&b.theme)?;
        let trusted_origins = b
            .trusted_origins
            .iter()
            .map(|value| {
                Origin::parse(value).map_err(|reason| ConfigError::InvalidTrustedOrigin {
                    value: value.clone(),
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let secure = b.use_secure_cookies.unwrap_or_else(|| origin.is_https());
        let cookie_names = CookieNames::new(b.compatibility.cookie_prefix(), secure);
        let session_codec = match b.compatibility {
            Compatibility::NextAuthV4 => TokenCodec::new(TokenFormat::V4, &b.secrets, ""),
            Compatibility::AuthJsV5 => {
                TokenCodec::new(TokenFormat::V5, &b.secrets, &cookie_names.session_token)
            }
        };
        let base_url = format!("{origin}{base_path}");
        let share_session_reads = strategy == SessionStrategy::Database
            || b.custom_callbacks
            || b.revocable_jwt
            || b.providers
                .iter()
                .any(|p| matches!(p, Provider::OAuth(p) if p.refresh));
        let has_oauth = b.providers.iter().any(|p| matches!(p, Provider::OAuth(_)));
        let oauth = match (has_oauth, b.http_client.clone()) {
            (false, _) => None,
            (true, None) => return Err(ConfigError::NeedsHttpClient),
            (true, Some(http)) => Some(crate::oauth::OAuthRuntime {
                http,
                caches: crate::oauth::Caches::default(),
                checks: TokenCodec::new(TokenFormat::V5, &b.secrets, "authrs.oauth-check"),
                refreshing: Default::default(),
            }),
        };
        let providers_json = actions::providers_json(&b.providers, &base_url);
        Ok(Self {
            inner: Arc::new(Inner {
                origin,
                base_path,
                base_url,
                secrets: b.secrets,
                compatibility: b.compatibility,
                session_codec,
                cookie_names,
                max_age_secs,
                update_age_secs: b.update_age.as_secs().min(max_age_secs),
                strategy,
                adapter: b.adapter,
                password_hashing,
                revocable_jwt: b.revocable_jwt,
                providers: b.providers,
                providers_json,
                callbacks: b.callbacks,
                pages: b.pages,
                theme: b.theme,
                clock: b.clock,
                trust_host: b.trust_host,
                trusted_origins,
                client_ip_header: b.client_ip_header,
                oauth,
                session_reads: Default::default(),
                share_session_reads,
                limits: b
                    .limit_store
                    .unwrap_or_else(|| Arc::new(crate::ratelimit::MemoryLimitStore::default())),
                password_throttle: b.password_throttle,
                background: b.background,
                email_password: b.email_password,
            }),
        })
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
        let inner = &*self.inner;
        match inner
            .trust_host
            .then(|| request::forwarded_origin(headers, &inner.origin))
            .flatten()
        {
            Some(origin) if origin != inner.origin => {
                std::borrow::Cow::Owned(format!("{origin}{}", inner.base_path))
            }
            _ => std::borrow::Cow::Borrowed(&inner.base_url),
        }
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
        self.inner.strategy
    }

    /// The cookie names in force.
    pub fn cookie_names(&self) -> &CookieNames {
        &self.inner.cookie_names
    }

    /// The configured providers.
    pub fn providers(&self) -> &[Provider] {
        &self.inner.providers
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
            actions::session::Resolved::Jwt { session, .. }
            | actions::session::Resolved::Database { session } => Ok(Some(session)),
            actions::session::Resolved::Invalid | actions::session::Resolved::Ended => Ok(None),
        }
    }

    /// Deletes expired database sessions, verification tokens and rate-limit counters (of a
    /// store that keeps them, such as PostgreSQL's); returns how many rows went. Expired
    /// sessions are also deleted when they are read; call this periodically (the `authrs`
    /// server does, every few minutes) for the ones nobody reads again.
    pub async fn sweep_expired(&self) -> Result<u64, crate::adapter::AdapterError> {
        let now = crate::adapter::Timestamp::from_millis(self.inner.clock.now_millis());
        let counters = self.inner.limits.delete_expired(now).await?;
        match &self.inner.adapter {
            Some(adapter) => Ok(adapter.delete_expired(now).await? + counters),
            None => Ok(counters),
        }
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
        if self.inner.strategy == SessionStrategy::Database {
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
