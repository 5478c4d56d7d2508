#!/usr/bin/python3
"""Your own Hamiltonian, built with scipy, evolved by qbath's Chebyshev and Krylov
propagators and compared with scipy.sparse.linalg.expm_multiply.

    PYTHONPATH=python /usr/bin/python3 python/examples/own_matrix.py [--fast]

The matrix: a particle on a ring of n sites with a random potential and a magnetic flux
(complex hopping), H = sum_j (e^{i phi} |j+1><j| + h.c.) + sum_j V_j |j><j|."""
import argparse
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

import qbath

ap = argparse.ArgumentParser()
ap.add_argument("--fast", action="store_true")
ap.add_argument("--out", default="outputs", help="unused (the CI passes it to every example)")
a = ap.parse_args()
n = 2000 if a.fast else 200000
rng = np.random.default_rng(3)
hop = sp.diags([np.full(n - 1, np.exp(0.3j))], [-1], shape=(n, n), format="csr")
hop = hop + sp.csr_matrix(([np.exp(0.3j)], ([0], [n - 1])), shape=(n, n))   # close the ring
A = (hop + hop.getH() + sp.diags(rng.uniform(-2, 2, n))).tocsr()

H = qbath.Operator.from_matrix(A)
psi0 = np.zeros(n, complex)
psi0[n // 2] = 1                                       # a particle on one site
times = np.array([1.0, 5.0, 20.0])
tol = 1e-10
for method in ("chebyshev", "krylov"):
    t0 = time.perf_counter()
    states, matvecs = H.evolve(psi0, times, tol=tol, method=method, return_matvecs=True)
    dt = time.perf_counter() - t0
    errs = [np.linalg.norm(s - sla.expm_multiply(-1j * t * A, psi0)) for t, s in zip(times, states)]
    print("%-9s %4d matvecs %7.3f s   |psi - expm_multiply| = %s" % (
        method, matvecs, dt, " ".join("%.1e" % e for e in errs)))
    assert max(errs) <= tol, "error above the requested tolerance"
x = np.sqrt(np.sum(np.abs(states[-1]) ** 2 * (np.arange(n) - n // 2) ** 2))
print("spread of the wave packet at t = %g: %.2f sites" % (times[-1], x))
