//! Several processes on one SQLite file, and on one PostgreSQL database: racing commands on the same seller lose
//! nothing and never double-charge or over-train; a process killed in the middle of
//! its commands leaves only whole commands behind; a training whose worker was
//! killed is claimed again by another worker once its lease ends, its quota counted
//! once.
//!
//! The child processes are this test binary run again with `FIVERGO_CHILD` set: the
//! `child` test below does the child's part and is skipped in a normal run.

use chrono::Duration;
use fivergo::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};

mod support;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const START: &str = "2026-02-18T09:00:00Z";

fn start() -> chrono::DateTime<chrono::Utc> {
    START.parse().unwrap()
}

/// Where a test's processes meet.
#[derive(Clone, Copy, PartialEq)]
enum Db {
    Sqlite,
    Postgres,
}

/// A fresh store URL for the test `name`: a new SQLite file, or a new schema on the
/// test PostgreSQL.
fn fresh(db: Db, name: &str) -> String {
    match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(format!("fivergo-{name}-{}", std::process::id()));
            std::fs::remove_dir_all(&dir).ok();
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite:{}", dir.join("fivergo.db").display())
        }
        Db::Postgres => support::pg_url(&format!("processes_{name}")),
    }
}

/// Removes a SQLite test's directory (a PostgreSQL schema is reset by its next run).
fn remove(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite:") {
        std::fs::remove_dir_all(std::path::Path::new(path).parent().unwrap()).ok();
    }
}

