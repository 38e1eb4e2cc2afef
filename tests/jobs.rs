//! Claimable jobs (issue 10): queued generations and trainings that workers claim,
//! run on a lease and finish, on every store; and renewals whose gateway did not
//! answer, retried with the same idempotency key.

use chrono::Duration;
use fivergo::generation::GenerationRequest;
use fivergo::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};

mod support;

/// The stores every scenario runs on.
#[derive(Clone, Copy, Debug)]
enum Db {
    Memory,
    Sqlite,
    Postgres,
}

const ALL: [Db; 3] = [Db::Memory, Db::Sqlite, Db::Postgres];

struct Fx {
    hub: Hub,
    url: String,
    clock: ManualClock,
    gateway: SimulatedGateway,
    /// A SQLite store's directory, removed after the hub is dropped.
    _dir: Option<support::TempDir>,
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).unwrap()
}

fn kinds(events: &[Recorded]) -> Vec<&'static str> {
    events.iter().map(Recorded::kind).collect()
}

/// The store URL for the test `name`, and the directory of a SQLite store.
fn url_for(db: Db, name: &str) -> (String, Option<support::TempDir>) {
    match db {
        Db::Memory => ("memory:".into(), None),
        Db::Sqlite => {
            let dir = support::TempDir::new(&format!("jobs-{name}"));
            let url = format!("sqlite:{}", dir.0.join("fivergo.db").display());
            (url, Some(dir))
        }
        Db::Postgres => (support::pg_url(&format!("jobs_{name}")), None),
    }
}

impl Fx {
    fn new(db: Db, name: &str) -> Self {
        let (url, dir) = url_for(db, name);
        let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
        let gateway = SimulatedGateway::default();
        let hub = Hub::builder()
            .clock(clock.clone())
            .gateway(gateway.clone())
            .open(&url)
            .unwrap();
        hub.register_seller("ana", SellerLevel::Level2, false)
            .unwrap();
        hub.add_gig("ana", "tattoo").unwrap();
        hub.add_payment_method(
            "ana",
            PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
        )
        .unwrap();
        Fx {
            hub,
            url,
            clock,
            gateway,
            _dir: dir,
        }
    }

    /// Another app server or worker process on the same store (a memory store is
    /// one process: the same hub).
    fn another_hub(&self) -> Hub {
        if self.url == "memory:" {
            return self.hub.clone();
        }
        Hub::builder()
            .clock(self.clock.clone())
            .gateway(self.gateway.clone())
            .open(&self.url)
            .unwrap()
    }

    /// A trained, published tattoo model of ana's.
    fn published(&self) -> ModelId {
        let hub = &self.hub;
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
        let job = hub.start_training("ana", &m).unwrap().value;
        hub.run_training(&job).unwrap();
        hub.playground_generate("ana", &m, Brief::new("x"), 1)
            .unwrap();
        hub.set_price(
            "ana",
            &m,
            PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: usd("20"),
            },
        )
        .unwrap();
        hub.subscribe("ana", &"card".into()).unwrap();
        hub.publish("ana", &m).unwrap();
        m
    }
}

fn draft(client: &str, model: &ModelId, seed: u64) -> GenerationRequest {
    GenerationRequest::OrderDraft {
        client: client.into(),
        model: model.clone(),
        brief: Brief::new("a koi"),
        seed,
    }
}

#[test]
fn a_queued_draft_is_made_by_a_worker_and_lands_in_the_clients_orders() {
    // R: G1, G3, W1, W2
    for db in ALL {
        let f = Fx::new(db, "draft");
        let m = f.published();
        let job = f.hub.queue_generation(draft("bob", &m, 7)).unwrap().value;
        assert_eq!(job.as_str(), "ana/gen-1");
        let queued = f.hub.admin().generation(&job).unwrap();
        assert_eq!(
            (queued.status, queued.attempt, queued.outcome.clone()),
            (JobStatus::Queued, 0, None),
            "{db:?}"
        );
        assert!(
            f.hub.client_orders("bob").unwrap().is_empty(),
            "no order before the draft is made"
        );

        let worker = Worker::new(f.another_hub(), "w1");
        let report = worker.work_once().unwrap().expect("the queued draft");
        assert_eq!(
            (report.work, report.attempt, report.status),
            (WorkId::Generation(job.clone()), 1, JobStatus::Succeeded),
            "{db:?}"
        );
        let done = f.hub.admin().generation(&job).unwrap();
        let Some(GenerationOutcome::Draft { order }) = done.outcome else {
            panic!("{db:?}: {done:?}")
        };
        let o = f.hub.admin().order(&order).unwrap();
        assert_eq!((o.client.as_str(), o.draft.is_some()), ("bob", true));
        assert_eq!(f.hub.client_orders("bob").unwrap().len(), 1);
        // G1: the draft is marked, the clean file waits for approve + pay.
        assert_eq!(
            f.hub.download("bob", &order).unwrap_err().code(),
            "not_approved_and_paid"
        );
        let shown = f.hub.draft("bob", &order).unwrap();
        assert_ne!(
            Some(shown),
            o.clean.as_ref().map(|c| f.hub.admin().artifact(c).unwrap()),
            "{db:?}: the draft carries the visible mark"
        );
        assert!(
            worker.work_once().unwrap().is_none(),
            "{db:?}: nothing left"
        );
        let log = f
            .hub
            .events_since(Cursor::default(), usize::MAX)
            .unwrap()
            .events;
        let tail: Vec<_> = kinds(&log)
            .into_iter()
            .filter(|k| {
                k.starts_with("generation_") || *k == "order_created" || *k == "draft_delivered"
            })
            .collect();
        assert_eq!(
            tail,
            [
                "generation_queued",
                "generation_started",
                "order_created",
                "draft_delivered",
                "generation_succeeded"
            ],
            "{db:?}"
        );
    }
}

