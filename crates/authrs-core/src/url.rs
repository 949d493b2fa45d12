//! Callback URLs: the one validator every redirect passes through, and the site's origin.
//!
//! Rules (CVE-2022-24858, CVE-2022-29214, CVE-2022-31093, CVE-2025-27143, CVE-2026-67333):
//! 1. The candidate is resolved against the site origin with a WHATWG URL parser (the `url` crate),
//!    exactly as a browser would resolve a `Location` header.
//! 2. It is accepted only if the result is `http`/`https` and its origin (scheme, host, port) is
//!    the site's origin or one of the configured trusted origins. So `/dashboard` and
//!    `http://site/x` pass, while `//evil.example`, `/\evil.example`, `https://evil.example`,
//!    `javascript:…` and their encoded or whitespace-padded variants do not.
//! 3. Anything else, including input that does not parse, yields the site origin. The validator
//!    never fails.

use std::fmt;

use url::Url;

/// A site origin: scheme, host and port, serialised without a trailing slash
/// (`http://localhost:3000`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    url: Url,
    serialized: String,
}

impl Origin {
    /// Parses an origin from an absolute `http`/`https` URL; any path is ignored.
    pub fn parse(input: &str) -> Result<Self, String> {
        let url =
            Url::parse(input).map_err(|e| format!("{input:?} is not an absolute URL: {e}"))?;
        Self::from_url(&url)
            .ok_or_else(|| format!("{input:?} is not an http or https URL with a host"))
    }

    /// The origin of a parsed URL, if it is `http`/`https` with a host.
    pub fn from_url(url: &Url) -> Option<Self> {
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return None;
        }
        let serialized = url.origin().ascii_serialization();
        let url = Url::parse(&serialized).ok()?;
        Some(Self { url, serialized })
    }

    /// `http://host:port` as text.
    pub fn as_str(&self) -> &str {
        &self.serialized
    }

    /// The host and, when not the scheme's default, the port: `example.com`,
    /// `localhost:3000`.
    #[cfg_attr(not(feature = "email"), allow(dead_code))]
    pub fn host(&self) -> &str {
        self.serialized
            .split_once("://")
            .map_or(self.serialized.as_str(), |(_, host)| host)
    }

    /// Whether the origin is `https`.
    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// The origin as a parsed URL (path `/`), the base for resolving relative paths.
    pub fn as_url(&self) -> &Url {
        &self.url
    }
}

impl fmt::Debug for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Origin({})", self.serialized)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialized)
    }
}

/// Validates a redirect target against the site origin and the trusted origins.
///
/// Returns the resolved absolute URL when it is allowed, and `None` otherwise; see
/// [`resolve_callback_url`] for the variant that falls back to the origin.
pub fn validate_callback_url(
    candidate: &str,
    origin: &Origin,
    trusted: &[Origin],
) -> Option<String> {
    // A generous bound: callback URLs travel in cookies, which cap out near 4 KB anyway.
    if candidate.is_empty() || candidate.len() > 4096 {
        return None;
    }
    let resolved = origin.as_url().join(candidate).ok()?;
    let resolved_origin = Origin::from_url(&resolved)?;
    if resolved_origin != *origin && !trusted.contains(&resolved_origin) {
        return None;
    }
    // The bare origin is written as NextAuth's `baseUrl`, without a trailing slash.
    let bare =
        resolved.path() == "/" && resolved.query().is_none() && resolved.fragment().is_none();
    if bare && !candidate.trim_end().ends_with('/') {
        Some(resolved_origin.as_str().to_owned())
    } else {
        Some(resolved.into())
    }
}

