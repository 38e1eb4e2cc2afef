#!/usr/bin/env bash
# Runs every test of the repository from a fresh clone: Rust (cargo test), the fuzz
# targets' smoke run, Python (maturin develop + pytest + stubtest) and Node (napi
# build + node --test).
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
# Every build here is from scratch or nearly: incremental compilation only costs
# disk and time.
export CARGO_INCREMENTAL=0
FAILED=()
step() { printf '\n==> %s\n' "$*"; }
# Free space on the disk of the build directories, in GiB.
disk_free_gib() { df -Pk "$ROOT" | awk 'NR == 2 { printf "%.1f", $4 / 1048576 }'; }
# suite NAME CMD...: runs CMD, records NAME as failed when it exits non-zero.
suite() {
    local name="$1"; shift
    step "$name"
    local t0=$SECONDS
    if "$@"; then
        printf -- '--> %s: ok (%ss, %s GiB free)\n' "$name" "$((SECONDS - t0))" "$(disk_free_gib)"
    else
        printf -- '--> %s: FAILED (%ss, %s GiB free)\n' "$name" "$((SECONDS - t0))" "$(disk_free_gib)"
        FAILED+=("$name")
    fi
}

# A run from a fresh clone writes about NEED_GIB of builds (target/, fuzz/target/,
# .venv, node_modules; measured in BENCHMARKS.md, "Test command"). With less free,
# say so first: a full disk shows up later as linker crashes, far from its cause.
NEED_GIB=6
FREE_GIB="$(disk_free_gib)"
step "disk: ${FREE_GIB} GiB free on $(df -P "$ROOT" | awk 'NR == 2 { print $6 }') (a fresh run needs about ${NEED_GIB} GiB)"
if awk -v f="$FREE_GIB" -v n="$NEED_GIB" 'BEGIN { exit !(f < n) }'; then
    echo "WARNING: less free disk than a fresh run needs; builds may fail with 'No space left on device'"
fi

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

# ---------------------------------------------------------------- PostgreSQL
# The PostgreSQL store's tests (Rust, Python, Node) run against FIVERGO_TEST_PG_URL.
# When it is not set, a throwaway server is started here: Debian's packages
# (installed with apt when missing), initdb into a temporary directory, a free port
# on 127.0.0.1; stopped and removed when this script exits, also on failure or
# interrupt. If no server can be started the PostgreSQL tests fail with the reason.
PG_DIR=""
PG_AS=()
PG_BIN=""
stop_postgres() {
    if [[ -n "$PG_DIR" && -f "$PG_DIR/data/postmaster.pid" ]]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
    PG_DIR=""
}
start_postgres() {
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [[ ! -x "$PG_BIN/initdb" ]] && command -v apt-get >/dev/null 2>&1; then
        step "installing PostgreSQL (apt-get install postgresql)"
        local sudo=()
        if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo -n); fi
        "${sudo[@]}" apt-get install -y -qq postgresql >/dev/null 2>&1 \
            || { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 && "${sudo[@]}" apt-get install -y -qq postgresql >/dev/null 2>&1; } \
            || true
        PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    fi
    if [[ ! -x "$PG_BIN/initdb" ]]; then
        PG_FAILED="no PostgreSQL server binaries (initdb) and apt-get could not install the postgresql package"
        return 1
    fi
    # initdb refuses to run as root: the server then runs as the postgres user.
    PG_AS=()
    if [[ "$(id -u)" -eq 0 ]]; then PG_AS=(runuser -u postgres --); fi
    PG_DIR="$(mktemp -d /tmp/fivergo-pg.XXXXXX)"
    chmod 755 "$PG_DIR"
    if ((${#PG_AS[@]})); then chown postgres "$PG_DIR"; fi
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U fivergo --no-sync >"$PG_DIR/initdb.log" 2>&1; then
        PG_FAILED="initdb failed: $(tail -n 3 "$PG_DIR/initdb.log")"
        return 1
    fi
    # fsync off: a test server loses nothing it needs when the machine crashes.
    if ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
        PG_FAILED="the PostgreSQL server did not start: $(tail -n 5 "$PG_DIR/server.log" 2>/dev/null)"
        return 1
    fi
    export FIVERGO_TEST_PG_URL="postgres://fivergo@127.0.0.1:$port/postgres"
    # For the tests that restart the server mid-run.
    export FIVERGO_TEST_PG_CTL="${PG_AS[*]} $PG_BIN/pg_ctl -D $PG_DIR/data"
    step "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $PG_DIR)"
}
PG_FAILED=""
if [[ -z "${FIVERGO_TEST_PG_URL:-}" ]]; then
    trap stop_postgres EXIT
    if ! start_postgres; then
        echo "PostgreSQL could not be started: $PG_FAILED"
        echo "the PostgreSQL tests will fail (set FIVERGO_TEST_PG_URL to use a running server)"
    fi
fi

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
# A rules-only backend builds the core without image, hound, candle and rusqlite;
# with only the SQLite store; and with only media (features must not lean on each
# other by accident).
rust_features() {
    cargo check --quiet -p fivergo-core --no-default-features \
        && cargo check --quiet -p fivergo-core --no-default-features --features sqlite \
        && cargo check --quiet -p fivergo-core --no-default-features --features media \
        && cargo check --quiet -p fivergo-core --no-default-features --features postgres
}
suite "rust: feature subsets build" rust_features

# ---------------------------------------------------------------- fuzzing
# The fuzz targets (fuzz/, cargo-fuzz with libFuzzer, no sanitizer) build, and each
# runs a smoke of FIVERGO_FUZZ_SMOKE_S seconds (default 60), FIVERGO_FUZZ_SMOKE_JOBS
# at a time (default 4: ten targets in two and a half minutes on 2 cores, each with
# half a core; RELIABILITY.md, "Fuzzing"). Long runs: bash scripts/fuzz.sh run
# TARGET SECONDS.
CARGO_FUZZ_VERSION="0.13.1"
FUZZ_SMOKE_S="${FIVERGO_FUZZ_SMOKE_S:-60}"
FUZZ_SMOKE_JOBS="${FIVERGO_FUZZ_SMOKE_JOBS:-4}"
fuzz_smoke() {
    if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
        step "installing cargo-fuzz $CARGO_FUZZ_VERSION"
        cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION" || return 1
    fi
    bash scripts/fuzz.sh smoke "$FUZZ_SMOKE_S" "$FUZZ_SMOKE_JOBS"
}
suite "fuzz: cargo fuzz build + ${FUZZ_SMOKE_S} s smoke per target" fuzz_smoke

# ---------------------------------------------------------------- Python binding
# Both conformance runners write the native values they saw here (memory store), for
# the wire comparison after the Node suite.
export FIVERGO_WIRE_DUMP="$ROOT/target/wire-dump"
rm -rf "$FIVERGO_WIRE_DUMP"
mkdir -p "$FIVERGO_WIRE_DUMP"
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

# ---------------------------------------------------------------- one wire form
suite "wire: Python and Node hand out the same records and events" \
    python tests/wire/compare.py "$FIVERGO_WIRE_DUMP"

# ---------------------------------------------------------------- summary
if ((${#FAILED[@]})); then
    step "FAILED after $((SECONDS - START))s: ${FAILED[*]}"
    exit 1
fi
step "all tests passed in $((SECONDS - START))s"
