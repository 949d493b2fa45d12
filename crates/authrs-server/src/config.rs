//! The server's configuration: a TOML file, `AUTHRS_*` environment variables and the `--bind`
//! flag, resolved once into [`Settings`].
//!
//! Rules:
//! 1. Precedence, lowest first: built-in defaults, the TOML file, environment variables,
//!    command-line flags.
//! 2. Every problem names the bad value (secrets excepted: never shown) and where it came from,
//!    `authrs.toml: session.max_age` or `environment AUTHRS_URL`. Loading does not stop at the
//!    first problem: it reports them all.
//! 3. Unknown keys in the file and unknown `AUTHRS_*` environment variables are problems, so a
//!    typo never silently falls back to a default.
//! 4. Values the engine checks (URL, secrets, session ages, pages, theme, trusted origins) are
//!    checked by building the engine with that one value, so the server and the engine never
//!    disagree about what is valid.
//! 5. Relative paths in the file are relative to the file's directory; relative paths from the
//!    environment or the defaults are relative to the working directory.
//!
//! The schema, with the environment variable of each key:
//!
//! | key | environment | value |
//! |---|---|---|
//! | `url` | `AUTHRS_URL` | public URL of the auth routes; default `http://localhost:<port>/api/auth` |
//! | `bind` | `AUTHRS_BIND` (or `--bind`) | listen address, default `127.0.0.1:3000` |
//! | `secret` | `AUTHRS_SECRET` | one secret; in the environment, several separated by commas (the first encrypts) |
//! | `secrets` | | a list of secrets, the first encrypts (rotation) |
//! | `compatibility` | `AUTHRS_COMPATIBILITY` | `"v4"` (next-auth v4, default) or `"v5"` (Auth.js) |
//! | `trust_host` | `AUTHRS_TRUST_HOST` | trust `X-Forwarded-Host`/`-Proto` (default false) |
//! | `trusted_origins` | `AUTHRS_TRUSTED_ORIGINS` | origins callback URLs may point to (comma-separated in the environment) |
//! | `use_secure_cookies` | `AUTHRS_USE_SECURE_COOKIES` | force secure cookies on or off (default: on for https) |
//! | `data_dir` | `AUTHRS_DATA_DIR` | where generated files live, default `authrs-data` |
//! | `database_url` | `AUTHRS_DATABASE_URL` (or `--database-url`) | `sqlite://…` or `postgres://…`; default `sqlite://<data_dir>/authrs.db?mode=rwc` |
//! | `session.strategy` | `AUTHRS_SESSION_STRATEGY` | `"database"` (default) or `"jwt"` |
//! | `session.revocable_jwt` | `AUTHRS_SESSION_REVOCABLE_JWT` | JWT sessions check the user's sign-out-everywhere stamp (default false) |
//! | `session.max_age` | `AUTHRS_SESSION_MAX_AGE` | seconds or `"30d"`, `"12h"`, `"1h30m"` (default 30 days) |
//! | `session.update_age` | `AUTHRS_SESSION_UPDATE_AGE` | same form (default 1 day) |
//! | `accounts.sign_up` | `AUTHRS_ACCOUNTS_SIGN_UP` | whether visitors may create accounts (default false) |
//! | `accounts.min_password_length` | `AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH` | 8 to 1024 characters (default 8) |
//! | `accounts.allow_unverified_sign_in` | `AUTHRS_ACCOUNTS_ALLOW_UNVERIFIED_SIGN_IN` | let a password sign in before its address is proven (default false; trusted deployments only) |
//! | `theme.color_scheme` | `AUTHRS_THEME_COLOR_SCHEME` | `"auto"`, `"light"` or `"dark"` |
//! | `theme.brand_color` | `AUTHRS_THEME_BRAND_COLOR` | `#rgb` or `#rrggbb` |
//! | `theme.logo` | `AUTHRS_THEME_LOGO` | an http(s) URL or a path |
//! | `theme.button_text` | `AUTHRS_THEME_BUTTON_TEXT` | `#rgb` or `#rrggbb` |
//! | `pages.sign_in`, `pages.sign_out`, `pages.error`, `pages.verify_request`, `pages.new_user` | `AUTHRS_PAGES_SIGN_IN`, … | custom page URLs |
//! | `credentials.users_file` | `AUTHRS_USERS_FILE` | a users file for the `credentials` provider (none by default; needs `session.strategy = "jwt"`) |
//! | `client_ip_header` | `AUTHRS_CLIENT_IP_HEADER` | take the client address for rate limits from the last entry of this header (e.g. `X-Forwarded-For`); only behind a proxy that appends it |
//! | `email.enabled` | `AUTHRS_EMAIL_ENABLED` | the `email` provider: sign-in by link or code (default true) |
//! | `email.transport` | `AUTHRS_EMAIL_TRANSPORT` | `"log"` (default; development), `"file"` or `"smtp"`; also carries password-reset mails |
//! | `email.smtp_url` | `AUTHRS_EMAIL_SMTP_URL` | `smtp://user:password@host` (STARTTLS), `smtps://…` (TLS), `smtp://host?tls=none` |
//! | `static_dir` | `AUTHRS_STATIC_DIR` | a folder served at `/` (a single-page app beside the auth routes; `index.html` for `/` and unknown paths, with the session in place of `<!-- authrs:session -->`) |
//! | `email.file_format` | `AUTHRS_EMAIL_FILE_FORMAT` | `"message"` (the MIME message, default) or `"link"` (one line per mail) |
//! | `email.file` | `AUTHRS_EMAIL_FILE` | the file the `file` transport appends to (default `<data_dir>/mail.txt`) |
//! | `email.from` | `AUTHRS_EMAIL_FROM` | the sender, `Name <address>` (default `authrs <no-reply@localhost>`) |
//! | `email.link` | `AUTHRS_EMAIL_LINK` | `"confirm"` (a page with one button; default) or `"direct"` (sign in on GET, as NextAuth) |
//! | `email.max_age` | `AUTHRS_EMAIL_MAX_AGE` | how long links and codes work (default 15 minutes) |
//! | `email.subject` | `AUTHRS_EMAIL_SUBJECT` | subject of sign-in mails; `{site}` becomes the host |
//! | `email.code` | `AUTHRS_EMAIL_CODE` | a one-time code in the mail too (default true) |
//! | `email.max_per_address`, `email.max_per_client` | `AUTHRS_EMAIL_MAX_PER_ADDRESS`, `…_CLIENT` | mails per 15 minutes per address (default 5) and per client network (default 20); 0 turns one off |
//! | `limits.password_per_account_and_network` | `AUTHRS_LIMITS_PASSWORD_PER_ACCOUNT_AND_NETWORK` | password guesses at one account from one client network per 15 minutes (default 5); 0 turns it off |
//! | `limits.password_per_network` | `AUTHRS_LIMITS_PASSWORD_PER_NETWORK` | password guesses from one client network per 15 minutes (default 100); 0 off |
//! | `limits.password_per_account` | `AUTHRS_LIMITS_PASSWORD_PER_ACCOUNT` | password guesses at one account from networks it has not signed in from within 30 days, per 15 minutes (default 50); 0 off |
//! | `limits.sign_ups_per_client` | `AUTHRS_LIMITS_SIGN_UPS_PER_CLIENT` | sign-ups per client network per hour (default 10); 0 off |
//! | `limits.memory_keys` | `AUTHRS_LIMITS_MEMORY_KEYS` | counters the in-memory limit store holds at most, 1024 to 16777216 (default 65536; SQLite only: PostgreSQL counts in the database) |
//! | `server.header_timeout` | `AUTHRS_SERVER_HEADER_TIMEOUT` | time for a request head to arrive (idle keep-alive connections too); the connection is closed after it; 1 s to 1 h (default 10 s) |
//! | `server.body_timeout` | `AUTHRS_SERVER_BODY_TIMEOUT` | time for a whole request body to arrive after its head; `408` after it; 1 s to 1 h (default 10 s) |
//! | `server.max_connections` | `AUTHRS_SERVER_MAX_CONNECTIONS` | connections served at once; past it `503` with `Retry-After`; 1 to 1000000 (default 1024) |
//! | `server.max_header_bytes` | `AUTHRS_SERVER_MAX_HEADER_BYTES` | request line and headers together; past it `431`; 8192 to 1048576 (default 65536) |
//! | `server.outbound_timeout` | `AUTHRS_SERVER_OUTBOUND_TIMEOUT` | deadline of one outbound call: a whole request to an OAuth provider (discovery, JWKS, token, userinfo) or a whole SMTP delivery; 1 s to 60 s (default 10 s) |
//! | `server.shutdown_grace` | `AUTHRS_SERVER_SHUTDOWN_GRACE` | after a shutdown signal, how long requests in flight may finish before their connections are dropped; 0 to 1 h (default 10 s) |
//! | `static_dotfiles` | `AUTHRS_STATIC_DOTFILES` | serve hidden files (`.env`, `.git/`) from `static_dir` (default false; `/.well-known/` is always served) |
//!
//! OAuth providers: `[providers.<id>]` with `client_id`, `client_secret`, `issuer` (for presets
//! that need one) and `allow_email_account_linking`, or `AUTHRS_<ID>_CLIENT_ID`,
//! `AUTHRS_<ID>_CLIENT_SECRET`, `AUTHRS_<ID>_ISSUER` (the id upper-cased, `-` as `_`:
//! `AUTHRS_MICROSOFT_ENTRA_ID_CLIENT_ID`). Ids are those of `authrs_core::providers::presets`.
//!
//! `AUTHRS_CONFIG` names the file, like `--config`; without either, `authrs.toml` in the working
//! directory is read when it exists.

