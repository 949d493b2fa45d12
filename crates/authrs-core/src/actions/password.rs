//! `/account/*` for email-and-password accounts (feature `password`), dispatched from
//! `actions/account.rs`. Every POST is CSRF-checked there.
//!
//! - `POST /account/signup` `{email, password, name?}`: creates the account, unverified, and
//!   mails a link and a code that prove the address. An address that has an account (or a
//!   sign-up in progress) gets a mail with a link to choose a new password instead. The
//!   answer is the same either way, the password is hashed either way, and the look-up and
//!   the mail run in the background, so sign-up does not reveal which addresses are
//!   registered, by content or by time (ASVS 6.3.8).
//! - `GET /account/verify-email?email[&token]`: the confirm page behind the link (a button
//!   that POSTs, so mail scanners spend nothing), or the code form with "send again".
//!   `POST /account/verify-email` `{email, token | code}` proves the address and signs in;
//!   `POST /account/verify-email-resend` `{email}` mails a new link and code.
//! - `POST /account/change-password` `{currentPassword, newPassword}` (signed in): replaces the
//!   password and signs out everywhere, this browser included.
//! - `POST /account/reset-password-request` `{email}`: when the address has an account, stores
//!   the hash of a single-use token bound to that user and sends a link through the configured
//!   transport, in the background. The answer never says whether it did.
//! - `GET /account/reset-password?email&token`: the form; `POST /account/reset-password`
//!   `{email, token, password}` sets the password (once), and signs out everywhere.
//!
//! Every proof of ownership of an address (the first email-link or code sign-in, a verified
//! sign-up, a completed password reset) runs one clean-up, [`prove_ownership`]: it marks the
//! address verified, removes what an unverified party attached to the row (a password set
//! before the proof, linked provider accounts, sessions, and JWT sessions through the "valid
//! after" stamp), and invalidates every outstanding reset link of the user. A password change
//! invalidates outstanding reset links too.

use std::sync::Arc;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::complete::{SigningIn, finish_sign_in};
use super::prelude::{end_all_sessions, refuse, to_sign_in};
use super::proof::{
    OwnershipProof, Proof, binding_identifier, code_hash, link_hash, prove_ownership,
    reset_identifier, spend_proof, verify_identifier,
};
use super::throttle::checked;
use super::{Ctx, encode, unsupported};
use crate::adapter::{AdapterError, AdapterUser, NewUser, Timestamp, VerificationToken};
use crate::audit::AuditKind;
use crate::background::Task;
use crate::email::normalize_email;
use crate::error::{Error, ErrorCode};
use crate::i18n::Language;
use crate::inner::{Accounts, Inner};
use crate::pages;
use crate::providers::email::{canonical_code, random_code};
use crate::providers::email_password::EMAIL_PASSWORD_PROVIDER_ID;
use crate::providers::{
    DefaultEmailTemplate, EmailDetails, EmailMessage, EmailPurpose, EmailTemplate, EmailTransport,
};
use crate::secret::{random_hex, sha256_hex};
use crate::user::{Account, ProviderType, User};

/// The limit purpose of the account mails (verification, reset, "account exists").
const MAIL_PURPOSE: &str = "account";

/// Longest password accepted, in bytes (a bound on hashing work, far above any real password).
const MAX_PASSWORD_BYTES: usize = 1024;
/// The accounts' operations (CSRF already checked).
pub(crate) async fn handle(
    ctx: Ctx<'_>,
    features: &Arc<Accounts>,
    is_post: bool,
    operation: &str,
) -> Response<Bytes> {
    let options = &features.options;
    let mails = options.transport.is_some();
    match (is_post, operation) {
        (false, "reset-password") if mails => reset_page(ctx),
        (false, "verify-email") if mails => verify_page(ctx),
        (true, "signup") if options.sign_up => sign_up(ctx, features).await,
        (true, "verify-email") if mails => verify_email(ctx, features).await,
        (true, "verify-email-resend") if mails => resend_verification(ctx, features).await,
        (true, "change-password") => change_password(ctx, features).await,
        (true, "reset-password-request") if mails => reset_request(ctx, features).await,
        (true, "reset-password") if mails => reset_confirm(ctx, features).await,
        _ => unsupported(ctx.inner, ctx.method),
    }
}

