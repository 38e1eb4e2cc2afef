//! Shared conformance scenarios: the Rust runner.
//!
//! Every `tests/conformance/*.json` file is one scenario (format: `tests/conformance/README.md`).
//! Each runs against a fresh [`Hub`] with the scenario's policy, a [`ManualClock`] at
//! the scenario's `start` and a [`SimulatedGateway`] the runner keeps a handle on.
//! Every action maps onto the typed Hub API; the Python and Node runners map the same
//! files onto their bindings. All failing steps of all scenarios are reported, then
//! the test fails.
//!
//! Coverage of SPEC.md by the scenarios (the union of their `rules`, checked below):
// R: E1, E2, C1, C2, C3, C4, A1, A2, A3, A4, A5, A6, A7, A8, A9, T1, T2, T3, T4, T5, S1, S2, S3, S4, S5, M1, M2, M3, M4, M5, M6, M7, G1, G2, G3, G4, G5, P1, P2, P3, P4, P5, V1, V2, F1, F2, R1, R2, R3, D1, D2, D3, D4, D5

mod support;
use chrono::{DateTime, Utc};
use fivergo::*;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// Rules every run must cover: groups E, C, T, S, M, G, P, V, F, R, D and A1–A9
/// (W is covered elsewhere for now).
fn required_rules() -> BTreeSet<String> {
    let groups: [(&str, u32); 12] = [
        ("E", 2),
        ("C", 4),
        ("A", 9),
        ("T", 5),
        ("S", 5),
        ("M", 7),
        ("G", 5),
        ("P", 5),
        ("V", 2),
        ("F", 2),
        ("R", 3),
        ("D", 5),
    ];
    groups
        .iter()
        .flat_map(|(g, n)| (1..=*n).map(move |i| format!("{g}{i}")))
        .collect()
}

// ----------------------------------------------------------------------------- files

#[derive(Debug)]
struct Scenario {
    file: String,
    name: String,
    rules: Vec<String>,
    start: DateTime<Utc>,
    policy: Value,
    generators: Map<String, Value>,
    steps: Vec<Value>,
}

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("conformance")
}

fn load_scenarios() -> Result<Vec<Scenario>, Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        match parse_scenario(&file, &path) {
            Ok(s) => out.push(s),
            Err(e) => errors.push(format!("{file}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn parse_scenario(file: &str, path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v.as_object().ok_or("a scenario is a JSON object")?;
    for key in obj.keys() {
        if ![
            "name",
            "rules",
            "start",
            "policy",
            "generators",
            "note",
            "steps",
        ]
        .contains(&key.as_str())
        {
            return Err(format!("unknown scenario key `{key}`"));
        }
    }
    let name = obj
        .get("name")
        .and_then(Value::as_str)
        .ok_or("missing `name`")?
        .to_owned();
    let rules = obj
        .get("rules")
        .and_then(Value::as_array)
        .ok_or("missing `rules`")?
        .iter()
        .map(|r| r.as_str().map(str::to_owned).ok_or("rules are strings"))
        .collect::<Result<Vec<_>, _>>()?;
    let start = obj
        .get("start")
        .and_then(Value::as_str)
        .ok_or("missing `start`")?;
    let start = instant(start)?;
    let policy = obj.get("policy").cloned().unwrap_or_else(|| json!({}));
    let generators = obj.get("generators").cloned().unwrap_or_else(|| json!({}));
    let generators = generators
        .as_object()
        .ok_or("`generators` is an object")?
        .clone();
    let steps = obj
        .get("steps")
        .and_then(Value::as_array)
        .ok_or("missing `steps`")?
        .clone();
    Ok(Scenario {
        file: file.to_owned(),
        name,
        rules,
        start,
        policy,
        generators,
        steps,
    })
}

fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("`{s}` is not RFC 3339: {e}"))
}

// ----------------------------------------------------------------------------- test generator

/// The `"failing"` generator of the format: every training fails.
struct FailingGenerator;

impl Generator for FailingGenerator {
    fn name(&self) -> &str {
        "failing"
    }

    fn train(
        &self,
        _: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        let _ = ctl.tick(0.5);
        Err(TrainError::Failed("simulated failure".into()))
    }

    fn generate(
        &self,
        _: &TrainedStyle,
        _: &Brief,
        _: u64,
        _: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        Err(Error::GeneratorFailed {
            reason: "the failing generator never trained".into(),
        })
    }
}

// ----------------------------------------------------------------------------- runner

struct Runner {
    hub: Hub,
    clock: ManualClock,
    gateway: SimulatedGateway,
    vars: BTreeMap<String, Value>,
}

/// What an action produced: the hub's error, or a value and the events.
type Produced = Result<(Value, Vec<Recorded>), Error>;

fn no_events<T>(r: Result<T, Error>, f: impl FnOnce(T) -> Value) -> Produced {
    r.map(|v| (f(v), Vec::new()))
}

fn outcome<T>(r: CommandResult<T>, f: impl FnOnce(T) -> Value) -> Produced {
    r.map(|o| (f(o.value), o.events)).map_err(Error::from)
}

