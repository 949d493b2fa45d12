//! Reading the configuration: the TOML file, `AUTHRS_*` variables, `--bind`, and the problems
//! each bad value causes.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use authrs_core::{ColorScheme, Compatibility, SessionStrategy};
use authrs_server::config::{ConfigFile, Env, LoadOptions, Problem, Settings, Source, load_config};
use support::TempDir;

fn load(
    file: Option<&PathBuf>,
    env: &[(&str, &str)],
    bind: Option<&str>,
) -> Result<Settings, Vec<Problem>> {
    let options = LoadOptions {
        config_file: file.map_or(ConfigFile::Without, |f| ConfigFile::At(f.clone())),
        bind: bind.map(str::to_owned),
        database_url: None,
    };
    load_config(&options, &Env::from_pairs(env.iter().copied()))
}

fn problems(file: Option<&PathBuf>, env: &[(&str, &str)]) -> Vec<String> {
    let found = load(file, env, None).expect_err("expected problems");
    found.iter().map(ToString::to_string).collect()
}

const SECRET: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn no_file_and_no_environment_give_the_embedded_defaults() {
    let settings = load(None, &[], None).unwrap();
    assert_eq!(settings.bind.to_string(), "127.0.0.1:3000");
    assert_eq!(settings.url, None);
    assert!(settings.secrets.is_empty());
    assert_eq!(settings.credentials.users_file, None);
    assert!(settings.uses_default_database());
    assert_eq!(
        settings.database_url().expose(),
        "sqlite://authrs-data/authrs.db?mode=rwc"
    );
    assert_eq!(settings.session.strategy, SessionStrategy::Database);
    assert!(!settings.session.revocable_jwt);
    assert!(!settings.accounts.sign_up);
    assert_eq!(settings.accounts.min_password_length, 8);
    assert_eq!(settings.secret_path(), PathBuf::from("authrs-data/secret"));
    assert_eq!(settings.compatibility, Compatibility::NextAuthV4);
    assert_eq!(settings.session.max_age, Duration::from_secs(30 * 86_400));
}

#[test]
fn reads_every_key_from_the_file() {
    let dir = TempDir::new("config-all");
    let file = dir.write(
        "authrs.toml",
        &format!(
            r##"
url = "https://auth.example.com/auth"
bind = "0.0.0.0:8080"
secrets = ["{SECRET}-new", "{SECRET}-old"]
compatibility = "v5"
trust_host = true
trusted_origins = ["https://app.example.com"]
use_secure_cookies = false
data_dir = "state"
database_url = "sqlite://db/authrs.db?mode=rwc"

[session]
strategy = "jwt"
revocable_jwt = true
max_age = "7d"
update_age = 3600

[accounts]
sign_up = true
min_password_length = 12

[theme]
color_scheme = "dark"
brand_color = "#336699"
logo = "https://example.com/logo.png"
button_text = "#fff"

[pages]
sign_in = "/login"
sign_out = "/logout"
error = "/oops"
verify_request = "/check-email"
new_user = "/welcome"

[credentials]
users_file = "conf/users.toml"
"##
        ),
    );
    let s = load(Some(&file), &[], None).unwrap();
    assert_eq!(s.config_file.as_ref(), Some(&file));
    assert_eq!(s.url.as_deref(), Some("https://auth.example.com/auth"));
    assert_eq!(s.bind.to_string(), "0.0.0.0:8080");
    let secrets: Vec<&str> = s.secrets.iter().map(|s| s.expose()).collect();
    assert_eq!(secrets, [format!("{SECRET}-new"), format!("{SECRET}-old")]);
    assert_eq!(s.compatibility, Compatibility::AuthJsV5);
    assert!(s.trust_host);
    assert_eq!(s.trusted_origins, ["https://app.example.com"]);
    assert_eq!(s.use_secure_cookies, Some(false));
    assert_eq!(s.session.max_age, Duration::from_secs(7 * 86_400));
    assert_eq!(s.session.update_age, Duration::from_secs(3600));
    assert_eq!(s.theme.color_scheme, ColorScheme::Dark);
    assert_eq!(s.theme.brand_color.as_deref(), Some("#336699"));
    assert_eq!(
        s.theme.logo.as_deref(),
        Some("https://example.com/logo.png")
    );
    assert_eq!(s.theme.button_text.as_deref(), Some("#fff"));
    assert_eq!(s.pages.sign_in.as_deref(), Some("/login"));
    assert_eq!(s.pages.sign_out.as_deref(), Some("/logout"));
    assert_eq!(s.pages.error.as_deref(), Some("/oops"));
    assert_eq!(s.pages.verify_request.as_deref(), Some("/check-email"));
    assert_eq!(s.pages.new_user.as_deref(), Some("/welcome"));
    // Relative paths in the file are relative to the file's directory.
    assert_eq!(s.data_dir, dir.join("state"));
    assert_eq!(s.credentials.users_file, Some(dir.join("conf/users.toml")));
    assert_eq!(
        s.database_url().expose(),
        format!("sqlite://{}/db/authrs.db?mode=rwc", dir.path().display())
    );
    assert_eq!(s.session.strategy, SessionStrategy::Jwt);
    assert!(s.session.revocable_jwt);
    assert!(s.accounts.sign_up);
    assert_eq!(s.accounts.min_password_length, 12);
}

