/* test_campaign_input.c — input files: sweeps (cartesian, zip, linspace/logspace),
 * overrides, continuation lines, and every bad-input case through the qbath binary
 * (message names file:line and key, exit status 2, no result file written). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/campaign.h"

static qb_campaign *load(const char *name, const char *text, int nsets, char **sets) {
  char path[600];
  ct_write(ct_path(path, sizeof path, name), "%s", text);
  qb_campaign *c = NULL;
  qb_err err;
  qb_status st = qb_campaign_load_with(path, nsets, sets, qb_test_models, &c, &err);
  if (st != QB_OK) printf("\n  load failed: %s\n", err.msg);
  return c;
}

static void test_cartesian(void) {
  qb_campaign *c = load("cart.ini",
                        "[run]\nrealizations = 3\n[model]\ntype = toy\n"
                        "samples = 2, 3\nx = 1, 2, 3\n[output]\nfile = x.h5\n", 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(qb_campaign_npoints(c), 6);
  /* The first swept key in the file varies slowest. */
  for (int p = 0; p < 6; p++) {
    const qb_params *pp = qb_campaign_point(c, p);
    CU_ASSERT_EQUAL(qb_param_int(pp, "model", "samples"), 2 + p / 3);
    CU_ASSERT_EQUAL(qb_param_real(pp, "model", "x"), 1 + p % 3);
    CU_ASSERT_EQUAL(qb_param_real(pp, "model", "dt"), 0.5); /* default */
    CU_ASSERT_FALSE(qb_param_is_set(pp, "model", "dt"));
    CU_ASSERT_TRUE(qb_param_is_set(pp, "model", "x"));
  }
  CU_ASSERT_EQUAL(qb_campaign_realizations(c), 3);
  qb_campaign_free(c);
}

