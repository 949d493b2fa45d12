//! Outbound deadlines: a provider that accepts the connection and never answers fails the
//! request at the configured deadline, with an error, instead of holding the sign-in.

use std::time::Duration;

use authrs_core::http::HttpClient;
use authrs_http::{REQUEST_TIMEOUT, ReqwestClient};
use bytes::Bytes;

#[test]
fn the_default_deadline_is_ten_seconds_at_most() {
    assert!(REQUEST_TIMEOUT <= Duration::from_secs(10));
}

#[tokio::test]
async fn a_token_endpoint_that_hangs_fails_at_the_deadline() {
    // Accepts connections (the listener's backlog does) and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", silent.local_addr().unwrap());
    let client = ReqwestClient::with_timeout(Duration::from_millis(300)).unwrap();
    let request = http::Request::post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"grant_type=authorization_code&code=x"))
        .unwrap();
    // Bounded from outside too, so a regression fails instead of hanging the suite.
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.send(request)).await;
    let error = outcome
        .expect("the client's own deadline ends the request")
        .unwrap_err();
    assert!(error.0.contains("/token"), "{error}");
    drop(silent);
}
