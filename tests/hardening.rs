//! Inputs from outside the repository that used to panic, lose money or store
//! unbounded data (issue 13): each is now a typed refusal that leaves the state as
//! it was. The same cases run through the bindings in `fivergo-py/tests/test_hostile.py`
//! and `fivergo-node/test/hostile.test.mjs`.

use chrono::Duration;
use fivergo::*;
use rust_decimal::Decimal;
use std::sync::Arc;

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::Usd).unwrap()
}

struct Fx {
    hub: Hub,
    clock: ManualClock,
}

fn fx_with(policy: Policy, generators: GeneratorRegistry) -> Fx {
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let hub = Hub::builder()
        .policy(policy)
        .clock(clock.clone())
        .generators(generators)
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
    Fx { hub, clock }
}

fn fx() -> Fx {
    fx_with(Policy::default(), GeneratorRegistry::default())
}

impl Fx {
    fn model(&self) -> ModelId {
        let m = self.hub.create_model("ana", "tattoo").unwrap().value;
        let a = self
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
        self.hub.select_assets("ana", &m, &[a]).unwrap();
        self.hub.attest_originality("ana", &m).unwrap();
        m
    }

    fn published(&self) -> ModelId {
        let m = self.model();
        let job = self.hub.start_training("ana", &m).unwrap().value;
        assert_eq!(
            self.hub.run_training(&job).unwrap().value,
            JobStatus::Succeeded
        );
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
        self.hub.subscribe("ana", &"card".into()).unwrap();
        self.hub.publish("ana", &m).unwrap();
        m
    }

    fn state(&self) -> String {
        serde_json::to_string(&self.hub.admin().partition("ana").unwrap()).unwrap()
    }
}

fn out_of_range(err: &Error) -> (&str, &str) {
    match err {
        Error::OutOfRange { field, range, .. } => (field.as_str(), range.max.as_str()),
        other => panic!("expected an out-of-range refusal, got {other:?}"),
    }
}

