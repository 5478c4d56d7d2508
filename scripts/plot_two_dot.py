#!/usr/bin/env python3
"""Draws P_res(tau) of the FGR supplement's two-dot model (Micklitz et al. 2022,
"Emergence of Fermi's Golden Rule", supplement Eq. (9)) from a qbath two_dot result file,
with the theory written beside the data (gamma = g N2 / N1, supplement Eq. (18)), and
prints the acceptance numbers:
  - propagation vs eigenpairs (paths = both): the largest per-row difference and the
    largest |mean difference| / se;
  - the golden-rule rate: a fit A e^{-G t} + B + C t of the mean curve on t in
    [0.2, 3] / G_GR with a jackknife error, against 2 pi nu_2 <|W|^2> = 2 g lambda / N1;
  - the late-time residence (sum over eigenpairs) against Eq. (21) and N1 / (N1 + N2).

usage: plot_two_dot.py RESULT.h5 [PNG]      (/usr/bin/python3: numpy, h5py, matplotlib)"""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fgr_common import points  # noqa: E402


def fit_rate(t, y, g0):
    """Rate G of y ~ A e^{-G t} + B + C t (golden section over G, linear least squares inside)."""
    def resid(G):
        X = np.stack([np.exp(-G * t), np.ones_like(t), t], 1)
        c = np.linalg.lstsq(X, y, rcond=None)[0]
        return np.sum((X @ c - y) ** 2)
    a, b, q = 0.2 * g0, 5 * g0, 0.5 * (np.sqrt(5) - 1)
    while b - a > 1e-9 * g0:
        x1, x2 = b - q * (b - a), a + q * (b - a)
        if resid(x1) < resid(x2):
            b = x2
        else:
            a = x1
    return 0.5 * (a + b)


def golden_rule(p, key):
    """Jackknifed rate of the mean rows of key on t in [0.2, 3] / G_GR, from the linear grid
    and, where the file has it (key + "_log"), the log grid too: at gamma = 10 the decay
    e^{-4 gamma tau} is over by tau ~ 0.1, where the linear grid has a handful of points."""
    a, th = p["attrs"], p["theory"]
    unit = 2 * float(a["model.N2"]) / float(a["model.lambda"])
    t, rows = p["axes"]["tau"] * unit, p["rows"][key]
    if key + "_log" in p["rows"]:
        t = np.concatenate([t, p["axes"]["tau_log"] * unit])
        rows = np.concatenate([rows, p["rows"][key + "_log"]], 1)
    g0 = th["rate_golden_rule"][0]
    sel = (t >= 0.2 / g0) & (t <= 3 / g0)
    R = rows[:, sel]
    n = len(R)
    if sel.sum() < 8 or n < 3:
        return None
    m = R.mean(0)
    G = fit_rate(t[sel], m, g0)
    jk = np.array([fit_rate(t[sel], (m * n - R[i]) / (n - 1), g0) for i in range(n)])
    return G, np.sqrt((n - 1) / n * np.sum((jk - jk.mean()) ** 2)), g0, sel.sum()


def main():
    path = sys.argv[1]
    png = sys.argv[2] if len(sys.argv) > 2 else os.path.splitext(path)[0] + ".png"
    P = points(path, rows=True)
    fig, axs = plt.subplots(len(P), 2, figsize=(10, 3.6 * len(P)), squeeze=False)
    for (ax, axl), p in zip(axs, P):
        a, th, m, e = p["attrs"], p["theory"], p["mean"], p["err"]
        N1, N2, n = int(a["model.N1"]), int(a["model.N2"]), int(a["n_done"])
        gam = th["P_res_golden_rule"][0] ** -1
        tau, taul = p["axes"]["tau"], p["axes"]["tau_log"]
        lab = "eigenpairs" if "P_res_prop" in m or a["model.paths"] == "eig" else "propagation"
        for x, axx, s in ((tau, ax, ""), (taul, axl, "_log")):
            axx.fill_between(x, m["P_res" + s] - e["P_res" + s], m["P_res" + s] + e["P_res" + s], color="k", alpha=0.3)
            axx.plot(x, m["P_res" + s], "k", lw=1, label=f"P_res ({lab})")
            if "P_eq5" + s in th and np.isfinite(th["P_eq5" + s]).any():
                axx.plot(x, th["P_eq5" + s], "r", lw=1, label="Eq. (5), gamma = g N2/N1")
            axx.plot(x, th["P_large_gamma" + s], "b--", lw=0.8, label="large-gamma form (Eq. (22))")
            axx.axhline(th["P_res_eq21"][0], color="gray", lw=0.8, label="Eq. (21)")
            axx.axhline(th["P_res_ergodic"][0], color="purple", ls=":", lw=0.8, label="N1/(N1+N2)")
        if "P_res_prop" in m:
            ax.plot(tau, m["P_res_prop"], "c--", lw=1, label="P_res (propagation)")
        ax.plot(tau, th["P_decay"], "g:", lw=0.8, label="e^{-4 gamma tau}")
        ax.set_ylim(0, min(1.05, 4 * max(th["P_res_eq21"][0], m["P_res"][-1])))
        axl.set_xscale("log")
        axl.set_yscale("log")
        ax.set_title(f"{a['model.ensemble']} N1 = {N1}, N2 = {N2}, g = {float(a['model.g']):.3g}, "
                     f"gamma = {gam:.3g}, {n} samples", fontsize=9)
        for axx in (ax, axl):
            axx.set_xlabel("tau = t / (2 pi nu_2)")
            axx.set_ylabel("P_res")
        ax.legend(fontsize=7)
        print(f"point {a.get('label', '')}: N1 = {N1}, N2 = {N2}, gamma = {gam:.4g}, {n} samples")
        if "P_res_prop" in m:
            d = p["rows"]["P_res_prop"] - p["rows"]["P_res"]
            z = np.abs(m["P_res_prop"] - m["P_res"]) / np.maximum(e["P_res"], 1e-300)
            print(f"  propagation - eigenpairs: max |dP| per row {np.abs(d).max():.3g}, "
                  f"max |d mean| / se {z[1:].max():.3g}")
        for key in ("P_res", "P_res_prop"):
            if key in p["rows"]:
                r = golden_rule(p, key)
                if r:
                    G, se, g0, k = r
                    print(f"  golden rule ({key}): rate {G:.5g} +- {se:.2g} vs 2 pi nu_2 <|W|^2> = {g0:.5g} "
                          f"({(G - g0) / se:+.2f} se, {k} times)")
        if "P_res_ipr" in m:
            v, s = m["P_res_ipr"][0], e["P_res_ipr"][0]
            print(f"  late time: sum over eigenpairs {v:.5g} +- {s:.2g}; Eq. (21) {th['P_res_eq21'][0]:.5g} "
                  f"({(v - th['P_res_eq21'][0]) / s:+.2f} se, {v / th['P_res_eq21'][0] - 1:+.2%}); "
                  f"N1/(N1+N2) {th['P_res_ergodic'][0]:.4g}; late window {m['P_res_late'][0]:.5g}")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print("wrote", png)


if __name__ == "__main__":
    main()
