//! The layers of the configuration merged into one tree ([`Node`]): the file's tables, then
//! the `AUTHRS_*` variables, then the flags, each value remembering its [`Source`]. serde
//! reads [`Settings`] from the tree (the tree is a [`Deserializer`]): typed values from the
//! file, text from the environment, which the tree parses as the field asks (`true`/`yes`/`on`,
//! whole numbers, comma-separated lists). A failure is an [`Error`] naming the key that failed
//! and its source.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use authrs_core::providers::presets::PRESETS;
use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, IntoDeserializer, MapAccess};
use serde::de::{Deserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;

use super::settings::Settings;
use crate::problem::{Problem, Source};
use crate::values::FILE_RELATIVE_PATH;

/// The file read from the working directory when no file is named.
pub const DEFAULT_CONFIG_FILE: &str = "authrs.toml";

/// The environment variable that names the configuration file (read by the command line).
pub const CONFIG_ENV: &str = "AUTHRS_CONFIG";

/// Which configuration file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigFile {
    /// `authrs.toml` in the working directory, if it exists.
    Discover,
    /// This file, which must exist.
    At(PathBuf),
    /// No file: environment and defaults only.
    Without,
}

/// The `AUTHRS_*` environment variables, captured once so tests can supply their own.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<(String, OsString)>,
}

impl Env {
    /// The `AUTHRS_*` variables of this process.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v))))
    }

    /// The `AUTHRS_*` variables among these pairs; others are ignored.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<OsString>,
    {
        let mut vars: Vec<(String, OsString)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, _)| k.starts_with("AUTHRS_"))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        Self { vars }
    }
}

/// The environment variable of a key: `AUTHRS_` and the key upper-cased, dots as `_`
/// (`session.max_age` is `AUTHRS_SESSION_MAX_AGE`), but for the names below. The one place
/// that names variables.
pub(super) fn env_name(key: &str) -> Option<String> {
    match key {
        // One variable for one or several secrets (comma-separated).
        "secrets" => Some("AUTHRS_SECRET".into()),
        "credentials.users_file" => Some("AUTHRS_USERS_FILE".into()),
        // `AUTHRS_<ID>_<FIELD>`, see `provider_key`.
        "providers" => None,
        key => Some(format!(
            "AUTHRS_{}",
            key.to_ascii_uppercase().replace('.', "_")
        )),
    }
}

/// The key a provider's variable names (`providers.<id>.<field>`): for any id,
/// `AUTHRS_PROVIDERS_<ID>_<FIELD>` (the id upper-cased, `-` as `_`: `AUTHRS_PROVIDERS_ACME_SSO_ISSUER`
/// is `providers.acme-sso.issuer`); for the ids of `authrs_core::providers::presets`, also
/// `AUTHRS_<ID>_<FIELD>`.
fn provider_key(name: &str) -> Option<String> {
    let rest = name.strip_prefix("AUTHRS_")?;
    // Every provider has the same fields.
    let fields = fields("providers.id")?;
    if let Some(rest) = rest.strip_prefix("PROVIDERS_") {
        // The longest field the name ends with, so `…_PROFILE_EMAIL_VERIFIED` is not
        // `…_VERIFIED` of an id ending in `_PROFILE_EMAIL`.
        let (id, field) = fields
            .iter()
            .filter_map(|field| {
                let upper = field.to_ascii_uppercase();
                let id = rest.strip_suffix(&upper)?.strip_suffix('_')?;
                Some((id, *field))
            })
            .max_by_key(|(_, field)| field.len())?;
        let id = id.to_ascii_lowercase().replace('_', "-");
        return authrs_core::providers::valid_provider_id(&id)
            .then(|| format!("providers.{id}.{field}"));
    }
    PRESETS.iter().find_map(|preset| {
        let id = preset.id.to_ascii_uppercase().replace('-', "_");
        let field = rest.strip_prefix(&id)?.strip_prefix('_')?;
        let field = fields
            .iter()
            .find(|known| known.eq_ignore_ascii_case(field))?;
        Some(format!("providers.{}.{field}", preset.id))
    })
}

