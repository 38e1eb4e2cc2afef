//! The TypeScript shapes of the values the binding hands out and takes, declared
//! here so that `napi build` generates them into `index.d.ts`.
//!
//! Values are never built from these declarations: they leave through the core's
//! wire form ([`crate::js`]), which these shapes describe (camelCase keys, `Date`
//! for instants, [`Money`] for amounts, `null` for an absent optional field unless a
//! field is marked optional). `test/shapes.test.mjs` checks real values against the
//! generated declarations, so a field added to the core without its line here fails
//! a test. Numbers are `f64`/`u32` here because a 64-bit unsigned integer would be
//! declared `bigint`, while the wire form gives JavaScript numbers.
#![allow(missing_docs)]
// Declarations only: no value of these types is ever built.
#![allow(clippy::large_enum_variant)]

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Buffer, Either};
use napi_derive::napi;

// ----- enums ------------------------------------------------------------------------

/// An ISO 4217 currency.
#[napi(string_enum = "UPPERCASE")]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
    Jpy,
}

/// A seller's level (E1); Pro is a flag beside it.
#[napi(string_enum = "snake_case")]
pub enum SellerLevel {
    New,
    #[napi(value = "level_1")]
    Level1,
    #[napi(value = "level_2")]
    Level2,
    TopRated,
}

/// A stored payment method: a card or a PayPal account (S2).
#[napi(string_enum = "snake_case")]
pub enum PaymentMethodKind {
    Card,
    Paypal,
}

/// What a subcategory makes and its assets hold (C1).
#[napi(string_enum = "snake_case")]
pub enum Modality {
    Image,
    Audio,
    Text,
}

/// What a price counts (P1–P4).
#[napi(string_enum = "snake_case")]
pub enum PricingUnit {
    Item,
    Seconds,
    Words,
}

/// Where a creation model is in its lifecycle (M3).
#[napi(string_enum = "snake_case")]
pub enum ModelStatus {
    Draft,
    Training,
    Ready,
    Published,
    Unpublished,
    Archived,
}

/// Where a training or a queued generation is (T4).
#[napi(string_enum = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// Where an order is (G, V, R).
#[napi(string_enum = "snake_case")]
pub enum OrderStatus {
    OfferRequested,
    OfferSent,
    Drafted,
    Released,
    RevisionRequested,
    RevisionDelivered,
    Completed,
}

/// How an order was placed: an immediate download or a custom offer (G3).
#[napi(string_enum = "snake_case")]
pub enum OrderPath {
    ImmediateDownload,
    CustomOffer,
}

/// How serious a finding is (A4).
#[napi(string_enum = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// Why a model left the catalogue (M3, E2, S4).
#[napi(string_enum = "snake_case")]
pub enum UnpublishReason {
    Seller,
    Archived,
    Eligibility,
    SubscriptionEnded,
}

/// Why a subscription ended (S2, S3).
#[napi(string_enum = "snake_case")]
pub enum EndReason {
    Cancelled,
    PaymentFailed,
}

/// What a quote line counts.
#[napi(string_enum = "snake_case")]
pub enum LineKind {
    Units,
    Base,
    Increments,
}

/// The kind of job a worker claims.
#[napi(string_enum = "snake_case")]
pub enum WorkKind {
    Training,
    Generation,
}

/// Where a subscription stands, in one word.
#[napi(string_enum = "snake_case")]
pub enum SubscriptionState {
    Active,
    Cancelling,
    PastDue,
    Ended,
}

/// An asset source named without fields.
#[napi(string_enum = "snake_case")]
pub enum AssetSourceKind {
    Portfolio,
    WorkSample,
    Upload,
}

/// A registry of generators for every subcategory.
#[napi(string_enum = "snake_case")]
pub enum GeneratorRegistryName {
    Echo,
    Reference,
    #[napi(value = "none")]
    Empty,
}

// ----- values -----------------------------------------------------------------------

/// An amount: a decimal string (never a JS number) and its currency.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Money {
    pub amount: String,
    pub currency: Currency,
}

/// A file in the blob store: its SHA-256, size, media type and pixel size or duration.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct FileRef {
    pub sha256: String,
    pub len: f64,
    pub media_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<f64>,
}

/// A stored card or PayPal account (S2).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PaymentMethod {
    pub id: String,
    pub kind: PaymentMethodKind,
    pub label: String,
}

