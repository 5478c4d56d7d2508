#!/usr/bin/python3
"""check_state_out.py QBATH DIR CASE — issue 23's per-state output against numpy/scipy.

Each CASE writes its input and data into DIR, runs `QBATH run`, and compares the result
file with an independent numpy/scipy computation; exit status 0 when everything agrees.

  eigenpairs  a complex Hermitian scipy sparse matrix (N = 1600) through matrix_market:
              eigenvalues and 20 eigenvectors by the dense and by the shift-invert path
              against numpy eigh and scipy eigsh (1e-10).
  entropy     per-state half-chain entropies of 30 shift-invert eigenstates of an L = 12
              Heisenberg chain with site fields against numpy's (1e-8), and p(S) from them.
"""
import os
import subprocess
import sys

import h5py
import numpy as np
import scipy.io
import scipy.sparse as sp
import scipy.sparse.linalg as sla

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spin_ref import chain, chain_terms, check, nearest  # noqa: E402


def run(qbath, d, name, text):
    ini = os.path.join(d, name + ".ini")
    with open(ini, "w") as f:
        f.write(text)
    out = subprocess.run([qbath, "run", ini], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"qbath run {ini} failed ({out.returncode}):\n{out.stderr}")
    return h5py.File(os.path.join(d, name + ".h5"), "r")


def eigenpairs(qbath, d):
    rng = np.random.default_rng(2023)
    N, nev = 1600, 20
    A = sp.random(N, N, density=0.004, random_state=rng, format="csr")
    A = A + 1j * sp.random(N, N, density=0.004, random_state=rng, format="csr")
    H = (A + A.conj().T).tocsr() + sp.diags(rng.normal(size=N))
    mtx = os.path.join(d, "user_matrix.mtx")
    scipy.io.mmwrite(mtx, H, precision=17)
    E, V = np.linalg.eigh(H.toarray())
    idx, sigma = nearest(E, nev)
    ok = True
    rnev = {}
    for method in ("dense", "shift_invert"):
        f = run(qbath, d, "pairs_" + method,
                f"[run]\nrealizations = 1\n[model]\ntype = matrix_market\nfile = {mtx}\n"
                f"[eigen]\nmethod = {method}\nnev = {nev}\n"
                f"[output]\nfile = {d}/pairs_{method}.h5\neigenpairs = vectors\noverwrite = true\n")
        rows = f["points/p000000/rows"]
        rnev[method] = rows["gap_ratio_nev"][0, 0]
        Eq = rows["eigenvalues"][0]
        Vq = (rows["eigvec_re"][0] + 1j * rows["eigvec_im"][0]).reshape(len(Eq), -1)
        ok &= Eq.shape == (nev,) and Vq.shape == (nev, N)
        ok &= check(f"{method}: max |E - numpy eigh|", np.max(np.abs(Eq - E[idx])), 1e-10)
        # vectors up to a phase: |<v_numpy|v_qbath>| = 1 (levels here are non-degenerate)
        overlap = np.abs(np.sum(V[:, idx].conj() * Vq.T, axis=0))
        ok &= check(f"{method}: max |1 - |<v_numpy|v>||", np.max(np.abs(1 - overlap)), 1e-10)
        ok &= check(f"{method}: max ||H v - E v||", max(np.linalg.norm(H @ Vq[n] - Eq[n] * Vq[n])
                                                      for n in range(nev)), 1e-10)
        Es, Vs = sla.eigsh(H, k=nev, sigma=sigma, which="LM", tol=1e-14)
        order = np.argsort(Es)
        Es, Vs = Es[order], Vs[:, order]
        ok &= check(f"{method}: max |E - scipy eigsh|", np.max(np.abs(Eq - Es)), 1e-10)
        ok &= check(f"{method}: max |1 - |<v_eigsh|v>||",
                    np.max(np.abs(1 - np.abs(np.sum(Vs.conj() * Vq.T, axis=0)))), 1e-10)
    # one <r> convention across the paths: gap_ratio_nev over the same nev levels
    s = np.diff(E[idx])
    r_ref = np.mean(np.minimum(s[1:], s[:-1]) / np.maximum(s[1:], s[:-1]))
    ok &= check("|gap_ratio_nev dense - shift_invert|", abs(rnev["dense"] - rnev["shift_invert"]), 1e-10)
    ok &= check("|gap_ratio_nev - numpy over the nev levels|", abs(rnev["dense"] - r_ref), 1e-10)
    return ok


def entropy(qbath, d):
    L, nev = 12, 30
    h = np.random.default_rng(7).uniform(-1, 1, L)
    terms = chain_terms(L, h)
    f = run(qbath, d, "entropy",
            f"[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = {L}\nn_up = {L // 2}\n"
            f"terms = {terms}\n[eigen]\nmethod = shift_invert\nnev = {nev}\nentanglement = true\n"
            f"[output]\nfile = {d}/entropy.h5\noverwrite = true\neigenpairs = values\n")
    H = chain(L, h)
    sector = np.array([s for s in range(1 << L) if bin(s).count("1") == L // 2])
    E, V = np.linalg.eigh(H[sector][:, sector].toarray())
    idx, _ = nearest(E, nev)
    S = []
    for n in idx:
        psi = np.zeros(1 << L, complex)
        psi[sector] = V[:, n]
        # sites 0 .. L/2-1 are the low bits: psi[b * 2^(L/2) + a], a = subsystem A
        s = np.linalg.svd(psi.reshape(1 << (L - L // 2), 1 << (L // 2)), compute_uv=False) ** 2
        s = s[s > 1e-300]
        S.append(-np.sum(s * np.log(s)))
    rows = f["points/p000000/rows"]
    Sq, Eq = rows["s_vn_state"][0], rows["eigenvalues"][0]
    ok = Sq.shape == (nev,) and f["points/p000000/axes/state"].shape == (nev,)
    ok &= check("max |E - numpy| (sector eigh)", np.max(np.abs(Eq - E[idx])), 1e-10)
    ok &= check("max |S_n - numpy S_n| over 30 states", np.max(np.abs(Sq - np.array(S))), 1e-8)
    ok &= check("|mean s_vn - mean of s_vn_state|",
                abs(f["points/p000000/rows/s_vn"][0, 0] - Sq.mean()), 1e-14)
    counts, _ = np.histogram(rows["s_vn_state"][()].ravel(), bins=10)  # p(S) from the file
    ok &= counts.sum() == nev
    return ok


if __name__ == "__main__":
    qbath, d, case = sys.argv[1:4]
    sys.exit(0 if {"eigenpairs": eigenpairs, "entropy": entropy}[case](qbath, d) else 1)
