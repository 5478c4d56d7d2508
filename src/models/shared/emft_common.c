/* emft_common.c — the [emft] keys (p_g shape, quadrature, table, mean-field solver) and
 * the table they describe, shared by models emft_chain and emft_lattice. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "models/shared/emft_common.h"

#include "qbath/alloc.h"

/* The keys a table is built from (compared with memcmp: padding zeroed). */
typedef struct table_key {
  int kind;
  double c1, c2, lmin, lmax, step, panel;
} table_key;

/* What the [emft] rows are bound to: the table's keys and the mean-field options. */
typedef struct emft_rows {
  table_key k;
  qb_emft_mf_opts o;
} emft_rows;

const qb_key qb_emft_keys[] = {
    {"emft", "pg", QB_KEY_ENUM, "a3", 0, -1, "a3|levy|a3div", "", NULL,
     "shape of p_{g_a}: a3 = (A3) rescaled to be normalized with the exact tail; levy = "
     "uncorrelated levels; a3div = (A3) divided by its integral (tail lost) "
     "(include/qbath/emft.h)",
     1, QB_FIELD(emft_rows, k.kind)},
    {"emft", "c1", QB_KEY_REAL, "1.3", 0, 100, NULL, "", NULL,
     "(A3) c1 (default: fit to GOE sampling; the paper quotes 5.3)", 1, QB_FIELD(emft_rows, k.c1)},
    {"emft", "c2", QB_KEY_REAL, "5.7", 0, 100, NULL, "", NULL,
     "(A3) c2 (default: fit to GOE sampling; the paper quotes 11.2)", 1, QB_FIELD(emft_rows, k.c2)},
    {"emft", "table_step", QB_KEY_REAL, "0.05", 1e-3, 0.5, NULL, "", NULL,
     "step in log g of the eta / [S] / C^zz spline table", 0, QB_FIELD(emft_rows, k.step)},
    {"emft", "table_lmin", QB_KEY_REAL, "-25", -200, -5, NULL, "", NULL,
     "lowest log g tabulated (below: eta = g (8 log(1/g) + b))", 0, QB_FIELD(emft_rows, k.lmin)},
    {"emft", "table_lmax", QB_KEY_REAL, "12", 3, 30, NULL, "", NULL,
     "highest log g tabulated (above: eta = log 2 - c g^-4)", 0, QB_FIELD(emft_rows, k.lmax)},
    {"emft", "panel", QB_KEY_REAL, "0.5", 0.05, 2, NULL, "", NULL,
     "Gauss-Legendre panel width in log g for eta, [S], C^zz", 0, QB_FIELD(emft_rows, k.panel)},
    {"emft", "method", QB_KEY_ENUM, "reduced", 0, -1, "reduced|jacobi", "", NULL,
     "mean-field iteration: reduced (1D fixed point in sum eta) or jacobi (Eq. (13))", 1,
     QB_FIELD(emft_rows, o.method)},
    {"emft", "damping", QB_KEY_REAL, "1", 1e-3, 1, NULL, "", NULL, "jacobi damping", 1,
     QB_FIELD(emft_rows, o.damping)},
    {"emft", "tol", QB_KEY_REAL, "1e-12", 1e-16, 1e-2, NULL, "", NULL,
     "mean-field tolerance (on sum eta, relative to max(1, sum eta))", 1,
     QB_FIELD(emft_rows, o.tol)},
    {"emft", "max_iter", QB_KEY_INT, "1000000", 1, 1e9, NULL, "", NULL, "mean-field iteration cap",
     0, QB_FIELD(emft_rows, o.max_iter)},
    {"emft", "aval_frac", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "avalanche: every orbital has eta >= aval_frac log 2", 1, QB_FIELD(emft_rows, o.aval_frac)},
    {"emft", "therm_frac", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "an orbital counts as thermalized when [S_n] >= therm_frac log 2", 1,
     QB_FIELD(emft_rows, o.therm_frac)},
    QB_KEY_END};

/* One table per distinct key set, kept until the campaign ends: a campaign sweeping W, R
 * or g0 builds its table once (a table is a few thousand doubles). */
typedef struct table_entry {
  table_key key;
  qb_emft_table *t;
  struct table_entry *next;
} table_entry;

struct qb_emft_common_state {
  table_entry *head;
#ifdef _OPENMP
  omp_lock_t lock; /* points may be created from several threads (the Python API) */
#endif
};

qb_status qb_emft_common_state_create(void **out, qb_err *err) {
  qb_emft_common_state *s = qb_calloc(1, sizeof *s);
  if (!s) return QB_FAIL(err, QB_ERR_NOMEM, "[emft] table cache");
#ifdef _OPENMP
  omp_init_lock(&s->lock);
#endif
  *out = s;
  return QB_OK;
}

void qb_emft_common_state_free(void *state) {
  qb_emft_common_state *s = state;
  if (!s) return;
  for (table_entry *e = s->head, *next; e; e = next) {
    next = e->next;
    qb_emft_table_free(e->t);
    qb_free(e);
  }
#ifdef _OPENMP
  omp_destroy_lock(&s->lock);
#endif
  qb_free(s);
}

static qb_emft_table *table_build(const table_key *k, qb_err *err) {
  static const qb_emft_pg_kind kinds[] = {QB_EMFT_PG_A3, QB_EMFT_PG_LEVY, QB_EMFT_PG_A3_DIV};
  qb_emft_pg pg;
  if (qb_emft_pg_init(&pg, kinds[k->kind], k->c1, k->c2, err) != QB_OK) return NULL;
  qb_emft_quad q = qb_emft_quad_defaults();
  q.panel = k->panel;
  int nth = 1;
#ifdef _OPENMP
  nth = omp_get_max_threads(); /* the table is identical on any thread count */
#endif
  return qb_emft_table_create(&pg, k->lmin, k->lmax, k->step, &q, nth, err);
}

/* The state's table of key k, built on first request; under the state's lock. */
static const qb_emft_table *table_cached(qb_emft_common_state *s, const table_key *k,
                                         qb_err *err) {
  const qb_emft_table *t = NULL;
#ifdef _OPENMP
  omp_set_lock(&s->lock);
#endif
  for (const table_entry *e = s->head; e && !t; e = e->next)
    if (memcmp(&e->key, k, sizeof *k) == 0) t = e->t;
  table_entry *e = t ? NULL : qb_calloc(1, sizeof *e);
  if (!t && !e) QB_FAIL(err, QB_ERR_NOMEM, "[emft] table cache entry");
  if (e && (e->t = table_build(k, err)) != NULL) {
    e->key = *k;
    e->next = s->head;
    s->head = e;
    t = e->t;
  } else if (e) {
    qb_free(e);
  }
#ifdef _OPENMP
  omp_unset_lock(&s->lock);
#endif
  return t;
}

qb_status qb_emft_common_setup(const qb_params *p, const qb_emft_table **table,
                               qb_emft_table **own, qb_emft_mf_opts *o, qb_err *err) {
  emft_rows r;
  memset(&r, 0, sizeof r); /* padding too: table keys are compared with memcmp */
  r.o = qb_emft_mf_defaults();
  qb_param_fill(p, qb_emft_keys, &r);
  *own = NULL;
  if (p->model_state) *table = table_cached(p->model_state, &r.k, err);
  else *table = *own = table_build(&r.k, err); /* no campaign around: the point's own */
  if (!*table) return err ? err->code : QB_ERR_NUMERIC;
  *o = r.o;
  return QB_OK;
}