/// Runs this test binary as a child doing `role` on the store at `url`.
fn spawn(role: &str, url: &str, extra: &str) -> Child {
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
        .env("FIVERGO_ARG", extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The lines a child printed that start with `prefix`, without it.
fn lines(child: Child, prefix: &str) -> Vec<String> {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "a child failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix(prefix).map(str::to_owned))
        .collect()
}

fn seller_with_trainable_model(hub: &Hub) -> ModelId {
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_gig("ana", "tattoo").unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    let m = hub.create_model("ana", "tattoo").unwrap().value;
    let a = hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )
        .unwrap()
        .value;
    hub.select_assets("ana", &m, &[a]).unwrap();
    hub.attest_originality("ana", &m).unwrap();
    m
}

/// The children's side: what each role does, printing what was acknowledged.
#[test]
#[ignore = "run by the tests below in a child process"]
fn child() {
    let (Ok(role), Ok(url)) = (std::env::var("FIVERGO_CHILD"), std::env::var("FIVERGO_URL")) else {
        return;
    };
    let arg = std::env::var("FIVERGO_ARG").unwrap_or_default();
    let clock = ManualClock::at(start());
    // The harness printed `test child ... ` without a newline: start on a line of our own.
    println!();
    match role.as_str() {
        "race" => {
            let gateway = SimulatedGateway::default();
            let hub = Hub::builder()
                .clock(clock)
                .gateway(gateway.clone())
                .open(&url)
                .unwrap();
            let model: ModelId = arg.as_str().into();
            for i in 0..40 {
                // Every command of every process touches the same seller.
                let r: Vec<(&str, Result<String, String>)> = vec![
                    (
                        "credit",
                        hub.credit_balance("ana", Money::parse("1", Currency::Usd).unwrap())
                            .map(|_| "1".into())
                            .map_err(|e| e.code().into()),
                    ),
                    (
                        "model",
                        hub.create_model("ana", "tattoo")
                            .map(|o| o.value.to_string())
                            .map_err(|e| e.code().into()),
                    ),
                    (
                        "job",
                        hub.start_training("ana", &model)
                            .map(|o| o.value.to_string())
                            .map_err(|e| e.code().into()),
                    ),
                ];
                for (what, result) in r {
                    match result {
                        Ok(v) => println!("ack {what} {v}"),
                        Err(code) => println!("refused {what} {code}"),
                    }
                }
                if i % 10 == 0 {
                    match hub.subscribe("ana", &"card".into()) {
                        Ok(o) => println!("ack sub {}", o.value),
                        Err(e) => println!("refused sub {}", e.code()),
                    }
                }
                if let Ok(Some(job)) = hub.model("ana", &model).map(|m| m.active_job) {
                    let _ = hub.run_training(&job); // another process may have run it meanwhile
                }
            }
            for c in gateway.charges() {
                println!("charged {}", c.idempotency_key);
            }
        }
        "credits" => {
            let hub = Hub::builder().clock(clock).open(&url).unwrap();
            for n in 1.. {
                hub.credit_balance("ana", Money::parse("1", Currency::Usd).unwrap())
                    .unwrap();
                println!("ack {n}");
            }
        }
        "trainer" => {
            struct Forever;
            impl Generator for Forever {
                fn name(&self) -> &str {
                    "forever"
                }
                fn train(
                    &self,
                    _: &TrainingInput<'_>,
                    ctl: &mut JobControl<'_>,
                ) -> Result<TrainedStyle, TrainError> {
                    println!("training");
                    loop {
                        ctl.tick(0.5)?;
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                }
                fn generate(
                    &self,
                    _: &TrainedStyle,
                    _: &Brief,
                    _: u64,
                    _: &mut JobControl<'_>,
                ) -> Result<Artifact, Error> {
                    Err(Error::GeneratorFailed {
                        reason: "never trained".into(),
                    })
                }
            }
            let mut generators = GeneratorRegistry::default();
            generators.register("tattoo", Arc::new(Forever));
            let hub = Hub::builder()
                .clock(clock)
                .generators(generators)
                .open(&url)
                .unwrap();
            Worker::new(hub, "doomed").work_once().unwrap();
        }
        other => panic!("unknown child role {other}"),
    }
}

#[test]
fn four_processes_racing_on_one_seller_lose_nothing_and_charge_each_period_once() {
    // R: T1, T2, S5, M1
    race(Db::Sqlite);
}

#[test]
fn four_processes_racing_on_one_seller_over_postgres_lose_nothing_and_charge_each_period_once() {
    // R: T1, T2, S5, M1
    race(Db::Postgres);
}

fn race(db: Db) {
    let url = fresh(db, "race");
    let hub = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    let model = seller_with_trainable_model(&hub);
    let children: Vec<Child> = (0..4)
        .map(|_| spawn("race", &url, model.as_str()))
        .collect();
    let mut acked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut charged = Vec::new();
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    for child in children {
        for line in lines(child, "") {
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("ack"), Some(what), Some(v)) => {
                    acked.entry(what.into()).or_default().push(v.into())
                }
                (Some("charged"), Some(key), None) => charged.push(key.to_owned()),
                (Some("refused"), Some(what), Some(code)) => {
                    *refused.entry(format!("{what} {code}")).or_default() += 1
                }
                _ => {}
            }
        }
    }
    let reopened = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    let p = reopened.admin().partition("ana").unwrap();

    // No lost update: every acknowledged credit is in the balance, every acknowledged
    // model and job exists; no id was minted twice.
    // (The clock never moves: no renewal draws on the balance.)
    let credits = acked.get("credit").map_or(0, Vec::len);
    let log = reopened
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    let logged = log
        .iter()
        .filter(|r| r.kind() == "balance_credited")
        .count();
    assert_eq!(
        logged, credits,
        "every acknowledged credit is in the log, refusals: {refused:?}"
    );
    assert_eq!(
        Partition::replay("ana".into(), log.iter().map(|r| &r.event)),
        p,
        "the stored partition is its log"
    );
    assert_eq!(
        p.seller().unwrap().balance.amount(),
        rust_decimal::Decimal::from(credits)
    );
    let models: BTreeSet<&String> = acked.get("model").into_iter().flatten().collect();
    assert_eq!(
        models.len(),
        acked.get("model").map_or(0, Vec::len),
        "no model id twice"
    );
    assert_eq!(p.models.len(), models.len() + 1);
    for m in models {
        assert!(
            p.models.contains_key(&ModelId::from(m.as_str())),
            "{m} was acknowledged but is missing"
        );
    }
    let jobs: BTreeSet<&String> = acked.get("job").into_iter().flatten().collect();
    assert_eq!(
        jobs.len(),
        acked.get("job").map_or(0, Vec::len),
        "no job id twice"
    );
    assert_eq!(jobs.len(), p.jobs.len());

    // One subscription won; each period was charged once, at the gateway as well.
    assert_eq!(acked.get("sub").map_or(0, Vec::len), 1);
    assert_eq!(p.subscriptions.len(), 1);
    let keys: BTreeSet<&String> = charged.iter().collect();
    assert_eq!(
        keys.len(),
        1,
        "the first month is charged once, whatever the race: {charged:?}"
    );
    if db == Db::Postgres {
        // Each process has its own gateway: the store's charge record let one of
        // them call it.
        assert_eq!(
            charged.len(),
            1,
            "one gateway call in all processes: {charged:?}"
        );
    }

    // T1/T2: the quota was never exceeded, in any window.
    let policy = reopened.policy();
    let mut per_window: BTreeMap<String, usize> = BTreeMap::new();
    for j in p.jobs.values().filter(|j| j.uses_quota(policy)) {
        *per_window
            .entry(serde_json::to_string(&j.window).unwrap())
            .or_default() += 1;
    }
    for (window, used) in per_window {
        assert!(used <= 2, "{used} trainings counted in {window}");
    }

    // The log replays into the stored partition, without gaps.
    let log = reopened
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    assert!(log
        .iter()
        .enumerate()
        .all(|(i, r)| r.sequence == i as u64 + 1));
    assert_eq!(
        Partition::replay("ana".into(), log.iter().map(|r| &r.event)),
        p
    );
    remove(&url);
}

