//! Where partitions live: the [`Store`] trait and its implementations.
//!
//! A store keeps, per seller partition, the ordered events (unique on partition and
//! sequence), an optional snapshot so loading never replays a long history, and
//! four indexes the engine maintains with every append: when the partition next
//! falls due (renewals, ends, training leases: what [`Hub::tick`](crate::Hub::tick)
//! asks for), which jobs workers may claim and from when ([`Store::claim_job`], see
//! [`crate::jobs`]), which orders each client placed, and which order each draft's
//! invisible payload belongs to. Every event also gets a global position, read in
//! order by an outbox cursor ([`Store::events_since`]).
//!
//! An append names the version it read; if the partition moved on meanwhile the
//! store refuses it ([`AppendError::Conflict`]) and writes nothing: the engine reloads
//! and decides again, a bounded number of times. Everything of one append — events,
//! indexes, snapshot — is written in one transaction.
//!
//! | Store | For |
//! |---|---|
//! | [`MemoryStore`] | tests, demos, simulations |
//! | [`SqliteStore`](sqlite::SqliteStore) (feature `sqlite`) | one machine, one or several processes: the embedded persistent default |
//! | `PostgresStore` (feature `postgres`, module `postgres`) | many app servers and workers on one PostgreSQL |
//!
//! The trait is written for a server database too: a load is one read of a
//! snapshot row and the events after it; an append is one transaction with a
//! version check (or a row lock); the due index is what several workers claim with
//! `FOR UPDATE SKIP LOCKED`; every query names one partition key except the due
//! scan, the client and payload indexes and the outbox.

mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use memory::MemoryStore;

use crate::error::Error;
use crate::event::{Event, Recorded};
use crate::ids::{ClientId, OrderId, SellerId};
use crate::jobs::WorkId;
use crate::partition::Partition;
use crate::subscription::ChargeFailure;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A position in a store's global event order: the events after it are what a host
/// has not read yet. `Cursor::default()` is the start.
///
/// ```
/// use fivergo_core::store::Cursor;
/// assert_eq!(Cursor::default().0, 0);
/// ```
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cursor(pub u64);

/// What [`Store::load`] returns: the latest snapshot newer than what the caller
/// knows (with its version), then every event after it.
///
/// ```
/// use fivergo_core::{store::{Loaded, Store}, *};
/// let hub = Hub::builder().build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// hub.add_gig("ana", "tattoo").unwrap();
/// let loaded: Loaded = hub.store().load(&"ana".into(), 1).unwrap(); // what the caller lacks after version 1
/// assert!(loaded.snapshot.is_none());
/// assert_eq!(loaded.events.iter().map(|r| r.kind()).collect::<Vec<_>>(), ["gig_added"]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The partition at some version, if the store has a snapshot newer than the
    /// caller's.
    pub snapshot: Option<(u64, Partition)>,
    /// The events after the snapshot (or after the caller's version), in order.
    pub events: Vec<Recorded>,
}

/// The index entries an append writes with its events.
///
/// ```
/// use fivergo_core::{store::IndexUpdate, *};
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
/// let p = hub.admin().partition("ana").unwrap();
/// let created = Event::OrderCreated { order: Box::new(p.order(&order).unwrap().clone()) };
/// let update = IndexUpdate::of(&[created], &p, hub.policy());
/// assert_eq!(update.orders, [(ClientId::from("bob"), order.clone())]); // the client index
/// assert_eq!(update.due, p.next_due(hub.policy())); // the subscription's renewal
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexUpdate {
    /// When the partition next falls due (`None`: nothing scheduled).
    pub due: Option<DateTime<Utc>>,
    /// Orders the events created, by client.
    pub orders: Vec<(ClientId, OrderId)>,
    /// Draft payloads the events delivered, with their order (W2).
    pub payloads: Vec<(u64, OrderId)>,
    /// Jobs the events changed, with when a worker may claim each next (`None`: it
    /// ended, drop it from the job index).
    pub jobs: Vec<(WorkId, Option<DateTime<Utc>>)>,
}

