//! The email provider's endpoints (protocol §6, and the rules in [`crate::providers::email`]):
//! `POST /signin/<id>` mails a link and a code; `GET /callback/<id>` shows the confirm page
//! (or signs in, in [`EmailLinkMode::SignInOnGet`]); `POST /callback/<id>` signs in with the
//! link's token or a typed code.

use bytes::Bytes;
use http::{Response, StatusCode};

use super::complete::{SigningIn, finish_sign_in};
use super::proof::{OwnershipProof, Proof, code_hash, link_hash, prove_ownership, spend_proof};
use super::throttle::checked;
use super::{Ctx, encode};
use crate::adapter::{Adapter, AdapterError, AdapterUser, NewUser, Timestamp, VerificationToken};
use crate::audit::AuditKind;
use crate::callbacks::{SignInArgs, SignInDecision};
use crate::email::normalize_email;
use crate::error::{Error, ErrorCode};
use crate::pages;
use crate::providers::email::{
    EmailDetails, EmailLinkMode, EmailMessage, EmailProvider, EmailPurpose, canonical_code,
    random_code,
};
use crate::secret::random_hex;
use crate::user::{Account, ProviderType, User};

fn account(provider: &EmailProvider, email: &str) -> Account {
    Account {
        provider: provider.id.clone(),
        provider_type: ProviderType::Email,
        provider_account_id: email.to_owned(),
    }
}

/// `POST /signin/<id>` (CSRF already checked): normalise the address, apply the limits, ask
/// the `sign_in` callback, store the hashes, send the mail, go to the verify-request page.
pub(crate) async fn send_link(
    mut ctx: Ctx<'_>,
    provider: &EmailProvider,
    adapter: &dyn Adapter,
    callback_url: String,
) -> Response<Bytes> {
    let Ok(email) = normalize_email(ctx.body_str("email").unwrap_or_default()) else {
        return ctx.fail(Error::InvalidEmailAddress);
    };
    // A sign-in mail this browser asks for itself drops a new account's passkey waiting here
    // (someone else's, on a shared computer); the passkey sign-up sets its own cookie first.
    #[cfg(feature = "passkey")]
    {
        let name = ctx.inner.cookie_names.passkey_sign_up.clone();
        let setting = ctx.set_cookies.iter().any(|cookie| cookie.name == name);
        if !setting && ctx.cookies.get(&name).is_some() {
            let secure = ctx.secure();
            ctx.set_cookies.push(crate::cookies::delete(&name, secure));
        }
    }
    if let Err(stop) = checked(
        provider
            .limits
            .count_send(&ctx.limits(), &provider.id, &email)
            .await,
    ) {
        return stop.answer(ctx);
    }
    let existing = match adapter.get_user_by_email(&email).await {
        Ok(user) => user,
        Err(error) => return ctx.fail(error.into()),
    };
    // NextAuth's placeholder for an address with no user yet: v4 uses the address as the id,
    // v5 a random UUID.
    let user = existing.map(User::from).unwrap_or_else(|| User {
        id: if ctx.is_v5() {
            uuid::Uuid::new_v4().to_string()
        } else {
            email.clone()
        },
        email: Some(email.clone()),
        ..User::default()
    });
    let decision = ctx
        .inner
        .callbacks
        .sign_in(SignInArgs {
            user: &user,
            account: &account(provider, &email),
            credentials: None,
            verification_request: true,
        })
        .await;
    match decision {
        Ok(SignInDecision::Allow) => {}
        Ok(SignInDecision::Deny) => return ctx.fail(Error::AccessDenied),
        Ok(SignInDecision::Redirect(url)) => {
            let url = ctx.validate(&url);
            return ctx.redirect(url, StatusCode::OK);
        }
        Err(error) => return ctx.fail(Error::SignInCallback(error)),
    }

    let secret = ctx.inner.secrets[0].expose();
    let expires = Timestamp::from_millis(ctx.now_ms).plus_secs(provider.max_age.as_secs());
    let token = random_hex::<32>();
    let code = provider.one_time_code.then(random_code);
    let mut hashes = vec![link_hash(&token, secret)];
    if let Some(code) = code.as_deref().and_then(canonical_code) {
        hashes.push(code_hash(&code, secret));
    }
    for token_hash in &hashes {
        let stored = VerificationToken {
            identifier: email.clone(),
            token_hash: token_hash.clone(),
            expires,
        };
        if let Err(error) = adapter.create_verification_token(stored).await {
            return ctx.fail(error.into());
        }
    }
    // From the configured URL only: a forwarded host must not choose where the link points.
    let url = format!(
        "{}/callback/{}?callbackUrl={}&token={token}&email={}",
        ctx.inner.base_url,
        provider.id,
        encode(&callback_url),
        encode(&email)
    );
    let messages = ctx.messages();
    let message = compose(&ctx, messages, provider, &email, url, code, expires);
    let sent = provider.transport.send(&message).await;
    crate::telemetry::mail(EmailPurpose::SignIn, sent.is_ok());
    if let Err(error) = sent {
        for token_hash in &hashes {
            // Best effort: an unsent token only waits for the sweep.
            let _ = adapter.use_verification_token(&email, token_hash).await;
        }
        return ctx.fail(Error::EmailSend(error));
    }
    tracing::info!(provider = %provider.id, "sign-in email sent");
    // The verify-request page fills the address into its code form from this.
    let name = ctx.inner.cookie_names.email_hint.clone();
    let now = ctx.now_secs();
    ctx.set_cookies.push(crate::cookies::SetCookie {
        name,
        value: email,
        lifetime: crate::cookies::CookieLifetime::MaxAge {
            seconds: provider.max_age.as_secs(),
            now_secs: now,
        },
        secure: ctx.secure(),
        same_site_none: false,
    });
    let url = verify_request_url(&ctx, provider, "");
    ctx.redirect(url, StatusCode::OK)
}

