/* api_op.c — operators of the flat C API (qbath/api.h): a Hermitian CSR matrix built
 * from Pauli strings or copied from a caller's CSR arrays, applied, exported. */
#include <string.h>

#include "api/api_internal.h"
#include "qbath/alloc.h"
#include "qbath/api.h"
#include "qbath/op.h"

/* Hermiticity the API accepts: the relative defect of a matrix assembled in floating
 * point from Hermitian terms is ~1e-16; anything above 1e-12 is a non-Hermitian input. */
#define QB_API_HERMITIAN_TOL 1e-12

static qb_status wrap(qb_csr *A, qb_spin_basis *B, qb_api_op **out, qb_err *err) {
  double defect = 0;
  qb_status st = qb_csr_hermiticity(A, &defect, err);
  if (st == QB_OK && defect > QB_API_HERMITIAN_TOL)
    st = QB_FAIL(err, QB_ERR_INPUT, "the operator is not Hermitian (relative defect %.3g); add "
                 "the Hermitian conjugate of each sigma^+/- term", defect);
  qb_api_op *H = st == QB_OK ? qb_calloc(1, sizeof *H) : NULL;
  if (st == QB_OK && H == NULL) st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory for an operator");
  if (st == QB_OK) st = qb_op_from_csr(A, 1, &H->op, err);
  if (st != QB_OK) {
    if (H == NULL || H->op == NULL) qb_csr_free(A);
    qb_free(H);
    qb_spin_basis_free(B);
    return st;
  }
  H->A = A, H->basis = B;
  *out = H;
  return QB_OK;
}

qb_status qb_api_op_from_sum(const qb_pauli_sum *S, int n_up, qb_api_op **out, qb_err *err) {
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  QB_TRY(qb_spin_basis_create(S->nsites, n_up, &B, err));
  qb_status st = qb_spin_sum_to_csr(S, B, &A, err);
  if (st != QB_OK) {
    qb_spin_basis_free(B);
    return st;
  }
  return wrap(A, B, out, err);
}

qb_status qb_api_op_pauli(int nsites, int n_up, qb_idx nterms, const char *ops,
                          const int *sites, const double *coupling, qb_api_op **out,
                          qb_err *err) {
  *out = NULL;
  qb_pauli_sum *S = NULL;
  QB_TRY(qb_spin_sum_create(nsites, &S, err));
  qb_status st = QB_OK;
  const char *s = ops;
  for (qb_idx t = 0; t < nterms && st == QB_OK; t++) {
    size_t k = strcspn(s, ",");
    char word[QB_PAULI_MAX_OPS + 1];
    if (k == 0 || k > QB_PAULI_MAX_OPS) {
      st = QB_FAIL(err, QB_ERR_INPUT, "term %lld: Pauli string '%.*s' must have 1..%d letters",
                   (long long)t, (int)k, s, QB_PAULI_MAX_OPS);
      break;
    }
    memcpy(word, s, k);
    word[k] = '\0';
    st = qb_spin_sum_add(S, coupling[2 * t] + I * coupling[2 * t + 1], word, sites, err);
    sites += k;
    s += k + (s[k] == ',');
  }
  if (st == QB_OK && *s)
    st = QB_FAIL(err, QB_ERR_INPUT, "more Pauli strings than the %lld terms given: '%s'",
                 (long long)nterms, s);
  if (st == QB_OK) st = qb_api_op_from_sum(S, n_up, out, err);
  qb_spin_sum_free(S);
  return st;
}

qb_status qb_api_op_csr(qb_idx dim, int is_complex, const int64_t *indptr,
                        const int64_t *indices, const void *data, qb_api_op **out,
                        qb_err *err) {
  *out = NULL;
  if (dim < 1 || indptr[0] != 0 || indptr[dim] < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "CSR matrix of dimension %lld: indptr must start at 0 and "
                   "not decrease", (long long)dim);
  qb_idx nnz = indptr[dim];
  /* Triplets, so that the library's builder sorts and merges columns as it needs. */
  qb_idx *row = qb_malloc(sizeof(qb_idx) * (size_t)(nnz ? nnz : 1));
  qb_idx *col = qb_malloc(sizeof(qb_idx) * (size_t)(nnz ? nnz : 1));
  qb_status st = row && col ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "out of memory copying %lld "
                                              "entries", (long long)nnz);
  for (qb_idx i = 0; i < dim && st == QB_OK; i++) {
    if (indptr[i + 1] < indptr[i]) {
      st = QB_FAIL(err, QB_ERR_INPUT, "CSR indptr decreases at row %lld", (long long)i);
      break;
    }
    for (qb_idx k = indptr[i]; k < indptr[i + 1]; k++) {
      if (indices[k] < 0 || indices[k] >= dim) {
        st = QB_FAIL(err, QB_ERR_INPUT, "CSR column index %lld outside 0..%lld (row %lld)",
                     (long long)indices[k], (long long)dim - 1, (long long)i);
        break;
      }
      row[k] = i, col[k] = indices[k];
    }
  }
  qb_csr *A = NULL;
  if (st == QB_OK)
    st = qb_csr_from_triplets(dim, dim, nnz, row, col, data, is_complex ? QB_COMPLEX : QB_REAL,
                              &A, err);
  qb_free(row);
  qb_free(col);
  return st == QB_OK ? wrap(A, NULL, out, err) : st;
}

qb_api_op *qb_api_op_free(qb_api_op *H) {
  if (H == NULL) return NULL;
  qb_op_free(H->op); /* owns A */
  qb_spin_basis_free(H->basis);
  return qb_free(H);
}

qb_idx qb_api_op_dim(const qb_api_op *H) { return H->A->nrows; }
int qb_api_op_is_complex(const qb_api_op *H) { return H->A->dtype == QB_COMPLEX; }
qb_idx qb_api_op_nnz(const qb_api_op *H) { return qb_csr_nnz(H->A); }

qb_status qb_api_op_export_csr(const qb_api_op *H, int64_t *indptr, int64_t *indices,
                               void *data, qb_err *err) {
  const qb_csr *A = H->A;
  qb_idx nnz = qb_csr_nnz(A);
  for (qb_idx i = 0; i <= A->nrows; i++) indptr[i] = (int64_t)A->rowptr[i];
  for (qb_idx k = 0; k < nnz; k++) indices[k] = (int64_t)A->colind[k];
  memcpy(data, A->val, qb_dtype_size(A->dtype) * (size_t)nnz);
  return QB_OK;
}

qb_status qb_api_op_basis(const qb_api_op *H, uint64_t *labels, qb_err *err) {
  if (H->basis == NULL)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "this operator has no spin basis (built from a "
                   "matrix)");
  for (qb_idx i = 0; i < H->basis->dim; i++) labels[i] = qb_spin_basis_state(H->basis, i);
  return QB_OK;
}

qb_status qb_api_op_apply(const qb_api_op *H, int is_complex, const void *x, void *y,
                          qb_err *err) {
  if (!is_complex && H->A->dtype == QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_INPUT, "a complex operator needs complex vectors");
  return qb_op_apply_fused(H->op, is_complex ? QB_COMPLEX : QB_REAL, 1.0, 0.0, x, 0.0, y, err);
}
