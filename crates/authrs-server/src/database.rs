//! The database the server keeps users and sessions in: [`DatabaseUrl`] (a URL checked when the
//! configuration is read, and never shown with its password) and [`Database`] (the open
//! adapter, SQLite or PostgreSQL).
//!
//! Rules:
//! 1. `sqlite:` URLs open a SQLite file through [`SqliteAdapter`]; `postgres://` and
//!    `postgresql://` URLs reach PostgreSQL through [`PostgresAdapter`]; anything else is a
//!    configuration problem naming the value.
//! 2. A URL is shown only through [`DatabaseUrl::redacted`]: the userinfo (`user:password@`)
//!    becomes `***@` and a `password=` query value becomes `***`. Error texts from the database
//!    driver pass through [`DatabaseUrl::scrub`], which removes the password wherever it appears.
//! 3. Checking a URL ([`DatabaseUrl::parse`]) never connects or writes: `authrs check` uses it.
//!    Opening it ([`Database::connect`]) applies the migrations, which is safe when several
//!    instances start at once (see `authrs_sqlx`).

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::{Adapter, AdapterError};
use authrs_sqlx::sqlx::pool::PoolOptions;
use authrs_sqlx::sqlx::postgres::{PgConnectOptions, PgConnection};
use authrs_sqlx::sqlx::sqlite::SqliteConnectOptions;
use authrs_sqlx::sqlx::{Connection, Database as SqlxDatabase};
use authrs_sqlx::{PostgresAdapter, SqliteAdapter};

use crate::error::Error;

/// Connections of the SQLite pool: WAL lets them read side by side. More only adds threads
/// (sqlx runs each SQLite connection on a thread of its own) that compete for the CPUs.
const SQLITE_CONNECTIONS: u32 = 4;

/// Connections of the PostgreSQL pool, per server instance (sqlx's default).
const POSTGRES_CONNECTIONS: u32 = 10;

/// A pooled connection idle for longer than this is pinged before use; a busier one is not.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(30);

/// The database file inside the data directory when no `database_url` is configured.
pub const DEFAULT_DATABASE_FILE: &str = "authrs.db";

/// Which database server a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// A SQLite file (or `sqlite::memory:`).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl fmt::Display for DatabaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        })
    }
}

/// A database URL whose syntax has been checked. It may hold a password, so it has no
/// `PartialEq`, its `Debug` and `Display` are [`Self::redacted`], and [`Self::expose`] is the
/// one way to the full text.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: String,
    kind: DatabaseKind,
}

