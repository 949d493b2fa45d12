//! The data directory: the development secret, the default SQLite database and the demo
//! account's password, generated on first run so that `authrs` works with no configuration.
//!
//! Rules:
//! 1. The directory is created with mode 0700 and every file authrs writes in it with mode 0600
//!    (on Unix; SQLite creates the database file, inside the private directory).
//! 2. Generated values come from the operating system's CSPRNG.
//! 3. An existing secret is read as it is, never overwritten. The demo password file is written
//!    only when the demo account is created, that is when the database had no users.
//! 4. The demo password is never logged; the log says where the file is.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use authrs_core::secret::Secret;
use zeroize::Zeroizing;

use crate::error::Error;

/// The email address of the demo account created in an empty embedded database.
pub const DEMO_EMAIL: &str = "demo@example.com";

/// The display name of the demo account.
pub const DEMO_NAME: &str = "Demo";

/// The file the demo account's password is written to, inside the data directory.
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

/// Writes the demo account's password to [`DEMO_PASSWORD_FILE`] in `dir` (mode 0600),
/// replacing a file left by an earlier database. Returns the file's path.
pub fn write_demo_password(dir: &Path, password: &str) -> Result<PathBuf, Error> {
    ensure_dir(dir)?;
    let path = dir.join(DEMO_PASSWORD_FILE);
    let mut file = open_private(&path, Create::Replace)?;
    write_all(&mut file, &path, format!("{password}\n").as_bytes())?;
    Ok(path)
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
    use authrs_core::secret::random_hex;

    use super::*;

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
    fn demo_password_file_is_private_and_replaced() {
        let dir = temp_dir("demo");
        let path = write_demo_password(&dir, "first").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "first\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        write_demo_password(&dir, "second").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "second\n");
        fs::remove_dir_all(dir.parent().unwrap()).unwrap();
    }
}
