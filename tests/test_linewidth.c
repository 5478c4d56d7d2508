/* test_linewidth.c — the nearly-localized-metal linewidth theory (qbath/linewidth.h):
 * Eq. (20) branch by branch, the double sum of Eq. (19) written out, the root and its
 * bracketing (trivial-only, non-trivial, beyond range), sum vs integral in the validity
 * window, the saddle point (C5) against Eq. (E3) (Fig. 8), the critical coupling, the
 * critical Xi_c, the Gamma ~ (Xi - Xi_c)^{1/2} asymptote at finite N, and the effective
 * near-critical exponent 1/3 in the equations' validity window (Fig. 7). */
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "qbath/linewidth.h"

/* The paper's Fig. 8 parameters: gamma = 0.1, s = 0.5, N = 10, d = 1, K = 3. */
static qb_linewidth_params fig8(double eps, qb_linewidth_method m) {
  qb_linewidth_params p = qb_linewidth_defaults();
  p.Xi = qb_linewidth_xi(eps, p.K);
  p.method = m;
  return p;
}

static void test_nfast_branches(void) {
  qb_linewidth_params p = fig8(0.5, QB_LW_SUM);
  double sN = p.s * p.N;
  /* t = K^m < 1/gamma: 1 */
  QB_ASSERT_CLOSE(qb_linewidth_nfast(&p, 2, 1e-6), 1, 0);
  /* 1/gamma << t << 1/Gamma: s N ln(gamma K^m) */
  QB_ASSERT_CLOSE(qb_linewidth_nfast(&p, 7, 1e-6), sN * log(0.1 * pow(3, 7)), 1e-12);
  /* t >= 1/Gamma: s N ln(gamma/Gamma) */
  QB_ASSERT_CLOSE(qb_linewidth_nfast(&p, 15, 1e-6), sN * log(0.1 / 1e-6), 1e-12);
  /* the switch to the log form sits at N_0 = (1 + s N ln(1/gamma))/(s N ln K) (App. E) */
  double n0 = (1 + sN * log(1 / p.gamma)) / (sN * log(p.K));
  QB_ASSERT_CLOSE(qb_linewidth_nfast(&p, n0 + 1e-9, 0), 1, 1e-8);
  QB_ASSERT_CLOSE(qb_linewidth_nfast(&p, n0 + 0.5, 0), sN * log(p.gamma * pow(p.K, n0 + 0.5)), 1e-12);
  QB_ASSERT_CLOSE(qb_linewidth_eps(qb_linewidth_xi(0.37, 5), 5), 0.37, 1e-14);
}

/* Eq. (19) as printed, summed over n and p separately. */
static double eq19(const qb_linewidth_params *p, double G) {
  double S = 0;
  for (int n = 1; n <= (int)p->N; n++)
    for (int q = 1; q <= (int)p->N; q++) {
      double nf = qb_linewidth_nfast(p, n + q, G), Km = pow(p->K, n + q);
      double x = G * nf * Km;
      S += exp(-2.0 * (n + q) * (1 / p->Xi - log(p->K))) * nf / (1 + x * x);
    }
  return p->gamma * p->gamma * S;
}

static void test_sum_is_eq19(void) {
  qb_linewidth_params p = fig8(0.42, QB_LW_SUM);
  for (double G = 1e-9; G < 0.1; G *= 7.3) {
    double a = qb_linewidth_rhs(&p, G), b = eq19(&p, G);
    QB_ASSERT_CLOSE(a / b, 1, 1e-12);
  }
  /* (E3): weights m - 1, nf = s N ln(gamma K^m) at every m */
  p.method = QB_LW_SUM_E3;
  double S = 0, G = 3e-3, eps = 0.42;
  for (int m = 2; m <= 20; m++) {
    double nf = p.s * p.N * log(p.gamma * pow(p.K, m)), Km = pow(p.K, m);
    S += (m - 1) * pow(p.K, 2 * m * eps) * nf / (1 + G * G * Km * Km * nf * nf);
  }
  QB_ASSERT_CLOSE(qb_linewidth_rhs(&p, G) / (p.gamma * p.gamma * S), 1, 1e-12);
}