/// What counts in the seller's Success Score and rating (R1–R3).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Reputation {
    pub success_score_orders: u32,
    pub rating_sum: u32,
    pub rating_count: u32,
}

/// A seller: level, Pro flag, Gigs, balance, payment methods, reputation.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Seller {
    pub id: String,
    pub level: SellerLevel,
    pub pro: bool,
    pub gigs: Vec<String>,
    pub balance: Money,
    pub payment_methods: Vec<PaymentMethod>,
    pub reputation: Reputation,
}

/// A subcategory of the catalogue (C1).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct CatalogueEntry {
    pub slug: String,
    pub name: String,
    pub modality: Modality,
    pub available: bool,
    pub pricing_units: Vec<PricingUnit>,
    pub min_asset_seconds: Option<u32>,
    pub trainings_per_period: Option<u32>,
    pub recommended_asset_tags: Vec<String>,
}

/// Where an asset comes from (A1).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum AssetSource {
    Portfolio,
    WorkSample,
    Upload,
    ClientDelivery { order: String, public: bool },
}

/// Measured facts of an asset (A3, A4, A8); every field may be absent.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct AssetMeta {
    pub file_name: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<f64>,
    pub monochrome: Option<bool>,
    pub blurry: Option<bool>,
    pub text_or_watermark: Option<bool>,
    pub draft_mark: Option<bool>,
    pub background_noise: Option<bool>,
    pub clipping: Option<bool>,
    pub long_silence: Option<bool>,
    pub voices: Option<u32>,
    pub style: Option<String>,
    pub genre: Option<String>,
    pub upscaled: Option<bool>,
    pub sharpness: Option<f64>,
    pub mean_chroma: Option<f64>,
    pub sample_rate_hz: Option<u32>,
    pub channels: Option<u32>,
    pub peak_dbfs: Option<f64>,
    pub rms_dbfs: Option<f64>,
    pub noise_floor_dbfs: Option<f64>,
    pub snr_db: Option<f64>,
    pub style_vector: Option<Vec<f64>>,
}

/// An asset of a seller's library.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Asset {
    pub id: String,
    pub owner: String,
    pub source: AssetSource,
    pub modality: Modality,
    pub meta: AssetMeta,
    pub tags: Vec<String>,
    pub added_at: DateTime<Utc>,
    pub seq: f64,
    /// The file, when the library holds it (uploads, public deliveries).
    pub content: Option<FileRef>,
}

/// A best-practice finding (A4, A8).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    pub asset: Option<String>,
    pub rule: String,
    pub message: String,
}

/// What `inspect` measured of a file.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Inspected {
    pub modality: Modality,
    pub meta: AssetMeta,
}

/// A model's price (P1–P5).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum PriceSpec {
    PerUnit {
        unit: PricingUnit,
        unit_price: Money,
    },
    BaseIncrements {
        unit: PricingUnit,
        base_quantity: u32,
        base_price: Money,
        increment_quantity: u32,
        increment_price: Money,
    },
}

/// One line of a quote.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct QuoteLine {
    pub kind: LineKind,
    pub quantity: u32,
    pub unit_price: Money,
    pub amount: Money,
    pub label: String,
}

/// A quote for some units of a published model (P1–P5).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Quote {
    pub unit: PricingUnit,
    pub quantity: u32,
    pub lines: Vec<QuoteLine>,
    pub total: Money,
    pub included_edits: u32,
}

/// Where a model is shown (M4).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Placement {
    pub gigs: Vec<String>,
    pub on_profile: bool,
}

/// What a training made: the generator's style.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct TrainedStyle {
    pub generator: String,
    pub format: u32,
    #[napi(ts_type = "unknown")]
    pub data: String,
}

/// The version a training made: the style the model generates with.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct TrainedVersion {
    pub version: u32,
    pub job: String,
    pub trained_at: DateTime<Utc>,
    pub settings_rev: u32,
    pub generator: String,
    pub style: FileRef,
}

#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum ReportTarget {
    Model,
    Creation { order: String },
}

/// A reported issue (M6).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Report {
    pub reporter: String,
    pub target: ReportTarget,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// An unmet publish requirement (M2).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum Requirement {
    Eligibility,
    SucceededTraining,
    PlaygroundGeneration { have: u32, need: u32 },
    Price,
    ActiveSubscription,
    ActiveModelSlot { limit: u32 },
}

