//! The connection loop the server runs (in place of `axum::serve`): every connection and every
//! request is bounded in number, size and time, and shutdown is graceful and bounded too.
//!
//! Rules:
//! 1. At most `server.max_connections` connections are served at once. Past the cap a
//!    connection is answered `503 Service Unavailable` with `Retry-After` and closed, without
//!    reading its request (a few refusals at a time; beyond that the socket is just closed).
//! 2. A request head (request line and headers) must arrive within `server.header_timeout` of
//!    the connection being ready for it: an idle keep-alive connection and a client that sends
//!    part of a head and stops (slowloris) are both closed when it is over. Nothing is
//!    answered then: for an idle connection any answer would be to no request.
//! 3. A request head larger than `server.max_header_bytes` is answered
//!    `431 Request Header Fields Too Large` and the connection closed; hyper never buffers more.
//! 4. A request body must be complete within `server.body_timeout` of its head. A handler that
//!    is still reading it then sees an error, and the answer becomes
//!    `408 Request Timeout` with `Connection: close`. Bodiless requests (the polled `/session`)
//!    carry no timer.
//! 5. A panic in a handler answers that one request with a generic `500` (no panic text) and
//!    the connection and the process carry on.
//! 6. On the first shutdown signal the listener closes and every answer from then on carries
//!    `Connection: close`. For a short drain ([`DRAIN`], within the grace period) keep-alive
//!    connections are still read, so a request a client sent as the signal came is answered
//!    (with `close`) rather than lost to a socket closed under it; then idle connections close
//!    cleanly, and requests already read are answered for up to `server.shutdown_grace`; what
//!    is still open then is dropped. A second signal drops them at once.
//! 7. Each connection's peer address goes to the engine's per-client rate limits
//!    ([`ClientAddress`]) on the requests that can hit one (not GET or HEAD).
//!
//! Deployment: keep `max_connections` below the process's file descriptor limit (`ulimit -n`),
//! less what the database pool and log files use, so that the cap, not `accept` failing, is
//! what refuses connections.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use authrs_core::ratelimit::ClientAddress;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::IntoResponse;
use futures_util::FutureExt as _;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::config::ServerSettings;

/// The answer past the connection cap. Places free up as soon as any connection closes, so a
/// client may retry after a second.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\n\r\n\
Server is too busy.\n";

/// How many connections past the cap are being answered [`BUSY`] at once; beyond this they are
/// closed unanswered, so a flood costs no more than this many tasks.
const MAX_REFUSALS_IN_FLIGHT: usize = 64;

/// After a shutdown signal, how long keep-alive connections are still read (rule 6): long
/// enough for a request already on its way to arrive, short next to any grace period.
const DRAIN: Duration = Duration::from_millis(500);

/// How long a refused connection may take to receive [`BUSY`].
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then shuts down
/// gracefully (rule 6); `force` (the second signal) cuts the grace period short. Returns once
/// no connection is left.
pub async fn serve_router(
    listener: TcpListener,
    router: Router,
    limits: ServerSettings,
    shutdown: impl Future<Output = ()> + Send,
    force: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    // Set at the first signal: every answer from then on closes its connection (rule 6).
    let closing = Arc::new(AtomicBool::new(false));
    let mut http = http1::Builder::new();
    let max_header_bytes = usize::try_from(limits.max_header_bytes).unwrap_or(usize::MAX);
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(max_header_bytes)
        // hyper's smallest buffer is 8 KiB; the setting's range starts there.
        .max_buf_size(max_header_bytes.max(8192));
    let places = Arc::new(Semaphore::new(
        usize::try_from(limits.max_connections).unwrap_or(usize::MAX),
    ));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS_IN_FLIGHT));
    let graceful = GracefulShutdown::new();
    // Connections still open after the grace period are dropped through this.
    let (drop_all, dropped) = watch::channel(false);

    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(place) = Arc::clone(&places).try_acquire_owned() else {
            refuse(stream, &refusals);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(per_connection(
            router.clone(),
            peer.ip(),
            limits.body_timeout,
            Arc::clone(&closing),
        ));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let mut dropped = dropped.clone();
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                },
                _ = dropped.wait_for(|dropped| *dropped) => {}
            }
            drop(place);
        });
    }
    // No new connections: those still in the listen queue are refused by the kernel.
    drop(listener);
    closing.store(true, Ordering::Relaxed);
    tokio::pin!(force);
    let drain = DRAIN.min(limits.shutdown_grace);
    let started = tokio::time::Instant::now();
    if graceful.count() > 0 {
        tokio::select! {
            () = tokio::time::sleep(drain) => {}
            () = &mut force => {
                let open = open_connections(&places, limits.max_connections);
                tracing::warn!("second signal: dropped {open} connection{}", plural(open));
                let _ = drop_all.send(true);
                let _ = places.acquire_many(limits.max_connections).await;
                return Ok(());
            }
        }
    }

    let open = graceful.count();
    if open > 0 {
        tracing::info!(
            "finishing {open} open connection{} (grace period {:?})",
            plural(open),
            limits.shutdown_grace
        );
    }
    tokio::select! {
        () = graceful.shutdown() => return Ok(()),
        () = tokio::time::sleep(limits.shutdown_grace.saturating_sub(started.elapsed())) => {
            let open = open_connections(&places, limits.max_connections);
            tracing::warn!("the grace period is over: dropped {open} connection{}", plural(open));
        }
        () = &mut force => {
            let open = open_connections(&places, limits.max_connections);
            tracing::warn!("second signal: dropped {open} connection{}", plural(open));
        }
    }
    let _ = drop_all.send(true);
    // Each connection task ends at its next poll; wait for them to let their sockets go.
    let _ = places.acquire_many(limits.max_connections).await;
    Ok(())
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Connections holding a place.
fn open_connections(places: &Semaphore, max: u32) -> usize {
    usize::try_from(max)
        .unwrap_or(usize::MAX)
        .saturating_sub(places.available_permits())
}

