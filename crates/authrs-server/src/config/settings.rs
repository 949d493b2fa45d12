//! The schema of the configuration and the values in force: [`Settings`], one struct per
//! section, each field a key (`deserialize_with` names the reader of a value with a range or a
//! form of its own), with the defaults, and the engine builder they describe.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::Adapter;
use authrs_core::i18n::Languages;
use authrs_core::password::PasswordHashing;
use authrs_core::providers::presets::{PRESETS, preset};
use authrs_core::providers::{Checks, ClientAuth, OAuthProvider, ProfileMap};
use authrs_core::ratelimit::{LimitStore, MemoryLimitStore, RateLimit};
use authrs_core::secret::Secret;
use authrs_core::{
    Auth, AuthBuilder, ColorScheme, Compatibility, EmailPassword, Pages, PasswordThrottle,
    SessionStrategy, Theme,
};
use authrs_sqlx::DatabaseUrl;
use serde::Deserialize;

use crate::mail::EmailSettings;
use crate::values;

/// The default listen address.
pub const DEFAULT_BIND: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000);

/// The default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "authrs-data";

/// The default fewest characters of an account password (ASVS 2.1.1).
pub const DEFAULT_MIN_PASSWORD_LENGTH: usize = 8;

/// The database file inside the data directory when no `database_url` is configured.
pub const DEFAULT_DATABASE_FILE: &str = "authrs.db";

/// The configuration of the server: the schema of the file (each field is a key, each struct
/// a section) and, once loaded, the values in force.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The public URL of the auth routes; `None` derives it from the bound address.
    pub url: Option<String>,
    /// The listen address.
    #[serde(deserialize_with = "values::bind")]
    pub bind: SocketAddr,
    /// The secrets, the first encrypting (`secret` in the file is one of them); empty means
    /// the development secret kept in the data directory.
    #[serde(deserialize_with = "values::secrets")]
    pub secrets: Vec<Secret>,
    /// NextAuth v4 or Auth.js v5 behaviour.
    #[serde(deserialize_with = "values::choice")]
    pub compatibility: Compatibility,
    /// Whether `X-Forwarded-Host`/`-Proto` are trusted.
    pub trust_host: bool,
    /// Extra origins callback URLs may point to.
    #[serde(deserialize_with = "values::list")]
    pub trusted_origins: Vec<String>,
    /// Forced secure-cookie setting; `None` follows the URL's scheme.
    pub use_secure_cookies: Option<bool>,
    /// Where generated files (development secret, default database, demo password) live.
    #[serde(deserialize_with = "values::path")]
    pub data_dir: PathBuf,
    /// The configured database; `None` means the SQLite file in the data directory.
    #[serde(deserialize_with = "values::database_url")]
    pub database_url: Option<DatabaseUrl>,
    /// The header the client address comes from (for rate limits); `None`: the TCP peer.
    #[serde(deserialize_with = "values::header_name")]
    pub client_ip_header: Option<String>,
    /// A folder served at `/` (an app beside the auth routes); `index.html` answers unknown
    /// paths.
    #[serde(deserialize_with = "values::some_path")]
    pub static_dir: Option<PathBuf>,
    /// Whether hidden files in `static_dir` are served.
    pub static_dotfiles: bool,
    /// How `serve` writes its log lines: `text` for people, `json` (one object per line, with
    /// the fields as keys) for log shippers.
    #[serde(deserialize_with = "values::choice")]
    pub log_format: LogFormat,
    /// `[session]`.
    pub session: SessionSettings,
    /// `[accounts]`.
    pub accounts: AccountSettings,
    /// `[email]`: email sign-in and the mail transport.
    pub email: EmailSettings,
    /// `[limits]`: the abuse limits.
    pub limits: LimitSettings,
    /// `[server]`: the bounds on connections and time.
    pub server: ServerSettings,
    /// `[postgres]`: the PostgreSQL pool and start-up (unused on SQLite).
    pub postgres: PostgresSettings,
    /// `[metrics]`: `GET /metrics` for Prometheus (off by default).
    pub metrics: MetricsSettings,
    /// `[audit]`: the stored security events.
    pub audit: AuditSettings,
    /// `[two_factor]`: two-step sign-in with an authenticator app.
    pub two_factor: TwoFactorSettings,
    /// `[passkey]`: sign-in with passkeys (off by default).
    pub passkey: PasskeySettings,
    /// `[theme]`: the built-in pages' look.
    pub theme: ThemeSettings,
    /// `[languages]`: the built-in pages' and mails' languages.
    pub languages: LanguageSettings,
    /// `[pages]`: custom page URLs.
    pub pages: PageSettings,
    /// `[credentials]`.
    pub credentials: CredentialSettings,
    /// `[providers.<id>]`: the configured OAuth presets, by id.
    pub providers: std::collections::BTreeMap<String, ProviderSettings>,
    /// The configuration file that was read, if any.
    #[serde(skip)]
    pub config_file: Option<PathBuf>,
}

