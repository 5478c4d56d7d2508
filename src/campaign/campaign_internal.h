/* campaign_internal.h — the campaign struct shared by the runner's files (not public). */
#ifndef QBATH_CAMPAIGN_INTERNAL_H
#define QBATH_CAMPAIGN_INTERNAL_H

#include "qbath/campaign.h"

/* Execution modes ([run] parallel). */
enum { QB_PAR_AUTO = 0, QB_PAR_REALIZATIONS = 1, QB_PAR_OPERATOR = 2 };

/* One key of the campaign: its sweep alternatives and where it was set. */
typedef struct qb_ckey {
  const qb_key *key;
  int nalt;           /* alternatives (1 when not swept) */
  qb_value *alts;     /* nalt parsed values */
  qb_where where;     /* where it was set (file "" = default) */
  int is_set;         /* 1 when the input set it */
  int axis;           /* sweep axis index, or -1 */
  qb_key *owned;      /* a key made from a section.* template (owned; key points here) */
} qb_ckey;

/* A sweep axis: one swept key, or a zip group of keys swept together. */
typedef struct qb_axis_def {
  int len;            /* values along the axis */
  int nmembers;
  int members[16];    /* indices into ckeys */
} qb_axis_def;

/* Reduced main observables, kept for the end table. */
typedef struct qb_point_result {
  double mean[QB_MAX_COLS], se[QB_MAX_COLS];
  int have;
} qb_point_result;

struct qb_campaign {
  char *path;                 /* input file */
  char *text;                 /* effective input text (file + overrides) */
  const qb_model *model;
  const qb_model *const *extra_models; /* the caller's models beyond the registry, or NULL */
  int nkeys;
  qb_ckey *ckeys;             /* runner keys first, then the model's tables */
  const qb_key **keyptr;      /* nkeys, for qb_params */
  int *is_set;                /* nkeys */
  qb_where *where;            /* nkeys */
  const qb_where **whereptr;  /* nkeys */
  int naxes;
  qb_axis_def axes[64];
  qb_idx npoints;
  const qb_value **vals;      /* npoints x nkeys */
  qb_params *params;          /* npoints */
  void *model_state;          /* the model's state across points (qb_model.state_create) */
  /* [run] and [output] values, resolved */
  char name[256];
  char output[4096];
  uint64_t seed;
  qb_idx realizations;
  int threads, parallel, overwrite, keep_journal, write_rows;
  double operator_flops, memory_limit, flops_rate, flush_seconds, sync_seconds;
  /* results of the last run */
  int nmain;
  char main_names[QB_MAX_COLS][QB_NAME_LEN];
  qb_point_result *results;   /* npoints */
};

/* Journal bytes buffered before a write is forced, whatever the time (run.c). */
enum { QB_JOURNAL_FLUSH_BYTES = 4 << 20 };
/* Largest batch of encoded journal records one thread holds (run.c). */
enum { QB_BATCH_BYTES = 1 << 20 };
/* Bytes of the journal's in-memory index per record read on resume (journal.c). */
enum { QB_JOURNAL_INDEX_BYTES = 32 };

/* Execution mode of a point with estimate e on nthreads (plan.c). */
int qb_campaign_mode_(const qb_campaign *c, const qb_estimate *e, int nthreads);
/* QB_ERR_INPUT when a point with estimate e (e->row_values: values per row) cannot fit
 * in memory on nthreads: [run] memory_limit (or 80% of physical memory) and the address
 * space left under ulimit -v (plan.c). */
qb_status qb_campaign_check_memory_(const qb_campaign *c, const qb_estimate *e, int nthreads,
                                    qb_err *err);

#endif
