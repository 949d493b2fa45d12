//! `GET /signout` (confirmation page) and `POST /signout`.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::config::SessionStrategy;
use crate::error::Error;
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
    let markup = pages::sign_out(&ctx.inner.theme, &ctx.base_url, &csrf_token);
    ctx.html(StatusCode::OK, markup)
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
    if let (SessionStrategy::Database, Some(adapter), Some(token)) = (
        ctx.inner.strategy,
        &ctx.inner.adapter,
        ctx.cookies.chunked(&ctx.inner.cookie_names.session_token),
    ) {
        // If the row cannot be deleted the session is still valid: say so rather than only
        // clearing this browser's cookie.
        if let Err(error) = adapter.delete_session(&sha256_hex(&token)).await {
            return ctx.fail(error.into());
        }
    }
    ctx.clear_session_cookie();
    ctx.redirect(callback_url, StatusCode::OK)
}
