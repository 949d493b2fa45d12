//! The passkey provider's endpoints, in Auth.js v5's wire shapes (see
//! [`crate::providers::passkey`] for the rules):
//!
//! - `GET /webauthn-options/:provider?action=register|authenticate[&email&name]`: the
//!   ceremony's options as `{action, options}` (SimpleWebAuthn's JSON), and the challenge in
//!   its cookie. No CSRF token: it changes nothing but this browser's challenge.
//! - `POST /callback/:provider` `{data, action, csrfToken, callbackUrl}`: the ceremony's answer.
//!   An authentication signs in; a signed-in user's registration adds a passkey; a new
//!   account's registration waits for its address to be proven (rule 7).
//! - `GET /account/passkeys`, `POST /account/passkey-rename` `{credentialId, name}` and
//!   `POST /account/passkey-delete` `{credentialId}`: a signed-in user's passkeys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::{Map, Value, json};

use super::Ctx;
use super::complete::{SigningIn, finish_sign_in};
use super::passkey_store::{Waiting, add};
use super::prelude::{NotSignedIn, done, not_signed_in, refused, signed_in_user};
use super::throttle::checked;
use crate::adapter::{AdapterError, Authenticator, AuthenticatorUse, Timestamp, VerificationToken};
use crate::audit::AuditKind;
use crate::cookies::{CookieLifetime, SetCookie};
use crate::error::{Error, ErrorCode};
use crate::providers::passkey::PasskeyRuntime;
use crate::secret::{random_bytes, random_hex, sha256_hex};
use crate::user::{Account, ProviderType, User};
use crate::webauthn::{self, AuthenticationJson, RegistrationJson, StoredKey, b64url};

/// How long a challenge lasts (and the browser's `timeout`).
const CHALLENGE_SECS: u64 = 5 * 60;
/// What a challenge's single-use record is stored under.
const CHALLENGE_IDENTIFIER: &str = "passkey-challenge";
/// The longest a new account's passkey waits for its address to be proven.
const SIGN_UP_MAX_SECS: u64 = 60 * 60;
/// The longest name of a passkey, in characters.
const MAX_NAME_CHARS: usize = 64;

/// What a challenge is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ceremony {
    /// Signing in with a passkey.
    Authenticate,
    /// A signed-in user's new passkey.
    Register { user_id: String, handle: String },
    /// A new account's passkey (rule 7).
    SignUp {
        email: String,
        name: Option<String>,
        handle: String,
    },
}

impl Ceremony {
    fn action(&self) -> &'static str {
        match self {
            Self::Authenticate => "authenticate",
            Self::Register { .. } | Self::SignUp { .. } => "register",
        }
    }
}

/// The challenge cookie's claims.
fn seal_challenge(
    runtime: &PasskeyRuntime,
    ceremony: &Ceremony,
    challenge: &[u8],
    now: u64,
) -> String {
    let mut claims = Map::new();
    claims.insert("c".into(), Value::from(b64url(challenge)));
    match ceremony {
        Ceremony::Authenticate => {
            claims.insert("k".into(), Value::from("a"));
        }
        Ceremony::Register { user_id, handle } => {
            claims.insert("k".into(), Value::from("r"));
            claims.insert("u".into(), Value::from(user_id.as_str()));
            claims.insert("h".into(), Value::from(handle.as_str()));
        }
        Ceremony::SignUp {
            email,
            name,
            handle,
        } => {
            claims.insert("k".into(), Value::from("s"));
            claims.insert("e".into(), Value::from(email.as_str()));
            if let Some(name) = name {
                claims.insert("n".into(), Value::from(name.as_str()));
            }
            claims.insert("h".into(), Value::from(handle.as_str()));
        }
    }
    runtime.challenges.encode(&mut claims, now, CHALLENGE_SECS)
}

fn open_challenge(runtime: &PasskeyRuntime, cookie: &str, now: u64) -> Option<(Ceremony, Vec<u8>)> {
    let claims = runtime.challenges.decode(cookie, now).ok()?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let challenge = webauthn::from_b64url(&text("c")?)?;
    let ceremony = match text("k")?.as_str() {
        "a" => Ceremony::Authenticate,
        "r" => Ceremony::Register {
            user_id: text("u")?,
            handle: text("h")?,
        },
        "s" => Ceremony::SignUp {
            email: text("e")?,
            name: text("n"),
            handle: text("h")?,
        },
        _ => return None,
    };
    Some((ceremony, challenge))
}

