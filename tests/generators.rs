//! The generator pipeline through the hub: trainings run off the hub, cancellation,
//! quota refunds, the previous version serving during a retrain, and the files that
//! reach a generator.

use fivergo::media::image::encode_png;
use fivergo::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Ticks `steps` times while training and counts the ticks it made.
struct Stepper {
    steps: usize,
    ticks: AtomicUsize,
}

impl Stepper {
    fn new(steps: usize) -> Arc<Self> {
        Arc::new(Self {
            steps,
            ticks: AtomicUsize::new(0),
        })
    }
}

impl Generator for Stepper {
    fn name(&self) -> &str {
        "stepper"
    }
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        for i in 1..=self.steps {
            self.ticks.fetch_add(1, Ordering::SeqCst);
            ctl.tick(i as f32 / self.steps as f32)?;
        }
        EchoGenerator.train(input, ctl)
    }
    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        EchoGenerator.generate(style, brief, seed, ctl)
    }
}

fn hub_with(generator: Arc<dyn Generator>) -> (Hub, ModelId) {
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", generator);
    let clock = ManualClock::at("2026-03-02T10:00:00Z".parse().unwrap());
    let hub = Hub::builder()
        .clock(clock)
        .generators(generators)
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_gig("ana", "tattoo").unwrap();
    let m = hub.create_model("ana", "tattoo").unwrap().value;
    let png = encode_png(&Image::filled(512, 512, [200, 40, 40, 255])).unwrap();
    let a = hub
        .upload_asset("ana", AssetSource::Upload, &png, Some("red.png"), &["red"])
        .unwrap()
        .value;
    hub.select_assets("ana", &m, &[a]).unwrap();
    hub.attest_originality("ana", &m).unwrap();
    (hub, m)
}

#[test]
fn a_training_runs_off_the_hub_while_the_previous_version_keeps_serving() {
    // R: M3, T4
    let (hub, m) = hub_with(Stepper::new(20));
    let job = hub.start_training("ana", &m).unwrap().value;
    assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
    let v1 = hub.model("ana", &m).unwrap().live.clone().unwrap();

    let retrain = hub.start_training("ana", &m).unwrap().value;
    let run = hub.begin_training(&retrain).unwrap().value;
    assert_eq!(
        hub.admin().job(&retrain).unwrap().status,
        JobStatus::Running
    );
    let worker = std::thread::spawn(move || run.execute(&mut |_| {}));
    // The hub is free meanwhile, and the first version still serves.
    let (_, art) = hub
        .playground_generate("ana", &m, Brief::new("koi"), 3)
        .unwrap()
        .value;
    assert!(matches!(art, Artifact::Image(_)));
    assert_eq!(
        hub.model("ana", &m).unwrap().live.as_ref().unwrap().version,
        v1.version
    );

    let out = hub.finish_training(worker.join().unwrap()).unwrap();
    assert_eq!(out.value, JobStatus::Succeeded);
    let progress: Vec<_> = out
        .events
        .iter()
        .filter(|e| e.kind() == "training_progressed")
        .collect();
    assert_eq!(progress.len(), 9, "one event per 10 % step below 100 %");
    assert_eq!(
        hub.model("ana", &m).unwrap().live.as_ref().unwrap().version,
        v1.version + 1
    );
    // A result cannot be handed in twice.
    let again = TrainingResult {
        job: retrain.clone(),
        attempt: 1,
        result: Err(TrainError::Cancelled),
        progress_pct: vec![],
    };
    assert_eq!(
        hub.finish_training(again).unwrap_err().code(),
        "job_lease_lost"
    );
}

#[test]
fn cancelling_stops_a_training_within_one_tick_and_gives_the_quota_back() {
    // R: T4, T1
    let stepper = Stepper::new(1000);
    let (hub, m) = hub_with(stepper.clone());
    let before = hub.quota("ana", &m).unwrap();
    let job = hub.start_training("ana", &m).unwrap().value;
    assert_eq!(hub.quota("ana", &m).unwrap().used, before.used + 1);
    let handle = hub.cancel_handle(&job).unwrap();
    let run = hub.begin_training(&job).unwrap().value;
    let mut seen = 0;
    let result = run.execute(&mut |p| {
        seen += 1;
        if p >= 0.25 {
            handle.cancel();
        }
    });
    assert_eq!(result.result, Err(TrainError::Cancelled));
    assert_eq!(
        stepper.ticks.load(Ordering::SeqCst),
        250,
        "stopped at the tick that saw the cancellation"
    );
    assert_eq!(seen, 250);
    let out = hub.finish_training(result).unwrap();
    assert_eq!(out.value, JobStatus::Cancelled);
    assert_eq!(hub.quota("ana", &m).unwrap().used, before.used);
    assert!(hub.model("ana", &m).unwrap().live.is_none());
}

