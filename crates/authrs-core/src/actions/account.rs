//! `/account/*`: our own routes beside NextAuth's (clients that do not know them are
//! unaffected). Every POST is CSRF-checked. Here the two that any adapter-backed setup has:
//!
//! - `POST /account/signout-everywhere` (signed in): deletes every session of the user and
//!   stamps the time, which revocable JWT sessions check.
//! - `POST /account/unlink` `{provider}` (signed in): unlinks the user's account at an OAuth
//!   provider, unless it is their last way to sign in.
//!
//! The account page and its routes are in `actions/account_page.rs`; email-and-password
//! accounts add theirs (`actions/password.rs`, feature `password`).

use bytes::Bytes;
use http::{Method, Response, StatusCode};

use super::prelude::{end_all_sessions, not_signed_in, refuse, signed_in};
use super::{Ctx, unsupported};
use crate::adapter::Adapter;
use crate::audit::AuditKind;
use crate::error::{Error, ErrorCode};

/// `GET` and `POST` `/account/:operation`.
pub(crate) async fn handle(ctx: Ctx<'_>) -> Response<Bytes> {
    let Some(adapter) = ctx.inner.adapter.clone() else {
        return unsupported(ctx.inner, ctx.method);
    };
    let operation = ctx.provider_id.unwrap_or_default();
    let is_post = ctx.method == Method::POST;
    if is_post && !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let adapter = adapter.as_ref();
    // Any adapter-backed setup has these, whatever the user signed in with.
    match (is_post, operation) {
        (false, "") => return super::account_page::page(ctx, adapter).await,
        (false, "profile") => return super::account_page::profile_json(ctx, adapter).await,
        (false, "sessions") => return super::account_page::sessions_json(ctx, adapter).await,
        (false, "events") => return super::account_page::events_json(ctx, adapter).await,
        (true, "profile") => return super::account_page::update_profile(ctx, adapter).await,
        (true, "revoke-session") => {
            return super::account_page::revoke_session(ctx, adapter).await;
        }
        (true, "revoke-other-sessions") => {
            return super::account_page::revoke_other_sessions(ctx, adapter).await;
        }
        (true, "signout-everywhere") => return sign_out_everywhere(ctx, adapter).await,
        (true, "two-factor-setup") => return super::two_factor::setup(ctx).await,
        (true, "two-factor-enable") => return super::two_factor::enable(ctx).await,
        (true, "two-factor-disable") => return super::two_factor::disable(ctx).await,
        (true, "two-factor-recovery-codes") => return super::two_factor::regenerate(ctx).await,
        (true, "unlink") => return unlink(ctx, adapter).await,
        #[cfg(feature = "passkey")]
        (false, "passkeys") => return super::passkey::list_json(ctx).await,
        #[cfg(feature = "passkey")]
        (true, "passkey-rename") => return super::passkey::rename(ctx).await,
        #[cfg(feature = "passkey")]
        (true, "passkey-delete") => return super::passkey::delete(ctx).await,
        _ => {}
    }
    #[cfg(feature = "password")]
    if let Some(accounts) = ctx.inner.accounts.clone() {
        match (is_post, operation) {
            (true, "delete-request") => {
                return super::account_delete::request_code(ctx, &accounts).await;
            }
            (true, "delete") => return super::account_delete::delete(ctx, &accounts).await,
            _ => {}
        }
        return super::password::handle(ctx, &accounts, is_post, operation).await;
    }
    unsupported(ctx.inner, ctx.method)
}

async fn sign_out_everywhere(mut ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let (callback_url, user_id) = match signed_in(&mut ctx).await {
        Ok(found) => found,
        Err(why) => return not_signed_in(ctx, why),
    };
    if let Err(error) = end_all_sessions(&mut ctx, adapter, &user_id).await {
        return ctx.fail(error);
    }
    let event = ctx.audit_event(AuditKind::SignedOutEverywhere);
    ctx.audit(event.user(&user_id)).await;
    ctx.redirect(callback_url, StatusCode::OK)
}

/// `POST /account/unlink` `{provider}`: removes the signed-in user's account at that provider,
/// unless it is their last way to sign in (no other account, no password, no email
/// provider), which would lock them out.
async fn unlink(mut ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let (callback_url, user_id) = match signed_in(&mut ctx).await {
        Ok(found) => found,
        Err(why) => return not_signed_in(ctx, why),
    };
    let provider = ctx.body_str("provider").unwrap_or_default().to_owned();
    let accounts = match adapter.list_accounts(&user_id).await {
        Ok(accounts) => accounts,
        Err(error) => return ctx.fail(error.into()),
    };
    let Some(account) = accounts.iter().find(|a| a.provider == provider) else {
        return refuse(
            ctx,
            ErrorCode::OAuthAccountNotLinked,
            StatusCode::BAD_REQUEST,
        );
    };
    let has_password = match adapter.get_password_hash(&user_id).await {
        Ok(hash) => hash.is_some(),
        Err(error) => return ctx.fail(error.into()),
    };
    // The email provider lets in the owner of the account's proven address, if it has one (an
    // unproven one may be someone else's, whose first proof would wipe what is left).
    let has_address = match adapter.get_user(&user_id).await {
        Ok(user) => user.is_some_and(|user| user.email.is_some() && user.email_verified.is_some()),
        Err(error) => return ctx.fail(error.into()),
    };
    let has_email = has_address
        && (ctx.inner.providers.iter())
            .any(|p| p.provider_type() == crate::user::ProviderType::Email);
    // Passkeys are ways in too.
    let passkeys = match adapter.list_authenticators(&user_id).await {
        Ok(passkeys) => passkeys.len(),
        Err(error) => return ctx.fail(error.into()),
    };
    if accounts.len() == 1 && !has_password && !has_email && passkeys == 0 {
        return refuse(ctx, ErrorCode::LastSignInMethod, StatusCode::BAD_REQUEST);
    }
    if let Err(error) = adapter
        .unlink_account(&account.provider, &account.provider_account_id)
        .await
    {
        return ctx.fail(error.into());
    }
    let event = (ctx.audit_event(AuditKind::AccountUnlinked))
        .user(&user_id)
        .provider(&account.provider);
    ctx.audit(event).await;
    ctx.redirect(callback_url, StatusCode::OK)
}