impl DatabaseUrl {
    /// Checks the syntax of `text` without connecting. The error names the (redacted) value.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let url = Self {
            url: text.to_owned(),
            kind: DatabaseKind::Sqlite,
        };
        let shown = url.redacted();
        let invalid = |error: authrs_sqlx::sqlx::Error| {
            format!(
                "invalid database URL {shown:?}: {}",
                url.scrub(&error.to_string())
            )
        };
        let lower = text.to_ascii_lowercase();
        let kind = if lower.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(text).map_err(invalid)?;
            DatabaseKind::Sqlite
        } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            PgConnectOptions::from_str(text).map_err(invalid)?;
            DatabaseKind::Postgres
        } else {
            return Err(format!(
                "unsupported database URL {shown:?}: use sqlite://path/to/file.db or \
                 postgres://user:password@host:port/database"
            ));
        };
        Ok(Self { kind, ..url })
    }

    /// The default: `sqlite://<data_dir>/authrs.db?mode=rwc`.
    pub fn default_in(data_dir: &Path) -> Self {
        let path = data_dir.join(DEFAULT_DATABASE_FILE);
        Self {
            url: format!("sqlite://{}?mode=rwc", encode_path(&path)),
            kind: DatabaseKind::Sqlite,
        }
    }

    /// A `sqlite:` URL with a relative path, made relative to `dir` instead of the working
    /// directory (for URLs written in a configuration file). Other URLs are returned as they are.
    pub fn relative_to(self, dir: &Path) -> Self {
        if self.kind != DatabaseKind::Sqlite || dir.as_os_str().is_empty() {
            return self;
        }
        let rest = self.url["sqlite:".len()..].trim_start_matches("//");
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        if path.is_empty() || path.starts_with('/') || path == ":memory:" {
            return self;
        }
        let mut url = format!("sqlite://{}/{path}", encode_path(dir));
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        Self { url, ..self }
    }

    /// SQLite or PostgreSQL.
    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// The full URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// The URL without its secrets, for messages and logs (rule 2).
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }

    /// `text` with every occurrence of this URL's password (raw and percent-decoded) replaced
    /// by `***`, for error texts that might quote it.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.replace(&self.url, &self.redacted());
        for secret in self.passwords() {
            if !secret.is_empty() {
                text = text.replace(&secret, "***");
            }
        }
        text
    }

    /// The password of the userinfo and of any `password=` query parameter, raw and decoded.
    fn passwords(&self) -> Vec<String> {
        let mut found = Vec::new();
        let rest = self.url.split_once("://").map_or("", |(_, rest)| rest);
        if let Some(at) = rest.rfind('@')
            && let Some((_, password)) = rest[..at].split_once(':')
        {
            found.push(password.to_owned());
        }
        if let Some((_, query)) = self.url.split_once('?') {
            for pair in query.split(['&', '#']) {
                if let Some((key, value)) = pair.split_once('=')
                    && key.eq_ignore_ascii_case("password")
                {
                    found.push(value.to_owned());
                }
            }
        }
        let decoded: Vec<String> = found.iter().map(|p| percent_decode(p)).collect();
        found.extend(decoded);
        // Longest first, so a password containing another is replaced whole.
        found.sort_by_key(|p| std::cmp::Reverse(p.len()));
        found
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `text` (a URL, or something meant to be one) without secrets: everything between the scheme
/// and the last `@` becomes `***`, and `password=` query values become `***`. Errs towards
/// hiding too much: a URL that does not parse is redacted the same way.
pub fn redact_url(text: &str) -> String {
    let (scheme, rest) = match text.find("://") {
        Some(end) => text.split_at(end + 3),
        None => ("", text),
    };
    let mut out = scheme.to_owned();
    let rest = match rest.rfind('@') {
        Some(at) => {
            out.push_str("***");
            &rest[at..]
        }
        None => rest,
    };
    match rest.split_once('?') {
        Some((before, query)) => {
            out.push_str(before);
            out.push('?');
            let (query, fragment) = match query.split_once('#') {
                Some((query, fragment)) => (query, Some(fragment)),
                None => (query, None),
            };
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
            if let Some(fragment) = fragment {
                out.push('#');
                out.push_str(fragment);
            }
        }
        None => out.push_str(rest),
    }
    out
}

/// A path for a `sqlite://` URL: sqlx percent-decodes the path, so `%`, `?` and `#` (which
/// would end the path) are encoded.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A user as `authrs user list` shows it: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// The user's id.
    pub id: String,
    /// Email address.
    pub email: Option<String>,
    /// Display name.
    pub name: Option<String>,
}

/// An open database: the adapter the engine stores users and sessions through.
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite file.
    Sqlite(SqliteAdapter),
    /// A PostgreSQL database.
    Postgres(PostgresAdapter),
}

impl Database {
    /// Opens the database and brings its schema up to date. A SQLite file is created if missing
    /// (its directory must exist).
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, Error> {
        let failed = |error: authrs_sqlx::Error| Error::Database {
            url: url.redacted(),
            reason: url.scrub(&error.to_string()),
        };
        let connect_failed = |error| failed(authrs_sqlx::Error::Connect(error));
        match url.kind {
            DatabaseKind::Sqlite => {
                let options = SqliteAdapter::connect_options(url.expose()).map_err(failed)?;
                let pool = pool_options(SQLITE_CONNECTIONS)
                    .connect_with(options)
                    .await
                    .map_err(connect_failed)?;
                SqliteAdapter::from_pool(pool)
                    .await
                    .map(Self::Sqlite)
                    .map_err(failed)
            }
            DatabaseKind::Postgres => {
                let options = PgConnectOptions::from_str(url.expose())
                    .map_err(|e| failed(authrs_sqlx::Error::InvalidUrl(e)))?;
                // One direct connection first: a refused connection or a wrong password then
                // fails at once with its cause, where the pool would retry until its acquire
                // timeout and report only that it timed out.
                let probe = PgConnection::connect_with(&options)
                    .await
                    .map_err(connect_failed)?;
                let _ = probe.close().await;
                let pool = pool_options(POSTGRES_CONNECTIONS)
                    .connect_with(options)
                    .await
                    .map_err(connect_failed)?;
                PostgresAdapter::from_pool(pool)
                    .await
                    .map(Self::Postgres)
                    .map_err(failed)
            }
        }
    }

