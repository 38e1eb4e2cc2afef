//! Property tests over random command sequences: quotas are never exceeded, no
//! fourth model is ever published, no period is ever charged twice, and a hub
//! restored from a snapshot (or replayed from its log) behaves exactly the same.

use chrono::Duration;
use fivergo::subscription::ChargeSource;
use fivergo::training::QuotaWindow;
use fivergo::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Fails a training whose asset count is a multiple of three: exercises T4 refunds.
struct Flaky;

impl Generator for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn train(&self, input: &TrainingInput<'_>, ctl: &mut JobControl<'_>) -> Result<TrainedStyle, TrainError> {
        if input.assets.len() % 3 == 0 {
            return Err(TrainError::Failed("the set of three".into()));
        }
        EchoGenerator.train(input, ctl)
    }
    fn generate(&self, style: &TrainedStyle, brief: &Brief, seed: u64, ctl: &mut JobControl<'_>) -> Result<Artifact, Error> {
        EchoGenerator.generate(style, brief, seed, ctl)
    }
}

#[derive(Debug, Clone)]
enum Op {
    CreateModel(u8),
    AddAsset(u8),
    Train(u8),
    RunJobs,
    CancelQueued,
    Playground(u8),
    Price(u8),
    Publish(u8),
    Unpublish(u8),
    Subscribe,
    CancelSub,
    ResumeSub,
    Renew,
    PayPastDue,
    Credit(u32),
    Decline(bool),
    Advance(u16),
    Level(bool),
    /// Train, run, playground, price and publish in a row (each may be refused).
    Launch(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0u8..2).prop_map(Op::CreateModel),
        3 => (0u8..6).prop_map(Op::AddAsset),
        4 => (0u8..6).prop_map(Op::Train),
        4 => Just(Op::RunJobs),
        1 => Just(Op::CancelQueued),
        2 => (0u8..6).prop_map(Op::Playground),
        1 => (0u8..6).prop_map(Op::Price),
        4 => (0u8..6).prop_map(Op::Publish),
        1 => (0u8..6).prop_map(Op::Unpublish),
        1 => Just(Op::Subscribe),
        1 => Just(Op::CancelSub),
        1 => Just(Op::ResumeSub),
        1 => Just(Op::Renew),
        1 => Just(Op::PayPastDue),
        1 => (1u32..60).prop_map(Op::Credit),
        1 => any::<bool>().prop_map(Op::Decline),
        2 => (1u16..40 * 24).prop_map(Op::Advance),
        1 => (0u8..4).prop_map(|n| Op::Level(n > 0)),
        3 => (0u8..6).prop_map(Op::Launch),
    ]
}

struct World {
    hub: Hub,
    clock: ManualClock,
    gateway: SimulatedGateway,
}

const SUBCATEGORIES: [&str; 2] = ["tattoo", "voice_over"];

fn world() -> World {
    let clock = ManualClock::at("2027-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let mut generators = GeneratorRegistry::default();
    for s in SUBCATEGORIES {
        generators.register(s, Arc::new(Flaky));
    }
    // A limit of 2 active models makes M1 reachable in short sequences.
    let mut policy = Policy::default();
    policy.models.active_model_limit = 2;
    let mut hub = Hub::builder().policy(policy).clock(clock.clone()).gateway(gateway.clone()).generators(generators).build().unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false).unwrap();
    for s in SUBCATEGORIES {
        hub.add_gig("ana", s).unwrap();
    }
    hub.add_payment_method("ana", PaymentMethod::new("card", PaymentMethodKind::Card, "Visa")).unwrap();
    World { hub, clock, gateway }
}

fn model_id(hub: &Hub, i: u8) -> ModelId {
    let models = hub.models("ana");
    if models.is_empty() {
        return ModelId::from("model-none");
    }
    models[i as usize % models.len()].id.clone()
}

