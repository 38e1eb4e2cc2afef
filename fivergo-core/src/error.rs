//! The one error type of the library.
//!
//! Every refusal is a variant of [`Error`] with a stable snake_case [`Error::code`],
//! the SPEC rule it enforces ([`Error::rule`]), a human sentence (`Display`) and the
//! numbers a UI needs as fields (also available as JSON through [`Error::details`]).
//! Codes never change once released; bindings expose them as `.code`.

use crate::catalogue::Modality;
use crate::ids::*;
use crate::model::Requirement;
use crate::money::{Currency, Money};
use crate::seller::SellerLevel;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Everything that can be refused or go wrong.
///
/// ```
/// use fivergo_core::Error;
/// let err = Error::TrainingQuotaExhausted {
///     model: "model-1".into(), used: 2, limit: 2,
///     renews_at: Some("2026-03-18T00:00:00Z".parse().unwrap()),
/// };
/// assert_eq!(err.code(), "training_quota_exhausted");
/// assert_eq!(err.rule(), Some("T5"));
/// assert_eq!(err.details()["used"], 2);
/// assert!(err.to_string().contains("renews 2026-03-18"));
/// ```
// Variant fields are named for what they hold; each variant's doc says what it means.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, strum::IntoStaticStr)]
#[serde(tag = "code", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// A policy value is out of range or the policy JSON is malformed.
    #[error("invalid policy: {field}: {reason}")]
    InvalidPolicy { field: String, reason: String },
    /// An argument is malformed (empty text, unknown enum value, bad number).
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// An argument outside its allowed range (code `invalid_input`): a number, an
    /// amount, an instant, or the length or nesting depth (`what`) of a value; the
    /// range's `min`, `max` and `got` serialize beside `field` (see [`Bounds`]).
    #[error("invalid {field}: its {what} must be between {} and {}, got {}", .range.min, .range.max, .range.got)]
    #[serde(rename = "invalid_input")]
    #[strum(serialize = "invalid_input")]
    OutOfRange {
        field: String,
        what: &'static str,
        #[serde(flatten)]
        range: Box<Bounds>,
    },
    /// An entity does not exist.
    #[error("{entity} `{id}` not found")]
    NotFound { entity: String, id: String },
    /// An entity with this id already exists.
    #[error("{entity} `{id}` already exists")]
    AlreadyExists { entity: String, id: String },
    /// E1/E2: the seller's level does not allow creating, training or publishing.
    #[error("seller {seller} is not eligible: AI creation models need {min_level} or above, or Pro (level is {level}, pro: {pro})")]
    NotEligible {
        seller: SellerId,
        level: SellerLevel,
        pro: bool,
        min_level: SellerLevel,
    },
    /// C1: no such subcategory in the catalogue.
    #[error("unknown subcategory `{subcategory}`")]
    UnknownSubcategory { subcategory: String },
    /// C1: the subcategory is announced but not available yet.
    #[error("subcategory `{subcategory}` is not available for AI creation models yet")]
    SubcategoryUnavailable { subcategory: String },
    /// C2: the seller has no Gig in the subcategory.
    #[error("seller {seller} has no Gig in `{subcategory}`; models are created per subcategory of an existing Gig")]
    NoGigInSubcategory {
        seller: SellerId,
        subcategory: String,
    },
    /// D1/M7/D2: the actor does not own what it tries to use.
    #[error("{actor} may not access {entity} `{id}`: it belongs to someone else")]
    Forbidden {
        actor: String,
        entity: String,
        id: String,
        rule: &'static str,
    },
    /// A3: the asset's modality does not match the model's subcategory.
    #[error("asset {asset} is {found}, but the model needs {expected} assets")]
    ModalityMismatch {
        asset: AssetId,
        expected: Modality,
        found: Modality,
    },
    /// A3: an audio asset is shorter than the minimum.
    #[error("asset {asset} lasts {} s; at least {min_seconds} s are required", *.duration_ms as f64 / 1000.0)]
    AssetTooShort {
        asset: AssetId,
        duration_ms: u64,
        min_seconds: u32,
    },
    /// A3: the file cannot be read (corrupt, truncated, unsupported).
    #[error("asset is unreadable: {reason}")]
    AssetUnreadable { reason: String },
    /// A3: an uploaded file exceeds a decoding limit (`what`: bytes, pixels,
    /// decoded_bytes, metadata_bytes, seconds, channels, side_px).
    #[error("the file exceeds the {what} limit: {actual} > {limit}")]
    MediaTooLarge {
        what: String,
        limit: u64,
        actual: u64,
    },
    /// A3: a recording's sample rate is outside the accepted range (a header
    /// claiming 1 Hz would make a few hundred bytes last minutes).
    #[error(
        "the recording is sampled at {sample_rate_hz} Hz; {min_hz} to {max_hz} Hz is accepted"
    )]
    SampleRateOutOfRange {
        sample_rate_hz: u32,
        min_hz: u32,
        max_hz: u32,
    },
    /// A3: an image is too small to train on.
    #[error(
        "image {asset} is {width}×{height}; its shorter side must be at least {min_side_px} px"
    )]
    ImageTooSmall {
        asset: AssetId,
        width: u32,
        height: u32,
        min_side_px: u32,
    },
    /// D3/A1: a client delivery that is not public cannot be used for training.
    #[error("asset {asset} is a private client delivery; only deliveries the client made public can train a model")]
    PrivateDelivery { asset: AssetId },
    /// T4: training needs at least one selected asset.
    #[error("model {model} has no assets selected")]
    NoAssetsSelected { model: ModelId },
    /// A5: text models need instructions.
    #[error("model {model} is a text model and needs instructions on what makes the work unique")]
    InstructionsRequired { model: ModelId },
    /// A9: the originality attestation must precede the first training.
    #[error("the seller must attest that every asset of model {model} is their own original work")]
    AttestationRequired { model: ModelId },
    /// T5: no training left in the current window.
    #[error("training quota exhausted for model {model}: {used} of {limit} used{}", renews_suffix(.renews_at))]
    TrainingQuotaExhausted {
        model: ModelId,
        used: u32,
        limit: u32,
        #[serde(with = "crate::wire::instant_opt")]
        renews_at: Option<DateTime<Utc>>,
    },
    /// T4: a training is already queued or running for the model.
    #[error("model {model} is already training (job {job})")]
    TrainingInProgress { model: ModelId, job: JobId },
    /// T4: the job is not in a state that allows the action.
    #[error("job {job} is {status}; cannot {action}")]
    JobNotActive {
        job: JobId,
        status: String,
        action: String,
    },
    /// T4: a runner renewed or finished a run it no longer holds: its lease ran out
    /// and the job was queued again (run `current` is another worker's), or the job
    /// ended meanwhile. Nothing of the late result is recorded.
    #[error("job {job}: run {attempt} lost its lease (the job is {status}, at run {current})")]
    JobLeaseLost {
        job: String,
        attempt: u32,
        current: u32,
        status: String,
    },
    /// S4/G5: the feature needs an active subscription.
    #[error("seller {seller} needs an active subscription to {action} (subscription is {state})")]
    SubscriptionRequired {
        seller: SellerId,
        action: String,
        state: String,
    },
    /// S1: the seller already has a live subscription.
    #[error("seller {seller} already has subscription {subscription}")]
    AlreadySubscribed {
        seller: SellerId,
        subscription: SubscriptionId,
    },
    /// S2: the first payment must be by card or PayPal stored for the seller.
    #[error("payment declined for {method}: {reason}")]
    PaymentDeclined {
        method: PaymentMethodId,
        amount: Money,
        reason: String,
    },
    /// S3: the subscription is already set to end.
    #[error("subscription {subscription} is already cancelled; it ends at {ends_at}")]
    AlreadyCancelled {
        subscription: SubscriptionId,
        #[serde(with = "crate::wire::instant")]
        ends_at: DateTime<Utc>,
    },
    /// S3: resume needs a cancelled subscription whose period has not ended.
    #[error("subscription {subscription} is not cancelled")]
    NotCancelled { subscription: SubscriptionId },
    /// S3/S4: the subscription has ended.
    #[error("subscription {subscription} ended at {ended_at}")]
    SubscriptionEnded {
        subscription: SubscriptionId,
        #[serde(with = "crate::wire::instant")]
        ended_at: DateTime<Utc>,
    },
    /// S5: the payment gateway did not answer (a timeout, a network failure): the
    /// charge may or may not have gone through, so nothing was recorded. A retry
    /// sends the same idempotency key, and the gateway answers with the first
    /// charge if there was one.
    #[error(
        "the payment gateway did not answer for charge {idempotency_key}: {reason}; retry later"
    )]
    GatewayUnavailable {
        idempotency_key: String,
        reason: String,
    },
    /// S2: nothing is past due.
    #[error("subscription {subscription} has nothing past due")]
    NothingPastDue { subscription: SubscriptionId },
    /// M2/M1/E2/S4: publishing needs every listed requirement.
    #[error("model {model} cannot be published yet; missing: {}", list(.missing))]
    PublishRequirementsUnmet {
        model: ModelId,
        missing: Vec<Requirement>,
    },
    /// M3: the model's lifecycle state does not allow the action.
    #[error("model {model} is {status}; cannot {action}")]
    InvalidModelState {
        model: ModelId,
        status: String,
        action: String,
    },
    /// P5: a price is zero, negative, or malformed.
    #[error("invalid price: {reason}")]
    InvalidPrice { reason: String },
    /// P4: the pricing unit does not fit the deliverable.
    #[error("`{subcategory}` is priced per {allowed:?}, not per {unit}")]
    PricingUnitNotAllowed {
        subcategory: String,
        unit: String,
        allowed: Vec<String>,
    },
    /// P5: two amounts in different currencies.
    #[error("currency mismatch: expected {expected}, got {found}")]
    CurrencyMismatch { expected: Currency, found: Currency },
    /// G5: generation needs a published model with a succeeded training.
    #[error("model {model} is not published; clients can only generate with published models")]
    ModelNotPublished { model: ModelId },
    /// G5/M2: no succeeded training to generate with.
    #[error("model {model} has no succeeded training to generate with")]
    NoTrainedVersion { model: ModelId },
    /// No generator is registered or usable for the subcategory.
    #[error("no generator available for `{subcategory}`: {reason}")]
    GeneratorUnavailable { subcategory: String, reason: String },
    /// The generator failed.
    #[error("generator failed: {reason}")]
    GeneratorFailed { reason: String },
    /// A generator written in the host's language did not answer within its
    /// deadline (`Policy.limits`); its late answer, if any, is discarded.
    #[error("generator {generator} did not answer within {limit_ms} ms")]
    GeneratorTimeout { generator: String, limit_ms: u32 },
    /// A bug: a panic inside the library, caught where a binding calls it; nothing
    /// half-done was written (a command appends all of its events or none).
    #[error("internal error (please report it): {message}")]
    #[serde(rename = "internal_error")]
    #[strum(serialize = "internal_error")]
    Internal { message: String },
    /// The job was cancelled through its [`CancelToken`](crate::CancelToken).
    #[error("{what} cancelled")]
    Cancelled { what: String },
    /// The order's state does not allow the action.
    #[error("order {order} is {status}; cannot {action}")]
    InvalidOrderState {
        order: OrderId,
        status: String,
        action: String,
    },
    /// G1: the clean file needs approval and payment.
    #[error("order {order} is not approved and paid (approved: {approved}, paid: {paid}); only the watermarked draft is available")]
    NotApprovedAndPaid {
        order: OrderId,
        approved: bool,
        paid: bool,
    },
    /// G4: AI-generated assets have no source file.
    #[error("no source file exists for AI-generated assets (order {order})")]
    SourceFileUnavailable { order: OrderId },
    /// V1: the revision cannot be requested.
    #[error("revision refused for order {order}: {reason}")]
    RevisionNotAllowed {
        order: OrderId,
        reason: String,
        used: u32,
        limit: u32,
        #[serde(with = "crate::wire::instant_opt")]
        deadline: Option<DateTime<Utc>>,
    },
    /// F1: full refunds do not exist for AI-generated assets.
    #[error("full refunds are not available for AI-generated assets (order {order})")]
    FullRefundUnavailable { order: OrderId },
    /// F2: partial refunds only up to the non-AI work.
    #[error("partial refund of {requested} refused for order {order}: at most {max} (the work beyond the AI generation) may be refunded")]
    PartialRefundNotAllowed {
        order: OrderId,
        requested: Money,
        max: Money,
    },
    /// R2/R3: the order cannot be reviewed.
    #[error("order {order} cannot be reviewed: {reason}")]
    ReviewNotAllowed {
        order: OrderId,
        reason: String,
        rule: &'static str,
    },
    /// Another writer changed the seller's partition between this command's read and
    /// its write, `attempts` times in a row: nothing of this command was written;
    /// retrying it later is safe.
    #[error("seller {partition} was changed concurrently {attempts} time(s) in a row; nothing was written, retry later")]
    ConcurrentUpdate { partition: SellerId, attempts: u32 },
    /// The store (database, blob directory) failed; nothing half-written remains.
    #[error("the store failed to {operation}: {reason}")]
    StoreFailed { operation: String, reason: String },
    /// The store could not be reached (a lost or refused connection, a server
    /// restarting): nothing of the command was written unless it says it committed;
    /// the host may retry.
    #[error("the store is unavailable ({operation}): {reason}")]
    StoreUnavailable { operation: String, reason: String },
    /// The database was written by a newer version of the library.
    #[error("the store's schema is version {found}; this library reads up to version {supported}: upgrade the library")]
    SchemaTooNew { found: u32, supported: u32 },
    /// A file a reference points to is not in the blob store.
    #[error("blob {sha256} is not in the blob store")]
    BlobNotFound { sha256: String },
    /// The library was built without a feature this call needs.
    #[error("this build of fivergo has no `{feature}` feature, needed to {action}")]
    FeatureDisabled { feature: String, action: String },
}

