//! Every number and switch of the rulebook, as one serde-loadable value.
//!
//! Nothing else in the library hard-codes a SPEC number: the rules read them from a
//! [`Policy`]. The defaults are the source article's; an embedding platform loads its
//! own from JSON, where any field left out keeps its default, unknown fields are
//! refused (a typo is an error, not a silent default), and the result is validated.

use crate::catalogue::Catalogue;
use crate::error::Error;
use crate::money::{Currency, Money};
use crate::seller::SellerLevel;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The whole rulebook's numbers.
///
/// ```
/// use fivergo_core::Policy;
/// let policy = Policy::from_json(r#"{"models": {"active_model_limit": 5}}"#).unwrap();
/// assert_eq!(policy.models.active_model_limit, 5);
/// assert_eq!(policy.training.per_period, 2); // untouched defaults stay
///
/// let err = Policy::from_json(r#"{"subscription": {"monthly_price": "-1"}}"#).unwrap_err();
/// assert_eq!(err.code(), "invalid_policy");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// The marketplace currency: subscription fees, prices and balances use it.
    pub currency: Currency,
    /// Who may create models (E1).
    pub eligibility: EligibilityPolicy,
    /// Subcategories and their limits (C1, P4).
    pub catalogue: Catalogue,
    /// Asset limits and best-practice thresholds (A2, A3, A8).
    pub assets: AssetPolicy,
    /// Training quotas (T1, T2, T4).
    pub training: TrainingPolicy,
    /// The seller subscription (S1–S3).
    pub subscription: SubscriptionPolicy,
    /// Model limits (M1, M2).
    pub models: ModelPolicy,
    /// Client orders and revisions (P1, V1).
    pub orders: OrderPolicy,
    /// Decoding limits and analysis thresholds of uploaded media (A3, A4, A8).
    pub media: crate::media::MediaPolicy,
    /// Work that workers claim: leases and retries of trainings and generations (T4).
    pub jobs: JobsPolicy,
    /// Bounds on what callers pass in: ids, texts, amounts, nested values, and how
    /// long a generator call may take.
    pub limits: LimitsPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            currency: Currency::Usd,
            eligibility: EligibilityPolicy::default(),
            catalogue: Catalogue::default(),
            assets: AssetPolicy::default(),
            training: TrainingPolicy::default(),
            subscription: SubscriptionPolicy::default(),
            models: ModelPolicy::default(),
            orders: OrderPolicy::default(),
            media: crate::media::MediaPolicy::default(),
            jobs: JobsPolicy::default(),
            limits: LimitsPolicy::default(),
        }
    }
}

/// The longest duration a policy may set, in days (a century): every instant the
/// rules compute from a policy duration stays a calendar date.
const MAX_DAYS: u32 = 36_500;

/// E1: the lowest level that may create models, and whether Pro sellers may.
///
/// ```
/// use fivergo_core::{EligibilityPolicy, SellerLevel};
/// assert_eq!(EligibilityPolicy::default().min_level, SellerLevel::Level2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityPolicy {
    /// Sellers at this level or above are eligible.
    pub min_level: SellerLevel,
    /// Pro sellers are eligible whatever their level.
    pub pro_eligible: bool,
}

impl Default for EligibilityPolicy {
    fn default() -> Self {
        Self {
            min_level: SellerLevel::Level2,
            pro_eligible: true,
        }
    }
}

/// A2, A3, A8: asset limits and best-practice thresholds.
///
/// ```
/// use fivergo_core::AssetPolicy;
/// let a = AssetPolicy::default();
/// assert_eq!((a.min_images, a.max_images, a.recommended_min_side_px), (10, 50, 1024));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssetPolicy {
    /// "All" selects at most this many of the newest work samples / deliveries (A2).
    pub all_selection_limit: u32,
    /// Audio assets shorter than this are refused (A3); catalogue entries may raise it.
    pub min_audio_seconds: u32,
    /// Recordings shorter than this get a warning (A8, "1 minute being ideal").
    pub ideal_recording_seconds: u32,
    /// Fewer images than this get a warning (A8).
    pub min_images: u32,
    /// More images than this get a warning (A8).
    pub max_images: u32,
    /// Images whose shorter side is below this get a warning (A4, A8).
    pub recommended_min_side_px: u32,
}

