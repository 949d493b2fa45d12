//! The checks that need more than one value, or the engine: each finds the first problem and
//! names the keys at fault, which `resolve` then drops before reading the settings again.

use std::sync::Arc;

use authrs_core::adapter::MemoryAdapter;
use authrs_core::ratelimit::MemoryLimitStore;
use authrs_core::secret::Secret;
use authrs_core::{ConfigError, SessionStrategy};

use super::layers::Node;
use super::settings::{Settings, default_url, validation_hasher};
use crate::problem::Problem;

/// A problem: the keys at fault (the first one set names the source) and what is wrong.
pub(super) type Found = (Vec<String>, String);

/// The first problem of these settings, if any.
pub(super) fn first_problem(settings: &Settings) -> Option<Found> {
    providers(settings)
        .or_else(|| mail(settings))
        .or_else(|| files(settings))
        .or_else(|| metrics(settings))
        .or_else(|| engine(settings))
}

fn providers(settings: &Settings) -> Option<Found> {
    settings.providers.iter().find_map(|(id, provider)| {
        let message = provider.oauth_provider(id).err()?;
        Some((vec![format!("providers.{id}")], message))
    })
}

/// The mail transport, built once (it connects to nothing).
fn mail(settings: &Settings) -> Option<Found> {
    let message = (settings.email)
        .transport(&settings.data_dir, settings.server.outbound_timeout)
        .err()?;
    let keys = ["email.smtp_url", "email.from", "email.transport"];
    Some((keys.map(String::from).to_vec(), message))
}

/// A `static_dir` that is no directory.
fn files(settings: &Settings) -> Option<Found> {
    let dir = settings.static_dir.as_ref().filter(|dir| !dir.is_dir())?;
    Some((
        vec!["static_dir".into()],
        format!("{} is not a directory", dir.display()),
    ))
}

/// A users file with database sessions. The file is kept (nothing else depends on it), so
/// `authrs check` still reads it and reports its own problems too.
pub(super) fn users_file(settings: &Settings, tree: &Node) -> Option<Problem> {
    if settings.credentials.users_file.is_none()
        || settings.session.strategy != SessionStrategy::Database
    {
        return None;
    }
    let strategy_from = match tree.source("session.strategy") {
        Some(source) => format!("set by {source}"),
        None => "the default".to_owned(),
    };
    let message = format!(
        "a users file needs session.strategy = \"jwt\", but session.strategy is \"database\" ({strategy_from}): \
         the users of a users file are not in the database, so they cannot have database sessions. \
         Set session.strategy = \"jwt\" (AUTHRS_SESSION_STRATEGY=jwt), or import the users with \
         `authrs user add` and remove credentials.users_file"
    );
    Some(Problem {
        source: tree.source("credentials.users_file"),
        message,
    })
}

/// A metrics token long enough not to be guessed, in visible ASCII (a header carries it).
fn metrics(settings: &Settings) -> Option<Found> {
    let token = settings.metrics.token.as_ref()?;
    let token = token.expose();
    let weak = token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic());
    weak.then(|| {
        (
            vec!["metrics.token".to_owned()],
            "metrics.token must be 16 or more visible ASCII characters: use a random one \
             (openssl rand -hex 16)"
                .to_owned(),
        )
    })
}

/// Everything the engine checks, in one build; its error names the keys at fault.
fn engine(settings: &Settings) -> Option<Found> {
    if let Err(message) = settings.languages.languages() {
        return Some((vec!["languages.dir".to_owned()], message));
    }
    let url = (settings.url.clone()).unwrap_or_else(|| default_url(settings.bind));
    let built = settings.engine_builder(
        &url,
        Arc::new(MemoryAdapter::default()),
        Arc::new(MemoryLimitStore::default()),
        Arc::new(validation_hasher()),
    );
    let secrets = match settings.secrets.is_empty() {
        true => vec![Secret::generate()],
        false => settings.secrets.clone(),
    };
    let error = match built.map(|builder| builder.secrets(secrets).build()) {
        Err(message) => return Some((Vec::new(), message)),
        Ok(Ok(_)) => return None,
        Ok(Err(error)) => error,
    };
    let key = |key: &str| vec![key.to_owned()];
    Some(match &error {
        ConfigError::InvalidUrl { .. } => (key("url"), error.to_string()),
        ConfigError::WeakSecret { .. } => (key("secrets"), error.to_string()),
        ConfigError::InvalidSessionSetting { name, reason } => {
            let keys = vec![format!("session.{name}"), "session.max_age".into()];
            (keys, format!("invalid session.{name}: {reason}"))
        }
        ConfigError::InvalidPage { page, .. } => (key(&format!("pages.{page}")), error.to_string()),
        ConfigError::InvalidTheme { name, .. } => {
            (key(&format!("theme.{name}")), error.to_string())
        }
        ConfigError::UnknownDefaultLanguage { .. } => (key("languages.default"), error.to_string()),
        ConfigError::InvalidLanguage { .. } => (key("languages.dir"), error.to_string()),
        ConfigError::InvalidTrustedOrigin { .. } => (key("trusted_origins"), error.to_string()),
        ConfigError::InvalidProvider { provider, .. }
            if provider == "email" && !settings.providers.contains_key("email") =>
        {
            (key("email.max_age"), error.to_string())
        }
        ConfigError::InvalidProvider { provider, .. } => {
            (key(&format!("providers.{provider}")), error.to_string())
        }
        _ => (Vec::new(), error.to_string()),
    })
}