impl Accounts {
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

async fn sign_up(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
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
    // Limits first, so a refused sign-up costs no hashing, and counted the same for every
    // address, so a limit says nothing about an account.
    let limits = ctx.limits();
    let counted = match limits
        .hit_client(
            "signup-client",
            features.options.sign_ups_per_client,
            "sign-ups from one client",
        )
        .await
    {
        Ok(Ok(())) if features.options.transport.is_some() => {
            features
                .options
                .mail_limits
                .count_send(&limits, MAIL_PURPOSE, &email)
                .await
        }
        other => other,
    };
    if let Err(stop) = checked(counted) {
        return stop.answer(ctx);
    }
    // Hash before looking at the address, so both outcomes cost the same.
    let hash = match features.hash(&password).await {
        Ok(hash) => hash,
        Err(error) => return ctx.fail(error),
    };
    let name: Option<String> = ctx
        .body_str("name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(200).collect());
    // This browser, and only it, keeps the password when the address is proven: a mailbox
    // owner who confirms someone else's sign-up proves the address but gets no stranger's
    // password. Set for every sign-up, so the answer is the same for every address.
    let browser = random_hex::<16>();
    let cookie = crate::cookies::SetCookie {
        name: ctx.inner.cookie_names.sign_up.clone(),
        value: browser.clone(),
        lifetime: crate::cookies::CookieLifetime::MaxAge {
            seconds: features.options.token_max_age.as_secs(),
            now_secs: ctx.now_secs(),
        },
        secure: ctx.secure(),
        same_site_none: false,
    };
    ctx.set_cookies.push(cookie);
    let inner = Arc::clone(ctx.inner);
    let accounts = Arc::clone(features);
    let now_ms = ctx.now_ms;
    let language = ctx.messages().language_index();
    let task_email = email.clone();
    let event = ctx.audit_event(AuditKind::AccountCreated);
    let task: Task = Box::pin(async move {
        let account = NewAccount {
            email: task_email,
            hash,
            name,
            browser,
            language,
            event,
        };
        if let Err(error) = create_account(&inner, &accounts, account, now_ms).await {
            crate::telemetry::error(&error);
            tracing::error!(
                error = error.to_string().as_str(),
                "sign-up could not be completed"
            );
        }
    });
    crate::background::run(ctx.inner.background.as_deref(), task).await;
    if features.options.transport.is_some() {
        let url = verify_page_url(&ctx, &email, "");
        ctx.redirect(url, StatusCode::OK)
    } else {
        to_sign_in(ctx, "notice=AccountCreated", StatusCode::OK)
    }
}

/// The background half of a sign-up: a new, unverified account and the mail that proves its
/// address; or, for an address that has an account (or a sign-up in progress), a mail to its
/// owner with a link to choose a new password. The row is never changed by a second sign-up.
/// What one sign-up asked for.
struct NewAccount {
    email: String,
    /// The password's hash.
    hash: String,
    name: Option<String>,
    /// The value of the browser's sign-up cookie.
    browser: String,
    /// The language of the request, for the mail.
    language: Language,
    /// The security event to record if the account is created.
    event: crate::audit::AuditEvent,
}

/// The binding of a sign-up's password to the browser that chose it: the hash of the
/// browser's cookie and the password hash (so a later password change breaks it too).
fn browser_binding(browser: &str, password_hash: &str) -> String {
    sha256_hex(&format!("{browser}\0{password_hash}"))
}

fn mails_on(accounts: &Accounts) -> bool {
    accounts.options.transport.is_some()
}

async fn create_account(
    inner: &Inner,
    accounts: &Accounts,
    account: NewAccount,
    now_ms: u64,
) -> Result<(), Error> {
    let adapter = accounts.adapter.as_ref();
    let NewAccount {
        email,
        hash,
        name,
        browser,
        language,
        event,
    } = account;
    let mailer = Mailer {
        inner,
        accounts,
        language,
    };
    let binding = browser_binding(&browser, &hash);
    let user = NewUser {
        name,
        email: Some(email.clone()),
        password_hash: Some(hash),
        ..NewUser::default()
    };
    let existing = match adapter.create_user(user).await {
        Ok(user) => {
            let event = event.user(&user.id).provider(EMAIL_PASSWORD_PROVIDER_ID);
            super::audit::record(inner, event.detail("unverified")).await;
            adapter
                .create_verification_token(VerificationToken {
                    identifier: binding_identifier(&user.id),
                    token_hash: binding,
                    expires: token_expiry(accounts, now_ms),
                })
                .await?;
            if mails_on(accounts) {
                send_verification(mailer, &user, &email, now_ms).await?;
            }
            return Ok(());
        }
        Err(AdapterError::DuplicateEmail) => adapter.get_user_by_email(&email).await?,
        Err(error) => return Err(error.into()),
    };
    tracing::info!("sign-up for an address that has an account");
    if let Some(user) = existing
        && mails_on(accounts)
    {
        send_reset(mailer, &user, &email, EmailPurpose::AccountExists, now_ms).await?;
    }
    Ok(())
}

/// When a link, code or binding made at `now_ms` stops working.
fn token_expiry(accounts: &Accounts, now_ms: u64) -> Timestamp {
    Timestamp::from_millis(now_ms).plus_secs(accounts.options.token_max_age.as_secs())
}

/// A signed-in user's account as the checks of their own password see it.
pub(crate) struct OwnAccount {
    pub(crate) user_id: String,
    /// The address, normalised as sign-in keys it.
    pub(crate) email: Option<String>,
    /// The password hash, if the account has a password.
    pub(crate) stored: Option<String>,
}

impl OwnAccount {
    /// The user's address and password hash; `None` when the user is gone.
    pub(crate) async fn load(
        adapter: &dyn crate::adapter::Adapter,
        user_id: &str,
    ) -> Result<Option<Self>, AdapterError> {
        let Some(user) = adapter.get_user(user_id).await? else {
            return Ok(None);
        };
        let stored = adapter.get_password_hash(user_id).await?;
        let email = user
            .email
            .map(|email| normalize_email(&email).unwrap_or_else(|_| email.to_lowercase()));
        Ok(Some(Self {
            user_id: user.id,
            email,
            stored,
        }))
    }
}

/// Checks a signed-in user's own password (to change it, or to delete the account) through
/// the password throttle that guards every sign-in, keyed as the `email-password` provider
/// keys the account: a stolen session must not become a guessing oracle. The attempt counts
/// before argon2 runs; a right password takes the count back.
pub(crate) async fn check_own_password(
    ctx: &Ctx<'_>,
    features: &Accounts,
    own: &OwnAccount,
    password: &str,
) -> Result<bool, super::throttle::Stop> {
    let account = own.email.clone().unwrap_or_else(|| own.user_id.clone());
    let mut attempt = super::throttle::PasswordAttempt::new(
        ctx.limits(),
        ctx.inner.password_throttle,
        EMAIL_PASSWORD_PROVIDER_ID,
        Some(account),
    );
    checked(attempt.count().await)?;
    // Past the longest password there is, nothing is hashed (it cannot be right).
    let right = password.len() <= MAX_PASSWORD_BYTES
        && features
            .hashing
            .verify(password, own.stored.as_deref())
            .await;
    if right {
        attempt
            .succeeded()
            .await
            .map_err(super::throttle::Stop::Failed)?;
    }
    Ok(right)
}

/// What every account mail needs: the engine, the account options, and the language of the
/// request that asked for it.
#[derive(Clone, Copy)]
pub(crate) struct Mailer<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) accounts: &'a Accounts,
    pub(crate) language: Language,
}

