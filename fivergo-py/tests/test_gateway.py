"""Payment gateways written in Python: ``gateway=`` takes any object with
``charge(request) -> str``; ``ChargeDeclined`` is a decline, anything else "no answer"."""

import datetime as dt

import pytest

import fivergo
from conftest import START


class Processor:
    """A processor that records every request, charges a key once, and can be told
    to fail the next calls (an exception) or decline."""

    def __init__(self):
        self.requests: list[fivergo.ChargeRequest] = []
        self.charged: dict[str, str] = {}
        self.fail_next = 0
        self.decline = False

    def charge(self, request):
        self.requests.append(request)
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("the processor timed out")
        if self.decline:
            raise fivergo.ChargeDeclined("insufficient funds")
        return self.charged.setdefault(request.idempotency_key, f"ch_{len(self.charged) + 1}")


def subscribed(clock, gateway):
    hub = fivergo.Hub(clock=clock, gateway=gateway)
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card", "Visa")
    hub.subscribe("ana", "card")
    return hub


# R: S1, S5
def test_a_python_gateway_is_charged_with_a_typed_request(clock):
    processor = Processor()
    hub = subscribed(clock, processor)
    assert hub.gateway is processor
    (request,) = processor.requests
    assert isinstance(request, fivergo.ChargeRequest)
    assert (request.idempotency_key, request.seller) == ("ana/sub-1/0", "ana")
    assert request.method == {"id": "card", "kind": "card", "label": "Visa"}
    assert request.amount == hub.policy.monthly_fee and isinstance(request.amount, fivergo.Money)
    (charge,) = hub.subscription("ana").charges
    assert charge["source"] == {"type": "payment_method", "id": "card", "kind": "card", "reference": "ch_1"}


# R: S5, S2
def test_a_renewal_retried_after_an_exception_sends_the_same_key_and_is_charged_once(clock):
    processor = Processor()
    hub = subscribed(clock, processor)
    clock.set(START + dt.timedelta(days=29))
    processor.fail_next = 1
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.tick()
    assert (err.value.code, err.value.rule) == ("gateway_unavailable", "S5")
    assert "ConnectionError" in err.value.reason and err.value.idempotency_key == "ana/sub-1/1"
    assert hub.subscription("ana").paid_periods == 1  # nothing recorded
    assert [e.kind for e in hub.tick().events] == ["subscription_charged", "quota_renewed"]
    assert [r.idempotency_key for r in processor.requests] == ["ana/sub-1/0", "ana/sub-1/1", "ana/sub-1/1"]
    assert processor.charged == {"ana/sub-1/0": "ch_1", "ana/sub-1/1": "ch_2"}
    subscription = hub.subscription("ana")
    assert subscription.paid_periods == 2 and subscription.state_name == "active"
    assert [c["idempotency_key"] for c in subscription.charges] == ["ana/sub-1/0", "ana/sub-1/1"]


# R: S2
def test_a_declined_renewal_makes_the_subscription_past_due(clock):
    processor = Processor()
    hub = subscribed(clock, processor)
    processor.decline = True
    clock.set(START + dt.timedelta(days=29))
    events = hub.tick().events
    declined = next(e for e in events if e.type == "renewal_declined")
    assert (declined.reason, declined.method, declined.period) == ("insufficient funds", "card", 1)
    subscription = hub.subscription("ana")
    assert subscription.state_name == "past_due" and subscription.status["since"] == START.replace(month=3)
    assert subscription.renews_at is None
    processor.decline = False
    hub.pay_past_due("ana")
    assert hub.subscription("ana").state_name == "active"


# R: S2
def test_a_declined_subscription_never_starts(clock):
    processor = Processor()
    processor.decline = True
    hub = fivergo.Hub(clock=clock, gateway=processor)
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.subscribe("ana", "card")
    assert (err.value.code, err.value.rule, err.value.reason) == ("payment_declined", "S2", "insufficient funds")
    assert err.value.amount == fivergo.Money("25")
    assert hub.subscription("ana") is None


