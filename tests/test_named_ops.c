/* test_named_ops.c — issue 23: [observables] named operators and [evolve] initial states.
 * tests/data/check_named_ops.py compares with scipy/numpy (acceptance 2: <O(t)> of the
 * staggered magnetization from the Neel state at L = 14 to 1e-8, and the .npy vector and
 * the product string 'udud...' give identical rows; the diagonal ensemble and <n|O|n>);
 * here too: the input errors name the key and say what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"

static const char *bin(void) { return getenv("QBATH_BINARY") ? getenv("QBATH_BINARY") : "../qbath"; }

static int run_case(const char *name) {
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/data/check_named_ops.py %s %s %s", src, bin(),
           ct_tmpdir(), name);
  return system(cmd);
}

static void test_expect_vs_scipy(void) { CU_ASSERT_EQUAL(run_case("expect"), 0); }
static void test_diagonal_vs_numpy(void) { CU_ASSERT_EQUAL(run_case("diagonal"), 0); }

/* `qbath validate` on a spin chain with extra lines: exit status 2 and every fragment. */
static void expect_refused(const char *extra, const char *f1, const char *f2) {
  static int count;
  char in[700], out[700], name[64], cmd[2048];
  snprintf(name, sizeof name, "bad_%d.ini", count++);
  ct_path(in, sizeof in, name);
  ct_path(out, sizeof out, "bad.txt");
  ct_write(in, "[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = 6\nterms = XX:1, YY:1\n"
               "[eigen]\nmethod = none\n%s[output]\nfile = %s/bad.h5\n", extra, ct_tmpdir());
  snprintf(cmd, sizeof cmd, "%s validate %s > %s 2>&1", bin(), in, out);
  int rc = system(cmd);
  CU_ASSERT(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
  char *t = ct_slurp(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  if (!strstr(t, f1) || !strstr(t, f2)) printf("\n  '%s' lacks '%s' or '%s'\n", t, f1, f2);
  CU_ASSERT_PTR_NOT_NULL(strstr(t, f1));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, f2));
  qb_free(t);
}

static void test_refused(void) {
  char npy[700], npy2[700], buf[2048];
  expect_refused("[evolve]\nobserve = survival\ninitial = udu\n", "[evolve] initial = 'udu'",
                 "product state of 6 letters u/d");
  expect_refused("[evolve]\nobserve = expect\n", "[evolve] observe", "name at least one");
  expect_refused("[observables]\nm = Z:1\n[evolve]\nobserve = autocorr\noperator = q\n",
                 "[evolve] operator = 'q'", "no operator 'q' in [observables]");
  expect_refused("[observables]\nm = Q:1\n[evolve]\nobserve = expect\n", "[observables] m = 'Q:1'",
                 "OPS 'Q'");
  /* a vector of the wrong length, and one not normalized (the .npy header written here) */
  ct_path(npy, sizeof npy, "short.npy");
  ct_path(npy2, sizeof npy2, "unnormalized.npy");
  snprintf(buf, sizeof buf, "/usr/bin/python3 -c \"import numpy as np; np.save('%s', np.ones(8) / 8**0.5); "
           "np.save('%s', np.ones(64))\"", npy, npy2);
  CU_ASSERT_EQUAL_FATAL(system(buf), 0);
  snprintf(buf, sizeof buf, "[evolve]\nobserve = survival\ninitial = %s\n", npy);
  expect_refused(buf, "8 entries", "dimension 64");
  snprintf(buf, sizeof buf, "[evolve]\nobserve = survival\ninitial = %s\n", npy2);
  expect_refused(buf, "norm^2 = 64", "normalize it");
}

int main(void) {
  const qb_test_case cases[] = {{"<O(t)> from Neel, product string, .npy vs scipy", test_expect_vs_scipy},
                                {"diagonal ensemble and <n|O|n> vs numpy", test_diagonal_vs_numpy},
                                {"bad operators and initial states refused", test_refused},
                                {NULL, NULL}};
  return qb_test_main("named_ops", cases);
}
