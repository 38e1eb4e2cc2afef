"""Type stubs for the native module ``fivergo._fivergo`` (hand-written).

Conventions: ids are ``str``; money arguments take ``Decimal`` / ``int`` / decimal
``str`` (in the policy currency) or ``Money``, and money comes out as ``Money``;
instants are timezone-aware ``datetime`` (UTC when they come out); enums are the
snake_case strings of the ``Literal`` aliases below. Records have one typed property
per field of the core's wire form.
"""

import datetime
from decimal import Decimal
from typing import Any, Callable, Literal, Mapping, Optional, Protocol, Sequence, TypedDict, Union

from typing_extensions import NotRequired, Self, final

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
    "ChargeDeclined",
    "ChargeRequest",
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
    "refresh_logging",
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
    details: dict[str, _Json]
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

    model: str
    used: int
    limit: int
    renews_at: Optional[datetime.datetime]

class SubscriptionError(FivergoError):
    """A subscription refusal or payment decline (S1-S4)."""

class PublishError(FivergoError):
    """Publishing refused (M2) or a wrong model state (M3)."""

    missing: list[_Requirement]

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

class ChargeDeclined(Exception):
    """Raise from a payment gateway's ``charge`` when the processor declines:
    ``ChargeDeclined(reason)``. A renewal becomes past due, a subscription does not
    start (S2)."""

class JobCancelled(Exception):
    """Raised by ``progress()`` once the job was cancelled; let it propagate."""

# ----------------------------------------------------------------------------- wire types

_Json = Union[None, bool, int, float, str, list["_Json"], dict[str, "_Json"]]
"""Plain JSON types: what ``to_dict()`` returns."""
_WireValue = Union[None, bool, int, float, str, datetime.datetime, "Money", list["_WireValue"], dict[str, "_WireValue"]]
"""A value in the core's wire form: instants as aware UTC ``datetime``, money as ``Money``."""

_ModelStatus = Literal["draft", "training", "ready", "published", "unpublished", "archived"]
"""A model's lifecycle state (M3)."""
_OrderPath = Literal["immediate_download", "custom_offer"]
"""The client's path (G3)."""
_OrderStatus = Literal["offer_requested", "offer_sent", "drafted", "released", "revision_requested", "revision_delivered", "completed"]
"""Where an order stands."""
_Severity = Literal["warning", "error"]
"""How serious a finding is."""
_EndReason = Literal["cancelled", "payment_failed"]
"""Why a subscription ended."""
_EventKind = Literal[
    "seller_registered", "seller_level_changed", "gig_added", "balance_credited", "payment_method_added",
    "asset_added", "asset_tagged", "model_created", "assets_selected", "assets_deselected", "instructions_set",
    "model_marked_stale", "originality_attested", "model_named", "training_queued", "training_started",
    "training_requeued", "generation_queued", "generation_started", "generation_lease_renewed",
    "generation_cancel_requested", "generation_requeued", "generation_succeeded", "generation_failed",
    "generation_cancelled", "training_lease_renewed", "training_cancel_requested", "training_progressed",
    "training_succeeded", "training_failed", "training_cancelled", "playground_generated", "price_set",
    "placement_set", "model_published", "model_unpublished", "model_archived", "issue_reported", "subscribed",
    "subscription_charged", "renewal_declined", "quota_renewed", "subscription_cancelled", "subscription_resumed",
    "subscription_ended", "order_created", "offer_sent", "draft_delivered", "order_approved", "order_paid",
    "delivery_downloaded", "revision_requested", "order_completed", "review_left", "partial_refund_issued",
    "delivery_visibility_changed",
]
"""Every event kind (``Event.type``)."""

class _PaymentMethod(TypedDict):
    """A stored card or PayPal account."""
    id: str
    kind: _PaymentMethodKind
    label: str

class _Reputation(TypedDict):
    """Reputation figures (R1-R3)."""
    success_score_orders: int
    rating_sum: int
    rating_count: int

class _BlobRef(TypedDict):
    """A stored file's reference: read it with ``Hub.file`` / ``Hub.artifact``."""
    sha256: str
    len: int
    media_type: str
    width: NotRequired[int]
    height: NotRequired[int]
    duration_ms: NotRequired[int]

class _TrainedVersion(TypedDict):
    """A trained version of a model."""
    version: int
    job: str
    trained_at: datetime.datetime
    settings_rev: int
    generator: str
    style: _BlobRef

