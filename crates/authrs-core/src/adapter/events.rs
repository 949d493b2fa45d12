//! Security events as adapters store them: see [`crate::audit`].

use super::{SessionOrigin, Timestamp};

/// What happened. Stored as [`AuditKind::as_str`]; new kinds are added as features land.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditKind {
    /// A sign-in succeeded (`provider` says how).
    SignIn,
    /// A sign-in of an existing account failed (a wrong password or code, a refusal by the
    /// app's `sign_in` callback); `detail` is the error code.
    SignInFailed,
    /// The user signed out.
    SignOut,
    /// An account was created (`provider` says how).
    AccountCreated,
    /// The account's address was proven.
    EmailVerified,
    /// The password was changed (every session ended).
    PasswordChanged,
    /// The password was set through a mailed link (every session ended).
    PasswordReset,
    /// A wrong password or code was given to confirm a change on the account page.
    ProofFailed,
    /// A provider account was linked.
    AccountLinked,
    /// A provider account was unlinked.
    AccountUnlinked,
    /// One session was ended from the account page.
    SessionRevoked,
    /// Every session but the current one was ended.
    OtherSessionsRevoked,
    /// Every session was ended ("sign out everywhere").
    SignedOutEverywhere,
    /// The name or picture changed.
    ProfileUpdated,
    /// A code to delete the account was mailed.
    DeletionRequested,
    /// The account was deleted (its events stay until [`crate::audit::Audit::retention`] passes).
    AccountDeleted,
    /// Two-factor sign-in was turned on (an authenticator app enrolled).
    TwoFactorEnabled,
    /// Two-factor sign-in was turned off.
    TwoFactorDisabled,
    /// New recovery codes were made (the old ones stop working).
    RecoveryCodesRegenerated,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// A passkey was added.
    PasskeyAdded,
    /// A passkey was renamed.
    PasskeyRenamed,
    /// A passkey was deleted.
    PasskeyRemoved,
}

impl AuditKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 23] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::AccountCreated,
        Self::EmailVerified,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::ProofFailed,
        Self::AccountLinked,
        Self::AccountUnlinked,
        Self::SessionRevoked,
        Self::OtherSessionsRevoked,
        Self::SignedOutEverywhere,
        Self::ProfileUpdated,
        Self::DeletionRequested,
        Self::AccountDeleted,
        Self::TwoFactorEnabled,
        Self::TwoFactorDisabled,
        Self::RecoveryCodesRegenerated,
        Self::RecoveryCodeUsed,
        Self::PasskeyAdded,
        Self::PasskeyRenamed,
        Self::PasskeyRemoved,
    ];

    /// The stored and logged name: `sign_in`, `sign_in_failed`, ….
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignOut => "sign_out",
            Self::AccountCreated => "account_created",
            Self::EmailVerified => "email_verified",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::ProofFailed => "proof_failed",
            Self::AccountLinked => "account_linked",
            Self::AccountUnlinked => "account_unlinked",
            Self::SessionRevoked => "session_revoked",
            Self::OtherSessionsRevoked => "other_sessions_revoked",
            Self::SignedOutEverywhere => "signed_out_everywhere",
            Self::ProfileUpdated => "profile_updated",
            Self::DeletionRequested => "deletion_requested",
            Self::AccountDeleted => "account_deleted",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRenamed => "passkey_renamed",
            Self::PasskeyRemoved => "passkey_removed",
        }
    }

    /// The kind a stored name stands for; `None` for a name this version does not know (a
    /// newer version's, on a shared database).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether it reports something that did not work.
    pub const fn is_failure(self) -> bool {
        matches!(self, Self::SignInFailed | Self::ProofFailed)
    }

    /// Whether a user (or someone holding their session) can repeat it at will: sign-ins and
    /// sign-outs, profile changes, ended sessions, deletion codes. Only these, and failures,
    /// count against the per-user budgets of stored events; what changes how the account
    /// signs in is always stored.
    pub const fn is_routine(self) -> bool {
        matches!(
            self,
            Self::SignIn
                | Self::SignOut
                | Self::ProfileUpdated
                | Self::SessionRevoked
                | Self::OtherSessionsRevoked
                | Self::DeletionRequested
                | Self::PasskeyRenamed
        )
    }

    /// The log line's message.
    pub(crate) const fn message(self) -> &'static str {
        match self {
            Self::SignIn => "signed in",
            Self::SignInFailed => "sign-in failed",
            Self::SignOut => "signed out",
            Self::AccountCreated => "account created",
            Self::EmailVerified => "address proven",
            Self::PasswordChanged => "password changed; signed out everywhere",
            Self::PasswordReset => "password reset; signed out everywhere",
            Self::ProofFailed => "a wrong password or code was given to confirm a change",
            Self::AccountLinked => "account linked",
            Self::AccountUnlinked => "account unlinked",
            Self::SessionRevoked => "a session was signed out from the account page",
            Self::OtherSessionsRevoked => "every other session was signed out",
            Self::SignedOutEverywhere => "signed out everywhere",
            Self::ProfileUpdated => "profile changed",
            Self::DeletionRequested => "a code to delete the account was mailed",
            Self::AccountDeleted => "account deleted by its owner",
            Self::TwoFactorEnabled => "two-factor sign-in turned on",
            Self::TwoFactorDisabled => "two-factor sign-in turned off",
            Self::RecoveryCodesRegenerated => "new recovery codes made",
            Self::RecoveryCodeUsed => "a recovery code was used",
            Self::PasskeyAdded => "passkey added",
            Self::PasskeyRenamed => "passkey renamed",
            Self::PasskeyRemoved => "passkey deleted",
        }
    }
}

