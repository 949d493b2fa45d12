//! Every startup check, split by concern, and the [`Inner`] they produce. A bad value fails
//! here with a [`ConfigError`] naming it, never per request.
//!
//! - [`secrets`]: at least one, each of at least [`MIN_SECRET_BYTES`].
//! - [`session_store`]: the strategy and what it needs (an adapter for database sessions and
//!   revocable JWTs), the session ages.
//! - [`accounts`]: email-and-password accounts and their mail.
//! - [`providers`]: ids, fields, endpoints and what each kind needs (an adapter for email, an
//!   HTTP client for OAuth).
//! - [`presentation`]: pages, theme and trusted origins (and the languages' catalogs,
//!   [`crate::i18n::Catalog::build`]).

use std::collections::HashSet;
use std::sync::Arc;

use crate::adapter::Adapter;
use crate::config::{self, AuthBuilder, Compatibility, ConfigError, SessionStrategy};
use crate::cookies::CookieNames;
#[cfg(feature = "password")]
use crate::inner::Accounts;
#[cfg(feature = "oauth")]
use crate::inner::TokenRefresh;
use crate::inner::{Inner, Mounted, SessionStore};
/// No token refresh without OAuth.
#[cfg(not(feature = "oauth"))]
type TokenRefresh = std::convert::Infallible;
use crate::jwt::{TokenCodec, TokenFormat};
use crate::providers::{self, Provider};
#[cfg(feature = "oauth")]
use crate::providers::{OAuthKind, OAuthProvider};
use crate::secret::{MIN_SECRET_BYTES, Secret};
use crate::url::Origin;

/// Checks a builder and derives the engine's state from it.
#[cfg_attr(not(feature = "password"), allow(unused_mut))]
pub(crate) fn build(mut b: AuthBuilder) -> Result<Inner, ConfigError> {
    let (origin, base_path) = config::split_base_url(&b.url)?;
    secrets(&b.secrets)?;
    let sessions = session_store(&b)?;
    if b.audit.store && b.audit.retention < crate::audit::Audit::MIN_RETENTION {
        return Err(ConfigError::AuditRetentionTooShort(b.audit.retention));
    }
    let two_factor = two_factor(&b)?;
    let max_age_secs = b.max_age.as_secs();
    #[cfg(feature = "password")]
    let accounts = accounts(&mut b)?;
    #[cfg(feature = "password")]
    if let Some(accounts) = &accounts {
        b.providers.push(
            providers::email_password::provider(
                Arc::clone(&accounts.adapter),
                Arc::clone(&accounts.hashing),
                accounts.options.allow_unverified_sign_in,
            )
            .into(),
        );
    }
    let trusted_origins = presentation(&b)?;
    let catalog = crate::i18n::Catalog::build(&b.languages)?;
    let (mounted, token_refresh) = providers(&b)?;
    let share_session_reads = sessions.strategy() == SessionStrategy::Database
        || b.custom_callbacks
        || b.revocable_jwt
        || token_refresh.is_some();
    let secure = b.use_secure_cookies.unwrap_or_else(|| origin.is_https());
    let cookie_names = CookieNames::new(b.compatibility.cookie_prefix(), secure);
    let session_codec = match b.compatibility {
        Compatibility::NextAuthV4 => TokenCodec::new(TokenFormat::V4, &b.secrets, ""),
        Compatibility::AuthJsV5 => {
            TokenCodec::new(TokenFormat::V5, &b.secrets, &cookie_names.session_token)
        }
    };
    let base_url = format!("{origin}{base_path}");
    let providers_json = crate::actions::providers_json(&mounted, &base_url);
    Ok(Inner {
        origin,
        base_path,
        base_url,
        secrets: b.secrets,
        compatibility: b.compatibility,
        session_codec,
        cookie_names,
        max_age_secs,
        update_age_secs: b.update_age.as_secs().min(max_age_secs),
        fresh_sign_in_ms: u64::try_from(b.fresh_sign_in.as_millis()).unwrap_or(u64::MAX),
        sessions,
        adapter: b.adapter,
        #[cfg(feature = "password")]
        accounts,
        providers: mounted,
        providers_json,
        #[cfg(feature = "oauth")]
        token_refresh,
        callbacks: b.callbacks,
        pages: b.pages,
        theme: b.theme,
        catalog,
        clock: b.clock,
        trust_host: b.trust_host,
        trusted_origins,
        client_ip_header: b.client_ip_header,
        limits: b
            .limit_store
            .unwrap_or_else(|| Arc::new(crate::ratelimit::MemoryLimitStore::default())),
        background: b.background,
        password_throttle: b.password_throttle,
        audit: b.audit,
        two_factor,
        share_session_reads,
        session_reads: Default::default(),
    })
}

