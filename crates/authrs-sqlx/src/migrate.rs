//! Schema migrations: the SQL files under `migrations/<backend>/`, embedded at build time and
//! applied in one transaction that holds a database-wide lock, so several instances starting
//! at once on one database apply each migration exactly once.
//!
//! Applied versions are recorded in `_authrs_migrations`, a table of authrs's own: an
//! application that runs its own sqlx migrations (`_sqlx_migrations`) on the same database
//! is not disturbed, and neither is authrs. A released migration is never edited; a schema
//! change is a new file with the next version.
//!
//! # Expand, then contract
//! During a rolling upgrade the old and the new version run side by side on one schema, and a
//! rollback starts the old version on the new schema. So a migration either only adds
//! (**expand**: new tables, nullable columns or ones with a default, indexes), which code of
//! the version before it still runs on, or it removes or changes what older code uses
//! (**contract**: drops, renames, type changes, new `NOT NULL`s), and ships only in a release
//! after the code stopped using it. Each applied migration records the oldest schema version
//! code must know to run on it (`compatible_from`): older code starts on a newer schema whose
//! newer migrations all allow it, and refuses one with a contract it predates
//! ([`Error::SchemaTooNew`]). A unit test holds every migration marked as an expansion to
//! statements that only add.

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
    /// The oldest schema version that code must know to run on a database with this
    /// migration applied: the version before for an expansion, its own for a contraction (see
    /// the module docs).
    pub(crate) compatible_from: i64,
}

/// The SQLite schema, oldest first.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "users, accounts, sessions, verification tokens",
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
        compatible_from: 1,
    },
    Migration {
        version: 2,
        description: "change log for session caches",
        sql: include_str!("../migrations/sqlite/0002_session_changes.sql"),
        // A table and triggers that only log: version 1's code runs on it.
        compatible_from: 1,
    },
    Migration {
        version: 3,
        description: "where and when sessions started",
        sql: include_str!("../migrations/sqlite/0003_session_origin.sql"),
        // Nullable columns: version 2's code runs on it (and stores sessions without them).
        compatible_from: 2,
    },
    Migration {
        version: 4,
        description: "security events",
        sql: include_str!("../migrations/sqlite/0004_audit_events.sql"),
        // A new table: version 3's code runs on it (and records no events).
        compatible_from: 3,
    },
    Migration {
        version: 5,
        description: "two-factor enrolments and recovery codes",
        sql: include_str!("../migrations/sqlite/0005_two_factor.sql"),
        // New tables: version 4's code runs on it (and asks for no second factor).
        compatible_from: 4,
    },
    Migration {
        version: 6,
        description: "passkeys",
        sql: include_str!("../migrations/sqlite/0006_passkeys.sql"),
        // A new table: version 5's code runs on it (and offers no passkeys).
        compatible_from: 5,
    },
];

/// The PostgreSQL schema, oldest first. Version 2 has no SQLite counterpart (SQLite's rate
/// limits count in memory); version 3 is SQLite's version 2 in PostgreSQL's form.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "users, accounts, sessions, verification tokens",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
        compatible_from: 1,
    },
    Migration {
        version: 2,
        description: "rate-limit counters",
        sql: include_str!("../migrations/postgres/0002_rate_limits.sql"),
        // A new table: version 1's code runs on it (and never counted limits there).
        compatible_from: 1,
    },
    Migration {
        version: 3,
        description: "change announcements for session caches",
        sql: include_str!("../migrations/postgres/0003_session_changes.sql"),
        // Triggers that only notify: version 2's code runs on it.
        compatible_from: 2,
    },
    Migration {
        version: 4,
        description: "where and when sessions started",
        sql: include_str!("../migrations/postgres/0004_session_origin.sql"),
        // Nullable columns: version 3's code runs on it (and stores sessions without them).
        compatible_from: 3,
    },
    Migration {
        version: 5,
        description: "security events",
        sql: include_str!("../migrations/postgres/0005_audit_events.sql"),
        // A new table: version 4's code runs on it (and records no events).
        compatible_from: 4,
    },
    Migration {
        version: 6,
        description: "two-factor enrolments and recovery codes",
        sql: include_str!("../migrations/postgres/0006_two_factor.sql"),
        // New tables: version 5's code runs on it (and asks for no second factor).
        compatible_from: 5,
    },
    Migration {
        version: 7,
        description: "passkeys",
        sql: include_str!("../migrations/postgres/0007_passkeys.sql"),
        // A new table: version 6's code runs on it (and offers no passkeys).
        compatible_from: 6,
    },
];

/// Key of the transaction-scoped advisory lock that serialises migrations on PostgreSQL
/// (advisory locks are per database). Any fixed number works; this is "authrs" in ASCII.
const POSTGRES_MIGRATION_LOCK: i64 = 0x6175_7468_7273;

