//! Rate limits: sliding-window counters kept in memory, keyed by an email address or a client
//! network, and the client address they key on.
//!
//! Rules:
//! 1. A limit allows `max` events per `window` for one key, counted over the window that ends
//!    now (a sliding window: no burst of twice the limit across a boundary). An event over the
//!    limit is refused and not counted, and the refusal says when the next one will be
//!    allowed.
//! 2. IPv6 clients are keyed on their /64 network (a host rotates its address inside it), and
//!    an IPv4-mapped IPv6 address is keyed as the IPv4 address it is (GHSA-p6v2-xcpg-h6xw).
//! 3. The client address is the TCP peer's. A forwarding header is used only when configured
//!    ([`crate::config::AuthBuilder::client_ip_header`]), and then only its last (rightmost)
//!    entry, the one the trusted proxy appended.
//! 4. Memory is bounded by the traffic of one window: keys whose events have all left the
//!    window are dropped as new keys arrive.
//!
//! Limits are per server instance; several instances each allow the limit.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::Duration;

use http::HeaderMap;

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
}

/// The client address of a request, put in the request's extensions by the server
/// integration (`authrs-axum` does, from the connection). Without it, per-client limits do not
/// apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The client address a request's limits key on (rule 3).
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

/// The key of a client address: the IPv4 address, or the IPv6 /64 network (rule 2).
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

/// How many new keys between sweeps of keys with no events left in the window.
const SWEEP_EVERY: usize = 1024;

/// One limit's counters.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    events: HashMap<String, VecDeque<u64>>,
    new_keys: usize,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            state: Mutex::new(State::default()),
        }
    }

    fn window_ms(&self) -> u64 {
        u64::try_from(self.limit.window.as_millis()).unwrap_or(u64::MAX)
    }

    /// Counts an event for `key` at `now_ms`, or refuses it with the whole seconds until one
    /// is allowed again (at least 1).
    pub(crate) fn hit(&self, key: &str, now_ms: u64) -> Result<(), u64> {
        self.check(key, now_ms, true)
    }

    /// Whether an event for `key` would be allowed now, without counting one (`Err` as
    /// [`Self::hit`]).
    pub(crate) fn peek(&self, key: &str, now_ms: u64) -> Result<(), u64> {
        self.check(key, now_ms, false)
    }

    fn check(&self, key: &str, now_ms: u64, count: bool) -> Result<(), u64> {
        let window = self.window_ms();
        // An event at `t` has left the window once `t + window <= now`.
        let gone = |t: u64| t.saturating_add(window) <= now_ms;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.events.contains_key(key) {
            if !count {
                return if self.limit.max == 0 {
                    Err(window.div_ceil(1000).max(1))
                } else {
                    Ok(())
                };
            }
            state.new_keys += 1;
            if state.new_keys >= SWEEP_EVERY {
                state.new_keys = 0;
                state
                    .events
                    .retain(|_, times| times.back().is_some_and(|&t| !gone(t)));
            }
        }
        let times = state.events.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|&t| gone(t)) {
            times.pop_front();
        }
        if times.len() >= self.limit.max as usize {
            let allowed_at = times.front().map_or(now_ms + window, |&t| t + window);
            let wait_ms = allowed_at.saturating_sub(now_ms);
            if times.is_empty() {
                state.events.remove(key);
            }
            return Err(wait_ms.div_ceil(1000).max(1));
        }
        if count {
            times.push_back(now_ms);
        } else if times.is_empty() {
            state.events.remove(key);
        }
        Ok(())
    }

    /// Forgets `key`'s events (a successful sign-in clears its failed attempts).
    pub(crate) fn clear(&self, key: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.events.remove(key);
    }

    #[cfg(test)]
    fn keys(&self) -> usize {
        self.state.lock().unwrap().events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: u64 = 60_000;

    fn limiter(max: u32) -> Limiter {
        Limiter::new(RateLimit::new(max, Duration::from_secs(15 * 60)))
    }

    #[test]
    fn allows_max_events_per_window_then_says_when() {
        let limiter = limiter(3);
        for minute in 0..3 {
            assert_eq!(limiter.hit("a", minute * MINUTE), Ok(()));
        }
        // The oldest event (minute 0) leaves the window at minute 15.
        assert_eq!(limiter.hit("a", 5 * MINUTE), Err(10 * 60));
        assert_eq!(limiter.hit("b", 5 * MINUTE), Ok(()), "keys are separate");
        assert_eq!(limiter.hit("a", 15 * MINUTE), Ok(()));
        assert_eq!(limiter.hit("a", 15 * MINUTE + 1), Err(60));
    }

    #[test]
    fn refused_events_are_not_counted_and_peek_counts_nothing() {
        let limiter = limiter(1);
        assert_eq!(limiter.peek("a", 0), Ok(()));
        assert_eq!(limiter.hit("a", 0), Ok(()));
        assert_eq!(limiter.peek("a", MINUTE), Err(14 * 60));
        for _ in 0..10 {
            assert!(limiter.hit("a", MINUTE).is_err());
        }
        assert_eq!(limiter.hit("a", 15 * MINUTE), Ok(()));
        limiter.clear("a");
        assert_eq!(limiter.hit("a", 15 * MINUTE), Ok(()));
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let limiter = limiter(0);
        assert!(limiter.peek("a", 0).is_err());
        assert!(limiter.hit("a", 0).is_err());
    }

    #[test]
    fn idle_keys_are_swept_as_new_ones_arrive() {
        let limiter = limiter(5);
        for i in 0..SWEEP_EVERY {
            limiter.hit(&format!("old-{i}"), 0).unwrap();
        }
        for i in 0..SWEEP_EVERY {
            limiter.hit(&format!("new-{i}"), 20 * MINUTE).unwrap();
        }
        assert!(limiter.keys() <= SWEEP_EVERY + 1, "{}", limiter.keys());
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
