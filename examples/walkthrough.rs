//! One seller's month on fivergo, end to end: the main job of the project.
//!
//! Ana, a Level 2 tattoo artist, uploads her flash sheets, creates a model, trains it
//! with the reference image generator, hits the free training quota, subscribes,
//! tries to publish too early, publishes, and sells a design to a client who gets a
//! watermarked draft, pays, downloads, asks for a revision and then for a refund.
//!
//! The marketplace lives in a SQLite database, `target/walkthrough/fivergo.db` (its
//! files beside it in `fivergo.db.blobs/`), started afresh on each run; at the end the
//! month is reopened from the file as a restarted process would see it.
//!
//! Run with `cargo run --release --example walkthrough`. The client's draft and clean
//! file are written to `target/walkthrough/` to look at.

use chrono::Duration;
use fivergo::eval::fixtures::line_art;
use fivergo::media::{encode, image::encode_png};
use fivergo::*;
use std::path::Path;

fn main() -> Result<(), Error> {
    let clock = ManualClock::at("2026-02-18T09:00:00Z".parse().expect("a valid instant"));
    let gateway = SimulatedGateway::default();
    let dir = Path::new("target/walkthrough");
    let db = dir.join("fivergo.db");
    fresh_database(dir, &db);
    let url = format!("sqlite:{}", db.display());
    let hub = Hub::builder()
        .clock(clock.clone())
        .gateway(gateway.clone())
        .generators(GeneratorRegistry::reference())
        .open(&url)?;
    let usd = |s: &str| Money::parse(s, Currency::Usd);

    section(&clock, "Ana joins and creates a Tattoo model");
    hub.register_seller("ana", SellerLevel::Level2, false)?;
    hub.add_gig("ana", "tattoo")?;
    hub.add_payment_method(
        "ana",
        PaymentMethod::new("card-ana", PaymentMethodKind::Card, "Visa •••• 4242"),
    )?;
    let model = hub.create_model("ana", "tattoo")?.value;
    say(&format!(
        "created {model}; name: {:?} (named at first training, C3)",
        hub.model("ana", &model)?.name
    ));

    section(&clock, "Ana uploads her flash sheets");
    let mut assets = Vec::new();
    for i in 0..12 {
        // One sheet is a small scan, to show the resolution warning (A4).
        let png = encode_png(&line_art(if i == 3 { 640 } else { 1024 }, i))?;
        assets.push(
            hub.upload_asset(
                "ana",
                AssetSource::Upload,
                &png,
                Some(&format!("flash-{i}.png")),
                &["fine line"],
            )?
            .value,
        );
    }
    say(&format!(
        "{} sheets uploaded, decoded and measured",
        assets.len()
    ));
    let broken = encode_png(&line_art(512, 99))?;
    refused(hub.upload_asset(
        "ana",
        AssetSource::Upload,
        &broken[..broken.len() / 2],
        Some("half-downloaded.png"),
        &[],
    ));
    hub.select_assets("ana", &model, &assets)?;
    for f in hub.findings("ana", &model)? {
        say(&format!("warning [{}] {}", f.code, f.message));
    }
    refused(hub.start_training("ana", &model));
    hub.attest_originality("ana", &model)?;
    say("originality attested (A9)");

    section(
        &clock,
        "Publishing an untrained model lists everything missing",
    );
    refused(hub.publish("ana", &model));

    section(&clock, "Two free trainings, then the quota");
    for _ in 0..2 {
        let job = hub.start_training("ana", &model)?.value;
        let status = hub.run_training(&job)?.value;
        let m = hub.model("ana", &model)?;
        say(&format!(
            "{job}: {status}; model `{}` is {} (version {})",
            m.name.as_deref().unwrap_or("?"),
            m.status,
            m.live.as_ref().map_or(0, |v| v.version)
        ));
    }
    refused(hub.start_training("ana", &model));
    let (_, art) = hub
        .playground_generate("ana", &model, Brief::new("koi fish sleeve"), 1)?
        .value;
    say(&format!(
        "playground generation: {} (watermarked: not subscribed yet, G2)",
        describe(&art)
    ));

    section(&clock, "Ana subscribes ($25/month) and sets a price");
    let sub = hub.subscribe("ana", &"card-ana".into())?.value;
    say(&format!(
        "{sub} active; renews {}",
        hub.subscription("ana")?
            .map(|s| s.paid_until().to_rfc3339())
            .unwrap_or_default()
    ));
    clock.advance(Duration::days(2))?;
    for _ in 0..2 {
        let job = hub.start_training("ana", &model)?.value;
        hub.run_training(&job)?;
    }
    let q = hub.quota("ana", &model)?;
    say(&format!(
        "retrained twice: {} of {} trainings used this billing month",
        q.used, q.limit
    ));
    refused(hub.start_training("ana", &model));
    hub.set_price(
        "ana",
        &model,
        PriceSpec::PerUnit {
            unit: PricingUnit::Item,
            unit_price: usd("39.90")?,
        },
    )?;
    hub.publish("ana", &model)?;
    say(&format!("published: {}", hub.model("ana", &model)?.status));

    section(&clock, "A client buys a design");
    clock.advance(Duration::days(3))?;
    let quote = hub.quote(&model, 2)?;
    for line in &quote.lines {
        say(&format!("quote line: {} = {}", line.label, line.amount));
    }
    say(&format!(
        "quote total: {} ({} edit included)",
        quote.total, quote.included_edits
    ));
    let order = hub
        .order_draft(
            "bob",
            &model,
            Brief::new("a koi and a lotus").with_quantity(2),
            42,
        )?
        .value;
    let draft = hub.draft("bob", &order)?.clone();
    say(&format!(
        "{order}: draft delivered: {} with a visible DRAFT mark (W1)",
        describe(&draft)
    ));
    if let Some((traced, confidence)) = hub.trace(&draft)? {
        say(&format!(
            "a leaked copy of the draft traces back to {traced} (confidence {confidence:.2}, W2)"
        ));
    }
    refused(hub.download("bob", &order).map(|o| o.events));
    hub.approve("bob", &order)?;
    hub.record_payment("bob", &order, quote.total)?;
    let file = hub.download("bob", &order)?.value;
    say(&format!(
        "clean file downloaded after approve + pay (G1): {}",
        describe(&file)
    ));
    let written = std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(dir.join("draft.png"), encode(&draft).unwrap_or_default()))
        .and_then(|_| std::fs::write(dir.join("clean.png"), encode(&file).unwrap_or_default()));
    match written {
        Ok(()) => say(&format!(
            "wrote {0}/draft.png and {0}/clean.png",
            dir.display()
        )),
        Err(e) => say(&format!("could not write the files: {e}")),
    }

    section(&clock, "One revision within 24 hours, then a review");
    clock.advance(Duration::hours(5))?;
    hub.request_revision("bob", &order, "make the lotus bigger")?;
    refused(hub.request_revision("bob", &order, "and pink"));
    hub.approve("bob", &order)?;
    hub.review("bob", &order, 5, "Exactly my style")?;
    let rep = hub.seller("ana")?.reputation;
    say(&format!(
        "rating {:?} from {} review(s); Success Score orders: {} (AI downloads never count, R1)",
        rep.average_rating(),
        rep.rating_count,
        rep.success_score_orders
    ));

    section(&clock, "Refunds and source files");
    refused(hub.request_full_refund("bob", &order));
    refused(hub.issue_partial_refund("ana", &order, usd("10")?));
    refused(hub.request_source_file("bob", &order));

    hub.credit_balance("ana", quote.total)?;
    clock.set("2026-03-18T09:00:00Z".parse().expect("a valid instant"))?;
    section(&clock, "The anniversary: renewal from the balance");
    for e in hub.tick()?.events {
        say(&format!(
            "event: {}",
            serde_json::to_string(&e).unwrap_or_default()
        ));
    }
    say(&format!(
        "balance now {}; card charges so far: {}",
        hub.seller("ana")?.balance,
        gateway.charges().len()
    ));
    let q = hub.quota("ana", &model)?;
    say(&format!(
        "quota renewed: {} of {} used until {}",
        q.used,
        q.limit,
        q.renews_at.map(|t| t.to_rfc3339()).unwrap_or_default()
    ));

    section(&clock, "A restart: the month, reopened from the database");
    let before = hub.admin().partition("ana")?;
    drop(hub);
    let hub = Hub::builder()
        .clock(clock.clone())
        .gateway(gateway.clone())
        .generators(GeneratorRegistry::reference())
        .open(&url)?;
    let log = hub.events_since(Cursor::default(), usize::MAX)?.events;
    let replayed = Partition::replay(
        "ana".into(),
        log.iter()
            .filter(|e| e.partition.as_str() == "ana")
            .map(|e| &e.event),
    );
    say(&format!("{} events in {}; the reopened partition is the same: {}; replaying the log rebuilds it: {}", log.len(), db.display(), hub.admin().partition("ana")? == before, replayed == before));
    say(&format!(
        "bob's orders from the client index: {:?}",
        hub.client_orders("bob")?
            .iter()
            .map(|o| o.id.to_string())
            .collect::<Vec<_>>()
    ));
    Ok(())
}

/// Removes the database, its WAL files and its blob folder of an earlier run.
fn fresh_database(dir: &Path, db: &Path) {
    std::fs::create_dir_all(dir).ok();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", db.display())).ok();
    }
    std::fs::remove_dir_all(format!("{}.blobs", db.display())).ok();
}

fn section(clock: &ManualClock, title: &str) {
    println!("\n== {} — {title}", clock.now().format("%b %d %H:%M"));
}

fn say(line: &str) {
    println!("   {line}");
}

fn refused<T>(result: Result<T, Refused>) {
    match result {
        Ok(_) => say("unexpectedly allowed!"),
        Err(e) => say(&format!(
            "refused [{} / {}]: {e}",
            e.code(),
            e.rule().unwrap_or("-")
        )),
    }
}

fn describe(a: &Artifact) -> String {
    match a {
        Artifact::Image(i) => format!("{}×{} image", i.width, i.height),
        Artifact::Audio(a) => format!("{} ms of audio", a.duration_ms()),
        Artifact::Text(t) => format!("text `{}`", t.lines().next().unwrap_or("")),
    }
}
