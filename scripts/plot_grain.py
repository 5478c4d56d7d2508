#!/usr/bin/env python3
"""Figures of the grain_spins model from qbath result files (issue 7).

usage: /usr/bin/python3 scripts/plot_grain.py RESULT.h5 [RESULT2.h5 ...] [--out DIR]

Draws, depending on what the files hold (PNG next to the first file, or in DIR):
  Potirniche et al. 2019 (geometry exp1d / stretched1d / layers2d):
    Fig. 4   gamma/delta_E vs M per xi, with Eq. (6)/(7) anchored at the M = 1 data
             (dashed, as the paper does) and the golden-rule-anchored theory group (dotted);
    Fig. 5   Delta n_absorbed = (2/log 2)(<G>(M+1) - <G>(M)) vs M, inset p(G) at the
             smallest xi (Eq. (9));
    Fig. S2  I = integral of rho_typ of sigma_1^x vs M (when specfn was on);
    Fig. S3  last-spin entanglement S vs M per xi;  Fig. S4  S vs xi per M;
  Fig. 4(a) from the time domain (method = none, issue 19): gamma_t/delta_E (Heisenberg-
    resolved), the decay rate fitted to C_tau_x (longer systems), eigenstate points beside,
    Eq. (6), upper bounds where unresolved; the slope of log(gamma/delta_E) in M per xi and
    the xi where it turns, bootstrap over (paired) realizations;
  Crowley-Chandran 2022 (coupling xy): Fig. 2(a) [S_end] vs alpha per size,
    Fig. 2(b) p(S_end) at alpha = 0.45, 0.55, 0.65 for the largest size with all alphas;
    with the time domain's memory (issue 19): C^zz of the last spin vs alpha per size beside
    [S_end] of the same rows (*_czz.png), their crossings and alpha_c(C^zz) - alpha_c([S_end]).
Prints the crossings of successive sizes (S vs xi, [S_end] vs alpha) with a parametric
bootstrap of the means (median and 16-84 % range), and the paired crossings from the
per-realization differences (same bubble, spins added) with a bootstrap over realizations."""
import os
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

LOG2 = np.log(2.0)
# per-realization scalars kept for the paired comparisons (eigenstate and time-domain columns)
ROW_SCALARS = ("S_last", "gamma_over_dE", "Czz_last", "rate_last", "delta_E", "gamma_t_over_dE",
               "dE_t", "eps_last")


def attr(p, key):
    v = p.attrs[key]
    return v.decode() if isinstance(v, bytes) else v


def load_journal(path):
    """The points of a running or killed campaign from its journal FILE.h5.journal (the
    rows done so far; the layout from libqbath through the qbath package, python/), in the
    shape load() gives: every [section] key of the input as "section.key" (strings), the
    swept values per point, the means, errors and rows of the realizations done."""
    import configparser
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    from qbath import results as qr
    text, _, _ = qr.read_journal(path)
    pts_j, _, _, _ = qr._points_from_journal(path, text)
    cfg = configparser.ConfigParser(inline_comment_prefixes=("#",))
    cfg.optionxform = str  # keys keep their case (N, M)
    cfg.read_string(text)
    flat = {f"{sec}.{k}": v for sec in cfg.sections() for k, v in cfg[sec].items()}
    pts = []
    for q in pts_j:
        done = np.asarray(q.done, bool) if q.done is not None else None
        if done is None or not done.any():
            continue
        d = dict(flat)
        d.update({k: str(v) for k, v in q.params.items()})
        d["mean"], d["err"], d["axes"], d["theory"] = q.mean, q.err, q.axes, q.theory
        d["n"], d["seed"] = int(done.sum()), int(flat["run.seed"])
        d["rows"] = {k: q.rows[k][done, 0] for k in ROW_SCALARS if k in q.rows}
        for k in ("C_tau_x_inf", "C_tau_x_inf_err"):
            if k in q.rows:
                d["rows"][k] = q.rows[k][done]
        d["xi_eff"] = float(d["model.xi"]) if d.get("model.coupling", "xx") == "xx" else -1 / np.log(float(d["model.alpha"]))
        pts.append(d)
    return pts


def load(path):
    """The points of a result file; FILE.h5.journal (or FILE.h5 absent but its journal
    there): the rows done so far, by load_journal."""
    if path.endswith(".journal") or (not os.path.exists(path) and os.path.exists(path + ".journal")):
        return load_journal(path if path.endswith(".journal") else path + ".journal")
    pts = []
    with h5py.File(path, "r") as f:
        seed = int(f.attrs["seed"])
        for name in sorted(f["points"]):
            g = f["points"][name]
            d = {k: attr(g, k) for k in g.attrs}
            d["mean"] = {k: g["mean"][k][()] for k in g["mean"]}
            d["err"] = {k: g["err"][k][()] for k in g["err"]}
            d["axes"] = {k: g["axes"][k][()] for k in g["axes"]}
            d["theory"] = {k: g["theory"][k][()] for k in g["theory"]} if "theory" in g else {}
            d["n"] = int(g.attrs["n_done"])
            d["seed"] = seed
            # per-realization scalars, row r = realization r (for the paired comparisons)
            d["rows"] = {k: g["rows"][k][:, 0] for k in ROW_SCALARS
                         if "rows" in g and k in g["rows"]}
            for k in ("C_tau_x_inf", "C_tau_x_inf_err"):  # curves [realization, t]
                if "rows" in g and k in g["rows"]:
                    d["rows"][k] = g["rows"][k][()]
            d["xi_eff"] = float(d["model.xi"]) if d.get("model.coupling") == "xx" else -1 / np.log(float(d["model.alpha"]))
            pts.append(d)
    return pts