fn challenge_hash(challenge: &[u8]) -> String {
    sha256_hex(&format!("passkey:{}", b64url(challenge)))
}

/// `400 {error}`, as Auth.js answers a bad options request.
fn bad_request(ctx: Ctx<'_>, error: &str) -> Response<Bytes> {
    let body = Bytes::from(json!({ "error": error }).to_string());
    ctx.json_no_store(StatusCode::BAD_REQUEST, body)
}

/// `GET /webauthn-options/:provider`.
pub(crate) async fn options(mut ctx: Ctx<'_>, runtime: &PasskeyRuntime) -> Response<Bytes> {
    let action = ctx.query("action").map(str::to_owned);
    if !matches!(action.as_deref(), None | Some("register" | "authenticate")) {
        return bad_request(ctx, "Invalid action");
    }
    let limit = ctx
        .limits()
        .hit_client(
            "passkey-client",
            Some(runtime.provider.per_client),
            "passkey ceremonies from one client",
        )
        .await;
    if let Err(stop) = checked(limit) {
        return stop.answer(ctx);
    }
    let signed_in = match super::session::current_sign_in(&ctx).await {
        Ok(signed_in) => signed_in,
        Err(error) => return ctx.fail(error),
    };
    // Rule 9: a passkey is added only to a recent sign-in.
    let wants_register = action.as_deref() != Some("authenticate");
    if wants_register
        && let Some((_, at)) = &signed_in
        && !ctx.signed_in_recently(*at)
    {
        let body = Bytes::from(json!({ "error": "Sign in again to add a passkey" }).to_string());
        return ctx.json_no_store(StatusCode::FORBIDDEN, body);
    }
    let user_id = signed_in.map(|(user_id, _)| user_id);
    let email = ctx
        .query("email")
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let ceremony = match (action.as_deref(), user_id, email) {
        (Some("authenticate"), _, _) | (None, None, None) => Ceremony::Authenticate,
        (_, Some(user_id), _) => Ceremony::Register {
            handle: runtime.user_handle(&user_id),
            user_id,
        },
        (_, None, Some(email)) => {
            let open = runtime.provider.sign_up && ctx.inner.email_provider().is_some();
            let Ok(email) = crate::email::normalize_email(&email) else {
                return bad_request(ctx, "Invalid email");
            };
            if !open {
                return bad_request(ctx, "Invalid request");
            }
            let name = (ctx.query("name").map(str::trim))
                .filter(|n| !n.is_empty())
                .map(|n| n.chars().take(200).collect());
            Ceremony::SignUp {
                email,
                name,
                handle: random_hex::<32>(),
            }
        }
        (Some(_), None, None) => return bad_request(ctx, "Invalid request"),
    };
    let options = match creation_or_request_options(runtime, &ceremony).await {
        Ok(Ok(options)) => options,
        Ok(Err(why)) => return bad_request(ctx, why),
        Err(error) => return ctx.fail(error),
    };
    let challenge = random_bytes::<32>();
    let record = VerificationToken {
        identifier: CHALLENGE_IDENTIFIER.to_owned(),
        token_hash: challenge_hash(&challenge),
        expires: Timestamp::from_millis(ctx.now_ms).plus_secs(CHALLENGE_SECS),
    };
    if let Err(error) = runtime.adapter.create_verification_token(record).await {
        return ctx.fail(error.into());
    }
    let mut options = options;
    options.insert("challenge".into(), Value::from(b64url(&challenge)));
    let sealed = seal_challenge(runtime, &ceremony, &challenge, ctx.now_secs());
    let cookie = SetCookie {
        name: ctx.inner.cookie_names.challenge.clone(),
        value: sealed,
        lifetime: CookieLifetime::MaxAge {
            seconds: CHALLENGE_SECS,
            now_secs: ctx.now_secs(),
        },
        secure: ctx.secure(),
        same_site_none: false,
    };
    ctx.set_cookies.push(cookie);
    let body = json!({ "action": ceremony.action(), "options": Value::Object(options) });
    ctx.json_no_store(StatusCode::OK, Bytes::from(body.to_string()))
}