impl IndexUpdate {
    /// The index entries of `events`, appended to a partition that then is `after`.
    ///
    /// ```
    /// use fivergo_core::{store::IndexUpdate, *};
    /// let policy = Policy::default();
    /// let p = Partition::new("ana".into());
    /// let at = "2026-02-18T09:00:00Z".parse().unwrap();
    /// let events = [Event::GigAdded { seller: "ana".into(), subcategory: "tattoo".into(), at }];
    /// assert_eq!(IndexUpdate::of(&events, &p, &policy), IndexUpdate::default()); // nothing to index
    /// ```
    pub fn of(events: &[Event], after: &Partition, policy: &crate::Policy) -> Self {
        let mut update = IndexUpdate {
            due: after.next_due(policy),
            ..Self::default()
        };
        for e in events {
            match e {
                Event::OrderCreated { order } => {
                    update.orders.push((order.client.clone(), order.id.clone()))
                }
                Event::DraftDelivered {
                    order,
                    payload: Some(payload),
                    ..
                } => update.payloads.push((*payload, order.clone())),
                _ => {}
            }
            if let Some(work) = e.work() {
                if !update.jobs.iter().any(|(w, _)| *w == work) {
                    let ready = after.ready_at(&work);
                    update.jobs.push((work, ready));
                }
            }
        }
        update
    }
}

/// One append: events for one partition, the version they were decided on, their
/// index entries and, every so often, the partition's new snapshot.
///
/// ```
/// use fivergo_core::{store::*, *};
/// let (store, policy, partition) = (MemoryStore::default(), Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// let events = Seller::register(None, &"ana".into(), SellerLevel::Level2, false, &ctx).unwrap();
/// let index = IndexUpdate::default();
/// let append = Append { partition: &"ana".into(), expected: 0, events: &events, recorded_at: ctx.now, index: &index, snapshot: None };
/// let recorded = store.append(append).unwrap();
/// assert_eq!((recorded[0].id.as_str(), recorded[0].sequence), ("ana/event-1", 1));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Append<'a> {
    /// The partition.
    pub partition: &'a SellerId,
    /// The version (event count) the events were decided on.
    pub expected: u64,
    /// The events, in order.
    pub events: &'a [Event],
    /// When they are recorded.
    pub recorded_at: DateTime<Utc>,
    /// Their index entries.
    pub index: &'a IndexUpdate,
    /// The partition after these events, when the engine wants it snapshotted.
    pub snapshot: Option<&'a Partition>,
}

/// Why an append wrote nothing.
///
/// ```
/// use fivergo_core::{store::*, *};
/// let (store, policy, partition) = (MemoryStore::default(), Policy::default(), Partition::new("ana".into()));
/// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
/// let events = Seller::register(None, &"ana".into(), SellerLevel::Level2, false, &ctx).unwrap();
/// let index = IndexUpdate::default();
/// let append = Append { partition: &"ana".into(), expected: 0, events: &events, recorded_at: ctx.now, index: &index, snapshot: None };
/// store.append(append).unwrap();
/// // Another writer decided on version 0 too: refused, nothing written.
/// assert_eq!(store.append(append).unwrap_err(), AppendError::Conflict { actual: 1 });
/// assert_eq!(store.version(&"ana".into()).unwrap(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum AppendError {
    /// The partition is at version `actual`, not the one the events were decided on.
    Conflict {
        /// The partition's version now.
        actual: u64,
    },
    /// The store failed.
    Failed(Error),
}

impl From<Error> for AppendError {
    fn from(e: Error) -> Self {
        AppendError::Failed(e)
    }
}

/// A place for partitions: event streams per seller, snapshots and indexes. See the
/// [module docs](self).
///
/// ```
/// use fivergo_core::{store::*, *};
/// use std::sync::Arc;
/// let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
/// let a = Hub::builder().shared_store(store.clone()).build().unwrap(); // two engines,
/// let b = Hub::builder().shared_store(store.clone()).build().unwrap(); // one marketplace
/// a.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// assert_eq!(b.seller("ana").unwrap().level, SellerLevel::Level2);
/// assert_eq!(store.version(&"ana".into()).unwrap(), 1);
/// ```
pub trait Store: Send + Sync {
    /// The partition's snapshot newer than version `after` (if any) and the events
    /// after it — or, without such a snapshot, the events after `after`.
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// let loaded = hub.store().load(&"ana".into(), 0).unwrap();
    /// assert_eq!(loaded.events[0].kind(), "seller_registered");
    /// assert!(hub.store().load(&"bob".into(), 0).unwrap().events.is_empty()); // an unknown partition
    /// ```
    fn load(&self, partition: &SellerId, after: u64) -> Result<Loaded, Error>;

