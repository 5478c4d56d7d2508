/* test_evolve.c — spectral bounds and the propagators against independent references:
 * Bessel functions from libm's jn, the truncated Chebyshev series on scalars, the exact
 * spectrum (bounds), exact evolution of a complex Hermitian (GUE) matrix from a dense
 * eigendecomposition written with plain loops (all three methods); bitwise
 * reproducibility across thread counts; violated bounds; every allocation failure.
 * Acceptance 1 (GOE N = 2000, L = 12 chain, t to 1000) is test_evolve_accept.c. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evolve_fixtures.h"
#include "harness.h"
#include "qbath/prop.h"

/* ---- Bessel functions and Chebyshev orders ----------------------------------------- */

static void test_bessel_vs_libm(void) {
  qb_err e;
  const double zs[] = {0.0, 1e-3, 0.37, 2.385, 17.3, 140.6, 1234.5};
  for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
    const double z = zs[i];
    const int n = (int)(z + 60);
    double J[1400];
    QB_ASSERT_OK(qb_prop_bessel_j_seq(z, n, J, &e), &e);
    double worst = 0;
    for (int k = 0; k <= n; k++) worst = fmax(worst, fabs(J[k] - jn(k, z)));
    /* libm's jn is itself accurate to ~1e-15 absolute for these orders */
    if (worst > 1e-13) printf("\n  z = %g: max |J - jn| = %.3g\n", z, worst);
    CU_ASSERT(worst <= 1e-13);
  }
  CU_ASSERT_EQUAL(qb_prop_bessel_j_seq(-1.0, 3, (double[4]){0}, &e), QB_ERR_INPUT);
}

/* The truncated series sum_{k<=K} (2-d_k0)(-i)^k J_k(z) T_k(x) on scalars x in [-1, 1]
 * meets the tolerance against exp(-i x z), and K grows with z and with 1/tol. */
static void test_cheb_order_scalar(void) {
  qb_err e;
  const double zs[] = {0.5, 7.7, 95.0, 800.0};
  const double tols[] = {1e-6, 1e-10, 1e-13};
  for (size_t i = 0; i < 4; i++) {
    int prevK = -1;
    for (size_t t = 0; t < 3; t++) {
      const int K = qb_prop_cheb_exp_order(zs[i], tols[t]);
      CU_ASSERT(K >= prevK);
      CU_ASSERT(K >= (int)floor(zs[i]) - 1); /* below z the series has not converged */
      prevK = K;
      double J[1200];
      QB_ASSERT_OK(qb_prop_bessel_j_seq(zs[i], K, J, &e), &e);
      double worst = 0;
      for (double x = -1.0; x <= 1.0; x += 0.0173) {
        qb_cplx s = 0, mi = 1;
        for (int k = 0; k <= K; k++, mi *= -I) s += (k ? 2.0 : 1.0) * mi * J[k] * cos(k * acos(x));
        worst = fmax(worst, cabs(s - cexp(-I * x * zs[i])));
      }
      /* roundoff of the sum: ~ K ulps */
      QB_ASSERT_CLOSE(worst, 0.0, tols[t] + 4 * (K + 1) * 2.3e-16);
    }
  }
  CU_ASSERT_EQUAL(qb_prop_cheb_exp_order(0.0, 1e-10), 0);
  CU_ASSERT_EQUAL(qb_prop_cheb_exp_order(1.0, 0.0), -1);
}

/* ---- bounds ----------------------------------------------------------------------------- */

/* Lanczos bounds contain the exact spectrum (dense ED) and are tight (within 5% of the
 * width), for the chain and a GOE; Gershgorin contains them both; the cache is used. */