    /// The adapter, for the engine.
    pub fn adapter(&self) -> Arc<dyn Adapter> {
        match self {
            Self::Sqlite(adapter) => Arc::new(adapter.clone()),
            Self::Postgres(adapter) => Arc::new(adapter.clone()),
        }
    }

    /// Where rate limits count: in this process's memory on SQLite (one instance per file is
    /// the embedded default), in the database on PostgreSQL so every instance shares them.
    pub fn limit_store(
        &self,
        limits: &crate::config::LimitSettings,
    ) -> Arc<dyn authrs_core::ratelimit::LimitStore> {
        match self {
            Self::Sqlite(_) => limits.memory_store(),
            Self::Postgres(adapter) => {
                Arc::new(authrs_sqlx::PostgresLimitStore::from_adapter(adapter))
            }
        }
    }

    /// SQLite or PostgreSQL.
    pub fn kind(&self) -> DatabaseKind {
        match self {
            Self::Sqlite(_) => DatabaseKind::Sqlite,
            Self::Postgres(_) => DatabaseKind::Postgres,
        }
    }

    /// Every user, ordered by email address. The adapter trait has no listing (the engine never
    /// needs one), so this reads the `users` table of the authrs-sqlx schema directly.
    pub async fn list_users(&self) -> Result<Vec<UserSummary>, AdapterError> {
        const SQL: &str = "SELECT id, email, name FROM users ORDER BY email, id";
        let rows: Vec<(String, Option<String>, Option<String>)> = match self {
            Self::Sqlite(adapter) => authrs_sqlx::sqlx::query_as(SQL)
                .fetch_all(adapter.pool())
                .await
                .map_err(query_error)?,
            Self::Postgres(adapter) => authrs_sqlx::sqlx::query_as(SQL)
                .fetch_all(adapter.pool())
                .await
                .map_err(query_error)?,
        };
        Ok(rows
            .into_iter()
            .map(|(id, email, name)| UserSummary { id, email, name })
            .collect())
    }

    /// Whether the database has no users at all.
    pub async fn has_no_users(&self) -> Result<bool, AdapterError> {
        const SQL: &str = "SELECT COUNT(*) FROM users";
        let count: i64 = match self {
            Self::Sqlite(adapter) => authrs_sqlx::sqlx::query_scalar(SQL)
                .fetch_one(adapter.pool())
                .await
                .map_err(query_error)?,
            Self::Postgres(adapter) => authrs_sqlx::sqlx::query_scalar(SQL)
                .fetch_one(adapter.pool())
                .await
                .map_err(query_error)?,
        };
        Ok(count == 0)
    }

    /// Closes the pool: waits for connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(adapter) => adapter.pool().close().await,
            Self::Postgres(adapter) => adapter.pool().close().await,
        }
    }
}