/// An [`Error`] with what every host shows beside its fields: see [`Error::report`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport<'a> {
    #[serde(flatten)]
    error: &'a Error,
    rule: Option<&'static str>,
    message: String,
    family: ErrorFamily,
}

/// Which kind of refusal an [`Error`] is: the exception class a binding raises
/// (Python's `OrderError`, `QuotaError`, ...; Node's `err.family`). Every variant
/// of [`Error`] names its family in one exhaustive match, so a new code can never
/// fall into a catch-all.
///
/// ```
/// use fivergo_core::{Error, ErrorFamily};
/// let err = Error::InvalidInput { field: "seed".into(), reason: "not a number".into() };
/// assert_eq!(err.family(), ErrorFamily::InvalidInput);
/// assert_eq!(ErrorFamily::InvalidInput.as_str(), "invalid_input");
/// assert_eq!(ErrorFamily::ALL.len(), 18);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFamily {
    /// An invalid policy (`invalid_policy`).
    Policy,
    /// A malformed or out-of-range argument (`invalid_input`).
    InvalidInput,
    /// Nothing by that id (`not_found`).
    NotFound,
    /// The id is taken (`already_exists`).
    AlreadyExists,
    /// The seller is below the eligible level (E1).
    Eligibility,
    /// A subcategory that is unknown, unavailable or without a Gig (C).
    Catalogue,
    /// The actor may not act on or read it (D1, D2, M7).
    Forbidden,
    /// An asset check refused the file or the selection (A).
    Asset,
    /// The training quota is used up (T5).
    Quota,
    /// A training job cannot run, finish or be cancelled (T4).
    Training,
    /// A subscription refusal, decline or unanswered gateway (S).
    Subscription,
    /// Publishing refused or a wrong model state (M2, M3).
    Publish,
    /// An invalid price, pricing unit or currency (P).
    Pricing,
    /// An order refusal or a wrong order state (G, V, R).
    Order,
    /// A refund refusal (F).
    Refund,
    /// No generator, a failed, late or cancelled generation.
    Generator,
    /// The store failed or stayed contended; nothing half-written remains.
    Store,
    /// A bug: a panic caught at a binding's edge.
    Internal,
}