    /// The partition's version: how many events it holds (0 for an unknown one).
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.add_gig("ana", "tattoo").unwrap();
    /// assert_eq!(hub.store().version(&"ana".into()).unwrap(), 2);
    /// assert_eq!(hub.store().version(&"bob".into()).unwrap(), 0);
    /// ```
    fn version(&self, partition: &SellerId) -> Result<u64, Error>;

    /// Appends events decided on version `expected`, with their index entries and
    /// optional snapshot, all or nothing; returns them as recorded.
    ///
    /// ```
    /// use fivergo_core::{store::*, *};
    /// let (store, policy, partition) = (MemoryStore::default(), Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let events = Seller::register(None, &"ana".into(), SellerLevel::Level2, false, &ctx).unwrap();
    /// let index = IndexUpdate { due: Some(ctx.now), ..IndexUpdate::default() };
    /// let append = Append { partition: &"ana".into(), expected: 0, events: &events, recorded_at: ctx.now, index: &index, snapshot: None };
    /// assert_eq!(store.append(append).unwrap().len(), 1); // the events and their index, together
    /// assert_eq!(store.due(ctx.now, 10).unwrap(), [SellerId::from("ana")]);
    /// ```
    fn append(&self, append: Append<'_>) -> Result<Vec<Recorded>, AppendError>;

    /// Up to `limit` partitions with something due at or before `until`, earliest
    /// first.
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let gateway = SimulatedGateway::default();
    /// # let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # hub.subscribe("ana", &"card".into()).unwrap();
    /// let renewal = "2026-03-18T09:00:00Z".parse().unwrap();
    /// assert!(hub.store().due(hub.now(), 10).unwrap().is_empty());
    /// assert_eq!(hub.store().due(renewal, 10).unwrap(), [SellerId::from("ana")]);
    /// ```
    fn due(&self, until: DateTime<Utc>, limit: usize) -> Result<Vec<SellerId>, Error>;

    /// Claims the job that has been ready longest at `now` (queued, or running on a
    /// lease that ended), for `worker`: no other claim returns it before `now +
    /// hold`, unless an append about the job moves it first. `None` when no job is
    /// ready. Several workers claim concurrently without waiting on each other
    /// (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
    /// # let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap());
    /// # let hub = Hub::builder().clock(clock.clone()).build().unwrap();
    /// # hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// # hub.add_gig("ana", "tattoo").unwrap();
    /// # hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    /// # let model = hub.create_model("ana", "tattoo").unwrap().value;
    /// # let art = hub.add_asset("ana", AssetSource::Upload, Modality::Image, AssetMeta::image(1024, 1024), &[]).unwrap().value;
    /// # hub.select_assets("ana", &model, &[art.clone()]).unwrap();
    /// # hub.attest_originality("ana", &model).unwrap();
    /// let job = hub.start_training("ana", &model).unwrap().value;
    /// let hold = chrono::Duration::seconds(30);
    /// let work = hub.store().claim_job("w1", hub.now(), hold).unwrap();
    /// assert_eq!(work, Some(WorkId::Training(job)));
    /// assert_eq!(hub.store().claim_job("w2", hub.now(), hold).unwrap(), None); // claimed by w1 for 30 s
    /// ```
    fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        hold: chrono::Duration,
    ) -> Result<Option<WorkId>, Error>;

    /// Up to `limit` events after `cursor`, in global order.
    ///
    /// ```
    /// use fivergo_core::{store::{Cursor, Store}, *};
    /// let hub = Hub::builder().build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.register_seller("bob", SellerLevel::Level2, false).unwrap();
    /// let events = hub.store().events_since(Cursor::default(), 10).unwrap();
    /// assert_eq!(events.iter().map(|r| r.position).collect::<Vec<_>>(), [1, 2]); // every partition, in order
    /// assert!(hub.store().events_since(Cursor(2), 10).unwrap().is_empty());
    /// ```
    fn events_since(&self, cursor: Cursor, limit: usize) -> Result<Vec<Recorded>, Error>;

    /// The orders `client` placed, oldest first.
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
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
    /// assert_eq!(hub.store().client_orders(&"bob".into()).unwrap(), [order]);
    /// assert!(hub.store().client_orders(&"eve".into()).unwrap().is_empty());
    /// ```
    fn client_orders(&self, client: &ClientId) -> Result<Vec<OrderId>, Error>;

