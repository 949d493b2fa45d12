//! The email provider: passwordless sign-in with a single-use link (and a one-time code) sent
//! by mail, and the mail itself: [`EmailTransport`] delivers it, [`EmailTemplate`] writes it.
//!
//! Rules:
//! 1. The address is normalised once by [`crate::email::normalize_email`] and that canonical
//!    form is used everywhere: the user row, the token's identifier and the one recipient.
//! 2. Only hashes are stored: `sha256(token + secret)` for the link's token (protocol §4.5,
//!    the same as NextAuth) and `sha256("code:" + code + secret)` for the code, each bound to
//!    the address. Either one signs in once; the first that does deletes the other.
//! 3. Opening the link never signs in by itself ([`EmailLinkMode::Confirm`], the default):
//!    the GET shows a page whose one button POSTs, so a mail scanner that fetches the link
//!    (GET or HEAD) does not spend it. [`EmailLinkMode::SignInOnGet`] is NextAuth's behaviour,
//!    and even then HEAD does not sign in.
//! 4. The mail never shows the submitted address, and everything in its HTML part is escaped.
//!    Links are built from the configured URL, never from request headers.
//! 5. Sends are limited per address and per client network, code attempts per address
//!    ([`EmailRateLimits`]); a request over a limit gets 429 with `Retry-After`, the same for
//!    addresses with and without an account.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use maud::{DOCTYPE, html};

use crate::adapter::AdapterError;
use crate::adapter::Timestamp;
use crate::i18n::{Arg, Messages};
use crate::ratelimit::{Limits, RateLimit, Verdict};

/// The default id of the email provider, as in NextAuth (`signIn("email", …)`).
pub const EMAIL_PROVIDER_ID: &str = "email";

/// What a mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailPurpose {
    /// A sign-in link (and code) from the email provider.
    SignIn,
    /// A password-reset link for an email-and-password account.
    PasswordReset,
    /// The link and code that prove the address of a new email-and-password account.
    VerifyEmail,
    /// A sign-up for an address that has an account already (or a sign-up in progress): a
    /// link to choose a new password, which also proves the address.
    AccountExists,
    /// The code that confirms deleting an account (the link opens the account page).
    DeleteAccount,
    /// A notice that the account's two-step sign-in changed (turned on or off, new recovery
    /// codes): no code, nothing that expires; the link opens the account page.
    TwoFactorChanged,
    /// A notice that a passkey was added to the account: no code, nothing that expires; the
    /// link opens the account page.
    PasskeyAdded,
}

impl EmailPurpose {
    /// A stable name for logs and files: `sign-in`, `password-reset`, `verify-email`,
    /// `account-exists`, `delete-account`, `two-factor-changed`, `passkey-added`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::PasswordReset => "password-reset",
            Self::VerifyEmail => "verify-email",
            Self::AccountExists => "account-exists",
            Self::DeleteAccount => "delete-account",
            Self::TwoFactorChanged => "two-factor-changed",
            Self::PasskeyAdded => "passkey-added",
        }
    }
}

/// One mail to send: the canonical recipient, the rendered content, and the link and code it
/// carries (for transports that record only those).
#[derive(Clone)]
pub struct EmailMessage {
    /// The one recipient: a normalised address.
    pub to: String,
    /// What the mail is for.
    pub purpose: EmailPurpose,
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// The single-use link (a secret: whoever has it can use it).
    pub url: String,
    /// The one-time code, as shown (`ABCD-EFGH`), when the mail has one (a secret too).
    pub code: Option<String>,
    /// When the link and code stop working.
    pub expires: Timestamp,
}

impl fmt::Debug for EmailMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailMessage")
            .field("to", &self.to)
            .field("purpose", &self.purpose)
            .field("subject", &self.subject)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// A failed delivery. The text goes to the server log, never to the client.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EmailError(pub String);

