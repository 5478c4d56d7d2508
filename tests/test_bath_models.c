/* test_bath_models.c — the campaign models `hubbard_bubble` and `linewidth_mft`: loaded
 * from input text through the runner's parser, their rows checked against direct calls of
 * the theory modules and against sum rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "qbath/ipt.h"
#include "qbath/linewidth.h"
#include "qbath/model.h"

/* Writes input text to a file of the suite's directory and loads it. */
static qb_campaign *load(const char *name, const char *text) {
  char path[600];
  ct_write(ct_path(path, sizeof path, name), "%s", text);
  qb_campaign *c = NULL;
  qb_err e;
  QB_ASSERT_OK(qb_campaign_load(path, 0, NULL, &c, &e), &e);
  return c;
}

static double *realize(qb_campaign *c, qb_idx p, void **ctx, qb_layout *L) {
  const qb_model *m = qb_campaign_model(c);
  qb_err e;
  memset(L, 0, sizeof *L);
  QB_ASSERT_OK(m->point_create(qb_campaign_point(c, p), ctx, L, &e), &e);
  double *row = calloc((size_t)qb_layout_row_len(L), sizeof(double));
  qb_task t = {.seed = 5, .point = (uint64_t)p, .realization = 0, .nthreads = 1};
  QB_ASSERT_OK(m->realize(*ctx, &t, row, &e), &e);
  return row;
}

static qb_idx col(const qb_layout *L, const char *name) {
  qb_idx off = 0;
  for (int i = 0; i < L->ncols; i++) {
    if (!strcmp(L->cols[i].name, name)) return off;
    off += L->cols[i].len;
  }
  return -1;
}

static void test_hubbard_bubble(void) {
  qb_campaign *c = load("hb.ini",
                        "[run]\nseed = 5\nrealizations = 1\n[model]\ntype = hubbard_bubble\n"
                        "M = 0, 40\nV = 1.5\nomega_max = 8\nomega_points = 401\neta = 0.08\n"
                        "tol = 1e-11\n[output]\nfile = hb.h5\n");
  CU_ASSERT_EQUAL_FATAL(qb_campaign_npoints(c), 2);
  const qb_model *m = qb_campaign_model(c);
  for (qb_idx p = 0; p < 2; p++) {
    void *ctx = NULL;
    qb_layout L;
    double *row = realize(c, p, &ctx, &L);
    qb_idx n = 401, rho = col(&L, "rho"), rho0 = col(&L, "rho_U0"), l1 = col(&L, "L1_U0");
    qb_idx mean = col(&L, "rho_liom_mean"), sum = col(&L, "sum_rule");
    CU_ASSERT_FATAL(rho >= 0 && rho0 >= 0 && l1 >= 0 && mean >= 0 && sum >= 0);
    double h = 8.0 / 200, d = 0, lsum = 0;
    for (qb_idx i = 0; i < n; i++) {
      double w = (double)(i - 200) * h;
      if (fabs(w) < 2) d += fabs(row[rho + i] - row[rho0 + i]) * h;
      lsum += row[mean + i] * h * ((i == 0 || i == n - 1) ? 0.5 : 1);
    }
    QB_ASSERT_CLOSE(row[l1], d, 1e-12);
    /* the bubble loses only the O(h^2) trapezoid error; the LIOMs, broadened by eta,
     * lose their Lorentzian tails beyond the grid, 2 eta/(pi omega_max) */
    QB_ASSERT_CLOSE(row[sum], 1, 1e-4);
    if (p == 1) QB_ASSERT_CLOSE(lsum, 1 - 2 * 0.08 / (M_PI * 8), 0.2 * 2 * 0.08 / (M_PI * 8));
    if (p == 0) { /* M = 0: no randomness; the row is the library's own solution */
      qb_ipt *s = NULL;
      qb_err e;
      QB_ASSERT_OK(qb_ipt_create(n, 8, &s, &e), &e);
      qb_cplx *G = malloc(sizeof(qb_cplx) * (size_t)n);
      qb_ipt_params ip = qb_ipt_defaults();
      ip.eta = 0.08;
      ip.tol = 1e-11;
      ip.mix = 0.5;
      ip.max_iter = 2000;
      QB_ASSERT_OK(qb_ipt_solve(s, &ip, 0, NULL, NULL, G, 0, NULL, &e), &e);
      double worst = 0;
      for (qb_idx i = 0; i < n; i++) worst = fmax(worst, fabs(row[rho + i] + cimag(G[i]) / M_PI));
      CU_ASSERT(worst == 0);
      free(G);
      qb_ipt_free(s);
    }
    free(row);
    m->point_free(ctx);
  }
  qb_campaign_free(c);
}