#[test]
fn a_manual_clock_refuses_steps_past_the_calendar() {
    // R: T3
    let f = fx();
    let before = f.clock.now();
    for step in [
        Duration::MAX,
        Duration::days(1_000_000_000),
        Duration::days(-1_000_000_000),
    ] {
        let err = f.clock.advance(step).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(
            f.clock.now(),
            before,
            "a refused step leaves the clock where it was"
        );
    }
    assert_eq!(
        clock::step(1_000_000_000_000_000, 0, 0, 0)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert!(f
        .clock
        .set("9999-12-31T23:59:59Z".parse().unwrap())
        .is_err());
    assert_eq!(
        f.clock.advance(Duration::days(1)).unwrap(),
        before + Duration::days(1)
    );
    // The hub goes on as before.
    assert_eq!(f.hub.tick().unwrap().events.len(), 0);
}

#[test]
fn a_custom_offer_window_beyond_the_policy_is_refused() {
    // R: V2, V1
    let f = fx();
    let m = f.published();
    let order = f
        .hub
        .contact_seller("bob", &m, Brief::new("a rose"))
        .unwrap()
        .value;
    let offer = |hours| CustomOffer {
        price: usd("100"),
        non_ai_work: usd("40"),
        revisions: 1,
        revision_window_hours: hours,
        terms: String::new(),
    };
    let before = f.state();
    let err = f
        .hub
        .send_custom_offer("ana", &order, offer(u32::MAX))
        .unwrap_err();
    assert_eq!(out_of_range(&err), ("revision_window_hours", "8760"));
    assert_eq!(
        f.state(),
        before,
        "a refused offer leaves the partition as it was"
    );
    // The longest window allowed still computes its deadline and allows the revision.
    f.hub
        .send_custom_offer(
            "ana",
            &order,
            offer(f.hub.policy().orders.max_offer_window_hours),
        )
        .unwrap();
    f.hub.accept_offer("bob", &order, 3).unwrap();
    f.hub.approve("bob", &order).unwrap();
    f.hub.record_payment("bob", &order, usd("100")).unwrap();
    f.hub.download("bob", &order).unwrap();
    f.clock.advance(Duration::days(364)).unwrap();
    f.hub
        .request_revision("bob", &order, "darker petals")
        .unwrap();
}

#[test]
fn a_revision_deadline_past_the_calendar_never_panics() {
    // R: V1
    let mut policy = Policy::default();
    policy.orders.revision_window_hours = u32::MAX; // unvalidated: as read back from an old store
    let order: Order = serde_json::from_value(serde_json::json!({
        "id": "ana/order-1", "draft_payloads": [], "client": "bob", "seller": "ana", "model": "ana/model-1",
        "path": "immediate_download", "brief": {"text": "x", "quantity": 1}, "seed": 1,
        "status": "released", "quote": null, "offer": null, "draft": null, "clean": null,
        "approved": true, "paid_at": "8999-01-01T00:00:00Z", "downloaded_at": "8999-01-01T00:00:00Z",
        "revision_notes": [], "completed_at": null, "review": null, "delivery_public": false,
        "refunded": {"amount": "0", "currency": "USD"}, "created_at": "8999-01-01T00:00:00Z"}))
    .unwrap();
    assert!(order
        .check_revision(&policy, "8999-06-01T00:00:00Z".parse().unwrap())
        .is_ok());
    assert!(order.revision_deadline(&policy).is_some());
}

#[test]
fn a_grace_period_past_the_calendar_is_an_invalid_policy_and_never_panics() {
    // R: S2
    let mut policy = Policy::default();
    policy.subscription.grace_period_days = u32::MAX;
    let err = policy.validate().unwrap_err();
    assert_eq!(err.code(), "invalid_policy");
    assert!(
        err.to_string().contains("subscription.grace_period_days"),
        "{err}"
    );
    assert_eq!(
        Hub::builder()
            .policy(policy.clone())
            .build()
            .unwrap_err()
            .code(),
        "invalid_policy"
    );
    // A past-due subscription read with such a policy computes its end without overflow.
    let sub = subscription::Subscription {
        id: "ana/sub-1".into(),
        seller: "ana".into(),
        anchor: "2026-01-31T10:00:00Z".parse().unwrap(),
        method: "card".into(),
        status: SubscriptionStatus::PastDue {
            since: "2026-03-01T00:00:00Z".parse().unwrap(),
            period: 1,
        },
        cancel_at_period_end: false,
        paid_periods: 1,
        charges: vec![],
    };
    assert_eq!(
        sub.due("8999-01-01T00:00:00Z".parse().unwrap(), &policy),
        None
    );
    assert!(sub.next_due(&policy).is_some());
}

#[test]
fn a_declined_renewal_with_the_longest_grace_period_settles() {
    // R: S2
    let mut policy = Policy::default();
    policy.subscription.grace_period_days = 36_500;
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let hub = Hub::builder()
        .policy(policy)
        .clock(clock.clone())
        .gateway(gateway.clone())
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    hub.subscribe("ana", &"card".into()).unwrap();
    gateway.set_declined("card", true);
    clock.advance(Duration::days(31)).unwrap();
    let kinds: Vec<_> = hub
        .tick()
        .unwrap()
        .events
        .iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(kinds, ["renewal_declined"]);
    let sub = hub.subscription("ana").unwrap().unwrap();
    let end = sub.next_due(hub.policy()).unwrap();
    assert_eq!(
        end,
        "2126-02-04T10:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    ); // 36 500 days after Feb 28
    clock.set(end - Duration::seconds(1)).unwrap();
    assert_eq!(hub.tick().unwrap().events.len(), 0);
    clock.set(end).unwrap();
    let kinds: Vec<_> = hub
        .tick()
        .unwrap()
        .events
        .iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(kinds, ["subscription_ended"]);
}

#[test]
fn a_clock_that_jumps_a_millennium_settles_a_bounded_number_of_renewals_per_tick() {
    // R: S2, S5
    // A host clock set a thousand years ahead used to charge every missed month
    // (about 12 000) in one tick.
    let mut policy = Policy::default();
    policy.limits.max_renewals_per_settle = 5;
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let hub = Hub::builder()
        .policy(policy)
        .clock(clock.clone())
        .gateway(gateway.clone())
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    hub.subscribe("ana", &"card".into()).unwrap();
    clock.set("3026-01-31T10:00:00Z".parse().unwrap()).unwrap();
    let renewals = |events: &[Recorded]| {
        events
            .iter()
            .filter(|r| r.event.kind() == "subscription_charged")
            .count()
    };
    for tick in 1..=3u32 {
        assert_eq!(renewals(&hub.tick().unwrap().events), 5, "tick {tick}");
        let sub = hub.subscription("ana").unwrap().unwrap();
        let periods: Vec<u32> = sub.charges.iter().map(|c| c.period).collect();
        assert_eq!(
            periods,
            (0..=5 * tick).collect::<Vec<_>>(),
            "each period once, in order"
        );
        assert!(
            sub.next_due(hub.policy()).unwrap() < clock.now(),
            "still due for the next tick"
        );
    }
    // A command on the partition settles the next five too, then runs.
    let before = gateway.calls();
    let outcome = hub.credit_balance("ana", usd("10")).unwrap();
    assert_eq!(renewals(&outcome.events), 5);
    assert_eq!(gateway.calls(), before + 5);
}

#[test]
fn a_late_payment_renews_the_quota_on_the_anniversary() {
    // R: T3, S2
    // Found by the 10 000-case property run: paying a past-due renewal an hour after
    // the anniversary recorded the quota as renewed at the payment.
    let clock = ManualClock::at("2027-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let hub = Hub::builder()
        .clock(clock.clone())
        .gateway(gateway.clone())
        .build()
        .unwrap();
    hub.register_seller("ana", SellerLevel::Level2, false)
        .unwrap();
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )
    .unwrap();
    hub.subscribe("ana", &"card".into()).unwrap();
    gateway.set_declined("card", true);
    clock.advance(Duration::hours(673)).unwrap();
    assert_eq!(hub.tick().unwrap().events[0].kind(), "renewal_declined");
    hub.credit_balance("ana", usd("25")).unwrap();
    let paid = hub.pay_past_due("ana").unwrap().events;
    let renewed = paid.iter().find_map(|r| match &r.event {
        Event::QuotaRenewed { at, period, .. } => Some((*at, *period)),
        _ => None,
    });
    let anniversary = "2027-02-28T10:00:00Z".parse().unwrap();
    assert_eq!(renewed, Some((anniversary, 1)));
    let charge = &hub.subscription("ana").unwrap().unwrap().charges[1];
    assert_eq!(
        charge.at,
        clock.now(),
        "the charge itself is taken at the payment"
    );
}

#[test]
fn a_credit_that_would_overflow_the_balance_is_refused_at_decide_time() {
    // R: S2
    let mut policy = Policy::default();
    policy.limits.max_amount = Decimal::MAX;
    let f = fx_with(policy, GeneratorRegistry::default());
    f.hub
        .credit_balance("ana", Money::new(Decimal::MAX, Currency::Usd))
        .unwrap();
    let before = f.state();
    let refused = f.hub.credit_balance("ana", usd("1")).unwrap_err();
    assert_eq!(refused.code(), "invalid_input");
    assert!(
        refused.events.is_empty(),
        "no balance_credited event for money that did not arrive"
    );
    assert_eq!(f.state(), before);
    assert_eq!(f.hub.seller("ana").unwrap().balance.amount(), Decimal::MAX);
}

#[test]
fn absurd_and_sub_cent_amounts_are_refused() {
    // R: P5, S2, F2
    let f = fx();
    let before = f.state();
    let huge = Money::new(Decimal::from(2u128.pow(70)), Currency::Usd);
    assert_eq!(
        out_of_range(&f.hub.credit_balance("ana", huge).unwrap_err()).0,
        "amount"
    );
    let err = f.hub.credit_balance("ana", usd("0.001")).unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().contains("minor unit")),
        ("invalid_input", true)
    );
    assert_eq!(f.state(), before);
    // Trailing zeros are not sub-cent digits.
    f.hub.credit_balance("ana", usd("2.500")).unwrap();
    assert_eq!(f.hub.seller("ana").unwrap().balance, usd("2.5"));
    // Prices may be finer than a cent (per word), never absurd.
    let m = f.model();
    f.hub
        .set_price(
            "ana",
            &m,
            PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: usd("0.015"),
            },
        )
        .unwrap();
    let err = f
        .hub
        .set_price(
            "ana",
            &m,
            PriceSpec::PerUnit {
                unit: PricingUnit::Item,
                unit_price: huge,
            },
        )
        .unwrap_err();
    assert_eq!(out_of_range(&err).0, "unit_price");
}

