/* test_defaults.c — every default is a working choice (issue 18 item 13): a minimal
 * input for each time-domain observable and each eigen path, with every other key left
 * at its default, loads and validates. [spectral] method defaulted to kpm, which the
 * infinite-temperature spectral function does not support: `observe = spectral` alone
 * failed validation. */
#include <stdio.h>

#include "campaign_test_util.h"
#include "harness.h"

static void expect_valid(const char *name, const char *model, const char *extra) {
  char text[1024];
  snprintf(text, sizeof text, "[run]\nrealizations = 1\n[model]\ntype = %s\n%s[output]\n"
           "file = unused.h5\n", model, extra);
  qb_campaign *c = NULL;
  qb_err e;
  qb_status st = ct_load_text(name, text, &c, &e);
  if (st != QB_OK) printf("\n  %s: %s\n", name, e.msg);
  CU_ASSERT_EQUAL(st, QB_OK);
  qb_campaign_free(c);
}

#define CHAIN "L = 6\nterms = XX:1, YY:1, ZZ:0.5\n"

static void test_time_domain_observables(void) {
  static const char *const obs[] = {"survival", "survival_eig", "autocorr", "spectral"};
  for (int i = 0; i < 4; i++) {
    char extra[256];
    snprintf(extra, sizeof extra, CHAIN "[evolve]\nobserve = %s\n", obs[i]);
    expect_valid(obs[i], "spin_chain", extra);
  }
  expect_valid("rm_survival", "random_matrix", "N = 20\n[evolve]\nobserve = survival\n");
}

static void test_eigen_paths(void) {
  expect_valid("chain_eigen", "spin_chain", CHAIN);
  expect_valid("rm_eigen", "random_matrix", "N = 20\n");
  expect_valid("grain", "grain_spins", "N = 3\nM = 2\n");
  expect_valid("level_dot", "level_dot", "N = 21\n");
}

int main(void) {
  const qb_test_case cases[] = {{"each time-domain observable with defaults", test_time_domain_observables},
                                {"eigen paths with defaults", test_eigen_paths},
                                {NULL, NULL}};
  return qb_test_main("defaults", cases);
}
