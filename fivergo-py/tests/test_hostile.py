"""Hostile input through the binding (issue 13): every public function fed wrong types,
out-of-range numbers, NaN / Infinity, huge ints, naive datetimes, NUL bytes, 1 MB
strings and corrupt bytes raises a ``FivergoError`` with ``.code`` (also a
``TypeError`` / ``ValueError`` where Python expects one), never crashes; generators
that raise, return the wrong thing, return too much or overrun their deadline are
refused the same way. The same cases run in Rust (``tests/hardening.rs``) and Node
(``fivergo-node/test/hostile.test.mjs``)."""

import datetime as dt
import inspect as pyinspect
import threading
import time
from decimal import Decimal

import pytest

import fivergo
from conftest import START, png, publish, seller_with_model

MEGA = "x" * (1 << 20)


class Boom(Exception):
    """A generator's own exception."""


class Small:
    """A fast generator: a 64x64 textured square; `raise_on` seeds raise Boom."""

    name = "small"

    def __init__(self, raise_on=lambda seed: False):
        self.raise_on = raise_on

    def train(self, assets, instructions, progress, cancelled):
        progress(1.0)
        return {"ok": True}

    def generate(self, style, brief, seed, progress, cancelled):
        if self.raise_on(seed):
            raise Boom(seed)
        rgba = bytes(v for y in range(64) for x in range(64) for v in ((x * 4 + seed) % 256, (y * 4) % 256, (x ^ y) % 256, 255))
        return fivergo.Artifact.from_image(64, 64, rgba).to_bytes()


def trained(hub):
    """A seller's model with a succeeded training."""
    model = seller_with_model(hub)
    assert hub.run_training(hub.start_training("ana", model).value).value == "succeeded"
    return model


def hub_with(clock, generator=None, **limits):
    policy = fivergo.Policy.from_dict({"limits": limits}) if limits else None
    return fivergo.Hub(policy=policy, clock=clock, generators={"tattoo": generator or Small()})


# ----------------------------------------------------------------------------- found already


# R: T3
def test_a_clock_step_past_the_calendar_is_invalid_input_and_nothing_sticks(clock):
    hub = fivergo.Hub(clock=clock)
    for step in (dt.timedelta.max, dt.timedelta.min, dt.timedelta(days=10**8)):
        with pytest.raises(fivergo.InvalidInputError) as err:
            clock.advance(step)
        assert err.value.code == "invalid_input" and isinstance(err.value, ValueError)
        assert clock.now() == START, "a refused step leaves the clock where it was"
    with pytest.raises(fivergo.InvalidInputError):
        clock.set(dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc))
    with pytest.raises(fivergo.InvalidTypeError) as err:
        clock.set(dt.datetime(2026, 3, 1))  # naive
    assert isinstance(err.value, TypeError) and err.value.code == "invalid_input"
    # Later calls on this thread, on this hub and a new one, work as before.
    hub.register_seller("ana", "level_2")
    fivergo.Hub(clock=clock).register_seller("ana", "level_2")
    clock.advance(dt.timedelta(days=1))
    assert hub.now() == START + dt.timedelta(days=1)


# R: V1
def test_the_clock_never_runs_backwards_so_a_revision_never_precedes_its_download(clock):
    hub = fivergo.Hub(clock=clock)
    for move in (lambda: clock.advance(dt.timedelta(days=-1)), lambda: clock.set(START - dt.timedelta(seconds=1))):
        with pytest.raises(fivergo.InvalidInputError) as err:
            move()
        assert err.value.code == "invalid_input" and err.value.min == START.isoformat()
        assert clock.now() == START == hub.now()
    clock.set(START)  # standing still is allowed
    clock.advance(dt.timedelta(0))


# R: V2, V1
def test_a_custom_offer_window_beyond_the_policy_is_refused(clock):
    hub = hub_with(clock)
    model = trained(hub)
    publish(hub, "ana", model)
    order = hub.contact_seller("bob", model, "a rose").value
    before = hub.admin().partition("ana")
    with pytest.raises(fivergo.InvalidInputError) as err:
        hub.send_custom_offer("ana", order, Decimal("100"), Decimal("40"), 1, 2**32 - 1)
    assert (err.value.field, err.value.max, err.value.got) == ("revision_window_hours", "8760", "4294967295")
    with pytest.raises(fivergo.InvalidInputError) as err:
        hub.send_custom_offer("ana", order, Decimal("100"), Decimal("40"), -1, 24)
    assert (err.value.min, err.value.max) == ("0", "4294967295")
    assert hub.admin().partition("ana") == before


