//! [`RequireSession`]: a tower layer that lets only signed-in requests through to a group of
//! routes, and hands the session to the handlers behind it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use authrs_core::Auth;
use axum::extract::OriginalUri;
use axum::http::{self, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower::{Layer, Service};

use crate::extract::read_session;

/// A [`Layer`] that guards a group of routes: requests with a session go through with the
/// [`authrs_core::Session`] in their extensions; requests without one are answered here.
///
/// Build it with [`unauthorized`](Self::unauthorized) for APIs (`401` with
/// `{"error":"unauthorized"}`) or [`redirect_to_sign_in`](Self::redirect_to_sign_in) for pages
/// (`302` to the sign-in page, coming back afterwards). A failing app callback is `500` with a
/// generic message in both modes; its cause is logged.
///
/// Behind the layer, handlers take the session as the [`Session`](crate::Session) extractor or
/// as `Extension<authrs_core::Session>`; neither reads the cookie again. Use
/// [`Router::route_layer`](axum::Router::route_layer) so that unknown paths still get `404`
/// rather than the guard's answer.
///
/// ```
/// use authrs_axum::{RequireSession, Session};
/// use authrs_core::Auth;
/// use axum::{Extension, Json, Router, routing::get};
///
/// fn app(auth: Auth) -> Router {
///     let pages = Router::new()
///         .route("/dashboard", get(|session: Session| async move {
///             format!("Hello, {}", session.user.name.as_deref().unwrap_or("you"))
///         }))
///         .route_layer(RequireSession::redirect_to_sign_in(auth.clone()));
///
///     let api = Router::new()
///         .route("/api/me", get(|Extension(session): Extension<authrs_core::Session>| async move {
///             Json(session)
///         }))
///         .route_layer(RequireSession::unauthorized(auth.clone()));
///
///     Router::new()
///         .merge(pages)
///         .merge(api)
///         .nest(auth.base_path(), authrs_axum::router(auth.clone()))
///         .with_state(auth)
/// }
/// ```
#[derive(Clone)]
pub struct RequireSession {
    auth: Auth,
    on_missing: OnMissingSession,
}

/// How a request without a session is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnMissingSession {
    Unauthorized,
    RedirectToSignIn,
}

impl RequireSession {
    /// A guard that answers requests without a session with `401 Unauthorized` and
    /// `{"error":"unauthorized"}`: for JSON APIs.
    pub fn unauthorized(auth: Auth) -> Self {
        Self {
            auth,
            on_missing: OnMissingSession::Unauthorized,
        }
    }

    /// A guard that answers requests without a session with `302 Found` to
    /// `<base_url>/signin?callbackUrl=<path and query>`: for pages. The callback URL is the
    /// request's own path and query (relative, so same-origin), which the engine validates
    /// again before it redirects there after sign-in.
    pub fn redirect_to_sign_in(auth: Auth) -> Self {
        Self {
            auth,
            on_missing: OnMissingSession::RedirectToSignIn,
        }
    }
}

impl fmt::Debug for RequireSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireSession")
            .field("on_missing", &self.on_missing)
            .finish_non_exhaustive()
    }
}

impl<I> Layer<I> for RequireSession {
    type Service = RequireSessionService<I>;

    fn layer(&self, inner: I) -> Self::Service {
        RequireSessionService {
            inner,
            auth: self.auth.clone(),
            on_missing: self.on_missing,
        }
    }
}

/// The [`Service`] that [`RequireSession`] wraps around the guarded routes.
#[derive(Clone)]
pub struct RequireSessionService<I> {
    inner: I,
    auth: Auth,
    on_missing: OnMissingSession,
}

impl<I: fmt::Debug> fmt::Debug for RequireSessionService<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequireSessionService")
            .field("inner", &self.inner)
            .field("on_missing", &self.on_missing)
            .finish_non_exhaustive()
    }
}

impl<I, B> Service<http::Request<B>> for RequireSessionService<I>
where
    I: Service<http::Request<B>> + Clone + Send + 'static,
    I::Response: IntoResponse,
    I::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = I::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, I::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // Call the instance that was polled ready, and leave a fresh clone in its place.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let auth = self.auth.clone();
        let on_missing = self.on_missing;
        Box::pin(async move {
            if request.extensions().get::<authrs_core::Session>().is_none() {
                match read_session(&auth, request.headers()).await {
                    Ok(Some(session)) => {
                        request.extensions_mut().insert(session);
                    }
                    Ok(None) => return Ok(answer_missing_session(&auth, on_missing, &request)),
                    Err(rejection) => return Ok(rejection.into_response()),
                }
            }
            inner.call(request).await.map(IntoResponse::into_response)
        })
    }
}

fn answer_missing_session<B>(
    auth: &Auth,
    on_missing: OnMissingSession,
    request: &http::Request<B>,
) -> Response {
    match on_missing {
        OnMissingSession::Unauthorized => crate::SessionRejection::Unauthorized.into_response(),
        OnMissingSession::RedirectToSignIn => {
            // Inside a nest, the request URI lacks the prefix; the original one has it.
            let uri = request
                .extensions()
                .get::<OriginalUri>()
                .map_or(request.uri(), |original| &original.0);
            redirect_to_sign_in(auth, request.headers(), uri)
        }
    }
}

fn redirect_to_sign_in(auth: &Auth, headers: &http::HeaderMap, uri: &Uri) -> Response {
    let callback_url = uri.path_and_query().map_or("/", |target| target.as_str());
    let location = auth.sign_in_url(headers, callback_url);
    let Ok(location) = HeaderValue::try_from(location) else {
        // The base URL was validated at startup and the rest is percent-encoded ASCII, so this
        // is unreachable in practice; answer rather than panic.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}
