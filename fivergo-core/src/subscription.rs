//! The seller subscription (SPEC S1–S5): monthly fee, balance-first renewals,
//! past-due with a grace period, cancel at period end and resume, idempotent charges.

use crate::billing::{anniversary, BillingPeriod};
use crate::context::Context;
use crate::error::Error;
use crate::event::{Event, UnpublishReason};
use crate::ids::{ModelId, PaymentMethodId, SellerId, SubscriptionId};
use crate::money::Money;
use crate::policy::Policy;
use crate::seller::{PaymentMethod, PaymentMethodKind, Seller};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Why a subscription ended.
///
/// ```
/// use fivergo_core::{subscription::EndReason, *};
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let gateway = SimulatedGateway::default();
/// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// let ends_at = hub.cancel_subscription("ana").unwrap().value; // at the end of the paid month (S3)
/// clock.set(ends_at).unwrap();
/// hub.tick().unwrap();
/// let status = hub.subscription("ana").unwrap().unwrap().status;
/// assert_eq!(status, SubscriptionStatus::Ended { at: ends_at, reason: EndReason::Cancelled });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The seller cancelled; it ended at the end of the paid cycle (S3).
    Cancelled,
    /// A renewal stayed unpaid past the grace period (S2).
    PaymentFailed,
}

/// Where a subscription stands.
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let gateway = SimulatedGateway::default();
/// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// assert_eq!(hub.subscription("ana").unwrap().unwrap().status, SubscriptionStatus::Active);
/// gateway.set_declined("card", true);
/// let renewal = "2026-03-18T09:00:00Z".parse().unwrap();
/// clock.set(renewal).unwrap();
/// hub.tick().unwrap(); // the renewal is declined: past due (S2)
/// let status = hub.subscription("ana").unwrap().unwrap().status;
/// assert_eq!(status, SubscriptionStatus::PastDue { since: renewal, period: 1 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Paid for the current billing month; AI features on.
    Active,
    /// A renewal failed at `since`; AI features stop until paid (S2).
    PastDue {
        /// When the unpaid period began.
        #[serde(with = "crate::wire::instant")]
        since: DateTime<Utc>,
        /// The unpaid period's index.
        period: u32,
    },
    /// Over; past orders and assets stay readable (S4).
    Ended {
        /// When it ended.
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
        /// Why.
        reason: EndReason,
    },
}

/// Where a charge was taken from (S2).
///
/// ```
/// use fivergo_core::{subscription::ChargeSource, *};
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let gateway = SimulatedGateway::default();
/// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// hub.credit_balance("ana", Money::parse("30", Currency::Usd).unwrap()).unwrap();
/// clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap();
/// hub.tick().unwrap(); // the balance covers the fee: it pays first (S2)
/// let charges = hub.subscription("ana").unwrap().unwrap().charges;
/// assert!(matches!(&charges[0].source, ChargeSource::PaymentMethod { reference, .. } if reference == "sim:ana/sub-1/0"));
/// assert_eq!(charges[1].source, ChargeSource::Balance);
/// assert_eq!(hub.seller("ana").unwrap().balance.to_string(), "5.00 USD");
/// ```
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
///
/// ```
/// use fivergo_core::{subscription::Charge, *};
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let gateway = SimulatedGateway::default();
/// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// let first: Charge = hub.subscription("ana").unwrap().unwrap().charges.remove(0);
/// assert_eq!((first.idempotency_key.as_str(), first.period), ("ana/sub-1/0", 0));
/// assert_eq!((first.amount.to_string(), first.at), ("25.00 USD".to_string(), hub.now()));
/// ```
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
    #[serde(with = "crate::wire::instant")]
    pub at: DateTime<Utc>,
}

/// A seller's subscription to the AI features.
///
/// Its serialized form also carries two derived instants a UI needs:
/// `current_period_end` ([`Subscription::current_period_end`]) and `renews_at`
/// ([`Subscription::renews_at`]); they are ignored when read back.
///
/// ```
/// use fivergo_core::subscription::*;
/// let anchor = "2026-01-31T00:00:00Z".parse().unwrap();
/// let sub = Subscription { id: "sub-1".into(), seller: "ana".into(), anchor, method: "card-1".into(),
///     status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
/// let json = serde_json::to_value(&sub).unwrap();
/// assert_eq!(json["renews_at"], "2026-02-28T00:00:00Z");
/// assert_eq!(serde_json::from_value::<Subscription>(json).unwrap(), sub);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Subscription {
    /// Minted by the hub.
    pub id: SubscriptionId,
    /// The subscriber.
    pub seller: SellerId,
    /// The subscription date: billing months and quota renewals count from it (T3).
    #[serde(with = "crate::wire::instant")]
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

