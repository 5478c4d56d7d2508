/* two_dot.c — model `two_dot`: the supplement's two chaotic dots of "Emergence of Fermi's
 * Golden Rule" (Micklitz et al. 2022, supplement Eqs. (7)-(11); conventions and the
 * representation in qbath/two_dot.h). The initial state is the dot-1 level nearest the
 * band centre; the observable is P_res(t) of Micklitz et al. 2022 Eq. (9), the probability to be in
 * dot 1.
 *
 * Per realization (one row): P_res(tau) on the linear and log grids ([evolve] keys, as
 * level_dot), from eigenpairs of a dense ED ("eig") and/or by propagation ("prop", [evolve]
 * method chebyshev|krylov); eig also gives the infinite-time average over eigenpairs
 * (P_res_ipr) and the mean over the late window (P_res_late).
 * Theory on the data's axes, at gamma = g N2 / N1 (Micklitz et al. 2022 supplement Eq. (18)): P_res
 * from
 * Micklitz et al. 2022 Eq. (4) and Eq. (21) (the supplement's long-time limit, derived for one
 * resolved dot-1
 * level, t >> 2 pi nu_1), 1/gamma, the ergodic N1/(N1 + N2), the golden-rule decay
 * e^{-4 gamma tau} and its rate 2 pi nu_2 <|W|^2> = 2 g lambda / N1, Micklitz et al. 2022 Eq. (5)
 * (GUE) and the
 * large-gamma form (Micklitz et al. 2022 supplement Eq. (22)). */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/csr.h"
#include "qbath/dense.h"
#include "qbath/model.h"
#include "qbath/fgr.h"
#include "qbath/two_dot.h"

#include "models/shared/fgr_times.h"

static const qb_ensemble ens_code[] = {QB_GUE, QB_GOE, QB_GSE, QB_POISSON};

typedef struct td_ctx {
  qb_two_dot m;
  int ens_index; /* [model] ensemble: index into ens_code */
  double gamma;  /* [model] gamma, the coupling when g is not set */
  qb_fgr_choice fc; /* [model] paths, theory_eq5 */
  qb_fgr_times tm;
  qb_idx off_P, off_Plog, off_Pprop, off_ipr, off_late; /* row offsets (-1: absent) */
} td_ctx;

static const qb_key td_keys[] = {
    {"model", "ensemble", QB_KEY_ENUM, "GUE", 0, -1, "GUE|GOE|GSE|Poisson", "", NULL,
     "symmetry class of both dots (GSE: N1, N2 count states, even; Poisson: iid uniform levels, "
     "complex W)",
     1, QB_FIELD(td_ctx, ens_index)},
    {"model", "N1", QB_KEY_INT, NULL, 1, 1e6, NULL, "", NULL,
     "levels of dot 1 (holds the initial level; 1: level_dot)", 1, QB_FIELD(td_ctx, m.N1)},
    {"model", "N2", QB_KEY_INT, NULL, 2, 1e8, NULL, "", NULL,
     "levels of dot 2 (the bath; nu_2 sets tau)", 1, QB_FIELD(td_ctx, m.N2)},
    {"model", "gamma", QB_KEY_REAL, "1", 0, 1e12, NULL, "", "g",
     "gamma = g N2 / N1 (decay e^{-4 gamma tau})", 1, QB_FIELD(td_ctx, gamma)},
    {"model", "g", QB_KEY_REAL, "0", 0, 1e12, NULL, "", "gamma",
     "coupling g = <tr W W^+> / lambda^2", 1, QB_FIELD(td_ctx, m.g)},
    {"model", "lambda", QB_KEY_REAL, "1", 1e-300, 1e300, NULL, "energy", NULL,
     "energy scale: <|H_i,kl|^2> = lambda^2 / N_i, semicircle radius 2 lambda", 1,
     QB_FIELD(td_ctx, m.lambda)},
    {"model", "eps0", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL,
     "energy of the initial level (dot 1 shifted)", 1, QB_FIELD(td_ctx, m.eps0)},
    QB_KEY_END};
static const qb_key *const td_tables[] = {td_keys, qb_fgr_path_keys, qb_fgr_time_keys, NULL};

static void td_free(void *v) {
  td_ctx *c = v;
  if (c == NULL) return;
  qb_fgr_times_free(&c->tm);
  qb_free(c);
}

/* The [model] keys into c->m and the path choice. */
static void read_model(const qb_params *p, td_ctx *c) {
  qb_param_fill(p, td_keys, c);
  qb_param_fill(p, qb_fgr_path_keys, &c->fc);
  c->m.ens = ens_code[c->ens_index];
  if (!qb_param_is_set(p, "model", "g")) c->m.g = c->gamma * (double)c->m.N1 / (double)c->m.N2;
}

