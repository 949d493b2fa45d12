//! Test helpers shared by the authrs crates: a browser-like client ([`EngineClient`]) that
//! drives the engine in-process with `http::Request`s (straight, or through an axum app with
//! the `axum` feature) and keeps a cookie jar, with the protocol's steps (CSRF token, sign-in,
//! email link, OAuth start) and the checks of their answers; the cookie, form and page
//! primitives that the server's own HTTP client shares; the adapter conformance suite
//! ([`conformance`]) that every storage back end runs; the rate-limit store conformance suite
//! ([`limits`]) that every limit store runs; [`concurrency`], for tests of concurrent work
//! that must not sleep; [`webauthn`], a software passkey authenticator; [`TempDir`], scratch directories removed on drop; and, with the `postgres` feature, a fresh PostgreSQL database per test
//! (`postgres`).
#![forbid(unsafe_code)]

pub mod background;
pub mod concurrency;
pub mod conformance;
pub mod limits;
pub mod log;
pub mod oidc;
pub mod outbox;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod process;
pub mod session_flow;
pub mod smtp;
pub mod temp;
pub mod webauthn;

pub use temp::TempDir;

use std::collections::BTreeMap;

use authrs_core::Auth;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use serde_json::Value;

/// Creates a user of `adapter` whose address is proven, with this password hash, as a sign-up
/// that was confirmed leaves it; returns the user's id.
pub async fn verified_user(
    adapter: &dyn authrs_core::adapter::Adapter,
    email: &str,
    password_hash: String,
) -> String {
    let user = adapter
        .create_user(authrs_core::adapter::NewUser {
            email: Some(email.to_owned()),
            email_verified: Some(authrs_core::adapter::Timestamp::from_millis(1)),
            password_hash: Some(password_hash),
            ..authrs_core::adapter::NewUser::default()
        })
        .await
        .expect("the user is created");
    user.id
}

/// The `name=value` part of every `Set-Cookie` header, in order.
pub fn set_cookie_pairs(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or("").to_owned())
        .collect()
}

/// Applies one `Set-Cookie` header value to a cookie jar (name to raw value), as a browser
/// does: the cookie is stored, or removed when the header deletes it
/// ([`deletes_cookie`]). A header with no `name=value` is ignored.
pub fn store_set_cookie(jar: &mut BTreeMap<String, String>, set_cookie: &str) {
    let Some((name, value)) = set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
    else {
        return;
    };
    if deletes_cookie(set_cookie) {
        jar.remove(name.trim());
    } else {
        jar.insert(name.trim().to_owned(), value.trim().to_owned());
    }
}

/// Whether a `Set-Cookie` header value deletes its cookie, as a browser reads it: `Max-Age=0`,
/// or an `Expires` in 1970 (an empty value alone does not: a browser keeps an empty cookie).
pub fn deletes_cookie(set_cookie: &str) -> bool {
    set_cookie.split(';').skip(1).any(|attribute| {
        let attribute = attribute.trim().to_ascii_lowercase();
        attribute == "max-age=0"
            || (attribute.starts_with("expires=") && attribute.contains("1970"))
    })
}

