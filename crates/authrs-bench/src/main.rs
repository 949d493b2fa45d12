//! The practical ceiling for `GET /session` with a JWT: a bare axum handler that reads a cookie,
//! does one AES-256-GCM decrypt and one encrypt of a payload like a session token's, sets the
//! new cookie and answers with the plaintext as JSON. `bench/run.sh` loads it beside
//! `authrs serve` and reports the ratio.
//!
//! Usage: `authrs-bench-ceiling 127.0.0.1:0` prints `listening on http://ADDR` and the cookie
//! to send (`cookie: next-auth.session-token=...`).
#![forbid(unsafe_code)]

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// The same allocator as the `authrs` binary, so the comparison is between handlers only.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const HEADER_B64: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0";
const COOKIE: &str = "next-auth.session-token";

fn key() -> &'static Aes256Gcm {
    static KEY: std::sync::OnceLock<Aes256Gcm> = std::sync::OnceLock::new();
    KEY.get_or_init(|| Aes256Gcm::new(&[7u8; 32].into()))
}

fn seal(plain: &[u8]) -> String {
    let mut iv = [0u8; 12];
    getrandom::fill(&mut iv).expect("OS random");
    let mut buffer = plain.to_vec();
    let tag = key()
        .encrypt_inout_detached(
            &Nonce::from(iv),
            HEADER_B64.as_bytes(),
            buffer.as_mut_slice().into(),
        )
        .expect("encrypt");
    format!(
        "{HEADER_B64}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(&buffer),
        B64.encode(tag)
    )
}

fn open(token: &str) -> Option<Vec<u8>> {
    let mut parts = token.split('.');
    let (_, _, iv, ct, tag) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let iv: [u8; 12] = B64.decode(iv).ok()?.try_into().ok()?;
    let tag: [u8; 16] = B64.decode(tag).ok()?.try_into().ok()?;
    let mut buffer = B64.decode(ct).ok()?;
    key()
        .decrypt_inout_detached(
            &Nonce::from(iv),
            HEADER_B64.as_bytes(),
            buffer.as_mut_slice().into(),
            &Tag::from(tag),
        )
        .ok()?;
    Some(buffer)
}

async fn session(headers: HeaderMap) -> impl IntoResponse {
    let token = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|cookies| {
            cookies
                .split(';')
                .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        });
    let Some(plain) = token.and_then(open) else {
        return (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            HeaderMap::new(),
            b"{}".to_vec(),
        );
    };
    let fresh = seal(&plain);
    let mut set = HeaderMap::new();
    let cookie = format!(
        "{COOKIE}={fresh}; Path=/; Expires=Tue, 29 Dec 2026 01:22:39 GMT; HttpOnly; SameSite=Lax"
    );
    set.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie is ASCII"),
    );
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        set,
        plain,
    )
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let payload = br#"{"name":"Demo User","email":"demo@example.com","sub":"demo","iat":1800000000,"exp":1802592000,"jti":"0b7c1f4e-6a55-4c1e-9d7a-3f2b8c9d0e1f"}"#;
    println!(
        "listening on http://{}",
        listener.local_addr().expect("local address")
    );
    println!("cookie: {COOKIE}={}", seal(payload));
    let app = Router::new().route("/api/auth/session", get(session));
    axum::serve(listener, app).await.expect("serve");
}
