//! [`Inner`]: everything the engine fixed at startup, in the shape the request path reads it.
//! Built by `startup` from a checked [`crate::AuthBuilder`]; the actions read it, and nothing
//! here depends on them.
//!
//! What a feature needs is held by the value that enables it (a database session store holds
//! its adapter, an email provider its adapter, an OAuth provider its HTTP runtime), so the
//! request path never asks whether startup checked something.

use std::sync::Arc;

use bytes::Bytes;

use crate::adapter::Adapter;
use crate::callbacks::Callbacks;
use crate::clock::Clock;
use crate::config::{Compatibility, Pages, PasswordThrottle, SessionStrategy, Theme};
use crate::cookies::CookieNames;
use crate::jwt::TokenCodec;
use crate::providers::CredentialsProvider;
#[cfg(feature = "email")]
use crate::providers::EmailProvider;
#[cfg(feature = "oauth")]
use crate::providers::OAuthProvider;
use crate::secret::Secret;
use crate::session::Resolved;
use crate::url::Origin;
use crate::user::ProviderType;

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
    /// How recent a sign-in must be to add a way in with it, in milliseconds.
    #[cfg_attr(not(any(feature = "oauth", feature = "passkey")), allow(dead_code))]
    pub(crate) fresh_sign_in_ms: u64,
    /// Where sessions live.
    pub(crate) sessions: SessionStore,
    /// The app's adapter, if any (account routes, the expiry sweep).
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    /// Email-and-password accounts, when enabled.
    #[cfg(feature = "password")]
    pub(crate) accounts: Option<Arc<Accounts>>,
    /// The providers in their configured order, each with what it needs.
    pub(crate) providers: Vec<Mounted>,
    /// `/providers` for the configured origin, serialised once.
    pub(crate) providers_json: Bytes,
    /// Refreshing OAuth tokens on session reads, when a provider asks for it.
    #[cfg(feature = "oauth")]
    pub(crate) token_refresh: Option<TokenRefresh>,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    /// The pages' and mails' languages.
    pub(crate) catalog: crate::i18n::Catalog,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) trust_host: bool,
    pub(crate) trusted_origins: Vec<Origin>,
    pub(crate) client_ip_header: Option<http::HeaderName>,
    /// Where every rate-limit counter lives.
    pub(crate) limits: Arc<dyn crate::ratelimit::LimitStore>,
    /// Where work runs that must not hold up the answer.
    pub(crate) background: Option<Arc<dyn crate::background::Background>>,
    /// The limits on password guessing.
    pub(crate) password_throttle: PasswordThrottle,
    /// Whether and how long security events are stored.
    pub(crate) audit: crate::audit::Audit,
    /// Two-factor sign-in, when it is on.
    pub(crate) two_factor: Option<TwoFactorRuntime>,
    /// Whether concurrent reads of one cookie share one computation: when a read does more
    /// than decrypt a token (database, app callbacks, revocation, token refresh).
    pub(crate) share_session_reads: bool,
    /// Session reads in progress, by cookie value (see `actions::session::resolve_shared`).
    pub(crate) session_reads:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<SharedRead>>>,
}

/// One session read that concurrent requests with the same cookie wait for.
pub(crate) type SharedRead = tokio::sync::OnceCell<Arc<Result<Resolved, crate::Error>>>;

/// Where sessions live, with what that needs.
pub(crate) enum SessionStore {
    /// An encrypted token in the cookie. With revocation on, reads check the user's
    /// "sessions valid after" stamp and the signed-out session ids in this adapter.
    Jwt {
        revocation: Option<Arc<dyn Adapter>>,
    },
    /// A random token in the cookie naming a row of this adapter.
    Database(Arc<dyn Adapter>),
}

impl SessionStore {
    /// The strategy, as the app chose it.
    pub(crate) fn strategy(&self) -> SessionStrategy {
        match self {
            Self::Jwt { .. } => SessionStrategy::Jwt,
            Self::Database(_) => SessionStrategy::Database,
        }
    }

    /// The adapter that revokes JWT sessions, when revocation is on.
    pub(crate) fn revocation(&self) -> Option<&dyn Adapter> {
        match self {
            Self::Jwt { revocation } => revocation.as_deref(),
            Self::Database(_) => None,
        }
    }
}

#[cfg(feature = "password")]
/// Email-and-password accounts: the app's options, the adapter that stores them and the
/// password hashing.
pub(crate) struct Accounts {
    pub(crate) options: crate::config::EmailPassword,
    pub(crate) adapter: Arc<dyn Adapter>,
    pub(crate) hashing: Arc<dyn crate::password::PasswordHashing>,
}