#[test]
fn a_queued_request_is_checked_when_queued_and_again_when_a_worker_starts_it() {
    // R: G5, M3
    for db in ALL {
        let f = Fx::new(db, "recheck");
        let m = f.published();
        assert_eq!(
            f.hub
                .queue_generation(draft("bob", &ModelId::from("ana/model-9"), 1))
                .unwrap_err()
                .code(),
            "not_found"
        );
        let job = f.hub.queue_generation(draft("bob", &m, 1)).unwrap().value;
        f.hub.unpublish("ana", &m).unwrap();
        let worker = Worker::new(f.another_hub(), "w1");
        let err = worker.work_once().unwrap_err();
        assert_eq!(err.code(), "model_not_published", "{db:?}");
        let failed = f.hub.admin().generation(&job).unwrap();
        assert_eq!(failed.status, JobStatus::Failed, "{db:?}");
        assert!(failed.failure.unwrap().contains("not published"));
        assert!(f.hub.client_orders("bob").unwrap().is_empty());
        assert!(
            worker.work_once().unwrap().is_none(),
            "{db:?}: a failed job is out of the index"
        );
    }
}

#[test]
fn only_the_requester_cancels_a_queued_generation() {
    // R: D2
    for db in ALL {
        let f = Fx::new(db, "cancel");
        let m = f.published();
        let job = f.hub.queue_generation(draft("bob", &m, 1)).unwrap().value;
        assert_eq!(
            f.hub.cancel_generation("eve", &job).unwrap_err().code(),
            "forbidden"
        );
        let out = f.hub.cancel_generation("bob", &job).unwrap();
        assert_eq!(kinds(&out.events), ["generation_cancelled"]);
        assert_eq!(
            f.hub.admin().generation(&job).unwrap().status,
            JobStatus::Cancelled
        );
        assert_eq!(
            f.hub.cancel_generation("bob", &job).unwrap_err().code(),
            "job_not_active"
        );
        assert!(
            Worker::new(f.hub.clone(), "w1")
                .work_once()
                .unwrap()
                .is_none(),
            "{db:?}: nothing to claim"
        );
    }
}

#[test]
fn a_worker_that_lost_its_lease_finishes_nothing_and_the_next_worker_makes_the_draft_once() {
    // R: G3, W2
    for db in ALL {
        let f = Fx::new(db, "lease");
        let m = f.published();
        let job = f.hub.queue_generation(draft("bob", &m, 3)).unwrap().value;
        let slow = f
            .another_hub()
            .claim_job("slow")
            .unwrap()
            .value
            .expect("a job");
        assert_eq!(
            (slow.work(), slow.attempt()),
            (WorkId::Generation(job.clone()), 1)
        );
        assert!(
            f.hub.claim_job("eager").unwrap().value.is_none(),
            "{db:?}: a running job is not claimable during its lease"
        );
        f.clock
            .advance(Duration::seconds(i64::from(
                f.hub.policy().jobs.generation_lease_seconds,
            )))
            .unwrap();

        let rescue = Worker::new(f.another_hub(), "rescuer")
            .work_once()
            .unwrap()
            .expect("the job is claimable again");
        assert_eq!(
            (rescue.attempt, rescue.status),
            (2, JobStatus::Succeeded),
            "{db:?}"
        );
        let late = f.hub.finish_job(slow.execute()).unwrap_err();
        assert_eq!(late.code(), "job_lease_lost", "{db:?}");
        assert!(late.events.is_empty(), "the late result records nothing");
        assert_eq!(
            f.hub.client_orders("bob").unwrap().len(),
            1,
            "{db:?}: one order, not two"
        );
        let g = f.hub.admin().generation(&job).unwrap();
        assert_eq!(
            (g.status, g.attempt, g.worker),
            (JobStatus::Succeeded, 2, None)
        );
    }
}

