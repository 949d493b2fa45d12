//! Two-factor sign-in (see [`crate::two_factor`]): the question after the first factor, the
//! second step (`GET`/`POST /two-factor`), and the account's routes to turn it on or off and
//! to make new recovery codes.
//!
//! - `GET /two-factor`: the page asking for a code (or, for a user who must enrol first, the
//!   enrolment). Without a pending state: back to sign-in.
//! - `POST /two-factor` `{code}` or `{recoveryCode}`, `remember=on`: the second step. It ends
//!   as the sign-in would have: the session, then the callback URL.
//! - `POST /account/two-factor-setup` `{password}` (accounts with one): a new secret, offered
//!   (the page, or `{secret, otpauthUrl, offer}` with `json=true`); nothing is stored until a
//!   code confirms it, and an enrolment is never replaced (turn it off first).
//! - `POST /account/two-factor-enable` `{offer, code}`: stores it, with ten recovery codes
//!   (shown once).
//! - `POST /account/two-factor-disable` and `/account/two-factor-recovery-codes`, `{code}` or
//!   `{password}`: after a fresh proof.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;

use super::Ctx;
use super::prelude::{NotSignedIn, done, refused, signed_in_user};
use super::throttle::{Stop, checked};
use crate::adapter::{AdapterError, Timestamp, TwoFactorRecord};
use crate::audit::AuditKind;
use crate::cookies::{CookieLifetime, SetCookie};
use crate::error::{Error, ErrorCode};
use crate::inner::TwoFactorRuntime;
use crate::pages::account::Notice;
use crate::two_factor::{self as tf, Pending, TwoFactorMode};
use crate::user::{Account, User};

/// The pending state this browser holds, if any (and not expired).
fn pending(ctx: &Ctx<'_>, runtime: &TwoFactorRuntime) -> Option<Pending> {
    let cookie = ctx.cookies.get(&ctx.inner.cookie_names.two_factor)?;
    runtime.keys.open_pending(&cookie, ctx.now_secs())
}

/// An enrolment offered (at sign-in, or on the account page): the secret, its QR code and its
/// text.
struct Offer {
    secret: Vec<u8>,
    qr: String,
    text: String,
}

/// The name authenticator apps show for the site: the configured issuer, or the host
/// without its port.
fn issuer(ctx: &Ctx<'_>, runtime: &TwoFactorRuntime) -> String {
    match &runtime.options.issuer {
        Some(issuer) => issuer.clone(),
        None => {
            let host = ctx.inner.origin.host();
            let host = host.rsplit_once(':').map_or(host, |(name, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    name
                } else {
                    host
                }
            });
            host.to_owned()
        }
    }
}

fn offer(ctx: &Ctx<'_>, runtime: &TwoFactorRuntime, secret: Vec<u8>, account: &str) -> Offer {
    let url = tf::otpauth_url(&secret, &issuer(ctx, runtime), account).unwrap_or_default();
    Offer {
        qr: tf::qr_svg(&url).unwrap_or_default(),
        text: tf::secret_text(&secret),
        secret,
    }
}

/// `GET /two-factor`.
pub(crate) async fn page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    let Some(runtime) = &ctx.inner.two_factor else {
        return super::unsupported(ctx.inner, ctx.method);
    };
    let Some(pending) = pending(&ctx, runtime) else {
        let url = ctx.url("signin");
        return ctx.redirect(url, StatusCode::OK);
    };
    let enrol = match &pending.enrolling {
        Some(hex) => {
            let label = account_label(runtime, &pending.user_id).await;
            tf::from_hex(hex).map(|secret| offer(&ctx, runtime, secret, &label))
        }
        None => None,
    };
    let error = ctx.query("error").map(ErrorCode::parse);
    let csrf_token = ctx.csrf_token();
    let look = ctx.look();
    let markup = crate::pages::two_factor::second_step(&crate::pages::two_factor::SecondStep {
        look,
        action: &ctx.url("two-factor"),
        csrf_token: &csrf_token,
        error,
        remember_days: (runtime.options.remember_device)
            .map(|duration| duration.as_secs().div_ceil(86_400)),
        enrol: enrol.as_ref().map(|o| (o.qr.as_str(), o.text.as_str())),
        sign_in: &ctx.url("signin"),
    });
    ctx.html(StatusCode::OK, markup)
}

