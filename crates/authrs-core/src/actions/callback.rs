//! `/callback/:provider`: where a sign-in completes. Credentials post here (CSRF-checked).

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::complete::{SigningIn, finish_sign_in};
use super::{Ctx, unsupported};
use crate::audit::AuditKind;
use crate::error::{Error, ErrorCode};
use crate::inner::Mounted;
use crate::providers::{AuthorizeError, Credentials, CredentialsProvider, RequestMeta};
use crate::user::{Account, ProviderType};

fn find<'a>(ctx: &Ctx<'a>) -> Option<&'a Mounted> {
    ctx.inner.provider(ctx.provider_id?)
}

/// `POST /callback/:provider`.
pub(crate) async fn post(ctx: Ctx<'_>) -> Response<Bytes> {
    match find(&ctx) {
        Some(Mounted::Credentials(provider)) => credentials(ctx, provider).await,
        #[cfg(feature = "email")]
        Some(Mounted::Email(provider, adapter)) => {
            super::email::callback_post(ctx, provider, adapter.as_ref()).await
        }
        #[cfg(feature = "oauth")]
        Some(Mounted::OAuth(provider, runtime)) => {
            super::oauth::callback(ctx, provider, runtime).await
        }
        #[cfg(feature = "passkey")]
        Some(Mounted::Passkey(runtime)) => super::passkey::callback(ctx, runtime).await,
        None => unknown(ctx),
    }
}

/// `GET /webauthn-options/:provider`: a passkey provider's ceremony options.
#[cfg(feature = "passkey")]
pub(crate) async fn webauthn_options(ctx: Ctx<'_>) -> Response<Bytes> {
    match find(&ctx) {
        Some(Mounted::Passkey(runtime)) => super::passkey::options(ctx, runtime).await,
        _ => unknown(ctx),
    }
}

/// `GET /callback/:provider`. Credentials only take POST.
pub(crate) async fn get(ctx: Ctx<'_>) -> Response<Bytes> {
    match find(&ctx) {
        #[cfg(feature = "email")]
        Some(Mounted::Email(provider, adapter)) => {
            super::email::callback_get(ctx, provider, adapter.as_ref()).await
        }
        #[cfg(feature = "oauth")]
        Some(Mounted::OAuth(provider, runtime)) => {
            super::oauth::callback(ctx, provider, runtime).await
        }
        #[cfg(feature = "passkey")]
        Some(Mounted::Passkey(_)) => {
            let mut response = super::plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "Passkey sign-in takes a POST.",
            );
            response
                .headers_mut()
                .insert(http::header::ALLOW, http::HeaderValue::from_static("POST"));
            response
        }
        Some(Mounted::Credentials(_)) => {
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
    if let Err(stop) = super::throttle::checked(attempt.count().await) {
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
        Ok(None) => {
            // Email-and-password accounts are the adapter's users, found by address; any
            // other credentials provider's users are the app's own.
            let account_key = provider.account_key(&credentials);
            let address = account_key.filter(|_| ctx.is_email_password(&provider.id));
            let event = (ctx.audit_event(AuditKind::SignInFailed))
                .provider(&provider.id)
                .detail(ErrorCode::CredentialsSignin.as_str());
            ctx.audit_failure_for(address, event);
            return ctx.fail(Error::CredentialsSignin);
        }
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
