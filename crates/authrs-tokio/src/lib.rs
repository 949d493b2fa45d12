//! # authrs-tokio
//!
//! The engine's runtime needs, met with tokio, for any host (axum, the `authrs` server, or
//! another framework): argon2 off the event loop ([`BlockingPasswordHashing`], feature
//! `password`), work that must not hold up an answer ([`TokioBackground`]), and the periodic
//! sweep of expired database rows ([`spawn_expiry_sweep`]).
#![forbid(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "password")]
use async_trait::async_trait;
use authrs_core::Auth;
#[cfg(feature = "password")]
use authrs_core::password::{PasswordError, PasswordHasher, PasswordHashing};
#[cfg(feature = "password")]
use tokio::sync::Semaphore;

/// Runs argon2 on tokio's blocking pool, at most one hash per CPU at a time (each takes the
/// hasher's memory, 19 MiB by default), so password checks never stall the event loop and a
/// burst of sign-ins cannot exhaust memory. Pass it to
/// [`AuthBuilder::password_hashing`](authrs_core::AuthBuilder::password_hashing).
#[derive(Clone)]
#[cfg(feature = "password")]
pub struct BlockingPasswordHashing {
    hasher: Arc<PasswordHasher>,
    permits: Arc<Semaphore>,
}

#[cfg(feature = "password")]
impl std::fmt::Debug for BlockingPasswordHashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingPasswordHashing")
            .field("parallel", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "password")]
impl BlockingPasswordHashing {
    /// Wraps a hasher; as many hashes run at once as the machine has CPUs.
    pub fn new(hasher: PasswordHasher) -> Self {
        let parallel = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            hasher: Arc::new(hasher),
            permits: Arc::new(Semaphore::new(parallel)),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Option<T> {
        let _permit = self.permits.acquire().await.ok()?;
        let hasher = Arc::clone(&self.hasher);
        tokio::task::spawn_blocking(move || work(&hasher))
            .await
            .ok()
    }
}

#[cfg(feature = "password")]
#[async_trait]
impl PasswordHashing for BlockingPasswordHashing {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let password = zeroize::Zeroizing::new(password.to_owned());
        self.run(move |hasher| hasher.hash(&password))
            .await
            .unwrap_or_else(|| {
                Err(PasswordError::Hash(
                    "the hashing task did not finish".into(),
                ))
            })
    }

    async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let password = zeroize::Zeroizing::new(password.to_owned());
        let stored = stored.map(str::to_owned);
        self.run(move |hasher| hasher.verify(&password, stored.as_deref()))
            .await
            .unwrap_or(false)
    }

    fn needs_rehash(&self, stored: &str) -> bool {
        self.hasher.needs_rehash(stored)
    }
}

/// Deletes expired database sessions and verification tokens every `every`, for as long as the
/// returned task runs (abort it, or let the runtime end). Expired rows are also deleted when
/// read; this catches the ones nobody reads again. Failures are logged and retried next time.
pub fn spawn_expiry_sweep(auth: Auth, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match auth.sweep_expired().await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "swept expired sessions and tokens"),
                Err(error) => tracing::warn!(%error, "sweeping expired sessions failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifies_off_the_event_loop() {
        let hashing = BlockingPasswordHashing::new(PasswordHasher::with_params(256, 1, 1).unwrap());
        let hash = hashing.hash("correct horse").await.unwrap();
        assert!(hashing.verify("correct horse", Some(&hash)).await);
        assert!(!hashing.verify("wrong", Some(&hash)).await);
        assert!(!hashing.verify("anything", None).await);
    }
}

/// Runs the engine's background work ([`authrs_core::background::Background`]: verification
/// and reset mails, and the account look-ups behind them) as Tokio tasks, at most `limit` at
/// once, each for at most `deadline`. Past the limit a task runs in place, before the answer:
/// back-pressure that keeps memory bounded and loses nothing. A task's failures are logged by
/// the task itself; one past its deadline is dropped with a warning, freeing its slot.
#[derive(Debug, Clone)]
pub struct TokioBackground {
    slots: Arc<tokio::sync::Semaphore>,
    deadline: Duration,
}

impl TokioBackground {
    /// The default number of background tasks at once.
    pub const DEFAULT_LIMIT: usize = 1024;

    /// The default deadline of one task: longer than any outbound call it makes should take.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

    /// At most `limit` tasks at once (at least one), each for at most
    /// [`Self::DEFAULT_DEADLINE`].
    pub fn new(limit: usize) -> Self {
        Self {
            slots: Arc::new(tokio::sync::Semaphore::new(limit.max(1))),
            deadline: Self::DEFAULT_DEADLINE,
        }
    }

    /// Each task's deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }
}

impl Default for TokioBackground {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LIMIT)
    }
}

impl authrs_core::background::Background for TokioBackground {
    fn spawn(&self, task: authrs_core::background::Task) -> Option<authrs_core::background::Task> {
        let Ok(slot) = Arc::clone(&self.slots).try_acquire_owned() else {
            return Some(task);
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Some(task);
        };
        let deadline = self.deadline;
        runtime.spawn(async move {
            if tokio::time::timeout(deadline, task).await.is_err() {
                tracing::warn!(
                    ?deadline,
                    "a background task passed its deadline and was dropped"
                );
            }
            drop(slot);
        });
        None
    }
}

#[cfg(test)]
mod background_tests {
    use super::*;
    use authrs_core::background::Background;

    #[tokio::test]
    async fn at_capacity_a_task_comes_back_to_run_in_place() {
        let background = TokioBackground::new(1);
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let first = Box::pin(async move {
            let _ = wait.await;
        });
        assert!(background.spawn(first).is_none(), "spawned");
        let second = Box::pin(async {});
        let returned = background.spawn(second);
        assert!(returned.is_some(), "at capacity: run it in place");
        release.send(()).unwrap();
        returned.unwrap().await;
    }

    #[tokio::test]
    async fn a_task_past_its_deadline_is_dropped_and_frees_its_slot() {
        let background = TokioBackground::new(1).with_deadline(Duration::from_millis(20));
        let hanging = Box::pin(std::future::pending::<()>());
        assert!(background.spawn(hanging).is_none());
        // The slot comes back once the deadline drops the hanging task.
        let freed = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if background.spawn(Box::pin(async {})).is_none() {
                    break;
                }
                tokio::task::yield_now().await;
            }
        })
        .await;
        assert!(freed.is_ok(), "the slot was never freed");
    }
}