class _PerUnitPrice(TypedDict):
    """P2: a price per unit."""
    type: Literal["per_unit"]
    unit: _PricingUnit
    unit_price: Money

class _BaseIncrementsPrice(TypedDict):
    """P3: a base amount at a base price, then increments."""
    type: Literal["base_increments"]
    unit: _PricingUnit
    base_quantity: int
    base_price: Money
    increment_quantity: int
    increment_price: Money

_Price = Union[_PerUnitPrice, _BaseIncrementsPrice]
"""A price as a record field holds it."""

class _Placement(TypedDict):
    """Where clients meet a model (M4)."""
    gigs: list[str]
    on_profile: bool

class _ModelTarget(TypedDict):
    type: Literal["model"]

class _CreationTarget(TypedDict):
    type: Literal["creation"]
    order: str

class _Report(TypedDict):
    """A "Report an issue" record (M6)."""
    reporter: str
    target: Union[_ModelTarget, _CreationTarget]
    text: str
    at: datetime.datetime

class _Brief(TypedDict):
    """A brief as a record field holds it."""
    text: str
    quantity: int
    tags: list[str]

class _QuoteLine(TypedDict):
    """One line of a quote."""
    kind: Literal["units", "base", "increments"]
    quantity: int
    unit_price: Money
    amount: Money
    label: str

class _Quote(TypedDict):
    """A quote as a record field holds it (see ``Quote``)."""
    unit: _PricingUnit
    quantity: int
    lines: list[_QuoteLine]
    total: Money
    included_edits: int

class _CustomOffer(TypedDict):
    """The terms of a custom offer (V2)."""
    price: Money
    non_ai_work: Money
    revisions: int
    revision_window_hours: int
    terms: str

class _Review(TypedDict):
    """A client's review (R2)."""
    stars: int
    text: str
    at: datetime.datetime

class _BeforeSubscription(TypedDict):
    type: Literal["before_subscription"]

class _PeriodWindow(TypedDict):
    type: Literal["period"]
    subscription: str
    index: int

_QuotaWindow = Union[_BeforeSubscription, _PeriodWindow]
"""The quota window a training counts against (T1, T2)."""

class _PlaygroundRequest(TypedDict):
    type: Literal["playground"]
    seller: str
    model: str
    brief: _Brief
    seed: int

class _OrderDraftRequest(TypedDict):
    type: Literal["order_draft"]
    client: str
    model: str
    brief: _Brief
    seed: int

class _AcceptOfferRequest(TypedDict):
    type: Literal["accept_offer"]
    client: str
    order: str
    seed: int

class _RevisionRequest(TypedDict):
    type: Literal["revision"]
    client: str
    order: str
    note: str

_GenerationRequest = Union[_PlaygroundRequest, _OrderDraftRequest, _AcceptOfferRequest, _RevisionRequest]
"""What a generation is asked to make."""

class _PlaygroundOutcome(TypedDict):
    type: Literal["playground"]
    artifact: _BlobRef
    watermarked: bool

class _DraftOutcome(TypedDict):
    type: Literal["draft"]
    order: str

class _Active(TypedDict):
    state: Literal["active"]

class _PastDue(TypedDict):
    state: Literal["past_due"]
    since: datetime.datetime
    period: int

class _Ended(TypedDict):
    state: Literal["ended"]
    at: datetime.datetime
    reason: _EndReason

class _BalanceSource(TypedDict):
    type: Literal["balance"]

class _MethodSource(TypedDict):
    type: Literal["payment_method"]
    id: str
    kind: _PaymentMethodKind
    reference: str

class _Charge(TypedDict):
    """A charge as a subscription's ``charges`` hold it (see ``Charge``)."""
    idempotency_key: str
    period: int
    amount: Money
    source: Union[_BalanceSource, _MethodSource]
    at: datetime.datetime

class _NamedSource(TypedDict):
    type: Literal["portfolio", "work_sample", "upload"]

class _DeliverySource(TypedDict):
    type: Literal["client_delivery"]
    order: str
    public: bool

class _AssetMeta(TypedDict, total=False):
    """Facts about an asset's content; only the known ones are present."""
    file_name: str
    width: int
    height: int
    duration_ms: int
    monochrome: bool
    blurry: bool
    text_or_watermark: bool
    draft_mark: bool
    background_noise: bool
    clipping: bool
    long_silence: bool
    voices: int
    style: str
    genre: str
    upscaled: bool
    sharpness: float
    mean_chroma: float
    sample_rate_hz: int
    channels: int
    peak_dbfs: float
    rms_dbfs: float
    noise_floor_dbfs: float
    snr_db: float
    style_vector: list[float]

