/* test_emft.c — entanglement mean-field theory: p_g shapes, resonance functions, the
 * averages [S], C^zz, p(S), eta against independent quadratures and closed-form limits,
 * the eta table, the mean-field solver (Fig. 3(a), nu = 1 scaling, symmetric model),
 * direct GOE sampling, and the sparse assignment against brute force. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/assign.h"
#include "qbath/emft.h"

static qb_emft_pg shape(qb_emft_pg_kind k) {
  qb_emft_pg pg;
  qb_err err;
  if (k == QB_EMFT_PG_A3) qb_emft_pg_init(&pg, k, QB_EMFT_C1_GOE, QB_EMFT_C2_GOE, &err);
  else qb_emft_pg_init(&pg, k, 0, 0, &err);
  return pg;
}

/* ---------------------------------------------- adaptive Simpson (independent) */

typedef double (*fun1)(double, void *);

static double simpson_rec(fun1 f, void *c, double a, double b, double fa, double fm, double fb,
                          double whole, double tol, int depth) {
  double m = 0.5 * (a + b), lm = 0.5 * (a + m), rm = 0.5 * (m + b);
  double flm = f(lm, c), frm = f(rm, c);
  double left = (m - a) / 6 * (fa + 4 * flm + fm), right = (b - m) / 6 * (fm + 4 * frm + fb);
  if (depth <= 0 || fabs(left + right - whole) <= 15 * tol) return left + right + (left + right - whole) / 15;
  return simpson_rec(f, c, a, m, fa, flm, fm, left, tol / 2, depth - 1) +
         simpson_rec(f, c, m, b, fm, frm, fb, right, tol / 2, depth - 1);
}

static double simpson(fun1 f, void *c, double a, double b, double tol) {
  double fa = f(a, c), fb = f(b, c), fm = f(0.5 * (a + b), c);
  return simpson_rec(f, c, a, b, fa, fm, fb, (b - a) / 6 * (fa + 4 * fm + fb), tol, 40);
}

/* x in (0, inf) mapped from s in (0, 1): x = s / (1 - s) (different from the library's
 * log map and Gauss-Legendre panels). */
typedef struct ctx1 {
  const qb_emft_pg *pg;
  double g1;
  int what; /* 0: density, 1: S, 2: czz kernel */
} ctx1;

static double integrand1(double s, void *vc) {
  ctx1 *c = vc;
  if (s <= 0 || s >= 1) return 0;
  double x = s / (1 - s), jac = 1 / ((1 - s) * (1 - s)), p = qb_emft_pg_density(c->pg, x) * jac;
  double g = c->g1 * x;
  if (c->what == 0) return p;
  if (c->what == 1) return p * qb_emft_S(g);
  double d = qb_emft_P(g) - qb_emft_Q(g);
  return p * d * d;
}

static void test_shapes(void) {
  for (int k = 0; k < 2; k++) {
    qb_emft_pg pg = shape((qb_emft_pg_kind)k);
    ctx1 c = {&pg, 1, 0};
    double norm = simpson(integrand1, &c, 0, 1, 1e-12);
    QB_ASSERT_CLOSE(norm, 1.0, 1e-8);
    double xs[] = {0.7, 2.385, 11.3, 1e4};
    for (int i = 0; i < 4; i++) {
      double F = qb_emft_pg_cdf(&pg, xs[i]), S = qb_emft_pg_sf(&pg, xs[i]);
      QB_ASSERT_CLOSE(F + S, 1.0, 1e-14);
      /* CDF against the density integrated independently */
      double s1 = xs[i] / (1 + xs[i]);
      QB_ASSERT_CLOSE(simpson(integrand1, &c, 0, s1, 1e-13), F, 1e-9);
    }
    /* tail (A4): x^2 p~(x) -> 2 */
    QB_ASSERT_CLOSE(1e8 * 1e8 * qb_emft_pg_density(&pg, 1e8), 2.0, 1e-6);
    QB_ASSERT_CLOSE(1e8 * qb_emft_pg_sf(&pg, 1e8), 2.0, 1e-6);
  }
  /* The printed (A3) is not normalized: its integral is the pg->z of the paper's c's. */
  qb_emft_pg pa;
  qb_err err;
  QB_ASSERT_OK(qb_emft_pg_init(&pa, QB_EMFT_PG_A3, QB_EMFT_C1, QB_EMFT_C2, &err), &err);
  double raw = 0, h = 1e-3;
  for (double u = h / 2; u < 3; u += h) raw += h * qb_emft_pg_a3_raw(1 / u, QB_EMFT_C1, QB_EMFT_C2) / (u * u);
  QB_ASSERT_CLOSE(raw, pa.z, 1e-6);
  CU_ASSERT(pa.z > 1.7);
}

