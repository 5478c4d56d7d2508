/* test_fft.c — the FFTW wrapper (qbath/fft.h): each kind against its defining sum on random
 * input, the cache's reuse (one plan per kind and length, owned and freed by the cache),
 * and one plan executed by many threads at once giving the serial bits. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/fft.h"
#include "qbath/rng.h"

/* A length with factors 2, 3, 5 and 7 (FFTW's generic and codelet paths). */
enum { N = 210 };

/* Rounding of an n-term sum of O(1) terms: n eps times a safety factor of 8 for the
 * naive O(n^2) reference (each output is n products summed in order). */
static double tol(int n) { return 8.0 * n * DBL_EPSILON; }

static void test_c2c_backward(void) {
  qb_err e;
  qb_fft_plan *p = NULL;
  QB_ASSERT_OK(qb_fft_plan_create(QB_FFT_C2C_BACKWARD, N, &p, &e), &e);
  qb_cplx *a = qb_fft_alloc_complex(N), x[N];
  qb_rng r;
  qb_rng_init(&r, 2385, 1, 0, 0);
  for (int j = 0; j < N; j++) x[j] = a[j] = qb_rng_cnormal(&r);
  qb_fft_execute(p, a, a);
  double worst = 0;
  for (int k = 0; k < N; k++) {
    qb_cplx s = 0;
    for (int j = 0; j < N; j++) s += x[j] * cexp(2.0 * M_PI * I * (double)((j * k) % N) / N);
    worst = fmax(worst, cabs(a[k] - s) / sqrt((double)N));
  }
  CU_ASSERT(worst < tol(N));
  qb_fft_free(a);
  CU_ASSERT_PTR_NULL(qb_fft_plan_free(p));
}

static void test_dct3(void) {
  qb_err e;
  qb_fft_plan *p = NULL;
  QB_ASSERT_OK(qb_fft_plan_create(QB_FFT_DCT3, N, &p, &e), &e);
  double *a = qb_fft_alloc_real(N), x[N];
  qb_rng r;
  qb_rng_init(&r, 2385, 2, 0, 0);
  for (int j = 0; j < N; j++) x[j] = a[j] = qb_rng_normal(&r);
  qb_fft_execute(p, a, a);
  double worst = 0;
  for (int k = 0; k < N; k++) {
    double s = x[0];
    for (int j = 1; j < N; j++) s += 2.0 * x[j] * cos(M_PI * j * (k + 0.5) / N);
    worst = fmax(worst, fabs(a[k] - s) / sqrt((double)N));
  }
  CU_ASSERT(worst < tol(N));
  qb_fft_free(a);
  qb_fft_plan_free(p);
}

/* r2c then c2r is n times the identity; the r2c spectrum is the forward DFT. */
static void test_r2c_c2r(void) {
  qb_err e;
  qb_fft_plan *f = NULL, *b = NULL;
  QB_ASSERT_OK(qb_fft_plan_create(QB_FFT_R2C, N, &f, &e), &e);
  QB_ASSERT_OK(qb_fft_plan_create(QB_FFT_C2R, N, &b, &e), &e);
  double *x = qb_malloc(N * sizeof *x), *keep = qb_malloc(N * sizeof *keep);
  qb_cplx *c = qb_malloc((N / 2 + 1) * sizeof *c); /* qb_malloc: any alignment */
  qb_rng r;
  qb_rng_init(&r, 2385, 3, 0, 0);
  for (int j = 0; j < N; j++) keep[j] = x[j] = qb_rng_normal(&r);
  qb_fft_execute(f, x, c);
  double worst = 0;
  for (int k = 0; k <= N / 2; k++) {
    qb_cplx s = 0;
    for (int j = 0; j < N; j++) s += keep[j] * cexp(-2.0 * M_PI * I * (double)((j * k) % N) / N);
    worst = fmax(worst, cabs(c[k] - s) / sqrt((double)N));
  }
  CU_ASSERT(worst < tol(N));
  qb_fft_execute(b, c, x);
  worst = 0;
  for (int j = 0; j < N; j++) worst = fmax(worst, fabs(x[j] / N - keep[j]));
  CU_ASSERT(worst < tol(N));
  qb_free(x), qb_free(keep), qb_free(c);
  qb_fft_plan_free(f);
  qb_fft_plan_free(b);
}

