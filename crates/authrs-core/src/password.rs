//! Passwords: argon2id PHC hashes, and verification that costs the same for unknown users.
//!
//! Verification is CPU-heavy by design (tens of milliseconds); async callers should run it on a
//! blocking thread pool.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordError {
    /// The argon2 parameters are out of range.
    #[error("invalid argon2 parameters: {0}")]
    Parameters(String),
    /// Hashing failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// Argon2id hashing and verification with fixed parameters, plus a dummy hash so that checking
/// a password for an unknown user does the same work as for a known one.
pub struct PasswordHasher {
    argon2: Argon2<'static>,
    dummy_hash: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// OWASP's recommended argon2id parameters: 19 MiB of memory, 2 iterations, 1 lane.
    pub fn new() -> Self {
        Self::with_params(19 * 1024, 2, 1).expect("the default argon2 parameters are valid")
    }

    /// Custom parameters: memory in KiB, iterations, parallelism.
    pub fn with_params(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    ) -> Result<Self, PasswordError> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| PasswordError::Parameters(e.to_string()))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut hasher = Self {
            argon2,
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash(&crate::secret::random_hex::<16>())?;
        Ok(hasher)
    }

    /// Hashes a password into a PHC string (`$argon2id$v=19$m=…`).
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.argon2
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    }

    /// Verifies a password against a stored PHC hash. With `None` (an unknown user) it verifies
    /// against the dummy hash and returns `false`, spending the same time as a real check.
    /// A stored hash that does not parse counts as a mismatch.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let (hash, known) = match stored {
            Some(stored) => (stored, true),
            None => (self.dummy_hash.as_str(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            // Still spend the time, so a broken entry does not stand out either.
            let _ = self.verify(password, None);
            return false;
        };
        let ok = self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && known
    }

    /// Whether a stored hash uses other parameters than this hasher (so it should be rehashed
    /// after the next successful sign-in).
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return true;
        };
        parsed.algorithm.as_str() != "argon2id"
            || params.m_cost() != self.argon2.params().m_cost()
            || params.t_cost() != self.argon2.params().t_cost()
            || params.p_cost() != self.argon2.params().p_cost()
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

/// Where argon2 runs for the engine's own password checks (email-and-password accounts).
/// Hashing costs tens of milliseconds of CPU, so a server should run it off its event loop:
/// `authrs_tokio::BlockingPasswordHashing` uses tokio's blocking pool. [`PasswordHasher`]
/// itself runs on the calling thread, which suits tests and command-line tools.
#[async_trait::async_trait]
pub trait PasswordHashing: Send + Sync + 'static {
    /// Hashes a password into a PHC string.
    async fn hash(&self, password: &str) -> Result<String, PasswordError>;

    /// Verifies a password; with `None` it spends the same time and returns `false`.
    async fn verify(&self, password: &str, stored: Option<&str>) -> bool;

    /// Whether a stored hash should be replaced after the next successful sign-in.
    fn needs_rehash(&self, stored: &str) -> bool;
}

#[async_trait::async_trait]
impl PasswordHashing for PasswordHasher {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        PasswordHasher::hash(self, password)
    }

    async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        PasswordHasher::verify(self, password, stored)
    }

    fn needs_rehash(&self, stored: &str) -> bool {
        PasswordHasher::needs_rehash(self, stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordHasher {
        PasswordHasher::with_params(256, 1, 1).unwrap()
    }

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let hasher = fast();
        let hash = hasher.hash("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"));
        assert!(hasher.verify("correct horse", Some(&hash)));
        assert!(!hasher.verify("wrong horse", Some(&hash)));
    }

    #[test]
    fn unknown_users_and_broken_hashes_never_verify() {
        let hasher = fast();
        assert!(!hasher.verify("anything", None));
        assert!(!hasher.verify("anything", Some("not a phc string")));
    }

    #[test]
    fn detects_hashes_that_need_rehashing() {
        let old = fast();
        let new = PasswordHasher::with_params(512, 1, 1).unwrap();
        let hash = old.hash("pw").unwrap();
        assert!(!old.needs_rehash(&hash));
        assert!(new.needs_rehash(&hash));
        assert!(new.needs_rehash("garbage"));
    }
}
