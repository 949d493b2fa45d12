//! [`SmtpTransport`]: mail over SMTP with lettre, configured by a URL.
//!
//! | URL | connection |
//! |---|---|
//! | `smtp://host` (port 587) | STARTTLS, required |
//! | `smtps://host` (port 465) | TLS from the first byte |
//! | `smtp://host?tls=none` (port 25) | clear text (loopback relays, test servers) |
//!
//! `user:password@` before the host authenticates (percent-encode reserved characters);
//! `:port` after it overrides the port.

use std::fmt;
use std::time::Duration;

use authrs_core::providers::{EmailError, EmailMessage, EmailTransport};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::MailError;
use crate::message::{build_message, parse_from};

/// How long one delivery (connecting, TLS, authentication and the message) may take before
/// the send fails. lettre bounds only the connect; a server that stops answering mid-session
/// would otherwise hold the sign-in request for as long as the server's own idle timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which the server must offer (`smtp://`).
    StartTls,
    /// TLS from the first byte (`smtps://`).
    ImplicitTls,
    /// No encryption (`smtp://…?tls=none`).
    None,
}

/// Settings of an [`SmtpTransport`] parsed from its URL, with more to add before
/// [`Self::build`].
pub struct SmtpTransportBuilder {
    shown: String,
    host: String,
    port: u16,
    security: SmtpSecurity,
    credentials: Option<Credentials>,
    from: Mailbox,
    roots: Vec<Certificate>,
    timeout: Duration,
}

impl fmt::Debug for SmtpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransportBuilder")
            .field("url", &self.shown)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl SmtpTransportBuilder {
    /// Trusts `pem` (one or more PEM certificates) as a root as well as Mozilla's: for a
    /// server with a private CA or a self-signed certificate.
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, MailError> {
        // An input without any certificate would parse as an empty list.
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(MailError::InvalidCertificate(
                "no PEM certificate (-----BEGIN CERTIFICATE-----) found".into(),
            ));
        }
        let certificate = Certificate::from_pem(pem)
            .map_err(|error| MailError::InvalidCertificate(error.to_string()))?;
        self.roots.push(certificate);
        Ok(self)
    }

    /// How long one delivery may take, all of it (default 30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The transport. Nothing connects until the first message.
    pub fn build(self) -> Result<SmtpTransport, MailError> {
        let tls_parameters = || {
            let mut builder = TlsParameters::builder(self.host.clone());
            for root in &self.roots {
                builder = builder.add_root_certificate(root.clone());
            }
            builder
                .build_rustls()
                .map_err(|error| MailError::Tls(error.to_string()))
        };
        let tls = match self.security {
            SmtpSecurity::StartTls => Tls::Required(tls_parameters()?),
            SmtpSecurity::ImplicitTls => Tls::Wrapper(tls_parameters()?),
            SmtpSecurity::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(self.timeout));
        if let Some(credentials) = self.credentials {
            builder = builder.credentials(credentials);
        }
        Ok(SmtpTransport {
            transport: builder.build(),
            from: self.from,
            shown: self.shown,
            timeout: self.timeout,
        })
    }
}

/// Sends mail through an SMTP server (see the [module docs](self) for the URL).
#[derive(Clone)]
pub struct SmtpTransport {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    shown: String,
    timeout: Duration,
}

impl fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("url", &self.shown)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl SmtpTransport {
    /// A transport for the server at `url`, sending as `from` (`name@example.com` or
    /// `Name <name@example.com>`).
    pub fn new(url: &str, from: &str) -> Result<Self, MailError> {
        Self::builder(url, from)?.build()
    }

    /// Parses `url` and `from`, for settings beyond the URL (a root certificate, a timeout).
    pub fn builder(url: &str, from: &str) -> Result<SmtpTransportBuilder, MailError> {
        let from = parse_from(from)?;
        let shown = redact(url);
        let invalid = |reason: &str| MailError::InvalidUrl {
            url: shown.clone(),
            reason: reason.to_owned(),
        };
        let parsed = url::Url::parse(url.trim()).map_err(|e| invalid(&e.to_string()))?;
        let mut security = match parsed.scheme() {
            "smtp" => SmtpSecurity::StartTls,
            "smtps" => SmtpSecurity::ImplicitTls,
            _ => return Err(invalid("the scheme must be smtp or smtps")),
        };
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref(), security) {
                ("tls", "required" | "starttls", SmtpSecurity::StartTls) => {}
                ("tls", "none", SmtpSecurity::StartTls) => security = SmtpSecurity::None,
                ("tls", _, _) => {
                    return Err(invalid(
                        "tls may be `required` (the default) or `none`, and only with smtp://",
                    ));
                }
                _ => return Err(invalid(&format!("unknown parameter {key:?}"))),
            }
        }
        let host = parsed
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| invalid("it has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        if !matches!(parsed.path(), "" | "/") || parsed.fragment().is_some() {
            return Err(invalid("it must not have a path or fragment"));
        }
        let port = parsed.port().unwrap_or(match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::ImplicitTls => 465,
            SmtpSecurity::None => 25,
        });
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| invalid("the user or password is not UTF-8 once decoded"))
        };
        let credentials = match (parsed.username(), parsed.password()) {
            ("", None) => None,
            (user, password) => Some(Credentials::new(
                decode(user)?,
                decode(password.unwrap_or_default())?,
            )),
        };
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if credentials.is_some() && security == SmtpSecurity::None && !loopback {
            return Err(invalid(
                "it would send the password in clear text: use smtp:// (STARTTLS) or smtps://",
            ));
        }
        Ok(SmtpTransportBuilder {
            shown,
            host,
            port,
            security,
            credentials,
            from,
            roots: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The URL, without its password.
    pub fn url(&self) -> &str {
        &self.shown
    }
}

#[async_trait::async_trait]
impl EmailTransport for SmtpTransport {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        let built = build_message(&self.from, message)?;
        match tokio::time::timeout(self.timeout, self.transport.send(built)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(EmailError(format!(
                "SMTP delivery via {} failed: {error}",
                self.shown
            ))),
            Err(_) => Err(EmailError(format!(
                "SMTP delivery via {} took longer than {:?}",
                self.shown, self.timeout
            ))),
        }
    }
}

