//! Creation models (SPEC C2–C4, M1–M7, A7): lifecycle, naming, publish checklist,
//! placement, creations and reports.

use crate::asset::{self, Asset};
use crate::blob::BlobRef;
use crate::catalogue::Modality;
use crate::context::Context;
use crate::error::Error;
use crate::event::{Event, UnpublishReason};
use crate::ids::{AssetId, ClientId, JobId, ModelId, OrderId, SellerId};
use crate::policy::Policy;
use crate::pricing::{PriceSpec, Quote};
use crate::seller::Seller;
use crate::subscription::Subscription;
use crate::training::{self, TrainingJob};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A model's lifecycle state (M3).
///
/// `Training` is the state of a model that has never finished a training; a model
/// retrained later keeps its state (ready, published...) and serves its last
/// succeeded version meanwhile.
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
/// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Draft);
/// let job = hub.start_training("ana", &model).unwrap().value;
/// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Training);
/// hub.run_training(&job).unwrap();
/// assert_eq!(hub.model("ana", &model).unwrap().status.to_string(), "ready");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Created, never trained.
    Draft,
    /// First training queued or running.
    Training,
    /// Trained; the playground is open.
    Ready,
    /// Clients can generate with it.
    Published,
    /// Withdrawn from clients; can be published again.
    Unpublished,
    /// Retired; read-only.
    Archived,
}

impl fmt::Display for ModelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelStatus::Draft => "draft",
            ModelStatus::Training => "training",
            ModelStatus::Ready => "ready",
            ModelStatus::Published => "published",
            ModelStatus::Unpublished => "unpublished",
            ModelStatus::Archived => "archived",
        })
    }
}

/// One unmet requirement of the publish checklist (M1, M2, E2, S4).
///
/// ```
/// use fivergo_core::Requirement;
/// assert_eq!(Requirement::Price.to_string(), "a price");
/// assert_eq!(serde_json::to_value(Requirement::ActiveModelSlot { limit: 3 }).unwrap()["type"], "active_model_slot");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Requirement {
    /// The seller must be eligible (E1, E2).
    Eligibility,
    /// A training must have succeeded.
    SucceededTraining,
    /// The playground must have been used.
    PlaygroundGeneration {
        /// Generations made.
        have: u32,
        /// Generations needed.
        need: u32,
    },
    /// A price must be set.
    Price,
    /// The seller's subscription must be active.
    ActiveSubscription,
    /// Fewer than `limit` models may be published already (M1).
    ActiveModelSlot {
        /// The active model limit.
        limit: u32,
    },
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Eligibility => f.write_str("seller eligibility (Level 2+ or Pro)"),
            Requirement::SucceededTraining => f.write_str("a succeeded training"),
            Requirement::PlaygroundGeneration { have, need } => {
                write!(f, "{need} playground generation(s) ({have} so far)")
            }
            Requirement::Price => f.write_str("a price"),
            Requirement::ActiveSubscription => f.write_str("an active subscription"),
            Requirement::ActiveModelSlot { limit } => {
                write!(f, "a free slot ({limit} models already published)")
            }
        }
    }
}

/// Where clients meet the model (M4).
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
/// let placement = Placement { gigs: ["gig-42".to_string()].into(), on_profile: true };
/// hub.set_placement("ana", &model, placement.clone()).unwrap();
/// assert_eq!(hub.model("ana", &model).unwrap().placement, placement);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The host's Gig ids that show the model.
    pub gigs: BTreeSet<String>,
    /// Whether the seller's profile shows it.
    pub on_profile: bool,
}

