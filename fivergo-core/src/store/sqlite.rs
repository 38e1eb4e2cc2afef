//! [`SqliteStore`]: the embedded persistent store (rusqlite with the bundled SQLite,
//! WAL mode), for one machine with one or several processes.
//!
//! ```
//! use fivergo_core::store::{sqlite::SqliteStore, Store};
//! let dir = std::env::temp_dir().join(format!("fivergo-sqlite-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let store = SqliteStore::open(dir.join("fivergo.db")).unwrap();
//! assert_eq!(store.version(&"ana".into()).unwrap(), 0);
//! assert_eq!(store.schema_version().unwrap(), fivergo_core::store::sqlite::SCHEMA_VERSION);
//! # std::fs::remove_dir_all(&dir).ok();
//! ```
//!
//! ## Schema
//!
//! | table | holds |
//! |---|---|
//! | `fivergo_schema` | the schema version: created and migrated by [`SqliteStore::open`]; a newer one than this library knows is refused (`schema_too_new`) |
//! | `partitions` | one row per seller: its version (event count) and when it next falls due (the due index) |
//! | `events` | every event: global `position`, `partition`, `sequence` (unique together), `type`, JSON `payload`, `recorded_at` |
//! | `snapshots` | the latest snapshot of each partition, with its version and format |
//! | `client_orders` | which orders each client placed |
//! | `draft_payloads` | which order each draft's invisible payload names (W2) |
//! | `jobs` | the job index: each queued or running job, and from when a worker may claim it ([`Store::claim_job`]) |
//!
//! Writers serialize on SQLite's write lock (`BEGIN IMMEDIATE`, waiting up to the
//! busy timeout): an append checks the partition's version inside its transaction,
//! so two processes on one file never both write the same version.

use super::{record, Append, AppendError, Cursor, Loaded, Store};
use crate::error::Error;
use crate::event::{Event, Recorded};
use crate::ids::{ClientId, OrderId, SellerId};
use crate::jobs::WorkId;
use crate::partition::Partition;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The schema version this library writes (and the newest it reads).
pub const SCHEMA_VERSION: u32 = 1;

/// The format of partition snapshots; a snapshot of another format is ignored and
/// the partition replayed from its events.
const SNAPSHOT_FORMAT: i64 = 1;

