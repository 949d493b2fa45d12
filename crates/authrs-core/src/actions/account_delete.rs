//! Deleting one's own account, after a fresh proof that it is them: the password, or a code
//! mailed to the account's address (for accounts without a password). Feature `password`.
//!
//! - `POST /account/delete-request`: mails a code (single use, `token_max_age`), under the
//!   mail limits per address and client.
//! - `POST /account/delete` `{password}` or `{code}`: checks the proof (a password through
//!   the password throttle, a code under the code-attempt limit), then removes the user with
//!   their sessions, linked accounts, password and pending links and codes in one
//!   transaction ([`Adapter::delete_user_with_tokens`]), and signs this browser out.

use std::sync::Arc;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::Ctx;
use super::password::{Mailer, OwnAccount, check_own_password, send_mail};
use super::prelude::{NotSignedIn, done, not_signed_in, refused, signed_in_user};
use super::proof::{
    Proof, binding_identifier, code_hash, reset_identifier, spend_proof, verify_identifier,
};
use super::throttle::checked;
use crate::adapter::{Adapter, Timestamp, VerificationToken};
use crate::audit::AuditKind;
use crate::error::{Error, ErrorCode};
use crate::inner::Accounts;
use crate::pages::account::Notice;
use crate::providers::EmailPurpose;
use crate::providers::email::{canonical_code, random_code};

/// The limits' name for these mails and codes.
const MAIL_PURPOSE: &str = "account-delete";

/// Where a deletion code is kept.
fn delete_identifier(user_id: &str) -> String {
    format!("account-delete:{user_id}")
}

/// The signed-in user's account, or why there is none.
async fn own_account(ctx: &Ctx<'_>, adapter: &dyn Adapter) -> Result<OwnAccount, NotSignedIn> {
    let user_id = signed_in_user(ctx).await?;
    match OwnAccount::load(adapter, &user_id).await {
        Ok(Some(own)) => Ok(own),
        Ok(None) => Err(NotSignedIn::NoSession),
        Err(error) => Err(NotSignedIn::Failed(error.into())),
    }
}

/// `POST /account/delete-request`: mails a code that confirms deleting the account, for an
/// account without a password (one with a password proves it with the password).
pub(crate) async fn request_code(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let adapter = features.adapter.as_ref();
    let own = match own_account(&ctx, adapter).await {
        Ok(own) => own,
        Err(why) => return not_signed_in(ctx, why),
    };
    let (None, Some(email), Some(_)) = (&own.stored, &own.email, &features.options.transport)
    else {
        return refused(ctx, ErrorCode::Default, StatusCode::BAD_REQUEST);
    };
    let counted = features
        .options
        .mail_limits
        .count_send(&ctx.limits(), MAIL_PURPOSE, email)
        .await;
    if let Err(stop) = checked(counted) {
        return stop.answer(ctx);
    }
    let identifier = delete_identifier(&own.user_id);
    let expires =
        Timestamp::from_millis(ctx.now_ms).plus_secs(features.options.token_max_age.as_secs());
    let code = random_code();
    let stored = async {
        // A new code replaces the last one.
        adapter.delete_verification_tokens(&identifier).await?;
        let Some(canonical) = canonical_code(&code) else {
            return Err(Error::Verification("a fresh code did not read back"));
        };
        adapter
            .create_verification_token(VerificationToken {
                identifier: identifier.clone(),
                token_hash: code_hash(&canonical, ctx.inner.secrets[0].expose()),
                expires,
            })
            .await?;
        Ok(())
    };
    if let Err(error) = stored.await {
        return ctx.fail(error);
    }
    let mailer = Mailer {
        inner: ctx.inner,
        accounts: features,
        language: ctx.messages().language_index(),
    };
    // From the configured URL only: a forwarded host must not choose where the link points.
    let url = format!("{}/account", ctx.inner.base_url);
    let sent = send_mail(
        mailer,
        email,
        EmailPurpose::DeleteAccount,
        url,
        Some(code),
        expires,
    )
    .await;
    if let Err(error) = sent {
        return ctx.fail(error);
    }
    let event = ctx.audit_event(AuditKind::DeletionRequested);
    ctx.audit(event.user(&own.user_id)).await;
    done(ctx, Notice::DeleteCodeSent)
}

/// `POST /account/delete` `{password}` or `{code}`.
pub(crate) async fn delete(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let adapter = features.adapter.as_ref();
    let own = match own_account(&ctx, adapter).await {
        Ok(own) => own,
        Err(why) => return not_signed_in(ctx, why),
    };
    let identifier = delete_identifier(&own.user_id);
    let proven = if own.stored.is_some() {
        // An account with a password proves it with the password, throttled.
        let password = ctx.body_str("password").unwrap_or_default().to_owned();
        match check_own_password(&ctx, features, &own, &password).await {
            Ok(right) => right,
            Err(stop) => return stop.answer(ctx),
        }
    } else {
        let Some(email) = &own.email else {
            return refused(ctx, ErrorCode::Verification, StatusCode::BAD_REQUEST);
        };
        let limits = features.options.mail_limits;
        let counted = limits
            .count_code_attempt(&ctx.limits(), MAIL_PURPOSE, email)
            .await;
        if let Err(stop) = checked(counted) {
            return stop.answer(ctx);
        }
        let spent = match ctx.body_str("code").and_then(canonical_code) {
            Some(code) => {
                let proof = Proof::Code(code);
                match spend_proof(&ctx.inner.secrets, adapter, &identifier, &proof).await {
                    Ok(spent) => spent
                        .is_some_and(|token| token.expires > Timestamp::from_millis(ctx.now_ms)),
                    Err(error) => return ctx.fail(error.into()),
                }
            }
            None => false,
        };
        if spent && let Err(error) = limits.code_worked(&ctx.limits(), MAIL_PURPOSE, email).await {
            return ctx.fail(error.into());
        }
        spent
    };
    if !proven {
        let code = if own.stored.is_some() {
            ErrorCode::CredentialsSignin
        } else {
            ErrorCode::Verification
        };
        let event = (ctx.audit_event(AuditKind::ProofFailed)).user(&own.user_id);
        ctx.audit(event.detail("delete_account")).await;
        return refused(ctx, code, StatusCode::UNAUTHORIZED);
    }
    let user_id = &own.user_id;
    let mut tokens = vec![
        identifier,
        verify_identifier(user_id),
        reset_identifier(user_id),
        binding_identifier(user_id),
    ];
    // Email sign-in links and codes are kept under the normalised address.
    tokens.extend(own.email.clone());
    // A copy of this browser's JWT must not outlive the account (with revocable JWTs).
    if let Err(error) = super::signout::deny_jwt_session(&ctx).await {
        return ctx.fail(error);
    }
    if let Err(error) = adapter.delete_user_with_tokens(user_id, &tokens).await {
        return ctx.fail(error.into());
    }
    ctx.clear_session_cookie();
    let event = ctx.audit_event(AuditKind::AccountDeleted);
    ctx.audit(event.user(user_id)).await;
    let home = ctx.origin.as_str().to_owned();
    ctx.redirect(home, StatusCode::OK)
}
