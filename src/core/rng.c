/* rng.c — counter-based random streams (Philox4x64-10, Random123) and their variates. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* M_PI, M_SQRT2 under strict -std=c11 (CMake uses gnu11) */
#endif
#include "qbath/rng.h"

#include <math.h>
#include <string.h>

#include <Random123/philox.h>

/* 2^-53: the spacing of the 53-bit uniform grid. */
#define QB_RNG_TWO_M53 (1.0 / 9007199254740992.0)

void qb_rng_init(qb_rng *r, uint64_t seed, uint64_t point, uint64_t realization,
                 uint64_t purpose) {
  memset(r, 0, sizeof *r);
  r->key[0] = seed;
  r->key[1] = purpose;
  r->ctr[0] = 0;
  r->ctr[1] = realization;
  r->ctr[2] = point;
  r->ctr[3] = 0;
  r->pos = 4;
  r->have_cached = 0;
}

/* out = Philox4x64-10(counter {b, ctr[1..3]}, key). */
void qb_rng_block(const qb_rng *r, uint64_t b, uint64_t out[4]) {
  philox4x64_ctr_t c = {{b, r->ctr[1], r->ctr[2], r->ctr[3]}};
  philox4x64_key_t k = {{r->key[0], r->key[1]}};
  philox4x64_ctr_t o = philox4x64(c, k);
  for (int i = 0; i < 4; ++i) out[i] = o.v[i];
}

uint64_t qb_rng_u64(qb_rng *r) {
  if (r->pos >= 4) {
    qb_rng_block(r, r->ctr[0], r->buf);
    r->ctr[0]++;
    r->pos = 0;
  }
  return r->buf[r->pos++];
}

/* u = k 2^-53 with k the top 53 bits: the 53-bit grid [0, 1 - 2^-53], with the one
 * point k = 0 moved to 2^-54 so that 0 < u < 1 and Box-Muller's logarithm stays finite.
 * (Grid midpoints (k + 1/2) 2^-53 would round to 1.0 at the top.) */
double qb_rng_u64_to_uniform(uint64_t w) {
  const uint64_t k = w >> 11;
  return k ? (double)k * QB_RNG_TWO_M53 : 0.5 * QB_RNG_TWO_M53;
}

double qb_rng_uniform(qb_rng *r) { return qb_rng_u64_to_uniform(qb_rng_u64(r)); }

/* Box-Muller: z0 + i z1 = sqrt(-2 ln u1) exp(2 pi i u2). */
void qb_rng_u64_to_normal2(uint64_t w0, uint64_t w1, double *z0, double *z1) {
  double u1 = qb_rng_u64_to_uniform(w0), u2 = qb_rng_u64_to_uniform(w1);
  double rad = sqrt(-2.0 * log(u1)), ph = 2.0 * M_PI * u2;
  *z0 = rad * cos(ph);
  *z1 = rad * sin(ph);
}

double qb_rng_normal(qb_rng *r) {
  if (r->have_cached) {
    r->have_cached = 0;
    return r->cached_normal;
  }
  uint64_t w0 = qb_rng_u64(r), w1 = qb_rng_u64(r);
  double z0, z1;
  qb_rng_u64_to_normal2(w0, w1, &z0, &z1);
  r->cached_normal = z1;
  r->have_cached = 1;
  return z0;
}

qb_cplx qb_rng_cnormal(qb_rng *r) {
  double x = qb_rng_normal(r), y = qb_rng_normal(r);
  return M_SQRT1_2 * (x + I * y);
}

/* Marsaglia & Tsang, ACM TOMS 26, 363 (2000), for shape >= 1: d = a - 1/3, c = 1/sqrt(9d),
 * v = (1 + c x)^3 with x normal, accept d v when ln u < x^2/2 + d - d v + d ln v. */
static double gamma_mt(qb_rng *r, double a) {
  const double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x = qb_rng_normal(r), v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    double u = qb_rng_uniform(r);
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) return d * v;
  }
}

/* For shape < 1: Gamma(a) = Gamma(a + 1) U^{1/a} (Marsaglia-Tsang, sec. 6; as in boost). */
double qb_rng_gamma(qb_rng *r, double shape) {
  if (!(shape > 0.0)) return NAN;
  if (shape >= 1.0) return gamma_mt(r, shape);
  double g = gamma_mt(r, shape + 1.0);
  return g * pow(qb_rng_uniform(r), 1.0 / shape);
}
