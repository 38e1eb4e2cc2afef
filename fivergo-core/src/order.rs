//! Client orders (SPEC G1–G5, V1–V2, F1–F2, R1–R3, D2–D3).
//!
//! Two paths (G3): an immediate download, priced by the model's quote and including
//! one revision within 24 h of download (V1); or a custom offer the seller sends
//! after the client makes contact, with its own terms (V2). Either way the client
//! first sees a watermarked draft; the clean file is released only once the client
//! has approved the delivery and the payment completed (G1).

use crate::asset::Asset;
use crate::blob::BlobRef;
use crate::context::Context;
use crate::error::Error;
use crate::event::Event;
use crate::generator::Brief;
use crate::ids::{ClientId, ModelId, OrderId, SellerId};
use crate::model::CreationModel;
use crate::money::Money;
use crate::policy::Policy;
use crate::pricing::Quote;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The client's path (G3).
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// # let job = hub.start_training("ana", &model).unwrap().value;
/// # hub.run_training(&job).unwrap();
/// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
/// # let price = Money::parse("20", Currency::Usd).unwrap();
/// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// # hub.publish("ana", &model).unwrap();
/// let direct = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// assert_eq!(hub.order("bob", &direct).unwrap().path, OrderPath::ImmediateDownload);
/// let contact = hub.contact_seller("bob", &model, Brief::new("a sleeve")).unwrap().value;
/// assert_eq!(hub.order("bob", &contact).unwrap().path, OrderPath::CustomOffer);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderPath {
    /// Buy the generation for immediate download, one revision included (V1).
    ImmediateDownload,
    /// Contact the seller, who may answer with a custom offer (V2).
    CustomOffer,
}

/// Where an order stands.
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// # let job = hub.start_training("ana", &model).unwrap().value;
/// # hub.run_training(&job).unwrap();
/// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
/// # let price = Money::parse("20", Currency::Usd).unwrap();
/// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// # hub.publish("ana", &model).unwrap();
/// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// assert_eq!(hub.order("bob", &order).unwrap().status, OrderStatus::Drafted);
/// hub.approve("bob", &order).unwrap();
/// hub.record_payment("bob", &order, Money::parse("20", Currency::Usd).unwrap()).unwrap();
/// let status = hub.order("bob", &order).unwrap().status;
/// assert_eq!((status, status.to_string()), (OrderStatus::Released, "released".to_string()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// The client contacted the seller; no offer yet.
    OfferRequested,
    /// The seller sent a custom offer.
    OfferSent,
    /// A watermarked draft is delivered; awaiting approval and payment.
    Drafted,
    /// Approved and paid: the clean file can be downloaded.
    Released,
    /// The client asked for the included revision.
    RevisionRequested,
    /// A revised watermarked draft awaits the client's approval.
    RevisionDelivered,
    /// The client approved the final delivery (or accepted without edits).
    Completed,
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

/// The terms of a custom offer (V2).
///
/// ```
/// use fivergo_core::*;
/// let offer = CustomOffer {
///     price: Money::parse("120", Currency::Usd).unwrap(),
///     non_ai_work: Money::parse("50", Currency::Usd).unwrap(),
///     revisions: 2, revision_window_hours: 72, terms: "hand-finished linework".into(),
/// };
/// assert_eq!(offer.revisions, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomOffer {
    /// The total price.
    pub price: Money,
    /// The part of the price for work beyond the AI generation (F2).
    pub non_ai_work: Money,
    /// Revisions the offer includes.
    pub revisions: u32,
    /// Hours after download during which they may be requested.
    pub revision_window_hours: u32,
    /// Free-text terms.
    pub terms: String,
}

/// A client's review (R2).
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// # let job = hub.start_training("ana", &model).unwrap().value;
/// # hub.run_training(&job).unwrap();
/// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
/// # let price = Money::parse("20", Currency::Usd).unwrap();
/// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// # hub.publish("ana", &model).unwrap();
/// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// # let price = hub.order("bob", &order).unwrap().price().unwrap();
/// # hub.approve("bob", &order).unwrap();
/// # hub.record_payment("bob", &order, price).unwrap();
/// # hub.download("bob", &order).unwrap();
/// hub.request_revision("bob", &order, "thinner lines").unwrap();
/// hub.approve("bob", &order).unwrap(); // the revised delivery: completed, with an edit
/// hub.review("bob", &order, 5, "Spot on after one edit").unwrap();
/// let review = hub.order("ana", &order).unwrap().review.unwrap();
/// assert_eq!((review.stars, review.text.as_str()), (5, "Spot on after one edit"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// 1 to 5 stars.
    pub stars: u8,
    /// The text.
    pub text: String,
    /// When.
    #[serde(with = "crate::wire::instant")]
    pub at: DateTime<Utc>,
}

