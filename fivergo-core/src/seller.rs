//! Sellers: levels, the Pro flag, Gigs, balance and stored payment methods (SPEC E1–E2, S2).

use crate::context::Context;
use crate::error::Error;
use crate::event::{Event, UnpublishReason};
use crate::ids::{ModelId, PaymentMethodId, SellerId};
use crate::money::Money;
use crate::policy::Policy;
use crate::subscription::ChargeSource;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A seller's level on the marketplace, lowest first (E1).
///
/// ```
/// use fivergo_core::SellerLevel;
/// assert!(SellerLevel::TopRated > SellerLevel::Level2);
/// assert_eq!("level_2".parse::<SellerLevel>().unwrap(), SellerLevel::Level2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerLevel {
    /// A new seller.
    New,
    /// Level 1.
    #[serde(rename = "level_1")]
    Level1,
    /// Level 2.
    #[serde(rename = "level_2")]
    Level2,
    /// Top Rated.
    TopRated,
}

impl fmt::Display for SellerLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SellerLevel::New => "new",
            SellerLevel::Level1 => "level_1",
            SellerLevel::Level2 => "level_2",
            SellerLevel::TopRated => "top_rated",
        })
    }
}

impl std::str::FromStr for SellerLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
            Error::InvalidInput {
                field: "level".into(),
                reason: format!("unknown seller level `{s}` (new, level_1, level_2, top_rated)"),
            }
        })
    }
}

/// Card or PayPal: the two ways to pay the subscription (S2).
///
/// ```
/// use fivergo_core::PaymentMethodKind;
/// assert_eq!(serde_json::to_string(&PaymentMethodKind::Paypal).unwrap(), "\"paypal\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodKind {
    /// A credit or debit card.
    Card,
    /// A PayPal account.
    Paypal,
}

/// A payment method stored for a seller, identified by the host's token.
///
/// ```
/// use fivergo_core::{PaymentMethod, PaymentMethodKind};
/// let card = PaymentMethod::new("card-1", PaymentMethodKind::Card, "Visa •••• 4242");
/// assert_eq!(card.id.as_str(), "card-1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// The host's token for it.
    pub id: PaymentMethodId,
    /// Card or PayPal.
    pub kind: PaymentMethodKind,
    /// What a UI shows ("Visa •••• 4242").
    pub label: String,
}

impl PaymentMethod {
    /// A payment method value.
    ///
    /// ```
    /// use fivergo_core::{PaymentMethod, PaymentMethodKind};
    /// let paypal = PaymentMethod::new("pp-1", PaymentMethodKind::Paypal, "ana@example.com");
    /// assert_eq!((paypal.kind, paypal.label.as_str()), (PaymentMethodKind::Paypal, "ana@example.com"));
    /// ```
    pub fn new(
        id: impl Into<PaymentMethodId>,
        kind: PaymentMethodKind,
        label: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            kind,
            label: label.into(),
        }
    }
}

/// Reputation figures the library maintains for AI orders (R1–R3).
///
/// ```
/// use fivergo_core::Reputation;
/// let r = Reputation::default();
/// assert_eq!(r.average_rating(), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reputation {
    /// Orders that count in the Success Score and completion rate (never AI downloads, R1).
    pub success_score_orders: u32,
    /// Sum of star ratings that count (R2).
    pub rating_sum: u32,
    /// Number of ratings that count (R2).
    pub rating_count: u32,
}

impl Reputation {
    /// The mean star rating, if any rating counts.
    ///
    /// ```
    /// use fivergo_core::Reputation;
    /// let r = Reputation { success_score_orders: 2, rating_sum: 9, rating_count: 2 };
    /// assert_eq!(r.average_rating(), Some(4.5));
    /// ```
    pub fn average_rating(&self) -> Option<f64> {
        (self.rating_count > 0).then(|| f64::from(self.rating_sum) / f64::from(self.rating_count))
    }
}

