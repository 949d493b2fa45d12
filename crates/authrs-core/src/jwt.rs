//! Session tokens: the encrypted JWTs of next-auth v4 and Auth.js v5, keys derived once.
//!
//! Rules (each has a named test below and in `tests/`):
//! 1. The protected header is fixed per format: `{"alg":"dir","enc":"A256GCM"}` (v4) or
//!    `{"alg":"dir","enc":"A256CBC-HS512","kid":…}` (v5). Any other member (`zip`, `crit`, `p2c`,
//!    `jku`…) or algorithm is rejected before decryption, which rules out decompression bombs.
//! 2. `exp` is required and must be a number; `nbf` and `iat`, when present, must be numbers.
//!    A claim of the wrong JSON type makes the token invalid, never "absent". The clock
//!    tolerance is 15 s, as in next-auth.
//! 3. Keys are derived with HKDF-SHA256 once, when the [`TokenCodec`] is built. Several secrets can
//!    be configured: the first encrypts, every one decrypts (v5 picks the key by `kid`).
//! 4. Every failure is a [`TokenError`]; callers treat it as "no session". Nothing here panics on
//!    input.
//!
//! The primitives come from RustCrypto (`aes-gcm`, `aes` + `cbc`, `hmac`, `sha2`, `hkdf`). RFC 7518
//! §5.2's AES-CBC-HMAC composition has no RustCrypto AEAD crate, so [`cbc_hmac`] assembles it from
//! those primitives and is checked against the RFC's own test vector.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use crate::secret::{Secret, random_bytes};

/// The claims of a session token: a JSON object. The default claims are `name`, `email`,
/// `picture` and `sub`; the `jwt` callback may add any others.
pub type Claims = Map<String, Value>;

/// Clock tolerance for `exp` and `nbf`, in seconds (next-auth uses 15 s).
pub const CLOCK_TOLERANCE_SECS: u64 = 15;

/// Which token format to write and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenFormat {
    /// next-auth v4: JWE `dir` + `A256GCM`, key = HKDF(secret, salt, "NextAuth.js Generated Encryption Key[ (salt)]", 32).
    V4,
    /// Auth.js v5: JWE `dir` + `A256CBC-HS512` with a `kid`, key = HKDF(secret, salt,
    /// "Auth.js Generated Encryption Key (salt)", 64). `A256GCM` tokens are accepted on read.
    V5,
}

/// Why a token was not accepted. Callers map every variant to "no session".
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is not five base64url segments with an empty key segment.
    #[error("the token is not a compact JWE of the expected shape")]
    Malformed,
    /// The protected header is not one this codec writes.
    #[error("the token header is not accepted")]
    UnacceptedHeader,
    /// No configured secret decrypts the token, or its authentication tag is wrong.
    #[error("the token could not be decrypted")]
    Decryption,
    /// The plaintext is not a JSON object with correctly typed registered claims.
    #[error("the token claims are invalid")]
    InvalidClaims,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future.
    #[error("the token is not valid yet")]
    NotYetValid,
}

/// Keys for one secret, derived once.
struct KeySet {
    /// The 32-byte key (v4, or the v5 `A256GCM` read key) with its AES key schedule expanded
    /// once; wiped on drop.
    gcm_cipher: aes_gcm::Aes256Gcm,
    /// v5 only: 64 bytes for `A256CBC-HS512` (MAC key then encryption key).
    cbc: Zeroizing<[u8; 64]>,
    /// v5 only: RFC 7638 thumbprint of `cbc`, the `kid` this key writes.
    kid_cbc: String,
    /// v5 only: thumbprint of `gcm`.
    kid_gcm: String,
}

/// Encrypts and decrypts one kind of token (one salt) for a list of secrets.
pub struct TokenCodec {
    format: TokenFormat,
    keys: Vec<KeySet>,
    /// The base64url protected header this codec writes, also the fast path on read.
    header_b64: String,
}