/// A creation model as stored (in a `Partition`).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct ModelRecord {
    pub id: String,
    pub owner: String,
    pub subcategory: String,
    pub name: Option<String>,
    pub status: ModelStatus,
    pub created_at: DateTime<Utc>,
    pub assets: Vec<String>,
    pub instructions: Option<String>,
    pub attested_at: Option<DateTime<Utc>>,
    pub live: Option<TrainedVersion>,
    pub settings_rev: u32,
    pub active_job: Option<String>,
    pub playground_generations: u32,
    pub price: Option<PriceSpec>,
    pub placement: Placement,
    pub creations: Vec<String>,
    pub reports: Vec<Report>,
}

/// A creation model as `hub.model` reads it: the record and `stale`.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct CreationModel {
    pub id: String,
    pub owner: String,
    pub subcategory: String,
    pub name: Option<String>,
    pub status: ModelStatus,
    pub created_at: DateTime<Utc>,
    pub assets: Vec<String>,
    pub instructions: Option<String>,
    pub attested_at: Option<DateTime<Utc>>,
    pub live: Option<TrainedVersion>,
    pub settings_rev: u32,
    pub active_job: Option<String>,
    pub playground_generations: u32,
    pub price: Option<PriceSpec>,
    pub placement: Placement,
    pub creations: Vec<String>,
    pub reports: Vec<Report>,
    /// Settings changed since the live version was trained (A7).
    pub stale: bool,
}

/// What clients see of a published model (D1).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Listing {
    pub model: String,
    pub seller: String,
    pub name: String,
    pub subcategory: String,
    pub price: PriceSpec,
    pub placement: Placement,
}

/// A creation a client bought from a model (M5).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Creation {
    pub order: String,
    pub client: String,
    pub purchased_at: DateTime<Utc>,
}

/// The quota window a training counts in (T1, T2).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum QuotaWindow {
    BeforeSubscription,
    Period { subscription: String, index: u32 },
}

/// A training job (T4).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct TrainingJob {
    pub id: String,
    pub model: String,
    pub seller: String,
    pub status: JobStatus,
    pub progress_pct: u32,
    pub window: QuotaWindow,
    pub assets: Vec<String>,
    pub instructions: Option<String>,
    pub settings_rev: u32,
    pub queued_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub failure: Option<String>,
    /// While running: until when its runner holds it (T4).
    pub lease_until: Option<DateTime<Utc>>,
    /// How many times a worker started it.
    pub attempt: u32,
    /// Who runs it, while running.
    pub worker: Option<String>,
    /// Someone asked the running job to stop.
    pub cancel_requested: bool,
}

/// One capability of `Hub.entitlements`: the refusal is the error the command would
/// throw now.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct Entitlement {
    pub allowed: bool,
    #[napi(ts_type = "ErrorDetails | null")]
    pub refusal: Option<String>,
}

/// What a seller may do now (E1, E2, S2–S4).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Entitlements {
    pub create_models: Entitlement,
    pub train: Entitlement,
    pub playground: Entitlement,
    pub publish: Entitlement,
    pub serve_clients: Entitlement,
    pub assistant_auto_replies: Entitlement,
}

/// A model's training quota now (T1–T3, T5).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct QuotaStatus {
    pub window: QuotaWindow,
    pub used: u32,
    pub limit: u32,
    pub renews_at: Option<DateTime<Utc>>,
}

/// Where a subscription stands (S2, S3).
#[napi(
    discriminant = "state",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum SubscriptionStatus {
    Active,
    PastDue {
        since: DateTime<Utc>,
        period: u32,
    },
    Ended {
        at: DateTime<Utc>,
        reason: EndReason,
    },
}

/// What a period was paid from (S2).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum ChargeSource {
    Balance,
    PaymentMethod {
        id: String,
        kind: PaymentMethodKind,
        reference: String,
    },
}

/// A period's charge (S1, S5).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Charge {
    pub idempotency_key: String,
    pub period: u32,
    pub amount: Money,
    pub source: ChargeSource,
    pub at: DateTime<Utc>,
}

