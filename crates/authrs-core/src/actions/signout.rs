//! `GET /signout` (confirmation page) and `POST /signout`.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::error::Error;
use crate::pages;

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

/// `POST /signout`: CSRF-checked; deletes every chunk of the session cookie and redirects to
/// the validated callback URL. With no session cookie there is nothing to clear.
pub(crate) async fn post(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    ctx.clear_session_cookie();
    ctx.redirect(callback_url, StatusCode::OK)
}
