//! `GET /session` and `POST /session` (update), for both session strategies.
//!
//! JWT: every successful read re-runs the `jwt` callback, re-encrypts the token with a fresh
//! `iat`/`exp`/`jti` and re-sets the cookie, so an active client slides its expiry (§3.5). A
//! token that does not decrypt, has expired, or has no `sub` means "no session" and its cookies
//! are deleted; a token is never accepted without a user id (CVE-2023-48309).
//!
//! Database: the cookie holds a random token and the adapter a row keyed by its SHA-256. A read
//! rolls the row's expiry to now + `max_age` once `update_age` has passed since it was last
//! set (§4.2) and re-sets the cookie; an expired row is deleted and means "no session".

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::Value;

use super::{Ctx, configuration_error_json};
use crate::adapter::{Adapter, AdapterUser, Timestamp};
use crate::callbacks::{JwtArgs, SessionArgs};
use crate::clock::iso8601_millis;
use crate::config::{Compatibility, SessionStrategy};
use crate::error::Error;
use crate::inner::{Inner, SessionStore};
use crate::jwt::Claims;
use crate::secret::sha256_hex;
use crate::session::{Resolved, Session, SessionTrigger, SessionUser};
use crate::user::User;

/// Whether the claims name a user: a non-empty string `sub`.
pub(crate) fn has_subject(claims: &Claims) -> bool {
    matches!(claims.get("sub"), Some(Value::String(sub)) if !sub.is_empty())
}

/// [`resolve`] for a plain read (no update), shared by every read of the same cookie that
/// arrives while one is running (next-auth issue #10244's polling storms): the callbacks and
/// the database run once, and each request re-issues its cookie from the shared result.
pub(crate) async fn resolve_shared(
    inner: &Inner,
    token: &str,
    now_ms: u64,
) -> std::sync::Arc<Result<Resolved, Error>> {
    use std::sync::Arc;
    let cell = {
        let mut reads = inner
            .session_reads
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        Arc::clone(reads.entry(token.to_owned()).or_default())
    };
    let result = cell
        .get_or_init(|| async { Arc::new(resolve(inner, token, now_ms, None, None).await) })
        .await
        .clone();
    {
        let mut reads = inner
            .session_reads
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if reads.get(token).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            reads.remove(token);
        }
    }
    // With no other reader left holding it, the caller can take the result without a copy.
    drop(cell);
    result
}

/// Reads a session cookie's value and runs the callbacks, for either strategy.
pub(crate) async fn resolve(
    inner: &Inner,
    token: &str,
    now_ms: u64,
    trigger: Option<SessionTrigger>,
    data: Option<&Value>,
) -> Result<Resolved, Error> {
    match &inner.sessions {
        SessionStore::Jwt { revocation } => {
            resolve_jwt(inner, revocation.as_deref(), token, now_ms, trigger, data).await
        }
        SessionStore::Database(adapter) => {
            resolve_database(inner, adapter.as_ref(), token, now_ms, trigger, data).await
        }
    }
}