#[test]
fn ids_and_texts_beyond_the_policy_limits_are_refused() {
    // R: M6, A5, V1, R2, E1
    let f = fx();
    let m = f.model();
    let mega = "x".repeat(1 << 20);
    let before = f.state();
    let limits = &f.hub.policy().limits;
    let id_max = limits.max_id_bytes.to_string();
    let text_max = limits.max_text_bytes.to_string();
    assert_eq!(
        out_of_range(
            &f.hub
                .register_seller(&mega, SellerLevel::Level2, false)
                .unwrap_err()
        ),
        ("seller", id_max.as_str())
    );
    assert_eq!(
        out_of_range(&f.hub.seller(&mega).unwrap_err()),
        ("seller", id_max.as_str())
    );
    assert_eq!(
        f.hub
            .register_seller("a\0b", SellerLevel::Level2, false)
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let card = PaymentMethod::new(mega.as_str(), PaymentMethodKind::Card, "Visa");
    assert_eq!(
        out_of_range(&f.hub.add_payment_method("ana", card).unwrap_err()),
        ("method", id_max.as_str())
    );
    let err = f
        .hub
        .report_issue("bob", &m, ReportTarget::Model, &"y".repeat(50 << 20))
        .unwrap_err();
    assert_eq!(out_of_range(&err), ("text", text_max.as_str()));
    let err = f.hub.set_instructions("ana", &m, Some(&mega)).unwrap_err();
    assert_eq!(out_of_range(&err), ("instructions", text_max.as_str()));
    let err = f
        .hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[mega.as_str()],
        )
        .unwrap_err();
    assert_eq!(out_of_range(&err).0, "tag");
    assert_eq!(f.state(), before, "nothing of a refused command is stored");
    // Briefs, client ids, revision notes, reviews.
    let m = f.published();
    let err = f
        .hub
        .playground_generate("ana", &m, Brief::new(mega.as_str()), 1)
        .unwrap_err();
    assert_eq!(out_of_range(&err).0, "brief");
    let err = f
        .hub
        .order_draft(&mega, &m, Brief::new("a rose"), 1)
        .unwrap_err();
    assert_eq!(out_of_range(&err).0, "client");
    let o = f
        .hub
        .order_draft("bob", &m, Brief::new("a rose"), 1)
        .unwrap()
        .value;
    f.hub.approve("bob", &o).unwrap();
    f.hub.record_payment("bob", &o, usd("20")).unwrap();
    f.hub.download("bob", &o).unwrap();
    assert_eq!(
        out_of_range(&f.hub.request_revision("bob", &o, &mega).unwrap_err()).0,
        "note"
    );
    f.hub.request_revision("bob", &o, "darker").unwrap();
    f.hub.approve("bob", &o).unwrap();
    assert_eq!(
        out_of_range(&f.hub.review("bob", &o, 5, &mega).unwrap_err()).0,
        "text"
    );
    f.hub.review("bob", &o, 5, "lovely").unwrap();
}

