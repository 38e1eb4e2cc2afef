//! # fivergo-core
//!
//! The rulebook of "AI creation models for freelancers" as a typed domain library: a
//! seller trains a personal model on their own work, prices it, subscribes and
//! publishes it; clients generate deliverables in the seller's style, get
//! watermarked drafts, pay, download and may ask one revision.
//!
//! Every rule of the product's SPEC lives here once, with its ID in the docs:
//!
//! | SPEC group | home |
//! |---|---|
//! | E — eligibility | [`seller`] |
//! | C — catalogue | [`catalogue`], [`model`] |
//! | A — training assets | [`asset`], [`media`] |
//! | T — training and quotas | [`training`], [`billing`] |
//! | S — subscription | [`subscription`] |
//! | M — models | [`model`] |
//! | G, V, F, R, D — orders, revisions, refunds, reputation, ownership | [`order`] |
//! | P — pricing | [`pricing`], [`money`] |
//! | W — watermarks | [`watermark`] |
//!
//! Every number comes from a [`Policy`]; time from a [`Clock`]; randomness from
//! explicit seeds. The [`Hub`] runs the rules over in-memory state, emits an
//! [`Event`] for every change, and can snapshot, restore and replay itself.
//!
//! ```
//! use fivergo_core::*;
//! let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
//! let mut hub = Hub::builder().clock(clock.clone()).build().unwrap();
//! hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! hub.add_gig("ana", "tattoo").unwrap();
//! let model = hub.create_model("ana", "tattoo").unwrap().value;
//! let quota = hub.quota("ana", &model).unwrap();
//! assert_eq!((quota.used, quota.limit), (0, 2)); // T1: two trainings before subscribing
//! ```
#![warn(missing_docs)]

pub mod asset;
pub mod billing;
pub mod catalogue;
pub mod clock;
pub mod error;
pub mod eval;
pub mod event;
pub mod generator;
pub mod hub;
pub mod ids;
pub mod media;
pub mod model;
pub mod money;
pub mod order;
pub mod policy;
pub mod pricing;
mod rng;
pub mod seller;
pub mod state;
pub mod subscription;
pub mod training;
pub mod watermark;

pub use asset::{Asset, AssetMeta, AssetSource, Finding, Severity};
pub use catalogue::{Catalogue, CatalogueEntry, Modality, PricingUnit};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Error, Result};
pub use event::{Event, UnpublishReason};
pub use generator::{
    Artifact, Audio, Brief, CancelToken, Cancelled, EchoGenerator, Generator, GeneratorRegistry, Image, JobControl,
    TrainError, TrainedStyle, TrainingAsset, TrainingInput,
};
pub use hub::{Hub, HubBuilder, Outcome, Snapshot};
pub use ids::*;
pub use model::{CreationModel, Listing, ModelStatus, Placement, ReportTarget, Requirement};
pub use money::{Currency, Money};
pub use order::{CustomOffer, Order, OrderPath, OrderStatus};
pub use policy::{AssetPolicy, EligibilityPolicy, ModelPolicy, OrderPolicy, Policy, SubscriptionPolicy, TrainingPolicy};
pub use pricing::{PriceSpec, Quote};
pub use seller::{PaymentMethod, PaymentMethodKind, Reputation, Seller, SellerLevel};
pub use state::State;
pub use subscription::{PaymentGateway, SimulatedGateway, Subscription, SubscriptionStatus};
pub use training::{JobStatus, QuotaStatus, TrainingResult, TrainingRun};
