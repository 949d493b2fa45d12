//! CSRF: next-auth's double-submit token. The cookie holds `token|sha256hex(token + secret)`;
//! a state-changing POST must send the same `token` in its body.
//!
//! Rules:
//! 1. A cookie whose hash does not verify under any configured secret is ignored and a new token
//!    is minted; tokens are minted with the first secret, so rotation never locks a user out.
//! 2. The body token is compared with the cookie token in constant time, and only after the
//!    cookie verified. A missing or mismatched token fails the request (see the actions for
//!    what each endpoint answers).

use sha2::{Digest, Sha256};

use crate::secret::{Secret, constant_time_eq, hex, random_hex};

/// The CSRF state of one request.
#[derive(Debug, Clone)]
pub struct CsrfToken {
    /// The raw token (64 hex digits) the client must echo.
    pub token: String,
    /// The cookie value to set, when the request had no valid cookie.
    pub new_cookie: Option<String>,
}

/// Reads the request's CSRF cookie, or mints a new token when it is missing or invalid.
pub fn read_or_mint(cookie: Option<&str>, secrets: &[Secret]) -> CsrfToken {
    if let Some(token) = cookie.and_then(|value| verify_cookie(value, secrets)) {
        return CsrfToken {
            token: token.to_owned(),
            new_cookie: None,
        };
    }
    let token = random_hex::<32>();
    let cookie = format!("{token}|{}", hash(&token, &secrets[0]));
    CsrfToken {
        token,
        new_cookie: Some(cookie),
    }
}

/// The token inside a cookie value, if its hash verifies under one of the secrets.
pub fn verify_cookie<'a>(value: &'a str, secrets: &[Secret]) -> Option<&'a str> {
    let (token, expected) = value.split_once('|')?;
    if token.is_empty() || token.len() > 256 {
        return None;
    }
    secrets
        .iter()
        .any(|secret| constant_time_eq(hash(token, secret).as_bytes(), expected.as_bytes()))
        .then_some(token)
}

/// Whether a POST body's `csrfToken` matches the verified cookie token.
pub fn verify_csrf_token(cookie_token: Option<&str>, body_token: Option<&str>) -> bool {
    match (cookie_token, body_token) {
        (Some(cookie), Some(body)) if !body.is_empty() => {
            constant_time_eq(cookie.as_bytes(), body.as_bytes())
        }
        _ => false,
    }
}

fn hash(token: &str, secret: &Secret) -> String {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(secret.expose().as_bytes());
    hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_the_protocol_test_vector() {
        assert_eq!(
            hash("abc", &Secret::new("s3cret")),
            "2de410fe4bd4d572098d26c8cccfab90f137b5527e52fa2c5425c212c50d196f"
        );
    }

    #[test]
    fn a_valid_cookie_is_reused() {
        let secrets = [Secret::new("s3cret")];
        let minted = read_or_mint(None, &secrets);
        let cookie = minted.new_cookie.unwrap();
        let again = read_or_mint(Some(&cookie), &secrets);
        assert_eq!(again.token, minted.token);
        assert!(again.new_cookie.is_none());
    }

    #[test]
    fn a_forged_cookie_is_replaced() {
        let secrets = [Secret::new("s3cret")];
        let forged = format!("{}|{}", "a".repeat(64), "b".repeat(64));
        let result = read_or_mint(Some(&forged), &secrets);
        assert_ne!(result.token, "a".repeat(64));
        assert!(result.new_cookie.is_some());
        for garbage in ["", "|", "abc", "abc|", "|abc"] {
            assert!(
                read_or_mint(Some(garbage), &secrets).new_cookie.is_some(),
                "{garbage}"
            );
        }
    }

    #[test]
    fn a_cookie_from_an_older_secret_still_verifies() {
        let old = [Secret::new("old")];
        let cookie = read_or_mint(None, &old).new_cookie.unwrap();
        let rotated = [Secret::new("new"), Secret::new("old")];
        assert!(read_or_mint(Some(&cookie), &rotated).new_cookie.is_none());
    }

    #[test]
    fn body_token_must_match_exactly() {
        assert!(verify_csrf_token(Some("abc"), Some("abc")));
        assert!(!verify_csrf_token(Some("abc"), Some("abd")));
        assert!(!verify_csrf_token(Some("abc"), None));
        assert!(!verify_csrf_token(None, Some("abc")));
        assert!(!verify_csrf_token(Some(""), Some("")));
    }
}
