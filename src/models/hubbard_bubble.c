/* hubbard_bubble.c — model `hubbard_bubble`: an interacting Hubbard bubble of N sites coupled
 * to M LIOMs of an Anderson insulator on 2D concentric circles, solved at large N by the
 * IPT saddle point (Potirniche et al. 2019 Sec. IV, Fig. 6; qbath/ipt.h).
 *
 * A realization draws the LIOM energies eps_a, uniform in [-W, W], from the Philox stream
 * keyed by (seed, realization) but NOT by the sweep point: every point of a sweep over M
 * sees the same energies, the first M of one sequence (the paper's fixed realization as
 * LIOMs are added). One realization is the paper's computation; more realizations average
 * the spectral functions over LIOM energies (the runner's mean/ and err/).
 *
 * Row: rho(w) of the bubble; with compare_U0 the same at U = 0 and the L1 distance
 * int_{|w|<W} |rho - rho_U0| dw; the spectral function of the nearest LIOM and the mean over
 * all LIOMs; sum rules, iterations and residual. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/ipt.h"
#include "qbath/model.h"
#include "qbath/rng.h"

enum { HB_PURPOSE_EPS = 0x1bb1e };

typedef struct hb_ctx {
  qb_ipt_params ip;    /* solver parameters (nthreads set per task) */
  qb_idx M, n;         /* LIOMs, grid points */
  double W, xi, n_L, V, wmax;
  int compare;         /* solve U = 0 as well */
  double *omega;       /* n: the grid (axis) */
  double *V2;          /* M couplings V_a^2 */
  qb_idx off_rho, off_rho0, off_l1, off_near, off_mean, off_sum, off_sum0, off_it, off_res;
} hb_ctx;

static const qb_key hb_keys[] = {
    {"model", "N", QB_KEY_REAL, "30", 1, 1e12, NULL, "", NULL, "bubble sites (enters as sqrt N)", 1,
     QB_FIELD(hb_ctx, ip.N)},
    {"model", "M", QB_KEY_INT, NULL, 0, 1e7, NULL, "", NULL, "LIOMs coupled to the bubble", 1,
     QB_FIELD(hb_ctx, M)},
    {"model", "t", QB_KEY_REAL, "1", 1e-12, INFINITY, NULL, "", NULL,
     "bubble hopping (semicircle half-width 2t)", 1, QB_FIELD(hb_ctx, ip.t)},
    {"model", "U", QB_KEY_REAL, "2", 0, INFINITY, NULL, "t", NULL, "Hubbard interaction", 1,
     QB_FIELD(hb_ctx, ip.U)},
    {"model", "W", QB_KEY_REAL, "2", 0, INFINITY, NULL, "t", NULL,
     "LIOM energies uniform in [-W, W]", 1, QB_FIELD(hb_ctx, W)},
    {"model", "xi", QB_KEY_REAL, "10", 1e-12, INFINITY, NULL, "", NULL, "localization length", 1,
     QB_FIELD(hb_ctx, xi)},
    {"model", "n_L", QB_KEY_REAL, "1", 1e-12, INFINITY, NULL, "", NULL, "areal LIOM density", 1,
     QB_FIELD(hb_ctx, n_L)},
    {"model", "T", QB_KEY_REAL, "2", 0, INFINITY, NULL, "t", NULL, "temperature", 1,
     QB_FIELD(hb_ctx, ip.T)},
    {"model", "V", QB_KEY_REAL, "0.5", 0, INFINITY, NULL, "t", NULL,
     "bubble-LIOM coupling: V_a^2 = (V/xi)^2 exp(-r_a/xi)", 1, QB_FIELD(hb_ctx, V)},
    {"model", "eta", QB_KEY_REAL, "0.02", 0, INFINITY, NULL, "t", NULL,
     "LIOM pole broadening (the i0 of Eq. (14)); keep >= 2 grid steps", 1,
     QB_FIELD(hb_ctx, ip.eta)},
    {"model", "omega_max", QB_KEY_REAL, "12", 1e-6, INFINITY, NULL, "t", NULL,
     "frequency grid [-omega_max, omega_max]; must hold the interaction tails (sum rule)", 1,
     QB_FIELD(hb_ctx, wmax)},
    {"model", "omega_points", QB_KEY_INT, "2401", 5, 1e8, NULL, "", NULL,
     "frequency grid points (odd); step 2 omega_max/(points - 1)", 1, QB_FIELD(hb_ctx, n)},
    {"model", "mix", QB_KEY_REAL, "0.5", 1e-6, 1, NULL, "", NULL,
     "linear mixing weight of the new iterate", 1, QB_FIELD(hb_ctx, ip.mix)},
    {"model", "tol", QB_KEY_REAL, "1e-9", 1e-300, INFINITY, NULL, "", NULL,
     "convergence: max |G_new - G_old| over the grid", 1, QB_FIELD(hb_ctx, ip.tol)},
    {"model", "max_iter", QB_KEY_INT, "2000", 1, 1e9, NULL, "", NULL, "iterations before failing",
     1, QB_FIELD(hb_ctx, ip.max_iter)},
    {"model", "compare_U0", QB_KEY_BOOL, "true", 0, 1, NULL, "", NULL,
     "also solve U = 0 with the same LIOMs (the paper's comparison)", 1, QB_FIELD(hb_ctx, compare)},
    QB_KEY_END};
