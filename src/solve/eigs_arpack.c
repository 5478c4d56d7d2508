/* eigs_arpack.c — shift-invert of qbath/eigs.h: the extremal eigenvalues (for eps -> energy)
 * by a short Lanczos (qbath/bounds.h; ARPACK's regular mode where it does not resolve
 * them), the factor, and the k eigenpairs nearest sigma by ARPACK's shift-invert mode
 * (complex Hermitian: znaupd/zneupd; real with block = 1: dsaupd/dseupd) or, for real H,
 * the block Krylov-Schur of eigs_block.c. */
#include <arpack/arpack.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/bounds.h"
#include "qbath/rng.h"
#include "solve/eigs_internal.h"

/* Basis size of the extremal-eigenvalue runs: small, they need one or two Ritz values. */
#define QB_BOUNDS_NCV 32
/* Restarts allowed to the extremal-eigenvalue runs. */
#define QB_BOUNDS_MAXITER 3000
/* Most steps of the Lanczos that finds the extremal eigenvalues (one matvec each, two
 * vectors); a spectrum whose extremes it has not resolved to bounds_tol by then goes to
 * ARPACK's regular mode, which restarts. */
#define QB_EIGS_LANCZOS_STEPS 400
/* RNG purpose tag of ARPACK start vectors (separates them from a model's streams). */
#define QB_EIGS_RNG_PURPOSE 0xE165ull

/* ARPACK keeps its reverse-communication state in Fortran SAVE variables, so two threads
 * inside dsaupd/znaupd at once corrupt each other: a campaign running one shift-invert
 * realization per thread failed to converge and corrupted the heap. Every ARPACK sequence
 * (the *aupd loop and its *eupd) runs under this lock; the factorization, the expensive
 * part for large matrices, stays outside it. */
static pthread_mutex_t qb_arpack_lock = PTHREAD_MUTEX_INITIALIZER;

/* ARPACK's work arrays for one run; sizes per its documentation. */
typedef struct arp_ws {
  a_int n, nev, ncv, lworkl;
  qb_dtype dtype;
  void *resid, *v, *workd, *workl, *d, *z, *workev;
  double *rwork;
  a_int *select;
} arp_ws;

static void ws_free(arp_ws *w) {
  qb_free(w->resid); qb_free(w->v); qb_free(w->workd); qb_free(w->workl);
  qb_free(w->d); qb_free(w->z); qb_free(w->workev); qb_free(w->rwork); qb_free(w->select);
  memset(w, 0, sizeof *w);
}

/* Fills v (n entries of dt) with uniforms in [-0.5, 0.5) from stream `stream` of seed. */
static void fill_random(void *v, qb_dtype dt, qb_idx n, uint64_t seed, uint64_t stream) {
  qb_rng rng;
  qb_rng_init(&rng, seed, 0, stream, QB_EIGS_RNG_PURPOSE);
  for (qb_idx i = 0; i < n * (dt == QB_REAL ? 1 : 2); i++)
    ((double *)v)[i] = qb_rng_uniform(&rng) - 0.5;
}

/* ARPACK 3.8 asks for OP x with ido = -1 only from [dz]getv0: first for our start vector,
 * then after each breakdown (an invariant Krylov subspace: a spectrum with fewer distinct
 * levels than the basis holds, as in a classical Ising chain) for a random vector that it
 * drew with LAPACK's [dz]larnv from a seed it sets once per process (a SAVE variable;
 * arpack-ng issue #218, reseeded at every call from 3.9 on). That vector, and the
 * degenerate eigenvectors built from it, depended on how many breakdowns earlier runs in
 * the process had had: on the order in which threads took qb_arpack_lock, and on resume.
 * x is a copy that getv0 replaces by OP x, so each later request gets a vector of ours
 * instead, from the seed and the restart count. (getv0 uses its own vector unasked only
 * when OP x lies in the basis's span, which an invertible OP never gives before the
 * basis spans the space.) tests/test_thread_bits.c */
static void own_restart_vector(a_int ido, int *requests, void *x, const arp_ws *w, uint64_t seed) {
  if (ido == -1 && (*requests)++ > 0) fill_random(x, w->dtype, w->n, seed, (uint64_t)*requests - 1);
}