#[test]
fn a_token_cancelled_before_the_run_starts_never_trains() {
    // R: T4
    let stepper = Stepper::new(10);
    let (hub, m) = hub_with(stepper.clone());
    let job = hub.start_training("ana", &m).unwrap().value;
    hub.cancel_handle(&job).unwrap().cancel();
    assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Cancelled);
    assert_eq!(stepper.ticks.load(Ordering::SeqCst), 0);
}

/// Trains slowly in manual time: each tick moves the clock by a tenth of the lease.
struct Slow {
    clock: ManualClock,
    ticks: AtomicUsize,
}

impl Generator for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        for i in 1..=100 {
            self.clock.advance(chrono::Duration::seconds(30)).unwrap();
            self.ticks.fetch_add(1, Ordering::SeqCst);
            ctl.tick(i as f32 / 100.0)?;
        }
        EchoGenerator.train(input, ctl)
    }
    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        EchoGenerator.generate(style, brief, seed, ctl)
    }
}

#[test]
fn a_cancel_from_another_hub_reaches_the_running_training_at_its_next_lease_renewal() {
    // R: T4
    let clock = ManualClock::at("2026-03-02T10:00:00Z".parse().unwrap());
    let slow = Arc::new(Slow {
        clock: clock.clone(),
        ticks: AtomicUsize::new(0),
    });
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", slow.clone());
    let (store, blobs) = (MemoryStore::default(), MemoryBlobStore::default());
    let worker = Hub::builder()
        .clock(clock.clone())
        .generators(generators)
        .store(store.clone())
        .blobs(blobs.clone())
        .build()
        .unwrap();
    let app = Hub::builder()
        .clock(clock.clone())
        .store(store)
        .blobs(blobs)
        .build()
        .unwrap();
    app.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    app.add_gig("ana", "tattoo").unwrap();
    let m = app.create_model("ana", "tattoo").unwrap().value;
    let a = app
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )
        .unwrap()
        .value;
    app.select_assets("ana", &m, &[a]).unwrap();
    app.attest_originality("ana", &m).unwrap();
    let job = app.start_training("ana", &m).unwrap().value;
    let run = worker.begin_training(&job).unwrap().value;
    // The app server asks the running job to stop: only an event, the run is elsewhere.
    let asked = app.cancel_training("ana", &job).unwrap();
    assert_eq!(
        asked.events.iter().map(Recorded::kind).collect::<Vec<_>>(),
        ["training_cancel_requested"]
    );
    let result = run.execute(&mut |_| {});
    assert_eq!(result.result, Err(TrainError::Cancelled));
    // The lease (300 s) is renewed every quarter of it: the run saw the request at the
    // first renewal, after 75 s of manual time, i.e. 3 ticks of 30 s.
    assert_eq!(slow.ticks.load(Ordering::SeqCst), 3);
    assert_eq!(
        worker.finish_training(result).unwrap().value,
        JobStatus::Cancelled
    );
    assert_eq!(app.quota("ana", &m).unwrap().used, 0, "quota back (T4)");
}

#[test]
fn a_training_whose_runner_died_runs_again_then_fails_with_its_quota_back_after_its_last_attempt() {
    // R: T4, T1
    let clock = ManualClock::at("2026-03-02T10:00:00Z".parse().unwrap());
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Stepper::new(3));
    let hub = Hub::builder()
        .clock(clock.clone())
        .generators(generators)
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_gig("ana", "tattoo").unwrap();
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
    let lease = chrono::Duration::seconds(i64::from(hub.policy().training.lease_seconds));
    let attempts = hub.policy().jobs.max_attempts;
    for attempt in 1..=attempts {
        let run = hub.begin_training(&job).unwrap().value;
        assert_eq!(run.attempt(), attempt);
        drop(run); // the worker vanished without a word
        assert_eq!(
            hub.quota("ana", &m).unwrap().used,
            1,
            "the quota is taken once, whatever the runs"
        );
        assert!(
            hub.tick().unwrap().events.is_empty(),
            "the lease still runs"
        );
        clock.advance(lease).unwrap();
        let expired = hub.tick().unwrap();
        let kinds: Vec<_> = expired.events.iter().map(Recorded::kind).collect();
        if attempt < attempts {
            assert_eq!(kinds, ["training_requeued"]);
            assert_eq!(
                hub.admin().job(&job).unwrap().status,
                JobStatus::Queued,
                "queued again for another worker"
            );
        } else {
            assert_eq!(kinds, ["training_failed"]);
        }
    }
    assert_eq!(hub.admin().job(&job).unwrap().status, JobStatus::Failed);
    assert_eq!(hub.quota("ana", &m).unwrap().used, 0, "quota back (T4)");
    assert_eq!(hub.model("ana", &m).unwrap().active_job, None);
    // A late result of a vanished run is refused: the run no longer holds the job.
    let late = TrainingResult {
        job: job.clone(),
        attempt: 1,
        result: Err(TrainError::Cancelled),
        progress_pct: vec![],
    };
    assert_eq!(
        hub.finish_training(late).unwrap_err().code(),
        "job_lease_lost"
    );
    assert!(
        hub.start_training("ana", &m).is_ok(),
        "the model can train again"
    );
}