impl Serialize for Subscription {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct At(Option<DateTime<Utc>>);
        impl Serialize for At {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::wire::instant_opt::serialize(&self.0, s)
            }
        }
        struct Anchor<'a>(&'a DateTime<Utc>);
        impl Serialize for Anchor<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::wire::instant::serialize(self.0, s)
            }
        }
        let mut s = serializer.serialize_struct("Subscription", 10)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("seller", &self.seller)?;
        s.serialize_field("anchor", &Anchor(&self.anchor))?;
        s.serialize_field("method", &self.method)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("cancel_at_period_end", &self.cancel_at_period_end)?;
        s.serialize_field("paid_periods", &self.paid_periods)?;
        s.serialize_field("charges", &self.charges)?;
        s.serialize_field("current_period_end", &At(self.current_period_end()))?;
        s.serialize_field("renews_at", &At(self.renews_at()))?;
        s.end()
    }
}

/// The next thing a subscription needs at some instant.
///
/// ```
/// use fivergo_core::{subscription::*, *};
/// # let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T09:00:00Z".parse().unwrap(),
/// #     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
/// let policy = Policy::default();
/// let mut sub = sub;
/// sub.cancel_at_period_end = true;
/// let end = "2026-03-18T09:00:00Z".parse().unwrap();
/// assert_eq!(sub.due(end, &policy), Some(Due::End { at: end, reason: EndReason::Cancelled }));
/// ```
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
    /// assert_eq!(Subscription::charge_key(&"ana/sub-1".into(), 3), "ana/sub-1/3");
    /// ```
    pub fn charge_key(id: &SubscriptionId, period: u32) -> String {
        format!("{id}/{period}")
    }

    /// Whether `period` has been charged already.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert!(sub.is_charged(0) && !sub.is_charged(1));
    /// ```
    pub fn is_charged(&self, period: u32) -> bool {
        let key = Self::charge_key(&self.id, period);
        self.charges.iter().any(|c| c.idempotency_key == key)
    }

    /// `Ok` while `subscription` keeps the AI features on (active, even if cancelled
    /// for the period end), else `subscription_required` naming `action` and the
    /// subscription's state (`none`, `past_due`, `ended`; S2, S4).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let err = Subscription::require_active(&"ana".into(), None, "publish").unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("subscription_required", Some("S4")));
    /// assert_eq!(err.details()["state"], "none");
    /// ```
    pub fn require_active(
        seller: &SellerId,
        subscription: Option<&Subscription>,
        action: &str,
    ) -> Result<(), Error> {
        match subscription {
            Some(s) if s.is_active() => Ok(()),
            other => Err(Error::SubscriptionRequired {
                seller: seller.clone(),
                action: action.into(),
                state: other.map_or("none", Subscription::state_name).into(),
            }),
        }
    }

    /// True while AI features are on: active, even if cancelled for the period end.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # gateway.set_declined("card", true);
    /// # clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap();
    /// # hub.tick().unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert!(!sub.is_active()); // past due: AI features stop (S2)
    /// hub.credit_balance("ana", Money::parse("25", Currency::Usd).unwrap()).unwrap();
    /// hub.pay_past_due("ana").unwrap();
    /// assert!(hub.subscription("ana").unwrap().unwrap().is_active());
    /// ```
    pub fn is_active(&self) -> bool {
        self.status == SubscriptionStatus::Active
    }

    /// True unless ended.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # gateway.set_declined("card", true);
    /// # clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap();
    /// # hub.tick().unwrap();
    /// assert!(hub.subscription("ana").unwrap().unwrap().is_live()); // past due, within the grace period
    /// clock.advance(chrono::Duration::days(7)).unwrap();
    /// hub.tick().unwrap();
    /// assert!(!hub.subscription("ana").unwrap().unwrap().is_live()); // ended (S2)
    /// ```
    pub fn is_live(&self) -> bool {
        !matches!(self.status, SubscriptionStatus::Ended { .. })
    }

    /// A word for UIs and errors: `active`, `cancelling`, `past_due`, `ended`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().state_name(), "active");
    /// hub.cancel_subscription("ana").unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().state_name(), "cancelling");
    /// ```
    pub fn state_name(&self) -> &'static str {
        match self.status {
            SubscriptionStatus::Active if self.cancel_at_period_end => "cancelling",
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue { .. } => "past_due",
            SubscriptionStatus::Ended { .. } => "ended",
        }
    }

    /// The end of the paid cycle: the anniversary after the last paid month.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert_eq!(sub.paid_until().to_rfc3339(), "2026-03-18T09:00:00+00:00");
    /// assert_eq!(hub.cancel_subscription("ana").unwrap().value, sub.paid_until());
    /// ```
    pub fn paid_until(&self) -> DateTime<Utc> {
        anniversary(self.anchor, self.paid_periods)
    }

    /// The end of the billing month paid last (S1, S3): while active the features run
    /// until then; `None` once ended. Past due, it is when the unpaid month began.
    ///
    /// ```
    /// use fivergo_core::subscription::*;
    /// let anchor = "2026-01-31T00:00:00Z".parse().unwrap();
    /// let mut sub = Subscription { id: "sub-1".into(), seller: "ana".into(), anchor, method: "card-1".into(),
    ///     status: SubscriptionStatus::Active, cancel_at_period_end: true, paid_periods: 2, charges: vec![] };
    /// assert_eq!(sub.current_period_end(), Some("2026-03-31T00:00:00Z".parse().unwrap()));
    /// assert_eq!(sub.renews_at(), None); // cancelled: it ends then instead
    /// sub.cancel_at_period_end = false;
    /// assert_eq!(sub.renews_at(), sub.current_period_end());
    /// ```
    pub fn current_period_end(&self) -> Option<DateTime<Utc>> {
        self.is_live().then(|| self.paid_until())
    }

    /// When the next renewal will be charged (S1, S2): the end of the current period
    /// while active and not cancelled; `None` when cancelling, past due or ended.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert_eq!(sub.renews_at(), Some(sub.paid_until()));
    /// hub.cancel_subscription("ana").unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().renews_at(), None);
    /// ```
    pub fn renews_at(&self) -> Option<DateTime<Utc>> {
        (self.is_active() && !self.cancel_at_period_end).then(|| self.paid_until())
    }

    /// The billing month containing `at` (T3).
    ///
    /// ```
    /// use fivergo_core::{subscription::*, *};
    /// # let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T09:00:00Z".parse().unwrap(),
    /// #     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
    /// assert_eq!(sub.period_at("2026-03-01T00:00:00Z".parse().unwrap()).index, 0);
    /// let second = sub.period_at("2026-03-18T09:00:00Z".parse().unwrap());
    /// assert_eq!((second.index, second.end.to_rfc3339()), (1, "2026-04-18T09:00:00+00:00".to_string()));
    /// ```
    pub fn period_at(&self, at: DateTime<Utc>) -> BillingPeriod {
        BillingPeriod::containing(self.anchor, at)
            .unwrap_or_else(|| BillingPeriod::nth(self.anchor, 0))
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
                    Due::End {
                        at,
                        reason: EndReason::Cancelled,
                    }
                } else {
                    Due::Renew {
                        period: self.paid_periods,
                        at,
                    }
                })
            }
            SubscriptionStatus::PastDue { since, .. } => {
                let at = grace_end(since, policy);
                (now >= at).then_some(Due::End {
                    at,
                    reason: EndReason::PaymentFailed,
                })
            }
            SubscriptionStatus::Ended { .. } => None,
        }
    }

    /// When [`Subscription::due`] next has something to do: the end of the paid cycle
    /// while active (a renewal, or the end after a cancel), the end of the grace
    /// period while past due, never once ended. What a store's due index holds.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # gateway.set_declined("card", true);
    /// # clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap();
    /// # hub.tick().unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// let grace_end = "2026-03-25T09:00:00Z".parse().unwrap(); // 7 days after the declined renewal
    /// assert_eq!(sub.next_due(hub.policy()), Some(grace_end));
    /// ```
    pub fn next_due(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        match self.status {
            SubscriptionStatus::Active => Some(self.paid_until()),
            SubscriptionStatus::PastDue { since, .. } => Some(grace_end(since, policy)),
            SubscriptionStatus::Ended { .. } => None,
        }
    }

    /// S1, S2: checks that `seller` may subscribe with `method` now and returns the
    /// first month's charge to ask the gateway for.
    ///
    /// ```
    /// use fivergo_core::{subscription::Subscription, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let mut ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// ana.payment_methods.push(PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"));
    /// let request = Subscription::prepare(&ana, None, &"card".into(), &ctx).unwrap();
    /// assert_eq!((request.idempotency_key.as_str(), request.amount.to_string()), ("ana/sub-1/0", "25.00 USD".into()));
    /// let events = Subscription::start(&request, Ok("ch_1".into()), &ctx).unwrap();
    /// assert_eq!(events.iter().map(Event::kind).collect::<Vec<_>>(), ["subscribed", "subscription_charged"]);
    /// ```
    pub fn prepare(
        seller: &Seller,
        latest: Option<&Subscription>,
        method: &PaymentMethodId,
        ctx: &Context,
    ) -> Result<ChargeRequest, Error> {
        seller.ensure_eligible(ctx.policy)?;
        if let Some(sub) = latest.filter(|sub| sub.is_live()) {
            return Err(Error::AlreadySubscribed {
                seller: seller.id.clone(),
                subscription: sub.id.clone(),
            });
        }
        let method = seller.payment_method(method)?.clone();
        let key = Self::charge_key(&ctx.ids.subscription(), 0);
        Ok(ChargeRequest {
            idempotency_key: key,
            seller: seller.id.clone(),
            method,
            amount: ctx.policy.monthly_fee(),
        })
    }

    /// The subscription that the gateway's answer to `request` starts: a decline
    /// creates nothing (`payment_declined`, S2), nor does a processor that did not
    /// answer (`gateway_unavailable`: the retry sends the same key, S5).
    ///
    /// ```
    /// use fivergo_core::subscription::{ChargeFailure, Subscription};
    /// use fivergo_core::*;
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let mut ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// ana.payment_methods.push(PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"));
    /// let request = Subscription::prepare(&ana, None, &"card".into(), &ctx).unwrap();
    /// let declined = Subscription::start(&request, Err(ChargeFailure::Declined("expired card".into())), &ctx);
    /// assert_eq!(declined.unwrap_err().code(), "payment_declined"); // nothing starts (S2)
    /// ```
    pub fn start(
        request: &ChargeRequest,
        answer: Result<String, ChargeFailure>,
        ctx: &Context,
    ) -> Result<Vec<Event>, Error> {
        let reference = answer.map_err(|failure| request.refusal(failure))?;
        let (id, at) = (ctx.ids.subscription(), ctx.now);
        let subscription = Subscription {
            id: id.clone(),
            seller: request.seller.clone(),
            anchor: at,
            method: request.method.id.clone(),
            status: SubscriptionStatus::Active,
            cancel_at_period_end: false,
            paid_periods: 0,
            charges: Vec::new(),
        };
        let source = ChargeSource::PaymentMethod {
            id: request.method.id.clone(),
            kind: request.method.kind,
            reference,
        };
        let charge = Charge {
            idempotency_key: request.idempotency_key.clone(),
            period: 0,
            amount: request.amount,
            source,
            at,
        };
        Ok(vec![
            Event::Subscribed { subscription },
            Event::SubscriptionCharged {
                subscription: id,
                seller: request.seller.clone(),
                charge,
            },
        ])
    }

    /// S2: how `period` is paid — from the balance when it covers the fee, else from
    /// the stored card or PayPal (never split).
    ///
    /// ```
    /// use fivergo_core::{subscription::RenewalPlan, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let (sub, ana) = (hub.subscription("ana").unwrap().unwrap(), hub.seller("ana").unwrap());
    /// let RenewalPlan::Charge(request) = sub.renewal_plan(&ana, 1, hub.policy()) else { panic!() };
    /// assert_eq!(request.idempotency_key, "ana/sub-1/1");
    /// hub.credit_balance("ana", Money::parse("25", Currency::Usd).unwrap()).unwrap();
    /// let ana = hub.seller("ana").unwrap();
    /// assert_eq!(sub.renewal_plan(&ana, 1, hub.policy()), RenewalPlan::Balance); // balance first (S2)
    /// ```
    pub fn renewal_plan(&self, seller: &Seller, period: u32, policy: &Policy) -> RenewalPlan {
        let fee = policy.monthly_fee();
        if seller
            .balance
            .cmp_amount(&fee)
            .is_ok_and(|o| o != std::cmp::Ordering::Less)
        {
            return RenewalPlan::Balance;
        }
        match seller.payment_method(&self.method) {
            Ok(method) => RenewalPlan::Charge(ChargeRequest {
                idempotency_key: Self::charge_key(&self.id, period),
                seller: seller.id.clone(),
                method: method.clone(),
                amount: fee,
            }),
            Err(_) => RenewalPlan::Decline {
                method: self.method.clone(),
                reason: "no stored payment method".into(),
            },
        }
    }

    /// The past-due period, or `nothing_past_due` (S2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # gateway.set_declined("card", true);
    /// # clock.set("2026-03-18T09:00:00Z".parse().unwrap()).unwrap();
    /// # hub.tick().unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().past_due_period().unwrap(), 1);
    /// gateway.set_declined("card", false);
    /// hub.pay_past_due("ana").unwrap();
    /// let err = hub.subscription("ana").unwrap().unwrap().past_due_period().unwrap_err();
    /// assert_eq!(err.code(), "nothing_past_due");
    /// ```
    pub fn past_due_period(&self) -> Result<u32, Error> {
        match self.status {
            SubscriptionStatus::PastDue { period, .. } => Ok(period),
            _ => Err(Error::NothingPastDue {
                subscription: self.id.clone(),
            }),
        }
    }

    /// Decides a command about the subscription (S1–S5).
    ///
    /// ```
    /// use fivergo_core::{subscription::*, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-03-18T00:00:00Z".parse().unwrap());
    /// let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T00:00:00Z".parse().unwrap(),
    ///     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
    /// let declined = SubscriptionCommand::RecordRenewal { period: 1, due_at: ctx.now, paid: Err(("card".into(), "insufficient funds".into())) };
    /// assert_eq!(sub.decide(declined, &ctx).unwrap()[0].kind(), "renewal_declined"); // S2: past due
    /// assert_eq!(sub.decide(SubscriptionCommand::Resume, &ctx).unwrap_err().code(), "not_cancelled");
    /// ```
    pub fn decide(
        &self,
        command: SubscriptionCommand<'_>,
        ctx: &Context,
    ) -> Result<Vec<Event>, Error> {
        let (subscription, seller, at) = (self.id.clone(), self.seller.clone(), ctx.now);
        Ok(match command {
            SubscriptionCommand::Cancel => {
                self.ensure_cancellable()?;
                vec![Event::SubscriptionCancelled {
                    subscription,
                    ends_at: self.paid_until(),
                    at,
                }]
            }
            SubscriptionCommand::Resume => {
                self.ensure_resumable()?;
                vec![Event::SubscriptionResumed { subscription, at }]
            }
            SubscriptionCommand::RecordRenewal {
                period,
                due_at,
                paid,
            } => {
                if self.is_charged(period) {
                    return Ok(Vec::new()); // S5: a period is never charged twice
                }
                match paid {
                    Ok(source) => {
                        let charge = Charge {
                            idempotency_key: Self::charge_key(&self.id, period),
                            period,
                            amount: ctx.policy.monthly_fee(),
                            source,
                            at,
                        };
                        vec![
                            Event::SubscriptionCharged {
                                subscription: subscription.clone(),
                                seller: seller.clone(),
                                charge,
                            },
                            Event::QuotaRenewed {
                                seller,
                                subscription,
                                period,
                                at: due_at,
                            },
                        ]
                    }
                    Err((method, reason)) => vec![Event::RenewalDeclined {
                        subscription,
                        period,
                        method,
                        reason,
                        at: due_at,
                    }],
                }
            }
            SubscriptionCommand::End {
                at,
                reason,
                published,
            } => {
                let mut events = vec![Event::SubscriptionEnded {
                    subscription,
                    seller,
                    reason,
                    at,
                }];
                let gone = UnpublishReason::SubscriptionEnded;
                events.extend(published.iter().map(|m| Event::ModelUnpublished {
                    model: m.clone(),
                    reason: gone,
                    at,
                }));
                events
            }
        })
    }

    /// Folds in an event that concerns the subscription; others are ignored.
    ///
    /// ```
    /// use fivergo_core::{subscription::*, *};
    /// # let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T09:00:00Z".parse().unwrap(),
    /// #     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-03-01T00:00:00Z".parse().unwrap());
    /// let mut sub = sub;
    /// let events = sub.decide(SubscriptionCommand::Cancel, &ctx).unwrap();
    /// events.iter().for_each(|e| sub.apply(e));
    /// assert_eq!(sub.state_name(), "cancelling");
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::SubscriptionCharged { charge, .. } => {
                if self.is_charged(charge.period) {
                    return; // S5: a period is never charged twice
                }
                self.charges.push(charge.clone());
                self.paid_periods = self.paid_periods.max(charge.period + 1);
                self.status = SubscriptionStatus::Active;
            }
            Event::RenewalDeclined { period, at, .. }
                if self.status == SubscriptionStatus::Active =>
            {
                self.status = SubscriptionStatus::PastDue {
                    since: *at,
                    period: *period,
                };
            }
            Event::SubscriptionCancelled { .. } => self.cancel_at_period_end = true,
            Event::SubscriptionResumed { .. } => self.cancel_at_period_end = false,
            Event::SubscriptionEnded { reason, at, .. } => {
                self.status = SubscriptionStatus::Ended {
                    at: *at,
                    reason: *reason,
                }
            }
            _ => {}
        }
    }

    /// `Ok` if the subscription can be cancelled now (S3).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// assert!(hub.subscription("ana").unwrap().unwrap().ensure_cancellable().is_ok());
    /// hub.cancel_subscription("ana").unwrap();
    /// let err = hub.subscription("ana").unwrap().unwrap().ensure_cancellable().unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("already_cancelled", Some("S3")));
    /// ```
    pub fn ensure_cancellable(&self) -> Result<(), Error> {
        match self.status {
            SubscriptionStatus::Ended { at, .. } => Err(Error::SubscriptionEnded {
                subscription: self.id.clone(),
                ended_at: at,
            }),
            _ if self.cancel_at_period_end => Err(Error::AlreadyCancelled {
                subscription: self.id.clone(),
                ends_at: self.paid_until(),
            }),
            _ => Ok(()),
        }
    }

    /// `Ok` if a cancelled subscription can be resumed now (S3 decision).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let err = hub.subscription("ana").unwrap().unwrap().ensure_resumable().unwrap_err();
    /// assert_eq!(err.code(), "not_cancelled");
    /// hub.cancel_subscription("ana").unwrap();
    /// assert!(hub.subscription("ana").unwrap().unwrap().ensure_resumable().is_ok());
    /// hub.resume_subscription("ana").unwrap();
    /// ```
    pub fn ensure_resumable(&self) -> Result<(), Error> {
        match self.status {
            SubscriptionStatus::Ended { at, .. } => Err(Error::SubscriptionEnded {
                subscription: self.id.clone(),
                ended_at: at,
            }),
            _ if !self.cancel_at_period_end => Err(Error::NotCancelled {
                subscription: self.id.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// When the grace period of a renewal unpaid since `since` ends (S2); a grace
/// period reaching past the end of the calendar never ends.
fn grace_end(since: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    crate::clock::later(
        since,
        Duration::days(i64::from(policy.subscription.grace_period_days)),
    )
}

/// How a renewal will be paid (S2), for the engine to carry out.
///
/// ```
/// use fivergo_core::{subscription::*, *};
/// # let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T09:00:00Z".parse().unwrap(),
/// #     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
/// let policy = Policy::default();
/// let no_card = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
/// let plan = sub.renewal_plan(&no_card, 1, &policy);
/// assert_eq!(plan, RenewalPlan::Decline { method: "card".into(), reason: "no stored payment method".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalPlan {
    /// The available balance covers the fee.
    Balance,
    /// Charge the stored method through the gateway.
    Charge(ChargeRequest),
    /// Nothing can pay: the renewal is declined.
    Decline {
        /// The method that would have been charged.
        method: PaymentMethodId,
        /// Why.
        reason: String,
    },
}

/// What can happen to a subscription once it started (S2–S5).
///
/// ```
/// use fivergo_core::{subscription::*, *};
/// # let sub = Subscription { id: "ana/sub-1".into(), seller: "ana".into(), anchor: "2026-02-18T09:00:00Z".parse().unwrap(),
/// #     method: "card".into(), status: SubscriptionStatus::Active, cancel_at_period_end: false, paid_periods: 1, charges: vec![] };
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-03-18T09:00:00Z".parse().unwrap());
/// let published = [ModelId::from("ana/model-1")];
/// let end = SubscriptionCommand::End { at: ctx.now, reason: EndReason::Cancelled, published: &published };
/// let kinds: Vec<_> = sub.decide(end, &ctx).unwrap().iter().map(Event::kind).collect();
/// assert_eq!(kinds, ["subscription_ended", "model_unpublished"]); // S4
/// ```
#[derive(Debug, Clone)]
pub enum SubscriptionCommand<'a> {
    /// Cancel at the end of the paid cycle (S3).
    Cancel,
    /// Take the cancellation back (S3 decision).
    Resume,
    /// `period` (due at `due_at`) was paid from `paid`'s source, or declined with
    /// the method and the reason (S2, S5).
    RecordRenewal {
        /// The billing month.
        period: u32,
        /// When it became due.
        due_at: DateTime<Utc>,
        /// The source it was paid from, or the declined method and why.
        paid: Result<ChargeSource, (PaymentMethodId, String)>,
    },
    /// The subscription ends at `at` (S3, S4); `published` are the seller's published
    /// models, unpublished with it.
    End {
        /// When.
        at: DateTime<Utc>,
        /// Why.
        reason: EndReason,
        /// The seller's published models.
        published: &'a [ModelId],
    },
}

/// A request to charge a stored payment method.
///
/// ```
/// use fivergo_core::{subscription::*, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// let mut ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
/// ana.payment_methods.push(PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"));
/// let request: ChargeRequest = Subscription::prepare(&ana, None, &"card".into(), &ctx).unwrap();
/// assert_eq!((request.seller.as_str(), request.method.label.as_str()), ("ana", "Visa"));
/// assert_eq!(SimulatedGateway::default().charge(&request).unwrap(), "sim:ana/sub-1/0");
/// ```
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

/// Why a gateway took no charge.
///
/// ```
/// use fivergo_core::subscription::ChargeFailure;
/// assert_eq!(ChargeFailure::Declined("insufficient funds".into()).to_string(), "declined: insufficient funds");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum ChargeFailure {
    /// The issuer or processor refused it: a renewal becomes past due (S2).
    Declined(String),
    /// No answer (a timeout, a network failure): the charge may or may not have
    /// gone through. Nothing is recorded; the engine asks again later with the same
    /// idempotency key (S5).
    Unavailable(String),
}

impl fmt::Display for ChargeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChargeFailure::Declined(reason) => write!(f, "declined: {reason}"),
            ChargeFailure::Unavailable(reason) => write!(f, "unavailable: {reason}"),
        }
    }
}

