//! [`PostgresStore`]: one PostgreSQL database shared by many app servers and workers
//! (feature `postgres`).
//!
//! ```no_run
//! use fivergo_core::store::{postgres::PostgresStore, Store};
//! let store = PostgresStore::open("postgres://fivergo@127.0.0.1:5432/fivergo?pool_size=8").unwrap();
//! assert_eq!(store.version(&"ana".into()).unwrap(), 0);
//! ```
//!
//! ## Connection settings
//!
//! The URL is libpq's (`postgres://user:password@host:port/dbname?...`, or
//! `host=/run/postgresql` for a unix socket), plus the settings of this store, read
//! and removed before the URL reaches the driver:
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `pool_size` | 8 | connections kept open (each thread of a command holds one for its transaction) |
//! | `statement_timeout_ms` | 30000 | PostgreSQL's `statement_timeout` for every statement; 0 turns it off |
//! | `schema` | `public` | the schema holding fivergo's tables (created when missing) |
//! | `connect_timeout` | 10 (seconds) | libpq's, passed through |
//!
//! TLS is off (`NoTls`): run the database on a private network or a unix socket.
//!
//! ## Schema
//!
//! Created and migrated by [`PostgresStore::open`] (versions in `fivergo_schema`; a
//! newer schema than this library knows is refused, untouched, with
//! `schema_too_new`). Every table carries the seller partition key, so every table
//! but `fivergo_outbox` can be distributed by it:
//!
//! | table | holds | key |
//! |---|---|---|
//! | `fivergo_partitions` | version, when the partition next falls due (the due index), who claimed it until when | `key` |
//! | `fivergo_events` | every event: `partition`, `sequence`, global `position`, `type`, `payload jsonb`, `recorded_at` | `(partition, sequence)` |
//! | `fivergo_snapshots` | the latest snapshot of each partition (`jsonb`), its version and format | `partition` |
//! | `fivergo_client_orders` | which orders each client placed, in the seller's partition | `(partition, client, order_id)` |
//! | `fivergo_draft_payloads` | which order each draft's invisible payload names (W2) | `(partition, payload)` |
//! | `fivergo_charges` | every gateway call by idempotency key, with its result | `(partition, idempotency_key)` |
//! | `fivergo_jobs` | the job index: each queued or running training or generation, from when a worker may claim it, who claimed it | `(partition, job)` |
//! | `fivergo_outbox` | the last global position handed out (one row) | — |
//! | `fivergo_blobs` | file bytes by SHA-256 ([`PostgresBlobStore`]) | `sha256` |
//!
//! On Citus (or another Postgres-compatible database sharded by a column):
//!
//! ```sql
//! SELECT create_distributed_table('fivergo_partitions', 'key');
//! SELECT create_distributed_table('fivergo_events', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_distributed_table('fivergo_snapshots', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_distributed_table('fivergo_client_orders', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_distributed_table('fivergo_draft_payloads', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_distributed_table('fivergo_charges', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_distributed_table('fivergo_jobs', 'partition', colocate_with => 'fivergo_partitions');
//! SELECT create_reference_table('fivergo_outbox');
//! SELECT create_distributed_table('fivergo_blobs', 'sha256');
//! ```
//!
//! No query joins two tables. Loads and appends name one partition key; the due
//! scan, the job claim, the client and payload lookups and the outbox read across
//! partitions (single-table scans a distributed database runs on every shard).
//!
//! ## Concurrency
//!
//! An append locks its partition row (`SELECT … FOR UPDATE`), checks the version it
//! was decided on, and writes events, indexes and snapshot in one transaction;
//! another writer first is [`AppendError::Conflict`]. Global positions come from the
//! one-row `fivergo_outbox`, taken inside the append's transaction: appends commit in
//! position order, so an outbox reader never skips an event that commits later
//! (the price: appends of different partitions serialize on that row for the
//! length of their commit). [`Store::due`] claims the partitions it returns with
//! `FOR UPDATE SKIP LOCKED` and a lease, so several tick workers share the due work
//! without both settling one partition; [`Store::charge_once`] records each gateway
//! call under its idempotency key, so a second worker never charges a period twice;
//! [`Store::claim_job`] takes the oldest ready job with `FOR UPDATE SKIP LOCKED`, so
//! training and generation workers never wait on each other.

