//! Explicit time: every rule reads the time from a [`Clock`], never from the system.

use crate::error::Error;
use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

/// A source of the current instant (UTC).
///
/// The hub asks its clock once per command, so the same commands under the same
/// clock readings produce the same events.
///
/// ```
/// use fivergo_core::{Clock, ManualClock};
/// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// assert_eq!(clock.now().to_rfc3339(), "2026-02-18T09:00:00+00:00");
/// ```
pub trait Clock: Send + Sync {
    /// The current instant.
    ///
    /// ```
    /// use fivergo_core::{Clock, Hub, ManualClock};
    /// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// assert_eq!(hub.now(), clock.now()); // the hub reads its time from the clock
    /// ```
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock, for production hosts.
///
/// ```
/// use fivergo_core::{Clock, SystemClock};
/// assert!(SystemClock.now().timestamp() > 0);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: tests, demos, simulations and replays.
///
/// Clones share the same instant, so a test can keep a handle while the hub owns
/// another. It reads instants from [`ManualClock::EARLIEST`] to
/// [`ManualClock::LATEST`]: moving it outside is refused with `invalid_input`, so
/// every date the rules compute from it (policy durations are at most a century)
/// stays a calendar date that Python and JavaScript can hold. It never runs
/// backwards: a negative step or an earlier instant is refused with
/// `invalid_input` (whose `min` is the clock's current instant), so nothing is
/// ever recorded before what happened first (a revision before its download, V1).
///
/// ```
/// use chrono::Duration;
/// use fivergo_core::{Clock, ManualClock};
/// let clock = ManualClock::at("2026-01-31T00:00:00Z".parse().unwrap());
/// let handle = clock.clone();
/// handle.advance(Duration::days(1)).unwrap();
/// assert_eq!(clock.now().to_rfc3339(), "2026-02-01T00:00:00+00:00");
/// let err = handle.advance(Duration::days(1_000_000_000)).unwrap_err();
/// assert_eq!(err.code(), "invalid_input"); // never a panic
/// assert_eq!(clock.now().to_rfc3339(), "2026-02-01T00:00:00+00:00"); // unchanged
/// assert_eq!(handle.advance(Duration::seconds(-1)).unwrap_err().code(), "invalid_input");
/// assert!(handle.set("2026-01-31T00:00:00Z".parse().unwrap()).is_err(), "never backwards");
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// The earliest instant a manual clock reads: 1970-01-01T00:00:00Z.
    pub const EARLIEST: DateTime<Utc> = DateTime::UNIX_EPOCH;
    /// The latest instant a manual clock reads: 9000-01-01T00:00:00Z.
    pub const LATEST: DateTime<Utc> = match DateTime::from_timestamp(221_845_392_000, 0) {
        Some(at) => at,
        None => DateTime::<Utc>::MAX_UTC,
    };

