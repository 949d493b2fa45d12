//! # authrs-server
//!
//! The `authrs` server: the authrs engine behind an HTTP listener, configured by a TOML file and
//! `AUTHRS_*` environment variables, with a users file of argon2id hashes for the credentials
//! provider. Apps in any language use it as their NextAuth.js backend.
//!
//! ```text
//! authrs                  # serve on 127.0.0.1:3000 with a generated secret and demo user
//! authrs check            # list every configuration problem
//! authrs hash-password    # print an argon2id hash for the users file
//! ```
//!
//! The binary is a thin shell over this library, so tests drive the same code:
//! [`config::load_config`] reads the configuration, [`server::prepare`] loads (or generates)
//! the secret and the users, [`server::build_app`] makes the router, and [`server::serve`]
//! runs it until a shutdown signal.
//!
//! ```no_run
//! use authrs_server::{ConfigFile, Env, Error, LoadOptions};
//!
//! # fn main() -> Result<(), Error> {
//! let options = LoadOptions { config_file: ConfigFile::Discover, bind: None };
//! let settings = authrs_server::load_config(&options, &Env::from_process()).map_err(Error::Config)?;
//! // Reads the secret and the users file, generating them on first run.
//! let prepared = authrs_server::prepare(settings)?;
//! let app = authrs_server::build_app(&prepared, "http://localhost:3000/api/auth")?;
//! // `app.router` is an `axum::Router`: serve it, or drive it in-process with `oneshot`.
//! # let _ = app;
//! # Ok(()) }
//! ```
//!
//! Module map: [`cli`] (commands), [`config`] (file, environment, flags, and the schema),
//! [`users`] (users file and password checks), [`data_dir`] (generated files), [`home`] (the
//! `/` page and `/healthz`), [`server`] (startup and shutdown), [`mod@check`] (`authrs check`),
//! [`error`] (the one error type).
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod config;
pub mod data_dir;
pub mod error;
pub mod home;
pub mod server;
pub mod users;

pub use check::{CheckReport, check};
pub use config::{ConfigFile, Env, LoadOptions, Problem, Settings, Source, load_config};
pub use error::Error;
pub use server::{App, Prepared, build_app, prepare, serve};
