/* qbath/layout.h — a model's result layout (params/layout.c): the named columns of one
 * result row, of the per-point derived output and of the theory curves, and the axes they
 * lie on. A row is a flat array of doubles: the columns in layout order, each `len`
 * doubles (a scalar has len 1; a curve on a time grid has len = the grid size and names
 * its axis). Complex data are two columns (re, im). */
#ifndef QBATH_LAYOUT_H
#define QBATH_LAYOUT_H

#include "qbath/types.h"

enum { QB_MAX_COLS = 96, QB_MAX_AXES = 8, QB_NAME_LEN = 48 };

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

#endif
