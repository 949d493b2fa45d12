//! How setting values are read, whether they come from the TOML file (typed) or from the
//! environment (text): the `deserialize_with` readers of the settings structs, each with the
//! rule and the message of its kind of value. Ranges are part of the field's reader
//! (`count::<_, 1, 64>`), so a setting's bounds sit on the setting.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use authrs_core::providers::EmailLinkMode;
use authrs_core::secret::Secret;
use authrs_core::{ColorScheme, Compatibility, SessionStrategy};
use authrs_sqlx::DatabaseUrl;
use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};

/// The newtype name under which the configuration's reader hands over a path resolved
/// against the directory of the file it was written in (paths from the environment or flags
/// stay relative to the working directory).
pub const FILE_RELATIVE_PATH: &str = "$authrs::file_relative_path";

/// Parses `3600`, `"30d"`, `"12h"`, `"1h30m"`: a number of seconds, or numbers with
/// [`humantime`]'s units (`s`, `m`, `h`, `d`, `w`, and their long names). Fractions and signs
/// are refused.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid duration {text:?}: use seconds (3600) or numbers with units s, m, h, d, w (\"30d\", \"1h30m\")"
        )
    };
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse()
            .map(Duration::from_secs)
            .map_err(|_| invalid());
    }
    if !trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ')
    {
        return Err(invalid());
    }
    humantime::parse_duration(trimmed).map_err(|_| invalid())
}

/// A listen address: `IP:PORT`, or `localhost:PORT`.
pub fn parse_bind(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Some(port) = text.strip_prefix("localhost:")
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    Err(format!(
        "invalid listen address {text:?}: use IP:PORT, e.g. 127.0.0.1:3000 or 0.0.0.0:3000"
    ))
}

/// A duration from `LO` to `HI` seconds: whole seconds in TOML, or text such as `"30d"`.
pub fn duration<'de, D: Deserializer<'de>, const LO: u64, const HI: u64>(
    d: D,
) -> Result<Duration, D::Error> {
    struct Seconds;
    impl Visitor<'_> for Seconds {
        type Value = Duration;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("seconds or a string like \"30d\"")
        }
        fn visit_u64<E: Error>(self, secs: u64) -> Result<Duration, E> {
            Ok(Duration::from_secs(secs))
        }
        fn visit_i64<E: Error>(self, secs: i64) -> Result<Duration, E> {
            u64::try_from(secs)
                .map(Duration::from_secs)
                .map_err(|_| E::custom(format!("{secs} is negative")))
        }
        fn visit_str<E: Error>(self, text: &str) -> Result<Duration, E> {
            parse_duration(text).map_err(E::custom)
        }
    }
    let value = d.deserialize_any(Seconds)?;
    let shown = |secs: u64| match secs {
        secs if secs > 0 && secs % 3600 == 0 => format!("{}h", secs / 3600),
        secs => format!("{secs}s"),
    };
    if (Duration::from_secs(LO)..=Duration::from_secs(HI)).contains(&value) {
        Ok(value)
    } else {
        Err(D::Error::custom(format!(
            "{}s is out of range: use {} to {}",
            value.as_secs(),
            shown(LO),
            shown(HI)
        )))
    }
}

/// A whole number from `LO` to `HI`.
pub fn count<'de, D: Deserializer<'de>, const LO: u32, const HI: u32>(
    d: D,
) -> Result<u32, D::Error> {
    let count = u64::deserialize(d)?;
    u32::try_from(count)
        .ok()
        .filter(|count| (LO..=HI).contains(count))
        .ok_or_else(|| D::Error::custom(format!("{count} is out of range: use {LO} to {HI}")))
}

/// `accounts.min_password_length`: ASVS's floor (8) to the longest password the engine takes.
pub fn password_length<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let length = u64::deserialize(d)?;
    match usize::try_from(length) {
        Ok(length @ 8..=1024) => Ok(length),
        _ => Err(D::Error::custom(format!(
            "invalid accounts.min_password_length {length}: use 8 to 1024 characters"
        ))),
    }
}

/// A listen address (see [`parse_bind`]).
pub fn bind<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    parse_bind(&String::deserialize(d)?).map_err(D::Error::custom)
}

/// An optional [`bind`] address.
pub fn some_bind<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
    bind(d).map(Some)
}

/// A path; written in the file, relative to the file's directory.
pub fn path<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    struct PathText;
    impl Visitor<'_> for PathText {
        type Value = PathBuf;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: Error>(self, text: &str) -> Result<PathBuf, E> {
            match text.trim().is_empty() {
                true => Err(E::custom("the path is empty")),
                false => Ok(PathBuf::from(text)),
            }
        }
    }
    d.deserialize_newtype_struct(FILE_RELATIVE_PATH, PathText)
}

/// An optional [`path`].
pub fn some_path<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    path(d).map(Some)
}

/// Text without surrounding white space.
pub fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Some(String::deserialize(d)?.trim().to_owned()))
}

/// A secret: never shown.
pub fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Ok(Some(Secret::new(String::deserialize(d)?.trim())))
}

/// Secrets, the first encrypting: one string or a list in the file, comma-separated text in
/// the environment.
pub fn secrets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Secret>, D::Error> {
    struct Secrets;
    impl<'de> Visitor<'de> for Secrets {
        type Value = Vec<Secret>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a list of strings")
        }
        fn visit_str<E: Error>(self, secret: &str) -> Result<Vec<Secret>, E> {
            Ok(vec![Secret::new(secret)])
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Vec<Secret>, A::Error> {
            let mut secrets = Vec::new();
            while let Some(secret) = items.next_element::<String>()? {
                secrets.push(Secret::new(secret));
            }
            match secrets.is_empty() {
                true => Err(A::Error::custom(
                    "the list is empty: give at least one secret",
                )),
                false => Ok(secrets),
            }
        }
    }
    d.deserialize_seq(Secrets)
}

