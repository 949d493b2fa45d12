//! The signed-in user's own account: `GET /account` (the page), and what it does, each also a
//! JSON route for apps with their own interface.
//!
//! - `GET /account`: the page (a signed-out visitor goes to sign-in and comes back).
//! - `GET /account/profile`: `{user, hasPassword, accounts}` as JSON.
//! - `GET /account/sessions`: `{sessions: [...]}` as JSON (database sessions; empty for JWT).
//! - `GET /account/events`: `{events: [...]}`, the user's recent security events as JSON
//!   (empty when they are not stored).
//! - `POST /account/profile` `{name, image}`: changes the name and picture.
//! - `POST /account/revoke-session` `{session}`: ends one of the user's sessions, by the `id`
//!   the list gives (never the token or its hash).
//! - `POST /account/revoke-other-sessions`: ends every session but this one.
//!
//! Every POST is CSRF-checked (by the dispatcher) and answers with a redirect back to the page
//! (`?notice=` or `?error=`), or `{url}` in JSON-redirect mode with the status.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::Ctx;
use super::prelude::{NotSignedIn, done, refused, signed_in_user};
use crate::adapter::{Adapter, AdapterUser, SessionDetails, Timestamp};
use crate::audit::{AuditEvent, AuditFilter, AuditKind};
use crate::error::{Error, ErrorCode};
use crate::pages::account::{AccountPage, EventRow, Notice, ProofKind, SessionRow};
use crate::secret::sha256_hex;
use crate::user::ProviderType;

/// The longest name a profile keeps, in characters.
const MAX_NAME_CHARS: usize = 100;
/// The longest picture URL a profile keeps, in bytes.
const MAX_IMAGE_BYTES: usize = 2048;
/// The most sessions the page lists (the latest to expire); "sign out everywhere else" ends
/// the rest too.
const MAX_LISTED: usize = 100;
/// The most security events other than failures the page shows, the latest first.
const PAGE_EVENTS: usize = 20;
/// The most failed sign-ins and proofs the page shows beside them.
const PAGE_FAILURES: usize = 5;
/// The most security events `GET /account/events` gives, the latest first.
const JSON_EVENTS: usize = 100;

/// The id of a session in lists and in `revoke-session`: derived from its token's hash, so
/// it names the session without being, or leading to, anything that signs in.
pub(crate) fn session_id(token_hash: &str) -> String {
    sha256_hex(&format!("authrs.session-id:{token_hash}"))[..32].to_owned()
}

/// The signed-in user's id, or the answer for a visitor who is not signed in: the page sends
/// them to sign in and back; the JSON routes answer 401.
async fn user_or_sign_in(ctx: &Ctx<'_>) -> Result<String, Answer> {
    match signed_in_user(ctx).await {
        Ok(user_id) => Ok(user_id),
        Err(NotSignedIn::NoSession) => Err(Answer::SignIn),
        Err(NotSignedIn::Failed(error)) => Err(Answer::Failed(error)),
    }
}

enum Answer {
    SignIn,
    Failed(Error),
}

/// Who asked: the page, a JSON read, or a form (or its JSON-redirect form).
#[derive(Clone, Copy)]
enum Asker {
    Page,
    Json,
    Form,
}

impl Answer {
    fn send(self, ctx: Ctx<'_>, asker: Asker) -> Response<Bytes> {
        match (self, asker) {
            (Self::Failed(error), _) => ctx.fail(error),
            (Self::SignIn, Asker::Page) => {
                let back = super::encode(&ctx.url("account"));
                let url = format!("{}?callbackUrl={back}", ctx.url("signin"));
                ctx.redirect(url, StatusCode::OK)
            }
            (Self::SignIn, Asker::Json) => {
                let body = json!({ "error": ErrorCode::SessionRequired.as_str() });
                ctx.json_no_store(StatusCode::UNAUTHORIZED, Bytes::from(body.to_string()))
            }
            (Self::SignIn, Asker::Form) => {
                super::prelude::refuse(ctx, ErrorCode::SessionRequired, StatusCode::UNAUTHORIZED)
            }
        }
    }
}

/// The hash of this browser's database session token, if it has one.
fn current_session_hash(ctx: &Ctx<'_>) -> Option<String> {
    ctx.cookies
        .chunked(&ctx.inner.cookie_names.session_token)
        .map(|token| sha256_hex(&token))
}

