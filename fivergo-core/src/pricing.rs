//! Prices and quotes (SPEC P1–P5).
//!
//! A model is priced either per unit (`quantity × unit price`) or as a base amount
//! plus increments, where a partial increment counts as a whole one. Every price
//! includes one edit (P1, [`OrderPolicy::included_edits`](crate::OrderPolicy)). A
//! [`Quote`] shows each line and a total rounded half away from zero.

use crate::catalogue::{CatalogueEntry, PricingUnit};
use crate::error::Error;
use crate::money::Money;
use crate::policy::Policy;
use serde::{Deserialize, Serialize};

/// How a model's generations are priced.
///
/// ```
/// use fivergo_core::*;
/// let p = Policy::default();
/// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
/// // 30 s for $40, each further 10 s for $5: 75 s = base + 5 increments.
/// let price = PriceSpec::BaseIncrements {
///     unit: PricingUnit::Seconds, base_quantity: 30, base_price: usd("40"),
///     increment_quantity: 10, increment_price: usd("5"),
/// };
/// let q = price.quote(75, &p).unwrap();
/// assert_eq!(q.total.to_string(), "65.00 USD");
/// assert_eq!(q.lines[1].quantity, 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PriceSpec {
    /// P2: a price for one unit.
    PerUnit {
        /// The unit.
        unit: PricingUnit,
        /// Price of one unit (edit included).
        unit_price: Money,
    },
    /// P3: a base amount at a base price, then increments.
    BaseIncrements {
        /// The unit of the amounts.
        unit: PricingUnit,
        /// Amount the base price covers (30 s, 100 words).
        base_quantity: u32,
        /// Price of the base amount (edit included).
        base_price: Money,
        /// Size of each further increment (10 s, 100 words).
        increment_quantity: u32,
        /// Price of each increment.
        increment_price: Money,
    },
}

/// What a quote line is for.
///
/// ```
/// use fivergo_core::{pricing::LineKind, *};
/// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
/// let price = PriceSpec::BaseIncrements {
///     unit: PricingUnit::Words, base_quantity: 100, base_price: usd("10"),
///     increment_quantity: 100, increment_price: usd("4"),
/// };
/// let q = price.quote(250, &Policy::default()).unwrap();
/// let kinds: Vec<LineKind> = q.lines.iter().map(|l| l.kind).collect();
/// assert_eq!(kinds, [LineKind::Base, LineKind::Increments]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Units at the unit price (P2).
    Units,
    /// The base amount (P3).
    Base,
    /// Further increments (P3).
    Increments,
}

/// One line of a quote.
///
/// ```
/// use fivergo_core::{pricing::QuoteLine, *};
/// let price = PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: Money::parse("19.99", Currency::Usd).unwrap() };
/// let q = price.quote(3, &Policy::default()).unwrap();
/// let line: &QuoteLine = &q.lines[0];
/// assert_eq!((line.quantity, line.amount.to_string()), (3, "59.97 USD".to_string()));
/// assert_eq!(line.label, "3 × 1 item (one edit included)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    /// What the line is for.
    pub kind: LineKind,
    /// How many units or increments.
    pub quantity: u32,
    /// Price of one of them.
    pub unit_price: Money,
    /// `quantity × unit_price`, rounded.
    pub amount: Money,
    /// A sentence for the client ("5 × each further 10 seconds").
    pub label: String,
}

/// A priced request: lines, total and the edits included.
///
/// ```
/// use fivergo_core::*;
/// let price = PriceSpec::PerUnit { unit: PricingUnit::Seconds, unit_price: Money::parse("0.125", Currency::Usd).unwrap() };
/// let q: Quote = price.quote(3, &Policy::default()).unwrap();
/// assert_eq!(q.total.to_string(), "0.38 USD"); // 0.375 rounded half away from zero
/// assert_eq!((q.unit, q.quantity, q.included_edits), (PricingUnit::Seconds, 3, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The pricing unit.
    pub unit: PricingUnit,
    /// The amount asked for, in that unit.
    pub quantity: u32,
    /// Each line (P5).
    pub lines: Vec<QuoteLine>,
    /// Sum of the lines, rounded to the minor unit, half away from zero (P5).
    pub total: Money,
    /// Edits the price includes (P1).
    pub included_edits: u32,
}