#[test]
fn uploaded_files_reach_the_generator_decoded_and_only_the_owners() {
    // R: D5, A1
    #[derive(Default)]
    struct Spy(Mutex<Vec<(String, Option<[u8; 4]>)>>);
    impl Generator for Spy {
        fn name(&self) -> &str {
            "spy"
        }
        fn train(
            &self,
            input: &TrainingInput<'_>,
            ctl: &mut JobControl<'_>,
        ) -> Result<TrainedStyle, TrainError> {
            for t in &input.assets {
                let pixel = match t.decode(input.limits) {
                    Some(Ok(Artifact::Image(img))) => Some(img.pixel(0, 0)),
                    _ => None,
                };
                self.0
                    .lock()
                    .unwrap()
                    .push((t.asset.owner.to_string(), pixel));
            }
            EchoGenerator.train(input, ctl)
        }
        fn generate(
            &self,
            s: &TrainedStyle,
            b: &Brief,
            seed: u64,
            ctl: &mut JobControl<'_>,
        ) -> Result<Artifact, Error> {
            EchoGenerator.generate(s, b, seed, ctl)
        }
    }
    let spy = Arc::new(Spy::default());
    let (hub, m) = hub_with(spy.clone());
    let meta_only = hub
        .add_asset(
            "ana",
            AssetSource::Portfolio,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )
        .unwrap()
        .value;
    let mut selected = hub.model("ana", &m).unwrap().assets.clone();
    selected.push(meta_only);
    hub.select_assets("ana", &m, &selected).unwrap();
    let job = hub.start_training("ana", &m).unwrap().value;
    hub.run_training(&job).unwrap();
    let mut seen = spy.0.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("ana".to_string(), None),
            ("ana".to_string(), Some([200, 40, 40, 255]))
        ]
    );
}

#[test]
fn files_live_in_the_blob_store_and_events_hold_only_their_references() {
    // R: D5, A1
    let (hub, m) = hub_with(Stepper::new(1));
    let job = hub.start_training("ana", &m).unwrap().value;
    hub.run_training(&job).unwrap();
    let log = hub
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    let json = serde_json::to_string(&log).unwrap();
    assert!(
        json.len() < 8_000,
        "no pixels in the log ({} bytes)",
        json.len()
    );
    let asset = hub.assets("ana").unwrap().remove(0);
    let file = asset.content.clone().expect("an upload keeps its file");
    assert_eq!(
        (file.media_type.as_str(), file.width, file.height),
        ("image/png", None, None)
    );
    let bytes = hub.admin().file(&file).unwrap();
    assert_eq!(
        BlobRef::of(bytes.as_bytes(), "image/png").sha256,
        file.sha256
    );
    let partition = serde_json::to_string(&hub.admin().partition("ana").unwrap()).unwrap();
    assert!(
        partition.len() < 8_000,
        "no pixels in the partition ({} bytes)",
        partition.len()
    );
    let style = hub.model("ana", &m).unwrap().live.unwrap().style;
    assert_eq!(hub.admin().trained_style(&style).unwrap().generator, "echo");
}

#[test]
fn a_cancelled_generation_is_a_typed_error() {
    // R: G2
    let token = CancelToken::default();
    token.cancel();
    let style = TrainedStyle {
        generator: "echo".into(),
        format: 1,
        data: serde_json::json!({"modality": "image"}),
    };
    let err = EchoGenerator
        .generate(
            &style,
            &Brief::new("x"),
            1,
            &mut JobControl::new(&mut |_| {}, &token),
        )
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
}