    /// A manual clock reading `start`, clamped to [`ManualClock::EARLIEST`] ..=
    /// [`ManualClock::LATEST`] ([`ManualClock::try_at`] refuses instead).
    ///
    /// ```
    /// use fivergo_core::{Clock, ManualClock};
    /// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// assert_eq!(clock.now().to_rfc3339(), "2026-02-18T09:00:00+00:00");
    /// let far = ManualClock::at("9999-12-31T00:00:00Z".parse().unwrap());
    /// assert_eq!(far.now(), ManualClock::LATEST); // clamped
    /// ```
    pub fn at(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start.clamp(Self::EARLIEST, Self::LATEST))),
        }
    }

    /// A manual clock reading `start`, refused with `invalid_input` outside
    /// [`ManualClock::EARLIEST`] ..= [`ManualClock::LATEST`].
    ///
    /// ```
    /// use fivergo_core::ManualClock;
    /// assert!(ManualClock::try_at("2026-02-18T09:00:00Z".parse().unwrap()).is_ok());
    /// assert!(ManualClock::try_at("9999-12-31T00:00:00Z".parse().unwrap()).is_err());
    /// ```
    pub fn try_at(start: DateTime<Utc>) -> Result<Self, Error> {
        Ok(Self::at(Self::check("start", start, Self::EARLIEST)?))
    }

    /// Sets the clock to `instant`, at or after the instant it reads now and at most
    /// [`ManualClock::LATEST`]; refused otherwise, and the clock stays where it was.
    ///
    /// ```
    /// use fivergo_core::{Clock, ManualClock};
    /// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// let later = "2026-03-18T09:00:00Z".parse().unwrap();
    /// assert_eq!(clock.set(later).unwrap(), later);
    /// assert_eq!(clock.now(), later);
    /// let err = clock.set("2026-02-18T09:00:00Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(err.code(), "invalid_input"); // never backwards
    /// assert_eq!(clock.now(), later);
    /// ```
    pub fn set(&self, instant: DateTime<Utc>) -> Result<DateTime<Utc>, Error> {
        let mut now = self.lock();
        *now = Self::check("instant", instant, *now)?;
        Ok(instant)
    }

    /// Moves the clock forward by `by` (zero or more) and returns the new instant;
    /// a negative step, or one past [`ManualClock::LATEST`], is refused and the
    /// clock stays where it was.
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::{Clock, ManualClock};
    /// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// let next = clock.advance(Duration::hours(36)).unwrap();
    /// assert_eq!(next.to_rfc3339(), "2026-02-19T21:00:00+00:00");
    /// assert_eq!(clock.now(), next);
    /// assert_eq!(clock.advance(Duration::zero()).unwrap(), next); // a zero step is fine
    /// ```
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, Error> {
        let mut now = self.lock();
        let next = now
            .checked_add_signed(by)
            .ok_or_else(|| Self::out_of_range("by", *now, format!("{now} + {by}")))?;
        *now = Self::check("by", next, *now)?;
        Ok(next)
    }

    /// `at` when it lies in `earliest ..= LATEST`.
    fn check(
        field: &str,
        at: DateTime<Utc>,
        earliest: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, Error> {
        if (earliest..=Self::LATEST).contains(&at) {
            Ok(at)
        } else {
            Err(Self::out_of_range(field, earliest, at.to_rfc3339()))
        }
    }

    fn out_of_range(field: &str, earliest: DateTime<Utc>, got: String) -> Error {
        Error::out_of_range(
            field,
            "instant",
            earliest.to_rfc3339(),
            Self::LATEST.to_rfc3339(),
            got,
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock only means another thread panicked while holding a plain
        // value; the value itself is still valid.
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A clock step of `days`, `hours`, `minutes` and `seconds` (each may be negative)
/// as one duration, or `invalid_input` when the sum does not fit a duration: what
/// the bindings and conformance runners build a [`ManualClock::advance`] from.
///
/// ```
/// use fivergo_core::clock::step;
/// assert_eq!(step(1, 2, 0, 5).unwrap().num_seconds(), 86_400 + 7_200 + 5);
/// assert_eq!(step(i64::MAX, 0, 0, 0).unwrap_err().code(), "invalid_input");
/// ```
pub fn step(days: i64, hours: i64, minutes: i64, seconds: i64) -> Result<Duration, Error> {
    let parts = [
        ("days", days, 86_400),
        ("hours", hours, 3_600),
        ("minutes", minutes, 60),
        ("seconds", seconds, 1),
    ];
    let mut total: i64 = 0;
    for (field, n, unit) in parts {
        total = n
            .checked_mul(unit)
            .and_then(|s| s.checked_add(total))
            .ok_or_else(|| too_long(field, n))?;
    }
    Duration::try_seconds(total).ok_or_else(|| too_long("seconds", total))
}

fn too_long(field: &str, n: i64) -> Error {
    let max = Duration::MAX.num_seconds();
    Error::out_of_range(
        field,
        "clock step",
        format!("-{max} s"),
        format!("{max} s"),
        n,
    )
}

/// `at + by`, or the end of the calendar when that lies past it: instants the rules
/// derive (deadlines, ends of grace, leases) never panic on overflow.
pub(crate) fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at.checked_add_signed(by)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}
