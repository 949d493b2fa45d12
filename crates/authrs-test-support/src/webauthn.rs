//! A software passkey authenticator, for tests of the relying party: it answers the options
//! of a registration or an authentication with the JSON SimpleWebAuthn's browser functions
//! return (what next-auth v5 posts), signing with P-256 (ES256) or Ed25519 keys, and holds
//! discoverable credentials as a platform authenticator does. Its public fields let a test
//! make it misbehave: another origin or RP id, no user verification, a counter of its choice.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use ring::rand::SystemRandom;
use ring::signature::{self as sig, KeyPair as _};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// Which key a new credential gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256 (COSE -7).
    Es256,
    /// Ed25519 (COSE -8).
    EdDsa,
}

enum Key {
    Es256(sig::EcdsaKeyPair),
    EdDsa(sig::Ed25519KeyPair),
}

/// A credential the authenticator holds.
pub struct Credential {
    /// The credential id.
    pub id: Vec<u8>,
    /// The user handle of its registration (the UTF-8 bytes of the options' `user.id`).
    pub user_handle: Vec<u8>,
    /// The RP id it was made for.
    pub rp_id: String,
    /// The signature counter; each use adds [`SoftAuthenticator::counter_step`] first.
    pub counter: u32,
    key: Key,
}

impl Credential {
    /// The credential id in base64url, as the JSON carries it.
    pub fn id_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.id)
    }
}

/// The authenticator, and the browser's part of a ceremony (the client data).
pub struct SoftAuthenticator {
    /// The origin the "browser" reports in the client data.
    pub origin: String,
    /// The RP id whose hash the authenticator data carries; `None`: the options' RP id.
    pub rp_id_override: Option<String>,
    /// Whether the user is verified (the UV flag).
    pub user_verified: bool,
    /// Whether credentials are backup-eligible and backed up (synced passkeys).
    pub backed_up: bool,
    /// What each use adds to a credential's counter (0: a counter that stays 0).
    pub counter_step: u32,
    /// The algorithm of the next credential.
    pub algorithm: Algorithm,
    /// The credentials, oldest first.
    pub credentials: Vec<Credential>,
    rng: SystemRandom,
}

impl std::fmt::Debug for SoftAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftAuthenticator")
            .field("origin", &self.origin)
            .field("credentials", &self.credentials.len())
            .finish_non_exhaustive()
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .expect("the options carry base64url")
}

fn cbor(value: &Cbor) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::ser::into_writer(value, &mut bytes).expect("CBOR encodes into a Vec");
    bytes
}

