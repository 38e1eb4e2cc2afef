"""fivergo: AI creation models for freelancers, embedded in Python.

The rules live in the Rust core; this package re-exports the native module
``fivergo._fivergo`` and adds numpy views of artifacts when numpy is installed.

Conventions: ids are ``str``; money goes in as :class:`Money` or a ``decimal.Decimal``
(in the policy currency) and comes out as :class:`Money`; instants are timezone-aware
``datetime`` (naive ones raise ``InvalidTypeError``, a ``TypeError``); enums are
snake_case strings (``"level_2"``, ``"image"``, ``"card"``); files are ``bytes`` (PNG,
JPEG, WebP, WAV, UTF-8). Records (``Seller``, ``Order`` ...) have one typed attribute
per field of the core's wire form. Every refusal raises a :class:`FivergoError`
subclass carrying ``.code``, ``.rule``, ``.details`` and the error's data fields as
attributes. The engine logs one record per command to the ``logging`` logger
``fivergo.command``.
"""

import threading
from typing import Any, Callable, Optional

from ._fivergo import (
    Admin,
    AlreadyExistsError,
    Artifact,
    Asset,
    AssetError,
    Brief,
    CancelHandle,
    CatalogueError,
    Charge,
    ChargeDeclined,
    ChargeRequest,
    Creation,
    CreationModel,
    EligibilityError,
    Event,
    Finding,
    FivergoError,
    ForbiddenError,
    GenerationJob,
    GeneratorError,
    Hub,
    InternalError,
    InvalidInputError,
    InvalidTypeError,
    JobCancelled,
    JobProgress,
    Listing,
    ManualClock,
    Money,
    NotFoundError,
    Order,
    OrderError,
    Outcome,
    Partition,
    Policy,
    PolicyError,
    PriceSpec,
    PricingError,
    PublishError,
    QuotaError,
    QuotaStatus,
    Quote,
    RefundError,
    Seller,
    StoreError,
    SimulatedGateway,
    Subscription,
    SubscriptionError,
    TrainingError,
    TrainingFailed,
    TrainingJob,
    TrainingResult,
    TrainingRun,
    __version__,
    default_policy_json,
    detect_watermark,
    evaluate,
    inspect,
    load_policy,
    mark_draft,
    refresh_logging,
)


def to_numpy(artifact: Artifact) -> Any:
    """An image as a ``(height, width, 4)`` uint8 array, audio as a ``(frames, channels)``
    int16 array. Needs numpy; raises ``ValueError`` for text."""
    import numpy as np  # type: ignore[import-not-found, unused-ignore]

    if artifact.kind == "image":
        pixels = np.frombuffer(artifact.rgba or b"", dtype=np.uint8)
        return pixels.reshape((artifact.height or 0, artifact.width or 0, 4)).copy()
    if artifact.kind == "audio":
        samples = np.frombuffer(artifact.pcm or b"", dtype="<i2").astype(np.int16)
        return samples.reshape((-1, artifact.channels or 1))
    raise ValueError("a text artifact has no array form")


def from_numpy(array: Any, sample_rate: "int | None" = None) -> Artifact:
    """An artifact from an array: ``(height, width, 4)`` uint8 is an image; with
    ``sample_rate``, ``(frames,)`` or ``(frames, channels)`` int16 is audio."""
    import numpy as np  # type: ignore[import-not-found, unused-ignore]

    a = np.asarray(array)
    if sample_rate is None:
        if a.ndim != 3 or a.shape[2] != 4 or a.dtype != np.uint8:
            raise ValueError("an image array is (height, width, 4) uint8")
        return Artifact.from_image(int(a.shape[1]), int(a.shape[0]), a.tobytes())
    if a.dtype != np.int16 or a.ndim not in (1, 2):
        raise ValueError("an audio array is (frames,) or (frames, channels) int16")
    channels = 1 if a.ndim == 1 else int(a.shape[1])
    return Artifact.from_audio(sample_rate, channels, a.reshape(-1).tolist())


def run_worker(
    hub: Hub,
    name: str,
    stop: threading.Event,
    *,
    idle: float = 0.5,
    tick: bool = False,
    on_error: Optional[Callable[[FivergoError], None]] = None,
) -> "list[dict[str, Any]]":
    """The worker loop a host runs once per worker thread or process: claims a job
    (a queued training or generation, or one whose worker's lease ran out), runs it
    and records it (``Hub.work_once``); when no job is ready, settles what fell due
    if ``tick`` and waits ``idle`` seconds. Stops when ``stop`` is set; returns the
    reports of the jobs it ran. A refusal (a lost lease, an unreachable store) goes
    to ``on_error`` and the loop goes on."""
    reports: "list[dict[str, Any]]" = []
    while not stop.is_set():
        try:
            report = hub.work_once(name).value
        except FivergoError as e:
            if on_error is not None:
                on_error(e)
            report = None
        if report is not None:
            reports.append(report)
            continue
        if tick:
            try:
                hub.tick()
            except FivergoError as e:
                if on_error is not None:
                    on_error(e)
        stop.wait(idle)
    return reports


__all__ = [
    "Admin", "AlreadyExistsError", "Artifact", "Asset", "AssetError", "Brief", "CancelHandle", "CatalogueError", "Charge",
    "ChargeDeclined", "ChargeRequest", "Creation", "CreationModel", "EligibilityError", "Event", "Finding", "FivergoError", "ForbiddenError",
    "GenerationJob", "GeneratorError", "Hub", "InternalError", "InvalidInputError", "InvalidTypeError", "JobCancelled", "JobProgress",
    "Listing", "ManualClock", "Money",
    "NotFoundError", "Order", "OrderError", "Outcome", "Partition", "Policy", "PolicyError", "PriceSpec", "PricingError",
    "PublishError", "QuotaError", "QuotaStatus", "Quote", "RefundError", "Seller", "SimulatedGateway",
    "StoreError", "Subscription", "SubscriptionError", "TrainingError", "TrainingFailed", "TrainingJob", "TrainingResult",
    "TrainingRun", "__version__", "default_policy_json", "detect_watermark", "evaluate", "from_numpy", "inspect", "load_policy",
    "mark_draft", "refresh_logging", "run_worker", "to_numpy",
]