impl std::fmt::Debug for TokenCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCodec")
            .field("format", &self.format)
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl TokenCodec {
    /// Derives the keys for `secrets` (the first encrypts) and `salt`.
    ///
    /// For the session token the salt is `""` in v4 and the session cookie's name in v5; check
    /// cookies use their own cookie name, so a token minted for one purpose never opens as another.
    ///
    /// # Panics
    /// Panics if `secrets` is empty; the configuration refuses that before building a codec.
    pub fn new(format: TokenFormat, secrets: &[Secret], salt: &str) -> Self {
        assert!(
            !secrets.is_empty(),
            "a token codec needs at least one secret"
        );
        let keys: Vec<KeySet> = secrets
            .iter()
            .map(|secret| derive_keys(format, secret, salt))
            .collect();
        let header = match format {
            TokenFormat::V4 => r#"{"alg":"dir","enc":"A256GCM"}"#.to_owned(),
            TokenFormat::V5 => format!(
                r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}"}}"#,
                keys[0].kid_cbc
            ),
        };
        Self {
            format,
            header_b64: B64.encode(header),
            keys,
        }
    }

    /// The format this codec writes.
    pub fn format(&self) -> TokenFormat {
        self.format
    }

    /// Sets `iat` = now, `exp` = now + `max_age_secs` and a fresh `jti`, then encrypts the claims
    /// with the first secret.
    pub fn encode(&self, claims: &mut Claims, now_secs: u64, max_age_secs: u64) -> String {
        claims.insert("iat".into(), Value::from(now_secs));
        claims.insert(
            "exp".into(),
            Value::from(now_secs.saturating_add(max_age_secs)),
        );
        // One read of the OS random source per token: 16 bytes of JTI, then the IV.
        let random = random_bytes::<32>();
        let (jti, iv) = random.split_at(16);
        let jti = uuid::Builder::from_random_bytes(jti.try_into().expect("16 bytes")).into_uuid();
        let mut buffer = uuid::Uuid::encode_buffer();
        let jti = jti.hyphenated().encode_lower(&mut buffer);
        claims.insert("jti".into(), Value::from(&*jti));
        let mut plaintext = Vec::with_capacity(256);
        serde_json::to_writer(&mut plaintext, claims).expect("a JSON map always serialises");
        self.encrypt_with_iv(plaintext, iv.try_into().expect("16 bytes"))
    }

    /// Encrypts `plaintext` as a compact JWE with the first secret.
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        self.encrypt_with_iv(plaintext.to_vec(), random_bytes::<16>())
    }

    /// Encrypts with random IV material: all 16 bytes for CBC, the first 12 for GCM.
    fn encrypt_with_iv(&self, plaintext: Vec<u8>, iv_bytes: [u8; 16]) -> String {
        let key = &self.keys[0];
        let aad = self.header_b64.as_bytes();
        // Tags are 16 (GCM) or 32 (CBC-HMAC) bytes; both fit this buffer.
        let mut tag_buffer = [0u8; 32];
        let (iv, ciphertext, tag) = match self.format {
            TokenFormat::V4 => {
                let iv: [u8; 12] = iv_bytes[..12].try_into().expect("12 bytes");
                let (ct, tag) = gcm::seal(&key.gcm_cipher, &iv, aad, plaintext);
                tag_buffer[..16].copy_from_slice(&tag);
                (&iv_bytes[..12], ct, &tag_buffer[..16])
            }
            TokenFormat::V5 => {
                let (ct, tag) = cbc_hmac::seal(&key.cbc, &iv_bytes, aad, &plaintext);
                tag_buffer.copy_from_slice(&tag);
                (&iv_bytes[..], ct, &tag_buffer[..])
            }
        };
        let mut out = String::with_capacity(
            self.header_b64.len() + 4 + (iv.len() + ciphertext.len() + tag.len()) * 4 / 3 + 4,
        );
        out.push_str(&self.header_b64);
        out.push_str("..");
        B64.encode_string(iv, &mut out);
        out.push('.');
        B64.encode_string(&ciphertext, &mut out);
        out.push('.');
        B64.encode_string(tag, &mut out);
        out
    }

    /// Decrypts a token and validates its registered claims at `now_secs`.
    pub fn decode(&self, token: &str, now_secs: u64) -> Result<Claims, TokenError> {
        let plaintext = self.decrypt(token)?;
        let claims: Claims =
            serde_json::from_slice(&plaintext).map_err(|_| TokenError::InvalidClaims)?;
        validate_claims(&claims, now_secs)?;
        Ok(claims)
    }

    /// Decrypts a compact JWE, trying the secrets the header allows.
    pub fn decrypt(&self, token: &str) -> Result<Vec<u8>, TokenError> {
        // Session tokens are a few kilobytes at most; refuse absurd input before any work.
        if token.len() > 64 * 1024 {
            return Err(TokenError::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(encrypted_key), Some(iv), Some(ct), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TokenError::Malformed);
        };
        if !encrypted_key.is_empty() {
            return Err(TokenError::UnacceptedHeader);
        }
        let mut ct = decode_segment(ct)?;
        let aad = header_b64.as_bytes();
        let header = if header_b64 == self.header_b64 {
            match self.format {
                TokenFormat::V4 => Header {
                    enc: Enc::A256Gcm,
                    kid: None,
                },
                TokenFormat::V5 => Header {
                    enc: Enc::A256CbcHs512,
                    kid: Some(self.keys[0].kid_cbc.clone()),
                },
            }
        } else {
            parse_header(self.format, header_b64)?
        };
        match header.enc {
            Enc::A256Gcm => {
                let iv: [u8; 12] = decode_fixed(iv)?;
                let tag: [u8; 16] = decode_fixed(tag)?;
                let kid = header.kid.as_deref();
                let last = self.candidates(kid, |k| &k.kid_gcm).count();
                for (index, key) in self.candidates(kid, |k| &k.kid_gcm).enumerate() {
                    // Decryption is in place; keep the ciphertext for the next key, if any.
                    let mut buffer = if index + 1 == last {
                        std::mem::take(&mut ct)
                    } else {
                        ct.clone()
                    };
                    if gcm::open(&key.gcm_cipher, &iv, aad, &mut buffer, &tag) {
                        return Ok(buffer);
                    }
                }
            }
            Enc::A256CbcHs512 => {
                let iv: [u8; 16] = decode_fixed(iv)?;
                let tag: [u8; 32] = decode_fixed(tag)?;
                for key in self.candidates(header.kid.as_deref(), |k| &k.kid_cbc) {
                    if let Some(plain) = cbc_hmac::open(&key.cbc, &iv, aad, &ct, &tag) {
                        return Ok(plain);
                    }
                }
            }
        }
        Err(TokenError::Decryption)
    }

    /// The keys to try: in v5 the one whose thumbprint is the `kid` (or the first key when the
    /// header has none); in v4 every secret in order.
    fn candidates<'a>(
        &'a self,
        kid: Option<&'a str>,
        kid_of: fn(&KeySet) -> &String,
    ) -> impl Iterator<Item = &'a KeySet> + 'a {
        let format = self.format;
        self.keys
            .iter()
            .enumerate()
            .filter(move |(index, key)| match (format, kid) {
                (TokenFormat::V4, _) => true,
                (TokenFormat::V5, Some(kid)) => {
                    crate::secret::constant_time_eq(kid_of(key).as_bytes(), kid.as_bytes())
                }
                (TokenFormat::V5, None) => *index == 0,
            })
            .map(|(_, key)| key)
    }
}

