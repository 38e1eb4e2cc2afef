"""Generators written in Python, driven by the core through the Hub."""

import threading

import pytest

import fivergo
from conftest import png, publish, seller_with_model


class TintGenerator:
    """Learns the mean colour of the training images and paints textured squares in it."""

    name = "tint"

    def __init__(self):
        self.trained_on = []

    def train(self, assets, instructions, progress, cancelled):
        totals = [0, 0, 0]
        for i, (asset, content) in enumerate(assets):
            self.trained_on.append(asset.id)
            art = fivergo.Artifact.from_bytes(content)
            px = art.rgba
            n = len(px) // 4
            for c in range(3):
                totals[c] += sum(px[c::4]) // n
            progress((i + 1) / len(assets))
        return {"rgb": [t // max(len(assets), 1) for t in totals]}

    def generate(self, style, brief, seed, progress, cancelled):
        r, g, b = style["rgb"]
        size = 512  # large and textured enough to carry the invisible mark (W2)
        rgba = bytearray()
        for y in range(size):
            rgba += bytes(v for x in range(size) for v in ((r + 3 * x + y + seed) % 256, (g + 2 * y) % 256, (b + (x ^ y)) % 256, 255))
            if y % 128 == 0:
                progress(y / size)
        progress(1.0)
        return fivergo.Artifact.from_image(size, size, bytes(rgba)).to_bytes()


class Boom(Exception):
    """A generator's own exception class."""


class ExplodingGenerator(TintGenerator):
    def __init__(self, when):
        super().__init__()
        self.when = when
        self.raised = None

    def train(self, assets, instructions, progress, cancelled):
        if self.when == "train":
            self.raised = Boom("training exploded")
            raise self.raised
        return super().train(assets, instructions, progress, cancelled)

    def generate(self, style, brief, seed, progress, cancelled):
        if self.when == "generate":
            self.raised = Boom("generation exploded")
            raise self.raised
        return super().generate(style, brief, seed, progress, cancelled)


# R: T4, W2
def test_python_generator_trains_generates_and_drafts_are_traced(clock):
    gen = TintGenerator()
    hub = fivergo.Hub(clock=clock, generators={"tattoo": gen})
    model = seller_with_model(hub, images=2)
    job = hub.start_training("ana", model).value
    outcome = hub.run_training(job)
    assert outcome.value == "succeeded"
    assert "training_progressed" in outcome.kinds() and outcome.kinds()[-1] == "training_succeeded"
    assert gen.trained_on == ["ana/asset-1", "ana/asset-2"]
    live = hub.model("ana", model).live
    style = hub.trained_style("ana", live["style"])
    assert live["generator"] == style["generator"] == "tint" and len(style["data"]["rgb"]) == 3
    publish(hub, "ana", model)
    order = hub.order_draft("bob", model, "a koi", seed=5).value
    draft = hub.draft("bob", order)
    assert draft.kind == "image" and (draft.width, draft.height) == (512, 512)
    traced = hub.trace(draft)
    assert traced is not None and traced[0] == order
    hub.approve("bob", order)
    hub.record_payment("bob", order, hub.quote(model, 1).total)
    clean = hub.download("bob", order).value
    expected = fivergo.Artifact.from_bytes(gen.generate(style["data"], fivergo.Brief("a koi"), 5, lambda f: None, lambda: False))
    assert clean == expected  # the core stores what the generator made; only the draft is marked
    assert clean != draft


# R: T4
def test_exception_in_train_surfaces_unchanged_and_the_job_fails(clock):
    gen = ExplodingGenerator("train")
    hub = fivergo.Hub(clock=clock, generators={"tattoo": gen})
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    with pytest.raises(Boom) as info:
        hub.run_training(job)
    assert info.value is gen.raised
    failed = hub.admin().job(job)
    assert failed.status == "failed" and "Boom" in failed.failure
    assert hub.quota("ana", model).used == 0  # T4: a failed training gives its quota back


# R: G5
def test_exception_in_generate_surfaces_unchanged_and_nothing_is_ordered(clock):
    gen = ExplodingGenerator("generate")
    hub = fivergo.Hub(clock=clock, generators={"tattoo": gen})
    model = seller_with_model(hub)
    hub.run_training(hub.start_training("ana", model).value)
    with pytest.raises(Boom) as info:
        hub.playground_generate("ana", model, "a koi")
    assert info.value is gen.raised
    assert hub.model("ana", model).playground_generations == 0


# R: T4
def test_training_failed_is_a_reported_failure_not_an_exception(clock):
    class Refuses(TintGenerator):
        def train(self, assets, instructions, progress, cancelled):
            progress(0.5)
            raise fivergo.TrainingFailed("not enough contrast")

    hub = fivergo.Hub(clock=clock, generators={"tattoo": Refuses()})
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    outcome = hub.run_training(job)
    assert outcome.value == "failed"
    assert outcome.kinds() == ["training_started", "training_progressed", "training_failed"]
    assert outcome.events[-1].reason == "not enough contrast"


# R: T4
def test_cancel_handle_stops_a_python_generator_at_its_next_progress(clock):
    handles = {}

    class Slow(TintGenerator):
        def train(self, assets, instructions, progress, cancelled):
            for i in range(10):
                if i == 3:
                    handles["job"].cancel()
                    assert cancelled()
                progress(i / 10)  # raises JobCancelled once cancelled
            raise AssertionError("progress() should have stopped the training")

    hub = fivergo.Hub(clock=clock, generators={"tattoo": Slow()})
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    handles["job"] = hub.cancel_handle(job)
    outcome = hub.run_training(job)
    assert outcome.value == "cancelled" and outcome.kinds()[-1] == "training_cancelled"
    assert hub.quota("ana", model).used == 0


def test_a_generator_needs_train_and_generate():
    with pytest.raises(TypeError, match="train"):
        fivergo.Hub(generators={"tattoo": object()})
    with pytest.raises(ValueError):
        fivergo.Hub(generators={"tattoo": "no-such-kind"})


# R: T4
def test_other_threads_run_while_a_python_generator_trains(clock):
    started, release = threading.Event(), threading.Event()
    work_done_during_training = []

    class Waits(TintGenerator):
        def train(self, assets, instructions, progress, cancelled):
            progress(0.2)
            started.set()
            assert release.wait(timeout=60), "the main thread never ran during training"
            return super().train(assets, instructions, progress, cancelled)

    hub = fivergo.Hub(clock=clock, generators={"tattoo": Waits()})
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("status", hub.run_training(job).value))
    worker.start()
    assert started.wait(timeout=60)
    # The training is in flight: this thread still runs Python and native calls, on
    # the same hub too (the training holds no lock of it).
    hub.register_seller("bo", "level_2")
    work_done_during_training.append((hub.seller("bo").level, fivergo.inspect(png(300, 300))[0]))
    assert hub.admin().job(job).status == "running"
    assert "status" not in result
    release.set()
    worker.join(timeout=60)
    assert result["status"] == "succeeded"
    assert work_done_during_training == [("level_2", "image")]


# R: T4
def test_a_generator_may_call_back_into_its_hub(clock):
    hubs, seen = {}, []

    class Reentrant(TintGenerator):
        def train(self, assets, instructions, progress, cancelled):
            hub = hubs["hub"]
            seen.append((hub.seller("ana").level, hub.admin().job(hub.models("ana")[0].active_job).status))
            return super().train(assets, instructions, progress, cancelled)

    hub = fivergo.Hub(clock=clock, generators={"tattoo": Reentrant()})
    hubs["hub"] = hub
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    assert hub.run_training(job).value == "succeeded"
    assert seen == [("level_2", "running")]


def test_the_evaluation_harness_measures_a_python_generator():
    # R: W2, G2
    own = [png(64, 64, seed) for seed in range(2)]
    report = fivergo.evaluate(TintGenerator(), "tattoo", own, seeds=[1, 2])
    assert report["generator"] == "tint" and report["outputs"] == 2
    assert report["deterministic"] is True and report["seeds_vary"] is True
    assert report["watermark"]["drafts"] == 2
    assert report["watermark"]["decoded"] == report["watermark"]["embedded"] == 2
    assert "| tint (tattoo) |" in report["table"]


def test_the_evaluation_harness_tells_two_writing_voices_apart():
    # R: G2
    formal = [b"The parties hereby acknowledge the obligations set forth herein and shall comply accordingly.",
              b"Pursuant to the agreement, the supplier shall furnish the documentation required by the client."]
    playful = [b"Whoa, pizza night! Grab the snacks, grab your friends, let's go go go!",
               b"Sunny skies and ice cream drips, the dog thinks every stick is treasure!"]
    report = fivergo.evaluate("markov_text", "writing_translation", formal, other=playful,
                              briefs=[fivergo.Brief("a note", quantity=30)], seeds=[1, 2, 3])
    assert report["fidelity"]["own_distance"] < report["fidelity"]["other_distance"]


def test_a_python_generators_exception_surfaces_from_the_harness():
    # R: G5
    gen = ExplodingGenerator("generate")
    with pytest.raises(Boom) as raised:
        fivergo.evaluate(gen, "tattoo", [png(64, 64)], seeds=[1])
    assert raised.value is gen.raised


def trained_generator(hub, seller="ana", subcategory="tattoo"):
    """The generator that trained a fresh model of ``subcategory``."""
    model = seller_with_model(hub, seller=seller, subcategory=subcategory)
    hub.run_training(hub.start_training(seller, model).value)
    return hub.model(seller, model).live["generator"]


# R: C1
def test_generators_default_to_echo_and_take_a_registry_name(clock):
    assert trained_generator(fivergo.Hub(clock=clock)) == "echo"
    assert trained_generator(fivergo.Hub(clock=clock, generators=None)) == "echo"
    assert trained_generator(fivergo.Hub(clock=clock, generators="echo")) == "echo"
    hub = fivergo.Hub(clock=clock, generators="none")
    model = seller_with_model(hub)
    job = hub.start_training("ana", model).value
    with pytest.raises(fivergo.GeneratorError) as err:
        hub.run_training(job)
    assert err.value.code == "generator_unavailable"


# R: C1
def test_a_star_key_names_the_registry_for_the_other_subcategories(clock):
    hub = fivergo.Hub(clock=clock, generators={"*": "none", "tattoo": TintGenerator()})
    assert trained_generator(hub) == "tint"
    other = seller_with_model(hub, seller="bea", subcategory="illustration")
    job = hub.start_training("bea", other).value
    with pytest.raises(fivergo.GeneratorError):
        hub.run_training(job)


# R: C1
@pytest.mark.parametrize(
    "spec, field",
    [
        ({"tatoo": "echo"}, "generators.tatoo"),
        ({"no such subcategory": TintGenerator()}, "generators.no such subcategory"),
        ({"tattoo": "no-such-generator"}, "generators.tattoo"),
        ({"*": "no-such-registry"}, "generators.*"),
        ({"*": TintGenerator()}, "generators.*"),
        ("no-such-registry", "generators.*"),
    ],
)
def test_unknown_subcategories_generators_and_registries_are_invalid_input(spec, field):
    with pytest.raises(fivergo.InvalidInputError) as err:
        fivergo.Hub(generators=spec)
    assert (err.value.code, err.value.field) == ("invalid_input", field)
    assert isinstance(err.value, ValueError)


# R: C1
def test_generators_of_the_wrong_type_are_typed_refusals():
    for spec, field in [(5, "generators"), ({1: "echo"}, "generators"), ({"tattoo": 5}, "generators.tattoo"),
                        (["echo"], "generators"), (b"echo", "generators")]:
        with pytest.raises(fivergo.InvalidTypeError) as err:
            fivergo.Hub(generators=spec)
        assert (err.value.code, err.value.field) == ("invalid_input", field), spec