#[test]
fn environment_overrides_the_file_and_bind_flag_overrides_both() {
    let dir = TempDir::new("config-env");
    let file = dir.write(
        "authrs.toml",
        &format!("url = \"http://file.example/api/auth\"\nbind = \"127.0.0.1:4000\"\nsecret = \"{SECRET}-file\"\ntrust_host = false\n[session]\nmax_age = \"1d\"\n"),
    );
    let env = [
        ("AUTHRS_URL", "https://env.example/api/auth"),
        ("AUTHRS_BIND", "127.0.0.1:5000"),
        ("AUTHRS_SECRET", &format!("{SECRET}-env")),
        ("AUTHRS_TRUST_HOST", "yes"),
        ("AUTHRS_SESSION_MAX_AGE", "2h"),
        ("AUTHRS_USERS_FILE", "relative/users.toml"),
        ("AUTHRS_SESSION_STRATEGY", "JWT"),
        (
            "AUTHRS_DATABASE_URL",
            "postgres://authrs:pw@db.internal:5432/authrs",
        ),
        ("AUTHRS_ACCOUNTS_SIGN_UP", "on"),
        ("AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH", "10"),
        ("AUTHRS_DATA_DIR", "/var/lib/authrs"),
        ("AUTHRS_COMPATIBILITY", "v5"),
        ("AUTHRS_THEME_BRAND_COLOR", "#abc"),
        ("AUTHRS_PAGES_SIGN_IN", "/enter"),
        (
            "AUTHRS_TRUSTED_ORIGINS",
            "https://a.example, https://b.example",
        ),
        ("AUTHRS_CONFIG", "ignored-here.toml"),
        ("HOME", "/not/ours"),
    ];
    let s = load(Some(&file), &env, None).unwrap();
    assert_eq!(s.url.as_deref(), Some("https://env.example/api/auth"));
    assert_eq!(s.bind.to_string(), "127.0.0.1:5000");
    assert_eq!(s.secrets[0].expose(), format!("{SECRET}-env"));
    assert_eq!(s.secrets.len(), 1);
    assert!(s.trust_host);
    assert_eq!(s.session.max_age, Duration::from_secs(7200));
    // Paths from the environment are relative to the working directory.
    assert_eq!(
        s.credentials.users_file,
        Some(PathBuf::from("relative/users.toml"))
    );
    assert_eq!(s.data_dir, PathBuf::from("/var/lib/authrs"));
    assert_eq!(s.session.strategy, SessionStrategy::Jwt);
    assert_eq!(
        s.database_url().expose(),
        "postgres://authrs:pw@db.internal:5432/authrs"
    );
    assert!(s.accounts.sign_up);
    assert_eq!(s.accounts.min_password_length, 10);
    assert_eq!(s.compatibility, Compatibility::AuthJsV5);
    assert_eq!(s.theme.brand_color.as_deref(), Some("#abc"));
    assert_eq!(s.pages.sign_in.as_deref(), Some("/enter"));
    assert_eq!(
        s.trusted_origins,
        ["https://a.example", "https://b.example"]
    );

    let s = load(Some(&file), &env, Some("127.0.0.1:0")).unwrap();
    assert_eq!(s.bind.to_string(), "127.0.0.1:0");
}

