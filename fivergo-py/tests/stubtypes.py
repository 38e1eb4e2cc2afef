"""Checks runtime values against the annotations of ``fivergo/_fivergo.pyi``.

The stub is executed as a module (with postponed annotations), so its classes,
aliases and TypedDicts can be read with ``typing``; a value conforms when it has the
annotated shape: ``Literal`` members, ``Optional`` / ``Union`` arms, list and dict
items, every required TypedDict key and no unknown one, aware UTC datetimes, and the
stub's classes standing for the runtime classes of the same name.
"""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, ForwardRef

from typing_extensions import NotRequired, Required, is_typeddict

import fivergo

STUB_MODULE = "_fivergo_stub"


def load_stub() -> dict[str, Any]:
    """The stub's namespace."""
    source = Path(fivergo.__file__).with_name("_fivergo.pyi").read_text()
    namespace: dict[str, Any] = {"__name__": STUB_MODULE}
    exec(compile("from __future__ import annotations\n" + source, "_fivergo.pyi", "exec"), namespace)
    return namespace


def property_type(namespace: dict[str, Any], cls_name: str, attr: str) -> Any:
    """The return annotation of ``cls_name.attr`` (a property or a method) in the stub."""
    member = namespace[cls_name].__dict__.get(attr)
    if member is None:
        for base in namespace[cls_name].__mro__[1:]:
            member = base.__dict__.get(attr)
            if member is not None:
                break
    func = member.fget if isinstance(member, property) else member
    return typing.get_type_hints(func, globalns=namespace)["return"]


def stub_properties(namespace: dict[str, Any], cls_name: str) -> list[str]:
    """The properties the stub declares on a class (its bases included)."""
    names: list[str] = []
    for klass in namespace[cls_name].__mro__:
        names += [n for n, v in vars(klass).items() if isinstance(v, property) and n not in names]
    return names


def mismatches(value: Any, tp: Any, namespace: dict[str, Any], path: str = "value") -> list[str]:
    """Why ``value`` does not have the type ``tp`` (empty when it does)."""
    if isinstance(tp, str):
        tp = eval(tp, namespace)  # noqa: S307 - the stub's own annotations
    if isinstance(tp, ForwardRef):
        tp = eval(tp.__forward_arg__, namespace)  # noqa: S307
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    bad = [f"{path}: {value!r} is not {tp}"]
    if tp is Any:
        return []
    if tp is None or tp is type(None):
        return [] if value is None else bad
    if origin is typing.Union:
        arms = [mismatches(value, arm, namespace, path) for arm in args]
        return [] if any(not m for m in arms) else bad + [m for arm in arms for m in arm][:6]
    if origin is typing.Literal:
        return [] if any(value == a and type(value) is type(a) for a in args) else bad
    if origin is list:
        if not isinstance(value, list):
            return bad
        return [m for i, item in enumerate(value) for m in mismatches(item, args[0], namespace, f"{path}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return bad
        out = []
        for k, v in value.items():
            out += mismatches(k, args[0], namespace, f"{path} key {k!r}")
            out += mismatches(v, args[1], namespace, f"{path}[{k!r}]")
        return out
    if origin is tuple:
        if not isinstance(value, tuple) or len(value) != len(args):
            return bad
        return [m for i, (v, a) in enumerate(zip(value, args)) for m in mismatches(v, a, namespace, f"{path}[{i}]")]
    if is_typeddict(tp):
        if not isinstance(value, dict):
            return bad
        hints = typing.get_type_hints(tp, globalns=namespace, include_extras=True)
        optional = {k for k, h in hints.items() if typing.get_origin(h) is NotRequired}
        required = {k for k, h in hints.items() if typing.get_origin(h) is Required}
        if getattr(tp, "__total__", True):
            required |= set(hints) - optional
        hints = {k: (typing.get_args(h)[0] if typing.get_origin(h) in (NotRequired, Required) else h) for k, h in hints.items()}
        out = [f"{path}: missing key {k!r} of {tp.__name__}" for k in sorted(required) if k not in value]
        out += [f"{path}: key {k!r} is not in {tp.__name__}" for k in value if k not in hints]
        for k, v in value.items():
            if k in hints:
                out += mismatches(v, hints[k], namespace, f"{path}[{k!r}]")
        return out
    if tp is bool:
        return [] if isinstance(value, bool) else bad
    if tp is int:
        return [] if isinstance(value, int) and not isinstance(value, bool) else bad
    if tp is float:
        return [] if isinstance(value, (int, float)) and not isinstance(value, bool) else bad
    if tp is str:
        return [] if isinstance(value, str) else bad
    if tp is dt.datetime:
        aware_utc = isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0)
        return [] if aware_utc else bad
    if tp is Decimal:
        return [] if isinstance(value, Decimal) else bad
    if isinstance(tp, type) and tp.__module__ == STUB_MODULE:
        return [] if isinstance(value, getattr(fivergo, tp.__name__)) else bad
    if isinstance(tp, type):
        return [] if isinstance(value, tp) else bad
    return [f"{path}: the checker does not know {tp!r}"]
