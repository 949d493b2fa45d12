//! Email-and-password accounts kept in the database: what `authrs user add|remove|list|
//! set-password` do, and the demo account of the embedded default.
//!
//! Rules:
//! 1. Every email address goes through [`normalize_email`] before it is stored or looked up,
//!    the same policy the engine's sign-in and sign-up use.
//! 2. Passwords follow the engine's policy: at least `accounts.min_password_length` characters
//!    and at most [`MAX_PASSWORD_BYTES`] bytes. Only their argon2id hashes are stored; nothing
//!    here prints or logs a password or a hash.
//! 3. Setting a password ends the user's sessions everywhere (database sessions are deleted,
//!    revocable JWT sessions refused), as a password change through `/account` does.
//! 4. The demo account is created only in an empty embedded database, and its random password
//!    is written once, to a file; the log names the file.

use std::path::{Path, PathBuf};

use authrs_core::adapter::{Adapter, AdapterError, AdapterUser, NewUser, Timestamp};
use authrs_core::clock::{Clock, SystemClock};
use authrs_core::email::normalize_email;
use authrs_core::password::PasswordHashing;
use authrs_core::secret::random_hex;
use zeroize::Zeroizing;

use crate::data_dir::{self, DEMO_EMAIL, DEMO_NAME, DEMO_PASSWORD_FILE};
use crate::database::Database;
use crate::error::Error;

/// The longest password accepted, in bytes: the engine's limit, so that every password set
/// here can also be used to sign in and to change the password.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// The normalised form of `email`, or an error naming it.
pub fn normalized_email(email: &str) -> Result<String, Error> {
    normalize_email(email)
        .map_err(|reason| Error::Account(format!("invalid email address {email:?}: {reason}")))
}

