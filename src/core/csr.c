/* csr.c — CSR matrix lifecycle, dense copy, real-to-complex conversion, Hermiticity defect
 * (qbath/csr.h). Assembly is in csr_assemble.c, the SpMV and its partition in csr_spmv.c. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/csr.h"

qb_status qb_csr_create(qb_idx nrows, qb_idx ncols, qb_idx nnz, qb_dtype dtype,
                        qb_csr **out, qb_err *err) {
  *out = NULL;
  if (nrows < 0 || ncols < 0 || nnz < 0)
    return QB_FAIL(err, QB_ERR_DIM, "CSR size %lld x %lld with %lld entries: negative",
                   (long long)nrows, (long long)ncols, (long long)nnz);
  if (dtype != QB_REAL && dtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_INPUT, "CSR element type %d is neither real nor complex",
                   (int)dtype);
  qb_csr *A = qb_calloc(1, sizeof *A);
  if (!A) return QB_FAIL(err, QB_ERR_NOMEM, "CSR header");
  A->nrows = nrows;
  A->ncols = ncols;
  A->dtype = dtype;
  A->rowptr = qb_calloc((size_t)nrows + 1, sizeof *A->rowptr);
  A->colind = qb_malloc((size_t)nnz * sizeof *A->colind);
  A->val = qb_malloc((size_t)nnz * qb_dtype_size(dtype));
  if (!A->rowptr || !A->colind || !A->val) {
    qb_csr_free(A);
    return QB_FAIL(err, QB_ERR_NOMEM, "CSR %lld x %lld with %lld entries", (long long)nrows,
                   (long long)ncols, (long long)nnz);
  }
  *out = A;
  return QB_OK;
}

qb_csr *qb_csr_free(qb_csr *A) {
  if (!A) return NULL;
  qb_free(A->rowptr);
  qb_free(A->colind);
  free(A->colind32); /* from realloc in qb_csr_narrow */
  qb_free(A->val);
  qb_free(A->part);
  return qb_free(A);
}

qb_status qb_csr_copy(const qb_csr *A, qb_csr **out, qb_err *err) {
  qb_idx nnz = qb_csr_nnz(A);
  QB_TRY(qb_csr_create(A->nrows, A->ncols, nnz, A->dtype, out, err));
  qb_csr *B = *out;
  memcpy(B->rowptr, A->rowptr, ((size_t)A->nrows + 1) * sizeof *A->rowptr);
  for (qb_idx k = 0; k < nnz; k++) B->colind[k] = qb_csr_col(A, k); /* a copy is 64-bit */
  memcpy(B->val, A->val, (size_t)nnz * qb_dtype_size(A->dtype));
  return QB_OK; /* the partition is not copied: it is recomputed on first use */
}

/* Value of entry k as complex (real matrices promote). */
static qb_cplx entry(const qb_csr *A, qb_idx k) {
  return A->dtype == QB_REAL ? ((const double *)A->val)[k] : ((const qb_cplx *)A->val)[k];
}

qb_cplx qb_csr_get(const qb_csr *A, qb_idx i, qb_idx j) {
  qb_idx lo = A->rowptr[i], hi = A->rowptr[i + 1];
  while (lo < hi) {
    qb_idx mid = lo + (hi - lo) / 2;
    if (qb_csr_col(A, mid) < j) lo = mid + 1;
    else hi = mid;
  }
  return (lo < A->rowptr[i + 1] && qb_csr_col(A, lo) == j) ? entry(A, lo) : 0.0;
}

/* defect = max_ij |A_ij - conj(A_ji)| / max_ij |A_ij|, over stored (i, j); a (j, i) missing
 * from the pattern counts as zero, so an unpaired entry is a defect of 1. */
qb_status qb_csr_hermiticity(const qb_csr *A, double *rel_defect, qb_err *err) {
  if (A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "Hermiticity of a non-square %lld x %lld matrix",
                   (long long)A->nrows, (long long)A->ncols);
  double dmax = 0.0, amax = 0.0;
  const qb_csr *Ac = A;
#pragma omp parallel for default(none) shared(Ac) reduction(max : dmax, amax) schedule(static)
  for (qb_idx i = 0; i < Ac->nrows; i++)
    for (qb_idx k = Ac->rowptr[i]; k < Ac->rowptr[i + 1]; k++) {
      qb_cplx a = entry(Ac, k);
      double d = cabs(a - conj(qb_csr_get(Ac, qb_csr_col(Ac, k), i)));
      if (d > dmax) dmax = d;
      if (cabs(a) > amax) amax = cabs(a);
    }
  *rel_defect = amax > 0.0 ? dmax / amax : 0.0;
  return QB_OK;
}

qb_status qb_csr_to_dense(const qb_csr *A, void *out, qb_err *err) {
  size_t es = qb_dtype_size(A->dtype);
  memset(out, 0, (size_t)A->nrows * (size_t)A->ncols * es);
  for (qb_idx i = 0; i < A->nrows; i++)
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) {
      size_t at = (size_t)i * (size_t)A->ncols + (size_t)qb_csr_col(A, k);
      if (A->dtype == QB_REAL) ((double *)out)[at] = ((const double *)A->val)[k];
      else ((qb_cplx *)out)[at] = ((const qb_cplx *)A->val)[k];
    }
  return QB_OK;
}

qb_status qb_csr_make_complex(qb_csr *A, qb_err *err) {
  if (A->dtype == QB_COMPLEX) return QB_OK;
  qb_idx nnz = qb_csr_nnz(A);
  qb_cplx *z = qb_malloc((size_t)nnz * sizeof *z);
  if (!z) return QB_FAIL(err, QB_ERR_NOMEM, "complex values for %lld entries", (long long)nnz);
  const double *v = A->val;
  for (qb_idx k = 0; k < nnz; k++) z[k] = v[k];
  qb_free(A->val);
  A->val = z;
  A->dtype = QB_COMPLEX;
  return QB_OK;
}
