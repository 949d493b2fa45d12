//! The `axum-app` example binary: reads its settings from the environment, hashes the demo
//! password, and serves [`axum_app::app`].
//!
//! ```text
//! AUTHRS_SECRET=$(openssl rand -hex 32) DEMO_PASSWORD='pick one' cargo run -p axum-app
//! ```
//!
//! Then open <http://localhost:3000> and sign in as `demo`. `BIND` (default `127.0.0.1:3000`)
//! and `AUTHRS_URL` (default `http://localhost:<port>/api/auth`) change where it listens and the
//! public URL of the auth routes.

use std::process::ExitCode;
use std::sync::Arc;

use authrs_core::password::PasswordHasher;
use axum_app::{DemoUser, Settings};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("axum-app: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let settings = Settings::from_env().map_err(|error| error.to_string())?;
    let Settings {
        bind,
        auth_url,
        secret,
        demo_password,
    } = settings;

    let hasher = Arc::new(PasswordHasher::new());
    let password_hash = {
        let hasher = Arc::clone(&hasher);
        tokio::task::spawn_blocking(move || hasher.hash(&demo_password))
            .await
            .map_err(|error| format!("hashing DEMO_PASSWORD did not finish: {error}"))?
            .map_err(|error| format!("hashing DEMO_PASSWORD failed: {error}"))?
    };
    let auth = axum_app::build_auth(&auth_url, &secret, DemoUser::new(password_hash), hasher)
        .map_err(|error| format!("invalid auth configuration: {error}"))?;

    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|error| format!("cannot listen on {bind}: {error}"))?;
    tracing::info!(%bind, %auth_url, "listening; sign in as `demo`");
    axum::serve(listener, axum_app::app(auth))
        .with_graceful_shutdown(async {
            // If the signal handler cannot be installed, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(|error| format!("server error: {error}"))
}
