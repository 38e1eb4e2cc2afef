#!/usr/bin/env bash
# Runs every test of the repository from a fresh clone: Rust (cargo test), Python
# (maturin develop + pytest + stubtest) and Node (napi build + node --test).
# Installs what it needs itself (a venv at .venv, npm packages in
# fivergo-node/node_modules) and is safe to run again: later runs reuse the venv,
# node_modules and the build caches under target/.
#
# Every suite runs even when an earlier one fails; the summary at the end lists the
# failed ones and the exit status is non-zero if any failed.
#
# Usage: bash scripts/test.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

START=$SECONDS
FAILED=()
step() { printf '\n==> %s\n' "$*"; }
# suite NAME CMD...: runs CMD, records NAME as failed when it exits non-zero.
suite() {
    local name="$1"; shift
    step "$name"
    local t0=$SECONDS
    if "$@"; then
        printf -- '--> %s: ok (%ss)\n' "$name" "$((SECONDS - t0))"
    else
        printf -- '--> %s: FAILED (%ss)\n' "$name" "$((SECONDS - t0))"
        FAILED+=("$name")
    fi
}

# ---------------------------------------------------------------- tools
VENV="$ROOT/.venv"
PY_REQS="$ROOT/fivergo-py/requirements-dev.txt"
if [[ ! -x "$VENV/bin/python" ]]; then
    step "creating venv at .venv"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
STAMP="$VENV/.fivergo-reqs"
if [[ ! -f "$STAMP" ]] || ! cmp -s "$PY_REQS" "$STAMP"; then
    step "installing Python tools: $(grep -v '^#' "$PY_REQS" | tr '\n' ' ')"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$PY_REQS"
    cp "$PY_REQS" "$STAMP"
fi

# npm ci only when node_modules is missing or older than the lockfile.
if [[ ! -f fivergo-node/node_modules/.package-lock.json \
      || fivergo-node/package-lock.json -nt fivergo-node/node_modules/.package-lock.json ]]; then
    step "installing Node tools (npm ci in fivergo-node)"
    (cd fivergo-node && npm ci --no-audit --no-fund --loglevel=error)
fi

# espeak-ng is the speech engine of the Voice-over reference generator. Best effort:
# without it, its tests check the typed `generator_unavailable` error instead.
if ! command -v espeak-ng >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    step "installing espeak-ng (best effort)"
    SUDO=()
    if [[ "$(id -u)" -ne 0 ]]; then SUDO=(sudo -n); fi
    "${SUDO[@]}" apt-get install -y -qq espeak-ng >/dev/null 2>&1 \
        || echo "espeak-ng could not be installed; the voice-over tests check the unavailable path"
fi

# pyo3 (built by cargo test as well as by maturin) must find this interpreter, and
# the Rust test binaries that link libpython must find it at run time.
export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
export PYO3_PYTHON="$VENV/bin/python"
PY_LIBDIR="$("$PYO3_PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")')"
export LD_LIBRARY_PATH="${PY_LIBDIR}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# ---------------------------------------------------------------- Rust
rust_tests() {
    cargo test --workspace --no-fail-fast
}
# The bindings build for an explicit `--target <host>` (napi always does): their
# artifacts land in target/<host>/, apart from the tests' target/debug/. So maturin
# (which builds pyo3 as an extension module) never invalidates what cargo test built,
# and the Python and Node builds share one compile of the core's dependency tree.
HOST_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
suite "rust: cargo test --workspace" rust_tests
# Public items are documented with examples; broken or private links fail the build.
rust_docs() {
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
}
suite "rust: cargo doc (warnings are errors)" rust_docs

# ---------------------------------------------------------------- Python binding
python_tests() {
    maturin develop --quiet --manifest-path fivergo-py/Cargo.toml --target "$HOST_TRIPLE" \
        && python -m pytest fivergo-py/tests \
        && step "stubtest: fivergo/_fivergo.pyi matches the native module" \
        && python -m mypy.stubtest fivergo
}
suite "python: maturin develop + pytest + stubtest" python_tests

# ---------------------------------------------------------------- Node binding
node_tests() {
    (
        cd fivergo-node
        npx --no-install napi build --platform \
            && npx --no-install tsc --noEmit -p tsconfig.json \
            && node --test test/*.test.mjs
    )
}
suite "node: napi build + tsc + node --test" node_tests

# ---------------------------------------------------------------- summary
if ((${#FAILED[@]})); then
    step "FAILED after $((SECONDS - START))s: ${FAILED[*]}"
    exit 1
fi
step "all tests passed in $((SECONDS - START))s"
