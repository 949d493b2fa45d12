//! The pages of two-factor sign-in: the second step (or the enrolment a required second
//! factor starts with), setting it up from the account page, and the recovery codes, shown
//! once. They work without JavaScript; the QR code is an SVG made on the server.

use maud::{PreEscaped, html};

use super::{Look, layout};
use crate::error::ErrorCode;
use crate::i18n::Arg;

/// The second step's page.
pub(crate) struct SecondStep<'a> {
    pub(crate) look: Look<'a>,
    pub(crate) action: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) error: Option<ErrorCode>,
    /// "Remember this device for N days", when offered.
    pub(crate) remember_days: Option<u64>,
    /// For a user who must enrol first: the QR code (SVG) and the secret's text.
    pub(crate) enrol: Option<(&'a str, &'a str)>,
    pub(crate) sign_in: &'a str,
}

fn error_line(m: crate::i18n::Messages<'_>, error: Option<ErrorCode>) -> maud::Markup {
    html! {
        @match error {
            Some(ErrorCode::RateLimited) => div.error role="alert" { (m.text("code-too-many")) },
            Some(ErrorCode::CredentialsSignin | ErrorCode::Verification) => {
                div.error role="alert" { (m.text("two-factor-wrong")) }
            }
            _ => {}
        }
    }
}

/// The QR code and the secret as text, for an authenticator app.
fn enrolment(m: crate::i18n::Messages<'_>, qr: &str, secret: &str) -> maud::Markup {
    html! {
        p { (m.text("two-factor-scan")) }
        // Made on the server from our own URL (no client text): safe as markup.
        div.qr role="img" aria-label=(m.text("two-factor-qr")) { (PreEscaped(qr)) }
        p { (m.text("two-factor-or-type")) }
        p { code.secret { (secret) } }
    }
}

pub(crate) fn second_step(page: &SecondStep<'_>) -> String {
    let m = page.look.m;
    let title = m.text("two-factor-title");
    let body = html! {
        h1 { (title) }
        (error_line(m, page.error))
        @if let Some((qr, secret)) = page.enrol {
            p { (m.text("two-factor-required-enrol")) }
            (enrolment(m, qr, secret))
        } @else {
            p { (m.text("two-factor-enter-code")) }
        }
        form method="post" action=(page.action) {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            label for="two-factor-code" { (m.text("two-factor-code")) }
            input id="two-factor-code" type="text" name="code" inputmode="numeric"
                pattern="[0-9 ]*" autocomplete="one-time-code" placeholder="123456"
                autofocus required[page.enrol.is_some()];
            @if page.enrol.is_none() {
                details.recovery {
                    summary { (m.text("two-factor-use-recovery")) }
                    label for="two-factor-recovery" { (m.text("two-factor-recovery-code")) }
                    input id="two-factor-recovery" type="text" name="recoveryCode"
                        autocomplete="off" autocapitalize="characters" spellcheck="false"
                        placeholder="XXXXX-XXXXX";
                }
            }
            @if let Some(days) = page.remember_days {
                label.check {
                    input type="checkbox" name="remember" value="on";
                    " " (m.format("two-factor-remember", &[("days", Arg::Number(days))]))
                }
            }
            button type="submit" { (m.text("two-factor-verify")) }
        }
        a.link href=(page.sign_in) { (m.text("two-factor-start-over")) }
    };
    layout(page.look, &title, body)
}

/// Setting two-factor up from the account page.
pub(crate) struct Setup<'a> {
    pub(crate) look: Look<'a>,
    pub(crate) base_url: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) qr: &'a str,
    pub(crate) secret: &'a str,
    /// The sealed offer the confirming form carries back.
    pub(crate) offer: &'a str,
    pub(crate) error: Option<ErrorCode>,
}

pub(crate) fn setup(page: &Setup<'_>) -> String {
    let m = page.look.m;
    let title = m.text("two-factor-setup-title");
    let base = page.base_url;
    let body = html! {
        h1 { (title) }
        (error_line(m, page.error))
        (enrolment(m, page.qr, page.secret))
        form method="post" action={ (base) "/account/two-factor-enable" } {
            input type="hidden" name="csrfToken" value=(page.csrf_token);
            input type="hidden" name="from" value="account";
            input type="hidden" name="offer" value=(page.offer);
            label for="two-factor-code" { (m.text("two-factor-confirm-code")) }
            input id="two-factor-code" type="text" name="code" inputmode="numeric"
                pattern="[0-9 ]*" autocomplete="one-time-code" placeholder="123456"
                autofocus required;
            button type="submit" { (m.text("two-factor-turn-on")) }
        }
        a.link href={ (base) "/account" } { (m.text("two-factor-cancel")) }
    };
    layout(page.look, &title, body)
}

/// New recovery codes, shown this once.
pub(crate) fn recovery_codes(look: Look<'_>, codes: &[String], next: &str) -> String {
    let m = look.m;
    let title = m.text("two-factor-codes-title");
    let body = html! {
        h1 { (title) }
        p { (m.text("two-factor-codes-explain")) }
        ol.codes {
            @for code in codes {
                li { code { (code) } }
            }
        }
        a.button href=(next) { (m.text("two-factor-codes-saved")) }
    };
    layout(look, &title, body)
}
