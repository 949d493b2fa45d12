//! What the passkey endpoints (`actions/passkey.rs`) share with the end of every sign-in
//! (`actions/complete.rs`): storing a checked passkey, and a new account's passkey waiting in
//! its cookie for the proof of its address (rule 7 of [`crate::providers::passkey`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::Ctx;
use crate::adapter::{AdapterError, Authenticator, Timestamp};
use crate::audit::AuditKind;
use crate::error::Error;
use crate::providers::passkey::PasskeyRuntime;
use crate::user::{Account, ProviderType, User};
use crate::webauthn::{self, b64url};

/// Stores a checked passkey for `user_id`; `Ok(Err(why))` when it is refused.
pub(super) async fn add(
    ctx: &Ctx<'_>,
    runtime: &PasskeyRuntime,
    user_id: &str,
    registered: webauthn::Registered,
    handle: &str,
) -> Result<Result<(), &'static str>, Error> {
    let existing = runtime.adapter.list_authenticators(user_id).await?;
    if existing.len() >= runtime.provider.max_per_user {
        return Ok(Err("too many passkeys"));
    }
    let transports = (!registered.transports.is_empty()).then(|| registered.transports.join(","));
    let name = format!("Passkey {}", existing.len() + 1);
    let authenticator = Authenticator::new(
        STANDARD.encode(&registered.credential_id),
        user_id.to_owned(),
        STANDARD.encode(&registered.public_key),
        registered.counter,
        registered.backup_eligible,
        registered.backed_up,
        transports,
        handle.to_owned(),
        name,
        Timestamp::from_millis(ctx.now_ms),
    );
    match runtime.adapter.create_authenticator(&authenticator).await {
        Ok(()) => {}
        Err(AdapterError::DuplicateAccount) => return Ok(Err("passkey already registered")),
        Err(error) => return Err(error.into()),
    }
    let event = (ctx.audit_event(AuditKind::PasskeyAdded))
        .user(user_id)
        .provider(&runtime.provider.id);
    ctx.audit(event).await;
    // Rule 9: the user hears of every passkey added, theirs or not.
    let purpose = crate::providers::EmailPurpose::PasskeyAdded;
    super::notice::send(ctx, runtime.adapter.as_ref(), user_id, purpose).await;
    Ok(Ok(()))
}

/// A new account's checked passkey, waiting for its address (rule 7).
pub(super) struct Waiting {
    pub(super) email: String,
    pub(super) name: Option<String>,
    pub(super) handle: String,
    pub(super) registered: webauthn::Registered,
}

impl Waiting {
    pub(super) fn seal(&self, runtime: &PasskeyRuntime, now: u64, lifetime: u64) -> String {
        let r = &self.registered;
        let mut claims = Map::new();
        claims.insert("e".into(), Value::from(self.email.as_str()));
        claims.insert("h".into(), Value::from(self.handle.as_str()));
        claims.insert("i".into(), Value::from(b64url(&r.credential_id)));
        claims.insert("k".into(), Value::from(b64url(&r.public_key)));
        claims.insert("c".into(), Value::from(r.counter));
        claims.insert("be".into(), Value::from(r.backup_eligible));
        claims.insert("bs".into(), Value::from(r.backed_up));
        claims.insert("t".into(), Value::from(r.transports.join(",")));
        if let Some(name) = &self.name {
            claims.insert("n".into(), Value::from(name.as_str()));
        }
        runtime.sign_ups.encode(&mut claims, now, lifetime)
    }

    fn open(runtime: &PasskeyRuntime, cookie: &str, now: u64) -> Option<Self> {
        let claims = runtime.sign_ups.decode(cookie, now).ok()?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let flag = |name: &str| claims.get(name).and_then(Value::as_bool);
        let transports = text("t")?;
        Some(Self {
            email: text("e")?,
            name: text("n"),
            handle: text("h")?,
            registered: webauthn::Registered {
                credential_id: webauthn::from_b64url(&text("i")?)?,
                public_key: webauthn::from_b64url(&text("k")?)?,
                counter: u32::try_from(claims.get("c")?.as_u64()?).ok()?,
                backup_eligible: flag("be")?,
                backed_up: flag("bs")?,
                transports: transports
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect(),
            },
        })
    }
}

/// At the start of every session: the passkey this browser registered for a new account is
/// stored when this session comes from the email proof that created that account, for the
/// address it was made for (rule 7). The waiting cookie goes either way, so no later sign-in
/// in this browser (someone else's, on a shared computer) can pick it up.
pub(crate) async fn attach_waiting(
    ctx: &mut Ctx<'_>,
    user: &User,
    account: &Account,
    is_new_user: bool,
) -> Result<(), Error> {
    let name = ctx.inner.cookie_names.passkey_sign_up.clone();
    let Some(cookie) = ctx.cookies.get(&name).map(|c| c.into_owned()) else {
        return Ok(());
    };
    let secure = ctx.secure();
    ctx.set_cookies.push(crate::cookies::delete(&name, secure));
    let Some(runtime) = ctx.inner.passkey() else {
        return Ok(());
    };
    let Some(waiting) = Waiting::open(runtime, &cookie, ctx.now_secs()) else {
        return Ok(());
    };
    let proven_here = account.provider_type == ProviderType::Email && is_new_user;
    if !proven_here || user.email.as_deref() != Some(waiting.email.as_str()) {
        tracing::info!("a waiting passkey was dropped: this sign-in did not create its account");
        return Ok(());
    }
    if let Some(name) = &waiting.name
        && user.name.is_none()
    {
        (runtime.adapter)
            .update_user_profile(&user.id, Some(name), user.image.as_deref())
            .await?;
    }
    let handle = waiting.handle.clone();
    match add(ctx, runtime, &user.id, waiting.registered, &handle).await? {
        Ok(()) => tracing::info!(user = %user.id, "the new account's passkey was stored"),
        Err(why) => tracing::info!(user = %user.id, why, "the waiting passkey was not stored"),
    }
    Ok(())
}
