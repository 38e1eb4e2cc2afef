//! The seller subscription (SPEC S1–S5): monthly fee, balance-first renewals,
//! past-due with a grace period, cancel at period end and resume, idempotent charges.

use crate::billing::{anniversary, BillingPeriod};
use crate::error::Error;
use crate::ids::{PaymentMethodId, SellerId, SubscriptionId};
use crate::money::Money;
use crate::policy::Policy;
use crate::seller::{PaymentMethod, PaymentMethodKind};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Why a subscription ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The seller cancelled; it ended at the end of the paid cycle (S3).
    Cancelled,
    /// A renewal stayed unpaid past the grace period (S2).
    PaymentFailed,
}

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Paid for the current billing month; AI features on.
    Active,
    /// A renewal failed at `since`; AI features stop until paid (S2).
    PastDue {
        /// When the unpaid period began.
        since: DateTime<Utc>,
        /// The unpaid period's index.
        period: u32,
    },
    /// Over; past orders and assets stay readable (S4).
    Ended {
        /// When it ended.
        at: DateTime<Utc>,
        /// Why.
        reason: EndReason,
    },
}

/// Where a charge was taken from (S2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChargeSource {
    /// The seller's available balance.
    Balance,
    /// A stored card or PayPal account.
    PaymentMethod {
        /// Its id.
        id: PaymentMethodId,
        /// Card or PayPal.
        kind: PaymentMethodKind,
        /// The gateway's reference for the charge.
        reference: String,
    },
}

/// One recorded charge, unique by its idempotency key (S5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// `"<subscription>/<period>"`: the same period can never be charged twice.
    pub idempotency_key: String,
    /// The billing month paid.
    pub period: u32,
    /// The fee.
    pub amount: Money,
    /// Balance or stored method.
    pub source: ChargeSource,
    /// When it was taken.
    pub at: DateTime<Utc>,
}

/// A seller's subscription to the AI features.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Minted by the hub.
    pub id: SubscriptionId,
    /// The subscriber.
    pub seller: SellerId,
    /// The subscription date: billing months and quota renewals count from it (T3).
    pub anchor: DateTime<Utc>,
    /// The card or PayPal of the first payment, charged when the balance is short.
    pub method: PaymentMethodId,
    /// Where it stands.
    pub status: SubscriptionStatus,
    /// Set by cancel, cleared by resume: ends when the paid cycle ends (S3).
    pub cancel_at_period_end: bool,
    /// Billing months paid so far: months `0..paid_periods`.
    pub paid_periods: u32,
    /// Every charge, by period.
    pub charges: Vec<Charge>,
}

/// The next thing a subscription needs at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Period `period` starts unpaid: renew it.
    Renew {
        /// The period to charge.
        period: u32,
        /// Its start.
        at: DateTime<Utc>,
    },
    /// The subscription ends at `at`.
    End {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: EndReason,
    },
}

impl Subscription {
    /// The idempotency key of `period`'s charge (S5).
    ///
    /// ```
    /// use fivergo_core::subscription::Subscription;
    /// assert_eq!(Subscription::charge_key(&"sub-1".into(), 3), "sub-1/3");
    /// ```
    pub fn charge_key(id: &SubscriptionId, period: u32) -> String {
        format!("{id}/{period}")
    }

    /// Whether `period` has been charged already.
    pub fn is_charged(&self, period: u32) -> bool {
        let key = Self::charge_key(&self.id, period);
        self.charges.iter().any(|c| c.idempotency_key == key)
    }

    /// True while AI features are on: active, even if cancelled for the period end.
    pub fn is_active(&self) -> bool {
        self.status == SubscriptionStatus::Active
    }

    /// True unless ended.
    pub fn is_live(&self) -> bool {
        !matches!(self.status, SubscriptionStatus::Ended { .. })
    }

