/* eigs_result.c — the eigenpair result of qbath/eigs.h: allocation, the window of nev
 * values nearest a target, and the common finishing of every path (sorting, phase
 * convention, residuals, orthogonality). Below both eigs.c (dense ED, dispatch) and
 * eigs_arpack.c (shift-invert), so neither calls the other's helpers. */
#include <cblas.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "qbath/alloc.h"
#include "qbath/eigs.h"
#include "solve/eigs_internal.h"

double qb_eigs_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

qb_eigs_result *qb_eigs_result_free(qb_eigs_result *r) {
  if (!r) return NULL;
  qb_free(r->E);
  qb_free(r->V);
  qb_free(r->resid);
  return qb_free(r);
}

qb_status qb_eigs_result_alloc(qb_idx dim, qb_idx nev, qb_dtype dtype, int vectors,
                               qb_eigs_result **out, qb_err *err) {
  qb_eigs_result *r = qb_calloc(1, sizeof *r);
  if (!r) return QB_FAIL(err, QB_ERR_NOMEM, "eigs result");
  r->dim = dim;
  r->nev = nev;
  r->dtype = dtype;
  r->E = qb_malloc((size_t)nev * sizeof *r->E);
  r->resid = qb_malloc((size_t)nev * sizeof *r->resid);
  if (vectors) r->V = qb_malloc((size_t)nev * (size_t)dim * qb_dtype_size(dtype));
  if (!r->E || !r->resid || (vectors && !r->V)) {
    qb_eigs_result_free(r);
    return QB_FAIL(err, QB_ERR_NOMEM, "eigs result: %ld vectors of dimension %ld", (long)nev,
                   (long)dim);
  }
  r->emin = r->emax = NAN;
  *out = r;
  return QB_OK;
}

/* Index of the first of the nev consecutive sorted values nearest sigma (two pointers). */
qb_idx qb_eigs_window(const double *w, qb_idx n, qb_idx nev, double sigma) {
  qb_idx r = 0;
  while (r < n && w[r] < sigma) r++;
  qb_idx l = r - 1;
  for (qb_idx taken = 0; taken < nev; taken++) {
    if (l < 0) r++;
    else if (r >= n || sigma - w[l] <= w[r] - sigma) l--;
    else r++;
  }
  return l + 1;
}

/* Sorts pairs ascending (insertion sort on an index: nev is small), permuting vectors. */
static qb_status sort_pairs(qb_eigs_result *r, qb_err *err) {
  qb_idx k = r->nev;
  size_t vb = (size_t)r->dim * qb_dtype_size(r->dtype);
  qb_idx *perm = qb_malloc((size_t)k * sizeof *perm);
  double *E = qb_malloc((size_t)k * sizeof *E);
  void *V = r->V ? qb_malloc((size_t)k * vb) : NULL;
  if (!perm || !E || (r->V && !V)) {
    qb_free(perm); qb_free(E); qb_free(V);
    return QB_FAIL(err, QB_ERR_NOMEM, "sorting %ld eigenpairs", (long)k);
  }
  for (qb_idx i = 0; i < k; i++) {
    qb_idx j = i;
    for (; j > 0 && r->E[perm[j - 1]] > r->E[i]; j--) perm[j] = perm[j - 1];
    perm[j] = i;
  }
  for (qb_idx i = 0; i < k; i++) {
    E[i] = r->E[perm[i]];
    if (V) memcpy((char *)V + i * vb, (char *)r->V + perm[i] * vb, vb);
  }
  qb_free(r->E); r->E = E;
  if (V) { qb_free(r->V); r->V = V; }
  qb_free(perm);
  return QB_OK;
}

