//! Work that must not hold up the answer: mails, and the account look-ups whose cost would
//! tell a client whether an address has an account. The engine has no runtime of its own, so
//! the integration says where such work runs ([`crate::AuthBuilder::background`]);
//! `authrs_tokio::TokioBackground` runs it as a Tokio task.

use std::future::Future;
use std::pin::Pin;

/// A unit of background work. It logs its own failures.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Where background work runs.
pub trait Background: Send + Sync + 'static {
    /// Starts `task` off the request path, or hands it back to be awaited in place (when at
    /// capacity: that is the back-pressure that keeps the queue bounded, and nothing is
    /// dropped).
    fn spawn(&self, task: Task) -> Option<Task>;
}

#[cfg(feature = "email")]
/// Runs `task` through `background`, or in place when there is none or it is full.
pub(crate) async fn run(background: Option<&dyn Background>, task: Task) {
    let task = match background {
        Some(background) => background.spawn(task),
        None => Some(task),
    };
    if let Some(task) = task {
        task.await;
    }
}
