//! `/account/*`: email-and-password accounts, in our own routes beside NextAuth's (clients that
//! do not know them are unaffected). Every POST is CSRF-checked.
//!
//! - `POST /account/signup` `{email, password, name?}`: creates the account. The answer is the
//!   same whether or not the address already had one, and the password is hashed either way,
//!   so sign-up does not reveal which addresses are registered (ASVS 6.3.8).
//! - `POST /account/change-password` `{currentPassword, newPassword}` (signed in): replaces the
//!   password and signs out everywhere, this browser included.
//! - `POST /account/signout-everywhere` (signed in): deletes every session of the user and
//!   stamps the time, which revocable JWT sessions check.
//! - `POST /account/unlink` `{provider}` (signed in): unlinks the user's account at an OAuth
//!   provider, unless it is their last way to sign in.
//! - `POST /account/reset-password-request` `{email}`: when the address has an account, stores
//!   the hash of a single-use token bound to that user and sends a link through the configured
//!   transport. The answer never says whether it did.
//! - `GET /account/reset-password?email&token`: the form; `POST /account/reset-password`
//!   `{email, token, password}` sets the password (once), and signs out everywhere.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Response, StatusCode};

use super::email::too_many;
use super::{Ctx, encode, unsupported};
use crate::adapter::{Adapter, AdapterError, NewUser, Timestamp, VerificationToken};
use crate::config::EmailPassword;
use crate::email::normalize_email;
use crate::error::{Error, ErrorCode};
use crate::pages;
use crate::password::PasswordHashing;
use crate::providers::{DefaultEmailTemplate, EmailDetails, EmailMessage, EmailPurpose};
use crate::secret::{random_hex, sha256_hex};

/// Longest password accepted, in bytes (a bound on hashing work, far above any real password).
const MAX_PASSWORD_BYTES: usize = 1024;

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
    // Any adapter-backed setup can end all of a user's sessions, whatever they signed in with.
    if is_post && operation == "signout-everywhere" {
        return sign_out_everywhere(ctx, adapter.as_ref()).await;
    }
    if is_post && operation == "unlink" {
        return unlink(ctx, adapter.as_ref()).await;
    }
    let (Some(options), Some(hashing)) = (
        ctx.inner.email_password.clone(),
        ctx.inner.password_hashing.clone(),
    ) else {
        return unsupported(ctx.inner, ctx.method);
    };
    let features = Features {
        adapter: adapter.as_ref(),
        options: &options,
        hashing: hashing.as_ref(),
    };
    let reset = options.reset_transport.is_some();
    match (is_post, operation) {
        (false, "reset-password") if reset => reset_page(ctx),
        (true, "signup") if options.sign_up => sign_up(ctx, &features).await,
        (true, "change-password") => change_password(ctx, &features).await,
        (true, "reset-password-request") if reset => reset_request(ctx, &features).await,
        (true, "reset-password") if reset => reset_confirm(ctx, &features).await,
        _ => unsupported(ctx.inner, ctx.method),
    }
}

struct Features<'a> {
    adapter: &'a dyn Adapter,
    options: &'a EmailPassword,
    hashing: &'a dyn PasswordHashing,
}

impl Features<'_> {
    /// Hashes a password (a hashing failure is a server error, never shown).
    async fn hash(&self, password: &str) -> Result<String, Error> {
        self.hashing
            .hash(password)
            .await
            .map_err(|error| Error::Authorize(crate::providers::AuthorizeError(error.to_string())))
    }

    /// Hashes `password` and stores it as the user's.
    async fn set_password(&self, user_id: &str, password: &str) -> Result<(), Error> {
        let hash = self.hash(password).await?;
        self.adapter.set_password_hash(user_id, Some(&hash)).await?;
        Ok(())
    }

    fn password_acceptable(&self, password: &str) -> bool {
        password.chars().count() >= self.options.min_password_length
            && password.len() <= MAX_PASSWORD_BYTES
    }
}

/// Redirects to the sign-in page with a notice (`AccountCreated`, …) or an error code.
fn to_sign_in(ctx: Ctx<'_>, query: &str, status: StatusCode) -> Response<Bytes> {
    let url = format!("{}?{query}", ctx.url("signin"));
    ctx.redirect(url, status)
}

fn refuse(ctx: Ctx<'_>, code: ErrorCode, status: StatusCode) -> Response<Bytes> {
    tracing::info!(code = code.as_str(), "account request refused");
    to_sign_in(ctx, &format!("error={}", code.as_str()), status)
}

