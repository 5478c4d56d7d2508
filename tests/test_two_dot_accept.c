/* test_two_dot_accept.c — acceptance of the two-dot model of "Emergence of Fermi's Golden
 * Rule" (Micklitz et al. 2022, supplement Eqs. (9), (16), (18), (21)) at N1 > 1, through
 * the runner, with tolerances from the realizations' standard errors:
 *  - golden rule: the decay rate of the mean P_res(t), fitted as A e^{-G t} + B + C t on
 *    t in [0.2, 3] / G_GR (B + C t: the offset (1 + tau)/(2 gamma) of the large-gamma form
 *    and the slow leakage into the other dot-1 levels), equals 2 pi nu_2 <|W|^2> =
 *    2 g lambda / N1 within 3 jackknife standard errors, and the error is below 10%;
 *  - the infinite-time average over eigenpairs (P_res_ipr) equals the mean of P_res(t)
 *    over the late window within 3 standard errors of the per-row difference;
 *  - the late-time residence against Eq. (21) at gamma = g N2 / N1 is printed (the
 *    deviation is documented in docs/fgr.md, not asserted: it has a leakage term). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "qbath/fgr.h"

static const char *GR = "[run]\nseed = 2024\nrealizations = 192\n[model]\ntype = two_dot\nensemble = GUE\n"
                        "N1 = 4\nN2 = 400\ng = 0.1\ntheory_eq5 = false\nlate_tau_min = 5\nlate_tau_max = 10\n"
                        "late_samples = 50\n[evolve]\ntau_max = 0.08\nsamples = 161\nlog_samples = 5\n"
                        "[output]\nfile = %s\noverwrite = true\n";
enum { N1 = 4, N2 = 400, R = 192 };
static const double G = 0.1, LAMBDA = 1.0;

/* Least squares of y ~ a e^{-G t} + b + c t at fixed G (3 x 3 normal equations); returns
 * the residual sum of squares. */
static double resid(double rate, const double *t, const double *y, int n) {
  double M[3][4] = {{0}};
  for (int j = 0; j < n; j++) {
    double x[3] = {exp(-rate * t[j]), 1, t[j]};
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) M[a][b] += x[a] * x[b];
      M[a][3] += x[a] * y[j];
    }
  }
  for (int a = 0; a < 3; a++) /* Gauss-Jordan, pivots positive (Gram matrix) */
    for (int b = 0; b < 3; b++) {
      if (b == a) continue;
      double f = M[b][a] / M[a][a];
      for (int k = 0; k < 4; k++) M[b][k] -= f * M[a][k];
    }
  double s = 0;
  for (int j = 0; j < n; j++) {
    double r = M[0][3] / M[0][0] * exp(-rate * t[j]) + M[1][3] / M[1][1] + M[2][3] / M[2][2] * t[j] - y[j];
    s += r * r;
  }
  return s;
}

/* The rate minimizing the residual: golden section on [lo, hi]. */
static double fit_rate(const double *t, const double *y, int n, double lo, double hi) {
  const double q = 0.5 * (sqrt(5.0) - 1);
  double a = lo, b = hi, x1 = b - q * (b - a), x2 = a + q * (b - a);
  double f1 = resid(x1, t, y, n), f2 = resid(x2, t, y, n);
  while (b - a > 1e-9 * hi) {
    if (f1 < f2) b = x2, x2 = x1, f2 = f1, x1 = b - q * (b - a), f1 = resid(x1, t, y, n);
    else a = x1, x1 = x2, f1 = f2, x2 = a + q * (b - a), f2 = resid(x2, t, y, n);
  }
  return 0.5 * (a + b);
}

