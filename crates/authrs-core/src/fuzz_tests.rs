//! Property tests (unit tests, as they reach the crate's own parsers) of every parser that takes client bytes (issue 13 §5): the `Cookie` header
//! and chunk reassembly, JWE decoding in both formats, form and JSON bodies (through the
//! engine), the callback-URL validator (against the WHATWG parser) and email normalisation.
//! The ID-token checks have theirs in `tests/oauth.rs` (they need the stub provider).
//!
//! Each runs `PROPTEST_CASES` cases (256 by default, in `cargo test`); `scripts/fuzz` runs
//! them for longer. A failure is minimised and its seed kept in
//! `src/fuzz_tests.proptest-regressions` (proptest writes it beside this file), which is
//! committed: the corpus of known bad inputs.

use std::sync::Arc;

use crate::Auth;
use crate::cookies::RequestCookies;
use crate::email::normalize_email;
use crate::jwt::{Claims, TokenCodec, TokenFormat};
use crate::providers::CredentialsProvider;
use crate::secret::Secret;
use crate::url::{Origin, resolve_callback_url};
use bytes::Bytes;
use proptest::prelude::*;
use serde_json::Value;

const SECRET: &str = "0123456789abcdef0123456789abcdef-fuzz";

fn codec(format: TokenFormat) -> TokenCodec {
    let salt = match format {
        TokenFormat::V4 => "",
        _ => "authjs.session-token",
    };
    TokenCodec::new(format, &[Secret::new(SECRET)], salt)
}

fn claims() -> Claims {
    let mut claims = Claims::new();
    claims.insert("sub".into(), Value::from("user-1"));
    claims.insert("name".into(), Value::from("Ada"));
    claims
}

/// Printable ASCII and the characters cookies and URLs like to trip on.
fn nasty_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[ -~\t\r\n%;=,"\\/\u{00e9}\u{ff20}\u{0000}]{0,200}"#)
        .expect("a valid regex")
}

proptest! {
    #[test]
    fn cookie_headers_never_panic_and_chunks_reassemble(
        noise in nasty_text(),
        value in "[A-Za-z0-9_-]{1,3000}",
        cut in 1usize..2999,
    ) {
        let mut headers = http::HeaderMap::new();
        if let Ok(header) = http::HeaderValue::from_str(&noise) {
            headers.append(http::header::COOKIE, header);
        }
        let cut = cut.min(value.len());
        let (first, second) = value.split_at(cut);
        let chunked = if second.is_empty() {
            format!("s.0={first}")
        } else {
            format!("s.1={second}; s.0={first}")
        };
        headers.append(http::header::COOKIE, http::HeaderValue::from_str(&chunked).unwrap());
        let cookies = RequestCookies::from_headers(&headers);
        let _ = cookies.get("next-auth.session-token");
        let _ = cookies.chunked("next-auth.session-token");
        // The noise cannot name `s.*` (it has no such cookie name by construction only when it
        // does not contain it): check the reassembly where it cannot interfere.
        if !noise.contains("s.") {
            let joined = cookies.chunked("s").map(|v| v.into_owned());
            prop_assert_eq!(joined.as_deref(), Some(value.as_str()));
        }
    }

    #[test]
    fn jwe_decoding_never_panics_and_refuses_every_change(
        v5 in any::<bool>(),
        garbage in nasty_text(),
        position in any::<prop::sample::Index>(),
        replacement in "[A-Za-z0-9_.-]",
    ) {
        let format = if v5 { TokenFormat::V5 } else { TokenFormat::V4 };
        let codec = codec(format);
        let now = 1_800_000_000;
        prop_assert!(codec.decode(&garbage, now).is_err());
        let token = codec.encode(&mut claims(), now, 3600);
        prop_assert_eq!(codec.decode(&token, now).unwrap()["sub"].clone(), Value::from("user-1"));
        let at = position.index(token.len());
        let mut changed = token.clone();
        changed.replace_range(at..=at, &replacement);
        if changed != token {
            // Base64url's last character can carry unused bits: a change there may decode to
            // the same bytes, which is the same token. Anything else must be refused.
            let same_bytes = at == token.len() - 1 || token.as_bytes()[at + 1] == b'.';
            if !same_bytes {
                prop_assert!(codec.decode(&changed, now).is_err(), "{changed}");
            }
        }
    }

    #[test]
    fn callback_urls_resolve_only_to_the_site_or_a_trusted_origin(
        candidate in prop_oneof![
            nasty_text(),
            "(https?:)?(//|/\\\\|\\\\\\\\)?[a-z.@:0-9%]{0,30}(/[a-z%.]{0,10}){0,3}",
            Just("javascript:alert(1)".to_owned()),
            Just("http://localhost:3000@evil.example/".to_owned()),
        ],
    ) {
        let site = Origin::parse("http://localhost:3000").unwrap();
        let trusted = [Origin::parse("https://app.example").unwrap()];
        let resolved = resolve_callback_url(&candidate, &site, &trusted);
        let parsed = url::Url::parse(&resolved);
        prop_assert!(parsed.is_ok(), "{resolved}");
        let parsed = parsed.unwrap();
        prop_assert!(matches!(parsed.scheme(), "http" | "https"), "{resolved}");
        let origin = parsed.origin().ascii_serialization();
        prop_assert!(
            origin == "http://localhost:3000" || origin == "https://app.example",
            "{candidate:?} -> {resolved}"
        );
    }

    #[test]
    fn email_normalisation_is_canonical_and_idempotent(input in nasty_text()) {
        if let Ok(email) = normalize_email(&input) {
            use unicode_normalization::UnicodeNormalization;
            prop_assert_eq!(email.nfkc().collect::<String>(), email.clone());
            prop_assert_eq!(email.to_lowercase(), email.clone());
            prop_assert_eq!(email.matches('@').count(), 1);
            prop_assert!(
                !email.chars().any(|c| c.is_control()
                    || c.is_whitespace()
                    || matches!(c, ',' | '"' | '<' | '>' | ';')),
                "{email}"
            );
            prop_assert_eq!(normalize_email(&email), Ok(email.clone()));
        }
    }
}

