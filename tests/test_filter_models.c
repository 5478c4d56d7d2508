/* test_filter_models.c — `[eigen] method = filter` (and grain_spins' `method = filter`)
 * through the campaign runner (issue 20): on the same realizations the filter and
 * shift-invert rows agree (gap ratio, bounds, entanglement entropies to 1e-8; grain: S_last,
 * S_bath, G_mean, gap ratio), the residual column meets 1e-9 ||H||; the dry-run estimate
 * counts the filter's Lanczos basis, not the factor; a bad method value is refused naming
 * file:line and key. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "models/shared/spectrum_obs.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/h5.h"

/* Random-field Heisenberg chain, L = 12, Sz = 0 (dimension 924), 3 realizations. */
static const char *CHAIN =
    "[run]\nseed = 31\nrealizations = 3\n[model]\ntype = spin_chain\nL = %d\nn_up = %d\n"
    "W = 3\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
    "[eigen]\nnev = 20\nentanglement = true\nmethod = %s\n[output]\nfile = %s\n";

/* Grain of N = 3 qubits and M = 8 spins (DRH, dimension 2048), 2 realizations. */
static const char *GRAIN =
    "[run]\nseed = 5\nrealizations = 2\n[model]\ntype = grain_spins\nN = 3\nM = 8\n"
    "grain_norm = rms\ncoupling = xy\nalpha = 0.6\nnev = 24\nnev_peak = 80\nmethod = %s\n"
    "[output]\nfile = %s\n";

/* Runs fmt with method si and filter, compares the columns cols[k] to tol[k]. */
static void same_rows(const char *tag, const char *fmt, int L, const char *const *cols,
                      const double *tol, int ncols, qb_idx rows) {
  char a[600], b[600], text[2048], name[64];
  qb_err err;
  snprintf(name, sizeof name, "%s_si.h5", tag);
  ct_path(a, sizeof a, name);
  snprintf(name, sizeof name, "%s_filter.h5", tag);
  ct_path(b, sizeof b, name);
  if (L) snprintf(text, sizeof text, fmt, L, L / 2, "shift_invert", a);
  else snprintf(text, sizeof text, fmt, "shift_invert", a);
  snprintf(name, sizeof name, "%s_si.ini", tag);
  QB_ASSERT_OK(ct_run_text(name, text, &err), &err);
  if (L) snprintf(text, sizeof text, fmt, L, L / 2, "filter", b);
  else snprintf(text, sizeof text, fmt, "filter", b);
  snprintf(name, sizeof name, "%s_filter.ini", tag);
  QB_ASSERT_OK(ct_run_text(name, text, &err), &err);
  for (int c = 0; c < ncols; c++) {
    qb_idx n1, n2;
    double *x = ct_read_rows(a, cols[c], &n1), *y = ct_read_rows(b, cols[c], &n2);
    CU_ASSERT_EQUAL_FATAL(n1, rows);
    CU_ASSERT_EQUAL_FATAL(n2, rows);
    double worst = 0;
    for (qb_idx r = 0; r < n1; r++) worst = fmax(worst, fabs(x[r] - y[r]));
    printf("\n  %s %s: max |filter - shift-invert| = %.2e (tolerance %.0e)", tag, cols[c], worst, tol[c]);
    CU_ASSERT(worst <= tol[c]);
    qb_free(x), qb_free(y);
  }
}

/* The same levels on both paths: the gap ratio to the eigenvalues' 1e-10, the entropies to
 * the eigenvectors' 1e-8; e_min / e_max are the same ARPACK run on both (same bits). */
static void test_chain_filter_equals_shift_invert(void) {
  const char *cols[] = {"gap_ratio", "e_min", "e_max", "s_vn", "s_renyi2"};
  const double tol[] = {1e-9, 0, 0, 1e-8, 1e-8};
  same_rows("chain12", CHAIN, 12, cols, tol, 5, 3);
}

/* grain_spins' windows by the filter: its observables equal shift-invert's, and the largest
 * residual stays below 1e-9 ||H|| (||H|| > 1 for this grain: 1e-9 is conservative). */
