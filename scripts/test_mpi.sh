#!/usr/bin/env bash
# test_mpi.sh — builds qbath with MPI (build-mpi/) and runs the campaign suites there;
# test_campaign_run then also checks that `mpirun -np 2 qbath run` equals one process.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" "$root/build-mpi" -DQBATH_MPI=ON
cd "$root/build-mpi"
ctest --output-on-failure -R campaign "$@"
