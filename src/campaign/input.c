/* input.c — reads an input file (inih) and --set overrides, validates every key against
 * the runner's and the model's tables, and expands the sweep into points. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "campaign_internal.h"
#include "input_text.h"
#include "qbath/alloc.h"
#include "strset.h"

/* The runner's own keys. Not sweepable: they describe the run, not a point. */
const qb_key qb_campaign_keys[] = {
    {"run", "name", QB_KEY_STRING, "", 0, -1, NULL, "", NULL,
     "name of the run (default: the input file's base name)", 0},
    {"run", "seed", QB_KEY_INT, "1", 0, 1e15, NULL, "", NULL,
     "campaign seed of every Philox stream (seed, point, realization, purpose)", 0},
    {"run", "realizations", QB_KEY_INT, NULL, 1, 1e12, NULL, "", NULL,
     "disorder realizations per sweep point", 0},
    {"run", "threads", QB_KEY_INT, "0", 0, 4096, NULL, "", NULL,
     "OpenMP threads (0: OMP_NUM_THREADS or all cores; --threads overrides)", 0},
    {"run", "parallel", QB_KEY_ENUM, "auto", 0, -1, "auto|realizations|operator", "", NULL,
     "one realization per thread, or all threads inside one realization's operator", 0},
    {"run", "operator_flops", QB_KEY_REAL, "1e10", 0, INFINITY, NULL, "flop", NULL,
     "parallel = auto picks operator mode when one realization costs more than this", 0},
    {"run", "memory_limit", QB_KEY_REAL, "0", 0, INFINITY, NULL, "GiB", NULL,
     "refuse runs estimated above this (0: 80% of physical memory)", 0},
    {"run", "flops_rate", QB_KEY_REAL, "1e9", 1, INFINITY, NULL, "flop/s", NULL,
     "assumed speed of one thread, for the time estimates only", 0},
    {"run", "progress_seconds", QB_KEY_REAL, "30", 0.01, INFINITY, NULL, "s", NULL,
     "interval of the progress line when stderr is not a terminal", 0},
    {"run", "zip", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "groups of swept keys paired instead of crossed: 'model.N model.g, model.a model.b'", 0},
    {"output", "file", QB_KEY_STRING, NULL, 0, -1, NULL, "", NULL,
     "HDF5 result file (the journal FILE.journal lives beside it while running)", 0},
    {"output", "overwrite", QB_KEY_BOOL, "false", 0, -1, NULL, "", NULL,
     "replace an existing result file (otherwise a run refuses to start)", 0},
    {"output", "flush_seconds", QB_KEY_REAL, "1", 0, 3600, NULL, "s", NULL,
     "journal rows are written (survive kill -9) at least this often", 0},
    {"output", "sync_seconds", QB_KEY_REAL, "30", 0, 86400, NULL, "s", NULL,
     "journal is fsync'ed (survives power loss) at least this often", 0},
    {"output", "keep_journal", QB_KEY_BOOL, "false", 0, -1, NULL, "", NULL,
     "keep FILE.journal after a successful run", 0},
    {"output", "write_rows", QB_KEY_BOOL, "true", 0, -1, NULL, "", NULL,
     "write per-realization rows to the result file (not only means and errors)", 0},
    QB_KEY_END};

static const char *const sections[] = {"run",      "model",  "evolve",     "eigen",
                                       "spectral", "output", "observables"};
enum { NSECTIONS = sizeof sections / sizeof sections[0] };

/* ---- raw entries -------------------------------------------------------------------- */

typedef struct entry {
  char section[64], name[64];
  char *value;   /* owned */
  qb_where where;
  int section_line; /* line of the [section] header */
} entry;

typedef struct reader {
  const char *text, *pos;
  int line;              /* line number of the line last handed to inih */
  int cont;              /* 1 if that line is an indented continuation */
  int too_long;          /* first line longer than inih's buffer, or 0 */
  int section_line;      /* line of the last [section] header */
  int stop_line;         /* first line with a structure error (not handed to inih), or 0 */
  qb_strset keys;        /* "section]name" -> entry index: duplicates in linear time */
  entry *e;
  int n, cap;
  const char *file;
  qb_status st;
  int err_line;
  qb_err *err;
} reader;

/* inih's line source: one line per call, counting lines so that every entry knows its
 * line (Debian's inih has no line numbers in the handler). */
static char *read_line(char *str, int num, void *stream) {
  reader *r = stream;
  if (*r->pos == '\0' || (r->stop_line && r->line + 1 >= r->stop_line)) return NULL;
  const char *nl = strchr(r->pos, '\n');
  size_t len = nl ? (size_t)(nl - r->pos + 1) : strlen(r->pos);
  r->line++;
  if (len >= (size_t)num - 1 && !r->too_long) r->too_long = r->line;
  size_t copy = len < (size_t)num - 1 ? len : (size_t)num - 1;
  memcpy(str, r->pos, copy);
  str[copy] = '\0';
  const char *s = r->pos;
  while (s < r->pos + len && (*s == ' ' || *s == '\t')) s++;
  if (s < r->pos + len && *s == '[') r->section_line = r->line;
  r->cont = s > r->pos && s < r->pos + len && *s != '\n' && *s != '\r' && *s != ';' && *s != '#';
  r->pos += len;
  return str;
}

