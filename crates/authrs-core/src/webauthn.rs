//! The relying party's checks of a WebAuthn ceremony (W3C Web Authentication Level 3, §7.1
//! registration and §7.2 authentication), as pure functions of the browser's JSON (the shapes
//! SimpleWebAuthn's `startRegistration`/`startAuthentication` return, which next-auth v5
//! posts), the expected challenge and the relying party. No state and no I/O: the single use
//! of a challenge, the credential's owner and its sign counter are the caller's
//! (`actions/passkey.rs`).
//!
//! Rules:
//! 1. The client data must be of the ceremony's type, carry the expected challenge (compared in
//!    constant time) and one of the configured origins, and not come from a cross-origin
//!    frame.
//! 2. The authenticator data must be for the configured RP id (its SHA-256), with the user
//!    present, the user verified when that is required, and consistent backup flags (backed up
//!    implies backup-eligible).
//! 3. Registration takes attestation `none` (§8.7): which authenticator made the key is not
//!    checked, only that the key is well formed and of an algorithm offered (ES256, EdDSA,
//!    RS256 of at least 2,048 bits). The credential id must be the one the authenticator
//!    data carries, and at most 1,023 bytes.
//! 4. Authentication checks the signature over the authenticator data and the hash of the
//!    client data with the stored COSE key.
//! 5. Every malformed input is a [`Refusal`], never a panic: these bytes come from the client.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::CborSerializable as _;
use coset::iana::{self, EnumI64 as _};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// The COSE algorithms offered at registration, in order of preference: EdDSA, ES256, RS256.
pub(crate) const ALGORITHMS: [i64; 3] = [-8, -7, -257];
/// The longest credential id accepted (§5.8.3's limit).
pub(crate) const MAX_CREDENTIAL_ID: usize = 1023;
/// The smallest RSA modulus accepted, in bytes (2,048 bits).
const MIN_RSA_BYTES: usize = 256;
/// The authenticator data flags (§6.1).
const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;
const ED: u8 = 0x80;

/// Who the ceremonies are for: the RP id, the origins the browser may report, and whether the
/// user must be verified.
#[derive(Debug, Clone)]
pub(crate) struct RelyingParty {
    pub(crate) id: String,
    pub(crate) origins: Vec<String>,
    pub(crate) user_verification: bool,
}

/// Why a ceremony's response was refused (for the log; the client sees one error code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not the JSON, base64url, CBOR or binary layout the ceremony defines.
    Malformed(&'static str),
    /// The client data is of the other ceremony.
    CeremonyType,
    /// Not the challenge this browser was given.
    Challenge,
    /// An origin that is not configured.
    Origin,
    /// Made in a cross-origin frame.
    CrossOrigin,
    /// The authenticator data is for another RP id.
    RpId,
    /// The user was not present.
    UserPresence,
    /// The user was not verified, and verification is required.
    UserVerification,
    /// Backed up without being backup-eligible, or a change of backup eligibility.
    BackupFlags,
    /// A key of an algorithm not offered, or not usable.
    Algorithm,
    /// The credential id of the response and of the authenticator data differ.
    CredentialId,
    /// The signature does not verify.
    Signature,
}

impl Refusal {
    /// The name in the log.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Malformed(what) => what,
            Self::CeremonyType => "client data of another ceremony",
            Self::Challenge => "wrong challenge",
            Self::Origin => "origin not allowed",
            Self::CrossOrigin => "cross-origin frame",
            Self::RpId => "wrong RP id",
            Self::UserPresence => "user not present",
            Self::UserVerification => "user not verified",
            Self::BackupFlags => "inconsistent backup flags",
            Self::Algorithm => "key algorithm not accepted",
            Self::CredentialId => "credential id mismatch",
            Self::Signature => "signature does not verify",
        }
    }
}

/// `startRegistration`'s result (`RegistrationResponseJSON`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RegistrationJson {
    id: String,
    raw_id: String,
    #[serde(rename = "type")]
    kind: String,
    response: AttestationJson,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttestationJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    attestation_object: String,
    #[serde(default)]
    transports: Vec<String>,
}

/// `startAuthentication`'s result (`AuthenticationResponseJSON`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthenticationJson {
    id: String,
    raw_id: String,
    #[serde(rename = "type")]
    kind: String,
    response: AssertionJson,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssertionJson {
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    authenticator_data: String,
    signature: String,
    #[serde(default)]
    user_handle: Option<String>,
}

