//! The built-in pages: sign-in, sign-out, verify-request and error, rendered on the server with
//! maud (which escapes every interpolated value). They work without JavaScript: every action is
//! a plain HTML form carrying the CSRF token.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::config::{ColorScheme, Theme};
use crate::error::ErrorCode;
use crate::inner::Mounted;

const DEFAULT_BRAND: &str = "#2f6feb";

/// The theme's brand colour, or the default one.
pub(crate) fn brand_color(theme: &Theme) -> &str {
    theme.brand_color.as_deref().unwrap_or(DEFAULT_BRAND)
}

fn layout(theme: &Theme, title: &str, body: Markup) -> String {
    let brand = brand_color(theme);
    let button_text = theme.button_text.as_deref().unwrap_or("#ffffff");
    // Colours were validated as #rgb/#rrggbb when the configuration was built, so they are safe
    // inside CSS.
    let variables = format!(":root{{--brand:{brand};--brand-text:{button_text};}}");
    let scheme = match theme.color_scheme {
        ColorScheme::Auto => "light dark",
        ColorScheme::Light => "light",
        ColorScheme::Dark => "dark",
    };
    html! {
        (DOCTYPE)
        html lang="en" data-theme=(scheme) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content=(scheme);
                title { (title) }
                style { (PreEscaped(variables)) (PreEscaped(STYLE)) }
            }
            body {
                main.page {
                    @if let Some(logo) = &theme.logo {
                        img.logo src=(logo) alt="";
                    }
                    div.card { (body) }
                }
            }
        }
    }
    .into_string()
}

const STYLE: &str = r#"
*{box-sizing:border-box}
:root{--bg:#f4f5f7;--card:#fff;--text:#1c2128;--muted:#57606a;--border:#d0d7de;--input:#fff;--error-bg:#fff1f0;--error:#a4161a}
@media (prefers-color-scheme:dark){html[data-theme="light dark"]{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;--border:#30363d;--input:#0d1117;--error-bg:#3d1418;--error:#ffa198}}
html[data-theme="dark"]{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;--border:#30363d;--input:#0d1117;--error-bg:#3d1418;--error:#ffa198}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.page{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:100vh;padding:2rem 1rem}
.logo{max-width:150px;max-height:70px;margin-bottom:1.5rem}
.card{width:100%;max-width:22rem;background:var(--card);border:1px solid var(--border);border-top:4px solid var(--brand);border-radius:.75rem;padding:2rem;box-shadow:0 8px 24px rgba(0,0,0,.06)}
h1{font-size:1.35rem;margin:0 0 1.25rem;text-align:center}
p{margin:0 0 1rem;color:var(--muted);text-align:center}
form{margin:0}
.provider+.provider{margin-top:1.25rem;padding-top:1.25rem;border-top:1px solid var(--border)}
label{display:block;font-size:.875rem;font-weight:600;margin:0 0 .35rem}
input[type=text],input[type=email],input[type=password]{display:block;width:100%;padding:.6rem .75rem;margin:0 0 1rem;font:inherit;color:var(--text);background:var(--input);border:1px solid var(--border);border-radius:.4rem}
input:focus{outline:2px solid var(--brand);outline-offset:1px}
button,.button{display:block;width:100%;padding:.65rem 1rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;color:var(--brand-text);background:var(--brand);border:0;border-radius:.4rem;cursor:pointer}
button:hover,.button:hover{filter:brightness(1.08)}
.error{background:var(--error-bg);color:var(--error);border-radius:.4rem;padding:.75rem 1rem;margin:0 0 1.25rem;font-size:.925rem;text-align:center}
.link{display:block;margin-top:1.25rem;text-align:center;color:var(--muted);font-size:.9rem}
.notice{background:var(--bg);border:1px solid var(--border);border-radius:.4rem;padding:.75rem 1rem;margin:0 0 1.25rem;font-size:.925rem;text-align:center}
button.secondary{color:var(--text);background:transparent;border:1px solid var(--border)}
.extra{margin-top:1.25rem;padding-top:1rem;border-top:1px solid var(--border)}
.extra summary{cursor:pointer;color:var(--muted);font-size:.925rem;margin-bottom:.75rem}
"#;

/// Everything the sign-in page shows.
pub(crate) struct SignInPage<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) providers: &'a [Mounted],
    pub(crate) base_url: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) callback_url: &'a str,
    pub(crate) error: Option<ErrorCode>,
    pub(crate) notice: Option<Notice>,
    /// Offer the sign-up form (email-and-password accounts with sign-up on).
    pub(crate) sign_up: bool,
    /// Offer the "forgot your password" form (a reset transport is configured).
    pub(crate) reset: bool,
}

/// Good news the sign-in page can show (`?notice=`); only these, never the raw parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    AccountCreated,
    ResetSent,
    PasswordReset,
    PasswordChanged,
}