/// A back end's statements for `_authrs_migrations` itself.
struct Bookkeeping {
    /// Creates the table if missing.
    create: &'static str,
    /// Whether it has the `compatible_from` column, which tables made before it lack. Looked
    /// up first rather than added "if not exists": SQLite has no such clause, and PostgreSQL's
    /// ALTER TABLE needs the table's owner and an exclusive lock even with nothing to add.
    has_compatible_from: &'static str,
    /// Adds that column.
    add_compatible_from: &'static str,
}

const SQLITE_BOOKKEEPING: Bookkeeping = Bookkeeping {
    create: "CREATE TABLE IF NOT EXISTS _authrs_migrations (
            version         INTEGER NOT NULL PRIMARY KEY,
            description     TEXT NOT NULL,
            applied_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
            compatible_from INTEGER
        ) STRICT",
    has_compatible_from: "SELECT EXISTS (SELECT 1 FROM pragma_table_info('_authrs_migrations') \
         WHERE name = 'compatible_from')",
    add_compatible_from: "ALTER TABLE _authrs_migrations ADD COLUMN compatible_from INTEGER",
};

const POSTGRES_BOOKKEEPING: Bookkeeping = Bookkeeping {
    create: "CREATE TABLE IF NOT EXISTS _authrs_migrations (
            version         BIGINT PRIMARY KEY,
            description     TEXT NOT NULL,
            applied_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
            compatible_from BIGINT
        )",
    has_compatible_from: "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = '_authrs_migrations' \
           AND column_name = 'compatible_from')",
    add_compatible_from: "ALTER TABLE _authrs_migrations ADD COLUMN compatible_from BIGINT",
};

