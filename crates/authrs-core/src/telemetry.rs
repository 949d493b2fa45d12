//! The engine's metrics, through the `metrics` facade: nothing is recorded until the host
//! installs a recorder (the `authrs` server's Prometheus exporter, `[metrics]`). One place
//! names every metric and keeps each label to a small, known set of values, so no client can
//! grow the registry: provider ids are the configured ones, codes and purposes are the
//! engine's own words.
//!
//! | metric | labels |
//! |---|---|
//! | `authrs_sign_ins_total` | `provider` (a configured id, or `unknown`), `outcome` (`success` or an error code) |
//! | `authrs_session_reads_total` | `strategy` (`jwt`, `database`), `result` (`session`, `none`, `error`) |
//! | `authrs_rate_limited_total` | `limit` (which limit) |
//! | `authrs_mails_total` | `purpose` (`sign-in`, `password-reset`, …), `outcome` (`sent`, `failed`) |
//! | `authrs_database_errors_total` | `kind` (`unavailable`, `other`) |

use crate::adapter::AdapterError;
use crate::error::Error;

/// A sign-in attempt ended: `outcome` is `success` or the error code the client got.
pub(crate) fn sign_in(provider: &str, outcome: &'static str) {
    metrics::counter!(
        "authrs_sign_ins_total",
        "provider" => provider.to_owned(),
        "outcome" => outcome,
    )
    .increment(1);
}

/// How a `GET /session` ended.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Read {
    Session,
    None,
    Error,
}

/// A `GET /session` answered. Literal labels make static keys: with no recorder installed the
/// hot read allocates nothing for this.
pub(crate) fn session_read(jwt: bool, read: Read) {
    let counter = match (jwt, read) {
        (true, Read::Session) => {
            metrics::counter!("authrs_session_reads_total", "strategy" => "jwt", "result" => "session")
        }
        (true, Read::None) => {
            metrics::counter!("authrs_session_reads_total", "strategy" => "jwt", "result" => "none")
        }
        (true, Read::Error) => {
            metrics::counter!("authrs_session_reads_total", "strategy" => "jwt", "result" => "error")
        }
        (false, Read::Session) => metrics::counter!(
            "authrs_session_reads_total", "strategy" => "database", "result" => "session"
        ),
        (false, Read::None) => metrics::counter!(
            "authrs_session_reads_total", "strategy" => "database", "result" => "none"
        ),
        (false, Read::Error) => metrics::counter!(
            "authrs_session_reads_total", "strategy" => "database", "result" => "error"
        ),
    };
    counter.increment(1);
}

/// A request refused by a rate limit.
pub(crate) fn rate_limited(limit: &'static str) {
    metrics::counter!("authrs_rate_limited_total", "limit" => limit).increment(1);
}

/// A mail handed to the transport.
#[cfg(feature = "email")]
pub(crate) fn mail(purpose: crate::providers::EmailPurpose, sent: bool) {
    metrics::counter!(
        "authrs_mails_total",
        "purpose" => purpose.as_str(),
        "outcome" => if sent { "sent" } else { "failed" },
    )
    .increment(1);
}

/// An error a request met, counted when the database caused it.
pub(crate) fn error(error: &Error) {
    let adapter = match error {
        Error::Adapter(error)
        | Error::OAuthCreateAccount(error)
        | Error::OAuthHandler(error)
        | Error::EmailCreateAccount(error) => Some(error),
        _ => None,
    };
    if let Some(error) = adapter {
        database_error(error);
    }
}

/// A database error met outside a request's answer (a background task, a security event).
pub(crate) fn database_error(error: &AdapterError) {
    let kind = match error {
        AdapterError::Unavailable(_) => "unavailable",
        AdapterError::Backend(_) => "other",
        _ => return,
    };
    metrics::counter!("authrs_database_errors_total", "kind" => kind).increment(1);
}
