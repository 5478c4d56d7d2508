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


def mf_valid(G, gamma, N, K, d, f, u):
    """The mean-field equations' validity window (qb_linewidth_mf_valid): Eq. (27)
    Gamma >= f N K^-N and Eq. (26) (Gamma/gamma) ln^2d(gamma/Gamma) <= u."""
    ok = (G > 0) & (G < gamma)
    Gs = np.where(ok, G, gamma / 2)
    return ok & (np.log(Gs) >= np.log(f * N) - N * np.log(K)) & \
        (Gs / gamma * np.log(gamma / Gs) ** (2 * d) <= u)


def fig7(pts, ax):
    """-1/ln Gamma against Xi (left) and its local exponent d ln y / d ln(Xi - Xi_c) (right).
    The exponent is fitted at the computed Xi_c in nine validity windows (f = 0.1, 1, 10;
    u = 0.03, 0.1, 0.3); error = max(sd over windows, half the range of local exponents in
    the central window f = 1, u = 0.1), as tests/test_linewidth.c."""
    a0 = pts[0][0]
    gamma, N, K, d = a0["model.gamma"], a0["model.N"], a0["model.K"], a0["model.d"]
    sel = sorted((m["Xi"], m["Xi_c"], m["lnGamma"]) for a, m in pts if m["found"] == 1)
    Xi, xc, L = (np.array(c) for c in zip(*sel))
    xc = xc[0]
    dx, y, G = Xi - xc, -1 / L, np.exp(L)
    loc = np.gradient(np.log(y), np.log(dx))
    betas, cent = [], None
    for f in (0.1, 1, 10):
        for u in (0.03, 0.1, 0.3):
            s = mf_valid(G, gamma, N, K, d, f, u)
            b, lnA = np.polyfit(np.log(dx[s]), np.log(y[s]), 1)
            betas.append(b)
            print(f"  window f = {f:g}, u = {u:g}: Xi in [{Xi[s].min():.3f}, {Xi[s].max():.3f}], "
                  f"{s.sum()} points: beta = {b:.4f}")
            if f == 1 and u == 0.1:
                cent = (s, b, np.exp(lnA))
    s, b, A = cent
    sd = np.std(betas, ddof=1)
    half = 0.5 * (loc[s].max() - loc[s].min())
    err = max(sd, half)
    mean = np.mean(betas)
    print(f"  Xi_c = {xc:.10f}; beta = {mean:.4f} +- {err:.4f} (sd over windows {sd:.4f}, local "
          f"exponents in the central window {loc[s].min():.3f} ... {loc[s].max():.3f}); "
          f"beta - 1/3 = {mean - 1 / 3:+.4f}")
    near = dx < 1e-7
    print(f"  asymptote: d ln Gamma / d ln(Xi - Xi_c) = "
          f"{np.polyfit(np.log(dx[near]), L[near], 1)[0]:.4f} for Xi - Xi_c < 1e-7")
    win = Xi <= 1.6
    ax.plot(Xi[win], y[win], "o", ms=2.5, label="mean-field (integral)")
    ax.axvspan(Xi[s].min(), Xi[s].max(), color="C2", alpha=0.15,
               label="equations valid (26)-(27)")
    xs = np.linspace(xc, 1.6, 400)
    ax.plot(xs, A * (xs - xc) ** b, "C1-", lw=1,
            label=rf"$A(\Xi-\Xi_c)^\beta$, $\Xi_c$ = {xc:.4f}: $\beta$ = {mean:.3f} $\pm$ {err:.3f}")
    ax.set_xlabel(r"$\Xi$")
    ax.set_ylabel(r"$-1/\ln\Gamma$")
    ax.set_title(r"Fig. 7: N = 10, K = 10, $\gamma/\delta_m = 10^{-3}$", fontsize=9)
    ins = ax.inset_axes([0.6, 0.12, 0.38, 0.36])
    ins.semilogx(dx, loc, "-", c="C0", lw=1)
    ins.semilogx(dx, y / 2, ":", c="k", lw=0.8)
    ins.axhline(1 / 3, c="C3", lw=0.8)
    ins.axvspan(dx[s].min(), dx[s].max(), color="C2", alpha=0.15)
    ins.set_xlabel(r"$\Xi-\Xi_c$", fontsize=7)
    ins.set_ylabel(r"$d\ln y/d\ln(\Xi-\Xi_c)$", fontsize=7)
    ins.tick_params(labelsize=6)
    ins.set_ylim(0, 0.42)
    ins.text(2e-10, 0.35, "1/3", color="C3", fontsize=7)
    ins.text(2e-10, 0.05, r"$y/2$: $\Gamma\propto(\Xi-\Xi_c)^{1/2}$", fontsize=6)


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
    ax.legend(fontsize=7, loc="upper left" if name == "gn_fig7_critical" else "best")
    fig.tight_layout()
    fig.savefig(png, dpi=130)
    print("wrote", png)


if __name__ == "__main__":
    main()
