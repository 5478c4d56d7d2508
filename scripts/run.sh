#!/usr/bin/env bash
# run.sh [INPUT] — install, build, and run qbath on INPUT; with no INPUT, the quick start
# (FGR paper: a level decaying into a GUE dot, P_res against Eq. (4), P(tau) against
# Eq. (5)) and its figure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
cd "$root"
if [ $# -eq 0 ]; then
  mkdir -p outputs
  build/qbath quickstart
  # Debian's matplotlib lives under /usr/bin/python3; a pyenv python3 may not see it.
  py=python3
  $py -c "import matplotlib" 2>/dev/null || py=/usr/bin/python3
  $py scripts/plot_quickstart.py outputs/fgr_quickstart.h5
  exit 0
fi
exec build/qbath run "$@"
