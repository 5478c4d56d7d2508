#!/usr/bin/env bash
# runner_overhead.sh [bench runner options] — the campaign runner's overhead over 10^5
# trivial realizations (acceptance 4 of the campaign issue; target < 5%). The benchmark
# runs the runner's test model, so it lives in the test CLI qbath_test (tests/cli/), built
# with the tests next to qbath.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
qbath_test="${QBATH_TEST:-$root/build/qbath_test}"
[ -x "$qbath_test" ] || "$root/scripts/build.sh" "$root/build"
exec "$qbath_test" bench runner "$@"
