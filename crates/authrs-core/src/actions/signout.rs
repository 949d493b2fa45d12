//! `GET /signout` (confirmation page) and `POST /signout`.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::audit::AuditKind;
use crate::error::Error;
use crate::inner::SessionStore;
use crate::pages;
use crate::secret::sha256_hex;

/// `GET /signout`: the confirmation page, or a redirect to a custom one. A `callbackUrl` query
/// parameter is remembered in the callback-url cookie for the POST that follows.
pub(crate) async fn page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if let Some(custom) = ctx.inner.pages.sign_out.clone() {
        return ctx.redirect(custom, StatusCode::OK);
    }
    if let Err(error) = ctx.callback_url().await {
        return ctx.fail(error);
    }
    let csrf_token = ctx.csrf_token();
    let markup = pages::sign_out(ctx.look(), &ctx.base_url, &csrf_token);
    ctx.html(StatusCode::OK, markup)
}

/// With revocable JWT sessions, puts the signed-out session's id on the deny-list for as long
/// as any copy of its cookie could live (each read re-issues it for `max_age` from then).
pub(crate) async fn deny_jwt_session(ctx: &Ctx<'_>) -> Result<(), Error> {
    let inner = ctx.inner;
    let Some(adapter) = inner.sessions.revocation() else {
        return Ok(());
    };
    let Some(token) = ctx.cookies.chunked(&inner.cookie_names.session_token) else {
        return Ok(());
    };
    let Ok(claims) = inner.session_codec.decode(&token, ctx.now_secs()) else {
        return Ok(());
    };
    let Some(serde_json::Value::String(sid)) = claims.get("sid") else {
        return Ok(());
    };
    let expires = crate::adapter::Timestamp::from_millis(ctx.now_ms).plus_secs(inner.max_age_secs);
    adapter
        .create_verification_token(crate::adapter::VerificationToken {
            identifier: super::session::SIGNED_OUT_SESSION.to_owned(),
            token_hash: sha256_hex(sid),
            expires,
        })
        .await?;
    Ok(())
}

/// `POST /signout`: CSRF-checked; deletes the database session (database strategy) and every
/// chunk of the session cookie, and redirects to the validated callback URL.
pub(crate) async fn post(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let token = ctx.cookies.chunked(&ctx.inner.cookie_names.session_token);
    let mut user_id = None;
    match (&ctx.inner.sessions, &token) {
        (SessionStore::Database(adapter), Some(token)) => {
            // If the row cannot be deleted the session is still valid: say so rather than
            // only clearing this browser's cookie.
            match adapter.delete_session(&sha256_hex(token)).await {
                Ok(ended) => user_id = ended.map(|session| session.user_id),
                Err(error) => return ctx.fail(error.into()),
            }
        }
        (SessionStore::Jwt { .. }, Some(_)) => {
            // Only a session that still counts: a revoked token (signed out before, or from
            // before a password change) signs out of nothing and records nothing.
            user_id = match super::session::current_user_id(&ctx).await {
                Ok(user_id) => user_id,
                Err(error) => {
                    crate::telemetry::error(&error);
                    let error = error.to_string();
                    tracing::warn!(error = error.as_str(), "sign-out: the session was not read");
                    None
                }
            };
            // A JWT's subject is the adapter's user only when the adapter has a user by that
            // id (a credentials provider of the app's own has users of its own): logged only.
            if let (Some(adapter), Some(id)) = (ctx.inner.adapter.as_deref(), user_id.as_deref())
                && !matches!(adapter.get_user(id).await, Ok(Some(_)))
                && let Some(id) = user_id.take()
            {
                super::audit::log(&ctx.audit_event(AuditKind::SignOut).user(id), None, false);
            }
        }
        (_, None) => {}
    }
    if let Err(error) = deny_jwt_session(&ctx).await {
        return ctx.fail(error);
    }
    // Only a session that was there is signed out of: a POST without one records nothing.
    if let Some(user_id) = user_id {
        ctx.audit(ctx.audit_event(AuditKind::SignOut).user(user_id))
            .await;
    }
    ctx.clear_session_cookie();
    ctx.redirect(callback_url, StatusCode::OK)
}