/* Phase convention: the largest-magnitude component (the first such) real positive. */
static void fix_phases(qb_eigs_result *r) {
  qb_idx n = r->dim;
  for (qb_idx j = 0; j < r->nev; j++) {
    if (r->dtype == QB_REAL) {
      double *v = (double *)r->V + j * n, best = -1, s = 1;
      for (qb_idx i = 0; i < n; i++)
        if (fabs(v[i]) > best) {
          best = fabs(v[i]);
          s = v[i] < 0 ? -1 : 1;
        }
      if (s < 0) for (qb_idx i = 0; i < n; i++) v[i] = -v[i];
    } else {
      qb_cplx *v = (qb_cplx *)r->V + j * n, ph = 1;
      double best = -1;
      for (qb_idx i = 0; i < n; i++) if (cabs(v[i]) > best) { best = cabs(v[i]); ph = v[i]; }
      if (best > 0) { ph = conj(ph) / cabs(ph); for (qb_idx i = 0; i < n; i++) v[i] *= ph; }
    }
  }
}

/* resid_j = ||H v_j - E_j v_j|| with one fused apply per pair (a CSR's partition cache may
 * update). */
static qb_status residuals(const qb_op *H, qb_eigs_result *r, qb_err *err) {
  qb_idx n = r->dim;
  size_t es = qb_dtype_size(r->dtype);
  void *y = qb_malloc((size_t)n * es);
  if (!y) return QB_FAIL(err, QB_ERR_NOMEM, "residual vector of dimension %ld", (long)n);
  qb_status st = QB_OK;
  r->max_resid = 0;
  for (qb_idx j = 0; j < r->nev && st == QB_OK; j++) {
    const void *v = (const char *)r->V + (size_t)j * n * es;
    /* y = (A - E_j) v_j in one fused pass */
    st = qb_op_apply_fused(H, r->dtype, 1.0, r->E[j], v, 0.0, y, err);
    double s = r->dtype == QB_REAL ? cblas_dnrm2((int)n, y, 1) : cblas_dznrm2((int)n, y, 1);
    r->resid[j] = s;
    r->max_resid = fmax(r->max_resid, s);
  }
  qb_free(y);
  return st;
}

/* orth_defect = max |V^H V - 1| (one GEMM of nev x nev). */
static qb_status orthogonality(qb_eigs_result *r, qb_err *err) {
  qb_idx k = r->nev, n = r->dim;
  void *G = qb_malloc((size_t)(k * k) * qb_dtype_size(r->dtype));
  if (!G) return QB_FAIL(err, QB_ERR_NOMEM, "Gram matrix of %ld vectors", (long)k);
  double d = 0;
  if (r->dtype == QB_REAL) {
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)k, (int)k, (int)n, 1.0, r->V,
                (int)n, r->V, (int)n, 0.0, G, (int)k);
    for (qb_idx i = 0; i < k * k; i++) d = fmax(d, fabs(((double *)G)[i] - (i % (k + 1) == 0)));
  } else {
    qb_cplx one = 1, zero = 0;
    cblas_zgemm(CblasColMajor, CblasConjTrans, CblasNoTrans, (int)k, (int)k, (int)n, &one, r->V,
                (int)n, r->V, (int)n, &zero, G, (int)k);
    for (qb_idx i = 0; i < k * k; i++) d = fmax(d, cabs(((qb_cplx *)G)[i] - (i % (k + 1) == 0)));
  }
  r->orth_defect = d;
  qb_free(G);
  return QB_OK;
}

qb_status qb_eigs_finish_op(const qb_op *H, qb_eigs_result *r, qb_err *err) {
  QB_TRY(sort_pairs(r, err));
  if (!r->V) {
    for (qb_idx j = 0; j < r->nev; j++) r->resid[j] = NAN;
    r->max_resid = r->orth_defect = NAN;
    return QB_OK;
  }
  fix_phases(r);
  QB_TRY(residuals(H, r, err));
  return orthogonality(r, err);
}

qb_status qb_eigs_finish(const qb_csr *A, qb_eigs_result *r, qb_err *err) {
  qb_op *H = NULL; /* a borrowing view: the residuals go through the operator interface */
  QB_TRY(qb_op_from_csr((qb_csr *)A, 0, &H, err));
  qb_status st = qb_eigs_finish_op(H, r, err);
  qb_op_free(H);
  return st;
}
