//! [`DatabaseUrl`]: a database URL checked without connecting, and never shown with its
//! password.
//!
//! Rules:
//! 1. `sqlite:` URLs name a SQLite file (or `sqlite::memory:`); `postgres://` and
//!    `postgresql://` URLs a PostgreSQL server; anything else is refused by value.
//! 2. A URL is shown only through [`DatabaseUrl::redacted`]: the userinfo (`user:password@`)
//!    becomes `***@` and a `password=` query value becomes `***`. Error texts from the driver
//!    pass through [`DatabaseUrl::scrub`], which removes the password wherever it appears.
//! 3. [`DatabaseUrl::parse`] never connects or writes.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::sqlite::SqliteConnectOptions;

/// Which database server a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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

/// libpq's `sslmode`: whether and how a PostgreSQL connection uses TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS only if the server insists.
    Allow,
    /// TLS if the server offers it, unverified.
    Prefer,
    /// TLS, but the server's certificate is not verified.
    Require,
    /// TLS, the certificate verified against the root certificates, any host name.
    VerifyCa,
    /// TLS, the certificate verified and issued for the host connected to.
    VerifyFull,
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Disable => "disable",
            Self::Allow => "allow",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        })
    }
}

impl From<PgSslMode> for SslMode {
    fn from(mode: PgSslMode) -> Self {
        match mode {
            PgSslMode::Disable => Self::Disable,
            PgSslMode::Allow => Self::Allow,
            PgSslMode::Prefer => Self::Prefer,
            PgSslMode::Require => Self::Require,
            PgSslMode::VerifyCa => Self::VerifyCa,
            PgSslMode::VerifyFull => Self::VerifyFull,
        }
    }
}

/// How a PostgreSQL URL's connections are protected, as [`crate::Database::connect`] makes
/// them ([`DatabaseUrl::postgres_tls`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostgresTls {
    /// The mode in force.
    pub mode: SslMode,
    /// Whether it was chosen (`sslmode` in the URL, or `PGSSLMODE`), not defaulted.
    pub explicit: bool,
    /// Whether the server is on this machine: a loopback address, `localhost`, or a unix
    /// socket.
    pub local: bool,
}

impl PostgresTls {
    /// Whether someone on the network between could read the traffic or pose as the server:
    /// a server on another machine with less than `verify-full`.
    pub fn is_weak(&self) -> bool {
        !self.local && self.mode != SslMode::VerifyFull
    }
}