/// Every key of [`Settings`], dotted, in the order of the structs.
pub(super) fn keys() -> Vec<String> {
    let mut keys = Vec::new();
    for field in fields("").unwrap_or_default() {
        match fields(field) {
            Some(inner) => keys.extend(inner.iter().map(|inner| format!("{field}.{inner}"))),
            None => keys.push((*field).to_owned()),
        }
    }
    keys
}

/// The fields of the struct at a dotted key ("" for [`Settings`] itself), `None` when there is
/// no struct there: asked of serde's derive, which lists the fields it knows when it meets a
/// key it does not.
fn fields(key: &str) -> Option<&'static [&'static str]> {
    const UNKNOWN: &str = "\u{0}";
    let mut tree = Node::table(String::new(), None);
    let probe = match key {
        "" => UNKNOWN.to_owned(),
        key => format!("{key}.{UNKNOWN}"),
    };
    tree.set(&probe, "", Source::Flag(""));
    match Settings::deserialize(&tree) {
        Err(Error {
            key: Some(at),
            message: Message::UnknownKey(fields),
            ..
        }) if at == probe => Some(fields),
        _ => None,
    }
}

/// One value of the merged configuration, or a table of them.
#[derive(Debug)]
pub(super) struct Node {
    /// The dotted key; empty for the root.
    key: String,
    /// Where the value came from; `None` for the root.
    source: Option<Source>,
    value: Value,
}

#[derive(Debug)]
enum Value {
    Table(BTreeMap<String, Node>),
    /// A value written in the file.
    Toml(toml::Value),
    /// Text from the environment or a flag.
    Text(String),
}

impl Node {
    fn table(key: String, source: Option<Source>) -> Self {
        let value = Value::Table(BTreeMap::new());
        Self { key, source, value }
    }

    fn file(path: &std::path::Path, key: String, value: toml::Value) -> Self {
        let source = Some(Source::file_key(path, &key));
        let value = match value {
            toml::Value::Table(table) => Value::Table(
                (table.into_iter())
                    .map(|(name, value)| {
                        let key = match key.is_empty() {
                            true => name.clone(),
                            false => format!("{key}.{name}"),
                        };
                        (name, Self::file(path, key, value))
                    })
                    .collect(),
            ),
            value => Value::Toml(value),
        };
        Self { key, source, value }
    }

    /// Sets text at a dotted key below this table, creating the tables on the way, over what
    /// was there.
    pub(super) fn set(&mut self, key: &str, text: &str, source: Source) {
        let (name, rest) = key
            .split_once('.')
            .map_or((key, None), |(n, r)| (n, Some(r)));
        let child_key = match self.key.as_str() {
            "" => name.to_owned(),
            parent => format!("{parent}.{name}"),
        };
        if !matches!(self.value, Value::Table(_)) {
            self.value = Value::Table(BTreeMap::new());
        }
        let Value::Table(table) = &mut self.value else {
            return;
        };
        let child = (table.entry(name.to_owned()))
            .or_insert_with(|| Node::table(child_key, Some(source.clone())));
        match rest {
            Some(rest) => child.set(rest, text, source),
            None => {
                child.value = Value::Text(text.to_owned());
                child.source = Some(source);
            }
        }
    }

    /// Where the value at a dotted key came from, if it is set.
    pub(super) fn source(&self, key: &str) -> Option<Source> {
        let node = key
            .split('.')
            .try_fold(self, |node, name| match &node.value {
                Value::Table(table) => table.get(name),
                _ => None,
            });
        node.and_then(|node| node.source.clone())
    }

    /// Removes the value at a dotted key; whether there was one.
    pub(super) fn remove(&mut self, key: &str) -> bool {
        let Value::Table(table) = &mut self.value else {
            return false;
        };
        match key.split_once('.') {
            None => table.remove(key).is_some(),
            Some((name, rest)) => table.get_mut(name).is_some_and(|child| child.remove(rest)),
        }
    }
}

