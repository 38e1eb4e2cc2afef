//! [`MemoryStore`]: partitions in memory, for tests, demos and simulations.

use super::{Append, AppendError, Cursor, Loaded, Store};
use crate::error::Error;
use crate::event::{Event, Recorded};
use crate::ids::{ClientId, OrderId, SellerId};
use crate::jobs::WorkId;
use crate::partition::Partition;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// Every partition in memory, behind one lock: the default store. Clones share the
/// same data, so several hubs of one process can work on one marketplace (as
/// several processes do on a database). Events are kept as their compact JSON
/// (a few hundred bytes each), and decoded when read.
///
/// ```
/// use fivergo_core::{store::{MemoryStore, Store}, *};
/// let store = MemoryStore::default();
/// let hub = Hub::builder().store(store.clone()).build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// assert_eq!(store.version(&"ana".into()).unwrap(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Every event, in global order: position `i + 1` is `log[i]`.
    log: Vec<Stored>,
    partitions: BTreeMap<SellerId, Stream>,
    due: BTreeSet<(DateTime<Utc>, SellerId)>,
    clients: HashMap<ClientId, Vec<OrderId>>,
    payloads: HashMap<u64, OrderId>,
    /// The job index: jobs by when a worker may claim them, and each job's entry.
    jobs: BTreeSet<(DateTime<Utc>, WorkId)>,
    job_ready: HashMap<WorkId, DateTime<Utc>>,
}

impl Inner {
    /// Puts `work` in the job index at `ready` (or takes it out).
    fn index_job(&mut self, work: &WorkId, ready: Option<DateTime<Utc>>) {
        if let Some(old) = self.job_ready.remove(work) {
            self.jobs.remove(&(old, work.clone()));
        }
        if let Some(at) = ready {
            self.job_ready.insert(work.clone(), at);
            self.jobs.insert((at, work.clone()));
        }
    }
}

/// One event as kept: its partition, sequence, instant and the event's JSON.
#[derive(Debug)]
struct Stored {
    partition: Arc<str>,
    sequence: u64,
    recorded_at: DateTime<Utc>,
    event: Box<[u8]>,
}

impl Stored {
    fn recorded(&self, position: u64) -> Result<Recorded, Error> {
        let event: Event = serde_json::from_slice(&self.event).map_err(|e| Error::StoreFailed {
            operation: "read an event".into(),
            reason: e.to_string(),
        })?;
        let partition = SellerId::from(&*self.partition);
        Ok(Recorded {
            id: Recorded::id_of(&partition, self.sequence),
            partition,
            sequence: self.sequence,
            position,
            recorded_at: self.recorded_at,
            event,
        })
    }
}

#[derive(Debug, Default)]
struct Stream {
    key: Option<Arc<str>>,
    /// Global positions of the partition's events, in sequence order.
    positions: Vec<u64>,
    snapshot: Option<(u64, Partition)>,
    due: Option<DateTime<Utc>>,
}

impl MemoryStore {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many events the store holds.
    ///
    /// ```
    /// use fivergo_core::*;
    /// let store = MemoryStore::default();
    /// let hub = Hub::builder().store(store.clone()).build().unwrap();
    /// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    /// hub.register_seller("bob", SellerLevel::Level2, false).unwrap();
    /// assert_eq!(store.event_count(), 2);
    /// ```
    pub fn event_count(&self) -> usize {
        self.lock().log.len()
    }
}

impl Store for MemoryStore {
    fn load(&self, partition: &SellerId, after: u64) -> Result<Loaded, Error> {
        let inner = self.lock();
        let Some(stream) = inner.partitions.get(partition) else {
            return Ok(Loaded::default());
        };
        let snapshot = stream
            .snapshot
            .as_ref()
            .filter(|(v, _)| *v > after)
            .cloned();
        let from = snapshot.as_ref().map_or(after, |(v, _)| *v) as usize;
        let events = stream
            .positions
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(|p| inner.log[*p as usize - 1].recorded(*p))
            .collect::<Result<_, _>>()?;
        Ok(Loaded { snapshot, events })
    }

