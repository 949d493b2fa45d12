//! Interop with the real npm packages: session tokens made by next-auth v4 (`next-auth/jwt`) and
//! Auth.js v5 (`@auth/core/jwt`) decode with [`TokenCodec`], and tokens made by [`TokenCodec`]
//! decode there, with the same claims on both sides.
//!
//! The Node side is `tests/node-interop/jwt.mjs`, with the versions pinned in that folder's
//! `package-lock.json`. Install them once with `npm ci --prefix tests/node-interop` from the
//! workspace root; without them these tests fail rather than skip.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use authrs_core::jwt::{Claims, TokenCodec, TokenError, TokenFormat};
use authrs_core::secret::Secret;
use serde_json::{Value, json};

const MAX_AGE: u64 = 3600;
const V4_SESSION_SALT: &str = "";
const V4_STATE_SALT: &str = "next-auth.state";
const V5_SESSION_SALT: &str = "authjs.session-token";
const V5_SECURE_SESSION_SALT: &str = "__Secure-authjs.session-token";

/// The claims every test compares across the boundary, besides the whole claim set.
const COMPARED: [&str; 5] = ["name", "email", "sub", "exp", "iat"];

/// Runs `node tests/node-interop/jwt.mjs` once with one JSON request per line and returns its
/// responses, one per request, in order.
fn node(requests: &[Value]) -> Vec<Value> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .expect("crates/authrs-core is two levels down");
    let dir = root.join("tests/node-interop");
    assert!(
        dir.join("node_modules").is_dir(),
        "{} is missing: run `npm ci --prefix tests/node-interop` in the workspace root ({}) \
         before these tests",
        dir.join("node_modules").display(),
        root.display(),
    );
    let mut child = Command::new("node")
        .arg(dir.join("jwt.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start `node` (is Node.js 20+ on PATH?): {e}"));
    let input: String = requests.iter().map(|r| format!("{r}\n")).collect();
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("node ran");
    writer
        .join()
        .expect("the writer thread ended")
        .expect("node read its input");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "jwt.mjs failed: {stderr}");
    let responses: Vec<Value> = String::from_utf8(output.stdout)
        .expect("jwt.mjs writes UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("jwt.mjs writes JSON lines"))
        .collect();
    assert_eq!(
        responses.len(),
        requests.len(),
        "one response per request; stderr: {stderr}"
    );
    responses
}

fn encode_request(format: &str, secret: Value, salt: &str, claims: &Claims) -> Value {
    json!({"op": "encode", "format": format, "secret": secret, "salt": salt,
           "token": claims, "maxAge": MAX_AGE})
}

fn decode_request(format: &str, secret: Value, salt: &str, token: &str) -> Value {
    json!({"op": "decode", "format": format, "secret": secret, "salt": salt, "token": token})
}

/// The token of a successful Node encode.
fn node_token(response: &Value) -> String {
    assert_eq!(response["ok"], true, "Node could not encode: {response}");
    response["token"]
        .as_str()
        .expect("a token string")
        .to_owned()
}

/// The claims of a successful Node decode.
fn node_claims(response: &Value) -> Claims {
    assert_eq!(response["ok"], true, "Node could not decode: {response}");
    match &response["claims"] {
        Value::Object(claims) => claims.clone(),
        other => panic!("Node decoded no claims: {other}"),
    }
}

/// Whether Node refused a token (the libraries throw, or return null for an empty token).
fn node_rejected(response: &Value) -> bool {
    response["ok"] == false || response["claims"].is_null()
}

/// Node reads the real clock, so these tests do too (through the engine's `Clock`).
fn now() -> u64 {
    use authrs_core::clock::Clock as _;
    authrs_core::clock::SystemClock.now_secs()
}

fn codec(format: TokenFormat, secrets: &[&str], salt: &str) -> TokenCodec {
    let secrets: Vec<Secret> = secrets.iter().map(|s| Secret::new(*s)).collect();
    TokenCodec::new(format, &secrets, salt)
}

/// A user's claims, with non-ASCII text and a nested custom claim to cross the boundary too.
fn user() -> Claims {
    json!({
        "name": "Ada Lövelace ✓",
        "email": "ada@example.com",
        "picture": "https://example.com/ada.png",
        "sub": "user-1",
        "role": {"admin": true, "teams": ["engines", 42]},
    })
    .as_object()
    .expect("an object")
    .clone()
}

