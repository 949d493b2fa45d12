//! Security events (OWASP ASVS 16.3): sign-ins and their failures, sign-outs, password changes
//! and resets, linked accounts, ended sessions, profile changes and account deletion.
//!
//! Every event is one log line at target `authrs::audit` with structured fields (`event`,
//! `user`, `provider`, `detail`, `client_network`, `user_agent`, escaped), and, when the
//! engine has an adapter and [`Audit::store`] is on, a row through
//! [`Adapter::record_audit_event`](crate::adapter::Adapter::record_audit_event) that the
//! account page shows its user. [`crate::Auth::sweep_expired`] deletes rows older than
//! [`Audit::retention`].
//!
//! Rules:
//! 1. An event is recorded after the change it reports has happened, never before.
//! 2. Only events that name a user are stored: a failed sign-in for an address with no account
//!    is logged, never written, so a client cannot fill the table with names it makes up.
//!    Failed sign-ins of a real account are bounded by the password throttle.
//! 3. The client is kept as its network (`203.0.113.0/24`), never its address, and its
//!    `User-Agent` cut to [`SessionOrigin::MAX_USER_AGENT`](crate::adapter::SessionOrigin::MAX_USER_AGENT) bytes, as sessions keep them.
//! 4. Storing an event never fails the request: a database error is logged and counted.
//! 5. Where the time an event takes could tell a client whether an address has an account (a
//!    wrong password or code), the lookup and the write run in the background.

use std::time::Duration;

pub use crate::adapter::{AuditEvent, AuditKind};

/// Whether and how long security events are stored: [`crate::AuthBuilder::audit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Audit {
    /// Whether events are written through the adapter (they are always logged). Default on;
    /// without an adapter there is nowhere to write them.
    pub store: bool,
    /// How long stored events are kept (default 90 days, at least [`Self::MIN_RETENTION`]):
    /// the expiry sweep deletes older ones.
    pub retention: Duration,
}

impl Audit {
    /// The default retention: 90 days.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);
    /// The shortest retention accepted: a day.
    pub const MIN_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

    /// Events are logged only, never stored.
    pub fn log_only() -> Self {
        Self {
            store: false,
            retention: Self::DEFAULT_RETENTION,
        }
    }

    /// Events are stored for `retention`.
    pub fn stored_for(retention: Duration) -> Self {
        Self {
            store: true,
            retention,
        }
    }
}

impl Default for Audit {
    fn default() -> Self {
        Self::stored_for(Self::DEFAULT_RETENTION)
    }
}
