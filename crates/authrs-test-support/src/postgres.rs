//! A database of its own per test on a real PostgreSQL server (feature `postgres`): the
//! server is named by [`POSTGRES_URL_VAR`], an account that may `CREATE DATABASE`
//! (`scripts/test` starts a throwaway server and sets it). Without it the tests fail; they
//! never skip.
//!
//! Each [`fresh_database`] is named `authrs_test_<server's Unix time>_<random>`. The first
//! call in a test process drops those more than an hour old, so a long-lived server does not
//! collect the ones that tests did not drop themselves ([`drop_database`]).

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

/// The variable naming the PostgreSQL server the tests create their databases on.
pub const POSTGRES_URL_VAR: &str = "AUTHRS_TEST_POSTGRES_URL";

/// The admin connection's options, from [`POSTGRES_URL_VAR`]. Panics, saying how to set it,
/// when it is unset.
pub fn admin_options() -> PgConnectOptions {
    let url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set, so the PostgreSQL tests have no server. Run \
             `bash scripts/test`, which starts a throwaway PostgreSQL and sets it, or set it to \
             a server where this account may CREATE DATABASE, e.g. \
             postgres://postgres@127.0.0.1:5432/postgres"
        )
    });
    PgConnectOptions::from_str(&url).unwrap_or_else(|e| panic!("{POSTGRES_URL_VAR}={url:?}: {e}"))
}

/// Creates a new, empty database of the caller's own and returns its connection options
/// (`to_url_lossy()` gives its URL). The first call in a test process also drops test
/// databases more than an hour old.
pub async fn fresh_database() -> PgConnectOptions {
    static REAPED: AtomicBool = AtomicBool::new(false);
    let admin = admin_options();
    let mut conn = admin.connect().await.unwrap_or_else(|e| {
        panic!("cannot reach the PostgreSQL server named by {POSTGRES_URL_VAR}: {e}")
    });
    if !REAPED.swap(true, Ordering::SeqCst) {
        let stale: Vec<String> = sqlx::query_scalar(
            "SELECT datname FROM pg_database \
             WHERE datname ~ '^authrs_test_[0-9]+_[0-9a-f]+$' \
               AND split_part(datname, '_', 3)::bigint < extract(epoch FROM now()) - 3600",
        )
        .fetch_all(&mut conn)
        .await
        .expect("list stale test databases");
        for name in stale {
            // Best effort: one still in use stays until a later run. The name matched the
            // pattern above, so it is letters, digits and underscores only.
            let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
                .execute(&mut conn)
                .await;
        }
    }
    let now: i64 = sqlx::query_scalar("SELECT extract(epoch FROM now())::bigint")
        .fetch_one(&mut conn)
        .await
        .expect("read the server's clock");
    let name = format!("authrs_test_{now}_{}", uuid::Uuid::new_v4().simple());
    // The name is a timestamp and a UUID's hex digits.
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let _ = conn.close().await;
    admin.database(&name)
}

/// Drops a database made by [`fresh_database`], disconnecting whoever is still on it.
pub async fn drop_database(database: &PgConnectOptions) {
    let name = database
        .get_database()
        .expect("the options name their database");
    let mut conn = admin_options().connect().await.unwrap_or_else(|e| {
        panic!("cannot reach the PostgreSQL server named by {POSTGRES_URL_VAR}: {e}")
    });
    let statement = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    // The name is one `fresh_database` made, quoted.
    sqlx::raw_sql(AssertSqlSafe(statement.as_str()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    let _ = conn.close().await;
}

/// A [`fresh_database`] for a test that is not async (one that drives the `authrs` binary),
/// made on a runtime of its own; [`drop_database`] runs when this is dropped, unless the test
/// is already panicking.
pub struct PostgresDatabase {
    options: PgConnectOptions,
    /// The database's URL (for `AUTHRS_DATABASE_URL`).
    pub url: String,
}

impl PostgresDatabase {
    /// Creates the database. Must not be called from async code (it blocks on a runtime of
    /// its own).
    pub fn create() -> Self {
        let options = block_on(fresh_database());
        let url = options.to_url_lossy().to_string();
        Self { options, url }
    }
}

impl PostgresDatabase {
    /// Takes `LOCK TABLE <table> IN ACCESS EXCLUSIVE MODE` in a transaction of its own and
    /// holds it until the returned guard is dropped: every statement that touches the table
    /// waits meanwhile, as behind a long migration or a stuck transaction.
    pub fn lock_table(&self, table: &'static str) -> TableLock {
        let options = self.options.clone();
        let (locked, is_locked) = std::sync::mpsc::channel();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let holder = std::thread::spawn(move || {
            block_on(async move {
                let mut conn = options.connect().await.expect("a connection for the lock");
                let mut tx = conn.begin().await.expect("a transaction for the lock");
                // `table` is a literal in the test's source.
                sqlx::query(AssertSqlSafe(format!(
                    "LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"
                )))
                .execute(&mut *tx)
                .await
                .expect("the table lock");
                locked.send(()).expect("the test waits for the lock");
                let _ = released.await;
                tx.rollback().await.expect("releasing the lock");
            });
        });
        is_locked.recv().expect("the lock was taken");
        TableLock {
            release: Some(release),
            holder: Some(holder),
        }
    }
}

/// A table lock held by [`PostgresDatabase::lock_table`]; released when dropped.
pub struct TableLock {
    release: Option<tokio::sync::oneshot::Sender<()>>,
    holder: Option<std::thread::JoinHandle<()>>,
}

impl Drop for TableLock {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.send(());
        }
        if let Some(holder) = self.holder.take() {
            let _ = holder.join();
        }
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            block_on(drop_database(&self.options));
        }
    }
}

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the database set-up")
        .block_on(future)
}

