//! A SQLite-backed hub dropped in the middle of a month and opened again behaves as
//! if it had never stopped: every read is the same, the next renewal is charged once
//! at the anniversary, the quota renews, and orders keep their files.

use chrono::Duration;
use fivergo::*;

#[test]
fn a_hub_reopened_mid_month_carries_on_as_if_it_had_never_stopped() {
    // R: S2, S5, T3, G1
    let dir = std::env::temp_dir().join(format!("fivergo-restart-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}", dir.join("fivergo.db").display());
    let clock = ManualClock::at("2026-01-31T10:00:00Z".parse().unwrap());
    let gateway = SimulatedGateway::default();
    let open = || {
        Hub::builder()
            .clock(clock.clone())
            .gateway(gateway.clone())
            .open(&url)
            .unwrap()
    };

    let hub = open();
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
        .upload_asset(
            "ana",
            AssetSource::Upload,
            b"My line work: thin, black, no shading.",
            Some("notes.txt"),
            &[],
        )
        .unwrap()
        .value;
    let art = hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )
        .unwrap()
        .value;
    hub.select_assets("ana", &m, &[art]).unwrap();
    hub.attest_originality("ana", &m).unwrap();
    hub.run_training(&hub.start_training("ana", &m).unwrap().value)
        .unwrap();
    hub.playground_generate("ana", &m, Brief::new("koi"), 1)
        .unwrap();
    hub.set_price(
        "ana",
        &m,
        PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: Money::parse("20", Currency::Usd).unwrap(),
        },
    )
    .unwrap();
    hub.subscribe("ana", &"card".into()).unwrap();
    hub.publish("ana", &m).unwrap();
    let order = hub
        .order_draft("bob", &m, Brief::new("a koi"), 3)
        .unwrap()
        .value;
    hub.credit_balance("ana", Money::parse("30", Currency::Usd).unwrap())
        .unwrap();
    clock.advance(Duration::days(14)).unwrap();
    let job = hub.start_training("ana", &m).unwrap().value; // a training queued mid-month
    let before = (
        hub.admin().partition("ana").unwrap(),
        hub.quota("ana", &m).unwrap(),
        hub.draft("bob", &order).unwrap(),
    );
    drop(hub);

    let hub = open();
    assert_eq!(hub.admin().partition("ana").unwrap(), before.0);
    assert_eq!(hub.quota("ana", &m).unwrap(), before.1);
    assert_eq!(
        hub.draft("bob", &order).unwrap(),
        before.2,
        "the draft's file is still there"
    );
    assert_eq!(
        hub.admin().asset(&a).unwrap().meta.file_name.as_deref(),
        Some("notes.txt")
    );
    assert_eq!(hub.client_orders("bob").unwrap().len(), 1);
    assert_eq!(hub.admin().job(&job).unwrap().status, JobStatus::Queued);

    // Jan 31 renews Feb 28 (T3): nothing before, once at the anniversary, from the balance.
    clock.set("2026-02-28T09:59:59Z".parse().unwrap()).unwrap();
    assert!(hub.tick().unwrap().events.is_empty());
    clock.set("2026-02-28T10:00:00Z".parse().unwrap()).unwrap();
    let kinds: Vec<_> = hub
        .tick()
        .unwrap()
        .events
        .iter()
        .map(|e| e.kind())
        .collect();
    assert_eq!(kinds, ["subscription_charged", "quota_renewed"]);
    assert!(
        hub.tick().unwrap().events.is_empty(),
        "never charged twice (S5)"
    );
    assert_eq!(
        hub.seller("ana").unwrap().balance.amount().to_string(),
        "5.00"
    );
    assert_eq!(
        hub.quota("ana", &m).unwrap().used,
        0,
        "the new month's quota (T3)"
    );
    assert_eq!(
        gateway.charges().len(),
        1,
        "only the first month went to the card"
    );
    assert_eq!(hub.run_training(&job).unwrap().value, JobStatus::Succeeded);
    std::fs::remove_dir_all(&dir).ok();
}
