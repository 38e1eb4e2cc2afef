//! Explicit time: every rule reads the time from a [`Clock`], never from the system.

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
/// another.
///
/// ```
/// use chrono::Duration;
/// use fivergo_core::{Clock, ManualClock};
/// let clock = ManualClock::at("2026-01-31T00:00:00Z".parse().unwrap());
/// let handle = clock.clone();
/// handle.advance(Duration::days(1));
/// assert_eq!(clock.now().to_rfc3339(), "2026-02-01T00:00:00+00:00");
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A manual clock reading `start`.
    pub fn at(start: DateTime<Utc>) -> Self {
        Self { now: Arc::new(Mutex::new(start)) }
    }

    /// Sets the clock to `instant` (it may move backwards: the caller decides).
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.lock() = instant;
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.lock();
        *now += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock only means another thread panicked while holding a plain
        // value; the value itself is still valid.
        self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}
