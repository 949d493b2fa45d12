//! Tests of concurrent work without sleeping: [`until_every_other_task_waits`] holds one
//! operation open until every concurrent one has piled up behind it.
//!
//! A test that checks that concurrent requests share one computation (one token refresh, one
//! database read) must make the requests overlap. Making the shared computation slow with a
//! sleep only makes an overlap likely, and costs the sleep on every run. Instead, run the test
//! on tokio's current-thread runtime with the clock paused, and hold the computation with
//! [`until_every_other_task_waits`]:
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//!
//! use authrs_test_support::concurrency::until_every_other_task_waits;
//!
//! #[tokio::main(flavor = "current_thread", start_paused = true)]
//! async fn main() {
//!     let lock = Arc::new(tokio::sync::Mutex::new(()));
//!     let arrived = Arc::new(AtomicUsize::new(0));
//!     let held = lock.lock().await;
//!     let mut readers = tokio::task::JoinSet::new();
//!     for _ in 0..20 {
//!         let (lock, arrived) = (lock.clone(), arrived.clone());
//!         readers.spawn(async move {
//!             arrived.fetch_add(1, Ordering::SeqCst);
//!             drop(lock.lock().await);
//!         });
//!     }
//!     // The one holding the lock (a refresh, say) lets go only once all 20 wait for it.
//!     until_every_other_task_waits().await;
//!     assert_eq!(arrived.load(Ordering::SeqCst), 20);
//!     drop(held);
//!     readers.join_all().await;
//! }
//! ```

use std::time::Duration;

use tokio::runtime::{Handle, RuntimeFlavor};

/// Returns once no other task of this runtime can make progress: each waits for a lock, a
/// channel, I/O or a timer, not for the processor. Code that calls it holds what it is doing
/// open until every concurrent task has got as far as it can, with no guess at how long that
/// takes.
///
/// It needs tokio's current-thread runtime with the clock paused (`#[tokio::test(start_paused
/// = true)]`, which the `test-util` feature of tokio provides): a paused clock moves only when
/// no task can run, and this function waits for that move.
///
/// # Panics
///
/// On a multi-thread runtime, or when the clock is not paused (tokio's `advance` then says
/// "time is not frozen"): there it could only guess.
pub async fn until_every_other_task_waits() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread,
        "until_every_other_task_waits needs #[tokio::test(start_paused = true)]"
    );
    // Panics unless the clock is paused; moves it by nothing.
    tokio::time::advance(Duration::ZERO).await;
    // With the clock paused, a timer fires only when the runtime has nothing else to run: the
    // duration is never waited for.
    tokio::time::sleep(Duration::from_secs(1)).await;
}
