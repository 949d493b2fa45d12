//! The server's configuration: a TOML file, `AUTHRS_*` environment variables and the `--bind`
//! flag, resolved once into [`Settings`].
//!
//! Rules:
//! 1. Precedence, lowest first: built-in defaults, the TOML file, environment variables,
//!    command-line flags.
//! 2. Every problem names the bad value (secrets excepted: never shown) and where it came from,
//!    `authrs.toml: session.max_age` or `environment AUTHRS_URL`. Loading does not stop at the
//!    first problem: it reports them all.
//! 3. Unknown keys in the file and unknown `AUTHRS_*` environment variables are problems, so a
//!    typo never silently falls back to a default.
//! 4. Values the engine checks (URL, secrets, session ages, pages, theme, trusted origins) are
//!    checked by building the engine once with all of them, so the server and the engine never
//!    disagree about what is valid; the engine's error names the key at fault.
//! 5. Relative paths in the file are relative to the file's directory; relative paths from the
//!    environment or the defaults are relative to the working directory.
//!
//! How: the file's tables, the environment and the flags are merged into one tree of values
//! that remembers each value's source (`layers`); serde reads the tree into [`Settings`],
//! whose structs are the schema (`deny_unknown_fields`). A value that fails to read, or that a
//! check in `checks` refuses, becomes a problem naming its source, is dropped from the tree,
//! and the tree is read again, until nothing is wrong.
//!
//! Adding a setting: add a field to its section's struct in `settings` ([`Settings`] and the
//! structs of its fields: a doc line, the type, its default, and a `deserialize_with` reader
//! from [`crate::values`] when the value has a range or a form of its own). Its key is the
//! field's name; its environment variable follows from the key (`AUTHRS_<SECTION>_<NAME>`,
//! see `layers::env_name`); a check that needs other values, or the engine, goes in
//! `checks`. Then add its line to the README's example (a test checks it is there).
//!
//! The keys, their variables and defaults are listed in the server's README (its
//! Configuration section; a test keeps it complete), the bounds in `docs/operations.md`.
//!
//! OAuth providers: `[providers.<id>]` with `client_id`, `client_secret`, `issuer` (for presets
//! that need one) and `allow_email_account_linking`, or `AUTHRS_<ID>_CLIENT_ID`,
//! `AUTHRS_<ID>_CLIENT_SECRET`, `AUTHRS_<ID>_ISSUER` (the id upper-cased, `-` as `_`:
//! `AUTHRS_MICROSOFT_ENTRA_ID_CLIENT_ID`), or, with a `type`, any provider of the operator's own
//! (`AUTHRS_PROVIDERS_<ID>_<KEY>`).
//!
//! `AUTHRS_CONFIG` names the file, like `--config`; without either, `authrs.toml` in the working
//! directory is read when it exists.

mod checks;
mod layers;
mod settings;

pub use crate::mail::EmailSettings;
pub use crate::problem::{Problem, Source};
pub use crate::values::parse_duration;
pub use layers::{CONFIG_ENV, ConfigFile, DEFAULT_CONFIG_FILE, Env};
pub(crate) use settings::validation_hasher;
pub use settings::{
    AccountSettings, AuditSettings, CredentialSettings, CustomKind, DEFAULT_BIND, DEFAULT_DATA_DIR,
    DEFAULT_DATABASE_FILE, DEFAULT_MIN_PASSWORD_LENGTH, LimitSettings, LogFormat, MetricsSettings,
    PageSettings, PostgresSettings, ProviderSettings, ServerSettings, SessionSettings, Settings,
    ThemeSettings, TwoFactorSettings, default_url,
};

/// What the command line adds to the configuration.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Which file to read.
    pub config_file: ConfigFile,
    /// `--bind`, overriding file and environment.
    pub bind: Option<String>,
    /// `--database-url`, overriding file and environment.
    pub database_url: Option<String>,
}

/// Reads the configuration; `Err` lists every problem found.
pub fn load_config(options: &LoadOptions, env: &Env) -> Result<Settings, Vec<Problem>> {
    let (settings, problems) = resolve(options, env);
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems)
    }
}

/// Reads the configuration as far as possible: the settings (with defaults where a value was
/// bad) and every problem found. `serve`, `check` and `user` all load through here.
pub fn resolve(options: &LoadOptions, env: &Env) -> (Settings, Vec<Problem>) {
    let mut problems = Vec::new();
    let (config_file, mut tree) = layers::read_file(&options.config_file, &mut problems);
    layers::layer_env(&mut tree, env, &mut problems);
    let flags = [
        ("bind", "--bind", &options.bind),
        ("database_url", "--database-url", &options.database_url),
    ];
    for (key, flag, value) in flags {
        if let Some(value) = value {
            tree.set(key, value, Source::Flag(flag));
        }
    }
    let mut settings = loop {
        let settings = layers::read_settings(&mut tree, &mut problems);
        let Some((keys, message)) = checks::first_problem(&settings) else {
            break settings;
        };
        // The values at fault are dropped and the rest read again, so every problem is found;
        // the first of them that was set names the source.
        let set: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| tree.source(k).is_some())
            .collect();
        let source = set.first().and_then(|key| tree.source(key));
        problems.push(Problem { source, message });
        if set.is_empty() {
            break settings;
        }
        for key in set {
            tree.remove(key);
        }
    };
    problems.extend(checks::users_file(&settings, &tree));
    // A relative SQLite path written in the file is relative to the file, as other paths are.
    if let (Some(url), Some(Source::File { path, .. })) =
        (&settings.database_url, tree.source("database_url"))
    {
        let dir = path.parent().unwrap_or(std::path::Path::new(""));
        settings.database_url = Some(url.clone().relative_to(dir));
    }
    settings.config_file = config_file;
    (settings, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_names_every_key_and_variable() {
        let readme = include_str!("../../README.md");
        for key in layers::keys().iter().filter(|key| *key != "providers") {
            let name = key.rsplit('.').next().unwrap_or(key);
            assert!(
                readme.contains(&format!("{name} =")),
                "{key} is not in the README"
            );
            let env = layers::env_name(key).unwrap();
            assert!(readme.contains(&env), "{env} is not in the README");
        }
    }

    #[test]
    fn default_url_follows_the_bound_port() {
        assert_eq!(default_url(DEFAULT_BIND), "http://localhost:3000/api/auth");
        assert_eq!(
            default_url("0.0.0.0:8080".parse().unwrap()),
            "http://localhost:8080/api/auth"
        );
        assert_eq!(
            default_url("10.1.2.3:80".parse().unwrap()),
            "http://10.1.2.3:80/api/auth"
        );
        assert_eq!(
            default_url("[2001:db8::1]:80".parse().unwrap()),
            "http://[2001:db8::1]:80/api/auth"
        );
    }
}
