/* test_ipt.c — the Hubbard-bubble IPT solver (qbath/ipt.h) and its FFT convolutions:
 * direct sums, the closed-form semicircle, an independent per-frequency Newton solution of
 * the non-interacting saddle point, the sum rule, the U^2 onset of the interaction
 * correction, grid refinement and thread independence. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>

#include "../src/theory/fft_convolve.h"
#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/ipt.h"
#include "qbath/rng.h"

/* pph convolution against the triple sum written out. */
static void test_pph_direct(void) {
  enum { n = 31 };
  double a[n], b[n], out[n];
  qb_rng r;
  qb_rng_init(&r, 2385, 0, 0, 1);
  for (int i = 0; i < n; i++) a[i] = qb_rng_uniform(&r), b[i] = qb_rng_uniform(&r) - 0.3;
  qb_err e;
  qb_fftconv *c = NULL;
  QB_ASSERT_OK(qb_fft_convolve_create(n, &c, &e), &e);
  double h = 0.37;
  qb_fft_convolve_pph(c, a, b, h, out);
  double worst = 0, scale = 0;
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++)
      for (int k = 0; k < n; k++) {
        int l = j + k - i;
        if (l >= 0 && l < n) s += a[j] * a[k] * b[l] + b[j] * b[k] * a[l];
      }
    s *= h * h;
    worst = fmax(worst, fabs(s - out[i]));
    scale = fmax(scale, fabs(s));
  }
  QB_ASSERT_CLOSE(worst, 0, 64 * n * DBL_EPSILON * scale);
  qb_fft_convolve_free(c);
}

/* Kramers-Kronig of the semicircle's Im G gives its Re G, converging under refinement. */
static double kk_semicircle_error(qb_idx n, double wmax) {
  qb_err e;
  qb_fftconv *c = NULL;
  QB_ASSERT_OK(qb_fft_convolve_create(n, &c, &e), &e);
  double *y = malloc(sizeof(double) * (size_t)n), *re = malloc(sizeof(double) * (size_t)n);
  double h = wmax / (double)((n - 1) / 2), worst = 0;
  for (qb_idx i = 0; i < n; i++) y[i] = cimag(qb_ipt_semicircle(1.3, (double)(i - (n - 1) / 2) * h));
  qb_fft_convolve_kk(c, y, re);
  for (qb_idx i = 0; i < n; i++)
    worst = fmax(worst, fabs(re[i] - creal(qb_ipt_semicircle(1.3, (double)(i - (n - 1) / 2) * h))));
  free(y);
  free(re);
  qb_fft_convolve_free(c);
  return worst;
}

static void test_kk_semicircle(void) {
  double e1 = kk_semicircle_error(801, 4), e2 = kk_semicircle_error(1601, 4),
         e3 = kk_semicircle_error(3201, 4);
  printf("\n  KK semicircle max error: h=%.4g %.3g, h/2 %.3g, h/4 %.3g\n", 4.0 / 400, e1, e2, e3);
  /* The band-edge square root limits the local error to O(h^{1/2} log h) at worst; the
   * transform must converge (each halving of h at least by 2^{1/2}, minus slack). */
  CU_ASSERT(e2 < e1 / 1.3 && e3 < e2 / 1.3);
  CU_ASSERT(e3 < 0.02);
}

static void lioms(qb_idx M, double V, uint64_t seed, double *eps, double *V2) {
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 7);
  for (qb_idx a = 0; a < M; a++) eps[a] = -2 + 4 * qb_rng_uniform(&r);
  qb_ipt_geometry(M, 1, 10, V, NULL, V2);
}