    /// A word for UIs and errors: `active`, `cancelling`, `past_due`, `ended`.
    pub fn state_name(&self) -> &'static str {
        match self.status {
            SubscriptionStatus::Active if self.cancel_at_period_end => "cancelling",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue { .. } => "past_due",
            SubscriptionStatus::Ended { .. } => "ended",
        }
    }

    /// The end of the paid cycle: the anniversary after the last paid month.
    pub fn paid_until(&self) -> DateTime<Utc> {
        anniversary(self.anchor, self.paid_periods)
    }

    /// The billing month containing `at` (T3).
    pub fn period_at(&self, at: DateTime<Utc>) -> BillingPeriod {
        BillingPeriod::containing(self.anchor, at).unwrap_or_else(|| BillingPeriod::nth(self.anchor, 0))
    }

    /// What is due at `now`, if anything (renewal, end after cancel, end after grace).
    ///
    /// ```
    /// use fivergo_core::{subscription::*, Policy, Money, Currency};
    /// let anchor = "2026-02-18T00:00:00Z".parse().unwrap();
    /// let sub = Subscription { id: "sub-1".into(), seller: "ana".into(), anchor, method: "card-1".into(),
    ///     status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
    /// let p = Policy::default();
    /// assert_eq!(sub.due("2026-03-17T23:59:59Z".parse().unwrap(), &p), None);
    /// assert_eq!(sub.due("2026-03-18T00:00:00Z".parse().unwrap(), &p),
    ///     Some(Due::Renew { period: 1, at: "2026-03-18T00:00:00Z".parse().unwrap() }));
    /// ```
    pub fn due(&self, now: DateTime<Utc>, policy: &Policy) -> Option<Due> {
        match self.status {
            SubscriptionStatus::Active => {
                let at = self.paid_until();
                (now >= at).then_some(if self.cancel_at_period_end {
                    Due::End { at, reason: EndReason::Cancelled }
                } else {
                    Due::Renew { period: self.paid_periods, at }
                })
            }
            SubscriptionStatus::PastDue { since, .. } => {
                let at = since + Duration::days(i64::from(policy.subscription.grace_period_days));
                (now >= at).then_some(Due::End { at, reason: EndReason::PaymentFailed })
            }
            SubscriptionStatus::Ended { .. } => None,
        }
    }

    /// `Ok` if the subscription can be cancelled now (S3).
    pub fn ensure_cancellable(&self) -> Result<(), Error> {
        match self.status {
            SubscriptionStatus::Ended { at, .. } => Err(Error::SubscriptionEnded { subscription: self.id.clone(), ended_at: at }),
            _ if self.cancel_at_period_end => {
                Err(Error::AlreadyCancelled { subscription: self.id.clone(), ends_at: self.paid_until() })
            }
            _ => Ok(()),
        }
    }

    /// `Ok` if a cancelled subscription can be resumed now (S3 decision).
    pub fn ensure_resumable(&self) -> Result<(), Error> {
        match self.status {
            SubscriptionStatus::Ended { at, .. } => Err(Error::SubscriptionEnded { subscription: self.id.clone(), ended_at: at }),
            _ if !self.cancel_at_period_end => Err(Error::NotCancelled { subscription: self.id.clone() }),
            _ => Ok(()),
        }
    }
}

/// A request to charge a stored payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeRequest {
    /// The same key for the same period, on every retry (S5): a gateway must not
    /// charge a key twice.
    pub idempotency_key: String,
    /// Who pays.
    pub seller: SellerId,
    /// The stored method.
    pub method: PaymentMethod,
    /// How much.
    pub amount: Money,
}

/// The host's payment processor, called only for card / PayPal charges.
///
/// Outcomes are recorded in events, so replaying a log never calls the gateway.
pub trait PaymentGateway: Send {
    /// Charges the method; returns the processor's reference, or a decline reason.
    fn charge(&mut self, request: &ChargeRequest) -> Result<String, String>;
}

/// An in-memory gateway for tests, demos and simulations: approves every charge
/// except for methods marked declined, and never charges a key twice.
///
/// Clones share their state, so a test can keep a handle on the hub's gateway.
///
/// ```
/// use fivergo_core::subscription::*;
/// use fivergo_core::*;
/// let mut gw = SimulatedGateway::default();
/// let req = ChargeRequest { idempotency_key: "sub-1/0".into(), seller: "ana".into(),
///     method: PaymentMethod::new("card-1", PaymentMethodKind::Card, "Visa"),
///     amount: Money::parse("25", Currency::Usd).unwrap() };
/// let first = gw.charge(&req).unwrap();
/// assert_eq!(gw.charge(&req).unwrap(), first); // same key, same charge
/// assert_eq!(gw.charges().len(), 1);
/// gw.set_declined("card-1", true);
/// let retry = ChargeRequest { idempotency_key: "sub-1/1".into(), ..req };
/// assert!(gw.charge(&retry).is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct SimulatedGateway {
    state: Arc<Mutex<GatewayState>>,
}

