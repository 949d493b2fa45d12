//! Sign-in providers, as runtime data: one enum of kinds.

mod credentials;
#[cfg(feature = "email")]
pub(crate) mod email;
#[cfg(feature = "password")]
pub(crate) mod email_password;
#[cfg(feature = "oauth")]
pub mod oauth;
#[cfg(feature = "passkey")]
pub mod passkey;
#[cfg(feature = "oauth")]
pub mod presets;

pub use credentials::{
    Authorize, AuthorizeError, CredentialField, CredentialFieldKind, Credentials,
    CredentialsProvider, RequestMeta,
};

#[cfg(feature = "email")]
pub use email::{
    DefaultEmailTemplate, EMAIL_PROVIDER_ID, EmailContent, EmailDetails, EmailError, EmailLinkMode,
    EmailMessage, EmailProvider, EmailPurpose, EmailRateLimits, EmailTemplate, EmailTransport,
};
#[cfg(feature = "password")]
pub use email_password::EMAIL_PASSWORD_PROVIDER_ID;
#[cfg(feature = "oauth")]
pub use oauth::{Checks, ClientAuth, OAuthKind, OAuthProvider, ProfileMap, Quirks};
#[cfg(feature = "passkey")]
pub use passkey::{PASSKEY_PROVIDER_ID, PasskeyProvider, UserVerification};

use crate::user::ProviderType;

/// A configured sign-in method.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Provider {
    /// Username or email plus password.
    Credentials(CredentialsProvider),
    /// Passwordless sign-in by email.
    #[cfg(feature = "email")]
    Email(EmailProvider),
    /// OAuth 2.0 or OpenID Connect (boxed: it is the largest by far).
    #[cfg(feature = "oauth")]
    OAuth(Box<OAuthProvider>),
    /// Passkeys (WebAuthn).
    #[cfg(feature = "passkey")]
    Passkey(Box<PasskeyProvider>),
}

impl Provider {
    /// The provider id used in URLs (`/signin/<id>`, `/callback/<id>`).
    pub fn id(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.id,
            #[cfg(feature = "email")]
            Self::Email(p) => &p.id,
            #[cfg(feature = "oauth")]
            Self::OAuth(p) => &p.id,
            #[cfg(feature = "passkey")]
            Self::Passkey(p) => &p.id,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Self::Credentials(p) => &p.name,
            #[cfg(feature = "email")]
            Self::Email(p) => &p.name,
            #[cfg(feature = "oauth")]
            Self::OAuth(p) => &p.name,
            #[cfg(feature = "passkey")]
            Self::Passkey(p) => &p.name,
        }
    }

    /// The provider kind.
    pub fn provider_type(&self) -> ProviderType {
        match self {
            Self::Credentials(_) => ProviderType::Credentials,
            #[cfg(feature = "email")]
            Self::Email(_) => ProviderType::Email,
            #[cfg(feature = "oauth")]
            Self::OAuth(p) => p.provider_type(),
            #[cfg(feature = "passkey")]
            Self::Passkey(_) => ProviderType::WebAuthn,
        }
    }
}

impl From<CredentialsProvider> for Provider {
    fn from(provider: CredentialsProvider) -> Self {
        Self::Credentials(provider)
    }
}

#[cfg(feature = "oauth")]
impl From<OAuthProvider> for Provider {
    fn from(provider: OAuthProvider) -> Self {
        Self::OAuth(Box::new(provider))
    }
}

#[cfg(feature = "passkey")]
impl From<PasskeyProvider> for Provider {
    fn from(provider: PasskeyProvider) -> Self {
        Self::Passkey(Box::new(provider))
    }
}

#[cfg(feature = "email")]
impl From<EmailProvider> for Provider {
    fn from(provider: EmailProvider) -> Self {
        Self::Email(provider)
    }
}

/// Whether a provider id is accepted: 1 to 64 of `a-z`, `0-9`, `-` and `_` (safe in a URL
/// path and a cookie salt).
pub fn valid_provider_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
