/* param.c — key tables: parsing and checking one value, lookup, suggestions, printing. */
#include "qbath/param.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "qbath/alloc.h"

const char *qb_param_where_str(const qb_where *w, char *buf, size_t n) {
  if (w == NULL || w->file[0] == '\0')
    snprintf(buf, n, "default");
  else if (w->line > 0)
    snprintf(buf, n, "%s:%d", w->file, w->line);
  else
    snprintf(buf, n, "%s", w->file);
  return buf;
}

const char *qb_param_type_name(qb_key_type t) {
  static const char *const names[] = {"int",    "real",      "bool",      "string",
                                      "choice", "int list",  "real list", "string list"};
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static char *dup_trim(const char *s, size_t len) {
  while (len > 0 && isspace((unsigned char)*s)) s++, len--;
  while (len > 0 && isspace((unsigned char)s[len - 1])) len--;
  char *d = qb_malloc(len + 1);
  if (d == NULL) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

/* Integer: the whole text consumed, no overflow. */
static int parse_int(const char *t, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(t, &end, 10);
  if (end == t || *end != '\0' || errno == ERANGE) return 0;
  *out = v;
  return 1;
}

/* Real: the whole text consumed, finite. */
static int parse_real(const char *t, double *out) {
  char *end;
  errno = 0;
  double v = strtod(t, &end);
  if (end == t || *end != '\0' || errno == ERANGE || !isfinite(v)) return 0;
  *out = v;
  return 1;
}

static int parse_bool(const char *t, long long *out) {
  static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off",
                                                                              "0"};
  for (int i = 0; i < 4; i++) {
    if (!strcasecmp(t, yes[i])) return (*out = 1), 1;
    if (!strcasecmp(t, no[i])) return (*out = 0), 1;
  }
  return 0;
}

/* Index of t among the '|'-separated choices (case-insensitive), or -1. */
static int find_choice(const char *choices, const char *t) {
  int idx = 0;
  size_t tl = strlen(t);
  for (const char *c = choices; c && *c; idx++) {
    const char *bar = strchr(c, '|');
    size_t len = bar ? (size_t)(bar - c) : strlen(c);
    if (len == tl && !strncasecmp(c, t, len)) return idx;
    if (!bar) break;
    c = bar + 1;
  }
  return -1;
}

#define WHERE_FAIL(...) \
  do { \
    char wb_[300]; \
    char msg_[700]; \
    snprintf(msg_, sizeof msg_, __VA_ARGS__); \
    st = QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': %s", \
                 qb_param_where_str(where, wb_, sizeof wb_), k->section, k->name, text, msg_); \
    goto fail; \
  } while (0)

/* One number (int or real per base type) with the range check. */
static int parse_number(const qb_key *k, int is_int, const char *t, double *x, long long *i,
                        char *why, size_t n) {
  if (is_int) {
    if (!parse_int(t, i)) return snprintf(why, n, "'%s' is not an integer", t), 0;
    *x = (double)*i;
  } else if (!parse_real(t, x)) {
    return snprintf(why, n, "'%s' is not a real number", t), 0;
  }
  if (k->min <= k->max && (*x < k->min || *x > k->max)) {
    snprintf(why, n, "%s is out of range [%g, %g]%s%s", t, k->min, k->max,
             k->unit && *k->unit ? " " : "", k->unit ? k->unit : "");
    return 0;
  }
  return 1;
}

static qb_idx count_elements(const char *t) {
  qb_idx n = 1;
  for (const char *c = t; *c; c++) n += (*c == ',');
  return n;
}

qb_status qb_param_value_parse(const qb_key *k, const char *text, const qb_where *where,
                         qb_value *v, qb_err *err) {
  qb_status st = QB_OK;
  char why[400];
  memset(v, 0, sizeof *v);
  v->text = dup_trim(text, strlen(text));
  if (v->text == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for a key value");
  const char *t = v->text;
  int is_list = k->type >= QB_KEY_INT_LIST;
  int may_be_empty = k->type == QB_KEY_STRING && k->def && k->def[0] == '\0';
  if (!is_list && !may_be_empty && t[0] == '\0')
    WHERE_FAIL("empty value (expected %s)", qb_param_type_name(k->type));
  switch (k->type) {
    case QB_KEY_INT:
    case QB_KEY_REAL:
      if (!parse_number(k, k->type == QB_KEY_INT, t, &v->x, &v->i, why, sizeof why))
        WHERE_FAIL("%s", why);
      break;
    case QB_KEY_BOOL:
      if (!parse_bool(t, &v->i)) WHERE_FAIL("expected true or false");
      break;
    case QB_KEY_STRING:
      if (strchr(t, ',')) WHERE_FAIL("a single string was expected (no ',')");
      break;
    case QB_KEY_ENUM: {
      int c = find_choice(k->choices, t);
      if (c < 0) WHERE_FAIL("expected one of %s", k->choices);
      v->i = c;
      break;
    }
    default: { /* lists */
      if (t[0] == '\0') break; /* an empty list */
      qb_idx n = count_elements(t);
      if (k->type == QB_KEY_STRING_LIST) v->strs = qb_calloc((size_t)n, sizeof(char *));
      else v->list = qb_calloc((size_t)n, sizeof(double));
      if (v->strs == NULL && v->list == NULL) {
        st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory for a list of %lld", (long long)n);
        goto fail;
      }
      const char *c = t;
      for (qb_idx e = 0; e < n; e++) {
        const char *comma = strchr(c, ',');
        size_t len = comma ? (size_t)(comma - c) : strlen(c);
        char *el = dup_trim(c, len);
        if (el == NULL) {
          st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory for a list element");
          goto fail;
        }
        if (el[0] == '\0') {
          qb_free(el);
          v->n = e;
          WHERE_FAIL("element %lld of the list is empty", (long long)e + 1);
        }
        if (k->type == QB_KEY_STRING_LIST) {
          v->strs[e] = el;
          v->n = e + 1;
        } else {
          long long iv;
          int ok =
              parse_number(k, k->type == QB_KEY_INT_LIST, el, &v->list[e], &iv, why, sizeof why);
          qb_free(el);
          if (!ok) WHERE_FAIL("element %lld: %s", (long long)e + 1, why);
          v->n = e + 1;
        }
        c = comma ? comma + 1 : c + len;
      }
    }
  }
  return QB_OK;
fail:
  qb_param_value_clear(v);
  return st;
}

void qb_param_value_clear(qb_value *v) {
  if (v == NULL) return;
  if (v->strs)
    for (qb_idx e = 0; e < v->n; e++) qb_free(v->strs[e]);
  qb_free(v->strs);
  qb_free(v->list);
  qb_free(v->text);
  memset(v, 0, sizeof *v);
}

const qb_key *qb_param_keys_find(const qb_key *table, const char *section, const char *name) {
  for (const qb_key *k = table; k && k->name; k++)
    if (!strcmp(k->section, section) && !strcmp(k->name, name)) return k;
  return NULL;
}

int qb_param_edit_distance(const char *a, const char *b) {
  /* Two-row dynamic programme; keys are short, so a fixed bound suffices. */
  enum { MAXL = 64 };
  size_t la = strlen(a), lb = strlen(b);
  if (la >= MAXL || lb >= MAXL) return (int)(la > lb ? la : lb);
  int prev[MAXL + 1], cur[MAXL + 1];
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int sub =
          prev[j - 1] + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
      int del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, cur, sizeof(int) * (lb + 1));
  }
  return prev[lb];
}

static void range_text(const qb_key *k, char *buf, size_t n, int markdown) {
  if (k->type == QB_KEY_ENUM) {
    /* Markdown tables need the choice separators escaped. */
    size_t o = 0;
    for (const char *c = k->choices; *c && o + 3 < n; c++) {
      if (markdown && *c == '|') buf[o++] = '\\';
      buf[o++] = *c;
    }
    buf[o] = '\0';
  } else if (k->min > k->max || (k->type != QB_KEY_INT && k->type != QB_KEY_REAL &&
                                k->type != QB_KEY_INT_LIST && k->type != QB_KEY_REAL_LIST))
    snprintf(buf, n, "-");
  else if (isinf(k->min) && isinf(k->max)) snprintf(buf, n, "any");
  else if (isinf(k->max)) snprintf(buf, n, ">= %g", k->min);
  else if (isinf(k->min)) snprintf(buf, n, "<= %g", k->max);
  else snprintf(buf, n, "[%g, %g]", k->min, k->max);
}

void qb_param_keys_print(FILE *f, const qb_key *table, int markdown) {
  const char *section = "";
  for (const qb_key *k = table; k && k->name; k++) {
    char range[160];
    range_text(k, range, sizeof range, markdown);
    const char *def = k->def == NULL ? "(required)" : (k->def[0] ? k->def : "(none)");
    if (strcmp(section, k->section)) {
      section = k->section;
      if (markdown)
        fprintf(f, "\n| [%s] key | type | default | range | unit | sweep | description |\n"
                   "|---|---|---|---|---|---|---|\n", section);
      else
        fprintf(f, "\n[%s]\n", section);
    }
    if (markdown)
      fprintf(f, "| `%s` | %s | `%s` | %s | %s | %s | %s%s%s%s |\n", k->name,
              qb_param_type_name(k->type), def, range, k->unit && *k->unit ? k->unit : "-",
              k->sweepable ? "yes" : "no", k->doc, k->excludes ? ". Not with `" : "",
              k->excludes ? k->excludes : "", k->excludes ? "`." : "");
    else
      fprintf(f, "  %-16s %-11s default %-12s range %-14s %s%s%s%s\n", k->name,
              qb_param_type_name(k->type), def, range, k->doc,
              k->unit && *k->unit ? " [" : "", k->unit && *k->unit ? k->unit : "",
              k->unit && *k->unit ? "]" : "");
  }
}

/* ---- per-point parameters --------------------------------------------------------- */

int qb_param_find(const qb_params *p, const char *section, const char *name) {
  for (int i = 0; i < p->nkeys; i++)
    if (!strcmp(p->keys[i]->name, name) && !strcmp(p->keys[i]->section, section)) return i;
  return -1;
}

static const qb_value *get(const qb_params *p, const char *section, const char *name,
                           qb_key_type type) {
  int i = qb_param_find(p, section, name);
  assert(i >= 0 && "model asked for a key it did not declare");
  assert(p->keys[i]->type == type && "model asked for a key with the wrong type");
  (void)type;
  return p->vals[i];
}

long long qb_param_int(const qb_params *p, const char *section, const char *name) {
  return get(p, section, name, QB_KEY_INT)->i;
}
double qb_param_real(const qb_params *p, const char *section, const char *name) {
  int i = qb_param_find(p, section, name);
  assert(i >= 0 && "model asked for a key it did not declare");
  return p->vals[i]->x;
}
int qb_param_bool(const qb_params *p, const char *section, const char *name) {
  return (int)get(p, section, name, QB_KEY_BOOL)->i;
}
const char *qb_param_str(const qb_params *p, const char *section, const char *name) {
  int i = qb_param_find(p, section, name);
  assert(i >= 0 && "model asked for a key it did not declare");
  return p->vals[i]->text;
}
int qb_param_enum(const qb_params *p, const char *section, const char *name) {
  return (int)get(p, section, name, QB_KEY_ENUM)->i;
}
const double *qb_param_list(const qb_params *p, const char *section, const char *name,
                            qb_idx *n) {
  int i = qb_param_find(p, section, name);
  assert(i >= 0 && "model asked for a key it did not declare");
  *n = p->vals[i]->n;
  return p->vals[i]->list;
}
char *const *qb_param_strs(const qb_params *p, const char *section, const char *name,
                           qb_idx *n) {
  const qb_value *v = get(p, section, name, QB_KEY_STRING_LIST);
  *n = v->n;
  return v->strs;
}
int qb_param_is_set(const qb_params *p, const char *section, const char *name) {
  int i = qb_param_find(p, section, name);
  assert(i >= 0 && "model asked for a key it did not declare");
  return p->is_set[i];
}

int qb_param_field_fits(const qb_key *k) {
  const int nonneg = k->min >= 0 && k->min <= k->max;
  const int int_range = k->min >= INT_MIN && k->max <= INT_MAX && k->min <= k->max;
  switch (k->field) {
    case QB_FIELD_NONE: return 1;
    case QB_FIELD_INT: return k->type == QB_KEY_BOOL || k->type == QB_KEY_ENUM ||
                              (k->type == QB_KEY_INT && int_range);
    case QB_FIELD_UINT: return k->type == QB_KEY_ENUM ||
                               (k->type == QB_KEY_INT && int_range && nonneg);
    case QB_FIELD_LONG: case QB_FIELD_LLONG: return k->type == QB_KEY_INT;
    case QB_FIELD_ULONG: return k->type == QB_KEY_INT && nonneg;
    case QB_FIELD_DOUBLE: return k->type == QB_KEY_REAL || k->type == QB_KEY_INT;
    case QB_FIELD_STR: return k->type == QB_KEY_STRING || k->type == QB_KEY_ENUM;
  }
  return 0;
}

void qb_param_fill(const qb_params *p, const qb_key *table, void *dst) {
  for (const qb_key *k = table; k->name; k++) {
    if (k->field == QB_FIELD_NONE) continue;
    const int i = qb_param_find(p, k->section, k->name);
    assert(i >= 0 && "a bound key is missing from the point's parameters");
    assert(qb_param_field_fits(k) && "a key bound to a field that cannot hold it");
    const qb_value *v = p->vals[i];
    char *f = (char *)dst + k->field_offset;
    switch (k->field) {
      case QB_FIELD_NONE: break;
      case QB_FIELD_INT: *(int *)f = (int)v->i; break;
      case QB_FIELD_UINT: *(unsigned *)f = (unsigned)v->i; break;
      case QB_FIELD_LONG: *(long *)f = (long)v->i; break;
      case QB_FIELD_ULONG: *(unsigned long *)f = (unsigned long)v->i; break;
      case QB_FIELD_LLONG: *(long long *)f = v->i; break;
      case QB_FIELD_DOUBLE: *(double *)f = v->x; break;
      case QB_FIELD_STR: *(const char **)f = v->text; break;
    }
  }
}

qb_status qb_param_fail(const qb_params *p, qb_err *err, const char *section,
                        const char *name, const char *fmt, ...) {
  char msg[700], wb[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int i = qb_param_find(p, section, name);
  if (i < 0) return QB_FAIL(err, QB_ERR_INPUT, "[%s] %s: %s", section, name, msg);
  return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': %s",
                 qb_param_where_str(p->where ? p->where[i] : NULL, wb, sizeof wb), section, name,
                 p->vals[i]->text, msg);
}