impl Default for AssetPolicy {
    fn default() -> Self {
        Self {
            all_selection_limit: 100,
            min_audio_seconds: 10,
            ideal_recording_seconds: 60,
            min_images: 10,
            max_images: 50,
            recommended_min_side_px: 1024,
        }
    }
}

/// T1, T2, T4: training quotas.
///
/// ```
/// use fivergo_core::TrainingPolicy;
/// let t = TrainingPolicy::default();
/// assert_eq!((t.before_subscription, t.per_period, t.refund_failed), (2, 2, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingPolicy {
    /// Trainings per model in total before the seller ever subscribes (T1).
    pub before_subscription: u32,
    /// Trainings per model per billing month while subscribed (T2); catalogue
    /// entries may override it (Voice over: 3).
    pub per_period: u32,
    /// Whether failed or cancelled trainings give their quota back (T4).
    pub refund_failed: bool,
    /// How long a runner holds a running training without renewing its lease; a
    /// job whose runner went silent this long is queued again for another worker
    /// (or, after `jobs.max_attempts` runs, fails with its quota back, T4). Runners
    /// renew from their progress ticks, at most every quarter of it.
    pub lease_seconds: u32,
}

impl Default for TrainingPolicy {
    fn default() -> Self {
        Self {
            before_subscription: 2,
            per_period: 2,
            refund_failed: true,
            lease_seconds: 300,
        }
    }
}

impl TrainingPolicy {
    /// The lease of a running training, as a duration.
    ///
    /// ```
    /// use fivergo_core::TrainingPolicy;
    /// let training = TrainingPolicy { lease_seconds: 90, ..TrainingPolicy::default() };
    /// assert_eq!(training.lease(), chrono::Duration::seconds(90));
    /// assert_eq!(TrainingPolicy::default().lease().num_minutes(), 5);
    /// ```
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.lease_seconds))
    }
}

/// T4: how workers hold the jobs they claim (trainings and queued generations).
///
/// A worker claims a job, holds it on a lease it renews from the job's progress,
/// and finishes it. A job whose worker went silent (its lease ran out) is queued
/// again for another worker, at most `max_attempts` runs in all; after the last one
/// it fails, a training with its quota back (T4).
///
/// ```
/// use fivergo_core::JobsPolicy;
/// let j = JobsPolicy::default();
/// assert_eq!((j.max_attempts, j.generation_lease_seconds, j.claim_seconds), (3, 120, 30));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsPolicy {
    /// Runs a job gets before a lost lease fails it instead of queueing it again.
    pub max_attempts: u32,
    /// The lease of a running generation (a training's is `training.lease_seconds`).
    pub generation_lease_seconds: u32,
    /// How long a claim keeps other workers off a job before its worker starts it.
    pub claim_seconds: u32,
}

impl Default for JobsPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            generation_lease_seconds: 120,
            claim_seconds: 30,
        }
    }
}

impl JobsPolicy {
    /// The lease of a running generation, as a duration.
    ///
    /// ```
    /// use fivergo_core::JobsPolicy;
    /// assert_eq!(JobsPolicy::default().generation_lease(), chrono::Duration::minutes(2));
    /// ```
    pub fn generation_lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.generation_lease_seconds))
    }

    /// How long a claim holds, as a duration.
    ///
    /// ```
    /// use fivergo_core::JobsPolicy;
    /// let jobs = JobsPolicy { claim_seconds: 10, ..JobsPolicy::default() };
    /// assert_eq!(jobs.claim(), chrono::Duration::seconds(10));
    /// ```
    pub fn claim(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::from(self.claim_seconds))
    }
}

