//! Property tests over random command sequences: quotas are never exceeded and renew
//! on the anniversary, no model beyond the active limit is ever published, no period
//! is ever charged twice however renewals are repeated or interleaved by a second
//! hub, a refund never exceeds the non-AI part, the clean file is never read before
//! approve + pay, the stored state always equals its event log replayed (so a
//! refused command leaves it byte-identical apart from what settling recorded), a
//! partition restored from its snapshot behaves exactly as the original; the same
//! sequence gives the same outcomes and the same partition on the memory store and
//! on SQLite, and a SQLite hub reopened midway carries on as if it had never stopped.
//!
//! Cases: 256 per property by default; `FIVERGO_PROPTEST_CASES=10000` for the long
//! run recorded in RELIABILITY.md (the SQLite property runs a tenth of that, at
//! least 32: each case writes a database file).

use chrono::Duration;
use fivergo::billing::anniversary;
use fivergo::store::{Append, IndexUpdate};
use fivergo::subscription::ChargeSource;
use fivergo::training::QuotaWindow;
use fivergo::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Cases per property: `FIVERGO_PROPTEST_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("FIVERGO_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Fails a training whose asset count is a multiple of three: exercises T4 refunds.
struct Flaky;

impl Generator for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        if input.assets.len() % 3 == 0 {
            return Err(TrainError::Failed("the set of three".into()));
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
    /// An immediate-download draft of a model (G3).
    Draft(u8),
    /// A client asks a model's seller for a custom offer (G3).
    Contact(u8),
    /// The seller answers the latest request with an offer whose non-AI part is
    /// 0, 40 or 100 of its 100 (V2, F2).
    Offer(u8),
    /// The client accepts the latest offer (V2).
    Accept(u8),
    /// The client approves an order's delivery (G1).
    Approve(u8),
    /// The client pays an order (its price, or one cent off when the flag is set).
    Pay(u8, bool),
    /// The client downloads an order's clean file (G1).
    Download(u8),
    /// The client asks an order's revision (V1).
    Revise(u8),
    /// The seller refunds part of an order (F2).
    Refund(u8, u8),
    /// A second hub on the same store settles what is due and renews (S5).
    OtherHub,
    /// Contact, offer, accept, approve and pay in a row on a model (each may be refused).
    Deal(u8),
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
        3 => (0u8..6).prop_map(Op::Draft),
        2 => (0u8..6).prop_map(Op::Contact),
        2 => (0u8..6).prop_map(Op::Offer),
        2 => (0u8..6).prop_map(Op::Accept),
        3 => (0u8..8).prop_map(Op::Approve),
        3 => (0u8..8, prop::bool::weighted(0.2)).prop_map(|(o, off)| Op::Pay(o, off)),
        2 => (0u8..8).prop_map(Op::Download),
        1 => (0u8..8).prop_map(Op::Revise),
        3 => (0u8..8, 0u8..5).prop_map(|(o, a)| Op::Refund(o, a)),
        1 => Just(Op::OtherHub),
        2 => (0u8..6).prop_map(Op::Deal),
    ]
}

/// Refund amounts tried (F2): within, at and beyond the non-AI parts offered.
const REFUNDS: [&str; 5] = ["1", "10", "40", "41", "100"];

struct World {
    hub: Hub,
    /// A second hub on the same store (memory worlds), with a cache of its own.
    other: Option<Hub>,
    clock: ManualClock,
    gateway: SimulatedGateway,
    /// Rule breaks seen while running ops (a clean file read too early).
    violations: Vec<String>,
    /// Whether the gateway declines the card now.
    declined: bool,
    /// The SQLite file (and its blob folder) of a SQLite world, removed on drop.
    db: Option<std::path::PathBuf>,
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(db) = &self.db {
            for path in [
                db.clone(),
                db.with_extension("db-wal"),
                db.with_extension("db-shm"),
            ] {
                std::fs::remove_file(path).ok();
            }
            std::fs::remove_dir_all(format!("{}.blobs", db.display())).ok();
            // The process's folder goes with its last world.
            if let Some(dir) = db.parent() {
                std::fs::remove_dir(dir).ok();
            }
        }
    }
}

const SUBCATEGORIES: [&str; 2] = ["tattoo", "voice_over"];

fn builder(clock: &ManualClock, gateway: &SimulatedGateway) -> HubBuilder {
    let mut generators = GeneratorRegistry::default();
    for s in SUBCATEGORIES {
        generators.register(s, Arc::new(Flaky));
    }
    // A limit of 2 active models makes M1 reachable in short sequences.
    let mut policy = Policy::default();
    policy.models.active_model_limit = 2;
    Hub::builder()
        .policy(policy)
        .clock(clock.clone())
        .gateway(gateway.clone())
        .generators(generators)
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).unwrap()
}

fn fresh_db() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("fivergo-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("world-{}.db", NEXT.fetch_add(1, Ordering::Relaxed)))
}

/// A memory world; `launched`: with a published tattoo model and a subscription, so
/// short sequences reach orders, payments and refunds.
fn world(launched: bool) -> World {
    let mut w = world_on(false);
    if launched {
        for op in [
            Op::CreateModel(0),
            Op::AddAsset(0),
            Op::Subscribe,
            Op::Launch(0),
        ] {
            step(&mut w, &op).unwrap();
        }
        assert_eq!(
            w.partition().published_models().count(),
            1,
            "the launched world has a published model"
        );
    }
    w
}

fn world_on(sqlite: bool) -> World {
    let clock = ManualClock::at("2027-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let db = sqlite.then(fresh_db);
    let hub = match &db {
        Some(db) => builder(&clock, &gateway)
            .open(&format!("sqlite:{}", db.display()))
            .unwrap(),
        None => builder(&clock, &gateway).build().unwrap(),
    };
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    for s in SUBCATEGORIES {
        hub.add_gig("ana", s).unwrap();
    }
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    let other = db.is_none().then(|| {
        builder(&clock, &gateway)
            .shared_store(hub.store().clone())
            .shared_blobs(hub.blobs().clone())
            .build()
            .unwrap()
    });
    World {
        hub,
        other,
        clock,
        gateway,
        violations: Vec::new(),
        declined: false,
        db,
    }
}

impl World {
    /// Drops the hub and opens the same SQLite file again, as a restarted process would.
    fn reopen(&mut self) {
        let db = self.db.clone().expect("a SQLite world");
        self.hub = builder(&self.clock, &self.gateway)
            .open(&format!("sqlite:{}", db.display()))
            .unwrap();
    }

    fn partition(&self) -> Partition {
        self.hub.admin().partition("ana").unwrap()
    }
}

fn model_id(hub: &Hub, i: u8) -> ModelId {
    let models = hub.models("ana").unwrap();
    if models.is_empty() {
        return ModelId::from("model-none");
    }
    models[i as usize % models.len()].id.clone()
}

fn order_id(hub: &Hub, i: u8) -> OrderId {
    let orders = hub.client_orders("bob").unwrap();
    if orders.is_empty() {
        return OrderId::from("ana/order-none");
    }
    orders[i as usize % orders.len()].id.clone()
}

/// The latest order of `bob` in `status`, if any.
fn latest_order(hub: &Hub, status: OrderStatus) -> Option<OrderId> {
    hub.client_orders("bob")
        .unwrap()
        .into_iter()
        .rev()
        .find(|o| o.status == status)
        .map(|o| o.id)
}

/// Runs one op; refusals are part of the game, only the outcome kind is returned.
fn step(w: &mut World, op: &Op) -> Result<Vec<String>, String> {
    let hub = &w.hub;
    let r: Result<Vec<Recorded>, Refused> = match op {
        Op::CreateModel(_) if hub.models("ana").unwrap().len() >= 6 => Ok(vec![]),
        Op::CreateModel(s) => hub
            .create_model("ana", SUBCATEGORIES[*s as usize % 2])
            .map(|o| o.events),
        Op::AddAsset(i) => {
            let m = model_id(hub, *i);
            let modality = hub.model("ana", &m).ok().map(|m| {
                if m.subcategory == "tattoo" {
                    Modality::Image
                } else {
                    Modality::Audio
                }
            });
            match modality {
                None => Ok(vec![]),
                Some(modality) => {
                    let meta = if modality == Modality::Image {
                        AssetMeta::image(1024, 1024)
                    } else {
                        AssetMeta::audio(45_000)
                    };
                    let a = hub
                        .add_asset("ana", AssetSource::Upload, modality, meta, &[])
                        .map_err(|e| e.code().to_string())?
                        .value;
                    let mut events = hub
                        .select_assets("ana", &m, &[a])
                        .map_err(|e| e.code().to_string())?
                        .events;
                    hub.attest_originality("ana", &m).map(|o| {
                        events.extend(o.events);
                        events
                    })
                }
            }
        }
        Op::Train(i) => hub
            .start_training("ana", &model_id(hub, *i))
            .map(|o| o.events),
        Op::RunJobs => {
            let queued: Vec<JobId> = w
                .partition()
                .jobs
                .values()
                .filter(|j| j.status == JobStatus::Queued)
                .map(|j| j.id.clone())
                .collect();
            let mut events = vec![];
            for j in queued {
                events.extend(
                    hub.run_training(&j)
                        .map(|o| o.events)
                        .map_err(|e| e.code().to_string())?,
                );
            }
            Ok(events)
        }
        Op::CancelQueued => {
            let queued = w
                .partition()
                .jobs
                .values()
                .find(|j| j.status == JobStatus::Queued)
                .map(|j| j.id.clone());
            match queued {
                Some(j) => hub.cancel_training("ana", &j).map(|o| o.events),
                None => Ok(vec![]),
            }
        }
        Op::Playground(i) => hub
            .playground_generate(
                "ana",
                &model_id(hub, *i),
                Brief::new("x").with_quantity(1),
                3,
            )
            .map(|o| o.events),
        Op::Price(i) => {
            let m = model_id(hub, *i);
            let unit = hub.model("ana", &m).ok().map(|m| {
                if m.subcategory == "tattoo" {
                    PricingUnit::Item
                } else {
                    PricingUnit::Seconds
                }
            });
            let price = PriceSpec::PerUnit {
                unit: unit.unwrap_or(PricingUnit::Item),
                unit_price: Money::parse("9.99", Currency::Usd).unwrap(),
            };
            hub.set_price("ana", &m, price).map(|o| o.events)
        }
        Op::Publish(i) => hub.publish("ana", &model_id(hub, *i)).map(|o| o.events),
        Op::Unpublish(i) => hub.unpublish("ana", &model_id(hub, *i)).map(|o| o.events),
        Op::Subscribe => hub.subscribe("ana", &"card".into()).map(|o| o.events),
        Op::CancelSub => hub.cancel_subscription("ana").map(|o| o.events),
        Op::ResumeSub => hub.resume_subscription("ana").map(|o| o.events),
        Op::Renew => hub.renew_subscription("ana").map(|o| o.events),
        Op::PayPastDue => hub.pay_past_due("ana").map(|o| o.events),
        Op::Credit(n) => hub
            .credit_balance("ana", Money::parse(&n.to_string(), Currency::Usd).unwrap())
            .map(|o| o.events),
        Op::Decline(d) => {
            w.gateway.set_declined("card", *d);
            w.declined = *d;
            Ok(vec![])
        }
        Op::Advance(h) => {
            w.clock.advance(Duration::hours(i64::from(*h))).unwrap();
            w.hub.tick().map(|o| o.events)
        }
        Op::Launch(i) => {
            let mut kinds = Vec::new();
            for op in [
                Op::Train(*i),
                Op::RunJobs,
                Op::Playground(*i),
                Op::Price(*i),
                Op::Publish(*i),
            ] {
                kinds.push(step(w, &op).map(|k| k.join(",")).unwrap_or_else(|e| e));
            }
            return Ok(kinds);
        }
        Op::Level(up) => {
            let level = if *up {
                SellerLevel::TopRated
            } else {
                SellerLevel::Level1
            };
            hub.set_seller_level("ana", level, false).map(|o| o.events)
        }
        Op::Draft(i) => hub
            .order_draft(
                "bob",
                &model_id(hub, *i),
                Brief::new("a koi"),
                u64::from(*i),
            )
            .map(|o| o.events),
        Op::Contact(i) => hub
            .contact_seller("bob", &model_id(hub, *i), Brief::new("a rose"))
            .map(|o| o.events),
        Op::Offer(n) => match latest_order(hub, OrderStatus::OfferRequested) {
            None => Ok(vec![]),
            Some(o) => {
                let non_ai = ["0", "40", "100"][*n as usize % 3];
                let offer = CustomOffer {
                    price: usd("100"),
                    non_ai_work: usd(non_ai),
                    revisions: 1,
                    revision_window_hours: 24,
                    terms: String::new(),
                };
                hub.send_custom_offer("ana", &o, offer).map(|o| o.events)
            }
        },
        Op::Accept(seed) => match latest_order(hub, OrderStatus::OfferSent) {
            None => Ok(vec![]),
            Some(o) => hub
                .accept_offer("bob", &o, u64::from(*seed))
                .map(|o| o.events),
        },
        Op::Approve(k) => hub.approve("bob", &order_id(hub, *k)).map(|o| o.events),
        Op::Pay(k, off) => {
            let o = order_id(hub, *k);
            let price = hub
                .admin()
                .order(&o)
                .ok()
                .and_then(|o| o.price())
                .unwrap_or(usd("1"));
            let amount = if *off {
                price.minus(usd("0.01")).unwrap()
            } else {
                price
            };
            hub.record_payment("bob", &o, amount).map(|o| o.events)
        }
        Op::Download(k) => {
            let o = order_id(hub, *k);
            let released = hub.admin().order(&o).is_ok_and(|o| o.is_released());
            let r = hub.download("bob", &o).map(|o| o.events);
            if r.is_ok() && !released {
                w.violations.push(format!(
                    "G1: the clean file of {o} was read before approve + pay"
                ));
            }
            r
        }
        Op::Revise(k) => hub
            .request_revision("bob", &order_id(hub, *k), "darker")
            .map(|o| o.events),
        Op::Refund(k, a) => {
            // Mostly the custom offers: only they have work beyond the AI (F2).
            let offers: Vec<OrderId> = hub
                .client_orders("bob")
                .unwrap()
                .into_iter()
                .filter(|o| o.offer.is_some())
                .map(|o| o.id)
                .collect();
            let o = if offers.is_empty() || *k == 0 {
                order_id(hub, *k)
            } else {
                offers[*k as usize % offers.len()].clone()
            };
            hub.issue_partial_refund("ana", &o, usd(REFUNDS[*a as usize % REFUNDS.len()]))
                .map(|o| o.events)
        }
        Op::Deal(n) => {
            let mut kinds = Vec::new();
            for op in [Op::Contact(*n), Op::Offer(*n), Op::Accept(*n)] {
                kinds.push(step(w, &op).map(|k| k.join(",")).unwrap_or_else(|e| e));
            }
            if let Some(o) = latest_order(&w.hub, OrderStatus::Drafted) {
                let approved = w.hub.approve("bob", &o).map(|o| o.events.len().to_string());
                kinds.push(approved.unwrap_or_else(|e| e.code().to_string()));
                let price = w
                    .hub
                    .admin()
                    .order(&o)
                    .ok()
                    .and_then(|o| o.price())
                    .unwrap_or(usd("1"));
                let paid = w
                    .hub
                    .record_payment("bob", &o, price)
                    .map(|o| o.events.len().to_string());
                kinds.push(paid.unwrap_or_else(|e| e.code().to_string()));
            }
            return Ok(kinds);
        }
        Op::OtherHub => match &w.other {
            None => Ok(vec![]),
            Some(other) => other.tick().and_then(|t| {
                other
                    .renew_subscription("ana")
                    .map(|r| [t.events, r.events].concat())
            }),
        },
    };
    r.map(|events| events.iter().map(|e| e.kind().to_string()).collect())
        .map_err(|e| e.code().to_string())
}

fn check_invariants(hub: &Hub) -> Result<(), TestCaseError> {
    let policy = hub.policy();
    let state = hub.admin().partition("ana").unwrap();
    // T1, T2, T4: per model and window, the trainings that count never exceed the limit.
    for m in state.models.values() {
        let entry = policy.catalogue.get(&m.subcategory).unwrap();
        let windows: BTreeSet<String> = state
            .jobs
            .values()
            .filter(|j| j.model == m.id)
            .map(|j| serde_json::to_string(&j.window).unwrap())
            .collect();
        for w in windows {
            let window: QuotaWindow = serde_json::from_str(&w).unwrap();
            let used = state
                .jobs
                .values()
                .filter(|j| j.model == m.id && j.window == window && j.uses_quota(policy))
                .count() as u32;
            let limit = match window {
                QuotaWindow::BeforeSubscription => policy.training.before_subscription,
                QuotaWindow::Period { .. } => entry
                    .trainings_per_period
                    .unwrap_or(policy.training.per_period),
            };
            prop_assert!(
                used <= limit,
                "model {} used {} of {} in {:?}",
                m.id,
                used,
                limit,
                window
            );
        }
    }
    // M1: never more than the active model limit.
    let published = state.published_models().count() as u32;
    prop_assert!(
        published <= policy.models.active_model_limit,
        "{} published",
        published
    );
    // S5: every period charged at most once, and paid periods are exactly the charges.
    let mut keys = BTreeSet::new();
    for sub in &state.subscriptions {
        for c in &sub.charges {
            prop_assert!(
                keys.insert(c.idempotency_key.clone()),
                "charged twice: {}",
                c.idempotency_key
            );
            prop_assert_eq!(c.amount, policy.monthly_fee());
        }
        prop_assert_eq!(sub.charges.len() as u32, sub.paid_periods);
    }
    // The balance never goes negative (no split charges, S2).
    prop_assert!(!state.seller().unwrap().balance.amount().is_sign_negative());
    let log = hub
        .events_since(Cursor::default(), usize::MAX)
        .unwrap()
        .events;
    // T3: a quota renews exactly on the subscription's anniversary.
    for r in &log {
        if let Event::QuotaRenewed {
            subscription,
            period,
            at,
            ..
        } = &r.event
        {
            let sub = state
                .subscriptions
                .iter()
                .find(|s| &s.id == subscription)
                .unwrap();
            prop_assert_eq!(
                *at,
                anniversary(sub.anchor, *period),
                "quota renewed off its anniversary"
            );
        }
    }
    // F2: refunds never exceed the non-AI part, and are exactly the refunds recorded.
    for o in state.orders.values() {
        prop_assert!(
            o.refunded.cmp_amount(&o.non_ai_work()).unwrap() != std::cmp::Ordering::Greater,
            "{} refunded {} of {}",
            o.id,
            o.refunded,
            o.non_ai_work()
        );
        let recorded = log.iter().filter_map(|r| match &r.event {
            Event::PartialRefundIssued { order, amount, .. } if order == &o.id => Some(*amount),
            _ => None,
        });
        prop_assert_eq!(
            recorded.fold(Money::zero(Currency::Usd), |a, b| a.plus(b).unwrap()),
            o.refunded
        );
        // G1: a download, if any, came after approval and payment.
        if let Some(at) = o.downloaded_at {
            prop_assert!(
                o.paid_at.is_some_and(|p| p <= at),
                "{} downloaded unpaid",
                o.id
            );
        }
    }
    // The stored partition is its log replayed, byte for byte: nothing changes outside
    // recorded events (so a refused command changes nothing but what settling recorded).
    let replayed = Partition::replay("ana".into(), log.iter().map(|r| &r.event));
    prop_assert_eq!(
        serde_json::to_string(&replayed).unwrap(),
        serde_json::to_string(&state).unwrap()
    );
    Ok(())
}

/// Events that settling records whatever the command (S2, S3, S4, T4).
const SETTLE_KINDS: [&str; 6] = [
    "subscription_charged",
    "quota_renewed",
    "renewal_declined",
    "subscription_ended",
    "model_unpublished",
    "training_failed",
];

/// Ops that are one command: refused, they record at most what settling did.
fn single_command(op: &Op) -> bool {
    !matches!(
        op,
        Op::AddAsset(_) | Op::RunJobs | Op::Launch(_) | Op::Advance(_) | Op::OtherHub | Op::Deal(_)
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant(launched in any::<bool>(), ops in prop::collection::vec(op(), 1..80)) {
        // R: T1, T2, T3, T4, M1, S2, S5, F2, G1
        let mut w = world(launched);
        for op in &ops {
            let seen = w.hub.events_since(Cursor::default(), usize::MAX).unwrap().next;
            let before = serde_json::to_string(&w.partition()).unwrap();
            let result = step(&mut w, op);
            if result.is_err() && single_command(op) {
                // A refused command: only settling's events, the rest byte-identical.
                let fresh = w.hub.events_since(seen, usize::MAX).unwrap().events;
                prop_assert!(fresh.iter().all(|r| SETTLE_KINDS.contains(&r.kind())), "{:?} refused after recording {:?}", op, fresh.iter().map(Recorded::kind).collect::<Vec<_>>());
                if fresh.is_empty() {
                    prop_assert_eq!(&serde_json::to_string(&w.partition()).unwrap(), &before, "{:?} was refused but changed the state", op);
                }
            }
            prop_assert!(w.violations.is_empty(), "{:?}", w.violations);
            check_invariants(&w.hub)?;
        }
        // Card charges reach the gateway once per key as well.
        let card_keys: Vec<String> = w.partition().subscriptions.iter().flat_map(|s| s.charges.iter())
            .filter(|c| matches!(c.source, ChargeSource::PaymentMethod { .. }))
            .map(|c| c.idempotency_key.clone()).collect();
        let gateway = w.gateway.charges();
        let gateway_keys: BTreeSet<String> = gateway.iter().map(|c| c.idempotency_key.clone()).collect();
        prop_assert_eq!(gateway_keys.len(), gateway.len(), "the gateway charged a key twice");
        for k in &card_keys {
            prop_assert!(gateway_keys.contains(k));
        }
    }

    #[test]
    fn a_partition_restored_from_its_snapshot_behaves_as_the_original(
        launched in any::<bool>(),
        before in prop::collection::vec(op(), 0..50),
        after in prop::collection::vec(op(), 0..30),
    ) {
        // R: S5, T3, G1, M3
        let mut original = world(launched);
        for op in &before {
            let _ = step(&mut original, op);
        }
        // The snapshot is the partition's JSON; restoring it gives the same bytes.
        let snapshot = serde_json::to_string(&original.partition()).unwrap();
        let restored: Partition = serde_json::from_str(&snapshot).unwrap();
        prop_assert_eq!(&serde_json::to_string(&restored).unwrap(), &snapshot);
        // A hub on a store whose partition starts from that snapshot (its log alongside,
        // never replayed: the snapshot covers it), with the same files.
        let log = original.hub.events_since(Cursor::default(), usize::MAX).unwrap().events;
        let events: Vec<Event> = log.iter().map(|r| r.event.clone()).collect();
        let store = MemoryStore::default();
        let index = IndexUpdate::of(&events, &restored, original.hub.policy());
        store.append(Append { partition: &"ana".into(), expected: 0, events: &events, recorded_at: original.clock.now(), index: &index, snapshot: Some(&restored) }).unwrap();
        let clock = ManualClock::at(original.clock.now());
        let gateway = SimulatedGateway::default();
        let hub = builder(&clock, &gateway).store(store).shared_blobs(original.hub.blobs().clone()).build().unwrap();
        let mut copy = World { hub, other: None, clock, gateway, violations: Vec::new(), declined: false, db: None };
        original.other = None;
        prop_assert_eq!(copy.partition(), original.partition());
        copy.gateway.set_declined("card", original.declined);
        copy.declined = original.declined;
        for op in &after {
            let a = step(&mut original, op);
            let b = step(&mut copy, op);
            prop_assert_eq!(a, b, "the restored partition diverged on {:?}", op);
        }
        prop_assert_eq!(copy.partition(), original.partition());
    }
}

proptest! {
    // Each case writes a SQLite file: fewer cases, each checking three things.
    #![proptest_config(ProptestConfig { cases: (cases(320) / 10).max(32), ..ProptestConfig::default() })]

    #[test]
    fn memory_sqlite_restart_and_replay_agree(
        before in prop::collection::vec(op(), 0..50),
        after in prop::collection::vec(op(), 0..30),
    ) {
        // R: T3, S5, M3
        let mut memory = world_on(false);
        memory.other = None; // the SQLite world has no second hub
        let mut sqlite = world_on(true);
        for op in &before {
            let a = step(&mut memory, op);
            let b = step(&mut sqlite, op);
            prop_assert_eq!(a, b, "the stores diverged on {:?}", op);
        }
        prop_assert_eq!(memory.partition(), sqlite.partition());

        // A restart: the SQLite hub is dropped and opened again from its file.
        sqlite.reopen();
        prop_assert_eq!(memory.partition(), sqlite.partition());
        for op in &after {
            let a = step(&mut memory, op);
            let b = step(&mut sqlite, op);
            prop_assert_eq!(a, b, "the reopened hub diverged on {:?}", op);
        }
        prop_assert_eq!(memory.partition(), sqlite.partition());

        // Replay: the outbox folded over an empty partition is the stored partition.
        for w in [&memory, &sqlite] {
            let log = w.hub.events_since(Cursor::default(), usize::MAX).unwrap().events;
            let replayed = Partition::replay("ana".into(), log.iter().map(|r| &r.event));
            prop_assert_eq!(&replayed, &w.partition());
            prop_assert!(log.iter().enumerate().all(|(i, r)| r.sequence == i as u64 + 1), "sequences without gaps");
        }
    }
}
