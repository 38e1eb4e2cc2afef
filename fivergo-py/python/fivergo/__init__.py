"""fivergo: AI creation models for freelancers, embedded in Python.

The rules live in the Rust core; this package re-exports the native module
``fivergo._fivergo``.
"""

from ._fivergo import FivergoError, __version__, default_policy_json, load_policy

__all__ = ["FivergoError", "__version__", "default_policy_json", "load_policy"]