/// The `Cookie` header a browser holding `jar` sends: `name=value` pairs joined by `; `.
pub fn cookie_header(jar: &BTreeMap<String, String>) -> String {
    jar.iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `application/x-www-form-urlencoded` encoding of one value (space as `+`).
pub fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The value of the hidden form input `name` in an HTML page (HTML entities for `&` and `"`
/// decoded); panics with the page when there is none.
pub fn hidden_input(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden input {name} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').expect("the value ends");
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
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
        hidden_input(&self.text(), name)
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

    /// The `Set-Cookie` headers for the session cookie, under any prefix (`next-auth.`,
    /// `authjs.`, `__Secure-`), whole or in chunks, deletions included.
    pub fn session_set_cookies(&self) -> Vec<&str> {
        self.set_cookies()
            .into_iter()
            .filter(|cookie| is_session_cookie_name(cookie.split('=').next().unwrap_or_default()))
            .collect()
    }

    /// Whether the answer sets a session cookie (rather than only deleting one).
    pub fn sets_session_cookie(&self) -> bool {
        self.session_set_cookies()
            .into_iter()
            .any(|cookie| !deletes_cookie(cookie))
    }

    /// Fails the test unless this answer ends a sign-in that worked, as a browser's form post
    /// or a provider's callback does: `302` to `target`, setting a session cookie.
    #[track_caller]
    pub fn assert_signed_in_to(&self, target: &str) {
        assert_eq!(self.status, StatusCode::FOUND, "{}", self.text());
        assert_eq!(self.header("location"), Some(target), "{}", self.text());
        assert!(self.sets_session_cookie(), "no session cookie: {self:?}");
    }

    /// Fails the test unless this answer ends a sign-in that worked in JSON-redirect mode
    /// (`json=true`, as next-auth's client posts): `200` with `{"url": target}`, setting a
    /// session cookie.
    #[track_caller]
    pub fn assert_signed_in_json_to(&self, target: &str) {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text());
        assert_eq!(self.json()["url"], target, "{}", self.text());
        assert!(self.sets_session_cookie(), "no session cookie: {self:?}");
    }

    /// Fails the test unless this answer refuses a sign-in by redirecting to `target` (an
    /// error page): a redirect status, `Location: target`, and no session cookie sent (not
    /// even a deletion).
    #[track_caller]
    pub fn assert_refused_to(&self, target: &str) {
        assert_eq!(
            self.header("location"),
            Some(target),
            "{} {}",
            self.status,
            self.text()
        );
        assert!(self.status.is_redirection(), "{}", self.status);
        let session = self.session_set_cookies();
        assert!(session.is_empty(), "session cookies were sent: {session:?}");
    }
}

/// Whether a cookie name is the session cookie's, under any prefix, or one of its chunks
/// (`<name>.0`, `<name>.1`, …).
fn is_session_cookie_name(name: &str) -> bool {
    let whole = match name.rsplit_once('.') {
        Some((whole, chunk)) if !chunk.is_empty() && chunk.bytes().all(|b| b.is_ascii_digit()) => {
            whole
        }
        _ => name,
    };
    whole.ends_with("session-token")
}

/// A browser-like client for the engine: it stores cookies from `Set-Cookie` (honouring
/// deletion) and sends them back. Its requests go straight to [`Auth::handle`] (with the
/// absolute URL of the engine's origin), or, made with [`EngineClient::for_router`], through
/// an axum app that mounts the engine's routes (with the path as the request target, as a
/// server passes it on).
#[derive(Debug, Clone)]
pub struct EngineClient {
    auth: Auth,
    origin: String,
    target: Target,
    /// Cookies by name (raw, still percent-encoded, as a browser stores them).
    pub jar: BTreeMap<String, String>,
    /// Headers added to every request.
    pub extra_headers: HeaderMap,
    /// The client address the requests come from (as `authrs-axum` would supply it; through
    /// a router, as axum's `ConnectInfo`).
    pub client_address: Option<std::net::IpAddr>,
}

/// Where an [`EngineClient`]'s requests go.
#[derive(Debug, Clone)]
enum Target {
    /// Straight to the engine.
    Engine,
    /// Through an axum app, with `Router::oneshot`.
    #[cfg(feature = "axum")]
    Router(axum::Router),
}

impl EngineClient {
    /// A client for `auth`, sending requests to its configured origin.
    pub fn new(auth: Auth) -> Self {
        let base = url::Url::parse(auth.base_url()).expect("base URL parses");
        let origin = base.origin().ascii_serialization();
        Self {
            auth,
            origin,
            target: Target::Engine,
            jar: BTreeMap::new(),
            extra_headers: HeaderMap::new(),
            client_address: None,
        }
    }

    /// A client for `auth` whose requests go through `router`, an app that mounts the
    /// engine's routes (and maybe its own), in-process with `Router::oneshot`. The helpers
    /// that take the base path (`csrf_token`, `sign_in_with`, …) use `auth`'s.
    #[cfg(feature = "axum")]
    pub fn for_router(auth: Auth, router: axum::Router) -> Self {
        Self {
            target: Target::Router(router),
            ..Self::new(auth)
        }
    }

    /// The engine.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The `Cookie` header the client would send now.
    pub fn cookie_header(&self) -> String {
        cookie_header(&self.jar)
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
        let uri = match self.target {
            Target::Engine => format!("{}{path}", self.origin),
            #[cfg(feature = "axum")]
            Target::Router(_) => path.to_owned(),
        };
        let mut builder = Request::builder().method(method).uri(uri);
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
        let request = builder.body(body).expect("test request builds");
        let response = match &self.target {
            Target::Engine => {
                let mut request = request;
                if let Some(address) = self.client_address {
                    request
                        .extensions_mut()
                        .insert(authrs_core::ratelimit::ClientAddress(address));
                }
                self.auth.handle(request).await
            }
            #[cfg(feature = "axum")]
            Target::Router(router) => {
                through_router(router.clone(), request, self.client_address).await
            }
        };
        let (parts, body) = response.into_parts();
        let answer = Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        for set_cookie in answer.set_cookies() {
            store_set_cookie(&mut self.jar, set_cookie);
        }
        answer
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Answer {
        self.get_with_headers(path, &[]).await
    }

    /// `GET path` with extra headers.
    pub async fn get_with_headers(&mut self, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.send(Method::GET, path, None, Bytes::new(), headers)
            .await
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

    /// `POST path` with a form as a page of the engine sends it: a fresh CSRF token
    /// ([`csrf_token`](Self::csrf_token)) as `csrfToken`, then `fields`. The engine answers
    /// with a `302`.
    pub async fn post_form_with_csrf(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.csrf_token().await;
        let mut form: Vec<(&str, &str)> = vec![("csrfToken", token.as_str())];
        form.extend_from_slice(fields);
        self.post_form(path, &form).await
    }

    /// [`post_form_with_csrf`](Self::post_form_with_csrf) in JSON-redirect mode, as
    /// next-auth's client posts: `json=true` follows the token, and the engine answers with
    /// its redirect target as `{"url": …}` instead of a `302`.
    pub async fn post_form_with_csrf_json(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let mut form: Vec<(&str, &str)> = vec![("json", "true")];
        form.extend_from_slice(fields);
        self.post_form_with_csrf(path, &form).await
    }

    /// Signs in through `provider`'s callback (`<base>/callback/<provider>`) with `fields`,
    /// in JSON-redirect mode. Returns the answer, whatever it is.
    pub async fn sign_in_with(&mut self, provider: &str, fields: &[(&str, &str)]) -> Answer {
        let base = self.auth.base_path().to_owned();
        self.post_form_with_csrf_json(&format!("{base}/callback/{provider}"), fields)
            .await
    }

    /// Signs in through the `credentials` provider with a username and password (JSON-redirect
    /// mode). Returns the answer, whatever it is.
    pub async fn sign_in_with_credentials(&mut self, username: &str, password: &str) -> Answer {
        self.sign_in_with(
            "credentials",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// Signs in through the `email-password` provider with an address and password
    /// (JSON-redirect mode). Returns the answer, whatever it is.
    pub async fn sign_in_with_email_password(&mut self, email: &str, password: &str) -> Answer {
        self.sign_in_with(
            "email-password",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Asks for an email sign-in link for `email` (`POST <base>/signin/email`, with a fresh
    /// CSRF token), followed by `fields` (`callbackUrl`, `json`, …).
    pub async fn request_email_sign_in(&mut self, email: &str, fields: &[(&str, &str)]) -> Answer {
        let base = self.auth.base_path().to_owned();
        let mut form: Vec<(&str, &str)> = vec![("email", email)];
        form.extend_from_slice(fields);
        self.post_form_with_csrf(&format!("{base}/signin/email"), &form)
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

    /// Starts an OAuth sign-in with `provider` (`POST <base>/signin/<provider>` in
    /// JSON-redirect mode, `authorization_params` in its query, `callback_url` as where to
    /// land) and returns the authorization URL the engine sends the browser to.
    pub async fn start_oauth_sign_in(
        &mut self,
        provider: &str,
        authorization_params: &[(&str, &str)],
        callback_url: &str,
    ) -> url::Url {
        let base = self.auth.base_path().to_owned();
        let mut path = format!("{base}/signin/{provider}");
        if !authorization_params.is_empty() {
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(authorization_params)
                .finish();
            path = format!("{path}?{query}");
        }
        let answer = self
            .post_form_with_csrf_json(&path, &[("callbackUrl", callback_url)])
            .await;
        let url = answer.json()["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no authorization URL: {}", answer.text()))
            .to_owned();
        url::Url::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    /// `GET <base>/session` as JSON.
    pub async fn session(&mut self) -> Value {
        let base = self.auth.base_path().to_owned();
        let answer = self.get(&format!("{base}/session")).await;
        assert_eq!(answer.status, StatusCode::OK, "session: {}", answer.text());
        answer.json()
    }
}

/// Sends `request` through `router` and reads the whole answer, as [`EngineClient`] does with
/// the engine.
#[cfg(feature = "axum")]
async fn through_router(
    router: axum::Router,
    request: Request<Bytes>,
    client_address: Option<std::net::IpAddr>,
) -> http::Response<Bytes> {
    use tower::ServiceExt as _;
    let mut request = request.map(axum::body::Body::from);
    if let Some(address) = client_address {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                address, 0,
            )));
    }
    let response = router.oneshot(request).await.expect("a Router never fails");
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the app's body reads");
    http::Response::from_parts(parts, body)
}