impl Notice {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "AccountCreated" => Self::AccountCreated,
            "ResetSent" => Self::ResetSent,
            "PasswordReset" => Self::PasswordReset,
            "PasswordChanged" => Self::PasswordChanged,
            _ => return None,
        })
    }

    fn message(self) -> &'static str {
        match self {
            Self::AccountCreated => "Your account is ready. Sign in with your email and password.",
            Self::ResetSent => {
                "If that address has an account, a link to reset the password is on its way."
            }
            Self::PasswordReset | Self::PasswordChanged => {
                "Your password was changed and every session signed out. Sign in with the new password."
            }
        }
    }
}

/// The message shown on the sign-in page for an error code.
fn sign_in_error_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::OAuthSignin
        | ErrorCode::OAuthCallback
        | ErrorCode::OAuthCreateAccount
        | ErrorCode::EmailCreateAccount
        | ErrorCode::Callback => {
            "That sign-in did not work. Try again, or use a different account."
        }
        ErrorCode::OAuthAccountNotLinked => {
            "This email is already linked to another sign-in method. Use the method you signed up with."
        }
        ErrorCode::EmailSignin => "The sign-in email could not be sent.",
        ErrorCode::CredentialsSignin => {
            "Sign-in failed. Check your details and try again. A new account signs in once its \
             email is confirmed."
        }
        ErrorCode::SessionRequired => "Please sign in to see this page.",
        ErrorCode::MissingCsrf => "Your sign-in form expired. Please try again.",
        ErrorCode::InvalidEmail => "That email address is not accepted.",
        ErrorCode::PasswordPolicy => "That password is too short or too long.",
        ErrorCode::LastSignInMethod => {
            "That account is your only way to sign in, so it stays linked."
        }
        _ => "Unable to sign in.",
    }
}

// Without the `oauth` and `email` features every provider is a credentials provider.
#[allow(irrefutable_let_patterns)]
pub(crate) fn sign_in(page: &SignInPage<'_>) -> String {
    let body = html! {
        h1 { "Sign in" }
        @if let Some(code) = page.error {
            div.error role="alert" { (sign_in_error_message(code)) }
        }
        @if let Some(notice) = page.notice {
            div.notice role="status" { (notice.message()) }
        }
        @if page.providers.is_empty() {
            p { "No sign-in methods are configured." }
        }
        @for provider in page.providers {
            div.provider {
                @if let Mounted::Credentials(p) = provider {
                    form method="post" action={ (page.base_url) "/callback/" (p.id) } {
                        input type="hidden" name="csrfToken" value=(page.csrf_token);
                        input type="hidden" name="callbackUrl" value=(page.callback_url);
                        @for field in p.fields() {
                            @let id = format!("input-{}-for-{}-provider", field.name, p.id);
                            label for=(id) { (field.label) }
                            input id=(id) type=(field.kind.input_type()) name=(field.name)
                                placeholder=[field.placeholder.as_deref()]
                                autocomplete=(autocomplete(field.kind));
                        }
                        button type="submit" { "Sign in with " (p.name) }
                    }
                } @else if provider.provider_type() == crate::user::ProviderType::Email {
                    form method="post" action={ (page.base_url) "/signin/" (provider.id()) } {
                        input type="hidden" name="csrfToken" value=(page.csrf_token);
                        input type="hidden" name="callbackUrl" value=(page.callback_url);
                        @let id = format!("input-email-for-{}-provider", provider.id());
                        label for=(id) { "Email" }
                        input id=(id) type="email" name="email" placeholder="email@example.com"
                            autocomplete="email" required;
                        button type="submit" { "Sign in with " (provider.name()) }
                    }
                } @else {
                    // OAuth: one button that starts the flow.
                    form method="post" action={ (page.base_url) "/signin/" (provider.id()) } {
                        input type="hidden" name="csrfToken" value=(page.csrf_token);
                        input type="hidden" name="callbackUrl" value=(page.callback_url);
                        button type="submit" { "Sign in with " (provider.name()) }
                    }
                }
            }
        }
        @if page.sign_up {
            details.extra {
                summary { "Create an account" }
                form method="post" action={ (page.base_url) "/account/signup" } {
                    input type="hidden" name="csrfToken" value=(page.csrf_token);
                    input type="hidden" name="callbackUrl" value=(page.callback_url);
                    label for="signup-name" { "Name" }
                    input id="signup-name" type="text" name="name" autocomplete="name";
                    label for="signup-email" { "Email" }
                    input id="signup-email" type="email" name="email" autocomplete="email" required;
                    label for="signup-password" { "Password" }
                    input id="signup-password" type="password" name="password" autocomplete="new-password" required;
                    button type="submit" { "Create account" }
                }
            }
        }
        @if page.reset {
            details.extra {
                summary { "Forgot your password?" }
                form method="post" action={ (page.base_url) "/account/reset-password-request" } {
                    input type="hidden" name="csrfToken" value=(page.csrf_token);
                    label for="reset-email" { "Email" }
                    input id="reset-email" type="email" name="email" autocomplete="email" required;
                    button type="submit" { "Send a reset link" }
                }
            }
        }
    };
    layout(page.theme, "Sign in", body)
}

