//! Request parsing: path to action, query and body (form or JSON) to parameters, and the
//! public origin.

use http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::url::Origin;

/// The routes below the base path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Providers,
    Session,
    Csrf,
    SignIn,
    SignOut,
    Callback,
    VerifyRequest,
    Error,
    Log,
    /// Our own email-and-password account routes.
    Account,
}

impl Action {
    pub(crate) fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "providers" => Self::Providers,
            "session" => Self::Session,
            "csrf" => Self::Csrf,
            "signin" => Self::SignIn,
            "signout" => Self::SignOut,
            "callback" => Self::Callback,
            "verify-request" => Self::VerifyRequest,
            "error" => Self::Error,
            "_log" => Self::Log,
            "account" => Self::Account,
            _ => return None,
        })
    }
}

/// Where a request is routed: `Some((action, provider))`, or `None` when the path is outside the
/// base path (not ours) and `Err(())` when it is inside but names no valid action.
pub(crate) fn route<'a>(
    path: &'a str,
    base_path: &str,
) -> Option<Result<(Action, Option<&'a str>), ()>> {
    let rest = path.strip_prefix(base_path)?;
    let rest = match rest.strip_prefix('/') {
        Some(rest) => rest,
        None if rest.is_empty() => return Some(Err(())),
        None => return None,
    };
    let mut segments = rest.split('/');
    let action = segments.next().and_then(Action::parse);
    let provider = segments.next().filter(|s| !s.is_empty());
    // More than two segments, or an empty trailing one after a provider, is not a route.
    if segments.next().is_some() {
        return Some(Err(()));
    }
    Some(action.map(|action| (action, provider)).ok_or(()))
}

/// The largest request body the engine parses, in bytes (64 KiB). Integrations refuse larger
/// bodies with `413` before reading past this limit.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Parses a POST body: `application/x-www-form-urlencoded` (all values strings) or JSON
/// objects. Anything else, or anything that does not parse, is an empty body.
pub(crate) fn parse_body(headers: &HeaderMap, body: &[u8]) -> Map<String, Value> {
    if body.is_empty() || body.len() > MAX_BODY_BYTES {
        return Map::new();
    }
    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    match content_type.as_str() {
        "application/json" => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            // next-auth v3 labels its form-encoded `_log` beacon as JSON; read it as a form.
            Ok(_) => Map::new(),
            Err(_) => parse_form(body),
        },
        "application/x-www-form-urlencoded" | "" | "text/plain" => parse_form(body),
        _ => Map::new(),
    }
}

fn parse_form(body: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        // The first occurrence of a repeated key wins.
        map.entry(key.into_owned())
            .or_insert_with(|| Value::String(value.into_owned()));
    }
    map
}

pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .take(64)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The public origin from `X-Forwarded-Host` and `X-Forwarded-Proto`, when they form a valid
/// origin. Only called when the configuration trusts them.
pub(crate) fn forwarded_origin(headers: &HeaderMap, configured: &Origin) -> Option<Origin> {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let host = first("x-forwarded-host")?;
    if host.contains(['/', '\\', '@', '?', '#'])
        || host.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let scheme = match first("x-forwarded-proto") {
        Some(proto) if proto.eq_ignore_ascii_case("http") => "http",
        Some(_) => "https",
        None if configured.is_https() => "https",
        None => "http",
    };
    Origin::parse(&format!("{scheme}://{host}")).ok()
}

pub(crate) fn is_state_changing(method: &Method) -> bool {
    method == Method::POST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_actions_and_providers() {
        assert_eq!(
            route("/api/auth/session", "/api/auth"),
            Some(Ok((Action::Session, None)))
        );
        assert_eq!(
            route("/api/auth/callback/credentials", "/api/auth"),
            Some(Ok((Action::Callback, Some("credentials"))))
        );
        assert_eq!(
            route("/api/auth/signin/", "/api/auth"),
            Some(Ok((Action::SignIn, None)))
        );
        assert_eq!(route("/api/auth/nope", "/api/auth"), Some(Err(())));
        assert_eq!(route("/api/auth/a/b/c", "/api/auth"), Some(Err(())));
        assert_eq!(route("/api/auth", "/api/auth"), Some(Err(())));
        assert_eq!(route("/api/authx/session", "/api/auth"), None);
        assert_eq!(route("/other", "/api/auth"), None);
    }

    #[test]
    fn parses_form_and_json_bodies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let body = parse_body(&headers, b"a=1&b=x%20y&a=2&json=true");
        assert_eq!(body["a"], "1");
        assert_eq!(body["b"], "x y");
        headers.insert(
            http::header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        let body = parse_body(&headers, br#"{"csrfToken":"t","data":{"n":1}}"#);
        assert_eq!(body["data"]["n"], 1);
        // A form body mislabelled as JSON (next-auth v3's logger) still parses.
        assert_eq!(parse_body(&headers, b"level=error&code=X")["code"], "X");
        headers.insert(
            http::header::CONTENT_TYPE,
            "multipart/form-data".parse().unwrap(),
        );
        assert!(parse_body(&headers, b"a=1").is_empty());
    }

    #[test]
    fn forwarded_origin_requires_a_clean_host() {
        let configured = Origin::parse("http://localhost:3000").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-host",
            "app.example, proxy.internal".parse().unwrap(),
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert_eq!(
            forwarded_origin(&headers, &configured).unwrap().as_str(),
            "https://app.example"
        );
        headers.insert("x-forwarded-host", "evil.example/path".parse().unwrap());
        assert!(forwarded_origin(&headers, &configured).is_none());
        headers.insert("x-forwarded-host", "user@evil.example".parse().unwrap());
        assert!(forwarded_origin(&headers, &configured).is_none());
    }
}
