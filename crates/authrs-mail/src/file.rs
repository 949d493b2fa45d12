//! [`FileTransport`] (messages or links appended to a file) and [`LogTransport`] (links in the
//! log): transports for development and tests, where no mail server is at hand.

use std::path::{Path, PathBuf};

use authrs_core::providers::{EmailError, EmailMessage, EmailTransport};
use lettre::message::Mailbox;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use crate::MailError;
use crate::message::{build_message, parse_from};

/// What [`FileTransport`] writes for each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// The whole MIME message as it would be sent, after a line `--- authrs mail ---`.
    Message,
    /// One line: the purpose (`sign-in` or `password-reset`), the recipient, the link and the
    /// code (`-` when none), separated by tabs.
    Link,
}

/// Appends each message to a file, created if missing with permissions for its owner only
/// (the links in it are secrets).
#[derive(Debug)]
pub struct FileTransport {
    path: PathBuf,
    format: FileFormat,
    from: Mailbox,
    /// One append at a time, so records never interleave.
    lock: Mutex<()>,
}

impl FileTransport {
    /// Appends to `path` in `format`; messages are from `from`.
    pub fn new(
        path: impl Into<PathBuf>,
        format: FileFormat,
        from: &str,
    ) -> Result<Self, MailError> {
        Ok(Self {
            path: path.into(),
            format,
            from: parse_from(from)?,
            lock: Mutex::new(()),
        })
    }

    /// The file written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn record(&self, message: &EmailMessage) -> Result<Vec<u8>, EmailError> {
        Ok(match self.format {
            FileFormat::Message => {
                let mut record = b"--- authrs mail ---\r\n".to_vec();
                record.extend_from_slice(&build_message(&self.from, message)?.formatted());
                record.extend_from_slice(b"\r\n");
                record
            }
            FileFormat::Link => format!(
                "{}\t{}\t{}\t{}\n",
                message.purpose.as_str(),
                message.to,
                message.url,
                message.code.as_deref().unwrap_or("-")
            )
            .into_bytes(),
        })
    }
}

#[async_trait::async_trait]
impl EmailTransport for FileTransport {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        let record = self.record(message)?;
        let failed = |error: std::io::Error| {
            EmailError(format!("writing {} failed: {error}", self.path.display()))
        };
        let _one_at_a_time = self.lock.lock().await;
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.path).await.map_err(failed)?;
        file.write_all(&record).await.map_err(failed)?;
        file.flush().await.map_err(failed)
    }
}

/// Writes each message's link and code to the log (`tracing`, level INFO, target
/// `authrs_mail`) instead of sending it. For development only: whoever reads the log can use
/// the links.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogTransport;

#[async_trait::async_trait]
impl EmailTransport for LogTransport {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        tracing::info!(
            target: "authrs_mail",
            purpose = message.purpose.as_str(),
            to = %message.to,
            url = %message.url,
            code = message.code.as_deref().unwrap_or("-"),
            "email not sent (log transport, for development): open the link to continue"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authrs_core::adapter::Timestamp;
    use authrs_core::providers::EmailPurpose;
    use authrs_test_support::TempDir;

    fn message(purpose: EmailPurpose, code: Option<&str>) -> EmailMessage {
        EmailMessage {
            to: "ada@example.com".into(),
            purpose,
            subject: "Sign in to example.com".into(),
            text: "Open https://example.com/link".into(),
            html: "<p>Open</p>".into(),
            url: "https://example.com/link".into(),
            code: code.map(str::to_owned),
            expires: Timestamp::from_millis(0),
        }
    }

    /// A scratch directory (removed when dropped) and a file path in it.
    fn scratch(name: &str) -> (TempDir, PathBuf) {
        let dir = TempDir::new("authrs-mail");
        let path = dir.join(name);
        (dir, path)
    }

    #[tokio::test]
    async fn link_format_appends_one_line_per_message() {
        let (_dir, path) = scratch("links.txt");
        let transport =
            FileTransport::new(&path, FileFormat::Link, "no-reply@example.com").unwrap();
        transport
            .send(&message(EmailPurpose::SignIn, Some("ABCD-EFGH")))
            .await
            .unwrap();
        transport
            .send(&message(EmailPurpose::PasswordReset, None))
            .await
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "sign-in\tada@example.com\thttps://example.com/link\tABCD-EFGH\n\
             password-reset\tada@example.com\thttps://example.com/link\t-\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[tokio::test]
    async fn message_format_writes_the_mime_message() {
        let (_dir, path) = scratch("messages.txt");
        let transport =
            FileTransport::new(&path, FileFormat::Message, "Example <no-reply@example.com>")
                .unwrap();
        transport
            .send(&message(EmailPurpose::SignIn, None))
            .await
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("--- authrs mail ---\r\n"));
        assert!(text.contains("To: ada@example.com"));
        assert!(text.contains("Subject: Sign in to example.com"));
    }

    #[tokio::test]
    async fn an_unwritable_file_is_an_error() {
        let transport = FileTransport::new(
            "/nonexistent-dir/authrs/mail.txt",
            FileFormat::Link,
            "no-reply@example.com",
        )
        .unwrap();
        assert!(
            transport
                .send(&message(EmailPurpose::SignIn, None))
                .await
                .is_err()
        );
    }
}