/* U = 0, M = 0 from a far-off start (a Lorentzian) converges to the closed form. */
static void test_u0_semicircle(void) {
  qb_err e;
  qb_ipt *s = NULL;
  QB_ASSERT_OK(qb_ipt_create(801, 6, &s, &e), &e);
  qb_idx n = qb_ipt_n(s);
  const double *w = qb_ipt_omega(s);
  qb_cplx *G = malloc(sizeof(qb_cplx) * (size_t)n);
  for (qb_idx i = 0; i < n; i++) G[i] = 1 / (w[i] + 1.1 * I);
  qb_ipt_params p = qb_ipt_defaults();
  p.U = 0;
  p.t = 0.9137; /* band edges 2t between grid points, where the contraction is < 1 */
  p.tol = 1e-10;
  p.max_iter = 100000;
  qb_ipt_info info;
  QB_ASSERT_OK(qb_ipt_solve(s, &p, 0, NULL, NULL, G, 1, &info, &e), &e);
  double worst = 0, edge = 0;
  for (qb_idx i = 0; i < n; i++) {
    double d = cabs(G[i] - qb_ipt_semicircle(p.t, w[i]));
    if (fabs(fabs(w[i]) - 2 * p.t) > 0.1) worst = fmax(worst, d);
    else edge = fmax(edge, d);
  }
  printf("\n  U=0 M=0: %d iterations, max |G - semicircle| = %.3g (within 0.1 of the band "
         "edges: %.3g)\n", info.iterations, worst, edge);
  /* The local quadratic is solved exactly each iteration and mixing contracts by (1 - mix),
   * so the distance to the fixed point is below tol/mix everywhere, band edges included
   * (where plain iteration of G -> 1/(w - t^2 G) would be neutral). */
  CU_ASSERT(worst < p.tol / p.mix);
  CU_ASSERT(edge < p.tol / p.mix);
  free(G);
  qb_ipt_free(s);
}

/* Independent U = 0 solution at one complex frequency z: Newton on
 * F(G) = z - t^2 G - N^{-1/2} sum V2/(z + eps + i eta - V2 sqrt(N) G) - 1/G, continued
 * from Im z = 1 (where the root near 1/z is unique) down to Im z = 0. */
static qb_cplx newton_u0(const qb_ipt_params *p, qb_idx M, const double *eps, const double *V2,
                         double w) {
  double sq = sqrt(p->N);
  qb_cplx G = 1 / (w + 1.0 * I);
  for (int step = 0; step <= 40; step++) {
    qb_cplx z = w + I * (step == 40 ? 0 : ldexp(1.0, -step));
    for (int it = 0; it < 100; it++) {
      qb_cplx F = z - p->t * p->t * G - 1 / G, dF = -p->t * p->t + 1 / (G * G);
      for (qb_idx a = 0; a < M; a++) {
        qb_cplx d = z + eps[a] + I * p->eta - V2[a] * sq * G;
        F -= V2[a] / d / sq;
        dF -= V2[a] * V2[a] / (d * d);
      }
      qb_cplx dG = F / dF;
      G -= dG;
      if (cabs(dG) < 1e-15 * cabs(G)) break;
    }
  }
  return G;
}

static void test_u0_lioms_newton(void) {
  enum { M = 6 };
  double eps[M], V2[M];
  lioms(M, 15, 11, eps, V2); /* strong coupling (V^2 ~ 2) so the LIOMs matter */
  qb_err e;
  qb_ipt *s = NULL;
  QB_ASSERT_OK(qb_ipt_create(601, 6, &s, &e), &e);
  qb_idx n = qb_ipt_n(s);
  const double *w = qb_ipt_omega(s);
  qb_cplx *G = malloc(sizeof(qb_cplx) * (size_t)n);
  qb_ipt_params p = qb_ipt_defaults();
  p.U = 0;
  p.eta = 0.1;
  p.tol = 1e-13;
  p.max_iter = 50000;
  qb_ipt_info info;
  QB_ASSERT_OK(qb_ipt_solve(s, &p, M, eps, V2, G, 0, &info, &e), &e);
  double worst = 0, gmax = 0;
  int causal = 1;
  for (qb_idx i = 0; i < n; i++) {
    qb_cplx g = newton_u0(&p, M, eps, V2, w[i]);
    worst = fmax(worst, cabs(G[i] - g));
    gmax = fmax(gmax, cabs(g));
    causal &= cimag(G[i]) <= 0;
  }
  printf("\n  U=0 M=%d: %d iterations, max |G_ipt - G_newton| = %.3g (max |G| %.3g)", M,
         info.iterations, worst, gmax);
  CU_ASSERT(causal);
  CU_ASSERT(worst < 1e3 * p.tol * gmax);
  /* the solver's own Newton mode: U = 0 is then solved by the local equation alone (where
   * Newton converges), so it needs far fewer iterations than the frozen-LIOM mode */
  qb_cplx *G2 = malloc(sizeof(qb_cplx) * (size_t)n);
  p.newton_steps = 60;
  qb_ipt_info info2;
  QB_ASSERT_OK(qb_ipt_solve(s, &p, M, eps, V2, G2, 0, &info2, &e), &e);
  double d2 = 0;
  for (qb_idx i = 0; i < n; i++) d2 = fmax(d2, cabs(G2[i] - G[i]));
  printf("; Newton mode: %d iterations, max diff %.3g\n", info2.iterations, d2);
  CU_ASSERT(d2 < 1e3 * p.tol * gmax);
  CU_ASSERT(3 * info2.iterations < info.iterations);
  free(G2);
  free(G);
  qb_ipt_free(s);
}