async fn sign_up(mut ctx: Ctx<'_>, features: &Features<'_>) -> Response<Bytes> {
    if let Err(error) = ctx.callback_url().await {
        return ctx.fail(error);
    }
    let Ok(email) = normalize_email(ctx.body_str("email").unwrap_or_default()) else {
        return refuse(ctx, ErrorCode::InvalidEmail, StatusCode::BAD_REQUEST);
    };
    let password = ctx.body_str("password").unwrap_or_default().to_owned();
    if !features.password_acceptable(&password) {
        return refuse(ctx, ErrorCode::PasswordPolicy, StatusCode::BAD_REQUEST);
    }
    // Hash before looking at the address, so both outcomes cost the same.
    let hash = match features.hash(&password).await {
        Ok(hash) => hash,
        Err(error) => return ctx.fail(error),
    };
    let name = ctx
        .body_str("name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(200).collect());
    let user = NewUser {
        name,
        email: Some(email),
        password_hash: Some(hash),
        ..NewUser::default()
    };
    match features.adapter.create_user(user).await {
        Ok(user) => tracing::info!(user = %user.id, "account created"),
        Err(AdapterError::DuplicateEmail) => {
            tracing::info!("sign-up for an address that has an account")
        }
        Err(error) => return ctx.fail(error.into()),
    }
    to_sign_in(ctx, "notice=AccountCreated", StatusCode::OK)
}

async fn change_password(mut ctx: Ctx<'_>, features: &Features<'_>) -> Response<Bytes> {
    let user_id = match super::session::current_user_id(&ctx).await {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED),
        Err(error) => return ctx.fail(error),
    };
    let new_password = ctx.body_str("newPassword").unwrap_or_default().to_owned();
    if !features.password_acceptable(&new_password) {
        return refuse(ctx, ErrorCode::PasswordPolicy, StatusCode::BAD_REQUEST);
    }
    let stored = match features.adapter.get_password_hash(&user_id).await {
        Ok(stored) => stored,
        Err(error) => return ctx.fail(error.into()),
    };
    let current = ctx.body_str("currentPassword").unwrap_or_default();
    if !features.hashing.verify(current, stored.as_deref()).await {
        return refuse(ctx, ErrorCode::CredentialsSignin, StatusCode::UNAUTHORIZED);
    }
    if let Err(error) = features.set_password(&user_id, &new_password).await {
        return ctx.fail(error);
    }
    if let Err(error) = end_all_sessions(&mut ctx, features.adapter, &user_id).await {
        return ctx.fail(error);
    }
    tracing::info!(user = %user_id, "password changed; signed out everywhere");
    to_sign_in(ctx, "notice=PasswordChanged", StatusCode::OK)
}

/// Why a request that needs a signed-in user cannot go on.
enum NotSignedIn {
    /// No session: 401 `SessionRequired`.
    NoSession,
    /// Reading the session or the callback URL failed.
    Failed(Error),
}

/// The callback URL and the signed-in user's id of a request that needs one.
async fn signed_in(ctx: &mut Ctx<'_>) -> Result<(String, String), NotSignedIn> {
    let callback_url = ctx.callback_url().await.map_err(NotSignedIn::Failed)?;
    match super::session::current_user_id(ctx).await {
        Ok(Some(user_id)) => Ok((callback_url, user_id)),
        Ok(None) => Err(NotSignedIn::NoSession),
        Err(error) => Err(NotSignedIn::Failed(error)),
    }
}

fn not_signed_in(ctx: Ctx<'_>, why: NotSignedIn) -> Response<Bytes> {
    match why {
        NotSignedIn::NoSession => refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED),
        NotSignedIn::Failed(error) => ctx.fail(error),
    }
}

async fn sign_out_everywhere(mut ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let (callback_url, user_id) = match signed_in(&mut ctx).await {
        Ok(found) => found,
        Err(why) => return not_signed_in(ctx, why),
    };
    if let Err(error) = end_all_sessions(&mut ctx, adapter, &user_id).await {
        return ctx.fail(error);
    }
    tracing::info!(user = %user_id, "signed out everywhere");
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
    let has_email = ctx
        .inner
        .providers
        .iter()
        .any(|p| matches!(p, crate::providers::Provider::Email(_)));
    if accounts.len() == 1 && !has_password && !has_email {
        return refuse(ctx, ErrorCode::LastSignInMethod, StatusCode::BAD_REQUEST);
    }
    if let Err(error) = adapter
        .unlink_account(&account.provider, &account.provider_account_id)
        .await
    {
        return ctx.fail(error.into());
    }
    tracing::info!(user = %user_id, provider = %provider, "account unlinked");
    ctx.redirect(callback_url, StatusCode::OK)
}

