//! Starting the server: [`prepare`] reads or generates everything on disk, [`build_app`] makes
//! the router, and [`serve`] binds, logs where it listens, and runs until the shutdown signal.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use authrs_core::Auth;
use authrs_core::password::PasswordHasher;
use authrs_core::secret::Secret;
use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::config::{self, Problem, Settings};
use crate::data_dir;
use crate::error::Error;
use crate::home::{self, AppState, HomeSettings};
use crate::users::{UserDirectory, Users};

/// Settings with the secrets and the users loaded: everything [`build_app`] needs.
#[derive(Debug)]
pub struct Prepared {
    settings: Settings,
    secrets: Vec<Secret>,
    directory: Arc<UserDirectory>,
    demo_password_file: Option<PathBuf>,
}

impl Prepared {
    /// The settings this was prepared from.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The users the credentials provider checks.
    pub fn users(&self) -> &Users {
        self.directory.users()
    }
}

/// Loads the secrets and the users file. With no secret configured it uses the development
/// secret in the data directory, generating it on first run; with no users file configured it
/// uses `<data_dir>/users.toml`, creating it with a demo user on first run. Blocking: file I/O
/// and argon2 hashing.
pub fn prepare(settings: Settings) -> Result<Prepared, Error> {
    let secrets = if settings.secrets.is_empty() {
        let path = settings.secret_path();
        let (secret, generated) = data_dir::load_or_create_secret(&path)?;
        if generated {
            tracing::warn!("generated a development secret in {}", path.display());
        }
        tracing::warn!(
            "WARNING: no secret is configured, so sessions are encrypted with the development secret in {}. \
             This is for development only: in production set AUTHRS_SECRET (e.g. `openssl rand -hex 32`).",
            path.display()
        );
        vec![secret]
    } else {
        settings.secrets.clone()
    };

    let users_path = settings.users_path();
    if settings.users_file.is_none() && !users_path.exists() {
        let password_path = data_dir::create_demo_users_file(&users_path, &PasswordHasher::new())?;
        tracing::warn!(
            "created {} with the demo user \"{}\"; its password is in {} (development only)",
            users_path.display(),
            data_dir::DEMO_USER,
            password_path.display()
        );
    }
    let users = Users::load(&users_path).map_err(Error::Config)?;
    if users.is_empty() {
        tracing::warn!(
            "{} has no users: every credentials sign-in will fail",
            users_path.display()
        );
    } else {
        let noun = if users.len() == 1 { "user" } else { "users" };
        tracing::info!("{} {noun} from {}", users.len(), users_path.display());
    }
    // The home page points visitors at the demo password while the generated file is in use.
    let demo_password_file =
        Some(settings.data_dir.join(data_dir::DEMO_PASSWORD_FILE)).filter(|file| {
            settings.users_file.is_none()
                && users.get(data_dir::DEMO_USER).is_some()
                && file.exists()
        });
    Ok(Prepared {
        settings,
        secrets,
        directory: Arc::new(UserDirectory::new(users)),
        demo_password_file,
    })
}

/// The engine and the router of a prepared server.
#[derive(Debug, Clone)]
pub struct App {
    /// The engine.
    pub auth: Auth,
    /// `/`, `/healthz` and the auth routes under the URL's base path (merged at their full paths).
    pub router: Router,
}

/// Builds the engine for the public `url` and the router.
pub fn build_app(prepared: &Prepared, url: &str) -> Result<App, Error> {
    let auth = prepared
        .settings
        .auth_builder(url)
        .secrets(prepared.secrets.clone())
        .provider(Arc::clone(&prepared.directory).provider())
        .build()
        .map_err(|error| {
            Error::Config(vec![Problem {
                source: None,
                message: error.to_string(),
            }])
        })?;
    let state = AppState {
        auth: auth.clone(),
        home: HomeSettings {
            brand_color: prepared.settings.theme.brand_color.clone(),
            demo_password_file: prepared
                .demo_password_file
                .as_ref()
                .map(|f| f.display().to_string()),
        },
    };
    let mut router = Router::new().route("/healthz", get(home::healthz));
    if auth.base_path() != "/" {
        router = router.route("/", get(home::home));
    }
    let router = router
        .merge(authrs_axum::routes(auth.clone()))
        .with_state(state);
    Ok(App { auth, router })
}

/// Binds the listen address, logs it, and serves until `shutdown` completes; then finishes the
/// requests in flight and returns. With no configured URL, the URL follows the bound port.
pub async fn serve(
    prepared: Prepared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let addr = prepared.settings.bind;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| Error::Bind { addr, source })?;
    let app = build_app(&prepared, &public_url(&prepared.settings, local))?;
    let home = app
        .auth
        .base_url()
        .strip_suffix(app.auth.base_path())
        .unwrap_or_default();
    tracing::info!(
        "listening on http://{local} (home page {home}/, auth routes {})",
        app.auth.base_url()
    );
    axum::serve(listener, app.router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Serve)?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when
/// the future is first polled, so a signal that arrives during startup is not lost. Must be
/// called inside a Tokio runtime.
pub fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => tracing::info!("received SIGTERM, shutting down"),
                _ = interrupt.recv() => tracing::info!("received Ctrl-C, shutting down"),
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::info!("received Ctrl-C, shutting down");
            } else {
                std::future::pending::<()>().await;
            }
        })
    }
}

/// The public URL of the auth routes: the configured one, or one derived from the address the
/// server is bound to (so `--bind 127.0.0.1:0` gets the port it was given).
pub fn public_url(settings: &Settings, local: SocketAddr) -> String {
    settings
        .url
        .clone()
        .unwrap_or_else(|| config::default_url(local))
}
