"""Conversions (money, instants, enums, records) and the error mapping."""

import datetime as dt
import json
from decimal import Decimal

import pytest

import fivergo
from conftest import START, publish, seller_with_model


# R: P5
def test_money_is_decimal_in_and_money_out(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    hub.run_training(hub.start_training("ana", model).value)
    hub.playground_generate("ana", model, "warm-up")
    hub.set_price("ana", model, fivergo.PriceSpec.per_unit("item", Decimal("12.345")))
    hub.subscribe("ana", "card")
    hub.publish("ana", model)
    quote = hub.quote(model, 3)
    assert isinstance(quote.total, fivergo.Money) and isinstance(quote.total.amount, Decimal)
    assert quote.total.amount == Decimal(quote.to_dict()["total"]["amount"]) and quote.total.currency == "USD"
    assert quote.total.amount == (Decimal("12.345") * 3).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert hub.policy.monthly_fee == fivergo.Money(Decimal("25.00"))
    assert fivergo.Money("2.345").rounded() == fivergo.Money(Decimal("2.35"))
    with pytest.raises(TypeError):
        hub.credit_balance("ana", 1.5)


# R: P5
def test_money_in_another_currency_is_refused(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    with pytest.raises(fivergo.PricingError) as info:
        hub.credit_balance("ana", fivergo.Money("5", "EUR"))
    assert info.value.code == "currency_mismatch"
    assert (info.value.expected, info.value.found) == ("USD", "EUR")


# R: S3
def test_instants_are_aware_datetimes_and_naive_ones_are_refused(clock):
    hub = fivergo.Hub(clock=clock)
    assert hub.now() == START and hub.now().tzinfo is not None
    clock.advance(dt.timedelta(days=1, hours=2))
    assert hub.now() == START + dt.timedelta(days=1, hours=2)
    clock.set(dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert hub.now() == dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone.utc)
    with pytest.raises(TypeError, match="timezone-aware"):
        clock.set(dt.datetime(2026, 3, 1, 12))
    with pytest.raises(TypeError):
        fivergo.ManualClock(dt.datetime(2026, 3, 1))
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    hub.subscribe("ana", "card")
    ends = hub.cancel_subscription("ana").value
    assert isinstance(ends, dt.datetime) and ends == dt.datetime(2026, 4, 1, 10, tzinfo=dt.timezone.utc)


# R: E1
def test_enums_are_snake_case_strings_and_bad_ones_are_value_errors(clock):
    hub = fivergo.Hub(clock=clock)
    with pytest.raises(ValueError, match="seller level"):
        hub.register_seller("ana", "level_9")
    hub.register_seller("ana", "level_1")
    assert hub.seller("ana").level == "level_1"
    with pytest.raises(fivergo.EligibilityError) as info:
        hub.add_gig("ana", "tattoo") and hub.create_model("ana", "tattoo")
    assert info.value.rule == "E1"
    assert (info.value.level, info.value.min_level) == ("level_1", "level_2")


# R: C3
def test_events_are_frozen_records_with_dict_and_json_round_trip(clock):
    hub = fivergo.Hub(clock=clock)
    outcome = hub.register_seller("ana", "level_2")
    (event,) = outcome.events
    assert outcome.kinds() == ["seller_registered"] and event.kind == "seller_registered" == event.type
    assert event.at == START
    assert event.seller["balance"] == fivergo.Money(0)
    assert fivergo.Event.from_json(event.to_json()) == event
    assert fivergo.Event.from_dict(json.loads(json.dumps(event.to_dict()))) == event
    assert event.to_dict()["seller"]["id"] == "ana"
    assert repr(event).startswith("Event(") and "seller_registered" in repr(event)
    with pytest.raises(AttributeError):
        event.nothing_here
    with pytest.raises(AttributeError):
        event.kind = "x"
    events, cursor = hub.events_since()
    assert events == [event] and cursor == event.position == 1
    assert (event.id, event.partition, event.sequence) == ("ana/event-1", "ana", 1)
    assert hub.events_since(cursor) == ([], cursor)


# R: A8
def test_findings_are_records_with_typed_fields(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    findings = hub.findings("ana", model)
    too_few = next(f for f in findings if f.code == "too_few_images")
    assert (too_few.severity, too_few.rule, too_few.asset) == ("warning", "A8", None)
    assert too_few.message and fivergo.Finding.from_json(too_few.to_json()) == too_few


# R: T5
def test_quota_error_carries_used_limit_and_renews_at(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    for _ in range(2):
        hub.run_training(hub.start_training("ana", model).value)
    with pytest.raises(fivergo.QuotaError) as info:
        hub.start_training("ana", model)
    err = info.value
    assert isinstance(err, fivergo.FivergoError)
    assert (err.code, err.rule, err.used, err.limit, err.renews_at) == ("training_quota_exhausted", "T5", 2, 2, None)
    hub.subscribe("ana", "card")
    for _ in range(hub.quota("ana", model).limit - hub.quota("ana", model).used):
        hub.run_training(hub.start_training("ana", model).value)
    with pytest.raises(fivergo.QuotaError) as info:
        hub.start_training("ana", model)
    assert info.value.renews_at == dt.datetime(2026, 3, 18, 9, tzinfo=dt.timezone.utc)
    assert info.value.details["renews_at"] == "2026-03-18T09:00:00Z"


# R: M2
def test_publish_error_lists_every_missing_requirement(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    with pytest.raises(fivergo.PublishError) as info:
        hub.publish("ana", model)
    assert info.value.rule == "M2"
    missing = info.value.missing
    assert {"type": "price"} in missing and {"type": "active_subscription"} in missing
    assert info.value.missing == hub.publish_checklist("ana", model)


# R: G1
def test_order_flow_and_download_refused_until_approved_and_paid(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    hub.run_training(hub.start_training("ana", model).value)
    publish(hub, "ana", model)
    order = hub.order_draft("bob", model, fivergo.Brief("a koi", quantity=1), seed=7).value
    with pytest.raises(fivergo.OrderError) as info:
        hub.download("bob", order)
    assert (info.value.code, info.value.rule, info.value.approved, info.value.paid) == ("not_approved_and_paid", "G1", False, False)
    hub.approve("bob", order)
    hub.record_payment("bob", order, hub.quote(model, 1).total)
    clean = hub.download("bob", order).value
    assert isinstance(clean, fivergo.Artifact) and clean != hub.draft("bob", order)
    assert hub.order("bob", order).status == "released"


# R: D1
def test_not_found_and_forbidden_map_to_their_classes(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    hub.register_seller("eve", "level_2")
    with pytest.raises(fivergo.NotFoundError) as info:
        hub.order("bob", "ana/order-9")
    assert (info.value.entity, info.value.id, info.value.rule) == ("order", "ana/order-9", None)
    with pytest.raises(fivergo.ForbiddenError) as forbidden:
        hub.model("eve", model)
    assert forbidden.value.code == "forbidden" and forbidden.value.rule is not None


# R: S1
def test_policy_round_trips_and_invalid_policy_is_a_policy_error():
    policy = fivergo.Policy()
    assert fivergo.Policy(policy.to_json()) == policy
    assert fivergo.Policy.from_dict(policy.to_dict()) == policy
    assert policy.currency == "USD" and policy.monthly_fee == fivergo.Money("25.00")
    with pytest.raises(fivergo.PolicyError) as info:
        fivergo.Policy.from_dict({"models": {"active_model_limit": 0}})
    assert info.value.code == "invalid_policy"
    with pytest.raises(fivergo.PolicyError):
        fivergo.Policy.from_dict({"no_such_section": {}})


# R: T4
def test_a_sqlite_hub_reopened_sees_everything_committed(clock, tmp_path):
    url = f"sqlite:{tmp_path / 'fivergo.db'}"
    hub = fivergo.Hub.open(url, clock=clock)
    model = seller_with_model(hub)
    job = hub.run_training(hub.start_training("ana", model).value)
    before = hub.admin().partition("ana")
    del hub
    reopened = fivergo.Hub.open(url, clock=clock)
    assert reopened.admin().partition("ana") == before
    assert reopened.job("ana", "ana/job-1").status == "succeeded" and job.value == "succeeded"
    assert len(reopened.assets("ana")) == 1
    with pytest.raises(fivergo.InvalidInputError):
        fivergo.Hub.open("mysql://x")


# R: T4, S2
def test_two_hubs_on_one_postgres_share_everything_committed(clock):
    from conftest import pg_url

    url = pg_url("binding_reopen")
    hub = fivergo.Hub.open(url, clock=clock)
    model = seller_with_model(hub)
    job = hub.run_training(hub.start_training("ana", model).value)
    other = fivergo.Hub.open(url, clock=clock)  # another app server
    assert other.admin().partition("ana") == hub.admin().partition("ana")
    assert other.job("ana", "ana/job-1").status == "succeeded" and job.value == "succeeded"
    upload = other.assets("ana")[0].to_dict()["content"]
    assert other.file("ana", upload) == hub.file("ana", upload)  # files live in the database too
    events, cursor = other.events_since(0, 1000)
    assert [e.position for e in events] == list(range(1, len(events) + 1))
    assert cursor == len(events)


def test_an_unreachable_postgres_is_a_store_error_with_a_code():
    with pytest.raises(fivergo.StoreError) as info:
        fivergo.Hub.open("postgres://fivergo@127.0.0.1:1/postgres?connect_timeout=2")
    assert info.value.code == "store_unavailable"


# R: S2
def test_a_refused_command_still_returns_what_settling_recorded(clock):
    hub = fivergo.Hub(clock=clock)
    seller_with_model(hub)
    hub.subscribe("ana", "card")
    clock.advance(dt.timedelta(days=28))
    with pytest.raises(fivergo.SubscriptionError) as info:
        hub.resume_subscription("ana")  # nothing to resume; the renewal fell due meanwhile
    assert info.value.code == "not_cancelled"
    assert [e.kind for e in info.value.events] == ["subscription_charged", "quota_renewed"]
    assert hub.subscription("ana").paid_periods == 2


# R: T4
def test_begin_execute_finish_training_outside_the_hub(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub, images=3)
    job = hub.start_training("ana", model).value
    run, events = hub.begin_training(job)
    assert [e.kind for e in events] == ["training_started"] and run.job == job
    seen = []
    result = run.execute(seen.append)
    assert result.succeeded and seen and seen[-1] == 1.0
    with pytest.raises(ValueError):
        run.execute()
    assert hub.finish_training(result).value == "succeeded"
    assert hub.job("ana", job).status == "succeeded"


# R: E1, E2, S4
def test_entitlements_carry_the_refusal_the_command_would_raise(clock):
    hub = fivergo.Hub(clock=clock)
    model = seller_with_model(hub)
    now = hub.entitlements("ana")
    assert set(now) == {"create_models", "train", "playground", "publish", "serve_clients", "assistant_auto_replies"}
    assert now["train"] == {"allowed": True, "refusal": None}
    refusal = now["assistant_auto_replies"]["refusal"]
    assert (refusal["code"], refusal["rule"], refusal["state"]) == ("subscription_required", "S4", "none")
    hub.set_seller_level("ana", "level_1")
    refusal = hub.entitlements("ana")["train"]["refusal"]
    with pytest.raises(fivergo.EligibilityError) as err:
        hub.start_training("ana", model)
    assert (refusal["code"], refusal["rule"]) == (err.value.code, err.value.rule) == ("not_eligible", "E1")


# R: T5, S4
def test_the_exception_class_follows_the_cores_error_family(clock):
    hub = fivergo.Hub(clock=clock)
    hub.register_seller("ana", "level_2")
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.cancel_subscription("ana")
    assert (err.value.code, err.value.family) == ("subscription_required", "subscription")
    with pytest.raises(fivergo.NotFoundError) as err:
        hub.seller("nobody")
    assert err.value.family == "not_found"
    with pytest.raises(fivergo.InvalidInputError) as err:
        hub.quote("ana/model-1", -1)
    assert err.value.family == "invalid_input"
