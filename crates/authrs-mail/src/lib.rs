//! Mail transports for authrs: each implements
//! [`authrs_core::providers::EmailTransport`], so it can carry the email provider's sign-in
//! mails and the password-reset mails of email-and-password accounts.
//!
//! - [`SmtpTransport`]: SMTP through lettre, over STARTTLS (the default) or implicit TLS,
//!   with authentication; configured by a URL such as `smtp://user:password@mail.example.com`.
//! - [`FileTransport`]: appends each message, or just its link, to a file.
//! - [`LogTransport`]: writes the link to the log; for development.
//!
//! ```no_run
//! # fn example() -> Result<(), authrs_mail::MailError> {
//! use authrs_core::providers::EmailProvider;
//!
//! let smtp = authrs_mail::SmtpTransport::new(
//!     "smtp://apikey:secret@smtp.example.com",
//!     "Example <no-reply@example.com>",
//! )?;
//! let provider = EmailProvider::new(smtp);
//! # Ok(()) }
//! ```
//!
//! # Rules
//! 1. **One recipient, the canonical address.** A message goes to exactly the address the
//!    engine normalised (`authrs_core::email::normalize_email`); an address lettre's parser
//!    does not accept as one plain address fails the send rather than being reinterpreted.
//! 2. **Passwords are never shown.** The SMTP URL is displayed without its password, and an
//!    SMTP password is never sent over a connection without TLS to a host other than loopback:
//!    such a URL is refused when the transport is built.
//! 3. **TLS by default.** `smtp://` means STARTTLS, required; `smtps://` means TLS from the
//!    first byte; only `?tls=none` sends in clear text. Certificates are checked against
//!    Mozilla's roots (plus any root certificate added).
//! 4. **Links are secrets.** [`FileTransport`] creates its file readable by its owner only, and
//!    [`LogTransport`] is for development: whoever reads its log can sign in.
#![forbid(unsafe_code)]

mod file;
mod message;
mod smtp;

pub use file::{FileFormat, FileTransport, LogTransport};
pub use message::build_message;
pub use smtp::{SmtpSecurity, SmtpTransport, SmtpTransportBuilder};

/// A transport that could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The SMTP URL does not parse or has an unsupported part. The text never includes the
    /// URL's password.
    #[error("invalid SMTP URL {url}: {reason}")]
    InvalidUrl {
        /// The URL, without its password.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The sender address does not parse.
    #[error("invalid sender address {0:?}: use `name@example.com` or `Name <name@example.com>`")]
    InvalidFrom(String),
    /// A root certificate does not parse.
    #[error("invalid root certificate: {0}")]
    InvalidCertificate(String),
    /// The TLS settings could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(String),
}