/// Which of a user's events [`Adapter::list_audit_events`](super::Adapter::list_audit_events)
/// lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditFilter {
    /// Every kind.
    All,
    /// Failed sign-ins and proofs only ([`AuditKind::is_failure`]).
    Failures,
    /// Everything but those.
    NotFailures,
}

impl AuditFilter {
    /// Whether an event of `kind` is listed.
    pub fn admits(self, kind: AuditKind) -> bool {
        match self {
            Self::All => true,
            Self::Failures => kind.is_failure(),
            Self::NotFailures => !kind.is_failure(),
        }
    }
}

/// One security event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditEvent {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: AuditKind,
    /// Whose account; `None` when no account is known (only logged, never stored).
    pub user_id: Option<String>,
    /// The provider involved (`email-password`, `github`, …).
    pub provider: Option<String>,
    /// A word more: the error code of a failure.
    pub detail: Option<String>,
    /// The client's network, not its address: `203.0.113.0/24` or `2001:db8:1:2::/64`.
    pub client_network: Option<String>,
    /// The client's `User-Agent`, cut to [`SessionOrigin::MAX_USER_AGENT`] bytes.
    pub user_agent: Option<String>,
}

impl AuditEvent {
    /// An event of `kind` at `at`, from a client with this `User-Agent` and address (kept as
    /// [`SessionOrigin::new`] keeps them).
    pub fn new(
        at: Timestamp,
        kind: AuditKind,
        user_agent: Option<&str>,
        client_ip: Option<std::net::IpAddr>,
    ) -> Self {
        let origin = SessionOrigin::new(at, user_agent, client_ip);
        Self {
            at,
            kind,
            user_id: None,
            provider: None,
            detail: None,
            client_network: origin.client_network,
            user_agent: origin.user_agent,
        }
    }

    /// With the user it concerns.
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// With the provider involved.
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// With a word more (an error code).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_distinct_names_that_parse_back() {
        let mut names = std::collections::HashSet::new();
        for kind in AuditKind::ALL {
            assert!(names.insert(kind.as_str()), "{kind:?} shares its name");
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AuditKind::parse("from_a_newer_version"), None);
    }

    #[test]
    fn an_event_keeps_the_network_and_a_cut_user_agent() {
        let agent = "é".repeat(200);
        let ip = "203.0.113.77".parse().ok();
        let event = AuditEvent::new(Timestamp::from_secs(1), AuditKind::SignIn, Some(&agent), ip);
        assert_eq!(event.client_network.as_deref(), Some("203.0.113.0/24"));
        let kept = event.user_agent.unwrap_or_default();
        assert!(kept.len() <= SessionOrigin::MAX_USER_AGENT && kept.len() >= 254);
    }
}