impl AuthenticationJson {
    /// The credential id the response names (unverified until [`verify_authentication`]).
    pub(crate) fn credential_id(&self) -> Result<Vec<u8>, Refusal> {
        credential_id(&self.kind, &self.id, &self.raw_id)
    }
}

/// A credential a registration made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registered {
    pub(crate) credential_id: Vec<u8>,
    /// The credential's public key, as the COSE_Key the authenticator gave.
    pub(crate) public_key: Vec<u8>,
    pub(crate) counter: u32,
    pub(crate) backup_eligible: bool,
    pub(crate) backed_up: bool,
    /// The transports the browser reported, of those the spec names.
    pub(crate) transports: Vec<String>,
}

/// What an authentication showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asserted {
    pub(crate) counter: u32,
    pub(crate) backed_up: bool,
    /// The user handle the authenticator returned, if any, as the browser script passed it
    /// on (SimpleWebAuthn v9 reads its bytes as UTF-8 text).
    pub(crate) user_handle: Option<String>,
}

/// Base64url without padding, as the ceremonies' JSON carries bytes.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Bytes from base64url, with or without padding.
pub(crate) fn from_b64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

fn decode(text: &str, what: &'static str) -> Result<Vec<u8>, Refusal> {
    from_b64url(text).ok_or(Refusal::Malformed(what))
}

fn credential_id(kind: &str, id: &str, raw_id: &str) -> Result<Vec<u8>, Refusal> {
    if kind != "public-key" {
        return Err(Refusal::Malformed("credential type is not public-key"));
    }
    let bytes = decode(id, "credential id is not base64url")?;
    if decode(raw_id, "raw id is not base64url")? != bytes {
        return Err(Refusal::CredentialId);
    }
    if bytes.is_empty() || bytes.len() > MAX_CREDENTIAL_ID {
        return Err(Refusal::Malformed("credential id length"));
    }
    Ok(bytes)
}

/// §7.1 steps 5–12 and §7.2 steps 10–15: the client data.
fn check_client_data(
    rp: &RelyingParty,
    json: &[u8],
    ceremony: &str,
    challenge: &[u8],
) -> Result<(), Refusal> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct ClientData {
        #[serde(rename = "type")]
        kind: String,
        challenge: String,
        origin: String,
        #[serde(default)]
        cross_origin: Option<bool>,
    }
    let data: ClientData =
        serde_json::from_slice(json).map_err(|_| Refusal::Malformed("client data is not JSON"))?;
    if data.kind != ceremony {
        return Err(Refusal::CeremonyType);
    }
    let given = decode(&data.challenge, "challenge is not base64url")?;
    if given.len() != challenge.len() || !bool::from(given.ct_eq(challenge)) {
        return Err(Refusal::Challenge);
    }
    if !rp.origins.contains(&data.origin) {
        return Err(Refusal::Origin);
    }
    if data.cross_origin == Some(true) {
        return Err(Refusal::CrossOrigin);
    }
    Ok(())
}

/// The authenticator data's fixed part and, after a registration, its credential.
struct AuthData<'a> {
    flags: u8,
    counter: u32,
    credential: Option<(&'a [u8], &'a [u8])>,
}

/// §6.1: `rpIdHash ‖ flags ‖ signCount ‖ [attestedCredentialData] ‖ [extensions]`, with the
/// RP id, presence, verification and backup flags checked (rule 2).
fn parse_auth_data<'a>(rp: &RelyingParty, bytes: &'a [u8]) -> Result<AuthData<'a>, Refusal> {
    let short = Refusal::Malformed("authenticator data too short");
    let (rp_id_hash, rest) = bytes.split_at_checked(32).ok_or(short)?;
    let (&flags, rest) = rest.split_first().ok_or(short)?;
    let (counter, mut rest) = rest.split_at_checked(4).ok_or(short)?;
    let counter = u32::from_be_bytes(counter.try_into().map_err(|_| short)?);
    let expected = Sha256::digest(rp.id.as_bytes());
    if !bool::from(rp_id_hash.ct_eq(expected.as_slice())) {
        return Err(Refusal::RpId);
    }
    if flags & UP == 0 {
        return Err(Refusal::UserPresence);
    }
    if rp.user_verification && flags & UV == 0 {
        return Err(Refusal::UserVerification);
    }
    if flags & BS != 0 && flags & BE == 0 {
        return Err(Refusal::BackupFlags);
    }
    let mut credential = None;
    if flags & AT != 0 {
        let (_aaguid, after) = rest.split_at_checked(16).ok_or(short)?;
        let (length, after) = after.split_at_checked(2).ok_or(short)?;
        let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
        let (id, after) = after.split_at_checked(length).ok_or(short)?;
        let (key, after) = cbor_item(after)?;
        credential = Some((id, key));
        rest = after;
    }
    if flags & ED != 0 {
        let (_extensions, after) = cbor_item(rest)?;
        rest = after;
    }
    if !rest.is_empty() {
        return Err(Refusal::Malformed("bytes after the authenticator data"));
    }
    Ok(AuthData {
        flags,
        counter,
        credential,
    })
}

