/* harness.c — the CUnit runner and statistics helpers shared by every test suite. */
#include "harness.h"

#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>

int qb_test_main(const char *suite_name, const qb_test_case *cases) {
  if (CU_initialize_registry() != CUE_SUCCESS) return 2;
  CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
  if (!suite) return 2;
  for (const qb_test_case *c = cases; c->name; c++)
    if (!CU_add_test(suite, c->name, c->fn)) return 2;
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
  unsigned run = CU_get_number_of_tests_run();
  CU_cleanup_registry();
  /* A suite that ran nothing has failed: it proves nothing. */
  return (failed == 0 && run > 0) ? 0 : 1;
}

void qb_stat_add(qb_stat *s, double x) {
  s->n += 1;
  double d = x - s->mean;
  s->mean += d / s->n;
  s->m2 += d * (x - s->mean);
}

double qb_stat_mean(const qb_stat *s) { return s->mean; }

double qb_stat_stderr(const qb_stat *s) {
  if (s->n < 2) return INFINITY;
  return sqrt(s->m2 / (s->n - 1) / s->n);
}

double qb_max_abs_diff(const double *a, const double *b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; i++) {
    double d = fabs(a[i] - b[i]);
    if (d > m || isnan(d)) m = d;
  }
  return m;
}
