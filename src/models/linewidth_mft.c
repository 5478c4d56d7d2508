/* linewidth_mft.c — model `linewidth_mft`: the typical-linewidth mean-field theory of the
 * nearly localized metal (Gopalakrishnan & Nandkishore 2015; qbath/linewidth.h). No
 * randomness: every realization gives the same row, so run it with realizations = 1.
 *
 * The tuning parameter is given as one of Xi (Fock-space localization length),
 * eps = (Xi ln K - 1)/(Xi ln K) (App. E), x = Xi ln K - 1 (Fig. 5's axis) or dXi = Xi - Xi_c
 * (Fig. 7: log-spaced distances from the critical point, where gamma^2 S(0+) = 1; Xi_c is
 * also an output column, NaN where no Xi gives a metal). find = Gamma
 * solves for the linewidth (found = 1, 0: only Gamma = 0, -1: Gamma > gamma) next to the
 * saddle point (C5) and its window (C7); find = gamma_c gives the phase boundary of Fig. 5:
 * the smallest gamma with a non-trivial solution. Energies are in units of delta_m. */
#include <math.h>

#include "qbath/alloc.h"
#include "qbath/linewidth.h"
#include "qbath/model.h"

typedef struct lw_ctx {
  qb_linewidth_params p;
  int find_gamma_c; /* the [model] find index: 1 = gamma_c */
  double gc_lo, gc_hi;
  double Xi_c; /* critical Xi of the other parameters (NaN: none, or find = gamma_c) */
} lw_ctx;

static const qb_key lw_keys[] = {
    {"model", "gamma", QB_KEY_REAL, "0.1", 1e-300, 1, NULL, "delta_m", NULL,
     "inter-dot coupling gamma/delta_m", 1, QB_FIELD(lw_ctx, p.gamma)},
    {"model", "K", QB_KEY_REAL, "3", 1.000001, INFINITY, NULL, "", NULL, "Cayley-tree branching K",
     1, QB_FIELD(lw_ctx, p.K)},
    {"model", "N", QB_KEY_REAL, "10", 1, 1e6, NULL, "", NULL,
     "single-particle levels per dot (n_fast ~ s N; n, p <= N)", 1, QB_FIELD(lw_ctx, p.N)},
    {"model", "nmax", QB_KEY_REAL, "0", 0, 1e4, NULL, "", NULL,
     "upper limit of n and p (0: N, as the paper's App. E)", 1, QB_FIELD(lw_ctx, p.nmax)},
    {"model", "s", QB_KEY_REAL, "0.5", 1e-12, INFINITY, NULL, "", NULL, "entropy density s(T)", 1,
     QB_FIELD(lw_ctx, p.s)},
    {"model", "d", QB_KEY_INT, "1", 1, 3, NULL, "", NULL, "dimension (power of the log in n_fast)",
     1, QB_FIELD(lw_ctx, p.d)},
    {"model", "Xi", QB_KEY_REAL, "0", 0, INFINITY, NULL, "", "eps",
     "Fock-space localization length", 1},
    {"model", "eps", QB_KEY_REAL, "0", -1e6, 0.999999, NULL, "", "x",
     "(Xi ln K - 1)/(Xi ln K), the distance from the single-dot transition (App. E)", 1},
    {"model", "x", QB_KEY_REAL, "0", -1, INFINITY, NULL, "", "Xi", "Xi ln K - 1 (Fig. 5's axis)",
     1},
    {"model", "dXi", QB_KEY_REAL, "0", 0, INFINITY, NULL, "", "Xi",
     "Xi - Xi_c, the distance above the critical Xi_c of the other parameters (Fig. 7)", 1},
    {"model", "method", QB_KEY_ENUM, "sum", 0, 0, "sum|e3|integral", "", NULL,
     "direct double sum (E1), Eq. (E3) as printed, or the integral over n + p", 1,
     QB_FIELD(lw_ctx, p.method)},
    {"model", "find", QB_KEY_ENUM, "Gamma", 0, 0, "Gamma|gamma_c", "", NULL,
     "solve for the linewidth, or for the critical coupling (phase boundary)", 0,
     QB_FIELD(lw_ctx, find_gamma_c)},
    {"model", "quad_per_unit", QB_KEY_INT, "64", 1, 1e6, NULL, "", NULL,
     "integral method: Simpson panels per unit of n + p", 0, QB_FIELD(lw_ctx, p.quad_per_unit)},
    {"model", "lnGamma_min", QB_KEY_REAL, "-700", -745, -1, NULL, "", NULL,
     "lower end of the bracket in ln Gamma (below: no solution)", 0, QB_FIELD(lw_ctx, p.lnG_min)},
    {"model", "gamma_c_min", QB_KEY_REAL, "1e-12", 1e-300, 1, NULL, "", NULL,
     "find = gamma_c: lower end of the bracket", 0, QB_FIELD(lw_ctx, gc_lo)},
    {"model", "gamma_c_max", QB_KEY_REAL, "0.99", 1e-300, 1, NULL, "", NULL,
     "find = gamma_c: upper end of the bracket", 0, QB_FIELD(lw_ctx, gc_hi)},
    QB_KEY_END};
static const qb_key *const lw_tables[] = {lw_keys, NULL};

