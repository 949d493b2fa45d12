//! Email sign-in through the `authrs` binary: the embedded default's log transport (a
//! newcomer signs in with no mail server) and the SMTP transport against a real SMTP server
//! (aiosmtpd on loopback).

mod support;

use authrs_test_support::smtp::SmtpServer;
use authrs_test_support::{form_encode, hidden_input};
use support::{Client, Response, Server, TempDir};

const BASE: &str = "/api/auth";

/// Asks for a sign-in mail for `email`; the answer must send the browser to verify-request.
fn request_email(client: &mut Client, email: &str) {
    let token = client.csrf_token(BASE);
    let form = format!(
        "csrfToken={token}&email={}&callbackUrl=%2F&json=true",
        form_encode(email)
    );
    let answer = client.post_form(&format!("{BASE}/signin/email"), &form);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let url = answer.json()["url"].as_str().unwrap().to_owned();
    assert!(
        url.ends_with("/api/auth/verify-request?provider=email&type=email"),
        "{url}"
    );
}

/// Opens a sign-in link (the confirm page) and presses its button; returns the POST's answer.
fn open_and_confirm(client: &mut Client, link: &str) -> Response {
    let path = &link[link.find(BASE).expect("a link to the auth routes")..];
    let page = client.get(path);
    assert_eq!(page.status, 200, "{}", page.body);
    let form = ["csrfToken", "callbackUrl", "email", "token"]
        .map(|name| format!("{name}={}", form_encode(&hidden_input(&page.body, name))))
        .join("&");
    client.post_form(&format!("{BASE}/callback/email"), &form)
}

#[test]
fn embedded_default_signs_in_by_email_through_the_log() {
    let dir = TempDir::new("email-log");
    let mut server = Server::start(dir.path(), &[]);
    assert!(
        server
            .log()
            .contains("email sign-in on; mail goes to the log"),
        "{}",
        server.log()
    );
    let mut client = Client::new(server.addr);
    let providers = client.get(&format!("{BASE}/providers")).json();
    assert_eq!(providers["email"]["type"], "email");

    request_email(&mut client, "newcomer@example.com");
    let line = server
        .wait_for_line("email not sent (log transport")
        .expect("the log shows the mail");
    let start = line.find("url=").expect("the log line has the link") + "url=".len();
    let link = line[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_matches('"');
    assert!(line.contains("to=newcomer@example.com"), "{line}");
    let answer = open_and_confirm(&mut client, link);
    assert_eq!(answer.status, 302, "{}", answer.body);
    assert_eq!(
        client.session(BASE)["user"]["email"],
        "newcomer@example.com"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_transport_delivers_the_link_to_a_real_smtp_server() {
    let mut smtp = SmtpServer::start().await;
    let dir = TempDir::new("email-smtp");
    let smtp_url = format!("smtp://127.0.0.1:{}?tls=none", smtp.port());
    let server = Server::start(
        dir.path(),
        &[
            ("AUTHRS_EMAIL_SMTP_URL", &smtp_url),
            ("AUTHRS_EMAIL_FROM", "Example <no-reply@example.com>"),
        ],
    );
    assert!(
        server.log().contains("mail goes to SMTP smtp://127.0.0.1"),
        "{}",
        server.log()
    );
    let mut client = Client::new(server.addr);
    let addr = server.addr;
    let mut requester = Client::new(addr);
    tokio::task::spawn_blocking(move || request_email(&mut requester, "Ada@Example.com"))
        .await
        .unwrap();
    let mail = smtp.next_message().await;
    assert_eq!(mail.rcpt_tos, ["ada@example.com"]);
    assert_eq!(mail.mail_from, "no-reply@example.com");
    let link = mail.link_containing("/api/auth/callback/email").unwrap();
    let session = tokio::task::spawn_blocking(move || {
        let answer = open_and_confirm(&mut client, &link);
        assert_eq!(answer.status, 302, "{}", answer.body);
        client.session(BASE)
    })
    .await
    .unwrap();
    assert_eq!(session["user"]["email"], "ada@example.com");
}

#[test]
fn smtp_url_problems_are_reported_without_the_password() {
    let dir = TempDir::new("email-bad-url");
    let output = support::run(
        support::authrs(
            dir.path(),
            &["check"],
            &[(
                "AUTHRS_EMAIL_SMTP_URL",
                "smtp://mailer:hunter2@mail.example.com?tls=none",
            )],
        ),
        b"",
    );
    let (status, stdout, stderr) = output;
    assert!(!status.success());
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("AUTHRS_EMAIL_SMTP_URL") && said.contains("clear text"),
        "{said}"
    );
    assert!(!said.contains("hunter2"), "{said}");
}

#[test]
fn the_per_client_limit_sees_the_peer_address() {
    let dir = TempDir::new("email-per-client");
    let server = Server::start(
        dir.path(),
        &[
            ("AUTHRS_EMAIL_MAX_PER_CLIENT", "1"),
            ("AUTHRS_EMAIL_MAX_PER_ADDRESS", "0"),
        ],
    );
    let mut client = Client::new(server.addr);
    request_email(&mut client, "ada@example.com");
    let token = client.csrf_token(BASE);
    let answer = client.post_form(
        &format!("{BASE}/signin/email"),
        &format!("csrfToken={token}&email=bob%40example.com&json=true"),
    );
    assert_eq!(answer.status, 429, "{}", answer.body);
    assert!(
        answer
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
    );
}
