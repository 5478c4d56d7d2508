/* qbath/eigs_cache.h — one realization's eigendecomposition of H, computed once and
 * handed to every observable that needs eigenpairs (level statistics, entanglement,
 * survival from the spectral measure, Lehmann spectral functions).
 *
 * Lifecycle: create it for the realization's H, let each observable declare what it
 * needs (qb_eigs_cache_need), then let them ask (qb_eigs_cache_get). The first get
 * computes the union of the declared needs in one diagonalization:
 *   dense path (qb_eigs_cache_dense)  values only when nobody needs a vector (LAPACK
 *                                     without vectors), else all pairs with vectors, of
 *                                     which QB_EIGS_NEED_TARGET is the window of nev;
 *   shift-invert path                 the nev pairs nearest the target (vectors when
 *                                     anybody declared QB_EIGS_NEED_VECTORS); an observable
 *                                     needing all pairs (Lehmann) adds one dense ED.
 * A get for something not declared computes it then (a second diagonalization, counted
 * by qb_eigs_cache_count: declare first). The cache owns every result it hands out; they live
 * until qb_eigs_cache_free. One thread uses a cache. */
#ifndef QBATH_EIGS_CACHE_H
#define QBATH_EIGS_CACHE_H

#include "qbath/eigs.h"

typedef enum {
  QB_EIGS_NEED_VALUES = 1,  /* every eigenvalue, ascending (dense path; emin, emax) */
  QB_EIGS_NEED_ALL = 2,     /* every eigenpair with vectors (dense ED whatever the path) */
  QB_EIGS_NEED_TARGET = 4,  /* the nev pairs nearest the target (emin, emax, sigma set) */
  QB_EIGS_NEED_VECTORS = 8  /* with QB_EIGS_NEED_TARGET: their vectors too */
} qb_eigs_need;

typedef struct qb_eigs_cache qb_eigs_cache;

/* A cache for the Hermitian A (borrowed: it must outlive the cache) and the options o
 * (copied: nev, target, method, tolerances). NULL on allocation failure (err filled). */
qb_eigs_cache *qb_eigs_cache_create(const qb_csr *A, const qb_eigs_opts *o, qb_err *err);
/* Frees the cache and every result it handed out; NULL-safe; returns NULL. */
qb_eigs_cache *qb_eigs_cache_free(qb_eigs_cache *c);

/* 1 when the cache takes the dense path for its options and dimension (method dense, or
 * auto up to dense_max_dim). */
int qb_eigs_cache_dense(const qb_eigs_cache *c);
/* The dense-path rule for options o and dimension dim, before any cache exists. */
int qb_eigs_cache_uses_dense(const qb_eigs_opts *o, double dim);

/* The dimension of the cache's matrix. */
qb_idx qb_eigs_cache_dim(const qb_eigs_cache *c);

/* Declares needs (an OR of qb_eigs_need) before the first get. */
void qb_eigs_cache_need(qb_eigs_cache *c, unsigned need);

/* The result for one need (QB_EIGS_NEED_VALUES, _ALL or _TARGET, optionally | _VECTORS),
 * computing on first use. *r is owned by the cache. */
qb_status qb_eigs_cache_get(qb_eigs_cache *c, unsigned need, const qb_eigs_result **r,
                            qb_err *err);

/* Diagonalizations the cache has made (what a test of "one per realization" counts). */
long qb_eigs_cache_count(const qb_eigs_cache *c);

#endif
