//! `GET /metrics` of the real binary: behind a bearer token on the main listener, or on a
//! listener of its own; the text parsed by the Python `prometheus_client` parser (the test
//! environment's), and the counters moving as sign-ins and session reads run.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use support::{Client, Server, TempDir, request};

const BASE: &str = "/api/auth";
const TOKEN: &str = "metrics-token-0123456789";

/// The samples of a Prometheus text, as the reference parser reads it: `name{labels}` →
/// value. Fails the test when the text does not parse.
fn parse(text: &str) -> BTreeMap<String, f64> {
    let python = std::env::var("AUTHRS_TEST_PYTHON").unwrap_or_else(|_| {
        panic!("AUTHRS_TEST_PYTHON is not set: run scripts/test, which makes target/test-python")
    });
    let script = r#"
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
        print(f"{sample.name}{{{labels}}}\t{sample.value}")
"#;
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test Python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "prometheus_client could not parse it: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (key, value) = line.split_once('\t').unwrap();
            (key.to_owned(), value.parse().unwrap())
        })
        .collect()
}

fn demo_password(dir: &TempDir) -> String {
    std::fs::read_to_string(dir.join("authrs-data/demo-password"))
        .unwrap()
        .trim_end()
        .to_owned()
}

#[test]
fn metrics_behind_a_token_move_with_sign_ins_and_session_reads() {
    let dir = TempDir::new("metrics-token");
    let server = Server::start(dir.path(), &[("AUTHRS_METRICS_TOKEN", TOKEN)]);
    let password = demo_password(&dir);
    let mut client = Client::new(server.addr);
    assert_eq!(
        client
            .sign_in_with_email(BASE, "demo@example.com", "wrong")
            .status,
        401
    );
    assert_eq!(
        client
            .sign_in_with_email(BASE, "demo@example.com", &password)
            .status,
        200
    );
    for _ in 0..3 {
        assert_eq!(client.get(&format!("{BASE}/session")).status, 200);
    }
    // A client naming a provider that does not exist adds no label value.
    client.get(&format!("{BASE}/callback/made-up-{}", "x".repeat(40)));

    let refused = request(server.addr, "GET", "/metrics", &[], "");
    assert_eq!(refused.status, 401);
    let wrong = request(
        server.addr,
        "GET",
        "/metrics",
        &[("Authorization", "Bearer metrics-token-0123456788")],
        "",
    );
    assert_eq!(wrong.status, 401);
    let auth = format!("Bearer {TOKEN}");
    let scraped = request(
        server.addr,
        "GET",
        "/metrics",
        &[("Authorization", &auth)],
        "",
    );
    assert_eq!(scraped.status, 200, "{}", scraped.body);
    assert!(
        scraped
            .headers
            .iter()
            .any(|(name, value)| name == "content-type" && value.starts_with("text/plain")),
        "{:?}",
        scraped.headers
    );
    let samples = parse(&scraped.body);
    let value = |key: &str| samples.get(key).copied().unwrap_or(0.0);
    assert_eq!(
        value("authrs_sign_ins_total{outcome=success,provider=email-password}"),
        1.0,
        "{samples:#?}"
    );
    assert_eq!(
        value("authrs_sign_ins_total{outcome=CredentialsSignin,provider=email-password}"),
        1.0
    );
    assert_eq!(
        value("authrs_session_reads_total{result=session,strategy=database}"),
        3.0
    );
    assert!(value("authrs_http_request_duration_seconds_count{endpoint=session}") >= 3.0);
    assert!(value("authrs_http_requests_total{endpoint=callback,status=4xx}") >= 2.0);
    assert!(
        !scraped.body.contains("made-up"),
        "a client's path became a label"
    );
    assert!(!scraped.body.contains(&password) && !scraped.body.contains(TOKEN));
}

#[test]
fn metrics_on_a_listener_of_their_own_and_off_by_default() {
    let dir = TempDir::new("metrics-bind");
    let server = Server::start(dir.path(), &[("AUTHRS_METRICS_BIND", "127.0.0.1:0")]);
    // Bound (and logged) before the main listener's line, which `start` waited for.
    let log = server.log();
    let line = log
        .lines()
        .find(|line| line.contains("metrics on http://"))
        .expect("the metrics listener is logged");
    let rest = &line[line.find("metrics on http://").unwrap() + "metrics on http://".len()..];
    let addr = rest.split('/').next().unwrap().parse().unwrap();
    Client::new(server.addr).get(&format!("{BASE}/session"));
    let scraped = request(addr, "GET", "/metrics", &[], "");
    assert_eq!(scraped.status, 200);
    let samples = parse(&scraped.body);
    assert!(
        samples
            .keys()
            .any(|key| key.starts_with("authrs_session_reads_total"))
    );
    // Not on the main listener without a token.
    assert_eq!(request(server.addr, "GET", "/metrics", &[], "").status, 404);

    let dir = TempDir::new("metrics-off");
    let server = Server::start(dir.path(), &[]);
    assert_eq!(request(server.addr, "GET", "/metrics", &[], "").status, 404);
}