/// The name authenticator apps show for the user: their address, or their id.
async fn account_label(runtime: &TwoFactorRuntime, user_id: &str) -> String {
    match runtime.adapter.get_user(user_id).await {
        Ok(Some(user)) => user.email.unwrap_or_else(|| user_id.to_owned()),
        _ => user_id.to_owned(),
    }
}

/// Counts a code attempt against the user's and the client's limits, before it is checked.
async fn count_attempt(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
) -> Result<(), Stop> {
    let limits = ctx.limits();
    let options = &runtime.options;
    checked(
        limits
            .hit_client(
                "two-factor-client",
                Some(options.per_client),
                "two-factor codes from one client",
            )
            .await,
    )?;
    checked(
        limits
            .hit(
                "two-factor-user",
                user_id,
                Some(options.per_user),
                "two-factor codes for one account",
            )
            .await,
    )?;
    checked(
        limits
            .hit(
                "two-factor-user-daily",
                user_id,
                Some(options.per_user_daily),
                "two-factor codes for one account per day",
            )
            .await,
    )
}

/// A code that worked is taken back from the limits, as a password that works is: only
/// failures add up.
async fn take_back(ctx: &Ctx<'_>, user_id: &str) -> Result<(), AdapterError> {
    let limits = ctx.limits();
    limits.undo("two-factor-user", user_id).await?;
    limits.undo("two-factor-user-daily", user_id).await?;
    limits.undo_client("two-factor-client").await
}

/// A typed code for the user's stored enrolment, spending its time step.
async fn code_works(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
    record: &TwoFactorRecord,
    typed: &str,
) -> Result<bool, AdapterError> {
    let Some(secret) = runtime.keys.open_secret(user_id, &record.secret) else {
        tracing::warn!(
            user = user_id,
            "a two-factor secret does not open with the secrets"
        );
        return Ok(false);
    };
    match tf::check_code(&secret, typed, ctx.now_secs()) {
        Some(step) => runtime.adapter.use_totp_step(user_id, step).await,
        None => Ok(false),
    }
}

