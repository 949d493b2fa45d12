//! Rate limits: sliding-window counters behind one [`LimitStore`], keyed by a purpose and an
//! email address, an account or a client network, and the client address they key on.
//!
//! Rules:
//! 1. A limit allows `max` events per `window` for one key, counted over the window that ends
//!    now (a sliding log: no burst of twice the limit across a boundary). An event over the
//!    limit is refused and not counted, and the refusal says when the next one will be
//!    allowed.
//! 2. Check and count are one atomic step ([`LimitStore::hit`]): of any number of concurrent
//!    attempts, exactly `max` get through. Callers count an attempt *before* doing the work it
//!    guards, and take it back ([`LimitStore::undo`]) when it turns out to be a success, so a
//!    limit on failures cannot be raced.
//! 3. IPv6 clients are keyed on their /64 network (a host rotates its address inside it), and
//!    an IPv4-mapped IPv6 address is keyed as the IPv4 address it is (GHSA-p6v2-xcpg-h6xw).
//! 4. The client address is the TCP peer's. A forwarding header is used only when configured
//!    ([`crate::config::AuthBuilder::client_ip_header`]), and then only its last (rightmost)
//!    entry, the one the trusted proxy appended.
//! 5. Keys are SHA-256 digests of the purpose and the subject: a store holds no address, and
//!    every key has the same small size whatever a client sends.
//! 6. Memory is bounded: [`MemoryLimitStore`] holds at most a fixed number of keys and evicts
//!    the least recently used one in constant time when a new key arrives at the cap (no scan
//!    of the whole map, under a lock or otherwise). Each key keeps at most `max` timestamps.
//!    The price of the bound: a flood of more distinct keys than the cap between two uses of
//!    one counter forgets that counter. Shards are chosen with a random seed, so the flood
//!    must fill the whole store, and per-network limits make it need that many networks; a
//!    database store (PostgreSQL) forgets nothing.
//!
//! [`MemoryLimitStore`] counts per process. Several instances share their limits through a
//! store on their common database (`authrs_sqlx::PostgresLimitStore`).

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use hashlink::LruCache;
use http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::adapter::{AdapterError, Timestamp};

/// At most `max` events per `window` for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Events allowed in any window.
    pub max: u32,
    /// The window's length.
    pub window: Duration,
}

impl RateLimit {
    /// `max` events per `window`.
    pub const fn new(max: u32, window: Duration) -> Self {
        Self { max, window }
    }

    /// The window in milliseconds.
    pub fn window_ms(self) -> u64 {
        u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX)
    }
}

/// The client address of a request, put in the request's extensions by the server
/// integration (`authrs-axum` does, from the connection). Without it, per-client limits do not
/// apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The key of one counter: the SHA-256 of its purpose and subject (rule 5).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LimitKey([u8; 32]);

impl LimitKey {
    /// The key of `subject` (an address, a network, an account) for `purpose` (which counter).
    pub fn new(purpose: &str, subject: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(purpose.as_bytes());
        hasher.update([0]);
        hasher.update(subject.as_bytes());
        Self(hasher.finalize().into())
    }

    /// The digest, as stores keep it.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for LimitKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LimitKey({:02x}{:02x}{:02x}{:02x}…)",
            self.0[0], self.0[1], self.0[2], self.0[3]
        )
    }
}

/// A refused event: how long until one is allowed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// Whole seconds until the oldest counted event leaves the window (at least 1).
    pub retry_after_secs: u64,
}

impl Refused {
    /// The refusal for an event at `now_ms` whose oldest counted event is at `oldest_ms`.
    pub fn after(oldest_ms: Option<u64>, limit: RateLimit, now_ms: u64) -> Self {
        let window = limit.window_ms();
        let allowed_at =
            oldest_ms.map_or(now_ms.saturating_add(window), |t| t.saturating_add(window));
        Self {
            retry_after_secs: allowed_at.saturating_sub(now_ms).div_ceil(1000).max(1),
        }
    }
}