#[test]
fn a_queued_revision_is_judged_at_the_instant_it_was_asked() {
    // R: V1
    for db in ALL {
        let f = Fx::new(db, "revision");
        let m = f.published();
        let o = f
            .hub
            .order_draft("bob", &m, Brief::new("a rose"), 9)
            .unwrap()
            .value;
        f.hub.approve("bob", &o).unwrap();
        f.hub.record_payment("bob", &o, usd("20")).unwrap();
        f.hub.download("bob", &o).unwrap();
        f.clock.advance(Duration::hours(23)).unwrap();
        let request = GenerationRequest::Revision {
            client: "bob".into(),
            order: o.clone(),
            note: "redder".into(),
        };
        let job = f.hub.queue_generation(request).unwrap().value;
        f.clock.advance(Duration::hours(2)).unwrap(); // the worker comes after the 24 h window
        let report = Worker::new(f.another_hub(), "w1")
            .work_once()
            .unwrap()
            .unwrap();
        assert_eq!(report.status, JobStatus::Succeeded, "{db:?}");
        assert_eq!(
            f.hub.admin().order(&o).unwrap().status,
            OrderStatus::RevisionDelivered
        );
        assert_eq!(
            f.hub.admin().generation(&job).unwrap().outcome,
            Some(GenerationOutcome::Draft { order: o })
        );
    }
}

#[test]
fn workers_on_several_hubs_run_every_queued_training_exactly_once() {
    // R: T4, T1
    for db in [Db::Sqlite, Db::Postgres] {
        let f = Fx::new(db, "claims");
        let mut jobs = Vec::new();
        for i in 0..12 {
            let seller = format!("s{i}");
            f.hub
                .register_seller(&seller, SellerLevel::Level2, false)
                .unwrap();
            f.hub.add_gig(&seller, "tattoo").unwrap();
            let m = f.hub.create_model(&seller, "tattoo").unwrap().value;
            let a = f
                .hub
                .add_asset(
                    &seller,
                    AssetSource::Upload,
                    Modality::Image,
                    AssetMeta::image(1024, 1024),
                    &[],
                )
                .unwrap()
                .value;
            f.hub.select_assets(&seller, &m, &[a]).unwrap();
            f.hub.attest_originality(&seller, &m).unwrap();
            jobs.push(f.hub.start_training(&seller, &m).unwrap().value);
        }
        let workers = 4;
        let barrier = Arc::new(Barrier::new(workers));
        let threads: Vec<_> = (0..workers)
            .map(|w| {
                let (hub, barrier) = (f.another_hub(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let worker = Worker::new(hub, format!("w{w}"));
                    let mut done = Vec::new();
                    while let Some(report) = worker.work_once().unwrap() {
                        done.push(report.work);
                    }
                    done
                })
            })
            .collect();
        let mut runs: BTreeMap<WorkId, usize> = BTreeMap::new();
        for t in threads {
            for work in t.join().unwrap() {
                *runs.entry(work).or_default() += 1;
            }
        }
        assert_eq!(runs.len(), jobs.len(), "{db:?}: every job ran");
        assert!(
            runs.values().all(|n| *n == 1),
            "{db:?}: no job ran twice: {runs:?}"
        );
        for job in &jobs {
            let j = f.hub.admin().job(job).unwrap();
            assert_eq!((j.status, j.attempt), (JobStatus::Succeeded, 1), "{db:?}");
        }
    }
}

#[test]
fn a_renewal_whose_gateway_timed_out_is_retried_with_the_same_key_and_charged_once() {
    // R: S5, S2
    for db in ALL {
        let f = Fx::new(db, "timeout");
        f.hub.subscribe("ana", &"card".into()).unwrap();
        let calls_before = f.gateway.calls();
        f.clock.advance(Duration::days(28)).unwrap(); // Jan 31 → Feb 28: the first renewal
        f.gateway.time_out_next(1, true); // the processor charges, the answer is lost
        let refused = f.hub.tick().unwrap_err();
        assert_eq!(refused.code(), "gateway_unavailable", "{db:?}");
        assert!(
            refused.events.is_empty(),
            "nothing recorded for an unanswered charge"
        );
        let sub = f.hub.subscription("ana").unwrap().unwrap();
        assert_eq!(
            (sub.status, sub.paid_periods),
            (SubscriptionStatus::Active, 1),
            "{db:?}: not past due, not paid"
        );
        // The next command on the seller settles first: the gateway answers this
        // time, for the same key, with the charge it took.
        let out = f.hub.add_gig("ana", "illustration").unwrap();
        assert_eq!(
            kinds(&out.events),
            ["subscription_charged", "quota_renewed", "gig_added"],
            "{db:?}"
        );
        let keys: Vec<String> = f
            .gateway
            .charges()
            .into_iter()
            .map(|c| c.idempotency_key)
            .collect();
        assert_eq!(
            keys,
            ["ana/sub-1/0", "ana/sub-1/1"],
            "{db:?}: the period was charged once"
        );
        assert!(
            f.gateway.calls() - calls_before >= 2,
            "the retry asked the gateway again"
        );
        let charge = f
            .hub
            .subscription("ana")
            .unwrap()
            .unwrap()
            .charges
            .last()
            .cloned()
            .unwrap();
        assert_eq!(charge.idempotency_key, "ana/sub-1/1");
        assert!(f.hub.tick().unwrap().events.is_empty(), "{db:?}: settled");
    }
}

