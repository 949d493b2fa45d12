//! [`Deferred`]: a [`Background`] that keeps its tasks until the test runs them, so a test
//! can look at the answer before any background work has happened (and run that work inside a
//! captured log).

use std::sync::Mutex;

use authrs_core::background::{Background, Task};

/// Keeps every task it is given until [`Deferred::run_all`].
#[derive(Default)]
pub struct Deferred(Mutex<Vec<Task>>);

impl Background for Deferred {
    fn spawn(&self, task: Task) -> Option<Task> {
        self.0.lock().unwrap().push(task);
        None
    }
}

impl Deferred {
    /// Runs the tasks kept so far, in order.
    pub async fn run_all(&self) {
        let tasks = std::mem::take(&mut *self.0.lock().unwrap());
        for task in tasks {
            task.await;
        }
    }
}