static void test_grain_filter_equals_shift_invert(void) {
  const char *cols[] = {"gap_ratio", "S_last", "S_bath", "G_mean", "delta_E"};
  const double tol[] = {1e-9, 1e-8, 1e-8, 1e-7, 0};
  same_rows("grain", GRAIN, 0, cols, tol, 5, 2);
  char b[600];
  qb_idx n;
  double *res = ct_read_rows(ct_path(b, sizeof b, "grain_filter.h5"), "max_resid", &n);
  for (qb_idx r = 0; r < n; r++) CU_ASSERT(res[r] <= 1e-9);
  qb_free(res);
}

/* The estimate of the eigenpairs (models/shared/spectrum_obs.h) at L = 18 (n = 48620,
 * nnz = 486200): the filter's basis is far below shift-invert's factor, and auto under a
 * limit the factor exceeds takes the filter's. Then the dry run of whole campaigns (which
 * adds the runner's share, the process's resident size among it): filter and auto well
 * below shift-invert. */
static void test_estimate(void) {
  qb_eigs_opts o;
  qb_estimate e[3];
  const qb_eigs_method m[3] = {QB_EIGS_SHIFT_INVERT, QB_EIGS_FILTER, QB_EIGS_AUTO};
  for (int k = 0; k < 3; k++) {
    qb_eigs_defaults(&o);
    o.method = m[k];
    o.factor.mem_limit = 0.5 * 1073741824.0;
    memset(&e[k], 0, sizeof e[k]);
    qb_spectrum_obs_eigs_cost(&o, 48620, 486200, 0, 1, &e[k]);
  }
  printf("\n  L = 18 eigenpair estimates: shift-invert %.3g GB, filter %.3g GB, auto (0.5 GiB) %.3g GB",
         e[0].bytes / 1e9, e[1].bytes / 1e9, e[2].bytes / 1e9);
  CU_ASSERT(e[1].bytes < e[0].bytes / 5);
  CU_ASSERT_EQUAL(e[2].bytes, e[1].bytes);
  char in[600], text[2048];
  qb_err err;
  double bytes[3];
  const char *name[3] = {"shift_invert", "filter", "auto"};
  for (int k = 0; k < 3; k++) {
    char fmt[1024] = "[run]\nmemory_limit = 0.5\n";
    strcat(fmt, CHAIN + strlen("[run]\n")); /* auto under a 0.5 GiB limit */
    snprintf(text, sizeof text, k == 2 ? fmt : CHAIN, 18, 9, name[k], "/tmp/unused.h5");
    ct_write(ct_path(in, sizeof in, "estimate.ini"), "%s", text);
    qb_campaign *c = NULL;
    double secs;
    QB_ASSERT_OK(qb_campaign_load(in, 0, NULL, &c, &err), &err);
    QB_ASSERT_OK(qb_campaign_estimate(c, 1, &bytes[k], &secs, &err), &err);
    qb_campaign_free(c);
  }
  printf("\n  dry runs: shift-invert %.3g GB, filter %.3g GB, auto %.3g GB", bytes[0] / 1e9,
         bytes[1] / 1e9, bytes[2] / 1e9);
  CU_ASSERT(bytes[1] < 0.5 * bytes[0]);
  CU_ASSERT(bytes[2] < 0.5 * bytes[0]);
}

/* A misspelt method: QB_ERR_INPUT naming the file, the line and the key. */
static void test_bad_method(void) {
  char in[600], text[2048];
  qb_err err;
  snprintf(text, sizeof text, CHAIN, 12, 6, "filtre", "/tmp/unused.h5");
  ct_write(ct_path(in, sizeof in, "bad_method.ini"), "%s", text);
  qb_campaign *c = NULL;
  CU_ASSERT_EQUAL(qb_campaign_load(in, 0, NULL, &c, &err), QB_ERR_INPUT);
  printf("\n  %s", err.msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "bad_method.ini:13"));
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "method"));
  qb_campaign_free(c);
}

int main(void) {
  const qb_test_case cases[] = {
      {"spin_chain L = 12: filter rows = shift-invert rows", test_chain_filter_equals_shift_invert},
      {"grain_spins N = 3, M = 8: filter rows = shift-invert rows", test_grain_filter_equals_shift_invert},
      {"dry-run estimate: the basis, not the factor; auto past the limit", test_estimate},
      {"method = filtre: file:line and key", test_bad_method},
      {NULL, NULL}};
  return qb_test_main("filter_models", cases);
}
