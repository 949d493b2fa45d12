//! The types the authrs engine and its clients share on the wire: the [`Session`] that
//! `/session` returns, the public [`ErrorCode`]s of `?error=`, and the [`seed`] a server
//! writes into a page. Small on purpose (serde and
//! `http` only), so a client, in the browser too, needs nothing of the engine.
#![forbid(unsafe_code)]

pub mod seed;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The user part of a session: NextAuth's `session.user`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Anything the `session` callback added under `user`.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A session as the client sees it: `{"user": {...}, "expires": "…"}` plus whatever the
/// `session` callback adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The signed-in user.
    pub user: SessionUser,
    /// When the session expires, as `YYYY-MM-DDTHH:mm:ss.sssZ`.
    pub expires: String,
    /// Anything the `session` callback added at the top level.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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
    /// A profile's name or picture is not accepted (our account routes).
    InvalidProfile,
    /// The session to end is not one of the user's, or has ended (our account routes).
    UnknownSession,
    /// With JWT sessions, sessions are not listed or ended one by one; sign out everywhere
    /// ends them all (our account routes).
    SessionsNotListed,
    /// The first factor was right and the account has two-factor sign-in: no session until
    /// the second step (`/two-factor`) succeeds.
    TwoFactorRequired,
    /// A passkey ceremony's answer was refused: a wrong or spent challenge, origin or RP id,
    /// an unknown credential, a bad signature, a counter that did not grow (Auth.js's name).
    WebAuthnVerificationError,
    /// Anything else.
    Default,
}

impl ErrorCode {
    const ALL: [Self; 24] = [
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
        Self::InvalidProfile,
        Self::UnknownSession,
        Self::SessionsNotListed,
        Self::TwoFactorRequired,
        Self::WebAuthnVerificationError,
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
            Self::InvalidProfile => "InvalidProfile",
            Self::UnknownSession => "UnknownSession",
            Self::SessionsNotListed => "SessionsNotListed",
            Self::TwoFactorRequired => "TwoFactorRequired",
            Self::WebAuthnVerificationError => "WebAuthnVerificationError",
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
                | Self::WebAuthnVerificationError
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
}
