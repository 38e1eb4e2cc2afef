"""Shared helpers: a manual clock at a fixed instant and a seller ready to train."""

import datetime as dt
import os
import re
import sys
import uuid
from pathlib import Path

import pytest

import fivergo

sys.path.insert(0, str(Path(__file__).parent))

START = dt.datetime(2026, 2, 18, 9, 0, tzinfo=dt.timezone.utc)


def png(width: int, height: int, seed: int = 0) -> bytes:
    """A textured RGBA PNG (a gradient with a seed-dependent tint)."""
    rgba = bytearray()
    for y in range(height):
        rgba += bytes(v for x in range(width) for v in ((x * 7 + seed) % 256, (y * 5 + 3 * seed) % 256, ((x ^ y) + seed) % 256, 255))
    return fivergo.Artifact.from_image(width, height, bytes(rgba)).to_bytes()


def pg_url(name: str) -> str:
    """A store URL on a fresh schema of the test run's PostgreSQL
    (``FIVERGO_TEST_PG_URL``, set by ``scripts/test.sh`` after starting a server).
    Without a server the test fails and says why: it never skips."""
    base = os.environ.get("FIVERGO_TEST_PG_URL")
    if not base:
        pytest.fail(
            "FIVERGO_TEST_PG_URL is not set: the PostgreSQL tests need a server. Run them through "
            "`bash scripts/test.sh`, which starts one, or point FIVERGO_TEST_PG_URL at a database "
            "this user may create schemas in"
        )
    slug = re.sub(r"[^a-z0-9]", "_", name.lower())[:32]
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}schema=py_{slug}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def clock() -> fivergo.ManualClock:
    return fivergo.ManualClock(START)


def seller_with_model(hub: fivergo.Hub, seller: str = "ana", subcategory: str = "tattoo", images: int = 1) -> str:
    """Registers an eligible seller with a Gig, a card, a model with uploaded images and
    the originality attestation; returns the model id."""
    hub.register_seller(seller, "level_2")
    hub.add_gig(seller, subcategory)
    hub.add_payment_method(seller, "card", "card", "Visa")
    model = hub.create_model(seller, subcategory).value
    assets = [hub.upload_asset(seller, "portfolio", png(256, 256, seed=i), f"art-{i}.png").value for i in range(images)]
    hub.select_assets(seller, model, assets)
    hub.attest_originality(seller, model)
    return model


def publish(hub: fivergo.Hub, seller: str, model: str) -> None:
    """Playground generation, a price, a subscription, then publish."""
    hub.playground_generate(seller, model, "warm-up", 1)
    hub.set_price(seller, model, fivergo.PriceSpec.per_unit("item", fivergo.Money("30")))
    hub.subscribe(seller, "card")
    hub.publish(seller, model)
