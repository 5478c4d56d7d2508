/* api_campaign.c — input keys, validation and result layouts of the flat C API
 * (qbath/api.h): what the Python package needs to discover keys, validate a campaign
 * with the CLI's messages, and read a running campaign's journal. */
#include <string.h>

#include "api/api_internal.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/model.h"

/* ---- keys ------------------------------------------------------------------------------ */

static qb_status find_model(const char *model, const qb_model **m, qb_err *err) {
  *m = NULL;
  if (model == NULL || !*model) return QB_OK;
  *m = qb_campaign_model_find(NULL, model);
  if (*m) return QB_OK;
  char names[1024] = "";
  size_t n = 0;
  for (const qb_model *const *r = qb_campaign_registry(); *r && n < sizeof names; r++)
    n += (size_t)snprintf(names + n, sizeof names - n, " %s", (*r)->name);
  return QB_FAIL(err, QB_ERR_INPUT, "unknown model '%s'; models:%s", model, names);
}

/* Key i of the runner's table followed by the model's tables; NULL past the end. */
static const qb_key *key_at(const qb_model *m, int i) {
  for (const qb_key *k = qb_campaign_keys; k->name; k++)
    if (i-- == 0) return k;
  for (const qb_key *const *t = m ? m->keys : NULL; t && *t; t++)
    for (const qb_key *k = *t; k->name; k++)
      if (i-- == 0) return k;
  return NULL;
}

int qb_api_key_count(const char *model, qb_err *err) {
  const qb_model *m;
  if (find_model(model, &m, err) != QB_OK) return -1;
  int n = 0;
  while (key_at(m, n)) n++;
  return n;
}

qb_status qb_api_key_get(const char *model, int i, qb_api_key *out, qb_err *err) {
  const qb_model *m;
  QB_TRY(find_model(model, &m, err));
  const qb_key *k = i >= 0 ? key_at(m, i) : NULL;
  if (k == NULL) return QB_FAIL(err, QB_ERR_INPUT, "key index %d out of range", i);
  *out = (qb_api_key){.section = k->section, .name = k->name, .type = qb_param_type_name(k->type),
                      .def = k->def, .min = k->min, .max = k->max, .choices = k->choices,
                      .unit = k->unit ? k->unit : "", .doc = k->doc, .sweepable = k->sweepable};
  return QB_OK;
}

const char *const *qb_api_models(void) {
  /* Built once from the registry; the registry is fixed at compile time. */
  static const char *names[64];
  if (names[0] == NULL) {
    int n = 0;
    for (const qb_model *const *r = qb_campaign_registry(); *r && n < 63; r++)
      names[n++] = (*r)->name;
  }
  return names;
}

/* ---- campaigns ---------------------------------------------------------------------------- */

qb_status qb_api_campaign_load(const char *path, int nsets, const char *const *sets,
                               qb_campaign **out, qb_err *err) {
  return qb_campaign_load(path, nsets, (char *const *)sets, out, err);
}

qb_campaign *qb_api_campaign_free(qb_campaign *c) { return qb_campaign_free(c); }
qb_idx qb_api_campaign_npoints(const qb_campaign *c) { return qb_campaign_npoints(c); }
qb_idx qb_api_campaign_realizations(const qb_campaign *c) { return qb_campaign_realizations(c); }
const char *qb_api_campaign_model(const qb_campaign *c) { return qb_campaign_model(c)->name; }
const char *qb_api_campaign_output(const qb_campaign *c) { return qb_campaign_output(c); }
const char *qb_api_campaign_label(const qb_campaign *c, qb_idx p, char *buf, size_t n) {
  return qb_campaign_point_label(c, p, buf, n);
}

/* ---- one point's layout --------------------------------------------------------------------- */

struct qb_api_point {
  const qb_model *m;
  void *ctx;         /* the model's point context (owns the axes' values) */
  qb_layout L;
};

qb_status qb_api_point_open(const qb_campaign *c, qb_idx p, qb_api_point **out, qb_err *err) {
  *out = NULL;
  if (p < 0 || p >= qb_campaign_npoints(c))
    return QB_FAIL(err, QB_ERR_INPUT, "point %lld outside 0..%lld", (long long)p,
                   (long long)qb_campaign_npoints(c) - 1);
  qb_api_point *pt = qb_calloc(1, sizeof *pt);
  if (pt == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  pt->m = qb_campaign_model(c);
  qb_status st = pt->m->point_create(qb_campaign_point(c, p), &pt->ctx, &pt->L, err);
  if (st != QB_OK) {
    qb_free(pt);
    return st;
  }
  *out = pt;
  return QB_OK;
}

qb_api_point *qb_api_point_close(qb_api_point *pt) {
  if (pt == NULL) return NULL;
  if (pt->ctx) pt->m->point_free(pt->ctx);
  return qb_free(pt);
}

static const qb_column *cols_of(const qb_api_point *pt, int kind, int *n) {
  *n = kind == 0 ? pt->L.ncols : kind == 1 ? pt->L.nderived : kind == 2 ? pt->L.ntheory : 0;
  return kind == 0 ? pt->L.cols : kind == 1 ? pt->L.derived : pt->L.theory;
}

int qb_api_point_ncols(const qb_api_point *pt, int kind) {
  int n;
  cols_of(pt, kind, &n);
  return n;
}

qb_status qb_api_point_col(const qb_api_point *pt, int kind, int i, const char **name,
                           qb_idx *len, const char **axis, qb_err *err) {
  int n;
  const qb_column *c = cols_of(pt, kind, &n);
  if (i < 0 || i >= n)
    return QB_FAIL(err, QB_ERR_INPUT, "column %d of kind %d out of range", i, kind);
  *name = c[i].name, *len = c[i].len, *axis = c[i].axis;
  return QB_OK;
}

int qb_api_point_naxes(const qb_api_point *pt) { return pt->L.naxes; }

qb_status qb_api_point_axis(const qb_api_point *pt, int i, const char **name, qb_idx *len,
                            const double **values, qb_err *err) {
  if (i < 0 || i >= pt->L.naxes) return QB_FAIL(err, QB_ERR_INPUT, "axis %d out of range", i);
  *name = pt->L.axes[i].name, *len = pt->L.axes[i].len, *values = pt->L.axes[i].values;
  return QB_OK;
}

qb_status qb_api_point_theory(const qb_api_point *pt, double *out, qb_err *err) {
  if (pt->L.ntheory == 0) return QB_OK;
  if (pt->m->theory == NULL) return QB_FAIL(err, QB_ERR_UNSUPPORTED, "model has no theory");
  return pt->m->theory(pt->ctx, out, err);
}