/// A client order for a model's generation.
///
/// ```
/// use fivergo_core::*;
/// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
/// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// # hub.add_gig("ana", "tattoo").unwrap();
/// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
/// # let model = hub.create_model("ana", "tattoo").unwrap().value;
/// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
/// # hub.attest_originality("ana", &model).unwrap();
/// # let job = hub.start_training("ana", &model).unwrap().value;
/// # hub.run_training(&job).unwrap();
/// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
/// # let price = Money::parse("20", Currency::Usd).unwrap();
/// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
/// # hub.subscribe("ana", &"card".into()).unwrap();
/// # hub.publish("ana", &model).unwrap();
/// let id = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// let order: Order = hub.order("ana", &id).unwrap();
/// assert_eq!((order.client.as_str(), order.seller.as_str(), &order.model), ("bob", "ana", &model));
/// assert_eq!(order.quote.unwrap().total.to_string(), "20.00 USD");
/// assert!(order.draft.is_some() && order.clean.is_some() && order.paid_at.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Minted by the hub.
    pub id: OrderId,
    /// The invisible payload of each draft delivered, in order; `None` where the
    /// content could not hold one (W2).
    pub draft_payloads: Vec<Option<u64>>,
    /// The buyer, who owns the delivery once paid (D2).
    pub client: ClientId,
    /// The model's owner.
    pub seller: SellerId,
    /// The model.
    pub model: ModelId,
    /// Immediate download or custom offer.
    pub path: OrderPath,
    /// What the client asked for.
    pub brief: Brief,
    /// The generation seed (revisions derive theirs from it).
    pub seed: u64,
    /// Where it stands.
    pub status: OrderStatus,
    /// The quote (immediate download).
    pub quote: Option<Quote>,
    /// The offer (custom offer path).
    pub offer: Option<CustomOffer>,
    /// The watermarked draft currently delivered.
    pub draft: Option<BlobRef>,
    /// The clean file, held back until approved and paid (G1).
    pub clean: Option<BlobRef>,
    /// The client approved the current delivery.
    pub approved: bool,
    /// When the payment completed.
    #[serde(with = "crate::wire::instant_opt")]
    pub paid_at: Option<DateTime<Utc>>,
    /// When the clean file was first downloaded (starts the revision window).
    #[serde(with = "crate::wire::instant_opt")]
    pub downloaded_at: Option<DateTime<Utc>>,
    /// Revision requests made, with the client's notes.
    pub revision_notes: Vec<String>,
    /// When the client approved the final delivery or accepted it.
    #[serde(with = "crate::wire::instant_opt")]
    pub completed_at: Option<DateTime<Utc>>,
    /// The review, if any (R2).
    pub review: Option<Review>,
    /// Whether the client made the delivery public (D3).
    pub delivery_public: bool,
    /// Partial refunds issued so far (F2).
    pub refunded: Money,
    /// When the order was created.
    #[serde(with = "crate::wire::instant")]
    pub created_at: DateTime<Utc>,
}

/// What a generation delivered to an order: the marked draft the client sees, the
/// clean file held back until approve + pay (G1), and the draft's invisible payload
/// (W2), `None` where the content could not hold one.
///
/// ```
/// use fivergo_core::{order::OrderCommand, *};
/// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
/// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
/// let delivery = Delivery { draft: BlobRef::of(b"marked", "text/plain"), clean: BlobRef::of(b"clean", "text/plain"), payload: Some(order.next_payload()) };
/// let refused = order.decide(OrderCommand::AcceptOffer { delivery: delivery.clone() }, &ctx).unwrap_err();
/// assert_eq!(refused.code(), "invalid_order_state"); // no offer was sent yet
/// let events = order.opened_with(delivery, ctx.now);
/// assert_eq!(events[1].kind(), "draft_delivered");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The watermarked draft (W1, W2).
    pub draft: BlobRef,
    /// The clean file.
    pub clean: BlobRef,
    /// The draft's invisible payload.
    pub payload: Option<u64>,
}

