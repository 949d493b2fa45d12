//! The rate-limit store conformance suite: one named check per rule of
//! [`authrs_core::ratelimit::LimitStore`], run unchanged against every store, with the exact
//! answers of [`MemoryLimitStore`](authrs_core::ratelimit::MemoryLimitStore) (whose unit tests
//! these checks mirror).
//!
//! A store's test file expands the suite into `#[tokio::test]` functions with
//! [`limit_store_conformance_tests!`](crate::limit_store_conformance_tests), giving it an
//! expression that produces a fresh, empty store each time it is evaluated:
//!
//! ```
//! use std::sync::Arc;
//! use authrs_core::ratelimit::{LimitStore, MemoryLimitStore};
//!
//! authrs_test_support::limit_store_conformance_tests!(async {
//!     let store: Arc<dyn LimitStore> = Arc::new(MemoryLimitStore::default());
//!     store
//! });
//! # fn main() {}
//! ```
//!
//! The test file's crate needs `tokio` (with `macros` and `rt-multi-thread`) as a
//! dev-dependency. Each check panics with a message saying which rule broke.

use std::sync::Arc;
use std::time::Duration;

use authrs_core::adapter::Timestamp;
pub use authrs_core::ratelimit::LimitStore;
use authrs_core::ratelimit::{LimitKey, RateLimit, Refused};

/// Expands into one `#[tokio::test]` per conformance check, each calling the check of the
/// same name in [`limits`](crate::limits) with a fresh store.
///
/// The argument is an expression of a future yielding `Arc<dyn LimitStore>` on a fresh, empty
/// store (usually an `async { … }` block); it is evaluated once per test.
#[macro_export]
macro_rules! limit_store_conformance_tests {
    ($fresh_store:expr $(,)?) => {
        $crate::limit_store_conformance_tests!(@each $fresh_store;
            allows_max_events_per_window_then_says_when,
            an_event_leaves_the_window_at_exactly_its_time_plus_the_window,
            retry_after_rounds_up_to_whole_seconds,
            no_burst_of_twice_the_limit_across_a_window_boundary,
            refused_events_are_not_counted_and_count_counts_nothing,
            count_uses_the_window_it_is_given,
            undo_takes_back_the_newest_event,
            undo_of_an_unknown_or_emptied_key_does_nothing,
            clear_forgets_the_key,
            a_zero_limit_refuses_everything_and_stores_nothing,
            keys_are_separate,
            exactly_max_of_300_concurrent_hits_get_through,
        );
    };
    (@each $fresh_store:expr; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let store: ::std::sync::Arc<dyn $crate::limits::LimitStore> = $fresh_store.await;
                $crate::limits::$check(store).await;
            }
        )+
    };
}

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60_000;
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// A start far from 0, as real clocks are, with milliseconds that are not whole seconds (a
/// store that rounds times shows).
const T0: u64 = 1_800_000_000_123;

fn key(name: &str) -> LimitKey {
    LimitKey::new("conformance", name)
}

/// `T0` plus `offset_ms`.
fn at(offset_ms: u64) -> Timestamp {
    Timestamp::from_millis(T0 + offset_ms)
}

async fn hit(
    store: &Arc<dyn LimitStore>,
    name: &str,
    limit: RateLimit,
    offset_ms: u64,
) -> Result<(), Refused> {
    store
        .hit(&key(name), limit, at(offset_ms))
        .await
        .unwrap_or_else(|e| panic!("hit({name}, +{offset_ms} ms) failed: {e}"))
}

async fn count(store: &Arc<dyn LimitStore>, name: &str, window: Duration, offset_ms: u64) -> u32 {
    store
        .count(&key(name), window, at(offset_ms))
        .await
        .unwrap_or_else(|e| panic!("count({name}, +{offset_ms} ms) failed: {e}"))
}

fn refused(retry_after_secs: u64) -> Result<(), Refused> {
    Err(Refused { retry_after_secs })
}

/// `max` events per window are counted; the next is refused with the seconds until the oldest
/// leaves the window, and is allowed once it has.
pub async fn allows_max_events_per_window_then_says_when(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(3, WINDOW);
    for minute in 0..3 {
        assert_eq!(
            hit(&store, "a", limit, minute * MINUTE).await,
            Ok(()),
            "event {minute} of 3 is allowed"
        );
    }
    // The oldest event (minute 0) leaves the window at minute 15.
    assert_eq!(
        hit(&store, "a", limit, 5 * MINUTE).await,
        refused(10 * 60),
        "the 4th event waits for the oldest to leave the window"
    );
    assert_eq!(hit(&store, "a", limit, 15 * MINUTE).await, Ok(()));
    // Now minutes 1, 2 and 15 are counted: minute 1 leaves at minute 16.
    assert_eq!(
        hit(&store, "a", limit, 15 * MINUTE + 1).await,
        refused(60),
        "the wait is measured from the oldest event still in the window"
    );
}

