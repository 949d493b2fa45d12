//! Persistence: the [`Adapter`] trait the engine stores users, accounts, sessions and
//! verification tokens through (NextAuth's v4/v5 adapter method set, §4.3), and
//! [`MemoryAdapter`] for tests and examples. SQL back ends live in `authrs-sqlx`.
//!
//! Rules every adapter follows (the conformance suite in `authrs-test-support` checks them):
//! 1. Uniqueness is a typed error, never an overwrite: a second user with the same email is
//!    [`AdapterError::DuplicateEmail`], a second link of the same provider account is
//!    [`AdapterError::DuplicateAccount`], a session token that exists is
//!    [`AdapterError::DuplicateSession`] (tower-sessions #180: no upsert of session ids).
//! 2. Session tokens and verification tokens arrive hashed; adapters store and compare what
//!    they are given and never see a raw token.
//! 3. [`Adapter::use_verification_token`] deletes and returns the row matching identifier *and*
//!    token hash together, atomically: of many concurrent calls exactly one gets it
//!    (CVE-2021-21310, CVE-2022-39263).
//! 4. Deleting a user deletes their accounts, sessions and password.
//! 5. Database failures are [`AdapterError::Unavailable`] or [`AdapterError::Backend`]; their
//!    text is for the log only.
//! 6. Security events ([`crate::audit`]) are not tied to the user row: they outlive a deleted
//!    account until [`Adapter::delete_audit_events_before`] sweeps them.
//! 7. A two-factor enrolment and its recovery codes go with their user. Spending a time step
//!    ([`Adapter::use_totp_step`]) or a recovery code ([`Adapter::use_recovery_code`]) is atomic:
//!    of concurrent calls with the same value exactly one gets `true`.
//! 8. A passkey ([`Authenticator`]) belongs to one user and goes with them; its credential id
//!    is unique ([`AdapterError::DuplicateAccount`]). [`Adapter::use_authenticator`] moves the
//!    counter forward atomically: a counter that does not grow (unless it and the stored one
//!    are both 0) changes nothing, and of concurrent calls with the same counter exactly one
//!    gets `true`.

mod authenticators;
mod cache;
mod events;
mod memory;
mod two_factor;

use async_trait::async_trait;

pub use authenticators::{Authenticator, AuthenticatorUse, MULTI_DEVICE, SINGLE_DEVICE};
pub use cache::{CachedAdapter, SessionCache};
pub use events::{AuditEvent, AuditFilter, AuditKind};
pub use memory::MemoryAdapter;
pub use two_factor::TwoFactorRecord;

use crate::user::ProviderType;

/// A point in time, as milliseconds since the Unix epoch (what [`crate::clock::Clock`] reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(u64);

