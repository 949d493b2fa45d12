//! The end of every sign-in, for every provider (credentials, email, OAuth, and our account
//! routes' proofs): the `sign_in` callback, the session (a token or a database row), and the
//! redirect. The endpoints that sign someone in call [`finish_sign_in`]; it calls none of them.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::{Map, Value};

use super::Ctx;
use crate::audit::AuditKind;
use crate::callbacks::{JwtArgs, SignInArgs, SignInDecision};
use crate::error::Error;
use crate::inner::SessionStore;
use crate::jwt::Claims;
use crate::providers::Credentials;
use crate::session::SessionTrigger;
use crate::user::{Account, User};

/// Who is signing in, with what.
pub(crate) struct SigningIn<'a> {
    pub(crate) user: &'a User,
    pub(crate) account: &'a Account,
    pub(crate) credentials: Option<&'a Credentials>,
    /// The sign-in created the user (the `new_user` page comes first).
    pub(crate) is_new_user: bool,
}

/// The end of every sign-in, for every provider: [`sign_in`], then the redirect to the
/// callback URL (or the `new_user` page for a new user), or the `sign_in` callback's redirect,
/// or the error.
pub(crate) async fn finish_sign_in(
    mut ctx: Ctx<'_>,
    signing_in: SigningIn<'_>,
    callback_url: String,
) -> Response<Bytes> {
    let SigningIn {
        user,
        account,
        credentials,
        is_new_user,
    } = signing_in;
    let signed_in = match sign_in_callback(&ctx, user, account, credentials).await {
        // A second factor comes between the first and the session.
        Ok(()) => match super::two_factor_gate::needed(&ctx, user, account).await {
            Ok(Some(needed)) => {
                return super::two_factor_gate::ask(
                    ctx,
                    user,
                    account,
                    callback_url,
                    is_new_user,
                    needed,
                );
            }
            Ok(None) => start_session(&mut ctx, user, account, is_new_user)
                .await
                .map_err(SignInFailure::Error),
            Err(error) => Err(SignInFailure::Error(error)),
        },
        Err(failure) => Err(failure),
    };
    match signed_in {
        Ok(()) => {
            crate::telemetry::sign_in(&account.provider, "success");
            let event = (ctx.audit_event(AuditKind::SignIn))
                .user(&user.id)
                .provider(&account.provider);
            audit_sign_in(&ctx, account, event).await;
            let target = ctx.after_sign_in(callback_url, is_new_user);
            ctx.redirect(target, StatusCode::OK)
        }
        Err(SignInFailure::Redirect(url)) => {
            // The app's `sign_in` callback turned it away to a page of its own.
            ctx.count_sign_in("redirected");
            refused(&ctx, user, account, "Redirected").await;
            let url = ctx.validate(&url);
            ctx.redirect(url, StatusCode::OK)
        }
        Err(SignInFailure::Error(error)) => {
            if matches!(error, Error::AccessDenied) {
                refused(&ctx, user, account, error.code().as_str()).await;
            }
            ctx.fail(error)
        }
    }
}

/// The first factor was right and the app (its `sign_in` or `jwt` callback) turned the user
/// away: a failed sign-in of a known account.
async fn refused(ctx: &Ctx<'_>, user: &User, account: &Account, why: &str) {
    let event = (ctx.audit_event(AuditKind::SignInFailed))
        .user(&user.id)
        .provider(&account.provider)
        .detail(why);
    audit_sign_in(ctx, account, event).await;
}

/// Records a sign-in's event: stored for the adapter's users, logged only for those of a
/// credentials provider of the app's own (its user ids are the app's; audit rule 2).
async fn audit_sign_in(ctx: &Ctx<'_>, account: &Account, event: crate::audit::AuditEvent) {
    if ctx.is_apps_own(account) {
        super::audit::log(&event, None, false);
    } else {
        ctx.audit(event).await;
    }
}

