//! [`SessionCache`] and [`CachedAdapter`]: database sessions read from memory, revoked
//! everywhere within a bound.
//!
//! [`CachedAdapter`] wraps an adapter and answers
//! [`Adapter::get_session_and_user`] from a [`SessionCache`] when it can. Every other call
//! goes to the adapter, and those that change a session or a user also drop what the cache
//! holds for it, so a write through this process is seen by its next read.
//!
//! Writes made elsewhere (another instance, an operator's command) reach the cache through a
//! **feed** ([`SessionCache::fed`]): something outside, such as `authrs-sqlx`'s PostgreSQL
//! `LISTEN`, calls [`SessionCache::invalidate_session`] and
//! [`SessionCache::invalidate_user`] as changes commit, and [`SessionCache::live_from`] each
//! time it has proven itself current. A fed cache serves nothing while its feed is not live,
//! so a feed that stops (a dropped connection, a network partition) stops the cache within
//! the period it last granted. A cache without a feed ([`SessionCache::unfed`]) bounds what
//! another process's write can miss by its entries' time to live.
//!
//! Rules:
//! 1. Keys are session token hashes, as the adapter's; the value is the row and its user as
//!    the adapter returned them. A hit is never another session's.
//! 2. Bounded: at most `capacity` entries; past it a fill replaces the oldest of its shard
//!    (16 shards, keys spread by a seeded hash). Each entry is served for at most `ttl` after
//!    it was read from the database.
//! 3. A read that raced a change is not stored: every invalidation moves a generation
//!    counter, and a result read before the move is not put in the cache.
//! 4. Expiry is the engine's: an expired row is served as the adapter would serve it, and
//!    the engine deletes it (which invalidates it).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hashlink::LinkedHashMap;

use super::{
    Adapter, AdapterAccount, AdapterError, AdapterSession, AdapterUser, NewUser, SessionDetails,
    SessionOrigin, Timestamp, VerificationToken,
};

/// Shards of the cache: each is a lock of its own, picked by the token hash.
const SHARDS: usize = 16;

/// A bounded, time-limited map from session token hash to the session and its user (see the
/// [module docs](self)).
#[derive(Debug)]
pub struct SessionCache {
    shards: Box<[RwLock<Shard>]>,
    /// Picks a token's shard: seeded per cache, so keys spread evenly whatever they are.
    hasher: RandomState,
    /// Entries in all shards together, at most `capacity`.
    len: AtomicUsize,
    capacity: usize,
    ttl: Duration,
    start: Instant,
    /// Milliseconds from `start` until which hits may be served; `u64::MAX` without a feed.
    live_until: AtomicU64,
    /// Moves on every invalidation (rule 3).
    generation: AtomicU64,
}

#[derive(Debug, Default)]
struct Shard {
    /// In fill order: the front is the oldest.
    entries: LinkedHashMap<String, Entry>,
    /// The token hashes of each user's entries in this shard.
    by_user: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
struct Entry {
    session: AdapterSession,
    user: AdapterUser,
    filled: Instant,
}

impl SessionCache {
    /// A cache that no feed keeps current: entries serve for `ttl` after they were read, so a
    /// change made outside this process is missed for at most that long.
    pub fn unfed(capacity: usize, ttl: Duration) -> Arc<Self> {
        Arc::new(Self::new(capacity, ttl, u64::MAX))
    }

    /// A cache kept current by a feed: it serves nothing until the feed calls
    /// [`Self::live_from`], and nothing once the period it granted has passed.
    pub fn fed(capacity: usize, ttl: Duration) -> Arc<Self> {
        Arc::new(Self::new(capacity, ttl, 0))
    }

