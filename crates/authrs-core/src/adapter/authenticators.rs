//! Passkeys as adapters store them: see [`crate::providers::passkey`]. The columns keep the
//! meaning of Auth.js's `Authenticator` model (`credentialID`, `credentialPublicKey`,
//! `counter`, `credentialDeviceType`, `credentialBackedUp`, `transports`), with what the
//! account page needs besides (a name, when it was added and last used) and the user handle
//! the passkey was made with.

use super::Timestamp;

/// A registered passkey (WebAuthn credential) of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authenticator {
    /// The credential id, in standard base64 with padding (as Auth.js stores it); unique.
    pub credential_id: String,
    /// The user it signs in.
    pub user_id: String,
    /// The credential's public key, a COSE_Key in standard base64.
    pub public_key: String,
    /// The signature counter last seen (0 for authenticators that do not count).
    pub counter: u32,
    /// `singleDevice` or `multiDevice` (backup-eligible: a synced passkey). Never changes.
    pub device_type: String,
    /// Whether the credential was backed up when last used.
    pub backed_up: bool,
    /// The transports the browser reported, comma-separated (`internal,hybrid`).
    pub transports: Option<String>,
    /// The user handle (`user.id`) the credential was made with, in base64url.
    pub user_handle: String,
    /// The name its owner gave it.
    pub name: String,
    /// When it was registered.
    pub created_at: Timestamp,
    /// When it last signed in.
    pub last_used_at: Option<Timestamp>,
}

impl Authenticator {
    /// A new passkey of `user_id`, counted from `counter`, added at `created_at`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        credential_id: String,
        user_id: String,
        public_key: String,
        counter: u32,
        multi_device: bool,
        backed_up: bool,
        transports: Option<String>,
        user_handle: String,
        name: String,
        created_at: Timestamp,
    ) -> Self {
        Self {
            credential_id,
            user_id,
            public_key,
            counter,
            device_type: if multi_device {
                MULTI_DEVICE
            } else {
                SINGLE_DEVICE
            }
            .to_owned(),
            backed_up,
            transports,
            user_handle,
            name,
            created_at,
            last_used_at: None,
        }
    }

    /// Whether the credential is backup-eligible (a synced passkey).
    pub fn is_multi_device(&self) -> bool {
        self.device_type == MULTI_DEVICE
    }
}

/// The `device_type` of a backup-eligible credential.
pub const MULTI_DEVICE: &str = "multiDevice";
/// The `device_type` of a credential bound to one authenticator.
pub const SINGLE_DEVICE: &str = "singleDevice";

/// What a sign-in with a passkey changes: [`Adapter::use_authenticator`](super::Adapter::use_authenticator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthenticatorUse {
    /// The counter the authenticator reported.
    pub counter: u32,
    /// Whether it reported the credential backed up.
    pub backed_up: bool,
    /// When.
    pub at: Timestamp,
}

impl AuthenticatorUse {
    /// A use at `at` with this counter and backup state.
    pub fn new(counter: u32, backed_up: bool, at: Timestamp) -> Self {
        Self {
            counter,
            backed_up,
            at,
        }
    }
}