#[test]
fn a_first_payment_whose_gateway_timed_out_creates_nothing_and_the_retry_charges_the_same_key() {
    // R: S5, S1
    for db in ALL {
        let f = Fx::new(db, "first");
        f.gateway.time_out_next(1, false);
        let refused = f.hub.subscribe("ana", &"card".into()).unwrap_err();
        assert_eq!(refused.code(), "gateway_unavailable", "{db:?}");
        assert!(f.hub.subscription("ana").unwrap().is_none());
        let sub = f.hub.subscribe("ana", &"card".into()).unwrap().value;
        assert_eq!(
            f.hub.subscription("ana").unwrap().unwrap().charges[0].idempotency_key,
            format!("{sub}/0")
        );
        assert_eq!(f.gateway.charges().len(), 1);
    }
}

#[test]
fn a_tick_settles_every_other_partition_when_one_renewal_cannot_be_charged() {
    // R: S5, S2
    let f = Fx::new(Db::Memory, "others");
    for s in ["bea", "cid"] {
        f.hub
            .register_seller(s, SellerLevel::Level2, false)
            .unwrap();
        f.hub
            .add_payment_method(
                s,
                PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
            )
            .unwrap();
        f.hub.subscribe(s, &"card".into()).unwrap();
    }
    f.hub.subscribe("ana", &"card".into()).unwrap();
    f.clock.advance(Duration::days(28)).unwrap();
    f.gateway.time_out_next(1, false); // the first renewal's call gets no answer
    let refused = f.hub.tick().unwrap_err();
    assert_eq!(refused.code(), "gateway_unavailable");
    assert_eq!(
        kinds(&refused.events)
            .iter()
            .filter(|k| **k == "subscription_charged")
            .count(),
        2,
        "the two others renewed"
    );
    assert_eq!(
        kinds(&f.hub.tick().unwrap().events),
        ["subscription_charged", "quota_renewed"],
        "the third on the next tick"
    );
}

/// A blob store that lost some files (an object store's outage, a purge gone wrong).
#[derive(Default)]
struct Lossy {
    files: MemoryBlobStore,
    lost: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl BlobStore for Lossy {
    fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        self.files.put(sha256, bytes)
    }
    fn get(&self, sha256: &str) -> Result<Option<Blob>, Error> {
        if self.lost.lock().unwrap().contains(sha256) {
            return Ok(None);
        }
        self.files.get(sha256)
    }
}

#[test]
fn a_download_whose_file_is_missing_records_nothing_and_starts_no_revision_window() {
    // R: V1, G1
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let blobs = Arc::new(Lossy::default());
    let hub = Hub::builder()
        .clock(clock.clone())
        .shared_blobs(blobs.clone())
        .build()
        .unwrap();
    let f = Fx {
        hub,
        url: "memory:".into(),
        clock,
        gateway: SimulatedGateway::default(),
        _dir: None,
    };
    f.hub
        .register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    f.hub.add_gig("ana", "tattoo").unwrap();
    f.hub
        .add_payment_method(
            "ana",
            PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
        )
        .unwrap();
    let m = f.published();
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 9)
        .unwrap()
        .value;
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    let clean = f.hub.admin().order(&o).unwrap().clean.unwrap();
    blobs.lost.lock().unwrap().insert(clean.sha256.clone());
    let refused = f.hub.download("bob", &o).unwrap_err();
    assert_eq!(refused.code(), "blob_not_found");
    assert!(
        refused.events.is_empty(),
        "nothing recorded: {:?}",
        refused.events
    );
    assert_eq!(
        f.hub.admin().order(&o).unwrap().downloaded_at,
        None,
        "no revision window started"
    );
    blobs.lost.lock().unwrap().clear();
    assert!(f.hub.download("bob", &o).is_ok());
}
