//! Recording security events (see [`crate::audit`]): the log line, and the row when it names
//! a user, storing is on, and the user's budget of stored events has room.

use crate::adapter::{AuditEvent, Timestamp};
use crate::inner::Inner;

/// Writes `event` to the log at target `authrs::audit`, with what caused it. Client text
/// (`user_agent`, `cause`) goes as string values: the formatter quotes and escapes them, so
/// no client can end a field, forge one, or send control characters.
pub(crate) fn log(event: &AuditEvent, cause: Option<&str>, stored: bool) {
    tracing::info!(
        target: "authrs::audit",
        event = event.kind.as_str(),
        user = event.user_id.as_deref(),
        provider = event.provider.as_deref(),
        detail = event.detail.as_deref(),
        cause,
        client_network = event.client_network.as_deref(),
        user_agent = event.user_agent.as_deref(),
        stored,
        "{}",
        event.kind.message()
    );
}

/// Whether `event` is stored: storing is on, there is an adapter, the event names a user, and
/// that user's budget (one for failures, one for the rest) has room (rule 6).
async fn may_store(inner: &Inner, event: &AuditEvent) -> bool {
    let Some(user) = event.user_id.as_deref() else {
        return false;
    };
    if !inner.audit.store || inner.adapter.is_none() {
        return false;
    }
    let (purpose, limit, name) = if event.kind.is_failure() {
        (
            "audit-failures",
            inner.audit.failures_per_user,
            "audit.max_failures_per_user",
        )
    } else if event.kind.is_routine() {
        (
            "audit-events",
            inner.audit.events_per_user,
            "audit.max_events_per_user",
        )
    } else {
        // What changes how the account signs in is always stored.
        return true;
    };
    let now = Timestamp::from_millis(inner.clock.now_millis());
    let limits = crate::ratelimit::Limits::new(inner.limits.as_ref(), now, None);
    match limits.hit(purpose, user, limit, name).await {
        Ok(Ok(())) => true,
        Ok(Err(throttled)) => {
            crate::telemetry::rate_limited(throttled.limit);
            false
        }
        Err(error) => {
            crate::telemetry::database_error(&error);
            // The budget guards against floods; it never costs an event its row.
            tracing::warn!(error = %error, "could not count a security event");
            true
        }
    }
}

/// Logs `event` and stores it when [`may_store`] says so (rules 2, 4 and 6).
pub(crate) async fn record(inner: &Inner, event: AuditEvent) {
    record_with_cause(inner, event, None).await;
}

/// [`record`], with what caused it in the log line.
pub(crate) async fn record_with_cause(inner: &Inner, event: AuditEvent, cause: Option<&str>) {
    let stored = may_store(inner, &event).await;
    log(&event, cause, stored);
    let Some(adapter) = inner.adapter.as_deref().filter(|_| stored) else {
        return;
    };
    if let Err(error) = adapter.record_audit_event(&event).await {
        crate::telemetry::database_error(&error);
        tracing::warn!(%error, event = event.kind.as_str(), "could not store a security event");
    }
}

/// A failed sign-in or proof for an address: looked up, and stored for its account when it has
/// one, in the background (rule 5). Without a background, or with a full one, the look-up
/// would be on the request path and its time would tell whether the address has an account:
/// the event is then logged only.
pub(crate) fn failed_for_address(
    inner: &std::sync::Arc<Inner>,
    address: Option<String>,
    event: AuditEvent,
) {
    let (Some(background), Some(address), true) = (
        inner.background.clone(),
        address,
        inner.audit.store && inner.adapter.is_some(),
    ) else {
        log(&event, None, false);
        return;
    };
    let unstored = event.clone();
    let task_inner = std::sync::Arc::clone(inner);
    let task = Box::pin(async move {
        let inner = task_inner;
        let Some(adapter) = inner.adapter.as_deref() else {
            return;
        };
        let user = match adapter.get_user_by_email(&address).await {
            Ok(user) => user.map(|user| user.id),
            Err(error) => {
                crate::telemetry::database_error(&error);
                tracing::warn!(%error, "could not look up the account of a failed sign-in");
                None
            }
        };
        let event = match user {
            Some(user) => event.user(user),
            None => event,
        };
        record(&inner, event).await;
    });
    if background.spawn(task).is_some() {
        // Handed back: the background is at capacity. Never run it in place.
        log(&unstored, None, false);
    }
}
