//! The [`Hub`]: an in-memory marketplace engine that runs every rule.
//!
//! Commands read the time once from the hub's [`Clock`], first settle whatever the
//! calendar made due (renewals, ends of cancelled or unpaid subscriptions), then
//! validate and emit events. A refused command changes nothing and returns the
//! [`Error`]; events the settling produced stay in the log ([`Hub::events`]), the
//! host's outbox. Reads show the state as last settled: a host's scheduler calls
//! [`Hub::tick`] so renewals happen on time even when no command arrives.
//!
//! ```
//! use chrono::Duration;
//! use fivergo_core::*;
//! let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
//! let mut hub = Hub::builder().clock(clock.clone()).build().unwrap();
//! hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! hub.add_gig("ana", "tattoo").unwrap();
//! hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
//! let model = hub.create_model("ana", "tattoo").unwrap().value;
//! let art = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
//! hub.select_assets("ana", &model, &[art]).unwrap();
//! hub.attest_originality("ana", &model).unwrap();
//!
//! // Training is a job: queued (quota taken), then run by the subcategory's generator.
//! let job = hub.start_training("ana", &model).unwrap().value;
//! assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
//! hub.playground_generate("ana", &model, Brief::new("koi"), 1).unwrap();
//!
//! // Publishing refuses with every unmet requirement at once (M2).
//! match hub.publish("ana", &model).unwrap_err() {
//!     Error::PublishRequirementsUnmet { missing, .. } => {
//!         assert_eq!(missing, [Requirement::Price, Requirement::ActiveSubscription])
//!     }
//!     other => panic!("{other}"),
//! }
//! let price = PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: Money::parse("30", Currency::Usd).unwrap() };
//! hub.set_price("ana", &model, price).unwrap();
//! hub.subscribe("ana", &"card".into()).unwrap();
//! hub.publish("ana", &model).unwrap();
//!
//! // A client: watermarked draft, approve + pay, then the clean file (G1).
//! let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
//! assert_eq!(hub.download("bob", &order).unwrap_err().code(), "not_approved_and_paid");
//! hub.approve("bob", &order).unwrap();
//! hub.record_payment("bob", &order, hub.quote(&model, 1).unwrap().total).unwrap();
//! assert!(hub.download("bob", &order).is_ok());
//!
//! // A month later the scheduler's tick renews the subscription (S2, T3).
//! clock.advance(Duration::days(28));
//! let kinds: Vec<_> = hub.tick().events.iter().map(|e| e.kind()).collect();
//! assert_eq!(kinds, ["subscription_charged", "quota_renewed"]);
//! ```

use crate::asset::{self, Asset, AssetMeta, AssetSource, Blob, Finding};
use crate::catalogue::{CatalogueEntry, Modality};
use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::event::{Event, UnpublishReason};
use crate::generator::{Artifact, Brief, CancelToken, GeneratorRegistry, JobControl, TrainError};
use crate::ids::*;
use crate::model::{Creation, CreationModel, Listing, ModelStatus, Placement, Report, ReportTarget, TrainedVersion};
use crate::money::Money;
use crate::order::{CustomOffer, Order, OrderPath, OrderStatus, Review};
use crate::policy::Policy;
use crate::pricing::{PriceSpec, Quote};
use crate::seller::{PaymentMethod, Seller, SellerLevel};
use crate::state::State;
use crate::subscription::{
    Charge, ChargeRequest, ChargeSource, Due, PaymentGateway, SimulatedGateway, Subscription,
    SubscriptionStatus,
};
use crate::training::{quota_status, JobStatus, QuotaStatus, TrainingJob, TrainingResult, TrainingRun};
use crate::watermark::{self, DraftMark, MarkStyle};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A command's result: its value and every event it emitted (settling included).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<T = ()> {
    /// What the command returns (a new id, an artifact, ...).
    pub value: T,
    /// The events, in order.
    pub events: Vec<Event>,
}

/// Everything needed to rebuild a hub: policy, state and the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The policy in force.
    pub policy: Policy,
    /// The state.
    pub state: State,
    /// Every event so far.
    pub log: Vec<Event>,
}

/// Builds a [`Hub`] with a policy, clock, payment gateway and generators.
///
/// ```
/// use fivergo_core::*;
/// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// let hub = Hub::builder().clock(clock).build().unwrap();
/// assert_eq!(hub.policy().models.active_model_limit, 3);
/// ```
pub struct HubBuilder {
    policy: Policy,
    clock: Box<dyn Clock>,
    gateway: Box<dyn PaymentGateway>,
    generators: GeneratorRegistry,
    watermark: MarkStyle,
}

impl HubBuilder {
    /// Uses `policy` (validated by [`HubBuilder::build`]).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Uses `clock` (default: [`SystemClock`]).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Uses `gateway` for card / PayPal charges (default: [`SimulatedGateway`]).
    pub fn gateway(mut self, gateway: impl PaymentGateway + 'static) -> Self {
        self.gateway = Box::new(gateway);
        self
    }

    /// Uses `generators` (default: [`EchoGenerator`](crate::EchoGenerator) everywhere).
    pub fn generators(mut self, generators: GeneratorRegistry) -> Self {
        self.generators = generators;
        self
    }

    /// Uses `style` for the draft marks (W1, W2).
    pub fn watermark(mut self, style: MarkStyle) -> Self {
        self.watermark = style;
        self
    }

    /// An empty hub.
    pub fn build(self) -> Result<Hub, Error> {
        self.policy.validate()?;
        Ok(Hub {
            policy: self.policy,
            state: State::default(),
            log: Vec::new(),
            clock: self.clock,
            gateway: self.gateway,
            generators: self.generators,
            watermark: self.watermark,
            cancel_tokens: BTreeMap::new(),
            pending: Vec::new(),
        })
    }

    /// A hub restored from a snapshot (the snapshot's policy replaces the builder's).
    pub fn restore(mut self, snapshot: Snapshot) -> Result<Hub, Error> {
        self.policy = snapshot.policy;
        let mut hub = self.build()?;
        hub.state = snapshot.state;
        hub.log = snapshot.log;
        hub.arm_cancel_tokens();
        Ok(hub)
    }

    /// A hub rebuilt by applying `events` in order to an empty state.
    pub fn replay(self, events: &[Event]) -> Result<Hub, Error> {
        let mut hub = self.build()?;
        for e in events {
            hub.state.apply(e);
        }
        hub.log = events.to_vec();
        hub.arm_cancel_tokens();
        Ok(hub)
    }
}

/// The embedded marketplace engine.
///
/// ```
/// use fivergo_core::*;
/// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// let mut hub = Hub::builder().clock(clock).build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// hub.add_gig("ana", "tattoo").unwrap();
/// let model = hub.create_model("ana", "tattoo").unwrap().value;
/// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Draft);
/// let err = hub.create_model("ana", "jingles").unwrap_err();
/// assert_eq!(err.code(), "no_gig_in_subcategory");
/// ```
pub struct Hub {
    policy: Policy,
    state: State,
    log: Vec<Event>,
    clock: Box<dyn Clock>,
    gateway: Box<dyn PaymentGateway>,
    generators: GeneratorRegistry,
    watermark: MarkStyle,
    cancel_tokens: BTreeMap<JobId, CancelToken>,
    pending: Vec<Event>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("state", &self.state).field("events", &self.log.len()).finish_non_exhaustive()
    }
}

