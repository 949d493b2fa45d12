//! The users file and the credentials provider that checks passwords against it.
//!
//! The file is TOML, one table per user, in the shape of Authelia's file backend:
//!
//! ```toml
//! [users.alice]
//! password = "$argon2id$v=19$m=19456,t=2,p=1$…"   # from `authrs hash-password`
//! name = "Alice Liddell"                           # optional; defaults to the username
//! email = "alice@example.com"                      # optional
//! image = "https://example.com/alice.png"          # optional
//! ```
//!
//! Rules:
//! 1. Every password must be an argon2id PHC hash; a problem names the user, never the value.
//! 2. A sign-in always runs exactly one full argon2 verification, whether the user exists or
//!    not, and whether the password field was sent or not, so timing does not reveal which
//!    usernames exist. For unknown users the engine's dummy hash is used, made with the cost
//!    parameters most of the file's hashes use.
//! 3. Verification runs on the blocking thread pool, and at most one per CPU at a time, so a
//!    burst of sign-ins cannot exhaust memory (each argon2 run holds its memory cost).
//! 4. The file is read once, at startup.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use argon2::Params;
use argon2::password_hash::phc::PasswordHash;
use authrs_core::User;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{
    AuthorizeError, CredentialField, CredentialFieldKind, Credentials, CredentialsProvider,
    RequestMeta,
};
use tokio::sync::Semaphore;

use crate::problem::{Problem, Source};

/// One user of the users file.
#[derive(Clone, PartialEq, Eq)]
pub struct UserEntry {
    /// The argon2id PHC hash of the password.
    pub password_hash: String,
    /// Display name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Avatar URL.
    pub image: Option<String>,
}

impl fmt::Debug for UserEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserEntry")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("image", &self.image)
            .finish_non_exhaustive()
    }
}

/// The parsed users file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Users {
    entries: BTreeMap<String, UserEntry>,
}

/// argon2 cost parameters: memory in KiB, iterations, lanes.
type Cost = (u32, u32, u32);

impl Users {
    /// Reads and checks a users file; `Err` lists every problem, each naming the user.
    pub fn load(path: &Path) -> Result<Self, Vec<Problem>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(error) => Err(vec![Problem::new(
                Source::File {
                    path: path.to_owned(),
                    key: None,
                },
                format!("cannot read the users file: {error}"),
            )]),
        }
    }

    /// Parses and checks the text of a users file; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Vec<Problem>> {
        let at = |key: &str| Source::file_key(path, key);
        let table = text.parse::<toml::Table>().map_err(|error| {
            let whole = Source::File {
                path: path.to_owned(),
                key: None,
            };
            vec![Problem::new(
                whole,
                format!("not valid TOML: {}", error.to_string().trim_end()),
            )]
        })?;
        let mut problems = Vec::new();
        let mut entries = BTreeMap::new();
        for (key, value) in table {
            if key != "users" {
                problems.push(Problem::new(
                    at(&key),
                    "unknown key (expected [users.<username>] tables)",
                ));
                continue;
            }
            let toml::Value::Table(users) = value else {
                problems.push(Problem::new(at("users"), "expected a table of users"));
                continue;
            };
            for (username, value) in users {
                let user_key = format!("users.{username}");
                if username.trim().is_empty() {
                    problems.push(Problem::new(at(&user_key), "the username is empty"));
                    continue;
                }
                let toml::Value::Table(fields) = value else {
                    problems.push(Problem::new(
                        at(&user_key),
                        format!("user {username:?}: expected a table"),
                    ));
                    continue;
                };
                if let Some(entry) = parse_user(&username, fields, &user_key, &at, &mut problems) {
                    entries.insert(username, entry);
                }
            }
        }
        if problems.is_empty() {
            Ok(Self { entries })
        } else {
            Err(problems)
        }
    }

    /// How many users there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no users.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One user.
    pub fn get(&self, username: &str) -> Option<&UserEntry> {
        self.entries.get(username)
    }

    /// The argon2 cost most of the hashes use, if there are any.
    fn common_cost(&self) -> Option<Cost> {
        let mut counts: BTreeMap<Cost, usize> = BTreeMap::new();
        for entry in self.entries.values() {
            if let Some(cost) = hash_cost(&entry.password_hash) {
                *counts.entry(cost).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(_, count)| *count)
            .map(|(cost, _)| cost)
    }
}