/// The user's sessions that have not expired, this browser's first.
async fn live_sessions(
    ctx: &Ctx<'_>,
    adapter: &dyn Adapter,
    user_id: &str,
) -> Result<Vec<SessionDetails>, Error> {
    let now = Timestamp::from_millis(ctx.now_ms);
    let current = current_session_hash(ctx);
    let mut sessions: Vec<SessionDetails> = adapter
        .list_user_sessions(user_id, MAX_LISTED)
        .await?
        .into_iter()
        .filter(|session| session.expires > now)
        .collect();
    sessions.sort_by_key(|session| Some(&session.session_token) != current.as_ref());
    Ok(sessions)
}

/// When a session was last used: its expiry rolls forward on use (every `updateAge`), so the
/// last use is its expiry less the lifetime, to within `updateAge`.
fn last_active(ctx: &Ctx<'_>, session: &SessionDetails) -> Timestamp {
    let used = session
        .expires
        .as_millis()
        .saturating_sub(ctx.inner.max_age_secs.saturating_mul(1000));
    let used = Timestamp::from_millis(used);
    match session.origin.created {
        Some(created) if created > used => created,
        _ => used,
    }
}

/// `GET /account`.
pub(crate) async fn page(mut ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Page),
    };
    let view = match View::load(&ctx, adapter, &user_id, true).await {
        Ok(Some(view)) => view,
        Ok(None) => return Answer::SignIn.send(ctx, Asker::Page),
        Err(error) => return ctx.fail(error),
    };
    let current = current_session_hash(&ctx);
    // Rule 9 of passkeys: adding one needs a recent sign-in. A database session's start is in
    // the sessions just listed; a token carries its own.
    #[cfg(feature = "passkey")]
    let fresh = if lists_sessions(&ctx) {
        let this = view
            .sessions
            .iter()
            .find(|s| Some(&s.session_token) == current.as_ref());
        ctx.signed_in_recently(this.and_then(|s| s.origin.created).map(|at| at.as_millis()))
    } else {
        match super::session::current_sign_in(&ctx).await {
            Ok(Some((_, at))) => ctx.signed_in_recently(at),
            _ => false,
        }
    };
    #[cfg(feature = "passkey")]
    let sign_in_again = format!(
        "{}?callbackUrl={}",
        ctx.url("signin"),
        super::encode(&ctx.url("account"))
    );
    let sessions: Vec<SessionRow> = view
        .sessions
        .iter()
        .map(|session| SessionRow {
            id: session_id(&session.session_token),
            user_agent: session.origin.user_agent.clone(),
            network: session.origin.client_network.clone(),
            created: session.origin.created,
            last_active: last_active(&ctx, session),
            current: Some(&session.session_token) == current.as_ref(),
        })
        .collect();
    let csrf_token = ctx.csrf_token();
    let look = ctx.look();
    let notice = ctx.query("notice").and_then(Notice::parse);
    let error = ctx.query("error").map(ErrorCode::parse);
    let linkable: Vec<(&str, &str)> = ctx
        .inner
        .providers
        .iter()
        .filter(|p| {
            matches!(
                p.provider_type(),
                crate::user::ProviderType::Oauth | crate::user::ProviderType::Oidc
            )
        })
        .filter(|p| !view.accounts.iter().any(|a| a.0 == p.id()))
        .map(|p| (p.id(), p.name()))
        .collect();
    let linked: Vec<(&str, &str)> = view
        .accounts
        .iter()
        .map(|(id, _)| (id.as_str(), provider_name(&ctx, id)))
        .collect();
    let events: Vec<EventRow> = (view.events.iter())
        .map(|event| EventRow {
            kind: event.kind,
            at: event.at,
            provider: (event.provider.as_deref()).map(|id| shown_provider_name(&mut ctx, id)),
            user_agent: event.user_agent.clone(),
            network: event.client_network.clone(),
        })
        .collect();
    let markup = crate::pages::account::render(&AccountPage {
        look,
        base_url: &ctx.base_url,
        csrf_token: &csrf_token,
        user: &view.user,
        notice,
        error,
        database_sessions: lists_sessions(&ctx),
        sessions: &sessions,
        linked: &linked,
        linkable: &linkable,
        proof: view.proof(&ctx),
        events: ctx.inner.audit.store.then_some(events.as_slice()),
        two_factor: view.two_factor,
        #[cfg(feature = "passkey")]
        passkeys: view
            .passkeys
            .as_ref()
            .map(|passkeys| crate::pages::account::PasskeysView {
                passkeys: passkeys.as_slice(),
                provider: ctx
                    .inner
                    .passkey()
                    .map_or("passkey", |runtime| runtime.provider.id.as_str()),
                can_add: fresh,
                sign_in_again: &sign_in_again,
            }),
        origin: ctx.origin.as_str(),
    });
    #[cfg(feature = "passkey")]
    if view.passkeys.is_some() {
        return ctx.html_with_passkey_script(StatusCode::OK, markup);
    }
    ctx.html(StatusCode::OK, markup)
}