impl Timestamp {
    /// From milliseconds since the Unix epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis)
    }

    /// From seconds since the Unix epoch.
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(1000))
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Whole seconds since the Unix epoch.
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }

    /// This time plus `secs` seconds.
    pub const fn plus_secs(self, secs: u64) -> Self {
        Self(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterUser {
    /// Primary key, chosen by the adapter.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address, unique when present (already normalised by the caller).
    pub email: Option<String>,
    /// When the email address was proven (email sign-in), if ever.
    pub email_verified: Option<Timestamp>,
    /// Avatar URL.
    pub image: Option<String>,
}

/// A user to create: everything but the id.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NewUser {
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// When the email address was proven.
    pub email_verified: Option<Timestamp>,
    /// Avatar URL.
    pub image: Option<String>,
    /// Password hash (PHC string) for an email-and-password account, stored in the same
    /// statement as the user so an account never exists without its password.
    pub password_hash: Option<String>,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("email_verified", &self.email_verified)
            .field("image", &self.image)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// A provider account linked to a user, with the provider's tokens (NextAuth v4's account).
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterAccount {
    /// The user it belongs to.
    pub user_id: String,
    /// Provider kind.
    pub provider_type: ProviderType,
    /// Provider id (`google`).
    pub provider: String,
    /// The user's id at the provider.
    pub provider_account_id: String,
    /// OAuth refresh token.
    pub refresh_token: Option<String>,
    /// OAuth access token.
    pub access_token: Option<String>,
    /// Access token expiry, Unix seconds.
    pub expires_at: Option<i64>,
    /// OAuth token type.
    pub token_type: Option<String>,
    /// Granted scope.
    pub scope: Option<String>,
    /// OpenID Connect ID token.
    pub id_token: Option<String>,
    /// Provider session state.
    pub session_state: Option<String>,
}

impl std::fmt::Debug for AdapterAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Provider tokens are secrets: show only whether they are there.
        f.debug_struct("AdapterAccount")
            .field("user_id", &self.user_id)
            .field("provider_type", &self.provider_type)
            .field("provider", &self.provider)
            .field("provider_account_id", &self.provider_account_id)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl AdapterAccount {
    /// An account with no provider tokens.
    pub fn new(
        user_id: impl Into<String>,
        provider_type: ProviderType,
        provider: impl Into<String>,
        provider_account_id: impl Into<String>,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            provider_type,
            provider: provider.into(),
            provider_account_id: provider_account_id.into(),
            refresh_token: None,
            access_token: None,
            expires_at: None,
            token_type: None,
            scope: None,
            id_token: None,
            session_state: None,
        }
    }
}

/// A stored database session. `session_token` is the SHA-256 hex of the cookie's token.
#[derive(Clone, PartialEq, Eq)]
pub struct AdapterSession {
    /// Hash of the session token (the primary key).
    pub session_token: String,
    /// The signed-in user.
    pub user_id: String,
    /// When it expires.
    pub expires: Timestamp,
}

impl std::fmt::Debug for AdapterSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdapterSession")
            .field("user_id", &self.user_id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// Where and when a session was started, for its owner's list of sessions (the account page).
/// Nothing here decides anything: it is shown, escaped, to the user whose session it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionOrigin {
    /// When the session was started.
    pub created: Option<Timestamp>,
    /// The browser's `User-Agent`, cut to [`SessionOrigin::MAX_USER_AGENT`] bytes.
    pub user_agent: Option<String>,
    /// The client's network, not its address: `203.0.113.0/24` or `2001:db8:1:2::/64`.
    pub client_network: Option<String>,
}

impl SessionOrigin {
    /// The most of a `User-Agent` kept.
    pub const MAX_USER_AGENT: usize = 256;

    /// An origin: `user_agent` is cut to [`Self::MAX_USER_AGENT`] bytes (at a character
    /// boundary) and an address becomes its network.
    pub fn new(
        created: Timestamp,
        user_agent: Option<&str>,
        client_ip: Option<std::net::IpAddr>,
    ) -> Self {
        let user_agent = user_agent.map(|agent| {
            let mut end = agent.len().min(Self::MAX_USER_AGENT);
            while !agent.is_char_boundary(end) {
                end -= 1;
            }
            agent[..end].to_owned()
        });
        let client_network = client_ip.map(|ip| match ip.to_canonical() {
            std::net::IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                format!("{a}.{b}.{c}.0/24")
            }
            std::net::IpAddr::V6(v6) => {
                let s = v6.segments();
                format!(
                    "{}/64",
                    std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0)
                )
            }
        });
        Self {
            created: Some(created),
            user_agent,
            client_network,
        }
    }
}

/// One of a user's sessions as their list shows it: [`Adapter::list_user_sessions`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionDetails {
    /// Hash of the session token.
    pub session_token: String,
    /// When it expires (the last use, plus the session's `max_age`).
    pub expires: Timestamp,
    /// Where and when it started; empty for sessions stored before this was kept.
    pub origin: SessionOrigin,
}

impl SessionDetails {
    /// A listed session.
    pub fn new(session_token: String, expires: Timestamp, origin: SessionOrigin) -> Self {
        Self {
            session_token,
            expires,
            origin,
        }
    }
}

impl std::fmt::Debug for SessionDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionDetails")
            .field("expires", &self.expires)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// A single-use verification token (email links, password resets). `token_hash` is the hash
/// of the token sent to the user; only the hash is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationToken {
    /// What the token proves, e.g. the normalised email address.
    pub identifier: String,
    /// Hash of the token.
    pub token_hash: String,
    /// When it stops being valid.
    pub expires: Timestamp,
}

impl std::fmt::Debug for VerificationToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationToken")
            .field("identifier", &self.identifier)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// Why an adapter call failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdapterError {
    /// Another user already has this email address.
    #[error("a user with this email address already exists")]
    DuplicateEmail,
    /// This provider account is already linked to a user.
    #[error("this provider account is already linked")]
    DuplicateAccount,
    /// A session with this token already exists.
    #[error("a session with this token already exists")]
    DuplicateSession,
    /// The user the call names does not exist.
    #[error("no such user")]
    UserNotFound,
    /// The database could not be reached or timed out; retrying later may work.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// Any other database error (its text is for the log, never for clients).
    #[error("database error: {0}")]
    Backend(String),
}

