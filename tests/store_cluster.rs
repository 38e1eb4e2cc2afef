//! Many processes on one PostgreSQL (issue 10): 4 app-server processes × 8 threads
//! drive random commands for 200 sellers (half of them shared by every process,
//! half each process's own) while 2 tick workers settle renewals and 2 training
//! workers claim trainings, all on one accelerated calendar (every process reads
//! the same simulated instant from the wall clock). Afterwards: no acknowledged
//! command is missing from the log, no id was minted twice, no period was charged
//! twice (in the log and at the processes' gateways), no quota was exceeded, no
//! seller ever had more than 3 published models, and replaying the log rebuilds
//! the stored state.
//!
//! `FIVERGO_CLUSTER_SECS` sets how long the processes run (default 30).

use chrono::{DateTime, Utc};
use fivergo::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod support;

const SELLERS: usize = 200;
const SHARED: usize = 100;
const APPS: usize = 4;
const THREADS: usize = 8;

fn start() -> DateTime<Utc> {
    "2027-01-04T00:00:00Z".parse().unwrap()
}

/// Every process's calendar: simulated time runs 4 days per wall-clock second from
/// the parent's `epoch` (microseconds since 1970), so 30 s cover four renewals.
struct Fast {
    epoch: u128,
}

const SPEED: i64 = 4 * 86_400;

impl Clock for Fast {
    fn now(&self) -> DateTime<Utc> {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_micros();
        let elapsed = i64::try_from(wall.saturating_sub(self.epoch)).unwrap();
        start() + chrono::Duration::microseconds(elapsed * SPEED)
    }
}

/// Leases and claims long enough in simulated time for a wall-clock run.
fn policy() -> Policy {
    let mut p = Policy::default();
    p.training.lease_seconds = 2 * 86_400;
    p.jobs.generation_lease_seconds = 2 * 86_400;
    p.jobs.claim_seconds = 86_400;
    p
}

fn seller(i: usize) -> String {
    format!("s{i:03}")
}

/// The sellers app process `app` drives: the shared ones and its own share.
fn sellers_of(app: usize) -> Vec<String> {
    let own = (SELLERS - SHARED) / APPS;
    (0..SHARED)
        .chain(SHARED + app * own..SHARED + (app + 1) * own)
        .map(seller)
        .collect()
}

