"""The Python runner of the shared conformance scenarios (``tests/conformance/*.json``).

Format: ``tests/conformance/README.md``. Every action maps onto the typed ``fivergo``
API (``Hub`` methods with ``Money`` / ``Decimal`` money, ``datetime`` instants, ``Brief`` and
``PriceSpec`` objects); values are turned into JSON-like data only to compare them
with the scenario's expectations, as the Rust runner (``tests/conformance.rs``) does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

import fivergo

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "tests" / "conformance"

HOST_ACTIONS = {
    "register_seller", "set_seller_level", "add_gig", "credit_balance", "add_payment_method",
    "decline_payment_method", "advance_clock", "set_clock", "tick", "run_training",
    "cancel_running_training", "seller", "gateway_charges",
}
# Reads: the host reads everything (`Hub.admin()`), anyone else what they may see.
ANYONE_ACTIONS = {"quote", "listing", "order", "job", "asset", "artifact"}


def required_rules() -> set[str]:
    """Groups E, C, T, S, M, G, P, V, F, R, D and A1-A9, as the README requires."""
    groups = {"E": 2, "C": 4, "A": 9, "T": 5, "S": 5, "M": 7, "G": 5, "P": 5, "V": 2, "F": 2, "R": 3, "D": 5}
    return {f"{g}{i}" for g, n in groups.items() for i in range(1, n + 1)}


class FailingGenerator:
    """The ``"failing"`` generator of the format: progress 0.5, then a failure."""

    name = "failing"

    def train(self, assets: Any, instructions: Any, progress: Callable[[float], None], cancelled: Any) -> Any:
        progress(0.5)
        raise fivergo.TrainingFailed("simulated failure")

    def generate(self, style: Any, brief: Any, seed: int, progress: Any, cancelled: Any) -> bytes:
        raise fivergo.TrainingFailed("the failing generator never trained")


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def plain(value: Any) -> Any:
    """A typed API value as JSON-like data, to compare with a scenario's expectation."""
    if isinstance(value, fivergo.CreationModel):
        return {**value.to_dict(), "stale": value.stale}
    if isinstance(value, fivergo.Subscription):
        return {**value.to_dict(), "state_name": value.state_name}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, fivergo.Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def wire_native(value: Any) -> Any:
    """A value as the binding hands it out (attributes, ``datetime``, ``Money``), written
    as JSON the same way the Node runner writes its own: instants as RFC 3339 UTC with
    milliseconds, money as ``{"amount", "currency"}``."""
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.timezone.utc)
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, fivergo.Money):
        return {"amount": str(value.amount), "currency": value.currency}
    if hasattr(value, "to_dict"):
        return {k: wire_native(getattr(value, k)) for k in value.to_dict()}
    if isinstance(value, (list, tuple)):
        return [wire_native(v) for v in value]
    if isinstance(value, dict):
        return {k: wire_native(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def same_string(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    try:
        return instant(expected) == instant(actual)
    except ValueError:
        pass
    try:
        return Decimal(expected) == Decimal(actual)
    except InvalidOperation:
        return False


def matches(expected: Any, actual: Any, path: str, diffs: list[str]) -> None:
    """Subset match with ``$contains`` / ``$len``, instants and decimals compared by value."""
    if isinstance(expected, dict) and set(expected) == {"$contains"}:
        if not isinstance(actual, list):
            diffs.append(f"{path}: expected a list, got {actual!r}")
            return
        for i, want in enumerate(expected["$contains"]):
            if not any(not _diff(want, got, path) for got in actual):
                diffs.append(f"{path}: no element matches $contains[{i}] = {want!r}; got {actual!r}")
    elif isinstance(expected, dict) and set(expected) == {"$len"}:
        if not isinstance(actual, (list, dict)):
            diffs.append(f"{path}: expected a list, got {actual!r}")
        elif len(actual) != expected["$len"]:
            diffs.append(f"{path}: expected length {expected['$len']}, got {len(actual)}")
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            diffs.append(f"{path}: expected an object, got {actual!r}")
            return
        for key, want in expected.items():
            matches(want, actual.get(key), f"{path}.{key}", diffs)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            diffs.append(f"{path}: expected {len(expected)} elements, got {actual!r}")
            return
        for i, (want, got) in enumerate(zip(expected, actual)):
            matches(want, got, f"{path}[{i}]", diffs)
    elif isinstance(expected, str):
        if not (isinstance(actual, str) and same_string(expected, actual)):
            diffs.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, bool) or expected is None:
        if expected is not actual and expected != actual:
            diffs.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(expected, (int, float)):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)) or float(actual) != float(expected):
            diffs.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif expected != actual:
        diffs.append(f"{path}: expected {expected!r}, got {actual!r}")


