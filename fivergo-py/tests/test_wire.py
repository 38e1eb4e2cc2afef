"""One wire form: every record the binding returns comes from the core's ``to_wire``,
with one typed attribute per field, typed as the stub says; and ``Money`` is a value."""

import copy
import datetime as dt
import pickle
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

import fivergo
from conftest import START, publish, seller_with_model
from stubtypes import load_stub, mismatches, property_type, stub_properties

UTC = dt.timezone.utc


def marketplace(clock: fivergo.ManualClock) -> "tuple[fivergo.Hub, list[Any]]":
    """A marketplace that went through every kind of record: returns the hub and
    every record object its reads and commands returned."""
    gateway = fivergo.SimulatedGateway()
    hub = fivergo.Hub(clock=clock, gateway=gateway)
    records: list[Any] = []
    model = seller_with_model(hub, images=2)
    hub.add_asset("ana", "work_sample", "image", {"width": 1024, "height": 1024, "style": "fine line"}, ["koi"])
    hub.set_instructions("ana", model, "bold lines")
    job = hub.start_training("ana", model).value
    records.append(hub.quota("ana", model))  # before subscribing: no renewal
    hub.run_training(job)
    hub.credit_balance("ana", fivergo.Money("30"))
    publish(hub, "ana", model)  # subscribed from the balance
    hub.set_placement("ana", model, ["gig-1"], on_profile=True)
    # An immediate download, paid, downloaded, revised, reviewed.
    order = hub.order_draft("bob", model, fivergo.Brief("a koi", quantity=2, tags=["koi"]), seed=7).value
    hub.approve("bob", order)
    hub.record_payment("bob", order, hub.quote(model, 2).total)
    hub.download("bob", order)
    hub.request_revision("bob", order, "darker")
    hub.approve("bob", order)  # approving the revision completes the order
    hub.review("bob", order, 5, "great")
    hub.set_delivery_public("bob", order, True)
    hub.report_issue("bob", model, "blurry", order)
    # A custom offer with a partial refund.
    offer = hub.contact_seller("cy", model, "a dragon").value
    hub.send_custom_offer("ana", offer, Decimal("100"), Decimal("40"), 1, 48, "hand-finished")
    hub.accept_offer("cy", offer, seed=3)
    hub.approve("cy", offer)
    hub.record_payment("cy", offer, Decimal("100"))
    hub.issue_partial_refund("ana", offer, Decimal("10"))
    # A queued generation run by a worker.
    generation = hub.queue_generation({"type": "playground", "seller": "ana", "model": model,
                                       "brief": {"text": "koi", "quantity": 1}, "seed": 5}).value
    hub.work_once("worker-1")
    # A renewal charged to the card (the balance ran short), then a cancellation.
    clock.advance(dt.timedelta(days=31))
    charge = hub.renew_subscription("ana").value
    hub.cancel_subscription("ana")
    records += [
        hub.seller("ana"), hub.model("ana", model), hub.order("bob", order), hub.admin().order(offer),
        hub.job("ana", job), hub.admin().generation(generation), hub.subscription("ana"), hub.quota("ana", model),
        hub.quote(model, 2), hub.listing(model), charge, *hub.creations("ana", model), *hub.assets("ana"),
        hub.admin().partition("ana"), *hub.findings("ana", model),
    ]
    # A second seller whose renewal is declined: past due.
    dee_model = seller_with_model(hub, seller="dee")
    hub.subscribe("dee", "card")
    gateway.set_declined("card")
    clock.advance(dt.timedelta(days=31))
    hub.tick()
    records += [
        hub.model("dee", dee_model), hub.subscription("dee"), *hub.findings("dee", dee_model), *gateway.charges(),
        fivergo.PriceSpec.per_unit("item", Decimal("5")),
        fivergo.PriceSpec.base_increments("seconds", 30, Decimal("40"), 10, Decimal("5")),
        *hub.events_since(0, 10_000)[0],
    ]
    return hub, records


def record_classes(stub: "dict[str, Any]") -> "set[str]":
    return {name for name, v in stub.items() if isinstance(v, type) and stub["_Record"] in v.__mro__[1:]}


@pytest.fixture(scope="module")
def world() -> "tuple[fivergo.Hub, list[Any]]":
    return marketplace(fivergo.ManualClock(START))


@pytest.fixture(scope="module")
def stub() -> "dict[str, Any]":
    return load_stub()