#[test]
fn secret_rotation_from_a_comma_separated_environment_variable() {
    let env = [("AUTHRS_SECRET", &*format!("{SECRET}-new , {SECRET}-old"))];
    let s = load(None, &env, None).unwrap();
    let secrets: Vec<&str> = s.secrets.iter().map(|s| s.expose()).collect();
    assert_eq!(secrets, [format!("{SECRET}-new"), format!("{SECRET}-old")]);
    // The Auth.js numbered form is not ours, and the error says what to use instead.
    let found = problems(None, &[("AUTHRS_SECRET_1", SECRET)]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("environment AUTHRS_SECRET_1: unknown environment variable"),
        "{}",
        found[0]
    );
    assert!(found[0].contains("separated by commas"));
}

#[test]
fn unknown_file_keys_are_errors_naming_each_key() {
    let dir = TempDir::new("config-unknown");
    let file = dir.write(
        "authrs.toml",
        "urll = \"http://localhost:3000\"\n[session]\nmax_agee = 5\n[themes]\nx = 1\n[credentials]\nusers = \"u.toml\"\n",
    );
    let found = problems(Some(&file), &[]);
    assert_eq!(found.len(), 4, "{found:#?}");
    let path = file.display().to_string();
    assert!(
        found[0].starts_with(&format!(
            "{path}: credentials.users: unknown key (expected one of: credentials.users_file)"
        )),
        "{}",
        found[0]
    );
    assert!(found[1].starts_with(&format!("{path}: session.max_agee: unknown key (expected one of: session.strategy, session.revocable_jwt, session.max_age, session.update_age, session.cache_size, session.cache_ttl, session.fresh_sign_in)")), "{}", found[1]);
    assert!(
        found[2].starts_with(&format!("{path}: themes: unknown key")),
        "{}",
        found[2]
    );
    assert!(found[2].contains("[theme]"));
    assert!(
        found[3].starts_with(&format!(
            "{path}: urll: unknown key (expected one of: url, "
        )),
        "{}",
        found[3]
    );
}

#[test]
fn unknown_environment_variable_is_an_error_naming_it() {
    let found = problems(None, &[("AUTHRS_SESION_MAX_AGE", "1d")]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .starts_with("environment AUTHRS_SESION_MAX_AGE: unknown environment variable (known:")
    );
    assert!(found[0].contains("AUTHRS_SESSION_MAX_AGE"));
}

#[test]
fn bad_url_names_the_value_and_where_it_came_from() {
    let dir = TempDir::new("config-url");
    let file = dir.write("authrs.toml", "url = \"localhost:3000/api/auth\"\n");
    let found = problems(Some(&file), &[]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(&format!(
            "{}: url: invalid base URL \"localhost:3000/api/auth\"",
            file.display()
        )),
        "{}",
        found[0]
    );
    let found = problems(None, &[("AUTHRS_URL", "https://example.com/auth?x=1")]);
    assert!(
        found[0].starts_with(
            "environment AUTHRS_URL: invalid base URL \"https://example.com/auth?x=1\""
        ),
        "{}",
        found[0]
    );
}

#[test]
fn language_catalogs_are_read_from_the_folder_and_a_bad_one_is_named_with_its_line() {
    let dir = TempDir::new("config-languages");
    std::fs::create_dir(dir.join("languages")).unwrap();
    dir.write("languages/it.ftl", "sign-in-title = Accedi\n");
    dir.write("languages/README.txt", "not a catalog, passed over\n");
    let file = dir.write(
        "authrs.toml",
        "[languages]\ndefault = \"it\"\ndir = \"languages\"\n",
    );
    let settings = load(Some(&file), &[], None).unwrap();
    assert_eq!(settings.languages.default, "it");
    let languages = settings.languages.languages().unwrap();
    assert_eq!(languages.added().collect::<Vec<_>>(), ["it.ftl"]);

    dir.write(
        "languages/de.ftl",
        "sign-in-title = Anmelden\nsign-out-title = { oops\n",
    );
    // The folder is named first (then, with it left out, the default it provided).
    let found = problems(Some(&file), &[]);
    assert!(
        found[0].starts_with(&format!("{}: languages.dir: ", file.display())),
        "{}",
        found[0]
    );
    assert!(found[0].contains("de.ftl: line 2"), "{}", found[0]);

    let found = problems(None, &[("AUTHRS_LANGUAGES_DEFAULT", "tlh")]);
    assert!(
        found[0].starts_with(
            "environment AUTHRS_LANGUAGES_DEFAULT: the default language tlh has no catalog (there are: en, de,"
        ),
        "{}",
        found[0]
    );
}

