/* kron.c — the Kronecker-structured operator H = A (x) 1_rest + S applied with BLAS GEMM
 * (qbath/kron.h).
 *
 * With psi[g * dr + r] viewed as the row-major dg x dr matrix X, (A (x) 1) psi = A X: one
 * GEMM. The fused form y <- alpha (H - shift) x + beta y is GEMM with (alpha, beta) for
 * the dense factor, then the sparse part S and the shift folded into one SpMV pass that
 * accumulates into y (beta = 1). A real A acting on complex vectors is a real GEMM on the
 * dg x 2dr matrix of interleaved (re, im) doubles: A is real, so it acts on real and
 * imaginary parts alike. */
#include <cblas.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/kron.h"

/* y <- alpha (A (x) 1) x + beta y with the GEMM that matches the types. */
static void kron_gemm(const qb_kron *K, qb_dtype vtype, double alpha, const void *x,
                      double beta, void *y) {
  const int dg = (int)K->dg, dr = (int)K->dr;
  if (K->dtype == QB_REAL) {
    const int m = vtype == QB_COMPLEX ? 2 * dr : dr; /* interleaved complex = 2 dr reals */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, dg, m, dg, alpha, K->A, dg, x, m,
                beta, y, m);
  } else {
    const qb_cplx za = alpha, zb = beta;
    cblas_zgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, dg, dr, dg, &za, K->A, dg, x, dr,
                &zb, y, dr);
  }
}

/* y <- y - alpha shift x, for the case without a sparse part. */
static void axpy_shift(qb_idx nreal, double a, const double *restrict x, double *restrict y) {
#pragma omp parallel for default(none) shared(nreal, a, x, y) schedule(static)
  for (qb_idx i = 0; i < nreal; i++) y[i] -= a * x[i];
}

static qb_status kron_apply(void *impl, qb_dtype vtype, double alpha, double shift,
                            const void *x, double beta, void *y, qb_err *err) {
  qb_kron *K = impl;
  const int complex_op = K->dtype == QB_COMPLEX || (K->S && K->S->dtype == QB_COMPLEX);
  if (complex_op && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "complex Kronecker operator on real vectors");
  if (x == y) return QB_FAIL(err, QB_ERR_INPUT, "Kronecker apply: y aliases x");
  /* OpenBLAS's GEMM with beta = 0 overwrites C without reading it (no NaN propagation). */
  kron_gemm(K, vtype, alpha, x, beta, y);
  if (K->S) return qb_csr_spmv(K->S, vtype, alpha, shift, x, 1.0, y, err);
  if (shift != 0.0)
    axpy_shift(K->dg * K->dr * (vtype == QB_COMPLEX ? 2 : 1), alpha * shift, x, y);
  return QB_OK;
}

static size_t kron_bytes(const void *impl) {
  const qb_kron *K = impl;
  size_t b = (size_t)K->dg * (size_t)K->dg * qb_dtype_size(K->dtype);
  if (K->S) {
    size_t nnz = (size_t)qb_csr_nnz(K->S);
    b += ((size_t)K->S->nrows + 1 + nnz) * sizeof(qb_idx) + nnz * qb_dtype_size(K->S->dtype);
  }
  return b;
}

static void kron_free(void *impl) {
  qb_kron *K = impl;
  if (!K) return;
  qb_free(K->A);
  qb_csr_free(K->S);
  qb_free(K);
}

const qb_op_type qb_kron_op_type = {"kron", kron_apply, kron_bytes, kron_free};

