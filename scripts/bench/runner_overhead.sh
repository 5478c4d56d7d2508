#!/usr/bin/env bash
# runner_overhead.sh [qbath bench runner options] — the campaign runner's overhead over
# 10^5 trivial realizations (acceptance 4 of the campaign issue; target < 5%).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
qbath="${QBATH:-$root/build/qbath}"
[ -x "$qbath" ] || "$root/scripts/build.sh" "$root/build"
exec "$qbath" bench runner "$@"