/// S1–S3: the subscription's price and grace period.
///
/// ```
/// use fivergo_core::SubscriptionPolicy;
/// assert_eq!(SubscriptionPolicy::default().monthly_price.to_string(), "25.00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SubscriptionPolicy {
    /// Price per billing month, in the policy currency (S1).
    pub monthly_price: Decimal,
    /// Days a past-due subscription keeps existing before it ends (S2).
    pub grace_period_days: u32,
}

impl Default for SubscriptionPolicy {
    fn default() -> Self {
        Self {
            monthly_price: Decimal::new(2500, 2),
            grace_period_days: 7,
        }
    }
}

/// M1, M2: model limits.
///
/// ```
/// use fivergo_core::ModelPolicy;
/// assert_eq!(ModelPolicy::default().active_model_limit, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelPolicy {
    /// Published models a seller may have at once (M1).
    pub active_model_limit: u32,
    /// Playground generations needed before publishing (M2).
    pub min_playground_generations: u32,
}

impl Default for ModelPolicy {
    fn default() -> Self {
        Self {
            active_model_limit: 3,
            min_playground_generations: 1,
        }
    }
}

/// P1, V1: what an immediate-download order includes.
///
/// ```
/// use fivergo_core::OrderPolicy;
/// let o = OrderPolicy::default();
/// assert_eq!((o.included_edits, o.included_revisions, o.revision_window_hours), (1, 1, 24));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrderPolicy {
    /// Edits every price includes (P1), shown on quotes.
    pub included_edits: u32,
    /// Revision requests an immediate download includes (V1).
    pub included_revisions: u32,
    /// Hours after download during which a revision may be requested (V1).
    pub revision_window_hours: u32,
    /// The longest revision window a custom offer may grant, in hours (V2).
    pub max_offer_window_hours: u32,
}

impl Default for OrderPolicy {
    fn default() -> Self {
        Self {
            included_edits: 1,
            included_revisions: 1,
            revision_window_hours: 24,
            max_offer_window_hours: 24 * 365,
        }
    }
}

/// Bounds on what crosses the library's edge: the ids and texts callers pass, the
/// amounts of money one command may move, how deep a JSON-like value may nest, and
/// how long one call of a generator written in the host's language (Python,
/// JavaScript) may take. Refusals are `invalid_input` naming the argument, the
/// allowed range and what was given.
///
/// ```
/// use fivergo_core::{Currency, LimitsPolicy, Money};
/// let limits = LimitsPolicy::default();
/// assert_eq!((limits.max_id_bytes, limits.max_text_bytes, limits.max_json_depth), (256, 20_000, 64));
/// assert_eq!(limits.check_id("seller", &"a".repeat(257)).unwrap_err().code(), "invalid_input");
/// let too_fine = Money::parse("0.001", Currency::Usd).unwrap();
/// assert_eq!(limits.check_amount("amount", too_fine).unwrap_err().code(), "invalid_input");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsPolicy {
    /// Longest id, tag, label or file name a caller may pass, in UTF-8 bytes.
    pub max_id_bytes: u32,
    /// Longest free text (reports, instructions, revision notes, reviews, offer
    /// terms, briefs), in UTF-8 bytes.
    pub max_text_bytes: u32,
    /// The largest amount of money one command may carry (a credit, a payment, a
    /// refund, a price), in units of the policy currency.
    pub max_amount: Decimal,
    /// Deepest nesting of a JSON-like value crossing the edge (asset metadata,
    /// trained styles, generator results); at most [`LimitsPolicy::JSON_DEPTH_CAP`],
    /// so whatever is stored reads back.
    pub max_json_depth: u32,
    /// How long one `generate` call of a Python or JavaScript generator may take, in
    /// milliseconds; a later answer is refused with `generator_timeout`.
    pub generation_deadline_ms: u32,
    /// How long one `train` call of a Python or JavaScript generator may take, in
    /// milliseconds; a later answer fails the training (its quota back, T4).
    pub training_deadline_ms: u32,
    /// The most subscription renewals one partition settles in one command or
    /// `tick` (S2, S5). A clock that jumps years ahead (a host's misconfigured
    /// clock, a replay with a wrong instant) would otherwise charge every missed
    /// month in one call; past this bound the partition stays due and each later
    /// tick settles the next renewals, in order, each period once.
    pub max_renewals_per_settle: u32,
}