impl ErrorFamily {
    /// Every family, in declaration order.
    pub const ALL: [ErrorFamily; 18] = [
        ErrorFamily::Policy,
        ErrorFamily::InvalidInput,
        ErrorFamily::NotFound,
        ErrorFamily::AlreadyExists,
        ErrorFamily::Eligibility,
        ErrorFamily::Catalogue,
        ErrorFamily::Forbidden,
        ErrorFamily::Asset,
        ErrorFamily::Quota,
        ErrorFamily::Training,
        ErrorFamily::Subscription,
        ErrorFamily::Publish,
        ErrorFamily::Pricing,
        ErrorFamily::Order,
        ErrorFamily::Refund,
        ErrorFamily::Generator,
        ErrorFamily::Store,
        ErrorFamily::Internal,
    ];

    /// The snake_case name (`invalid_input`, `order`, ...).
    ///
    /// ```
    /// use fivergo_core::ErrorFamily;
    /// assert_eq!(ErrorFamily::Quota.as_str(), "quota");
    /// assert_eq!(serde_json::to_value(ErrorFamily::NotFound).unwrap(), ErrorFamily::NotFound.as_str());
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorFamily::Policy => "policy",
            ErrorFamily::InvalidInput => "invalid_input",
            ErrorFamily::NotFound => "not_found",
            ErrorFamily::AlreadyExists => "already_exists",
            ErrorFamily::Eligibility => "eligibility",
            ErrorFamily::Catalogue => "catalogue",
            ErrorFamily::Forbidden => "forbidden",
            ErrorFamily::Asset => "asset",
            ErrorFamily::Quota => "quota",
            ErrorFamily::Training => "training",
            ErrorFamily::Subscription => "subscription",
            ErrorFamily::Publish => "publish",
            ErrorFamily::Pricing => "pricing",
            ErrorFamily::Order => "order",
            ErrorFamily::Refund => "refund",
            ErrorFamily::Generator => "generator",
            ErrorFamily::Store => "store",
            ErrorFamily::Internal => "internal",
        }
    }
}

