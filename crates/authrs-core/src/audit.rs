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
//! 2. Only events that name a user of the adapter are stored: a failed sign-in for an address
//!    with no account is logged, never written, so a client cannot fill the table with names
//!    it makes up; so are the sign-ins of credentials providers other than email-and-password
//!    (their users are the app's).
//! 3. The client is kept as its network (`203.0.113.0/24`), never its address, and its
//!    `User-Agent` cut to 256 bytes, as sessions keep them
//!    ([`SessionOrigin`](crate::adapter::SessionOrigin)).
//! 4. Storing an event never fails the request: a database error is logged and counted.
//! 5. Where the time an event takes could tell a client whether an address has an account (a
//!    wrong password or code), the lookup and the write run in the background; with no
//!    background (or a full one) such an event is logged only.
//! 6. Each user has a budget of stored events, one for failures and one for routine events
//!    ([`Audit::failures_per_user`], [`Audit::events_per_user`]): past it those are logged
//!    only, so no client fills the table. Changes to how the account signs in are always
//!    stored.

use std::time::Duration;

pub use crate::adapter::{AuditEvent, AuditFilter, AuditKind};
use crate::ratelimit::RateLimit;

/// Whether and how long security events are stored, and how many per user:
/// [`crate::AuthBuilder::audit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Audit {
    /// Whether events are written through the adapter (they are always logged). Default on;
    /// without an adapter there is nowhere to write them.
    pub store: bool,
    /// How long stored events are kept (default 90 days, at least [`Self::MIN_RETENTION`]):
    /// the expiry sweep deletes older ones.
    pub retention: Duration,
    /// The most routine events ([`AuditKind::is_routine`]: sign-ins, sign-outs, profile
    /// changes, …) stored per user (default 60 an hour); past it they are logged only.
    pub events_per_user: Option<RateLimit>,
    /// The most failed sign-ins and proofs stored per user (default 20 an hour), so a guesser
    /// cannot bury the rest; past it they are logged only.
    pub failures_per_user: Option<RateLimit>,
}

impl Audit {
    /// The default retention: 90 days.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);
    /// The shortest retention accepted: a day.
    pub const MIN_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
    /// The default budget of stored events other than failures, per user.
    pub const DEFAULT_EVENTS_PER_USER: RateLimit = RateLimit::new(60, Duration::from_secs(60 * 60));
    /// The default budget of stored failures, per user.
    pub const DEFAULT_FAILURES_PER_USER: RateLimit =
        RateLimit::new(20, Duration::from_secs(60 * 60));

    /// Events are logged only, never stored (rows stored before are still swept after
    /// `retention`).
    pub fn log_only() -> Self {
        Self {
            store: false,
            ..Self::default()
        }
    }

    /// Events are stored for `retention`, within the default budgets.
    pub fn stored_for(retention: Duration) -> Self {
        Self {
            retention,
            ..Self::default()
        }
    }

    /// With these budgets per user (`None`: no budget).
    pub fn per_user(mut self, events: Option<RateLimit>, failures: Option<RateLimit>) -> Self {
        self.events_per_user = events;
        self.failures_per_user = failures;
        self
    }
}

impl Default for Audit {
    fn default() -> Self {
        Self {
            store: true,
            retention: Self::DEFAULT_RETENTION,
            events_per_user: Some(Self::DEFAULT_EVENTS_PER_USER),
            failures_per_user: Some(Self::DEFAULT_FAILURES_PER_USER),
        }
    }
}
