#!/usr/bin/env bash
# Side-by-side comparisons with the tools a Python user would otherwise pick.
# Builds the Rust timing examples in release, installs the Python peers into a
# private venv (target/compare-venv), and runs every benches/compare/*.py script,
# each printing markdown tables. Not part of the test suite: timings are reported in
# BENCHMARKS.md, never asserted.
#
# Usage: bash benches/compare/run.sh [script.py ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/compare-venv"
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r benches/compare/requirements.txt
# invisible-watermark declares torch (gigabytes) for its RivaGAN method only; the
# dwtDctSvd method compared here needs none of it, so it is installed without its
# declared dependencies and the scripts stub the `torch` import.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps invisible-watermark==0.2.0
cargo build --release --examples
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(python3 --version)"
scripts=("$@")
if ((${#scripts[@]} == 0)); then
    scripts=(benches/compare/*.py)
fi
for s in "${scripts[@]}"; do
    echo
    echo "### $(basename "$s")"
    "$VENV/bin/python" "$s"
done
