//! Starting the server: [`prepare`] reads or generates everything on disk and opens the
//! database, [`build_app`] makes the router, and [`serve`] binds, logs where it listens, sweeps
//! expired sessions, and runs the connection loop ([`crate::connections`]) until the shutdown
//! signal, then closes the database.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::Adapter;
use authrs_core::password::{PasswordHasher, PasswordHashing};
use authrs_core::ratelimit::LimitStore;
use authrs_core::secret::Secret;
use authrs_core::{Auth, SessionStrategy};
use authrs_tokio::BlockingPasswordHashing;
use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::accounts;
use crate::app_page::{self, AppPage};
use crate::config::{self, LimitSettings, Problem, Settings};
use crate::data_dir;
use crate::database::{self, Database};
use crate::error::Error;
use crate::home::{self, AppState, HomeSettings};
use crate::static_files::{self, Dotfiles};
use crate::users::{UserDirectory, Users};

pub use crate::connections::serve_router;

/// How often expired database sessions and verification tokens are deleted while serving.
pub const EXPIRY_SWEEP_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// Settings with the secrets loaded and the database open: everything [`build_app`] needs.
pub struct Prepared {
    settings: Settings,
    secrets: Vec<Secret>,
    database: Database,
    /// The database's adapter, with the session cache in front when it is on.
    adapter: Arc<dyn Adapter>,
    hashing: Arc<dyn PasswordHashing>,
    file_users: Option<Arc<UserDirectory>>,
    demo_password_file: Option<PathBuf>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("settings", &self.settings)
            .field("database", &self.database.kind())
            .field("file_users", &self.file_users)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// The settings this was prepared from.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The users of the configured users file, if there is one.
    pub fn file_users(&self) -> Option<&Users> {
        self.file_users.as_deref().map(UserDirectory::users)
    }

    /// The open database.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The demo password file, while the demo account exists and the file's password is its
    /// password.
    pub fn demo_password_file(&self) -> Option<&PathBuf> {
        self.demo_password_file.as_ref()
    }
}