static void test_root_and_bracket(void) {
  qb_err e;
  qb_linewidth_result r;
  qb_linewidth_params p = fig8(0.3, QB_LW_SUM);
  QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 1);
  /* the root: gamma^2 S = 1 within the bracket tolerance (slope times lnG_tol) */
  double slope = (qb_linewidth_rhs(&p, r.Gamma * 1.001) - qb_linewidth_rhs(&p, r.Gamma / 1.001)) / (2 * 0.001);
  QB_ASSERT_CLOSE(qb_linewidth_rhs(&p, r.Gamma), 1, 2 * fabs(slope) * p.lnG_tol);
  /* deep in the localized regime (1/Xi >> ln K, gamma << 1): only Gamma = 0 */
  p = fig8(-3, QB_LW_SUM);
  p.gamma = 1e-3;
  QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 0);
  CU_ASSERT(r.rhs_low < 1);
  CU_ASSERT_EQUAL(r.Gamma, 0);
  /* strong coupling far on the metallic side: Gamma would exceed gamma */
  p = fig8(0.95, QB_LW_SUM);
  QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, -1);
  p.gamma = 2;
  CU_ASSERT_EQUAL(qb_linewidth_solve(&p, &r, &e), QB_ERR_INPUT);
}

/* Direct sum vs integral where the saddle point is controlled (C7: eps > 1/(2 ln K)).
 * For an exponential envelope e^{a m}, a = 2 eps ln K, the midpoint cells give
 * sum/integral = [(a/2)/sinh(a/2)]^2 exactly; the root moves by that log-ratio over the
 * log-slope kappa = -d ln S / d ln Gamma. */
static void test_sum_vs_integral(void) {
  qb_err e;
  for (double eps = 0.47; eps < 0.62; eps += 0.05) {
    qb_linewidth_params ps = fig8(eps, QB_LW_SUM), pi = fig8(eps, QB_LW_INTEGRAL);
    CU_ASSERT(qb_linewidth_saddle_valid(&ps));
    qb_linewidth_result rs, ri;
    QB_ASSERT_OK(qb_linewidth_solve(&ps, &rs, &e), &e);
    QB_ASSERT_OK(qb_linewidth_solve(&pi, &ri, &e), &e);
    CU_ASSERT_EQUAL_FATAL(rs.found, 1);
    CU_ASSERT_EQUAL_FATAL(ri.found, 1);
    double a = 2 * eps * log(ps.K), bound = 2 * log(sinh(a / 2) / (a / 2));
    double kappa = -(log(qb_linewidth_rhs(&ps, rs.Gamma * 1.01)) - log(qb_linewidth_rhs(&ps, rs.Gamma / 1.01))) /
                   (2 * log(1.01));
    printf("\n  eps %.2f: Gamma sum %.5g, integral %.5g; |d ln Gamma| %.3g <= %.3g", eps,
           rs.Gamma, ri.Gamma, fabs(rs.lnGamma - ri.lnGamma), bound / kappa);
    CU_ASSERT(fabs(rs.lnGamma - ri.lnGamma) <= bound / kappa);
  }
}

/* Fig. 8: (C5) against (E3). (C5) keeps ln(1/Gamma) only with logarithmic accuracy: in the
 * window (C7) y = -1/ln(n_c Gamma) agrees to the dropped relative ln(L)/L, L = ln(1/(n_c
 * Gamma)); below the window (C5) underestimates Gamma, increasingly as eps decreases,
 * beyond that bound. */
static void test_saddle_vs_e3(void) {
  qb_err e;
  double nc = 5, prev_ratio = 0;
  for (double eps = 0.75; eps > 0.05; eps -= 0.05) {
    qb_linewidth_params p = fig8(eps, QB_LW_SUM_E3);
    qb_linewidth_result r;
    QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
    CU_ASSERT_EQUAL_FATAL(r.found, 1);
    double G5 = qb_linewidth_saddle(&p), y = -1 / log(nc * r.Gamma), y5 = -1 / log(nc * G5);
    double L = -log(nc * r.Gamma), tol = log(L) / L, rel = fabs(y5 - y) / y;
    printf("\n  eps %.2f valid %d: y(E3) %.4f y(C5) %.4f rel %.3f (log accuracy %.3f)", eps,
           qb_linewidth_saddle_valid(&p), y, y5, rel, tol);
    CU_ASSERT(G5 < r.Gamma);
    if (qb_linewidth_saddle_valid(&p)) CU_ASSERT(rel < tol);
    if (!qb_linewidth_saddle_valid(&p)) CU_ASSERT(y5 / y < prev_ratio); /* worse and worse */
    if (eps < 0.12) CU_ASSERT(rel > tol);
    prev_ratio = y5 / y;
  }
}

static void test_critical_gamma(void) {
  qb_err e;
  qb_linewidth_params p = fig8(0, QB_LW_INTEGRAL);
  p.Xi = 0.8 / log(p.K); /* Xi ln K - 1 = -0.2: a single dot would be localized */
  double gc;
  QB_ASSERT_OK(qb_linewidth_critical_gamma(&p, 1e-6, 0.5, &gc, &e), &e);
  qb_linewidth_result r;
  p.gamma = gc * 1.01;
  QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 1);
  p.gamma = gc / 1.01;
  QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 0);
  printf("\n  gamma_c(Xi ln K - 1 = -0.2) = %.5g", gc);
  CU_ASSERT_EQUAL(qb_linewidth_critical_gamma(&p, 0.4, 0.5, &gc, &e), QB_ERR_NUMERIC);
}

