//! The passkey provider: sign-in with WebAuthn credentials, wire-compatible with Auth.js v5's
//! WebAuthn provider (`signIn("passkey")` from `next-auth/webauthn`), and offered on the
//! built-in sign-in page to every client.
//!
//! Rules (the ceremony checks themselves are in `webauthn.rs`, the endpoints in
//! `actions/passkey.rs`):
//! 1. Needs an adapter: passkeys live in the database (`authenticators`).
//! 2. A challenge is 32 random bytes, for one ceremony (registration or authentication) and
//!    one purpose (a signed-in user's new passkey, or a new account's), sealed in an HttpOnly
//!    cookie of this browser with its own key, for five minutes, and spent once: the options
//!    request records it and the ceremony's answer deletes the record atomically, so a replayed
//!    answer finds nothing.
//! 3. The origin and the RP id are checked; user verification is required unless
//!    [`PasskeyProvider::user_verification`] says otherwise.
//! 4. A passkey signs in only the user it was registered to: found by its credential id, and
//!    the user handle the authenticator returns must be the one it was made with.
//! 5. Sign counters: a counter that does not grow (unless the stored and the new one are both
//!    0, as synced passkeys report) is taken as a cloned authenticator: the sign-in is refused,
//!    the passkey is kept, and a failed sign-in is recorded for the user to see. Backup
//!    eligibility must never change; the backup state is stored at each use.
//! 6. A passkey sign-in is a proof of the user (possession and, verified, a PIN or biometric):
//!    it needs no second factor.
//! 7. A new account made with a passkey gets no row until its address is proven: the checked
//!    credential waits in an encrypted cookie of this browser while the email provider mails a
//!    link and code; the account is created, and the passkey stored, when this browser uses
//!    one of them. So an address nobody proved never gets a session or a passkey, and an
//!    existing account's owner only adds a passkey by proving their mailbox here.
//! 8. Deleting one's last passkey is refused when it is the last way in.
//! 9. Adding a passkey to an account needs a recent sign-in
//!    ([`crate::AuthBuilder::fresh_sign_in`], which passed two-step sign-in if the account has
//!    it), and the user is mailed a notice.

use std::time::Duration;

use crate::ratelimit::RateLimit;

/// The provider id Auth.js uses, and ours.
pub const PASSKEY_PROVIDER_ID: &str = "passkey";

/// Whether the user must be verified (a PIN or biometric) at each ceremony.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserVerification {
    /// Required: a passkey is two factors in one (the default).
    #[default]
    Required,
    /// Asked for, not required: presence alone is accepted.
    Preferred,
}

/// Sign-in with passkeys: `AuthBuilder::provider(PasskeyProvider::new())`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasskeyProvider {
    /// The provider id (`passkey`).
    pub id: String,
    /// The display name (`Passkey`).
    pub name: String,
    /// The relying party id: a registrable domain of the origins' hosts. `None`: the host of
    /// the configured URL.
    pub rp_id: Option<String>,
    /// The relying party's name, shown by some authenticators. `None`: the RP id.
    pub rp_name: Option<String>,
    /// The origins the browser may report (`https://app.example.com`). Empty: the origin of
    /// the configured URL.
    pub origins: Vec<String>,
    /// Required (the default) or preferred.
    pub user_verification: UserVerification,
    /// Whether a new account can be made with a passkey (its address proven by the email
    /// provider, which must be configured). Default: on.
    pub sign_up: bool,
    /// Ceremonies one client may start (default 300 per 15 minutes: the sign-in page starts
    /// one for the browser's autofill each time it is shown).
    pub per_client: RateLimit,

    /// The most passkeys one account may have (default 20).
    pub max_per_user: usize,
}

impl PasskeyProvider {
    /// The provider with its defaults: the RP id and origin from the configured URL,
    /// verification required, sign-up on.
    pub fn new() -> Self {
        Self {
            id: PASSKEY_PROVIDER_ID.to_owned(),
            name: "Passkey".to_owned(),
            rp_id: None,
            rp_name: None,
            origins: Vec::new(),
            user_verification: UserVerification::Required,
            sign_up: true,
            per_client: RateLimit::new(300, Duration::from_secs(15 * 60)),
            max_per_user: 20,
        }
    }

