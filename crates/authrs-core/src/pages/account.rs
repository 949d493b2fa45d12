//! The account page: profile, sessions, ways to sign in, and deleting the account. Every form
//! posts to an `/account/*` route with the CSRF token and `from=account`, so a refusal comes
//! back here.

use maud::html;

use super::{Look, layout_wide};
use crate::adapter::{AdapterUser, Timestamp};
use crate::audit::AuditKind;
use crate::error::ErrorCode;
use crate::i18n::{Arg, Messages};

/// How the user can prove it is them: the password section and the delete section follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "password"), allow(dead_code))]
pub(crate) enum ProofKind {
    /// With the account's password.
    Password,
    /// With a link or code mailed to the account's address.
    Mail,
    /// Neither is available.
    Unavailable,
}

/// Good news the page can show (`?notice=`); only these, never the raw parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    ProfileSaved,
    SessionRevoked,
    OthersRevoked,
    DeleteCodeSent,
    TwoFactorDisabled,
    PasskeyAdded,
    PasskeyRenamed,
    PasskeyRemoved,
}

impl Notice {
    const ALL: [Self; 8] = [
        Self::ProfileSaved,
        Self::SessionRevoked,
        Self::OthersRevoked,
        Self::DeleteCodeSent,
        Self::TwoFactorDisabled,
        Self::PasskeyAdded,
        Self::PasskeyRenamed,
        Self::PasskeyRemoved,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ProfileSaved => "ProfileSaved",
            Self::SessionRevoked => "SessionRevoked",
            Self::OthersRevoked => "OthersRevoked",
            Self::DeleteCodeSent => "DeleteCodeSent",
            Self::TwoFactorDisabled => "TwoFactorDisabled",
            Self::PasskeyAdded => "PasskeyAdded",
            Self::PasskeyRenamed => "PasskeyRenamed",
            Self::PasskeyRemoved => "PasskeyRemoved",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|notice| notice.as_str() == value)
    }

    fn message_id(self) -> &'static str {
        match self {
            Self::ProfileSaved => "notice-profile-saved",
            Self::SessionRevoked => "notice-session-revoked",
            Self::OthersRevoked => "notice-others-revoked",
            Self::DeleteCodeSent => "notice-delete-code-sent",
            Self::TwoFactorDisabled => "notice-two-factor-disabled",
            Self::PasskeyAdded => "notice-passkey-added",
            Self::PasskeyRenamed => "notice-passkey-renamed",
            Self::PasskeyRemoved => "notice-passkey-removed",
        }
    }
}

/// One session in the list.
pub(crate) struct SessionRow {
    pub(crate) id: String,
    pub(crate) user_agent: Option<String>,
    pub(crate) network: Option<String>,
    pub(crate) created: Option<Timestamp>,
    pub(crate) last_active: Timestamp,
    /// This browser's.
    pub(crate) current: bool,
}

/// What the page shows of two-step sign-in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwoFactorView {
    /// The user has an enrolment.
    pub(crate) enabled: bool,
    pub(crate) recovery_codes_left: usize,
    /// Required for everyone: it cannot be turned off.
    pub(crate) required: bool,
}

/// One recent security event in the list.
pub(crate) struct EventRow {
    pub(crate) kind: AuditKind,
    pub(crate) at: Timestamp,
    /// The provider's display name.
    pub(crate) provider: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) network: Option<String>,
}

/// The message that names an event of `kind` on the page.
fn event_message(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::SignIn => "event-sign-in",
        AuditKind::SignInFailed => "event-sign-in-failed",
        AuditKind::SignOut => "event-sign-out",
        AuditKind::AccountCreated => "event-account-created",
        AuditKind::EmailVerified => "event-email-verified",
        AuditKind::PasswordChanged => "event-password-changed",
        AuditKind::PasswordReset => "event-password-reset",
        AuditKind::ProofFailed => "event-proof-failed",
        AuditKind::AccountLinked => "event-account-linked",
        AuditKind::AccountUnlinked => "event-account-unlinked",
        AuditKind::SessionRevoked => "event-session-revoked",
        AuditKind::OtherSessionsRevoked => "event-other-sessions-revoked",
        AuditKind::SignedOutEverywhere => "event-signed-out-everywhere",
        AuditKind::ProfileUpdated => "event-profile-updated",
        AuditKind::DeletionRequested => "event-deletion-requested",
        AuditKind::AccountDeleted => "event-account-deleted",
        AuditKind::TwoFactorEnabled => "event-two-factor-enabled",
        AuditKind::TwoFactorDisabled => "event-two-factor-disabled",
        AuditKind::RecoveryCodesRegenerated => "event-recovery-codes-regenerated",
        AuditKind::RecoveryCodeUsed => "event-recovery-code-used",
        AuditKind::PasskeyAdded => "event-passkey-added",
        AuditKind::PasskeyRenamed => "event-passkey-renamed",
        AuditKind::PasskeyRemoved => "event-passkey-removed",
    }
}

