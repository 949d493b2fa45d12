//! The [`Adapter`](authrs_core::adapter::Adapter) methods, written once for both back ends:
//! the SQL below runs unchanged on SQLite and PostgreSQL (`$n` parameters, `RETURNING`,
//! `ON CONFLICT`), and [`impl_adapter!`] implements the trait for a struct with a `pool` field
//! of either kind. Rows are decoded into tuples and turned into the core's types here.

use authrs_core::adapter::{
    AdapterAccount, AdapterError, AdapterSession, AdapterUser, Authenticator, MULTI_DEVICE,
    SessionDetails, SessionOrigin,
};
use authrs_core::audit::{AuditEvent, AuditKind};
use authrs_core::user::ProviderType;

use crate::time::DbTime;

/// `id, name, email, email_verified, image`.
pub(crate) type UserRow = (
    String,
    Option<String>,
    Option<String>,
    Option<DbTime>,
    Option<String>,
);

/// `session_token, user_id, expires`.
pub(crate) type SessionRow = (String, String, DbTime);

/// `session_token, expires, created_at, user_agent, client_network`.
pub(crate) type SessionDetailsRow = (
    String,
    DbTime,
    Option<DbTime>,
    Option<String>,
    Option<String>,
);

/// `credential_id, user_id, credential_public_key, counter, credential_device_type,
/// credential_backed_up, transports, user_handle, name, created_at, last_used_at`.
pub(crate) type AuthenticatorRow = (
    String,
    String,
    String,
    i64,
    String,
    bool,
    Option<String>,
    String,
    String,
    DbTime,
    Option<DbTime>,
);

pub(crate) fn authenticator_from_row(row: AuthenticatorRow) -> Authenticator {
    let (id, user_id, public_key, counter, device_type, backed_up, transports, handle, name) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let mut authenticator = Authenticator::new(
        id,
        user_id,
        public_key,
        u32::try_from(counter).unwrap_or(u32::MAX),
        device_type == MULTI_DEVICE,
        backed_up,
        transports,
        handle,
        name,
        row.9.0,
    );
    authenticator.last_used_at = row.10.map(|t| t.0);
    authenticator
}

pub(crate) fn session_details_from_row(row: SessionDetailsRow) -> SessionDetails {
    let (session_token, expires, created, user_agent, client_network) = row;
    let mut origin = SessionOrigin::default();
    origin.created = created.map(|t| t.0);
    origin.user_agent = user_agent;
    origin.client_network = client_network;
    SessionDetails::new(session_token, expires.0, origin)
}

/// `at, kind, user_id, provider, detail, client_network, user_agent`.
pub(crate) type AuditRow = (
    DbTime,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The event a row holds; `None` for a kind this version does not know.
pub(crate) fn audit_event_from_row(row: AuditRow) -> Option<AuditEvent> {
    let (at, kind, user_id, provider, detail, client_network, user_agent) = row;
    let mut event = AuditEvent::new(at.0, AuditKind::parse(&kind)?, None, None);
    event.user_id = user_id;
    event.provider = provider;
    event.detail = detail;
    event.client_network = client_network;
    event.user_agent = user_agent;
    Some(event)
}

/// A session row followed by its user's row.
pub(crate) type SessionUserRow = (
    String,
    String,
    DbTime,
    String,
    Option<String>,
    Option<String>,
    Option<DbTime>,
    Option<String>,
);

/// `user_id, type, provider, provider_account_id, refresh_token, access_token, expires_at,
/// token_type, scope, id_token, session_state`.
pub(crate) type AccountRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn user_from_row(row: UserRow) -> AdapterUser {
    let (id, name, email, email_verified, image) = row;
    AdapterUser {
        id,
        name,
        email,
        email_verified: email_verified.map(|t| t.0),
        image,
    }
}

pub(crate) fn session_from_row(row: SessionRow) -> AdapterSession {
    let (session_token, user_id, expires) = row;
    AdapterSession {
        session_token,
        user_id,
        expires: expires.0,
    }
}

pub(crate) fn session_and_user_from_row(row: SessionUserRow) -> (AdapterSession, AdapterUser) {
    let (token, user_id, expires, id, name, email, email_verified, image) = row;
    (
        session_from_row((token, user_id, expires)),
        user_from_row((id, name, email, email_verified, image)),
    )
}

/// The hot read of database sessions: the session with `session_token` and its user, on any
/// connection or pool of either back end.
pub(crate) async fn fetch_session_and_user<'c, DB, E>(
    executor: E,
    session_token: &str,
) -> Result<Option<SessionUserRow>, sqlx::Error>
where
    DB: sqlx::Database,
    E: sqlx::Executor<'c, Database = DB>,
    SessionUserRow: for<'r> sqlx::FromRow<'r, DB::Row>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DB::Arguments: sqlx::IntoArguments<DB>,
{
    sqlx::query_as(sql::GET_SESSION_AND_USER)
        .bind(session_token)
        .fetch_optional(executor)
        .await
}