/// A trained version of a model. What the generator learnt is a file in the blob
/// store (a [`TrainedStyle`](crate::TrainedStyle) as JSON): styles can hold exemplar
/// pictures, which never enter events or snapshots.
///
/// ```
/// use fivergo_core::{model::TrainedVersion, *};
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
/// let live: TrainedVersion = hub.model("ana", &model).unwrap().live.unwrap();
/// assert_eq!((live.version, &live.job, live.generator.as_str()), (1, &job, "echo"));
/// assert!(hub.trained_style("ana", &live.style).is_ok()); // the style's file, for its owner
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainedVersion {
    /// 1 for the first succeeded training, then 2, ...
    pub version: u32,
    /// The job that produced it.
    pub job: JobId,
    /// When it finished.
    #[serde(with = "crate::wire::instant")]
    pub trained_at: DateTime<Utc>,
    /// The model's [`CreationModel::settings_rev`] it was trained on.
    pub settings_rev: u32,
    /// The generator that trained it.
    pub generator: String,
    /// The trained style's JSON in the blob store.
    pub style: BlobRef,
}

/// What a report is about (M6).
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
/// hub.report_issue("bob", &model, ReportTarget::Model, "Looks like someone else's art").unwrap();
/// let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
/// hub.report_issue("bob", &model, ReportTarget::Creation { order }, "Blurry result").unwrap();
/// assert_eq!(hub.model("ana", &model).unwrap().reports.len(), 2);
/// let unknown = ReportTarget::Creation { order: "ana/order-99".into() };
/// assert_eq!(hub.report_issue("bob", &model, unknown, "?").unwrap_err().code(), "not_found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReportTarget {
    /// The model itself.
    Model,
    /// A creation (order) of the model.
    Creation {
        /// The order.
        order: OrderId,
    },
}

/// A "Report an issue" record (M6).
///
/// ```
/// use fivergo_core::{model::Report, *};
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
/// hub.report_issue("bob", &model, ReportTarget::Model, "  Looks copied ").unwrap();
/// let report: Report = hub.model("ana", &model).unwrap().reports.remove(0);
/// assert_eq!((report.reporter.as_str(), report.text.as_str()), ("bob", "Looks copied"));
/// assert_eq!((report.target, report.at), (ReportTarget::Model, hub.now()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Who reported (a seller or client id).
    pub reporter: String,
    /// Model or creation.
    pub target: ReportTarget,
    /// What they wrote.
    pub text: String,
    /// When.
    #[serde(with = "crate::wire::instant")]
    pub at: DateTime<Utc>,
}

/// A seller's AI creation model.
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
/// let m: CreationModel = hub.model("ana", &model).unwrap();
/// assert_eq!((m.owner.as_str(), m.subcategory.as_str(), m.status), ("ana", "tattoo", ModelStatus::Draft));
/// assert_eq!(m.assets, [art]);
/// assert!(m.attested_at.is_some() && m.live.is_none() && m.name.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreationModel {
    /// Minted by the hub.
    pub id: ModelId,
    /// The seller who owns it (D1).
    pub owner: SellerId,
    /// The catalogue slug (C2).
    pub subcategory: String,
    /// Generated when training first starts (C3).
    pub name: Option<String>,
    /// Lifecycle state (M3).
    pub status: ModelStatus,
    /// When it was created.
    #[serde(with = "crate::wire::instant")]
    pub created_at: DateTime<Utc>,
    /// Selected assets, in selection order.
    pub assets: Vec<AssetId>,
    /// The seller's instructions (A5).
    pub instructions: Option<String>,
    /// When the seller attested originality (A9).
    #[serde(with = "crate::wire::instant_opt")]
    pub attested_at: Option<DateTime<Utc>>,
    /// The version clients and the playground use: the last succeeded training (G5, M3).
    pub live: Option<TrainedVersion>,
    /// Bumped by every change of assets, instructions or tags (A7).
    pub settings_rev: u32,
    /// The training queued or running, if any.
    pub active_job: Option<JobId>,
    /// Playground generations so far (M2).
    pub playground_generations: u32,
    /// The price (P1–P5).
    pub price: Option<PriceSpec>,
    /// Where clients meet it (M4).
    pub placement: Placement,
    /// Orders clients bought from it (M5).
    pub creations: Vec<OrderId>,
    /// Issue reports (M6).
    pub reports: Vec<Report>,
}