/// Everything the account page shows.
pub(crate) struct AccountPage<'a> {
    pub(crate) look: Look<'a>,
    pub(crate) base_url: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) user: &'a AdapterUser,
    pub(crate) notice: Option<Notice>,
    pub(crate) error: Option<ErrorCode>,
    /// Sessions are rows (listed, ended one by one), not JWTs.
    pub(crate) database_sessions: bool,
    pub(crate) sessions: &'a [SessionRow],
    /// `(provider id, name)` of each linked account.
    pub(crate) linked: &'a [(&'a str, &'a str)],
    /// `(provider id, name)` of each OAuth provider not linked yet.
    pub(crate) linkable: &'a [(&'a str, &'a str)],
    pub(crate) proof: ProofKind,
    /// The user's recent security events, when they are stored.
    pub(crate) events: Option<&'a [EventRow]>,
    /// Two-step sign-in, when the site has it.
    pub(crate) two_factor: Option<TwoFactorView>,
    /// The user's passkeys, when the site has them.
    #[cfg(feature = "passkey")]
    pub(crate) passkeys: Option<PasskeysView<'a>>,
    pub(crate) origin: &'a str,
}

/// The passkeys section.
#[cfg(feature = "passkey")]
#[derive(Clone, Copy)]
pub(crate) struct PasskeysView<'a> {
    pub(crate) passkeys: &'a [crate::adapter::Authenticator],
    /// The passkey provider's id (where the script sends its requests).
    pub(crate) provider: &'a str,
    /// The sign-in is recent enough to add a passkey to.
    pub(crate) can_add: bool,
    /// Where to sign in again (and come back here) when it is not.
    pub(crate) sign_in_again: &'a str,
}

/// The browser and system a `User-Agent` names, when it names ones we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Device {
    pub(crate) browser: &'static str,
    pub(crate) system: Option<&'static str>,
}

/// The device of a `User-Agent`, when it names a browser we know.
pub(crate) fn device(user_agent: &str) -> Option<Device> {
    let has = |needle: &str| user_agent.contains(needle);
    let browser = if has("Edg/") {
        "Edge"
    } else if has("OPR/") {
        "Opera"
    } else if has("Firefox/") || has("FxiOS/") {
        "Firefox"
    } else if has("Chrome/") || has("CriOS/") || has("Chromium/") {
        "Chrome"
    } else if has("Safari/") {
        "Safari"
    } else if has("curl/") {
        "curl"
    } else {
        return None;
    };
    let system = if has("iPhone") || has("iPad") {
        "iOS"
    } else if has("Android") {
        "Android"
    } else if has("Windows") {
        "Windows"
    } else if has("Mac OS X") || has("Macintosh") {
        "macOS"
    } else if has("CrOS") {
        "ChromeOS"
    } else if has("Linux") {
        "Linux"
    } else {
        return Some(Device {
            browser,
            system: None,
        });
    };
    Some(Device {
        browser,
        system: Some(system),
    })
}

fn device_label(m: Messages<'_>, user_agent: Option<&str>) -> String {
    match user_agent.and_then(device) {
        Some(Device {
            browser,
            system: Some(system),
        }) => m.format(
            "account-device",
            &[
                ("browser", Arg::Text(browser)),
                ("system", Arg::Text(system)),
            ],
        ),
        Some(Device {
            browser,
            system: None,
        }) => browser.to_owned(),
        None => m.text("account-unknown-device"),
    }
}

/// `2026-12-06 19:41 UTC`.
fn date(at: Timestamp) -> String {
    let iso = crate::clock::iso8601_millis(at.as_millis());
    format!("{} UTC", iso.get(..16).unwrap_or(&iso).replace('T', " "))
}