/// A freelancer on the marketplace.
///
/// ```
/// use fivergo_core::{Policy, Seller, SellerLevel};
/// let policy = Policy::default();
/// let mut ana = Seller::new("ana", SellerLevel::Level1, false, policy.currency);
/// assert!(!ana.is_eligible(&policy));
/// ana.pro = true;
/// assert!(ana.is_eligible(&policy));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seller {
    /// The host's id for the seller.
    pub id: SellerId,
    /// Marketplace level.
    pub level: SellerLevel,
    /// The Pro flag, beside the level.
    pub pro: bool,
    /// Subcategory slugs the seller has a Gig in (C2).
    pub gigs: BTreeSet<String>,
    /// Available account balance, used first for renewals (S2).
    pub balance: Money,
    /// Stored cards and PayPal accounts.
    pub payment_methods: Vec<PaymentMethod>,
    /// Reputation as the AI rules shape it.
    pub reputation: Reputation,
}

impl Seller {
    /// A seller with no Gigs, zero balance and no payment methods.
    ///
    /// ```
    /// use fivergo_core::{Currency, Seller, SellerLevel};
    /// let ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Eur);
    /// assert!(ana.gigs.is_empty() && ana.payment_methods.is_empty());
    /// assert_eq!(ana.balance.to_string(), "0.00 EUR");
    /// ```
    pub fn new(
        id: impl Into<SellerId>,
        level: SellerLevel,
        pro: bool,
        currency: crate::Currency,
    ) -> Self {
        Self {
            id: id.into(),
            level,
            pro,
            gigs: BTreeSet::new(),
            balance: Money::zero(currency),
            payment_methods: Vec::new(),
            reputation: Reputation::default(),
        }
    }

    /// E1: Level 2 or above, or Pro (as the policy sets it).
    ///
    /// ```
    /// use fivergo_core::{Currency, Policy, Seller, SellerLevel};
    /// let policy = Policy::default();
    /// assert!(Seller::new("ana", SellerLevel::TopRated, false, Currency::Usd).is_eligible(&policy));
    /// assert!(!Seller::new("bob", SellerLevel::New, false, Currency::Usd).is_eligible(&policy));
    /// ```
    pub fn is_eligible(&self, policy: &Policy) -> bool {
        Self::eligible_as(self.level, self.pro, policy)
    }

    /// `Ok` if eligible, else `not_eligible` (E1).
    ///
    /// ```
    /// use fivergo_core::{Currency, Policy, Seller, SellerLevel};
    /// let policy = Policy::default();
    /// let bob = Seller::new("bob", SellerLevel::Level1, false, Currency::Usd);
    /// let err = bob.ensure_eligible(&policy).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("not_eligible", Some("E1")));
    /// ```
    pub fn ensure_eligible(&self, policy: &Policy) -> Result<(), Error> {
        if self.is_eligible(policy) {
            Ok(())
        } else {
            Err(Error::NotEligible {
                seller: self.id.clone(),
                level: self.level,
                pro: self.pro,
                min_level: policy.eligibility.min_level,
            })
        }
    }

    /// E1 for a seller at `level` with the Pro flag `pro`.
    ///
    /// ```
    /// use fivergo_core::{Policy, Seller, SellerLevel};
    /// let mut policy = Policy::default();
    /// assert!(Seller::eligible_as(SellerLevel::New, true, &policy)); // Pro counts by default
    /// policy.eligibility.pro_eligible = false;
    /// assert!(!Seller::eligible_as(SellerLevel::New, true, &policy));
    /// ```
    pub fn eligible_as(level: SellerLevel, pro: bool, policy: &Policy) -> bool {
        level >= policy.eligibility.min_level || (pro && policy.eligibility.pro_eligible)
    }

