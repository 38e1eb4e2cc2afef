"""Compares the wire form the Python and Node bindings hand out (issue 12).

Both conformance runners, with ``FIVERGO_WIRE_DUMP=<dir>`` set, write for every
scenario run on the memory store the native values a host sees: every recorded event
and every seller's partition (all records: seller, subscription, models, assets,
jobs, orders), normalised the same way: instants as RFC 3339 UTC with milliseconds,
money as ``{"amount", "currency"}``, snake_case field names. This script fails, with
the first differences, unless both bindings wrote the same JSON for every scenario.

Usage: python tests/wire/compare.py DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def diff(a: object, b: object, path: str, out: list[str]) -> None:
    if len(out) >= 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: only in {'python' if k in a else 'node'}")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in python, {len(b)} in node")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b or type(a) is not type(b) and not (
        isinstance(a, (int, float)) and isinstance(b, (int, float))
    ):
        out.append(f"{path}: python {a!r}, node {b!r}")


def main(directory: str) -> int:
    root = Path(directory)
    py = {p.name.removesuffix(".py.json"): p for p in root.glob("*.py.json")}
    node = {p.name.removesuffix(".node.json"): p for p in root.glob("*.node.json")}
    failures: list[str] = []
    if not py or not node:
        failures.append(f"no dumps in {root}: python {len(py)}, node {len(node)}")
    for name in sorted(set(py) ^ set(node)):
        failures.append(f"{name}: dumped by {'python' if name in py else 'node'} only")
    events = records = 0
    for name in sorted(set(py) & set(node)):
        a = json.loads(py[name].read_text())
        b = json.loads(node[name].read_text())
        events += len(a.get("events", []))
        records += len(a.get("partitions", {}))
        out: list[str] = []
        diff(a, b, name, out)
        failures.extend(out)
    if failures:
        print("the bindings' wire forms differ:\n" + "\n".join(failures[:60]))
        return 1
    print(f"python and node agree on {len(py)} scenarios: {events} events, {records} partitions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
