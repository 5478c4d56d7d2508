/* terms.c — the `terms` language (qbath/terms.h, docs/terms.md): text -> qb_term list ->
 * Pauli sum, with random couplings drawn per placement from Philox streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qbath/rng.h"
#include "qbath/terms.h"

static int find_name(const qb_terms_names *names, const char *s, double *v) {
  for (int i = 0; names && i < names->n; i++)
    if (!strcmp(s, names->names[i])) return (*v = names->values[i]), 1;
  return 0;
}

/* A factor: a number or a name (the whole of s). */
static int parse_factor(const qb_terms_names *names, const char *s, double *v) {
  char *end;
  double f = strtod(s, &end);
  if (end != s && *end == '\0') return (*v = f), 1;
  return end == s && find_name(names, s, v);
}

/* AMP: number, name, or number*name, then optionally "/factor". The product is formed as
 * number * value (the order spin_chain always used, so its couplings keep their bits). */
static int parse_amp(const qb_terms_names *names, char *s, double *amp) {
  char *slash = strchr(s, '/');
  double div = 1;
  if (slash) {
    *slash = '\0';
    if (!parse_factor(names, slash + 1, &div) || div == 0) return 0;
  }
  char *end;
  double f = strtod(s, &end), v;
  const char *name = s;
  if (end != s) {
    if (*end == '\0') return (*amp = slash ? f / div : f), 1;
    if (*end != '*') return 0;
    name = end + 1;
  } else {
    f = 1;
  }
  if (!find_name(names, name, &v)) return 0;
  *amp = f * v;
  if (slash) *amp /= div;
  return 1;
}

static void list_names(const qb_terms_names *names, char *buf, size_t size) {
  buf[0] = '\0';
  for (int i = 0; names && i < names->n; i++) {
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", i ? " " : "", names->names[i]);
  }
}

static int parse_dist(const char *s, qb_term_dist *d) {
  static const char *const dist_names[] = {"fixed", "uniform", "normal", "staggered"};
  if (s == NULL) return (*d = QB_TERM_FIXED), 1;
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, dist_names[i])) return (*d = (qb_term_dist)i), 1;
  return 0;
}

/* "@j" or "@a-b" with 0 <= a <= b <= maxstart. */
static int parse_sites(const char *at, int maxstart, int *first, int *last) {
  const char *dash = strchr(at, '-');
  char *e1, *e2 = NULL;
  long a = strtol(at, &e1, 10), b = dash ? strtol(dash + 1, &e2, 10) : a;
  if (e1 == at || (dash ? (e1 != dash || *e2 != '\0') : *e1 != '\0') || a < 0 || b < a ||
      b > maxstart)
    return 0;
  *first = (int)a, *last = (int)b;
  return 1;
}

qb_status qb_terms_parse_one(const char *text, int nsites, int periodic,
                             const qb_terms_names *names, qb_term *t, qb_err *err) {
  char buf[128];
  if (strlen(text) >= sizeof buf) return QB_FAIL(err, QB_ERR_INPUT, "term '%s' is too long", text);
  snprintf(buf, sizeof buf, "%s", text);
  memset(t, 0, sizeof *t);
  char *at = strchr(buf, '@');
  if (at) *at++ = '\0';
  char *amp = strchr(buf, ':');
  if (amp == NULL)
    return QB_FAIL(err, QB_ERR_INPUT, "term '%s': expected OPS:AMP (e.g. ZZ:0.25*J)", text);
  *amp++ = '\0';
  char *dist = strchr(amp, ':');
  if (dist) *dist++ = '\0';
  t->k = (int)strlen(buf);
  if (t->k < 1 || t->k > QB_PAULI_MAX_OPS || t->k > nsites || strspn(buf, "XYZ+-I") != (size_t)t->k)
    return QB_FAIL(err, QB_ERR_INPUT, "term '%s': OPS '%s' must be 1..%d letters of XYZ+-I (and at "
                   "most L)", text, buf, QB_PAULI_MAX_OPS);
  snprintf(t->ops, sizeof t->ops, "%s", buf);
  if (!parse_amp(names, amp, &t->amp)) {
    char known[256];
    list_names(names, known, sizeof known);
    return QB_FAIL(err, QB_ERR_INPUT, "term '%s': AMP '%s' must be a number, one of %s, or "
                   "number*name (optionally /number or /name)", text, amp,
                   known[0] ? known : "(no names here)");
  }
  if (!parse_dist(dist, &t->dist))
    return QB_FAIL(err, QB_ERR_INPUT, "term '%s': DIST '%s' must be fixed, uniform, normal or "
                   "staggered", text, dist);
  int maxstart = periodic ? nsites - 1 : nsites - t->k;
  t->first = 0, t->last = maxstart;
  if (at && !parse_sites(at, maxstart, &t->first, &t->last))
    return QB_FAIL(err, QB_ERR_INPUT, "term '%s': SITES '@%s' must be @j or @a-b with 0 <= a <= b "
                   "<= %d", text, at, maxstart);
  return QB_OK;
}

