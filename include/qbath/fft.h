/* qbath/fft.h — the one door to FFTW: plans made under the planner lock, executed on
 * caller-owned arrays, and a cache of plans by (kind, length) that its owner frees.
 *
 * Why a wrapper: FFTW's planner (plan creation and destruction) is not thread-safe while
 * execution is, and realizations run concurrently. Every plan in the library is made and
 * destroyed here, inside one named OpenMP critical section, so no two callers can plan at
 * once; qb_fft_execute may run in any number of threads on one shared plan (FFTW's
 * new-array execute functions are thread-safe). All plans use FFTW_ESTIMATE: the algorithm,
 * hence every bit of a result, does not depend on timing.
 *
 * A kind fixes the transform and the array layout the plan was made for (the layout a
 * plan is executed with must match: FFTW specializes on in-place-ness and alignment):
 *   QB_FFT_C2C_BACKWARD  n complex, in place (in == out), out_k = sum_j in_j e^{+2 pi i jk/n};
 *                        arrays from qb_fft_alloc (SIMD-aligned)
 *   QB_FFT_DCT3          n real, in place, FFTW_REDFT01:
 *                        out_k = in_0 + 2 sum_{j>0} in_j cos(pi j (k + 1/2) / n);
 *                        arrays from qb_fft_alloc
 *   QB_FFT_R2C           n real -> n/2 + 1 complex, out of place, any alignment, the input
 *                        destroyed (unnormalized forward transform, sign -1)
 *   QB_FFT_C2R           n/2 + 1 complex -> n real, out of place, any alignment, the input
 *                        destroyed (unnormalized backward transform, sign +1)
 *
 * A cache (qb_fft_cache) holds one plan per (kind, n) made on first request and kept until
 * the cache is freed: the owner (a model's per-point ctx, a solver object) decides how long
 * plans live; nothing here is process-wide besides FFTW's own planner state and its lock. */
#ifndef QBATH_FFT_H
#define QBATH_FFT_H

#include <stddef.h>

#include "qbath/err.h"
#include "qbath/types.h"

typedef enum { QB_FFT_C2C_BACKWARD = 0, QB_FFT_DCT3, QB_FFT_R2C, QB_FFT_C2R } qb_fft_kind;

typedef struct qb_fft_plan qb_fft_plan;
typedef struct qb_fft_cache qb_fft_cache;

/* A plan of `kind` and length n (1 <= n < 2^31). *out = NULL on failure. */
qb_status qb_fft_plan_create(qb_fft_kind kind, qb_idx n, qb_fft_plan **out, qb_err *err);
/* Destroys the plan (under the planner lock); NULL-safe; returns NULL. */
qb_fft_plan *qb_fft_plan_free(qb_fft_plan *p);
/* The transform of p from in to out (laid out as p's kind says; in == out for the in-place
 * kinds). Thread-safe: many threads may execute one plan on their own arrays. */
void qb_fft_execute(const qb_fft_plan *p, void *in, void *out);

/* An empty cache (thread-safe: lookups and planning run under the planner lock). */
qb_status qb_fft_cache_create(qb_fft_cache **out, qb_err *err);
/* Destroys every plan the cache made; NULL-safe; returns NULL. */
qb_fft_cache *qb_fft_cache_free(qb_fft_cache *c);
/* The cache's plan of (kind, n), made on first request; owned by the cache. */
qb_status qb_fft_cache_get(qb_fft_cache *c, qb_fft_kind kind, qb_idx n, const qb_fft_plan **out,
                           qb_err *err);
/* Plans the cache holds (a test's view of reuse). */
int qb_fft_cache_size(const qb_fft_cache *c);

/* SIMD-aligned arrays of n doubles / n complex numbers for the in-place kinds (fftw_malloc;
 * NULL on failure); free them with qb_fft_free (NULL-safe, returns NULL). */
double *qb_fft_alloc_real(size_t n);
qb_cplx *qb_fft_alloc_complex(size_t n);
void *qb_fft_free(void *a);

#endif
