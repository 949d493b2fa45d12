//! The command line: `authrs [serve]`, `authrs check`, `authrs hash-password`, and
//! `authrs user add|remove|list|set-password`.

use authrs_core::audit::AuditKind;
use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use authrs_core::password::PasswordHasher;
use clap::{Args, Parser, Subcommand};
use zeroize::Zeroizing;

use crate::accounts;
use crate::check::check;
use crate::config::{ConfigFile, Env, LoadOptions, Settings, load_config};
use crate::data_dir;
use crate::database::{self, Database};
use crate::error::Error;
use crate::server;

const AFTER_HELP: &str = "\
With no command, `authrs` runs `serve`.

Configuration comes from, lowest precedence first: built-in defaults, the TOML file
(--config, AUTHRS_CONFIG, or authrs.toml in the working directory), AUTHRS_* environment
variables, then --bind and --database-url. With none of them the server starts on
127.0.0.1:3000, generates a development secret in authrs-data/secret, keeps users and
sessions in the SQLite database authrs-data/authrs.db, and creates the demo account
demo@example.com there (while the database has no users) with its password in
authrs-data/demo-password.

Environment variables:
  AUTHRS_URL                 public URL of the auth routes [default: http://localhost:<port>/api/auth]
  AUTHRS_BIND                listen address [default: 127.0.0.1:3000]
  AUTHRS_SECRET              secret; several separated by commas rotate keys (the first encrypts)
  AUTHRS_COMPATIBILITY       v4 (next-auth v4) or v5 (Auth.js) [default: v4]
  AUTHRS_TRUST_HOST          trust X-Forwarded-Host/-Proto: true or false [default: false]
  AUTHRS_TRUSTED_ORIGINS     comma-separated origins that callback URLs may point to
  AUTHRS_USE_SECURE_COOKIES  true or false [default: true for an https URL]
  AUTHRS_DATABASE_URL        sqlite://FILE or postgres://USER:PASSWORD@HOST:PORT/DATABASE
                             [default: sqlite://<data dir>/authrs.db?mode=rwc]
  AUTHRS_SESSION_STRATEGY    database or jwt [default: database]
  AUTHRS_SESSION_REVOCABLE_JWT  JWT sessions honour sign-out-everywhere: true or false [default: false]
  AUTHRS_SESSION_MAX_AGE     seconds or 30d, 12h, 1h30m [default: 30d]
  AUTHRS_SESSION_UPDATE_AGE  same form [default: 1d]
  AUTHRS_SESSION_CACHE_SIZE  database sessions cached in memory; 0 turns it off [default: 10000]
  AUTHRS_SESSION_CACHE_TTL   longest a cached session is served unread, up to 1h [default: 60s]
  AUTHRS_ACCOUNTS_SIGN_UP    visitors may create accounts: true or false [default: false]
  AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH  8 to 1024 [default: 8]
  AUTHRS_USERS_FILE          a users file for the credentials provider [default: none]; needs
                             AUTHRS_SESSION_STRATEGY=jwt
  AUTHRS_DATA_DIR            directory for generated files [default: authrs-data]
  AUTHRS_THEME_COLOR_SCHEME, AUTHRS_THEME_BRAND_COLOR, AUTHRS_THEME_LOGO, AUTHRS_THEME_BUTTON_TEXT
  AUTHRS_PAGES_SIGN_IN, AUTHRS_PAGES_SIGN_OUT, AUTHRS_PAGES_ERROR, AUTHRS_PAGES_VERIFY_REQUEST,
  AUTHRS_PAGES_NEW_USER
  RUST_LOG                   log filter [default: info]; logs go to stderr

Exit status: 0 on success (and after SIGTERM or Ctrl-C), 1 on any error.";

/// `authrs`: a NextAuth-compatible authentication server.
#[derive(Debug, Parser)]
#[command(
    name = "authrs",
    version,
    about = "A NextAuth.js-compatible authentication server",
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The options of `serve`, for when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default)
    Serve(ServeArgs),
    /// Validate the configuration and the users file, listing every problem found
    Check(CheckArgs),
    /// Print the argon2id hash of a password, for the users file
    ///
    /// Reads the password from the terminal without echo (asking twice), or from standard
    /// input when it is a pipe (one line; the final line ending is not part of it). Refuses an
    /// empty password.
    HashPassword,
    /// Manage the email-and-password accounts in the database
    ///
    /// Uses the same configuration as `serve` (file, AUTHRS_* variables, --database-url) and
    /// brings the database schema up to date first. Passwords are read like `hash-password`
    /// reads them: from the terminal without echo (asking twice), or one line from a pipe.
    User(UserArgs),
}

