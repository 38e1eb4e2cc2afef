//! Hub-level tests: the rules that need several aggregates at once.

use chrono::Duration;
use fivergo::*;
use std::sync::Arc;

struct Fx {
    hub: Hub,
    clock: ManualClock,
    gateway: SimulatedGateway,
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).unwrap()
}

fn fx() -> Fx {
    fx_with(Policy::default(), GeneratorRegistry::default())
}

fn fx_with(policy: Policy, generators: GeneratorRegistry) -> Fx {
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let hub = Hub::builder()
        .policy(policy)
        .clock(clock.clone())
        .gateway(gateway.clone())
        .generators(generators)
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    for s in [
        "tattoo",
        "illustration",
        "voice_over",
        "jingles",
        "childrens_book_illustration",
    ] {
        hub.add_gig("ana", s).unwrap();
    }
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    Fx {
        hub,
        clock,
        gateway,
    }
}

fn kinds(events: &[Recorded]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind()).collect()
}

impl Fx {
    /// A tattoo model with three assets, attested.
    fn model(&self) -> ModelId {
        let m = self.hub.create_model("ana", "tattoo").unwrap().value;
        let assets: Vec<AssetId> = (0..3)
            .map(|_| {
                self.hub
                    .add_asset(
                        "ana",
                        AssetSource::Upload,
                        Modality::Image,
                        AssetMeta::image(1024, 1024),
                        &[],
                    )
                    .unwrap()
                    .value
            })
            .collect();
        self.hub.select_assets("ana", &m, &assets).unwrap();
        self.hub.attest_originality("ana", &m).unwrap();
        m
    }

    fn train(&self, m: &ModelId) -> JobStatus {
        let job = self.hub.start_training("ana", m).unwrap().value;
        self.hub.run_training(&job).unwrap().value
    }

    /// Trained, tried in the playground, priced, subscribed and published.
    fn published(&self) -> ModelId {
        let m = self.model();
        self.train(&m);
        self.hub
            .playground_generate("ana", &m, Brief::new("x"), 1)
            .unwrap();
        self.hub
            .set_price(
                "ana",
                &m,
                PriceSpec::PerUnit {
                    unit: PricingUnit::Item,
                    unit_price: usd("20"),
                },
            )
            .unwrap();
        if self
            .hub
            .subscription("ana")
            .unwrap()
            .is_none_or(|s| !s.is_live())
        {
            self.hub.subscribe("ana", &"card".into()).unwrap();
        }
        self.hub.publish("ana", &m).unwrap();
        m
    }

    /// An immediate-download order, approved, paid and downloaded.
    fn bought(&self, m: &ModelId) -> OrderId {
        let o = self
            .hub
            .order_draft("bob", m, Brief::new("a rose"), 9)
            .unwrap()
            .value;
        self.hub.approve("bob", &o).unwrap();
        self.hub.record_payment("bob", &o, usd("20")).unwrap();
        self.hub.download("bob", &o).unwrap();
        o
    }
}

#[test]
fn dropping_below_eligibility_unpublishes_but_keeps_read_access() {
    // R: E2, E1
    let f = fx();
    let m = f.published();
    let out = f
        .hub
        .set_seller_level("ana", SellerLevel::Level1, false)
        .unwrap();
    assert_eq!(
        kinds(&out.events),
        ["seller_level_changed", "model_unpublished"]
    );
    assert_eq!(
        f.hub.model("ana", &m).unwrap().status,
        ModelStatus::Unpublished
    );
    assert_eq!(
        f.hub
            .create_model("ana", "tattoo")
            .unwrap_err()
            .error
            .code(),
        "not_eligible"
    );
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "not_eligible"
    );
    let err = f.hub.publish("ana", &m).unwrap_err().error;
    assert!(
        matches!(err, Error::PublishRequirementsUnmet { ref missing, .. } if missing.contains(&Requirement::Eligibility))
    );
    assert_eq!(f.hub.models("ana").unwrap().len(), 1);
    // Pro brings eligibility back.
    f.hub
        .set_seller_level("ana", SellerLevel::Level1, true)
        .unwrap();
    f.hub.publish("ana", &m).unwrap();
}

#[test]
fn models_need_a_gig_and_an_available_subcategory() {
    // R: C1, C2
    let f = fx();
    assert_eq!(
        f.hub
            .create_model("ana", "writing_translation")
            .unwrap_err()
            .error
            .code(),
        "subcategory_unavailable"
    );
    f.hub
        .register_seller("cid", SellerLevel::TopRated, false)
        .unwrap();
    let err = f.hub.create_model("cid", "tattoo").unwrap_err().error;
    assert_eq!(
        (err.code(), err.rule()),
        ("no_gig_in_subcategory", Some("C2"))
    );
}

#[test]
fn names_come_at_first_training_and_are_unique() {
    // R: C3
    let f = fx();
    let a = f.model();
    let b = f.model();
    assert_eq!(f.hub.model("ana", &a).unwrap().name, None);
    f.hub.start_training("ana", &b).unwrap();
    f.hub.start_training("ana", &a).unwrap();
    assert_eq!(
        f.hub.model("ana", &b).unwrap().name.as_deref(),
        Some("Tattoo")
    );
    assert_eq!(
        f.hub.model("ana", &a).unwrap().name.as_deref(),
        Some("Tattoo 2")
    );
}

#[test]
fn a_refused_selection_keeps_what_was_selected() {
    // R: A3, C4
    let f = fx();
    let m = f.hub.create_model("ana", "voice_over").unwrap().value;
    let ok = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Audio,
            AssetMeta::audio(31_000),
            &[],
        )
        .unwrap()
        .value;
    let short = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Audio,
            AssetMeta::audio(20_000),
            &[],
        )
        .unwrap()
        .value;
    let fine = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Audio,
            AssetMeta::audio(60_000),
            &[],
        )
        .unwrap()
        .value;
    f.hub
        .select_assets("ana", &m, std::slice::from_ref(&ok))
        .unwrap();
    let before = f
        .hub
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events
        .len();
    let err = f
        .hub
        .select_assets("ana", &m, &[fine.clone(), short.clone()])
        .unwrap_err()
        .error;
    assert_eq!(
        err,
        Error::AssetTooShort {
            asset: short,
            duration_ms: 20_000,
            min_seconds: 30
        }
    );
    assert_eq!(f.hub.model("ana", &m).unwrap().assets, [ok]);
    assert_eq!(
        f.hub
            .events_since(Cursor::default(), usize::MAX)
            .unwrap()
            .events
            .len(),
        before,
        "a refusal emits nothing"
    );
    let err = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Audio,
            AssetMeta::default(),
            &[],
        )
        .unwrap_err()
        .error;
    assert_eq!(err.code(), "asset_unreadable");
}

