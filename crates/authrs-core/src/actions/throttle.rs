//! The password throttle ([`crate::config::PasswordThrottle`]): every password sign-in counts
//! against its account, its client network and both together before the password is
//! checked, in the engine's limit store; a success takes its counts back and makes the
//! network known for the account.

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use super::{Ctx, JsonRedirect, NO_STORE};
use crate::adapter::AdapterError;
use crate::config::PasswordThrottle;
use crate::error::ErrorCode;
use crate::ratelimit::Throttled;
use crate::ratelimit::{Limits, RateLimit, Verdict};

/// One password sign-in attempt at the throttle.
pub(crate) struct PasswordAttempt<'a> {
    limits: Limits<'a>,
    throttle: PasswordThrottle,
    provider: &'a str,
    account: Option<String>,
    /// Whether the attempt counted against the account from every network.
    counted_for_account: bool,
}

/// Guesses from one network at any account, for every provider.
const PER_NETWORK: &str = "password-network";

/// Successful sign-ins from one network whose count was taken back.
const PER_NETWORK_FORGIVEN: &str = "password-network-forgiven";

impl<'a> PasswordAttempt<'a> {
    pub(crate) fn new(
        limits: Limits<'a>,
        throttle: PasswordThrottle,
        provider: &'a str,
        account: Option<String>,
    ) -> Self {
        Self {
            limits,
            throttle,
            provider,
            account,
            counted_for_account: false,
        }
    }

    fn account_and_network(&self) -> Option<String> {
        match (&self.account, self.limits.network()) {
            (Some(account), Some(network)) => Some(format!("{account}\0{network}")),
            _ => None,
        }
    }

    /// Counts the attempt, or refuses it (and then no password may be checked).
    pub(crate) async fn count(&mut self) -> Result<Verdict, AdapterError> {
        let throttle = self.throttle;
        let by_network = self
            .limits
            .hit_client(
                PER_NETWORK,
                throttle.per_network,
                "password guesses from one client network",
            )
            .await?;
        if by_network.is_err() {
            return Ok(by_network);
        }
        let Some(account) = self.account.clone() else {
            return Ok(Ok(()));
        };
        if let Some(pair) = self.account_and_network() {
            let by_pair = self
                .limits
                .hit(
                    &format!("password-account-network:{}", self.provider),
                    &pair,
                    throttle.per_account_and_network,
                    "password guesses at one account from one client network",
                )
                .await?;
            if by_pair.is_err() {
                return Ok(by_pair);
            }
        }
        if throttle.per_account.is_none() || self.known_network().await? {
            return Ok(Ok(()));
        }
        let by_account = self
            .limits
            .hit(
                &format!("password-account:{}", self.provider),
                &account,
                throttle.per_account,
                "password guesses at one account from unknown networks",
            )
            .await?;
        self.counted_for_account = by_account.is_ok();
        Ok(by_account)
    }

    /// Whether the account signed in from this network within `known_network_for`.
    async fn known_network(&self) -> Result<bool, AdapterError> {
        let Some(pair) = self.account_and_network() else {
            return Ok(false);
        };
        let window = self.throttle.known_network_for;
        if window.is_zero() {
            return Ok(false);
        }
        let purpose = format!("password-known:{}", self.provider);
        Ok(self.limits.count(&purpose, &pair, window).await? > 0)
    }

    /// The password was right: its counts are taken back and the network becomes known.
    pub(crate) async fn succeeded(&self) -> Result<(), AdapterError> {
        // A network's successes are taken back only up to its limit per window: an attacker
        // who signs in to an account of their own between guesses gets that many extra
        // guesses at most, while an office behind one address keeps signing in.
        let per_network = self.throttle.per_network;
        if per_network.is_some() {
            let forgiven = self
                .limits
                .hit_client(PER_NETWORK_FORGIVEN, per_network, "forgiven sign-ins")
                .await?;
            if forgiven.is_ok() {
                self.limits.undo_client(PER_NETWORK).await?;
            }
        }
        if self.counted_for_account
            && let Some(account) = &self.account
        {
            let purpose = format!("password-account:{}", self.provider);
            self.limits.undo(&purpose, account).await?;
        }
        let Some(pair) = self.account_and_network() else {
            return Ok(());
        };
        let purpose = format!("password-account-network:{}", self.provider);
        self.limits.clear(&purpose, &pair).await?;
        self.remember_network().await
    }

    /// Makes this network known for the account (also after a password reset or a verified
    /// sign-up from it, which prove more than a password does).
    pub(crate) async fn remember_network(&self) -> Result<(), AdapterError> {
        let Some(pair) = self.account_and_network() else {
            return Ok(());
        };
        let window = self.throttle.known_network_for;
        if !window.is_zero() {
            // One event, renewed on every sign-in: the network is known for a window from now.
            let purpose = format!("password-known:{}", self.provider);
            self.limits.clear(&purpose, &pair).await?;
            let known = RateLimit::new(1, window);
            let _ = self
                .limits
                .hit(&purpose, &pair, Some(known), "known network")
                .await?;
        }
        Ok(())
    }
}

/// Why a limit check stops a request: the limit, or the store failed.
pub(crate) enum Stop {
    Throttled(Throttled),
    Failed(crate::adapter::AdapterError),
}

impl Stop {
    /// The answer: 429 with `Retry-After`, or the failure.
    pub(crate) fn answer(self, ctx: Ctx<'_>) -> Response<Bytes> {
        match self {
            Self::Throttled(throttled) => too_many(ctx, throttled),
            Self::Failed(error) => ctx.fail(error.into()),
        }
    }
}

/// A limit check's outcome as "go on" or [`Stop`].
pub(crate) fn checked(
    verdict: Result<crate::ratelimit::Verdict, crate::adapter::AdapterError>,
) -> Result<(), Stop> {
    match verdict {
        Ok(Ok(())) => Ok(()),
        Ok(Err(throttled)) => Err(Stop::Throttled(throttled)),
        Err(error) => Err(Stop::Failed(error)),
    }
}

/// 429 with `Retry-After`: the error page, or `{url}` of it in JSON-redirect mode.
pub(crate) fn too_many(ctx: Ctx<'_>, throttled: Throttled) -> Response<Bytes> {
    let Throttled {
        retry_after_secs: retry_after,
        limit,
    } = throttled;
    tracing::info!(limit, retry_after, "rate limit reached");
    crate::telemetry::rate_limited(limit);
    ctx.count_sign_in(ErrorCode::RateLimited.as_str());
    let code = ErrorCode::RateLimited;
    let mut response = match ctx.json_redirect {
        JsonRedirect::Off => super::pages::error_page(ctx, code, Some(retry_after)),
        JsonRedirect::BodyField | JsonRedirect::Header => {
            let url = format!("{}?error={}", ctx.url("error"), code.as_str());
            let body = Bytes::from(json!({ "url": url }).to_string());
            ctx.respond(
                StatusCode::TOO_MANY_REQUESTS,
                "application/json",
                body,
                NO_STORE,
            )
        }
    };
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(retry_after));
    response
}