/// Options of `user`, and which operation.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    /// Configuration file [default: authrs.toml in the working directory, if present]
    #[arg(short, long, value_name = "FILE", env = "AUTHRS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Database URL, overriding `database_url` and AUTHRS_DATABASE_URL
    #[arg(long, value_name = "URL", global = true)]
    pub database_url: Option<String>,
    /// The operation.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The operations of `user`.
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from the terminal or a pipe
    Add {
        /// Email address (normalised: trimmed and lowercased)
        email: String,
        /// Display name
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete an account with its sessions
    Remove {
        /// Email address
        email: String,
    },
    /// List the accounts: email, name and id (never password hashes)
    List,
    /// Replace an account's password and end its sessions everywhere
    SetPassword {
        /// Email address
        email: String,
    },
    /// Turn an account's two-step sign-in off (a user who lost their authenticator app and
    /// their recovery codes); with `required`, they set it up again at their next sign-in
    ResetTwoFactor {
        /// Email address
        email: String,
    },
}

/// Options of `serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Configuration file [default: authrs.toml in the working directory, if present]
    #[arg(short, long, value_name = "FILE", env = "AUTHRS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Listen address, overriding `bind` and AUTHRS_BIND [default: 127.0.0.1:3000]; port 0
    /// picks a free port, and the URL follows it unless one is configured
    #[arg(short, long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Database URL, overriding `database_url` and AUTHRS_DATABASE_URL [default:
    /// sqlite://<data dir>/authrs.db?mode=rwc]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Options of `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Configuration file [default: authrs.toml in the working directory, if present]
    #[arg(short, long, value_name = "FILE", env = "AUTHRS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL, overriding `database_url` and AUTHRS_DATABASE_URL (its syntax is checked;
    /// the database is not contacted)
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Check(args)) => return run_check(args),
        Some(Command::HashPassword) => hash_password(),
        Some(Command::User(args)) => user(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn config_file(path: Option<PathBuf>) -> ConfigFile {
    path.map_or(ConfigFile::Discover, ConfigFile::At)
}

fn serve(args: ServeArgs) -> Result<(), Error> {
    let options = LoadOptions {
        config_file: config_file(args.config),
        bind: args.bind,
        database_url: args.database_url,
    };
    // Read first, so the log takes the configured format; its problems go to stderr as text.
    let settings = load_config(&options, &Env::from_process()).map_err(Error::Config)?;
    init_tracing("info", settings.log_format);
    match &settings.config_file {
        Some(path) => tracing::info!("configuration from {} and the environment", path.display()),
        None => {
            tracing::info!("no configuration file: using the environment and built-in defaults")
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Blocking threads (argon2 on sign-in, file reads) end a second after their last task
        // rather than ten: an idle server keeps no thread, stack or allocator cache for them.
        // Starting one again costs microseconds beside a password hash's tens of milliseconds.
        .thread_keep_alive(std::time::Duration::from_secs(1))
        .build()
        .map_err(Error::Serve)?;
    runtime.block_on(async {
        let signals = server::shutdown_signals().map_err(Error::Serve)?;
        let prepared = server::prepare(settings).await?;
        server::serve(prepared, signals).await
    })
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options = LoadOptions {
        config_file: config_file(args.config),
        bind: None,
        database_url: args.database_url,
    };
    let report = check(&options, &Env::from_process());
    let checked = match &report.config_file {
        Some(path) => format!("{} and the environment", path.display()),
        None => "the environment (no configuration file)".to_owned(),
    };
    if report.is_ok() {
        println!("ok: checked {checked}");
        for note in &report.notes {
            println!("note: {note}");
        }
        return ExitCode::SUCCESS;
    }
    for problem in &report.problems {
        println!("error: {problem}");
    }
    let count = report.problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    println!("{count} {noun} found in {checked}");
    ExitCode::FAILURE
}

/// The longest password `hash-password` accepts, in bytes.
const MAX_PASSWORD_BYTES: u64 = 4096;

fn hash_password() -> Result<(), Error> {
    let password = read_new_password("Password: ")?;
    if password.is_empty() {
        return Err(Error::PasswordInput(
            "refusing to hash an empty password".into(),
        ));
    }
    if password.len() as u64 > MAX_PASSWORD_BYTES {
        return Err(Error::PasswordInput(format!(
            "the password is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    let hash = PasswordHasher::new().hash(&password)?;
    println!("{hash}");
    Ok(())
}

/// Reads a new password: from the terminal without echo, asking twice, or one line from a pipe.
fn read_new_password(prompt: &str) -> Result<Zeroizing<String>, Error> {
    let input_error = |e: io::Error| Error::PasswordInput(format!("cannot read the password: {e}"));
    if io::stdin().is_terminal() {
        let first = Zeroizing::new(rpassword::prompt_password(prompt).map_err(input_error)?);
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat the password: ").map_err(input_error)?,
        );
        if first != again {
            return Err(Error::PasswordInput("the passwords do not match".into()));
        }
        Ok(first)
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        io::stdin()
            .lock()
            .take(MAX_PASSWORD_BYTES + 2)
            .read_to_end(&mut bytes)
            .map_err(input_error)?;
        password_from_pipe(&bytes)
    }
}

fn user(args: UserArgs) -> Result<(), Error> {
    init_tracing("warn", crate::config::LogFormat::Text);
    let options = LoadOptions {
        config_file: config_file(args.config),
        bind: None,
        database_url: args.database_url,
    };
    let settings = load_config(&options, &Env::from_process()).map_err(Error::Config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Serve)?;
    runtime.block_on(async {
        if settings.uses_default_database() {
            data_dir::ensure_dir(&settings.data_dir)?;
        }
        // A command reports an unreachable database at once rather than waiting for it.
        let database = database::open(
            &settings.database_url(),
            &settings.postgres,
            std::time::Duration::ZERO,
        )
        .await?;
        let result = run_user_command(&settings, &database, args.command).await;
        database.close().await;
        result
    })
}

async fn run_user_command(
    settings: &Settings,
    database: &Database,
    command: UserCommand,
) -> Result<(), Error> {
    let adapter = database.adapter();
    let adapter = adapter.as_ref();
    let store = settings.audit.store;
    match command {
        UserCommand::Add { email, name } => {
            let email = accounts::normalized_email(&email)?;
            accounts::ensure_email_free(adapter, &email).await?;
            let password = read_new_password(&format!("Password for {email}: "))?;
            accounts::check_password(&password, settings.accounts.min_password_length)?;
            let hash = PasswordHasher::new().hash(&password)?;
            let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
            let user = accounts::add_user(adapter, &email, name, &hash).await?;
            accounts::record_admin_event(adapter, store, AuditKind::AccountCreated, &user.id).await;
            println!("added {email} (id {})", user.id);
        }
        UserCommand::Remove { email } => {
            let email = accounts::normalized_email(&email)?;
            let user = accounts::remove_user(adapter, &email).await?;
            accounts::record_admin_event(adapter, store, AuditKind::AccountDeleted, &user.id).await;
            println!("removed {email} (id {}) and its sessions", user.id);
        }
        UserCommand::List => {
            let users = database.list_users().await?;
            if users.is_empty() {
                println!("no users");
                return Ok(());
            }
            let rows: Vec<[&str; 3]> = users
                .iter()
                .map(|u| {
                    [
                        u.email.as_deref().unwrap_or("-"),
                        u.name.as_deref().unwrap_or("-"),
                        u.id.as_str(),
                    ]
                })
                .collect();
            print!("{}", table(["EMAIL", "NAME", "ID"], &rows));
        }
        UserCommand::SetPassword { email } => {
            let email = accounts::normalized_email(&email)?;
            let user = accounts::find_user(adapter, &email).await?;
            let password = read_new_password(&format!("New password for {email}: "))?;
            accounts::check_password(&password, settings.accounts.min_password_length)?;
            let hash = PasswordHasher::new().hash(&password)?;
            let ended = accounts::set_password(adapter, &user, &hash).await?;
            accounts::record_admin_event(adapter, store, AuditKind::PasswordChanged, &user.id)
                .await;
            let noun = if ended == 1 { "session" } else { "sessions" };
            println!("changed the password of {email}; ended {ended} database {noun}");
        }
        UserCommand::ResetTwoFactor { email } => {
            let email = accounts::normalized_email(&email)?;
            let user = accounts::find_user(adapter, &email).await?;
            if adapter.disable_two_factor(&user.id).await? {
                accounts::record_admin_event(
                    adapter,
                    store,
                    AuditKind::TwoFactorDisabled,
                    &user.id,
                )
                .await;
                println!("turned two-step sign-in off for {email}");
            } else {
                println!("{email} has no two-step sign-in");
            }
        }
    }
    Ok(())
}

/// Rows under a header, in columns padded to the widest cell.
fn table<const N: usize>(header: [&str; N], rows: &[[&str; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The password in piped input: the text without its final line ending. Several lines are
/// refused, so that a stray file is not hashed by mistake.
fn password_from_pipe(bytes: &[u8]) -> Result<Zeroizing<String>, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::PasswordInput("the password is not valid UTF-8".into()))?;
    let line = text.strip_suffix('\n').unwrap_or(text);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.contains(['\n', '\r']) {
        return Err(Error::PasswordInput(
            "the input has several lines: pipe in the password alone".into(),
        ));
    }
    Ok(Zeroizing::new(line.to_owned()))
}

/// Logs to stderr, filtered by RUST_LOG (`level` or `target=level` directives, comma-separated),
/// else at `default` level. Without RUST_LOG, sqlx says only warnings: its info lines are
/// PostgreSQL notices such as "relation already exists, skipping" from every start's migration
/// check. (`Targets` rather than `EnvFilter`: the same directive syntax without a regex engine
/// in the binary, which keeps the server's resident size down.)
fn init_tracing(default: &str, format: crate::config::LogFormat) {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let fallback = || -> Targets {
        format!("{default},sqlx=warn")
            .parse()
            .expect("the built-in log filter parses")
    };
    let (filter, bad) = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => match value.parse::<Targets>() {
            Ok(filter) => (filter, None),
            Err(_) => (fallback(), Some(value)),
        },
        _ => (fallback(), None),
    };
    let layer = tracing_subscriber::fmt::layer().with_writer(io::stderr);
    match format {
        crate::config::LogFormat::Json => tracing_subscriber::registry()
            .with(layer.json().flatten_event(true))
            .with(filter)
            .init(),
        _ => tracing_subscriber::registry()
            .with(layer.with_ansi(io::stderr().is_terminal()))
            .with(filter)
            .init(),
    }
    if let Some(value) = bad {
        tracing::warn!(
            "RUST_LOG={value:?} is not a list of `level` or `target=level` directives; using {default:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve_with_its_options() {
        let cli = Cli::try_parse_from(["authrs", "--bind", "127.0.0.1:0"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.bind.as_deref(), Some("127.0.0.1:0"));
        let cli = Cli::try_parse_from(["authrs", "check", "--config", "x.toml"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Check(CheckArgs {
                config: Some(_),
                ..
            }))
        ));
        assert!(Cli::try_parse_from(["authrs", "--bind", "x", "check"]).is_err());
    }

    #[test]
    fn user_options_go_before_or_after_the_operation() {
        for args in [
            &[
                "authrs",
                "user",
                "--database-url",
                "sqlite::memory:",
                "add",
                "a@example.com",
                "--name",
                "A",
            ][..],
            &[
                "authrs",
                "user",
                "add",
                "a@example.com",
                "--name",
                "A",
                "--database-url",
                "sqlite::memory:",
            ],
        ] {
            let cli = Cli::try_parse_from(args).unwrap();
            let Some(Command::User(user)) = cli.command else {
                panic!("not a user command: {args:?}");
            };
            assert_eq!(user.database_url.as_deref(), Some("sqlite::memory:"));
            assert!(matches!(
                user.command,
                UserCommand::Add { ref email, name: Some(ref name) } if email == "a@example.com" && name == "A"
            ));
        }
        assert!(Cli::try_parse_from(["authrs", "user", "add"]).is_err());
        assert!(Cli::try_parse_from(["authrs", "user", "list", "extra"]).is_err());
    }

    #[test]
    fn tables_pad_columns_to_the_widest_cell() {
        let rows = [
            ["ada@example.com", "Ada", "1"],
            ["b@example.com", "-", "22"],
        ];
        assert_eq!(
            table(["EMAIL", "NAME", "ID"], &rows),
            "EMAIL            NAME  ID\nada@example.com  Ada   1\nb@example.com    -     22\n"
        );
    }

    #[test]
    fn piped_password_loses_only_its_line_ending() {
        assert_eq!(
            password_from_pipe(b"pass word \n").unwrap().as_str(),
            "pass word "
        );
        assert_eq!(password_from_pipe(b"pw\r\n").unwrap().as_str(), "pw");
        assert_eq!(password_from_pipe(b"pw").unwrap().as_str(), "pw");
        assert_eq!(password_from_pipe(b"\n").unwrap().as_str(), "");
        assert!(password_from_pipe(b"one\ntwo\n").is_err());
        assert!(password_from_pipe(&[0xff, 0xfe]).is_err());
    }
}