/// What a client (or the order's seller) can ask of an order (G1–G4, V1–V2,
/// F1–F2, R1–R3, D2–D3). The caller has checked who asks (D1, D2).
///
/// ```
/// use fivergo_core::{order::OrderCommand, *};
/// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
/// let mut order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
/// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
/// let offer = CustomOffer { price: usd("120"), non_ai_work: usd("50"), revisions: 2, revision_window_hours: 72, terms: "hand-finished".into() };
/// let events = order.decide(OrderCommand::SendOffer { offer }, &ctx).unwrap();
/// events.iter().for_each(|e| order.apply(e));
/// assert_eq!((order.status, order.price()), (OrderStatus::OfferSent, Some(usd("120"))));
/// assert_eq!(order.decide(OrderCommand::RequestSourceFile, &ctx).unwrap_err().code(), "source_file_unavailable"); // G4
/// ```
#[derive(Debug, Clone)]
pub enum OrderCommand<'a> {
    /// The seller answers with a custom offer (V2).
    SendOffer {
        /// The terms.
        offer: CustomOffer,
    },
    /// The client accepted the offer and the model delivered its draft.
    AcceptOffer {
        /// The draft and clean file.
        delivery: Delivery,
    },
    /// The client approves the current delivery (G1).
    Approve,
    /// The host reports the client's payment (G1).
    RecordPayment {
        /// How much was paid.
        amount: Money,
    },
    /// The client takes the clean file (G1, starts V1's window).
    Download,
    /// The client asked the included revision at `requested_at` and the model
    /// delivered the revised draft (V1).
    RequestRevision {
        /// What to change.
        note: &'a str,
        /// When the client asked.
        requested_at: DateTime<Utc>,
        /// The revised draft.
        delivery: Delivery,
    },
    /// The client accepts the released delivery without edits (R3).
    AcceptDelivery,
    /// The client reviews an edited, approved order (R2).
    Review {
        /// 1 to 5.
        stars: u8,
        /// The text.
        text: &'a str,
    },
    /// F1: always refused.
    RequestFullRefund,
    /// G4: always refused.
    RequestSourceFile,
    /// The seller refunds part of the non-AI work (F2).
    PartialRefund {
        /// How much.
        amount: Money,
    },
    /// The client makes the paid delivery public or private (D3); `new_asset` is the
    /// library asset a first publication adds to the seller's library.
    SetPublic {
        /// Public or private.
        public: bool,
        /// The asset to add, when the delivery is not in the library yet.
        new_asset: Option<Box<Asset>>,
    },
}

/// The invisible payload of an order's `index`-th draft (W2): 64 bits of
/// SHA-256 over the order id and the index, so drafts of every order of every
/// partition differ without any shared counter.
///
/// ```
/// use fivergo_core::order::draft_payload;
/// assert_ne!(draft_payload(&"ana/order-1".into(), 0), draft_payload(&"ana/order-1".into(), 1));
/// assert_eq!(draft_payload(&"ana/order-1".into(), 0), draft_payload(&"ana/order-1".into(), 0));
/// ```
pub fn draft_payload(order: &OrderId, index: usize) -> u64 {
    let digest = Sha256::new()
        .chain_update(b"fivergo/draft/")
        .chain_update(order.as_str())
        .chain_update(index.to_le_bytes())
        .finalize();
    u64::from_be_bytes(digest[..8].try_into().unwrap_or_default())
}