static int handler(void *user, const char *section, const char *name, const char *value) {
  reader *r = user;
  if (r->st != QB_OK) return 0;
  if (r->cont && r->n > 0 && !strcmp(r->e[r->n - 1].name, name) &&
      !strcmp(r->e[r->n - 1].section, section)) {
    /* An indented line continues the previous value (a long list). */
    entry *p = &r->e[r->n - 1];
    size_t a = strlen(p->value), b = strlen(value);
    char *v = qb_realloc(p->value, a + 1, a + b + 3);
    if (v == NULL) return r->st = QB_FAIL(r->err, QB_ERR_NOMEM, "out of memory"), 0;
    int comma = a > 0 && v[a - 1] != ',' && b > 0 && value[0] != ',';
    snprintf(v + a, b + 3, "%s%s", comma ? ", " : " ", value);
    p->value = v;
    return 1;
  }
  if (strlen(section) >= 64 || strlen(name) >= 64) {
    r->err_line = r->line;
    r->st = QB_FAIL(r->err, QB_ERR_INPUT, "%s:%d: section or key name too long", r->file, r->line);
    return 0;
  }
  char id[130];
  snprintf(id, sizeof id, "%s]%s", section, name); /* ']' cannot occur in a section name */
  int first = -1, added = qb_strset_add(&r->keys, id, r->n, &first);
  if (added < 0) return r->st = QB_FAIL(r->err, QB_ERR_NOMEM, "out of memory"), 0;
  if (added == 0) {
    r->err_line = r->line;
    r->st = QB_FAIL(r->err, QB_ERR_INPUT, "%s:%d: [%s] %s: duplicate key (first set at line %d)",
                    r->file, r->line, section, name, r->e[first].where.line);
    return 0;
  }
  if (r->n == r->cap) {
    int cap = r->cap ? 2 * r->cap : 32;
    entry *e = qb_realloc(r->e, sizeof(entry) * (size_t)r->cap, sizeof(entry) * (size_t)cap);
    if (e == NULL) return r->st = QB_FAIL(r->err, QB_ERR_NOMEM, "out of memory"), 0;
    r->e = e, r->cap = cap;
  }
  entry *p = &r->e[r->n];
  memset(p, 0, sizeof *p);
  snprintf(p->section, sizeof p->section, "%s", section);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->value = qb_malloc(strlen(value) + 1);
  if (p->value == NULL) return r->st = QB_FAIL(r->err, QB_ERR_NOMEM, "out of memory"), 0;
  strcpy(p->value, value);
  snprintf(p->where.file, sizeof p->where.file, "%s", r->file);
  p->where.line = r->line;
  p->section_line = r->section_line;
  r->n++;
  return 1;
}

/* Parses the file text into entries; syntax errors name file:line. The structure check
 * runs first; inih then reads only the lines before its first error, so that whichever
 * error comes first in the file is reported. */
static qb_status parse_entries(reader *r) {
  qb_err serr;
  r->stop_line = qb_input_text_check_lines(r->file, r->text, &serr);
  if (r->stop_line < 0) return QB_FAIL(r->err, QB_ERR_NOMEM, "%s", serr.msg);
  int ret = ini_parse_stream(read_line, r, handler, r);
  if (r->st != QB_OK && (ret <= 0 || ret >= r->err_line)) return r->st;
  if (r->too_long && (ret <= 0 || r->too_long <= ret))
    return QB_FAIL(r->err, QB_ERR_INPUT,
                   "%s:%d: line too long (at most %d characters; "
                   "continue a long value on indented lines)",
                   r->file, r->too_long, INI_MAX_LINE - 2);
  if (ret > 0)
    return QB_FAIL(r->err, QB_ERR_INPUT,
                   "%s:%d: syntax error (expected '[section]' or 'key = value')", r->file, ret);
  if (r->st != QB_OK) return r->st;
  if (r->stop_line > 0) {
    if (r->err) *r->err = serr;
    return serr.code;
  }
  return QB_OK;
}