#[test]
fn text_models_need_instructions() {
    // R: A5
    let mut policy = Policy::default();
    policy
        .catalogue
        .set_available("writing_translation", true)
        .unwrap();
    let f = fx_with(policy, GeneratorRegistry::default());
    f.hub.add_gig("ana", "writing_translation").unwrap();
    let m = f
        .hub
        .create_model("ana", "writing_translation")
        .unwrap()
        .value;
    let a = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Portfolio,
            Modality::Text,
            AssetMeta::text(),
            &[],
        )
        .unwrap()
        .value;
    f.hub.select_assets("ana", &m, &[a]).unwrap();
    f.hub.attest_originality("ana", &m).unwrap();
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "instructions_required"
    );
    f.hub.set_instructions("ana", &m, Some("   ")).unwrap();
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "instructions_required"
    );
    f.hub
        .set_instructions("ana", &m, Some("Dry wit, short sentences."))
        .unwrap();
    let job = f.hub.start_training("ana", &m).unwrap().value;
    assert_eq!(
        f.hub.admin().job(&job).unwrap().instructions.as_deref(),
        Some("Dry wit, short sentences.")
    );
}

#[test]
fn changes_after_training_mark_stale_and_generation_keeps_the_live_version() {
    // R: A7, A6, M3
    let f = fx();
    let m = f.published();
    let asset = f.hub.model("ana", &m).unwrap().assets[0].clone();
    let out = f.hub.tag_asset("ana", &asset, &["Dotwork"], &[]).unwrap();
    assert_eq!(kinds(&out.events), ["asset_tagged", "model_marked_stale"]);
    assert!(f.hub.admin().partition("ana").unwrap().assets[&asset]
        .tags
        .contains("dotwork"));
    let model = f.hub.model("ana", &m).unwrap();
    assert!(model.is_stale());
    assert_eq!(model.live.as_ref().unwrap().version, 1);
    // Clients still generate with version 1 while a retrain runs.
    let job = f.hub.start_training("ana", &m).unwrap().value;
    assert_eq!(
        f.hub.model("ana", &m).unwrap().status,
        ModelStatus::Published
    );
    f.hub.order_draft("bob", &m, Brief::new("x"), 1).unwrap();
    f.hub.run_training(&job).unwrap();
    let model = f.hub.model("ana", &m).unwrap();
    assert!(!model.is_stale());
    assert_eq!(model.live.as_ref().unwrap().version, 2);
    f.hub.tag_asset("ana", &asset, &[], &["dotwork"]).unwrap();
    assert!(f.hub.model("ana", &m).unwrap().is_stale());
}

#[test]
fn attestation_precedes_the_first_training_and_is_recorded() {
    // R: A9
    let f = fx();
    let m = f.hub.create_model("ana", "tattoo").unwrap().value;
    let a = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )
        .unwrap()
        .value;
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "no_assets_selected"
    );
    f.hub.select_assets("ana", &m, &[a]).unwrap();
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "attestation_required"
    );
    f.clock.advance(Duration::minutes(5)).unwrap();
    f.hub.attest_originality("ana", &m).unwrap();
    assert_eq!(
        f.hub.model("ana", &m).unwrap().attested_at,
        Some(f.clock.now())
    );
    f.hub.start_training("ana", &m).unwrap();
}

struct Failing;

impl Generator for Failing {
    fn name(&self) -> &str {
        "failing"
    }
    fn train(
        &self,
        _: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let _ = ctl.tick(0.5);
        Err(TrainError::Failed("out of memory".into()))
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

#[test]
fn failed_and_cancelled_trainings_give_their_quota_back() {
    // R: T4, T1
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Failing));
    let f = fx_with(Policy::default(), generators);
    let m = f.model();
    let job = f.hub.start_training("ana", &m).unwrap().value;
    assert_eq!(
        f.hub.model("ana", &m).unwrap().status,
        ModelStatus::Training
    );
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "training_in_progress"
    );
    let out = f.hub.run_training(&job).unwrap();
    assert_eq!(out.value, JobStatus::Failed);
    assert_eq!(
        kinds(&out.events),
        ["training_started", "training_progressed", "training_failed"]
    );
    assert_eq!(f.hub.model("ana", &m).unwrap().status, ModelStatus::Draft);
    assert_eq!(f.hub.quota("ana", &m).unwrap().used, 0);
    let job = f.hub.start_training("ana", &m).unwrap().value;
    assert_eq!(f.hub.quota("ana", &m).unwrap().used, 1);
    f.hub.cancel_training("ana", &job).unwrap();
    assert_eq!(f.hub.quota("ana", &m).unwrap().used, 0);
    assert_eq!(
        f.hub.cancel_training("ana", &job).unwrap_err().error.code(),
        "job_not_active"
    );
    assert_eq!(
        f.hub.run_training(&job).unwrap_err().error.code(),
        "job_not_active"
    );
}

#[test]
fn a_running_training_stops_at_the_next_progress_tick() {
    // R: T4
    let f = fx();
    let m = f.model();
    let job = f.hub.start_training("ana", &m).unwrap().value;
    f.hub.cancel_handle(&job).unwrap().cancel();
    assert_eq!(
        f.hub.run_training(&job).unwrap().value,
        JobStatus::Cancelled
    );
    assert_eq!(f.hub.quota("ana", &m).unwrap().used, 0);
}

#[test]
fn refused_quota_says_used_limit_and_renewal() {
    // R: T2, T3, T5
    let f = fx();
    let m = f.model();
    f.hub.subscribe("ana", &"card".into()).unwrap(); // anchor Jan 31
    f.train(&m);
    f.train(&m);
    let err = f.hub.start_training("ana", &m).unwrap_err().error;
    let renews: chrono::DateTime<chrono::Utc> = "2026-02-28T10:00:00Z".parse().unwrap();
    assert_eq!(
        err,
        Error::TrainingQuotaExhausted {
            model: m.clone(),
            used: 2,
            limit: 2,
            renews_at: Some(renews)
        }
    );
    f.clock.set(renews).unwrap();
    f.train(&m);
    let q = f.hub.quota("ana", &m).unwrap();
    assert_eq!((q.used, q.limit), (1, 2));
    assert_eq!(
        q.renews_at.unwrap().to_rfc3339(),
        "2026-03-31T10:00:00+00:00"
    );
}

