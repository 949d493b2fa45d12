//! Configuration in two steps: an [`AuthBuilder`] the app fills in, checked once by
//! [`AuthBuilder::build`]. A bad value fails at startup with a message naming it, never per request.

use std::sync::Arc;
use std::time::Duration;

use crate::adapter::Adapter;
use crate::callbacks::{Callbacks, DefaultCallbacks};
use crate::clock::{Clock, SystemClock};
#[cfg(feature = "password")]
use crate::password::PasswordHashing;
use crate::providers::Provider;
#[cfg(feature = "password")]
use crate::providers::{EmailRateLimits, EmailTemplate, EmailTransport};
use crate::ratelimit::{LimitStore, RateLimit};
use crate::secret::Secret;
use crate::url::Origin;

/// Which generation of the NextAuth clients and token format the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compatibility {
    /// next-auth v4 (the default; v3 clients work too): `next-auth.*` cookies, JWE
    /// `dir`/`A256GCM` tokens, `{}` for "no session".
    #[default]
    NextAuthV4,
    /// Auth.js / next-auth v5: `authjs.*` cookies, JWE `dir`/`A256CBC-HS512` with the cookie
    /// name as salt and a `kid`, `null` for "no session".
    AuthJsV5,
}

impl Compatibility {
    pub(crate) fn cookie_prefix(self) -> &'static str {
        match self {
            Self::NextAuthV4 => "next-auth.",
            Self::AuthJsV5 => "authjs.",
        }
    }

    pub(crate) fn chunk_size(self) -> usize {
        match self {
            Self::NextAuthV4 => 4096 - 163,
            Self::AuthJsV5 => 4096 - 160,
        }
    }
}

/// How sessions are kept. Without an explicit choice: `Database` when an adapter is
/// configured, `Jwt` otherwise (as in NextAuth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStrategy {
    /// An encrypted JWT in a cookie; no server-side state.
    Jwt,
    /// A random token in the cookie and a row in the adapter's database; sign-out deletes it.
    Database,
}

/// The colour scheme of the built-in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ColorScheme {
    /// Follow the browser's `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// NextAuth's `theme` option for the built-in pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Theme {
    /// Light, dark, or follow the browser.
    pub color_scheme: ColorScheme,
    /// Accent colour as `#rgb` or `#rrggbb`.
    pub brand_color: Option<String>,
    /// Logo URL: an `http(s)` URL or a path starting with `/`.
    pub logo: Option<String>,
    /// Text colour on brand-coloured buttons, `#rgb` or `#rrggbb`.
    pub button_text: Option<String>,
}

/// Custom page URLs, NextAuth's `pages` option. Each replaces the built-in page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pages {
    /// Sign-in page; receives `callbackUrl` and `error` query parameters.
    pub sign_in: Option<String>,
    /// Sign-out page.
    pub sign_out: Option<String>,
    /// Error page; receives `error`.
    pub error: Option<String>,
    /// "Check your email" page.
    pub verify_request: Option<String>,
    /// Where new users go after their first sign-in.
    pub new_user: Option<String>,
}

#[cfg(feature = "password")]
/// Email-and-password accounts in our own routes beside the NextAuth ones
/// (`/account/signup`, `/account/verify-email`, `/account/change-password`,
/// `/account/reset-password-request`, `/account/reset-password`,
/// `/account/signout-everywhere`), and the `email-password` credentials provider that signs
/// them in. Needs an adapter.
///
/// An address is not an identity until it is proven: a new account gets a verification mail
/// (a link and a code, as email sign-in does), and its password signs in only after the
/// address is proven, unless [`Self::allow_unverified_sign_in`] says otherwise.
#[derive(Clone)]
pub struct EmailPassword {
    /// Whether `/account/signup` is open and the sign-in page offers it.
    pub sign_up: bool,
    /// Fewest characters a password may have (ASVS asks for at least 8).
    pub min_password_length: usize,
    /// Lets a password sign in before its address is proven. Off by default: turn it on only
    /// where every account is created by someone trusted (an admin, an import), since anyone
    /// can sign up any address.
    pub allow_unverified_sign_in: bool,
    /// Delivers verification mails and password-reset links (the email provider's transport,
    /// usually); without one, sign-up needs [`Self::allow_unverified_sign_in`] and password
    /// reset is off. Its outcome is never shown: the answer must not tell whether the address
    /// has an account, so queue the message (the server does) or send it quickly.
    pub transport: Option<Arc<dyn EmailTransport>>,
    /// Writes the verification and reset mails (default:
    /// [`crate::providers::DefaultEmailTemplate`]).
    pub template: Option<Arc<dyn EmailTemplate>>,
    /// Limits on reset and verification mails, per address and per client network, counted
    /// whether or not the address has an account; `code_attempts` limits wrong verification
    /// codes.
    pub mail_limits: EmailRateLimits,
    /// Sign-ups from one client network (default 10 per hour).
    pub sign_ups_per_client: Option<RateLimit>,
    /// How long a reset link or a verification link and code work (default 15 minutes).
    pub token_max_age: Duration,
}

