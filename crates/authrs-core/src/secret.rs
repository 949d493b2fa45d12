//! Secrets as types: the signing secret, random token generation, and the one constant-time comparison.

use std::fmt;

use zeroize::Zeroizing;

/// The fewest bytes a configured secret may have: 256 bits, as 32 random bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// A secret value (the `AUTH_SECRET` / `NEXTAUTH_SECRET` of NextAuth).
///
/// It has no `PartialEq`, its `Debug` output is redacted, and its memory is wiped on drop.
/// Compare secrets and secret-derived values only with [`constant_time_eq`].
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// Generates a new random secret: 32 bytes from the operating system's CSPRNG, as 64 hex digits.
    pub fn generate() -> Self {
        Self::new(random_hex::<32>())
    }

    /// The secret's bytes. Only key derivation and hashing should call this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// How many bytes the secret has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty (never true for a secret accepted by the configuration).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
///
/// This is the one place where secret-derived values (CSRF hashes, tokens, MAC tags) are compared;
/// a host comparing its own secrets (the server's metrics token) uses it too.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The alphabet of codes people type (one-time codes, recovery codes): Crockford's base 32,
/// digits and capitals without I, L, O and U.
pub(crate) const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `N` random characters of [`CODE_ALPHABET`] (5 random bits each).
pub(crate) fn random_code_chars<const N: usize>() -> String {
    random_bytes::<N>()
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// A typed code of `len` characters in canonical form: case, spaces and dashes ignored, and
/// the letters Crockford reads as digits (`O` → `0`, `I`/`L` → `1`) mapped. `None` when it
/// cannot be such a code.
pub(crate) fn canonical_code_of(typed: &str, len: usize) -> Option<String> {
    if typed.len() > 4 * len {
        return None;
    }
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == len && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Fills an array with bytes from the operating system's CSPRNG.
///
/// # Panics
/// Panics if the operating system has no entropy source, which is unrecoverable for an
/// authentication server: continuing would mint predictable tokens.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).expect("the operating system's random number generator failed");
    out
}

/// `N` random bytes as `2N` lowercase hex digits.
pub fn random_hex<const N: usize>() -> String {
    hex(&random_bytes::<N>())
}

/// Lowercase hex SHA-256 of a token: how session tokens are stored, so a copy of the database
/// holds no usable session.
pub fn sha256_hex(token: &str) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(token.as_bytes()))
}

/// Lowercase hex encoding.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let secret = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn random_hex_has_the_right_shape_and_varies() {
        let a = random_hex::<32>();
        let b = random_hex::<32>();
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn generated_secrets_are_64_hex_digits() {
        assert_eq!(Secret::generate().len(), 64);
    }
}