static void test_resonance_functions(void) {
  double gs[] = {1e-9, 1e-4, 0.3, 1, 7.7, 1e6};
  for (int i = 0; i < 6; i++) {
    double g = gs[i], P = qb_emft_P(g), Q = qb_emft_Q(g);
    QB_ASSERT_CLOSE(P + Q, 1.0, 1e-15);
    double s = sqrt(1 + 4 * g * g);
    QB_ASSERT_CLOSE(P, 0.5 * (1 - 1 / s), 1e-15);
    QB_ASSERT_CLOSE(qb_emft_S_inverse(qb_emft_S(g)) / g, 1.0, 1e-9 + (g > 1e3 ? 1e-3 : 0));
  }
  /* small-g series: P = g^2 - 3 g^4 + ..., relative accuracy kept */
  QB_ASSERT_CLOSE(qb_emft_P(1e-9) / 1e-18, 1.0, 1e-15);
  QB_ASSERT_CLOSE(qb_emft_S(1e3), M_LN2 - 1 / (8e6), 1e-10);
}

/* ----------------------------------------------------------- averages */

static double s_over_g2(double s, void *c) {
  (void)c;
  if (s <= 0 || s >= 1) return 0;
  double g = s / (1 - s);
  return qb_emft_S(g) / (g * g) / ((1 - s) * (1 - s));
}

static void test_small_g_limits(void) {
  /* Independent: int_0^inf S(g)/g^2 dg = pi and int 4/(1+4g^2) = pi, so with the tail
   * 2 g1/g^2 (A4): [S] -> 2 pi g1 and 1 - C^zz -> 2 pi g1 (k = 2 pi in Eq. (7b)). */
  double integ = simpson(s_over_g2, NULL, 0, 1, 1e-12);
  QB_ASSERT_CLOSE(integ, M_PI, 1e-8);
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  for (int k = 0; k < 2; k++) {
    qb_emft_pg pg = shape((qb_emft_pg_kind)k);
    double S, C, g = 1e-8;
    QB_ASSERT_OK(qb_emft_mean_S(&pg, g, &q, &S, &err), &err);
    QB_ASSERT_OK(qb_emft_czz(&pg, g, &q, &C, &err), &err);
    QB_ASSERT_CLOSE(S / (2 * M_PI * g), 1.0, 2e-3); /* next order: g log g */
    QB_ASSERT_CLOSE((1 - C) / (2 * M_PI * g), 1.0, 1e-4);
  }
}

static void test_averages_vs_simpson(void) {
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  double gs[] = {3e-5, 0.0123, 0.4, 2.385, 300};
  for (int k = 0; k < 2; k++) {
    qb_emft_pg pg = shape((qb_emft_pg_kind)k);
    for (int i = 0; i < 5; i++) {
      double S, C;
      QB_ASSERT_OK(qb_emft_mean_S(&pg, gs[i], &q, &S, &err), &err);
      QB_ASSERT_OK(qb_emft_czz(&pg, gs[i], &q, &C, &err), &err);
      ctx1 cs = {&pg, gs[i], 1}, cc = {&pg, gs[i], 2};
      double S2 = simpson(integrand1, &cs, 0, 1, 1e-13), C2 = simpson(integrand1, &cc, 0, 1, 1e-13);
      QB_ASSERT_CLOSE(S / S2, 1.0, 1e-7);
      QB_ASSERT_CLOSE(C, C2, 1e-9);
    }
  }
}