/// Where the engine keeps users, accounts, sessions and verification tokens.
///
/// Dyn-compatible: the engine holds an `Arc<dyn Adapter>`. Every method is one round trip (or
/// one transaction) and must be safe to call concurrently from many requests and from several
/// server instances on one database.
#[async_trait]
pub trait Adapter: Send + Sync + 'static {
    /// Creates a user. [`AdapterError::DuplicateEmail`] when the email is taken.
    async fn create_user(&self, user: NewUser) -> Result<AdapterUser, AdapterError>;

    /// A user by id.
    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>, AdapterError>;

    /// A user by (normalised) email address.
    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>, AdapterError>;

    /// The user a provider account is linked to.
    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>, AdapterError>;

    /// Replaces a user's fields (matched by id) and returns the stored user.
    /// [`AdapterError::UserNotFound`] or [`AdapterError::DuplicateEmail`] when they apply.
    async fn update_user(&self, user: AdapterUser) -> Result<AdapterUser, AdapterError>;

    /// Sets a user's name and picture, and nothing else (a concurrent change of the address
    /// or its verification stays). [`AdapterError::UserNotFound`] when the user does not
    /// exist.
    async fn update_user_profile(
        &self,
        id: &str,
        name: Option<&str>,
        image: Option<&str>,
    ) -> Result<(), AdapterError>;

    /// Deletes a user with their accounts, sessions and password. Deleting a missing user is
    /// not an error.
    async fn delete_user(&self, id: &str) -> Result<(), AdapterError>;

    /// Deletes a user as [`Self::delete_user`] does, and the verification tokens of
    /// `identifiers` (their pending links and codes), in one transaction. The default runs
    /// the deletions one after the other.
    async fn delete_user_with_tokens(
        &self,
        id: &str,
        identifiers: &[String],
    ) -> Result<(), AdapterError> {
        for identifier in identifiers {
            self.delete_verification_tokens(identifier).await?;
        }
        self.delete_user(id).await
    }

    /// Links a provider account. [`AdapterError::DuplicateAccount`] when it is linked already,
    /// [`AdapterError::UserNotFound`] when the user does not exist.
    async fn link_account(&self, account: AdapterAccount) -> Result<(), AdapterError>;

    /// Replaces the stored tokens (`refresh_token`, `access_token`, `expires_at`,
    /// `token_type`, `scope`, `id_token`, `session_state`) of the account with this provider
    /// and provider account id, in one statement; returns whether it exists.
    async fn update_account(&self, account: AdapterAccount) -> Result<bool, AdapterError>;

    /// Unlinks a provider account; returns whether one was removed.
    async fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<bool, AdapterError>;

    /// The accounts linked to a user, ordered by provider, then provider account id.
    async fn list_accounts(&self, user_id: &str) -> Result<Vec<AdapterAccount>, AdapterError>;

    /// Stores a new session. [`AdapterError::DuplicateSession`] when the token exists,
    /// [`AdapterError::UserNotFound`] when the user does not.
    async fn create_session(&self, session: AdapterSession) -> Result<(), AdapterError>;

    /// Stores a new session as [`Self::create_session`] does, with where and when it started
    /// for [`Self::list_user_sessions`]. The default stores the session alone.
    async fn create_session_from(
        &self,
        session: AdapterSession,
        origin: &SessionOrigin,
    ) -> Result<(), AdapterError> {
        let _ = origin;
        self.create_session(session).await
    }

    /// A user's sessions, expired ones included (the engine leaves those out), the latest to
    /// expire first, at most `limit` of them.
    async fn list_user_sessions(
        &self,
        user_id: &str,
        limit: usize,
    ) -> Result<Vec<SessionDetails>, AdapterError>;

    /// Deletes every session of a user but the one with token hash `keep`; returns how many
    /// went.
    async fn delete_user_sessions_except(
        &self,
        user_id: &str,
        keep: &str,
    ) -> Result<u64, AdapterError>;

    /// A session with its user, by token hash. Expired rows are returned as they are; the
    /// engine decides about expiry and deletes them.
    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>, AdapterError>;

    /// Sets a session's expiry; returns the updated session, or `None` when it is gone.
    async fn update_session_expiry(
        &self,
        session_token: &str,
        expires: Timestamp,
    ) -> Result<Option<AdapterSession>, AdapterError>;

    /// Deletes a session; returns it when it existed.
    async fn delete_session(
        &self,
        session_token: &str,
    ) -> Result<Option<AdapterSession>, AdapterError>;

    /// Deletes every session of a user ("sign out everywhere"); returns how many.
    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError>;

    /// Deletes sessions and verification tokens that expired at or before `now`; returns how
    /// many rows went.
    async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError>;

    /// Stores a verification token; one with the same identifier and hash replaces it.
    async fn create_verification_token(&self, token: VerificationToken)
    -> Result<(), AdapterError>;

    /// Deletes and returns the verification token matching both `identifier` and `token_hash`,
    /// atomically (rule 3). Expired tokens are returned too; the engine checks expiry.
    async fn use_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError>;

    /// The verification token matching both `identifier` and `token_hash`, left in place
    /// (expired ones too; the engine checks expiry). For records that are read many times,
    /// such as a signed-out JWT session's entry.
    async fn find_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError>;

    /// Deletes every verification token stored for `identifier` (the rest of an email's
    /// link and code once one of them signed in); returns how many went.
    async fn delete_verification_tokens(&self, identifier: &str) -> Result<u64, AdapterError>;

    /// A user's password hash (PHC string), for email-and-password accounts.
    async fn get_password_hash(&self, user_id: &str) -> Result<Option<String>, AdapterError>;

    /// Sets or clears a user's password hash. [`AdapterError::UserNotFound`] when the user does
    /// not exist.
    async fn set_password_hash(
        &self,
        user_id: &str,
        password_hash: Option<&str>,
    ) -> Result<(), AdapterError>;

    /// When the user last signed out everywhere or changed their password: JWT sessions issued
    /// before this time are refused (checked only when that feature is on).
    async fn get_sessions_valid_after(
        &self,
        user_id: &str,
    ) -> Result<Option<Timestamp>, AdapterError>;

    /// Sets the "sessions valid after" stamp. [`AdapterError::UserNotFound`] when the user does
    /// not exist.
    async fn set_sessions_valid_after(
        &self,
        user_id: &str,
        at: Timestamp,
    ) -> Result<(), AdapterError>;

    /// Stores a security event (rule 6).
    async fn record_audit_event(&self, event: &AuditEvent) -> Result<(), AdapterError>;

    /// A user's security events that `filter` admits, the latest first (by time, then by the
    /// order they were stored), at most `limit` of them. Rows of a kind this version does not
    /// know are left out.
    async fn list_audit_events(
        &self,
        user_id: &str,
        filter: AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, AdapterError>;

    /// Deletes the security events that happened before `before`, in batches that hold no
    /// lock for long; returns how many went.
    async fn delete_audit_events_before(&self, before: Timestamp) -> Result<u64, AdapterError>;

    /// A user's confirmed two-factor enrolment, if any.
    async fn get_two_factor(&self, user_id: &str) -> Result<Option<TwoFactorRecord>, AdapterError>;

    /// Stores a confirmed enrolment with its recovery codes (their hashes), replacing any
    /// enrolment and codes the user had, in one transaction. [`AdapterError::UserNotFound`]
    /// when the user does not exist.
    async fn enable_two_factor(
        &self,
        user_id: &str,
        secret: &str,
        enabled_at: Timestamp,
        recovery_code_hashes: &[String],
    ) -> Result<(), AdapterError>;

    /// Replaces a user's recovery codes, in one transaction; `false` when the user has no
    /// enrolment (nothing is stored then).
    async fn replace_recovery_codes(
        &self,
        user_id: &str,
        recovery_code_hashes: &[String],
    ) -> Result<bool, AdapterError>;

    /// Removes a user's enrolment and recovery codes; returns whether there was one.
    async fn disable_two_factor(&self, user_id: &str) -> Result<bool, AdapterError>;

    /// Records that a code of time step `step` was accepted, atomically, unless a code of this
    /// step or a later one was accepted before (rule 7); returns whether it was recorded.
    async fn use_totp_step(&self, user_id: &str, step: u64) -> Result<bool, AdapterError>;

    /// Deletes the user's recovery code with this hash, atomically (rule 7); returns whether
    /// it existed.
    async fn use_recovery_code(&self, user_id: &str, code_hash: &str)
    -> Result<bool, AdapterError>;

    /// Stores a new passkey (rule 8): [`AdapterError::DuplicateAccount`] when its credential id
    /// is taken, [`AdapterError::UserNotFound`] when its user does not exist.
    async fn create_authenticator(&self, authenticator: &Authenticator)
    -> Result<(), AdapterError>;

    /// The passkey with this credential id (standard base64), if any.
    async fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> Result<Option<Authenticator>, AdapterError>;

    /// A user's passkeys, oldest first.
    async fn list_authenticators(&self, user_id: &str) -> Result<Vec<Authenticator>, AdapterError>;

    /// Records a sign-in with a passkey: the new counter, backup state and time, atomically,
    /// only if the counter grew, or it and the stored one are both 0 (rule 8). `false`: it did
    /// not (a cloned authenticator, or a replay that lost the race), or there is no such passkey.
    async fn use_authenticator(
        &self,
        credential_id: &str,
        used: AuthenticatorUse,
    ) -> Result<bool, AdapterError>;

    /// Renames one of `user_id`'s passkeys; `false` when they have none with this id.
    async fn rename_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
        name: &str,
    ) -> Result<bool, AdapterError>;

    /// Deletes one of `user_id`'s passkeys; `false` when they have none with this id.
    async fn delete_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<bool, AdapterError>;
}
