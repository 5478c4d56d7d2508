#!/usr/bin/python3
"""check_named_ops.py QBATH DIR CASE — issue 23's named operators and initial states
against numpy/scipy; exit status 0 when everything agrees.

  expect    <O(t)> of the staggered magnetization O = sum_j (-1)^j sigma^z_j / L from the
            Neel state at L = 14 (a Heisenberg chain with site fields, full 2^14 space)
            against scipy's expm_multiply (1e-8), for initial = neel, the product string
            'udud...' and a .npy vector of the same state (these three identical).
  diagonal  the diagonal ensemble sum_a |<a|psi0>|^2 <a|O|a> and <n|O|n> per eigenstate of
            a named operator at L = 8 against numpy eigh (1e-10).
"""
import os
import subprocess
import sys

import h5py
import numpy as np
import scipy.sparse.linalg as sla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_ref import PAULI, chain, check, site_op  # noqa: E402
from spin_ref import chain_terms as terms  # noqa: E402


def run(qbath, d, name, text):
    ini = os.path.join(d, name + ".ini")
    with open(ini, "w") as f:
        f.write(text + f"[output]\nfile = {d}/{name}.h5\noverwrite = true\n")
    out = subprocess.run([qbath, "run", ini], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"qbath run {ini} failed ({out.returncode}):\n{out.stderr}")
    run.table = out.stdout + out.stderr
    return h5py.File(os.path.join(d, name + ".h5"), "r")["points/p000000"]


def neel_label(L):
    return sum(1 << j for j in range(0, L, 2))  # sites 0, 2, ... up: 'udud...'


def expect(qbath, d):
    L = 14
    h = np.random.default_rng(11).uniform(-1, 1, L)
    H = chain(L, h)
    labels = np.arange(1 << L)
    z = np.array([[1 if (s >> j) & 1 else -1 for j in range(L)] for s in labels])
    O = z @ np.array([(-1) ** j for j in range(L)]) / L  # diagonal of sum_j (-1)^j Z_j / L
    psi0 = np.zeros(1 << L, complex)
    psi0[neel_label(L)] = 1
    t = np.linspace(0, 5, 26)
    psis = sla.expm_multiply(-1j * H, psi0, start=0, stop=5, num=26, endpoint=True)
    ref = np.array([np.sum(np.abs(p) ** 2 * O) for p in psis])
    npy = os.path.join(d, "neel.npy")
    np.save(npy, psi0)
    base = (f"[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = {L}\nterms = {terms(L, h)}\n"
            "[eigen]\nmethod = none\n[observables]\nstagger = Z:1/L:staggered\n"
            "[evolve]\nobserve = expect\ntol = 1e-12\nt_max = 5\nsamples = 26\n")
    ok = True
    got = {}
    for name, init in (("neel", "neel"), ("product", "ud" * (L // 2)), ("npy", npy)):
        g = run(qbath, d, "expect_" + name, base + f"initial = {init}\n")
        got[name] = g["rows/expect_stagger"][0]
        ok &= np.allclose(g["axes/t"][()], t, rtol=0, atol=1e-14)
        ok &= check(f"initial = {name}: max |<O(t)> - expm_multiply|", np.max(np.abs(got[name] - ref)), 1e-8)
        # the end-of-run summary of a time-domain run: the late-time mean, in the table
        late = g["rows/expect_stagger_late"][0, 0]
        ok &= check("|expect_stagger_late - mean of the last quarter|", abs(late - got[name][20:].mean()), 1e-15)
        ok &= "expect_stagger_late" in run.table and f"{late:.6f}"[:7] in run.table
    ok &= check("|<O(0)> - 1| (Neel)", abs(got["neel"][0] - 1), 1e-12)
    ok &= check("max |npy - product string|", np.max(np.abs(got["npy"] - got["product"])), 0.0)
    ok &= check("max |product string - neel|", np.max(np.abs(got["product"] - got["neel"])), 0.0)
    return ok


def diagonal(qbath, d):
    L = 8
    h = np.random.default_rng(5).uniform(-1, 1, L)
    H = chain(L, h).toarray()
    Ocenter = site_op(L, 3, PAULI["X"]) @ site_op(L, 4, PAULI["X"]) * 0.7 + 0.5 * site_op(L, 3, PAULI["Z"])
    E, V = np.linalg.eigh(H)
    psi0 = np.zeros(1 << L)
    psi0[neel_label(L)] = 1
    Onn = np.real(np.einsum("ia,ij,ja->a", V.conj(), Ocenter.toarray(), V))
    w = np.abs(V.conj().T @ psi0) ** 2
    g = run(qbath, d, "diagonal",
            f"[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = {L}\nterms = {terms(L, h)}\n"
            f"[eigen]\nmethod = dense\nnev = {1 << L}\n[observables]\nOc = XX:0.7@3, Z:0.5@3\n"
            "[evolve]\nobserve = diagonal\ninitial = neel\nsamples = 2\n")
    ok = check("|diag_Oc - numpy|", abs(g["rows/diag_Oc"][0, 0] - w @ Onn), 1e-10)
    ok &= check("|diag_weight - 1|", abs(g["rows/diag_weight"][0, 0] - 1), 1e-10)
    ok &= check("max |<n|O|n> - numpy| (all 256 states)", np.max(np.abs(g["rows/Oc_state"][0] - Onn)), 1e-10)
    return ok


if __name__ == "__main__":
    qbath, d, case = sys.argv[1:4]
    sys.exit(0 if {"expect": expect, "diagonal": diagonal}[case](qbath, d) else 1)