/// An event at `t` counts until `t + window` and not at it.
pub async fn an_event_leaves_the_window_at_exactly_its_time_plus_the_window(
    store: Arc<dyn LimitStore>,
) {
    let limit = RateLimit::new(1, WINDOW);
    let window = 15 * MINUTE;
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(
        count(&store, "a", WINDOW, window - 1).await,
        1,
        "in at t + window - 1 ms"
    );
    assert_eq!(
        hit(&store, "a", limit, window - 1).await,
        refused(1),
        "1 ms left is 1 second to wait"
    );
    assert_eq!(
        count(&store, "a", WINDOW, window).await,
        0,
        "out at t + window"
    );
    assert_eq!(
        hit(&store, "a", limit, window).await,
        Ok(()),
        "allowed at t + window"
    );
}

/// Retry-After is the wait in whole seconds rounded up: 1001 ms is 2 seconds, 1000 ms is 1.
pub async fn retry_after_rounds_up_to_whole_seconds(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(1, Duration::from_secs(10));
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(
        hit(&store, "a", limit, 0).await,
        refused(10),
        "the whole window"
    );
    assert_eq!(hit(&store, "a", limit, 1).await, refused(10), "9999 ms");
    assert_eq!(hit(&store, "a", limit, 8_999).await, refused(2), "1001 ms");
    assert_eq!(hit(&store, "a", limit, 9_000).await, refused(1), "1000 ms");
    assert_eq!(hit(&store, "a", limit, 9_999).await, refused(1), "1 ms");
    assert_eq!(hit(&store, "a", limit, 10 * SECOND).await, Ok(()));
}

/// A sliding log, not fixed windows: `max` events at the end of one window and `max` at the
/// start of the next are not both allowed.
pub async fn no_burst_of_twice_the_limit_across_a_window_boundary(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(3, WINDOW);
    for _ in 0..3 {
        assert_eq!(hit(&store, "a", limit, 14 * MINUTE).await, Ok(()));
    }
    assert_eq!(
        hit(&store, "a", limit, 16 * MINUTE).await,
        refused(13 * 60),
        "the events of minute 14 count until minute 29"
    );
    assert_eq!(hit(&store, "a", limit, 29 * MINUTE).await, Ok(()));
}

/// A refused event is not counted, however many there are, and `count` counts nothing.
pub async fn refused_events_are_not_counted_and_count_counts_nothing(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(1, WINDOW);
    assert_eq!(count(&store, "a", WINDOW, 0).await, 0);
    assert_eq!(
        count(&store, "a", WINDOW, 0).await,
        0,
        "count did not count"
    );
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(count(&store, "a", WINDOW, MINUTE).await, 1);
    for _ in 0..10 {
        assert_eq!(hit(&store, "a", limit, MINUTE).await, refused(14 * 60));
    }
    assert_eq!(
        count(&store, "a", WINDOW, MINUTE).await,
        1,
        "refused events were counted"
    );
    assert_eq!(
        hit(&store, "a", limit, 15 * MINUTE).await,
        Ok(()),
        "refusals pushed the next allowed event back"
    );
}

/// `count` counts the events in the window it is given, ending at the time it is given.
pub async fn count_uses_the_window_it_is_given(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(5, WINDOW);
    for minute in [0, 4, 8] {
        assert_eq!(hit(&store, "a", limit, minute * MINUTE).await, Ok(()));
    }
    let five_minutes = Duration::from_secs(5 * 60);
    assert_eq!(count(&store, "a", WINDOW, 10 * MINUTE).await, 3);
    assert_eq!(count(&store, "a", five_minutes, 10 * MINUTE).await, 1);
    assert_eq!(count(&store, "a", five_minutes, 9 * MINUTE - 1).await, 2);
    assert_eq!(count(&store, "a", five_minutes, 9 * MINUTE).await, 1);
    assert_eq!(count(&store, "a", WINDOW, 15 * MINUTE).await, 2);
}

/// `undo` takes back the newest event only: the budget it frees is one event, and the oldest
/// event still sets the wait.
pub async fn undo_takes_back_the_newest_event(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(2, WINDOW);
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, MINUTE).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, 2 * MINUTE).await, refused(13 * 60));
    store.undo(&key("a")).await.unwrap();
    assert_eq!(count(&store, "a", WINDOW, 2 * MINUTE).await, 1);
    assert_eq!(
        hit(&store, "a", limit, 2 * MINUTE).await,
        Ok(()),
        "undo freed one"
    );
    assert_eq!(
        hit(&store, "a", limit, 3 * MINUTE).await,
        refused(12 * 60),
        "undo took the newest event (minute 1), not the oldest (minute 0)"
    );
    store.undo(&key("a")).await.unwrap();
    store.undo(&key("a")).await.unwrap();
    assert_eq!(count(&store, "a", WINDOW, 3 * MINUTE).await, 0);
}