# R: S2
def test_a_grace_period_past_the_calendar_is_an_invalid_policy():
    with pytest.raises(fivergo.PolicyError) as err:
        fivergo.Policy.from_dict({"subscription": {"grace_period_days": 2**32 - 1}})
    assert isinstance(err.value, ValueError) and err.value.field == "subscription.grace_period_days"
    with pytest.raises(fivergo.InvalidInputError):
        fivergo.Policy.from_dict({"subscription": {"grace_period_days": 2**64}})


# R: S2
def test_a_credit_that_would_overflow_the_balance_is_refused_and_loses_nothing(clock):
    biggest = Decimal("79228162514264337593543950335")
    hub = hub_with(clock, max_amount=str(biggest))
    hub.register_seller("ana", "level_2")
    hub.credit_balance("ana", biggest)
    with pytest.raises(fivergo.InvalidInputError) as err:
        hub.credit_balance("ana", 1)
    assert err.value.events == [], "no balance_credited event for money that did not arrive"
    assert hub.seller("ana").balance == fivergo.Money(biggest)


# R: P5, S2
def test_absurd_sub_cent_and_non_finite_money_is_refused(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    for amount, cls in [
        (2**70, fivergo.InvalidInputError),
        (2**100, fivergo.InvalidInputError),
        ("0.001", fivergo.InvalidInputError),
        (Decimal("NaN"), fivergo.InvalidInputError),
        (Decimal("Infinity"), fivergo.InvalidInputError),
        (Decimal("-Infinity"), fivergo.InvalidInputError),
        ("not money", fivergo.InvalidInputError),
        (1.5, fivergo.InvalidTypeError),
        (True, fivergo.InvalidTypeError),
        (None, fivergo.InvalidTypeError),
    ]:
        with pytest.raises(cls) as err:
            hub.credit_balance("ana", amount)
        assert err.value.code == "invalid_input", amount
    assert hub.seller("ana").balance == fivergo.Money(0)
    hub.credit_balance("ana", "2.500")
    assert hub.seller("ana").balance == fivergo.Money(Decimal("2.5"))


# R: E1, M6, A5, V1
def test_ids_and_texts_beyond_the_policy_limits_are_refused(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    before = hub.admin().partition("ana")
    for call in [
        lambda: hub.register_seller(MEGA, "level_2"),
        lambda: hub.register_seller("a\x00b", "level_2"),
        lambda: hub.seller(MEGA),
        lambda: hub.report_issue("bob", model, "y" * (50 << 20)),
        lambda: hub.report_issue(MEGA, model, "broken"),
        lambda: hub.set_instructions("ana", model, MEGA),
        lambda: hub.add_payment_method("ana", MEGA, "card"),
        lambda: hub.tag_asset("ana", "ana/asset-1", [MEGA]),
    ]:
        with pytest.raises(fivergo.InvalidInputError) as err:
            call()
        assert err.value.code == "invalid_input"
    assert hub.admin().partition("ana") == before


# R: D5, A3
def test_values_nested_too_deep_are_refused_without_recursing(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(fivergo.InvalidInputError) as err:
        hub.add_asset("ana", "portfolio", "image", {"width": 1024, "height": 1024, "style": deep})
    assert (err.value.what, err.value.max) == ("nesting depth", "64")
    with pytest.raises(fivergo.InvalidInputError):
        fivergo.Policy.from_dict({"models": deep})


class DeepStyle(Small):
    def __init__(self, depth):
        super().__init__()
        self.depth = depth

    def train(self, assets, instructions, progress, cancelled):
        style = {}
        for _ in range(self.depth):
            style = {"x": style}
        return style


# R: T4
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_style_nested_too_deep_fails_the_training_with_its_quota_back(clock, depth):
    hub = hub_with(clock, DeepStyle(depth))
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    assert hub.run_training(job).value == "failed"
    assert "nesting depth" in hub.admin().job(job).to_json()
    assert hub.quota("ana", model).used == 0


# R: T4
def test_a_generator_exception_reaches_its_own_caller_only(clock):
    """Threads generating with a generator that raises on odd seeds, beside threads
    reading the hub: each generation sees its own exception (or none), readers never."""
    hub = hub_with(clock, Small(raise_on=lambda seed: seed >= 1000 and seed % 2 == 1))
    model = trained(hub)
    publish(hub, "ana", model)
    wrong = []

    def generate(base):
        for seed in range(base, base + 40):
            try:
                hub.order_draft("bob", model, "a koi", seed)
                if seed % 2 == 1:
                    wrong.append(("no exception", seed))
            except Boom as e:
                if e.args != (seed,):
                    wrong.append(("someone else's", seed, e.args))
            except Exception as e:  # noqa: BLE001 - anything else is a failure of the test
                wrong.append(("unexpected", seed, repr(e)))

    def read():
        for _ in range(200):
            try:
                hub.seller("ana")
            except Exception as e:  # noqa: BLE001
                wrong.append(("reader", repr(e)))

    threads = [threading.Thread(target=generate, args=((i + 1) * 1000,)) for i in range(3)] + [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    assert len(hub.client_orders("bob")) == 3 * 20


class Sleeper(Small):
    def __init__(self, seconds, when):
        super().__init__()
        self.seconds, self.when = seconds, when

    def train(self, assets, instructions, progress, cancelled):
        if self.when == "train":
            time.sleep(self.seconds)
        return super().train(assets, instructions, progress, cancelled)

    def generate(self, style, brief, seed, progress, cancelled):
        if self.when == "generate":
            time.sleep(self.seconds)
            progress(0.5)  # past the deadline: raises JobCancelled
        return super().generate(style, brief, seed, progress, cancelled)


# R: G5, T4
def test_a_generator_past_its_deadline_is_refused(clock):
    # The generator sleeps six times its deadline: however loaded the machine, it
    # answers late.
    hub = hub_with(clock, Sleeper(0.3, "generate"), generation_deadline_ms=50)
    model = seller_with_model(hub)
    hub.run_training(hub.start_training("ana", model).value)
    with pytest.raises(fivergo.GeneratorError) as err:
        hub.playground_generate("ana", model, "koi")
    assert (err.value.code, err.value.limit_ms) == ("generator_timeout", 50)
    assert hub.model("ana", model).playground_generations == 0

    hub = hub_with(fivergo.ManualClock(START), Sleeper(0.3, "train"), training_deadline_ms=50)
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    assert hub.run_training(job).value == "failed"
    assert "did not answer within 50 ms" in hub.admin().job(job).to_json()
    assert hub.quota("ana", model).used == 0, "a failed training gives its quota back (T4)"


class ExplodingTrain(Small):
    def train(self, assets, instructions, progress, cancelled):
        raise Boom("train")


# R: T4
def test_a_training_run_that_raises_fails_its_job_with_the_quota_back(clock):
    hub = hub_with(clock, ExplodingTrain())
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    run, _ = hub.begin_training(job)
    with pytest.raises(Boom):
        run.execute()
    assert hub.admin().job(job).status == "failed"
    assert hub.quota("ana", model).used == 0

    # A progress callback that raises stops the run the same way.
    hub = hub_with(fivergo.ManualClock(START))
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    run, _ = hub.begin_training(job)

    def progress(fraction):
        raise Boom("progress")

    with pytest.raises(Boom):
        run.execute(progress)
    assert hub.admin().job(job).status == "failed"
    assert hub.quota("ana", model).used == 0
    with pytest.raises(fivergo.InvalidInputError):
        run.execute()  # runs once


class WrongReturns(Small):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def generate(self, style, brief, seed, progress, cancelled):
        return self.value


# R: G1, A3
@pytest.mark.parametrize(
    "value, code",
    [
        (None, "generator_failed"),
        (12, "generator_failed"),
        ({"not": "a file"}, "generator_failed"),
        (b"\x89PNG corrupt", "asset_unreadable"),
        (b"\x00" * (64 * 1024 * 1024 + 1), "media_too_large"),
        ("y" * (64 * 1024 * 1024 + 1), "media_too_large"),
    ],
)
def test_a_generator_returning_the_wrong_thing_is_refused(clock, value, code):
    hub = hub_with(clock, WrongReturns(value))
    model = seller_with_model(hub)
    hub.run_training(hub.start_training("ana", model).value)
    with pytest.raises(fivergo.FivergoError) as err:
        hub.playground_generate("ana", model, "koi")
    assert err.value.code == code


# ----------------------------------------------------------------------------- across FFI

BAD = [
    None,
    1.5,
    float("nan"),
    float("inf"),
    -1,
    2**70,
    True,
    Decimal("NaN"),
    Decimal("Infinity"),
    dt.datetime(2026, 1, 1),
    "a\x00b",
    MEGA,
    b"\x89PNG\r\n\x1a\n corrupt",
    [[[[]]]],
    {"type": 7},
    object(),
]
"""Values that no public function accepts in at least one of its argument positions."""

GOOD = {
    "seller": "ana", "client": "bob", "reporter": "bob", "actor": "bob", "model": "ana/model-1", "order": "ana/order-1",
    "job": "ana/job-1", "asset": "ana/asset-1", "level": "level_2", "subcategory": "tattoo", "method": "card",
    "kind": "card", "label": "Visa", "source": "portfolio", "modality": "image", "brief": "koi", "text": "broken",
    "note": "darker", "stars": 5, "amount": Decimal("1"), "price": Decimal("10"), "non_ai_work": Decimal("1"),
    "revisions": 1, "revision_window_hours": 24, "quantity": 1, "seed": 1, "cursor": 0, "limit": 10, "data": png(8, 8),
    "instructions": "short", "gigs": [], "public": True, "pro": False, "assets": [], "add": [], "remove": [], "tags": [],
}


def positional(fn):
    """The positional parameter names of a native function or method, from its signature."""
    try:
        params = pyinspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    return [p.name for p in params if p.name not in ("self", "cls") and p.default is pyinspect.Parameter.empty]


def assert_refused_or_done(call, label):
    try:
        call()
    except fivergo.FivergoError as e:
        assert isinstance(e.code, str) and e.code, label
        if e.code == "internal_error":
            pytest.fail(f"{label}: a panic reached the boundary: {e}")
    except (Boom, fivergo.JobCancelled) as e:  # pragma: no cover - no generator raises here
        pytest.fail(f"{label}: {e!r}")


# R: D1, G1, P5, A3
def test_every_hub_method_refuses_bad_arguments_with_a_code(clock):
    hub = hub_with(clock)
    model = trained(hub)
    publish(hub, "ana", model)
    order = hub.order_draft("bob", model, "a koi").value
    assert (model, order) == (GOOD["model"], GOOD["order"])
    methods = [name for name in dir(hub) if not name.startswith("_") and callable(getattr(hub, name))]
    assert len(methods) > 50
    tried = 0
    for name in methods:
        params = positional(getattr(hub, name))
        assert params is not None, f"{name} has no signature"
        for i, param in enumerate(params):
            for bad in BAD:
                args = [GOOD.get(p, "x") for p in params]
                args[i] = bad
                assert_refused_or_done(lambda: getattr(hub, name)(*args), f"Hub.{name}({param}={bad!r:.40})")
                tried += 1
    assert tried > 1000
    # The hub is still whole.
    assert hub.order("bob", order).client == "bob"


# R: A3, W2, P5
def test_every_module_function_and_value_constructor_refuses_bad_arguments_with_a_code():
    targets = {
        "inspect": fivergo.inspect,
        "detect_watermark": fivergo.detect_watermark,
        "mark_draft": fivergo.mark_draft,
        "load_policy": fivergo.load_policy,
        "evaluate": fivergo.evaluate,
        "Policy": fivergo.Policy,
        "Policy.from_dict": fivergo.Policy.from_dict,
        "Money": fivergo.Money,
        "Brief": fivergo.Brief,
        "ManualClock": fivergo.ManualClock,
        "Artifact.from_bytes": fivergo.Artifact.from_bytes,
        "Artifact.from_image": fivergo.Artifact.from_image,
        "Artifact.from_audio": fivergo.Artifact.from_audio,
        "Artifact.from_text": fivergo.Artifact.from_text,
        "PriceSpec.per_unit": fivergo.PriceSpec.per_unit,
        "PriceSpec.base_increments": fivergo.PriceSpec.base_increments,
        "Event.from_json": fivergo.Event.from_json,
        "Order.from_dict": fivergo.Order.from_dict,
    }
    good = {"data": png(8, 8), "clean": fivergo.Artifact.from_text("x"), "artifact": fivergo.Artifact.from_text("x"),
            "reference": "ana/order-1", "seed": 1, "json": "{}", "generator": "echo", "subcategory": "tattoo",
            "own": [png(8, 8)], "amount": Decimal("1"), "text": "koi", "start": START, "width": 1, "height": 1,
            "rgba": b"\x00" * 4, "sample_rate": 8000, "channels": 1, "samples": [0], "unit": "item", "unit_price": "1",
            "base_quantity": 1, "base_price": "1", "increment_quantity": 1, "increment_price": "1"}
    for label, fn in targets.items():
        params = positional(fn) or ["data"]
        for i in range(len(params)):
            for bad in BAD:
                args = [good.get(p, "x") for p in params]
                args[i] = bad
                assert_refused_or_done(lambda: fn(*args), f"{label}({params[i]}={bad!r:.40})")
    for corrupt in [b"", b"\x00" * 10, b"RIFF\xff\xff\xff\xffWAVEfmt ", b"\x89PNG\r\n\x1a\n" + b"\xff" * 64, b"\xff\xd8\xff" + b"\x00" * 32]:
        assert_refused_or_done(lambda: fivergo.inspect(corrupt), f"inspect({corrupt[:8]!r})")
        assert_refused_or_done(lambda: fivergo.Artifact.from_bytes(corrupt), f"from_bytes({corrupt[:8]!r})")


# R: A3
def test_conversion_errors_keep_python_conventions():
    with pytest.raises(TypeError) as err:
        fivergo.Money(1.5)
    assert isinstance(err.value, fivergo.InvalidTypeError) and err.value.code == "invalid_input"
    with pytest.raises(ValueError) as err:
        fivergo.Money("abc")
    assert isinstance(err.value, fivergo.InvalidInputError)
    with pytest.raises(TypeError):
        fivergo.ManualClock(dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError) as err:
        fivergo.Brief("koi", quantity=-1)
    assert (err.value.min, err.value.max, err.value.got) == ("0", "4294967295", "-1")
    with pytest.raises(ValueError):
        fivergo.load_policy("{not json")
    assert issubclass(fivergo.PolicyError, ValueError) and issubclass(fivergo.InternalError, fivergo.FivergoError)


# ----------------------------------------------------------------------------- host objects


# R: C1, S5
def test_hub_refuses_bad_generators_and_gateways_with_a_code(clock):
    for bad in BAD:
        if bad is None:
            continue  # the default
        for kwargs in ({"generators": bad}, {"gateway": bad}, {"generators": {"tattoo": bad}}, {"generators": {"*": bad}}):
            with pytest.raises(fivergo.InvalidInputError) as err:
                fivergo.Hub(clock=clock, **kwargs)
            assert err.value.code == "invalid_input" and err.value.field.startswith(("generators", "gateway")), (kwargs, err.value)
    with pytest.raises(fivergo.InvalidInputError):
        fivergo.Hub(clock=clock, generators={MEGA: "echo"})
    with pytest.raises(fivergo.InvalidInputError):
        fivergo.Hub.open("memory:", clock=clock, generators={"tattoo": "a\x00b"})


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text either")


# R: S5, S2
@pytest.mark.parametrize("raised", [Unprintable(), ValueError(MEGA), fivergo.ChargeDeclined(MEGA), fivergo.InvalidInputError("x")])
def test_a_gateway_raising_hostile_exceptions_is_refused_with_a_code(clock, raised):
    class Raises:
        def charge(self, request):
            raise raised

    hub = fivergo.Hub(clock=clock, gateway=Raises())
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.subscribe("ana", "card")
    assert err.value.code in ("gateway_unavailable", "payment_declined")
    assert hub.subscription("ana") is None


# R: S5
def test_a_gateway_calling_back_into_the_hub_is_refused_not_deadlocked(clock):
    """The engine holds the charge's lock while the gateway answers: a hub call from
    inside ``charge`` raises there (the charge is then unanswered) instead of waiting
    for itself."""

    class Reentrant:
        hub = None
        raised: "list[BaseException]" = []

        def charge(self, request):
            try:
                return f"ref-{self.hub.seller(request.seller).id}"
            except RuntimeError as e:
                self.raised.append(e)
                raise

    gateway = Reentrant()
    hub = gateway.hub = fivergo.Hub(clock=clock, gateway=gateway)
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    done = []

    def subscribe():
        try:
            hub.subscribe("ana", "card")
        except fivergo.FivergoError as e:
            done.append(e.code)

    worker = threading.Thread(target=subscribe, daemon=True)
    worker.start()
    worker.join(30)
    assert done == ["gateway_unavailable"], "the re-entrant gateway call deadlocked"
    assert "may not call the hub" in str(gateway.raised[0])
    assert hub.subscription("ana") is None and hub.seller("ana").id == "ana"  # the hub is whole
