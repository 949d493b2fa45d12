//! The [`Session`] extractor and its rejection: the signed-in user's session, read in-process
//! by the engine from the request's cookies.

use std::fmt;
use std::ops::{Deref, DerefMut};

use authrs_core::Auth;
use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The session of the signed-in user.
///
/// Takes the [`Auth`] from the app state through [`FromRef`], so the state can be `Auth`
/// itself or any struct with an `impl FromRef<AppState> for Auth`. Behind a
/// [`RequireSession`](crate::RequireSession) layer it takes the session the layer already read.
///
/// - As `Session`: no session rejects with [`SessionRejection::Unauthorized`] (`401`).
/// - As `Option<Session>`: no session is `None`.
///
/// In both forms a failing app callback rejects with [`SessionRejection::Unavailable`]
/// (`500`, cause logged, never shown).
///
/// ```
/// use authrs_axum::Session;
///
/// async fn profile(session: Session) -> String {
///     format!("Hello, {}", session.user.name.as_deref().unwrap_or("stranger"))
/// }
///
/// async fn home(session: Option<Session>) -> &'static str {
///     if session.is_some() { "Welcome back" } else { "Please sign in" }
/// }
///
/// let _: axum::Router<authrs_core::Auth> = axum::Router::new()
///     .route("/profile", axum::routing::get(profile))
///     .route("/", axum::routing::get(home));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Session(pub authrs_core::Session);

impl Session {
    /// The inner session.
    pub fn into_inner(self) -> authrs_core::Session {
        self.0
    }
}

impl Deref for Session {
    type Target = authrs_core::Session;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<S> FromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match <Self as OptionalFromRequestParts<S>>::from_request_parts(parts, state).await? {
            Some(session) => Ok(session),
            None => Err(SessionRejection::Unauthorized),
        }
    }
}

impl<S> OptionalFromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        // Put there by `RequireSession`, which already read this request's cookie.
        if let Some(session) = parts.extensions.get::<authrs_core::Session>() {
            return Ok(Some(Self(session.clone())));
        }
        let auth = Auth::from_ref(state);
        read_session(&auth, &parts.headers)
            .await
            .map(|session| session.map(Self))
    }
}

/// Reads the session of a request, logging a failure once, here at the boundary.
pub(crate) async fn read_session(
    auth: &Auth,
    headers: &axum::http::HeaderMap,
) -> Result<Option<authrs_core::Session>, SessionRejection> {
    auth.get_session(headers).await.map_err(|error| {
        tracing::error!(%error, "reading the session failed");
        SessionRejection::Unavailable
    })
}

/// Why a [`Session`] could not be extracted. As a response:
///
/// | variant | status | body (`application/json`) |
/// |---|---|---|
/// | [`Unauthorized`](Self::Unauthorized) | `401 Unauthorized` | `{"error":"unauthorized"}` |
/// | [`Unavailable`](Self::Unavailable) | `500 Internal Server Error` | `{"error":"internal_error"}` |
///
/// Both carry `Cache-Control: no-store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionRejection {
    /// The request has no valid session: no cookie, or one that is invalid, expired or was
    /// ended by the `jwt` callback.
    Unauthorized,
    /// An app callback failed while the session was read. The cause has been logged.
    Unavailable,
}

impl SessionRejection {
    /// The HTTP status of the rejection.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Unavailable => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn body(self) -> &'static str {
        match self {
            Self::Unauthorized => r#"{"error":"unauthorized"}"#,
            Self::Unavailable => r#"{"error":"internal_error"}"#,
        }
    }
}

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unauthorized => "the request has no valid session",
            Self::Unavailable => "the session could not be read",
        })
    }
}

impl std::error::Error for SessionRejection {}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