/* eta by nested adaptive Simpson in the s-map: J = int int p p (K - 1). */
typedef struct ctx2 {
  const qb_emft_pg *pg;
  double g1, s_outer;
} ctx2;

static double kfull(double g, double gp) {
  double P = qb_emft_P(g), Q = qb_emft_Q(g), Pp = qb_emft_P(gp), Qp = qb_emft_Q(gp);
  return sqrt(P * Pp + Q * Qp) + sqrt(P * Qp + Q * Pp); /* (A24)-(A26) as written */
}

static double inner2(double s, void *vc) {
  ctx2 *c = vc;
  if (s <= 0 || s >= 1) return 0;
  double x = s / (1 - s), xo = c->s_outer / (1 - c->s_outer);
  return qb_emft_pg_density(c->pg, x) / ((1 - s) * (1 - s)) * kfull(c->g1 * x, c->g1 * xo);
}

static double outer2(double s, void *vc) {
  ctx2 *c = vc;
  if (s <= 0 || s >= 1) return 0;
  ctx2 in = *c;
  in.s_outer = s;
  double x = s / (1 - s);
  return qb_emft_pg_density(c->pg, x) / ((1 - s) * (1 - s)) * simpson(inner2, &in, 0, 1, 1e-10);
}

static void test_eta_vs_nested_simpson(void) {
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  qb_emft_pg pg = shape(QB_EMFT_PG_A3);
  double gs[] = {0.02, 0.3, 2.385};
  for (int i = 0; i < 3; i++) {
    double eta;
    QB_ASSERT_OK(qb_emft_eta(&pg, gs[i], &q, &eta, &err), &err);
    ctx2 c = {&pg, gs[i], 0};
    double integ = simpson(outer2, &c, 0, 1, 1e-9);
    QB_ASSERT_CLOSE(eta, 2 * log(integ), 1e-7);
  }
}

