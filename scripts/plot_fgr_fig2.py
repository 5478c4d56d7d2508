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


UV_FACTOR = 30.0  # tau_uv = UV_FACTOR / N: where t lambda = 2 N tau reaches 60 (with 3000
# samples at N + 1 = 1000 the onset still shows at 4-5 se for tau in [20/N, 30/N))


def title(p):
    a = p["attrs"]
    size = (f"N -> inf (window {int(a['model.window']) or 2000})" if str(a["model.representation"]) == "unfolded"
            else f"N+1 = {int(a['model.N']) + 1}")
    return f"{a['model.ensemble']}, {size}, {int(a['n_done'])} samples, {a['model.representation']}"


def panel_abc(P, png):
    fig, axs = plt.subplots(1, len(P), figsize=(4 * len(P), 3.4), squeeze=False)
    for ax, p in zip(axs[0], P):
        g = p["attrs"]["model.gamma"]
        # Eq. (5) is the N -> infinity limit; at t lambda = 2 N tau of order 1 the decay is
        # not yet universal (Gaussian start, "ultraviolet details"): compare from
        # tau_uv = UV_FACTOR / N on.
        # The unfolded representation is that limit itself (level_dot.h): no ultraviolet
        # window and no note-[22] factor, so every grid point is compared.
        limit = str(p["attrs"]["model.representation"]) == "unfolded"
        tau_uv = 0.0 if limit else UV_FACTOR / float(p["attrs"]["model.N"])
        for log in (False, True):
            tau, m, e, e5, _ = curve(p, log)
            keep = tau >= tau_uv
            z = (m - e5)[keep] / e[keep]
            print(f"gamma = {g:g} ({'log' if log else 'linear'} grid, {keep.sum()} of {len(tau)} points "
                  f"with tau >= {tau_uv:.3g}): max |data - Eq.5|/se = {np.nanmax(abs(z)):.2f}, "
                  f"fraction beyond 3 se = {np.mean(abs(z) > 3):.3f}")
            # Pure noise gives z ~ N(0, 1) at each point: mean 0, rms 1, and a fraction
            # 0.0027 beyond 3 se (neighbouring points are correlated, so counts cluster).
            zf = z[np.isfinite(z)]
            print(f"    mean z = {zf.mean():+.3f}, rms z = {np.sqrt(np.mean(zf ** 2)):.3f}, beyond 3 se: "
                  f"{np.sum(abs(zf) > 3)} of {len(zf)} (noise alone: {0.0027 * len(zf):.1f} on average)")
            # After the decay, against Eq. (5) x (1 + gamma/(2N)) (note [22]'s leading
            # finite-N factor, see panel_d).
            N = float(p["attrs"]["model.N"])
            if limit:
                continue
            late = tau >= max(tau_uv, DECAY_E_FOLDS / (4 * g))
            z2 = (m - e5 * (1 + g / (2 * N)))[late] / e[late]
            if late.any():
                print(f"    tau >= {max(tau_uv, DECAY_E_FOLDS / (4 * g)):.3g}, Eq.5 x (1 + gamma/2N = {1 + g / (2 * N):.4f}): "
                      f"max |z| = {np.nanmax(abs(z2)):.2f}, fraction beyond 3 se = {np.mean(abs(z2) > 3):.3f}")
        # Acceptance 2: from which tau on is every grid point (both grids) within 3 se?
        for label, fac in (("Eq. (5)", 1.0), ("Eq. (5) x (1 + gamma/2N)", 1 + g / (2 * N)))[:1 if limit else 2]:
            t_all, bad = [], []
            for log in (False, True):
                tau, m, e, e5, _ = curve(p, log)
                ok = e > 0
                t_all.append(tau[ok])
                bad.append(tau[ok][abs(m - fac * e5)[ok] > 3 * e[ok]])
            t_all, bad = np.concatenate(t_all), np.concatenate(bad)
            if len(bad) and bad.max() >= t_all.max():
                print(f"    {label}: the last grid point is beyond 3 se")
                continue
            t0 = t_all[t_all > bad.max()].min() if len(bad) else t_all.min()
            print(f"    every grid point within 3 se of {label} for tau >= {t0:.4g} (= {t0 * N:.0f}/N; "
                  f"{np.sum(t_all >= t0)} of {len(t_all)} points with se > 0)")
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
    # Note [22]'s finite-N correction, leading order: the semicircle's self-energy
    # Re Sigma(E) = g E / 2 near the band centre narrows the Lorentzian by (1 - g/2), and
    # sum_a w_a^2 ~ 2 int A(E)^2 / nu dE grows by 1 / (1 - g/2) ~ 1 + gamma / (2N).
    fn = th * (1 + g / (2 * N))
    print(" gamma      P_res        se      Eq.(4)   (P-Eq4)/se   gamma/N   P/Eq4-1   gamma/2N  (P-Eq4(1+gamma/2N))/se")
    for k in range(len(g)):
        print(f" {g[k]:<9.4g} {m[k]:.5f}  {e[k]:.5f}  {th[k]:.5f}  {(m[k] - th[k]) / e[k]:+7.2f}     {g[k] / N:<8.3g}"
              f"  {100 * (m[k] / th[k] - 1):+5.2f}%   {100 * g[k] / (2 * N):5.2f}%   {(m[k] - fn[k]) / e[k]:+6.2f}")
    # Acceptance 1: where note [22]'s correction is negligible, i.e. below one standard
    # error (th * gamma/2N < se), every point within 3 se of Eq. (4) alone.
    small = th * g / (2 * N) < e
    z = (m - th) / e
    zc = (m - fn) / e
    print(f"correction below 1 se for gamma <= {g[small].max():.4g} ({small.sum()} points): "
          f"{np.sum(abs(z[small]) <= 3)} of {small.sum()} within 3 se of Eq. (4), max |z| = {abs(z[small]).max():.2f}")
    print(f"all {len(g)} points against Eq. (4) x (1 + gamma/2N): {np.sum(abs(zc) <= 3)} within 3 se, "
          f"max |z| = {abs(zc).max():.2f} at gamma = {g[np.argmax(abs(zc))]:.4g}")
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