#[test]
fn short_secret_names_its_source_but_never_its_value() {
    let found = problems(None, &[("AUTHRS_SECRET", &*format!("{SECRET},tooshort"))]);
    assert_eq!(
        found,
        ["environment AUTHRS_SECRET: secret number 2 has 8 bytes; at least 32 are required"]
    );
    let dir = TempDir::new("config-secret");
    let file = dir.write("authrs.toml", "secret = \"hunter2\"\n");
    let found = problems(Some(&file), &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with(&format!(
        "{}: secret: secret number 1 has 7 bytes",
        file.display()
    )));
    assert!(!found[0].contains("hunter2"));
}

#[test]
fn secret_and_secrets_together_are_an_error() {
    let dir = TempDir::new("config-both");
    let file = dir.write(
        "authrs.toml",
        &format!("secret = \"{SECRET}\"\nsecrets = [\"{SECRET}\"]\n"),
    );
    let found = problems(Some(&file), &[]);
    assert_eq!(
        found,
        [format!(
            "{}: secrets: set either `secret` or `secrets`, not both",
            file.display()
        )]
    );
}

#[test]
fn wrong_types_and_bad_values_are_all_reported_at_once() {
    let dir = TempDir::new("config-many");
    let file = dir.write(
        "authrs.toml",
        "bind = \"nowhere\"\ntrust_host = \"yes\"\ncompatibility = \"v3\"\ntrusted_origins = \"https://a.example\"\n\
         session = 5\n[theme]\ncolor_scheme = \"sepia\"\nlogo = \"javascript:alert(1)\"\n[pages]\nsign_in = \"//evil.example\"\n",
    );
    let found = problems(Some(&file), &[]);
    let path = file.display();
    let expected = [
        format!("{path}: bind: invalid listen address \"nowhere\""),
        format!("{path}: compatibility: unknown compatibility \"v3\""),
        format!("{path}: session: expected a table ([session]), found integer"),
        format!("{path}: theme.color_scheme: unknown color scheme \"sepia\""),
        format!("{path}: theme.logo: invalid theme logo: \"javascript:alert(1)\""),
        format!("{path}: pages.sign_in: invalid page URL for sign_in: \"//evil.example\""),
        format!("{path}: trust_host: expected true or false, found string"),
        format!("{path}: trusted_origins: expected a list of strings, found string"),
    ];
    for line in &expected {
        assert!(
            found.iter().any(|f| f.starts_with(line.as_str())),
            "missing {line:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

#[test]
fn zero_max_age_names_its_source() {
    let found = problems(None, &[("AUTHRS_SESSION_MAX_AGE", "0")]);
    assert_eq!(
        found,
        [
            "environment AUTHRS_SESSION_MAX_AGE: invalid session.max_age: must be at least one second"
        ]
    );
}

#[test]
fn missing_or_malformed_file_is_an_error_naming_it() {
    let dir = TempDir::new("config-missing");
    let missing = dir.join("nope.toml");
    let found = problems(Some(&missing), &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with(&format!(
        "{}: cannot read the configuration file",
        missing.display()
    )));

    let broken = dir.write("broken.toml", "url = \"unterminated\n");
    let found = problems(Some(&broken), &[]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(&format!("{}: not valid TOML", broken.display())),
        "{}",
        found[0]
    );
    assert!(found[0].contains("line 1"), "{}", found[0]);
}

#[test]
fn check_reports_config_and_users_problems_together() {
    let dir = TempDir::new("config-check");
    dir.write(
        "users.toml",
        "[users.alice]\npassword = \"plain\"\n[users.bob]\nemail = \"b@example.com\"\n",
    );
    let file = dir.write(
        "authrs.toml",
        "url = \"ftp://x\"\n[session]\nstrategy = \"jwt\"\nupdate_age = \"soon\"\n[credentials]\nusers_file = \"users.toml\"\n",
    );
    let options = LoadOptions {
        config_file: ConfigFile::At(file.clone()),
        bind: None,
        database_url: None,
    };
    let report = authrs_server::check(
        &options,
        &Env::from_pairs([("AUTHRS_TRUST_HOST", "perhaps")]),
    );
    assert!(!report.is_ok());
    let found: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|f| f.contains("url: invalid base URL \"ftp://x\""))
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("session.update_age: invalid duration \"soon\""))
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("AUTHRS_TRUST_HOST: expected true or false, found \"perhaps\""))
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("users.alice.password: user \"alice\""))
    );
    assert!(
        found
            .iter()
            .any(|f| f.contains("users.bob: user \"bob\" has no password"))
    );
    let users_problem = report
        .problems
        .iter()
        .find(|p| p.message.contains("alice"))
        .unwrap();
    assert_eq!(
        users_problem.source,
        Some(Source::file_key(
            &dir.join("users.toml"),
            "users.alice.password"
        ))
    );
}