# R: M1
def test_every_record_class_was_exercised(world, stub):
    _, records = world
    partition = next(r for r in records if isinstance(r, fivergo.Partition))
    seen = {type(r).__name__ for r in records}
    assert seen >= record_classes(stub), record_classes(stub) - seen
    assert partition.seller == records[1]


# R: M1
def test_every_field_of_to_dict_is_an_attribute(world):
    """A field the core adds cannot silently vanish from the typed API."""
    _, records = world
    for record in records:
        cls = type(record)
        for key in record.to_dict():
            declared = isinstance(getattr(cls, key, None), property) or type(getattr(cls, key, None)).__name__ == "getset_descriptor"
            assert declared or (cls is fivergo.Event), f"{cls.__name__}.{key} is not a typed attribute"
            getattr(record, key)
        if cls is not fivergo.Event:
            assert not hasattr(record, "no_such_field")


# R: M1
def test_every_attribute_has_the_type_the_stub_declares(world, stub):
    _, records = world
    problems: list[str] = []
    for record in records:
        name = type(record).__name__
        for attr in stub_properties(stub, name):
            tp = property_type(stub, name, attr)
            problems += mismatches(getattr(record, attr), tp, stub, f"{name}.{attr}")
        if isinstance(record, fivergo.Event):
            for key in record.data:
                problems += mismatches(getattr(record, key), stub["_WireValue"], stub, f"Event({record.type}).{key}")
    assert not problems, "\n".join(problems[:40])


# R: M1
def test_stubs_declare_every_runtime_attribute(world, stub):
    _, records = world
    for record in records:
        cls = type(record)
        runtime = {n for n in dir(cls) if not n.startswith("_") and type(getattr(cls, n)).__name__ == "getset_descriptor"}
        assert runtime <= set(stub_properties(stub, cls.__name__)), (cls.__name__, runtime - set(stub_properties(stub, cls.__name__)))


# R: M1
def test_instants_are_typed_by_the_core_not_by_their_names(world):
    """Every instant of a record is an aware UTC datetime, and its JSON is RFC 3339."""
    _, records = world
    for record in records:
        for key, plain in record.to_dict().items():
            value = getattr(record, key)
            if isinstance(value, dt.datetime):
                assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0)
                assert dt.datetime.fromisoformat(plain.replace("Z", "+00:00")) == value
            elif key.endswith("_at") or key == "at":
                assert value is None, (type(record).__name__, key, value)


# R: S2
def test_money_attributes_are_money(world):
    _, records = world
    seller = next(r for r in records if isinstance(r, fivergo.Seller))
    quote = next(r for r in records if isinstance(r, fivergo.Quote))
    order = next(r for r in records if isinstance(r, fivergo.Order) and r.offer)
    assert isinstance(seller.balance, fivergo.Money) and seller.balance.currency == "USD"
    assert quote.total == fivergo.Money(quote.to_dict()["total"]["amount"]) and isinstance(quote.total.amount, Decimal)
    assert quote.lines[0]["amount"] <= quote.total
    assert order.refunded == fivergo.Money("10") and order.offer["non_ai_work"] == fivergo.Money("40")


# R: S3
def test_subscription_has_its_derived_instants(world):
    _, records = world
    ana, dee = [r for r in records if isinstance(r, fivergo.Subscription)][:2]
    assert ana.state_name == "cancelling" and ana.renews_at is None
    assert ana.current_period_end == ana.anchor.replace(month=ana.anchor.month + 2) or ana.current_period_end > ana.anchor
    assert dee.state_name == "past_due" and dee.status["state"] == "past_due"
    assert isinstance(dee.status["since"], dt.datetime)


# R: M1
def test_records_convert_once_and_keep_value_semantics(world):
    _, records = world
    model = next(r for r in records if isinstance(r, fivergo.CreationModel))
    assert model.placement is model.placement  # converted once, kept with the object
    assert fivergo.CreationModel.from_json(model.to_json()) == model
    assert fivergo.CreationModel.from_dict(model.to_dict()) == model
    seller = next(r for r in records if isinstance(r, fivergo.Seller))
    typed = {k: getattr(seller, k) for k in seller.to_dict()}
    assert fivergo.Seller.from_dict(typed) == seller  # attributes (Money included) go back in
    assert copy.copy(seller) == seller
    with pytest.raises(AttributeError):
        seller.balance = fivergo.Money("1")  # type: ignore[misc]


