//! The server's mail: email sign-in (the `email` provider) and the password-reset mails of
//! accounts, through one transport chosen in the configuration ([`EmailSettings`]).
//!
//! Rules:
//! 1. The embedded default is the `log` transport: a newcomer signs in by email with no mail
//!    server, by opening the link the log shows. It is for development: the log holds
//!    working links.
//! 2. An SMTP URL may hold a password: [`SmtpUrl`] never shows it (`Debug` and `Display`
//!    redact it), and problems with it name the URL without it.
//! 3. Everything is checked when the configuration is read ([`EmailSettings::transport`]
//!    builds the transport, which connects to nothing), so a bad URL or sender fails at start.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use authrs_core::providers::{EmailLinkMode, EmailProvider, EmailRateLimits, EmailTransport};
use authrs_core::ratelimit::RateLimit;
use authrs_mail::{FileFormat, FileTransport, LogTransport, MailError, SmtpTransport};
use serde::{Deserialize, Deserializer};

use crate::values::{self, Choice};

/// The file the `file` transport appends to when `email.file` is not set, in the data
/// directory.
pub const DEFAULT_MAIL_FILE: &str = "mail.txt";

/// The sender when `email.from` is not set.
pub const DEFAULT_FROM: &str = "authrs <no-reply@localhost>";

/// The window of the send limits (`email.max_per_address`, `email.max_per_client`).
pub const SEND_LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// An SMTP URL, which may hold a password: shown only redacted.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// Wraps a URL (checked by [`EmailSettings::transport`]).
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL with its password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SmtpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::new(String::deserialize(d)?.trim()))
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                f.write_str(url.as_str())
            }
            Err(_) => f.write_str("(an SMTP URL that does not parse)"),
        }
    }
}

/// Where mail goes (`email.transport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailTransport {
    /// The log, for development (the default).
    Log,
    /// Appended to a file (`email.file`; default `<data_dir>/mail.txt`).
    File,
    /// An SMTP server (`email.smtp_url`).
    Smtp,
}

impl Choice for MailTransport {
    const NAME: &'static str = "email transport";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("log", Self::Log),
        ("file", Self::File),
        ("smtp", Self::Smtp),
    ];
}

/// The `[email]` settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// Whether the `email` provider is on (default true). Reset mails use the transport
    /// either way.
    pub enabled: bool,
    /// Where mail goes; unset: SMTP when `smtp_url` is set, else the log.
    #[serde(deserialize_with = "values::some_choice")]
    pub transport: Option<MailTransport>,
    /// The SMTP server.
    pub smtp_url: Option<SmtpUrl>,
    /// The file the `file` transport appends to (default `<data_dir>/mail.txt`).
    #[serde(deserialize_with = "values::some_path")]
    pub file: Option<PathBuf>,
    /// The sender.
    pub from: String,
    /// Confirm page (default) or NextAuth's sign-in on GET.
    #[serde(deserialize_with = "values::choice")]
    pub link: EmailLinkMode,
    /// How long links and codes work (default 15 minutes).
    #[serde(deserialize_with = "values::duration::<_, 0, { u64::MAX }>")]
    pub max_age: Duration,
    /// The subject of sign-in mails; `{site}` becomes the site's host.
    pub subject: Option<String>,
    /// Whether mails carry a one-time code (default true).
    pub code: bool,
    /// What the `file` transport writes: the MIME message (default) or one line per mail.
    #[serde(deserialize_with = "values::choice")]
    pub file_format: FileFormat,
    /// Mails per address per 15 minutes (default 5; 0 turns the limit off).
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub max_per_address: u32,
    /// Mails per client network per 15 minutes (default 20; 0 turns the limit off).
    #[serde(deserialize_with = "values::count::<_, 0, 1_000_000>")]
    pub max_per_client: u32,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            transport: None,
            smtp_url: None,
            file: None,
            from: DEFAULT_FROM.to_owned(),
            link: EmailLinkMode::Confirm,
            max_age: Duration::from_secs(15 * 60),
            subject: None,
            code: true,
            file_format: FileFormat::Message,
            max_per_address: 5,
            max_per_client: 20,
        }
    }
}

impl EmailSettings {
    /// The transport in force: the configured one; unset, SMTP when an SMTP URL is set, else
    /// the log.
    pub fn transport_kind(&self) -> MailTransport {
        match (self.transport, &self.smtp_url) {
            (Some(kind), _) => kind,
            (None, Some(_)) => MailTransport::Smtp,
            (None, None) => MailTransport::Log,
        }
    }

    /// The file the `file` transport appends to.
    fn mail_file(&self, data_dir: &Path) -> PathBuf {
        (self.file.clone()).unwrap_or_else(|| data_dir.join(DEFAULT_MAIL_FILE))
    }

