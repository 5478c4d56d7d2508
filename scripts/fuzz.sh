#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets (tests/fuzz, clang, ASan + UBSan) in
# build-fuzz/ and runs each for SECONDS (default 60) on a seed corpus made of inputs/*.ini
# and tests/data/*.mtx. Exits non-zero when a target finds a crash, leak, UB or timeout;
# the reproducer is left in build-fuzz/artifacts/. Extra libFuzzer flags: QBATH_FUZZ_FLAGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
# libFuzzer reads -max_total_time=0 as "run forever": refuse it rather than hang a CI job.
if ! [ "$seconds" -gt 0 ] 2>/dev/null; then echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; fi
build="$root/build-fuzz"
CC=clang cmake -S "$root" -B "$build" -DQBATH_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)" --target fuzz_input fuzz_mmio
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$build/artifacts"
run_target() { # name seed-files...
  local name="$1"; shift
  local corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  cp "$@" "$corpus/" 2>/dev/null || true
  # Inputs run from the corpus directory's parent so relative matrix paths stay inside.
  (cd "$build" && "$build/tests/fuzz/$name" "$corpus" -max_total_time="$seconds" \
     -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
     -artifact_prefix="$build/artifacts/$name-" ${QBATH_FUZZ_FLAGS:-})
}
run_target fuzz_input "$root"/inputs/*.ini
run_target fuzz_mmio "$root"/tests/data/*.mtx
