/* matrix_market.c — model `matrix_market`: a fixed Hermitian operator read from a Matrix
 * Market file, so that a Hamiltonian built elsewhere can use qbath's solvers.
 *
 * The file is read once per sweep point (path relative to the working directory) and
 * checked to be square and Hermitian. Realizations are identical unless a later
 * observable draws random states (the time-evolution and eigen issues add those).
 * Observables (spectrum_obs.h, dense ED or shift-invert by [eigen] method): the gap
 * ratio and the spectrum's bounds e_min, e_max ([eigen] method = none skips them). Time
 * domain ([evolve] observe = survival, models/shared/dynamics.h): the survival probability of a
 * random or basis state on the [evolve] time grid. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/shared/dynamics.h"
#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/csr.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"
#include "qbath/mmio.h"
#include "qbath/model.h"

static const qb_key mm_keys[] = {
    {"model", "file", QB_KEY_STRING, NULL, 0, -1, NULL, "", NULL,
     "Matrix Market file of a real symmetric or complex Hermitian matrix", 1},
    {"model", "hermitian_tol", QB_KEY_REAL, "1e-12", 0, 1, NULL, "", NULL,
     "largest relative Hermiticity defect accepted", 0},
    QB_KEY_END};
static const qb_key *const mm_tables[] = {mm_keys, qb_eigen_keys, qb_evolve_keys, qb_dynamics_keys,
                                          qb_state_out_keys, NULL};

typedef struct mm_ctx {
  qb_csr *A;
  qb_spectrum_obs obs;
  qb_dyn dyn;  /* time-domain observables */
} mm_ctx;

/* Reads and checks the whole file (banner, entries, indices, finite values, Hermiticity),
 * so that `qbath validate` and the run's load refuse a bad file before any work starts
 * and before an output or journal exists. */
static qb_status read_checked(const qb_params *p, qb_csr **A, qb_err *err) {
  qb_status st = qb_mmio_read_hermitian(qb_param_str(p, "model", "file"),
                                      qb_param_real(p, "model", "hermitian_tol"), A, err);
  if (st == QB_OK) return QB_OK;
  char msg[sizeof err->msg];
  snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
  return st == QB_ERR_NOMEM ? st : qb_param_fail(p, err, "model", "file", "%s", msg);
}

/* Dimension, stored entries (both triangles) and arithmetic of the checked matrix. */
static qb_status read_size(const qb_params *p, double *n, double *nnz, int *is_complex,
                           qb_err *err) {
  qb_csr *A = NULL;
  QB_TRY(read_checked(p, &A, err));
  *n = (double)A->nrows, *nnz = (double)qb_csr_nnz(A);
  *is_complex = A->dtype == QB_COMPLEX;
  qb_csr_free(A);
  return QB_OK;
}

static qb_status mm_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  double n = 0, nnz = 0;
  int is_complex = 0;
  QB_TRY(read_size(p, &n, &nnz, &is_complex, err));
  const int eigen = qb_spectrum_obs_enabled(p);
  if (eigen && (double)qb_spectrum_obs_nev(p) > n)
    return qb_param_fail(p, err, "eigen", "nev", "exceeds the matrix dimension %.0f", n);
  QB_TRY(
      qb_spectrum_obs_estimate(p, n, nnz, is_complex, 0, NULL, e, err)); /* nnz: both triangles */
  e->ctx_bytes = 24 * nnz + 8 * n;
  qb_dyn dyn;
  QB_TRY(qb_dynamics_read(p, 0, (qb_idx)n, NULL, &dyn, err));
  qb_dynamics_estimate(&dyn, n, nnz, is_complex, e);
  const int dynamics = qb_dynamics_any(&dyn);
  qb_dynamics_clear(&dyn);
  if (!eigen && !dynamics)
    return qb_param_fail(p, err, "eigen", "method",
                         "nothing to compute: method = none and no [evolve] observe");
  return QB_OK;
}

static void mm_free(void *ctx) {
  mm_ctx *c = ctx;
  if (c == NULL) return;
  qb_csr_free(c->A);
  qb_spectrum_obs_clear(&c->obs);
  qb_dynamics_clear(&c->dyn);
  qb_free(c);
}

static qb_status mm_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  mm_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "matrix_market: out of memory");
  qb_status st = read_checked(p, &c->A, err);
  if (st == QB_OK) st = qb_spectrum_obs_init(p, 0, c->A->nrows, c->A->dtype == QB_COMPLEX, NULL,
                                             &c->obs, L, err);
  if (st == QB_OK) st = qb_dynamics_read(p, 0, c->A->nrows, NULL, &c->dyn, err);
  if (st == QB_OK) st = qb_dynamics_layout(&c->dyn, L, err);
  if (st != QB_OK) {
    mm_free(c);
    return st;
  }
  *out = c;
  return QB_OK;
}

static qb_status mm_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const mm_ctx *c = ctx;
  /* one eigendecomposition of the (read-only, shared) matrix serves every observable */
  qb_eigs_cache *E = qb_spectrum_obs_cache(&c->obs, c->A, t, err);
  if (!E) return QB_ERR_NOMEM;
  qb_spectrum_obs_need(&c->obs, E);
  qb_dynamics_need(&c->dyn, E);
  qb_status st = qb_spectrum_obs_compute(&c->obs, E, NULL, NULL, row, err);
  if (st == QB_OK &&
      qb_dynamics_any(&c->dyn)) { /* a private copy: the SpMV partitions its matrix */
    qb_csr *A = NULL;
    st = qb_csr_copy(c->A, &A, err);
    if (st == QB_OK) st = qb_dynamics_realize(&c->dyn, A, NULL, NULL, t, t->nthreads, E, row, err);
    qb_csr_free(A);
  }
  if (E && t->eigs_count) *t->eigs_count += qb_eigs_cache_count(E); /* diagnostics */
  qb_eigs_cache_free(E);
  return st;
}

const qb_model qb_model_matrix_market = {
    .name = "matrix_market",
    .doc = "a fixed Hermitian operator from a Matrix Market file (dense ED or shift-invert; time "
           "domain)",
    .keys = mm_tables,
    QB_MODEL_HOOKS(mm),
};