/// `[session]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSettings {
    /// How sessions are kept: a row in the database (default) or an encrypted JWT.
    #[serde(deserialize_with = "values::choice")]
    pub strategy: SessionStrategy,
    /// Whether JWT sessions check the user's "sessions valid after" stamp on every read.
    pub revocable_jwt: bool,
    /// Session lifetime (default 30 days).
    #[serde(deserialize_with = "values::duration::<_, 0, { u64::MAX }>")]
    pub max_age: Duration,
    /// How often a session's expiry is refreshed (default 1 day).
    #[serde(deserialize_with = "values::duration::<_, 0, { u64::MAX }>")]
    pub update_age: Duration,
    /// Database sessions the in-process cache holds at most; 0 turns it off.
    #[serde(deserialize_with = "values::count::<_, 0, 10_000_000>")]
    pub cache_size: u32,
    /// The longest a cached session is served without a database read.
    #[serde(deserialize_with = "values::duration::<_, 0, 3600>")]
    pub cache_ttl: Duration,
    /// How recent a sign-in must be to add a way in with it: a passkey, or a linked account
    /// (default 15 minutes, at most a day).
    #[serde(deserialize_with = "values::duration::<_, 60, 86_400>")]
    pub fresh_sign_in: Duration,
}

/// `[accounts]`: email-and-password accounts.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountSettings {
    /// Whether visitors may create accounts.
    pub sign_up: bool,
    /// Fewest characters an account password may have.
    #[serde(deserialize_with = "values::password_length")]
    pub min_password_length: usize,
    /// Whether a password signs in before its address is proven.
    pub allow_unverified_sign_in: bool,
}

/// `[theme]`: the look of the built-in pages (NextAuth's `theme`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThemeSettings {
    /// Light, dark, or follow the browser.
    #[serde(deserialize_with = "values::choice")]
    pub color_scheme: ColorScheme,
    /// Accent colour, `#rgb` or `#rrggbb`.
    pub brand_color: Option<String>,
    /// Logo: an http(s) URL or a path.
    pub logo: Option<String>,
    /// Text colour on brand-coloured buttons.
    pub button_text: Option<String>,
}

/// `[metrics]`: `GET /metrics` in Prometheus's text format, off unless one of these is set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// A listen address of its own that serves `GET /metrics` with no token (keep it on a
    /// network only the scraper reaches).
    #[serde(deserialize_with = "values::some_bind")]
    pub bind: Option<SocketAddr>,
    /// A bearer token (16 characters at least) that opens `GET /metrics` on the main listener.
    #[serde(deserialize_with = "values::secret")]
    pub token: Option<Secret>,
}

impl MetricsSettings {
    /// Whether `/metrics` is served anywhere.
    pub fn enabled(&self) -> bool {
        self.bind.is_some() || self.token.is_some()
    }
}

/// `[audit]`: security events (sign-ins and their failures, password changes, linked accounts,
/// ended sessions, …). They are always logged, at target `authrs::audit`; these settings say
/// whether they are also stored in the database, where the account page shows each user theirs.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditSettings {
    /// Whether events are stored in the `audit_events` table.
    pub store: bool,
    /// How long stored events are kept (a day to ten years); the expiry sweep deletes older
    /// ones.
    #[serde(deserialize_with = "values::duration::<_, 86_400, 315_360_000>")]
    pub retention: Duration,
    /// Events other than failures stored per user per hour (0: no limit); past it they are
    /// logged only.
    #[serde(deserialize_with = "values::count::<_, 0, 10_000>")]
    pub max_events_per_user: u32,
    /// Failed sign-ins and proofs stored per user per hour (0: no limit); past it they are
    /// logged only.
    #[serde(deserialize_with = "values::count::<_, 0, 10_000>")]
    pub max_failures_per_user: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        use authrs_core::audit::Audit;
        Self {
            store: true,
            retention: Audit::DEFAULT_RETENTION,
            max_events_per_user: Audit::DEFAULT_EVENTS_PER_USER.max,
            max_failures_per_user: Audit::DEFAULT_FAILURES_PER_USER.max,
        }
    }
}

impl AuditSettings {
    /// The engine's setting (the retention holds with `store` off too: rows stored before
    /// are swept on the same schedule).
    pub fn audit(&self) -> authrs_core::audit::Audit {
        let hour = Duration::from_secs(60 * 60);
        let limit = |max: u32| (max > 0).then(|| RateLimit::new(max, hour));
        let mut audit = authrs_core::audit::Audit::stored_for(self.retention).per_user(
            limit(self.max_events_per_user),
            limit(self.max_failures_per_user),
        );
        audit.store = self.store;
        audit
    }
}

/// `[two_factor]`: two-step sign-in with a code from an authenticator app (TOTP) after the
/// password, the email link or the OAuth provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwoFactorSettings {
    /// `off`, `optional` (users turn it on from the account page) or `required` (everyone
    /// enrols at their next sign-in).
    #[serde(deserialize_with = "values::choice")]
    pub mode: authrs_core::two_factor::TwoFactorMode,
    /// Days a browser may skip the second step after "remember this device" (0: never).
    #[serde(deserialize_with = "values::count::<_, 0, 90>")]
    pub remember_days: u32,
    /// The name authenticator apps show (default: the site's host).
    pub issuer: Option<String>,
}

