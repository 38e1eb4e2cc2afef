//! The engine's hot operations timed in process, for `benches/compare/hot_ops.py`
//! (which sets them beside plain Python, the Python binding and the Node binding):
//! a quote (decimal money, rounded lines), a billing anniversary (calendar months,
//! clamped), a quota check (counting the model's jobs in the window), and the same
//! reads through a hub on the memory store (`quote`, `seller`).
//!
//! Prints one JSON object: nanoseconds per operation, best of 5 rounds.
//!
//! ```sh
//! cargo run --release --example hot_ops
//! ```

use fivergo::billing::anniversary;
use fivergo::training::quota_status;
use fivergo::*;
use std::hint::black_box;
use std::time::Instant;

/// Best of 5 rounds of `n` calls, in nanoseconds per call.
fn time(n: u32, mut f: impl FnMut(u32)) -> f64 {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            for i in 0..n {
                f(i);
            }
            t.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let policy = Policy::default();
    let price = PriceSpec::PerUnit {
        unit: PricingUnit::Item,
        unit_price: Money::parse("19.99", Currency::Usd)?,
    };
    let anchor = "2027-01-31T10:00:00Z".parse()?;
    let now = "2027-06-15T00:00:00Z".parse()?;
    let entry = policy.catalogue.entry("tattoo")?.clone();

    let clock = ManualClock::at(anchor);
    let hub = Hub::builder().clock(clock).build()?;
    hub.register_seller("ana", SellerLevel::Level2, false)?;
    hub.add_gig("ana", "tattoo")?;
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card", PaymentMethodKind::Card, "Visa"),
    )?;
    let model = hub.create_model("ana", "tattoo")?.value;
    hub.set_price("ana", &model, price.clone())?;
    let art = hub
        .add_asset(
            "ana",
            AssetSource::Upload,
            Modality::Image,
            AssetMeta::image(1024, 1024),
            &[],
        )?
        .value;
    hub.select_assets("ana", &model, &[art])?;
    hub.attest_originality("ana", &model)?;
    hub.subscribe("ana", &"card".into())?;
    for _ in 0..2 {
        let job = hub.start_training("ana", &model)?.value;
        hub.run_training(&job)?;
    }
    // A quote is for a published model (M1, P2): without it the hub would time a refusal.
    hub.playground_generate("ana", &model, Brief::new("warm-up"), 1)?;
    hub.publish("ana", &model)?;
    hub.quote(&model, 1)?;
    let sub = hub.subscription("ana")?.ok_or("subscribed")?;
    let jobs: Vec<TrainingJob> = hub
        .admin()
        .partition("ana")?
        .jobs
        .values()
        .cloned()
        .collect();
    let seller = SellerId::from("ana");

    let quote = time(200_000, |i| {
        black_box(price.quote(1 + i % 5, &policy).ok());
    });
    let anniv = time(200_000, |i| {
        black_box(anniversary(anchor, i % 48));
    });
    let quota = time(200_000, |_| {
        black_box(quota_status(&model, &seller, &entry, Some(&sub), &jobs, &policy, now).ok());
    });
    let hub_quote = time(100_000, |i| {
        black_box(hub.quote(&model, 1 + i % 5).ok());
    });
    let hub_seller = time(100_000, |_| {
        black_box(hub.seller("ana").ok());
    });
    let hub_quota = time(100_000, |_| {
        black_box(hub.quota("ana", &model).ok());
    });
    println!(
        "{{\"quote\": {quote:.1}, \"anniversary\": {anniv:.1}, \"quota\": {quota:.1}, \"hub_quote\": {hub_quote:.1}, \"hub_seller\": {hub_seller:.1}, \"hub_quota\": {hub_quota:.1}}}"
    );
    Ok(())
}
