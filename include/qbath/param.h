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
#include <stddef.h>
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

/* The C type of the struct field a key row is bound to (QB_FIELD); 0: not bound. */
typedef enum {
  QB_FIELD_NONE = 0,
  QB_FIELD_INT,    /* int (also bool) */
  QB_FIELD_UINT,   /* unsigned int, and an enum type without negative constants */
  QB_FIELD_LONG,   /* long (qb_idx) */
  QB_FIELD_ULONG,  /* unsigned long (size_t) */
  QB_FIELD_LLONG,  /* long long */
  QB_FIELD_DOUBLE, /* double */
  QB_FIELD_STR     /* const char *, pointing into the campaign's storage */
} qb_field_kind;

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
  size_t field_offset;  /* bound rows: where qb_param_fill stores the value in the struct */
  qb_field_kind field;  /* bound rows: that field's C type; QB_FIELD_NONE: read by hand */
} qb_key;

/* Binds a key row to field m of struct T, so that the row names the key once and
 * qb_param_fill stores its value: written as the row's last item,
 *   {"model", "gamma", QB_KEY_REAL, "0.1", 0, 1, NULL, "", NULL, "doc", 1, QB_FIELD(ctx, p.gamma)}
 * A field of a type no key can fill does not compile (no _Generic association); a key
 * type the field cannot hold fails qb_param_field_fits (checked for every built-in row by
 * tests/test_param_fill.c). Rows read by hand leave the two fields out (zero). */
#define QB_FIELD_KIND_OF(e)                                                                  \
  _Generic((e), int: QB_FIELD_INT, unsigned int: QB_FIELD_UINT, long: QB_FIELD_LONG,         \
           unsigned long: QB_FIELD_ULONG, long long: QB_FIELD_LLONG, double: QB_FIELD_DOUBLE, \
           const char *: QB_FIELD_STR)
#define QB_FIELD(T, m) offsetof(T, m), QB_FIELD_KIND_OF(((T *)0)->m)

/* Table terminator, and an unbounded range. */
#define QB_KEY_END {NULL, NULL, QB_KEY_INT, NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, QB_FIELD_NONE}
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
/* Stores the value at this point of every bound row of table (QB_FIELD) into its field
 * of dst, which must be the struct type the rows were bound with; other fields are left
 * alone. Values were checked when the input was read (type, range, choices: bad input
 * already failed there with file:line and key), so this cannot fail; cross-key checks stay
 * with the model (qb_param_fail). Ints and bools convert to the field's integer type,
 * enums store the index into their choices, strings point into the campaign's storage
 * (valid as long as p), a real or int key stores its double into a double field. */
void qb_param_fill(const qb_params *p, const qb_key *table, void *dst);
/* 1 if the key's type can be stored in its bound field without loss (an int field holds
 * the key's whole range, an unsigned field a nonnegative one); 1 for an unbound row. */
int qb_param_field_fits(const qb_key *k);
/* Index of the key in p, or -1. */
int qb_param_find(const qb_params *p, const char *section, const char *name);

#endif
