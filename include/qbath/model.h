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
 *
 * A row is a flat array of doubles: the columns in layout order, each `len` doubles
 * (a scalar has len 1; a curve on a time grid has len = the grid size and names its
 * axis). Complex data are two columns (re, im). */
#ifndef QBATH_MODEL_H
#define QBATH_MODEL_H

#include <stdint.h>

#include "qbath/keys.h"
#include "qbath/status.h"
#include "qbath/types.h"

enum { QB_MAX_COLS = 32, QB_MAX_AXES = 8, QB_NAME_LEN = 48 };

/* One named block of a row (or of the derived / theory output). */
typedef struct qb_column {
  char name[QB_NAME_LEN];  /* dataset name ("gap_ratio", "P") */
  qb_idx len;              /* doubles in this column (1 for a scalar) */
  char axis[QB_NAME_LEN];  /* name of the axis it is sampled on ("" for none) */
  const char *doc;         /* one line, written as the dataset's "doc" attribute */
  int main;                /* 1: shown in the end-of-run table (scalars only) */
} qb_column;

/* A fixed grid shared by all realizations of a point (time grid, histogram bins). The
 * values are owned by the model's ctx and live until point_free. */
typedef struct qb_axis {
  char name[QB_NAME_LEN];
  qb_idx len;
  const double *values;
  const char *doc;
} qb_axis;

/* What one point's realizations produce; filled by point_create. */
typedef struct qb_layout {
  int ncols;
  qb_column cols[QB_MAX_COLS];     /* per-realization row */
  int naxes;
  qb_axis axes[QB_MAX_AXES];
  int nderived;
  qb_column derived[QB_MAX_COLS];  /* per point, from all rows (derive callback) */
  int ntheory;
  qb_column theory[QB_MAX_COLS];   /* per point, closed forms (theory callback) */
} qb_layout;

/* Adds a column to cols (or derived / theory) and returns its offset in the row, or -1
 * when the layout is full. */
qb_idx qb_layout_add(qb_layout *L, const char *name, qb_idx len, const char *axis,
                     const char *doc, int main);
qb_idx qb_layout_add_derived(qb_layout *L, const char *name, qb_idx len, const char *axis,
                             const char *doc);
qb_idx qb_layout_add_theory(qb_layout *L, const char *name, qb_idx len, const char *axis,
                            const char *doc);
int qb_layout_add_axis(qb_layout *L, const char *name, qb_idx len, const double *values,
                       const char *doc);
/* Doubles per row (sum of the cols' lengths); likewise for derived and theory. */
qb_idx qb_layout_row_len(const qb_layout *L);
qb_idx qb_layout_derived_len(const qb_layout *L);
qb_idx qb_layout_theory_len(const qb_layout *L);

/* Cost of one realization, before any work. */
typedef struct qb_estimate {
  double bytes;   /* peak memory of one realization (besides the shared ctx) */
  double ctx_bytes; /* memory of the shared per-point ctx */
  double flops;   /* rough floating-point operations of one realization */
} qb_estimate;

/* One realization to compute. */
typedef struct qb_task {
  uint64_t seed;        /* [run] seed */
  uint64_t point;       /* sweep point index (global, 0-based) */
  uint64_t realization; /* realization index within the point (0-based) */
  int nthreads;         /* threads the model may use inside (1 in realization mode) */
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
} qb_model;

#endif
