#!/usr/bin/env bash
# test.sh — the one test command: install missing packages, configure, build, run every
# CUnit suite through CTest. QBATH_SANITIZE=1 builds with ASan+UBSan in build-sanitize/.
# QBATH_FUZZ_SECONDS=N then runs each libFuzzer target N seconds (scripts/fuzz.sh, clang).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
if [ "${QBATH_SANITIZE:-0}" = 1 ]; then
  build="$root/build-sanitize"
  extra=(-DQBATH_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  # Leak checks stay on; OpenMP runtime internals are not ours to fix.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
  export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build="$root/build"
  extra=()
fi
"$root/scripts/build.sh" "$build" "${extra[@]}"
(cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@")
if [ -n "${QBATH_FUZZ_SECONDS:-}" ] && [ "$QBATH_FUZZ_SECONDS" != 0 ]; then  # 0: no fuzzing (libFuzzer reads 0 as "no limit")
  "$root/scripts/fuzz.sh" "$QBATH_FUZZ_SECONDS"
fi