# P_off as the paper defines it (text before Eq. (4)): the constant P_1 that cuts off the
# initial decay, followed by the slow recovery b_X K_X(tau) / (2 gamma) (Eq. (6)). Its
# estimate is the intercept A of a least-squares fit 2 gamma (P - e^{-4 gamma tau}) =
# A + B K_X(tau) over tau in [lo, OFFSET_FIT_HI], lo = max(OFFSET_FIT_LO, DECAY_E_FOLDS /
# (4 gamma)) (the decay spent), OFFSET_FIT_HI before the form factors' features at
# tau = 1/2 (GSE, state axis) and 1. The minimum of the curve (qbath's P_off) exceeds
# a_X / (2 gamma) at finite gamma by the recovery already made at the minimum (Eq. (5)
# at gamma = 40: 2 gamma min P = 1.006, intercept 0.948), so the ratios 2, 3/2, 3 hold for
# the intercept; the minimum-based ratio is compared with the same ratio of the theory curve.
OFFSET_FIT_LO = 0.1
OFFSET_FIT_HI = 0.4
DECAY_E_FOLDS = 16.0
SINGULAR_HALF_WIDTH = 0.05  # GSE: tau within this of 1/2 left out of the shape comparison


def form_factor(p, tau):
    """K_X(tau) on the data's axis, recovered from the file's Eq. (6) curve (a_X, b_X from
    its P_off_eq6 = a/(2 gamma) and P_pl_eq6 = (a+b)/(2 gamma))."""
    g = p["attrs"]["model.gamma"]
    a = 2 * g * p["theory"]["P_off_eq6"][0]
    b = 2 * g * p["theory"]["P_pl_eq6"][0] - a
    return (2 * g * (p["theory"]["P_eq6"] - np.exp(-4 * g * tau)) - a) / b, a, b


def offset_fit(p, curves):
    """Per curve (rows of `curves` on the linear grid): the fit's (A, B); the window used."""
    g = p["attrs"]["model.gamma"]
    tau = p["axes"]["tau"]
    K, _, _ = form_factor(p, tau)
    lo = max(OFFSET_FIT_LO, DECAY_E_FOLDS / (4 * g))
    keep = (tau >= lo) & (tau <= OFFSET_FIT_HI)
    X = np.column_stack([np.ones(keep.sum()), K[keep]])
    Y = 2 * g * (np.atleast_2d(curves)[:, keep] - np.exp(-4 * g * tau[keep]))
    return Y @ np.linalg.pinv(X).T, lo, int(keep.sum())


def ratio_se(y, x):
    """mean(y) / mean(x) over rows with its delta-method standard error."""
    n = len(x)
    mx, my = x.mean(), y.mean()
    vx, vy, cxy = x.var(ddof=1), y.var(ddof=1), np.cov(x, y)[0, 1]
    v = (vy / mx**2 - 2 * my * cxy / mx**3 + my**2 * vx / mx**4) / n
    return my / mx, np.sqrt(max(v, 0.0))


