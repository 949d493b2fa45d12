//! # authrs-server
//!
//! The `authrs` server: the authrs engine behind an HTTP listener, configured by a TOML file and
//! `AUTHRS_*` environment variables. Users and sessions live in a database (a SQLite file by
//! default, or PostgreSQL), with email-and-password accounts managed by `authrs user`; a users
//! file of argon2id hashes can be added for the credentials provider. Apps in any language use
//! it as their NextAuth.js backend.
//!
//! ```text
//! authrs                  # serve on 127.0.0.1:3000 with a generated secret, SQLite and a demo account
//! authrs check            # list every configuration problem
//! authrs user add EMAIL   # create an account (the password is read from the terminal or a pipe)
//! authrs hash-password    # print an argon2id hash for the users file
//! ```
//!
//! The binary is a thin shell over this library, so tests drive the same code:
//! [`config::load_config`] reads the configuration, [`server::prepare`] loads (or generates)
//! the secret and opens the database, [`server::build_app`] makes the router, and
//! [`server::serve`] runs it until a shutdown signal.
//!
//! ```no_run
//! use authrs_server::{ConfigFile, Env, Error, LoadOptions};
//!
//! # async fn example() -> Result<(), Error> {
//! let options = LoadOptions { config_file: ConfigFile::Discover, bind: None, database_url: None };
//! let settings = authrs_server::load_config(&options, &Env::from_process()).map_err(Error::Config)?;
//! // Reads the secret and opens the database, creating both (and a demo account) on first run.
//! let prepared = authrs_server::prepare(settings).await?;
//! let app = authrs_server::build_app(&prepared, "http://localhost:3000/api/auth")?;
//! // `app.router` is an `axum::Router`: serve it, or drive it in-process with `oneshot`.
//! # let _ = app;
//! # Ok(()) }
//! ```
//!
//! Module map: [`cli`] (commands), [`config`] (file, environment, flags, and the schema),
//! [`database`] (database URLs and the open adapter), [`accounts`] (`authrs user` and the demo
//! account), [`users`] (users file and password checks), [`data_dir`] (generated files),
//! [`home`] (the `/` page and `/healthz`), [`server`] (startup and shutdown),
//! [`connections`] (the bounded connection loop), [`static_files`] (the `static_dir` app), [`mod@check`]
//! (`authrs check`), [`error`] (the one error type).
#![forbid(unsafe_code)]

pub mod accounts;
pub mod app_page;
pub mod check;
pub mod cli;
pub mod config;
pub mod connections;
pub mod data_dir;
pub mod database;
pub mod error;
pub mod home;
pub mod mail;
pub mod metrics;
pub mod problem;
pub mod server;
pub mod static_files;
pub mod users;
pub mod values;

pub use check::{CheckReport, check};
pub use config::{ConfigFile, Env, LoadOptions, Problem, Settings, Source, load_config};
pub use database::{Database, DatabaseUrl};
pub use error::Error;
pub use server::{App, Prepared, build_app, prepare, serve};
