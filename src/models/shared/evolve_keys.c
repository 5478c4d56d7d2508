/* evolve_keys.c — the [evolve] key table shared by every model that evolves states, and
 * its reading into a propagator configuration (models/shared/evolve_keys.h). */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/prop.h"
#include "qbath/spectral.h"
#include "models/shared/evolve_keys.h"

/* What the [evolve] rows are bound to: the configuration, and the keys that only shape it
 * (the method's name, the grid). */
typedef struct evolve_rows {
  qb_evolve_config c;
  const char *method; /* propagator name */
  int log_grid;       /* grid index: 1 = log */
  double t_min, t_max;
} evolve_rows;

const qb_key qb_evolve_keys[] = {
    {"evolve", "method", QB_KEY_ENUM, "chebyshev", 0, -1, "chebyshev|krylov|dense", "", NULL,
     "propagator: Chebyshev (Bessel coefficients), Krylov (Lanczos, adaptive), dense (exact ED)", 1,
     QB_FIELD(evolve_rows, method)},
    {"evolve", "tol", QB_KEY_REAL, "1e-10", 1e-15, 0.1, NULL, "", NULL,
     "relative 2-norm error of the evolved state over the whole run (norm drift too)", 1,
     QB_FIELD(evolve_rows, c.prop.tol)},
    {"evolve", "grid", QB_KEY_ENUM, "linear", 0, -1, "linear|log", "", "times",
     "output times: equally spaced or geometric from t_min to t_max", 1,
     QB_FIELD(evolve_rows, log_grid)},
    {"evolve", "t_min", QB_KEY_REAL, "0", 0, INFINITY, NULL, "time", "times",
     "first output time (log grid: > 0)", 1, QB_FIELD(evolve_rows, t_min)},
    {"evolve", "t_max", QB_KEY_REAL, "10", 0, INFINITY, NULL, "time", "times",
     "last output time", 1, QB_FIELD(evolve_rows, t_max)},
    {"evolve", "samples", QB_KEY_INT, "101", 1, 1e7, NULL, "", "times", "number of output times", 1,
     QB_FIELD(evolve_rows, c.ntimes)},
    {"evolve", "times", QB_KEY_REAL_LIST, "", 0, INFINITY, NULL, "time", NULL,
     "explicit ascending output times (instead of grid, t_min, t_max, samples)", 1},
    {"evolve", "krylov_dim", QB_KEY_INT, "40", 2, 1000, NULL, "", NULL,
     "Krylov: largest Lanczos basis (memory: this many state vectors)", 1,
     QB_FIELD(evolve_rows, c.prop.krylov_dim)},
    {"evolve", "cheb_max_order", QB_KEY_INT, "4096", 8, 1e6, NULL, "", NULL,
     "Chebyshev: largest expansion order per step (longer steps are split)", 1,
     QB_FIELD(evolve_rows, c.prop.cheb_max_order)},
    {"evolve", "bounds_steps", QB_KEY_INT, "60", 2, 10000, NULL, "", NULL,
     "Lanczos steps of the spectral bounds used by Chebyshev expansions", 0,
     QB_FIELD(evolve_rows, c.prop.bounds.steps)},
    {"evolve", "bounds_margin", QB_KEY_REAL, "0.002", 0, 1, NULL, "", NULL,
     "relative margin added on each side of the Lanczos spectral bounds", 0,
     QB_FIELD(evolve_rows, c.prop.bounds.margin)},
    QB_KEY_END};

/* The output times from the grid keys or the explicit list. */
static qb_status read_times(const qb_params *p, const evolve_rows *r, qb_evolve_config *c,
                            qb_err *err) {
  qb_idx n = 0;
  const double *list = qb_param_list(p, "evolve", "times", &n);
  if (qb_param_is_set(p, "evolve", "times")) {
    if (n < 1) return qb_param_fail(p, err, "evolve", "times", "give at least one time");
    for (qb_idx j = 1; j < n; j++)
      if (list[j] < list[j - 1])
        return qb_param_fail(p, err, "evolve", "times", "times must ascend (%g after %g)",
                             list[j], list[j - 1]);
    c->ntimes = (size_t)n;
    c->times = qb_malloc(c->ntimes * sizeof *c->times);
    if (!c->times) return QB_FAIL(err, QB_ERR_NOMEM, "[evolve] %zu times", c->ntimes);
    memcpy(c->times, list, c->ntimes * sizeof *c->times);
    return QB_OK;
  }
  const double t0 = r->t_min, t1 = r->t_max;
  const int is_log = r->log_grid;
  if (t1 < t0)
    return qb_param_fail(p, err, "evolve", "t_max", "must be >= t_min = %g", t0);
  if (is_log && !(t0 > 0.0))
    return qb_param_fail(p, err, "evolve", "t_min", "a log grid needs t_min > 0");
  c->times = qb_malloc(c->ntimes * sizeof *c->times);
  if (!c->times) return QB_FAIL(err, QB_ERR_NOMEM, "[evolve] %zu times", c->ntimes);
  return is_log ? qb_prop_time_grid_log(t0, t1, c->ntimes, c->times, err)
                : qb_prop_time_grid_linear(t0, t1, c->ntimes, c->times, err);
}