impl Default for TwoFactorSettings {
    fn default() -> Self {
        Self {
            mode: authrs_core::two_factor::TwoFactorMode::Off,
            remember_days: 0,
            issuer: None,
        }
    }
}

impl TwoFactorSettings {
    /// The engine's setting.
    pub fn two_factor(&self) -> authrs_core::two_factor::TwoFactor {
        let mut two_factor = authrs_core::two_factor::TwoFactor::new(self.mode);
        if self.remember_days > 0 {
            let days = u64::from(self.remember_days);
            two_factor = two_factor.remember_device_for(Duration::from_secs(days * 86_400));
        }
        two_factor.issuer = self.issuer.clone();
        two_factor
    }
}

/// `[passkey]`: sign-in with passkeys (WebAuthn), as Auth.js v5's passkey provider on the wire
/// and a button on the built-in sign-in page.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasskeySettings {
    /// Offer passkeys (default: off).
    pub enabled: bool,
    /// The relying party id: the site's registrable domain (default: the host of `url`).
    pub rp_id: Option<String>,
    /// The name some authenticators show (default: the RP id).
    pub rp_name: Option<String>,
    /// The origins browsers may report (default: the origin of `url`). Each must be on the RP
    /// id or a subdomain of it.
    pub origins: Vec<String>,
    /// `required` (the default: a PIN or biometric at each use) or `preferred`.
    #[serde(deserialize_with = "values::choice")]
    pub user_verification: authrs_core::providers::UserVerification,
    /// Whether a new account can be made with a passkey; its address is proven by the email
    /// provider first, so this needs `[email] enabled` (default: on).
    pub sign_up: bool,
}

impl Default for PasskeySettings {
    fn default() -> Self {
        Self {
            enabled: false,
            rp_id: None,
            rp_name: None,
            origins: Vec::new(),
            user_verification: authrs_core::providers::UserVerification::Required,
            sign_up: true,
        }
    }
}

impl PasskeySettings {
    /// The engine's provider, when passkeys are on.
    pub fn provider(&self) -> Option<authrs_core::providers::PasskeyProvider> {
        if !self.enabled {
            return None;
        }
        let mut provider = authrs_core::providers::PasskeyProvider::new();
        provider.rp_id = self.rp_id.clone();
        provider.rp_name = self.rp_name.clone();
        provider.origins = self.origins.clone();
        provider.user_verification = self.user_verification;
        provider.sign_up = self.sign_up;
        Some(provider)
    }
}

/// `[languages]`: the languages of the built-in pages and mails.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LanguageSettings {
    /// The language of a visitor whose browser asks for none the server has.
    pub default: String,
    /// A folder of Fluent catalogs, `<tag>.ftl` each (`de.ftl`, `it.ftl`): a language to
    /// add, or messages that replace built-in ones.
    #[serde(deserialize_with = "values::some_path")]
    pub dir: Option<PathBuf>,
}

impl Default for LanguageSettings {
    fn default() -> Self {
        Self {
            default: "en".to_owned(),
            dir: None,
        }
    }
}

/// The largest catalog file read from `languages.dir`.
const MAX_CATALOG_BYTES: u64 = 1024 * 1024;

impl LanguageSettings {
    /// The engine's languages: the built-in ones, the default, and every `*.ftl` in `dir`
    /// (in name order; other files are passed over).
    pub fn languages(&self) -> Result<Languages, String> {
        let mut languages = Languages::new().default_language(self.default.clone());
        let Some(dir) = &self.dir else {
            return Ok(languages);
        };
        let read_dir = |error: std::io::Error| format!("cannot read {}: {error}", dir.display());
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_dir)? {
            let path = entry.map_err(read_dir)?.path();
            let hidden = path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'));
            if !hidden && path.extension().is_some_and(|e| e == "ftl") && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let tag = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let cannot = |error: std::io::Error| format!("cannot read {name}: {error}");
            let file = std::fs::File::open(&path).map_err(cannot)?;
            let mut source = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(file, MAX_CATALOG_BYTES + 1),
                &mut source,
            )
            .map_err(cannot)?;
            if source.len() as u64 > MAX_CATALOG_BYTES {
                return Err(format!(
                    "{name} is larger than {MAX_CATALOG_BYTES} bytes, the most a catalog may have"
                ));
            }
            languages = languages.add(tag, name, source);
        }
        Ok(languages)
    }
}

/// `[pages]`: custom page URLs (NextAuth's `pages`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageSettings {
    /// Sign-in page.
    pub sign_in: Option<String>,
    /// Sign-out page.
    pub sign_out: Option<String>,
    /// Error page.
    pub error: Option<String>,
    /// "Check your email" page.
    pub verify_request: Option<String>,
    /// Where new users go after their first sign-in.
    pub new_user: Option<String>,
}

/// `[credentials]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CredentialSettings {
    /// A users file for the `credentials` provider; `None`: no such provider.
    #[serde(deserialize_with = "values::some_path")]
    pub users_file: Option<PathBuf>,
}