/// How long a writer waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE partitions (
    key TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    due_at INTEGER
) WITHOUT ROWID;
CREATE INDEX partitions_due ON partitions (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    partition TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (partition, sequence)
);
CREATE TABLE snapshots (
    partition TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    format INTEGER NOT NULL,
    state TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE client_orders (
    client TEXT NOT NULL,
    position INTEGER NOT NULL,
    order_id TEXT NOT NULL,
    PRIMARY KEY (client, position, order_id)
) WITHOUT ROWID;
CREATE TABLE draft_payloads (
    payload INTEGER PRIMARY KEY,
    order_id TEXT NOT NULL
);
CREATE TABLE jobs (
    job TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    partition TEXT NOT NULL,
    ready_at INTEGER NOT NULL,
    claimed_by TEXT
) WITHOUT ROWID;
CREATE INDEX jobs_ready ON jobs (ready_at);
"#];

/// A SQLite database holding every partition; see the [module docs](self).
///
/// ```
/// use fivergo_core::{store::{sqlite::SqliteStore, Store}, *};
/// let dir = std::env::temp_dir().join(format!("fivergo-doc-sqlite-struct-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let store = SqliteStore::open(dir.join("fivergo.db")).unwrap();
/// let hub = Hub::builder().store(store).build().unwrap();
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// let again = SqliteStore::open(dir.join("fivergo.db")).unwrap(); // another process, say
/// assert_eq!(again.version(&"ana".into()).unwrap(), 1);
/// # std::fs::remove_dir_all(&dir).ok();
/// ```
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn failed(operation: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::StoreFailed {
        operation: operation.into(),
        reason: e.to_string(),
    }
}

fn corrupt(operation: &str, reason: impl std::fmt::Display) -> Error {
    Error::StoreFailed {
        operation: operation.into(),
        reason: format!("unreadable row: {reason}"),
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

impl SqliteStore {
    /// Opens (creating it when missing) the database at `path`, in WAL mode, and
    /// migrates its schema to [`SCHEMA_VERSION`]. A database written by a newer
    /// library is refused with `schema_too_new`, untouched.
    ///
    /// ```
    /// use fivergo_core::store::{sqlite::SqliteStore, Store};
    /// let dir = std::env::temp_dir().join(format!("fivergo-doc-sqlite-open-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let store = SqliteStore::open(dir.join("fivergo.db")).unwrap(); // created and migrated
    /// assert_eq!(store.version(&"ana".into()).unwrap(), 0);
    /// let missing_dir = SqliteStore::open(dir.join("no/such/dir/fivergo.db")).unwrap_err();
    /// assert_eq!(missing_dir.code(), "store_failed");
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let conn = Connection::open(path.as_ref()).map_err(failed("open the database"))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(failed("set the busy timeout"))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(failed("switch to WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(Error::StoreFailed {
                operation: "switch to WAL".into(),
                reason: format!("journal mode is {mode}"),
            });
        }
        // 64 MB of page cache: a large store touches random pages of its indexes.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
        )
        .map_err(failed("configure the database"))?;
        let mut store = Self {
            conn: Mutex::new(conn),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version the database is at.
    ///
    /// ```
    /// use fivergo_core::store::sqlite::{SqliteStore, SCHEMA_VERSION};
    /// let dir = std::env::temp_dir().join(format!("fivergo-doc-sqlite-schema-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let store = SqliteStore::open(dir.join("fivergo.db")).unwrap();
    /// assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    /// # std::fs::remove_dir_all(&dir).ok();
    /// ```
    pub fn schema_version(&self) -> Result<u32, Error> {
        read_schema_version(&self.lock())
    }

    fn migrate(&mut self) -> Result<(), Error> {
        let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed("begin a migration"))?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS fivergo_schema (version INTEGER NOT NULL)")
            .map_err(failed("create the schema table"))?;
        let found = read_schema_version(&tx)?;
        let supported = SCHEMA_VERSION;
        if found > supported {
            return Err(Error::SchemaTooNew { found, supported });
        }
        for migration in &MIGRATIONS[found as usize..] {
            tx.execute_batch(migration)
                .map_err(failed("migrate the schema"))?;
        }
        tx.execute("DELETE FROM fivergo_schema", [])
            .map_err(failed("record the schema version"))?;
        tx.execute(
            "INSERT INTO fivergo_schema (version) VALUES (?1)",
            [supported],
        )
        .map_err(failed("record the schema version"))?;
        tx.commit().map_err(failed("commit a migration"))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn read_schema_version(conn: &Connection) -> Result<u32, Error> {
    let exists: Option<String> = (conn.query_row(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'fivergo_schema'",
        [],
        |r| r.get(0),
    ))
    .optional()
    .map_err(failed("read the schema version"))?;
    if exists.is_none() {
        return Ok(0);
    }
    let v: Option<i64> = conn
        .query_row("SELECT MAX(version) FROM fivergo_schema", [], |r| r.get(0))
        .map_err(failed("read the schema version"))?;
    Ok(v.map_or(0, |v| u32::try_from(v).unwrap_or(u32::MAX)))
}

fn recorded(
    partition: SellerId,
    position: i64,
    sequence: i64,
    payload: &str,
    recorded_at: &str,
) -> Result<Recorded, Error> {
    let event: Event = serde_json::from_str(payload).map_err(|e| corrupt("read an event", e))?;
    let recorded_at = DateTime::parse_from_rfc3339(recorded_at)
        .map_err(|e| corrupt("read an event", e))?
        .with_timezone(&Utc);
    let sequence = u64::try_from(sequence).map_err(|e| corrupt("read an event", e))?;
    Ok(Recorded {
        id: Recorded::id_of(&partition, sequence),
        partition,
        sequence,
        position: u64::try_from(position).map_err(|e| corrupt("read an event", e))?,
        recorded_at,
        event,
    })
}

impl Store for SqliteStore {
    fn load(&self, partition: &SellerId, after: u64) -> Result<Loaded, Error> {
        let conn = self.lock();
        let row: Option<(i64, i64, String)> = (conn
            .prepare_cached("SELECT version, format, state FROM snapshots WHERE partition = ?1"))
        .and_then(|mut s| {
            s.query_row([partition.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        })
        .map_err(failed("read a snapshot"))?;
        let snapshot = match row {
            Some((version, SNAPSHOT_FORMAT, state)) if version as u64 > after => {
                let state: Partition =
                    serde_json::from_str(&state).map_err(|e| corrupt("read a snapshot", e))?;
                Some((version as u64, state))
            }
            _ => None,
        };
        let from = snapshot.as_ref().map_or(after, |(v, _)| *v);
        let mut stmt = (conn.prepare_cached("SELECT position, sequence, payload, recorded_at FROM events WHERE partition = ?1 AND sequence > ?2 ORDER BY sequence"))
            .map_err(failed("read events"))?;
        let rows = stmt
            .query_map(params![partition.as_str(), to_i64(from)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(failed("read events"))?;
        let mut events = Vec::new();
        for row in rows {
            let (position, sequence, payload, at) = row.map_err(failed("read events"))?;
            events.push(recorded(
                partition.clone(),
                position,
                sequence,
                &payload,
                &at,
            )?);
        }
        Ok(Loaded { snapshot, events })
    }

    fn version(&self, partition: &SellerId) -> Result<u64, Error> {
        let conn = self.lock();
        let v: Option<i64> = (conn.prepare_cached("SELECT version FROM partitions WHERE key = ?1"))
            .and_then(|mut s| s.query_row([partition.as_str()], |r| r.get(0)).optional())
            .map_err(failed("read a partition's version"))?;
        Ok(v.map_or(0, |v| v as u64))
    }

    fn append(&self, a: Append<'_>) -> Result<Vec<Recorded>, AppendError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed("begin an append"))?;
        let actual: Option<i64> = (tx
            .prepare_cached("SELECT version FROM partitions WHERE key = ?1"))
        .and_then(|mut s| s.query_row([a.partition.as_str()], |r| r.get(0)).optional())
        .map_err(failed("read a partition's version"))?;
        let actual = actual.map_or(0, |v| v as u64);
        if actual != a.expected {
            return Err(AppendError::Conflict { actual });
        }
        let at = a
            .recorded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let mut positions = Vec::with_capacity(a.events.len());
        {
            let mut insert = (tx.prepare_cached("INSERT INTO events (partition, sequence, type, payload, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)"))
                .map_err(failed("append events"))?;
            for (i, e) in a.events.iter().enumerate() {
                let payload = serde_json::to_string(e).map_err(|e| Error::StoreFailed {
                    operation: "encode an event".into(),
                    reason: e.to_string(),
                })?;
                let sequence = to_i64(a.expected + i as u64 + 1);
                insert
                    .execute(params![
                        a.partition.as_str(),
                        sequence,
                        e.kind(),
                        payload,
                        at
                    ])
                    .map_err(failed("append events"))?;
                positions.push(tx.last_insert_rowid() as u64);
            }
        }
        let version = to_i64(a.expected + a.events.len() as u64);
        (tx.prepare_cached("INSERT INTO partitions (key, version, due_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET version = excluded.version, due_at = excluded.due_at"))
            .and_then(|mut s| s.execute(params![a.partition.as_str(), version, a.index.due.map(micros)]))
            .map_err(failed("update the partition"))?;
        let first = positions.first().copied().unwrap_or(0);
        for (client, order) in &a.index.orders {
            (tx.prepare_cached("INSERT OR IGNORE INTO client_orders (client, position, order_id) VALUES (?1, ?2, ?3)"))
                .and_then(|mut s| s.execute(params![client.as_str(), to_i64(first), order.as_str()]))
                .map_err(failed("index a client's order"))?;
        }
        for (payload, order) in &a.index.payloads {
            (tx.prepare_cached(
                "INSERT OR IGNORE INTO draft_payloads (payload, order_id) VALUES (?1, ?2)",
            ))
            .and_then(|mut s| s.execute(params![*payload as i64, order.as_str()]))
            .map_err(failed("index a draft payload"))?;
        }
        for (work, ready) in &a.index.jobs {
            let done = match ready {
                Some(at) => (tx.prepare_cached(
                    "INSERT INTO jobs (job, kind, partition, ready_at, claimed_by) VALUES (?1, ?2, ?3, ?4, NULL) \
                     ON CONFLICT (job) DO UPDATE SET ready_at = excluded.ready_at, claimed_by = NULL",
                ))
                .and_then(|mut s| s.execute(params![work.id(), work.kind(), a.partition.as_str(), micros(*at)])),
                None => tx.prepare_cached("DELETE FROM jobs WHERE job = ?1").and_then(|mut s| s.execute([work.id()])),
            };
            done.map_err(failed("index a job"))?;
        }
        if let Some(p) = a.snapshot {
            let state = serde_json::to_string(p).map_err(|e| Error::StoreFailed {
                operation: "encode a snapshot".into(),
                reason: e.to_string(),
            })?;
            (tx.prepare_cached("INSERT INTO snapshots (partition, version, format, state) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (partition) DO UPDATE SET version = excluded.version, format = excluded.format, state = excluded.state"))
                .and_then(|mut s| s.execute(params![a.partition.as_str(), version, SNAPSHOT_FORMAT, state]))
                .map_err(failed("write a snapshot"))?;
        }
        tx.commit().map_err(failed("commit an append"))?;
        let mut out = record(a.partition, a.expected, a.events, a.recorded_at, 0);
        for (r, p) in out.iter_mut().zip(positions) {
            r.position = p;
        }
        Ok(out)
    }

    fn due(&self, until: DateTime<Utc>, limit: usize) -> Result<Vec<SellerId>, Error> {
        let conn = self.lock();
        let mut stmt = (conn.prepare_cached("SELECT key FROM partitions WHERE due_at IS NOT NULL AND due_at <= ?1 ORDER BY due_at, key LIMIT ?2"))
            .map_err(failed("read the due index"))?;
        let rows = stmt
            .query_map(params![micros(until), to_i64(limit as u64)], |r| {
                r.get::<_, String>(0)
            })
            .map_err(failed("read the due index"))?;
        rows.map(|r| r.map(SellerId::from).map_err(failed("read the due index")))
            .collect()
    }

    fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        hold: chrono::Duration,
    ) -> Result<Option<WorkId>, Error> {
        let conn = self.lock();
        let until = crate::clock::later(now, hold);
        // One statement: SQLite's write lock makes the pick and the claim atomic
        // across processes.
        let claimed: Option<(String, String)> = (conn.prepare_cached(
            "UPDATE jobs SET ready_at = ?1, claimed_by = ?2 \
             WHERE job = (SELECT job FROM jobs WHERE ready_at <= ?3 ORDER BY ready_at, job LIMIT 1) RETURNING job, kind",
        ))
        .and_then(|mut s| s.query_row(params![micros(until), worker, micros(now)], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .map_err(failed("claim a job"))?;
        claimed
            .map(|(job, kind)| WorkId::parse(&kind, &job).map_err(|e| corrupt("claim a job", e)))
            .transpose()
    }

    fn events_since(&self, cursor: Cursor, limit: usize) -> Result<Vec<Recorded>, Error> {
        let conn = self.lock();
        let mut stmt = (conn.prepare_cached("SELECT position, partition, sequence, payload, recorded_at FROM events WHERE position > ?1 ORDER BY position LIMIT ?2"))
            .map_err(failed("read the outbox"))?;
        let rows = stmt
            .query_map(params![to_i64(cursor.0), to_i64(limit as u64)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(failed("read the outbox"))?;
        let mut out = Vec::new();
        for row in rows {
            let (position, partition, sequence, payload, at) =
                row.map_err(failed("read the outbox"))?;
            out.push(recorded(
                partition.into(),
                position,
                sequence,
                &payload,
                &at,
            )?);
        }
        Ok(out)
    }

    fn client_orders(&self, client: &ClientId) -> Result<Vec<OrderId>, Error> {
        let conn = self.lock();
        let mut stmt = (conn.prepare_cached(
            "SELECT order_id FROM client_orders WHERE client = ?1 ORDER BY position",
        ))
        .map_err(failed("read a client's orders"))?;
        let rows = stmt
            .query_map([client.as_str()], |r| r.get::<_, String>(0))
            .map_err(failed("read a client's orders"))?;
        rows.map(|r| {
            r.map(OrderId::from)
                .map_err(failed("read a client's orders"))
        })
        .collect()
    }

    fn order_by_payload(&self, payload: u64) -> Result<Option<OrderId>, Error> {
        let conn = self.lock();
        (conn.prepare_cached("SELECT order_id FROM draft_payloads WHERE payload = ?1"))
            .and_then(|mut s| {
                s.query_row([payload as i64], |r| r.get::<_, String>(0))
                    .optional()
            })
            .map(|o| o.map(OrderId::from))
            .map_err(failed("read the payload index"))
    }

    fn partitions(&self, after: Option<&SellerId>, limit: usize) -> Result<Vec<SellerId>, Error> {
        let conn = self.lock();
        let mut stmt = (conn
            .prepare_cached("SELECT key FROM partitions WHERE key > ?1 ORDER BY key LIMIT ?2"))
        .map_err(failed("list partitions"))?;
        let rows = stmt
            .query_map(
                params![after.map_or("", |a| a.as_str()), to_i64(limit as u64)],
                |r| r.get::<_, String>(0),
            )
            .map_err(failed("list partitions"))?;
        rows.map(|r| r.map(SellerId::from).map_err(failed("list partitions")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hub, ManualClock, SellerLevel};

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("fivergo-sqlite-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("fivergo.db")
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_untouched() {
        let db = scratch("schema");
        assert_eq!(
            SqliteStore::open(&db).unwrap().schema_version().unwrap(),
            SCHEMA_VERSION
        );
        Connection::open(&db)
            .unwrap()
            .execute("UPDATE fivergo_schema SET version = 99", [])
            .unwrap();
        match SqliteStore::open(&db).err() {
            Some(Error::SchemaTooNew {
                found: 99,
                supported: SCHEMA_VERSION,
            }) => {}
            other => panic!("expected schema_too_new, got {other:?}"),
        }
        let v: i64 = Connection::open(&db)
            .unwrap()
            .query_row("SELECT version FROM fivergo_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 99, "nothing was migrated down");
        std::fs::write(&db, b"not a database at all, just some bytes in a file").unwrap();
        assert_eq!(
            SqliteStore::open(&db).err().map(|e| e.code()),
            Some("store_failed")
        );
        std::fs::remove_dir_all(db.parent().unwrap()).ok();
    }

    #[test]
    fn loading_a_long_partition_starts_from_its_snapshot() {
        let db = scratch("snapshot");
        let hub = Hub::builder()
            .clock(ManualClock::at("2026-02-18T09:00:00Z".parse().unwrap()))
            .open(&format!("sqlite:{}", db.display()))
            .unwrap();
        hub.register_seller("ana", SellerLevel::Level2, false)
            .unwrap();
        for _ in 0..150 {
            hub.add_gig("ana", "tattoo").unwrap();
        }
        let store = SqliteStore::open(&db).unwrap();
        assert_eq!(store.version(&"ana".into()).unwrap(), 151);
        let loaded = store.load(&"ana".into(), 0).unwrap();
        let (version, snapshot) = loaded.snapshot.expect("a snapshot every 64 events");
        assert_eq!(version, 128);
        assert_eq!(
            loaded.events.len(),
            23,
            "only the events after the snapshot are read"
        );
        assert_eq!(loaded.events[0].sequence, 129);
        let mut rebuilt = snapshot;
        for r in &loaded.events {
            rebuilt.apply(&r.event);
        }
        assert_eq!(rebuilt, hub.admin().partition("ana").unwrap());
        // A reader that knows version 140 gets the 11 events after it, not the snapshot.
        let tail = store.load(&"ana".into(), 140).unwrap();
        assert!(tail.snapshot.is_none());
        assert_eq!(
            tail.events.iter().map(|r| r.sequence).collect::<Vec<_>>(),
            (141..=151).collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(db.parent().unwrap()).ok();
    }
}