/// Reads the configuration file into a tree; the file's path, if one was read.
pub(super) fn read_file(
    choice: &ConfigFile,
    problems: &mut Vec<Problem>,
) -> (Option<PathBuf>, Node) {
    let empty = Node::table(String::new(), None);
    let path = match choice {
        ConfigFile::Without => return (None, empty),
        ConfigFile::At(path) => path.clone(),
        ConfigFile::Discover if std::path::Path::new(DEFAULT_CONFIG_FILE).exists() => {
            PathBuf::from(DEFAULT_CONFIG_FILE)
        }
        ConfigFile::Discover => return (None, empty),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            let message = format!("cannot read the configuration file: {error}");
            problems.push(Problem::new(Source::file(&path), message));
            return (Some(path), empty);
        }
    };
    let mut table = match text.parse::<toml::Table>() {
        Ok(table) => table,
        Err(error) => {
            let message = format!("not valid TOML: {}", error.to_string().trim_end());
            problems.push(Problem::new(Source::file(&path), message));
            return (Some(path), empty);
        }
    };
    // `secret` is the one-secret spelling of `secrets`.
    let secret = table.remove("secret");
    let mut root = Node::file(&path, String::new(), toml::Value::Table(table));
    root.source = None;
    if let (Some(secret), Value::Table(root_table)) = (secret, &mut root.value) {
        if root_table.contains_key("secrets") {
            let message = "set either `secret` or `secrets`, not both";
            problems.push(Problem::new(Source::file_key(&path, "secrets"), message));
        } else {
            let mut node = Node::file(&path, "secret".into(), secret);
            node.key = "secrets".into();
            root_table.insert("secrets".into(), node);
        }
    }
    (Some(path), root)
}

/// Lays the `AUTHRS_*` variables over the tree; unknown ones are problems.
pub(super) fn layer_env(tree: &mut Node, env: &Env, problems: &mut Vec<Problem>) {
    let keys = keys();
    for (name, value) in &env.vars {
        if name == CONFIG_ENV {
            continue;
        }
        let source = Source::Env(name.clone());
        let key = (keys.iter())
            .find(|key| env_name(key).as_deref() == Some(name))
            .cloned()
            .or_else(|| provider_key(name));
        match (key, value.to_str()) {
            (Some(key), Some(text)) => tree.set(&key, text, source),
            (Some(_), None) => problems.push(Problem::new(source, "the value is not valid UTF-8")),
            (None, _) => {
                let hint = if name.starts_with("AUTHRS_SECRET") {
                    " (put several secrets in AUTHRS_SECRET, separated by commas)".to_owned()
                } else {
                    let known: Vec<String> = keys.iter().filter_map(|key| env_name(key)).collect();
                    format!(" (known: {CONFIG_ENV}, {})", known.join(", "))
                };
                let message = format!("unknown environment variable{hint}");
                problems.push(Problem::new(source, message));
            }
        }
    }
}

/// Reads the settings from the tree. A value that fails is a problem and is dropped, and the
/// tree is read again, so every bad value is reported; they default.
pub(super) fn read_settings(tree: &mut Node, problems: &mut Vec<Problem>) -> Settings {
    loop {
        let error = match Settings::deserialize(&*tree) {
            Ok(settings) => return settings,
            Err(error) => error,
        };
        let removed = (error.key.as_deref()).is_some_and(|key| !key.is_empty() && tree.remove(key));
        problems.push(error.into_problem());
        if !removed {
            return Settings::default();
        }
    }
}

/// Why a value could not be read: the message and the key and source of the value.
#[derive(Debug)]
pub(super) struct Error {
    /// The dotted key of the value that failed; `None` until the reader names it.
    key: Option<String>,
    source: Option<Source>,
    message: Message,
}

#[derive(Debug)]
enum Message {
    Custom(String),
    /// A value of the wrong TOML type.
    Type {
        expected: String,
        found: &'static str,
    },
    /// An unknown key, with the keys of its table.
    UnknownKey(&'static [&'static str]),
}

impl Error {
    /// Names the node that failed, unless a node within it was named already.
    fn at(mut self, node: &Node) -> Self {
        if self.key.is_none() {
            self.key = Some(node.key.clone());
            self.source.clone_from(&node.source);
        }
        self
    }

