//! The PostgreSQL store on the test run's server (`FIVERGO_TEST_PG_URL`): schema
//! versions, snapshots, connection failures as typed errors, and what several app
//! servers and tick workers on one database must never do — charge a period twice,
//! settle one partition in two workers at once, or skip an outbox event.

use chrono::{DateTime, Duration, Utc};
use fivergo::store::postgres::{PostgresSettings, PostgresStore};
use fivergo::store::Store;
use fivergo::*;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

mod support;

fn start() -> DateTime<Utc> {
    "2026-02-18T09:00:00Z".parse().unwrap()
}

/// A gateway that approves everything and deduplicates nothing, counting its calls:
/// what a careless processor integration looks like. Slow, so races overlap.
#[derive(Clone, Default)]
struct Careless(Arc<AtomicUsize>);

impl PaymentGateway for Careless {
    fn charge(
        &self,
        request: &subscription::ChargeRequest,
    ) -> Result<String, subscription::ChargeFailure> {
        std::thread::sleep(std::time::Duration::from_millis(2));
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Ok(format!("ch-{}-{n}", request.idempotency_key))
    }
}

fn subscribed_seller(hub: &Hub, name: &str) {
    hub.register_seller(name, SellerLevel::Level2, false)
        .unwrap();
    hub.add_payment_method(
        name,
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    hub.subscribe(name, &"card".into()).unwrap();
}

#[test]
fn the_schema_is_created_once_and_a_newer_one_is_refused_untouched() {
    let url = support::pg_url("schema");
    let store = PostgresStore::open(&url).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        fivergo::store::postgres::SCHEMA_VERSION
    );
    // Opening again (another process starting) migrates nothing and keeps the data.
    let hub = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    let again = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    assert_eq!(again.seller("ana").unwrap().level, SellerLevel::Level2);

    let schema = store.settings().schema.clone();
    let mut admin = postgres::Client::connect(
        &std::env::var("FIVERGO_TEST_PG_URL").unwrap(),
        postgres::NoTls,
    )
    .unwrap();
    admin
        .batch_execute(&format!("UPDATE {schema}.fivergo_schema SET version = 99"))
        .unwrap();
    match PostgresStore::open(&url).err() {
        Some(Error::SchemaTooNew {
            found: 99,
            supported,
        }) => assert_eq!(supported, fivergo::store::postgres::SCHEMA_VERSION),
        other => panic!("expected schema_too_new, got {other:?}"),
    }
    let v: i32 = admin
        .query_one(&format!("SELECT version FROM {schema}.fivergo_schema"), &[])
        .unwrap()
        .get(0);
    assert_eq!(v, 99, "nothing was migrated down");
}

#[test]
fn connection_settings_come_from_the_url_and_an_unreachable_server_is_a_typed_error() {
    let s = PostgresSettings::parse(
        "postgres://u@127.0.0.1:1/app?pool_size=3&statement_timeout_ms=500&connect_timeout=1",
    )
    .unwrap();
    assert_eq!(
        (s.pool_size, s.statement_timeout_ms, s.schema.as_str()),
        (3, 500, "public")
    );
    assert_eq!(s.url, "postgres://u@127.0.0.1:1/app?connect_timeout=1");
    for bad in [
        "pool_size=0",
        "pool_size=x",
        "statement_timeout_ms=-1",
        "schema=Robert'); DROP TABLE x;--",
    ] {
        let err = PostgresSettings::parse(&format!("postgres://u@h/app?{bad}")).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{bad}");
    }
    // Nothing listens on port 1.
    let err = Hub::open("postgres://fivergo@127.0.0.1:1/postgres?connect_timeout=2").unwrap_err();
    assert_eq!(err.code(), "store_unavailable", "{err}");
}