use super::{record, Append, AppendError, Cursor, Loaded, Store};
use crate::error::Error;
use crate::event::{Event, Recorded};
use crate::ids::{ClientId, OrderId, SellerId};
use crate::jobs::WorkId;
use crate::partition::Partition;
use crate::subscription::ChargeFailure;
use chrono::{DateTime, Utc};
use postgres::{Client, NoTls, Row, Statement, Transaction};
use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The schema version this library writes (and the newest it reads).
pub const SCHEMA_VERSION: u32 = 1;

/// The format of partition snapshots; a snapshot of another format is ignored and
/// the partition replayed from its events.
const SNAPSHOT_FORMAT: i32 = 1;

/// How long a partition returned by [`Store::due`] stays claimed by its worker.
const CLAIM: chrono::Duration = chrono::Duration::seconds(60);

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE fivergo_partitions (
    key TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    due_at TIMESTAMPTZ,
    claimed_by TEXT,
    claimed_until TIMESTAMPTZ
);
CREATE INDEX fivergo_partitions_due ON fivergo_partitions (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE fivergo_events (
    partition TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    position BIGINT NOT NULL,
    type TEXT NOT NULL,
    payload JSONB NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partition, sequence)
);
CREATE INDEX fivergo_events_position ON fivergo_events (position);
CREATE TABLE fivergo_snapshots (
    partition TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    format INTEGER NOT NULL,
    state JSONB NOT NULL
);
CREATE TABLE fivergo_client_orders (
    partition TEXT NOT NULL,
    client TEXT NOT NULL,
    order_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (partition, client, order_id)
);
CREATE INDEX fivergo_client_orders_client ON fivergo_client_orders (client, position);
CREATE TABLE fivergo_draft_payloads (
    partition TEXT NOT NULL,
    payload BIGINT NOT NULL,
    order_id TEXT NOT NULL,
    PRIMARY KEY (partition, payload)
);
CREATE INDEX fivergo_draft_payloads_payload ON fivergo_draft_payloads (payload);
CREATE TABLE fivergo_charges (
    partition TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    outcome JSONB,
    requested_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (partition, idempotency_key)
);
CREATE TABLE fivergo_jobs (
    partition TEXT NOT NULL,
    job TEXT NOT NULL,
    kind TEXT NOT NULL,
    ready_at TIMESTAMPTZ NOT NULL,
    claimed_by TEXT,
    PRIMARY KEY (partition, job)
);
CREATE INDEX fivergo_jobs_ready ON fivergo_jobs (ready_at);
CREATE TABLE fivergo_outbox (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_position BIGINT NOT NULL
);
INSERT INTO fivergo_outbox (id, last_position) VALUES (1, 0);
CREATE TABLE fivergo_blobs (
    sha256 TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL
);
"#];

/// The settings of a [`PostgresStore`], parsed from its URL.
///
/// ```
/// use fivergo_core::store::postgres::PostgresSettings;
/// let s = PostgresSettings::parse("postgres://fivergo@db/shop").unwrap();
/// assert_eq!((s.pool_size, s.statement_timeout_ms, s.schema.as_str()), (8, 30_000, "public")); // defaults
/// assert_eq!(s.url, "postgres://fivergo@db/shop");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PostgresSettings {
    /// The URL for the driver, without this store's own parameters.
    pub url: String,
    /// Connections kept open.
    pub pool_size: usize,
    /// `statement_timeout` in milliseconds (0: none).
    pub statement_timeout_ms: u64,
    /// The schema holding the tables.
    pub schema: String,
}

