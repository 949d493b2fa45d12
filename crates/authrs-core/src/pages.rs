//! The built-in pages: sign-in, sign-out, verify-request and error, rendered on the server with
//! maud (which escapes every interpolated value). They work without JavaScript: every action is
//! a plain HTML form carrying the CSRF token. Every text comes from the request's language
//! ([`crate::i18n`]); the page says which (`lang`, `dir`).

use maud::{DOCTYPE, Markup, PreEscaped, html};

pub(crate) mod account;
#[cfg(feature = "passkey")]
pub(crate) mod passkey;
pub(crate) mod two_factor;

use crate::config::{ColorScheme, Theme};
use crate::error::ErrorCode;
use crate::i18n::{Arg, Messages};
use crate::inner::Mounted;

/// How a page looks and speaks: the theme and the request's language.
#[derive(Clone, Copy)]
pub(crate) struct Look<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) m: Messages<'a>,
}

const DEFAULT_BRAND: &str = "#2f6feb";

/// The theme's brand colour, or the default one.
pub(crate) fn brand_color(theme: &Theme) -> &str {
    theme.brand_color.as_deref().unwrap_or(DEFAULT_BRAND)
}

fn layout(look: Look<'_>, title: &str, body: Markup) -> String {
    page(look, title, body, false)
}

/// [`layout`] with a wider card, for the account page.
fn layout_wide(look: Look<'_>, title: &str, body: Markup) -> String {
    page(look, title, body, true)
}

fn page(look: Look<'_>, title: &str, body: Markup, wide: bool) -> String {
    let theme = look.theme;
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
        html lang=(look.m.language()) dir=(look.m.direction()) data-theme=(scheme) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content=(scheme);
                title { (title) }
                style {
                    (PreEscaped(variables)) (PreEscaped(STYLE))
                    @if wide { (PreEscaped(account::STYLE)) }
                }
            }
            body {
                main.page {
                    @if let Some(logo) = &theme.logo {
                        img.logo src=(logo) alt="";
                    }
                    div.card.wide[wide] { (body) }
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
input[type=text],input[type=email],input[type=password],input[type=url]{display:block;width:100%;padding:.6rem .75rem;margin:0 0 1rem;font:inherit;color:var(--text);background:var(--input);border:1px solid var(--border);border-radius:.4rem}
input:focus{outline:2px solid var(--brand);outline-offset:1px}
button,.button{display:block;width:100%;padding:.65rem 1rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;color:var(--brand-text);background:var(--brand);border:0;border-radius:.4rem;cursor:pointer}
button:hover,.button:hover{filter:brightness(1.08)}
.error{background:var(--error-bg);color:var(--error);border-radius:.4rem;padding:.75rem 1rem;margin:0 0 1.25rem;font-size:.925rem;text-align:center}
.link{display:block;margin-top:1.25rem;text-align:center;color:var(--muted);font-size:.9rem}
.notice{background:var(--bg);border:1px solid var(--border);border-radius:.4rem;padding:.75rem 1rem;margin:0 0 1.25rem;font-size:.925rem;text-align:center}
button.secondary{color:var(--text);background:transparent;border:1px solid var(--border)}
.extra{margin-top:1.25rem;padding-top:1rem;border-top:1px solid var(--border)}
.extra summary{cursor:pointer;color:var(--muted);font-size:.925rem;margin-bottom:.75rem}
.card.wide{max-width:36rem}
.or{display:flex;align-items:center;gap:.75rem;margin:1rem 0;color:var(--muted);font-size:.875rem}
.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--border)}
[dir=rtl] input[type=email],[dir=rtl] input[type=password],[dir=rtl] input[type=url],[dir=rtl] input[autocomplete=one-time-code]{direction:ltr;text-align:right}
.qr svg{display:block;width:200px;height:200px;margin:0 auto 1rem;border-radius:.4rem}
code.secret{display:inline-block;direction:ltr;font-size:.95rem;letter-spacing:.04em;word-break:break-all;color:var(--text)}
ol.codes{direction:ltr;columns:2;margin:0 0 1.25rem;padding-left:1.5rem;font-size:.95rem}
ol.codes code{color:var(--text)}
details.recovery{margin:0 0 1rem}
details.recovery summary{cursor:pointer;color:var(--muted);font-size:.925rem;margin-bottom:.75rem}
label.check{display:flex;gap:.5rem;align-items:center;font-weight:400;margin:0 0 1rem}
"#;

