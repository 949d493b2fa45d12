//! `GET /session` and `POST /session` (update), JWT strategy.
//!
//! Every successful read re-runs the `jwt` callback, re-encrypts the token with a fresh
//! `iat`/`exp`/`jti` and re-sets the cookie, so an active client slides its expiry (§3.5).
//! A token that does not decrypt, has expired, or has no `sub` means "no session" and its
//! cookies are deleted; a token is never accepted without a user id (CVE-2023-48309).

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::Value;

use super::{Ctx, configuration_error_json};
use crate::callbacks::{JwtArgs, SessionArgs};
use crate::clock::iso8601_millis;
use crate::config::Compatibility;
use crate::engine::Inner;
use crate::error::Error;
use crate::jwt::Claims;
use crate::session::{Session, SessionTrigger, SessionUser};

/// The outcome of reading a session token.
pub(crate) enum Resolved {
    /// The token does not decrypt, has expired, or is not a session token.
    Invalid,
    /// The `jwt` callback ended the session.
    Ended,
    /// A live session, with the claims to re-encode.
    Active { session: Session, claims: Claims },
}

/// Whether the claims name a user: a non-empty string `sub`.
pub(crate) fn has_subject(claims: &Claims) -> bool {
    matches!(claims.get("sub"), Some(Value::String(sub)) if !sub.is_empty())
}

/// Decodes a token and runs the `jwt` and `session` callbacks.
pub(crate) async fn resolve(
    inner: &Inner,
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
    let args = JwtArgs {
        token: claims,
        user: None,
        account: None,
        trigger,
        session: data,
    };
    let Some(claims) = inner.callbacks.jwt(args).await? else {
        return Ok(Resolved::Ended);
    };
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    let session = Session {
        user: SessionUser {
            name: text("name"),
            email: text("email"),
            image: text("picture"),
            extra: Default::default(),
        },
        expires: iso8601_millis(now_ms + inner.max_age_secs * 1000),
        extra: Default::default(),
    };
    let session = inner
        .callbacks
        .session(SessionArgs {
            session,
            token: &claims,
            new_session: data,
            trigger,
        })
        .await?;
    Ok(Resolved::Active { session, claims })
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

async fn respond(mut ctx: Ctx<'_>, trigger: Option<SessionTrigger>) -> Response<Bytes> {
    let names = &ctx.inner.cookie_names;
    let Some(token) = ctx.cookies.chunked(&names.session_token) else {
        let body = no_session_body(ctx.inner);
        return answer(ctx, trigger, body);
    };
    let data = ctx.body.remove("data");
    let resolved = resolve(ctx.inner, &token, ctx.now_ms, trigger, data.as_ref()).await;
    match resolved {
        Ok(Resolved::Active {
            session,
            mut claims,
        }) => {
            ctx.issue_session_token(&mut claims);
            let mut body = Vec::with_capacity(256);
            serde_json::to_writer(&mut body, &session).expect("a session always serialises");
            answer(ctx, trigger, Bytes::from(body))
        }
        Ok(Resolved::Invalid | Resolved::Ended) => {
            ctx.clear_session_cookie();
            let body = no_session_body(ctx.inner);
            answer(ctx, trigger, body)
        }
        // A failing callback (a database outage, say) must neither sign the user out nor
        // answer with anything session-shaped.
        Err(error) => configuration_error_json(ctx, &error),
    }
}

fn answer(ctx: Ctx<'_>, trigger: Option<SessionTrigger>, body: Bytes) -> Response<Bytes> {
    // Reads are never cacheable; the update POST carries no cache headers, as in next-auth.
    match trigger {
        Some(SessionTrigger::Update) => ctx.json(StatusCode::OK, body),
        _ => ctx.json_no_store(StatusCode::OK, body),
    }
}

/// `{}` (v3/v4) or `null` (v5): the v5 client takes any object, even `{}`, as signed in.
pub(crate) fn no_session_body(inner: &Inner) -> Bytes {
    match inner.compatibility {
        Compatibility::NextAuthV4 => Bytes::from_static(b"{}"),
        Compatibility::AuthJsV5 => Bytes::from_static(b"null"),
    }
}
