/* eigs_cache.c — one realization's eigendecomposition shared by its observables
 * (qbath/eigs_cache.h): the union of the declared needs in one diagonalization. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/eigs_cache.h"
#include "solve/eigs_internal.h"

struct qb_eigs_cache {
  const qb_csr *A;       /* borrowed */
  qb_eigs_opts o;        /* [eigen] options */
  unsigned need;         /* declared needs */
  qb_eigs_result *all;   /* every pair (with vectors), or every value (vectors NULL) */
  qb_eigs_result *si;    /* shift-invert: the nev pairs nearest the target */
  qb_eigs_result window; /* dense path: a view of the nev pairs of `all` nearest the target */
  int have_window;
  long count;            /* diagonalizations made (diagnostics: qb_eigs_cache_count) */
};

int qb_eigs_cache_uses_dense(const qb_eigs_opts *o, double dim) {
  return o->method == QB_EIGS_DENSE ||
         (o->method == QB_EIGS_AUTO && dim <= (double)o->dense_max_dim);
}

qb_eigs_cache *qb_eigs_cache_create(const qb_csr *A, const qb_eigs_opts *o, qb_err *err) {
  qb_eigs_cache *c = qb_calloc(1, sizeof *c);
  if (!c) {
    QB_FAIL(err, QB_ERR_NOMEM, "eigs cache");
    return NULL;
  }
  c->A = A;
  c->o = *o;
  return c;
}

qb_eigs_cache *qb_eigs_cache_free(qb_eigs_cache *c) {
  if (!c) return NULL;
  qb_eigs_result_free(c->all);
  qb_eigs_result_free(c->si);
  return qb_free(c);
}

qb_idx qb_eigs_cache_dim(const qb_eigs_cache *c) { return c->A->nrows; }

int qb_eigs_cache_dense(const qb_eigs_cache *c) {
  return qb_eigs_cache_uses_dense(&c->o, (double)c->A->nrows);
}

void qb_eigs_cache_need(qb_eigs_cache *c, unsigned need) { c->need |= need; }

/* Every eigenvalue without vectors: LAPACK's values-only path (cheaper than with vectors,
 * and the bits of the gap ratio when no observable needs a vector). */
static qb_status values_only(qb_eigs_cache *c, qb_err *err) {
  const qb_csr *A = c->A;
  qb_idx n = A->nrows;
  void *D = qb_malloc(qb_dtype_size(A->dtype) * (size_t)(n * n));
  qb_status st =
      D ? qb_eigs_result_alloc(n, n, A->dtype, 0, &c->all, err)
        : QB_FAIL(err, QB_ERR_NOMEM, "dense ED: no memory for dimension %lld", (long long)n);
  if (st == QB_OK) st = qb_csr_to_dense(A, D, err);
  if (st == QB_OK) st = qb_dense_eigh(A->dtype, n, D, c->all->E, 0, err);
  qb_free(D);
  if (st != QB_OK) {
    c->all = qb_eigs_result_free(c->all);
    return st;
  }
  c->count++;
  c->all->method = QB_EIGS_DENSE;
  c->all->emin = c->all->E[0];
  c->all->emax = c->all->E[n - 1];
  for (qb_idx j = 0; j < n; j++) c->all->resid[j] = NAN;
  return QB_OK;
}

/* Every eigenpair with vectors by dense ED (the options' target only sets r->sigma). */
static qb_status all_pairs(qb_eigs_cache *c, qb_err *err) {
  c->all = qb_eigs_result_free(c->all); /* values only, if a need came late */
  qb_eigs_opts o = c->o;
  o.method = QB_EIGS_DENSE;
  o.nev = c->A->nrows;
  o.want_vectors = 1;
  QB_TRY(qb_eigs_csr(c->A, &o, NULL, &c->all, err));
  c->count++;
  return QB_OK;
}

/* The nev pairs of `all` nearest the target, as a view (the window dense ED keeps). */
static void dense_window(qb_eigs_cache *c) {
  const qb_eigs_result *a = c->all;
  qb_eigs_result *w = &c->window;
  *w = *a;
  w->sigma =
      c->o.target_is_density ? a->E[0] + c->o.target * (a->E[a->nev - 1] - a->E[0]) : c->o.target;
  qb_idx lo = qb_eigs_window(a->E, a->nev, c->o.nev, w->sigma);
  w->nev = c->o.nev;
  w->E = a->E + lo;
  w->resid = a->resid + lo;
  w->V = a->V ? (char *)a->V + (size_t)lo * (size_t)a->dim * qb_dtype_size(a->dtype) : NULL;
  c->have_window = 1;
}

static qb_status shift_invert(qb_eigs_cache *c, int vectors, qb_err *err) {
  c->si = qb_eigs_result_free(c->si);
  qb_eigs_opts o = c->o;
  /* the iterative path: shift-invert, or the filter when asked for (auto stays auto, so
   * that a factor refused for its memory limit falls back to the filter) */
  if (o.method == QB_EIGS_DENSE) o.method = QB_EIGS_SHIFT_INVERT;
  o.want_vectors = vectors;
  QB_TRY(qb_eigs_csr(c->A, &o, NULL, &c->si, err));
  c->count++;
  return QB_OK;
}

long qb_eigs_cache_count(const qb_eigs_cache *c) { return c->count; }

qb_status qb_eigs_cache_get(qb_eigs_cache *c, unsigned need, const qb_eigs_result **r,
                            qb_err *err) {
  *r = NULL;
  unsigned all = c->need | need;
  int dense = qb_eigs_cache_dense(c);
  /* on the dense path a vector anybody needs makes the one ED keep every vector */
  int want_all = (all & QB_EIGS_NEED_ALL) ||
                 (dense && (all & QB_EIGS_NEED_TARGET) && (all & QB_EIGS_NEED_VECTORS));
  if (need & (QB_EIGS_NEED_ALL | QB_EIGS_NEED_VALUES) || (dense && (need & QB_EIGS_NEED_TARGET))) {
    if (want_all && (!c->all || !c->all->V)) QB_TRY(all_pairs(c, err));
    else if (!c->all) QB_TRY(values_only(c, err));
    if (!(need & QB_EIGS_NEED_TARGET)) {
      *r = c->all;
      return QB_OK;
    }
    if (dense) {
      if (!c->have_window) dense_window(c);
      *r = &c->window;
      return QB_OK;
    }
  }
  int vectors = (all & QB_EIGS_NEED_VECTORS) != 0;
  if (!c->si || (vectors && !c->si->V)) QB_TRY(shift_invert(c, vectors, err));
  *r = c->si;
  return QB_OK;
}
