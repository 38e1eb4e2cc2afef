//! Sellers: levels, the Pro flag, Gigs, balance and stored payment methods (SPEC E1–E2, S2).

use crate::error::Error;
use crate::ids::{PaymentMethodId, SellerId};
use crate::money::Money;
use crate::policy::Policy;
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
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| Error::InvalidInput {
            field: "level".into(),
            reason: format!("unknown seller level `{s}` (new, level_1, level_2, top_rated)"),
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
    pub fn new(id: impl Into<PaymentMethodId>, kind: PaymentMethodKind, label: impl Into<String>) -> Self {
        Self { id: id.into(), kind, label: label.into() }
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
    pub fn new(id: impl Into<SellerId>, level: SellerLevel, pro: bool, currency: crate::Currency) -> Self {
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
    pub fn is_eligible(&self, policy: &Policy) -> bool {
        self.level >= policy.eligibility.min_level || (self.pro && policy.eligibility.pro_eligible)
    }

    /// `Ok` if eligible, else `not_eligible` (E1).
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

    /// The stored payment method with `id`, or `not_found`.
    pub fn payment_method(&self, id: &PaymentMethodId) -> Result<&PaymentMethod, Error> {
        self.payment_methods
            .iter()
            .find(|m| &m.id == id)
            .ok_or_else(|| Error::not_found("payment_method", id))
    }
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
        let err = mk(SellerLevel::Level1, false).ensure_eligible(&p).unwrap_err();
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