impl PostgresSettings {
    /// Reads `pool_size`, `statement_timeout_ms` and `schema` out of `url`; the rest
    /// stays for the driver. A bad value is `invalid_input` naming the parameter.
    ///
    /// ```
    /// use fivergo_core::store::postgres::PostgresSettings;
    /// let s = PostgresSettings::parse("postgres://u@db/app?pool_size=4&sslmode=disable&schema=shop").unwrap();
    /// assert_eq!((s.pool_size, s.schema.as_str()), (4, "shop"));
    /// assert_eq!(s.url, "postgres://u@db/app?sslmode=disable");
    /// assert_eq!(PostgresSettings::parse("postgres://u@db/app?pool_size=0").unwrap_err().code(), "invalid_input");
    /// ```
    pub fn parse(url: &str) -> Result<Self, Error> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut settings = Self {
            url: String::new(),
            pool_size: 8,
            statement_timeout_ms: 30_000,
            schema: "public".into(),
        };
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let number = |max: u64| -> Result<u64, Error> {
                v.parse::<u64>().ok().filter(|n| *n <= max).ok_or_else(|| {
                    Error::invalid(
                        k,
                        format!("`{v}` is not a whole number between 0 and {max}"),
                    )
                })
            };
            match k {
                "pool_size" => {
                    settings.pool_size = number(1024)? as usize;
                    if settings.pool_size == 0 {
                        return Err(Error::invalid("pool_size", "must be at least 1"));
                    }
                }
                "statement_timeout_ms" => settings.statement_timeout_ms = number(86_400_000)?,
                "schema" => {
                    let ok = !v.is_empty()
                        && v.len() <= 63
                        && v.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                    if !ok {
                        return Err(Error::invalid(
                            "schema",
                            "1 to 63 lowercase letters, digits or underscores",
                        ));
                    }
                    settings.schema = v.into();
                }
                _ => rest.push(pair),
            }
        }
        settings.url = if rest.is_empty() {
            base.into()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        Ok(settings)
    }
}

/// A PostgreSQL database holding every partition; see the [module docs](self).
///
/// ```no_run
/// use fivergo_core::store::postgres::PostgresStore;
/// use fivergo_core::*;
/// let store = PostgresStore::open("postgres://fivergo@db/shop?pool_size=8").unwrap();
/// let hub = Hub::builder().store(store).build().unwrap(); // or Hub::open(url), files in the database too
/// hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
/// ```
pub struct PostgresStore {
    config: postgres::Config,
    settings: PostgresSettings,
    idle: Mutex<Pool>,
    returned: Condvar,
}

struct Pool {
    idle: Vec<Session>,
    open: usize,
}

/// A connection and the statements prepared on it: a statement is parsed once
/// per connection, so each later use is one round trip instead of two.
struct Session {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
}

impl Session {
    /// `sql` prepared on this connection (once).
    fn prepared(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl std::ops::Deref for Session {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Session {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.settings.schema)
            .field("pool_size", &self.settings.pool_size)
            .finish_non_exhaustive()
    }
}

/// A database error as the engine's: a lost or refused connection is
/// `store_unavailable` (the host may retry the command), anything else `store_failed`.
fn failed(operation: &'static str) -> impl Fn(postgres::Error) -> Error {
    move |e| {
        let reason = match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        };
        if e.is_closed() || e.as_db_error().is_none() || is_connection_state(&e) {
            Error::StoreUnavailable {
                operation: operation.into(),
                reason,
            }
        } else {
            Error::StoreFailed {
                operation: operation.into(),
                reason,
            }
        }
    }
}

/// SQLSTATE class 08 (connection exception) and 57P (operator intervention: the
/// server is shutting down or restarting).
fn is_connection_state(e: &postgres::Error) -> bool {
    e.code()
        .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"))
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

fn encode(operation: &str, value: &impl serde::Serialize) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::StoreFailed {
        operation: operation.into(),
        reason: e.to_string(),
    })
}

/// A connection taken from the pool; back to it when dropped, unless it broke.
struct Conn<'a> {
    store: &'a PostgresStore,
    client: Option<Session>,
}