fn decode_segment(segment: &str) -> Result<Vec<u8>, TokenError> {
    B64.decode(segment).map_err(|_| TokenError::Malformed)
}

/// Decodes a segment that must be exactly `N` bytes (IV, tag) without allocating.
fn decode_fixed<const N: usize>(segment: &str) -> Result<[u8; N], TokenError> {
    // base64 without padding: N bytes take ceil(4N/3) characters.
    if segment.len() != (N * 4).div_ceil(3) {
        return Err(TokenError::Malformed);
    }
    let mut out = [0u8; N];
    match B64.decode_slice(segment, &mut out) {
        Ok(n) if n == N => Ok(out),
        _ => Err(TokenError::Malformed),
    }
}

#[derive(Clone, Copy)]
enum Enc {
    A256Gcm,
    A256CbcHs512,
}

struct Header {
    enc: Enc,
    kid: Option<String>,
}

/// Parses a protected header that differs from the one we write (another encoder's member
/// order, or a v5 token under an older secret). Only `alg`, `enc` and, in v5, `kid` may appear.
fn parse_header(format: TokenFormat, header_b64: &str) -> Result<Header, TokenError> {
    if header_b64.len() > 512 {
        return Err(TokenError::UnacceptedHeader);
    }
    let bytes = decode_segment(header_b64)?;
    let header: Map<String, Value> =
        serde_json::from_slice(&bytes).map_err(|_| TokenError::UnacceptedHeader)?;
    let mut enc = None;
    let mut kid = None;
    let mut alg_ok = false;
    for (name, value) in &header {
        match (name.as_str(), value) {
            ("alg", Value::String(alg)) if alg == "dir" => alg_ok = true,
            ("enc", Value::String(e)) => {
                enc = Some(match (format, e.as_str()) {
                    (_, "A256GCM") => Enc::A256Gcm,
                    (TokenFormat::V5, "A256CBC-HS512") => Enc::A256CbcHs512,
                    _ => return Err(TokenError::UnacceptedHeader),
                })
            }
            ("kid", Value::String(k)) if format == TokenFormat::V5 => kid = Some(k.clone()),
            _ => return Err(TokenError::UnacceptedHeader),
        }
    }
    match (alg_ok, enc) {
        (true, Some(enc)) => Ok(Header { enc, kid }),
        _ => Err(TokenError::UnacceptedHeader),
    }
}