/// Everything the sign-in page shows.
pub(crate) struct SignInPage<'a> {
    pub(crate) look: Look<'a>,
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

    fn message_id(self) -> &'static str {
        match self {
            Self::AccountCreated => "notice-account-created",
            Self::ResetSent => "notice-reset-sent",
            Self::PasswordReset | Self::PasswordChanged => "notice-password-changed",
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
        | ErrorCode::Callback => "error-sign-in-failed",
        ErrorCode::OAuthAccountNotLinked => "error-account-not-linked",
        ErrorCode::EmailSignin => "error-email-not-sent",
        ErrorCode::CredentialsSignin => "error-credentials",
        ErrorCode::SessionRequired => "error-session-required",
        ErrorCode::MissingCsrf => "error-csrf",
        ErrorCode::InvalidEmail => "error-invalid-email",
        ErrorCode::PasswordPolicy => "error-password-policy",
        ErrorCode::LastSignInMethod => "error-last-method",
        ErrorCode::WebAuthnVerificationError => "error-passkey",
        _ => "error-unable",
    }
}

/// A credentials provider that asks for exactly an email address (`email`) and a password:
/// the sign-in page shows it in one form with the email provider, so the address is typed
/// once.
// Without the `oauth` and `email` features every provider is a credentials provider.
#[allow(irrefutable_let_patterns)]
fn email_and_password(provider: &Mounted) -> Option<&crate::providers::CredentialsProvider> {
    use crate::providers::CredentialFieldKind;
    let Mounted::Credentials(p) = provider else {
        return None;
    };
    match p.fields() {
        [email, password]
            if email.name == "email"
                && email.kind == CredentialFieldKind::Email
                && password.name == "password"
                && password.kind == CredentialFieldKind::Password =>
        {
            Some(p)
        }
        _ => None,
    }
}

/// The address fields' `autocomplete`: with passkeys, the browser offers them there too
/// (conditional UI).
fn address_autocomplete(page: &SignInPage<'_>, token: &'static str) -> &'static str {
    #[cfg(feature = "passkey")]
    if page
        .providers
        .iter()
        .any(|p| p.provider_type() == crate::user::ProviderType::WebAuthn)
    {
        return match token {
            "username" => "username webauthn",
            _ => "email webauthn",
        };
    }
    let _ = page;
    token
}

fn is_email_provider(provider: &Mounted) -> bool {
    provider.provider_type() == crate::user::ProviderType::Email
}

// Without the `oauth` and `email` features every provider is a credentials provider.
#[allow(irrefutable_let_patterns)]
pub(crate) fn sign_in(page: &SignInPage<'_>) -> String {
    let m = page.look.m;
    // An email link and an email-and-password provider share one address field: the password
    // signs in (the form's first button, so Enter uses it), "Email me a link" posts the same
    // form to the email provider instead. Without JavaScript the typed password goes along to
    // the email endpoint too, which reads only `email` and never logs a body.
    let link_at = page.providers.iter().position(is_email_provider);
    let password_at = page
        .providers
        .iter()
        .position(|p| email_and_password(p).is_some());
    // Both, or neither: the index where the shared form goes, and the two it replaces.
    let combined = link_at.zip(password_at);
    let hidden = html! {
        input type="hidden" name="csrfToken" value=(page.csrf_token);
        input type="hidden" name="callbackUrl" value=(page.callback_url);
    };
    let body = html! {
        h1 { (m.text("sign-in-title")) }
        @if let Some(code) = page.error {
            div.error role="alert" { (m.text(sign_in_error_message(code))) }
        }
        @if let Some(notice) = page.notice {
            div.notice role="status" { (m.text(notice.message_id())) }
        }
        @if page.providers.is_empty() {
            p { (m.text("sign-in-none")) }
        }
        @for (at, provider) in page.providers.iter().enumerate() {
            @match combined {
                Some((link, password)) if at == link.min(password) => {
                    (email_and_password_form(page, &page.providers[link], &page.providers[password], &hidden))
                }
                Some((link, password)) if at == link.max(password) => {}
                _ => { (provider_form(page, provider, &hidden)) }
            }
        }
        @if page.sign_up {
            details.extra {
                summary { (m.text("sign-up-summary")) }
                form method="post" action={ (page.base_url) "/account/signup" } {
                    (hidden)
                    label for="signup-name" { (m.text("field-name")) }
                    input id="signup-name" type="text" name="name" autocomplete="name";
                    label for="signup-email" { (m.text("field-email")) }
                    input id="signup-email" type="email" name="email" autocomplete="email" required;
                    label for="signup-password" { (m.text("field-password")) }
                    input id="signup-password" type="password" name="password" autocomplete="new-password" required;
                    button type="submit" { (m.text("sign-up-button")) }
                }
            }
        }
        @if page.reset {
            details.extra {
                summary { (m.text("reset-summary")) }
                form method="post" action={ (page.base_url) "/account/reset-password-request" } {
                    input type="hidden" name="csrfToken" value=(page.csrf_token);
                    label for="reset-email" { (m.text("field-email")) }
                    input id="reset-email" type="email" name="email" autocomplete="email" required;
                    button type="submit" { (m.text("reset-button")) }
                }
            }
        }
    };
    layout(page.look, &m.text("sign-in-title"), body)
}