/// A typed recovery code, spent if it is one of the user's (under any of the secrets).
async fn recovery_code_works(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
    typed: &str,
) -> Result<bool, AdapterError> {
    let Some(code) = tf::canonical_recovery_code(typed) else {
        return Ok(false);
    };
    for secret in &ctx.inner.secrets {
        let hash = tf::recovery_hash(&code, secret);
        if runtime.adapter.use_recovery_code(user_id, &hash).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ten new recovery codes and their hashes (under the first secret).
fn recovery_codes(ctx: &Ctx<'_>) -> (Vec<String>, Vec<String>) {
    let codes = tf::new_recovery_codes();
    let hashes = codes
        .iter()
        .map(|code| tf::recovery_hash(&code.replace('-', ""), &ctx.inner.secrets[0]))
        .collect();
    (codes, hashes)
}

/// How the second step was passed.
enum Passed {
    Code,
    RecoveryCode,
    /// Enrolled now: the recovery codes to show.
    Enrolled(Vec<String>),
}

/// `POST /two-factor`.
pub(crate) async fn verify(ctx: Ctx<'_>) -> Response<Bytes> {
    let Some(runtime) = &ctx.inner.two_factor else {
        return super::unsupported(ctx.inner, ctx.method);
    };
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let Some(pending) = pending(&ctx, runtime) else {
        // Expired, or never started: sign in again.
        let url = format!("{}?error=SessionRequired", ctx.url("signin"));
        return ctx.redirect(url, StatusCode::UNAUTHORIZED);
    };
    if let Err(stop) = count_attempt(&ctx, runtime, &pending.user_id).await {
        return stop.answer(ctx);
    }
    let passed = match second_factor(&ctx, runtime, &pending).await {
        Ok(passed) => passed,
        Err(error) => return ctx.fail(error.into()),
    };
    if passed.is_some()
        && let Err(error) = take_back(&ctx, &pending.user_id).await
    {
        // Only the count is off: the second step passed.
        tracing::warn!(%error, "a working code was not taken back from the limits");
    }
    let Some(passed) = passed else {
        let event = (ctx.audit_event(AuditKind::SignInFailed))
            .user(&pending.user_id)
            .provider(&pending.provider)
            .detail("TwoFactor");
        ctx.audit(event).await;
        ctx.count_sign_in(ErrorCode::CredentialsSignin.as_str());
        let url = format!("{}?error=CredentialsSignin", ctx.url("two-factor"));
        return ctx.redirect_with_status(url, StatusCode::UNAUTHORIZED);
    };
    complete(ctx, runtime, pending, passed).await
}

/// Checks the second factor the form carries; `None` when it does not work.
async fn second_factor(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    pending: &Pending,
) -> Result<Option<Passed>, AdapterError> {
    let user_id = &pending.user_id;
    let code = ctx.body_str("code").unwrap_or_default();
    if let Some(hex) = &pending.enrolling {
        let Some(secret) = tf::from_hex(hex) else {
            return Ok(None);
        };
        // Enrolled meanwhile (another tab, a replayed form): never replaced from here.
        if runtime.adapter.get_two_factor(user_id).await?.is_some() {
            return Ok(None);
        }
        let Some(step) = tf::check_code(&secret, code, ctx.now_secs()) else {
            return Ok(None);
        };
        let (codes, hashes) = recovery_codes(ctx);
        let sealed = runtime.keys.seal_secret(user_id, &secret);
        let now = Timestamp::from_millis(ctx.now_ms);
        (runtime.adapter)
            .enable_two_factor(user_id, &sealed, now, &hashes)
            .await?;
        // The codes are stored: from here on nothing may keep them from being shown.
        if let Err(error) = runtime.adapter.use_totp_step(user_id, step).await {
            tracing::warn!(%error, "the enrolling code's step was not recorded");
        }
        let event = ctx.audit_event(AuditKind::TwoFactorEnabled).user(user_id);
        ctx.audit(event).await;
        notify(ctx, runtime, user_id).await;
        return Ok(Some(Passed::Enrolled(codes)));
    }
    let Some(record) = runtime.adapter.get_two_factor(user_id).await? else {
        return Ok(None);
    };
    if let Some(typed) = ctx
        .body_str("recoveryCode")
        .filter(|t| !t.trim().is_empty())
    {
        if recovery_code_works(ctx, runtime, user_id, typed).await? {
            let event = ctx.audit_event(AuditKind::RecoveryCodeUsed).user(user_id);
            ctx.audit(event).await;
            return Ok(Some(Passed::RecoveryCode));
        }
        return Ok(None);
    }
    Ok(code_works(ctx, runtime, user_id, &record, code)
        .await?
        .then_some(Passed::Code))
}

/// The end of a sign-in whose second step passed: the session, this browser remembered if
/// asked, and the callback URL (after the recovery codes of a new enrolment).
async fn complete(
    mut ctx: Ctx<'_>,
    runtime: &TwoFactorRuntime,
    pending: Pending,
    passed: Passed,
) -> Response<Bytes> {
    let user = match runtime.adapter.get_user(&pending.user_id).await {
        Ok(Some(user)) => User::from(user),
        Ok(None) => return ctx.fail(Error::UserNotInAdapter(pending.user_id)),
        Err(error) => return ctx.fail(error.into()),
    };
    let account = Account {
        provider: pending.provider.clone(),
        provider_type: pending.provider_type,
        provider_account_id: pending.provider_account_id.clone(),
    };
    if let Err(error) =
        super::complete::start_session(&mut ctx, &user, &account, pending.is_new_user).await
    {
        if let Passed::Enrolled(codes) = &passed {
            // Stored already: the codes are shown even so, and the user signs in again.
            tracing::warn!(
                error = error.to_string().as_str(),
                "a session after enrolling failed"
            );
            let sign_in = ctx.url("signin");
            return show_recovery_codes(ctx, codes, &sign_in);
        }
        return ctx.fail(error);
    }
    crate::telemetry::sign_in(&account.provider, "success");
    let detail = match passed {
        Passed::RecoveryCode => "recovery_code",
        _ => "two_factor",
    };
    let event = (ctx.audit_event(AuditKind::SignIn))
        .user(&user.id)
        .provider(&account.provider)
        .detail(detail);
    ctx.audit(event).await;
    let deleted = crate::cookies::delete(&ctx.inner.cookie_names.two_factor, ctx.secure());
    ctx.set_cookies.push(deleted);
    if let Some(lifetime) = runtime.options.remember_device
        && ctx.body_str("remember") == Some("on")
        && let Ok(Some(record)) = runtime.adapter.get_two_factor(&user.id).await
    {
        let now = ctx.now_secs();
        let value =
            (runtime.keys).seal_device(&user.id, record.enabled_at.as_millis(), now, lifetime);
        ctx.set_cookies.push(SetCookie {
            name: ctx.inner.cookie_names.two_factor_device.clone(),
            value,
            lifetime: CookieLifetime::MaxAge {
                seconds: lifetime.as_secs(),
                now_secs: now,
            },
            secure: ctx.secure(),
            same_site_none: false,
        });
    }
    let target = ctx.after_sign_in(pending.callback_url, pending.is_new_user);
    match passed {
        Passed::Enrolled(codes) => show_recovery_codes(ctx, &codes, &target),
        _ => ctx.redirect(target, StatusCode::OK),
    }
}

/// Mails the user that their two-step sign-in changed (see [`super::notice`]).
async fn notify(ctx: &Ctx<'_>, runtime: &TwoFactorRuntime, user_id: &str) {
    #[cfg(feature = "email")]
    super::notice::send(
        ctx,
        runtime.adapter.as_ref(),
        user_id,
        crate::providers::EmailPurpose::TwoFactorChanged,
    )
    .await;
    #[cfg(not(feature = "email"))]
    let _ = (ctx, runtime, user_id);
}

/// The page (or `{recoveryCodes, url}` in JSON mode) that shows new recovery codes once.
fn show_recovery_codes(mut ctx: Ctx<'_>, codes: &[String], next: &str) -> Response<Bytes> {
    if ctx.json_redirect != super::JsonRedirect::Off {
        let body = json!({ "recoveryCodes": codes, "url": next });
        return ctx.json_no_store(StatusCode::OK, Bytes::from(body.to_string()));
    }
    let look = ctx.look();
    let markup = crate::pages::two_factor::recovery_codes(look, codes, next);
    ctx.html(StatusCode::OK, markup)
}

/// The runtime and the signed-in user of an account route, or the answer.
async fn account_user<'a>(ctx: &Ctx<'a>) -> Result<(&'a TwoFactorRuntime, String), Refusal> {
    let Some(runtime) = ctx.inner.two_factor.as_ref() else {
        return Err(Refusal::Unsupported);
    };
    match signed_in_user(ctx).await {
        Ok(user_id) => Ok((runtime, user_id)),
        Err(NotSignedIn::NoSession) => Err(Refusal::Code(
            ErrorCode::SessionRequired,
            StatusCode::UNAUTHORIZED,
        )),
        Err(NotSignedIn::Failed(error)) => Err(Refusal::Failed(error)),
    }
}

enum Refusal {
    Unsupported,
    Code(ErrorCode, StatusCode),
    Failed(Error),
    Stop(Stop),
}

impl Refusal {
    fn answer(self, ctx: Ctx<'_>) -> Response<Bytes> {
        match self {
            Self::Unsupported => super::unsupported(ctx.inner, ctx.method),
            Self::Code(code, status) => refused(ctx, code, status),
            Self::Failed(error) => ctx.fail(error),
            Self::Stop(stop) => stop.answer(ctx),
        }
    }
}

impl From<AdapterError> for Refusal {
    fn from(error: AdapterError) -> Self {
        Self::Failed(error.into())
    }
}

/// `POST /account/two-factor-setup`: a new secret, offered; nothing stored yet.
pub(crate) async fn setup(ctx: Ctx<'_>) -> Response<Bytes> {
    let (runtime, user_id) = match account_user(&ctx).await {
        Ok(found) => found,
        Err(refusal) => return refusal.answer(ctx),
    };
    if let Err(refusal) = may_enrol(&ctx, runtime, &user_id).await {
        return refusal.answer(ctx);
    }
    let label = account_label(runtime, &user_id).await;
    let offered = offer(&ctx, runtime, tf::new_secret(), &label);
    let token = (runtime.keys).seal_offer(&user_id, &offered.secret, ctx.now_secs());
    setup_page(ctx, runtime, &label, &offered, &token, None)
}

/// The enrolment page (or `{secret, otpauthUrl, offer}` in JSON mode).
fn setup_page(
    mut ctx: Ctx<'_>,
    runtime: &TwoFactorRuntime,
    label: &str,
    offered: &Offer,
    token: &str,
    error: Option<ErrorCode>,
) -> Response<Bytes> {
    if ctx.json_redirect != super::JsonRedirect::Off {
        let url =
            tf::otpauth_url(&offered.secret, &issuer(&ctx, runtime), label).unwrap_or_default();
        let body = json!({ "secret": offered.text, "otpauthUrl": url, "offer": token });
        let status = if error.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        return ctx.json_no_store(status, Bytes::from(body.to_string()));
    }
    let csrf_token = ctx.csrf_token();
    let look = ctx.look();
    let markup = crate::pages::two_factor::setup(&crate::pages::two_factor::Setup {
        look,
        base_url: &ctx.base_url,
        csrf_token: &csrf_token,
        qr: &offered.qr,
        secret: &offered.text,
        offer: token,
        error,
    });
    ctx.html(StatusCode::OK, markup)
}

/// `POST /account/two-factor-enable` `{offer, code}`.
pub(crate) async fn enable(ctx: Ctx<'_>) -> Response<Bytes> {
    let (runtime, user_id) = match account_user(&ctx).await {
        Ok(found) => found,
        Err(refusal) => return refusal.answer(ctx),
    };
    if let Err(refusal) = not_enrolled(runtime, &user_id).await {
        return refusal.answer(ctx);
    }
    let token = ctx.body_str("offer").unwrap_or_default().to_owned();
    // An offer is for one user and lasts as long as a pending sign-in.
    let Some(secret) = runtime.keys.open_offer(&token, &user_id, ctx.now_secs()) else {
        return refused(ctx, ErrorCode::Verification, StatusCode::BAD_REQUEST);
    };
    if let Err(stop) = count_attempt(&ctx, runtime, &user_id).await {
        return stop.answer(ctx);
    }
    let typed = ctx.body_str("code").unwrap_or_default();
    let Some(step) = tf::check_code(&secret, typed, ctx.now_secs()) else {
        let label = account_label(runtime, &user_id).await;
        let offered = offer(&ctx, runtime, secret, &label);
        return setup_page(
            ctx,
            runtime,
            &label,
            &offered,
            &token,
            Some(ErrorCode::CredentialsSignin),
        );
    };
    let (codes, hashes) = recovery_codes(&ctx);
    let sealed = runtime.keys.seal_secret(&user_id, &secret);
    let now = Timestamp::from_millis(ctx.now_ms);
    if let Err(error) = (runtime.adapter)
        .enable_two_factor(&user_id, &sealed, now, &hashes)
        .await
    {
        return ctx.fail(error.into());
    }
    // The codes are stored: from here on nothing may keep them from being shown.
    let spent = async {
        runtime.adapter.use_totp_step(&user_id, step).await?;
        take_back(&ctx, &user_id).await
    };
    if let Err(error) = spent.await {
        tracing::warn!(%error, "an enrolment's first code was not recorded");
    }
    let event = ctx.audit_event(AuditKind::TwoFactorEnabled).user(&user_id);
    ctx.audit(event).await;
    notify(&ctx, runtime, &user_id).await;
    let back = ctx.url("account");
    show_recovery_codes(ctx, &codes, &back)
}

/// Refused when the user has an enrolment: replacing one means turning it off first, with a
/// proof (a stolen session must not swap in an attacker's app).
async fn not_enrolled(runtime: &TwoFactorRuntime, user_id: &str) -> Result<(), Refusal> {
    match runtime.adapter.get_two_factor(user_id).await? {
        Some(_) => Err(Refusal::Code(ErrorCode::Verification, StatusCode::CONFLICT)),
        None => Ok(()),
    }
}

/// Whether the signed-in user may start an enrolment: they have none, they are the adapter's
/// user, and, when their account has a password, they give it (a fresh proof, so that a
/// stolen session alone cannot bind an attacker's app).
async fn may_enrol(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
) -> Result<(), Refusal> {
    not_enrolled(runtime, user_id).await?;
    if runtime.adapter.get_user(user_id).await?.is_none() {
        return Err(Refusal::Code(
            ErrorCode::SessionRequired,
            StatusCode::BAD_REQUEST,
        ));
    }
    let password = ctx.body_str("password").unwrap_or_default();
    if password_proof(ctx, user_id, password).await? == Some(false) {
        let event = (ctx.audit_event(AuditKind::ProofFailed))
            .user(user_id)
            .detail("two_factor_setup");
        ctx.audit(event).await;
        return Err(Refusal::Code(
            ErrorCode::CredentialsSignin,
            StatusCode::UNAUTHORIZED,
        ));
    }
    Ok(())
}

/// `password` checked against the account's, through the password throttle; `None` when the
/// account has no password (or the site no email-and-password accounts).
async fn password_proof(
    ctx: &Ctx<'_>,
    user_id: &str,
    password: &str,
) -> Result<Option<bool>, Refusal> {
    #[cfg(feature = "password")]
    if let Some(features) = &ctx.inner.accounts {
        let own = super::password::OwnAccount::load(features.adapter.as_ref(), user_id)
            .await?
            .ok_or(Refusal::Code(
                ErrorCode::SessionRequired,
                StatusCode::UNAUTHORIZED,
            ))?;
        if own.stored.is_some() {
            return super::password::check_own_password(ctx, features, &own, password)
                .await
                .map(Some)
                .map_err(Refusal::Stop);
        }
    }
    #[cfg(not(feature = "password"))]
    let _ = (ctx, user_id, password);
    Ok(None)
}

/// A fresh proof for a change: a current code (its step spent), or the password (through the
/// password throttle). Every attempt counts first.
async fn fresh_proof(
    ctx: &Ctx<'_>,
    runtime: &TwoFactorRuntime,
    user_id: &str,
    record: &TwoFactorRecord,
) -> Result<bool, Refusal> {
    if let Some(code) = ctx.body_str("code").filter(|c| !c.trim().is_empty()) {
        count_attempt(ctx, runtime, user_id)
            .await
            .map_err(Refusal::Stop)?;
        let works = code_works(ctx, runtime, user_id, record, code).await?;
        if works {
            take_back(ctx, user_id).await?;
        }
        return Ok(works);
    }
    match ctx.body_str("password") {
        Some(password) => Ok(password_proof(ctx, user_id, password).await? == Some(true)),
        None => Ok(false),
    }
}

/// The user's enrolment and a fresh proof, or the answer.
async fn proven<'a>(ctx: &Ctx<'a>) -> Result<(&'a TwoFactorRuntime, String), Refusal> {
    let (runtime, user_id) = account_user(ctx).await?;
    let Some(record) = runtime.adapter.get_two_factor(&user_id).await? else {
        return Err(Refusal::Code(
            ErrorCode::Verification,
            StatusCode::BAD_REQUEST,
        ));
    };
    if !fresh_proof(ctx, runtime, &user_id, &record).await? {
        let event = (ctx.audit_event(AuditKind::ProofFailed))
            .user(&user_id)
            .detail("two_factor");
        ctx.audit(event).await;
        return Err(Refusal::Code(
            ErrorCode::CredentialsSignin,
            StatusCode::UNAUTHORIZED,
        ));
    }
    Ok((runtime, user_id))
}