/// Runs one op; refusals are part of the game, only the outcome kind is returned.
fn step(w: &mut World, op: &Op) -> Result<Vec<String>, String> {
    let hub = &mut w.hub;
    let r: Result<Vec<Event>, Error> = match op {
        Op::CreateModel(_) if hub.models("ana").len() >= 6 => Ok(vec![]),
        Op::CreateModel(s) => hub.create_model("ana", SUBCATEGORIES[*s as usize % 2]).map(|o| o.events),
        Op::AddAsset(i) => {
            let m = model_id(hub, *i);
            let modality = hub.state().models.get(&m).map(|m| if m.subcategory == "tattoo" { Modality::Image } else { Modality::Audio });
            match modality {
                None => Ok(vec![]),
                Some(modality) => {
                    let meta = if modality == Modality::Image { AssetMeta::image(1024, 1024) } else { AssetMeta::audio(45_000) };
                    let a = hub.add_asset("ana", AssetSource::Upload, modality, meta, &[]).map_err(|e| e.code().to_string())?.value;
                    let mut events = hub.select_assets("ana", &m, &[a]).map_err(|e| e.code().to_string())?.events;
                    hub.attest_originality("ana", &m).map(|o| {
                        events.extend(o.events);
                        events
                    })
                }
            }
        }
        Op::Train(i) => hub.start_training("ana", &model_id(hub, *i)).map(|o| o.events),
        Op::RunJobs => {
            let queued: Vec<JobId> = hub.state().jobs.values().filter(|j| j.status == JobStatus::Queued).map(|j| j.id.clone()).collect();
            let mut events = vec![];
            for j in queued {
                events.extend(hub.run_training(&j).map(|o| o.events).map_err(|e| e.code().to_string())?);
            }
            Ok(events)
        }
        Op::CancelQueued => {
            let queued = hub.state().jobs.values().find(|j| j.status == JobStatus::Queued).map(|j| j.id.clone());
            match queued {
                Some(j) => hub.cancel_training("ana", &j).map(|o| o.events),
                None => Ok(vec![]),
            }
        }
        Op::Playground(i) => hub.playground_generate("ana", &model_id(hub, *i), Brief::new("x").with_quantity(1), 3).map(|o| o.events),
        Op::Price(i) => {
            let m = model_id(hub, *i);
            let unit = hub.state().models.get(&m).map(|m| if m.subcategory == "tattoo" { PricingUnit::Item } else { PricingUnit::Seconds });
            let price = PriceSpec::PerUnit { unit: unit.unwrap_or(PricingUnit::Item), unit_price: Money::parse("9.99", Currency::Usd).unwrap() };
            hub.set_price("ana", &m, price).map(|o| o.events)
        }
        Op::Publish(i) => hub.publish("ana", &model_id(hub, *i)).map(|o| o.events),
        Op::Unpublish(i) => hub.unpublish("ana", &model_id(hub, *i)).map(|o| o.events),
        Op::Subscribe => hub.subscribe("ana", &"card".into()).map(|o| o.events),
        Op::CancelSub => hub.cancel_subscription("ana").map(|o| o.events),
        Op::ResumeSub => hub.resume_subscription("ana").map(|o| o.events),
        Op::Renew => hub.renew_subscription("ana").map(|o| o.events),
        Op::PayPastDue => hub.pay_past_due("ana").map(|o| o.events),
        Op::Credit(n) => hub.credit_balance("ana", Money::parse(&n.to_string(), Currency::Usd).unwrap()).map(|o| o.events),
        Op::Decline(d) => {
            w.gateway.set_declined("card", *d);
            Ok(vec![])
        }
        Op::Advance(h) => {
            w.clock.advance(Duration::hours(i64::from(*h)));
            Ok(w.hub.tick().events)
        }
        Op::Launch(i) => {
            let mut kinds = Vec::new();
            for op in [Op::Train(*i), Op::RunJobs, Op::Playground(*i), Op::Price(*i), Op::Publish(*i)] {
                kinds.push(step(w, &op).map(|k| k.join(",")).unwrap_or_else(|e| e));
            }
            return Ok(kinds);
        }
        Op::Level(up) => {
            let level = if *up { SellerLevel::TopRated } else { SellerLevel::Level1 };
            hub.set_seller_level("ana", level, false).map(|o| o.events)
        }
    };
    r.map(|events| events.iter().map(|e| e.kind().to_string()).collect()).map_err(|e| e.code().to_string())
}