/// A subscription as stored (in a `Partition`, in events).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct SubscriptionRecord {
    pub id: String,
    pub seller: String,
    pub anchor: DateTime<Utc>,
    pub method: String,
    pub status: SubscriptionStatus,
    pub cancel_at_period_end: bool,
    pub paid_periods: u32,
    pub charges: Vec<Charge>,
    /// When the billing month in course ends (`null` once ended).
    pub current_period_end: Option<DateTime<Utc>>,
    /// When the next renewal is charged (`null` when cancelling or ended).
    pub renews_at: Option<DateTime<Utc>>,
}

/// A subscription as `hub.subscription` reads it: the record and `stateName`.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct Subscription {
    pub id: String,
    pub seller: String,
    pub anchor: DateTime<Utc>,
    pub method: String,
    pub status: SubscriptionStatus,
    pub cancel_at_period_end: bool,
    pub paid_periods: u32,
    pub charges: Vec<Charge>,
    /// When the billing month in course ends (`null` once ended).
    pub current_period_end: Option<DateTime<Utc>>,
    /// When the next renewal is charged (`null` when cancelling or ended).
    pub renews_at: Option<DateTime<Utc>>,
    pub state_name: SubscriptionState,
}

/// A charge the simulated gateway took.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct GatewayCharge {
    pub idempotency_key: String,
    /// The payment method's id.
    pub method: String,
    pub amount: Money,
}

/// What a gateway is asked to charge (S2, S5): the same `idempotencyKey` on every
/// retry of a period.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct ChargeRequest {
    pub idempotency_key: String,
    pub seller: String,
    pub method: PaymentMethod,
    pub amount: Money,
}

/// The host's payment processor, called for card / PayPal charges. `charge` returns
/// the processor's reference (a string, or a Promise of one); a thrown error with
/// `code: "charge_declined"` or `declined: true` is a decline (a renewal becomes past
/// due, S2); any other error, a wrong type or no answer within `deadlineMs` (default
/// 10 000) counts as unavailable: nothing is recorded and the engine asks again later
/// with the same idempotency key, so `charge` must never charge a key twice (S5). A
/// synchronous command (`subscribe`, `tick`, any command that settles a renewal) calls
/// it on the JavaScript thread and cannot wait for a Promise: it is refused with
/// `gateway_unavailable` and the Promise's answer serves the retry with that key.
/// `charge` must not call the hub.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Gateway {
    #[napi(ts_type = "(request: ChargeRequest) => string | Promise<string>")]
    pub charge: String,
    /// How long an async command waits for `charge`, in milliseconds (1 to 3 600 000).
    pub deadline_ms: Option<f64>,
}

/// A brief: free text, how many pricing units, tags.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Brief {
    pub text: String,
    pub quantity: u32,
    pub tags: Vec<String>,
}

/// A seller's custom offer (V2).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct CustomOffer {
    pub price: Money,
    pub non_ai_work: Money,
    pub revisions: u32,
    pub revision_window_hours: u32,
    pub terms: String,
}

/// A client's rating and review (R2).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Review {
    pub stars: u32,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// An order (G, V, F, R, D).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct Order {
    pub id: String,
    #[napi(ts_type = "Array<number | null>")]
    pub draft_payloads: Vec<f64>,
    pub client: String,
    pub seller: String,
    pub model: String,
    pub path: OrderPath,
    pub brief: Brief,
    pub seed: f64,
    pub status: OrderStatus,
    pub quote: Option<Quote>,
    pub offer: Option<CustomOffer>,
    pub draft: Option<FileRef>,
    pub clean: Option<FileRef>,
    pub approved: bool,
    pub paid_at: Option<DateTime<Utc>>,
    pub downloaded_at: Option<DateTime<Utc>>,
    pub revision_notes: Vec<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub review: Option<Review>,
    pub delivery_public: bool,
    pub refunded: Money,
    pub created_at: DateTime<Utc>,
}

/// An artifact; `bytes` is the encoded file (PNG, WAV, UTF-8).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum Artifact {
    Image {
        width: u32,
        height: u32,
        bytes: Buffer,
    },
    Audio {
        sample_rate: u32,
        channels: u32,
        duration_ms: f64,
        bytes: Buffer,
    },
    Text {
        text: String,
        bytes: Buffer,
    },
}