/* Applies one "--set section.key=value"; replaces an entry or adds one. */
static qb_status apply_set(reader *r, const char *set) {
  const char *dot = strchr(set, '.'), *eq = strchr(set, '=');
  if (dot == NULL || eq == NULL || dot > eq || dot == set || eq == dot + 1)
    return QB_FAIL(r->err, QB_ERR_INPUT, "--set '%s': expected section.key=value", set);
  char section[64], name[64];
  if (dot - set >= 64 || eq - dot - 1 >= 64)
    return QB_FAIL(r->err, QB_ERR_INPUT, "--set '%s': name too long", set);
  snprintf(section, sizeof section, "%.*s", (int)(dot - set), set);
  snprintf(name, sizeof name, "%.*s", (int)(eq - dot - 1), dot + 1);
  for (int i = 0; i < r->n; i++)
    if (!strcmp(r->e[i].section, section) && !strcmp(r->e[i].name, name)) {
      char *v = qb_malloc(strlen(eq + 1) + 1);
      if (v == NULL) return QB_FAIL(r->err, QB_ERR_NOMEM, "out of memory");
      strcpy(v, eq + 1);
      qb_free(r->e[i].value);
      r->e[i].value = v;
      snprintf(r->e[i].where.file, sizeof r->e[i].where.file, "--set %s.%s", section, name);
      r->e[i].where.line = 0;
      return QB_OK;
    }
  r->cont = 0;
  r->file = "--set";
  r->line = 0;
  if (!handler(r, section, name, eq + 1)) return r->st;
  snprintf(r->e[r->n - 1].where.file, sizeof r->e[0].where.file, "--set %s.%s", section, name);
  return QB_OK;
}

/* ---- key resolution with suggestions ------------------------------------------------ */

static int known_section(const char *s) {
  for (int i = 0; i < NSECTIONS; i++)
    if (!strcmp(sections[i], s)) return 1;
  return 0;
}

/* Closest name among candidates within a distance that still looks like a typo. */
static const char *closest(const char *name, const char *const *cand, int n) {
  const char *best = NULL;
  int bestd = 1 + (int)strlen(name) / 3;
  if (bestd < 2) bestd = 2;
  bestd++;
  for (int i = 0; i < n; i++) {
    int d = qb_param_edit_distance(name, cand[i]);
    if (d < bestd) bestd = d, best = cand[i];
  }
  return best;
}

/* The model (if any) other than m that declares section.name. */
static const qb_model *other_owner(const qb_campaign *c, const char *section, const char *name) {
  const qb_model *o;
  for (int i = 0; (o = qb_campaign_model_at(c->extra_models, i)); i++) {
    if (o == c->model) continue;
    for (const qb_key *const *t = o->keys; t && *t; t++)
      if (qb_param_keys_find(*t, section, name)) return o;
  }
  return NULL;
}

/* Keys that moved to another section or name: an old input is answered with the new key
 * (when the model declares it) instead of a bare "unknown key". level_dot's time grid and
 * propagator tolerance moved from [model] to [evolve] (issue 17: one set of [evolve] keys). */
static const struct {
  const char *section, *name, *to_section, *to_name;
} moved_keys[] = {
    {"model", "tau_max", "evolve", "tau_max"},
    {"model", "prop_tol", "evolve", "tol"},
    {"model", "samples", "evolve", "samples"},
    {"model", "log_tau_min", "evolve", "log_tau_min"},
    {"model", "log_samples", "evolve", "log_samples"},
};

static int model_declares(const qb_campaign *c, const char *section, const char *name) {
  for (int i = 0; i < c->nkeys; i++)
    if (!strcmp(c->ckeys[i].key->section, section) && !strcmp(c->ckeys[i].key->name, name))
      return 1;
  return 0;
}

static qb_status unknown_key(const qb_campaign *c, const entry *e, qb_err *err) {
  char wb[300];
  qb_param_where_str(&e->where, wb, sizeof wb);
  for (size_t i = 0; i < sizeof moved_keys / sizeof moved_keys[0]; i++)
    if (!strcmp(e->section, moved_keys[i].section) && !strcmp(e->name, moved_keys[i].name) &&
        model_declares(c, moved_keys[i].to_section, moved_keys[i].to_name))
      return QB_FAIL(
          err, QB_ERR_INPUT, "%s: [%s] %s: unknown key for model '%s'; did you mean [%s] %s?", wb,
          e->section, e->name, c->model->name, moved_keys[i].to_section, moved_keys[i].to_name);
  if (!known_section(e->section)) {
    if (e->where.line > 0) snprintf(wb, sizeof wb, "%s:%d", e->where.file, e->section_line);
    const char *s = closest(e->section, sections, NSECTIONS);
    return QB_FAIL(err, QB_ERR_INPUT,
                   "%s: unknown section [%s]%s%s%s (sections: run, model, "
                   "evolve, eigen, spectral, output, observables)",
                   wb, e->section, s ? "; did you mean [" : "", s ? s : "", s ? "]?" : "");
  }
  /* the model has the key, in another section: say where it goes (e.g. nev in [eigen]) */
  for (int i = 0; i < c->nkeys; i++)
    if (!strcmp(c->ckeys[i].key->name, e->name))
      return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s: for model '%s' this key belongs in [%s]; "
                     "move it there", wb, e->section, e->name, c->model->name,
                     c->ckeys[i].key->section);
  const qb_model *o = other_owner(c, e->section, e->name);
  if (o)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s is not used by model '%s' (it belongs to "
                   "model '%s'); remove it", wb, e->section, e->name, c->model->name, o->name);
  const char *cand[256];
  int n = 0;
  for (int i = 0; i < c->nkeys && n < 256; i++)
    if (!strcmp(c->ckeys[i].key->section, e->section)) cand[n++] = c->ckeys[i].key->name;
  const char *s = closest(e->name, cand, n);
  if (s)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s: unknown key; did you mean '%s'?", wb,
                   e->section, e->name, s);
  return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s: unknown key for model '%s' ('qbath help keys "
                 "%s' lists the keys)", wb, e->section, e->name, c->model->name, c->model->name);
}