    /// Registers the seller `id` in a partition that holds `existing` (none yet, or
    /// `already_exists`). Seller ids are the host's; they must not be empty nor
    /// contain `/`, which separates a partition from the ids minted in it.
    ///
    /// ```
    /// use fivergo_core::{*};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let events = Seller::register(None, &"ana".into(), SellerLevel::Level2, false, &ctx).unwrap();
    /// assert_eq!(events[0].kind(), "seller_registered");
    /// assert_eq!(Seller::register(None, &"a/b".into(), SellerLevel::Level2, false, &ctx).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn register(
        existing: Option<&Seller>,
        id: &SellerId,
        level: SellerLevel,
        pro: bool,
        ctx: &Context,
    ) -> Result<Vec<Event>, Error> {
        if id.as_str().trim().is_empty() {
            return Err(Error::invalid("seller", "must not be empty"));
        }
        if id.as_str().contains('/') {
            return Err(Error::invalid("seller", "must not contain `/` (it separates a seller's partition from the ids minted in it)"));
        }
        ctx.policy.limits.check_id("seller", id.as_str())?;
        if existing.is_some() {
            return Err(Error::AlreadyExists {
                entity: "seller".into(),
                id: id.to_string(),
            });
        }
        Ok(vec![Event::SellerRegistered {
            seller: Seller::new(id.clone(), level, pro, ctx.policy.currency),
            at: ctx.now,
        }])
    }

    /// Decides a command about the seller (E2, C2, S2).
    ///
    /// ```
    /// use fivergo_core::{seller::SellerCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// let published = [ModelId::from("ana/model-1")];
    /// let events = ana.decide(SellerCommand::SetLevel { level: SellerLevel::Level1, pro: false, published: &published }, &ctx).unwrap();
    /// let kinds: Vec<_> = events.iter().map(Event::kind).collect();
    /// assert_eq!(kinds, ["seller_level_changed", "model_unpublished"]); // E2
    /// ```
    pub fn decide(&self, command: SellerCommand<'_>, ctx: &Context) -> Result<Vec<Event>, Error> {
        let (seller, at) = (self.id.clone(), ctx.now);
        Ok(match command {
            SellerCommand::SetLevel {
                level,
                pro,
                published,
            } => {
                let eligible = Self::eligible_as(level, pro, ctx.policy);
                let mut events = vec![Event::SellerLevelChanged {
                    seller,
                    level,
                    pro,
                    eligible,
                    at,
                }];
                if !eligible {
                    events.extend(published.iter().map(|m| Event::ModelUnpublished {
                        model: m.clone(),
                        reason: UnpublishReason::Eligibility,
                        at,
                    }));
                }
                events
            }
            SellerCommand::AddGig { subcategory } => {
                ctx.policy.catalogue.entry(subcategory)?;
                vec![Event::GigAdded {
                    seller,
                    subcategory: subcategory.into(),
                    at,
                }]
            }
            SellerCommand::CreditBalance { amount } => {
                let amount = amount.in_currency(ctx.policy.currency)?;
                if !amount.is_positive() {
                    return Err(Error::invalid("amount", "a credit must be positive"));
                }
                ctx.policy.limits.check_amount("amount", amount)?;
                let after = format!("{} + {}", self.balance.amount(), amount.amount());
                // Refused here, never lost in apply.
                self.balance.plus(amount).map_err(|_| {
                    Error::out_of_range(
                        "amount",
                        "balance after the credit",
                        0,
                        rust_decimal::Decimal::MAX,
                        after,
                    )
                })?;
                vec![Event::BalanceCredited { seller, amount, at }]
            }
            SellerCommand::AddPaymentMethod { method } => {
                ctx.policy.limits.check_id("method", method.id.as_str())?;
                ctx.policy.limits.check_id("label", &method.label)?;
                vec![Event::PaymentMethodAdded { seller, method, at }]
            }
        })
    }

    /// Folds in an event that concerns the seller; others are ignored.
    ///
    /// ```
    /// use fivergo_core::{seller::SellerCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let mut ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// let events = ana.decide(SellerCommand::AddGig { subcategory: "tattoo" }, &ctx).unwrap();
    /// events.iter().for_each(|e| ana.apply(e));
    /// assert!(ana.gigs.contains("tattoo"));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::SellerLevelChanged { level, pro, .. } => (self.level, self.pro) = (*level, *pro),
            Event::GigAdded { subcategory, .. } => {
                self.gigs.insert(subcategory.clone());
            }
            // `decide` refused a credit that would not fit: the sum exists.
            Event::BalanceCredited { amount, .. } => {
                self.balance = self.balance.plus(*amount).unwrap_or(self.balance)
            }
            Event::PaymentMethodAdded { method, .. } => {
                self.payment_methods.retain(|m| m.id != method.id);
                self.payment_methods.push(method.clone());
            }
            Event::SubscriptionCharged { charge, .. } if charge.source == ChargeSource::Balance => {
                self.balance = self.balance.minus(charge.amount).unwrap_or(self.balance);
            }
            Event::OrderCompleted {
                counts_in_success_score: true,
                ..
            } => {
                self.reputation.success_score_orders =
                    self.reputation.success_score_orders.saturating_add(1);
            }
            Event::ReviewLeft { review, .. } => {
                self.reputation.rating_sum = self
                    .reputation
                    .rating_sum
                    .saturating_add(u32::from(review.stars));
                self.reputation.rating_count = self.reputation.rating_count.saturating_add(1);
            }
            _ => {}
        }
    }

    /// The stored payment method with `id`, or `not_found`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// let ana = hub.seller("ana").unwrap();
    /// assert_eq!(ana.payment_method(&"card".into()).unwrap().label, "Visa");
    /// assert_eq!(ana.payment_method(&"paypal".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn payment_method(&self, id: &PaymentMethodId) -> Result<&PaymentMethod, Error> {
        self.payment_methods
            .iter()
            .find(|m| &m.id == id)
            .ok_or_else(|| Error::not_found("payment_method", id))
    }
}

