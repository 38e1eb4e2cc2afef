//! Billing months anchored on the subscription date (SPEC T3, S1).
//!
//! The n-th anniversary is always computed from the original anchor, clamped to the
//! last day of short months: an anchor of Jan 31 renews Feb 28 (29 in leap years),
//! then Mar 31 — never drifting to the 28th. Instants are UTC.

use chrono::{DateTime, Datelike, Months, Utc};
use serde::{Deserialize, Serialize};

/// The `n`-th monthly anniversary of `anchor` (`n = 0` is the anchor itself).
///
/// ```
/// use fivergo_core::billing::anniversary;
/// let anchor = "2027-01-31T10:00:00Z".parse().unwrap();
/// assert_eq!(anniversary(anchor, 1).to_rfc3339(), "2027-02-28T10:00:00+00:00");
/// assert_eq!(anniversary(anchor, 2).to_rfc3339(), "2027-03-31T10:00:00+00:00");
/// assert_eq!(anniversary(anchor, 13).to_rfc3339(), "2028-02-29T10:00:00+00:00");
/// ```
pub fn anniversary(anchor: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    // chrono clamps to the month's last day; beyond year 262143 there is nothing to bill.
    anchor
        .checked_add_months(Months::new(n))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// One billing month: `[start, end)`, the `index`-th since the anchor.
///
/// ```
/// use fivergo_core::billing::BillingPeriod;
/// let anchor = "2026-02-18T00:00:00Z".parse().unwrap();
/// let p = BillingPeriod::containing(anchor, "2026-03-20T12:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(p.index, 1);
/// assert_eq!(p.start.to_rfc3339(), "2026-03-18T00:00:00+00:00");
/// assert_eq!(p.end.to_rfc3339(), "2026-04-18T00:00:00+00:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPeriod {
    /// 0 for the month starting at the anchor.
    pub index: u32,
    /// First instant of the period (an anniversary).
    #[serde(with = "crate::wire::instant")]
    pub start: DateTime<Utc>,
    /// First instant after it (the next anniversary): when counters renew.
    #[serde(with = "crate::wire::instant")]
    pub end: DateTime<Utc>,
}

impl BillingPeriod {
    /// The `index`-th period of `anchor`.
    ///
    /// ```
    /// use fivergo_core::billing::BillingPeriod;
    /// let anchor = "2026-01-31T00:00:00Z".parse().unwrap();
    /// let feb = BillingPeriod::nth(anchor, 1);
    /// assert_eq!(feb.start.to_rfc3339(), "2026-02-28T00:00:00+00:00"); // clamped to Feb 28
    /// assert_eq!(feb.end.to_rfc3339(), "2026-03-31T00:00:00+00:00"); // back to the 31st
    /// assert_eq!(BillingPeriod::nth(anchor, 0).start, anchor);
    /// ```
    pub fn nth(anchor: DateTime<Utc>, index: u32) -> Self {
        Self {
            index,
            start: anniversary(anchor, index),
            end: anniversary(anchor, index.saturating_add(1)),
        }
    }

    /// The period that contains `at`, or `None` before the anchor.
    ///
    /// ```
    /// use fivergo_core::billing::BillingPeriod;
    /// let anchor = "2026-02-18T15:30:00Z".parse().unwrap();
    /// let first = BillingPeriod::containing(anchor, "2026-03-18T15:29:59Z".parse().unwrap()).unwrap();
    /// assert_eq!(first.index, 0); // one second before the anniversary
    /// let second = BillingPeriod::containing(anchor, first.end).unwrap();
    /// assert_eq!(second, BillingPeriod::nth(anchor, 1));
    /// assert!(BillingPeriod::containing(anchor, "2026-01-01T00:00:00Z".parse().unwrap()).is_none());
    /// ```
    pub fn containing(anchor: DateTime<Utc>, at: DateTime<Utc>) -> Option<Self> {
        if at < anchor {
            return None;
        }
        let months = (at.year() - anchor.year()) * 12 + at.month() as i32 - anchor.month() as i32;
        let mut n = u32::try_from(months.max(0)).unwrap_or(0);
        // The month difference is exact or one too many (same month, earlier day/time).
        while n > 0 && anniversary(anchor, n) > at {
            n -= 1;
        }
        while anniversary(anchor, n + 1) <= at {
            n += 1;
        }
        Some(Self::nth(anchor, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn feb_18_renews_mar_18() {
        // R: T3
        let anchor = t("2026-02-18T15:30:00Z");
        assert_eq!(anniversary(anchor, 1), t("2026-03-18T15:30:00Z"));
        let p = BillingPeriod::containing(anchor, t("2026-03-18T15:29:59Z")).unwrap();
        assert_eq!((p.index, p.end), (0, t("2026-03-18T15:30:00Z")));
        let p = BillingPeriod::containing(anchor, t("2026-03-18T15:30:00Z")).unwrap();
        assert_eq!(p.index, 1);
    }

    #[test]
    fn month_end_anchor_clamps_without_drifting() {
        // R: T3
        let anchor = t("2026-01-31T00:00:00Z");
        let got: Vec<_> = (0..5)
            .map(|n| anniversary(anchor, n).date_naive().to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2026-01-31",
                "2026-02-28",
                "2026-03-31",
                "2026-04-30",
                "2026-05-31"
            ]
        );
        assert_eq!(
            anniversary(t("2027-01-30T00:00:00Z"), 13)
                .date_naive()
                .to_string(),
            "2028-02-29"
        );
    }

    #[test]
    fn before_the_anchor_there_is_no_period() {
        // R: T3
        assert!(
            BillingPeriod::containing(t("2026-05-01T00:00:00Z"), t("2026-04-30T23:59:59Z"))
                .is_none()
        );
    }

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2000-01-01 .. 2100-01-01
        (946_684_800i64..4_102_444_800i64).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
    }

    proptest! {
        #[test]
        fn anniversaries_never_drift(anchor in any_instant(), n in 0u32..400) {
            // R: T3
            let a = anniversary(anchor, n);
            let b = anniversary(anchor, n + 1);
            prop_assert!(b > a, "strictly increasing");
            let days = (b - a).num_days();
            prop_assert!((28..=31).contains(&days), "period of {} days", days);
            // The day of month is the anchor's, or the month's last day when shorter.
            let expected_day = anchor.day().min(last_day(b.year(), b.month()));
            prop_assert_eq!(b.day(), expected_day);
            prop_assert_eq!(b.time(), anchor.time());
        }

        #[test]
        fn nth_directly_equals_stepping(anchor in any_instant(), n in 1u32..60) {
            // R: T3
            let mut period = BillingPeriod::nth(anchor, 0);
            for _ in 0..n {
                period = BillingPeriod::containing(anchor, period.end).unwrap();
            }
            prop_assert_eq!(period, BillingPeriod::nth(anchor, n));
        }

        #[test]
        fn containing_contains(anchor in any_instant(), offset in 0i64..(20 * 366 * 86_400)) {
            // R: T3
            let at = anchor + chrono::Duration::seconds(offset);
            let p = BillingPeriod::containing(anchor, at).unwrap();
            prop_assert!(p.start <= at && at < p.end);
        }
    }

    fn last_day(year: i32, month: u32) -> u32 {
        (28..=31)
            .rev()
            .find(|d| chrono::NaiveDate::from_ymd_opt(year, month, *d).is_some())
            .unwrap()
    }
}