def scalar(p, k):
    return float(np.ravel(p["mean"][k])[0]), float(np.ravel(p["err"][k])[0])


def curves(pts, xkey, ckey, ykey):
    """{c: (x[], y[], e[])} sorted by x."""
    out = {}
    for p in pts:
        out.setdefault(float(p[ckey]), []).append((float(p[xkey]),) + scalar(p, ykey))
    return {c: tuple(np.array(v).T) for c, v in ((c, sorted(v)) for c, v in sorted(out.items()))}


def zero_crossing(x, d):
    """First zero of d(x) on grid x by linear interpolation (nan if d keeps its sign)."""
    for i in range(len(x) - 1):
        if d[i] == 0:
            return x[i]
        if d[i] * d[i + 1] < 0:
            return x[i] - d[i] * (x[i + 1] - x[i]) / (d[i + 1] - d[i])
    return np.nan


def crossing(x, y1, e1, y2, e2, nboot=4000, seed=1):
    """Crossing of two curves on grid x (linear interpolation of the difference): the
    estimate from the means and the 16/50/84 % points of a parametric bootstrap."""
    def one(a, b):
        return zero_crossing(x, b - a)
    rng = np.random.default_rng(seed)
    est = one(y1, y2)
    b = np.array([one(y1 + e1 * rng.standard_normal(len(x)), y2 + e2 * rng.standard_normal(len(x)))
                  for _ in range(nboot)])
    ok = b[np.isfinite(b)]
    q = np.percentile(ok, [16, 50, 84]) if len(ok) else [np.nan] * 3
    return est, q, len(ok) / nboot


def report_crossings(cv, label, xname):
    sizes = sorted(cv)
    print(f"crossings of {label} between successive sizes ({xname}):")
    for a, b in zip(sizes, sizes[1:]):
        xa, ya, ea = cv[a]
        xb, yb, eb = cv[b]
        common = np.intersect1d(xa, xb)
        ia, ib = np.searchsorted(xa, common), np.searchsorted(xb, common)
        est, q, frac = crossing(common, ya[ia], ea[ia], yb[ib], eb[ib])
        print(f"  {a:g} / {b:g}: {xname}_x = {est:.3f}  bootstrap median {q[1]:.3f} "
              f"[{q[0]:.3f}, {q[2]:.3f}]  (crossing found in {100 * frac:.0f} % of resamples)")


def paired_differences(pts, xkey, ckey, key):
    """{(c, c'): (x[], D[x, r])}: per-realization differences D_r(x) = key_{c'}(x)_r - key_c(x)_r
    of successive sizes c < c' on their common x with the same seed (the same bubbles)."""
    rows = {}
    for p in pts:
        if key in p["rows"]:
            rows.setdefault(float(p[ckey]), {})[float(p[xkey])] = (p["seed"], p["rows"][key])
    sizes = sorted(rows)
    out = {}
    for a, b in zip(sizes, sizes[1:]):
        xs = sorted(x for x in set(rows[a]) & set(rows[b]) if rows[a][x][0] == rows[b][x][0])
        if len(xs) < 2:
            continue
        R = min(min(len(rows[a][x][1]), len(rows[b][x][1])) for x in xs)
        out[(a, b)] = (np.array(xs), np.array([rows[b][x][1][:R] - rows[a][x][1][:R] for x in xs]))
    return out


def paired_crossings(pts, xkey, ckey, label, key="S_last", nboot=4000, seed=1):
    """Crossings of key(x) (S_last by default) between successive sizes from the
    per-realization differences D_r(x) = key_{c'}(x)_r - key_c(x)_r. grain_spins draws the
    grain and the fields from (seed, realization) only, the fields of c spins being a prefix of
    those of c' > c, so realization r of both sizes is the same bubble with spins added: the
    difference cancels most of the sample-to-sample spread. Bootstrap over realizations
    (16/50/84 %)."""
    pairs = paired_differences(pts, xkey, ckey, key)
    if not pairs:
        return
    print(f"paired crossings of {label} (mean of per-realization differences):")
    rng = np.random.default_rng(seed)
    for (a, b), (x, D) in pairs.items():
        R = D.shape[1]

        def zero(d):
            return zero_crossing(x, d)
        m = D.mean(axis=1)
        se = D.std(axis=1, ddof=1) / np.sqrt(R)
        boot = np.array([zero(D[:, rng.integers(0, R, R)].mean(axis=1)) for _ in range(nboot)])
        ok = boot[np.isfinite(boot)]
        q = np.percentile(ok, [16, 50, 84]) if len(ok) else [np.nan] * 3
        diffs = "  ".join(f"{xx:g}: {mm:+.3f}({ss:.3f})" for xx, mm, ss in zip(x, m, se))
        print(f"  {a:g} / {b:g} ({R} realizations): x_c = {zero(m):.3f}  bootstrap median {q[1]:.3f} "
              f"[{q[0]:.3f}, {q[2]:.3f}]  (found in {100 * len(ok) / nboot:.0f} %)\n    D(x): {diffs}")