impl PriceSpec {
    /// The pricing unit.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let price = PriceSpec::PerUnit { unit: PricingUnit::Words, unit_price: Money::parse("0.10", Currency::Usd).unwrap() };
    /// assert_eq!(price.unit(), PricingUnit::Words);
    /// ```
    pub fn unit(&self) -> PricingUnit {
        match self {
            PriceSpec::PerUnit { unit, .. } | PriceSpec::BaseIncrements { unit, .. } => *unit,
        }
    }

    /// Checks positivity, currency and that the unit fits the subcategory (P4, P5).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let p = Policy::default();
    /// let tattoo = p.catalogue.get("tattoo").unwrap();
    /// let bad = PriceSpec::PerUnit { unit: PricingUnit::Words, unit_price: Money::parse("5", Currency::Usd).unwrap() };
    /// assert_eq!(bad.validate(tattoo, &p).unwrap_err().code(), "pricing_unit_not_allowed");
    /// ```
    pub fn validate(&self, entry: &CatalogueEntry, policy: &Policy) -> Result<(), Error> {
        if !entry.pricing_units.contains(&self.unit()) {
            return Err(Error::PricingUnitNotAllowed {
                subcategory: entry.slug.clone(),
                unit: self.unit().to_string(),
                allowed: entry.pricing_units.iter().map(|u| u.to_string()).collect(),
            });
        }
        let prices: Vec<(&str, &Money)> = match self {
            PriceSpec::PerUnit { unit_price, .. } => vec![("unit_price", unit_price)],
            PriceSpec::BaseIncrements {
                base_quantity,
                base_price,
                increment_quantity,
                increment_price,
                ..
            } => {
                if *base_quantity == 0 || *increment_quantity == 0 {
                    return Err(Error::InvalidPrice {
                        reason: "base and increment amounts must be above zero".into(),
                    });
                }
                vec![
                    ("base_price", base_price),
                    ("increment_price", increment_price),
                ]
            }
        };
        for (field, price) in prices {
            if price.currency() != policy.currency {
                return Err(Error::CurrencyMismatch {
                    expected: policy.currency,
                    found: price.currency(),
                });
            }
            if !price.is_positive() {
                return Err(Error::InvalidPrice {
                    reason: format!("{field} must be positive, got {}", price.amount()),
                });
            }
            policy.limits.check_magnitude(field, *price)?;
        }
        Ok(())
    }