fn check_invariants(hub: &Hub) -> Result<(), TestCaseError> {
    let policy = hub.policy();
    let state = hub.state();
    // T1, T2, T4: per model and window, the trainings that count never exceed the limit.
    for m in state.models.values() {
        let entry = policy.catalogue.get(&m.subcategory).unwrap();
        let windows: BTreeSet<String> = state.jobs.values().filter(|j| j.model == m.id).map(|j| serde_json::to_string(&j.window).unwrap()).collect();
        for w in windows {
            let window: QuotaWindow = serde_json::from_str(&w).unwrap();
            let used = state.jobs.values().filter(|j| j.model == m.id && j.window == window && j.uses_quota(policy)).count() as u32;
            let limit = match window {
                QuotaWindow::BeforeSubscription => policy.training.before_subscription,
                QuotaWindow::Period { .. } => entry.trainings_per_period.unwrap_or(policy.training.per_period),
            };
            prop_assert!(used <= limit, "model {} used {} of {} in {:?}", m.id, used, limit, window);
        }
    }
    // M1: never more than the active model limit.
    let published = state.published_models(&"ana".into()).count() as u32;
    prop_assert!(published <= policy.models.active_model_limit, "{} published", published);
    // S5: every period charged at most once, and paid periods are exactly the charges.
    let mut keys = BTreeSet::new();
    for sub in state.subscriptions.values() {
        for c in &sub.charges {
            prop_assert!(keys.insert(c.idempotency_key.clone()), "charged twice: {}", c.idempotency_key);
            prop_assert_eq!(c.amount, policy.monthly_fee());
        }
        prop_assert_eq!(sub.charges.len() as u32, sub.paid_periods);
    }
    // The balance never goes negative (no split charges, S2).
    prop_assert!(!state.sellers[&SellerId::from("ana")].balance.amount().is_sign_negative());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant(ops in prop::collection::vec(op(), 1..80)) {
        // R: T1, T2, T4, M1, S2, S5
        let mut w = world();
        for op in &ops {
            let _ = step(&mut w, op);
            check_invariants(&w.hub)?;
        }
        // Card charges reach the gateway once per key as well.
        let card_keys: Vec<String> = w.hub.state().subscriptions.values().flat_map(|s| s.charges.iter())
            .filter(|c| matches!(c.source, ChargeSource::PaymentMethod { .. }))
            .map(|c| c.idempotency_key.clone()).collect();
        let gateway_keys: BTreeSet<String> = w.gateway.charges().into_iter().map(|c| c.idempotency_key).collect();
        for k in &card_keys {
            prop_assert!(gateway_keys.contains(k));
        }
    }

    #[test]
    fn snapshot_restore_and_replay_behave_the_same(
        before in prop::collection::vec(op(), 0..50),
        after in prop::collection::vec(op(), 0..30),
    ) {
        // R: T3, S5, M3
        let mut original = world();
        for op in &before {
            let _ = step(&mut original, op);
        }
        let json = serde_json::to_string(&original.hub.snapshot()).unwrap();
        let snapshot: Snapshot = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&snapshot.state, original.hub.state());

        let replayed = Hub::builder().replay(original.hub.events()).unwrap();
        prop_assert_eq!(replayed.state(), original.hub.state());

        // The restored hub gets its own clock at the same instant and a gateway that
        // declines the same methods.
        let clock = ManualClock::at(original.clock.now());
        let gateway = SimulatedGateway::default();
        let declined = before.iter().rev().find_map(|o| if let Op::Decline(d) = o { Some(*d) } else { None }).unwrap_or(false);
        gateway.set_declined("card", declined);
        let mut generators = GeneratorRegistry::default();
        for s in SUBCATEGORIES {
            generators.register(s, Arc::new(Flaky));
        }
        let hub = Hub::builder().clock(clock.clone()).gateway(gateway.clone()).generators(generators).restore(snapshot).unwrap();
        let mut restored = World { hub, clock, gateway };
        for op in &after {
            let a = step(&mut original, op);
            let b = step(&mut restored, op);
            prop_assert_eq!(a, b, "diverged on {:?}", op);
        }
        prop_assert_eq!(original.hub.state(), restored.hub.state());
    }
}