/// Why a database URL was refused. Both messages show the URL redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The scheme is neither SQLite nor PostgreSQL.
    #[error(
        "unsupported database URL {shown:?}: use sqlite://path/to/file.db or \
         postgres://user:password@host:port/database"
    )]
    Unsupported {
        /// The URL, redacted.
        shown: String,
    },
    /// The driver refused the URL's syntax.
    #[error("invalid database URL {shown:?}: {reason}")]
    Invalid {
        /// The URL, redacted.
        shown: String,
        /// The driver's reason, scrubbed of the password.
        reason: String,
    },
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
    /// Checks the syntax of `text` without connecting.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let text = text.trim();
        let url = Self {
            url: text.to_owned(),
            kind: DatabaseKind::Sqlite,
        };
        let invalid = |error: sqlx::Error| UrlError::Invalid {
            shown: url.redacted(),
            reason: url.scrub(&error.to_string()),
        };
        // The URL parser sqlx uses drops tabs and line breaks anywhere, so `host\taddr` would
        // be read as `hostaddr` by sqlx and as something else here: refuse them outright.
        if text.chars().any(char::is_control) {
            return Err(UrlError::Invalid {
                shown: url.redacted(),
                reason: "it contains a control character (a tab or a line break?)".to_owned(),
            });
        }
        let lower = text.to_ascii_lowercase();
        let kind = if lower.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(text).map_err(invalid)?;
            DatabaseKind::Sqlite
        } else if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            PgConnectOptions::from_str(text).map_err(invalid)?;
            DatabaseKind::Postgres
        } else {
            return Err(UrlError::Unsupported {
                shown: url.redacted(),
            });
        };
        Ok(Self { kind, ..url })
    }

    /// The SQLite file at `path`, created when missing: `sqlite://<path>?mode=rwc`.
    pub fn sqlite_file(path: &Path) -> Self {
        Self {
            url: format!("sqlite://{}?mode=rwc", encode_path(path)),
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

    /// For a PostgreSQL URL, how its connections are protected: the URL's `sslmode` (or a
    /// valid `PGSSLMODE`) if it sets one; otherwise `verify-full` for a server on another
    /// machine, and sqlx's `prefer` for one on this machine. `None` for SQLite.
    pub fn postgres_tls(&self) -> Option<PostgresTls> {
        if self.kind != DatabaseKind::Postgres {
            return None;
        }
        let options = PgConnectOptions::from_str(&self.without_system_roots()).ok()?;
        Some(self.tls_of(&options))
    }

    /// The connection options of a PostgreSQL URL: [`Self::postgres_tls`]'s mode, an IPv6
    /// literal host without its brackets (so it is checked against the certificate's IP
    /// address), and `sslrootcert=system` meaning the platform's root certificates (libpq's
    /// spelling).
    pub(crate) fn postgres_options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        let mut options = PgConnectOptions::from_str(&self.without_system_roots())?;
        let host = options.get_host();
        if host.starts_with('[') && host.ends_with(']') {
            let bare = host[1..host.len() - 1].to_owned();
            options = options.host(&bare);
        }
        let tls = self.tls_of(&options);
        Ok(if tls.explicit {
            options
        } else {
            // Not chosen: what `tls_of` reports is what is used (a `PGSSLMODE` that sqlx
            // could not read, and so took as `prefer`, is overridden too).
            options.ssl_mode(match tls.mode {
                SslMode::VerifyFull => PgSslMode::VerifyFull,
                _ => PgSslMode::Prefer,
            })
        })
    }

    /// The TLS posture of `options`, parsed from this URL.
    fn tls_of(&self, options: &PgConnectOptions) -> PostgresTls {
        let explicit = self.query_value(&["sslmode", "ssl-mode"]).is_some()
            || std::env::var("PGSSLMODE").is_ok_and(|mode| mode.parse::<PgSslMode>().is_ok());
        // A unix socket wins over everything. Otherwise, with `hostaddr` (libpq's, which sqlx
        // 0.9 reads from the URL or PGHOSTADDR) the connection goes to that address and the
        // host name is only what the certificate must carry. It is read back from sqlx's own
        // parse, so both agree on it.
        let socket = options.get_socket().is_some() || options.get_host().starts_with('/');
        let hostaddr = options
            .to_url_lossy()
            .query_pairs()
            .find(|(key, _)| key == "hostaddr")
            .and_then(|(_, addr)| addr.parse::<std::net::IpAddr>().ok());
        let local = socket
            || hostaddr.map_or_else(|| is_local_host(options.get_host()), |ip| ip.is_loopback());
        let mode = if explicit {
            options.get_ssl_mode().into()
        } else if local {
            SslMode::Prefer
        } else {
            SslMode::VerifyFull
        };
        PostgresTls {
            mode,
            explicit,
            local,
        }
    }

    /// The URL without an `sslrootcert=system` parameter: with none, sqlx trusts the
    /// platform's root certificates, which is what libpq's `system` asks for.
    fn without_system_roots(&self) -> String {
        let Some((base, query)) = self.url.split_once('?') else {
            return self.url.clone();
        };
        let (query, fragment) = match query.split_once('#') {
            Some((query, fragment)) => (query, Some(fragment)),
            None => (query, None),
        };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                !pair.split_once('=').is_some_and(|(key, value)| {
                    ROOT_CERT_KEYS.contains(&percent_decode(key).as_str())
                        && percent_decode(value) == "system"
                })
            })
            .collect();
        let mut url = base.to_owned();
        if !kept.is_empty() {
            url.push('?');
            url.push_str(&kept.join("&"));
        }
        if let Some(fragment) = fragment {
            url.push('#');
            url.push_str(fragment);
        }
        url
    }

    /// The last value of one of `keys` in the URL's query, matched as sqlx matches them
    /// (decoded, exact case; nothing after `#`).
    fn query_value(&self, keys: &[&str]) -> Option<String> {
        let before_fragment = self.url.split('#').next().unwrap_or_default();
        let (_, query) = before_fragment.split_once('?')?;
        query.split('&').rev().find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            keys.contains(&percent_decode(key).as_str())
                .then(|| percent_decode(value))
        })
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
                    && percent_decode(key).eq_ignore_ascii_case("password")
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

/// The query keys sqlx reads as `sslrootcert`.
const ROOT_CERT_KEYS: [&str; 3] = ["sslrootcert", "ssl-root-cert", "ssl-ca"];

