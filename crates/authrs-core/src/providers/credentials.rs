//! The credentials provider: the app checks submitted fields in an async `authorize` hook.
//!
//! The hook must do the same work whether or not the account exists (for example, verify
//! against a dummy password hash for unknown users, as [`crate::password::PasswordHasher`]
//! does), so that response time does not reveal which accounts exist.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::user::User;

/// The submitted form fields of a credentials sign-in (NextAuth passes the whole body,
/// including `csrfToken` and `callbackUrl`). Its `Debug` output shows field names only.
#[derive(Clone, Default)]
pub struct Credentials(BTreeMap<String, String>);

impl Credentials {
    /// Wraps submitted fields.
    pub fn new(fields: BTreeMap<String, String>) -> Self {
        Self(fields)
    }

    /// One submitted field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every submitted field.
    pub fn fields(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// What `authorize` may know about the request besides the fields: method, headers and query,
/// NextAuth v4's `{query, body, headers, method}` minus the body.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The HTTP method.
    pub method: http::Method,
    /// The request headers.
    pub headers: http::HeaderMap,
    /// The query parameters, in order.
    pub query: Vec<(String, String)>,
}

/// An error inside `authorize` (a database outage, say). It is logged and the client gets
/// `Configuration`, which is distinct from wrong credentials.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AuthorizeError(pub String);

/// Checks submitted credentials. Return `Ok(None)` for wrong credentials.
#[async_trait]
pub trait Authorize: Send + Sync + 'static {
    /// Returns the user the credentials belong to, or `None`.
    async fn authorize(
        &self,
        credentials: &Credentials,
        request: &RequestMeta,
    ) -> Result<Option<User>, AuthorizeError>;
}

#[async_trait]
impl<F, Fut> Authorize for F
where
    F: Fn(Credentials, RequestMeta) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<User>, AuthorizeError>> + Send + 'static,
{
    async fn authorize(
        &self,
        credentials: &Credentials,
        request: &RequestMeta,
    ) -> Result<Option<User>, AuthorizeError> {
        self(credentials.clone(), request.clone()).await
    }
}

/// How a credential field is rendered on the built-in sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialFieldKind {
    /// `<input type="text">`.
    Text,
    /// `<input type="email">`.
    Email,
    /// `<input type="password">`.
    Password,
}

impl CredentialFieldKind {
    /// The HTML input type.
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Email => "email",
            Self::Password => "password",
        }
    }
}

/// One field of the sign-in form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialField {
    /// Form field name (the key in [`Credentials`]).
    pub name: String,
    /// Label shown to the user.
    pub label: String,
    /// Input type.
    pub kind: CredentialFieldKind,
    /// Optional placeholder text.
    pub placeholder: Option<String>,
}

impl CredentialField {
    /// A field with a name, a label and a kind.
    pub fn new(
        name: impl Into<String>,
        label: impl Into<String>,
        kind: CredentialFieldKind,
    ) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            kind,
            placeholder: None,
        }
    }

    /// Sets the placeholder.
    pub fn with_placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }
}

/// A credentials provider: its id, display name, form fields and `authorize` hook.
#[derive(Clone)]
pub struct CredentialsProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) fields: Vec<CredentialField>,
    /// The field that names the account, for the password throttle.
    pub(crate) account_field: Option<String>,
    pub(crate) authorize: Arc<dyn Authorize>,
}

impl fmt::Debug for CredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsProvider")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl CredentialsProvider {
    /// A provider with id `credentials`, name `Credentials`, and `username` + `password` fields.
    pub fn new(authorize: impl Authorize) -> Self {
        Self {
            id: "credentials".into(),
            name: "Credentials".into(),
            fields: vec![
                CredentialField::new("username", "Username", CredentialFieldKind::Text),
                CredentialField::new("password", "Password", CredentialFieldKind::Password),
            ],
            account_field: None,
            authorize: Arc::new(authorize),
        }
    }

    /// Sets the provider id (lowercase letters, digits, `-`, `_`).
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Replaces the form fields.
    pub fn with_fields(mut self, fields: Vec<CredentialField>) -> Self {
        self.fields = fields;
        self
    }

    /// The form fields.
    pub fn fields(&self) -> &[CredentialField] {
        &self.fields
    }

    /// Which field names the account, for the engine's password throttle
    /// ([`crate::config::PasswordThrottle`]). Default: the first field that is not a password
    /// (`username`, `email`).
    pub fn with_account_field(mut self, name: impl Into<String>) -> Self {
        self.account_field = Some(name.into());
        self
    }

    /// The account a sign-in attempt is for, normalised (an email field through the one email
    /// policy, anything else trimmed and lowercased), or `None` when the field is empty.
    pub(crate) fn account_key(&self, credentials: &Credentials) -> Option<String> {
        let field = match &self.account_field {
            Some(name) => self.fields.iter().find(|f| &f.name == name),
            None => self
                .fields
                .iter()
                .find(|f| f.kind != CredentialFieldKind::Password),
        };
        let (name, kind) = match (field, &self.account_field) {
            (Some(field), _) => (field.name.as_str(), field.kind),
            (None, Some(name)) => (name.as_str(), CredentialFieldKind::Text),
            (None, None) => return None,
        };
        let value = credentials.get(name)?.trim();
        if value.is_empty() {
            return None;
        }
        let key = match kind {
            CredentialFieldKind::Email => {
                crate::email::normalize_email(value).unwrap_or_else(|_| value.to_lowercase())
            }
            _ => value.to_lowercase(),
        };
        Some(key)
    }

    /// Runs the `authorize` hook.
    pub async fn authorize(
        &self,
        credentials: &Credentials,
        request: &RequestMeta,
    ) -> Result<Option<User>, AuthorizeError> {
        self.authorize.authorize(credentials, request).await
    }
}