/// One OAuth preset (`[providers.<id>]`, `AUTHRS_<ID>_CLIENT_ID`, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderSettings {
    /// `oidc` or `oauth2`: a provider of your own, under any id; none for a preset, which the
    /// id names.
    #[serde(rename = "type", deserialize_with = "values::some_choice")]
    pub kind: Option<CustomKind>,
    /// The button's name (a provider of your own; presets have theirs). Default: the id.
    #[serde(deserialize_with = "values::trimmed")]
    pub name: Option<String>,
    /// The client id.
    #[serde(deserialize_with = "values::trimmed")]
    pub client_id: Option<String>,
    /// The client secret (never shown).
    #[serde(deserialize_with = "values::secret")]
    pub client_secret: Option<Secret>,
    /// The issuer: OpenID Connect discovery starts there (and presets that need one).
    #[serde(deserialize_with = "values::trimmed")]
    pub issuer: Option<String>,
    /// The scopes asked for, space-separated. Default: `openid email profile` for `oidc`,
    /// none for `oauth2`.
    #[serde(deserialize_with = "values::trimmed")]
    pub scope: Option<String>,
    /// The authorization endpoint (`oauth2`: required; `oidc`: overrides discovery).
    #[serde(deserialize_with = "values::trimmed")]
    pub authorization_url: Option<String>,
    /// The token endpoint (`oauth2`: required; `oidc`: overrides discovery).
    #[serde(deserialize_with = "values::trimmed")]
    pub token_url: Option<String>,
    /// The userinfo endpoint (`oauth2`: required; `oidc`: overrides discovery).
    #[serde(deserialize_with = "values::trimmed")]
    pub userinfo_url: Option<String>,
    /// JSON pointers to the user's id in the profile, the first present one wins
    /// (`oauth2`: required; `oidc`: default `/sub`).
    #[serde(deserialize_with = "values::list")]
    pub profile_id: Vec<String>,
    /// JSON pointers to the display name.
    #[serde(deserialize_with = "values::list")]
    pub profile_name: Vec<String>,
    /// JSON pointers to the address.
    #[serde(deserialize_with = "values::list")]
    pub profile_email: Vec<String>,
    /// JSON pointers to whether the provider verified the address.
    #[serde(deserialize_with = "values::list")]
    pub profile_email_verified: Vec<String>,
    /// JSON pointers to the picture URL.
    #[serde(deserialize_with = "values::list")]
    pub profile_image: Vec<String>,
    /// The checks the authorization request carries, each then required on the way back:
    /// `pkce`, `state`, `nonce` (`oidc` only). Default: all three for `oidc`, `pkce` and
    /// `state` for `oauth2`.
    #[serde(deserialize_with = "values::some_list")]
    pub checks: Option<Vec<String>>,
    /// How the client authenticates at the token endpoint: `client_secret_basic` (default)
    /// or `client_secret_post`.
    #[serde(deserialize_with = "values::some_choice")]
    pub client_auth: Option<ClientAuth>,
    /// Link by verified address (see `OAuthProvider::allow_email_account_linking`).
    pub allow_email_account_linking: bool,
}

/// How the server writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LogFormat {
    /// Lines for people (colours on a terminal).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl values::Choice for LogFormat {
    const NAME: &'static str = "log_format";
    const WORDS: &'static [(&'static str, Self)] = &[("text", Self::Text), ("json", Self::Json)];
}

/// A provider of one's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomKind {
    /// OpenID Connect: discovery from the issuer, ID tokens checked.
    Oidc,
    /// OAuth 2.0 with explicit endpoints and a profile map.
    OAuth2,
}

/// `[limits]`: the abuse limits, counts per window, 0 turning one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Password guesses at one account from one client network per 15 minutes.
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub password_per_account_and_network: u32,
    /// Password guesses from one client network per 15 minutes.
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub password_per_network: u32,
    /// Password guesses at one account from unknown networks per 15 minutes.
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub password_per_account: u32,
    /// Sign-ups per client network per hour.
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub sign_ups_per_client: u32,
    /// Counters the in-memory limit store holds at most.
    #[serde(deserialize_with = "values::count::<_, 1024, 16_777_216>")]
    pub memory_keys: u32,
}

/// `[postgres]`: the PostgreSQL pool's size and time bounds, and how long start-up waits for
/// the database (docs/operations.md says what each does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostgresSettings {
    /// Connections per process.
    #[serde(deserialize_with = "values::count::<_, 1, 1000>")]
    pub pool_size: u32,
    /// Time a query waits for a free connection.
    #[serde(deserialize_with = "values::duration::<_, 1, 600>")]
    pub acquire_timeout: Duration,
    /// PostgreSQL's `statement_timeout`; 0 turns it off.
    #[serde(deserialize_with = "values::duration::<_, 0, 3600>")]
    pub statement_timeout: Duration,
    /// A connection unused this long is closed.
    #[serde(deserialize_with = "values::duration::<_, 1, 86400>")]
    pub idle_timeout: Duration,
    /// How long start-up keeps trying to reach a database that is not up yet; 0: no retry.
    #[serde(deserialize_with = "values::duration::<_, 0, 3600>")]
    pub connect_retry: Duration,
}

impl Default for PostgresSettings {
    fn default() -> Self {
        let pool = authrs_sqlx::PostgresPool::default();
        Self {
            pool_size: pool.size,
            acquire_timeout: pool.acquire_timeout,
            statement_timeout: pool.statement_timeout,
            idle_timeout: pool.idle_timeout,
            connect_retry: Self::DEFAULT_CONNECT_RETRY,
        }
    }
}