def paired_width_ratios(pts, N, geo):
    """Eq. (6)'s M dependence alone: per realization (paired disorder: the same bubble with
    spins added) the ratio (gamma/delta_E)_M / (gamma/delta_E)_1, averaged, against
    N/(N+M-1) exp((M-1) log 2 - 2 (r_M - r_1)/xi) (exp1d), where Eq. (6) is above its floor."""
    if geo != "exp1d":
        return
    by = {}
    for p in pts:
        if "gamma_over_dE" in p["rows"]:
            by.setdefault(float(p["model.xi"]), {})[int(float(p["model.M"]))] = (p["seed"], p["rows"]["gamma_over_dE"])
    for xi, rows in sorted(by.items()):
        if 1 not in rows or len(rows) < 2:
            continue
        seed1, y1 = rows[1]
        out = []
        for M in sorted(m for m in rows if m > 1 and rows[m][0] == seed1):
            R = min(len(y1), len(rows[M][1]))
            q = rows[M][1][:R] / y1[:R]
            f = N / (N + M - 1) * np.exp((M - 1) * LOG2 - 2 * (M - 1) / xi)
            se = q.std(ddof=1) / np.sqrt(R)
            out.append(f"M={M}: {q.mean():.3f}+-{se:.3f} [Eq.6 {f:.3f}, {(q.mean() - f) / se:+.1f} se]")
        if out:
            print(f"paired ratio (gamma/delta_E)_M / (gamma/delta_E)_1, xi = {xi:g}, {R} realizations: " + "  ".join(out))


def save(fig, out, name):
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print("wrote", path)