pub(crate) fn account_from_row(row: AccountRow) -> Result<AdapterAccount, AdapterError> {
    let (
        user_id,
        provider_type,
        provider,
        provider_account_id,
        refresh_token,
        access_token,
        expires_at,
        token_type,
        scope,
        id_token,
        session_state,
    ) = row;
    Ok(AdapterAccount {
        user_id,
        provider_type: ProviderType::parse(&provider_type).ok_or_else(|| {
            AdapterError::Backend(format!(
                "unknown account type {provider_type:?} in accounts"
            ))
        })?,
        provider,
        provider_account_id,
        refresh_token,
        access_token,
        expires_at,
        token_type,
        scope,
        id_token,
        session_state,
    })
}

/// The statements, shared by both back ends.
pub(crate) mod sql {
    pub(crate) const CREATE_USER: &str = "INSERT INTO users (id, name, email, email_verified, image, password_hash) VALUES ($1, $2, $3, $4, $5, $6)";
    pub(crate) const GET_USER: &str =
        "SELECT id, name, email, email_verified, image FROM users WHERE id = $1";
    pub(crate) const GET_USER_BY_EMAIL: &str =
        "SELECT id, name, email, email_verified, image FROM users WHERE email = $1";
    pub(crate) const GET_USER_BY_ACCOUNT: &str = "SELECT u.id, u.name, u.email, u.email_verified, u.image \
         FROM accounts a JOIN users u ON u.id = a.user_id \
         WHERE a.provider = $1 AND a.provider_account_id = $2";
    pub(crate) const UPDATE_USER: &str = "UPDATE users SET name = $2, email = $3, email_verified = $4, image = $5 \
         WHERE id = $1 RETURNING id, name, email, email_verified, image";
    /// Accounts and sessions go with the user through `ON DELETE CASCADE`, in the statement's
    /// own transaction; the password hash and the valid-after stamp are columns of the row.
    pub(crate) const DELETE_USER: &str = "DELETE FROM users WHERE id = $1";
    pub(crate) const LINK_ACCOUNT: &str = "INSERT INTO accounts (user_id, type, provider, provider_account_id, refresh_token, \
         access_token, expires_at, token_type, scope, id_token, session_state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    pub(crate) const UPDATE_ACCOUNT: &str = "UPDATE accounts SET refresh_token = $3, access_token = $4, expires_at = $5, \
         token_type = $6, scope = $7, id_token = $8, session_state = $9 \
         WHERE provider = $1 AND provider_account_id = $2";
    pub(crate) const UNLINK_ACCOUNT: &str =
        "DELETE FROM accounts WHERE provider = $1 AND provider_account_id = $2";
    pub(crate) const LIST_ACCOUNTS: &str = "SELECT user_id, type, provider, provider_account_id, refresh_token, access_token, \
         expires_at, token_type, scope, id_token, session_state \
         FROM accounts WHERE user_id = $1";
    pub(crate) const CREATE_SESSION: &str =
        "INSERT INTO sessions (session_token, user_id, expires) VALUES ($1, $2, $3)";
    pub(crate) const CREATE_SESSION_FROM: &str = "INSERT INTO sessions \
         (session_token, user_id, expires, created_at, user_agent, client_network) \
         VALUES ($1, $2, $3, $4, $5, $6)";
    pub(crate) const LIST_USER_SESSIONS: &str = "SELECT session_token, expires, created_at, \
         user_agent, client_network FROM sessions WHERE user_id = $1 \
         ORDER BY expires DESC, session_token DESC LIMIT $2";
    pub(crate) const DELETE_USER_SESSIONS_EXCEPT: &str =
        "DELETE FROM sessions WHERE user_id = $1 AND session_token <> $2";
    pub(crate) const UPDATE_USER_PROFILE: &str =
        "UPDATE users SET name = $2, image = $3 WHERE id = $1";
    pub(crate) const GET_SESSION_AND_USER: &str = "SELECT s.session_token, s.user_id, s.expires, u.id, u.name, u.email, u.email_verified, u.image \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_token = $1";
    pub(crate) const UPDATE_SESSION_EXPIRY: &str = "UPDATE sessions SET expires = $2 WHERE session_token = $1 \
         RETURNING session_token, user_id, expires";
    pub(crate) const DELETE_SESSION: &str =
        "DELETE FROM sessions WHERE session_token = $1 RETURNING session_token, user_id, expires";
    pub(crate) const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";
    pub(crate) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires <= $1";
    pub(crate) const DELETE_EXPIRED_TOKENS: &str =
        "DELETE FROM verification_tokens WHERE expires <= $1";
    /// Storing the same identifier and hash twice keeps one row with the later expiry, as
    /// the in-memory adapter does.
    pub(crate) const CREATE_VERIFICATION_TOKEN: &str = "INSERT INTO verification_tokens (identifier, token_hash, expires) VALUES ($1, $2, $3) \
         ON CONFLICT (identifier, token_hash) DO UPDATE SET expires = excluded.expires";
    /// One statement: of concurrent callers exactly one deletes the row and gets it back.
    pub(crate) const USE_VERIFICATION_TOKEN: &str = "DELETE FROM verification_tokens WHERE identifier = $1 AND token_hash = $2 \
         RETURNING identifier, token_hash, expires";
    pub(crate) const FIND_VERIFICATION_TOKEN: &str = "SELECT identifier, token_hash, expires \
         FROM verification_tokens WHERE identifier = $1 AND token_hash = $2";
    pub(crate) const DELETE_VERIFICATION_TOKENS: &str =
        "DELETE FROM verification_tokens WHERE identifier = $1";
    pub(crate) const GET_PASSWORD_HASH: &str = "SELECT password_hash FROM users WHERE id = $1";
    pub(crate) const SET_PASSWORD_HASH: &str = "UPDATE users SET password_hash = $2 WHERE id = $1";
    pub(crate) const GET_SESSIONS_VALID_AFTER: &str =
        "SELECT sessions_valid_after FROM users WHERE id = $1";
    pub(crate) const SET_SESSIONS_VALID_AFTER: &str =
        "UPDATE users SET sessions_valid_after = $2 WHERE id = $1";
    pub(crate) const RECORD_AUDIT_EVENT: &str = "INSERT INTO audit_events \
         (at, kind, failure, user_id, provider, detail, client_network, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    pub(crate) const LIST_AUDIT_EVENTS: &str = "SELECT at, kind, user_id, provider, detail, \
         client_network, user_agent FROM audit_events WHERE user_id = $1 \
         ORDER BY at DESC, id DESC LIMIT $2";
    pub(crate) const LIST_AUDIT_EVENTS_BY_FAILURE: &str = "SELECT at, kind, user_id, provider, \
         detail, client_network, user_agent FROM audit_events \
         WHERE user_id = $1 AND failure = $3 ORDER BY at DESC, id DESC LIMIT $2";
    /// One batch of the retention sweep: a short statement, so a big backlog never holds the
    /// write lock (SQLite) or runs into `statement_timeout` (PostgreSQL).
    pub(crate) const DELETE_AUDIT_EVENTS_BEFORE: &str = "DELETE FROM audit_events WHERE id IN \
         (SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT $2)";
    pub(crate) const GET_TWO_FACTOR: &str = "SELECT t.secret, t.enabled_at, t.last_step, \
         (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = t.user_id) \
         FROM two_factor t WHERE t.user_id = $1";
    pub(crate) const PUT_TWO_FACTOR: &str = "INSERT INTO two_factor \
         (user_id, secret, enabled_at, last_step) VALUES ($1, $2, $3, NULL) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
         enabled_at = excluded.enabled_at, last_step = NULL";
    pub(crate) const HAS_TWO_FACTOR: &str = "SELECT 1 FROM two_factor WHERE user_id = $1";
    pub(crate) const DELETE_RECOVERY_CODES: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
    pub(crate) const INSERT_RECOVERY_CODE: &str =
        "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    pub(crate) const DELETE_TWO_FACTOR: &str = "DELETE FROM two_factor WHERE user_id = $1";
    /// One statement: of concurrent callers with the same step exactly one moves it.
    pub(crate) const USE_TOTP_STEP: &str = "UPDATE two_factor SET last_step = $2 \
         WHERE user_id = $1 AND (last_step IS NULL OR last_step < $2)";
    pub(crate) const USE_RECOVERY_CODE: &str =
        "DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2";
    pub(crate) const CREATE_AUTHENTICATOR: &str = "INSERT INTO authenticators (credential_id, \
         user_id, credential_public_key, counter, credential_device_type, credential_backed_up, \
         transports, user_handle, name, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    pub(crate) const GET_AUTHENTICATOR: &str = "SELECT credential_id, user_id, \
         credential_public_key, counter, credential_device_type, credential_backed_up, \
         transports, user_handle, name, created_at, last_used_at \
         FROM authenticators WHERE credential_id = $1";
    pub(crate) const LIST_AUTHENTICATORS: &str = "SELECT credential_id, user_id, \
         credential_public_key, counter, credential_device_type, credential_backed_up, \
         transports, user_handle, name, created_at, last_used_at \
         FROM authenticators WHERE user_id = $1 ORDER BY created_at, credential_id";
    /// One statement: of concurrent callers with the same counter exactly one moves it.
    pub(crate) const USE_AUTHENTICATOR: &str = "UPDATE authenticators SET counter = $2, \
         credential_backed_up = $3, last_used_at = $4 WHERE credential_id = $1 \
         AND (counter < $2 OR (counter = 0 AND $2 = 0))";
    pub(crate) const RENAME_AUTHENTICATOR: &str =
        "UPDATE authenticators SET name = $3 WHERE user_id = $1 AND credential_id = $2";
    pub(crate) const DELETE_AUTHENTICATOR: &str =
        "DELETE FROM authenticators WHERE user_id = $1 AND credential_id = $2";
    /// Rows per batch of [`DELETE_AUDIT_EVENTS_BEFORE`].
    pub(crate) const AUDIT_SWEEP_BATCH: i64 = 5_000;
}