def report_e(p):
    ens, g = p["attrs"]["model.ensemble"], p["attrs"]["model.gamma"]
    tau, m, e, e5, e6 = curve(p)
    taul, ml, el, e5l, e6l = curve(p, True)
    _, a, b = form_factor(p, tau)
    rt = p["theory"]["ratio_eq6"][0]
    R = p["rows"]
    n = len(R["P"])
    pl = 2 * g * R["P_res_ipr"][:, 0]
    print(f"{ens}, gamma = {g:g}, N = {int(p['attrs']['model.N'])}, {n} samples ({p['attrs']['model.representation']}):")
    print(f"  2 gamma P_pl = {pl.mean():.4f} +- {pl.std(ddof=1) / np.sqrt(n):.4f}   (Eq. (6): a+b = {a + b:g})")
    # Minimum-based (qbath's derived P_off), against the same ratio of the theory curves.
    r, re = p["mean"]["P_pl_over_P_off"][0], p["err"]["P_pl_over_P_off"][0]
    th6 = p["theory"]["P_pl_eq6"][0] / np.nanmin(np.r_[e6[1:], e6l])
    line = (f"  minimum: 2 gamma P_off = {2 * g * p['mean']['P_off'][0]:.4f} +- {2 * g * p['err']['P_off'][0]:.4f} "
            f"at tau = {p['mean']['tau_off'][0]:.3g}; P_pl/P_off = {r:.3f} +- {re:.3f} "
            f"(Eq. (6) curve: {th6:.3f}")
    if np.all(np.isfinite(e5)):
        line += f"; Eq. (4)/min Eq. (5): {p['theory']['P_res_eq4'][0] / np.nanmin(np.r_[e5[1:], e5l]):.3f}"
    print(line + f"; asymptotic {rt:g})")
    # Intercept-based (the paper's P_off).
    AB, lo, k = offset_fit(p, R["P"])
    A, B = AB[:, 0], AB[:, 1]
    r2, r2e = ratio_se(pl, A)
    print(f"  offset fit on tau in [{lo:.3g}, {OFFSET_FIT_HI:g}] ({k} points): 2 gamma P_off = A = {A.mean():.4f} +- "
          f"{A.std(ddof=1) / np.sqrt(n):.4f} (a_X = {a:g}), B = {B.mean():.3f} +- {B.std(ddof=1) / np.sqrt(n):.3f} "
          f"(b_X = {b:g})")
    print(f"  P_pl/P_off = {r2:.3f} +- {r2e:.3f} vs {rt:g}: {100 * (r2 / rt - 1):+.1f}% +- {100 * r2e / rt:.1f}%")
    if np.all(np.isfinite(e5)):
        A5 = offset_fit(p, e5)[0][0, 0]
        print(f"  (Eq. (5), same fit: A = {A5:.4f}, Eq. (4) / (A / 2 gamma) = {2 * g * p['theory']['P_res_eq4'][0] / A5:.4f})")
    # Eq. (6) without free parameters, after the decay.
    sel = tau >= lo
    z = (m - e6)[sel] / e[sel]
    print(f"  Eq. (6) for tau >= {lo:.3g}: max |2 gamma (P - Eq.6)| = {np.max(abs(2 * g * (m - e6)[sel])):.3f}, "
          f"rms = {np.sqrt(np.mean((2 * g * (m - e6)[sel]) ** 2)):.3f}; max |z| = {np.max(abs(z)):.1f}, "
          f"fraction beyond 3 se = {np.mean(abs(z) > 3):.2f}")
    # Its shape: the data scaled by Eq. (6)'s plateau over the measured one (removes the
    # O(1/gamma) factor of both, cf. Eq. (4) = (1 - 2.25/gamma)/gamma for U), away from the
    # GSE log singularity at tau = 1/2 (state axis) that no finite gamma resolves.
    sc = p["theory"]["P_pl_eq6"][0] / p["mean"]["P_res_ipr"][0]
    sel &= abs(tau - 0.5) > SINGULAR_HALF_WIDTH if ens == "GSE" else True
    z = (sc * m - e6)[sel] / (sc * e[sel])
    print(f"  shape: data x {sc:.4f} (Eq.6 plateau / measured) vs Eq. (6), tau >= {lo:.3g}"
          f"{' without |tau - 1/2| <= %g' % SINGULAR_HALF_WIDTH if ens == 'GSE' else ''} ({sel.sum()} points): "
          f"rms |2 gamma dP| = {np.sqrt(np.mean((2 * g * (sc * m - e6)[sel]) ** 2)):.3f}, max |z| = {np.max(abs(z)):.2f}, "
          f"fraction beyond 3 se = {np.mean(abs(z) > 3):.3f}")


def panel_e(P, png):
    fig, ax = plt.subplots(figsize=(5, 3.6))
    col = {"GOE": "C0", "GUE": "C1", "GSE": "C2", "Poisson": "C3"}
    for p in P:
        ens = p["attrs"]["model.ensemble"]
        g = p["attrs"]["model.gamma"]
        report_e(p)
        tau, m, e, _, e6 = curve(p)
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
    {"abc": panel_abc, "d": panel_d, "e": panel_e}[argv[1]](points(argv[2], argv[1] == "e"), png)
    print("wrote", png)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
