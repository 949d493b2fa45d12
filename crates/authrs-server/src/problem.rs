//! [`Problem`]: one thing wrong with the configuration or the users file, and [`Source`]:
//! where the value at fault came from.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A key of a TOML file (the configuration or the users file); no key means the file itself.
    File {
        /// The file as it was named.
        path: PathBuf,
        /// The dotted key, e.g. `session.max_age`.
        key: Option<String>,
    },
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(&'static str),
}

impl Source {
    /// A key of a file.
    pub fn file_key(path: &Path, key: impl Into<String>) -> Self {
        Self::File {
            path: path.to_owned(),
            key: Some(key.into()),
        }
    }

    /// A whole file.
    pub fn file(path: &Path) -> Self {
        Self::File {
            path: path.to_owned(),
            key: None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File {
                path,
                key: Some(key),
            } => write!(f, "{}: {key}", path.display()),
            Self::File { path, key: None } => write!(f, "{}", path.display()),
            Self::Env(name) => write!(f, "environment {name}"),
            Self::Flag(flag) => f.write_str(flag),
        }
    }
}

/// One configuration problem: what is wrong, and where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the bad value came from; `None` when it is a combination of values.
    pub source: Option<Source>,
    /// What is wrong, naming the value.
    pub message: String,
}

impl Problem {
    /// A problem with a known source.
    pub fn new(source: Source, message: impl Into<String>) -> Self {
        Self {
            source: Some(source),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{source}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
