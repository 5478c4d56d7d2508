/* qbath/param.h — input keys declared once in tables, their parsed values, and the
 * per-point parameter set a model reads.
 *
 * Every input key (runner, layer or model) is one qb_key row in a table terminated by
 * QB_KEY_END: section, name, type, default (as input text; NULL = required), inclusive
 * range, allowed choices, unit and a one-line doc. The same tables drive parsing and
 * validation, `qbath help keys`, and the generated input reference
 * (docs/input-reference.md), so a key is never described twice.
 *
 * Value syntax (one alternative; a sweep lists several, see campaign.h):
 *   int / real        "12", "-3.5e-2"        (strtol/strtod, whole text consumed)
 *   bool              true|false|yes|no|on|off|1|0
 *   string            any text without ','
 *   enum              one of the '|'-separated choices, case-insensitive
 *   *_list            comma-separated elements of the base type ("0.1, 1, 10")
 * Ranges apply to numbers and to each element of a numeric list. */
#ifndef QBATH_PARAM_H
#define QBATH_PARAM_H

#include <math.h>
#include <stdio.h>

#include "qbath/err.h"
#include "qbath/types.h"

typedef enum {
  QB_KEY_INT = 0,
  QB_KEY_REAL,
  QB_KEY_BOOL,
  QB_KEY_STRING,
  QB_KEY_ENUM,
  QB_KEY_INT_LIST,
  QB_KEY_REAL_LIST,
  QB_KEY_STRING_LIST
} qb_key_type;

typedef struct qb_key {
  const char *section;  /* "run", "model", "evolve", "eigen", "spectral", "output" */
  const char *name;     /* key name inside the section */
  qb_key_type type;     /* value type */
  const char *def;      /* default as input text; NULL: required; "" for lists: empty */
  double min, max;      /* inclusive range of numbers and numeric list elements */
  const char *choices;  /* enum: '|'-separated allowed values; NULL otherwise */
  const char *unit;     /* unit of numbers ("" when dimensionless) */
  const char *excludes; /* a key of the same section that must not be set with this one */
  const char *doc;      /* one line */
  int sweepable;        /* 1: a comma list (or '|' list for *_list types) sweeps it */
} qb_key;

/* Table terminator, and an unbounded range. */
#define QB_KEY_END {NULL, NULL, QB_KEY_INT, NULL, 0, 0, NULL, NULL, NULL, NULL, 0}
#define QB_ANY (-INFINITY), (INFINITY)

/* A parsed value of one key (one sweep alternative). */
typedef struct qb_value {
  char *text;        /* the value as written, trimmed (owned) */
  long long i;       /* QB_KEY_INT, QB_KEY_BOOL (0/1), QB_KEY_ENUM (index into choices) */
  double x;          /* QB_KEY_REAL (and INT converted) */
  qb_idx n;          /* list types: number of elements */
  double *list;      /* QB_KEY_INT_LIST, QB_KEY_REAL_LIST: n elements (owned) */
  char **strs;       /* QB_KEY_STRING_LIST: n NUL-terminated strings (owned) */
} qb_value;

/* Where an input value came from, for messages ("run.ini:12" or "--set"). */
typedef struct qb_where {
  char file[256];
  int line;          /* 0 for the command line and defaults */
} qb_where;

/* Formats a qb_where into buf as "file:line" (or "command line --set", "default"). */
const char *qb_param_where_str(const qb_where *w, char *buf, size_t n);

/* Parses text as one value of key k; on failure fills err with
 * "WHERE: [section] name = 'text': why" and returns QB_ERR_INPUT. v owns its memory
 * afterwards (release with qb_param_value_clear). */
qb_status qb_param_value_parse(const qb_key *k, const char *text, const qb_where *where,
                         qb_value *v, qb_err *err);
void qb_param_value_clear(qb_value *v);

/* Name of a key type ("int", "real list", ...). */
const char *qb_param_type_name(qb_key_type t);

/* Finds section.name in a table (NULL if absent). */
const qb_key *qb_param_keys_find(const qb_key *table, const char *section, const char *name);

/* Levenshtein distance between a and b (case-insensitive), for "did you mean". */
int qb_param_edit_distance(const char *a, const char *b);

/* Prints a table as text (help) or as Markdown (markdown != 0) for the reference. */
void qb_param_keys_print(FILE *f, const qb_key *table, int markdown);

/* The parameters of one sweep point, as the runner hands them to a model. keys[i] and
 * vals[i] belong together; the arrays are owned by the campaign and live as long as it. */
typedef struct qb_params {
  int nkeys;
  const qb_key *const *keys;     /* every key of the runner and the model */
  const qb_value *const *vals;   /* the value at this point (default when unset) */
  const int *is_set;             /* 1 where the input set the key */
  const qb_where *const *where;  /* where each value was set (file:line) */
  qb_idx point;                  /* sweep point index */
  void *model_state;             /* qb_model.state_create's state, owned by the campaign
                                  * (NULL: the model keeps none) */
} qb_params;

/* Accessors; the key must be in the model's tables (a programmer error otherwise, caught
 * by assert). Lists return a pointer into the campaign's storage and set *n. */
long long qb_param_int(const qb_params *p, const char *section, const char *name);
double qb_param_real(const qb_params *p, const char *section, const char *name);
int qb_param_bool(const qb_params *p, const char *section, const char *name);
const char *qb_param_str(const qb_params *p, const char *section, const char *name);
int qb_param_enum(const qb_params *p, const char *section, const char *name);
const double *qb_param_list(const qb_params *p, const char *section, const char *name,
                            qb_idx *n);
char *const *qb_param_strs(const qb_params *p, const char *section, const char *name,
                           qb_idx *n);
int qb_param_is_set(const qb_params *p, const char *section, const char *name);
/* Records QB_ERR_INPUT with "file:line: [section] name = 'value': " and the message, for
 * a model's cross-key checks; returns QB_ERR_INPUT. */
qb_status qb_param_fail(const qb_params *p, qb_err *err, const char *section,
                        const char *name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Index of the key in p, or -1. */
int qb_param_find(const qb_params *p, const char *section, const char *name);

#endif