#[test]
fn users_file_with_database_sessions_is_a_problem_naming_both_settings() {
    let dir = TempDir::new("config-users-database");
    // The default strategy is `database`.
    let file = dir.write(
        "authrs.toml",
        "[credentials]\nusers_file = \"users.toml\"\n",
    );
    let found = problems(Some(&file), &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let expected = format!(
        "{}: credentials.users_file: a users file needs session.strategy = \"jwt\", but session.strategy is \"database\" (the default)",
        file.display()
    );
    assert!(found[0].starts_with(&expected), "{}", found[0]);
    assert!(found[0].contains("authrs user add"), "{}", found[0]);
    // Set explicitly, the message says where.
    let found = problems(
        None,
        &[
            ("AUTHRS_USERS_FILE", "users.toml"),
            ("AUTHRS_SESSION_STRATEGY", "database"),
        ],
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("environment AUTHRS_USERS_FILE: a users file needs session.strategy = \"jwt\", but session.strategy is \"database\" (set by environment AUTHRS_SESSION_STRATEGY)"),
        "{}",
        found[0]
    );
    // With JWT sessions it is accepted.
    let env = [
        ("AUTHRS_USERS_FILE", "users.toml"),
        ("AUTHRS_SESSION_STRATEGY", "jwt"),
    ];
    assert!(load(None, &env, None).is_ok());
}

#[test]
fn database_url_chooses_the_back_end_and_bad_ones_are_named_without_their_password() {
    let s = load(
        None,
        &[("AUTHRS_DATABASE_URL", "postgresql://u@localhost/authrs")],
        None,
    )
    .unwrap();
    assert_eq!(
        s.database_url().kind(),
        authrs_server::database::DatabaseKind::Postgres
    );
    assert!(!s.uses_default_database());
    let s = load(
        None,
        &[("AUTHRS_DATABASE_URL", "sqlite://var/authrs.db")],
        None,
    )
    .unwrap();
    // From the environment, a relative path stays relative to the working directory.
    assert_eq!(s.database_url().expose(), "sqlite://var/authrs.db");

    let found = problems(
        None,
        &[("AUTHRS_DATABASE_URL", "mysql://root:hunter2@db/authrs")],
    );
    assert_eq!(
        found,
        [
            "environment AUTHRS_DATABASE_URL: unsupported database URL \"mysql://***@db/authrs\": use sqlite://path/to/file.db or postgres://user:password@host:port/database"
        ]
    );
    let dir = TempDir::new("config-database-url");
    let file = dir.write(
        "authrs.toml",
        "database_url = \"postgres://u:hunter2@db:port/x\"\n",
    );
    let found = problems(Some(&file), &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "{}: database_url: invalid database URL \"postgres://***@db:port/x\"",
            file.display()
        )),
        "{}",
        found[0]
    );
    assert!(!found[0].contains("hunter2"), "{}", found[0]);
    // Debug output of the settings never shows it either.
    let s = load(
        None,
        &[("AUTHRS_DATABASE_URL", "postgres://u:hunter2@db/x")],
        None,
    )
    .unwrap();
    assert!(!format!("{s:?}").contains("hunter2"));
}

#[test]
fn database_url_flag_overrides_the_environment() {
    let options = LoadOptions {
        config_file: ConfigFile::Without,
        bind: None,
        database_url: Some("sqlite::memory:".into()),
    };
    let env = Env::from_pairs([("AUTHRS_DATABASE_URL", "postgres://u@h/db")]);
    let s = load_config(&options, &env).unwrap();
    assert_eq!(s.database_url().expose(), "sqlite::memory:");
    let options = LoadOptions {
        database_url: Some("redis://h".into()),
        ..options
    };
    let found = load_config(&options, &env).unwrap_err();
    assert!(
        found[0]
            .to_string()
            .starts_with("--database-url: unsupported database URL \"redis://h\""),
        "{}",
        found[0]
    );
}

