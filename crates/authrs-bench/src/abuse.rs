//! Abuse-limit measurements against a running `authrs serve` (issue 12), driven by
//! `bench/abuse.sh`: a flood of wrong one-time codes from many loopback source addresses, the
//! throughput of one GET endpoint, and the timing of password-reset requests for a known and an
//! unknown address. Plain HTTP/1.1 with keep-alive over tokio's `TcpStream`; loopback only, and
//! every loop is bounded in time and count.
//!
//! Usage (BASE is the server's origin, `http://127.0.0.1:PORT`):
//!
//! - `authrs-bench-abuse flood --url BASE --seconds 60 --connections 16 [--per-source 25]
//!   [--sources N]` (`--sources 1`: one client, every connection from 127.1.0.1):
//!   `POST /api/auth/callback/email` with `email=userN@example.com&code=WRNG-CODE` (a distinct
//!   address each time) and one CSRF token, as fast as the connections go. Each connection binds
//!   its socket to a source address 127.1.x.y and moves to a new one every `--per-source`
//!   requests, so the per-network limit (30 code attempts per 15 minutes) is never reached and
//!   every attempt lands new keys in the server's limit store. Prints the requests sent, the
//!   count of each status, the source addresses used and req/s.
//! - `authrs-bench-abuse rate --url BASE --seconds 10 --path /api/auth/csrf [--connections 4]
//!   [--warmup 1]`: GETs of one path on a fixed set of keep-alive connections from 127.0.0.1;
//!   prints req/s over `--seconds` after `--warmup` seconds that are not counted.
//! - `authrs-bench-abuse timing --url BASE --samples 150 --known demo@example.com
//!   --unknown nobody@example.com [--warmup 5]`: `POST /api/auth/account/reset-password-request`
//!   for the two addresses in turn (known, unknown, known, …), each after a fresh CSRF token
//!   (fetched on the same connection, not timed); times the POST's round trip only. Prints the
//!   median and p90 of each in microseconds, the difference of the medians with a bootstrap 95%
//!   interval, and the answers that were not 200 (the exit status is 1 when there were any).
//!
//! Output lines are `name: value`, for the script to pick up; `flood` and `rate` end with
//! `client cpu s`, the CPU time the load client itself used (it shares the machine with the
//! server).
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

/// How long one connect or one request may take before it counts as an error.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest response head or body accepted (the answers here are a few hundred bytes).
const MAX_RESPONSE: usize = 1 << 20;
/// Source addresses 127.1.x.y with x in 0..=255 and y in 1..=254.
const SOURCES: u64 = 256 * 254;
/// Upper bounds on the arguments, so that every loop stays bounded.
const MAX_SECONDS: u64 = 600;
const MAX_CONNECTIONS: u64 = 256;
const MAX_SAMPLES: u64 = 100_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(message) => return usage(&message),
    };
    let result = match command.as_str() {
        "flood" => flood(&options).await,
        "rate" => rate(&options).await,
        "timing" => timing(&options).await,
        other => return usage(&format!("unknown command {other:?}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("authrs-bench-abuse {command}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!(
        "authrs-bench-abuse: {message}\n\
         usage: authrs-bench-abuse flood --url BASE [--seconds 60] [--connections 16] [--per-source 25]\n\
         \x20      authrs-bench-abuse rate --url BASE [--seconds 10] [--path /api/auth/csrf] [--connections 4] [--warmup 1]\n\
         \x20      authrs-bench-abuse timing --url BASE [--samples 150] [--known demo@example.com] [--unknown nobody@example.com] [--warmup 5]"
    );
    ExitCode::from(2)
}

/// `--name value` pairs.
struct Options(BTreeMap<String, String>);

impl Options {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut map = BTreeMap::new();
        let mut args = args;
        while let Some(arg) = args.next() {
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument {arg:?}"));
            };
            let value = args
                .next()
                .ok_or_else(|| format!("--{name} needs a value"))?;
            map.insert(name.to_owned(), value);
        }
        Ok(Self(map))
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.0
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }

    fn number(&self, name: &str, default: u64, max: u64) -> Result<u64, String> {
        let Some(value) = self.0.get(name) else {
            return Ok(default);
        };
        match value.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "--{name} must be a number from 1 to {max}, not {value:?}"
            )),
        }
    }

    /// `--url`: an `http://` origin on a loopback IPv4 address.
    fn target(&self) -> Result<Target, String> {
        let url = self.0.get("url").ok_or("--url is required")?;
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("--url must start with http://, not {url:?}"))?;
        let host = rest.split('/').next().unwrap_or_default();
        let addr: SocketAddr = host
            .parse()
            .map_err(|_| format!("--url must name IPv4:port, not {url:?}"))?;
        match addr {
            SocketAddr::V4(v4) if v4.ip().is_loopback() => Ok(Target {
                addr,
                host: host.to_owned(),
            }),
            _ => Err(format!("--url must be a loopback address, not {url:?}")),
        }
    }
}

