#!/usr/bin/python3
"""plot_emft_chain.py FIG3A.h5 FIG3B.h5 [SYMMETRIC.h5] [--out DIR] — entanglement
mean-field theory of the DRH chain (Crowley & Chandran PRB 106, 184208): Fig. 3(a) the
failed-avalanche profile [S_n], Fig. 3(b) eta_tot vs |delta alpha| for several N with the
fitted exponent (expected -1), and the symmetric model's g* N log N and g0_c N log N vs N
(Eq. (22): -> 1/4 for g*; g0_c = g* e^{-1-o(1)}). Results of the emft_chain model
(inputs/emft_fig3a.ini, emft_fig3b.ini, emft_symmetric.ini). Prints the numbers it plots."""
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def points(path):
    with h5py.File(path, "r") as f:
        for name in sorted(f["points"]):
            g = f["points"][name]
            yield {k: g.attrs[k] for k in g.attrs}, {k: g["rows"][k][()] for k in g["rows"]}, \
                {k: g["theory"][k][()] for k in g.get("theory", {})}


def fig3a(path, out):
    (_, rows, _), = list(points(path))
    S = rows["S_n"][0]
    n = np.arange(1, S.size + 1)
    print("Fig. 3(a): n_* (S_n >= log2/2) = %d, eta_tot = %.4f" % (rows["n_star"][0, 0], rows["eta_tot"][0, 0]))
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.5))
    ax[0].plot(n, S / np.log(2), "o-", ms=3)
    ax[0].set_xlabel("n")
    ax[0].set_ylabel("[S_n] / log 2")
    ax[1].semilogy(n, S, "o-", ms=3)
    ax[1].set_xlabel("n")
    ax[1].set_ylabel("[S_n]")
    fig.suptitle("Fig. 3(a): N = 50, delta alpha = -0.07, g10 = 1/2")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig3a.png"), dpi=120)


def fig3b(path, out):
    data = {}
    for a, rows, _ in points(path):
        data.setdefault(int(a["model.N"]), []).append((float(a["model.delta_alpha"]), rows["eta_tot"][0, 0]))
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for N in sorted(data):
        d = np.array(sorted(data[N]))
        loc = d[d[:, 0] < 0]
        ax.loglog(-loc[:, 0], loc[:, 1], "o-", ms=3, label="N = %d" % N)
    N = max(data)
    d = np.array(sorted(data[N]))
    sel = (d[:, 0] < 0) & (d[:, 0] >= -0.05) & (d[:, 1] < 0.5 * N * np.log(2))
    slope = np.polyfit(np.log(-d[sel, 0]), np.log(d[sel, 1]), 1)[0]
    print("Fig. 3(b): N = %d, fitted eta_tot ~ |delta alpha|^%.4f over |da| in [%g, %g]" % (
        N, slope, -d[sel, 0].max(), -d[sel, 0].min()))
    x = np.logspace(-2.6, -0.5, 20)
    ax.loglog(x, 1.0 / x, "k--", label="|delta alpha|^-1")
    ax.set_xlabel("|delta alpha|")
    ax.set_ylabel("eta_tot")
    ax.legend(fontsize=7)
    ax.set_title("Fig. 3(b) (fit %.3f)" % slope)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_fig3b.png"), dpi=120)


def symmetric(path, out):
    Ns, gs, g0 = [], [], []
    for a, _, th in points(path):
        Ns.append(a["model.N"])
        gs.append(th["g_star"][0])
        g0.append(th["g0_c"][0])
    Ns, gs, g0 = map(np.array, (Ns, gs, g0))
    for N, x, y in zip(Ns, gs, g0):
        print("symmetric: N = %8d  g* N log N = %.4f  g0_c N log N = %.4f" % (N, x * N * np.log(N), y * N * np.log(N)))
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.semilogx(Ns, gs * Ns * np.log(Ns), "o-", label="g* N log N")
    ax.semilogx(Ns, g0 * Ns * np.log(Ns), "s-", label="g0_c N log N")
    ax.axhline(0.25, color="k", ls="--", label="1/4")
    ax.axhline(0.25 / np.e, color="gray", ls=":", label="1/(4e)")
    ax.set_xlabel("N")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_symmetric.png"), dpi=120)


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    out = "outputs"
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
    files = [a for a in argv[1:] if a.endswith(".h5")]
    fig3a(files[0], out)
    fig3b(files[1], out)
    if len(files) > 2:
        symmetric(files[2], out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