/// Rule 2: registered claims with strict types; `exp` required.
fn validate_claims(claims: &Claims, now_secs: u64) -> Result<(), TokenError> {
    let numeric = |name: &str| -> Result<Option<f64>, TokenError> {
        match claims.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or(TokenError::InvalidClaims),
            Some(_) => Err(TokenError::InvalidClaims),
        }
    };
    let now = now_secs as f64;
    let tolerance = CLOCK_TOLERANCE_SECS as f64;
    let exp = numeric("exp")?.ok_or(TokenError::InvalidClaims)?;
    if exp + tolerance <= now {
        return Err(TokenError::Expired);
    }
    if let Some(nbf) = numeric("nbf")?
        && nbf - tolerance > now
    {
        return Err(TokenError::NotYetValid);
    }
    numeric("iat")?;
    Ok(())
}

fn derive_keys(format: TokenFormat, secret: &Secret, salt: &str) -> KeySet {
    let info = key_info(format, salt);
    let gcm = hkdf_expand::<32>(secret, salt, &info);
    let cbc = hkdf_expand::<64>(secret, salt, &info);
    let (kid_cbc, kid_gcm) = match format {
        TokenFormat::V4 => (String::new(), String::new()),
        TokenFormat::V5 => (
            thumbprint::<Sha512>(cbc.as_ref()),
            thumbprint::<Sha256>(gcm.as_ref()),
        ),
    };
    KeySet {
        gcm_cipher: <aes_gcm::Aes256Gcm as aes_gcm::aead::KeyInit>::new(&(*gcm).into()),
        cbc,
        kid_cbc,
        kid_gcm,
    }
}

/// The HKDF `info` string of each format.
fn key_info(format: TokenFormat, salt: &str) -> String {
    match (format, salt.is_empty()) {
        (TokenFormat::V4, true) => "NextAuth.js Generated Encryption Key".to_owned(),
        (TokenFormat::V4, false) => format!("NextAuth.js Generated Encryption Key ({salt})"),
        (TokenFormat::V5, _) => format!("Auth.js Generated Encryption Key ({salt})"),
    }
}

fn hkdf_expand<const N: usize>(secret: &Secret, salt: &str, info: &str) -> Zeroizing<[u8; N]> {
    let hkdf = hkdf::Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret.expose().as_bytes());
    let mut key = Zeroizing::new([0u8; N]);
    hkdf.expand(info.as_bytes(), key.as_mut())
        .expect("32 and 64 bytes are valid HKDF-SHA256 output lengths");
    key
}

