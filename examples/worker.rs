//! `fivergo worker`: the loop a host runs N times (processes or threads) beside its
//! app servers, on one store. Each worker claims the job that waited longest (a
//! queued training or generation, or one whose worker died: its lease ran out),
//! runs it with the reference generators, records it, and when idle settles what
//! fell due (renewals, ends, lost leases).
//!
//! ```sh
//! # two workers on one PostgreSQL, until Ctrl-C (or --secs)
//! cargo run --release --example worker -- --db 'postgres://fivergo@127.0.0.1/postgres' --threads 2
//! # on a SQLite file shared with the app servers of this machine
//! cargo run --release --example worker -- --db sqlite:/var/lib/shop/fivergo.db
//! # a self-contained demo: queues work on a memory store and drains it
//! cargo run --release --example worker -- --demo
//! ```

use fivergo::generation::GenerationRequest;
use fivergo::*;
use std::time::{Duration, Instant};

struct Args {
    db: String,
    threads: usize,
    secs: Option<u64>,
    tick: bool,
    demo: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        db: "memory:".into(),
        threads: 1,
        secs: None,
        tick: true,
        demo: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => a.db = value()?,
            "--threads" => a.threads = value()?.parse().map_err(|e| format!("--threads: {e}"))?,
            "--secs" => a.secs = Some(value()?.parse().map_err(|e| format!("--secs: {e}"))?),
            "--no-tick" => a.tick = false,
            "--demo" => a.demo = true,
            other => {
                return Err(format!(
                    "unknown flag {other} (--db URL, --threads N, --secs S, --no-tick, --demo)"
                ))
            }
        }
    }
    Ok(a)
}

/// Queues two trainings and, once trained and published, three client drafts.
fn demo_work(hub: &Hub) -> Result<Vec<GenerationId>, Refused> {
    let mut models = Vec::new();
    for seller in ["ana", "bea"] {
        hub.register_seller(seller, SellerLevel::Level2, false)?;
        hub.add_gig(seller, "tattoo")?;
        hub.add_payment_method(
            seller,
            PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
        )?;
        let model = hub.create_model(seller, "tattoo")?.value;
        let mut assets = Vec::new();
        for i in 0..3 {
            let png = fivergo::media::image::encode_png(&fivergo::eval::fixtures::line_art(256, i))
                .map_err(Refused::from)?;
            assets.push(
                hub.upload_asset(
                    seller,
                    AssetSource::Portfolio,
                    &png,
                    Some(&format!("art-{i}.png")),
                    &[],
                )?
                .value,
            );
        }
        hub.select_assets(seller, &model, &assets)?;
        hub.attest_originality(seller, &model)?;
        hub.start_training(seller, &model)?;
        models.push((seller, model));
    }
    // A worker thread trains them; the drafts wait for the models to be published.
    let worker = Worker::new(hub.clone(), "demo-trainer");
    while worker.work_once().map_err(Refused::from)?.is_some() {}
    let mut queued = Vec::new();
    for (seller, model) in &models {
        hub.playground_generate(seller, model, Brief::new("koi"), 1)?;
        hub.set_price(
            seller,
            model,
            PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: Money::parse("20", Currency::Usd).map_err(Refused::from)?,
            },
        )?;
        hub.subscribe(seller, &"card".into())?;
        hub.publish(seller, model)?;
        for seed in 1..=3 {
            let request = GenerationRequest::OrderDraft {
                client: "bob".into(),
                model: model.clone(),
                brief: Brief::new("a koi"),
                seed,
            };
            queued.push(hub.queue_generation(request)?.value);
        }
    }
    Ok(queued)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let hub = Hub::builder()
        .generators(GeneratorRegistry::reference())
        .open(&a.db)?;
    let queued = if a.demo { demo_work(&hub)? } else { Vec::new() };
    let stop = CancelToken::default();
    let started = Instant::now();
    let threads: Vec<_> = (0..a.threads)
        .map(|n| {
            let name = format!("{}-{}-{n}", hostname(), std::process::id());
            let worker = Worker::new(hub.clone(), name)
                .idle(Duration::from_millis(200))
                .ticking(a.tick);
            let stop = stop.clone();
            std::thread::spawn(move || {
                let reports = worker.run(&stop, &mut |e| {
                    eprintln!("{}: {} ({})", worker.name(), e, e.code())
                });
                for r in &reports {
                    println!(
                        "{}: {} run {} {}",
                        worker.name(),
                        r.work,
                        r.attempt,
                        r.status
                    );
                }
                reports.len()
            })
        })
        .collect();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let demo_done = a.demo
            && queued.iter().all(|g| {
                hub.admin()
                    .generation(g)
                    .is_ok_and(|j| !j.status.is_active())
            });
        if demo_done
            || a.secs
                .is_some_and(|s| started.elapsed() >= Duration::from_secs(s))
        {
            stop.cancel();
            break;
        }
    }
    let ran: usize = threads.into_iter().map(|t| t.join().unwrap_or(0)).sum();
    println!("{ran} jobs in {:.1} s", started.elapsed().as_secs_f64());
    for g in &queued {
        let job = hub.admin().generation(g)?;
        println!("{g}: {} {:?}", job.status, job.outcome);
    }
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "worker".into())
}
