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

use crate::error::Error;

/// Opens the database and brings its schema up to date; the error names the URL redacted.
pub async fn open(url: &DatabaseUrl) -> Result<Database, Error> {
    Database::connect(url)
        .await
        .map_err(|error| Error::Database {
            url: url.redacted(),
            reason: url.scrub(&error.to_string()),
        })
}