#[test]
fn session_strategy_and_account_settings_are_checked_by_value() {
    let found = problems(
        None,
        &[
            ("AUTHRS_SESSION_STRATEGY", "cookie"),
            ("AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH", "6"),
            ("AUTHRS_ACCOUNTS_SIGN_UP", "sometimes"),
        ],
    );
    assert_eq!(
        found,
        [
            "environment AUTHRS_ACCOUNTS_MIN_PASSWORD_LENGTH: invalid accounts.min_password_length 6: use 8 to 1024 characters",
            "environment AUTHRS_ACCOUNTS_SIGN_UP: expected true or false, found \"sometimes\"",
            "environment AUTHRS_SESSION_STRATEGY: unknown session strategy \"cookie\": use \"database\" or \"jwt\"",
        ]
    );
    let dir = TempDir::new("config-accounts");
    let file = dir.write(
        "authrs.toml",
        "[accounts]\nmin_password_length = \"ten\"\nsign_up = 1\n",
    );
    let found = problems(Some(&file), &[]);
    let path = file.display();
    assert_eq!(
        found,
        [
            format!("{path}: accounts.min_password_length: expected a whole number, found string"),
            format!("{path}: accounts.sign_up: expected true or false, found integer"),
        ]
    );
}

#[test]
fn oauth_presets_come_from_the_environment_or_the_file() {
    let settings = load(
        None,
        &[
            ("AUTHRS_GITHUB_CLIENT_ID", "gh-id"),
            ("AUTHRS_GITHUB_CLIENT_SECRET", "gh-secret"),
            ("AUTHRS_MICROSOFT_ENTRA_ID_CLIENT_ID", "ms-id"),
            ("AUTHRS_MICROSOFT_ENTRA_ID_CLIENT_SECRET", "ms-secret"),
            (
                "AUTHRS_MICROSOFT_ENTRA_ID_ISSUER",
                "https://login.microsoftonline.com/tenant-1/v2.0",
            ),
        ],
        None,
    )
    .unwrap();
    let ids: Vec<&str> = settings.providers.keys().map(String::as_str).collect();
    assert_eq!(ids, ["github", "microsoft-entra-id"]);
    assert!(!format!("{settings:?}").contains("gh-secret"));

    let dir = TempDir::new("config-providers");
    let file = dir.write(
        "authrs.toml",
        "[providers.keycloak]\nclient_id = \"authrs\"\nclient_secret = \"kc\"\n\
         issuer = \"https://sso.example.com/realms/main\"\nallow_email_account_linking = true\n",
    );
    let settings = load(Some(&file), &[], None).unwrap();
    let (id, keycloak) = settings.providers.iter().next().unwrap();
    assert_eq!(id, "keycloak");
    assert!(keycloak.allow_email_account_linking);
}

#[test]
fn oauth_preset_problems_name_the_provider_and_the_missing_value() {
    let found = problems(None, &[("AUTHRS_GOOGLE_CLIENT_ID", "id-only")]);
    assert!(
        found
            .iter()
            .any(|p| p.contains("google") && p.contains("AUTHRS_GOOGLE_CLIENT_SECRET")),
        "{found:?}"
    );
    let found = problems(
        None,
        &[
            ("AUTHRS_KEYCLOAK_CLIENT_ID", "a"),
            ("AUTHRS_KEYCLOAK_CLIENT_SECRET", "b"),
        ],
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("keycloak") && p.contains("issuer")),
        "{found:?}"
    );
    let dir = TempDir::new("config-unknown-provider");
    let file = dir.write("authrs.toml", "[providers.myspace]\nclient_id = \"x\"\n");
    let found = problems(Some(&file), &[]);
    assert!(
        found
            .iter()
            .any(|p| p.contains("unknown provider \"myspace\"")),
        "{found:?}"
    );
    let found = problems(None, &[("AUTHRS_MYSPACE_CLIENT_ID", "x")]);
    assert!(
        found
            .iter()
            .any(|p| p.contains("unknown environment variable")),
        "{found:?}"
    );
}

