//! Users and accounts as the callbacks and providers see them.

use serde::{Deserialize, Serialize};

/// A signed-in user: what a provider's `authorize` or profile mapping returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Stable identifier; it becomes the token's `sub`. Must not be empty.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl User {
    /// A user with only an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the email address.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the avatar URL.
    pub fn with_image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }
}

/// The kind of provider an account came from (the `type` of `/providers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ProviderType {
    /// Username or email plus password, checked by an `authorize` hook.
    Credentials,
    /// Passwordless email links.
    Email,
    /// OAuth 2.0.
    Oauth,
    /// OpenID Connect.
    Oidc,
    /// Passkeys (WebAuthn), Auth.js's `webauthn` type.
    WebAuthn,
}

impl ProviderType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Credentials => "credentials",
            Self::Email => "email",
            Self::Oauth => "oauth",
            Self::Oidc => "oidc",
            Self::WebAuthn => "webauthn",
        }
    }

    /// The kind a wire name stands for.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Credentials,
            Self::Email,
            Self::Oauth,
            Self::Oidc,
            Self::WebAuthn,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// The account a sign-in used: which provider, and the user's id there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Provider id, e.g. `credentials` or `google`.
    pub provider: String,
    /// Provider kind.
    #[serde(rename = "type")]
    pub provider_type: ProviderType,
    /// The user's id at the provider.
    #[serde(rename = "providerAccountId")]
    pub provider_account_id: String,
}