/// Delivers mail: SMTP, a file and the log in `authrs-mail`, or anything of the app's.
#[async_trait]
pub trait EmailTransport: Send + Sync + 'static {
    /// Sends one message. The sign-in request waits for it, and a failure is answered with
    /// `EmailSignin`.
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError>;
}

/// What a template is given to write a mail.
#[derive(Debug, Clone, Copy)]
pub struct EmailDetails<'a> {
    /// What the mail is for.
    pub purpose: EmailPurpose,
    /// The site's host, from the configured URL (`example.com`, `localhost:3000`).
    pub site: &'a str,
    /// The link.
    pub url: &'a str,
    /// The one-time code, when there is one.
    pub code: Option<&'a str>,
    /// How long the link and the code work.
    pub valid_for: Duration,
    /// The theme's brand colour (`#rgb` or `#rrggbb`, checked at startup).
    pub brand_color: &'a str,
    /// The messages in the language of the request that sent the mail; a template of the
    /// app's may use them, with messages of its own added through
    /// [`crate::i18n::Languages::add`].
    pub messages: Messages<'a>,
}

/// A written mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailContent {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (escape whatever you interpolate).
    pub html: String,
}

/// Writes the mails. The submitted address is deliberately not among the
/// [`EmailDetails`]: a mail that shows it lets anyone put their text into mail from your domain
/// (CVE-2022-31127).
pub trait EmailTemplate: Send + Sync + 'static {
    /// The subject, text and HTML of one mail.
    fn render(&self, details: &EmailDetails<'_>) -> EmailContent;
}

/// The built-in mails: a short text and a small HTML part with one button, in the theme's
/// colour. `subject` replaces the default subject; `{site}` in it becomes the site's host.
#[derive(Debug, Clone, Default)]
pub struct DefaultEmailTemplate {
    /// A subject for sign-in mails instead of "Sign in to {site}".
    pub subject: Option<String>,
}

impl EmailTemplate for DefaultEmailTemplate {
    fn render(&self, d: &EmailDetails<'_>) -> EmailContent {
        let m = d.messages;
        let minutes = d.valid_for.as_secs().div_ceil(60).max(1);
        let site = [("site", Arg::Text(d.site))];
        let text = |id: &str| m.format(id, &site);
        let (subject, heading, action) = match d.purpose {
            EmailPurpose::SignIn => (
                self.subject.as_deref().map_or_else(
                    || text("mail-sign-in-subject"),
                    |subject| subject.replace("{site}", d.site),
                ),
                text("mail-sign-in-heading"),
                text("mail-sign-in-action"),
            ),
            EmailPurpose::PasswordReset => (
                text("mail-reset-subject"),
                text("mail-reset-heading"),
                text("mail-reset-action"),
            ),
            EmailPurpose::VerifyEmail => (
                text("mail-verify-subject"),
                text("mail-verify-heading"),
                text("mail-verify-action"),
            ),
            EmailPurpose::AccountExists => (
                text("mail-exists-subject"),
                text("mail-exists-heading"),
                text("mail-exists-action"),
            ),
            EmailPurpose::DeleteAccount => (
                text("mail-delete-subject"),
                text("mail-delete-heading"),
                text("mail-delete-action"),
            ),
            EmailPurpose::TwoFactorChanged => (
                text("mail-two-factor-subject"),
                text("mail-two-factor-heading"),
                text("mail-two-factor-action"),
            ),
            EmailPurpose::PasskeyAdded => (
                text("mail-passkey-subject"),
                text("mail-passkey-heading"),
                text("mail-passkey-action"),
            ),
        };
        // A notice has nothing that expires.
        let notice = matches!(
            d.purpose,
            EmailPurpose::TwoFactorChanged | EmailPurpose::PasskeyAdded
        );
        let or_code = m.text(match d.purpose {
            EmailPurpose::DeleteAccount => "mail-delete-code",
            _ => "mail-or-code",
        });
        let valid_for = m.format("mail-valid-for", &[("minutes", Arg::Number(minutes))]);
        let mut text = format!("{heading}\n\n{action}:\n{}\n", d.url);
        if let Some(code) = d.code {
            text.push_str(&format!("\n{or_code} {code}\n"));
        }
        if !notice {
            text.push_str(&format!("\n{valid_for}\n"));
        }
        let html = html! {
            (DOCTYPE)
            html lang=(m.language()) dir=(m.direction()) {
                body style="margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1c2128" {
                    table role="presentation" width="100%" cellspacing="0" cellpadding="0" style={"max-width:480px;margin:0 auto;background:#ffffff;border-radius:8px;border-top:4px solid " (d.brand_color)} {
                        tr { td style="padding:24px;text-align:center" {
                            h1 style="font-size:20px;margin:0 0 20px" { (heading) }
                            a href=(d.url) style={"display:inline-block;padding:12px 24px;background:" (d.brand_color) ";color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold"} { (action) }
                            @if let Some(code) = d.code {
                                p style="margin:24px 0 8px;color:#57606a" { (or_code) }
                                p style="margin:0;font:bold 24px/1.4 monospace;letter-spacing:2px" dir="ltr" { (code) }
                            }
                            @if !notice {
                                p style="margin:24px 0 0;font-size:13px;color:#57606a" { (valid_for) }
                            }
                        } }
                    }
                }
            }
        }
        .into_string();
        EmailContent {
            subject,
            text,
            html,
        }
    }
}