    fn version(&self, partition: &SellerId) -> Result<u64, Error> {
        Ok(self
            .lock()
            .partitions
            .get(partition)
            .map_or(0, |s| s.positions.len() as u64))
    }

    fn append(&self, a: Append<'_>) -> Result<Vec<Recorded>, AppendError> {
        let mut inner = self.lock();
        let inner = &mut *inner;
        let stream = inner.partitions.entry(a.partition.clone()).or_default();
        let actual = stream.positions.len() as u64;
        if actual != a.expected {
            return Err(AppendError::Conflict { actual });
        }
        let encoded = (a.events.iter().map(serde_json::to_vec))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::StoreFailed {
                operation: "encode an event".into(),
                reason: e.to_string(),
            })?;
        let recorded = super::record(
            a.partition,
            a.expected,
            a.events,
            a.recorded_at,
            inner.log.len() as u64,
        );
        let key = stream
            .key
            .get_or_insert_with(|| Arc::from(a.partition.as_str()))
            .clone();
        for (r, event) in recorded.iter().zip(encoded) {
            stream.positions.push(r.position);
            inner.log.push(Stored {
                partition: key.clone(),
                sequence: r.sequence,
                recorded_at: r.recorded_at,
                event: event.into(),
            });
        }
        if let Some(p) = a.snapshot {
            stream.snapshot = Some((a.expected + a.events.len() as u64, p.clone()));
        }
        if let Some(old) = stream.due.take() {
            inner.due.remove(&(old, a.partition.clone()));
        }
        if let Some(at) = a.index.due {
            stream.due = Some(at);
            inner.due.insert((at, a.partition.clone()));
        }
        for (client, order) in &a.index.orders {
            inner
                .clients
                .entry(client.clone())
                .or_default()
                .push(order.clone());
        }
        for (payload, order) in &a.index.payloads {
            inner
                .payloads
                .entry(*payload)
                .or_insert_with(|| order.clone());
        }
        for (work, ready) in &a.index.jobs {
            inner.index_job(work, *ready);
        }
        Ok(recorded)
    }

    fn due(&self, until: DateTime<Utc>, limit: usize) -> Result<Vec<SellerId>, Error> {
        Ok(self
            .lock()
            .due
            .iter()
            .take_while(|(at, _)| *at <= until)
            .take(limit)
            .map(|(_, p)| p.clone())
            .collect())
    }

    fn claim_job(
        &self,
        _worker: &str,
        now: DateTime<Utc>,
        hold: chrono::Duration,
    ) -> Result<Option<WorkId>, Error> {
        let mut inner = self.lock();
        let Some((at, work)) = inner.jobs.first().cloned() else {
            return Ok(None);
        };
        if at > now {
            return Ok(None);
        }
        inner.index_job(&work, Some(crate::clock::later(now, hold)));
        Ok(Some(work))
    }

    fn events_since(&self, cursor: Cursor, limit: usize) -> Result<Vec<Recorded>, Error> {
        let inner = self.lock();
        let from = usize::try_from(cursor.0)
            .unwrap_or(usize::MAX)
            .min(inner.log.len());
        inner.log[from..]
            .iter()
            .take(limit)
            .enumerate()
            .map(|(i, r)| r.recorded((from + i + 1) as u64))
            .collect()
    }

    fn client_orders(&self, client: &ClientId) -> Result<Vec<OrderId>, Error> {
        Ok(self.lock().clients.get(client).cloned().unwrap_or_default())
    }

    fn order_by_payload(&self, payload: u64) -> Result<Option<OrderId>, Error> {
        Ok(self.lock().payloads.get(&payload).cloned())
    }

    fn partitions(&self, after: Option<&SellerId>, limit: usize) -> Result<Vec<SellerId>, Error> {
        let inner = self.lock();
        let keys = inner
            .partitions
            .keys()
            .filter(|k| after.is_none_or(|a| *k > a));
        Ok(keys.take(limit).cloned().collect())
    }

    fn snapshot_every(&self) -> u64 {
        // Replaying from memory is cheap; snapshots only spare long partitions.
        256
    }
}
