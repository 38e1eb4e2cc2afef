//! Throughput of mixed commands with several worker processes on one store.
//!
//! The parent sets up `--sellers N` sellers (registered, a Gig, a card, a model
//! trained, priced and published, a subscription), then starts `--procs P` copies
//! of itself, each running `--threads T` threads for `--secs S` seconds of random commands on random sellers: 40 % reads
//! (`seller`, `quote`), 45 % `credit_balance`, 10 % `add_gig`, 5 % `tick`. Each
//! process prints its counts and latencies; the parent adds them up and prints one
//! markdown row.
//!
//! ```sh
//! cargo run --release --example throughput -- --store postgres --db 'postgres://fivergo@127.0.0.1/postgres?schema=tp' --procs 4
//! cargo run --release --example throughput -- --store sqlite --db /tmp/tp.db --procs 2
//! cargo run --release --example throughput -- --store memory   # one process only
//! ```

#[path = "support/bench.rs"]
mod bench;

use chrono::{DateTime, Utc};
use fivergo::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    store: String,
    db: Option<String>,
    procs: usize,
    threads: usize,
    secs: u64,
    sellers: usize,
    child: bool,
}

fn args() -> Args {
    let mut a = Args {
        store: "memory".into(),
        db: None,
        procs: 1,
        threads: 4,
        secs: 10,
        sellers: 1000,
        child: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--child" {
            a.child = true;
            continue;
        }
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || {
            value
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--store" => a.store = value.clone(),
            "--db" => a.db = Some(value.clone()),
            "--procs" => a.procs = number(),
            "--threads" => a.threads = number(),
            "--secs" => a.secs = number() as u64,
            "--sellers" => a.sellers = number(),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn start() -> DateTime<Utc> {
    "2027-01-04T00:00:00Z".parse().expect("an instant")
}

fn url(a: &Args) -> String {
    match a.store.as_str() {
        "memory" => "memory:".into(),
        "sqlite" => format!(
            "sqlite:{}",
            a.db.clone()
                .unwrap_or_else(|| "/tmp/fivergo-throughput.db".into())
        ),
        "postgres" => {
            a.db.clone()
                .expect("--store postgres needs --db postgres://…")
        }
        other => panic!("--store memory|sqlite|postgres, not {other}"),
    }
}

fn seller(i: usize) -> String {
    format!("s{i:06}")
}

fn setup(hub: &Hub, sellers: usize) -> Result<(), Refused> {
    for i in 0..sellers {
        let s = seller(i);
        hub.register_seller(&s, SellerLevel::Level2, false)?;
        hub.add_gig(&s, "tattoo")?;
        hub.add_payment_method(
            &s,
            PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
        )?;
        let model = bench::priced_model(hub, &s)?;
        hub.subscribe(&s, &"card".into())?;
        hub.publish(&s, &model)?;
    }
    Ok(())
}

/// Runs the mixed commands for `secs` on `threads` threads; returns the count of
/// commands, of refusals, and every latency in microseconds.
fn work(hub: &Hub, a: &Args, seed: u64) -> (usize, usize, Vec<f64>) {
    let deadline = Instant::now() + Duration::from_secs(a.secs);
    let handles: Vec<_> = (0..a.threads)
        .map(|t| {
            let hub = hub.clone();
            let sellers = a.sellers;
            std::thread::spawn(move || {
                let mut state = seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut next = move || {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state
                };
                let (mut done, mut refused, mut lat) = (0usize, 0usize, Vec::new());
                while Instant::now() < deadline {
                    let s = seller(next() as usize % sellers);
                    let roll = next() % 100;
                    let t0 = Instant::now();
                    let ok = match roll {
                        0..=19 => hub.seller(&s).is_ok(),
                        20..=39 => hub.quote(&ModelId::from(format!("{s}/model-1")), 2).is_ok(),
                        40..=84 => hub
                            .credit_balance(&s, Money::parse("1", Currency::Usd).expect("money"))
                            .is_ok(),
                        85..=94 => hub.add_gig(&s, "illustration").is_ok(),
                        _ => hub.tick().is_ok(),
                    };
                    lat.push(t0.elapsed().as_secs_f64() * 1e6);
                    done += 1;
                    refused += usize::from(!ok);
                }
                (done, refused, lat)
            })
        })
        .collect();
    let mut total = (0, 0, Vec::new());
    for h in handles {
        let (d, r, l) = h.join().expect("a worker thread");
        total.0 += d;
        total.1 += r;
        total.2.extend(l);
    }
    total
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args();
    let clock = ManualClock::at(start());
    if a.child {
        let hub = Hub::builder().clock(clock).open(&url(&a))?;
        let (done, refused, lat) = work(&hub, &a, std::process::id() as u64);
        let lat: Vec<String> = lat.iter().map(|l| format!("{l:.1}")).collect();
        println!("result {done} {refused} {}", lat.join(","));
        return Ok(());
    }
    if a.store == "memory" && a.procs > 1 {
        panic!("the memory store lives in one process: --procs 1");
    }
    if a.store == "sqlite" {
        let path = url(&a).trim_start_matches("sqlite:").to_owned();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{path}{suffix}")).ok();
        }
        std::fs::remove_dir_all(format!("{path}.blobs")).ok();
    }
    if a.store == "postgres" {
        let settings = store::postgres::PostgresSettings::parse(&url(&a))?;
        let mut admin = postgres::Client::connect(&settings.url, postgres::NoTls)?;
        admin.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {} CASCADE",
            settings.schema
        ))?;
    }
    let hub = Hub::builder().clock(clock).open(&url(&a))?;
    let t = Instant::now();
    setup(&hub, a.sellers)?;
    eprintln!(
        "set up {} sellers in {:.1} s",
        a.sellers,
        t.elapsed().as_secs_f64()
    );

    let (done, refused, mut lat) = if a.store == "memory" {
        work(&hub, &a, 7)
    } else {
        let exe = std::env::current_exe()?;
        let children: Vec<_> = (0..a.procs)
            .map(|_| {
                let mut cmd = Command::new(&exe);
                cmd.arg("--child").args([
                    "--store",
                    &a.store,
                    "--threads",
                    &a.threads.to_string(),
                    "--secs",
                    &a.secs.to_string(),
                ]);
                cmd.args(["--sellers", &a.sellers.to_string()]);
                if let Some(db) = &a.db {
                    cmd.args(["--db", db]);
                }
                cmd.stdout(Stdio::piped()).spawn()
            })
            .collect::<Result<_, _>>()?;
        let mut total = (0, 0, Vec::new());
        for child in children {
            let out = child.wait_with_output()?;
            let text = String::from_utf8_lossy(&out.stdout);
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix("result "))
                .ok_or("a child printed no result")?;
            let mut parts = line.splitn(3, ' ');
            total.0 += parts.next().unwrap_or("0").parse::<usize>()?;
            total.1 += parts.next().unwrap_or("0").parse::<usize>()?;
            total.2.extend(
                parts
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .filter_map(|l| l.parse::<f64>().ok()),
            );
        }
        total
    };
    lat.sort_by(f64::total_cmp);
    let q = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "| {} | {} × {} threads | {:.0} | {:.0} | {:.0} | {:.1} % |",
        a.store,
        if a.store == "memory" { 1 } else { a.procs },
        a.threads,
        done as f64 / a.secs as f64,
        q(0.5),
        q(0.99),
        100.0 * refused as f64 / done.max(1) as f64
    );
    Ok(())
}