class _Counters(TypedDict):
    """Ids minted so far in a partition."""
    models: int
    assets: int
    jobs: int
    subscriptions: int
    orders: int
    generations: int

class _SimpleRequirement(TypedDict):
    type: Literal["eligibility", "succeeded_training", "price", "active_subscription"]

class _PlaygroundRequirement(TypedDict):
    type: Literal["playground_generation"]
    have: int
    need: int

class _SlotRequirement(TypedDict):
    type: Literal["active_model_slot"]
    limit: int

_Requirement = Union[_SimpleRequirement, _PlaygroundRequirement, _SlotRequirement]
"""One unmet publish requirement (M2)."""

class _TrainedStyle(TypedDict):
    """A trained style, as ``Hub.trained_style`` returns it."""
    generator: str
    format: int
    data: _Json

class _Work(TypedDict):
    kind: Literal["training", "generation"]
    id: str

class _JobReport(TypedDict):
    """What ``Hub.work_once`` ran."""
    work: _Work
    attempt: int
    status: _JobStatusName

# ----------------------------------------------------------------------------- records

class _Record:
    """Common surface of the frozen record classes: one typed property per field of
    the core's wire form (money as ``Money``, instants as aware UTC ``datetime``,
    nested records as dicts), converted once per object on the first read. The
    nested dicts and lists are the object's own: copy them before changing them."""

    def to_dict(self) -> dict[str, _Json]:
        """The value as plain JSON types (the store's JSON: money as
        ``{"amount", "currency"}``, instants as RFC 3339 strings)."""
    def to_json(self) -> str:
        """The value as JSON."""
    @classmethod
    def from_json(cls, json: str) -> Self:
        """Parses ``to_json`` output."""
    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        """Builds the value from ``to_dict`` output (``Money``, ``Decimal`` and
        ``datetime`` values accepted too)."""
    def __eq__(self, value: object, /) -> bool: ...

class _KindFields:
    """The fields of an event's kind, read as attributes (a ``tp_getattro`` slot at run
    time, not a method)."""

    def __getattr__(self, name: str) -> _WireValue:
        """A field of the event's kind; ``AttributeError`` when it has none such."""

@final
class Event(_Record, _KindFields):
    """An event as the store recorded it: the envelope, its ``type`` and the fields
    of its kind as attributes (``event.model``, ``event.at`` ...) or ``data``."""

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
    @property
    def recorded_at(self) -> datetime.datetime:
        """When the store recorded it (UTC)."""
    @property
    def type(self) -> _EventKind:
        """The event's kind, e.g. ``"model_created"``."""
    @property
    def kind(self) -> _EventKind:
        """The event's kind (same as ``type``)."""
    @property
    def data(self) -> dict[str, _WireValue]:
        """The fields of the event's kind, the envelope left out."""

@final
class Finding(_Record):
    """A review finding about a model's asset set (A4, A8)."""

    @property
    def code(self) -> str:
        """Stable snake_case code."""
    @property
    def severity(self) -> _Severity:
        """``"warning"`` or ``"error"``."""
    @property
    def asset(self) -> Optional[str]:
        """The asset concerned, or None for the whole set."""
    @property
    def rule(self) -> str:
        """The SPEC rule."""
    @property
    def message(self) -> str:
        """A sentence for the seller."""

@final
class Seller(_Record):
    """A seller: level, Pro flag, Gigs, payment methods, balance and reputation."""

    @property
    def id(self) -> str:
        """The host's id for the seller."""
    @property
    def level(self) -> _SellerLevel:
        """Marketplace level (E1)."""
    @property
    def pro(self) -> bool:
        """The Pro flag."""
    @property
    def gigs(self) -> list[str]:
        """Subcategories the seller has a Gig in (C2)."""
    @property
    def balance(self) -> Money:
        """Available balance, used first for renewals (S2)."""
    @property
    def payment_methods(self) -> list[_PaymentMethod]:
        """Stored cards and PayPal accounts."""
    @property
    def reputation(self) -> _Reputation:
        """Reputation figures (R1-R3)."""

