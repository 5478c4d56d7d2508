#!/usr/bin/python3
"""eigs_peers.py — the peers of `qbath bench eigs`: k eigenpairs nearest sigma of a Matrix
Market matrix by SLEPc (Krylov-Schur, shift-invert, MUMPS Cholesky) or scipy (eigsh with
sigma, i.e. ARPACK on SuperLU). Prints wall time of the solve, residuals and peak RSS.

usage: eigs_peers.py slepc|scipy FILE.mtx SIGMA NEV [TOL]
SLEPc needs PETSC_DIR/SLEPC_DIR of Debian's real build (scripts/bench/eigs sets them)."""
import resource
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse as sp


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def report(name, A, evals, evecs, t, extra=""):
    order = np.argsort(evals)
    evals, evecs = evals[order], evecs[:, order]
    res = np.linalg.norm(A @ evecs - evecs * evals, axis=0)
    print(f"{name}: n = {A.shape[0]} nev = {len(evals)} time {t:.3f} s max residual "
          f"{res.max():.2e} E[0] = {evals[0]:.10f} E[last] = {evals[-1]:.10f} {extra}")


def run_scipy(A, sigma, nev, tol):
    from scipy.sparse.linalg import eigsh
    t0 = time.perf_counter()
    w, v = eigsh(A, k=nev, sigma=sigma, which="LM", tol=tol)
    report("scipy", A, w, v, time.perf_counter() - t0)


def run_slepc(A, sigma, nev, tol):
    import slepc4py
    slepc4py.init(sys.argv[:1])
    from petsc4py import PETSc
    from slepc4py import SLEPc
    t0 = time.perf_counter()
    M = PETSc.Mat().createAIJ(size=A.shape, csr=(A.indptr, A.indices, A.data))
    M.setOption(PETSc.Mat.Option.SYMMETRIC, True)
    M.assemble()
    eps = SLEPc.EPS().create()
    eps.setOperators(M)
    eps.setProblemType(SLEPc.EPS.ProblemType.HEP)
    eps.setDimensions(nev=nev)
    eps.setTarget(sigma)
    eps.setWhichEigenpairs(SLEPc.EPS.Which.TARGET_MAGNITUDE)
    if tol > 0:
        eps.setTolerances(tol=tol)
    st = eps.getST()
    st.setType(SLEPc.ST.Type.SINVERT)
    ksp = st.getKSP()
    ksp.setType(PETSc.KSP.Type.PREONLY)
    pc = ksp.getPC()
    pc.setType(PETSc.PC.Type.CHOLESKY)
    pc.setFactorSolverType("mumps")
    eps.setFromOptions()
    eps.solve()
    t = time.perf_counter() - t0
    nconv = eps.getConverged()
    k = min(nconv, nev)
    vr = M.createVecs()[0]
    w = np.empty(k)
    v = np.empty((A.shape[0], k))
    for i in range(k):
        w[i] = eps.getEigenpair(i, vr).real
        v[:, i] = vr.getArray()
    F = pc.getFactorMatrix()
    info = ""
    try:
        # MUMPS INFOG(29): entries in the factors (negative means millions)
        e = F.getMumpsInfog(29)
        e = -e * 1e6 if e < 0 else e
        info = f"factor entries {e:.4g} = {e / A.nnz:.1f} x nnz(H) (nnz(H) = {A.nnz})"
    except Exception:  # older petsc4py without the MUMPS getters
        pass
    report("slepc", A, w, v, t, f"nconv {nconv} {info}")


def main():
    which, path, sigma, nev = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    tol = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    A = sp.csr_matrix(scipy.io.mmread(path))
    {"scipy": run_scipy, "slepc": run_slepc}[which](A, sigma, nev, tol)
    print(f"{which}: peak RSS {peak_mb():.1f} MB")


if __name__ == "__main__":
    main()