    /// Sets the relying party id.
    pub fn rp_id(mut self, rp_id: impl Into<String>) -> Self {
        self.rp_id = Some(rp_id.into());
        self
    }

    /// Sets the relying party's name.
    pub fn rp_name(mut self, rp_name: impl Into<String>) -> Self {
        self.rp_name = Some(rp_name.into());
        self
    }

    /// Adds an origin the browser may report.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origins.push(origin.into());
        self
    }
}

impl Default for PasskeyProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// A mounted passkey provider: its relying party, adapter and keys.
pub(crate) struct PasskeyRuntime {
    pub(crate) provider: PasskeyProvider,
    pub(crate) adapter: std::sync::Arc<dyn crate::adapter::Adapter>,
    pub(crate) rp: crate::webauthn::RelyingParty,
    pub(crate) rp_name: String,
    /// Seals the challenge cookie.
    pub(crate) challenges: crate::jwt::TokenCodec,
    /// Seals a new account's waiting passkey.
    pub(crate) sign_ups: crate::jwt::TokenCodec,
    /// Derives a user's handle (so the handle tells nothing of the user id).
    handle_key: crate::secret::Secret,
}

impl std::fmt::Debug for PasskeyRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeyRuntime")
            .field("rp", &self.rp)
            .finish_non_exhaustive()
    }
}

impl PasskeyRuntime {
    /// Checks `provider` against the configured origin and derives its relying party.
    pub(crate) fn new(
        provider: &PasskeyProvider,
        origin: &crate::url::Origin,
        adapter: std::sync::Arc<dyn crate::adapter::Adapter>,
        secrets: &[crate::secret::Secret],
    ) -> Result<Self, crate::config::ConfigError> {
        let invalid = |reason: String| crate::config::ConfigError::InvalidProvider {
            provider: provider.id.clone(),
            reason,
        };
        let rp_id = (provider.rp_id.clone())
            .unwrap_or_else(|| origin.as_url().host_str().unwrap_or_default().to_owned())
            .to_ascii_lowercase();
        if rp_id.is_empty() || rp_id.contains([':', '/']) || rp_id.starts_with('.') {
            return Err(invalid(format!("rp_id {rp_id:?} is not a domain")));
        }
        let configured = if provider.origins.is_empty() {
            vec![origin.as_str().to_owned()]
        } else {
            provider.origins.clone()
        };
        // As browsers serialise them (lower case, no default port, no slash), which is what
        // the client data carries.
        let mut origins = Vec::with_capacity(configured.len());
        for allowed in &configured {
            let parsed = crate::url::Origin::parse(allowed)
                .map_err(|reason| invalid(format!("origin {allowed:?}: {reason}")))?;
            origins.push(parsed.as_url().origin().ascii_serialization());
            let host = (parsed.as_url().host_str().unwrap_or_default()).to_ascii_lowercase();
            if host != rp_id && !host.ends_with(&format!(".{rp_id}")) {
                return Err(invalid(format!(
                    "origin {allowed:?} is not on the RP id {rp_id:?} or a subdomain of it"
                )));
            }
        }
        let codec = |salt| crate::jwt::TokenCodec::new(crate::jwt::TokenFormat::V4, secrets, salt);
        let first = secrets
            .first()
            .ok_or(crate::config::ConfigError::MissingSecret)?;
        Ok(Self {
            rp_name: provider.rp_name.clone().unwrap_or_else(|| rp_id.clone()),
            rp: crate::webauthn::RelyingParty {
                id: rp_id,
                origins,
                user_verification: provider.user_verification == UserVerification::Required,
            },
            provider: provider.clone(),
            adapter,
            challenges: codec("authrs.passkey.challenge"),
            sign_ups: codec("authrs.passkey.sign-up"),
            handle_key: first.clone(),
        })
    }

    /// The user handle of `user_id`'s passkeys: 64 hex characters of a keyed hash, the same
    /// for each of their registrations (so an authenticator replaces its passkey for the
    /// account instead of adding another).
    pub(crate) fn user_handle(&self, user_id: &str) -> String {
        use hmac::{KeyInit as _, Mac as _};
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(self.handle_key.expose().as_bytes())
                .expect("HMAC takes any key length");
        mac.update(b"authrs.passkey.user-handle\0");
        mac.update(user_id.as_bytes());
        crate::secret::hex(&mac.finalize().into_bytes())
    }
}
