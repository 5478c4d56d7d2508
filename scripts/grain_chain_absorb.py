#!/usr/bin/env python3
"""A chain grain absorbing a spin, from the time domain (issue 19, acceptance 4).

usage: /usr/bin/python3 scripts/grain_chain_absorb.py SIGMAX.h5 ABSORB.h5
  SIGMAX.h5  inputs/grain_accept/chain14_sigmax.ini: the bare chain's sigma^x spectral function
             rho(w) on the coupled site (S_sigma1_x_inf, M = 1 at V1 = 1e-3) and its bandwidth
             W_g = dE_t (dim - 1) - 2 eps_1 (the uncoupled spin adds exactly 2 eps_1);
  ABSORB.h5  inputs/grain_accept/chain14_absorb.ini: <tau_M^z(t) tau_M^z> at infinite
             temperature (C_tau_z_inf) and eps_last per realization, per xi.

Per realization it prints the measured relaxation rate of the last spin, gamma_fit (slope of
log C(t) over t >= T_FIT, where C stays above 5 typicality errors; its error from the fit), the
golden rule gamma_GR = 4 pi V_M^2 rho(2 eps_M) with the bare chain's rho (their ratio: C(t) is
not a pure exponential, so the fit's error is not the comparison's) (Eq. (6)'s
assumption: absorbed spins leave rho unchanged; tau^z relaxes at the FWHM of the tau^x peak,
docs/grain_spins.md), and gamma_GR/delta_E with delta_E = (W_g + 2 M <eps>)/(dim - 1). Per xi:
Potirniche Eq. (6), gamma/delta_E = max[2, (gamma_1/delta_b) N/(N+M-1) 2^(M-1) e^(-2 r_M/xi)],
anchored at gamma_1 = 4 pi V_1^2 <rho(2 eps)>_eps (eps ~ U[field_min, field_max]) and
delta_b = W_g/2^N (docs/grain_spins.md, "Eq. (6) for the chain"). Absorbed: gamma/delta_E above
Eq. (6)'s floor 2 and C(t) decaying at gamma_GR; not absorbed: Eq. (6) at its floor and C(t)
frozen (a spin whose rate is below delta_E cannot be shown frozen for ever by dynamics shorter
than the Heisenberg time 2 pi/delta_E; the run bounds gamma from above instead)."""
import sys

import h5py
import numpy as np

T_FIT = 2.0  # past the short-time (quadratic) decay, ~ 1/(the chain's local bandwidth)


def point_groups(path):
    with h5py.File(path, "r") as f:
        for name in sorted(f["points"]):
            g = f["points"][name]
            yield ({k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()},
                   {k: g["rows"][k][()] for k in g["rows"]}, {k: g["axes"][k][()] for k in g["axes"]})


def fit_rate(t, c, e):
    """Slope of log C over t >= T_FIT where C > 5 e (weights C/e), and its standard error."""
    m = (t >= T_FIT) & (c > 5 * e)
    if m.sum() < 3:
        return np.nan, np.nan
    y, w = np.log(c[m]), c[m] / e[m]
    A = np.vstack([np.ones(m.sum()), t[m]]).T * w[:, None]
    coef, *_ = np.linalg.lstsq(A, y * w, rcond=None)
    r = y - (coef[0] + coef[1] * t[m])
    cov = np.linalg.inv(A.T @ A) * (np.sum((r * w) ** 2) / max(m.sum() - 2, 1))
    return -coef[1], np.sqrt(cov[1, 1])


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    (a, r, ax), = list(point_groups(argv[0]))
    w, S = ax["w"], r["S_sigma1_x_inf"][0]
    dim1 = 2 ** (int(a["model.N"]) + 1)
    Wg = r["dE_t"][0, 0] * (dim1 - 1) - 2 * r["eps_last"][0, 0]
    dw = w[1] - w[0]
    sm = max(1, int(round(0.1 / dw)))  # rho's scatter over the kernel's width 0.1 (t_max 40)

    def rho(x):
        i = np.clip(np.searchsorted(w, x), sm, len(w) - sm - 1)
        return np.interp(x, w, S), np.std(S[i - sm:i + sm + 1])

    print(f"bare chain (N = {a['model.N']}, '{a['model.grain_terms']}'): W_g = {Wg:.2f}, "
          f"rho(2 eps) = " + "  ".join(f"{x:g}: {rho(x)[0]:.4f}" for x in (1, 1.5, 2, 2.5, 3)))
    for a, r, ax in point_groups(argv[1]):
        N, M, xi, V1 = int(a["model.N"]), int(a["model.M"]), float(a["model.xi"]), float(a["model.V1"])
        fmin, fmax = float(a.get("model.field_min", 0.5)), float(a.get("model.field_max", 1.5))
        t, C, E = ax["t"], r["C_tau_z_inf"], r["C_tau_z_inf_err"]
        VM2 = (V1 * np.exp(-(M - 1) / xi)) ** 2
        dim = 2 ** (N + M)
        dE = (Wg + 2 * M * 0.5 * (fmin + fmax)) / (dim - 1)
        eg = np.linspace(fmin, fmax, 201)
        g1 = 4 * np.pi * V1 ** 2 * np.mean([rho(2 * x)[0] for x in eg])
        db = Wg / 2 ** N
        eq6 = max(2.0, g1 / db * N / (N + M - 1) * np.exp((M - 1) * np.log(2) - 2 * (M - 1) / xi))
        print(f"xi = {xi:g} (N = {N}, M = {M}, dim 2^{N + M}, V_M^2 = {VM2:.3g}, delta_E = {dE:.3g}, "
              f"Heisenberg time {2 * np.pi / dE:.3g}; T = {t[-1]:g}):")
        print(f"  Eq. (6): gamma_1/delta_b = {g1 / db:.1f} -> gamma/delta_E = {eq6:.3g}"
              f"{'  (floor: not absorbed)' if eq6 <= 2 else '  (absorbed)'}")
        for k in range(C.shape[0]):
            em = r["eps_last"][k, 0]
            rh, rs = rho(2 * em)
            gr, grs = 4 * np.pi * VM2 * rh, 4 * np.pi * VM2 * rs
            gf, gfs = fit_rate(t, C[k], E[k])
            print(f"  r{k}: eps_M = {em:.3f}  C(T) = {C[k, -1]:.4f}+-{E[k, -1]:.4f}  "
                  f"gamma_fit = {gf:.4g}+-{gfs:.2g}  gamma_GR = {gr:.4g}+-{grs:.2g}  "
                  f"fit/GR = {gf / gr:.2f}  gamma_fit/delta_E = {gf / dE:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
