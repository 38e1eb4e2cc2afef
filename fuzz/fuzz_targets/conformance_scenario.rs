//! Conformance-scenario JSON (`tests/conformance/*.json`) driven through a `Hub` on
//! the in-memory store: the scenario's policy, clock and the seller, library,
//! model, training, subscription and order actions with whatever arguments the
//! fuzzer writes. Every command must succeed or be refused with a typed error;
//! expectations are not checked (the conformance suite does that).
#![no_main]
use chrono::{DateTime, Duration, Utc};
use fivergo_core::*;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How far one `advance_clock` step may move: overflowing the clock is issue 13's
/// arithmetic half, kept out of the way so the rest is explored.
const MAX_ADVANCE_DAYS: i64 = 3650;
/// Instants the scenario may name: a subscription started in year 1013 and settled
/// in 2026 charges 12 000 monthly renewals in one tick (seconds of work, found by
/// this target: RELIABILITY.md), which would stop every run at the timeout.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=2200;

fn instant(s: &str) -> Option<DateTime<Utc>> {
    use chrono::Datelike;
    s.parse::<DateTime<Utc>>().ok().filter(|t| YEARS.contains(&t.year()))
}

struct Step<'a> {
    args: &'a Map<String, Value>,
    vars: &'a BTreeMap<String, String>,
}

impl Step<'_> {
    fn str(&self, key: &str) -> Option<String> {
        let s = self.args.get(key)?.as_str()?;
        Some(match s.strip_prefix('$') {
            Some(var) => self.vars.get(var).cloned().unwrap_or_default(),
            None => s.to_owned(),
        })
    }
    fn strings(&self, key: &str) -> Vec<String> {
        let Some(list) = self.args.get(key).and_then(Value::as_array) else { return Vec::new() };
        list.iter()
            .filter_map(Value::as_str)
            .map(|s| s.strip_prefix('$').and_then(|v| self.vars.get(v).cloned()).unwrap_or_else(|| s.to_owned()))
            .collect()
    }
    fn int(&self, key: &str) -> i64 {
        self.args.get(key).and_then(Value::as_i64).unwrap_or(0)
    }
    fn model(&self) -> ModelId {
        ModelId::from(self.str("model").unwrap_or_default())
    }
    fn order(&self) -> OrderId {
        OrderId::from(self.str("order").unwrap_or_default())
    }
    fn typed<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_value(self.args.get(key)?.clone()).ok()
    }
}

/// The id a command returned, for the step's `save`.
fn saved<T: ToString>(r: CommandResult<T>) -> Option<String> {
    r.ok().map(|o| o.value.to_string())
}

