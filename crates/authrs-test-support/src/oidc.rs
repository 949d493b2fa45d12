//! A real OpenID provider for tests: [`OidcProvider`] runs panva's `oidc-provider` (the npm
//! package, `tests/oidc-provider/server.mjs`) on `127.0.0.1`, on a port the OS picks, with the
//! clients and accounts a test gives it.
//!
//! Its interaction completes itself (no login form): it logs in as the account named by the
//! authorization request's `login_hint` (else the first account) and grants every scope and
//! claim requested. [`OidcProvider::authorize`] plays the browser: it follows the redirects
//! from an authorization URL, with a cookie jar and no JavaScript, to the redirect back to the
//! client, which it returns without requesting it.
//!
//! It needs `node` on the `PATH` and the npm packages of `tests/oidc-provider` (`npm ci
//! --prefix tests/oidc-provider` from the workspace root, which `scripts/test` runs). Without
//! them the test fails with a message saying so: it is never skipped.
//!
//! HTTP goes through a minimal HTTP/1.1 client over [`TcpStream`] ([`get`] and `authorize`):
//! plain `http`, loopback hosts only, one connection per request (`Connection: close`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::Command;
use url::Url;

use crate::process::{ServerProcess, start_server};
use crate::{cookie_header, store_set_cookie};

/// How many redirects [`OidcProvider::authorize`] follows before giving up.
const MAX_HOPS: usize = 20;
/// How long one request to the provider may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A client registered at the provider (a confidential client: it has a secret).
#[derive(Debug, Clone)]
pub struct OidcClient {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// The registered `redirect_uris` (exact match, as the provider compares them).
    pub redirect_uris: Vec<String>,
    /// How the client authenticates at the token endpoint: `"client_secret_basic"` or
    /// `"client_secret_post"`.
    pub token_endpoint_auth_method: String,
}

/// An account of the provider: who signs in, and the claims it releases about them.
#[derive(Debug, Clone)]
pub struct OidcAccount {
    /// The account id: the `sub` claim, and what `login_hint` names.
    pub id: String,
    /// The `email` claim.
    pub email: String,
    /// The `email_verified` claim.
    pub email_verified: bool,
    /// The `name` claim.
    pub name: String,
    /// The `picture` claim (absent when `None`).
    pub picture: Option<String>,
}

/// A running `oidc-provider` on loopback. Dropping it stops the server.
#[derive(Debug)]
pub struct OidcProvider {
    issuer: String,
    redirect_uris: Vec<String>,
    _server: ServerProcess,
}

impl OidcProvider {
    /// Starts a provider with these clients and accounts (at least one of each), waiting up to
    /// 20 seconds for it to listen.
    pub async fn start(clients: &[OidcClient], accounts: &[OidcAccount]) -> Self {
        let clients: Vec<Value> = clients
            .iter()
            .map(|client| {
                json!({
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                    "redirect_uris": client.redirect_uris,
                    "token_endpoint_auth_method": client.token_endpoint_auth_method,
                })
            })
            .collect();
        let accounts: serde_json::Map<String, Value> = accounts
            .iter()
            .map(|account| {
                let mut claims = json!({
                    "email": account.email,
                    "email_verified": account.email_verified,
                    "name": account.name,
                });
                if let Some(picture) = &account.picture {
                    claims["picture"] = json!(picture);
                }
                (account.id.clone(), claims)
            })
            .collect();
        Self::start_with_config(&json!({ "clients": clients, "accounts": accounts })).await
    }

