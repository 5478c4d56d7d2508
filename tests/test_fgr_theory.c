/* test_fgr_theory.c — the FGR paper's closed forms (theory/): quadrature and Bessel
 * functions against independent definitions, Eq. (4) = Eq. (21), the limits of Eq. (4),
 * Eq. (5) at tau = 0, tau -> infinity (= Eq. (4)), gamma -> infinity (= the large-gamma
 * form) and against an independent midpoint rule in the paper's own variables, and the
 * form-factor identities behind Eq. (6). */
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "qbath/fgr.h"

static double power_fn(double x, void *c) { return pow(x, *(int *)c); }

/* One K15 panel integrates x^k exactly for k <= 22: with a tolerance above its own error
 * estimate no bisection happens, so this checks the nodes and weights. */
static void test_quad_polynomials(void) {
  qb_err e;
  qb_quad_params p = {1e300, 0, 1};
  for (int k = 0; k <= 22; k++) {
    double I, er;
    QB_ASSERT_OK(qb_quad_adaptive(power_fn, &k, 0, 1, &p, &I, &er, &e), &e);
    QB_ASSERT_CLOSE(I, 1.0 / (k + 1), 4e-16);
    /* The embedded 7-point Gauss rule is exact to degree 13: estimate ~ 0 there. */
    if (k <= 13) CU_ASSERT(er < 1e-15);
  }
  int k = 3;
  qb_quad_params def = qb_quad_defaults();
  double I, er;
  CU_ASSERT_EQUAL(qb_quad_adaptive(power_fn, &k, 1, 0, &def, &I, &er, &e), QB_ERR_INPUT);
}

typedef struct {
  double z;
  int k;
} bes_arg;

/* e^{-z} I_k(z) = (1/pi) int_0^pi e^{z (cos t - 1)} cos(k t) dt (A&S 9.6.19). */
static double bessel_integrand(double t, void *c) {
  const bes_arg *a = c;
  return exp(a->z * (cos(t) - 1)) * cos(a->k * t) / M_PI;
}

static void test_bessel_scaled(void) {
  qb_err e;
  qb_quad_params p = {1e-18, 1e-14, 4000};
  const double zs[] = {0, 1e-3, 0.7, 3.3, 12.5, 24.99, 25.01, 41.7, 313.0, 811.0};
  for (int j = 0; j < 10; j++) {
    double i[2];
    qb_quad_bessel_i01_scaled(zs[j], &i[0], &i[1]);
    for (int k = 0; k < 2; k++) {
      bes_arg a = {zs[j], k};
      double ref, er;
      QB_ASSERT_OK(qb_quad_adaptive(bessel_integrand, &a, 0, M_PI, &p, &ref, &er, &e), &e);
      /* The reference's own accuracy: rel_tol plus cancellation in cos(k t) near 0. */
      QB_ASSERT_CLOSE(i[k], ref, 1e-13 * fabs(ref) + 1e-16);
    }
  }
}

static void test_erfcx(void) {
  for (double x = 0; x < 26; x += 0.37) QB_ASSERT_CLOSE(qb_quad_erfcx(x), exp(x * x) * erfc(x), 2e-13 * qb_quad_erfcx(x)); /* reference: ~2 x^2 eps */
  /* Large x: erfcx(x) ~ 1 / (x sqrt(pi)) (1 - 1/(2 x^2)). */
  double x = 1e4;
  QB_ASSERT_CLOSE(qb_quad_erfcx(x) * x * sqrt(M_PI), 1 - 0.5 / (x * x), 1e-15);
}

/* Eq. (4) and Eq. (21) are two forms of one function; the comparison is limited by the
 * cancellation in Eq. (4), relative error ~ gamma^2 eps. */
static void test_pres_two_forms(void) {
  qb_err e;
  qb_quad_params p = {1e-16, 1e-13, 2000};
  for (int j = 0; j <= 30; j++) {
    double g = pow(10, -3 + 6.0 * j / 30), I;
    QB_ASSERT_OK(qb_fgr_pres_eq21(g, &p, &I, &e), &e);
    QB_ASSERT_CLOSE(qb_fgr_pres_eq4(g), I, I * (1e-12 + 100 * g * g * 2.2e-16));
  }
}

/* gamma -> 0: 1 - P_res ~ sqrt(pi gamma)/2; gamma -> infinity (Eq. 21 expanded):
 * gamma (gamma P_res - 1) = -9/4 + 15/(2 gamma) + O(gamma^-2); P_res(0) = 1. */
