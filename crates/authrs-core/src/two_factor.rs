//! Two-factor sign-in with TOTP (RFC 6238): after the first factor (a password, an email link
//! or code, an OAuth provider), a user with an enrolment gets no session until a code from
//! their authenticator app, or one of their recovery codes, is accepted.
//!
//! Rules:
//! 1. Off by default ([`TwoFactorMode::Off`]); [`TwoFactorMode::Optional`] lets users enrol
//!    from the account page; [`TwoFactorMode::Required`] makes every user of the adapter enrol
//!    at their next sign-in. Users of a credentials provider of the app's own are not the
//!    adapter's, and are not asked.
//! 2. Between the factors the browser holds only an encrypted, five-minute "pending" cookie
//!    (its own key: it never opens as a session), bound to the user and the way they signed
//!    in. The next-auth clients are told `TwoFactorRequired` (`?error=` in the answer's URL,
//!    with a 401 for `redirect: false`), never "ok".
//! 3. Codes: six digits, 30-second steps, one step of clock skew either way; a step is
//!    accepted once per user (replay, atomically in the adapter); every attempt counts against
//!    the user's (per 15 minutes and per day) and the client's limits before it is checked; a
//!    code that works is taken back.
//! 4. TOTP secrets are stored encrypted with a key derived from the server secret and bound to
//!    their user, so a database dump alone, or a row copied to another user, gives nothing.
//!    Recovery codes (ten, 50 random bits each) are shown once and stored as keyed hashes; each
//!    works once.
//! 5. Turning two-factor off or making new recovery codes needs a fresh proof: a current code,
//!    or the password.
//! 6. "Remember this device" (off unless [`TwoFactor::remember_device`] is set) is an encrypted
//!    cookie for that user and that enrolment: enrolling again, turning two-factor off,
//!    changing the password or signing out everywhere forgets every device.
//! 7. Replacing an enrolment means turning it off first (with a proof); setting it up needs the
//!    password when the account has one, so a stolen session alone cannot bind an attacker's
//!    app. The first proof of an address's ownership removes an enrolment made before it.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::jwt::{TokenCodec, TokenFormat};
use crate::ratelimit::RateLimit;
use crate::secret::Secret;

/// Whether users sign in with a second factor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TwoFactorMode {
    /// No second factor (the default).
    #[default]
    Off,
    /// Users choose: each can turn it on from the account page.
    Optional,
    /// Every user of the adapter signs in with a second factor, and enrols at their next
    /// sign-in if they have not.
    Required,
}

/// Two-factor sign-in: [`crate::AuthBuilder::two_factor`]. Needs an adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TwoFactor {
    /// Off, optional or required.
    pub mode: TwoFactorMode,
    /// How long "remember this device" lasts; `None` (the default) offers no such choice.
    pub remember_device: Option<Duration>,
    /// The name authenticator apps show for the account (default: the site's host).
    pub issuer: Option<String>,
    /// Codes tried per user (default 5 per 15 minutes), across all clients.
    pub per_user: RateLimit,
    /// Codes tried per user per day (default 20), so that signing in again and again with a
    /// stolen password buys a guesser no more than this.
    pub per_user_daily: RateLimit,
    /// Codes tried per client network (default 30 per 15 minutes).
    pub per_client: RateLimit,
}

impl TwoFactor {
    /// Two-factor sign-in in `mode`, with the default limits and no remembered devices.
    pub fn new(mode: TwoFactorMode) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    /// With "remember this device" for `days`.
    pub fn remember_device_for(mut self, duration: Duration) -> Self {
        self.remember_device = Some(duration);
        self
    }
}

impl Default for TwoFactor {
    fn default() -> Self {
        let window = Duration::from_secs(15 * 60);
        Self {
            mode: TwoFactorMode::Off,
            remember_device: None,
            issuer: None,
            per_user: RateLimit::new(5, window),
            per_user_daily: RateLimit::new(20, Duration::from_secs(24 * 60 * 60)),
            per_client: RateLimit::new(30, window),
        }
    }
}

