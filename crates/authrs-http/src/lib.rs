//! The outbound HTTP client of authrs: [`ReqwestClient`] implements
//! [`authrs_core::http::HttpClient`], the one trait the engine reaches OAuth and OpenID Connect
//! providers through.
//!
//! Rules (those of [`authrs_core::http`]):
//! 1. Redirects are never followed: a provider endpoint that answers 3xx is handed back as it
//!    is, and the engine treats it as an error (no SSRF through a redirect).
//! 2. Connecting takes at most [`CONNECT_TIMEOUT`], a whole request at most
//!    [`REQUEST_TIMEOUT`], and a response body at most [`MAX_RESPONSE_BYTES`].
//! 3. TLS is rustls with Mozilla's roots; `http://` is allowed (loopback providers in tests
//!    and development), which the provider configuration decides.
//!
//! ```no_run
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! let auth = authrs_core::Auth::builder()
//!     .secret("0123456789abcdef0123456789abcdef")
//!     .http_client(Arc::new(authrs_http::ReqwestClient::new()?))
//!     .build()?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

use std::time::Duration;

use authrs_core::http::{HttpClient, HttpError};
use bytes::{Bytes, BytesMut};

/// Longest time to establish a connection (TCP and TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest time for a whole request, response body included (the default; see
/// [`ReqwestClient::with_timeout`]).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body accepted, in bytes.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// An [`HttpClient`] on reqwest (see the [crate docs](crate) for its rules). Cheap to clone.
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

impl ReqwestClient {
    /// A client with the crate's timeouts, no redirects and no cookies.
    pub fn new() -> Result<Self, HttpError> {
        Self::with_timeout(REQUEST_TIMEOUT)
    }

    /// [`Self::new`] with another deadline for a whole request (discovery, JWKS, token,
    /// userinfo), response body included; connecting is bounded by the shorter of it and
    /// [`CONNECT_TIMEOUT`]. Past it the sign-in fails with the protocol's error.
    pub fn with_timeout(timeout: Duration) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout)
            .user_agent("authrs")
            .build()
            .map_err(|e| HttpError(format!("building the HTTP client failed: {e}")))?;
        Ok(Self { client })
    }
}

#[async_trait::async_trait]
impl HttpClient for ReqwestClient {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        // The host names a configured provider's endpoint: a small set of label values. (An
        // embedder sending this client anywhere it likes makes as many as it sends to.)
        let target = request.uri().host().unwrap_or("-").to_owned();
        let answer = self.fetch(request).await;
        let outcome = match &answer {
            Ok(response) if response.status().is_success() => "ok",
            Ok(response) if response.status().is_client_error() => "client_error",
            Ok(_) => "other_status",
            Err(_) => "failed",
        };
        metrics::counter!(
            "authrs_outbound_requests_total",
            "target" => target,
            "outcome" => outcome,
        )
        .increment(1);
        answer
    }
}

impl ReqwestClient {
    /// One request, its whole body collected (up to the cap).
    async fn fetch(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let failed = |e: reqwest::Error| HttpError(format!("{} {url}: {e}", parts.method));
        let mut response = self
            .client
            .request(parts.method.clone(), &url)
            .headers(parts.headers.clone())
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut collected = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if collected.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(HttpError(format!(
                    "{} {url}: the response is larger than {MAX_RESPONSE_BYTES} bytes",
                    parts.method
                )));
            }
            collected.extend_from_slice(&chunk);
        }
        builder
            .body(collected.freeze())
            .map_err(|e| HttpError(format!("{} {url}: {e}", parts.method)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A one-shot server on 127.0.0.1 that answers every connection with `response`.
    fn serve(response: &'static [u8]) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer);
                let _ = stream.write_all(response);
            }
        });
        format!("http://{addr}/")
    }

    #[tokio::test]
    async fn redirects_are_returned_not_followed() {
        let url = serve(b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        let client = ReqwestClient::new().unwrap();
        let response = client
            .send(http::Request::get(&url).body(Bytes::new()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], "http://169.254.169.254/");
    }

    #[tokio::test]
    async fn bodies_come_back_and_oversized_ones_fail() {
        let url = serve(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
        let client = ReqwestClient::new().unwrap();
        let response = client
            .send(http::Request::get(&url).body(Bytes::new()).unwrap())
            .await
            .unwrap();
        assert_eq!(&response.body()[..], b"{\"ok\":true}");

        let mut big = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
        big.extend(std::iter::repeat_n(b'x', MAX_RESPONSE_BYTES + 10));
        let url = serve(Box::leak(big.into_boxed_slice()));
        let error = client
            .send(http::Request::get(&url).body(Bytes::new()).unwrap())
            .await
            .unwrap_err();
        assert!(error.0.contains("larger than"), "{error}");
    }
}