/// `url` with the password (if any) replaced by `***`.
fn redact(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        // Unparseable: show only the scheme, in case the rest holds a password.
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…"),
            None => "(unparseable)".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<SmtpTransportBuilder, MailError> {
        SmtpTransport::builder(url, "no-reply@example.com")
    }

    #[test]
    fn schemes_choose_tls_and_default_ports() {
        let b = parse("smtp://mail.example.com").unwrap();
        assert_eq!((b.security, b.port), (SmtpSecurity::StartTls, 587));
        let b = parse("smtps://mail.example.com").unwrap();
        assert_eq!((b.security, b.port), (SmtpSecurity::ImplicitTls, 465));
        let b = parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((b.security, b.port), (SmtpSecurity::None, 2525));
        let b = parse("smtp://[::1]:2525?tls=required").unwrap();
        assert_eq!(
            (b.security, b.host.as_str()),
            (SmtpSecurity::StartTls, "::1")
        );
    }

    #[test]
    fn credentials_are_decoded_and_never_shown() {
        let b = parse("smtp://apikey:p%40ss%3Aword@mail.example.com").unwrap();
        assert!(b.credentials.is_some());
        assert_eq!(b.shown, "smtp://apikey:***@mail.example.com");
        let t = b.build().unwrap();
        let shown = format!("{t:?} {}", t.url());
        assert!(
            !shown.contains("p%40ss") && !shown.contains("p@ss"),
            "{shown}"
        );
    }

    #[test]
    fn refuses_bad_urls_naming_them_without_the_password() {
        for (url, needle) in [
            ("http://mail.example.com", "scheme"),
            ("smtp://", "host"),
            ("smtp://mail.example.com?tls=maybe", "tls"),
            ("smtps://mail.example.com?tls=none", "tls"),
            ("smtp://mail.example.com?foo=1", "unknown parameter"),
            ("smtp://mail.example.com/path", "path"),
            ("smtp://u:secret@mail.example.com?tls=none", "clear text"),
        ] {
            let error = parse(url).unwrap_err().to_string();
            assert!(error.contains(needle), "{url}: {error}");
            assert!(!error.contains("secret"), "{url}: {error}");
        }
        // Clear text to a loopback relay with a password is allowed.
        assert!(parse("smtp://u:secret@127.0.0.1:25?tls=none").is_ok());
    }

    #[tokio::test]
    async fn a_server_that_never_answers_fails_the_send_at_the_deadline() {
        use authrs_core::adapter::Timestamp;
        use authrs_core::providers::EmailPurpose;
        // Accepts connections (the backlog does) and never says a word.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("smtp://{}?tls=none", silent.local_addr().unwrap());
        let transport = SmtpTransport::builder(&url, "no-reply@example.com")
            .unwrap()
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let message = EmailMessage {
            to: "ada@example.com".into(),
            purpose: EmailPurpose::SignIn,
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
            url: "https://example.com/x".into(),
            code: None,
            expires: Timestamp::from_millis(0),
        };
        let error = transport.send(&message).await.unwrap_err();
        assert!(error.0.contains("took longer than"), "{error}");
    }

    #[test]
    fn the_default_deadline_of_a_whole_delivery_is_ten_seconds_at_most() {
        assert!(DEFAULT_TIMEOUT <= Duration::from_secs(10));
        let built = parse("smtp://mail.example.com").unwrap().build().unwrap();
        assert_eq!(built.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn refuses_a_bad_sender_or_certificate() {
        assert!(matches!(
            SmtpTransport::builder("smtp://mail.example.com", "nobody"),
            Err(MailError::InvalidFrom(_))
        ));
        let b = parse("smtp://mail.example.com").unwrap();
        assert!(matches!(
            b.add_root_certificate_pem(b"not a certificate"),
            Err(MailError::InvalidCertificate(_))
        ));
    }
}