/* ---- sweep values ------------------------------------------------------------------- */

/* linspace(a, b, n) / logspace(a, b, n): n >= 1 values as text. Returns 0 if text is not
 * such a call, 1 on success, -1 on error (err filled). */
static int expand_space(const qb_key *k, const char *text, const qb_where *w, char ***out,
                        int *nout, qb_err *err) {
  while (isspace((unsigned char)*text)) text++;
  int lg = !strncmp(text, "logspace(", 9), ln = !strncmp(text, "linspace(", 9);
  if (!lg && !ln) return 0;
  char wb[300];
  qb_param_where_str(w, wb, sizeof wb);
  double a, b;
  long long n;
  int end = -1; /* offset just past ')'; only whitespace may follow */
  if (sscanf(text + 9, " %lf , %lf , %lld )%n", &a, &b, &n, &end) < 3 || end < 0 ||
      text[9 + end + strspn(text + 9 + end, " \t\r\n")] != '\0') {
    QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': expected %s(first, last, count)", wb,
            k->section, k->name, text, lg ? "logspace" : "linspace");
    return -1;
  }
  if (n < 1 || n > 1000000) {
    QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': empty sweep (count %lld must be in [1, 1e6])",
            wb, k->section, k->name, text, n);
    return -1;
  }
  if (lg && (a <= 0 || b <= 0)) {
    QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': logspace needs positive endpoints", wb,
            k->section, k->name, text);
    return -1;
  }
  char **v = qb_calloc((size_t)n, sizeof(char *));
  if (v == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory"), -1;
  for (long long i = 0; i < n; i++) {
    double t = n == 1 ? 0.0 : (double)i / (double)(n - 1);
    double x = lg ? exp(log(a) + t * (log(b) - log(a))) : a + t * (b - a);
    if (i == n - 1 && n > 1) x = b; /* exact endpoints */
    if (i == 0) x = a;
    v[i] = qb_malloc(40);
    if (v[i] == NULL) {
      for (long long j = 0; j < i; j++) qb_free(v[j]);
      qb_free(v);
      return QB_FAIL(err, QB_ERR_NOMEM, "out of memory"), -1;
    }
    if (k->type == QB_KEY_INT) snprintf(v[i], 40, "%lld", (long long)llround(x));
    else snprintf(v[i], 40, "%.17g", x);
  }
  *out = v;
  *nout = (int)n;
  return 1;
}

/* Splits a value into its sweep alternatives and parses each. */
static qb_status parse_alternatives(qb_ckey *ck, const char *text, qb_err *err) {
  const qb_key *k = ck->key;
  char **parts = NULL;
  int n = 0, sep = k->type >= QB_KEY_INT_LIST ? '|' : ',';
  qb_status st = QB_OK;
  char wb[300];
  qb_param_where_str(&ck->where, wb, sizeof wb);
  int sp = (k->type == QB_KEY_INT || k->type == QB_KEY_REAL)
               ? expand_space(k, text, &ck->where, &parts, &n, err) : 0;
  if (sp < 0) return err ? err->code : QB_ERR_INPUT;
  if (sp == 0) {
    if (k->type == QB_KEY_STRING || k->type == QB_KEY_ENUM || k->type == QB_KEY_BOOL ||
        k->type == QB_KEY_INT || k->type == QB_KEY_REAL || k->type >= QB_KEY_INT_LIST) {
      n = 1;
      for (const char *s = text; *s; s++) n += (*s == sep);
      if (!k->sweepable) n = 1, sep = 0;
    }
    if (!k->sweepable && k->type < QB_KEY_INT_LIST && k->type != QB_KEY_STRING && strchr(text, ','))
      return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': this key cannot be swept (one value)",
                     wb, k->section, k->name, text);
    parts = qb_calloc((size_t)n, sizeof(char *));
    if (parts == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
    const char *s = text;
    for (int i = 0; i < n; i++) {
      const char *e = sep ? strchr(s, sep) : NULL;
      size_t len = e ? (size_t)(e - s) : strlen(s);
      parts[i] = qb_malloc(len + 1);
      if (parts[i] == NULL) {
        st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
        goto done;
      }
      memcpy(parts[i], s, len);
      parts[i][len] = '\0';
      s = e ? e + 1 : s + len;
    }
    if (n > 1)
      for (int i = 0; i < n; i++) {
        const char *t = parts[i];
        while (isspace((unsigned char)*t)) t++;
        if (*t == '\0') {
          st = QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s = '%s': empty sweep value (number %d)", wb,
                       k->section, k->name, text, i + 1);
          goto done;
        }
      }
  }
  ck->alts = qb_calloc((size_t)n, sizeof(qb_value));
  if (ck->alts == NULL) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
    goto done;
  }
  for (int i = 0; i < n && st == QB_OK; i++) {
    st = qb_param_value_parse(k, parts[i], &ck->where, &ck->alts[i], err);
    if (st == QB_OK) ck->nalt = i + 1;
  }