static qb_ipt_info solve(qb_idx n, double wmax, double U, qb_idx M, double V, double eta,
                         qb_cplx **Gout, int nthreads) {
  double *eps = malloc(sizeof(double) * (size_t)(M + 1)), *V2 = malloc(sizeof(double) * (size_t)(M + 1));
  lioms(M, V, 5, eps, V2);
  qb_err e;
  qb_ipt *s = NULL;
  qb_ipt_info info = {0};
  QB_ASSERT_OK(qb_ipt_create(n, wmax, &s, &e), &e);
  qb_cplx *G = malloc(sizeof(qb_cplx) * (size_t)n);
  qb_ipt_params p = qb_ipt_defaults();
  p.U = U;
  p.eta = eta;
  p.tol = 1e-11;
  p.nthreads = nthreads;
  QB_ASSERT_OK(qb_ipt_solve(s, &p, M, eps, V2, G, 0, &info, &e), &e);
  *Gout = G;
  qb_ipt_free(s);
  free(eps);
  free(V2);
  return info;
}

/* Sum rule: the trapezoid error is O(h^2) (smooth rho, Euler-Maclaurin with the KK pair
 * exact for the interpolant); at h = 0.005 it must be below 1e-6. */
static void test_sum_rule(void) {
  qb_cplx *G;
  qb_ipt_info a = solve(4001, 10, 2, 0, 0, 0.02, &G, 1);
  free(G);
  qb_ipt_info b = solve(4001, 10, 2, 30, 0.5, 0.05, &G, 1);
  free(G);
  printf("\n  sum rule - 1: M=0 %.3g, M=30 (V=0.5) %.3g; filling %.9f\n", a.sum_rule - 1,
         b.sum_rule - 1, a.filling);
  QB_ASSERT_CLOSE(a.sum_rule, 1, 1e-6);
  QB_ASSERT_CLOSE(b.sum_rule, 1, 1e-6);
  /* particle-hole symmetry at M = 0: half filling up to the same discretization error */
  QB_ASSERT_CLOSE(a.filling, 0.5, 1e-6);
}

/* L1 distance between the M = 0 bubble DOS and the semicircle inside the band, |w| < 1.5
 * (away from the square-root edges, where the correction is not analytic in U). */
static double l1_to_semicircle(double U, double *tail) {
  qb_cplx *G;
  qb_idx n = 2401;
  double wmax = 12, h = wmax / (double)((n - 1) / 2), d = 0, out = 0;
  solve(n, wmax, U, 0, 0, 0.02, &G, 1);
  for (qb_idx i = 0; i < n; i++) {
    double w = (double)(i - (n - 1) / 2) * h, rho = -cimag(G[i]) / M_PI;
    if (fabs(w) < 1.5) d += fabs(rho + cimag(qb_ipt_semicircle(1, w)) / M_PI) * h;
    if (fabs(w) > 2) out += rho * h;
  }
  free(G);
  *tail = out;
  return d;
}

/* M = 0: the semicircle plus an interaction correction of order U^2 that fills tails
 * beyond the band edge |w| = 2t. */
