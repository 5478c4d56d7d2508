/* test_evolve.c — the propagators against independent references: Bessel functions from
 * libm's jn, the truncated Chebyshev series on scalars, and exact evolution from a dense
 * eigendecomposition written with plain loops (acceptance 1: GOE N = 2000 and the L = 12
 * random-field Heisenberg chain, tol 1e-8 and 1e-12, t = 1 ... 1000, norm drift); bitwise
 * reproducibility across thread counts; violated bounds; every allocation failure. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evolve_fixtures.h"
#include "harness.h"
#include "qbath/evolve.h"

/* ---- Bessel functions and Chebyshev orders ----------------------------------------- */

static void test_bessel_vs_libm(void) {
  qb_err e;
  const double zs[] = {0.0, 1e-3, 0.37, 2.385, 17.3, 140.6, 1234.5};
  for (size_t i = 0; i < sizeof zs / sizeof zs[0]; i++) {
    const double z = zs[i];
    const int n = (int)(z + 60);
    double J[1400];
    QB_ASSERT_OK(qb_bessel_j_seq(z, n, J, &e), &e);
    double worst = 0;
    for (int k = 0; k <= n; k++) worst = fmax(worst, fabs(J[k] - jn(k, z)));
    /* libm's jn is itself accurate to ~1e-15 absolute for these orders */
    if (worst > 1e-13) printf("\n  z = %g: max |J - jn| = %.3g\n", z, worst);
    CU_ASSERT(worst <= 1e-13);
  }
  CU_ASSERT_EQUAL(qb_bessel_j_seq(-1.0, 3, (double[4]){0}, &e), QB_ERR_INPUT);
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
      const int K = qb_cheb_exp_order(zs[i], tols[t]);
      CU_ASSERT(K >= prevK);
      CU_ASSERT(K >= (int)floor(zs[i]) - 1); /* below z the series has not converged */
      prevK = K;
      double J[1200];
      QB_ASSERT_OK(qb_bessel_j_seq(zs[i], K, J, &e), &e);
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
  CU_ASSERT_EQUAL(qb_cheb_exp_order(0.0, 1e-10), 0);
  CU_ASSERT_EQUAL(qb_cheb_exp_order(1.0, 0.0), -1);
}

/* ---- acceptance 1 ------------------------------------------------------------------- */

/* Keeps a copy of state 0 at every output time. */
typedef struct {
  qb_idx n;
  qb_cplx *store; /* ntimes x n */
} keep_ctx;

static qb_status keep(void *ctx, size_t j, double t, int ns, qb_cplx *const *psi, qb_err *e) {
  keep_ctx *k = ctx;
  memcpy(k->store + j * (size_t)k->n, psi[0], (size_t)k->n * sizeof(qb_cplx));
  return QB_OK;
}

/* Evolves psi0 with method T at tolerance tol through times and compares with ref. */
static void compare_method(qb_op *H, const qb_prop_type *T, double tol, const qb_cplx *psi0,
                           const double *times, int nt, const qb_cplx *ref, const char *label) {
  qb_err e;
  const qb_idx n = H->dim;
  qb_prop_params p = qb_prop_defaults();
  p.tol = tol;
  qb_prop *P;
  QB_ASSERT_OK(qb_prop_create(T, H, &p, &P, &e), &e);
  qb_cplx *psi = qb_malloc((size_t)n * sizeof *psi);
  keep_ctx k = {n, qb_malloc((size_t)nt * (size_t)n * sizeof(qb_cplx))};
  memcpy(psi, psi0, (size_t)n * sizeof *psi);
  QB_ASSERT_OK(qb_prop_run(P, 1, &psi, times, (size_t)nt, keep, &k, &e), &e);
  qb_prop_stats st = qb_prop_get_stats(P);
  for (int j = 0; j < nt; j++) {
    const double d = fx_dist(k.store + j * (size_t)n, ref + j * (size_t)n, n);
    const double drift = fabs(fx_norm(k.store + j * (size_t)n, n) - 1.0);
    printf("\n  %s %s tol %.0e t = %6g: |psi - psi_exact| = %.2e, norm drift %.1e", label,
           T->name, tol, times[j], d, drift);
    CU_ASSERT(d <= tol);
    CU_ASSERT(drift <= tol);
  }
  printf("\n  %s %s tol %.0e: %ld matvecs, %ld steps, max order %d", label, T->name, tol,
         st.matvecs, st.steps, st.max_order);
  qb_free(k.store);
  qb_free(psi);
  qb_prop_free(P);
}

/* Chebyshev and Krylov at tol 1e-8 and 1e-12 (and the dense propagator) against ref. */
static void compare_all(qb_op *H, const qb_cplx *psi0, const double *times, int nt,
                        const qb_cplx *ref, int with_dense, const char *label) {
  const double tols[] = {1e-8, 1e-12};
  for (int t = 0; t < 2; t++) {
    compare_method(H, qb_prop_chebyshev, tols[t], psi0, times, nt, ref, label);
    compare_method(H, qb_prop_krylov, tols[t], psi0, times, nt, ref, label);
  }
  if (with_dense) compare_method(H, qb_prop_dense, 1e-12, psi0, times, nt, ref, label);
}