/// The server: where to connect and what to send as `Host`.
#[derive(Clone)]
struct Target {
    addr: SocketAddr,
    host: String,
}

/// One answer: its status, its cookies (`name=value`), its body, and whether the server closes
/// the connection after it.
struct Answer {
    status: u16,
    cookies: Vec<String>,
    body: Vec<u8>,
    close: bool,
}

/// One keep-alive connection.
struct Conn {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Conn {
    /// Connects to `target`, from `source` when given (port chosen by the kernel).
    async fn open(target: &Target, source: Option<Ipv4Addr>) -> io::Result<Self> {
        let socket = TcpSocket::new_v4()?;
        if let Some(ip) = source {
            socket.bind(SocketAddr::from((ip, 0)))?;
        }
        let stream = tokio::time::timeout(IO_TIMEOUT, socket.connect(target.addr))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(stream),
            host: target.host.clone(),
        })
    }

    /// Sends one request (a form post when `form` is given) and reads the answer, within
    /// [`IO_TIMEOUT`].
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        form: Option<&str>,
    ) -> io::Result<Answer> {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if let Some(cookie) = cookie {
            request.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if let Some(form) = form {
            request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                form.len()
            ));
        } else {
            request.push_str("\r\n");
        }
        tokio::time::timeout(IO_TIMEOUT, async {
            self.stream.get_mut().write_all(request.as_bytes()).await?;
            self.read_answer().await
        })
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "request timed out"))?
    }

    async fn read_answer(&mut self) -> io::Result<Answer> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let mut line = String::new();
        let mut head = 0;
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("no status line"))?;
        let (mut length, mut chunked, mut close) = (0usize, false, false);
        let mut cookies = Vec::new();
        loop {
            line.clear();
            let n = self.stream.read_line(&mut line).await?;
            head += n;
            if n == 0 || head > MAX_RESPONSE {
                return Err(bad("unterminated head"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else {
                return Err(bad("malformed header"));
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().map_err(|_| bad("content-length"))?,
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                "set-cookie" => {
                    cookies.push(value.split(';').next().unwrap_or_default().to_owned());
                }
                _ => {}
            }
        }
        let body = if chunked {
            self.read_chunked().await?
        } else {
            if length > MAX_RESPONSE {
                return Err(bad("body too long"));
            }
            let mut body = vec![0; length];
            self.stream.read_exact(&mut body).await?;
            body
        };
        Ok(Answer {
            status,
            cookies,
            body,
            close,
        })
    }

    async fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let mut body = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let size = line.trim_end().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size, 16).map_err(|_| bad("chunk size"))?;
            if body.len() + size > MAX_RESPONSE {
                return Err(bad("body too long"));
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.stream.read_exact(&mut body[start..]).await?;
            line.clear();
            self.stream.read_line(&mut line).await?;
            if size == 0 {
                return Ok(body);
            }
        }
    }
}

/// A CSRF token and the cookie that goes with it (`next-auth.csrf-token=…`).
struct Csrf {
    token: String,
    cookie: String,
}

/// `GET /api/auth/csrf` without a cookie: a fresh token.
async fn fetch_csrf(conn: &mut Conn) -> Result<Csrf, String> {
    let answer = conn
        .send("GET", "/api/auth/csrf", None, None)
        .await
        .map_err(|e| format!("GET /api/auth/csrf: {e}"))?;
    if answer.status != 200 {
        return Err(format!("GET /api/auth/csrf answered {}", answer.status));
    }
    let json: serde_json::Value = serde_json::from_slice(&answer.body)
        .map_err(|e| format!("GET /api/auth/csrf: not JSON: {e}"))?;
    let token = json["csrfToken"]
        .as_str()
        .ok_or("GET /api/auth/csrf: no csrfToken")?
        .to_owned();
    let cookie = answer
        .cookies
        .into_iter()
        .find(|c| c.contains("csrf-token="))
        .ok_or("GET /api/auth/csrf: no csrf-token cookie")?;
    Ok(Csrf { token, cookie })
}

/// The CPU time this process has used, in seconds: the sum over its threads of
/// `/proc/self/task/*/schedstat`'s first field (nanoseconds on a CPU). `None` off Linux.
fn cpu_seconds() -> Option<f64> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total as f64 / 1e9)
}

/// Prints `client cpu s`, the CPU time this process used (the load client's own share of the
/// machine).
fn print_cpu() {
    if let Some(seconds) = cpu_seconds() {
        println!("client cpu s: {seconds:.2}");
    }
}