/* The paper's Fig. 7 parameters: N = 10, K = 10, gamma = 1e-3, the integral, n, p <= N. */
static qb_linewidth_params fig7(void) {
  qb_linewidth_params p = qb_linewidth_defaults();
  p.N = 10, p.K = 10, p.gamma = 1e-3, p.method = QB_LW_INTEGRAL;
  return p;
}

/* Xi_c found by walking out from either side agrees with the hand-bracketed bisection, and
 * gamma^2 S(0+) crosses 1 there; parameters without a metal at any Xi are reported. */
static void test_critical_xi_auto(void) {
  qb_err e;
  qb_linewidth_params p = fig7();
  double ref, a, b;
  QB_ASSERT_OK(qb_linewidth_critical_xi(&p, 0.2, 1, &ref, &e), &e);
  p.Xi = 0.05;
  QB_ASSERT_OK(qb_linewidth_critical_xi_auto(&p, &a, &e), &e);
  p.Xi = 7;
  QB_ASSERT_OK(qb_linewidth_critical_xi_auto(&p, &b, &e), &e);
  QB_ASSERT_CLOSE(a, ref, 1e-12);
  QB_ASSERT_CLOSE(b, ref, 1e-12);
  p.Xi = ref * (1 - 1e-9);
  CU_ASSERT(qb_linewidth_rhs(&p, 0) < 1);
  p.Xi = ref * (1 + 1e-9);
  CU_ASSERT(qb_linewidth_rhs(&p, 0) > 1);
  /* one level pair (m = 2): gamma^2 K^{4 eps} n_f < gamma^2 K^4 = 8.1e-5 for every Xi */
  p = qb_linewidth_defaults();
  p.N = 1, p.gamma = 1e-3;
  CU_ASSERT_EQUAL(qb_linewidth_critical_xi_auto(&p, &a, &e), QB_ERR_NUMERIC);
}

/* Near Xi_c at finite N there is no power law in -1/ln Gamma: once Gamma < K^{-(2N+1)} no
 * term of S is saturated, gamma^2 S(Gamma) = gamma^2 S(0) - c Gamma^2 + O(Gamma^4) and
 * gamma^2 S(0) - 1 is linear in Xi - Xi_c, so d ln Gamma / d ln(Xi - Xi_c) = 1/2. The
 * corrections, O(Xi - Xi_c), O(Gamma^2 K^{4N} n_f^2) and Xi_c's bisection error over
 * Xi - Xi_c, are all below 1e-4 at Xi - Xi_c = 1e-9 ... 1e-7. */
static void test_critical_asymptote(void) {
  qb_err e;
  qb_linewidth_params p = fig7();
  double xc, lnG[2];
  QB_ASSERT_OK(qb_linewidth_critical_xi_auto(&p, &xc, &e), &e);
  for (int k = 0; k < 2; k++) {
    qb_linewidth_result r;
    p.Xi = xc + (k ? 1e-7 : 1e-9);
    QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
    CU_ASSERT_EQUAL_FATAL(r.found, 1);
    CU_ASSERT(r.lnGamma < -(2 * p.N + 1) * log(p.K)); /* the premise: nothing saturated */
    lnG[k] = r.lnGamma;
  }
  double slope = (lnG[1] - lnG[0]) / log(100.0);
  printf("\n  Xi_c = %.12f; d ln Gamma / d ln(Xi - Xi_c) at 1e-9..1e-7: %.5f (ln Gamma %.2f)",
         xc, slope, lnG[0]);
  QB_ASSERT_CLOSE(slope, 0.5, 1e-3);
}

/* Fig. 7: -1/ln Gamma = A (Xi - Xi_c)^beta with Xi_c fixed at its computed value, fitted
 * where the mean-field equations apply (qb_linewidth_mf_valid: Eq. (27) Gamma >= f N K^{-N} and
 * Eq. (26) (Gamma/gamma) ln^2(gamma/Gamma) <= u). The paper's "<<" is a choice, so the
 * exponent is fitted on nine windows, f = 0.1, 1, 10 and u = 0.03, 0.1, 0.3 (the
 * least-squares s.e. of deterministic data measures no error). An effective exponent is
 * defined only as well as the local exponent d ln y / d ln(Xi - Xi_c) stays put across the
 * window, so the fit error is the larger of the windows' standard deviation and half the
 * range of local exponents in the central window (f = 1, u = 0.1). 1/3 must lie within
 * that error of the windows' mean, and inside the central window's local range; the
 * windows must agree (sd < 0.03: a power law does describe the region). */