/// The engine with a credentials provider, for the body properties.
fn engine() -> Auth {
    Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(SECRET)
        .provider(CredentialsProvider::new(
            |_credentials: crate::providers::Credentials,
             _request: crate::providers::RequestMeta| async {
                Ok::<_, crate::providers::AuthorizeError>(None)
            },
        ))
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn bodies_of_any_shape_get_an_answer_never_a_5xx(
        body in prop_oneof![
            nasty_text().prop_map(Bytes::from),
            proptest::collection::vec(any::<u8>(), 0..512).prop_map(Bytes::from),
            "(csrfToken|password|username|json|callbackUrl)=[a-z%&=]{0,20}(&(csrfToken|password|json)=[a-z%]{0,8}){0,4}"
                .prop_map(Bytes::from),
            "\\{(\"[a-zA-Z]{1,8}\":(\"[a-z]{0,5}\"|[0-9]{1,3}|null|\\{\\}),?){0,5}\\}".prop_map(Bytes::from),
        ],
        content_type in prop_oneof![
            Just(Some("application/x-www-form-urlencoded")),
            Just(Some("application/json")),
            Just(Some("text/plain")),
            Just(Some("application/x-www-form-urlencoded; charset=\u{0}")),
            Just(None),
        ],
        path in prop_oneof![
            Just("/api/auth/callback/credentials"),
            Just("/api/auth/session"),
            Just("/api/auth/signin/credentials"),
            Just("/api/auth/signout"),
            Just("/api/auth/_log"),
        ],
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let auth = Arc::new(engine());
        let mut request = http::Request::post(format!("http://localhost:3000{path}"));
        if let Some(content_type) = content_type
            && let Ok(value) = http::HeaderValue::from_str(content_type)
        {
            request = request.header(http::header::CONTENT_TYPE, value);
        }
        let request = request.body(body).unwrap();
        let response = runtime.block_on(auth.handle(request));
        prop_assert!(!response.status().is_server_error(), "{}", response.status());
    }
}