#[test]
fn abuse_limits_are_settings_with_safe_defaults_checked_by_value() {
    let defaults = load(None, &[], None).unwrap();
    let throttle = defaults.limits.password_throttle();
    assert_eq!(throttle.per_account_and_network.map(|l| l.max), Some(5));
    assert_eq!(throttle.per_network.map(|l| l.max), Some(100));
    assert_eq!(throttle.per_account.map(|l| l.max), Some(50));
    assert_eq!(defaults.limits.sign_ups().map(|l| l.max), Some(10));
    assert_eq!(defaults.limits.memory_keys, 65_536);
    assert!(!defaults.accounts.allow_unverified_sign_in);

    let dir = TempDir::new("config-limits");
    let file = dir.write(
        "authrs.toml",
        "[limits]\npassword_per_account_and_network = 3\npassword_per_network = 0\n\
         memory_keys = 4096\n[accounts]\nallow_unverified_sign_in = true\n",
    );
    let s = load(
        Some(&file),
        &[("AUTHRS_LIMITS_PASSWORD_PER_ACCOUNT", "7")],
        None,
    )
    .unwrap();
    let throttle = s.limits.password_throttle();
    assert_eq!(throttle.per_account_and_network.map(|l| l.max), Some(3));
    assert_eq!(throttle.per_network, None, "0 turns a limit off");
    assert_eq!(throttle.per_account.map(|l| l.max), Some(7));
    assert_eq!(s.limits.memory_keys, 4096);
    assert!(s.accounts.allow_unverified_sign_in);

    let found = problems(
        None,
        &[
            ("AUTHRS_LIMITS_MEMORY_KEYS", "10"),
            ("AUTHRS_LIMITS_SIGN_UPS_PER_CLIENT", "many"),
        ],
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("AUTHRS_LIMITS_MEMORY_KEYS"), "{found:#?}");
    assert!(found[0].contains("1024 to 16777216"), "{found:#?}");
    assert!(
        found[1].contains("AUTHRS_LIMITS_SIGN_UPS_PER_CLIENT"),
        "{found:#?}"
    );
}

#[test]
fn check_warns_about_unverified_sign_in_and_unrevocable_jwt_with_sign_up() {
    let dir = TempDir::new("config-check-warnings");
    let file = dir.write(
        "authrs.toml",
        &format!(
            "secret = \"{SECRET}\"\ndata_dir = \"data\"\n[session]\nstrategy = \"jwt\"\n\
             [accounts]\nsign_up = true\nallow_unverified_sign_in = true\n"
        ),
    );
    let options = LoadOptions {
        config_file: ConfigFile::At(file),
        bind: None,
        database_url: None,
    };
    let report = authrs_server::check(
        &options,
        &Env::from_pairs(std::iter::empty::<(&str, &str)>()),
    );
    let notes = report.notes.join("\n");
    assert!(
        notes.contains("warning: accounts.allow_unverified_sign_in is on"),
        "{notes}"
    );
    assert!(
        notes.contains("warning: sign-up is open with JWT sessions that are not revocable"),
        "{notes}"
    );
}

#[test]
fn server_bounds_are_settings_with_safe_defaults_checked_by_value() {
    use std::time::Duration;
    let defaults = load(None, &[], None).unwrap();
    let server = defaults.server;
    assert_eq!(server.header_timeout, Duration::from_secs(10));
    assert_eq!(server.body_timeout, Duration::from_secs(10));
    assert_eq!(server.shutdown_grace, Duration::from_secs(10));
    assert_eq!(server.max_connections, 1024);
    assert_eq!(server.max_header_bytes, 65_536);
    assert!(!defaults.static_dotfiles);

    let dir = TempDir::new("config-server");
    let file = dir.write(
        "authrs.toml",
        "static_dotfiles = true\n[server]\nheader_timeout = \"5s\"\nmax_connections = 64\n\
         shutdown_grace = 0\n",
    );
    let s = load(
        Some(&file),
        &[("AUTHRS_SERVER_MAX_HEADER_BYTES", "16384")],
        None,
    )
    .unwrap();
    assert_eq!(s.server.header_timeout, Duration::from_secs(5));
    assert_eq!(s.server.max_connections, 64);
    assert_eq!(s.server.shutdown_grace, Duration::ZERO);
    assert_eq!(s.server.max_header_bytes, 16_384);
    assert!(s.static_dotfiles);

    let found = problems(
        None,
        &[
            ("AUTHRS_SERVER_BODY_TIMEOUT", "0"),
            ("AUTHRS_SERVER_MAX_HEADER_BYTES", "1024"),
        ],
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].contains("AUTHRS_SERVER_BODY_TIMEOUT"),
        "{found:#?}"
    );
    assert!(found[0].contains("1s to 1h"), "{found:#?}");
    assert!(found[1].contains("8192 to 1048576"), "{found:#?}");
}

