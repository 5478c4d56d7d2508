/* prop.c — the propagator object shared by every method: lifecycle, steps, runs over
 * output times with observers, time grids (qbath/prop.h). */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "qbath/alloc.h"
#include "qbath/prop.h"

struct qb_prop {
  const qb_prop_type *type; /* method */
  qb_op *H;                 /* the operator (not owned) */
  qb_prop_params p;         /* parameters as given */
  void *state;              /* the method's state */
  qb_prop_stats st;         /* counters */
};

qb_prop_params qb_prop_defaults(void) {
  return (qb_prop_params){1e-10, 40, 4, 4096, 1e-6, qb_bounds_defaults()};
}

qb_status qb_prop_type_find(const char *name, const qb_prop_type **out, qb_err *err) {
  const qb_prop_type *const table[] = {qb_prop_chebyshev, qb_prop_krylov, qb_prop_dense};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (name && !strcasecmp(name, table[i]->name)) {
      *out = table[i];
      return QB_OK;
    }
  *out = NULL;
  return QB_FAIL(err, QB_ERR_INPUT, "evolve method '%s' unknown (chebyshev, krylov, dense)",
                 name ? name : "(null)");
}

static qb_status check_params(const qb_prop_params *p, qb_err *err) {
  if (!(p->tol > 0.0 && p->tol < 1.0))
    return QB_FAIL(err, QB_ERR_INPUT, "evolve tol = %g must be in (0, 1)", p->tol);
  if (p->krylov_dim < 2 || p->krylov_min_dim < 1 || p->krylov_min_dim > p->krylov_dim)
    return QB_FAIL(err, QB_ERR_INPUT,
                   "Krylov dimensions min %d, max %d (need 1 <= min <= max, max >= 2)",
                   p->krylov_min_dim, p->krylov_dim);
  if (p->cheb_max_order < 8)
    return QB_FAIL(err, QB_ERR_INPUT, "Chebyshev max order %d must be >= 8", p->cheb_max_order);
  if (!(p->norm_guard > 0.0))
    return QB_FAIL(err, QB_ERR_INPUT, "Chebyshev norm guard %g must be > 0", p->norm_guard);
  return QB_OK;
}

qb_status qb_prop_create(const qb_prop_type *T, qb_op *H, const qb_prop_params *params,
                         qb_prop **out, qb_err *err) {
  *out = NULL;
  const qb_prop_params p = params ? *params : qb_prop_defaults();
  QB_TRY(check_params(&p, err));
  if (H->dim < 1) return QB_FAIL(err, QB_ERR_DIM, "propagator for an empty operator");
  qb_prop *P = qb_calloc(1, sizeof *P);
  if (!P) return QB_FAIL(err, QB_ERR_NOMEM, "propagator");
  P->type = T;
  P->H = H;
  P->p = p;
  qb_status s = T->create(H, &P->p, &P->state, err);
  if (s != QB_OK) {
    qb_free(P);
    return s;
  }
  *out = P;
  qb_prop_reset_stats(P);
  return QB_OK;
}

qb_prop *qb_prop_free(qb_prop *P) {
  if (!P) return NULL;
  P->type->free(P->state);
  return qb_free(P);
}

qb_status qb_prop_step(qb_prop *P, qb_cplx *psi, double dt, double tol, qb_err *err) {
  if (!(dt >= 0.0) || !isfinite(dt))
    return QB_FAIL(err, QB_ERR_INPUT, "time step dt = %g must be finite and >= 0", dt);
  if (!(tol > 0.0)) return QB_FAIL(err, QB_ERR_INPUT, "step tolerance %g must be > 0", tol);
  if (dt == 0.0) return QB_OK;
  return P->type->step(P->state, psi, dt, tol, &P->st, err);
}

static qb_status check_times(const double *times, size_t ntimes, qb_err *err) {
  if (ntimes == 0) return QB_FAIL(err, QB_ERR_INPUT, "no output times");
  double prev = 0.0;
  for (size_t j = 0; j < ntimes; j++) {
    if (!isfinite(times[j]) || times[j] < prev)
      return QB_FAIL(err, QB_ERR_INPUT,
                     "output time t[%zu] = %g: times must be finite, >= 0 and ascending", j,
                     times[j]);
    prev = times[j];
  }
  return QB_OK;
}

qb_status qb_prop_run(qb_prop *P, int nstates, qb_cplx *const *psi, const double *times,
                      size_t ntimes, qb_prop_observer obs, void *ctx, qb_err *err) {
  if (nstates < 1) return QB_FAIL(err, QB_ERR_INPUT, "propagation of %d states", nstates);
  QB_TRY(check_times(times, ntimes, err));
  const double t_last = times[ntimes - 1];
  double t_prev = 0.0;
  for (size_t j = 0; j < ntimes; j++) {
    const double dt = times[j] - t_prev;
    /* The run's tolerance is shared out in proportion to time (errors add linearly). */
    const double tol = t_last > 0.0 ? P->p.tol * dt / t_last : P->p.tol;
    for (int s = 0; s < nstates && dt > 0.0; s++)
      QB_TRY(P->type->step(P->state, psi[s], dt, tol, &P->st, err));
    if (obs) QB_TRY(obs(ctx, j, times[j], nstates, psi, err));
    t_prev = times[j];
  }
  return QB_OK;
}

qb_prop_stats qb_prop_get_stats(const qb_prop *P) { return P->st; }

void qb_prop_reset_stats(qb_prop *P) {
  const int vecs = P->st.state_vectors;
  memset(&P->st, 0, sizeof P->st);
  P->st.state_vectors = vecs;
}

const char *qb_prop_name(const qb_prop *P) { return P->type->name; }

qb_op *qb_prop_op(const qb_prop *P) { return P->H; }

qb_idx qb_prop_dim(const qb_prop *P) { return P->H->dim; }

qb_status qb_prop_time_grid_linear(double t0, double t1, size_t n, double *t, qb_err *err) {
  if (n < 1 || !isfinite(t0) || !isfinite(t1) || t1 < t0)
    return QB_FAIL(err, QB_ERR_INPUT, "linear time grid [%g, %g] with %zu points", t0, t1, n);
  for (size_t j = 0; j < n; j++) t[j] = n == 1 ? t0 : t0 + (t1 - t0) * (double)j / (double)(n - 1);
  return QB_OK;
}

qb_status qb_prop_time_grid_log(double t0, double t1, size_t n, double *t, qb_err *err) {
  if (n < 1 || !(t0 > 0.0) || !isfinite(t1) || t1 < t0)
    return QB_FAIL(err, QB_ERR_INPUT, "log time grid [%g, %g] with %zu points (need 0 < t0 <= t1)",
                   t0, t1, n);
  const double r = log(t1 / t0);
  for (size_t j = 0; j < n; j++) t[j] = n == 1 ? t0 : t0 * exp(r * (double)j / (double)(n - 1));
  if (n > 1) t[n - 1] = t1; /* exact end point */
  return QB_OK;
}