/// The verify-request page for `provider`, with `extra` (`&error=…`) appended to its query.
fn verify_request_url(ctx: &Ctx<'_>, provider: &EmailProvider, extra: &str) -> String {
    format!(
        "{}?provider={}&type=email{extra}",
        ctx.url("verify-request"),
        encode(&provider.id)
    )
}

/// The mail for `email`: the template's content with the link and code.
fn compose(
    ctx: &Ctx<'_>,
    messages: crate::i18n::Messages<'_>,
    provider: &EmailProvider,
    email: &str,
    url: String,
    code: Option<String>,
    expires: Timestamp,
) -> EmailMessage {
    let details = EmailDetails {
        purpose: EmailPurpose::SignIn,
        site: ctx.inner.origin.host(),
        url: &url,
        code: code.as_deref(),
        valid_for: provider.max_age,
        brand_color: pages::brand_color(&ctx.inner.theme),
        messages,
    };
    crate::providers::email::render_message(provider.template.as_ref(), &details, email, expires)
}

/// `GET /callback/<id>`: the confirm page; in [`EmailLinkMode::SignInOnGet`] a GET (never a
/// HEAD) signs in directly.
pub(crate) async fn callback_get(
    mut ctx: Ctx<'_>,
    provider: &EmailProvider,
    adapter: &dyn Adapter,
) -> Response<Bytes> {
    let token = ctx.query("token").unwrap_or_default().to_owned();
    let email = normalize_email(ctx.query("email").unwrap_or_default());
    let Ok(email) = email else {
        return ctx.fail(Error::Verification("the link's address is not valid"));
    };
    if token.is_empty() {
        return ctx.fail(Error::Verification("the link has no token"));
    }
    if provider.link_mode == EmailLinkMode::SignInOnGet && !ctx.is_head {
        return complete(ctx, provider, adapter, &email, Proof::Link(&token)).await;
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let csrf_token = ctx.csrf_token();
    let look = ctx.look();
    let markup = pages::confirm_email_sign_in(&pages::ConfirmPage {
        look,
        action: &ctx.url(&format!("callback/{}", provider.id)),
        csrf_token: &csrf_token,
        callback_url: &callback_url,
        email: &email,
        token: &token,
        site: ctx.inner.origin.host(),
    });
    ctx.html(StatusCode::OK, markup)
}

/// `POST /callback/<id>`: CSRF-checked; `{email, token}` from the confirm page or
/// `{email, code}` from the verify-request page.
pub(crate) async fn callback_post(
    ctx: Ctx<'_>,
    provider: &EmailProvider,
    adapter: &dyn Adapter,
) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let email = normalize_email(ctx.body_str("email").unwrap_or_default());
    if let Some(typed) = ctx.body_str("code") {
        let Ok(email) = email else {
            return wrong_code(ctx, provider, None);
        };
        // Every attempt counts before the code is looked at, a malformed one too, so that
        // concurrent guesses cannot race past the limit; one that works is taken back.
        let counted = (provider.limits)
            .count_code_attempt(&ctx.limits(), &provider.id, &email)
            .await;
        if let Err(stop) = checked(counted) {
            return stop.answer(ctx);
        }
        return match canonical_code(typed) {
            Some(code) => complete(ctx, provider, adapter, &email, Proof::Code(code)).await,
            None => wrong_code(ctx, provider, Some(email)),
        };
    }
    let token = ctx.body_str("token").unwrap_or_default().to_owned();
    match email {
        Ok(email) if !token.is_empty() => {
            complete(ctx, provider, adapter, &email, Proof::Link(&token)).await
        }
        _ => ctx.fail(Error::Verification("no address or token was posted")),
    }
}