@final
class CreationModel(_Record):
    """A seller's AI creation model."""

    @property
    def id(self) -> str:
        """The model id."""
    @property
    def owner(self) -> str:
        """The seller who owns it (D1)."""
    @property
    def subcategory(self) -> str:
        """The catalogue slug (C2)."""
    @property
    def name(self) -> Optional[str]:
        """Generated when training first starts (C3)."""
    @property
    def status(self) -> _ModelStatus:
        """Lifecycle state (M3)."""
    @property
    def created_at(self) -> datetime.datetime:
        """When it was created."""
    @property
    def assets(self) -> list[str]:
        """Selected asset ids, in selection order."""
    @property
    def instructions(self) -> Optional[str]:
        """The seller's instructions (A5)."""
    @property
    def attested_at(self) -> Optional[datetime.datetime]:
        """When the seller attested originality (A9)."""
    @property
    def live(self) -> Optional[_TrainedVersion]:
        """The version clients and the playground use (G5, M3)."""
    @property
    def settings_rev(self) -> int:
        """Bumped by every change of assets, instructions or tags (A7)."""
    @property
    def active_job(self) -> Optional[str]:
        """The training queued or running, if any."""
    @property
    def playground_generations(self) -> int:
        """Playground generations so far (M2)."""
    @property
    def price(self) -> Optional[_Price]:
        """The price (P1-P5)."""
    @property
    def placement(self) -> _Placement:
        """Where clients meet it (M4)."""
    @property
    def creations(self) -> list[str]:
        """Orders clients bought from it (M5)."""
    @property
    def reports(self) -> list[_Report]:
        """Issue reports (M6)."""
    @property
    def stale(self) -> bool:
        """Whether the settings changed since the live version was trained (A7)."""

@final
class Order(_Record):
    """A client's order."""

    @property
    def id(self) -> str:
        """The order id."""
    @property
    def draft_payloads(self) -> list[Optional[int]]:
        """The invisible payload of each draft delivered (W2)."""
    @property
    def client(self) -> str:
        """The buyer (D2)."""
    @property
    def seller(self) -> str:
        """The model's owner."""
    @property
    def model(self) -> str:
        """The model."""
    @property
    def path(self) -> _OrderPath:
        """Immediate download or custom offer (G3)."""
    @property
    def brief(self) -> _Brief:
        """What the client asked for."""
    @property
    def seed(self) -> int:
        """The generation seed."""
    @property
    def status(self) -> _OrderStatus:
        """Where it stands."""
    @property
    def quote(self) -> Optional[_Quote]:
        """The quote (immediate download)."""
    @property
    def offer(self) -> Optional[_CustomOffer]:
        """The custom offer (V2)."""
    @property
    def draft(self) -> Optional[_BlobRef]:
        """The watermarked draft currently delivered."""
    @property
    def clean(self) -> Optional[_BlobRef]:
        """The clean file, held back until approved and paid (G1)."""
    @property
    def approved(self) -> bool:
        """The client approved the current delivery."""
    @property
    def paid_at(self) -> Optional[datetime.datetime]:
        """When the payment completed."""
    @property
    def downloaded_at(self) -> Optional[datetime.datetime]:
        """When the clean file was first downloaded."""
    @property
    def revision_notes(self) -> list[str]:
        """The client's revision notes."""
    @property
    def completed_at(self) -> Optional[datetime.datetime]:
        """When the client approved the final delivery or accepted it."""
    @property
    def review(self) -> Optional[_Review]:
        """The review (R2)."""
    @property
    def delivery_public(self) -> bool:
        """Whether the client made the delivery public (D3)."""
    @property
    def refunded(self) -> Money:
        """Partial refunds issued so far (F2)."""
    @property
    def created_at(self) -> datetime.datetime:
        """When the order was created."""