/// The allowed range of an [`Error::OutOfRange`] and what was given, written as
/// decimals (or RFC 3339 instants).
///
/// ```
/// use fivergo_core::Error;
/// let err = Error::out_of_range("quantity", "value", 0, 10, -1);
/// assert_eq!((err.code(), err.details()["max"].as_str()), ("invalid_input", Some("10")));
/// assert_eq!(err.to_string(), "invalid quantity: its value must be between 0 and 10, got -1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// The smallest value allowed.
    pub min: String,
    /// The largest value allowed.
    pub max: String,
    /// What was given.
    pub got: String,
}

fn renews_suffix(at: &Option<DateTime<Utc>>) -> String {
    match at {
        Some(at) => format!("; renews {}", at.format("%Y-%m-%d %H:%M UTC")),
        None => "; subscribe to get a monthly quota".into(),
    }
}

fn list(missing: &[Requirement]) -> String {
    missing
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// The family of the error: the exception class a binding raises.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// assert_eq!(hub.add_gig("nobody", "tattoo").unwrap_err().family(), ErrorFamily::NotFound);
    /// let quota = Error::TrainingQuotaExhausted { model: "ana/model-1".into(), used: 2, limit: 2, renews_at: None };
    /// assert_eq!(quota.family(), ErrorFamily::Quota);
    /// ```
    pub fn family(&self) -> ErrorFamily {
        use Error::*;
        match self {
            InvalidPolicy { .. } => ErrorFamily::Policy,
            InvalidInput { .. } | OutOfRange { .. } => ErrorFamily::InvalidInput,
            NotFound { .. } => ErrorFamily::NotFound,
            AlreadyExists { .. } => ErrorFamily::AlreadyExists,
            NotEligible { .. } => ErrorFamily::Eligibility,
            UnknownSubcategory { .. }
            | SubcategoryUnavailable { .. }
            | NoGigInSubcategory { .. } => ErrorFamily::Catalogue,
            Forbidden { .. } => ErrorFamily::Forbidden,
            ModalityMismatch { .. }
            | AssetTooShort { .. }
            | AssetUnreadable { .. }
            | MediaTooLarge { .. }
            | SampleRateOutOfRange { .. }
            | ImageTooSmall { .. }
            | PrivateDelivery { .. }
            | NoAssetsSelected { .. }
            | InstructionsRequired { .. }
            | AttestationRequired { .. } => ErrorFamily::Asset,
            TrainingQuotaExhausted { .. } => ErrorFamily::Quota,
            TrainingInProgress { .. } | JobNotActive { .. } | JobLeaseLost { .. } => {
                ErrorFamily::Training
            }
            GatewayUnavailable { .. }
            | SubscriptionRequired { .. }
            | AlreadySubscribed { .. }
            | PaymentDeclined { .. }
            | AlreadyCancelled { .. }
            | NotCancelled { .. }
            | SubscriptionEnded { .. }
            | NothingPastDue { .. } => ErrorFamily::Subscription,
            PublishRequirementsUnmet { .. } | InvalidModelState { .. } => ErrorFamily::Publish,
            InvalidPrice { .. } | PricingUnitNotAllowed { .. } | CurrencyMismatch { .. } => {
                ErrorFamily::Pricing
            }
            ModelNotPublished { .. }
            | NoTrainedVersion { .. }
            | InvalidOrderState { .. }
            | NotApprovedAndPaid { .. }
            | SourceFileUnavailable { .. }
            | RevisionNotAllowed { .. }
            | ReviewNotAllowed { .. } => ErrorFamily::Order,
            FullRefundUnavailable { .. } | PartialRefundNotAllowed { .. } => ErrorFamily::Refund,
            GeneratorUnavailable { .. }
            | GeneratorFailed { .. }
            | GeneratorTimeout { .. }
            | Cancelled { .. } => ErrorFamily::Generator,
            ConcurrentUpdate { .. }
            | StoreFailed { .. }
            | StoreUnavailable { .. }
            | SchemaTooNew { .. }
            | BlobNotFound { .. }
            | FeatureDisabled { .. } => ErrorFamily::Store,
            Internal { .. } => ErrorFamily::Internal,
        }
    }

    /// The stable snake_case code (`training_quota_exhausted`, ...): the variant's name,
    /// as serde writes it under `code`, except that [`Error::OutOfRange`] is an
    /// `invalid_input` and [`Error::Internal`] an `internal_error`.
    ///
    /// ```
    /// use fivergo_core::Error;
    /// let e = Error::out_of_range("seed", "value", 0, 10, 11);
    /// assert_eq!(e.code(), "invalid_input");
    /// assert_eq!(serde_json::to_value(&e).unwrap()["code"], e.code());
    /// ```
    pub fn code(&self) -> &'static str {
        self.into()
    }

    /// The SPEC rule the refusal enforces, where there is one.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("bob", SellerLevel::New, false).unwrap();
    /// hub.add_gig("bob", "tattoo").unwrap();
    /// let err = hub.create_model("bob", "tattoo").unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("not_eligible", Some("E1")));
    /// assert_eq!(hub.seller("eve").unwrap_err().rule(), None); // `not_found` enforces no rule
    /// ```
    pub fn rule(&self) -> Option<&'static str> {
        use Error::*;
        Some(match self {
            InvalidPolicy { .. }
            | InvalidInput { .. }
            | OutOfRange { .. }
            | NotFound { .. }
            | AlreadyExists { .. } => return None,
            GeneratorUnavailable { .. }
            | GeneratorFailed { .. }
            | GeneratorTimeout { .. }
            | Cancelled { .. }
            | InvalidOrderState { .. } => return None,
            Internal { .. } => return None,
            ConcurrentUpdate { .. }
            | StoreFailed { .. }
            | StoreUnavailable { .. }
            | SchemaTooNew { .. }
            | BlobNotFound { .. }
            | FeatureDisabled { .. } => return None,
            NotEligible { .. } => "E1",
            UnknownSubcategory { .. } | SubcategoryUnavailable { .. } => "C1",
            NoGigInSubcategory { .. } => "C2",
            Forbidden { rule, .. } | ReviewNotAllowed { rule, .. } => rule,
            ModalityMismatch { .. }
            | AssetTooShort { .. }
            | AssetUnreadable { .. }
            | MediaTooLarge { .. }
            | SampleRateOutOfRange { .. }
            | ImageTooSmall { .. } => "A3",
            PrivateDelivery { .. } => "D3",
            NoAssetsSelected { .. }
            | TrainingInProgress { .. }
            | JobNotActive { .. }
            | JobLeaseLost { .. } => "T4",
            GatewayUnavailable { .. } => "S5",
            InstructionsRequired { .. } => "A5",
            AttestationRequired { .. } => "A9",
            TrainingQuotaExhausted { .. } => "T5",
            SubscriptionRequired { .. } => "S4",
            AlreadySubscribed { .. } => "S1",
            PaymentDeclined { .. } | NothingPastDue { .. } => "S2",
            AlreadyCancelled { .. } | NotCancelled { .. } | SubscriptionEnded { .. } => "S3",
            PublishRequirementsUnmet { .. } => "M2",
            InvalidModelState { .. } => "M3",
            InvalidPrice { .. } | CurrencyMismatch { .. } => "P5",
            PricingUnitNotAllowed { .. } => "P4",
            ModelNotPublished { .. } | NoTrainedVersion { .. } => "G5",
            NotApprovedAndPaid { .. } => "G1",
            SourceFileUnavailable { .. } => "G4",
            RevisionNotAllowed { .. } => "V1",
            FullRefundUnavailable { .. } => "F1",
            PartialRefundNotAllowed { .. } => "F2",
        })
    }

    /// The error's fields as JSON with `code`, `rule`, `message` and `family`: what
    /// UIs read (the JSON of [`Error::report`]).
    ///
    /// ```
    /// use fivergo_core::Error;
    /// let err = Error::TrainingQuotaExhausted { model: "ana/model-1".into(), used: 2, limit: 2, renews_at: None };
    /// let details = err.details();
    /// assert_eq!(details["code"], "training_quota_exhausted");
    /// assert_eq!((details["used"].as_u64(), details["rule"].as_str()), (Some(2), Some("T5")));
    /// assert_eq!((details["message"].as_str(), details["family"].as_str()), (Some(err.to_string().as_str()), Some("quota")));
    /// ```
    pub fn details(&self) -> serde_json::Value {
        serde_json::to_value(self.report())
            .unwrap_or_else(|_| serde_json::json!({ "code": self.code() }))
    }

    /// The error as every host shows it: its own fields and `code`, plus `rule`,
    /// `message` and `family`. Serialize it (to JSON: [`Error::details`]; to a
    /// binding: [`to_wire`](crate::wire::to_wire), instants and amounts typed).
    ///
    /// ```
    /// use chrono::DateTime;
    /// use fivergo_core::wire::{to_wire, Wire};
    /// use fivergo_core::Error;
    /// let renews = DateTime::UNIX_EPOCH;
    /// let err = Error::TrainingQuotaExhausted { model: "ana/model-1".into(), used: 2, limit: 2, renews_at: Some(renews) };
    /// let wire = to_wire(&err.report()).unwrap();
    /// assert_eq!(wire.get("renews_at"), Some(&Wire::Instant(renews)));
    /// assert_eq!(wire.get("family"), Some(&Wire::Str("quota".into())));
    /// assert_eq!(wire.to_json(), err.details());
    /// ```
    pub fn report(&self) -> ErrorReport<'_> {
        ErrorReport {
            error: self,
            rule: self.rule(),
            message: self.to_string(),
            family: self.family(),
        }
    }

    /// `invalid_input`: `field`'s `what` (value, amount, length in bytes, ...) is `got`,
    /// outside `min..=max`.
    ///
    /// ```
    /// use fivergo_core::Error;
    /// let err = Error::out_of_range("brief.quantity", "value", 1, 1000, 0);
    /// assert_eq!(err.code(), "invalid_input");
    /// assert_eq!(err.details()["got"], "0");
    /// assert_eq!(err.to_string(), "invalid brief.quantity: its value must be between 1 and 1000, got 0");
    /// ```
    pub fn out_of_range(
        field: &str,
        what: &'static str,
        min: impl ToString,
        max: impl ToString,
        got: impl ToString,
    ) -> Self {
        Error::OutOfRange {
            field: field.into(),
            what,
            range: Box::new(Bounds {
                min: min.to_string(),
                max: max.to_string(),
                got: got.to_string(),
            }),
        }
    }

    pub(crate) fn not_found(entity: &str, id: impl std::fmt::Display) -> Self {
        Error::NotFound {
            entity: entity.into(),
            id: id.to_string(),
        }
    }

    pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