/// Where rate-limit counters live. Every method must be safe to call concurrently, from many
/// requests and (for a shared store) from several instances.
#[async_trait]
pub trait LimitStore: Send + Sync + 'static {
    /// Counts an event for `key` at `now` when fewer than `limit.max` are in the window that
    /// ends at `now`, or refuses it without counting it. Check and count are one atomic step.
    async fn hit(
        &self,
        key: &LimitKey,
        limit: RateLimit,
        now: Timestamp,
    ) -> Result<Result<(), Refused>, AdapterError>;

    /// How many events for `key` are in the `window` that ends at `now` (counts nothing).
    async fn count(
        &self,
        key: &LimitKey,
        window: Duration,
        now: Timestamp,
    ) -> Result<u32, AdapterError>;

    /// Takes back the newest event of `key` (an attempt that turned out to be a success).
    async fn undo(&self, key: &LimitKey) -> Result<(), AdapterError>;

    /// Forgets every event of `key`.
    async fn clear(&self, key: &LimitKey) -> Result<(), AdapterError>;

    /// Deletes counters whose events have all left their window at `now`; returns how many.
    /// A store bounded by other means (the memory store's cap) keeps this default.
    async fn delete_expired(&self, now: Timestamp) -> Result<u64, AdapterError> {
        let _ = now;
        Ok(0)
    }
}

/// An event a limit refused: when to try again, and which limit it was (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Throttled {
    pub(crate) retry_after_secs: u64,
    pub(crate) limit: &'static str,
}

/// Whether a limit let an event through.
pub(crate) type Verdict = Result<(), Throttled>;

/// The limits of one request: the store, the time and the client's network.
pub(crate) struct Limits<'a> {
    store: &'a dyn LimitStore,
    now: Timestamp,
    network: Option<String>,
}

impl<'a> Limits<'a> {
    pub(crate) fn new(store: &'a dyn LimitStore, now: Timestamp, client: Option<IpAddr>) -> Self {
        Self {
            store,
            now,
            network: client.map(network_key),
        }
    }

    /// The client's network key, when the client address is known.
    pub(crate) fn network(&self) -> Option<&str> {
        self.network.as_deref()
    }

    /// Counts an event of `purpose` for `subject` under `limit` (no limit: always allowed).
    pub(crate) async fn hit(
        &self,
        purpose: &str,
        subject: &str,
        limit: Option<RateLimit>,
        what: &'static str,
    ) -> Result<Verdict, AdapterError> {
        let Some(limit) = limit else {
            return Ok(Ok(()));
        };
        let key = LimitKey::new(purpose, subject);
        let verdict = self.store.hit(&key, limit, self.now).await?;
        Ok(verdict.map_err(|refused| Throttled {
            retry_after_secs: refused.retry_after_secs,
            limit: what,
        }))
    }

    /// [`Self::hit`] for the client's network (no client address: always allowed).
    pub(crate) async fn hit_client(
        &self,
        purpose: &str,
        limit: Option<RateLimit>,
        what: &'static str,
    ) -> Result<Verdict, AdapterError> {
        match &self.network {
            Some(network) => self.hit(purpose, network, limit, what).await,
            None => Ok(Ok(())),
        }
    }