    fn into_problem(self) -> Problem {
        let key = self.key.unwrap_or_default();
        let message = match self.message {
            Message::Custom(message) => message,
            Message::Type { expected, found } => {
                let expected = match expected.as_str() {
                    "a boolean" => "true or false".to_owned(),
                    "a sequence" => "a list of strings".to_owned(),
                    "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number".to_owned(),
                    table if table.starts_with("struct ") || table == "a map" => {
                        format!("a table ([{key}])")
                    }
                    other => other.to_owned(),
                };
                format!("expected {expected}, found {found}")
            }
            Message::UnknownKey(fields) => {
                let section = key.rsplit_once('.').map(|(section, _)| section);
                let keys = keys();
                let known: Vec<String> = (fields.iter())
                    .map(|field| match section {
                        Some(section) => format!("{section}.{field}"),
                        None if *field == "providers" => "[providers.<id>]".to_owned(),
                        None if keys.iter().any(|key| key.starts_with(&format!("{field}."))) => {
                            format!("[{field}]")
                        }
                        None => (*field).to_owned(),
                    })
                    .collect();
                format!("unknown key (expected one of: {})", known.join(", "))
            }
        };
        Problem {
            source: self.source,
            message,
        }
    }

    fn new(message: Message) -> Self {
        let (key, source) = (None, None);
        Self {
            key,
            source,
            message,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", self.key, self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(Message::Custom(message.to_string()))
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        // The names of TOML's types.
        let found = match found {
            Unexpected::Bool(_) => "boolean",
            Unexpected::Signed(_) | Unexpected::Unsigned(_) => "integer",
            Unexpected::Float(_) => "float",
            Unexpected::Str(_) | Unexpected::Char(_) => "string",
            Unexpected::Seq => "array",
            _ => "table",
        };
        let expected = expected.to_string();
        Self::new(Message::Type { expected, found })
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        match found {
            Unexpected::Signed(n) if n < 0 => Self::custom(format!("{n} is negative")),
            found => Self::custom(format!("invalid value {found}, expected {expected}")),
        }
    }

    fn unknown_field(_: &str, expected: &'static [&'static str]) -> Self {
        Self::new(Message::UnknownKey(expected))
    }
}

impl Node {
    fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// A child node for an element of an array or a list.
    fn element(&self, value: Value) -> Node {
        Node {
            key: self.key.clone(),
            source: self.source.clone(),
            value,
        }
    }
}

impl<'de> Deserializer<'de> for &Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match &self.value {
            Value::Table(table) => visitor.visit_map(Entries {
                entries: table.iter(),
                value: None,
            }),
            Value::Text(text) => visitor.visit_str(text),
            Value::Toml(toml::Value::String(text)) => visitor.visit_str(text),
            Value::Toml(toml::Value::Integer(n)) => visitor.visit_i64(*n),
            Value::Toml(toml::Value::Float(n)) => visitor.visit_f64(*n),
            Value::Toml(toml::Value::Boolean(b)) => visitor.visit_bool(*b),
            Value::Toml(toml::Value::Datetime(date)) => visitor.visit_string(date.to_string()),
            Value::Toml(toml::Value::Array(items)) => {
                let items: Vec<Node> = (items.iter())
                    .map(|item| self.element(Value::Toml(item.clone())))
                    .collect();
                visitor.visit_seq(SeqDeserializer::new(items.iter()))
            }
            Value::Toml(toml::Value::Table(_)) => {
                Err(de::Error::invalid_type(Unexpected::Map, &visitor))
            }
        };
        result.map_err(|error: Error| error.at(self))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(text) = self.text() else {
            return self.deserialize_any(visitor);
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => visitor.visit_bool(true),
            "false" | "0" | "no" | "off" => visitor.visit_bool(false),
            _ => Err(de::Error::custom(format!(
                "expected true or false, found {text:?}"
            ))),
        }
        .map_err(|error: Error| error.at(self))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(text) = self.text() else {
            return self.deserialize_any(visitor);
        };
        match text.trim().parse() {
            Ok(n) => visitor.visit_u64(n),
            Err(_) => Err(de::Error::custom(format!(
                "expected a whole number, found {text:?}"
            ))),
        }
        .map_err(|error: Error| error.at(self))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let Some(text) = self.text() else {
            return self.deserialize_any(visitor);
        };
        let items = text
            .split(',')
            .map(|item| self.element(Value::Text(item.trim().into())));
        let items: Vec<Node> = items.collect();
        (visitor.visit_seq(SeqDeserializer::new(items.iter())))
            .map_err(|error: Error| error.at(self))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match (&self.source, &self.value) {
            (Some(Source::File { path, .. }), Value::Toml(toml::Value::String(text)))
                if name == FILE_RELATIVE_PATH && !text.trim().is_empty() =>
            {
                let dir = path.parent().unwrap_or(std::path::Path::new(""));
                (visitor.visit_string(dir.join(text).to_string_lossy().into_owned()))
                    .map_err(|error: Error| error.at(self))
            }
            _ if name == FILE_RELATIVE_PATH => self.deserialize_any(visitor),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The entries of a table, for a struct or a map.
struct Entries<'a> {
    entries: std::collections::btree_map::Iter<'a, String, Node>,
    value: Option<&'a Node>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, node)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(node);
        let name: StrDeserializer<'_, Error> = name.as_str().into_deserializer();
        seed.deserialize(name)
            .map(Some)
            .map_err(|error| error.at(node))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let node = self.value.take().expect("a value follows its key");
        // Also names the node in the errors of a field's own reader (a range, a form).
        seed.deserialize(node).map_err(|error| error.at(node))
    }
}