/// A list of strings (comma-separated in the environment), empty ones left out.
pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut items = Vec::<String>::deserialize(d)?;
    items.retain(|item| !item.trim().is_empty());
    Ok(items)
}

/// An optional [`list`]: given (maybe empty) or not.
pub fn some_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    list(d).map(Some)
}

/// A header name, lowercased.
pub fn header_name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let name = String::deserialize(d)?.trim().to_ascii_lowercase();
    match axum::http::HeaderName::from_bytes(name.as_bytes()) {
        Ok(_) => Ok(Some(name)),
        Err(_) => Err(D::Error::custom(format!("{name:?} is not a header name"))),
    }
}

/// A database URL, checked without connecting.
pub fn database_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DatabaseUrl>, D::Error> {
    let text = String::deserialize(d)?;
    DatabaseUrl::parse(&text)
        .map(Some)
        .map_err(D::Error::custom)
}

/// A setting that is one of a few words, matched without regard to case.
pub trait Choice: Copy + PartialEq + 'static {
    /// The setting, as problems name it.
    const NAME: &'static str;
    /// Each word (lowercase) with its value; a value's first word is the one problems show.
    const WORDS: &'static [(&'static str, Self)];
}

/// One of a [`Choice`]'s words.
pub fn choice<'de, D: Deserializer<'de>, T: Choice>(d: D) -> Result<T, D::Error> {
    let text = String::deserialize(d)?;
    let word = text.trim().to_ascii_lowercase();
    if let Some((_, value)) = T::WORDS.iter().find(|(known, _)| *known == word) {
        return Ok(*value);
    }
    let shown: Vec<String> = (T::WORDS.iter().enumerate())
        .filter(|(i, (_, value))| T::WORDS[..*i].iter().all(|(_, v)| v != value))
        .map(|(_, (word, _))| format!("{word:?}"))
        .collect();
    let hint = match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => shown.concat(),
    };
    Err(D::Error::custom(format!(
        "unknown {} {text:?}: use {hint}",
        T::NAME
    )))
}

/// An optional [`choice`].
pub fn some_choice<'de, D: Deserializer<'de>, T: Choice>(d: D) -> Result<Option<T>, D::Error> {
    choice(d).map(Some)
}

impl Choice for Compatibility {
    const NAME: &'static str = "compatibility";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("v4", Self::NextAuthV4),
        ("v5", Self::AuthJsV5),
        ("4", Self::NextAuthV4),
        ("5", Self::AuthJsV5),
    ];
}

impl Choice for SessionStrategy {
    const NAME: &'static str = "session strategy";
    const WORDS: &'static [(&'static str, Self)] =
        &[("database", Self::Database), ("jwt", Self::Jwt)];
}

impl Choice for authrs_core::two_factor::TwoFactorMode {
    const NAME: &'static str = "two_factor.mode";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("off", Self::Off),
        ("optional", Self::Optional),
        ("required", Self::Required),
    ];
}

impl Choice for authrs_core::providers::UserVerification {
    const NAME: &'static str = "passkey.user_verification";
    const WORDS: &'static [(&'static str, Self)] =
        &[("required", Self::Required), ("preferred", Self::Preferred)];
}

impl Choice for ColorScheme {
    const NAME: &'static str = "color scheme";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("auto", Self::Auto),
        ("light", Self::Light),
        ("dark", Self::Dark),
    ];
}

impl Choice for EmailLinkMode {
    const NAME: &'static str = "email.link";
    const WORDS: &'static [(&'static str, Self)] =
        &[("confirm", Self::Confirm), ("direct", Self::SignInOnGet)];
}

impl Choice for authrs_core::providers::ClientAuth {
    const NAME: &'static str = "client_auth";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("client_secret_basic", Self::Basic),
        ("client_secret_post", Self::Post),
        ("basic", Self::Basic),
        ("post", Self::Post),
    ];
}

impl Choice for authrs_mail::FileFormat {
    const NAME: &'static str = "email.file_format";
    const WORDS: &'static [(&'static str, Self)] =
        &[("message", Self::Message), ("link", Self::Link)];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_seconds_and_units() {
        assert_eq!(parse_duration("3600").unwrap(), Duration::from_secs(3600));
        assert_eq!(
            parse_duration("30d").unwrap(),
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5_400));
        assert_eq!(
            parse_duration("2w").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        for bad in [
            "",
            "d",
            "30x",
            "30d5",
            "-5",
            "1.5h",
            "99999999999999999999w",
        ] {
            let error = parse_duration(bad).unwrap_err();
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    fn bind_takes_ip_and_port_or_localhost() {
        assert_eq!(
            parse_bind("0.0.0.0:8080").unwrap().to_string(),
            "0.0.0.0:8080"
        );
        assert_eq!(
            parse_bind("localhost:4000").unwrap().to_string(),
            "127.0.0.1:4000"
        );
        assert_eq!(parse_bind("[::1]:3000").unwrap().to_string(), "[::1]:3000");
        assert!(parse_bind("3000").unwrap_err().contains("\"3000\""));
    }
}
