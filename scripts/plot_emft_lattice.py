#!/usr/bin/python3
"""plot_emft_lattice.py map FIG4.h5 | fig5 QP.h5[,QP2.h5...] RANDOM.h5[,...] [--wc W_LOW,W_HIGH] [--out DIR]
                      | wth QP.h5[,...] [--out DIR]

Several files per ensemble are merged by (R, W); a later file replaces an earlier one's
point with the same (R, W).

Results of the emft_lattice model (Crowley & Chandran PRB 106, 184208, Sec. VII):
  map   Fig. 4: the [S_n] map of each point (rows/S_map), sites drawn with the lattice
        vectors at +-45 degrees.
  fig5  Fig. 5(a),(b): <eta_tot> (and <eta_tot>/(N log 2) = f_aval asymptotically,
        Eq. (19)) vs W for each R, quasiperiodic and random; the avalanching fraction
        f_aval; Fig. 5(c),(d): eta_tot(theta0) at two W (default: the smallest W with
        f_aval = 0 at the largest R, and the W below it). Prints the threshold W_th (the
        smallest W above which no QP realization avalanches at any R), f_aval of the
        random potential at every W, and how many realizations change their avalanche
        flag between the roundoff bounds (aval_lo vs aval_hi).
  wth   the QP threshold as a function of the grain coupling g0 (inputs/emft_wth_g0.ini):
        for each g0, f_aval(W) at each R with its binomial standard error, and the bracket
        [largest W with an avalanche, smallest W above which none avalanches at any R].
W axes: W/t below (any file's hopping t is read from its attributes) and, above, W at the
one hopping convention of the EMFT inputs and docs, t = 1/2 (the paper's W scale: W_th
~ 55 there is W/t ~ 110; docs/emft.md). Printed W values and --wc are at t = 1/2.
Site order (emft_lattice.c): shells r = |n1| + |n2| = 0..R, n1 ascending, then n2."""
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def sites(R):
    out = []
    for r in range(R + 1):
        for a in range(-r, r + 1):
            b = r - abs(a)
            out.append((a, -b))
            if b:
                out.append((a, b))
    return np.array(out)


def load(path):
    pts = []
    with h5py.File(path, "r") as f:
        for name in sorted(f["points"]):
            g = f["points"][name]
            pts.append(({k: g.attrs[k] for k in g.attrs}, {k: g["rows"][k][()] for k in g["rows"]}))
    return pts


def w_axis(ax):
    """Bottom axis W/t (data are plotted at x = W/t), top axis W at t = 1/2."""
    ax.set_xlabel("W/t")
    top = ax.secondary_xaxis("top", functions=(lambda x: x / 2, lambda w: 2 * w))
    top.set_xlabel("W at t = 1/2 (the paper's scale)", fontsize=8)


def half(a):
    """W of a point at the convention t = 1/2: W/(2t) (H(t, W) = 2t H(1/2, W/(2t)))."""
    return float(a["model.W"]) / (2 * float(a["model.t"]))  # every key is stored, defaults too


def do_map(path, out):
    pts = load(path)
    fig, axs = plt.subplots(1, len(pts), figsize=(4.2 * len(pts), 4))
    axs = np.atleast_1d(axs)
    for ax, (a, rows) in zip(axs, pts):
        R = int(a["model.R"])
        xy = sites(R)
        S = rows["S_map"][0]
        x, y = (xy[:, 0] - xy[:, 1]) / np.sqrt(2), (xy[:, 0] + xy[:, 1]) / np.sqrt(2)
        sc = ax.scatter(x, y, c=S / np.log(2), s=3000.0 / (2 * R + 1) ** 2 * 4, marker="D", cmap="viridis",
                        vmin=0, vmax=1)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title("W/t = %g: eta_tot = %.2f, aval = %d" % (2 * half(a), rows["eta_tot"][0, 0],
                                                               rows["avalanched"][0, 0]), fontsize=9)
        print("map W = %g (t = 1/2) R = %d theta0 = %g: eta_tot = %.4f avalanched = %d n_therm = %d R20 = %s" % (
            half(a), R, rows["theta0"][0, 0], rows["eta_tot"][0, 0], rows["avalanched"][0, 0],
            rows["n_therm"][0, 0], rows["R20"][0, 0]))
    fig.colorbar(sc, ax=list(axs), label="[S_n] / log 2")
    fig.savefig(os.path.join(out, "emft_fig4.png"), dpi=120)