static void test_bounds_enclose(void) {
  qb_err e;
  for (int c = 0; c < 2; c++) {
    qb_op *H;
    if (c == 0) QB_ASSERT_OK(fx_chain(10, 1.7, 12, &H, &e), &e);
    else QB_ASSERT_OK(fx_goe_csr(300, 13, &H, &e), &e);
    fx_eig x;
    QB_ASSERT_OK(fx_eig_create(H, &x, &e), &e);
    const double lo_ex = x.E[0], hi_ex = x.E[x.n - 1], w = hi_ex - lo_ex;
    double lo, hi, glo, ghi;
    qb_bounds_info info;
    QB_ASSERT_OK(qb_bounds_compute(H, NULL, &lo, &hi, &info, &e), &e);
    printf("\n  exact [%.6f, %.6f], Lanczos [%.6f, %.6f] (%d steps, residuals %.1e %.1e)",
           lo_ex, hi_ex, lo, hi, info.steps, info.res_min, info.res_max);
    CU_ASSERT(lo <= lo_ex && hi >= hi_ex);
    CU_ASSERT(lo_ex - lo <= 0.05 * w && hi - hi_ex <= 0.05 * w);
    QB_ASSERT_OK(qb_bounds_gershgorin(H->impl, &glo, &ghi, &e), &e);
    CU_ASSERT(glo <= lo_ex && ghi >= hi_ex);
    CU_ASSERT(lo >= glo && hi <= ghi); /* clipped by the proof */
    qb_bounds_params bp = qb_bounds_defaults();
    bp.method = QB_BOUNDS_GERSHGORIN;
    double a, b;
    QB_ASSERT_OK(qb_bounds_compute(H, &bp, &a, &b, NULL, &e), &e);
    CU_ASSERT(a == glo && b == ghi);
    H->emin = -123.0; /* the cache is returned as is */
    QB_ASSERT_OK(qb_bounds_op(H, NULL, &a, &b, &e), &e);
    CU_ASSERT(a == -123.0);
    fx_eig_free(&x);
    qb_op_free(H);
  }
}

/* ---- complex Hermitian H ------------------------------------------------------------------ */

/* A GUE matrix (complex CSR): Chebyshev, Krylov and dense against V e^{-iEt} V^H psi0
 * from zheev through qb_dense_eigh, evaluated with plain loops. */
static void test_gue_all_methods(void) {
  qb_err e;
  const qb_idx n = 120;
  qb_cplx *D = qb_malloc((size_t)(n * n) * sizeof *D), *V = qb_malloc((size_t)(n * n) * sizeof *V);
  qb_idx *ri = qb_malloc((size_t)(n * n) * sizeof *ri), *ci = qb_malloc((size_t)(n * n) * sizeof *ci);
  double *E = qb_malloc((size_t)n * sizeof *E);
  qb_rng r;
  qb_rng_init(&r, 77, 0, 0, 1);
  QB_ASSERT_OK(qb_rmt_gue(&r, n, 0.5 / sqrt((double)n), D, &e), &e);
  memcpy(V, D, (size_t)(n * n) * sizeof *V);
  for (qb_idx k = 0; k < n * n; k++) ri[k] = k / n, ci[k] = k % n;
  qb_csr *A;
  qb_op *H;
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, n * n, ri, ci, D, QB_COMPLEX, &A, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &H, &e), &e);
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, n, V, E, 1, &e), &e);
  qb_cplx *psi0 = qb_malloc((size_t)n * sizeof *psi0), *ref = qb_malloc((size_t)n * sizeof *ref);
  qb_cplx *c = qb_malloc((size_t)n * sizeof *c), *psi = qb_malloc((size_t)n * sizeof *psi);
  for (qb_idx i = 0; i < n; i++) psi0[i] = qb_rng_cnormal(&r);
  const double nr = fx_norm(psi0, n);
  for (qb_idx i = 0; i < n; i++) psi0[i] /= nr;
  const double t = 37.3, tol = 1e-10;
  for (qb_idx k = 0; k < n; k++) { /* c = V^H psi0 e^{-iEt} */
    qb_cplx s = 0;
    for (qb_idx i = 0; i < n; i++) s += conj(V[i * n + k]) * psi0[i];
    c[k] = s * cexp(-I * E[k] * t);
  }
  for (qb_idx i = 0; i < n; i++) {
    qb_cplx s = 0;
    for (qb_idx k = 0; k < n; k++) s += V[i * n + k] * c[k];
    ref[i] = s;
  }
  const qb_prop_type *types[] = {qb_prop_chebyshev, qb_prop_krylov, qb_prop_dense};
  for (int m = 0; m < 3; m++) {
    qb_prop_params p = qb_prop_defaults();
    p.tol = tol;
    qb_prop *P;
    QB_ASSERT_OK(qb_prop_create(types[m], H, &p, &P, &e), &e);
    memcpy(psi, psi0, (size_t)n * sizeof *psi);
    QB_ASSERT_OK(qb_prop_run(P, 1, &psi, &t, 1, NULL, NULL, &e), &e);
    const double d = fx_dist(psi, ref, n);
    printf("\n  GUE %s: |psi - psi_exact| = %.2e", types[m]->name, d);
    CU_ASSERT(d <= tol);
    qb_prop_free(P);
  }
  qb_free(D), qb_free(V), qb_free(ri), qb_free(ci), qb_free(E);
  qb_free(psi0), qb_free(ref), qb_free(c), qb_free(psi);
  qb_op_free(H);
}

