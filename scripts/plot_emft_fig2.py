#!/usr/bin/python3
"""plot_emft_fig2.py ED [--out DIR] — Fig. 2(a),(b): [S_end] vs alpha from exact
diagonalization of the DRH model (the grain_spins model of issue 7) against entanglement
mean-field theory (emft_chain), with g_{1,0} fitted so that theory and ED agree at
alpha_c = 1/sqrt(2) for each N, as the paper does.

ED: the grain_spins result files (comma-separated .h5 list, e.g. outputs/grain_accept/drh_*.h5;
N = model.M, [S_end] = rows/S_last over the finished realizations, p(S_end) = rows/pS), or a
CSV with lines "N,alpha,S_end,S_end_err". The mean-field curves come from `build/qbath run`
of emft_chain (profile exponential); g_{1,0} is found by bisection in log g10 on [1e-3, 1e2]
([S_end] increases with g10). Prints the fitted g10 per N and, at every ED point, the
deviation of ED from the mean-field curve in ED standard errors. With .h5 input also
Fig. 2(b): p(S_end) at N = 10 (else the largest N) for each ED alpha, against the mean
field at the alpha where its [S_end] equals ED's (as the paper does)."""
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
qbath = os.path.join(root, "build", "qbath")
tmp = tempfile.mkdtemp()


def mf(N, alphas, g10, what="S_end", bins=40):
    """One emft_chain run sweeping alpha (a list) or g10 (a scalar or a list; not both
    lists): one row per point, in sweep order. The eta table is built once per run."""
    out = os.path.join(tmp, "mf.h5")
    ini = os.path.join(tmp, "mf.ini")
    g10s = np.atleast_1d(g10)
    open(ini, "w").write("[run]\nseed = 1\nrealizations = 1\n[model]\ntype = emft_chain\nN = %d\ng10 = %s\n"
                         "bins = %d\nalpha = %s\n[emft]\ntable_step = 0.1\n[output]\nfile = %s\noverwrite = true\n" % (
                             N, ",\n  ".join("%.17g" % g for g in g10s), bins,
                             ",\n  ".join("%.10g" % a for a in alphas), out))
    subprocess.run([qbath, "run", "--quiet", ini], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        return np.array([f["points"][p]["rows"][what][0] for p in sorted(f["points"])]).squeeze(-1 if what == "S_end" else ())


def load_ed(arg):
    """[(N, alpha, S_end, S_end_err, pS or None)] and the p(S) bin centres (or None)."""
    if not arg.endswith(".h5") and ".h5," not in arg:
        return [tuple(r) + (None,) for r in np.loadtxt(arg, delimiter=",", ndmin=2)], None
    pts, centres = {}, None
    for path in arg.split(","):
        with h5py.File(path, "r") as f:
            for name in f["points"]:
                g = f["points"][name]
                done = g["done"][:].astype(bool)
                if done.sum() < 2:
                    continue
                S = g["rows/S_last"][:, 0][done]
                key = (int(g.attrs["model.M"]), round(float(g.attrs["model.alpha"]), 6))
                pts[key] = (S.mean(), S.std(ddof=1) / np.sqrt(S.size), g["rows/pS"][:][done].mean(0))
                centres = g["axes/S"][:]
    return [(N, a, m, e, p) for (N, a), (m, e, p) in sorted(pts.items())], centres


def fit_g10(N, target):
    """g10 with mean-field [S_end](alpha_c) = target: [S_end] increases with g10, so
    interpolate in log g10 on a coarse grid over [1e-3, 1e2], then on a fine grid inside
    the bracketing cell (two runs; the fine spacing 0.01 in log g10 is far below the
    ED error)."""
    at_c = [1 / np.sqrt(2)]
    coarse = np.linspace(np.log(1e-3), np.log(1e2), 61)
    i = int(np.clip(np.searchsorted(mf(N, at_c, np.exp(coarse)), target), 1, coarse.size - 1))
    fine = np.linspace(coarse[i - 1], coarse[i], 21)
    return np.exp(np.interp(target, mf(N, at_c, np.exp(fine)), fine))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    out = argv[argv.index("--out") + 1] if "--out" in argv else "outputs"
    ed, centres = load_ed(argv[1])
    fig, ax = plt.subplots(figsize=(5.5, 4))
    grid = np.linspace(0.3, 0.95, 40)
    fitted = {}
    for N in sorted({int(r[0]) for r in ed}):
        d = sorted((r for r in ed if int(r[0]) == N), key=lambda r: r[1])
        al, S, err = (np.array([r[k] for r in d]) for k in (1, 2, 3))
        at_c = np.interp(1 / np.sqrt(2), al, S)
        g10 = fitted[N] = fit_g10(N, at_c)
        z = (S - mf(N, al, g10)) / err
        print("N = %d: ED [S_end](alpha_c) = %.4f, fitted g10 = %.4g; (ED - MF)/SE at alpha = %s" % (
            N, at_c, g10, " ".join("%.3g:%+.1f" % (a, x) for a, x in zip(al, z))))
        line = ax.errorbar(al, S, err, fmt="o", ms=3, label="ED N = %d" % N)
        ax.plot(grid, mf(N, grid, g10), "-", color=line[0].get_color())
    ax.axvline(1 / np.sqrt(2), color="gray", ls=":")
    ax.set_xlabel("alpha")
    ax.set_ylabel("[S_end]")
    ax.set_title("Fig. 2(a): DRH ED (points) vs mean field (lines)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig2a.png"), dpi=120)
    if centres is None:
        return 0
    # Fig. 2(b): the distribution over eigenstates, same bins, N = 10 as in the paper (else
    # the largest N); as in the paper the mean field is taken where its [S_end] equals ED's
    N = 10 if 10 in fitted else max(fitted)
    d = [r for r in ed if int(r[0]) == N]
    fine = np.linspace(0.3, 0.95, 131)
    S_fine = mf(N, fine, fitted[N])
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for i, r in enumerate(d):
        a_mf = np.interp(r[2], S_fine, fine)
        p_mf = mf(N, [a_mf], fitted[N], "pS_end", centres.size)
        p_mf = p_mf.reshape(-1) / p_mf.sum()
        ax.plot(centres, r[4], "+", color="C%d" % i, label="ED alpha = %.3g ([S] = %.2f)" % (r[1], r[2]))
        ax.plot(centres, p_mf, "-", color="C%d" % i)
        print("N = %d, ED alpha = %.3g ([S_end] = %.3f; mean field at alpha = %.3f): p(S_end) first / last "
              "bin ED %.3f / %.3f, mean field %.3f / %.3f; total variation %.3f" % (
                  N, r[1], r[2], a_mf, r[4][0], r[4][-1], p_mf[0], p_mf[-1], 0.5 * np.abs(r[4] - p_mf).sum()))
    ax.set_xlabel("S_end")
    ax.set_ylabel("probability per bin")
    ax.set_title("Fig. 2(b): p(S_end), N = %d, ED (+) vs mean field" % N)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig2b.png"), dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