/// The length of a code's time step, in seconds.
pub(crate) const STEP_SECS: u64 = 30;
/// How long the pending state between the factors lasts, in seconds.
pub(crate) const PENDING_SECS: u64 = 5 * 60;
/// Recovery codes per enrolment.
pub(crate) const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (5 random bits each).
const RECOVERY_CHARS: usize = 10;
/// Bytes of a TOTP secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;

/// The keys of two-factor sign-in, each for one purpose (so none opens as another, or as a
/// session).
pub(crate) struct Keys {
    secret: TokenCodec,
    pending: TokenCodec,
    offer: TokenCodec,
    device: TokenCodec,
}

impl Keys {
    pub(crate) fn new(secrets: &[Secret]) -> Self {
        let codec = |salt| TokenCodec::new(TokenFormat::V4, secrets, salt);
        Self {
            secret: codec("authrs.two-factor.secret"),
            pending: codec("authrs.two-factor.pending"),
            offer: codec("authrs.two-factor.offer"),
            device: codec("authrs.two-factor.device"),
        }
    }

    /// `secret` encrypted for storage, bound to `user_id`.
    pub(crate) fn seal_secret(&self, user_id: &str, secret: &[u8]) -> String {
        let plaintext = serde_json::json!({ "u": user_id, "s": crate::secret::hex(secret) });
        self.secret.encrypt(plaintext.to_string().as_bytes())
    }

    /// The secret a stored value holds, if it opens with one of the secrets and was sealed for
    /// `user_id`.
    pub(crate) fn open_secret(&self, user_id: &str, sealed: &str) -> Option<Vec<u8>> {
        let plaintext = self.secret.decrypt(sealed).ok()?;
        let value: Value = serde_json::from_slice(&plaintext).ok()?;
        if value.get("u").and_then(Value::as_str) != Some(user_id) {
            return None;
        }
        from_hex(value.get("s")?.as_str()?)
    }

    /// The pending cookie's value for `state`.
    pub(crate) fn seal_pending(&self, state: &Pending, now_secs: u64) -> String {
        self.pending
            .encode(&mut state.to_claims(), now_secs, PENDING_SECS)
    }

    /// The pending state a cookie holds, if it opens and has not expired.
    pub(crate) fn open_pending(&self, cookie: &str, now_secs: u64) -> Option<Pending> {
        let claims = self.pending.decode(cookie, now_secs).ok()?;
        Pending::from_claims(&claims)
    }

    /// An offer of `secret` to `user_id` on the account page (a form field), as long as a
    /// pending sign-in lasts.
    pub(crate) fn seal_offer(&self, user_id: &str, secret: &[u8], now_secs: u64) -> String {
        let mut claims = Map::new();
        claims.insert("o".into(), Value::from(user_id));
        claims.insert("s".into(), Value::from(crate::secret::hex(secret)));
        self.offer.encode(&mut claims, now_secs, PENDING_SECS)
    }

    /// The secret an offer holds, if it is `user_id`'s and has not expired.
    pub(crate) fn open_offer(&self, token: &str, user_id: &str, now_secs: u64) -> Option<Vec<u8>> {
        let claims = self.offer.decode(token, now_secs).ok()?;
        if claims.get("o").and_then(Value::as_str) != Some(user_id) {
            return None;
        }
        from_hex(claims.get("s")?.as_str()?)
    }

    /// A "remember this device" cookie for `user_id` and the enrolment made at
    /// `enabled_at_ms`. Its `iat` is compared with the user's "sessions valid after" stamp:
    /// a password change or "sign out everywhere" forgets every device.
    pub(crate) fn seal_device(
        &self,
        user_id: &str,
        enabled_at_ms: u64,
        now_secs: u64,
        lifetime: Duration,
    ) -> String {
        let mut claims = Map::new();
        claims.insert("sub".into(), Value::from(user_id));
        claims.insert("en".into(), Value::from(enabled_at_ms));
        self.device
            .encode(&mut claims, now_secs, lifetime.as_secs())
    }

