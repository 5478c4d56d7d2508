/* layout.c — building a model's result layout (row columns, derived, theory, axes). */
#include <stdio.h>
#include <string.h>

#include "qbath/layout.h"

static qb_idx add(qb_column *cols, int *n, const char *name, qb_idx len, const char *axis,
                  const char *doc, int main) {
  if (*n >= QB_MAX_COLS || len < 1 || strlen(name) >= QB_NAME_LEN) return -1;
  qb_idx off = 0;
  for (int i = 0; i < *n; i++) off += cols[i].len;
  qb_column *c = &cols[(*n)++];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  snprintf(c->axis, sizeof c->axis, "%s", axis ? axis : "");
  c->len = len;
  c->doc = doc ? doc : "";
  c->main = main && len == 1;
  return off;
}

qb_idx qb_layout_add(qb_layout *L, const char *name, qb_idx len, const char *axis,
                     const char *doc, int main) {
  return add(L->cols, &L->ncols, name, len, axis, doc, main);
}
qb_idx qb_layout_add_derived(qb_layout *L, const char *name, qb_idx len, const char *axis,
                             const char *doc) {
  return add(L->derived, &L->nderived, name, len, axis, doc, 0);
}
qb_idx qb_layout_add_theory(qb_layout *L, const char *name, qb_idx len, const char *axis,
                            const char *doc) {
  return add(L->theory, &L->ntheory, name, len, axis, doc, 0);
}

int qb_layout_add_axis(qb_layout *L, const char *name, qb_idx len, const double *values,
                       const char *doc) {
  if (L->naxes >= QB_MAX_AXES || strlen(name) >= QB_NAME_LEN) return -1;
  qb_axis *a = &L->axes[L->naxes];
  snprintf(a->name, sizeof a->name, "%s", name);
  a->len = len;
  a->values = values;
  a->doc = doc ? doc : "";
  return L->naxes++;
}

static qb_idx total(const qb_column *c, int n) {
  qb_idx s = 0;
  for (int i = 0; i < n; i++) s += c[i].len;
  return s;
}
qb_idx qb_layout_row_len(const qb_layout *L) { return total(L->cols, L->ncols); }
qb_idx qb_layout_derived_len(const qb_layout *L) { return total(L->derived, L->nderived); }
qb_idx qb_layout_theory_len(const qb_layout *L) { return total(L->theory, L->ntheory); }