/// Checks a token Node encoded from `user()` at a time in `[before, after]`, as Rust decoded it.
fn assert_node_claims_in_rust(decoded: &Claims, before: u64, after: u64) {
    for (name, value) in user() {
        assert_eq!(decoded.get(&name), Some(&value), "claim {name}");
    }
    let iat = decoded["iat"].as_u64().expect("iat is an integer");
    assert!(
        (before..=after).contains(&iat),
        "iat {iat} not in [{before}, {after}]"
    );
    assert_eq!(decoded["exp"].as_u64(), Some(iat + MAX_AGE), "exp");
    assert_eq!(
        decoded["jti"].as_str().map(str::len),
        Some(36),
        "jti is a UUID"
    );
}

/// Checks that Node decoded exactly the claims Rust encoded.
fn assert_same_claims(from_node: &Claims, from_rust: &Claims) {
    for name in COMPARED {
        assert!(from_rust.contains_key(name), "Rust set no {name}");
        assert_eq!(from_node.get(name), from_rust.get(name), "claim {name}");
    }
    assert_eq!(from_node, from_rust);
}

fn header(token: &str) -> &str {
    token.split('.').next().expect("a header segment")
}

/// Node encodes `user()` for `salt`, and Rust decodes it with the same salt only.
fn node_to_rust(format: TokenFormat, salt: &str, other_salt: &str) {
    let name = if format == TokenFormat::V4 {
        "v4"
    } else {
        "v5"
    };
    let before = now();
    let responses = node(&[encode_request(name, json!("s3cret"), salt, &user())]);
    let after = now();
    let token = node_token(&responses[0]);
    let ours = codec(format, &["s3cret"], salt);
    let decoded = ours
        .decode(&token, now())
        .expect("Rust decodes Node's token");
    assert_node_claims_in_rust(&decoded, before, after);
    // Same secret and salt: the protected header (and in v5 the kid) is byte for byte ours.
    assert_eq!(
        header(&token),
        header(&ours.encode(&mut user(), now(), MAX_AGE))
    );
    let elsewhere = codec(format, &["s3cret"], other_salt);
    assert_eq!(elsewhere.decode(&token, now()), Err(TokenError::Decryption));
}

/// Rust encodes `user()` for `salt`, and Node decodes it with the same salt only.
fn rust_to_node(format: TokenFormat, salt: &str, other_salt: &str) {
    let name = if format == TokenFormat::V4 {
        "v4"
    } else {
        "v5"
    };
    let mut claims = user();
    let token = codec(format, &["s3cret"], salt).encode(&mut claims, now(), MAX_AGE);
    let responses = node(&[
        decode_request(name, json!("s3cret"), salt, &token),
        decode_request(name, json!("s3cret"), other_salt, &token),
    ]);
    assert_same_claims(&node_claims(&responses[0]), &claims);
    assert!(node_rejected(&responses[1]), "other salt: {}", responses[1]);
}

#[test]
fn v4_token_from_node_decodes_in_rust() {
    node_to_rust(TokenFormat::V4, V4_SESSION_SALT, V4_STATE_SALT);
    // next-auth's own default salt (no `salt` passed) is the session salt "".
    let request = json!({"op": "encode", "format": "v4", "secret": "s3cret", "token": user(),
                         "maxAge": MAX_AGE});
    let token = node_token(&node(&[request])[0]);
    let decoded = codec(TokenFormat::V4, &["s3cret"], V4_SESSION_SALT).decode(&token, now());
    assert_eq!(
        decoded.expect("Rust decodes it")["email"],
        "ada@example.com"
    );
}

#[test]
fn v4_token_from_rust_decodes_in_node() {
    rust_to_node(TokenFormat::V4, V4_SESSION_SALT, V4_STATE_SALT);
}

#[test]
fn v5_token_from_node_decodes_in_rust() {
    node_to_rust(TokenFormat::V5, V5_SESSION_SALT, V5_SECURE_SESSION_SALT);
}

#[test]
fn v5_token_from_rust_decodes_in_node() {
    rust_to_node(TokenFormat::V5, V5_SESSION_SALT, V5_SECURE_SESSION_SALT);
}

#[test]
fn v4_check_cookie_salt_interoperates() {
    node_to_rust(TokenFormat::V4, V4_STATE_SALT, V4_SESSION_SALT);
    rust_to_node(TokenFormat::V4, V4_STATE_SALT, V4_SESSION_SALT);
}