/// What opening a sign-in link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum EmailLinkMode {
    /// Show a page with one button that signs in (a POST). Mail scanners that fetch links
    /// cannot spend it (next-auth issue #1840).
    #[default]
    Confirm,
    /// Sign in on the GET itself, as NextAuth does. HEAD still never signs in.
    SignInOnGet,
}

/// The message `template` writes for `details`, to `to`: one way to render every mail.
pub(crate) fn render_message(
    template: &dyn EmailTemplate,
    details: &EmailDetails<'_>,
    to: &str,
    expires: Timestamp,
) -> EmailMessage {
    let content = template.render(details);
    EmailMessage {
        to: to.to_owned(),
        purpose: details.purpose,
        subject: content.subject,
        text: content.text,
        html: content.html,
        url: details.url.to_owned(),
        code: details.code.map(str::to_owned),
        expires,
    }
}

/// The email provider's abuse limits. `None` turns one off. Counted in the engine's
/// [`crate::ratelimit::LimitStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailRateLimits {
    /// Mails to one address (default 5 per 15 minutes).
    pub per_address: Option<RateLimit>,
    /// Mails requested from one client network: an IPv4 address or an IPv6 /64 (default 20
    /// per 15 minutes). Needs the client address (see
    /// [`crate::ratelimit::ClientAddress`]).
    pub per_client: Option<RateLimit>,
    /// One-time code attempts for one address (default 5 per 15 minutes); past it, codes for
    /// that address are refused until the window moves on. A code that works clears them.
    pub code_attempts: Option<RateLimit>,
    /// One-time code attempts from one client network, at any address (default 30 per 15
    /// minutes); a code that works is not counted.
    pub code_attempts_per_client: Option<RateLimit>,
}

impl Default for EmailRateLimits {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            per_address: Some(RateLimit::new(5, window)),
            per_client: Some(RateLimit::new(20, window)),
            code_attempts: Some(RateLimit::new(5, window)),
            code_attempts_per_client: Some(RateLimit::new(30, window)),
        }
    }
}

impl EmailRateLimits {
    /// No limits at all.
    pub fn off() -> Self {
        Self {
            per_address: None,
            per_client: None,
            code_attempts: None,
            code_attempts_per_client: None,
        }
    }

    /// Counts one mail to `email` for the mails of `purpose` (a provider id, or the account
    /// mails): the client's network first, then the address.
    pub(crate) async fn count_send(
        &self,
        limits: &Limits<'_>,
        purpose: &str,
        email: &str,
    ) -> Result<Verdict, AdapterError> {
        limits
            .hit_client_then(
                (
                    &format!("mail-client:{purpose}"),
                    self.per_client,
                    "mails requested by one client",
                ),
                (
                    &format!("mail-address:{purpose}"),
                    self.per_address,
                    "mails to one address",
                ),
                email,
            )
            .await
    }

