//! The OAuth / OIDC endpoints (protocol §5, rules in [`crate::oauth`]): `POST /signin/<id>`
//! redirects to the provider with the checks; `/callback/<id>` verifies them, exchanges the
//! code, reads the profile, finds, links or creates the user, and signs in.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Method, Response, StatusCode};
use serde_json::Value;

use super::Ctx;
use super::complete::{SigningIn, finish_sign_in};
use crate::adapter::{Adapter, AdapterAccount, AdapterError, NewUser, Timestamp};
use crate::audit::AuditKind;
use crate::cookies::{CookieLifetime, SetCookie};
use crate::error::Error;
use crate::oauth::{
    Binding, Check, OAuthError, OAuthRuntime, Profile, TokenSet, expires_at, map_profile,
    pkce_challenge, random_value,
};
use crate::providers::oauth::{OAuthKind, OAuthProvider};
use crate::secret::constant_time_eq;
use crate::user::{Account, User};

/// Authorization parameters a request's query (or a preset) may not set: the engine's own.
pub(crate) const RESERVED: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "csrfToken",
    "callbackUrl",
    "json",
];

/// Where the provider sends the browser back: from the configured URL only.
fn redirect_uri(ctx: &Ctx<'_>, provider: &OAuthProvider) -> String {
    format!("{}/callback/{}", ctx.inner.base_url, provider.id)
}

fn check_cookie_name(ctx: &Ctx<'_>, check: Check) -> String {
    let names = &ctx.inner.cookie_names;
    match check {
        Check::State => names.state.clone(),
        Check::Pkce => names.pkce_code_verifier.clone(),
        Check::Nonce => names.nonce.clone(),
    }
}

/// `POST /signin/<id>` (CSRF already checked).
pub(crate) async fn sign_in_redirect(
    mut ctx: Ctx<'_>,
    provider: &OAuthProvider,
    rt: &OAuthRuntime,
) -> Response<Bytes> {
    let metadata = match rt.metadata(provider, ctx.now_ms).await {
        Ok(metadata) => metadata,
        Err(error) => return ctx.fail(Error::OAuthSignin(error)),
    };
    let redirect_uri = redirect_uri(&ctx, provider);
    let issuer = provider.issuer.clone().unwrap_or_default();
    let binding = Binding {
        provider: &provider.id,
        issuer: &issuer,
        client_id: &provider.client_id,
        redirect_uri: &redirect_uri,
    };
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    params
        .append_pair("response_type", "code")
        .append_pair("client_id", &provider.client_id)
        .append_pair("redirect_uri", &redirect_uri);
    let mut extra: BTreeMap<String, String> = BTreeMap::new();
    if !provider.scope.is_empty() {
        extra.insert("scope".into(), provider.scope.clone());
    }
    for (name, value) in &provider.authorization_params {
        extra.insert(name.clone(), value.clone());
    }
    // The request's own query (the clients' `authorizationParams`) comes last.
    for (name, value) in &ctx.query {
        if !RESERVED.contains(&name.as_str()) {
            extra.insert(name.clone(), value.clone());
        }
    }
    for (name, value) in &extra {
        params.append_pair(name, value);
    }
    let now = ctx.now_secs();
    let set = |ctx: &mut Ctx<'_>, check: Check, value: &str| {
        let sealed = rt.seal_check(check, value, &binding, now);
        ctx.set_cookies.push(SetCookie {
            name: check_cookie_name(ctx, check),
            value: sealed,
            lifetime: CookieLifetime::MaxAge {
                seconds: crate::oauth::CHECK_MAX_AGE_SECS,
                now_secs: now,
            },
            // A provider that posts back (Apple) is a cross-site POST: only `SameSite=None`
            // cookies (which must be `Secure`) come with it.
            secure: ctx.secure() || provider.quirks.form_post,
            same_site_none: provider.quirks.form_post,
        });
    };
    if provider.checks.state {
        let state = random_value();
        params.append_pair("state", &state);
        set(&mut ctx, Check::State, &state);
    }
    if provider.checks.pkce {
        let verifier = random_value();
        params
            .append_pair("code_challenge", &pkce_challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        set(&mut ctx, Check::Pkce, &verifier);
    }
    if provider.checks.nonce && provider.kind == OAuthKind::Oidc {
        let nonce = random_value();
        params.append_pair("nonce", &nonce);
        set(&mut ctx, Check::Nonce, &nonce);
    }
    if provider.quirks.form_post {
        params.append_pair("response_mode", "form_post");
    }
    let endpoint = &metadata.authorization_endpoint;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    let url = format!("{endpoint}{separator}{}", params.finish());
    tracing::debug!(provider = %provider.id, "redirecting to the provider");
    ctx.redirect(url, StatusCode::OK)
}