use std::ffi::OsString;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::Adapter;
use authrs_core::password::PasswordHashing;
use authrs_core::providers::EmailTransport;
use authrs_core::providers::presets::{PRESETS, preset};
use authrs_core::ratelimit::{MemoryLimitStore, RateLimit};
use authrs_core::secret::Secret;
use authrs_core::{
    Auth, AuthBuilder, ColorScheme, Compatibility, ConfigError, EmailPassword, Pages,
    PasswordThrottle, SessionStrategy, Theme,
};

use crate::mail::{EmailSettings, MailTransport, SmtpUrl};
use authrs_core::providers::EmailLinkMode;
use authrs_sqlx::DatabaseUrl;

/// The default listen address.
pub const DEFAULT_BIND: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 3000);

/// The default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "authrs-data";

/// The default fewest characters of an account password (ASVS 2.1.1).
pub const DEFAULT_MIN_PASSWORD_LENGTH: usize = 8;

/// The accepted range of `accounts.min_password_length`: ASVS's floor, and the longest password
/// the engine accepts.
const MIN_PASSWORD_LENGTH_RANGE: std::ops::RangeInclusive<u64> = 8..=1024;

/// The database file inside the data directory when no `database_url` is configured.
pub const DEFAULT_DATABASE_FILE: &str = "authrs.db";

/// The file read from the working directory when no file is named.
pub const DEFAULT_CONFIG_FILE: &str = "authrs.toml";

/// Every file key with its environment variable (empty when there is none).
const KEYS: &[(&str, &str)] = &[
    ("url", "AUTHRS_URL"),
    ("bind", "AUTHRS_BIND"),
    ("secret", "AUTHRS_SECRET"),
    ("secrets", ""),
    ("compatibility", "AUTHRS_COMPATIBILITY"),
    ("trust_host", "AUTHRS_TRUST_HOST"),
    ("trusted_origins", "AUTHRS_TRUSTED_ORIGINS"),
    ("use_secure_cookies", "AUTHRS_USE_SECURE_COOKIES"),
    ("data_dir", "AUTHRS_DATA_DIR"),
    ("database_url", "AUTHRS_DATABASE_URL"),
    ("session.strategy", "AUTHRS_SESSION_STRATEGY"),
    ("session.revocable_jwt", "AUTHRS_SESSION_REVOCABLE_JWT"),
    ("session.max_age", "AUTHRS_SESSION_MAX_AGE"),
    ("session.update_age", "AUTHRS_SESSION_UPDATE_AGE"),
    ("accounts.sign_up", "AUTHRS_ACCOUNTS_SIGN_UP"),
    (
        "accounts.min_password_length",
        "AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH",
    ),
    (
        "accounts.allow_unverified_sign_in",
        "AUTHRS_ACCOUNTS_ALLOW_UNVERIFIED_SIGN_IN",
    ),
    ("theme.color_scheme", "AUTHRS_THEME_COLOR_SCHEME"),
    ("theme.brand_color", "AUTHRS_THEME_BRAND_COLOR"),
    ("theme.logo", "AUTHRS_THEME_LOGO"),
    ("theme.button_text", "AUTHRS_THEME_BUTTON_TEXT"),
    ("pages.sign_in", "AUTHRS_PAGES_SIGN_IN"),
    ("pages.sign_out", "AUTHRS_PAGES_SIGN_OUT"),
    ("pages.error", "AUTHRS_PAGES_ERROR"),
    ("pages.verify_request", "AUTHRS_PAGES_VERIFY_REQUEST"),
    ("pages.new_user", "AUTHRS_PAGES_NEW_USER"),
    ("credentials.users_file", "AUTHRS_USERS_FILE"),
    ("client_ip_header", "AUTHRS_CLIENT_IP_HEADER"),
    ("static_dir", "AUTHRS_STATIC_DIR"),
    ("email.file_format", "AUTHRS_EMAIL_FILE_FORMAT"),
    ("email.enabled", "AUTHRS_EMAIL_ENABLED"),
    ("email.transport", "AUTHRS_EMAIL_TRANSPORT"),
    ("email.smtp_url", "AUTHRS_EMAIL_SMTP_URL"),
    ("email.file", "AUTHRS_EMAIL_FILE"),
    ("email.from", "AUTHRS_EMAIL_FROM"),
    ("email.link", "AUTHRS_EMAIL_LINK"),
    ("email.max_age", "AUTHRS_EMAIL_MAX_AGE"),
    ("email.subject", "AUTHRS_EMAIL_SUBJECT"),
    ("email.code", "AUTHRS_EMAIL_CODE"),
    ("email.max_per_address", "AUTHRS_EMAIL_MAX_PER_ADDRESS"),
    ("email.max_per_client", "AUTHRS_EMAIL_MAX_PER_CLIENT"),
    (
        "limits.password_per_account_and_network",
        "AUTHRS_LIMITS_PASSWORD_PER_ACCOUNT_AND_NETWORK",
    ),
    (
        "limits.password_per_network",
        "AUTHRS_LIMITS_PASSWORD_PER_NETWORK",
    ),
    (
        "limits.password_per_account",
        "AUTHRS_LIMITS_PASSWORD_PER_ACCOUNT",
    ),
    (
        "limits.sign_ups_per_client",
        "AUTHRS_LIMITS_SIGN_UPS_PER_CLIENT",
    ),
    ("limits.memory_keys", "AUTHRS_LIMITS_MEMORY_KEYS"),
    ("server.header_timeout", "AUTHRS_SERVER_HEADER_TIMEOUT"),
    ("server.body_timeout", "AUTHRS_SERVER_BODY_TIMEOUT"),
    ("server.max_connections", "AUTHRS_SERVER_MAX_CONNECTIONS"),
    ("server.max_header_bytes", "AUTHRS_SERVER_MAX_HEADER_BYTES"),
    ("server.shutdown_grace", "AUTHRS_SERVER_SHUTDOWN_GRACE"),
    ("server.outbound_timeout", "AUTHRS_SERVER_OUTBOUND_TIMEOUT"),
    ("static_dotfiles", "AUTHRS_STATIC_DOTFILES"),
];

/// The tables of the file.
const SECTIONS: &[&str] = &[
    "session",
    "accounts",
    "theme",
    "pages",
    "credentials",
    "email",
    "limits",
    "server",
];

/// The environment variable that names the configuration file (read by the command line).
pub const CONFIG_ENV: &str = "AUTHRS_CONFIG";

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A key of a TOML file (the configuration or the users file); no key means the file itself.
    File {
        /// The file as it was named.
        path: PathBuf,
        /// The dotted key, e.g. `session.max_age`.
        key: Option<String>,
    },
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(&'static str),
}

impl Source {
    /// A key of a file.
    pub fn file_key(path: &Path, key: impl Into<String>) -> Self {
        Self::File {
            path: path.to_owned(),
            key: Some(key.into()),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File {
                path,
                key: Some(key),
            } => write!(f, "{}: {key}", path.display()),
            Self::File { path, key: None } => write!(f, "{}", path.display()),
            Self::Env(name) => write!(f, "environment {name}"),
            Self::Flag(flag) => f.write_str(flag),
        }
    }
}