/// Back to the verify-request page with `error=Verification`, for a code that did not work
/// (recorded for the address's account, when it has one).
fn wrong_code(ctx: Ctx<'_>, provider: &EmailProvider, email: Option<String>) -> Response<Bytes> {
    ctx.count_sign_in(ErrorCode::Verification.as_str());
    let event = (ctx.audit_event(AuditKind::SignInFailed))
        .provider(&provider.id)
        .detail("WrongCode");
    ctx.audit_failure_for(email, event);
    let url = verify_request_url(&ctx, provider, "&error=Verification");
    ctx.redirect(url, StatusCode::FORBIDDEN)
}

/// Spends the proof, finds or creates the user, and signs in.
async fn complete(
    mut ctx: Ctx<'_>,
    provider: &EmailProvider,
    adapter: &dyn Adapter,
    email: &str,
    proof: Proof<'_>,
) -> Response<Bytes> {
    // A code attempt was counted by the caller, before the code was looked at.
    let is_code = matches!(proof, Proof::Code(_));
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let used = spend_proof(&ctx.inner.secrets, adapter, email, &proof).await;
    let used = match used {
        Ok(used) => used,
        Err(error) => return ctx.fail(error.into()),
    };
    let now = Timestamp::from_millis(ctx.now_ms);
    let valid = used.is_some_and(|token| token.expires > now);
    if !valid {
        if is_code {
            return wrong_code(ctx, provider, Some(email.to_owned()));
        }
        return ctx.fail(Error::Verification("unknown, used or expired link"));
    }
    if is_code
        && let Err(error) = provider
            .limits
            .code_worked(&ctx.limits(), &provider.id, email)
            .await
    {
        return ctx.fail(error.into());
    }
    // The mail's other proof (the code after the link, or the link after the code), and
    // any earlier mail's, sign in no more.
    if let Err(error) = adapter.delete_verification_tokens(email).await {
        return ctx.fail(error.into());
    }
    let (user, is_new) = match verified_user(adapter, email, now).await {
        Ok(found) => found,
        Err(error) => return ctx.fail(error),
    };
    if is_new {
        let event = (ctx.audit_event(AuditKind::AccountCreated))
            .user(&user.id)
            .provider(&provider.id);
        ctx.audit(event).await;
    }
    let user = User::from(user);
    let signing_in = SigningIn {
        user: &user,
        account: &account(provider, email),
        credentials: None,
        is_new_user: is_new,
    };
    finish_sign_in(ctx, signing_in, callback_url).await
}

/// The user who just proved they own `email`, marked verified now (after the one clean-up of
/// [`prove_ownership`]); created if new.
async fn verified_user(
    adapter: &dyn Adapter,
    email: &str,
    now: Timestamp,
) -> Result<(AdapterUser, bool), Error> {
    if let Some(user) = adapter.get_user_by_email(email).await? {
        // Sessions from before this request end; the one it starts does not.
        let stamp_at = Timestamp::from_millis(now.as_millis().saturating_sub(1));
        let user =
            prove_ownership(adapter, user, OwnershipProof::EmailSignIn, now, stamp_at).await?;
        return Ok((user, false));
    }
    let new_user = NewUser {
        email: Some(email.to_owned()),
        email_verified: Some(now),
        ..NewUser::default()
    };
    match adapter.create_user(new_user).await {
        Ok(user) => Ok((user, true)),
        // Another request created it a moment ago.
        Err(AdapterError::DuplicateEmail) => match adapter.get_user_by_email(email).await? {
            Some(user) => Ok((user, false)),
            None => Err(Error::EmailCreateAccount(AdapterError::UserNotFound)),
        },
        Err(error) => Err(Error::EmailCreateAccount(error)),
    }
}