impl PostgresSettings {
    /// The default start-up retry: long enough for a database started beside the server (a
    /// container, a restarted managed instance) to come up, short enough that a wrong host
    /// is reported while someone is still watching.
    pub const DEFAULT_CONNECT_RETRY: Duration = Duration::from_secs(30);

    /// The pool these settings describe.
    pub fn pool(&self) -> authrs_sqlx::PostgresPool {
        let mut pool = authrs_sqlx::PostgresPool::default();
        pool.size = self.pool_size;
        pool.acquire_timeout = self.acquire_timeout;
        pool.statement_timeout = self.statement_timeout;
        pool.idle_timeout = self.idle_timeout;
        pool
    }
}

/// `[server]`: the server's bounds on connections and time (the connection loop says what
/// each does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Time for a request head to arrive.
    #[serde(deserialize_with = "values::duration::<_, 1, 3600>")]
    pub header_timeout: Duration,
    /// Time for a whole request body to arrive after its head.
    #[serde(deserialize_with = "values::duration::<_, 1, 3600>")]
    pub body_timeout: Duration,
    /// Time an answer may wait for the client to take any of its bytes.
    #[serde(deserialize_with = "values::duration::<_, 1, 3600>")]
    pub send_timeout: Duration,
    /// Connections served at once.
    #[serde(deserialize_with = "values::count::<_, 1, 1_000_000>")]
    pub max_connections: u32,
    /// Connections served at once to one client network (an IPv4 address, an IPv6 /64);
    /// 0 turns it off. Not applied behind a proxy (`client_ip_header` set).
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub max_connections_per_client: u32,
    /// The request line and headers together, in bytes.
    #[serde(deserialize_with = "values::count::<_, 8192, 1_048_576>")]
    pub max_header_bytes: u32,
    /// After a shutdown signal, how long requests in flight may finish.
    #[serde(deserialize_with = "values::duration::<_, 0, 3600>")]
    pub shutdown_grace: Duration,
    /// The deadline of one outbound call (a provider request, an SMTP delivery).
    #[serde(deserialize_with = "values::duration::<_, 1, 60>")]
    pub outbound_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            url: None,
            bind: DEFAULT_BIND,
            secrets: Vec::new(),
            compatibility: Compatibility::default(),
            trust_host: false,
            trusted_origins: Vec::new(),
            use_secure_cookies: None,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            database_url: None,
            client_ip_header: None,
            static_dir: None,
            static_dotfiles: false,
            log_format: LogFormat::Text,
            session: SessionSettings::default(),
            accounts: AccountSettings::default(),
            email: EmailSettings::default(),
            limits: LimitSettings::default(),
            server: ServerSettings::default(),
            postgres: PostgresSettings::default(),
            metrics: MetricsSettings::default(),
            audit: AuditSettings::default(),
            two_factor: TwoFactorSettings::default(),
            passkey: PasskeySettings::default(),
            theme: ThemeSettings::default(),
            languages: LanguageSettings::default(),
            pages: PageSettings::default(),
            credentials: CredentialSettings::default(),
            providers: Default::default(),
            config_file: None,
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            strategy: SessionStrategy::Database,
            revocable_jwt: false,
            max_age: Duration::from_secs(30 * 24 * 60 * 60),
            update_age: Duration::from_secs(24 * 60 * 60),
            cache_size: 10_000,
            cache_ttl: Duration::from_secs(60),
            fresh_sign_in: Duration::from_secs(15 * 60),
        }
    }
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            sign_up: false,
            min_password_length: DEFAULT_MIN_PASSWORD_LENGTH,
            allow_unverified_sign_in: false,
        }
    }
}