async fn resolve_jwt(
    inner: &Inner,
    revocation: Option<&dyn Adapter>,
    token: &str,
    now_ms: u64,
    trigger: Option<SessionTrigger>,
    data: Option<&Value>,
) -> Result<Resolved, Error> {
    let claims = match inner.session_codec.decode(token, now_ms / 1000) {
        Ok(claims) if has_subject(&claims) => claims,
        Ok(_) => {
            tracing::debug!("session token has no subject");
            return Ok(Resolved::Invalid);
        }
        Err(error) => {
            tracing::debug!(%error, "session token rejected");
            return Ok(Resolved::Invalid);
        }
    };
    if let Some(adapter) = revocation
        && revoked(adapter, &claims).await?
    {
        tracing::debug!("session token issued before the user signed out everywhere");
        return Ok(Resolved::Invalid);
    }
    #[cfg(feature = "oauth")]
    if let (Some(refresh), Some(Value::String(user_id))) = (&inner.token_refresh, claims.get("sub"))
    {
        refresh.run(user_id, now_ms).await;
    }
    // What revocation reads is the engine's, not the app's: a `jwt` callback that merges a
    // client's update into the token must not let that client choose a new `sid` (and so
    // outlive a sign-out) or a later `auth_time`.
    // (Revocation reads both; `auth_time` also decides whether a sign-in is recent enough to
    // add a way in.)
    let kept: Vec<(&str, Option<Value>)> = ["sid", "auth_time"]
        .into_iter()
        .map(|name| (name, claims.get(name).cloned()))
        .collect();
    let args = JwtArgs {
        token: claims,
        user: None,
        account: None,
        trigger,
        session: data,
    };
    let Some(mut claims) = inner.callbacks.jwt(args).await? else {
        return Ok(Resolved::Ended);
    };
    for (name, value) in kept {
        match value {
            Some(value) => claims.insert(name.to_owned(), value),
            None => claims.remove(name),
        };
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let session = default_session(
        text("name"),
        text("email"),
        text("picture"),
        now_ms + inner.max_age_secs * 1000,
    );
    let session = inner
        .callbacks
        .session(SessionArgs {
            session,
            token: Some(&claims),
            user: None,
            new_session: data,
            trigger,
        })
        .await?;
    Ok(Resolved::Jwt { session, claims })
}

/// What a signed-out JWT session's id is stored under (its SHA-256 as the token hash, until
/// the last copy of its cookie could have expired).
pub(crate) const SIGNED_OUT_SESSION: &str = "signed-out-jwt-session";

/// Whether a JWT was signed out (its `sid` is on the deny-list), or its sign-in is not after
/// its user's "sessions valid after" stamp. Tokens record their sign-in time in `auth_time`;
/// one without it (minted elsewhere) counts as older than any stamp.
async fn revoked(adapter: &dyn Adapter, claims: &Claims) -> Result<bool, Error> {
    if let Some(Value::String(sid)) = claims.get("sid")
        && adapter
            .find_verification_token(SIGNED_OUT_SESSION, &crate::secret::sha256_hex(sid))
            .await?
            .is_some()
    {
        return Ok(true);
    }
    let Some(Value::String(user_id)) = claims.get("sub") else {
        return Ok(false);
    };
    let Some(valid_after) = adapter.get_sessions_valid_after(user_id).await? else {
        return Ok(false);
    };
    let auth_time_ms = claims
        .get("auth_time")
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite() && *t >= 0.0)
        .map_or(0, |t| (t * 1000.0).round() as u64);
    Ok(auth_time_ms <= valid_after.as_millis())
}

/// The id of the signed-in user of a request, with the same checks as a session read but no
/// callbacks and no writes (for our account routes).
pub(crate) async fn current_user_id(ctx: &Ctx<'_>) -> Result<Option<String>, Error> {
    Ok(signed_in(ctx, false).await?.map(|(user_id, _)| user_id))
}

/// The signed-in user of a request and when they signed in (milliseconds since the epoch;
/// `None` for a database session stored before sessions kept their start).
#[cfg_attr(not(any(feature = "oauth", feature = "passkey")), allow(dead_code))]
pub(crate) async fn current_sign_in(ctx: &Ctx<'_>) -> Result<Option<(String, Option<u64>)>, Error> {
    signed_in(ctx, true).await
}

/// [`current_user_id`], and with `when` the time of the sign-in: read from the token (decoded
/// once), or, for a database session, from its row's start (one more read).
async fn signed_in(ctx: &Ctx<'_>, when: bool) -> Result<Option<(String, Option<u64>)>, Error> {
    let inner = ctx.inner;
    let Some(token) = ctx.cookies.chunked(&inner.cookie_names.session_token) else {
        return Ok(None);
    };
    match &inner.sessions {
        SessionStore::Jwt { revocation } => {
            let Ok(claims) = inner.session_codec.decode(&token, ctx.now_secs()) else {
                return Ok(None);
            };
            if !has_subject(&claims) {
                return Ok(None);
            }
            if let Some(adapter) = revocation
                && revoked(adapter.as_ref(), &claims).await?
            {
                return Ok(None);
            }
            let at = (claims.get("auth_time").and_then(Value::as_f64))
                .filter(|secs| secs.is_finite() && *secs >= 0.0)
                .map(|secs| (secs * 1000.0) as u64);
            let user_id = claims.get("sub").and_then(Value::as_str).map(str::to_owned);
            Ok(user_id.map(|user_id| (user_id, at)))
        }
        SessionStore::Database(adapter) => {
            if !names_a_session(&token) {
                return Ok(None);
            }
            let hash = sha256_hex(&token);
            let found = adapter.get_session_and_user(&hash).await?;
            let Some((session, _)) =
                found.filter(|(session, _)| session.expires > Timestamp::from_millis(ctx.now_ms))
            else {
                return Ok(None);
            };
            let at = if when {
                let sessions = adapter.list_user_sessions(&session.user_id, 1000).await?;
                (sessions.into_iter())
                    .find(|listed| listed.session_token == hash)
                    .and_then(|listed| listed.origin.created)
                    .map(|at| at.as_millis())
            } else {
                None
            };
            Ok(Some((session.user_id, at)))
        }
    }
}