fn unit(_: ()) -> Value {
    Value::Null
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    let json = serde_json::to_value(v).expect("hub values serialize");
    let wrong = wire_mismatches(v, &json);
    assert!(wrong.is_empty(), "wire form of {json}: {wrong:?}");
    json
}

/// One wire form for the bindings (issue 12): a value's [`wire::Wire`] tree says what
/// its JSON says, and types every instant and amount as such (an instant field that
/// lacks its `wire::instant` mark would reach Python and Node as bare text).
fn wire_mismatches<T: serde::Serialize>(v: &T, json: &Value) -> Vec<String> {
    fn walk(w: &wire::Wire, key: &str, path: &str, out: &mut Vec<String>) {
        match w {
            wire::Wire::Str(s)
                if (key == "at"
                    || key.ends_with("_at")
                    || key.ends_with("_until")
                    || matches!(key, "anchor" | "deadline" | "since" | "ends"))
                    && DateTime::parse_from_rfc3339(s).is_ok() =>
            {
                out.push(format!("{path}: an instant typed as text"))
            }
            wire::Wire::Record(fields) => {
                let keys: BTreeSet<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
                if keys == BTreeSet::from(["amount", "currency"]) {
                    out.push(format!("{path}: money typed as a record"));
                }
                for (k, v) in fields {
                    walk(v, k, &format!("{path}.{k}"), out);
                }
            }
            wire::Wire::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, key, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let w = match wire::to_wire(v) {
        Ok(w) => w,
        Err(e) => return vec![format!("no wire form: {e}")],
    };
    let mut out = Vec::new();
    if &w.to_json() != json {
        out.push(format!("wire JSON {} differs from serde JSON", w.to_json()));
    }
    walk(&w, "", "$", &mut out);
    out
}

struct Args<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Args<'a> {
    fn get(&self, key: &str) -> Result<&'a Value, String> {
        self.map
            .get(key)
            .ok_or_else(|| format!("missing argument `{key}`"))
    }
    fn opt(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }
    fn str(&self, key: &str) -> Result<&'a str, String> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| format!("argument `{key}` must be a string"))
    }
    fn bool(&self, key: &str) -> Result<bool, String> {
        self.get(key)?
            .as_bool()
            .ok_or_else(|| format!("argument `{key}` must be a boolean"))
    }
    fn bool_or(&self, key: &str, default: bool) -> Result<bool, String> {
        if self.opt(key).is_some() {
            self.bool(key)
        } else {
            Ok(default)
        }
    }
    fn u64(&self, key: &str) -> Result<u64, String> {
        self.get(key)?
            .as_u64()
            .ok_or_else(|| format!("argument `{key}` must be a non-negative integer"))
    }
    fn u64_or(&self, key: &str, default: u64) -> Result<u64, String> {
        if self.opt(key).is_some() {
            self.u64(key)
        } else {
            Ok(default)
        }
    }
    fn u32(&self, key: &str) -> Result<u32, String> {
        u32::try_from(self.u64(key)?).map_err(|_| format!("argument `{key}` is out of range"))
    }
    fn i64_or(&self, key: &str, default: i64) -> Result<i64, String> {
        match self.opt(key) {
            None => Ok(default),
            Some(v) => v
                .as_i64()
                .ok_or_else(|| format!("argument `{key}` must be an integer")),
        }
    }
    fn strings(&self, key: &str) -> Result<Vec<&'a str>, String> {
        match self.opt(key) {
            None => Ok(Vec::new()),
            Some(v) => v
                .as_array()
                .ok_or_else(|| format!("argument `{key}` must be a list"))?
                .iter()
                .map(|s| {
                    s.as_str()
                        .ok_or_else(|| format!("argument `{key}` must list strings"))
                })
                .collect(),
        }
    }
    fn typed<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, String> {
        serde_json::from_value(self.get(key)?.clone()).map_err(|e| format!("argument `{key}`: {e}"))
    }
    fn model(&self) -> Result<ModelId, String> {
        self.str("model").map(ModelId::from)
    }
    fn order(&self) -> Result<OrderId, String> {
        self.str("order").map(OrderId::from)
    }
    fn job(&self) -> Result<JobId, String> {
        self.str("job").map(JobId::from)
    }
}

impl Runner {
    fn new(s: &Scenario, store: &StoreKind) -> Result<Self, String> {
        let policy =
            Policy::from_json(&s.policy.to_string()).map_err(|e| format!("policy: {e}"))?;
        let clock = ManualClock::at(s.start);
        let gateway = SimulatedGateway::default();
        let mut generators = GeneratorRegistry::default();
        for (subcategory, kind) in &s.generators {
            match kind.as_str() {
                Some("failing") => {
                    generators.register(subcategory.clone(), Arc::new(FailingGenerator))
                }
                Some("echo") => generators.register(subcategory.clone(), Arc::new(EchoGenerator)),
                _ => return Err(format!("unknown generator {kind} for `{subcategory}`")),
            }
        }
        let builder = Hub::builder()
            .policy(policy)
            .clock(clock.clone())
            .gateway(gateway.clone())
            .generators(generators);
        let hub = match store {
            StoreKind::Memory => builder.build(),
            StoreKind::Sqlite(path) => builder.open(&format!("sqlite:{}", path.display())),
            StoreKind::Url(url) => builder.open(url),
        }
        .map_err(|e| format!("hub: {e}"))?;
        Ok(Self {
            hub,
            clock,
            gateway,
            vars: BTreeMap::new(),
        })
    }