impl CreationModel {
    /// A new draft model.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let m = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), "2026-02-18T09:00:00Z".parse().unwrap());
    /// assert_eq!(m.status, ModelStatus::Draft);
    /// assert!(m.assets.is_empty() && m.price.is_none() && m.live.is_none());
    /// ```
    pub fn new(id: ModelId, owner: SellerId, subcategory: String, at: DateTime<Utc>) -> Self {
        Self {
            id,
            owner,
            subcategory,
            name: None,
            status: ModelStatus::Draft,
            created_at: at,
            assets: Vec::new(),
            instructions: None,
            attested_at: None,
            live: None,
            settings_rev: 0,
            active_job: None,
            playground_generations: 0,
            price: None,
            placement: Placement::default(),
            creations: Vec::new(),
            reports: Vec::new(),
        }
    }

    /// A7: assets, instructions or tags changed since the live version was trained;
    /// generation keeps using the live version until the seller retrains.
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
    /// assert!(!hub.model("ana", &model).unwrap().is_stale());
    /// hub.set_instructions("ana", &model, Some("bolder outlines")).unwrap(); // A7
    /// assert!(hub.model("ana", &model).unwrap().is_stale());
    /// ```
    pub fn is_stale(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|v| v.settings_rev != self.settings_rev)
    }

    /// Owner-only access (M7, D1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let m = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), "2026-02-18T09:00:00Z".parse().unwrap());
    /// assert!(m.ensure_owner(&"ana".into()).is_ok());
    /// let err = m.ensure_owner(&"bob".into()).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("forbidden", Some("M7")));
    /// ```
    pub fn ensure_owner(&self, actor: &SellerId) -> Result<(), Error> {
        if &self.owner == actor {
            Ok(())
        } else {
            Err(Error::Forbidden {
                actor: actor.to_string(),
                entity: "model".into(),
                id: self.id.to_string(),
                rule: "M7",
            })
        }
    }

    /// Refuses changes to an archived model (M3).
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
    /// assert!(hub.model("ana", &model).unwrap().ensure_not_archived("train").is_ok());
    /// hub.archive("ana", &model).unwrap();
    /// let err = hub.model("ana", &model).unwrap().ensure_not_archived("train").unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("invalid_model_state", Some("M3")));
    /// ```
    pub fn ensure_not_archived(&self, action: &str) -> Result<(), Error> {
        if self.status == ModelStatus::Archived {
            Err(self.state_error(action))
        } else {
            Ok(())
        }
    }

    pub(crate) fn state_error(&self, action: &str) -> Error {
        Error::InvalidModelState {
            model: self.id.clone(),
            status: self.status.to_string(),
            action: action.into(),
        }
    }

    /// G5: what clients generate with — a published model of a seller with an active
    /// subscription, and its last succeeded training.
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
    /// let (m, sub) = (hub.model("ana", &model).unwrap(), hub.subscription("ana").unwrap());
    /// assert_eq!(m.ensure_servable(sub.as_ref()).unwrap().version, 1);
    /// assert_eq!(m.ensure_servable(None).unwrap_err().code(), "subscription_required"); // S4
    /// hub.unpublish("ana", &model).unwrap();
    /// let m = hub.model("ana", &model).unwrap();
    /// assert_eq!(m.ensure_servable(sub.as_ref()).unwrap_err().code(), "model_not_published"); // G5
    /// ```
    pub fn ensure_servable(
        &self,
        subscription: Option<&Subscription>,
    ) -> Result<&TrainedVersion, Error> {
        if self.status != ModelStatus::Published {
            return Err(Error::ModelNotPublished {
                model: self.id.clone(),
            });
        }
        Subscription::require_active(&self.owner, subscription, "serve clients")?;
        self.live.as_ref().ok_or_else(|| Error::NoTrainedVersion {
            model: self.id.clone(),
        })
    }

    /// What clients see of the model once published: no assets, no style (D1).
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
    /// assert_eq!(hub.model("ana", &model).unwrap().listing().unwrap_err().code(), "model_not_published");
    /// # hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// hub.publish("ana", &model).unwrap();
    /// let listing = hub.model("ana", &model).unwrap().listing().unwrap();
    /// assert_eq!((listing.name.as_str(), listing.seller.as_str()), ("Tattoo", "ana"));
    /// ```
    pub fn listing(&self) -> Result<Listing, Error> {
        match (&self.status, &self.price, &self.name) {
            (ModelStatus::Published, Some(price), Some(name)) => Ok(Listing {
                model: self.id.clone(),
                seller: self.owner.clone(),
                name: name.clone(),
                subcategory: self.subcategory.clone(),
                price: price.clone(),
                placement: self.placement.clone(),
            }),
            _ => Err(Error::ModelNotPublished {
                model: self.id.clone(),
            }),
        }
    }

    /// A quote for `quantity` units of the published model (P1–P5).
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
    /// let m = hub.model("ana", &model).unwrap();
    /// let quote = m.quote(3, hub.policy()).unwrap();
    /// assert_eq!((quote.total.to_string(), quote.included_edits), ("60.00 USD".to_string(), 1));
    /// assert_eq!(quote, hub.quote(&model, 3).unwrap());
    /// ```
    pub fn quote(&self, quantity: u32, policy: &Policy) -> Result<Quote, Error> {
        self.listing()?.price.quote(quantity, policy)
    }

    /// The playground's terms (G2): whether a generation now is watermarked (no
    /// subscription yet) or clean (subscribed); refused while past due or after the
    /// end (S2, S4) and without a succeeded training (G5).
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
    /// let m = hub.model("ana", &model).unwrap();
    /// let (live, watermarked) = m.playground_terms(None).unwrap();
    /// assert!(watermarked); // before the first subscription (G2)
    /// assert_eq!(live.version, 1);
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// let sub = hub.subscription("ana").unwrap();
    /// assert!(!m.playground_terms(sub.as_ref()).unwrap().1); // subscribed: clean
    /// ```
    pub fn playground_terms(
        &self,
        subscription: Option<&Subscription>,
    ) -> Result<(&TrainedVersion, bool), Error> {
        self.ensure_not_archived("generate")?;
        let watermarked = match subscription {
            None => true,
            some => {
                Subscription::require_active(&self.owner, some, "generate")?;
                false
            }
        };
        let live = self.live.as_ref().ok_or_else(|| Error::NoTrainedVersion {
            model: self.id.clone(),
        })?;
        Ok((live, watermarked))
    }

    /// Creates a draft model for a subcategory the seller has a Gig in (E1, C1, C2).
    ///
    /// ```
    /// use fivergo_core::{*};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let mut ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// assert_eq!(CreationModel::create(&ana, "tattoo", &ctx).unwrap_err().code(), "no_gig_in_subcategory");
    /// ana.gigs.insert("tattoo".into());
    /// let events = CreationModel::create(&ana, "tattoo", &ctx).unwrap();
    /// assert!(matches!(&events[0], Event::ModelCreated { model, .. } if model.as_str() == "ana/model-1"));
    /// ```
    pub fn create(seller: &Seller, subcategory: &str, ctx: &Context) -> Result<Vec<Event>, Error> {
        seller.ensure_eligible(ctx.policy)?;
        ctx.policy.catalogue.available(subcategory)?;
        if !seller.gigs.contains(subcategory) {
            return Err(Error::NoGigInSubcategory {
                seller: seller.id.clone(),
                subcategory: subcategory.into(),
            });
        }
        Ok(vec![Event::ModelCreated {
            model: ctx.ids.model(),
            seller: seller.id.clone(),
            subcategory: subcategory.into(),
            at: ctx.now,
        }])
    }

    /// Decides a command about the model (A1–A9, C3, M1–M6, T1–T5, G2). The caller
    /// has checked that the actor owns it (M7).
    ///
    /// ```
    /// use fivergo_core::{model::ModelCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
    /// let m = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let err = m.decide(ModelCommand::Publish { seller: &ana, subscription: None, published_others: 0 }, &ctx).unwrap_err();
    /// assert_eq!(err.code(), "publish_requirements_unmet"); // M2: every unmet requirement at once
    /// ```
    pub fn decide(&self, command: ModelCommand<'_>, ctx: &Context) -> Result<Vec<Event>, Error> {
        let (model, at) = (self.id.clone(), ctx.now);
        let stale = |mut events: Vec<Event>| {
            // A7: any change of assets, instructions or tags outdates a live version.
            if self.live.is_some() {
                events.push(Event::ModelMarkedStale {
                    model: self.id.clone(),
                    at,
                });
            }
            events
        };
        Ok(match command {
            ModelCommand::SelectAssets { assets } => {
                self.ensure_not_archived("select assets")?;
                let entry = ctx.policy.catalogue.entry(&self.subcategory)?;
                let mut fresh: Vec<AssetId> = Vec::new();
                for a in assets {
                    asset::check_selectable(a, &self.owner, entry, ctx.policy)?;
                    if !self.assets.contains(&a.id) && !fresh.contains(&a.id) {
                        fresh.push(a.id.clone());
                    }
                }
                if fresh.is_empty() {
                    return Ok(Vec::new());
                }
                stale(vec![Event::AssetsSelected {
                    model,
                    assets: fresh,
                    at,
                }])
            }
            ModelCommand::DeselectAssets { assets } => {
                self.ensure_not_archived("deselect assets")?;
                let gone: Vec<AssetId> = assets
                    .iter()
                    .filter(|a| self.assets.contains(a))
                    .cloned()
                    .collect();
                if gone.is_empty() {
                    return Ok(Vec::new());
                }
                stale(vec![Event::AssetsDeselected {
                    model,
                    assets: gone,
                    at,
                }])
            }
            ModelCommand::SetInstructions { instructions } => {
                self.ensure_not_archived("set instructions")?;
                instructions.map_or(Ok(()), |text| {
                    ctx.policy.limits.check_text("instructions", text)
                })?;
                let instructions = instructions
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                if self.instructions == instructions {
                    return Ok(Vec::new());
                }
                stale(vec![Event::InstructionsSet {
                    model,
                    instructions,
                    at,
                }])
            }
            ModelCommand::AttestOriginality => {
                self.ensure_not_archived("attest originality")?;
                vec![Event::OriginalityAttested {
                    model,
                    seller: self.owner.clone(),
                    at,
                }]
            }
            ModelCommand::SetPrice { price } => {
                self.ensure_not_archived("set a price")?;
                price.validate(ctx.policy.catalogue.entry(&self.subcategory)?, ctx.policy)?;
                vec![Event::PriceSet { model, price, at }]
            }
            ModelCommand::SetPlacement { placement } => {
                self.ensure_not_archived("set the placement")?;
                vec![Event::PlacementSet {
                    model,
                    placement,
                    at,
                }]
            }
            ModelCommand::Publish {
                seller,
                subscription,
                published_others,
            } => {
                if !matches!(
                    self.status,
                    ModelStatus::Ready
                        | ModelStatus::Unpublished
                        | ModelStatus::Draft
                        | ModelStatus::Training
                ) {
                    return Err(self.state_error("publish"));
                }
                let subscribed = subscription.is_some_and(Subscription::is_active);
                let missing = self.publish_checklist(
                    ctx.policy,
                    seller.is_eligible(ctx.policy),
                    subscribed,
                    published_others,
                );
                if !missing.is_empty() {
                    return Err(Error::PublishRequirementsUnmet { model, missing });
                }
                vec![Event::ModelPublished { model, at }]
            }
            ModelCommand::Unpublish => {
                if self.status != ModelStatus::Published {
                    return Err(self.state_error("unpublish"));
                }
                vec![Event::ModelUnpublished {
                    model,
                    reason: UnpublishReason::Seller,
                    at,
                }]
            }
            ModelCommand::Archive => {
                self.ensure_not_archived("archive")?;
                if let Some(job) = &self.active_job {
                    return Err(Error::TrainingInProgress {
                        model,
                        job: job.clone(),
                    });
                }
                let mut events = Vec::new();
                if self.status == ModelStatus::Published {
                    events.push(Event::ModelUnpublished {
                        model: model.clone(),
                        reason: UnpublishReason::Archived,
                        at,
                    });
                }
                events.push(Event::ModelArchived { model, at });
                events
            }
            ModelCommand::ReportIssue {
                reporter,
                target,
                text,
                creation_exists,
            } => {
                if let ReportTarget::Creation { order } = &target {
                    if !self.creations.contains(order) && !creation_exists {
                        return Err(Error::not_found("creation", order));
                    }
                }
                if text.trim().is_empty() {
                    return Err(Error::invalid("text", "describe the issue"));
                }
                ctx.policy.limits.check_id("reporter", reporter)?;
                ctx.policy.limits.check_text("text", text)?;
                let report = Report {
                    reporter: reporter.into(),
                    target,
                    text: text.trim().into(),
                    at,
                };
                vec![Event::IssueReported { model, report }]
            }
            ModelCommand::StartTraining {
                seller,
                subscription,
                jobs,
                taken_names,
            } => {
                self.ensure_not_archived("train")?;
                seller.ensure_eligible(ctx.policy)?;
                let entry = ctx.policy.catalogue.entry(&self.subcategory)?;
                if let Some(job) = &self.active_job {
                    return Err(Error::TrainingInProgress {
                        model,
                        job: job.clone(),
                    });
                }
                if self.assets.is_empty() {
                    return Err(Error::NoAssetsSelected { model });
                }
                if entry.modality == Modality::Text && self.instructions.is_none() {
                    return Err(Error::InstructionsRequired { model });
                }
                if self.attested_at.is_none() {
                    return Err(Error::AttestationRequired { model });
                }
                let quota = training::quota_status(
                    &self.id,
                    &self.owner,
                    entry,
                    subscription,
                    jobs.iter().copied(),
                    ctx.policy,
                    at,
                )?;
                quota.ensure_available(&model)?;
                let mut events = Vec::new();
                if self.name.is_none() {
                    let name = Self::generated_name(&entry.name, taken_names.iter().copied());
                    events.push(Event::ModelNamed {
                        model: model.clone(),
                        name,
                        at,
                    });
                }
                events.push(Event::TrainingQueued {
                    job: Box::new(TrainingJob::queued(ctx.ids.job(), self, quota.window, at)),
                });
                events
            }
            ModelCommand::RecordPlayground {
                artifact,
                watermarked,
            } => {
                vec![Event::PlaygroundGenerated {
                    model,
                    artifact,
                    watermarked,
                    at,
                }]
            }
        })
    }

    /// Folds in an event that concerns the model; others are ignored.
    ///
    /// ```
    /// use fivergo_core::{model::ModelCommand, *};
    /// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let mut m = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
    /// let events = m.decide(ModelCommand::SetInstructions { instructions: Some(" fine line ") }, &ctx).unwrap();
    /// events.iter().for_each(|e| m.apply(e));
    /// assert_eq!((m.instructions.as_deref(), m.settings_rev), (Some("fine line"), 1));
    /// ```
    pub fn apply(&mut self, event: &Event) {
        match event {
            Event::AssetsSelected { assets, .. } => {
                for a in assets {
                    if !self.assets.contains(a) {
                        self.assets.push(a.clone());
                    }
                }
                self.settings_rev += 1;
            }
            Event::AssetsDeselected { assets, .. } => {
                self.assets.retain(|a| !assets.contains(a));
                self.settings_rev += 1;
            }
            Event::InstructionsSet { instructions, .. } => {
                self.instructions = instructions.clone();
                self.settings_rev += 1;
            }
            Event::AssetTagged { .. } => self.settings_rev += 1,
            Event::OriginalityAttested { at, .. } => self.attested_at = Some(*at),
            Event::ModelNamed { name, .. } => self.name = Some(name.clone()),
            Event::TrainingQueued { job } => {
                self.active_job = Some(job.id.clone());
                if self.live.is_none() {
                    self.status = ModelStatus::Training;
                }
            }
            Event::TrainingSucceeded { version, .. } => {
                self.live = Some(version.clone());
                self.active_job = None;
                if self.status == ModelStatus::Training {
                    self.status = ModelStatus::Ready;
                }
            }
            Event::TrainingFailed { .. } | Event::TrainingCancelled { .. } => {
                self.active_job = None;
                if self.status == ModelStatus::Training {
                    self.status = ModelStatus::Draft;
                }
            }
            Event::PlaygroundGenerated { .. } => self.playground_generations += 1,
            Event::PriceSet { price, .. } => self.price = Some(price.clone()),
            Event::PlacementSet { placement, .. } => self.placement = placement.clone(),
            Event::ModelPublished { .. } => self.status = ModelStatus::Published,
            Event::ModelUnpublished { .. } => self.status = ModelStatus::Unpublished,
            Event::ModelArchived { .. } => self.status = ModelStatus::Archived,
            Event::IssueReported { report, .. } => self.reports.push(report.clone()),
            Event::OrderPaid { order, .. } => self.creations.push(order.clone()),
            _ => {}
        }
    }

    /// D3: deliveries made private again leave the selection.
    pub(crate) fn drop_assets(&mut self, gone: &[AssetId]) {
        let before = self.assets.len();
        self.assets.retain(|a| !gone.contains(a));
        if self.assets.len() != before {
            self.settings_rev += 1;
        }
    }

    /// The publish checklist (M2): every unmet requirement, in a stable order.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let m = CreationModel::new("model-1".into(), "ana".into(), "tattoo".into(), "2026-01-01T00:00:00Z".parse().unwrap());
    /// let missing = m.publish_checklist(&Policy::default(), true, false, 0);
    /// assert_eq!(missing.len(), 4); // training, playground, price, subscription
    /// ```
    pub fn publish_checklist(
        &self,
        policy: &Policy,
        eligible: bool,
        subscribed: bool,
        published_others: u32,
    ) -> Vec<Requirement> {
        let mut missing = Vec::new();
        if !eligible {
            missing.push(Requirement::Eligibility);
        }
        if self.live.is_none() {
            missing.push(Requirement::SucceededTraining);
        }
        let need = policy.models.min_playground_generations;
        if self.playground_generations < need {
            missing.push(Requirement::PlaygroundGeneration {
                have: self.playground_generations,
                need,
            });
        }
        if self.price.is_none() {
            missing.push(Requirement::Price);
        }
        if !subscribed {
            missing.push(Requirement::ActiveSubscription);
        }
        if published_others >= policy.models.active_model_limit {
            missing.push(Requirement::ActiveModelSlot {
                limit: policy.models.active_model_limit,
            });
        }
        missing
    }

    /// C3: the generated name, `Tattoo`, `Tattoo 2`, ... unique among `taken`.
    ///
    /// ```
    /// use fivergo_core::model::CreationModel;
    /// assert_eq!(CreationModel::generated_name("Tattoo", ["Tattoo"].into_iter()), "Tattoo 2");
    /// assert_eq!(CreationModel::generated_name("Tattoo", ["Jingles"].into_iter()), "Tattoo");
    /// ```
    pub fn generated_name<'a>(base: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
        (1..)
            .map(|n| {
                if n == 1 {
                    base.to_owned()
                } else {
                    format!("{base} {n}")
                }
            })
            .find(|candidate| !taken.clone().any(|t| t == candidate))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// What a model's owner can ask of it (A1–A9, C3, M1–M6, T1–T5, G2), with the facts
