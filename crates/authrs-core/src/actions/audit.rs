//! Recording security events (see [`crate::audit`]): the log line, and the row when it names
//! a user and storing is on.

use crate::audit::AuditEvent;
use crate::inner::Inner;
use crate::logsafe::Escaped;

/// Writes `event` to the log, at target `authrs::audit`.
pub(crate) fn log(event: &AuditEvent) {
    log_with_cause(event, None);
}

/// Writes `event` to the log with what caused it (client text in it already escaped).
pub(crate) fn log_with_cause(event: &AuditEvent, cause: Option<&dyn std::fmt::Display>) {
    tracing::info!(
        target: "authrs::audit",
        event = event.kind.as_str(),
        cause = cause.map(tracing::field::display),
        user = event.user_id.as_deref(),
        provider = event.provider.as_deref().map(Escaped).map(tracing::field::display),
        detail = event.detail.as_deref(),
        client_network = event.client_network.as_deref(),
        user_agent = event.user_agent.as_deref().map(Escaped).map(tracing::field::display),
        "{}",
        event.kind.message()
    );
}

/// Logs `event` and stores it when it names a user and storing is on (rules 2 and 4).
pub(crate) async fn record(inner: &Inner, event: AuditEvent) {
    log(&event);
    let Some(adapter) = inner.adapter.as_deref() else {
        return;
    };
    if !inner.audit.store || event.user_id.is_none() {
        return;
    }
    if let Err(error) = adapter.record_audit_event(&event).await {
        crate::telemetry::database_error(&error);
        tracing::warn!(%error, event = event.kind.as_str(), "could not store a security event");
    }
}

/// A failed sign-in or proof for an address: looked up, and stored for its account when it has
/// one, in the background (rule 5). Logged either way.
pub(crate) async fn failed_for_address(
    inner: std::sync::Arc<Inner>,
    address: Option<String>,
    event: AuditEvent,
) {
    let background = inner.background.clone();
    let task = Box::pin(async move {
        let user = match (inner.adapter.as_deref(), address) {
            (Some(adapter), Some(address)) if inner.audit.store => {
                match adapter.get_user_by_email(&address).await {
                    Ok(user) => user.map(|user| user.id),
                    Err(error) => {
                        crate::telemetry::database_error(&error);
                        tracing::warn!(%error, "could not look up the account of a failed sign-in");
                        None
                    }
                }
            }
            _ => None,
        };
        let event = match user {
            Some(user) => event.user(user),
            None => event,
        };
        record(&inner, event).await;
    });
    crate::background::run(background.as_deref(), task).await;
}
