/* qbath/campaign.h — an input file becomes sweep points x realizations, run in parallel,
 * journaled for resume, and written to one HDF5 result file.
 *
 * Input (INI, parsed with inih): sections [run] [model] [evolve] [eigen] [spectral]
 * [output]. A sweepable key holding several values sweeps it:
 *   gamma = 46, 0.46, 0.022           a list (for *_list keys, alternatives are
 *                                     separated by '|': times = 1, 2 | 1, 2, 4)
 *   gamma = logspace(0.01, 100, 20)   20 log-spaced values, endpoints included
 *   W     = linspace(0.5, 10, 8)      8 evenly spaced values
 * Several swept keys form their cartesian product (the first swept key in the file
 * varies slowest); [run] zip = model.N model.gamma, ... pairs the named keys instead
 * (equal lengths, one axis per group). A value may continue on indented lines. Command
 * line overrides: qb_campaign_load's `sets` ("section.key=value"), applied as if written
 * in the file (location "--set").
 *
 * The library never prints: progress goes through a callback; messages through qb_err. */
#ifndef QBATH_CAMPAIGN_H
#define QBATH_CAMPAIGN_H

#include <signal.h>
#include <stdio.h>

#include "qbath/param.h"
#include "qbath/model.h"
#include "qbath/err.h"

typedef struct qb_campaign qb_campaign;

/* The runner's own keys ([run], [output]). */
extern const qb_key qb_campaign_keys[];

/* Reads and validates path (with nsets overrides "section.key=value"): every key known,
 * typed, in range, required keys present, no duplicates, no conflicts, sweep non-empty.
 * On bad input returns QB_ERR_INPUT with "file:line: [section] key ..." in err; on an
 * unreadable file QB_ERR_IO. Nothing is written anywhere. */
qb_status qb_campaign_load(const char *path, int nsets, char *const *sets, qb_campaign **out,
                           qb_err *err);
/* qb_campaign_load with models beyond the built-in registry: `extra` is NULL-terminated
 * (NULL: none) and must outlive the campaign. The library knows only the models a user
 * can run; the test suites and the test CLI pass the runner's test model (in tests/)
 * this way, so that it never reaches the production registry. */
qb_status qb_campaign_load_with(const char *path, int nsets, char *const *sets,
                                const qb_model *const *extra, qb_campaign **out, qb_err *err);
qb_campaign *qb_campaign_free(qb_campaign *c);

qb_idx qb_campaign_npoints(const qb_campaign *c);
qb_idx qb_campaign_realizations(const qb_campaign *c);
const qb_model *qb_campaign_model(const qb_campaign *c);
const char *qb_campaign_output(const qb_campaign *c);
/* The parameters of point p (valid while c lives). */
const qb_params *qb_campaign_point(const qb_campaign *c, qb_idx p);
/* The effective input text (file text plus the overrides), stored in the result file
 * and compared on resume. */
const char *qb_campaign_input_text(const qb_campaign *c);

/* Prints the expanded sweep (points and their swept values), realizations, estimated
 * memory and time per task and in total, and the execution mode, to f. Returns
 * QB_ERR_INPUT when the run cannot fit in [run] memory_limit (message says why). */
qb_status qb_campaign_plan(const qb_campaign *c, int nthreads, FILE *f, qb_err *err);
/* The totals of qb_campaign_plan without printing: peak bytes and wall seconds on
 * nthreads (0: as the run would choose). */
qb_status qb_campaign_estimate(const qb_campaign *c, int nthreads, double *bytes,
                               double *seconds, qb_err *err);

/* Progress, reported at most every opts->progress_seconds (and once per point end). */
typedef struct qb_progress {
  qb_idx point, npoints;       /* current point (0-based) and how many */
  qb_idx done, total;          /* realizations of this point done / to do in all */
  qb_idx done_all, total_all;  /* over the whole campaign */
  double elapsed;              /* seconds since this process started running */
  double rate;                 /* realizations per second computed by this process */
  double eta;                  /* seconds left (estimate; < 0 unknown) */
  int final;                   /* 1 for the last report of the run */
} qb_progress;

typedef struct qb_run_opts {
  int resume;                  /* 1: continue from the journal of a killed run */
  int nthreads;                /* 0: [run] threads, then OpenMP's default */
  double progress_seconds;     /* minimum interval between progress callbacks */
  void (*progress)(void *user, const qb_progress *p); /* NULL: none */
  void *user;
  /* Non-NULL: once *stop is nonzero (a signal handler sets it), no new realization
   * starts; the finished ones are journaled and synced, and the run returns
   * QB_INTERRUPTED (resume continues it). */
  volatile sig_atomic_t *stop;
} qb_run_opts;

/* Statistics of a finished run (for the end table and the benchmark). */
typedef struct qb_run_stats {
  double wall;                 /* seconds in qb_campaign_run */
  double compute;              /* wall seconds of the realization loops */
  double in_model;             /* summed seconds inside realize() over all threads */
  qb_idx computed;             /* realizations computed by this process */
  qb_idx resumed;              /* realizations taken from the journal */
  int nthreads;
  int already_complete;        /* resume found a finished result file */
  int ranks_shared;            /* MPI ranks that computed each realization together (points
                                * in operator mode whose model shares its factorization;
                                * 0: none did) */
} qb_run_stats;

/* Runs every point: realizations not yet in the journal, in parallel; journals each
 * row; builds the HDF5 result file; removes the journal on success. */
qb_status qb_campaign_run(qb_campaign *c, const qb_run_opts *opts, qb_run_stats *stats,
                          qb_err *err);

/* After a successful run: the reduced mean and standard error of column `col` (a
 * scalar: its first element) at point p; NaN where unavailable. Column names of the
 * main columns: qb_campaign_main_columns. */
int qb_campaign_main_columns(const qb_campaign *c, const char **names, int max);
int qb_campaign_result(const qb_campaign *c, qb_idx p, const char *col, double *mean,
                       double *se);
/* A short text of the swept values of point p ("model.N=10 model.W=0.5"). */
const char *qb_campaign_point_label(const qb_campaign *c, qb_idx p, char *buf, size_t n);

/* The registry of the built-in models (src/campaign/registry.c): NULL-terminated. */
const qb_model *const *qb_campaign_registry(void);
/* Model i of the built-ins followed by `extra` (NULL-terminated, or NULL), NULL past the
 * end: `for (int i = 0; (m = qb_campaign_model_at(extra, i)); i++)` visits every model. */
const qb_model *qb_campaign_model_at(const qb_model *const *extra, int i);
/* The model named name (case-sensitive) among the built-ins and `extra`, or NULL. */
const qb_model *qb_campaign_model_find(const qb_model *const *extra, const char *name);

#endif
