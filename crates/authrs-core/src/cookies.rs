//! Cookies: reading the `Cookie` header, writing `Set-Cookie` in next-auth's form, names per
//! compatibility mode, and chunking of large session tokens.
//!
//! Rules:
//! 1. Values are percent-encoded like JavaScript's `encodeURIComponent` and decoded on read;
//!    a value that does not decode as UTF-8 is ignored, never an error.
//! 2. Secure mode (an `https` base URL) prefixes names with `__Secure-`, and the CSRF cookie with
//!    `__Host-`; those cookies carry `Secure`. All are `HttpOnly`, `SameSite=Lax`, `Path=/`.
//! 3. A session token longer than the chunk size is written as `<name>.0`, `<name>.1`, … and any
//!    chunk the request carried that is not overwritten is deleted in the same response.
//!    Reading joins every cookie named `<name>` or `<name>.<n>` in numeric order.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::clock::http_date;

/// Characters `encodeURIComponent` leaves alone: `A–Z a–z 0–9 - _ . ! ~ * ' ( )`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Whether `encodeURIComponent` leaves this byte unescaped (the complement of [`URI_COMPONENT`]).
/// A table, because every session cookie written runs every byte of its token through it.
fn is_uri_component_safe(byte: u8) -> bool {
    const SAFE: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
                );
            b += 1;
        }
        table
    };
    SAFE[usize::from(byte)]
}

/// Most cookies one request may carry before the rest are ignored (a bound on parsing work).
const MAX_COOKIES: usize = 256;
/// Most chunks a session token may be split into (16 × ~4 KB is far beyond any real session).
const MAX_CHUNKS: usize = 16;

/// The cookies of one request, borrowed from its `Cookie` headers. Values are percent-decoded
/// when they are read, so cookies a request never looks at cost nothing to decode.
#[derive(Debug, Default)]
pub struct RequestCookies<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

/// Percent-decodes a cookie value; `None` when it does not decode to UTF-8.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    // Most values (tokens, hex) have no escapes: skip the byte-wise decoder for them.
    if raw.contains('%') {
        percent_decode_str(raw).decode_utf8().ok()
    } else {
        Some(Cow::Borrowed(raw))
    }
}

impl<'a> RequestCookies<'a> {
    /// Splits every `Cookie` header of a request into name/value pairs.
    pub fn from_headers(headers: &'a http::HeaderMap) -> Self {
        let mut pairs = Vec::new();
        for header in headers.get_all(http::header::COOKIE) {
            // UTF-8 validation is vectorised; `HeaderValue::to_str` checks byte by byte.
            let Ok(header) = std::str::from_utf8(header.as_bytes()) else {
                continue;
            };
            for item in header.split(';') {
                if pairs.len() >= MAX_COOKIES {
                    break;
                }
                let Some((name, value)) = item.split_once('=') else {
                    continue;
                };
                let name = name.trim();
                let mut value = value.trim();
                if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
                    value = &value[1..value.len() - 1];
                }
                if !name.is_empty() {
                    pairs.push((name, value));
                }
            }
        }
        Self { pairs }
    }

    /// The first cookie with this exact name whose value decodes.
    pub fn get(&self, name: &str) -> Option<Cow<'a, str>> {
        self.pairs
            .iter()
            .filter(|(n, _)| *n == name)
            .find_map(|(_, raw)| decode(raw))
    }

    /// The session token under `name`, joined from its chunks when it was split.
    pub fn chunked(&self, name: &str) -> Option<Cow<'a, str>> {
        let mut chunks: Vec<(u32, Cow<'a, str>)> = self
            .pairs
            .iter()
            .filter_map(|(n, raw)| Some((chunk_index(n, name)?, *raw)))
            .take(MAX_CHUNKS)
            .filter(|(_, raw)| !raw.is_empty())
            .filter_map(|(index, raw)| Some((index, decode(raw)?)))
            .collect();
        match chunks.len() {
            0 => None,
            1 => chunks.pop().map(|(_, value)| value),
            _ => {
                chunks.sort_by_key(|(index, _)| *index);
                Some(Cow::Owned(chunks.iter().map(|(_, v)| v.as_ref()).collect()))
            }
        }
    }

    /// Names of every cookie that belongs to the chunked cookie `name` (the bare name included).
    pub fn chunk_cookie_names(&self, name: &str) -> Vec<&'a str> {
        let mut names: Vec<&'a str> = self
            .pairs
            .iter()
            .filter(|(n, _)| chunk_index(n, name).is_some())
            .map(|(n, _)| *n)
            .collect();
        names.dedup();
        names
    }
}