#[test]
fn renewals_take_the_balance_first_else_the_card() {
    // R: S1, S2, S5
    let f = fx();
    let out = f.hub.subscribe("ana", &"card".into()).unwrap();
    assert_eq!(kinds(&out.events), ["subscribed", "subscription_charged"]);
    assert_eq!(f.gateway.charges().len(), 1);
    f.hub.credit_balance("ana", usd("30")).unwrap();
    f.clock
        .set("2026-02-28T10:00:00Z".parse().unwrap())
        .unwrap();
    let out = f.hub.renew_subscription("ana").unwrap();
    assert_eq!(
        kinds(&out.events),
        ["subscription_charged", "quota_renewed"]
    );
    assert_eq!(
        out.value.unwrap().source,
        fivergo::subscription::ChargeSource::Balance
    );
    assert_eq!(f.hub.seller("ana").unwrap().balance, usd("5.00"));
    // Repeating the renewal charges nothing more.
    let again = f.hub.renew_subscription("ana").unwrap();
    assert!(again.events.is_empty());
    assert_eq!(again.value.unwrap().idempotency_key, "ana/sub-1/1");
    // Balance 5 < 25: the card pays in full, the balance is untouched (no split).
    f.clock
        .set("2026-03-31T10:00:00Z".parse().unwrap())
        .unwrap();
    f.hub.tick().unwrap();
    assert_eq!(f.gateway.charges().len(), 2);
    assert_eq!(f.hub.seller("ana").unwrap().balance, usd("5.00"));
    assert_eq!(f.hub.subscription("ana").unwrap().unwrap().paid_periods, 3);
}

#[test]
fn a_declined_renewal_goes_past_due_then_ends_after_grace() {
    // R: S2, S4
    let f = fx();
    let m = f.published();
    let order = f.bought(&m);
    f.gateway.set_declined("card", true);
    f.clock
        .set("2026-02-28T10:00:00Z".parse().unwrap())
        .unwrap();
    let out = f.hub.tick().unwrap();
    assert_eq!(kinds(&out.events), ["renewal_declined"]);
    assert_eq!(
        f.hub.subscription("ana").unwrap().unwrap().state_name(),
        "past_due"
    );
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "subscription_required"
    );
    assert_eq!(
        f.hub
            .order_draft("bob", &m, Brief::new("x"), 1)
            .unwrap_err()
            .error
            .code(),
        "subscription_required"
    );
    assert_eq!(
        f.hub.pay_past_due("ana").unwrap_err().error.code(),
        "payment_declined"
    );
    f.clock
        .set("2026-03-07T10:00:00Z".parse().unwrap())
        .unwrap();
    let out = f.hub.tick().unwrap();
    assert_eq!(
        kinds(&out.events),
        ["subscription_ended", "model_unpublished"]
    );
    assert_eq!(
        f.hub.model("ana", &m).unwrap().status,
        ModelStatus::Unpublished
    );
    // S4: past orders and generated assets stay readable.
    assert!(f.hub.download("bob", &order).is_ok());
    assert_eq!(f.hub.creations("ana", &m).unwrap().len(), 1);
    assert_eq!(
        f.hub
            .playground_generate("ana", &m, Brief::new("x"), 2)
            .unwrap_err()
            .error
            .code(),
        "subscription_required"
    );
    // A new subscription starts a new anchor.
    f.gateway.set_declined("card", false);
    f.hub.subscribe("ana", &"card".into()).unwrap();
    assert_eq!(
        f.hub.subscription("ana").unwrap().unwrap().anchor,
        f.clock.now()
    );
}

#[test]
fn paying_past_due_restores_features() {
    // R: S2
    let f = fx();
    f.hub.subscribe("ana", &"card".into()).unwrap();
    f.gateway.set_declined("card", true);
    f.clock
        .set("2026-03-01T00:00:00Z".parse().unwrap())
        .unwrap();
    f.hub.tick().unwrap();
    f.hub.credit_balance("ana", usd("25")).unwrap();
    let out = f.hub.pay_past_due("ana").unwrap();
    assert_eq!(
        kinds(&out.events),
        ["subscription_charged", "quota_renewed"]
    );
    assert_eq!(
        f.hub.subscription("ana").unwrap().unwrap().state_name(),
        "active"
    );
    assert_eq!(
        f.hub.pay_past_due("ana").unwrap_err().error.code(),
        "nothing_past_due"
    );
}

#[test]
fn cancel_keeps_features_to_the_period_end_and_can_be_resumed() {
    // R: S3, S4
    let f = fx();
    let m = f.published();
    let ends = f.hub.cancel_subscription("ana").unwrap().value;
    assert_eq!(ends.to_rfc3339(), "2026-02-28T10:00:00+00:00");
    assert_eq!(
        f.hub.cancel_subscription("ana").unwrap_err().error.code(),
        "already_cancelled"
    );
    f.hub.resume_subscription("ana").unwrap();
    assert_eq!(
        f.hub.resume_subscription("ana").unwrap_err().error.code(),
        "not_cancelled"
    );
    f.hub.cancel_subscription("ana").unwrap();
    f.clock
        .set("2026-02-28T09:59:59Z".parse().unwrap())
        .unwrap();
    f.hub.order_draft("bob", &m, Brief::new("x"), 1).unwrap();
    f.clock
        .set("2026-02-28T10:00:00Z".parse().unwrap())
        .unwrap();
    let out = f.hub.tick().unwrap();
    assert_eq!(
        kinds(&out.events),
        ["subscription_ended", "model_unpublished"]
    );
    assert_eq!(f.gateway.charges().len(), 1, "no renewal after a cancel");
    assert_eq!(
        f.hub.cancel_subscription("ana").unwrap_err().error.code(),
        "subscription_ended"
    );
    assert_eq!(
        f.hub.resume_subscription("ana").unwrap_err().error.code(),
        "subscription_ended"
    );
}

#[test]
fn first_payment_declined_creates_nothing() {
    // R: S2, S1
    let f = fx();
    f.gateway.set_declined("card", true);
    let err = f.hub.subscribe("ana", &"card".into()).unwrap_err().error;
    assert_eq!(err.code(), "payment_declined");
    assert_eq!(err.details()["amount"]["amount"], "25.00");
    assert!(f.hub.subscription("ana").unwrap().is_none());
    assert_eq!(
        f.hub
            .subscribe("ana", &"nope".into())
            .unwrap_err()
            .error
            .code(),
        "not_found"
    );
    f.gateway.set_declined("card", false);
    f.hub.subscribe("ana", &"card".into()).unwrap();
    assert_eq!(
        f.hub
            .subscribe("ana", &"card".into())
            .unwrap_err()
            .error
            .code(),
        "already_subscribed"
    );
}

