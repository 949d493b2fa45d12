//! [`captured`]: everything logged while a future runs, as the server's text formatter writes
//! it. A test that uses it wants a binary of its own: the subscriber is scoped to the thread,
//! and tests on other threads of the same binary would race it for the callsites' interest.

use std::sync::{Arc, Mutex};

/// Everything logged while `f` runs.
pub async fn captured<F: std::future::Future<Output = ()>>(f: F) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    f.await;
    String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
}
