#!/usr/bin/env python3
"""Draws Potirniche et al. 2019 Fig. 6 from a `hubbard_bubble` result file: the bubble
spectral function rho(w) as LIOMs are added (first column), the largest M against U = 0
(second), the L1 distances on |w| < W to the U = 0 solution and to the smallest M (third),
and the LIOM spectral functions (fourth: the nearest LIOM and the mean over all), one row
per coupling V. Prints the distances.

usage: /usr/bin/python3 scripts/plot_potirniche_fig6.py RESULT.h5 [PNG]
"""
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def load(path):
    pts = []
    with h5py.File(path, "r") as f:
        for k in sorted(f["points"].keys()):
            g = f["points"][k]
            a = {n: (v.decode() if isinstance(v, bytes) else v) for n, v in g.attrs.items()}
            d = {c: np.asarray(g["mean"][c]) for c in g["mean"].keys()}
            d["omega"] = np.asarray(g["axes"]["omega"])
            pts.append((a, d))
    return pts


def main():
    path = sys.argv[1]
    png = sys.argv[2] if len(sys.argv) > 2 else path.rsplit(".", 1)[0] + ".png"
    pts = load(path)
    Vs = sorted({a["model.V"] for a, d in pts})
    fig, axes = plt.subplots(len(Vs), 4, figsize=(17, 3.6 * len(Vs)), squeeze=False)
    for r, V in enumerate(Vs):
        row = sorted([(a["model.M"], a, d) for a, d in pts if a["model.V"] == V], key=lambda t: t[0])
        W = row[0][1]["model.W"]
        w = row[0][2]["omega"]
        h = w[1] - w[0]
        inside = np.abs(w) < W
        cmap = plt.get_cmap("viridis")
        ax = axes[r][0]
        for j, (M, a, d) in enumerate(row):
            ax.plot(w, d["rho"], c=cmap(j / max(1, len(row) - 1)), lw=0.8, label=f"M = {M:g}")
        ax.set_xlim(-6, 6)
        ax.set_xlabel(r"$\omega$")
        ax.set_ylabel(r"$\rho(\omega)$")
        ax.set_title(f"V = {V:g}: bubble DOS as LIOMs are added (U = {row[0][1]['model.U']:g})", fontsize=9)
        ax.legend(fontsize=6, ncol=2)
        M, a, d = row[-1]
        ax = axes[r][1]
        ax.plot(w, d["rho"], "C3", lw=0.9, label=f"U = {a['model.U']:g}, M = {M:g}")
        if "rho_U0" in d:
            ax.plot(w, d["rho_U0"], "k--", lw=0.8, label=f"U = 0, M = {M:g}")
        ax.plot(w, row[0][2]["rho"], "C0:", lw=0.8, label=f"U = {a['model.U']:g}, M = {row[0][0]:g}")
        ax.axvspan(-W, W, color="0.9", zorder=-1)
        ax.set_xlim(-6, 6)
        ax.set_xlabel(r"$\omega$")
        ax.set_title(f"V = {V:g}: largest M against U = 0 (shaded |w| < W)", fontsize=9)
        ax.legend(fontsize=7)
        ax = axes[r][2]
        Ms = np.array([t[0] for t in row], dtype=float)
        ref = row[0][2]["rho"]
        l1_ref = np.array([np.abs(t[2]["rho"] - ref)[inside].sum() * h for t in row])
        print(f"V = {V:g}")
        if "L1_U0" in row[0][2]:
            l1_u0 = np.array([float(t[2]["L1_U0"][0]) for t in row])
            ax.loglog(Ms, l1_u0, "o-", label=r"$\int_{|\omega|<W}|\rho-\rho_{U=0}|$")
        else:
            l1_u0 = np.full(len(row), np.nan)
        ax.loglog(Ms[1:], l1_ref[1:], "s-", label=rf"$\int_{{|\omega|<W}}|\rho-\rho_{{M={Ms[0]:g}}}|$")
        for M, a_, b_, t in zip(Ms, l1_u0, l1_ref, row):
            print(f"  M = {M:7g}: L1 to U=0 {a_:.4f}, L1 to M={Ms[0]:g} {b_:.4f}, "
                  f"sum rule - 1 {float(t[2]['sum_rule'][0]) - 1:+.2e}, iterations {float(t[2]['iterations'][0]):g}")
        ax.set_xlabel("M")
        ax.set_title(f"V = {V:g}: L1 distances on |w| < W", fontsize=9)
        ax.legend(fontsize=7)
        ax = axes[r][3]
        for j, (M, a, d) in enumerate(row[1:-1:3] + [row[-1]]):
            ax.semilogy(w, np.maximum(d["rho_liom_mean"], 1e-6), c=f"C{j}", lw=0.8,
                        label=f"mean over LIOMs, M = {M:g}")
        M, a, d = row[-1]
        ax.semilogy(w, np.maximum(d["rho_liom_near"], 1e-6), "k", lw=0.6, label="nearest LIOM")
        ax.set_xlim(-4, 4)
        ax.set_ylim(1e-3, None)
        ax.set_xlabel(r"$\omega$")
        ax.set_ylabel(r"$\rho_\alpha(\omega)$")
        ax.set_title(f"V = {V:g}: LIOM spectral functions (U = {a['model.U']:g})", fontsize=9)
        ax.legend(fontsize=6)
    fig.suptitle("Hubbard bubble (N = 30, t = 1, U = 2, T = 2) + Anderson insulator "
                 r"(W = 2, $\xi$ = 10, $n_L$ = 1), IPT saddle point", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    print("wrote", png)


if __name__ == "__main__":
    main()