def potirniche(pts, out, tag):
    N = int(pts[0]["model.N"])
    geo = pts[0]["model.geometry"]
    # Fig. 4: gamma / delta_E vs M
    cv = curves(pts, "model.M", "model.xi", "gamma_over_dE")
    fig, ax = plt.subplots(figsize=(5, 3.8))
    for i, (xi, (M, y, e)) in enumerate(cv.items()):
        ax.errorbar(M, y, yerr=e, fmt="o-", c=f"C{i}", capsize=2, label=fr"$\xi$ = {xi:g}")
        r = np.array([{"layers2d": np.ceil((np.sqrt(8 * m + 1) - 1) / 2) - 1}.get(geo, m - 1) for m in M])
        x = np.sqrt(r) if geo == "stretched1d" else r
        th = np.maximum(2, y[0] * N / (N + M - 1) * np.exp((M - 1) * LOG2 - 2 * x / xi))
        ax.plot(M, th, "--", c=f"C{i}")
        thg = [float(p["theory"]["gamma_over_dE"][0]) for m in M for p in pts
               if float(p["model.M"]) == m and float(p["model.xi"]) == xi]
        ax.plot(M, thg, ":", c=f"C{i}", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("M (spins coupled)")
    ax.set_ylabel(r"$\gamma/\delta_E$")
    ax.set_title(f"{geo}, N = {N}: dashed Eq. (6/7) anchored at M = 1, dotted golden-rule anchor", fontsize=7)
    ax.legend(fontsize=7)
    save(fig, out, f"{tag}_fig4.png")
    print(f"gamma/delta_E ({geo}, N = {N}); in brackets Eq. (6/7) anchored at the M = 1 data"
          " and the deviation in standard errors (data and anchor errors combined):")
    for xi, (M, y, e) in cv.items():
        r = np.array([{"layers2d": np.ceil((np.sqrt(8 * m + 1) - 1) / 2) - 1}.get(geo, m - 1) for m in M])
        x = np.sqrt(r) if geo == "stretched1d" else r
        f = N / (N + M - 1) * np.exp((M - 1) * LOG2 - 2 * x / xi)
        th = np.maximum(2, y[0] * f)
        sd = np.where(th > 2, np.hypot(e, e[0] * f), e)
        z = np.where(sd > 0, (y - th) / np.where(sd > 0, sd, 1), np.where(y == th, 0, np.inf))
        print(f"  xi = {xi:g}: " + "  ".join(f"M={m:g}: {a:.2f}+-{b:.2f} [{t:.2f}, {d:+.1f}]"
                                             for m, a, b, t, d in zip(M, y, e, th, z)))
    paired_width_ratios(pts, N, geo)
    # Fig. 5: Delta n_absorbed
    cg = curves(pts, "model.M", "model.xi", "G_mean")
    fig, ax = plt.subplots(figsize=(5, 3.8))
    print(f"Delta n_absorbed ({geo}, N = {N}), M -> M+1:")
    for i, (xi, (M, g, e)) in enumerate(cg.items()):
        dn = 2 / LOG2 * np.diff(g)
        de = 2 / LOG2 * np.sqrt(e[1:] ** 2 + e[:-1] ** 2)
        ax.errorbar(M[:-1] + 1, dn, yerr=de, fmt="o-", c=f"C{i}", capsize=2, label=fr"$\xi$ = {xi:g}")
        print(f"  xi = {xi:g}: " + "  ".join(f"{m:g}->{m + 1:g}: {a:.2f}+-{b:.2f}" for m, a, b in zip(M[:-1], dn, de))
              + f"   mean {dn.mean():.2f}+-{np.sqrt((de ** 2).sum()) / len(de):.2f}")
    ax.axhline(1, c="k", lw=0.6, ls=":")
    ax.set_xlabel("M")
    ax.set_ylabel(r"$\Delta n_{\rm absorbed}$")
    ax.legend(fontsize=7)
    xi0 = min(cg)
    ins = ax.inset_axes([0.62, 0.1, 0.35, 0.35])
    for p in sorted((p for p in pts if float(p["model.xi"]) == xi0), key=lambda p: float(p["model.M"])):
        ins.plot(p["axes"]["G"], p["mean"]["pG"], lw=0.8, label=f"M={float(p['model.M']):g}")
    ins.set_title(fr"p(G), $\xi$ = {xi0:g}", fontsize=6)
    ins.tick_params(labelsize=5)
    save(fig, out, f"{tag}_fig5.png")
    # Fig. S3 and S4: last-spin entropy
    cs = curves(pts, "model.M", "model.xi", "S_last")
    fig, ax = plt.subplots(figsize=(5, 3.8))
    for i, (xi, (M, s, e)) in enumerate(cs.items()):
        ax.errorbar(M, s, yerr=e, fmt="o-", capsize=2, label=fr"$\xi$ = {xi:g}")
    ax.axhline(LOG2, c="k", lw=0.6, ls=":")
    ax.set_xlabel("M")
    ax.set_ylabel("S (last spin)")
    ax.legend(fontsize=7)
    save(fig, out, f"{tag}_figS3.png")
    sx = curves(pts, "model.xi", "model.M", "S_last")
    fig, ax = plt.subplots(figsize=(5, 3.8))
    for M, (xi, s, e) in sx.items():
        ax.errorbar(xi, s, yerr=e, fmt="o-", capsize=2, label=f"M = {M:g}")
    ax.axvline(2 / LOG2, c="k", lw=0.6, ls=":")
    ax.set_xlabel(r"$\xi$")
    ax.set_ylabel("S (last spin)")
    ax.legend(fontsize=7)
    save(fig, out, f"{tag}_figS4.png")
    if len(next(iter(sx.values()))[0]) > 1:
        report_crossings(sx, f"S_last(xi), {geo}, N = {N}", "xi")
        paired_crossings(pts, "model.xi", "model.M", f"S_last(xi), {geo}, N = {N}")
    # Fig. S2: integral of the typical spectral function of sigma_1^x
    if "logrho_sx1" in pts[0]["mean"]:
        fig, ax = plt.subplots(figsize=(5, 3.8))
        byxi = {}
        for p in pts:
            w = p["axes"]["omega"]
            I = np.exp(p["mean"]["logrho_sx1"]).sum() * (w[1] - w[0])
            byxi.setdefault(float(p["model.xi"]), []).append((float(p["model.M"]), I))
        for xi, v in sorted(byxi.items()):
            v = np.array(sorted(v))
            ax.plot(v[:, 0], v[:, 1], "o-", label=fr"$\xi$ = {xi:g}")
        ax.axhline(2 * np.pi, c="k", lw=0.6, ls=":")
        ax.set_xlabel("M")
        ax.set_ylabel(r"$I = \int \rho_{\rm typ}(\omega)\,d\omega$ ($\sigma_1^x$)")
        ax.legend(fontsize=7)
        save(fig, out, f"{tag}_figS2.png")


# ---- Fig. 4(a) from the time domain (issue 19, acceptance 2 and 6) ---------------------------

def damped_fit(t, C, err, w0, t0=1.0):
    """Fit C(t) = e^{-Gamma t/2} (a cos w t + b sin w t) for t >= t0 (weights: the typicality
    errors), w searched near w0 = 2 eps_M, then Gauss-Newton. Returns Gamma, its standard
    error (covariance scaled by chi^2/dof when > 1: the line is not exactly Lorentzian),
    chi^2/dof. Where tau_M^x decays by the golden rule C(t) is this damped cosine at both
    peaks +-2 eps_M (infinite temperature: C real), Gamma their FWHM."""
    m = t >= t0
    t, C, s = t[m], C[m], np.maximum(err[m], 1e-6)
    best = None
    for w in np.linspace(w0 - 0.4, w0 + 0.4, 81):
        cs, sn = np.cos(w * t), np.sin(w * t)
        for G in np.concatenate([[0.0], np.geomspace(1e-5, 3, 60)]):
            e = np.exp(-0.5 * G * t)
            X = np.column_stack([e * cs, e * sn]) / s[:, None]
            c, *_ = np.linalg.lstsq(X, C / s, rcond=None)
            r = C / s - X @ c
            if best is None or r @ r < best[0]:
                best = (r @ r, np.array([G, w, c[0], c[1]]))
    p = best[1]
    for _ in range(40):
        e, cs, sn = np.exp(-0.5 * p[0] * t), np.cos(p[1] * t), np.sin(p[1] * t)
        f = e * (p[2] * cs + p[3] * sn)
        J = np.column_stack([-0.5 * t * f, e * t * (p[3] * cs - p[2] * sn), e * cs, e * sn]) / s[:, None]
        dp, *_ = np.linalg.lstsq(J, (C - f) / s, rcond=None)
        p = p + dp
        if np.abs(dp).max() < 1e-12:
            break
    e = np.exp(-0.5 * p[0] * t)
    r = (C - e * (p[2] * np.cos(p[1] * t) + p[3] * np.sin(p[1] * t))) / s
    chi2 = r @ r / max(1, len(t) - 4)
    cov = np.linalg.pinv(J.T @ J) * max(1.0, chi2)
    return p[0], float(np.sqrt(max(cov[0, 0], 0.0))), chi2


def eq6_factor(N, M, xi):
    """Eq. (6) without its anchor and floor: N/(N+M-1) exp((M-1) log 2 - 2 r_M/xi), r_M = M-1."""
    M = np.asarray(M, float)
    return N / (N + M - 1) * np.exp((M - 1) * LOG2 - 2 * (M - 1) / xi)


def slopes(Y, Ms):
    """Least-squares slope of log Y[r, :] against Ms, per realization r (Y > 0)."""
    x = np.asarray(Ms, float) - np.mean(Ms)
    return (np.log(Y) - np.log(Y).mean(axis=1, keepdims=True)) @ x / (x @ x)


def turning_xi(series, label, N, nboot=4000, seed=1):
    """series: {xi: (Ms, Y[r, M])} of one estimator, realizations paired across xi and M.
    Per xi the mean over realizations of the slope of log(gamma/delta_E) in M (Eq. (6):
    log 2 - 2/xi - d log(N+M-1)/dM) and of the bandwidth-corrected slope of
    log((gamma/delta_E)(N+M-1)) (Eq. (6): log 2 - 2/xi, zero at xi_c = 2/log 2); the xi where
    each mean slope crosses zero, interpolated linearly in 1/xi (Eq. (6)'s slope is linear in
    1/xi, so its own zero is found exactly), with a bootstrap over realizations (the same
    resample at every xi: paired). Returns {name: (xi_turn, 16 %, 84 %, se)}."""
    xis = sorted(series)
    Ms = series[xis[0]][0]
    if len(xis) < 2 or len(Ms) < 2 or any(list(series[x][0]) != list(Ms) for x in xis):
        return {}
    R = min(series[x][1].shape[0] for x in xis)
    Y = np.array([series[x][1][:R] for x in xis])  # [xi, r, M]
    corr = (N + np.asarray(Ms, float) - 1)
    out = {}
    u = 1 / np.array(xis, float)[::-1]  # ascending 1/xi

    def turn(slope):  # zero of the slope(xi) curve, linear in 1/xi
        z = zero_crossing(u, np.asarray(slope)[::-1])
        return 1 / z if np.isfinite(z) and z > 0 else np.nan
    rng = np.random.default_rng(seed)
    idx = [rng.integers(0, R, R) for _ in range(nboot)]
    print(f"slope of log(gamma/delta_E) in M = {Ms[0]:g}..{Ms[-1]:g}, {label} ({R} paired realizations):")
    for name, Yc in (("raw", Y), ("bandwidth-corrected", Y * corr)):
        S = np.array([slopes(Yc[i], Ms) for i in range(len(xis))])  # [xi, r]
        m, se = S.mean(axis=1), S.std(axis=1, ddof=1) / np.sqrt(R)
        dlog = -slopes(corr[None, :], Ms)[0] if name == "raw" else 0.0  # LSQ slope of log(N+M-1)
        th = [LOG2 - 2 / x + dlog for x in xis]
        print(f"  {name}: " + "  ".join(f"xi={x:g}: {a:+.3f}+-{b:.3f} [Eq.6 {c:+.3f}]"
                                          for x, a, b, c in zip(xis, m, se, th)))
        est = turn(m)
        b = np.array([turn(S[:, k].mean(axis=1)) for k in idx])
        ok = b[np.isfinite(b)]
        q = np.percentile(ok, [16, 84]) if len(ok) else [np.nan] * 2
        sd = ok.std(ddof=1) if len(ok) > 1 else np.nan
        x_th = turn(th)
        print(f"    slope turns at xi = {est:.3f} +- {sd:.3f} (bootstrap 16-84 % [{q[0]:.3f}, {q[1]:.3f}], "
              f"crossing in {100 * len(ok) / nboot:.0f} % of resamples); Eq. (6) on this grid: {x_th:.3f}"
              f" (2/log 2 = {2 / LOG2:.3f})")
        out[name] = (est, q[0], q[1], sd)
    return out


def envelope_rates(p, t0=1.0):
    """Per realization Gamma/delta_E from the damped-cosine fit of C_tau_x_inf, and the
    resolution 2 se(Gamma)/delta_E; None where the file has no C_tau_x_inf or eps_last."""
    r = p["rows"]
    if "C_tau_x_inf" not in r or "eps_last" not in r or "dE_t" not in r:
        return None
    t = p["axes"]["t"]
    G = np.array([damped_fit(t, C, e, 2 * w, t0) for C, e, w in
                  zip(r["C_tau_x_inf"], r["C_tau_x_inf_err"], r["eps_last"])])
    return G[:, 0] / r["dE_t"], G[:, 1] / r["dE_t"], G[:, 2]


def fig4a_time(tpts, epts, out, tag):
    """The extended Fig. 4(a): gamma_t/delta_E (Heisenberg-resolved, filled), Gamma/delta_E
    fitted to C_tau_x (squares), the eigenstate path's gamma/delta_E (open circles), Eq. (6)
    anchored at the smallest M of the Heisenberg-resolved series (dashed), upper bounds
    (down triangles) where the decay is not resolved; prints the table and the slopes."""
    tpts = [p for p in tpts if p.get("model.geometry", "exp1d") == "exp1d"]
    if not tpts:
        return
    N = int(tpts[0]["model.N"])
    heis, env, eig = {}, {}, {}
    for p in tpts:
        xi, M = float(p["model.xi"]), int(float(p["model.M"]))
        if "gamma_t_over_dE" in p["rows"]:
            heis.setdefault(xi, {})[M] = p["rows"]["gamma_t_over_dE"]
        e = envelope_rates(p)
        if e is not None:
            env.setdefault(xi, {})[M] = e
            t_env = float(p["axes"]["t"][-1])
    for p in epts:
        if "gamma_over_dE" in p["rows"] and p.get("model.geometry") == "exp1d" and int(p["model.N"]) == N:
            eig.setdefault(float(p["model.xi"]), {})[int(float(p["model.M"]))] = p["rows"]["gamma_over_dE"]
    xis = sorted(set(heis) | set(env))
    fig, ax = plt.subplots(figsize=(6, 4.4))
    print(f"Fig. 4(a) from the time domain (exp1d, N = {N}); mean +- standard error over realizations (n):")
    for i, xi in enumerate(xis):
        c = f"C{i}"
        if xi in heis:
            M = np.array(sorted(heis[xi]))
            y = np.array([heis[xi][m].mean() for m in M])
            e = np.array([heis[xi][m].std(ddof=1) / np.sqrt(len(heis[xi][m])) for m in M])
            ax.errorbar(M, y, yerr=e, fmt="o-", c=c, capsize=2, label=fr"$\xi$ = {xi:g}")
            th = np.maximum(2, y[0] * eq6_factor(N, M, xi) / eq6_factor(N, M[0], xi))
            ax.plot(M, th, "--", c=c, lw=0.8)
            print(f"  xi = {xi:g} gamma_t/dE (Heisenberg-resolved): " + "  ".join(
                f"M={m}: {a:.2f}+-{b:.2f}({len(heis[xi][m])}) [Eq.6 {t:.2f}]" for m, a, b, t in zip(M, y, e, th)))
        if xi in eig:
            M = np.array(sorted(eig[xi]))
            y = np.array([eig[xi][m].mean() for m in M])
            e = np.array([eig[xi][m].std(ddof=1) / np.sqrt(len(eig[xi][m])) for m in M])
            ax.errorbar(M + 0.12, y, yerr=e, fmt="o", mfc="none", c=c, capsize=2)
            print(f"  xi = {xi:g} gamma/dE (eigenstates, same realizations): " + "  ".join(
                f"M={m}: {a:.2f}+-{b:.2f}" for m, a, b in zip(M, y, e)))
        if xi in env:
            M = np.array(sorted(env[xi]))
            g0 = env[xi][M[0]][0]  # Eq. (6) without its floor, anchored at the smallest M
            th = g0.mean() * eq6_factor(N, M, xi) / eq6_factor(N, M[0], xi)
            ax.plot(M - 0.12, th, "-.", c=c, lw=0.8)
            txt = []
            for m in M:
                g, res, chi = env[xi][m]
                # one realization: the fit's own error (res = 2 se_fit / delta_E) stands in
                mu, n = g.mean(), len(g)
                se = g.std(ddof=1) / np.sqrt(n) if n > 1 else 0.5 * res[0]
                if mu > 2 * se + np.mean(res):  # resolved: mean above its error and the fits' resolution
                    ax.errorbar([m - 0.12], [mu], yerr=[se], fmt="s", c=c, ms=4, capsize=2)
                    t6 = th[list(M).index(m)]
                    txt.append(f"M={m}: {mu:.3g}+-{se:.2g}({n}) [Eq.6 {t6:.3g}, {(mu - t6) / se:+.1f} se]")
                else:  # upper bound: mean + 2 se or the fits' resolution, whichever is larger
                    ub = max(mu + 2 * se, np.mean(res) + max(mu, 0))
                    ax.plot([m - 0.12], [ub], "v", c=c, ms=5)
                    txt.append(f"M={m}: < {ub:.3g}({n})")
            print(f"  xi = {xi:g} Gamma/dE (decay of C_tau_x to t = {t_env:g}): " + "  ".join(txt))
    ax.axhline(2, c="k", lw=0.6, ls=":")
    ax.set_yscale("log")
    ax.set_xlabel("M (spins coupled)")
    ax.set_ylabel(r"$\gamma/\delta_E$")
    ax.set_title(f"Fig. 4(a) from the time domain, exp1d, N = {N}: o gamma_t (Heisenberg-resolved), "
                 "open: eigenstates,\nsquares: C(t) decay rate, v: upper bound, dashed / dash-dot: Eq. (6) anchored at the first M", fontsize=6)
    ax.legend(fontsize=7)
    save(fig, out, f"{tag}_fig4a_time.png")
    for name, d in (("gamma_t (Heisenberg-resolved)", heis), ("eigenstates", eig)):
        common = sorted(set.intersection(*(set(v) for v in d.values()))) if d else []
        # the Ms every xi has, with the realizations all of them have (paired: the first R);
        # and, where the largest M has fewer realizations, the Ms with the full count
        counts = {m: min(len(d[x][m]) for x in d) for m in common}
        sets = [common] + ([[m for m in common if counts[m] == max(counts.values())]]
                           if len(set(counts.values())) > 1 else [])
        for Ms in sets:
            if len(Ms) >= 2:
                R = min(counts[m] for m in Ms)
                turning_xi({x: (Ms, np.array([d[x][m][:R] for m in Ms]).T) for x in d}, name, N)
    # the C(t) decay rate is the golden-rule rate even below delta_E (the decay then stops at
    # the Heisenberg time, t_max is far shorter): Eq. (6) without its floor, all xi usable
    if env:
        pos = {x: {m: np.clip(v[m][0], 1e-12, None) for m in v} for x, v in env.items()}
        common = sorted(set.intersection(*(set(v) for v in pos.values())))
        if len(common) >= 2 and len(pos) >= 2:
            R = min(len(pos[x][m]) for x in pos for m in common)
            turning_xi({x: (common, np.array([pos[x][m][:R] for m in common]).T) for x in pos},
                       "Gamma from the C(t) decay", N)
        for xi, v in sorted(pos.items()):  # per xi over its Ms with >= 2 realizations
            M = [m for m in sorted(v) if len(v[m]) >= 2]
            R = min(len(v[m]) for m in M)
            if len(M) >= 2 and R >= 2:
                S = slopes(np.array([v[m][:R] for m in M]).T, M)
                print(f"  C(t) decay, xi = {xi:g}, M = {M[0]}..{M[-1]} ({R} realizations): slope of "
                      f"log(Gamma/dE) {S.mean():+.3f}+-{S.std(ddof=1) / np.sqrt(R):.3f} [Eq.6 "
                      f"{LOG2 - 2 / xi - slopes(N + np.array(M, float)[None, :] - 1, M)[0]:+.3f}]")


def alpha_panel(ax, cv, ylabel, hline=None):
    """Curves {size: (alpha, y, err)} against alpha, alpha_c = 1/sqrt 2 marked (DRH)."""
    for M, (a, y, e) in cv.items():
        ax.errorbar(a, y, yerr=e, fmt="o-", capsize=2, label=f"N = {M:g} l-bits")
    ax.axvline(1 / np.sqrt(2), c="k", lw=0.6, ls=":")
    if hline is not None:
        ax.axhline(hline, c="k", lw=0.6, ls=":")
    ax.set_xlabel(r"$\alpha$")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)


