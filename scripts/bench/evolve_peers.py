#!/usr/bin/python3
"""evolve_peers.py — the peers of `qbath bench evolve`: psi(t) = exp(-i H t) psi0 for a
Matrix Market H by scipy (expm_multiply, Al-Mohy & Higham truncated Taylor) or SLEPc (MFN,
Krylov, tolerance TOL; Debian's complex PETSc/SLEPc build). Prints the wall time of the
solve (setup of the operator excluded for SLEPc's matrix conversion, included for the
solver's own work), the error against DIR/ref.bin and the peak RSS.

usage: evolve_peers.py scipy|slepc DIR T TOL
DIR holds H.mtx, psi0.bin and ref.bin (complex128) written by `qbath bench evolve --export DIR`."""
import resource
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse as sp


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load(d):
    A = sp.csr_matrix(scipy.io.mmread(f"{d}/H.mtx"))
    psi0 = np.fromfile(f"{d}/psi0.bin", dtype=np.complex128)
    ref = np.fromfile(f"{d}/ref.bin", dtype=np.complex128)
    return A, psi0, ref


def report(name, psi, ref, t, extra=""):
    err = np.linalg.norm(psi - ref)
    print(f"{name}: time {t:.3f} s error {err:.2e} norm drift {abs(np.linalg.norm(psi) - 1):.1e} "
          f"peak RSS {peak_mb():.1f} MB {extra}")


def run_scipy(A, psi0, ref, T, tol):
    from scipy.sparse.linalg import expm_multiply
    B = (-1j * T) * A.astype(np.complex128)
    t0 = time.perf_counter()
    psi = expm_multiply(B, psi0)
    report("scipy", psi, ref, time.perf_counter() - t0)


def run_slepc(A, psi0, ref, T, tol):
    import slepc4py
    slepc4py.init(sys.argv[:1])
    from petsc4py import PETSc
    from slepc4py import SLEPc
    Ac = A.astype(np.complex128)
    M = PETSc.Mat().createAIJ(size=A.shape, csr=(Ac.indptr, Ac.indices, Ac.data))
    M.setOption(PETSc.Mat.Option.HERMITIAN, True)
    M.assemble()
    b, x = M.createVecs()
    b.setArray(psi0)
    t0 = time.perf_counter()
    mfn = SLEPc.MFN().create()
    mfn.setOperator(M)
    mfn.setType(SLEPc.MFN.Type.KRYLOV)
    fn = mfn.getFN()
    fn.setType(SLEPc.FN.Type.EXP)
    fn.setScale(-1j * T)
    mfn.setTolerances(tol=tol)
    mfn.setFromOptions()
    mfn.solve(b, x)
    t = time.perf_counter() - t0
    its = mfn.getIterationNumber()
    report("slepc", x.getArray().copy(), ref, t, f"(MFN Krylov, {its} restarts, ncv "
           f"{mfn.getDimensions()}, reason {mfn.getConvergedReason()})")


def main():
    which, d, T, tol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    A, psi0, ref = load(d)
    {"scipy": run_scipy, "slepc": run_slepc}[which](A, psi0, ref, T, tol)


if __name__ == "__main__":
    main()