static void test_eta_limits_and_shape(void) {
  qb_emft_quad q = qb_emft_quad_defaults(), fine = q;
  fine.panel = 0.25;
  fine.order = 32;
  fine.g_sat = 1e9;
  qb_err err;
  qb_emft_pg pg = shape(QB_EMFT_PG_A3);
  /* large g: log 2 + O(g^-4) */
  double e1, e2;
  QB_ASSERT_OK(qb_emft_eta(&pg, 1e3, &q, &e1, &err), &err);
  QB_ASSERT_CLOSE(e1, M_LN2, 1e-11);
  QB_ASSERT_OK(qb_emft_eta(&pg, 10, &q, &e1, &err), &err);
  QB_ASSERT_OK(qb_emft_eta(&pg, 20, &q, &e2, &err), &err);
  QB_ASSERT_CLOSE((M_LN2 - e1) / (M_LN2 - e2), 16.0, 1.5); /* g^-4 */
  /* small g: eta = g (8 log(1/g) + b + o(1)): (eta - 8 g log(1/g))/g tends to a constant */
  double g[3] = {1e-6, 1e-7, 1e-8}, b[3];
  for (int i = 0; i < 3; i++) {
    double e;
    QB_ASSERT_OK(qb_emft_eta(&pg, g[i], &q, &e, &err), &err);
    b[i] = (e + 8 * g[i] * log(g[i])) / g[i];
  }
  CU_ASSERT(fabs(b[2] - b[1]) < 0.2 * fabs(b[1] - b[0]));
  /* accuracy on [1e-6, 1e3]: default vs a much finer rule */
  for (double l = log(1e-6); l <= log(1e3); l += 1.7) {
    QB_ASSERT_OK(qb_emft_eta(&pg, exp(l), &q, &e1, &err), &err);
    QB_ASSERT_OK(qb_emft_eta(&pg, exp(l), &fine, &e2, &err), &err);
    QB_ASSERT_CLOSE(e1 / e2, 1.0, 1e-12);
  }
  /* monotone and smooth (table step 0.05 in log g): first differences > 0, second
   * differences small against the first */
  qb_emft_table *t = qb_emft_table_create(&pg, log(1e-6), log(1e3), 0.05, &q, 2, &err);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  double prev = 0, prevd = 0;
  int mono = 1, smooth = 1;
  for (double l = log(1e-6); l <= log(1e3); l += 0.05) {
    double d, v = qb_emft_table_eta(t, l, &d);
    if (l > log(1e-6) && !(v > prev) && l < log(30)) mono = 0;
    if (l > log(1e-6) + 0.1 && fabs(d - prevd) > 0.25 * fmax(d, prevd) + 1e-12 && l < log(30)) {
      smooth = 0;
      printf("\n  not smooth at l = %g: %g %g\n", l, prevd, d);
    }
    CU_ASSERT(v >= 0 && v <= M_LN2 + 1e-15);
    prev = v;
    prevd = d;
  }
  CU_ASSERT(mono);
  CU_ASSERT(smooth);
  /* table vs direct off-grid */
  for (double l = -13.77; l < 6.9; l += 1.31) {
    double d;
    QB_ASSERT_OK(qb_emft_eta(&pg, exp(l), &q, &d, &err), &err);
    QB_ASSERT_CLOSE(qb_emft_table_eta(t, l, NULL) / d, 1.0, 1e-6);
  }
  /* asymptotic continuation joins the table */
  double l0 = log(1e-6);
  QB_ASSERT_CLOSE(qb_emft_table_eta(t, l0 - 1e-9, NULL) / qb_emft_table_eta(t, l0 + 1e-9, NULL), 1.0, 1e-7);
  qb_emft_table_free(t);
}

static void test_pS(void) {
  qb_emft_pg pg = shape(QB_EMFT_PG_A3);
  qb_err err;
  double prob[24], tot = 0, g1 = 0.137;
  QB_ASSERT_OK(qb_emft_pS_bins(&pg, g1, 24, prob, &err), &err);
  for (int k = 0; k < 24; k++) {
    tot += prob[k];
    CU_ASSERT(prob[k] >= 0);
  }
  QB_ASSERT_CLOSE(tot, 1.0, 1e-14);
  /* bins (through the CDF) against the density (A12) integrated over the bin */
  for (int k = 2; k < 22; k += 5) {
    double a = M_LN2 * k / 24, b = M_LN2 * (k + 1) / 24, s = 0;
    int n = 2000;
    for (int i = 0; i < n; i++) s += qb_emft_pS_density(&pg, g1, a + (b - a) * (i + 0.5) / n) * (b - a) / n;
    QB_ASSERT_CLOSE(s / prob[k], 1.0, 1e-4);
  }
  /* mean of S from the bins agrees with [S] (A13) to the bin width */
  double mS, m = 0;
  qb_emft_quad q = qb_emft_quad_defaults();
  QB_ASSERT_OK(qb_emft_mean_S(&pg, g1, &q, &mS, &err), &err);
  for (int k = 0; k < 24; k++) m += prob[k] * M_LN2 * (k + 0.5) / 24;
  QB_ASSERT_CLOSE(m, mS, 0.5 * M_LN2 / 24);
}

/* --------------------------------------------------------- GOE sampling */

