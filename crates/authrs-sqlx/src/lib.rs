//! SQL adapters for authrs: [`SqliteAdapter`] and [`PostgresAdapter`] implement
//! [`authrs_core::adapter::Adapter`] on [sqlx] pools, so users, provider accounts, database
//! sessions, verification tokens and password hashes live in a real database.
//! [`PostgresLimitStore`] keeps the engine's rate limits in PostgreSQL too, so that several
//! instances on one database share them (on SQLite, limits count in each process's memory).
//! [`Database`] opens either back end from a [`DatabaseUrl`] with tuned pools, and answers the
//! operator's questions the adapter contract does not ask (listing and counting users): all
//! SQL against this crate's schema lives here. Pools of your own need sqlx as a dependency of
//! your own (this crate does not re-export it).
//!
//! ```no_run
//! # async fn example() -> Result<(), authrs_sqlx::Error> {
//! use std::sync::Arc;
//! use authrs_core::adapter::Adapter;
//!
//! // Opens (or creates) the file and migrates it.
//! let adapter: Arc<dyn Adapter> =
//!     Arc::new(authrs_sqlx::SqliteAdapter::connect("sqlite://authrs.db").await?);
//! # Ok(()) }
//! ```
//!
//! # Rules
//! The adapter contract's rules (see [`authrs_core::adapter`]) and how this crate keeps them:
//! 1. **Uniqueness is a typed error, never an overwrite.** Plain `INSERT`s against `UNIQUE`
//!    and primary-key constraints; a violation becomes `DuplicateEmail`, `DuplicateAccount` or
//!    `DuplicateSession` (whichever key the statement can break), and a foreign-key violation
//!    (a link or session for a missing user) becomes `UserNotFound`.
//! 2. **Tokens are stored as given.** Session and verification tokens arrive hashed; the
//!    columns hold the hashes and are compared as exact text.
//! 3. **A verification token is used once.** [`Adapter::use_verification_token`] is one
//!    statement, `DELETE … WHERE identifier = $1 AND token_hash = $2 RETURNING …`: of many
//!    concurrent calls exactly one gets the row (the database's row lock decides).
//! 4. **Deleting a user deletes everything of theirs**, in one statement: accounts and
//!    sessions by `ON DELETE CASCADE` (SQLite connections run with `foreign_keys = ON`, and a
//!    pool without it is refused), password hash and valid-after stamp as columns of the row.
//! 5. **Database failures are `Unavailable` or `Backend`, never a panic.** Pool timeouts,
//!    refused or dropped connections, server shutdown and SQLite busy timeouts are
//!    `Unavailable` (retrying later may work); anything else is `Backend`. Their text is for
//!    the log only.
//!
//! # Migrations and concurrent starts
//! [`SqliteAdapter::connect`], [`PostgresAdapter::connect`] and the `from_pool` constructors
//! apply the embedded migrations (`migrations/sqlite/*.sql`, `migrations/postgres/*.sql`;
//! `migrate()` does it on demand). They are recorded in authrs's own `_authrs_migrations`
//! table, so an application running its own sqlx migrations on the same database is not
//! disturbed. All pending migrations run in one transaction that first takes a
//! database-wide lock, so instances starting at once apply each migration exactly once and a
//! failure leaves nothing half-done:
//! - PostgreSQL: `pg_advisory_xact_lock`, released by the commit (so it also works through a
//!   transaction-pooling proxy);
//! - SQLite: `BEGIN IMMEDIATE`, which takes the write lock (waiting up to the busy timeout)
//!   before the applied versions are read.
//!
//! Migrations are expand-then-contract: a database migrated by a newer version of this crate
//! is used if every newer migration only added to the schema, and refused
//! ([`Error::SchemaTooNew`]) if one removed or changed what this code uses.
//!
//! # Schema
//! The NextAuth v4/v5 model in snake_case, plus two columns for email-and-password accounts.
//! Times are `timestamptz` on PostgreSQL and INTEGER Unix milliseconds on SQLite (tables are
//! `STRICT`); milliseconds round-trip exactly on both.
//!
//! | table | columns | keys and indexes |
//! |---|---|---|
//! | `users` | `id` text, `name`, `email`, `email_verified` (time), `image`, `password_hash` (PHC string), `sessions_valid_after` (time) | PK `id`; `UNIQUE (email)` (NULLs allowed, not colliding) |
//! | `accounts` | `user_id`, `type`, `provider`, `provider_account_id`, `refresh_token`, `access_token`, `expires_at` (Unix seconds, integer), `token_type`, `scope`, `id_token`, `session_state` | PK `(provider, provider_account_id)`; `user_id` → `users` `ON DELETE CASCADE`, indexed |
//! | `sessions` | `session_token` (hash), `user_id`, `expires` (time) | PK `session_token`; `user_id` → `users` `ON DELETE CASCADE`, indexed; index on `expires` |
//! | `verification_tokens` | `identifier`, `token_hash`, `expires` (time) | PK `(identifier, token_hash)`; index on `expires` |
//! | `rate_limits` (PostgreSQL only, version 2) | `key` (32-byte SHA-256 digest, bytea), `events` (Unix milliseconds, bigint array, at most the limit's `max`), `expires` (Unix milliseconds, bigint) | PK `key`; index on `expires` |
//! | `_authrs_migrations` | `version`, `description`, `applied_at`, `compatible_from` (the oldest version whose code runs on it) | PK `version` |
//!
//! # Deployment notes
//! - No TLS is compiled in: reach PostgreSQL over a unix socket (`?host=/run/postgresql`) or
//!   loopback.
//! - SQLite: WAL mode lets readers run beside the single writer; writers queue for up to
//!   [`SQLITE_BUSY_TIMEOUT`]. Keep the file on a local disk (WAL needs shared memory).
//! - Expired sessions and verification tokens stay until
//!   [`Adapter::delete_expired`](authrs_core::adapter::Adapter::delete_expired) sweeps them;
//!   the `expires` indexes keep that cheap. Rate-limit counters past their windows stay until
//!   [`PostgresLimitStore::delete_expired`] sweeps them: call both from the same periodic task.
//!
//! [`Adapter::use_verification_token`]: authrs_core::adapter::Adapter::use_verification_token
#![forbid(unsafe_code)]

mod adapter;
mod database;
mod error;
mod feed;
mod limits;
mod migrate;
mod pool;
mod postgres;
mod sqlite;
mod time;
mod url;

pub use database::{Database, POSTGRES_CONNECTIONS, PostgresPool, SQLITE_CONNECTIONS, UserSummary};
pub use error::Error;
pub use feed::{FEED_GRACE, FEED_HEARTBEAT};
pub use limits::PostgresLimitStore;
pub use pool::PING_WHEN_IDLE_FOR;
pub use postgres::PostgresAdapter;
pub use sqlite::{SQLITE_BUSY_TIMEOUT, SqliteAdapter, default_session_readers};
pub use url::{DatabaseKind, DatabaseUrl, PostgresTls, SslMode, UrlError, redact_url};
