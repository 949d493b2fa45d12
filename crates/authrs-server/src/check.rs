//! `authrs check`: every problem `serve` would refuse to start with, found without binding,
//! connecting, generating or writing anything. The database URL's syntax is checked; the
//! database itself is not contacted.

use std::path::PathBuf;
use std::sync::Arc;

use authrs_core::SessionStrategy;
use authrs_core::adapter::MemoryAdapter;
use authrs_core::secret::Secret;

use crate::config::{self, Env, LoadOptions, Problem, Source};
use crate::database::DatabaseKind;
use crate::users::{UserDirectory, Users};

/// The outcome of a check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// Everything wrong, each naming the value and where it came from.
    pub problems: Vec<Problem>,
    /// What `serve` would do that is worth knowing (generated files, development secret, the
    /// database). Only given when there are no problems.
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether `serve` would start (as far as can be told without reaching the database).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the configuration, the secret file and the users file.
pub fn check(options: &LoadOptions, env: &Env) -> CheckReport {
    let (settings, mut problems) = config::resolve(options, env);
    let mut notes = Vec::new();

    let secret_path = settings.secret_path();
    let mut secrets = settings.secrets.clone();
    if secrets.is_empty() {
        match std::fs::read_to_string(&secret_path) {
            Ok(text) if text.trim().len() >= 32 => {
                notes.push(format!(
                    "no secret is configured: the development secret in {} will be used; set AUTHRS_SECRET in production",
                    secret_path.display()
                ));
                secrets.push(Secret::new(text.trim()));
            }
            Ok(text) => problems.push(Problem::new(
                Source::file(&secret_path),
                format!(
                    "the secret file holds {} bytes, at least 32 are required",
                    text.trim().len()
                ),
            )),
            Err(_) => {
                notes.push(format!(
                    "no secret is configured: a development secret will be generated in {}; set AUTHRS_SECRET in production",
                    secret_path.display()
                ));
                secrets.push(Secret::generate());
            }
        }
    }

    let url = settings.database_url();
    if settings.uses_default_database() {
        notes.push(format!(
            "no database is configured: the SQLite database {} will be used (created if missing, \
             with a demo account while it has no users)",
            settings
                .data_dir
                .join(config::DEFAULT_DATABASE_FILE)
                .display()
        ));
    } else {
        let contacted = match url.kind() {
            DatabaseKind::Sqlite => "the file was not opened",
            // PostgreSQL, and any server-based kind to come.
            _ => "the server was not contacted",
        };
        notes.push(format!(
            "database {url} ({}): the URL is well-formed; {contacted}",
            url.kind()
        ));
        if let Some(warning) = crate::database::weak_tls_warning(&url) {
            notes.push(format!("warning: {warning}"));
        }
        if url.kind() == DatabaseKind::Postgres {
            let pg = &settings.postgres;
            let statement = if pg.statement_timeout.is_zero() {
                "off".to_owned()
            } else {
                format!("{:?}", pg.statement_timeout)
            };
            notes.push(format!(
                "PostgreSQL pool: {} connections, acquire timeout {:?}, statement timeout \
                 {statement}, idle connections closed after {:?}; start-up waits up to {:?} \
                 for the database ([postgres])",
                pg.pool_size, pg.acquire_timeout, pg.idle_timeout, pg.connect_retry
            ));
        }
    }

    if settings.session.strategy == SessionStrategy::Database {
        let session = &settings.session;
        notes.push(if session.cache_size == 0 {
            "session cache: off (session.cache_size = 0): every session read goes to the \
             database"
                .to_owned()
        } else {
            format!(
                "session cache: up to {} sessions, each served for at most {:?} unread; \
                 revocations reach every instance within 750 ms ([session])",
                session.cache_size, session.cache_ttl
            )
        });
    }

    let metrics = &settings.metrics;
    notes.push(match (metrics.bind, metrics.token.is_some()) {
        (None, false) => "metrics: off ([metrics])".to_owned(),
        (Some(addr), token) => format!(
            "metrics: GET /metrics on {addr}{} ([metrics])",
            if token {
                ", and on the main listener with the bearer token"
            } else {
                ""
            }
        ),
        (None, true) => {
            "metrics: GET /metrics on the main listener with the bearer token ([metrics])"
                .to_owned()
        }
    });

    if let Ok(languages) = settings.languages.languages() {
        let added: Vec<&str> = languages.added().collect();
        let built_in: Vec<&str> = authrs_core::i18n::Languages::built_in().collect();
        notes.push(format!(
            "languages: {} by default; built in: {}{} ([languages])",
            settings.languages.default,
            built_in.join(", "),
            if added.is_empty() {
                String::new()
            } else {
                format!("; from languages.dir: {}", added.join(", "))
            }
        ));
    }

    if settings.accounts.sign_up && settings.accounts.allow_unverified_sign_in {
        notes.push(
            "warning: accounts.allow_unverified_sign_in is on with sign-up open: anyone can \
             create an account for any address and sign in as it at once"
                .to_owned(),
        );
    }
    if settings.accounts.sign_up
        && settings.session.strategy == SessionStrategy::Jwt
        && !settings.session.revocable_jwt
    {
        notes.push(
            "warning: sign-up is open with JWT sessions that are not revocable \
             (session.revocable_jwt = false): when the owner of an address proves it, sessions \
             someone else started on it end only when they expire"
                .to_owned(),
        );
    }

    let users = match &settings.credentials.users_file {
        None => Some(None),
        Some(path) => match Users::load(path) {
            Ok(users) => {
                if users.is_empty() {
                    notes.push(format!(
                        "{} has no users: every sign-in with its credentials will fail",
                        path.display()
                    ));
                }
                Some(Some(users))
            }
            Err(found) => {
                problems.extend(found);
                None
            }
        },
    };

    if let (true, Some(users)) = (problems.is_empty(), users) {
        let url = settings
            .url
            .clone()
            .unwrap_or_else(|| config::default_url(settings.bind));
        let built = settings
            .engine_builder(
                &url,
                Arc::new(MemoryAdapter::new()),
                Arc::new(authrs_core::ratelimit::MemoryLimitStore::default()),
                Arc::new(config::validation_hasher()),
            )
            .and_then(|builder| {
                let mut builder = builder.secrets(secrets);
                if let Some(users) = users {
                    builder = builder.provider(Arc::new(UserDirectory::new(users)).provider());
                }
                builder.build().map_err(|error| error.to_string())
            });
        if let Err(message) = built {
            problems.push(Problem {
                source: None,
                message,
            });
        }
    }
    if !problems.is_empty() {
        notes.clear();
    }
    CheckReport {
        config_file: settings.config_file,
        problems,
        notes,
    }
}