/// An `accept` failure. Per-connection errors (the client reset before we accepted) are
/// skipped; others (out of file descriptors) get a short pause so the loop does not spin.
async fn accept_failed(error: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(%error, "accepting a connection failed; pausing for 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Answers a connection past the cap with [`BUSY`] (rule 1).
fn refuse(mut stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(refusal) = Arc::clone(refusals).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _refusal = refusal;
        let _ = tokio::time::timeout(REFUSAL_TIMEOUT, async {
            stream.write_all(BUSY).await?;
            stream.shutdown().await?;
            // Read what the client sends until it closes: closing with unread data would reset
            // the connection, and the client could lose the answer.
            let mut sink = [0u8; 1024];
            while stream.read(&mut sink).await? > 0 {}
            io::Result::Ok(())
        })
        .await;
    });
}

/// The service for one connection: the client address (rule 7), the body deadline (rule 4)
/// and, once shutdown has begun, `Connection: close` (rule 6) around the router.
fn per_connection(
    router: Router,
    peer: IpAddr,
    body_timeout: Duration,
    closing: Arc<AtomicBool>,
) -> impl tower::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    tower::service_fn(move |mut request: Request<Incoming>| {
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            request.extensions_mut().insert(ClientAddress(peer));
        }
        let router = router.clone();
        let closing = Arc::clone(&closing);
        async move {
            let mut response = if request.body().is_end_stream() {
                call_guarded(router, request).await
            } else {
                let expired = Arc::new(AtomicBool::new(false));
                let request =
                    request.map(|body| DeadlineBody::new(body, body_timeout, Arc::clone(&expired)));
                let response = call_guarded(router, request).await;
                if expired.load(Ordering::Relaxed) {
                    return Ok(body_timed_out());
                }
                response
            };
            if closing.load(Ordering::Relaxed) {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(response)
        }
    })
}

/// Calls the router; a panic in it (a handler, an app callback) answers this one request with
/// a generic `500` (rule 5), and the unwind stops here, so the connection and the process carry
/// on.
async fn call_guarded<B>(router: Router, request: Request<B>) -> axum::response::Response
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    match std::panic::AssertUnwindSafe(router.oneshot(request))
        .catch_unwind()
        .await
    {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(panic) => answer_panic(panic),
    }
}

/// `408 Request Timeout`, closing the connection (the rest of the body is never read).
fn body_timed_out() -> axum::response::Response {
    let mut response = (
        StatusCode::REQUEST_TIMEOUT,
        "The request body took too long.\n",
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The generic answer to a panic (rule 5): nothing of the panic reaches the client. Its
/// message is on stderr through the panic hook.
fn answer_panic(_panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("a request handler panicked; answered 500");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Internal Server Error\n",
    )
        .into_response()
}

/// The body did not arrive within the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the body timeout")]
struct BodyTimeout;

/// A request body that fails once its deadline has passed, noting that it did.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    expired: Arc<AtomicBool>,
}

impl DeadlineBody {
    fn new(inner: Incoming, timeout: Duration, expired: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            expired,
        }
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            this.expired.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(BodyTimeout.into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