impl Hub {
    /// A builder with the default policy, the system clock, a simulated gateway and
    /// the echo generator.
    pub fn builder() -> HubBuilder {
        HubBuilder {
            policy: Policy::default(),
            clock: Box::new(SystemClock),
            gateway: Box::new(SimulatedGateway::default()),
            generators: GeneratorRegistry::default(),
            watermark: MarkStyle::default(),
        }
    }

    // ----- reading -------------------------------------------------------------

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The whole state (host-level access: no ownership checks).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The event log, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.log
    }

    /// The current instant of the hub's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Policy, state and log, serializable with serde.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot { policy: self.policy.clone(), state: self.state.clone(), log: self.log.clone() }
    }

    /// A seller.
    pub fn seller(&self, seller: &str) -> Result<&Seller, Error> {
        self.state.sellers.get(&SellerId::from(seller)).ok_or_else(|| Error::not_found("seller", seller))
    }

    /// A model, for its owner only (M7, D1).
    pub fn model(&self, seller: &str, model: &ModelId) -> Result<&CreationModel, Error> {
        let m = self.state.models.get(model).ok_or_else(|| Error::not_found("model", model))?;
        m.ensure_owner(&seller.into())?;
        Ok(m)
    }

    /// The seller's models, oldest first. Sellers keep read access whatever their
    /// level or subscription (E2, S4).
    pub fn models(&self, seller: &str) -> Vec<&CreationModel> {
        let seller = SellerId::from(seller);
        let mut v: Vec<_> = self.state.models.values().filter(|m| m.owner == seller).collect();
        v.sort_by_key(|m| (m.created_at, m.id.0.len(), m.id.0.clone()));
        v
    }

    /// What clients see of a published model: no assets, no style (D1).
    pub fn listing(&self, model: &ModelId) -> Result<Listing, Error> {
        let m = self.state.models.get(model).ok_or_else(|| Error::not_found("model", model))?;
        match (&m.status, &m.price, &m.name) {
            (ModelStatus::Published, Some(price), Some(name)) => Ok(Listing {
                model: m.id.clone(),
                seller: m.owner.clone(),
                name: name.clone(),
                subcategory: m.subcategory.clone(),
                price: price.clone(),
                placement: m.placement.clone(),
            }),
            _ => Err(Error::ModelNotPublished { model: model.clone() }),
        }
    }

    /// Creations clients purchased from a model, for its owner (M5).
    pub fn creations(&self, seller: &str, model: &ModelId) -> Result<Vec<Creation>, Error> {
        let m = self.model(seller, model)?;
        Ok(m.creations
            .iter()
            .filter_map(|id| self.state.orders.get(id))
            .filter_map(|o| o.paid_at.map(|at| Creation { order: o.id.clone(), client: o.client.clone(), purchased_at: at }))
            .collect())
    }

    /// The training quota of a model now (T1–T3, T5), for its owner.
    pub fn quota(&self, seller: &str, model: &ModelId) -> Result<QuotaStatus, Error> {
        let m = self.model(seller, model)?;
        self.quota_of(m, self.now())
    }

    /// The best-practice findings of a model's selected set (A4, A8), for its owner.
    pub fn findings(&self, seller: &str, model: &ModelId) -> Result<Vec<Finding>, Error> {
        let m = self.model(seller, model)?;
        let entry = self.policy.catalogue.entry(&m.subcategory)?;
        let assets: Vec<&Asset> = m.assets.iter().filter_map(|a| self.state.assets.get(a)).collect();
        Ok(asset::review_set(&assets, entry, &self.policy))
    }

    /// The publish checklist (M2): every unmet requirement, empty when publishable.
    pub fn publish_checklist(&self, seller: &str, model: &ModelId) -> Result<Vec<crate::Requirement>, Error> {
        let m = self.model(seller, model)?;
        Ok(self.checklist(m))
    }

    /// The seller's latest subscription, if any.
    pub fn subscription(&self, seller: &str) -> Option<&Subscription> {
        self.state.latest_subscription(&seller.into())
    }

    /// An order (host-level access).
    pub fn order(&self, order: &OrderId) -> Result<&Order, Error> {
        self.state.orders.get(order).ok_or_else(|| Error::not_found("order", order))
    }

    /// A training job (host-level access).
    pub fn job(&self, job: &JobId) -> Result<&TrainingJob, Error> {
        self.state.jobs.get(job).ok_or_else(|| Error::not_found("job", job))
    }

    /// The watermarked draft of an order, for its client (G1).
    pub fn draft(&self, client: &str, order: &OrderId) -> Result<&Artifact, Error> {
        let o = self.order(order)?;
        o.ensure_client(&client.into())?;
        let id = o.draft.as_ref().ok_or_else(|| Error::InvalidOrderState {
            order: o.id.clone(),
            status: o.status.to_string(),
            action: "view the draft".into(),
        })?;
        self.artifact(id)
    }

    /// A stored artifact (host-level access).
    pub fn artifact(&self, id: &ArtifactId) -> Result<&Artifact, Error> {
        self.state.artifacts.get(id).ok_or_else(|| Error::not_found("artifact", id))
    }

    /// A quote for `quantity` units of a published model (P1–P5).
    pub fn quote(&self, model: &ModelId, quantity: u32) -> Result<Quote, Error> {
        self.listing(model)?.price.quote(quantity, &self.policy)
    }

    /// Traces a leaked draft back to its order by the invisible payload (W2):
    /// `None` when no payload is found or it names no order of this hub.
    ///
    /// Returns the order and the detector's confidence.
    pub fn trace(&self, artifact: &Artifact) -> Option<(OrderId, f32)> {
        let watermark::Detection::Found { payload, confidence } = watermark::trace(artifact, &self.watermark) else {
            return None;
        };
        let order = self.state.orders.values().find(|o| o.draft_payloads.contains(&Some(payload)))?;
        Some((order.id.clone(), confidence))
    }

    /// A handle that cancels a queued or running training from another thread (T4).
    pub fn cancel_handle(&self, job: &JobId) -> Result<CancelToken, Error> {
        self.job(job)?;
        Ok(self.cancel_tokens.get(job).cloned().unwrap_or_default())
    }

    // ----- sellers (E) -----------------------------------------------------------

    /// Registers a seller.
    pub fn register_seller(&mut self, seller: &str, level: SellerLevel, pro: bool) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let id = SellerId::from(seller);
            if id.as_str().trim().is_empty() {
                return Err(Error::invalid("seller", "must not be empty"));
            }
            if hub.state.sellers.contains_key(&id) {
                return Err(Error::AlreadyExists { entity: "seller".into(), id: seller.into() });
            }
            hub.emit(Event::SellerRegistered { seller: Seller::new(id, level, pro, hub.policy.currency), at });
            Ok(())
        })
    }

    /// Changes a seller's level or Pro flag; dropping below eligibility unpublishes
    /// their published models (E2).
    pub fn set_seller_level(&mut self, seller: &str, level: SellerLevel, pro: bool) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let mut s = hub.seller(seller)?.clone();
            (s.level, s.pro) = (level, pro);
            let eligible = s.is_eligible(&hub.policy);
            hub.emit(Event::SellerLevelChanged { seller: s.id.clone(), level, pro, eligible, at });
            if !eligible {
                hub.unpublish_all(&s.id, UnpublishReason::Eligibility, at);
            }
            Ok(())
        })
    }

    /// Records that the seller has a Gig in `subcategory` (C2).
    pub fn add_gig(&mut self, seller: &str, subcategory: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            hub.seller(seller)?;
            hub.policy.catalogue.entry(subcategory)?;
            hub.emit(Event::GigAdded { seller: seller.into(), subcategory: subcategory.into(), at });
            Ok(())
        })
    }

    /// Adds money to the seller's available balance (S2).
    pub fn credit_balance(&mut self, seller: &str, amount: Money) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            hub.seller(seller)?;
            hub.same_currency(amount)?;
            if !amount.is_positive() {
                return Err(Error::invalid("amount", "a credit must be positive"));
            }
            hub.emit(Event::BalanceCredited { seller: seller.into(), amount, at });
            Ok(())
        })
    }

    /// Stores a card or PayPal account for the seller (S2).
    pub fn add_payment_method(&mut self, seller: &str, method: PaymentMethod) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            hub.seller(seller)?;
            hub.emit(Event::PaymentMethodAdded { seller: seller.into(), method, at });
            Ok(())
        })
    }

    // ----- assets (A) --------------------------------------------------------------

    /// Adds a portfolio item, work sample or upload to the seller's library (A1),
    /// with metadata the host already measured. Client deliveries enter through
    /// [`Hub::set_delivery_public`] (D3); files through [`Hub::upload_asset`].
    pub fn add_asset(
        &mut self,
        seller: &str,
        source: AssetSource,
        modality: Modality,
        meta: AssetMeta,
        tags: &[&str],
    ) -> Result<Outcome<AssetId>, Error> {
        self.run(|hub, at| hub.add_to_library(seller, source, modality, meta, None, tags, at))
    }

    /// Uploads a file (PNG, JPEG, WebP, WAV or UTF-8 text) to the seller's library:
    /// decodes it within the policy's limits, measures it, and stores the measured
    /// metadata that the asset checks read (A3, A4, A8). A corrupt, unknown or
    /// oversized file is refused and nothing changes.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let mut hub = Hub::builder().clock(ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap())).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.upload_asset("ana", AssetSource::Upload, b"My style: short and dry.", Some("bio.txt"), &[]).unwrap().value;
    /// assert_eq!(hub.state().assets[&id].modality, Modality::Text);
    /// let err = hub.upload_asset("ana", AssetSource::Upload, &[0xFF, 0x00, 0xFE], None, &[]).unwrap_err();
    /// assert_eq!(err.code(), "asset_unreadable");
    /// ```
    pub fn upload_asset(
        &mut self,
        seller: &str,
        source: AssetSource,
        bytes: &[u8],
        file_name: Option<&str>,
        tags: &[&str],
    ) -> Result<Outcome<AssetId>, Error> {
        self.run(|hub, at| {
            hub.seller(seller)?;
            let inspected = crate::media::inspect(bytes, &hub.policy)?;
            let meta = AssetMeta { file_name: file_name.map(str::to_owned), ..inspected.meta };
            hub.add_to_library(seller, source, inspected.modality, meta, Some(Blob::from(bytes)), tags, at)
        })
    }

    /// Adds and removes tags of an asset at any time (A6); models using it go stale (A7).
    pub fn tag_asset(&mut self, seller: &str, asset: &AssetId, add: &[&str], remove: &[&str]) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let a = hub.state.assets.get(asset).ok_or_else(|| Error::not_found("asset", asset))?;
            if a.owner.as_str() != seller {
                return Err(Error::Forbidden { actor: seller.into(), entity: "asset".into(), id: asset.to_string(), rule: "D1" });
            }
            let mut tags = a.tags.clone();
            for t in add {
                tags.insert(normalize_tag(t)?);
            }
            for t in remove {
                tags.remove(&normalize_tag(t)?);
            }
            if tags == a.tags {
                return Ok(());
            }
            let users: Vec<ModelId> = hub.state.models.values().filter(|m| m.assets.contains(asset)).map(|m| m.id.clone()).collect();
            hub.emit(Event::AssetTagged { asset: asset.clone(), tags, at });
            for m in users {
                hub.mark_stale(&m, at);
            }
            Ok(())
        })
    }

    /// Selects assets for a model. All of them pass the hard limits or none is
    /// selected (A3): a refusal keeps the selection as it was.
    pub fn select_assets(&mut self, seller: &str, model: &ModelId, assets: &[AssetId]) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "select assets")?;
            let entry = hub.policy.catalogue.entry(&m.subcategory)?;
            let mut fresh = Vec::new();
            for id in assets {
                let a = hub.state.assets.get(id).ok_or_else(|| Error::not_found("asset", id))?;
                asset::check_selectable(a, &seller.into(), entry, &hub.policy)?;
                if !m.assets.contains(id) && !fresh.contains(id) {
                    fresh.push(id.clone());
                }
            }
            if !fresh.is_empty() {
                hub.emit(Event::AssetsSelected { model: model.clone(), assets: fresh, at });
                hub.mark_stale(model, at);
            }
            Ok(())
        })
    }

    /// Selects "All": the newest work samples and public deliveries (A2). Those that
    /// fail a hard limit are skipped and returned with their error.
    pub fn select_all_assets(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<Vec<(AssetId, Error)>>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "select assets")?;
            let entry = hub.policy.catalogue.entry(&m.subcategory)?;
            let owner = SellerId::from(seller);
            let library = hub.state.assets.values().filter(|a| a.owner == owner);
            let mut fresh = Vec::new();
            let mut skipped = Vec::new();
            for a in asset::select_all(library, entry, &hub.policy) {
                match asset::check_selectable(a, &owner, entry, &hub.policy) {
                    Ok(()) if !m.assets.contains(&a.id) => fresh.push(a.id.clone()),
                    Ok(()) => {}
                    Err(e) => skipped.push((a.id.clone(), e)),
                }
            }
            if !fresh.is_empty() {
                hub.emit(Event::AssetsSelected { model: model.clone(), assets: fresh, at });
                hub.mark_stale(model, at);
            }
            Ok(skipped)
        })
    }

    /// Removes assets from a model's selection (A7 marks it stale).
    pub fn deselect_assets(&mut self, seller: &str, model: &ModelId, assets: &[AssetId]) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "deselect assets")?;
            let gone: Vec<AssetId> = assets.iter().filter(|a| m.assets.contains(a)).cloned().collect();
            if !gone.is_empty() {
                hub.emit(Event::AssetsDeselected { model: model.clone(), assets: gone, at });
                hub.mark_stale(model, at);
            }
            Ok(())
        })
    }

    /// Sets (or clears, with `None`) the seller's instructions (A5); marks stale (A7).
    pub fn set_instructions(&mut self, seller: &str, model: &ModelId, instructions: Option<&str>) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "set instructions")?;
            let instructions = instructions.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
            if m.instructions != instructions {
                hub.emit(Event::InstructionsSet { model: model.clone(), instructions, at });
                hub.mark_stale(model, at);
            }
            Ok(())
        })
    }

    /// Records the seller's attestation that every asset is their own original work (A9).
    pub fn attest_originality(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            hub.editable_model(seller, model, "attest originality")?;
            hub.emit(Event::OriginalityAttested { model: model.clone(), seller: seller.into(), at });
            Ok(())
        })
    }

    // ----- models (C, M) -----------------------------------------------------------

    /// Creates a draft model for a subcategory the seller has a Gig in (E1, C1, C2).
    pub fn create_model(&mut self, seller: &str, subcategory: &str) -> Result<Outcome<ModelId>, Error> {
        self.run(|hub, at| {
            let s = hub.seller(seller)?;
            s.ensure_eligible(&hub.policy)?;
            hub.policy.catalogue.available(subcategory)?;
            if !s.gigs.contains(subcategory) {
                return Err(Error::NoGigInSubcategory { seller: s.id.clone(), subcategory: subcategory.into() });
            }
            let id = ModelId::new(format!("model-{}", hub.state.counters.models + 1));
            hub.emit(Event::ModelCreated { model: id.clone(), seller: seller.into(), subcategory: subcategory.into(), at });
            Ok(id)
        })
    }

    /// Sets the price (P1–P5).
    pub fn set_price(&mut self, seller: &str, model: &ModelId, price: PriceSpec) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "set a price")?;
            price.validate(hub.policy.catalogue.entry(&m.subcategory)?, &hub.policy)?;
            hub.emit(Event::PriceSet { model: model.clone(), price, at });
            Ok(())
        })
    }

    /// Sets where clients meet the model: Gigs and profile (M4).
    pub fn set_placement(&mut self, seller: &str, model: &ModelId, placement: Placement) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            hub.editable_model(seller, model, "set the placement")?;
            hub.emit(Event::PlacementSet { model: model.clone(), placement, at });
            Ok(())
        })
    }

    /// Publishes the model, or lists every unmet requirement (M1, M2, E2, S4).
    pub fn publish(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.model(seller, model)?;
            if !matches!(m.status, ModelStatus::Ready | ModelStatus::Unpublished | ModelStatus::Draft | ModelStatus::Training) {
                return Err(m.state_error("publish"));
            }
            let missing = hub.checklist(m);
            if !missing.is_empty() {
                return Err(Error::PublishRequirementsUnmet { model: model.clone(), missing });
            }
            hub.emit(Event::ModelPublished { model: model.clone(), at });
            Ok(())
        })
    }

    /// Withdraws a published model from clients (M3).
    pub fn unpublish(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.model(seller, model)?;
            if m.status != ModelStatus::Published {
                return Err(m.state_error("unpublish"));
            }
            hub.emit(Event::ModelUnpublished { model: model.clone(), reason: UnpublishReason::Seller, at });
            Ok(())
        })
    }

    /// Archives the model (unpublishing it first); refused while it trains (M3).
    pub fn archive(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "archive")?;
            if let Some(job) = &m.active_job {
                return Err(Error::TrainingInProgress { model: model.clone(), job: job.clone() });
            }
            if m.status == ModelStatus::Published {
                hub.emit(Event::ModelUnpublished { model: model.clone(), reason: UnpublishReason::Archived, at });
            }
            hub.emit(Event::ModelArchived { model: model.clone(), at });
            Ok(())
        })
    }

    /// "Report an issue" against a model or one of its creations (M6). Anyone may report.
    pub fn report_issue(&mut self, reporter: &str, model: &ModelId, target: ReportTarget, text: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let m = hub.state.models.get(model).ok_or_else(|| Error::not_found("model", model))?;
            if let ReportTarget::Creation { order } = &target {
                if !m.creations.contains(order) && hub.state.orders.get(order).is_none_or(|o| &o.model != model) {
                    return Err(Error::not_found("creation", order));
                }
            }
            if text.trim().is_empty() {
                return Err(Error::invalid("text", "describe the issue"));
            }
            let report = Report { reporter: reporter.into(), target, text: text.trim().into(), at };
            hub.emit(Event::IssueReported { model: model.clone(), report });
            Ok(())
        })
    }

    // ----- training (T) -------------------------------------------------------------

    /// Queues a training: checks eligibility, assets, instructions, attestation and
    /// quota, takes one training from the quota, and names the model on its first
    /// training (E2, A5, A9, T1–T5, C3).
    pub fn start_training(&mut self, seller: &str, model: &ModelId) -> Result<Outcome<JobId>, Error> {
        self.run(|hub, at| {
            let s = hub.seller(seller)?;
            let m = hub.editable_model(seller, model, "train")?;
            s.ensure_eligible(&hub.policy)?;
            let entry = hub.policy.catalogue.entry(&m.subcategory)?;
            if let Some(job) = &m.active_job {
                return Err(Error::TrainingInProgress { model: model.clone(), job: job.clone() });
            }
            if m.assets.is_empty() {
                return Err(Error::NoAssetsSelected { model: model.clone() });
            }
            if entry.modality == Modality::Text && m.instructions.is_none() {
                return Err(Error::InstructionsRequired { model: model.clone() });
            }
            if m.attested_at.is_none() {
                return Err(Error::AttestationRequired { model: model.clone() });
            }
            let quota = hub.quota_of(m, at)?;
            quota.ensure_available(model)?;
            let name = m.name.is_none().then(|| {
                let taken = hub.state.models.values().filter(|o| o.owner == m.owner).filter_map(|o| o.name.as_deref());
                CreationModel::generated_name(&entry.name, taken)
            });
            let id = JobId::new(format!("job-{}", hub.state.counters.jobs + 1));
            let job = TrainingJob {
                id: id.clone(),
                model: model.clone(),
                seller: seller.into(),
                status: JobStatus::Queued,
                progress_pct: 0,
                window: quota.window,
                assets: m.assets.clone(),
                instructions: m.instructions.clone(),
                settings_rev: m.settings_rev,
                queued_at: at,
                finished_at: None,
                failure: None,
            };
            if let Some(name) = name {
                hub.emit(Event::ModelNamed { model: model.clone(), name, at });
            }
            hub.emit(Event::TrainingQueued { job });
            hub.cancel_tokens.insert(id.clone(), CancelToken::default());
            Ok(id)
        })
    }

    /// Runs a queued training with the subcategory's generator, emitting progress, and
    /// ends it succeeded (new live version), failed or cancelled (quota returned, T4).
    /// Returns the job's final status. Blocks the hub while the generator trains: a
    /// host that wants the hub free meanwhile uses [`begin_training`](Self::begin_training),
    /// [`TrainingRun::execute`] and [`finish_training`](Self::finish_training) instead.
    pub fn run_training(&mut self, job: &JobId) -> Result<Outcome<JobStatus>, Error> {
        let begun = self.begin_training(job)?;
        let result = begun.value.execute(&mut |_| {});
        let mut finished = self.finish_training(result)?;
        finished.events.splice(0..0, begun.events);
        Ok(finished)
    }

    /// Marks a queued training as running and hands it out as a [`TrainingRun`] that
    /// owns the owner's selected assets (D5) and the generator, to run without the hub.
    pub fn begin_training(&mut self, job: &JobId) -> Result<Outcome<TrainingRun>, Error> {
        self.run(|hub, at| {
            let j = hub.job(job)?.clone();
            if j.status != JobStatus::Queued {
                return Err(Error::JobNotActive { job: job.clone(), status: j.status.to_string(), action: "run".into() });
            }
            let m = hub.state.models.get(&j.model).ok_or_else(|| Error::not_found("model", &j.model))?;
            let entry = hub.policy.catalogue.entry(&m.subcategory)?.clone();
            let generator = hub.generators.get(&entry.slug)?;
            let cancel = hub.cancel_tokens.entry(job.clone()).or_default().clone();
            // D5: only the owner's assets, as selected when the job was queued.
            let assets = (j.assets.iter().filter_map(|a| hub.state.assets.get(a)).filter(|a| a.owner == j.seller))
                .map(|a| (a.clone(), hub.state.contents.get(&a.id).cloned()))
                .collect();
            let limits = hub.policy.media.limits.clone();
            hub.emit(Event::TrainingStarted { job: job.clone(), at });
            Ok(TrainingRun { job: job.clone(), generator, entry, assets, limits, instructions: j.instructions, cancel })
        })
    }

    /// Records what a [`TrainingRun`] produced: its progress, then a new live version
    /// (the previous one served until now, M3), or a failure or cancellation that
    /// gives the quota back (T4).
    pub fn finish_training(&mut self, result: TrainingResult) -> Result<Outcome<JobStatus>, Error> {
        self.run(|hub, at| {
            let TrainingResult { job, result, progress_pct } = result;
            let j = hub.job(&job)?.clone();
            if j.status != JobStatus::Running {
                return Err(Error::JobNotActive { job: job.clone(), status: j.status.to_string(), action: "finish".into() });
            }
            for pct in progress_pct.into_iter().filter(|p| *p > j.progress_pct && *p < 100) {
                hub.emit(Event::TrainingProgressed { job: job.clone(), progress_pct: pct, at });
            }
            let quota_returned = hub.policy.training.refund_failed;
            let status = match result {
                Ok(style) => {
                    let version = live_version(&hub.state, &j.model) + 1;
                    let version = TrainedVersion { version, job: job.clone(), trained_at: at, settings_rev: j.settings_rev, style };
                    hub.emit(Event::TrainingSucceeded { job: job.clone(), model: j.model.clone(), version });
                    JobStatus::Succeeded
                }
                Err(TrainError::Cancelled) => {
                    hub.emit(Event::TrainingCancelled { job: job.clone(), model: j.model.clone(), quota_returned, at });
                    JobStatus::Cancelled
                }
                Err(TrainError::Failed(reason)) => {
                    hub.emit(Event::TrainingFailed { job: job.clone(), model: j.model.clone(), reason, quota_returned, at });
                    JobStatus::Failed
                }
            };
            hub.cancel_tokens.remove(&job);
            Ok(status)
        })
    }

    /// Cancels a queued training (its quota comes back, T4). A running training is
    /// cancelled through [`Hub::cancel_handle`].
    pub fn cancel_training(&mut self, seller: &str, job: &JobId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let j = hub.job(job)?.clone();
            hub.model(seller, &j.model)?;
            if j.status != JobStatus::Queued {
                return Err(Error::JobNotActive { job: job.clone(), status: j.status.to_string(), action: "cancel".into() });
            }
            let quota_returned = hub.policy.training.refund_failed;
            hub.emit(Event::TrainingCancelled { job: job.clone(), model: j.model, quota_returned, at });
            hub.cancel_tokens.remove(job);
            Ok(())
        })
    }

    /// A playground generation with the live version: clean while subscribed,
    /// watermarked otherwise (G2); counts toward publishing (M2).
    pub fn playground_generate(&mut self, seller: &str, model: &ModelId, brief: Brief, seed: u64) -> Result<Outcome<(ArtifactId, Artifact)>, Error> {
        self.run(|hub, at| {
            let m = hub.editable_model(seller, model, "generate")?;
            let subscribed = match hub.state.latest_subscription(&m.owner) {
                None => false,
                Some(s) if s.is_active() => true,
                Some(s) => {
                    return Err(Error::SubscriptionRequired { seller: m.owner.clone(), action: "generate".into(), state: s.state_name().into() })
                }
            };
            let clean = hub.generate_with(m, &brief, seed)?;
            let content = if subscribed {
                clean
            } else {
                watermark::draft(&clean, &DraftMark { reference: model.to_string(), seed }, &hub.watermark.visible)
            };
            let id = hub.store_artifact(content.clone());
            hub.emit(Event::PlaygroundGenerated { model: model.clone(), artifact: id.clone(), watermarked: !subscribed, at });
            Ok((id, content))
        })
    }

    // ----- subscription (S) -----------------------------------------------------------

    /// Subscribes the seller; the first month is charged to a stored card or PayPal (S1, S2).
    pub fn subscribe(&mut self, seller: &str, method: &PaymentMethodId) -> Result<Outcome<SubscriptionId>, Error> {
        self.run(|hub, at| {
            let s = hub.seller(seller)?;
            s.ensure_eligible(&hub.policy)?;
            if let Some(sub) = hub.state.latest_subscription(&s.id).filter(|sub| sub.is_live()) {
                return Err(Error::AlreadySubscribed { seller: s.id.clone(), subscription: sub.id.clone() });
            }
            let pm = s.payment_method(method)?.clone();
            let id = SubscriptionId::new(format!("sub-{}", hub.state.counters.subscriptions + 1));
            let fee = hub.policy.monthly_fee();
            let key = Subscription::charge_key(&id, 0);
            let request = ChargeRequest { idempotency_key: key.clone(), seller: s.id.clone(), method: pm.clone(), amount: fee };
            let reference = hub
                .gateway
                .charge(&request)
                .map_err(|reason| Error::PaymentDeclined { method: method.clone(), amount: fee, reason })?;
            let subscription = Subscription {
                id: id.clone(),
                seller: seller.into(),
                anchor: at,
                method: method.clone(),
                status: SubscriptionStatus::Active,
                cancel_at_period_end: false,
                paid_periods: 0,
                charges: Vec::new(),
            };
            hub.emit(Event::Subscribed { subscription });
            let source = ChargeSource::PaymentMethod { id: pm.id, kind: pm.kind, reference };
            let charge = Charge { idempotency_key: key, period: 0, amount: fee, source, at };
            hub.emit(Event::SubscriptionCharged { subscription: id.clone(), seller: seller.into(), charge });
            Ok(id)
        })
    }

    /// Settles whatever is due now for every subscription (renewals, ends): what a
    /// host's scheduler calls. Every command also does this first.
    pub fn tick(&mut self) -> Outcome<()> {
        self.run(|_, _| Ok(())).unwrap_or_else(|_| Outcome { value: (), events: Vec::new() })
    }

    /// Renews the seller's subscription if due and returns the current period's
    /// charge. Repeating it never charges a period twice (S5).
    pub fn renew_subscription(&mut self, seller: &str) -> Result<Outcome<Option<Charge>>, Error> {
        self.run(|hub, at| {
            let sub = hub.live_subscription(seller)?;
            let period = sub.period_at(at).index;
            let key = Subscription::charge_key(&sub.id, period);
            Ok(sub.charges.iter().find(|c| c.idempotency_key == key).cloned())
        })
    }

    /// Pays a past-due renewal (balance first, else the stored method) (S2).
    pub fn pay_past_due(&mut self, seller: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let sub = hub.live_subscription(seller)?.clone();
            let SubscriptionStatus::PastDue { period, .. } = sub.status else {
                return Err(Error::NothingPastDue { subscription: sub.id.clone() });
            };
            match hub.charge_renewal(&sub, period, at)? {
                Ok(charge) => {
                    hub.emit(Event::SubscriptionCharged { subscription: sub.id.clone(), seller: sub.seller.clone(), charge });
                    hub.emit(Event::QuotaRenewed { seller: sub.seller.clone(), subscription: sub.id.clone(), period, at });
                    Ok(())
                }
                Err((method, reason)) => Err(Error::PaymentDeclined { method, amount: hub.policy.monthly_fee(), reason }),
            }
        })
    }

    /// Cancels at the end of the paid cycle; features stay until then (S3).
    pub fn cancel_subscription(&mut self, seller: &str) -> Result<Outcome<DateTime<Utc>>, Error> {
        self.run(|hub, at| {
            let sub = hub.any_subscription(seller)?;
            sub.ensure_cancellable()?;
            let ends_at = sub.paid_until();
            hub.emit(Event::SubscriptionCancelled { subscription: sub.id.clone(), ends_at, at });
            Ok(ends_at)
        })
    }

    /// Takes a cancellation back before the period ends (S3 decision).
    pub fn resume_subscription(&mut self, seller: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let sub = hub.any_subscription(seller)?;
            sub.ensure_resumable()?;
            hub.emit(Event::SubscriptionResumed { subscription: sub.id.clone(), at });
            Ok(())
        })
    }

    // ----- orders (G, V, F, R, D) ----------------------------------------------------

    /// Immediate-download path (G3): generates a watermarked draft priced by the
    /// model's quote for `brief.quantity` units (G1, G5, W1).
    pub fn order_draft(&mut self, client: &str, model: &ModelId, brief: Brief, seed: u64) -> Result<Outcome<OrderId>, Error> {
        self.run(|hub, at| {
            let m = hub.servable_model(model)?;
            let quote = hub.quote(model, brief.quantity)?;
            let id = OrderId::new(format!("order-{}", hub.state.counters.orders + 1));
            let order = hub.new_order(&id, client, m, OrderPath::ImmediateDownload, brief, seed, Some(quote), OrderStatus::Drafted, at)?;
            let clean = hub.generate_with(m, &order.brief, seed)?;
            hub.emit(Event::OrderCreated { order });
            hub.deliver(&id, clean, seed, at);
            Ok(id)
        })
    }

    /// Custom-offer path (G3, V2): the client contacts the seller with a brief.
    pub fn contact_seller(&mut self, client: &str, model: &ModelId, brief: Brief) -> Result<Outcome<OrderId>, Error> {
        self.run(|hub, at| {
            let m = hub.servable_model(model)?;
            let id = OrderId::new(format!("order-{}", hub.state.counters.orders + 1));
            let order = hub.new_order(&id, client, m, OrderPath::CustomOffer, brief, 0, None, OrderStatus::OfferRequested, at)?;
            hub.emit(Event::OrderCreated { order });
            Ok(id)
        })
    }

    /// The seller answers with a custom offer and its own terms (V2).
    pub fn send_custom_offer(&mut self, seller: &str, order: &OrderId, offer: CustomOffer) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_seller(&seller.into())?;
            o.ensure_status(&[OrderStatus::OfferRequested, OrderStatus::OfferSent], "send an offer")?;
            hub.same_currency(offer.price)?;
            hub.same_currency(offer.non_ai_work)?;
            if !offer.price.is_positive() || offer.non_ai_work.amount().is_sign_negative() || offer.non_ai_work.cmp_amount(&offer.price)? == std::cmp::Ordering::Greater {
                return Err(Error::InvalidPrice { reason: "an offer needs a positive price and non-AI work between zero and the price".into() });
            }
            hub.emit(Event::OfferSent { order: order.clone(), offer: CustomOffer { price: offer.price.rounded(), non_ai_work: offer.non_ai_work.rounded(), ..offer }, at });
            Ok(())
        })
    }

    /// The client accepts the offer; the model generates the watermarked draft.
    pub fn accept_offer(&mut self, client: &str, order: &OrderId, seed: u64) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.ensure_status(&[OrderStatus::OfferSent], "accept the offer")?;
            let m = hub.servable_model(&o.model)?;
            let clean = hub.generate_with(m, &o.brief, seed)?;
            hub.deliver(order, clean, seed, at);
            Ok(())
        })
    }

    /// The client approves the current delivery (G1); approving a revised delivery
    /// completes the order with an edit (R2).
    pub fn approve(&mut self, client: &str, order: &OrderId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.ensure_status(&[OrderStatus::Drafted, OrderStatus::RevisionDelivered], "approve")?;
            if o.approved {
                return Ok(());
            }
            let completes = o.status == OrderStatus::RevisionDelivered;
            let counts = o.counts_in_success_score();
            hub.emit(Event::OrderApproved { order: order.clone(), at });
            if completes {
                hub.emit(Event::OrderCompleted { order: order.clone(), edited: true, counts_in_success_score: counts, at });
            }
            Ok(())
        })
    }

    /// The host reports the client's completed payment of the order's price (G1).
    pub fn record_payment(&mut self, client: &str, order: &OrderId, amount: Money) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.ensure_status(&[OrderStatus::Drafted], "pay")?;
            if o.paid_at.is_some() {
                return Ok(());
            }
            let price = o.price().ok_or_else(|| Error::invalid("order", "has no price"))?;
            if amount.cmp_amount(&price)? != std::cmp::Ordering::Equal {
                return Err(Error::invalid("amount", format!("the order costs {price}, got {amount}")));
            }
            hub.emit(Event::OrderPaid { order: order.clone(), amount, at });
            Ok(())
        })
    }

    /// The clean file, for the client of an approved and paid order (G1, D2). The
    /// first download starts the revision window (V1).
    pub fn download(&mut self, client: &str, order: &OrderId) -> Result<Outcome<Artifact>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.ensure_released()?;
            let clean = o.clean.as_ref().and_then(|id| hub.state.artifacts.get(id)).cloned();
            let clean = clean.ok_or_else(|| Error::not_found("artifact", order))?;
            if o.downloaded_at.is_none() {
                hub.emit(Event::DeliveryDownloaded { order: order.clone(), at });
            }
            Ok(clean)
        })
    }

    /// G4: no source file exists for AI-generated assets, for anyone.
    pub fn request_source_file(&mut self, _actor: &str, order: &OrderId) -> Result<Outcome<()>, Error> {
        self.run(|hub, _| {
            hub.order(order)?;
            Err(Error::SourceFileUnavailable { order: order.clone() })
        })
    }

    /// Requests the included revision (V1) with a note; the model generates the
    /// revised watermarked draft at once.
    pub fn request_revision(&mut self, client: &str, order: &OrderId, note: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.check_revision(&hub.policy, at)?;
            if note.trim().is_empty() {
                return Err(Error::invalid("note", "say what to change"));
            }
            let m = hub.servable_model(&o.model)?;
            let mut brief = o.brief.clone();
            brief.text = format!("{}\nRevision: {}", brief.text, note.trim());
            let seed = o.seed.wrapping_add(o.revision_notes.len() as u64 + 1);
            let clean = hub.generate_with(m, &brief, seed)?;
            hub.emit(Event::RevisionRequested { order: order.clone(), note: note.trim().into(), at });
            hub.deliver(order, clean, seed, at);
            Ok(())
        })
    }

    /// The client accepts the released delivery without edits: the order completes
    /// and cannot be reviewed (R3).
    pub fn accept_delivery(&mut self, client: &str, order: &OrderId) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.ensure_status(&[OrderStatus::Released], "accept")?;
            let counts = o.counts_in_success_score();
            hub.emit(Event::OrderCompleted { order: order.clone(), edited: o.edited(), counts_in_success_score: counts, at });
            Ok(())
        })
    }

    /// Rates and reviews an order that had an edit, once its final delivery is
    /// approved (R2, R3).
    pub fn review(&mut self, client: &str, order: &OrderId, stars: u8, text: &str) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_client(&client.into())?;
            o.check_review(stars)?;
            let review = Review { stars, text: text.trim().into(), at };
            hub.emit(Event::ReviewLeft { order: order.clone(), seller: o.seller.clone(), review });
            Ok(())
        })
    }

    /// F1: full refunds are not available for AI-generated assets.
    pub fn request_full_refund(&mut self, client: &str, order: &OrderId) -> Result<Outcome<()>, Error> {
        self.run(|hub, _| {
            hub.order(order)?.ensure_client(&client.into())?;
            Err(Error::FullRefundUnavailable { order: order.clone() })
        })
    }

    /// F2: the seller refunds part of the work beyond the AI generation.
    pub fn issue_partial_refund(&mut self, seller: &str, order: &OrderId, amount: Money) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?;
            o.ensure_seller(&seller.into())?;
            hub.same_currency(amount)?;
            o.check_partial_refund(amount)?;
            hub.emit(Event::PartialRefundIssued { order: order.clone(), amount, at });
            Ok(())
        })
    }

    /// The client makes a paid delivery public (usable by the seller for training)
    /// or private again (D2, D3).
    pub fn set_delivery_public(&mut self, client: &str, order: &OrderId, public: bool) -> Result<Outcome<()>, Error> {
        self.run(|hub, at| {
            let o = hub.order(order)?.clone();
            o.ensure_client(&client.into())?;
            if o.delivery_owner().is_none() {
                return Err(Error::NotApprovedAndPaid { order: o.id.clone(), approved: o.approved, paid: false });
            }
            if o.delivery_public == public {
                return Ok(());
            }
            let known = hub.state.assets.values().any(|a| matches!(&a.source, AssetSource::ClientDelivery { order: id, .. } if id == order));
            if public && !known {
                let clean = o.clean.as_ref().and_then(|id| hub.state.artifacts.get(id));
                let (modality, meta) = match clean {
                    Some(Artifact::Image(img)) => (Modality::Image, crate::media::image::inspect_image(img, &hub.policy)),
                    Some(Artifact::Audio(a)) => (Modality::Audio, crate::media::audio::inspect_audio(a, &hub.policy)),
                    _ => (Modality::Text, AssetMeta::text()),
                };
                let content = clean.map(crate::media::encode).transpose()?.map(Blob::from);
                let seq = hub.state.counters.assets + 1;
                let id = AssetId::new(format!("asset-{seq}"));
                let source = AssetSource::ClientDelivery { order: order.clone(), public: true };
                let asset = Asset { id, owner: o.seller.clone(), source, modality, meta, tags: Default::default(), added_at: at, seq };
                hub.emit(Event::AssetAdded { asset, content });
            }
            hub.emit(Event::DeliveryVisibilityChanged { order: order.clone(), public, at });
            Ok(())
        })
    }

    // ----- internals --------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn add_to_library(&mut self, seller: &str, source: AssetSource, modality: Modality, meta: AssetMeta, content: Option<Blob>, tags: &[&str], at: DateTime<Utc>) -> Result<AssetId, Error> {
        self.seller(seller)?;
        if let AssetSource::ClientDelivery { order, .. } = &source {
            return Err(Error::invalid("source", format!("deliveries enter the library when the client of {order} makes them public (D3)")));
        }
        asset::check_readable(modality, &meta)?;
        let seq = self.state.counters.assets + 1;
        let id = AssetId::new(format!("asset-{seq}"));
        let tags = tags.iter().map(|t| normalize_tag(t)).collect::<Result<_, _>>()?;
        self.emit(Event::AssetAdded { asset: Asset { id: id.clone(), owner: seller.into(), source, modality, meta, tags, added_at: at, seq }, content });
        Ok(id)
    }

    fn run<T>(&mut self, command: impl FnOnce(&mut Self, DateTime<Utc>) -> Result<T, Error>) -> Result<Outcome<T>, Error> {
        let now = self.clock.now();
        self.pending.clear();
        self.settle(now);
        match command(self, now) {
            Ok(value) => Ok(Outcome { value, events: std::mem::take(&mut self.pending) }),
            Err(e) => {
                self.pending.clear();
                Err(e)
            }
        }
    }

    /// One cancel token per queued or running job (after a restore or replay).
    fn arm_cancel_tokens(&mut self) {
        let active = self.state.jobs.values().filter(|j| j.status.is_active());
        self.cancel_tokens = active.map(|j| (j.id.clone(), CancelToken::default())).collect();
    }

    fn emit(&mut self, event: Event) {
        self.state.apply(&event);
        self.log.push(event.clone());
        self.pending.push(event);
    }

    fn settle(&mut self, now: DateTime<Utc>) {
        let live: Vec<SubscriptionId> = self.state.subscriptions.values().filter(|s| s.is_live()).map(|s| s.id.clone()).collect();
        for id in live {
            while let Some(due) = self.state.subscriptions.get(&id).and_then(|s| s.due(now, &self.policy)) {
                let sub = self.state.subscriptions[&id].clone();
                match due {
                    Due::Renew { period, at } => match self.charge_renewal(&sub, period, now) {
                        Ok(Ok(charge)) => {
                            self.emit(Event::SubscriptionCharged { subscription: id.clone(), seller: sub.seller.clone(), charge });
                            self.emit(Event::QuotaRenewed { seller: sub.seller.clone(), subscription: id.clone(), period, at });
                        }
                        Ok(Err((method, reason))) => {
                            self.emit(Event::RenewalDeclined { subscription: id.clone(), period, method, reason, at });
                        }
                        Err(e) => {
                            let method = sub.method.clone();
                            self.emit(Event::RenewalDeclined { subscription: id.clone(), period, method, reason: e.to_string(), at });
                        }
                    },
                    Due::End { at, reason } => {
                        self.emit(Event::SubscriptionEnded { subscription: id.clone(), seller: sub.seller.clone(), reason, at });
                        self.unpublish_all(&sub.seller, UnpublishReason::SubscriptionEnded, at);
                    }
                }
            }
        }
    }

    /// Charges one period: from the balance if it covers the fee, else the stored
    /// method (S2, no split). The inner `Err` is a decline.
    #[allow(clippy::type_complexity)]
    fn charge_renewal(&mut self, sub: &Subscription, period: u32, at: DateTime<Utc>) -> Result<Result<Charge, (PaymentMethodId, String)>, Error> {
        let fee = self.policy.monthly_fee();
        let key = Subscription::charge_key(&sub.id, period);
        let seller = self.seller(sub.seller.as_str())?.clone();
        if seller.balance.cmp_amount(&fee)? != std::cmp::Ordering::Less {
            return Ok(Ok(Charge { idempotency_key: key, period, amount: fee, source: ChargeSource::Balance, at }));
        }
        let Ok(pm) = seller.payment_method(&sub.method).cloned() else {
            return Ok(Err((sub.method.clone(), "no stored payment method".into())));
        };
        let request = ChargeRequest { idempotency_key: key.clone(), seller: seller.id.clone(), method: pm.clone(), amount: fee };
        Ok(match self.gateway.charge(&request) {
            Ok(reference) => {
                let source = ChargeSource::PaymentMethod { id: pm.id, kind: pm.kind, reference };
                Ok(Charge { idempotency_key: key, period, amount: fee, source, at })
            }
            Err(reason) => Err((pm.id, reason)),
        })
    }

    fn unpublish_all(&mut self, seller: &SellerId, reason: UnpublishReason, at: DateTime<Utc>) {
        let published: Vec<ModelId> = self.state.published_models(seller).map(|m| m.id.clone()).collect();
        for model in published {
            self.emit(Event::ModelUnpublished { model, reason, at });
        }
    }

    fn mark_stale(&mut self, model: &ModelId, at: DateTime<Utc>) {
        if self.state.models.get(model).is_some_and(|m| m.is_stale()) {
            self.emit(Event::ModelMarkedStale { model: model.clone(), at });
        }
    }

    fn editable_model(&self, seller: &str, model: &ModelId, action: &str) -> Result<&CreationModel, Error> {
        let m = self.model(seller, model)?;
        m.ensure_not_archived(action)?;
        Ok(m)
    }

    /// A model clients can generate with: published, seller subscribed, trained (G5).
    fn servable_model(&self, model: &ModelId) -> Result<&CreationModel, Error> {
        let m = self.state.models.get(model).ok_or_else(|| Error::not_found("model", model))?;
        if m.status != ModelStatus::Published {
            return Err(Error::ModelNotPublished { model: model.clone() });
        }
        match self.state.latest_subscription(&m.owner) {
            Some(s) if s.is_active() => {}
            other => {
                let state = other.map_or("none", |s| s.state_name());
                return Err(Error::SubscriptionRequired { seller: m.owner.clone(), action: "serve clients".into(), state: state.into() });
            }
        }
        if m.live.is_none() {
            return Err(Error::NoTrainedVersion { model: model.clone() });
        }
        Ok(m)
    }

    fn generate_with(&self, m: &CreationModel, brief: &Brief, seed: u64) -> Result<Artifact, Error> {
        let live = m.live.as_ref().ok_or_else(|| Error::NoTrainedVersion { model: m.id.clone() })?;
        if brief.quantity == 0 {
            return Err(Error::invalid("quantity", "must be at least 1"));
        }
        self.generators.get(&m.subcategory)?.generate(&live.style, brief, seed, &mut JobControl::none())
    }

    fn store_artifact(&mut self, content: Artifact) -> ArtifactId {
        let id = ArtifactId::new(format!("artifact-{}", self.state.counters.artifacts + 1));
        self.emit(Event::ArtifactStored { artifact: id.clone(), content });
        id
    }

    /// Stores the clean file and its marked draft (W1, W2) and delivers the draft.
    fn deliver(&mut self, order: &OrderId, clean: Artifact, seed: u64, at: DateTime<Utc>) {
        let o = &self.state.orders[order];
        let payload = draft_payload(o.seq, o.draft_payloads.len());
        let marked = watermark::mark_draft(&clean, &DraftMark { reference: order.to_string(), seed }, Some(payload), &self.watermark);
        let payload = marked.payload.is_ok().then_some(payload);
        let clean = self.store_artifact(clean);
        let draft = self.store_artifact(marked.artifact);
        self.emit(Event::DraftDelivered { order: order.clone(), draft, clean, payload, at });
    }

    #[allow(clippy::too_many_arguments)]
    fn new_order(&self, id: &OrderId, client: &str, m: &CreationModel, path: OrderPath, brief: Brief, seed: u64, quote: Option<Quote>, status: OrderStatus, at: DateTime<Utc>) -> Result<Order, Error> {
        if client.trim().is_empty() {
            return Err(Error::invalid("client", "must not be empty"));
        }
        if brief.quantity == 0 {
            return Err(Error::invalid("quantity", "must be at least 1"));
        }
        Ok(Order {
            id: id.clone(),
            seq: self.state.counters.orders + 1,
            draft_payloads: Vec::new(),
            client: client.into(),
            seller: m.owner.clone(),
            model: m.id.clone(),
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
            refunded: Money::zero(self.policy.currency),
            created_at: at,
        })
    }

    fn checklist(&self, m: &CreationModel) -> Vec<crate::Requirement> {
        let eligible = self.state.sellers.get(&m.owner).is_some_and(|s| s.is_eligible(&self.policy));
        let subscribed = self.state.latest_subscription(&m.owner).is_some_and(|s| s.is_active());
        let others = self.state.published_models(&m.owner).filter(|o| o.id != m.id).count() as u32;
        m.publish_checklist(&self.policy, eligible, subscribed, others)
    }

    fn quota_of(&self, m: &CreationModel, now: DateTime<Utc>) -> Result<QuotaStatus, Error> {
        let entry: &CatalogueEntry = self.policy.catalogue.entry(&m.subcategory)?;
        let sub = self.state.latest_subscription(&m.owner);
        quota_status(&m.id, &m.owner, entry, sub, self.state.jobs.values(), &self.policy, now)
    }

    fn live_subscription(&self, seller: &str) -> Result<&Subscription, Error> {
        let sub = self.any_subscription(seller)?;
        if let SubscriptionStatus::Ended { at, .. } = sub.status {
            return Err(Error::SubscriptionEnded { subscription: sub.id.clone(), ended_at: at });
        }
        Ok(sub)
    }

    fn any_subscription(&self, seller: &str) -> Result<&Subscription, Error> {
        self.seller(seller)?;
        self.state.latest_subscription(&seller.into()).ok_or_else(|| Error::SubscriptionRequired {
            seller: seller.into(),
            action: "manage a subscription".into(),
            state: "none".into(),
        })
    }

    fn same_currency(&self, amount: Money) -> Result<(), Error> {
        if amount.currency() == self.policy.currency {
            Ok(())
        } else {
            Err(Error::CurrencyMismatch { expected: self.policy.currency, found: amount.currency() })
        }
    }
}

fn live_version(state: &State, model: &ModelId) -> u32 {
    state.models.get(model).and_then(|m| m.live.as_ref()).map_or(0, |v| v.version)
}

/// The invisible payload of an order's n-th draft: the order's rank in the high 48
/// bits, the draft's in the low 16, so every draft ever delivered is distinct.
fn draft_payload(order_seq: u64, draft_index: usize) -> u64 {
    (order_seq << 16) | (draft_index as u64 & 0xFFFF)
}

fn normalize_tag(tag: &str) -> Result<String, Error> {
    let t = tag.trim().to_lowercase();
    if t.is_empty() {
        Err(Error::invalid("tag", "must not be empty"))
    } else {
        Ok(t)
    }
}