/// The options of the ceremony, without the challenge; `Ok(Err(why))` for a request to refuse.
async fn creation_or_request_options(
    runtime: &PasskeyRuntime,
    ceremony: &Ceremony,
) -> Result<Result<Map<String, Value>, &'static str>, Error> {
    let timeout = Value::from(CHALLENGE_SECS * 1000);
    let verification = if runtime.rp.user_verification {
        "required"
    } else {
        "preferred"
    };
    let (user, handle, existing) = match ceremony {
        Ceremony::Authenticate => {
            // Discoverable credentials only: no allowCredentials, so the answer says nothing
            // of which accounts exist.
            let options = json!({
                "rpId": runtime.rp.id,
                "timeout": timeout,
                "userVerification": verification,
            });
            return Ok(Ok(into_map(options)));
        }
        Ceremony::Register { user_id, handle } => {
            let Some(user) = runtime.adapter.get_user(user_id).await? else {
                return Ok(Err("Invalid request"));
            };
            let existing = runtime.adapter.list_authenticators(user_id).await?;
            if existing.len() >= runtime.provider.max_per_user {
                return Ok(Err("Too many passkeys"));
            }
            let label = (user.email.clone())
                .or_else(|| user.name.clone())
                .unwrap_or_else(|| user.id.clone());
            (
                (label.clone(), user.name.clone().unwrap_or(label)),
                handle,
                existing,
            )
        }
        Ceremony::SignUp {
            email,
            name,
            handle,
        } => (
            (email.clone(), name.clone().unwrap_or_else(|| email.clone())),
            handle,
            Vec::new(),
        ),
    };
    let exclude: Vec<Value> = existing
        .iter()
        .filter_map(|a| {
            let id = STANDARD.decode(&a.credential_id).ok()?;
            let transports: Vec<&str> = (a.transports.as_deref())
                .map(|t| t.split(',').filter(|t| !t.is_empty()).collect())
                .unwrap_or_default();
            Some(json!({ "id": b64url(&id), "type": "public-key", "transports": transports }))
        })
        .collect();
    let params: Vec<Value> = webauthn::ALGORITHMS
        .iter()
        .map(|alg| json!({ "alg": alg, "type": "public-key" }))
        .collect();
    let options = json!({
        "rp": { "name": runtime.rp_name, "id": runtime.rp.id },
        // SimpleWebAuthn v9 (next-auth v5's) passes `user.id` on as UTF-8 text.
        "user": { "id": handle, "name": user.0, "displayName": user.1 },
        "pubKeyCredParams": params,
        "timeout": timeout,
        "attestation": "none",
        "excludeCredentials": exclude,
        "authenticatorSelection": {
            "residentKey": "required",
            "requireResidentKey": true,
            "userVerification": verification,
        },
        "extensions": { "credProps": true },
    });
    Ok(Ok(into_map(options)))
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A refused ceremony: logged with why, recorded for the user it named (if any), and
/// answered with `WebAuthnVerificationError`.
async fn refuse(ctx: Ctx<'_>, user_id: Option<&str>, why: &'static str) -> Response<Bytes> {
    tracing::info!(why, "passkey ceremony refused");
    // The credential named the user, so storing tells the client nothing it did not send;
    // the user's failure budget bounds the rows.
    if let Some(user_id) = user_id {
        let event = (ctx.audit_event(AuditKind::SignInFailed))
            .user(user_id)
            .provider(crate::providers::PASSKEY_PROVIDER_ID)
            .detail(why);
        ctx.audit(event).await;
    }
    ctx.fail(Error::Passkey(why))
}

