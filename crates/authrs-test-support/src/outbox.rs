//! [`Outbox`]: an [`EmailTransport`] that keeps every message in memory, for engine tests
//! that need the link or code of a mail but not its delivery (tests of delivery use the real
//! SMTP server in [`crate::smtp`]).

use std::sync::Mutex;

use authrs_core::providers::{EmailError, EmailMessage, EmailTransport};

/// Keeps every message; [`Outbox::fail`] makes the next sends fail.
#[derive(Debug, Default)]
pub struct Outbox {
    messages: Mutex<Vec<EmailMessage>>,
    failing: Mutex<bool>,
}

impl Outbox {
    /// Every message so far, oldest first.
    pub fn messages(&self) -> Vec<EmailMessage> {
        self.messages.lock().unwrap().clone()
    }

    /// How many messages were sent.
    pub fn len(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Whether nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The newest message.
    pub fn last(&self) -> Option<EmailMessage> {
        self.messages.lock().unwrap().last().cloned()
    }

    /// Makes later sends fail (`true`) or succeed again.
    pub fn fail(&self, failing: bool) {
        *self.failing.lock().unwrap() = failing;
    }
}

#[async_trait::async_trait]
impl EmailTransport for Outbox {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        if *self.failing.lock().unwrap() {
            return Err(EmailError("the outbox is set to fail".into()));
        }
        self.messages.lock().unwrap().push(message.clone());
        Ok(())
    }
}
