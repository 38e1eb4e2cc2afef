"""Type stubs for the native module ``fivergo._fivergo`` (hand-written).

Conventions: ids are ``str``; money arguments take ``Decimal`` / ``int`` / decimal
``str`` (in the policy currency) or ``Money``; instants are timezone-aware
``datetime``; enums are the snake_case strings of the ``Literal`` aliases below.
"""

import datetime
from decimal import Decimal
from typing import Any, Callable, Literal, Mapping, Optional, Protocol, Sequence, TypedDict, Union

from typing_extensions import Self, final

__all__ = [
    "Admin",
    "AlreadyExistsError",
    "Artifact",
    "Asset",
    "AssetError",
    "Brief",
    "CancelHandle",
    "CatalogueError",
    "Charge",
    "Creation",
    "CreationModel",
    "EligibilityError",
    "Event",
    "Finding",
    "FivergoError",
    "ForbiddenError",
    "GenerationJob",
    "GeneratorError",
    "Hub",
    "InternalError",
    "InvalidInputError",
    "InvalidTypeError",
    "JobCancelled",
    "JobProgress",
    "Listing",
    "ManualClock",
    "Money",
    "NotFoundError",
    "Order",
    "OrderError",
    "Outcome",
    "Partition",
    "Policy",
    "PolicyError",
    "PriceSpec",
    "PricingError",
    "PublishError",
    "QuotaError",
    "QuotaStatus",
    "Quote",
    "RefundError",
    "Seller",
    "SimulatedGateway",
    "Subscription",
    "StoreError",
    "SubscriptionError",
    "TrainingError",
    "TrainingFailed",
    "TrainingJob",
    "TrainingResult",
    "TrainingRun",
    "__version__",
    "default_policy_json",
    "detect_watermark",
    "evaluate",
    "inspect",
    "load_policy",
    "mark_draft",
]

__version__: str

_SellerLevel = Literal["new", "level_1", "level_2", "top_rated"]
"""Seller levels (E1)."""
_Modality = Literal["image", "audio", "text"]
"""What a subcategory's models make."""
_AssetSourceName = Literal["portfolio", "work_sample", "upload"]
"""Where an asset comes from (client deliveries enter the library on their own, D3)."""
_PaymentMethodKind = Literal["card", "paypal"]
"""Stored payment method kinds."""
_PricingUnit = Literal["item", "seconds", "words"]
"""Units a price counts (P1)."""
_JobStatusName = Literal["queued", "running", "succeeded", "failed", "cancelled"]
"""Training job states."""
_MoneyLike = Union[Decimal, int, str, "Money"]
"""Money: a Decimal / int / decimal string in the policy currency, or a Money."""
_BriefLike = Union[str, "Brief"]
"""A brief: its text (one unit) or a Brief."""

# ----------------------------------------------------------------------------- errors

class FivergoError(Exception):
    """A refusal or failure of the fivergo engine."""

    code: str
    """Stable snake_case error code, e.g. ``"training_quota_exhausted"``."""
    rule: Optional[str]
    """The SPEC rule the refusal enforces (``"T5"``, ...), or ``None``."""
    family: str
    """The kind of refusal (``"order"``, ``"quota"``, ...): one per error variant, the class raised."""
    details: dict[str, Any]
    """The error's fields as plain JSON (``code``, ``rule``, ``message`` included)."""
    events: list[Event]
    """For a refused command: the events settling recorded before the refusal."""

class PolicyError(FivergoError, ValueError):
    """An invalid policy (``invalid_policy``); also a ``ValueError``."""

class InvalidInputError(FivergoError, ValueError):
    """A malformed or out-of-range argument (``invalid_input``); also a ``ValueError``.
    ``.field`` names the argument (``"argument"`` when PyO3 converted it: the note
    says which); a range refusal carries ``.what``, ``.min``, ``.max`` and ``.got``."""

class InvalidTypeError(InvalidInputError, TypeError):
    """An argument of the wrong type (``invalid_input``), a naive ``datetime`` or a
    ``float`` as money included; also a ``TypeError``."""