/// The passkeys section: each passkey with its dates, rename and delete (forms that work
/// without JavaScript), and "Add a passkey" (the script).
fn passkeys_section(page: &AccountPage<'_>, hidden: &maud::Markup) -> maud::Markup {
    #[cfg(feature = "passkey")]
    if let Some(view) = page.passkeys {
        let m = page.look.m;
        let base = page.base_url;
        let callback = format!("{base}/account?notice={}", Notice::PasskeyAdded.as_str());
        let settings = crate::pages::passkey::ScriptSettings {
            base_url: base,
            provider: view.provider,
            csrf_token: page.csrf_token,
            callback_url: &callback,
            conditional: false,
        };
        return html! {
            section {
                h2 { (m.text("account-passkeys")) }
                p.left.muted { (m.text("account-passkeys-explain")) }
                @if view.passkeys.is_empty() {
                    p.left { (m.text("account-passkeys-none")) }
                }
                ul.sessions {
                    @for (index, passkey) in view.passkeys.iter().enumerate() {
                        li {
                            div {
                                strong { bdi { (passkey.name) } }
                                small { (m.format("account-passkey-added", &[("date", Arg::Text(&date(passkey.created_at)))])) }
                                small {
                                    @match passkey.last_used_at {
                                        Some(at) => (m.format("account-passkey-used", &[("date", Arg::Text(&date(at)))])),
                                        None => (m.text("account-passkey-never-used")),
                                    }
                                    @if passkey.is_multi_device() {
                                        " · " (m.text("account-passkey-synced"))
                                    }
                                }
                            }
                            form method="post" action={ (base) "/account/passkey-rename" } {
                                (hidden)
                                input type="hidden" name="credentialId" value=(passkey.credential_id);
                                @let id = format!("passkey-name-{index}");
                                label for=(id) { (m.text("account-passkey-name")) }
                                input id=(id) type="text" name="name" value=(passkey.name) maxlength="64" required;
                                button.secondary type="submit" { (m.text("account-passkey-rename")) }
                                button.secondary.stack type="submit" formaction={ (base) "/account/passkey-delete" } formnovalidate {
                                    (m.text("account-passkey-delete"))
                                }
                            }
                        }
                    }
                }
                (crate::pages::passkey::failed_note(m))
                @if view.can_add {
                    button.secondary type="button" data-passkey="register" hidden { (m.text("account-passkey-add")) }
                } @else {
                    p.left.muted {
                        (m.text("account-passkey-sign-in-again")) " "
                        a href=(view.sign_in_again) { (m.text("account-passkey-sign-in-again-link")) }
                    }
                }
                (crate::pages::passkey::script(&settings))
            }
        };
    }
    let _ = (page, hidden);
    html! {}
}

fn error_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::InvalidProfile => "error-invalid-profile",
        ErrorCode::UnknownSession => "error-unknown-session",
        ErrorCode::SessionsNotListed => "error-sessions-not-listed",
        ErrorCode::CredentialsSignin | ErrorCode::Verification => "error-wrong-proof",
        ErrorCode::PasswordPolicy => "error-password-policy",
        ErrorCode::LastSignInMethod => "error-last-method",
        ErrorCode::MissingCsrf => "error-csrf",
        ErrorCode::WebAuthnVerificationError => "error-passkey",
        _ => "error-unable",
    }
}