/// `POST /callback/:provider`.
pub(crate) async fn callback(mut ctx: Ctx<'_>, runtime: &PasskeyRuntime) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        return ctx.fail(Error::MissingCsrf);
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    // The challenge goes with this answer, whatever it is.
    let name = ctx.inner.cookie_names.challenge.clone();
    let cookie = ctx.cookies.get(&name).map(|c| c.into_owned());
    if cookie.is_some() {
        let secure = ctx.secure();
        ctx.set_cookies.push(crate::cookies::delete(&name, secure));
    }
    let opened = cookie.and_then(|cookie| open_challenge(runtime, &cookie, ctx.now_secs()));
    let Some((ceremony, challenge)) = opened else {
        return refuse(ctx, None, "no challenge, or an expired one").await;
    };
    if ctx
        .body_str("action")
        .is_some_and(|action| action != ceremony.action())
    {
        return refuse(ctx, None, "the answer is of another ceremony").await;
    }
    // Rule 2: spent once, atomically.
    let spent = runtime
        .adapter
        .use_verification_token(CHALLENGE_IDENTIFIER, &challenge_hash(&challenge))
        .await;
    match spent {
        Ok(Some(record)) if record.expires > Timestamp::from_millis(ctx.now_ms) => {}
        Ok(_) => return refuse(ctx, None, "challenge already used or expired").await,
        Err(error) => return ctx.fail(error.into()),
    }
    let data = ctx.body_str("data").unwrap_or_default().to_owned();
    match ceremony {
        Ceremony::Authenticate => authenticate(ctx, runtime, &challenge, &data, callback_url).await,
        Ceremony::Register { user_id, handle } => {
            match super::session::current_sign_in(&ctx).await {
                Ok(Some((current, at))) if current == user_id && ctx.signed_in_recently(at) => {}
                Ok(_) => {
                    return refuse(
                        ctx,
                        None,
                        "the registration's user is not freshly signed in",
                    )
                    .await;
                }
                Err(error) => return ctx.fail(error),
            }
            let registered = match check_registration(runtime, &challenge, &data) {
                Ok(registered) => registered,
                Err(why) => return refuse(ctx, None, why).await,
            };
            match add(&ctx, runtime, &user_id, registered, &handle).await {
                Ok(Ok(())) => ctx.redirect(callback_url, StatusCode::OK),
                Ok(Err(why)) => refuse(ctx, None, why).await,
                Err(error) => ctx.fail(error),
            }
        }
        Ceremony::SignUp {
            email,
            name,
            handle,
        } => {
            let registered = match check_registration(runtime, &challenge, &data) {
                Ok(registered) => registered,
                Err(why) => return refuse(ctx, None, why).await,
            };
            let waiting = Waiting {
                email,
                name,
                handle,
                registered,
            };
            sign_up(ctx, runtime, waiting, callback_url).await
        }
    }
}

fn check_registration(
    runtime: &PasskeyRuntime,
    challenge: &[u8],
    data: &str,
) -> Result<webauthn::Registered, &'static str> {
    let response: RegistrationJson =
        serde_json::from_str(data).map_err(|_| "the registration is not the expected JSON")?;
    webauthn::verify_registration(&runtime.rp, challenge, &response).map_err(|r| r.as_str())
}

async fn authenticate(
    ctx: Ctx<'_>,
    runtime: &PasskeyRuntime,
    challenge: &[u8],
    data: &str,
    callback_url: String,
) -> Response<Bytes> {
    let Ok(response) = serde_json::from_str::<AuthenticationJson>(data) else {
        return refuse(ctx, None, "the authentication is not the expected JSON").await;
    };
    let credential_id = match response.credential_id() {
        Ok(id) => STANDARD.encode(id),
        Err(refusal) => return refuse(ctx, None, refusal.as_str()).await,
    };
    let stored = match runtime.adapter.get_authenticator(&credential_id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return refuse(ctx, None, "unknown credential").await,
        Err(error) => return ctx.fail(error.into()),
    };
    let Ok(public_key) = STANDARD.decode(&stored.public_key) else {
        return refuse(ctx, Some(&stored.user_id), "stored key is not base64").await;
    };
    let key = StoredKey {
        public_key: &public_key,
        backup_eligible: stored.is_multi_device(),
    };
    let asserted = match webauthn::verify_authentication(&runtime.rp, challenge, &response, &key) {
        Ok(asserted) => asserted,
        Err(refusal) => return refuse(ctx, Some(&stored.user_id), refusal.as_str()).await,
    };
    // Rule 4: the handle the authenticator returned is the one the passkey was made with.
    if let Some(handle) = &asserted.user_handle {
        let same = *handle == stored.user_handle
            || webauthn::from_b64url(handle).as_deref() == Some(stored.user_handle.as_bytes());
        if !same {
            return refuse(ctx, Some(&stored.user_id), "user handle of another user").await;
        }
    }
    // Rule 5: a counter that does not grow is a cloned authenticator (or a lost race).
    let used = AuthenticatorUse::new(
        asserted.counter,
        asserted.backed_up,
        Timestamp::from_millis(ctx.now_ms),
    );
    match runtime
        .adapter
        .use_authenticator(&credential_id, used)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(
                user = %stored.user_id,
                stored = stored.counter,
                given = asserted.counter,
                "passkey counter did not grow: a cloned authenticator? sign-in refused"
            );
            return refuse(ctx, Some(&stored.user_id), "counter did not grow").await;
        }
        Err(error) => return ctx.fail(error.into()),
    }
    let user = match runtime.adapter.get_user(&stored.user_id).await {
        Ok(Some(user)) => User::from(user),
        Ok(None) => return refuse(ctx, None, "the passkey's user is gone").await,
        Err(error) => return ctx.fail(error.into()),
    };
    let account = Account {
        provider: runtime.provider.id.clone(),
        provider_type: ProviderType::WebAuthn,
        provider_account_id: credential_id,
    };
    let signing_in = SigningIn {
        user: &user,
        account: &account,
        credentials: None,
        is_new_user: false,
    };
    finish_sign_in(ctx, signing_in, callback_url).await
}