static qb_status td_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  td_ctx c = {0};
  read_model(p, &c);
  const qb_two_dot m = c.m;
  /* validate and --dry-run refuse what a run would, naming the key. */
  if (m.ens == QB_GSE && (m.N1 % 2 || m.N2 % 2))
    return qb_param_fail(p, err, "model", m.N1 % 2 ? "N1" : "N2",
                         "GSE counts states in Kramers pairs: must be even");
  QB_TRY(qb_two_dot_check(&m, err));
  QB_TRY(qb_fgr_times_check(p, qb_two_dot_time_unit(&m), err));
  double n = (double)(m.N1 + m.N2), N1 = (double)m.N1, nt = qb_fgr_times_count(p);
  const int paths = c.fc.paths;
  double el = m.ens == QB_GOE || m.N1 == 1 ? 8 : 16, nnz = 2 * N1 * (double)m.N2 + 3 * n;
  const qb_dtype dt = el == 8 ? QB_REAL : QB_COMPLEX;
  e->bytes = e->flops = 0;
  if (paths != QB_FGR_PATH_PROP) {
    /* Dense ED dominates: ~4 n^3 (real) or ~16 n^3 (complex); then N1 n per time. Memory:
     * the matrix, LAPACKE's copy and the divide-and-conquer workspace (qb_dense_eigh_bytes);
     * measured at n = 1220 complex: 119 MB peak against 72 MB with the former 2.2 n^2. */
    e->bytes = qb_dense_eigh_bytes(dt, n, 1) + 16 * N1 * n;
    e->flops += (el == 8 ? 4.0 : 16.0) * n * n * n + 8 * N1 * n * nt;
  }
  if (paths != QB_FGR_PATH_EIG) {
    /* Chebyshev order ~ half-width (~2 lambda) x t_max = 2 N2 tau_max / lambda; O(N1 N2) per
     * matvec. */
    double order = 4 * (double)m.N2 * qb_fgr_times_tau_max(p, qb_two_dot_time_unit(&m)) + 100;
    e->flops += order * nnz * 8 * (paths == QB_FGR_PATH_PROP ? 2 : 1);
    /* after the eigen path: the Hamiltonian assembled from triplets (measured at N1 = 20,
     * N2 = 10^4: 30 MB against the 10 MB of the finished CSR) */
    e->bytes = fmax(e->bytes, qb_csr_from_triplets_bytes(nnz, dt));
  }
  e->ctx_bytes = 8 * 6 * nt;
  /* the row of td_create: P_res, P_res_log (P_res_prop with both paths), P_res_ipr and
   * P_res_late on the eigen path */
  e->row_values = qb_fgr_times_row_values(p, paths, 2);
  return QB_OK;
}

static qb_status td_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  td_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "two_dot: out of memory");
  read_model(p, c);
  qb_status st = qb_two_dot_check(&c->m, err);
  if (st == QB_OK) st = qb_fgr_times_create(p, qb_two_dot_time_unit(&c->m), &c->tm, err);
  if (st != QB_OK) {
    td_free(c);
    return st;
  }
  qb_idx nlin = c->tm.nlin, nlog = c->tm.nlog;
  qb_layout_add_axis(L, "tau", nlin, c->tm.tau_lin,
                     "tau = t / (2 pi nu_2), nu_2 = N2 / (pi lambda), linear grid");
  qb_layout_add_axis(L, "tau_log", nlog, c->tm.tau_log, "tau = t / (2 pi nu_2), logarithmic grid");
  int eig = c->fc.paths != QB_FGR_PATH_PROP;
  c->off_P = qb_layout_add(
      L, "P_res", nlin, "tau",
      eig ? "P_res(tau) of Eq. (9) from eigenpairs" : "P_res(tau) of Eq. (9) by propagation", 0);
  c->off_Plog = qb_layout_add(L, "P_res_log", nlog, "tau_log", "P_res(tau) on the log grid", 0);
  c->off_Pprop = c->fc.paths == QB_FGR_PATH_BOTH
                     ? qb_layout_add(L, "P_res_prop", nlin, "tau", "P_res(tau) by propagation", 0)
                     : -1;
  c->off_ipr =
      eig ? qb_layout_add(L, "P_res_ipr", 1, NULL,
                          "sum_a |V_0a|^2 sum_{i in dot 1} |V_ia|^2 (infinite-time average)", 1)
          : -1;
  c->off_late =
      eig ? qb_layout_add(L, "P_res_late", 1, NULL, "mean of P_res over the late-time window", 1)
          : -1;
  qb_layout_add_theory(L, "P_res_eq4", 1, NULL, "Micklitz et al. 2022 Eq. (4) at gamma = g N2/N1");
  qb_layout_add_theory(L, "P_res_eq21", 1, NULL,
                       "Micklitz et al. 2022 supplement Eq. (21) at gamma = g N2/N1");
  qb_layout_add_theory(L, "P_res_golden_rule", 1, NULL, "1/gamma");
  qb_layout_add_theory(L, "P_res_ergodic", 1, NULL,
                       "N1 / (N1 + N2), the strong-coupling (ergodic) value");
  qb_layout_add_theory(L, "rate_golden_rule", 1, NULL,
                       "2 pi nu_2 <|W|^2> = 2 g lambda / N1 (per unit time t)");
  qb_layout_add_theory(L, "P_decay", nlin, "tau",
                       "golden-rule decay e^{-4 gamma tau} (supplement Eq. (16))");
  qb_layout_add_theory(L, "P_eq5", nlin, "tau",
                       "Eq. (5) at gamma = g N2/N1 (GUE; NaN otherwise or theory_eq5 = false)");
  qb_layout_add_theory(L, "P_eq5_log", nlog, "tau_log", "Eq. (5) on the log grid");
  qb_layout_add_theory(L, "P_large_gamma", nlin, "tau",
                       "large-gamma form (supplement Eq. (22) plus the decay)");
  qb_layout_add_theory(L, "P_large_gamma_log", nlog, "tau_log", "large-gamma form on the log grid");
  *out = c;
  return QB_OK;
}

