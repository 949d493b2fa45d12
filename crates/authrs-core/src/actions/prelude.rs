//! What the `/account/*` routes share: the signed-in prelude, answers that lead back to the
//! sign-in page, and ending every session of a user.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::adapter::{Adapter, Timestamp};
use crate::error::{Error, ErrorCode};

/// Redirects to the sign-in page with a notice (`AccountCreated`, …) or an error code.
pub(crate) fn to_sign_in(ctx: Ctx<'_>, query: &str, status: StatusCode) -> Response<Bytes> {
    let url = format!("{}?{query}", ctx.url("signin"));
    ctx.redirect(url, status)
}

/// Refuses an account request: back to the account page when its form sent it
/// (`from=account`), else to the sign-in page, with the error code.
pub(crate) fn refuse(ctx: Ctx<'_>, code: ErrorCode, status: StatusCode) -> Response<Bytes> {
    tracing::info!(code = code.as_str(), "account request refused");
    let query = format!("error={}", code.as_str());
    if ctx.body_str("from") == Some("account") {
        return to_account(ctx, &query, status);
    }
    to_sign_in(ctx, &query, status)
}

/// Redirects to the account page with a notice or an error code (the configured URL's, as
/// every page's own links are).
fn to_account(ctx: Ctx<'_>, query: &str, status: StatusCode) -> Response<Bytes> {
    let url = format!("{}?{query}", ctx.url("account"));
    ctx.redirect(url, status)
}

/// Back to the account page with a notice.
pub(crate) fn done(ctx: Ctx<'_>, notice: crate::pages::account::Notice) -> Response<Bytes> {
    to_account(ctx, &format!("notice={}", notice.as_str()), StatusCode::OK)
}

/// Back to the account page with an error, and the status for JSON clients.
pub(crate) fn refused(ctx: Ctx<'_>, code: ErrorCode, status: StatusCode) -> Response<Bytes> {
    tracing::info!(code = code.as_str(), "account request refused");
    to_account(ctx, &format!("error={}", code.as_str()), status)
}

/// Why a request that needs a signed-in user cannot go on.
pub(crate) enum NotSignedIn {
    /// No session: 401 `SessionRequired`.
    NoSession,
    /// Reading the session or the callback URL failed.
    Failed(Error),
}

/// The callback URL and the signed-in user's id of a request that needs one.
pub(crate) async fn signed_in(ctx: &mut Ctx<'_>) -> Result<(String, String), NotSignedIn> {
    let callback_url = ctx.callback_url().await.map_err(NotSignedIn::Failed)?;
    match super::session::current_user_id(ctx).await {
        Ok(Some(user_id)) => Ok((callback_url, user_id)),
        Ok(None) => Err(NotSignedIn::NoSession),
        Err(error) => Err(NotSignedIn::Failed(error)),
    }
}

/// The signed-in user's id of a request that needs one and no callback URL (the account
/// page's routes go back to the page).
pub(crate) async fn signed_in_user(ctx: &Ctx<'_>) -> Result<String, NotSignedIn> {
    match super::session::current_user_id(ctx).await {
        Ok(Some(user_id)) => Ok(user_id),
        Ok(None) => Err(NotSignedIn::NoSession),
        Err(error) => Err(NotSignedIn::Failed(error)),
    }
}

pub(crate) fn not_signed_in(ctx: Ctx<'_>, why: NotSignedIn) -> Response<Bytes> {
    match why {
        NotSignedIn::NoSession => refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED),
        NotSignedIn::Failed(error) => ctx.fail(error),
    }
}

/// Deletes every database session of the user, stamps the time for JWT sessions, and clears
/// this browser's cookie.
pub(crate) async fn end_all_sessions(
    ctx: &mut Ctx<'_>,
    adapter: &dyn Adapter,
    user_id: &str,
) -> Result<(), Error> {
    adapter.delete_user_sessions(user_id).await?;
    adapter
        .set_sessions_valid_after(user_id, Timestamp::from_millis(ctx.now_ms))
        .await?;
    ctx.clear_session_cookie();
    Ok(())
}
