/* blas_threads.h — how many threads the BLAS/LAPACK library may use inside one call.
 *
 * Debian's OpenBLAS (pthread build) keeps its own thread pool, separate from OpenMP.
 * When every OpenMP thread runs its own small realization and calls LAPACK, the pools
 * oversubscribe the cores and spin: the random-field Heisenberg campaign (L = 12, dense
 * ED, 2 threads) ran 3.5x slower, most of it system time. Callers that run one BLAS call
 * per OpenMP thread therefore set 1 here for the duration, and restore the old value. */
#ifndef QBATH_BLAS_THREADS_H
#define QBATH_BLAS_THREADS_H

/* Sets the BLAS thread count (n >= 1) and returns the previous one; a no-op returning 1
 * when the BLAS library has no such control. */
int qb_blas_threads_set(int n);

#endif