static void test_cache(void) {
  qb_err e;
  qb_fft_cache *c = NULL;
  QB_ASSERT_OK(qb_fft_cache_create(&c, &e), &e);
  const qb_fft_plan *p1, *p2, *p3, *p4;
  QB_ASSERT_OK(qb_fft_cache_get(c, QB_FFT_C2C_BACKWARD, 64, &p1, &e), &e);
  QB_ASSERT_OK(qb_fft_cache_get(c, QB_FFT_C2C_BACKWARD, 64, &p2, &e), &e);
  QB_ASSERT_OK(qb_fft_cache_get(c, QB_FFT_C2C_BACKWARD, 96, &p3, &e), &e);
  QB_ASSERT_OK(qb_fft_cache_get(c, QB_FFT_DCT3, 64, &p4, &e), &e);
  CU_ASSERT_PTR_EQUAL(p1, p2); /* same kind and length: the one plan */
  CU_ASSERT(p3 != p1 && p4 != p1 && p4 != p3);
  CU_ASSERT_EQUAL(qb_fft_cache_size(c), 3);
  CU_ASSERT_EQUAL(qb_fft_cache_get(c, QB_FFT_R2C, 0, &p1, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(p1);
  CU_ASSERT_EQUAL(qb_fft_cache_size(c), 3);
  CU_ASSERT_PTR_NULL(qb_fft_cache_free(c));
  CU_ASSERT_PTR_NULL(qb_fft_cache_free(NULL));
  CU_ASSERT_PTR_NULL(qb_fft_plan_free(NULL));
}

/* Threads that fetch from one cache and execute its plan on their own arrays get one plan
 * and the serial bits (planning is serialized by the wrapper's lock; execution is
 * thread-safe). */
static void test_threads(void) {
  enum { T = 8, M = 1000 };
  qb_err e;
  qb_fft_cache *c = NULL;
  QB_ASSERT_OK(qb_fft_cache_create(&c, &e), &e);
  qb_cplx *ref = qb_fft_alloc_complex(M);
  for (int j = 0; j < M; j++) ref[j] = sin(0.37 * j) + I * cos(1.3 * j);
  const qb_fft_plan *p;
  QB_ASSERT_OK(qb_fft_plan_create(QB_FFT_C2C_BACKWARD, M, (qb_fft_plan **)&p, &e), &e);
  qb_fft_execute(p, ref, ref);
  qb_fft_plan_free((qb_fft_plan *)p);
  int same = 0;
  const qb_fft_plan *got[T];
#pragma omp parallel for default(none) shared(c, ref, got) reduction(+ : same) num_threads(T)
  for (int t = 0; t < T; t++) {
    qb_err te;
    qb_cplx *a = qb_fft_alloc_complex(M);
    for (int j = 0; j < M; j++) a[j] = sin(0.37 * j) + I * cos(1.3 * j);
    if (qb_fft_cache_get(c, QB_FFT_C2C_BACKWARD, M, &got[t], &te) == QB_OK) {
      qb_fft_execute(got[t], a, a);
      same += !memcmp(a, ref, M * sizeof *a);
    }
    qb_fft_free(a);
  }
  CU_ASSERT_EQUAL(same, T);
  for (int t = 1; t < T; t++) CU_ASSERT_PTR_EQUAL(got[t], got[0]);
  CU_ASSERT_EQUAL(qb_fft_cache_size(c), 1);
  qb_fft_free(ref);
  qb_fft_cache_free(c);
}

int main(void) {
  const qb_test_case cases[] = {{"c2c backward = its DFT sum", test_c2c_backward},
                                {"DCT-III = its cosine sum", test_dct3},
                                {"r2c = forward DFT, c2r inverts it", test_r2c_c2r},
                                {"cache: one plan per kind and length", test_cache},
                                {"one plan, many threads, serial bits", test_threads},
                                {NULL, NULL}};
  return qb_test_main("fft", cases);
}
