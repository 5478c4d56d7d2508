/* test_mmio_checks.c — Matrix Market inputs a hostile user writes (issue 18 items 2, 8):
 * a size line claiming ~2^61 entries is a clean error (it overflowed the reader's buffer
 * size); `qbath validate` checks the whole file (banner, entries, indices, NaN/Inf,
 * Hermiticity) and names the file and line of the bad entry; a failed run leaves nothing
 * that blocks the corrected re-run. */
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/mmio.h"

/* Entry count 2^61 + 1: 2 * nent + 1 entries of 16 bytes wrapped to a tiny buffer. */
static void test_huge_entry_count(void) {
  char path[600];
  ct_write(ct_path(path, sizeof path, "huge.mtx"),
           "%%%%MatrixMarket matrix coordinate complex hermitian\n3 3 2305843009213693953\n"
           "1 1 1 0\n2 1 0.5 0.25\n3 2 1 1\n3 3 2 0\n");
  qb_csr *A = NULL;
  qb_err e;
  CU_ASSERT_EQUAL(qb_mmio_read(path, &A, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(A);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "huge.mtx:6: end of file after 4 of 2305843009213693953"));
}

/* A Hermitian 3 x 3 matrix with entry line 6 (1-based) replaced by bad. */
static void write_mtx(const char *path, const char *bad) {
  ct_write(path, "%%%%MatrixMarket matrix coordinate complex general\n%% a comment\n3 3 5\n"
           "1 1 1.5 0\n2 1 0.25 0.5\n%s\n2 2 -1 0\n3 3 2 0\n", bad ? bad : "1 2 0.25 -0.5");
}

/* `qbath CMD input` exits 2 and names the matrix file:line; no output, no journal. */
static void expect_refused(const char *cmd, const char *bad, const char *needle) {
  char mtx[600], in[600], out[600], journal[700], errf[600], want[700];
  ct_path(mtx, sizeof mtx, "m.mtx");
  ct_path(out, sizeof out, "m.h5");
  ct_path(errf, sizeof errf, "m_stderr.txt");
  write_mtx(mtx, bad);
  ct_write(ct_path(in, sizeof in, "m.ini"), "[run]\nrealizations = 1\n[model]\ntype = matrix_market\n"
           "file = %s\n[eigen]\nnev = 3\n[output]\nfile = %s\n", mtx, out);
  char *args[] = {"qbath", (char *)cmd, in, NULL};
  int rc = ct_run(args, NULL, errf);
  char *msg = ct_slurp(errf);
  snprintf(want, sizeof want, "%s%s", mtx, needle);
  int ok = rc == 2 && msg && strstr(msg, "m.ini:5: [model] file") && strstr(msg, want);
  if (!ok) printf("\n  %s with '%s': exit %d, stderr %s (wanted '%s')\n", cmd, bad, rc, msg, want);
  CU_ASSERT_TRUE(ok);
  snprintf(journal, sizeof journal, "%s.journal", out);
  CU_ASSERT_FALSE(ct_exists(out));
  CU_ASSERT_FALSE(ct_exists(journal));
  qb_free(msg);
}

static void test_validate_checks_content(void) {
  expect_refused("validate", "1 2 0.25 0.5", ":6: matrix is not Hermitian: A(1,2) = 0.25+0.5i but "
                 "A(2,1) = 0.25+0.5i");
  expect_refused("validate", "1 2 nan 0", ":6: entry '1 2 nan 0' is not a finite number");
  expect_refused("validate", "1 2 0 inf", ":6: entry '1 2 0 inf' is not a finite number");
  expect_refused("validate", "1 4 0.25 -0.5", ":6: index (1, 4) outside the 3 x 3 matrix");
  expect_refused("validate", "1 2 0.25", ":6: malformed entry");
  expect_refused("validate", "% only a comment", ":8: end of file after 4 of 5 entries");
  expect_refused("validate", "3 1 1 0", ":6: matrix is not Hermitian: A(3,1)");
  expect_refused("validate", "3 3 1 0", ":5: matrix is not Hermitian: A(2,1) = 0.25+0.5i but A(1,2) "
                 "= 0+0i"); /* mirror missing */
}

/* A run refused for its matrix leaves nothing behind: the corrected file runs at once. */
static void test_rerun_after_fix(void) {
  expect_refused("run", "1 2 nan 0", ":6: entry '1 2 nan 0' is not a finite number");
  char mtx[600], in[600];
  write_mtx(ct_path(mtx, sizeof mtx, "m.mtx"), NULL);
  ct_path(in, sizeof in, "m.ini");
  char *args[] = {"qbath", "run", "--quiet", in, NULL};
  CU_ASSERT_EQUAL(ct_run(args, NULL, NULL), 0);
}

int main(void) {
  const qb_test_case cases[] = {{"entry count near 2^61", test_huge_entry_count},
                                {"validate checks the matrix content", test_validate_checks_content},
                                {"a refused run does not block the re-run", test_rerun_after_fix},
                                {NULL, NULL}};
  return qb_test_main("mmio_checks", cases);
}