    /// When a "remember this device" cookie was issued (Unix seconds), if it is for
    /// `user_id` and this enrolment and has not expired.
    pub(crate) fn device_remembered(
        &self,
        cookie: &str,
        user_id: &str,
        enabled_at_ms: u64,
        now_secs: u64,
    ) -> Option<u64> {
        let claims = self.device.decode(cookie, now_secs).ok()?;
        let mine = claims.get("sub").and_then(Value::as_str) == Some(user_id)
            && claims.get("en").and_then(Value::as_u64) == Some(enabled_at_ms);
        mine.then(|| claims.get("iat").and_then(Value::as_u64))
            .flatten()
    }
}

/// Who is between the factors, and how they got there.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    pub(crate) user_id: String,
    pub(crate) provider: String,
    pub(crate) provider_type: crate::user::ProviderType,
    pub(crate) provider_account_id: String,
    pub(crate) callback_url: String,
    pub(crate) is_new_user: bool,
    /// For a user who must enrol first: the secret offered to them (hex).
    pub(crate) enrolling: Option<String>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret of an enrolment in progress is never shown.
        f.debug_struct("Pending")
            .field("user_id", &self.user_id)
            .field("provider", &self.provider)
            .field("enrolling", &self.enrolling.is_some())
            .finish_non_exhaustive()
    }
}

impl Pending {
    fn to_claims(&self) -> Map<String, Value> {
        let mut claims = Map::new();
        claims.insert("u".into(), Value::from(self.user_id.as_str()));
        claims.insert("p".into(), Value::from(self.provider.as_str()));
        claims.insert("t".into(), Value::from(self.provider_type.as_str()));
        claims.insert("a".into(), Value::from(self.provider_account_id.as_str()));
        claims.insert("c".into(), Value::from(self.callback_url.as_str()));
        claims.insert("n".into(), Value::from(self.is_new_user));
        if let Some(secret) = &self.enrolling {
            claims.insert("e".into(), Value::from(secret.as_str()));
        }
        claims
    }

    fn from_claims(claims: &Map<String, Value>) -> Option<Self> {
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            user_id: text("u")?,
            provider: text("p")?,
            provider_type: crate::user::ProviderType::parse(&text("t")?)?,
            provider_account_id: text("a")?,
            callback_url: text("c")?,
            is_new_user: claims.get("n").and_then(Value::as_bool)?,
            enrolling: text("e"),
        })
    }
}

/// A fresh TOTP secret.
pub(crate) fn new_secret() -> Vec<u8> {
    crate::secret::random_bytes::<SECRET_BYTES>().to_vec()
}

/// The TOTP of `secret`: SHA-1, six digits, 30-second steps, one step of skew. A `:` in the
/// issuer or the account would end the URL's label early: it becomes a space.
fn totp(secret: &[u8], issuer: &str, account: &str) -> Option<totp_rs::Totp> {
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECS)
        .with_secret(secret.to_vec())
        .with_issuer(Some(issuer.as_str()))
        .with_account_name(account.as_str())
        .build()
        .ok()
}

/// The time step a typed code matches at `now_secs` (±1 step), if it does. Spaces are
/// ignored; anything but six digits matches nothing.
pub(crate) fn check_code(secret: &[u8], typed: &str, now_secs: u64) -> Option<u64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret, "-", "-")?.check(&code, now_secs)
}

/// The code of `secret` at `now_secs`.
#[cfg(test)]
fn code_at(secret: &[u8], now_secs: u64) -> Option<String> {
    Some(totp(secret, "-", "-")?.generate(now_secs).to_string())
}

/// The `otpauth://` URL an authenticator app reads from the QR code.
pub(crate) fn otpauth_url(secret: &[u8], issuer: &str, account: &str) -> Option<String> {
    totp(secret, issuer, account)?.to_url().ok()
}

