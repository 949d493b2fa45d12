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
use super::account_page::{done, refused};
use super::password::{Mailer, check_own_password, send_mail};
use super::prelude::{NotSignedIn, not_signed_in, signed_in};
use super::proof::{
    Proof, binding_identifier, code_hash, reset_identifier, spend_proof, verify_identifier,
};
use super::throttle::checked;
use crate::adapter::{Adapter, Timestamp, VerificationToken};
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

/// The signed-in user's id and address, or the answer for a request without one.
async fn user(
    ctx: &mut Ctx<'_>,
    adapter: &dyn Adapter,
) -> Result<(String, Option<String>), NotSignedIn> {
    let (_, user_id) = signed_in(ctx).await?;
    match adapter.get_user(&user_id).await {
        Ok(Some(user)) => Ok((user.id, user.email)),
        Ok(None) => Err(NotSignedIn::NoSession),
        Err(error) => Err(NotSignedIn::Failed(error.into())),
    }
}

/// `POST /account/delete-request`: mails a code that confirms deleting the account.
pub(crate) async fn request_code(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let adapter = features.adapter.as_ref();
    let (user_id, email) = match user(&mut ctx, adapter).await {
        Ok(found) => found,
        Err(why) => return not_signed_in(ctx, why),
    };
    let (Some(email), Some(_)) = (email, &features.options.transport) else {
        return refused(ctx, ErrorCode::Default, StatusCode::BAD_REQUEST);
    };
    let counted = features
        .options
        .mail_limits
        .count_send(&ctx.limits(), MAIL_PURPOSE, &email)
        .await;
    if let Err(stop) = checked(counted) {
        return stop.answer(ctx);
    }
    let identifier = delete_identifier(&user_id);
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
    let url = ctx.url("account");
    let sent = send_mail(
        mailer,
        &email,
        EmailPurpose::DeleteAccount,
        url,
        Some(code),
        expires,
    )
    .await;
    if let Err(error) = sent {
        return ctx.fail(error);
    }
    tracing::info!(user = %user_id, "a code to delete the account was mailed");
    done(ctx, Notice::DeleteCodeSent)
}

/// `POST /account/delete` `{password}` or `{code}`.
pub(crate) async fn delete(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let adapter = features.adapter.as_ref();
    let (user_id, email) = match user(&mut ctx, adapter).await {
        Ok(found) => found,
        Err(why) => return not_signed_in(ctx, why),
    };
    let stored = match adapter.get_password_hash(&user_id).await {
        Ok(stored) => stored,
        Err(error) => return ctx.fail(error.into()),
    };
    let identifier = delete_identifier(&user_id);
    let proven = match &stored {
        // An account with a password proves it with the password, throttled.
        Some(_) => {
            let password = ctx.body_str("password").unwrap_or_default().to_owned();
            match check_own_password(&ctx, features, &user_id, &password).await {
                Ok(right) => right,
                Err(stop) => return stop.answer(ctx),
            }
        }
        None => {
            let Some(email) = &email else {
                return refused(ctx, ErrorCode::Verification, StatusCode::BAD_REQUEST);
            };
            let limits = features.options.mail_limits;
            let counted = limits
                .count_code_attempt(&ctx.limits(), MAIL_PURPOSE, email)
                .await;
            if let Err(stop) = checked(counted) {
                return stop.answer(ctx);
            }
            let code = ctx.body_str("code").and_then(canonical_code);
            let spent = match code {
                Some(code) => {
                    let proof = Proof::Code(code);
                    match spend_proof(&ctx.inner.secrets, adapter, &identifier, &proof).await {
                        Ok(spent) => spent.is_some_and(|token| {
                            token.expires > Timestamp::from_millis(ctx.now_ms)
                        }),
                        Err(error) => return ctx.fail(error.into()),
                    }
                }
                None => false,
            };
            if spent
                && let Err(error) = limits.code_worked(&ctx.limits(), MAIL_PURPOSE, email).await
            {
                return ctx.fail(error.into());
            }
            spent
        }
    };
    if !proven {
        let code = if stored.is_some() {
            ErrorCode::CredentialsSignin
        } else {
            ErrorCode::Verification
        };
        return refused(ctx, code, StatusCode::UNAUTHORIZED);
    }
    let mut tokens = vec![
        identifier,
        verify_identifier(&user_id),
        reset_identifier(&user_id),
        binding_identifier(&user_id),
    ];
    // Email sign-in links and codes are kept under the address.
    tokens.extend(email.clone());
    if let Err(error) = adapter.delete_user_with_tokens(&user_id, &tokens).await {
        return ctx.fail(error.into());
    }
    ctx.clear_session_cookie();
    tracing::info!(user = %user_id, "account deleted by its owner");
    let home = ctx.origin.as_str().to_owned();
    ctx.redirect(home, StatusCode::OK)
}