/// Renders and sends one account mail through the configured transport.
pub(crate) async fn send_mail(
    mailer: Mailer<'_>,
    to: &str,
    purpose: EmailPurpose,
    url: String,
    code: Option<String>,
    expires: Timestamp,
) -> Result<(), Error> {
    let Mailer {
        inner,
        accounts,
        language,
    } = mailer;
    let options = &accounts.options;
    let Some(transport) = &options.transport else {
        return Ok(());
    };
    let template: Arc<dyn EmailTemplate> = options
        .template
        .clone()
        .unwrap_or_else(|| Arc::new(DefaultEmailTemplate::default()));
    let details = EmailDetails {
        purpose,
        site: inner.origin.host(),
        url: &url,
        code: code.as_deref(),
        valid_for: options.token_max_age,
        brand_color: pages::brand_color(&inner.theme),
        messages: inner.catalog.get(language),
    };
    let message = crate::providers::email::render_message(template.as_ref(), &details, to, expires);
    deliver(transport.as_ref(), &message).await
}

async fn deliver(transport: &dyn EmailTransport, message: &EmailMessage) -> Result<(), Error> {
    let sent = transport.send(message).await;
    crate::telemetry::mail(message.purpose, sent.is_ok());
    sent.map_err(Error::EmailSend)
}

