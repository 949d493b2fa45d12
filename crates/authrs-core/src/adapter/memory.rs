//! [`MemoryAdapter`]: the adapter contract kept in process memory, for tests, examples and
//! single-process development. Nothing survives a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::{
    Adapter, AdapterAccount, AdapterError, AdapterSession, AdapterUser, AuditEvent, AuditFilter,
    Authenticator, AuthenticatorUse, NewUser, SessionDetails, SessionOrigin, Timestamp,
    TwoFactorRecord, VerificationToken,
};

#[derive(Default)]
struct State {
    users: HashMap<String, AdapterUser>,
    /// Keyed by (provider, provider account id).
    accounts: HashMap<(String, String), AdapterAccount>,
    /// Keyed by session token hash.
    sessions: HashMap<String, AdapterSession>,
    /// Where each session started, by token hash.
    origins: HashMap<String, SessionOrigin>,
    /// Keyed by (identifier, token hash).
    verification_tokens: HashMap<(String, String), VerificationToken>,
    passwords: HashMap<String, String>,
    valid_after: HashMap<String, Timestamp>,
    /// Security events, in the order they were stored.
    audit_events: Vec<AuditEvent>,
    /// Two-factor enrolments (the record's `recovery_codes_left` is not kept here), by user.
    two_factor: HashMap<String, TwoFactorRecord>,
    /// Recovery code hashes, by user.
    recovery_codes: HashMap<String, Vec<String>>,
    /// Passkeys, in the order they were stored.
    authenticators: Vec<Authenticator>,
}

impl State {
    /// Drops the origins of sessions that are gone.
    fn prune_origins(&mut self) {
        let sessions = &self.sessions;
        self.origins.retain(|token, _| sessions.contains_key(token));
    }

    fn email_taken(&self, email: Option<&str>, except_id: Option<&str>) -> bool {
        let Some(email) = email else { return false };
        self.users
            .values()
            .any(|u| u.email.as_deref() == Some(email) && Some(u.id.as_str()) != except_id)
    }

    fn require_user(&self, id: &str) -> Result<(), AdapterError> {
        if self.users.contains_key(id) {
            Ok(())
        } else {
            Err(AdapterError::UserNotFound)
        }
    }
}

/// An [`Adapter`] in memory. One mutex guards everything, so every call is atomic.
#[derive(Default)]
pub struct MemoryAdapter {
    state: Mutex<State>,
}

impl std::fmt::Debug for MemoryAdapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryAdapter").finish_non_exhaustive()
    }
}