@final
class TrainingJob(_Record):
    """A training job."""

    @property
    def id(self) -> str:
        """The job id."""
    @property
    def model(self) -> str:
        """The model trained."""
    @property
    def seller(self) -> str:
        """Its owner."""
    @property
    def status(self) -> _JobStatusName:
        """Where it stands (T4)."""
    @property
    def progress_pct(self) -> int:
        """0-100."""
    @property
    def window(self) -> _QuotaWindow:
        """The quota window it counts against."""
    @property
    def assets(self) -> list[str]:
        """The assets it trains on (D5)."""
    @property
    def instructions(self) -> Optional[str]:
        """The instructions it trains with (A5)."""
    @property
    def settings_rev(self) -> int:
        """The model's settings revision when queued (A7)."""
    @property
    def queued_at(self) -> datetime.datetime:
        """When it was queued."""
    @property
    def finished_at(self) -> Optional[datetime.datetime]:
        """When it finished."""
    @property
    def failure(self) -> Optional[str]:
        """Why it failed."""
    @property
    def lease_until(self) -> Optional[datetime.datetime]:
        """While running: until when its runner holds it."""
    @property
    def attempt(self) -> int:
        """How many times a runner started it."""
    @property
    def worker(self) -> Optional[str]:
        """Who runs it, while running."""
    @property
    def cancel_requested(self) -> bool:
        """Someone asked the running job to stop."""

@final
class GenerationJob(_Record):
    """A queued generation: request, status, attempt, worker, outcome, failure."""

    @property
    def id(self) -> str:
        """The generation id."""
    @property
    def request(self) -> _GenerationRequest:
        """What to make."""
    @property
    def status(self) -> _JobStatusName:
        """Where it stands."""
    @property
    def queued_at(self) -> datetime.datetime:
        """When it was queued."""
    @property
    def attempt(self) -> int:
        """How many times a worker started it."""
    @property
    def worker(self) -> Optional[str]:
        """Who runs it, while running."""
    @property
    def lease_until(self) -> Optional[datetime.datetime]:
        """While running: until when its worker holds it."""
    @property
    def cancel_requested(self) -> bool:
        """Someone asked the running job to stop."""
    @property
    def outcome(self) -> Optional[Union[_PlaygroundOutcome, _DraftOutcome]]:
        """What it made, once succeeded."""
    @property
    def failure(self) -> Optional[str]:
        """Why it failed."""
    @property
    def finished_at(self) -> Optional[datetime.datetime]:
        """When it ended."""

@final
class Subscription(_Record):
    """A seller's monthly subscription."""

    @property
    def id(self) -> str:
        """The subscription id."""
    @property
    def seller(self) -> str:
        """The subscriber."""
    @property
    def anchor(self) -> datetime.datetime:
        """The subscription date: billing months count from it (T3)."""
    @property
    def method(self) -> str:
        """The payment method of the first payment."""
    @property
    def status(self) -> Union[_Active, _PastDue, _Ended]:
        """Where it stands."""
    @property
    def cancel_at_period_end(self) -> bool:
        """Set by cancel, cleared by resume (S3)."""
    @property
    def paid_periods(self) -> int:
        """Billing months paid so far."""
    @property
    def charges(self) -> list[_Charge]:
        """Every charge, by period."""
    @property
    def current_period_end(self) -> Optional[datetime.datetime]:
        """When the paid period in progress ends (None once ended)."""
    @property
    def renews_at(self) -> Optional[datetime.datetime]:
        """When the next renewal is charged (None when it will not renew)."""
    @property
    def state_name(self) -> Literal["active", "cancelling", "past_due", "ended"]:
        """``"active"``, ``"cancelling"``, ``"past_due"`` or ``"ended"``."""

@final
class QuotaStatus(_Record):
    """A model's training quota."""

    @property
    def window(self) -> _QuotaWindow:
        """The quota window (T1, T2)."""
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
    def unit(self) -> _PricingUnit:
        """The pricing unit."""
    @property
    def quantity(self) -> int:
        """The amount asked for, in that unit."""
    @property
    def lines(self) -> list[_QuoteLine]:
        """Each line (P5)."""
    @property
    def total(self) -> Money:
        """The total, rounded to the minor unit (P5)."""
    @property
    def included_edits(self) -> int:
        """Edits the price includes (P1)."""

@final
class Listing(_Record):
    """A published model as clients see it."""

    @property
    def model(self) -> str:
        """The model."""
    @property
    def seller(self) -> str:
        """Its owner."""
    @property
    def name(self) -> str:
        """Its name."""
    @property
    def subcategory(self) -> str:
        """Its subcategory."""
    @property
    def price(self) -> _Price:
        """Its price."""
    @property
    def placement(self) -> _Placement:
        """Where it is shown."""

@final
class Charge(_Record):
    """A subscription charge."""

    @property
    def idempotency_key(self) -> str:
        """``"<subscription>/<period>"``: a period is never charged twice (S5)."""
    @property
    def period(self) -> int:
        """The billing month paid."""
    @property
    def amount(self) -> Money:
        """The fee."""
    @property
    def source(self) -> Union[_BalanceSource, _MethodSource]:
        """Balance or stored method."""
    @property
    def at(self) -> datetime.datetime:
        """When it was taken."""

