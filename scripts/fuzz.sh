#!/usr/bin/env bash
# Builds and runs the fuzz targets of fuzz/ (cargo-fuzz, libFuzzer) on the stable
# toolchain (RUSTC_BOOTSTRAP=1 lets it accept the -Z flags cargo-fuzz passes),
# without a sanitizer by default: the core has no unsafe code of its own, and ASan
# slows the decoders several times over (see RELIABILITY.md, "Fuzzing").
# FIVERGO_FUZZ_SANITIZER=address builds and runs with AddressSanitizer instead (in
# fuzz/target-address, so the two builds do not replace each other).
#
# Usage:
#   bash scripts/fuzz.sh build                 build every target
#   bash scripts/fuzz.sh run TARGET SECONDS    run one target (corpus in fuzz/corpus/TARGET)
#   bash scripts/fuzz.sh smoke SECONDS [JOBS]  every target for SECONDS, JOBS at a time (2)
#   bash scripts/fuzz.sh list                  the targets
#
# Every run uses -rss_limit_mb=2048 -timeout=10; a crash, a hang or an
# out-of-memory stops it with a non-zero status and leaves the input in
# fuzz/artifacts/TARGET/. Seeds: fuzz/seeds/TARGET (written by
# `cargo test -p fivergo-core --lib write_fuzz_seeds -- --ignored`) and, for the
# conformance target, tests/conformance/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1
SANITIZER="${FIVERGO_FUZZ_SANITIZER:-none}"
FUZZ_FLAGS=(--sanitizer "$SANITIZER")
if [[ "$SANITIZER" != none ]]; then
    FUZZ_FLAGS+=(--target-dir "target-$SANITIZER")
fi

targets() { cargo fuzz list; }

seeds() {
    case "$1" in
        conformance_scenario) echo "$ROOT/tests/conformance" ;;
        *) echo "$ROOT/fuzz/seeds/$1" ;;
    esac
}

run() {
    local target="$1" seconds="$2"; shift 2
    mkdir -p "corpus/$target" "artifacts/$target"
    cargo fuzz run "${FUZZ_FLAGS[@]}" "$target" "corpus/$target" "$(seeds "$target")" -- \
        -rss_limit_mb=2048 -timeout=10 -max_total_time="$seconds" \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 "$@"
}

case "${1:-}" in
    build) cargo fuzz build "${FUZZ_FLAGS[@]}" ;;
    list) targets ;;
    run) run "$2" "$3" "${@:4}" ;;
    smoke)
        seconds="${2:-20}"
        jobs="${3:-2}"
        cargo fuzz build "${FUZZ_FLAGS[@]}"
        mapfile -t all < <(targets)
        mkdir -p artifacts
        failed=()
        # JOBS at a time, each for SECONDS of wall time (with more jobs than cores,
        # each gets a share of a core).
        for ((i = 0; i < ${#all[@]}; i += jobs)); do
            pids=()
            for t in "${all[@]:i:jobs}"; do
                run "$t" "$seconds" >"artifacts/$t.smoke.log" 2>&1 &
                pids+=("$!:$t")
            done
            for p in "${pids[@]}"; do
                if wait "${p%%:*}"; then
                    echo "fuzz smoke ${p#*:}: $(grep -o 'stat::number_of_executed_units: [0-9]*' "artifacts/${p#*:}.smoke.log" | awk '{print $2}') executions in ${seconds}s"
                else
                    echo "fuzz smoke ${p#*:}: FAILED (fuzz/artifacts/${p#*:}.smoke.log)"
                    tail -n 30 "artifacts/${p#*:}.smoke.log"
                    failed+=("${p#*:}")
                fi
            done
        done
        ((${#failed[@]} == 0)) || { echo "fuzz targets failed: ${failed[*]}"; exit 1; }
        ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
esac