/* On failure S stays with the caller; on success the op owns it. */
qb_status qb_kron_op_create(qb_idx dg, qb_idx dr, qb_dtype a_dtype, const void *A,
                            qb_csr *S, qb_op **out, qb_err *err) {
  *out = NULL;
  if (dg < 1 || dr < 1 || dg > (qb_idx)1 << 30 || dr > (qb_idx)1 << 29)
    return QB_FAIL(err, QB_ERR_DIM, "Kronecker factors %lld x %lld out of range for BLAS",
                   (long long)dg, (long long)dr);
  if (S && (S->nrows != dg * dr || S->ncols != dg * dr))
    return QB_FAIL(err, QB_ERR_DIM, "sparse part is %lld x %lld, the space has dimension %lld",
                   (long long)S->nrows, (long long)S->ncols, (long long)(dg * dr));
  size_t abytes = (size_t)dg * (size_t)dg * qb_dtype_size(a_dtype);
  qb_kron *K = qb_calloc(1, sizeof *K);
  void *Acopy = qb_malloc(abytes);
  if (!K || !Acopy) {
    qb_free(K);
    qb_free(Acopy);
    return QB_FAIL(err, QB_ERR_NOMEM, "Kronecker operator with a %lld x %lld block",
                   (long long)dg, (long long)dg);
  }
  memcpy(Acopy, A, abytes);
  *K = (qb_kron){dg, dr, a_dtype, Acopy, S};
  qb_dtype dt = (a_dtype == QB_COMPLEX || (S && S->dtype == QB_COMPLEX)) ? QB_COMPLEX : QB_REAL;
  qb_status st = qb_op_create(&qb_kron_op_type, K, 1, dg * dr, dt, out, err);
  if (st != QB_OK) {
    K->S = NULL; /* S stays with the caller */
    kron_free(K);
  }
  return st;
}

/* Triplets of A (x) 1: (g dr + r, g' dr + r, A[g][g']) for every nonzero A[g][g']. */
static qb_idx kron_triplets(const qb_kron *K, qb_dtype dt, qb_idx *row, qb_idx *col, void *val) {
  qb_idx n = 0;
  for (qb_idx g = 0; g < K->dg; g++)
    for (qb_idx h = 0; h < K->dg; h++) {
      qb_cplx a = K->dtype == QB_REAL ? ((const double *)K->A)[g * K->dg + h]
                                      : ((const qb_cplx *)K->A)[g * K->dg + h];
      if (a == 0.0) continue;
      for (qb_idx r = 0; r < K->dr; r++, n++) {
        row[n] = g * K->dr + r;
        col[n] = h * K->dr + r;
        if (dt == QB_REAL) ((double *)val)[n] = creal(a);
        else ((qb_cplx *)val)[n] = a;
      }
    }
  return n;
}

/* Appends the triplets of S after position n. */
static qb_idx sparse_triplets(const qb_csr *S, qb_dtype dt, qb_idx n, qb_idx *row, qb_idx *col,
                              void *val) {
  for (qb_idx i = 0; i < S->nrows; i++)
    for (qb_idx k = S->rowptr[i]; k < S->rowptr[i + 1]; k++, n++) {
      qb_cplx s = S->dtype == QB_REAL ? ((const double *)S->val)[k] : ((const qb_cplx *)S->val)[k];
      row[n] = i;
      col[n] = S->colind[k];
      if (dt == QB_REAL) ((double *)val)[n] = creal(s);
      else ((qb_cplx *)val)[n] = s;
    }
  return n;
}

qb_status qb_kron_to_csr(const qb_kron *K, qb_csr **out, qb_err *err) {
  *out = NULL;
  qb_dtype dt =
      (K->dtype == QB_COMPLEX || (K->S && K->S->dtype == QB_COMPLEX)) ? QB_COMPLEX : QB_REAL;
  size_t cap =
      (size_t)K->dg * (size_t)K->dg * (size_t)K->dr + (K->S ? (size_t)qb_csr_nnz(K->S) : 0);
  qb_idx *row = qb_malloc(cap * sizeof *row), *col = qb_malloc(cap * sizeof *col);
  void *val = qb_malloc(cap * qb_dtype_size(dt));
  qb_status st = QB_OK;
  if (!row || !col || !val) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "%zu triplets of a Kronecker operator", cap);
    goto done;
  }
  qb_idx n = kron_triplets(K, dt, row, col, val);
  if (K->S) n = sparse_triplets(K->S, dt, n, row, col, val);
  st = qb_csr_from_triplets(K->dg * K->dr, K->dg * K->dr, n, row, col, val, dt, out, err);
done:
  qb_free(row);
  qb_free(col);
  qb_free(val);
  return st;
}
