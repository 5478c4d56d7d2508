#!/usr/bin/env python3
"""Draws the FGR paper's Fig. 2 panels from qbath level_dot result files, data and theory
overlaid, and prints the acceptance numbers.

usage: plot_fgr_fig2.py abc RESULT.h5 [PNG]   (a)-(c): P(tau), Eq. (5), per gamma
       plot_fgr_fig2.py d   RESULT.h5 [PNG]   (d): P_res(gamma), Eq. (4), 1/gamma
       plot_fgr_fig2.py e   RESULT.h5 [PNG]   (e): GOE/GUE/GSE P(tau), Eq. (6), P_pl/P_off
Run with /usr/bin/python3 (numpy, h5py, matplotlib)."""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fgr_common import curve, points  # noqa: E402


UV_FACTOR = 20.0  # tau_uv = UV_FACTOR / N: where t lambda = 2 N tau reaches 40


def title(p):
    a = p["attrs"]
    return f"{a['model.ensemble']}, N+1 = {int(a['model.N']) + 1}, {int(a['n_done'])} samples, {a['model.representation']}"


def panel_abc(P, png):
    fig, axs = plt.subplots(1, len(P), figsize=(4 * len(P), 3.4), squeeze=False)
    for ax, p in zip(axs[0], P):
        g = p["attrs"]["model.gamma"]
        # Eq. (5) is the N -> infinity limit; at t lambda = 2 N tau of order 1 the decay is
        # not yet universal (Gaussian start, "ultraviolet details"): compare from
        # tau_uv = UV_FACTOR / N on.
        tau_uv = UV_FACTOR / float(p["attrs"]["model.N"])
        for log in (False, True):
            tau, m, e, e5, _ = curve(p, log)
            keep = tau >= tau_uv
            z = (m - e5)[keep] / e[keep]
            print(f"gamma = {g:g} ({'log' if log else 'linear'} grid, {keep.sum()} of {len(tau)} points "
                  f"with tau >= {tau_uv:.3g}): max |data - Eq.5|/se = {np.nanmax(abs(z)):.2f}, "
                  f"fraction beyond 3 se = {np.mean(abs(z) > 3):.3f}")
        tau, m, e, e5, _ = curve(p)
        ax.fill_between(tau, m - e, m + e, color="k", alpha=0.3, lw=0)
        ax.plot(tau, m, "k", lw=1, label="qbath")
        ax.plot(tau, e5, "r", lw=1, label="Eq. (5)")
        ax.set_ylim(0, min(1.05, 3 * e5[-1]))
        ax.set_xlabel(r"$\tau$")
        ax.set_ylabel(r"$P(\tau)$")
        ax.set_title(f"$\\gamma$ = {g:g}: " + title(p), fontsize=7)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def panel_d(P, png):
    g = np.array([p["attrs"]["model.gamma"] for p in P])
    N = int(P[0]["attrs"]["model.N"])
    m = np.array([p["mean"]["P_res_ipr"][0] for p in P])
    e = np.array([p["err"]["P_res_ipr"][0] for p in P])
    th = np.array([p["theory"]["P_res_eq4"][0] for p in P])
    print(" gamma      P_res        se      Eq.(4)   (P-Eq4)/se   gamma/N")
    for k in range(len(g)):
        print(f" {g[k]:<9.4g} {m[k]:.5f}  {e[k]:.5f}  {th[k]:.5f}  {(m[k] - th[k]) / e[k]:+7.2f}     {g[k] / N:.3g}")
    fig, ax = plt.subplots(figsize=(4.5, 3.6))
    order = np.argsort(g)
    ax.plot(g[order], th[order], color="gray", lw=2, label="Eq. (4)")
    ax.plot(g[g > 0.3], 1 / g[g > 0.3], color="purple", lw=1, label=r"$1/\gamma$")
    ax.errorbar(g, m, yerr=e, fmt="o", ms=4, label="qbath")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\gamma$")
    ax.set_ylabel(r"$P_{\rm res}$")
    ax.set_title(title(P[0]), fontsize=7)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def panel_e(P, png):
    fig, ax = plt.subplots(figsize=(5, 3.6))
    col = {"GOE": "C0", "GUE": "C1", "GSE": "C2", "Poisson": "C3"}
    for p in P:
        ens = p["attrs"]["model.ensemble"]
        g = p["attrs"]["model.gamma"]
        tau, m, e, _, e6 = curve(p)
        r, re = p["mean"]["P_pl_over_P_off"][0], p["err"]["P_pl_over_P_off"][0]
        rt = p["theory"]["ratio_eq6"][0]
        print(f"{ens}: P_off = {p['mean']['P_off'][0]:.5f} +- {p['err']['P_off'][0]:.5f} (Eq.6 {p['theory']['P_off_eq6'][0]:.5f}),"
              f" P_pl = {p['mean']['P_pl'][0]:.5f} +- {p['err']['P_pl'][0]:.5f} (Eq.6 {p['theory']['P_pl_eq6'][0]:.5f}),"
              f" P_pl/P_off = {r:.3f} +- {re:.3f} vs {rt:g} ({100 * (r / rt - 1):+.1f}%)")
        ax.plot(tau, 2 * g * m, color="k", lw=0.8)
        ax.plot(tau, 2 * g * e6, color=col.get(ens, "C4"), lw=1.2, label=f"{ens}: Eq. (6)")
    ax.set_ylim(0, 4)
    ax.set_xlabel(r"$\tau$")
    ax.set_ylabel(r"$2\gamma P(\tau)$")
    ax.set_title(f"$\\gamma$ = {P[0]['attrs']['model.gamma']:g}, N = {int(P[0]['attrs']['model.N'])}, data black", fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=120)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("abc", "d", "e"):
        print(__doc__)
        return 2
    png = argv[3] if len(argv) > 3 else argv[2].rsplit(".", 1)[0] + ".png"
    {"abc": panel_abc, "d": panel_d, "e": panel_e}[argv[1]](points(argv[2]), png)
    print("wrote", png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
