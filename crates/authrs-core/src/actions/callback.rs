//! `/callback/:provider`: where a sign-in completes. Credentials post here (CSRF-checked).

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::{Map, Value};

use super::{Ctx, unsupported};
use crate::callbacks::{JwtArgs, SignInArgs, SignInDecision};
use crate::config::SessionStrategy;
use crate::error::Error;
use crate::jwt::Claims;
use crate::providers::{AuthorizeError, Credentials, CredentialsProvider, Provider, RequestMeta};
use crate::session::SessionTrigger;
use crate::user::{Account, ProviderType, User};

fn find<'a>(ctx: &Ctx<'a>) -> Option<&'a Provider> {
    let id = ctx.provider_id?;
    ctx.inner.providers.iter().find(|p| p.id() == id)
}

/// `POST /callback/:provider`.
pub(crate) async fn post(ctx: Ctx<'_>) -> Response<Bytes> {
    match find(&ctx) {
        Some(Provider::Credentials(provider)) => credentials(ctx, provider).await,
        Some(Provider::Email(provider)) => super::email::callback_post(ctx, provider).await,
        Some(Provider::OAuth(provider)) => super::oauth::callback(ctx, provider).await,
        None => unknown(ctx),
    }
}

/// `GET /callback/:provider`. Credentials only take POST.
pub(crate) async fn get(ctx: Ctx<'_>) -> Response<Bytes> {
    match find(&ctx) {
        Some(Provider::Email(provider)) => super::email::callback_get(ctx, provider).await,
        Some(Provider::OAuth(provider)) => super::oauth::callback(ctx, provider).await,
        Some(Provider::Credentials(_)) => {
            let mut response = super::plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "Credentials sign-in takes a POST.",
            );
            response
                .headers_mut()
                .insert(http::header::ALLOW, http::HeaderValue::from_static("POST"));
            response
        }
        None => unknown(ctx),
    }
}

fn unknown(ctx: Ctx<'_>) -> Response<Bytes> {
    if ctx.is_v5() {
        let id = ctx.provider_id.unwrap_or_default().to_owned();
        ctx.fail(Error::UnknownProvider(id))
    } else {
        unsupported(ctx.inner, ctx.method)
    }
}

async fn credentials(mut ctx: Ctx<'_>, provider: &CredentialsProvider) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let fields: BTreeMap<String, String> = ctx
        .body
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .collect();
    let credentials = Credentials::new(fields);
    let meta = RequestMeta {
        method: ctx.method.clone(),
        headers: ctx.headers.clone(),
        query: ctx.query.clone(),
    };
    // The throttle counts the attempt before any password is checked.
    let mut attempt = super::throttle::PasswordAttempt::new(
        ctx.limits(),
        ctx.inner.password_throttle,
        &provider.id,
        provider.account_key(&credentials),
    );
    if let Err(stop) = super::email::checked(attempt.count().await) {
        return stop.answer(ctx);
    }
    let user = match provider.authorize(&credentials, &meta).await {
        Ok(Some(user)) if !user.id.is_empty() => {
            if let Err(error) = attempt.succeeded().await {
                return ctx.fail(error.into());
            }
            user
        }
        Ok(Some(_)) => {
            let error = AuthorizeError("authorize returned a user with an empty id".into());
            return ctx.fail(error.into());
        }
        Ok(None) => return ctx.fail(Error::CredentialsSignin),
        Err(error) => return ctx.fail(error.into()),
    };
    let account = Account {
        provider: provider.id.clone(),
        provider_type: ProviderType::Credentials,
        provider_account_id: user.id.clone(),
    };
    let signing_in = SigningIn {
        user: &user,
        account: &account,
        credentials: Some(&credentials),
        is_new_user: false,
    };
    finish_sign_in(ctx, signing_in, callback_url).await
}

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
    match sign_in(&mut ctx, user, account, credentials).await {
        Ok(()) => {
            tracing::info!(
                provider = %account.provider,
                user = %user.id,
                new_user = is_new_user,
                "signed in"
            );
            let target = ctx.after_sign_in(callback_url, is_new_user);
            ctx.redirect(target, StatusCode::OK)
        }
        Err(SignInFailure::Redirect(url)) => {
            let url = ctx.validate(&url);
            ctx.redirect(url, StatusCode::OK)
        }
        Err(SignInFailure::Error(error)) => ctx.fail(error),
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

/// The common end of every sign-in: the `sign_in` callback, the token, the session cookie.
async fn sign_in(
    ctx: &mut Ctx<'_>,
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
    match ctx.inner.strategy {
        SessionStrategy::Jwt => {
            let mut claims = initial_claims(ctx, user, account).await?;
            ctx.issue_session_token(&mut claims);
        }
        SessionStrategy::Database => ctx.start_database_session(&user.id).await?,
    }
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
    if ctx.inner.revocable_jwt {
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
