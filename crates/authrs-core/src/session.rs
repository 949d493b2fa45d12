//! The session object that `/session` returns and the `Session` extractor hands to handlers.

pub use authrs_types::{Session, SessionUser};

/// What the `jwt` and `session` callbacks are told about why they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTrigger {
    /// A sign-in just happened.
    SignIn,
    /// A sign-in created a new user.
    SignUp,
    /// The client posted an update to `/session`.
    Update,
}

impl SessionTrigger {
    /// NextAuth's name for the trigger.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "signIn",
            Self::SignUp => "signUp",
            Self::Update => "update",
        }
    }
}

/// The outcome of reading a session cookie.
#[derive(Clone)]
pub(crate) enum Resolved {
    /// No such session: the token does not decrypt, has expired, is not a session token, or
    /// names no stored session.
    Invalid,
    /// The `jwt` callback ended the session.
    Ended,
    /// A live JWT session, with the claims to re-encode.
    Jwt {
        session: Session,
        claims: crate::jwt::Claims,
    },
    /// A live database session (its cookie value stays as it is).
    Database { session: Session },
}