@final
class ChargeRequest(_Record):
    """What a payment gateway is asked to charge."""

    @property
    def idempotency_key(self) -> str:
        """The same key for the same period on every retry (S5): never charge a key twice."""
    @property
    def seller(self) -> str:
        """Who pays."""
    @property
    def method(self) -> _PaymentMethod:
        """The stored method."""
    @property
    def amount(self) -> Money:
        """How much."""

@final
class Creation(_Record):
    """A paid creation of a model (M5)."""

    @property
    def order(self) -> str:
        """The order."""
    @property
    def client(self) -> str:
        """The buyer."""
    @property
    def purchased_at(self) -> datetime.datetime:
        """When it was paid."""

@final
class Asset(_Record):
    """An asset of a seller's library."""

    @property
    def id(self) -> str:
        """The asset id."""
    @property
    def owner(self) -> str:
        """The seller whose library holds it."""
    @property
    def source(self) -> Union[_NamedSource, _DeliverySource]:
        """Where it comes from."""
    @property
    def modality(self) -> _Modality:
        """Image, audio or text."""
    @property
    def meta(self) -> _AssetMeta:
        """Facts about the content."""
    @property
    def tags(self) -> list[str]:
        """Labels (A6)."""
    @property
    def added_at(self) -> datetime.datetime:
        """When it entered the library."""
    @property
    def seq(self) -> int:
        """Its rank in the seller's library."""
    @property
    def content(self) -> Optional[_BlobRef]:
        """The file, when the library holds it."""

@final
class Partition(_Record):
    """Everything of one seller's partition."""

    @property
    def id(self) -> str:
        """The seller the partition belongs to."""
    @property
    def seller(self) -> Optional[Seller]:
        """The seller, once registered."""
    @property
    def assets(self) -> dict[str, Asset]:
        """The seller's library, by asset id."""
    @property
    def models(self) -> dict[str, CreationModel]:
        """The seller's models, by model id."""
    @property
    def jobs(self) -> dict[str, TrainingJob]:
        """Training jobs, by job id."""
    @property
    def subscriptions(self) -> list[Subscription]:
        """The seller's subscriptions, oldest first."""
    @property
    def orders(self) -> dict[str, Order]:
        """Client orders on the seller's models, by order id."""
    @property
    def generations(self) -> dict[str, GenerationJob]:
        """Queued generations, by generation id."""
    @property
    def counters(self) -> _Counters:
        """Ids minted so far."""

@final
class PriceSpec(_Record):
    """A model's price: per unit (P2) or base plus increments (P3)."""

    @property
    def type(self) -> Literal["per_unit", "base_increments"]:
        """P2 or P3."""
    @property
    def unit(self) -> _PricingUnit:
        """The pricing unit."""
    @property
    def unit_price(self) -> Optional[Money]:
        """P2: the price of one unit."""
    @property
    def base_quantity(self) -> Optional[int]:
        """P3: the amount the base price covers."""
    @property
    def base_price(self) -> Optional[Money]:
        """P3: the price of the base amount."""
    @property
    def increment_quantity(self) -> Optional[int]:
        """P3: the size of each further increment."""
    @property
    def increment_price(self) -> Optional[Money]:
        """P3: the price of each increment."""
    @staticmethod
    def per_unit(unit: _PricingUnit, unit_price: _MoneyLike, currency: Optional[str] = None) -> PriceSpec:
        """``unit_price`` for each unit."""
    @staticmethod
    def base_increments(
        unit: _PricingUnit,
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
    """An amount of money in a currency: ``==`` and ``hash`` by value
    (``Money("25") == Money("25.00")``), ordered within one currency (comparing two
    currencies raises ``InvalidInputError``)."""

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
    def __ne__(self, value: object, /) -> bool: ...
    def __lt__(self, value: Money, /) -> bool: ...
    def __le__(self, value: Money, /) -> bool: ...
    def __gt__(self, value: Money, /) -> bool: ...
    def __ge__(self, value: Money, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Money], tuple[str, str]]:
        """Pickles as ``Money(amount, currency)``."""