/// One configuration problem: what is wrong, and where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the bad value came from; `None` when it is a combination of values.
    pub source: Option<Source>,
    /// What is wrong, naming the value.
    pub message: String,
}

impl Problem {
    /// A problem with a known source.
    pub fn new(source: Source, message: impl Into<String>) -> Self {
        Self {
            source: Some(source),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{source}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Which configuration file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// `authrs.toml` in the working directory, if it exists.
    Discover,
    /// This file, which must exist.
    At(PathBuf),
    /// No file: environment and defaults only.
    Without,
}

/// What the command line adds to the configuration.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Which file to read.
    pub config_file: ConfigFile,
    /// `--bind`, overriding file and environment.
    pub bind: Option<String>,
    /// `--database-url`, overriding file and environment.
    pub database_url: Option<String>,
}

/// The `AUTHRS_*` environment variables, captured once so tests can supply their own.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<(String, OsString)>,
}

impl Env {
    /// The `AUTHRS_*` variables of this process.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v))))
    }

    /// The `AUTHRS_*` variables among these pairs; others are ignored.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<OsString>,
    {
        let mut vars: Vec<(String, OsString)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _)| k.starts_with("AUTHRS_"))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        Self { vars }
    }
}

/// The resolved configuration of the server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// The listen address.
    pub bind: SocketAddr,
    /// The public URL of the auth routes; `None` derives it from the bound address.
    pub url: Option<String>,
    /// The configured secrets, the first encrypting; empty means the development secret kept
    /// in the data directory.
    pub secrets: Vec<Secret>,
    /// NextAuth v4 or Auth.js v5 behaviour.
    pub compatibility: Compatibility,
    /// Session lifetime.
    pub session_max_age: Duration,
    /// How often a session's expiry is refreshed.
    pub session_update_age: Duration,
    /// Whether `X-Forwarded-Host`/`-Proto` are trusted.
    pub trust_host: bool,
    /// Extra origins callback URLs may point to.
    pub trusted_origins: Vec<String>,
    /// Forced secure-cookie setting; `None` follows the URL's scheme.
    pub use_secure_cookies: Option<bool>,
    /// Theme of the built-in pages.
    pub theme: Theme,
    /// Custom page URLs.
    pub pages: Pages,
    /// How sessions are kept: a row in the database (default) or an encrypted JWT.
    pub session_strategy: SessionStrategy,
    /// Whether JWT sessions check the user's "sessions valid after" stamp on every read.
    pub revocable_jwt: bool,
    /// Whether visitors may create email-and-password accounts.
    pub sign_up: bool,
    /// Fewest characters an account password may have.
    pub min_password_length: usize,
    /// Whether a password signs in before its address is proven.
    pub allow_unverified_sign_in: bool,
    /// The configured users file for the `credentials` provider; `None`: no such provider.
    pub users_file: Option<PathBuf>,
    /// The configured database; `None` means the SQLite file in the data directory.
    pub database_url: Option<DatabaseUrl>,
    /// Where generated files (development secret, default database, demo password) live.
    pub data_dir: PathBuf,
    /// The header the client address comes from (for rate limits); `None`: the TCP peer.
    pub client_ip_header: Option<String>,
    /// Email sign-in and the mail transport.
    pub email: EmailSettings,
    /// The abuse limits.
    pub limits: LimitSettings,
    /// The bounds on connections and time.
    pub server: ServerSettings,
    /// The configured OAuth presets.
    pub oauth: Vec<OAuthSettings>,
    /// A folder served at `/` (an app beside the auth routes); `index.html` answers unknown
    /// paths.
    pub static_dir: Option<PathBuf>,
    /// Whether hidden files in `static_dir` are served.
    pub static_dotfiles: bool,
}

/// One configured OAuth preset (`[providers.<id>]`, `AUTHRS_<ID>_CLIENT_ID`, …).
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// The preset's id.
    pub id: String,
    /// The client id.
    pub client_id: String,
    /// The client secret (never shown).
    pub client_secret: Secret,
    /// The issuer, for presets that need one.
    pub issuer: Option<String>,
    /// Link by verified address (see `OAuthProvider::allow_email_account_linking`).
    pub allow_email_account_linking: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            config_file: None,
            bind: DEFAULT_BIND,
            url: None,
            secrets: Vec::new(),
            compatibility: Compatibility::default(),
            session_max_age: Duration::from_secs(30 * 24 * 60 * 60),
            session_update_age: Duration::from_secs(24 * 60 * 60),
            trust_host: false,
            trusted_origins: Vec::new(),
            use_secure_cookies: None,
            theme: Theme::default(),
            pages: Pages::default(),
            session_strategy: SessionStrategy::Database,
            revocable_jwt: false,
            sign_up: false,
            min_password_length: DEFAULT_MIN_PASSWORD_LENGTH,
            allow_unverified_sign_in: false,
            users_file: None,
            database_url: None,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            client_ip_header: None,
            email: EmailSettings::default(),
            limits: LimitSettings::default(),
            server: ServerSettings::default(),
            oauth: Vec::new(),
            static_dir: None,
            static_dotfiles: false,
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
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl::sqlite_file(&self.data_dir.join(DEFAULT_DATABASE_FILE)))
    }

    /// Whether the database is the embedded default (no `database_url` configured).
    pub fn uses_default_database(&self) -> bool {
        self.database_url.is_none()
    }

    /// The email-and-password account settings; verification and reset mails go through
    /// `transport`.
    pub fn email_password(&self, transport: Arc<dyn EmailTransport>) -> EmailPassword {
        EmailPassword {
            sign_up: self.sign_up,
            min_password_length: self.min_password_length,
            allow_unverified_sign_in: self.allow_unverified_sign_in,
            transport: Some(transport),
            mail_limits: self.email.rate_limits(),
            sign_ups_per_client: self.limits.sign_ups(),
            ..EmailPassword::default()
        }
    }

    /// The engine builder with storage: [`Self::auth_builder`] plus the adapter, the session
    /// strategy, email-and-password accounts hashed by `hashing`, revocable JWTs if asked, and
    /// the mail transport with the `email` provider when it is on. Secrets and other
    /// providers are the caller's. Fails only when the mail transport cannot be built (which
    /// loading the configuration has checked).
    pub fn engine_builder(
        &self,
        url: &str,
        adapter: Arc<dyn Adapter>,
        limit_store: Arc<dyn authrs_core::ratelimit::LimitStore>,
        hashing: Arc<dyn PasswordHashing>,
    ) -> Result<AuthBuilder, String> {
        let transport = self
            .email
            .transport(&self.data_dir, self.server.outbound_timeout)?;
        let mut builder = self
            .auth_builder(url)
            .adapter(adapter)
            .session_strategy(self.session_strategy)
            .revocable_jwt(self.revocable_jwt)
            .email_password(self.email_password(Arc::clone(&transport)))
            .password_hashing(hashing)
            .password_throttle(self.limits.password_throttle())
            .limit_store(limit_store)
            .background(Arc::new(authrs_axum::TokioBackground::default()));
        if self.email.enabled {
            builder = builder.provider(self.email.provider(transport));
        }
        if !self.oauth.is_empty() {
            let http = authrs_http::ReqwestClient::with_timeout(self.server.outbound_timeout)
                .map_err(|e| e.to_string())?;
            builder = builder.http_client(Arc::new(http));
        }
        for oauth in &self.oauth {
            let preset =
                preset(&oauth.id).ok_or_else(|| format!("unknown provider {}", oauth.id))?;
            let provider = preset
                .build(
                    &oauth.client_id,
                    oauth.client_secret.clone(),
                    oauth.issuer.as_deref(),
                )?
                .allow_email_account_linking(oauth.allow_email_account_linking);
            builder = builder.provider(provider);
        }
        Ok(builder)
    }

    /// The engine builder for these settings, without storage, secrets or providers.
    pub fn auth_builder(&self, url: &str) -> AuthBuilder {
        let mut builder = Auth::builder()
            .url(url)
            .compatibility(self.compatibility)
            .session_max_age(self.session_max_age)
            .session_update_age(self.session_update_age)
            .trust_host(self.trust_host)
            .theme(self.theme.clone())
            .pages(self.pages.clone());
        for origin in &self.trusted_origins {
            builder = builder.trusted_origin(origin.clone());
        }
        if let Some(secure) = self.use_secure_cookies {
            builder = builder.use_secure_cookies(secure);
        }
        if let Some(header) = self
            .client_ip_header
            .as_deref()
            .and_then(|name| axum::http::HeaderName::from_bytes(name.as_bytes()).ok())
        {
            builder = builder.client_ip_header(header);
        }
        builder
    }
}

