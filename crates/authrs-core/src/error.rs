//! Errors: the crate's one error enum, and the one place it is mapped to NextAuth's public
//! error codes (`?error=Configuration`, `AccessDenied`, `CredentialsSignin`, …).

use crate::adapter::AdapterError;
use crate::callbacks::CallbackError;
use crate::config::ConfigError;
use crate::providers::AuthorizeError;

/// Why an OAuth or OpenID Connect step failed (inside [`Error::OAuthSignin`] and
/// [`Error::OAuthCallback`]).
#[cfg(feature = "oauth")]
pub use crate::oauth::OAuthError;

pub use authrs_types::ErrorCode;

/// Everything that can go wrong while handling a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An app callback (`sign_in`, `redirect`, `jwt`, `session`) failed.
    #[error("callback failed: {0}")]
    Callback(#[from] CallbackError),
    /// A credentials provider's `authorize` hook failed (not: returned no user).
    #[error("authorize failed: {0}")]
    Authorize(#[from] AuthorizeError),
    /// The `sign_in` callback refused the user.
    #[error("the sign_in callback refused the sign-in")]
    AccessDenied,
    /// The `sign_in` callback failed; the sign-in fails closed as refused.
    #[error("the sign_in callback failed: {0}")]
    SignInCallback(CallbackError),
    /// `authorize` returned no user.
    #[error("the credentials were not accepted")]
    CredentialsSignin,
    /// A state-changing POST had no valid CSRF token.
    #[error("missing or mismatched CSRF token")]
    MissingCsrf,
    /// The request named a provider that is not configured, or of the wrong kind.
    #[error("no such provider for this action: {0:?}")]
    UnknownProvider(String),
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The adapter (database) failed.
    #[error("adapter: {0}")]
    Adapter(#[from] AdapterError),
    /// The address submitted for email sign-in does not pass the normalisation policy.
    #[error("the email address is not accepted")]
    InvalidEmailAddress,
    /// The sign-in mail could not be sent.
    #[error("the sign-in email could not be sent: {0}")]
    #[cfg(feature = "email")]
    EmailSend(#[from] crate::providers::EmailError),
    /// An email link or code was unknown, used, expired or for another address.
    #[error("email verification failed: {0}")]
    Verification(&'static str),
    /// The user proven by an email link could not be created.
    #[error("creating the user of an email sign-in failed: {0}")]
    EmailCreateAccount(AdapterError),
    /// The authorization request could not be made (discovery failed, say).
    #[cfg(feature = "oauth")]
    #[error("OAuth sign-in failed: {0}")]
    OAuthSignin(crate::oauth::OAuthError),
    /// The OAuth callback failed: a provider error, a failed check, the code exchange or the
    /// ID token.
    #[cfg(feature = "oauth")]
    #[error("OAuth callback failed: {0}")]
    OAuthCallback(crate::oauth::OAuthError),
    /// The user of a first OAuth sign-in could not be created.
    #[error("creating the user of an OAuth sign-in failed: {0}")]
    OAuthCreateAccount(AdapterError),
    /// The database failed while an OAuth callback linked or found the user (NextAuth's
    /// `Callback` error).
    #[error("the OAuth callback handler failed: {0}")]
    OAuthHandler(AdapterError),
    /// The provider account belongs to another user, or its address to a user who has not
    /// linked it.
    #[error("the account is not linked to this user")]
    OAuthAccountNotLinked,
    /// Database sessions need the signed-in user stored in the adapter; this one is not.
    #[error(
        "user {0:?} signed in but is not stored in the adapter: with database sessions, authorize must return users the adapter holds"
    )]
    UserNotInAdapter(String),
    /// Adding a way into the account needs a recent sign-in; the user signs in again.
    #[error("the sign-in is not recent enough to add a way in; sign in again")]
    StaleSignIn,
    /// A passkey ceremony's answer was refused (why, for the log).
    #[error("passkey refused: {0}")]
    Passkey(&'static str),
}

impl Error {
    /// The public code for this error: the only mapping from causes to what clients see.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Callback(_)
            | Self::Authorize(_)
            | Self::Config(_)
            | Self::UnknownProvider(_)
            | Self::Adapter(_)
            | Self::UserNotInAdapter(_) => ErrorCode::Configuration,
            Self::AccessDenied | Self::SignInCallback(_) => ErrorCode::AccessDenied,
            Self::CredentialsSignin => ErrorCode::CredentialsSignin,
            Self::MissingCsrf => ErrorCode::MissingCsrf,
            Self::InvalidEmailAddress => ErrorCode::EmailSignin,
            #[cfg(feature = "email")]
            Self::EmailSend(_) => ErrorCode::EmailSignin,
            Self::Verification(_) => ErrorCode::Verification,
            Self::EmailCreateAccount(_) => ErrorCode::EmailCreateAccount,
            #[cfg(feature = "oauth")]
            Self::OAuthSignin(_) => ErrorCode::OAuthSignin,
            #[cfg(feature = "oauth")]
            Self::OAuthCallback(_) => ErrorCode::OAuthCallback,
            Self::OAuthCreateAccount(_) => ErrorCode::OAuthCreateAccount,
            Self::OAuthAccountNotLinked => ErrorCode::OAuthAccountNotLinked,
            Self::OAuthHandler(_) => ErrorCode::Callback,
            Self::Passkey(_) => ErrorCode::WebAuthnVerificationError,
            Self::StaleSignIn => ErrorCode::SessionRequired,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_map_to_public_codes() {
        assert_eq!(Error::AccessDenied.code(), ErrorCode::AccessDenied);
        assert_eq!(
            Error::CredentialsSignin.code(),
            ErrorCode::CredentialsSignin
        );
        assert_eq!(
            Error::Authorize(AuthorizeError("db down".into())).code(),
            ErrorCode::Configuration
        );
    }
}
