#!/usr/bin/env python3
"""Draws the quick start's figure (a small Fig. 2(a)+(d) of the FGR paper): P(tau) at
gamma = 10 against Eq. (5) and the large-gamma form, and P_res(gamma) against Eq. (4) and
the Golden-Rule value 1/gamma.

usage: plot_quickstart.py [RESULT.h5] [PNG]   (defaults: outputs/fgr_quickstart.{h5,png})
"""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fgr_common import curve, points  # noqa: E402

res = sys.argv[1] if len(sys.argv) > 1 else "outputs/fgr_quickstart.h5"
png = sys.argv[2] if len(sys.argv) > 2 else res.rsplit(".", 1)[0] + ".png"
P = points(res)
g = np.array([p["attrs"]["model.gamma"] for p in P])
N = int(P[0]["attrs"]["model.N"])

fig, (a, d) = plt.subplots(1, 2, figsize=(9, 4.9))
k = int(np.argmin(abs(np.log(g / 10.0))))
tau, m, e, e5, _ = curve(P[k])
a.fill_between(tau, m - e, m + e, color="k", alpha=0.3, lw=0)
a.plot(tau, m, "k", lw=1, label="qbath (mean $\\pm$ se)")
a.plot(tau, e5, "r", lw=1, label="Eq. (5)")
a.plot(tau, P[k]["theory"]["P_large_gamma"], "C0--", lw=1, label="large-$\\gamma$ form")
a.set_ylim(0, 3.0 / g[k])
a.set_xlabel(r"$\tau = t/2\pi\nu$")
a.set_ylabel(r"$P(\tau)$")
a.set_title(f"(a) GUE, N+1 = {N + 1}, $\\gamma$ = {g[k]:g}", fontsize=9)
a.legend(fontsize=8)

pr = np.array([p["mean"]["P_res_ipr"][0] for p in P])
pe = np.array([p["err"]["P_res_ipr"][0] for p in P])
gg = np.logspace(np.log10(g.min()), np.log10(g.max()), 200)
eq4 = 1 - gg - np.sqrt(np.pi * gg) * (0.5 - gg) * np.exp(gg) * __import__("scipy.special").special.erfc(np.sqrt(gg))
d.plot(gg, eq4, color="gray", lw=2, label="Eq. (4)")
d.plot(gg[gg > 0.3], 1 / gg[gg > 0.3], color="purple", lw=1, label=r"FGR $1/\gamma$")
d.errorbar(g, pr, yerr=pe, fmt="o", ms=4, color="C0", label=r"qbath $\sum_a|\psi_{a0}|^4$")
d.set_xscale("log")
d.set_yscale("log")
d.set_xlabel(r"$\gamma = gN$")
d.set_ylabel(r"$P_{\rm res}$")
d.set_title(f"(d) {P[0]['attrs']['model.ensemble']}, {P[0]['attrs']['n_done']} samples per point", fontsize=9)
d.legend(fontsize=8)
# The figure explains itself: what system, which paper, every curve (issue 23).
fig.suptitle("Fermi's Golden Rule and its breakdown: a level decaying into a chaotic quantum dot "
             f"({P[0]['attrs']['model.ensemble']} dot of N = {N} levels plus the decaying level)\n"
             "Micklitz, Morningstar, Altland & Huse, \"Emergence of Fermi's Golden Rule\", "
             "PRL 129, 140402 (2022), Fig. 2(a) and (d)", fontsize=9)
caption = (
    "(a) Survival probability P of the level vs rescaled time tau = t/(2 pi nu) at gamma = g N "
    f"~ {g[k]:g}: black = qbath, mean over realizations with its standard error (grey band); "
    "red = the paper's Eq. (5); blue dashed = its large-gamma form.  (d) Long-time return "
    "probability P_res vs gamma: blue points = qbath, sum_a |psi_a0|^4 per realization (mean "
    "+- se); grey = Eq. (4), exact at every gamma; purple = the Golden-Rule value 1/gamma, "
    "valid for gamma >> 1. Data: outputs/fgr_quickstart.h5 (qbath quickstart).")
fig.text(0.01, 0.01, "\n".join(__import__("textwrap").wrap(caption, 150)), fontsize=7, va="bottom")
fig.tight_layout(rect=(0, 0.12, 1, 0.93))
fig.savefig(png, dpi=120)
print("wrote", png)