impl MemoryAdapter {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters more than losing the store, so recover the guard.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Adapter for MemoryAdapter {
    async fn create_user(&self, user: NewUser) -> Result<AdapterUser, AdapterError> {
        let mut state = self.state();
        if state.email_taken(user.email.as_deref(), None) {
            return Err(AdapterError::DuplicateEmail);
        }
        let stored = AdapterUser {
            id: uuid::Uuid::new_v4().to_string(),
            name: user.name,
            email: user.email,
            email_verified: user.email_verified,
            image: user.image,
        };
        if let Some(hash) = user.password_hash {
            state.passwords.insert(stored.id.clone(), hash);
        }
        state.users.insert(stored.id.clone(), stored.clone());
        Ok(stored)
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>, AdapterError> {
        Ok(self.state().users.get(id).cloned())
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>, AdapterError> {
        Ok(self
            .state()
            .users
            .values()
            .find(|u| u.email.as_deref() == Some(email))
            .cloned())
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>, AdapterError> {
        let state = self.state();
        let key = (provider.to_owned(), provider_account_id.to_owned());
        Ok(state
            .accounts
            .get(&key)
            .and_then(|account| state.users.get(&account.user_id))
            .cloned())
    }

    async fn update_user(&self, user: AdapterUser) -> Result<AdapterUser, AdapterError> {
        let mut state = self.state();
        state.require_user(&user.id)?;
        if state.email_taken(user.email.as_deref(), Some(&user.id)) {
            return Err(AdapterError::DuplicateEmail);
        }
        state.users.insert(user.id.clone(), user.clone());
        Ok(user)
    }

    async fn update_user_profile(
        &self,
        id: &str,
        name: Option<&str>,
        image: Option<&str>,
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        let user = state.users.get_mut(id).ok_or(AdapterError::UserNotFound)?;
        user.name = name.map(str::to_owned);
        user.image = image.map(str::to_owned);
        Ok(())
    }

    async fn delete_user(&self, id: &str) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.users.remove(id);
        state.accounts.retain(|_, a| a.user_id != id);
        state.sessions.retain(|_, s| s.user_id != id);
        state.prune_origins();
        state.passwords.remove(id);
        state.valid_after.remove(id);
        state.two_factor.remove(id);
        state.recovery_codes.remove(id);
        state.authenticators.retain(|a| a.user_id != id);
        Ok(())
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(&account.user_id)?;
        let key = (
            account.provider.clone(),
            account.provider_account_id.clone(),
        );
        if state.accounts.contains_key(&key) {
            return Err(AdapterError::DuplicateAccount);
        }
        state.accounts.insert(key, account);
        Ok(())
    }

    async fn update_account(&self, account: AdapterAccount) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let key = (
            account.provider.clone(),
            account.provider_account_id.clone(),
        );
        match state.accounts.get_mut(&key) {
            Some(stored) => {
                let user_id = stored.user_id.clone();
                *stored = AdapterAccount { user_id, ..account };
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<bool, AdapterError> {
        let key = (provider.to_owned(), provider_account_id.to_owned());
        Ok(self.state().accounts.remove(&key).is_some())
    }

    async fn list_accounts(&self, user_id: &str) -> Result<Vec<AdapterAccount>, AdapterError> {
        let mut accounts: Vec<AdapterAccount> = self
            .state()
            .accounts
            .values()
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect();
        accounts.sort_by(|a, b| {
            (&a.provider, &a.provider_account_id).cmp(&(&b.provider, &b.provider_account_id))
        });
        Ok(accounts)
    }

    async fn create_session(&self, session: AdapterSession) -> Result<(), AdapterError> {
        self.create_session_from(session, &SessionOrigin::default())
            .await
    }

    async fn create_session_from(
        &self,
        session: AdapterSession,
        origin: &SessionOrigin,
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(&session.user_id)?;
        if state.sessions.contains_key(&session.session_token) {
            return Err(AdapterError::DuplicateSession);
        }
        state
            .origins
            .insert(session.session_token.clone(), origin.clone());
        state
            .sessions
            .insert(session.session_token.clone(), session);
        Ok(())
    }

    async fn list_user_sessions(
        &self,
        user_id: &str,
        limit: usize,
    ) -> Result<Vec<SessionDetails>, AdapterError> {
        let state = self.state();
        let mut sessions: Vec<SessionDetails> = (state.sessions.values())
            .filter(|session| session.user_id == user_id)
            .map(|session| {
                let origin = state.origins.get(&session.session_token).cloned();
                SessionDetails::new(
                    session.session_token.clone(),
                    session.expires,
                    origin.unwrap_or_default(),
                )
            })
            .collect();
        sessions.sort_by(|a, b| (b.expires, &b.session_token).cmp(&(a.expires, &a.session_token)));
        sessions.truncate(limit);
        Ok(sessions)
    }

    async fn delete_user_sessions_except(
        &self,
        user_id: &str,
        keep: &str,
    ) -> Result<u64, AdapterError> {
        let mut state = self.state();
        let before = state.sessions.len();
        (state.sessions).retain(|token, s| s.user_id != user_id || token == keep);
        state.prune_origins();
        Ok((before - state.sessions.len()) as u64)
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>, AdapterError> {
        let state = self.state();
        Ok(state.sessions.get(session_token).and_then(|session| {
            state
                .users
                .get(&session.user_id)
                .map(|user| (session.clone(), user.clone()))
        }))
    }

    async fn update_session_expiry(
        &self,
        session_token: &str,
        expires: Timestamp,
    ) -> Result<Option<AdapterSession>, AdapterError> {
        let mut state = self.state();
        Ok(state.sessions.get_mut(session_token).map(|session| {
            session.expires = expires;
            session.clone()
        }))
    }

    async fn delete_session(
        &self,
        session_token: &str,
    ) -> Result<Option<AdapterSession>, AdapterError> {
        let mut state = self.state();
        state.origins.remove(session_token);
        Ok(state.sessions.remove(session_token))
    }

    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError> {
        let mut state = self.state();
        let before = state.sessions.len();
        state.sessions.retain(|_, s| s.user_id != user_id);
        state.prune_origins();
        Ok((before - state.sessions.len()) as u64)
    }

    async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
        let mut state = self.state();
        let before = state.sessions.len() + state.verification_tokens.len();
        state.sessions.retain(|_, s| s.expires > now);
        state.prune_origins();
        state.verification_tokens.retain(|_, t| t.expires > now);
        Ok((before - state.sessions.len() - state.verification_tokens.len()) as u64)
    }

    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<(), AdapterError> {
        let key = (token.identifier.clone(), token.token_hash.clone());
        self.state().verification_tokens.insert(key, token);
        Ok(())
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError> {
        let key = (identifier.to_owned(), token_hash.to_owned());
        Ok(self.state().verification_tokens.remove(&key))
    }

    async fn find_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError> {
        let key = (identifier.to_owned(), token_hash.to_owned());
        Ok(self.state().verification_tokens.get(&key).cloned())
    }

    async fn delete_verification_tokens(&self, identifier: &str) -> Result<u64, AdapterError> {
        let mut state = self.state();
        let before = state.verification_tokens.len();
        state
            .verification_tokens
            .retain(|(stored, _), _| stored != identifier);
        Ok((before - state.verification_tokens.len()) as u64)
    }

    async fn get_password_hash(&self, user_id: &str) -> Result<Option<String>, AdapterError> {
        Ok(self.state().passwords.get(user_id).cloned())
    }

    async fn set_password_hash(
        &self,
        user_id: &str,
        password_hash: Option<&str>,
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(user_id)?;
        match password_hash {
            Some(hash) => state.passwords.insert(user_id.to_owned(), hash.to_owned()),
            None => state.passwords.remove(user_id),
        };
        Ok(())
    }

    async fn get_sessions_valid_after(
        &self,
        user_id: &str,
    ) -> Result<Option<Timestamp>, AdapterError> {
        Ok(self.state().valid_after.get(user_id).copied())
    }

    async fn set_sessions_valid_after(
        &self,
        user_id: &str,
        at: Timestamp,
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(user_id)?;
        state.valid_after.insert(user_id.to_owned(), at);
        Ok(())
    }

    async fn record_audit_event(&self, event: &AuditEvent) -> Result<(), AdapterError> {
        self.state().audit_events.push(event.clone());
        Ok(())
    }

    async fn list_audit_events(
        &self,
        user_id: &str,
        filter: AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditEvent>, AdapterError> {
        let state = self.state();
        let mut events: Vec<AuditEvent> = (state.audit_events.iter().rev())
            .filter(|event| event.user_id.as_deref() == Some(user_id))
            .filter(|event| filter.admits(event.kind))
            .cloned()
            .collect();
        // Stable: among events of the same time, the later stored stays first.
        events.sort_by_key(|event| std::cmp::Reverse(event.at));
        events.truncate(limit);
        Ok(events)
    }

    async fn delete_audit_events_before(&self, before: Timestamp) -> Result<u64, AdapterError> {
        let mut state = self.state();
        let was = state.audit_events.len();
        state.audit_events.retain(|event| event.at >= before);
        Ok((was - state.audit_events.len()) as u64)
    }

    async fn get_two_factor(&self, user_id: &str) -> Result<Option<TwoFactorRecord>, AdapterError> {
        let state = self.state();
        Ok(state.two_factor.get(user_id).map(|record| {
            let left = state.recovery_codes.get(user_id).map_or(0, Vec::len);
            TwoFactorRecord {
                recovery_codes_left: left,
                ..record.clone()
            }
        }))
    }

    async fn enable_two_factor(
        &self,
        user_id: &str,
        secret: &str,
        enabled_at: Timestamp,
        recovery_code_hashes: &[String],
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(user_id)?;
        let record = TwoFactorRecord::new(secret.to_owned(), enabled_at, None, 0);
        state.two_factor.insert(user_id.to_owned(), record);
        state
            .recovery_codes
            .insert(user_id.to_owned(), recovery_code_hashes.to_vec());
        Ok(())
    }

    async fn replace_recovery_codes(
        &self,
        user_id: &str,
        recovery_code_hashes: &[String],
    ) -> Result<bool, AdapterError> {
        let mut state = self.state();
        if !state.two_factor.contains_key(user_id) {
            return Ok(false);
        }
        state
            .recovery_codes
            .insert(user_id.to_owned(), recovery_code_hashes.to_vec());
        Ok(true)
    }

    async fn disable_two_factor(&self, user_id: &str) -> Result<bool, AdapterError> {
        let mut state = self.state();
        state.recovery_codes.remove(user_id);
        Ok(state.two_factor.remove(user_id).is_some())
    }

    async fn use_totp_step(&self, user_id: &str, step: u64) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let Some(record) = state.two_factor.get_mut(user_id) else {
            return Ok(false);
        };
        if record.last_step.is_some_and(|last| last >= step) {
            return Ok(false);
        }
        record.last_step = Some(step);
        Ok(true)
    }

    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let Some(codes) = state.recovery_codes.get_mut(user_id) else {
            return Ok(false);
        };
        let before = codes.len();
        codes.retain(|stored| stored != code_hash);
        Ok(codes.len() < before)
    }

    async fn create_authenticator(
        &self,
        authenticator: &Authenticator,
    ) -> Result<(), AdapterError> {
        let mut state = self.state();
        state.require_user(&authenticator.user_id)?;
        if (state.authenticators.iter()).any(|a| a.credential_id == authenticator.credential_id) {
            return Err(AdapterError::DuplicateAccount);
        }
        state.authenticators.push(authenticator.clone());
        Ok(())
    }

    async fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> Result<Option<Authenticator>, AdapterError> {
        let state = self.state();
        Ok((state.authenticators.iter())
            .find(|a| a.credential_id == credential_id)
            .cloned())
    }

    async fn list_authenticators(&self, user_id: &str) -> Result<Vec<Authenticator>, AdapterError> {
        let state = self.state();
        Ok((state.authenticators.iter())
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect())
    }

    async fn use_authenticator(
        &self,
        credential_id: &str,
        used: AuthenticatorUse,
    ) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let found = (state.authenticators.iter_mut()).find(|a| a.credential_id == credential_id);
        let Some(stored) = found else {
            return Ok(false);
        };
        if used.counter <= stored.counter && !(used.counter == 0 && stored.counter == 0) {
            return Ok(false);
        }
        stored.counter = used.counter;
        stored.backed_up = used.backed_up;
        stored.last_used_at = Some(used.at);
        Ok(true)
    }

    async fn rename_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
        name: &str,
    ) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let found = (state.authenticators.iter_mut())
            .find(|a| a.user_id == user_id && a.credential_id == credential_id);
        let Some(stored) = found else {
            return Ok(false);
        };
        name.clone_into(&mut stored.name);
        Ok(true)
    }

    async fn delete_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<bool, AdapterError> {
        let mut state = self.state();
        let before = state.authenticators.len();
        (state.authenticators)
            .retain(|a| !(a.user_id == user_id && a.credential_id == credential_id));
        Ok(state.authenticators.len() < before)
    }
}
