/* fgr_times.c — time axes and [evolve] keys of the FGR models (fgr_times.h). level_dot
 * read these as [model] tau_max / prop_tol / samples / log_*; they live in [evolve] like
 * the generic models' t_max and tol (issue 17), and the old names are answered with the
 * new ones by the input parser's moved-key table. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"

#include "models/shared/fgr_times.h"

/* What the rows below are bound to. */
typedef struct fgr_rows {
  const char *method;        /* propagator name */
  double tol, tau_max, t_max, log_tau_min, late_tau_min, late_tau_max;
  qb_idx samples, log_samples, late_samples;
} fgr_rows;

const qb_key qb_fgr_time_keys[] = {
    {"evolve", "method", QB_KEY_ENUM, "chebyshev", 0, -1, "chebyshev|krylov", "", NULL,
     "propagator of the propagation path: Chebyshev (Bessel coefficients) or Krylov (Lanczos)", 1,
     QB_FIELD(fgr_rows, method)},
    /* 1e-8, not the generic 1e-10: the FGR models' propagation results stay as they were. */
    {"evolve", "tol", QB_KEY_REAL, "1e-8", 1e-14, 1e-2, NULL, "", NULL,
     "relative 2-norm tolerance of the propagated state", 0, QB_FIELD(fgr_rows, tol)},
    {"evolve", "tau_max", QB_KEY_REAL, "3", 1e-6, 1e6, NULL, "tau", "t_max",
     "end of both time grids", 1, QB_FIELD(fgr_rows, tau_max)},
    {"evolve", "t_max", QB_KEY_REAL, "0", 0, INFINITY, NULL, "time", "tau_max",
     "end of both time grids as a time t (instead of tau_max = t / (2 pi nu))", 1,
     QB_FIELD(fgr_rows, t_max)},
    {"evolve", "samples", QB_KEY_INT, "500", 2, 1e7, NULL, "", NULL,
     "points of the linear grid [0, tau_max]", 0, QB_FIELD(fgr_rows, samples)},
    {"evolve", "log_tau_min", QB_KEY_REAL, "1e-3", 1e-12, 1e6, NULL, "tau", NULL,
     "start of the log grid", 0, QB_FIELD(fgr_rows, log_tau_min)},
    {"evolve", "log_samples", QB_KEY_INT, "100", 2, 1e7, NULL, "", NULL, "points of the log grid",
     0, QB_FIELD(fgr_rows, log_samples)},
    {"model", "late_tau_min", QB_KEY_REAL, "10", 0, 1e12, NULL, "tau", NULL,
     "late-time average: window start", 0, QB_FIELD(fgr_rows, late_tau_min)},
    {"model", "late_tau_max", QB_KEY_REAL, "20", 0, 1e12, NULL, "tau", NULL,
     "late-time average: window end", 0, QB_FIELD(fgr_rows, late_tau_max)},
    {"model", "late_samples", QB_KEY_INT, "100", 1, 1e7, NULL, "", NULL,
     "late-time average: equally spaced times", 0, QB_FIELD(fgr_rows, late_samples)},
    QB_KEY_END};

const qb_key qb_fgr_path_keys[] = {
    {"model", "paths", QB_KEY_ENUM, "eig", 0, -1, "eig|prop|both", "", NULL,
     "P(tau) from eigenpairs, by propagation, or both (the propagated columns end in _prop)", 1,
     QB_FIELD(qb_fgr_choice, paths)},
    {"model", "theory_eq5", QB_KEY_BOOL, "true", 0, 1, NULL, "", NULL,
     "write Eq. (5) on the grids (quadrature)", 0, QB_FIELD(qb_fgr_choice, eq5)},
    QB_KEY_END};

static fgr_rows read_rows(const qb_params *p) {
  fgr_rows r = {0};
  qb_param_fill(p, qb_fgr_time_keys, &r);
  return r;
}

double qb_fgr_times_tau_max(const qb_params *p, double unit) {
  const fgr_rows r = read_rows(p);
  return qb_param_is_set(p, "evolve", "t_max") ? r.t_max / unit : r.tau_max;
}

qb_status qb_fgr_times_check(const qb_params *p, double unit, qb_err *err) {
  const fgr_rows r = read_rows(p);
  if (r.late_tau_max < r.late_tau_min)
    return qb_param_fail(p, err, "model", "late_tau_max", "must be >= late_tau_min");
  double tmax = qb_fgr_times_tau_max(p, unit);
  if (qb_param_is_set(p, "evolve", "t_max") && !(tmax > 0))
    return qb_param_fail(p, err, "evolve", "t_max", "must be > 0");
  if (r.log_tau_min >= tmax)
    return qb_param_fail(p, err, "evolve", "log_tau_min", "must be below tau_max = %g", tmax);
  return QB_OK;
}

