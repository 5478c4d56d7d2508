/* test_dense.c — dense Hermitian and tridiagonal eigensolvers against hand-made cases,
 * residuals and orthonormality. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/rng.h"

/* Residual tolerances are C n eps ||A||, C a safety factor for backward-stable solvers. */
#define TOL_FACTOR 10.0

/* T = tridiag(1, 2, 1) (3x3) has eigenvalues 2 - sqrt 2, 2, 2 + sqrt 2; the upper triangle
 * holds garbage that the solver must not read. */
static void test_real_3x3(void) {
  double A[9] = {2, 99, -77, 1, 2, 55, 0, 1, 2}, w[3];
  qb_err e;
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, 3, A, w, 1, &e), &e);
  const double ex[3] = {2 - sqrt(2), 2, 2 + sqrt(2)};
  for (int k = 0; k < 3; ++k) QB_ASSERT_CLOSE(w[k], ex[k], 16 * DBL_EPSILON);
  /* eigenvector of 2 + sqrt2 is (1, sqrt2, 1)/2 up to sign: column 2 */
  const double sgn = A[0 * 3 + 2] > 0 ? 1.0 : -1.0;
  QB_ASSERT_CLOSE(sgn * A[0 * 3 + 2], 0.5, 16 * DBL_EPSILON);
  QB_ASSERT_CLOSE(sgn * A[1 * 3 + 2], M_SQRT1_2, 16 * DBL_EPSILON);
  QB_ASSERT_CLOSE(sgn * A[2 * 3 + 2], 0.5, 16 * DBL_EPSILON);
}

/* H = D T D^H with D = diag(1, i, -1) unitary: the complex Hermitian matrix with the
 * spectrum of tridiag(1, 2, 1): H_{01} = conj(i) = -i, H_{12} = i conj(-1) = -i. */
static void test_complex_3x3(void) {
  qb_cplx A[9] = {2, 0, 0, I, 2, 0, 0, I, 2};
  double w[3];
  qb_err e;
  QB_ASSERT_OK(qb_dense_eigh(QB_COMPLEX, 3, A, w, 0, &e), &e);
  const double ex[3] = {2 - sqrt(2), 2, 2 + sqrt(2)};
  for (int k = 0; k < 3; ++k) QB_ASSERT_CLOSE(w[k], ex[k], 16 * DBL_EPSILON);
}

/* Random symmetric / Hermitian matrix of size n with entries from a normal stream. */
static void random_matrix(qb_dtype t, qb_idx n, void *A, uint64_t seed) {
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 0);
  for (qb_idx i = 0; i < n; ++i)
    for (qb_idx j = 0; j <= i; ++j) {
      if (t == QB_REAL) {
        double x = qb_rng_normal(&r);
        ((double *)A)[i * n + j] = ((double *)A)[j * n + i] = x;
      } else {
        qb_cplx z = i == j ? qb_rng_normal(&r) : qb_rng_cnormal(&r);
        ((qb_cplx *)A)[i * n + j] = z;
        ((qb_cplx *)A)[j * n + i] = conj(z);
      }
    }
}

/* max |A v_k - w_k v_k| and max |V^H V - 1| for eigenvectors as columns of V. */
static void residuals(qb_dtype t, qb_idx n, const void *A, const void *V, const double *w,
                      double *res, double *orth) {
  *res = 0.0;
  *orth = 0.0;
  for (qb_idx k = 0; k < n; ++k) {
    for (qb_idx i = 0; i < n; ++i) {
      qb_cplx s = 0.0;
      for (qb_idx j = 0; j < n; ++j)
        s += t == QB_REAL ? ((const double *)A)[i * n + j] * ((const double *)V)[j * n + k]
                          : ((const qb_cplx *)A)[i * n + j] * ((const qb_cplx *)V)[j * n + k];
      qb_cplx vik = t == QB_REAL ? ((const double *)V)[i * n + k] : ((const qb_cplx *)V)[i * n + k];
      *res = fmax(*res, cabs(s - w[k] * vik));
    }
    for (qb_idx l = 0; l < n; ++l) {
      qb_cplx s = 0.0;
      for (qb_idx i = 0; i < n; ++i)
        s += t == QB_REAL ? ((const double *)V)[i * n + k] * ((const double *)V)[i * n + l]
                          : conj(((const qb_cplx *)V)[i * n + k]) * ((const qb_cplx *)V)[i * n + l];
      *orth = fmax(*orth, cabs(s - (k == l ? 1.0 : 0.0)));
    }
  }
}

