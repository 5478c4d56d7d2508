/* test_thread_bits.c — what README.md promises about thread counts (issue 18 item 12):
 * in realizations mode (one realization per thread) dense ED gives bitwise identical
 * rows on 1, 2 and 3 threads. Shift-invert is not yet promised: with UMFPACK's analysis
 * made from the pattern alone it agreed in one session's runs and differed at 1e-15 in
 * another, so a further thread- or order-dependent state remains (see README.md). */
#include <stdio.h>

#include "campaign_test_util.h"
#include "harness.h"

/* Random-field Heisenberg chain, L = 10, Sz = 0 (dimension 252), 6 realizations. */
static const char *CHAIN =
    "[run]\nseed = 77\nrealizations = 6\nparallel = realizations\n[model]\ntype = spin_chain\n"
    "L = 10\nn_up = 5\nW = 1\nterms = XX:0.25*J, YY:0.25*J, ZZ:0.25*J, Z:0.5*W:uniform\n"
    "[eigen]\nnev = 20\nentanglement = true\nmethod = %s\n[output]\nfile = %s\noverwrite = true\n";

static void run_on(const char *method, int threads, char *out, size_t n) {
  char in[600], name[64], text[1024];
  snprintf(name, sizeof name, "bits_%s_%d.h5", method, threads);
  ct_path(out, n, name);
  snprintf(text, sizeof text, CHAIN, method, out);
  snprintf(name, sizeof name, "bits_%s_%d.ini", method, threads);
  ct_write(ct_path(in, sizeof in, name), "%s", text);
  qb_campaign *c = NULL;
  qb_err e;
  QB_ASSERT_OK(qb_campaign_load(in, 0, NULL, &c, &e), &e);
  qb_run_opts o = {.nthreads = threads, .progress_seconds = 1e9};
  qb_run_stats s;
  QB_ASSERT_OK(qb_campaign_run(c, &o, &s, &e), &e);
  qb_campaign_free(c);
}

static void same_on_1_2_3_threads(const char *method) {
  static const char *const cols[] = {"rows/gap_ratio", "rows/s_vn", "rows/s_renyi2", "rows/e_min",
                                     "rows/e_max"};
  char one[600], other[600];
  run_on(method, 1, one, sizeof one);
  for (int t = 2; t <= 3; t++) {
    run_on(method, t, other, sizeof other);
    for (int k = 0; k < 5; k++) {
      int same = ct_same_dataset(one, other, cols[k], 1);
      if (same != 1) printf("\n  %s: %s differs between 1 and %d threads\n", method, cols[k], t);
      CU_ASSERT_EQUAL(same, 1);
    }
  }
}

static void test_dense(void) { same_on_1_2_3_threads("dense"); }

int main(void) {
  const qb_test_case cases[] = {{"dense ED, realizations mode, 1/2/3 threads", test_dense},
                                {NULL, NULL}};
  return qb_test_main("thread_bits", cases);
}