static void test_goe_sampling(void) {
  /* Samples from a seed other than the one used to fit QB_EMFT_C*_GOE. */
  qb_emft_pg pg = shape(QB_EMFT_PG_A3);
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  qb_idx d = 300, n;
  double *x = qb_malloc(sizeof(double) * (size_t)d);
  qb_stat sS, sF3, sF20;
  memset(&sS, 0, sizeof sS);
  sF3 = sF20 = sS;
  for (int r = 0; r < 100; r++) {
    qb_rng rng;
    qb_rng_init(&rng, 2024, 3, (uint64_t)r, 0);
    QB_ASSERT_OK(qb_emft_sample_goe(&rng, d, 30.37, 0.5, x, &n, &err), &err);
    for (qb_idx k = 0; k < n; k++) {
      qb_stat_add(&sS, qb_emft_S(0.1 * x[k]));
      qb_stat_add(&sF3, x[k] < 3);
      qb_stat_add(&sF20, x[k] < 20);
    }
  }
  double S;
  QB_ASSERT_OK(qb_emft_mean_S(&pg, 0.1, &q, &S, &err), &err);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&sS), S, qb_stat_stderr(&sS), 4);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&sF3), qb_emft_pg_cdf(&pg, 3), qb_stat_stderr(&sF3), 4);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&sF20), qb_emft_pg_cdf(&pg, 20), qb_stat_stderr(&sF20), 4);
  /* the Levy shape (uncorrelated levels) is far off: level rigidity matters */
  qb_emft_pg pl = shape(QB_EMFT_PG_LEVY);
  CU_ASSERT(fabs(qb_stat_mean(&sF3) - qb_emft_pg_cdf(&pl, 3)) > 10 * qb_stat_stderr(&sF3));
  qb_free(x);
}

/* ------------------------------------------------------------ mean field */

static qb_emft_table *make_table(void) {
  qb_emft_pg pg = shape(QB_EMFT_PG_A3);
  qb_emft_quad q = qb_emft_quad_defaults();
  qb_err err;
  qb_emft_table *t = qb_emft_table_create(&pg, -25, 12, 0.05, &q, 2, &err);
  if (!t) printf("table: %s\n", err.msg);
  return t;
}

static qb_emft_table *T;

static void drh(qb_idx n, double g10, double alpha, double *l0) {
  for (qb_idx k = 0; k < n; k++) l0[k] = log(g10) + (double)k * log(alpha);
}

static void test_mf_small(void) {
  qb_err err;
  qb_emft_mf_opts o = qb_emft_mf_defaults();
  qb_emft_mf_result r;
  /* N = 1: no enhancement (sum over m != n is empty) */
  double l0 = log(0.3), l;
  QB_ASSERT_OK(qb_emft_mf_solve(T, 1, &l0, &l, &o, &r, &err), &err);
  QB_ASSERT_CLOSE(l, l0, 1e-14);
  /* N = 2: Eq. (9) residuals; both methods agree */
  double l02[2] = {log(0.4), log(0.05)}, a[2], b[2];
  QB_ASSERT_OK(qb_emft_mf_solve(T, 2, l02, a, &o, &r, &err), &err);
  QB_ASSERT_CLOSE(a[0], l02[0] + qb_emft_table_eta(T, a[1], NULL) / 2, 1e-11);
  QB_ASSERT_CLOSE(a[1], l02[1] + qb_emft_table_eta(T, a[0], NULL) / 2, 1e-11);
  CU_ASSERT(a[1] > l02[1] + qb_emft_table_eta(T, l02[0], NULL) / 2 - 1e-15); /* text after (9) */
  o.method = QB_EMFT_MF_JACOBI;
  o.damping = 0.6;
  QB_ASSERT_OK(qb_emft_mf_solve(T, 2, l02, b, &o, &r, &err), &err);
  QB_ASSERT_CLOSE(a[0], b[0], 1e-10);
  QB_ASSERT_CLOSE(a[1], b[1], 1e-10);
  /* decoupled spins (l0 = -inf) stay decoupled and do not block the avalanche flag */
  double l03[4] = {log(3.0), -INFINITY, log(2.0), -INFINITY}, c3[4];
  o = qb_emft_mf_defaults();
  QB_ASSERT_OK(qb_emft_mf_solve(T, 4, l03, c3, &o, &r, &err), &err);
  CU_ASSERT(c3[1] == -INFINITY && c3[3] == -INFINITY);
  CU_ASSERT(r.avalanched);
  QB_ASSERT_CLOSE(r.eta_tot, qb_emft_table_eta(T, c3[0], NULL) + qb_emft_table_eta(T, c3[2], NULL), 1e-15);
}

