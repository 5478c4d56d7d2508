/* qbath/mmio.h — Matrix Market import/export of sparse matrices (io layer).
 *
 * Reads coordinate files with field real, integer, complex or pattern, and array (dense,
 * column-major, as scipy.io.mmwrite writes numpy arrays) files with field real, integer
 * or complex; symmetry general, symmetric, skew-symmetric or hermitian (the stored
 * triangle is mirrored); 1-based indices per the format. Memory follows the entries
 * present, not the count the size line claims. Errors (malformed or missing entries,
 * indices out of range, NaN or Inf values) name the file and line. Writes real or complex
 * coordinate files, general or (for a symmetric/Hermitian matrix) the lower triangle
 * with symmetry symmetric/hermitian, with 17 significant digits so that a round trip is
 * exact. */
#ifndef QBATH_MMIO_H
#define QBATH_MMIO_H

#include "qbath/csr.h"

typedef enum { QB_MM_GENERAL = 0, QB_MM_SYMMETRIC = 1 } qb_mmio_symmetry;

qb_status qb_mmio_read(const char *path, qb_csr **out, qb_err *err);
/* qb_mmio_read, then checks that the matrix is square and Hermitian: the largest
 * |A_ij - conj(A_ji)| over max |A_ij| at most tol. A failure is QB_ERR_INPUT naming the
 * file, the line of the worst entry and both values. */
qb_status qb_mmio_read_hermitian(const char *path, double tol, qb_csr **out, qb_err *err);
/* QB_MM_SYMMETRIC writes "symmetric" for a real and "hermitian" for a complex matrix,
 * storing only entries with row >= col; the caller asserts that symmetry. */
qb_status qb_mmio_write(const char *path, const qb_csr *A, qb_mmio_symmetry sym, qb_err *err);

#endif