/// RFC 7638 thumbprint of a symmetric JWK `{"k":…,"kty":"oct"}`.
fn thumbprint<D: Digest>(key: &[u8]) -> String {
    let jwk = format!(r#"{{"k":"{}","kty":"oct"}}"#, B64.encode(key));
    B64.encode(D::digest(jwk.as_bytes()))
}

/// Exposes the derived v4 key (for the test vectors of the protocol document).
#[cfg(test)]
fn v4_key(secret: &str, salt: &str) -> [u8; 32] {
    *hkdf_expand::<32>(&Secret::new(secret), salt, &key_info(TokenFormat::V4, salt))
}

mod gcm {
    use aes_gcm::aead::AeadInOut;
    use aes_gcm::{Aes256Gcm, Nonce, Tag};

    /// Encrypts `buffer` in place and returns it with the tag.
    pub(super) fn seal(
        cipher: &Aes256Gcm,
        iv: &[u8; 12],
        aad: &[u8],
        mut buffer: Vec<u8>,
    ) -> (Vec<u8>, [u8; 16]) {
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(*iv), aad, buffer.as_mut_slice().into())
            .expect("AES-GCM accepts any message a session token can hold");
        (buffer, tag.into())
    }

    /// Decrypts `buffer` in place; `false` (buffer garbage) when the tag does not verify.
    pub(super) fn open(
        cipher: &Aes256Gcm,
        iv: &[u8; 12],
        aad: &[u8],
        buffer: &mut [u8],
        tag: &[u8; 16],
    ) -> bool {
        cipher
            .decrypt_inout_detached(&Nonce::from(*iv), aad, buffer.into(), &Tag::from(*tag))
            .is_ok()
    }
}

/// `AES_256_CBC_HMAC_SHA_512` of RFC 7518 §5.2.5: AES-256-CBC with PKCS#7 padding, then
/// HMAC-SHA-512 over `AAD || IV || ciphertext || AL` truncated to 32 bytes, where `AL` is the
/// AAD's length in bits as a 64-bit big-endian integer. The first 32 key bytes are the MAC key.
pub(crate) mod cbc_hmac {
    use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha512;

    type Encryptor = cbc::Encryptor<aes::Aes256>;
    type Decryptor = cbc::Decryptor<aes::Aes256>;

    fn tag(mac_key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(mac_key)
            .expect("HMAC accepts keys of any length");
        mac.update(aad);
        mac.update(iv);
        mac.update(ct);
        mac.update(&((aad.len() as u64) * 8).to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 32];
        out.copy_from_slice(&full[..32]);
        out
    }

    pub(crate) fn seal(
        key: &[u8; 64],
        iv: &[u8; 16],
        aad: &[u8],
        plain: &[u8],
    ) -> (Vec<u8>, [u8; 32]) {
        let (mac_key, enc_key) = key.split_at(32);
        let ct = Encryptor::new_from_slices(enc_key, iv)
            .expect("AES-256-CBC takes a 32-byte key and a 16-byte IV")
            .encrypt_padded_vec::<Pkcs7>(plain);
        let tag = tag(mac_key, aad, iv, &ct);
        (ct, tag)
    }