static void test_pres_limits(void) {
  qb_err e;
  CU_ASSERT_EQUAL(qb_fgr_pres_eq4(0), 1.0);
  double g = 1e-8;
  QB_ASSERT_CLOSE((1 - qb_fgr_pres_eq4(g)) / (0.5 * sqrt(M_PI * g)), 1.0, 1e-3);
  double P0;
  QB_ASSERT_OK(qb_fgr_pres_eq21(0, NULL, &P0, &e), &e);
  QB_ASSERT_CLOSE(P0, 1.0, 1e-9);
  qb_quad_params p = {1e-18, 1e-14, 2000};
  for (g = 1e3; g <= 1e5; g *= 10) {
    double P;
    QB_ASSERT_OK(qb_fgr_pres_eq21(g, &p, &P, &e), &e);
    QB_ASSERT_CLOSE(g * (g * P - 1), -2.25 + 7.5 / g, 100 / (g * g));
    QB_ASSERT_CLOSE(qb_fgr_golden_rule(g) * g, 1.0, 0);
  }
}

static void test_eq5_limits(void) {
  qb_err e;
  const double gs[] = {0.022, 0.46, 4.6, 46};
  for (int j = 0; j < 4; j++) {
    double P;
    QB_ASSERT_OK(qb_fgr_P_eq5(gs[j], 0, NULL, &P, &e), &e);
    CU_ASSERT_EQUAL(P, 1.0);
    /* Late times: the stationary limit of Eq. (5) is Eq. (4). */
    QB_ASSERT_OK(qb_fgr_P_eq5(gs[j], 40, NULL, &P, &e), &e);
    QB_ASSERT_CLOSE(P, qb_fgr_pres_eq4(gs[j]), 1e-7 * P);
    /* Short times: the integral's domain has area O(tau^2), so P - e^{-4 g tau} =
     * O((g tau)^2 ...) is far below the decay. */
    double tau = 1e-4;
    QB_ASSERT_OK(qb_fgr_P_eq5(gs[j], tau, NULL, &P, &e), &e);
    QB_ASSERT_CLOSE(P, exp(-4 * gs[j] * tau), 10 * gs[j] * gs[j] * tau * tau);
    CU_ASSERT(P >= exp(-4 * gs[j] * tau));
  }
  CU_ASSERT_EQUAL(qb_fgr_P_eq5(0, 1, NULL, &(double){0}, &e), QB_ERR_INPUT);
}

/* gamma >> 1: gamma (P - e^{-4 gamma tau}) -> (1 + tau)/2 (tau < 1), 1 (tau > 1), with
 * corrections that shrink like 1/gamma (checked: the error drops tenfold per decade). */
static void test_eq5_large_gamma(void) {
  qb_err e;
  const double taus[] = {0.25, 0.5, 0.8, 1.5, 2.5};
  for (int j = 0; j < 5; j++) {
    double dev[2];
    for (int k = 0; k < 2; k++) {
      double g = k == 0 ? 300 : 3000, P;
      QB_ASSERT_OK(qb_fgr_P_eq5(g, taus[j], NULL, &P, &e), &e);
      double d = exp(-4 * g * taus[j]);
      dev[k] = fabs((P - d) / (qb_fgr_P_large_gamma(g, taus[j]) - d) - 1);
    }
    CU_ASSERT(dev[1] < 0.02);
    CU_ASSERT(dev[1] < 0.2 * dev[0] + 1e-6);
  }
}

/* Eq. (5) in the paper's variables by a midpoint rule with cells graded toward the
 * corner lambda_b = lambda_f = 1 (where 1/(lambda_b - lambda_f) is singular): lambda_f =
 * 1 - a^2, lambda_b = 1 + b^2 with a, b on uniform midpoint grids. Different variables,
 * no Bessel scaling (moderate z), no adaptivity. */
static double eq5_midpoint(double g, double tau, int n) {
  double amax = sqrt(fmin(2.0, 2 * tau)), bmax = sqrt(2 * tau), ha = amax / n, hb = bmax / n, sum = 0;
  for (int i = 0; i < n; i++) {
    double a = (i + 0.5) * ha, lf = 1 - a * a;
    for (int k = 0; k < n; k++) {
      double b = (k + 0.5) * hb, lb = 1 + b * b, x = 2 * tau - lb + lf;
      if (x <= 0) continue;
      double mb = sqrt(lb * lb - 1), z = 2 * g * x * mb, i0e, i1e;
      qb_quad_bessel_i01_scaled(z, &i0e, &i1e);
      double bes = exp(z) * (lb * i0e - mb * i1e);
      sum += 2 * a * 2 * b * x * x * exp(-2 * g * x * lb) / (lb - lf) * bes;
    }
  }
  return exp(-4 * g * tau) + 2 * g * g * sum * ha * hb;
}