class InternalError(FivergoError):
    """A bug (``internal_error``): a panic inside the engine, caught at the binding's
    edge, with its message. Nothing half-written remains."""

class NotFoundError(FivergoError):
    """An unknown id (``not_found``)."""

    entity: str
    id: str

class AlreadyExistsError(FivergoError):
    """An id that is taken (``already_exists``)."""

class ForbiddenError(FivergoError):
    """Someone else's model, asset or order (``forbidden``)."""

class EligibilityError(FivergoError):
    """The seller is below the eligible level (E1)."""

class CatalogueError(FivergoError):
    """Unknown or unavailable subcategory, or no Gig in it (C1, C2)."""

class AssetError(FivergoError):
    """An asset refused or missing (A3, A5, A9, D3)."""

class TrainingError(FivergoError):
    """A training job cannot run, finish or be cancelled (T4)."""

class QuotaError(FivergoError):
    """The training quota is used up (T5)."""

    used: int
    limit: int
    renews_at: Optional[datetime.datetime]

class SubscriptionError(FivergoError):
    """A subscription refusal or payment decline (S1-S4)."""

class PublishError(FivergoError):
    """Publishing refused (M2) or a wrong model state (M3)."""

    missing: list[Any]

class PricingError(FivergoError):
    """An invalid price, pricing unit or currency (P4, P5)."""

class OrderError(FivergoError):
    """An order refusal (G1, G4, G5, V1, R)."""

class RefundError(FivergoError):
    """A refund refusal (F1, F2)."""

class GeneratorError(FivergoError):
    """No generator, a failed or late generation (``generator_timeout``) or a cancelled job."""

class StoreError(FivergoError):
    """The store failed or stayed contended (``store_failed``, ``store_unavailable``, ``concurrent_update``, ``schema_too_new``, ``blob_not_found``)."""

class TrainingFailed(Exception):
    """Raise from a Python generator's ``train`` to fail the training with this reason."""

class JobCancelled(Exception):
    """Raised by ``progress()`` once the job was cancelled; let it propagate."""

# ----------------------------------------------------------------------------- records

class _Record:
    """Common surface of the frozen record classes."""

    def to_dict(self) -> Any:
        """The value as plain JSON types (the core's serde form)."""
    def to_json(self) -> str:
        """The value as JSON."""
    @classmethod
    def from_json(cls, json: str) -> Any:
        """Parses ``to_json`` output."""
    @classmethod
    def from_dict(cls, data: Any) -> Any:
        """Builds the value from ``to_dict`` output."""
    def __eq__(self, value: object, /) -> bool: ...
    def __getattr__(self, name: str) -> Any:
        """Any field, in native types (money as Decimal, instants as datetime)."""

@final
class Event(_Record):
    """An event as the store recorded it; ``.type`` is its kind."""

    @property
    def kind(self) -> str:
        """The event's kind, e.g. ``"model_created"``."""
    @property
    def id(self) -> str:
        """``<seller>/event-<sequence>``: unique across the marketplace."""
    @property
    def partition(self) -> str:
        """The seller whose partition holds it."""
    @property
    def sequence(self) -> int:
        """Its rank in the partition, from 1."""
    @property
    def position(self) -> int:
        """Its rank in the store, from 1: what ``events_since`` cursors count."""

@final
class Finding(_Record):
    """A review finding about a model's asset set (A4, A8)."""

    @property
    def code(self) -> str:
        """Stable snake_case code."""
    @property
    def rule(self) -> str:
        """The SPEC rule."""
    @property
    def severity(self) -> str:
        """``"warning"`` or ``"error"``."""
    @property
    def asset(self) -> Optional[str]:
        """The asset concerned, or None for the whole set."""
    @property
    def message(self) -> str:
        """A sentence for the seller."""

@final
class Seller(_Record):
    """A seller: level, Pro flag, Gigs, payment methods, balance and reputation."""

@final
class CreationModel(_Record):
    """A seller's AI creation model."""

    @property
    def stale(self) -> bool:
        """Whether the settings changed since the live version was trained (A7)."""

@final
class Order(_Record):
    """A client's order."""