done:
  for (int i = 0; parts && i < n; i++) qb_free(parts[i]);
  qb_free(parts);
  return st;
}

/* ---- assembling the campaign -------------------------------------------------------- */

static int find_ckey(const qb_campaign *c, const char *section, const char *name) {
  for (int i = 0; i < c->nkeys; i++)
    if (!strcmp(c->ckeys[i].key->section, section) && !strcmp(c->ckeys[i].key->name, name))
      return i;
  return -1;
}

static qb_status collect_keys(qb_campaign *c, qb_err *err) {
  int n = 0;
  for (const qb_key *k = qb_campaign_keys; k->name; k++) n++;
  for (const qb_key *const *t = c->model->keys; t && *t; t++)
    for (const qb_key *k = *t; k->name; k++) n++;
  c->ckeys = qb_calloc((size_t)n, sizeof(qb_ckey));
  if (c->ckeys == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  for (const qb_key *k = qb_campaign_keys; k->name; k++) c->ckeys[c->nkeys++].key = k;
  for (const qb_key *const *t = c->model->keys; t && *t; t++)
    for (const qb_key *k = *t; k->name; k++) {
      if (find_ckey(c, k->section, k->name) >= 0) continue; /* a shared table listed twice */
      if (!strcmp(k->name, "*")) continue;                  /* a template (below) */
      c->ckeys[c->nkeys++].key = k;
    }
  for (int i = 0; i < c->nkeys; i++) c->ckeys[i].axis = -1;
  return QB_OK;
}

static qb_status find_model(qb_campaign *c, const entry *e, int n, qb_err *err) {
  const entry *t = NULL;
  for (int i = 0; i < n; i++)
    if (!strcmp(e[i].section, "model") && !strcmp(e[i].name, "type")) t = &e[i];
  char names[1024] = "";
  const char *cand[128];
  int nc = 0;
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(c->extra_models, i)) && nc < 128; i++) {
    cand[nc++] = m->name;
    size_t l = strlen(names);
    snprintf(names + l, sizeof names - l, "%s%s", l ? ", " : "", m->name);
  }
  if (t == NULL)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: [model] type: missing required key (models: %s)",
                   c->path, names);
  char wb[300], val[128];
  qb_param_where_str(&t->where, wb, sizeof wb);
  size_t len = strlen(t->value);
  const char *v = t->value;
  while (isspace((unsigned char)*v)) v++, len--;
  while (len > 0 && isspace((unsigned char)v[len - 1])) len--;
  snprintf(val, sizeof val, "%.*s", (int)len, v);
  c->model = qb_campaign_model_find(c->extra_models, val);
  if (c->model) return QB_OK;
  const char *s = closest(val, cand, nc);
  return QB_FAIL(err, QB_ERR_INPUT, "%s: [model] type = '%s': unknown model%s%s%s (models: %s)",
                 wb, val, s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "", names);
}

/* A model may declare the key section.* (e.g. [observables] NAME = terms): every name
 * in that section is a key of the template, made on first use and owned by the campaign.
 * Returns its index in ckeys, -1 when the model has no template for the section. */
static int template_key(qb_campaign *c, const char *section, const char *name, qb_err *err) {
  const qb_key *tpl = NULL;
  for (const qb_key *const *t = c->model->keys; t && *t && !tpl; t++)
    tpl = qb_param_keys_find(*t, section, "*");
  if (tpl == NULL) return -1;
  qb_key *k = qb_malloc(sizeof *k + strlen(name) + 1);
  qb_ckey *ck =
      qb_realloc(c->ckeys, (size_t)c->nkeys * sizeof *ck, (size_t)(c->nkeys + 1) * sizeof *ck);
  if (ck) c->ckeys = ck;
  if (k == NULL || ck == NULL) {
    qb_free(k);
    QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
    return -2;
  }
  *k = *tpl;
  k->name = strcpy((char *)(k + 1), name);
  memset(&c->ckeys[c->nkeys], 0, sizeof *ck);
  c->ckeys[c->nkeys].key = c->ckeys[c->nkeys].owned = k;
  c->ckeys[c->nkeys].axis = -1;
  return c->nkeys++;
}

