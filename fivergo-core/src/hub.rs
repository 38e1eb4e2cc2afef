//! The [`Hub`]: the engine that runs every rule over a [`Store`].
//!
//! A command names (or mints) something in one seller's [`Partition`]. The hub
//! loads that partition (from its cache, catching up with the store), first settles
//! what the calendar made due there (renewals, ends of cancelled or unpaid
//! subscriptions, trainings whose runner vanished), asks the aggregate concerned to
//! decide, appends the events with the version it read, and applies them. If another
//! writer got there first, the store refuses the append and the hub decides again, a
//! bounded number of times, then reports `concurrent_update`. Nothing scans the
//! marketplace: a host's scheduler calls [`Hub::tick`], which asks the store's due
//! index.
//!
//! Every command returns the events it caused, settling included, even when the
//! command itself is refused ([`Refused::events`]); hosts that want every event of
//! every process read the outbox with [`Hub::events_since`].
//!
//! ```
//! use chrono::Duration;
//! use fivergo_core::*;
//! let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
//! let hub = Hub::builder().clock(clock.clone()).build().unwrap();
//! hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
//! hub.add_gig("ana", "tattoo").unwrap();
//! hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
//! let model = hub.create_model("ana", "tattoo").unwrap().value;
//! assert_eq!(model.as_str(), "ana/model-1"); // minted in ana's partition
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
//! match hub.publish("ana", &model).unwrap_err().error {
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
//! clock.advance(Duration::days(28)).unwrap();
//! let kinds: Vec<_> = hub.tick().unwrap().events.iter().map(|e| e.kind()).collect();
//! assert_eq!(kinds, ["subscription_charged", "quota_renewed"]);
//! ```

use crate::asset::{self, Asset, AssetCommand, AssetMeta, AssetSource, Finding};
use crate::blob::{Blob, BlobRef, BlobStore, MemoryBlobStore};
use crate::catalogue::Modality;
use crate::clock::{Clock, SystemClock};
use crate::context::Context;
use crate::entitlements::Entitlements;
use crate::error::{Error, ErrorFamily};
use crate::event::{Event, Recorded};
use crate::generation::{
    self, Generated, GenerationCommand, GenerationJob, GenerationRequest, GenerationResult,
    GenerationRun, Marks, Plan, Purpose, StyleCache,
};
use crate::generator::{Artifact, Brief, CancelToken, GeneratorRegistry, TrainedStyle};
use crate::ids::*;
use crate::jobs::WorkId;
use crate::model::{
    Creation, CreationModel, Listing, ModelCommand, Placement, ReportTarget, Requirement,
};
use crate::money::Money;
use crate::order::{CustomOffer, Delivery, Order, OrderCommand, OrderPath};
use crate::partition::Partition;
use crate::policy::Policy;
use crate::pricing::{PriceSpec, Quote};
use crate::seller::{PaymentMethod, Seller, SellerCommand, SellerLevel};
use crate::store::{Append, AppendError, Cursor, IndexUpdate, MemoryStore, Store};
use crate::subscription::{
    Charge, ChargeFailure, ChargeRequest, ChargeSource, Due, PaymentGateway, RenewalPlan,
    SimulatedGateway, Subscription, SubscriptionCommand,
};
use crate::training::{
    quota_status, JobCommand, JobStatus, QuotaStatus, TrainingJob, TrainingResult, TrainingRun,
};
use crate::watermark::{self, MarkStyle};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard};

mod claims;

/// A command's result: its value and every event it recorded (settling included).
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// hub.add_gig("ana", "tattoo").unwrap();
/// let created: Outcome<ModelId> = hub.create_model("ana", "tattoo").unwrap();
/// assert_eq!(created.value.as_str(), "ana/model-1"); // the new id
/// assert_eq!(created.events.iter().map(|e| e.kind()).collect::<Vec<_>>(), ["model_created"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<T = ()> {
    /// What the command returns (a new id, a file, ...).
    pub value: T,
    /// The events, as recorded, in order.
    pub events: Vec<Recorded>,
}

/// A refused command: why, and the events that settling recorded before the command
/// was decided (a renewal that fell due, say) — those happened all the same.
/// Dereferences to the [`Error`], so `refused.code()` reads as on an error.
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// let refused = hub.add_gig("nobody", "tattoo").unwrap_err();
/// assert_eq!((refused.code(), refused.events.len()), ("not_found", 0));
/// let error: Error = refused.into();
/// assert_eq!(error.code(), "not_found");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// Why the command was refused.
    pub error: Error,
    /// What settling recorded before it.
    pub events: Vec<Recorded>,
}