@final
class TrainingJob(_Record):
    """A training job."""

@final
class GenerationJob(_Record):
    """A queued generation: request, status, attempt, worker, outcome, failure."""

@final
class Subscription(_Record):
    """A seller's monthly subscription."""

    @property
    def state_name(self) -> str:
        """``"active"``, ``"cancelling"``, ``"past_due"`` or ``"ended"``."""

@final
class QuotaStatus(_Record):
    """A model's training quota."""

    @property
    def used(self) -> int:
        """Trainings counted in the window."""
    @property
    def limit(self) -> int:
        """Trainings allowed in the window."""
    @property
    def renews_at(self) -> Optional[datetime.datetime]:
        """When a new window starts (None before subscribing)."""

@final
class Quote(_Record):
    """A price quote."""

    @property
    def total(self) -> Decimal:
        """The total in the policy currency."""

@final
class Listing(_Record):
    """A published model as clients see it."""

@final
class Charge(_Record):
    """A subscription charge."""

@final
class Creation(_Record):
    """A paid creation of a model (M5)."""

@final
class Asset(_Record):
    """An asset of a seller's library."""

@final
class Partition(_Record):
    """Everything of one seller's partition: seller, assets, models, jobs, subscriptions, orders."""

@final
class PriceSpec(_Record):
    """A model's price: per unit (P2) or base plus increments (P3)."""

    @staticmethod
    def per_unit(unit: str, unit_price: _MoneyLike, currency: Optional[str] = None) -> PriceSpec:
        """``unit_price`` for each unit."""
    @staticmethod
    def base_increments(
        unit: str,
        base_quantity: int,
        base_price: _MoneyLike,
        increment_quantity: int,
        increment_price: _MoneyLike,
        currency: Optional[str] = None,
    ) -> PriceSpec:
        """``base_price`` covers ``base_quantity`` units, then ``increment_price`` per increment."""

# ----------------------------------------------------------------------------- values

@final
class Money:
    """An amount of money in a currency."""

    def __new__(cls, amount: Union[Decimal, int, str], currency: str = "USD") -> Self: ...
    @property
    def amount(self) -> Decimal:
        """The amount."""
    @property
    def currency(self) -> str:
        """The ISO currency code."""
    def rounded(self) -> Money:
        """Rounded to minor units, half away from zero (P5)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Policy:
    """Every number of the SPEC."""

    def __new__(cls, json: Optional[str] = None) -> Self: ...
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Policy:
        """A policy from a dict (missing fields keep their defaults)."""
    def to_json(self) -> str:
        """The complete policy as pretty JSON."""
    def to_dict(self) -> dict[str, Any]:
        """The complete policy as a dict."""
    @property
    def monthly_fee(self) -> Decimal:
        """The monthly subscription fee (S1)."""
    @property
    def currency(self) -> str:
        """The policy currency code."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class ManualClock:
    """A clock that moves only when told."""

    def __new__(cls, start: datetime.datetime) -> Self: ...
    def now(self) -> datetime.datetime:
        """The current reading (UTC)."""
    def set(self, instant: datetime.datetime) -> None:
        """Moves to ``instant`` (from now to year 9000, else ``InvalidInputError``)."""
    def advance(self, by: datetime.timedelta) -> None:
        """Moves forward by ``by``; a negative step or one past year 9000 raises
        ``InvalidInputError`` and the clock stays."""

@final
class SimulatedGateway:
    """A payment gateway that approves every charge except declined methods."""

    def __new__(cls) -> Self: ...
    def set_declined(self, method: str, declined: bool = True) -> None:
        """Makes ``method`` decline (or approve again)."""
    def charges(self) -> list[dict[str, Any]]:
        """Every charge taken."""

@final
class CancelHandle:
    """Cancels a training job."""

    def cancel(self) -> None:
        """Asks the job to stop."""
    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked."""

@final
class Outcome:
    """A command's value and the events it emitted."""

    @property
    def value(self) -> Any:
        """The command's value."""
    @property
    def events(self) -> list[Event]:
        """The events, in order."""
    def kinds(self) -> list[str]:
        """The events' kinds, in order."""