impl ChargeRequest {
    /// The refusal a command gets when this charge failed: `payment_declined` (S2),
    /// or `gateway_unavailable` when the processor did not answer (S5: retry).
    ///
    /// ```
    /// use fivergo_core::{subscription::*, *};
    /// let request = ChargeRequest { idempotency_key: "ana/sub-1/1".into(), seller: "ana".into(),
    ///     method: PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"), amount: Policy::default().monthly_fee() };
    /// let declined = request.refusal(ChargeFailure::Declined("expired".into()));
    /// assert_eq!((declined.code(), declined.rule()), ("payment_declined", Some("S2")));
    /// let lost = request.refusal(ChargeFailure::Unavailable("timeout".into()));
    /// assert_eq!((lost.code(), lost.rule()), ("gateway_unavailable", Some("S5"))); // retry with the same key
    /// ```
    pub fn refusal(&self, failure: ChargeFailure) -> Error {
        match failure {
            ChargeFailure::Declined(reason) => Error::PaymentDeclined {
                method: self.method.id.clone(),
                amount: self.amount,
                reason,
            },
            ChargeFailure::Unavailable(reason) => Error::GatewayUnavailable {
                idempotency_key: self.idempotency_key.clone(),
                reason,
            },
        }
    }
}

/// The host's payment processor, called only for card / PayPal charges.
///
/// Outcomes are recorded in events, so replaying a log never calls the gateway. The
/// engine may call it again with the same idempotency key (a retried command, a
/// renewal another process is settling at the same moment, a call that timed out):
/// a gateway must answer a repeated key with the first charge's result and never
/// charge it twice (S5). Shared by every thread of a hub, hence `Sync`.
///
/// ```
/// use fivergo_core::subscription::{ChargeFailure, ChargeRequest};
/// use fivergo_core::*;
/// struct Closed; // a processor that is down
/// impl PaymentGateway for Closed {
///     fn charge(&self, _: &ChargeRequest) -> Result<String, ChargeFailure> {
///         Err(ChargeFailure::Unavailable("maintenance".into()))
///     }
/// }
/// let hub = Hub::builder().gateway(Closed).build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// assert_eq!(hub.subscribe("ana", &"card".into()).unwrap_err().code(), "gateway_unavailable");
/// assert!(hub.subscription("ana").unwrap().is_none()); // nothing recorded
/// ```
pub trait PaymentGateway: Send + Sync {
    /// Charges the method; returns the processor's reference, a decline, or that the
    /// processor did not answer.
    ///
    /// ```
    /// use fivergo_core::{subscription::*, *};
    /// let gateway = SimulatedGateway::default();
    /// let request = ChargeRequest { idempotency_key: "ana/sub-1/0".into(), seller: "ana".into(),
    ///     method: PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"), amount: Policy::default().monthly_fee() };
    /// let reference = gateway.charge(&request).unwrap();
    /// assert_eq!(gateway.charge(&request).unwrap(), reference); // a repeated key is not charged twice (S5)
    /// ```
    fn charge(&self, request: &ChargeRequest) -> Result<String, ChargeFailure>;
}