fn run(hub: &Hub, clock: &ManualClock, actor: &str, action: &str, a: &Step) -> Option<String> {
    let seller = a.str("seller").unwrap_or_default();
    let money = |key: &str| Money::parse(&a.str(key).unwrap_or_default(), hub.policy().currency).ok();
    match action {
        "register_seller" => {
            let level = a.str("level")?.parse::<SellerLevel>().ok()?;
            let _ = hub.register_seller(&seller, level, a.args.get("pro").and_then(Value::as_bool).unwrap_or(false));
        }
        "set_seller_level" => {
            let level = a.str("level")?.parse::<SellerLevel>().ok()?;
            let _ = hub.set_seller_level(&seller, level, false);
        }
        "add_gig" => drop(hub.add_gig(&seller, &a.str("subcategory")?)),
        "credit_balance" => drop(hub.credit_balance(&seller, money("amount")?)),
        "add_payment_method" => {
            let kind: PaymentMethodKind = a.typed("kind")?;
            let _ = hub.add_payment_method(&seller, PaymentMethod::new(a.str("method")?, kind, "fuzz"));
        }
        "advance_clock" => {
            let days = a.int("days").clamp(-MAX_ADVANCE_DAYS, MAX_ADVANCE_DAYS);
            let minutes = a.int("hours").clamp(-24, 24) * 60 + a.int("minutes").clamp(-1440, 1440);
            let by = Duration::days(days) + Duration::minutes(minutes) + Duration::seconds(a.int("seconds").clamp(-86_400, 86_400));
            let to = clock.now().checked_add_signed(by)?;
            clock.set(instant(&to.to_rfc3339())?).ok()?;
        }
        "set_clock" => {
            clock.set(instant(&a.str("at")?)?).ok()?;
        }
        "tick" => drop(hub.tick()),
        "create_model" => return saved(hub.create_model(actor, &a.str("subcategory")?)),
        "add_asset" => {
            let source = match a.str("source")?.as_str() {
                "portfolio" => AssetSource::Portfolio,
                "work_sample" => AssetSource::WorkSample,
                _ => AssetSource::Upload,
            };
            let modality: Modality = a.typed("modality")?;
            let meta: AssetMeta = a.typed("meta").unwrap_or_default();
            let tags = a.strings("tags");
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            return saved(hub.add_asset(actor, source, modality, meta, &tags));
        }
        "tag_asset" => {
            let (add, remove) = (a.strings("add"), a.strings("remove"));
            let add: Vec<&str> = add.iter().map(String::as_str).collect();
            let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
            let _ = hub.tag_asset(actor, &AssetId::from(a.str("asset")?), &add, &remove);
        }
        "select_assets" => {
            let ids: Vec<AssetId> = a.strings("assets").into_iter().map(AssetId::from).collect();
            let _ = hub.select_assets(actor, &a.model(), &ids);
        }
        "select_all_assets" => drop(hub.select_all_assets(actor, &a.model())),
        "set_instructions" => drop(hub.set_instructions(actor, &a.model(), a.str("instructions").as_deref())),
        "attest_originality" => drop(hub.attest_originality(actor, &a.model())),
        "start_training" => return saved(hub.start_training(actor, &a.model())),
        "run_training" => drop(hub.run_training(&JobId::from(a.str("job")?))),
        "subscribe" => return saved(hub.subscribe(actor, &PaymentMethodId::from(a.str("method")?))),
        "cancel_subscription" => drop(hub.cancel_subscription(actor)),
        "renew_subscription" => drop(hub.renew_subscription(actor)),
        "publish" => drop(hub.publish(actor, &a.model())),
        "findings" => drop(hub.findings(actor, &a.model())),
        "quota" => drop(hub.quota(actor, &a.model())),
        "quote" => drop(hub.quote(&a.model(), u32::try_from(a.int("quantity")).unwrap_or(0))),
        "order_draft" => {
            let brief = Brief::new(a.str("brief").unwrap_or_default().as_str());
            return saved(hub.order_draft(actor, &a.model(), brief, a.int("seed").unsigned_abs()));
        }
        "approve" => drop(hub.approve(actor, &a.order())),
        "record_payment" => drop(hub.record_payment(actor, &a.order(), money("amount")?)),
        "request_revision" => drop(hub.request_revision(actor, &a.order(), &a.str("note").unwrap_or_default())),
        _ => {}
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let Ok(Value::Object(scenario)) = serde_json::from_slice::<Value>(data) else { return };
    let policy = match scenario.get("policy") {
        Some(p) => match Policy::from_json(&p.to_string()) {
            Ok(p) => p,
            Err(e) => return assert_eq!(e.code(), "invalid_policy"),
        },
        None => Policy::default(),
    };
    let start = scenario
        .get("start")
        .and_then(Value::as_str)
        .and_then(instant)
        .unwrap_or(DateTime::UNIX_EPOCH);
    let clock = ManualClock::at(start);
    let Ok(hub) = Hub::builder().policy(policy).clock(clock.clone()).gateway(SimulatedGateway::default()).build() else { return };
    let mut vars = BTreeMap::new();
    let empty = Map::new();
    for step in scenario.get("steps").and_then(Value::as_array).into_iter().flatten().take(200) {
        let actor = step.get("actor").and_then(Value::as_str).unwrap_or("host");
        let Some(action) = step.get("action").and_then(Value::as_str) else { continue };
        let args = step.get("args").and_then(Value::as_object).unwrap_or(&empty);
        let id = run(&hub, &clock, actor, action, &Step { args, vars: &vars });
        if let (Some(name), Some(id)) = (step.get("save").and_then(Value::as_str), id) {
            vars.insert(name.to_owned(), id);
        }
    }
});