/* Allocates the arrays and fills resid with a seeded random start vector. */
static qb_status ws_alloc(arp_ws *w, qb_dtype dt, qb_idx n, qb_idx nev, qb_idx ncv, int want_z,
                          uint64_t seed, qb_err *err) {
  memset(w, 0, sizeof *w);
  w->n = (a_int)n; w->nev = (a_int)nev; w->ncv = (a_int)ncv; w->dtype = dt;
  size_t es = qb_dtype_size(dt);
  w->lworkl = dt == QB_REAL ? (a_int)(ncv * (ncv + 8)) : (a_int)(3 * ncv * ncv + 5 * ncv);
  w->resid = qb_malloc((size_t)n * es);
  w->v = qb_malloc((size_t)n * (size_t)ncv * es);
  w->workd = qb_malloc(3 * (size_t)n * es);
  w->workl = qb_malloc((size_t)w->lworkl * es);
  w->d = qb_malloc((size_t)(nev + 1) * es);
  w->select = qb_calloc((size_t)ncv, sizeof(a_int));
  int ok = w->resid && w->v && w->workd && w->workl && w->d && w->select;
  if (dt == QB_COMPLEX) {
    w->rwork = qb_malloc((size_t)ncv * sizeof(double));
    w->workev = qb_malloc(2 * (size_t)ncv * es);
    if (want_z) w->z = qb_malloc((size_t)n * (size_t)(nev + 1) * es);
    ok = ok && w->rwork && w->workev && (!want_z || w->z);
  }
  if (!ok) {
    ws_free(w);
    return QB_FAIL(err, QB_ERR_NOMEM, "ARPACK workspace: n = %ld, ncv = %ld", (long)n, (long)ncv);
  }
  fill_random(w->resid, dt, n, seed, 0);
  return QB_OK;
}

static qb_status arpack_info(a_int info, const char *routine, qb_err *err) {
  if (info == 0) return QB_OK;
  if (info == 1)
    return QB_FAIL(err, QB_NOT_CONVERGED, "ARPACK %s: maximum number of restarts reached "
                   "before convergence (raise maxiter or ncv)", routine);
  return QB_FAIL(err, QB_ERR_NUMERIC, "ARPACK %s failed with info = %d", routine, (int)info);
}

/* One extremal eigenvalue by regular-mode Lanczos/Arnoldi: which "SA"/"LA" (real) or
 * "SR"/"LR" (complex). */
static qb_status extremal(const qb_csr *A, const char *which, double tol, uint64_t seed,
                          double *val, qb_err *err) {
  qb_idx n = A->nrows, ncv = n - 1 < QB_BOUNDS_NCV ? n - 1 : QB_BOUNDS_NCV;
  arp_ws w;
  QB_TRY(ws_alloc(&w, A->dtype, n, 1, ncv, 0, seed, err));
  a_int ido = 0, info = 1, iparam[11] = {0}, ipntr[14] = {0};
  int requests = 0;
  iparam[0] = 1;
  iparam[2] = QB_BOUNDS_MAXITER;
  iparam[6] = 1;
  qb_status st = QB_OK;
  size_t es = qb_dtype_size(A->dtype);
  pthread_mutex_lock(&qb_arpack_lock);
  for (;;) {
    if (A->dtype == QB_REAL)
      dsaupd_c(&ido, "I", w.n, which, 1, tol, w.resid, w.ncv, w.v, w.n, iparam, ipntr, w.workd,
               w.workl, w.lworkl, &info);
    else
      znaupd_c(&ido, "I", w.n, which, 1, tol, w.resid, w.ncv, w.v, w.n, iparam, ipntr, w.workd,
               w.workl, w.lworkl, w.rwork, &info);
    if (ido != -1 && ido != 1) break;
    void *x = (char *)w.workd + es * (size_t)(ipntr[0] - 1);
    void *y = (char *)w.workd + es * (size_t)(ipntr[1] - 1);
    own_restart_vector(ido, &requests, x, &w, seed);
    st = qb_csr_spmv((qb_csr *)A, A->dtype, 1.0, 0.0, x, 0.0, y, err);
    if (st != QB_OK) break;
  }
  if (st == QB_OK) st = arpack_info(info, A->dtype == QB_REAL ? "dsaupd" : "znaupd", err);
  if (st == QB_OK) {
    if (A->dtype == QB_REAL) {
      dseupd_c(0, "A", w.select, w.d, w.v, w.n, 0.0, "I", w.n, which, 1, tol, w.resid, w.ncv,
               w.v, w.n, iparam, ipntr, w.workd, w.workl, w.lworkl, &info);
      *val = ((double *)w.d)[0];
    } else {
      zneupd_c(0, "A", w.select, w.d, w.v, w.n, 0.0, w.workev, "I", w.n, which, 1, tol, w.resid,
               w.ncv, w.v, w.n, iparam, ipntr, w.workd, w.workl, w.lworkl, w.rwork, &info);
      *val = creal(((qb_cplx *)w.d)[0]);
    }
    st = arpack_info(info, A->dtype == QB_REAL ? "dseupd" : "zneupd", err);
  }
  pthread_mutex_unlock(&qb_arpack_lock);
  ws_free(&w);
  return st;
}