#[cfg(feature = "password")]
impl Default for EmailPassword {
    fn default() -> Self {
        Self {
            sign_up: true,
            min_password_length: 8,
            allow_unverified_sign_in: false,
            transport: None,
            template: None,
            mail_limits: EmailRateLimits::default(),
            sign_ups_per_client: Some(RateLimit::new(10, Duration::from_secs(60 * 60))),
            token_max_age: Duration::from_secs(15 * 60),
        }
    }
}

#[cfg(feature = "password")]
impl std::fmt::Debug for EmailPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailPassword")
            .field("sign_up", &self.sign_up)
            .field("min_password_length", &self.min_password_length)
            .field("allow_unverified_sign_in", &self.allow_unverified_sign_in)
            .field("transport", &self.transport.is_some())
            .field("mail_limits", &self.mail_limits)
            .field("sign_ups_per_client", &self.sign_ups_per_client)
            .field("token_max_age", &self.token_max_age)
            .finish()
    }
}

/// Limits on password guessing, applied by the engine to every password sign-in (the
/// `email-password` provider, a users file, any [`crate::providers::CredentialsProvider`])
/// before the password is checked. The account is the provider's account field (see
/// [`crate::providers::CredentialsProvider::with_account_field`]), normalised; the client is
/// its network (an IPv4 address or an IPv6 /64).
///
/// The policy, so that an attacker elsewhere cannot lock the owner out:
/// 1. Every attempt counts before the password is checked, in one atomic step per counter;
///    a successful one is taken back. Past a limit the answer is 429 with `Retry-After`, and
///    no password is checked (no hashing work for refused guesses).
/// 2. `per_account_and_network`: guesses at one account from one network. This is the limit
///    an attacker meets first, and it does not touch the owner on another network.
/// 3. `per_network`: guesses from one network at any account (password spraying).
/// 4. `per_account`: guesses at one account from every network together (a distributed
///    attack). Past it, only networks the account signed in from within `known_network_for`
///    may still try; everyone else waits. The owner keeps signing in from their usual
///    network, and email sign-in and password reset keep working for every network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordThrottle {
    /// Default 5 per 15 minutes.
    pub per_account_and_network: Option<RateLimit>,
    /// Default 100 per 15 minutes.
    pub per_network: Option<RateLimit>,
    /// Default 50 per 15 minutes, for networks the account is not known on.
    pub per_account: Option<RateLimit>,
    /// How long a network stays known for an account after a sign-in from it (default 30
    /// days).
    pub known_network_for: Duration,
}

impl Default for PasswordThrottle {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            per_account_and_network: Some(RateLimit::new(5, window)),
            per_network: Some(RateLimit::new(100, window)),
            per_account: Some(RateLimit::new(50, window)),
            known_network_for: Duration::from_secs(30 * 24 * 60 * 60),
        }
    }
}

impl PasswordThrottle {
    /// No throttle at all (tests, or a deployment that throttles in front of authrs).
    pub fn off() -> Self {
        Self {
            per_account_and_network: None,
            per_network: None,
            per_account: None,
            known_network_for: Duration::ZERO,
        }
    }
}

impl From<crate::i18n::CatalogError> for ConfigError {
    fn from(error: crate::i18n::CatalogError) -> Self {
        match error {
            crate::i18n::CatalogError::Invalid { origin, reason } => {
                Self::InvalidLanguage { origin, reason }
            }
            crate::i18n::CatalogError::UnknownDefault { tag, available } => {
                Self::UnknownDefaultLanguage { tag, available }
            }
        }
    }
}