fn autocomplete(kind: crate::providers::CredentialFieldKind) -> &'static str {
    match kind {
        crate::providers::CredentialFieldKind::Password => "current-password",
        crate::providers::CredentialFieldKind::Email => "email",
        crate::providers::CredentialFieldKind::Text => "username",
    }
}

#[cfg(feature = "password")]
pub(crate) fn reset_password(
    theme: &Theme,
    base_url: &str,
    csrf_token: &str,
    email: &str,
    token: &str,
) -> String {
    let body = html! {
        h1 { "Choose a new password" }
        form method="post" action={ (base_url) "/account/reset-password" } {
            input type="hidden" name="csrfToken" value=(csrf_token);
            input type="hidden" name="email" value=(email);
            input type="hidden" name="token" value=(token);
            label for="reset-password" { "New password" }
            input id="reset-password" type="password" name="password" autocomplete="new-password" required;
            button type="submit" { "Set password" }
        }
    };
    layout(theme, "Choose a new password", body)
}

pub(crate) fn sign_out(theme: &Theme, base_url: &str, csrf_token: &str) -> String {
    let body = html! {
        h1 { "Sign out" }
        p { "Are you sure you want to sign out?" }
        form method="post" action={ (base_url) "/signout" } {
            input type="hidden" name="csrfToken" value=(csrf_token);
            button type="submit" { "Sign out" }
        }
    };
    layout(theme, "Sign out", body)
}

/// The code form of the verify-request page: where it posts, and an error to show.
pub(crate) struct CodeForm<'a> {
    pub(crate) action: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) error: Option<ErrorCode>,
    /// The address the mail went to, when this browser asked for it.
    pub(crate) email: Option<&'a str>,
}

pub(crate) fn verify_request(theme: &Theme, origin: &str, code: Option<&CodeForm<'_>>) -> String {
    let host = origin.split_once("://").map_or(origin, |(_, host)| host);
    let body = html! {
        h1 { "Check your email" }
        @if let Some(form) = code {
            @if let Some(error) = form.error {
                div.error role="alert" {
                    @if error == ErrorCode::RateLimited {
                        "Too many wrong codes. Wait a few minutes, or open the link in the email."
                    } @else {
                        "That code did not work. Check it, or ask for a new email."
                    }
                }
            }
            p { "We sent you a link to sign in. Open it, or enter the code from the email here." }
            form method="post" action=(form.action) {
                input type="hidden" name="csrfToken" value=(form.csrf_token);
                label for="code-email" { "Email" }
                input id="code-email" type="email" name="email" autocomplete="email"
                    value=[form.email] required;
                label for="code-code" { "Code" }
                input id="code-code" type="text" name="code" placeholder="ABCD-EFGH"
                    autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required;
                button type="submit" { "Sign in" }
            }
        } @else {
            p { "We sent you a link to sign in. Open it on this device to continue." }
        }
        a.link href=(origin) { (host) }
    };
    layout(theme, "Check your email", body)
}