    fn new(capacity: usize, ttl: Duration, live_until: u64) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
            hasher: RandomState::new(),
            len: AtomicUsize::new(0),
            capacity,
            ttl,
            start: Instant::now(),
            live_until: AtomicU64::new(live_until),
            generation: AtomicU64::new(0),
        }
    }

    /// The feed was current at `proof` (it had applied every change committed before then):
    /// hits may be served until `period` after it. Measured from the proof, not from when the
    /// feed got round to reporting it, so a feed that lags does not stretch the bound. When
    /// the cache was not live (never yet, lost, or quiet past its last period), every entry is
    /// dropped first: a change in the gap may have gone unheard.
    pub fn live_from(&self, proof: Instant, period: Duration) {
        let now = self.elapsed_ms();
        if now >= self.live_until.load(Ordering::Acquire) {
            self.flush();
        }
        let proof = duration_ms(proof.saturating_duration_since(self.start));
        let until = proof.saturating_add(duration_ms(period));
        self.live_until.store(until, Ordering::Release);
    }

    /// The feed is down: drops every entry, and serves nothing until [`Self::live_from`].
    pub fn feed_lost(&self) {
        self.live_until.store(0, Ordering::Release);
        self.flush();
    }

    /// Drops the entry of this session token hash, if any.
    pub fn invalidate_session(&self, token_hash: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let mut shard = self
            .shard(token_hash)
            .write()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = shard.entries.remove(token_hash) {
            shard.unindex(&entry.session.user_id, token_hash);
            self.len.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Drops every entry of this user (their sessions, and the user's details they carry).
    pub fn invalidate_user(&self, user_id: &str) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        for shard in &self.shards {
            let mut shard = shard.write().unwrap_or_else(|e| e.into_inner());
            if let Some(tokens) = shard.by_user.remove(user_id) {
                for token in tokens {
                    if shard.entries.remove(&token).is_some() {
                        self.len.fetch_sub(1, Ordering::AcqRel);
                    }
                }
            }
        }
    }

    /// Drops every entry.
    pub fn flush(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        for shard in &self.shards {
            let mut shard = shard.write().unwrap_or_else(|e| e.into_inner());
            self.len.fetch_sub(shard.entries.len(), Ordering::AcqRel);
            *shard = Shard::default();
        }
    }

    /// Whether hits may be served now: always without a feed; with one, while the period it
    /// last granted lasts.
    pub fn is_live(&self) -> bool {
        self.live_at(Instant::now())
    }

    fn live_at(&self, now: Instant) -> bool {
        duration_ms(now.saturating_duration_since(self.start))
            < self.live_until.load(Ordering::Acquire)
    }

    /// Whether a read of this session token hash would be answered from the cache now.
    pub fn serves(&self, token_hash: &str) -> bool {
        self.get(token_hash).is_some()
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, token_hash: &str) -> Option<(AdapterSession, AdapterUser)> {
        // One clock read for both checks.
        let now = Instant::now();
        if !self.live_at(now) {
            return None;
        }
        let shard = self
            .shard(token_hash)
            .read()
            .unwrap_or_else(|e| e.into_inner());
        let entry = shard.entries.get(token_hash)?;
        (now.saturating_duration_since(entry.filled) < self.ttl)
            .then(|| (entry.session.clone(), entry.user.clone()))
    }

    /// Stores what a database read that began at `read_at`, at `generation`, returned.
    fn insert(
        &self,
        generation: u64,
        read_at: Instant,
        session: &AdapterSession,
        user: &AdapterUser,
    ) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        let token = &session.session_token;
        let mut shard = self.shard(token).write().unwrap_or_else(|e| e.into_inner());
        // Under the shard's lock: an invalidation of this entry either moved the generation
        // before this check, or waits for the lock and removes what is put here.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if let Some(old) = shard.entries.remove(token) {
            // Replaced: the count stays.
            shard.unindex(&old.session.user_id, token);
        } else if self.len.load(Ordering::Acquire) >= self.capacity {
            // Full: this shard's oldest goes (with even shards, the whole cache's oldest
            // nearly). A shard with none to give skips the fill instead.
            let Some((old_token, old)) = shard.entries.pop_front() else {
                return;
            };
            shard.unindex(&old.session.user_id, &old_token);
        } else {
            self.len.fetch_add(1, Ordering::AcqRel);
        }
        shard.entries.insert(
            token.clone(),
            Entry {
                session: session.clone(),
                user: user.clone(),
                filled: read_at,
            },
        );
        shard
            .by_user
            .entry(session.user_id.clone())
            .or_default()
            .push(token.clone());
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn shard(&self, token_hash: &str) -> &RwLock<Shard> {
        let pick = self.hasher.hash_one(token_hash) as usize;
        &self.shards[pick % SHARDS]
    }

    fn elapsed_ms(&self) -> u64 {
        duration_ms(self.start.elapsed())
    }
}