/// A PostgreSQL server of the test's own, started by `scripts/lib/postgres.sh` (which runs it
/// as the `postgres` user when the test runs as root) and stopped, its directory removed, when
/// this is dropped: for tests that change the server itself (TLS, `pg_hba.conf`, restarts).
/// Admin role `postgres`, trust authentication unless `hba` says otherwise.
pub struct OwnServer {
    /// The port on 127.0.0.1.
    pub port: u16,
    script: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl OwnServer {
    /// Starts a server without TLS. Blocks until it accepts connections.
    pub fn start() -> Self {
        Self::spawn(None, None)
    }

    /// Starts the server with `tls_dir`'s `server.crt`, `server.key` and, if present,
    /// `root.crt` (the CA for client certificates); `hba`, when given, is its whole
    /// `pg_hba.conf`. Blocks until it accepts connections.
    pub fn start_tls(tls_dir: &std::path::Path, hba: Option<&str>) -> Self {
        Self::spawn(Some(tls_dir), hba)
    }

    fn spawn(tls_dir: Option<&std::path::Path>, hba: Option<&str>) -> Self {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        // The shell stays up while the server runs (its PID names the server's directory, so
        // that a later start does not take it for a leftover), reading commands from stdin;
        // closing stdin stops it.
        let mut command = std::process::Command::new("bash");
        command
            .arg("-c")
            .arg(
                "set -e; source scripts/lib/postgres.sh; pg_bin=$(pg_bindir); \
                 trap postgres_stop EXIT; \
                 postgres_start \"$pg_bin\" authrs-own-pg; echo \"PORT $PG_PORT\"; \
                 while read -r cmd args; do \
                   case $cmd in pause|resume|restart|demote|promote) \
                     if postgres_$cmd $args; then echo DONE; \
                     else echo FAILED; tail -n 20 \"$PG_DIR/server.log\" >&2; fi;; \
                   esac; \
                 done",
            )
            .current_dir(&root)
            .env("PG_HBA", hba.unwrap_or(""))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        match tls_dir {
            Some(dir) => command.env("PG_SSL_DIR", dir),
            None => command.env_remove("PG_SSL_DIR"),
        };
        let mut script = command
            .spawn()
            .expect("bash, to run scripts/lib/postgres.sh");
        let stdin = script.stdin.take().expect("its stdin");
        let stdout = script.stdout.take().expect("its stdout");
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("PORT ").and_then(|p| p.parse().ok()))
            .unwrap_or_else(|| panic!("the test's own PostgreSQL server did not start"));
        Self {
            port,
            script,
            stdin: Some(stdin),
            lines,
        }
    }

    /// Restarts the server on the same port with `settings` added to its command line
    /// (`name=value` each; none for its first settings). Connections open are cut. Blocks
    /// until it accepts connections again.
    pub fn restart(&mut self, settings: &[&str]) {
        self.command("restart", settings);
    }

    /// Stops the server (connections open are cut), keeping its data for [`Self::resume`].
    pub fn pause(&mut self) {
        self.command("pause", &[]);
    }

    /// Starts the server again after [`Self::pause`], as [`Self::restart`] does.
    pub fn resume(&mut self, settings: &[&str]) {
        self.command("resume", settings);
    }

    /// Restarts the server as a standby: in recovery, read-only, following no primary (a
    /// failed-over primary come back).
    pub fn demote(&mut self) {
        self.command("demote", &[]);
    }

    /// Makes a [`Self::demote`]d server a primary again.
    pub fn promote(&mut self) {
        self.command("promote", &[]);
    }

    fn command(&mut self, command: &str, settings: &[&str]) {
        use std::io::Write;
        let args: Vec<String> = settings.iter().map(|s| format!("-c {s}")).collect();
        let stdin = self.stdin.as_mut().expect("open until drop");
        writeln!(stdin, "{command} {}", args.join(" ")).expect("the server's script runs");
        let outcome = self
            .lines
            .by_ref()
            .map_while(Result::ok)
            .find(|line| line == "DONE" || line == "FAILED");
        assert_eq!(
            outcome.as_deref(),
            Some("DONE"),
            "the test's own PostgreSQL server did not {command} (the end of its log is above)"
        );
    }

    /// `postgres://<user>@<host>:<port>/postgres?<query>`.
    pub fn url(&self, user: &str, host: &str, query: &str) -> String {
        format!("postgres://{user}@{host}:{}/postgres?{query}", self.port)
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        // Closing stdin ends the script's loop: it goes on to postgres_stop.
        drop(self.stdin.take());
        let _ = self.script.wait();
    }
}