def print_curves(cv, title):
    print(title)
    for M, (a, y, e) in cv.items():
        print(f"  N = {M:g}: " + "  ".join(f"a={x:g}: {v:.3f}+-{z:.3f}" for x, v, z in zip(a, y, e)))


def drh(pts, out, tag):
    cv = curves(pts, "model.alpha", "model.M", "S_last")
    fig, ax = plt.subplots(figsize=(5, 3.8))
    alpha_panel(ax, cv, r"$[S_{\rm end}]$", LOG2)
    save(fig, out, f"{tag}_fig2a.png")
    print_curves(cv, "[S_end] (DRH):")
    report_crossings(cv, "[S_end](alpha)", "alpha")
    paired_crossings(pts, "model.alpha", "model.M", "[S_end](alpha)")
    full = [M for M, (a, s, e) in cv.items() if all(np.any(np.isclose(a, t)) for t in (0.45, 0.55, 0.65))]
    if full:
        Mx = max(full)
        fig, ax = plt.subplots(figsize=(5, 3.8))
        for p in pts:
            if float(p["model.M"]) == Mx and any(np.isclose(float(p["model.alpha"]), t) for t in (0.45, 0.55, 0.65)):
                s = p["axes"]["S"]
                ax.plot(s / LOG2, p["mean"]["pS"] / (s[1] - s[0]), "+-",
                        label=fr"$\alpha$ = {float(p['model.alpha']):g}, [S] = {scalar(p, 'S_last')[0]:.2f}")
        ax.set_yscale("log")
        ax.set_xlabel(r"$S_{\rm end}/\log 2$")
        ax.set_ylabel(r"$p(S_{\rm end})$")
        ax.set_title(f"N = {Mx:g}", fontsize=8)
        ax.legend(fontsize=7)
        save(fig, out, f"{tag}_fig2b.png")