/// Deletes every database session of the user, stamps the time for JWT sessions, and clears
/// this browser's cookie.
async fn end_all_sessions(
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

fn reset_identifier(user_id: &str) -> String {
    format!("password-reset:{user_id}")
}

async fn reset_request(ctx: Ctx<'_>, features: &Features<'_>) -> Response<Bytes> {
    let Ok(email) = normalize_email(ctx.body_str("email").unwrap_or_default()) else {
        return refuse(ctx, ErrorCode::InvalidEmail, StatusCode::BAD_REQUEST);
    };
    // Counted before the address is looked up, so a limit says nothing about an account.
    let counted = ctx
        .inner
        .reset_limiters
        .as_ref()
        .map(|limiters| limiters.count_send(&email, ctx.client_ip, ctx.now_ms));
    if let Some(Err((retry_after, limit))) = counted {
        return too_many(ctx, retry_after, limit);
    }
    let user = match features.adapter.get_user_by_email(&email).await {
        Ok(user) => user,
        Err(error) => return ctx.fail(error.into()),
    };
    if let (Some(user), Some(transport)) = (user, &features.options.reset_transport) {
        let token = random_hex::<32>();
        let expires = Timestamp::from_millis(ctx.now_ms)
            .plus_secs(features.options.reset_token_max_age.as_secs());
        let stored = VerificationToken {
            identifier: reset_identifier(&user.id),
            token_hash: sha256_hex(&token),
            expires,
        };
        if let Err(error) = features.adapter.create_verification_token(stored).await {
            return ctx.fail(error.into());
        }
        // From the configured URL only: a forwarded host must not choose where the link
        // points.
        let url = format!(
            "{}/account/reset-password?email={}&token={token}",
            ctx.inner.base_url,
            encode(&email)
        );
        let template = features
            .options
            .reset_template
            .clone()
            .unwrap_or_else(|| Arc::new(DefaultEmailTemplate::default()));
        let content = template.render(&EmailDetails {
            purpose: EmailPurpose::PasswordReset,
            site: ctx.inner.origin.host(),
            url: &url,
            code: None,
            valid_for: features.options.reset_token_max_age,
            brand_color: pages::brand_color(&ctx.inner.theme),
        });
        let message = EmailMessage {
            to: email,
            purpose: EmailPurpose::PasswordReset,
            subject: content.subject,
            text: content.text,
            html: content.html,
            url,
            code: None,
            expires,
        };
        // A failed send is logged, never shown: the answer must not depend on the address.
        if let Err(error) = transport.send(&message).await {
            tracing::error!(%error, user = %user.id, "password-reset link could not be sent");
        }
    }
    to_sign_in(ctx, "notice=ResetSent", StatusCode::OK)
}

fn reset_page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    let csrf_token = ctx.csrf_token();
    let markup = pages::reset_password(
        &ctx.inner.theme,
        &ctx.base_url,
        &csrf_token,
        ctx.query("email").unwrap_or_default(),
        ctx.query("token").unwrap_or_default(),
    );
    ctx.html(StatusCode::OK, markup)
}

async fn reset_confirm(mut ctx: Ctx<'_>, features: &Features<'_>) -> Response<Bytes> {
    let password = ctx.body_str("password").unwrap_or_default().to_owned();
    // Checked before the token is spent, so a too-short password does not burn the link.
    if !features.password_acceptable(&password) {
        let query = format!(
            "email={}&token={}&error=PasswordPolicy",
            encode(ctx.body_str("email").unwrap_or_default()),
            encode(ctx.body_str("token").unwrap_or_default())
        );
        let url = format!("{}?{query}", ctx.url("account/reset-password"));
        return ctx.redirect(url, StatusCode::BAD_REQUEST);
    }
    let user = match normalize_email(ctx.body_str("email").unwrap_or_default()) {
        Ok(email) => match features.adapter.get_user_by_email(&email).await {
            Ok(user) => user,
            Err(error) => return ctx.fail(error.into()),
        },
        Err(_) => None,
    };
    let token = ctx.body_str("token").unwrap_or_default();
    let used = match &user {
        Some(user) => {
            features
                .adapter
                .use_verification_token(&reset_identifier(&user.id), &sha256_hex(token))
                .await
        }
        None => Ok(None),
    };
    let user = match (user, used) {
        (Some(user), Ok(Some(used))) if used.expires > Timestamp::from_millis(ctx.now_ms) => user,
        (_, Err(error)) => return ctx.fail(error.into()),
        _ => {
            tracing::info!("password reset with an unknown, used or expired token");
            let url = format!("{}?error=Verification", ctx.url("error"));
            return ctx.redirect(url, StatusCode::FORBIDDEN);
        }
    };
    if let Err(error) = features.set_password(&user.id, &password).await {
        return ctx.fail(error);
    }
    if let Err(error) = end_all_sessions(&mut ctx, features.adapter, &user.id).await {
        return ctx.fail(error);
    }
    tracing::info!(user = %user.id, "password reset; signed out everywhere");
    to_sign_in(ctx, "notice=PasswordReset", StatusCode::OK)
}