/// `Some(0)` for the bare name, `Some(n)` for `name.n`, `None` for any other cookie.
fn chunk_index(cookie: &str, name: &str) -> Option<u32> {
    let rest = cookie.strip_prefix(name)?;
    if rest.is_empty() {
        return Some(0);
    }
    let digits = rest.strip_prefix('.')?;
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// When a cookie expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieLifetime {
    /// No `Expires`: the browser drops it when it closes.
    BrowserSession,
    /// `Expires` at this Unix time (seconds).
    ExpiresAt(u64),
    /// `Max-Age` seconds plus the matching `Expires` (the check cookies).
    #[cfg_attr(not(any(feature = "email", feature = "oauth")), allow(dead_code))]
    MaxAge {
        /// Seconds the cookie lives.
        seconds: u64,
        /// Unix time now, for the `Expires` attribute.
        now_secs: u64,
    },
    /// Deletion: empty value and `Max-Age=0`.
    Delete,
}

/// One `Set-Cookie` header to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Cookie name.
    pub name: String,
    /// Value before percent-encoding.
    pub value: String,
    /// Lifetime.
    pub lifetime: CookieLifetime,
    /// Whether to add `Secure`.
    pub secure: bool,
    /// `SameSite=None` instead of `Lax` (with `Secure`): for the check cookies of a provider
    /// that returns with a cross-site POST (`form_post`), which `Lax` cookies do not reach.
    pub same_site_none: bool,
}

impl SetCookie {
    /// Serialises as next-auth does:
    /// `name=value; Max-Age=N; Path=/; Expires=…; HttpOnly; Secure; SameSite=Lax`.
    pub fn to_header_value(&self) -> String {
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 96);
        out.push_str(&self.name);
        out.push('=');
        if self.lifetime != CookieLifetime::Delete {
            // Tokens are base64url and dots, which need no escaping: copy them as they are.
            if self.value.bytes().all(is_uri_component_safe) {
                out.push_str(&self.value);
            } else {
                out.extend(utf8_percent_encode(&self.value, URI_COMPONENT));
            }
        }
        match self.lifetime {
            CookieLifetime::MaxAge { seconds, .. } => {
                out.push_str("; Max-Age=");
                out.push_str(&seconds.to_string());
            }
            CookieLifetime::Delete => out.push_str("; Max-Age=0"),
            _ => {}
        }
        out.push_str("; Path=/");
        match self.lifetime {
            CookieLifetime::ExpiresAt(at) => {
                out.push_str("; Expires=");
                out.push_str(&http_date(at));
            }
            CookieLifetime::MaxAge { seconds, now_secs } => {
                out.push_str("; Expires=");
                out.push_str(&http_date(now_secs.saturating_add(seconds)));
            }
            _ => {}
        }
        out.push_str("; HttpOnly");
        if self.secure {
            out.push_str("; Secure");
        }
        if self.same_site_none {
            out.push_str("; SameSite=None");
        } else {
            out.push_str("; SameSite=Lax");
        }
        out
    }
}

/// The cookie names in force, fixed when the configuration is built.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CookieNames {
    /// Session token (chunked when large).
    pub session_token: String,
    /// Last validated callback URL.
    pub callback_url: String,
    /// Double-submit CSRF token.
    pub csrf_token: String,
    /// The OAuth `state` check.
    pub state: String,
    /// The OAuth PKCE verifier check.
    pub pkce_code_verifier: String,
    /// The OAuth `nonce` check.
    pub nonce: String,
    /// The address a sign-in mail went to (fills the code form; ours, not NextAuth's).
    pub email_hint: String,
    /// The browser that signed up: only it keeps the password it chose when the address is
    /// proven (ours).
    pub sign_up: String,
    /// The language chosen with `?lang=` on a page (ours).
    pub lang: String,
    /// The state between the first factor and the second: five minutes, encrypted (ours).
    pub two_factor: String,
    /// "Remember this device" for two-factor sign-in (ours).
    pub two_factor_device: String,
    /// A passkey ceremony's challenge: five minutes, encrypted (Auth.js's name).
    pub challenge: String,
    /// A new account's checked passkey, waiting for its address to be proven (ours).
    pub passkey_sign_up: String,
    /// Whether cookies carry `Secure` (and the prefixes).
    pub secure: bool,
}

