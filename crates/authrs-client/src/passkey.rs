//! Passkeys from Rust in the browser (`wasm32` only): the passkey provider's ceremonies through
//! `navigator.credentials`, with the requests next-auth v5's `signIn("passkey")` makes: the
//! options (`GET /webauthn-options/<provider>`), then the answer
//! (`POST /callback/<provider>`), in the JSON shapes of SimpleWebAuthn v9 that the server reads.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use js_sys::{Array, Function, JSON, Object, Promise, Reflect, Uint8Array};
use serde_json::{Map, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{AuthClient, ClientError};

/// Which ceremony.
#[derive(Clone, Copy)]
enum Ceremony {
    Register,
    Authenticate,
}

impl Ceremony {
    fn action(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Authenticate => "authenticate",
        }
    }
}

impl AuthClient {
    pub(crate) async fn passkey_ceremony(
        &self,
        provider: &str,
        register: bool,
    ) -> Result<String, ClientError> {
        let ceremony = if register {
            Ceremony::Register
        } else {
            Ceremony::Authenticate
        };
        let path = format!("webauthn-options/{provider}?action={}", ceremony.action());
        let answer = self.get_json(&path, None).await?;
        let options = answer.get("options").cloned().unwrap_or(Value::Null);
        let data = match ceremony {
            Ceremony::Authenticate => assertion(&options).await?,
            Ceremony::Register => attestation(&options).await?,
        };
        // This page, without an `error` an earlier attempt left in its query (the answer's URL
        // is read for one).
        let callback_url = crate::browser::current_href()
            .and_then(|href| url::Url::parse(&href).ok())
            .map(|mut page| {
                let kept: Vec<(String, String)> = (page.query_pairs())
                    .filter(|(name, _)| name != "error")
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect();
                page.set_query(None);
                if !kept.is_empty() {
                    page.query_pairs_mut().extend_pairs(kept);
                }
                page.to_string()
            })
            .unwrap_or_default();
        let data = data.to_string();
        let fields = [
            ("data", data.as_str()),
            ("action", ceremony.action()),
            ("callbackUrl", callback_url.as_str()),
        ];
        self.post_action(&format!("callback/{provider}"), &fields)
            .await
    }
}

fn browser_error(what: &str, error: JsValue) -> ClientError {
    let name = Reflect::get(&error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_else(|| "Error".to_owned());
    ClientError::Browser(format!("{what}: {name}"))
}

fn bytes(text: &str) -> Result<Uint8Array, ClientError> {
    let decoded = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| ClientError::Browser(format!("not base64url: {text:?}")))?;
    Ok(Uint8Array::from(decoded.as_slice()))
}

fn encoded(value: &JsValue) -> Option<String> {
    if value.is_undefined() || value.is_null() {
        return None;
    }
    Some(URL_SAFE_NO_PAD.encode(Uint8Array::new(value).to_vec()))
}

fn get(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &JsValue, name: &str, value: &JsValue) -> Result<(), ClientError> {
    Reflect::set(target, &name.into(), value)
        .map(drop)
        .map_err(|e| browser_error("options", e))
}

/// The options as the browser takes them: the JSON's base64url fields as bytes.
fn public_key(options: &Value) -> Result<JsValue, ClientError> {
    let public_key = JSON::parse(&options.to_string()).map_err(|e| browser_error("options", e))?;
    let challenge = options["challenge"].as_str().unwrap_or_default();
    set(&public_key, "challenge", &bytes(challenge)?.into())?;
    for list in ["allowCredentials", "excludeCredentials"] {
        let entries = get(&public_key, list);
        if let Some(entries) = entries.dyn_ref::<Array>() {
            for entry in entries.iter() {
                let id = get(&entry, "id").as_string().unwrap_or_default();
                set(&entry, "id", &bytes(&id)?.into())?;
            }
        }
    }
    // SimpleWebAuthn v9 (next-auth v5's, whose options authrs answers) sends `user.id` as
    // UTF-8 text.
    let user = get(&public_key, "user");
    if user.is_object() {
        let id = get(&user, "id").as_string().unwrap_or_default();
        set(&user, "id", &Uint8Array::from(id.as_bytes()).into())?;
    }
    Ok(public_key)
}

/// Calls `navigator.credentials.<method>({publicKey})`.
async fn credentials(method: &str, public_key: JsValue) -> Result<JsValue, ClientError> {
    let window = web_sys::window().ok_or(ClientError::Browser("no window".into()))?;
    let container = get(&window.navigator(), "credentials");
    let call: Function = get(&container, method)
        .dyn_into()
        .map_err(|_| ClientError::Browser("this browser has no passkeys".into()))?;
    let request = Object::new();
    set(&request, "publicKey", &public_key)?;
    let promise: Promise = call
        .call1(&container, &request)
        .map_err(|e| browser_error(method, e))?
        .dyn_into()
        .map_err(|_| ClientError::Browser(format!("{method} gave no promise")))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| browser_error(method, e))
}

/// The credential's common fields, as SimpleWebAuthn's JSON has them.
fn common(credential: &JsValue) -> Map<String, Value> {
    let mut json = Map::new();
    json.insert("id".into(), get(credential, "id").as_string().into());
    json.insert("rawId".into(), encoded(&get(credential, "rawId")).into());
    json.insert("type".into(), get(credential, "type").as_string().into());
    json.insert("clientExtensionResults".into(), Value::Object(Map::new()));
    if let Some(attachment) = get(credential, "authenticatorAttachment").as_string() {
        json.insert("authenticatorAttachment".into(), attachment.into());
    }
    json
}

async fn assertion(options: &Value) -> Result<Value, ClientError> {
    let credential = credentials("get", public_key(options)?).await?;
    let response = get(&credential, "response");
    let mut answer = Map::new();
    for field in ["clientDataJSON", "authenticatorData", "signature"] {
        answer.insert(field.into(), encoded(&get(&response, field)).into());
    }
    // As SimpleWebAuthn v9 passes it on: the handle's bytes read as UTF-8.
    let handle = get(&response, "userHandle");
    if !handle.is_null() && !handle.is_undefined() {
        let text = String::from_utf8_lossy(&Uint8Array::new(&handle).to_vec()).into_owned();
        answer.insert("userHandle".into(), text.into());
    }
    let mut json = common(&credential);
    json.insert("response".into(), Value::Object(answer));
    Ok(Value::Object(json))
}

async fn attestation(options: &Value) -> Result<Value, ClientError> {
    let credential = credentials("create", public_key(options)?).await?;
    let response = get(&credential, "response");
    let mut answer = Map::new();
    for field in ["clientDataJSON", "attestationObject"] {
        answer.insert(field.into(), encoded(&get(&response, field)).into());
    }
    let transports = get(&response, "getTransports")
        .dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call0(&response).ok())
        .and_then(|list| list.dyn_into::<Array>().ok())
        .map(|list| {
            list.iter()
                .filter_map(|t| t.as_string())
                .map(Value::from)
                .collect()
        })
        .unwrap_or_default();
    answer.insert("transports".into(), Value::Array(transports));
    let mut json = common(&credential);
    json.insert("response".into(), Value::Object(answer));
    Ok(Value::Object(json))
}