/// The abuse limits (`[limits]`): counts per window, 0 turning one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Password guesses at one account from one client network per 15 minutes.
    pub password_per_account_and_network: u32,
    /// Password guesses from one client network per 15 minutes.
    pub password_per_network: u32,
    /// Password guesses at one account from unknown networks per 15 minutes.
    pub password_per_account: u32,
    /// Sign-ups per client network per hour.
    pub sign_ups_per_client: u32,
    /// Counters the in-memory limit store holds at most.
    pub memory_keys: u32,
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

/// The server's bounds on connections and time (`[server]`); see
/// [`crate::connections`] for what each does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerSettings {
    /// Time for a request head to arrive.
    pub header_timeout: Duration,
    /// Time for a whole request body to arrive after its head.
    pub body_timeout: Duration,
    /// Connections served at once.
    pub max_connections: u32,
    /// The request line and headers together, in bytes.
    pub max_header_bytes: u32,
    /// After a shutdown signal, how long requests in flight may finish.
    pub shutdown_grace: Duration,
    /// The deadline of one outbound call (a provider request, an SMTP delivery).
    pub outbound_timeout: Duration,
}

impl ServerSettings {
    /// The default header and body timeouts: a real client sends a head in milliseconds and
    /// the largest body the auth routes take (64 KiB) in well under a second, even on a slow
    /// mobile link; ten seconds leaves room for a bad network without letting a slow client
    /// hold a connection for long.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The default header cap, 64 KiB: next-auth splits a session into cookies of about 4 KB,
    /// and Node's own default cap (16 KiB) already bounds what a next-auth deployment sends, so
    /// this fits 15 full chunks beside the other headers and still bounds each connection's
    /// buffer.
    pub const DEFAULT_MAX_HEADER_BYTES: u32 = 64 * 1024;

    /// The default connection cap: far above what one instance answers at once, and under the
    /// usual 4096+ file descriptors with room for the database and logs.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 1024;
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            header_timeout: Self::DEFAULT_TIMEOUT,
            body_timeout: Self::DEFAULT_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: Self::DEFAULT_MAX_HEADER_BYTES,
            // As long as a body may take: a request that arrived just before the signal can
            // still be read and answered.
            shutdown_grace: Self::DEFAULT_TIMEOUT,
            outbound_timeout: Self::DEFAULT_TIMEOUT,
        }
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

/// Reads the configuration; `Err` lists every problem found.
pub fn load_config(options: &LoadOptions, env: &Env) -> Result<Settings, Vec<Problem>> {
    let (settings, problems) = resolve(options, env);
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems)
    }
}

/// Reads the configuration as far as possible: the settings (with defaults where a value was
/// bad) and every problem found.
pub fn resolve(options: &LoadOptions, env: &Env) -> (Settings, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut layer = Layer::default();
    let config_file = read_config_file(&options.config_file, &mut layer, &mut problems);
    for (name, value) in &env.vars {
        if name == CONFIG_ENV {
            continue;
        }
        let source = Source::Env(name.clone());
        if let Some((id, field)) = provider_env(name) {
            match value.to_str() {
                Some(text) => layer.apply_provider(
                    id,
                    field,
                    Raw::Text(text.to_owned()),
                    source,
                    &mut problems,
                ),
                None => problems.push(Problem::new(source, "the value is not valid UTF-8")),
            }
            continue;
        }
        let Some(&(key, _)) = KEYS.iter().find(|(_, env)| !env.is_empty() && env == name) else {
            let hint = if name.starts_with("AUTHRS_SECRET") {
                " (put several secrets in AUTHRS_SECRET, separated by commas)".to_owned()
            } else {
                let known: Vec<&str> = KEYS
                    .iter()
                    .map(|(_, e)| *e)
                    .filter(|e| !e.is_empty())
                    .collect();
                format!(" (known: {CONFIG_ENV}, {})", known.join(", "))
            };
            problems.push(Problem::new(
                source,
                format!("unknown environment variable{hint}"),
            ));
            continue;
        };
        match value.to_str() {
            Some(text) => layer.apply(key, Raw::Text(text.to_owned()), source, &mut problems),
            None => problems.push(Problem::new(source, "the value is not valid UTF-8")),
        }
    }
    if let Some(bind) = &options.bind {
        layer.apply(
            "bind",
            Raw::Text(bind.clone()),
            Source::Flag("--bind"),
            &mut problems,
        );
    }
    if let Some(url) = &options.database_url {
        layer.apply(
            "database_url",
            Raw::Text(url.clone()),
            Source::Flag("--database-url"),
            &mut problems,
        );
    }
    let settings = layer.finish(config_file, &mut problems);
    (settings, problems)
}

/// `[providers.<id>]` tables: one OAuth preset each.
fn read_providers(path: &Path, value: toml::Value, layer: &mut Layer, problems: &mut Vec<Problem>) {
    let toml::Value::Table(providers) = value else {
        problems.push(Problem::new(
            Source::file_key(path, "providers"),
            "expected tables such as [providers.google]",
        ));
        return;
    };
    for (id, table) in providers {
        let toml::Value::Table(table) = table else {
            problems.push(Problem::new(
                Source::file_key(path, format!("providers.{id}")),
                "expected a table with client_id and client_secret",
            ));
            continue;
        };
        for (field, value) in table {
            let source = Source::file_key(path, format!("providers.{id}.{field}"));
            layer.apply_provider(&id, &field, Raw::Toml(value), source, problems);
        }
    }
}

/// The preset and field an `AUTHRS_<ID>_CLIENT_ID`-style variable names, if any.
fn provider_env(name: &str) -> Option<(&'static str, &'static str)> {
    let rest = name.strip_prefix("AUTHRS_")?;
    const FIELDS: &[(&str, &str)] = &[
        ("_CLIENT_ID", "client_id"),
        ("_CLIENT_SECRET", "client_secret"),
        ("_ISSUER", "issuer"),
        (
            "_ALLOW_EMAIL_ACCOUNT_LINKING",
            "allow_email_account_linking",
        ),
    ];
    FIELDS.iter().find_map(|(suffix, field)| {
        let id = rest.strip_suffix(suffix)?;
        PRESETS
            .iter()
            .find(|preset| preset.id.to_ascii_uppercase().replace('-', "_") == id)
            .map(|preset| (preset.id, *field))
    })
}

fn read_config_file(
    choice: &ConfigFile,
    layer: &mut Layer,
    problems: &mut Vec<Problem>,
) -> Option<PathBuf> {
    let path = match choice {
        ConfigFile::Without => return None,
        ConfigFile::At(path) => path.clone(),
        ConfigFile::Discover => {
            let path = PathBuf::from(DEFAULT_CONFIG_FILE);
            if !path.exists() {
                return None;
            }
            path
        }
    };
    let whole_file = Source::File {
        path: path.clone(),
        key: None,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            problems.push(Problem::new(
                whole_file,
                format!("cannot read the configuration file: {error}"),
            ));
            return Some(path);
        }
    };
    let table = match text.parse::<toml::Table>() {
        Ok(table) => table,
        Err(error) => {
            problems.push(Problem::new(
                whole_file,
                format!("not valid TOML: {}", error.to_string().trim_end()),
            ));
            return Some(path);
        }
    };
    for (key, value) in table {
        if key == "providers" {
            read_providers(&path, value, layer, problems);
            continue;
        }
        if SECTIONS.contains(&key.as_str()) {
            let toml::Value::Table(section) = value else {
                problems.push(Problem::new(
                    Source::file_key(&path, &key),
                    format!("expected a table ([{key}]), found {}", value.type_str()),
                ));
                continue;
            };
            for (inner, value) in section {
                let dotted = format!("{key}.{inner}");
                layer.apply_file(&path, &dotted, value, problems);
            }
        } else {
            layer.apply_file(&path, &key, value, problems);
        }
    }
    if layer.file_secret_and_secrets {
        problems.push(Problem::new(
            Source::file_key(&path, "secrets"),
            "set either `secret` or `secrets`, not both",
        ));
    }
    Some(path)
}