def drh_time(pts, out, tag, nboot=4000, seed=1):
    """Crowley-Chandran Sec. VI in the time domain (issue 19): the last spin's
    infinite-temperature memory C^zz (Czz_last: <tau_M^z(t) tau_M^z> averaged over [T/2, T],
    T >= two Heisenberg times) against alpha per size, beside [S_end] when the eigenstate path
    ran on the same rows. Transition estimator: the crossing of successive sizes' curves, from
    the mean per-realization difference (paired bubbles), as for [S_end]; C^zz rises with size
    below the transition (the added spin stays frozen) and falls above it. Where both paths ran,
    the joint bootstrap over realizations of alpha_c(C^zz) - alpha_c([S_end]) tests their
    agreement (the same resampled bubbles enter both crossings)."""
    cz = curves([p for p in pts if "Czz_last" in p["mean"]], "model.alpha", "model.M", "Czz_last")
    if not cz:
        return
    have_s = any("S_last" in p["mean"] for p in pts)
    fig, axs = plt.subplots(1, 2 if have_s else 1, figsize=(9 if have_s else 5, 3.8), squeeze=False)
    alpha_panel(axs[0][0], cz, r"$\overline{C^{zz}_{\rm end}}$ (time domain)")
    if have_s:
        alpha_panel(axs[0][1], curves([p for p in pts if "S_last" in p["mean"]], "model.alpha", "model.M",
                                      "S_last"), r"$[S_{\rm end}]$ (eigenstates, same realizations)", LOG2)
    save(fig, out, f"{tag}_czz.png")
    print_curves(cz, "C^zz of the last spin (DRH, time domain):")
    report_crossings(cz, "C^zz_end(alpha)", "alpha")
    paired_crossings(pts, "model.alpha", "model.M", "C^zz_end(alpha)", key="Czz_last")
    if not have_s:
        return
    pc, ps = (paired_differences(pts, "model.alpha", "model.M", k) for k in ("Czz_last", "S_last"))
    rng = np.random.default_rng(seed)
    print("alpha_c(C^zz) - alpha_c([S_end]) on the same realizations (joint bootstrap):")
    for ab in sorted(set(pc) & set(ps)):
        (x, Dc), (xs, Ds) = pc[ab], ps[ab]
        if len(x) != len(xs) or np.any(x != xs) or Dc.shape != Ds.shape:
            continue
        R = Dc.shape[1]
        d0 = zero_crossing(x, Dc.mean(axis=1)) - zero_crossing(x, Ds.mean(axis=1))
        b = []
        for _ in range(nboot):
            i = rng.integers(0, R, R)
            b.append(zero_crossing(x, Dc[:, i].mean(axis=1)) - zero_crossing(x, Ds[:, i].mean(axis=1)))
        b = np.array(b)
        ok = b[np.isfinite(b)]
        q = np.percentile(ok, [2.5, 16, 50, 84, 97.5]) if len(ok) else [np.nan] * 5
        print(f"  {ab[0]:g} / {ab[1]:g} ({R} realizations): {d0:+.3f}  bootstrap median {q[2]:+.3f} "
              f"68 % [{q[1]:+.3f}, {q[3]:+.3f}]  95 % [{q[0]:+.3f}, {q[4]:+.3f}]  "
              f"(both crossings found in {100 * len(ok) / nboot:.0f} %)")


def main(argv):
    out = None
    if "--out" in argv:
        i = argv.index("--out")
        out = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if not argv:
        print(__doc__)
        return 2
    pts = [p for path in argv for p in load(path)]
    out = out or os.path.dirname(os.path.abspath(argv[0]))
    tag = os.path.splitext(os.path.basename(argv[0]).replace(".journal", ""))[0]
    if pts[0].get("model.coupling") == "xy":
        if any("S_last" in p["mean"] for p in pts):
            drh(pts, out, tag)
        drh_time(pts, out, tag)
        return 0
    # time-domain-only points (method = none) draw the extended Fig. 4(a), eigen points beside
    tpts = [p for p in pts if p.get("model.method") == "none"]
    epts = [p for p in pts if p.get("model.method") != "none"]
    if tpts:
        fig4a_time(tpts, epts, out, tag)
    for geo in sorted({p["model.geometry"] for p in epts}):
        potirniche([p for p in epts if p["model.geometry"] == geo], out, f"{tag}_{geo}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