static void test_eq5_independent(void) {
  qb_err e;
  const double gt[][2] = {{0.46, 0.5}, {0.46, 1.3}, {0.022, 3}, {4.6, 0.7}};
  for (int j = 0; j < 4; j++) {
    double P, m1 = eq5_midpoint(gt[j][0], gt[j][1], 800), m2 = eq5_midpoint(gt[j][0], gt[j][1], 1600);
    QB_ASSERT_OK(qb_fgr_P_eq5(gt[j][0], gt[j][1], NULL, &P, &e), &e);
    /* The midpoint error is at least halved per doubling; allow twice its last change. */
    QB_ASSERT_CLOSE(P, m2, 2 * fabs(m2 - m1) + 1e-9);
  }
}

static void test_form_factors(void) {
  const qb_fgr_class X[] = {QB_FGR_U, QB_FGR_O, QB_FGR_S};
  const double ratio[] = {2, 1.5, 3}, off[] = {1, 2, 1}, slope[] = {1, 2, 0.5};
  double h = 1e-9;
  for (int j = 0; j < 3; j++) {
    /* Continuity where the piecewise forms meet, and K(infinity) = 1. */
    double tj = X[j] == QB_FGR_S ? 2 : 1;
    QB_ASSERT_CLOSE(qb_fgr_form_factor(X[j], tj - h), qb_fgr_form_factor(X[j], tj + h), 1e-7);
    QB_ASSERT_CLOSE(qb_fgr_form_factor(X[j], 1e4), 1.0, 1e-8);
    CU_ASSERT_EQUAL(qb_fgr_form_factor(X[j], 0), 0.0);
    /* Small-tau slopes K ~ (1, 2, 1/2) tau (2/beta tau in RMT language). */
    QB_ASSERT_CLOSE(qb_fgr_form_factor(X[j], 1e-7) / 1e-7, slope[j], 1e-5);
    /* Eq. (6): P_off = a/(2 gamma) at tau -> 0+ without the decay, P_pl/P_off. */
    double g = 1e4, Pinf = qb_fgr_P_eq6(X[j], g, 1e6), Poff = qb_fgr_a(X[j]) / (2 * g);
    QB_ASSERT_CLOSE(Poff * 2 * g, off[j], 0);
    QB_ASSERT_CLOSE(Pinf / Poff, ratio[j], 1e-8);
  }
  /* On the state-density time axis every class saturates at tau = 1 (GSE: K_S(2 tau)). */
  QB_ASSERT_CLOSE(qb_fgr_form_factor_states(QB_FGR_S, 1.0), 1.0, 0);
  QB_ASSERT_CLOSE(qb_fgr_form_factor_states(QB_FGR_S, 0.3), qb_fgr_form_factor(QB_FGR_S, 0.6), 0);
  QB_ASSERT_CLOSE(qb_fgr_form_factor_states(QB_FGR_U, 0.3), 0.3, 0);
  QB_ASSERT_CLOSE(qb_fgr_P_eq6(QB_FGR_U, 46, 1e3), qb_fgr_golden_rule(46), 1e-15);
  for (double t = 0.05; t < 3; t += 0.1)
    QB_ASSERT_CLOSE(qb_fgr_P_eq6(QB_FGR_U, 46, t), qb_fgr_P_large_gamma(46, t), 1e-15);
}

int main(void) {
  const qb_test_case cases[] = {{"quadrature_polynomials", test_quad_polynomials},
                                {"bessel_scaled", test_bessel_scaled},
                                {"erfcx", test_erfcx},
                                {"pres_eq4_eq21", test_pres_two_forms},
                                {"pres_limits", test_pres_limits},
                                {"eq5_limits", test_eq5_limits},
                                {"eq5_large_gamma", test_eq5_large_gamma},
                                {"eq5_independent_midpoint", test_eq5_independent},
                                {"form_factors_eq6", test_form_factors},
                                {NULL, NULL}};
  return qb_test_main("fgr_theory", cases);
}
