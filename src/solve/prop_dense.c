/* prop_dense.c — exact evolution by dense eigendecomposition, the reference
 * (qbath/prop.h): H = V diag(E) V^dagger, exp(-i H dt) psi = V diag(e^{-i E dt}) V^dagger psi.
 * D^2 memory; BLAS gemm/gemv per step. */
#include <cblas.h>
#include <math.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/prop.h"

typedef struct {
  size_t n;
  qb_dtype dtype;  /* of V */
  void *V;         /* eigenvectors as columns, row-major n x n */
  double *E;       /* eigenvalues, ascending */
  qb_cplx *c;      /* coefficients V^dagger psi */
} dense_state;

static void dense_free(void *s_) {
  dense_state *s = s_;
  if (!s) return;
  qb_free(s->V);
  qb_free(s->E);
  qb_free(s->c);
  qb_free(s);
}

static qb_status dense_create(qb_op *H, const qb_prop_params *p, void **out, qb_err *err) {
  *out = NULL;
  dense_state *s = qb_calloc(1, sizeof *s);
  if (!s) return QB_FAIL(err, QB_ERR_NOMEM, "dense propagator");
  s->n = (size_t)H->dim;
  s->dtype = H->dtype;
  s->V = qb_malloc(s->n * s->n * qb_dtype_size(s->dtype));
  s->E = qb_malloc(s->n * sizeof *s->E);
  s->c = qb_malloc(s->n * sizeof *s->c);
  qb_status st = QB_OK;
  if (!s->V || !s->E || !s->c)
    st = QB_FAIL(err, QB_ERR_NOMEM, "dense propagator of dimension %zu", s->n);
  if (st == QB_OK) st = qb_op_to_dense(H, s->V, err);
  if (st == QB_OK) st = qb_dense_eigh(s->dtype, (qb_idx)s->n, s->V, s->E, 1, err);
  if (st != QB_OK) {
    dense_free(s);
    return st;
  }
  *out = s;
  return QB_OK;
}

static qb_status dense_step(void *s_, qb_cplx *psi, double dt, double tol, qb_prop_stats *st,
                            qb_err *err) {
  dense_state *s = s_;
  const int n = (int)s->n;
  if (s->dtype == QB_REAL) { /* psi as an n x 2 real matrix (re, im columns) */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, 2, n, 1.0, s->V, n,
                (const double *)psi, 2, 0.0, (double *)s->c, 2);
  } else {
    const qb_cplx one = 1.0, zero = 0.0;
    cblas_zgemv(CblasRowMajor, CblasConjTrans, n, n, &one, s->V, n, psi, 1, &zero, s->c, 1);
  }
  for (int k = 0; k < n; k++) s->c[k] *= cexp(-I * s->E[k] * dt);
  if (s->dtype == QB_REAL) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, 2, n, 1.0, s->V, n,
                (const double *)s->c, 2, 0.0, (double *)psi, 2);
  } else {
    const qb_cplx one = 1.0, zero = 0.0;
    cblas_zgemv(CblasRowMajor, CblasNoTrans, n, n, &one, s->V, n, s->c, 1, &zero, psi, 1);
  }
  st->steps++;
  st->state_vectors = n; /* (the D x D eigenvectors, in units of vectors) */
  return QB_OK;
}

static const qb_prop_type dense_type = {"dense", dense_create, dense_step, dense_free};
const qb_prop_type *const qb_prop_dense = &dense_type;
