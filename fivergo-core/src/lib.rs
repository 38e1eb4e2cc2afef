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
//! explicit seeds.
//!
//! ## The engine
//!
//! Each aggregate ([`Seller`], [`Asset`], [`CreationModel`], [`TrainingJob`],
//! [`Subscription`], [`Order`]) decides commands into [`Event`]s (`decide`, pure, given
//! a [`context::Context`]: policy, instant, ids) and folds events in (`apply`). All of a
//! seller's aggregates form one [`Partition`] — the unit of consistency, storage and
//! sharding. The [`Hub`] loads the partition a command touches from a [`store::Store`]
//! (memory, or SQLite with the `sqlite` feature), settles what fell due, decides,
//! appends with the version it read (another writer first means decide again) and
//! applies. Files (uploads, drafts, trained styles) live in a [`blob::BlobStore`];
//! events and partitions hold [`blob::BlobRef`]s. Generation and training run off the
//! engine ([`GenerationRun`], [`TrainingRun`]).
//!
//! ```
//! use fivergo_core::*;
//! let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
//! let hub = Hub::builder().clock(clock.clone()).build().unwrap();
//! hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! hub.add_gig("ana", "tattoo").unwrap();
//! let model = hub.create_model("ana", "tattoo").unwrap().value;
//! let quota = hub.quota("ana", &model).unwrap();
//! assert_eq!((quota.used, quota.limit), (0, 2)); // T1: two trainings before subscribing
//! ```
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `media` | on | Decoding, measuring and encoding pictures and recordings (image, hound, candle). Without it, [`media::decode`] and [`media::encode`] of pictures and recordings are `feature_disabled`; text works, and [`media::image::inspect_image`] measures pixels a host decoded (style vectors then lack the filter-bank terms). |
//! | `generators` | on | The reference generators ([`generator::by_name`], `GeneratorRegistry::reference`) and the `eval` harness; needs `media`. |
//! | `sqlite` | on | `SqliteStore` and `Hub::open("sqlite:…")`. |
#![warn(missing_docs)]

pub mod asset;
pub mod billing;
pub mod blob;
pub mod catalogue;
pub mod clock;
pub mod context;
pub mod entitlements;
pub mod error;
#[cfg(feature = "generators")]
pub mod eval;
pub mod event;
#[cfg(all(test, feature = "media"))]
mod fuzz_seeds;
pub mod generation;
pub mod generator;
pub mod hub;
pub mod ids;
pub mod jobs;
pub mod media;
pub mod model;
pub mod money;
pub mod order;
pub mod partition;
pub mod policy;
pub mod pricing;
mod rng;
pub mod seller;
pub mod store;
pub mod subscription;
pub mod training;
pub mod watermark;
pub mod wire;

pub use asset::{Asset, AssetMeta, AssetSource, Finding, Severity};
pub use blob::{Blob, BlobRef, BlobStore, DirBlobStore, MemoryBlobStore};
pub use catalogue::{Catalogue, CatalogueEntry, Modality, PricingUnit};
pub use clock::{Clock, ManualClock, SystemClock};
pub use entitlements::{Entitlement, Entitlements};
pub use error::{Bounds, Error, ErrorFamily, ErrorReport, Result};
pub use event::{Event, Recorded, UnpublishReason};
pub use generation::{
    Generated, GenerationJob, GenerationOutcome, GenerationRequest, GenerationResult, GenerationRun,
};
pub use generator::{
    Artifact, Audio, Brief, CancelToken, Cancelled, EchoGenerator, Generator, GeneratorChoice,
    GeneratorRegistry, Image, JobControl, TrainError, TrainedStyle, TrainingAsset, TrainingInput,
};
pub use hub::{Admin, CommandResult, EventPage, Hub, HubBuilder, Outcome, Refused};
pub use ids::*;
pub use jobs::{ClaimedJob, FinishedJob, JobReport, WorkId, Worker};
pub use model::{CreationModel, Listing, ModelStatus, Placement, ReportTarget, Requirement};
pub use money::{Currency, Money};
pub use order::{CustomOffer, Delivery, Order, OrderPath, OrderStatus};
pub use partition::Partition;
pub use policy::{
    AssetPolicy, EligibilityPolicy, JobsPolicy, LimitsPolicy, ModelPolicy, OrderPolicy, Policy,
    SubscriptionPolicy, TrainingPolicy,
};
pub use pricing::{PriceSpec, Quote};
pub use seller::{PaymentMethod, PaymentMethodKind, Reputation, Seller, SellerLevel};
pub use store::{Cursor, MemoryStore, Store};
pub use subscription::{PaymentGateway, SimulatedGateway, Subscription, SubscriptionStatus};
pub use training::{
    JobStatus, QuotaStatus, TrainedOutput, TrainingJob, TrainingResult, TrainingRun,
};

// The engine is shared between threads: a hub and its clones are used from any
// thread at once (commands on one seller serialize inside it), runs are handed to
// worker threads, tokens cancel from anywhere. A type losing `Send` or `Sync` fails
// the build here.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Hub>();
    assert_send_sync::<HubBuilder>();
    assert_send_sync::<GenerationRun>();
    assert_send_sync::<GenerationResult>();
    assert_send_sync::<TrainingRun>();
    assert_send_sync::<TrainingResult>();
    assert_send_sync::<CancelToken>();
    assert_send_sync::<ManualClock>();
    assert_send_sync::<SimulatedGateway>();
    assert_send_sync::<MemoryStore>();
    assert_send_sync::<MemoryBlobStore>();
    assert_send_sync::<Policy>();
    assert_send_sync::<Error>();
};
