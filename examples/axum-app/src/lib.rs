//! An axum app signed in through authrs: the library half of the `axum-app` example, so that
//! its tests can drive the very router the binary serves.
//!
//! - `/`: public; says who is signed in (`Option<Session>`), with sign-in and sign-out links.
//! - `/protected`: behind [`RequireSession::redirect_to_sign_in`]; shows the user (`Session`).
//! - `/api/me`: behind [`RequireSession::unauthorized`]; the session as JSON.
//! - `/api/data`: the seed's API-route example (`getSession({ req })` in a Next.js API
//!   route): JSON when signed in, else a redirect to the sign-in page.
//! - the auth routes, nested at the auth base path (`/api/auth` by default).
//!
//! One demo user signs in with the credentials provider; its password is checked against an
//! argon2id hash on a blocking thread, never compared in plain text.
#![forbid(unsafe_code)]

pub mod settings;

use std::sync::Arc;

use authrs_axum::{RequireSession, Session};
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{AuthorizeError, Credentials, CredentialsProvider, RequestMeta};
use authrs_core::{Auth, ConfigError, User};
use axum::extract::{FromRef, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use maud::{DOCTYPE, Markup, html};

pub use settings::{Settings, SettingsError};

/// The one user of the demo, with the argon2id hash of its password.
#[derive(Clone)]
pub struct DemoUser {
    /// The id that becomes the session's subject.
    pub id: String,
    /// What the user types in the sign-in form's username field.
    pub username: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// PHC string from [`PasswordHasher::hash`].
    pub password_hash: String,
}

impl std::fmt::Debug for DemoUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoUser")
            .field("id", &self.id)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl DemoUser {
    /// The demo user `demo` ("Demo User", `demo@example.com`) with a password hash.
    pub fn new(password_hash: String) -> Self {
        Self {
            id: "1".into(),
            username: "demo".into(),
            name: "Demo User".into(),
            email: "demo@example.com".into(),
            password_hash,
        }
    }
}

/// Builds the engine: one credentials provider that accepts only the demo user.
///
/// `hasher` must be the one that hashed `user.password_hash` (or one with the same
/// parameters).
pub fn build_auth(
    url: &str,
    secret: &str,
    user: DemoUser,
    hasher: Arc<PasswordHasher>,
) -> Result<Auth, ConfigError> {
    let user = Arc::new(user);
    let provider =
        CredentialsProvider::new(move |credentials: Credentials, _request: RequestMeta| {
            let user = Arc::clone(&user);
            let hasher = Arc::clone(&hasher);
            async move {
                let password = credentials.get("password").unwrap_or_default().to_owned();
                // An unknown username is verified against the hasher's dummy hash, so it takes as
                // long as a known one.
                let stored = (credentials.get("username") == Some(user.username.as_str()))
                    .then(|| user.password_hash.clone());
                // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
                let verified = tokio::task::spawn_blocking(move || {
                    hasher.verify(&password, stored.as_deref())
                })
                .await
                .map_err(|error| {
                    AuthorizeError(format!("the password check did not finish: {error}"))
                })?;
                Ok(verified.then(|| {
                    User::new(user.id.clone())
                        .with_name(user.name.clone())
                        .with_email(user.email.clone())
                }))
            }
        });
    Auth::builder()
        .url(url)
        .secret(secret)
        .provider(provider)
        .build()
}

/// The app state: handlers and the `Session` extractor find the engine in it through
/// [`FromRef`].
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub auth: Auth,
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// The whole app: pages, the JSON API and the auth routes.
pub fn app(auth: Auth) -> Router {
    let pages = Router::new()
        .route("/protected", get(protected))
        .route_layer(RequireSession::redirect_to_sign_in(auth.clone()));
    let api = Router::new()
        .route("/api/me", get(me))
        .route_layer(RequireSession::unauthorized(auth.clone()));
    Router::new()
        .route("/", get(home))
        .route("/api/data", get(data))
        .merge(pages)
        .merge(api)
        .nest(auth.base_path(), authrs_axum::router(auth.clone()))
        .with_state(AppState { auth })
}

async fn home(State(state): State<AppState>, session: Option<Session>) -> Response {
    let base_path = state.auth.base_path();
    let body = html! {
        @match &session {
            Some(session) => {
                p { "Signed in as " strong { (display_name(session)) } "." }
                p {
                    a href="/protected" { "Protected page" } " · "
                    a href={ (base_path) "/signout" } { "Sign out" }
                }
            }
            None => {
                p { "Not signed in." }
                p { a href={ (base_path) "/signin" } { "Sign in" } }
            }
        }
    };
    page("authrs axum example", body)
}

async fn protected(session: Session) -> Response {
    let body = html! {
        h1 { "Protected page" }
        p { "Only signed-in users see this. You are " strong { (display_name(&session)) } "." }
        @if let Some(email) = &session.user.email {
            p { "Email: " (email) }
        }
        p { "Session expires " (session.expires) "." }
        p { a href="/" { "Home" } }
    };
    page("Protected", body)
}

/// The seed's API route: `const session = await getSession({ req })`, then data when signed
/// in, else a redirect. In Rust the session is an extractor, read in-process (no HTTP hop).
async fn data(State(state): State<AppState>, session: Option<Session>) -> Response {
    match session {
        Some(session) => Json(serde_json::json!({
            "email": session.user.email,
            "data": "only for signed-in users",
        }))
        .into_response(),
        None => {
            let sign_in = format!("{}/signin", state.auth.base_path());
            (StatusCode::FOUND, [(header::LOCATION, sign_in)]).into_response()
        }
    }
}

async fn me(Extension(session): Extension<authrs_core::Session>) -> Json<authrs_core::Session> {
    Json(session)
}

fn display_name(session: &Session) -> &str {
    let user = &session.user;
    user.name
        .as_deref()
        .or(user.email.as_deref())
        .unwrap_or("an unnamed user")
}

/// A page: maud escapes every value interpolated into it. Pages name the user, so they are not
/// cached.
fn page(title: &str, body: Markup) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) }
            }
            body { (body) }
        }
    };
    let mut response = Html(markup.into_string()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