impl std::ops::Deref for Refused {
    type Target = Error;
    fn deref(&self) -> &Error {
        &self.error
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Refused {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<Error> for Refused {
    fn from(error: Error) -> Self {
        Refused {
            error,
            events: Vec::new(),
        }
    }
}

impl From<Refused> for Error {
    fn from(r: Refused) -> Self {
        r.error
    }
}

/// What every command returns.
pub type CommandResult<T> = Result<Outcome<T>, Refused>;

thread_local! {
    /// What [`Hub::run`] learnt about the command [`traced`] is running on this thread.
    static COMMAND: std::cell::RefCell<Option<CommandTrace>> = const { std::cell::RefCell::new(None) };
}

/// The partition and attempts of the running command, for its log record.
#[derive(Default)]
struct CommandTrace {
    partition: Option<SellerId>,
    attempts: u32,
}

/// Runs a public command inside a `tracing` span named `command` and records one
/// event for it on target `fivergo::command`: the command, its partition, the outcome
/// (`ok` or the refusal's code), the events recorded, the store attempts and the
/// duration in microseconds. Success is `DEBUG`, a refusal `INFO`, a store or internal
/// failure `WARN`. With no `tracing` subscriber the records go to the `log` crate
/// (what the Python binding forwards to `logging`).
fn traced<T>(command: &'static str, f: impl FnOnce() -> CommandResult<T>) -> CommandResult<T> {
    let span = tracing::trace_span!(target: "fivergo::span", "command", command);
    let _entered = span.enter();
    let start = std::time::Instant::now();
    let outer = COMMAND.with(|c| c.replace(Some(CommandTrace::default())));
    let result = f();
    let trace = COMMAND.with(|c| c.replace(outer)).unwrap_or_default();
    let partition = trace.partition.as_ref().map_or("", |p| p.as_str());
    let (attempts, duration_us) = (trace.attempts, start.elapsed().as_micros() as u64);
    match &result {
        Ok(done) => tracing::debug!(
            target: "fivergo::command",
            command, partition, outcome = "ok", events = done.events.len(), attempts, duration_us,
            "{command} ok"
        ),
        Err(refused) => {
            let outcome = refused.code();
            let events = refused.events.len();
            match refused.family() {
                ErrorFamily::Store | ErrorFamily::Internal => tracing::warn!(
                    target: "fivergo::command",
                    command, partition, outcome, events, attempts, duration_us,
                    "{command} failed: {refused}"
                ),
                _ => tracing::info!(
                    target: "fivergo::command",
                    command, partition, outcome, events, attempts, duration_us,
                    "{command} refused: {outcome}"
                ),
            }
        }
    }
    result
}

/// Notes the partition and attempt number of the running command (see [`traced`]).
fn note_attempt(partition: &SellerId) {
    COMMAND.with(|c| {
        if let Some(trace) = c.borrow_mut().as_mut() {
            if trace.partition.is_none() {
                trace.partition = Some(partition.clone());
            }
            trace.attempts += 1;
        }
    });
}

/// A page of the outbox: events after a cursor, and the cursor after them.
///
/// ```
/// use fivergo_core::{store::Cursor, *};
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let page: EventPage = hub.events_since(Cursor::default(), 10).unwrap();
/// assert_eq!(page.events.len(), 1);
/// assert_eq!(page.next, Cursor(page.events[0].position)); // resume after the last one
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    /// The events, in global order.
    pub events: Vec<Recorded>,
    /// Pass it to the next [`Hub::events_since`]: where this page ends.
    pub next: Cursor,
}

/// Builds a [`Hub`]: policy, clock, payment gateway, generators, marks, store and
/// blob store.
///
/// ```
/// use fivergo_core::*;
/// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// let hub = Hub::builder().clock(clock).build().unwrap();
/// assert_eq!(hub.policy().models.active_model_limit, 3);
/// ```
pub struct HubBuilder {
    policy: Policy,
    clock: Arc<dyn Clock>,
    gateway: Arc<dyn PaymentGateway>,
    generators: GeneratorRegistry,
    watermark: MarkStyle,
    store: Option<Arc<dyn Store>>,
    blobs: Option<Arc<dyn BlobStore>>,
    cache_capacity: usize,
    max_attempts: u32,
}

impl HubBuilder {
    /// Uses `policy` (validated by [`HubBuilder::build`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let mut policy = Policy::default();
    /// policy.models.active_model_limit = 5;
    /// let hub = Hub::builder().policy(policy).build().unwrap();
    /// assert_eq!(hub.policy().models.active_model_limit, 5);
    /// ```
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Uses `clock` (default: [`SystemClock`]).
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::*;
    /// let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// clock.advance(Duration::hours(2)).unwrap();
    /// assert_eq!(hub.now().to_rfc3339(), "2026-01-31T12:00:00+00:00");
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Uses `gateway` for card / PayPal charges (default: [`SimulatedGateway`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let gateway = SimulatedGateway::default();
    /// let hub = Hub::builder().gateway(gateway.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// assert_eq!(gateway.charges().len(), 1); // the first month went through this gateway
    /// ```
    pub fn gateway(mut self, gateway: impl PaymentGateway + 'static) -> Self {
        self.gateway = Arc::new(gateway);
        self
    }

    /// Uses `generators` (default: [`EchoGenerator`](crate::EchoGenerator) everywhere).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fivergo_core::*;
    /// let mut generators = GeneratorRegistry::empty();
    /// generators.register("tattoo", Arc::new(EchoGenerator));
    /// let hub = Hub::builder().generators(generators).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_gig("ana", "illustration").unwrap();
    /// # let train = |subcategory: &str| {
    /// #     let m = hub.create_model("ana", subcategory).unwrap().value;
    /// #     let a = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// #     hub.select_assets("ana", &m, &[a]).unwrap();
    /// #     hub.attest_originality("ana", &m).unwrap();
    /// #     hub.run_training(&hub.start_training("ana", &m).unwrap().value)
    /// # };
    /// assert_eq!(train("tattoo").unwrap().value, JobStatus::Succeeded);
    /// assert_eq!(train("illustration").unwrap_err().code(), "generator_unavailable");
    /// ```
    pub fn generators(mut self, generators: GeneratorRegistry) -> Self {
        self.generators = generators;
        self
    }

    /// Uses `style` for the draft marks (W1, W2).
    ///
    /// ```
    /// use fivergo_core::{watermark::MarkStyle, *};
    /// let style: MarkStyle = serde_json::from_str(r#"{"visible": {"opacity": 0.8}}"#).unwrap();
    /// let bold = Hub::builder().watermark(style).build().unwrap();
    /// let plain = Hub::builder().build().unwrap(); // the default style: opacity 0.42
    /// # let draft_of = |hub: &Hub| {
    /// #     hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// #     hub.add_gig("ana", "tattoo").unwrap();
    /// #     hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// #     let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// #     let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// #     hub.select_assets("ana", &model, &[art]).unwrap();
    /// #     hub.attest_originality("ana", &model).unwrap();
    /// #     hub.run_training(&hub.start_training("ana", &model).unwrap().value).unwrap();
    /// #     hub.playground_generate("ana", &model, Brief::new("x"), 1).unwrap();
    /// #     let unit_price = Money::parse("20", Currency::Usd).unwrap();
    /// #     hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price }).unwrap();
    /// #     hub.subscribe("ana", &"card".into()).unwrap();
    /// #     hub.publish("ana", &model).unwrap();
    /// #     let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// #     let clean = hub.admin().order(&order).unwrap().clean.unwrap();
    /// #     (hub.admin().artifact(&clean).unwrap(), hub.draft("bob", &order).unwrap())
    /// # };
    /// // The same order on both hubs (`draft_of` runs it): same picture, other marks (W1).
    /// let ((clean_bold, draft_bold), (clean_plain, draft_plain)) = (draft_of(&bold), draft_of(&plain));
    /// assert_eq!(clean_bold, clean_plain);
    /// assert_ne!(draft_bold, draft_plain);
    /// ```
    pub fn watermark(mut self, style: MarkStyle) -> Self {
        self.watermark = style;
        self
    }

    /// Keeps partitions in `store` (default: a fresh [`MemoryStore`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let store = MemoryStore::default();
    /// let hub = Hub::builder().store(store.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(store.event_count(), 1);
    /// ```
    pub fn store(mut self, store: impl Store + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Keeps partitions in a store shared with other hubs.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fivergo_core::*;
    /// let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    /// let one = Hub::builder().shared_store(store.clone()).build().unwrap();
    /// let two = Hub::builder().shared_store(store).build().unwrap();
    /// one.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(two.seller("ana").unwrap().level, SellerLevel::Level2); // the other hub sees it
    /// ```
    pub fn shared_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Keeps files in `blobs` (default: a fresh [`MemoryBlobStore`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let blobs = MemoryBlobStore::default();
    /// let hub = Hub::builder().blobs(blobs.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.upload_asset("ana", AssetSource::Upload, b"Short and dry.", None, &[]).unwrap();
    /// assert_eq!(blobs.len(), 1);
    /// ```
    pub fn blobs(mut self, blobs: impl BlobStore + 'static) -> Self {
        self.blobs = Some(Arc::new(blobs));
        self
    }

    /// Keeps files in a blob store shared with other hubs.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fivergo_core::*;
    /// let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    /// let blobs: Arc<dyn BlobStore> = Arc::new(MemoryBlobStore::default());
    /// let one = Hub::builder().shared_store(store.clone()).shared_blobs(blobs.clone()).build().unwrap();
    /// let two = Hub::builder().shared_store(store).shared_blobs(blobs).build().unwrap();
    /// one.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = one.upload_asset("ana", AssetSource::Upload, b"Short and dry.", None, &[]).unwrap().value;
    /// let content = two.asset("ana", &id).unwrap().content.unwrap();
    /// assert_eq!(two.file("ana", &content).unwrap().as_bytes(), b"Short and dry.");
    /// ```
    pub fn shared_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// Keeps at most `partitions` partitions decoded in memory (default 100 000);
    /// others are loaded from the store when a command needs them.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().cache_capacity(1).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.register_seller("bob", SellerLevel::Level1, false).unwrap(); // ana's partition leaves the cache
    /// assert_eq!(hub.seller("ana").unwrap().level, SellerLevel::Level2); // read again from the store
    /// ```
    pub fn cache_capacity(mut self, partitions: usize) -> Self {
        self.cache_capacity = partitions;
        self
    }

    /// Decides a command at most `attempts` times when other writers keep changing
    /// its partition (default 8), then refuses it with `concurrent_update`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fivergo_core::*;
    /// let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
    /// let patient = Hub::builder().shared_store(store.clone()).build().unwrap();
    /// let hasty = Hub::builder().shared_store(store).max_attempts(1).build().unwrap();
    /// patient.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hasty.add_gig("ana", "tattoo").unwrap(); // hasty now caches ana's partition...
    /// patient.add_gig("ana", "illustration").unwrap(); // ...which another hub then changes
    /// assert_eq!(hasty.add_gig("ana", "jingles").unwrap_err().code(), "concurrent_update");
    /// assert!(patient.add_gig("ana", "jingles").is_ok()); // the default 8 attempts decide again
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The hub, over the store and blob store given (memory ones by default).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let mut policy = Policy::default();
    /// policy.models.active_model_limit = 0;
    /// assert_eq!(Hub::builder().policy(policy).build().unwrap_err().code(), "invalid_policy");
    /// ```
    pub fn build(self) -> Result<Hub, Error> {
        self.policy.validate()?;
        let capacity = NonZeroUsize::new(self.cache_capacity).unwrap_or(NonZeroUsize::MIN);
        Ok(Hub {
            inner: Arc::new(Inner {
                policy: self.policy,
                clock: self.clock,
                gateway: self.gateway,
                generators: self.generators,
                watermark: self.watermark,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryStore::default())),
                blobs: self
                    .blobs
                    .unwrap_or_else(|| Arc::new(MemoryBlobStore::default())),
                slots: Mutex::new(lru::LruCache::new(capacity)),
                tokens: Mutex::new(HashMap::new()),
                styles: StyleCache::new(STYLE_CACHE),
                max_attempts: self.max_attempts,
            }),
        })
    }

    /// The hub over the store at `url`:
    ///
    /// - `memory:` — a fresh [`MemoryStore`] and [`MemoryBlobStore`];
    /// - `sqlite:PATH` (or `sqlite://PATH`) — the SQLite database at `PATH`, created
    ///   and migrated when needed, with its files in the directory `PATH.blobs`
    ///   (feature `sqlite`);
    /// - `postgres://…` (or `postgresql://…`) — the PostgreSQL database at that URL,
    ///   its files in the same database (feature `postgres`; settings such as
    ///   `pool_size`, `statement_timeout_ms` and `schema` in the
    ///   `store::postgres` module docs).
    ///
    /// A store or blob store set on the builder is replaced.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let dir = std::env::temp_dir().join(format!("fivergo-open-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let url = format!("sqlite:{}", dir.join("fivergo.db").display());
    /// let hub = Hub::builder().open(&url).unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// drop(hub);
    /// let again = Hub::open(&url).unwrap(); // what was committed is there
    /// assert_eq!(again.seller("ana").unwrap().level, SellerLevel::Level2);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn open(mut self, url: &str) -> Result<Hub, Error> {
        if url == "memory:" || url == "memory://" {
            self.store = Some(Arc::new(MemoryStore::default()));
            self.blobs = Some(Arc::new(MemoryBlobStore::default()));
            return self.build();
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            #[cfg(feature = "sqlite")]
            {
                let store = crate::store::sqlite::SqliteStore::open(path)?;
                let blobs = crate::blob::DirBlobStore::open(format!("{path}.blobs"))?;
                self.store = Some(Arc::new(store));
                self.blobs = Some(Arc::new(blobs));
                return self.build();
            }
            #[cfg(not(feature = "sqlite"))]
            {
                let _ = path;
                return Err(Error::FeatureDisabled {
                    feature: "sqlite".into(),
                    action: "open a SQLite store".into(),
                });
            }
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            {
                let store = Arc::new(crate::store::postgres::PostgresStore::open(url)?);
                self.blobs = Some(Arc::new(crate::store::postgres::PostgresBlobStore::new(
                    store.clone(),
                )));
                self.store = Some(store);
                return self.build();
            }
            #[cfg(not(feature = "postgres"))]
            {
                return Err(Error::FeatureDisabled {
                    feature: "postgres".into(),
                    action: "open a PostgreSQL store".into(),
                });
            }
        }
        Err(Error::invalid(
            "url",
            format!("`{url}` is not a store URL (memory:, sqlite:PATH or postgres://…)"),
        ))
    }
}

/// How many parsed trained styles a hub keeps.
const STYLE_CACHE: usize = 64;

/// The embedded marketplace engine. Cheap to clone (clones share everything) and
/// safe to share between threads: commands on different sellers run in parallel,
/// commands on one seller one after another; several hubs (or processes) on one
/// store are kept consistent by the store's version checks.
///
/// ```
/// use fivergo_core::*;
/// let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
/// let hub = Hub::builder().clock(clock).build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// hub.add_gig("ana", "tattoo").unwrap();
/// let model = hub.create_model("ana", "tattoo").unwrap().value;
/// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Draft);
/// let err = hub.create_model("ana", "jingles").unwrap_err();
/// assert_eq!(err.code(), "no_gig_in_subcategory");
/// ```
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

struct Inner {
    policy: Policy,
    clock: Arc<dyn Clock>,
    gateway: Arc<dyn PaymentGateway>,
    generators: GeneratorRegistry,
    watermark: MarkStyle,
    store: Arc<dyn Store>,
    blobs: Arc<dyn BlobStore>,
    slots: Mutex<lru::LruCache<SellerId, Arc<Mutex<Slot>>>>,
    tokens: Mutex<HashMap<WorkId, CancelToken>>,
    styles: StyleCache,
    max_attempts: u32,
}

/// A cached partition and the store version it reflects; `None` until loaded (or
/// after a failed append, so the next use reloads it).
#[derive(Default)]
struct Slot {
    version: u64,
    state: Option<Partition>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("policy", &self.inner.policy.currency)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked while holding plain data;
    // a partition slot is reloaded from the store whenever a command failed.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Host-level reads with no ownership check, from [`Hub::admin`]: for the host's
/// support tools, audits and migrations, never for a request made on a user's
/// behalf (the actor-scoped reads of [`Hub`] are for those).
///
/// ```
/// use fivergo_core::*;
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let a = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
/// assert_eq!(hub.admin().asset(&a).unwrap().id, a);
/// assert_eq!(hub.asset("bob", &a).unwrap_err().code(), "forbidden");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Admin<'a> {
    hub: &'a Hub,
}

impl Admin<'_> {
    /// Everything of one seller's partition, as stored now.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let p = hub.admin().partition("ana").unwrap();
    /// assert_eq!(p.seller.unwrap().gigs.len(), 1);
    /// assert!(p.models.contains_key(&model));
    /// ```
    pub fn partition(&self, seller: &str) -> Result<Partition, Error> {
        self.hub.read(&seller.into(), |p| Ok(p.clone()))
    }

    /// Any order, all of it.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let o = hub.admin().order(&order).unwrap();
    /// assert_eq!((o.client.as_str(), o.status), ("bob", OrderStatus::Drafted));
    /// assert!(o.clean.is_some()); // the host sees all of it
    /// ```
    pub fn order(&self, order: &OrderId) -> Result<Order, Error> {
        self.hub
            .read(&partition_of("order", order)?, |p| p.order(order).cloned())
    }

    /// An asset of any library.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let a = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(800, 600), &["koi"]).unwrap().value;
    /// let asset = hub.admin().asset(&a).unwrap();
    /// assert_eq!(asset.owner.as_str(), "ana");
    /// assert!(asset.tags.contains("koi"));
    /// ```
    pub fn asset(&self, asset: &AssetId) -> Result<Asset, Error> {
        self.hub
            .read(&partition_of("asset", asset)?, |p| p.asset(asset).cloned())
    }

    /// Any training job.
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// assert_eq!(hub.admin().job(&job).unwrap().status, JobStatus::Queued);
    /// assert_eq!(hub.admin().job(&"ana/job-9".into()).unwrap_err().code(), "not_found");
    /// ```
    pub fn job(&self, job: &JobId) -> Result<TrainingJob, Error> {
        self.hub
            .read(&partition_of("job", job)?, |p| p.job(job).cloned())
    }

    /// Any queued generation.
    ///
    /// ```
    /// use fivergo_core::{generation::GenerationRequest, *};
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
    /// let request = GenerationRequest::Playground { seller: "ana".into(), model: model.clone(), brief: Brief::new("koi"), seed: 1 };
    /// let queued = hub.queue_generation(request).unwrap().value;
    /// assert_eq!(hub.admin().generation(&queued).unwrap().status, JobStatus::Queued);
    /// ```
    pub fn generation(&self, job: &GenerationId) -> Result<GenerationJob, Error> {
        self.hub.read(&partition_of("generation", job)?, |p| {
            p.generation(job).cloned()
        })
    }

    /// Any stored file, decoded.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let clean = hub.admin().order(&order).unwrap().clean.unwrap();
    /// assert_eq!(hub.admin().artifact(&clean).unwrap().modality(), Modality::Image);
    /// assert_eq!(hub.artifact("bob", &clean).unwrap_err().code(), "not_approved_and_paid"); // not yet for the client
    /// ```
    pub fn artifact(&self, file: &BlobRef) -> Result<Artifact, Error> {
        generation::load_artifact(
            file,
            self.hub.inner.blobs.as_ref(),
            &self.hub.inner.policy.media.limits,
        )
    }

    /// Any stored file's bytes.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.upload_asset("ana", AssetSource::Upload, b"Short and dry.", Some("bio.txt"), &[]).unwrap().value;
    /// let content = hub.admin().asset(&id).unwrap().content.unwrap();
    /// assert_eq!(hub.admin().file(&content).unwrap().as_bytes(), b"Short and dry.");
    /// ```
    pub fn file(&self, file: &BlobRef) -> Result<Blob, Error> {
        self.hub.inner.blobs.fetch(file)
    }

    /// Any trained style, read from its file.
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
    /// let style = hub.model("ana", &model).unwrap().live.unwrap().style;
    /// assert_eq!(hub.admin().trained_style(&style).unwrap().generator, "echo");
    /// ```
    pub fn trained_style(&self, style: &BlobRef) -> Result<TrainedStyle, Error> {
        self.hub
            .inner
            .styles
            .load(style, self.hub.inner.blobs.as_ref())
            .map(|s| (*s).clone())
    }
}

fn partition_of<K: PartitionKey + std::fmt::Display>(
    entity: &str,
    id: &K,
) -> Result<SellerId, Error> {
    id.partition().ok_or_else(|| Error::not_found(entity, id))
}

/// The partition of `id`, which must be `seller`'s own: `forbidden` (D1) otherwise.
fn own_partition<K: PartitionKey + std::fmt::Display>(
    seller: &str,
    entity: &str,
    id: &K,
) -> Result<SellerId, Error> {
    let partition = partition_of(entity, id)?;
    if partition.as_str() != seller {
        return Err(Error::Forbidden {
            actor: seller.to_string(),
            entity: entity.into(),
            id: id.to_string(),
            rule: "D1",
        });
    }
    Ok(partition)
}

impl Hub {
    /// A builder with the default policy, the system clock, a simulated gateway, the
    /// echo generator and memory stores.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap(); // default policy, system clock, memory stores
    /// assert_eq!(hub.policy(), &Policy::default());
    /// ```
    pub fn builder() -> HubBuilder {
        HubBuilder {
            policy: Policy::default(),
            clock: Arc::new(SystemClock),
            gateway: Arc::new(SimulatedGateway::default()),
            generators: GeneratorRegistry::default(),
            watermark: MarkStyle::default(),
            store: None,
            blobs: None,
            cache_capacity: 100_000,
            max_attempts: 8,
        }
    }

    /// A hub with the defaults over the store at `url` (see [`HubBuilder::open`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::open("memory:").unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert!(hub.seller("ana").is_ok());
    /// assert_eq!(Hub::open("redis://localhost").unwrap_err().code(), "invalid_input");
    /// ```
    pub fn open(url: &str) -> Result<Hub, Error> {
        Self::builder().open(url)
    }

    // ----- the engine -----------------------------------------------------------------

    fn slot(&self, partition: &SellerId) -> Arc<Mutex<Slot>> {
        let mut slots = lock(&self.inner.slots);
        if let Some(slot) = slots.get(partition) {
            return slot.clone();
        }
        let slot = Arc::new(Mutex::new(Slot::default()));
        slots.put(partition.clone(), slot.clone());
        slot
    }

    /// Brings the slot up to the store's version of the partition.
    fn refresh(&self, slot: &mut Slot, partition: &SellerId) -> Result<(), Error> {
        let store = &self.inner.store;
        if slot.state.is_some() && store.version(partition)? == slot.version {
            return Ok(());
        }
        let known = if slot.state.is_some() {
            slot.version
        } else {
            0
        };
        let loaded = store.load(partition, known)?;
        let mut state = match (loaded.snapshot, slot.state.take()) {
            (Some((version, snapshot)), _) => {
                slot.version = version;
                snapshot
            }
            (None, Some(state)) => state,
            (None, None) => {
                slot.version = 0;
                Partition::new(partition.clone())
            }
        };
        for r in &loaded.events {
            if r.sequence == slot.version + 1 {
                state.apply(&r.event);
                slot.version = r.sequence;
            }
        }
        slot.state = Some(state);
        Ok(())
    }

    /// Reads a partition as it is in the store now.
    fn read<T>(
        &self,
        partition: &SellerId,
        f: impl FnOnce(&Partition) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.inner
            .policy
            .limits
            .check_id("seller", partition.as_str())?;
        let slot = self.slot(partition);
        let mut guard = lock(&slot);
        self.refresh(&mut guard, partition)?;
        f(guard
            .state
            .get_or_insert_with(|| Partition::new(partition.clone())))
    }

    /// Load → settle → decide → append → apply, retried on concurrent updates.
    fn execute<T>(
        &self,
        partition: &SellerId,
        decide: impl FnMut(&Partition, &Context) -> Result<(T, Vec<Event>), Error>,
    ) -> CommandResult<T> {
        self.run(partition, false, decide)
    }

    /// [`Hub::execute`]; with `strict`, a renewal that settling had to put off (the
    /// gateway did not answer) refuses the command with `gateway_unavailable` after
    /// recording the rest: what `tick` reports.
    fn run<T>(
        &self,
        partition: &SellerId,
        strict: bool,
        mut decide: impl FnMut(&Partition, &Context) -> Result<(T, Vec<Event>), Error>,
    ) -> CommandResult<T> {
        self.inner
            .policy
            .limits
            .check_id("seller", partition.as_str())?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            note_attempt(partition);
            match self.attempt(partition, strict, &mut decide)? {
                Some(done) => return done,
                None if attempt >= self.inner.max_attempts => {
                    return Err(Error::ConcurrentUpdate {
                        partition: partition.clone(),
                        attempts: attempt,
                    }
                    .into());
                }
                // The first retry follows a cache that another process had moved
                // past: decide again at once, on the partition as it is now.
                None if attempt == 1 => {}
                None => backoff(attempt),
            }
        }
    }

    /// One attempt of [`Hub::execute`]: `None` when another writer changed the
    /// partition first (nothing was written; the cached partition is dropped).
    ///
    /// A cached partition is decided on optimistically, without asking the store
    /// for its version first: an append names the version it was decided on, so a
    /// cache another process moved past ends in a conflict and a fresh attempt. A
    /// decision that appends nothing (a refusal, a value computed from the state)
    /// is checked against the store's version before it is returned.
    #[allow(clippy::type_complexity)]
    fn attempt<T>(
        &self,
        partition: &SellerId,
        strict: bool,
        decide: &mut impl FnMut(&Partition, &Context) -> Result<(T, Vec<Event>), Error>,
    ) -> Result<Option<CommandResult<T>>, Refused> {
        let policy = &self.inner.policy;
        let now = self.now();
        let slot = self.slot(partition);
        let mut guard = lock(&slot);
        if guard.state.is_none() {
            self.refresh(&mut guard, partition)?;
        }
        let Slot {
            version,
            state: cached,
        } = &mut *guard;
        let state = cached.get_or_insert_with(|| Partition::new(partition.clone()));
        let (mut events, deferred) = match self.settle(state, now) {
            Ok(settled) => settled,
            Err(e) => {
                *cached = None;
                return Err(e.into());
            }
        };
        let decided = match (strict, deferred) {
            (true, Some(put_off)) => Err(put_off),
            _ => decide(state, &state.context(policy, now)),
        };
        let (value, refusal) = match decided {
            Ok((value, decided)) => {
                for e in &decided {
                    state.apply(e);
                }
                events.extend(decided);
                (Some(value), None)
            }
            Err(e) => (None, Some(e)),
        };
        let mut recorded = Vec::new();
        if events.is_empty() && self.inner.store.version(partition)? != *version {
            *cached = None;
            return Ok(None);
        }
        if !events.is_empty() {
            let index = IndexUpdate::of(&events, state, policy);
            let after = *version + events.len() as u64;
            let every = self.inner.store.snapshot_every().max(1);
            let snapshot = (after / every > *version / every).then_some(&*state);
            let append = Append {
                partition,
                expected: *version,
                events: &events,
                recorded_at: now,
                index: &index,
                snapshot,
            };
            match self.inner.store.append(append) {
                Ok(r) => {
                    *version = after;
                    recorded = r;
                }
                Err(AppendError::Conflict { .. }) => {
                    *cached = None;
                    return Ok(None);
                }
                Err(AppendError::Failed(e)) => {
                    *cached = None;
                    return Err(e.into());
                }
            }
        }
        Ok(Some(match (value, refusal) {
            (Some(value), _) => Ok(Outcome {
                value,
                events: recorded,
            }),
            (None, Some(error)) => Err(Refused {
                error,
                events: recorded,
            }),
            (None, None) => Err(Refused {
                error: Error::invalid("command", "decided nothing"),
                events: recorded,
            }),
        }))
    }

    /// What the calendar made due in `state` at `now`, applied to it: renewals
    /// (charging the gateway where the balance falls short, S2), ends (S3, S4), and
    /// jobs whose worker stopped renewing its lease (queued again or failed, T4).
    /// A renewal the gateway did not answer is put off (nothing recorded, S5): it is
    /// returned beside the events, and the partition stays due. At most
    /// `Policy.limits.max_renewals_per_settle` renewals are settled in one call; the
    /// partition then stays due for the next.
    fn settle(
        &self,
        state: &mut Partition,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Event>, Option<Error>), Error> {
        let policy = &self.inner.policy;
        let mut settled = Vec::new();
        let mut deferred = None;
        let mut renewals = 0;
        while let Some((sub, due)) = state
            .latest_subscription()
            .and_then(|s| s.due(now, policy).map(|d| (s, d)))
        {
            let ctx = state.context(policy, now);
            let command = match due {
                Due::Renew { .. } if renewals >= policy.limits.max_renewals_per_settle => break,
                Due::Renew { period, at } => {
                    renewals += 1;
                    let paid = match state.seller() {
                        Ok(seller) => match self.pay(sub.renewal_plan(seller, period, policy), now)
                        {
                            Ok(paid) => paid,
                            Err(e @ Error::GatewayUnavailable { .. }) => {
                                deferred = Some(e);
                                break;
                            }
                            Err(e) => return Err(e),
                        },
                        Err(e) => Err((sub.method.clone(), e.to_string())),
                    };
                    SubscriptionCommand::RecordRenewal {
                        period,
                        due_at: at,
                        paid,
                    }
                }
                Due::End { at, reason } => SubscriptionCommand::End {
                    at,
                    reason,
                    published: &state.published_ids(),
                },
            };
            let events = match sub.decide(command, &ctx) {
                Ok(events) if !events.is_empty() => events,
                _ => break,
            };
            for e in &events {
                state.apply(e);
            }
            settled.extend(events);
        }
        let expired: Vec<JobId> = state
            .jobs
            .values()
            .filter(|j| j.lease_expired(now))
            .map(|j| j.id.clone())
            .collect();
        for job in expired {
            let Some(j) = state.jobs.get(&job) else {
                continue;
            };
            let events = j
                .decide(JobCommand::Expire, &state.context(policy, now))
                .unwrap_or_default();
            for e in &events {
                state.apply(e);
            }
            settled.extend(events);
            lock(&self.inner.tokens).remove(&WorkId::Training(job));
        }
        let expired: Vec<GenerationId> = state
            .generations
            .values()
            .filter(|g| g.lease_expired(now))
            .map(|g| g.id.clone())
            .collect();
        for job in expired {
            let Some(g) = state.generations.get(&job) else {
                continue;
            };
            let events = g
                .decide(GenerationCommand::Expire, &state.context(policy, now))
                .unwrap_or_default();
            for e in &events {
                state.apply(e);
            }
            settled.extend(events);
            lock(&self.inner.tokens).remove(&WorkId::Generation(job));
        }
        Ok((settled, deferred))
    }

    /// Carries out a renewal plan: the balance, the gateway, or a decline. `Err` when
    /// the store could not record the charge, or `gateway_unavailable` when the
    /// gateway did not answer (nothing is recorded; the retry sends the same key).
    #[allow(clippy::type_complexity)]
    fn pay(
        &self,
        plan: RenewalPlan,
        now: DateTime<Utc>,
    ) -> Result<Result<ChargeSource, (PaymentMethodId, String)>, Error> {
        Ok(match plan {
            RenewalPlan::Balance => Ok(ChargeSource::Balance),
            RenewalPlan::Charge(request) => match self.charge(&request, now)? {
                Ok(reference) => Ok(ChargeSource::PaymentMethod {
                    id: request.method.id,
                    kind: request.method.kind,
                    reference,
                }),
                Err(ChargeFailure::Declined(reason)) => Err((request.method.id, reason)),
                Err(unanswered @ ChargeFailure::Unavailable(_)) => {
                    return Err(request.refusal(unanswered))
                }
            },
            RenewalPlan::Decline { method, reason } => Err((method, reason)),
        })
    }

    /// Charges the gateway once per idempotency key, as the store records it (S5).
    fn charge(
        &self,
        request: &ChargeRequest,
        now: DateTime<Utc>,
    ) -> Result<Result<String, ChargeFailure>, Error> {
        self.inner
            .store
            .charge_once(&request.seller, &request.idempotency_key, now, &|| {
                self.inner.gateway.charge(request)
            })
    }

    // ----- reading -------------------------------------------------------------

    /// The policy in force.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// assert_eq!(hub.policy().currency, Currency::Usd);
    /// assert_eq!(hub.policy().monthly_fee(), Money::parse("25", Currency::Usd).unwrap());
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The current instant of the hub's clock.
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::*;
    /// let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// assert_eq!(hub.now().to_rfc3339(), "2026-01-31T10:00:00+00:00");
    /// clock.advance(Duration::days(1)).unwrap();
    /// assert_eq!(hub.now().to_rfc3339(), "2026-02-01T10:00:00+00:00");
    /// ```
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// The store the hub runs on.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_gig("ana", "tattoo").unwrap();
    /// assert_eq!(hub.store().version(&"ana".into()).unwrap(), 2); // two events in ana's partition
    /// ```
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The blob store holding the files.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.upload_asset("ana", AssetSource::Upload, b"Short and dry.", None, &[]).unwrap().value;
    /// let content = hub.asset("ana", &id).unwrap().content.unwrap();
    /// assert_eq!(hub.blobs().fetch(&content).unwrap().as_bytes(), b"Short and dry.");
    /// ```
    pub fn blobs(&self) -> &Arc<dyn BlobStore> {
        &self.inner.blobs
    }

    /// The reads that serve anyone, for the host's own tools (support, audits,
    /// migrations): every other read takes the actor it answers and checks what
    /// that actor may see (D1, D2, G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(hub.admin().partition("ana").unwrap().seller.unwrap().id.as_str(), "ana");
    /// ```
    pub fn admin(&self) -> Admin<'_> {
        Admin { hub: self }
    }

    /// Up to `limit` recorded events after `cursor`, in the store's global order: the
    /// outbox a host drains (emails, payouts, webhooks), from any process.
    ///
    /// ```
    /// use fivergo_core::{store::Cursor, *};
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_gig("ana", "tattoo").unwrap();
    /// let page = hub.events_since(Cursor::default(), 1).unwrap();
    /// assert_eq!(page.events[0].kind(), "seller_registered");
    /// let rest = hub.events_since(page.next, 100).unwrap();
    /// assert_eq!(rest.events.iter().map(Recorded::kind).collect::<Vec<_>>(), ["gig_added"]);
    /// assert_eq!(hub.events_since(rest.next, 100).unwrap().events.len(), 0);
    /// ```
    pub fn events_since(&self, cursor: Cursor, limit: usize) -> Result<EventPage, Error> {
        let events = self.inner.store.events_since(cursor, limit)?;
        let next = events.last().map_or(cursor, |e| Cursor(e.position));
        Ok(EventPage { events, next })
    }

    /// A seller.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::TopRated, true).unwrap();
    /// let ana = hub.seller("ana").unwrap();
    /// assert_eq!((ana.level, ana.pro), (SellerLevel::TopRated, true));
    /// assert_eq!(hub.seller("bob").unwrap_err().code(), "not_found");
    /// ```
    pub fn seller(&self, seller: &str) -> Result<Seller, Error> {
        self.read(&seller.into(), |p| p.seller().cloned())
    }

    /// A model, for its owner only (M7, D1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let m = hub.model("ana", &model).unwrap();
    /// assert_eq!((m.subcategory.as_str(), m.status), ("tattoo", ModelStatus::Draft));
    /// assert_eq!(hub.model("bob", &model).unwrap_err().code(), "forbidden");
    /// ```
    pub fn model(&self, seller: &str, model: &ModelId) -> Result<CreationModel, Error> {
        self.read(&partition_of("model", model)?, |p| {
            p.owned_model(&seller.into(), model).cloned()
        })
    }

    /// The seller's models, oldest first. Sellers keep read access whatever their
    /// level or subscription (E2, S4).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # hub.add_gig("ana", "illustration").unwrap();
    /// hub.create_model("ana", "tattoo").unwrap();
    /// hub.create_model("ana", "illustration").unwrap();
    /// let subcategories: Vec<String> = hub.models("ana").unwrap().into_iter().map(|m| m.subcategory).collect();
    /// assert_eq!(subcategories, ["tattoo", "illustration"]);
    /// ```
    pub fn models(&self, seller: &str) -> Result<Vec<CreationModel>, Error> {
        self.read(&seller.into(), |p| {
            Ok(p.models_in_order().into_iter().cloned().collect())
        })
    }

    /// The seller's library, in the order the assets were added.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let first = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// let second = hub.add_asset("ana", AssetSource::WorkSample, Modality::Image, AssetMeta::image(800, 800), &[]).unwrap().value;
    /// let ids: Vec<AssetId> = hub.assets("ana").unwrap().into_iter().map(|a| a.id).collect();
    /// assert_eq!(ids, [first, second]);
    /// ```
    pub fn assets(&self, seller: &str) -> Result<Vec<Asset>, Error> {
        self.read(&seller.into(), |p| {
            let mut list: Vec<Asset> = p.assets.values().cloned().collect();
            list.sort_by_key(|a| a.seq);
            Ok(list)
        })
    }

    /// An asset of the seller's library, for that seller only (D1); see
    /// [`Admin::asset`] for host-level access.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 1024), &["koi"]).unwrap().value;
    /// assert!(hub.asset("ana", &id).unwrap().tags.contains("koi"));
    /// assert_eq!(hub.asset("bob", &id).unwrap_err().code(), "forbidden");
    /// ```
    pub fn asset(&self, seller: &str, asset: &AssetId) -> Result<Asset, Error> {
        self.read(&own_partition(seller, "asset", asset)?, |p| {
            p.asset(asset).cloned()
        })
    }

    /// What clients see of a published model: no assets, no style (D1).
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
    /// let listing = hub.listing(&model).unwrap();
    /// assert_eq!((listing.seller.as_str(), listing.subcategory.as_str()), ("ana", "tattoo"));
    /// assert_eq!(Some(listing.name), hub.model("ana", &model).unwrap().name); // named at its first training
    /// hub.unpublish("ana", &model).unwrap();
    /// assert_eq!(hub.listing(&model).unwrap_err().code(), "model_not_published");
    /// ```
    pub fn listing(&self, model: &ModelId) -> Result<Listing, Error> {
        self.read(&partition_of("model", model)?, |p| {
            p.model(model)?.listing()
        })
    }

    /// A quote for `quantity` units of a published model (P1–P5).
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
    /// let quote = hub.quote(&model, 3).unwrap(); // 3 items at 20 USD
    /// assert_eq!((quote.quantity, quote.total), (3, usd("60")));
    /// ```
    pub fn quote(&self, model: &ModelId, quantity: u32) -> Result<Quote, Error> {
        self.read(&partition_of("model", model)?, |p| {
            p.model(model)?.quote(quantity, &self.inner.policy)
        })
    }

    /// Creations clients purchased from a model, for its owner (M5).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// let creations = hub.creations("ana", &model).unwrap();
    /// assert_eq!((creations.len(), creations[0].client.as_str()), (1, "bob"));
    /// assert_eq!(creations[0].order, order);
    /// ```
    pub fn creations(&self, seller: &str, model: &ModelId) -> Result<Vec<Creation>, Error> {
        self.read(&partition_of("model", model)?, |p| {
            let m = p.owned_model(&seller.into(), model)?;
            Ok((m.creations.iter().filter_map(|id| p.orders.get(id)))
                .filter_map(|o| {
                    o.paid_at.map(|at| Creation {
                        order: o.id.clone(),
                        client: o.client.clone(),
                        purchased_at: at,
                    })
                })
                .collect())
        })
    }

    /// The training quota of a model now (T1–T3, T5), for its owner.
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
    /// assert_eq!(hub.quota("ana", &model).unwrap().remaining(), 2); // T1: two before subscribing
    /// hub.run_training(&hub.start_training("ana", &model).unwrap().value).unwrap();
    /// let quota = hub.quota("ana", &model).unwrap();
    /// assert_eq!((quota.used, quota.limit), (1, 2));
    /// ```
    pub fn quota(&self, seller: &str, model: &ModelId) -> Result<QuotaStatus, Error> {
        let now = self.now();
        self.read(&partition_of("model", model)?, |p| {
            let m = p.owned_model(&seller.into(), model)?;
            let entry = self.inner.policy.catalogue.entry(&m.subcategory)?;
            quota_status(
                &m.id,
                &m.owner,
                entry,
                p.latest_subscription(),
                p.jobs_of(model),
                &self.inner.policy,
                now,
            )
        })
    }

    /// The best-practice findings of a model's selected set (A4, A8), for its owner.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let small = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(600, 600), &[]).unwrap().value;
    /// hub.select_assets("ana", &model, &[small]).unwrap();
    /// let codes: Vec<String> = hub.findings("ana", &model).unwrap().into_iter().map(|f| f.code).collect();
    /// assert_eq!(codes, ["too_few_images", "low_resolution"]);
    /// ```
    pub fn findings(&self, seller: &str, model: &ModelId) -> Result<Vec<Finding>, Error> {
        self.read(&partition_of("model", model)?, |p| {
            let m = p.owned_model(&seller.into(), model)?;
            let entry = self.inner.policy.catalogue.entry(&m.subcategory)?;
            let assets: Vec<&Asset> = m.assets.iter().filter_map(|a| p.assets.get(a)).collect();
            Ok(asset::review_set(&assets, entry, &self.inner.policy))
        })
    }

    /// The publish checklist (M2): every unmet requirement, empty when publishable.
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
    /// let missing = hub.publish_checklist("ana", &model).unwrap();
    /// assert!(missing.contains(&Requirement::SucceededTraining));
    /// assert!(missing.contains(&Requirement::Price));
    /// assert!(missing.contains(&Requirement::ActiveSubscription));
    /// ```
    pub fn publish_checklist(
        &self,
        seller: &str,
        model: &ModelId,
    ) -> Result<Vec<Requirement>, Error> {
        self.read(&partition_of("model", model)?, |p| {
            let m = p.owned_model(&seller.into(), model)?;
            let eligible = p.seller().is_ok_and(|s| s.is_eligible(&self.inner.policy));
            let subscribed = p.latest_subscription().is_some_and(Subscription::is_active);
            let others = p.published_models().filter(|o| o.id != m.id).count() as u32;
            Ok(m.publish_checklist(&self.inner.policy, eligible, subscribed, others))
        })
    }

    /// What the seller may do now (create, train, use the playground, publish,
    /// serve clients, the assistant's automatic replies), each with the refusal the
    /// command would give (E1, E2, S2–S4). See [`Entitlements`].
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let can = hub.entitlements("ana").unwrap();
    /// assert!(can.create_models.allowed() && can.train.allowed()); // T1: two trainings before subscribing
    /// assert_eq!(can.publish.refusal().map(|e| e.code()), Some("subscription_required"));
    /// ```
    pub fn entitlements(&self, seller: &str) -> Result<Entitlements, Error> {
        self.read(&seller.into(), |p| {
            Ok(Entitlements::of(
                p.seller()?,
                p.latest_subscription(),
                &self.inner.policy,
            ))
        })
    }

    /// The seller's latest subscription, if any.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// assert!(hub.subscription("ana").unwrap().is_none());
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert_eq!((sub.status, sub.paid_periods), (SubscriptionStatus::Active, 1));
    /// ```
    pub fn subscription(&self, seller: &str) -> Result<Option<Subscription>, Error> {
        self.read(&seller.into(), |p| Ok(p.latest_subscription().cloned()))
    }

    /// An order as `actor` may see it: its seller sees all of it, its client sees
    /// it without the clean file until approved and paid (G1), anyone else is
    /// `forbidden` (D1, D2). See [`Admin::order`] for host-level access.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let hub = Hub::builder().build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let m = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let a = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &m, &[a]).unwrap();
    /// # hub.attest_originality("ana", &m).unwrap();
    /// # let job = hub.start_training("ana", &m).unwrap().value;
    /// # hub.run_training(&job).unwrap();
    /// # hub.playground_generate("ana", &m, Brief::new("x"), 1).unwrap();
    /// # let price = Money::parse("20", Currency::Usd).unwrap();
    /// # hub.set_price("ana", &m, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: price }).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// # hub.publish("ana", &m).unwrap();
    /// let order = hub.order_draft("bob", &m, Brief::new("a fox"), 7).unwrap().value;
    /// assert!(hub.order("bob", &order).unwrap().clean.is_none(), "held back until approved and paid");
    /// assert!(hub.order("ana", &order).unwrap().clean.is_some());
    /// assert_eq!(hub.order("eve", &order).unwrap_err().code(), "forbidden");
    /// ```
    pub fn order(&self, actor: &str, order: &OrderId) -> Result<Order, Error> {
        self.read(&partition_of("order", order)?, |p| {
            p.order_for(actor, order)
        })
    }

    /// The orders a client placed, oldest first, from the store's client index, as
    /// the client sees them (G1).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// assert!(hub.client_orders("bob").unwrap().is_empty());
    /// ```
    pub fn client_orders(&self, client: &str) -> Result<Vec<Order>, Error> {
        let ids = self.inner.store.client_orders(&client.into())?;
        ids.iter().map(|id| self.order(client, id)).collect()
    }

    /// A training job, for the seller whose model it trains (D1).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Queued);
    /// assert_eq!(hub.job("bob", &job).unwrap_err().code(), "forbidden");
    /// ```
    pub fn job(&self, seller: &str, job: &JobId) -> Result<TrainingJob, Error> {
        self.read(&own_partition(seller, "job", job)?, |p| p.job(job).cloned())
    }

    /// The watermarked draft of an order, for its client (G1).
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
    /// let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let draft = hub.draft("bob", &order).unwrap(); // visibly marked (W1)
    /// assert_eq!(draft.modality(), Modality::Image);
    /// assert_eq!(hub.draft("eve", &order).unwrap_err().code(), "forbidden");
    /// ```
    pub fn draft(&self, client: &str, order: &OrderId) -> Result<Artifact, Error> {
        let draft = self.read(&partition_of("order", order)?, |p| {
            let o = p.client_order(&client.into(), order)?;
            o.draft.clone().ok_or_else(|| Error::InvalidOrderState {
                order: o.id.clone(),
                status: o.status.to_string(),
                action: "view the draft".into(),
            })
        })?;
        self.admin().artifact(&draft)
    }

    /// A stored file, decoded, for an actor who may read it: a seller reads the
    /// files of their partition (library assets, their orders' drafts and clean
    /// files, trained styles, D1); a client reads their orders' drafts, and a clean
    /// file once its order is approved and paid (`not_approved_and_paid` before,
    /// G1); anything else is `forbidden`. See [`Admin::artifact`] for host-level
    /// access.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let clean = hub.order("ana", &order).unwrap().clean.unwrap();
    /// assert_eq!(hub.artifact("bob", &clean).unwrap_err().code(), "not_approved_and_paid");
    /// hub.approve("bob", &order).unwrap();
    /// hub.record_payment("bob", &order, usd("20")).unwrap();
    /// assert_eq!(hub.artifact("bob", &clean).unwrap().modality(), Modality::Image);
    /// assert_eq!(hub.artifact("eve", &clean).unwrap_err().code(), "forbidden");
    /// ```
    pub fn artifact(&self, actor: &str, file: &BlobRef) -> Result<Artifact, Error> {
        self.ensure_file_readable(actor, file)?;
        self.admin().artifact(file)
    }

    /// A trained style of the seller's models, read from its file (D1, D5).
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
    /// let style = hub.model("ana", &model).unwrap().live.unwrap().style;
    /// assert_eq!(hub.trained_style("ana", &style).unwrap().generator, "echo");
    /// assert_eq!(hub.trained_style("bob", &style).unwrap_err().code(), "forbidden");
    /// ```
    pub fn trained_style(&self, seller: &str, style: &BlobRef) -> Result<TrainedStyle, Error> {
        self.read(&seller.into(), |p| p.ensure_file_readable(seller, style))?;
        self.admin().trained_style(style)
    }

    /// A stored file's bytes, for an actor who may read it (as [`Hub::artifact`]).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.upload_asset("ana", AssetSource::Upload, b"Short and dry.", None, &[]).unwrap().value;
    /// let content = hub.asset("ana", &id).unwrap().content.unwrap();
    /// assert_eq!(hub.file("ana", &content).unwrap().as_bytes(), b"Short and dry.");
    /// assert_eq!(hub.file("bob", &content).unwrap_err().code(), "forbidden");
    /// ```
    pub fn file(&self, actor: &str, file: &BlobRef) -> Result<Blob, Error> {
        self.ensure_file_readable(actor, file)?;
        self.inner.blobs.fetch(file)
    }

    /// `Ok` when `actor` may read `file`: through their own partition (as a seller)
    /// or through the partitions holding their orders (as a client). The most
    /// telling refusal wins: `not_approved_and_paid` over `forbidden`.
    fn ensure_file_readable(&self, actor: &str, file: &BlobRef) -> Result<(), Error> {
        let mut refusal =
            match self.read(&actor.into(), |p| Ok(p.ensure_file_readable(actor, file)))? {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
        let mut sellers: Vec<SellerId> = self
            .inner
            .store
            .client_orders(&actor.into())?
            .iter()
            .filter_map(PartitionKey::partition)
            .collect();
        sellers.sort();
        sellers.dedup();
        for seller in sellers.iter().filter(|s| s.as_str() != actor) {
            match self.read(seller, |p| Ok(p.ensure_file_readable(actor, file)))? {
                Ok(()) => return Ok(()),
                Err(e @ Error::NotApprovedAndPaid { .. }) => refusal = e,
                Err(_) => {}
            }
        }
        Err(refusal)
    }

    /// Traces a leaked draft back to its order by the invisible payload (W2):
    /// `None` when no payload is found or it names no order of this store.
    ///
    /// Returns the order and the detector's confidence.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # struct Textured; // a generator whose pictures have texture enough to hold the payload
    /// # impl Generator for Textured {
    /// #     fn name(&self) -> &str { "textured" }
    /// #     fn train(&self, input: &TrainingInput<'_>, ctl: &mut JobControl<'_>) -> Result<TrainedStyle, TrainError> { EchoGenerator.train(input, ctl) }
    /// #     fn generate(&self, _: &TrainedStyle, _: &Brief, _: u64, _: &mut JobControl<'_>) -> Result<Artifact, Error> {
    /// #         let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
    /// #         for (i, px) in img.rgba.chunks_mut(4).enumerate() {
    /// #             let v = ((i * 2654435761) >> 13) as u8;
    /// #             px[..3].copy_from_slice(&[v, v / 2, 255 - v]);
    /// #         }
    /// #         Ok(Artifact::Image(img))
    /// #     }
    /// # }
    /// # let mut generators = GeneratorRegistry::default();
    /// # generators.register("tattoo", std::sync::Arc::new(Textured));
    /// # let hub = Hub::builder().generators(generators).build().unwrap();
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
    /// let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let leaked = hub.draft("bob", &order).unwrap(); // found posted somewhere
    /// let (traced, confidence) = hub.trace(&leaked).unwrap().expect("the draft carries its payload (W2)");
    /// assert_eq!(traced, order);
    /// assert!(confidence > 0.5);
    /// assert_eq!(hub.trace(&Artifact::Text("no mark".into())).unwrap(), None);
    /// ```
    pub fn trace(&self, artifact: &Artifact) -> Result<Option<(OrderId, f32)>, Error> {
        let watermark::Detection::Found {
            payload,
            confidence,
        } = watermark::trace(artifact, &self.inner.watermark)
        else {
            return Ok(None);
        };
        Ok(self
            .inner
            .store
            .order_by_payload(payload)?
            .map(|order| (order, confidence)))
    }

    /// A handle that cancels a queued or running training from another thread of
    /// this process (T4); [`Hub::cancel_training`] reaches other processes too.
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let token = hub.cancel_handle(&job).unwrap();
    /// std::thread::spawn(move || token.cancel()).join().unwrap(); // e.g. from a UI thread
    /// assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Cancelled);
    /// assert_eq!(hub.quota("ana", &model).unwrap().used, 0); // given back (T4)
    /// ```
    pub fn cancel_handle(&self, job: &JobId) -> Result<CancelToken, Error> {
        self.admin().job(job)?;
        Ok(lock(&self.inner.tokens)
            .entry(WorkId::Training(job.clone()))
            .or_default()
            .clone())
    }

    // ----- sellers (E) -----------------------------------------------------------

    /// Registers a seller (their partition begins).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// let done = hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(done.events[0].kind(), "seller_registered");
    /// assert_eq!(hub.register_seller("ana", SellerLevel::Level1, false).unwrap_err().code(), "already_exists");
    /// ```
    pub fn register_seller(
        &self,
        seller: &str,
        level: SellerLevel,
        pro: bool,
    ) -> CommandResult<()> {
        traced("register_seller", || {
            let id = SellerId::from(seller);
            self.execute(&id, |p, ctx| {
                Ok((
                    (),
                    Seller::register(p.seller.as_ref(), &id, level, pro, ctx)?,
                ))
            })
        })
    }

    /// Changes a seller's level or Pro flag; dropping below eligibility unpublishes
    /// their published models (E2).
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
    /// hub.set_seller_level("ana", SellerLevel::New, false).unwrap(); // below eligibility (E2)
    /// assert_eq!(hub.seller("ana").unwrap().level, SellerLevel::New);
    /// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Unpublished);
    /// ```
    pub fn set_seller_level(
        &self,
        seller: &str,
        level: SellerLevel,
        pro: bool,
    ) -> CommandResult<()> {
        traced("set_seller_level", || {
            self.on_seller(seller, |p, s, ctx| {
                s.decide(
                    SellerCommand::SetLevel {
                        level,
                        pro,
                        published: &p.published_ids(),
                    },
                    ctx,
                )
            })
        })
    }

    /// Records that the seller has a Gig in `subcategory` (C2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_gig("ana", "tattoo").unwrap();
    /// assert!(hub.seller("ana").unwrap().gigs.contains("tattoo"));
    /// assert_eq!(hub.add_gig("ana", "plumbing").unwrap_err().code(), "unknown_subcategory");
    /// ```
    pub fn add_gig(&self, seller: &str, subcategory: &str) -> CommandResult<()> {
        traced("add_gig", || {
            self.on_seller(seller, |_, s, ctx| {
                s.decide(SellerCommand::AddGig { subcategory }, ctx)
            })
        })
    }

    /// Adds money to the seller's available balance (S2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// hub.credit_balance("ana", usd("30")).unwrap();
    /// hub.credit_balance("ana", usd("12.50")).unwrap();
    /// assert_eq!(hub.seller("ana").unwrap().balance, usd("42.50"));
    /// ```
    pub fn credit_balance(&self, seller: &str, amount: Money) -> CommandResult<()> {
        traced("credit_balance", || {
            self.on_seller(seller, |_, s, ctx| {
                s.decide(SellerCommand::CreditBalance { amount }, ctx)
            })
        })
    }

    /// Stores a card or PayPal account for the seller (S2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_payment_method("ana", PaymentMethod::new("pp-1", PaymentMethodKind::Paypal, "ana@example.com")).unwrap();
    /// assert_eq!(hub.seller("ana").unwrap().payment_methods[0].kind, PaymentMethodKind::Paypal);
    /// assert!(hub.subscribe("ana", &"pp-1".into()).is_ok());
    /// ```
    pub fn add_payment_method(&self, seller: &str, method: PaymentMethod) -> CommandResult<()> {
        traced("add_payment_method", || {
            self.on_seller(seller, |_, s, ctx| {
                s.decide(
                    SellerCommand::AddPaymentMethod {
                        method: method.clone(),
                    },
                    ctx,
                )
            })
        })
    }

    fn on_seller(
        &self,
        seller: &str,
        mut decide: impl FnMut(&Partition, &Seller, &Context) -> Result<Vec<Event>, Error>,
    ) -> CommandResult<()> {
        self.execute(&seller.into(), |p, ctx| {
            Ok(((), decide(p, p.seller()?, ctx)?))
        })
    }

    // ----- assets (A) --------------------------------------------------------------

    /// Adds a portfolio item, work sample or upload to the seller's library (A1),
    /// with metadata the host already measured. Client deliveries enter through
    /// [`Hub::set_delivery_public`] (D3); files through [`Hub::upload_asset`].
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.add_asset("ana", AssetSource::Portfolio, Modality::Image, AssetMeta::image(1024, 768), &["koi"]).unwrap().value;
    /// let asset = hub.asset("ana", &id).unwrap();
    /// assert_eq!((asset.modality, asset.meta.width), (Modality::Image, Some(1024)));
    /// assert!(asset.content.is_none()); // metadata only: files go through `upload_asset`
    /// ```
    pub fn add_asset(
        &self,
        seller: &str,
        source: AssetSource,
        modality: Modality,
        meta: AssetMeta,
        tags: &[&str],
    ) -> CommandResult<AssetId> {
        traced("add_asset", || {
            self.add_to_library(seller, source, modality, meta, None, tags)
        })
    }

    /// Uploads a file (PNG, JPEG, WebP, WAV or UTF-8 text) to the seller's library:
    /// decodes it within the policy's limits, measures it, keeps the file in the blob
    /// store and the measured metadata that the asset checks read (A3, A4, A8). A
    /// corrupt, unknown or oversized file is refused and nothing changes.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let hub = Hub::builder().clock(ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap())).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let id = hub.upload_asset("ana", AssetSource::Upload, b"My style: short and dry.", Some("bio.txt"), &[]).unwrap().value;
    /// let asset = hub.asset("ana", &id).unwrap();
    /// assert_eq!(asset.modality, Modality::Text);
    /// assert_eq!(hub.file("ana", asset.content.as_ref().unwrap()).unwrap().as_bytes(), b"My style: short and dry.");
    /// let err = hub.upload_asset("ana", AssetSource::Upload, &[0xFF, 0x00, 0xFE], None, &[]).unwrap_err();
    /// assert_eq!(err.code(), "asset_unreadable");
    /// ```
    pub fn upload_asset(
        &self,
        seller: &str,
        source: AssetSource,
        bytes: &[u8],
        file_name: Option<&str>,
        tags: &[&str],
    ) -> CommandResult<AssetId> {
        traced("upload_asset", || {
            self.seller(seller)?;
            let inspected = inspect_upload(bytes, &self.inner.policy, Some(&self.inner.watermark))?;
            let meta = AssetMeta {
                file_name: file_name.map(str::to_owned),
                ..inspected.meta
            };
            let content = self.inner.blobs.store(bytes, inspected.media_type)?;
            self.add_to_library(
                seller,
                source,
                inspected.modality,
                meta,
                Some(content),
                tags,
            )
        })
    }

    fn add_to_library(
        &self,
        seller: &str,
        source: AssetSource,
        modality: Modality,
        meta: AssetMeta,
        content: Option<BlobRef>,
        tags: &[&str],
    ) -> CommandResult<AssetId> {
        self.execute(&seller.into(), |p, ctx| {
            let s = p.seller()?;
            let events = Asset::add(
                &s.id,
                source.clone(),
                modality,
                meta.clone(),
                content.clone(),
                tags,
                ctx,
            )?;
            Ok((ctx.ids.asset().0, events))
        })
    }

    /// Adds and removes tags of an asset at any time (A6); models using it go stale (A7).
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
    /// hub.tag_asset("ana", &art, &["koi", "colour"], &[]).unwrap();
    /// hub.tag_asset("ana", &art, &[], &["colour"]).unwrap();
    /// assert_eq!(hub.asset("ana", &art).unwrap().tags.into_iter().collect::<Vec<_>>(), ["koi"]);
    /// assert!(hub.model("ana", &model).unwrap().is_stale()); // trained before the new tags (A7)
    /// ```
    pub fn tag_asset(
        &self,
        seller: &str,
        asset: &AssetId,
        add: &[&str],
        remove: &[&str],
    ) -> CommandResult<()> {
        traced("tag_asset", || {
            let actor = SellerId::from(seller);
            self.execute(&partition_of("asset", asset)?, |p, ctx| {
                let a = p.asset(asset)?;
                a.ensure_owner(&actor)?;
                Ok((
                    (),
                    a.decide(
                        AssetCommand::Tag {
                            add,
                            remove,
                            used_by: p.models_using(asset).collect(),
                        },
                        ctx,
                    )?,
                ))
            })
        })
    }

    /// Selects assets for a model. All of them pass the hard limits or none is
    /// selected (A3): a refusal keeps the selection as it was.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let koi = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// let clip = hub.add_asset("ana", AssetSource::Upload, Modality::Audio, AssetMeta::audio(60_000), &[]).unwrap().value;
    /// hub.select_assets("ana", &model, &[koi.clone()]).unwrap();
    /// let err = hub.select_assets("ana", &model, &[koi.clone(), clip]).unwrap_err();
    /// assert_eq!(err.code(), "modality_mismatch");
    /// assert_eq!(hub.model("ana", &model).unwrap().assets, [koi]); // kept as it was
    /// ```
    pub fn select_assets(
        &self,
        seller: &str,
        model: &ModelId,
        assets: &[AssetId],
    ) -> CommandResult<()> {
        traced("select_assets", || {
            let actor = SellerId::from(seller);
            self.on_model(seller, model, |p, m, ctx| {
                let chosen = assets
                    .iter()
                    .map(|id| {
                        p.assets
                            .get(id)
                            .ok_or_else(|| foreign_or_missing(&actor, id))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                m.decide(ModelCommand::SelectAssets { assets: &chosen }, ctx)
            })
        })
    }

    /// Selects "All": the newest work samples and public deliveries (A2). Those that
    /// fail a hard limit are skipped and returned with their error.
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// # hub.add_gig("ana", "voice_over").unwrap();
    /// let model = hub.create_model("ana", "voice_over").unwrap().value;
    /// let long = hub.add_asset("ana", AssetSource::WorkSample, Modality::Audio, AssetMeta::audio(60_000), &[]).unwrap().value;
    /// let short = hub.add_asset("ana", AssetSource::WorkSample, Modality::Audio, AssetMeta::audio(5_000), &[]).unwrap().value;
    /// hub.add_asset("ana", AssetSource::Upload, Modality::Audio, AssetMeta::audio(60_000), &[]).unwrap(); // not a work sample
    /// let skipped = hub.select_all_assets("ana", &model).unwrap().value;
    /// assert_eq!(skipped.iter().map(|(id, e)| (id, e.code())).collect::<Vec<_>>(), [(&short, "asset_too_short")]);
    /// assert_eq!(hub.model("ana", &model).unwrap().assets, [long]);
    /// ```
    pub fn select_all_assets(
        &self,
        seller: &str,
        model: &ModelId,
    ) -> CommandResult<Vec<(AssetId, Error)>> {
        traced("select_all_assets", || {
            let actor = SellerId::from(seller);
            self.execute(&partition_of("model", model)?, |p, ctx| {
                let m = p.owned_model(&actor, model)?;
                m.ensure_not_archived("select assets")?;
                let entry = ctx.policy.catalogue.entry(&m.subcategory)?;
                let (mut fresh, mut skipped) = (Vec::new(), Vec::new());
                for a in asset::select_all(p.assets.values(), entry, ctx.policy) {
                    match asset::check_selectable(a, &actor, entry, ctx.policy) {
                        Ok(()) => fresh.push(a),
                        Err(e) => skipped.push((a.id.clone(), e)),
                    }
                }
                Ok((
                    skipped,
                    m.decide(ModelCommand::SelectAssets { assets: &fresh }, ctx)?,
                ))
            })
        })
    }

    /// Removes assets from a model's selection (A7 marks it stale).
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
    /// hub.deselect_assets("ana", &model, &[art]).unwrap();
    /// let m = hub.model("ana", &model).unwrap();
    /// assert!(m.assets.is_empty());
    /// assert!(m.is_stale()); // the live version was trained on it (A7)
    /// ```
    pub fn deselect_assets(
        &self,
        seller: &str,
        model: &ModelId,
        assets: &[AssetId],
    ) -> CommandResult<()> {
        traced("deselect_assets", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(ModelCommand::DeselectAssets { assets }, ctx)
            })
        })
    }

    /// Sets (or clears, with `None`) the seller's instructions (A5); marks stale (A7).
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
    /// hub.set_instructions("ana", &model, Some("Bold black outlines only.")).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().instructions.as_deref(), Some("Bold black outlines only."));
    /// hub.set_instructions("ana", &model, None).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().instructions, None);
    /// ```
    pub fn set_instructions(
        &self,
        seller: &str,
        model: &ModelId,
        instructions: Option<&str>,
    ) -> CommandResult<()> {
        traced("set_instructions", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(ModelCommand::SetInstructions { instructions }, ctx)
            })
        })
    }

    /// Records the seller's attestation that every asset is their own original work (A9).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// hub.select_assets("ana", &model, &[art]).unwrap();
    /// assert_eq!(hub.start_training("ana", &model).unwrap_err().code(), "attestation_required");
    /// hub.attest_originality("ana", &model).unwrap();
    /// assert!(hub.model("ana", &model).unwrap().attested_at.is_some());
    /// assert!(hub.start_training("ana", &model).is_ok());
    /// ```
    pub fn attest_originality(&self, seller: &str, model: &ModelId) -> CommandResult<()> {
        traced("attest_originality", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(ModelCommand::AttestOriginality, ctx)
            })
        })
    }

    fn on_model(
        &self,
        seller: &str,
        model: &ModelId,
        mut decide: impl FnMut(&Partition, &CreationModel, &Context) -> Result<Vec<Event>, Error>,
    ) -> CommandResult<()> {
        let actor = SellerId::from(seller);
        self.execute(&partition_of("model", model)?, |p, ctx| {
            Ok(((), decide(p, p.owned_model(&actor, model)?, ctx)?))
        })
    }

    // ----- models (C, M) -----------------------------------------------------------

    /// Creates a draft model for a subcategory the seller has a Gig in (E1, C1, C2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// assert_eq!(model.as_str(), "ana/model-1");
    /// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Draft);
    /// assert_eq!(hub.create_model("ana", "jingles").unwrap_err().code(), "no_gig_in_subcategory");
    /// ```
    pub fn create_model(&self, seller: &str, subcategory: &str) -> CommandResult<ModelId> {
        traced("create_model", || {
            self.execute(&seller.into(), |p, ctx| {
                Ok((
                    ctx.ids.model(),
                    CreationModel::create(p.seller()?, subcategory, ctx)?,
                ))
            })
        })
    }

    /// Sets the price (P1–P5).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let price = PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: usd("20") };
    /// hub.set_price("ana", &model, price.clone()).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().price, Some(price));
    /// let by_the_second = PriceSpec::PerUnit { unit: PricingUnit::Seconds, unit_price: usd("1") };
    /// assert_eq!(hub.set_price("ana", &model, by_the_second).unwrap_err().code(), "pricing_unit_not_allowed");
    /// ```
    pub fn set_price(&self, seller: &str, model: &ModelId, price: PriceSpec) -> CommandResult<()> {
        traced("set_price", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(
                    ModelCommand::SetPrice {
                        price: price.clone(),
                    },
                    ctx,
                )
            })
        })
    }

    /// Sets where clients meet the model: Gigs and profile (M4).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// let placement = Placement { gigs: ["gig-42".to_string()].into(), on_profile: false };
    /// hub.set_placement("ana", &model, placement.clone()).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().placement, placement);
    /// ```
    pub fn set_placement(
        &self,
        seller: &str,
        model: &ModelId,
        placement: Placement,
    ) -> CommandResult<()> {
        traced("set_placement", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(
                    ModelCommand::SetPlacement {
                        placement: placement.clone(),
                    },
                    ctx,
                )
            })
        })
    }

    /// Publishes the model, or lists every unmet requirement (M1, M2, E2, S4).
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
    /// hub.playground_generate("ana", &model, Brief::new("koi"), 1).unwrap();
    /// hub.set_price("ana", &model, PriceSpec::PerUnit { unit: PricingUnit::Item, unit_price: usd("20") }).unwrap();
    /// assert_eq!(hub.publish("ana", &model).unwrap_err().code(), "publish_requirements_unmet"); // no subscription
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// hub.publish("ana", &model).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Published);
    /// ```
    pub fn publish(&self, seller: &str, model: &ModelId) -> CommandResult<()> {
        traced("publish", || {
            self.on_model(seller, model, |p, m, ctx| {
                let published_others = p.published_models().filter(|o| o.id != m.id).count() as u32;
                m.decide(
                    ModelCommand::Publish {
                        seller: p.seller()?,
                        subscription: p.latest_subscription(),
                        published_others,
                    },
                    ctx,
                )
            })
        })
    }

    /// Withdraws a published model from clients (M3).
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
    /// hub.unpublish("ana", &model).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Unpublished);
    /// assert_eq!(hub.order_draft("bob", &model, Brief::new("koi"), 1).unwrap_err().code(), "model_not_published");
    /// ```
    pub fn unpublish(&self, seller: &str, model: &ModelId) -> CommandResult<()> {
        traced("unpublish", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(ModelCommand::Unpublish, ctx)
            })
        })
    }

    /// Archives the model (unpublishing it first); refused while it trains (M3).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// assert_eq!(hub.archive("ana", &model).unwrap_err().code(), "training_in_progress");
    /// hub.run_training(&job).unwrap();
    /// hub.archive("ana", &model).unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().status, ModelStatus::Archived);
    /// ```
    pub fn archive(&self, seller: &str, model: &ModelId) -> CommandResult<()> {
        traced("archive", || {
            self.on_model(seller, model, |_, m, ctx| {
                m.decide(ModelCommand::Archive, ctx)
            })
        })
    }

    /// "Report an issue" against a model or one of its creations (M6). Anyone may report.
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
    /// hub.report_issue("eve", &model, ReportTarget::Model, "Looks like my artwork.").unwrap();
    /// assert_eq!(hub.model("ana", &model).unwrap().reports.len(), 1);
    /// let unknown = ReportTarget::Creation { order: "ana/order-9".into() };
    /// assert_eq!(hub.report_issue("eve", &model, unknown, "?").unwrap_err().code(), "not_found");
    /// ```
    pub fn report_issue(
        &self,
        reporter: &str,
        model: &ModelId,
        target: ReportTarget,
        text: &str,
    ) -> CommandResult<()> {
        traced("report_issue", || {
            self.execute(&partition_of("model", model)?, |p, ctx| {
                let m = p.model(model)?;
                let creation_exists = match &target {
                    ReportTarget::Creation { order } => {
                        p.orders.get(order).is_some_and(|o| &o.model == model)
                    }
                    ReportTarget::Model => false,
                };
                Ok((
                    (),
                    m.decide(
                        ModelCommand::ReportIssue {
                            reporter,
                            target: target.clone(),
                            text,
                            creation_exists,
                        },
                        ctx,
                    )?,
                ))
            })
        })
    }

    // ----- training (T) -------------------------------------------------------------

    /// Queues a training: checks eligibility, assets, instructions, attestation and
    /// quota, takes one training from the quota, and names the model on its first
    /// training (E2, A5, A9, T1–T5, C3).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Queued);
    /// assert_eq!(hub.quota("ana", &model).unwrap().used, 1); // taken at once
    /// assert!(hub.model("ana", &model).unwrap().name.is_some()); // named on its first training (C3)
    /// ```
    pub fn start_training(&self, seller: &str, model: &ModelId) -> CommandResult<JobId> {
        traced("start_training", || {
            let actor = SellerId::from(seller);
            self.execute(&partition_of("model", model)?, |p, ctx| {
                let m = p.owned_model(&actor, model)?;
                let taken_names = p
                    .models
                    .values()
                    .filter_map(|o| o.name.as_deref())
                    .collect();
                let command = ModelCommand::StartTraining {
                    seller: p.seller()?,
                    subscription: p.latest_subscription(),
                    jobs: p.jobs_of(model).collect(),
                    taken_names,
                };
                Ok((ctx.ids.job(), m.decide(command, ctx)?))
            })
        })
    }

    /// Runs a queued training with the subcategory's generator, emitting progress, and
    /// ends it succeeded (new live version), failed or cancelled (quota returned, T4).
    /// Returns the job's final status. Runs in the calling thread; the hub stays free
    /// for other commands meanwhile ([`begin_training`](Self::begin_training),
    /// [`TrainingRun::execute`] and [`finish_training`](Self::finish_training) split it
    /// for hosts that run trainings elsewhere).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
    /// let m = hub.model("ana", &model).unwrap();
    /// assert_eq!((m.status, m.live.unwrap().version), (ModelStatus::Ready, 1));
    /// ```
    pub fn run_training(&self, job: &JobId) -> CommandResult<JobStatus> {
        traced("run_training", || {
            let begun = self.begin_training(job)?;
            let result = begun.value.execute(&mut |_| {});
            let mut finished = self.finish_training(result)?;
            finished.events.splice(0..0, begun.events);
            Ok(finished)
        })
    }

    /// Marks a queued training as running, on a lease (T4), and hands it out as a
    /// [`TrainingRun`] that owns the owner's selected assets (D5) and the generator,
    /// to run without the hub. Its progress renews the lease; a runner that dies
    /// loses the job when the lease ends (it is then queued again for a worker, see
    /// [`crate::jobs`]).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Running);
    /// let result = std::thread::spawn(move || run.execute(&mut |_| {})).join().unwrap(); // off the hub
    /// assert_eq!(hub.finish_training(result).unwrap().value, JobStatus::Succeeded);
    /// ```
    pub fn begin_training(&self, job: &JobId) -> CommandResult<TrainingRun> {
        traced("begin_training", || self.start_training_run(job, None))
    }

    /// [`Hub::begin_training`] in `worker`'s name.
    fn start_training_run(&self, job: &JobId, worker: Option<&str>) -> CommandResult<TrainingRun> {
        let begun = self.execute(&partition_of("job", job)?, |p, ctx| {
            let j = p.job(job)?;
            let events = j.decide(
                JobCommand::Begin {
                    worker: worker.map(str::to_owned),
                },
                ctx,
            )?;
            let m = p.model(&j.model)?;
            let entry = ctx.policy.catalogue.entry(&m.subcategory)?.clone();
            let generator = self.inner.generators.get(&entry.slug)?;
            // D5: only the owner's assets, as selected when the job was queued.
            let assets = (j
                .assets
                .iter()
                .filter_map(|a| p.assets.get(a))
                .filter(|a| a.owner == j.seller))
            .cloned()
            .collect();
            Ok((
                (
                    generator,
                    entry,
                    assets,
                    j.instructions.clone(),
                    j.attempt + 1,
                ),
                events,
            ))
        })?;
        let (generator, entry, assets, instructions, attempt) = begun.value;
        let work = WorkId::Training(job.clone());
        let cancel = lock(&self.inner.tokens)
            .entry(work.clone())
            .or_default()
            .clone();
        let run = TrainingRun {
            job: job.clone(),
            attempt,
            generator,
            entry,
            assets,
            blobs: self.inner.blobs.clone(),
            limits: self.inner.policy.media.limits.clone(),
            input_limits: self.inner.policy.limits.clone(),
            instructions,
            cancel: cancel.clone(),
            heartbeat: self.beats(work, attempt, cancel),
        };
        Ok(Outcome {
            value: run,
            events: begun.events,
        })
    }

    /// What a running job's progress calls: renews its lease at most every quarter
    /// of the lease, and stops the run when a cancel was asked from anywhere or the
    /// run lost the job.
    fn beats(
        &self,
        work: WorkId,
        attempt: u32,
        cancel: CancelToken,
    ) -> Arc<dyn Fn() + Send + Sync> {
        let hub = self.clone();
        let every = match work {
            WorkId::Training(_) => self.inner.policy.training.lease(),
            WorkId::Generation(_) => self.inner.policy.jobs.generation_lease(),
        } / 4;
        let next = Mutex::new(crate::clock::later(self.now(), every));
        Arc::new(move || {
            let now = hub.now();
            {
                let mut next = lock(&next);
                if now < *next {
                    return;
                }
                *next = crate::clock::later(now, every);
            }
            match hub.heartbeat(&work, attempt) {
                Ok(o) if !o.value => {}
                _ => cancel.cancel(),
            }
        })
    }

    /// Records what a [`TrainingRun`] produced: its progress, then a new live version
    /// (the previous one served until now, M3), or a failure or cancellation that
    /// gives the quota back (T4).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let run = hub.begin_training(&job).unwrap().value;
    /// let result = run.execute(&mut |fraction| assert!((0.0..=1.0).contains(&fraction)));
    /// assert_eq!(hub.finish_training(result).unwrap().value, JobStatus::Succeeded);
    /// assert_eq!(hub.model("ana", &model).unwrap().live.unwrap().job, job); // the new live version
    /// ```
    pub fn finish_training(&self, result: TrainingResult) -> CommandResult<JobStatus> {
        traced("finish_training", || {
            let TrainingResult {
                job,
                attempt,
                result,
                progress_pct,
            } = result;
            let finished = self.execute(&partition_of("job", &job)?, |p, ctx| {
                let j = p.job(&job)?;
                let next_version = p.model(&j.model)?.live.as_ref().map_or(0, |v| v.version) + 1;
                let command = JobCommand::Finish {
                    attempt,
                    progress_pct: progress_pct.clone(),
                    outcome: result.clone(),
                    next_version,
                };
                let events = j.decide(command, ctx)?;
                let status = match events.last() {
                    Some(Event::TrainingSucceeded { .. }) => JobStatus::Succeeded,
                    Some(Event::TrainingCancelled { .. }) => JobStatus::Cancelled,
                    _ => JobStatus::Failed,
                };
                Ok((status, events))
            });
            lock(&self.inner.tokens).remove(&WorkId::Training(job));
            finished
        })
    }

    /// Cancels a training (T4): a queued one at once, its quota back; a running one
    /// is asked to stop, which its runner sees at its next lease renewal wherever it
    /// runs (at once in this process).
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
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// hub.cancel_training("ana", &job).unwrap();
    /// assert_eq!(hub.job("ana", &job).unwrap().status, JobStatus::Cancelled);
    /// assert_eq!(hub.quota("ana", &model).unwrap().used, 0); // given back (T4)
    /// ```
    pub fn cancel_training(&self, seller: &str, job: &JobId) -> CommandResult<()> {
        traced("cancel_training", || {
            let actor = SellerId::from(seller);
            let outcome = self.execute(&partition_of("job", job)?, |p, ctx| {
                let j = p.job(job)?;
                p.owned_model(&actor, &j.model)?;
                Ok(((), j.decide(JobCommand::Cancel, ctx)?))
            })?;
            if let Some(token) = lock(&self.inner.tokens).get(&WorkId::Training(job.clone())) {
                token.cancel();
            }
            Ok(outcome)
        })
    }

    // ----- generation (G) -----------------------------------------------------------

    /// A playground generation with the live version: clean while subscribed,
    /// watermarked otherwise (G2); counts toward publishing (M2). Returns the file
    /// and its content.
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
    /// let (file, content) = hub.playground_generate("ana", &model, Brief::new("koi"), 1).unwrap().value;
    /// assert_eq!(content.modality(), Modality::Image);
    /// assert_eq!(hub.admin().artifact(&file).unwrap(), content);
    /// assert_eq!(hub.model("ana", &model).unwrap().playground_generations, 1); // counts toward M2
    /// ```
    pub fn playground_generate(
        &self,
        seller: &str,
        model: &ModelId,
        brief: Brief,
        seed: u64,
    ) -> CommandResult<(BlobRef, Artifact)> {
        traced("playground_generate", || {
            let begun = self.begin_playground(seller, model, brief, seed)?;
            self.generate(begun, |g| match g {
                Generated::Playground {
                    artifact, content, ..
                } => Some((artifact, content)),
                Generated::Draft { .. } => None,
            })
        })
    }

    /// Checks a playground generation and hands it out as a [`GenerationRun`].
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 1).unwrap().value;
    /// let result = std::thread::spawn(move || run.execute()).join().unwrap(); // off the hub
    /// match hub.finish_generation(result).unwrap().value {
    ///     Generated::Playground { watermarked, .. } => assert!(watermarked), // not subscribed (G2)
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn begin_playground(
        &self,
        seller: &str,
        model: &ModelId,
        brief: Brief,
        seed: u64,
    ) -> CommandResult<GenerationRun> {
        traced("begin_playground", || {
            self.begin(GenerationRequest::Playground {
                seller: seller.into(),
                model: model.clone(),
                brief,
                seed,
            })
        })
    }

    /// Immediate-download path (G3): generates a watermarked draft priced by the
    /// model's quote for `brief.quantity` units (G1, G5, W1, W2).
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
    /// let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let o = hub.order("bob", &order).unwrap();
    /// assert_eq!((o.status, o.path), (OrderStatus::Drafted, OrderPath::ImmediateDownload));
    /// assert_eq!(o.quote.unwrap().total, usd("20"));
    /// ```
    pub fn order_draft(
        &self,
        client: &str,
        model: &ModelId,
        brief: Brief,
        seed: u64,
    ) -> CommandResult<OrderId> {
        traced("order_draft", || {
            let begun = self.begin_order_draft(client, model, brief, seed)?;
            self.generate(begun, draft_order)
        })
    }

    /// Checks an immediate-download order and hands its generation out as a
    /// [`GenerationRun`]; the order is created when the draft is finished.
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
    /// let run = hub.begin_order_draft("bob", &model, Brief::new("two koi").with_quantity(2), 7).unwrap().value;
    /// let result = std::thread::spawn(move || run.execute()).join().unwrap(); // off the hub
    /// let Generated::Draft { order } = hub.finish_generation(result).unwrap().value else { panic!() };
    /// assert_eq!(hub.order("bob", &order).unwrap().quote.unwrap().total, usd("40"));
    /// ```
    pub fn begin_order_draft(
        &self,
        client: &str,
        model: &ModelId,
        brief: Brief,
        seed: u64,
    ) -> CommandResult<GenerationRun> {
        traced("begin_order_draft", || {
            self.begin(GenerationRequest::OrderDraft {
                client: client.into(),
                model: model.clone(),
                brief,
                seed,
            })
        })
    }

    /// Custom-offer path (G3, V2): the client contacts the seller with a brief.
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
    /// let order = hub.contact_seller("bob", &model, Brief::new("a koi sleeve")).unwrap().value;
    /// let o = hub.order("ana", &order).unwrap();
    /// assert_eq!((o.path, o.status), (OrderPath::CustomOffer, OrderStatus::OfferRequested));
    /// assert!(o.draft.is_none()); // nothing is generated before an offer is accepted
    /// ```
    pub fn contact_seller(
        &self,
        client: &str,
        model: &ModelId,
        brief: Brief,
    ) -> CommandResult<OrderId> {
        traced("contact_seller", || {
            self.execute(&partition_of("model", model)?, |p, ctx| {
                let m = p.model(model)?;
                m.ensure_servable(p.latest_subscription())?;
                let order = Order::open(
                    ctx.ids.order(),
                    client,
                    m,
                    OrderPath::CustomOffer,
                    brief.clone(),
                    0,
                    None,
                    ctx,
                )?;
                Ok((
                    order.id.clone(),
                    vec![Event::OrderCreated {
                        order: Box::new(order),
                    }],
                ))
            })
        })
    }

    /// The client accepts the offer; the model generates the watermarked draft.
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
    /// let order = hub.contact_seller("bob", &model, Brief::new("a koi sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("80"), non_ai_work: usd("30"), revisions: 2, revision_window_hours: 72, terms: "Two rounds of edits.".into() };
    /// hub.send_custom_offer("ana", &order, offer).unwrap();
    /// hub.accept_offer("bob", &order, 7).unwrap();
    /// let o = hub.order("bob", &order).unwrap();
    /// assert_eq!(o.status, OrderStatus::Drafted);
    /// assert!(o.draft.is_some());
    /// ```
    pub fn accept_offer(&self, client: &str, order: &OrderId, seed: u64) -> CommandResult<()> {
        traced("accept_offer", || {
            let begun = self.begin_accept_offer(client, order, seed)?;
            self.generate(begun, |g| {
                matches!(g, Generated::Draft { .. }).then_some(())
            })
        })
    }

    /// Checks an offer's acceptance and hands its draft's generation out.
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
    /// let order = hub.contact_seller("bob", &model, Brief::new("a koi sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("80"), non_ai_work: usd("30"), revisions: 2, revision_window_hours: 72, terms: "Two rounds of edits.".into() };
    /// hub.send_custom_offer("ana", &order, offer).unwrap();
    /// let run = hub.begin_accept_offer("bob", &order, 7).unwrap().value;
    /// let result = std::thread::spawn(move || run.execute()).join().unwrap(); // off the hub
    /// assert_eq!(hub.finish_generation(result).unwrap().value, Generated::Draft { order: order.clone() });
    /// assert_eq!(hub.order("bob", &order).unwrap().status, OrderStatus::Drafted);
    /// ```
    pub fn begin_accept_offer(
        &self,
        client: &str,
        order: &OrderId,
        seed: u64,
    ) -> CommandResult<GenerationRun> {
        traced("begin_accept_offer", || {
            self.begin(GenerationRequest::AcceptOffer {
                client: client.into(),
                order: order.clone(),
                seed,
            })
        })
    }

    /// Requests the included revision (V1) with a note; the model generates the
    /// revised watermarked draft at once.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// hub.download("bob", &order).unwrap(); // starts the one-day window (V1)
    /// hub.request_revision("bob", &order, "Make the koi orange.").unwrap();
    /// let o = hub.order("bob", &order).unwrap();
    /// assert_eq!((o.status, o.revision_notes.len()), (OrderStatus::RevisionDelivered, 1));
    /// assert_eq!(hub.request_revision("bob", &order, "Again?").unwrap_err().code(), "revision_not_allowed");
    /// ```
    pub fn request_revision(&self, client: &str, order: &OrderId, note: &str) -> CommandResult<()> {
        traced("request_revision", || {
            let begun = self.begin_revision(client, order, note)?;
            self.generate(begun, |g| {
                matches!(g, Generated::Draft { .. }).then_some(())
            })
        })
    }

    /// Checks a revision request and hands its draft's generation out; the window
    /// (V1) is judged at the instant of the request.
    ///
    /// ```
    /// use chrono::Duration;
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// hub.download("bob", &order).unwrap(); // starts the one-day window (V1)
    /// let run = hub.begin_revision("bob", &order, "Make the koi orange.").unwrap().value;
    /// clock.advance(Duration::days(2)).unwrap(); // a slow generator: the window was judged when asked
    /// hub.finish_generation(run.execute()).unwrap();
    /// assert_eq!(hub.order("bob", &order).unwrap().status, OrderStatus::RevisionDelivered);
    /// ```
    pub fn begin_revision(
        &self,
        client: &str,
        order: &OrderId,
        note: &str,
    ) -> CommandResult<GenerationRun> {
        traced("begin_revision", || {
            self.begin(GenerationRequest::Revision {
                client: client.into(),
                order: order.clone(),
                note: note.to_owned(),
            })
        })
    }

    /// Checks `request` now and hands its generation out.
    fn begin(&self, request: GenerationRequest) -> CommandResult<GenerationRun> {
        let partition = request
            .partition()
            .ok_or_else(|| Error::not_found("model or order", request_target(&request)))?;
        let planned = self.execute(&partition, |p, ctx| {
            Ok((request.plan(p, ctx, ctx.now)?, Vec::new()))
        })?;
        let events = planned.events;
        let run = self
            .generation_run(planned.value, None)
            .map_err(|error| Refused {
                error,
                events: events.clone(),
            })?;
        Ok(Outcome { value: run, events })
    }

    /// The run of a checked generation (for the `attempt`-th run of a queued job
    /// when `job` is set: its progress then renews the job's lease).
    fn generation_run(
        &self,
        plan: Plan,
        job: Option<(GenerationId, u32)>,
    ) -> Result<GenerationRun, Error> {
        let Plan {
            purpose,
            subcategory,
            style,
            brief,
            seed,
            marks,
        } = plan;
        let generator = self.inner.generators.get(&subcategory)?;
        let (cancel, heartbeat) = match &job {
            Some((id, attempt)) => {
                let work = WorkId::Generation(id.clone());
                let cancel = lock(&self.inner.tokens)
                    .entry(work.clone())
                    .or_default()
                    .clone();
                (cancel.clone(), Some(self.beats(work, *attempt, cancel)))
            }
            None => (CancelToken::default(), None),
        };
        Ok(GenerationRun {
            purpose,
            generator,
            style,
            styles: self.inner.styles.clone(),
            blobs: self.inner.blobs.clone(),
            brief,
            seed,
            marks,
            watermark: self.inner.watermark.clone(),
            cancel,
            job,
            heartbeat,
        })
    }

    /// Runs a begun generation in this thread and finishes it.
    fn generate<T>(
        &self,
        begun: Outcome<GenerationRun>,
        value: impl FnOnce(Generated) -> Option<T>,
    ) -> CommandResult<T> {
        let result = begun.value.execute();
        let finished = self.finish_generation(result).map_err(|mut r| {
            r.events.splice(0..0, begun.events.clone());
            r
        })?;
        let mut events = begun.events;
        events.extend(finished.events);
        let value = value(finished.value).ok_or_else(|| Refused {
            error: Error::invalid("generation", "finished as another kind"),
            events: events.clone(),
        })?;
        Ok(Outcome { value, events })
    }

    /// Records what a [`GenerationRun`] produced, deciding on the partition as it is
    /// now: the playground generation (G2, M2), the new order with its draft (G1, G3),
    /// or the draft of an accepted offer or a revision (V1, V2), each marked (W1, W2).
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
    /// let run = hub.begin_playground("ana", &model, Brief::new("koi"), 1).unwrap().value;
    /// let result = run.execute(); // generated and stored, nothing recorded yet
    /// let recorded = hub.finish_generation(result).unwrap();
    /// assert_eq!(recorded.events[0].kind(), "playground_generated");
    /// assert_eq!(hub.model("ana", &model).unwrap().playground_generations, 1);
    /// ```
    pub fn finish_generation(&self, result: GenerationResult) -> CommandResult<Generated> {
        traced("finish_generation", || {
            if result.job.is_some() {
                let finished = self.finish_generation_job(result)?;
                return match finished.value {
                    (_, Ok(generated)) => Ok(Outcome {
                        value: generated,
                        events: finished.events,
                    }),
                    (_, Err(error)) => Err(Refused {
                        error,
                        events: finished.events,
                    }),
                };
            }
            let GenerationResult {
                purpose,
                made,
                blobs,
                watermark,
                seed,
                ..
            } = result;
            let made = made?;
            self.execute(&purpose.partition()?, |p, ctx| {
                record_generation(p, ctx, &purpose, &made, seed, &watermark, blobs.as_ref())
            })
        })
    }

    /// Finishes the run of a queued generation: what it made is recorded with the
    /// job's success; a generator failure, or a request that no longer holds (the
    /// model unpublished, the order moved on), fails the job instead. Returns the
    /// job's status and what was made (or why not). Refused, recording nothing, when
    /// the run lost its lease (`job_lease_lost`).
    pub(crate) fn finish_generation_job(
        &self,
        result: GenerationResult,
    ) -> CommandResult<(JobStatus, Result<Generated, Error>)> {
        let GenerationResult {
            purpose,
            job,
            made,
            blobs,
            watermark,
            seed,
        } = result;
        let Some((job, attempt)) = job else {
            return Err(Error::invalid("result", "not the result of a queued generation").into());
        };
        lock(&self.inner.tokens).remove(&WorkId::Generation(job.clone()));
        self.execute(&purpose.partition()?, |p, ctx| {
            let g = p.generation(&job)?;
            let recorded = made.as_ref().map_err(Clone::clone).and_then(|made| {
                record_generation(p, ctx, &purpose, made, seed, &watermark, blobs.as_ref())
            });
            Ok(match recorded {
                Ok((generated, mut events)) => {
                    let outcome = Ok(generated.outcome());
                    events.extend(g.decide(GenerationCommand::Finish { attempt, outcome }, ctx)?);
                    ((JobStatus::Succeeded, Ok(generated)), events)
                }
                Err(error) => {
                    let events = g.decide(
                        GenerationCommand::Finish {
                            attempt,
                            outcome: Err(error.to_string()),
                        },
                        ctx,
                    )?;
                    let status = if matches!(events.last(), Some(Event::GenerationCancelled { .. }))
                    {
                        JobStatus::Cancelled
                    } else {
                        JobStatus::Failed
                    };
                    ((status, Err(error)), events)
                }
            })
        })
    }

    // ----- subscription (S) -----------------------------------------------------------

    /// Subscribes the seller; the first month is charged to a stored card or PayPal (S1, S2).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// let sub = hub.subscribe("ana", &"card".into()).unwrap().value;
    /// assert_eq!(sub.as_str(), "ana/sub-1");
    /// assert!(hub.subscription("ana").unwrap().unwrap().is_active());
    /// assert_eq!(hub.subscribe("ana", &"card".into()).unwrap_err().code(), "already_subscribed");
    /// ```
    pub fn subscribe(
        &self,
        seller: &str,
        method: &PaymentMethodId,
    ) -> CommandResult<SubscriptionId> {
        traced("subscribe", || {
            self.execute(&seller.into(), |p, ctx| {
                let request =
                    Subscription::prepare(p.seller()?, p.latest_subscription(), method, ctx)?;
                let events = Subscription::start(&request, self.charge(&request, ctx.now)?, ctx)?;
                Ok((ctx.ids.subscription(), events))
            })
        })
    }

    /// Settles whatever is due now (renewals, ends, jobs whose worker vanished) in
    /// every partition the store's due index names: what a host's scheduler calls.
    /// Every command also settles its own partition first.
    ///
    /// A partition that cannot be settled now (the gateway did not answer a renewal,
    /// S5; the store failed) does not hold up the others: the tick settles every
    /// other partition, then is refused with the first such error, carrying every
    /// event it recorded. The partition stays due; the next tick retries it, with
    /// the same idempotency key.
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// assert!(hub.tick().unwrap().events.is_empty()); // nothing due yet
    /// clock.advance(Duration::days(29)).unwrap();
    /// let kinds: Vec<_> = hub.tick().unwrap().events.iter().map(|e| e.kind()).collect();
    /// assert_eq!(kinds, ["subscription_charged", "quota_renewed"]);
    /// ```
    pub fn tick(&self) -> CommandResult<()> {
        traced("tick", || {
            const BATCH: usize = 256;
            let now = self.now();
            let mut events = Vec::new();
            let mut first_error = None;
            let mut seen = std::collections::HashSet::new();
            loop {
                let due = match self.inner.store.due(now, BATCH) {
                    Ok(due) => due,
                    Err(error) => {
                        return Err(Refused {
                            error: first_error.unwrap_or(error),
                            events,
                        })
                    }
                };
                let fresh: Vec<SellerId> = due
                    .iter()
                    .filter(|p| seen.insert((*p).clone()))
                    .cloned()
                    .collect();
                if fresh.is_empty() {
                    break;
                }
                for partition in fresh {
                    match self.run(&partition, true, |_, _| Ok(((), Vec::new()))) {
                        Ok(o) => events.extend(o.events),
                        Err(r) => {
                            events.extend(r.events);
                            first_error.get_or_insert(r.error);
                        }
                    }
                }
                if due.len() < BATCH {
                    break;
                }
            }
            match first_error {
                Some(error) => Err(Refused { error, events }),
                None => Ok(Outcome { value: (), events }),
            }
        })
    }

    /// Renews the seller's subscription if due and returns the current period's
    /// charge. Repeating it never charges a period twice (S5).
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// let first = hub.renew_subscription("ana").unwrap().value.unwrap(); // nothing due: the current charge
    /// assert_eq!((first.period, first.amount), (0, usd("25")));
    /// clock.advance(Duration::days(29)).unwrap();
    /// let second = hub.renew_subscription("ana").unwrap().value.unwrap();
    /// assert_eq!(second.period, 1);
    /// assert_eq!(hub.renew_subscription("ana").unwrap().value, Some(second)); // never charged twice (S5)
    /// ```
    pub fn renew_subscription(&self, seller: &str) -> CommandResult<Option<Charge>> {
        traced("renew_subscription", || {
            self.execute(&seller.into(), |p, ctx| {
                let sub = live_subscription(p)?;
                let key = Subscription::charge_key(&sub.id, sub.period_at(ctx.now).index);
                Ok((
                    sub.charges
                        .iter()
                        .find(|c| c.idempotency_key == key)
                        .cloned(),
                    Vec::new(),
                ))
            })
        })
    }

    /// Pays a past-due renewal (balance first, else the stored method) (S2).
    ///
    /// ```
    /// use chrono::Duration;
    /// use fivergo_core::*;
    /// let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// let gateway = SimulatedGateway::default();
    /// let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// gateway.set_declined("card", true);
    /// clock.advance(Duration::days(29)).unwrap();
    /// hub.tick().unwrap(); // the renewal is declined
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().state_name(), "past_due");
    /// gateway.set_declined("card", false);
    /// hub.pay_past_due("ana").unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().state_name(), "active");
    /// ```
    pub fn pay_past_due(&self, seller: &str) -> CommandResult<()> {
        traced("pay_past_due", || {
            self.execute(&seller.into(), |p, ctx| {
                let sub = live_subscription(p)?;
                let period = sub.past_due_period()?;
                match self.pay(sub.renewal_plan(p.seller()?, period, ctx.policy), ctx.now)? {
                    // The charge is taken now; the period, and its quota, began on its
                    // anniversary all the same (T3).
                    Ok(source) => {
                        let due_at = crate::billing::anniversary(sub.anchor, period);
                        Ok((
                            (),
                            sub.decide(
                                SubscriptionCommand::RecordRenewal {
                                    period,
                                    due_at,
                                    paid: Ok(source),
                                },
                                ctx,
                            )?,
                        ))
                    }
                    Err((method, reason)) => Err(Error::PaymentDeclined {
                        method,
                        amount: ctx.policy.monthly_fee(),
                        reason,
                    }),
                }
            })
        })
    }

    /// Cancels at the end of the paid cycle; features stay until then (S3).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// let until = hub.cancel_subscription("ana").unwrap().value;
    /// assert_eq!(until.to_rfc3339(), "2026-02-28T10:00:00+00:00"); // features stay until then
    /// let sub = hub.subscription("ana").unwrap().unwrap();
    /// assert_eq!((sub.state_name(), sub.is_active()), ("cancelling", true));
    /// ```
    pub fn cancel_subscription(&self, seller: &str) -> CommandResult<DateTime<Utc>> {
        traced("cancel_subscription", || {
            self.execute(&seller.into(), |p, ctx| {
                let sub = any_subscription(p)?;
                Ok((
                    sub.paid_until(),
                    sub.decide(SubscriptionCommand::Cancel, ctx)?,
                ))
            })
        })
    }

    /// Takes a cancellation back before the period ends (S3 decision).
    ///
    /// ```
    /// use fivergo_core::*;
    /// # let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::Usd).unwrap();
    /// hub.subscribe("ana", &"card".into()).unwrap();
    /// hub.cancel_subscription("ana").unwrap();
    /// hub.resume_subscription("ana").unwrap();
    /// assert_eq!(hub.subscription("ana").unwrap().unwrap().state_name(), "active");
    /// assert_eq!(hub.resume_subscription("ana").unwrap_err().code(), "not_cancelled");
    /// ```
    pub fn resume_subscription(&self, seller: &str) -> CommandResult<()> {
        traced("resume_subscription", || {
            self.execute(&seller.into(), |p, ctx| {
                Ok((
                    (),
                    any_subscription(p)?.decide(SubscriptionCommand::Resume, ctx)?,
                ))
            })
        })
    }

    // ----- orders (G, V, F, R, D) ----------------------------------------------------

    /// The seller answers with a custom offer and its own terms (V2).
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
    /// let order = hub.contact_seller("bob", &model, Brief::new("a koi sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("80"), non_ai_work: usd("30"), revisions: 2, revision_window_hours: 72, terms: "Two rounds of edits.".into() };
    /// hub.send_custom_offer("ana", &order, offer.clone()).unwrap();
    /// let o = hub.order("bob", &order).unwrap();
    /// assert_eq!((o.status, o.offer), (OrderStatus::OfferSent, Some(offer)));
    /// ```
    pub fn send_custom_offer(
        &self,
        seller: &str,
        order: &OrderId,
        offer: CustomOffer,
    ) -> CommandResult<()> {
        traced("send_custom_offer", || {
            let actor = SellerId::from(seller);
            self.execute(&partition_of("order", order)?, |p, ctx| {
                Ok((
                    (),
                    p.seller_order(&actor, order)?.decide(
                        OrderCommand::SendOffer {
                            offer: offer.clone(),
                        },
                        ctx,
                    )?,
                ))
            })
        })
    }

    /// The client approves the current delivery (G1); approving a revised delivery
    /// completes the order with an edit (R2).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// hub.approve("bob", &order).unwrap();
    /// assert!(hub.order("bob", &order).unwrap().approved);
    /// assert_eq!(hub.approve("eve", &order).unwrap_err().code(), "forbidden");
    /// ```
    pub fn approve(&self, client: &str, order: &OrderId) -> CommandResult<()> {
        traced("approve", || {
            self.on_client_order(client, order, || OrderCommand::Approve)
                .map(unit)
        })
    }

    /// The host reports the client's completed payment of the order's price (G1).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// let price = hub.order("bob", &order).unwrap().quote.unwrap().total;
    /// hub.record_payment("bob", &order, price).unwrap();
    /// assert!(hub.order("bob", &order).unwrap().paid_at.is_some());
    /// assert_eq!(hub.download("bob", &order).unwrap_err().code(), "not_approved_and_paid"); // approval too (G1)
    /// ```
    pub fn record_payment(
        &self,
        client: &str,
        order: &OrderId,
        amount: Money,
    ) -> CommandResult<()> {
        traced("record_payment", || {
            self.on_client_order(client, order, || OrderCommand::RecordPayment { amount })
                .map(unit)
        })
    }

    /// The clean file, for the client of an approved and paid order (G1, D2). The
    /// first download starts the revision window (V1).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// let clean = hub.download("bob", &order).unwrap().value;
    /// assert_eq!(clean.modality(), Modality::Image);
    /// assert!(hub.order("bob", &order).unwrap().downloaded_at.is_some()); // the revision window starts (V1)
    /// ```
    pub fn download(&self, client: &str, order: &OrderId) -> CommandResult<Artifact> {
        traced("download", || {
            let actor = ClientId::from(client);
            self.execute(&partition_of("order", order)?, |p, ctx| {
                let o = p.client_order(&actor, order)?;
                let events = o.decide(OrderCommand::Download, ctx)?;
                // The file is read before the download is recorded: a download that
                // delivers nothing starts no revision window (V1).
                let clean = o
                    .clean
                    .as_ref()
                    .ok_or_else(|| Error::not_found("artifact", order))?;
                Ok((self.admin().artifact(clean)?, events))
            })
        })
    }

    /// G4: no source file exists for AI-generated assets, for anyone.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// let err = hub.request_source_file("bob", &order).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("source_file_unavailable", Some("G4")));
    /// ```
    pub fn request_source_file(&self, _actor: &str, order: &OrderId) -> CommandResult<()> {
        traced("request_source_file", || {
            self.execute(&partition_of("order", order)?, |p, ctx| {
                Ok((
                    (),
                    p.order(order)?
                        .decide(OrderCommand::RequestSourceFile, ctx)?,
                ))
            })
        })
    }

    /// The client accepts the released delivery without edits: the order completes
    /// and cannot be reviewed (R3).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// hub.download("bob", &order).unwrap();
    /// hub.accept_delivery("bob", &order).unwrap();
    /// assert_eq!(hub.order("bob", &order).unwrap().status, OrderStatus::Completed);
    /// assert_eq!(hub.review("bob", &order, 5, "Great").unwrap_err().code(), "review_not_allowed"); // R3
    /// ```
    pub fn accept_delivery(&self, client: &str, order: &OrderId) -> CommandResult<()> {
        traced("accept_delivery", || {
            self.on_client_order(client, order, || OrderCommand::AcceptDelivery)
                .map(unit)
        })
    }

    /// Rates and reviews an order that had an edit, once its final delivery is
    /// approved (R2, R3).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// hub.download("bob", &order).unwrap();
    /// hub.request_revision("bob", &order, "Make the koi orange.").unwrap();
    /// hub.approve("bob", &order).unwrap(); // the edited delivery completes the order (R2)
    /// hub.review("bob", &order, 5, "Spot on after one edit.").unwrap();
    /// assert_eq!(hub.order("bob", &order).unwrap().review.unwrap().stars, 5);
    /// ```
    pub fn review(
        &self,
        client: &str,
        order: &OrderId,
        stars: u8,
        text: &str,
    ) -> CommandResult<()> {
        traced("review", || {
            self.on_client_order(client, order, || OrderCommand::Review { stars, text })
                .map(unit)
        })
    }

    /// F1: full refunds are not available for AI-generated assets.
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// let err = hub.request_full_refund("bob", &order).unwrap_err();
    /// assert_eq!((err.code(), err.rule()), ("full_refund_unavailable", Some("F1")));
    /// ```
    pub fn request_full_refund(&self, client: &str, order: &OrderId) -> CommandResult<()> {
        traced("request_full_refund", || {
            self.on_client_order(client, order, || OrderCommand::RequestFullRefund)
                .map(unit)
        })
    }

    /// F2: the seller refunds part of the work beyond the AI generation.
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
    /// let order = hub.contact_seller("bob", &model, Brief::new("a koi sleeve")).unwrap().value;
    /// let offer = CustomOffer { price: usd("80"), non_ai_work: usd("30"), revisions: 1, revision_window_hours: 24, terms: "Hand-inked linework.".into() };
    /// hub.send_custom_offer("ana", &order, offer).unwrap();
    /// hub.accept_offer("bob", &order, 7).unwrap();
    /// hub.approve("bob", &order).unwrap();
    /// hub.record_payment("bob", &order, usd("80")).unwrap();
    /// hub.issue_partial_refund("ana", &order, usd("10")).unwrap();
    /// assert_eq!(hub.order("ana", &order).unwrap().refunded, usd("10"));
    /// let err = hub.issue_partial_refund("ana", &order, usd("25")).unwrap_err(); // beyond the 30 USD of non-AI work
    /// assert_eq!(err.code(), "partial_refund_not_allowed");
    /// ```
    pub fn issue_partial_refund(
        &self,
        seller: &str,
        order: &OrderId,
        amount: Money,
    ) -> CommandResult<()> {
        traced("issue_partial_refund", || {
            let actor = SellerId::from(seller);
            self.execute(&partition_of("order", order)?, |p, ctx| {
                Ok((
                    (),
                    p.seller_order(&actor, order)?
                        .decide(OrderCommand::PartialRefund { amount }, ctx)?,
                ))
            })
        })
    }

    /// The client makes a paid delivery public (usable by the seller for training)
    /// or private again (D2, D3).
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
    /// # let order = hub.order_draft("bob", &model, Brief::new("a koi"), 7).unwrap().value;
    /// # hub.approve("bob", &order).unwrap();
    /// # hub.record_payment("bob", &order, usd("20")).unwrap();
    /// hub.set_delivery_public("bob", &order, true).unwrap();
    /// assert!(hub.order("bob", &order).unwrap().delivery_public);
    /// let library = hub.assets("ana").unwrap();
    /// assert!(library.iter().any(|a| matches!(&a.source, AssetSource::ClientDelivery { order: o, public: true } if *o == order)));
    /// ```
    pub fn set_delivery_public(
        &self,
        client: &str,
        order: &OrderId,
        public: bool,
    ) -> CommandResult<()> {
        traced("set_delivery_public", || {
            let actor = ClientId::from(client);
            let partition = partition_of("order", order)?;
            // Measuring the clean file is the slow part: done before the decision, from
            // the order as read now, and only when the delivery enters the library.
            let o = self.read(&partition, |p| {
                let o = p.client_order(&actor, order)?;
                Ok(
                    (o.check_visibility(public)? && public && p.delivery_asset(order).is_none())
                        .then(|| o.clone()),
                )
            })?;
            let measured = o.map(|o| self.measure_delivery(&o)).transpose()?;
            self.execute(&partition, |p, ctx| {
                let o = p.client_order(&actor, order)?;
                let new_asset = match (&measured, p.delivery_asset(order)) {
                    (Some((modality, meta, content)), None) => {
                        Some(Box::new(Asset::from_delivery(
                            &o.seller,
                            order,
                            *modality,
                            meta.clone(),
                            content.clone(),
                            ctx,
                        )))
                    }
                    _ => None,
                };
                Ok((
                    (),
                    o.decide(OrderCommand::SetPublic { public, new_asset }, ctx)?,
                ))
            })
        })
    }

    fn measure_delivery(&self, o: &Order) -> Result<(Modality, AssetMeta, Option<BlobRef>), Error> {
        let Some(clean) = &o.clean else {
            return Ok((Modality::Text, AssetMeta::text(), None));
        };
        let bytes = self.inner.blobs.fetch(clean)?;
        // The released clean file carries no draft mark: not looked for.
        let inspected = inspect_upload(bytes.as_bytes(), &self.inner.policy, None)?;
        Ok((inspected.modality, inspected.meta, Some(clean.clone())))
    }

    fn on_client_order<'c>(
        &self,
        client: &str,
        order: &OrderId,
        command: impl Fn() -> OrderCommand<'c>,
    ) -> CommandResult<Order> {
        let actor = ClientId::from(client);
        self.execute(&partition_of("order", order)?, |p, ctx| {
            let o = p.client_order(&actor, order)?;
            Ok((o.clone(), o.decide(command(), ctx)?))
        })
    }
}

