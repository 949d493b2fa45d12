//! The session object that `/session` returns and the `Session` extractor hands to handlers.

pub use authrs_types::{Session, SessionUser};

/// What the `jwt` and `session` callbacks are told about why they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