/// A new account's registration: the passkey waits in this browser while the email provider
/// mails a link and code to the address, with the answer every address gets (rule 7).
async fn sign_up(
    mut ctx: Ctx<'_>,
    runtime: &PasskeyRuntime,
    waiting: Waiting,
    callback_url: String,
) -> Response<Bytes> {
    let Some((provider, adapter)) = ctx.inner.email_provider() else {
        return ctx.fail(Error::Passkey("passkey sign-up needs the email provider"));
    };
    let lifetime = provider.max_age.as_secs().min(SIGN_UP_MAX_SECS);
    let sealed = waiting.seal(runtime, ctx.now_secs(), lifetime);
    let cookie = SetCookie {
        name: ctx.inner.cookie_names.passkey_sign_up.clone(),
        value: sealed,
        lifetime: CookieLifetime::MaxAge {
            seconds: lifetime,
            now_secs: ctx.now_secs(),
        },
        secure: ctx.secure(),
        same_site_none: false,
    };
    ctx.set_cookies.push(cookie);
    ctx.body
        .insert("email".into(), Value::from(waiting.email.as_str()));
    super::email::send_link(ctx, provider, adapter, callback_url).await
}

/// A passkey as the account page and `GET /account/passkeys` show it.
pub(crate) fn describe(authenticator: &Authenticator) -> Value {
    json!({
        "credentialId": authenticator.credential_id,
        "name": authenticator.name,
        "createdAt": authenticator.created_at.as_millis(),
        "lastUsedAt": authenticator.last_used_at.map(Timestamp::as_millis),
        "synced": authenticator.is_multi_device(),
        "transports": authenticator.transports,
    })
}

/// `GET /account/passkeys`: the signed-in user's passkeys, oldest first.
pub(crate) async fn list_json(ctx: Ctx<'_>) -> Response<Bytes> {
    let Some(runtime) = ctx.inner.passkey() else {
        return super::unsupported(ctx.inner, ctx.method);
    };
    let user_id = match signed_in_user(&ctx).await {
        Ok(user_id) => user_id,
        Err(NotSignedIn::NoSession) => {
            let body = json!({ "error": ErrorCode::SessionRequired.as_str() });
            return ctx.json_no_store(StatusCode::UNAUTHORIZED, Bytes::from(body.to_string()));
        }
        Err(why) => return not_signed_in(ctx, why),
    };
    let passkeys = match runtime.adapter.list_authenticators(&user_id).await {
        Ok(passkeys) => passkeys,
        Err(error) => return ctx.fail(error.into()),
    };
    let list: Vec<Value> = passkeys.iter().map(describe).collect();
    ctx.json_no_store(StatusCode::OK, Bytes::from(Value::from(list).to_string()))
}

/// Why an account route of passkeys stops before it starts.
enum NoOwner {
    /// The site has no passkey provider.
    Unsupported,
    /// Nobody is signed in, or reading the session failed.
    NotSignedIn(NotSignedIn),
}

