"""A small Python service embedding the fivergo engine end to end.

Run after `maturin develop` (or `pip install ./fivergo-py`):

    python examples/python_service.py [path/to/fivergo.db]

The marketplace lives in a SQLite database (a temporary one unless a path is given):
every request of a real service would open the same file, from any number of worker
processes, and the outbox (`events_since`) tells the rest of the platform what
happened.

A seller uploads work, trains a model with a generator written in Python, prices,
subscribes and publishes it; a client orders a watermarked draft, a leaked copy is
traced back to its order, then the client approves, pays and downloads the clean file.
Every rule runs in the Rust core; this file only wires the service together.
"""

import datetime as dt
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import fivergo


class StripeGenerator:
    """A toy image generator: learns the average colour of the seller's images and
    paints textured stripes in it. The core watermarks drafts afterwards."""

    name = "stripes"

    def train(self, assets, instructions, progress, cancelled):
        totals = [0, 0, 0]
        for i, (_asset, content) in enumerate(assets):
            pixels = fivergo.Artifact.from_bytes(content).rgba or b""
            n = max(len(pixels) // 4, 1)
            for c in range(3):
                totals[c] += sum(pixels[c::4]) // n
            progress((i + 1) / len(assets))  # raises JobCancelled if the job was cancelled
        return {"rgb": [t // max(len(assets), 1) for t in totals]}

    def generate(self, style, brief, seed, progress, cancelled):
        r, g, b = style["rgb"]
        size = 512
        rows = bytearray()
        for y in range(size):
            rows += bytes(v for x in range(size) for v in ((r + 3 * x + y + seed) % 256, (g + 2 * y) % 256, (b + (x ^ y)) % 256, 255))
        return fivergo.Artifact.from_image(size, size, bytes(rows)).to_bytes()


def portfolio_png(seed: int) -> bytes:
    size = 300
    rows = bytearray()
    for y in range(size):
        rows += bytes(v for x in range(size) for v in ((x * 7 + seed) % 256, (y * 5) % 256, (x ^ y) % 256, 255))
    return fivergo.Artifact.from_image(size, size, bytes(rows)).to_bytes()


def main(db: Path) -> None:
    clock = fivergo.ManualClock(dt.datetime(2026, 2, 18, 9, tzinfo=dt.timezone.utc))
    url = f"sqlite:{db}"
    hub = fivergo.Hub.open(url, clock=clock, generators={"tattoo": StripeGenerator()})

    # Seller onboarding (E1, C2) and the training set (A1-A9).
    hub.register_seller("ana", "level_2")
    hub.add_gig("ana", "tattoo")
    hub.add_payment_method("ana", "card", "card", "Visa 4242")
    model = hub.create_model("ana", "tattoo").value
    assets = [hub.upload_asset("ana", "portfolio", portfolio_png(i), f"koi-{i}.png", ["koi"]).value for i in range(3)]
    hub.select_assets("ana", model, assets)
    hub.attest_originality("ana", model)
    for finding in hub.findings("ana", model):
        print(f"finding {finding.rule} {finding.code}: {finding.message}")

    # Training is a job (T4); the quota is counted (T1, T5).
    job = hub.start_training("ana", model).value
    print("training:", hub.run_training(job).value, "| quota:", hub.quota("ana", model))

    # Publishing refuses with every missing requirement at once (M2).
    try:
        hub.publish("ana", model)
    except fivergo.PublishError as err:
        print("cannot publish yet:", err.missing)
    hub.playground_generate("ana", model, "warm-up sketch")
    hub.set_price("ana", model, fivergo.PriceSpec.per_unit("item", Decimal("30")))
    hub.subscribe("ana", "card")
    hub.publish("ana", model)
    print("published:", hub.listing(model).name, "| 2 items cost", hub.quote(model, 2).total)

    # A client orders a draft: watermarked (W1) and traceable (W2).
    order = hub.order_draft("bob", model, fivergo.Brief("a koi with cherry blossoms"), seed=7).value
    leaked = hub.draft("bob", order)
    print("leaked draft traced to:", hub.trace(leaked))
    try:
        hub.download("bob", order)
    except fivergo.OrderError as err:
        print("download refused:", err.code, err.rule)
    hub.approve("bob", order)
    hub.record_payment("bob", order, hub.quote(model, 1).total)
    clean = hub.download("bob", order).value
    print("downloaded", clean, len(clean.to_bytes()), "bytes of PNG")

    # A month later the scheduler's tick renews the subscription (S2, T3).
    clock.advance(dt.timedelta(days=28))
    print("tick:", hub.tick().kinds())

    # The outbox, read by cursor: what a notifier or a payout worker consumes.
    cursor, kinds = 0, []
    while True:
        events, cursor = hub.events_since(cursor, limit=20)
        if not events:
            break
        kinds.extend(e.kind for e in events)
    print(len(kinds), "events in the outbox, the last:", kinds[-1], "| cursor now", cursor)

    # Another process (here: a second hub) opening the same database sees it all.
    other = fivergo.Hub.open(url, clock=clock, generators={"tattoo": StripeGenerator()})
    print("reopened:", other.model("ana", model).status, "| bob's orders:", [o.id for o in other.client_orders("bob")])


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp) / "fivergo.db")
