//! The session object that `/session` returns and the `Session` extractor hands to handlers.

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
