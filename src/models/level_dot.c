/* level_dot.c — model `level_dot`: the FGR paper's level decaying into a random-matrix dot
 * (Micklitz et al. 2022, Eq. (1); conventions and representations in qbath/level_dot.h).
 *
 * Per realization (one row): P(tau) on a linear grid [0, tau_max] and a logarithmic grid ([evolve]
 * keys, fgr_times.h)
 * [log_tau_min, tau_max], from the level's spectral measure ("eig": |sum_a w_a
 * e^{-i E_a t}|^2) and/or by propagation ("prop": [evolve] method, tol); P_res as sum_a w_a^2 (the
 * infinite-time average) and as the mean of P over late_samples times in [late_tau_min,
 * late_tau_max]; the spectral weight inside the eigenpair window.
 * Derived per point: P_off (minimum of the mean curve), P_pl (mean of P_res_ipr; with
 * paths = prop the mean of P over tau >= plateau_tau) and P_pl/P_off with a delta-method
 * error from the rows. Theory ("Emergence of Fermi's Golden Rule", Micklitz et al. 2022):
 * P_res from Eq. (4) and from the supplement's Eq. (21) (quadrature), 1/gamma, Eq. (5)
 * (GUE), the large-gamma form and Micklitz et al. 2022 Eq. (6) (class of the ensemble; Poisson
 * drawn with U) on
 * the data's grids (linear and log).
 * representation = unfolded (the N -> infinity limit, level_dot.h): the continuum's
 * amplitude phi(t) is computed once per point on the three time grids and added, with the
 * row's weight outside the window, to the window's amplitude. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_dot.h"
#include "qbath/model.h"
#include "qbath/survival.h"
#include "qbath/fgr.h"

#include "models/shared/fgr_times.h"

static const qb_ensemble ens_code[] = {QB_GUE, QB_GOE, QB_GSE, QB_POISSON};

typedef struct ld_ctx {
  qb_level_dot m;
  int ens_index, repr_index; /* [model] ensemble, representation: indices of their choices */
  qb_fgr_choice fc; /* [model] paths, theory_eq5 */
  double plateau_tau;
  qb_fgr_times tm;                       /* tau grids, times, [evolve] method and tol */
  qb_cplx *phi_lin, *phi_log, *phi_late; /* unfolded: the continuum's amplitude (else NULL) */
  qb_idx off_P, off_Plog, off_Pprop, off_ipr, off_late, off_weight; /* row offsets (-1: absent) */
  qb_idx row_len;
} ld_ctx;

static const qb_key ld_keys[] = {
    {"model", "ensemble", QB_KEY_ENUM, "GUE", 0, -1, "GUE|GOE|GSE|Poisson", "", NULL,
     "dot symmetry class (GSE: N states = N/2 Kramers pairs)", 1, QB_FIELD(ld_ctx, ens_index)},
    {"model", "N", QB_KEY_INT, NULL, 2, 1e8, NULL, "", NULL,
     "dot states (the paper's N; N + 1 with the level)", 1, QB_FIELD(ld_ctx, m.N)},
    {"model", "gamma", QB_KEY_REAL, "1", 0, 1e12, NULL, "", "g",
     "gamma = g N (Golden-Rule decay e^{-4 gamma tau})", 1, QB_FIELD(ld_ctx, m.gamma)},
    {"model", "g", QB_KEY_REAL, "0", 0, 1e12, NULL, "", "gamma",
     "coupling g: <|W_k|^2> = g lambda^2 / N", 1},
    {"model", "lambda", QB_KEY_REAL, "1", 1e-300, 1e300, NULL, "energy", NULL,
     "dot energy scale: <|H_kl|^2> = lambda^2 / N, semicircle radius 2 lambda", 1,
     QB_FIELD(ld_ctx, m.lambda)},
    {"model", "eps0", QB_KEY_REAL, "0", QB_ANY, NULL, "energy", NULL, "energy of the level", 1,
     QB_FIELD(ld_ctx, m.eps0)},
    {"model", "representation", QB_KEY_ENUM, "dense", 0, -1, "dense|chain|unfolded", "", NULL,
     "dense ED (reference), the O(N)-memory chain, or the N -> infinity limit at fixed gamma "
     "(a window of the unfolded dot plus the continuum; level_dot.h)",
     1, QB_FIELD(ld_ctx, repr_index)},
    {"model", "window", QB_KEY_INT, "0", 0, 1e9, NULL, "", NULL,
     "chain: eigenpairs around eps0 used by the eig path (0: all); unfolded: dot levels in the "
     "window (0: 2000)",
     1, QB_FIELD(ld_ctx, m.window)},
    {"model", "eig_tol", QB_KEY_REAL, "1e-11", 1e-16, 1e-2, NULL, "lambda", NULL,
     "chain: eigenvalue bisection tolerance in units of lambda", 0, QB_FIELD(ld_ctx, m.eig_tol)},
    {"model", "plateau_tau", QB_KEY_REAL, "2", 0, 1e12, NULL, "tau", NULL,
     "paths = prop: P_pl is the mean of P over tau >= plateau_tau", 0,
     QB_FIELD(ld_ctx, plateau_tau)},
    QB_KEY_END};