static void test_zip_and_spaces(void) {
  qb_campaign *c = load("zip.ini",
                        "[run]\nrealizations = 1\nzip = model.x model.dt\n[model]\ntype = toy\n"
                        "x = linspace(1, 2, 5)\ndt = logspace(0.01, 100, 5)\nsamples = 1, 2\n"
                        "[output]\nfile = x.h5\n", 0, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(qb_campaign_npoints(c), 10); /* 5 zipped x 2 */
  for (int p = 0; p < 10; p++) {
    const qb_params *pp = qb_campaign_point(c, p);
    int i = p / 2; /* the zip group is set first in the file: slowest */
    QB_ASSERT_CLOSE(qb_param_real(pp, "model", "x"), 1 + 0.25 * i, 1e-15);
    QB_ASSERT_CLOSE(log10(qb_param_real(pp, "model", "dt")), -2 + i, 1e-14);
    CU_ASSERT_EQUAL(qb_param_int(pp, "model", "samples"), 1 + p % 2);
  }
  /* Exact endpoints. */
  CU_ASSERT_EQUAL(qb_param_real(qb_campaign_point(c, 9), "model", "dt"), 100.0);
  qb_campaign_free(c);
}

static void test_overrides_and_continuation(void) {
  char *sets[] = {"model.x=7, 8", "run.seed=99"};
  qb_campaign *c = load("set.ini",
                        "[run]\nrealizations = 2\n[model]\ntype = toy\nx = 1\nsamples = 1,\n"
                        "   2,\n   3\n[output]\nfile = x.h5\n", 2, sets);
  CU_ASSERT_PTR_NOT_NULL_FATAL(c);
  CU_ASSERT_EQUAL(qb_campaign_npoints(c), 6);
  CU_ASSERT_EQUAL(qb_param_real(qb_campaign_point(c, 0), "model", "x"), 7);
  CU_ASSERT_EQUAL(qb_param_int(qb_campaign_point(c, 5), "model", "samples"), 3);
  CU_ASSERT_EQUAL(qb_param_int(qb_campaign_point(c, 0), "run", "seed"), 99);
  /* The overrides are part of the effective input text (compared on resume). */
  CU_ASSERT_PTR_NOT_NULL(strstr(qb_campaign_input_text(c), "--set model.x=7, 8"));
  qb_campaign_free(c);
}

static void test_edit_distance(void) {
  CU_ASSERT_EQUAL(qb_param_edit_distance("gamma", "gamma"), 0);
  CU_ASSERT_EQUAL(qb_param_edit_distance("gama", "gamma"), 1);
  CU_ASSERT_EQUAL(qb_param_edit_distance("kitten", "sitting"), 3);
  CU_ASSERT_EQUAL(qb_param_edit_distance("", "abc"), 3);
  CU_ASSERT_EQUAL(qb_param_edit_distance("ABC", "abc"), 0);
}

/* One bad input: runs `qbath CMD file`, expects exit 2, every needle in stderr, and no
 * result file. */
static void bad_case(const char *cmd, const char *name, const char *text, const char *set,
                     const char *needle1, const char *needle2) {
  char in[600], out[600], errf[600], h5[600];
  ct_path(in, sizeof in, name);
  ct_path(errf, sizeof errf, "stderr.txt");
  ct_path(out, sizeof out, "bad.h5");
  snprintf(h5, sizeof h5, "%s", out);
  remove(h5);
  if (text) {
    /* Inputs name the output file through %s so that a wrongly started run would show. */
    char buf[4096];
    snprintf(buf, sizeof buf, text, h5);
    ct_write(in, "%s", buf);
  }
  char *args[8];
  int n = 0;
  args[n++] = "qbath";
  args[n++] = (char *)cmd;
  if (set) args[n++] = "--set", args[n++] = (char *)set;
  args[n++] = in;
  args[n] = NULL;
  int rc = ct_run(args, NULL, errf);
  char *msg = ct_slurp(errf);
  int ok = rc == 2 && msg && strstr(msg, needle1) && (!needle2 || strstr(msg, needle2));
  if (!ok) printf("\n  case %s: exit %d, stderr: %s (wanted '%s' and '%s')\n", name, rc,
                  msg ? msg : "(none)", needle1, needle2 ? needle2 : "");
  CU_ASSERT_EQUAL(rc, 2);
  CU_ASSERT_TRUE(ok);
  CU_ASSERT_FALSE(ct_exists(h5));
  char j[700];
  snprintf(j, sizeof j, "%s.journal", h5);
  CU_ASSERT_FALSE(ct_exists(j));
  qb_free(msg);
}

#define GOOD_HEAD "[run]\nrealizations = 5\n[model]\ntype = toy\n"
#define OUT "[output]\nfile = %s\n"

static void test_bad_unknown(void) {
  bad_case("run", "b1.ini", GOOD_HEAD "[modle]\nx = 1\n" OUT, NULL, "b1.ini:5", "did you mean [model]");
  bad_case("run", "b2.ini", GOOD_HEAD "smaples = 3\n" OUT, NULL, "b2.ini:5: [model] smaples",
           "did you mean 'samples'");
  bad_case("run", "b3.ini", "[run]\nrealizations = 5\n[model]\ntype = toi\n" OUT, NULL, "b3.ini:4",
           "did you mean 'toy'");
}

static void test_bad_type_and_range(void) {
  bad_case("run", "b4.ini", GOOD_HEAD "samples = three\n" OUT, NULL, "b4.ini:5: [model] samples",
           "not an integer");
  bad_case("run", "b5.ini", GOOD_HEAD "x = 1.5.2\n" OUT, NULL, "b5.ini:5: [model] x", "not a real");
  bad_case("validate", "b6.ini", GOOD_HEAD "samples = 0\n" OUT, NULL, "b6.ini:5: [model] samples",
           "out of range");
  bad_case("run", "b7.ini", "[run]\nrealizations = -1\n[model]\ntype = toy\n" OUT, NULL,
           "b7.ini:2: [run] realizations", "out of range");
  bad_case("run", "b8.ini", GOOD_HEAD OUT "overwrite = maybe\n", NULL, "b8.ini:7: [output] overwrite",
           "true or false");
}

static void test_bad_missing_conflict_duplicate(void) {
  bad_case("run", "b9.ini", "[run]\nseed = 3\n[model]\ntype = toy\n" OUT, NULL, "b9.ini",
           "[run] realizations: missing required key");
  bad_case("run", "b10.ini", GOOD_HEAD "scale = 2\nlog_scale = 1\n" OUT, NULL,
           "b10.ini:6: [model] log_scale", "conflicts with scale set at");
  bad_case("run", "b11.ini", GOOD_HEAD "x = 1\nx = 2\n" OUT, NULL, "b11.ini:6: [model] x",
           "duplicate key");
  bad_case("run", "b12.ini", "[run]\nrealizations = 5\n" OUT, NULL, "b12.ini", "[model] type: missing");
}

static void test_bad_sweep_and_file(void) {
  bad_case("run", "b13.ini", GOOD_HEAD "x = linspace(1, 2, 0)\n" OUT, NULL, "b13.ini:5: [model] x",
           "empty sweep");
  bad_case("run", "b14.ini", GOOD_HEAD "x = 1,,2\n" OUT, NULL, "b14.ini:5: [model] x", "empty sweep");
  bad_case("run", "b15.ini", GOOD_HEAD "x = \n" OUT, NULL, "b15.ini:5: [model] x", "empty value");
  bad_case("run", "b16-missing.ini", NULL, NULL, "b16-missing.ini", "cannot read");
  bad_case("run", "b17.ini", "[run]\nrealizations = 5\nzip = model.x model.dt\n[model]\ntype = toy\n"
           "x = 1, 2\ndt = 1, 2, 3\n" OUT, NULL, "b17.ini:3: [run] zip", "equal lengths");
  bad_case("run", "b18.ini", GOOD_HEAD "this line has no equals sign\n" OUT, NULL, "b18.ini:5",
           "syntax error");
  bad_case("run", "b19.ini", GOOD_HEAD OUT "realizations = 3\n", NULL, "b19.ini:7: [output] realizations",
           "belongs in [run]"); /* the section it belongs in, for this model */
  bad_case("run", "b20.ini", GOOD_HEAD OUT, "model.samples=-4", "--set model.samples",
           "out of range");
  bad_case("run", "b22.ini", "[run]\nrealizations = 5\nmemory_limit = 1e-12\n[model]\ntype = toy\n" OUT, NULL, "b22.ini", "more than the limit");
  bad_case("run", "b21.ini", "[run]\nrealizations = 5, 6\n[model]\ntype = toy\n" OUT, NULL,
           "b21.ini:2: [run] realizations", "cannot be swept");
}

/* Every allocation of loading fails in turn: each failure is QB_ERR_NOMEM and frees its
 * partial work (ASan's leak check in the sanitizer build). */
static void test_alloc_failures(void) {
  char path[600];
  ct_write(ct_path(path, sizeof path, "alloc.ini"),
           "[run]\nrealizations = 3\nzip = model.x model.dt\n[model]\ntype = toy\n"
           "x = 1, 2\ndt = 0.1, 0.2\nsamples = linspace(2, 4, 3)\n[output]\nfile = a.h5\n");
  char *sets[] = {"model.work=3"};
  int failures = 0;
  for (long k = 0; k < 100000; k++) {
    qb_campaign *c = NULL;
    qb_err err;
    qb_alloc_fail_after(k);
    qb_status st = qb_campaign_load_with(path, 1, sets, qb_test_models, &c, &err);
    qb_alloc_fail_after(-1);
    if (st == QB_OK) {
      CU_ASSERT_EQUAL(qb_campaign_npoints(c), 6);
      qb_campaign_free(c);
      break;
    }
    failures++;
    if (st != QB_ERR_NOMEM) printf("\n  allocation %ld: status %d: %s\n", k, (int)st, err.msg);
    CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
    CU_ASSERT_PTR_NULL(c);
  }
  CU_ASSERT(failures > 10);
}

/* tests/data/toy.ini, the test model's sample campaign, validates with the test CLI this
 * suite runs (QBATH_BINARY is qbath_test; test_cli checks that qbath refuses it). */
static void test_toy_input_validates(void) {
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  char in[1024], out[600];
  snprintf(in, sizeof in, "%s/tests/data/toy.ini", src);
  char *args[] = {"qbath_test", "validate", in, NULL};
  CU_ASSERT_EQUAL(ct_run(args, ct_path(out, sizeof out, "toy_validate.txt"), NULL), 0);
  CU_ASSERT_TRUE(ct_file_contains(out, "toy.ini: valid"));
}

int main(void) {
  const qb_test_case cases[] = {{"cartesian sweep", test_cartesian},
                                {"zip, linspace, logspace", test_zip_and_spaces},
                                {"--set and continuation lines", test_overrides_and_continuation},
                                {"edit distance", test_edit_distance},
                                {"bad: unknown section/key/model", test_bad_unknown},
                                {"bad: type and range", test_bad_type_and_range},
                                {"bad: missing, conflict, duplicate", test_bad_missing_conflict_duplicate},
                                {"bad: sweeps, files, syntax, --set", test_bad_sweep_and_file},
                                {"every allocation failure", test_alloc_failures},
                                {"tests/data/toy.ini validates", test_toy_input_validates},
                                {NULL, NULL}};
  return qb_test_main("campaign_input", cases);
}