/// `undo` of a key with no events leaves nothing behind that counts, and takes nothing from
/// the next events.
pub async fn undo_of_an_unknown_or_emptied_key_does_nothing(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(2, WINDOW);
    store.undo(&key("never-hit")).await.unwrap();
    assert_eq!(count(&store, "never-hit", WINDOW, 0).await, 0);
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    store.undo(&key("a")).await.unwrap();
    store.undo(&key("a")).await.unwrap();
    assert_eq!(count(&store, "a", WINDOW, 0).await, 0);
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(
        hit(&store, "a", limit, 0).await,
        refused(15 * 60),
        "extra undos did not bank budget"
    );
}

/// `clear` forgets every event of the key, and only of that key.
pub async fn clear_forgets_the_key(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(2, WINDOW);
    for name in ["a", "b"] {
        assert_eq!(hit(&store, name, limit, 0).await, Ok(()));
        assert_eq!(hit(&store, name, limit, 0).await, Ok(()));
    }
    store.clear(&key("a")).await.unwrap();
    assert_eq!(count(&store, "a", WINDOW, 0).await, 0);
    assert_eq!(
        count(&store, "b", WINDOW, 0).await,
        2,
        "clear touched another key"
    );
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, 0).await, refused(15 * 60));
    store.clear(&key("never-hit")).await.unwrap();
}

/// A limit of 0 refuses every event, says to wait a whole window when nothing is counted (or
/// until the oldest counted event leaves it), and counts nothing.
pub async fn a_zero_limit_refuses_everything_and_stores_nothing(store: Arc<dyn LimitStore>) {
    let zero = RateLimit::new(0, WINDOW);
    for _ in 0..3 {
        assert_eq!(hit(&store, "a", zero, 0).await, refused(15 * 60));
    }
    assert_eq!(
        count(&store, "a", WINDOW, 0).await,
        0,
        "a refused event was stored"
    );
    let one = RateLimit::new(1, WINDOW);
    assert_eq!(
        hit(&store, "a", one, MINUTE).await,
        Ok(()),
        "nothing was counted"
    );
    assert_eq!(
        hit(&store, "a", zero, 2 * MINUTE).await,
        refused(14 * 60),
        "the wait is until the counted event leaves the window"
    );
    assert_eq!(count(&store, "a", WINDOW, 2 * MINUTE).await, 1);
}

/// Each key has a budget of its own.
pub async fn keys_are_separate(store: Arc<dyn LimitStore>) {
    let limit = RateLimit::new(1, WINDOW);
    assert_eq!(hit(&store, "a", limit, 0).await, Ok(()));
    assert_eq!(hit(&store, "a", limit, 0).await, refused(15 * 60));
    assert_eq!(
        hit(&store, "b", limit, 0).await,
        Ok(()),
        "b has its own budget"
    );
    let other_purpose = LimitKey::new("another purpose", "a");
    assert_eq!(
        store.hit(&other_purpose, limit, at(0)).await.unwrap(),
        Ok(()),
        "a purpose has its own budget"
    );
}

/// Check and count are one atomic step: of 300 concurrent hits on one key with a limit of 5,
/// exactly 5 are counted, whatever order they arrive in, and each refusal says to wait the
/// whole window (every event is at the same time).
pub async fn exactly_max_of_300_concurrent_hits_get_through(store: Arc<dyn LimitStore>) {
    const RACERS: u64 = 300;
    const MAX: u32 = 5;
    let limit = RateLimit::new(MAX, WINDOW);
    let barrier = Arc::new(tokio::sync::Barrier::new(RACERS as usize));
    let tasks: Vec<_> = (0..RACERS)
        .map(|_| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                store.hit(&key("contended"), limit, at(0)).await
            })
        })
        .collect();
    let mut counted = 0;
    for task in tasks {
        match task.await.expect("a racing task panicked") {
            Ok(Ok(())) => counted += 1,
            Ok(Err(refusal)) => assert_eq!(
                refusal,
                Refused {
                    retry_after_secs: 15 * 60
                }
            ),
            Err(error) => panic!("a racing hit failed: {error}"),
        }
    }
    assert_eq!(counted, MAX, "hits counted of {RACERS} concurrent");
    assert_eq!(
        count(&store, "contended", WINDOW, 10).await,
        MAX,
        "the store holds exactly the counted events"
    );
}