/// The events that record what a generation made, decided on the partition as it
/// is now: the playground generation (G2, M2), the new order with its draft (G1,
/// G3), or the draft of an accepted offer or a revision (V1, V2), each marked (W1,
/// W2). A draft marked for an order id that another writer took meanwhile is marked
/// again for the id it gets (rare: only under concurrent orders).
fn record_generation(
    p: &Partition,
    ctx: &Context,
    purpose: &Purpose,
    made: &generation::Made,
    seed: u64,
    watermark: &MarkStyle,
    blobs: &dyn BlobStore,
) -> Result<(Generated, Vec<Event>), Error> {
    let deliver = |order: &OrderId, payload: u64| -> Result<Delivery, Error> {
        let wanted = Marks::Draft {
            reference: order.to_string(),
            payload,
        };
        if made.marks == wanted {
            Ok(made.delivery())
        } else {
            GenerationResult::remarked(made, wanted, seed, watermark, blobs).map(|m| m.delivery())
        }
    };
    match purpose {
        Purpose::Playground {
            seller,
            model,
            watermarked,
        } => {
            let m = p.owned_model(seller, model)?;
            let command = ModelCommand::RecordPlayground {
                artifact: made.shown_ref.clone(),
                watermarked: *watermarked,
            };
            let value = Generated::Playground {
                artifact: made.shown_ref.clone(),
                content: made.shown.clone(),
                watermarked: *watermarked,
            };
            Ok((value, m.decide(command, ctx)?))
        }
        Purpose::NewOrder { order } => {
            let m = p.model(&order.model)?;
            m.ensure_servable(p.latest_subscription())?;
            let mut order = (**order).clone();
            if p.orders.contains_key(&order.id) {
                order.id = ctx.ids.order();
            }
            let delivery = deliver(&order.id, order.next_payload())?;
            let id = order.id.clone();
            Ok((
                Generated::Draft { order: id },
                order.opened_with(delivery, ctx.now),
            ))
        }
        Purpose::AcceptOffer { client, order } => {
            let o = p.client_order(client, order)?;
            p.model(&o.model)?
                .ensure_servable(p.latest_subscription())?;
            let delivery = deliver(order, o.next_payload())?;
            Ok((
                Generated::Draft {
                    order: order.clone(),
                },
                o.decide(OrderCommand::AcceptOffer { delivery }, ctx)?,
            ))
        }
        Purpose::Revision {
            client,
            order,
            note,
            requested_at,
        } => {
            let o = p.client_order(client, order)?;
            p.model(&o.model)?
                .ensure_servable(p.latest_subscription())?;
            let delivery = deliver(order, o.next_payload())?;
            let command = OrderCommand::RequestRevision {
                note,
                requested_at: *requested_at,
                delivery,
            };
            Ok((
                Generated::Draft {
                    order: order.clone(),
                },
                o.decide(command, ctx)?,
            ))
        }
    }
}

