/* test_state_out.c — issue 23: [output] eigenpairs and the per-state columns, checked by
 * tests/data/check_state_out.py against numpy/scipy (acceptance 1: a complex Hermitian
 * scipy matrix, N = 1600, eigenvalues and 20 eigenvectors to 1e-10 on the dense and the
 * shift-invert path; acceptance 3: per-state entropies of 30 shift-invert eigenstates to
 * 1e-8), and the size guard of eigenpairs = vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"

static int run_case(const char *name) {
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  const char *bin = getenv("QBATH_BINARY") ? getenv("QBATH_BINARY") : "../qbath";
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/data/check_state_out.py %s %s %s", src, bin,
           ct_tmpdir(), name);
  return system(cmd);
}

static void test_eigenpairs_vs_scipy(void) { CU_ASSERT_EQUAL(run_case("eigenpairs"), 0); }
static void test_state_entropies_vs_numpy(void) { CU_ASSERT_EQUAL(run_case("entropy"), 0); }

/* The guard names the key and the numbers, before any work. */
static void test_size_guard(void) {
  char in[700], out[700], cmd[2048];
  ct_path(in, sizeof in, "guard.ini");
  ct_path(out, sizeof out, "guard.txt");
  ct_write(in, "[run]\nrealizations = 1000\n[model]\ntype = spin_chain\nL = 12\nn_up = 6\n"
               "terms = XX:1, YY:1, ZZ:1\n[eigen]\nnev = 500\n[output]\nfile = %s/guard.h5\n"
               "eigenpairs = vectors\neigenpairs_max_gib = 1\n", ct_tmpdir());
  const char *bin = getenv("QBATH_BINARY") ? getenv("QBATH_BINARY") : "../qbath";
  snprintf(cmd, sizeof cmd, "%s validate %s > %s 2>&1", bin, in, out);
  int rc = system(cmd);
  CU_ASSERT(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
  char *t = ct_slurp(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  /* 1000 x (500 + 500 x 924) doubles = 3.45 GiB > 1 */
  if (!strstr(t, "eigenpairs_max_gib = 1")) printf("\n  %s\n", t);
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "[output] eigenpairs = 'vectors'"));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, "3.45 GiB"));
  qb_free(t);
}

int main(void) {
  const qb_test_case cases[] = {{"eigenpairs of a scipy matrix vs numpy and eigsh", test_eigenpairs_vs_scipy},
                                {"per-state entropies vs numpy, p(S)", test_state_entropies_vs_numpy},
                                {"eigenpairs size guard", test_size_guard},
                                {NULL, NULL}};
  return qb_test_main("state_out", cases);
}