#[test]
fn loading_a_long_partition_starts_from_its_snapshot() {
    let url = support::pg_url("snapshot");
    let hub = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    for _ in 0..150 {
        hub.add_gig("ana", "tattoo").unwrap();
    }
    let store = PostgresStore::open(&url).unwrap();
    assert_eq!(store.version(&"ana".into()).unwrap(), 151);
    let loaded = store.load(&"ana".into(), 0).unwrap();
    let (version, snapshot) = loaded.snapshot.expect("a snapshot every 64 events");
    assert_eq!(version, 128);
    assert_eq!(
        loaded.events.iter().map(|r| r.sequence).collect::<Vec<_>>(),
        (129..=151).collect::<Vec<_>>()
    );
    let mut rebuilt = snapshot;
    for r in &loaded.events {
        rebuilt.apply(&r.event);
    }
    assert_eq!(rebuilt, hub.admin().partition("ana").unwrap());
    let tail = store.load(&"ana".into(), 140).unwrap();
    assert!(tail.snapshot.is_none());
    assert_eq!(tail.events.len(), 11);
}

#[test]
fn two_tick_workers_renew_every_due_subscription_once_and_call_the_gateway_once_per_period() {
    // R: S2, S5
    let url = support::pg_url("tick_workers");
    let clock = ManualClock::at(start());
    let gateway = Careless::default();
    let setup = Hub::builder()
        .clock(clock.clone())
        .gateway(gateway.clone())
        .open(&url)
        .unwrap();
    let sellers: Vec<String> = (0..40).map(|i| format!("s{i:02}")).collect();
    for s in &sellers {
        subscribed_seller(&setup, s);
    }
    assert_eq!(gateway.0.load(Ordering::SeqCst), 40, "the first months");
    clock.advance(Duration::days(31)).unwrap();

    // Two workers (each its own hub, cache and connections, as two processes would
    // have), released at once.
    let barrier = Arc::new(Barrier::new(2));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (url, clock, gateway, barrier) =
                (url.clone(), clock.clone(), gateway.clone(), barrier.clone());
            std::thread::spawn(move || {
                let hub = Hub::builder()
                    .clock(clock)
                    .gateway(gateway)
                    .open(&url)
                    .unwrap();
                barrier.wait();
                hub.tick().unwrap().events
            })
        })
        .collect();
    let events: Vec<Recorded> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let charged: Vec<&Recorded> = events
        .iter()
        .filter(|r| r.kind() == "subscription_charged")
        .collect();
    let renewed: BTreeSet<&str> = charged.iter().map(|r| r.partition.as_str()).collect();
    assert_eq!(
        charged.len(),
        40,
        "each due seller renewed by exactly one worker"
    );
    assert_eq!(renewed.len(), 40);
    assert_eq!(
        gateway.0.load(Ordering::SeqCst),
        80,
        "one gateway call per seller and period, in both workers together"
    );
    for s in &sellers {
        let sub = setup.subscription(s).unwrap().unwrap();
        assert_eq!(sub.charges.len(), 2, "{s}: the first month and one renewal");
    }
}