static void test_mf_fig3a(void) {
  qb_err err;
  qb_emft_mf_opts o = qb_emft_mf_defaults();
  qb_emft_mf_result r, rj;
  double l0[50], l[50], lj[50];
  drh(50, 0.5, M_SQRT1_2 - 0.07, l0);
  QB_ASSERT_OK(qb_emft_mf_solve(T, 50, l0, l, &o, &r, &err), &err);
  printf("\n  Fig. 3(a): n_* = %lld, eta_tot = %.4f (%ld iterations)\n", (long long)r.n_therm, r.eta_tot, r.iterations);
  CU_ASSERT(r.n_therm >= 25 && r.n_therm <= 35); /* "n_* ~ 30" */
  CU_ASSERT(!r.avalanched);
  /* profile: thermal core, then exponential decay of [S_n] */
  CU_ASSERT(qb_emft_table_S(T, l[0]) > 0.69);
  double r1 = qb_emft_table_S(T, l[45]) / qb_emft_table_S(T, l[40]);
  double r2 = qb_emft_table_S(T, l[49]) / qb_emft_table_S(T, l[44]);
  QB_ASSERT_CLOSE(log(r1), log(r2), 0.05 * fabs(log(r1)));
  /* every equation (11) holds */
  double Tsum = 0;
  for (int k = 0; k < 50; k++) Tsum += qb_emft_table_eta(T, l[k], NULL);
  for (int k = 0; k < 50; k++)
    QB_ASSERT_CLOSE(l[k], l0[k] + (Tsum - qb_emft_table_eta(T, l[k], NULL)) / 2, 1e-9);
  o.method = QB_EMFT_MF_JACOBI;
  QB_ASSERT_OK(qb_emft_mf_solve(T, 50, l0, lj, &o, &rj, &err), &err);
  QB_ASSERT_CLOSE(rj.eta_tot, r.eta_tot, 1e-8);
  /* thermal side: avalanche, eta_tot -> N log 2 */
  drh(50, 0.5, M_SQRT1_2 + 0.05, l0);
  o.method = QB_EMFT_MF_REDUCED;
  QB_ASSERT_OK(qb_emft_mf_solve(T, 50, l0, l, &o, &r, &err), &err);
  CU_ASSERT(r.avalanched);
  QB_ASSERT_CLOSE(r.eta_tot, 50 * M_LN2, 1e-6);
}

static void test_mf_nu(void) {
  /* eta_tot vs |delta alpha| for N >> n_*: least-squares slope of log-log within 10%
   * of -1 (acceptance 2) */
  qb_err err;
  qb_emft_mf_opts o = qb_emft_mf_defaults();
  qb_emft_mf_result r;
  qb_idx n = 3000;
  double *l0 = qb_malloc(sizeof(double) * (size_t)n), *l = qb_malloc(sizeof(double) * (size_t)n);
  double da[] = {-0.04, -0.028, -0.02, -0.014, -0.01}, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < 5; i++) {
    drh(n, 0.5, M_SQRT1_2 + da[i], l0);
    QB_ASSERT_OK(qb_emft_mf_solve(T, n, l0, l, &o, &r, &err), &err);
    CU_ASSERT(!r.avalanched);
    double x = log(-da[i]), y = log(r.eta_tot);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  double slope = (5 * sxy - sx * sy) / (5 * sxx - sx * sx);
  printf("\n  eta_tot ~ |delta alpha|^%.4f\n", slope);
  QB_ASSERT_CLOSE(slope, -1.0, 0.1);
  qb_free(l0);
  qb_free(l);
}

