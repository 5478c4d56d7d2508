#!/usr/bin/env bash
# test_mpi.sh — builds qbath with MPI (build-mpi/, OpenMPI from Debian) and runs the
# campaign suites there; campaign_mpi (built only in this configuration) checks that
# `mpirun -np 2` and `-np 3` write bit for bit the numbers of one process, also after a
# SIGTERM and an MPI resume (suites of the test model run the test CLI qbath_test);
# campaign_mpi_eigen that `mpirun -np 2` shares one shift-invert realization's MPI MUMPS
# factorization between the ranks and gives the one-process eigenvalues and observables
# (1e-10). Only the runner's targets are built: CI time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="$root/build-mpi"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DQBATH_MPI=ON >/dev/null
targets=(qbath qbath_test test_campaign_mpi test_campaign_mpi_eigen test_campaign_run
         test_campaign_guard test_campaign_kill test_campaign_signals)
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"
cd "$build"
ctest --output-on-failure -R '^campaign_(mpi|mpi_eigen|run|guard|kill|signals)$' "$@"
