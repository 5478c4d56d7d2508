/* qbath/types.h — scalar, index and element-type conventions shared by every module.
 *
 * Indices are 64-bit (qb_idx) so that dimensions and nonzero counts past 2^31 work.
 * Complex numbers are C99 double complex, stored interleaved (re, im) as LAPACK and
 * FFTW expect. Dense matrices are row-major unless a function says otherwise. */
#ifndef QBATH_TYPES_H
#define QBATH_TYPES_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t qb_idx;
typedef double complex qb_cplx;

/* Element type of a matrix or vector. */
typedef enum { QB_REAL = 0, QB_COMPLEX = 1 } qb_dtype;

/* Bytes per element of a given type. */
static inline size_t qb_dtype_size(qb_dtype t) { return t == QB_REAL ? sizeof(double) : sizeof(qb_cplx); }

#endif
