//! # authrs-axum
//!
//! Mounts the [`authrs_core`] engine in an [axum] app. It holds no protocol logic of its own:
//! every auth route is answered by [`Auth::handle`], and every session is read by
//! [`Auth::get_session`]. It adds three things:
//!
//! - [`router()`]: the auth routes (`/csrf`, `/session`, `/signin`, `/callback/:provider`, …) as a
//!   [`Router`](axum::Router) to nest at the auth base path.
//! - [`Session`]: an extractor for the signed-in user's session, found through
//!   [`FromRef`](axum::extract::FromRef) on the app state; `Option<Session>` for pages that
//!   work either way.
//! - [`RequireSession`]: a [tower `Layer`](tower::Layer) that guards a group of routes,
//!   answering `401` or redirecting to the sign-in page when there is no session.
//!
//! ## Rules
//!
//! 1. The router must be nested at the path of the configured URL, which is what
//!    [`Auth::base_path`] returns: `.nest(auth.base_path(), authrs_axum::router(auth.clone()))`.
//!    The engine sees the full request path (axum strips the nest prefix; the router puts it
//!    back from [`OriginalUri`](axum::extract::OriginalUri)), so paths outside the base path get
//!    the engine's `404`.
//! 2. Request bodies to the auth routes are limited to [`MAX_BODY_BYTES`] (64 KiB). A larger
//!    body is answered `413 Payload Too Large` without being read past the limit.
//! 3. The engine's responses go back unchanged: status, headers (cookies included) and body.
//! 4. No session is `401` with `{"error":"unauthorized"}` (or, with
//!    [`RequireSession::redirect_to_sign_in`], a `302` to the sign-in page). A failing app
//!    callback while the session is read is `500` with a generic message; the cause is logged
//!    with `tracing` and never sent to the client.
//! 5. The engine learns the client's address (for its rate limits, such as the email
//!    provider's) from axum's [`ConnectInfo`](axum::extract::ConnectInfo): serve the app with
//!    `into_make_service_with_connect_info::<SocketAddr>()`. Without it, per-client limits do
//!    not apply (per-address limits still do).
//! 6. [`RequireSession`] puts the [`authrs_core::Session`] into the request extensions, where
//!    handlers can take it as `Extension<authrs_core::Session>` and where the [`Session`]
//!    extractor finds it without reading the cookie again.
//!
//! ## Caveats
//!
//! - Nest the router, do not merge it: it answers every path below the point where it is
//!   mounted.
//! - Attach [`RequireSession`] with [`Router::route_layer`](axum::Router::route_layer), so that
//!   paths matching no route still get `404` instead of the guard's answer.
//! - The sign-in redirect of [`RequireSession::redirect_to_sign_in`] points at
//!   [`Auth::sign_in_url`]: the configured URL, or the forwarded public origin when the engine
//!   trusts `X-Forwarded-Host`.
//! - The extractor and the guard read the session without re-issuing its cookie; the session's
//!   expiry slides when the client calls `/session`, as with NextAuth's server-side
//!   `getSession`.
//!
//! ## Example
//!
//! ```no_run
//! use authrs_axum::{RequireSession, Session};
//! use authrs_core::providers::{Credentials, CredentialsProvider};
//! use authrs_core::{Auth, User};
//! use axum::extract::FromRef;
//! use axum::{Json, Router, routing::get};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     auth: Auth,
//! }
//!
//! impl FromRef<AppState> for Auth {
//!     fn from_ref(state: &AppState) -> Auth {
//!         state.auth.clone()
//!     }
//! }
//!
//! async fn home(session: Option<Session>) -> String {
//!     match session.as_ref().and_then(|s| s.user.name.as_deref()) {
//!         Some(name) => format!("Signed in as {name}"),
//!         None => "Not signed in".to_owned(),
//!     }
//! }
//!
//! async fn me(session: Session) -> Json<authrs_core::Session> {
//!     Json(session.0)
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let auth = Auth::builder()
//!         .url("http://localhost:3000/api/auth")
//!         .secret(std::env::var("AUTHRS_SECRET")?)
//!         .provider(CredentialsProvider::new(|_credentials: Credentials, _request| async move {
//!             // Look the user up and verify the password here.
//!             Ok(None::<User>)
//!         }))
//!         .build()?;
//!
//!     let api = Router::new()
//!         .route("/api/me", get(me))
//!         .route_layer(RequireSession::unauthorized(auth.clone()));
//!     let app = Router::new()
//!         .route("/", get(home))
//!         .merge(api)
//!         .nest(auth.base_path(), authrs_axum::router(auth.clone()))
//!         .with_state(AppState { auth });
//!
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//!     axum::serve(listener, app).await?;
//!     Ok(())
//! }
//! ```
//!
//! [`Auth::handle`]: authrs_core::Auth::handle
//! [`Auth::get_session`]: authrs_core::Auth::get_session
//! [`Auth::base_path`]: authrs_core::Auth::base_path
//! [`Auth::base_url`]: authrs_core::Auth::base_url
#![forbid(unsafe_code)]

mod extract;
mod guard;
mod routes;

pub use extract::{Session, SessionRejection};
pub use guard::{RequireSession, RequireSessionService};
pub use routes::{MAX_BODY_BYTES, router, routes};
