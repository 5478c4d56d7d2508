#!/usr/bin/env python3
"""Draws Gopalakrishnan-Nandkishore Figs. 5-8 from a `linewidth_mft` result file (the
figure is chosen by the run name: gn_fig5_phase, gn_fig6_linewidth, gn_fig7_critical,
gn_fig8_saddle) and prints the numbers behind it.

usage: /usr/bin/python3 scripts/plot_linewidth.py RESULT.h5 [PNG]
"""
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import curve_fit


def load(path):
    """Rows of (point attrs, mean columns) in point order."""
    with h5py.File(path, "r") as f:
        name = f.attrs["name"].decode() if isinstance(f.attrs["name"], bytes) else f.attrs["name"]
        pts = []
        for k in sorted(f["points"].keys()):
            g = f["points"][k]
            attrs = {a: (v.decode() if isinstance(v, bytes) else v) for a, v in g.attrs.items()}
            mean = {c: float(np.asarray(g["mean"][c])[0]) for c in g["mean"].keys()}
            pts.append((attrs, mean))
    return name, pts


def fig5(pts, ax):
    x = np.array([a["model.x"] for a, m in pts])
    gc = np.array([m["gamma_c"] for a, m in pts])
    ok = np.isfinite(gc) & (gc > 0)
    ax.semilogy(x[ok], gc[ok], "o-", ms=3, label="phase boundary (integral, n+p unbounded)")
    ax.fill_between(x[ok], gc[ok], 1, alpha=0.15, color="C1", label="ergodic (metal)")
    ax.fill_between(x[ok], 1e-6, gc[ok], alpha=0.15, color="C0", label="localized")
    ax.set_ylim(max(gc[ok].min() / 3, 1e-6), 1)
    ax.set_xlabel(r"$\Xi \log K - 1$")
    ax.set_ylabel(r"$\gamma_c/\delta_m$")
    K, N = pts[0][0]["model.K"], pts[0][0]["model.N"]
    ax.set_title(f"Fig. 5: mean-field phase diagram (K = {K:g}, N = {N:g}, s = 0.5)", fontsize=9)
    for xv, g in list(zip(x[ok], gc[ok]))[:: max(1, ok.sum() // 8)]:
        print(f"  x = {xv:+.3f}: gamma_c = {g:.4g}")
    print(f"  no boundary below gamma = 0.99 for x < {x[ok].min():.3f}")


def fig6(pts, ax):
    gammas = sorted({a["model.gamma"] for a, m in pts})
    for j, g in enumerate(gammas):
        sel = [(a["model.x"], m) for a, m in pts if a["model.gamma"] == g and m["found"] == 1]
        x = np.array([s[0] for s in sel])
        y = np.array([-1 / np.log(s[1]["Gamma"]) for s in sel])
        y5 = np.array([-1 / np.log(s[1]["Gamma_C5"]) for s in sel])
        ax.plot(x, y, "o" if j else "x", ms=4, c=f"C{j}", label=rf"$\gamma/\delta_m$ = {g:g}")
        pos = x > 0  # (C5) holds only for Xi ln K > 1
        ax.plot(x[pos], y5[pos], "-", c=f"C{j}", lw=0.8, label=rf"(C5), $\gamma/\delta_m$ = {g:g}")
    ax.axvline(0, c="k", lw=0.5)
    ax.set_xlabel(r"$\Xi \log K - 1$")
    ax.set_ylabel(r"$-1/\ln\Gamma$")
    ax.set_title("Fig. 6: N = 10, K = 3 (integral, n + p unbounded)", fontsize=9)


def fig7(pts, ax):
    sel = [(a["model.Xi"], m["lnGamma"]) for a, m in pts if m["found"] == 1]
    Xi = np.array([s[0] for s in sel])
    y = -1 / np.array([s[1] for s in sel])
    ax.plot(Xi, y, "o", ms=3, label="mean-field (integral)")
    f = lambda x, A, xc, b: A * np.abs(x - xc) ** b
    for j, xmax in enumerate([0.8, 1.2, 1.6]):
        s = Xi <= xmax + 1e-9
        p, c = curve_fit(f, Xi[s], y[s], p0=[0.1, Xi[0] - 0.01, 1 / 3],
                         bounds=([0, 0, 0.05], [10, Xi[0] - 1e-9, 2]))
        e = np.sqrt(np.diag(c))
        print(f"  fit on Xi <= {xmax}: beta = {p[2]:.4f} +- {e[2]:.4f}, Xi_c = {p[1]:.4f}, A = {p[0]:.4f}")
        xs = np.linspace(p[1] + 1e-4, Xi[s].max(), 200)
        ax.plot(xs, f(xs, *p), "-", c=f"C{j + 1}", lw=1,
                label=rf"$A(\Xi-\Xi_c)^\beta$ on $\Xi\leq{xmax}$: $\beta$ = {p[2]:.3f} $\pm$ {e[2]:.3f}")
    ax.set_xlabel(r"$\Xi$")
    ax.set_ylabel(r"$-1/\ln\Gamma$")
    ax.set_title(r"Fig. 7: N = 10, K = 10, $\gamma/\delta_m = 10^{-3}$", fontsize=9)


def fig8(pts, ax):
    nc = 5.0
    marks = {"e3": ("ko", "Eq. (E3)"), "integral": ("o", "integral"), "sum": ("s", "direct sum (E1)")}
    for meth, (fmt, lab) in marks.items():
        sel = [(a["model.eps"], m["Gamma"]) for a, m in pts if a["model.method"] == meth and m["found"] == 1]
        if not sel:
            continue
        e = np.array([s[0] for s in sel])
        y = -1 / np.log(nc * np.array([s[1] for s in sel]))
        kw = dict(mfc="none") if meth != "e3" else {}
        ax.plot(e, y, fmt, ms=4, label=lab, **kw)
        if meth == "e3":
            for ev, yv in zip(e[::6], y[::6]):
                print(f"  eps = {ev:.2f}: -1/ln(n_c Gamma) = {yv:.4f} (E3)")
    e = np.array(sorted({a["model.eps"] for a, m in pts}))
    G5 = {a["model.eps"]: m["Gamma_C5"] for a, m in pts}
    y5 = -1 / np.log(nc * np.array([G5[v] for v in e]))
    lo = 1 / (2 * np.log(3.0))
    ax.plot(e[e >= lo], y5[e >= lo], "r-", label="saddle point (C5), window (C7)")
    ax.plot(e[e <= lo + 0.02], y5[e <= lo + 0.02], "r--")
    ax.set_xlabel(r"$\varepsilon$")
    ax.set_ylabel(r"$-1/\ln(n_c\Gamma)$")
    ax.set_title(r"Fig. 8: $\gamma$ = 0.1, s = 0.5, N = 10, d = 1, K = 3 ($n_c$ = 5)", fontsize=9)


def main():
    path = sys.argv[1]
    png = sys.argv[2] if len(sys.argv) > 2 else path.rsplit(".", 1)[0] + ".png"
    name, pts = load(path)
    fig, ax = plt.subplots(figsize=(5.6, 4))
    print(name)
    {"gn_fig5_phase": fig5, "gn_fig6_linewidth": fig6, "gn_fig7_critical": fig7,
     "gn_fig8_saddle": fig8}[name](pts, ax)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=130)
    print("wrote", png)


if __name__ == "__main__":
    main()