/// The model or order a generation request names, for a `not_found` message.
fn request_target(request: &GenerationRequest) -> String {
    match request {
        GenerationRequest::Playground { model, .. }
        | GenerationRequest::OrderDraft { model, .. } => model.to_string(),
        GenerationRequest::AcceptOffer { order, .. }
        | GenerationRequest::Revision { order, .. } => order.to_string(),
    }
}

fn draft_order(g: Generated) -> Option<OrderId> {
    match g {
        Generated::Draft { order } => Some(order),
        Generated::Playground { .. } => None,
    }
}

fn unit(o: Outcome<Order>) -> Outcome<()> {
    Outcome {
        value: (),
        events: o.events,
    }
}

/// An asset id of another seller's library is another seller's asset (D1); one of
/// no partition at all does not exist.
fn foreign_or_missing(actor: &SellerId, id: &AssetId) -> Error {
    match id.partition() {
        Some(owner) if &owner != actor => Error::Forbidden {
            actor: actor.to_string(),
            entity: "asset".into(),
            id: id.to_string(),
            rule: "D1",
        },
        _ => Error::not_found("asset", id),
    }
}

fn any_subscription(p: &Partition) -> Result<&Subscription, Error> {
    p.seller()?;
    p.latest_subscription()
        .ok_or_else(|| Error::SubscriptionRequired {
            seller: p.id.clone(),
            action: "manage a subscription".into(),
            state: "none".into(),
        })
}