/// Stores a single-use reset token for `user` and mails its link (`PasswordReset`, or
/// `AccountExists` for a sign-up that met an existing account).
async fn send_reset(
    mailer: Mailer<'_>,
    user: &AdapterUser,
    email: &str,
    purpose: EmailPurpose,
    now_ms: u64,
) -> Result<(), Error> {
    let Mailer {
        inner, accounts, ..
    } = mailer;
    let adapter = accounts.adapter.as_ref();
    let token = random_hex::<32>();
    let expires = token_expiry(accounts, now_ms);
    adapter
        .create_verification_token(VerificationToken {
            identifier: reset_identifier(&user.id),
            token_hash: sha256_hex(&token),
            expires,
        })
        .await?;
    // From the configured URL only: a forwarded host must not choose where the link points.
    let url = format!(
        "{}/account/reset-password?email={}&token={token}",
        inner.base_url,
        encode(email)
    );
    send_mail(mailer, email, purpose, url, None, expires).await?;
    tracing::info!(user = %user.id, "password-reset link sent");
    Ok(())
}

/// Stores the hashes of a verification link and code for `user` and mails them.
async fn send_verification(
    mailer: Mailer<'_>,
    user: &AdapterUser,
    email: &str,
    now_ms: u64,
) -> Result<(), Error> {
    let Mailer {
        inner, accounts, ..
    } = mailer;
    let adapter = accounts.adapter.as_ref();
    let secret = inner.secrets[0].expose();
    let expires = token_expiry(accounts, now_ms);
    // A new mail replaces the last one: only its link and code work.
    adapter
        .delete_verification_tokens(&verify_identifier(&user.id))
        .await?;
    let token = random_hex::<32>();
    let code = random_code();
    let mut hashes = vec![link_hash(&token, secret)];
    if let Some(canonical) = canonical_code(&code) {
        hashes.push(code_hash(&canonical, secret));
    }
    for token_hash in hashes {
        adapter
            .create_verification_token(VerificationToken {
                identifier: verify_identifier(&user.id),
                token_hash,
                expires,
            })
            .await?;
    }
    let url = format!(
        "{}/account/verify-email?email={}&token={token}",
        inner.base_url,
        encode(email)
    );
    send_mail(
        mailer,
        email,
        EmailPurpose::VerifyEmail,
        url,
        Some(code),
        expires,
    )
    .await?;
    tracing::info!(user = %user.id, "verification mail sent");
    Ok(())
}