    /// Counts an event against the client's network, then (when that allowed it) against
    /// `subject`: each limit as `(purpose, limit, what)`.
    #[cfg_attr(not(feature = "email"), allow(dead_code))]
    pub(crate) async fn hit_client_then(
        &self,
        client: (&str, Option<RateLimit>, &'static str),
        subject_limit: (&str, Option<RateLimit>, &'static str),
        subject: &str,
    ) -> Result<Verdict, AdapterError> {
        let (purpose, limit, what) = client;
        let by_client = self.hit_client(purpose, limit, what).await?;
        if by_client.is_err() {
            return Ok(by_client);
        }
        let (purpose, limit, what) = subject_limit;
        self.hit(purpose, subject, limit, what).await
    }

    /// How many events of `purpose` for `subject` are in the `window` that ends now.
    pub(crate) async fn count(
        &self,
        purpose: &str,
        subject: &str,
        window: Duration,
    ) -> Result<u32, AdapterError> {
        let key = LimitKey::new(purpose, subject);
        self.store.count(&key, window, self.now).await
    }

    /// Takes back the newest event of `purpose` for `subject`.
    pub(crate) async fn undo(&self, purpose: &str, subject: &str) -> Result<(), AdapterError> {
        self.store.undo(&LimitKey::new(purpose, subject)).await
    }

    /// [`Self::undo`] for the client's network.
    pub(crate) async fn undo_client(&self, purpose: &str) -> Result<(), AdapterError> {
        match &self.network {
            Some(network) => self.undo(purpose, network).await,
            None => Ok(()),
        }
    }

    /// Forgets the events of `purpose` for `subject`.
    pub(crate) async fn clear(&self, purpose: &str, subject: &str) -> Result<(), AdapterError> {
        self.store.clear(&LimitKey::new(purpose, subject)).await
    }
}

/// The client address a request's limits key on (rule 4).
pub(crate) fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    header: Option<&http::HeaderName>,
) -> Option<IpAddr> {
    match header {
        Some(name) => headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .next_back()
            .and_then(|entry| entry.trim().parse().ok()),
        None => peer,
    }
}

/// Whether a request is the session read clients poll (`GET` or `HEAD` of `…/session`), the
/// one request that needs no [`ClientAddress`]: it is never limited and starts no session.
pub fn is_session_read(method: &http::Method, path: &str) -> bool {
    matches!(*method, http::Method::GET | http::Method::HEAD) && path.ends_with("/session")
}

/// The key of a client address: the IPv4 address, or the IPv6 /64 network (rule 3).
pub(crate) fn network_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{network}/64")
            }
        },
    }
}

/// Counters in this process's memory, at most a fixed number of keys (rule 6).
///
/// The keys are spread over shards, each with its own lock and its own least-recently-used
/// order, so one lock is held only for one key's few timestamps.
pub struct MemoryLimitStore {
    shards: Box<[Mutex<Shard>]>,
    /// Picks a key's shard with a per-process random seed, so a client cannot aim a flood of
    /// chosen keys at the shard that holds someone else's counter.
    seed: std::collections::hash_map::RandomState,
}

/// One shard: each key's timestamps, oldest first, in least-recently-used order.
type Shard = LruCache<LimitKey, Vec<u64>>;

/// How many shards a [`MemoryLimitStore`] spreads its keys over.
const SHARDS: usize = 16;

impl MemoryLimitStore {
    /// The default cap on keys: 65,536. A key takes about 100 bytes with its map entry, plus 8
    /// per timestamp it holds (at most its limit's `max`): about 8 MiB for keys of a few
    /// events, more where many keys sit at a limit of 100.
    pub const DEFAULT_MAX_KEYS: usize = 65_536;

    /// A store that holds at most `max_keys` keys (at least one per shard).
    pub fn new(max_keys: NonZeroUsize) -> Self {
        let per_shard = max_keys.get().div_ceil(SHARDS).max(1);
        let shards = (0..SHARDS)
            .map(|_| Mutex::new(LruCache::new(per_shard)))
            .collect();
        Self {
            shards,
            seed: std::collections::hash_map::RandomState::new(),
        }
    }

