//! [`build_message`]: an engine [`EmailMessage`] as a MIME message (plain text and HTML
//! alternatives) from one sender to its one recipient.

use authrs_core::providers::{EmailError, EmailMessage};
use lettre::message::{Mailbox, MultiPart};

/// The MIME message for `message`, from `from`. Fails when the recipient is not one plain
/// address (rule 1).
pub fn build_message(
    from: &Mailbox,
    message: &EmailMessage,
) -> Result<lettre::Message, EmailError> {
    let to = message
        .to
        .parse::<lettre::Address>()
        .map_err(|error| EmailError(format!("recipient not accepted by the mailer: {error}")))?;
    lettre::Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(message.subject.as_str())
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|error| EmailError(format!("the message could not be built: {error}")))
}

/// The sender from configuration text: `name@example.com` or `Name <name@example.com>`.
pub(crate) fn parse_from(text: &str) -> Result<Mailbox, crate::MailError> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|_| crate::MailError::InvalidFrom(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use authrs_core::adapter::Timestamp;
    use authrs_core::providers::EmailPurpose;

    fn message(to: &str) -> EmailMessage {
        EmailMessage {
            to: to.to_owned(),
            purpose: EmailPurpose::SignIn,
            subject: "Sign in to example.com\r\nBcc: mallory@example.com".to_owned(),
            text: "Open https://example.com/x".to_owned(),
            html: "<p>Open</p>".to_owned(),
            url: "https://example.com/x".to_owned(),
            code: None,
            expires: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn one_recipient_and_no_header_injection() {
        let from = parse_from("Example <no-reply@example.com>").unwrap();
        let built = build_message(&from, &message("ada@example.com")).unwrap();
        let envelope = built.envelope();
        assert_eq!(envelope.to().len(), 1);
        assert_eq!(envelope.to()[0].to_string(), "ada@example.com");
        let text = String::from_utf8(built.formatted()).unwrap();
        assert!(!text.contains("\r\nBcc:"), "{text}");
        assert!(text.contains("multipart/alternative"));
        assert!(text.contains("text/html"));
    }

    #[test]
    fn refuses_a_recipient_that_is_not_one_plain_address() {
        let from = parse_from("no-reply@example.com").unwrap();
        for bad in [
            "ada@example.com, mallory@example.com",
            "\"mallory@evil.example\"@example.com x",
            "Ada <ada@example.com>",
            "",
        ] {
            assert!(build_message(&from, &message(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn sender_must_parse() {
        assert!(parse_from("Example <no-reply@example.com>").is_ok());
        assert!(parse_from("not an address").is_err());
    }
}
