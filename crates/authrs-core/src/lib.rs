//! # authrs-core
//!
//! The authrs engine: NextAuth.js-compatible authentication as one function from an
//! [`http::Request`] to an [`http::Response`]. It knows nothing of any web framework, database
//! driver or HTTP client; `authrs-axum` mounts it, and the `authrs` server binary runs it.
//!
//! ```
//! use authrs_core::{Auth, providers::CredentialsProvider, User};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Auth::builder()
//!     .url("http://localhost:3000/api/auth")
//!     .secret("a-secret-of-at-least-thirty-two-bytes!!")
//!     .provider(CredentialsProvider::new(|credentials: authrs_core::providers::Credentials, _request| async move {
//!         // Look the user up and verify the password here.
//!         Ok(None::<User>)
//!     }))
//!     .build()?;
//!
//! let request = http::Request::get("http://localhost:3000/api/auth/csrf")
//!     .body(bytes::Bytes::new())?;
//! let response = auth.handle(request).await;
//! assert_eq!(response.status(), 200);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod actions;
pub mod adapter;
pub mod audit;
pub mod background;
pub mod callbacks;
pub mod clock;
pub mod config;
mod cookies;
mod csrf;
pub mod email;
mod engine;
pub mod error;
#[cfg(test)]
mod fuzz_tests;
#[cfg(feature = "oauth")]
pub mod http;
pub mod i18n;
mod inner;
pub mod jwt;
#[cfg(feature = "oauth")]
mod oauth;
mod pages;
#[cfg(feature = "password")]
pub mod password;
pub mod providers;
pub mod ratelimit;
mod request;
pub mod secret;
pub mod session;
mod startup;
mod telemetry;
pub mod two_factor;
mod url;
pub mod user;
#[cfg(feature = "passkey")]
mod webauthn;

pub use authrs_types::seed;
pub use callbacks::{Callbacks, SignInDecision};
#[cfg(feature = "password")]
pub use config::EmailPassword;
pub use config::{
    AuthBuilder, ColorScheme, Compatibility, ConfigError, Pages, PasswordThrottle, SessionStrategy,
    Theme,
};
pub use cookies::CookieNames;
pub use engine::Auth;
pub use error::{Error, ErrorCode};
pub use request::MAX_BODY_BYTES;
pub use session::{Session, SessionUser};
pub use user::{Account, User};

/// The body type of the engine's requests and responses.
pub use bytes::Bytes;