/// `GET /callback/<id>` (and `POST` for providers that post back).
pub(crate) async fn callback(
    mut ctx: Ctx<'_>,
    provider: &OAuthProvider,
    rt: &OAuthRuntime,
) -> Response<Bytes> {
    let params: BTreeMap<String, String> = if *ctx.method == Method::POST {
        ctx.body
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect()
    } else {
        // RFC 6749 §3.1: a parameter given twice is an invalid request, not a choice.
        let mut params = BTreeMap::new();
        for (name, value) in &ctx.query {
            if params.insert(name.clone(), value.clone()).is_some() {
                return super::body_refused(crate::request::BodyError::Malformed);
            }
        }
        params
    };
    if *ctx.method == Method::POST && !provider.quirks.form_post {
        return super::unsupported(ctx.inner, ctx.method);
    }
    // Whatever happens, the check cookies are spent.
    let cookies: Vec<(Check, Option<String>)> = [Check::State, Check::Pkce, Check::Nonce]
        .into_iter()
        .map(|check| {
            let name = check_cookie_name(&ctx, check);
            let value = ctx.cookies.get(&name).map(|v| v.into_owned());
            if value.is_some() {
                ctx.set_cookies.push(SetCookie {
                    name,
                    value: String::new(),
                    lifetime: CookieLifetime::Delete,
                    secure: ctx.secure(),
                    same_site_none: false,
                });
            }
            (check, value)
        })
        .collect();
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").map_or("", String::as_str);
        let failure = OAuthError::Provider(format!(
            "{} returned an error: {error} {description}",
            provider.id
        ));
        return ctx.fail(Error::OAuthCallback(failure));
    }
    let callback_url = match ctx.callback_url().await {
        Ok(url) => url,
        Err(error) => return ctx.fail(error),
    };
    let flow = match verify_and_exchange(&ctx, provider, rt, &params, &cookies).await {
        Ok(flow) => flow,
        Err(error) => return ctx.fail(Error::OAuthCallback(error)),
    };
    let (tokens, mut profile) = flow;
    if let (Some(field), Some(user_json)) = (
        &provider.quirks.user_json_field,
        provider
            .quirks
            .user_json_field
            .as_ref()
            .and_then(|f| params.get(f)),
    ) {
        apply_user_json(&mut profile, field, user_json);
    }
    let account = Account {
        provider: provider.id.clone(),
        provider_type: provider.provider_type(),
        provider_account_id: profile.id.clone(),
    };
    let (user, is_new) = match ctx.inner.adapter.clone() {
        Some(adapter) => {
            match resolve_user(&ctx, adapter.as_ref(), provider, &profile, &tokens).await {
                Ok(found) => found,
                // A database failure here is NextAuth's `Callback` error.
                Err(Error::Adapter(error)) => return ctx.fail(Error::OAuthHandler(error)),
                Err(error) => return ctx.fail(error),
            }
        }
        // Without an adapter the profile is the user (JWT sessions only).
        None => (
            User {
                id: profile.id.clone(),
                name: profile.name.clone(),
                email: profile.email.clone(),
                image: profile.image.clone(),
            },
            false,
        ),
    };
    let signing_in = SigningIn {
        user: &user,
        account: &account,
        credentials: None,
        is_new_user: is_new,
    };
    finish_sign_in(ctx, signing_in, callback_url).await
}