#[cfg(feature = "password")]
/// Everything the "confirm your email" page of a new account shows.
pub(crate) struct VerifyEmailPage<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) base_url: &'a str,
    pub(crate) csrf_token: &'a str,
    /// The address the account was made for (from the query: shown in a form field only).
    pub(crate) email: &'a str,
    pub(crate) error: Option<ErrorCode>,
    /// A new mail was asked for.
    pub(crate) sent: bool,
}

#[cfg(feature = "password")]
/// The page after sign-up: the code from the mail, or a new mail.
pub(crate) fn verify_email(page: &VerifyEmailPage<'_>) -> String {
    let base_url = page.base_url;
    let body = html! {
        h1 { "Confirm your email" }
        @if let Some(error) = page.error {
            div.error role="alert" {
                @if error == ErrorCode::RateLimited {
                    "Too many wrong codes. Wait a few minutes, or open the link in the email."
                } @else {
                    "That link or code did not work. Check it, or ask for a new email."
                }
            }
        }
        @if page.sent {
            div.notice role="status" {
                "If that address has an account waiting for confirmation, a new email is on its way."
            }
        }
        p { "We sent you an email. Open its link, or enter its code here. Until then, your \
             password does not sign in." }
        form.provider method="post" action={ (base_url) "/account/verify-email" } {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            label for="verify-email" { "Email" }
            input id="verify-email" type="email" name="email" autocomplete="email"
                value=(page.email) required;
            label for="verify-code" { "Code" }
            input id="verify-code" type="text" name="code" placeholder="ABCD-EFGH"
                autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required;
            button type="submit" { "Confirm" }
        }
        form.provider method="post" action={ (base_url) "/account/verify-email-resend" } {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            input type="hidden" name="email" value=(page.email);
            button.secondary type="submit" { "Send a new email" }
        }
    };
    layout(page.theme, "Confirm your email", body)
}

#[cfg(feature = "email")]
/// Everything the page behind an email link shows.
pub(crate) struct ConfirmPage<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) action: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) callback_url: &'a str,
    pub(crate) email: &'a str,
    pub(crate) token: &'a str,
    pub(crate) site: &'a str,
}

#[cfg(feature = "email")]
/// The page an email link opens: one button that signs in with a POST, which a mail scanner
/// fetching the link does not press.
pub(crate) fn confirm_email_sign_in(page: &ConfirmPage<'_>) -> String {
    let body = html! {
        h1 { "Sign in to " (page.site) }
        p { "Continue as " strong { (page.email) } "?" }
        form method="post" action=(page.action) {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            input type="hidden" name="callbackUrl" value=(page.callback_url);
            input type="hidden" name="email" value=(page.email);
            input type="hidden" name="token" value=(page.token);
            button type="submit" { "Sign in" }
        }
    };
    layout(page.theme, "Sign in", body)
}

/// The error page; `retry_after` (seconds) says when a rate-limited request may be repeated.
pub(crate) fn error(
    theme: &Theme,
    code: ErrorCode,
    origin: &str,
    sign_in_url: &str,
    retry_after: Option<u64>,
) -> String {
    let wait = retry_after.map(|secs| match secs.div_ceil(60) {
        0 | 1 => "Try again in a minute.".to_owned(),
        minutes => format!("Try again in {minutes} minutes."),
    });
    let (heading, message, link) = match code {
        ErrorCode::Configuration => (
            "Server error",
            "The server is not configured correctly. The site's owner can find the details in the server logs.",
            None,
        ),
        ErrorCode::AccessDenied => (
            "Access denied",
            "You do not have permission to sign in.",
            Some(sign_in_url),
        ),
        ErrorCode::Verification => (
            "Unable to sign in",
            "This sign-in link is no longer valid. It may have been used already, or it may have expired.",
            Some(sign_in_url),
        ),
        ErrorCode::RateLimited => (
            "Too many attempts",
            "There have been too many sign-in requests. Please wait before trying again.",
            Some(sign_in_url),
        ),
        _ => (
            "Something went wrong",
            "Sign-in could not be completed.",
            Some(sign_in_url),
        ),
    };
    let body = html! {
        h1 { (heading) }
        p { (message) }
        @if let Some(wait) = wait {
            p { (wait) }
        }
        @if let Some(link) = link {
            a.button href=(link) { "Sign in" }
        }
        a.link href=(origin) { "Back to the site" }
    };
    layout(theme, heading, body)
}
