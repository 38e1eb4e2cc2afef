"""The engine's hot operations four ways: plain Python (what a team would write
without fivergo: `decimal` money, `datetime` anniversaries, quota counters in
dicts), the Rust core in process (`examples/hot_ops.rs`), the Python binding and
the Node binding. Prints ops/s and the ratios of issue 10's goals: Rust core >= 10x
plain Python; a simple read through a binding <= 1 us and within 2x of the
plain-Python operation.

Run with the interpreter that has the binding installed (``bash scripts/test.sh``
leaves one in .venv) after building the example and the Node addon:

    cargo build --release --example hot_ops
    (cd fivergo-node && npx napi build --platform --release)
    .venv/bin/python benches/compare/hot_ops.py
"""

import calendar
import datetime as dt
import json
import subprocess
import timeit
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CENT = Decimal("0.01")


# ----- plain Python -----------------------------------------------------------------------

def quote(unit_price: Decimal, quantity: int, included_edits: int = 1) -> dict:
    """Per-unit price: one rounded line and the rounded total (P1, P5)."""
    amount = (unit_price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    line = {"kind": "units", "quantity": quantity, "unit_price": unit_price, "amount": amount,
            "label": f"{quantity} x 1 item (one edit included)"}
    return {"lines": [line], "total": amount.quantize(CENT, rounding=ROUND_HALF_UP), "included_edits": included_edits}


def anniversary(anchor: dt.datetime, n: int) -> dt.datetime:
    """The n-th monthly anniversary, clamped to the month's last day (T3)."""
    month = anchor.month - 1 + n
    year, month = anchor.year + month // 12, month % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_index(anchor: dt.datetime, at: dt.datetime) -> int:
    n = max(0, (at.year - anchor.year) * 12 + at.month - anchor.month)
    while n > 0 and anniversary(anchor, n) > at:
        n -= 1
    while anniversary(anchor, n + 1) <= at:
        n += 1
    return n


class Quotas:
    """Trainings per (model, window) in a dict, as a hand-written service keeps them (T2)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used: dict = {}

    def check(self, model: str, anchor: dt.datetime, at: dt.datetime) -> tuple:
        window = (model, period_index(anchor, at))
        used = self.used.get(window, 0)
        return used, self.limit, used < self.limit


def best(stmt, number: int) -> float:
    """Best of 5 rounds, nanoseconds per call."""
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number * 1e9


def plain() -> dict:
    price = Decimal("19.99")
    anchor = dt.datetime(2027, 1, 31, 10, tzinfo=dt.timezone.utc)
    now = dt.datetime(2027, 6, 15, tzinfo=dt.timezone.utc)
    quotas = Quotas(2)
    quotas.used[("ana/model-1", period_index(anchor, now))] = 1
    counter = iter(range(10**9))
    return {
        "quote": best(lambda: quote(price, 1 + next(counter) % 5), 100_000),
        "anniversary": best(lambda: anniversary(anchor, next(counter) % 48), 100_000),
        "quota": best(lambda: quotas.check("ana/model-1", anchor, now), 100_000),
        "read": best(lambda: quotas.used.get(("ana/model-1", 5)), 200_000),
    }


def python_binding() -> dict:
    import fivergo

    clock = fivergo.ManualClock(dt.datetime(2027, 1, 31, 10, tzinfo=dt.timezone.utc))
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    hub.add_gig("ana", "tattoo")
    hub.add_payment_method("ana", "card", "card", "Visa")
    model = hub.create_model("ana", "tattoo").value
    hub.set_price("ana", model, fivergo.PriceSpec.per_unit("item", "19.99"))
    hub.subscribe("ana", "card")
    # A quote is for a published model: a trained model, tried in the playground.
    picture = fivergo.Artifact.from_image(64, 64, bytes(range(256)) * 64).to_bytes()
    hub.select_assets("ana", model, [hub.upload_asset("ana", "portfolio", picture, "koi.png").value])
    hub.attest_originality("ana", model)
    hub.run_training(hub.start_training("ana", model).value)
    hub.playground_generate("ana", model, "warm-up", 1)
    hub.publish("ana", model)
    hub.quote(model, 3)
    return {
        "now": best(hub.now, 200_000),
        "seller": best(lambda: hub.seller("ana"), 100_000),
        "quote": best(lambda: hub.quote(model, 3), 100_000),
        "quota": best(lambda: hub.quota("ana", model), 100_000),
    }


def node_binding() -> dict:
    out = subprocess.run(["node", str(ROOT / "benches/compare/hot_ops.mjs")], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def rust() -> dict:
    exe = ROOT / "target/release/examples/hot_ops"
    return json.loads(subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout)


def main() -> None:
    p, r, py, js = plain(), rust(), python_binding(), node_binding()
    ops = lambda ns: f"{1e9 / ns:,.0f}"
    print("| operation | plain Python ns | Rust core ns | Rust / Python speed-up |")
    print("|---|---:|---:|---:|")
    for op in ("quote", "anniversary", "quota"):
        print(f"| {op} | {p[op]:.0f} | {r[op]:.1f} | {p[op] / r[op]:.0f}x |")
    print()
    print("| call | Rust hub ns | Python binding ns | Node binding ns | plain-Python equivalent ns |")
    print("|---|---:|---:|---:|---:|")
    print(f"| quote(model, n) | {r['hub_quote']:.0f} | {py['quote']:.0f} | {js['quote']:.0f} | {p['quote']:.0f} |")
    print(f"| quota(seller, model) | {r['hub_quota']:.0f} | {py['quota']:.0f} | {js['quota']:.0f} | {p['quota']:.0f} |")
    print(f"| seller(id) (a read) | {r['hub_seller']:.0f} | {py['seller']:.0f} | {js['seller']:.0f} | {p['read']:.0f} (a dict lookup) |")
    print(f"| now() | - | {py['now']:.0f} | {js['now']:.0f} | - |")
    print()
    print(f"ops/s: plain quote {ops(p['quote'])}, Rust quote {ops(r['quote'])}, Python-binding quote {ops(py['quote'])}, Node quote {ops(js['quote'])}")


if __name__ == "__main__":
    main()