/// `POST /account/two-factor-disable` `{code}` or `{password}`.
pub(crate) async fn disable(ctx: Ctx<'_>) -> Response<Bytes> {
    if let Some(runtime) = &ctx.inner.two_factor
        && runtime.options.mode == TwoFactorMode::Required
    {
        // Required for everyone: a user cannot turn it off (new recovery codes, yes).
        return refused(ctx, ErrorCode::AccessDenied, StatusCode::FORBIDDEN);
    }
    let (runtime, user_id) = match proven(&ctx).await {
        Ok(found) => found,
        Err(refusal) => return refusal.answer(ctx),
    };
    if let Err(error) = runtime.adapter.disable_two_factor(&user_id).await {
        return ctx.fail(error.into());
    }
    let event = ctx.audit_event(AuditKind::TwoFactorDisabled).user(&user_id);
    ctx.audit(event).await;
    notify(&ctx, runtime, &user_id).await;
    done(ctx, Notice::TwoFactorDisabled)
}

/// `POST /account/two-factor-recovery-codes` `{code}` or `{password}`: ten new codes, the old
/// ones stop working.
pub(crate) async fn regenerate(ctx: Ctx<'_>) -> Response<Bytes> {
    let (runtime, user_id) = match proven(&ctx).await {
        Ok(found) => found,
        Err(refusal) => return refusal.answer(ctx),
    };
    let (codes, hashes) = recovery_codes(&ctx);
    match runtime
        .adapter
        .replace_recovery_codes(&user_id, &hashes)
        .await
    {
        Ok(true) => {}
        Ok(false) => return refused(ctx, ErrorCode::Verification, StatusCode::BAD_REQUEST),
        Err(error) => return ctx.fail(error.into()),
    }
    let event = (ctx.audit_event(AuditKind::RecoveryCodesRegenerated)).user(&user_id);
    ctx.audit(event).await;
    notify(&ctx, runtime, &user_id).await;
    let back = ctx.url("account");
    show_recovery_codes(ctx, &codes, &back)
}