qb_status qb_terms_parse(char *const *texts, int64_t n, int nsites, int periodic,
                         const qb_terms_names *names, qb_terms *out, qb_err *err) {
  memset(out, 0, sizeof *out);
  if (n < 1 || n > QB_TERMS_MAX)
    return QB_FAIL(err, QB_ERR_INPUT, "give 1..%d terms", QB_TERMS_MAX);
  out->nsites = nsites, out->periodic = periodic;
  for (int64_t i = 0; i < n; i++)
    QB_TRY(qb_terms_parse_one(texts[i], nsites, periodic, names, &out->t[i], err));
  out->n = (int)n;
  return QB_OK;
}

int qb_terms_random(const qb_terms *T) {
  for (int i = 0; i < T->n; i++)
    if (T->t[i].dist == QB_TERM_UNIFORM || T->t[i].dist == QB_TERM_NORMAL) return 1;
  return 0;
}

int qb_terms_complex(const qb_terms *T) {
  for (int i = 0; i < T->n; i++) {
    int ny = 0;
    for (int q = 0; q < T->t[i].k; q++) ny += T->t[i].ops[q] == 'Y';
    if (ny % 2) return 1;
  }
  return 0;
}

/* The coupling of the placement starting at site j (draws advance r for random terms). */
static double coupling(const qb_term *tm, int j, qb_rng *r) {
  switch (tm->dist) {
  case QB_TERM_UNIFORM: return tm->amp * (2 * qb_rng_uniform(r) - 1);
  case QB_TERM_NORMAL: return tm->amp * qb_rng_normal(r);
  case QB_TERM_STAGGERED: return (j % 2) ? -tm->amp : tm->amp;
  default: return tm->amp;
  }
}

qb_status qb_terms_add(const qb_terms *T, uint64_t seed, uint64_t point, uint64_t realization,
                       uint64_t stream0, qb_pauli_sum *H, qb_err *err) {
  if (H->nsites != T->nsites)
    return QB_FAIL(err, QB_ERR_DIM, "terms on %d sites added to a sum on %d", T->nsites, H->nsites);
  for (int i = 0; i < T->n; i++) {
    const qb_term *tm = &T->t[i];
    qb_rng r;
    qb_rng_init(&r, seed, point, realization, stream0 + (uint64_t)i);
    for (int j = tm->first; j <= tm->last; j++) {
      int sites[QB_PAULI_MAX_OPS];
      for (int q = 0; q < tm->k; q++) sites[q] = (j + q) % T->nsites;
      QB_TRY(qb_spin_sum_add(H, coupling(tm, j, &r), tm->ops, sites, err));
    }
  }
  return QB_OK;
}

qb_status qb_terms_build(const qb_terms *T, uint64_t seed, uint64_t point, uint64_t realization,
                         uint64_t stream0, qb_pauli_sum **out, qb_err *err) {
  QB_TRY(qb_spin_sum_create(T->nsites, out, err));
  qb_status st = qb_terms_add(T, seed, point, realization, stream0, *out, err);
  if (st != QB_OK) *out = qb_spin_sum_free(*out);
  return st;
}