static const qb_key *const hb_tables[] = {hb_keys, NULL};

static void hb_layout(hb_ctx *c, qb_layout *L);

static qb_status hb_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  hb_ctx c = {0};
  qb_param_fill(p, hb_keys, &c);
  const double n = (double)c.n, M = (double)c.M, solves = c.compare ? 2 : 1;
  if (c.n % 2 == 0)
    return qb_param_fail(p, err, "model", "omega_points", "must be odd (w = 0 on the grid)");
  e->bytes = 16 * 12 * n + 8 * M;
  e->ctx_bytes = 8 * (n + M);
  e->flops = solves * 60 * n * (20 * M + 200); /* ~60 iterations: LIOM sum + FFTs */
  /* the point's own layout (no axis values: nothing is read or allocated) */
  qb_layout L;
  memset(&L, 0, sizeof L);
  hb_layout(&c, &L);
  e->row_values = (double)qb_layout_row_len(&L);
  return QB_OK;
}

static void hb_layout(hb_ctx *c, qb_layout *L) {
  qb_layout_add_axis(L, "omega", c->n, c->omega, "real frequency w (units of t)");
  c->off_rho = qb_layout_add(L, "rho", c->n, "omega", "bubble spectral function -Im G/pi", 0);
  c->off_rho0 = c->compare ? qb_layout_add(L, "rho_U0", c->n, "omega",
                                           "bubble spectral function at U = 0", 0) : -1;
  c->off_l1 = c->compare ? qb_layout_add(L, "L1_U0", 1, NULL,
                                         "int_{|w|<W} |rho - rho_U0| dw", 1) : -1;
  c->off_near = qb_layout_add(L, "rho_liom_near", c->n, "omega",
                              "spectral function of the nearest LIOM (a = 0)", 0);
  c->off_mean = qb_layout_add(L, "rho_liom_mean", c->n, "omega",
                              "LIOM spectral function averaged over the M LIOMs", 0);
  c->off_sum = qb_layout_add(L, "sum_rule", 1, NULL, "int rho dw (1 when converged in range)", 1);
  c->off_sum0 = c->compare ? qb_layout_add(L, "sum_rule_U0", 1, NULL, "int rho_U0 dw", 0) : -1;
  c->off_it = qb_layout_add(L, "iterations", 1, NULL, "IPT iterations", 1);
  c->off_res = qb_layout_add(L, "residual", 1, NULL, "last max |G_new - G_old|", 0);
}

static void hb_free(void *ctx) {
  hb_ctx *c = ctx;
  if (c == NULL) return;
  qb_free(c->omega);
  qb_free(c->V2);
  qb_free(c);
}

