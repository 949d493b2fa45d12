//! `GET /signin` (the built-in page, or a redirect to a custom one) and `POST /signin/:provider`.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::{Ctx, encode};
use crate::error::{Error, ErrorCode};
use crate::inner::Mounted;
use crate::pages;

/// `GET /signin`.
pub(crate) async fn page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if let (true, Some(id)) = (ctx.is_v5(), ctx.provider_id) {
        return ctx.fail(Error::UnknownProvider(id.to_owned()));
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let error = ctx.query("error").map(ErrorCode::parse);
    if let Some(custom) = &ctx.inner.pages.sign_in {
        let separator = if custom.contains('?') { '&' } else { '?' };
        let mut url = format!("{custom}{separator}callbackUrl={}", encode(&callback_url));
        if let Some(error) = error {
            url.push_str("&error=");
            url.push_str(error.as_str());
        }
        return ctx.redirect(url, StatusCode::OK);
    }
    let csrf_token = ctx.csrf_token();
    #[cfg(feature = "password")]
    let (sign_up, reset) = ctx.inner.accounts.as_ref().map_or((false, false), |a| {
        (a.options.sign_up, a.options.transport.is_some())
    });
    #[cfg(not(feature = "password"))]
    let (sign_up, reset) = (false, false);
    let look = ctx.look();
    let markup = pages::sign_in(&pages::SignInPage {
        look,
        providers: &ctx.inner.providers,
        base_url: &ctx.base_url,
        csrf_token: &csrf_token,
        callback_url: &callback_url,
        error,
        notice: ctx.query("notice").and_then(pages::Notice::parse),
        sign_up,
        reset,
    });
    #[cfg(feature = "passkey")]
    if ctx.inner.passkey().is_some() {
        return ctx.html_with_passkey_script(StatusCode::OK, markup);
    }
    ctx.html(StatusCode::OK, markup)
}

/// `POST /signin/:provider`: CSRF-checked. Credentials sign in through `/callback/credentials`,
/// so here they only lead back to the page; OAuth and email start their flows here.
pub(crate) async fn post(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let provider = ctx.provider_id.and_then(|id| ctx.inner.provider(id));
    let Some(provider) = provider else {
        let id = ctx.provider_id.unwrap_or_default().to_owned();
        return ctx.fail(Error::UnknownProvider(id));
    };
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    // Checked for every provider; only the email provider carries it on.
    #[cfg(not(feature = "email"))]
    let _ = callback_url;
    // The sign-in page's shared form sends its password field along when "Email me a link"
    // is pressed: nothing past this point may see it.
    ctx.body.remove("password");
    match provider {
        #[cfg(feature = "passkey")]
        Mounted::Passkey(_) => {
            let url = ctx.url("signin");
            ctx.redirect(url, StatusCode::OK)
        }
        Mounted::Credentials(_) => {
            let url = ctx.url("signin");
            ctx.redirect(url, StatusCode::OK)
        }
        #[cfg(feature = "email")]
        Mounted::Email(provider, adapter) => {
            super::email::send_link(ctx, provider, adapter.as_ref(), callback_url).await
        }
        #[cfg(feature = "oauth")]
        Mounted::OAuth(provider, runtime) => {
            super::oauth::sign_in_redirect(ctx, provider, runtime).await
        }
    }
}