/// The shared form of an email link and an email-and-password provider: one address field,
/// the password, and "Email me a link" as a second way on.
fn email_and_password_form(
    page: &SignInPage<'_>,
    link: &Mounted,
    password: &Mounted,
    hidden: &Markup,
) -> Markup {
    let m = page.look.m;
    html! {
        div.provider {
            form method="post" action={ (page.base_url) "/callback/" (password.id()) } {
                (hidden)
                label for="signin-email" { (m.text("field-email")) }
                input id="signin-email" type="email" name="email"
                    placeholder="you@example.com" autocomplete=(address_autocomplete(page, "username")) required;
                label for="signin-password" { (m.text("field-password")) }
                // Not `required`, so "Email me a link" goes with it empty, while the browser
                // still checks the address (the server refuses an empty password).
                input id="signin-password" type="password" name="password"
                    autocomplete="current-password";
                button type="submit" { (m.text("action-sign-in")) }
                div.or { (m.text("sign-in-or")) }
                button.secondary type="submit"
                    formaction={ (page.base_url) "/signin/" (link.id()) } {
                    (m.text("sign-in-email-link"))
                }
            }
        }
    }
}

/// One provider's own form: its fields, or an address, or one button.
// Without the `oauth` and `email` features every provider is a credentials provider.
#[allow(irrefutable_let_patterns)]
fn provider_form(page: &SignInPage<'_>, provider: &Mounted, hidden: &Markup) -> Markup {
    let m = page.look.m;
    let sign_in_with = m.format("sign-in-with", &[("provider", Arg::Text(provider.name()))]);
    html! {
        div.provider {
            @if let Mounted::Credentials(p) = provider {
                form method="post" action={ (page.base_url) "/callback/" (p.id) } {
                    (hidden)
                    @for field in p.fields() {
                        @let id = format!("input-{}-for-{}-provider", field.name, p.id);
                        label for=(id) { (field_label(m, field)) }
                        input id=(id) type=(field.kind.input_type()) name=(field.name)
                            placeholder=[field.placeholder.as_deref()]
                            autocomplete=(autocomplete(field.kind));
                    }
                    button type="submit" { (credentials_button(m, p)) }
                }
            } @else if provider.provider_type() == crate::user::ProviderType::WebAuthn {
                (passkey_part(page))
            } @else if is_email_provider(provider) {
                form method="post" action={ (page.base_url) "/signin/" (provider.id()) } {
                    (hidden)
                    @let id = format!("input-email-for-{}-provider", provider.id());
                    label for=(id) { (m.text("field-email")) }
                    input id=(id) type="email" name="email" placeholder="you@example.com"
                        autocomplete=(address_autocomplete(page, "email")) required;
                    button type="submit" { (sign_in_with) }
                }
            } @else {
                // OAuth: one button that starts the flow.
                form method="post" action={ (page.base_url) "/signin/" (provider.id()) } {
                    (hidden)
                    button type="submit" { (sign_in_with) }
                }
            }
        }
    }
}

