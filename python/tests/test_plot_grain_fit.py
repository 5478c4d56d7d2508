"""The estimators of scripts/plot_grain.py's time-domain Fig. 4(a) (issue 19, acceptance 2):
the damped-cosine fit of C_tau_x(t) and the xi where the slope of log(gamma/delta_E) in M
turns. Synthetic data with known answers, tolerances from the estimators' own statistics.

Made to fail on purpose (2026-12-08): with the fit's envelope e^{-Gamma t} instead of
e^{-Gamma t/2} the recovered Gamma is half the true one (mean z = -393: fails); with the
bandwidth correction (N + M - 1) left out, the corrected turn is the raw one, 3.446
instead of 2/log 2 = 2.885 (fails)."""
import importlib.util
import os

import numpy as np

from conftest import SOURCE

spec = importlib.util.spec_from_file_location("plot_grain", os.path.join(SOURCE, "scripts", "plot_grain.py"))
pg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pg)


def test_damped_fit_recovers_gamma_within_its_error():
    """C(t) = cos(w t + phi) e^{-Gamma t/2} + white noise of the stated error: the fitted Gamma's
    z = (fit - true)/se over 16 noise draws has mean within 4/sqrt(16) of 0 and every |z| < 5
    (se calibrated: Gaussian z)."""
    rng = np.random.default_rng(7)
    t = np.linspace(0, 30, 61)
    sigma, G, w = 2e-3, 0.05, 2.3
    z = []
    for _ in range(16):
        C = np.cos(w * t + 0.1) * np.exp(-0.5 * G * t) + sigma * rng.standard_normal(t.size)
        g, se, chi2 = pg.damped_fit(t, C, np.full(t.size, sigma), w + 0.05)
        z.append((g - G) / se)
        assert 0.3 < chi2 < 3  # white noise of the stated size: chi^2/dof ~ 1
    z = np.array(z)
    assert abs(z.mean()) < 4 / np.sqrt(z.size), z
    assert np.all(np.abs(z) < 5), z


def test_damped_fit_unresolved_decay_is_consistent_with_zero():
    """No decay (Gamma = 0) at the noise level: the fit's Gamma lies within 4 se of 0."""
    rng = np.random.default_rng(3)
    t = np.linspace(0, 30, 61)
    C = np.cos(1.7 * t) + 1e-3 * rng.standard_normal(t.size)
    g, se, _ = pg.damped_fit(t, C, np.full(t.size, 1e-3), 1.7)
    assert abs(g) < 4 * se + 1e-12, (g, se)


def test_turning_xi_on_eq6_data():
    """Per-realization gamma/delta_E from Eq. (6) (no floor) times a realization factor: the
    slopes are exactly Eq. (6)'s, linear in 1/xi, so the bandwidth-corrected slope turns at
    xi_c = 2/log 2 exactly and the raw one where log 2 - 2/xi - d log(N+M-1)/dM = 0."""
    N, Ms = 6, [2, 3, 4, 5, 6]
    xis = [2.0, 2.5, 3.0, 3.5, 5.0]
    rng = np.random.default_rng(1)
    amp = np.exp(0.3 * rng.standard_normal(8))  # realization-to-realization spread
    series = {x: (Ms, amp[:, None] * pg.eq6_factor(N, Ms, x)[None, :] * 5) for x in xis}
    out = pg.turning_xi(series, "synthetic", N, nboot=200)
    dlog = -pg.slopes(N + np.array(Ms, float)[None, :] - 1, Ms)[0]  # d log(N/(N+M-1)) / dM
    th_raw = 2 / (np.log(2) + dlog)  # log 2 - 2/xi + dlog = 0: linear in 1/xi, found exactly
    assert abs(out["bandwidth-corrected"][0] - 2 / np.log(2)) < 1e-9
    assert abs(out["raw"][0] - th_raw) < 1e-9
    assert th_raw > 2 / np.log(2)  # the bandwidth's log correction moves the raw turn up