/// An in-memory gateway for tests, demos and simulations: approves every charge
/// except for methods marked declined, never charges a key twice, and can be told
/// to time out (with or without charging first, as a real processor's lost answer).
///
/// Clones share their state, so a test can keep a handle on the hub's gateway.
///
/// ```
/// use fivergo_core::subscription::*;
/// use fivergo_core::*;
/// let gw = SimulatedGateway::default();
/// let req = ChargeRequest { idempotency_key: "ana/sub-1/0".into(), seller: "ana".into(),
///     method: PaymentMethod::new("card-1", PaymentMethodKind::Card, "Visa"),
///     amount: Money::parse("25", Currency::Usd).unwrap() };
/// let first = gw.charge(&req).unwrap();
/// assert_eq!(gw.charge(&req).unwrap(), first); // same key, same charge
/// assert_eq!(gw.charges().len(), 1);
/// gw.set_declined("card-1", true);
/// let retry = ChargeRequest { idempotency_key: "ana/sub-1/1".into(), ..req };
/// assert!(matches!(gw.charge(&retry), Err(ChargeFailure::Declined(_))));
///
/// // A lost answer: the processor charged, the caller heard nothing.
/// gw.set_declined("card-1", false);
/// gw.time_out_next(1, true);
/// assert!(matches!(gw.charge(&retry), Err(ChargeFailure::Unavailable(_))));
/// assert_eq!(gw.charge(&retry).unwrap(), "sim:ana/sub-1/1"); // the retry finds the charge
/// assert_eq!((gw.charges().len(), gw.calls()), (2, 5));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SimulatedGateway {
    state: Arc<Mutex<GatewayState>>,
}