/// The checks (rule 1 and 2 of [`crate::oauth`]), the code exchange and the profile.
async fn verify_and_exchange(
    ctx: &Ctx<'_>,
    provider: &OAuthProvider,
    rt: &OAuthRuntime,
    params: &BTreeMap<String, String>,
    cookies: &[(Check, Option<String>)],
) -> Result<(TokenSet, Profile), OAuthError> {
    let metadata = rt.metadata(provider, ctx.now_ms).await?;
    let redirect_uri = redirect_uri(ctx, provider);
    let issuer = provider.issuer.clone().unwrap_or_default();
    let binding = Binding {
        provider: &provider.id,
        issuer: &issuer,
        client_id: &provider.client_id,
        redirect_uri: &redirect_uri,
    };
    let opened = |check: Check| -> Option<String> {
        let cookie = cookies.iter().find(|(c, _)| *c == check)?.1.as_deref()?;
        rt.open_check(check, cookie, &binding, ctx.now_secs())
    };
    let missing = |what: &str| OAuthError::Check(format!("{}: {what}", provider.id));
    if provider.checks.state {
        let expected = opened(Check::State).ok_or_else(|| missing("no valid state cookie"))?;
        let got = params
            .get("state")
            .ok_or_else(|| missing("no state parameter"))?;
        if !constant_time_eq(expected.as_bytes(), got.as_bytes()) {
            return Err(missing("the state does not match"));
        }
    }
    let verifier = match provider.checks.pkce {
        true => Some(opened(Check::Pkce).ok_or_else(|| missing("no valid PKCE cookie"))?),
        false => None,
    };
    let nonce = match provider.checks.nonce && provider.kind == OAuthKind::Oidc {
        true => Some(opened(Check::Nonce).ok_or_else(|| missing("no valid nonce cookie"))?),
        false => None,
    };
    let issuer = metadata.issuer.as_deref().or(provider.issuer.as_deref());
    match params.get("iss") {
        Some(_) if issuer.is_none() => {
            return Err(missing(
                "the provider names its issuer (iss), but none is configured: set its issuer",
            ));
        }
        Some(iss) if Some(iss.as_str()) != issuer => {
            return Err(missing("the iss parameter names another issuer"));
        }
        None if metadata.authorization_response_iss_parameter_supported => {
            return Err(missing("no iss parameter, which this provider sends"));
        }
        _ => {}
    }
    let code = params
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| missing("no code"))?;
    let tokens = rt
        .exchange_code(
            provider,
            &metadata,
            code,
            &redirect_uri,
            verifier.as_deref(),
        )
        .await?;
    let json = rt
        .profile_json(provider, &metadata, &tokens, nonce.as_deref(), ctx.now_ms)
        .await?;
    let profile = map_profile(provider, &json)?;
    Ok((tokens, profile))
}

/// Apple posts `{"name": {"firstName", "lastName"}, "email"}` once, on the first sign-in.
fn apply_user_json(profile: &mut Profile, _field: &str, user_json: &str) {
    let Ok(user) = serde_json::from_str::<Value>(user_json) else {
        return;
    };
    if profile.name.is_none() {
        let part = |name: &str| {
            user.pointer(&format!("/name/{name}"))
                .and_then(Value::as_str)
        };
        let name: Vec<&str> = [part("firstName"), part("lastName")]
            .into_iter()
            .flatten()
            .collect();
        if !name.is_empty() {
            profile.name = Some(name.join(" "));
        }
    }
}

/// The stored account for a sign-in.
fn adapter_account(
    user_id: &str,
    provider: &OAuthProvider,
    profile: &Profile,
    tokens: &TokenSet,
    now_secs: u64,
) -> AdapterAccount {
    AdapterAccount {
        user_id: user_id.to_owned(),
        provider_type: provider.provider_type(),
        provider: provider.id.clone(),
        provider_account_id: profile.id.clone(),
        refresh_token: tokens.refresh_token.clone(),
        access_token: Some(tokens.access_token.clone()),
        expires_at: expires_at(tokens, now_secs),
        token_type: tokens.token_type.clone(),
        scope: tokens.scope.clone(),
        id_token: tokens.id_token.clone(),
        session_state: tokens.session_state.clone(),
    }
}