def table(pts):
    """{R: sorted [(W, rows)]}, W at t = 1/2 (half())."""
    d = {}
    for a, rows in pts:
        d.setdefault(int(a["model.R"]), []).append((half(a), rows))
    return {R: sorted(v, key=lambda t: t[0]) for R, v in d.items()}


def merged(paths, by_g0=False):
    """Points of several files; a later file's point replaces an earlier one with the same
    (R, W at t = 1/2[, g0])."""
    d = {}
    for path in paths.split(","):
        for a, rows in load(path):
            key = (int(a["model.R"]), half(a))
            d[key + ((float(a.get("model.g0", 1.0)),) if by_g0 else ())] = (a, rows)
    return list(d.values())


def do_fig5(qp, rnd, out, wc):
    tq, tr = table(merged(qp)), table(merged(rnd))
    fig, ax = plt.subplots(2, 2, figsize=(10, 8))
    for col, (tab, lab) in enumerate(((tq, "quasiperiodic"), (tr, "random"))):
        for R in sorted(tab):
            N = 2 * R * R + 2 * R + 1
            W = np.array([w for w, _ in tab[R]])
            eta = np.array([r["eta_tot"].mean() for _, r in tab[R]])
            err = np.array([r["eta_tot"].std(ddof=1) / np.sqrt(r["eta_tot"].size) for _, r in tab[R]])
            fav = np.array([r["avalanched"].mean() for _, r in tab[R]])
            ax[0, col].errorbar(2 * W, eta, err, marker="o", ms=3, label="R = %d (%d)" % (R, N))
            ax[1, col].plot(2 * W, fav, "o-", ms=3, label="R = %d" % R)
            r20 = [np.nanmean(r["R20"]) if np.any(r["avalanched"] == 0) else np.nan for _, r in tab[R]]
            print("%s R = %2d: <R20> (Eq. (20), non-avalanching) = %s" % (
                lab, R, " ".join("%g:%.2f" % (w, x) for w, x in zip(W, r20))))
            amb = sum(int(np.sum(r["aval_lo"] != r["aval_hi"])) for _, r in tab[R])
            tot = sum(r["aval_lo"].size for _, r in tab[R])
            print("%s R = %2d: f_aval(W) = %s; roundoff-ambiguous avalanche flags: %d of %d" % (
                lab, R, " ".join("%g:%.3f" % (w, f) for w, f in zip(W, fav)), amb, tot))
        ax[0, col].set_yscale("log")
        w_axis(ax[0, col])
        ax[0, col].set_ylabel("<eta_tot>")
        ax[0, col].set_title("Fig. 5(%s) %s, g0 = 1" % ("ab"[col], lab))
        ax[0, col].legend(fontsize=7)
        w_axis(ax[1, col])
        ax[1, col].set_ylabel("f_aval")
    Rmax = max(tq)
    Ws = [w for w, _ in tq[Rmax]]
    none = [w for w, r in tq[Rmax] if all(r2["avalanched"].max() == 0 for R in tq for w2, r2 in tq[R] if w2 == w)]
    wth = None
    for i, w in enumerate(Ws):
        if all(x in none for x in Ws[i:]):
            wth = w
            break
    prev = Ws[Ws.index(wth) - 1] if wth is not None and Ws.index(wth) > 0 else None
    print("QP threshold (W at t = 1/2): no avalanche at any R for all W >= %s (the next lower W studied: %s)" % (
        wth, prev))
    rmin = [min(r["avalanched"].mean() for w, r in tr[R]) for R in tr]
    print("random: smallest f_aval over W at each R: %s" % dict(zip(sorted(tr), rmin)))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig5ab.png"), dpi=120)
    if wc is None:
        wc = (prev, wth)
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for col, w in enumerate(wc):
        for R in sorted(tq):
            for w2, r in tq[R]:
                if w2 == w:
                    o = np.argsort(r["theta0"][:, 0])
                    ax[col].semilogy(r["theta0"][o, 0], r["eta_tot"][o, 0], ".-", ms=3, label="R = %d" % R)
        ax[col].set_xlabel("theta0")
        ax[col].set_ylabel("eta_tot")
        ax[col].set_title("Fig. 5(%s): QP W/t = %g (W = %g at t = 1/2)" % ("dc"[col], 2 * w, w))
        ax[col].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig5cd.png"), dpi=120)