impl Default for LimitsPolicy {
    fn default() -> Self {
        Self {
            max_id_bytes: 256,
            max_text_bytes: 20_000,
            max_amount: Decimal::from(1_000_000_000u32),
            max_json_depth: 64,
            generation_deadline_ms: 120_000,
            training_deadline_ms: 3_600_000,
            max_renewals_per_settle: 24,
        }
    }
}

impl LimitsPolicy {
    /// The highest `max_json_depth` a policy may set: values nest inside the
    /// library's own records, and `serde_json` reads at most 128 levels back.
    pub const JSON_DEPTH_CAP: u32 = 100;

    /// `Ok` when `id` is at most `max_id_bytes` long and holds no control character
    /// (NUL included).
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let limits = Policy::default().limits;
    /// assert!(limits.check_id("seller", "ana").is_ok());
    /// assert_eq!(limits.check_id("seller", "ana\nbob").unwrap_err().code(), "invalid_input");
    /// assert_eq!(limits.check_id("seller", &"a".repeat(257)).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn check_id(&self, field: &str, id: &str) -> Result<(), Error> {
        check_length(field, id, self.max_id_bytes)?;
        if id.chars().any(char::is_control) {
            return Err(Error::invalid(
                field,
                "must not contain control characters (NUL, newlines, ...)",
            ));
        }
        Ok(())
    }

    /// `Ok` when `text` is at most `max_text_bytes` long and holds no NUL.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let limits = Policy::default().limits;
    /// assert!(limits.check_text("brief", "A koi,\nin fine line.").is_ok()); // newlines are fine in texts
    /// assert_eq!(limits.check_text("brief", "a\0b").unwrap_err().code(), "invalid_input");
    /// ```
    pub fn check_text(&self, field: &str, text: &str) -> Result<(), Error> {
        check_length(field, text, self.max_text_bytes)?;
        if text.contains('\0') {
            return Err(Error::invalid(field, "must not contain NUL characters"));
        }
        Ok(())
    }

    /// `Ok` when `amount` is at most `max_amount` in magnitude and has no digit
    /// below its currency's minor unit (`0.001 USD` is refused, `2.50` and `2.500`
    /// are not): money that moves is never silently rounded.
    ///
    /// ```
    /// use fivergo_core::{Currency, Money, Policy};
    /// let limits = Policy::default().limits;
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// assert!(limits.check_amount("amount", usd("2.500")).is_ok());
    /// assert_eq!(limits.check_amount("amount", usd("0.001")).unwrap_err().code(), "invalid_input");
    /// assert!(limits.check_amount("amount", usd("2000000000")).is_err()); // over max_amount
    /// ```
    pub fn check_amount(&self, field: &str, amount: Money) -> Result<(), Error> {
        self.check_magnitude(field, amount)?;
        if amount.rounded().amount() != amount.amount() {
            let minor = amount.currency().minor_units();
            return Err(Error::invalid(
                field,
                format!(
                    "{amount} has digits below the {} minor unit ({minor} decimals)",
                    amount.currency()
                ),
            ));
        }
        Ok(())
    }

    /// `Ok` when `amount` is at most `max_amount` in magnitude (prices may carry
    /// sub-minor-unit precision: their totals are rounded, P5).
    ///
    /// ```
    /// use fivergo_core::{Currency, Money, Policy};
    /// let limits = Policy::default().limits;
    /// assert!(limits.check_magnitude("unit_price", Money::parse("0.001", Currency::Usd).unwrap()).is_ok());
    /// let huge = Money::parse("-1000000001", Currency::Usd).unwrap();
    /// assert_eq!(limits.check_magnitude("unit_price", huge).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn check_magnitude(&self, field: &str, amount: Money) -> Result<(), Error> {
        if amount.amount().abs() > self.max_amount {
            return Err(Error::out_of_range(
                field,
                "amount",
                -self.max_amount,
                self.max_amount,
                amount.amount(),
            ));
        }
        Ok(())
    }

    /// How deep `value` nests (a scalar is 0, `[1]` is 1, `[[1]]` is 2), counted
    /// without recursion, stopping once past `max_json_depth`.
    ///
    /// ```
    /// use fivergo_core::LimitsPolicy;
    /// let limits = LimitsPolicy { max_json_depth: 2, ..LimitsPolicy::default() };
    /// assert!(limits.check_json_depth("params", &serde_json::json!({"a": [1]})).is_ok()); // depth 2
    /// let deep = serde_json::json!({"a": {"b": [1]}}); // depth 3
    /// assert_eq!(limits.check_json_depth("params", &deep).unwrap_err().code(), "invalid_input");
    /// ```
    pub fn check_json_depth(&self, field: &str, value: &serde_json::Value) -> Result<(), Error> {
        let limit = self.max_json_depth as usize;
        let mut stack = vec![(value, 0usize)];
        while let Some((v, depth)) = stack.pop() {
            let children: Box<dyn Iterator<Item = &serde_json::Value>> = match v {
                serde_json::Value::Array(items) => Box::new(items.iter()),
                serde_json::Value::Object(fields) => Box::new(fields.values()),
                _ => continue,
            };
            if depth + 1 > limit {
                return Err(self.too_deep(field));
            }
            stack.extend(children.map(|c| (c, depth + 1)));
        }
        Ok(())
    }

    /// The refusal of a value nested deeper than `max_json_depth`.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let err = Policy::default().limits.too_deep("params");
    /// assert_eq!(err.code(), "invalid_input");
    /// assert!(err.to_string().contains("params"));
    /// ```
    pub fn too_deep(&self, field: &str) -> Error {
        Error::out_of_range(
            field,
            "nesting depth",
            0,
            self.max_json_depth,
            format!("more than {}", self.max_json_depth),
        )
    }

    /// The deadline of one generator call (`training` or generation) as a duration.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let limits = Policy::default().limits;
    /// assert_eq!(limits.generator_deadline(false).as_secs(), 120); // a draft
    /// assert_eq!(limits.generator_deadline(true).as_secs(), 3_600); // a training
    /// ```
    pub fn generator_deadline(&self, training: bool) -> std::time::Duration {
        let ms = if training {
            self.training_deadline_ms
        } else {
            self.generation_deadline_ms
        };
        std::time::Duration::from_millis(u64::from(ms))
    }
}