    /// Starts a provider from the configuration JSON of `server.mjs` as it is:
    /// `{"clients": [<client metadata>], "accounts": {"<id>": {<claims>}}}`. The client
    /// metadata goes to oidc-provider unchanged, so it may set more than [`OidcClient`] has
    /// (for example `"id_token_signed_response_alg": "ES256"`).
    pub async fn start_with_config(config: &Value) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "{} is missing: run `npm ci --prefix tests/oidc-provider` in the workspace root \
             (scripts/test does) before these tests",
            dir.join("node_modules/oidc-provider").display(),
        );
        let redirect_uris = config["clients"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|client| client["redirect_uris"].as_array().into_iter().flatten())
            .filter_map(|uri| uri.as_str().map(str::to_owned))
            .collect();
        let (server, first) = start_server(
            Command::new("node")
                .arg("server.mjs")
                .arg(config.to_string())
                .current_dir(&dir),
            "`node` with the OpenID provider of the tests (tests/oidc-provider/server.mjs)",
            "install Node.js 20+ (scripts/test does) and run `npm ci --prefix tests/oidc-provider`",
        )
        .await;
        let issuer = first
            .as_deref()
            .and_then(|line| line.strip_prefix("ISSUER "))
            .map(str::to_owned)
            .unwrap_or_else(|| {
                panic!(
                    "the OpenID provider (tests/oidc-provider/server.mjs) did not start (its \
                     errors are above; are its npm packages installed? run `npm ci --prefix \
                     tests/oidc-provider`); it said {first:?}"
                )
            });
        Self {
            issuer,
            redirect_uris,
            _server: server,
        }
    }

    /// The issuer, `http://127.0.0.1:<port>` (its discovery document is at
    /// `<issuer>/.well-known/openid-configuration`).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// A whole sign-in through the engine's provider `provider_id` as this provider's account
    /// `login`: the engine's redirect here (to `callback_url` after), this provider's pages,
    /// and the callback back at the engine, whose answer it returns.
    pub async fn sign_in(
        &self,
        browser: &mut crate::EngineClient,
        provider_id: &str,
        login: &str,
        callback_url: &str,
    ) -> crate::Answer {
        let authorization_url = browser
            .start_oauth_sign_in(provider_id, &[("login_hint", login)], callback_url)
            .await;
        assert!(
            authorization_url.as_str().starts_with(self.issuer()),
            "{provider_id}: {authorization_url} is not at {}",
            self.issuer()
        );
        let back = Url::parse(&self.authorize(authorization_url.as_str()).await)
            .expect("the way back is a URL");
        let path = match back.query() {
            Some(query) => format!("{}?{query}", back.path()),
            None => back.path().to_owned(),
        };
        browser.get(&path).await
    }

    /// Follows an authorization URL like a browser with a cookie jar, without JavaScript,
    /// through the auto-consenting interaction, and returns the final redirect URL to the
    /// client (the first redirect whose URL starts with one of the registered redirect URIs),
    /// without requesting it. That URL carries `code`, `state` and `iss`, or `error` when the
    /// provider refused the request with a redirect.
    ///
    /// Panics with every hop when the way ends elsewhere (an error page, with its body; a
    /// redirect to a host that is not loopback; more than 20 redirects).
    pub async fn authorize(&self, authorization_url: &str) -> String {
        let mut current = Url::parse(authorization_url)
            .unwrap_or_else(|e| panic!("the authorization URL {authorization_url} ({e})"));
        let mut jar = CookieJar::default();
        let mut hops: Vec<String> = Vec::new();
        for _ in 0..MAX_HOPS {
            let response = match fetch(&current, jar.header()).await {
                Ok(response) => response,
                Err(e) => panic!(
                    "authorize: GET {current} failed: {e}\nhops so far:\n{}",
                    hops.join("\n")
                ),
            };
            jar.store(&response);
            hops.push(format!("GET {current} -> {}", response.status));
            if !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
                panic!(
                    "authorize: the authorization ended at {current} with status {} instead of \
                     a redirect to one of {:?}\nhops:\n{}\nbody:\n{}",
                    response.status,
                    self.redirect_uris,
                    hops.join("\n"),
                    response.body,
                );
            }
            let Some(location) = response.header("location") else {
                panic!(
                    "authorize: a {} without Location\nhops:\n{}\nbody:\n{}",
                    response.status,
                    hops.join("\n"),
                    response.body
                );
            };
            let next = current.join(location).unwrap_or_else(|e| {
                panic!(
                    "authorize: the Location {location:?} does not resolve ({e})\nhops:\n{}",
                    hops.join("\n")
                )
            });
            hops.push(format!("  Location: {location}"));
            // An absolute Location is returned as the provider wrote it.
            if self
                .redirect_uris
                .iter()
                .any(|uri| location.starts_with(uri))
            {
                return location.to_owned();
            }
            if self
                .redirect_uris
                .iter()
                .any(|uri| next.as_str().starts_with(uri))
            {
                return next.into();
            }
            current = next;
        }
        panic!(
            "authorize: more than {MAX_HOPS} redirects without reaching one of {:?}\nhops:\n{}",
            self.redirect_uris,
            hops.join("\n")
        );
    }
}

