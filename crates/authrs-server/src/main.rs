//! The `authrs` binary; everything lives in the library, see [`authrs_server::cli`].
#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    authrs_server::cli::run(authrs_server::cli::Cli::parse())
}