/// One CBOR data item at the start of `bytes`, and what follows it.
fn cbor_item(bytes: &[u8]) -> Result<(&[u8], &[u8]), Refusal> {
    let mut reader = bytes;
    let _: ciborium::Value = ciborium::de::from_reader(&mut reader)
        .map_err(|_| Refusal::Malformed("authenticator data holds bad CBOR"))?;
    Ok(bytes.split_at(bytes.len() - reader.len()))
}

/// A usable public key: ES256 on P-256, EdDSA on Ed25519, or RS256 of 2,048 bits or more.
enum PublicKey {
    Es256(Vec<u8>),
    Ed25519(Vec<u8>),
    Rs256 { n: Vec<u8>, e: Vec<u8> },
}

impl PublicKey {
    /// The key a COSE_Key holds, if it is one of [`ALGORITHMS`] and well formed.
    fn from_cose(bytes: &[u8]) -> Result<Self, Refusal> {
        let key = coset::CoseKey::from_slice(bytes).map_err(|_| Refusal::Algorithm)?;
        let param = |label: i64| {
            key.params
                .iter()
                .find_map(|(l, value)| (*l == coset::Label::Int(label)).then_some(value))
        };
        let bytes_of = |label: i64| param(label).and_then(|value| value.as_bytes()).cloned();
        let int_of = |label: i64| {
            param(label)
                .and_then(|value| value.as_integer())
                .and_then(|value| i64::try_from(value).ok())
        };
        let alg = match &key.alg {
            Some(coset::Algorithm::Assigned(alg)) => alg.to_i64(),
            _ => return Err(Refusal::Algorithm),
        };
        let kty = match &key.kty {
            coset::KeyType::Assigned(kty) => *kty,
            coset::KeyType::Text(_) => return Err(Refusal::Algorithm),
        };
        let public = match (kty, alg) {
            (iana::KeyType::EC2, -7) => {
                let crv = int_of(iana::Ec2KeyParameter::Crv.to_i64());
                let x = bytes_of(iana::Ec2KeyParameter::X.to_i64());
                let y = bytes_of(iana::Ec2KeyParameter::Y.to_i64());
                match (crv, x, y) {
                    (Some(crv), Some(x), Some(y))
                        if crv == iana::EllipticCurve::P_256.to_i64()
                            && x.len() == 32
                            && y.len() == 32 =>
                    {
                        let mut point = Vec::with_capacity(65);
                        point.push(0x04);
                        point.extend_from_slice(&x);
                        point.extend_from_slice(&y);
                        Self::Es256(point)
                    }
                    _ => return Err(Refusal::Algorithm),
                }
            }
            (iana::KeyType::OKP, -8) => {
                let crv = int_of(iana::OkpKeyParameter::Crv.to_i64());
                let x = bytes_of(iana::OkpKeyParameter::X.to_i64());
                match (crv, x) {
                    (Some(crv), Some(x))
                        if crv == iana::EllipticCurve::Ed25519.to_i64() && x.len() == 32 =>
                    {
                        Self::Ed25519(x)
                    }
                    _ => return Err(Refusal::Algorithm),
                }
            }
            (iana::KeyType::RSA, -257) => {
                let n = bytes_of(iana::RsaKeyParameter::N.to_i64());
                let e = bytes_of(iana::RsaKeyParameter::E.to_i64());
                match (n, e) {
                    (Some(n), Some(e))
                        if n.len() >= MIN_RSA_BYTES && n.len() <= 1024 && !e.is_empty() =>
                    {
                        Self::Rs256 { n, e }
                    }
                    _ => return Err(Refusal::Algorithm),
                }
            }
            _ => return Err(Refusal::Algorithm),
        };
        Ok(public)
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), Refusal> {
        use ring::signature as sig;
        let verified = match self {
            Self::Es256(point) => sig::UnparsedPublicKey::new(&sig::ECDSA_P256_SHA256_ASN1, point)
                .verify(message, signature),
            Self::Ed25519(x) => {
                sig::UnparsedPublicKey::new(&sig::ED25519, x).verify(message, signature)
            }
            Self::Rs256 { n, e } => sig::RsaPublicKeyComponents { n, e }.verify(
                &sig::RSA_PKCS1_2048_8192_SHA256,
                message,
                signature,
            ),
        };
        verified.map_err(|_| Refusal::Signature)
    }
}