def _diff(expected: Any, actual: Any, path: str) -> list[str]:
    d: list[str] = []
    matches(expected, actual, path, d)
    return d


def substitute(value: Any, variables: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$") and len(value) > 1 and not value.startswith("$contains") and value != "$len":
        if value[1:] not in variables:
            raise ScenarioError(f"unbound variable `{value}`")
        return variables[value[1:]]
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


class ScenarioError(Exception):
    """A mistake in a scenario file (unknown action, bad argument)."""


@dataclass
class Scenario:
    file: str
    name: str
    rules: list[str]
    start: dt.datetime
    policy: dict[str, Any]
    generators: dict[str, str]
    steps: list[dict[str, Any]]


def load_scenarios() -> list[Scenario]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        unknown = set(data) - {"name", "rules", "start", "policy", "generators", "note", "steps"}
        if unknown:
            raise ScenarioError(f"{path.name}: unknown keys {sorted(unknown)}")
        out.append(Scenario(path.name, data["name"], data["rules"], instant(data["start"]), data.get("policy", {}),
                            data.get("generators", {}), data["steps"]))
    return out


@dataclass
class Runner:
    """One scenario's hub, clock, gateway and variables."""

    scenario: Scenario
    store: str = "memory:"
    hub: fivergo.Hub = field(init=False)
    clock: fivergo.ManualClock = field(init=False)
    gateway: fivergo.SimulatedGateway = field(init=False)
    variables: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        generators: dict[str, Any] = {}
        for subcategory, kind in self.scenario.generators.items():
            if kind == "failing":
                generators[subcategory] = FailingGenerator()
            elif kind == "echo":
                generators[subcategory] = "echo"
            else:
                raise ScenarioError(f"unknown generator {kind!r}")
        self.clock = fivergo.ManualClock(self.scenario.start)
        self.gateway = fivergo.SimulatedGateway()
        policy = fivergo.Policy.from_dict(self.scenario.policy)
        self.hub = fivergo.Hub.open(self.store, policy=policy, clock=self.clock, gateway=self.gateway, generators=generators)

    # ---- argument conversions
    def money(self, value: Any) -> Any:
        if isinstance(value, dict):
            return fivergo.Money(Decimal(value["amount"]), value["currency"])
        return Decimal(value)

    def price(self, p: dict[str, Any]) -> fivergo.PriceSpec:
        if p["type"] == "per_unit":
            return fivergo.PriceSpec.per_unit(p["unit"], self.money(p["unit_price"]), self.hub.policy.currency)
        if p["type"] == "base_increments":
            return fivergo.PriceSpec.base_increments(
                p["unit"], p["base_quantity"], self.money(p["base_price"]), p["increment_quantity"],
                self.money(p["increment_price"]), self.hub.policy.currency)
        raise ScenarioError(f"unknown price type {p['type']!r}")

    @staticmethod
    def brief(b: Any) -> fivergo.Brief:
        if isinstance(b, str):
            return fivergo.Brief(b)
        return fivergo.Brief(b["text"], b.get("quantity", 1), b.get("tags", []))

    def summary(self, order: str, artifact: fivergo.Artifact) -> dict[str, Any]:
        o = self.hub.admin().order(order)
        stored = lambda art_id: self.hub.admin().artifact(art_id) if art_id else None  # noqa: E731
        matches_ = "clean" if stored(o.clean) == artifact else "draft" if stored(o.draft) == artifact else "neither"
        return {"kind": artifact.kind, "matches": matches_}

    def act(self, actor: str, action: str, a: dict[str, Any]) -> tuple[Any, list[fivergo.Event]]:
        """Runs one action: its plain value and events; a `FivergoError` propagates."""
        if action in HOST_ACTIONS and actor != "host":
            raise ScenarioError(f"`{action}` is a host action")
        if action not in HOST_ACTIONS | ANYONE_ACTIONS and actor == "host":
            raise ScenarioError(f"`{action}` needs a seller or client actor")
        h = self.hub

        def out(outcome: fivergo.Outcome, value: Callable[[Any], Any] = plain) -> tuple[Any, list[fivergo.Event]]:
            return value(outcome.value), outcome.events

        def read(value: Any) -> tuple[Any, list[fivergo.Event]]:
            return plain(value), []

        if action == "register_seller":
            return out(h.register_seller(a["seller"], a["level"], a.get("pro", False)))
        if action == "set_seller_level":
            return out(h.set_seller_level(a["seller"], a["level"], a.get("pro", False)))
        if action == "add_gig":
            return out(h.add_gig(a["seller"], a["subcategory"]))
        if action == "credit_balance":
            return out(h.credit_balance(a["seller"], self.money(a["amount"])))
        if action == "add_payment_method":
            return out(h.add_payment_method(a["seller"], a["method"], a["kind"], a.get("label") or "test method"))
        if action == "decline_payment_method":
            self.gateway.set_declined(a["method"], a.get("declined", True))
            return None, []
        if action == "advance_clock":
            self.clock.advance(dt.timedelta(days=a.get("days", 0), hours=a.get("hours", 0),
                                            minutes=a.get("minutes", 0), seconds=a.get("seconds", 0)))
            return read(h.now())
        if action == "set_clock":
            self.clock.set(instant(a["at"]))
            return read(h.now())
        if action == "tick":
            return out(h.tick())
        if action == "run_training":
            return out(h.run_training(a["job"]))
        if action == "cancel_running_training":
            h.cancel_handle(a["job"]).cancel()
            return None, []
        host = actor == "host"
        if action == "order":
            return read(h.admin().order(a["order"]) if host else h.order(actor, a["order"]))
        if action == "job":
            return read(h.admin().job(a["job"]) if host else h.job(actor, a["job"]))
        if action == "asset":
            return read(h.admin().asset(a["asset"]) if host else h.asset(actor, a["asset"]))
        if action == "seller":
            return read(h.seller(a["seller"]))
        if action == "entitlements":
            return read(h.entitlements(actor))
        if action == "gateway_charges":
            return [{"idempotency_key": c.idempotency_key, "method": c.method["id"], "amount": plain(c.amount)}
                    for c in self.gateway.charges()], []
        if action == "artifact":
            file = h.admin().artifact(a["artifact"]) if host else h.artifact(actor, a["artifact"])
            return {"kind": file.kind}, []
        if action == "quote":
            return read(h.quote(a["model"], a["quantity"]))
        if action == "listing":
            return read(h.listing(a["model"]))
        if action == "add_asset":
            source: Any = a["source"]
            if source == "client_delivery":
                source = {"type": "client_delivery", "order": a["order"], "public": a.get("public", True)}
            return out(h.add_asset(actor, source, a["modality"], a.get("meta") or {}, a.get("tags", [])))
        if action == "tag_asset":
            return out(h.tag_asset(actor, a["asset"], a.get("add", []), a.get("remove", [])))
        if action == "select_assets":
            return out(h.select_assets(actor, a["model"], a["assets"]))
        if action == "select_all_assets":
            return out(h.select_all_assets(actor, a["model"]),
                       lambda skipped: [{"asset": asset, "code": e.code, "rule": e.rule} for asset, e in skipped])
        if action == "deselect_assets":
            return out(h.deselect_assets(actor, a["model"], a["assets"]))
        if action == "set_instructions":
            return out(h.set_instructions(actor, a["model"], a.get("instructions")))
        if action == "attest_originality":
            return out(h.attest_originality(actor, a["model"]))
        if action == "create_model":
            return out(h.create_model(actor, a["subcategory"]))
        if action == "set_price":
            return out(h.set_price(actor, a["model"], self.price(a["price"])))
        if action == "set_placement":
            return out(h.set_placement(actor, a["model"], a.get("gigs", []), a.get("on_profile", False)))
        if action in ("publish", "unpublish", "archive"):
            return out(getattr(h, action)(actor, a["model"]))
        if action == "report_issue":
            return out(h.report_issue(actor, a["model"], a["text"], a.get("order")))
        if action == "start_training":
            return out(h.start_training(actor, a["model"]))
        if action == "cancel_training":
            return out(h.cancel_training(actor, a["job"]))
        if action == "playground_generate":
            return out(h.playground_generate(actor, a["model"], self.brief(a["brief"]), a.get("seed", 1)),
                       lambda v: {"artifact": v[0], "kind": v[1].kind})
        if action == "subscribe":
            return out(h.subscribe(actor, a["method"]))
        if action in ("renew_subscription", "pay_past_due", "cancel_subscription", "resume_subscription"):
            return out(getattr(h, action)(actor))
        if action == "order_draft":
            return out(h.order_draft(actor, a["model"], self.brief(a["brief"]), a.get("seed", 1)))
        if action == "contact_seller":
            return out(h.contact_seller(actor, a["model"], self.brief(a["brief"])))
        if action == "send_custom_offer":
            return out(h.send_custom_offer(actor, a["order"], self.money(a["price"]), self.money(a["non_ai_work"]),
                                           a["revisions"], a["revision_window_hours"], a.get("terms") or ""))
        if action == "accept_offer":
            return out(h.accept_offer(actor, a["order"], a.get("seed", 1)))
        if action in ("approve", "accept_delivery", "request_full_refund", "request_source_file"):
            return out(getattr(h, action)(actor, a["order"]))
        if action == "record_payment":
            return out(h.record_payment(actor, a["order"], self.money(a["amount"])))
        if action == "download":
            return out(h.download(actor, a["order"]), lambda art: self.summary(a["order"], art))
        if action == "draft":
            return self.summary(a["order"], h.draft(actor, a["order"])), []
        if action == "request_revision":
            return out(h.request_revision(actor, a["order"], a["note"]))
        if action == "review":
            return out(h.review(actor, a["order"], a["stars"], a.get("text") or ""))
        if action == "issue_partial_refund":
            return out(h.issue_partial_refund(actor, a["order"], self.money(a["amount"])))
        if action == "set_delivery_public":
            return out(h.set_delivery_public(actor, a["order"], a["public"]))
        if action == "model":
            return read(h.model(actor, a["model"]))
        if action == "models":
            return read(h.models(actor))
        if action == "quota":
            return read(h.quota(actor, a["model"]))
        if action == "findings":
            return read(h.findings(actor, a["model"]))
        if action == "publish_checklist":
            return read(h.publish_checklist(actor, a["model"]))
        if action == "subscription":
            return read(h.subscription(actor))
        if action == "creations":
            return read(h.creations(actor, a["model"]))
        raise ScenarioError(f"unknown action `{action}`")

    def run(self) -> list[str]:
        """Runs every step; returns one line per failing step."""
        failures = []
        for i, step in enumerate(self.scenario.steps):
            where = f"{self.scenario.file} step {i} ({step['action']})"
            try:
                args = substitute(step.get("args", {}), self.variables)
                expect = substitute(step.get("expect", {}), self.variables)
            except ScenarioError as e:
                failures.append(f"{where}: {e}")
                continue
            diffs: list[str] = []
            try:
                value, events = self.act(step["actor"], step["action"], args)
            except fivergo.FivergoError as err:
                if "error" not in expect:
                    diffs.append(f"unexpected error {err.code}: {err}")
                else:
                    matches(expect["error"], err.code, "error", diffs)
                    if "rule" in expect:
                        matches(expect["rule"], err.rule, "rule", diffs)
                    if "details" in expect:
                        matches(expect["details"], err.details, "details", diffs)
            except (ScenarioError, KeyError, TypeError, ValueError) as e:
                diffs.append(f"scenario error: {type(e).__name__}: {e}")
            else:
                if "error" in expect:
                    diffs.append(f"expected error {expect['error']}, got success with {value!r}")
                if "events" in expect:
                    matches(expect["events"], [e.type if isinstance(w, str) else e.to_dict()
                                               for e, w in zip(events, expect["events"])] + [e.type for e in events[len(expect["events"]):]],
                            "events", diffs)
                if "value" in expect:
                    matches(expect["value"], value, "value", diffs)
                if "save" in step:
                    self.variables[step["save"]] = value
            failures.extend(f"{where}: {d}" for d in diffs)
        dump = os.environ.get("FIVERGO_WIRE_DUMP")
        if dump and self.store == "memory:":
            self.dump_wire(Path(dump) / f"{self.scenario.file.removesuffix('.json')}.py.json")
        return failures

    def dump_wire(self, path: Path) -> None:
        """Writes every event and partition as a host sees them, for ``tests/wire/compare.py``."""
        events, _ = self.hub.events_since(0, 100_000)
        sellers = sorted({e.partition for e in events})
        partitions = {s: wire_native(self.hub.admin().partition(s)) for s in sellers}
        data = {"events": [wire_native(e) for e in events], "partitions": partitions}
        path.write_text(json.dumps(data, sort_keys=True, indent=1))