static void test_mf_threads(void) {
  /* REDUCED with 1, 2 and 3 threads: the same iterates bit for bit (fixed blocks summed in
   * order), on a chain long enough for many blocks and a front of several hundred spins;
   * and the same fixed point as the Jacobi iteration (Eq. (13)) to its tolerance. */
  qb_err err;
  qb_idx n = 20000;
  double *l0 = qb_malloc(sizeof(double) * (size_t)n), *l1 = qb_malloc(sizeof(double) * (size_t)n),
         *lk = qb_malloc(sizeof(double) * (size_t)n);
  drh(n, 0.5, M_SQRT1_2 - 0.01, l0);
  qb_emft_mf_opts o = qb_emft_mf_defaults();
  qb_emft_mf_result r1, rk;
  QB_ASSERT_OK(qb_emft_mf_solve(T, n, l0, l1, &o, &r1, &err), &err);
  CU_ASSERT(r1.eta_tot > 50); /* a long failed avalanche: many spins near the front */
  for (int th = 2; th <= 3; th++) {
    o.nthreads = th;
    QB_ASSERT_OK(qb_emft_mf_solve(T, n, l0, lk, &o, &rk, &err), &err);
    CU_ASSERT_EQUAL(rk.eta_tot, r1.eta_tot);
    CU_ASSERT_EQUAL(rk.iterations, r1.iterations);
    CU_ASSERT_EQUAL(memcmp(lk, l1, sizeof(double) * (size_t)n), 0);
  }
  o = qb_emft_mf_defaults();
  o.method = QB_EMFT_MF_JACOBI;
  o.tol = 1e-13;
  QB_ASSERT_OK(qb_emft_mf_solve(T, n, l0, lk, &o, &rk, &err), &err);
  QB_ASSERT_CLOSE(rk.eta_tot, r1.eta_tot, 1e-9 * r1.eta_tot);
  qb_free(l0);
  qb_free(l1);
  qb_free(lk);
}

static void test_mf_symmetric(void) {
  qb_err err;
  /* the scalar solver equals the N-spin solver for identical spins */
  qb_emft_mf_opts o = qb_emft_mf_defaults();
  qb_emft_mf_result r;
  double l0[40], l[40], ls;
  for (int k = 0; k < 40; k++) l0[k] = log(0.002);
  QB_ASSERT_OK(qb_emft_mf_solve(T, 40, l0, l, &o, &r, &err), &err);
  QB_ASSERT_OK(qb_emft_mf_symmetric(T, 40, l0[0], &ls, &err), &err);
  QB_ASSERT_CLOSE(l[17], ls, 1e-9);
  /* Acceptance 4: g* N log N increases towards 1/4 (slowly, log log N / log N), and g*
   * agrees with the closed form of the saddle-node of g = g0 e^{(N-1) g (8 log(1/g) +
   * b)/2}: 4 (N - 1) g (log(1/g) + b/8 - 1) = 1, b from eta at tiny g. */
  double eb = qb_emft_table_eta(T, -40, NULL), b = eb / exp(-40) - 8 * 40;
  double prev = 0;
  for (double N = 1e4; N < 1e19; N *= 100) {
    double g0c, gs;
    QB_ASSERT_OK(qb_emft_symmetric_gc(T, (qb_idx)N, &g0c, &gs, &err), &err);
    double x = gs * N * log(N);
    CU_ASSERT(x > prev);
    CU_ASSERT(x < 0.25);
    prev = x;
    if (N > 1e9) QB_ASSERT_CLOSE(4 * (N - 1) * gs * (-log(gs) + b / 8 - 1), 1.0, 1e-5);
    CU_ASSERT(g0c < gs);
  }
  CU_ASSERT(prev > 0.235);
}

/* ------------------------------------------------------------ assignment */