static qb_status arpack_bounds(const qb_csr *A, double tol, uint64_t seed, double *emin,
                               double *emax, qb_err *err) {
  int real = A->dtype == QB_REAL;
  QB_TRY(extremal(A, real ? "SA" : "SR", tol, seed, emin, err));
  return extremal(A, real ? "LA" : "LR", tol, seed + 1, emax, err);
}

qb_status qb_eigs_bounds(const qb_csr *A, double tol, uint64_t seed, double *emin,
                         double *emax, qb_err *err) {
  if (A->nrows < 3)
    return QB_FAIL(err, QB_ERR_INPUT, "eigs bounds: dimension %ld < 3", (long)A->nrows);
  qb_op *H = NULL;
  QB_TRY(qb_op_from_csr((qb_csr *)A, 0, &H, err));
  qb_bounds_params p = qb_bounds_defaults();
  p.steps = QB_EIGS_LANCZOS_STEPS;
  p.margin = 0;
  p.seed = seed;
  p.converge = tol;
  qb_bounds_info in;
  qb_status st = qb_bounds_compute(H, &p, NULL, NULL, &in, err);
  qb_op_free(H);
  QB_TRY(st);
  /* a Ritz value lies within its residual of an eigenvalue (Parlett Thm 11.5.1), and the
   * extremal ones converge to the extremal eigenvalues first (qbath/bounds.h) */
  if (in.res_min + in.res_max <= tol * (in.ritz_max - in.ritz_min)) {
    *emin = in.ritz_min;
    *emax = in.ritz_max;
    return QB_OK;
  }
  return arpack_bounds(A, tol, seed, emin, emax, err);
}

/* The factor for A's pattern: reuse *cache when it matches, else analyse anew. */
static qb_status get_factor(const qb_csr *A, const qb_eigs_opts *o, qb_factor **cache,
                            qb_factor **F, int *owned, qb_eigs_result *r, qb_err *err) {
  *owned = 0;
  const qb_factor_type *want = o->backend ? o->backend : qb_factor_default_type(A->dtype);
  if (cache && *cache && (*cache)->type == want && qb_factor_matches(*cache, A)) {
    *F = *cache;
    return QB_OK;
  }
  if (cache) *cache = qb_factor_free(*cache);
  double t0 = qb_eigs_now();
  QB_TRY(qb_factor_create(want, A, &o->factor, F, err));
  r->t_analyze = qb_eigs_now() - t0;
  if (cache) *cache = *F; else *owned = 1;
  return QB_OK;
}

/* The reverse-communication loop of mode 3: y = (A - sigma)^{-1} x at each request. */
static qb_status iterate(qb_factor *F, arp_ws *w, const qb_eigs_opts *o, a_int *iparam,
                         a_int *ipntr, qb_err *err) {
  a_int ido = 0, info = 1;
  int requests = 0;
  size_t es = qb_dtype_size(w->dtype);
  for (;;) {
    if (w->dtype == QB_REAL)
      dsaupd_c(&ido, "I", w->n, "LM", w->nev, o->tol, w->resid, w->ncv, w->v, w->n, iparam,
               ipntr, w->workd, w->workl, w->lworkl, &info);
    else
      znaupd_c(&ido, "I", w->n, "LM", w->nev, o->tol, w->resid, w->ncv, w->v, w->n, iparam,
               ipntr, w->workd, w->workl, w->lworkl, w->rwork, &info);
    if (ido != -1 && ido != 1) break;
    void *x = (char *)w->workd + es * (size_t)(ipntr[0] - 1);
    void *y = (char *)w->workd + es * (size_t)(ipntr[1] - 1);
    own_restart_vector(ido, &requests, x, w, o->seed);
    QB_TRY(qb_factor_solve(F, x, y, err));
  }
  return arpack_info(info, w->dtype == QB_REAL ? "dsaupd" : "znaupd", err);
}