/// Implements [`Adapter`](authrs_core::adapter::Adapter) for `$adapter`, a struct whose `pool`
/// field is an `sqlx::Pool` of either back end and which has `fn saw(&self, &sqlx::Error)`, told
/// of every failed statement, and `async fn prune_change_log(&self)`, run after the expiry
/// sweep; `$database` is its pool's `sqlx::Database` (for the transactions of the helpers). The
/// bodies are the same for both; the pool's type picks the driver.
macro_rules! impl_adapter {
    ($adapter:ty, $database:ty) => {
        // An anonymous const gives the impl its own imports.
        const _: () = {
            use authrs_core::adapter::{
                Adapter, AdapterAccount, AdapterError, AdapterSession, AdapterUser, Authenticator,
                AuthenticatorUse, NewUser, SessionDetails, SessionOrigin, Timestamp,
                TwoFactorRecord, VerificationToken,
            };
            use authrs_core::audit::{AuditEvent, AuditFilter};
            use $crate::adapter::{
                AccountRow, AuditRow, AuthenticatorRow, SessionDetailsRow, SessionRow, UserRow,
                account_from_row, audit_event_from_row, authenticator_from_row,
                session_and_user_from_row, session_details_from_row, session_from_row, sql,
                user_from_row,
            };
            use $crate::error::{backend_error, constraint_error};
            use $crate::time::DbTime;

            impl $adapter {
                /// [`backend_error`], once the adapter has seen the error.
                fn fail(&self, error: sqlx::Error) -> AdapterError {
                    self.saw(&error);
                    backend_error(error)
                }

                /// [`constraint_error`], once the adapter has seen the error.
                fn fail_constraint(
                    &self,
                    error: sqlx::Error,
                    on_unique: AdapterError,
                ) -> AdapterError {
                    self.saw(&error);
                    constraint_error(error, on_unique)
                }

                /// Runs a statement that takes (identifier, token hash) and returns the row.
                async fn verification_token_query(
                    &self,
                    statement: &'static str,
                    identifier: &str,
                    token_hash: &str,
                ) -> Result<Option<VerificationToken>, AdapterError> {
                    let row: Option<(String, String, DbTime)> = sqlx::query_as(statement)
                        .bind(identifier)
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(
                        row.map(|(identifier, token_hash, expires)| VerificationToken {
                            identifier,
                            token_hash,
                            expires: expires.0,
                        }),
                    )
                }
            }

            impl $adapter {
                /// Replaces the user's recovery codes with `hashes`, inside `tx`.
                async fn put_recovery_codes(
                    &self,
                    tx: &mut sqlx::Transaction<'_, $database>,
                    user_id: &str,
                    hashes: &[String],
                ) -> Result<(), AdapterError> {
                    sqlx::query(sql::DELETE_RECOVERY_CODES)
                        .bind(user_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    for hash in hashes {
                        sqlx::query(sql::INSERT_RECOVERY_CODE)
                            .bind(user_id)
                            .bind(hash)
                            .execute(&mut **tx)
                            .await
                            .map_err(|e| self.fail(e))?;
                    }
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl Adapter for $adapter {
                async fn create_user(&self, user: NewUser) -> Result<AdapterUser, AdapterError> {
                    let id = uuid::Uuid::new_v4().to_string();
                    sqlx::query(sql::CREATE_USER)
                        .bind(&id)
                        .bind(&user.name)
                        .bind(&user.email)
                        .bind(user.email_verified.map(DbTime))
                        .bind(&user.image)
                        .bind(&user.password_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateEmail))?;
                    Ok(AdapterUser {
                        id,
                        name: user.name,
                        email: user.email,
                        email_verified: user.email_verified,
                        image: user.image,
                    })
                }

                async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>, AdapterError> {
                    let row: Option<UserRow> = sqlx::query_as(sql::GET_USER)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(user_from_row))
                }

                async fn get_user_by_email(
                    &self,
                    email: &str,
                ) -> Result<Option<AdapterUser>, AdapterError> {
                    let row: Option<UserRow> = sqlx::query_as(sql::GET_USER_BY_EMAIL)
                        .bind(email)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(user_from_row))
                }

                async fn get_user_by_account(
                    &self,
                    provider: &str,
                    provider_account_id: &str,
                ) -> Result<Option<AdapterUser>, AdapterError> {
                    let row: Option<UserRow> = sqlx::query_as(sql::GET_USER_BY_ACCOUNT)
                        .bind(provider)
                        .bind(provider_account_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(user_from_row))
                }

                async fn update_user(
                    &self,
                    user: AdapterUser,
                ) -> Result<AdapterUser, AdapterError> {
                    let row: Option<UserRow> = sqlx::query_as(sql::UPDATE_USER)
                        .bind(&user.id)
                        .bind(&user.name)
                        .bind(&user.email)
                        .bind(user.email_verified.map(DbTime))
                        .bind(&user.image)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateEmail))?;
                    row.map(user_from_row).ok_or(AdapterError::UserNotFound)
                }

                async fn delete_user(&self, id: &str) -> Result<(), AdapterError> {
                    sqlx::query(sql::DELETE_USER)
                        .bind(id)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(())
                }

                async fn link_account(&self, account: AdapterAccount) -> Result<(), AdapterError> {
                    sqlx::query(sql::LINK_ACCOUNT)
                        .bind(&account.user_id)
                        .bind(account.provider_type.as_str())
                        .bind(&account.provider)
                        .bind(&account.provider_account_id)
                        .bind(&account.refresh_token)
                        .bind(&account.access_token)
                        .bind(account.expires_at)
                        .bind(&account.token_type)
                        .bind(&account.scope)
                        .bind(&account.id_token)
                        .bind(&account.session_state)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateAccount))?;
                    Ok(())
                }

                async fn update_account(
                    &self,
                    account: AdapterAccount,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::UPDATE_ACCOUNT)
                        .bind(&account.provider)
                        .bind(&account.provider_account_id)
                        .bind(&account.refresh_token)
                        .bind(&account.access_token)
                        .bind(account.expires_at)
                        .bind(&account.token_type)
                        .bind(&account.scope)
                        .bind(&account.id_token)
                        .bind(&account.session_state)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn unlink_account(
                    &self,
                    provider: &str,
                    provider_account_id: &str,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::UNLINK_ACCOUNT)
                        .bind(provider)
                        .bind(provider_account_id)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn list_accounts(
                    &self,
                    user_id: &str,
                ) -> Result<Vec<AdapterAccount>, AdapterError> {
                    let rows: Vec<AccountRow> = sqlx::query_as(sql::LIST_ACCOUNTS)
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    let mut accounts = rows
                        .into_iter()
                        .map(account_from_row)
                        .collect::<Result<Vec<_>, _>>()?;
                    // Sorted here rather than by ORDER BY: byte order, whatever the database's
                    // collation, the same as the in-memory adapter.
                    accounts.sort_by(|a, b| {
                        (&a.provider, &a.provider_account_id)
                            .cmp(&(&b.provider, &b.provider_account_id))
                    });
                    Ok(accounts)
                }

                async fn create_session(
                    &self,
                    session: AdapterSession,
                ) -> Result<(), AdapterError> {
                    sqlx::query(sql::CREATE_SESSION)
                        .bind(&session.session_token)
                        .bind(&session.user_id)
                        .bind(DbTime(session.expires))
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateSession))?;
                    Ok(())
                }

                async fn create_session_from(
                    &self,
                    session: AdapterSession,
                    origin: &SessionOrigin,
                ) -> Result<(), AdapterError> {
                    sqlx::query(sql::CREATE_SESSION_FROM)
                        .bind(&session.session_token)
                        .bind(&session.user_id)
                        .bind(DbTime(session.expires))
                        .bind(origin.created.map(DbTime))
                        .bind(&origin.user_agent)
                        .bind(&origin.client_network)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateSession))?;
                    Ok(())
                }

                async fn list_user_sessions(
                    &self,
                    user_id: &str,
                    limit: usize,
                ) -> Result<Vec<SessionDetails>, AdapterError> {
                    let rows: Vec<SessionDetailsRow> = sqlx::query_as(sql::LIST_USER_SESSIONS)
                        .bind(user_id)
                        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(rows.into_iter().map(session_details_from_row).collect())
                }

                async fn get_session_and_user(
                    &self,
                    session_token: &str,
                ) -> Result<Option<(AdapterSession, AdapterUser)>, AdapterError> {
                    self.read_session_and_user(session_token)
                        .await
                        .map(|row| row.map(session_and_user_from_row))
                        .map_err(|e| self.fail(e))
                }

                async fn update_session_expiry(
                    &self,
                    session_token: &str,
                    expires: Timestamp,
                ) -> Result<Option<AdapterSession>, AdapterError> {
                    let row: Option<SessionRow> = sqlx::query_as(sql::UPDATE_SESSION_EXPIRY)
                        .bind(session_token)
                        .bind(DbTime(expires))
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(session_from_row))
                }

                async fn delete_session(
                    &self,
                    session_token: &str,
                ) -> Result<Option<AdapterSession>, AdapterError> {
                    let row: Option<SessionRow> = sqlx::query_as(sql::DELETE_SESSION)
                        .bind(session_token)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(session_from_row))
                }

                async fn delete_user_with_tokens(
                    &self,
                    id: &str,
                    identifiers: &[String],
                ) -> Result<(), AdapterError> {
                    let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
                    for identifier in identifiers {
                        sqlx::query(sql::DELETE_VERIFICATION_TOKENS)
                            .bind(identifier)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| self.fail(e))?;
                    }
                    sqlx::query(sql::DELETE_USER)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    tx.commit().await.map_err(|e| self.fail(e))?;
                    Ok(())
                }

                async fn delete_user_sessions_except(
                    &self,
                    user_id: &str,
                    keep: &str,
                ) -> Result<u64, AdapterError> {
                    let done = sqlx::query(sql::DELETE_USER_SESSIONS_EXCEPT)
                        .bind(user_id)
                        .bind(keep)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected())
                }

                async fn update_user_profile(
                    &self,
                    id: &str,
                    name: Option<&str>,
                    image: Option<&str>,
                ) -> Result<(), AdapterError> {
                    let done = sqlx::query(sql::UPDATE_USER_PROFILE)
                        .bind(id)
                        .bind(name)
                        .bind(image)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    if done.rows_affected() == 0 {
                        return Err(AdapterError::UserNotFound);
                    }
                    Ok(())
                }

                async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError> {
                    let done = sqlx::query(sql::DELETE_USER_SESSIONS)
                        .bind(user_id)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected())
                }

                async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
                    let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
                    let sessions = sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
                        .bind(DbTime(now))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    let tokens = sqlx::query(sql::DELETE_EXPIRED_TOKENS)
                        .bind(DbTime(now))
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    tx.commit().await.map_err(|e| self.fail(e))?;
                    self.prune_change_log().await;
                    Ok(sessions.rows_affected() + tokens.rows_affected())
                }

                async fn create_verification_token(
                    &self,
                    token: VerificationToken,
                ) -> Result<(), AdapterError> {
                    sqlx::query(sql::CREATE_VERIFICATION_TOKEN)
                        .bind(&token.identifier)
                        .bind(&token.token_hash)
                        .bind(DbTime(token.expires))
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(())
                }

                async fn use_verification_token(
                    &self,
                    identifier: &str,
                    token_hash: &str,
                ) -> Result<Option<VerificationToken>, AdapterError> {
                    self.verification_token_query(
                        sql::USE_VERIFICATION_TOKEN,
                        identifier,
                        token_hash,
                    )
                    .await
                }

                async fn find_verification_token(
                    &self,
                    identifier: &str,
                    token_hash: &str,
                ) -> Result<Option<VerificationToken>, AdapterError> {
                    self.verification_token_query(
                        sql::FIND_VERIFICATION_TOKEN,
                        identifier,
                        token_hash,
                    )
                    .await
                }

                async fn delete_verification_tokens(
                    &self,
                    identifier: &str,
                ) -> Result<u64, AdapterError> {
                    let done = sqlx::query(sql::DELETE_VERIFICATION_TOKENS)
                        .bind(identifier)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected())
                }

                async fn get_password_hash(
                    &self,
                    user_id: &str,
                ) -> Result<Option<String>, AdapterError> {
                    let hash: Option<Option<String>> = sqlx::query_scalar(sql::GET_PASSWORD_HASH)
                        .bind(user_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(hash.flatten())
                }

                async fn set_password_hash(
                    &self,
                    user_id: &str,
                    password_hash: Option<&str>,
                ) -> Result<(), AdapterError> {
                    let done = sqlx::query(sql::SET_PASSWORD_HASH)
                        .bind(user_id)
                        .bind(password_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    if done.rows_affected() == 0 {
                        return Err(AdapterError::UserNotFound);
                    }
                    Ok(())
                }

                async fn get_sessions_valid_after(
                    &self,
                    user_id: &str,
                ) -> Result<Option<Timestamp>, AdapterError> {
                    let at: Option<Option<DbTime>> =
                        sqlx::query_scalar(sql::GET_SESSIONS_VALID_AFTER)
                            .bind(user_id)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(|e| self.fail(e))?;
                    Ok(at.flatten().map(|t| t.0))
                }

                async fn set_sessions_valid_after(
                    &self,
                    user_id: &str,
                    at: Timestamp,
                ) -> Result<(), AdapterError> {
                    let done = sqlx::query(sql::SET_SESSIONS_VALID_AFTER)
                        .bind(user_id)
                        .bind(DbTime(at))
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    if done.rows_affected() == 0 {
                        return Err(AdapterError::UserNotFound);
                    }
                    Ok(())
                }

                async fn get_two_factor(
                    &self,
                    user_id: &str,
                ) -> Result<Option<TwoFactorRecord>, AdapterError> {
                    let row: Option<(String, DbTime, Option<i64>, i64)> =
                        sqlx::query_as(sql::GET_TWO_FACTOR)
                            .bind(user_id)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(|e| self.fail(e))?;
                    Ok(row.map(|(secret, enabled_at, last_step, left)| {
                        TwoFactorRecord::new(
                            secret,
                            enabled_at.0,
                            last_step.and_then(|step| u64::try_from(step).ok()),
                            usize::try_from(left).unwrap_or(0),
                        )
                    }))
                }

                async fn enable_two_factor(
                    &self,
                    user_id: &str,
                    secret: &str,
                    enabled_at: Timestamp,
                    recovery_code_hashes: &[String],
                ) -> Result<(), AdapterError> {
                    let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
                    sqlx::query(sql::PUT_TWO_FACTOR)
                        .bind(user_id)
                        .bind(secret)
                        .bind(DbTime(enabled_at))
                        .execute(&mut *tx)
                        .await
                        // A missing user is a foreign-key failure: `UserNotFound`.
                        .map_err(|e| self.fail_constraint(e, AdapterError::UserNotFound))?;
                    self.put_recovery_codes(&mut tx, user_id, recovery_code_hashes)
                        .await?;
                    tx.commit().await.map_err(|e| self.fail(e))?;
                    Ok(())
                }

                async fn replace_recovery_codes(
                    &self,
                    user_id: &str,
                    recovery_code_hashes: &[String],
                ) -> Result<bool, AdapterError> {
                    let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
                    let enrolled: Option<(i32,)> = sqlx::query_as(sql::HAS_TWO_FACTOR)
                        .bind(user_id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    if enrolled.is_none() {
                        return Ok(false);
                    }
                    self.put_recovery_codes(&mut tx, user_id, recovery_code_hashes)
                        .await?;
                    tx.commit().await.map_err(|e| self.fail(e))?;
                    Ok(true)
                }

                async fn disable_two_factor(&self, user_id: &str) -> Result<bool, AdapterError> {
                    let mut tx = self.pool.begin().await.map_err(|e| self.fail(e))?;
                    sqlx::query(sql::DELETE_RECOVERY_CODES)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    let done = sqlx::query(sql::DELETE_TWO_FACTOR)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| self.fail(e))?;
                    tx.commit().await.map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() > 0)
                }

                async fn use_totp_step(
                    &self,
                    user_id: &str,
                    step: u64,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::USE_TOTP_STEP)
                        .bind(user_id)
                        .bind(i64::try_from(step).unwrap_or(i64::MAX))
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() == 1)
                }

                async fn use_recovery_code(
                    &self,
                    user_id: &str,
                    code_hash: &str,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::USE_RECOVERY_CODE)
                        .bind(user_id)
                        .bind(code_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() == 1)
                }

                async fn record_audit_event(&self, event: &AuditEvent) -> Result<(), AdapterError> {
                    sqlx::query(sql::RECORD_AUDIT_EVENT)
                        .bind(DbTime(event.at))
                        .bind(event.kind.as_str())
                        .bind(event.kind.is_failure())
                        .bind(&event.user_id)
                        .bind(&event.provider)
                        .bind(&event.detail)
                        .bind(&event.client_network)
                        .bind(&event.user_agent)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(())
                }

                async fn list_audit_events(
                    &self,
                    user_id: &str,
                    filter: AuditFilter,
                    limit: usize,
                ) -> Result<Vec<AuditEvent>, AdapterError> {
                    let failure = match filter {
                        AuditFilter::Failures => Some(true),
                        AuditFilter::NotFailures => Some(false),
                        _ => None,
                    };
                    let query = match failure {
                        Some(failure) => sqlx::query_as(sql::LIST_AUDIT_EVENTS_BY_FAILURE)
                            .bind(user_id)
                            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                            .bind(failure),
                        None => sqlx::query_as(sql::LIST_AUDIT_EVENTS)
                            .bind(user_id)
                            .bind(i64::try_from(limit).unwrap_or(i64::MAX)),
                    };
                    let rows: Vec<AuditRow> = query
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(rows.into_iter().filter_map(audit_event_from_row).collect())
                }

                async fn delete_audit_events_before(
                    &self,
                    before: Timestamp,
                ) -> Result<u64, AdapterError> {
                    let mut deleted = 0;
                    loop {
                        let done = sqlx::query(sql::DELETE_AUDIT_EVENTS_BEFORE)
                            .bind(DbTime(before))
                            .bind(sql::AUDIT_SWEEP_BATCH)
                            .execute(&self.pool)
                            .await
                            .map_err(|e| self.fail(e))?;
                        deleted += done.rows_affected();
                        if done.rows_affected() < sql::AUDIT_SWEEP_BATCH as u64 {
                            return Ok(deleted);
                        }
                    }
                }

                async fn create_authenticator(
                    &self,
                    authenticator: &Authenticator,
                ) -> Result<(), AdapterError> {
                    sqlx::query(sql::CREATE_AUTHENTICATOR)
                        .bind(&authenticator.credential_id)
                        .bind(&authenticator.user_id)
                        .bind(&authenticator.public_key)
                        .bind(i64::from(authenticator.counter))
                        .bind(&authenticator.device_type)
                        .bind(authenticator.backed_up)
                        .bind(&authenticator.transports)
                        .bind(&authenticator.user_handle)
                        .bind(&authenticator.name)
                        .bind(DbTime(authenticator.created_at))
                        .bind(authenticator.last_used_at.map(DbTime))
                        .execute(&self.pool)
                        .await
                        // A missing user is a foreign-key failure: `UserNotFound`.
                        .map_err(|e| self.fail_constraint(e, AdapterError::DuplicateAccount))?;
                    Ok(())
                }

                async fn get_authenticator(
                    &self,
                    credential_id: &str,
                ) -> Result<Option<Authenticator>, AdapterError> {
                    let row: Option<AuthenticatorRow> = sqlx::query_as(sql::GET_AUTHENTICATOR)
                        .bind(credential_id)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(row.map(authenticator_from_row))
                }

                async fn list_authenticators(
                    &self,
                    user_id: &str,
                ) -> Result<Vec<Authenticator>, AdapterError> {
                    let rows: Vec<AuthenticatorRow> = sqlx::query_as(sql::LIST_AUTHENTICATORS)
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(rows.into_iter().map(authenticator_from_row).collect())
                }

                async fn use_authenticator(
                    &self,
                    credential_id: &str,
                    used: AuthenticatorUse,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::USE_AUTHENTICATOR)
                        .bind(credential_id)
                        .bind(i64::from(used.counter))
                        .bind(used.backed_up)
                        .bind(DbTime(used.at))
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() == 1)
                }

                async fn rename_authenticator(
                    &self,
                    user_id: &str,
                    credential_id: &str,
                    name: &str,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::RENAME_AUTHENTICATOR)
                        .bind(user_id)
                        .bind(credential_id)
                        .bind(name)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() == 1)
                }

                async fn delete_authenticator(
                    &self,
                    user_id: &str,
                    credential_id: &str,
                ) -> Result<bool, AdapterError> {
                    let done = sqlx::query(sql::DELETE_AUTHENTICATOR)
                        .bind(user_id)
                        .bind(credential_id)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| self.fail(e))?;
                    Ok(done.rows_affected() == 1)
                }
            }
        };
    };
}

pub(crate) use impl_adapter;