impl NoOwner {
    fn answer(self, ctx: Ctx<'_>) -> Response<Bytes> {
        match self {
            Self::Unsupported => super::unsupported(ctx.inner, ctx.method),
            Self::NotSignedIn(why) => not_signed_in(ctx, why),
        }
    }
}

/// The passkey provider and the signed-in user whose passkeys an account route changes.
async fn owner<'a>(ctx: &Ctx<'a>) -> Result<(&'a PasskeyRuntime, String), NoOwner> {
    let runtime = ctx.inner.passkey().ok_or(NoOwner::Unsupported)?;
    let user_id = signed_in_user(ctx).await.map_err(NoOwner::NotSignedIn)?;
    Ok((runtime, user_id))
}

/// `POST /account/passkey-rename` `{credentialId, name}`.
pub(crate) async fn rename(ctx: Ctx<'_>) -> Response<Bytes> {
    let (runtime, user_id) = match owner(&ctx).await {
        Ok(found) => found,
        Err(stop) => return stop.answer(ctx),
    };
    let id = ctx.body_str("credentialId").unwrap_or_default().to_owned();
    let name: String = ctx.body_str("name").unwrap_or_default().trim().to_owned();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return refused(ctx, ErrorCode::InvalidProfile, StatusCode::BAD_REQUEST);
    }
    match runtime
        .adapter
        .rename_authenticator(&user_id, &id, &name)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return refused(
                ctx,
                ErrorCode::WebAuthnVerificationError,
                StatusCode::NOT_FOUND,
            );
        }
        Err(error) => return ctx.fail(error.into()),
    }
    let event = (ctx.audit_event(AuditKind::PasskeyRenamed)).user(&user_id);
    ctx.audit(event).await;
    done(ctx, crate::pages::account::Notice::PasskeyRenamed)
}

/// `POST /account/passkey-delete` `{credentialId}`: refused when it is the last way in
/// (rule 8).
pub(crate) async fn delete(ctx: Ctx<'_>) -> Response<Bytes> {
    let (runtime, user_id) = match owner(&ctx).await {
        Ok(found) => found,
        Err(stop) => return stop.answer(ctx),
    };
    let id = ctx.body_str("credentialId").unwrap_or_default().to_owned();
    let passkeys = match runtime.adapter.list_authenticators(&user_id).await {
        Ok(passkeys) => passkeys,
        Err(error) => return ctx.fail(error.into()),
    };
    if !passkeys.iter().any(|p| p.credential_id == id) {
        return refused(
            ctx,
            ErrorCode::WebAuthnVerificationError,
            StatusCode::NOT_FOUND,
        );
    }
    match other_ways_in(&ctx, runtime.adapter.as_ref(), &user_id).await {
        Ok(others) if others + passkeys.len() > 1 => {}
        Ok(_) => return refused(ctx, ErrorCode::LastSignInMethod, StatusCode::BAD_REQUEST),
        Err(error) => return ctx.fail(error.into()),
    }
    match runtime.adapter.delete_authenticator(&user_id, &id).await {
        Ok(_) => {}
        Err(error) => return ctx.fail(error.into()),
    }
    let event = (ctx.audit_event(AuditKind::PasskeyRemoved))
        .user(&user_id)
        .provider(&runtime.provider.id);
    ctx.audit(event).await;
    done(ctx, crate::pages::account::Notice::PasskeyRemoved)
}

/// How many ways in a user has besides passkeys: linked accounts, a password, and the email
/// provider (which lets the owner of the account's proven address in, if it has one).
pub(crate) async fn other_ways_in(
    ctx: &Ctx<'_>,
    adapter: &dyn crate::adapter::Adapter,
    user_id: &str,
) -> Result<usize, AdapterError> {
    let accounts = adapter.list_accounts(user_id).await?.len();
    let password = usize::from(adapter.get_password_hash(user_id).await?.is_some());
    // A proven address: an unproven one may be someone else's, whose first proof would wipe
    // what is left.
    let has_address = (adapter.get_user(user_id).await?)
        .is_some_and(|user| user.email.is_some() && user.email_verified.is_some());
    let email = usize::from(
        has_address
            && (ctx.inner.providers.iter()).any(|p| p.provider_type() == ProviderType::Email),
    );
    Ok(accounts + password + email)
}