static const qb_key *const ld_tables[] = {ld_keys, qb_fgr_path_keys, qb_fgr_time_keys, NULL};

static void ld_free(void *v) {
  ld_ctx *c = v;
  if (c == NULL) return;
  qb_fgr_times_free(&c->tm);
  qb_free(c->phi_lin);
  qb_free(c->phi_log);
  qb_free(c->phi_late);
  qb_free(c);
}

/* The [model] keys into c->m and the path choice. */
static void read_model(const qb_params *p, ld_ctx *c) {
  qb_param_fill(p, ld_keys, c);
  qb_param_fill(p, qb_fgr_path_keys, &c->fc);
  c->m.ens = ens_code[c->ens_index];
  if (qb_param_is_set(p, "model", "g"))
    c->m.gamma = qb_param_real(p, "model", "g") * (double)c->m.N;
  static const qb_level_dot_repr repr_code[] = {QB_LD_DENSE, QB_LD_CHAIN, QB_LD_UNFOLDED};
  c->m.repr = repr_code[c->repr_index];
}

static qb_status ld_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  ld_ctx c = {0};
  read_model(p, &c);
  const qb_level_dot m = c.m;
  if (m.ens == QB_GSE && m.N % 2)
    return qb_param_fail(p, err, "model", "N", "GSE needs an even N (2 x Kramers pairs)");
  if (m.repr == QB_LD_DENSE && m.window > 0)
    return qb_param_fail(p, err, "model", "window",
                         "only the chain and unfolded representations use a window");
  if (m.repr == QB_LD_UNFOLDED && c.fc.paths != QB_FGR_PATH_EIG)
    return qb_param_fail(
        p, err, "model", "paths",
        "the unfolded representation has no finite Hamiltonian to propagate: use paths = eig");
  if (m.repr == QB_LD_UNFOLDED && m.window > 0 && m.window < 8)
    return qb_param_fail(p, err, "model", "window", "the unfolded window needs at least 8 levels");
  QB_TRY(qb_fgr_times_check(p, qb_level_dot_time_unit(&m), err));
  double n = (double)m.N + 2, nt = qb_fgr_times_count(p);
  const int paths = c.fc.paths;
  double M = m.window > 0 && m.window < n ? (double)m.window : n;
  if (m.repr == QB_LD_UNFOLDED) {
    /* dsterf of 1.5 K levels and K + 1 secular roots of ~6 O(K) sweeps each. */
    double K = (double)qb_level_dot_unfolded_window(&m);
    M = K;
    e->bytes = 8 * K * 12;
    e->flops = 30 * 2.25 * K * K + 6 * 8 * K * K;
  } else if (m.repr == QB_LD_DENSE) {
    /* dense ED of the (N + 1)-dimensional matrix (real for GOE); propagation holds the
     * matrix and its CSR copy (16 + 24 bytes an entry) and the Chebyshev vectors */
    const double eig = qb_dense_eigh_bytes(m.ens == QB_GOE ? QB_REAL : QB_COMPLEX, n, 1);
    const double prop = 16 * n * n * 3.5;
    e->bytes = paths == QB_FGR_PATH_EIG ? eig : paths == QB_FGR_PATH_PROP ? prop : fmax(eig, prop);
    e->flops = (m.ens == QB_GOE ? 4.0 : 16.0) * n * n * n;
  } else {
    e->bytes = 8 * n * 8;
    e->flops = paths == QB_FGR_PATH_PROP ? 0 : 45 * M * n * 3;
  }
  if (paths != QB_FGR_PATH_PROP) e->flops += 20 * M * nt;
  if (paths != QB_FGR_PATH_EIG) {
    /* Chebyshev order ~ spectral half-width (2 lambda) x t_max, t_max = 2 N tau_max / lambda. */
    double order = 4 * n * qb_fgr_times_tau_max(p, qb_level_dot_time_unit(&m)) + 100;
    double nnz = m.repr == QB_LD_DENSE ? n * n : 3 * n;
    e->flops += order * nnz * 8 * (paths == QB_FGR_PATH_PROP ? 2 : 1);
  }
  e->ctx_bytes = 8 * 6 * nt;
  /* the row of ld_create: P, P_log (P_prop with both paths), P_res_ipr, P_res_late and
   * weight on the eigen path */
  e->row_values = qb_fgr_times_row_values(p, paths, 3);
  return QB_OK;
}