static void test_semicircle_plus_tails(void) {
  double t1, t2, t3;
  double d1 = l1_to_semicircle(0.1, &t1), d2 = l1_to_semicircle(0.2, &t2),
         d3 = l1_to_semicircle(2, &t3);
  printf("\n  M=0: L1(rho - semicircle, |w|<1.5) U=0.1 %.4g, U=0.2 %.4g (ratio %.3f), U=2 %.4g;"
         " weight beyond |w|>2: %.3g, %.3g, %.3g\n", d1, d2, d2 / d1, d3, t1, t2, t3);
  /* leading order U^2: ratio 4 up to relative O(U^2) = O(0.04) corrections */
  CU_ASSERT(fabs(d2 / d1 - 4) < 4 * 0.1);
  CU_ASSERT(t3 > 0.01 && t3 < 0.5);
  CU_ASSERT(t2 > t1 && t3 > t2);
}

/* Grid refinement: differences on the common points shrink like h^2. */
static double max_rho_diff(const qb_cplx *fine, qb_idx nf, const qb_cplx *coarse, qb_idx nc) {
  qb_idx r = (nf - 1) / (nc - 1);
  double d = 0;
  for (qb_idx i = 0; i < nc; i++) d = fmax(d, fabs(cimag(fine[i * r]) - cimag(coarse[i])) / M_PI);
  return d;
}

static void test_grid_refinement(void) {
  qb_cplx *G1, *G2, *G3, *G4;
  solve(601, 12, 2, 20, 1.5, 0.1, &G1, 1);
  solve(1201, 12, 2, 20, 1.5, 0.1, &G2, 1);
  solve(2401, 12, 2, 20, 1.5, 0.1, &G3, 1);
  solve(1601, 16, 2, 20, 1.5, 0.1, &G4, 1); /* same h as G2, larger range */
  double d12 = max_rho_diff(G2, 1201, G1, 601), d23 = max_rho_diff(G3, 2401, G2, 1201);
  double drange = 0;
  for (qb_idx i = 0; i < 1201; i++)
    drange = fmax(drange, fabs(cimag(G2[i]) - cimag(G4[i + 200])) / M_PI);
  printf("\n  refinement (U=2, M=20, V=1.5): max|drho| h=0.04->0.02 %.3g, 0.02->0.01 %.3g "
         "(ratio %.2f); wmax 12->16: %.3g\n", d12, d23, d12 / d23, drange);
  CU_ASSERT(d12 / d23 > 3); /* second order: 4, less the higher-order terms */
  CU_ASSERT(drange < d23);  /* the range is converged beyond the resolution */
  free(G1);
  free(G2);
  free(G3);
  free(G4);
}

static void test_threads_bitwise(void) {
  qb_cplx *G1, *G2;
  solve(801, 10, 2, 57, 1.5, 0.05, &G1, 1);
  solve(801, 10, 2, 57, 1.5, 0.05, &G2, 2);
  CU_ASSERT(memcmp(G1, G2, sizeof(qb_cplx) * 801) == 0);
  free(G1);
  free(G2);
}

/* L1 distance on |w| < W of two spectral functions given as G arrays. */
static double l1_inside(const qb_cplx *a, const qb_cplx *b, qb_idx n, double h, double W) {
  double d = 0;
  for (qb_idx i = 0; i < n; i++)
    if (fabs((double)(i - (n - 1) / 2) * h) < W) d += fabs(cimag(a[i]) - cimag(b[i])) / M_PI * h;
  return d;
}

/* Fig. 6 trends on a coarser grid (h = 0.02) up to M = 3000, one fixed realization: at
 * V = 1.5 the distance to the U = 0 DOS on |w| < W decreases with M; at V = 0.5 the DOS
 * moves less from its small-M shape than it differs from the U = 0 DOS. */