/// At least one secret, and each of at least [`MIN_SECRET_BYTES`].
pub(crate) fn secrets(secrets: &[Secret]) -> Result<(), ConfigError> {
    if secrets.is_empty() {
        return Err(ConfigError::MissingSecret);
    }
    for (index, secret) in secrets.iter().enumerate() {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(ConfigError::WeakSecret {
                index: index + 1,
                len: secret.len(),
            });
        }
    }
    Ok(())
}

/// The session strategy with what it needs, and the session ages. Without an explicit choice:
/// database sessions when there is an adapter, JWTs otherwise (as in NextAuth).
fn session_store(b: &AuthBuilder) -> Result<SessionStore, ConfigError> {
    if b.max_age.as_secs() == 0 {
        return Err(ConfigError::InvalidSessionSetting {
            name: "max_age",
            reason: "must be at least one second".into(),
        });
    }
    let strategy = b.strategy.unwrap_or(if b.adapter.is_some() {
        SessionStrategy::Database
    } else {
        SessionStrategy::Jwt
    });
    match (strategy, &b.adapter) {
        (SessionStrategy::Database, None) => Err(ConfigError::DatabaseStrategyWithoutAdapter),
        (SessionStrategy::Database, Some(adapter)) => {
            Ok(SessionStore::Database(Arc::clone(adapter)))
        }
        (SessionStrategy::Jwt, adapter) => {
            let revocation = match (b.revocable_jwt, adapter) {
                (false, _) => None,
                (true, Some(adapter)) => Some(Arc::clone(adapter)),
                (true, None) => return Err(ConfigError::NeedsAdapter("revocable JWT sessions")),
            };
            Ok(SessionStore::Jwt { revocation })
        }
    }
}

#[cfg(feature = "password")]
/// Email-and-password accounts: they need an adapter, and sign-up needs a way to mail the
/// address it must prove (unless unproven addresses may sign in).
fn accounts(b: &mut AuthBuilder) -> Result<Option<Arc<Accounts>>, ConfigError> {
    let Some(options) = b.email_password.clone() else {
        return Ok(None);
    };
    let Some(adapter) = &b.adapter else {
        return Err(ConfigError::NeedsAdapter("email-and-password accounts"));
    };
    if options.sign_up && !options.allow_unverified_sign_in && options.transport.is_none() {
        return Err(ConfigError::SignUpNeedsTransport);
    }
    let hashing = b
        .password_hashing
        .take()
        .unwrap_or_else(|| Arc::new(crate::password::PasswordHasher::new()));
    Ok(Some(Arc::new(Accounts {
        options,
        adapter: Arc::clone(adapter),
        hashing,
    })))
}

/// Every provider checked and given what it needs; and the token refresh, when a provider
/// asks for it.
fn providers(b: &AuthBuilder) -> Result<(Vec<Mounted>, Option<TokenRefresh>), ConfigError> {
    #[cfg(not(feature = "oauth"))]
    let token_refresh: Option<TokenRefresh> = None;
    let mut seen = HashSet::new();
    for provider in &b.providers {
        if !providers::valid_provider_id(provider.id()) || !seen.insert(provider.id()) {
            return Err(ConfigError::InvalidProviderId(provider.id().to_owned()));
        }
    }
    #[cfg_attr(
        not(any(feature = "email", feature = "oauth")),
        allow(unused_variables)
    )]
    let needs_adapter = |what: &'static str| -> Result<Arc<dyn Adapter>, ConfigError> {
        b.adapter.clone().ok_or(ConfigError::NeedsAdapter(what))
    };
    #[cfg(feature = "oauth")]
    let has_oauth = b.providers.iter().any(|p| matches!(p, Provider::OAuth(_)));
    #[cfg(feature = "oauth")]
    let runtime = match (has_oauth, &b.http_client) {
        (false, _) => None,
        (true, None) => return Err(ConfigError::NeedsHttpClient),
        (true, Some(http)) => Some(Arc::new(crate::oauth::OAuthRuntime {
            http: Arc::clone(http),
            caches: crate::oauth::Caches::default(),
            checks: TokenCodec::new(TokenFormat::V5, &b.secrets, "authrs.oauth-check"),
            refreshing: Default::default(),
        })),
    };
    let mut mounted = Vec::with_capacity(b.providers.len());
    #[cfg(feature = "oauth")]
    let mut token_refresh = None;
    for provider in &b.providers {
        mounted.push(match provider {
            Provider::Credentials(p) => {
                credential_fields(p)?;
                Mounted::Credentials(p.clone())
            }
            #[cfg(feature = "email")]
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
                Mounted::Email(p.clone(), needs_adapter("the email provider")?)
            }
            #[cfg(feature = "oauth")]
            Provider::OAuth(p) => {
                oauth_endpoints(p)?;
                let runtime = runtime.clone().ok_or(ConfigError::NeedsHttpClient)?;
                if p.refresh {
                    match &mut token_refresh {
                        Some(TokenRefresh { providers, .. }) => providers.push(p.as_ref().clone()),
                        None => {
                            token_refresh = Some(TokenRefresh {
                                runtime: Arc::clone(&runtime),
                                adapter: needs_adapter("refreshing provider tokens")?,
                                providers: vec![p.as_ref().clone()],
                            });
                        }
                    }
                }
                Mounted::OAuth(p.clone(), runtime)
            }
            #[cfg(feature = "passkey")]
            Provider::Passkey(p) => {
                let (origin, _) = config::split_base_url(&b.url)?;
                let adapter = needs_adapter("the passkey provider")?;
                let runtime = providers::passkey::PasskeyRuntime::new(p, &origin, adapter, &b.secrets)?;
                Mounted::Passkey(Arc::new(runtime))
            }
        });
    }
    Ok((mounted, token_refresh))
}

