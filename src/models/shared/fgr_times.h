/* fgr_times.h — the time axes and propagator keys shared by the FGR models `level_dot`
 * and `two_dot` ("Emergence of Fermi's Golden Rule", Micklitz et al. 2022): a linear tau
 * grid [0, tau_max], a log grid [log_tau_min, tau_max], the late-time window, and the
 * [evolve] method and tolerance of the propagation path. tau = t / (2 pi nu) with the
 * model's own nu (its `unit` = 2 pi nu). */
#ifndef QBATH_MODELS_SHARED_FGR_TIMES_H
#define QBATH_MODELS_SHARED_FGR_TIMES_H

#include "qbath/level_dot.h"
#include "qbath/model.h"
#include "qbath/param.h"
#include "qbath/prop.h"

/* [evolve] method, tol, tau_max | t_max, samples, log_tau_min, log_samples;
 * [model] late_tau_min, late_tau_max, late_samples. */
extern const qb_key qb_fgr_time_keys[];

typedef struct qb_fgr_times {
  qb_idx nlin, nlog, nlate;
  double *tau_lin, *tau_log, *t_lin, *t_log, *t_late; /* tau grids and their times t */
  const qb_prop_type *method;                         /* [evolve] method */
  double tol;                                         /* [evolve] tol */
} qb_fgr_times;

/* tau_max from [evolve] tau_max, or t_max / unit when t_max is set. */
double qb_fgr_times_tau_max(const qb_params *p, double unit);

/* The cross-key checks of the grids (exit-2 messages naming the key). */
qb_status qb_fgr_times_check(const qb_params *p, double unit, qb_err *err);

/* Points of all three grids (estimates). */
double qb_fgr_times_count(const qb_params *p);

/* Values in a row of an FGR model: P on both grids, P_prop when paths = both, and the
 * model's eig_scalars single values unless paths = prop. */
double qb_fgr_times_row_values(const qb_params *p, int paths, int eig_scalars);

/* Builds the grids for time unit 2 pi nu; on failure nothing is left allocated. */
qb_status qb_fgr_times_create(const qb_params *p, double unit, qb_fgr_times *g, qb_err *err);
void qb_fgr_times_free(qb_fgr_times *g);

/* Builds realization key's Hamiltonian for the propagation path: the model's
 * qb_level_dot_csr or qb_two_dot_csr behind its own struct. */
typedef qb_status (*qb_fgr_times_build)(const void *model, qb_level_dot_key key, qb_csr **A,
                                        double *emin, double *emax, qb_err *err);

/* The [model] paths choice of the FGR models: the indices of eig|prop|both. */
enum { QB_FGR_PATH_EIG = 0, QB_FGR_PATH_PROP = 1, QB_FGR_PATH_BOTH = 2 };

/* [model] paths and theory_eq5, the same two keys in both FGR models: their rows, and
 * what qb_param_fill(p, qb_fgr_path_keys, &choice) fills. */
extern const qb_key qb_fgr_path_keys[];
typedef struct qb_fgr_choice {
  int paths; /* QB_FGR_PATH_* */
  int eq5;   /* theory_eq5: Eq. (5) of the FGR paper on the grids */
} qb_fgr_choice;

/* A model's eigenpair path: its columns of realization key into row. */
typedef qb_status (*qb_fgr_times_eig)(const void *ctx, qb_level_dot_key key, int nthreads,
                                      double *row, qb_err *err);

/* How an FGR model realizes: its paths choice, its two paths (eig reads ctx, build reads
 * model), the sites nres whose P is summed, and the row offsets of P, P_log and P_prop
 * (-1: absent). */
typedef struct qb_fgr_times_paths {
  int paths;
  qb_fgr_times_eig eig;
  qb_fgr_times_build build;
  const void *model;
  qb_idx nres;
  qb_idx off_P, off_Plog, off_Pprop;
} qb_fgr_times_paths;

/* One realization of task t: the eigenpair path unless paths = prop, then the propagation
 * path unless paths = eig, into P_prop when both run (else P and P_log). */
qb_status qb_fgr_times_realize(const qb_fgr_times *g, const qb_fgr_times_paths *r,
                               const void *ctx, const qb_task *t, double *row, qb_err *err);

/* The propagation path of the FGR models: P(tau) of the first nres sites on the linear
 * grid into lin and, when log is non-NULL, on the log grid. Each grid's run builds H
 * afresh (qb_level_dot_propagate takes ownership of it). */
qb_status qb_fgr_times_propagate(const qb_fgr_times *g, qb_fgr_times_build build,
                                 const void *model, qb_level_dot_key key, qb_idx nres,
                                 double *lin, double *log, qb_err *err);

#endif