/* Assigns values to keys: parsed alternatives, defaults, required and conflict checks. */
static qb_status assign_values(qb_campaign *c, const entry *e, int n, qb_err *err) {
  for (int i = 0; i < n; i++) {
    if (!strcmp(e[i].section, "model") && !strcmp(e[i].name, "type")) continue;
    int j = find_ckey(c, e[i].section, e[i].name);
    if (j < 0) j = template_key(c, e[i].section, e[i].name, err);
    if (j == -2) return QB_ERR_NOMEM;
    if (j < 0) return unknown_key(c, &e[i], err);
    qb_ckey *ck = &c->ckeys[j];
    ck->where = e[i].where;
    ck->is_set = 1;
    QB_TRY(parse_alternatives(ck, e[i].value, err));
  }
  for (int j = 0; j < c->nkeys; j++) {
    qb_ckey *ck = &c->ckeys[j];
    if (ck->is_set) continue;
    if (ck->key->def == NULL)
      return QB_FAIL(err, QB_ERR_INPUT, "%s: [%s] %s: missing required key (%s)", c->path,
                     ck->key->section, ck->key->name, ck->key->doc);
    QB_TRY(parse_alternatives(ck, ck->key->def, err));
  }
  for (int j = 0; j < c->nkeys; j++) {
    const qb_ckey *ck = &c->ckeys[j];
    if (!ck->is_set || ck->key->excludes == NULL) continue;
    int o = find_ckey(c, ck->key->section, ck->key->excludes);
    /* Reported once, at the later of the two lines. */
    if (o >= 0 && c->ckeys[o].is_set &&
        (ck->where.line == 0 || ck->where.line > c->ckeys[o].where.line)) {
      char wb[300], wb2[300];
      return QB_FAIL(err, QB_ERR_INPUT,
                     "%s: [%s] %s: conflicts with %s set at %s; give one of them",
                     qb_param_where_str(&ck->where, wb, sizeof wb), ck->key->section, ck->key->name,
                     ck->key->excludes, qb_param_where_str(&c->ckeys[o].where, wb2, sizeof wb2));
    }
  }
  return QB_OK;
}

/* Sweep axes: zip groups first claim their keys; every other swept key is an axis of its
 * own. Axes are ordered by the first line of their keys (first in file = slowest). */
