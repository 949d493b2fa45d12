//! The question after the first factor: whether a user needs a second one now, and the
//! answer that asks for it (the pending state's cookie, and `TwoFactorRequired`). The second
//! step itself is `actions/two_factor.rs`; every sign-in ends in `actions/complete.rs`, which
//! asks here first.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use crate::adapter::TwoFactorRecord;
use crate::cookies::{CookieLifetime, SetCookie};
use crate::error::{Error, ErrorCode};
use crate::inner::TwoFactorRuntime;
use crate::two_factor::{self as tf, Pending, TwoFactorMode};
use crate::user::{Account, User};

/// What a user needs after the first factor.
pub(crate) enum Needed {
    /// A code for their enrolment.
    Code,
    /// To enrol first (two-factor is required and they have none).
    Enrolment,
}

/// Whether `user`, signing in with `account`, needs a second factor now.
pub(crate) async fn needed(
    ctx: &Ctx<'_>,
    user: &User,
    account: &Account,
) -> Result<Option<Needed>, Error> {
    let Some(runtime) = &ctx.inner.two_factor else {
        return Ok(None);
    };
    // The users of a credentials provider of the app's own are not the adapter's.
    if ctx.is_apps_own(account) {
        return Ok(None);
    }
    // A passkey whose user was verified (a PIN or biometric) is two factors in one; with
    // verification only preferred, it is one like any other.
    #[cfg(feature = "passkey")]
    if account.provider_type == crate::user::ProviderType::WebAuthn
        && ctx.inner.passkey().is_some_and(|p| p.rp.user_verification)
    {
        return Ok(None);
    }
    match runtime.adapter.get_two_factor(&user.id).await? {
        Some(record) if remembered(ctx, runtime, &user.id, &record).await? => Ok(None),
        Some(_) => Ok(Some(Needed::Code)),
        None if runtime.options.mode == TwoFactorMode::Required => Ok(Some(Needed::Enrolment)),
        None => Ok(None),
    }
}

/// Whether this browser is remembered for this user's enrolment, since the user last changed
/// their password or signed out everywhere.
async fn remembered(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
    record: &TwoFactorRecord,
) -> Result<bool, Error> {
    if runtime.options.remember_device.is_none() {
        return Ok(false);
    }
    let Some(cookie) = ctx.cookies.get(&ctx.inner.cookie_names.two_factor_device) else {
        return Ok(false);
    };
    let issued = (runtime.keys).device_remembered(
        &cookie,
        user_id,
        record.enabled_at.as_millis(),
        ctx.now_secs(),
    );
    let Some(issued) = issued else {
        return Ok(false);
    };
    let valid_after = runtime.adapter.get_sessions_valid_after(user_id).await?;
    Ok(valid_after.is_none_or(|after| after.as_secs() <= issued))
}

/// The answer after a first factor that needs a second: the pending state in its cookie, and
/// `TwoFactorRequired` with the second step's page (401 for the clients' `redirect: false`).
pub(crate) fn ask(
    mut ctx: Ctx<'_>,
    user: &User,
    account: &Account,
    callback_url: String,
    is_new_user: bool,
    needed: Needed,
) -> Response<Bytes> {
    let Some(runtime) = &ctx.inner.two_factor else {
        return ctx.fail(Error::Verification("two-factor sign-in is off"));
    };
    let pending = Pending {
        user_id: user.id.clone(),
        provider: account.provider.clone(),
        provider_type: account.provider_type,
        provider_account_id: account.provider_account_id.clone(),
        callback_url,
        is_new_user,
        enrolling: matches!(needed, Needed::Enrolment)
            .then(|| crate::secret::hex(&tf::new_secret())),
    };
    let sealed = runtime.keys.seal_pending(&pending, ctx.now_secs());
    set_pending_cookie(&mut ctx, sealed);
    ctx.count_sign_in(ErrorCode::TwoFactorRequired.as_str());
    let url = format!(
        "{}?error={}",
        ctx.url("two-factor"),
        ErrorCode::TwoFactorRequired.as_str()
    );
    ctx.redirect_with_status(url, StatusCode::UNAUTHORIZED)
}

fn set_pending_cookie(ctx: &mut Ctx<'_>, value: String) {
    let cookie = SetCookie {
        name: ctx.inner.cookie_names.two_factor.clone(),
        value,
        lifetime: CookieLifetime::MaxAge {
            seconds: tf::PENDING_SECS,
            now_secs: ctx.now_secs(),
        },
        secure: ctx.secure(),
        same_site_none: false,
    };
    ctx.set_cookies.push(cookie);
}