/* ---- properties ----------------------------------------------------------------------- */

/* Same bits on 1 and 2 threads, for both iterative methods. */
static void test_thread_reproducible(void) {
  qb_err e;
  qb_op *H;
  QB_ASSERT_OK(fx_chain(10, 1.3, 5, &H, &e), &e);
  const qb_idx n = H->dim;
  const qb_prop_type *types[] = {qb_prop_chebyshev, qb_prop_krylov};
  for (int m = 0; m < 2; m++) {
    qb_cplx *out[2];
    for (int th = 1; th <= 2; th++) {
      omp_set_num_threads(th);
      H->have_bounds = 0; /* recompute the bounds too */
      qb_prop *P;
      QB_ASSERT_OK(qb_prop_create(types[m], H, NULL, &P, &e), &e);
      qb_cplx *psi = qb_calloc((size_t)n, sizeof *psi);
      psi[3] = 0.6;
      psi[700] = 0.8 * I;
      const double t[] = {0.7, 5.3};
      QB_ASSERT_OK(qb_prop_run(P, 1, &psi, t, 2, NULL, NULL, &e), &e);
      out[th - 1] = psi;
      qb_prop_free(P);
    }
    CU_ASSERT(!memcmp(out[0], out[1], (size_t)n * sizeof(qb_cplx)));
    qb_free(out[0]);
    qb_free(out[1]);
  }
  omp_set_num_threads(omp_get_num_procs());
  qb_op_free(H);
}

/* Two states stepped together equal each evolved alone; t = 0 leaves states unchanged. */
static void test_two_states_and_zero_time(void) {
  qb_err e;
  qb_op *H;
  QB_ASSERT_OK(fx_chain(8, 0.9, 6, &H, &e), &e);
  const qb_idx n = H->dim;
  qb_prop *P;
  QB_ASSERT_OK(qb_prop_create(qb_prop_chebyshev, H, NULL, &P, &e), &e);
  qb_cplx *a = qb_calloc((size_t)n, sizeof *a), *b = qb_calloc((size_t)n, sizeof *b);
  qb_cplx *c = qb_calloc((size_t)n, sizeof *c);
  a[17] = 1.0;
  b[200] = 1.0;
  c[200] = 1.0;
  const double t0[] = {0.0};
  qb_cplx *ab[2] = {a, b};
  QB_ASSERT_OK(qb_prop_run(P, 2, ab, t0, 1, NULL, NULL, &e), &e);
  CU_ASSERT(a[17] == 1.0 && b[200] == 1.0);
  const double t[] = {0.0, 2.0, 2.0, 3.5};
  QB_ASSERT_OK(qb_prop_run(P, 2, ab, t, 4, NULL, NULL, &e), &e);
  QB_ASSERT_OK(qb_prop_run(P, 1, &c, t, 4, NULL, NULL, &e), &e);
  CU_ASSERT(!memcmp(b, c, (size_t)n * sizeof *b));
  qb_free(a);
  qb_free(b);
  qb_free(c);
  qb_prop_free(P);
  qb_op_free(H);
}

/* Bounds that cut the spectrum make the Chebyshev series diverge: an error, not a state. */
static void test_violated_bounds(void) {
  qb_err e;
  qb_op *H;
  QB_ASSERT_OK(fx_chain(8, 1.0, 7, &H, &e), &e);
  double lo, hi;
  QB_ASSERT_OK(qb_bounds_op(H, NULL, &lo, &hi, &e), &e);
  H->emin = lo + 0.3 * (hi - lo); /* a wrong cache */
  qb_prop *P;
  QB_ASSERT_OK(qb_prop_create(qb_prop_chebyshev, H, NULL, &P, &e), &e);
  qb_cplx *psi = qb_calloc((size_t)H->dim, sizeof *psi);
  psi[0] = 1.0; /* all up: the highest-field corner, its energy is near the bottom too */
  for (qb_idx i = 0; i < H->dim; i++) psi[i] = 1.0 / sqrt((double)H->dim);
  CU_ASSERT_EQUAL(qb_prop_step(P, psi, 20.0, 1e-10, &e), QB_ERR_NUMERIC);
  qb_free(psi);
  qb_prop_free(P);
  qb_op_free(H);
}