static void brute(int n, const double *c, const char *mask, double *best) {
  int perm[8];
  for (int i = 0; i < n; i++) perm[i] = i;
  *best = INFINITY;
  for (;;) {
    double s = 0;
    int ok = 1;
    for (int j = 0; j < n; j++) {
      if (!mask[perm[j] * n + j]) ok = 0;
      s += c[perm[j] * n + j];
    }
    if (ok && s < *best) *best = s;
    int i = n - 2;
    while (i >= 0 && perm[i] > perm[i + 1]) i--;
    if (i < 0) break;
    int j = n - 1;
    while (perm[j] < perm[i]) j--;
    int t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
    for (int a = i + 1, z = n - 1; a < z; a++, z--) {
      t = perm[a];
      perm[a] = perm[z];
      perm[z] = t;
    }
  }
}

static void test_assign(void) {
  qb_rng r;
  qb_rng_init(&r, 5, 0, 0, 0);
  qb_err err;
  for (int trial = 0; trial < 60; trial++) {
    int n = 2 + trial % 6;
    double c[64];
    char mask[64];
    qb_idx cp[9], ri[64], row[8];
    double cv[64];
    qb_idx nnz = 0;
    for (int j = 0; j < n; j++) {
      cp[j] = nnz;
      for (int i = 0; i < n; i++) {
        c[i * n + j] = -log(qb_rng_uniform(&r));
        mask[i * n + j] = (i == (j + trial) % n) || qb_rng_uniform(&r) < 0.6;
        if (mask[i * n + j]) {
          ri[nnz] = i;
          cv[nnz++] = c[i * n + j];
        }
      }
    }
    cp[n] = nnz;
    double best, tot;
    brute(n, c, mask, &best);
    QB_ASSERT_OK(qb_assign_sparse(n, cp, ri, cv, row, &tot, &err), &err);
    QB_ASSERT_CLOSE(tot, best, 1e-12);
    char used[8] = {0};
    for (int j = 0; j < n; j++) {
      CU_ASSERT(mask[row[j] * n + j]);
      CU_ASSERT(!used[row[j]]);
      used[row[j]] = 1;
    }
  }
  /* no perfect matching: two columns share their only row */
  qb_idx cp[3] = {0, 1, 2}, ri[2] = {0, 0}, row[2];
  double cv[2] = {1, 2};
  CU_ASSERT_EQUAL(qb_assign_sparse(2, cp, ri, cv, row, NULL, &err), QB_ERR_NUMERIC);
}

static void test_mf_table_setup(void) {
  T = make_table();
  CU_ASSERT_PTR_NOT_NULL_FATAL(T);
}

static void test_mf_teardown(void) { T = qb_emft_table_free(T); }

int main(void) {
  static const qb_test_case cases[] = {
      {"p_g shapes: normalization, CDF, tail (A4)", test_shapes},
      {"P, Q, S (A10)-(A11)", test_resonance_functions},
      {"[S], C^zz small-g limits (Eq. 7b)", test_small_g_limits},
      {"[S], C^zz vs adaptive Simpson", test_averages_vs_simpson},
      {"eta vs nested adaptive Simpson (A27)", test_eta_vs_nested_simpson},
      {"eta limits, accuracy, monotone, table", test_eta_limits_and_shape},
      {"p(S) (A12)", test_pS},
      {"GOE sampling of Eq. (5) vs p_g", test_goe_sampling},
      {"mean field: table", test_mf_table_setup},
      {"mean field: N = 1, 2 (Eq. 9)", test_mf_small},
      {"mean field: Fig. 3(a)", test_mf_fig3a},
      {"mean field: eta_tot ~ |delta alpha|^-1", test_mf_nu},
      {"mean field: symmetric model (Eqs. 21-22)", test_mf_symmetric},
      {"mean field: same iterates on 1, 2, 3 threads; Jacobi agrees", test_mf_threads},
      {"mean field: free table", test_mf_teardown},
      {"sparse assignment vs brute force", test_assign},
      {NULL, NULL}};
  return qb_test_main("emft", cases);
}
