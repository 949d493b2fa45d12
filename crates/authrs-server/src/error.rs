//! The server's one error type. Each variant's message names the value, file or address at
//! fault; none of them ever contains a secret or a password.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

use authrs_core::adapter::AdapterError;
use authrs_core::password::PasswordError;

use crate::problem::Problem;

/// Why the server could not start, or a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration or the users file has problems, every one of them listed.
    #[error("{}", ProblemList(.0))]
    Config(Vec<Problem>),
    /// A file or directory could not be read, written or used.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done, e.g. `read the secret file`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The listen address could not be bound (in use, or not permitted).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: io::Error,
    },
    /// Serving failed after startup.
    #[error("the server failed: {0}")]
    Serve(io::Error),
    /// Hashing a password failed.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The password given to `hash-password` or a `user` command was refused, or could not be
    /// read.
    #[error("{0}")]
    PasswordInput(String),
    /// The database could not be opened or migrated. The URL is shown redacted.
    #[error("cannot open the database {url}: {reason}")]
    Database {
        /// The database URL without its secrets.
        url: String,
        /// The cause, with any password removed.
        reason: String,
    },
    /// A database call failed after the database was opened.
    #[error(transparent)]
    Adapter(#[from] AdapterError),
    /// A `user` command was refused: an unknown user, a taken or invalid email address.
    #[error("{0}")]
    Account(String),
}

/// Formats problems one per line.
struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "invalid configuration: {one}"),
            many => {
                write!(f, "invalid configuration, {} problems:", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}
