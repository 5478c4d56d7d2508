/* emft_chain.c — model `emft_chain`: entanglement mean-field theory of a grain coupled to
 * N l-bits with bare reduced couplings g_{n,0} = g10 alpha^{n-1} (the DRH model, Eqs.
 * (12)-(13)) or all equal to g10 (the symmetric model, Crowley & Chandran 2022 Eq. (21)).
 * Deterministic: each
 * realization gives the same row (run with realizations = 1); sweep alpha / delta_alpha
 * / N / g10 for Figs. 2, 3 and Crowley & Chandran 2022 Eq. (22).
 *
 * Row: eta_tot (Crowley & Chandran 2022 Eq. (14)), n_star (l-bits with [S_n] >= therm_frac log 2),
 * avalanched,
 * S_end = [S_N], Czz_end, iterations; the profiles S_n = [S_n] and log_g_n on axis n;
 * pS_end, the distribution p(S_end) (A12) on `bins` bins of [0, log 2] (probabilities
 * divided by the bin width). Theory: for the symmetric profile, the critical bare
 * coupling g0_c of Crowley & Chandran 2022 Eq. (21)-(22) and the coupling g* there (constant
 * columns). */
#include <math.h>
#include <string.h>

#include "models/shared/emft_common.h"
#include "qbath/alloc.h"

typedef struct ch_ctx {
  qb_idx n, bins;
  int symmetric;
  double g10, alpha;
  const qb_emft_table *t; /* the campaign's table (borrowed), or own_t */
  qb_emft_table *own_t;   /* the table when no campaign state holds it (owned) */
  qb_emft_mf_opts o;
  double *axis_n, *axis_S; /* n = 1..N, bin centres */
} ch_ctx;

static const qb_key ch_keys[] = {
    {"model", "N", QB_KEY_INT, NULL, 1, 1e7, NULL, "", NULL, "number of l-bits", 1,
     QB_FIELD(ch_ctx, n)},
    {"model", "profile", QB_KEY_ENUM, "exponential", 0, -1, "exponential|symmetric", "", NULL,
     "g_{n,0} = g10 alpha^{n-1} (DRH, Eq. (12)) or g10 for every n (Eq. (21))", 1,
     QB_FIELD(ch_ctx, symmetric)},
    {"model", "g10", QB_KEY_REAL, "0.5", 0, INFINITY, NULL, "", NULL,
     "bare reduced coupling of the first l-bit", 1, QB_FIELD(ch_ctx, g10)},
    {"model", "alpha", QB_KEY_REAL, "0.6", 0, 1, NULL, "", "delta_alpha",
     "coupling decay ratio alpha", 1, QB_FIELD(ch_ctx, alpha)},
    {"model", "delta_alpha", QB_KEY_REAL, "0", -0.7071, 0.2928, NULL, "", "alpha",
     "alpha - 1/sqrt(2) (alternative to alpha)", 1},
    {"model", "bins", QB_KEY_INT, "40", 1, 10000, NULL, "", NULL, "bins of p(S_end) on [0, log 2]",
     1, QB_FIELD(ch_ctx, bins)},
    QB_KEY_END};
static const qb_key *const ch_tables[] = {ch_keys, qb_emft_keys, NULL};

static qb_status ch_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  (void)err;
  ch_ctx c = {0};
  qb_param_fill(p, ch_keys, &c);
  double n = (double)c.n;
  e->bytes = 8 * 3 * n;
  e->ctx_bytes = 8 * (n + 2000);
  /* ~300 flops per spin per sweep (a safeguarded Newton solve on the spline table) and up
   * to ~1e3 sweeps near alpha_c: N = 1e5 then runs with all threads inside one solve */
  e->flops = 3e5 * n;
  /* the row of ch_create: six scalars, S_n and log_g_n (N each), pS_end (bins) */
  e->row_values = 6 + 2 * n + (double)c.bins;
  return QB_OK;
}

static void ch_free(void *ctx) {
  ch_ctx *c = ctx;
  if (!c) return;
  qb_emft_table_free(c->own_t);
  qb_free(c->axis_n);
  qb_free(c->axis_S);
  qb_free(c);
}