impl CookieNames {
    /// Names for a prefix (`next-auth.` or `authjs.`) in plain or secure mode.
    pub fn new(prefix: &str, secure: bool) -> Self {
        let (normal, host) = if secure {
            ("__Secure-", "__Host-")
        } else {
            ("", "")
        };
        Self {
            session_token: format!("{normal}{prefix}session-token"),
            callback_url: format!("{normal}{prefix}callback-url"),
            csrf_token: format!("{host}{prefix}csrf-token"),
            state: format!("{normal}{prefix}state"),
            pkce_code_verifier: format!("{normal}{prefix}pkce.code_verifier"),
            nonce: format!("{normal}{prefix}nonce"),
            email_hint: format!("{normal}{prefix}email-hint"),
            sign_up: format!("{normal}{prefix}sign-up"),
            lang: format!("{normal}{prefix}lang"),
            two_factor: format!("{normal}{prefix}two-factor"),
            two_factor_device: format!("{normal}{prefix}two-factor-device"),
            challenge: format!("{host}{prefix}challenge"),
            passkey_sign_up: format!("{host}{prefix}passkey-sign-up"),
            secure,
        }
    }
}

/// Writes a session token, split into chunks of at most `chunk_size` characters when it is
/// longer, and deletes any chunk the request had that this write does not replace.
pub fn write_chunked(
    name: &str,
    value: &str,
    lifetime: CookieLifetime,
    secure: bool,
    chunk_size: usize,
    existing: &RequestCookies<'_>,
    out: &mut Vec<SetCookie>,
) {
    let mut written: Vec<String> = Vec::new();
    if value.len() <= chunk_size {
        out.push(SetCookie {
            name: name.to_owned(),
            value: value.to_owned(),
            lifetime,
            secure,
            same_site_none: false,
        });
        written.push(name.to_owned());
    } else {
        // Token values are base64url and dots, so byte slicing lands on character boundaries;
        // fall back to char-wise splitting for anything else.
        let mut start = 0;
        let mut index = 0;
        while start < value.len() {
            let mut end = (start + chunk_size).min(value.len());
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            let chunk_name = format!("{name}.{index}");
            out.push(SetCookie {
                name: chunk_name.clone(),
                value: value[start..end].to_owned(),
                lifetime,
                secure,
                same_site_none: false,
            });
            written.push(chunk_name);
            start = end;
            index += 1;
        }
    }
    for stale in existing.chunk_cookie_names(name) {
        if !written.iter().any(|w| w == stale) {
            out.push(delete(stale, secure));
        }
    }
}

/// Deletes the chunked cookie `name` and every chunk of it the request carried.
pub fn delete_chunked(
    name: &str,
    secure: bool,
    existing: &RequestCookies<'_>,
    out: &mut Vec<SetCookie>,
) {
    for stale in existing.chunk_cookie_names(name) {
        out.push(delete(stale, secure));
    }
}