@final
class Brief:
    """What a client asks for."""

    def __new__(cls, text: str, quantity: int = 1, tags: Sequence[str] = ...) -> Self: ...
    @property
    def text(self) -> str:
        """The text."""
    @property
    def quantity(self) -> int:
        """The quantity."""
    @property
    def tags(self) -> list[str]:
        """The tags."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class Artifact:
    """An image (RGBA8), audio (16-bit PCM) or text."""

    @classmethod
    def from_image(cls, width: int, height: int, rgba: bytes) -> Artifact:
        """An image from ``width * height * 4`` RGBA bytes."""
    @classmethod
    def from_audio(cls, sample_rate: int, channels: int, samples: Sequence[int]) -> Artifact:
        """Audio from interleaved 16-bit samples."""
    @classmethod
    def from_text(cls, text: str) -> Artifact:
        """A text artifact."""
    @classmethod
    def from_bytes(cls, data: bytes, policy: Optional[Policy] = None) -> Artifact:
        """Decodes PNG / JPEG / WebP / WAV / UTF-8 within the media limits."""
    def to_bytes(self) -> bytes:
        """PNG for images, WAV for audio, UTF-8 for text."""
    @property
    def kind(self) -> _Modality:
        """``"image"``, ``"audio"`` or ``"text"``."""
    @property
    def width(self) -> Optional[int]:
        """Image width."""
    @property
    def height(self) -> Optional[int]:
        """Image height."""
    @property
    def rgba(self) -> Optional[bytes]:
        """Image pixels, RGBA8 row by row."""
    @property
    def sample_rate(self) -> Optional[int]:
        """Audio sample rate in Hz."""
    @property
    def channels(self) -> Optional[int]:
        """Audio channel count."""
    @property
    def pcm(self) -> Optional[bytes]:
        """Audio samples as little-endian 16-bit bytes."""
    @property
    def duration_ms(self) -> Optional[int]:
        """Audio duration."""
    @property
    def text(self) -> Optional[str]:
        """The text of a text artifact."""
    def __eq__(self, value: object, /) -> bool: ...

def inspect(data: bytes, policy: Optional[Policy] = None) -> tuple[_Modality, dict[str, Any]]:
    """Decodes and measures a file as ``upload_asset`` would (A3)."""

def mark_draft(clean: Artifact, reference: str, seed: int, payload: Optional[int] = None) -> tuple[Artifact, Optional[str]]:
    """Watermarks a clean artifact as a draft (W1, W2)."""

def detect_watermark(artifact: Artifact) -> Optional[tuple[int, float]]:
    """Finds an invisible draft mark (W2): ``(payload, confidence)``."""

def evaluate(
    generator: Union[str, _PythonGenerator],
    subcategory: str,
    own: Sequence[bytes],
    other: Optional[Sequence[bytes]] = None,
    briefs: Optional[Sequence[Union[str, Brief]]] = None,
    seeds: Optional[Sequence[int]] = None,
    instructions: Optional[str] = None,
    policy: Optional[Policy] = None,
) -> dict[str, Any]:
    """Measures a generator with the core's harness: training time, latency,
    determinism, style fidelity against ``other``, watermark survival; the report as a
    dict with its markdown rendering under ``"table"``."""

def default_policy_json() -> str:
    """The default policy as pretty JSON."""

def load_policy(json: str) -> str:
    """Parses and validates a policy JSON; returns the complete policy as JSON."""

# ----------------------------------------------------------------------------- generators

@final
class JobProgress:
    """The ``progress`` callable handed to a Python generator."""

    def __call__(self, fraction: float) -> None:
        """Reports progress; raises ``JobCancelled`` once cancelled."""
    def is_cancelled(self) -> bool:
        """Whether the job was cancelled."""

class _PythonGenerator(Protocol):
    """What a Python generator implements."""

    def train(
        self,
        assets: list[tuple[Asset, Optional[bytes]]],
        instructions: Optional[str],
        progress: JobProgress,
        cancelled: Callable[[], bool],
    ) -> Any: ...
    def generate(
        self, style: Any, brief: Brief, seed: int, progress: JobProgress, cancelled: Callable[[], bool]
    ) -> Union[bytes, str, Artifact]: ...

@final
class TrainingRun:
    """A started training, to execute outside the hub."""

    @property
    def job(self) -> Optional[str]:
        """The job id."""
    def execute(self, progress: Optional[Callable[[float], Any]] = None) -> TrainingResult:
        """Runs the generator (GIL released); once. When it raises (the generator,
        the progress callback, an ``InternalError``), the job was finished as failed
        first, its quota given back (T4)."""

@final
class TrainingResult:
    """What a TrainingRun produced."""

    @property
    def job(self) -> str:
        """The job id."""
    @property
    def succeeded(self) -> bool:
        """Whether a style came out."""

# ----------------------------------------------------------------------------- hub

_GeneratorName = Literal["echo", "quilt", "jingle_synth", "espeak_guide", "markov_text"]
_Generators = Union[Literal["reference", "echo"], Mapping[str, Union[_GeneratorName, _PythonGenerator, Any]]]

class _Entitlement(TypedDict):
    """One capability of ``Hub.entitlements``."""
    allowed: bool
    refusal: Optional[dict[str, Any]]

@final
class Admin:
    """``Hub.admin()``: host-level reads with no ownership check."""
    def partition(self, seller: str) -> Partition:
        """Everything of one seller's partition."""
    def order(self, order: str) -> Order:
        """Any order, all of it."""
    def job(self, job: str) -> TrainingJob:
        """Any training job."""
    def generation(self, job: str) -> GenerationJob:
        """Any queued generation."""
    def asset(self, asset: str) -> Asset:
        """An asset of any library."""
    def artifact(self, file: Union[str, Mapping[str, Any]]) -> Artifact:
        """Any stored file, decoded."""
    def file(self, file: Union[str, Mapping[str, Any]]) -> bytes:
        """Any stored file's bytes."""