static void test_golden_rule_and_late_time(void) {
  char h5[600], in[600], buf[4096];
  qb_err e;
  snprintf(buf, sizeof buf, GR, ct_path(h5, sizeof h5, "gr.h5"));
  ct_write(ct_path(in, sizeof in, "gr.ini"), "%s", buf);
  qb_campaign *c = NULL;
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_load(in, 0, NULL, &c, &e), &e);
  qb_run_opts o = {.nthreads = 2, .progress_seconds = 1e9};
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  qb_campaign_free(c);
  qb_idx nt = 0, nr = 0, ni = 0, nl = 0, ng = 0, n21 = 0;
  double *tau = ct_read_point(h5, 0, "axes/tau", &nt), *rows = ct_read_point(h5, 0, "rows/P_res", &nr);
  double *ipr = ct_read_point(h5, 0, "rows/P_res_ipr", &ni), *late = ct_read_point(h5, 0, "rows/P_res_late", &nl);
  double *rgr = ct_read_point(h5, 0, "theory/rate_golden_rule", &ng), *e21 = ct_read_point(h5, 0, "theory/P_res_eq21", &n21);
  CU_ASSERT_PTR_NOT_NULL_FATAL(tau);
  CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
  CU_ASSERT_PTR_NOT_NULL_FATAL(ipr);
  CU_ASSERT_PTR_NOT_NULL_FATAL(late);
  CU_ASSERT_PTR_NOT_NULL_FATAL(rgr);
  CU_ASSERT_PTR_NOT_NULL_FATAL(e21);
  CU_ASSERT_EQUAL_FATAL(nr, R * nt);
  /* 2 pi nu_2 <|W|^2> with nu_2 = N2 / (pi lambda), <|W|^2> = g lambda^2 / (N1 N2). */
  double G0 = 2 * M_PI * (N2 / (M_PI * LAMBDA)) * G * LAMBDA * LAMBDA / (N1 * (double)N2);
  QB_ASSERT_CLOSE(rgr[0], G0, 1e-15);
  double unit = 2.0 * N2 / LAMBDA, t[1024], m[1024], y[1024];
  int n = 0;
  qb_idx j0 = -1;
  for (qb_idx j = 0; j < nt && n < 1024; j++) {
    double tj = tau[j] * unit;
    if (tj < 0.2 / G0 || tj > 3 / G0) continue;
    if (j0 < 0) j0 = j;
    t[n++] = tj;
  }
  CU_ASSERT_FATAL(n > 50);
  for (int k = 0; k < n; k++) {
    m[k] = 0;
    for (int r = 0; r < R; r++) m[k] += rows[r * nt + j0 + k] / R;
  }
  double rate = fit_rate(t, m, n, 0.2 * G0, 5 * G0), jm = 0, jv = 0, jk[R];
  for (int r = 0; r < R; r++) { /* leave-one-out means */
    for (int k = 0; k < n; k++) y[k] = (m[k] * R - rows[r * nt + j0 + k]) / (R - 1);
    jk[r] = fit_rate(t, y, n, 0.2 * G0, 5 * G0);
    jm += jk[r] / R;
  }
  for (int r = 0; r < R; r++) jv += (jk[r] - jm) * (jk[r] - jm);
  double se = sqrt((R - 1.0) / R * jv);
  printf("\n  golden rule: fitted rate %.5g +- %.2g, 2 pi nu_2 <|W|^2> = %.5g (%+.2f se)\n", rate, se, G0,
         (rate - G0) / se);
  CU_ASSERT(se < 0.1 * G0);
  CU_ASSERT(fabs(rate - G0) <= 3 * se);
  /* Sum over eigenpairs = long-time average of the same rows. */
  double d = 0, dv = 0, mi = 0, vi = 0;
  for (int r = 0; r < R; r++) d += (late[r] - ipr[r]) / R, mi += ipr[r] / R;
  for (int r = 0; r < R; r++) dv += pow(late[r] - ipr[r] - d, 2) / (R - 1), vi += pow(ipr[r] - mi, 2) / (R - 1);
  double dse = sqrt(dv / R), ise = sqrt(vi / R);
  printf("  late window - eigenpair sum: %.3g +- %.2g; P_res = %.5g +- %.2g vs Eq. (21) %.5g (%+.2f se), "
         "1/gamma %.5g, N1/(N1+N2) %.5g\n", d, dse, mi, ise, e21[0], (mi - e21[0]) / ise, N1 / (G * N2),
         N1 / (double)(N1 + N2));
  CU_ASSERT(fabs(d) <= 3 * dse);
  qb_free(tau);
  qb_free(rows);
  qb_free(ipr);
  qb_free(late);
  qb_free(rgr);
  qb_free(e21);
}

int main(void) {
  static const qb_test_case cases[] = {{"golden_rule_and_late_time", test_golden_rule_and_late_time}, {NULL, NULL}};
  return qb_test_main("two_dot_accept", cases);
}