static qb_status lw_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  int n_set = qb_param_is_set(p, "model", "Xi") + qb_param_is_set(p, "model", "eps") +
              qb_param_is_set(p, "model", "x") + qb_param_is_set(p, "model", "dXi");
  if (n_set != 1)
    return qb_param_fail(p, err, "model", "Xi", "set exactly one of Xi, eps, x, dXi (got %d)",
                         n_set);
  lw_ctx c = {0};
  qb_param_fill(p, lw_keys, &c);
  double nmax = c.p.nmax == 0 ? c.p.N : c.p.nmax;
  double per_eval = 2 * nmax * (c.p.method == QB_LW_INTEGRAL ? 2.0 * c.p.quad_per_unit : 1.0);
  e->bytes = 1024;
  e->ctx_bytes = sizeof(lw_ctx);
  e->row_values = 9; /* the scalars of lw_create's layout */
  e->flops = 200 * 100 * per_eval; /* ~100 bisection steps each for Gamma and Xi_c,
                                      ~100 flops per summand */
  return QB_OK;
}

static qb_status lw_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  qb_estimate est;
  QB_TRY(lw_estimate(p, &est, err));
  lw_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "linewidth_mft: context");
  c->p = qb_linewidth_defaults();
  qb_param_fill(p, lw_keys, c);
  if (qb_param_is_set(p, "model", "Xi")) c->p.Xi = qb_param_real(p, "model", "Xi");
  if (qb_param_is_set(p, "model", "eps"))
    c->p.Xi = qb_linewidth_xi(qb_param_real(p, "model", "eps"), c->p.K);
  if (qb_param_is_set(p, "model", "x"))
    c->p.Xi = (1 + qb_param_real(p, "model", "x")) / log(c->p.K);
  c->Xi_c = NAN;
  if (!c->find_gamma_c || qb_param_is_set(p, "model", "dXi")) {
    qb_linewidth_params q = c->p;
    if (!(q.Xi > 0)) q.Xi = 1 / log(q.K); /* dXi: start the bracket at eps = 0 */
    qb_err tmp;
    if (qb_linewidth_critical_xi_auto(&q, &c->Xi_c, &tmp) != QB_OK) c->Xi_c = NAN;
  }
  if (qb_param_is_set(p, "model", "dXi")) {
    if (!isfinite(c->Xi_c)) {
      qb_free(c);
      return qb_param_fail(p, err, "model", "dXi", "needs a critical Xi_c, but gamma^2 S(0+) "
                           "stays on one side of 1 at every Xi for these parameters");
    }
    c->p.Xi = c->Xi_c + qb_param_real(p, "model", "dXi");
  }
  if (!(c->p.Xi > 0)) {
    qb_free(c);
    return qb_param_fail(p, err, "model", "x", "gives Xi = %g: must be positive", c->p.Xi);
  }
  qb_layout_add(L, "Gamma", 1, NULL, "non-trivial linewidth (0 if none)", 1);
  qb_layout_add(L, "lnGamma", 1, NULL, "ln Gamma (-inf if none)", 0);
  qb_layout_add(L, "found", 1, NULL, "1 non-trivial, 0 only Gamma = 0, -1 Gamma > gamma e^{-1/2}",
                1);
  qb_layout_add(L, "Gamma_C5", 1, NULL, "saddle point (C5)", 0);
  qb_layout_add(L, "C7_valid", 1, NULL, "1 inside the saddle point's window (C7)", 0);
  qb_layout_add(L, "Xi", 1, NULL, "Fock-space localization length", 0);
  qb_layout_add(L, "eps", 1, NULL, "(Xi ln K - 1)/(Xi ln K)", 0);
  qb_layout_add(
      L, "gamma_c", 1, NULL,
      "find = gamma_c: critical coupling (+inf: above gamma_c_max, 0: below gamma_c_min; else NaN)",
      1);
  qb_layout_add(L, "Xi_c", 1, NULL,
                "critical Xi (gamma^2 S(0+) = 1) of the other parameters; NaN if none, or find = "
                "gamma_c without dXi",
                0);
  *out = c;
  return QB_OK;
}

static void lw_free(void *ctx) { qb_free(ctx); }

static qb_status lw_realize(const void *ctx, const qb_task *task, double *row, qb_err *err) {
  const lw_ctx *c = ctx;
  (void)task;
  qb_linewidth_result r = {0};
  row[7] = NAN;
  if (c->find_gamma_c) {
    /* Outside the bracket the boundary is reported, not failed: gamma_c = +inf when even
     * gamma_c_max gives no solution, 0 when gamma_c_min already has one. */
    qb_linewidth_params q = c->p;
    q.gamma = c->gc_hi;
    double hi = qb_linewidth_rhs(&q, 0);
    q.gamma = c->gc_lo;
    double lo = qb_linewidth_rhs(&q, 0);
    if (hi < 1) row[7] = INFINITY;
    else if (lo > 1) row[7] = 0;
    else QB_TRY(qb_linewidth_critical_gamma(&c->p, c->gc_lo, c->gc_hi, &row[7], err));
    r.lnGamma = -INFINITY;
  } else {
    QB_TRY(qb_linewidth_solve(&c->p, &r, err));
  }
  row[0] = r.Gamma;
  row[1] = r.lnGamma;
  row[2] = r.found;
  row[3] = qb_linewidth_saddle(&c->p);
  row[4] = qb_linewidth_saddle_valid(&c->p);
  row[5] = c->p.Xi;
  row[6] = qb_linewidth_eps(c->p.Xi, c->p.K);
  row[8] = c->Xi_c;
  return QB_OK;
}

const qb_model qb_model_linewidth_mft = {
    .name = "linewidth_mft",
    .doc = "typical-linewidth mean-field theory of the nearly localized metal "
           "(Gopalakrishnan-Nandkishore)",
    .keys = lw_tables,
    QB_MODEL_HOOKS(lw),
};