/// The page that asks for the verification code of `email`, with `extra` (`&error=…`).
fn verify_page_url(ctx: &Ctx<'_>, email: &str, extra: &str) -> String {
    format!(
        "{}?email={}{extra}",
        ctx.url("account/verify-email"),
        encode(email)
    )
}

/// `GET /account/verify-email?email[&token]`: the confirm page behind the link, or the code
/// form.
fn verify_page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    let email = ctx.query("email").unwrap_or_default().to_owned();
    let token = ctx.query("token").unwrap_or_default().to_owned();
    let csrf_token = ctx.csrf_token();
    let action = ctx.url("account/verify-email");
    if !token.is_empty() && !email.is_empty() {
        let callback_url = ctx.query("callbackUrl").map(|url| ctx.validate(url));
        let callback_url = callback_url.unwrap_or_else(|| ctx.origin.as_str().to_owned());
        let look = ctx.look();
        let markup = pages::confirm_email_sign_in(&pages::ConfirmPage {
            look,
            action: &action,
            csrf_token: &csrf_token,
            callback_url: &callback_url,
            email: &email,
            token: &token,
            site: ctx.inner.origin.host(),
        });
        return ctx.html(StatusCode::OK, markup);
    }
    let error = ctx.query("error").map(ErrorCode::parse);
    let sent = ctx.query("notice") == Some("Sent");
    let look = ctx.look();
    let markup = pages::verify_email(&pages::VerifyEmailPage {
        look,
        base_url: &ctx.base_url,
        csrf_token: &csrf_token,
        email: &email,
        error,
        sent,
    });
    ctx.html(StatusCode::OK, markup)
}

