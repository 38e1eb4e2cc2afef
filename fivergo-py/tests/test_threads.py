"""The GIL is released while the core works: another Python thread runs meanwhile."""

import threading
import time

import fivergo
from conftest import png, seller_with_model

# A native call that kept the GIL would let the counting thread in at most at its two
# edges (once before, once after); while the GIL is released it counts all along.
EDGE_SWITCHES = 2


def counted_during(work):
    """How often another thread advanced while `work()` ran in this one."""
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1
            time.sleep(0.0001)  # blocks without the GIL, then asks for it back

    thread = threading.Thread(target=count)
    thread.start()
    try:
        while counter[0] == 0:
            time.sleep(0.001)
        before = counter[0]
        work()
        return counter[0] - before
    finally:
        stop.set()
        thread.join()


# R: T4
def test_training_with_a_reference_generator_releases_the_gil(clock):
    hub = fivergo.Hub(clock=clock, generators="reference")
    model = seller_with_model(hub, images=12)
    job = hub.start_training("ana", model).value
    statuses = []
    assert counted_during(lambda: statuses.append(hub.run_training(job).value)) > EDGE_SWITCHES
    assert statuses == ["succeeded"]
    assert hub.model("ana", model).live["style"]["generator"] == "quilt"


# R: A3
def test_inspecting_files_releases_the_gil():
    big = png(1200, 1200)
    kinds = []
    assert counted_during(lambda: kinds.extend(fivergo.inspect(big)[0] for _ in range(3))) > EDGE_SWITCHES
    assert kinds == ["image"] * 3