/* Ritz pairs from dseupd/zneupd into the result (unsorted; qb_eigs_finish sorts). */
static qb_status extract(arp_ws *w, const qb_eigs_opts *o, double sigma, a_int *iparam,
                         a_int *ipntr, qb_eigs_result *r, qb_err *err) {
  a_int info = 0, rvec = o->want_vectors;
  size_t es = qb_dtype_size(w->dtype);
  if (w->dtype == QB_REAL) {
    /* z = v is allowed by dseupd: the Ritz vectors overwrite the first nev basis vectors */
    dseupd_c(rvec, "A", w->select, w->d, w->v, w->n, sigma, "I", w->n, "LM", w->nev, o->tol,
             w->resid, w->ncv, w->v, w->n, iparam, ipntr, w->workd, w->workl, w->lworkl, &info);
  } else {
    zneupd_c(rvec, "A", w->select, w->d, w->z ? w->z : w->v, w->n, sigma, w->workev, "I", w->n,
             "LM", w->nev, o->tol, w->resid, w->ncv, w->v, w->n, iparam, ipntr, w->workd,
             w->workl, w->lworkl, w->rwork, &info);
  }
  QB_TRY(arpack_info(info, w->dtype == QB_REAL ? "dseupd" : "zneupd", err));
  if (iparam[4] < w->nev)
    return QB_FAIL(err, QB_NOT_CONVERGED, "ARPACK: %d of %d Ritz pairs converged",
                   (int)iparam[4], (int)w->nev);
  for (a_int j = 0; j < w->nev; j++)
    r->E[j] = w->dtype == QB_REAL ? ((double *)w->d)[j] : creal(((qb_cplx *)w->d)[j]);
  if (r->V) memcpy(r->V, w->dtype == QB_REAL ? w->v : w->z, (size_t)w->n * (size_t)w->nev * es);
  return QB_OK;
}

/* Real symmetric H with a block size above 1 whose basis fits the dimension: the block
 * Krylov-Schur of eigs_block.c; otherwise (complex H, block = 1, tiny H) ARPACK. */
static int use_block(const qb_csr *A, const qb_eigs_opts *o) {
  return A->dtype == QB_REAL && o->block > 1 && qb_eigs_block_ncv(o) + o->block <= A->nrows;
}

qb_status qb_eigs_shift_invert(const qb_csr *A, const qb_eigs_opts *o, qb_factor **cache,
                               qb_eigs_result **out, qb_err *err) {
  qb_idx n = A->nrows, nev = o->nev;
  qb_idx ncv = o->ncv > 0 ? o->ncv : (2 * nev + 1 > nev + 20 ? 2 * nev + 1 : nev + 20);
  if (ncv > n) ncv = n;
  if (ncv <= nev + 1)
    return QB_FAIL(err, QB_ERR_INPUT, "eigs: ncv = %ld must exceed nev + 1 = %ld", (long)ncv,
                   (long)(nev + 1));
  qb_eigs_result *r = NULL;
  qb_factor *F = NULL;
  int owned = 0;
  arp_ws w = {0};
  a_int iparam[11] = {0}, ipntr[14] = {0};
  QB_TRY(qb_eigs_result_alloc(n, nev, A->dtype, o->want_vectors, &r, err));
  r->method = QB_EIGS_SHIFT_INVERT;
  double t0 = qb_eigs_now();
  qb_status st = QB_OK;
  if (o->target_is_density) {
    if (o->have_bounds) { r->emin = o->emin; r->emax = o->emax; }
    else st = qb_eigs_bounds(A, o->bounds_tol, o->seed, &r->emin, &r->emax, err);
    r->sigma = r->emin + o->target * (r->emax - r->emin);
  } else {
    r->sigma = o->target;
  }
  r->t_bounds = qb_eigs_now() - t0;
  if (st == QB_OK) st = get_factor(A, o, cache, &F, &owned, r, err);
  if (st == QB_OK) st = qb_factor_numeric(F, A, r->sigma, err);
  if (st == QB_OK) {
    r->factor = F->info;
    r->t_factor = F->info.t_factor;
    if (!use_block(A, o)) st = ws_alloc(&w, A->dtype, n, nev, ncv, o->want_vectors, o->seed, err);
  }
  if (st == QB_OK && use_block(A, o)) {
    double t1 = qb_eigs_now();
    st = qb_eigs_block_iterate(F, o, r, err);
    r->t_iterate = qb_eigs_now() - t1;
  } else if (st == QB_OK) {
    iparam[0] = 1;            /* exact shifts */
    iparam[2] = o->maxiter;
    iparam[6] = 3;            /* shift-invert */
    pthread_mutex_lock(&qb_arpack_lock);
    double t1 = qb_eigs_now();
    st = iterate(F, &w, o, iparam, ipntr, err);
    r->t_iterate = qb_eigs_now() - t1;
    r->iterations = (int)iparam[2];
    r->nsolves = iparam[8];
    if (st == QB_OK) st = extract(&w, o, r->sigma, iparam, ipntr, r, err);
    pthread_mutex_unlock(&qb_arpack_lock);
  }
  ws_free(&w);
  if (owned) qb_factor_free(F);
  if (st == QB_OK) st = qb_eigs_finish(A, r, err);
  if (st != QB_OK) r = qb_eigs_result_free(r);
  *out = r;
  return st;
}
