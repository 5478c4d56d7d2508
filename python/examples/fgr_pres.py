#!/usr/bin/python3
"""The residence probability P_res of a level decaying into a GUE quantum dot against
Eq. (4) of Micklitz, Morningstar, Altland & Huse, "Emergence of Fermi's Golden Rule",
PRL 129, 140402 (2022), and the Golden-Rule value 1/gamma; draws fgr_pres.png.

    PYTHONPATH=python /usr/bin/python3 python/examples/fgr_pres.py [--fast] [--out DIR]

P_res = sum_a |psi_a0|^4 (the late-time survival probability) is measured by qbath's
level_dot model (N + 1 states, chain representation) over a gamma sweep; Eq. (4) sits
in the same result file as theory_P_res_eq4 on the gamma axis."""
import argparse
import os

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import qbath

ap = argparse.ArgumentParser()
ap.add_argument("--fast", action="store_true", help="small N and few realizations (CI)")
ap.add_argument("--out", default="outputs", help="folder of the PNG")
a = ap.parse_args()

N, R = (99, 40) if a.fast else (399, 300)
ds = qbath.run({"run": {"name": "fgr_pres", "seed": 20221, "realizations": R},
                "model": {"type": "level_dot", "ensemble": "GUE", "N": N,
                          "gamma": np.geomspace(0.01, 30, 7), "representation": "chain"},
                "evolve": {"tau_max": 3, "samples": 30, "log_samples": 10}},
               progress=False)
g = ds["model.gamma"].values
P, err, eq4 = ds["P_res_ipr"].values, ds["P_res_ipr_err"].values, ds["theory_P_res_eq4"].values
print("%10s %12s %10s %10s %8s" % ("gamma", "P_res", "err", "Eq. (4)", "z"))
for row in zip(g, P, err, eq4, (P - eq4) / err):
    print("%10.4g %12.6g %10.3g %10.6g %8.2f" % row)

os.makedirs(a.out, exist_ok=True)
fig, ax = plt.subplots(figsize=(5, 3.6))
ax.errorbar(g, P, yerr=err, fmt="o", ms=4, label="qbath, N + 1 = %d, %d realizations" % (N + 1, R))
ax.plot(g, eq4, "-", label="Eq. (4)")
ax.plot(g, ds["theory_P_res_golden_rule"].values, ":", label=r"Golden Rule $1/\gamma$")
ax.set_xscale("log"), ax.set_yscale("log"), ax.set_ylim(top=1.5)
ax.set_xlabel(r"$\gamma$"), ax.set_ylabel(r"$P_{\rm res}$")
ax.legend(fontsize=7)
fig.tight_layout()
png = os.path.join(a.out, "fgr_pres.png")
fig.savefig(png, dpi=120)
print("wrote", png)