/// `POST /account/verify-email` `{email, token | code}`: proves the address of a new account
/// and signs in.
async fn verify_email(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let typed = ctx.body_str("email").unwrap_or_default().to_owned();
    let Ok(email) = normalize_email(&typed) else {
        let url = verify_page_url(&ctx, &typed, "&error=Verification");
        return ctx.redirect(url, StatusCode::BAD_REQUEST);
    };
    let code = ctx.body_str("code").map(canonical_code);
    let limits = features.options.mail_limits;
    // A code or link attempt counts before anything is checked; one that works is taken back.
    let attempted = code.is_some() || ctx.body_str("token").is_some_and(|t| !t.is_empty());
    if attempted
        && let Err(stop) = checked(
            limits
                .count_code_attempt(&ctx.limits(), MAIL_PURPOSE, &email)
                .await,
        )
    {
        return stop.answer(ctx);
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let user = match features.adapter.get_user_by_email(&email).await {
        Ok(user) => user,
        Err(error) => return ctx.fail(error.into()),
    };
    let token = ctx.body_str("token").unwrap_or_default().to_owned();
    let proof = match &code {
        Some(Some(code)) => Some(Proof::Code(code.clone())),
        None if !token.is_empty() => Some(Proof::Link(&token)),
        _ => None,
    };
    let used = match (&user, &proof) {
        (Some(user), Some(proof)) => {
            let identifier = verify_identifier(&user.id);
            spend_proof(
                &ctx.inner.secrets,
                features.adapter.as_ref(),
                &identifier,
                proof,
            )
            .await
        }
        _ => Ok(None),
    };
    let used = match used {
        Ok(used) => used,
        Err(error) => return ctx.fail(error.into()),
    };
    let now = Timestamp::from_millis(ctx.now_ms);
    let user = match (user, used) {
        (Some(user), Some(used)) if used.expires > now => user,
        _ => {
            crate::telemetry::sign_in(EMAIL_PASSWORD_PROVIDER_ID, ErrorCode::Verification.as_str());
            let event = (ctx.audit_event(AuditKind::SignInFailed))
                .provider(EMAIL_PASSWORD_PROVIDER_ID)
                .detail(if code.is_some() {
                    "WrongCode"
                } else {
                    "Verification"
                });
            // Only attempts the limit counted are stored for the account.
            ctx.audit_failure_for(attempted.then(|| email.clone()), event);
            let url = verify_page_url(&ctx, &email, "&error=Verification");
            return ctx.redirect(url, StatusCode::FORBIDDEN);
        }
    };
    if attempted
        && let Err(error) = limits
            .code_worked(&ctx.limits(), MAIL_PURPOSE, &email)
            .await
    {
        return ctx.fail(error.into());
    }
    // The password stays only when this is the browser that chose it.
    let binding = match signed_up_here(&ctx, features, &user).await {
        Ok(binding) => binding,
        Err(error) => return ctx.fail(error),
    };
    let proof = if binding {
        OwnershipProof::VerifiedSignUp
    } else {
        OwnershipProof::EmailSignIn
    };
    // Sessions from before this request end; the one it starts does not.
    let stamp_at = Timestamp::from_millis(ctx.now_ms.saturating_sub(1));
    let user = match prove_ownership(features.adapter.as_ref(), user, proof, now, stamp_at).await {
        Ok(user) => user,
        Err(error) => return ctx.fail(error),
    };
    let event = (ctx.audit_event(AuditKind::EmailVerified)).user(&user.id);
    let event = event.detail(if binding {
        "password_kept"
    } else {
        "password_dropped"
    });
    ctx.audit(event).await;
    if let Err(error) = remember_network(&ctx, &email).await {
        return ctx.fail(error.into());
    }
    if ctx.cookies.get(&ctx.inner.cookie_names.sign_up).is_some() {
        let cookie = crate::cookies::SetCookie {
            name: ctx.inner.cookie_names.sign_up.clone(),
            value: String::new(),
            lifetime: crate::cookies::CookieLifetime::Delete,
            secure: ctx.secure(),
            same_site_none: false,
        };
        ctx.set_cookies.push(cookie);
    }
    // Without the password of its sign-up, the owner chooses one now: they just proved the
    // mailbox, so the reset form comes straight back.
    let callback_url = if binding {
        callback_url
    } else {
        match in_band_reset_url(&ctx, features, &user).await {
            Ok(url) => url,
            Err(error) => return ctx.fail(error),
        }
    };
    let user = User::from(user);
    let account = Account {
        provider: EMAIL_PASSWORD_PROVIDER_ID.to_owned(),
        provider_type: ProviderType::Credentials,
        provider_account_id: user.id.clone(),
    };
    let signing_in = SigningIn {
        user: &user,
        account: &account,
        credentials: None,
        is_new_user: true,
    };
    finish_sign_in(ctx, signing_in, callback_url).await
}

/// Makes the client's network known for the `email-password` account of `email`: a proof of
/// ownership from it weighs more than a password.
async fn remember_network(ctx: &Ctx<'_>, email: &str) -> Result<(), AdapterError> {
    let attempt = super::throttle::PasswordAttempt::new(
        ctx.limits(),
        ctx.inner.password_throttle,
        EMAIL_PASSWORD_PROVIDER_ID,
        Some(email.to_owned()),
    );
    attempt.remember_network().await
}

/// Whether this request comes from the browser that signed `user` up with the password the
/// row has now (its sign-up cookie matches the stored binding).
async fn signed_up_here(
    ctx: &Ctx<'_>,
    features: &Arc<Accounts>,
    user: &AdapterUser,
) -> Result<bool, Error> {
    let Some(browser) = ctx.cookies.get(&ctx.inner.cookie_names.sign_up) else {
        return Ok(false);
    };
    let Some(password_hash) = features.adapter.get_password_hash(&user.id).await? else {
        return Ok(false);
    };
    let binding = browser_binding(&browser, &password_hash);
    let found = features
        .adapter
        .use_verification_token(&binding_identifier(&user.id), &binding)
        .await?;
    Ok(found.is_some_and(|found| found.expires > Timestamp::from_millis(ctx.now_ms)))
}

/// A reset link for `user`, handed to the browser that just proved the address.
async fn in_band_reset_url(
    ctx: &Ctx<'_>,
    features: &Arc<Accounts>,
    user: &AdapterUser,
) -> Result<String, Error> {
    let token = random_hex::<32>();
    let max_age = features.options.token_max_age.as_secs();
    let expires = Timestamp::from_millis(ctx.now_ms).plus_secs(max_age);
    features
        .adapter
        .create_verification_token(VerificationToken {
            identifier: reset_identifier(&user.id),
            token_hash: sha256_hex(&token),
            expires,
        })
        .await?;
    let email = user.email.as_deref().unwrap_or_default();
    Ok(format!(
        "{}?email={}&token={token}",
        ctx.url("account/reset-password"),
        encode(email)
    ))
}

/// Why a request for an account mail stops before any work.
enum MailRefusal {
    InvalidEmail,
    Limited(super::throttle::Stop),
}

impl MailRefusal {
    fn answer(self, ctx: Ctx<'_>) -> Response<Bytes> {
        match self {
            Self::InvalidEmail => refuse(ctx, ErrorCode::InvalidEmail, StatusCode::BAD_REQUEST),
            Self::Limited(stop) => stop.answer(ctx),
        }
    }
}

/// The normalised address of a request for an account mail (reset, resend), counted against
/// the mail limits before it is looked up, so a limit says nothing about an account.
async fn mail_request_address(
    ctx: &Ctx<'_>,
    features: &Arc<Accounts>,
) -> Result<String, MailRefusal> {
    let email = normalize_email(ctx.body_str("email").unwrap_or_default())
        .map_err(|_| MailRefusal::InvalidEmail)?;
    let counted = features
        .options
        .mail_limits
        .count_send(&ctx.limits(), MAIL_PURPOSE, &email)
        .await;
    checked(counted).map_err(MailRefusal::Limited)?;
    Ok(email)
}

/// `POST /account/verify-email-resend` `{email}`: a new link and code for an account whose
/// address is not proven yet. The answer is the same for every address.
async fn resend_verification(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let email = match mail_request_address(&ctx, features).await {
        Ok(email) => email,
        Err(refusal) => return refusal.answer(ctx),
    };
    let inner = Arc::clone(ctx.inner);
    let accounts = Arc::clone(features);
    let now_ms = ctx.now_ms;
    let language = ctx.messages().language_index();
    let task_email = email.clone();
    let task: Task = Box::pin(async move {
        let adapter = accounts.adapter.as_ref();
        let result = async {
            let Some(user) = adapter.get_user_by_email(&task_email).await? else {
                return Ok(());
            };
            if user.email_verified.is_some() || adapter.get_password_hash(&user.id).await?.is_none()
            {
                return Ok(());
            }
            send_verification(
                Mailer {
                    inner: &inner,
                    accounts: &accounts,
                    language,
                },
                &user,
                &task_email,
                now_ms,
            )
            .await
        }
        .await;
        if let Err(error) = result {
            crate::telemetry::error(&error);
            tracing::error!(
                error = error.to_string().as_str(),
                "a verification mail could not be sent again"
            );
        }
    });
    crate::background::run(ctx.inner.background.as_deref(), task).await;
    let url = verify_page_url(&ctx, &email, "&notice=Sent");
    ctx.redirect(url, StatusCode::OK)
}

async fn change_password(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let user_id = match super::session::current_user_id(&ctx).await {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED),
        Err(error) => return ctx.fail(error),
    };
    let new_password = ctx.body_str("newPassword").unwrap_or_default().to_owned();
    if !features.password_acceptable(&new_password) {
        return refuse(ctx, ErrorCode::PasswordPolicy, StatusCode::BAD_REQUEST);
    }
    let current = ctx
        .body_str("currentPassword")
        .unwrap_or_default()
        .to_owned();
    let own = match OwnAccount::load(features.adapter.as_ref(), &user_id).await {
        Ok(Some(own)) => own,
        Ok(None) => return refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED),
        Err(error) => return ctx.fail(error.into()),
    };
    match check_own_password(&ctx, features, &own, &current).await {
        Ok(true) => {}
        Ok(false) => {
            let event = (ctx.audit_event(AuditKind::ProofFailed)).user(&user_id);
            ctx.audit(event.detail("change_password")).await;
            return refuse(ctx, ErrorCode::CredentialsSignin, StatusCode::UNAUTHORIZED);
        }
        Err(stop) => return stop.answer(ctx),
    }
    if let Err(error) = features.set_password(&user_id, &new_password).await {
        return ctx.fail(error);
    }
    // A link mailed before the change must not set another password after it.
    if let Err(error) = features
        .adapter
        .delete_verification_tokens(&reset_identifier(&user_id))
        .await
    {
        return ctx.fail(error.into());
    }
    // Recorded once the password is written, whatever happens to the sessions next.
    let event = ctx.audit_event(AuditKind::PasswordChanged);
    ctx.audit(event.user(&user_id)).await;
    if let Err(error) = end_all_sessions(&mut ctx, features.adapter.as_ref(), &user_id).await {
        return ctx.fail(error);
    }
    to_sign_in(ctx, "notice=PasswordChanged", StatusCode::OK)
}