    /// Counts one code attempt for `email`, before the code is checked (so that concurrent
    /// attempts cannot race past the limit): the client's network first, then the address.
    pub(crate) async fn count_code_attempt(
        &self,
        limits: &Limits<'_>,
        purpose: &str,
        email: &str,
    ) -> Result<Verdict, AdapterError> {
        limits
            .hit_client_then(
                (
                    &format!("code-client:{purpose}"),
                    self.code_attempts_per_client,
                    "one-time code attempts from one client",
                ),
                (
                    &format!("code-address:{purpose}"),
                    self.code_attempts,
                    "one-time code attempts for one address",
                ),
                email,
            )
            .await
    }

    /// A code worked: the address's attempts are cleared and the client's one taken back.
    pub(crate) async fn code_worked(
        &self,
        limits: &Limits<'_>,
        purpose: &str,
        email: &str,
    ) -> Result<(), AdapterError> {
        limits
            .clear(&format!("code-address:{purpose}"), email)
            .await?;
        if self.code_attempts_per_client.is_some() {
            limits
                .undo_client(&format!("code-client:{purpose}"))
                .await?;
        }
        Ok(())
    }
}

/// Passwordless sign-in by email (protocol §6): `POST /signin/email` mails a link and a code,
/// and `/callback/email` signs in with either. Needs an adapter (for the tokens and users).
///
/// ```
/// use authrs_core::providers::{EmailMessage, EmailError, EmailProvider, EmailTransport};
///
/// struct Outbox;
///
/// #[async_trait::async_trait]
/// impl EmailTransport for Outbox {
///     async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
///         // Hand `message` to your mail system here.
///         Ok(())
///     }
/// }
///
/// let provider = EmailProvider::new(Outbox).max_age(std::time::Duration::from_secs(600));
/// ```
#[derive(Clone)]
pub struct EmailProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) transport: Arc<dyn EmailTransport>,
    pub(crate) template: Arc<dyn EmailTemplate>,
    pub(crate) max_age: Duration,
    pub(crate) link_mode: EmailLinkMode,
    pub(crate) one_time_code: bool,
    pub(crate) limits: EmailRateLimits,
}