pub(crate) fn render(page: &AccountPage<'_>) -> String {
    let m = page.look.m;
    let base = page.base_url;
    let hidden = html! {
        input type="hidden" name="csrfToken" value=(page.csrf_token);
        input type="hidden" name="from" value="account";
    };
    let user = page.user;
    let body = html! {
        h1 { (m.text("account-title")) }
        @if let Some(code) = page.error {
            div.error role="alert" { (m.text(error_message(code))) }
        }
        @if let Some(notice) = page.notice {
            div.notice role="status" { (m.text(notice.message_id())) }
        }

        section {
            h2 { (m.text("account-profile")) }
            @if let Some(email) = &user.email {
                @let key = if user.email_verified.is_some() { "account-email-verified" } else { "account-email-unverified" };
                @let (before, after) = m.around(key, "email", &[]);
                p.left { (before) bdi { (email) } (after) }
            }
            form method="post" action={ (base) "/account/profile" } {
                (hidden)
                label for="profile-name" { (m.text("account-name")) }
                input id="profile-name" type="text" name="name" autocomplete="name"
                    maxlength="100" value=[user.name.as_deref()];
                label for="profile-image" { (m.text("account-image")) }
                input id="profile-image" type="url" name="image" placeholder="https://"
                    value=[user.image.as_deref()];
                button type="submit" { (m.text("account-save")) }
            }
        }

        section {
            h2 { (m.text("account-sessions")) }
            @if page.database_sessions {
                ul.sessions {
                    @for session in page.sessions {
                        li {
                            div {
                                strong { (device_label(m, session.user_agent.as_deref())) }
                                @if session.current {
                                    " " span.badge { (m.text("account-this-device")) }
                                }
                                @if let Some(created) = session.created {
                                    small { (m.format("account-session-started", &[("date", Arg::Text(&date(created)))])) }
                                }
                                small { (m.format("account-session-active", &[("date", Arg::Text(&date(session.last_active)))])) }
                                @if let Some(network) = &session.network {
                                    small { (m.format("account-session-network", &[("network", Arg::Text(network))])) }
                                }
                            }
                            @if !session.current {
                                form method="post" action={ (base) "/account/revoke-session" } {
                                    (hidden)
                                    input type="hidden" name="session" value=(session.id);
                                    button.secondary.small type="submit" { (m.text("account-revoke")) }
                                }
                            }
                        }
                    }
                }
                @if page.sessions.len() > 1 {
                    form method="post" action={ (base) "/account/revoke-other-sessions" } {
                        (hidden)
                        button.secondary type="submit" { (m.text("account-revoke-others")) }
                    }
                }
            } @else {
                p.left { (m.text("account-jwt-sessions")) }
                form method="post" action={ (base) "/account/signout-everywhere" } {
                    (hidden)
                    input type="hidden" name="callbackUrl" value={ (base) "/signin" };
                    button.secondary type="submit" { (m.text("account-sign-out-everywhere")) }
                }
            }
        }

        section {
            h2 { (m.text("account-methods")) }
            h3 { (m.text("account-password")) }
            @match page.proof {
                ProofKind::Password => {
                    form method="post" action={ (base) "/account/change-password" } {
                        (hidden)
                        label for="current-password" { (m.text("account-current-password")) }
                        input id="current-password" type="password" name="currentPassword"
                            autocomplete="current-password" required;
                        label for="new-password" { (m.text("account-new-password")) }
                        input id="new-password" type="password" name="newPassword"
                            autocomplete="new-password" required;
                        button.secondary type="submit" { (m.text("account-change-password")) }
                    }
                }
                ProofKind::Mail => {
                    p.left { (m.text("account-no-password")) }
                    form method="post" action={ (base) "/account/reset-password-request" } {
                        (hidden)
                        input type="hidden" name="email" value=[user.email.as_deref()];
                        button.secondary type="submit" { (m.text("account-set-password")) }
                    }
                }
                ProofKind::Unavailable => {
                    p.left { (m.text("account-no-password")) }
                }
            }
            h3 { (m.text("account-linked")) }
            @if page.linked.is_empty() {
                p.left { (m.text("account-none-linked")) }
            }
            ul.sessions {
                @for (id, name) in page.linked {
                    li {
                        div { strong { (name) } }
                        form method="post" action={ (base) "/account/unlink" } {
                            (hidden)
                            input type="hidden" name="provider" value=(id);
                            input type="hidden" name="callbackUrl" value={ (base) "/account" };
                            button.secondary.small type="submit" { (m.text("account-unlink")) }
                        }
                    }
                }
            }
            @for (id, name) in page.linkable {
                form.stack method="post" action={ (base) "/signin/" (id) } {
                    input type="hidden" name="csrfToken" value=(page.csrf_token);
                    input type="hidden" name="callbackUrl" value={ (base) "/account" };
                    button.secondary type="submit" { (m.format("account-link", &[("provider", Arg::Text(name))])) }
                }
            }
        }

        @if let Some(two_factor) = page.two_factor {
            section {
                h2 { (m.text("account-two-factor")) }
                @if two_factor.enabled {
                    p.left { (m.format("account-two-factor-on", &[("left", Arg::Number(two_factor.recovery_codes_left as u64))])) }
                    @if two_factor.required {
                        p.left.muted { (m.text("account-two-factor-required")) }
                    }
                    p.left.muted { (m.text("account-two-factor-proof")) }
                    form method="post" action={ (base) "/account/two-factor-recovery-codes" } {
                        (hidden)
                        label for="two-factor-proof-code" { (m.text("two-factor-code")) }
                        input id="two-factor-proof-code" type="text" name="code" inputmode="numeric"
                            autocomplete="one-time-code" placeholder="123456";
                        @if page.proof == ProofKind::Password {
                            label for="two-factor-proof-password" { (m.text("account-current-password")) }
                            input id="two-factor-proof-password" type="password" name="password"
                                autocomplete="current-password";
                        }
                        button.secondary type="submit" { (m.text("account-two-factor-new-codes")) }
                        @if !two_factor.required {
                            button.secondary.stack type="submit" formaction={ (base) "/account/two-factor-disable" } {
                                (m.text("account-two-factor-disable"))
                            }
                        }
                    }
                } @else {
                    p.left { (m.text("account-two-factor-off")) }
                    form method="post" action={ (base) "/account/two-factor-setup" } {
                        (hidden)
                        @if page.proof == ProofKind::Password {
                            label for="two-factor-setup-password" { (m.text("account-current-password")) }
                            input id="two-factor-setup-password" type="password" name="password"
                                autocomplete="current-password" required;
                        }
                        button.secondary type="submit" { (m.text("account-two-factor-set-up")) }
                    }
                }
            }
        }

        (passkeys_section(page, &hidden))

        @if let Some(events) = page.events {
            section {
                h2 { (m.text("account-activity")) }
                p.left.muted { (m.text("account-activity-explain")) }
                @if events.is_empty() {
                    p.left { (m.text("account-activity-none")) }
                }
                ul.sessions.events {
                    @for event in events {
                        li.failed[event.kind.is_failure()] {
                            div {
                                strong { (m.text(event_message(event.kind))) }
                                small { bdi { (date(event.at)) } }
                                @if let Some(provider) = &event.provider {
                                    small { (m.format("account-activity-with", &[("provider", Arg::Text(provider))])) }
                                }
                                @if event.user_agent.is_some() || event.network.is_some() {
                                    small {
                                        bdi { (device_label(m, event.user_agent.as_deref())) }
                                        @if let Some(network) = &event.network {
                                            " · " bdi { (m.format("account-session-network", &[("network", Arg::Text(network))])) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        section.danger {
            h2 { (m.text("account-danger")) }
            p.left { (m.text("account-delete-explain")) }
            @match page.proof {
                ProofKind::Password => {
                    form method="post" action={ (base) "/account/delete" } {
                        (hidden)
                        label for="delete-password" { (m.text("account-delete-password")) }
                        input id="delete-password" type="password" name="password"
                            autocomplete="current-password" required;
                        button.danger type="submit" { (m.text("account-delete-button")) }
                    }
                }
                ProofKind::Mail => {
                    @if page.notice == Some(Notice::DeleteCodeSent) {
                        form method="post" action={ (base) "/account/delete" } {
                            (hidden)
                            label for="delete-code" { (m.text("account-delete-code")) }
                            input id="delete-code" type="text" name="code" placeholder="ABCD-EFGH"
                                autocomplete="one-time-code" autocapitalize="characters"
                                spellcheck="false" required;
                            button.danger type="submit" { (m.text("account-delete-button")) }
                        }
                    } @else {
                        form method="post" action={ (base) "/account/delete-request" } {
                            (hidden)
                            button.secondary type="submit" { (m.text("account-delete-send-code")) }
                        }
                    }
                }
                ProofKind::Unavailable => {
                    p.left { (m.text("account-delete-unavailable")) }
                }
            }
        }

        a.link href={ (base) "/signout" } { (m.text("account-sign-out")) }
        a.link href=(page.origin) { (m.text("back-to-site")) }
    };
    layout_wide(page.look, &m.text("account-title"), body)
}

/// The sections' own form layout.
pub(crate) const STYLE: &str = r#"
section{margin:0 0 1.75rem}
h2{font-size:1.05rem;margin:0 0 .85rem;padding-bottom:.4rem;border-bottom:1px solid var(--border)}
h3{font-size:.95rem;margin:1rem 0 .5rem}
.left{text-align:start}
ul.sessions{list-style:none;margin:0 0 1rem;padding:0}
ul.sessions li{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.6rem 0;border-bottom:1px solid var(--border)}
ul.sessions small{display:block;color:var(--muted);font-size:.8rem;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.72rem;font-weight:600;padding:.05rem .45rem;border-radius:1rem;background:var(--brand);color:var(--brand-text);vertical-align:middle}
button.small{width:auto;padding:.35rem .8rem;font-size:.85rem;white-space:nowrap}
form.stack{margin:.5rem 0 0}
section.danger h2{color:var(--error)}
p.muted{color:var(--muted);font-size:.85rem}
ul.events li.failed strong{color:var(--error)}
button.stack{margin-top:.5rem}
button.danger{background:var(--error);color:var(--card)}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_from_common_user_agents() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox",
                "Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge",
                "Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari",
                "iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome",
                "Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari",
                "macOS",
            ),
        ];
        for (agent, browser, system) in cases {
            let expected = Device {
                browser,
                system: Some(system),
            };
            assert_eq!(device(agent), Some(expected), "{agent}");
        }
        let curl = Device {
            browser: "curl",
            system: None,
        };
        assert_eq!(device("curl/8.5.0"), Some(curl));
        assert_eq!(device("<script>"), None);
    }

    #[test]
    fn dates_are_minutes_in_utc() {
        assert_eq!(
            date(Timestamp::from_millis(1_800_000_000_000)),
            "2027-01-15 08:00 UTC"
        );
    }
}