fn parse_user(
    username: &str,
    fields: toml::Table,
    user_key: &str,
    at: &dyn Fn(&str) -> Source,
    problems: &mut Vec<Problem>,
) -> Option<UserEntry> {
    let mut entry = UserEntry {
        password_hash: String::new(),
        name: None,
        email: None,
        image: None,
    };
    let before = problems.len();
    for (field, value) in fields {
        let key = format!("{user_key}.{field}");
        let toml::Value::String(text) = value else {
            let found = value.type_str();
            problems.push(Problem::new(
                at(&key),
                format!("user {username:?}: expected a string, found {found}"),
            ));
            continue;
        };
        match field.as_str() {
            "password" => match check_hash(&text) {
                Ok(()) => entry.password_hash = text,
                Err(reason) => problems.push(Problem::new(
                    at(&key),
                    format!("user {username:?}: {reason}"),
                )),
            },
            "name" => entry.name = Some(text),
            "email" => entry.email = Some(text),
            "image" => entry.image = Some(text),
            _ => problems.push(Problem::new(
                at(&key),
                format!("user {username:?}: unknown key (expected password, name, email, image)"),
            )),
        }
    }
    if entry.password_hash.is_empty() && problems.len() == before {
        problems.push(Problem::new(
            at(user_key),
            format!("user {username:?} has no password (add one made by `authrs hash-password`)"),
        ));
    }
    (problems.len() == before).then_some(entry)
}

/// Whether a stored password is a complete argon2id PHC hash. The reason never quotes the value.
pub fn check_hash(stored: &str) -> Result<(), String> {
    let hint = "use a hash made by `authrs hash-password`";
    if !stored.starts_with("$argon2") {
        return Err(format!(
            "the password is not an argon2id PHC hash ($argon2id$…); {hint}"
        ));
    }
    let parsed = PasswordHash::new(stored)
        .map_err(|e| format!("the password hash does not parse ({e}); {hint}"))?;
    if parsed.algorithm.as_str() != "argon2id" {
        return Err(format!(
            "the password hash uses {}, only argon2id is accepted; {hint}",
            parsed.algorithm.as_str()
        ));
    }
    Params::try_from(&parsed)
        .map_err(|e| format!("the password hash has invalid argon2 parameters ({e}); {hint}"))?;
    if parsed.salt.is_none() || parsed.hash.is_none() {
        return Err(format!(
            "the password hash has no salt or no output; {hint}"
        ));
    }
    Ok(())
}

fn hash_cost(stored: &str) -> Option<Cost> {
    let parsed = PasswordHash::new(stored).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    Some((params.m_cost(), params.t_cost(), params.p_cost()))
}

/// Checks a password against a stored hash, or against a dummy hash when `stored` is `None`
/// (an unknown user), doing the same work either way.
pub trait PasswordCheck: Send + Sync + 'static {
    /// Whether the password matches; always `false` for `None`.
    fn verify(&self, password: &str, stored: Option<&str>) -> bool;
}

impl PasswordCheck for PasswordHasher {
    fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        PasswordHasher::verify(self, password, stored)
    }
}

/// The hasher whose dummy hash costs what the users' hashes cost, so an unknown username takes
/// as long as a known one. With no users, OWASP's parameters.
pub fn hasher_for(users: &Users) -> PasswordHasher {
    users
        .common_cost()
        .and_then(|(m, t, p)| PasswordHasher::with_params(m, t, p).ok())
        .unwrap_or_default()
}

/// The users file as a credentials backend.
pub struct UserDirectory {
    users: Users,
    checker: Arc<dyn PasswordCheck>,
    verifications: Semaphore,
}

impl fmt::Debug for UserDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserDirectory")
            .field("users", &self.users.len())
            .finish_non_exhaustive()
    }
}

impl UserDirectory {
    /// A directory verifying with [`hasher_for`] the users.
    pub fn new(users: Users) -> Self {
        let hasher = hasher_for(&users);
        Self::with_checker(users, Arc::new(hasher))
    }