/// A configuration mistake, found when the configuration is built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid base URL {value:?}: {reason}")]
    InvalidUrl {
        /// The value given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No secret was configured.
    #[error(
        "no secret is configured: set at least one (32 random bytes or more, e.g. `openssl rand -hex 32`)"
    )]
    MissingSecret,
    /// A secret is too short to be safe.
    #[error(
        "secret number {index} has {len} bytes; at least {} are required",
        crate::secret::MIN_SECRET_BYTES
    )]
    WeakSecret {
        /// Position in the secret list, from 1.
        index: usize,
        /// Its length.
        len: usize,
    },
    /// A session duration is out of range.
    #[error("invalid session setting {name}: {reason}")]
    InvalidSessionSetting {
        /// `max_age` or `update_age`.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A provider id is empty, repeated, or has characters outside `[a-z0-9_-]`.
    #[error("invalid provider id {0:?}: ids must be unique and use only a-z, 0-9, '-' and '_'")]
    InvalidProviderId(String),
    /// A provider's settings are inconsistent.
    #[error("provider {provider:?}: {reason}")]
    InvalidProvider {
        /// Provider id.
        provider: String,
        /// What is wrong.
        reason: String,
    },
    /// A custom page URL is not a path or an http(s) URL.
    #[error(
        "invalid page URL for {page}: {value:?} must start with a single '/' or be an http(s) URL"
    )]
    InvalidPage {
        /// Which page.
        page: &'static str,
        /// The value given.
        value: String,
    },
    /// A language catalog or tag is not accepted.
    #[error("language catalog {origin}: {reason}")]
    InvalidLanguage {
        /// The catalog (a file name) or setting at fault.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The default language is not among the languages there are.
    #[error("the default language {tag} has no catalog (there are: {available})")]
    UnknownDefaultLanguage {
        /// The tag given.
        tag: String,
        /// The languages there are, comma-separated.
        available: String,
    },
    /// A theme value is not accepted.
    #[error("invalid theme {name}: {value:?} ({reason})")]
    InvalidTheme {
        /// Which setting.
        name: &'static str,
        /// The value given.
        value: String,
        /// What is accepted.
        reason: &'static str,
    },
    /// Stored security events would be deleted before anyone could read them.
    #[error("audit retention {0:?} is too short: keep security events for at least a day")]
    AuditRetentionTooShort(Duration),
    /// A feature that stores data was enabled without an adapter.
    #[error("{0} needs an adapter: configure one")]
    NeedsAdapter(&'static str),
    /// Database sessions need an adapter.
    #[error("the database session strategy needs an adapter: configure one, or use JWT sessions")]
    DatabaseStrategyWithoutAdapter,
    /// An OAuth provider is configured but no HTTP client to reach it.
    #[error(
        "OAuth providers need an HTTP client: set one with AuthBuilder::http_client (authrs-http has one)"
    )]
    NeedsHttpClient,
    /// Sign-up is open, addresses must be proven, and nothing can send the proof.
    #[error(
        "email-and-password sign-up needs a mail transport to prove addresses: configure one, \
         turn sign-up off, or allow unverified sign-in (for trusted deployments only)"
    )]
    SignUpNeedsTransport,
    /// A trusted origin does not parse.
    #[error("invalid trusted origin {value:?}: {reason}")]
    InvalidTrustedOrigin {
        /// The value given.
        value: String,
        /// What is wrong.
        reason: String,
    },
}