/// A value before conversion: typed from TOML, or text from the environment or a flag.
enum Raw {
    Toml(toml::Value),
    Text(String),
}

impl Raw {
    fn string(self) -> Result<String, String> {
        match self {
            Self::Text(text) => Ok(text),
            Self::Toml(toml::Value::String(text)) => Ok(text),
            Self::Toml(other) => Err(format!("expected a string, found {}", other.type_str())),
        }
    }

    fn boolean(self) -> Result<bool, String> {
        match self {
            Self::Toml(toml::Value::Boolean(value)) => Ok(value),
            Self::Toml(other) => Err(format!(
                "expected true or false, found {}",
                other.type_str()
            )),
            Self::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(format!("expected true or false, found {text:?}")),
            },
        }
    }

    /// A non-negative whole number, as a TOML integer or text.
    fn count(self) -> Result<u64, String> {
        match self {
            Self::Toml(toml::Value::Integer(value)) => {
                u64::try_from(value).map_err(|_| format!("{value} is negative"))
            }
            Self::Text(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("expected a whole number, found {text:?}")),
            Self::Toml(other) => Err(format!(
                "expected a whole number, found {}",
                other.type_str()
            )),
        }
    }

    /// A TOML array of strings, or comma-separated text.
    fn list(self) -> Result<Vec<String>, String> {
        match self {
            Self::Text(text) => Ok(text.split(',').map(|item| item.trim().to_owned()).collect()),
            Self::Toml(toml::Value::Array(items)) => items
                .into_iter()
                .map(|item| match item {
                    toml::Value::String(text) => Ok(text),
                    other => Err(format!(
                        "expected a list of strings, found a {} in it",
                        other.type_str()
                    )),
                })
                .collect(),
            Self::Toml(other) => Err(format!(
                "expected a list of strings, found {}",
                other.type_str()
            )),
        }
    }

    /// Seconds as a TOML integer, or text such as `"30d"`.
    fn duration(self) -> Result<Duration, String> {
        match self {
            Self::Toml(toml::Value::Integer(secs)) => u64::try_from(secs)
                .map(Duration::from_secs)
                .map_err(|_| format!("{secs} is negative")),
            Self::Toml(toml::Value::String(text)) | Self::Text(text) => parse_duration(&text),
            Self::Toml(other) => Err(format!(
                "expected seconds or a string like \"30d\", found {}",
                other.type_str()
            )),
        }
    }
}

/// Parses `3600`, `"30d"`, `"12h"`, `"1h30m"`: a number of seconds, or numbers with units
/// `s`, `m`, `h`, `d`, `w`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid duration {text:?}: use seconds (3600) or numbers with units s, m, h, d, w (\"30d\", \"1h30m\")"
        )
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid());
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| invalid());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in trimmed.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: u64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 60 * 60,
            'd' => 24 * 60 * 60,
            'w' => 7 * 24 * 60 * 60,
            _ => return Err(invalid()),
        };
        let value: u64 = number.parse().map_err(|_| invalid())?;
        number.clear();
        total = value
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(invalid)?;
    }
    if !number.is_empty() {
        return Err(invalid());
    }
    Ok(Duration::from_secs(total))
}

fn parse_bind(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(port) = text.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    Err(format!(
        "invalid listen address {text:?}: use IP:PORT, e.g. 127.0.0.1:3000 or 0.0.0.0:3000"
    ))
}

/// The `'static` name of a key of [`KEYS`].
fn known_key(key: &str) -> &'static str {
    KEYS.iter()
        .map(|(name, _)| *name)
        .find(|name| *name == key)
        .expect("a known key")
}

/// A value with its source.
struct Sourced<T> {
    value: T,
    source: Source,
}

impl<T> Sourced<T> {
    fn of(value: T, source: &Source) -> Self {
        Self {
            value,
            source: source.clone(),
        }
    }
}

/// Values gathered from all sources, later ones overriding earlier ones.
#[derive(Default)]
struct Layer {
    url: Option<Sourced<String>>,
    bind: Option<Sourced<SocketAddr>>,
    secrets: Option<Sourced<Vec<String>>>,
    file_secret_and_secrets: bool,
    compatibility: Option<Sourced<Compatibility>>,
    trust_host: Option<bool>,
    trusted_origins: Option<Vec<Sourced<String>>>,
    use_secure_cookies: Option<bool>,
    data_dir: Option<PathBuf>,
    max_age: Option<Sourced<Duration>>,
    update_age: Option<Sourced<Duration>>,
    color_scheme: Option<ColorScheme>,
    brand_color: Option<Sourced<String>>,
    logo: Option<Sourced<String>>,
    button_text: Option<Sourced<String>>,
    sign_in: Option<Sourced<String>>,
    sign_out: Option<Sourced<String>>,
    error: Option<Sourced<String>>,
    verify_request: Option<Sourced<String>>,
    new_user: Option<Sourced<String>>,
    users_file: Option<Sourced<PathBuf>>,
    database_url: Option<Sourced<DatabaseUrl>>,
    strategy: Option<Sourced<SessionStrategy>>,
    revocable_jwt: Option<bool>,
    sign_up: Option<bool>,
    min_password_length: Option<usize>,
    allow_unverified_sign_in: Option<bool>,
    client_ip_header: Option<Sourced<String>>,
    email_enabled: Option<bool>,
    email_transport: Option<Sourced<String>>,
    email_smtp_url: Option<Sourced<SmtpUrl>>,
    email_file: Option<PathBuf>,
    email_from: Option<Sourced<String>>,
    email_link: Option<EmailLinkMode>,
    email_max_age: Option<Sourced<Duration>>,
    email_subject: Option<String>,
    email_code: Option<bool>,
    email_max_per_address: Option<u32>,
    email_max_per_client: Option<u32>,
    limits: std::collections::BTreeMap<&'static str, u32>,
    server_durations: std::collections::BTreeMap<&'static str, Duration>,
    server_counts: std::collections::BTreeMap<&'static str, u32>,
    static_dotfiles: Option<bool>,
    email_file_format: Option<authrs_mail::FileFormat>,
    static_dir: Option<Sourced<PathBuf>>,
    providers: std::collections::BTreeMap<String, ProviderLayer>,
}

/// One `[providers.<id>]` as read.
#[derive(Default)]
struct ProviderLayer {
    source: Option<Source>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    issuer: Option<String>,
    allow_email_account_linking: Option<bool>,
}