/// Percent-encodes a form value.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `n`th source address: 127.1.x.y, y from 1 to 254 (wrapping after [`SOURCES`]).
fn source(n: u64) -> Ipv4Addr {
    let n = n % SOURCES;
    let x = u8::try_from(n / 254).unwrap_or(u8::MAX);
    let y = u8::try_from(n % 254 + 1).unwrap_or(1);
    Ipv4Addr::new(127, 1, x, y)
}

/// What one flood connection saw.
#[derive(Default)]
struct FloodTally {
    statuses: BTreeMap<u16, u64>,
    errors: u64,
    sources: u64,
}

async fn flood(options: &Options) -> Result<ExitCode, String> {
    let target = options.target()?;
    let seconds = options.number("seconds", 60, MAX_SECONDS)?;
    let connections = options.number("connections", 16, MAX_CONNECTIONS)?;
    let per_source = options.number("per-source", 25, 1000)?;
    // `--sources 1` is one client: every connection from the same address.
    let sources = options.number("sources", SOURCES, SOURCES)?.max(1);
    let mut conn = Conn::open(&target, None)
        .await
        .map_err(|e| format!("connect to {}: {e}", target.addr))?;
    let csrf = Arc::new(fetch_csrf(&mut conn).await?);
    drop(conn);

    let next_source = Arc::new(AtomicU64::new(0));
    let next_email = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (target, csrf) = (target.clone(), Arc::clone(&csrf));
        let (next_source, next_email) = (Arc::clone(&next_source), Arc::clone(&next_email));
        tasks.push(tokio::spawn(async move {
            let mut tally = FloodTally::default();
            let token = encode(&csrf.token);
            while Instant::now() < deadline {
                let from = source(next_source.fetch_add(1, Ordering::Relaxed) % sources);
                tally.sources += 1;
                let mut conn = match Conn::open(&target, Some(from)).await {
                    Ok(conn) => conn,
                    Err(_) => {
                        tally.errors += 1;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                for _ in 0..per_source {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let n = next_email.fetch_add(1, Ordering::Relaxed);
                    let form = format!(
                        "email=user{n}%40example.com&code=WRNG-CODE&csrfToken={token}&json=true"
                    );
                    match conn
                        .send(
                            "POST",
                            "/api/auth/callback/email",
                            Some(&csrf.cookie),
                            Some(&form),
                        )
                        .await
                    {
                        Ok(answer) => {
                            *tally.statuses.entry(answer.status).or_default() += 1;
                            if answer.close {
                                break;
                            }
                        }
                        Err(_) => {
                            tally.errors += 1;
                            break;
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut total = FloodTally::default();
    for task in tasks {
        let tally = task.await.map_err(|e| format!("flood task: {e}"))?;
        for (status, count) in tally.statuses {
            *total.statuses.entry(status).or_default() += count;
        }
        total.errors += tally.errors;
        total.sources += tally.sources;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let answered: u64 = total.statuses.values().sum();
    println!(
        "flood: POST /api/auth/callback/email, wrong codes, {connections} connections, \
         {per_source} requests per source address"
    );
    println!("seconds: {elapsed:.1}");
    println!("requests: {}", answered + total.errors);
    println!("answered: {answered}");
    for (status, count) in &total.statuses {
        println!("status {status}: {count}");
    }
    println!("errors: {}", total.errors);
    println!(
        "source addresses: {}{}",
        total.sources,
        if total.sources > SOURCES {
            " (wrapped around)"
        } else {
            ""
        }
    );
    println!("req/s: {:.0}", answered as f64 / elapsed);
    print_cpu();
    Ok(ExitCode::SUCCESS)
}

async fn rate(options: &Options) -> Result<ExitCode, String> {
    let target = options.target()?;
    let seconds = options.number("seconds", 10, MAX_SECONDS)?;
    let warmup = options.number("warmup", 1, 60)?;
    let connections = options.number("connections", 4, MAX_CONNECTIONS)?;
    let path = options.text("path", "/api/auth/csrf");
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return Err(format!("--path must be an absolute path, not {path:?}"));
    }
    let start = Instant::now() + Duration::from_secs(warmup);
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (target, path) = (target.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            // (2xx answers, other answers, errors) counted between `start` and `deadline`.
            let (mut ok, mut other, mut errors) = (0u64, 0u64, 0u64);
            let mut conn = None;
            while Instant::now() < deadline {
                let c = match conn.as_mut() {
                    Some(c) => c,
                    None => match Conn::open(&target, None).await {
                        Ok(c) => conn.insert(c),
                        Err(_) => {
                            errors += 1;
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        }
                    },
                };
                let result = c.send("GET", &path, None, None).await;
                let counted = {
                    let now = Instant::now();
                    now >= start && now < deadline
                };
                match result {
                    Ok(answer) => {
                        if counted {
                            if (200..300).contains(&answer.status) {
                                ok += 1;
                            } else {
                                other += 1;
                            }
                        }
                        if answer.close {
                            conn = None;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        conn = None;
                    }
                }
            }
            (ok, other, errors)
        }));
    }
    let (mut ok, mut other, mut errors) = (0, 0, 0);
    for task in tasks {
        let (o, n, e) = task.await.map_err(|e| format!("rate task: {e}"))?;
        ok += o;
        other += n;
        errors += e;
    }
    println!("rate: GET {path}, {connections} connections, {seconds} s after {warmup} s warm-up");
    println!("requests: {}", ok + other);
    println!("non-2xx: {other}");
    println!("errors: {errors}");
    println!("req/s: {:.0}", (ok + other) as f64 / seconds as f64);
    print_cpu();
    Ok(ExitCode::SUCCESS)
}

async fn timing(options: &Options) -> Result<ExitCode, String> {
    let target = options.target()?;
    let samples = options.number("samples", 150, MAX_SAMPLES)?;
    let warmup = options.number("warmup", 5, 1000)?;
    let known = options.text("known", "demo@example.com");
    let unknown = options.text("unknown", "nobody@example.com");
    let path = "/api/auth/account/reset-password-request";
    let addresses = [known.as_str(), unknown.as_str()];
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut statuses: [BTreeMap<u16, u64>; 2] = [BTreeMap::new(), BTreeMap::new()];
    let mut conn: Option<Conn> = None;
    for round in 0..warmup + samples {
        for (which, address) in addresses.iter().enumerate() {
            let c = match conn.as_mut() {
                Some(c) => c,
                None => conn.insert(
                    Conn::open(&target, None)
                        .await
                        .map_err(|e| format!("connect to {}: {e}", target.addr))?,
                ),
            };
            let csrf = fetch_csrf(c).await?;
            let form = format!(
                "email={}&csrfToken={}&json=true",
                encode(address),
                encode(&csrf.token)
            );
            let started = Instant::now();
            let answer = c
                .send("POST", path, Some(&csrf.cookie), Some(&form))
                .await
                .map_err(|e| format!("POST {path}: {e}"))?;
            let micros = started.elapsed().as_secs_f64() * 1e6;
            if answer.close {
                conn = None;
            }
            if round >= warmup {
                times[which].push(micros);
                *statuses[which].entry(answer.status).or_default() += 1;
            }
        }
    }
    println!(
        "timing: POST {path}, {samples} samples per address after {warmup} warm-up pairs, \
         interleaved, fresh CSRF token each"
    );
    let mut not_ok = 0;
    let mut medians = [0.0; 2];
    for (which, label) in ["known", "unknown"].iter().enumerate() {
        let mut sorted = times[which].clone();
        sorted.sort_by(f64::total_cmp);
        medians[which] = median(&sorted);
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        println!("{label} address: {}", addresses[which]);
        println!("{label} median us: {:.0}", medians[which]);
        println!("{label} p90 us: {:.0}", percentile(&sorted, 0.9));
        println!(
            "{label} min us: {:.0}",
            sorted.first().copied().unwrap_or(0.0)
        );
        println!("{label} mean us: {mean:.0}");
        let listed: Vec<String> = statuses[which]
            .iter()
            .map(|(status, count)| format!("{status} x{count}"))
            .collect();
        println!("{label} statuses: {}", listed.join(", "));
        not_ok += statuses_not_200(&statuses[which]);
    }
    let (low, high) = bootstrap_difference(&times[0], &times[1]);
    println!("median difference us: {:.0}", medians[0] - medians[1]);
    println!("difference 95% interval us: {low:.0} {high:.0}");
    println!("non-200: {not_ok}");
    Ok(if not_ok == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn statuses_not_200(statuses: &BTreeMap<u16, u64>) -> u64 {
    statuses
        .iter()
        .filter(|(status, _)| **status != 200)
        .map(|(_, count)| count)
        .sum()
}

/// The median of sorted values (the mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A 95% bootstrap interval of `median(a) - median(b)`: 2,000 resamples of each with a fixed
/// seed (xorshift64), the 2.5th and 97.5th percentiles of the differences.
fn bootstrap_difference(a: &[f64], b: &[f64]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % n as u64).unwrap_or(0)
    };
    let mut differences = Vec::with_capacity(2000);
    let (mut ra, mut rb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    for _ in 0..2000 {
        for slot in ra.iter_mut() {
            *slot = a[next(a.len())];
        }
        for slot in rb.iter_mut() {
            *slot = b[next(b.len())];
        }
        ra.sort_by(f64::total_cmp);
        rb.sort_by(f64::total_cmp);
        differences.push(median(&ra) - median(&rb));
    }
    differences.sort_by(f64::total_cmp);
    (
        percentile(&differences, 0.025),
        percentile(&differences, 0.975),
    )
}
