//! `authrs check`: every problem `serve` would refuse to start with, found without binding,
//! generating or writing anything.

use std::path::PathBuf;
use std::sync::Arc;

use authrs_core::secret::Secret;

use crate::config::{self, Env, LoadOptions, Problem, Source};
use crate::users::{UserDirectory, Users};

/// The outcome of a check.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// Everything wrong, each naming the value and where it came from.
    pub problems: Vec<Problem>,
    /// What `serve` would do that is worth knowing (generated files, development secret).
    /// Only given when there are no problems.
    pub notes: Vec<String>,
}

impl CheckReport {
    /// Whether `serve` would start.
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
                Source::File {
                    path: secret_path.clone(),
                    key: None,
                },
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

    let users_path = settings.users_path();
    let users = if settings.users_file.is_none() && !users_path.exists() {
        notes.push(format!(
            "no users file is configured: {} will be created with a demo user",
            users_path.display()
        ));
        Some(Users::default())
    } else {
        match Users::load(&users_path) {
            Ok(users) => {
                if users.is_empty() {
                    notes.push(format!(
                        "{} has no users: every credentials sign-in will fail",
                        users_path.display()
                    ));
                }
                Some(users)
            }
            Err(found) => {
                problems.extend(found);
                None
            }
        }
    };

    if let (true, Some(users)) = (problems.is_empty(), users) {
        let url = settings
            .url
            .clone()
            .unwrap_or_else(|| config::default_url(settings.bind));
        let directory = Arc::new(UserDirectory::new(users));
        let built = settings
            .auth_builder(&url)
            .secrets(secrets)
            .provider(directory.provider())
            .build();
        if let Err(error) = built {
            problems.push(Problem {
                source: None,
                message: error.to_string(),
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
