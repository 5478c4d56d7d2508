#!/usr/bin/python3
"""plot_emft_pg.py [--d D] [--samples M] [--out DIR] — the distribution of the
first-order norm g_a (Eq. (5)) of a GOE grain (x) spin, sampled here independently of the
C code (numpy eigvalsh of dense GOE matrices), against the shapes of
include/qbath/emft.h: (A3) with the paper's c1 = 5.3, c2 = 11.2 rescaled, (A3) with the
GOE fit c1 = 1.3, c2 = 5.7 (qbath's default), and the Levy law of uncorrelated levels.
x = g_a / g_1, g_1 = rho(E_a + 2h) [|O_ab|] (local semicircle density). Prints the
Kolmogorov distance of each shape to the samples and the tail x P(x > X) / 2 (-> 1)."""
import os
import sys

import matplotlib
import numpy as np
from scipy.special import erf, erfc

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def shape(c1, c2, a=np.pi ** 3 / 4):
    z = np.sqrt(np.pi / a) + c1 / a + c2 * np.sqrt(np.pi) / (2 * a ** 1.5)

    def cdf(x):
        u = z / np.asarray(x, float)  # p(x) = f(x/Z)/Z^2
        e = np.exp(-a * u * u)
        k2 = 2 * c2 * np.sqrt(np.pi) / (4 * a ** 1.5)
        return (np.sqrt(np.pi / a) * erfc(np.sqrt(a) * u) + c1 / a * e + k2 * erfc(np.sqrt(a) * u)
                + c2 * u * e / a) / z

    def pdf(x):
        u = z / np.asarray(x, float)
        return 2 * u * u / z ** 2 * np.exp(-a * u * u) * (1 + c1 * u + c2 * u * u)
    return cdf, pdf


def sample(d, m, rng, shift_spacings=30.37):
    xs = []
    R = 2 * np.sqrt(d)
    shift = shift_spacings * np.pi * R / (2 * d)
    while sum(len(x) for x in xs) < m:
        A = rng.normal(size=(d, d))
        H = (A + A.T) / np.sqrt(2)  # GOE: off-diagonal variance 1, diagonal 2
        e = np.linalg.eigvalsh(H)
        lo, hi = d // 4, d - d // 4
        ea = e[lo:hi] + shift
        O = rng.normal(size=(hi - lo, d))
        g2 = np.sum(O ** 2 / (ea[:, None] - e[None, :]) ** 2, axis=1)
        rho = d * 2 * np.sqrt(np.maximum(R * R - ea ** 2, 0)) / (np.pi * R * R)
        xs.append(np.sqrt(g2) / (rho * np.sqrt(2 / np.pi)))
    return np.concatenate(xs)[:m]


def main(argv):
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        return 0
    d = int(argv[argv.index("--d") + 1]) if "--d" in argv else 200
    m = int(argv[argv.index("--samples") + 1]) if "--samples" in argv else 40000
    out = argv[argv.index("--out") + 1] if "--out" in argv else "outputs"
    x = np.sort(sample(d, m, np.random.default_rng(8)))
    emp = (np.arange(x.size) + 0.5) / x.size
    shapes = {"A3 paper c (rescaled)": shape(5.3, 11.2), "A3 GOE fit (default)": shape(1.3, 5.7),
              "Levy (Poisson levels)": shape(0, 0, np.pi)}
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    bins = np.logspace(-0.3, 3, 70)
    h, _ = np.histogram(x, bins)
    c = np.sqrt(bins[1:] * bins[:-1])
    ax[0].loglog(c, h / (x.size * np.diff(bins)), "k.", label="GOE sampling d = %d" % d)
    for name, (cdf, pdf) in shapes.items():
        ks = np.max(np.abs(cdf(x) - emp))
        print("%-24s Kolmogorov distance %.4f (1.36/sqrt(M) = %.4f)" % (name, ks, 1.36 / np.sqrt(x.size)))
        ax[0].loglog(c, pdf(c), label=name)
        ax[1].semilogx(x[::50], cdf(x[::50]) - emp[::50], label=name)
    for X in (10, 30, 100):
        print("tail: X P(x > X)/2 at X = %g: %.3f +- %.3f" % (X, X * np.mean(x > X) / 2,
                                                             X * np.sqrt(np.mean(x > X) / x.size) / 2))
    ax[0].set_xlabel("x = g_a / g_1")
    ax[0].set_ylabel("p(x)")
    ax[0].legend(fontsize=7)
    ax[1].set_xlabel("x")
    ax[1].set_ylabel("F_shape - F_sampled")
    ax[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "emft_pg.png"), dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
