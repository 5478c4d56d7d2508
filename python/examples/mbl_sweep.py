#!/usr/bin/python3
"""Many-body localization in the random-field Heisenberg chain
H = sum_j S_j . S_{j+1} + sum_j h_j S^z_j, h_j in [-W, W] (Pal & Huse 2010): the mean
consecutive-gap ratio <r> and the half-chain entanglement entropy of mid-spectrum
eigenstates across W, from a qbath campaign; then one of its realizations rebuilt by hand
with the library from Python (operator from the same terms, shift-invert, entanglement).

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
TERMS = ["XX:0.25*J", "YY:0.25*J", "ZZ:0.25*J", "Z:0.5*W:uniform"]   # H = J S.S + h_j S^z_j

ds = qbath.run({"run": {"name": "mbl_sweep", "seed": 5, "realizations": R},
                "model": {"type": "spin_chain", "L": L, "n_up": L // 2, "W": W,
                          "terms": ", ".join(TERMS)},
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

# Realization 0 of two sweep points by hand: the same terms, seed and point give the
# Hamiltonian the campaign diagonalized; its 20 eigenpairs nearest energy density 0.5,
# their gap ratio and half-chain entanglement, next to the campaign's row.
for i, w in enumerate(W):
    if w not in (0.5, 10.0):
        continue
    H = qbath.Operator.from_terms(L, TERMS, params={"W": w}, n_up=L // 2, seed=5, point=i,
                                  realization=0)
    E, V = H.eigs(20, target=0.5, method="shift_invert")
    s = np.diff(E)
    rr = np.minimum(s[1:], s[:-1]) / np.maximum(s[1:], s[:-1])
    S = [qbath.entanglement_entropy(V[:, j], L, range(L // 2), n_up=L // 2) for j in range(20)]
    row = ds.sel({"model.W": w}).isel(realization=0)
    print("W = %4.1f, realization 0: by hand <r> = %.4f, S_half = %.4f; campaign row <r> = %.4f, "
          "S_half = %.4f" % (w, rr.mean(), np.mean(S), row["gap_ratio_rows"], row["s_vn_rows"]))
