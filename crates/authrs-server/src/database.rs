//! The database the server keeps users and sessions in: authrs-sqlx's [`Database`] (SQLite or
//! PostgreSQL, chosen by a [`DatabaseUrl`]), which owns every SQL statement and the pools.
//!
//! Rules:
//! 1. A URL is shown only redacted ([`DatabaseUrl::redacted`]), and errors from the driver
//!    only scrubbed of its password ([`DatabaseUrl::scrub`]).
//! 2. Checking a URL ([`DatabaseUrl::parse`]) never connects or writes: `authrs check` uses it.
//!    Opening it ([`open`]) applies the migrations, which is safe when several instances
//!    start at once (see `authrs_sqlx`).

pub use authrs_sqlx::{Database, DatabaseKind, DatabaseUrl, UserSummary, redact_url};

use std::time::Duration;

use crate::config::PostgresSettings;
use crate::error::Error;

/// The first pause between start-up attempts; it doubles up to [`MAX_RETRY_PAUSE`].
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(250);

/// The longest pause between start-up attempts.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(4);

/// Opens the database and brings its schema up to date; the error names the URL redacted.
/// PostgreSQL gets `postgres`' pool. While the failure is transient (the server is not up
/// yet, refuses connections for now) it tries again, with pauses from 250 ms doubling to 4 s,
/// for up to `retry` in all, logging each failure; then it gives up with the last error.
pub async fn open(
    url: &DatabaseUrl,
    postgres: &PostgresSettings,
    retry: Duration,
) -> Result<Database, Error> {
    let pool = postgres.pool();
    let give_up = tokio::time::Instant::now() + retry;
    let mut pause = FIRST_RETRY_PAUSE;
    loop {
        match Database::connect_with(url, &pool).await {
            Ok(database) => return Ok(database),
            Err(error) => {
                let reason = url.scrub(&error.to_string());
                let now = tokio::time::Instant::now();
                if !error.is_transient() || now + pause > give_up {
                    return Err(Error::Database {
                        url: url.redacted(),
                        reason,
                    });
                }
                let left = give_up.saturating_duration_since(now);
                tracing::warn!(
                    "the database {} is not reachable yet ({reason}); trying again in {pause:?} \
                     (giving up in {}s, postgres.connect_retry)",
                    url.redacted(),
                    left.as_secs()
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_RETRY_PAUSE);
            }
        }
    }
}

/// For a PostgreSQL server on another machine reached with less than `verify-full`, the
/// warning that `serve` logs once and `authrs check` prints (as a warning); `None` otherwise.
pub fn weak_tls_warning(url: &DatabaseUrl) -> Option<String> {
    let tls = url.postgres_tls().filter(|tls| tls.is_weak())?;
    let risk = match tls.mode {
        authrs_sqlx::SslMode::VerifyCa => "the certificate is checked but not its host name",
        authrs_sqlx::SslMode::Require => "the server's certificate is not verified",
        _ => "the connection may not be encrypted at all",
    };
    Some(format!(
        "the PostgreSQL server of {url} is on another machine and sslmode={}: {risk}, \
         so someone on the network between could read or change the traffic; use \
         sslmode=verify-full (with sslrootcert=FILE or system)",
        tls.mode
    ))
}