/* QBATH_TEST_LONG=1 runs the full acceptance (GOE N = 2000 to t = 1000: ~3 min). */
static int long_tests(void) {
  const char *v = getenv("QBATH_TEST_LONG");
  return v && *v == '1';
}

/* GOE: N = 400 at t = 1, 10, 100, 1000 (with the dense propagator) and N = 2000 at
 * t = 1, 10, 100 (to 1000 with QBATH_TEST_LONG=1); a random complex initial state. */
static void goe_case(qb_idx n, int nt, int with_dense) {
  static const double times[] = {1.0, 10.0, 100.0, 1000.0};
  qb_err e;
  qb_op *H;
  QB_ASSERT_OK(fx_goe(n, 31, &H, &e), &e);
  qb_cplx *psi0 = qb_malloc((size_t)n * sizeof *psi0);
  qb_rng r;
  qb_rng_init(&r, 32, 0, 0, 2);
  for (qb_idx i = 0; i < n; i++) psi0[i] = qb_rng_cnormal(&r);
  const double nr = fx_norm(psi0, n);
  for (qb_idx i = 0; i < n; i++) psi0[i] /= nr;
  fx_eig x;
  QB_ASSERT_OK(fx_eig_create(H, &x, &e), &e);
  qb_cplx *ref = qb_malloc((size_t)nt * (size_t)n * sizeof *ref);
  qb_cplx *work = qb_malloc((size_t)n * sizeof *work);
  for (int j = 0; j < nt; j++) fx_eig_evolve(&x, psi0, times[j], ref + j * (size_t)n, work);
  char label[64];
  snprintf(label, sizeof label, "GOE N=%lld", (long long)n);
  compare_all(H, psi0, times, nt, ref, with_dense, label);
  qb_free(ref);
  qb_free(work);
  fx_eig_free(&x);
  qb_free(psi0);
  qb_op_free(H);
}

static void test_accept1_goe(void) {
  goe_case(400, 4, 1);
  goe_case(2000, long_tests() ? 4 : 3, 0);
}

/* The L = 12 chain on the full 2^12 space from the Neel state; the reference is exact
 * evolution in the Sz = 0 sector (dimension 924, where the Neel state lives) by dense ED,
 * scattered back to the full space: independent of the full-space operator. */
static void test_accept1_chain(void) {
  static const double times[] = {1.0, 10.0, 100.0, 1000.0};
  const int nt = 4, L = 12;
  const uint64_t neel = 0x555; /* sites 0, 2, 4, ... up */
  qb_err e;
  qb_op *H, *Hs;
  QB_ASSERT_OK(fx_chain(L, 1.0, 41, &H, &e), &e);
  QB_ASSERT_OK(fx_chain_sector(L, 1.0, 41, L / 2, &Hs, &e), &e);
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  const qb_idx n = H->dim, ns = Hs->dim;
  qb_cplx *psi0 = qb_calloc((size_t)n, sizeof *psi0), *s0 = qb_calloc((size_t)ns, sizeof *s0);
  psi0[neel] = 1.0;
  s0[qb_spin_basis_index(B, neel)] = 1.0;
  fx_eig x;
  QB_ASSERT_OK(fx_eig_create(Hs, &x, &e), &e);
  qb_cplx *ref = qb_calloc((size_t)nt * (size_t)n, sizeof *ref);
  qb_cplx *rs = qb_malloc((size_t)ns * sizeof *rs), *work = qb_malloc((size_t)ns * sizeof *work);
  for (int j = 0; j < nt; j++) {
    fx_eig_evolve(&x, s0, times[j], rs, work);
    for (qb_idx i = 0; i < ns; i++) ref[j * (size_t)n + qb_spin_basis_state(B, i)] = rs[i];
  }
  compare_all(H, psi0, times, nt, ref, 0, "chain L=12");
  qb_free(ref);
  qb_free(rs);
  qb_free(work);
  qb_free(psi0);
  qb_free(s0);
  fx_eig_free(&x);
  qb_spin_basis_free(B);
  qb_op_free(Hs);
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
  QB_ASSERT_OK(qb_op_bounds(H, NULL, &lo, &hi, &e), &e);
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
  QB_ASSERT_OK(qb_time_grid_log(0.1, 1000.0, 5, t, &e), &e);
  for (int j = 0; j < 5; j++) QB_ASSERT_CLOSE(t[j], 0.1 * pow(10.0, j), 1e-12 * t[j]);
  QB_ASSERT_OK(qb_time_grid_linear(0.0, 2.0, 5, t, &e), &e);
  QB_ASSERT_CLOSE(t[3], 1.5, 1e-15);
  CU_ASSERT_EQUAL(qb_time_grid_log(0.0, 1.0, 3, t, &e), QB_ERR_INPUT);
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
      {"acceptance 1: GOE N=2000 vs dense", test_accept1_goe},
      {"acceptance 1: L=12 chain vs dense", test_accept1_chain},
      {"bitwise equal on 1 and 2 threads", test_thread_reproducible},
      {"two states in lockstep, zero time", test_two_states_and_zero_time},
      {"violated bounds are detected", test_violated_bounds},
      {"input errors", test_input_errors},
      {"allocation failures", test_alloc_failures},
      {NULL, NULL}};
  return qb_test_main("evolve", cases);
}