#[test]
fn a_process_killed_mid_command_leaves_only_whole_commands() {
    // R: S2
    killed_mid_command(Db::Sqlite);
}

#[test]
fn a_process_killed_mid_command_over_postgres_leaves_only_whole_commands() {
    // R: S2
    killed_mid_command(Db::Postgres);
}

fn killed_mid_command(db: Db) {
    let url = fresh(db, "kill");
    let hub = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    let mut child = spawn("credits", &url, "");
    let mut acked = 0u64;
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while acked < 200 {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child stopped early"
        );
        if let Some(n) = line.trim().strip_prefix("ack ") {
            acked = n.parse().unwrap();
        }
    }
    child.kill().unwrap(); // SIGKILL, in the middle of whatever it was doing
    child.wait().unwrap();
    // The child ran ahead of this reader: what it acknowledged before the kill is
    // still in the pipe.
    loop {
        line.clear();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        if let Some(n) = line.trim().strip_prefix("ack ") {
            acked = n.parse().unwrap_or(acked);
        }
    }

    let reopened = Hub::builder()
        .clock(ManualClock::at(start()))
        .open(&url)
        .unwrap();
    let balance = reopened.seller("ana").unwrap().balance.amount();
    let credited = u64::try_from(balance.mantissa()).unwrap() / 10u64.pow(balance.scale());
    // Every acknowledged credit is there; at most the one in flight got committed too.
    assert!(
        credited == acked || credited == acked + 1,
        "{credited} credits stored, {acked} acknowledged"
    );
    let log = reopened
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    assert_eq!(
        log.len() as u64,
        credited + 1,
        "one event per whole command, nothing half-written"
    );
    assert_eq!(
        Partition::replay("ana".into(), log.iter().map(|r| &r.event)),
        reopened.admin().partition("ana").unwrap()
    );
    // The killed process's lock is gone: the next command goes through.
    reopened
        .credit_balance("ana", Money::parse("1", Currency::Usd).unwrap())
        .unwrap();
    remove(&url);
}

#[test]
fn a_training_whose_worker_was_killed_is_claimed_again_after_the_lease_and_counted_once() {
    // R: T4, T1
    killed_worker(Db::Sqlite);
}

#[test]
fn a_training_whose_worker_was_killed_over_postgres_is_claimed_again_after_the_lease_and_counted_once(
) {
    // R: T4, T1
    killed_worker(Db::Postgres);
}

fn killed_worker(db: Db) {
    let url = fresh(db, "lease");
    let clock = ManualClock::at(start());
    let hub = Hub::builder().clock(clock.clone()).open(&url).unwrap();
    let model = seller_with_trainable_model(&hub);
    let job = hub.start_training("ana", &model).unwrap().value;
    let mut worker = spawn("trainer", &url, "");
    let mut out = BufReader::new(worker.stdout.take().unwrap());
    let mut line = String::new();
    while line.trim() != "training" {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the worker stopped before training"
        );
    }
    worker.kill().unwrap();
    worker.wait().unwrap();

    let taken = hub.admin().job(&job).unwrap();
    assert_eq!(
        (taken.status, taken.attempt, taken.worker.as_deref()),
        (JobStatus::Running, 1, Some("doomed")),
        "the worker claimed the job"
    );
    assert_eq!(hub.quota("ana", &model).unwrap().used, 1);
    assert_eq!(
        hub.start_training("ana", &model).unwrap_err().code(),
        "training_in_progress"
    );
    let rescuer = Worker::new(hub.clone(), "rescuer");
    assert!(
        rescuer.work_once().unwrap().is_none(),
        "nothing to claim while the lease runs"
    );
    clock
        .advance(Duration::seconds(i64::from(
            hub.policy().training.lease_seconds,
        )))
        .unwrap();
    let report = rescuer
        .work_once()
        .unwrap()
        .expect("the job is claimable once its lease ended");
    assert_eq!(
        (report.work, report.attempt, report.status),
        (WorkId::Training(job.clone()), 2, JobStatus::Succeeded)
    );
    let log = hub
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    let kinds: Vec<_> = log
        .iter()
        .map(Recorded::kind)
        .filter(|k| k.starts_with("training_") && *k != "training_progressed")
        .collect();
    assert_eq!(
        kinds,
        [
            "training_queued",
            "training_started",
            "training_requeued",
            "training_started",
            "training_succeeded"
        ]
    );
    assert_eq!(
        hub.quota("ana", &model).unwrap().used,
        1,
        "the quota was counted once"
    );
    remove(&url);
}