impl<'de, 'a> IntoDeserializer<'de, Error> for &'a Node {
    type Deserializer = &'a Node;

    fn into_deserializer(self) -> &'a Node {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A boolean read from environment text.
    fn boolean(text: &str) -> Result<bool, String> {
        let node = Node {
            key: "trust_host".into(),
            source: Some(Source::Env("AUTHRS_TRUST_HOST".into())),
            value: Value::Text(text.into()),
        };
        bool::deserialize(&node).map_err(|error| error.into_problem().message)
    }

    #[test]
    fn environment_booleans_accept_common_spellings() {
        for yes in ["true", "1", "YES", "on"] {
            assert!(boolean(yes).unwrap());
        }
        for no in ["false", "0", "No", "off"] {
            assert!(!boolean(no).unwrap());
        }
        assert!(boolean("maybe").unwrap_err().contains("\"maybe\""));
    }

    #[test]
    fn every_key_has_one_environment_variable_and_the_exceptions_are_few() {
        let keys = keys();
        assert_eq!(keys[0], "url");
        assert!(keys.contains(&"session.max_age".to_owned()));
        assert!(keys.contains(&"server.outbound_timeout".to_owned()));
        let names: Vec<String> = keys.iter().filter_map(|key| env_name(key)).collect();
        assert!(names.contains(&"AUTHRS_SECRET".to_owned()));
        assert!(names.contains(&"AUTHRS_USERS_FILE".to_owned()));
        assert!(names.contains(&"AUTHRS_EMAIL_MAX_PER_CLIENT".to_owned()));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(
            provider_key("AUTHRS_MICROSOFT_ENTRA_ID_CLIENT_SECRET").as_deref(),
            Some("providers.microsoft-entra-id.client_secret")
        );
        assert_eq!(provider_key("AUTHRS_MYSPACE_CLIENT_ID"), None);
        // Any id, under PROVIDERS_, with the longest field that fits.
        assert_eq!(
            provider_key("AUTHRS_PROVIDERS_ACME_SSO_CLIENT_ID").as_deref(),
            Some("providers.acme-sso.client_id")
        );
        assert_eq!(
            provider_key("AUTHRS_PROVIDERS_ACME_PROFILE_EMAIL_VERIFIED").as_deref(),
            Some("providers.acme.profile_email_verified")
        );
        assert_eq!(
            provider_key("AUTHRS_PROVIDERS_GITHUB_TYPE").as_deref(),
            Some("providers.github.type")
        );
        assert_eq!(provider_key("AUTHRS_PROVIDERS__ISSUER"), None);
        assert_eq!(provider_key("AUTHRS_PROVIDERS_ACME_NOPE"), None);
    }
}