impl Layer {
    fn apply_file(
        &mut self,
        path: &Path,
        key: &str,
        value: toml::Value,
        problems: &mut Vec<Problem>,
    ) {
        let source = Source::file_key(path, key);
        if !KEYS.iter().any(|(known, _)| *known == key) {
            let (section, _) = key.split_once('.').unwrap_or(("", key));
            let known: Vec<&str> = KEYS
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| match k.split_once('.') {
                    Some((s, _)) => s == section,
                    None => section.is_empty(),
                })
                .collect();
            let mut expected = known.join(", ");
            if section.is_empty() {
                expected
                    .push_str(", [session], [accounts], [theme], [pages], [credentials], [email], [limits], [server]");
            }
            problems.push(Problem::new(
                source,
                format!("unknown key (expected one of: {expected})"),
            ));
            return;
        }
        if matches!(key, "secret" | "secrets") && self.secrets.is_some() {
            self.file_secret_and_secrets = true;
        }
        self.apply(key, Raw::Toml(value), source, problems);
    }

    fn apply(&mut self, key: &str, raw: Raw, source: Source, problems: &mut Vec<Problem>) {
        let result = self.set(key, raw, &source);
        if let Err(message) = result {
            problems.push(Problem::new(source, message));
        }
    }

    fn set(&mut self, key: &str, raw: Raw, source: &Source) -> Result<(), String> {
        match key {
            "url" => self.url = Some(Sourced::of(raw.string()?, source)),
            "bind" => {
                self.bind = Some(Sourced {
                    value: parse_bind(&raw.string()?)?,
                    source: source.clone(),
                })
            }
            "secret" => {
                let secrets = match raw {
                    // In the environment, commas separate secrets for rotation.
                    Raw::Text(text) => text.split(',').map(|s| s.trim().to_owned()).collect(),
                    raw => vec![raw.string()?],
                };
                self.secrets = Some(Sourced {
                    value: secrets,
                    source: source.clone(),
                });
            }
            "secrets" => {
                let secrets = raw.list()?;
                if secrets.is_empty() {
                    return Err("the list is empty: give at least one secret".into());
                }
                self.secrets = Some(Sourced {
                    value: secrets,
                    source: source.clone(),
                });
            }
            "compatibility" => {
                let text = raw.string()?;
                let value = match text.trim().to_ascii_lowercase().as_str() {
                    "v4" | "4" => Compatibility::NextAuthV4,
                    "v5" | "5" => Compatibility::AuthJsV5,
                    _ => {
                        return Err(format!(
                            "unknown compatibility {text:?}: use \"v4\" (next-auth v4) or \"v5\" (Auth.js)"
                        ));
                    }
                };
                self.compatibility = Some(Sourced {
                    value,
                    source: source.clone(),
                });
            }
            "trust_host" => self.trust_host = Some(raw.boolean()?),
            "use_secure_cookies" => self.use_secure_cookies = Some(raw.boolean()?),
            "trusted_origins" => {
                let origins = raw.list()?;
                self.trusted_origins = Some(
                    origins
                        .into_iter()
                        .filter(|o| !o.is_empty())
                        .map(|value| Sourced {
                            value,
                            source: source.clone(),
                        })
                        .collect(),
                );
            }
            "data_dir" | "credentials.users_file" | "email.file" | "static_dir" => {
                let text = raw.string()?;
                if text.trim().is_empty() {
                    return Err("the path is empty".into());
                }
                // Relative paths in a file are relative to that file.
                let path = match source {
                    Source::File { path: file, .. } => {
                        file.parent().unwrap_or(Path::new("")).join(text)
                    }
                    _ => PathBuf::from(text),
                };
                if key == "data_dir" {
                    self.data_dir = Some(path);
                } else if key == "email.file" {
                    self.email_file = Some(path);
                } else if key == "static_dir" {
                    self.static_dir = Some(Sourced::of(path, source));
                } else {
                    self.users_file = Some(Sourced::of(path, source));
                }
            }
            "database_url" => {
                let mut url = DatabaseUrl::parse(&raw.string()?).map_err(|e| e.to_string())?;
                // A relative SQLite path in a file is relative to that file, like other paths.
                if let Source::File { path: file, .. } = source {
                    url = url.relative_to(file.parent().unwrap_or(Path::new("")));
                }
                self.database_url = Some(Sourced::of(url, source));
            }
            "session.strategy" => {
                let text = raw.string()?;
                let value = match text.trim().to_ascii_lowercase().as_str() {
                    "database" => SessionStrategy::Database,
                    "jwt" => SessionStrategy::Jwt,
                    _ => {
                        return Err(format!(
                            "unknown session strategy {text:?}: use \"database\" or \"jwt\""
                        ));
                    }
                };
                self.strategy = Some(Sourced::of(value, source));
            }
            "session.revocable_jwt" => self.revocable_jwt = Some(raw.boolean()?),
            "accounts.sign_up" => self.sign_up = Some(raw.boolean()?),
            "accounts.allow_unverified_sign_in" => {
                self.allow_unverified_sign_in = Some(raw.boolean()?)
            }
            "accounts.min_password_length" => {
                let length = raw.count()?;
                if !MIN_PASSWORD_LENGTH_RANGE.contains(&length) {
                    return Err(format!(
                        "invalid accounts.min_password_length {length}: use {} to {} characters",
                        MIN_PASSWORD_LENGTH_RANGE.start(),
                        MIN_PASSWORD_LENGTH_RANGE.end()
                    ));
                }
                // In range, so it fits.
                self.min_password_length = Some(usize::try_from(length).unwrap_or(usize::MAX));
            }
            "session.max_age" => self.max_age = Some(sourced_duration(raw, source)?),
            "session.update_age" => self.update_age = Some(sourced_duration(raw, source)?),
            "theme.color_scheme" => {
                let text = raw.string()?;
                self.color_scheme = Some(match text.trim().to_ascii_lowercase().as_str() {
                    "auto" => ColorScheme::Auto,
                    "light" => ColorScheme::Light,
                    "dark" => ColorScheme::Dark,
                    _ => {
                        return Err(format!(
                            "unknown color scheme {text:?}: use \"auto\", \"light\" or \"dark\""
                        ));
                    }
                });
            }
            "theme.brand_color" => self.brand_color = Some(Sourced::of(raw.string()?, source)),
            "theme.logo" => self.logo = Some(Sourced::of(raw.string()?, source)),
            "theme.button_text" => self.button_text = Some(Sourced::of(raw.string()?, source)),
            "pages.sign_in" => self.sign_in = Some(Sourced::of(raw.string()?, source)),
            "pages.sign_out" => self.sign_out = Some(Sourced::of(raw.string()?, source)),
            "pages.error" => self.error = Some(Sourced::of(raw.string()?, source)),
            "pages.verify_request" => {
                self.verify_request = Some(Sourced::of(raw.string()?, source))
            }
            "pages.new_user" => self.new_user = Some(Sourced::of(raw.string()?, source)),
            "client_ip_header" => {
                let name = raw.string()?.trim().to_ascii_lowercase();
                if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    return Err(format!("{name:?} is not a header name"));
                }
                self.client_ip_header = Some(Sourced::of(name, source));
            }
            "email.enabled" => self.email_enabled = Some(raw.boolean()?),
            "email.transport" => {
                let text = raw.string()?.trim().to_ascii_lowercase();
                if !matches!(text.as_str(), "log" | "file" | "smtp") {
                    return Err(format!(
                        "unknown email transport {text:?}: use \"log\", \"file\" or \"smtp\""
                    ));
                }
                self.email_transport = Some(Sourced::of(text, source));
            }
            "email.smtp_url" => {
                self.email_smtp_url = Some(Sourced::of(SmtpUrl::new(raw.string()?.trim()), source))
            }
            "email.from" => self.email_from = Some(Sourced::of(raw.string()?, source)),
            "email.link" => {
                let text = raw.string()?;
                self.email_link = Some(match text.trim().to_ascii_lowercase().as_str() {
                    "confirm" => EmailLinkMode::Confirm,
                    "direct" => EmailLinkMode::SignInOnGet,
                    _ => {
                        return Err(format!(
                            "unknown email.link {text:?}: use \"confirm\" or \"direct\""
                        ));
                    }
                });
            }
            "email.max_age" => self.email_max_age = Some(sourced_duration(raw, source)?),
            "email.subject" => self.email_subject = Some(raw.string()?),
            "email.code" => self.email_code = Some(raw.boolean()?),
            "email.file_format" => {
                let text = raw.string()?;
                self.email_file_format = Some(match text.trim().to_ascii_lowercase().as_str() {
                    "message" => authrs_mail::FileFormat::Message,
                    "link" => authrs_mail::FileFormat::Link,
                    _ => {
                        return Err(format!(
                            "unknown email.file_format {text:?}: use \"message\" or \"link\""
                        ));
                    }
                });
            }
            "email.max_per_address" | "email.max_per_client" => {
                let count = raw.count()?;
                let count = u32::try_from(count)
                    .ok()
                    .filter(|&c| c <= 1_000_000)
                    .ok_or_else(|| format!("{count} is too many: use 0 (off) to 1000000"))?;
                if key == "email.max_per_address" {
                    self.email_max_per_address = Some(count);
                } else {
                    self.email_max_per_client = Some(count);
                }
            }
            "limits.password_per_account_and_network"
            | "limits.password_per_network"
            | "limits.password_per_account"
            | "limits.sign_ups_per_client"
            | "limits.memory_keys" => {
                let count = raw.count()?;
                let (low, high) = if key == "limits.memory_keys" {
                    (1024, 16_777_216)
                } else {
                    (0, 1_000_000)
                };
                let count = u32::try_from(count)
                    .ok()
                    .filter(|c| (low..=high).contains(c))
                    .ok_or_else(|| format!("{count} is out of range: use {low} to {high}"))?;
                self.limits.insert(known_key(key), count);
            }
            "server.header_timeout" | "server.body_timeout" | "server.shutdown_grace" => {
                let duration = raw.duration()?;
                let low = if key == "server.shutdown_grace" { 0 } else { 1 };
                let range = Duration::from_secs(low)..=Duration::from_secs(60 * 60);
                if !range.contains(&duration) {
                    return Err(format!(
                        "{}s is out of range: use {low}s to 1h",
                        duration.as_secs()
                    ));
                }
                self.server_durations.insert(known_key(key), duration);
            }
            "server.outbound_timeout" => {
                let duration = raw.duration()?;
                let range = Duration::from_secs(1)..=Duration::from_secs(60);
                if !range.contains(&duration) {
                    return Err(format!(
                        "{}s is out of range: use 1s to 60s",
                        duration.as_secs()
                    ));
                }
                self.server_durations.insert(known_key(key), duration);
            }
            "server.max_connections" | "server.max_header_bytes" => {
                let count = raw.count()?;
                let (low, high) = if key == "server.max_connections" {
                    (1, 1_000_000)
                } else {
                    (8192, 1_048_576)
                };
                let count = u32::try_from(count)
                    .ok()
                    .filter(|c| (low..=high).contains(c))
                    .ok_or_else(|| format!("{count} is out of range: use {low} to {high}"))?;
                self.server_counts.insert(known_key(key), count);
            }
            "static_dotfiles" => self.static_dotfiles = Some(raw.boolean()?),
            other => return Err(format!("unknown key {other}")),
        }
        Ok(())
    }

    /// Applies defaults and lets the engine check each value on its own.
    fn finish(self, config_file: Option<PathBuf>, problems: &mut Vec<Problem>) -> Settings {
        let mut settings = Settings {
            config_file,
            ..Settings::default()
        };
        // One engine build per value, so each problem is tied to its source.
        let check = |builder: AuthBuilder| builder.secret(Secret::generate()).build().err();
        // (Building the mail transport touches no file, so the data directory set below does
        // not matter to these checks.)
        self.finish_email(&mut settings, problems);
        self.finish_providers(&mut settings, problems);

        if let Some(bind) = self.bind {
            settings.bind = bind.value;
        }
        if let Some(url) = self.url {
            match check(Auth::builder().url(&url.value)) {
                Some(error) => problems.push(Problem::new(url.source, error.to_string())),
                None => settings.url = Some(url.value),
            }
        }
        if let Some(secrets) = self.secrets {
            let list: Vec<Secret> = secrets.value.into_iter().map(Secret::new).collect();
            match Auth::builder().secrets(list.clone()).build() {
                Err(error) => problems.push(Problem::new(secrets.source, error.to_string())),
                Ok(_) => settings.secrets = list,
            }
        }
        if let Some(compatibility) = self.compatibility {
            settings.compatibility = compatibility.value;
        }
        if let Some(trust) = self.trust_host {
            settings.trust_host = trust;
        }
        settings.use_secure_cookies = self.use_secure_cookies;
        if let Some(dir) = self.data_dir {
            settings.data_dir = dir;
        }
        settings.database_url = self.database_url.map(|url| url.value);
        if let Some(revocable) = self.revocable_jwt {
            settings.revocable_jwt = revocable;
        }
        if let Some(sign_up) = self.sign_up {
            settings.sign_up = sign_up;
        }
        if let Some(allow) = self.allow_unverified_sign_in {
            settings.allow_unverified_sign_in = allow;
        }
        if let Some(length) = self.min_password_length {
            settings.min_password_length = length;
        }
        if let Some(strategy) = &self.strategy {
            settings.session_strategy = strategy.value;
        }
        if let Some(users_file) = self.users_file {
            if settings.session_strategy == SessionStrategy::Database {
                let strategy_from = match &self.strategy {
                    Some(strategy) => format!("set by {}", strategy.source),
                    None => "the default".to_owned(),
                };
                problems.push(Problem::new(
                    users_file.source,
                    format!(
                        "a users file needs session.strategy = \"jwt\", but session.strategy is \"database\" ({strategy_from}): \
                         the users of a users file are not in the database, so they cannot have database sessions. \
                         Set session.strategy = \"jwt\" (AUTHRS_SESSION_STRATEGY=jwt), or import the users with \
                         `authrs user add` and remove credentials.users_file"
                    ),
                ));
            }
            settings.users_file = Some(users_file.value);
        }

        let max_age = self.max_age.map(|d| (d.value, Some(d.source)));
        let update_age = self.update_age.map(|d| (d.value, Some(d.source)));
        let (max_age, max_source) = max_age.unwrap_or((settings.session_max_age, None));
        let (update_age, update_source) = update_age.unwrap_or((settings.session_update_age, None));
        match check(
            Auth::builder()
                .session_max_age(max_age)
                .session_update_age(update_age),
        ) {
            Some(ConfigError::InvalidSessionSetting { name, reason }) => {
                let source = if name == "max_age" {
                    max_source
                } else {
                    update_source.or(max_source)
                };
                let message = format!("invalid session.{name}: {reason}");
                problems.push(Problem { source, message });
            }
            Some(error) => problems.push(Problem {
                source: max_source,
                message: error.to_string(),
            }),
            None => {
                settings.session_max_age = max_age;
                settings.session_update_age = update_age;
            }
        }

        if let Some(origins) = self.trusted_origins {
            for origin in origins {
                match check(Auth::builder().trusted_origin(&origin.value)) {
                    Some(error) => problems.push(Problem::new(origin.source, error.to_string())),
                    None => settings.trusted_origins.push(origin.value),
                }
            }
        }

        if let Some(scheme) = self.color_scheme {
            settings.theme.color_scheme = scheme;
        }
        let theme_values = [
            (self.brand_color, ThemeField::BrandColor),
            (self.logo, ThemeField::Logo),
            (self.button_text, ThemeField::ButtonText),
        ];
        for (value, field) in theme_values {
            let Some(value) = value else { continue };
            let mut theme = Theme::default();
            *field.slot(&mut theme) = Some(value.value.clone());
            match check(Auth::builder().theme(theme)) {
                Some(error) => problems.push(Problem::new(value.source, error.to_string())),
                None => *field.slot(&mut settings.theme) = Some(value.value),
            }
        }

        let page_values = [
            (self.sign_in, PageField::SignIn),
            (self.sign_out, PageField::SignOut),
            (self.error, PageField::Error),
            (self.verify_request, PageField::VerifyRequest),
            (self.new_user, PageField::NewUser),
        ];
        for (value, field) in page_values {
            let Some(value) = value else { continue };
            let mut pages = Pages::default();
            *field.slot(&mut pages) = Some(value.value.clone());
            match check(Auth::builder().pages(pages)) {
                Some(error) => problems.push(Problem::new(value.source, error.to_string())),
                None => *field.slot(&mut settings.pages) = Some(value.value),
            }
        }

        if problems.is_empty() {
            // Anything that only fails in combination.
            let url = settings
                .url
                .clone()
                .unwrap_or_else(|| default_url(settings.bind));
            let storage = settings.engine_builder(
                &url,
                Arc::new(authrs_core::adapter::MemoryAdapter::default()),
                Arc::new(MemoryLimitStore::default()),
                Arc::new(validation_hasher()),
            );
            let error = match storage {
                Ok(storage) => check(storage).map(|error| error.to_string()),
                Err(error) => Some(error),
            };
            if let Some(message) = error {
                problems.push(Problem {
                    source: None,
                    message,
                });
            }
        }
        settings
    }
}