#[test]
fn v5_secure_cookie_salt_interoperates() {
    node_to_rust(TokenFormat::V5, V5_SECURE_SESSION_SALT, V5_SESSION_SALT);
    rust_to_node(TokenFormat::V5, V5_SECURE_SESSION_SALT, V5_SESSION_SALT);
}

#[test]
fn v5_rotated_secret_list_interoperates() {
    let salt = V5_SESSION_SALT;
    let mut from_old = user();
    let old_token = codec(TokenFormat::V5, &["old"], salt).encode(&mut from_old, now(), MAX_AGE);
    let mut from_rotated = user();
    let rotated_token =
        codec(TokenFormat::V5, &["new", "old"], salt).encode(&mut from_rotated, now(), MAX_AGE);
    let before = now();
    let responses = node(&[
        encode_request("v5", json!(["new", "old"]), salt, &user()),
        decode_request("v5", json!(["new", "old"]), salt, &old_token),
        decode_request("v5", json!(["new"]), salt, &old_token),
        decode_request("v5", json!(["new"]), salt, &rotated_token),
    ]);
    let after = now();

    // Node encodes with the first secret of its list; Rust reads it with the same list, or
    // with the new secret alone, but not with the old one.
    let node_token = node_token(&responses[0]);
    let rotated = codec(TokenFormat::V5, &["new", "old"], salt);
    let decoded = rotated
        .decode(&node_token, now())
        .expect("Rust [new, old] decodes");
    assert_node_claims_in_rust(&decoded, before, after);
    let new_only = codec(TokenFormat::V5, &["new"], salt);
    assert!(new_only.decode(&node_token, now()).is_ok());
    let old_only = codec(TokenFormat::V5, &["old"], salt);
    assert_eq!(
        old_only.decode(&node_token, now()),
        Err(TokenError::Decryption)
    );

    // A token Rust made before the rotation opens in Node with the rotated list only.
    assert_same_claims(&node_claims(&responses[1]), &from_old);
    assert!(
        node_rejected(&responses[2]),
        "Node [new] read an old token: {}",
        responses[2]
    );
    // Rust also encodes with the first secret of its list.
    assert_same_claims(&node_claims(&responses[3]), &from_rotated);
}

#[test]
fn foreign_secret_fails_in_both_directions() {
    for (format, name, salt) in [
        (TokenFormat::V4, "v4", V4_SESSION_SALT),
        (TokenFormat::V5, "v5", V5_SESSION_SALT),
    ] {
        let rust_token = codec(format, &["theirs"], salt).encode(&mut user(), now(), MAX_AGE);
        let responses = node(&[
            encode_request(name, json!("theirs"), salt, &user()),
            decode_request(name, json!("mine"), salt, &rust_token),
            decode_request(name, json!("theirs"), salt, &rust_token),
        ]);
        let node_token = node_token(&responses[0]);
        let mine = codec(format, &["mine"], salt);
        assert_eq!(
            mine.decode(&node_token, now()),
            Err(TokenError::Decryption),
            "{name}"
        );
        assert!(
            node_rejected(&responses[1]),
            "{name}: Node read it: {}",
            responses[1]
        );
        // The control: the right secret opens both.
        assert!(
            codec(format, &["theirs"], salt)
                .decode(&node_token, now())
                .is_ok()
        );
        node_claims(&responses[2]);
    }
}

#[test]
fn expired_tokens_are_rejected_in_both_directions() {
    // Both sides allow 15 s of clock skew; these expired two minutes ago.
    for (format, name, salt) in [
        (TokenFormat::V4, "v4", V4_SESSION_SALT),
        (TokenFormat::V5, "v5", V5_SESSION_SALT),
    ] {
        let ours = codec(format, &["s3cret"], salt);
        let rust_token = ours.encode(&mut user(), now() - MAX_AGE - 120, MAX_AGE);
        let mut request = encode_request(name, json!("s3cret"), salt, &user());
        request["maxAge"] = json!(-120);
        let responses = node(&[
            request,
            decode_request(name, json!("s3cret"), salt, &rust_token),
        ]);
        let node_token = node_token(&responses[0]);
        assert_eq!(
            ours.decode(&node_token, now()),
            Err(TokenError::Expired),
            "{name}"
        );
        assert!(
            node_rejected(&responses[1]),
            "{name}: Node read it: {}",
            responses[1]
        );
    }
}