/// A configured provider with what it needs at request time.
pub(crate) enum Mounted {
    /// Username or email plus password.
    Credentials(CredentialsProvider),
    /// Sign-in by email, with the adapter that stores its tokens.
    #[cfg(feature = "email")]
    Email(EmailProvider, Arc<dyn Adapter>),
    /// OAuth 2.0 or OpenID Connect, with the HTTP client, caches and check codec.
    #[cfg(feature = "oauth")]
    OAuth(Box<OAuthProvider>, Arc<crate::oauth::OAuthRuntime>),
    /// Passkeys, with their relying party, adapter and keys.
    #[cfg(feature = "passkey")]
    Passkey(Arc<crate::providers::passkey::PasskeyRuntime>),
}

impl Mounted {
    /// The provider id used in URLs.
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.id,
            #[cfg(feature = "email")]
            Self::Email(p, _) => &p.id,
            #[cfg(feature = "oauth")]
            Self::OAuth(p, _) => &p.id,
            #[cfg(feature = "passkey")]
            Self::Passkey(runtime) => &runtime.provider.id,
        }
    }

    /// The display name.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.name,
            #[cfg(feature = "email")]
            Self::Email(p, _) => &p.name,
            #[cfg(feature = "oauth")]
            Self::OAuth(p, _) => &p.name,
            #[cfg(feature = "passkey")]
            Self::Passkey(runtime) => &runtime.provider.name,
        }
    }

    /// The provider kind.
    pub(crate) fn provider_type(&self) -> ProviderType {
        match self {
            Self::Credentials(_) => ProviderType::Credentials,
            #[cfg(feature = "email")]
            Self::Email(..) => ProviderType::Email,
            #[cfg(feature = "oauth")]
            Self::OAuth(p, _) => p.provider_type(),
            #[cfg(feature = "passkey")]
            Self::Passkey(_) => ProviderType::WebAuthn,
        }
    }
}

/// Refreshing OAuth tokens on session reads (rule 6 of `crate::oauth`).
#[cfg(feature = "oauth")]
pub(crate) struct TokenRefresh {
    pub(crate) runtime: Arc<crate::oauth::OAuthRuntime>,
    pub(crate) adapter: Arc<dyn Adapter>,
    /// The providers that refresh, found once at startup.
    pub(crate) providers: Vec<OAuthProvider>,
}

#[cfg(feature = "oauth")]
impl TokenRefresh {
    /// Refreshes the due tokens of one user's accounts at the providers that refresh.
    pub(crate) async fn run(&self, user_id: &str, now_ms: u64) {
        self.runtime
            .refresh_due_tokens(&self.providers, self.adapter.as_ref(), user_id, now_ms)
            .await;
    }
}

impl Inner {
    /// The passkey provider, if one is configured.
    #[cfg(feature = "passkey")]
    pub(crate) fn passkey(&self) -> Option<&crate::providers::passkey::PasskeyRuntime> {
        self.providers.iter().find_map(|p| match p {
            Mounted::Passkey(runtime) => Some(runtime.as_ref()),
            _ => None,
        })
    }

    /// The email provider (the first, if several) and its adapter: where an address is proven
    /// and, without email-and-password accounts, what notices go through.
    #[cfg(feature = "email")]
    pub(crate) fn email_provider(&self) -> Option<(&EmailProvider, &dyn Adapter)> {
        self.providers.iter().find_map(|p| match p {
            Mounted::Email(provider, adapter) => Some((provider, adapter.as_ref())),
            _ => None,
        })
    }

    /// The configured provider with this id.
    pub(crate) fn provider(&self, id: &str) -> Option<&Mounted> {
        self.providers.iter().find(|p| p.id() == id)
    }

    /// The public origin and auth-routes URL of one request: the configured ones, or, when
    /// `trust_host` is on, the origin from `X-Forwarded-Host`/`-Proto` (plus the base path).
    pub(crate) fn public_url(
        &self,
        headers: &http::HeaderMap,
    ) -> (std::borrow::Cow<'_, Origin>, std::borrow::Cow<'_, str>) {
        use std::borrow::Cow;
        match self
            .trust_host
            .then(|| crate::request::forwarded_origin(headers, &self.origin))
            .flatten()
        {
            Some(origin) if origin != self.origin => {
                let base_url = format!("{origin}{}", self.base_path);
                (Cow::Owned(origin), Cow::Owned(base_url))
            }
            _ => (Cow::Borrowed(&self.origin), Cow::Borrowed(&self.base_url)),
        }
    }

    /// The strategy sessions use.
    pub(crate) fn strategy(&self) -> SessionStrategy {
        self.sessions.strategy()
    }
}

/// Two-factor sign-in when it is on: its options, the adapter that stores enrolments, and its
/// keys.
pub(crate) struct TwoFactorRuntime {
    pub(crate) options: crate::two_factor::TwoFactor,
    pub(crate) adapter: Arc<dyn Adapter>,
    pub(crate) keys: crate::two_factor::Keys,
}