/// Trains a style nested deeper than any policy allows.
struct Deep;

impl Generator for Deep {
    fn name(&self) -> &str {
        "deep"
    }
    fn train(
        &self,
        _: &TrainingInput<'_>,
        _: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let mut data = serde_json::json!(0);
        for _ in 0..1000 {
            data = serde_json::json!([data]);
        }
        Ok(TrainedStyle {
            generator: "deep".into(),
            format: 1,
            data,
        })
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
fn a_style_nested_too_deep_fails_its_training_with_the_quota_back() {
    // R: T4
    let mut generators = GeneratorRegistry::default();
    generators.register("tattoo", Arc::new(Deep));
    let f = fx_with(Policy::default(), generators);
    let m = f.model();
    let job = f.hub.start_training("ana", &m).unwrap().value;
    assert_eq!(f.hub.run_training(&job).unwrap().value, JobStatus::Failed);
    let failed = f.hub.admin().job(&job).unwrap();
    assert!(
        format!("{failed:?}").contains("nesting depth"),
        "{failed:?}"
    );
    assert_eq!(
        f.hub.quota("ana", &m).unwrap().used,
        0,
        "a failed training gives its quota back"
    );
}

#[test]
fn the_depth_check_counts_without_recursion() {
    // R: D5
    let mut deep = serde_json::json!(0);
    for _ in 0..100_000 {
        deep = serde_json::Value::Array(vec![deep]);
    }
    let err = Policy::default()
        .limits
        .check_json_depth("value", &deep)
        .unwrap_err();
    assert_eq!(out_of_range(&err).1, "64");
    std::mem::forget(deep); // dropping 100 000 levels would recurse in serde_json's Drop
}

#[test]
fn limits_are_policy_numbers_with_bounds() {
    // R: P5
    for (json, field) in [
        (r#"{"limits": {"max_id_bytes": 0}}"#, "limits.max_id_bytes"),
        (
            r#"{"limits": {"max_json_depth": 101}}"#,
            "limits.max_json_depth",
        ),
        (r#"{"limits": {"max_amount": "0"}}"#, "limits.max_amount"),
        (
            r#"{"limits": {"generation_deadline_ms": 0}}"#,
            "limits.generation_deadline_ms",
        ),
        (
            r#"{"limits": {"max_renewals_per_settle": 0}}"#,
            "limits.max_renewals_per_settle",
        ),
        (
            r#"{"orders": {"revision_window_hours": 9000}}"#,
            "orders.revision_window_hours",
        ),
        (
            r#"{"orders": {"max_offer_window_hours": 4294967295}}"#,
            "orders.max_offer_window_hours",
        ),
    ] {
        match Policy::from_json(json).unwrap_err() {
            Error::InvalidPolicy { field: f, .. } => assert_eq!(f, field),
            other => panic!("unexpected {other:?}"),
        }
    }
    let p = Policy::from_json(r#"{"limits": {"max_id_bytes": 16}}"#).unwrap();
    assert_eq!(p.limits.max_text_bytes, 20_000);
}

#[test]
fn one_hub_serves_many_threads() {
    // R: S5
    // `Hub: Send + Sync` is asserted at compile time in the crate root; here its
    // clones run commands on one seller from several threads with no lost update.
    let f = fx();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..25 {
                    f.hub.credit_balance("ana", usd("1")).unwrap();
                }
            });
        }
    });
    assert_eq!(f.hub.seller("ana").unwrap().balance, usd("100"));
}