impl Default for LimitSettings {
    fn default() -> Self {
        let throttle = PasswordThrottle::default();
        let max = |limit: Option<RateLimit>| limit.map_or(0, |l| l.max);
        Self {
            password_per_account_and_network: max(throttle.per_account_and_network),
            password_per_network: max(throttle.per_network),
            password_per_account: max(throttle.per_account),
            sign_ups_per_client: max(EmailPassword::default().sign_ups_per_client),
            memory_keys: u32::try_from(MemoryLimitStore::DEFAULT_MAX_KEYS).unwrap_or(u32::MAX),
        }
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            header_timeout: Self::DEFAULT_TIMEOUT,
            body_timeout: Self::DEFAULT_TIMEOUT,
            send_timeout: Self::DEFAULT_SEND_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            max_connections_per_client: Self::DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            max_header_bytes: Self::DEFAULT_MAX_HEADER_BYTES,
            // As long as a body may take: a request that arrived just before the signal can
            // still be read and answered.
            shutdown_grace: Self::DEFAULT_TIMEOUT,
            outbound_timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

impl ServerSettings {
    /// The default header and body timeouts: a real client sends a head in milliseconds and
    /// the largest body the auth routes take (64 KiB) in well under a second, even on a slow
    /// mobile link; ten seconds leaves room for a bad network without letting a slow client
    /// hold a connection for long.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The default send timeout: a client that takes no byte of an answer for half a minute
    /// is gone or stalling on purpose; one on a slow link still takes some every second. (A
    /// large static asset streams for as long as the client keeps taking it.)
    pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(30);

    /// The default header cap, 64 KiB: next-auth splits a session into cookies of about 4 KB,
    /// and Node's own default cap (16 KiB) already bounds what a next-auth deployment sends, so
    /// this fits 15 full chunks beside the other headers and still bounds each connection's
    /// buffer.
    pub const DEFAULT_MAX_HEADER_BYTES: u32 = 64 * 1024;

    /// The default connection cap: far above what one instance answers at once, and under the
    /// usual 4096+ file descriptors with room for the database and logs.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 1024;

    /// The default per-client cap, a quarter of the places: one address cannot fill the
    /// server, while an office or a carrier NAT behind one address (a browser keeps at most
    /// six connections to a host) still gets dozens of users in at once.
    pub const DEFAULT_MAX_CONNECTIONS_PER_CLIENT: u32 = 256;
}

impl LimitSettings {
    /// The password throttle these settings describe.
    pub fn password_throttle(&self) -> PasswordThrottle {
        let window = Duration::from_secs(15 * 60);
        let limit = |max: u32| (max > 0).then(|| RateLimit::new(max, window));
        PasswordThrottle {
            per_account_and_network: limit(self.password_per_account_and_network),
            per_network: limit(self.password_per_network),
            per_account: limit(self.password_per_account),
            ..PasswordThrottle::default()
        }
    }

    /// The sign-up limit.
    pub fn sign_ups(&self) -> Option<RateLimit> {
        let hour = Duration::from_secs(60 * 60);
        (self.sign_ups_per_client > 0).then(|| RateLimit::new(self.sign_ups_per_client, hour))
    }

    /// An in-memory limit store of `memory_keys` counters.
    pub fn memory_store(&self) -> Arc<MemoryLimitStore> {
        let keys = usize::try_from(self.memory_keys).unwrap_or(usize::MAX);
        Arc::new(MemoryLimitStore::new(
            std::num::NonZeroUsize::new(keys).unwrap_or(std::num::NonZeroUsize::MIN),
        ))
    }
}

impl ProviderSettings {
    /// The OAuth preset `id` with these settings.
    pub fn oauth_provider(&self, id: &str) -> Result<OAuthProvider, String> {
        if let Some(kind) = self.kind {
            if preset(id).is_some() {
                // Accounts are keyed by provider id and the provider's user id: another issuer
                // under a preset's id would sign in as the preset's users.
                return Err(format!(
                    "providers.{id}.type: {id} is a preset's id; give a provider of your own \
                     another id"
                ));
            }
            return self.custom_provider(id, kind);
        }
        if let Some(key) = self.custom_only_key() {
            return Err(format!(
                "providers.{id}.{key} is for providers of your own (a preset has its own): \
                 under another id, with type = \"oidc\" or type = \"oauth2\""
            ));
        }
        let Some(preset) = preset(id) else {
            let known: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
            return Err(format!(
                "unknown provider {id:?} (known: {})",
                known.join(", ")
            ));
        };
        let (Some(client_id), Some(secret)) = (&self.client_id, &self.client_secret) else {
            let env = id.to_ascii_uppercase().replace('-', "_");
            return Err(format!(
                "provider {id} needs client_id and client_secret \
                 (AUTHRS_{env}_CLIENT_ID and AUTHRS_{env}_CLIENT_SECRET)"
            ));
        };
        let provider = preset.build(client_id, secret.clone(), self.issuer.as_deref())?;
        Ok(provider.allow_email_account_linking(self.allow_email_account_linking))
    }

    /// The first setting given that only a provider of one's own takes.
    fn custom_only_key(&self) -> Option<&'static str> {
        [
            ("name", self.name.is_some()),
            ("scope", self.scope.is_some()),
            ("authorization_url", self.authorization_url.is_some()),
            ("token_url", self.token_url.is_some()),
            ("userinfo_url", self.userinfo_url.is_some()),
            ("profile_id", !self.profile_id.is_empty()),
            ("profile_name", !self.profile_name.is_empty()),
            ("profile_email", !self.profile_email.is_empty()),
            (
                "profile_email_verified",
                !self.profile_email_verified.is_empty(),
            ),
            ("profile_image", !self.profile_image.is_empty()),
            ("checks", self.checks.is_some()),
            ("client_auth", self.client_auth.is_some()),
        ]
        .into_iter()
        .find_map(|(key, given)| given.then_some(key))
    }

    /// A provider of one's own: `oidc` from its issuer, or `oauth2` from its endpoints and
    /// profile map. The engine checks the rest (the URLs among them) when it is built.
    fn custom_provider(&self, id: &str, kind: CustomKind) -> Result<OAuthProvider, String> {
        let missing = |key: &str| format!("providers.{id} (type = {}) needs {key}", kind.word());
        let client_id = self
            .client_id
            .as_deref()
            .ok_or_else(|| missing("client_id"))?;
        let secret = (self.client_secret.clone())
            .filter(|secret| !secret.expose().is_empty())
            .ok_or_else(|| missing("client_secret"))?;
        let name = match self.name.as_deref() {
            Some("") => return Err(format!("providers.{id}.name is empty")),
            Some(name) => name.to_owned(),
            None => id.to_owned(),
        };
        for (key, pointers) in [
            ("profile_id", &self.profile_id),
            ("profile_name", &self.profile_name),
            ("profile_email", &self.profile_email),
            ("profile_email_verified", &self.profile_email_verified),
            ("profile_image", &self.profile_image),
        ] {
            if let Some(bad) = pointers.iter().find(|p| !p.starts_with('/')) {
                return Err(format!(
                    "providers.{id}.{key}: {bad:?} is not a JSON pointer (they start with /)"
                ));
            }
        }
        if kind == CustomKind::Oidc
            && let Some(scope) = &self.scope
            && !scope.split_whitespace().any(|s| s == "openid")
        {
            return Err(format!(
                "providers.{id}.scope must include openid (an OpenID provider sends no ID \
                 token without it)"
            ));
        }
        let mut provider = match kind {
            CustomKind::Oidc => {
                let issuer = self.issuer.as_deref().ok_or_else(|| missing("issuer"))?;
                let mut profile = ProfileMap::oidc();
                for (field, given) in [
                    (&mut profile.id, &self.profile_id),
                    (&mut profile.name, &self.profile_name),
                    (&mut profile.email, &self.profile_email),
                    (&mut profile.email_verified, &self.profile_email_verified),
                    (&mut profile.image, &self.profile_image),
                ] {
                    if !given.is_empty() {
                        field.clone_from(given);
                    }
                }
                OAuthProvider::oidc(id, name, issuer, client_id, secret)
                    .endpoints(
                        self.authorization_url.clone(),
                        self.token_url.clone(),
                        self.userinfo_url.clone(),
                    )
                    .profile(profile)
            }
            CustomKind::OAuth2 => {
                let authorization =
                    (self.authorization_url.clone()).ok_or_else(|| missing("authorization_url"))?;
                let token = self.token_url.clone().ok_or_else(|| missing("token_url"))?;
                let userinfo =
                    (self.userinfo_url.clone()).ok_or_else(|| missing("userinfo_url"))?;
                if self.profile_id.is_empty() {
                    return Err(missing("profile_id (a JSON pointer such as \"/id\")"));
                }
                let profile = ProfileMap {
                    id: self.profile_id.clone(),
                    name: self.profile_name.clone(),
                    email: self.profile_email.clone(),
                    email_verified: self.profile_email_verified.clone(),
                    image: self.profile_image.clone(),
                };
                let mut provider = OAuthProvider::oauth2(
                    id,
                    name,
                    authorization,
                    token,
                    userinfo,
                    client_id,
                    secret,
                    profile,
                );
                // An OAuth 2.0 server that names itself (RFC 9207 `iss`) is checked against it.
                if let Some(issuer) = &self.issuer {
                    provider = provider.issuer(issuer.clone());
                }
                provider
            }
        };
        if let Some(scope) = &self.scope {
            provider = provider.scope(scope.clone());
        }
        if let Some(words) = &self.checks {
            let mut checks = Checks {
                pkce: false,
                state: false,
                nonce: false,
            };
            for word in words {
                match word.trim().to_ascii_lowercase().as_str() {
                    "pkce" => checks.pkce = true,
                    "state" => checks.state = true,
                    "nonce" if kind == CustomKind::Oidc => checks.nonce = true,
                    "nonce" => {
                        return Err(format!(
                            "providers.{id}.checks: nonce is for OpenID Connect (type = \"oidc\")"
                        ));
                    }
                    other => {
                        return Err(format!(
                            "providers.{id}.checks: unknown check {other:?}: use pkce, state, nonce"
                        ));
                    }
                }
            }
            // Something must bind the callback to this browser (login CSRF), and the code to
            // this sign-in (code injection): PKCE does both; without it, state and (OpenID)
            // nonce.
            let enough = match kind {
                CustomKind::Oidc => checks.pkce || (checks.state && checks.nonce),
                CustomKind::OAuth2 => checks.state,
            };
            if !enough {
                return Err(format!(
                    "providers.{id}.checks: {} is the least a {} provider needs, or a callback \
                     could be forged",
                    match kind {
                        CustomKind::Oidc => "pkce (or state and nonce)",
                        CustomKind::OAuth2 => "state",
                    },
                    kind.word()
                ));
            }
            provider = provider.checks(checks);
        }
        if let Some(auth) = self.client_auth {
            provider = provider.client_auth(auth);
        }
        Ok(provider.allow_email_account_linking(self.allow_email_account_linking))
    }
}

impl values::Choice for CustomKind {
    const NAME: &'static str = "provider type";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("oidc", Self::Oidc),
        ("oauth2", Self::OAuth2),
        ("oauth", Self::OAuth2),
    ];
}

