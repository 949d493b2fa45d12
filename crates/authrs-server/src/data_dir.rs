//! The data directory: the development secret and the default users file with its demo user,
//! generated on first run so that `authrs` works with no configuration at all.
//!
//! Rules:
//! 1. The directory is created with mode 0700 and every file in it with mode 0600 (on Unix).
//! 2. Generated values come from the operating system's CSPRNG.
//! 3. A file is never overwritten: an existing secret or users file is read as it is.
//! 4. The demo password is written to `demo-password` once and never logged; the log says where
//!    the file is.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use authrs_core::password::PasswordHasher;
use authrs_core::secret::{Secret, random_hex};
use zeroize::Zeroizing;

use crate::error::Error;

/// The username of the generated demo user.
pub const DEMO_USER: &str = "demo";

/// The file the demo user's password is written to, inside the data directory.
pub const DEMO_PASSWORD_FILE: &str = "demo-password";

/// Creates the data directory (mode 0700) if it does not exist.
pub fn ensure_dir(dir: &Path) -> Result<(), Error> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| Error::Io {
        action: "create the data directory",
        path: dir.to_owned(),
        source,
    })
}

/// The development secret kept at `path`, generated (and the directory created) when missing.
/// Returns whether it was generated.
pub fn load_or_create_secret(path: &Path) -> Result<(Secret, bool), Error> {
    // Copies of the secret are wiped when dropped.
    match fs::read_to_string(path).map(Zeroizing::new) {
        Ok(text) => {
            let secret = Secret::new(text.trim());
            if secret.len() < 32 {
                return Err(Error::Io {
                    action: "use the secret file",
                    path: path.to_owned(),
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "it holds {} bytes, at least 32 are required (delete it to generate a new one)",
                            secret.len()
                        ),
                    ),
                });
            }
            Ok((secret, false))
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                ensure_dir(dir)?;
            }
            let secret = Secret::generate();
            let mut file = open_private(path, Create::New)?;
            write_all(&mut file, path, secret.expose().as_bytes())?;
            write_all(&mut file, path, b"\n")?;
            Ok((secret, true))
        }
        Err(source) => Err(Error::Io {
            action: "read the secret file",
            path: path.to_owned(),
            source,
        }),
    }
}

/// Creates a users file at `path` with one user, [`DEMO_USER`], whose random password is
/// written to [`DEMO_PASSWORD_FILE`] beside it. Returns the password file's path.
pub fn create_demo_users_file(path: &Path, hasher: &PasswordHasher) -> Result<PathBuf, Error> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    ensure_dir(dir)?;
    // Claim the users file first, so an existing one is never paired with a new password.
    let mut users_file = open_private(path, Create::New)?;
    let password = random_hex::<16>();
    let hash = hasher.hash(&password)?;
    let password_path = dir.join(DEMO_PASSWORD_FILE);
    let mut password_file = open_private(&password_path, Create::Replace)?;
    write_all(
        &mut password_file,
        &password_path,
        format!("{password}\n").as_bytes(),
    )?;
    let text = format!(
        "# Users of the authrs credentials provider, one [users.<username>] table each.\n\
         # Passwords are argon2id hashes: make one with `authrs hash-password`.\n\
         # Optional keys: name (defaults to the username), email, image.\n\
         #\n\
         # This demo user was generated on first run; its password is in {DEMO_PASSWORD_FILE}.\n\
         # Remove it before real use.\n\
         \n\
         [users.{DEMO_USER}]\n\
         password = {hash}\n\
         email = \"demo@example.com\"\n",
        hash = toml::Value::String(hash),
    );
    write_all(&mut users_file, path, text.as_bytes())?;
    Ok(password_path)
}

/// Whether opening a file may replace an existing one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Create {
    /// Fail if the file exists.
    New,
    /// Truncate an existing file.
    Replace,
}

/// Opens a file for writing, readable by the owner only.
fn open_private(path: &Path, create: Create) -> Result<fs::File, Error> {
    let mut options = OpenOptions::new();
    options.write(true);
    match create {
        Create::New => options.create_new(true),
        Create::Replace => options.create(true).truncate(true),
    };
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|source| Error::Io {
        action: "create",
        path: path.to_owned(),
        source,
    })
}

fn write_all(file: &mut fs::File, path: &Path, contents: &[u8]) -> Result<(), Error> {
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|source| Error::Io {
            action: "write",
            path: path.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::Users;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("authrs-data-dir-{name}-{}", random_hex::<6>()));
        dir.join("authrs-data")
    }

    #[test]
    fn secret_is_generated_once_then_reused() {
        let dir = temp_dir("secret");
        let path = dir.join("secret");
        let (first, generated) = load_or_create_secret(&path).unwrap();
        assert!(generated);
        assert_eq!(first.len(), 64);
        let (second, generated) = load_or_create_secret(&path).unwrap();
        assert!(!generated);
        assert_eq!(first.expose(), second.expose());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_short_secret_file_is_refused_by_name() {
        let dir = temp_dir("short");
        ensure_dir(&dir).unwrap();
        let path = dir.join("secret");
        fs::write(&path, "short\n").unwrap();
        let error = load_or_create_secret(&path).unwrap_err().to_string();
        assert!(
            error.contains(&path.display().to_string()) && error.contains("5 bytes"),
            "{error}"
        );
        assert!(!error.contains("short\n"));
        fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }

    #[test]
    fn demo_users_file_holds_a_hash_of_the_written_password() {
        let dir = temp_dir("demo");
        let users_path = dir.join("users.toml");
        let hasher = PasswordHasher::with_params(256, 1, 1).unwrap();
        let password_path = create_demo_users_file(&users_path, &hasher).unwrap();
        let password = fs::read_to_string(&password_path).unwrap();
        let password = password.trim_end();
        assert!(password.len() >= 16);
        let users = Users::load(&users_path).unwrap();
        let demo = users.get(DEMO_USER).unwrap();
        assert!(hasher.verify(password, Some(&demo.password_hash)));
        assert!(!fs::read_to_string(&users_path).unwrap().contains(password));
        // Never overwritten, and the password file still matches.
        assert!(create_demo_users_file(&users_path, &hasher).is_err());
        assert_eq!(
            fs::read_to_string(&password_path).unwrap().trim_end(),
            password
        );
        fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }
}