/// A draft marked by `markDraft`, and whether the invisible payload went in.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct MarkedDraft {
    pub artifact: Artifact,
    pub payload_embedded: bool,
    pub reason: Option<String>,
}

/// What `detectWatermark` read (W2).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum Detection {
    Found { payload: f64, confidence: f64 },
    NotFound,
}

/// The order a leaked draft came from (W2).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Trace {
    pub order: String,
    pub confidence: f64,
}

/// A playground generation: the stored file and its content.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PlaygroundResult {
    pub artifact: FileRef,
    pub content: Artifact,
}

/// An asset "select all" skipped, with the error it would give (A2, A3).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct SkippedAsset {
    pub asset: String,
    pub code: String,
    pub rule: Option<String>,
    pub message: String,
}

/// A page of the outbox: pass `next` to the following `eventsSince`.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct EventPage {
    pub events: Vec<FivergoEvent>,
    pub next: f64,
}

/// What a queued generation is asked to make (`Hub.queueGeneration`).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum GenerationRequest {
    Playground {
        seller: String,
        model: String,
        brief: Brief,
        seed: f64,
    },
    OrderDraft {
        client: String,
        model: String,
        brief: Brief,
        seed: f64,
    },
    AcceptOffer {
        client: String,
        order: String,
        seed: f64,
    },
    Revision {
        client: String,
        order: String,
        note: String,
    },
}

/// What a finished generation made.
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum GenerationOutcome {
    Playground {
        artifact: FileRef,
        watermarked: bool,
    },
    Draft {
        order: String,
    },
}

/// A queued generation that workers claim.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct GenerationJob {
    pub id: String,
    pub request: GenerationRequest,
    pub status: JobStatus,
    pub queued_at: DateTime<Utc>,
    pub attempt: u32,
    pub worker: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub cancel_requested: bool,
    pub outcome: Option<GenerationOutcome>,
    pub failure: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A job in the store's job index.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct WorkId {
    pub kind: WorkKind,
    pub id: String,
}

/// How a job a worker ran ended (`Hub.workOnce`).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct JobReport {
    pub work: WorkId,
    pub attempt: u32,
    pub status: JobStatus,
}

/// How many of each entity a partition minted.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Counters {
    pub models: f64,
    pub assets: f64,
    pub jobs: f64,
    pub subscriptions: f64,
    pub orders: f64,
    pub generations: f64,
}

/// Everything of one seller's partition.
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct Partition {
    pub id: String,
    pub seller: Option<Seller>,
    pub assets: HashMap<String, Asset>,
    pub models: HashMap<String, ModelRecord>,
    pub jobs: HashMap<String, TrainingJob>,
    pub subscriptions: Vec<SubscriptionRecord>,
    pub orders: HashMap<String, Order>,
    pub generations: HashMap<String, GenerationJob>,
    pub counters: Counters,
}

/// Generation times of an evaluation, in milliseconds.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Latency {
    pub min_ms: f64,
    pub median_ms: f64,
    pub max_ms: f64,
}

/// How close an evaluation's outputs are to the own style and to another one.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct Fidelity {
    pub own_distance: f64,
    pub other_distance: f64,
    pub closer_share: f64,
}

/// How many evaluated drafts carried the payload and gave it back.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct WatermarkSurvival {
    pub drafts: u32,
    pub embedded: u32,
    pub decoded: u32,
}

/// The evaluation harness's report (`evaluate`).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct EvalReport {
    pub generator: String,
    pub subcategory: String,
    pub training_samples: u32,
    pub train_ms: f64,
    pub outputs: u32,
    pub generate: Option<Latency>,
    pub deterministic: bool,
    pub seeds_vary: bool,
    pub fidelity: Option<Fidelity>,
    pub watermark: WatermarkSurvival,
    /// The report as a markdown table.
    pub table: String,
}

// ----- arguments --------------------------------------------------------------------

/// An amount with its currency, as a caller may give it (the hub's currency when
/// absent).
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct MoneyAmount {
    pub amount: String,
    pub currency: Option<Currency>,
}

/// An amount given by the caller: a decimal string in the hub's currency, or
/// `{amount, currency}`; never a JS number.
#[napi]
pub type MoneyInput = Either<String, MoneyAmount>;

/// A brief's fields, as a caller may give them.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct BriefFields {
    pub text: String,
    pub quantity: Option<u32>,
    pub tags: Option<Vec<String>>,
}