impl Shard {
    fn unindex(&mut self, user_id: &str, token_hash: &str) {
        if let Some(tokens) = self.by_user.get_mut(user_id) {
            tokens.retain(|t| t != token_hash);
            if tokens.is_empty() {
                self.by_user.remove(user_id);
            }
        }
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// An [`Adapter`] whose session reads go through a [`SessionCache`] (see the
/// [module docs](self)).
#[derive(Debug, Clone)]
pub struct CachedAdapter<A: ?Sized = dyn Adapter> {
    inner: Arc<A>,
    cache: Arc<SessionCache>,
}

impl<A: Adapter + ?Sized> CachedAdapter<A> {
    /// `inner` with its session reads cached in `cache`.
    pub fn new(inner: Arc<A>, cache: Arc<SessionCache>) -> Self {
        Self { inner, cache }
    }

    /// The cache.
    pub fn cache(&self) -> &Arc<SessionCache> {
        &self.cache
    }
}

#[async_trait]
impl<A: Adapter + ?Sized> Adapter for CachedAdapter<A> {
    async fn create_user(&self, user: NewUser) -> Result<AdapterUser, AdapterError> {
        self.inner.create_user(user).await
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>, AdapterError> {
        self.inner.get_user(id).await
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>, AdapterError> {
        self.inner.get_user_by_email(email).await
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>, AdapterError> {
        self.inner
            .get_user_by_account(provider, provider_account_id)
            .await
    }

    async fn update_user(&self, user: AdapterUser) -> Result<AdapterUser, AdapterError> {
        let id = user.id.clone();
        let result = self.inner.update_user(user).await;
        self.cache.invalidate_user(&id);
        result
    }

    async fn delete_user(&self, id: &str) -> Result<(), AdapterError> {
        let result = self.inner.delete_user(id).await;
        self.cache.invalidate_user(id);
        result
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<(), AdapterError> {
        self.inner.link_account(account).await
    }

    async fn update_account(&self, account: AdapterAccount) -> Result<bool, AdapterError> {
        self.inner.update_account(account).await
    }

    async fn unlink_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<bool, AdapterError> {
        self.inner
            .unlink_account(provider, provider_account_id)
            .await
    }

    async fn list_accounts(&self, user_id: &str) -> Result<Vec<AdapterAccount>, AdapterError> {
        self.inner.list_accounts(user_id).await
    }

    async fn create_session(&self, session: AdapterSession) -> Result<(), AdapterError> {
        self.inner.create_session(session).await
    }

    async fn create_session_from(
        &self,
        session: AdapterSession,
        origin: &SessionOrigin,
    ) -> Result<(), AdapterError> {
        self.inner.create_session_from(session, origin).await
    }

    async fn delete_user_with_tokens(
        &self,
        id: &str,
        identifiers: &[String],
    ) -> Result<(), AdapterError> {
        let result = self.inner.delete_user_with_tokens(id, identifiers).await;
        self.cache.invalidate_user(id);
        result
    }

    async fn list_user_sessions(
        &self,
        user_id: &str,
        limit: usize,
    ) -> Result<Vec<SessionDetails>, AdapterError> {
        self.inner.list_user_sessions(user_id, limit).await
    }

    async fn delete_user_sessions_except(
        &self,
        user_id: &str,
        keep: &str,
    ) -> Result<u64, AdapterError> {
        let result = self.inner.delete_user_sessions_except(user_id, keep).await;
        self.cache.invalidate_user(user_id);
        result
    }

    async fn update_user_profile(
        &self,
        id: &str,
        name: Option<&str>,
        image: Option<&str>,
    ) -> Result<(), AdapterError> {
        let result = self.inner.update_user_profile(id, name, image).await;
        self.cache.invalidate_user(id);
        result
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>, AdapterError> {
        if let Some(hit) = self.cache.get(session_token) {
            return Ok(Some(hit));
        }
        let generation = self.cache.generation();
        let read_at = Instant::now();
        let found = self.inner.get_session_and_user(session_token).await?;
        if let Some((session, user)) = &found {
            self.cache.insert(generation, read_at, session, user);
        }
        Ok(found)
    }

    async fn update_session_expiry(
        &self,
        session_token: &str,
        expires: Timestamp,
    ) -> Result<Option<AdapterSession>, AdapterError> {
        let result = self
            .inner
            .update_session_expiry(session_token, expires)
            .await;
        self.cache.invalidate_session(session_token);
        result
    }

    async fn delete_session(
        &self,
        session_token: &str,
    ) -> Result<Option<AdapterSession>, AdapterError> {
        let result = self.inner.delete_session(session_token).await;
        self.cache.invalidate_session(session_token);
        result
    }

    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, AdapterError> {
        let result = self.inner.delete_user_sessions(user_id).await;
        self.cache.invalidate_user(user_id);
        result
    }

    async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
        // Expired entries are the engine's to refuse (rule 4).
        self.inner.delete_expired(now).await
    }

    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<(), AdapterError> {
        self.inner.create_verification_token(token).await
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError> {
        self.inner
            .use_verification_token(identifier, token_hash)
            .await
    }

    async fn find_verification_token(
        &self,
        identifier: &str,
        token_hash: &str,
    ) -> Result<Option<VerificationToken>, AdapterError> {
        self.inner
            .find_verification_token(identifier, token_hash)
            .await
    }

    async fn delete_verification_tokens(&self, identifier: &str) -> Result<u64, AdapterError> {
        self.inner.delete_verification_tokens(identifier).await
    }

    async fn get_password_hash(&self, user_id: &str) -> Result<Option<String>, AdapterError> {
        self.inner.get_password_hash(user_id).await
    }

    async fn set_password_hash(
        &self,
        user_id: &str,
        hash: Option<&str>,
    ) -> Result<(), AdapterError> {
        let result = self.inner.set_password_hash(user_id, hash).await;
        self.cache.invalidate_user(user_id);
        result
    }

    async fn get_sessions_valid_after(
        &self,
        user_id: &str,
    ) -> Result<Option<Timestamp>, AdapterError> {
        self.inner.get_sessions_valid_after(user_id).await
    }

    async fn set_sessions_valid_after(
        &self,
        user_id: &str,
        at: Timestamp,
    ) -> Result<(), AdapterError> {
        let result = self.inner.set_sessions_valid_after(user_id, at).await;
        self.cache.invalidate_user(user_id);
        result
    }

    async fn record_audit_event(&self, event: &super::AuditEvent) -> Result<(), AdapterError> {
        self.inner.record_audit_event(event).await
    }

    async fn list_audit_events(
        &self,
        user_id: &str,
        filter: super::AuditFilter,
        limit: usize,
    ) -> Result<Vec<super::AuditEvent>, AdapterError> {
        self.inner.list_audit_events(user_id, filter, limit).await
    }

    async fn delete_audit_events_before(&self, before: Timestamp) -> Result<u64, AdapterError> {
        self.inner.delete_audit_events_before(before).await
    }

    async fn get_two_factor(
        &self,
        user_id: &str,
    ) -> Result<Option<super::TwoFactorRecord>, AdapterError> {
        self.inner.get_two_factor(user_id).await
    }

    async fn enable_two_factor(
        &self,
        user_id: &str,
        secret: &str,
        enabled_at: Timestamp,
        recovery_code_hashes: &[String],
    ) -> Result<(), AdapterError> {
        (self.inner)
            .enable_two_factor(user_id, secret, enabled_at, recovery_code_hashes)
            .await
    }

    async fn replace_recovery_codes(
        &self,
        user_id: &str,
        recovery_code_hashes: &[String],
    ) -> Result<bool, AdapterError> {
        (self.inner)
            .replace_recovery_codes(user_id, recovery_code_hashes)
            .await
    }

    async fn disable_two_factor(&self, user_id: &str) -> Result<bool, AdapterError> {
        self.inner.disable_two_factor(user_id).await
    }

    async fn use_totp_step(&self, user_id: &str, step: u64) -> Result<bool, AdapterError> {
        self.inner.use_totp_step(user_id, step).await
    }

    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool, AdapterError> {
        self.inner.use_recovery_code(user_id, code_hash).await
    }

    async fn create_authenticator(
        &self,
        authenticator: &super::Authenticator,
    ) -> Result<(), AdapterError> {
        self.inner.create_authenticator(authenticator).await
    }

    async fn get_authenticator(
        &self,
        credential_id: &str,
    ) -> Result<Option<super::Authenticator>, AdapterError> {
        self.inner.get_authenticator(credential_id).await
    }

    async fn list_authenticators(
        &self,
        user_id: &str,
    ) -> Result<Vec<super::Authenticator>, AdapterError> {
        self.inner.list_authenticators(user_id).await
    }

    async fn use_authenticator(
        &self,
        credential_id: &str,
        used: super::AuthenticatorUse,
    ) -> Result<bool, AdapterError> {
        self.inner.use_authenticator(credential_id, used).await
    }

    async fn rename_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
        name: &str,
    ) -> Result<bool, AdapterError> {
        self.inner
            .rename_authenticator(user_id, credential_id, name)
            .await
    }

    async fn delete_authenticator(
        &self,
        user_id: &str,
        credential_id: &str,
    ) -> Result<bool, AdapterError> {
        self.inner
            .delete_authenticator(user_id, credential_id)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(token: &str, user: &str) -> AdapterSession {
        AdapterSession {
            session_token: token.to_owned(),
            user_id: user.to_owned(),
            expires: Timestamp::from_secs(2_000_000_000),
        }
    }

    fn user(id: &str) -> AdapterUser {
        AdapterUser {
            id: id.to_owned(),
            name: None,
            email: Some(format!("{id}@example.com")),
            email_verified: None,
            image: None,
        }
    }

    fn fill(cache: &SessionCache, token: &str, user_id: &str) {
        cache.insert(
            cache.generation(),
            Instant::now(),
            &session(token, user_id),
            &user(user_id),
        );
    }

    #[test]
    fn a_hit_is_the_sessions_own_and_invalidation_drops_it() {
        let cache = SessionCache::unfed(100, Duration::from_secs(60));
        fill(&cache, "t1", "ada");
        fill(&cache, "t2", "ada");
        fill(&cache, "t3", "bob");
        assert_eq!(cache.get("t1").unwrap().0.session_token, "t1");
        assert_eq!(cache.get("t3").unwrap().1.id, "bob");
        assert!(cache.get("t4").is_none());
        cache.invalidate_session("t1");
        assert!(cache.get("t1").is_none());
        assert!(cache.get("t2").is_some());
        cache.invalidate_user("ada");
        assert!(cache.get("t2").is_none());
        assert!(cache.get("t3").is_some());
        assert_eq!(cache.len(), 1);
        cache.flush();
        assert!(cache.is_empty());
    }

    #[test]
    fn a_read_that_raced_an_invalidation_is_not_stored() {
        let cache = SessionCache::unfed(100, Duration::from_secs(60));
        let before = cache.generation();
        cache.invalidate_user("someone else");
        cache.insert(before, Instant::now(), &session("t1", "ada"), &user("ada"));
        assert!(cache.get("t1").is_none());
    }

    #[test]
    fn capacity_and_time_to_live_bound_it() {
        let cache = SessionCache::unfed(32, Duration::from_secs(60));
        for i in 0..1000 {
            fill(&cache, &format!("{i:064x}"), &format!("user{}", i % 7));
        }
        assert_eq!(cache.len(), 32);
        let held: usize = cache
            .shards
            .iter()
            .map(|s| s.read().unwrap().entries.len())
            .sum();
        assert_eq!(held, 32);
        // The index holds no more than the entries.
        let indexed: usize = cache
            .shards
            .iter()
            .map(|s| {
                s.read()
                    .unwrap()
                    .by_user
                    .values()
                    .map(Vec::len)
                    .sum::<usize>()
            })
            .sum();
        assert_eq!(indexed, cache.len());

        let short = SessionCache::unfed(32, Duration::from_millis(30));
        fill(&short, "t1", "ada");
        assert!(short.get("t1").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(short.get("t1").is_none());
    }

    #[test]
    fn as_many_sessions_as_its_capacity_all_stay() {
        // Hex token hashes, as the engine's: however they fall on the shards, a cache of
        // 10,000 keeps 10,000 (a fixed share per shard would evict some, and a rotating read
        // of them all would then miss every time).
        let cache = SessionCache::unfed(10_000, Duration::from_secs(60));
        let tokens: Vec<String> = (0..10_000u64)
            .map(|i| format!("{:064x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
            .collect();
        for token in &tokens {
            fill(&cache, token, "ada");
        }
        assert_eq!(cache.len(), 10_000);
        assert!(tokens.iter().all(|t| cache.get(t).is_some()));
    }

    #[test]
    fn a_fed_cache_serves_only_while_its_feed_is_live() {
        let cache = SessionCache::fed(100, Duration::from_secs(60));
        fill(&cache, "t1", "ada");
        assert!(cache.get("t1").is_none(), "no proof yet");
        cache.live_from(Instant::now(), Duration::from_secs(60));
        assert!(cache.is_empty(), "going live drops what came before");
        fill(&cache, "t1", "ada");
        assert!(cache.get("t1").is_some());
        // A proof reported late grants from when it was made: one from the cache's start,
        // granting 10 ms, grants nothing 20 ms later, however recently it was reported.
        std::thread::sleep(Duration::from_millis(20));
        cache.live_from(cache.start, Duration::from_millis(10));
        assert!(cache.get("t1").is_none(), "the feed went quiet");
        // Live again: what was filled before the gap is gone, what is filled now serves.
        cache.live_from(Instant::now(), Duration::from_secs(60));
        assert!(
            cache.get("t1").is_none(),
            "a change in the gap may have gone unheard"
        );
        fill(&cache, "t1", "ada");
        assert!(cache.get("t1").is_some());
        cache.feed_lost();
        assert!(cache.is_empty());
        fill(&cache, "t1", "ada");
        assert!(cache.get("t1").is_none(), "lost until live again");
    }

    #[test]
    fn the_time_to_live_counts_from_the_read() {
        let cache = SessionCache::unfed(10, Duration::from_secs(60));
        let read_long_ago = Instant::now().checked_sub(Duration::from_secs(61));
        if let Some(read_at) = read_long_ago {
            cache.insert(
                cache.generation(),
                read_at,
                &session("t1", "ada"),
                &user("ada"),
            );
            assert!(cache.get("t1").is_none());
        }
        cache.insert(
            cache.generation(),
            Instant::now(),
            &session("t2", "ada"),
            &user("ada"),
        );
        assert!(cache.get("t2").is_some());
    }

    #[tokio::test]
    async fn writes_through_the_adapter_reach_its_next_read() {
        use crate::adapter::MemoryAdapter;
        let memory = Arc::new(MemoryAdapter::new());
        let cache = SessionCache::unfed(100, Duration::from_secs(60));
        let adapter = CachedAdapter::new(memory.clone() as Arc<dyn Adapter>, cache.clone());
        let ada = adapter.create_user(NewUser::default()).await.unwrap();
        let mut s = session("t1", &ada.id);
        adapter.create_session(s.clone()).await.unwrap();
        assert!(adapter.get_session_and_user("t1").await.unwrap().is_some());
        assert_eq!(cache.len(), 1);
        // Served from memory: a change behind the cache's back is not seen...
        memory.delete_session("t1").await.unwrap();
        assert!(adapter.get_session_and_user("t1").await.unwrap().is_some());
        // ...but one through it is.
        adapter.delete_session("t1").await.unwrap();
        assert!(adapter.get_session_and_user("t1").await.unwrap().is_none());

        s.session_token = "t2".to_owned();
        adapter.create_session(s).await.unwrap();
        adapter.get_session_and_user("t2").await.unwrap();
        let mut renamed = ada.clone();
        renamed.name = Some("Ada".to_owned());
        adapter.update_user(renamed).await.unwrap();
        let (_, read) = adapter.get_session_and_user("t2").await.unwrap().unwrap();
        assert_eq!(read.name.as_deref(), Some("Ada"));
        adapter.delete_user_sessions(&ada.id).await.unwrap();
        assert!(adapter.get_session_and_user("t2").await.unwrap().is_none());
    }
}