/// Pool settings for both back ends. sqlx pings every connection it hands out by default, a
/// round trip per query (to PostgreSQL, or to the thread of a SQLite connection) that the
/// hot path of database sessions cannot afford; instead only a connection that sat idle for
/// [`PING_WHEN_IDLE_FOR`] is checked, as connections that long unused are the ones a restart
/// or a firewall may have cut. (sqlx also pings each connection when it is returned, which
/// finds one broken by a failed query.)
fn pool_options<DB: SqlxDatabase>(max_connections: u32) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(max_connections)
        .test_before_acquire(false)
        .before_acquire(|connection: &mut DB::Connection, meta| {
            Box::pin(async move {
                if meta.idle_for > PING_WHEN_IDLE_FOR {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

fn query_error(error: authrs_sqlx::sqlx::Error) -> AdapterError {
    AdapterError::Backend(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_userinfo_and_password_parameters() {
        assert_eq!(
            redact_url("postgres://authrs:hunter2@db.example:5432/authrs"),
            "postgres://***@db.example:5432/authrs"
        );
        assert_eq!(
            redact_url("postgresql://u:p@ss/w:rd@host/db?sslmode=disable&password=x&user=u"),
            "postgresql://***@host/db?sslmode=disable&password=***&user=u"
        );
        assert_eq!(
            redact_url("postgres://host/db?PASSWORD=secret#frag"),
            "postgres://host/db?PASSWORD=***#frag"
        );
        assert_eq!(
            redact_url("sqlite://authrs-data/authrs.db?mode=rwc"),
            "sqlite://authrs-data/authrs.db?mode=rwc"
        );
        // Not a URL at all: still nothing before an `@` is shown.
        assert_eq!(redact_url("user:hunter2@host"), "***@host");
    }

    #[test]
    fn schemes_choose_the_back_end_and_others_are_refused_by_value() {
        let kind = |url: &str| DatabaseUrl::parse(url).map(|u| u.kind());
        assert_eq!(kind("sqlite://a.db?mode=rwc"), Ok(DatabaseKind::Sqlite));
        assert_eq!(kind("sqlite::memory:"), Ok(DatabaseKind::Sqlite));
        assert_eq!(
            kind("postgres://u@localhost/db"),
            Ok(DatabaseKind::Postgres)
        );
        assert_eq!(
            kind("postgresql://u@localhost/db"),
            Ok(DatabaseKind::Postgres)
        );
        let error = kind("mysql://root:hunter2@localhost/db").unwrap_err();
        assert!(
            error.starts_with("unsupported database URL \"mysql://***@localhost/db\""),
            "{error}"
        );
        assert!(!error.contains("hunter2"));
        let error = kind("sqlite://a.db?mode=sideways").unwrap_err();
        assert!(
            error.starts_with("invalid database URL \"sqlite://a.db?mode=sideways\""),
            "{error}"
        );
        let error = kind("postgres://u:hunter2@host:notaport/db").unwrap_err();
        assert!(error.starts_with("invalid database URL"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn debug_display_and_scrub_never_show_the_password() {
        let url = DatabaseUrl::parse("postgres://u:p%40ss@localhost/db").unwrap();
        assert_eq!(url.to_string(), "postgres://***@localhost/db");
        assert!(!format!("{url:?}").contains("ss"));
        assert_eq!(
            url.scrub("auth failed for p@ss and p%40ss"),
            "auth failed for *** and ***"
        );
        assert_eq!(url.expose(), "postgres://u:p%40ss@localhost/db");
    }

    #[test]
    fn default_url_lives_in_the_data_directory() {
        let url = DatabaseUrl::default_in(Path::new("authrs-data"));
        assert_eq!(url.expose(), "sqlite://authrs-data/authrs.db?mode=rwc");
        let odd = DatabaseUrl::default_in(Path::new("/srv/a?b#c%d"));
        assert_eq!(
            odd.expose(),
            "sqlite:///srv/a%3Fb%23c%25d/authrs.db?mode=rwc"
        );
        let options = SqliteConnectOptions::from_str(odd.expose()).unwrap();
        assert_eq!(options.get_filename(), Path::new("/srv/a?b#c%d/authrs.db"));
    }

    #[test]
    fn relative_sqlite_paths_follow_the_configuration_file() {
        let dir = Path::new("/etc/authrs");
        let moved = |url: &str| {
            DatabaseUrl::parse(url)
                .unwrap()
                .relative_to(dir)
                .expose()
                .to_owned()
        };
        assert_eq!(
            moved("sqlite://state/a.db"),
            "sqlite:///etc/authrs/state/a.db"
        );
        assert_eq!(
            moved("sqlite:a.db?mode=rwc"),
            "sqlite:///etc/authrs/a.db?mode=rwc"
        );
        assert_eq!(moved("sqlite:///var/a.db"), "sqlite:///var/a.db");
        assert_eq!(moved("sqlite::memory:"), "sqlite::memory:");
        assert_eq!(moved("postgres://h/db"), "postgres://h/db");
    }
}