@final
class Policy:
    """Every number of the SPEC."""

    def __new__(cls, json: Optional[str] = None) -> Self: ...
    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Policy:
        """A policy from a dict (missing fields keep their defaults)."""
    def to_json(self) -> str:
        """The complete policy as pretty JSON."""
    def to_dict(self) -> dict[str, _Json]:
        """The complete policy as a dict."""
    @property
    def monthly_fee(self) -> Money:
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
    """A payment gateway that approves every charge except declined methods, and
    never charges one idempotency key twice."""

    def __new__(cls) -> Self: ...
    def set_declined(self, method: str, declined: bool = True) -> None:
        """Makes ``method`` decline (or approve again)."""
    def charges(self) -> list[ChargeRequest]:
        """Every charge taken, one per idempotency key."""
    def time_out_next(self, calls: int, after_charging: bool = False) -> None:
        """Makes the next ``calls`` charges time out; with ``after_charging`` each
        takes the charge first (the answer is what got lost)."""
    def calls(self) -> int:
        """How many times the gateway was called."""

class _PaymentGateway(Protocol):
    """What a payment gateway written in Python implements."""

    def charge(self, request: ChargeRequest) -> str:
        """Charges ``request.amount`` to ``request.method`` and returns the
        processor's reference; raises ``ChargeDeclined(reason)`` for a decline. Any
        other exception, a return value that is not a ``str``, or an answer later
        than the gateway's optional ``deadline_ms`` attribute (milliseconds, 1 to
        3 600 000, default 10 000) means "no answer": nothing is recorded and the
        engine retries later with the same ``idempotency_key``, which must never be
        charged twice (S5). It runs while the engine holds the charge's lock: a hub
        call from inside it raises ``RuntimeError``."""

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

def inspect(data: bytes, policy: Optional[Policy] = None) -> tuple[_Modality, _AssetMeta]:
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
) -> dict[str, _WireValue]:
    """Measures a generator with the core's harness: training time, latency,
    determinism, style fidelity against ``other``, watermark survival; the report as a
    dict with its markdown rendering under ``"table"``."""

def default_policy_json() -> str:
    """The default policy as pretty JSON."""

def load_policy(json: str) -> str:
    """Parses and validates a policy JSON; returns the complete policy as JSON."""

def refresh_logging() -> None:
    """Re-reads the levels of the Python loggers the engine logs to (``fivergo.command``:
    an outcome record per command, DEBUG for success, INFO for a refusal, WARNING for a
    store or internal failure, after a DEBUG record of the command's span). Call it after changing the logging configuration at run
    time: levels are read once per logger, the first time the engine logs there."""

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
"""The core's generators."""
_RegistryName = Literal["echo", "reference", "none"]
"""Registries: echo everywhere (the default), the reference generators, or none."""
_Generators = Union[_RegistryName, Mapping[str, Union[_GeneratorName, _RegistryName, _PythonGenerator]]]
"""``Hub(generators=...)``: a registry name, or subcategory (or ``"*"``: the
registry for the rest) to a generator name or a Python generator."""

class _Entitlement(TypedDict):
    """One capability of ``Hub.entitlements``."""
    allowed: bool
    refusal: Optional[dict[str, _WireValue]]

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
        gateway: Optional[Union[SimulatedGateway, _PaymentGateway]] = None,
        generators: Optional[_Generators] = None,
    ) -> Self:
        """A hub over a fresh memory store. ``gateway``: a ``SimulatedGateway``
        (default: a fresh one) or an object with ``charge(request) -> str``.
        ``generators``: ``None`` (the default: the echo generator everywhere), a
        registry name (``"echo"``, ``"reference"``, ``"none"``), or a dict of
        subcategory (or ``"*"`` for the registry of the rest) to a generator name or
        a Python generator; an unknown key or name raises ``InvalidInputError`` (C1)."""
    @classmethod
    def open(
        cls,
        url: str,
        policy: Optional[Policy] = None,
        clock: Optional[ManualClock] = None,
        gateway: Optional[Union[SimulatedGateway, _PaymentGateway]] = None,
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
    def gateway(self) -> Union[SimulatedGateway, _PaymentGateway]:
        """The payment gateway: its ``SimulatedGateway`` or the object passed as ``gateway``."""
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
    def publish_checklist(self, seller: str, model: str) -> list[_Requirement]:
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
    def trained_style(self, seller: str, file: Union[str, Mapping[str, Any]]) -> _TrainedStyle:
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
