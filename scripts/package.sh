#!/usr/bin/env bash
# The release check: proves that the Python wheel and the npm package build from a
# clean checkout and work once installed, and prints their sizes.
#
#  1. `git clone` of this repository's HEAD into a temporary directory (so nothing
#     ignored or uncommitted in this checkout can help);
#  2. the abi3 wheel: `maturin build --release --strip` in the clone;
#  3. a fresh venv installs that wheel with Rust off the PATH (`pip install --no-index`),
#     imports fivergo and runs a tiny flow;
#  4. `npm pack` in the clone's fivergo-node/ (its `prepack` runs the release
#     `napi build` and copies the license texts in), checks the tarball holds exactly
#     the files that must ship, installs it into an empty Node project
#     (`npm install --offline`) and runs a tiny flow there;
#  5. prints the wheel and tarball sizes (packed and unpacked) and the build times.
#
# Exits non-zero on any failure. Stops what it started (builds run in their own process
# group) and removes its temporary directory, also on failure or interrupt.
#
# Reruns are faster: the builds share one Cargo target directory,
# target/package/ (FIVERGO_PACKAGE_TARGET_DIR to move it), so only the workspace's own
# crates compile again. Uses the tools scripts/test.sh installs (.venv with maturin,
# fivergo-node/node_modules) and installs them the same way when missing.
#
# Usage: bash scripts/package.sh
#        FIVERGO_PACKAGE_OUT=target/dist bash scripts/package.sh   # keeps the checked wheel and tarball
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FIVERGO_PACKAGE_OUT:-}"
[[ -z "$OUT" || "$OUT" == /* ]] || OUT="$PWD/$OUT"
cd "$ROOT"

START=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\n!!> package check FAILED: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- cleanup
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fivergo-package.XXXXXX")"
CHILD=""
cleanup() {
    local rc=$?
    if [[ -n "$CHILD" ]]; then
        # The step runs in a process group of its own: stop all of it (cargo, rustc, npm).
        kill -TERM -- "-$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
        CHILD=""
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run DIR CMD...: runs CMD in DIR as a process group of its own (so that an interrupt
# stops every process it started) and waits for it.
run() {
    local dir="$1"; shift
    (cd "$dir" && exec setsid "$@") &
    CHILD=$!
    local rc=0
    wait "$CHILD" || rc=$?
    CHILD=""
    return "$rc"
}

# ---------------------------------------------------------------- tools
for tool in git cargo rustc node npm setsid; do
    command -v "$tool" >/dev/null || fail "$tool is not on the PATH"
done
VENV="$ROOT/.venv"
if [[ ! -x "$VENV/bin/python" ]]; then
    step "creating venv at .venv"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
MATURIN_REQ="$(grep -E '^maturin' fivergo-py/requirements-dev.txt)"
if [[ ! -x "$VENV/bin/maturin" ]]; then
    step "installing $MATURIN_REQ into .venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$MATURIN_REQ"
fi
# The interpreter of the fresh venv that installs the wheel (the real one, not a shim).
BASE_PYTHON="$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')"

# A PATH without Rust: every directory holding cargo, rustc or rustup is dropped.
SAFE_PATH=""
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
    [[ -z "$dir" || -e "$dir/cargo" || -e "$dir/rustc" || -e "$dir/rustup" ]] && continue
    SAFE_PATH="${SAFE_PATH:+$SAFE_PATH:}$dir"
done
# without_rust CMD...: CMD with an empty environment but HOME and that PATH.
without_rust() {
    env -i HOME="$WORK/home" PATH="$SAFE_PATH" LANG=C.UTF-8 NPM_CONFIG_UPDATE_NOTIFIER=false "$@"
}
mkdir -p "$WORK/home" "$WORK/dist"
if without_rust sh -c 'command -v cargo || command -v rustc' >/dev/null; then
    fail "could not take Rust off the PATH for the install steps"
fi

HOST_TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_TARGET_DIR="${FIVERGO_PACKAGE_TARGET_DIR:-$ROOT/target/package}"
export CARGO_INCREMENTAL=0
# Strip the symbol tables. Both builds get the same flags (napi's --strip adds exactly
# this one when missing) so that they share one compile of the dependency tree.
export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C link-arg=-s"

# ---------------------------------------------------------------- clean checkout
HEAD="$(git rev-parse --short HEAD)"
step "cloning HEAD ($HEAD) into $WORK/src"
if [[ -n "$(git status --porcelain --untracked-files=no)" ]]; then
    echo "note: this checkout has uncommitted changes; the check builds HEAD without them"
fi
git clone --quiet --no-hardlinks "$ROOT" "$WORK/src"

# ---------------------------------------------------------------- Python wheel
step "python: maturin build --release (abi3 wheel)"
t0=$SECONDS
run "$WORK/src/fivergo-py" nice -n 10 "$VENV/bin/maturin" build --release --strip --locked \
    --target "$HOST_TRIPLE" --interpreter "$VENV/bin/python" --out "$WORK/dist"
WHEEL_S=$((SECONDS - t0))
shopt -s nullglob
wheels=("$WORK"/dist/fivergo-*.whl)
shopt -u nullglob
((${#wheels[@]} == 1)) || fail "expected one wheel in $WORK/dist, found ${#wheels[@]}"
WHEEL="${wheels[0]}"
[[ "$(basename "$WHEEL")" == *-abi3-* ]] || fail "$(basename "$WHEEL") is not an abi3 wheel"

step "python: install the wheel into a fresh venv, without Rust on the PATH"
"$BASE_PYTHON" -m venv "$WORK/venv"
without_rust "$WORK/venv/bin/python" -m pip install --quiet --no-index --no-cache-dir \
    --disable-pip-version-check "$WHEEL"
mkdir -p "$WORK/empty"
(cd "$WORK/empty" && without_rust "$WORK/venv/bin/python" - <<'PY'
import datetime as dt
import importlib.metadata as md
import sysconfig

import fivergo

site = sysconfig.get_paths()["purelib"]
assert fivergo.__file__.startswith(site), f"fivergo imported from {fivergo.__file__}, not {site}"
meta = md.metadata("fivergo")
assert meta["License-Expression"] == "MIT OR Apache-2.0", meta["License-Expression"]
licenses = sorted(str(f).rsplit("/", 1)[-1] for f in md.files("fivergo") if "/licenses/" in str(f))
assert licenses == ["LICENSE-APACHE", "LICENSE-DEJAVU", "LICENSE-MIT"], licenses

clock = fivergo.ManualClock(dt.datetime(2026, 2, 18, 9, tzinfo=dt.timezone.utc))
hub = fivergo.Hub(clock=clock)
events = hub.register_seller("ana", "level_2").events
hub.add_gig("ana", "tattoo")
model = hub.create_model("ana", "tattoo").value
print(f"fivergo {fivergo.__version__} from {fivergo.__file__}")
print(f"  registered {hub.seller('ana').id!r} ({[e.type for e in events]}), model {model}")
print(f"  licenses: {', '.join(licenses)}")
PY
) || fail "the installed wheel does not work"

# ---------------------------------------------------------------- npm package
NODE_DIR="$WORK/src/fivergo-node"
step "node: npm ci --offline in the clone (the napi CLI)"
if ! run "$NODE_DIR" npm ci --offline --no-update-notifier --no-audit --no-fund --loglevel=error; then
    [[ -d "$ROOT/fivergo-node/node_modules/@napi-rs/cli" ]] \
        || fail "npm ci --offline failed and $ROOT/fivergo-node/node_modules has no napi CLI (run bash scripts/test.sh once)"
    echo "npm ci --offline failed (packages not in the npm cache): using $ROOT/fivergo-node/node_modules"
    rm -rf "$NODE_DIR/node_modules"
    ln -s "$ROOT/fivergo-node/node_modules" "$NODE_DIR/node_modules"
fi

step "node: npm pack (prepack: napi build --platform --release --strip)"
t0=$SECONDS
run "$NODE_DIR" nice -n 10 npm pack --no-update-notifier --pack-destination "$WORK/dist" --loglevel=error >/dev/null
PACK_S=$((SECONDS - t0))
shopt -s nullglob
tarballs=("$WORK"/dist/fivergo-*.tgz)
shopt -u nullglob
((${#tarballs[@]} == 1)) || fail "expected one tarball in $WORK/dist, found ${#tarballs[@]}"
TARBALL="${tarballs[0]}"
# postpack removes the license copies prepack made.
leftovers="$(cd "$NODE_DIR" && ls -d LICENSE-* 2>/dev/null | tr '\n' ' ' || true)"
[[ -z "$leftovers" ]] || fail "npm pack left copies behind in fivergo-node/: $leftovers"

# Exactly what must ship: the entry point and its types, the napi loader and its
# types, the release addon, the README and the licenses.
expected="LICENSE-APACHE LICENSE-DEJAVU LICENSE-MIT README.md fivergo.$(node -p 'const {platform, arch} = process; `${platform}-${arch}`')-gnu.node index.d.ts index.js lib.d.ts lib.js package.json types.d.ts"
actual="$(tar tzf "$TARBALL" | sed 's|^package/||' | sort | tr '\n' ' ' | sed 's/ $//')"
[[ "$actual" == "$expected" ]] || fail "the tarball holds [$actual], expected [$expected]"

step "node: install the tarball into an empty project and load it"
mkdir -p "$WORK/app"
printf '{ "name": "fivergo-package-check", "version": "1.0.0", "private": true }\n' >"$WORK/app/package.json"
(cd "$WORK/app" && without_rust npm install --offline --no-audit --no-fund --loglevel=error "$TARBALL") \
    || fail "npm install of the tarball failed"
(cd "$WORK/app" && without_rust node -e "
const fivergo = require('fivergo')
const where = require.resolve('fivergo')
if (!where.startsWith(process.cwd())) throw new Error('fivergo resolved to ' + where)
const hub = new fivergo.Hub({ start: new Date('2026-02-18T09:00:00Z') })
const { events } = hub.registerSeller('ana', 'level_2')
hub.addGig('ana', 'tattoo')
const model = hub.createModel('ana', 'tattoo').value
console.log('fivergo ' + fivergo.version() + ' from ' + where)
console.log('  registered ' + hub.seller('ana').id + ' (' + events.map((e) => e.type) + '), model ' + model)
") || fail "the installed npm package does not work"

# ---------------------------------------------------------------- sizes
step "sizes"
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
WHEEL_PACKED="$(stat -c %s "$WHEEL")"
WHEEL_UNPACKED="$("$VENV/bin/python" -c 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' "$WHEEL")"
TARBALL_PACKED="$(stat -c %s "$TARBALL")"
TARBALL_UNPACKED="$("$VENV/bin/python" -c 'import sys, tarfile; print(sum(m.size for m in tarfile.open(sys.argv[1]).getmembers()))' "$TARBALL")"
printf '%-52s %12s %12s\n' "artifact" "packed" "unpacked"
printf '%-52s %12s %12s\n' "$(basename "$WHEEL")" "$(mib "$WHEEL_PACKED")" "$(mib "$WHEEL_UNPACKED")"
printf '%-52s %12s %12s\n' "$(basename "$TARBALL")" "$(mib "$TARBALL_PACKED")" "$(mib "$TARBALL_UNPACKED")"
printf '(bytes: wheel %s / %s, tarball %s / %s)\n' "$WHEEL_PACKED" "$WHEEL_UNPACKED" "$TARBALL_PACKED" "$TARBALL_UNPACKED"
printf 'build times: wheel %ss (maturin build --release), npm pack %ss (napi build --release + pack)\n' \
    "$WHEEL_S" "$PACK_S"

if [[ -n "$OUT" ]]; then
    mkdir -p "$OUT"
    cp "$WHEEL" "$TARBALL" "$OUT/"
    echo "kept in $OUT: $(basename "$WHEEL") $(basename "$TARBALL")"
fi

step "package check passed in $((SECONDS - START))s (HEAD $HEAD)"