static void test_critical_exponent(void) {
  qb_err e;
  qb_linewidth_params p = fig7();
  double xc;
  QB_ASSERT_OK(qb_linewidth_critical_xi_auto(&p, &xc, &e), &e);
  enum { NPTS = 61, PER_DECADE = 40 };
  double dx[NPTS], y[NPTS], G[NPTS];
  for (int i = 0; i < NPTS; i++) { /* Xi - Xi_c = 10^-1.5 ... 10^0 */
    qb_linewidth_result r;
    dx[i] = pow(10, -1.5 + (double)i / PER_DECADE);
    p.Xi = xc + dx[i];
    QB_ASSERT_OK(qb_linewidth_solve(&p, &r, &e), &e);
    CU_ASSERT_EQUAL_FATAL(r.found, 1);
    G[i] = r.Gamma, y[i] = -1 / r.lnGamma;
  }
  const double f[3] = {0.1, 1, 10}, u[3] = {0.03, 0.1, 0.3};
  double beta[9], mean = 0, var = 0, lo_local = INFINITY, hi_local = -INFINITY;
  for (int w = 0; w < 9; w++) {
    double xs[NPTS], ys[NPTS], se, A;
    int n = 0, first = -1, last = -1;
    for (int i = 0; i < NPTS; i++)
      if (qb_linewidth_mf_valid(&p, G[i], f[w / 3], u[w % 3])) {
        xs[n] = dx[i], ys[n++] = y[i];
        if (first < 0) first = i;
        last = i;
      }
    CU_ASSERT_FATAL(first > 0 && last < NPTS - 1); /* the grid covers every window */
    QB_ASSERT_OK(qb_linewidth_fit_power_fixed(xs, ys, n, 0, &beta[w], &se, &A, &e), &e);
    mean += beta[w] / 9;
    printf("\n  window f = %4g, u = %.2f: Xi in [%.3f, %.3f], %2d points, beta = %.4f", f[w / 3],
           u[w % 3], xc + xs[0], xc + xs[n - 1], n, beta[w]);
    if (w == 4) /* the central window: local exponents by centred differences */
      for (int i = first; i <= last; i++) {
        double b = log(y[i + 1] / y[i - 1]) / log(dx[i + 1] / dx[i - 1]);
        lo_local = fmin(lo_local, b), hi_local = fmax(hi_local, b);
      }
  }
  for (int w = 0; w < 9; w++) var += (beta[w] - mean) * (beta[w] - mean) / 8;
  double sd = sqrt(var), half = 0.5 * (hi_local - lo_local), error = fmax(sd, half);
  printf("\n  beta = %.4f +- %.4f (sd over windows %.4f, local exponents in the central "
         "window %.3f ... %.3f); beta - 1/3 = %.4f", mean, error, sd, lo_local, hi_local,
         mean - 1.0 / 3);
  CU_ASSERT(sd < 0.03);
  CU_ASSERT(fabs(mean - 1.0 / 3) < error);
  CU_ASSERT(lo_local < 1.0 / 3 && 1.0 / 3 < hi_local);
}

/* The fixed-x_c fit recovers an exact power law and rejects points at or below x_c. */
static void test_fit_power_fixed(void) {
  qb_err e;
  double x[6], y[6], beta, se, A;
  for (int i = 0; i < 6; i++) x[i] = 0.5 + 0.3 * i, y[i] = 2 * pow(x[i] - 0.3, 0.4);
  QB_ASSERT_OK(qb_linewidth_fit_power_fixed(x, y, 6, 0.3, &beta, &se, &A, &e), &e);
  QB_ASSERT_CLOSE(beta, 0.4, 1e-12);
  QB_ASSERT_CLOSE(A, 2, 1e-12);
  CU_ASSERT(se < 1e-12);
  CU_ASSERT_EQUAL(qb_linewidth_fit_power_fixed(x, y, 6, 0.5, &beta, &se, &A, &e), QB_ERR_INPUT);
}

int main(void) {
  static const qb_test_case cases[] = {
      {"n_fast of Eq. (20)", test_nfast_branches},
      {"direct sum = Eq. (19), (E3)", test_sum_is_eq19},
      {"root, trivial-only and beyond-range", test_root_and_bracket},
      {"sum vs integral in the validity window", test_sum_vs_integral},
      {"(C5) vs (E3): Fig. 8", test_saddle_vs_e3},
      {"critical coupling", test_critical_gamma},
      {"critical Xi_c, bracketed automatically", test_critical_xi_auto},
      {"near Xi_c: Gamma ~ (Xi - Xi_c)^(1/2), no power law", test_critical_asymptote},
      {"Fig. 7: exponent 1/3 in the validity window", test_critical_exponent},
      {"power fit at fixed x_c", test_fit_power_fixed},
      {NULL, NULL}};
  return qb_test_main("linewidth", cases);
}