/// Builds an [`Auth`]. Start with [`Auth::builder`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct AuthBuilder {
    pub(crate) url: String,
    pub(crate) secrets: Vec<Secret>,
    pub(crate) compatibility: Compatibility,
    pub(crate) strategy: Option<SessionStrategy>,
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    #[cfg(feature = "password")]
    pub(crate) email_password: Option<EmailPassword>,
    #[cfg(feature = "password")]
    pub(crate) password_hashing: Option<Arc<dyn PasswordHashing>>,
    pub(crate) revocable_jwt: bool,
    pub(crate) limit_store: Option<Arc<dyn LimitStore>>,
    pub(crate) background: Option<Arc<dyn crate::background::Background>>,
    pub(crate) password_throttle: PasswordThrottle,
    pub(crate) audit: crate::audit::Audit,
    pub(crate) two_factor: crate::two_factor::TwoFactor,
    pub(crate) max_age: Duration,
    pub(crate) update_age: Duration,
    pub(crate) fresh_sign_in: Duration,
    pub(crate) use_secure_cookies: Option<bool>,
    pub(crate) trust_host: bool,
    pub(crate) trusted_origins: Vec<String>,
    pub(crate) client_ip_header: Option<http::HeaderName>,
    #[cfg(feature = "oauth")]
    pub(crate) http_client: Option<Arc<dyn crate::http::HttpClient>>,
    pub(crate) providers: Vec<Provider>,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    /// Whether [`Self::callbacks`] was called (the defaults cost nothing to run twice).
    pub(crate) custom_callbacks: bool,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    pub(crate) languages: crate::i18n::Languages,
    pub(crate) clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for AuthBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthBuilder")
            .field("url", &self.url)
            .field("secrets", &self.secrets.len())
            .field("compatibility", &self.compatibility)
            .field("providers", &self.providers)
            .finish_non_exhaustive()
    }
}