impl CustomKind {
    fn word(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::OAuth2 => "oauth2",
        }
    }
}

impl ThemeSettings {
    /// The engine's theme.
    pub fn theme(&self) -> Theme {
        Theme {
            color_scheme: self.color_scheme,
            brand_color: self.brand_color.clone(),
            logo: self.logo.clone(),
            button_text: self.button_text.clone(),
        }
    }
}

impl PageSettings {
    /// The engine's pages.
    pub fn pages(&self) -> Pages {
        Pages {
            sign_in: self.sign_in.clone(),
            sign_out: self.sign_out.clone(),
            error: self.error.clone(),
            verify_request: self.verify_request.clone(),
            new_user: self.new_user.clone(),
        }
    }
}

impl Settings {
    /// Where the development secret is kept when none is configured.
    pub fn secret_path(&self) -> PathBuf {
        self.data_dir.join("secret")
    }

    /// The database in force: the configured one, or the SQLite file in the data directory.
    pub fn database_url(&self) -> DatabaseUrl {
        (self.database_url.clone())
            .unwrap_or_else(|| DatabaseUrl::sqlite_file(&self.data_dir.join(DEFAULT_DATABASE_FILE)))
    }

    /// Whether the database is the embedded default (no `database_url` configured).
    pub fn uses_default_database(&self) -> bool {
        self.database_url.is_none()
    }