/// What a seller can be asked to do besides registering (E2, C2, S2).
///
/// ```
/// use fivergo_core::{seller::SellerCommand, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// let ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
/// let credit = SellerCommand::CreditBalance { amount: Money::parse("30", Currency::Usd).unwrap() };
/// assert_eq!(ana.decide(credit, &ctx).unwrap()[0].kind(), "balance_credited");
/// let unknown = SellerCommand::AddGig { subcategory: "no-such-slug" };
/// assert_eq!(ana.decide(unknown, &ctx).unwrap_err().code(), "unknown_subcategory");
/// ```
#[derive(Debug, Clone)]
pub enum SellerCommand<'a> {
    /// The host changed the level or Pro flag; `published` are the seller's published
    /// models, unpublished when the seller drops below eligibility (E2).
    SetLevel {
        /// The new level.
        level: SellerLevel,
        /// The new Pro flag.
        pro: bool,
        /// The seller's published models.
        published: &'a [ModelId],
    },
    /// The seller has a Gig in `subcategory` (C2).
    AddGig {
        /// The catalogue slug.
        subcategory: &'a str,
    },
    /// Money enters the available balance (S2).
    CreditBalance {
        /// How much.
        amount: Money,
    },
    /// A card or PayPal is stored (S2).
    AddPaymentMethod {
        /// The method.
        method: PaymentMethod,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn level_2_top_rated_and_pro_are_eligible() {
        // R: E1
        let p = Policy::default();
        let mk = |level, pro| Seller::new("s", level, pro, Currency::Usd);
        assert!(!mk(SellerLevel::New, false).is_eligible(&p));
        assert!(!mk(SellerLevel::Level1, false).is_eligible(&p));
        assert!(mk(SellerLevel::Level2, false).is_eligible(&p));
        assert!(mk(SellerLevel::TopRated, false).is_eligible(&p));
        assert!(mk(SellerLevel::New, true).is_eligible(&p));
        let err = mk(SellerLevel::Level1, false)
            .ensure_eligible(&p)
            .unwrap_err();
        assert_eq!((err.code(), err.rule()), ("not_eligible", Some("E1")));
    }

    #[test]
    fn eligibility_follows_the_policy() {
        // R: E1
        let mut p = Policy::default();
        p.eligibility.pro_eligible = false;
        p.eligibility.min_level = SellerLevel::TopRated;
        assert!(!Seller::new("s", SellerLevel::Level2, true, Currency::Usd).is_eligible(&p));
    }
}