fn live_subscription(p: &Partition) -> Result<&Subscription, Error> {
    let sub = any_subscription(p)?;
    if let crate::subscription::SubscriptionStatus::Ended { at, .. } = sub.status {
        return Err(Error::SubscriptionEnded {
            subscription: sub.id.clone(),
            ended_at: at,
        });
    }
    Ok(sub)
}

/// A short, growing pause between attempts on a contended partition.
fn backoff(attempt: u32) {
    std::thread::sleep(std::time::Duration::from_micros(
        200 * u64::from(attempt * attempt),
    ));
}

/// What an upload is, as measured (pictures and recordings need the `media` feature), with its media type.
struct Upload {
    modality: Modality,
    meta: AssetMeta,
    media_type: &'static str,
}

/// Measures an upload, and with `marks`, for a picture, whether it is one of this
/// hub's drafts (its invisible mark read under them: `AssetMeta::draft_mark`).
fn inspect_upload(
    bytes: &[u8],
    policy: &Policy,
    marks: Option<&watermark::MarkStyle>,
) -> Result<Upload, Error> {
    let inspected = crate::media::inspect_marked(bytes, policy, marks.map(|m| &m.invisible))?;
    Ok(Upload {
        modality: inspected.modality,
        meta: inspected.meta,
        media_type: crate::media::media_type(bytes),
    })
}