impl Order {
    /// A new order of `client` on `model` (G3): the client must be named and ask
    /// for at least one unit.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open(ctx.ids.order(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
    /// assert_eq!((order.id.as_str(), order.status), ("ana/order-1", OrderStatus::OfferRequested));
    /// let nobody = Order::open(ctx.ids.order(), " ", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx);
    /// assert_eq!(nobody.unwrap_err().code(), "invalid_input");
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        id: OrderId,
        client: &str,
        model: &CreationModel,
        path: OrderPath,
        brief: Brief,
        seed: u64,
        quote: Option<Quote>,
        ctx: &Context,
    ) -> Result<Order, Error> {
        if client.trim().is_empty() {
            return Err(Error::invalid("client", "must not be empty"));
        }
        ctx.policy.limits.check_id("client", client)?;
        check_brief(&brief, ctx.policy)?;
        let status = match path {
            OrderPath::ImmediateDownload => OrderStatus::Drafted,
            OrderPath::CustomOffer => OrderStatus::OfferRequested,
        };
        Ok(Order {
            id,
            draft_payloads: Vec::new(),
            client: client.into(),
            seller: model.owner.clone(),
            model: model.id.clone(),
            path,
            brief,
            seed,
            status,
            quote,
            offer: None,
            draft: None,
            clean: None,
            approved: false,
            paid_at: None,
            downloaded_at: None,
            revision_notes: Vec::new(),
            completed_at: None,
            review: None,
            delivery_public: false,
            refunded: Money::zero(ctx.policy.currency),
            created_at: ctx.now,
        })
    }

    /// The invisible payload the next draft of this order carries (W2).
    ///
    /// ```
    /// use fivergo_core::{order::draft_payload, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let order = hub.order("ana", &order).unwrap();
    /// assert_eq!(order.draft_payloads.len(), 1); // the first draft is out
    /// assert_eq!(order.next_payload(), draft_payload(&order.id, 1)); // what a revision would carry
    /// ```
    pub fn next_payload(&self) -> u64 {
        draft_payload(&self.id, self.draft_payloads.len())
    }

    /// The seed of the next revision's generation.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::ImmediateDownload, Brief::new("koi"), 41, None, &ctx).unwrap();
    /// assert_eq!(order.revision_seed(), 42); // the first revision draws a new picture
    /// ```
    pub fn revision_seed(&self) -> u64 {
        self.seed.wrapping_add(self.revision_notes.len() as u64 + 1)
    }

    /// The brief of a revision asked with `note`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::ImmediateDownload, Brief::new("a koi"), 7, None, &ctx).unwrap();
    /// assert_eq!(order.revision_brief("  thinner lines ").text, "a koi\nRevision: thinner lines");
    /// ```
    pub fn revision_brief(&self, note: &str) -> Brief {
        let mut brief = self.brief.clone();
        brief.text = format!("{}\nRevision: {}", brief.text, note.trim());
        brief
    }

    /// V1: a revision may be asked now with `note`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # let price = hub.order("bob", &order).unwrap().price().unwrap();
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, price).unwrap();
    /// # hub.download("bob", &order).unwrap();
    /// let order = hub.order("bob", &order).unwrap();
    /// let (policy, now) = (hub.policy(), hub.now());
    /// assert!(order.check_revision_request("thinner lines", policy, now).is_ok());
    /// assert_eq!(order.check_revision_request("  ", policy, now).unwrap_err().code(), "invalid_input");
    /// let late = now + chrono::Duration::hours(25);
    /// assert_eq!(order.check_revision_request("thinner lines", policy, late).unwrap_err().code(), "revision_not_allowed");
    /// ```
    pub fn check_revision_request(
        &self,
        note: &str,
        policy: &Policy,
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        self.check_revision(policy, at)?;
        if note.trim().is_empty() {
            return Err(Error::invalid("note", "say what to change"));
        }
        policy.limits.check_text("note", note)
    }

    /// Whether `set_delivery_public(public)` changes anything; refused before
    /// payment (D2, G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let unpaid = hub.order("bob", &order).unwrap();
    /// assert_eq!(unpaid.check_visibility(true).unwrap_err().code(), "not_approved_and_paid");
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, unpaid.price().unwrap()).unwrap();
    /// let paid = hub.order("bob", &order).unwrap();
    /// assert_eq!(paid.check_visibility(true).unwrap(), true); // private now: making it public changes it
    /// assert_eq!(paid.check_visibility(false).unwrap(), false);
    /// ```
    pub fn check_visibility(&self, public: bool) -> Result<bool, Error> {
        if self.delivery_owner().is_none() {
            return Err(Error::NotApprovedAndPaid {
                order: self.id.clone(),
                approved: self.approved,
                paid: false,
            });
        }
        Ok(self.delivery_public != public)
    }

    /// Decides a command about the order.
    ///
    /// ```
    /// use fivergo_core::{order::OrderCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
    /// assert_eq!(order.decide(OrderCommand::Download, &ctx).unwrap_err().code(), "not_approved_and_paid"); // G1
    /// assert_eq!(order.decide(OrderCommand::RequestFullRefund, &ctx).unwrap_err().code(), "full_refund_unavailable"); // F1
    /// ```
    pub fn decide(&self, command: OrderCommand<'_>, ctx: &Context) -> Result<Vec<Event>, Error> {
        let (order, at) = (self.id.clone(), ctx.now);
        Ok(match command {
            OrderCommand::SendOffer { offer } => {
                self.ensure_status(
                    &[OrderStatus::OfferRequested, OrderStatus::OfferSent],
                    "send an offer",
                )?;
                let (price, non_ai_work) = (
                    offer.price.in_currency(ctx.policy.currency)?,
                    offer.non_ai_work.in_currency(ctx.policy.currency)?,
                );
                let limits = &ctx.policy.limits;
                limits.check_magnitude("price", price)?;
                limits.check_magnitude("non_ai_work", non_ai_work)?;
                limits.check_text("terms", &offer.terms)?;
                let max_window = ctx.policy.orders.max_offer_window_hours;
                if offer.revision_window_hours > max_window {
                    return Err(Error::out_of_range(
                        "revision_window_hours",
                        "value",
                        0,
                        max_window,
                        offer.revision_window_hours,
                    ));
                }
                if !price.is_positive()
                    || non_ai_work.amount().is_sign_negative()
                    || non_ai_work.cmp_amount(&price)? == std::cmp::Ordering::Greater
                {
                    return Err(Error::InvalidPrice { reason: "an offer needs a positive price and non-AI work between zero and the price".into() });
                }
                vec![Event::OfferSent {
                    order,
                    offer: CustomOffer {
                        price: price.rounded(),
                        non_ai_work: non_ai_work.rounded(),
                        ..offer
                    },
                    at,
                }]
            }
            OrderCommand::AcceptOffer { delivery } => {
                self.ensure_status(&[OrderStatus::OfferSent], "accept the offer")?;
                vec![self.delivered(delivery, at)]
            }
            OrderCommand::Approve => {
                self.ensure_status(
                    &[OrderStatus::Drafted, OrderStatus::RevisionDelivered],
                    "approve",
                )?;
                if self.approved {
                    return Ok(Vec::new());
                }
                let mut events = vec![Event::OrderApproved {
                    order: order.clone(),
                    at,
                }];
                if self.status == OrderStatus::RevisionDelivered {
                    // R2: approving the revised delivery completes the order with an edit.
                    events.push(Event::OrderCompleted {
                        order,
                        edited: true,
                        counts_in_success_score: self.counts_in_success_score(),
                        at,
                    });
                }
                events
            }
            OrderCommand::RecordPayment { amount } => {
                self.ensure_status(&[OrderStatus::Drafted], "pay")?;
                if self.paid_at.is_some() {
                    return Ok(Vec::new());
                }
                ctx.policy.limits.check_amount("amount", amount)?;
                let price = self
                    .price()
                    .ok_or_else(|| Error::invalid("order", "has no price"))?;
                if amount.cmp_amount(&price)? != std::cmp::Ordering::Equal {
                    return Err(Error::invalid(
                        "amount",
                        format!("the order costs {price}, got {amount}"),
                    ));
                }
                vec![Event::OrderPaid { order, amount, at }]
            }
            OrderCommand::Download => {
                self.ensure_released()?;
                if self.clean.is_none() {
                    return Err(Error::not_found("artifact", &order));
                }
                match self.downloaded_at {
                    None => vec![Event::DeliveryDownloaded { order, at }],
                    Some(_) => Vec::new(),
                }
            }
            OrderCommand::RequestRevision {
                note,
                requested_at,
                delivery,
            } => {
                self.check_revision_request(note, ctx.policy, requested_at)?;
                vec![
                    Event::RevisionRequested {
                        order,
                        note: note.trim().into(),
                        at,
                    },
                    self.delivered(delivery, at),
                ]
            }
            OrderCommand::AcceptDelivery => {
                self.ensure_status(&[OrderStatus::Released], "accept")?;
                vec![Event::OrderCompleted {
                    order,
                    edited: self.edited(),
                    counts_in_success_score: self.counts_in_success_score(),
                    at,
                }]
            }
            OrderCommand::Review { stars, text } => {
                self.check_review(stars)?;
                ctx.policy.limits.check_text("text", text)?;
                vec![Event::ReviewLeft {
                    order,
                    seller: self.seller.clone(),
                    review: Review {
                        stars,
                        text: text.trim().into(),
                        at,
                    },
                }]
            }
            OrderCommand::RequestFullRefund => return Err(Error::FullRefundUnavailable { order }),
            OrderCommand::RequestSourceFile => return Err(Error::SourceFileUnavailable { order }),
            OrderCommand::PartialRefund { amount } => {
                let amount = amount.in_currency(ctx.policy.currency)?;
                ctx.policy.limits.check_amount("amount", amount)?;
                self.check_partial_refund(amount)?;
                vec![Event::PartialRefundIssued { order, amount, at }]
            }
            OrderCommand::SetPublic { public, new_asset } => {
                if !self.check_visibility(public)? {
                    return Ok(Vec::new());
                }
                let mut events: Vec<Event> = new_asset
                    .filter(|_| public)
                    .map(|asset| Event::AssetAdded { asset })
                    .into_iter()
                    .collect();
                events.push(Event::DeliveryVisibilityChanged { order, public, at });
                events
            }
        })
    }

    /// The events that open this order with its first draft (G1, G3, W1, W2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::ImmediateDownload, Brief::new("koi"), 7, None, &ctx).unwrap();
    /// let delivery = Delivery { draft: BlobRef::of(b"marked", "text/plain"), clean: BlobRef::of(b"clean", "text/plain"), payload: None };
    /// let kinds: Vec<_> = order.opened_with(delivery, ctx.now).iter().map(Event::kind).collect();
    /// assert_eq!(kinds, ["order_created", "draft_delivered"]);
    /// ```
    pub fn opened_with(self, delivery: Delivery, at: DateTime<Utc>) -> Vec<Event> {
        let delivered = self.delivered(delivery, at);
        vec![
            Event::OrderCreated {
                order: Box::new(self),
            },
            delivered,
        ]
    }

    fn delivered(&self, delivery: Delivery, at: DateTime<Utc>) -> Event {
        let Delivery {
            draft,
            clean,
            payload,
        } = delivery;
        Event::DraftDelivered {
            order: self.id.clone(),
            draft,
            clean,
            payload,
            at,
        }
    }

    /// Folds in an event that concerns the order; others are ignored.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::ImmediateDownload, Brief::new("koi"), 7, None, &ctx).unwrap();
    /// let mut seen = order.clone();
    /// let delivery = Delivery { draft: BlobRef::of(b"marked", "text/plain"), clean: BlobRef::of(b"clean", "text/plain"), payload: Some(9) };
    /// order.opened_with(delivery, ctx.now).iter().for_each(|e| seen.apply(e));
    /// assert_eq!((seen.status, seen.draft_payloads.clone()), (OrderStatus::Drafted, vec![Some(9)]));
    /// assert_eq!(seen.draft.unwrap().sha256, BlobRef::of(b"marked", "text/plain").sha256);
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::OfferSent { offer, .. } => {
                self.offer = Some(offer.clone());
                self.status = OrderStatus::OfferSent;
            }
            Event::DraftDelivered {
                draft,
                clean,
                payload,
                ..
            } => {
                self.draft_payloads.push(*payload);
                self.draft = Some(draft.clone());
                self.clean = Some(clean.clone());
                self.approved = false;
                self.status = if self.status == OrderStatus::RevisionRequested {
                    OrderStatus::RevisionDelivered
                } else {
                    OrderStatus::Drafted
                };
            }
            Event::OrderApproved { .. } => {
                self.approved = true;
                if self.status == OrderStatus::Drafted && self.paid_at.is_some() {
                    self.status = OrderStatus::Released;
                }
            }
            Event::OrderPaid { at, .. } => {
                self.paid_at = Some(*at);
                if self.approved {
                    self.status = OrderStatus::Released;
                }
            }
            Event::DeliveryDownloaded { at, .. } => {
                self.downloaded_at.get_or_insert(*at);
            }
            Event::RevisionRequested { note, .. } => {
                self.revision_notes.push(note.clone());
                self.status = OrderStatus::RevisionRequested;
            }
            Event::OrderCompleted { at, .. } => {
                self.status = OrderStatus::Completed;
                self.approved = true;
                self.completed_at = Some(*at);
            }
            Event::ReviewLeft { review, .. } => self.review = Some(review.clone()),
            // `decide` refused any refund beyond the non-AI work (F2): the sum fits.
            Event::PartialRefundIssued { amount, .. } => {
                self.refunded = self.refunded.plus(*amount).unwrap_or(self.refunded)
            }
            Event::DeliveryVisibilityChanged { public, .. } => self.delivery_public = *public,
            _ => {}
        }
    }

    /// The amount the client pays.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let order = hub.order("bob", &order).unwrap();
    /// assert_eq!(order.price(), Some(Money::parse("20.00", Currency::Usd).unwrap())); // the quote's total
    /// let contact = hub.contact_seller("bob", &model, Brief::new("a sleeve")).unwrap().value;
    /// assert_eq!(hub.order("bob", &contact).unwrap().price(), None); // no offer yet
    /// ```
    pub fn price(&self) -> Option<Money> {
        match self.path {
            OrderPath::ImmediateDownload => self.quote.as_ref().map(|q| q.total),
            OrderPath::CustomOffer => self.offer.as_ref().map(|o| o.price),
        }
    }

    /// The part of the price beyond the AI generation (zero for immediate downloads).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// let order = hub.contact_seller("bob", &model, Brief::new("a sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("120"), non_ai_work: usd("50"), revisions: 1, revision_window_hours: 48, terms: String::new() };
    /// hub.send_custom_offer("ana", &order, offer).unwrap();
    /// assert_eq!(hub.order("bob", &order).unwrap().non_ai_work(), usd("50"));
    /// ```
    pub fn non_ai_work(&self) -> Money {
        self.offer
            .as_ref()
            .map(|o| o.non_ai_work)
            .unwrap_or(Money::zero(self.refunded.currency()))
    }

    /// R1: fully AI-generated orders never count in the Success Score or order
    /// completion rate; an offer with other work in it does.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// assert!(!hub.order("ana", &order).unwrap().counts_in_success_score()); // all AI (R1)
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// let custom = hub.contact_seller("bob", &model, Brief::new("a sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("120"), non_ai_work: usd("50"), revisions: 1, revision_window_hours: 48, terms: String::new() };
    /// hub.send_custom_offer("ana", &custom, offer).unwrap();
    /// assert!(hub.order("ana", &custom).unwrap().counts_in_success_score());
    /// ```
    pub fn counts_in_success_score(&self) -> bool {
        self.non_ai_work().is_positive()
    }

    /// Whether the client asked for (and so received) an edit.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # let price = hub.order("bob", &order).unwrap().price().unwrap();
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, price).unwrap();
    /// # hub.download("bob", &order).unwrap();
    /// assert!(!hub.order("bob", &order).unwrap().edited());
    /// hub.request_revision("bob", &order, "thinner lines").unwrap();
    /// assert!(hub.order("bob", &order).unwrap().edited());
    /// ```
    pub fn edited(&self) -> bool {
        !self.revision_notes.is_empty()
    }

    /// D2: who owns the delivery — the client, once paid.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// assert_eq!(hub.order("ana", &order).unwrap().delivery_owner(), None); // the seller's until paid
    /// hub.record_payment("bob", &order, Money::parse("20", Currency::Usd).unwrap()).unwrap();
    /// assert_eq!(hub.order("ana", &order).unwrap().delivery_owner(), Some(&ClientId::from("bob"))); // D2
    /// ```
    pub fn delivery_owner(&self) -> Option<&ClientId> {
        self.paid_at.map(|_| &self.client)
    }

    /// Approved and paid: the clean file may leave (G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// hub.record_payment("bob", &order, Money::parse("20", Currency::Usd).unwrap()).unwrap();
    /// assert!(!hub.order("bob", &order).unwrap().is_released()); // paid, not approved
    /// hub.approve("bob", &order).unwrap();
    /// assert!(hub.order("bob", &order).unwrap().is_released()); // G1
    /// ```
    pub fn is_released(&self) -> bool {
        self.approved && self.paid_at.is_some()
    }

    /// The order as its client sees it: the clean file's reference is held back
    /// until the order is approved and paid (G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let full = hub.admin().order(&order).unwrap();
    /// assert!(full.clean.is_some());
    /// let seen = full.as_seen_by_client();
    /// assert!(seen.clean.is_none() && seen.draft.is_some()); // the clean file waits for approve + pay
    /// assert_eq!(seen, hub.order("bob", &order).unwrap());
    /// ```
    pub fn as_seen_by_client(&self) -> Order {
        let mut o = self.clone();
        if !o.is_released() {
            o.clean = None;
        }
        o
    }

    /// Only the order's client may act as the client (D2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
    /// assert!(order.ensure_client(&"bob".into()).is_ok());
    /// let err = order.ensure_client(&"eve".into()).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("forbidden", Some("D2")));
    /// ```
    pub fn ensure_client(&self, client: &ClientId) -> Result<(), Error> {
        if &self.client == client {
            Ok(())
        } else {
            Err(Error::Forbidden {
                actor: client.to_string(),
                entity: "order".into(),
                id: self.id.to_string(),
                rule: "D2",
            })
        }
    }

    /// Only the order's seller may act as the seller.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
    /// assert!(order.ensure_seller(&"ana".into()).is_ok());
    /// assert_eq!(order.ensure_seller(&"bob".into()).unwrap_err().code(), "forbidden");
    /// ```
    pub fn ensure_seller(&self, seller: &SellerId) -> Result<(), Error> {
        if &self.seller == seller {
            Ok(())
        } else {
            Err(Error::Forbidden {
                actor: seller.to_string(),
                entity: "order".into(),
                id: self.id.to_string(),
                rule: "D1",
            })
        }
    }

    /// `invalid_order_state` unless the order is in one of `allowed`.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// # let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// # let model = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let order = Order::open("ana/order-1".into(), "bob", &model, OrderPath::CustomOffer, Brief::new("koi"), 0, None, &ctx).unwrap();
    /// assert!(order.ensure_status(&[OrderStatus::OfferRequested, OrderStatus::OfferSent], "send an offer").is_ok());
    /// let err = order.ensure_status(&[OrderStatus::Released], "accept").unwrap_err();
    /// assert_eq!(err.code(), "invalid_order_state");
    /// ```
    pub fn ensure_status(&self, allowed: &[OrderStatus], action: &str) -> Result<(), Error> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(Error::InvalidOrderState {
                order: self.id.clone(),
                status: self.status.to_string(),
                action: action.into(),
            })
        }
    }

    /// `not_approved_and_paid` unless the clean file may be released (G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// hub.approve("bob", &order).unwrap();
    /// let err = hub.order("bob", &order).unwrap().ensure_released().unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("not_approved_and_paid", Some("G1")));
    /// assert_eq!(hub.download("bob", &order).unwrap_err().code(), "not_approved_and_paid");
    /// ```
    pub fn ensure_released(&self) -> Result<(), Error> {
        if self.is_released() {
            Ok(())
        } else {
            Err(Error::NotApprovedAndPaid {
                order: self.id.clone(),
                approved: self.approved,
                paid: self.paid_at.is_some(),
            })
        }
    }

    /// How many revisions the order includes and their window (V1, V2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let order = hub.order("bob", &order).unwrap();
    /// assert_eq!(order.revision_terms(hub.policy()), (1, 24)); // V1: one revision within 24 h
    /// ```
    pub fn revision_terms(&self, policy: &Policy) -> (u32, u32) {
        match &self.offer {
            Some(o) => (o.revisions, o.revision_window_hours),
            None => (
                policy.orders.included_revisions,
                policy.orders.revision_window_hours,
            ),
        }
    }

    /// The last instant a revision may be requested, once downloaded (V1); a window
    /// reaching past the end of the calendar never closes.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # let price = hub.order("bob", &order).unwrap().price().unwrap();
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, price).unwrap();
    /// assert_eq!(hub.order("bob", &order).unwrap().revision_deadline(hub.policy()), None); // not downloaded
    /// hub.download("bob", &order).unwrap();
    /// let deadline = hub.order("bob", &order).unwrap().revision_deadline(hub.policy()).unwrap();
    /// assert_eq!(deadline, hub.now() + chrono::Duration::hours(24));
    /// ```
    pub fn revision_deadline(&self, policy: &Policy) -> Option<DateTime<Utc>> {
        let (_, hours) = self.revision_terms(policy);
        self.downloaded_at
            .map(|d| crate::clock::later(d, Duration::hours(i64::from(hours))))
    }

    /// V1: one revision, requested within the window after download.
    ///
    /// ```
    /// # use fivergo_core::*;
    /// # let order: Order = serde_json::from_value(serde_json::json!({
    /// #   "id": "ana/order-1", "draft_payloads": [], "client": "bob", "seller": "ana", "model": "ana/model-1",
    /// #   "path": "immediate_download", "brief": {"text": "x", "quantity": 1}, "seed": 1,
    /// #   "status": "released", "quote": null, "offer": null, "draft": null, "clean": null,
    /// #   "approved": true, "paid_at": "2026-01-01T00:00:00Z", "downloaded_at": "2026-01-01T00:00:00Z",
    /// #   "revision_notes": [], "completed_at": null, "review": null, "delivery_public": false,
    /// #   "refunded": {"amount": "0", "currency": "USD"}, "created_at": "2026-01-01T00:00:00Z"})).unwrap();
    /// let p = Policy::default();
    /// assert!(order.check_revision(&p, "2026-01-01T23:59:59Z".parse().unwrap()).is_ok());
    /// let late = order.check_revision(&p, "2026-01-02T00:00:01Z".parse().unwrap()).unwrap_err();
    /// assert_eq!(late.code(), "revision_not_allowed");
    /// ```
    pub fn check_revision(&self, policy: &Policy, now: DateTime<Utc>) -> Result<(), Error> {
        let (limit, _) = self.revision_terms(policy);
        let used = self.revision_notes.len() as u32;
        let deadline = self.revision_deadline(policy);
        let refuse = |reason: &str| {
            Err(Error::RevisionNotAllowed {
                order: self.id.clone(),
                reason: reason.into(),
                used,
                limit,
                deadline,
            })
        };
        if used >= limit {
            return refuse(&format!(
                "the order includes {limit} revision(s), already used"
            ));
        }
        // A revised draft may be revised again, before its approval, when the terms
        // include more than one revision (V2).
        if !matches!(
            self.status,
            OrderStatus::Released | OrderStatus::RevisionDelivered
        ) {
            return refuse(&format!(
                "the order is {}; revisions follow a download",
                self.status
            ));
        }
        match deadline {
            None => refuse("the delivery has not been downloaded yet"),
            Some(d) if now > d => refuse(&format!(
                "the revision window closed at {}",
                d.format("%Y-%m-%d %H:%M UTC")
            )),
            Some(_) => Ok(()),
        }
    }

    /// F2: a partial refund of `amount` must fit within the remaining non-AI work.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// let usd = |s| Money::parse(s, Currency::Usd).unwrap();
    /// let order = hub.contact_seller("bob", &model, Brief::new("a sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("120"), non_ai_work: usd("50"), revisions: 1, revision_window_hours: 48, terms: String::new() };
    /// hub.send_custom_offer("ana", &order, offer).unwrap();
    /// hub.accept_offer("bob", &order, 7).unwrap();
    /// hub.record_payment("bob", &order, usd("120")).unwrap();
    /// let paid = hub.order("ana", &order).unwrap();
    /// assert!(paid.check_partial_refund(usd("50")).is_ok());
    /// assert_eq!(paid.check_partial_refund(usd("50.01")).unwrap_err().code(), "partial_refund_not_allowed"); // F2
    /// ```
    pub fn check_partial_refund(&self, amount: Money) -> Result<(), Error> {
        if !amount.is_positive() {
            return Err(Error::invalid("amount", "a refund must be positive"));
        }
        let max = self.non_ai_work().minus(self.refunded)?;
        if self.paid_at.is_none() || amount.cmp_amount(&max)? == std::cmp::Ordering::Greater {
            let max = if self.paid_at.is_none() {
                Money::zero(max.currency())
            } else {
                max
            };
            return Err(Error::PartialRefundNotAllowed {
                order: self.id.clone(),
                requested: amount,
                max,
            });
        }
        Ok(())
    }

    /// R2, R3: a review needs an edit and the approval of the final delivery.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// # let job = hub.start_training("ana", &model).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &model).unwrap();
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # let price = hub.order("bob", &order).unwrap().price().unwrap();
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, price).unwrap();
    /// # hub.download("bob", &order).unwrap();
    /// hub.accept_delivery("bob", &order).unwrap(); // completed without an edit
    /// let err = hub.order("bob", &order).unwrap().check_review(5).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("review_not_allowed", Some("R3")));
    /// ```
    pub fn check_review(&self, stars: u8) -> Result<(), Error> {
        let refuse = |reason: &str, rule| {
            Err(Error::ReviewNotAllowed {
                order: self.id.clone(),
                reason: reason.into(),
                rule,
            })
        };
        if self.status != OrderStatus::Completed {
            return refuse("the client has not approved the final delivery", "R2");
        }
        if !self.edited() {
            return refuse("delivery accepted without edits cannot be reviewed", "R3");
        }
        if self.review.is_some() {
            return refuse("the order is already reviewed", "R2");
        }
        if !(1..=5).contains(&stars) {
            return Err(Error::invalid(
                "stars",
                format!("must be 1 to 5, got {stars}"),
            ));
        }
        Ok(())
    }
}

/// A brief's quantity is at least one unit; its text and tags fit the policy's limits.
pub(crate) fn check_brief(brief: &Brief, policy: &Policy) -> Result<(), Error> {
    if brief.quantity == 0 {
        return Err(Error::invalid("quantity", "must be at least 1"));
    }
    policy.limits.check_text("brief", &brief.text)?;
    brief
        .tags
        .iter()
        .try_for_each(|tag| policy.limits.check_id("tag", tag))
}
