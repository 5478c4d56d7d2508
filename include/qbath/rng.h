/* qbath/rng.h — counter-based random numbers (Philox4x64-10 from Random123).
 *
 * A stream is keyed by (campaign seed, sweep point, realization, purpose): the same key
 * gives the same numbers whatever thread or MPI rank draws them, so results never depend
 * on the thread count or on scheduling. "purpose" separates independent quantities of one
 * realization (the grain matrix, the fields, the initial state, ...) so that adding a new
 * random quantity to a model does not shift the numbers of the others.
 *
 * Two ways to draw: sequentially (qb_rng_u64/uniform/normal advance the stream), or by
 * address (qb_rng_block returns the 4 words of block b without changing the stream),
 * which lets an OpenMP loop fill element k of a matrix from block k, identically on any
 * thread count. The struct is small and copied freely; no global state. */
#ifndef QBATH_RNG_H
#define QBATH_RNG_H

#include <stdint.h>
#include <stddef.h> /* size_t, used by types.h */
#include "qbath/types.h"

typedef struct qb_rng {
  uint64_t key[2];      /* {seed, purpose} */
  uint64_t ctr[4];      /* {block, realization, point, 0}; ctr[0] advances */
  uint64_t buf[4];      /* the current block's output */
  int pos;              /* next unused word of buf (4 = empty) */
  int have_cached;      /* 1 if cached_normal holds the second Box-Muller value */
  double cached_normal;
} qb_rng;

/* Initialises the stream for (seed, point, realization, purpose) at block 0. */
void qb_rng_init(qb_rng *r, uint64_t seed, uint64_t point, uint64_t realization,
                 uint64_t purpose);

/* Next 64 random bits. */
uint64_t qb_rng_u64(qb_rng *r);
/* Uniform in the open interval (0, 1) (53-bit resolution; never 0, never 1). */
double qb_rng_uniform(qb_rng *r);
/* Standard normal N(0, 1) (Box-Muller). */
double qb_rng_normal(qb_rng *r);
/* Complex normal with E|z|^2 = 1 (real and imaginary parts N(0, 1/2)). */
qb_cplx qb_rng_cnormal(qb_rng *r);
/* Gamma(shape, 1) variate, shape > 0 (Marsaglia-Tsang); chi^2_k = 2 Gamma(k/2). */
double qb_rng_gamma(qb_rng *r, double shape);

/* The 4 words of block b of this stream, by address; r is not changed. Block numbers
 * used this way should not overlap those drawn sequentially from the same stream. */
void qb_rng_block(const qb_rng *r, uint64_t b, uint64_t out[4]);
/* Converts a 64-bit word to a uniform in (0, 1), as qb_rng_uniform does. */
double qb_rng_u64_to_uniform(uint64_t w);
/* Two independent N(0,1) from two words (Box-Muller), for by-address filling. */
void qb_rng_u64_to_normal2(uint64_t w0, uint64_t w1, double *z0, double *z1);

#endif