#[test]
fn at_most_three_models_are_published() {
    // R: M1
    let f = fx();
    for _ in 0..3 {
        f.published();
    }
    let m = f.model();
    f.train(&m);
    f.hub
        .playground_generate("ana", &m, Brief::new("x"), 1)
        .unwrap();
    f.hub
        .set_price(
            "ana",
            &m,
            PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: usd("20"),
            },
        )
        .unwrap();
    let err = f.hub.publish("ana", &m).unwrap_err().error;
    assert_eq!(
        err,
        Error::PublishRequirementsUnmet {
            model: m.clone(),
            missing: vec![Requirement::ActiveModelSlot { limit: 3 }]
        }
    );
    let first = f.hub.models("ana").unwrap()[0].id.clone();
    f.hub.unpublish("ana", &first).unwrap();
    f.hub.publish("ana", &m).unwrap();
}

#[test]
fn publish_refusal_lists_every_missing_requirement() {
    // R: M2
    let f = fx();
    let m = f.model();
    let err = f.hub.publish("ana", &m).unwrap_err().error;
    let Error::PublishRequirementsUnmet { missing, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        missing,
        &[
            Requirement::SucceededTraining,
            Requirement::PlaygroundGeneration { have: 0, need: 1 },
            Requirement::Price,
            Requirement::ActiveSubscription
        ]
    );
    assert_eq!(err.details()["missing"].as_array().unwrap().len(), 4);
    assert_eq!(f.hub.publish_checklist("ana", &m).unwrap().len(), 4);
}

#[test]
fn lifecycle_archive_and_placement() {
    // R: M3, M4
    let f = fx();
    let m = f.published();
    let placement = Placement {
        gigs: ["gig-7".to_string()].into(),
        on_profile: true,
    };
    f.hub.set_placement("ana", &m, placement.clone()).unwrap();
    assert_eq!(f.hub.listing(&m).unwrap().placement, placement);
    assert_eq!(
        f.hub.publish("ana", &m).unwrap_err().error.code(),
        "invalid_model_state"
    );
    let out = f.hub.archive("ana", &m).unwrap();
    assert_eq!(kinds(&out.events), ["model_unpublished", "model_archived"]);
    assert_eq!(
        f.hub.start_training("ana", &m).unwrap_err().error.code(),
        "invalid_model_state"
    );
    assert_eq!(f.hub.listing(&m).unwrap_err().code(), "model_not_published");
}

#[test]
fn creations_reports_and_owner_only_access() {
    // R: M5, M6, M7, D1
    let f = fx();
    let m = f.published();
    let o = f.bought(&m);
    let unpaid = f
        .hub
        .order_draft("carol", &m, Brief::new("y"), 2)
        .unwrap()
        .value;
    let creations = f.hub.creations("ana", &m).unwrap();
    assert_eq!(creations.len(), 1);
    assert_eq!(
        (creations[0].order.clone(), creations[0].client.as_str()),
        (o.clone(), "bob")
    );
    f.hub
        .report_issue(
            "bob",
            &m,
            ReportTarget::Creation { order: o.clone() },
            "hands look odd",
        )
        .unwrap();
    f.hub
        .report_issue("ana", &m, ReportTarget::Model, "too dark")
        .unwrap();
    assert_eq!(f.hub.model("ana", &m).unwrap().reports.len(), 2);
    assert_eq!(
        f.hub
            .report_issue("bob", &m, ReportTarget::Model, " ")
            .unwrap_err()
            .error
            .code(),
        "invalid_input"
    );
    f.hub
        .register_seller("mallory", SellerLevel::TopRated, false)
        .unwrap();
    for err in [
        f.hub.model("mallory", &m).map(|_| ()).unwrap_err(),
        f.hub
            .start_training("mallory", &m)
            .map(|_| ())
            .unwrap_err()
            .error,
        f.hub
            .set_price(
                "mallory",
                &m,
                PriceSpec::PerUnit {
                    unit: PricingUnit::Item,
                    unit_price: usd("1"),
                },
            )
            .map(|_| ())
            .unwrap_err()
            .error,
        f.hub.publish("mallory", &m).map(|_| ()).unwrap_err().error,
        f.hub.creations("mallory", &m).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!((err.code(), err.rule()), ("forbidden", Some("M7")));
    }
    let asset = f.hub.model("ana", &m).unwrap().assets[0].clone();
    assert_eq!(
        f.hub
            .tag_asset("mallory", &asset, &["x"], &[])
            .unwrap_err()
            .error
            .rule(),
        Some("D1")
    );
    let other = f.hub.create_model("mallory", "tattoo");
    assert_eq!(other.unwrap_err().error.code(), "no_gig_in_subcategory");
    f.hub.add_gig("mallory", "tattoo").unwrap();
    let theirs = f.hub.create_model("mallory", "tattoo").unwrap().value;
    assert_eq!(
        f.hub
            .select_assets("mallory", &theirs, &[asset])
            .unwrap_err()
            .error
            .rule(),
        Some("D1")
    );
    let _ = unpaid;
}

#[test]
fn clean_files_need_approval_and_payment() {
    // R: G1, W1, G3
    let f = fx();
    let m = f.published();
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 9)
        .unwrap()
        .value;
    let draft = f.hub.draft("bob", &o).unwrap().clone();
    let clean_id = f.hub.admin().order(&o).unwrap().clean.clone().unwrap();
    assert_ne!(
        draft,
        f.hub.admin().artifact(&clean_id).unwrap(),
        "the draft is marked"
    );
    assert_eq!(
        f.hub.download("bob", &o).unwrap_err().error,
        Error::NotApprovedAndPaid {
            order: o.clone(),
            approved: false,
            paid: false
        }
    );
    f.hub.approve("bob", &o).unwrap();
    assert_eq!(
        f.hub.download("bob", &o).unwrap_err().error.code(),
        "not_approved_and_paid"
    );
    assert_eq!(
        f.hub
            .record_payment("bob", &o, usd("19.99"))
            .unwrap_err()
            .error
            .code(),
        "invalid_input"
    );
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    assert_eq!(
        f.hub.download("carol", &o).unwrap_err().error.rule(),
        Some("D2")
    );
    let out = f.hub.download("bob", &o).unwrap();
    assert_eq!(out.value, f.hub.admin().artifact(&clean_id).unwrap());
    assert_eq!(kinds(&out.events), ["delivery_downloaded"]);
    assert!(f.hub.download("bob", &o).unwrap().events.is_empty());
}