/// A deletion for one cookie.
pub fn delete(name: &str, secure: bool) -> SetCookie {
    SetCookie {
        name: name.to_owned(),
        value: String::new(),
        lifetime: CookieLifetime::Delete,
        secure,
        same_site_none: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn headers(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        headers
    }

    #[test]
    fn parses_and_percent_decodes_values() {
        let h = headers(
            "a=1; next-auth.csrf-token=abc%7Cdef; next-auth.callback-url=http%3A%2F%2Flocalhost%3A3000%2Fdash",
        );
        let jar = RequestCookies::from_headers(&h);
        assert_eq!(jar.get("a").as_deref(), Some("1"));
        assert_eq!(jar.get("next-auth.csrf-token").as_deref(), Some("abc|def"));
        assert_eq!(
            jar.get("next-auth.callback-url").as_deref(),
            Some("http://localhost:3000/dash")
        );
        assert_eq!(jar.get("missing").as_deref(), None);
    }

    #[test]
    fn ignores_garbage_without_failing() {
        let h = headers(";;=x; novalue; bad=%FF%FE; ok=1; =; \"q\"=\"quoted\"");
        let jar = RequestCookies::from_headers(&h);
        assert_eq!(jar.get("ok").as_deref(), Some("1"));
        assert_eq!(jar.get("bad").as_deref(), None);
        assert_eq!(jar.get("\"q\"").as_deref(), Some("quoted"));
    }

    #[test]
    fn serialises_like_next_auth() {
        let cookie = SetCookie {
            name: "next-auth.csrf-token".into(),
            value: "abc|def".into(),
            lifetime: CookieLifetime::BrowserSession,
            secure: false,
            same_site_none: false,
        };
        assert_eq!(
            cookie.to_header_value(),
            "next-auth.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax"
        );
        let session = SetCookie {
            name: "__Secure-next-auth.session-token".into(),
            value: "a.b-c_d".into(),
            lifetime: CookieLifetime::ExpiresAt(1_798_507_359),
            secure: true,
            same_site_none: false,
        };
        assert_eq!(
            session.to_header_value(),
            "__Secure-next-auth.session-token=a.b-c_d; Path=/; Expires=Tue, 29 Dec 2026 01:22:39 GMT; HttpOnly; Secure; SameSite=Lax"
        );
        assert_eq!(
            delete("next-auth.session-token", false).to_header_value(),
            "next-auth.session-token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        let cookie = SetCookie {
            name: "n".into(),
            value: "http://localhost:3000/a b?c=d&e=ü!*'()~".into(),
            lifetime: CookieLifetime::BrowserSession,
            secure: false,
            same_site_none: false,
        };
        assert!(
            cookie
                .to_header_value()
                .starts_with("n=http%3A%2F%2Flocalhost%3A3000%2Fa%20b%3Fc%3Dd%26e%3D%C3%BC!*'()~;")
        );
    }

    #[test]
    fn secure_mode_names_use_prefixes() {
        let names = CookieNames::new("next-auth.", true);
        assert_eq!(names.session_token, "__Secure-next-auth.session-token");
        assert_eq!(names.csrf_token, "__Host-next-auth.csrf-token");
        assert_eq!(names.callback_url, "__Secure-next-auth.callback-url");
        let plain = CookieNames::new("authjs.", false);
        assert_eq!(plain.session_token, "authjs.session-token");
    }

    #[test]
    fn large_session_tokens_are_chunked_and_reassembled() {
        let token: String = (0..10_000)
            .map(|i| (b'a' + (i % 26) as u8) as char)
            .collect();
        let mut out = Vec::new();
        write_chunked(
            "s",
            &token,
            CookieLifetime::ExpiresAt(0),
            false,
            3933,
            &RequestCookies::default(),
            &mut out,
        );
        let names: Vec<_> = out.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["s.0", "s.1", "s.2"]);
        assert!(out.iter().all(|c| c.value.len() <= 3933));
        // Send them back in shuffled order: reading joins them by index.
        let header = format!(
            "s.2={}; other=1; s.0={}; s.1={}",
            out[2].value, out[0].value, out[1].value
        );
        let h = headers(&header);
        let jar = RequestCookies::from_headers(&h);
        assert_eq!(jar.chunked("s").as_deref(), Some(token.as_str()));
    }

    #[test]
    fn writing_a_small_token_deletes_stale_chunks() {
        let h = headers("s.0=aaa; s.1=bbb; s.10x=keep; sx=keep");
        let jar = RequestCookies::from_headers(&h);
        let mut out = Vec::new();
        write_chunked(
            "s",
            "small",
            CookieLifetime::ExpiresAt(0),
            false,
            3933,
            &jar,
            &mut out,
        );
        let summary: Vec<_> = out
            .iter()
            .map(|c| (c.name.as_str(), c.lifetime == CookieLifetime::Delete))
            .collect();
        assert_eq!(summary, [("s", false), ("s.0", true), ("s.1", true)]);
    }

    #[test]
    fn deleting_a_chunked_cookie_deletes_every_chunk() {
        let h = headers("s=x; s.0=a; s.1=b; t=1");
        let jar = RequestCookies::from_headers(&h);
        let mut out = Vec::new();
        delete_chunked("s", false, &jar, &mut out);
        let names: Vec<_> = out.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["s", "s.0", "s.1"]);
    }

    #[test]
    fn chunk_reading_is_bounded() {
        let header: String = (0..100).map(|i| format!("s.{i}=x; ")).collect();
        let h = headers(&header);
        let jar = RequestCookies::from_headers(&h);
        assert_eq!(jar.chunked("s").unwrap().len(), MAX_CHUNKS);
    }
}
