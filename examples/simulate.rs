//! A marketplace month through the Hub, on the manual clock: `--sellers N` sellers
//! onboard (each a Gig, a card, `--models M` trained, priced and published models,
//! a subscription), then for `--days D` days clients place `--orders K` orders per
//! seller in all (drafts generated, 60 % approved, paid and downloaded; 32 days by
//! default, so every first anniversary falls inside) and a daily
//! `tick` settles renewals. Reports wall time and commands per second per phase,
//! peak memory, and bytes per event and per aggregate (JSON, and on disk for SQLite
//! and PostgreSQL).
//!
//! ```sh
//! cargo run --release --example simulate -- --store memory --sellers 100000
//! cargo run --release --example simulate -- --store postgres --sellers 10000 --db 'postgres://fivergo@127.0.0.1/postgres?schema=sim'
//! ```
//!
//! Drafts come from a 64×64 bench generator and go to a blob store that counts them
//! (a host keeps files in object storage): what is measured is the engine and the
//! store.

#[path = "support/bench.rs"]
mod bench;

use bench::{peak_rss_bytes, pg_bytes, Counting, Pick, Tiny};
use chrono::{DateTime, Duration, Utc};
use fivergo::*;
use std::sync::Arc;
use std::time::Instant;

struct Args {
    store: String,
    db: Option<String>,
    sellers: usize,
    models: usize,
    orders: usize,
    days: i64,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        store: "memory".into(),
        db: None,
        sellers: 10_000,
        models: 3,
        orders: 10,
        days: 32,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--store" => a.store = value.clone(),
            "--db" => a.db = Some(value.clone()),
            "--sellers" => a.sellers = number()?,
            "--models" => a.models = number()?.clamp(1, 3),
            "--orders" => a.orders = number()?,
            "--days" => a.days = number()? as i64,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).expect("an amount")
}