static qb_status build_axes(qb_campaign *c, qb_err *err) {
  int z = find_ckey(c, "run", "zip");
  const qb_value *zv = &c->ckeys[z].alts[0];
  char wb[300];
  qb_param_where_str(&c->ckeys[z].where, wb, sizeof wb);
  for (qb_idx g = 0; g < zv->n; g++) {
    if (c->naxes == 64) return QB_FAIL(err, QB_ERR_INPUT, "%s: [run] zip: too many groups", wb);
    qb_axis_def *ax = &c->axes[c->naxes];
    memset(ax, 0, sizeof *ax);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", zv->strs[g]);
    for (char *save = NULL, *tok = strtok_r(buf, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
      char *dot = strchr(tok, '.');
      int j = -1;
      if (dot) {
        *dot = '\0';
        j = find_ckey(c, tok, dot + 1);
        *dot = '.';
      }
      if (j < 0)
        return QB_FAIL(err, QB_ERR_INPUT, "%s: [run] zip: '%s' is not a key of this model "
                       "(write section.key)", wb, tok);
      qb_ckey *ck = &c->ckeys[j];
      if (ck->axis >= 0)
        return QB_FAIL(err, QB_ERR_INPUT, "%s: [run] zip: '%s' appears twice", wb, tok);
      if (ax->nmembers > 0 && ck->nalt != ax->len)
        return QB_FAIL(err, QB_ERR_INPUT,
                       "%s: [run] zip: '%s' has %d values but %s.%s has %d; "
                       "zipped keys need equal lengths",
                       wb, tok, ck->nalt, c->ckeys[ax->members[0]].key->section,
                       c->ckeys[ax->members[0]].key->name, ax->len);
      if (ax->nmembers == 16)
        return QB_FAIL(err, QB_ERR_INPUT, "%s: [run] zip: group too large", wb);
      ax->len = ck->nalt;
      ax->members[ax->nmembers++] = j;
      ck->axis = c->naxes;
    }
    if (ax->nmembers < 2)
      return QB_FAIL(err, QB_ERR_INPUT, "%s: [run] zip: group %lld needs at least two keys", wb,
                     (long long)g + 1);
    c->naxes++;
  }
  for (int j = 0; j < c->nkeys; j++) {
    qb_ckey *ck = &c->ckeys[j];
    if (ck->nalt < 2 || ck->axis >= 0) continue;
    if (c->naxes == 64) return QB_FAIL(err, QB_ERR_INPUT, "too many swept keys (at most 64)");
    qb_axis_def *ax = &c->axes[c->naxes];
    memset(ax, 0, sizeof *ax);
    ax->len = ck->nalt;
    ax->members[ax->nmembers++] = j;
    ck->axis = c->naxes++;
  }
  /* Order axes by the line where their first key was set. */
  for (int a = 1; a < c->naxes; a++)
    for (int b = a; b > 0; b--) {
      int la = c->ckeys[c->axes[b - 1].members[0]].where.line;
      int lb = c->ckeys[c->axes[b].members[0]].where.line;
      if (la <= lb) break;
      qb_axis_def t = c->axes[b - 1];
      c->axes[b - 1] = c->axes[b];
      c->axes[b] = t;
    }
  for (int a = 0; a < c->naxes; a++)
    for (int m = 0; m < c->axes[a].nmembers; m++) c->ckeys[c->axes[a].members[m]].axis = a;
  return QB_OK;
}

static qb_status build_points(qb_campaign *c, qb_err *err) {
  double np = 1;
  for (int a = 0; a < c->naxes; a++) np *= c->axes[a].len;
  if (np > 1e7)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: the sweep has %.3g points (at most 1e7)", c->path, np);
  c->npoints = (qb_idx)np;
  int nk = c->nkeys;
  c->vals = qb_calloc((size_t)(c->npoints * nk), sizeof(qb_value *));
  c->params = qb_calloc((size_t)c->npoints, sizeof(qb_params));
  c->keyptr = qb_calloc((size_t)nk, sizeof(qb_key *));
  c->is_set = qb_calloc((size_t)nk, sizeof(int));
  c->whereptr = qb_calloc((size_t)nk, sizeof(qb_where *));
  if (!c->vals || !c->params || !c->keyptr || !c->is_set || !c->whereptr)
    return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for %lld points", (long long)c->npoints);
  for (int j = 0; j < nk; j++) {
    c->keyptr[j] = c->ckeys[j].key;
    c->is_set[j] = c->ckeys[j].is_set;
    c->whereptr[j] = &c->ckeys[j].where;
  }
  for (qb_idx p = 0; p < c->npoints; p++) {
    int idx[64];
    qb_idx rest = p;
    for (int a = c->naxes - 1; a >= 0; a--) { /* the last axis varies fastest */
      idx[a] = (int)(rest % c->axes[a].len);
      rest /= c->axes[a].len;
    }
    const qb_value **v = &c->vals[p * nk];
    for (int j = 0; j < nk; j++)
      v[j] = &c->ckeys[j].alts[c->ckeys[j].axis >= 0 ? idx[c->ckeys[j].axis] : 0];
    c->params[p] = (qb_params){.nkeys = nk, .keys = c->keyptr, .vals = (const qb_value *const *)v,
                               .is_set = c->is_set, .where = c->whereptr, .point = p};
  }
  return QB_OK;
}

/* The model's state across points, handed to every point's parameters; freed by
 * qb_campaign_free (the campaign outlives its points). */
static qb_status create_model_state(qb_campaign *c, qb_err *err) {
  if (!c->model->state_create) return QB_OK;
  QB_TRY(c->model->state_create(&c->model_state, err));
  for (qb_idx p = 0; p < c->npoints; p++) c->params[p].model_state = c->model_state;
  return QB_OK;
}

static void resolve_run_keys(qb_campaign *c) {
  const qb_params *p = &c->params[0];
  const char *name = qb_param_str(p, "run", "name");
  if (name[0] == '\0') {
    const char *b = strrchr(c->path, '/');
    b = b ? b + 1 : c->path;
    snprintf(c->name, sizeof c->name, "%s", b);
    char *dot = strrchr(c->name, '.');
    if (dot && dot != c->name) *dot = '\0';
  } else {
    snprintf(c->name, sizeof c->name, "%s", name);
  }
  snprintf(c->output, sizeof c->output, "%s", qb_param_str(p, "output", "file"));
  c->seed = (uint64_t)qb_param_int(p, "run", "seed");
  c->realizations = (qb_idx)qb_param_int(p, "run", "realizations");
  c->threads = (int)qb_param_int(p, "run", "threads");
  c->parallel = qb_param_enum(p, "run", "parallel");
  c->operator_flops = qb_param_real(p, "run", "operator_flops");
  c->memory_limit = qb_param_real(p, "run", "memory_limit");
  c->flops_rate = qb_param_real(p, "run", "flops_rate");
  c->flush_seconds = qb_param_real(p, "output", "flush_seconds");
  c->sync_seconds = qb_param_real(p, "output", "sync_seconds");
  c->overwrite = qb_param_bool(p, "output", "overwrite");
  c->keep_journal = qb_param_bool(p, "output", "keep_journal");
  c->write_rows = qb_param_bool(p, "output", "write_rows");
}

/* The effective input: the file's text, then the overrides as comment-free lines. */
static qb_status effective_text(qb_campaign *c, const char *file_text, int nsets,
                                char *const *sets, qb_err *err) {
  size_t len = strlen(file_text) + 64;
  for (int i = 0; i < nsets; i++) len += strlen(sets[i]) + 16;
  c->text = qb_malloc(len);
  if (c->text == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  size_t n = (size_t)snprintf(c->text, len, "%s", file_text);
  if (nsets > 0) n += (size_t)snprintf(c->text + n, len - n, "%s# --set overrides:\n",
                                       n > 0 && c->text[n - 1] != '\n' ? "\n" : "");
  for (int i = 0; i < nsets; i++)
    n += (size_t)snprintf(c->text + n, len - n, "# --set %s\n", sets[i]);
  return QB_OK;
}

static qb_status check_model_points(qb_campaign *c, qb_err *err) {
  for (qb_idx p = 0; p < c->npoints; p++) {
    qb_estimate est;
    memset(&est, 0, sizeof est);
    qb_status st = c->model->estimate(&c->params[p], &est, err);
    if (st != QB_OK) {
      if (c->npoints > 1) qb_err_prefix(err, "sweep point %lld", (long long)p);
      return st;
    }
  }
  return QB_OK;
}

qb_status qb_campaign_load(const char *path, int nsets, char *const *sets, qb_campaign **out,
                           qb_err *err) {
  return qb_campaign_load_with(path, nsets, sets, NULL, out, err);
}

qb_status qb_campaign_load_with(const char *path, int nsets, char *const *sets,
                                const qb_model *const *extra, qb_campaign **out, qb_err *err) {
  *out = NULL;
  qb_status st = QB_OK;
  reader r;
  memset(&r, 0, sizeof r);
  char *text = qb_input_text_read(path, err);
  if (text == NULL) return err ? err->code : QB_ERR_IO;
  qb_campaign *c = qb_calloc(1, sizeof *c);
  if (c == NULL || (c->path = qb_malloc(strlen(path) + 1)) == NULL) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
    goto fail;
  }
  strcpy(c->path, path);
  c->extra_models = extra;
  r.text = r.pos = text;
  r.file = path;
  r.err = err;
  if ((st = parse_entries(&r)) != QB_OK) goto fail;
  for (int i = 0; i < nsets; i++)
    if ((st = apply_set(&r, sets[i])) != QB_OK) goto fail;
  if ((st = find_model(c, r.e, r.n, err)) != QB_OK) goto fail;
  if ((st = collect_keys(c, err)) != QB_OK) goto fail;
  if ((st = assign_values(c, r.e, r.n, err)) != QB_OK) goto fail;
  if ((st = build_axes(c, err)) != QB_OK) goto fail;
  if ((st = build_points(c, err)) != QB_OK) goto fail;
  if ((st = create_model_state(c, err)) != QB_OK) goto fail;
  resolve_run_keys(c);
  if ((st = effective_text(c, text, nsets, sets, err)) != QB_OK) goto fail;
  if ((st = check_model_points(c, err)) != QB_OK) goto fail;
  *out = c;
fail:
  for (int i = 0; i < r.n; i++) qb_free(r.e[i].value);
  qb_free(r.e);
  qb_strset_clear(&r.keys);
  qb_free(text);
  if (st != QB_OK) qb_campaign_free(c);
  return st;
}

qb_campaign *qb_campaign_free(qb_campaign *c) {
  if (c == NULL) return NULL;
  if (c->model_state) c->model->state_free(c->model_state);
  for (int j = 0; c->ckeys && j < c->nkeys; j++) {
    for (int a = 0; a < c->ckeys[j].nalt; a++) qb_param_value_clear(&c->ckeys[j].alts[a]);
    qb_free(c->ckeys[j].alts);
    qb_free(c->ckeys[j].owned);
  }
  qb_free(c->ckeys), qb_free(c->vals), qb_free(c->params), qb_free(c->keyptr), qb_free(c->is_set);
  qb_free(c->whereptr), qb_free(c->results), qb_free(c->text), qb_free(c->path);
  return qb_free(c);
}

qb_idx qb_campaign_npoints(const qb_campaign *c) { return c->npoints; }
qb_idx qb_campaign_realizations(const qb_campaign *c) { return c->realizations; }
const qb_model *qb_campaign_model(const qb_campaign *c) { return c->model; }
const char *qb_campaign_output(const qb_campaign *c) { return c->output; }
const qb_params *qb_campaign_point(const qb_campaign *c, qb_idx p) { return &c->params[p]; }
const char *qb_campaign_input_text(const qb_campaign *c) { return c->text; }

const char *qb_campaign_point_label(const qb_campaign *c, qb_idx p, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  const qb_params *pp = &c->params[p];
  for (int a = 0; a < c->naxes; a++)
    for (int m = 0; m < c->axes[a].nmembers; m++) {
      int j = c->axes[a].members[m];
      if (used < n)
        used +=
            (size_t)snprintf(buf + used, n - used, "%s%s.%s=%s", used ? " " : "",
                             c->ckeys[j].key->section, c->ckeys[j].key->name, pp->vals[j]->text);
    }
  if (buf[0] == '\0') snprintf(buf, n, "(single point)");
  return buf;
}