/// Credential field names: present, distinct, and none of the protocol's own.
fn credential_fields(p: &providers::CredentialsProvider) -> Result<(), ConfigError> {
    let mut names = HashSet::new();
    for field in p.fields() {
        let reserved = matches!(
            field.name.as_str(),
            "csrfToken" | "callbackUrl" | "json" | "redirect"
        );
        if field.name.is_empty() || reserved || !names.insert(field.name.as_str()) {
            return Err(ConfigError::InvalidProvider {
                provider: p.id.clone(),
                reason: format!("field name {:?} is empty, repeated or reserved", field.name),
            });
        }
    }
    Ok(())
}

#[cfg(feature = "oauth")]
/// What each OAuth kind needs, and ID tokens signed with public keys only.
fn oauth_endpoints(p: &OAuthProvider) -> Result<(), ConfigError> {
    let urls = [
        ("issuer", &p.issuer),
        ("authorization URL", &p.authorization_url),
        ("token URL", &p.token_url),
        ("userinfo URL", &p.userinfo_url),
        ("key set URL", &p.jwks_url),
    ];
    for (what, url) in urls {
        if let Some(url) = url
            && let Err(reason) = crate::oauth::check_provider_url(url, what == "issuer")
        {
            return Err(ConfigError::InvalidProvider {
                provider: p.id.clone(),
                reason: format!("the {what} {reason}"),
            });
        }
    }
    let endpoints = p.authorization_url.is_some() && p.token_url.is_some();
    let problem = if p.client_id.is_empty() {
        Some("the client id is empty")
    } else if p.kind == OAuthKind::Oidc && p.issuer.is_none() {
        Some("an OpenID Connect provider needs an issuer")
    } else if p.kind == OAuthKind::OAuth2 && !(endpoints && p.userinfo_url.is_some()) {
        Some("an OAuth 2.0 provider needs authorization, token and userinfo URLs")
    } else if p
        .id_token_algorithms
        .iter()
        .any(|a| a == "none" || a.starts_with("HS"))
    {
        Some("ID tokens must be signed with a public-key algorithm (no none, no HS*)")
    } else {
        None
    };
    match problem {
        Some(reason) => Err(ConfigError::InvalidProvider {
            provider: p.id.clone(),
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Custom pages, the theme and the trusted origins.
fn presentation(b: &AuthBuilder) -> Result<Vec<Origin>, ConfigError> {
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
    b.trusted_origins
        .iter()
        .map(|value| {
            Origin::parse(value).map_err(|reason| ConfigError::InvalidTrustedOrigin {
                value: value.clone(),
                reason,
            })
        })
        .collect()
}

/// Two-factor sign-in, when it is on: it stores enrolments, so it needs the adapter.
fn two_factor(b: &AuthBuilder) -> Result<Option<crate::inner::TwoFactorRuntime>, ConfigError> {
    if b.two_factor.mode == crate::two_factor::TwoFactorMode::Off {
        return Ok(None);
    }
    let Some(adapter) = b.adapter.clone() else {
        return Err(ConfigError::NeedsAdapter("two-factor sign-in"));
    };
    Ok(Some(crate::inner::TwoFactorRuntime {
        options: b.two_factor.clone(),
        adapter,
        keys: crate::two_factor::Keys::new(&b.secrets),
    }))
}