/// [`validate_callback_url`], falling back to the site origin for anything not allowed.
pub fn resolve_callback_url(candidate: &str, origin: &Origin, trusted: &[Origin]) -> String {
    validate_callback_url(candidate, origin, trusted).unwrap_or_else(|| origin.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Origin {
        Origin::parse("http://localhost:3000/api/auth").unwrap()
    }

    fn check(input: &str, expected: &str) {
        assert_eq!(
            resolve_callback_url(input, &site(), &[]),
            expected,
            "input {input:?}"
        );
    }

    #[test]
    fn relative_paths_are_made_absolute() {
        check("/dashboard", "http://localhost:3000/dashboard");
        check("/a/b?c=d#e", "http://localhost:3000/a/b?c=d#e");
        check("dashboard", "http://localhost:3000/dashboard");
    }

    #[test]
    fn same_origin_absolute_urls_pass() {
        check("http://localhost:3000/x", "http://localhost:3000/x");
        check("HTTP://LOCALHOST:3000/x", "http://localhost:3000/x");
    }

    #[test]
    fn callback_url_to_other_origin_falls_back_to_base_url() {
        for evil in [
            "https://evil.example",
            "https://evil.example/http://localhost:3000",
            "http://localhost:3001/x",
            "https://localhost:3000/x",
            "http://localhost:3000.evil.example/",
            "http://localhost:3000@evil.example/",
        ] {
            check(evil, "http://localhost:3000");
        }
    }

    #[test]
    fn protocol_relative_and_backslash_forms_are_external() {
        for evil in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            " //evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "\u{0}//evil.example",
            "http:evil.example",
        ] {
            // `http:evil.example` is relative to an http base: it stays on our origin.
            let out = resolve_callback_url(evil, &site(), &[]);
            assert!(
                out.starts_with("http://localhost:3000"),
                "{evil:?} -> {out}"
            );
        }
        check("//evil.example", "http://localhost:3000");
        check("/\\evil.example", "http://localhost:3000");
    }

    #[test]
    fn non_http_schemes_are_refused() {
        for evil in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "https:evil.example",
        ] {
            check(evil, "http://localhost:3000");
        }
    }

    #[test]
    fn encoded_forms_stay_on_the_site() {
        // Percent-encoded slashes are path characters, not authority separators.
        check(
            "/%2F%2Fevil.example",
            "http://localhost:3000/%2F%2Fevil.example",
        );
        check(
            "%2F%2Fevil.example",
            "http://localhost:3000/%2F%2Fevil.example",
        );
        check("/%5Cevil.example", "http://localhost:3000/%5Cevil.example");
        check(
            "https%3A%2F%2Fevil.example",
            "http://localhost:3000/https%3A%2F%2Fevil.example",
        );
    }

    #[test]
    fn malformed_input_falls_back_and_never_panics() {
        for bad in [
            "",
            "http://",
            "http://[::1",
            "http://%",
            "https://a b",
            &"/x".repeat(5000),
            "\u{feff}",
            "http://\u{0}",
        ] {
            let out = resolve_callback_url(bad, &site(), &[]);
            assert!(out.starts_with("http://localhost:3000"), "{bad:?} -> {out}");
        }
    }

    #[test]
    fn trusted_origins_are_matched_exactly() {
        let trusted = [Origin::parse("https://app.example").unwrap()];
        assert_eq!(
            resolve_callback_url("https://app.example/x", &site(), &trusted),
            "https://app.example/x"
        );
        for near in [
            "https://app.example.evil",
            "https://evil.app.example",
            "http://app.example/x",
            "https://app.example:444/",
        ] {
            assert_eq!(
                resolve_callback_url(near, &site(), &trusted),
                "http://localhost:3000",
                "{near}"
            );
        }
    }

    #[test]
    fn origins_parse_only_http_with_a_host() {
        assert_eq!(
            Origin::parse("https://example.com/api/auth")
                .unwrap()
                .as_str(),
            "https://example.com"
        );
        assert_eq!(
            Origin::parse("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080"
        );
        assert!(Origin::parse("ftp://example.com").is_err());
        assert!(Origin::parse("/relative").is_err());
    }
}