static void test_linewidth_model(void) {
  qb_campaign *c = load("lw.ini",
                        "[run]\nseed = 1\nrealizations = 1\n[model]\ntype = linewidth_mft\n"
                        "x = -0.1, 0.4\nK = 3\nN = 10\ngamma = 0.05\nmethod = integral\n"
                        "[output]\nfile = lw.h5\n");
  const qb_model *m = qb_campaign_model(c);
  for (qb_idx p = 0; p < 2; p++) {
    void *ctx = NULL;
    qb_layout L;
    double *row = realize(c, p, &ctx, &L);
    qb_linewidth_params q = qb_linewidth_defaults();
    q.gamma = 0.05;
    q.method = QB_LW_INTEGRAL;
    q.Xi = (1 + (p ? 0.4 : -0.1)) / log(3.0);
    qb_linewidth_result r;
    qb_err e;
    QB_ASSERT_OK(qb_linewidth_solve(&q, &r, &e), &e);
    CU_ASSERT_EQUAL(row[col(&L, "found")], r.found);
    CU_ASSERT_EQUAL(row[col(&L, "Gamma")], r.Gamma);
    QB_ASSERT_CLOSE(row[col(&L, "eps")], (p ? 0.4 : -0.1) / (1 + (p ? 0.4 : -0.1)), 1e-14);
    CU_ASSERT_EQUAL(row[col(&L, "Gamma_C5")], qb_linewidth_saddle(&q));
    free(row);
    m->point_free(ctx);
  }
  qb_campaign_free(c);
  /* find = gamma_c: a solution just above, none just below */
  c = load("lwc.ini", "[run]\nseed = 1\nrealizations = 1\n[model]\ntype = linewidth_mft\n"
                      "x = -0.2\nfind = gamma_c\nmethod = sum\n[output]\nfile = lwc.h5\n");
  void *ctx = NULL;
  qb_layout L;
  double *row = realize(c, 0, &ctx, &L);
  double gc = row[col(&L, "gamma_c")];
  qb_linewidth_params q = qb_linewidth_defaults();
  q.Xi = 0.8 / log(3.0);
  qb_linewidth_result r;
  qb_err e;
  q.gamma = gc * 1.001;
  QB_ASSERT_OK(qb_linewidth_solve(&q, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 1);
  q.gamma = gc / 1.001;
  QB_ASSERT_OK(qb_linewidth_solve(&q, &r, &e), &e);
  CU_ASSERT_EQUAL(r.found, 0);
  free(row);
  qb_campaign_model(c)->point_free(ctx);
  qb_campaign_free(c);
  /* dXi = Xi - Xi_c: the Xi_c column is the critical point, Xi sits dXi above it */
  c = load("lwd.ini", "[run]\nseed = 1\nrealizations = 1\n[model]\ntype = linewidth_mft\n"
                      "dXi = 0.2\nK = 10\nN = 10\ngamma = 1e-3\nmethod = integral\n"
                      "[output]\nfile = lwd.h5\n");
  row = realize(c, 0, &ctx, &L);
  q = qb_linewidth_defaults();
  q.K = 10, q.gamma = 1e-3, q.method = QB_LW_INTEGRAL;
  double xc;
  QB_ASSERT_OK(qb_linewidth_critical_xi(&q, 0.2, 1, &xc, &e), &e);
  QB_ASSERT_CLOSE(row[col(&L, "Xi_c")], xc, 1e-12);
  QB_ASSERT_CLOSE(row[col(&L, "Xi")], xc + 0.2, 1e-12);
  q.Xi = row[col(&L, "Xi")];
  QB_ASSERT_OK(qb_linewidth_solve(&q, &r, &e), &e);
  CU_ASSERT_EQUAL(row[col(&L, "Gamma")], r.Gamma);
  free(row);
  qb_campaign_model(c)->point_free(ctx);
  qb_campaign_free(c);
  /* exactly one of Xi, eps, x, dXi */
  char path[600];
  ct_write(ct_path(path, sizeof path, "bad.ini"), "[run]\nseed = 1\nrealizations = 1\n"
           "[model]\ntype = linewidth_mft\nK = 3\n[output]\nfile = bad.h5\n");
  qb_campaign *bad = NULL;
  qb_status st = qb_campaign_load(path, 0, NULL, &bad, &e);
  if (st == QB_OK) { /* the check lives in estimate/point_create */
    qb_estimate est;
    CU_ASSERT_EQUAL(qb_campaign_model(bad)->estimate(qb_campaign_point(bad, 0), &est, &e), QB_ERR_INPUT);
    qb_campaign_free(bad);
  }
}

int main(void) {
  static const qb_test_case cases[] = {
      {"hubbard_bubble rows", test_hubbard_bubble},
      {"linewidth_mft rows", test_linewidth_model},
      {NULL, NULL}};
  return qb_test_main("bath_models", cases);
}