static qb_status ch_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  ch_ctx *c = qb_calloc(1, sizeof *c);
  if (!c) return QB_FAIL(err, QB_ERR_NOMEM, "emft_chain: out of memory");
  qb_param_fill(p, ch_keys, c);
  if (qb_param_is_set(p, "model", "delta_alpha"))
    c->alpha = M_SQRT1_2 + qb_param_real(p, "model", "delta_alpha");
  qb_status st = QB_OK;
  if (!(c->g10 > 0)) st = qb_param_fail(p, err, "model", "g10", "must be positive");
  if (st == QB_OK && !c->symmetric && !(c->alpha > 0))
    st = qb_param_fail(p, err, "model", "alpha", "alpha = %g must be positive", c->alpha);
  if (st == QB_OK) st = qb_emft_common_setup(p, &c->t, &c->own_t, &c->o, err);
  if (st == QB_OK) {
    c->axis_n = qb_malloc(sizeof(double) * (size_t)c->n);
    c->axis_S = qb_malloc(sizeof(double) * (size_t)c->bins);
    if (!c->axis_n || !c->axis_S)
      st = QB_FAIL(err, QB_ERR_NOMEM, "emft_chain: out of memory (N = %lld)", (long long)c->n);
  }
  if (st != QB_OK) {
    ch_free(c);
    return st;
  }
  for (qb_idx k = 0; k < c->n; k++) c->axis_n[k] = (double)(k + 1);
  for (qb_idx k = 0; k < c->bins; k++) c->axis_S[k] = M_LN2 * ((double)k + 0.5) / (double)c->bins;
  qb_layout_add_axis(L, "n", c->n, c->axis_n, "l-bit index n = 1..N (g_{n,0} = g10 alpha^{n-1})");
  qb_layout_add_axis(L, "S", c->bins, c->axis_S, "bin centres of p(S_end) on [0, log 2]");
  qb_layout_add(L, "eta_tot", 1, NULL, "total entropic enhancement sum_n eta(g_n) (Eq. (14))", 1);
  qb_layout_add(L, "n_star", 1, NULL, "l-bits with [S_n] >= therm_frac log 2", 1);
  qb_layout_add(L, "avalanched", 1, NULL, "1: every l-bit has eta >= aval_frac log 2", 1);
  qb_layout_add(L, "S_end", 1, NULL, "[S_N] (A13) of the last l-bit", 1);
  qb_layout_add(L, "Czz_end", 1, NULL, "infinite-time C^zz (A14) of the last l-bit", 0);
  qb_layout_add(L, "iterations", 1, NULL, "mean-field iterations", 0);
  qb_layout_add(L, "S_n", c->n, "n", "[S_n] (A13) profile", 0);
  qb_layout_add(L, "log_g_n", c->n, "n",
                "log g_n, the self-consistent reduced couplings (Eq. (11))", 0);
  qb_layout_add(L, "pS_end", c->bins, "S", "p(S_end) (A12), density on the bins", 0);
  if (c->symmetric) {
    qb_layout_add_theory(L, "g0_c", 1, NULL, "critical bare coupling of Eq. (21) (saddle-node)");
    qb_layout_add_theory(L, "g_star", 1, NULL,
                         "enhanced coupling at g0_c; ~ (4 N log N)^-1, Eq. (22)");
  }
  *out = c;
  return QB_OK;
}

static qb_status ch_realize(const void *ctx, const qb_task *task, double *row, qb_err *err) {
  const ch_ctx *c = ctx;
  qb_emft_mf_opts o = c->o; /* the ctx is shared by concurrent realizations */
  o.nthreads = task->nthreads;
  qb_idx n = c->n;
  double *l0 = qb_malloc(sizeof(double) * 2 * (size_t)n);
  if (!l0) return QB_FAIL(err, QB_ERR_NOMEM, "emft_chain: out of memory (N = %lld)", (long long)n);
  double *l = l0 + n;
  for (qb_idx k = 0; k < n; k++)
    l0[k] = log(c->g10) + (c->symmetric ? 0 : (double)k * log(c->alpha));
  qb_emft_mf_result r;
  qb_status st = qb_emft_mf_solve(c->t, n, l0, l, &o, &r, err);
  if (st == QB_OK) {
    double *S = row + 6, *lg = S + n, *pS = lg + n;
    row[0] = r.eta_tot;
    row[1] = (double)r.n_therm;
    row[2] = r.avalanched;
    row[3] = qb_emft_table_S(c->t, l[n - 1]);
    row[4] = qb_emft_table_czz(c->t, l[n - 1]);
    row[5] = (double)r.iterations;
    for (qb_idx k = 0; k < n; k++) {
      S[k] = qb_emft_table_S(c->t, l[k]);
      lg[k] = l[k];
    }
    st = qb_emft_pS_bins(qb_emft_table_pg(c->t), exp(l[n - 1]), c->bins, pS, err);
    for (qb_idx k = 0; k < c->bins; k++) pS[k] *= (double)c->bins / M_LN2;
  }
  qb_free(l0);
  return st;
}

static qb_status ch_theory(const void *ctx, double *out, qb_err *err) {
  const ch_ctx *c = ctx;
  if (!c->symmetric) return QB_OK; /* no theory columns declared */
  if (c->n < 2) {
    out[0] = out[1] = NAN;
    return QB_OK;
  }
  qb_status st = qb_emft_symmetric_gc(c->t, c->n, &out[0], &out[1], err);
  if (st != QB_OK) out[0] = out[1] = NAN; /* small N: no saddle-node, never avalanches */
  qb_err_clear(err);
  return QB_OK;
}

const qb_model qb_model_emft_chain = {
    .name = "emft_chain",
    .doc = "entanglement mean-field theory, grain + N l-bits with exponential (DRH) or equal "
           "couplings",
    .keys = ch_tables,
    QB_MODEL_HOOKS(ch),
    .theory = ch_theory,
    .state_create = qb_emft_common_state_create,
    .state_free = qb_emft_common_state_free,
};