    fn money(&self, v: &Value) -> Result<Money, String> {
        match v {
            Value::String(s) => {
                Money::parse(s, self.hub.policy().currency).map_err(|e| e.to_string())
            }
            Value::Object(o) => {
                let amount = o
                    .get("amount")
                    .and_then(Value::as_str)
                    .ok_or("money object needs a string `amount`")?;
                let currency = o
                    .get("currency")
                    .and_then(Value::as_str)
                    .ok_or("money object needs a `currency`")?;
                let currency = Currency::from_str(currency).map_err(|e| e.to_string())?;
                Money::parse(amount, currency).map_err(|e| e.to_string())
            }
            _ => Err(format!(
                "money must be a decimal string or {{amount, currency}}, got {v}"
            )),
        }
    }

    fn money_arg(&self, a: &Args, key: &str) -> Result<Money, String> {
        self.money(a.get(key)?)
            .map_err(|e| format!("argument `{key}`: {e}"))
    }

    fn price_spec(&self, v: &Value) -> Result<PriceSpec, String> {
        let o = v.as_object().ok_or("price must be an object")?;
        let p = Args { map: o };
        let unit: PricingUnit = p.typed("unit")?;
        match p.str("type")? {
            "per_unit" => Ok(PriceSpec::PerUnit {
                unit,
                unit_price: self.money_arg(&p, "unit_price")?,
            }),
            "base_increments" => Ok(PriceSpec::BaseIncrements {
                unit,
                base_quantity: p.u32("base_quantity")?,
                base_price: self.money_arg(&p, "base_price")?,
                increment_quantity: p.u32("increment_quantity")?,
                increment_price: self.money_arg(&p, "increment_price")?,
            }),
            other => Err(format!("unknown price type `{other}`")),
        }
    }

    fn brief(v: &Value) -> Result<Brief, String> {
        match v {
            Value::String(s) => Ok(Brief::new(s.as_str())),
            Value::Object(o) => {
                let b = Args { map: o };
                let mut brief = Brief::new(b.str("text")?).with_quantity(
                    u32::try_from(b.u64_or("quantity", 1)?).map_err(|e| e.to_string())?,
                );
                brief.tags = b.strings("tags")?.into_iter().map(str::to_owned).collect();
                Ok(brief)
            }
            _ => Err("brief must be a string or {text, quantity, tags}".into()),
        }
    }

    /// An artifact a client received, told apart by what the order holds.
    fn artifact_summary(&self, order: &OrderId, artifact: &Artifact) -> Value {
        let o = self.hub.admin().order(order).ok();
        let stored = |id: Option<&BlobRef>| id.and_then(|id| self.hub.admin().artifact(id).ok());
        let stored = |id: Option<&BlobRef>| stored(id).as_ref() == Some(artifact);
        let matches = match o {
            Some(o) if stored(o.clean.as_ref()) => "clean",
            Some(o) if stored(o.draft.as_ref()) => "draft",
            _ => "neither",
        };
        json!({ "kind": to_json(&artifact.modality()), "matches": matches })
    }

