//! Two-factor enrolments as adapters store them: see [`crate::two_factor`].

use super::Timestamp;

/// A user's confirmed TOTP enrolment: [`Adapter::get_two_factor`](super::Adapter::get_two_factor).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwoFactorRecord {
    /// The TOTP secret, encrypted by the engine with a key derived from the server secret;
    /// opaque to adapters (a database dump alone gives no working secret).
    pub secret: String,
    /// When the enrolment was confirmed with a code.
    pub enabled_at: Timestamp,
    /// The last time step a code was accepted for: a code of that step or an earlier one is
    /// refused (replay).
    pub last_step: Option<u64>,
    /// How many recovery codes are left.
    pub recovery_codes_left: usize,
}

impl TwoFactorRecord {
    /// A stored enrolment.
    pub fn new(
        secret: String,
        enabled_at: Timestamp,
        last_step: Option<u64>,
        recovery_codes_left: usize,
    ) -> Self {
        Self {
            secret,
            enabled_at,
            last_step,
            recovery_codes_left,
        }
    }
}

impl std::fmt::Debug for TwoFactorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorRecord")
            .field("enabled_at", &self.enabled_at)
            .field("last_step", &self.last_step)
            .field("recovery_codes_left", &self.recovery_codes_left)
            .finish_non_exhaustive()
    }
}