    pub(crate) fn open(
        key: &[u8; 64],
        iv: &[u8; 16],
        aad: &[u8],
        ct: &[u8],
        expected: &[u8; 32],
    ) -> Option<Vec<u8>> {
        let (mac_key, enc_key) = key.split_at(32);
        // Authenticate before decrypting: a padding oracle needs the decryption to run.
        if !crate::secret::constant_time_eq(&tag(mac_key, aad, iv, ct), expected) {
            return None;
        }
        Decryptor::new_from_slices(enc_key, iv)
            .ok()?
            .decrypt_padded_vec::<Pkcs7>(ct)
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn codec(format: TokenFormat, secrets: &[&str], salt: &str) -> TokenCodec {
        let secrets: Vec<Secret> = secrets.iter().map(|s| Secret::new(*s)).collect();
        TokenCodec::new(format, &secrets, salt)
    }

    fn claims() -> Claims {
        serde_json::json!({"name": "Ada", "email": "ada@example.com", "sub": "user-1"})
            .as_object()
            .unwrap()
            .clone()
    }

    /// A compact JWE with our own protected header, sealing `{"sub":"1","exp":9999999999}`
    /// with AES-GCM: for headers this codec does not write itself.
    fn gcm_token(cipher: &aes_gcm::Aes256Gcm, header_b64: &str) -> String {
        let iv = [7u8; 12];
        let plain = br#"{"sub":"1","exp":9999999999}"#.to_vec();
        let (ct, tag) = gcm::seal(cipher, &iv, header_b64.as_bytes(), plain);
        format!(
            "{header_b64}..{}.{}.{}",
            B64.encode(iv),
            B64.encode(ct),
            B64.encode(tag)
        )
    }

    #[test]
    fn v4_session_key_matches_the_protocol_test_vector() {
        assert_eq!(
            crate::secret::hex(&v4_key("s3cret", "")),
            "7081477973440911006a58532d9d7b407c5f6e29a592f60497fa56fa18f81527"
        );
        assert_eq!(
            crate::secret::hex(&v4_key("s3cret", "next-auth.state")),
            "6fb6ffe91fbb104519f1442488d6b5a9a57d10ab8e01aac8ed935bae185b60d3"
        );
    }

    #[test]
    fn v5_key_and_kid_match_the_protocol_test_vector() {
        let keys = derive_keys(
            TokenFormat::V5,
            &Secret::new("s3cret"),
            "authjs.session-token",
        );
        assert_eq!(
            crate::secret::hex(keys.cbc.as_ref()),
            "1dc90fd176a58bc12769dde2b0d9163e84f795f32a22add04a8be4a432af37e0e8960b25d8210aa435d512b839e4103c120de25dde86a128a6bfe0c0ce42e9ca"
        );
        assert_eq!(
            keys.kid_cbc,
            "62dXDHNnWYfJ6CEqNaq4I5IRayLCxmM5HpRX4vnA_dJ8BFP9cZ6ltA_ODj5HKp81w8nmJCtYvkLLO4r155TxvQ"
        );
    }

    #[test]
    fn cbc_hmac_matches_rfc_7518_appendix_b3() {
        let key: Vec<u8> = (0u8..64).collect();
        let plain = b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience";
        let iv: [u8; 16] = [
            0x1a, 0xf3, 0x8c, 0x2d, 0xc2, 0xb9, 0x6f, 0xfd, 0xd8, 0x66, 0x94, 0x09, 0x23, 0x41,
            0xbc, 0x04,
        ];
        let aad = b"The second principle of Auguste Kerckhoffs";
        let (ct, tag) = cbc_hmac::seal(key.as_slice().try_into().unwrap(), &iv, aad, plain);
        assert_eq!(
            crate::secret::hex(&ct[..16]),
            "4affaaadb78c31c5da4b1b590d10ffbd"
        );
        assert_eq!(
            crate::secret::hex(&tag),
            "4dd3b4c088a7f45c216839645b2012bf2e6269a8c56a816dbc1b267761955bc5"
        );
        let opened = cbc_hmac::open(key.as_slice().try_into().unwrap(), &iv, aad, &ct, &tag);
        assert_eq!(opened.as_deref(), Some(&plain[..]));
    }

    #[test]
    fn round_trips_in_both_formats() {
        for format in [TokenFormat::V4, TokenFormat::V5] {
            let codec = codec(format, &["s3cret"], "authjs.session-token");
            let token = codec.encode(&mut claims(), NOW, 60);
            let decoded = codec.decode(&token, NOW).unwrap();
            assert_eq!(decoded["email"], "ada@example.com");
            assert_eq!(decoded["exp"], NOW + 60);
            assert!(decoded["jti"].as_str().unwrap().len() == 36);
        }
    }

    #[test]
    fn rejects_a_tampered_token() {
        let codec = codec(TokenFormat::V4, &["s3cret"], "");
        let token = codec.encode(&mut claims(), NOW, 60);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut ct = B64.decode(&parts[3]).unwrap();
        ct[0] ^= 1;
        parts[3] = B64.encode(ct);
        assert_eq!(
            codec.decode(&parts.join("."), NOW),
            Err(TokenError::Decryption)
        );
    }

    #[test]
    fn rejects_a_token_made_with_a_foreign_secret() {
        for format in [TokenFormat::V4, TokenFormat::V5] {
            let mine = codec(format, &["mine"], "s");
            let theirs = codec(format, &["theirs"], "s");
            let token = theirs.encode(&mut claims(), NOW, 60);
            assert_eq!(mine.decode(&token, NOW), Err(TokenError::Decryption));
        }
    }

    #[test]
    fn rejects_an_expired_token_after_the_clock_tolerance() {
        let codec = codec(TokenFormat::V4, &["s3cret"], "");
        let token = codec.encode(&mut claims(), NOW, 60);
        assert!(
            codec
                .decode(&token, NOW + 60 + CLOCK_TOLERANCE_SECS - 1)
                .is_ok()
        );
        assert_eq!(
            codec.decode(&token, NOW + 60 + CLOCK_TOLERANCE_SECS),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn rejects_claims_of_the_wrong_type_or_without_exp() {
        let codec = codec(TokenFormat::V4, &["s3cret"], "");
        for bad in [
            r#"{"sub":"1"}"#,
            r#"{"sub":"1","exp":"9999999999"}"#,
            r#"{"sub":"1","exp":9999999999,"nbf":"0"}"#,
            r#"{"sub":"1","exp":9999999999,"iat":null}"#,
            r#"[1,2,3]"#,
        ] {
            let token = codec.encrypt(bad.as_bytes());
            assert_eq!(
                codec.decode(&token, NOW),
                Err(TokenError::InvalidClaims),
                "{bad}"
            );
        }
        let future = codec.encrypt(br#"{"sub":"1","exp":9999999999,"nbf":9999999990}"#);
        assert_eq!(codec.decode(&future, NOW), Err(TokenError::NotYetValid));
    }

    #[test]
    fn rejects_headers_it_did_not_write() {
        let codec = codec(TokenFormat::V4, &["s3cret"], "");
        let good = codec.encode(&mut claims(), NOW, 60);
        let rest = good.split_once('.').unwrap().1;
        for header in [
            r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#,
            r#"{"alg":"none","enc":"A256GCM"}"#,
            r#"{"alg":"dir","enc":"A128GCM"}"#,
            r#"{"alg":"dir","enc":"A256CBC-HS512"}"#,
            r#"{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":100000000}"#,
            r#"{"enc":"A256GCM"}"#,
            "not json",
        ] {
            let token = format!("{}.{rest}", B64.encode(header));
            assert_eq!(
                codec.decode(&token, NOW),
                Err(TokenError::UnacceptedHeader),
                "{header}"
            );
        }
        // A reordered but equivalent header is fine (the AAD changes, so re-encrypt).
        let reordered = B64.encode(r#"{"enc":"A256GCM","alg":"dir"}"#);
        let token = gcm_token(&codec.keys[0].gcm_cipher, &reordered);
        assert!(codec.decode(&token, NOW).is_ok());
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let codec = codec(TokenFormat::V5, &["s3cret"], "authjs.session-token");
        for bad in [
            "",
            ".",
            "....",
            "a.b.c.d.e",
            "a..b.c.d",
            "a..b.c.d.e",
            "%%%..%%.%%.%%",
            &"x".repeat(70_000),
        ] {
            assert!(codec.decode(bad, NOW).is_err(), "{bad}");
        }
    }

    #[test]
    fn any_configured_secret_decrypts_and_the_first_encrypts() {
        for format in [TokenFormat::V4, TokenFormat::V5] {
            let old = codec(format, &["old"], "authjs.session-token");
            let rotated = codec(format, &["new", "old"], "authjs.session-token");
            let new_only = codec(format, &["new"], "authjs.session-token");
            let from_old = old.encode(&mut claims(), NOW, 60);
            assert!(rotated.decode(&from_old, NOW).is_ok(), "{format:?}");
            let from_rotated = rotated.encode(&mut claims(), NOW, 60);
            assert!(new_only.decode(&from_rotated, NOW).is_ok(), "{format:?}");
            assert!(old.decode(&from_rotated, NOW).is_err(), "{format:?}");
        }
    }

    #[test]
    fn v5_reads_a256gcm_tokens_by_kid() {
        let codec = codec(TokenFormat::V5, &["s3cret"], "authjs.session-token");
        let key = &codec.keys[0];
        let header = B64.encode(format!(
            r#"{{"alg":"dir","enc":"A256GCM","kid":"{}"}}"#,
            key.kid_gcm
        ));
        let token = gcm_token(&key.gcm_cipher, &header);
        assert_eq!(codec.decode(&token, NOW).unwrap()["sub"], "1");
    }

    #[test]
    fn a_token_for_one_salt_does_not_open_under_another() {
        for format in [TokenFormat::V4, TokenFormat::V5] {
            let session = codec(format, &["s3cret"], "next-auth.session-token");
            let state = codec(format, &["s3cret"], "next-auth.state");
            let token = state.encode(&mut claims(), NOW, 60);
            assert!(session.decode(&token, NOW).is_err());
        }
    }
}