static void test_fig6_trends(void) {
  const qb_idx n = 1201, Ms[4] = {3, 30, 300, 3000};
  const double wmax = 12, h = wmax / 600, W = 2;
  double eps[3000], V2[3000];
  qb_rng r;
  qb_rng_init(&r, 2019, 0, 0, 1);
  for (int a = 0; a < 3000; a++) eps[a] = W * (2 * qb_rng_uniform(&r) - 1);
  qb_err e;
  qb_ipt *s = NULL;
  QB_ASSERT_OK(qb_ipt_create(n, wmax, &s, &e), &e);
  qb_cplx *G = malloc(sizeof(qb_cplx) * (size_t)n), *G0 = malloc(sizeof(qb_cplx) * (size_t)n),
          *Gref = malloc(sizeof(qb_cplx) * (size_t)n);
  qb_ipt_params p = qb_ipt_defaults();
  p.eta = 2 * h;
  p.tol = 1e-9;
  for (int v = 0; v < 2; v++) {
    double V = v ? 1.5 : 0.5, prev = INFINITY, first = 0;
    qb_ipt_geometry(3000, 1, 10, V, NULL, V2);
    printf("\n  V = %g:", V);
    for (int k = 0; k < 4; k++) {
      p.U = 2;
      QB_ASSERT_OK(qb_ipt_solve(s, &p, Ms[k], eps, V2, G, 0, NULL, &e), &e);
      p.U = 0;
      QB_ASSERT_OK(qb_ipt_solve(s, &p, Ms[k], eps, V2, G0, 0, NULL, &e), &e);
      if (k == 0) memcpy(Gref, G, sizeof(qb_cplx) * (size_t)n);
      double to_u0 = l1_inside(G, G0, n, h, W), to_small = l1_inside(G, Gref, n, h, W);
      printf(" M=%lld: L1 to U=0 %.4f, to M=3 %.4f;", (long long)Ms[k], to_u0, to_small);
      if (v == 1) CU_ASSERT(to_u0 < prev);
      if (v == 0) CU_ASSERT(to_small < 0.5 * to_u0);
      prev = to_u0;
      if (k == 0) first = to_u0;
    }
    if (v == 1) CU_ASSERT(prev < 0.5 * first); /* a substantial approach, not a drift */
  }
  free(G);
  free(G0);
  free(Gref);
  qb_ipt_free(s);
}

static void test_errors(void) {
  qb_err e;
  qb_ipt *s = NULL;
  CU_ASSERT_EQUAL(qb_ipt_create(100, 5, &s, &e), QB_ERR_INPUT);
  CU_ASSERT_EQUAL(qb_ipt_create(101, -1, &s, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(s);
  for (long k = 0;; k++) {
    qb_alloc_fail_after(k);
    qb_status st = qb_ipt_create(101, 5, &s, &e);
    qb_alloc_fail_after(-1);
    if (st == QB_OK) break;
    CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
    CU_ASSERT_PTR_NULL(s);
  }
  qb_cplx G[101];
  qb_ipt_params p = qb_ipt_defaults();
  p.mix = 0;
  CU_ASSERT_EQUAL(qb_ipt_solve(s, &p, 0, NULL, NULL, G, 0, NULL, &e), QB_ERR_INPUT);
  p = qb_ipt_defaults();
  p.max_iter = 2;
  CU_ASSERT_EQUAL(qb_ipt_solve(s, &p, 0, NULL, NULL, G, 0, NULL, &e), QB_NOT_CONVERGED);
  qb_alloc_fail_after(0);
  p = qb_ipt_defaults();
  CU_ASSERT_EQUAL(qb_ipt_solve(s, &p, 0, NULL, NULL, G, 0, NULL, &e), QB_ERR_NOMEM);
  qb_alloc_fail_after(-1);
  CU_ASSERT_PTR_NULL(qb_ipt_free(s));
  CU_ASSERT_PTR_NULL(qb_ipt_free(NULL));
}

int main(void) {
  static const qb_test_case cases[] = {
      {"pph convolution = triple sum", test_pph_direct},
      {"Kramers-Kronig of the semicircle", test_kk_semicircle},
      {"U=0, M=0: the semicircle", test_u0_semicircle},
      {"U=0 with LIOMs: per-frequency Newton", test_u0_lioms_newton},
      {"sum rule to 1e-6", test_sum_rule},
      {"M=0: semicircle plus U^2 tails", test_semicircle_plus_tails},
      {"grid refinement and range", test_grid_refinement},
      {"thread count bitwise", test_threads_bitwise},
      {"Fig. 6 trends with M", test_fig6_trends},
      {"errors and allocation failures", test_errors},
      {NULL, NULL}};
  return qb_test_main("ipt", cases);
}