/// What the page and the JSON routes show of a user.
struct View {
    user: AdapterUser,
    has_password: bool,
    /// `(provider id, provider account type)` of each linked account.
    accounts: Vec<(String, &'static str)>,
    sessions: Vec<SessionDetails>,
    /// The latest security events (for the page).
    events: Vec<AuditEvent>,
    /// Two-step sign-in, when the site has it.
    two_factor: Option<crate::pages::account::TwoFactorView>,
    /// The user's passkeys, when the site has them (for the page).
    #[cfg(feature = "passkey")]
    passkeys: Option<Vec<crate::adapter::Authenticator>>,
}

impl View {
    /// The user, their password's presence and linked accounts, and (for the page) their
    /// live sessions.
    async fn load(
        ctx: &Ctx<'_>,
        adapter: &dyn Adapter,
        user_id: &str,
        with_sessions: bool,
    ) -> Result<Option<Self>, Error> {
        let Some(user) = adapter.get_user(user_id).await? else {
            return Ok(None);
        };
        let has_password = adapter.get_password_hash(user_id).await?.is_some();
        let accounts = adapter
            .list_accounts(user_id)
            .await?
            .into_iter()
            .map(|account| (account.provider, account.provider_type.as_str()))
            .collect();
        let sessions = if with_sessions && lists_sessions(ctx) {
            live_sessions(ctx, adapter, user_id).await?
        } else {
            Vec::new()
        };
        let events = if with_sessions && ctx.inner.audit.store {
            recent_events(adapter, user_id).await
        } else {
            Vec::new()
        };
        let two_factor = match &ctx.inner.two_factor {
            Some(runtime) => {
                let record = adapter.get_two_factor(user_id).await?;
                Some(crate::pages::account::TwoFactorView {
                    enabled: record.is_some(),
                    recovery_codes_left: record.map_or(0, |r| r.recovery_codes_left),
                    required: runtime.options.mode == crate::two_factor::TwoFactorMode::Required,
                })
            }
            None => None,
        };
        #[cfg(feature = "passkey")]
        let passkeys = match ctx.inner.passkey() {
            Some(_) if with_sessions => Some(adapter.list_authenticators(user_id).await?),
            _ => None,
        };
        Ok(Some(Self {
            user,
            has_password,
            accounts,
            sessions,
            events,
            two_factor,
            #[cfg(feature = "passkey")]
            passkeys,
        }))
    }

    /// What the user can prove themselves with: a password, a mailed link or code, or
    /// neither. The page offers changing (or setting) the password and deleting the account
    /// accordingly.
    fn proof(&self, ctx: &Ctx<'_>) -> ProofKind {
        #[cfg(feature = "password")]
        if let Some(accounts) = &ctx.inner.accounts {
            return match (self.has_password, accounts.options.transport.is_some()) {
                (true, _) => ProofKind::Password,
                (false, true) if self.user.email.is_some() => ProofKind::Mail,
                (false, _) => ProofKind::Unavailable,
            };
        }
        let _ = ctx;
        ProofKind::Unavailable
    }
}

fn timestamp_json(at: Timestamp) -> Value {
    Value::String(crate::clock::iso8601_millis(at.as_millis()))
}

/// `GET /account/profile`.
pub(crate) async fn profile_json(ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Json),
    };
    let view = match View::load(&ctx, adapter, &user_id, false).await {
        Ok(Some(view)) => view,
        Ok(None) => return Answer::SignIn.send(ctx, Asker::Json),
        Err(error) => return ctx.fail(error),
    };
    let user = &view.user;
    let body = json!({
        "user": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "emailVerified": user.email_verified.map(timestamp_json),
            "image": user.image,
        },
        "hasPassword": view.has_password,
        "twoFactor": view.two_factor.map(|two_factor| json!({
            "enabled": two_factor.enabled,
            "recoveryCodesLeft": two_factor.recovery_codes_left,
            "required": two_factor.required,
        })),
        "accounts": view.accounts.iter().map(|(provider, kind)| json!({
            "provider": provider,
            "type": kind,
        })).collect::<Vec<_>>(),
    });
    ctx.json_no_store(StatusCode::OK, Bytes::from(body.to_string()))
}

