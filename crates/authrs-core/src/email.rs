//! Email addresses: the one normalisation policy every identifier goes through before it is
//! stored, compared, hashed into a token or used as a recipient.
//!
//! Policy (CVE-2022-35924, CVE-2026-73420, GHSA-5jpx-9hw9-2fx4), in this order:
//! 1. Unicode NFKC, so look-alike forms (a fullwidth `＠`) become what a mail library would
//!    turn them into *before* anything is checked.
//! 2. Trim surrounding whitespace, then lowercase the whole address.
//! 3. Validate strictly: exactly one `@`; a non-empty local part of at most 64 bytes made of
//!    letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` (no quotes, no comments, no leading,
//!    trailing or doubled dot); a domain of dot-separated labels of letters, digits and `-`
//!    (at least two labels, none empty or starting or ending with `-`); at most 254 bytes in
//!    all. Commas, semicolons, spaces, angle brackets and control characters are therefore
//!    refused, so one submitted address is exactly one recipient.
//! 4. Use the result everywhere.
//!
//! Non-ASCII letters pass (internationalised local parts and IDN domains in Unicode form).

use unicode_normalization::UnicodeNormalization;

/// Why an address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidEmail {
    /// Not exactly one `@`.
    #[error("an email address has exactly one @")]
    At,
    /// The part before the `@` is empty, too long, or has a character outside the policy.
    #[error("the part before the @ is not accepted")]
    LocalPart,
    /// The domain is not a dot-separated list of valid labels.
    #[error("the domain is not accepted")]
    Domain,
    /// Longer than 254 bytes.
    #[error("the address is too long")]
    TooLong,
}

/// Normalises and validates an email address (see the module documentation).
pub fn normalize_email(input: &str) -> Result<String, InvalidEmail> {
    // Bound the work before normalising: NFKC can only grow a string by a small factor.
    if input.len() > 1024 {
        return Err(InvalidEmail::TooLong);
    }
    let normalized: String = input.nfkc().collect::<String>().trim().to_lowercase();
    if normalized.len() > 254 {
        return Err(InvalidEmail::TooLong);
    }
    let mut parts = normalized.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(InvalidEmail::At);
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok {
        return Err(InvalidEmail::LocalPart);
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !domain_ok {
        return Err(InvalidEmail::Domain);
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_whitespace_and_compatibility_forms() {
        assert_eq!(
            normalize_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        assert_eq!(
            normalize_email("ada@example.com\r\n").unwrap(),
            "ada@example.com"
        );
        assert_eq!(
            normalize_email("ａｄａ@example.com").unwrap(),
            "ada@example.com"
        );
        assert_eq!(
            normalize_email("o'brien+tag@mail.example.org").unwrap(),
            "o'brien+tag@mail.example.org"
        );
        assert_eq!(
            normalize_email("jörg@bücher.example").unwrap(),
            "jörg@bücher.example"
        );
    }

    #[test]
    fn rejects_a_comma_separated_list() {
        // CVE-2022-35924: one submitted address must be exactly one recipient.
        for input in [
            "attacker@a.com,victim@v.com",
            "a@a.com, b@b.com",
            "a@a.com;b@b.com",
        ] {
            assert!(normalize_email(input).is_err(), "{input}");
        }
    }

    #[test]
    fn rejects_a_quoted_local_part() {
        // GHSA-5jpx-9hw9-2fx4: `"e@attacker.com"@victim.com` reached the attacker.
        for input in [
            r#""e@attacker.com"@victim.com"#,
            r#""ada"@example.com"#,
            "(comment)ada@example.com",
        ] {
            assert!(normalize_email(input).is_err(), "{input}");
        }
    }

    #[test]
    fn rejects_a_fullwidth_at_that_becomes_a_second_at() {
        // CVE-2026-73420: U+FF20 passed a single-@ check and became a second @ later.
        assert_eq!(
            normalize_email("attacker＠evil.example@victim.example"),
            Err(InvalidEmail::At)
        );
        assert_eq!(
            normalize_email("ada＠example.com").unwrap(),
            "ada@example.com"
        );
    }

    #[test]
    fn rejects_everything_else_outside_the_policy() {
        for input in [
            "",
            "@",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada@exa mple.com",
            "ada example@example.com",
            "<ada@example.com>",
            "ada@example.com>",
            "ada@-example.com",
            "ada@example-.com",
            "ada@example..com",
            ".ada@example.com",
            "ada.@example.com",
            "a..da@example.com",
            "ada\n@example.com",
            "ada\u{0}@example.com",
            "ada\r\nbcc:victim@example.com",
        ] {
            assert!(normalize_email(input).is_err(), "{input:?}");
        }
        assert_eq!(
            normalize_email(&format!("{}@example.com", "a".repeat(65))),
            Err(InvalidEmail::LocalPart)
        );
        assert_eq!(
            normalize_email(&format!("a@{}.com", "b".repeat(250))),
            Err(InvalidEmail::TooLong)
        );
    }

    #[test]
    fn normalisation_is_idempotent() {
        for input in [
            "Ada@Example.com",
            "ａｄａ@example.com",
            "jörg@bücher.example",
        ] {
            let once = normalize_email(input).unwrap();
            assert_eq!(normalize_email(&once).unwrap(), once);
        }
    }
}
