/* dense.c — dense Hermitian and tridiagonal eigensolvers through LAPACKE. */
#include "qbath/dense.h"

#include <limits.h>
#include <lapacke.h>

/* LAPACK takes 32-bit (or build-dependent) ints: refuse sizes it cannot index. */
static qb_status check_n(qb_idx n, qb_err *err) {
  if (n < 0) return QB_FAIL(err, QB_ERR_DIM, "matrix size n = %lld is negative", (long long)n);
  if ((double)n * (double)n > (double)INT_MAX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "matrix size n = %lld too large for LAPACK ints",
                   (long long)n);
  return QB_OK;
}

/* A = V diag(w) V^H by divide and conquer (dsyevd / zheevd); row-major 'L' is the lower
 * triangle of the row-major array (LAPACKE transposes internally). */
qb_status qb_dense_eigh(qb_dtype dtype, qb_idx n, void *A, double *w, int want_vectors,
                        qb_err *err) {
  QB_TRY(check_n(n, err));
  if (n == 0) return QB_OK;
  if (!A || !w) return QB_FAIL(err, QB_ERR_INPUT, "qb_dense_eigh: NULL matrix or eigenvalue array");
  const char jobz = want_vectors ? 'V' : 'N';
  const lapack_int ln = (lapack_int)n;
  lapack_int info;
  if (dtype == QB_REAL)
    info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, jobz, 'L', ln, (double *)A, ln, w);
  else if (dtype == QB_COMPLEX)
    info = LAPACKE_zheevd(LAPACK_ROW_MAJOR, jobz, 'L', ln, (lapack_complex_double *)A, ln, w);
  else
    return QB_FAIL(err, QB_ERR_INPUT, "qb_dense_eigh: unknown dtype %d", (int)dtype);
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return QB_FAIL(err, QB_ERR_NOMEM, "%s: workspace allocation failed (n = %lld)",
                   dtype == QB_REAL ? "dsyevd" : "zheevd", (long long)n);
  if (info != 0)
    return QB_FAIL(err, QB_ERR_NUMERIC, "%s failed with info = %d (n = %lld)",
                   dtype == QB_REAL ? "dsyevd" : "zheevd", (int)info, (long long)n);
  return QB_OK;
}

/* The matrix, LAPACKE's column-major copy of it (row-major input: LAPACKE_?heevd_work
 * transposes in and out) and the divide-and-conquer workspace of LAPACK's documented
 * minimum, which is what LAPACKE's workspace query returns: dsyevd with vectors
 * 1 + 6n + 2n^2 doubles, zheevd 2n + n^2 complex plus 1 + 5n + 2n^2 doubles, values only
 * O(n); iwork 3 + 5n ints. With vectors: 4 n^2 elements of the matrix's type. */
double qb_dense_eigh_bytes(qb_dtype dtype, double n, int want_vectors) {
  const double el = dtype == QB_REAL ? 8 : 16, matrices = 2 * el * n * n;
  double work;
  if (dtype == QB_REAL) work = want_vectors ? 8 * (1 + 6 * n + 2 * n * n) : 8 * (2 * n + 1);
  else
    work = want_vectors ? 16 * (2 * n + n * n) + 8 * (1 + 5 * n + 2 * n * n) : 16 * (n + 1) + 8 * n;
  return matrices + work + 4 * (3 + 5 * n) + 8 * n; /* iwork, the eigenvalues */
}

/* T = Z diag(d) Z^T for symmetric tridiagonal T: dsterf (values only, O(n^2) root-free
 * QR) or dstev (with vectors). */
qb_status qb_dense_tridiag_eigh(qb_idx n, double *d, double *e, double *z, qb_err *err) {
  QB_TRY(check_n(n, err));
  if (n == 0) return QB_OK;
  if (!d || (n > 1 && !e)) return QB_FAIL(err, QB_ERR_INPUT, "qb_dense_tridiag_eigh: NULL d or e");
  const lapack_int ln = (lapack_int)n;
  lapack_int info = z ? LAPACKE_dstev(LAPACK_ROW_MAJOR, 'V', ln, d, e, z, ln)
                      : LAPACKE_dsterf(ln, d, e);
  if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
    return QB_FAIL(err, QB_ERR_NOMEM, "dstev: workspace allocation failed (n = %lld)",
                   (long long)n);
  if (info != 0)
    return QB_FAIL(err, QB_ERR_NUMERIC, "%s failed with info = %d (n = %lld)",
                   z ? "dstev" : "dsterf", (int)info, (long long)n);
  return QB_OK;
}