#[test]
fn reads_answer_only_what_the_actor_may_see() {
    // R: G1, D1, D2
    let f = fx();
    let m = f.published();
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 9)
        .unwrap()
        .value;
    let full = f.hub.admin().order(&o).unwrap();
    let (draft, clean) = (full.draft.clone().unwrap(), full.clean.clone().unwrap());
    // The client sees the order without its clean file, and cannot fetch it by hash.
    assert_eq!(f.hub.order("bob", &o).unwrap().clean, None);
    assert_eq!(f.hub.client_orders("bob").unwrap()[0].clean, None);
    assert_eq!(
        f.hub.artifact("bob", &draft).unwrap(),
        f.hub.draft("bob", &o).unwrap()
    );
    for read in [
        f.hub.artifact("bob", &clean).map(|_| ()),
        f.hub.file("bob", &clean).map(|_| ()),
    ] {
        assert_eq!(
            read.unwrap_err(),
            Error::NotApprovedAndPaid {
                order: o.clone(),
                approved: false,
                paid: false
            }
        );
    }
    // The seller sees all of it; anyone else nothing.
    assert_eq!(f.hub.order("ana", &o).unwrap(), full);
    assert!(f.hub.artifact("ana", &clean).is_ok());
    assert_eq!(f.hub.order("eve", &o).unwrap_err().rule(), Some("D2"));
    assert_eq!(
        f.hub.artifact("eve", &draft).unwrap_err().code(),
        "forbidden"
    );
    // Library, jobs and styles are the seller's (D1).
    let asset = f.hub.assets("ana").unwrap()[0].id.clone();
    assert_eq!(f.hub.asset("ana", &asset).unwrap().id, asset);
    assert_eq!(f.hub.asset("bob", &asset).unwrap_err().rule(), Some("D1"));
    let live = f.hub.model("ana", &m).unwrap().live.unwrap();
    assert_eq!(f.hub.job("ana", &live.job).unwrap().model, m);
    assert_eq!(f.hub.job("bob", &live.job).unwrap_err().code(), "forbidden");
    assert!(f.hub.trained_style("ana", &live.style).is_ok());
    assert_eq!(
        f.hub.trained_style("bob", &live.style).unwrap_err().code(),
        "forbidden"
    );
    assert_eq!(
        f.hub.artifact("bob", &live.style).unwrap_err().code(),
        "forbidden"
    );
    // Once approved and paid, the clean file is the client's (G1, D2).
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    assert_eq!(f.hub.order("bob", &o).unwrap().clean, Some(clean.clone()));
    assert_eq!(
        f.hub.file("bob", &clean).unwrap(),
        f.hub.admin().file(&clean).unwrap()
    );
}

