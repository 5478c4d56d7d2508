/* eigs.c — k eigenpairs nearest a target (qbath/eigs.h): options, dispatch and dense ED.
 * The ARPACK loops are in eigs_arpack.c, the polynomial filter in filter*.c, the result
 * object and its finishing in eigs_result.c (all call down into eigs_result.c, never into
 * each other). */
#include "qbath/eigs.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/filter.h"
#include "solve/eigs_internal.h"

void qb_eigs_defaults(qb_eigs_opts *o) {
  memset(o, 0, sizeof *o);
  o->nev = 50;
  o->target_is_density = 1;
  o->target = 0.5;
  o->method = QB_EIGS_AUTO;
  o->dense_max_dim = 3000;
  o->want_vectors = 1;
  o->maxiter = 1000;
  o->tol = 1e-12;
  o->bounds_tol = 1e-8;
  o->block = 8;
  o->seed = 20240601;
  qb_factor_defaults(&o->factor);
}

/* Dense ED: all eigenpairs by LAPACK, keep the nev nearest sigma. */
static qb_status eigs_dense(const qb_csr *A, const qb_eigs_opts *o, qb_eigs_result **out,
                            qb_err *err) {
  qb_idx n = A->nrows, k = o->nev;
  size_t es = qb_dtype_size(A->dtype);
  double t0 = qb_eigs_now();
  void *D = qb_malloc((size_t)n * (size_t)n * es);
  double *w = qb_malloc((size_t)n * sizeof *w);
  qb_eigs_result *r = NULL;
  qb_status st = (!D || !w) ? QB_FAIL(err, QB_ERR_NOMEM, "dense ED of dimension %ld needs "
                                      "%.3g GB", (long)n, (double)n * n * es / 1e9)
                            : qb_csr_to_dense(A, D, err);
  if (st == QB_OK) st = qb_dense_eigh(A->dtype, n, D, w, o->want_vectors, err);
  if (st == QB_OK) st = qb_eigs_result_alloc(n, k, A->dtype, o->want_vectors, &r, err);
  if (st == QB_OK) {
    r->method = QB_EIGS_DENSE;
    r->emin = w[0];
    r->emax = w[n - 1];
    r->sigma = o->target_is_density ? w[0] + o->target * (w[n - 1] - w[0]) : o->target;
    qb_idx lo = qb_eigs_window(w, n, k, r->sigma);
    for (qb_idx j = 0; j < k; j++) {
      r->E[j] = w[lo + j];
      if (r->V)
        for (qb_idx i = 0; i < n; i++)
          memcpy((char *)r->V + es * (size_t)(j * n + i), (char *)D + es * (size_t)(i * n + lo + j),
                 es);
    }
    qb_free(D); D = NULL;
    r->t_iterate = qb_eigs_now() - t0;
    st = qb_eigs_finish(A, r, err);
  }
  qb_free(D);
  qb_free(w);
  if (st != QB_OK) r = qb_eigs_result_free(r);
  *out = r;
  return st;
}

/* The polynomial filter (qbath/filter.h) on A's operator view. A density target takes its
 * extremal eigenvalues from the same ARPACK run as shift-invert, so both paths aim at the
 * same sigma and return the same pairs. */
static qb_status eigs_filter(const qb_csr *A, const qb_eigs_opts *o, qb_eigs_result **out,
                             qb_err *err) {
  qb_eigs_opts fo = *o;
  double t0 = qb_eigs_now();
  if (fo.target_is_density && !fo.have_bounds) {
    QB_TRY(qb_eigs_bounds(A, fo.bounds_tol, fo.seed, &fo.emin, &fo.emax, err));
    fo.have_bounds = 1;
  }
  double tb = qb_eigs_now() - t0;
  qb_op *H = NULL;
  QB_TRY(qb_op_from_csr((qb_csr *)A, 0, &H, err));
  qb_status st = qb_filter_eigs(H, &fo, NULL, out, NULL, err);
  qb_op_free(H);
  if (st == QB_OK) (*out)->t_bounds += tb;
  return st;
}

static qb_status check_request(const qb_csr *A, const qb_eigs_opts *o, qb_err *err) {
  if (A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "eigs: matrix is %ld x %ld, not square", (long)A->nrows,
                   (long)A->ncols);
  if (o->nev < 1 || o->nev > A->nrows)
    return QB_FAIL(err, QB_ERR_INPUT, "eigs: nev = %ld must be in [1, dim = %ld]", (long)o->nev,
                   (long)A->nrows);
  if (o->target_is_density && !(o->target >= 0 && o->target <= 1))
    return QB_FAIL(err, QB_ERR_INPUT, "eigs: energy density eps = %g must be in [0, 1]",
                   o->target);
  return QB_OK;
}

qb_status qb_eigs_csr(const qb_csr *A, const qb_eigs_opts *o, qb_factor **cache,
                      qb_eigs_result **out, qb_err *err) {
  qb_eigs_opts def;
  if (!o) { qb_eigs_defaults(&def); o = &def; }
  *out = NULL;
  QB_TRY(check_request(A, o, err));
  double t0 = qb_eigs_now();
  qb_eigs_method m = o->method;
  if (m == QB_EIGS_AUTO) m = A->nrows <= o->dense_max_dim ? QB_EIGS_DENSE : QB_EIGS_SHIFT_INVERT;
  /* ARPACK needs ncv > nev (+1 real, +2 complex) < dim: tiny problems go dense. */
  if (m == QB_EIGS_SHIFT_INVERT && o->nev + 2 >= A->nrows)
    return QB_FAIL(err, QB_ERR_INPUT, "eigs: shift-invert needs nev + 2 < dim (nev = %ld, dim "
                   "= %ld); use the dense method", (long)o->nev, (long)A->nrows);
  qb_status st = m == QB_EIGS_DENSE    ? eigs_dense(A, o, out, err)
                 : m == QB_EIGS_FILTER ? eigs_filter(A, o, out, err)
                                       : qb_eigs_shift_invert(A, o, cache, out, err);
  /* auto past the factorization wall: the factor refused for o->factor.mem_limit (or its
   * allocation failed), so the filter, which needs no factor, takes over */
  if (st == QB_ERR_NOMEM && o->method == QB_EIGS_AUTO && m == QB_EIGS_SHIFT_INVERT &&
      o->factor.mem_limit > 0 && A->dtype == QB_REAL)
    st = eigs_filter(A, o, out, err);
  if (st == QB_OK) (*out)->t_total = qb_eigs_now() - t0;
  return st;
}

qb_status qb_eigs_op(const qb_op *H, const qb_eigs_opts *o, qb_factor **cache,
                     qb_eigs_result **out, qb_err *err) {
  if (!strcmp(H->type->name, "csr")) return qb_eigs_csr(H->impl, o, cache, out, err);
  /* the filter needs only applies; it fills H's bounds cache (a cache, not H itself) */
  if (o && o->method == QB_EIGS_FILTER) return qb_filter_eigs((qb_op *)H, o, NULL, out, NULL, err);
  return QB_FAIL(err, QB_ERR_UNSUPPORTED, "eigs: operator type '%s' has no CSR form here; "
                 "assemble it as CSR first", H->type->name);
}