fn check_length(field: &str, text: &str, max: u32) -> Result<(), Error> {
    if text.len() > max as usize {
        return Err(Error::out_of_range(
            field,
            "length in bytes",
            0,
            max,
            text.len(),
        ));
    }
    Ok(())
}

impl Policy {
    /// Parses a policy from JSON (missing fields keep their defaults) and validates it.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let policy = Policy::from_json(r#"{"currency": "EUR", "subscription": {"monthly_price": "19"}}"#).unwrap();
    /// assert_eq!(policy.monthly_fee().to_string(), "19.00 EUR");
    /// assert_eq!(Policy::from_json(r#"{"modles": {}}"#).unwrap_err().code(), "invalid_policy"); // typos are refused
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let policy: Policy = serde_json::from_str(json).map_err(|e| Error::InvalidPolicy {
            field: "json".into(),
            reason: e.to_string(),
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// The policy as pretty JSON.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let json = Policy::default().to_json();
    /// assert_eq!(Policy::from_json(&json).unwrap(), Policy::default());
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy always serializes")
    }

    /// Checks every number: prices positive, limits above zero, ranges ordered.
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// let mut p = Policy::default();
    /// p.models.active_model_limit = 0;
    /// assert_eq!(p.validate().unwrap_err().code(), "invalid_policy");
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let positive = |field: &str, v: u32| {
            if v == 0 {
                Err(Error::InvalidPolicy {
                    field: field.into(),
                    reason: "must be above zero".into(),
                })
            } else {
                Ok(())
            }
        };
        if self.subscription.monthly_price <= Decimal::ZERO {
            return Err(Error::InvalidPolicy {
                field: "subscription.monthly_price".into(),
                reason: format!("must be positive, got {}", self.subscription.monthly_price),
            });
        }
        positive(
            "assets.all_selection_limit",
            self.assets.all_selection_limit,
        )?;
        positive("assets.min_audio_seconds", self.assets.min_audio_seconds)?;
        positive(
            "assets.ideal_recording_seconds",
            self.assets.ideal_recording_seconds,
        )?;
        positive("assets.max_images", self.assets.max_images)?;
        positive(
            "assets.recommended_min_side_px",
            self.assets.recommended_min_side_px,
        )?;
        positive(
            "training.before_subscription",
            self.training.before_subscription,
        )?;
        positive("training.per_period", self.training.per_period)?;
        positive("training.lease_seconds", self.training.lease_seconds)?;
        positive("jobs.max_attempts", self.jobs.max_attempts)?;
        positive(
            "jobs.generation_lease_seconds",
            self.jobs.generation_lease_seconds,
        )?;
        positive("jobs.claim_seconds", self.jobs.claim_seconds)?;
        positive("models.active_model_limit", self.models.active_model_limit)?;
        positive(
            "orders.revision_window_hours",
            self.orders.revision_window_hours,
        )?;
        positive(
            "orders.max_offer_window_hours",
            self.orders.max_offer_window_hours,
        )?;
        // Durations stay within a century, so every instant the rules compute from
        // them (deadlines, ends of grace, leases) is a calendar date.
        let at_most = |field: &str, v: u32, max: u32, unit: &str| {
            if v > max {
                Err(Error::InvalidPolicy {
                    field: field.into(),
                    reason: format!("must be at most {max} {unit}, got {v}"),
                })
            } else {
                Ok(())
            }
        };
        at_most(
            "subscription.grace_period_days",
            self.subscription.grace_period_days,
            MAX_DAYS,
            "days",
        )?;
        at_most(
            "orders.revision_window_hours",
            self.orders.revision_window_hours,
            self.orders.max_offer_window_hours,
            "hours (orders.max_offer_window_hours)",
        )?;
        at_most(
            "orders.max_offer_window_hours",
            self.orders.max_offer_window_hours,
            MAX_DAYS * 24,
            "hours",
        )?;
        at_most(
            "training.lease_seconds",
            self.training.lease_seconds,
            MAX_DAYS * 86_400,
            "seconds",
        )?;
        at_most(
            "jobs.generation_lease_seconds",
            self.jobs.generation_lease_seconds,
            MAX_DAYS * 86_400,
            "seconds",
        )?;
        at_most(
            "jobs.claim_seconds",
            self.jobs.claim_seconds,
            MAX_DAYS * 86_400,
            "seconds",
        )?;
        let l = &self.limits;
        positive("limits.max_id_bytes", l.max_id_bytes)?;
        positive("limits.max_text_bytes", l.max_text_bytes)?;
        positive("limits.max_json_depth", l.max_json_depth)?;
        positive("limits.generation_deadline_ms", l.generation_deadline_ms)?;
        positive("limits.training_deadline_ms", l.training_deadline_ms)?;
        positive("limits.max_renewals_per_settle", l.max_renewals_per_settle)?;
        at_most(
            "limits.max_json_depth",
            l.max_json_depth,
            LimitsPolicy::JSON_DEPTH_CAP,
            "levels",
        )?;
        if l.max_amount <= Decimal::ZERO {
            return Err(Error::InvalidPolicy {
                field: "limits.max_amount".into(),
                reason: format!("must be positive, got {}", l.max_amount),
            });
        }
        if self.assets.min_images > self.assets.max_images {
            return Err(Error::InvalidPolicy {
                field: "assets.min_images".into(),
                reason: format!(
                    "min_images ({}) exceeds max_images ({})",
                    self.assets.min_images, self.assets.max_images
                ),
            });
        }
        self.media.validate()?;
        self.catalogue.validate()
    }

