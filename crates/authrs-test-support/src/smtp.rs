//! A real SMTP server for tests: [`SmtpServer`] runs aiosmtpd (`py/smtp_server.py`) on
//! `127.0.0.1`, on a port the OS picks, and hands over every message it accepts.
//!
//! The Python comes from `AUTHRS_TEST_PYTHON` (the virtual environment `scripts/test`
//! prepares), else `python3` on the `PATH`. When neither has aiosmtpd the test fails with a
//! message saying so: it is never skipped.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::process::{ServerProcess, start_server};

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_tos: Vec<String>,
    /// The message as it arrived (headers and body, transfer-encoded as sent).
    pub data: String,
}

impl ReceivedMail {
    /// The message with quoted-printable soft line breaks and `=XX` escapes undone (the
    /// parts lettre writes as quoted-printable read as plain text again).
    pub fn decoded(&self) -> String {
        let joined = self.data.replace("=\r\n", "").replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
            {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The first `http(s)://` URL in the decoded message that contains `needle`.
    pub fn link_containing(&self, needle: &str) -> Option<String> {
        let text = self.decoded();
        text.split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .filter(|word| word.starts_with("http://") || word.starts_with("https://"))
            .find(|word| word.contains(needle))
            .map(|word| word.replace("&amp;", "&"))
    }

    /// The one-time code (`XXXX-XXXX` after "code"), if the message has one.
    pub fn code(&self) -> Option<String> {
        let text = self.decoded();
        let start = text.find("this code on the sign-in page:")?;
        text[start..]
            .split(|c: char| c.is_whitespace() || c == '<' || c == '>')
            .find(|word| {
                word.len() == 9
                    && word.as_bytes()[4] == b'-'
                    && word
                        .chars()
                        .all(|c| c == '-' || c.is_ascii_uppercase() || c.is_ascii_digit())
            })
            .map(str::to_owned)
    }
}

/// Options of the test server.
#[derive(Debug, Default, Clone)]
pub struct SmtpServerOptions {
    /// PEM certificate and key files: offer and require STARTTLS.
    pub tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    /// `user:password`: require authentication.
    pub auth: Option<String>,
}

/// A running aiosmtpd on loopback. Dropping it stops the server.
#[derive(Debug)]
pub struct SmtpServer {
    port: u16,
    messages: mpsc::UnboundedReceiver<ReceivedMail>,
    _stdin: ChildStdin,
    _child: Child,
}

impl SmtpServer {
    /// Starts a plain server (no TLS, no authentication).
    pub async fn start() -> Self {
        Self::start_with(SmtpServerOptions::default()).await
    }

    /// Starts a server with `options`.
    pub async fn start_with(options: SmtpServerOptions) -> Self {
        let python = std::env::var("AUTHRS_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("py/smtp_server.py");
        let mut command = Command::new(&python);
        command.arg(&script);
        if let Some((cert, key)) = &options.tls {
            command
                .arg("--tls-cert")
                .arg(cert)
                .arg("--tls-key")
                .arg(key);
        }
        if let Some(auth) = &options.auth {
            command.arg("--auth").arg(auth);
        }
        let (server, first) = start_server(
            &mut command,
            &format!("the SMTP test server ({python} {})", script.display()),
            "run scripts/test, or set AUTHRS_TEST_PYTHON to a Python with aiosmtpd",
        )
        .await;
        let ServerProcess {
            stdin,
            stdout: mut lines,
            child,
        } = server;
        let port = first
            .as_deref()
            .and_then(|line| line.strip_prefix("PORT "))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "the SMTP test server did not start (is aiosmtpd installed for {python}? \
                     run scripts/test, or set AUTHRS_TEST_PYTHON); it said {first:?}"
                )
            });
        let (sender, messages) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(record) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let text = |key: &str| record[key].as_str().unwrap_or_default().to_owned();
                let mail = ReceivedMail {
                    mail_from: text("mail_from"),
                    rcpt_tos: record["rcpt_tos"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                    data: text("data"),
                };
                if sender.send(mail).is_err() {
                    break;
                }
            }
        });
        Self {
            port,
            messages,
            _stdin: stdin,
            _child: child,
        }
    }

    /// The port it listens on, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The next message, waiting up to 10 seconds (a delivery takes milliseconds; the bound
    /// only turns a lost message into a failure instead of a hang).
    pub async fn next_message(&mut self) -> ReceivedMail {
        tokio::time::timeout(Duration::from_secs(10), self.messages.recv())
            .await
            .expect("no message reached the SMTP server within 10 s")
            .expect("the SMTP test server stopped")
    }

    /// Whether no message has arrived that was not taken yet.
    pub fn is_empty(&mut self) -> bool {
        self.messages.is_empty()
    }
}