impl Default for AuthBuilder {
    fn default() -> Self {
        Self {
            url: "http://localhost:3000/api/auth".into(),
            secrets: Vec::new(),
            compatibility: Compatibility::default(),
            strategy: None,
            adapter: None,
            #[cfg(feature = "password")]
            email_password: None,
            #[cfg(feature = "password")]
            password_hashing: None,
            revocable_jwt: false,
            limit_store: None,
            background: None,
            password_throttle: PasswordThrottle::default(),
            audit: crate::audit::Audit::default(),
            two_factor: crate::two_factor::TwoFactor::default(),
            max_age: Duration::from_secs(30 * 24 * 60 * 60),
            update_age: Duration::from_secs(24 * 60 * 60),
            fresh_sign_in: Duration::from_secs(15 * 60),
            use_secure_cookies: None,
            trust_host: false,
            trusted_origins: Vec::new(),
            client_ip_header: None,
            #[cfg(feature = "oauth")]
            http_client: None,
            providers: Vec::new(),
            callbacks: Arc::new(DefaultCallbacks),
            custom_callbacks: false,
            pages: Pages::default(),
            theme: Theme::default(),
            languages: crate::i18n::Languages::new(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl AuthBuilder {
    /// The public URL of the auth routes, origin plus base path
    /// (default `http://localhost:3000/api/auth`). A URL whose path is `/` means `/api/auth`,
    /// as `NEXTAUTH_URL` does.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Adds a secret. The first one added encrypts; all of them decrypt (rotation).
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Replaces the secret list.
    pub fn secrets(mut self, secrets: Vec<Secret>) -> Self {
        self.secrets = secrets;
        self
    }

    /// Which NextAuth generation to be compatible with.
    pub fn compatibility(mut self, compatibility: Compatibility) -> Self {
        self.compatibility = compatibility;
        self
    }

    /// The session strategy (default: `Database` with an adapter, `Jwt` without).
    pub fn session_strategy(mut self, strategy: SessionStrategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// Where users, accounts, database sessions and verification tokens are stored.
    pub fn adapter(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapter = Some(adapter);
        self
    }

    #[cfg(feature = "password")]
    /// Turns on email-and-password accounts (needs an adapter).
    pub fn email_password(mut self, options: EmailPassword) -> Self {
        self.email_password = Some(options);
        self
    }

    #[cfg(feature = "password")]
    /// Where the engine runs argon2 (default: [`crate::password::PasswordHasher`] on the
    /// calling thread). Servers should pass `authrs_tokio::BlockingPasswordHashing`.
    pub fn password_hashing(mut self, hashing: Arc<dyn PasswordHashing>) -> Self {
        self.password_hashing = Some(hashing);
        self
    }

    /// Makes JWT sessions revocable: every JWT read checks the user's "sessions valid after"
    /// stamp, which sign-out-everywhere and password changes set (one adapter read per session
    /// read; needs an adapter). Database sessions are always revocable.
    pub fn revocable_jwt(mut self, revocable: bool) -> Self {
        self.revocable_jwt = revocable;
        self
    }

    /// Where rate-limit counters live (default: a [`crate::ratelimit::MemoryLimitStore`] of
    /// [`crate::ratelimit::MemoryLimitStore::DEFAULT_MAX_KEYS`] keys, per process). Give every instance the same
    /// shared store (`authrs_sqlx::PostgresLimitStore`) so that N instances do not allow N
    /// times each limit.
    pub fn limit_store(mut self, store: Arc<dyn LimitStore>) -> Self {
        self.limit_store = Some(store);
        self
    }

    /// Where work runs that must not hold up the answer: verification and reset mails, and
    /// the account look-ups behind them, so that the answer takes the same time whether or
    /// not the address has an account (default: in place, before answering). Servers pass
    /// `authrs_tokio::TokioBackground`. Without one, a failed password or code is logged but
    /// not stored as the account's security event (that look-up would be on the request
    /// path).
    pub fn background(mut self, background: Arc<dyn crate::background::Background>) -> Self {
        self.background = Some(background);
        self
    }

    /// The limits on password guessing (default: [`PasswordThrottle::default`]).
    pub fn password_throttle(mut self, throttle: PasswordThrottle) -> Self {
        self.password_throttle = throttle;
        self
    }

    /// Whether security events are stored through the adapter, and for how long (default:
    /// stored for 90 days; see [`crate::audit`]). They are logged either way.
    pub fn audit(mut self, audit: crate::audit::Audit) -> Self {
        self.audit = audit;
        self
    }

    /// Two-factor sign-in with TOTP (default: off; see [`crate::two_factor`]). Needs an
    /// adapter.
    pub fn two_factor(mut self, two_factor: crate::two_factor::TwoFactor) -> Self {
        self.two_factor = two_factor;
        self
    }

    /// How long an idle session lives (default 30 days). Every session read extends it.
    pub fn session_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How often a database session's expiry is written (default 24 hours). JWT sessions
    /// are re-issued on every read and ignore it.
    pub fn session_update_age(mut self, update_age: Duration) -> Self {
        self.update_age = update_age;
        self
    }

    /// How recent a sign-in must be to add a way into the account with it (default 15
    /// minutes): a passkey, or an OAuth account linked while signed in. A session stolen later
    /// cannot bind a way in that would outlive it; the user signs in again first.
    pub fn fresh_sign_in(mut self, window: Duration) -> Self {
        self.fresh_sign_in = window;
        self
    }

    /// Forces secure cookies on or off; by default they are on exactly when the URL is https.
    pub fn use_secure_cookies(mut self, secure: bool) -> Self {
        self.use_secure_cookies = Some(secure);
        self
    }

    /// Trusts `X-Forwarded-Host` and `X-Forwarded-Proto` for the public origin. Enable only
    /// behind a proxy that sets (not appends) these headers.
    pub fn trust_host(mut self, trust: bool) -> Self {
        self.trust_host = trust;
        self
    }

    /// Takes the client address for rate limits from the last entry of this header (e.g.
    /// `X-Forwarded-For`) instead of the TCP peer. Set it only behind a proxy that appends
    /// the address it saw, or clients choose their own address.
    pub fn client_ip_header(mut self, header: http::HeaderName) -> Self {
        self.client_ip_header = Some(header);
        self
    }

    #[cfg(feature = "oauth")]
    /// The HTTP client OAuth providers are reached with (`authrs_http::ReqwestClient`, or any
    /// [`crate::http::HttpClient`]). Needed when an OAuth provider is configured.
    pub fn http_client(mut self, client: Arc<dyn crate::http::HttpClient>) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Another origin that callback URLs may point to (exact scheme, host and port).
    pub fn trusted_origin(mut self, origin: impl Into<String>) -> Self {
        self.trusted_origins.push(origin.into());
        self
    }

    /// Adds a provider.
    pub fn provider(mut self, provider: impl Into<Provider>) -> Self {
        self.providers.push(provider.into());
        self
    }

    /// Sets the callbacks.
    pub fn callbacks(mut self, callbacks: impl Callbacks) -> Self {
        self.callbacks = Arc::new(callbacks);
        self.custom_callbacks = true;
        self
    }

    /// Sets custom page URLs.
    pub fn pages(mut self, pages: Pages) -> Self {
        self.pages = pages;
        self
    }

    /// Sets the theme of the built-in pages.
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// Sets the languages of the built-in pages and mails (all built-in ones, English by
    /// default, when not called).
    pub fn languages(mut self, languages: crate::i18n::Languages) -> Self {
        self.languages = languages;
        self
    }

    /// Sets the clock (tests use [`crate::clock::FixedClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// The origin and base path of a base URL.
pub(crate) fn split_base_url(url: &str) -> Result<(Origin, String), ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidUrl {
        value: url.to_owned(),
        reason,
    };
    let parsed = url::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    let origin = Origin::from_url(&parsed)
        .ok_or_else(|| invalid("it must be an http or https URL with a host".into()))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".into()));
    }
    let path = parsed.path().trim_end_matches('/');
    let base_path = if path.is_empty() { "/api/auth" } else { path };
    Ok((origin, base_path.to_owned()))
}

pub(crate) fn check_page(page: &'static str, value: &Option<String>) -> Result<(), ConfigError> {
    let Some(value) = value else { return Ok(()) };
    let ok = if value.starts_with('/') {
        !value.starts_with("//")
            && !value.starts_with("/\\")
            && !value.chars().any(char::is_control)
    } else {
        url::Url::parse(value)
            .ok()
            .and_then(|u| Origin::from_url(&u))
            .is_some()
    };
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidPage {
            page,
            value: value.clone(),
        })
    }
}

pub(crate) fn check_theme(theme: &Theme) -> Result<(), ConfigError> {
    let colour = |name: &'static str, value: &Option<String>| -> Result<(), ConfigError> {
        let Some(value) = value else { return Ok(()) };
        let hex = value.strip_prefix('#').unwrap_or("");
        if matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(())
        } else {
            Err(ConfigError::InvalidTheme {
                name,
                value: value.clone(),
                reason: "use #rgb or #rrggbb",
            })
        }
    };
    colour("brand_color", &theme.brand_color)?;
    colour("button_text", &theme.button_text)?;
    if let Some(logo) = &theme.logo {
        let ok = (logo.starts_with('/') && !logo.starts_with("//"))
            || url::Url::parse(logo)
                .ok()
                .and_then(|u| Origin::from_url(&u))
                .is_some();
        if !ok || logo.chars().any(char::is_control) {
            return Err(ConfigError::InvalidTheme {
                name: "logo",
                value: logo.clone(),
                reason: "use an http(s) URL or a path starting with '/'",
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_splits_into_origin_and_path() {
        let (origin, path) = split_base_url("https://example.com/api/auth/").unwrap();
        assert_eq!(origin.as_str(), "https://example.com");
        assert_eq!(path, "/api/auth");
        let (_, path) = split_base_url("http://localhost:3000").unwrap();
        assert_eq!(path, "/api/auth");
        let (_, path) = split_base_url("http://localhost:3000/auth").unwrap();
        assert_eq!(path, "/auth");
        assert!(split_base_url("localhost:3000").is_err());
        assert!(split_base_url("ftp://x/y").is_err());
        assert!(split_base_url("http://x/y?z=1").is_err());
    }

    #[test]
    fn pages_must_be_paths_or_http_urls() {
        assert!(check_page("sign_in", &Some("/login".into())).is_ok());
        assert!(check_page("sign_in", &Some("https://example.com/login".into())).is_ok());
        for bad in [
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
            "login",
            "/a\nb",
        ] {
            assert!(check_page("sign_in", &Some(bad.into())).is_err(), "{bad}");
        }
    }

    #[test]
    fn theme_colours_and_logo_are_checked() {
        let ok = Theme {
            brand_color: Some("#336699".into()),
            button_text: Some("#fff".into()),
            logo: Some("https://example.com/logo.png".into()),
            ..Theme::default()
        };
        assert!(check_theme(&ok).is_ok());
        for bad in ["red;}body{display:none", "#12345", "336699", "#ggg"] {
            let theme = Theme {
                brand_color: Some(bad.into()),
                ..Theme::default()
            };
            assert!(check_theme(&theme).is_err(), "{bad}");
        }
        let theme = Theme {
            logo: Some("javascript:alert(1)".into()),
            ..Theme::default()
        };
        assert!(check_theme(&theme).is_err());
    }
}
