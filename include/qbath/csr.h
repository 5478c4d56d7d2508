/* qbath/csr.h — compressed sparse row matrices, real or complex, and their OpenMP SpMV.
 *
 * Row pointers and column indices are 64-bit (qb_idx): dimensions and nonzero counts past
 * 2^31 work. A matrix that is only applied (time evolution) can be narrowed to 32-bit
 * column indices (qb_csr_narrow): 12 instead of 16 bytes per real nonzero streamed by
 * every SpMV, and 4 bytes less stored. Within a row, columns are sorted ascending and unique (assembly sums
 * duplicates). The SpMV splits rows among threads by nonzeros, not by rows, so that
 * threads get equal work on matrices with uneven rows; the split is computed once and
 * cached in the matrix (qb_csr_partition). Each y entry is written by exactly one thread
 * with a fixed summation order, so results are bitwise identical on any thread count. */
#ifndef QBATH_CSR_H
#define QBATH_CSR_H

#include "qbath/err.h"
#include <stdint.h>

#include "qbath/types.h"

typedef struct qb_csr {
  qb_idx nrows;        /* number of rows */
  qb_idx ncols;        /* number of columns */
  qb_dtype dtype;      /* QB_REAL: val is double[nnz]; QB_COMPLEX: val is qb_cplx[nnz] */
  qb_idx *rowptr;      /* size nrows+1; row i holds entries rowptr[i] .. rowptr[i+1]-1 */
  qb_idx *colind;      /* size nnz; sorted ascending within each row, unique; NULL if narrow */
  uint32_t *colind32;  /* narrow matrices (qb_csr_narrow): the same indices, 32-bit; else NULL */
  void *val;           /* size nnz, of dtype */
  int nparts;          /* number of cached row blocks (0 = not yet computed) */
  qb_idx *part;        /* size nparts+1: row block p is rows part[p] .. part[p+1]-1 */
} qb_csr;

/* Column index of entry k, of either width. */
static inline qb_idx qb_csr_col(const qb_csr *A, qb_idx k) {
  return A->colind ? A->colind[k] : (qb_idx)A->colind32[k];
}

/* Number of stored entries. */
static inline qb_idx qb_csr_nnz(const qb_csr *A) { return A->rowptr[A->nrows]; }

/* Allocates an nrows x ncols matrix with room for nnz entries; rowptr is zeroed. */
qb_status qb_csr_create(qb_idx nrows, qb_idx ncols, qb_idx nnz, qb_dtype dtype,
                        qb_csr **out, qb_err *err);
/* Frees A and everything it owns; NULL is a no-op; returns NULL. */
qb_csr *qb_csr_free(qb_csr *A);

/* Deep copy. */
qb_status qb_csr_copy(const qb_csr *A, qb_csr **out, qb_err *err);

/* Assembly from triplets (row[k], col[k], val[k]), k < n; duplicates are summed, entries
 * that sum to exactly zero are kept (the pattern is what the caller gave). val is double*
 * for QB_REAL and qb_cplx* for QB_COMPLEX. Indices out of range are QB_ERR_INPUT. */
qb_status qb_csr_from_triplets(qb_idx nrows, qb_idx ncols, qb_idx n, const qb_idx *row,
                               const qb_idx *col, const void *val, qb_dtype dtype,
                               qb_csr **out, qb_err *err);
/* Bytes at the peak of qb_csr_from_triplets for n triplets of dtype, the caller's
 * triplets included (for memory estimates). */
double qb_csr_from_triplets_bytes(double n, qb_dtype dtype);

/* A_ij as complex (real matrices promote), by binary search in row i (columns sorted);
 * 0 when (i, j) is not stored. */
qb_cplx qb_csr_get(const qb_csr *A, qb_idx i, qb_idx j);

/* Hermiticity (symmetry for real): max |A_ij - conj(A_ji)| over the pattern, relative to
 * max |A_ij|, written to *rel_defect; QB_OK whether or not it is Hermitian. */
qb_status qb_csr_hermiticity(const qb_csr *A, double *rel_defect, qb_err *err);

/* Dense row-major copy (tests and small systems): out has nrows*ncols entries of dtype. */
qb_status qb_csr_to_dense(const qb_csr *A, void *out, qb_err *err);

/* Converts a real matrix to complex (in place; no-op if already complex). */
qb_status qb_csr_make_complex(qb_csr *A, qb_err *err);

/* Row blocks with about equal work for nthreads threads, work = nonzeros + 1 per row (the
 * y write); cached in A, recomputed when nthreads changes. Called by the SpMV (with
 * omp_get_max_threads()); exposed for benchmarks. Not thread-safe on the same A. */
qb_status qb_csr_partition(qb_csr *A, int nthreads, qb_err *err);

/* y <- alpha * (A - shift) x + beta * y, the fused form Chebyshev and Krylov recurrences
 * need (one pass over x and y). A real or complex; x, y real only when A is real
 * (vtype = QB_REAL), else complex. y must not alias x. alpha, shift, beta are real.
 * beta = 0 overwrites y without reading it (NaN in y does not propagate). */
qb_status qb_csr_spmv(qb_csr *A, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err);

/* Narrows A's column indices to 32 bits in place (the 64-bit array is packed and shrunk,
 * so the peak never holds both); QB_ERR_DIM when ncols > 2^32 - 1, and A is unchanged.
 * Afterwards only the SpMV, qb_csr_get, _hermiticity, _to_dense, _copy, _free and the
 * Gershgorin bounds read A: code that reads colind (factorizations, Matrix Market writer,
 * Kronecker assembly) must be given a matrix that was never narrowed. The SpMV's sums are
 * bitwise the same at either width. */
qb_status qb_csr_narrow(qb_csr *A, qb_err *err);

#endif
