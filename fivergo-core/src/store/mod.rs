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
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The partition at some version, if the store has a snapshot newer than the
    /// caller's.
    pub snapshot: Option<(u64, Partition)>,
    /// The events after the snapshot (or after the caller's version), in order.
    pub events: Vec<Recorded>,
}

/// The index entries an append writes with its events.
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
pub trait Store: Send + Sync {
    /// The partition's snapshot newer than version `after` (if any) and the events
    /// after it — or, without such a snapshot, the events after `after`.
    fn load(&self, partition: &SellerId, after: u64) -> Result<Loaded, Error>;

    /// The partition's version: how many events it holds (0 for an unknown one).
    fn version(&self, partition: &SellerId) -> Result<u64, Error>;

    /// Appends events decided on version `expected`, with their index entries and
    /// optional snapshot, all or nothing; returns them as recorded.
    fn append(&self, append: Append<'_>) -> Result<Vec<Recorded>, AppendError>;

    /// Up to `limit` partitions with something due at or before `until`, earliest
    /// first.
    fn due(&self, until: DateTime<Utc>, limit: usize) -> Result<Vec<SellerId>, Error>;

    /// Claims the job that has been ready longest at `now` (queued, or running on a
    /// lease that ended), for `worker`: no other claim returns it before `now +
    /// hold`, unless an append about the job moves it first. `None` when no job is
    /// ready. Several workers claim concurrently without waiting on each other
    /// (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        hold: chrono::Duration,
    ) -> Result<Option<WorkId>, Error>;

    /// Up to `limit` events after `cursor`, in global order.
    fn events_since(&self, cursor: Cursor, limit: usize) -> Result<Vec<Recorded>, Error>;

    /// The orders `client` placed, oldest first.
    fn client_orders(&self, client: &ClientId) -> Result<Vec<OrderId>, Error>;

    /// The order whose draft carries `payload` (W2).
    fn order_by_payload(&self, payload: u64) -> Result<Option<OrderId>, Error>;

    /// Up to `limit` partition keys after `after`, in key order (for host tools
    /// that walk the whole store: exports, migrations, audits).
    fn partitions(&self, after: Option<&SellerId>, limit: usize) -> Result<Vec<SellerId>, Error>;

    /// Calls the gateway through `charge` for the charge `key` of `partition`, at
    /// most once per key with success: a store shared by several processes records
    /// each approved charge under its idempotency key and answers a second call with
    /// the recorded outcome, so two workers renewing one period charge it once even
    /// if the gateway does not deduplicate. Declines are not kept (a later retry asks
    /// again). The default calls `charge`: for stores a single engine owns, or whose
    /// gateway deduplicates keys itself.
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