impl SoftAuthenticator {
    /// An authenticator in a browser at `origin`, verifying its user, with ES256 keys.
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            rp_id_override: None,
            user_verified: true,
            backed_up: false,
            counter_step: 1,
            algorithm: Algorithm::Es256,
            credentials: Vec::new(),
            rng: SystemRandom::new(),
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({
            "type": kind,
            "challenge": challenge,
            "origin": self.origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    fn auth_data(&self, rp_id: &str, counter: u32, attested: Option<(&[u8], &[u8])>) -> Vec<u8> {
        let rp_id = self.rp_id_override.as_deref().unwrap_or(rp_id);
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        let mut flags = 0x01;
        if self.user_verified {
            flags |= 0x04;
        }
        if self.backed_up {
            flags |= 0x08 | 0x10;
        }
        if attested.is_some() {
            flags |= 0x40;
        }
        data.push(flags);
        data.extend_from_slice(&counter.to_be_bytes());
        if let Some((id, key)) = attested {
            data.extend_from_slice(&[0; 16]);
            let length = u16::try_from(id.len()).expect("a short credential id");
            data.extend_from_slice(&length.to_be_bytes());
            data.extend_from_slice(id);
            data.extend_from_slice(key);
        }
        data
    }

    /// Answers registration options (`PublicKeyCredentialCreationOptionsJSON`, the `options`
    /// of `/webauthn-options`) with a new discoverable credential, as `startRegistration`
    /// returns it.
    pub fn register(&mut self, options: &Value) -> Value {
        let rp_id = options["rp"]["id"]
            .as_str()
            .expect("options name the RP id");
        let challenge = options["challenge"]
            .as_str()
            .expect("options carry a challenge");
        // SimpleWebAuthn v9 (next-auth v5's) passes `user.id` as UTF-8 text, not base64url.
        let user_handle = (options["user"]["id"].as_str())
            .expect("options name the user")
            .as_bytes()
            .to_vec();
        let id = ring::rand::generate::<[u8; 32]>(&self.rng)
            .expect("random bytes")
            .expose()
            .to_vec();
        let (key, cose) = match self.algorithm {
            Algorithm::Es256 => {
                let alg = &sig::ECDSA_P256_SHA256_ASN1_SIGNING;
                let pkcs8 = sig::EcdsaKeyPair::generate_pkcs8(alg, &self.rng).expect("a key");
                let pair = sig::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &self.rng)
                    .expect("the key reads back");
                let point = pair.public_key().as_ref().to_vec();
                let cose = Cbor::Map(vec![
                    (Cbor::from(1), Cbor::from(2)),
                    (Cbor::from(3), Cbor::from(-7)),
                    (Cbor::from(-1), Cbor::from(1)),
                    (Cbor::from(-2), Cbor::Bytes(point[1..33].to_vec())),
                    (Cbor::from(-3), Cbor::Bytes(point[33..65].to_vec())),
                ]);
                (Key::Es256(pair), cose)
            }
            Algorithm::EdDsa => {
                let pkcs8 = sig::Ed25519KeyPair::generate_pkcs8(&self.rng).expect("a key");
                let pair = sig::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("reads back");
                let cose = Cbor::Map(vec![
                    (Cbor::from(1), Cbor::from(1)),
                    (Cbor::from(3), Cbor::from(-8)),
                    (Cbor::from(-1), Cbor::from(6)),
                    (
                        Cbor::from(-2),
                        Cbor::Bytes(pair.public_key().as_ref().to_vec()),
                    ),
                ]);
                (Key::EdDsa(pair), cose)
            }
        };
        let counter = 0;
        let auth_data = self.auth_data(rp_id, counter, Some((&id, &cbor(&cose))));
        let attestation = Cbor::Map(vec![
            (Cbor::from("fmt"), Cbor::from("none")),
            (Cbor::from("attStmt"), Cbor::Map(Vec::new())),
            (Cbor::from("authData"), Cbor::Bytes(auth_data)),
        ]);
        let client_data = self.client_data("webauthn.create", challenge);
        self.credentials.push(Credential {
            id: id.clone(),
            user_handle,
            rp_id: rp_id.to_owned(),
            counter,
            key,
        });
        json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&cbor(&attestation)),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }

    /// Answers authentication options (`PublicKeyCredentialRequestOptionsJSON`) with the
    /// newest credential for the RP id (of `allowCredentials`, when the options list some),
    /// as `startAuthentication` returns it.
    pub fn authenticate(&mut self, options: &Value) -> Value {
        let rp_id = options["rpId"]
            .as_str()
            .expect("options name the RP id")
            .to_owned();
        let allowed: Vec<Vec<u8>> = options["allowCredentials"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|c| c["id"].as_str().map(unb64))
                    .collect()
            })
            .unwrap_or_default();
        let index = (self.credentials.iter())
            .rposition(|c| c.rp_id == rp_id && (allowed.is_empty() || allowed.contains(&c.id)))
            .expect("a credential for this RP");
        self.authenticate_with(index, options)
    }

    /// [`Self::authenticate`] with the credential at `index`.
    pub fn authenticate_with(&mut self, index: usize, options: &Value) -> Value {
        let rp_id = options["rpId"]
            .as_str()
            .expect("options name the RP id")
            .to_owned();
        let challenge = options["challenge"]
            .as_str()
            .expect("options carry a challenge");
        let step = self.counter_step;
        let credential = &mut self.credentials[index];
        credential.counter = credential.counter.wrapping_add(step);
        let counter = credential.counter;
        let auth_data = self.auth_data(&rp_id, counter, None);
        let client_data = self.client_data("webauthn.get", challenge);
        let mut message = auth_data.clone();
        message.extend_from_slice(&Sha256::digest(&client_data));
        let credential = &self.credentials[index];
        let signature = match &credential.key {
            Key::Es256(pair) => pair
                .sign(&self.rng, &message)
                .expect("signs")
                .as_ref()
                .to_vec(),
            Key::EdDsa(pair) => pair.sign(&message).as_ref().to_vec(),
        };
        json!({
            "id": credential.id_b64(),
            "rawId": credential.id_b64(),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&signature),
                // As SimpleWebAuthn v9 returns it: the handle's bytes read as UTF-8.
                "userHandle": String::from_utf8_lossy(&credential.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }
}
