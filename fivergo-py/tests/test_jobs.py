"""Claimable jobs from Python: queued generations and trainings run by workers on
a shared store, and the ``run_worker`` loop."""

import threading

import pytest

import fivergo
from conftest import pg_url, seller_with_model


def published(hub: fivergo.Hub) -> str:
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    hub.run_training(job)
    hub.playground_generate("ana", model, "x")
    hub.set_price("ana", model, fivergo.PriceSpec.per_unit("item", "20"))
    hub.subscribe("ana", "card")
    hub.publish("ana", model)
    return model


def test_a_queued_draft_is_made_by_a_worker_on_another_hub(clock):
    # R: G1, G3
    url = pg_url("jobs_draft")
    app = fivergo.Hub.open(url, clock=clock)
    model = published(app)
    request = {"type": "order_draft", "client": "bob", "model": model, "brief": {"text": "a koi", "quantity": 1}, "seed": 7}
    gen = app.queue_generation(request).value
    assert app.generation("bob", gen).status == "queued"
    worker = fivergo.Hub.open(url, clock=clock)
    report = worker.work_once("w1").value
    assert report["work"] == {"kind": "generation", "id": gen}
    assert (report["attempt"], report["status"]) == (1, "succeeded")
    done = app.generation("bob", gen)
    assert done.status == "succeeded"
    order = done.outcome["order"]
    assert [o.id for o in app.client_orders("bob")] == [order]
    assert worker.work_once("w1").value is None


def test_only_the_requester_cancels_and_bad_requests_are_refused(clock):
    # R: D2
    hub = fivergo.Hub(clock=clock)
    model = published(hub)
    with pytest.raises(ValueError, match="unknown variant `lunch`"):
        hub.queue_generation({"type": "lunch"})
    gen = hub.queue_generation({"type": "order_draft", "client": "bob", "model": model, "brief": {"text": "x", "quantity": 1}, "seed": 1}).value
    try:
        hub.cancel_generation("eve", gen)
        raise AssertionError("someone else's generation")
    except fivergo.ForbiddenError as e:
        assert e.code == "forbidden"
    assert [e.kind for e in hub.cancel_generation("bob", gen).events] == ["generation_cancelled"]


def test_run_worker_threads_train_every_queued_job_once(clock, tmp_path):
    # R: T4
    url = f"sqlite:{tmp_path / 'fivergo.db'}"
    hub = fivergo.Hub.open(url, clock=clock)
    jobs = []
    for i in range(6):
        model = seller_with_model(hub, seller=f"s{i}")
        jobs.append(hub.start_training(f"s{i}", model).value)
    stop = threading.Event()
    results: "list[list[dict]]" = []
    errors: "list[fivergo.FivergoError]" = []

    def work(name: str) -> None:
        results.append(fivergo.run_worker(fivergo.Hub.open(url, clock=clock), name, stop, idle=0.01, on_error=errors.append))

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for job in jobs:
        while hub.admin().job(job).status in ("queued", "running"):
            stop.wait(0.01)
    stop.set()
    for t in threads:
        t.join()
    ran = sorted(r["work"]["id"] for rs in results for r in rs)
    assert ran == sorted(jobs), errors
    assert all(hub.admin().job(j).status == "succeeded" for j in jobs)