/// Why [`sign_in`] did not sign in.
enum SignInFailure {
    Redirect(String),
    Error(Error),
}

impl From<Error> for SignInFailure {
    fn from(error: Error) -> Self {
        Self::Error(error)
    }
}

/// The app's `sign_in` callback: allowed, or turned away.
async fn sign_in_callback(
    ctx: &Ctx<'_>,
    user: &User,
    account: &Account,
    credentials: Option<&Credentials>,
) -> Result<(), SignInFailure> {
    let decision = ctx
        .inner
        .callbacks
        .sign_in(SignInArgs {
            user,
            account,
            credentials,
            verification_request: false,
        })
        .await
        .map_err(Error::SignInCallback)?;
    match decision {
        SignInDecision::Allow => {}
        SignInDecision::Deny => return Err(Error::AccessDenied.into()),
        SignInDecision::Redirect(url) => return Err(SignInFailure::Redirect(url)),
    }
    Ok(())
}

/// The common end of every sign-in: the token, or the database session, and its cookie.
pub(crate) async fn start_session(
    ctx: &mut Ctx<'_>,
    user: &User,
    account: &Account,
    is_new_user: bool,
) -> Result<(), Error> {
    let inner = ctx.inner;
    match &inner.sessions {
        SessionStore::Jwt { .. } => {
            let mut claims = match initial_claims(ctx, user, account).await {
                Ok(claims) => claims,
                Err(SignInFailure::Error(error)) => return Err(error),
                Err(SignInFailure::Redirect(_)) => return Err(Error::AccessDenied),
            };
            ctx.issue_session_token(&mut claims);
        }
        SessionStore::Database(adapter) => {
            ctx.start_database_session(adapter.as_ref(), &user.id)
                .await?
        }
    }
    // A new account's passkey, waiting for this proof of its address (with two-step sign-in,
    // past the second step too): stored once the session exists, and only for the account
    // this proof created. Any other sign-in in this browser drops it.
    // The session exists by now: a failure here is logged, and the user adds a passkey later.
    #[cfg(feature = "passkey")]
    if let Err(error) = super::passkey_store::attach_waiting(ctx, user, account, is_new_user).await
    {
        crate::telemetry::error(&error);
        tracing::warn!(
            error = error.to_string().as_str(),
            "a new account's waiting passkey could not be stored"
        );
    }
    #[cfg(not(feature = "passkey"))]
    let _ = is_new_user;
    Ok(())
}

/// The token of a new JWT session: `{name, email, picture, sub}` through the `jwt` callback
/// (`None` from it refuses the sign-in).
async fn initial_claims(
    ctx: &Ctx<'_>,
    user: &User,
    account: &Account,
) -> Result<Claims, SignInFailure> {
    let mut token = Map::new();
    let mut put = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            token.insert(name.to_owned(), Value::String(value.clone()));
        }
    };
    put("name", &user.name);
    put("email", &user.email);
    put("picture", &user.image);
    token.insert("sub".into(), Value::String(user.id.clone()));
    // When this sign-in happened, in seconds with millisecond precision (a NumericDate may be
    // fractional); `iat` moves on every read, this does not. Revocable JWT sessions compare it
    // with the user's "sessions valid after" stamp.
    token.insert("auth_time".into(), Value::from(ctx.now_ms as f64 / 1000.0));
    // With revocable JWT sessions, each session has an id of its own, so that signing out
    // ends this session, copies of its cookie included.
    if ctx.inner.sessions.revocation().is_some() {
        token.insert(
            "sid".into(),
            Value::String(crate::secret::random_hex::<16>()),
        );
    }
    let claims = ctx
        .inner
        .callbacks
        .jwt(JwtArgs {
            token,
            user: Some(user),
            account: Some(account),
            trigger: Some(SessionTrigger::SignIn),
            session: None,
        })
        .await
        .map_err(Error::from)?;
    claims.ok_or_else(|| Error::AccessDenied.into())
}
