//! The connection loop the server runs (in place of `axum::serve`): every connection and every
//! request is bounded in number, size and time, and shutdown is graceful and bounded too.
//!
//! Rules:
//! 1. At most `server.max_connections` connections are served at once, and at most
//!    `server.max_connections_per_client` to one client network (an IPv4 address, an IPv6
//!    /64; [`PerClient`]). Past either cap a connection is answered `503 Service Unavailable`
//!    with `Retry-After` and closed, without reading its request (a few refusals at a time;
//!    beyond that the socket is just closed).
//! 2. A request head (request line and headers) must arrive within `server.header_timeout` of
//!    the connection being ready for it (accepted, or done with its last answer): an idle
//!    keep-alive connection and a client that sends part of a head and stops, or trickles it
//!    (slowloris), are both closed when it is over. Nothing is answered then: for an idle
//!    connection any answer would be to no request. An answer that the client takes none of
//!    for `server.send_timeout` (a slow reader holding the connection) is cut off the same
//!    way. Both are one deadline per connection ([`Guarded`]), moved as the connection makes
//!    progress, not a timer per request.
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
//! 7. Each connection's peer address goes to the engine ([`ClientAddress`]: per-client rate
//!    limits, and the network a new session records) on every request but the polled session
//!    read (`GET` or `HEAD` of `…/session`).
//!
//! Deployment: keep `max_connections` below the process's file descriptor limit (`ulimit -n`),
//! less what the database pool and log files use, so that the cap, not `accept` failing, is
//! what refuses connections.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv6Addr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use authrs_core::ratelimit::ClientAddress;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::IntoResponse;
use futures_util::FutureExt as _;
use hyper::body::{Body as HttpBody, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
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

/// The answer past the per-client cap.
const BUSY_FOR_CLIENT: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Length: 39\r\nConnection: close\r\n\r\n\
Too many connections from one address.\n";

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
    // (No hyper timer: the header deadline is the connection's own, in `Guarded`.)
    http.max_header_size(max_header_bytes)
        // hyper's smallest buffer is 8 KiB; the setting's range starts there.
        .max_buf_size(max_header_bytes.max(8192));
    let places = Arc::new(Semaphore::new(
        usize::try_from(limits.max_connections).unwrap_or(usize::MAX),
    ));
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS_IN_FLIGHT));
    let per_client = Arc::new(PerClient::new(limits.max_connections_per_client));
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
            refuse(stream, BUSY, &refusals);
            continue;
        };
        let Some(client_place) = PerClient::enter(&per_client, peer.ip()) else {
            refuse(stream, BUSY_FOR_CLIENT, &refusals);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let requests = Arc::new(Requests::default());
        let service = per_connection(
            router.clone(),
            peer.ip(),
            limits.body_timeout,
            Arc::clone(&closing),
            Arc::clone(&requests),
        );
        let stream = Guarded::new(stream, requests, limits.header_timeout, limits.send_timeout);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let mut dropped = dropped.clone();
        tokio::spawn(async move {
            tokio::select! {
                result = connection => if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                },
                _ = dropped.wait_for(|dropped| *dropped) => {}
            }
            drop(client_place);
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

/// Answers a connection past a cap with `answer` ([`BUSY`] or [`BUSY_FOR_CLIENT`], rule 1).
fn refuse(mut stream: TcpStream, answer: &'static [u8], refusals: &Arc<Semaphore>) {
    let Ok(refusal) = Arc::clone(refusals).try_acquire_owned() else {
        return;
    };
    tokio::spawn(async move {
        let _refusal = refusal;
        let _ = tokio::time::timeout(REFUSAL_TIMEOUT, async {
            stream.write_all(answer).await?;
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

/// Open connections per client network (rule 1). An entry exists only while its network has
/// a connection open, so there are never more than `server.max_connections` of them.
struct PerClient {
    max: u32,
    open: Mutex<HashMap<IpAddr, u32>>,
}

/// A connection's place in its network's count; given back on drop.
struct ClientPlace {
    per_client: Arc<PerClient>,
    network: IpAddr,
}

impl PerClient {
    /// A cap of `max` connections per network; 0 is no cap.
    fn new(max: u32) -> Self {
        Self {
            max,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// A place for a connection from `peer`: `Some` (`None` inside it when there is no cap),
    /// or `None` when its network has `max` open.
    fn enter(this: &Arc<Self>, peer: IpAddr) -> Option<Option<ClientPlace>> {
        if this.max == 0 {
            return Some(None);
        }
        let network = network_of(peer);
        let mut open = this.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(network).or_insert(0);
        if *count >= this.max {
            return None;
        }
        *count += 1;
        Some(Some(ClientPlace {
            per_client: Arc::clone(this),
            network,
        }))
    }
}

impl Drop for ClientPlace {
    fn drop(&mut self) {
        let mut open = (self.per_client.open.lock()).unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.network) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.network);
            }
        }
    }
}

/// The network a peer is counted under: its IPv4 address (also when written IPv4-mapped), or
/// its IPv6 /64, inside which a host may pick any address.
fn network_of(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V4(_) => peer,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

/// The service for one connection: the client address (rule 7), the body deadline (rule 4)
/// and, once shutdown has begun, `Connection: close` (rule 6) around the router. It counts
/// the requests it is given and answers in `requests`, for the connection's deadline (rule 2).
fn per_connection(
    router: Router,
    peer: IpAddr,
    body_timeout: Duration,
    closing: Arc<AtomicBool>,
    requests: Arc<Requests>,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> {
    // hyper's own `service_fn`: hyper calls it as soon as a head is parsed, so `started`
    // counts the request from then (a tower service would be called on its first poll).
    hyper::service::service_fn(move |mut request: Request<Incoming>| {
        if !authrs_core::ratelimit::is_session_read(request.method(), request.uri().path()) {
            request.extensions_mut().insert(ClientAddress(peer));
        }
        let router = router.clone();
        let closing = Arc::clone(&closing);
        let requests = Arc::clone(&requests);
        requests.started.fetch_add(1, Ordering::Relaxed);
        async move {
            let mut response = if request.body().is_end_stream() {
                call_guarded(router, request).await
            } else {
                let expired = Arc::new(AtomicBool::new(false));
                let request =
                    request.map(|body| DeadlineBody::new(body, body_timeout, Arc::clone(&expired)));
                let response = call_guarded(router, request).await;
                if expired.load(Ordering::Relaxed) {
                    requests.answered.fetch_add(1, Ordering::Relaxed);
                    return Ok(body_timed_out());
                }
                response
            };
            requests.answered.fetch_add(1, Ordering::Relaxed);
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

/// Requests one connection's service was given, and those it has answered (its response is
/// ready to be written). Written by the service, read by [`Guarded`]; both run in the
/// connection's one task.
#[derive(Default)]
struct Requests {
    started: AtomicU32,
    answered: AtomicU32,
}

impl Requests {
    /// Whether a request is being served: its head has arrived and its answer is not ready.
    fn in_flight(&self) -> bool {
        self.started.load(Ordering::Relaxed) != self.answered.load(Ordering::Relaxed)
    }
}

/// A connection's socket with its deadline (rule 2): one timer per connection.
///
/// - While no request is in flight, a read that would wait fails once `header_timeout` has
///   passed since the connection became ready for a head: accepted, or the client took the
///   last bytes of an answer (for a 408 or other answer whose bytes went out earlier, when
///   the connection next looks). Trickled bytes of a head do not move it. From a parsed head
///   until its answer is ready, reads are the body's, bounded by the body deadline (rule 4),
///   or hyper's watch for a closed connection, and are not cut.
/// - A write that would wait fails once `send_timeout` has passed since the client last took
///   any bytes; while a write waits, so does a read (hyper reads while it writes, to see a
///   closed connection), so a download paused for longer than the header timeout is not cut.
///
/// The timer is set from the last progress after every write ([`Guarded::arm`]: moving a
/// registered timer later is one atomic exchange) and checked when a read or write would
/// wait; a timer that fires early (its deadline was set for the shorter of the two waits) is
/// set again to what the current wait allows. So a request costs no timer registration,
/// unlike hyper's own header timeout (a timer allocated, registered and removed per request).
struct Guarded {
    io: TcpStream,
    requests: Arc<Requests>,
    header_timeout: Duration,
    send_timeout: Duration,
    /// When the connection last made progress: accepted, bytes of an answer taken, or (seen
    /// by a read) an answer ready.
    progress: Instant,
    /// `requests.answered` when `progress` was last set from it.
    answered: u32,
    /// Whether the last write waited for the client: it is taking an answer, not sending a
    /// head, so a read that waits meanwhile is held to `send_timeout`.
    sending: bool,
    timer: Pin<Box<Sleep>>,
}

impl Guarded {
    fn new(
        io: TcpStream,
        requests: Arc<Requests>,
        header_timeout: Duration,
        send_timeout: Duration,
    ) -> Self {
        let now = Instant::now();
        Self {
            io,
            requests,
            header_timeout,
            send_timeout,
            progress: now,
            answered: 0,
            sending: false,
            timer: Box::pin(tokio::time::sleep_until(
                now + header_timeout.min(send_timeout),
            )),
        }
    }

    /// Sets the timer for the shorter of the two waits from `progress` and registers it to
    /// wake this task. Done after every write, because after an answer hyper may not read
    /// again until the client sends something: without this a timer that fired while a
    /// request was in flight (when reads are not checked) would leave the connection with no
    /// deadline. Moving a registered timer later costs one atomic exchange.
    fn arm(&mut self, cx: &mut Context<'_>) {
        let due = self.progress + self.header_timeout.min(self.send_timeout);
        self.timer.as_mut().reset(due);
        // `due` is ahead, so this registers the waker and is pending.
        let _ = self.timer.as_mut().poll(cx);
    }

    /// Called when a read or a write would wait: `Err(TimedOut)` if the connection is overdue
    /// for `timeout`, else `Ok` with the timer set to wake the task by the time it may be.
    fn check(&mut self, cx: &mut Context<'_>, timeout: Duration) -> io::Result<()> {
        let answered = self.requests.answered.load(Ordering::Relaxed);
        if answered != self.answered {
            // A request was answered since the last look: the wait for the next head (or for
            // the client to take the answer) starts now.
            self.answered = answered;
            self.progress = Instant::now();
        }
        let due = self.progress + timeout;
        if self.timer.deadline() > due {
            // Set for a longer wait (a send) than this one (a head): bring it forward.
            self.timer.as_mut().reset(due);
        }
        while self.timer.as_mut().poll(cx).is_ready() {
            if Instant::now() >= due {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client sent no request head, or took no answer, in time",
                ));
            }
            self.timer.as_mut().reset(due);
        }
        Ok(())
    }

    /// After a write: progress if the client took bytes (and the timer set from it), the send
    /// wait checked if it would wait.
    fn wrote(&mut self, written: &Poll<io::Result<usize>>, cx: &mut Context<'_>) -> io::Result<()> {
        match written {
            Poll::Ready(Ok(n)) if *n > 0 => {
                // Bytes of an answer are only written once it is ready: the answers counted
                // so far need no later look, and the waits from here run from now.
                self.answered = self.requests.answered.load(Ordering::Relaxed);
                self.progress = Instant::now();
                self.sending = false;
                self.arm(cx);
                Ok(())
            }
            Poll::Pending => {
                self.sending = true;
                self.check(cx, self.send_timeout)
            }
            Poll::Ready(_) => Ok(()),
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let read = Pin::new(&mut this.io).poll_read(cx, buf);
        if read.is_pending() && !this.requests.in_flight() {
            let timeout = if this.sending {
                this.send_timeout
            } else {
                this.header_timeout
            };
            this.check(cx, timeout)?;
        }
        read
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write(cx, buf);
        this.wrote(&written, cx)?;
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.wrote(&written, cx)?;
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_announce_their_body_length() {
        for answer in [BUSY, BUSY_FOR_CLIENT] {
            let text = std::str::from_utf8(answer).unwrap();
            let (head, body) = text.split_once("\r\n\r\n").unwrap();
            assert!(
                head.contains(&format!("\r\nContent-Length: {}\r\n", body.len())),
                "{text}"
            );
        }
    }

    #[test]
    fn clients_are_counted_by_ipv4_address_and_ipv6_64() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(network_of(ip("192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(network_of(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(network_of(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(
            network_of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            ip("2001:db8:1:2::")
        );
        assert_ne!(network_of(ip("2001:db8:1:3::1")), ip("2001:db8:1:2::"));
    }

    #[test]
    fn a_network_gets_its_places_back_and_leaves_no_entry() {
        let per_client = Arc::new(PerClient::new(2));
        let a = "2001:db8::1".parse().unwrap();
        let b = "2001:db8::2".parse().unwrap();
        let first = PerClient::enter(&per_client, a).unwrap();
        let second = PerClient::enter(&per_client, b).unwrap();
        assert!(
            PerClient::enter(&per_client, a).is_none(),
            "a third from one /64"
        );
        assert!(PerClient::enter(&per_client, "192.0.2.1".parse().unwrap()).is_some());
        drop(first);
        let third = PerClient::enter(&per_client, a).unwrap();
        drop((second, third));
        assert!(per_client.open.lock().unwrap().is_empty());
        // No cap: no counting at all.
        let off = Arc::new(PerClient::new(0));
        assert!(matches!(PerClient::enter(&off, a), Some(None)));
        assert!(off.open.lock().unwrap().is_empty());
    }
}
