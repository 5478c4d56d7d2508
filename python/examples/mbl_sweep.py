#!/usr/bin/python3
"""Many-body localization in the random-field Heisenberg chain
H = sum_j S_j . S_{j+1} + sum_j h_j S^z_j, h_j in [-W, W] (Pal & Huse 2010): the mean
consecutive-gap ratio <r> and the half-chain entanglement entropy of mid-spectrum
eigenstates across W, from a qbath campaign; then one realization by hand with the
library from Python (operator, shift-invert, entanglement entropy).

    PYTHONPATH=python /usr/bin/python3 python/examples/mbl_sweep.py [--fast]

<r> goes from the GOE value ~0.53 (ergodic) to the Poisson value 2 ln 2 - 1 ~ 0.386
(localized); the entanglement entropy from volume law towards area law."""
import argparse

import numpy as np

import qbath

ap = argparse.ArgumentParser()
ap.add_argument("--fast", action="store_true", help="L = 10 and few realizations (CI)")
ap.add_argument("--out", default="outputs", help="unused (the CI passes it to every example)")
a = ap.parse_args()
L, R = (10, 8) if a.fast else (14, 100)
W = [0.5, 2.0, 3.5, 6.0, 10.0]

ds = qbath.run({"run": {"name": "mbl_sweep", "seed": 5, "realizations": R},
                "model": {"type": "spin_chain", "L": L, "n_up": L // 2, "W": W,
                          "terms": "XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform"},
                "eigen": {"method": "shift_invert", "nev": 20, "target": 0.5,
                          "entanglement": True}},
               progress=False)
print("L = %d, %d realizations, 20 eigenstates at energy density 0.5" % (L, R))
print("%6s %16s %18s" % ("W", "<r>", "S_half"))
for w in W:
    p = ds.sel({"model.W": w})
    print("%6.2g %9.4f ± %.4f %11.4f ± %.4f" % (w, p["gap_ratio"], p["gap_ratio_err"],
                                                 p["s_vn"], p["s_vn_err"]))
r = ds["gap_ratio"].values
assert r[0] > r[-1], "the gap ratio should fall from GOE towards Poisson as W grows"

# One realization by hand: the same Hamiltonian from Pauli strings, its 20 eigenpairs
# nearest the middle of the spectrum, their gap ratio and entanglement.
rng = np.random.default_rng(1)
for w in (0.5, 10.0):
    terms = [(0.25, o + o, [j, j + 1]) for j in range(L - 1) for o in "XYZ"]
    terms += [(0.5 * w * rng.uniform(-1, 1), "Z", [j]) for j in range(L)]
    H = qbath.Operator.from_pauli(L, terms, n_up=L // 2)
    E, V = H.eigs(20, target=0.5, method="shift_invert")
    s = np.diff(E)
    rr = np.minimum(s[1:], s[:-1]) / np.maximum(s[1:], s[:-1])
    S = [qbath.entanglement_entropy(V[:, j], L, range(L // 2), n_up=L // 2) for j in range(20)]
    print("one realization, W = %4.1f: dim %d, <r> = %.3f, S_half = %.3f" % (w, H.dim, rr.mean(),
                                                                         np.mean(S)))