    fn shard(&self, key: &LimitKey) -> std::sync::MutexGuard<'_, Shard> {
        let hash = std::hash::BuildHasher::hash_one(&self.seed, key);
        let index = usize::try_from(hash % self.shards.len() as u64).unwrap_or(0);
        // A panic while a shard was locked leaves only counters behind, still consistent.
        self.shards[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many keys are held (for tests and the memory benchmark).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.lock().map_or(0, |s| s.len()))
            .sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn hit_now(&self, key: &LimitKey, limit: RateLimit, now_ms: u64) -> Result<(), Refused> {
        let window = limit.window_ms();
        let mut shard = self.shard(key);
        let Some(times) = shard.get_mut(key) else {
            if limit.max == 0 {
                return Err(Refused::after(None, limit, now_ms));
            }
            // At the cap, inserting evicts the least recently used key: constant time.
            let mut times = Vec::with_capacity(limit.max.min(8) as usize);
            times.push(now_ms);
            shard.insert(*key, times);
            return Ok(());
        };
        // An event at `t` has left the window once `t + window <= now`.
        times.retain(|&t| t.saturating_add(window) > now_ms);
        if times.len() >= limit.max as usize {
            return Err(Refused::after(times.first().copied(), limit, now_ms));
        }
        times.push(now_ms);
        Ok(())
    }

    fn count_now(&self, key: &LimitKey, window: Duration, now_ms: u64) -> u32 {
        let window = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        // A read counts as a use: a counter that is looked at stays.
        let mut shard = self.shard(key);
        shard.get(key).map_or(0, |times| {
            let n = times
                .iter()
                .filter(|&&t| t.saturating_add(window) > now_ms)
                .count();
            u32::try_from(n).unwrap_or(u32::MAX)
        })
    }
}

impl Default for MemoryLimitStore {
    fn default() -> Self {
        Self::new(NonZeroUsize::new(Self::DEFAULT_MAX_KEYS).expect("not zero"))
    }
}

impl std::fmt::Debug for MemoryLimitStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryLimitStore")
            .field("keys", &self.len())
            .finish()
    }
}

#[async_trait]
impl LimitStore for MemoryLimitStore {
    async fn hit(
        &self,
        key: &LimitKey,
        limit: RateLimit,
        now: Timestamp,
    ) -> Result<Result<(), Refused>, AdapterError> {
        Ok(self.hit_now(key, limit, now.as_millis()))
    }

    async fn count(
        &self,
        key: &LimitKey,
        window: Duration,
        now: Timestamp,
    ) -> Result<u32, AdapterError> {
        Ok(self.count_now(key, window, now.as_millis()))
    }

    async fn undo(&self, key: &LimitKey) -> Result<(), AdapterError> {
        let mut shard = self.shard(key);
        if let Some(times) = shard.get_mut(key) {
            times.pop();
            if times.is_empty() {
                shard.remove(key);
            }
        }
        Ok(())
    }