/// The sign-in page's passkey part and its script.
fn passkey_part(page: &SignInPage<'_>) -> Markup {
    #[cfg(feature = "passkey")]
    if let Some(runtime) = page.providers.iter().find_map(|p| match p {
        Mounted::Passkey(runtime) => Some(runtime),
        _ => None,
    }) {
        let m = page.look.m;
        let sign_up = runtime.provider.sign_up && page.providers.iter().any(is_email_provider);
        let settings = passkey::ScriptSettings {
            base_url: page.base_url,
            provider: &runtime.provider.id,
            csrf_token: page.csrf_token,
            callback_url: page.callback_url,
            conditional: true,
        };
        return html! {
            (passkey::sign_in_part(m, sign_up))
            (passkey::script(&settings))
        };
    }
    let _ = page;
    html! {}
}

/// A credentials field's label: the app's own, or ours in the page's language where it is the
/// built-in default for its kind.
fn field_label(m: Messages<'_>, field: &crate::providers::CredentialField) -> String {
    use crate::providers::CredentialFieldKind;
    match (field.kind, field.label.as_str()) {
        (CredentialFieldKind::Email, "Email") => m.text("field-email"),
        (CredentialFieldKind::Password, "Password") => m.text("field-password"),
        (CredentialFieldKind::Text, "Username") => m.text("field-username"),
        (_, label) => label.to_owned(),
    }
}

/// A credentials provider's button: "Sign in" for our email-and-password accounts (whose
/// name, "Password", is not the app's), "Sign in with <name>" for the app's providers.
fn credentials_button(m: Messages<'_>, p: &crate::providers::CredentialsProvider) -> String {
    #[cfg(feature = "password")]
    if p.id == crate::providers::EMAIL_PASSWORD_PROVIDER_ID {
        return m.text("action-sign-in");
    }
    m.format("sign-in-with", &[("provider", Arg::Text(&p.name))])
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
    look: Look<'_>,
    base_url: &str,
    csrf_token: &str,
    email: &str,
    token: &str,
) -> String {
    let m = look.m;
    let body = html! {
        h1 { (m.text("reset-title")) }
        form method="post" action={ (base_url) "/account/reset-password" } {
            input type="hidden" name="csrfToken" value=(csrf_token);
            input type="hidden" name="email" value=(email);
            input type="hidden" name="token" value=(token);
            label for="reset-password" { (m.text("reset-new-password")) }
            input id="reset-password" type="password" name="password" autocomplete="new-password" required;
            button type="submit" { (m.text("reset-submit")) }
        }
    };
    layout(look, &m.text("reset-title"), body)
}

pub(crate) fn sign_out(look: Look<'_>, base_url: &str, csrf_token: &str) -> String {
    let m = look.m;
    let body = html! {
        h1 { (m.text("sign-out-title")) }
        p { (m.text("sign-out-question")) }
        form method="post" action={ (base_url) "/signout" } {
            input type="hidden" name="csrfToken" value=(csrf_token);
            button type="submit" { (m.text("sign-out-button")) }
        }
    };
    layout(look, &m.text("sign-out-title"), body)
}

/// The code form of the verify-request page: where it posts, and an error to show.
pub(crate) struct CodeForm<'a> {
    pub(crate) action: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) error: Option<ErrorCode>,
    /// The address the mail went to, when this browser asked for it.
    pub(crate) email: Option<&'a str>,
}

pub(crate) fn verify_request(look: Look<'_>, origin: &str, code: Option<&CodeForm<'_>>) -> String {
    let m = look.m;
    let host = origin.split_once("://").map_or(origin, |(_, host)| host);
    let body = html! {
        h1 { (m.text("check-email-title")) }
        @if let Some(form) = code {
            @if let Some(error) = form.error {
                div.error role="alert" {
                    @if error == ErrorCode::RateLimited {
                        (m.text("code-too-many"))
                    } @else {
                        (m.text("code-wrong"))
                    }
                }
            }
            p { (m.text("check-email-with-code")) }
            form method="post" action=(form.action) {
                input type="hidden" name="csrfToken" value=(form.csrf_token);
                label for="code-email" { (m.text("field-email")) }
                input id="code-email" type="email" name="email" autocomplete="email"
                    value=[form.email] required;
                label for="code-code" { (m.text("field-code")) }
                input id="code-code" type="text" name="code" placeholder="ABCD-EFGH"
                    autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required;
                button type="submit" { (m.text("action-sign-in")) }
            }
        } @else {
            p { (m.text("check-email-link-only")) }
        }
        a.link href=(origin) { (host) }
    };
    layout(look, &m.text("check-email-title"), body)
}