#[test]
fn entitlements_say_what_the_commands_would_refuse_and_why() {
    // R: E1, E2, S2, S4
    let f = fx();
    let m = f.model();
    let now = f.hub.entitlements("ana").unwrap();
    assert!(now.create_models.allowed() && now.train.allowed() && now.playground.allowed());
    for refused in [
        &now.publish,
        &now.serve_clients,
        &now.assistant_auto_replies,
    ] {
        assert_eq!(refused.refusal().unwrap().code(), "subscription_required");
    }
    f.hub.subscribe("ana", &"card".into()).unwrap();
    let now = f.hub.entitlements("ana").unwrap();
    assert!([
        &now.publish,
        &now.serve_clients,
        &now.assistant_auto_replies,
        &now.train
    ]
    .iter()
    .all(|e| e.allowed()));
    // A declined renewal: past due, AI features stop (S2); the entitlement carries
    // the very error the command gives.
    f.gateway.set_declined("card", true);
    f.clock.advance(Duration::days(31)).unwrap();
    f.hub.tick().unwrap();
    let now = f.hub.entitlements("ana").unwrap();
    let refused = now.train.refusal().unwrap().clone();
    assert_eq!(
        refused,
        Error::SubscriptionRequired {
            seller: "ana".into(),
            action: "train".into(),
            state: "past_due".into()
        }
    );
    assert_eq!(f.hub.start_training("ana", &m).unwrap_err().error, refused);
    assert_eq!(
        now.assistant_auto_replies.refusal().unwrap().rule(),
        Some("S4")
    );
    assert!(
        now.create_models.allowed(),
        "creating a model needs eligibility only (E1)"
    );
    // Below eligibility: no creating, training or publishing (E2).
    f.hub
        .set_seller_level("ana", SellerLevel::Level1, false)
        .unwrap();
    let now = f.hub.entitlements("ana").unwrap();
    for refused in [&now.create_models, &now.train, &now.publish] {
        assert_eq!(refused.refusal().unwrap().code(), "not_eligible");
    }
    assert_eq!(
        f.hub.create_model("ana", "tattoo").unwrap_err().error,
        *now.create_models.refusal().unwrap()
    );
    let json = serde_json::to_value(&now).unwrap();
    assert_eq!(json["create_models"]["refusal"]["rule"], "E1");
    assert_eq!(
        f.hub.entitlements("nobody").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn playground_is_clean_only_while_subscribed() {
    // R: G2, M2
    let f = fx();
    let m = f.model();
    assert_eq!(
        f.hub
            .playground_generate("ana", &m, Brief::new("x"), 1)
            .unwrap_err()
            .error
            .code(),
        "no_trained_version"
    );
    f.train(&m);
    let marked = f
        .hub
        .playground_generate("ana", &m, Brief::new("x"), 1)
        .unwrap()
        .value
        .1;
    f.hub.subscribe("ana", &"card".into()).unwrap();
    let clean = f
        .hub
        .playground_generate("ana", &m, Brief::new("x"), 1)
        .unwrap()
        .value
        .1;
    assert_ne!(marked, clean);
    let style = f
        .hub
        .admin()
        .trained_style(&f.hub.model("ana", &m).unwrap().live.unwrap().style)
        .unwrap();
    assert_eq!(
        clean,
        EchoGenerator
            .generate(&style, &Brief::new("x"), 1, &mut JobControl::none())
            .unwrap()
    );
    assert_eq!(f.hub.model("ana", &m).unwrap().playground_generations, 2);
}

#[test]
fn no_source_files_for_anyone() {
    // R: G4
    let f = fx();
    let m = f.published();
    let o = f.bought(&m);
    for actor in ["bob", "ana", "host"] {
        assert_eq!(
            f.hub
                .request_source_file(actor, &o)
                .unwrap_err()
                .error
                .code(),
            "source_file_unavailable"
        );
    }
}

#[test]
fn generation_needs_a_published_model_and_active_subscription() {
    // R: G5
    let f = fx();
    let m = f.model();
    f.train(&m);
    assert_eq!(
        f.hub
            .order_draft("bob", &m, Brief::new("x"), 1)
            .unwrap_err()
            .error
            .code(),
        "model_not_published"
    );
    assert_eq!(
        f.hub
            .contact_seller("bob", &m, Brief::new("x"))
            .unwrap_err()
            .error
            .code(),
        "model_not_published"
    );
    let p = f.published();
    let o = f
        .hub
        .order_draft("bob", &p, Brief::new("x"), 5)
        .unwrap()
        .value;
    let style = f
        .hub
        .admin()
        .trained_style(&f.hub.model("ana", &p).unwrap().live.unwrap().style)
        .unwrap();
    let clean = f.hub.admin().order(&o).unwrap().clean.clone().unwrap();
    assert_eq!(
        f.hub.admin().artifact(&clean).unwrap(),
        EchoGenerator
            .generate(&style, &Brief::new("x"), 5, &mut JobControl::none())
            .unwrap()
    );
}

#[test]
fn one_revision_within_a_day_of_download() {
    // R: V1, R2
    let f = fx();
    let m = f.published();
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 9)
        .unwrap()
        .value;
    assert_eq!(
        f.hub
            .request_revision("bob", &o, "redder")
            .unwrap_err()
            .error
            .code(),
        "revision_not_allowed"
    );
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    let err = f
        .hub
        .request_revision("bob", &o, "redder")
        .unwrap_err()
        .error;
    assert!(err.to_string().contains("not been downloaded"), "{err}");
    f.hub.download("bob", &o).unwrap();
    f.clock.advance(Duration::hours(24)).unwrap();
    let out = f.hub.request_revision("bob", &o, "redder").unwrap();
    assert_eq!(
        kinds(&out.events),
        ["revision_requested", "draft_delivered"]
    );
    assert_eq!(
        f.hub.admin().order(&o).unwrap().status,
        OrderStatus::RevisionDelivered
    );
    assert_eq!(
        f.hub.download("bob", &o).unwrap_err().error.code(),
        "not_approved_and_paid"
    );
    let err = f
        .hub
        .request_revision("bob", &o, "again")
        .unwrap_err()
        .error;
    assert!(
        matches!(
            err,
            Error::RevisionNotAllowed {
                used: 1,
                limit: 1,
                ..
            }
        ),
        "{err:?}"
    );
    let out = f.hub.approve("bob", &o).unwrap();
    assert_eq!(kinds(&out.events), ["order_approved", "order_completed"]);
    f.hub.download("bob", &o).unwrap();
}

#[test]
fn a_revision_after_the_window_is_refused() {
    // R: V1
    let f = fx();
    let m = f.published();
    let o = f.bought(&m);
    f.clock
        .advance(Duration::hours(24) + Duration::seconds(1))
        .unwrap();
    let err = f
        .hub
        .request_revision("bob", &o, "redder")
        .unwrap_err()
        .error;
    let Error::RevisionNotAllowed { deadline, used, .. } = err else {
        panic!()
    };
    assert_eq!(used, 0);
    assert_eq!(deadline, Some(f.clock.now() - Duration::seconds(1)));
}

#[test]
fn custom_offers_carry_their_own_terms_and_partial_refunds() {
    // R: V2, F2, G3, R1
    let f = fx();
    let m = f.published();
    let o = f
        .hub
        .contact_seller("bob", &m, Brief::new("full back piece"))
        .unwrap()
        .value;
    assert_eq!(
        f.hub.admin().order(&o).unwrap().status,
        OrderStatus::OfferRequested
    );
    let offer = CustomOffer {
        price: usd("150"),
        non_ai_work: usd("60"),
        revisions: 2,
        revision_window_hours: 72,
        terms: "hand-inked touch-ups".into(),
    };
    assert_eq!(
        f.hub
            .send_custom_offer("mallory", &o, offer.clone())
            .unwrap_err()
            .error
            .code(),
        "forbidden"
    );
    let bad = CustomOffer {
        non_ai_work: usd("200"),
        ..offer.clone()
    };
    assert_eq!(
        f.hub
            .send_custom_offer("ana", &o, bad)
            .unwrap_err()
            .error
            .code(),
        "invalid_price"
    );
    f.hub.send_custom_offer("ana", &o, offer).unwrap();
    f.hub.accept_offer("bob", &o, 4).unwrap();
    assert_eq!(
        f.hub
            .issue_partial_refund("ana", &o, usd("10"))
            .unwrap_err()
            .error
            .code(),
        "partial_refund_not_allowed"
    );
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("150")).unwrap();
    f.hub.download("bob", &o).unwrap();
    f.clock.advance(Duration::hours(48)).unwrap();
    f.hub.request_revision("bob", &o, "bigger").unwrap(); // within the offer's 72 h
    f.hub.approve("bob", &o).unwrap();
    assert_eq!(
        f.hub
            .request_full_refund("bob", &o)
            .unwrap_err()
            .error
            .code(),
        "full_refund_unavailable"
    );
    f.hub.issue_partial_refund("ana", &o, usd("40")).unwrap();
    let err = f
        .hub
        .issue_partial_refund("ana", &o, usd("20.01"))
        .unwrap_err()
        .error;
    assert_eq!(
        err,
        Error::PartialRefundNotAllowed {
            order: o.clone(),
            requested: usd("20.01"),
            max: usd("20.00")
        }
    );
    f.hub.issue_partial_refund("ana", &o, usd("20")).unwrap();
    // Work beyond the AI generation counts in the Success Score (R1).
    assert_eq!(
        f.hub.seller("ana").unwrap().reputation.success_score_orders,
        1
    );
}

#[test]
fn no_full_refund_even_with_a_revision_and_no_partial_without_other_work() {
    // R: F1, F2
    let f = fx();
    let m = f.published();
    let o = f.bought(&m);
    f.hub.request_revision("bob", &o, "x").unwrap();
    let err = f.hub.request_full_refund("bob", &o).unwrap_err().error;
    assert_eq!(
        (err.code(), err.rule()),
        ("full_refund_unavailable", Some("F1"))
    );
    let err = f
        .hub
        .issue_partial_refund("ana", &o, usd("1"))
        .unwrap_err()
        .error;
    assert_eq!(err.details()["max"]["amount"], "0");
}

#[test]
fn only_edited_and_approved_orders_are_reviewed_and_ai_orders_skip_the_success_score() {
    // R: R1, R2, R3
    let f = fx();
    let m = f.published();
    let plain = f.bought(&m);
    let err = f.hub.review("bob", &plain, 5, "nice").unwrap_err().error;
    assert_eq!(err.rule(), Some("R2"), "not approved as final yet");
    f.hub.accept_delivery("bob", &plain).unwrap();
    let err = f.hub.review("bob", &plain, 5, "nice").unwrap_err().error;
    assert_eq!((err.code(), err.rule()), ("review_not_allowed", Some("R3")));
    let edited = f.bought(&m);
    f.hub
        .request_revision("bob", &edited, "more petals")
        .unwrap();
    f.hub.approve("bob", &edited).unwrap();
    assert_eq!(
        f.hub
            .review("bob", &edited, 0, "")
            .unwrap_err()
            .error
            .code(),
        "invalid_input"
    );
    f.hub
        .review("bob", &edited, 4, "great after the edit")
        .unwrap();
    assert_eq!(
        f.hub
            .review("bob", &edited, 5, "again")
            .unwrap_err()
            .error
            .code(),
        "review_not_allowed"
    );
    let rep = &f.hub.seller("ana").unwrap().reputation;
    assert_eq!(
        (rep.rating_count, rep.rating_sum, rep.success_score_orders),
        (1, 4, 0)
    );
}