    /// Runs one action. `Err` is a scenario mistake (bad action or argument).
    fn act(
        &mut self,
        actor: &str,
        action: &str,
        args: &Map<String, Value>,
    ) -> Result<Produced, String> {
        let a = Args { map: args };
        let host = actor == "host";
        let need_host = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(format!("`{action}` is a host action (actor \"host\")"))
            }
        };
        let need_actor = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "`{action}` needs a seller or client actor, not \"host\""
                ))
            }
        };
        match action {
            "register_seller"
            | "set_seller_level"
            | "add_gig"
            | "credit_balance"
            | "add_payment_method"
            | "decline_payment_method"
            | "advance_clock"
            | "set_clock"
            | "tick"
            | "run_training"
            | "cancel_running_training"
            | "seller"
            | "gateway_charges" => need_host(host)?,
            // Reads: the host reads everything (`Hub::admin`), anyone else what they may see.
            "quote" | "listing" | "order" | "job" | "asset" | "artifact" => {}
            _ => need_actor(!host)?,
        }
        let hub = &mut self.hub;
        Ok(match action {
            // ---- host
            "register_seller" => {
                let level = a
                    .str("level")?
                    .parse::<SellerLevel>()
                    .map_err(|e| e.to_string())?;
                outcome(
                    hub.register_seller(a.str("seller")?, level, a.bool_or("pro", false)?),
                    unit,
                )
            }
            "set_seller_level" => {
                let level = a
                    .str("level")?
                    .parse::<SellerLevel>()
                    .map_err(|e| e.to_string())?;
                outcome(
                    hub.set_seller_level(a.str("seller")?, level, a.bool_or("pro", false)?),
                    unit,
                )
            }
            "add_gig" => outcome(hub.add_gig(a.str("seller")?, a.str("subcategory")?), unit),
            "credit_balance" => {
                let amount = self.money_arg(&a, "amount")?;
                outcome(self.hub.credit_balance(a.str("seller")?, amount), unit)
            }
            "add_payment_method" => {
                let kind: PaymentMethodKind = a.typed("kind")?;
                let label = a
                    .opt("label")
                    .and_then(Value::as_str)
                    .unwrap_or("test method");
                outcome(
                    hub.add_payment_method(
                        a.str("seller")?,
                        PaymentMethod::new(a.str("method")?, kind, label),
                    ),
                    unit,
                )
            }
            "decline_payment_method" => {
                self.gateway
                    .set_declined(a.str("method")?, a.bool_or("declined", true)?);
                Ok((Value::Null, Vec::new()))
            }
            "advance_clock" => {
                let by = fivergo::clock::step(
                    a.i64_or("days", 0)?,
                    a.i64_or("hours", 0)?,
                    a.i64_or("minutes", 0)?,
                    a.i64_or("seconds", 0)?,
                );
                no_events(by.and_then(|by| self.clock.advance(by)), |at| json!(at))
            }
            "set_clock" => no_events(self.clock.set(instant(a.str("at")?)?), |at| json!(at)),
            "tick" => outcome(hub.tick(), unit),
            "run_training" => outcome(hub.run_training(&a.job()?), |s| to_json(&s)),
            "cancel_running_training" => no_events(hub.cancel_handle(&a.job()?), |token| {
                token.cancel();
                Value::Null
            }),
            "seller" => no_events(hub.seller(a.str("seller")?), |s| to_json(&s)),
            "entitlements" => no_events(hub.entitlements(actor), |e| to_json(&e)),
            "gateway_charges" => {
                let charges: Vec<Value> = self
                    .gateway
                    .charges()
                    .iter()
                    .map(|c| json!({"idempotency_key": c.idempotency_key, "method": c.method.id, "amount": c.amount}))
                    .collect();
                Ok((Value::Array(charges), Vec::new()))
            }
            // ---- anyone
            "order" if host => no_events(hub.admin().order(&a.order()?), |o| to_json(&o)),
            "order" => no_events(hub.order(actor, &a.order()?), |o| to_json(&o)),
            "job" if host => no_events(hub.admin().job(&a.job()?), |j| to_json(&j)),
            "job" => no_events(hub.job(actor, &a.job()?), |j| to_json(&j)),
            "asset" if host => no_events(
                hub.admin().asset(&AssetId::from(a.str("asset")?)),
                |asset| to_json(&asset),
            ),
            "asset" => no_events(hub.asset(actor, &AssetId::from(a.str("asset")?)), |asset| {
                to_json(&asset)
            }),
            "artifact" => {
                let file: BlobRef = a.typed("artifact")?;
                let read = if host {
                    hub.admin().artifact(&file)
                } else {
                    hub.artifact(actor, &file)
                };
                no_events(read, |art| json!({"kind": to_json(&art.modality())}))
            }
            "quote" => no_events(hub.quote(&a.model()?, a.u32("quantity")?), |q| to_json(&q)),
            "listing" => no_events(hub.listing(&a.model()?), |l| to_json(&l)),
            // ---- sellers: library and models
            "add_asset" => {
                let source = match a.str("source")? {
                    "portfolio" => AssetSource::Portfolio,
                    "work_sample" => AssetSource::WorkSample,
                    "upload" => AssetSource::Upload,
                    "client_delivery" => AssetSource::ClientDelivery { order: a.order()?, public: a.bool_or("public", true)? },
                    other => return Err(format!("unknown asset source `{other}` (portfolio, work_sample, upload, client_delivery)")),
                };
                let modality: Modality = a.typed("modality")?;
                let meta: AssetMeta = match a.opt("meta") {
                    Some(_) => a.typed("meta")?,
                    None => AssetMeta::default(),
                };
                let tags = a.strings("tags")?;
                outcome(hub.add_asset(actor, source, modality, meta, &tags), |id| {
                    json!(id)
                })
            }
            "tag_asset" => {
                let id = AssetId::from(a.str("asset")?);
                outcome(
                    hub.tag_asset(actor, &id, &a.strings("add")?, &a.strings("remove")?),
                    unit,
                )
            }
            "select_assets" => {
                let ids: Vec<AssetId> = a
                    .strings("assets")?
                    .into_iter()
                    .map(AssetId::from)
                    .collect();
                outcome(hub.select_assets(actor, &a.model()?, &ids), unit)
            }
            "select_all_assets" => outcome(hub.select_all_assets(actor, &a.model()?), |skipped| {
                Value::Array(
                    skipped
                        .iter()
                        .map(|(id, e)| json!({"asset": id, "code": e.code(), "rule": e.rule()}))
                        .collect(),
                )
            }),
            "deselect_assets" => {
                let ids: Vec<AssetId> = a
                    .strings("assets")?
                    .into_iter()
                    .map(AssetId::from)
                    .collect();
                outcome(hub.deselect_assets(actor, &a.model()?, &ids), unit)
            }
            "set_instructions" => {
                let text = a
                    .opt("instructions")
                    .map(|v| v.as_str().ok_or("`instructions` is a string or null"))
                    .transpose()?;
                outcome(hub.set_instructions(actor, &a.model()?, text), unit)
            }
            "attest_originality" => outcome(hub.attest_originality(actor, &a.model()?), unit),
            "create_model" => outcome(hub.create_model(actor, a.str("subcategory")?), |id| {
                json!(id)
            }),
            "set_price" => {
                let price = self.price_spec(a.get("price")?)?;
                outcome(self.hub.set_price(actor, &a.model()?, price), unit)
            }
            "set_placement" => {
                let placement = Placement {
                    gigs: a.strings("gigs")?.into_iter().map(str::to_owned).collect(),
                    on_profile: a.bool_or("on_profile", false)?,
                };
                outcome(hub.set_placement(actor, &a.model()?, placement), unit)
            }
            "publish" => outcome(hub.publish(actor, &a.model()?), unit),
            "unpublish" => outcome(hub.unpublish(actor, &a.model()?), unit),
            "archive" => outcome(hub.archive(actor, &a.model()?), unit),
            "report_issue" => {
                let target = match a.opt("order") {
                    Some(_) => ReportTarget::Creation { order: a.order()? },
                    None => ReportTarget::Model,
                };
                outcome(
                    hub.report_issue(actor, &a.model()?, target, a.str("text")?),
                    unit,
                )
            }
            "start_training" => outcome(hub.start_training(actor, &a.model()?), |id| json!(id)),
            "cancel_training" => outcome(hub.cancel_training(actor, &a.job()?), unit),
            "playground_generate" => {
                let brief = Self::brief(a.get("brief")?)?;
                outcome(
                    hub.playground_generate(actor, &a.model()?, brief, a.u64_or("seed", 1)?),
                    |(id, art)| json!({"artifact": id, "kind": to_json(&art.modality())}),
                )
            }
            // ---- sellers: subscription
            "subscribe" => outcome(
                hub.subscribe(actor, &PaymentMethodId::from(a.str("method")?)),
                |id| json!(id),
            ),
            "renew_subscription" => outcome(hub.renew_subscription(actor), |c| to_json(&c)),
            "pay_past_due" => outcome(hub.pay_past_due(actor), unit),
            "cancel_subscription" => outcome(hub.cancel_subscription(actor), |at| json!(at)),
            "resume_subscription" => outcome(hub.resume_subscription(actor), unit),
            // ---- orders
            "order_draft" => {
                let brief = Self::brief(a.get("brief")?)?;
                outcome(
                    hub.order_draft(actor, &a.model()?, brief, a.u64_or("seed", 1)?),
                    |id| json!(id),
                )
            }
            "contact_seller" => {
                let brief = Self::brief(a.get("brief")?)?;
                outcome(hub.contact_seller(actor, &a.model()?, brief), |id| {
                    json!(id)
                })
            }
            "send_custom_offer" => {
                let offer = CustomOffer {
                    price: self.money_arg(&a, "price")?,
                    non_ai_work: self.money_arg(&a, "non_ai_work")?,
                    revisions: a.u32("revisions")?,
                    revision_window_hours: a.u32("revision_window_hours")?,
                    terms: a
                        .opt("terms")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                };
                outcome(self.hub.send_custom_offer(actor, &a.order()?, offer), unit)
            }
            "accept_offer" => outcome(
                hub.accept_offer(actor, &a.order()?, a.u64_or("seed", 1)?),
                unit,
            ),
            "approve" => outcome(hub.approve(actor, &a.order()?), unit),
            "record_payment" => {
                let amount = self.money_arg(&a, "amount")?;
                outcome(self.hub.record_payment(actor, &a.order()?, amount), unit)
            }
            "download" => {
                let order = a.order()?;
                let r = self.hub.download(actor, &order);
                r.map(|o| (self.artifact_summary(&order, &o.value), o.events))
                    .map_err(Error::from)
            }
            "draft" => {
                let order = a.order()?;
                self.hub
                    .draft(actor, &order)
                    .map(|art| (self.artifact_summary(&order, &art), Vec::new()))
            }
            "request_source_file" => outcome(hub.request_source_file(actor, &a.order()?), unit),
            "request_revision" => outcome(
                hub.request_revision(actor, &a.order()?, a.str("note")?),
                unit,
            ),
            "accept_delivery" => outcome(hub.accept_delivery(actor, &a.order()?), unit),
            "review" => {
                let stars = u8::try_from(a.u64("stars")?).map_err(|_| "stars out of range")?;
                outcome(
                    hub.review(
                        actor,
                        &a.order()?,
                        stars,
                        a.opt("text").and_then(Value::as_str).unwrap_or(""),
                    ),
                    unit,
                )
            }
            "request_full_refund" => outcome(hub.request_full_refund(actor, &a.order()?), unit),
            "issue_partial_refund" => {
                let amount = self.money_arg(&a, "amount")?;
                outcome(
                    self.hub.issue_partial_refund(actor, &a.order()?, amount),
                    unit,
                )
            }
            "set_delivery_public" => outcome(
                hub.set_delivery_public(actor, &a.order()?, a.bool("public")?),
                unit,
            ),
            // ---- queries for a seller
            "model" => no_events(hub.model(actor, &a.model()?), |m| {
                let mut v = to_json(&m);
                v["stale"] = json!(m.is_stale());
                v
            }),
            "models" => no_events(hub.models(actor), |models| {
                Value::Array(models.iter().map(to_json).collect())
            }),
            "quota" => no_events(hub.quota(actor, &a.model()?), |q| to_json(&q)),
            "findings" => no_events(hub.findings(actor, &a.model()?), |f| to_json(&f)),
            "publish_checklist" => {
                no_events(hub.publish_checklist(actor, &a.model()?), |r| to_json(&r))
            }
            "subscription" => no_events(hub.subscription(actor), |s| {
                s.map_or(Value::Null, |s| {
                    let mut v = to_json(&s);
                    v["state_name"] = json!(s.state_name());
                    v
                })
            }),
            "creations" => no_events(hub.creations(actor, &a.model()?), |c| to_json(&c)),
            other => return Err(format!("unknown action `{other}`")),
        })
    }
}

