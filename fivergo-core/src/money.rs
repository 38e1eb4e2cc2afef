//! Decimal money with a currency (SPEC P5).
//!
//! Amounts are [`rust_decimal::Decimal`], never floating point. Totals are rounded to
//! the currency's minor unit with an explicitly named rule, half away from zero
//! ([`ROUNDING`]) — not `rust_decimal`'s default banker's rounding.

use crate::error::Error;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The one rounding rule for money: half away from zero (`2.345 → 2.35`,
/// `-2.345 → -2.35`).
pub const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// An ISO 4217 currency the library knows the minor unit of.
///
/// ```
/// use fivergo_core::Currency;
/// assert_eq!(Currency::Usd.minor_units(), 2);
/// assert_eq!(Currency::Jpy.minor_units(), 0);
/// assert_eq!("EUR".parse::<Currency>().unwrap(), Currency::Eur);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// US dollar (2 decimals).
    Usd,
    /// Euro (2 decimals).
    Eur,
    /// Pound sterling (2 decimals).
    Gbp,
    /// Japanese yen (0 decimals).
    Jpy,
}

impl Currency {
    /// Number of decimals of the minor unit (cents: 2, yen: 0).
    ///
    /// ```
    /// use fivergo_core::Currency;
    /// assert_eq!(Currency::Eur.minor_units(), 2); // cents
    /// assert_eq!(Currency::Jpy.minor_units(), 0); // whole yen
    /// ```
    pub fn minor_units(self) -> u32 {
        match self {
            Currency::Jpy => 0,
            Currency::Usd | Currency::Eur | Currency::Gbp => 2,
        }
    }

    /// The ISO 4217 code.
    ///
    /// ```
    /// use fivergo_core::Currency;
    /// assert_eq!(Currency::Gbp.code(), "GBP");
    /// assert_eq!(Currency::Usd.to_string(), Currency::Usd.code());
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Jpy => "JPY",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_uppercase().as_str() {
            "USD" => Ok(Currency::Usd),
            "EUR" => Ok(Currency::Eur),
            "GBP" => Ok(Currency::Gbp),
            "JPY" => Ok(Currency::Jpy),
            _ => Err(Error::InvalidInput {
                field: "currency".into(),
                reason: format!("unknown currency `{s}` (known: USD, EUR, GBP, JPY)"),
            }),
        }
    }
}

/// An amount of money in one currency.
///
/// Arithmetic checks that both sides share a currency. Amounts keep full precision
/// until [`Money::rounded`] is called; quotes and charges are always rounded.
///
/// ```
/// use fivergo_core::{Currency, Money};
/// let price = Money::parse("12.345", Currency::Usd).unwrap();
/// assert_eq!(price.rounded().to_string(), "12.35 USD");
/// let twice = price.times(2).unwrap().rounded();
/// assert_eq!(twice.amount().to_string(), "24.69");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// `{"amount": "12.35", "currency": "USD"}`, and [`Wire::Money`](crate::wire::Wire::Money)
/// on the wire.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::wire::serialize_money(self, s)
    }
}

