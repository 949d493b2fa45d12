//! Helpers for the integration tests: temporary directories, the real `authrs` binary as a
//! child process, and a minimal HTTP/1.1 client over `std::net::TcpStream` with a cookie jar.
//! (A fresh PostgreSQL database per test is `authrs_test_support::postgres::PostgresDatabase`.)
//!
//! These drive the binary over real sockets, blocking, so they stay here rather than in
//! `authrs-test-support` (whose [`EngineClient`](authrs_test_support::EngineClient) drives the
//! engine or an axum app in-process); the cookie, form and page rules they follow are
//! test-support's.
// Each test file uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use authrs_test_support::{cookie_header, form_encode, store_set_cookie};

/// How long a server may take to start or to stop before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub use authrs_test_support::TempDir;

/// The `authrs` binary, run in `dir` with a clean environment plus `env`.
pub fn authrs(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_authrs"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    command
}

/// What a server child process said on stderr, line by line.
enum Line {
    Text(String),
    Closed,
}

/// A running `authrs serve`, killed on drop if still running.
pub struct Server {
    child: Option<Child>,
    lines: Receiver<Line>,
    log: Vec<String>,
    /// The address it listens on, from its `listening on http://…` line.
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `authrs --bind 127.0.0.1:0` in `dir` and waits for its listening line.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        Self::start_with(authrs(dir, &["--bind", "127.0.0.1:0"], env))
    }

    /// Starts a prepared command and waits for its listening line.
    pub fn start_with(command: Command) -> Self {
        let mut server = Self::spawn(command);
        server.wait_until_listening();
        server
    }

    /// Starts a prepared command without waiting for it; see [`Self::wait_until_listening`].
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(Line::Text(line)).is_err() {
                    return;
                }
            }
            let _ = sender.send(Line::Closed);
        });
        Self {
            child: Some(child),
            lines,
            log: Vec::new(),
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        }
    }

    /// Waits for the listening line and takes the address from it.
    pub fn wait_until_listening(&mut self) {
        let server = self;
        let line = server
            .wait_for_line("listening on http://")
            .unwrap_or_else(|| {
                panic!(
                    "the server did not start; it said:\n{}",
                    server.log.join("\n")
                )
            });
        let rest =
            &line[line.find("listening on http://").unwrap() + "listening on http://".len()..];
        let addr = rest.split_whitespace().next().unwrap();
        server.addr = addr
            .parse()
            .unwrap_or_else(|_| panic!("not an address: {addr:?}"));
    }

    /// Waits (bounded) for a stderr line containing `needle`; `None` if the process closed
    /// stderr first.
    pub fn wait_for_line(&mut self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Line::Text(line)) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return Some(line);
                    }
                }
                Ok(Line::Closed) | Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out waiting for {needle:?}; log:\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }

    /// Reads stderr (bounded) until the process closes it, which it does when it exits.
    fn read_until_closed(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(Line::Text(line)) => self.log.push(line),
                Ok(Line::Closed) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("the server did not exit; log:\n{}", self.log.join("\n"))
                }
            }
        }
    }

    /// Everything it has said on stderr so far.
    pub fn log(&self) -> String {
        self.log.join("\n")
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends SIGTERM, waits (bounded) for the process to exit, and returns its status with
    /// everything it said.
    pub fn terminate(self) -> (ExitStatus, String) {
        self.send_sigterm();
        self.wait_for_exit()
    }

    /// Sends SIGTERM and returns at once.
    pub fn send_sigterm(&self) {
        let child = self.child.as_ref().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (bounded by [`PATIENCE`]) for the process to exit, and returns its status with
    /// everything it said.
    pub fn wait_for_exit(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        // stderr closes when the process exits.
        self.read_until_closed();
        let status = child.wait().unwrap();
        (status, self.log.join("\n"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs a command to completion, bounded by [`PATIENCE`], feeding `stdin`.
pub fn run(mut command: Command, stdin: &[u8]) -> (ExitStatus, String, String) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(child.wait_with_output());
    });
    let output = match receiver.recv_timeout(PATIENCE) {
        Ok(output) => output.unwrap(),
        Err(_) => panic!("the command did not finish in {PATIENCE:?}"),
    };
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, lowercase names, in order.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl Response {
    /// The first header of that (lowercase) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Cookies kept between requests, as a browser (or `curl -c/-b`) would.
#[derive(Debug, Default, Clone)]
pub struct Jar(BTreeMap<String, String>);

impl Jar {
    /// Stores the `Set-Cookie` headers of a response; `Max-Age=0` deletes.
    pub fn store(&mut self, response: &Response) {
        for (name, value) in &response.headers {
            if name == "set-cookie" {
                store_set_cookie(&mut self.0, value);
            }
        }
    }

    /// The `Cookie` header value.
    pub fn header(&self) -> String {
        cookie_header(&self.0)
    }

    /// Whether a cookie of that name is held.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The value of a cookie.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Sets a cookie, as a browser that kept it would send it.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.insert(name.to_owned(), value.to_owned());
    }
}

/// A blocking HTTP/1.1 request over a fresh connection (`Connection: close`).
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

/// Reads one response from a connection the caller keeps (a `Content-Length` body, or none),
/// leaving the connection open for the next request.
pub fn read_response(stream: &mut TcpStream) -> Response {
    try_read_response(stream).expect("the connection closed before a response")
}

/// One response, or `None` when the connection closes (or resets) before its first byte.
/// Closing mid-response fails the test.
pub fn try_read_response(stream: &mut TcpStream) -> Option<Response> {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ if raw.is_empty() => return None,
            other => panic!("the connection closed mid-response ({other:?}): {raw:?}"),
        }
    }
    let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |n| n.trim().parse::<usize>().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    raw.extend_from_slice(&body);
    Some(parse_response(&raw))
}

/// Reads a whole response until the server closes the connection.
pub fn read_to_close(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse_response(&raw)
}

/// Parses one raw HTTP/1.1 response.
pub fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// A browser-like client: one cookie jar across requests to one server.
pub struct Client {
    /// The server.
    pub addr: SocketAddr,
    /// The cookies.
    pub jar: Jar,
}

impl Client {
    /// A client with an empty jar.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            jar: Jar::default(),
        }
    }

    /// `GET path`, sending and storing cookies.
    pub fn get(&mut self, path: &str) -> Response {
        let cookie = self.jar.header();
        let response = request(self.addr, "GET", path, &[("Cookie", &cookie)], "");
        self.jar.store(&response);
        response
    }

    /// `POST path` with a form body, sending and storing cookies.
    pub fn post_form(&mut self, path: &str, form: &str) -> Response {
        let cookie = self.jar.header();
        let headers = [
            ("Cookie", cookie.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        let response = request(self.addr, "POST", path, &headers, form);
        self.jar.store(&response);
        response
    }

    /// `GET /csrf`: the CSRF token (and its cookie, kept in the jar).
    pub fn csrf_token(&mut self, base: &str) -> String {
        let csrf = self.get(&format!("{base}/csrf"));
        assert_eq!(csrf.status, 200, "{}", csrf.body);
        csrf.json()["csrfToken"].as_str().unwrap().to_owned()
    }

    /// A users-file sign-in: `/csrf`, then `POST /callback/credentials` with `json=true`.
    /// Returns the callback's response.
    pub fn sign_in(&mut self, base: &str, username: &str, password: &str) -> Response {
        let token = self.csrf_token(base);
        let form = format!(
            "csrfToken={token}&username={}&password={}&json=true",
            form_encode(username),
            form_encode(password)
        );
        self.post_form(&format!("{base}/callback/credentials"), &form)
    }

    /// The curl flow of the README: `/csrf`, then `POST /callback/email-password` with
    /// `json=true`. Returns the callback's response.
    pub fn sign_in_with_email(&mut self, base: &str, email: &str, password: &str) -> Response {
        let token = self.csrf_token(base);
        let form = format!(
            "email={}&password={}&csrfToken={token}&json=true",
            form_encode(email),
            form_encode(password)
        );
        self.post_form(&format!("{base}/callback/email-password"), &form)
    }

    /// `POST /signout` with the CSRF token and `json=true`.
    pub fn sign_out(&mut self, base: &str) -> Response {
        let token = self.csrf_token(base);
        self.post_form(
            &format!("{base}/signout"),
            &format!("csrfToken={token}&json=true"),
        )
    }

    /// `GET /session` as JSON.
    pub fn session(&mut self, base: &str) -> serde_json::Value {
        let response = self.get(&format!("{base}/session"));
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    /// Reads `/session` until it is empty (`{}`); fails once [`REVOCATION_BOUND`] has passed.
    /// A session ended by another process or instance is refused within that bound (the
    /// session cache's feed), not at once.
    pub fn until_signed_out(&mut self, base: &str) {
        let started = std::time::Instant::now();
        loop {
            let response = self.get(&format!("{base}/session"));
            assert_eq!(response.status, 200, "{}", response.body);
            if response.body == "{}" {
                return;
            }
            assert!(
                started.elapsed() < REVOCATION_BOUND,
                "still signed in {:?} after the session was ended: {}",
                started.elapsed(),
                response.body
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// How late a session ended elsewhere may still be served: the session cache's bound (750 ms,
/// `authrs_sqlx::FEED_GRACE`) with room for a loaded machine, under the one second issue 17
/// allows.
pub const REVOCATION_BOUND: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs `authrs user ARGS` in `dir` with `env`, feeding `stdin`; fails the test unless it
/// succeeds. Returns its standard output.
pub fn user_command(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> String {
    let mut all = vec!["user"];
    all.extend_from_slice(args);
    let (status, stdout, stderr) = run(authrs(dir, &all, env), stdin);
    assert!(
        status.success(),
        "authrs {all:?} failed ({status:?}):\n{stderr}"
    );
    stdout
}

/// The rows `query` reads from the database at `database_url` (SQLite or PostgreSQL), for the
/// tests that check what the server stored.
pub fn query_rows<T>(database_url: &str, query: &'static str) -> Vec<T>
where
    T: Send + Unpin,
    for<'r> T:
        sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if database_url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(database_url).await.unwrap();
            let rows = sqlx::query_as(query).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        } else {
            let pool = sqlx::PgPool::connect(database_url).await.unwrap();
            let rows = sqlx::query_as(query).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        }
    })
}