// ----------------------------------------------------------------------------- matching

/// Replaces every string `"$name"` by the value bound to `name`.
fn substitute(v: &Value, vars: &BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) if s.starts_with('$') && s.len() > 1 => vars
            .get(&s[1..])
            .cloned()
            .ok_or_else(|| format!("unbound variable `{s}`"))?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute(i, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                out.insert(k.clone(), substitute(v, vars)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn same_string(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    if let (Ok(e), Ok(a)) = (
        DateTime::parse_from_rfc3339(expected),
        DateTime::parse_from_rfc3339(actual),
    ) {
        return e == a;
    }
    if let (Ok(e), Ok(a)) = (Decimal::from_str(expected), Decimal::from_str(actual)) {
        return e == a;
    }
    false
}

/// Subset match: objects need every expected key (absent = null), arrays match
/// element-wise with the same length, `{"$contains": [..]}` needs each listed item to
/// match some element, `{"$len": n}` checks a length; strings compare as instants or
/// decimals when both sides parse as such.
fn matches(expected: &Value, actual: &Value, path: &str, diffs: &mut Vec<String>) {
    match expected {
        Value::Object(e) if e.len() == 1 && e.contains_key("$contains") => {
            let Some(items) = actual.as_array() else {
                diffs.push(format!("{path}: expected a list, got {}", short(actual)));
                return;
            };
            for (i, want) in e["$contains"].as_array().into_iter().flatten().enumerate() {
                if !items.iter().any(|got| {
                    let mut d = Vec::new();
                    matches(want, got, path, &mut d);
                    d.is_empty()
                }) {
                    diffs.push(format!(
                        "{path}: no element matches $contains[{i}] = {want}; got {}",
                        short(actual)
                    ));
                }
            }
        }
        Value::Object(e) if e.len() == 1 && e.contains_key("$len") => {
            let len = match actual {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                _ => {
                    diffs.push(format!("{path}: expected a list, got {}", short(actual)));
                    return;
                }
            };
            if Some(len as u64) != e["$len"].as_u64() {
                diffs.push(format!(
                    "{path}: expected length {}, got {len}: {}",
                    e["$len"],
                    short(actual)
                ));
            }
        }
        Value::Object(e) => {
            let Some(a) = actual.as_object() else {
                diffs.push(format!("{path}: expected an object, got {}", short(actual)));
                return;
            };
            for (k, want) in e {
                let got = a.get(k).unwrap_or(&Value::Null);
                matches(want, got, &format!("{path}.{k}"), diffs);
            }
        }
        Value::Array(e) => {
            let Some(a) = actual.as_array() else {
                diffs.push(format!("{path}: expected a list, got {}", short(actual)));
                return;
            };
            if e.len() != a.len() {
                diffs.push(format!(
                    "{path}: expected {} elements, got {}: {}",
                    e.len(),
                    a.len(),
                    short(actual)
                ));
                return;
            }
            for (i, (want, got)) in e.iter().zip(a).enumerate() {
                matches(want, got, &format!("{path}[{i}]"), diffs);
            }
        }
        Value::String(e) => match actual {
            Value::String(a) if same_string(e, a) => {}
            _ => diffs.push(format!(
                "{path}: expected {expected}, got {}",
                short(actual)
            )),
        },
        Value::Number(e) => {
            if actual.as_f64() != e.as_f64() || !actual.is_number() {
                diffs.push(format!(
                    "{path}: expected {expected}, got {}",
                    short(actual)
                ));
            }
        }
        _ => {
            if expected != actual {
                diffs.push(format!(
                    "{path}: expected {expected}, got {}",
                    short(actual)
                ));
            }
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 400 {
        format!(
            "{}…",
            &s[..s
                .char_indices()
                .take_while(|(i, _)| *i < 400)
                .last()
                .map_or(0, |(i, c)| i + c.len_utf8())]
        )
    } else {
        s
    }
}

// ----------------------------------------------------------------------------- steps

const STEP_KEYS: [&str; 6] = ["actor", "action", "args", "save", "expect", "note"];
const EXPECT_KEYS: [&str; 5] = ["error", "rule", "details", "events", "value"];

fn run_step(runner: &mut Runner, step: &Value) -> Result<Vec<String>, String> {
    let obj = step.as_object().ok_or("a step is an object")?;
    if let Some(k) = obj.keys().find(|k| !STEP_KEYS.contains(&k.as_str())) {
        return Err(format!("unknown step key `{k}`"));
    }
    let actor = obj
        .get("actor")
        .and_then(Value::as_str)
        .ok_or("missing `actor`")?;
    let action = obj
        .get("action")
        .and_then(Value::as_str)
        .ok_or("missing `action`")?;
    let args = substitute(obj.get("args").unwrap_or(&json!({})), &runner.vars)?;
    let args = args.as_object().ok_or("`args` is an object")?.clone();
    let expect = substitute(obj.get("expect").unwrap_or(&json!({})), &runner.vars)?;
    let expect = expect.as_object().ok_or("`expect` is an object")?.clone();
    if let Some(k) = expect.keys().find(|k| !EXPECT_KEYS.contains(&k.as_str())) {
        return Err(format!("unknown expect key `{k}`"));
    }

    let produced = runner.act(actor, action, &args)?;
    if std::env::var_os("CONFORMANCE_TRACE").is_some() {
        match &produced {
            Ok((v, events)) => {
                let kinds: Vec<&str> = events.iter().map(Recorded::kind).collect();
                eprintln!("  {actor} {action}: ok {} events {kinds:?}", short(v));
            }
            Err(e) => eprintln!("  {actor} {action}: error {}", short(&e.details())),
        }
    }
    let mut diffs = Vec::new();
    // Codes and kinds are the variants' names (strum), as serde writes them.
    if let Err(err) = &produced {
        let serde_code = serde_json::to_value(err).ok().map(|v| v["code"].clone());
        if serde_code != Some(json!(err.code())) {
            diffs.push(format!(
                "code() `{}` differs from serde's {serde_code:?}",
                err.code()
            ));
        }
    }
    match (&produced, expect.get("error")) {
        (Err(err), None) => diffs.push(format!(
            "unexpected error `{}` (rule {:?}): {err}",
            err.code(),
            err.rule()
        )),
        (Err(err), Some(code)) => {
            if code.as_str() != Some(err.code()) {
                diffs.push(format!(
                    "expected error {code}, got `{}`: {err}",
                    err.code()
                ));
            }
            if let Some(rule) = expect.get("rule") {
                if rule != &json!(err.rule()) {
                    diffs.push(format!("expected rule {rule}, got {:?}", err.rule()));
                }
            }
            if let Some(details) = expect.get("details") {
                matches(details, &err.details(), "details", &mut diffs);
            }
            if expect.contains_key("value") || expect.contains_key("events") {
                diffs.push("a step expecting an error cannot also expect a value or events".into());
            }
        }
        (Ok((value, events)), expected_error) => {
            if let Some(code) = expected_error {
                diffs.push(format!(
                    "expected error {code}, but the action succeeded with {}",
                    short(value)
                ));
            }
            if (expect.contains_key("rule") || expect.contains_key("details"))
                && expected_error.is_none()
            {
                diffs.push("`rule` / `details` need `error`".into());
            }
            if let Some(want) = expect.get("value") {
                matches(want, value, "value", &mut diffs);
            }
            if let Some(want) = expect.get("events") {
                let want = want.as_array().ok_or("`expect.events` is a list")?;
                let kinds: Vec<&str> = events.iter().map(Recorded::kind).collect();
                let same_len = want.len() == events.len();
                let mut event_diffs = Vec::new();
                for (i, (w, e)) in want.iter().zip(events).enumerate() {
                    match w {
                        Value::String(kind) if kind == e.kind() => {}
                        Value::String(kind) => event_diffs.push(format!(
                            "events[{i}]: expected `{kind}`, got `{}`",
                            e.kind()
                        )),
                        Value::Object(_) => {
                            matches(w, &to_json(e), &format!("events[{i}]"), &mut event_diffs)
                        }
                        _ => return Err("`expect.events` lists type strings or objects".into()),
                    }
                }
                if !same_len || !event_diffs.is_empty() {
                    diffs.push(format!("events were {kinds:?}"));
                    if !same_len {
                        diffs.push(format!(
                            "expected {} events, got {}",
                            want.len(),
                            events.len()
                        ));
                    }
                    diffs.extend(event_diffs);
                }
            }
            if let Some(name) = obj.get("save") {
                let name = name.as_str().ok_or("`save` is a variable name")?;
                runner.vars.insert(name.to_owned(), value.clone());
            }
        }
    }
    Ok(diffs)
}

/// Where a scenario's hub keeps its partitions.
enum StoreKind {
    Memory,
    Sqlite(PathBuf),
    /// A store URL (PostgreSQL).
    Url(String),
}

fn run_scenario(s: &Scenario, store: &StoreKind) -> Vec<String> {
    let mut runner = match Runner::new(s, store) {
        Ok(r) => r,
        Err(e) => return vec![format!("{} ({}): setup: {e}", s.name, s.file)],
    };
    let mut failures = Vec::new();
    if std::env::var_os("CONFORMANCE_TRACE").is_some() {
        eprintln!("scenario {} ({})", s.name, s.file);
    }
    for (i, step) in s.steps.iter().enumerate() {
        let what = format!(
            "{} `{}`",
            step.get("actor").and_then(Value::as_str).unwrap_or("?"),
            step.get("action").and_then(Value::as_str).unwrap_or("?")
        );
        match run_step(&mut runner, step) {
            Ok(diffs) => {
                for d in diffs {
                    failures.push(format!("{} ({}) step {i} ({what}): {d}", s.name, s.file));
                }
            }
            Err(e) => failures.push(format!(
                "{} ({}) step {i} ({what}): scenario error: {e}",
                s.name, s.file
            )),
        }
    }
    // Every event the scenario recorded has one wire form (what the bindings see).
    match runner.hub.events_since(Cursor::default(), 100_000) {
        Ok(page) => {
            for e in &page.events {
                let json = serde_json::to_value(e).expect("events serialize");
                if json["type"] != e.kind() {
                    failures.push(format!(
                        "{} ({}) event {}: kind() `{}` differs from serde's {}",
                        s.name,
                        s.file,
                        e.id,
                        e.kind(),
                        json["type"]
                    ));
                }
                for wrong in wire_mismatches(e, &json) {
                    failures.push(format!("{} ({}) event {}: {wrong}", s.name, s.file, e.id));
                }
            }
        }
        Err(e) => failures.push(format!("{} ({}): events: {e}", s.name, s.file)),
    }
    failures
}

// ----------------------------------------------------------------------------- the tests

#[test]
fn conformance_scenarios_on_memory() {
    run_all(|_| StoreKind::Memory);
}

#[test]
fn conformance_scenarios_on_sqlite() {
    let dir = support::TempDir::new("conformance");
    run_all(|s| StoreKind::Sqlite(dir.0.join(s.file.replace(".json", ".db"))));
}

#[test]
fn conformance_scenarios_on_postgres() {
    run_all(|s| {
        StoreKind::Url(support::pg_url(&format!(
            "conformance_{}",
            s.file.trim_end_matches(".json")
        )))
    });
}

fn run_all(store: impl Fn(&Scenario) -> StoreKind) {
    let scenarios = match load_scenarios() {
        Ok(s) => s,
        Err(errors) => panic!("unreadable scenarios:\n{}", errors.join("\n")),
    };
    assert!(
        !scenarios.is_empty(),
        "no scenario in {}",
        scenario_dir().display()
    );

    let mut failures = Vec::new();
    for s in &scenarios {
        failures.extend(run_scenario(s, &store(s)));
    }

    // Coverage: the union of the scenarios' rules covers the required list, and the
    // `R:` line of this file lists exactly that union (what `grep 'R: '` reports).
    let known = required_rules();
    let mut covered = BTreeSet::new();
    for s in &scenarios {
        for r in &s.rules {
            if !known.contains(r) && !r.starts_with('W') {
                failures.push(format!("{} ({}): unknown rule tag `{r}`", s.name, s.file));
            }
            covered.insert(r.clone());
        }
    }
    let missing: Vec<_> = known.difference(&covered).collect();
    if !missing.is_empty() {
        failures.push(format!("SPEC rules no scenario covers: {missing:?}"));
    }
    let marker = concat!("// R", ": ");
    let listed: BTreeSet<String> = include_str!("conformance.rs")
        .lines()
        .filter_map(|l| l.strip_prefix(marker))
        .flat_map(|l| l.split(',').map(|r| r.trim().to_owned()))
        .filter(|r| !r.is_empty())
        .collect();
    if listed != covered {
        failures.push(format!(
            "the R-line of tests/conformance.rs is out of date: listed but not covered {:?}, covered but not listed {:?}",
            listed.difference(&covered).collect::<Vec<_>>(),
            covered.difference(&listed).collect::<Vec<_>>()
        ));
    }

    if !failures.is_empty() {
        panic!(
            "{} conformance failure(s) in {} scenarios:\n{}",
            failures.len(),
            scenarios.len(),
            failures.join("\n")
        );
    }
}

#[test]
fn matcher_semantics() {
    let mut d = Vec::new();
    matches(
        &json!({"at": "2026-03-18T09:00:00Z"}),
        &json!({"at": "2026-03-18T09:00:00+00:00", "x": 1}),
        "v",
        &mut d,
    );
    matches(
        &json!({"amount": "25"}),
        &json!({"amount": "25.00"}),
        "v",
        &mut d,
    );
    matches(
        &json!({"$contains": [{"code": "b"}]}),
        &json!([{"code": "a"}, {"code": "b"}]),
        "v",
        &mut d,
    );
    matches(&json!({"$len": 2}), &json!([1, 2]), "v", &mut d);
    matches(&json!({"gone": null}), &json!({}), "v", &mut d);
    assert!(d.is_empty(), "{d:?}");
    for (want, got) in [
        (json!([1]), json!([1, 2])),
        (json!({"a": "model-1"}), json!({"a": "model-2"})),
        (
            json!({"$contains": [{"code": "c"}]}),
            json!([{"code": "a"}]),
        ),
        (json!("2026-03-18T09:00:00Z"), json!("2026-03-18T09:00:01Z")),
    ] {
        let mut d = Vec::new();
        matches(&want, &got, "v", &mut d);
        assert!(!d.is_empty(), "{want} should not match {got}");
    }
}