static qb_status realize_eig(const void *ctx, qb_level_dot_key k, int nt, double *row,
                             qb_err *err) {
  const td_ctx *c = ctx;
  qb_idx n = c->m.N1 + c->m.N2;
  double *E = qb_malloc(sizeof(double) * (size_t)n),
         *late = qb_malloc(sizeof(double) * (size_t)c->tm.nlate);
  qb_cplx *amp = qb_malloc(sizeof(qb_cplx) * (size_t)(c->m.N1 * n));
  qb_status st = E && amp && late ? qb_two_dot_spectrum(&c->m, k, E, amp, err)
                                  : QB_FAIL(err, QB_ERR_NOMEM,
                                            "two_dot: no memory for %lld eigenpairs", (long long)n);
  if (st == QB_OK)
    st = qb_two_dot_pres(&c->m, E, amp, c->tm.t_lin, c->tm.nlin, nt, row + c->off_P, err);
  if (st == QB_OK)
    st = qb_two_dot_pres(&c->m, E, amp, c->tm.t_log, c->tm.nlog, nt, row + c->off_Plog, err);
  if (st == QB_OK) st = qb_two_dot_pres(&c->m, E, amp, c->tm.t_late, c->tm.nlate, nt, late, err);
  if (st == QB_OK) {
    double s = 0;
    for (qb_idx j = 0; j < c->tm.nlate; j++) s += late[j];
    row[c->off_late] = s / (double)c->tm.nlate;
    row[c->off_ipr] = qb_two_dot_pres_ipr(&c->m, amp);
  }
  qb_free(E);
  qb_free(amp);
  qb_free(late);
  return st;
}

static qb_status td_build(const void *m, qb_level_dot_key k, qb_csr **A, double *lo, double *hi,
                          qb_err *err) {
  return qb_two_dot_csr(m, k, A, lo, hi, err);
}

static qb_status td_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const td_ctx *c = ctx;
  const qb_fgr_times_paths r = {c->fc.paths, realize_eig, td_build, &c->m, c->m.N1,
                                c->off_P, c->off_Plog, c->off_Pprop};
  return qb_fgr_times_realize(&c->tm, &r, c, t, row, err);
}

static qb_status td_theory(const void *ctx, double *out, qb_err *err) {
  const td_ctx *c = ctx;
  const qb_two_dot *m = &c->m;
  double g = qb_two_dot_gamma(m);
  qb_idx nlin = c->tm.nlin, nlog = c->tm.nlog;
  qb_quad_params q = {1e-16, 1e-13, 2000};
  out[0] = qb_fgr_pres_eq4(g);
  QB_TRY(qb_fgr_pres_eq21(g, &q, out + 1, err));
  out[2] = qb_fgr_golden_rule(g);
  out[3] = (double)m->N1 / (double)(m->N1 + m->N2);
  out[4] = 2 * m->g * m->lambda / (double)m->N1;
  double *dec = out + 5, *e5 = dec + nlin, *e5l = e5 + nlin, *lg = e5l + nlog, *lgl = lg + nlin;
  int want5 = c->fc.eq5 && g > 0 && m->ens == QB_GUE;
  for (qb_idx j = 0; j < nlin + nlog; j++) {
    int lin = j < nlin;
    double tau = lin ? c->tm.tau_lin[j] : c->tm.tau_log[j - nlin], v = NAN;
    if (want5) QB_TRY(qb_fgr_P_eq5(g, tau, NULL, &v, err));
    if (lin) {
      dec[j] = exp(-4 * g * tau);
      e5[j] = v;
      lg[j] = qb_fgr_P_large_gamma(g, tau);
    } else {
      e5l[j - nlin] = v;
      lgl[j - nlin] = qb_fgr_P_large_gamma(g, tau);
    }
  }
  return QB_OK;
}

const qb_model qb_model_two_dot = {
    .name = "two_dot",
    .doc = "FGR supplement: two chaotic dots (N1, N2) coupled by a random W; P_res(tau) of Eq. (9)",
    .keys = td_tables,
    QB_MODEL_HOOKS(td),
    .theory = td_theory,
};