static void test_input_errors(void) {
  qb_err e;
  const qb_prop_type *T;
  QB_ASSERT_OK(qb_prop_type_find("Krylov", &T, &e), &e);
  CU_ASSERT(T == qb_prop_krylov);
  CU_ASSERT_EQUAL(qb_prop_type_find("runge-kutta", &T, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "runge-kutta") != NULL);
  qb_op *H;
  QB_ASSERT_OK(fx_chain(4, 1.0, 8, &H, &e), &e);
  qb_prop_params p = qb_prop_defaults();
  p.tol = 0.0;
  qb_prop *P = NULL;
  CU_ASSERT_EQUAL(qb_prop_create(qb_prop_chebyshev, H, &p, &P, &e), QB_ERR_INPUT);
  CU_ASSERT(P == NULL);
  QB_ASSERT_OK(qb_prop_create(qb_prop_krylov, H, NULL, &P, &e), &e);
  qb_cplx psi[16] = {1.0};
  qb_cplx *pp = psi;
  const double bad[] = {1.0, 0.5};
  CU_ASSERT_EQUAL(qb_prop_run(P, 1, &pp, bad, 2, NULL, NULL, &e), QB_ERR_INPUT);
  CU_ASSERT_EQUAL(qb_prop_step(P, psi, -1.0, 1e-8, &e), QB_ERR_INPUT);
  qb_prop_free(P);
  qb_op_free(H);
  double t[5];
  QB_ASSERT_OK(qb_prop_time_grid_log(0.1, 1000.0, 5, t, &e), &e);
  for (int j = 0; j < 5; j++) QB_ASSERT_CLOSE(t[j], 0.1 * pow(10.0, j), 1e-12 * t[j]);
  QB_ASSERT_OK(qb_prop_time_grid_linear(0.0, 2.0, 5, t, &e), &e);
  QB_ASSERT_CLOSE(t[3], 1.5, 1e-15);
  CU_ASSERT_EQUAL(qb_prop_time_grid_log(0.0, 1.0, 3, t, &e), QB_ERR_INPUT);
}

/* Every allocation of create + a step fails cleanly (ASan checks for leaks). */
static void test_alloc_failures(void) {
  qb_err e;
  qb_op *H;
  QB_ASSERT_OK(fx_chain(5, 1.0, 9, &H, &e), &e);
  const qb_prop_type *types[] = {qb_prop_chebyshev, qb_prop_krylov, qb_prop_dense};
  for (int m = 0; m < 3; m++) {
    int saw_ok = 0;
    for (long k = 0; k < 200 && !saw_ok; k++) {
      H->have_bounds = 0;
      qb_cplx psi[32] = {0};
      psi[5] = 1.0;
      qb_prop *P = NULL;
      qb_alloc_fail_after(k);
      qb_status st = qb_prop_create(types[m], H, NULL, &P, &e);
      if (st == QB_OK) st = qb_prop_step(P, psi, 3.0, 1e-10, &e);
      qb_alloc_fail_after(-1);
      CU_ASSERT(st == QB_OK || st == QB_ERR_NOMEM);
      saw_ok = st == QB_OK;
      qb_prop_free(P);
    }
    CU_ASSERT(saw_ok);
  }
  qb_op_free(H);
}

int main(void) {
  const qb_test_case cases[] = {
      {"Bessel J_k vs libm jn", test_bessel_vs_libm},
      {"Chebyshev order meets tol on scalars", test_cheb_order_scalar},
      {"bounds enclose the spectrum", test_bounds_enclose},
      {"GUE (complex H): all methods vs plain-loop ED", test_gue_all_methods},
      {"bitwise equal on 1 and 2 threads", test_thread_reproducible},
      {"two states in lockstep, zero time", test_two_states_and_zero_time},
      {"violated bounds are detected", test_violated_bounds},
      {"input errors", test_input_errors},
      {"allocation failures", test_alloc_failures},
      {NULL, NULL}};
  return qb_test_main("evolve", cases);
}
