/* api_solve.c — time evolution and eigenpairs of the flat C API (qbath/api.h). */
#include <string.h>

#include "api/api_internal.h"
#include "qbath/alloc.h"
#include "qbath/eigs.h"
#include "qbath/prop.h"

/* Copies each output time's state into out[j * dim ...]. */
typedef struct record_ctx {
  qb_cplx *out;
  qb_idx dim;
} record_ctx;

static qb_status record_state(void *ctx, size_t j, double t, int nstates, qb_cplx *const *psi,
                              qb_err *err) {
  const record_ctx *r = ctx;
  memcpy(r->out + j * (size_t)r->dim, psi[0], sizeof(qb_cplx) * (size_t)r->dim);
  return QB_OK;
}

qb_status qb_api_evolve(qb_api_op *H, const char *method, double tol, void *psi,
                        const double *times, size_t ntimes, void *out, long *matvecs,
                        qb_err *err) {
  const qb_prop_type *T = NULL;
  QB_TRY(qb_prop_type_find(method, &T, err));
  if (!(tol > 0 && tol < 1))
    return QB_FAIL(err, QB_ERR_INPUT, "tol = %g must lie in (0, 1)", tol);
  for (size_t j = 0; j < ntimes; j++)
    if (!(times[j] >= 0) || (j > 0 && times[j] < times[j - 1]))
      return QB_FAIL(err, QB_ERR_INPUT, "times must be >= 0 and ascending (times[%zu] = %g)", j,
                     times[j]);
  qb_prop_params pp = qb_prop_defaults();
  pp.tol = tol;
  qb_prop *P = NULL;
  QB_TRY(qb_prop_create(T, H->op, &pp, &P, err));
  record_ctx rc = {out, H->A->nrows};
  qb_cplx *states[1] = {psi};
  qb_status st = qb_prop_run(P, 1, states, times, ntimes, out ? record_state : NULL, &rc, err);
  if (matvecs) *matvecs = qb_prop_get_stats(P).matvecs;
  qb_prop_free(P);
  return st;
}

static const char *const method_names[] = {"auto", "dense", "shift_invert", "filter"};
static const qb_eigs_method methods[] = {QB_EIGS_AUTO, QB_EIGS_DENSE, QB_EIGS_SHIFT_INVERT,
                                         QB_EIGS_FILTER};

qb_status qb_api_eigs(qb_api_op *H, qb_idx nev, double target, int target_is_density,
                      const char *method, double tol, uint64_t seed, double *E, void *V,
                      double *resid, qb_err *err) {
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  int m = -1;
  for (int i = 0; i < 4; i++)
    if (!strcmp(method, method_names[i])) m = i;
  if (m < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "eigen method '%s': expected auto, dense, shift_invert "
                   "or filter", method);
  o.method = methods[m];
  o.nev = nev;
  o.target = target;
  o.target_is_density = target_is_density;
  o.want_vectors = V != NULL || resid != NULL;
  if (tol > 0) o.tol = tol;
  o.seed = seed;
  qb_eigs_result *r = NULL;
  QB_TRY(qb_eigs_op(H->op, &o, NULL, &r, err));
  qb_status st = QB_OK;
  if (r->nev != nev)
    st = QB_FAIL(err, QB_ERR_NUMERIC, "%lld eigenpairs found, %lld asked for", (long long)r->nev,
                 (long long)nev);
  if (st == QB_OK) {
    memcpy(E, r->E, sizeof(double) * (size_t)nev);
    if (V) memcpy(V, r->V, qb_dtype_size(r->dtype) * (size_t)(nev * r->dim));
    if (resid) memcpy(resid, r->resid, sizeof(double) * (size_t)nev);
  }
  qb_eigs_result_free(r);
  return st;
}