/// Whether `host` is this machine: `localhost`, a loopback address, or a unix socket's
/// directory.
fn is_local_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
                    // Decoded as sqlx decodes it: `pass%77ord` is the password too.
                    Some((key, _)) if percent_decode(key).eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(url: &str) -> PostgresTls {
        DatabaseUrl::parse(url).unwrap().postgres_tls().unwrap()
    }

    #[test]
    fn a_remote_postgres_server_defaults_to_verify_full() {
        let remote = tls("postgres://app:pw@db.example.com:5432/app");
        assert_eq!(
            (remote.mode, remote.explicit, remote.local),
            (SslMode::VerifyFull, false, false)
        );
        assert!(!remote.is_weak());
        let options = DatabaseUrl::parse("postgres://app:pw@10.0.0.7/app")
            .unwrap()
            .postgres_options()
            .unwrap();
        assert!(matches!(options.get_ssl_mode(), PgSslMode::VerifyFull));
    }

    #[test]
    fn a_server_on_this_machine_keeps_the_drivers_default() {
        for url in [
            "postgres://app@localhost/app",
            "postgres://app@127.0.0.1:5432/app",
            "postgres://app@[::1]:5432/app",
            "postgres://app@%2Fvar%2Frun%2Fpostgresql/app",
            "postgres:///app?host=/var/run/postgresql",
        ] {
            let local = tls(url);
            assert!(local.local, "{url}");
            assert!(!local.explicit, "{url}");
            assert!(!local.is_weak(), "{url}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for url in [
            "postgres://app@localhost/app?host\taddr=10.0.0.7",
            "postgres://app@localhost/app?sslmode=\nverify-full",
            "postgres://app@local\rhost/app",
        ] {
            let error = DatabaseUrl::parse(url).unwrap_err().to_string();
            assert!(error.contains("control character"), "{url:?}: {error}");
        }
    }

    #[test]
    fn hostaddr_decides_where_the_server_is() {
        // The name is local but the connection goes elsewhere: verify-full, as for any
        // remote server.
        let remote = tls("postgres://app@localhost/app?hostaddr=10.0.0.7");
        assert_eq!((remote.mode, remote.local), (SslMode::VerifyFull, false));
        // A remote name reached through a loopback address (a tunnel) is on this machine.
        let tunnel = tls("postgres://app@db.example.com/app?hostaddr=127.0.0.1");
        assert_eq!((tunnel.mode, tunnel.local), (SslMode::Prefer, true));
        // A unix socket is used whatever `hostaddr` says, as sqlx does.
        let socket = tls("postgres:///app?host=/var/run/postgresql&hostaddr=10.0.0.7");
        assert!(socket.local);
    }

    #[test]
    fn a_weaker_mode_chosen_for_a_remote_server_is_weak() {
        for (mode, expected) in [
            ("disable", SslMode::Disable),
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::VerifyCa),
        ] {
            let chosen = tls(&format!("postgres://app@db.example.com/app?sslmode={mode}"));
            assert_eq!((chosen.mode, chosen.explicit), (expected, true), "{mode}");
            assert!(chosen.is_weak(), "{mode}");
            assert_eq!(chosen.mode.to_string(), mode);
        }
        let full = tls("postgres://app@db.example.com/app?sslmode=verify-full");
        assert!(full.explicit && !full.is_weak());
    }

    #[test]
    fn a_percent_encoded_password_key_is_redacted_too() {
        let url =
            DatabaseUrl::parse("postgres://app@db.example.com/app?pass%77ord=s3cr3t").unwrap();
        assert!(!url.redacted().contains("s3cr3t"), "{}", url.redacted());
        assert_eq!(url.scrub("failed for s3cr3t"), "failed for ***");
    }

    #[test]
    fn a_key_sqlx_does_not_read_is_no_choice() {
        // sqlx reads `sslmode` and `ssl-mode` only, exactly: `SSLMODE` is ignored by it, so
        // the default for a remote server stays, and is what the options carry.
        for url in [
            "postgres://app@db.example.com/app?SSLMODE=disable",
            "postgres://app@db.example.com/app#?sslmode=disable",
        ] {
            let parsed = DatabaseUrl::parse(url).unwrap();
            let tls = parsed.postgres_tls().unwrap();
            assert_eq!(
                (tls.mode, tls.explicit),
                (SslMode::VerifyFull, false),
                "{url}"
            );
            let options = parsed.postgres_options().unwrap();
            assert!(
                matches!(options.get_ssl_mode(), PgSslMode::VerifyFull),
                "{url}"
            );
        }
    }

    #[test]
    fn an_ipv6_literal_host_loses_its_brackets_for_the_certificate_check() {
        let options = DatabaseUrl::parse("postgres://app@[2001:db8::1]:5432/app")
            .unwrap()
            .postgres_options()
            .unwrap();
        assert_eq!(options.get_host(), "2001:db8::1");
        assert!(matches!(options.get_ssl_mode(), PgSslMode::VerifyFull));
    }

    #[test]
    fn sslrootcert_system_means_the_platform_roots() {
        let url = DatabaseUrl::parse(
            "postgres://app@db.example.com/app?sslmode=verify-full&sslrootcert=system&application_name=x",
        )
        .unwrap();
        assert_eq!(
            url.without_system_roots(),
            "postgres://app@db.example.com/app?sslmode=verify-full&application_name=x"
        );
        // A file stays a file.
        let file = DatabaseUrl::parse("postgres://app@db.example.com/app?sslrootcert=/etc/ca.pem")
            .unwrap();
        assert_eq!(file.without_system_roots(), file.expose());
        assert!(url.postgres_options().is_ok());
    }

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
        let kind = |url: &str| {
            DatabaseUrl::parse(url)
                .map(|u| u.kind())
                .map_err(|e| e.to_string())
        };
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
    fn sqlite_file_urls_encode_their_path() {
        let url = DatabaseUrl::sqlite_file(Path::new("authrs-data/authrs.db"));
        assert_eq!(url.expose(), "sqlite://authrs-data/authrs.db?mode=rwc");
        let odd = DatabaseUrl::sqlite_file(Path::new("/srv/a?b#c%d/authrs.db"));
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