qb_status qb_evolve_keys_read(const qb_params *p, qb_evolve_config *c, qb_err *err) {
  memset(c, 0, sizeof *c);
  evolve_rows r = {.c = {.prop = qb_prop_defaults()}};
  qb_param_fill(p, qb_evolve_keys, &r);
  *c = r.c;
  QB_TRY(qb_prop_type_find(r.method, &c->type, err));
  if (c->prop.krylov_min_dim > c->prop.krylov_dim) c->prop.krylov_min_dim = c->prop.krylov_dim;
  qb_status st = read_times(p, &r, c, err);
  if (st != QB_OK) qb_evolve_keys_clear(c);
  return st;
}

void qb_evolve_keys_clear(qb_evolve_config *c) {
  c->times = qb_free(c->times);
  c->ntimes = 0;
}

/* ---- [spectral] ----------------------------------------------------------------------- */

const qb_key qb_spectral_keys[] = {
    {"spectral", "method", QB_KEY_ENUM, "signal", 0, -1, "signal|kpm|lehmann", "", NULL,
     "time signal + FFT, kernel polynomial method, or Lehmann sum from eigenpairs", 1,
     QB_FIELD(qb_spec_params, method)},
    {"spectral", "w_min", QB_KEY_REAL, "-4", QB_ANY, NULL, "energy", NULL,
     "lowest output frequency", 1, QB_FIELD(qb_spec_params, wmin)},
    {"spectral", "w_max", QB_KEY_REAL, "4", QB_ANY, NULL, "energy", NULL,
     "highest output frequency", 1, QB_FIELD(qb_spec_params, wmax)},
    {"spectral", "points", QB_KEY_INT, "801", 2, 1e7, NULL, "", NULL, "output frequencies", 1,
     QB_FIELD(qb_spec_params, points)},
    {"spectral", "t_max", QB_KEY_REAL, "100", 0, INFINITY, NULL, "time", NULL,
     "signal: length of the time signal (resolution ~ 1/t_max)", 1,
     QB_FIELD(qb_spec_params, t_max)},
    {"spectral", "dt", QB_KEY_REAL, "0", 0, INFINITY, NULL, "time", NULL,
     "signal: time step (0: the Nyquist step of the spectral bounds)", 1,
     QB_FIELD(qb_spec_params, dt)},
    {"spectral", "window", QB_KEY_ENUM, "gauss", 0, -1, "gauss|hann|none", "", NULL,
     "signal: window multiplying C(t) before the FFT", 1, QB_FIELD(qb_spec_params, window)},
    {"spectral", "gauss_cut", QB_KEY_REAL, "4", 1, 40, NULL, "", NULL,
     "signal, gauss window: t_max in units of the window's width tau", 1,
     QB_FIELD(qb_spec_params, gauss_cut)},
    {"spectral", "pad", QB_KEY_INT, "4", 1, 1024, NULL, "", NULL, "signal: zero-padding factor", 1,
     QB_FIELD(qb_spec_params, pad)},
    {"spectral", "moments", QB_KEY_INT, "512", 2, 1e7, NULL, "", NULL,
     "KPM: Chebyshev moments (Jackson resolution pi a / moments)", 1,
     QB_FIELD(qb_spec_params, moments)},
    {"spectral", "samples", QB_KEY_INT, "8", 1, 1e7, NULL, "", NULL,
     "random vectors of the typicality average (infinite temperature)", 1,
     QB_FIELD(qb_spec_params, samples)},
    QB_KEY_END};

qb_status qb_evolve_keys_read_spectral(const qb_params *p, qb_spec_params *sp, qb_err *err) {
  *sp = qb_spectral_defaults();
  qb_param_fill(p, qb_spectral_keys, sp);
  if (!(sp->wmax > sp->wmin))
    return qb_param_fail(p, err, "spectral", "w_max", "must exceed w_min = %g", sp->wmin);
  if (qb_param_find(p, "evolve", "method") >= 0) {
    /* the signal's propagator: the [evolve] method, tolerance and Krylov size only */
    evolve_rows r = {.c = {.prop = sp->prop}};
    qb_param_fill(p, qb_evolve_keys, &r);
    QB_TRY(qb_prop_type_find(r.method, &sp->prop_type, err));
    sp->prop.tol = r.c.prop.tol;
    sp->prop.krylov_dim = r.c.prop.krylov_dim;
    if (sp->prop.krylov_min_dim > sp->prop.krylov_dim)
      sp->prop.krylov_min_dim = sp->prop.krylov_dim;
  }
  return QB_OK;
}
