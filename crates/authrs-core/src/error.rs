//! Errors: the crate's one error enum, and the one place it is mapped to NextAuth's public
//! error codes (`?error=Configuration`, `AccessDenied`, `CredentialsSignin`, …).

use crate::adapter::AdapterError;
use crate::callbacks::CallbackError;
use crate::config::ConfigError;
use crate::providers::AuthorizeError;

/// Everything that can go wrong while handling a request.
#[derive(Debug, thiserror::Error)]
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
    EmailSend(#[from] crate::providers::EmailError),
    /// An email link or code was unknown, used, expired or for another address.
    #[error("email verification failed: {0}")]
    Verification(&'static str),
    /// The user proven by an email link could not be created.
    #[error("creating the user of an email sign-in failed: {0}")]
    EmailCreateAccount(AdapterError),
    /// The authorization request could not be made (discovery failed, say).
    #[error("OAuth sign-in failed: {0}")]
    OAuthSignin(crate::oauth::OAuthError),
    /// The OAuth callback failed: a provider error, a failed check, the code exchange or the
    /// ID token.
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
            Self::InvalidEmailAddress | Self::EmailSend(_) => ErrorCode::EmailSignin,
            Self::Verification(_) => ErrorCode::Verification,
            Self::EmailCreateAccount(_) => ErrorCode::EmailCreateAccount,
            Self::OAuthSignin(_) => ErrorCode::OAuthSignin,
            Self::OAuthCallback(_) => ErrorCode::OAuthCallback,
            Self::OAuthCreateAccount(_) => ErrorCode::OAuthCreateAccount,
            Self::OAuthAccountNotLinked => ErrorCode::OAuthAccountNotLinked,
            Self::OAuthHandler(_) => ErrorCode::Callback,
        }
    }
}

/// NextAuth's public error codes, as they appear in `?error=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Server misconfiguration or an unexpected server error.
    Configuration,
    /// The `sign_in` callback refused the user.
    AccessDenied,
    /// An email link was missing, expired or already used.
    Verification,
    /// Generic sign-in failure.
    Signin,
    /// Building the OAuth authorization URL failed.
    OAuthSignin,
    /// The OAuth callback failed.
    OAuthCallback,
    /// Creating the user after OAuth failed.
    OAuthCreateAccount,
    /// Creating the user after an email link failed.
    EmailCreateAccount,
    /// Another error in a callback handler.
    Callback,
    /// The email belongs to a user who signed in with another provider.
    OAuthAccountNotLinked,
    /// Sending the email failed or the address was invalid.
    EmailSignin,
    /// The credentials were not accepted.
    CredentialsSignin,
    /// The page requires a session.
    SessionRequired,
    /// CSRF check failed (v5 name).
    MissingCsrf,
    /// The email address is not accepted (our account routes).
    InvalidEmail,
    /// The password is too short or too long (our account routes).
    PasswordPolicy,
    /// Too many requests: a rate limit was reached (answered with `Retry-After`).
    RateLimited,
    /// Unlinking this account would leave the user no way to sign in (our account routes).
    LastSignInMethod,
    /// Anything else.
    Default,
}

impl ErrorCode {
    const ALL: [Self; 19] = [
        Self::Configuration,
        Self::AccessDenied,
        Self::Verification,
        Self::Signin,
        Self::OAuthSignin,
        Self::OAuthCallback,
        Self::OAuthCreateAccount,
        Self::EmailCreateAccount,
        Self::Callback,
        Self::OAuthAccountNotLinked,
        Self::EmailSignin,
        Self::CredentialsSignin,
        Self::SessionRequired,
        Self::MissingCsrf,
        Self::InvalidEmail,
        Self::PasswordPolicy,
        Self::RateLimited,
        Self::LastSignInMethod,
        Self::Default,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Configuration => "Configuration",
            Self::AccessDenied => "AccessDenied",
            Self::Verification => "Verification",
            Self::Signin => "Signin",
            Self::OAuthSignin => "OAuthSignin",
            Self::OAuthCallback => "OAuthCallback",
            Self::OAuthCreateAccount => "OAuthCreateAccount",
            Self::EmailCreateAccount => "EmailCreateAccount",
            Self::Callback => "Callback",
            Self::OAuthAccountNotLinked => "OAuthAccountNotLinked",
            Self::EmailSignin => "EmailSignin",
            Self::CredentialsSignin => "CredentialsSignin",
            Self::SessionRequired => "SessionRequired",
            Self::MissingCsrf => "MissingCSRF",
            Self::InvalidEmail => "InvalidEmail",
            Self::PasswordPolicy => "PasswordPolicy",
            Self::RateLimited => "RateLimited",
            Self::LastSignInMethod => "LastSignInMethod",
            Self::Default => "default",
        }
    }

    /// Parses a code from a query parameter; unknown values become [`ErrorCode::Default`].
    /// Comparison ignores ASCII case, as next-auth v4 does.
    pub fn parse(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|code| code.as_str().eq_ignore_ascii_case(value))
            .unwrap_or(Self::Default)
    }

    /// The HTTP status of the error page for this code.
    pub fn page_status(self) -> http::StatusCode {
        match self {
            Self::Configuration => http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::AccessDenied | Self::Verification => http::StatusCode::FORBIDDEN,
            Self::RateLimited => http::StatusCode::TOO_MANY_REQUESTS,
            _ => http::StatusCode::OK,
        }
    }

    /// Whether v4 shows this error inline on the sign-in page instead of the error page.
    pub fn is_sign_in_page_error(self) -> bool {
        matches!(
            self,
            Self::Signin
                | Self::OAuthSignin
                | Self::OAuthCallback
                | Self::OAuthCreateAccount
                | Self::EmailCreateAccount
                | Self::Callback
                | Self::OAuthAccountNotLinked
                | Self::EmailSignin
                | Self::CredentialsSignin
                | Self::SessionRequired
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_is_default() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), code);
        }
        assert_eq!(ErrorCode::parse("accessdenied"), ErrorCode::AccessDenied);
        assert_eq!(ErrorCode::parse("<script>"), ErrorCode::Default);
    }

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
