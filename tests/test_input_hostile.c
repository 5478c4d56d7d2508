/* test_input_hostile.c — inputs a hostile user writes (issue 18 items 3, 9, 11): each is
 * refused by `qbath validate` with exit status 2 and a message naming file:line, without
 * overflowing a buffer, reading forever or taking quadratic time. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "campaign_test_util.h"
#include "harness.h"

#define HEAD "[run]\nrealizations = 5\n[model]\ntype = toy\n"
#define TAIL "[output]\nfile = never.h5\n"

/* Writes len bytes (NULs allowed) to name, runs `qbath validate`, expects exit 2 and both
 * needles in stderr (needle1 is prefixed with the file name). */
static void expect_bad(const char *name, const char *bytes, size_t len, const char *needle1,
                       const char *needle2) {
  char in[600], errf[600], want[700];
  ct_path(in, sizeof in, name);
  ct_path(errf, sizeof errf, "hostile_stderr.txt");
  FILE *f = fopen(in, "wb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  fwrite(bytes, 1, len, f);
  fclose(f);
  snprintf(want, sizeof want, "%s%s", name, needle1);
  char *args[] = {"qbath", "validate", in, NULL};
  int rc = ct_run(args, NULL, errf);
  char *msg = ct_slurp(errf);
  int ok = rc == 2 && msg && strstr(msg, want) && (!needle2 || strstr(msg, needle2));
  if (!ok) printf("\n  %s: exit %d, stderr: %s (wanted '%s', '%s')\n", name, rc, msg ? msg : "",
                  want, needle2 ? needle2 : "");
  CU_ASSERT_TRUE(ok);
  qb_free(msg);
}

static void expect_bad_text(const char *name, const char *text, const char *n1, const char *n2) {
  expect_bad(name, text, strlen(text), n1, n2);
}

/* Item 3: text after linspace(...) overflowed an 8-byte buffer (seen by ASan). */
static void test_sweep_tail(void) {
  expect_bad_text("tail1.ini", HEAD "x = linspace(0, 1, 3)abcdefgh\n" TAIL, ":5: [model] x",
                  "expected linspace(first, last, count)");
  expect_bad_text("tail2.ini", HEAD "x = logspace(1, 2, 3) abcdefghijklmnopqrstuvwxyz0123456789\n"
                  TAIL, ":5: [model] x", "expected logspace");
  expect_bad_text("tail3.ini", HEAD "x = linspace(0, 1, 3\n" TAIL, ":5: [model] x", "expected");
}

/* Item 9: a NUL byte silently truncated the input; /dev/zero was read until memory ran out. */
static void test_nul_and_size(void) {
  const char nul[] = "[run]\nrealizations = 5\n[model]\ntype = toy\nx = 1\0 and more\n" TAIL;
  expect_bad("nul.ini", nul, sizeof nul - 1, ":5: NUL byte", NULL);
  char errf[600];
  ct_path(errf, sizeof errf, "zero_stderr.txt");
  char *args[] = {"qbath", "validate", "/dev/zero", NULL};
  int rc = ct_run(args, NULL, errf);
  char *msg = ct_slurp(errf);
  CU_ASSERT_EQUAL(rc, 2);
  CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "/dev/zero: input file larger than"));
  qb_free(msg);
  /* Just over the limit in comments: refused by size, not by content. */
  size_t n = (1u << 20) + 2;
  char *big = qb_malloc(n);
  CU_ASSERT_PTR_NOT_NULL_FATAL(big);
  memset(big, '#', n);
  for (size_t i = 79; i < n; i += 80) big[i] = '\n';
  expect_bad("big.ini", big, n, ": input file larger than 1048576 bytes", NULL);
  qb_free(big);
}

/* Item 11: INI leniency. */
static void test_structure(void) {
  expect_bad_text("junk1.ini", "[run] junk\nrealizations = 5\n[model]\ntype = toy\n" TAIL,
                  ":1: text after the section header [run]", "'junk'");
  expect_bad_text("junk2.ini", HEAD "junk\n" TAIL, ":5: syntax error", NULL);
  expect_bad_text("repeat.ini", HEAD "[run]\nseed = 3\n" TAIL, ":5: section [run] repeated",
                  "first at line 1");
  expect_bad_text("before.ini", "\n# comment\nseed = 3\n" HEAD TAIL, ":3: 'seed = 3' before any "
                  "[section]", NULL);
  /* The first error in the file wins, whichever check finds it. */
  expect_bad_text("order1.ini", HEAD "x = 1\nx = 2\n[run]\n" TAIL, ":6: [model] x", "duplicate");
  expect_bad_text("order2.ini", HEAD "[run]\n" "[model]\nx = 1\nx = 2\n" TAIL, ":5: section [run]",
                  NULL);
  /* Comments after a header stay allowed. */
  qb_campaign *c = NULL;
  qb_err e;
  QB_ASSERT_OK(ct_load_text("comment", "[run] ; the runner\nrealizations = 2\n[model] # toy\n"
                            "type = toy\n[output]\nfile = x.h5\n", &c, &e), &e);
  qb_campaign_free(c);
}

/* Item 11: 10^5 distinct keys took 18 s (a quadratic duplicate check); now linear
 * (0.05 s). Processor time, not wall time, so that a loaded machine does not fail it; the
 * bound is 60x the linear time and 1/6 of the quadratic one. */
static void test_many_keys(void) {
  enum { NKEYS = 100000 };
  size_t cap = (size_t)NKEYS * 24 + 256, n = 0;
  char *text = qb_malloc(cap);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  n += (size_t)snprintf(text + n, cap - n, "[run]\nrealizations = 5\n[model]\ntype = toy\n");
  /* Short base-36 names keep 10^5 keys under the 1 MiB input limit. */
  for (int i = 0; i < NKEYS; i++) {
    char name[8];
    int v = i, l = 0;
    do name[l++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36], v /= 36; while (v);
    n += (size_t)snprintf(text + n, cap - n, "k%.*s=0\n", l, name);
  }
  n += (size_t)snprintf(text + n, cap - n, "kh=1\n"); /* kh is key number 17 */
  char path[600];
  ct_write(ct_path(path, sizeof path, "many.ini"), "%s", text);
  qb_free(text);
  qb_campaign *c = NULL;
  qb_err e;
  clock_t t0 = clock();
  qb_status st = qb_campaign_load_with(path, 0, NULL, qb_test_models, &c, &e);
  double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
  CU_ASSERT_EQUAL(st, QB_ERR_INPUT);
  /* The duplicate at the end is found (the parser read every key before the checks). */
  int found = strstr(e.msg, ":100005: [model] kh: duplicate key (first set at line 22)") != NULL;
  if (!found) printf("\n  message: %s\n", e.msg);
  CU_ASSERT_TRUE(found);
  if (s > 3.0) printf("\n  10^5 keys loaded in %.2f s of processor time\n", s);
  CU_ASSERT(s < 3.0);
}

int main(void) {
  const qb_test_case cases[] = {{"sweep text after linspace(...)", test_sweep_tail},
                                {"NUL byte and size limit", test_nul_and_size},
                                {"section header junk, repeats, key before section", test_structure},
                                {"10^5 keys in linear time", test_many_keys},
                                {NULL, NULL}};
  return qb_test_main("input_hostile", cases);
}