@pytest.mark.parametrize("answer", [42, None, b"ch_1", ["ch_1"]])
# R: S5
def test_a_gateway_that_returns_anything_but_a_str_is_refused(clock, answer):
    class Odd:
        def charge(self, request):
            return answer

    hub = fivergo.Hub(clock=clock, gateway=Odd())
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.subscribe("ana", "card")
    assert err.value.code == "gateway_unavailable" and "not the processor's reference" in err.value.reason
    assert hub.subscription("ana") is None


# R: S5
def test_an_interrupt_inside_the_gateway_reaches_the_caller_and_records_nothing(clock):
    class Stop(BaseException):
        pass

    class Interrupted:
        def charge(self, request):
            raise Stop()

    hub = fivergo.Hub(clock=clock, gateway=Interrupted())
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    with pytest.raises(Stop):
        hub.subscribe("ana", "card")
    assert hub.subscription("ana") is None


# R: S5
def test_the_simulated_gateway_shows_typed_charges_and_its_calls(clock):
    gateway = fivergo.SimulatedGateway()
    hub = subscribed(clock, gateway)
    assert hub.gateway is gateway
    (charge,) = gateway.charges()
    assert isinstance(charge, fivergo.ChargeRequest) and charge.amount == fivergo.Money("25")
    gateway.time_out_next(1, after_charging=True)
    clock.set(START + dt.timedelta(days=29))
    with pytest.raises(fivergo.SubscriptionError):
        hub.tick()
    hub.tick()
    assert len(gateway.charges()) == 2 and gateway.calls() == 3
    assert fivergo.Hub(clock=clock).gateway.charges() == []  # a fresh one by default


# R: S5
def test_a_gateway_without_a_charge_method_is_refused(clock):
    for bad in [object(), 5, "stripe", fivergo.Money("1")]:
        with pytest.raises(fivergo.InvalidTypeError) as err:
            fivergo.Hub(clock=clock, gateway=bad)
        assert (err.value.code, err.value.field) == ("invalid_input", "gateway")

    class NotCallable:
        charge = "yes"

    with pytest.raises(TypeError):
        fivergo.Hub(clock=clock, gateway=NotCallable())


# R: S5
def test_a_late_answer_is_no_answer_and_the_retry_sends_the_same_key(clock):
    import time

    class Slow(Processor):
        deadline_ms = 50
        delay = 0.2

        def charge(self, request):
            time.sleep(self.delay)
            return super().charge(request)

    processor = Slow()
    hub = fivergo.Hub(clock=clock, gateway=processor)
    hub.register_seller("ana", "level_2")
    hub.add_payment_method("ana", "card", "card")
    with pytest.raises(fivergo.SubscriptionError) as err:
        hub.subscribe("ana", "card")
    assert err.value.code == "gateway_unavailable" and "50 ms" in err.value.reason
    assert hub.subscription("ana") is None
    processor.delay = 0
    hub.subscribe("ana", "card")
    assert [r.idempotency_key for r in processor.requests] == ["ana/sub-1/0", "ana/sub-1/0"]
    assert processor.charged == {"ana/sub-1/0": "ch_1"}  # the late charge, found again: charged once
    assert hub.subscription("ana").charges[0]["source"]["reference"] == "ch_1"


# R: S5
@pytest.mark.parametrize("deadline, cls", [(0, fivergo.InvalidInputError), (-1, fivergo.InvalidInputError),
                                           (3_600_001, fivergo.InvalidInputError), (2**70, fivergo.InvalidInputError),
                                           (1.5, fivergo.InvalidTypeError), ("10", fivergo.InvalidTypeError),
                                           (True, fivergo.InvalidTypeError)])
def test_a_gateway_deadline_out_of_range_is_refused(clock, deadline, cls):
    class Timed(Processor):
        deadline_ms = deadline

    with pytest.raises(cls) as err:
        fivergo.Hub(clock=clock, gateway=Timed())
    assert (err.value.code, err.value.field) == ("invalid_input", "gateway.deadline_ms")