/// Whether `token` can name a database session: random tokens are 64 hex digits, and
/// anything else is refused without a query.
fn names_a_session(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn resolve_database(
    inner: &Inner,
    adapter: &dyn Adapter,
    token: &str,
    now_ms: u64,
    trigger: Option<SessionTrigger>,
    data: Option<&Value>,
) -> Result<Resolved, Error> {
    if !names_a_session(token) {
        return Ok(Resolved::Invalid);
    }
    let hash = sha256_hex(token);
    let Some((stored, user)) = adapter.get_session_and_user(&hash).await? else {
        return Ok(Resolved::Invalid);
    };
    let now = Timestamp::from_millis(now_ms);
    if stored.expires <= now {
        // Lazy clean-up; the periodic sweep catches the rows nobody reads again.
        adapter.delete_session(&hash).await?;
        return Ok(Resolved::Invalid);
    }
    let last_set = stored
        .expires
        .as_millis()
        .saturating_sub(inner.max_age_secs * 1000);
    if last_set + inner.update_age_secs * 1000 <= now_ms {
        adapter
            .update_session_expiry(&hash, now.plus_secs(inner.max_age_secs))
            .await?;
    }
    #[cfg(feature = "oauth")]
    if let Some(refresh) = &inner.token_refresh {
        refresh.run(&user.id, now_ms).await;
    }
    let user = User::from(user);
    // As in next-auth, `expires` reports the row's expiry as it was read.
    let session = default_session(
        user.name.clone(),
        user.email.clone(),
        user.image.clone(),
        stored.expires.as_millis(),
    );
    let session = inner
        .callbacks
        .session(SessionArgs {
            session,
            token: None,
            user: Some(&user),
            new_session: data,
            trigger,
        })
        .await?;
    Ok(Resolved::Database { session })
}

impl From<AdapterUser> for User {
    fn from(user: AdapterUser) -> Self {
        Self {
            id: user.id,
            name: user.name,
            email: user.email,
            image: user.image,
        }
    }
}

fn default_session(
    name: Option<String>,
    email: Option<String>,
    image: Option<String>,
    expires_ms: u64,
) -> Session {
    Session {
        user: SessionUser {
            name,
            email,
            image,
            extra: Default::default(),
        },
        expires: iso8601_millis(expires_ms),
        extra: Default::default(),
    }
}

/// `GET /session`.
pub(crate) async fn get(ctx: Ctx<'_>) -> Response<Bytes> {
    respond(ctx, None).await
}

/// `POST /session`: CSRF-checked; passes `data` to the callbacks with the `update` trigger.
pub(crate) async fn update(ctx: Ctx<'_>) -> Response<Bytes> {
    if !ctx.verify_csrf() {
        tracing::info!("session update refused: missing or mismatched CSRF token");
        let body = no_session_body(ctx.inner);
        return ctx.json(StatusCode::BAD_REQUEST, body);
    }
    respond(ctx, Some(SessionTrigger::Update)).await
}

/// Counts a plain session read (not an update).
fn counted(ctx: &Ctx<'_>, trigger: Option<SessionTrigger>, read: crate::telemetry::Read) {
    if trigger.is_none() {
        let jwt = ctx.inner.strategy() == SessionStrategy::Jwt;
        crate::telemetry::session_read(jwt, read);
    }
}

async fn respond(mut ctx: Ctx<'_>, trigger: Option<SessionTrigger>) -> Response<Bytes> {
    let names = &ctx.inner.cookie_names;
    let Some(token) = ctx.cookies.chunked(&names.session_token) else {
        counted(&ctx, trigger, crate::telemetry::Read::None);
        let body = no_session_body(ctx.inner);
        return answer(ctx, trigger, body);
    };
    let data = ctx.body.remove("data");
    let (shared, owned);
    let resolved: Result<Resolved, &Error> = match trigger {
        // Plain reads with the same cookie at the same time share one computation (when
        // there is more to it than decrypting a token).
        None if ctx.inner.share_session_reads => {
            let result = resolve_shared(ctx.inner, &token, ctx.now_ms).await;
            // Alone (the usual case) the result is taken as it is; shared, it is copied.
            match std::sync::Arc::try_unwrap(result) {
                Ok(Ok(resolved)) => Ok(resolved),
                Ok(Err(error)) => {
                    owned = error;
                    Err(&owned)
                }
                Err(result) => {
                    shared = result;
                    match &*shared {
                        Ok(resolved) => Ok(resolved.clone()),
                        Err(error) => Err(error),
                    }
                }
            }
        }
        _ => match resolve(ctx.inner, &token, ctx.now_ms, trigger, data.as_ref()).await {
            Ok(resolved) => Ok(resolved),
            Err(error) => {
                owned = error;
                Err(&owned)
            }
        },
    };
    let session = match resolved {
        Ok(Resolved::Jwt {
            session,
            mut claims,
        }) => {
            ctx.issue_session_token(&mut claims);
            session
        }
        Ok(Resolved::Database { session }) => {
            // next-auth v4/v5 re-set the cookie to now + max_age on every read.
            ctx.set_database_session_cookie(&token, ctx.now_secs() + ctx.inner.max_age_secs);
            session
        }
        Ok(Resolved::Invalid | Resolved::Ended) => {
            counted(&ctx, trigger, crate::telemetry::Read::None);
            ctx.clear_session_cookie();
            let body = no_session_body(ctx.inner);
            return answer(ctx, trigger, body);
        }
        // A failing callback or database must neither sign the user out nor answer with
        // anything session-shaped.
        Err(error) => {
            counted(&ctx, trigger, crate::telemetry::Read::Error);
            crate::telemetry::error(error);
            return configuration_error_json(ctx, error);
        }
    };
    counted(&ctx, trigger, crate::telemetry::Read::Session);
    let mut body = Vec::with_capacity(256);
    serde_json::to_writer(&mut body, &session).expect("a session always serialises");
    answer(ctx, trigger, Bytes::from(body))
}

fn answer(ctx: Ctx<'_>, trigger: Option<SessionTrigger>, body: Bytes) -> Response<Bytes> {
    // Reads are never stored by caches; the update POST carries no cache headers, as in
    // next-auth.
    if trigger.is_some() {
        return ctx.json(StatusCode::OK, body);
    }
    if ctx.inner.strategy() == SessionStrategy::Jwt {
        return ctx.json_no_store(StatusCode::OK, body);
    }
    // A client that revalidates (`If-None-Match`) gets 304 when the session is unchanged: a
    // database session's body stays the same until its expiry rolls (a JWT session's moves
    // with every read, so it has no ETag). Browsers do not revalidate `no-store` answers, so
    // the next-auth clients always get the body.
    let digest = {
        use sha2::Digest as _;
        sha2::Sha256::digest(&body)
    };
    let etag = format!("\"{}\"", &crate::secret::hex(&digest)[..32]);
    let unchanged = ctx
        .headers
        .get(http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let (status, body) = if unchanged {
        (StatusCode::NOT_MODIFIED, Bytes::new())
    } else {
        (StatusCode::OK, body)
    };
    let mut response = ctx.json_no_store(status, body);
    if let Ok(value) = http::HeaderValue::from_str(&etag) {
        response.headers_mut().insert(http::header::ETAG, value);
    }
    response
}

/// `{}` (v3/v4) or `null` (v5): the v5 client takes any object, even `{}`, as signed in.
pub(crate) fn no_session_body(inner: &Inner) -> Bytes {
    match inner.compatibility {
        Compatibility::NextAuthV4 => Bytes::from_static(b"{}"),
        Compatibility::AuthJsV5 => Bytes::from_static(b"null"),
    }
}