async fn reset_request(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
    let email = match mail_request_address(&ctx, features).await {
        Ok(email) => email,
        Err(refusal) => return refusal.answer(ctx),
    };
    // The look-up, the token and the mail run in the background: the answer takes the same
    // time whether or not the address has an account.
    let inner = Arc::clone(ctx.inner);
    let accounts = Arc::clone(features);
    let now_ms = ctx.now_ms;
    let language = ctx.messages().language_index();
    let task: Task = Box::pin(async move {
        let adapter = accounts.adapter.as_ref();
        let result = match adapter.get_user_by_email(&email).await {
            Ok(Some(user)) => {
                let mailer = Mailer {
                    inner: &inner,
                    accounts: &accounts,
                    language,
                };
                send_reset(mailer, &user, &email, EmailPurpose::PasswordReset, now_ms).await
            }
            Ok(None) => Ok(()),
            Err(error) => Err(error.into()),
        };
        if let Err(error) = result {
            crate::telemetry::error(&error);
            tracing::error!(
                error = error.to_string().as_str(),
                "a password-reset link could not be sent"
            );
        }
    });
    crate::background::run(ctx.inner.background.as_deref(), task).await;
    to_sign_in(ctx, "notice=ResetSent", StatusCode::OK)
}

fn reset_page(mut ctx: Ctx<'_>) -> Response<Bytes> {
    let csrf_token = ctx.csrf_token();
    let look = ctx.look();
    let markup = pages::reset_password(
        look,
        &ctx.base_url,
        &csrf_token,
        ctx.query("email").unwrap_or_default(),
        ctx.query("token").unwrap_or_default(),
    );
    ctx.html(StatusCode::OK, markup)
}

async fn reset_confirm(mut ctx: Ctx<'_>, features: &Arc<Accounts>) -> Response<Bytes> {
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
    // The reset proves the address: the one clean-up runs (every other reset link goes too).
    let now = Timestamp::from_millis(ctx.now_ms);
    let proof = OwnershipProof::PasswordReset;
    let user = match prove_ownership(features.adapter.as_ref(), user, proof, now, now).await {
        Ok(user) => user,
        Err(error) => return ctx.fail(error),
    };
    if let Err(error) = features.set_password(&user.id, &password).await {
        return ctx.fail(error);
    }
    let event = ctx.audit_event(AuditKind::PasswordReset);
    ctx.audit(event.user(&user.id)).await;
    if let Err(error) = end_all_sessions(&mut ctx, features.adapter.as_ref(), &user.id).await {
        return ctx.fail(error);
    }
    if let Some(email) = user.email.as_deref()
        && let Err(error) = remember_network(&ctx, email).await
    {
        return ctx.fail(error.into());
    }
    to_sign_in(ctx, "notice=PasswordReset", StatusCode::OK)
}