#[test]
fn paid_deliveries_belong_to_the_client_and_train_only_when_public() {
    // R: D2, D3, A1
    let f = fx();
    let m = f.published();
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 9)
        .unwrap()
        .value;
    assert_eq!(f.hub.admin().order(&o).unwrap().delivery_owner(), None);
    assert_eq!(
        f.hub
            .set_delivery_public("bob", &o, true)
            .unwrap_err()
            .error
            .code(),
        "not_approved_and_paid"
    );
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    assert_eq!(
        f.hub
            .admin()
            .order(&o)
            .unwrap()
            .delivery_owner()
            .map(|c| c.as_str()),
        Some("bob")
    );
    assert_eq!(
        f.hub
            .set_delivery_public("ana", &o, true)
            .unwrap_err()
            .error
            .rule(),
        Some("D2")
    );
    let out = f.hub.set_delivery_public("bob", &o, true).unwrap();
    assert_eq!(
        kinds(&out.events),
        ["asset_added", "delivery_visibility_changed"]
    );
    let Event::AssetAdded { asset, .. } = &out.events[0].event else {
        panic!()
    };
    assert_eq!(asset.owner.as_str(), "ana");
    f.hub
        .select_assets("ana", &m, std::slice::from_ref(&asset.id))
        .unwrap();
    f.hub.set_delivery_public("bob", &o, false).unwrap();
    assert!(
        !f.hub.model("ana", &m).unwrap().assets.contains(&asset.id),
        "a private delivery leaves the selection"
    );
    assert_eq!(
        f.hub
            .select_assets("ana", &m, std::slice::from_ref(&asset.id))
            .unwrap_err()
            .error
            .code(),
        "private_delivery"
    );
}

#[test]
fn select_all_takes_recent_samples_and_skips_what_fails_hard_limits() {
    // R: A2, A3
    let f = fx();
    let m = f.hub.create_model("ana", "jingles").unwrap().value;
    let long = f
        .hub
        .add_asset(
            "ana",
            AssetSource::WorkSample,
            Modality::Audio,
            AssetMeta::audio(40_000),
            &["music"],
        )
        .unwrap()
        .value;
    let short = f
        .hub
        .add_asset(
            "ana",
            AssetSource::WorkSample,
            Modality::Audio,
            AssetMeta::audio(4_000),
            &[],
        )
        .unwrap()
        .value;
    f.hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Audio,
            AssetMeta::audio(40_000),
            &[],
        )
        .unwrap();
    let skipped = f.hub.select_all_assets("ana", &m).unwrap().value;
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        (skipped[0].0.clone(), skipped[0].1.code()),
        (short, "asset_too_short")
    );
    assert_eq!(f.hub.model("ana", &m).unwrap().assets, [long]);
    let codes: Vec<String> = f
        .hub
        .findings("ana", &m)
        .unwrap()
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(codes, ["no_voice_asset", "short_recording"]);
}

#[test]
fn generators_see_only_the_owners_assets() {
    // R: D5
    struct Spy(std::sync::Mutex<Vec<String>>);
    impl Generator for Spy {
        fn name(&self) -> &str {
            "spy"
        }
        fn train(
            &self,
            input: &TrainingInput<'_>,
            ctl: &mut JobControl<'_>,
        ) -> Result<TrainedStyle, TrainError> {
            self.0
                .lock()
                .unwrap()
                .extend(input.assets.iter().map(|a| a.asset.owner.to_string()));
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
    let spy = Arc::new(Spy(Default::default()));
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", spy.clone());
    let f = fx_with(Policy::default(), generators);
    let m = f.model();
    f.train(&m);
    let owners = spy.0.lock().unwrap().clone();
    assert_eq!(owners, ["ana", "ana", "ana"]);
}

#[test]
fn two_clients_may_get_similar_results_exclusivity_is_not_promised() {
    // R: D4 (documented, nothing enforced: the same brief and seed give the same file)
    let f = fx();
    let m = f.published();
    let a = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 3)
        .unwrap()
        .value;
    let b = f
        .hub
        .order_draft("carol", &m, Brief::new("a rose"), 3)
        .unwrap()
        .value;
    let clean = |o: &OrderId| {
        f.hub
            .admin()
            .artifact(f.hub.admin().order(o).unwrap().clean.as_ref().unwrap())
            .unwrap()
            .clone()
    };
    assert_eq!(clean(&a), clean(&b));
}

#[test]
fn quotes_come_from_the_published_price() {
    // R: P2, P3, P4
    let f = fx();
    let m = f.hub.create_model("ana", "voice_over").unwrap().value;
    let price = PriceSpec::BaseIncrements {
        unit: PricingUnit::Seconds,
        base_quantity: 30,
        base_price: usd("40"),
        increment_quantity: 10,
        increment_price: usd("5"),
    };
    f.hub.set_price("ana", &m, price).unwrap();
    let bad = PriceSpec::PerUnit {
        unit: PricingUnit::Item,
        unit_price: usd("5"),
    };
    assert_eq!(
        f.hub.set_price("ana", &m, bad).unwrap_err().error.code(),
        "pricing_unit_not_allowed"
    );
    assert_eq!(
        f.hub.quote(&m, 75).unwrap_err().code(),
        "model_not_published"
    );
}

#[test]
fn the_outbox_replays_into_the_stored_partition() {
    // R: S5, T3
    let f = fx();
    let m = f.published();
    f.bought(&m);
    // The outbox, folded over empty partitions, rebuilds each stored partition exactly;
    // each stored partition survives its JSON snapshot form.
    let log = f
        .hub
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    assert!(log.windows(2).all(|w| w[0].position < w[1].position));
    let replayed = Partition::replay(
        "ana".into(),
        log.iter()
            .filter(|r| r.partition.as_str() == "ana")
            .map(|r| &r.event),
    );
    let stored = f.hub.admin().partition("ana").unwrap();
    assert_eq!(replayed, stored);
    let json = serde_json::to_string(&stored).unwrap();
    assert_eq!(serde_json::from_str::<Partition>(&json).unwrap(), stored);
}

/// Generates a textured picture (the echo generator's flat images cannot hold an
/// invisible mark).
struct Textured;

impl Generator for Textured {
    fn name(&self) -> &str {
        "textured"
    }
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        EchoGenerator.train(input, ctl)
    }
    fn generate(
        &self,
        _: &TrainedStyle,
        _: &Brief,
        seed: u64,
        _: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        let mut img = Image::filled(512, 512, [0, 0, 0, 255]);
        let mut state = seed | 1;
        for (i, px) in img.rgba.chunks_mut(4).enumerate() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let (x, y) = ((i % 512) as f32, (i / 512) as f32);
            let wave = 96.0 + 60.0 * (x / 9.0).sin() * (y / 13.0).cos();
            let v = (wave + (state % 48) as f32) as u8;
            px[..3].copy_from_slice(&[v, v.saturating_sub(40), 255 - v]);
        }
        Ok(Artifact::Image(img))
    }
}

