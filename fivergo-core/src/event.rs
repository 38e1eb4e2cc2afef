//! Domain events: what every command reports, and the only way state changes.
//!
//! An aggregate's `decide` turns a command into events; its `apply` folds them in
//! ([`Partition::apply`](crate::Partition::apply) routes each event to the aggregates
//! it concerns). The store keeps every event of a seller's partition in order, as a
//! [`Recorded`] with its id, sequence and global position: the host reads them by
//! cursor (an outbox, [`Hub::events_since`](crate::Hub::events_since)) and reacts
//! (emails, payouts); folding a partition's events over an empty partition rebuilds
//! it exactly. Outcomes of the outside world (payment results, generated files) are
//! recorded in the events, so a replay never calls a gateway or a generator; files
//! appear as [`BlobRef`]s, never as bytes.

use crate::asset::Asset;
use crate::blob::BlobRef;
use crate::generation::{GenerationJob, GenerationOutcome};
use crate::ids::*;
use crate::model::{Placement, Report, TrainedVersion};
use crate::money::Money;
use crate::order::{CustomOffer, Order, Review};
use crate::pricing::PriceSpec;
use crate::seller::{PaymentMethod, Seller, SellerLevel};
use crate::subscription::{Charge, EndReason, Subscription};
use crate::training::TrainingJob;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Why a model left the published state.
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// # let job = hub.start_training("ana", &model).unwrap().value;
/// # hub.run_training(&job).unwrap();
/// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
/// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: usd("20") }).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// # hub.publish("ana", &model).unwrap();
/// let events = hub.set_seller_level("ana", SellerLevel::New, false).unwrap().events;
/// let reason = events.iter().find_map(|r| match &r.event {
///     Event::ModelUnpublished { reason, .. } => Some(*reason),
///     _ => None,
/// });
/// assert_eq!(reason, Some(UnpublishReason::Eligibility)); // E2
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnpublishReason {
    /// The seller unpublished it.
    Seller,
    /// The seller was archiving it.
    Archived,
    /// The seller dropped below eligibility (E2).
    Eligibility,
    /// The subscription ended (S4).
    SubscriptionEnded,
}