/// `GET url` (plain `http` on a loopback host, no cookies) and returns the status and the body
/// as text; panics when the request fails.
pub async fn get(url: &str) -> (u16, String) {
    let parsed = Url::parse(url).unwrap_or_else(|e| panic!("GET {url}: not a URL ({e})"));
    let response = fetch(&parsed, None)
        .await
        .unwrap_or_else(|e| panic!("GET {url} failed: {e}"));
    (response.status, response.body)
}

/// One HTTP response, as read by [`fetch`].
#[derive(Debug)]
struct HttpResponse {
    status: u16,
    /// Header names lowercased, in order (repeated headers stay separate).
    headers: Vec<(String, String)>,
    body: String,
}

impl HttpResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Cookies by name, as `Set-Cookie` left them (paths, domains and expiry other than deletion
/// are ignored: every request goes to the one provider).
#[derive(Debug, Default)]
struct CookieJar(BTreeMap<String, String>);

impl CookieJar {
    fn store(&mut self, response: &HttpResponse) {
        for (_, cookie) in response.headers.iter().filter(|(k, _)| k == "set-cookie") {
            store_set_cookie(&mut self.0, cookie);
        }
    }

    fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| cookie_header(&self.0))
    }
}

/// `GET url` over a fresh connection, with `cookie` as the `Cookie` header.
async fn fetch(url: &Url, cookie: Option<String>) -> Result<HttpResponse, String> {
    if url.scheme() != "http" {
        return Err(format!("only plain http is supported, not {url}"));
    }
    let host = url.host_str().ok_or_else(|| format!("{url} has no host"))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if !loopback {
        return Err(format!("{url} is not on a loopback host"));
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let connect_host = host.trim_start_matches('[').trim_end_matches(']');
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let mut request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: authrs-test-support\r\n\
         Accept: */*\r\nConnection: close\r\n"
    );
    if let Some(cookie) = cookie {
        request.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    request.push_str("\r\n");
    let exchange = async {
        let mut stream = TcpStream::connect((connect_host, port))
            .await
            .map_err(|e| format!("connect to {connect_host}:{port}: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("send the request: {e}"))?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("read the response: {e}"))?;
        Ok::<_, String>(raw)
    };
    let raw = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .map_err(|_| format!("no complete response within {REQUEST_TIMEOUT:?}"))??;
    parse_response(&raw)
}

/// Parses a whole HTTP/1.1 response (the connection was closed after it).
fn parse_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| {
            format!(
                "no end of headers in {:?}",
                String::from_utf8_lossy(raw)
                    .chars()
                    .take(500)
                    .collect::<String>()
            )
        })?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(name, value)| {
        name == "transfer-encoding" && value.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Ok(HttpResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Undoes `Transfer-Encoding: chunked`.
fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|window| window == b"\r\n")
            .ok_or("a chunk size line without CRLF")?;
        let size_line = String::from_utf8_lossy(&data[..line_end]);
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|e| format!("bad chunk size {size_hex:?}: {e}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = data.get(..size).ok_or("a chunk shorter than its size")?;
        body.extend_from_slice(chunk);
        data = data.get(size + 2..).ok_or("a chunk without its CRLF")?;
    }
}