    async fn clear(&self, key: &LimitKey) -> Result<(), AdapterError> {
        self.shard(key).remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;
    const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn store() -> MemoryLimitStore {
        MemoryLimitStore::default()
    }

    fn key(name: &str) -> LimitKey {
        LimitKey::new("test", name)
    }

    #[test]
    fn allows_max_events_per_window_then_says_when() {
        let store = store();
        let limit = RateLimit::new(3, WINDOW);
        for minute in 0..3 {
            assert_eq!(store.hit_now(&key("a"), limit, minute * MINUTE), Ok(()));
        }
        // The oldest event (minute 0) leaves the window at minute 15.
        let refused = store.hit_now(&key("a"), limit, 5 * MINUTE);
        assert_eq!(
            refused,
            Err(Refused {
                retry_after_secs: 10 * 60
            })
        );
        assert_eq!(
            store.hit_now(&key("b"), limit, 5 * MINUTE),
            Ok(()),
            "keys are separate"
        );
        assert_eq!(store.hit_now(&key("a"), limit, 15 * MINUTE), Ok(()));
        let refused = store.hit_now(&key("a"), limit, 15 * MINUTE + 1);
        assert_eq!(
            refused,
            Err(Refused {
                retry_after_secs: 60
            })
        );
    }

    #[test]
    fn refused_events_are_not_counted_and_count_counts_nothing() {
        let store = store();
        let limit = RateLimit::new(1, WINDOW);
        assert_eq!(store.count_now(&key("a"), WINDOW, 0), 0);
        assert_eq!(store.hit_now(&key("a"), limit, 0), Ok(()));
        assert_eq!(store.count_now(&key("a"), WINDOW, MINUTE), 1);
        for _ in 0..10 {
            assert!(store.hit_now(&key("a"), limit, MINUTE).is_err());
        }
        assert_eq!(store.count_now(&key("a"), WINDOW, MINUTE), 1);
        assert_eq!(store.hit_now(&key("a"), limit, 15 * MINUTE), Ok(()));
    }

    #[tokio::test]
    async fn undo_takes_back_the_newest_event_and_clear_forgets_the_key() {
        let store = store();
        let limit = RateLimit::new(2, WINDOW);
        let now = Timestamp::from_millis(0);
        store.hit(&key("a"), limit, now).await.unwrap().unwrap();
        store.hit(&key("a"), limit, now).await.unwrap().unwrap();
        assert!(store.hit(&key("a"), limit, now).await.unwrap().is_err());
        store.undo(&key("a")).await.unwrap();
        assert!(store.hit(&key("a"), limit, now).await.unwrap().is_ok());
        store.clear(&key("a")).await.unwrap();
        assert_eq!(store.count(&key("a"), WINDOW, now).await.unwrap(), 0);
        assert!(store.is_empty());
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let store = store();
        let limit = RateLimit::new(0, WINDOW);
        assert!(store.hit_now(&key("a"), limit, 0).is_err());
        assert!(store.is_empty(), "a refused first event stores nothing");
    }

    #[test]
    fn the_key_count_never_passes_the_cap() {
        let store = MemoryLimitStore::new(NonZeroUsize::new(1024).unwrap());
        let limit = RateLimit::new(5, WINDOW);
        for i in 0..50_000 {
            store
                .hit_now(&key(&format!("address-{i}")), limit, 0)
                .unwrap();
        }
        assert!(store.len() <= 1024, "{}", store.len());
    }

    #[test]
    fn a_key_in_use_survives_a_flood_of_new_keys() {
        let store = MemoryLimitStore::new(NonZeroUsize::new(SHARDS * 64).unwrap());
        let limit = RateLimit::new(5, WINDOW);
        for _ in 0..5 {
            store.hit_now(&key("victim"), limit, 0).unwrap();
        }
        for i in 0..10_000 {
            // The victim's counter is used between floods of fewer keys than a shard holds.
            if i % 32 == 0 {
                assert!(
                    store.hit_now(&key("victim"), limit, 0).is_err(),
                    "round {i}"
                );
            }
            store
                .hit_now(&key(&format!("flood-{i}")), limit, 0)
                .unwrap();
        }
    }

    #[test]
    fn keys_are_digests_of_purpose_and_subject() {
        assert_ne!(LimitKey::new("a", "bc"), LimitKey::new("ab", "c"));
        assert_eq!(LimitKey::new("a", "b"), LimitKey::new("a", "b"));
        assert!(!format!("{:?}", LimitKey::new("mail", "alice@example.com")).contains("alice"));
    }

    #[test]
    fn ipv6_is_keyed_on_its_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network_key(a), network_key(b));
        assert_ne!(network_key(a), network_key(c));
        assert_eq!(network_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(network_key(mapped), "192.0.2.7");
    }

    #[test]
    fn forwarded_addresses_only_when_configured_and_only_the_last() {
        let mut headers = HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.1".parse().unwrap(),
        );
        headers.append("x-forwarded-for", "192.0.2.44".parse().unwrap());
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(client_ip(Some(peer), &headers, None), Some(peer));
        let name = http::HeaderName::from_static("x-forwarded-for");
        assert_eq!(
            client_ip(Some(peer), &headers, Some(&name)),
            Some("192.0.2.44".parse().unwrap())
        );
        headers.insert("x-forwarded-for", "not-an-ip".parse().unwrap());
        assert_eq!(client_ip(Some(peer), &headers, Some(&name)), None);
    }
}
