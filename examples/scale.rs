//! How command cost grows with the marketplace: builds `--sellers N` sellers through
//! the Hub (each registered, with a Gig, a card, a trained and published model, a
//! subscription and one client order with its draft), then times each command kind
//! on random sellers, and reports memory / disk per seller.
//!
//! ```sh
//! cargo run --release --example scale -- --store memory --sellers 100000
//! cargo run --release --example scale -- --store sqlite --sellers 100000 --db /tmp/scale.db
//! cargo run --release --example scale -- --store memory --sellers 1000000 --cache 200000
//! cargo run --release --example scale -- --store postgres --sellers 10000 --db 'postgres://fivergo@127.0.0.1/postgres?schema=scale'
//! ```
//!
//! Subscriptions are staggered over the first 20 days of a manual clock, so that
//! "tick with nothing due" and "tick with 1 % due" can be timed. Drafts are small
//! (64×64 gradient) pictures from a bench generator: what is measured is the engine
//! and the store, not image generation. Files go to a blob store that keeps the small
//! ones (trained styles, read back by generation) and only counts the bytes of the
//! others (drafts and clean files, which a host keeps in object storage), so the
//! figure per seller is what the state and the log cost.

#[path = "support/bench.rs"]
mod bench;

use bench::{pg_bytes, rss_bytes, Counting, Pick, Tiny};
use chrono::{DateTime, Duration, Utc};
use fivergo::*;
use std::sync::Arc;
use std::time::Instant;

struct Args {
    store: String,
    sellers: usize,
    db: Option<String>,
    samples: usize,
    cache: Option<usize>,
    reuse: bool,
}

fn args() -> Args {
    let mut a = Args {
        store: "memory".into(),
        sellers: 10_000,
        db: None,
        samples: 2_000,
        cache: None,
        reuse: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--reuse" {
            a.reuse = true;
            continue;
        }
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--store" => a.store = value,
            "--sellers" => a.sellers = value.parse().expect("--sellers N"),
            "--db" => a.db = Some(value),
            "--samples" => a.samples = value.parse().expect("--samples N"),
            "--cache" => a.cache = Some(value.parse().expect("--cache N")),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn seller_id(i: usize) -> String {
    format!("s{i:07}")
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).expect("an amount")
}

/// Everything up to a published model and one order, for seller `id`; stops after
/// `until` steps (pools of half-built sellers for the commands timed later).
fn build(hub: &Hub, id: &str, until: Step) -> Result<ModelId, Refused> {
    hub.register_seller(id, SellerLevel::Level2, false)?;
    hub.add_gig(id, "tattoo")?;
    hub.add_payment_method(
        id,
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )?;
    let m = bench::priced_model(hub, id)?;
    if until == Step::Subscribe {
        return Ok(m);
    }
    hub.subscribe(id, &"card".into())?;
    if until == Step::Publish {
        return Ok(m);
    }
    hub.publish(id, &m)?;
    let o = hub
        .order_draft(&format!("client-of-{id}"), &m, Brief::new("a koi"), 7)?
        .value;
    hub.approve(&format!("client-of-{id}"), &o)?;
    hub.record_payment(&format!("client-of-{id}"), &o, usd("20"))?;
    Ok(m)
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Subscribe,
    Publish,
    All,
}

struct Timing {
    name: &'static str,
    micros: Vec<f64>,
}

