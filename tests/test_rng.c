/* test_rng.c — Philox streams: moments of the variates, stream separation, addressing. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/rng.h"

/* Samples per moment test: standard errors ~1e-3 of the quantities checked. */
#define N_DRAWS 1000000
/* Tolerance in standard errors for statistical checks. */
#define K_SE 4.0

static void test_uniform_moments(void) {
  qb_rng r;
  qb_rng_init(&r, 20261123, 3, 7, 1);
  qb_stat m = {0}, v = {0};
  int in_range = 1;
  for (long i = 0; i < N_DRAWS; ++i) {
    double u = qb_rng_uniform(&r);
    if (!(u > 0.0 && u < 1.0)) in_range = 0;
    qb_stat_add(&m, u);
    qb_stat_add(&v, (u - 0.5) * (u - 0.5));
  }
  CU_ASSERT(in_range);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m), 0.5, qb_stat_stderr(&m), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&v), 1.0 / 12.0, qb_stat_stderr(&v), K_SE);
  /* the extremes of the 53-bit grid stay strictly inside (0, 1) */
  CU_ASSERT(qb_rng_u64_to_uniform(0) > 0.0);
  CU_ASSERT(qb_rng_u64_to_uniform(UINT64_MAX) < 1.0);
}

static void test_normal_moments(void) {
  qb_rng r;
  qb_rng_init(&r, 99, 0, 0, 2);
  qb_stat m1 = {0}, m2 = {0}, m3 = {0}, m4 = {0};
  for (long i = 0; i < N_DRAWS; ++i) {
    double z = qb_rng_normal(&r);
    qb_stat_add(&m1, z);
    qb_stat_add(&m2, z * z);
    qb_stat_add(&m3, z * z * z);
    qb_stat_add(&m4, z * z * z * z);
  }
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m1), 0.0, qb_stat_stderr(&m1), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m2), 1.0, qb_stat_stderr(&m2), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m3), 0.0, qb_stat_stderr(&m3), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&m4), 3.0, qb_stat_stderr(&m4), K_SE);
}

/* E|z|^2 = 1, E Re^2 = E Im^2 = 1/2, E z^2 = 0 (circular), E Re Im = 0. */
static void test_cnormal_moments(void) {
  qb_rng r;
  qb_rng_init(&r, 5, 1, 2, 3);
  qb_stat a = {0}, re2 = {0}, reim = {0}, z2re = {0};
  for (long i = 0; i < N_DRAWS / 2; ++i) {
    qb_cplx z = qb_rng_cnormal(&r);
    qb_stat_add(&a, creal(z) * creal(z) + cimag(z) * cimag(z));
    qb_stat_add(&re2, creal(z) * creal(z));
    qb_stat_add(&reim, creal(z) * cimag(z));
    qb_stat_add(&z2re, creal(z * z));
  }
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&a), 1.0, qb_stat_stderr(&a), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&re2), 0.5, qb_stat_stderr(&re2), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&reim), 0.0, qb_stat_stderr(&reim), K_SE);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&z2re), 0.0, qb_stat_stderr(&z2re), K_SE);
}

/* Gamma(a, 1): mean a, variance a, third central moment 2a; shapes below and above 1. */
static void test_gamma_moments(void) {
  const double shapes[] = {0.1, 0.5, 0.9, 1.0, 2.7, 40.5};
  const long draws = N_DRAWS / 5;
  for (size_t t = 0; t < sizeof shapes / sizeof shapes[0]; ++t) {
    const double a = shapes[t];
    qb_rng r;
    qb_rng_init(&r, 11, t, 0, 4);
    qb_stat m = {0}, v = {0}, c3 = {0};
    int positive = 1;
    for (long i = 0; i < draws; ++i) {
      double g = qb_rng_gamma(&r, a);
      if (!(g > 0.0) || !isfinite(g)) positive = 0;
      qb_stat_add(&m, g);
      qb_stat_add(&v, (g - a) * (g - a));
      qb_stat_add(&c3, (g - a) * (g - a) * (g - a));
    }
    CU_ASSERT(positive);
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&m), a, qb_stat_stderr(&m), K_SE);
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&v), a, qb_stat_stderr(&v), K_SE);
    QB_ASSERT_WITHIN_SE(qb_stat_mean(&c3), 2.0 * a, qb_stat_stderr(&c3), K_SE);
  }
  qb_rng r;
  qb_rng_init(&r, 1, 1, 1, 1);
  CU_ASSERT(isnan(qb_rng_gamma(&r, 0.0)));
  CU_ASSERT(isnan(qb_rng_gamma(&r, -1.0)));
}

