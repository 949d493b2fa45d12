//! The `email-password` provider: email-and-password accounts stored through the adapter.
//! It is a credentials provider whose `authorize` looks the user up by normalised email and
//! verifies the stored argon2id hash, with the same work for unknown addresses, and rehashes
//! after a successful sign-in when the hashing parameters changed.

use std::sync::Arc;

use async_trait::async_trait;

use super::{
    Authorize, AuthorizeError, CredentialField, CredentialFieldKind, Credentials,
    CredentialsProvider, RequestMeta,
};
use crate::adapter::Adapter;
use crate::email::normalize_email;
use crate::password::PasswordHashing;
use crate::user::User;

/// The provider id of email-and-password accounts.
pub const EMAIL_PASSWORD_PROVIDER_ID: &str = "email-password";

struct EmailPasswordAuthorize {
    adapter: Arc<dyn Adapter>,
    hashing: Arc<dyn PasswordHashing>,
    /// Whether a password signs in before its address is proven.
    allow_unverified: bool,
}

#[async_trait]
impl Authorize for EmailPasswordAuthorize {
    async fn authorize(
        &self,
        credentials: &Credentials,
        _request: &RequestMeta,
    ) -> Result<Option<User>, AuthorizeError> {
        let password = credentials.get("password").unwrap_or_default();
        let user = match credentials.get("email").map(normalize_email) {
            Some(Ok(email)) => self
                .adapter
                .get_user_by_email(&email)
                .await
                .map_err(backend)?,
            _ => None,
        };
        let stored = match &user {
            Some(user) => self
                .adapter
                .get_password_hash(&user.id)
                .await
                .map_err(backend)?,
            None => None,
        };
        // One full verification whatever was found: against the dummy hash when there is no
        // user or no password.
        if !self.hashing.verify(password, stored.as_deref()).await {
            return Ok(None);
        }
        let (Some(user), Some(stored)) = (user, stored) else {
            return Ok(None);
        };
        // An address is not an identity until it is proven: until then the right password
        // gets the same answer, after the same work, as a wrong one.
        if user.email_verified.is_none() && !self.allow_unverified {
            tracing::info!(user = %user.id, "password sign-in refused: the address is not proven");
            return Ok(None);
        }
        if self.hashing.needs_rehash(&stored) {
            match self.hashing.hash(password).await {
                Ok(rehashed) => {
                    if let Err(error) = self
                        .adapter
                        .set_password_hash(&user.id, Some(&rehashed))
                        .await
                    {
                        tracing::warn!(%error, user = %user.id, "could not store a rehashed password");
                    }
                }
                Err(error) => tracing::warn!(%error, "could not rehash a password"),
            }
        }
        Ok(Some(user.into()))
    }
}

fn backend(error: crate::adapter::AdapterError) -> AuthorizeError {
    AuthorizeError(error.to_string())
}

/// The provider for email-and-password accounts.
pub(crate) fn provider(
    adapter: Arc<dyn Adapter>,
    hashing: Arc<dyn PasswordHashing>,
    allow_unverified: bool,
) -> CredentialsProvider {
    CredentialsProvider::new(EmailPasswordAuthorize {
        adapter,
        hashing,
        allow_unverified,
    })
    .with_id(EMAIL_PASSWORD_PROVIDER_ID)
    .with_name("Password")
    .with_fields(vec![
        CredentialField::new("email", "Email", CredentialFieldKind::Email)
            .with_placeholder("you@example.com"),
        CredentialField::new("password", "Password", CredentialFieldKind::Password),
    ])
}