static qb_status make_grids(ld_ctx *c, const qb_params *p, qb_err *err) {
  QB_TRY(qb_fgr_times_create(p, qb_level_dot_time_unit(&c->m), &c->tm, err));
  if (c->m.repr != QB_LD_UNFOLDED) return QB_OK;
  /* The continuum's amplitude depends on the point only: computed once here. */
  c->phi_lin = qb_malloc(sizeof(qb_cplx) * (size_t)c->tm.nlin);
  c->phi_log = qb_malloc(sizeof(qb_cplx) * (size_t)c->tm.nlog);
  c->phi_late = qb_malloc(sizeof(qb_cplx) * (size_t)c->tm.nlate);
  if (!c->phi_lin || !c->phi_log || !c->phi_late)
    return QB_FAIL(err, QB_ERR_NOMEM, "level_dot: out of memory for the continuum's amplitude");
  QB_TRY(qb_level_dot_continuum(&c->m, c->tm.t_lin, c->tm.nlin, c->phi_lin, err));
  QB_TRY(qb_level_dot_continuum(&c->m, c->tm.t_log, c->tm.nlog, c->phi_log, err));
  return qb_level_dot_continuum(&c->m, c->tm.t_late, c->tm.nlate, c->phi_late, err);
}

static qb_status ld_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  ld_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "level_dot: out of memory");
  read_model(p, c);
  qb_status st = qb_level_dot_check(&c->m, err);
  if (st == QB_OK) st = make_grids(c, p, err);
  if (st != QB_OK) {
    ld_free(c);
    return st;
  }
  qb_layout_add_axis(L, "tau", c->tm.nlin, c->tm.tau_lin, "tau = t / (2 pi nu), linear grid");
  qb_layout_add_axis(L, "tau_log", c->tm.nlog, c->tm.tau_log,
                     "tau = t / (2 pi nu), logarithmic grid");
  int eig = c->fc.paths != QB_FGR_PATH_PROP;
  c->off_P =
      qb_layout_add(L, "P", c->tm.nlin, "tau",
                    eig ? "survival P(tau) from eigenpairs" : "survival P(tau) by propagation", 0);
  c->off_Plog =
      qb_layout_add(L, "P_log", c->tm.nlog, "tau_log", "survival P(tau) on the log grid", 0);
  c->off_Pprop = c->fc.paths == QB_FGR_PATH_BOTH ? qb_layout_add(L, "P_prop", c->tm.nlin, "tau",
                                                              "survival P(tau) by propagation", 0)
                                              : -1;
  c->off_ipr =
      eig ? qb_layout_add(L, "P_res_ipr", 1, NULL, "P_res = sum_a w_a^2 (infinite-time average)", 1)
          : -1;
  c->off_late =
      eig ? qb_layout_add(L, "P_res_late", 1, NULL, "mean of P over the late-time window", 1) : -1;
  c->off_weight = eig ? qb_layout_add(L, "weight", 1, NULL,
                                      "spectral weight inside the eigenpair window (1: all)", 0)
                      : -1;
  c->row_len = qb_layout_row_len(L);
  qb_layout_add_derived(L, "P_off", 1, NULL, "minimum of the mean P over both grids");
  qb_layout_add_derived(L, "tau_off", 1, NULL, "tau of that minimum");
  qb_layout_add_derived(L, "P_pl", 1, NULL,
                        "plateau: mean P_res_ipr (paths = prop: mean P at tau >= plateau_tau)");
  qb_layout_add_derived(L, "P_pl_over_P_off", 1, NULL, "P_pl / P_off (delta-method error)");
  /* Theory of "Emergence of Fermi's Golden Rule" (Micklitz et al. 2022), on the data's axes. */
  qb_layout_add_theory(L, "P_res_eq4", 1, NULL,
                       "Micklitz et al. 2022 Eq. (4): P_res in closed form");
  qb_layout_add_theory(L, "P_res_golden_rule", 1, NULL, "FGR value 1/gamma");
  qb_layout_add_theory(L, "P_off_eq6", 1, NULL, "a_X / (2 gamma)");
  qb_layout_add_theory(L, "P_pl_eq6", 1, NULL, "(a_X + b_X) / (2 gamma)");
  qb_layout_add_theory(L, "ratio_eq6", 1, NULL, "(a_X + b_X) / a_X = 2, 3/2, 3 (U, O, S)");
  qb_layout_add_theory(L, "P_eq5", c->tm.nlin, "tau", "Eq. (5) (GUE; NaN when theory_eq5 = false)");
  qb_layout_add_theory(L, "P_eq5_log", c->tm.nlog, "tau_log", "Eq. (5) on the log grid");
  qb_layout_add_theory(L, "P_eq6", c->tm.nlin, "tau",
                       "Eq. (6) of the ensemble's class (Poisson: U)");
  qb_layout_add_theory(L, "P_eq6_log", c->tm.nlog, "tau_log", "Eq. (6) on the log grid");
  qb_layout_add_theory(L, "P_large_gamma", c->tm.nlin, "tau", "large-gamma form of Eq. (5)");
  /* Appended after the older columns so that those keep their place in the file. */
  qb_layout_add_theory(
      L, "P_res_eq21", 1, NULL,
      "Micklitz et al. 2022 supplement Eq. (21): P_res by quadrature (equals Eq. (4))");
  qb_layout_add_theory(L, "P_large_gamma_log", c->tm.nlog, "tau_log",
                       "large-gamma form of Eq. (5) on the log grid");
  *out = c;
  return QB_OK;
}