#[derive(Debug, Default)]
struct GatewayState {
    declined: std::collections::BTreeSet<PaymentMethodId>,
    charges: BTreeMap<String, ChargeRequest>,
    /// Calls still to time out, and whether they charge before timing out.
    time_outs: (u32, bool),
    calls: u64,
}

impl SimulatedGateway {
    /// Makes `method` decline (or approve again).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let gateway = SimulatedGateway::default();
    /// let hub = Hub::builder().gateway(gateway.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// gateway.set_declined("card", true);
    /// assert_eq!(hub.subscribe("ana", &"card".into()).unwrap_err().code(), "payment_declined");
    /// gateway.set_declined("card", false);
    /// assert!(hub.subscribe("ana", &"card".into()).is_ok());
    /// ```
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
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let charges = gateway.charges();
    /// assert_eq!(charges.len(), 1);
    /// assert_eq!((charges[0].idempotency_key.as_str(), charges[0].amount.to_string()), ("ana/sub-1/0", "25.00 USD".to_string()));
    /// ```
    pub fn charges(&self) -> Vec<ChargeRequest> {
        self.lock().charges.values().cloned().collect()
    }

    /// Makes the next `calls` charges time out ([`ChargeFailure::Unavailable`]); with
    /// `after_charging`, each takes the charge first (the answer is what got lost).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let gateway = SimulatedGateway::default();
    /// let hub = Hub::builder().gateway(gateway.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// gateway.time_out_next(1, true); // charged, but the answer is lost
    /// assert_eq!(hub.subscribe("ana", &"card".into()).unwrap_err().code(), "gateway_unavailable");
    /// hub.subscribe("ana", &"card".into()).unwrap(); // the retry sends the same key (S5)
    /// assert_eq!(gateway.charges().len(), 1); // charged once
    /// ```
    pub fn time_out_next(&self, calls: u32, after_charging: bool) {
        self.lock().time_outs = (calls, after_charging);
    }

