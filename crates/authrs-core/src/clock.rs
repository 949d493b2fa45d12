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
pub fn iso8601_millis(millis: u64) -> String {
    let secs = millis / 1000;
    let ms = millis % 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Formats Unix seconds as an HTTP date (`Expires` cookie attribute).
pub fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
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
