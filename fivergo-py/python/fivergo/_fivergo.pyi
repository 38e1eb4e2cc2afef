"""Type stubs for the native module ``fivergo._fivergo`` (hand-written)."""

from typing import Any, Optional

__all__ = ["FivergoError", "default_policy_json", "load_policy", "__version__"]

__version__: str

class FivergoError(Exception):
    """A refusal or failure of the fivergo engine."""

    code: str
    """Stable snake_case error code, e.g. ``"invalid_policy"``."""
    rule: Optional[str]
    """The SPEC rule the refusal enforces (``"T5"``, ...), or ``None``."""
    details: dict[str, Any]
    """The error's fields (``code``, ``rule``, ``message`` included)."""

def default_policy_json() -> str:
    """The default policy (every number of the SPEC) as pretty JSON."""

def load_policy(json: str) -> str:
    """Parse and validate a policy JSON; return the complete policy as JSON.

    Raises ``FivergoError`` (code ``"invalid_policy"``) when the JSON is malformed
    or a value is out of range.
    """
