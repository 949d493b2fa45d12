//! Time: the [`Clock`] every expiry decision reads, and the date formats of the protocol.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the engine reads the current time. Tests use [`FixedClock`] to move time without sleeping.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> u64;

    /// Seconds since the Unix epoch.
    fn now_secs(&self) -> u64 {
        self.now_millis() / 1000
    }
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one sanctioned read of the wall clock.
    fn now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to. Share it through an `Arc` to move time in a test.
#[derive(Debug)]
pub struct FixedClock(AtomicU64);

impl FixedClock {
    /// A clock standing at `millis` since the Unix epoch.
    pub fn at_millis(millis: u64) -> Self {
        Self(AtomicU64::new(millis))
    }

    /// A clock standing at `secs` since the Unix epoch.
    pub fn at_secs(secs: u64) -> Self {
        Self::at_millis(secs * 1000)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.0.fetch_add(by, Ordering::SeqCst);
    }

    /// Sets the clock to `millis` since the Unix epoch.
    pub fn set_millis(&self, millis: u64) {
        self.0.store(millis, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Formats Unix milliseconds as the protocol's JSON date, `YYYY-MM-DDTHH:mm:ss.sssZ`.
pub(crate) fn iso8601_millis(millis: u64) -> String {
    let secs = millis / 1000;
    let (year, month, day) = civil_from_days(secs / 86_400);
    let rem = secs % 86_400;
    // `/session` formats a date on every request: write the digits directly, not via `format!`.
    let mut out = String::with_capacity(24);
    push_digits(&mut out, year, 4);
    for (separator, value, width) in [
        ('-', month, 2),
        ('-', day, 2),
        ('T', rem / 3600, 2),
        (':', (rem % 3600) / 60, 2),
        (':', rem % 60, 2),
        ('.', millis % 1000, 3),
    ] {
        out.push(separator);
        push_digits(&mut out, value, width);
    }
    out.push('Z');
    out
}

/// Appends the last `width` (at most 4) decimal digits of `value`, zero-padded.
fn push_digits(out: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 4];
    let mut rest = value;
    for digit in digits[..width].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend(digits[..width].iter().map(|&d| char::from(d)));
}

/// Formats Unix seconds as an HTTP date (`Expires` cookie attribute).
pub(crate) fn http_date(secs: u64) -> String {
    // Every `/session` answer writes one, and most fall in the same second as the last one on
    // this thread: reuse it.
    thread_local! {
        static LAST: std::cell::RefCell<(u64, String)> = const { std::cell::RefCell::new((u64::MAX, String::new())) };
    }
    LAST.with_borrow_mut(|(last_secs, text)| {
        if *last_secs != secs {
            *text = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));
            *last_secs = secs;
        }
        text.clone()
    })
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days`. Only non-negative day counts occur here.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_match_javascript_to_iso_string() {
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000Z");
        // new Date(1798510959123).toISOString()
        assert_eq!(
            iso8601_millis(1_798_510_959_123),
            "2026-12-29T02:22:39.123Z"
        );
        assert_eq!(iso8601_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn http_dates_are_rfc_1123() {
        assert_eq!(http_date(1_798_507_359), "Tue, 29 Dec 2026 01:22:39 GMT");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at_secs(100);
        assert_eq!(clock.now_secs(), 100);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now_secs(), 105);
    }
}