def threshold(points):
    """points: [(W, R, rows)]. The bracket (W_aval, W_th): W_aval the largest W at which
    some realization avalanches at some R; W_th the smallest W studied above it (None when
    the largest W still avalanches)."""
    Ws = sorted({w for w, _, _ in points})
    aval = [w for w in Ws if any(r["avalanched"].max() > 0 for w2, _, r in points if w2 == w)]
    if not aval:
        return None, Ws[0]
    above = [w for w in Ws if w > max(aval)]
    return max(aval), (above[0] if above else None)


def do_wth(qp, out):
    """W_th(g0): the threshold moves with the grain coupling (the paper: 'a finite (g0
    dependent) threshold'); docs/emft.md uses it to place the paper's W_th ~ 45."""
    by_g0 = {}
    for a, rows in merged(qp, by_g0=True):
        by_g0.setdefault(float(a.get("model.g0", 1.0)), []).append((half(a), int(a["model.R"]), rows))
    fig, ax = plt.subplots(figsize=(6, 4))
    for ig, g0 in enumerate(sorted(by_g0)):
        pts = sorted(by_g0[g0], key=lambda p: (p[1], p[0]))
        for iR, R in enumerate(sorted({p[1] for p in pts})):
            W = np.array([w for w, R2, _ in pts if R2 == R])
            f = np.array([r["avalanched"].mean() for _, R2, r in pts if R2 == R])
            n = np.array([r["avalanched"].size for _, R2, r in pts if R2 == R])
            print("g0 = %g R = %2d: f_aval(W) = %s" % (g0, R, " ".join(
                "%g:%.3f(%.3f)" % (w, x, np.sqrt(x * (1 - x) / k)) for w, x, k in zip(W, f, n))))
            ax.plot(2 * W, f, ("o-", "s--", "^:", "d-.")[iR % 4], color="C%d" % ig, ms=3,
                    label="g0 = %g, R = %d" % (g0, R))
        lo, hi = threshold(pts)
        print("g0 = %g: largest W (t = 1/2) with an avalanche %s; none at any R from W = %s on" % (g0, lo, hi))
    w_axis(ax)
    ax.set_ylabel("f_aval")
    ax.set_yscale("symlog", linthresh=0.01)
    ax.legend(fontsize=6, ncol=2)
    ax.set_title("QP threshold vs grain coupling g0")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_wth_g0.png"), dpi=120)


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    out = argv[argv.index("--out") + 1] if "--out" in argv else "outputs"
    wc = tuple(float(x) for x in argv[argv.index("--wc") + 1].split(",")) if "--wc" in argv else None
    if argv[1] == "map":
        do_map(argv[2], out)
    elif argv[1] == "fig5":
        do_fig5(argv[2], argv[3], out, wc)
    elif argv[1] == "wth":
        do_wth(argv[2], out)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
