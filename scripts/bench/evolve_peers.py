#!/usr/bin/python3
"""evolve_peers.py — the peers of `qbath bench evolve`: psi(t) = exp(-i H t) psi0 for a
Matrix Market H by scipy (expm_multiply, Al-Mohy & Higham truncated Taylor) or SLEPc (MFN,
Krylov, tolerance TOL; Debian's complex PETSc/SLEPc build). Prints the wall time of the
solve (setup of the operator excluded for SLEPc's matrix conversion, included for the
solver's own work), the error against DIR/ref.bin and the peak RSS.

usage: evolve_peers.py scipy|slepc DIR T TOL
       mpiexec -n P evolve_peers.py slepc DIR T TOL   (SLEPc on P ranks)
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
    """MFN Krylov; under mpiexec -n P the rows are split in PETSc's default layout (Debian's
    PETSc has no threads: MPI ranks are how it uses several cores)."""
    import slepc4py
    slepc4py.init(sys.argv[:1])
    from petsc4py import PETSc
    from slepc4py import SLEPc
    comm = PETSc.COMM_WORLD
    n = A.shape[0]
    lay = PETSc.Vec().createMPI(n, comm=comm)
    r0, r1 = lay.getOwnershipRange()
    lay.destroy()
    Ac = A[r0:r1].astype(np.complex128)
    M = PETSc.Mat().createAIJ(size=((r1 - r0, n), (r1 - r0, n)),
                              csr=(Ac.indptr, Ac.indices, Ac.data), comm=comm)
    M.setOption(PETSc.Mat.Option.HERMITIAN, True)
    M.assemble()
    b, x = M.createVecs()
    b.setArray(psi0[r0:r1])
    comm.barrier()
    t0 = time.perf_counter()
    mfn = SLEPc.MFN().create(comm=comm)
    mfn.setOperator(M)
    mfn.setType(SLEPc.MFN.Type.KRYLOV)
    fn = mfn.getFN()
    fn.setType(SLEPc.FN.Type.EXP)
    fn.setScale(-1j * T)
    mfn.setTolerances(tol=tol)
    mfn.setFromOptions()
    mfn.solve(b, x)
    comm.barrier()
    t = time.perf_counter() - t0
    its = mfn.getIterationNumber()
    scatter, x0 = PETSc.Scatter.toZero(x)
    scatter.scatter(x, x0, PETSc.InsertMode.INSERT, PETSc.ScatterMode.FORWARD)
    if comm.getRank() == 0:
        report("slepc", x0.getArray().copy(), ref, t, f"(MFN Krylov, {comm.getSize()} MPI "
               f"ranks, {its} restarts, ncv {mfn.getDimensions()}, reason "
               f"{mfn.getConvergedReason()}; peak RSS of rank 0)")


def main():
    which, d, T, tol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    A, psi0, ref = load(d)
    {"scipy": run_scipy, "slepc": run_slepc}[which](A, psi0, ref, T, tol)


if __name__ == "__main__":
    main()
