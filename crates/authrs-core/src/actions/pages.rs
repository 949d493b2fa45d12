//! `GET /verify-request` and `GET /error`.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::error::ErrorCode;
#[cfg(feature = "email")]
use crate::inner::Mounted;
use crate::pages;

/// `GET /verify-request`: "check your email", or a redirect to a custom page.
#[cfg_attr(not(feature = "email"), allow(unused_mut))]
pub(crate) async fn verify_request(mut ctx: Ctx<'_>) -> Response<Bytes> {
    if let Some(custom) = ctx.inner.pages.verify_request.clone() {
        // v5 hands the original query (provider, type) on to the custom page.
        let url = match (ctx.is_v5(), ctx.query.is_empty()) {
            (true, false) => {
                let query: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(ctx.query.iter())
                    .finish();
                let separator = if custom.contains('?') { '&' } else { '?' };
                format!("{custom}{separator}{query}")
            }
            _ => custom,
        };
        return ctx.redirect(url, StatusCode::OK);
    }
    // The code form of the email provider the query names (or the only one), when its mails
    // carry codes.
    #[cfg(feature = "email")]
    let markup = {
        let wanted = ctx.query("provider").map(str::to_owned);
        let provider = ctx.inner.providers.iter().find_map(|p| match p {
            Mounted::Email(p, _) if wanted.as_deref().is_none_or(|id| id == p.id) => Some(p),
            _ => None,
        });
        match provider.filter(|p| p.one_time_code) {
            Some(provider) => {
                let csrf_token = ctx.csrf_token();
                let action = ctx.url(&format!("callback/{}", provider.id));
                let error = ctx.query("error").map(ErrorCode::parse);
                let hint = ctx
                    .cookies
                    .get(&ctx.inner.cookie_names.email_hint)
                    .and_then(|v| crate::email::normalize_email(&v).ok());
                let form = pages::CodeForm {
                    action: &action,
                    csrf_token: &csrf_token,
                    error,
                    email: hint.as_deref(),
                };
                pages::verify_request(ctx.look(), ctx.origin.as_str(), Some(&form))
            }
            None => pages::verify_request(ctx.look(), ctx.origin.as_str(), None),
        }
    };
    #[cfg(not(feature = "email"))]
    let markup = pages::verify_request(ctx.look(), ctx.origin.as_str(), None);
    ctx.html(StatusCode::OK, markup)
}

/// `GET /error?error=CODE`. Only known codes are shown; anything else is the generic error.
/// v4 shows sign-in errors on the sign-in page instead.
pub(crate) async fn error(ctx: Ctx<'_>) -> Response<Bytes> {
    let raw = ctx
        .query("error")
        .or(if ctx.is_v5() { None } else { ctx.provider_id })
        .unwrap_or("default");
    let code = ErrorCode::parse(raw);
    if !ctx.is_v5() && code.is_sign_in_page_error() {
        let url = format!("{}?error={}", ctx.url("signin"), code.as_str());
        return ctx.redirect(url, StatusCode::OK);
    }
    if let Some(custom) = &ctx.inner.pages.error {
        let separator = if custom.contains('?') { '&' } else { '?' };
        let url = format!("{custom}{separator}error={}", code.as_str());
        return ctx.redirect(url, StatusCode::OK);
    }
    error_page(ctx, code, None)
}

/// The built-in error page for `code`, with its status; `retry_after` (seconds) for
/// [`ErrorCode::RateLimited`].
pub(crate) fn error_page(
    mut ctx: Ctx<'_>,
    code: ErrorCode,
    retry_after: Option<u64>,
) -> Response<Bytes> {
    let sign_in_url = ctx.url("signin");
    let markup = pages::error(
        ctx.look(),
        code,
        ctx.origin.as_str(),
        &sign_in_url,
        retry_after,
    );
    ctx.html(code.page_status(), markup)
}