#[test]
fn leaked_drafts_trace_back_to_their_order() {
    // R: W2, W1, G1
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Textured));
    let f = fx_with(Policy::default(), generators);
    let m = f.published();
    let first = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 1)
        .unwrap();
    let o1 = first.value;
    let o2 = f
        .hub
        .order_draft("carol", &m, Brief::new("a rose"), 2)
        .unwrap()
        .value;
    let delivered = first.events.iter().find_map(|e| match &e.event {
        Event::DraftDelivered { payload, .. } => Some(*payload),
        _ => None,
    });
    assert!(
        delivered.flatten().is_some(),
        "a textured draft holds the payload"
    );
    for (order, client) in [(&o1, "bob"), (&o2, "carol")] {
        let leaked = f.hub.draft(client, order).unwrap().clone();
        let (traced, confidence) = f
            .hub
            .trace(&leaked)
            .unwrap()
            .expect("the draft is traceable");
        assert_eq!(&traced, order);
        assert!(confidence > 0.5);
    }
    // The clean file carries no payload, and the echo generator's flat drafts say so.
    let clean = f.hub.admin().order(&o1).unwrap().clean.clone().unwrap();
    assert_eq!(
        f.hub
            .trace(&f.hub.admin().artifact(&clean).unwrap())
            .unwrap(),
        None
    );
}

#[test]
fn flat_drafts_are_reported_unfit_not_silently_marked() {
    // R: W2
    let f = fx();
    let m = f.published();
    let out = f.hub.order_draft("bob", &m, Brief::new("x"), 1).unwrap();
    let payload = out.events.iter().find_map(|e| match &e.event {
        Event::DraftDelivered { payload, .. } => Some(*payload),
        _ => None,
    });
    assert_eq!(payload, Some(None));
    assert_eq!(
        f.hub.admin().order(&out.value).unwrap().draft_payloads,
        [None]
    );
}

#[test]
fn two_orders_generated_at_once_get_distinct_ids_and_each_draft_traces_to_its_own() {
    // R: W2, G3
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Textured));
    let f = fx_with(Policy::default(), generators);
    let m = f.published();
    // Both begin on the same partition state: both reserve the next order id.
    let first = f
        .hub
        .begin_order_draft("bob", &m, Brief::new("a rose"), 1)
        .unwrap()
        .value;
    let second = f
        .hub
        .begin_order_draft("carol", &m, Brief::new("a lily"), 2)
        .unwrap()
        .value;
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| first.execute());
        let b = s.spawn(|| second.execute());
        (a.join().unwrap(), b.join().unwrap())
    });
    let o1 = match f.hub.finish_generation(a).unwrap().value {
        Generated::Draft { order } => order,
        other => panic!("{other:?}"),
    };
    let o2 = match f.hub.finish_generation(b).unwrap().value {
        Generated::Draft { order } => order,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (o1.as_str(), o2.as_str()),
        ("ana/order-1", "ana/order-2"),
        "the second got the next id"
    );
    for (order, client) in [(&o1, "bob"), (&o2, "carol")] {
        let draft = f.hub.draft(client, order).unwrap();
        let (traced, _) = f.hub.trace(&draft).unwrap().expect("traceable");
        assert_eq!(
            &traced, order,
            "the second draft was marked again for its own id"
        );
    }
    assert_eq!(f.hub.client_orders("carol").unwrap()[0].id, o2);
}

#[test]
fn a_partition_holding_drafts_of_every_modality_survives_its_snapshot() {
    // R: D5, G2
    // Pictures, sounds and texts alike: the stored partition (what the store
    // snapshots) holds only file references, and each draft reads back.
    let mut policy = Policy::default();
    policy
        .catalogue
        .set_available("writing_translation", true)
        .unwrap();
    let f = fx_with(policy.clone(), GeneratorRegistry::default());
    f.hub.add_gig("ana", "writing_translation").unwrap();
    f.hub.subscribe("ana", &"card".into()).unwrap();
    let mut drafts = Vec::new();
    for (slug, modality, meta) in [
        ("tattoo", Modality::Image, AssetMeta::image(1024, 1024)),
        ("jingles", Modality::Audio, AssetMeta::audio(60_000)),
        ("writing_translation", Modality::Text, AssetMeta::text()),
    ] {
        let m = f.hub.create_model("ana", slug).unwrap().value;
        let a = f
            .hub
            .add_asset("ana", AssetSource::Portfolio, modality, meta, &[])
            .unwrap()
            .value;
        f.hub.select_assets("ana", &m, &[a]).unwrap();
        f.hub.attest_originality("ana", &m).unwrap();
        f.hub
            .set_instructions("ana", &m, Some("Short and warm."))
            .unwrap();
        f.train(&m);
        f.hub
            .playground_generate("ana", &m, Brief::new("x"), 1)
            .unwrap();
        let unit = policy.catalogue.entry(slug).unwrap().pricing_units[0];
        f.hub
            .set_price(
                "ana",
                &m,
                PriceSpec::PerUnit {
                    unit,
                    unit_price: usd("20"),
                },
            )
            .unwrap();
        f.hub.publish("ana", &m).unwrap();
        let o = f
            .hub
            .order_draft("bob", &m, Brief::new("a rose"), 9)
            .unwrap()
            .value;
        drafts.push((modality, o));
    }
    let stored = f.hub.admin().partition("ana").unwrap();
    let json = serde_json::to_string(&stored).unwrap();
    assert_eq!(serde_json::from_str::<Partition>(&json).unwrap(), stored);
    for (modality, o) in drafts {
        let draft = f.hub.draft("bob", &o).unwrap();
        assert_eq!(draft.modality(), modality);
        let json = serde_json::to_string(&draft).unwrap();
        assert_eq!(serde_json::from_str::<Artifact>(&json).unwrap(), draft);
    }
}