/// `GET /account/sessions`.
pub(crate) async fn sessions_json(ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Json),
    };
    let database = lists_sessions(&ctx);
    let sessions = if database {
        match live_sessions(&ctx, adapter, &user_id).await {
            Ok(sessions) => sessions,
            Err(error) => return ctx.fail(error),
        }
    } else {
        Vec::new()
    };
    let current = current_session_hash(&ctx);
    let list: Vec<Value> = sessions
        .iter()
        .map(|session| {
            let device =
                (session.origin.user_agent.as_deref()).and_then(crate::pages::account::device);
            json!({
                "id": session_id(&session.session_token),
                "current": Some(&session.session_token) == current.as_ref(),
                "userAgent": session.origin.user_agent,
                "browser": device.map(|d| d.browser),
                "system": device.and_then(|d| d.system),
                "network": session.origin.client_network,
                "created": session.origin.created.map(timestamp_json),
                "lastActive": timestamp_json(last_active(&ctx, session)),
                "expires": timestamp_json(session.expires),
            })
        })
        .collect();
    let body = json!({ "strategy": if database { "database" } else { "jwt" }, "sessions": list });
    ctx.json_no_store(StatusCode::OK, Bytes::from(body.to_string()))
}

/// The events the page shows: the latest [`PAGE_EVENTS`] that are not failures and the latest
/// [`PAGE_FAILURES`] failures, merged, the latest first; so a guesser's failures never push a
/// sign-in from somewhere new off the page. A database error leaves the list empty rather
/// than the page unanswered.
async fn recent_events(adapter: &dyn Adapter, user_id: &str) -> Vec<AuditEvent> {
    let mut events = Vec::new();
    for (filter, limit) in [
        (AuditFilter::NotFailures, PAGE_EVENTS),
        (AuditFilter::Failures, PAGE_FAILURES),
    ] {
        match adapter.list_audit_events(user_id, filter, limit).await {
            Ok(listed) => events.extend(listed),
            Err(error) => {
                crate::telemetry::database_error(&error);
                tracing::warn!(%error, "could not read a user's security events");
                return Vec::new();
            }
        }
    }
    // Stable: among events of the same time, the order each list gave is kept.
    events.sort_by_key(|event| std::cmp::Reverse(event.at));
    events
}

/// `GET /account/events`: the user's recent security events, the latest first.
pub(crate) async fn events_json(ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Json),
    };
    let filter = match ctx.query("filter") {
        Some("failures") => AuditFilter::Failures,
        Some("others") => AuditFilter::NotFailures,
        _ => AuditFilter::All,
    };
    let events = if ctx.inner.audit.store {
        match adapter
            .list_audit_events(&user_id, filter, JSON_EVENTS)
            .await
        {
            Ok(events) => events,
            Err(error) => return ctx.fail(error.into()),
        }
    } else {
        Vec::new()
    };
    let list: Vec<Value> = events
        .iter()
        .map(|event| {
            let device = (event.user_agent.as_deref()).and_then(crate::pages::account::device);
            json!({
                "kind": event.kind.as_str(),
                "at": timestamp_json(event.at),
                "provider": event.provider,
                "detail": event.detail,
                "network": event.client_network,
                "userAgent": event.user_agent,
                "browser": device.map(|d| d.browser),
                "system": device.and_then(|d| d.system),
            })
        })
        .collect();
    let body = json!({ "stored": ctx.inner.audit.store, "events": list });
    ctx.json_no_store(StatusCode::OK, Bytes::from(body.to_string()))
}

/// A provider's name as the page shows it: the built-in providers' default names in the page's
/// language.
fn shown_provider_name(ctx: &mut Ctx<'_>, id: &str) -> String {
    let m = ctx.messages();
    let provider = ctx.inner.provider(id);
    let kind = provider.map(|provider| provider.provider_type());
    match (kind, provider.map(|provider| provider.name())) {
        (Some(ProviderType::Email), Some("Email")) => m.text("field-email"),
        (Some(ProviderType::Credentials), Some("Password")) if ctx.is_email_password(id) => {
            m.text("field-password")
        }
        (_, name) => name.unwrap_or(id).to_owned(),
    }
}

/// A provider's display name, or its id when it is no longer configured.
fn provider_name<'a>(ctx: &Ctx<'a>, id: &'a str) -> &'a str {
    ctx.inner
        .provider(id)
        .map_or(id, |provider| provider.name())
}

/// A picture URL the profile accepts: an `https://` URL with a host and no user name or
/// password in it, within the length limit; stored as the URL parser writes it.
fn acceptable_image(image: &str) -> Option<String> {
    if image.len() > MAX_IMAGE_BYTES || image.chars().any(char::is_control) {
        return None;
    }
    let url = url::Url::parse(image).ok()?;
    let plain = url.scheme() == "https"
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none();
    plain.then(|| url.to_string())
}

