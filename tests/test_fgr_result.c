/* test_fgr_result.c — the theory of "Emergence of Fermi's Golden Rule" (Micklitz et al.
 * 2022) as written into level_dot result files: a small campaign is run through the
 * runner, and the file's theory group is read back. Eq. (21) of the supplement (a
 * quadrature) must equal Eq. (4) (a closed form) at every gamma to 1e-10; the curves on
 * the data's axes must equal direct calls of theory/fgr.c at the file's own tau values. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"
#include "qbath/fgr.h"

/* gamma from 1e-3 (P_res -> 1) to 300 (P_res -> 1/gamma), as one sweep. */
static const double GAMMAS[] = {0.001, 0.022, 0.46, 1, 4.6, 46, 300};
enum { NG = sizeof GAMMAS / sizeof GAMMAS[0] };
static const char *LD = "[run]\nname = fgr_theory\nseed = 3\nrealizations = 2\n"
                        "[model]\ntype = level_dot\nensemble = GUE\nN = 40\n"
                        "gamma = 0.001, 0.022, 0.46, 1, 4.6, 46, 300\nrepresentation = chain\n"
                        "[evolve]\nsamples = 9\nlog_samples = 5\n"
                        "[output]\nfile = %s\noverwrite = true\n";

static void test_eq21_equals_eq4_in_file(void) {
  char h5[600];
  qb_err err;
  QB_ASSERT_OK(ct_run_input("ld.ini", LD, ct_path(h5, sizeof h5, "ld.h5"), 1, &err), &err);
  for (int p = 0; p < NG; p++) {
    qb_idx n4 = 0, n21 = 0, ngr = 0;
    double *e4 = ct_read_point(h5, p, "theory/P_res_eq4", &n4), *e21 = ct_read_point(h5, p, "theory/P_res_eq21", &n21);
    double *gr = ct_read_point(h5, p, "theory/P_res_golden_rule", &ngr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e21);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gr);
    CU_ASSERT_EQUAL(n4, 1);
    CU_ASSERT_EQUAL(n21, 1);
    /* Two independent evaluations of P_res: the closed form and the supplement's integral. */
    QB_ASSERT_CLOSE(e21[0], e4[0], 1e-10 * e4[0]);
    /* ... and each the function of the point's own gamma (the sweep lands in order). */
    QB_ASSERT_CLOSE(e4[0], qb_fgr_pres_eq4(GAMMAS[p]), 1e-15);
    CU_ASSERT_EQUAL(gr[0], 1.0 / GAMMAS[p]);
    qb_free(e4);
    qb_free(e21);
    qb_free(gr);
  }
}

/* The curves on the data's axes: Eq. (5), its large-gamma form and Eq. (6), at the file's
 * tau values (linear and log grids). */
static void test_curves_on_axes(void) {
  char h5[600];
  qb_err err;
  QB_ASSERT_OK(ct_run_input("ld2.ini", LD, ct_path(h5, sizeof h5, "ld2.h5"), 1, &err), &err);
  const char *ax[2] = {"axes/tau", "axes/tau_log"};
  const char *e5[2] = {"theory/P_eq5", "theory/P_eq5_log"}, *e6[2] = {"theory/P_eq6", "theory/P_eq6_log"};
  const char *lg[2] = {"theory/P_large_gamma", "theory/P_large_gamma_log"};
  for (int p = 2; p < NG; p += 2)
    for (int k = 0; k < 2; k++) {
      qb_idx nt = 0, n5 = 0, n6 = 0, nl = 0;
      double *tau = ct_read_point(h5, p, ax[k], &nt), *P5 = ct_read_point(h5, p, e5[k], &n5);
      double *P6 = ct_read_point(h5, p, e6[k], &n6), *PL = ct_read_point(h5, p, lg[k], &nl);
      CU_ASSERT_PTR_NOT_NULL_FATAL(tau);
      CU_ASSERT_PTR_NOT_NULL_FATAL(P5);
      CU_ASSERT_PTR_NOT_NULL_FATAL(P6);
      CU_ASSERT_PTR_NOT_NULL_FATAL(PL);
      CU_ASSERT_EQUAL(nt, k ? 5 : 9);
      CU_ASSERT(n5 == nt && n6 == nt && nl == nt);
      for (qb_idx j = 0; j < nt; j++) {
        double v;
        QB_ASSERT_OK(qb_fgr_P_eq5(GAMMAS[p], tau[j], NULL, &v, &err), &err);
        CU_ASSERT_EQUAL(P5[j], v);
        CU_ASSERT_EQUAL(P6[j], qb_fgr_P_eq6(QB_FGR_U, GAMMAS[p], tau[j]));
        CU_ASSERT_EQUAL(PL[j], qb_fgr_P_large_gamma(GAMMAS[p], tau[j]));
      }
      qb_free(tau);
      qb_free(P5);
      qb_free(P6);
      qb_free(PL);
    }
}

int main(void) {
  static const qb_test_case cases[] = {{"eq21_equals_eq4_in_file", test_eq21_equals_eq4_in_file},
                                {"curves_on_axes", test_curves_on_axes},
                                {NULL, NULL}};
  return qb_test_main("fgr_result", cases);
}
