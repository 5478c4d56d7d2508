/* evolve_keys.c — the [evolve] key table shared by every model that evolves states, and
 * its reading into a propagator configuration (models/shared/evolve_keys.h). */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/prop.h"
#include "qbath/spectral.h"
#include "models/shared/evolve_keys.h"

const qb_key qb_evolve_keys[] = {
    {"evolve", "method", QB_KEY_ENUM, "chebyshev", 0, -1, "chebyshev|krylov|dense", "", NULL,
     "propagator: Chebyshev (Bessel coefficients), Krylov (Lanczos, adaptive), dense (exact ED)", 1},
    {"evolve", "tol", QB_KEY_REAL, "1e-10", 1e-15, 0.1, NULL, "", NULL,
     "relative 2-norm error of the evolved state over the whole run (norm drift too)", 1},
    {"evolve", "grid", QB_KEY_ENUM, "linear", 0, -1, "linear|log", "", "times",
     "output times: equally spaced or geometric from t_min to t_max", 1},
    {"evolve", "t_min", QB_KEY_REAL, "0", 0, INFINITY, NULL, "time", "times",
     "first output time (log grid: > 0)", 1},
    {"evolve", "t_max", QB_KEY_REAL, "10", 0, INFINITY, NULL, "time", "times",
     "last output time", 1},
    {"evolve", "samples", QB_KEY_INT, "101", 1, 1e7, NULL, "", "times", "number of output times", 1},
    {"evolve", "times", QB_KEY_REAL_LIST, "", 0, INFINITY, NULL, "time", NULL,
     "explicit ascending output times (instead of grid, t_min, t_max, samples)", 1},
    {"evolve", "krylov_dim", QB_KEY_INT, "40", 2, 1000, NULL, "", NULL,
     "Krylov: largest Lanczos basis (memory: this many state vectors)", 1},
    {"evolve", "cheb_max_order", QB_KEY_INT, "4096", 8, 1e6, NULL, "", NULL,
     "Chebyshev: largest expansion order per step (longer steps are split)", 1},
    {"evolve", "bounds_steps", QB_KEY_INT, "60", 2, 10000, NULL, "", NULL,
     "Lanczos steps of the spectral bounds used by Chebyshev expansions", 0},
    {"evolve", "bounds_margin", QB_KEY_REAL, "0.002", 0, 1, NULL, "", NULL,
     "relative margin added on each side of the Lanczos spectral bounds", 0},
    QB_KEY_END};

/* The output times from the grid keys or the explicit list. */
static qb_status read_times(const qb_params *p, qb_evolve_config *c, qb_err *err) {
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
  const double t0 = qb_param_real(p, "evolve", "t_min"), t1 = qb_param_real(p, "evolve", "t_max");
  const int is_log = qb_param_enum(p, "evolve", "grid") == 1;
  c->ntimes = (size_t)qb_param_int(p, "evolve", "samples");
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
  QB_TRY(qb_prop_type_find(qb_param_str(p, "evolve", "method"), &c->type, err));
  c->prop = qb_prop_defaults();
  c->prop.tol = qb_param_real(p, "evolve", "tol");
  c->prop.krylov_dim = (int)qb_param_int(p, "evolve", "krylov_dim");
  if (c->prop.krylov_min_dim > c->prop.krylov_dim) c->prop.krylov_min_dim = c->prop.krylov_dim;
  c->prop.cheb_max_order = (int)qb_param_int(p, "evolve", "cheb_max_order");
  c->prop.bounds.steps = (int)qb_param_int(p, "evolve", "bounds_steps");
  c->prop.bounds.margin = qb_param_real(p, "evolve", "bounds_margin");
  qb_status st = read_times(p, c, err);
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
     "time signal + FFT, kernel polynomial method, or Lehmann sum from eigenpairs", 1},
    {"spectral", "w_min", QB_KEY_REAL, "-4", QB_ANY, NULL, "energy", NULL, "lowest output frequency", 1},
    {"spectral", "w_max", QB_KEY_REAL, "4", QB_ANY, NULL, "energy", NULL, "highest output frequency", 1},
    {"spectral", "points", QB_KEY_INT, "801", 2, 1e7, NULL, "", NULL, "output frequencies", 1},
    {"spectral", "t_max", QB_KEY_REAL, "100", 0, INFINITY, NULL, "time", NULL,
     "signal: length of the time signal (resolution ~ 1/t_max)", 1},
    {"spectral", "dt", QB_KEY_REAL, "0", 0, INFINITY, NULL, "time", NULL,
     "signal: time step (0: the Nyquist step of the spectral bounds)", 1},
    {"spectral", "window", QB_KEY_ENUM, "gauss", 0, -1, "gauss|hann|none", "", NULL,
     "signal: window multiplying C(t) before the FFT", 1},
    {"spectral", "gauss_cut", QB_KEY_REAL, "4", 1, 40, NULL, "", NULL,
     "signal, gauss window: t_max in units of the window's width tau", 1},
    {"spectral", "pad", QB_KEY_INT, "4", 1, 1024, NULL, "", NULL, "signal: zero-padding factor", 1},
    {"spectral", "moments", QB_KEY_INT, "512", 2, 1e7, NULL, "", NULL,
     "KPM: Chebyshev moments (Jackson resolution pi a / moments)", 1},
    {"spectral", "samples", QB_KEY_INT, "8", 1, 1e7, NULL, "", NULL,
     "random vectors of the typicality average (infinite temperature)", 1},
    QB_KEY_END};

qb_status qb_evolve_keys_read_spectral(const qb_params *p, qb_spec_params *sp, qb_err *err) {
  *sp = qb_spectral_defaults();
  sp->method = (qb_spec_method)qb_param_enum(p, "spectral", "method");
  sp->wmin = qb_param_real(p, "spectral", "w_min");
  sp->wmax = qb_param_real(p, "spectral", "w_max");
  if (!(sp->wmax > sp->wmin))
    return qb_param_fail(p, err, "spectral", "w_max", "must exceed w_min = %g", sp->wmin);
  sp->points = (int)qb_param_int(p, "spectral", "points");
  sp->t_max = qb_param_real(p, "spectral", "t_max");
  sp->dt = qb_param_real(p, "spectral", "dt");
  sp->window = (qb_window)qb_param_enum(p, "spectral", "window");
  sp->gauss_cut = qb_param_real(p, "spectral", "gauss_cut");
  sp->pad = (int)qb_param_int(p, "spectral", "pad");
  sp->moments = (int)qb_param_int(p, "spectral", "moments");
  sp->samples = (int)qb_param_int(p, "spectral", "samples");
  if (qb_param_find(p, "evolve", "method") >= 0) {
    QB_TRY(qb_prop_type_find(qb_param_str(p, "evolve", "method"), &sp->prop_type, err));
    sp->prop.tol = qb_param_real(p, "evolve", "tol");
    sp->prop.krylov_dim = (int)qb_param_int(p, "evolve", "krylov_dim");
    if (sp->prop.krylov_min_dim > sp->prop.krylov_dim) sp->prop.krylov_min_dim = sp->prop.krylov_dim;
  }
  return QB_OK;
}