/// The secret as authenticator apps take it typed: base 32, in groups of four.
pub(crate) fn secret_text(secret: &[u8]) -> String {
    let encoded = totp_rs::Secret::from(secret.to_vec()).to_base32();
    let chars: Vec<char> = encoded.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `url` as an SVG QR code (medium error correction, dark on light, scalable).
pub(crate) fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// Ten fresh recovery codes, shown as `XXXXX-XXXXX`.
pub(crate) fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars = crate::secret::random_code_chars::<RECOVERY_CHARS>();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// A typed recovery code in canonical form, if it can be one.
pub(crate) fn canonical_recovery_code(typed: &str) -> Option<String> {
    crate::secret::canonical_code_of(typed, RECOVERY_CHARS)
}

/// The stored hash of a recovery code (canonical form) under one server secret.
pub(crate) fn recovery_hash(code: &str, secret: &Secret) -> String {
    crate::secret::sha256_hex(&format!("recovery:{code}{}", secret.expose()))
}

/// Hex (as [`crate::secret::hex`] writes it) back to bytes.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(&[Secret::new("0123456789abcdef0123456789abcdef")])
    }

    #[test]
    fn codes_match_their_step_and_one_either_side_only() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let step = now / STEP_SECS;
        for (at, matches) in [
            (now, Some(step)),
            (now - STEP_SECS, Some(step - 1)),
            (now + STEP_SECS, Some(step + 1)),
            (now - 2 * STEP_SECS, None),
            (now + 2 * STEP_SECS, None),
        ] {
            let code = code_at(&secret, at).unwrap();
            assert_eq!(check_code(&secret, &code, now), matches, "{at}");
        }
        let code = code_at(&secret, now).unwrap();
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(check_code(&secret, &spaced, now), Some(step));
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            assert_eq!(check_code(&secret, bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1, last six digits.
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(secret, time).as_deref(), Some(code), "{time}");
        }
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_user_and_never_as_a_session() {
        let keys = keys();
        let secret = new_secret();
        let sealed = keys.seal_secret("ada", &secret);
        assert!(!sealed.contains(&crate::secret::hex(&secret)));
        assert_eq!(keys.open_secret("ada", &sealed), Some(secret));
        assert_eq!(
            keys.open_secret("eve", &sealed),
            None,
            "moved to another user"
        );
        let session = TokenCodec::new(
            TokenFormat::V4,
            &[Secret::new("0123456789abcdef0123456789abcdef")],
            "",
        );
        assert!(session.decrypt(&sealed).is_err());
        let pending = Pending {
            user_id: "ada".into(),
            provider: "github".into(),
            provider_type: crate::user::ProviderType::Oauth,
            provider_account_id: "1".into(),
            callback_url: "http://localhost:3000/".into(),
            is_new_user: false,
            enrolling: None,
        };
        let cookie = keys.seal_pending(&pending, 1_000);
        assert!(session.decode(&cookie, 1_000).is_err(), "never a session");
        assert_eq!(
            keys.open_pending(&cookie, 1_000 + PENDING_SECS - 1),
            Some(pending)
        );
        assert_eq!(keys.open_pending(&cookie, 1_000 + PENDING_SECS + 61), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11);
            let typed = code.to_lowercase().replace('-', " ");
            assert_eq!(canonical_recovery_code(&typed), Some(code.replace('-', "")));
        }
        assert_eq!(canonical_recovery_code("123456"), None);
    }

    #[test]
    fn a_remembered_device_is_for_one_user_and_one_enrolment() {
        let keys = keys();
        let cookie = keys.seal_device("ada", 7, 1_000, Duration::from_secs(86_400));
        assert_eq!(
            keys.device_remembered(&cookie, "ada", 7, 2_000),
            Some(1_000)
        );
        assert_eq!(keys.device_remembered(&cookie, "eve", 7, 2_000), None);
        let enrolled_again = keys.device_remembered(&cookie, "ada", 8, 2_000);
        assert_eq!(enrolled_again, None);
        let expired = keys.device_remembered(&cookie, "ada", 7, 1_000 + 86_400 + 61);
        assert_eq!(expired, None);
    }

    #[test]
    fn the_enrolment_url_and_qr_code_render() {
        let secret = b"12345678901234567890";
        let url = otpauth_url(secret, "example.com", "ada@example.com").unwrap();
        assert!(
            url.starts_with("otpauth://totp/example.com:ada%40example.com?"),
            "{url}"
        );
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        assert_eq!(
            secret_text(secret),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }
}