/// A seller with `models` trained, tried, priced models, subscribed and published.
fn onboard(hub: &Hub, id: &str, models: usize) -> Result<(Vec<ModelId>, usize), Refused> {
    hub.register_seller(id, SellerLevel::Level2, false)?;
    hub.add_gig(id, "tattoo")?;
    hub.add_payment_method(
        id,
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )?;
    let mut made = Vec::new();
    for _ in 0..models {
        made.push(bench::priced_model(hub, id)?);
    }
    hub.subscribe(id, &"card".into())?;
    for m in &made {
        hub.publish(id, m)?;
    }
    Ok((made, 4 + 9 * models + models))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let t0: DateTime<Utc> = "2027-01-04T00:00:00Z".parse()?;
    let clock = ManualClock::at(t0);
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Tiny));
    let blobs = Arc::new(Counting::default());
    let builder = Hub::builder()
        .clock(clock.clone())
        .generators(generators)
        .shared_blobs(blobs.clone())
        .cache_capacity(a.sellers + 16);
    let hub = match a.store.as_str() {
        "memory" => builder.build()?,
        "sqlite" => {
            let db =
                a.db.clone()
                    .unwrap_or_else(|| format!("/tmp/fivergo-simulate-{}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{db}{suffix}")).ok();
            }
            builder
                .store(store::sqlite::SqliteStore::open(&db)?)
                .build()?
        }
        "postgres" => {
            let url =
                a.db.clone()
                    .ok_or("--store postgres needs --db postgres://…")?;
            let settings = store::postgres::PostgresSettings::parse(&url)?;
            postgres::Client::connect(&settings.url, postgres::NoTls)?.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                settings.schema
            ))?;
            builder
                .store(store::postgres::PostgresStore::open(&url)?)
                .build()?
        }
        other => return Err(format!("--store memory|sqlite|postgres, not {other}").into()),
    };
    let seller = |i: usize| format!("s{i:07}");

    // Onboarding, spread over the first day.
    let started = Instant::now();
    let step = Duration::milliseconds(86_400_000 / a.sellers.max(1) as i64);
    let (mut models, mut onboarding_commands) = (Vec::with_capacity(a.sellers * a.models), 0);
    for i in 0..a.sellers {
        let (made, commands) = onboard(&hub, &seller(i), a.models)?;
        models.extend(made);
        onboarding_commands += commands;
        clock.advance(step)?;
        if (i + 1) % 50_000 == 0 {
            eprintln!(
                "{} sellers onboard in {:.0} s",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let onboarding = started.elapsed().as_secs_f64();

    // The month: orders every day, a tick every day.
    let month = Instant::now();
    let mut pick = Pick(0x9E37_79B9_7F4A_7C15);
    let (mut orders, mut order_commands, mut renewals, mut tick_secs) =
        (0usize, 0usize, 0usize, 0.0);
    let per_day = a.sellers * a.orders / a.days.max(1) as usize;
    for day in 1..=a.days {
        clock.set(t0 + Duration::days(day))?;
        let tick = Instant::now();
        renewals += hub
            .tick()?
            .events
            .iter()
            .filter(|e| e.kind() == "subscription_charged")
            .count();
        tick_secs += tick.elapsed().as_secs_f64();
        for _ in 0..per_day {
            let model = &models[pick.next(models.len())];
            let client = format!("c{:07}", pick.next(a.sellers * 4));
            let order = hub
                .order_draft(&client, model, Brief::new("a koi"), orders as u64)?
                .value;
            orders += 1;
            order_commands += 1;
            if pick.next(10) < 6 {
                hub.approve(&client, &order)?;
                hub.record_payment(&client, &order, usd("20"))?;
                hub.download(&client, &order)?;
                order_commands += 3;
            }
        }
        if day % 10 == 0 {
            eprintln!(
                "day {day}: {orders} orders in {:.0} s",
                month.elapsed().as_secs_f64()
            );
        }
    }
    let month_secs = month.elapsed().as_secs_f64();

    // Sizes: the log (JSON), a sample of partitions, the store on disk.
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
            .map(|e| serde_json::to_string(&e.event).map_or(0, |j| j.len()))
            .sum::<usize>();
        cursor = page.next;
    }
    let (mut sample_json, mut sample_aggregates) = (0usize, 0usize);
    for i in (0..a.sellers).step_by((a.sellers / 200).max(1)) {
        let p = hub.admin().partition(&seller(i))?;
        sample_json += serde_json::to_string(&p)?.len();
        sample_aggregates += 1
            + p.assets.len()
            + p.models.len()
            + p.jobs.len()
            + p.subscriptions.len()
            + p.orders.len()
            + p.generations.len();
    }
    let disk = match (a.store.as_str(), &a.db) {
        ("postgres", Some(url)) => Some(pg_bytes(url)? as u64),
        ("sqlite", Some(db)) => Some(
            ["", "-wal"]
                .iter()
                .filter_map(|s| std::fs::metadata(format!("{db}{s}")).ok())
                .map(|m| m.len())
                .sum(),
        ),
        _ => None,
    };

    let n = a.sellers;
    println!(
        "## {} store: {n} sellers, {} models, {orders} orders, {} days\n",
        a.store,
        models.len(),
        a.days
    );
    println!("| phase | commands | wall s | commands/s |\n|---|---:|---:|---:|");
    println!(
        "| onboarding | {onboarding_commands} | {onboarding:.1} | {:.0} |",
        onboarding_commands as f64 / onboarding
    );
    println!(
        "| month (orders + daily ticks) | {order_commands} | {month_secs:.1} | {:.0} |",
        order_commands as f64 / month_secs
    );
    println!(
        "| of which ticks | {renewals} renewals | {tick_secs:.1} | {:.0} renewals/s |",
        renewals as f64 / tick_secs.max(1e-9)
    );
    println!();
    println!("peak RSS {:.0} MB ({:.1} KB per seller; {:.0} MB of pictures counted in the blob store, not kept)", peak_rss_bytes() as f64 / 1e6, peak_rss_bytes() as f64 / 1e3 / n as f64, blobs.bytes() as f64 / 1e6);
    println!(
        "log: {events} events, {:.0} bytes of JSON per event",
        log_json as f64 / events.max(1) as f64
    );
    println!(
        "state: {:.0} bytes of JSON per aggregate (a partition holds {:.1} aggregates)",
        sample_json as f64 / sample_aggregates.max(1) as f64,
        sample_aggregates as f64 / (n / (n / 200).max(1)).max(1) as f64
    );
    if let Some(bytes) = disk {
        println!(
            "disk: {:.0} bytes per event, {:.0} bytes per seller",
            bytes as f64 / events.max(1) as f64,
            bytes as f64 / n as f64
        );
    }
    Ok(())
}