/// Protocol §5.2 step 8: the linked user, a link to the signed-in user, an email match (only
/// when the provider opts in and both sides verified the address), or a new user.
async fn resolve_user(
    ctx: &Ctx<'_>,
    adapter: &dyn Adapter,
    provider: &OAuthProvider,
    profile: &Profile,
    tokens: &TokenSet,
) -> Result<(User, bool), Error> {
    let now_secs = ctx.now_secs();
    let signed_in = super::session::current_sign_in(ctx).await?;
    let recent = signed_in
        .as_ref()
        .is_some_and(|(_, at)| ctx.signed_in_recently(*at));
    let signed_in = signed_in.map(|(user_id, _)| user_id);
    let linked = adapter
        .get_user_by_account(&provider.id, &profile.id)
        .await?;
    let link = |user_id: &str| adapter_account(user_id, provider, profile, tokens, now_secs);
    match (linked, signed_in) {
        (Some(user), Some(current)) if user.id != current => {
            tracing::info!(provider = %provider.id, "account is linked to another user");
            Err(Error::OAuthAccountNotLinked)
        }
        (Some(user), _) => {
            // Keep the stored tokens current, in one statement.
            adapter.update_account(link(&user.id)).await?;
            Ok((User::from(user), false))
        }
        (None, Some(current)) => {
            let user = adapter
                .get_user(&current)
                .await?
                .ok_or(Error::OAuthAccountNotLinked)?;
            // An unproven address may belong to someone else, who would inherit the link when
            // they prove it: only a user whose address is proven (or who has none) links.
            // A way in is added only to a recent sign-in: a session stolen later cannot bind
            // the thief's account (nor make itself recent by it).
            if !recent {
                tracing::info!(
                    provider = %provider.id,
                    user = %user.id,
                    "linking refused: the sign-in is not recent; sign in again first"
                );
                return Err(Error::StaleSignIn);
            }
            if user.email.is_some() && user.email_verified.is_none() {
                tracing::info!(
                    provider = %provider.id,
                    user = %user.id,
                    "linking refused: the signed-in user's address is not proven"
                );
                return Err(Error::OAuthAccountNotLinked);
            }
            adapter.link_account(link(&user.id)).await?;
            let event = (ctx.audit_event(AuditKind::AccountLinked))
                .user(&user.id)
                .provider(&provider.id);
            ctx.audit(event).await;
            Ok((User::from(user), false))
        }
        (None, None) => {
            let existing = match &profile.email {
                Some(email) => adapter.get_user_by_email(email).await?,
                None => None,
            };
            if let Some(existing) = existing {
                let trusted = provider.allow_email_linking
                    && profile.email_verified
                    && existing.email_verified.is_some();
                if !trusted {
                    return Err(Error::OAuthAccountNotLinked);
                }
                adapter.link_account(link(&existing.id)).await?;
                let event = (ctx.audit_event(AuditKind::AccountLinked))
                    .user(&existing.id)
                    .provider(&provider.id)
                    .detail("same_verified_email");
                ctx.audit(event).await;
                return Ok((User::from(existing), false));
            }
            let now = Timestamp::from_millis(ctx.now_ms);
            let new_user = NewUser {
                name: profile.name.clone(),
                email: profile.email.clone(),
                email_verified: profile.email_verified.then_some(now),
                image: profile.image.clone(),
                password_hash: None,
            };
            let user = match adapter.create_user(new_user).await {
                Ok(user) => user,
                Err(AdapterError::DuplicateEmail) => return Err(Error::OAuthAccountNotLinked),
                Err(error) => return Err(Error::OAuthCreateAccount(error)),
            };
            adapter
                .link_account(link(&user.id))
                .await
                .map_err(Error::OAuthCreateAccount)?;
            let event = (ctx.audit_event(AuditKind::AccountCreated))
                .user(&user.id)
                .provider(&provider.id);
            ctx.audit(event).await;
            Ok((User::from(user), true))
        }
    }
}
