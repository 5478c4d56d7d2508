/* op.c — the operator interface y = H x (qbath/op.h) and its CSR implementation. */
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/op.h"

/* ---- CSR implementation ---------------------------------------------------------- */

static qb_status csr_apply(void *impl, qb_dtype vtype, double alpha, double shift,
                           const void *x, double beta, void *y, qb_err *err) {
  return qb_csr_spmv(impl, vtype, alpha, shift, x, beta, y, err);
}

/* Stored bytes: row pointers, column indices, values (the partition is negligible). */
static size_t csr_bytes(const void *impl) {
  const qb_csr *A = impl;
  size_t nnz = (size_t)qb_csr_nnz(A);
  return ((size_t)A->nrows + 1) * sizeof(qb_idx) + nnz * sizeof(qb_idx) +
         nnz * qb_dtype_size(A->dtype);
}

static void csr_free(void *impl) { qb_csr_free(impl); }

static const qb_op_type qb_csr_op_type = {"csr", csr_apply, csr_bytes, csr_free};

qb_status qb_op_from_csr(qb_csr *A, int owns, qb_op **out, qb_err *err) {
  *out = NULL;
  if (A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "operator from a non-square %lld x %lld matrix",
                   (long long)A->nrows, (long long)A->ncols);
  return qb_op_create(&qb_csr_op_type, A, owns, A->nrows, A->dtype, out, err);
}

/* ---- generic ----------------------------------------------------------------------- */

qb_status qb_op_create(const qb_op_type *type, void *impl, int owns, qb_idx dim,
                       qb_dtype dtype, qb_op **out, qb_err *err) {
  *out = NULL;
  if (dim < 0) return QB_FAIL(err, QB_ERR_DIM, "operator dimension %lld", (long long)dim);
  qb_op *H = qb_calloc(1, sizeof *H);
  if (!H) return QB_FAIL(err, QB_ERR_NOMEM, "operator header");
  H->type = type;
  H->impl = impl;
  H->owns_impl = owns;
  H->dim = dim;
  H->dtype = dtype;
  *out = H;
  return QB_OK;
}

qb_op *qb_op_free(qb_op *H) {
  if (!H) return NULL;
  if (H->owns_impl && H->type->free) H->type->free(H->impl);
  return qb_free(H);
}

qb_status qb_op_apply_fused(const qb_op *H, qb_dtype vtype, double alpha, double shift,
                            const void *x, double beta, void *y, qb_err *err) {
  if (H->dtype == QB_COMPLEX && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED,
                   "complex operator '%s' applied to real vectors", H->type->name);
  return H->type->apply(H->impl, vtype, alpha, shift, x, beta, y, err);
}

qb_status qb_op_apply(const qb_op *H, const qb_cplx *x, qb_cplx *y, qb_err *err) {
  return qb_op_apply_fused(H, QB_COMPLEX, 1.0, 0.0, x, 0.0, y, err);
}

qb_status qb_op_apply_real(const qb_op *H, const double *x, double *y, qb_err *err) {
  return qb_op_apply_fused(H, QB_REAL, 1.0, 0.0, x, 0.0, y, err);
}

size_t qb_op_bytes(const qb_op *H) { return H->type->bytes ? H->type->bytes(H->impl) : 0; }

/* Column j of H is H e_j; H is written row-major into out. */
qb_status qb_op_to_dense(const qb_op *H, void *out, qb_err *err) {
  const size_t n = (size_t)H->dim, es = qb_dtype_size(H->dtype);
  unsigned char *e = qb_calloc(n ? n : 1, es), *col = qb_malloc((n ? n : 1) * es);
  qb_status st = QB_OK;
  if (!e || !col) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "dense copy of a dimension-%zu operator", n);
    goto done;
  }
  for (size_t j = 0; j < n && st == QB_OK; j++) {
    if (H->dtype == QB_REAL) ((double *)e)[j] = 1.0;
    else ((qb_cplx *)e)[j] = 1.0;
    st = qb_op_apply_fused(H, H->dtype, 1.0, 0.0, e, 0.0, col, err);
    memset(e + j * es, 0, es);
    for (size_t i = 0; i < n; i++)
      memcpy((unsigned char *)out + (i * n + j) * es, col + i * es, es);
  }
done:
  qb_free(e);
  qb_free(col);
  return st;
}
