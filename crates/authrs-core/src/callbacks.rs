//! Callbacks: the app's hooks into sign-in, redirects, tokens and sessions, with NextAuth's
//! semantics (§8 of the protocol).
//!
//! Every method has NextAuth's default, so an app overrides only what it needs. They are async
//! and fallible: an `Err` is logged once and answered with a generic error, never shown.

use async_trait::async_trait;
use serde_json::Value;

use crate::jwt::Claims;
use crate::session::{Session, SessionTrigger};
use crate::user::{Account, User};

/// An error from an app callback or hook. Its message is logged, never sent to the client.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CallbackError {
    message: String,
}

impl CallbackError {
    /// An error with a message for the server log.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// What the `sign_in` callback decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignInDecision {
    /// Continue the sign-in.
    Allow,
    /// Refuse it: the client gets `AccessDenied`.
    Deny,
    /// Refuse it and send the browser here (still subject to the callback-URL rules).
    Redirect(String),
}

/// Arguments of [`Callbacks::sign_in`].
#[derive(Debug)]
pub struct SignInArgs<'a> {
    /// The user the provider vouched for.
    pub user: &'a User,
    /// The account used.
    pub account: &'a Account,
    /// For credentials sign-ins: the submitted form fields (passwords included; never log them).
    pub credentials: Option<&'a crate::providers::Credentials>,
    /// Email sign-in asks twice: `true` before the mail is sent (NextAuth's
    /// `email.verificationRequest`; the user may be a placeholder not stored yet), `false`
    /// when the link or code comes back.
    pub verification_request: bool,
}

/// Arguments of [`Callbacks::redirect`].
#[derive(Debug)]
pub struct RedirectArgs<'a> {
    /// The requested target, already resolved to an absolute URL.
    pub url: &'a str,
    /// The site origin, NextAuth's `baseUrl`.
    pub base_url: &'a str,
}

/// Arguments of [`Callbacks::jwt`].
#[derive(Debug)]
pub struct JwtArgs<'a> {
    /// The token so far. At sign-in: `{name, email, picture, sub}`.
    pub token: Claims,
    /// At sign-in: the user.
    pub user: Option<&'a User>,
    /// At sign-in: the account.
    pub account: Option<&'a Account>,
    /// Why the callback runs; `None` on an ordinary session read.
    pub trigger: Option<SessionTrigger>,
    /// With [`SessionTrigger::Update`]: the `data` the client posted.
    pub session: Option<&'a Value>,
}

/// Arguments of [`Callbacks::session`].
#[derive(Debug)]
pub struct SessionArgs<'a> {
    /// The default session built from the token or the database row.
    pub session: Session,
    /// JWT sessions: the decoded token (after the `jwt` callback).
    pub token: Option<&'a Claims>,
    /// Database sessions: the stored user.
    pub user: Option<&'a User>,
    /// With [`SessionTrigger::Update`]: the `data` the client posted.
    pub new_session: Option<&'a Value>,
    /// Why the callback runs; `None` on an ordinary session read.
    pub trigger: Option<SessionTrigger>,
}

/// The app's callbacks. Implement the ones you need; the rest keep NextAuth's defaults.
#[async_trait]
pub trait Callbacks: Send + Sync + 'static {
    /// Whether a user may sign in. Default: allow.
    async fn sign_in(&self, _args: SignInArgs<'_>) -> Result<SignInDecision, CallbackError> {
        Ok(SignInDecision::Allow)
    }

    /// Where to send the browser after sign-in or sign-out. Default: the requested URL.
    ///
    /// Whatever this returns still goes through the callback-URL validator, so it can rewrite a
    /// target but cannot open a redirect to an untrusted origin.
    async fn redirect(&self, args: RedirectArgs<'_>) -> Result<String, CallbackError> {
        Ok(args.url.to_owned())
    }

    /// Shapes the token at sign-in and on every session read. Return `None` to end the session.
    /// Default: the token unchanged.
    async fn jwt(&self, args: JwtArgs<'_>) -> Result<Option<Claims>, CallbackError> {
        Ok(Some(args.token))
    }

    /// Shapes the session object sent to the client. Default: unchanged
    /// (`user.{name, email, image}` and `expires`).
    async fn session(&self, args: SessionArgs<'_>) -> Result<Session, CallbackError> {
        Ok(args.session)
    }
}

/// NextAuth's defaults for every callback.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultCallbacks;

impl Callbacks for DefaultCallbacks {}