double qb_fgr_times_count(const qb_params *p) {
  const fgr_rows r = read_rows(p);
  return (double)(r.samples + r.log_samples + r.late_samples);
}

double qb_fgr_times_row_values(const qb_params *p, int paths, int eig_scalars) {
  const fgr_rows r = read_rows(p);
  const double nlin = (double)r.samples;
  return nlin + (double)r.log_samples + (paths == QB_FGR_PATH_BOTH ? nlin : 0) +
         (paths != QB_FGR_PATH_PROP ? eig_scalars : 0);
}

void qb_fgr_times_free(qb_fgr_times *g) {
  qb_free(g->tau_lin);
  qb_free(g->tau_log);
  qb_free(g->t_lin);
  qb_free(g->t_log);
  qb_free(g->t_late);
  memset(g, 0, sizeof *g);
}

qb_status qb_fgr_times_create(const qb_params *p, double unit, qb_fgr_times *g, qb_err *err) {
  memset(g, 0, sizeof *g);
  const fgr_rows r = read_rows(p);
  QB_TRY(qb_prop_type_find(r.method, &g->method, err));
  g->tol = r.tol;
  double tmax = qb_fgr_times_tau_max(p, unit);
  double l0 = r.late_tau_min, l1 = r.late_tau_max;
  g->nlin = r.samples;
  g->nlog = r.log_samples;
  g->nlate = r.late_samples;
  g->tau_lin = qb_malloc(sizeof(double) * (size_t)g->nlin);
  g->t_lin = qb_malloc(sizeof(double) * (size_t)g->nlin);
  g->tau_log = qb_malloc(sizeof(double) * (size_t)g->nlog);
  g->t_log = qb_malloc(sizeof(double) * (size_t)g->nlog);
  g->t_late = qb_malloc(sizeof(double) * (size_t)g->nlate);
  if (!g->tau_lin || !g->t_lin || !g->tau_log || !g->t_log || !g->t_late) {
    qb_fgr_times_free(g);
    return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for the time grids");
  }
  double lmin = log(r.log_tau_min), lmax = log(tmax);
  for (qb_idx j = 0; j < g->nlin; j++) {
    g->tau_lin[j] = tmax * (double)j / (double)(g->nlin - 1);
    g->t_lin[j] = unit * g->tau_lin[j];
  }
  for (qb_idx j = 0; j < g->nlog; j++) {
    g->tau_log[j] = exp(lmin + (lmax - lmin) * (double)j / (double)(g->nlog - 1));
    g->t_log[j] = unit * g->tau_log[j];
  }
  /* Late times: midpoints of nlate equal cells of [l0, l1]. */
  for (qb_idx j = 0; j < g->nlate; j++)
    g->t_late[j] = unit * (l0 + (l1 - l0) * ((double)j + 0.5) / (double)g->nlate);
  return QB_OK;
}

qb_status qb_fgr_times_propagate(const qb_fgr_times *g, qb_fgr_times_build build,
                                 const void *model, qb_level_dot_key key, qb_idx nres,
                                 double *lin, double *log, qb_err *err) {
  for (int grid = 0; grid < 2; grid++) { /* linear, then log */
    double *P = grid ? log : lin;
    if (!P) continue;
    qb_csr *A;
    double lo, hi;
    QB_TRY(build(model, key, &A, &lo, &hi, err));
    QB_TRY(qb_level_dot_propagate(A, lo, hi, grid ? g->t_log : g->t_lin, grid ? g->nlog : g->nlin,
                                  g->method, g->tol, nres, P, err));
  }
  return QB_OK;
}

qb_status qb_fgr_times_realize(const qb_fgr_times *g, const qb_fgr_times_paths *r,
                               const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const qb_level_dot_key k = {t->seed, t->point, t->realization};
  if (r->paths != QB_FGR_PATH_PROP)
    QB_TRY(r->eig(ctx, k, t->nthreads > 0 ? t->nthreads : 1, row, err));
  if (r->paths == QB_FGR_PATH_EIG) return QB_OK;
  double *lin = row + (r->paths == QB_FGR_PATH_BOTH ? r->off_Pprop : r->off_P);
  return qb_fgr_times_propagate(g, r->build, r->model, k, r->nres, lin,
                                r->paths == QB_FGR_PATH_PROP ? row + r->off_Plog : NULL, err);
}