#[test]
fn reference_pictures_reach_clients_only_as_marked_drafts_until_approved_and_paid() {
    // R: G1, G2, W1, W2, M2
    use fivergo::eval::fixtures::line_art;
    use fivergo::generator::image::QuiltGenerator;
    use fivergo::watermark::visible_mark_coverage;
    let clock = ManualClock::at("2026-03-02T10:00:00Z".parse().unwrap());
    let hub = Hub::builder()
        .clock(clock)
        .generators(GeneratorRegistry::reference())
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_gig("ana", "tattoo").unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    let m = hub.create_model("ana", "tattoo").unwrap().value;
    let assets: Vec<AssetId> = (0..4)
        .map(|i| {
            hub.upload_asset(
                "ana",
                AssetSource::Upload,
                &encode_png(&line_art(384, i)).unwrap(),
                None,
                &[],
            )
            .unwrap()
            .value
        })
        .collect();
    hub.select_assets("ana", &m, &assets).unwrap();
    hub.attest_originality("ana", &m).unwrap();
    let job = hub.start_training("ana", &m).unwrap().value;
    assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
    let live = hub.model("ana", &m).unwrap().live.clone().unwrap();
    assert_eq!(live.generator, "quilt");
    let style = hub.admin().trained_style(&live.style).unwrap();
    let direct = |seed| {
        QuiltGenerator::default()
            .generate(&style, &Brief::new("koi"), seed, &mut JobControl::none())
            .unwrap()
    };
    let image = |a: &Artifact| match a {
        Artifact::Image(i) => i.clone(),
        other => panic!("not an image: {other:?}"),
    };

    // Not subscribed: the playground shows a marked picture (G2).
    let (_, trial) = hub
        .playground_generate("ana", &m, Brief::new("koi"), 5)
        .unwrap()
        .value;
    assert!(visible_mark_coverage(&image(&direct(5)), &image(&trial)) > 0.05);
    hub.subscribe("ana", &"card".into()).unwrap();
    let (_, clean_trial) = hub
        .playground_generate("ana", &m, Brief::new("koi"), 5)
        .unwrap()
        .value;
    assert_eq!(clean_trial, direct(5));

    hub.set_price(
        "ana",
        &m,
        PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: Money::parse("20", Currency::Usd).unwrap(),
        },
    )
    .unwrap();
    hub.publish("ana", &m).unwrap();
    let order = hub
        .order_draft("bob", &m, Brief::new("koi"), 9)
        .unwrap()
        .value;
    let draft = hub.draft("bob", &order).unwrap().clone();
    assert!(
        visible_mark_coverage(&image(&direct(9)), &image(&draft)) > 0.05,
        "visible mark (W1)"
    );
    assert_eq!(
        hub.trace(&draft).unwrap().map(|(o, _)| o),
        Some(order.clone()),
        "invisible mark (W2)"
    );
    assert_eq!(
        hub.download("bob", &order).unwrap_err().code(),
        "not_approved_and_paid"
    );
    hub.approve("bob", &order).unwrap();
    assert_eq!(
        hub.download("bob", &order).unwrap_err().code(),
        "not_approved_and_paid"
    );
    hub.record_payment("bob", &order, Money::parse("20", Currency::Usd).unwrap())
        .unwrap();
    assert_eq!(hub.download("bob", &order).unwrap().value, direct(9));

    // R: A8 — the draft uploaded back as a training picture is recognised by its
    // invisible mark; the clean file is not.
    let upload = |a: &Artifact| {
        let png = encode_png(&image(a)).unwrap();
        let id = hub
            .upload_asset("ana", AssetSource::Upload, &png, None, &[])
            .unwrap()
            .value;
        (id.clone(), hub.asset("ana", &id).unwrap().meta.draft_mark)
    };
    let (draft_asset, seen) = upload(&draft);
    assert_eq!(seen, Some(true));
    let (clean_asset, seen) = upload(&direct(9));
    assert_eq!(seen, Some(false));
    let again = hub.create_model("ana", "tattoo").unwrap().value;
    hub.select_assets("ana", &again, &[draft_asset.clone(), clean_asset.clone()])
        .unwrap();
    let flagged: Vec<_> = hub
        .findings("ana", &again)
        .unwrap()
        .into_iter()
        .filter(|f| f.code == "draft_mark")
        .map(|f| (f.asset, f.rule))
        .collect();
    assert_eq!(flagged, [(Some(draft_asset), "A8".to_string())]);
}