@final
class Hub:
    """The marketplace engine; commands return an ``Outcome``."""

    def __new__(
        cls,
        policy: Optional[Policy] = None,
        clock: Optional[ManualClock] = None,
        gateway: Optional[SimulatedGateway] = None,
        generators: Optional[_Generators] = None,
    ) -> Self: ...
    @classmethod
    def open(
        cls,
        url: str,
        policy: Optional[Policy] = None,
        clock: Optional[ManualClock] = None,
        gateway: Optional[SimulatedGateway] = None,
        generators: Optional[_Generators] = None,
    ) -> Hub:
        """A hub over the store at ``url`` (``"sqlite:path/fivergo.db"`` or ``"memory:"``)."""
    @property
    def policy(self) -> Policy:
        """The policy."""
    @property
    def clock(self) -> Optional[ManualClock]:
        """The manual clock, or None for the system clock."""
    @property
    def gateway(self) -> SimulatedGateway:
        """The simulated payment gateway."""
    def now(self) -> datetime.datetime:
        """The hub's current time."""
    def events_since(self, cursor: int = 0, limit: int = 1000) -> tuple[list[Event], int]:
        """Up to ``limit`` events after ``cursor``, and the cursor after them (the outbox)."""
    def admin(self) -> Admin:
        """The host-level reads that serve anyone (support tools, audits)."""
    def seller(self, seller: str) -> Seller:
        """A seller."""
    def model(self, seller: str, model: str) -> CreationModel:
        """A seller's model (owner only)."""
    def models(self, seller: str) -> list[CreationModel]:
        """A seller's models, oldest first."""
    def assets(self, seller: str) -> list[Asset]:
        """A seller's library, in the order the assets were added."""
    def listing(self, model: str) -> Listing:
        """A published model's listing."""
    def creations(self, seller: str, model: str) -> list[Creation]:
        """A model's paid creations."""
    def quota(self, seller: str, model: str) -> QuotaStatus:
        """A model's training quota."""
    def findings(self, seller: str, model: str) -> list[Finding]:
        """Review findings about a model's assets."""
    def publish_checklist(self, seller: str, model: str) -> list[Any]:
        """Every unmet publish requirement."""
    def entitlements(self, seller: str) -> dict[str, _Entitlement]:
        """What the seller may do now, each with the refusal the command would raise."""
    def subscription(self, seller: str) -> Optional[Subscription]:
        """The seller's latest subscription."""
    def order(self, actor: str, order: str) -> Order:
        """An order as ``actor`` sees it (its client: no ``clean`` until approved and paid)."""
    def client_orders(self, client: str) -> list[Order]:
        """The orders a client placed, oldest first."""
    def job(self, seller: str, job: str) -> TrainingJob:
        """A training job of the seller's models."""
    def asset(self, seller: str, asset: str) -> Asset:
        """An asset of the seller's library."""
    def draft(self, client: str, order: str) -> Artifact:
        """The client's watermarked draft."""
    def artifact(self, actor: str, file: Union[str, Mapping[str, Any]]) -> Artifact:
        """A stored file the actor may read, decoded, by reference dict or ``sha256``."""
    def file(self, actor: str, file: Union[str, Mapping[str, Any]]) -> bytes:
        """A stored file's bytes the actor may read, by reference dict or ``sha256``."""
    def trained_style(self, seller: str, file: Union[str, Mapping[str, Any]]) -> dict[str, Any]:
        """A trained style (``generator``, ``format``, ``data``) of the seller's models."""
    def quote(self, model: str, quantity: int) -> Quote:
        """The price of ``quantity`` units."""
    def trace(self, artifact: Artifact) -> Optional[tuple[str, float]]:
        """Which order a leaked draft came from."""
    def cancel_handle(self, job: str) -> CancelHandle:
        """A handle that cancels a job."""
    def register_seller(self, seller: str, level: _SellerLevel, pro: bool = False) -> Outcome:
        """Registers a seller."""
    def set_seller_level(self, seller: str, level: _SellerLevel, pro: bool = False) -> Outcome:
        """Changes a seller's level or Pro flag."""
    def add_gig(self, seller: str, subcategory: str) -> Outcome:
        """Records a Gig."""
    def credit_balance(self, seller: str, amount: _MoneyLike) -> Outcome:
        """Credits the seller's balance."""
    def add_payment_method(self, seller: str, method: str, kind: _PaymentMethodKind, label: str = "payment method") -> Outcome:
        """Stores a payment method."""
    def add_asset(
        self,
        seller: str,
        source: Union[_AssetSourceName, Mapping[str, Any]],
        modality: _Modality,
        meta: Optional[Mapping[str, Any]] = None,
        tags: Sequence[str] = ...,
    ) -> Outcome:
        """Adds an asset described by ``meta``; value: the asset id."""
    def upload_asset(
        self,
        seller: str,
        source: Union[_AssetSourceName, Mapping[str, Any]],
        data: bytes,
        file_name: Optional[str] = None,
        tags: Sequence[str] = ...,
    ) -> Outcome:
        """Uploads a file; value: the asset id."""
    def tag_asset(self, seller: str, asset: str, add: Sequence[str] = ..., remove: Sequence[str] = ...) -> Outcome:
        """Adds and removes tags."""
    def select_assets(self, seller: str, model: str, assets: Sequence[str]) -> Outcome:
        """Selects assets for a model."""
    def select_all_assets(self, seller: str, model: str) -> Outcome:
        """Selects "All"; value: skipped ``(asset_id, FivergoError)`` pairs."""
    def deselect_assets(self, seller: str, model: str, assets: Sequence[str]) -> Outcome:
        """Deselects assets."""
    def set_instructions(self, seller: str, model: str, instructions: Optional[str]) -> Outcome:
        """Sets or clears instructions."""
    def attest_originality(self, seller: str, model: str) -> Outcome:
        """Attests originality (A9)."""
    def create_model(self, seller: str, subcategory: str) -> Outcome:
        """Creates a model; value: the model id."""
    def set_price(self, seller: str, model: str, price: PriceSpec) -> Outcome:
        """Sets a model's price."""
    def set_placement(self, seller: str, model: str, gigs: Sequence[str], on_profile: bool = False) -> Outcome:
        """Sets where the model shows."""
    def publish(self, seller: str, model: str) -> Outcome:
        """Publishes a model."""
    def unpublish(self, seller: str, model: str) -> Outcome:
        """Unpublishes a model."""
    def archive(self, seller: str, model: str) -> Outcome:
        """Archives a model."""
    def report_issue(self, reporter: str, model: str, text: str, order: Optional[str] = None) -> Outcome:
        """Reports an issue."""
    def start_training(self, seller: str, model: str) -> Outcome:
        """Queues a training job; value: the job id."""
    def run_training(self, job: str) -> Outcome:
        """Runs a job (GIL released); value: its final status."""
    def begin_training(self, job: str) -> tuple[TrainingRun, list[Event]]:
        """Starts a job; returns its run and events."""
    def finish_training(self, result: TrainingResult) -> Outcome:
        """Records a run's result; value: the final status."""
    def cancel_training(self, seller: str, job: str) -> Outcome:
        """Cancels a queued job."""
    def queue_generation(self, request: Mapping[str, Any]) -> Outcome:
        """Queues a generation for a worker; value: the generation id."""
    def generation(self, actor: str, job: str) -> GenerationJob:
        """A queued generation, for its requester or the model's seller."""
    def cancel_generation(self, actor: str, job: str) -> Outcome:
        """Cancels a queued generation (its requester only)."""
    def work_once(self, worker: str) -> Outcome:
        """Claims, runs and finishes one job as ``worker``; value: a report dict or ``None``."""
    def playground_generate(self, seller: str, model: str, brief: _BriefLike, seed: int = 1) -> Outcome:
        """Generates in the playground; value: ``(file, Artifact)``, the file a reference dict."""
    def subscribe(self, seller: str, method: str) -> Outcome:
        """Subscribes; value: the subscription id."""
    def tick(self) -> Outcome:
        """Settles whatever the calendar made due."""
    def renew_subscription(self, seller: str) -> Outcome:
        """Settles; value: the current period's Charge or None."""
    def pay_past_due(self, seller: str) -> Outcome:
        """Pays a past-due renewal."""
    def cancel_subscription(self, seller: str) -> Outcome:
        """Cancels at period end; value: when it ends."""
    def resume_subscription(self, seller: str) -> Outcome:
        """Resumes a cancelling subscription."""
    def order_draft(self, client: str, model: str, brief: _BriefLike, seed: int = 1) -> Outcome:
        """Orders a draft; value: the order id."""
    def contact_seller(self, client: str, model: str, brief: _BriefLike) -> Outcome:
        """Asks for a custom offer; value: the order id."""
    def send_custom_offer(
        self,
        seller: str,
        order: str,
        price: _MoneyLike,
        non_ai_work: _MoneyLike,
        revisions: int,
        revision_window_hours: int,
        terms: str = "",
    ) -> Outcome:
        """Sends a custom offer."""
    def accept_offer(self, client: str, order: str, seed: int = 1) -> Outcome:
        """Accepts the offer."""
    def approve(self, client: str, order: str) -> Outcome:
        """Approves the draft."""
    def record_payment(self, client: str, order: str, amount: _MoneyLike) -> Outcome:
        """Records the payment."""
    def download(self, client: str, order: str) -> Outcome:
        """The clean file once approved and paid; value: the Artifact."""
    def request_source_file(self, actor: str, order: str) -> Outcome:
        """Always refused (G4)."""
    def request_revision(self, client: str, order: str, note: str) -> Outcome:
        """Asks the revision."""
    def accept_delivery(self, client: str, order: str) -> Outcome:
        """Accepts a released delivery."""
    def review(self, client: str, order: str, stars: int, text: str = "") -> Outcome:
        """Leaves a review."""
    def request_full_refund(self, client: str, order: str) -> Outcome:
        """Always refused (F1)."""
    def issue_partial_refund(self, seller: str, order: str, amount: _MoneyLike) -> Outcome:
        """Refunds part of the non-AI work (F2)."""
    def set_delivery_public(self, client: str, order: str, public: bool) -> Outcome:
        """Makes a delivery public or private."""