    /// The email-and-password account settings; verification and reset mails go through
    /// `transport`.
    pub fn email_password(
        &self,
        transport: Arc<dyn authrs_core::providers::EmailTransport>,
    ) -> EmailPassword {
        EmailPassword {
            sign_up: self.accounts.sign_up,
            min_password_length: self.accounts.min_password_length,
            allow_unverified_sign_in: self.accounts.allow_unverified_sign_in,
            transport: Some(transport),
            mail_limits: self.email.rate_limits(),
            sign_ups_per_client: self.limits.sign_ups(),
            ..EmailPassword::default()
        }
    }

    /// The engine builder with storage: [`Self::auth_builder`] plus the adapter, the session
    /// strategy, email-and-password accounts hashed by `hashing`, revocable JWTs if asked, the
    /// mail transport with the `email` provider when it is on, and the OAuth presets. Secrets
    /// are the caller's. Fails only when the mail transport or a preset cannot be built (which
    /// loading the configuration has checked).
    pub fn engine_builder(
        &self,
        url: &str,
        adapter: Arc<dyn Adapter>,
        limit_store: Arc<dyn LimitStore>,
        hashing: Arc<dyn PasswordHashing>,
    ) -> Result<AuthBuilder, String> {
        let transport = (self.email).transport(&self.data_dir, self.server.outbound_timeout)?;
        let mut builder = self
            .auth_builder(url)
            .adapter(adapter)
            .session_strategy(self.session.strategy)
            .revocable_jwt(self.session.revocable_jwt)
            .email_password(self.email_password(Arc::clone(&transport)))
            .password_hashing(hashing)
            .password_throttle(self.limits.password_throttle())
            .audit(self.audit.audit())
            .two_factor(self.two_factor.two_factor())
            .languages(self.languages.languages()?)
            .limit_store(limit_store)
            .background(Arc::new(authrs_tokio::TokioBackground::default()));
        if self.email.enabled {
            builder = builder.provider(self.email.provider(transport));
        }
        if let Some(passkey) = self.passkey.provider() {
            builder = builder.provider(passkey);
        }
        if !self.providers.is_empty() {
            let http = authrs_http::ReqwestClient::with_timeout(self.server.outbound_timeout)
                .map_err(|e| e.to_string())?;
            builder = builder.http_client(Arc::new(http));
        }
        for (id, settings) in &self.providers {
            builder = builder.provider(settings.oauth_provider(id)?);
        }
        Ok(builder)
    }

    /// The engine builder for these settings, without storage, secrets or providers.
    pub fn auth_builder(&self, url: &str) -> AuthBuilder {
        let mut builder = Auth::builder()
            .url(url)
            .compatibility(self.compatibility)
            .session_max_age(self.session.max_age)
            .session_update_age(self.session.update_age)
            .fresh_sign_in(self.session.fresh_sign_in)
            .trust_host(self.trust_host)
            .theme(self.theme.theme())
            .pages(self.pages.pages());
        for origin in &self.trusted_origins {
            builder = builder.trusted_origin(origin.clone());
        }
        if let Some(secure) = self.use_secure_cookies {
            builder = builder.use_secure_cookies(secure);
        }
        if let Some(header) = (self.client_ip_header.as_deref())
            .and_then(|name| axum::http::HeaderName::from_bytes(name.as_bytes()).ok())
        {
            builder = builder.client_ip_header(header);
        }
        builder
    }
}

/// A password hasher for building an engine only to validate a configuration: the cheapest
/// argon2 parameters, since its construction hashes once and nothing is ever verified with it.
pub(crate) fn validation_hasher() -> authrs_core::password::PasswordHasher {
    authrs_core::password::PasswordHasher::with_params(8, 1, 1)
        .expect("the minimum argon2 parameters are valid")
}

/// The URL of the auth routes when none is configured: `http://localhost:<port>/api/auth` for a
/// loopback or wildcard address, else the address itself.
pub fn default_url(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let host = if ip.is_loopback() || ip.is_unspecified() {
        "localhost".to_owned()
    } else {
        match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        }
    };
    format!("http://{host}:{}/api/auth", addr.port())
}