/// Brings `tx` (already holding the migration lock) up to the newest of `migrations`, or
/// leaves a newer schema alone if it allows this code; `$book` is the back end's
/// [`Bookkeeping`].
macro_rules! apply_migrations {
    ($tx:ident, $migrations:expr, $book:expr) => {{
        let book: &Bookkeeping = &$book;
        sqlx::query(book.create)
            .execute(&mut *$tx)
            .await
            .map_err(Error::Database)?;
        let has_column: bool = sqlx::query_scalar(book.has_compatible_from)
            .fetch_one(&mut *$tx)
            .await
            .map_err(Error::Database)?;
        if !has_column {
            sqlx::query(book.add_compatible_from)
                .execute(&mut *$tx)
                .await
                .map_err(Error::Database)?;
        }
        let current: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _authrs_migrations")
                .fetch_one(&mut *$tx)
                .await
                .map_err(Error::Database)?;
        let known = $migrations.last().map_or(0, |m| m.version);
        if current > known {
            // A row without `compatible_from` allows only code that knows it.
            let needs: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(COALESCE(compatible_from, version)), 0) \
                 FROM _authrs_migrations WHERE version > $1",
            )
            .bind(known)
            .fetch_one(&mut *$tx)
            .await
            .map_err(Error::Database)?;
            if needs > known {
                return Err(Error::SchemaTooNew {
                    found: current,
                    known,
                });
            }
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
            sqlx::query(
                "INSERT INTO _authrs_migrations (version, description, compatible_from) \
                 VALUES ($1, $2, $3)",
            )
            .bind(migration.version)
            .bind(migration.description)
            .bind(migration.compatible_from)
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
    apply_migrations!(tx, SQLITE, SQLITE_BOOKKEEPING);
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
    apply_migrations!(tx, POSTGRES, POSTGRES_BOOKKEEPING);
    tx.commit().await.map_err(Error::Database)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statements of `sql`, upper case, without comments or the bodies of dollar-quoted
    /// strings (a function's body may hold `;`).
    fn statements(sql: &str) -> Vec<String> {
        let mut text = String::new();
        let mut rest = sql;
        while let Some(start) = rest.find("$$") {
            text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            rest = after.find("$$").map_or("", |end| &after[end + 2..]);
            text.push_str("$$");
        }
        text.push_str(rest);
        let mut plain = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("/*") {
            plain.push_str(&rest[..start]);
            rest = rest[start..]
                .find("*/")
                .map_or("", |end| &rest[start + end + 2..]);
        }
        plain.push_str(rest);
        plain
            .lines()
            .map(|line| line.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(" ")
            .split(';')
            .map(|s| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_uppercase()
            })
            .filter(|s| !s.is_empty())
            .fold(Vec::new(), |mut statements: Vec<String>, piece| {
                // A SQLite trigger's body (`BEGIN … END`) holds statements of its own.
                match statements.last_mut() {
                    Some(open)
                        if open.starts_with("CREATE TRIGGER")
                            && open.contains(" BEGIN")
                            && !open.ends_with(" END") =>
                    {
                        open.push_str("; ");
                        open.push_str(&piece);
                    }
                    _ => statements.push(piece),
                }
                statements
            })
    }

    /// Whether `statement` only adds what older code never notices (an allowlist): a table,
    /// a plain index, a function, an `AFTER` trigger, or a column that may be left out of an
    /// insert and carries no constraint.
    fn only_adds(statement: &str) -> bool {
        let starts = |prefix: &str| statement.starts_with(prefix);
        if starts("CREATE TABLE") || starts("CREATE FUNCTION") {
            return true;
        }
        if starts("CREATE INDEX") {
            return true;
        }
        if starts("CREATE TRIGGER") {
            return statement.contains(" AFTER ");
        }
        if let Some(rest) = statement.strip_prefix("ALTER TABLE ") {
            let Some((_, column)) = rest.split_once(" ADD ") else {
                return false;
            };
            if column.contains(" ADD ") || column.contains(',') {
                return false; // one column per statement
            }
            let constrained = ["UNIQUE", "PRIMARY KEY", "REFERENCES", "CHECK", "CONSTRAINT"]
                .iter()
                .any(|c| column.contains(c));
            let required = column.contains("NOT NULL") && !column.contains("DEFAULT");
            return !constrained && !required;
        }
        false
    }

    /// Why `migration`, marked as an expansion, is not one; `None` if it only adds.
    fn contraction_in(migration: &Migration) -> Option<String> {
        statements(migration.sql)
            .into_iter()
            .find(|s| !only_adds(s))
    }

    #[test]
    fn migrations_marked_as_expansions_only_add() {
        for migrations in [SQLITE, POSTGRES] {
            for migration in migrations.iter().filter(|m| m.version > 1) {
                assert!(
                    migration.compatible_from == migration.version
                        || migration.compatible_from == migration.version - 1,
                    "version {}: compatible_from is its own version or the one before",
                    migration.version
                );
                if migration.compatible_from < migration.version {
                    assert_eq!(
                        contraction_in(migration),
                        None,
                        "version {} is marked as an expansion",
                        migration.version
                    );
                }
            }
        }
    }

    #[test]
    fn the_expansion_check_catches_contractions() {
        let check = |sql: &'static str| {
            contraction_in(&Migration {
                version: 2,
                description: "test",
                sql,
                compatible_from: 1,
            })
        };
        assert_eq!(check("CREATE TABLE t (a TEXT NOT NULL);"), None);
        assert_eq!(check("ALTER TABLE users ADD COLUMN locale TEXT;"), None);
        assert_eq!(
            check("ALTER TABLE users ADD COLUMN n INTEGER NOT NULL DEFAULT 0;"),
            None
        );
        assert_eq!(
            check("-- we never DROP TABLE here\nCREATE INDEX i ON t (a);"),
            None
        );
        assert_eq!(
            check(
                "CREATE TRIGGER t AFTER DELETE ON users WHEN OLD.a > 1 BEGIN \
                 INSERT INTO x VALUES (1); INSERT INTO x VALUES (2); END; \
                 CREATE INDEX i ON t (a);"
            ),
            None
        );
        assert_eq!(
            check(
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 DELETE FROM x; RETURN NULL; END $$; \
                 CREATE TRIGGER t AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f();"
            ),
            None
        );
        for contraction in [
            "ALTER TABLE users DROP COLUMN image;",
            "alter table users rename column name to full_name;",
            "ALTER TABLE users ALTER COLUMN email TYPE citext;",
            "ALTER TABLE users ADD COLUMN n INTEGER NOT NULL;",
            "ALTER TABLE users ADD n INTEGER NOT NULL;",
            "ALTER TABLE users ADD COLUMN n NUMERIC(10,2) NOT NULL;",
            "ALTER TABLE users ADD UNIQUE (name);",
            "ALTER TABLE users ADD CHECK (name <> '');",
            "ALTER TABLE users ADD COLUMN n TEXT REFERENCES t (a);",
            "CREATE UNIQUE INDEX i ON users (name);",
            "CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();",
            "DROP INDEX users_email_idx;",
            "CREATE TRIGGER t AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f(); \
             DROP TABLE users;",
            "CREATE TRIGGER t AFTER DELETE ON users BEGIN INSERT INTO x VALUES (1); END; \
             DROP TABLE users;",
            "DROP TABLE rate_limits;",
            "UPDATE users SET name = '';",
            "/* tidy */ DELETE FROM sessions;",
        ] {
            assert!(check(contraction).is_some(), "{contraction}");
        }
    }

    #[test]
    fn versions_increase_from_one_on_each_backend() {
        for migrations in [SQLITE, POSTGRES] {
            let versions: Vec<i64> = migrations.iter().map(|m| m.version).collect();
            let expected: Vec<i64> = (1..=migrations.len() as i64).collect();
            assert_eq!(versions, expected);
        }
    }
}
