//! Schema migrations: the SQL files under `migrations/<backend>/`, embedded at build time and
//! applied in one transaction that holds a database-wide lock, so several instances starting
//! at once on one database apply each migration exactly once.
//!
//! Applied versions are recorded in `_authrs_migrations`, a table of authrs's own: an
//! application that runs its own sqlx migrations (`_sqlx_migrations`) on the same database
//! is not disturbed, and neither is authrs. A released migration is never edited; a schema
//! change is a new file with the next version.

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::Error;
use crate::error::is_sqlite_busy;

/// One schema change.
pub(crate) struct Migration {
    /// Applied in increasing order; recorded in `_authrs_migrations`.
    pub(crate) version: i64,
    /// What it does, for people reading `_authrs_migrations`.
    pub(crate) description: &'static str,
    /// The statements, run as one batch.
    pub(crate) sql: &'static str,
}

/// The SQLite schema, oldest first.
pub(crate) const SQLITE: &[Migration] = &[Migration {
    version: 1,
    description: "users, accounts, sessions, verification tokens",
    sql: include_str!("../migrations/sqlite/0001_initial.sql"),
}];

/// The PostgreSQL schema, oldest first. Version 2 has no SQLite counterpart: SQLite's rate
/// limits count in memory.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "users, accounts, sessions, verification tokens",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        description: "rate-limit counters",
        sql: include_str!("../migrations/postgres/0002_rate_limits.sql"),
    },
];

/// Key of the transaction-scoped advisory lock that serialises migrations on PostgreSQL
/// (advisory locks are per database). Any fixed number works; this is "authrs" in ASCII.
const POSTGRES_MIGRATION_LOCK: i64 = 0x6175_7468_7273;

/// Brings `tx` (already holding the migration lock) up to the newest of `migrations`.
macro_rules! apply_migrations {
    ($tx:ident, $migrations:expr, $create_table:expr) => {{
        sqlx::query($create_table)
            .execute(&mut *$tx)
            .await
            .map_err(Error::Database)?;
        let current: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _authrs_migrations")
                .fetch_one(&mut *$tx)
                .await
                .map_err(Error::Database)?;
        let known = $migrations.last().map_or(0, |m| m.version);
        if current > known {
            return Err(Error::SchemaTooNew {
                found: current,
                known,
            });
        }
        for migration in $migrations.iter().filter(|m| m.version > current) {
            let failed = |source| Error::Migration {
                version: migration.version,
                description: migration.description,
                source,
            };
            sqlx::raw_sql(migration.sql)
                .execute(&mut *$tx)
                .await
                .map_err(failed)?;
            sqlx::query("INSERT INTO _authrs_migrations (version, description) VALUES ($1, $2)")
                .bind(migration.version)
                .bind(migration.description)
                .execute(&mut *$tx)
                .await
                .map_err(failed)?;
        }
    }};
}

/// Migrates a SQLite database, after switching it to WAL. `BEGIN IMMEDIATE` takes the
/// database's write lock before the applied versions are read, so a second process (or pool)
/// waits, up to its busy timeout, and then finds the work done; SQLite DDL is transactional,
/// so a failure leaves nothing half-applied.
pub(crate) async fn migrate_sqlite(pool: &SqlitePool) -> Result<(), Error> {
    use_wal(pool).await?;
    let mut conn = pool.acquire().await.map_err(Error::Connect)?;
    let mut tx = conn
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(Error::Database)?;
    apply_migrations!(
        tx,
        SQLITE,
        "CREATE TABLE IF NOT EXISTS _authrs_migrations (
            version     INTEGER NOT NULL PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
        ) STRICT"
    );
    tx.commit().await.map_err(Error::Database)
}

/// Switches a SQLite database to the WAL journal (a setting kept in the file). The switch
/// needs an exclusive lock that SQLite does not wait for with the busy timeout (the statement
/// already holds a read lock), so when another connection is busy with the file, as when two
/// processes open a new file at once, it is retried for up to the busy timeout. Once the file
/// is in WAL mode this is a no-op that needs no exclusive lock.
async fn use_wal(pool: &SqlitePool) -> Result<(), Error> {
    let deadline = Instant::now() + crate::SQLITE_BUSY_TIMEOUT;
    loop {
        // The pragma answers the mode in force: when another connection is in the middle of
        // a statement the switch does not happen, and the old mode comes back without an
        // error.
        let answer: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = WAL")
            .fetch_one(pool)
            .await;
        match answer {
            // An in-memory database has no file to journal.
            Ok(mode) if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") => {
                return Ok(());
            }
            Ok(mode) if Instant::now() >= deadline => {
                return Err(Error::Database(sqlx::Error::Protocol(format!(
                    "the database stayed in journal mode {mode:?}; WAL could not be set"
                ))));
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            Err(error) if is_sqlite_busy(&error) && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err(error) => return Err(Error::Database(error)),
        }
    }
}

/// Migrates a PostgreSQL database, with no statement timeout. The transaction's first lock is
/// a transaction-scoped advisory lock, so concurrent starts queue behind it (it is released by
/// the commit, also through a transaction-pooling proxy); PostgreSQL DDL is transactional, so
/// a failure leaves nothing half-applied.
pub(crate) async fn migrate_postgres(pool: &PgPool) -> Result<(), Error> {
    let mut conn = pool.acquire().await.map_err(Error::Connect)?;
    let mut tx = conn.begin().await.map_err(Error::Database)?;
    // Migrating, and waiting for another instance's migration, may take longer than the
    // pool's `statement_timeout` allows a request's statement: not for this transaction.
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await
        .map_err(Error::Database)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(POSTGRES_MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(Error::Database)?;
    apply_migrations!(
        tx,
        POSTGRES,
        "CREATE TABLE IF NOT EXISTS _authrs_migrations (
            version     BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        )"
    );
    tx.commit().await.map_err(Error::Database)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_from_one_on_each_backend() {
        for migrations in [SQLITE, POSTGRES] {
            let versions: Vec<i64> = migrations.iter().map(|m| m.version).collect();
            let expected: Vec<i64> = (1..=migrations.len() as i64).collect();
            assert_eq!(versions, expected);
        }
    }
}