#[test]
fn the_charge_record_lets_one_of_several_callers_reach_the_gateway() {
    // R: S5
    let url = support::pg_url("charge_once");
    let stores: Vec<Arc<PostgresStore>> = (0..4)
        .map(|_| Arc::new(PostgresStore::open(&url).unwrap()))
        .collect();
    let calls = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(stores.len()));
    let answers: Vec<Result<String, subscription::ChargeFailure>> = stores
        .iter()
        .map(|store| {
            let (store, calls, barrier) = (store.clone(), calls.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let charge = || {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    Ok(format!("ch-{}", calls.fetch_add(1, Ordering::SeqCst)))
                };
                store
                    .charge_once(&"ana".into(), "ana/sub-1/3", start(), &charge)
                    .unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one call for one key");
    assert!(
        answers.iter().all(|a| a == &Ok("ch-0".to_owned())),
        "every caller got the one charge: {answers:?}"
    );
    // A decline is not kept: the next attempt asks again.
    let decline = subscription::ChargeFailure::Declined("card declined".into());
    let declined = stores[0]
        .charge_once(&"ana".into(), "ana/sub-1/4", start(), &|| {
            Err(decline.clone())
        })
        .unwrap();
    assert_eq!(declined, Err(decline));
    let retried = stores[1]
        .charge_once(&"ana".into(), "ana/sub-1/4", start(), &|| {
            Ok("ch-late".into())
        })
        .unwrap();
    assert_eq!(retried, Ok("ch-late".into()));
}

#[test]
fn due_partitions_are_claimed_by_one_worker_until_appended_to_or_the_claim_lapses() {
    let url = support::pg_url("claims");
    let clock = ManualClock::at(start());
    let hub = Hub::builder()
        .clock(clock.clone())
        .gateway(Careless::default())
        .open(&url)
        .unwrap();
    for i in 0..10 {
        subscribed_seller(&hub, &format!("s{i}"));
    }
    let (a, b) = (
        PostgresStore::open(&url).unwrap(),
        PostgresStore::open(&url).unwrap(),
    );
    let later = start() + Duration::days(31);
    let first = a.due(later, 6).unwrap();
    let second = b.due(later, 100).unwrap();
    let both: BTreeSet<_> = first.iter().chain(&second).collect();
    assert_eq!(
        both.len(),
        first.len() + second.len(),
        "no partition claimed twice: {first:?} {second:?}"
    );
    assert!(
        b.due(later, 100).unwrap().is_empty(),
        "everything due is claimed"
    );
    // A claim lapses (its worker died): the partitions are due again.
    let lapsed = b.due(later + Duration::minutes(5), 100).unwrap();
    assert_eq!((first.len(), second.len(), lapsed.len()), (6, 4, 10));
    // Settling a partition (an append) ends its claim at once.
    let settled = Hub::builder()
        .clock(ManualClock::at(later + Duration::minutes(5)))
        .gateway(Careless::default())
        .open(&url)
        .unwrap();
    settled.renew_subscription(lapsed[0].as_str()).unwrap();
    let again = a.due(later + Duration::minutes(10), 100).unwrap();
    assert_eq!(
        again.len(),
        9,
        "the others' claims lapsed again; the renewed one is due next month"
    );
    assert!(!again.contains(&lapsed[0]));
}

#[test]
fn the_outbox_of_two_app_servers_is_one_gapless_sequence() {
    let url = support::pg_url("outbox");
    let clock = ManualClock::at(start());
    let servers: Vec<Hub> = (0..2)
        .map(|_| Hub::builder().clock(clock.clone()).open(&url).unwrap())
        .collect();
    let threads: Vec<_> = servers
        .iter()
        .enumerate()
        .flat_map(|(s, hub)| {
            (0..3).map(move |t| {
                let hub = hub.clone();
                std::thread::spawn(move || {
                    let name = format!("seller-{s}-{t}");
                    hub.register_seller(&name, SellerLevel::Level2, false)
                        .unwrap();
                    for _ in 0..20 {
                        hub.credit_balance(&name, Money::parse("1", Currency::Usd).unwrap())
                            .unwrap();
                        // Every thread also writes to one shared seller.
                        let _ =
                            hub.credit_balance("shared", Money::parse("1", Currency::Usd).unwrap());
                    }
                })
            })
        })
        .collect();
    servers[0]
        .register_seller("shared", SellerLevel::Level2, false)
        .ok();
    for t in threads {
        t.join().unwrap();
    }
    let log = servers[1]
        .events_since(store::Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    let positions: Vec<u64> = log.iter().map(|r| r.position).collect();
    assert_eq!(
        positions,
        (1..=log.len() as u64).collect::<Vec<_>>(),
        "positions 1, 2, 3, … with no gap"
    );
    // Read in pages, the outbox gives the same events.
    let mut cursor = store::Cursor::default();
    let mut paged = Vec::new();
    loop {
        let page = servers[0].events_since(cursor, 7).unwrap();
        if page.events.is_empty() {
            break;
        }
        paged.extend(page.events.iter().map(|r| r.id.clone()));
        cursor = page.next;
    }
    assert_eq!(paged, log.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    let shared = servers[0].seller("shared").unwrap();
    let credited = log
        .iter()
        .filter(|r| r.partition.as_str() == "shared" && r.kind() == "balance_credited")
        .count();
    assert_eq!(
        shared.balance.amount(),
        rust_decimal::Decimal::from(credited)
    );
}