/// §7.1: checks a registration response for `challenge` and returns the new credential.
pub(crate) fn verify_registration(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &RegistrationJson,
) -> Result<Registered, Refusal> {
    let id = credential_id(&response.kind, &response.id, &response.raw_id)?;
    let client_data = decode(
        &response.response.client_data_json,
        "client data is not base64url",
    )?;
    check_client_data(rp, &client_data, "webauthn.create", challenge)?;
    let attestation = decode(
        &response.response.attestation_object,
        "attestation object is not base64url",
    )?;
    let (object, rest) = cbor_item(&attestation)
        .map_err(|_| Refusal::Malformed("attestation object is not CBOR"))?;
    if !rest.is_empty() {
        return Err(Refusal::Malformed("bytes after the attestation object"));
    }
    let object: ciborium::Value = ciborium::de::from_reader(object)
        .map_err(|_| Refusal::Malformed("attestation object is not CBOR"))?;
    let entries = object
        .as_map()
        .ok_or(Refusal::Malformed("attestation object is not a map"))?;
    let field = |name: &str| {
        entries
            .iter()
            .find_map(|(key, value)| (key.as_text() == Some(name)).then_some(value))
    };
    // Rule 3: any format, its statement unchecked (attestation `none` was asked for).
    if field("fmt").and_then(ciborium::Value::as_text).is_none() {
        return Err(Refusal::Malformed("attestation object has no format"));
    }
    let auth_data = field("authData")
        .and_then(ciborium::Value::as_bytes)
        .ok_or(Refusal::Malformed(
            "attestation object has no authenticator data",
        ))?;
    let parsed = parse_auth_data(rp, auth_data)?;
    let Some((credential, key)) = parsed.credential else {
        return Err(Refusal::Malformed("registration without a credential"));
    };
    if credential != id.as_slice() {
        return Err(Refusal::CredentialId);
    }
    PublicKey::from_cose(key)?;
    let mut transports: Vec<String> = (response.response.transports.iter())
        .filter(|t| TRANSPORTS.contains(&t.as_str()))
        .cloned()
        .collect();
    transports.sort();
    transports.dedup();
    Ok(Registered {
        credential_id: id,
        public_key: key.to_vec(),
        counter: parsed.counter,
        backup_eligible: parsed.flags & BE != 0,
        backed_up: parsed.flags & BS != 0,
        transports,
    })
}

/// The transports WebAuthn names (`AuthenticatorTransport`).
const TRANSPORTS: [&str; 6] = ["ble", "cable", "hybrid", "internal", "nfc", "usb"];

/// What is stored of a credential that an authentication is checked against.
pub(crate) struct StoredKey<'a> {
    pub(crate) public_key: &'a [u8],
    pub(crate) backup_eligible: bool,
}