impl std::ops::Deref for Conn<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        self.client
            .as_ref()
            .expect("a pooled connection is present until dropped")
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Session {
        self.client
            .as_mut()
            .expect("a pooled connection is present until dropped")
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        let mut pool = self.store.pool();
        match self.client.take() {
            Some(c) if !c.is_closed() => pool.idle.push(c),
            _ => pool.open -= 1,
        }
        self.store.returned.notify_one();
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (see the [module docs](self) for its
    /// settings), creates the schema when missing and migrates it to
    /// [`SCHEMA_VERSION`]. A database written by a newer library is refused with
    /// `schema_too_new`, untouched; an unreachable server is `store_unavailable`.
    ///
    /// ```
    /// use fivergo_core::store::postgres::PostgresStore;
    /// // Bad settings are refused before connecting; a server that does not answer is unavailable.
    /// assert_eq!(PostgresStore::open("postgres://u@127.0.0.1/db?pool_size=0").unwrap_err().code(), "invalid_input");
    /// let down = PostgresStore::open("postgres://u@127.0.0.1:1/db?connect_timeout=2").unwrap_err();
    /// assert_eq!(down.code(), "store_unavailable");
    /// ```
    pub fn open(url: &str) -> Result<Self, Error> {
        let settings = PostgresSettings::parse(url)?;
        let mut config: postgres::Config = settings
            .url
            .parse()
            .map_err(|e: postgres::Error| Error::invalid("url", e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.options(&format!(
            "-c statement_timeout={} -c search_path={}",
            settings.statement_timeout_ms, settings.schema
        ));
        let store = Self {
            config,
            settings,
            idle: Mutex::new(Pool {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The settings the store was opened with.
    ///
    /// ```no_run
    /// use fivergo_core::store::postgres::PostgresStore;
    /// let store = PostgresStore::open("postgres://fivergo@db/shop?pool_size=4&schema=tenant_7").unwrap();
    /// assert_eq!((store.settings().pool_size, store.settings().schema.as_str()), (4, "tenant_7"));
    /// ```
    pub fn settings(&self) -> &PostgresSettings {
        &self.settings
    }

    /// The schema version the database is at.
    ///
    /// ```no_run
    /// use fivergo_core::store::postgres::{PostgresStore, SCHEMA_VERSION};
    /// let store = PostgresStore::open("postgres://fivergo@db/shop").unwrap(); // created and migrated
    /// assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    /// ```
    pub fn schema_version(&self) -> Result<u32, Error> {
        let mut conn = self.conn()?;
        let mut tx = conn
            .transaction()
            .map_err(failed("read the schema version"))?;
        read_schema_version(&mut tx)
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A connection: an idle one, a new one while the pool has room, or the next
    /// one returned.
    fn conn(&self) -> Result<Conn<'_>, Error> {
        let mut pool = self.pool();
        loop {
            if let Some(client) = pool.idle.pop() {
                return Ok(Conn {
                    store: self,
                    client: Some(client),
                });
            }
            if pool.open < self.settings.pool_size {
                pool.open += 1;
                drop(pool);
                return match self.config.connect(NoTls) {
                    Ok(client) => Ok(Conn {
                        store: self,
                        client: Some(Session {
                            client,
                            prepared: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        self.pool().open -= 1;
                        self.returned.notify_one();
                        Err(failed("connect to PostgreSQL")(e))
                    }
                };
            }
            pool = self.returned.wait(pool).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Runs a read on a pooled connection; a connection found broken is replaced
    /// once (reads are safe to repeat).
    fn read<T>(
        &self,
        operation: &'static str,
        f: impl Fn(&mut Session) -> Result<T, postgres::Error>,
    ) -> Result<T, Error> {
        let mut conn = self.conn()?;
        match f(&mut conn) {
            Err(_) if conn.is_closed() => {
                drop(conn);
                let mut fresh = self.conn()?;
                f(&mut fresh).map_err(failed(operation))
            }
            other => other.map_err(failed(operation)),
        }
    }

    fn migrate(&self) -> Result<(), Error> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction().map_err(failed("begin a migration"))?;
        let schema = &self.settings.schema;
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE IF NOT EXISTS fivergo_schema (version INTEGER NOT NULL)"))
            .map_err(failed("create the schema table"))?;
        // Two processes opening a fresh database at once: the second waits here.
        tx.execute("LOCK TABLE fivergo_schema IN EXCLUSIVE MODE", &[])
            .map_err(failed("lock the schema table"))?;
        let found = read_schema_version(&mut tx)?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found == SCHEMA_VERSION {
            return Ok(());
        }
        for migration in &MIGRATIONS[found as usize..] {
            tx.batch_execute(migration)
                .map_err(failed("migrate the schema"))?;
        }
        tx.execute("DELETE FROM fivergo_schema", &[])
            .map_err(failed("record the schema version"))?;
        tx.execute(
            "INSERT INTO fivergo_schema (version) VALUES ($1)",
            &[&(SCHEMA_VERSION as i32)],
        )
        .map_err(failed("record the schema version"))?;
        tx.commit().map_err(failed("commit a migration"))
    }
}

fn read_schema_version(tx: &mut Transaction<'_>) -> Result<u32, Error> {
    let v: Option<i32> = tx
        .query_one("SELECT MAX(version) FROM fivergo_schema", &[])
        .map_err(failed("read the schema version"))?
        .get(0);
    Ok(v.map_or(0, |v| u32::try_from(v).unwrap_or(0)))
}

fn recorded(row: &Row) -> Result<Recorded, Error> {
    let partition: String = row.get("partition");
    let sequence =
        u64::try_from(row.get::<_, i64>("sequence")).map_err(|e| corrupt("read an event", e))?;
    let payload: String = row.get("payload");
    let event: Event = serde_json::from_str(&payload).map_err(|e| corrupt("read an event", e))?;
    let partition = SellerId::from(partition);
    Ok(Recorded {
        id: Recorded::id_of(&partition, sequence),
        partition,
        sequence,
        position: u64::try_from(row.get::<_, i64>("position"))
            .map_err(|e| corrupt("read an event", e))?,
        recorded_at: row.get("recorded_at"),
        event,
    })
}

/// Locks a partition's row and reads its version.
const LOCK_PARTITION: &str = "SELECT version FROM fivergo_partitions WHERE key = $1 FOR UPDATE";

/// Takes `$2` outbox positions, inserts the events (types `$4`, payloads `$5`)
/// after sequence `$3`, and moves the partition to its new version and due instant
/// `$7`; returns the first position.
const WRITE_EVENTS: &str = "WITH o AS (UPDATE fivergo_outbox SET last_position = last_position + $2 WHERE id = 1 RETURNING last_position - $2 AS base), \
     e AS (INSERT INTO fivergo_events (partition, sequence, position, type, payload, recorded_at) \
           SELECT $1, $3 + x.n, o.base + x.n, x.t, x.p::jsonb, $6 FROM o, unnest($4::text[], $5::text[]) WITH ORDINALITY AS x(t, p, n)), \
     u AS (UPDATE fivergo_partitions SET version = $3 + $2, due_at = $7, claimed_by = NULL, claimed_until = NULL WHERE key = $1) \
     SELECT base + 1 FROM o";

const EVENT_COLUMNS: &str = "partition, sequence, position, payload::text AS payload, recorded_at";

impl Store for PostgresStore {
    fn load(&self, partition: &SellerId, after: u64) -> Result<Loaded, Error> {
        let (snapshot, rows) = self.read("load a partition", |c| {
            let mut tx = c.build_transaction().read_only(true).isolation_level(postgres::IsolationLevel::RepeatableRead).start()?;
            let snapshot = tx.query_opt(
                "SELECT version, state::text FROM fivergo_snapshots WHERE partition = $1 AND format = $2 AND version > $3",
                &[&partition.as_str(), &SNAPSHOT_FORMAT, &to_i64(after)],
            )?;
            let from = snapshot.as_ref().map_or(to_i64(after), |r| r.get::<_, i64>(0));
            let rows = tx.query(
                &format!("SELECT {EVENT_COLUMNS} FROM fivergo_events WHERE partition = $1 AND sequence > $2 ORDER BY sequence"),
                &[&partition.as_str(), &from],
            )?;
            tx.commit()?;
            Ok((snapshot, rows))
        })?;
        let snapshot = match snapshot {
            Some(row) => {
                let state: String = row.get(1);
                let state: Partition =
                    serde_json::from_str(&state).map_err(|e| corrupt("read a snapshot", e))?;
                Some((row.get::<_, i64>(0) as u64, state))
            }
            None => None,
        };
        let events = rows.iter().map(recorded).collect::<Result<_, _>>()?;
        Ok(Loaded { snapshot, events })
    }

    fn version(&self, partition: &SellerId) -> Result<u64, Error> {
        let row = self.read("read a partition's version", |c| {
            let statement = c.prepared("SELECT version FROM fivergo_partitions WHERE key = $1")?;
            c.query_opt(&statement, &[&partition.as_str()])
        })?;
        Ok(row.map_or(0, |r| r.get::<_, i64>(0) as u64))
    }

    fn append(&self, a: Append<'_>) -> Result<Vec<Recorded>, AppendError> {
        let mut conn = self.conn()?;
        let key = a.partition.as_str();
        let (lock, write) = (conn.prepared(LOCK_PARTITION), conn.prepared(WRITE_EVENTS));
        let (lock, write) = (
            lock.map_err(failed("prepare an append"))?,
            write.map_err(failed("prepare an append"))?,
        );
        let mut tx = conn.transaction().map_err(failed("begin an append"))?;
        // The partition row, locked: a second writer waits here, then sees our version.
        let actual: i64 = match tx
            .query_opt(&lock, &[&key])
            .map_err(failed("lock a partition"))?
        {
            Some(row) => row.get(0),
            None => {
                tx.execute("INSERT INTO fivergo_partitions (key, version) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING", &[&key])
                    .map_err(failed("create a partition"))?;
                tx.query_one(&lock, &[&key])
                    .map_err(failed("lock a partition"))?
                    .get(0)
            }
        };
        if actual as u64 != a.expected {
            return Err(AppendError::Conflict {
                actual: actual as u64,
            });
        }
        let n = a.events.len() as i64;
        let types: Vec<&str> = a.events.iter().map(Event::kind).collect();
        let payloads = a
            .events
            .iter()
            .map(|e| encode("encode an event", e))
            .collect::<Result<Vec<_>, _>>()?;
        // Outbox positions, the events and the partition's new version and due
        // instant in one statement (a new version also ends any claim on the row).
        let first: i64 = tx
            .query_one(
                &write,
                &[
                    &key,
                    &n,
                    &to_i64(a.expected),
                    &types,
                    &payloads,
                    &a.recorded_at,
                    &a.index.due,
                ],
            )
            .map_err(failed("append events"))?
            .get(0);
        let version = to_i64(a.expected + a.events.len() as u64);
        for (client, order) in &a.index.orders {
            tx.execute(
                "INSERT INTO fivergo_client_orders (partition, client, order_id, position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&key, &client.as_str(), &order.as_str(), &first],
            )
            .map_err(failed("index a client's order"))?;
        }
        for (payload, order) in &a.index.payloads {
            tx.execute(
                "INSERT INTO fivergo_draft_payloads (partition, payload, order_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&key, &(*payload as i64), &order.as_str()],
            )
            .map_err(failed("index a draft payload"))?;
        }
        for (work, ready) in &a.index.jobs {
            match ready {
                Some(at) => tx.execute(
                    "INSERT INTO fivergo_jobs (partition, job, kind, ready_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (partition, job) DO UPDATE SET ready_at = excluded.ready_at, claimed_by = NULL",
                    &[&key, &work.id(), &work.kind(), at],
                ),
                None => tx.execute("DELETE FROM fivergo_jobs WHERE partition = $1 AND job = $2", &[&key, &work.id()]),
            }
            .map_err(failed("index a job"))?;
        }
        if let Some(p) = a.snapshot {
            let state = encode("encode a snapshot", p)?;
            tx.execute(
                "INSERT INTO fivergo_snapshots (partition, version, format, state) VALUES ($1, $2, $3, $4::text::jsonb) \
                 ON CONFLICT (partition) DO UPDATE SET version = excluded.version, format = excluded.format, state = excluded.state",
                &[&key, &version, &SNAPSHOT_FORMAT, &state],
            )
            .map_err(failed("write a snapshot"))?;
        }
        tx.commit().map_err(failed("commit an append"))?;
        let mut out = record(a.partition, a.expected, a.events, a.recorded_at, 0);
        for (i, r) in out.iter_mut().enumerate() {
            r.position = (first + i as i64) as u64;
        }
        Ok(out)
    }

    fn due(&self, until: DateTime<Utc>, limit: usize) -> Result<Vec<SellerId>, Error> {
        // Claim: rows another worker holds are skipped, not waited for; a claim
        // lapses after CLAIM (its worker died) or when the partition is appended to.
        let rows = self.read("claim due partitions", |c| {
            c.query(
                "UPDATE fivergo_partitions SET claimed_by = $3, claimed_until = $4 WHERE key IN ( \
                   SELECT key FROM fivergo_partitions \
                   WHERE due_at IS NOT NULL AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
                   ORDER BY due_at, key LIMIT $2 FOR UPDATE SKIP LOCKED) \
                 RETURNING key, due_at",
                &[&until, &to_i64(limit as u64), &worker_name(), &(until + CLAIM)],
            )
        })?;
        let mut due: Vec<(DateTime<Utc>, String)> =
            rows.iter().map(|r| (r.get(1), r.get(0))).collect();
        due.sort();
        Ok(due.into_iter().map(|(_, k)| SellerId::from(k)).collect())
    }

    fn claim_job(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        hold: chrono::Duration,
    ) -> Result<Option<WorkId>, Error> {
        let until = crate::clock::later(now, hold);
        let row = self.read("claim a job", |c| {
            c.query_opt(
                "UPDATE fivergo_jobs SET ready_at = $1, claimed_by = $2 WHERE (partition, job) = ( \
                   SELECT partition, job FROM fivergo_jobs WHERE ready_at <= $3 \
                   ORDER BY ready_at, job LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING job, kind",
                &[&until, &worker, &now],
            )
        })?;
        row.map(|r| WorkId::parse(r.get(1), r.get(0)).map_err(|e| corrupt("claim a job", e)))
            .transpose()
    }

    fn events_since(&self, cursor: Cursor, limit: usize) -> Result<Vec<Recorded>, Error> {
        let rows = self.read("read the outbox", |c| {
            c.query(&format!("SELECT {EVENT_COLUMNS} FROM fivergo_events WHERE position > $1 ORDER BY position LIMIT $2"), &[&to_i64(cursor.0), &to_i64(limit as u64)])
        })?;
        rows.iter().map(recorded).collect()
    }

    fn client_orders(&self, client: &ClientId) -> Result<Vec<OrderId>, Error> {
        let rows = self.read("read a client's orders", |c| {
            c.query("SELECT order_id FROM fivergo_client_orders WHERE client = $1 ORDER BY position, order_id", &[&client.as_str()])
        })?;
        Ok(rows
            .iter()
            .map(|r| OrderId::from(r.get::<_, String>(0)))
            .collect())
    }

    fn order_by_payload(&self, payload: u64) -> Result<Option<OrderId>, Error> {
        let row = self.read("read the payload index", |c| {
            c.query_opt(
                "SELECT order_id FROM fivergo_draft_payloads WHERE payload = $1 LIMIT 1",
                &[&(payload as i64)],
            )
        })?;
        Ok(row.map(|r| OrderId::from(r.get::<_, String>(0))))
    }

    fn partitions(&self, after: Option<&SellerId>, limit: usize) -> Result<Vec<SellerId>, Error> {
        let rows = self.read("list partitions", |c| {
            c.query(
                "SELECT key FROM fivergo_partitions WHERE key > $1 ORDER BY key LIMIT $2",
                &[&after.map_or("", |a| a.as_str()), &to_i64(limit as u64)],
            )
        })?;
        Ok(rows
            .iter()
            .map(|r| SellerId::from(r.get::<_, String>(0)))
            .collect())
    }

    fn charge_once(
        &self,
        partition: &SellerId,
        key: &str,
        at: DateTime<Utc>,
        charge: &dyn Fn() -> Result<String, ChargeFailure>,
    ) -> Result<Result<String, ChargeFailure>, Error> {
        let mut conn = self.conn()?;
        let pkey = partition.as_str();
        // The key's row, locked: a second worker with the same key waits for the
        // first one's gateway call and then reads its outcome.
        let mut tx = conn.transaction().map_err(failed("begin a charge"))?;
        tx.execute(
            "INSERT INTO fivergo_charges (partition, idempotency_key, requested_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&pkey, &key, &at],
        )
        .map_err(failed("record a charge"))?;
        let row = tx
            .query_one("SELECT outcome::text FROM fivergo_charges WHERE partition = $1 AND idempotency_key = $2 FOR UPDATE", &[&pkey, &key])
            .map_err(failed("lock a charge"))?;
        if let Some(outcome) = row.get::<_, Option<String>>(0) {
            return serde_json::from_str(&outcome).map_err(|e| corrupt("read a charge", e));
        }
        let outcome = charge();
        if outcome.is_err() {
            // A decline or an unanswered call is not kept: a later retry of the period
            // asks the gateway again, with the same key.
            return Ok(outcome);
        }
        let text = encode("encode a charge", &outcome)?;
        tx.execute("UPDATE fivergo_charges SET outcome = $3::text::jsonb WHERE partition = $1 AND idempotency_key = $2", &[&pkey, &key, &text])
            .map_err(failed("record a charge"))?;
        tx.commit().map_err(failed("commit a charge"))?;
        Ok(outcome)
    }
}

/// This process's name in claims (host and process id), for operators reading the
/// partitions table.
fn worker_name() -> String {
    format!("pid-{}", std::process::id())
}

/// File bytes in the same PostgreSQL database (`fivergo_blobs`, keyed by SHA-256),
/// so that every app server and worker reads every file: what `Hub::open` of a
/// `postgres://` URL uses. A host with object storage implements
/// [`BlobStore`](crate::blob::BlobStore) over it instead.
///
/// ```no_run
/// use fivergo_core::store::postgres::{PostgresBlobStore, PostgresStore};
/// use fivergo_core::BlobStore;
/// use std::sync::Arc;
/// let store = Arc::new(PostgresStore::open("postgres://fivergo@db/shop").unwrap());
/// let blobs = PostgresBlobStore::new(store.clone());
/// let file = blobs.store(b"koi", "text/plain").unwrap(); // every app server reads it back
/// assert_eq!(blobs.fetch(&file).unwrap().as_bytes(), b"koi");
/// ```
pub struct PostgresBlobStore {
    store: std::sync::Arc<PostgresStore>,
}

impl std::fmt::Debug for PostgresBlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresBlobStore").finish_non_exhaustive()
    }
}

impl PostgresBlobStore {
    /// Blobs in the database of `store`, sharing its connections.
    ///
    /// ```no_run
    /// use fivergo_core::store::postgres::{PostgresBlobStore, PostgresStore};
    /// use fivergo_core::Hub;
    /// use std::sync::Arc;
    /// let store = Arc::new(PostgresStore::open("postgres://fivergo@db/shop").unwrap());
    /// let hub = Hub::builder().shared_store(store.clone()).blobs(PostgresBlobStore::new(store)).build().unwrap();
    /// ```
    pub fn new(store: std::sync::Arc<PostgresStore>) -> Self {
        Self { store }
    }
}

impl crate::blob::BlobStore for PostgresBlobStore {
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        let mut conn = self.store.conn()?;
        conn.execute(
            "INSERT INTO fivergo_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&sha256, &bytes],
        )
        .map_err(failed("store a file"))?;
        Ok(())
    }

    fn get(&self, sha256: &str) -> Result<Option<crate::blob::Blob>, Error> {
        let row = self.store.read("read a file", |c| {
            c.query_opt(
                "SELECT bytes FROM fivergo_blobs WHERE sha256 = $1",
                &[&sha256],
            )
        })?;
        Ok(row.map(|r| crate::blob::Blob::from(r.get::<_, Vec<u8>>(0))))
    }
}
