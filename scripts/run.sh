#!/usr/bin/env bash
# run.sh [INPUT] — install, build, and run qbath on INPUT; with no INPUT, the quick start.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
if [ $# -eq 0 ]; then
  exec "$root/build/qbath" quickstart
fi
exec "$root/build/qbath" run "$@"