/* Eigenpair path: P on both grids, P_res two ways, the window's weight. */
static qb_status realize_eig(const void *ctx, qb_level_dot_key k, int nt, double *row,
                             qb_err *err) {
  const ld_ctx *c = ctx;
  qb_idx M = qb_level_dot_measure_size(&c->m), cnt = 0;
  double *E = qb_malloc(sizeof(double) * (size_t)M), *w = qb_malloc(sizeof(double) * (size_t)M);
  qb_status st =
      E && w ? qb_level_dot_measure(&c->m, k, nt, E, w, &cnt, err)
             : QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for %lld eigenpairs", (long long)M);
  if (st == QB_OK) {
    double s = 0;
    for (qb_idx a = 0; a < cnt; a++) s += w[a];
    /* Unfolded: the weight outside the window is the continuum's (phi non-NULL). */
    qb_survival_with_tail(E, w, cnt, 1.0 - s, c->phi_lin, c->tm.t_lin, c->tm.nlin, nt,
                          row + c->off_P);
    qb_survival_with_tail(E, w, cnt, 1.0 - s, c->phi_log, c->tm.t_log, c->tm.nlog, nt,
                          row + c->off_Plog);
    row[c->off_ipr] = qb_survival_ipr(w, cnt);
    row[c->off_late] =
        qb_survival_time_average(E, w, cnt, 1.0 - s, c->phi_late, c->tm.t_late, c->tm.nlate, nt);
    row[c->off_weight] = s;
  }
  qb_free(E);
  qb_free(w);
  return st;
}

static qb_status ld_build(const void *m, qb_level_dot_key k, qb_csr **A, double *lo, double *hi,
                          qb_err *err) {
  return qb_level_dot_csr(m, k, A, lo, hi, err);
}

static qb_status ld_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const ld_ctx *c = ctx;
  const qb_fgr_times_paths r = {c->fc.paths, realize_eig, ld_build, &c->m, 1,
                                c->off_P, c->off_Plog, c->off_Pprop};
  return qb_fgr_times_realize(&c->tm, &r, c, t, row, err);
}

/* Derived: P_off at the minimum of the mean curve, P_pl, and their ratio with the
 * delta-method error var(y/x) ~ (var y / x^2 - 2 y cov / x^3 + y^2 var x / x^4) / n. */
/* The plateau estimate of one row: P_res_ipr, or the mean of P at tau >= plateau_tau. */
static double row_plateau(const ld_ctx *c, const double *R) {
  if (c->off_ipr >= 0) return R[c->off_ipr];
  double y = 0;
  qb_idx m = 0;
  for (qb_idx j = 0; j < c->tm.nlin; j++)
    if (c->tm.tau_lin[j] >= c->plateau_tau) y += R[c->off_P + j], m++;
  return m ? y / (double)m : NAN;
}

