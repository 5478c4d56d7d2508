#!/usr/bin/python3
"""plot_emft_fig2.py ED.csv [--out DIR] — Fig. 2(a): [S_end] vs alpha from exact
diagonalization of the DRH model (the grain_spins model of issue 7) against entanglement
mean-field theory (emft_chain), with g_{1,0} fitted so that theory and ED agree at
alpha_c = 1/sqrt(2) for each N, as the paper does.

ED.csv: lines "N,alpha,S_end,S_end_err" (one per ED point; convert the grain_spins result
file to this with its own reader). The mean-field curves come from `build/qbath run` of
emft_chain (profile exponential) on an alpha grid; g_{1,0} is found by bisection in log
g10 on [1e-3, 1e2] ([S_end] increases with g10). Prints the fitted g10 per N."""
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


def mf(N, alphas, g10):
    out = os.path.join(tmp, "mf.h5")
    ini = os.path.join(tmp, "mf.ini")
    open(ini, "w").write("[run]\nseed = 1\nrealizations = 1\n[model]\ntype = emft_chain\nN = %d\ng10 = %.17g\n"
                         "alpha = %s\n[emft]\ntable_step = 0.1\n[output]\nfile = %s\noverwrite = true\n" % (
                             N, g10, ",\n  ".join("%.10g" % a for a in alphas), out))
    subprocess.run([qbath, "run", "--quiet", ini], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        return np.array([f["points"][p]["rows/S_end"][0, 0] for p in sorted(f["points"])])


def fit_g10(N, target):
    lo, hi = np.log(1e-3), np.log(1e2)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if mf(N, [1 / np.sqrt(2)], np.exp(mid))[0] < target:
            lo = mid
        else:
            hi = mid
    return np.exp(0.5 * (lo + hi))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    out = argv[argv.index("--out") + 1] if "--out" in argv else "outputs"
    ed = np.loadtxt(argv[1], delimiter=",", ndmin=2)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    grid = np.linspace(0.3, 0.95, 40)
    for N in sorted(set(ed[:, 0].astype(int))):
        d = ed[ed[:, 0] == N]
        d = d[np.argsort(d[:, 1])]
        at_c = np.interp(1 / np.sqrt(2), d[:, 1], d[:, 2])
        g10 = fit_g10(N, at_c)
        print("N = %d: ED [S_end](alpha_c) = %.4f, fitted g10 = %.5g" % (N, at_c, g10))
        line = ax.errorbar(d[:, 1], d[:, 2], d[:, 3], fmt="o", ms=3, label="ED N = %d" % N)
        ax.plot(grid, mf(N, grid, g10), "-", color=line[0].get_color())
    ax.axvline(1 / np.sqrt(2), color="gray", ls=":")
    ax.set_xlabel("alpha")
    ax.set_ylabel("[S_end]")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig2a.png"), dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
