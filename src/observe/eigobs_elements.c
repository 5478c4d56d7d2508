/* eigobs_elements.c — eigenstate observables built on matrix elements (qbath/eigobs.h):
 * IPR, overlap IPR of a state, <n|O|m> in the window, and the Thouless parameter. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/eigobs.h"

qb_status qb_eigobs_ipr(const qb_eigs_result *r, double *ipr, qb_err *err) {
  if (!r->V) return QB_FAIL(err, QB_ERR_INPUT, "IPR: the eigs result has no eigenvectors");
  qb_idx n = r->dim;
  for (qb_idx j = 0; j < r->nev; j++) {
    double s = 0;
    for (qb_idx i = 0; i < n; i++) {
      double p = r->dtype == QB_REAL ? pow(((const double *)r->V)[j * n + i], 2)
                                     : pow(cabs(((const qb_cplx *)r->V)[j * n + i]), 2);
      s += p * p;
    }
    ipr[j] = s;
  }
  return QB_OK;
}

qb_status qb_eigobs_overlap_ipr(const qb_eigs_result *r, const void *psi0, double *sum4,
                             double *weight, qb_err *err) {
  if (!r->V) return QB_FAIL(err, QB_ERR_INPUT, "overlap IPR: the eigs result has no eigenvectors");
  qb_idx n = r->dim;
  double s4 = 0, s2 = 0;
  for (qb_idx j = 0; j < r->nev; j++) {
    double p;
    if (r->dtype == QB_REAL) {
      p = cblas_ddot((int)n, psi0, 1, (const double *)r->V + j * n, 1);
      p *= p;
    } else {
      qb_cplx c;
      cblas_zdotc_sub((int)n, psi0, 1, (const qb_cplx *)r->V + j * n, 1, &c);
      p = creal(c) * creal(c) + cimag(c) * cimag(c);
    }
    s4 += p * p;
    s2 += p;
  }
  *sum4 = s4;
  if (weight) *weight = s2;
  return QB_OK;
}

/* Complex copy of r's vectors (when O or the vectors are complex and r is real). */
static qb_cplx *complex_vectors(const qb_eigs_result *r) {
  size_t len = (size_t)r->dim * (size_t)r->nev;
  qb_cplx *C = qb_malloc(len * sizeof *C);
  if (C) for (size_t i = 0; i < len; i++) C[i] = ((const double *)r->V)[i];
  return C;
}

qb_status qb_eigobs_matrix_elements(const qb_eigs_result *r, const qb_op *O, void **Mout,
                                 qb_dtype *mdtype, qb_err *err) {
  *Mout = NULL;
  if (!r->V)
    return QB_FAIL(err, QB_ERR_INPUT, "matrix elements: the eigs result has no eigenvectors");
  if (O->dim != r->dim)
    return QB_FAIL(err, QB_ERR_DIM, "matrix elements: operator of dimension %ld, states of %ld",
                   (long)O->dim, (long)r->dim);
  qb_idx n = r->dim, k = r->nev;
  qb_dtype dt = (r->dtype == QB_REAL && O->dtype == QB_REAL) ? QB_REAL : QB_COMPLEX;
  size_t es = qb_dtype_size(dt);
  const void *V = r->V;
  qb_cplx *Vc = NULL;
  void *W = qb_malloc((size_t)n * (size_t)k * es), *M = qb_malloc((size_t)(k * k) * es);
  qb_status st = QB_OK;
  if (dt == QB_COMPLEX && r->dtype == QB_REAL) V = Vc = complex_vectors(r);
  if (!W || !M || !V) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "matrix elements of %ld states of dimension %ld", (long)k,
                 (long)n);
    goto done;
  }
  for (qb_idx j = 0; j < k && st == QB_OK; j++) /* W = O V, one apply per state */
    st = qb_op_apply_fused(O, dt, 1.0, 0.0, (const char *)V + es * (size_t)(j * n), 0.0,
                           (char *)W + es * (size_t)(j * n), err);
  if (st != QB_OK) goto done;
  /* M = V^H W: M[a + b k] = <a|O|b> */
  if (dt == QB_REAL) {
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)k, (int)k, (int)n, 1.0, V, (int)n,
                W, (int)n, 0.0, M, (int)k);
  } else {
    qb_cplx one = 1, zero = 0;
    cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, (int)k, (int)k, (int)n, &one, V,
                (int)n, W, (int)n, &zero, M, (int)k);
  }
done:
  qb_free(W);
  qb_free(Vc);
  if (st != QB_OK) M = qb_free(M);
  *Mout = M;
  *mdtype = dt;
  return st;
}

static double element_abs(const void *M, qb_dtype dt, qb_idx k, qb_idx a, qb_idx b) {
  return dt == QB_REAL ? fabs(((const double *)M)[a + b * k])
                       : cabs(((const qb_cplx *)M)[a + b * k]);
}

/* Potirniche et al. Eq. (8): G = log |<n|O|n+1>| / (E'_{n+1} - E'_n), E' = E + <n|O|n>. */
qb_status qb_eigobs_thouless(const qb_eigs_result *r, const qb_op *O, double *G, qb_err *err) {
  qb_idx k = r->nev;
  if (k < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "Thouless parameter needs >= 2 states, got %ld", (long)k);
  void *M = NULL;
  qb_dtype dt;
  QB_TRY(qb_eigobs_matrix_elements(r, O, &M, &dt, err));
  double *Ep = qb_malloc((size_t)k * sizeof *Ep);
  qb_idx *ord = qb_malloc((size_t)k * sizeof *ord);
  if (!Ep || !ord) {
    qb_free(M); qb_free(Ep); qb_free(ord);
    return QB_FAIL(err, QB_ERR_NOMEM, "Thouless parameter of %ld states", (long)k);
  }
  for (qb_idx j = 0; j < k; j++) {
    double d = dt == QB_REAL ? ((double *)M)[j + j * k] : creal(((qb_cplx *)M)[j + j * k]);
    Ep[j] = r->E[j] + d;
  }
  for (qb_idx i = 0; i < k; i++) { /* insertion sort of indices by E' (k is small) */
    qb_idx j = i;
    for (; j > 0 && Ep[ord[j - 1]] > Ep[i]; j--) ord[j] = ord[j - 1];
    ord[j] = i;
  }
  for (qb_idx p = 0; p + 1 < k; p++) {
    qb_idx a = ord[p], b = ord[p + 1];
    G[p] = log(element_abs(M, dt, k, a, b) / (Ep[b] - Ep[a]));
  }
  qb_free(M);
  qb_free(Ep);
  qb_free(ord);
  return QB_OK;
}
