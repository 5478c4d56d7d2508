#!/usr/bin/env bash
# setup.sh — installs the Debian packages qbath needs that are missing; nothing else.
# Idempotent: a second run installs nothing. Needs root (or sudo) only when something is
# missing. QBATH_SETUP_PEERS=1 also installs the benchmark peers (SLEPc, QuTiP).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libopenblas-dev liblapacke-dev        # CBLAS + LAPACKE
  libsuitesparse-dev                    # UMFPACK, CHOLMOD
  libarpack2-dev                        # ARPACK-NG
  libmumps-seq-dev                      # MUMPS, optional shift-invert backend
  libmumps-dev                          # MPI MUMPS: the same backend in the MPI build
  libfftw3-dev                          # FFTW3 (double, threaded)
  libhdf5-dev hdf5-tools                # HDF5 C library, h5dump
  libinih-dev librandom123-dev          # input files, Philox
  libcunit1-dev                         # test suites
  libopenmpi-dev openmpi-bin            # the MPI build that CI tests (scripts/test_mpi.sh)
  python3-numpy python3-scipy python3-matplotlib python3-h5py   # scripts and figures
  python3-xarray python3-pandas python3-cffi python3-pytest      # python/ package and its tests
  python3-setuptools python3-pip                                 # pip install ./python (no network)
)
if [ -n "${QBATH_FUZZ_SECONDS:-}" ]; then
  packages+=(clang libclang-rt-dev libomp-dev)  # libFuzzer targets (scripts/fuzz.sh)
fi
if [ "${QBATH_SETUP_PEERS:-0}" = 1 ]; then
  packages+=(python3-qutip
             python3-slepc4py-complex python3-slepc4py-real
             python3-petsc4py-complex python3-petsc4py-real)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