#[derive(Debug, Default)]
struct GatewayState {
    declined: std::collections::BTreeSet<PaymentMethodId>,
    charges: BTreeMap<String, ChargeRequest>,
}

impl SimulatedGateway {
    /// Makes `method` decline (or approve again).
    pub fn set_declined(&self, method: impl Into<PaymentMethodId>, declined: bool) {
        let mut s = self.lock();
        let method = method.into();
        if declined {
            s.declined.insert(method);
        } else {
            s.declined.remove(&method);
        }
    }

    /// Every charge taken, by idempotency key.
    pub fn charges(&self) -> Vec<ChargeRequest> {
        self.lock().charges.values().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GatewayState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PaymentGateway for SimulatedGateway {
    fn charge(&mut self, request: &ChargeRequest) -> Result<String, String> {
        let mut s = self.lock();
        if s.charges.contains_key(&request.idempotency_key) {
            return Ok(format!("sim:{}", request.idempotency_key));
        }
        if s.declined.contains(&request.method.id) {
            return Err(format!("{} declined by the issuer", request.method.label));
        }
        s.charges.insert(request.idempotency_key.clone(), request.clone());
        Ok(format!("sim:{}", request.idempotency_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(paid: u32, status: SubscriptionStatus, cancel: bool) -> Subscription {
        Subscription {
            id: "sub-1".into(),
            seller: "ana".into(),
            anchor: "2026-01-31T12:00:00Z".parse().unwrap(),
            method: "card-1".into(),
            status,
            cancel_at_period_end: cancel,
            paid_periods: paid,
            charges: vec![],
        }
    }

    #[test]
    fn renewals_fall_on_clamped_anniversaries() {
        // R: S1, T3
        let p = Policy::default();
        let s = sub(1, SubscriptionStatus::Active, false);
        assert_eq!(s.paid_until().to_rfc3339(), "2026-02-28T12:00:00+00:00");
        assert_eq!(
            s.due("2026-03-01T00:00:00Z".parse().unwrap(), &p),
            Some(Due::Renew { period: 1, at: "2026-02-28T12:00:00Z".parse().unwrap() })
        );
        assert_eq!(sub(2, SubscriptionStatus::Active, false).paid_until().to_rfc3339(), "2026-03-31T12:00:00+00:00");
    }

    #[test]
    fn cancelled_ends_at_period_end_and_past_due_after_grace() {
        // R: S2, S3
        let p = Policy::default();
        let s = sub(1, SubscriptionStatus::Active, true);
        assert_eq!(s.state_name(), "cancelling");
        assert!(s.is_active());
        assert_eq!(
            s.due("2026-02-28T12:00:00Z".parse().unwrap(), &p),
            Some(Due::End { at: "2026-02-28T12:00:00Z".parse().unwrap(), reason: EndReason::Cancelled })
        );
        let since = "2026-02-28T12:00:00Z".parse().unwrap();
        let s = sub(1, SubscriptionStatus::PastDue { since, period: 1 }, false);
        assert!(!s.is_active());
        assert_eq!(s.due("2026-03-07T11:59:59Z".parse().unwrap(), &p), None);
        assert_eq!(
            s.due("2026-03-07T12:00:00Z".parse().unwrap(), &p),
            Some(Due::End { at: "2026-03-07T12:00:00Z".parse().unwrap(), reason: EndReason::PaymentFailed })
        );
    }

    #[test]
    fn cancel_twice_or_after_end_is_an_error_and_resume_needs_cancel() {
        // R: S3
        let s = sub(1, SubscriptionStatus::Active, false);
        assert!(s.ensure_cancellable().is_ok());
        assert_eq!(s.ensure_resumable().unwrap_err().code(), "not_cancelled");
        let s = sub(1, SubscriptionStatus::Active, true);
        assert_eq!(s.ensure_cancellable().unwrap_err().code(), "already_cancelled");
        assert!(s.ensure_resumable().is_ok());
        let ended = SubscriptionStatus::Ended { at: "2026-02-28T12:00:00Z".parse().unwrap(), reason: EndReason::Cancelled };
        let s = sub(1, ended, true);
        assert_eq!(s.ensure_cancellable().unwrap_err().code(), "subscription_ended");
        assert_eq!(s.ensure_resumable().unwrap_err().code(), "subscription_ended");
    }
}
