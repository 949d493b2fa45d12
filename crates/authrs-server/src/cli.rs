//! The command line: `authrs [serve]`, `authrs check`, `authrs hash-password`.

use std::io::{self, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use authrs_core::password::PasswordHasher;
use clap::{Args, Parser, Subcommand};
use zeroize::Zeroizing;

use crate::check::check;
use crate::config::{ConfigFile, Env, LoadOptions, load_config};
use crate::error::Error;
use crate::server;

const AFTER_HELP: &str = "\
With no command, `authrs` runs `serve`.

Configuration comes from, lowest precedence first: built-in defaults, the TOML file
(--config, AUTHRS_CONFIG, or authrs.toml in the working directory), AUTHRS_* environment
variables, then --bind. With none of them the server starts on 127.0.0.1:3000, generates
a development secret in authrs-data/secret and a demo user whose password is in
authrs-data/demo-password.

Environment variables:
  AUTHRS_URL                 public URL of the auth routes [default: http://localhost:<port>/api/auth]
  AUTHRS_BIND                listen address [default: 127.0.0.1:3000]
  AUTHRS_SECRET              secret; several separated by commas rotate keys (the first encrypts)
  AUTHRS_COMPATIBILITY       v4 (next-auth v4) or v5 (Auth.js) [default: v4]
  AUTHRS_TRUST_HOST          trust X-Forwarded-Host/-Proto: true or false [default: false]
  AUTHRS_TRUSTED_ORIGINS     comma-separated origins that callback URLs may point to
  AUTHRS_USE_SECURE_COOKIES  true or false [default: true for an https URL]
  AUTHRS_SESSION_MAX_AGE     seconds or 30d, 12h, 1h30m [default: 30d]
  AUTHRS_SESSION_UPDATE_AGE  same form [default: 1d]
  AUTHRS_USERS_FILE          users file [default: <data dir>/users.toml, created with a demo user]
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
}

/// Options of `check`.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Configuration file [default: authrs.toml in the working directory, if present]
    #[arg(short, long, value_name = "FILE", env = "AUTHRS_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Runs a parsed command line and returns the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Check(args)) => return run_check(args),
        Some(Command::HashPassword) => hash_password(),
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
    init_tracing();
    let options = LoadOptions {
        config_file: config_file(args.config),
        bind: args.bind,
    };
    let settings = load_config(&options, &Env::from_process()).map_err(Error::Config)?;
    match &settings.config_file {
        Some(path) => tracing::info!("configuration from {} and the environment", path.display()),
        None => {
            tracing::info!("no configuration file: using the environment and built-in defaults")
        }
    }
    let prepared = server::prepare(settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Serve)?;
    runtime.block_on(async {
        let shutdown = server::shutdown_signal().map_err(Error::Serve)?;
        server::serve(prepared, shutdown).await
    })
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options = LoadOptions {
        config_file: config_file(args.config),
        bind: None,
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

/// The longest password accepted, in bytes.
const MAX_PASSWORD_BYTES: u64 = 4096;

fn hash_password() -> Result<(), Error> {
    let input_error = |e: io::Error| Error::PasswordInput(format!("cannot read the password: {e}"));
    let password = if io::stdin().is_terminal() {
        let first = Zeroizing::new(rpassword::prompt_password("Password: ").map_err(input_error)?);
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat the password: ").map_err(input_error)?,
        );
        if first != again {
            return Err(Error::PasswordInput("the passwords do not match".into()));
        }
        first
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        io::stdin()
            .lock()
            .take(MAX_PASSWORD_BYTES + 2)
            .read_to_end(&mut bytes)
            .map_err(input_error)?;
        password_from_pipe(&bytes)?
    };
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

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
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
            Some(Command::Check(CheckArgs { config: Some(_) }))
        ));
        assert!(Cli::try_parse_from(["authrs", "--bind", "x", "check"]).is_err());
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
