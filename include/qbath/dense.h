/* qbath/dense.h — dense Hermitian eigensolvers (LAPACKE dsyevd / zheevd) behind one call.
 *
 * Matrices are row-major n x n. On return w holds the eigenvalues ascending; with
 * want_vectors, A holds the eigenvectors as columns: A[i*n + k] is component i of
 * eigenvector k. The input is read from the full matrix's lower triangle in row-major
 * terms (upper in LAPACK's column-major view), so a Hermitian input is all it needs. */
#ifndef QBATH_DENSE_H
#define QBATH_DENSE_H

#include "qbath/err.h"
#include <stddef.h> /* size_t, used by types.h */
#include "qbath/types.h"

qb_status qb_dense_eigh(qb_dtype dtype, qb_idx n, void *A, double *w, int want_vectors,
                        qb_err *err);
/* Bytes held at the peak of qb_dense_eigh(dtype, n, ...), the matrix A included: for a
 * model's memory estimate. */
double qb_dense_eigh_bytes(qb_dtype dtype, double n, int want_vectors);

/* Eigenvalues (ascending, in d) of the symmetric tridiagonal matrix with diagonal d[n]
 * and off-diagonal e[n-1]; d and e are overwritten (LAPACK dstev). With z != NULL the
 * eigenvectors are written as columns of the row-major n x n array z. */
qb_status qb_dense_tridiag_eigh(qb_idx n, double *d, double *e, double *z, qb_err *err);

#endif