impl Layer {
    /// One field of an OAuth preset's settings.
    fn apply_provider(
        &mut self,
        id: &str,
        field: &str,
        raw: Raw,
        source: Source,
        problems: &mut Vec<Problem>,
    ) {
        if preset(id).is_none() {
            let known: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
            problems.push(Problem::new(
                source,
                format!("unknown provider {id:?} (known: {})", known.join(", ")),
            ));
            return;
        }
        let entry = self.providers.entry(id.to_owned()).or_default();
        let result = match field {
            "client_id" => raw
                .string()
                .map(|v| entry.client_id = Some(v.trim().to_owned())),
            "client_secret" => raw
                .string()
                .map(|v| entry.client_secret = Some(Secret::new(v.trim()))),
            "issuer" => raw
                .string()
                .map(|v| entry.issuer = Some(v.trim().to_owned())),
            "allow_email_account_linking" => raw
                .boolean()
                .map(|v| entry.allow_email_account_linking = Some(v)),
            _ => Err(
                "unknown key (expected client_id, client_secret, issuer or allow_email_account_linking)"
                    .to_owned(),
            ),
        };
        match result {
            Ok(()) => {
                entry.source.get_or_insert(source);
            }
            Err(message) => problems.push(Problem::new(source, message)),
        }
    }