    /// A directory verifying with the given checker.
    pub fn with_checker(users: Users, checker: Arc<dyn PasswordCheck>) -> Self {
        let parallel = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            users,
            checker,
            verifications: Semaphore::new(parallel),
        }
    }

    /// The users.
    pub fn users(&self) -> &Users {
        &self.users
    }

    /// The user the `username` and `password` fields belong to, or `None`. Runs exactly one
    /// password verification in every case.
    pub async fn authorize(
        &self,
        credentials: &Credentials,
    ) -> Result<Option<User>, AuthorizeError> {
        let username = credentials.get("username").unwrap_or_default();
        let password = credentials.get("password").unwrap_or_default().to_owned();
        let entry = self.users.get(username);
        let stored = entry.map(|e| e.password_hash.clone());
        let checker = Arc::clone(&self.checker);
        let _permit = self
            .verifications
            .acquire()
            .await
            .map_err(|_| AuthorizeError("password verification is shutting down".into()))?;
        let verified =
            tokio::task::spawn_blocking(move || checker.verify(&password, stored.as_deref()))
                .await
                .map_err(|error| {
                    AuthorizeError(format!("password verification failed: {error}"))
                })?;
        let (true, Some(entry)) = (verified, entry) else {
            return Ok(None);
        };
        let mut user = User::new(username).with_name(entry.name.as_deref().unwrap_or(username));
        if let Some(email) = &entry.email {
            user = user.with_email(email);
        }
        if let Some(image) = &entry.image {
            user = user.with_image(image);
        }
        Ok(Some(user))
    }

    /// The credentials provider (id `credentials`, fields `username` and `password`) backed by
    /// this directory.
    pub fn provider(self: Arc<Self>) -> CredentialsProvider {
        CredentialsProvider::new(move |credentials: Credentials, _request: RequestMeta| {
            let directory = Arc::clone(&self);
            async move { directory.authorize(&credentials).await }
        })
        .with_fields(vec![
            CredentialField::new("username", "Username", CredentialFieldKind::Text),
            CredentialField::new("password", "Password", CredentialFieldKind::Password),
        ])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::*;

    fn fast_hasher() -> PasswordHasher {
        PasswordHasher::with_params(256, 1, 1).unwrap()
    }

    fn credentials(pairs: &[(&str, &str)]) -> Credentials {
        Credentials::new(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn users_with_alice(hasher: &PasswordHasher) -> Users {
        let text = format!(
            "[users.alice]\npassword = \"{}\"\nname = \"Alice\"\nemail = \"alice@example.com\"\n",
            hasher.hash("wonderland").unwrap()
        );
        Users::parse(&text, Path::new("users.toml")).unwrap()
    }

    /// Records every verification it is asked for, then verifies for real.
    struct CountingCheck {
        calls: Mutex<Vec<Option<String>>>,
        inner: PasswordHasher,
    }

    impl PasswordCheck for CountingCheck {
        fn verify(&self, password: &str, stored: Option<&str>) -> bool {
            self.calls.lock().unwrap().push(stored.map(str::to_owned));
            self.inner.verify(password, stored)
        }
    }

    fn counting() -> Arc<CountingCheck> {
        Arc::new(CountingCheck {
            calls: Mutex::new(Vec::new()),
            inner: fast_hasher(),
        })
    }

    #[tokio::test]
    async fn unknown_user_runs_a_full_password_verification() {
        let check = counting();
        let directory =
            UserDirectory::with_checker(users_with_alice(&fast_hasher()), check.clone());
        let user = directory
            .authorize(&credentials(&[
                ("username", "mallory"),
                ("password", "guess"),
            ]))
            .await
            .unwrap();
        assert_eq!(user, None);
        // One verification, against the dummy hash (`None`), exactly as for a known user.
        assert_eq!(*check.calls.lock().unwrap(), vec![None]);

        let user = directory
            .authorize(&credentials(&[
                ("username", "alice"),
                ("password", "guess"),
            ]))
            .await
            .unwrap();
        assert_eq!(user, None);
        assert_eq!(check.calls.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn missing_fields_still_run_a_full_password_verification() {
        let check = counting();
        let directory =
            UserDirectory::with_checker(users_with_alice(&fast_hasher()), check.clone());
        assert_eq!(directory.authorize(&credentials(&[])).await.unwrap(), None);
        assert_eq!(
            directory
                .authorize(&credentials(&[("username", "alice")]))
                .await
                .unwrap(),
            None
        );
        let calls = check.calls.lock().unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0], None);
        assert!(
            calls[1]
                .as_deref()
                .is_some_and(|h| h.starts_with("$argon2id$"))
        );
    }

    #[tokio::test]
    async fn right_password_returns_the_user_with_name_and_email() {
        let hasher = fast_hasher();
        let directory = UserDirectory::new(users_with_alice(&hasher));
        let user = directory
            .authorize(&credentials(&[
                ("username", "alice"),
                ("password", "wonderland"),
            ]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.id, "alice");
        assert_eq!(user.name.as_deref(), Some("Alice"));
        assert_eq!(user.email.as_deref(), Some("alice@example.com"));
        assert_eq!(user.image, None);
    }

    #[tokio::test]
    async fn name_defaults_to_the_username() {
        let hash = fast_hasher().hash("pw").unwrap();
        let users = Users::parse(
            &format!("[users.bob]\npassword = \"{hash}\"\n"),
            Path::new("u.toml"),
        )
        .unwrap();
        let user = UserDirectory::new(users)
            .authorize(&credentials(&[("username", "bob"), ("password", "pw")]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.name.as_deref(), Some("bob"));
        assert_eq!(user.email, None);
    }

    #[test]
    fn dummy_hash_costs_what_the_users_hashes_cost() {
        let users = users_with_alice(&fast_hasher());
        let alice = users.get("alice").unwrap().password_hash.clone();
        assert!(!hasher_for(&users).needs_rehash(&alice));
        // With no users, the OWASP defaults.
        let default_hash = PasswordHasher::new().hash("x").unwrap();
        assert!(!hasher_for(&Users::default()).needs_rehash(&default_hash));
        assert!(hasher_for(&Users::default()).needs_rehash(&alice));
    }

    #[test]
    fn bad_hashes_name_the_user_and_never_the_value() {
        let good = fast_hasher().hash("pw").unwrap();
        let argon2i = good.replacen("$argon2id$", "$argon2i$", 1);
        let text = format!(
            "[users.alice]\npassword = \"{good}\"\n\
             [users.bob]\npassword = \"hunter2\"\n\
             [users.carol]\npassword = \"$argon2id$v=19$m=oops\"\n\
             [users.dave]\npassword = \"{argon2i}\"\n\
             [users.erin]\nname = \"Erin\"\n\
             [users.frank]\npassword = \"{good}\"\nrole = \"admin\"\n"
        );
        let problems = Users::parse(&text, Path::new("users.toml")).unwrap_err();
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(
            lines[0].starts_with("users.toml: users.bob.password: user \"bob\""),
            "{}",
            lines[0]
        );
        assert!(!lines[0].contains("hunter2"));
        assert!(
            lines[1].contains("users.carol.password")
                && lines[1].contains("invalid argon2 parameters"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains("users.dave.password") && lines[2].contains("only argon2id"));
        assert!(lines[3].contains("users.erin") && lines[3].contains("no password"));
        assert!(lines[4].contains("users.frank.role") && lines[4].contains("unknown key"));
    }

    #[test]
    fn a_good_file_parses() {
        let hash = fast_hasher().hash("pw").unwrap();
        let text = format!(
            "[users.alice]\npassword = \"{hash}\"\nname = \"Alice\"\nemail = \"a@example.com\"\nimage = \"https://example.com/a.png\"\n\
             [users.\"bob smith\"]\npassword = \"{hash}\"\n"
        );
        let users = Users::parse(&text, Path::new("users.toml")).unwrap();
        assert_eq!(users.len(), 2);
        let alice = users.get("alice").unwrap();
        assert_eq!(alice.email.as_deref(), Some("a@example.com"));
        assert_eq!(alice.image.as_deref(), Some("https://example.com/a.png"));
        assert!(users.get("bob smith").is_some());
        assert!(
            !format!("{alice:?}").contains("argon2"),
            "Debug must not show the hash"
        );
    }
}