    /// Prices `quantity` units (items, seconds or words).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let p = Policy::default();
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// let price = PriceSpec::BaseIncrements {
    ///     unit: PricingUnit::Seconds, base_quantity: 30, base_price: usd("40"),
    ///     increment_quantity: 10, increment_price: usd("5"),
    /// };
    /// assert_eq!(price.quote(31, &p).unwrap().total, usd("45")); // a partial increment is a whole one (P3)
    /// assert_eq!(price.quote(20, &p).unwrap().total, usd("40")); // the base covers up to 30 s
    /// assert_eq!(price.quote(0, &p).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn quote(&self, quantity: u32, policy: &Policy) -> Result<Quote, Error> {
        if quantity == 0 {
            return Err(Error::invalid("quantity", "must be at least 1"));
        }
        let line =
            |kind, quantity: u32, unit_price: Money, label: String| -> Result<QuoteLine, Error> {
                Ok(QuoteLine {
                    kind,
                    quantity,
                    unit_price,
                    amount: unit_price.times(quantity.into())?.rounded(),
                    label,
                })
            };
        let lines = match self {
            PriceSpec::PerUnit { unit, unit_price } => {
                vec![line(
                    LineKind::Units,
                    quantity,
                    *unit_price,
                    format!("{quantity} × 1 {unit} (one edit included)"),
                )?]
            }
            PriceSpec::BaseIncrements {
                unit,
                base_quantity,
                base_price,
                increment_quantity,
                increment_price,
            } => {
                let beyond = quantity.saturating_sub(*base_quantity);
                let increments = beyond.div_ceil(*increment_quantity);
                let mut lines = vec![line(
                    LineKind::Base,
                    1,
                    *base_price,
                    format!("first {base_quantity} {unit} (one edit included)"),
                )?];
                if increments > 0 {
                    lines.push(line(
                        LineKind::Increments,
                        increments,
                        *increment_price,
                        format!("{increments} × each further {increment_quantity} {unit}"),
                    )?);
                }
                lines
            }
        };
        let mut total = Money::zero(policy.currency);
        for l in &lines {
            total = total.plus(l.amount)?;
        }
        Ok(Quote {
            unit: self.unit(),
            quantity,
            lines,
            total: total.rounded(),
            included_edits: policy.orders.included_edits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn usd(s: &str) -> Money {
        Money::parse(s, Currency::Usd).unwrap()
    }

    fn seconds(base: u32, base_price: &str, step: u32, step_price: &str) -> PriceSpec {
        PriceSpec::BaseIncrements {
            unit: PricingUnit::Seconds,
            base_quantity: base,
            base_price: usd(base_price),
            increment_quantity: step,
            increment_price: usd(step_price),
        }
    }

    #[test]
    fn per_unit_is_quantity_times_price_with_one_edit() {
        // R: P1, P2
        let p = Policy::default();
        let spec = PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: usd("19.99"),
        };
        let q = spec.quote(3, &p).unwrap();
        assert_eq!(q.total, usd("59.97"));
        assert_eq!(q.included_edits, 1);
        assert_eq!(q.lines.len(), 1);
        assert!(q.lines[0].label.contains("one edit included"));
    }

    #[test]
    fn partial_increment_counts_as_whole() {
        // R: P3
        let p = Policy::default();
        let spec = seconds(30, "40", 10, "5");
        let total = |n| spec.quote(n, &p).unwrap().total;
        assert_eq!(total(75), usd("65")); // base + 5 steps
        assert_eq!(total(70), usd("60")); // base + 4 steps exactly
        assert_eq!(total(71), usd("65"));
        assert_eq!(total(30), usd("40")); // just the base
        assert_eq!(total(5), usd("40")); // below base still the base
        let q = spec.quote(75, &p).unwrap();
        assert_eq!(
            q.lines.iter().map(|l| l.kind).collect::<Vec<_>>(),
            [LineKind::Base, LineKind::Increments]
        );
        assert_eq!(q.lines[1].amount, usd("25"));
    }

    #[test]
    fn words_base_and_increments() {
        // R: P3, P4
        let p = Policy::default();
        let spec = PriceSpec::BaseIncrements {
            unit: PricingUnit::Words,
            base_quantity: 100,
            base_price: usd("15"),
            increment_quantity: 100,
            increment_price: usd("12.5"),
        };
        assert_eq!(spec.quote(250, &p).unwrap().total, usd("40"));
        let voice = p.catalogue.get("voice_over").unwrap();
        assert!(spec.validate(voice, &p).is_ok());
        let jingles = p.catalogue.get("jingles").unwrap();
        assert_eq!(
            spec.validate(jingles, &p).unwrap_err().code(),
            "pricing_unit_not_allowed"
        );
    }

    #[test]
    fn totals_round_half_away_from_zero() {
        // R: P5
        let p = Policy::default();
        let spec = PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: usd("0.125"),
        };
        let q = spec.quote(1, &p).unwrap();
        assert_eq!(q.total.amount().to_string(), "0.13"); // banker's would give 0.12
    }

    #[test]
    fn prices_must_be_positive_in_the_marketplace_currency() {
        // R: P5
        let p = Policy::default();
        let tattoo = p.catalogue.get("tattoo").unwrap();
        let zero = PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: usd("0"),
        };
        assert_eq!(
            zero.validate(tattoo, &p).unwrap_err().code(),
            "invalid_price"
        );
        let neg = PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: usd("-3"),
        };
        assert_eq!(
            neg.validate(tattoo, &p).unwrap_err().code(),
            "invalid_price"
        );
        let eur = PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: Money::parse("3", Currency::Eur).unwrap(),
        };
        assert_eq!(
            eur.validate(tattoo, &p).unwrap_err().code(),
            "currency_mismatch"
        );
        let voice = p.catalogue.get("voice_over").unwrap();
        assert_eq!(
            seconds(0, "1", 10, "1")
                .validate(voice, &p)
                .unwrap_err()
                .code(),
            "invalid_price"
        );
        assert_eq!(
            seconds(30, "40", 10, "5").quote(0, &p).unwrap_err().code(),
            "invalid_input"
        );
    }
}
