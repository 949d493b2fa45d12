//! Proofs that someone holds an address: spending an emailed link or code (any secret,
//! newest first), and [`prove_ownership`], the one clean-up after every proof. The email
//! provider's sign-in, sign-up verification and password resets all go through here.

use crate::adapter::{Adapter, AdapterError, AdapterUser, Timestamp, VerificationToken};
use crate::error::Error;
use crate::secret::sha256_hex;

/// The stored hash of a link token (§4.5: `sha256(token + secret)`).
pub(crate) fn link_hash(token: &str, secret: &str) -> String {
    sha256_hex(&format!("{token}{secret}"))
}

/// The stored hash of a one-time code (canonical form), kept apart from link hashes.
pub(crate) fn code_hash(code: &str, secret: &str) -> String {
    sha256_hex(&format!("code:{code}{secret}"))
}

/// What proves the address: the link's token or a typed code.
pub(crate) enum Proof<'a> {
    Link(&'a str),
    Code(String),
}

/// Spends the stored hash of `proof` under `identifier`, trying every secret, newest first,
/// so mails sent before a rotation still work. `None`: no such token (or already spent).
pub(crate) async fn spend_proof(
    secrets: &[crate::secret::Secret],
    adapter: &dyn Adapter,
    identifier: &str,
    proof: &Proof<'_>,
) -> Result<Option<VerificationToken>, AdapterError> {
    for secret in secrets {
        let token_hash = match proof {
            Proof::Link(token) => link_hash(token, secret.expose()),
            Proof::Code(code) => code_hash(code, secret.expose()),
        };
        if let Some(token) = adapter
            .use_verification_token(identifier, &token_hash)
            .await?
        {
            return Ok(Some(token));
        }
    }
    Ok(None)
}

/// Which proof of ownership [`prove_ownership`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnershipProof {
    /// An email-provider link or code.
    EmailSignIn,
    /// The link or code of a sign-up: the password chosen with it stays.
    VerifiedSignUp,
    /// A completed password reset (the caller sets the new password next).
    #[cfg(feature = "password")]
    PasswordReset,
}

/// The one clean-up after a proof of ownership of `user`'s address. On the first proof (the
/// row was unverified, so whoever typed the address made it) it removes what that party
/// attached: the password (unless this proof is the sign-up that set it), every linked
/// provider account, every session, including JWT sessions through the "valid after"
/// stamp at `stamp_at` (GHSA-qq9h-g4jm-xgf3), any two-factor enrolment and every passkey. On every proof it invalidates the user's
/// outstanding reset and verification links, and marks the address verified now.
pub(crate) async fn prove_ownership(
    adapter: &dyn Adapter,
    mut user: AdapterUser,
    proof: OwnershipProof,
    now: Timestamp,
    stamp_at: Timestamp,
) -> Result<AdapterUser, Error> {
    if user.email_verified.is_none() {
        if proof != OwnershipProof::VerifiedSignUp {
            adapter.set_password_hash(&user.id, None).await?;
        }
        let accounts = adapter.list_accounts(&user.id).await?;
        for account in &accounts {
            adapter
                .unlink_account(&account.provider, &account.provider_account_id)
                .await?;
        }
        let sessions = adapter.delete_user_sessions(&user.id).await?;
        adapter.set_sessions_valid_after(&user.id, stamp_at).await?;
        // A second factor enrolled before the proof is the other party's too: it would lock
        // the owner out of their own account.
        let two_factor = adapter.disable_two_factor(&user.id).await?;
        // So are passkeys made before it.
        let passkeys = adapter.list_authenticators(&user.id).await?;
        for passkey in &passkeys {
            adapter
                .delete_authenticator(&user.id, &passkey.credential_id)
                .await?;
        }
        tracing::warn!(
            user = %user.id,
            proof = ?proof,
            unlinked = accounts.len(),
            sessions,
            two_factor,
            passkeys = passkeys.len(),
            "first proof of ownership of an unverified address: what was attached before it \
             was removed"
        );
    }
    adapter
        .delete_verification_tokens(&reset_identifier(&user.id))
        .await?;
    adapter
        .delete_verification_tokens(&verify_identifier(&user.id))
        .await?;
    adapter
        .delete_verification_tokens(&binding_identifier(&user.id))
        .await?;
    user.email_verified = Some(now);
    Ok(adapter.update_user(user).await?)
}

/// What a reset link's token is stored under.
pub(crate) fn reset_identifier(user_id: &str) -> String {
    format!("password-reset:{user_id}")
}

/// What a sign-up's verification link and code are stored under.
pub(crate) fn verify_identifier(user_id: &str) -> String {
    format!("verify-email:{user_id}")
}

/// What a sign-up's browser binding is stored under.
pub(crate) fn binding_identifier(user_id: &str) -> String {
    format!("sign-up-browser:{user_id}")
}
