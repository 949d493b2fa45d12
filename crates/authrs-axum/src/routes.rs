//! The auth routes: every request below the base path goes to the engine with its full path and
//! a body read up to a fixed limit.

use std::net::SocketAddr;

use authrs_core::Auth;
use authrs_core::ratelimit::ClientAddress;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{ConnectInfo, OriginalUri, Request};
use axum::http::{self, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The largest request body the auth routes accept, in bytes (the engine's own limit, 64 KiB).
/// Anything larger is answered `413 Payload Too Large` without being read past this limit.
pub use authrs_core::MAX_BODY_BYTES;

/// The auth routes, to be nested at the auth base path.
///
/// Every method and every path below the nest point is handed to [`Auth::handle`], and its
/// response is returned unchanged. Nest it at the path of the configured URL, which
/// [`Auth::base_path`] returns:
///
/// ```
/// # fn build() -> Result<(), Box<dyn std::error::Error>> {
/// # let auth = authrs_core::Auth::builder()
/// #     .url("http://localhost:3000/api/auth")
/// #     .secret("0123456789abcdef0123456789abcdef")
/// #     .build()?;
/// let app: axum::Router = axum::Router::new()
///     .nest(auth.base_path(), authrs_axum::router(auth.clone()));
/// # Ok(()) }
/// ```
///
/// Inside a nest axum strips the prefix from the request URI; the router restores the full path
/// from [`OriginalUri`] (falling back to the request URI when it is absent), because the engine
/// routes on, and builds its URLs from, the full path. Nested anywhere else than the base path,
/// the engine answers `404`.
pub fn router<S>(auth: Auth) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let handler = move |mut request: Request| {
        let auth = auth.clone();
        if let Some(OriginalUri(uri)) = request.extensions().get::<OriginalUri>() {
            *request.uri_mut() = uri.clone();
        }
        async move { serve(&auth, request).await }
    };
    // `/` is the nest point itself (`/api/auth`), which the catch-all does not match.
    Router::new()
        .route("/", any(handler.clone()))
        .route("/{*rest}", any(handler))
}

/// The auth routes at their full paths (`/api/auth` and everything below it), to
/// [`merge`](Router::merge) into an app instead of nesting [`router`].
///
/// It serves the same requests as [`router`] nested at [`Auth::base_path`], without the URI
/// rewriting a nest does on every request; the `authrs` server uses it for that reason.
///
/// ```
/// # fn build() -> Result<(), Box<dyn std::error::Error>> {
/// # let auth = authrs_core::Auth::builder()
/// #     .url("http://localhost:3000/api/auth")
/// #     .secret("0123456789abcdef0123456789abcdef")
/// #     .build()?;
/// let app: axum::Router = axum::Router::new().merge(authrs_axum::routes(auth.clone()));
/// # Ok(()) }
/// ```
pub fn routes<S>(auth: Auth) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let base = auth.base_path().to_owned();
    let handler = move |request: Request| {
        let auth = auth.clone();
        async move { serve(&auth, request).await }
    };
    Router::new()
        .route(&base, any(handler.clone()))
        .route(&format!("{base}/{{*rest}}"), any(handler))
}

/// Hands one request, with its full path and the client's address, to the engine.
async fn serve(auth: &Auth, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    // The TCP peer, for the engine's rate limits and the network a new session records
    // (present when the app is served with `into_make_service_with_connect_info::<SocketAddr>()`).
    // The polled session read needs neither and skips the insert.
    let limited = !authrs_core::ratelimit::is_session_read(&parts.method, parts.uri.path());
    if let (true, Some(ConnectInfo(peer))) =
        (limited, parts.extensions.get::<ConnectInfo<SocketAddr>>())
    {
        let address = ClientAddress(peer.ip());
        parts.extensions.insert(address);
    }
    if declared_length(&parts.headers).is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return payload_too_large();
    }
    // Most auth requests (the polled `/session` above all) are GETs without a body.
    if body.is_end_stream() {
        return auth
            .handle(http::Request::from_parts(parts, Bytes::new()))
            .await
            .map(Body::from);
    }
    // The declared length may be absent (chunked) or wrong, so the limit also bounds the read.
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => return payload_too_large(),
        Err(error) => {
            tracing::debug!(%error, "reading an auth request body failed");
            return (StatusCode::BAD_REQUEST, "Could not read the request body.").into_response();
        }
    };
    auth.handle(http::Request::from_parts(parts, body))
        .await
        .map(Body::from)
}

/// The `Content-Length` of a request, when it has a valid one.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn payload_too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.").into_response()
}
