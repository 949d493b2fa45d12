//! `GET /metrics` in Prometheus's text format, off by default: on a listen address of its own
//! (`metrics.bind`, for a network only the scraper reaches), or on the main listener behind a
//! bearer token (`metrics.token`). The engine and the HTTP client count through the `metrics`
//! facade (`authrs_core`'s `telemetry` lists them); this module installs the Prometheus
//! recorder, adds the request counts and latency per endpoint, and renders.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use authrs_core::secret::Secret;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// The latency buckets, in seconds: from a cached session read to a slow provider.
const BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's one recorder (a recorder is global; a second server in one process shares
/// it). A lock, not a once-cell, so that checking and installing are one step.
static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// How often histogram samples are folded into their buckets between scrapes, so that memory
/// does not grow with requests while nobody scrapes.
pub const UPKEEP: Duration = Duration::from_secs(5);

/// The rendering side of the recorder, and the token the main listener asks for.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    token: Option<Arc<Secret>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("token", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// Installs the Prometheus recorder (once per process) for a server whose `/metrics` asks
    /// for `token` (none: only the listener of its own serves it).
    ///
    /// # Errors
    /// When another recorder was installed in this process by something else.
    pub fn install(token: Option<Secret>) -> Result<Self, String> {
        let mut installed = HANDLE.lock().unwrap_or_else(|e| e.into_inner());
        let handle = match &*installed {
            Some(handle) => handle.clone(),
            None => {
                let recorder = PrometheusBuilder::new()
                    .set_buckets_for_metric(
                        Matcher::Full("authrs_http_request_duration_seconds".into()),
                        BUCKETS,
                    )
                    .map_err(|e| format!("metrics: {e}"))?
                    .build_recorder();
                let handle = recorder.handle();
                metrics::set_global_recorder(recorder)
                    .map_err(|e| format!("metrics: another recorder is installed: {e}"))?;
                installed.insert(handle).clone()
            }
        };
        drop(installed);
        Ok(Self {
            handle,
            token: token.map(Arc::new),
        })
    }

    /// The text the scraper gets.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Folds histogram samples every [`UPKEEP`] until the task is aborted.
    pub fn spawn_upkeep(&self) -> tokio::task::JoinHandle<()> {
        let handle = self.handle.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        })
    }
}

fn text(body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /metrics` on the main listener: the bearer token, compared in constant time, or 401.
pub async fn with_token(State(metrics): State<Metrics>, headers: HeaderMap) -> Response {
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map_or("", |(_, token)| token.trim());
    let allowed = metrics.token.as_ref().is_some_and(|token| {
        authrs_core::secret::constant_time_eq(token.expose().as_bytes(), given.as_bytes())
    });
    if !allowed {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        response
            .headers_mut()
            .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    text(metrics.render())
}

/// `GET /metrics` on the listener of its own.
pub async fn open(State(metrics): State<Metrics>) -> Response {
    text(metrics.render())
}

/// The endpoint a path is, as a label: the auth route's name under `base` (an unknown one is
/// `other`), `healthz`, `metrics`, or `app` for everything else. A small, fixed set, whatever
/// the client asks for.
pub(crate) fn endpoint(base: &str, path: &str) -> &'static str {
    const ROUTES: [&str; 10] = [
        "session",
        "csrf",
        "providers",
        "signin",
        "callback",
        "signout",
        "verify-request",
        "error",
        "_log",
        "account",
    ];
    let under = match base {
        "/" => path.strip_prefix('/'),
        base => path
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('/')),
    };
    if let Some(rest) = under {
        let first = rest.split('/').next().unwrap_or_default();
        if let Some(route) = ROUTES.iter().find(|route| **route == first) {
            return route;
        }
        if base != "/" {
            return "other";
        }
    }
    match path {
        "/healthz" => "healthz",
        "/metrics" => "metrics",
        _ => "app",
    }
}

/// Counts each request and its time per endpoint and status class.
pub(crate) async fn measure(
    State(base): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let endpoint = endpoint(&base, request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::histogram!("authrs_http_request_duration_seconds", "endpoint" => endpoint)
        .record(started.elapsed().as_secs_f64());
    metrics::counter!("authrs_http_requests_total", "endpoint" => endpoint, "status" => status)
        .increment(1);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_a_fixed_set() {
        let base = "/api/auth";
        assert_eq!(endpoint(base, "/api/auth/session"), "session");
        assert_eq!(endpoint(base, "/api/auth/callback/github"), "callback");
        assert_eq!(endpoint(base, "/api/auth/account/sessions"), "account");
        assert_eq!(endpoint(base, "/api/auth/anything-at-all"), "other");
        assert_eq!(endpoint(base, "/api/authx"), "app");
        assert_eq!(endpoint(base, "/healthz"), "healthz");
        assert_eq!(endpoint(base, "/random/path/42"), "app");
        assert_eq!(endpoint("/", "/session"), "session");
        assert_eq!(endpoint("/", "/index.html"), "app");
    }
}