/* First 8 words of the stream (seed, point, realization, purpose). */
static void first_words(uint64_t seed, uint64_t point, uint64_t real, uint64_t purpose,
                        uint64_t out[8]) {
  qb_rng r;
  qb_rng_init(&r, seed, point, real, purpose);
  for (int i = 0; i < 8; ++i) out[i] = qb_rng_u64(&r);
}

static void test_stream_keys(void) {
  uint64_t base[8], again[8], other[8];
  first_words(42, 3, 5, 7, base);
  first_words(42, 3, 5, 7, again);
  CU_ASSERT(memcmp(base, again, sizeof base) == 0); /* same key, same numbers */
  const uint64_t keys[4][4] = {{43, 3, 5, 7}, {42, 4, 5, 7}, {42, 3, 6, 7}, {42, 3, 5, 8}};
  for (int k = 0; k < 4; ++k) {
    first_words(keys[k][0], keys[k][1], keys[k][2], keys[k][3], other);
    int shared = 0; /* words in common: 0 expected for 64-bit outputs */
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j) shared += base[i] == other[j];
    CU_ASSERT_EQUAL(shared, 0);
  }
  /* the words within one stream differ too */
  int repeats = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = i + 1; j < 8; ++j) repeats += base[i] == base[j];
  CU_ASSERT_EQUAL(repeats, 0);
}

/* Block b by address equals words 4b..4b+3 drawn sequentially, and leaves r unchanged. */
static void test_block_addressing(void) {
  qb_rng r;
  qb_rng_init(&r, 7, 8, 9, 10);
  const int nblocks = 5;
  uint64_t seq[20];
  for (int i = 0; i < 4 * nblocks; ++i) seq[i] = qb_rng_u64(&r);
  qb_rng fresh;
  qb_rng_init(&fresh, 7, 8, 9, 10);
  qb_rng copy = fresh;
  for (int b = nblocks - 1; b >= 0; --b) { /* any order */
    uint64_t w[4];
    qb_rng_block(&fresh, (uint64_t)b, w);
    CU_ASSERT(memcmp(w, seq + 4 * b, sizeof w) == 0);
  }
  CU_ASSERT(memcmp(&copy, &fresh, sizeof copy) == 0);
  /* the sequential normals are the Box-Muller pairs of consecutive words */
  double z0, z1;
  qb_rng_u64_to_normal2(seq[0], seq[1], &z0, &z1);
  CU_ASSERT_EQUAL(qb_rng_normal(&fresh), z0);
  CU_ASSERT_EQUAL(qb_rng_normal(&fresh), z1); /* the cached second value */
  CU_ASSERT_EQUAL(qb_rng_uniform(&fresh), qb_rng_u64_to_uniform(seq[2]));
}

int main(void) {
  const qb_test_case cases[] = {{"uniform moments", test_uniform_moments},
                                {"normal moments", test_normal_moments},
                                {"complex normal moments", test_cnormal_moments},
                                {"gamma moments", test_gamma_moments},
                                {"stream keys", test_stream_keys},
                                {"block addressing", test_block_addressing},
                                {NULL, NULL}};
  return qb_test_main("rng", cases);
}
