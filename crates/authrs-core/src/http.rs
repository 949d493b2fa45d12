//! Outbound HTTP, behind one small trait ([`HttpClient`]) so the engine knows no HTTP client
//! crate and tests can answer with a closure. `authrs-http` has the production implementation
//! (reqwest: redirects off, timeouts, a response size cap).
//!
//! Rules for implementations:
//! 1. Never follow redirects: a provider endpoint that redirects is an error (SSRF).
//! 2. Bound every request in time, and every response body in size.
//! 3. An error's text is for the log only; it may name the URL, never a secret.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;

/// A failed request: no response (connect, TLS, timeout, size limit).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(pub String);

/// Sends one HTTP request and returns the response, whatever its status.
#[async_trait]
pub trait HttpClient: Send + Sync + 'static {
    /// Sends `request`.
    async fn send(&self, request: http::Request<Bytes>)
    -> Result<http::Response<Bytes>, HttpError>;
}

/// An [`HttpClient`] from a closure, for tests.
pub struct HttpFn<F>(pub F);

impl<F> fmt::Debug for HttpFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HttpFn")
    }
}

#[async_trait]
impl<F> HttpClient for HttpFn<F>
where
    F: Fn(http::Request<Bytes>) -> Result<http::Response<Bytes>, HttpError> + Send + Sync + 'static,
{
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        (self.0)(request)
    }
}

/// The engine's shared client.
pub(crate) type SharedHttp = Arc<dyn HttpClient>;