/// A brief: a string (one unit) or `{text, quantity, tags}`.
#[napi]
pub type BriefInput = Either<String, BriefFields>;

/// An asset source: its name, or the object form (required for a client delivery).
#[napi]
pub type AssetSourceInput = Either<AssetSourceKind, AssetSource>;

/// Measured metadata a host gives `addAsset`; every field may be absent.
#[napi]
pub type AssetMetaInput = AssetMeta;

/// A price as a caller gives it (P1–P5).
#[napi(
    discriminant = "type",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false
)]
pub enum PriceSpecInput {
    PerUnit {
        unit: PricingUnit,
        unit_price: MoneyInput,
    },
    BaseIncrements {
        unit: PricingUnit,
        base_quantity: u32,
        base_price: MoneyInput,
        increment_quantity: u32,
        increment_price: MoneyInput,
    },
}

/// A generator written in JavaScript, by the name the package's `Hub` registered.
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct JsGeneratorName {
    pub js: String,
}

/// The `generators` option of the native `Hub`: a registry for every subcategory,
/// or an object of subcategory (or `*`, the registry under them) to a generator's
/// name or a JavaScript generator.
#[napi]
pub type GeneratorSpec =
    Either<GeneratorRegistryName, HashMap<String, Either<String, JsGeneratorName>>>;

// ----- what lib.js's dispatch receives ----------------------------------------------

/// An asset given to a JavaScript generator's `train`: its record, with its file's
/// bytes as `content` (`null` when the library holds no file).
#[napi(
    object,
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub struct TrainingAsset {
    pub id: String,
    pub owner: String,
    pub source: AssetSource,
    pub modality: Modality,
    pub meta: AssetMeta,
    pub tags: Vec<String>,
    pub added_at: DateTime<Utc>,
    pub seq: f64,
    pub content: Option<Buffer>,
}

/// One call of JavaScript from the engine, as `lib.js`'s `dispatch` receives it: a
/// generator's `train` or `generate`, or a gateway's `charge` (`callId` `null`: on
/// the JavaScript thread, answered by the return value).
#[napi(
    discriminant = "op",
    discriminant_case = "snake_case",
    object_to_js = false,
    object_from_js = false,
    use_nullable = true
)]
pub enum DispatchCall {
    Train {
        call_id: u32,
        generator: String,
        subcategory: String,
        modality: Modality,
        instructions: Option<String>,
        assets: Vec<TrainingAsset>,
    },
    Generate {
        call_id: u32,
        generator: String,
        style: String,
        brief: Brief,
        seed: f64,
    },
    Charge {
        call_id: Option<u32>,
        request: ChargeRequest,
    },
}

// ----- events -----------------------------------------------------------------------

/// Declares `FivergoEvent`: every event of the log, told apart by `type`, each with
/// the envelope the store gives it (`id`, `partition`, `sequence`, `position`,
/// `recordedAt`). Files appear as `FileRef`s.
macro_rules! events {
    ($($variant:ident { $($field:ident : $ty:ty),* $(,)? }),* $(,)?) => {
        /// Every event of the log, told apart by `type`, with the store's envelope:
        /// `id` (`<seller>/event-<sequence>`), the seller's `partition`, its
        /// `sequence` there, its global `position` and `recordedAt`.
        #[napi(
            discriminant = "type",
            discriminant_case = "snake_case",
            object_to_js = false,
            object_from_js = false,
            use_nullable = true
        )]
        pub enum FivergoEvent {
            $($variant {
                id: String,
                partition: String,
                sequence: f64,
                position: f64,
                recorded_at: DateTime<Utc>,
                $($field: $ty),*
            }),*
        }
    };
}

