//! The app's settings, read once at startup from the environment. A missing or bad value stops
//! the app with a message naming it.

use std::fmt;
use std::net::SocketAddr;

/// The shortest `AUTHRS_SECRET` accepted, in bytes (the engine's own minimum).
pub const MIN_SECRET_BYTES: usize = 32;

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `AUTHRS_SECRET` is not set.
    #[error(
        "AUTHRS_SECRET is not set; set it to a random string of at least {MIN_SECRET_BYTES} bytes (for example the output of `openssl rand -hex 32`)"
    )]
    MissingSecret,
    /// `AUTHRS_SECRET` is shorter than [`MIN_SECRET_BYTES`].
    #[error(
        "AUTHRS_SECRET is {len} bytes long; it must be at least {MIN_SECRET_BYTES} bytes (for example the output of `openssl rand -hex 32`)"
    )]
    WeakSecret {
        /// The length that was given.
        len: usize,
    },
    /// `DEMO_PASSWORD` is not set, or empty.
    #[error("DEMO_PASSWORD is not set; set it to the password the demo user signs in with")]
    MissingDemoPassword,
    /// `BIND` is not a socket address.
    #[error("BIND={value:?} is not an address and port such as 127.0.0.1:3000")]
    InvalidBind {
        /// The value that was given.
        value: String,
    },
}

/// Everything the app reads from the environment.
pub struct Settings {
    /// Where to listen: `BIND`, default `127.0.0.1:3000`.
    pub bind: SocketAddr,
    /// The public URL of the auth routes: `AUTHRS_URL`, default
    /// `http://localhost:<port of BIND>/api/auth`.
    pub auth_url: String,
    /// The engine's secret: `AUTHRS_SECRET`, required.
    pub secret: String,
    /// The demo user's password: `DEMO_PASSWORD`, required.
    pub demo_password: String,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("auth_url", &self.auth_url)
            .field("secret", &"[redacted]")
            .field("demo_password", &"[redacted]")
            .finish()
    }
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, which returns a variable's value if it is set.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let secret = lookup("AUTHRS_SECRET").ok_or(SettingsError::MissingSecret)?;
        if secret.len() < MIN_SECRET_BYTES {
            return Err(SettingsError::WeakSecret { len: secret.len() });
        }
        let demo_password = lookup("DEMO_PASSWORD")
            .filter(|password| !password.is_empty())
            .ok_or(SettingsError::MissingDemoPassword)?;
        let bind = match lookup("BIND") {
            Some(value) => value
                .parse()
                .map_err(|_| SettingsError::InvalidBind { value })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let auth_url = lookup("AUTHRS_URL")
            .unwrap_or_else(|| format!("http://localhost:{}/api/auth", bind.port()));
        Ok(Self {
            bind,
            auth_url,
            secret,
            demo_password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults_bind_to_localhost_3000_and_derives_the_auth_url() {
        let settings = Settings::from_lookup(lookup(&[
            ("AUTHRS_SECRET", SECRET),
            ("DEMO_PASSWORD", "pw"),
        ]))
        .unwrap();
        assert_eq!(settings.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(settings.auth_url, "http://localhost:3000/api/auth");

        let settings = Settings::from_lookup(lookup(&[
            ("AUTHRS_SECRET", SECRET),
            ("DEMO_PASSWORD", "pw"),
            ("BIND", "0.0.0.0:8080"),
        ]))
        .unwrap();
        assert_eq!(settings.auth_url, "http://localhost:8080/api/auth");
    }

    #[test]
    fn refuses_to_start_without_a_demo_password() {
        let error = Settings::from_lookup(lookup(&[("AUTHRS_SECRET", SECRET)])).unwrap_err();
        assert!(matches!(error, SettingsError::MissingDemoPassword));
        assert!(error.to_string().contains("DEMO_PASSWORD"));
        let error =
            Settings::from_lookup(lookup(&[("AUTHRS_SECRET", SECRET), ("DEMO_PASSWORD", "")]))
                .unwrap_err();
        assert!(matches!(error, SettingsError::MissingDemoPassword));
    }

    #[test]
    fn refuses_a_missing_or_short_secret() {
        let error = Settings::from_lookup(lookup(&[("DEMO_PASSWORD", "pw")])).unwrap_err();
        assert!(matches!(error, SettingsError::MissingSecret));
        let error = Settings::from_lookup(lookup(&[
            ("AUTHRS_SECRET", "short"),
            ("DEMO_PASSWORD", "pw"),
        ]))
        .unwrap_err();
        assert!(matches!(error, SettingsError::WeakSecret { len: 5 }));
        assert!(error.to_string().contains("AUTHRS_SECRET"));
    }

    #[test]
    fn refuses_a_bad_bind_address() {
        let error = Settings::from_lookup(lookup(&[
            ("AUTHRS_SECRET", SECRET),
            ("DEMO_PASSWORD", "pw"),
            ("BIND", "localhost"),
        ]))
        .unwrap_err();
        assert!(error.to_string().contains("BIND=\"localhost\""));
    }

    #[test]
    fn debug_output_hides_the_secret_and_the_password() {
        let settings = Settings::from_lookup(lookup(&[
            ("AUTHRS_SECRET", SECRET),
            ("DEMO_PASSWORD", "hunter2"),
        ]))
        .unwrap();
        let debug = format!("{settings:?}");
        assert!(
            !debug.contains(SECRET) && !debug.contains("hunter2"),
            "{debug}"
        );
    }
}