impl Timing {
    fn report(&mut self) -> String {
        self.micros.sort_by(f64::total_cmp);
        let n = self.micros.len().max(1);
        let at = |q: f64| {
            self.micros
                .get(((n as f64 - 1.0) * q) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        let mean = self.micros.iter().sum::<f64>() / n as f64;
        format!(
            "| {} | {:.1} | {:.1} | {:.1} |",
            self.name,
            at(0.5),
            at(0.99),
            mean
        )
    }
}

fn time<T>(
    timings: &mut Vec<Timing>,
    name: &'static str,
    samples: usize,
    mut f: impl FnMut(usize) -> T,
) {
    let mut micros = Vec::with_capacity(samples);
    for i in 0..samples {
        let t = Instant::now();
        let _ = f(i);
        micros.push(t.elapsed().as_secs_f64() * 1e6);
    }
    timings.push(Timing { name, micros });
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    let t0: DateTime<Utc> = "2027-01-04T00:00:00Z".parse().expect("an instant");
    let clock = ManualClock::at(t0);
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Tiny));
    let blobs = Arc::new(Counting::default());
    let builder = Hub::builder()
        .clock(clock.clone())
        .generators(generators)
        .shared_blobs(blobs.clone())
        .cache_capacity(a.cache.unwrap_or(a.sellers + 3 * a.samples + 16));
    let hub = match a.store.as_str() {
        "memory" => builder.build()?,
        "sqlite" => {
            let db =
                a.db.clone()
                    .unwrap_or_else(|| format!("/tmp/fivergo-scale-{}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"].iter().filter(|_| !a.reuse) {
                std::fs::remove_file(format!("{db}{suffix}")).ok();
            }
            let store = store::sqlite::SqliteStore::open(&db)?;
            builder.store(store).build()?
        }
        "postgres" => {
            let url =
                a.db.clone()
                    .expect("--store postgres needs --db postgres://…");
            if !a.reuse {
                let settings = store::postgres::PostgresSettings::parse(&url)?;
                let mut admin = postgres::Client::connect(&settings.url, postgres::NoTls)?;
                admin.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {} CASCADE",
                    settings.schema
                ))?;
            }
            builder
                .store(store::postgres::PostgresStore::open(&url)?)
                .build()?
        }
        other => panic!("--store memory|sqlite|postgres, not {other}"),
    };
    let rss0 = rss_bytes();
    let build_start = Instant::now();
    // Subscriptions spread over 20 days: nothing falls due before day 28.
    let stagger = Duration::milliseconds(20 * 86_400_000 / a.sellers.max(1) as i64);
    // With --reuse, the sellers of an earlier run are in the database already.
    for i in (0..a.sellers).filter(|_| !a.reuse) {
        build(&hub, &seller_id(i), Step::All)?;
        clock.advance(stagger)?;
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "{} sellers in {:.0} s",
                i + 1,
                build_start.elapsed().as_secs_f64()
            );
        }
    }
    let build_secs = build_start.elapsed().as_secs_f64();
    let commands = a.sellers * 16;
    // Pools of sellers one step short, for subscribe and publish.
    let run = std::process::id();
    let sub_pool: Vec<String> = (0..a.samples)
        .map(|i| format!("pool-sub-{run}-{i}"))
        .collect();
    let pub_pool: Vec<(String, ModelId)> = (0..a.samples)
        .map(|i| {
            let id = format!("pool-pub-{run}-{i}");
            let m = build(&hub, &id, Step::Publish).map(|m| (id.clone(), m));
            build(&hub, &sub_pool[i], Step::Subscribe)
                .map(|_| ())
                .and(m)
        })
        .collect::<Result<_, _>>()?;
    let rss1 = rss_bytes();

    let mut pick = Pick(0x9E37_79B9_7F4A_7C15);
    let mut timings = Vec::new();
    let n = a.sellers;
    let models: Vec<ModelId> = (0..a.samples)
        .map(|_| ModelId::from(format!("{}/model-1", seller_id(pick.next(n)))))
        .collect();
    if a.reuse {
        // A reopened hub starts cold: load the partitions the timings touch first.
        for (i, model) in models.iter().enumerate() {
            hub.admin()
                .partition(&seller_id((i * (n / a.samples).max(1) + run as usize) % n))?;
            hub.admin()
                .partition(model.partition().expect("a minted id").as_str())?;
        }
    }
    time(&mut timings, "register_seller", a.samples, |i| {
        hub.register_seller(&format!("new-{run}-{i}"), SellerLevel::Level2, false)
            .map(|_| ())
    });
    time(&mut timings, "subscribe", a.samples, |i| {
        hub.subscribe(&sub_pool[i], &"card".into()).map(|_| ())
    });
    let trainee = |i: usize| seller_id((i * (n / a.samples).max(1) + run as usize) % n);
    time(&mut timings, "start_training", a.samples, |i| {
        hub.start_training(
            &trainee(i),
            &ModelId::from(format!("{}/model-1", trainee(i))),
        )
        .map(|_| ())
    });
    time(&mut timings, "publish", a.samples, |i| {
        hub.publish(&pub_pool[i].0, &pub_pool[i].1).map(|_| ())
    });
    time(&mut timings, "quote", a.samples, |i| {
        hub.quote(&models[i], 2).map(|_| ())
    });
    time(&mut timings, "order_draft (64×64)", a.samples, |i| {
        hub.order_draft("bench-client", &models[i], Brief::new("x"), i as u64)
            .map(|_| ())
    });
    time(&mut timings, "seller (read)", a.samples, |i| {
        hub.seller(models[i].partition().expect("a minted id").as_str())
            .map(|_| ())
    });
    time(
        &mut timings,
        "tick, nothing due",
        a.samples.min(500),
        |_| hub.tick().map(|_| ()),
    );
    // 1 % due: the sellers whose anchor lies in the first 1 % of the 20 days.
    clock.set(t0 + Duration::days(31) + Duration::milliseconds(20 * 86_400_000 / 100))?;
    let tick_start = Instant::now();
    let renewed = hub
        .tick()?
        .events
        .iter()
        .filter(|e| e.kind() == "subscription_charged")
        .count();
    let tick_secs = tick_start.elapsed().as_secs_f64();

    println!(
        "## {} store, {} sellers, {} partitions cached\n",
        a.store,
        a.sellers,
        a.cache.map_or("all".to_owned(), |c| c.to_string())
    );
    println!(
        "built in {build_secs:.1} s ({:.0} commands/s over about {commands} commands)",
        commands as f64 / build_secs
    );
    println!("memory: {:.0} bytes of RSS per seller (state, log, caches; {:.1} MB of files in the blob store, counted apart)", (rss1.saturating_sub(rss0)) as f64 / n as f64 - blobs.kept() as f64 / n as f64, blobs.bytes() as f64 / 1e6);
    let (mut events, mut log_json, mut cursor) = (0usize, 0usize, Cursor::default());
    loop {
        let page = hub.events_since(cursor, 100_000)?;
        if page.events.is_empty() {
            break;
        }
        events += page.events.len();
        log_json += page
            .events
            .iter()
            .map(|e| serde_json::to_string(e).map_or(0, |j| j.len()))
            .sum::<usize>();
        cursor = page.next;
    }
    let sample: usize = (0..100)
        .map(|i| {
            hub.admin()
                .partition(&seller_id(i * n / 100))
                .ok()
                .and_then(|p| serde_json::to_string(&p).ok())
                .map_or(0, |j| j.len())
        })
        .sum();
    println!(
        "log: {events} events, {:.0} bytes of JSON per seller; a partition is {:.0} bytes of JSON",
        log_json as f64 / n as f64,
        sample as f64 / 100.0
    );
    if let Some(db) = a.db.as_ref().filter(|_| a.store == "sqlite") {
        let size: u64 = ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{db}{s}")).ok())
            .map(|m| m.len())
            .sum();
        println!(
            "disk: {:.0} bytes of SQLite per seller",
            size as f64 / n as f64
        );
    }
    if let Some(url) = a.db.as_ref().filter(|_| a.store == "postgres") {
        let size = pg_bytes(url)?;
        println!(
            "disk: {:.0} bytes of PostgreSQL (tables, indexes, TOAST) per seller",
            size as f64 / n as f64
        );
    }
    println!("\n| command | p50 µs | p99 µs | mean µs |\n|---|---|---|---|");
    for t in &mut timings {
        println!("{}", t.report());
    }
    println!(
        "| tick, 1 % due ({renewed} renewals) | {:.1} µs per renewal | {:.2} s in all | |",
        tick_secs * 1e6 / renewed.max(1) as f64,
        tick_secs
    );
    Ok(())
}