static qb_status ld_derive(const void *ctx, const double *rows, qb_idx n, double *mean, double *se,
                           qb_err *err) {
  const ld_ctx *c = ctx;
  qb_idx rl = c->row_len, best = c->off_P;
  double bestv = INFINITY, besttau = NAN;
  /* The minimum of the mean curve over both grids (tau = 0 excluded). */
  for (qb_idx j = 1; j < c->tm.nlin + c->tm.nlog; j++) {
    qb_idx col = j < c->tm.nlin ? c->off_P + j : c->off_Plog + (j - c->tm.nlin);
    double s = 0;
    for (qb_idx r = 0; r < n; r++) s += rows[r * rl + col];
    if (s / (double)n < bestv) {
      bestv = s / (double)n;
      best = col;
      besttau = j < c->tm.nlin ? c->tm.tau_lin[j] : c->tm.tau_log[j - c->tm.nlin];
    }
  }
  double mx = 0, my = 0, vx = 0, vy = 0, cxy = 0;
  for (qb_idx r = 0; r < n; r++) {
    mx += rows[r * rl + best];
    my += row_plateau(c, rows + r * rl);
  }
  mx /= (double)n;
  my /= (double)n;
  for (qb_idx r = 0; r < n; r++) {
    double dx = rows[r * rl + best] - mx, dy = row_plateau(c, rows + r * rl) - my;
    vx += dx * dx;
    vy += dy * dy;
    cxy += dx * dy;
  }
  double d = n > 1 ? (double)(n - 1) : 1;
  vx /= d, vy /= d, cxy /= d;
  /* var(y/x) ~ (var y / x^2 - 2 y cov / x^3 + y^2 var x / x^4) / n (delta method). */
  double vr =
      (vy / (mx * mx) - 2 * my * cxy / (mx * mx * mx) + my * my * vx / (mx * mx * mx * mx)) /
      (double)n;
  mean[0] = mx;
  se[0] = sqrt(vx / (double)n);
  mean[1] = besttau;
  se[1] = 0;
  mean[2] = my;
  se[2] = sqrt(vy / (double)n);
  mean[3] = my / mx;
  se[3] = sqrt(fmax(vr, 0));
  return QB_OK;
}

static qb_fgr_class class_of(qb_ensemble e) {
  return e == QB_GOE ? QB_FGR_O : e == QB_GSE ? QB_FGR_S : QB_FGR_U;
}

static qb_status ld_theory(const void *ctx, double *out, qb_err *err) {
  const ld_ctx *c = ctx;
  double g = c->m.gamma;
  qb_fgr_class X = class_of(c->m.ens);
  double a = qb_fgr_a(X), b = qb_fgr_b(X);
  out[0] = qb_fgr_pres_eq4(g);
  out[1] = qb_fgr_golden_rule(g);
  out[2] = a / (2 * g);
  out[3] = (a + b) / (2 * g);
  out[4] = (a + b) / a;
  double *e5 = out + 5, *e5l = e5 + c->tm.nlin, *e6 = e5l + c->tm.nlog, *e6l = e6 + c->tm.nlin,
         *lg = e6l + c->tm.nlog;
  for (qb_idx j = 0; j < c->tm.nlin + c->tm.nlog; j++) {
    int lin = j < c->tm.nlin;
    double tau = lin ? c->tm.tau_lin[j] : c->tm.tau_log[j - c->tm.nlin], v = NAN;
    if (c->fc.eq5 && g > 0) QB_TRY(qb_fgr_P_eq5(g, tau, NULL, &v, err));
    if (lin) {
      e5[j] = v;
      e6[j] = qb_fgr_P_eq6(X, g, tau);
      lg[j] = qb_fgr_P_large_gamma(g, tau);
    } else {
      e5l[j - c->tm.nlin] = v;
      e6l[j - c->tm.nlin] = qb_fgr_P_eq6(X, g, tau);
      lg[c->tm.nlin + 1 + (j - c->tm.nlin)] = qb_fgr_P_large_gamma(g, tau);
    }
  }
  /* Micklitz et al. 2022 Eq. (21), the supplement's integral form of P_res: an independent
   * evaluation of Eq. (4). */
  qb_quad_params q = {1e-16, 1e-13, 2000}; /* well inside the 1e-10 at which it is compared */
  return qb_fgr_pres_eq21(g, &q, lg + c->tm.nlin, err);
}

const qb_model qb_model_level_dot = {
    .name = "level_dot",
    .doc = "FGR paper: a level decaying into a GUE/GOE/GSE/Poisson dot (survival P(tau), P_res)",
    .keys = ld_tables,
    QB_MODEL_HOOKS(ld),
    .derive = ld_derive,
    .theory = ld_theory,
};
