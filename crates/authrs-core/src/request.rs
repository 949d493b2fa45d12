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
    /// The second step of two-factor sign-in (ours).
    TwoFactor,
    /// A passkey ceremony's options (Auth.js v5's `webauthn-options`).
    WebAuthnOptions,
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
            "two-factor" => Self::TwoFactor,
            "webauthn-options" => Self::WebAuthnOptions,
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

/// Why a POST body was refused before any endpoint saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// A body in a media type this endpoint does not take (415).
    UnsupportedMediaType,
    /// A field given twice, or a body that does not parse (400): which value would count is
    /// exactly what an attacker wants to choose.
    Malformed,
}

/// Parses a POST body, strictly: `application/x-www-form-urlencoded` everywhere, and a JSON
/// object where the protocol sends one (the session update). A field given twice is refused,
/// whatever its name. `/_log` (next-auth's logger, which changes nothing) takes either
/// form, as every client generation labels it. An empty body is an empty map.
pub(crate) fn parse_body(
    headers: &HeaderMap,
    body: &[u8],
    action: Action,
) -> Result<Map<String, Value>, BodyError> {
    if body.is_empty() || body.len() > MAX_BODY_BYTES {
        return Ok(Map::new());
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
    if action == Action::Log {
        // Lenient on purpose: the logger's body is only ever logged, escaped.
        return Ok(match content_type.as_str() {
            "application/json" => match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => map,
                Ok(_) => Map::new(),
                Err(_) => parse_form(body).unwrap_or_default(),
            },
            _ => parse_form(body).unwrap_or_default(),
        });
    }
    match content_type.as_str() {
        "application/x-www-form-urlencoded" => parse_form(body),
        "application/json" if action == Action::Session => parse_json_object(body),
        _ => Err(BodyError::UnsupportedMediaType),
    }
}

fn parse_form(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        if map
            .insert(key.into_owned(), Value::String(value.into_owned()))
            .is_some()
        {
            return Err(BodyError::Malformed);
        }
    }
    Ok(map)
}

/// A JSON object whose top-level keys are all distinct (serde_json would keep the last of
/// a repeated key silently).
fn parse_json_object(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    struct Unique(Map<String, Value>);
    impl<'de> serde::Deserialize<'de> for Unique {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Unique;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object with distinct keys")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut access: A,
                ) -> Result<Unique, A::Error> {
                    let mut map = Map::new();
                    while let Some((key, value)) = access.next_entry::<String, Value>()? {
                        if map.insert(key, value).is_some() {
                            return Err(serde::de::Error::custom("a repeated key"));
                        }
                    }
                    Ok(Unique(map))
                }
            }
            d.deserialize_map(Visit)
        }
    }
    serde_json::from_slice::<Unique>(body)
        .map(|unique| unique.0)
        .map_err(|_| BodyError::Malformed)
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
    fn parses_forms_everywhere_and_json_only_for_the_session_update() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        let body = parse_body(&headers, b"a=1&b=x%20y&json=true", Action::SignIn).unwrap();
        assert_eq!(body["a"], "1");
        assert_eq!(body["b"], "x y");
        // A repeated field is refused, not resolved one way or the other.
        let repeated = parse_body(&headers, b"a=1&a=2", Action::SignIn);
        assert_eq!(repeated, Err(BodyError::Malformed));
        headers.insert(
            http::header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        let json = br#"{"csrfToken":"t","data":{"n":1}}"#;
        let body = parse_body(&headers, json, Action::Session).unwrap();
        assert_eq!(body["data"]["n"], 1);
        assert_eq!(
            parse_body(&headers, json, Action::Callback),
            Err(BodyError::UnsupportedMediaType)
        );
        let twice = br#"{"csrfToken":"t","csrfToken":"u"}"#;
        assert_eq!(
            parse_body(&headers, twice, Action::Session),
            Err(BodyError::Malformed)
        );
        // A form body mislabelled as JSON (next-auth v3's logger) still parses for `_log`.
        let log = parse_body(&headers, b"level=error&code=X", Action::Log).unwrap();
        assert_eq!(log["code"], "X");
        for other in ["multipart/form-data", "text/plain"] {
            headers.insert(http::header::CONTENT_TYPE, other.parse().unwrap());
            assert_eq!(
                parse_body(&headers, b"a=1", Action::SignIn),
                Err(BodyError::UnsupportedMediaType),
                "{other}"
            );
        }
        headers.remove(http::header::CONTENT_TYPE);
        assert_eq!(
            parse_body(&headers, b"a=1", Action::SignIn),
            Err(BodyError::UnsupportedMediaType)
        );
        assert_eq!(parse_body(&headers, b"", Action::SignIn), Ok(Map::new()));
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