/// from the rest of the seller's partition that the decision reads.
///
/// ```
/// use fivergo_core::{model::ModelCommand, *};
/// let (policy, partition) = (Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// let m = CreationModel::new("ana/model-1".into(), "ana".into(), "tattoo".into(), ctx.now);
/// let ana = Seller::new("ana", SellerLevel::Level2, false, Currency::Usd);
/// let train = ModelCommand::StartTraining { seller: &ana, subscription: None, jobs: vec![], taken_names: vec![] };
/// assert_eq!(m.decide(train, &ctx).unwrap_err().code(), "no_assets_selected");
/// assert_eq!(m.decide(ModelCommand::Unpublish, &ctx).unwrap_err().code(), "invalid_model_state");
/// ```
#[derive(Debug, Clone)]
pub enum ModelCommand<'a> {
    /// Add assets of the owner's library to the selection (A1, A3).
    SelectAssets {
        /// The assets, as stored.
        assets: &'a [&'a Asset],
    },
    /// Remove assets from the selection (A7).
    DeselectAssets {
        /// Their ids.
        assets: &'a [AssetId],
    },
    /// Set or clear the instructions (A5, A7).
    SetInstructions {
        /// The text, or `None` to clear.
        instructions: Option<&'a str>,
    },
    /// Record the originality attestation (A9).
    AttestOriginality,
    /// Set the price (P1–P5).
    SetPrice {
        /// The price.
        price: PriceSpec,
    },
    /// Set where clients meet the model (M4).
    SetPlacement {
        /// Gigs and profile.
        placement: Placement,
    },
    /// Publish (M1, M2, E2, S4).
    Publish {
        /// The owner.
        seller: &'a Seller,
        /// The owner's latest subscription.
        subscription: Option<&'a Subscription>,
        /// How many other models of the owner are published.
        published_others: u32,
    },
    /// Withdraw from clients (M3).
    Unpublish,
    /// Retire (M3).
    Archive,
    /// "Report an issue" (M6), by anyone.
    ReportIssue {
        /// Who reports.
        reporter: &'a str,
        /// The model or one of its creations.
        target: ReportTarget,
        /// What they wrote.
        text: &'a str,
        /// Whether the target creation is an order of this model (paid or not).
        creation_exists: bool,
    },
    /// Queue a training, taking one from the quota (E2, A5, A9, T1–T5, C3).
    StartTraining {
        /// The owner.
        seller: &'a Seller,
        /// The owner's latest subscription.
        subscription: Option<&'a Subscription>,
        /// The model's jobs so far.
        jobs: Vec<&'a TrainingJob>,
        /// The names of the owner's other models.
        taken_names: Vec<&'a str>,
    },
    /// Record a playground generation (G2, M2).
    RecordPlayground {
        /// The file the seller got.
        artifact: BlobRef,
        /// Whether it carries the visible mark.
        watermarked: bool,
    },
}