    /// How many times the gateway was called, repeated keys and time-outs included.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// assert_eq!(gateway.calls(), 1);
    /// hub.renew_subscription("ana").unwrap(); // nothing due yet: the gateway is not asked
    /// assert_eq!(gateway.calls(), 1);
    /// ```
    pub fn calls(&self) -> u64 {
        self.lock().calls
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GatewayState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl PaymentGateway for SimulatedGateway {
    fn charge(&self, request: &ChargeRequest) -> Result<String, ChargeFailure> {
        let mut s = self.lock();
        s.calls += 1;
        let reference = format!("sim:{}", request.idempotency_key);
        let (time_outs, after_charging) = s.time_outs;
        if time_outs > 0 {
            s.time_outs.0 -= 1;
            if after_charging && !s.declined.contains(&request.method.id) {
                s.charges
                    .entry(request.idempotency_key.clone())
                    .or_insert_with(|| request.clone());
            }
            return Err(ChargeFailure::Unavailable(
                "the processor did not answer in time".into(),
            ));
        }
        if s.charges.contains_key(&request.idempotency_key) {
            return Ok(reference);
        }
        if s.declined.contains(&request.method.id) {
            return Err(ChargeFailure::Declined(format!(
                "{} declined by the issuer",
                request.method.label
            )));
        }
        s.charges
            .insert(request.idempotency_key.clone(), request.clone());
        Ok(reference)
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
            Some(Due::Renew {
                period: 1,
                at: "2026-02-28T12:00:00Z".parse().unwrap()
            })
        );
        assert_eq!(
            sub(2, SubscriptionStatus::Active, false)
                .paid_until()
                .to_rfc3339(),
            "2026-03-31T12:00:00+00:00"
        );
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
            Some(Due::End {
                at: "2026-02-28T12:00:00Z".parse().unwrap(),
                reason: EndReason::Cancelled
            })
        );
        let since = "2026-02-28T12:00:00Z".parse().unwrap();
        let s = sub(1, SubscriptionStatus::PastDue { since, period: 1 }, false);
        assert!(!s.is_active());
        assert_eq!(s.due("2026-03-07T11:59:59Z".parse().unwrap(), &p), None);
        assert_eq!(
            s.due("2026-03-07T12:00:00Z".parse().unwrap(), &p),
            Some(Due::End {
                at: "2026-03-07T12:00:00Z".parse().unwrap(),
                reason: EndReason::PaymentFailed
            })
        );
    }

    #[test]
    fn cancel_twice_or_after_end_is_an_error_and_resume_needs_cancel() {
        // R: S3
        let s = sub(1, SubscriptionStatus::Active, false);
        assert!(s.ensure_cancellable().is_ok());
        assert_eq!(s.ensure_resumable().unwrap_err().code(), "not_cancelled");
        let s = sub(1, SubscriptionStatus::Active, true);
        assert_eq!(
            s.ensure_cancellable().unwrap_err().code(),
            "already_cancelled"
        );
        assert!(s.ensure_resumable().is_ok());
        let ended = SubscriptionStatus::Ended {
            at: "2026-02-28T12:00:00Z".parse().unwrap(),
            reason: EndReason::Cancelled,
        };
        let s = sub(1, ended, true);
        assert_eq!(
            s.ensure_cancellable().unwrap_err().code(),
            "subscription_ended"
        );
        assert_eq!(
            s.ensure_resumable().unwrap_err().code(),
            "subscription_ended"
        );
    }
}