/// Loads the secrets and the users file, and opens the database (applying its migrations).
/// With no secret configured it uses the development secret in the data directory, generating
/// it on first run. With no database configured it opens (creating) the SQLite file in the data
/// directory and, when that database has no users, creates the demo account.
pub async fn prepare(settings: Settings) -> Result<Prepared, Error> {
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

    let file_users = match &settings.credentials.users_file {
        Some(path) => {
            let users = Users::load(path).map_err(Error::Config)?;
            if users.is_empty() {
                tracing::warn!(
                    "{} has no users: every sign-in with its credentials will fail",
                    path.display()
                );
            } else {
                let noun = if users.len() == 1 { "user" } else { "users" };
                tracing::info!("{} {noun} from {}", users.len(), path.display());
            }
            Some(Arc::new(UserDirectory::new(users)))
        }
        None => {
            let legacy = settings.data_dir.join("users.toml");
            if legacy.exists() {
                tracing::warn!(
                    "{} is not read: users files are no longer used by default. Import its users with \
                     `authrs user add`, or set credentials.users_file (with session.strategy = \"jwt\")",
                    legacy.display()
                );
            }
            None
        }
    };

    let url = settings.database_url();
    if settings.uses_default_database() {
        data_dir::ensure_dir(&settings.data_dir)?;
    }
    let database =
        database::open(&url, &settings.postgres, settings.postgres.connect_retry).await?;
    let strategy = if settings.session.strategy == SessionStrategy::Jwt {
        "JWT sessions"
    } else {
        "database sessions"
    };
    tracing::info!("database: {url} ({}), {strategy}", database.kind());
    if let Some(warning) = database::weak_tls_warning(&url) {
        tracing::warn!("{warning}");
    }
    let mail = settings.email.describe(&settings.data_dir);
    match settings.email.enabled {
        true => tracing::info!("email sign-in on; mail goes to {mail}"),
        false => tracing::info!("email sign-in off; password-reset mail goes to {mail}"),
    }

    let hashing: Arc<dyn PasswordHashing> =
        Arc::new(BlockingPasswordHashing::new(PasswordHasher::new()));
    let demo_password_file = if settings.uses_default_database() && file_users.is_none() {
        accounts::ensure_demo_account(&database, &settings.data_dir, hashing.as_ref()).await?
    } else {
        None
    };
    let session = &settings.session;
    let adapter: Arc<dyn Adapter> =
        if session.strategy == SessionStrategy::Database && session.cache_size > 0 {
            Arc::new(database.cached_adapter(session.cache_size as usize, session.cache_ttl))
        } else {
            database.adapter()
        };
    Ok(Prepared {
        settings,
        secrets,
        database,
        adapter,
        hashing,
        file_users,
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
    /// The metrics recorder, when `[metrics]` is on (for the listener of its own).
    pub metrics: Option<crate::metrics::Metrics>,
}

/// Builds the engine for the public `url` and the router.
pub fn build_app(prepared: &Prepared, url: &str) -> Result<App, Error> {
    let config_problem = |message: String| {
        Error::Config(vec![Problem {
            source: None,
            message,
        }])
    };
    let mut builder = prepared
        .settings
        .engine_builder(
            url,
            Arc::clone(&prepared.adapter),
            limit_store(&prepared.database, &prepared.settings.limits),
            Arc::clone(&prepared.hashing),
        )
        .map_err(config_problem)?
        .secrets(prepared.secrets.clone());
    if let Some(directory) = &prepared.file_users {
        builder = builder.provider(Arc::clone(directory).provider());
    }
    let auth = builder
        .build()
        .map_err(|error| config_problem(error.to_string()))?;
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
    let static_dir = prepared.settings.static_dir.clone();
    if auth.base_path() != "/" && static_dir.is_none() {
        router = router.route("/", get(home::home));
    }
    let mut router = router
        .merge(authrs_axum::routes(auth.clone()))
        .with_state(state);
    if let Some(dir) = static_dir {
        // An app beside the auth routes, from one origin: files as they are (a folder's own
        // `index.html` too), and the app's `index.html`, with the visitor's session in it,
        // for `/` and any path that is no file (client-side routes).
        let page = get(app_page::app_page).with_state(AppPage {
            auth: auth.clone(),
            index: dir.join("index.html"),
        });
        if auth.base_path() != "/" {
            router = router.route_service("/", page.clone());
        }
        let dotfiles = match prepared.settings.static_dotfiles {
            true => Dotfiles::Served,
            false => Dotfiles::Hidden,
        };
        let files = static_files::service(dir.clone(), page, dotfiles)
            .map_err(|error| config_problem(format!("static_dir {}: {error}", dir.display())))?;
        router = router.fallback_service(files);
    }
    let metrics = match prepared.settings.metrics.enabled() {
        true => {
            let token = prepared.settings.metrics.token.clone();
            let metrics = crate::metrics::Metrics::install(token).map_err(config_problem)?;
            if prepared.settings.metrics.token.is_some() {
                router = router.route(
                    "/metrics",
                    get(crate::metrics::with_token).with_state(metrics.clone()),
                );
            }
            let base: Arc<str> = Arc::from(auth.base_path());
            router = router.layer(axum::middleware::from_fn_with_state(
                base,
                crate::metrics::measure,
            ));
            Some(metrics)
        }
        false => None,
    };
    Ok(App {
        auth,
        router,
        metrics,
    })
}

/// Binds the listen address, logs it, and serves until the first shutdown signal; then finishes
/// the requests in flight (for at most `server.shutdown_grace`, or until the second signal),
/// closes the database and returns. With no configured URL, the URL follows the bound port.
/// Expired sessions are swept every [`EXPIRY_SWEEP_INTERVAL`].
pub async fn serve(prepared: Prepared, signals: ShutdownSignals) -> Result<(), Error> {
    let addr = prepared.settings.bind;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| Error::Bind { addr, source })?;
    let metrics_listener = match prepared.settings.metrics.bind {
        Some(addr) => {
            let bound = TcpListener::bind(addr).await.and_then(|listener| {
                let local = listener.local_addr()?;
                Ok((listener, local))
            });
            let (listener, local) = bound.map_err(|source| {
                Error::Config(vec![Problem {
                    source: None,
                    message: format!("metrics.bind: cannot listen on {addr}: {source}"),
                }])
            })?;
            tracing::info!("metrics on http://{local}/metrics");
            Some(listener)
        }
        None => None,
    };
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
    let sweep = authrs_tokio::spawn_expiry_sweep(app.auth.clone(), EXPIRY_SWEEP_INTERVAL);
    if !prepared.settings.providers.is_empty() {
        log_providers(app.auth.clone());
    }
    let ShutdownSignals { first, second } = signals;
    let mut limits = prepared.settings.server;
    if prepared.settings.client_ip_header.is_some() && limits.max_connections_per_client > 0 {
        // Every connection comes from the proxy: a cap per address would cap the proxy.
        tracing::info!(
            "client_ip_header is set (behind a proxy): server.max_connections_per_client does not apply"
        );
        limits.max_connections_per_client = 0;
    }
    // `/metrics` on a listener of its own: served until the main listener has finished.
    let (stopped, stopping) = tokio::sync::watch::channel(false);
    if let (Some(metrics_listener), Some(metrics)) = (metrics_listener, app.metrics.clone()) {
        let router = Router::new().route("/metrics", get(crate::metrics::open).with_state(metrics));
        let mut until = stopping.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = until.wait_for(|stopped| *stopped).await;
            };
            let served = crate::connections::serve_router(
                metrics_listener,
                router,
                limits,
                shutdown,
                std::future::pending(),
            );
            if let Err(error) = served.await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    let upkeep = app
        .metrics
        .as_ref()
        .map(crate::metrics::Metrics::spawn_upkeep);
    let served = crate::connections::serve_router(listener, app.router, limits, first, second)
        .await
        .map_err(Error::Serve);
    let _ = stopped.send(true);
    drop(stopping);
    sweep.abort();
    if let Some(upkeep) = upkeep {
        upkeep.abort();
    }
    prepared.database.close().await;
    tracing::info!("closed the database");
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// The shutdown signals (SIGTERM or Ctrl-C): `first` completes on the first, `second` on the
/// one after it.
pub struct ShutdownSignals {
    /// Completes on the first signal: stop accepting, finish what is in flight.
    pub first: Pin<Box<dyn Future<Output = ()> + Send>>,
    /// Completes on the second signal: drop what is still open and exit.
    pub second: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl std::fmt::Debug for ShutdownSignals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShutdownSignals").finish_non_exhaustive()
    }
}

/// The process's shutdown signals. The handlers are installed when this is called, not when a
/// future is first polled, so a signal that arrives during startup is not lost. Must be called
/// inside a Tokio runtime.
pub fn shutdown_signals() -> io::Result<ShutdownSignals> {
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let (second_tx, second_rx) = tokio::sync::oneshot::channel::<()>();
    let mut signal = next_signal()?;
    tokio::spawn(async move {
        let name = signal.recv().await;
        tracing::info!("received {name}, shutting down");
        let _ = first_tx.send(());
        let name = signal.recv().await;
        tracing::warn!("received {name} again, exiting now");
        let _ = second_tx.send(());
    });
    let wait = |receiver: tokio::sync::oneshot::Receiver<()>| {
        Box::pin(async move {
            if receiver.await.is_err() {
                // No signal handler any more: wait forever, as without a signal.
                std::future::pending::<()>().await;
            }
        }) as Pin<Box<dyn Future<Output = ()> + Send>>
    };
    Ok(ShutdownSignals {
        first: wait(first_rx),
        second: wait(second_rx),
    })
}

/// SIGTERM and Ctrl-C, one after another.
struct NextSignal {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

fn next_signal() -> io::Result<NextSignal> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(NextSignal {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }
    #[cfg(not(unix))]
    {
        Ok(NextSignal {})
    }
}

impl NextSignal {
    /// Waits for the next signal and names it.
    async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "Ctrl-C",
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => "Ctrl-C",
                Err(_) => std::future::pending().await,
            }
        }
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

/// Where rate limits count: in this process's memory on SQLite (one instance per file is the
/// embedded default), in the database on PostgreSQL so every instance shares them.
fn limit_store(database: &Database, limits: &LimitSettings) -> Arc<dyn LimitStore> {
    match database.shared_limit_store() {
        Some(shared) => Arc::new(shared),
        None => limits.memory_store(),
    }
}

/// Logs where each OAuth provider's endpoints are, discovering OpenID Connect ones now, in the
/// background (start-up does not wait for a provider): the operator sees a wrong issuer or an
/// unreachable provider at once, not at the first sign-in. Nothing secret is logged.
fn log_providers(auth: authrs_core::Auth) {
    tokio::spawn(async move {
        for (provider, found) in auth.provider_endpoints().await {
            match found {
                // The discovery document's words are the provider's: string values, which
                // the formatter quotes and escapes.
                Ok(endpoints) => tracing::info!(
                    provider = provider.as_str(),
                    issuer = endpoints.issuer.as_deref().unwrap_or("-"),
                    authorization = endpoints.authorization.as_str(),
                    token = endpoints.token.as_str(),
                    userinfo = endpoints.userinfo.as_deref().unwrap_or("-"),
                    "provider ready"
                ),
                Err(error) => tracing::warn!(
                    provider = provider.as_str(),
                    error = error.as_str(),
                    "provider discovery failed; its sign-ins will fail until it answers"
                ),
            }
        }
    });
}