#[test]
fn the_outbound_deadline_is_a_setting_of_ten_seconds_at_most_by_default() {
    use std::time::Duration;
    let defaults = load(None, &[], None).unwrap();
    assert_eq!(defaults.server.outbound_timeout, Duration::from_secs(10));
    let s = load(None, &[("AUTHRS_SERVER_OUTBOUND_TIMEOUT", "3s")], None).unwrap();
    assert_eq!(s.server.outbound_timeout, Duration::from_secs(3));
    let found = problems(None, &[("AUTHRS_SERVER_OUTBOUND_TIMEOUT", "5m")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("AUTHRS_SERVER_OUTBOUND_TIMEOUT"),
        "{found:#?}"
    );
    assert!(found[0].contains("1s to 60s"), "{found:#?}");
}

#[test]
fn every_problem_of_one_section_is_reported_not_only_the_first() {
    let dir = TempDir::new("config-one-section");
    let file = dir.write(
        "authrs.toml",
        "[email]\nsmpt_url = \"smtp://x\"\ntransport = \"pigeon\"\nmax_age = \"soon\"\ncodes = true\n",
    );
    let found = problems(Some(&file), &[]);
    let path = file.display();
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "{path}: email.codes: unknown key (expected one of: email.enabled, email.transport,"
        )),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with(&format!("{path}: email.max_age: invalid duration \"soon\"")),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with(&format!("{path}: email.smpt_url: unknown key")),
        "{found:#?}"
    );
    assert_eq!(
        found[3],
        format!(
            "{path}: email.transport: unknown email transport \"pigeon\": use \"log\", \"file\" or \"smtp\""
        )
    );
}

#[test]
fn durations_take_humantime_forms_and_sub_ranges_name_their_bounds() {
    let env = [
        ("AUTHRS_SESSION_MAX_AGE", "1h 30m"),
        ("AUTHRS_SESSION_UPDATE_AGE", "15min"),
        ("AUTHRS_EMAIL_MAX_AGE", "2hours"),
    ];
    let s = load(None, &env, None).unwrap();
    assert_eq!(s.session.max_age, Duration::from_secs(5400));
    assert_eq!(s.session.update_age, Duration::from_secs(900));
    assert_eq!(s.email.max_age, Duration::from_secs(7200));
    let found = problems(None, &[("AUTHRS_EMAIL_MAX_AGE", "30s")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("environment AUTHRS_EMAIL_MAX_AGE: provider \"email\": max_age"),
        "{found:#?}"
    );
    let s = load(None, &[("AUTHRS_TRUSTED_ORIGINS", "")], None).unwrap();
    assert!(s.trusted_origins.is_empty());
    let found = problems(None, &[("AUTHRS_SERVER_SHUTDOWN_GRACE", "2h")]);
    assert_eq!(
        found,
        ["environment AUTHRS_SERVER_SHUTDOWN_GRACE: 7200s is out of range: use 0s to 1h"]
    );
}

#[test]
fn an_smtp_url_alone_means_smtp_and_a_bad_one_is_named_without_its_password() {
    let s = load(
        None,
        &[("AUTHRS_EMAIL_SMTP_URL", "smtp://mail.example.com")],
        None,
    )
    .unwrap();
    assert_eq!(
        s.email.transport_kind(),
        authrs_server::mail::MailTransport::Smtp
    );
    let found = problems(
        None,
        &[(
            "AUTHRS_EMAIL_SMTP_URL",
            "smtp://u:hunter2@mail.example.com?tls=none",
        )],
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("environment AUTHRS_EMAIL_SMTP_URL: "),
        "{found:#?}"
    );
    assert!(!found[0].contains("hunter2"), "{found:#?}");
}