# R: C3
def test_events_have_common_typed_fields_and_kind_specific_attributes(world):
    hub, _ = world
    events, _ = hub.events_since(0, 10_000)
    published = next(e for e in events if e.type == "model_published")
    assert (published.kind, published.partition) == ("model_published", "ana")
    assert isinstance(published.recorded_at, dt.datetime) and published.at == published.data["at"]
    assert set(published.data) == {"model", "at"}
    credited = next(e for e in events if e.type == "balance_credited")
    assert credited.amount == fivergo.Money("30")
    with pytest.raises(AttributeError, match="model_published"):
        published.amount


# R: P5
def test_money_is_a_value_ordered_within_one_currency():
    five, ten = fivergo.Money("5"), fivergo.Money("10.00")
    assert five < ten and ten >= five and not five > ten and five <= fivergo.Money("5.000")
    assert fivergo.Money("25") == fivergo.Money("25.00") and hash(fivergo.Money("25")) == hash(fivergo.Money("25.00"))
    assert fivergo.Money("25") != fivergo.Money("25", "EUR") and fivergo.Money("25") != Decimal("25")
    assert len({fivergo.Money("1"), fivergo.Money("1.0"), fivergo.Money("1", "EUR")}) == 2
    assert repr(fivergo.Money("25.00")) == "Money('25.00', 'USD')" and str(fivergo.Money("25")) == "25.00 USD"
    assert pickle.loads(pickle.dumps(fivergo.Money("2.5", "EUR"))) == fivergo.Money("2.5", "EUR")
    assert sorted([ten, five]) == [five, ten] and max(five, ten) is ten
    with pytest.raises(fivergo.InvalidInputError) as info:
        five < fivergo.Money("5", "EUR")  # noqa: B015
    assert info.value.code == "invalid_input" and "currency" in str(info.value)
    with pytest.raises(TypeError):
        five < Decimal("6")  # noqa: B015
    assert fivergo.Policy().monthly_fee == fivergo.Money("25")


# R: M1
def test_stubtest_is_clean():
    done = subprocess.run([sys.executable, "-m", "mypy.stubtest", "fivergo"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


# R: S1
def test_utc_instants_compare_with_any_aware_datetime(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    hub.subscribe("ana", "card")
    sub = hub.subscription("ana")
    assert sub.anchor == START and sub.anchor.tzinfo == UTC
    assert sub.renews_at == sub.current_period_end == dt.datetime(2026, 3, 18, 9, tzinfo=UTC)


TYPED_USAGE = '''
import datetime
from decimal import Decimal
from typing import Optional, Union
from typing_extensions import assert_type
import fivergo

hub = fivergo.Hub(generators={"*": "reference", "tattoo": "echo"})
seller = hub.seller("ana")
assert_type(seller.balance, fivergo.Money)
assert_type(seller.balance.amount, Decimal)
assert_type(seller.payment_methods[0]["kind"], Literal["card", "paypal"])
sub = hub.subscription("ana")
assert sub is not None
assert_type(sub.renews_at, Optional[datetime.datetime])
assert_type(sub.charges[0]["amount"], fivergo.Money)
assert_type(hub.quote("m", 1).total, fivergo.Money)
assert_type(hub.order("bob", "o").paid_at, Optional[datetime.datetime])
model = hub.model("ana", "m")
assert model.live is not None
assert_type(model.live["trained_at"], datetime.datetime)
assert_type(model.status, Literal["draft", "training", "ready", "published", "unpublished", "archived"])
event = hub.events_since()[0][0]
assert_type(event.recorded_at, datetime.datetime)
event.anything  # a wire value, not Any
assert_type(hub.admin().partition("ana").models["m"], fivergo.CreationModel)

class Processor:
    def charge(self, request: fivergo.ChargeRequest) -> str:
        assert_type(request.amount, fivergo.Money)
        raise fivergo.ChargeDeclined("no")

fivergo.Hub(gateway=Processor())
'''


# R: M1
def test_the_typed_api_type_checks(tmp_path):
    """mypy sees the record attributes with their types (not Any)."""
    usage = tmp_path / "usage.py"
    usage.write_text("from typing import Literal\n" + TYPED_USAGE)
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
                           "--disallow-any-expr", "--allow-untyped-globals", str(usage)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:]
