/* qbath/model.h — how a model plugs into the campaign runner: one struct of callbacks.
 *
 * A model is registered once, in the table of src/campaign/registry.c; the runner knows
 * models only through that table (the shape of Redis's dictType).
 *
 * Life of a campaign, per sweep point:
 *   point_create(params)        parse the point's keys into the model's own struct, check
 *                               cross-key constraints, build what all realizations share
 *                               (read-only afterwards), and declare the result layout;
 *   realize(ctx, task, row)     one disorder realization: draw its randomness from Philox
 *                               streams keyed by (task->seed, task->point,
 *                               task->realization, purpose) and write one result row;
 *                               called concurrently from several threads with the same
 *                               ctx (so ctx must not be written), or alone with
 *                               task->nthreads > 1 threads allowed inside;
 *   reduce (runner)             mean and standard error of every row element, in
 *                               realization order; then the model's optional derive()
 *                               for per-point quantities computed from all rows;
 *   theory(ctx, out)            optional closed-form curves on the data's axes;
 *   point_free(ctx).
 * estimate(params) must be cheap: dry-run, validation and the choice between
 * realization-parallel and operator-parallel execution use it before any work.
 * The result layout a point declares is qbath/layout.h. */
#ifndef QBATH_MODEL_H
#define QBATH_MODEL_H

#include <stdint.h>

#include "qbath/layout.h"
#include "qbath/param.h"
#include "qbath/err.h"
#include "qbath/types.h"

/* Cost of one realization, before any work. */
typedef struct qb_estimate {
  double bytes;   /* peak memory of one realization (besides the shared ctx) */
  double ctx_bytes; /* memory of the shared per-point ctx */
  double flops;   /* rough floating-point operations of one realization */
  double row_values; /* doubles in one result row (qb_layout_row_len), which the runner
                      * keeps for every realization; 0: unknown before point_create
                      * (counted as 1 until the point is created, then checked) */
  int ranks_share;   /* 1: one realization can share its work among MPI ranks (a MUMPS
                      * factorization in the MPI build): under mpirun, operator mode then
                      * runs each realization on every rank (qb_task.mpi_comm) */
} qb_estimate;

/* One realization to compute. */
typedef struct qb_task {
  uint64_t seed;        /* [run] seed */
  uint64_t point;       /* sweep point index (global, 0-based) */
  uint64_t realization; /* realization index within the point (0-based) */
  int nthreads;         /* threads the model may use inside (1 in realization mode) */
  const void *mpi_comm; /* NULL, or the MPI_Comm (a pointer to it) of the ranks that compute
                         * this realization together, each the same row (ranks_share): the
                         * model hands it on to qb_factor_opts.mpi_comm */
  long *eigs_count;     /* diagnostics (tests): when non-NULL, the realization adds the
                         * diagonalizations its eigs cache made (the runner: NULL) */
} qb_task;

typedef struct qb_model {
  const char *name;          /* [model] type = name */
  const char *doc;           /* one line */
  const qb_key *const *keys; /* NULL-terminated list of key tables (own + shared layers) */
  qb_status (*estimate)(const qb_params *p, qb_estimate *est, qb_err *err);
  qb_status (*point_create)(const qb_params *p, void **ctx, qb_layout *layout, qb_err *err);
  void (*point_free)(void *ctx);
  qb_status (*realize)(const void *ctx, const qb_task *task, double *row, qb_err *err);
  /* Optional: from rows[nreal][row_len] (realization order) write the derived means
   * and errors (each qb_layout_derived_len doubles). */
  qb_status (*derive)(const void *ctx, const double *rows, qb_idx nreal, double *mean,
                      double *err_out, qb_err *err);
  /* Optional: fill qb_layout_theory_len doubles. */
  qb_status (*theory)(const void *ctx, double *out, qb_err *err);
  /* Optional: state the model keeps across the points of one campaign (a cache of what
   * several points can share, e.g. a table that depends on keys no sweep varies). The
   * campaign creates it once with its points and frees it with itself (after every
   * point_free); point_create finds it as p->model_state. It must be safe to use from
   * point_create calls of several threads. */
  qb_status (*state_create)(void **state, qb_err *err);
  void (*state_free)(void *state);
} qb_model;

/* The four required hooks of a plug-in whose functions are named PREFIX_estimate,
 * PREFIX_create, PREFIX_free and PREFIX_realize, as every model's are:
 *   const qb_model qb_model_NAME = {.name = ..., .doc = ..., .keys = ...,
 *                                   QB_MODEL_HOOKS(PREFIX), .theory = ...};
 * Written out, the four lines stood in every model file alike; and a hook left out was
 * a NULL call at run time, where a missing PREFIX_ function is a compile error here. */
#define QB_MODEL_HOOKS(prefix)                                                              \
  .estimate = prefix##_estimate, .point_create = prefix##_create,                           \
  .point_free = prefix##_free, .realize = prefix##_realize

#endif