    /// The subscription fee as money in the policy currency, rounded (S1).
    ///
    /// ```
    /// use fivergo_core::Policy;
    /// assert_eq!(Policy::default().monthly_fee().to_string(), "25.00 USD");
    /// ```
    pub fn monthly_fee(&self) -> Money {
        Money::new(self.subscription.monthly_price, self.currency).rounded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_articles_numbers() {
        // R: S1, T1, T2, M1, A2, A3, V1, P1, S2
        let p = Policy::default();
        assert_eq!(p.monthly_fee().to_string(), "25.00 USD");
        assert_eq!(p.training.before_subscription, 2);
        assert_eq!(p.training.per_period, 2);
        assert_eq!(
            p.catalogue.get("voice_over").unwrap().trainings_per_period,
            Some(3)
        );
        assert_eq!(p.models.active_model_limit, 3);
        assert_eq!(p.assets.all_selection_limit, 100);
        assert_eq!(p.assets.min_audio_seconds, 10);
        assert_eq!(
            p.catalogue.get("voice_over").unwrap().min_asset_seconds,
            Some(30)
        );
        assert_eq!(p.orders.revision_window_hours, 24);
        assert_eq!(p.orders.included_edits, 1);
        assert_eq!(p.subscription.grace_period_days, 7);
        p.validate().unwrap();
    }

    #[test]
    fn json_round_trip_and_partial_override() {
        // R: S1
        let p = Policy::from_json(r#"{"subscription": {"monthly_price": "30"}}"#).unwrap();
        assert_eq!(p.monthly_fee().to_string(), "30.00 USD");
        assert_eq!(p.subscription.grace_period_days, 7);
        assert_eq!(Policy::from_json(&p.to_json()).unwrap(), p);
    }

    #[test]
    fn bad_values_are_clear_errors() {
        // R: S1, M1, A3
        for (json, field) in [
            (
                r#"{"subscription": {"monthly_price": "-5"}}"#,
                "subscription.monthly_price",
            ),
            (
                r#"{"models": {"active_model_limit": 0}}"#,
                "models.active_model_limit",
            ),
            (r#"{"assets": {"min_images": 60}}"#, "assets.min_images"),
            (
                r#"{"media": {"limits": {"max_bytes": 0}}}"#,
                "media.limits.max_bytes",
            ),
            (
                r#"{"media": {"image": {"blur_ratio": 1.5}}}"#,
                "media.image.blur_ratio",
            ),
            (
                r#"{"media": {"audio": {"f0_min_hz": 900.0}}}"#,
                "media.audio.f0_min_hz",
            ),
        ] {
            match Policy::from_json(json).unwrap_err() {
                Error::InvalidPolicy { field: f, .. } => assert_eq!(f, field),
                other => panic!("unexpected {other:?}"),
            }
        }
        let typo = Policy::from_json(r#"{"modles": {}}"#).unwrap_err();
        assert_eq!(typo.code(), "invalid_policy");
        assert!(typo.to_string().contains("modles"));
    }
}