/// Whether `password` meets the policy (rule 2); the error says what is wrong.
pub fn check_password(password: &str, min_length: usize) -> Result<(), Error> {
    let length = password.chars().count();
    if length < min_length {
        return Err(Error::PasswordInput(format!(
            "the password has {length} characters; at least {min_length} are required \
             (accounts.min_password_length)"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::PasswordInput(format!(
            "the password is longer than {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The user with this (normalised) email address, or an error saying there is none.
pub async fn find_user(adapter: &dyn Adapter, email: &str) -> Result<AdapterUser, Error> {
    adapter
        .get_user_by_email(email)
        .await?
        .ok_or_else(|| Error::Account(format!("no user has the email address {email}")))
}

/// Refuses an email address that already has an account, before a password is asked for.
pub async fn ensure_email_free(adapter: &dyn Adapter, email: &str) -> Result<(), Error> {
    match adapter.get_user_by_email(email).await? {
        Some(_) => Err(duplicate(email)),
        None => Ok(()),
    }
}

fn duplicate(email: &str) -> Error {
    Error::Account(format!(
        "a user with the email address {email} already exists"
    ))
}

/// Creates an account with its password hash, in one statement: an account never exists
/// without its password. The operator vouches for the address, so it counts as proven.
pub async fn add_user(
    adapter: &dyn Adapter,
    email: &str,
    name: Option<&str>,
    password_hash: &str,
) -> Result<AdapterUser, Error> {
    adapter
        .create_user(NewUser {
            name: name.map(str::to_owned),
            email: Some(email.to_owned()),
            email_verified: Some(Timestamp::from_millis(SystemClock.now_millis())),
            password_hash: Some(password_hash.to_owned()),
            ..NewUser::default()
        })
        .await
        .map_err(|error| match error {
            AdapterError::DuplicateEmail => duplicate(email),
            other => other.into(),
        })
}

/// Deletes the account with this email address, with its sessions and linked accounts.
pub async fn remove_user(adapter: &dyn Adapter, email: &str) -> Result<AdapterUser, Error> {
    let user = find_user(adapter, email).await?;
    adapter.delete_user(&user.id).await?;
    Ok(user)
}

/// Replaces a user's password hash and ends their sessions (rule 3); returns how many database
/// sessions were deleted.
pub async fn set_password(
    adapter: &dyn Adapter,
    user: &AdapterUser,
    password_hash: &str,
) -> Result<u64, Error> {
    adapter
        .set_password_hash(&user.id, Some(password_hash))
        .await?;
    let ended = adapter.delete_user_sessions(&user.id).await?;
    let now = Timestamp::from_millis(SystemClock.now_millis());
    adapter.set_sessions_valid_after(&user.id, now).await?;
    Ok(ended)
}

/// Records a security event of an `authrs user` command (`detail` = `admin`, no client), when
/// events are stored. A database error is reported, not fatal: the change is made.
pub async fn record_admin_event(
    adapter: &dyn Adapter,
    store: bool,
    kind: authrs_core::audit::AuditKind,
    user_id: &str,
) {
    if !store {
        return;
    }
    let now = Timestamp::from_millis(SystemClock.now_millis());
    let event = (authrs_core::audit::AuditEvent::new(now, kind, None, None))
        .user(user_id)
        .detail("admin");
    if let Err(error) = adapter.record_audit_event(&event).await {
        eprintln!("warning: the security event was not stored: {error}");
    }
}

/// Creates the demo account when the database has no users (rule 4), and tells whether the
/// demo password file still signs in to it: the file's path if so, for the home page's hint.
pub async fn ensure_demo_account(
    database: &Database,
    data_dir: &Path,
    hashing: &dyn PasswordHashing,
) -> Result<Option<PathBuf>, Error> {
    let adapter = database.adapter();
    let mut created = false;
    if database.has_no_users().await? {
        let password = Zeroizing::new(random_hex::<16>());
        let hash = hashing.hash(&password).await?;
        let demo = NewUser {
            name: Some(DEMO_NAME.to_owned()),
            email: Some(DEMO_EMAIL.to_owned()),
            // The server made it: no one else can have attached anything to it.
            email_verified: Some(Timestamp::from_millis(SystemClock.now_millis())),
            password_hash: Some(hash),
            ..NewUser::default()
        };
        match adapter.create_user(demo).await {
            // The file is written only once the account is ours: an instance that lost the race
            // below must not overwrite the winner's password file.
            Ok(_) => {
                let path = data_dir::write_demo_password(data_dir, &password)?;
                created = true;
                tracing::warn!(
                    "created the demo account {DEMO_EMAIL} in the empty database; its password is in {} \
                     (development only: remove it with `authrs user remove {DEMO_EMAIL}`)",
                    path.display()
                );
            }
            // Another instance starting on the same database created it first.
            Err(AdapterError::DuplicateEmail) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let path = data_dir.join(DEMO_PASSWORD_FILE);
    let Some(demo) = adapter.get_user_by_email(DEMO_EMAIL).await? else {
        return Ok(None);
    };
    let Ok(text) = std::fs::read_to_string(&path).map(Zeroizing::new) else {
        return Ok(None);
    };
    let stored = adapter.get_password_hash(&demo.id).await?;
    if stored.is_none() || !hashing.verify(text.trim_end(), stored.as_deref()).await {
        return Ok(None);
    }
    if !created {
        tracing::info!(
            "demo account {DEMO_EMAIL}: its password is in {} (development only)",
            path.display()
        );
    }
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_measured_in_characters_and_capped_in_bytes() {
        assert!(check_password("12345678", 8).is_ok());
        let short = check_password("1234567", 8).unwrap_err().to_string();
        assert!(short.contains("7 characters; at least 8"), "{short}");
        // Eight characters, sixteen bytes.
        assert!(check_password("éééééééé", 8).is_ok());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1), 8).is_err());
    }

    #[test]
    fn email_addresses_are_normalised_or_refused_by_value() {
        assert_eq!(
            normalized_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        let error = normalized_email("ada@localhost").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid email address \"ada@localhost\""),
            "{error}"
        );
    }
}