    /// Builds the transport (nothing connects yet). `data_dir` holds the default mail file;
    /// `timeout` bounds a whole SMTP delivery.
    pub fn transport(
        &self,
        data_dir: &Path,
        timeout: std::time::Duration,
    ) -> Result<Arc<dyn EmailTransport>, String> {
        let described = |error: MailError| error.to_string();
        Ok(match (self.transport_kind(), &self.smtp_url) {
            (MailTransport::Log, _) => Arc::new(LogTransport),
            (MailTransport::File, _) => Arc::new(
                FileTransport::new(self.mail_file(data_dir), self.file_format, &self.from)
                    .map_err(described)?,
            ),
            (MailTransport::Smtp, Some(url)) => {
                let smtp = SmtpTransport::builder(url.expose(), &self.from)
                    .map_err(described)?
                    .timeout(timeout)
                    .build()
                    .map_err(described)?;
                Arc::new(smtp)
            }
            (MailTransport::Smtp, None) => {
                return Err("email.transport is \"smtp\" but email.smtp_url is not set \
                     (AUTHRS_EMAIL_SMTP_URL), e.g. smtp://user:password@mail.example.com"
                    .into());
            }
        })
    }

    /// The send limits.
    pub fn rate_limits(&self) -> EmailRateLimits {
        let limit = |max: u32| (max > 0).then(|| RateLimit::new(max, SEND_LIMIT_WINDOW));
        EmailRateLimits {
            per_address: limit(self.max_per_address),
            per_client: limit(self.max_per_client),
            ..EmailRateLimits::default()
        }
    }

    /// The `email` provider on `transport`.
    pub fn provider(&self, transport: Arc<dyn EmailTransport>) -> EmailProvider {
        let mut provider = EmailProvider::with_transport(transport)
            .max_age(self.max_age)
            .link_mode(self.link)
            .one_time_code(self.code)
            .rate_limits(self.rate_limits());
        if let Some(subject) = &self.subject {
            provider = provider.subject(subject.clone());
        }
        provider
    }

    /// Where mail goes, for the start-up log line.
    pub fn describe(&self, data_dir: &Path) -> String {
        match (self.transport_kind(), &self.smtp_url) {
            (MailTransport::Log, _) => {
                "the log (development only: the log shows working sign-in links)".into()
            }
            (MailTransport::File, _) => format!("the file {}", self.mail_file(data_dir).display()),
            (MailTransport::Smtp, Some(url)) => format!("SMTP {url}"),
            (MailTransport::Smtp, None) => "SMTP (no URL)".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_never_show_their_password() {
        let url = SmtpUrl::new("smtp://apikey:hunter2@mail.example.com");
        assert_eq!(url.to_string(), "smtp://apikey:***@mail.example.com");
        assert!(!format!("{url:?}").contains("hunter2"));
        let settings = EmailSettings {
            transport: Some(MailTransport::Smtp),
            smtp_url: Some(url),
            ..EmailSettings::default()
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
        assert!(!settings.describe(Path::new(".")).contains("hunter2"));
    }

    #[test]
    fn transports_are_checked_when_built() {
        let dir = Path::new("authrs-data");
        assert!(
            EmailSettings::default()
                .transport(dir, std::time::Duration::from_secs(10))
                .is_ok()
        );
        let smtp = |url: Option<&str>, from: &str| EmailSettings {
            transport: Some(MailTransport::Smtp),
            smtp_url: url.map(SmtpUrl::new),
            from: from.into(),
            ..EmailSettings::default()
        };
        assert!(
            smtp(Some("smtp://mail.example.com"), DEFAULT_FROM)
                .transport(dir, std::time::Duration::from_secs(10))
                .is_ok()
        );
        let error = smtp(None, DEFAULT_FROM)
            .transport(dir, std::time::Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(error.contains("email.smtp_url"), "{error}");
        let error = smtp(
            Some("smtp://u:hunter2@mail.example.com?tls=none"),
            DEFAULT_FROM,
        )
        .transport(dir, std::time::Duration::from_secs(10))
        .err()
        .unwrap();
        assert!(
            error.contains("clear text") && !error.contains("hunter2"),
            "{error}"
        );
        let error = smtp(Some("smtp://mail.example.com"), "nobody")
            .transport(dir, std::time::Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(error.contains("sender"), "{error}");
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let settings = EmailSettings {
            max_per_address: 0,
            max_per_client: 3,
            ..EmailSettings::default()
        };
        let limits = settings.rate_limits();
        assert_eq!(limits.per_address, None);
        assert_eq!(
            limits.per_client,
            Some(RateLimit::new(3, SEND_LIMIT_WINDOW))
        );
    }
}