fn hub(url: &str, epoch: u128, gateway: &SimulatedGateway) -> Hub {
    Hub::builder()
        .policy(policy())
        .clock(Fast { epoch })
        .gateway(gateway.clone())
        .open(url)
        .unwrap()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One app thread's commands until `deadline`; returns the lines to print.
fn drive(hub: &Hub, sellers: &[String], seed: u64, deadline: Instant) -> Vec<String> {
    let mut rng = Rng(seed | 1);
    let mut out = Vec::new();
    let one = Money::parse("1", Currency::Usd).unwrap();
    while Instant::now() < deadline {
        let s = &sellers[rng.below(sellers.len())];
        let m = ModelId::from(format!("{s}/model-{}", 1 + rng.below(3)));
        let (what, result): (&str, Result<String, Refused>) = match rng.below(100) {
            0..=29 => ("credit", hub.credit_balance(s, one).map(|_| s.clone())),
            30..=34 => (
                "model",
                hub.create_model(s, "tattoo").map(|o| o.value.to_string()),
            ),
            35..=54 => (
                "job",
                hub.start_training(s, &m).map(|o| o.value.to_string()),
            ),
            55..=64 => (
                "playground",
                hub.playground_generate(s, &m, Brief::new("koi"), rng.next())
                    .map(|_| m.to_string()),
            ),
            65..=79 => ("publish", hub.publish(s, &m).map(|_| m.to_string())),
            80..=84 => ("unpublish", hub.unpublish(s, &m).map(|_| m.to_string())),
            85..=87 => ("cancel", hub.cancel_subscription(s).map(|_| s.clone())),
            88..=90 => ("resume", hub.resume_subscription(s).map(|_| s.clone())),
            91..=93 => ("pay", hub.pay_past_due(s).map(|_| s.clone())),
            94..=95 => (
                "subscribe",
                hub.subscribe(s, &"card".into())
                    .map(|o| o.value.to_string()),
            ),
            _ => (
                "read",
                hub.seller(s)
                    .map(|x| x.id.to_string())
                    .map_err(Refused::from),
            ),
        };
        out.push(match result {
            Ok(v) => format!("ack {what} {v}"),
            Err(r) => format!("refused {what} {}", r.code()),
        });
    }
    out
}

/// The children's side.
#[test]
#[ignore = "run by the test below in a child process"]
fn child() {
    let (Ok(role), Ok(url)) = (std::env::var("FIVERGO_CHILD"), std::env::var("FIVERGO_URL")) else {
        return;
    };
    let epoch: u128 = std::env::var("FIVERGO_EPOCH").unwrap().parse().unwrap();
    let secs: u64 = std::env::var("FIVERGO_SECS").unwrap().parse().unwrap();
    let index: usize = std::env::var("FIVERGO_INDEX").unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    let gateway = SimulatedGateway::default();
    let hub = hub(&url, epoch, &gateway);
    println!();
    let mut lines = Vec::new();
    match role.as_str() {
        "app" => {
            let sellers = sellers_of(index);
            let threads: Vec<_> = (0..THREADS)
                .map(|t| {
                    let (hub, sellers) = (hub.clone(), sellers.clone());
                    std::thread::spawn(move || {
                        drive(
                            &hub,
                            &sellers,
                            (index * THREADS + t) as u64 * 0x9E37_79B9 + 17,
                            deadline,
                        )
                    })
                })
                .collect();
            for t in threads {
                lines.extend(t.join().unwrap());
            }
        }
        "ticker" => {
            while Instant::now() < deadline {
                if let Err(r) = hub.tick() {
                    lines.push(format!("refused tick {}", r.code()));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        "trainer" => {
            let worker = Worker::new(hub.clone(), format!("trainer-{index}"));
            while Instant::now() < deadline {
                match worker.work_once() {
                    Ok(Some(report)) => {
                        lines.push(format!("ran {} {:?}", report.work.id(), report.status))
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                    Err(e) => lines.push(format!("refused work {}", e.code())),
                }
            }
        }
        other => panic!("unknown role {other}"),
    }
    for c in gateway.charges() {
        lines.push(format!("charged {}", c.idempotency_key));
    }
    let mut stdout = std::io::stdout().lock();
    for l in lines {
        use std::io::Write;
        writeln!(stdout, "{l}").unwrap();
    }
}

fn spawn(role: &str, index: usize, url: &str, epoch: u128, secs: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child",
            "--nocapture",
            "--include-ignored",
            "--test-threads",
            "1",
        ])
        .env("FIVERGO_CHILD", role)
        .env("FIVERGO_URL", url)
        .env("FIVERGO_EPOCH", epoch.to_string())
        .env("FIVERGO_SECS", secs.to_string())
        .env("FIVERGO_INDEX", index.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// Every seller registered with a Gig, a card, three models (an asset selected,
/// attested, priced) and a subscription.
fn populate(hub: &Hub) {
    for i in 0..SELLERS {
        let s = seller(i);
        hub.register_seller(&s, SellerLevel::Level2, false).unwrap();
        hub.add_gig(&s, "tattoo").unwrap();
        hub.add_payment_method(
            &s,
            PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
        )
        .unwrap();
        for _ in 0..3 {
            let m = hub.create_model(&s, "tattoo").unwrap().value;
            let a = hub
                .add_asset(
                    &s,
                    AssetSource::Upload,
                    Modality::Image,
                    AssetMeta::image(1024, 1024),
                    &[],
                )
                .unwrap()
                .value;
            hub.select_assets(&s, &m, &[a]).unwrap();
            hub.attest_originality(&s, &m).unwrap();
            let price = PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: Money::parse("20", Currency::Usd).unwrap(),
            };
            hub.set_price(&s, &m, price).unwrap();
        }
        hub.subscribe(&s, &"card".into()).unwrap();
    }
}

#[test]
fn four_app_processes_two_tick_workers_and_two_training_workers_lose_nothing_and_break_no_rule() {
    // R: S5, T1, T2, T3, M1, S2
    let secs: u64 = std::env::var("FIVERGO_CLUSTER_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let url = support::pg_url("cluster");
    let epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let gateway = SimulatedGateway::default();
    let setup = hub(&url, epoch, &gateway);
    populate(&setup);
    // The calendar kept running during set-up; the children start from here.
    let mut children: Vec<(String, Child)> = Vec::new();
    for i in 0..APPS {
        children.push(("app".into(), spawn("app", i, &url, epoch, secs)));
    }
    for i in 0..2 {
        children.push(("ticker".into(), spawn("ticker", i, &url, epoch, secs)));
        children.push(("trainer".into(), spawn("trainer", i, &url, epoch, secs)));
    }
    let mut acked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut charged: Vec<String> = gateway
        .charges()
        .into_iter()
        .map(|c| c.idempotency_key)
        .collect();
    let mut ran = 0;
    for (role, child) in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a {role} process failed: {:?}",
            out.status
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let words: Vec<&str> = line.split(' ').collect();
            match words.as_slice() {
                ["ack", what, v] => acked.entry((*what).into()).or_default().push((*v).into()),
                ["refused", what, code] => {
                    *refused.entry(format!("{what} {code}")).or_default() += 1
                }
                ["charged", key] => charged.push((*key).into()),
                ["ran", ..] => ran += 1,
                _ => {}
            }
        }
    }
    let commands: usize =
        acked.values().map(Vec::len).sum::<usize>() + refused.values().sum::<usize>();
    eprintln!("{commands} commands, {ran} trainings run; refusals: {refused:?}");
    assert!(
        commands > 1000,
        "the processes did work: {commands} commands"
    );
    for code in ["store_failed", "internal_error"] {
        assert!(
            !refused.keys().any(|k| k.ends_with(code)),
            "no {code}: {refused:?}"
        );
    }

    let reader = hub(&url, epoch, &gateway);
    let log = reader
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    let mut by_partition: HashMap<SellerId, Vec<&Recorded>> = HashMap::new();
    for r in &log {
        by_partition.entry(r.partition.clone()).or_default().push(r);
    }

    // No lost update: every acknowledged credit, model, job and publish is in the log.
    let mut credits: HashMap<&str, usize> = HashMap::new();
    for s in acked.get("credit").into_iter().flatten() {
        *credits.entry(s.as_str()).or_default() += 1;
    }
    for (s, n) in &credits {
        let logged = by_partition[&SellerId::from(*s)]
            .iter()
            .filter(|r| r.kind() == "balance_credited")
            .count();
        assert_eq!(
            logged, *n,
            "seller {s}: {n} credits acknowledged, {logged} logged"
        );
    }
    let models: Vec<&String> = acked.get("model").into_iter().flatten().collect();
    let unique: BTreeSet<&&String> = models.iter().collect();
    assert_eq!(unique.len(), models.len(), "no model id minted twice");
    let jobs: Vec<&String> = acked.get("job").into_iter().flatten().collect();
    let unique: BTreeSet<&&String> = jobs.iter().collect();
    assert_eq!(unique.len(), jobs.len(), "no job id minted twice");
    let queued: BTreeSet<String> = log
        .iter()
        .filter_map(|r| match &r.event {
            Event::TrainingQueued { job } => Some(job.id.to_string()),
            _ => None,
        })
        .collect();
    assert!(
        jobs.iter().all(|j| queued.contains(*j)),
        "every acknowledged training is in the log"
    );

    // No period charged twice: in the log, and at the gateways of all processes.
    let mut periods = BTreeSet::new();
    for r in &log {
        if let Event::SubscriptionCharged { charge, .. } = &r.event {
            assert!(
                periods.insert(charge.idempotency_key.clone()),
                "period {} charged twice in the log",
                charge.idempotency_key
            );
        }
    }
    let mut at_gateways = BTreeSet::new();
    for key in &charged {
        assert!(
            at_gateways.insert(key.clone()),
            "period {key} charged at two gateways"
        );
    }
    assert!(
        periods.len() > SELLERS,
        "renewals happened: {} charged periods",
        periods.len()
    );

    // Per partition: replay equals the stored state; at most 3 published models at
    // every step (M1); no quota window over its limit (T1, T2).
    let policy = reader.policy().clone();
    for i in 0..SELLERS {
        let s = SellerId::from(seller(i));
        let events = &by_partition[&s];
        assert!(
            events
                .iter()
                .enumerate()
                .all(|(n, r)| r.sequence == n as u64 + 1),
            "{s}: a gapless sequence"
        );
        let mut p = Partition::new(s.clone());
        for r in events {
            p.apply(&r.event);
            let published = p.published_models().count();
            assert!(
                published <= 3,
                "{s} had {published} published models after event {}",
                r.sequence
            );
        }
        assert_eq!(
            p,
            reader.admin().partition(s.as_str()).unwrap(),
            "{s}: the stored state is its log"
        );
        let mut windows: BTreeMap<(String, String), u32> = BTreeMap::new();
        for j in p.jobs.values().filter(|j| j.uses_quota(&policy)) {
            *windows
                .entry((
                    j.model.to_string(),
                    serde_json::to_string(&j.window).unwrap(),
                ))
                .or_default() += 1;
        }
        for ((model, window), used) in windows {
            assert!(used <= 2, "{model}: {used} trainings in {window}");
        }
    }
}