#[cfg(feature = "password")]
/// Everything the "confirm your email" page of a new account shows.
pub(crate) struct VerifyEmailPage<'a> {
    pub(crate) look: Look<'a>,
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
    let m = page.look.m;
    let base_url = page.base_url;
    let body = html! {
        h1 { (m.text("verify-title")) }
        @if let Some(error) = page.error {
            div.error role="alert" {
                @if error == ErrorCode::RateLimited {
                    (m.text("code-too-many"))
                } @else {
                    (m.text("verify-wrong"))
                }
            }
        }
        @if page.sent {
            div.notice role="status" { (m.text("verify-resent")) }
        }
        p { (m.text("verify-explain")) }
        form.provider method="post" action={ (base_url) "/account/verify-email" } {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            label for="verify-email" { (m.text("field-email")) }
            input id="verify-email" type="email" name="email" autocomplete="email"
                value=(page.email) required;
            label for="verify-code" { (m.text("field-code")) }
            input id="verify-code" type="text" name="code" placeholder="ABCD-EFGH"
                autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required;
            button type="submit" { (m.text("verify-submit")) }
        }
        form.provider method="post" action={ (base_url) "/account/verify-email-resend" } {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            input type="hidden" name="email" value=(page.email);
            button.secondary type="submit" { (m.text("verify-resend")) }
        }
    };
    layout(page.look, &m.text("verify-title"), body)
}

#[cfg(feature = "email")]
/// Everything the page behind an email link shows.
pub(crate) struct ConfirmPage<'a> {
    pub(crate) look: Look<'a>,
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
    let m = page.look.m;
    let title = m.format("confirm-title", &[("site", Arg::Text(page.site))]);
    let body = html! {
        h1 { (title) }
        @let (before, after) = m.around("confirm-continue-as", "email", &[]);
        p { (before) strong { bdi { (page.email) } } (after) }
        form method="post" action=(page.action) {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            input type="hidden" name="callbackUrl" value=(page.callback_url);
            input type="hidden" name="email" value=(page.email);
            input type="hidden" name="token" value=(page.token);
            button type="submit" { (m.text("action-sign-in")) }
        }
    };
    layout(page.look, &title, body)
}

/// The error page; `retry_after` (seconds) says when a rate-limited request may be repeated.
pub(crate) fn error(
    look: Look<'_>,
    code: ErrorCode,
    origin: &str,
    sign_in_url: &str,
    retry_after: Option<u64>,
) -> String {
    let m = look.m;
    let wait = retry_after.map(|secs| {
        let minutes = secs.div_ceil(60).max(1);
        m.format("error-try-again-in", &[("minutes", Arg::Number(minutes))])
    });
    let (heading, message, link) = match code {
        ErrorCode::Configuration => ("error-configuration-title", "error-configuration", None),
        ErrorCode::AccessDenied => (
            "error-access-denied-title",
            "error-access-denied",
            Some(sign_in_url),
        ),
        ErrorCode::Verification => (
            "error-verification-title",
            "error-verification",
            Some(sign_in_url),
        ),
        ErrorCode::RateLimited => (
            "error-rate-limited-title",
            "error-rate-limited",
            Some(sign_in_url),
        ),
        _ => ("error-default-title", "error-default", Some(sign_in_url)),
    };
    let heading = m.text(heading);
    let body = html! {
        h1 { (heading) }
        p { (m.text(message)) }
        @if let Some(wait) = wait {
            p { (wait) }
        }
        @if let Some(link) = link {
            a.button href=(link) { (m.text("action-sign-in")) }
        }
        a.link href=(origin) { (m.text("back-to-site")) }
    };
    layout(look, &heading, body)
}