impl fmt::Debug for EmailProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailProvider")
            .field("id", &self.id)
            .field("max_age", &self.max_age)
            .field("link_mode", &self.link_mode)
            .field("one_time_code", &self.one_time_code)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl EmailProvider {
    /// The provider with id `email`, sending through `transport`: links valid for 15 minutes,
    /// the confirm page, a one-time code, the default limits and the default template.
    pub fn new(transport: impl EmailTransport) -> Self {
        Self::with_transport(Arc::new(transport))
    }

    /// [`Self::new`] with a shared transport.
    pub fn with_transport(transport: Arc<dyn EmailTransport>) -> Self {
        Self {
            id: EMAIL_PROVIDER_ID.to_owned(),
            name: "Email".to_owned(),
            transport,
            template: Arc::new(DefaultEmailTemplate::default()),
            max_age: Duration::from_secs(15 * 60),
            link_mode: EmailLinkMode::default(),
            one_time_code: true,
            limits: EmailRateLimits::default(),
        }
    }

    /// Another id (for a second email provider); `a-z`, `0-9`, `-`, `_`.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// The display name (default `Email`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// How long a link and code work (default 15 minutes; NextAuth's is 24 hours).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// What opening the link does (default [`EmailLinkMode::Confirm`]).
    pub fn link_mode(mut self, mode: EmailLinkMode) -> Self {
        self.link_mode = mode;
        self
    }

    /// Whether mails carry a one-time code as well as the link (default on). The code lets a
    /// user who reads the mail on another device type it on the "check your email" page.
    pub fn one_time_code(mut self, enabled: bool) -> Self {
        self.one_time_code = enabled;
        self
    }

    /// The abuse limits (default [`EmailRateLimits::default`]).
    pub fn rate_limits(mut self, limits: EmailRateLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The subject of sign-in mails (`{site}` becomes the site's host), with the default
    /// template.
    pub fn subject(self, subject: impl Into<String>) -> Self {
        self.template(DefaultEmailTemplate {
            subject: Some(subject.into()),
        })
    }

    /// Writes the mails with `template` instead of the default one.
    pub fn template(mut self, template: impl EmailTemplate) -> Self {
        self.template = Arc::new(template);
        self
    }

    /// The provider id.
    pub fn provider_id(&self) -> &str {
        &self.id
    }
}

/// The alphabet of one-time codes: Crockford's base 32 (no I, L, O or U), 5 bits a
/// character.
/// A one-time code of 8 characters (40 random bits), shown as `ABCD-EFGH`.
pub(crate) fn random_code() -> String {
    let chars = crate::secret::random_code_chars::<8>();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// A typed code in canonical form (see [`crate::secret::canonical_code_of`]). `None` when it
/// cannot be a code.
pub(crate) fn canonical_code(typed: &str) -> Option<String> {
    crate::secret::canonical_code_of(typed, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_characters_of_the_alphabet_and_read_back() {
        for _ in 0..100 {
            let code = random_code();
            assert_eq!(code.len(), 9);
            assert_eq!(&code[4..5], "-");
            let canonical = canonical_code(&code).unwrap();
            assert_eq!(canonical, code.replace('-', ""));
        }
        assert_eq!(canonical_code(" abcd efgh "), Some("ABCDEFGH".into()));
        assert_eq!(
            canonical_code("oil0-1234"),
            Some("0110-1234".replace('-', ""))
        );
        assert_eq!(canonical_code("ABCD-EFG"), None);
        assert_eq!(canonical_code("ABCD-EFGU"), None);
        assert_eq!(canonical_code("ＡＢＣＤＥＦＧＨ"), None);
    }

    #[test]
    fn default_mail_escapes_and_never_needs_the_address() {
        let catalog = crate::i18n::Catalog::build(&crate::i18n::Languages::new()).unwrap();
        let details = EmailDetails {
            purpose: EmailPurpose::SignIn,
            site: "example.com",
            url: "https://example.com/api/auth/callback/email?token=a&email=b\"<x>",
            code: Some("ABCD-EFGH"),
            valid_for: Duration::from_secs(15 * 60),
            brand_color: "#336699",
            messages: catalog.choose(None, None, None).0,
        };
        let mail = DefaultEmailTemplate::default().render(&details);
        assert_eq!(mail.subject, "Sign in to example.com");
        assert!(mail.text.contains(details.url));
        assert!(mail.text.contains("ABCD-EFGH"));
        assert!(mail.text.contains("15 minutes"));
        assert!(mail.html.contains("token=a&amp;email=b&quot;&lt;x&gt;"));
        assert!(!mail.html.contains("<x>"));
        let custom = DefaultEmailTemplate {
            subject: Some("Your link for {site}".into()),
        }
        .render(&details);
        assert_eq!(custom.subject, "Your link for example.com");
        // In the language of the request, plurals and all.
        let german = EmailDetails {
            messages: catalog.choose(Some("de"), None, None).0,
            ..details
        };
        let mail = DefaultEmailTemplate::default().render(&german);
        assert_eq!(mail.subject, "Bei example.com anmelden", "{mail:?}");
        assert!(mail.text.contains("15 Minuten") && mail.html.contains(r#"lang="de""#));
        let arabic = EmailDetails {
            messages: catalog.choose(Some("ar"), None, None).0,
            ..details
        };
        let mail = DefaultEmailTemplate::default().render(&arabic);
        assert!(
            mail.html.contains(r#"lang="ar" dir="rtl""#),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("token=a&amp;email=b&quot;&lt;x&gt;"));
    }
}