/// §7.2: checks an authentication response for `challenge` against the stored credential the
/// response names (the caller found it by [`AuthenticationJson::credential_id`]).
pub(crate) fn verify_authentication(
    rp: &RelyingParty,
    challenge: &[u8],
    response: &AuthenticationJson,
    stored: &StoredKey<'_>,
) -> Result<Asserted, Refusal> {
    response.credential_id()?;
    let client_data = decode(
        &response.response.client_data_json,
        "client data is not base64url",
    )?;
    check_client_data(rp, &client_data, "webauthn.get", challenge)?;
    let auth_data = decode(
        &response.response.authenticator_data,
        "authenticator data is not base64url",
    )?;
    let parsed = parse_auth_data(rp, &auth_data)?;
    if parsed.credential.is_some() {
        return Err(Refusal::Malformed(
            "authentication with attested credential data",
        ));
    }
    // §7.2 step 18 (Level 3): backup eligibility never changes for a credential.
    if (parsed.flags & BE != 0) != stored.backup_eligible {
        return Err(Refusal::BackupFlags);
    }
    let signature = decode(&response.response.signature, "signature is not base64url")?;
    let mut message = auth_data.clone();
    message.extend_from_slice(&Sha256::digest(&client_data));
    PublicKey::from_cose(stored.public_key)?.verify(&message, &signature)?;
    Ok(Asserted {
        counter: parsed.counter,
        backed_up: parsed.flags & BS != 0,
        user_handle: (response.response.user_handle.clone()).filter(|handle| !handle.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use authrs_test_support::webauthn::{Algorithm, SoftAuthenticator};
    use serde_json::{Value, json};

    use super::*;

    const ORIGIN: &str = "https://app.example.com";

    fn rp() -> RelyingParty {
        RelyingParty {
            id: "example.com".into(),
            origins: vec![ORIGIN.into()],
            user_verification: true,
        }
    }

    fn options(challenge: &[u8]) -> Value {
        json!({
            "rp": {"id": "example.com", "name": "Example"},
            "rpId": "example.com",
            "user": {"id": "user-handle", "name": "ada@example.com"},
            "challenge": b64url(challenge),
        })
    }

    fn register(authenticator: &mut SoftAuthenticator) -> Result<Registered, Refusal> {
        let challenge = b"registration challenge";
        let response = authenticator.register(&options(challenge));
        let response: RegistrationJson = serde_json::from_value(response).expect("its shape");
        verify_registration(&rp(), challenge, &response)
    }

    fn authenticate(
        authenticator: &mut SoftAuthenticator,
        registered: &Registered,
        edit: impl FnOnce(&mut Value),
    ) -> Result<Asserted, Refusal> {
        let challenge = b"authentication challenge";
        let mut response = authenticator.authenticate(&options(challenge));
        edit(&mut response);
        let response: AuthenticationJson = serde_json::from_value(response).expect("its shape");
        assert_eq!(
            response.credential_id(),
            Ok(registered.credential_id.clone())
        );
        let stored = StoredKey {
            public_key: &registered.public_key,
            backup_eligible: registered.backup_eligible,
        };
        verify_authentication(&rp(), challenge, &response, &stored)
    }

    #[test]
    fn es256_and_eddsa_credentials_register_and_sign_in() {
        for algorithm in [Algorithm::Es256, Algorithm::EdDsa] {
            let mut authenticator = SoftAuthenticator::new(ORIGIN);
            authenticator.algorithm = algorithm;
            let registered = register(&mut authenticator).expect("registers");
            assert_eq!(registered.counter, 0);
            assert_eq!(registered.transports, vec!["internal".to_owned()]);
            assert!(!registered.backup_eligible);
            let asserted = authenticate(&mut authenticator, &registered, |_| {}).expect("signs in");
            assert_eq!(asserted.counter, 1);
            assert_eq!(asserted.user_handle.as_deref(), Some("user-handle"));
        }
    }

    #[test]
    fn the_client_data_must_be_this_ceremony_challenge_and_origin() {
        let mut authenticator = SoftAuthenticator::new("https://evil.example");
        assert_eq!(register(&mut authenticator), Err(Refusal::Origin));
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        let response = authenticator.register(&options(b"another challenge"));
        let response: RegistrationJson = serde_json::from_value(response).expect("its shape");
        let refused = verify_registration(&rp(), b"registration challenge", &response);
        assert_eq!(refused, Err(Refusal::Challenge));
        let registered = register(&mut authenticator).expect("registers");
        // A registration's client data posted as an authentication's.
        let create_data =
            SoftAuthenticator::new(ORIGIN).register(&options(b"authentication challenge"));
        let refused = authenticate(&mut authenticator, &registered, |response| {
            response["response"]["clientDataJSON"] =
                create_data["response"]["clientDataJSON"].clone();
        });
        assert_eq!(refused, Err(Refusal::CeremonyType));
        authenticator.origin = "https://app.example.com.evil.example".into();
        let refused = authenticate(&mut authenticator, &registered, |_| {});
        assert_eq!(refused, Err(Refusal::Origin));
    }

    #[test]
    fn the_authenticator_data_must_be_for_this_rp_with_a_verified_user() {
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        authenticator.rp_id_override = Some("evil.example".into());
        assert_eq!(register(&mut authenticator), Err(Refusal::RpId));
        authenticator.rp_id_override = None;
        authenticator.user_verified = false;
        assert_eq!(register(&mut authenticator), Err(Refusal::UserVerification));
        authenticator.user_verified = true;
        let registered = register(&mut authenticator).expect("registers");
        authenticator.user_verified = false;
        let refused = authenticate(&mut authenticator, &registered, |_| {});
        assert_eq!(refused, Err(Refusal::UserVerification));
        // Preferred verification takes a present user alone.
        let preferred = RelyingParty {
            user_verification: false,
            ..rp()
        };
        let challenge = b"authentication challenge";
        let response = authenticator.authenticate(&options(challenge));
        let response: AuthenticationJson = serde_json::from_value(response).expect("its shape");
        let stored = StoredKey {
            public_key: &registered.public_key,
            backup_eligible: false,
        };
        assert!(verify_authentication(&preferred, challenge, &response, &stored).is_ok());
    }

    #[test]
    fn backup_eligibility_never_changes_and_a_forged_signature_fails() {
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        let registered = register(&mut authenticator).expect("registers");
        authenticator.backed_up = true;
        let refused = authenticate(&mut authenticator, &registered, |_| {});
        assert_eq!(refused, Err(Refusal::BackupFlags));
        authenticator.backed_up = false;
        let refused = authenticate(&mut authenticator, &registered, |response| {
            let mut signature = from_b64url(response["response"]["signature"].as_str().unwrap())
                .expect("base64url");
            let last = signature.len() - 1;
            signature[last] ^= 1;
            response["response"]["signature"] = Value::from(b64url(&signature));
        });
        assert_eq!(refused, Err(Refusal::Signature));
        // Another credential's key does not verify this one's signature.
        let other = register(&mut authenticator).expect("registers a second");
        let challenge = b"authentication challenge";
        let response = authenticator.authenticate_with(1, &options(challenge));
        let response: AuthenticationJson = serde_json::from_value(response).expect("its shape");
        let stored = StoredKey {
            public_key: &registered.public_key,
            backup_eligible: false,
        };
        let refused = verify_authentication(&rp(), challenge, &response, &stored);
        assert_eq!(refused, Err(Refusal::Signature));
        assert_ne!(other.credential_id, registered.credential_id);
    }

    #[test]
    fn malformed_responses_are_refusals() {
        let mut authenticator = SoftAuthenticator::new(ORIGIN);
        let good = authenticator.register(&options(b"c"));
        let cases: [(&str, Value); 6] = [
            ("/type", Value::from("password")),
            ("/rawId", Value::from(b64url(b"other"))),
            ("/id", Value::from("not base64url!")),
            (
                "/response/attestationObject",
                Value::from(b64url(b"\xff\x00")),
            ),
            ("/response/clientDataJSON", Value::from(b64url(b"{"))),
            ("/response/attestationObject", Value::from(b64url(&[0xa0]))),
        ];
        for (path, value) in cases {
            let mut response = good.clone();
            *response.pointer_mut(path).expect("the field") = value;
            let response: RegistrationJson = serde_json::from_value(response).expect("its shape");
            let refused = verify_registration(&rp(), b"c", &response);
            assert!(refused.is_err(), "{path} was accepted");
        }
        // Authenticator data cut short, or with bytes after it.
        for cut in [0, 10, 36] {
            assert!(parse_auth_data(&rp(), &vec![0; cut]).is_err());
        }
        let mut data = Sha256::digest(b"example.com").to_vec();
        data.extend_from_slice(&[UP | UV, 0, 0, 0, 1, 0xff]);
        assert_eq!(
            parse_auth_data(&rp(), &data).err(),
            Some(Refusal::Malformed("bytes after the authenticator data"))
        );
        // A COSE key of an algorithm not offered.
        let key = coset::CoseKeyBuilder::new_symmetric_key(vec![0; 32]).build();
        assert!(PublicKey::from_cose(&key.to_vec().expect("encodes")).is_err());
    }
}