static qb_status hb_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  hb_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "hubbard_bubble: context");
  c->ip = qb_ipt_defaults();
  qb_param_fill(p, hb_keys, c);
  if (c->n % 2 == 0) {
    hb_free(c);
    return qb_param_fail(p, err, "model", "omega_points", "must be odd (w = 0 on the grid)");
  }
  c->omega = qb_malloc(sizeof(double) * (size_t)c->n);
  c->V2 = qb_malloc(sizeof(double) * (size_t)(c->M + 1));
  if (!c->omega || !c->V2) {
    hb_free(c);
    return QB_FAIL(err, QB_ERR_NOMEM, "hubbard_bubble: grid of %lld points, %lld LIOMs",
                   (long long)c->n, (long long)c->M);
  }
  double h = c->wmax / (double)((c->n - 1) / 2);
  for (qb_idx i = 0; i < c->n; i++) c->omega[i] = (double)(i - (c->n - 1) / 2) * h;
  qb_ipt_geometry(c->M, c->n_L, c->xi, c->V, NULL, c->V2);
  hb_layout(c, L);
  *out = c;
  return QB_OK;
}

/* rho_near and rho_mean of the LIOMs for the bubble G (work: n complex). */
static void liom_spectra(const hb_ctx *c, qb_ipt *s, const qb_ipt_params *ip,
                         const double *eps, const qb_cplx *G, qb_cplx *work, double *near,
                         double *mean) {
  memset(mean, 0, sizeof(double) * (size_t)c->n);
  for (qb_idx a = 0; a < c->M; a++) {
    qb_ipt_liom_green(s, ip, eps[a], c->V2[a], G, work);
    for (qb_idx i = 0; i < c->n; i++) {
      double r = -cimag(work[i]) / M_PI;
      mean[i] += r / (double)c->M;
      if (a == 0) near[i] = r;
    }
  }
  if (c->M == 0) memset(near, 0, sizeof(double) * (size_t)c->n);
}

static qb_status hb_realize(const void *ctx, const qb_task *task, double *row, qb_err *err) {
  const hb_ctx *c = ctx;
  qb_ipt *s = NULL;
  qb_status st = qb_ipt_create(c->n, c->wmax, &s, err);
  if (st != QB_OK) return st;
  double *eps = qb_malloc(sizeof(double) * (size_t)(c->M + 1));
  qb_cplx *G = qb_malloc(sizeof(qb_cplx) * (size_t)c->n);
  qb_cplx *work = qb_malloc(sizeof(qb_cplx) * (size_t)c->n);
  if (!eps || !G || !work) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "hubbard_bubble: work arrays");
    goto done;
  }
  qb_rng r;
  qb_rng_init(&r, task->seed, 0, task->realization, HB_PURPOSE_EPS); /* point-independent */
  for (qb_idx a = 0; a < c->M; a++) eps[a] = c->W * (2 * qb_rng_uniform(&r) - 1);
  qb_ipt_params ip = c->ip;
  ip.nthreads = task->nthreads;
  qb_ipt_info info;
  st = qb_ipt_solve(s, &ip, c->M, eps, c->V2, G, 0, &info, err);
  if (st != QB_OK) goto done;
  for (qb_idx i = 0; i < c->n; i++) row[c->off_rho + i] = -cimag(G[i]) / M_PI;
  row[c->off_sum] = info.sum_rule;
  row[c->off_it] = info.iterations;
  row[c->off_res] = info.residual;
  liom_spectra(c, s, &ip, eps, G, work, row + c->off_near, row + c->off_mean);
  if (c->compare) {
    ip.U = 0;
    st = qb_ipt_solve(s, &ip, c->M, eps, c->V2, G, 0, &info, err);
    if (st != QB_OK) goto done;
    double l1 = 0, h = qb_ipt_step(s);
    for (qb_idx i = 0; i < c->n; i++) {
      double r0 = -cimag(G[i]) / M_PI;
      row[c->off_rho0 + i] = r0;
      if (fabs(c->omega[i]) < c->W) l1 += fabs(row[c->off_rho + i] - r0) * h;
    }
    row[c->off_l1] = l1;
    row[c->off_sum0] = info.sum_rule;
  }
done:
  qb_free(eps);
  qb_free(G);
  qb_free(work);
  qb_ipt_free(s);
  if (st != QB_OK) qb_err_prefix(err, "hubbard_bubble (M = %lld): ", (long long)c->M);
  return st;
}

const qb_model qb_model_hubbard_bubble = {
    .name = "hubbard_bubble",
    .doc = "Hubbard bubble + Anderson insulator, large-N saddle point with IPT "
           "(Potirniche Sec. IV)",
    .keys = hb_tables,
    QB_MODEL_HOOKS(hb),
};