impl Money {
    /// Money from a decimal amount.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let fee = Money::new(Decimal::new(2500, 2), Currency::Usd); // 25.00
    /// assert_eq!(fee, Money::parse("25.00", Currency::Usd).unwrap());
    /// ```
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// Zero in `currency`.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let nothing = Money::zero(Currency::Eur);
    /// assert!(!nothing.is_positive());
    /// assert_eq!(nothing.to_string(), "0.00 EUR");
    /// ```
    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    /// Parses a decimal string (`"25"`, `"25.00"`, `"0.5"`); floats never enter.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// assert_eq!(Money::parse(" 0.5 ", Currency::Usd).unwrap().to_string(), "0.50 USD");
    /// assert_eq!(Money::parse("ten", Currency::Usd).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, Error> {
        let amount = Decimal::from_str(amount.trim()).map_err(|e| Error::InvalidInput {
            field: "amount".into(),
            reason: format!("`{amount}` is not a decimal amount: {e}"),
        })?;
        Ok(Self::new(amount, currency))
    }

    /// The amount.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let m = Money::parse("12.50", Currency::Usd).unwrap();
    /// assert_eq!(m.amount(), Decimal::new(125, 1));
    /// ```
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// assert_eq!(Money::parse("500", Currency::Jpy).unwrap().currency(), Currency::Jpy);
    /// ```
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Rounded to the currency's minor unit, half away from zero ([`ROUNDING`]),
    /// and written with exactly that many decimals (`30` → `30.00`).
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// assert_eq!(usd("2.345").rounded(), usd("2.35")); // half away from zero, not banker's
    /// assert_eq!(usd("-2.345").rounded(), usd("-2.35"));
    /// assert_eq!(usd("30").rounded().amount().to_string(), "30.00");
    /// assert_eq!(Money::parse("12.5", Currency::Jpy).unwrap().rounded().to_string(), "13 JPY");
    /// ```
    pub fn rounded(self) -> Self {
        let minor = self.currency.minor_units();
        let mut amount = self.amount.round_dp_with_strategy(minor, ROUNDING);
        amount.rescale(minor);
        Self::new(amount, self.currency)
    }

    /// True when the amount is strictly above zero.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// assert!(Money::parse("0.01", Currency::Usd).unwrap().is_positive());
    /// assert!(!Money::parse("-3", Currency::Usd).unwrap().is_positive());
    /// ```
    pub fn is_positive(&self) -> bool {
        self.amount > Decimal::ZERO
    }

    /// `self + other`; both must share a currency.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let a = Money::parse("10", Currency::Usd).unwrap();
    /// let b = Money::parse("2.50", Currency::Usd).unwrap();
    /// assert_eq!(a.plus(b).unwrap().to_string(), "12.50 USD");
    /// let eur = Money::parse("1", Currency::Eur).unwrap();
    /// assert_eq!(a.plus(eur).unwrap_err().code(), "currency_mismatch");
    /// ```
    pub fn plus(self, other: Money) -> Result<Money, Error> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`; both must share a currency. The result may be negative.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let balance = Money::parse("10", Currency::Usd).unwrap();
    /// let fee = Money::parse("25", Currency::Usd).unwrap();
    /// assert_eq!(balance.minus(fee).unwrap().to_string(), "-15.00 USD");
    /// ```
    pub fn minus(self, other: Money) -> Result<Money, Error> {
        self.same_currency(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self × quantity`.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let unit = Money::parse("0.333", Currency::Usd).unwrap();
    /// assert_eq!(unit.times(3).unwrap().to_string(), "0.999 USD"); // full precision ...
    /// assert_eq!(unit.times(3).unwrap().rounded().to_string(), "1.00 USD"); // ... until rounded
    /// ```
    pub fn times(self, quantity: u64) -> Result<Money, Error> {
        let amount = self
            .amount
            .checked_mul(Decimal::from(quantity))
            .ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Compares two amounts of the same currency.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// use std::cmp::Ordering;
    /// let five = Money::parse("5", Currency::Usd).unwrap();
    /// let ten = Money::parse("10.00", Currency::Usd).unwrap();
    /// assert_eq!(five.cmp_amount(&ten).unwrap(), Ordering::Less);
    /// let yen = Money::parse("5", Currency::Jpy).unwrap();
    /// assert_eq!(five.cmp_amount(&yen).unwrap_err().code(), "currency_mismatch");
    /// ```
    pub fn cmp_amount(&self, other: &Money) -> Result<std::cmp::Ordering, Error> {
        self.same_currency(*other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// `Ok(self)` when it is in `expected`, else `currency_mismatch` (P5).
    ///
    /// ```
    /// use fivergo_core::{Currency, Money};
    /// let eur = Money::parse("3", Currency::Eur).unwrap();
    /// assert_eq!(eur.in_currency(Currency::Usd).unwrap_err().code(), "currency_mismatch");
    /// ```
    pub fn in_currency(self, expected: Currency) -> Result<Money, Error> {
        Money::zero(expected).same_currency(self).map(|()| self)
    }

    fn same_currency(&self, other: Money) -> Result<(), Error> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::CurrencyMismatch {
                expected: self.currency,
                found: other.currency,
            })
        }
    }
}

fn overflow() -> Error {
    Error::InvalidInput {
        field: "amount".into(),
        reason: "amount out of range".into(),
    }
}

/// Shows at least the currency's minor unit (`10 USD` prints as `10.00 USD`) and
/// never hides extra precision (`0.125 USD` stays).
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut amount = self.amount;
        if amount.scale() < self.currency.minor_units() {
            amount.rescale(self.currency.minor_units());
        }
        write!(f, "{amount} {}", self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero_not_bankers() {
        // R: P5
        assert_eq!(
            Money::new(dec!(2.345), Currency::Usd).rounded().amount(),
            dec!(2.35)
        );
        assert_eq!(
            Money::new(dec!(2.335), Currency::Usd).rounded().amount(),
            dec!(2.34)
        );
        assert_eq!(
            Money::new(dec!(-2.345), Currency::Usd).rounded().amount(),
            dec!(-2.35)
        );
        assert_eq!(
            Money::new(dec!(12.5), Currency::Jpy).rounded().amount(),
            dec!(13)
        );
    }

    #[test]
    fn refuses_mixed_currencies() {
        // R: P5
        let usd = Money::new(dec!(1), Currency::Usd);
        let eur = Money::new(dec!(1), Currency::Eur);
        let err = usd.plus(eur).unwrap_err();
        assert_eq!(err.code(), "currency_mismatch");
        assert_eq!(err.rule(), Some("P5"));
    }

    #[test]
    fn parses_decimal_strings_and_rejects_garbage() {
        // R: P5
        assert_eq!(
            Money::parse(" 25.00 ", Currency::Usd).unwrap().amount(),
            dec!(25)
        );
        assert_eq!(
            Money::parse("abc", Currency::Usd).unwrap_err().code(),
            "invalid_input"
        );
        assert_eq!("usd".parse::<Currency>().unwrap(), Currency::Usd);
        assert!("XYZ".parse::<Currency>().is_err());
    }

    #[test]
    fn serializes_amount_as_string() {
        // R: P5
        let m = Money::new(dec!(25.00), Currency::Usd);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"25.00","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }
}