/// Something that happened. Serialized with a `type` discriminant:
///
/// ```
/// use fivergo_core::Event;
/// let e = Event::ModelPublished { model: "ana/model-1".into(), at: "2026-03-01T00:00:00Z".parse().unwrap() };
/// let json = serde_json::to_value(&e).unwrap();
/// assert_eq!(json["type"], "model_published");
/// assert_eq!(e.kind(), "model_published");
/// ```
// Variant fields are named for what they hold; each variant's doc says what it means.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A seller joined the hub.
    SellerRegistered {
        seller: Seller,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The host changed a seller's level or Pro flag (E1, E2).
    SellerLevelChanged {
        seller: SellerId,
        level: SellerLevel,
        pro: bool,
        eligible: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The seller has a Gig in a subcategory (C2).
    GigAdded {
        seller: SellerId,
        subcategory: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Money entered the seller's available balance (S2).
    BalanceCredited {
        seller: SellerId,
        amount: Money,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A card or PayPal was stored (S2).
    PaymentMethodAdded {
        seller: SellerId,
        method: PaymentMethod,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// An asset entered a seller's library (A1).
    AssetAdded { asset: Box<Asset> },
    /// An asset's tags changed (A6).
    AssetTagged {
        asset: AssetId,
        tags: BTreeSet<String>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A model was created (C2).
    ModelCreated {
        model: ModelId,
        seller: SellerId,
        subcategory: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Assets were added to a model's selection (A1–A3).
    AssetsSelected {
        model: ModelId,
        assets: Vec<AssetId>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Assets were removed from a model's selection.
    AssetsDeselected {
        model: ModelId,
        assets: Vec<AssetId>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The instructions of a model changed (A5).
    InstructionsSet {
        model: ModelId,
        instructions: Option<String>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A change made the live version out of date (A7).
    ModelMarkedStale {
        model: ModelId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The seller attested the assets are their original work (A9).
    OriginalityAttested {
        model: ModelId,
        seller: SellerId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The model got its generated name (C3).
    ModelNamed {
        model: ModelId,
        name: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A training was accepted; its quota is taken (T4).
    TrainingQueued { job: Box<TrainingJob> },
    /// A training began running (its `attempt`-th run, by `worker` when named); its
    /// runner holds the job until `lease_until` unless it renews the lease (T4).
    TrainingStarted {
        job: JobId,
        #[serde(with = "crate::wire::instant")]
        lease_until: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
        #[serde(default)]
        worker: Option<String>,
        #[serde(default)]
        attempt: u32,
    },
    /// The runner of a training's `attempt`-th run went silent past its lease: the
    /// job is queued again for another worker; its quota stays taken once (T4).
    TrainingRequeued {
        job: JobId,
        attempt: u32,
        reason: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The runner of a training is alive and renewed its lease.
    TrainingLeaseRenewed {
        job: JobId,
        #[serde(with = "crate::wire::instant")]
        lease_until: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Someone asked a running training to stop; its runner sees it at its next
    /// lease renewal, wherever it runs (T4).
    TrainingCancelRequested {
        job: JobId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A training reported progress.
    TrainingProgressed {
        job: JobId,
        progress_pct: u8,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A training produced a new live version (M3).
    TrainingSucceeded {
        job: JobId,
        model: ModelId,
        version: TrainedVersion,
    },
    /// A training failed; its quota is returned when the policy says so (T4).
    TrainingFailed {
        job: JobId,
        model: ModelId,
        reason: String,
        quota_returned: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A training was cancelled; its quota is returned when the policy says so (T4).
    TrainingCancelled {
        job: JobId,
        model: ModelId,
        quota_returned: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A generation was queued for a worker.
    GenerationQueued { job: Box<GenerationJob> },
    /// A worker began the `attempt`-th run of a queued generation, on a lease.
    GenerationStarted {
        job: GenerationId,
        worker: Option<String>,
        attempt: u32,
        #[serde(with = "crate::wire::instant")]
        lease_until: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The worker of a generation is alive and renewed its lease.
    GenerationLeaseRenewed {
        job: GenerationId,
        #[serde(with = "crate::wire::instant")]
        lease_until: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Someone asked a running generation to stop; its worker sees it at its next
    /// lease renewal.
    GenerationCancelRequested {
        job: GenerationId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A generation's worker went silent past its lease: queued again.
    GenerationRequeued {
        job: GenerationId,
        attempt: u32,
        reason: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A queued generation made what it was asked (its order's draft or playground
    /// event is recorded with it).
    GenerationSucceeded {
        job: GenerationId,
        outcome: GenerationOutcome,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A queued generation failed (the generator failed, or the request no longer
    /// holds: the model was unpublished, the revision window closed, ...).
    GenerationFailed {
        job: GenerationId,
        reason: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A queued generation was cancelled.
    GenerationCancelled {
        job: GenerationId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The seller generated in the playground (G2, M2).
    PlaygroundGenerated {
        model: ModelId,
        artifact: BlobRef,
        watermarked: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The model's price was set (P1–P5).
    PriceSet {
        model: ModelId,
        price: PriceSpec,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Where clients meet the model changed (M4).
    PlacementSet {
        model: ModelId,
        placement: Placement,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Clients can now generate with the model (M2).
    ModelPublished {
        model: ModelId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The model left the published state.
    ModelUnpublished {
        model: ModelId,
        reason: UnpublishReason,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The model was archived (M3).
    ModelArchived {
        model: ModelId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Someone reported an issue (M6).
    IssueReported { model: ModelId, report: Report },
    /// A subscription began (S1); its first charge follows.
    Subscribed { subscription: Subscription },
    /// A billing month was paid (S2, S5).
    SubscriptionCharged {
        subscription: SubscriptionId,
        seller: SellerId,
        charge: Charge,
    },
    /// A renewal charge was declined: past due (S2).
    RenewalDeclined {
        subscription: SubscriptionId,
        period: u32,
        method: PaymentMethodId,
        reason: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// Training counters renewed on the anniversary (T3).
    QuotaRenewed {
        seller: SellerId,
        subscription: SubscriptionId,
        period: u32,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The seller cancelled; it ends at `ends_at` (S3).
    SubscriptionCancelled {
        subscription: SubscriptionId,
        #[serde(with = "crate::wire::instant")]
        ends_at: DateTime<Utc>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The seller took the cancellation back (S3).
    SubscriptionResumed {
        subscription: SubscriptionId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The subscription ended (S3, S4).
    SubscriptionEnded {
        subscription: SubscriptionId,
        seller: SellerId,
        reason: EndReason,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// An order was created (G3).
    OrderCreated { order: Box<Order> },
    /// The seller answered with a custom offer (V2).
    OfferSent {
        order: OrderId,
        offer: CustomOffer,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// A watermarked draft (and its held-back clean file) was delivered (G1, W1);
    /// `payload` is its invisible mark's (W2), `None` when the content could not hold one.
    DraftDelivered {
        order: OrderId,
        draft: BlobRef,
        clean: BlobRef,
        payload: Option<u64>,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client approved the current delivery (G1).
    OrderApproved {
        order: OrderId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client's payment completed (G1).
    OrderPaid {
        order: OrderId,
        amount: Money,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client first downloaded the clean file (starts V1's window).
    DeliveryDownloaded {
        order: OrderId,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client asked for the included revision (V1).
    RevisionRequested {
        order: OrderId,
        note: String,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client approved the final delivery or accepted without edits (R1–R3).
    OrderCompleted {
        order: OrderId,
        edited: bool,
        counts_in_success_score: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client reviewed the order (R2).
    ReviewLeft {
        order: OrderId,
        seller: SellerId,
        review: Review,
    },
    /// The seller refunded part of the non-AI work (F2).
    PartialRefundIssued {
        order: OrderId,
        amount: Money,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
    /// The client made the delivery public or private (D3).
    DeliveryVisibilityChanged {
        order: OrderId,
        public: bool,
        #[serde(with = "crate::wire::instant")]
        at: DateTime<Utc>,
    },
}

impl Event {
    /// The job (training or queued generation) the event changes, if any: what the
    /// store's job index is updated for.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let queued = hub.start_training("ana", &model).unwrap();
    /// let work: Vec<WorkId> = queued.events.iter().filter_map(|r| r.event.work()).collect();
    /// assert_eq!(work, [WorkId::Training(queued.value)]);
    /// let published = Event::ModelPublished { model: model.clone(), at: hub.now() };
    /// assert_eq!(published.work(), None);
    /// ```
    pub fn work(&self) -> Option<crate::jobs::WorkId> {
        use crate::jobs::WorkId;
        use Event::*;
        Some(match self {
            TrainingQueued { job } => WorkId::Training(job.id.clone()),
            TrainingStarted { job, .. }
            | TrainingRequeued { job, .. }
            | TrainingLeaseRenewed { job, .. }
            | TrainingSucceeded { job, .. }
            | TrainingFailed { job, .. }
            | TrainingCancelled { job, .. } => WorkId::Training(job.clone()),
            GenerationQueued { job } => WorkId::Generation(job.id.clone()),
            GenerationStarted { job, .. }
            | GenerationLeaseRenewed { job, .. }
            | GenerationRequeued { job, .. }
            | GenerationSucceeded { job, .. }
            | GenerationFailed { job, .. }
            | GenerationCancelled { job, .. } => WorkId::Generation(job.clone()),
            _ => return None,
        })
    }

    /// The snake_case `type` of the event: its variant's name, as serde writes it.
    ///
    /// ```
    /// use fivergo_core::{Event, ModelId};
    /// let e = Event::ModelMarkedStale { model: ModelId::from("ana/model-1"), at: chrono::DateTime::UNIX_EPOCH };
    /// assert_eq!(e.kind(), "model_marked_stale");
    /// assert_eq!(serde_json::to_value(&e).unwrap()["type"], e.kind());
    /// ```
    pub fn kind(&self) -> &'static str {
        self.into()
    }
}

/// An event as the store recorded it: unique id, its seller's partition, its
/// sequence there (1, 2, ... without gaps), its global position (what an outbox
/// cursor counts) and when it was recorded. Serialized flat: the event's `type` and
/// fields beside the envelope's.
///
/// ```
/// use fivergo_core::{Event, Recorded};
/// let at = "2026-03-01T00:00:00Z".parse().unwrap();
/// let r = Recorded { id: "ana/event-2".into(), partition: "ana".into(), sequence: 2, position: 7, recorded_at: at,
///     event: Event::ModelPublished { model: "ana/model-1".into(), at } };
/// let json = serde_json::to_value(&r).unwrap();
/// assert_eq!((json["type"].as_str(), json["sequence"].as_u64()), (Some("model_published"), Some(2)));
/// assert_eq!(serde_json::from_value::<Recorded>(json).unwrap(), r);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// `<seller>/event-<sequence>`.
    pub id: EventId,
    /// The seller whose partition holds it.
    pub partition: SellerId,
    /// Its rank in the partition, from 1.
    pub sequence: u64,
    /// Its rank in the whole store, from 1: what [`Cursor`](crate::store::Cursor)s count.
    pub position: u64,
    /// When the store recorded it.
    #[serde(with = "crate::wire::instant")]
    pub recorded_at: DateTime<Utc>,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

impl Recorded {
    /// The event's snake_case `type`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// let done = hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let recorded: &Recorded = &done.events[0];
    /// assert_eq!(recorded.kind(), "seller_registered");
    /// assert_eq!(recorded.kind(), recorded.event.kind());
    /// ```
    pub fn kind(&self) -> &'static str {
        self.event.kind()
    }

    /// The id of the `sequence`-th event of `partition`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// let done = hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(Recorded::id_of(&"ana".into(), 1), done.events[0].id);
    /// assert_eq!(Recorded::id_of(&"ana".into(), 7).as_str(), "ana/event-7");
    /// ```
    pub fn id_of(partition: &SellerId, sequence: u64) -> EventId {
        EventId(format!("{partition}/event-{sequence}"))
    }
}