/// A client-facing view of a published model: no assets, no style (D1).
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
/// let listing: Listing = hub.listing(&model).unwrap(); // anyone may read it
/// assert_eq!((listing.model, listing.subcategory.as_str()), (model, "tattoo"));
/// assert!(matches!(listing.price, PriceSpec::PerUnit { unit: PricingUnit::Item, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The model.
    pub model: ModelId,
    /// Its owner.
    pub seller: SellerId,
    /// Its name.
    pub name: String,
    /// Its subcategory.
    pub subcategory: String,
    /// Its price.
    pub price: PriceSpec,
    /// Where it is shown.
    pub placement: Placement,
}

/// Who can see a creation, for [`CreationModel::creations`] views (M5).
///
/// ```
/// use fivergo_core::{model::Creation, *};
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
/// let creations: Vec<Creation> = hub.creations("ana", &model).unwrap();
/// assert_eq!((&creations[0].order, creations[0].client.as_str()), (&order, "bob"));
/// assert_eq!(creations[0].purchased_at, hub.now());
/// assert_eq!(hub.creations("bob", &model).unwrap_err().code(), "forbidden");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Creation {
    /// The order.
    pub order: OrderId,
    /// The buyer.
    pub client: ClientId,
    /// When it was paid.
    #[serde(with = "crate::wire::instant")]
    pub purchased_at: DateTime<Utc>,
}
