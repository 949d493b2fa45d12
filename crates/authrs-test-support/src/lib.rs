//! Test helpers shared by the authrs crates: a browser-like client that drives the engine
//! in-process with `http::Request`s and keeps a cookie jar, the adapter conformance suite
//! ([`conformance`]) that every storage back end runs, and the rate-limit store conformance
//! suite ([`limits`]) that every limit store runs.
#![forbid(unsafe_code)]

pub mod conformance;
pub mod limits;
pub mod oidc;
pub mod outbox;
pub mod session_flow;
pub mod smtp;

use std::collections::BTreeMap;

use authrs_core::Auth;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::Value;

/// The `name=value` part of every `Set-Cookie` header, in order.
pub fn set_cookie_pairs(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or("").to_owned())
        .collect()
}

/// A secret of the minimum accepted length, for tests.
pub const TEST_SECRET: &str = "test-secret-0123456789abcdef0123456789";

/// One answer from the engine, with helpers to read it.
#[derive(Debug)]
pub struct Answer {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON (panics with the body text when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The `Set-Cookie` header for one cookie name.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies()
            .into_iter()
            .find(|c| c.split('=').next() == Some(name))
    }

    /// The value of the hidden form input `name` in an HTML body (HTML entities for `&` and
    /// `"` decoded); panics with the body when there is none.
    pub fn hidden_input(&self, name: &str) -> String {
        let text = self.text();
        let marker = format!(r#"name="{name}" value=""#);
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("no hidden input {name} in {text}"))
            + marker.len();
        let end = start + text[start..].find('"').expect("the value ends");
        text[start..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    /// The redirect target: `Location`, or `url` of a JSON-redirect body.
    pub fn redirect_url(&self) -> Option<String> {
        if let Some(location) = self.header("location") {
            return Some(location.to_owned());
        }
        serde_json::from_slice::<Value>(&self.body)
            .ok()?
            .get("url")?
            .as_str()
            .map(str::to_owned)
    }
}

/// A browser-like client for the engine: it stores cookies from `Set-Cookie` (honouring
/// deletion) and sends them back.
#[derive(Debug, Clone)]
pub struct EngineClient {
    auth: Auth,
    origin: String,
    /// Cookies by name (raw, still percent-encoded, as a browser stores them).
    pub jar: BTreeMap<String, String>,
    /// Headers added to every request.
    pub extra_headers: HeaderMap,
    /// The client address the requests come from (as `authrs-axum` would supply it).
    pub client_address: Option<std::net::IpAddr>,
}

impl EngineClient {
    /// A client for `auth`, sending requests to its configured origin.
    pub fn new(auth: Auth) -> Self {
        let base = url::Url::parse(auth.base_url()).expect("base URL parses");
        let origin = base.origin().ascii_serialization();
        Self {
            auth,
            origin,
            jar: BTreeMap::new(),
            extra_headers: HeaderMap::new(),
            client_address: None,
        }
    }

    /// The engine.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The `Cookie` header the client would send now.
    pub fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends a request. `path` is absolute (`/api/auth/session?x=1`).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.origin));
        if !self.jar.is_empty() {
            builder = builder.header(http::header::COOKIE, self.cookie_header());
        }
        if let Some(content_type) = content_type {
            builder = builder.header(http::header::CONTENT_TYPE, content_type);
        }
        for (name, value) in &self.extra_headers {
            builder = builder.header(name, value);
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(address) = self.client_address {
            builder = builder.extension(authrs_core::ratelimit::ClientAddress(address));
        }
        let request = builder.body(body).expect("test request builds");
        let response: Response<Bytes> = self.auth.handle(request).await;
        let (parts, body) = response.into_parts();
        let answer = Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        self.store_cookies(&answer);
        answer
    }

    fn store_cookies(&mut self, answer: &Answer) {
        for cookie in answer.set_cookies() {
            let first = cookie.split(';').next().unwrap_or("");
            let Some((name, value)) = first.split_once('=') else {
                continue;
            };
            let deleted = cookie
                .split(';')
                .any(|attr| attr.trim().eq_ignore_ascii_case("Max-Age=0"));
            if deleted {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, Bytes::new(), &[]).await
    }

    /// `POST path` with a form body.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_form_with_headers(path, fields, &[]).await
    }

    /// `POST path` with a form body and extra headers.
    pub async fn post_form_with_headers(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Answer {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            Bytes::from(body),
            headers,
        )
        .await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&mut self, path: &str, body: &Value) -> Answer {
        self.send(
            Method::POST,
            path,
            Some("application/json"),
            Bytes::from(body.to_string()),
            &[],
        )
        .await
    }

    /// `GET <base>/csrf` and return the token.
    pub async fn csrf_token(&mut self) -> String {
        let base = self.auth.base_path().to_owned();
        let answer = self.get(&format!("{base}/csrf")).await;
        assert_eq!(answer.status, StatusCode::OK, "csrf: {}", answer.text());
        answer.json()["csrfToken"]
            .as_str()
            .expect("csrfToken")
            .to_owned()
    }

    /// Signs in through the credentials provider (JSON-redirect mode) with extra form fields.
    pub async fn sign_in_with(&mut self, provider: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.csrf_token().await;
        let base = self.auth.base_path().to_owned();
        let mut form: Vec<(&str, &str)> = vec![("csrfToken", token.as_str()), ("json", "true")];
        form.extend_from_slice(fields);
        self.post_form(&format!("{base}/callback/{provider}"), &form)
            .await
    }

    /// Opens an emailed sign-in link (an absolute URL on the engine's origin): its page, then
    /// the page's one button, as a user does. Returns the POST's answer.
    pub async fn open_email_link(&mut self, link: &str) -> Answer {
        let path = link
            .strip_prefix(&self.origin)
            .unwrap_or_else(|| panic!("{link} is not on {}", self.origin))
            .to_owned();
        let page = self.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "confirm page: {}", page.text());
        let action = path.split('?').next().unwrap_or_default().to_owned();
        let fields = ["csrfToken", "callbackUrl", "email", "token"]
            .map(|name| (name, page.hidden_input(name)));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post_form(&action, &fields).await
    }

    /// `GET <base>/session` as JSON.
    pub async fn session(&mut self) -> Value {
        let base = self.auth.base_path().to_owned();
        let answer = self.get(&format!("{base}/session")).await;
        assert_eq!(answer.status, StatusCode::OK, "session: {}", answer.text());
        answer.json()
    }
}
