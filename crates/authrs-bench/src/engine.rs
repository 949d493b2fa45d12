//! In-process cost of the engine's hot paths, without HTTP: `GET /session` with a JWT cookie,
//! repeated. Prints nanoseconds per request. Used to find where `/session` spends its time;
//! `bench/run.sh` is the benchmark of record.
#![forbid(unsafe_code)]

use std::time::Instant;

use authrs_core::Auth;
use authrs_core::clock::{Clock, SystemClock};
use authrs_core::jwt::{Claims, TokenCodec, TokenFormat};
use authrs_core::secret::Secret;

/// The allocator of the `authrs` binary.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const SECRET: &str = "bench-secret-0123456789abcdef0123456789";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let auth = Auth::builder()
        .secret(SECRET)
        .build()
        .expect("valid configuration");
    let codec = TokenCodec::new(TokenFormat::V4, &[Secret::new(SECRET)], "");
    let mut claims: Claims =
        serde_json::json!({"name": "Demo User", "email": "demo@example.com", "sub": "demo"})
            .as_object()
            .expect("object")
            .clone();
    let token = codec.encode(&mut claims, SystemClock.now_secs(), 3600);
    let cookie = format!(
        "next-auth.session-token={token}; next-auth.csrf-token=x; next-auth.callback-url=http%3A%2F%2Flocalhost%3A3000"
    );
    let request = || {
        http::Request::get("http://localhost:3000/api/auth/session")
            .header(http::header::COOKIE, &cookie)
            .body(bytes::Bytes::new())
            .expect("request")
    };
    let check = auth.handle(request()).await;
    assert!(check.body().starts_with(b"{\"user\""), "{:?}", check.body());
    let start = Instant::now();
    for _ in 0..iterations {
        std::hint::black_box(auth.handle(request()).await);
    }
    let elapsed = start.elapsed();
    println!(
        "GET /session (JWT): {:.0} ns/request over {iterations}",
        elapsed.as_nanos() as f64 / f64::from(iterations)
    );
}