    /// The order whose draft carries `payload` (W2).
    ///
    /// ```
    /// use fivergo_core::{store::*, *};
    /// let (store, policy, partition) = (MemoryStore::default(), Policy::default(), Partition::new("ana".into()));
    /// let ctx = partition.context(&policy, "2026-02-18T09:00:00Z".parse().unwrap());
    /// let events = Seller::register(None, &"ana".into(), SellerLevel::Level2, false, &ctx).unwrap();
    /// let index = IndexUpdate { payloads: vec![(42, "ana/order-1".into())], ..IndexUpdate::default() };
    /// store.append(Append { partition: &"ana".into(), expected: 0, events: &events, recorded_at: ctx.now, index: &index, snapshot: None }).unwrap();
    /// // What `Hub::trace` looks up once it read the mark of a leaked draft:
    /// assert_eq!(store.order_by_payload(42).unwrap(), Some(OrderId::from("ana/order-1")));
    /// assert_eq!(store.order_by_payload(7).unwrap(), None);
    /// ```
    fn order_by_payload(&self, payload: u64) -> Result<Option<OrderId>, Error>;

    /// Up to `limit` partition keys after `after`, in key order (for host tools
    /// that walk the whole store: exports, migrations, audits).
    ///
    /// ```
    /// use fivergo_core::{store::Store, *};
    /// let hub = Hub::builder().build().unwrap();
    /// for seller in ["cid", "ana", "bob"] {
    ///     hub.register_seller(seller, SellerLevel::Level2, false).unwrap();
    /// }
    /// let first = hub.store().partitions(None, 2).unwrap();
    /// assert_eq!(first, [SellerId::from("ana"), SellerId::from("bob")]);
    /// assert_eq!(hub.store().partitions(first.last(), 2).unwrap(), [SellerId::from("cid")]); // the next page
    /// ```
    fn partitions(&self, after: Option<&SellerId>, limit: usize) -> Result<Vec<SellerId>, Error>;

    /// Calls the gateway through `charge` for the charge `key` of `partition`, at
    /// most once per key with success: a store shared by several processes records
    /// each approved charge under its idempotency key and answers a second call with
    /// the recorded outcome, so two workers renewing one period charge it once even
    /// if the gateway does not deduplicate. Declines are not kept (a later retry asks
    /// again). The default calls `charge`: for stores a single engine owns, or whose
    /// gateway deduplicates keys itself.
    ///
    /// ```
    /// use fivergo_core::{store::Store, MemoryStore};
    /// let store = MemoryStore::default();
    /// let at = "2026-03-18T09:00:00Z".parse().unwrap();
    /// // The default implementation calls the gateway each time (MemoryStore belongs to one engine).
    /// let answer = store.charge_once(&"ana".into(), "ana/sub-1/1", at, &|| Ok("ch_1".to_string())).unwrap();
    /// assert_eq!(answer, Ok("ch_1".to_string()));
    /// ```
    fn charge_once(
        &self,
        partition: &SellerId,
        key: &str,
        at: DateTime<Utc>,
        charge: &dyn Fn() -> Result<String, ChargeFailure>,
    ) -> Result<Result<String, ChargeFailure>, Error> {
        let _ = (partition, key, at);
        Ok(charge())
    }

    /// Snapshot a partition every this many events (a store whose loads are cheap
    /// may ask for fewer snapshots).
    ///
    /// ```
    /// use fivergo_core::{store::Store, MemoryStore};
    /// // Replaying from memory is cheap: the memory store asks for fewer snapshots
    /// // than the trait's default of one every 64 events.
    /// assert_eq!(MemoryStore::default().snapshot_every(), 256);
    /// ```
    fn snapshot_every(&self) -> u64 {
        64
    }
}

/// The recorded form of `events` appended at `expected` in `partition`, positions
/// starting after `last_position`.
pub(crate) fn record(
    partition: &SellerId,
    expected: u64,
    events: &[Event],
    recorded_at: DateTime<Utc>,
    last_position: u64,
) -> Vec<Recorded> {
    (events.iter().enumerate())
        .map(|(i, event)| {
            let sequence = expected + i as u64 + 1;
            Recorded {
                id: Recorded::id_of(partition, sequence),
                partition: partition.clone(),
                sequence,
                position: last_position + i as u64 + 1,
                recorded_at,
                event: event.clone(),
            }
        })
        .collect()
}