    /// The OAuth providers, each built once to check it.
    fn finish_providers(&self, settings: &mut Settings, problems: &mut Vec<Problem>) {
        for (id, entry) in &self.providers {
            let source = entry.source.clone();
            let Some(preset) = preset(id) else { continue };
            let (Some(client_id), Some(secret)) = (&entry.client_id, &entry.client_secret) else {
                let env = id.to_ascii_uppercase().replace('-', "_");
                problems.push(Problem {
                    source,
                    message: format!(
                        "provider {id} needs client_id and client_secret \
                         (AUTHRS_{env}_CLIENT_ID and AUTHRS_{env}_CLIENT_SECRET)"
                    ),
                });
                continue;
            };
            match preset.build(client_id, secret.clone(), entry.issuer.as_deref()) {
                Ok(_) => settings.oauth.push(OAuthSettings {
                    id: id.clone(),
                    client_id: client_id.clone(),
                    client_secret: secret.clone(),
                    issuer: entry.issuer.clone(),
                    allow_email_account_linking: entry.allow_email_account_linking.unwrap_or(false),
                }),
                Err(message) => problems.push(Problem { source, message }),
            }
        }
    }

    /// The `[email]` settings, `client_ip_header` and `static_dir`, each checked on its own.
    fn finish_email(&self, settings: &mut Settings, problems: &mut Vec<Problem>) {
        if let Some(header) = &self.client_ip_header {
            settings.client_ip_header = Some(header.value.clone());
        }
        let email = &mut settings.email;
        if let Some(enabled) = self.email_enabled {
            email.enabled = enabled;
        }
        if let Some(from) = &self.email_from {
            email.from = from.value.clone();
        }
        if let Some(link) = self.email_link {
            email.link = link;
        }
        if let Some(subject) = &self.email_subject {
            email.subject = Some(subject.clone());
        }
        if let Some(code) = self.email_code {
            email.code = code;
        }
        if let Some(format) = self.email_file_format {
            email.file_format = format;
        }
        if let Some(dir) = &self.static_dir {
            if dir.value.is_dir() {
                settings.static_dir = Some(dir.value.clone());
            } else {
                problems.push(Problem::new(
                    dir.source.clone(),
                    format!("{} is not a directory", dir.value.display()),
                ));
            }
        }
        let limits = &mut settings.limits;
        for (&key, &count) in &self.limits {
            match key {
                "limits.password_per_account_and_network" => {
                    limits.password_per_account_and_network = count
                }
                "limits.password_per_network" => limits.password_per_network = count,
                "limits.password_per_account" => limits.password_per_account = count,
                "limits.sign_ups_per_client" => limits.sign_ups_per_client = count,
                _ => limits.memory_keys = count,
            }
        }
        let server = &mut settings.server;
        for (&key, &duration) in &self.server_durations {
            match key {
                "server.header_timeout" => server.header_timeout = duration,
                "server.body_timeout" => server.body_timeout = duration,
                "server.outbound_timeout" => server.outbound_timeout = duration,
                _ => server.shutdown_grace = duration,
            }
        }
        for (&key, &count) in &self.server_counts {
            match key {
                "server.max_connections" => server.max_connections = count,
                _ => server.max_header_bytes = count,
            }
        }
        if let Some(dotfiles) = self.static_dotfiles {
            settings.static_dotfiles = dotfiles;
        }
        let email = &mut settings.email;
        if let Some(max) = self.email_max_per_address {
            email.max_per_address = max;
        }
        if let Some(max) = self.email_max_per_client {
            email.max_per_client = max;
        }
        let kind = self.email_transport.as_ref().map(|t| t.value.as_str());
        email.transport = match kind {
            Some("smtp") => {
                MailTransport::Smtp(self.email_smtp_url.as_ref().map(|u| u.value.clone()))
            }
            Some("file") => MailTransport::File(self.email_file.clone()),
            // An SMTP URL alone means SMTP.
            None if self.email_smtp_url.is_some() => {
                MailTransport::Smtp(self.email_smtp_url.as_ref().map(|u| u.value.clone()))
            }
            _ => MailTransport::Log,
        };
        if let Err(message) = email.transport(&settings.data_dir, settings.server.outbound_timeout)
        {
            let source = self
                .email_smtp_url
                .as_ref()
                .map(|u| u.source.clone())
                .or_else(|| self.email_from.as_ref().map(|f| f.source.clone()))
                .or_else(|| self.email_transport.as_ref().map(|t| t.source.clone()));
            problems.push(Problem { source, message });
        }
        if let Some(max_age) = &self.email_max_age {
            let provider = authrs_core::providers::EmailProvider::new(authrs_mail::LogTransport)
                .max_age(max_age.value);
            let built = Auth::builder()
                .secret(Secret::generate())
                .adapter(Arc::new(authrs_core::adapter::MemoryAdapter::default()))
                .provider(provider)
                .build();
            match built {
                Err(error) => {
                    problems.push(Problem::new(max_age.source.clone(), error.to_string()))
                }
                Ok(_) => email.max_age = max_age.value,
            }
        }
    }
}

fn sourced_duration(raw: Raw, source: &Source) -> Result<Sourced<Duration>, String> {
    Ok(Sourced {
        value: raw.duration()?,
        source: source.clone(),
    })
}

#[derive(Clone, Copy)]
enum ThemeField {
    BrandColor,
    Logo,
    ButtonText,
}

impl ThemeField {
    fn slot(self, theme: &mut Theme) -> &mut Option<String> {
        match self {
            Self::BrandColor => &mut theme.brand_color,
            Self::Logo => &mut theme.logo,
            Self::ButtonText => &mut theme.button_text,
        }
    }
}

#[derive(Clone, Copy)]
enum PageField {
    SignIn,
    SignOut,
    Error,
    VerifyRequest,
    NewUser,
}

impl PageField {
    fn slot(self, pages: &mut Pages) -> &mut Option<String> {
        match self {
            Self::SignIn => &mut pages.sign_in,
            Self::SignOut => &mut pages.sign_out,
            Self::Error => &mut pages.error,
            Self::VerifyRequest => &mut pages.verify_request,
            Self::NewUser => &mut pages.new_user,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_and_units() {
        assert_eq!(parse_duration("3600").unwrap(), Duration::from_secs(3600));
        assert_eq!(
            parse_duration("30d").unwrap(),
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(
            parse_duration("2w").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        for bad in [
            "",
            "d",
            "30x",
            "30d5",
            "-5",
            "1.5h",
            "99999999999999999999w",
        ] {
            let error = parse_duration(bad).unwrap_err();
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    fn bind_takes_ip_and_port_or_localhost() {
        assert_eq!(
            parse_bind("0.0.0.0:8080").unwrap().to_string(),
            "0.0.0.0:8080"
        );
        assert_eq!(
            parse_bind("localhost:4000").unwrap().to_string(),
            "127.0.0.1:4000"
        );
        assert_eq!(parse_bind("[::1]:3000").unwrap().to_string(), "[::1]:3000");
        assert!(parse_bind("3000").unwrap_err().contains("\"3000\""));
    }

    #[test]
    fn default_url_follows_the_bound_port() {
        assert_eq!(default_url(DEFAULT_BIND), "http://localhost:3000/api/auth");
        assert_eq!(
            default_url("0.0.0.0:8080".parse().unwrap()),
            "http://localhost:8080/api/auth"
        );
        assert_eq!(
            default_url("10.1.2.3:80".parse().unwrap()),
            "http://10.1.2.3:80/api/auth"
        );
        assert_eq!(
            default_url("[2001:db8::1]:80".parse().unwrap()),
            "http://[2001:db8::1]:80/api/auth"
        );
    }

    #[test]
    fn environment_booleans_accept_common_spellings() {
        for yes in ["true", "1", "YES", "on"] {
            assert!(Raw::Text(yes.into()).boolean().unwrap());
        }
        for no in ["false", "0", "No", "off"] {
            assert!(!Raw::Text(no.into()).boolean().unwrap());
        }
        assert!(
            Raw::Text("maybe".into())
                .boolean()
                .unwrap_err()
                .contains("\"maybe\"")
        );
    }
}