static void check_random(qb_dtype t, qb_idx n) {
  const size_t sz = qb_dtype_size(t) * (size_t)(n * n);
  void *A = qb_malloc(sz), *V = qb_malloc(sz);
  double *w = qb_malloc(sizeof(double) * (size_t)n), *w2 = qb_malloc(sizeof(double) * (size_t)n);
  CU_ASSERT_FATAL(A && V && w && w2);
  random_matrix(t, n, A, 314 + (uint64_t)t);
  memcpy(V, A, sz);
  qb_err e;
  QB_ASSERT_OK(qb_dense_eigh(t, n, V, w, 1, &e), &e);
  double res, orth, norm = 0.0; /* ||A|| = max |w| */
  for (qb_idx k = 0; k < n; ++k) norm = fmax(norm, fabs(w[k]));
  residuals(t, n, A, V, w, &res, &orth);
  const double tol = TOL_FACTOR * (double)n * DBL_EPSILON;
  if (res > tol * norm || orth > tol) printf("\n  n %ld res %g orth %g\n", (long)n, res, orth);
  CU_ASSERT(res <= tol * norm);
  CU_ASSERT(orth <= tol);
  int ascending = 1;
  for (qb_idx k = 1; k < n; ++k) ascending &= w[k] >= w[k - 1];
  CU_ASSERT(ascending);
  /* eigenvalues alone agree with those computed with vectors; sum = trace */
  memcpy(V, A, sz);
  QB_ASSERT_OK(qb_dense_eigh(t, n, V, w2, 0, &e), &e);
  double tr = 0.0, sw = 0.0;
  for (qb_idx k = 0; k < n; ++k) {
    QB_ASSERT_CLOSE(w2[k], w[k], tol * norm);
    sw += w[k];
    tr += t == QB_REAL ? ((double *)A)[k * n + k] : creal(((qb_cplx *)A)[k * n + k]);
  }
  QB_ASSERT_CLOSE(sw, tr, tol * norm * sqrt((double)n));
  qb_free(A); qb_free(V); qb_free(w); qb_free(w2);
}

static void test_random_real(void) { check_random(QB_REAL, 150); }
static void test_random_complex(void) { check_random(QB_COMPLEX, 120); }

/* The same tridiagonal matrix through dsterf/dstev and through the dense solver. */
static void test_tridiag_vs_dense(void) {
  const qb_idx n = 200;
  double *d = qb_malloc(sizeof(double) * n), *e = qb_malloc(sizeof(double) * n);
  double *d2 = qb_malloc(sizeof(double) * n), *e2 = qb_malloc(sizeof(double) * n);
  double *A = qb_calloc((size_t)(n * n), sizeof(double)), *Z = qb_malloc(sizeof(double) * n * n);
  double *w = qb_malloc(sizeof(double) * n);
  CU_ASSERT_FATAL(d && e && d2 && e2 && A && Z && w);
  qb_rng r;
  qb_rng_init(&r, 2718, 0, 0, 0);
  for (qb_idx k = 0; k < n; ++k) d[k] = qb_rng_normal(&r);
  for (qb_idx k = 0; k + 1 < n; ++k) e[k] = qb_rng_normal(&r);
  for (qb_idx k = 0; k < n; ++k) {
    A[k * n + k] = d[k];
    if (k + 1 < n) A[(k + 1) * n + k] = A[k * n + k + 1] = e[k];
  }
  memcpy(d2, d, sizeof(double) * n);
  memcpy(e2, e, sizeof(double) * n);
  qb_err err;
  QB_ASSERT_OK(qb_dense_tridiag_eigh(n, d2, e2, NULL, &err), &err);
  double *Ac = qb_malloc(sizeof(double) * n * n);
  CU_ASSERT_FATAL(Ac != NULL);
  memcpy(Ac, A, sizeof(double) * n * n);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, n, Ac, w, 0, &err), &err);
  double norm = fmax(fabs(w[0]), fabs(w[n - 1]));
  const double tol = TOL_FACTOR * (double)n * DBL_EPSILON * norm;
  CU_ASSERT(qb_max_abs_diff(d2, w, (size_t)n) <= tol);
  /* with vectors (dstev): residual and the same values */
  memcpy(d2, d, sizeof(double) * n);
  memcpy(e2, e, sizeof(double) * n);
  QB_ASSERT_OK(qb_dense_tridiag_eigh(n, d2, e2, Z, &err), &err);
  CU_ASSERT(qb_max_abs_diff(d2, w, (size_t)n) <= tol);
  double res, orth;
  residuals(QB_REAL, n, A, Z, d2, &res, &orth);
  CU_ASSERT(res <= tol);
  CU_ASSERT(orth <= TOL_FACTOR * (double)n * DBL_EPSILON);
  qb_free(d); qb_free(e); qb_free(d2); qb_free(e2); qb_free(A); qb_free(Z); qb_free(w);
  qb_free(Ac);
}

static void test_errors(void) {
  qb_err e;
  double A[1] = {3.5}, w[1];
  CU_ASSERT_EQUAL(qb_dense_eigh(QB_REAL, -2, A, w, 0, &e), QB_ERR_DIM);
  CU_ASSERT(strstr(e.msg, "-2") != NULL);
  CU_ASSERT_EQUAL(qb_dense_eigh(QB_REAL, 1, NULL, w, 0, &e), QB_ERR_INPUT);
  CU_ASSERT_EQUAL(qb_dense_tridiag_eigh(-1, A, NULL, NULL, &e), QB_ERR_DIM);
  QB_ASSERT_OK(qb_dense_eigh(QB_REAL, 1, A, w, 1, &e), &e);
  CU_ASSERT_EQUAL(w[0], 3.5);
  double d[1] = {-1.25};
  QB_ASSERT_OK(qb_dense_tridiag_eigh(1, d, NULL, NULL, &e), &e);
  CU_ASSERT_EQUAL(d[0], -1.25);
}

int main(void) {
  const qb_test_case cases[] = {{"real 3x3", test_real_3x3},
                                {"complex 3x3", test_complex_3x3},
                                {"random real: residual, orthonormality", test_random_real},
                                {"random complex: residual, orthonormality", test_random_complex},
                                {"tridiagonal vs dense", test_tridiag_vs_dense},
                                {"errors", test_errors},
                                {NULL, NULL}};
  return qb_test_main("dense", cases);
}