events! {
    SellerRegistered { seller: Seller, at: DateTime<Utc> },
    SellerLevelChanged { seller: String, level: SellerLevel, pro: bool, eligible: bool, at: DateTime<Utc> },
    GigAdded { seller: String, subcategory: String, at: DateTime<Utc> },
    BalanceCredited { seller: String, amount: Money, at: DateTime<Utc> },
    PaymentMethodAdded { seller: String, method: PaymentMethod, at: DateTime<Utc> },
    AssetAdded { asset: Asset },
    AssetTagged { asset: String, tags: Vec<String>, at: DateTime<Utc> },
    ModelCreated { model: String, seller: String, subcategory: String, at: DateTime<Utc> },
    AssetsSelected { model: String, assets: Vec<String>, at: DateTime<Utc> },
    AssetsDeselected { model: String, assets: Vec<String>, at: DateTime<Utc> },
    InstructionsSet { model: String, instructions: Option<String>, at: DateTime<Utc> },
    ModelMarkedStale { model: String, at: DateTime<Utc> },
    OriginalityAttested { model: String, seller: String, at: DateTime<Utc> },
    ModelNamed { model: String, name: String, at: DateTime<Utc> },
    TrainingQueued { job: TrainingJob },
    TrainingStarted { job: String, lease_until: DateTime<Utc>, at: DateTime<Utc>, worker: Option<String>, attempt: u32 },
    TrainingRequeued { job: String, attempt: u32, reason: String, at: DateTime<Utc> },
    TrainingLeaseRenewed { job: String, lease_until: DateTime<Utc>, at: DateTime<Utc> },
    TrainingCancelRequested { job: String, at: DateTime<Utc> },
    TrainingProgressed { job: String, progress_pct: u32, at: DateTime<Utc> },
    TrainingSucceeded { job: String, model: String, version: TrainedVersion },
    TrainingFailed { job: String, model: String, reason: String, quota_returned: bool, at: DateTime<Utc> },
    TrainingCancelled { job: String, model: String, quota_returned: bool, at: DateTime<Utc> },
    GenerationQueued { job: GenerationJob },
    GenerationStarted { job: String, worker: Option<String>, attempt: u32, lease_until: DateTime<Utc>, at: DateTime<Utc> },
    GenerationLeaseRenewed { job: String, lease_until: DateTime<Utc>, at: DateTime<Utc> },
    GenerationCancelRequested { job: String, at: DateTime<Utc> },
    GenerationRequeued { job: String, attempt: u32, reason: String, at: DateTime<Utc> },
    GenerationSucceeded { job: String, outcome: GenerationOutcome, at: DateTime<Utc> },
    GenerationFailed { job: String, reason: String, at: DateTime<Utc> },
    GenerationCancelled { job: String, at: DateTime<Utc> },
    PlaygroundGenerated { model: String, artifact: FileRef, watermarked: bool, at: DateTime<Utc> },
    PriceSet { model: String, price: PriceSpec, at: DateTime<Utc> },
    PlacementSet { model: String, placement: Placement, at: DateTime<Utc> },
    ModelPublished { model: String, at: DateTime<Utc> },
    ModelUnpublished { model: String, reason: UnpublishReason, at: DateTime<Utc> },
    ModelArchived { model: String, at: DateTime<Utc> },
    IssueReported { model: String, report: Report },
    Subscribed { subscription: SubscriptionRecord },
    SubscriptionCharged { subscription: String, seller: String, charge: Charge },
    RenewalDeclined { subscription: String, period: u32, method: String, reason: String, at: DateTime<Utc> },
    QuotaRenewed { seller: String, subscription: String, period: u32, at: DateTime<Utc> },
    SubscriptionCancelled { subscription: String, ends_at: DateTime<Utc>, at: DateTime<Utc> },
    SubscriptionResumed { subscription: String, at: DateTime<Utc> },
    SubscriptionEnded { subscription: String, seller: String, reason: EndReason, at: DateTime<Utc> },
    OrderCreated { order: Order },
    OfferSent { order: String, offer: CustomOffer, at: DateTime<Utc> },
    DraftDelivered { order: String, draft: FileRef, clean: FileRef, payload: Option<f64>, at: DateTime<Utc> },
    OrderApproved { order: String, at: DateTime<Utc> },
    OrderPaid { order: String, amount: Money, at: DateTime<Utc> },
    DeliveryDownloaded { order: String, at: DateTime<Utc> },
    RevisionRequested { order: String, note: String, at: DateTime<Utc> },
    OrderCompleted { order: String, edited: bool, counts_in_success_score: bool, at: DateTime<Utc> },
    ReviewLeft { order: String, seller: String, review: Review },
    PartialRefundIssued { order: String, amount: Money, at: DateTime<Utc> },
    DeliveryVisibilityChanged { order: String, public: bool, at: DateTime<Utc> },
}
