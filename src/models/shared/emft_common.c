/* emft_common.c — the [emft] keys (p_g shape, quadrature, table, mean-field solver) and
 * the table they describe, shared by models emft_chain and emft_lattice. */
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "models/shared/emft_common.h"

const qb_key qb_emft_keys[] = {
    {"emft", "pg", QB_KEY_ENUM, "a3", 0, -1, "a3|levy|a3div", "", NULL,
     "shape of p_{g_a}: a3 = (A3) rescaled to be normalized with the exact tail; levy = "
     "uncorrelated levels; a3div = (A3) divided by its integral (tail lost) "
     "(include/qbath/emft.h)", 1},
    {"emft", "c1", QB_KEY_REAL, "1.3", 0, 100, NULL, "", NULL,
     "(A3) c1 (default: fit to GOE sampling; the paper quotes 5.3)", 1},
    {"emft", "c2", QB_KEY_REAL, "5.7", 0, 100, NULL, "", NULL,
     "(A3) c2 (default: fit to GOE sampling; the paper quotes 11.2)", 1},
    {"emft", "table_step", QB_KEY_REAL, "0.05", 1e-3, 0.5, NULL, "", NULL,
     "step in log g of the eta / [S] / C^zz spline table", 0},
    {"emft", "table_lmin", QB_KEY_REAL, "-25", -200, -5, NULL, "", NULL,
     "lowest log g tabulated (below: eta = g (8 log(1/g) + b))", 0},
    {"emft", "table_lmax", QB_KEY_REAL, "12", 3, 30, NULL, "", NULL,
     "highest log g tabulated (above: eta = log 2 - c g^-4)", 0},
    {"emft", "panel", QB_KEY_REAL, "0.5", 0.05, 2, NULL, "", NULL,
     "Gauss-Legendre panel width in log g for eta, [S], C^zz", 0},
    {"emft", "method", QB_KEY_ENUM, "reduced", 0, -1, "reduced|jacobi", "", NULL,
     "mean-field iteration: reduced (1D fixed point in sum eta) or jacobi (Eq. (13))", 1},
    {"emft", "damping", QB_KEY_REAL, "1", 1e-3, 1, NULL, "", NULL, "jacobi damping", 1},
    {"emft", "tol", QB_KEY_REAL, "1e-12", 1e-16, 1e-2, NULL, "", NULL,
     "mean-field tolerance (on sum eta, relative to max(1, sum eta))", 1},
    {"emft", "max_iter", QB_KEY_INT, "1000000", 1, 1e9, NULL, "", NULL, "mean-field iteration cap", 0},
    {"emft", "aval_frac", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "avalanche: every orbital has eta >= aval_frac log 2", 1},
    {"emft", "therm_frac", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "an orbital counts as thermalized when [S_n] >= therm_frac log 2", 1},
    QB_KEY_END};

/* The keys a table is built from, and the last table built (owned here while no point
 * uses it; `users` points hold it). */
typedef struct table_key {
  int kind;
  double c1, c2, lmin, lmax, step, panel;
} table_key;

static struct {
  table_key key;
  qb_emft_table *t;
  int users;
} cached;

static qb_status table_for(const table_key *k, qb_emft_table **table, qb_err *err) {
  if (cached.t && memcmp(&cached.key, k, sizeof *k) == 0) {
    cached.users++;
    *table = cached.t;
    return QB_OK;
  }
  static const qb_emft_pg_kind kinds[] = {QB_EMFT_PG_A3, QB_EMFT_PG_LEVY, QB_EMFT_PG_A3_DIV};
  qb_emft_pg pg;
  QB_TRY(qb_emft_pg_init(&pg, kinds[k->kind], k->c1, k->c2, err));
  qb_emft_quad q = qb_emft_quad_default();
  q.panel = k->panel;
  int nth = 1;
#ifdef _OPENMP
  nth = omp_get_max_threads(); /* the table is identical on any thread count */
#endif
  *table = qb_emft_table_create(&pg, k->lmin, k->lmax, k->step, &q, nth, err);
  if (!*table) return err ? err->code : QB_ERR_NUMERIC;
  if (cached.users == 0) { /* replace the idle cached table (else leave this one uncached) */
    qb_emft_table_free(cached.t);
    cached.key = *k;
    cached.t = *table;
    cached.users = 1;
  }
  return QB_OK;
}

void qb_emft_common_release(qb_emft_table *table) {
  if (table && table == cached.t) cached.users--; /* kept for the next point */
  else qb_emft_table_free(table);
}

qb_status qb_emft_common_setup(const qb_params *p, qb_emft_table **table, qb_emft_mf_opts *o,
                        qb_err *err) {
  table_key k;
  memset(&k, 0, sizeof k); /* padding too: keys are compared with memcmp */
  k.kind = qb_param_enum(p, "emft", "pg");
  k.c1 = qb_param_real(p, "emft", "c1");
  k.c2 = qb_param_real(p, "emft", "c2");
  k.lmin = qb_param_real(p, "emft", "table_lmin");
  k.lmax = qb_param_real(p, "emft", "table_lmax");
  k.step = qb_param_real(p, "emft", "table_step");
  k.panel = qb_param_real(p, "emft", "panel");
  QB_TRY(table_for(&k, table, err));
  *o = qb_emft_mf_opts_default();
  o->method = qb_param_enum(p, "emft", "method") == 0 ? QB_EMFT_MF_REDUCED : QB_EMFT_MF_JACOBI;
  o->damping = qb_param_real(p, "emft", "damping");
  o->tol = qb_param_real(p, "emft", "tol");
  o->max_iter = (long)qb_param_int(p, "emft", "max_iter");
  o->aval_frac = qb_param_real(p, "emft", "aval_frac");
  o->therm_frac = qb_param_real(p, "emft", "therm_frac");
  return QB_OK;
}