/// Characters a name may not have: controls, and the invisible and direction-changing
/// characters (format characters, line and paragraph separators) that make a name read as
/// another one.
fn hidden_or_bidi(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// `POST /account/profile` `{name, image}`: a field left out stays as it is, an empty one
/// clears it. Only these two columns are written, so a concurrent proof of the address stays.
pub(crate) async fn update_profile(ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Form),
    };
    let user = match adapter.get_user(&user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return Answer::SignIn.send(ctx, Asker::Form),
        Err(error) => return ctx.fail(error.into()),
    };
    let name = match ctx.body_str("name").map(str::trim) {
        None => user.name.clone(),
        Some("") => None,
        Some(name)
            if name.chars().count() <= MAX_NAME_CHARS && !name.chars().any(hidden_or_bidi) =>
        {
            Some(name.to_owned())
        }
        Some(_) => return refused(ctx, ErrorCode::InvalidProfile, StatusCode::BAD_REQUEST),
    };
    let image = match ctx.body_str("image").map(str::trim) {
        None => user.image.clone(),
        Some("") => None,
        Some(image) => match acceptable_image(image) {
            Some(image) => Some(image),
            None => return refused(ctx, ErrorCode::InvalidProfile, StatusCode::BAD_REQUEST),
        },
    };
    if name == user.name && image == user.image {
        // Nothing to change, and nothing to record.
        return done(ctx, Notice::ProfileSaved);
    }
    let stored = adapter
        .update_user_profile(&user_id, name.as_deref(), image.as_deref())
        .await;
    match stored {
        Ok(()) => {}
        Err(crate::adapter::AdapterError::UserNotFound) => {
            return Answer::SignIn.send(ctx, Asker::Form);
        }
        Err(error) => return ctx.fail(error.into()),
    }
    let event = ctx.audit_event(AuditKind::ProfileUpdated);
    ctx.audit(event.user(&user_id)).await;
    done(ctx, Notice::ProfileSaved)
}

/// With JWT sessions nothing lists them, so none can be ended one by one: `sign out
/// everywhere` ends them all.
fn lists_sessions(ctx: &Ctx<'_>) -> bool {
    ctx.inner.strategy() == crate::config::SessionStrategy::Database
}

/// `POST /account/revoke-session` `{session}`: one of the user's own sessions, by its id.
pub(crate) async fn revoke_session(mut ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    if !lists_sessions(&ctx) {
        return refused(ctx, ErrorCode::SessionsNotListed, StatusCode::BAD_REQUEST);
    }
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Form),
    };
    let wanted = ctx.body_str("session").unwrap_or_default().to_owned();
    let sessions = match adapter.list_user_sessions(&user_id, MAX_LISTED).await {
        Ok(sessions) => sessions,
        Err(error) => return ctx.fail(error.into()),
    };
    // Only the user's own sessions are looked through: another user's id names nothing here.
    let Some(session) = sessions.iter().find(|s| {
        crate::secret::constant_time_eq(session_id(&s.session_token).as_bytes(), wanted.as_bytes())
    }) else {
        return refused(ctx, ErrorCode::UnknownSession, StatusCode::NOT_FOUND);
    };
    if let Err(error) = adapter.delete_session(&session.session_token).await {
        return ctx.fail(error.into());
    }
    let event = ctx.audit_event(AuditKind::SessionRevoked);
    ctx.audit(event.user(&user_id)).await;
    if current_session_hash(&ctx).as_ref() == Some(&session.session_token) {
        ctx.clear_session_cookie();
    }
    done(ctx, Notice::SessionRevoked)
}

/// `POST /account/revoke-other-sessions`: every session of the user but this browser's, in
/// one statement.
pub(crate) async fn revoke_other_sessions(ctx: Ctx<'_>, adapter: &dyn Adapter) -> Response<Bytes> {
    if !lists_sessions(&ctx) {
        return refused(ctx, ErrorCode::SessionsNotListed, StatusCode::BAD_REQUEST);
    }
    let user_id = match user_or_sign_in(&ctx).await {
        Ok(user_id) => user_id,
        Err(answer) => return answer.send(ctx, Asker::Form),
    };
    let current = current_session_hash(&ctx).unwrap_or_default();
    let ended = match adapter
        .delete_user_sessions_except(&user_id, &current)
        .await
    {
        Ok(ended) => ended,
        Err(error) => return ctx.fail(error.into()),
    };
    if ended > 0 {
        let event = ctx.audit_event(AuditKind::OtherSessionsRevoked);
        ctx.audit(event.user(&user_id).detail(format!("ended={ended}")))
            .await;
    }
    done(ctx, Notice::OthersRevoked)
}
