/* test_mmio.c — Matrix Market: exact round trips (real/complex, general/symmetric), files
 * written by another program (scipy, tests/data/make_mm_files.py) against the dense
 * matrices the same script wrote, and malformed files rejected with their line number. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/mmio.h"

static uint64_t mix_state = 0x51A7E2385ULL;
static double unif(void) {
  uint64_t z = (mix_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

/* A scratch file name unique to this process. */
static void tmp_path(char *buf, size_t n, const char *tag) {
  snprintf(buf, n, "/tmp/qbath_test_mmio_%ld_%s.mtx", (long)getpid(), tag);
}

static int same_csr(const qb_csr *A, const qb_csr *B) {
  if (A->nrows != B->nrows || A->ncols != B->ncols || A->dtype != B->dtype) return 0;
  qb_idx nnz = qb_csr_nnz(A);
  return nnz == qb_csr_nnz(B) &&
         !memcmp(A->rowptr, B->rowptr, ((size_t)A->nrows + 1) * sizeof(qb_idx)) &&
         !memcmp(A->colind, B->colind, (size_t)nnz * sizeof(qb_idx)) &&
         !memcmp(A->val, B->val, (size_t)nnz * qb_dtype_size(A->dtype));
}

/* Random n x n matrix; Hermitian (symmetric) when herm. Values of "high entropy", some
 * tiny and huge, to test the 17 digits. */
static qb_csr *random_matrix(qb_idx n, qb_dtype t, int herm) {
  qb_idx row[400], col[400];
  qb_cplx val[400];
  double re[400];
  int m = 0;
  for (int k = 0; k < 150; k++) {
    qb_idx i = (qb_idx)((unif() + 1) / 2 * n) % n, j = (qb_idx)((unif() + 1) / 2 * n) % n;
    double scale = k % 7 == 0 ? 1e-300 : k % 11 == 0 ? 1e300 : 2.385;
    qb_cplx z = scale * unif() + (t == QB_COMPLEX && !(herm && i == j) ? scale * unif() * I : 0);
    row[m] = i; col[m] = j; val[m] = z; re[m++] = creal(z);
    if (herm) { row[m] = j; col[m] = i; val[m] = conj(z); re[m++] = creal(z); }
  }
  qb_csr *A;
  qb_err e;
  qb_csr_from_triplets(n, n, m, row, col, t == QB_REAL ? (void *)re : (void *)val, t, &A, &e);
  return A;
}

static void round_trip(qb_dtype t, qb_mmio_symmetry sym) {
  char path[256];
  tmp_path(path, sizeof path, "rt");
  qb_csr *A = random_matrix(23, t, sym == QB_MM_SYMMETRIC), *B;
  qb_err e;
  QB_ASSERT_OK(qb_mmio_write(path, A, sym, &e), &e);
  QB_ASSERT_OK(qb_mmio_read(path, &B, &e), &e);
  CU_ASSERT(same_csr(A, B)); /* bit for bit */
  qb_csr_free(A);
  qb_csr_free(B);
  remove(path);
}

static void test_round_trip(void) {
  round_trip(QB_REAL, QB_MM_GENERAL);
  round_trip(QB_REAL, QB_MM_SYMMETRIC);
  round_trip(QB_COMPLEX, QB_MM_GENERAL);
  round_trip(QB_COMPLEX, QB_MM_SYMMETRIC);
}

/* Reads tests/data/<name>.dense.txt: "rows cols is_complex", then the entries. */
static qb_cplx *read_expected(const char *path, qb_idx *nr, qb_idx *nc) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  long r, c;
  int cplx;
  qb_cplx *d = NULL;
  if (fscanf(f, "%ld %ld %d", &r, &c, &cplx) == 3) {
    d = qb_malloc((size_t)(r * c) * sizeof *d);
    for (long k = 0; k < r * c; k++) {
      double re = NAN, im = 0;
      if (fscanf(f, "%lf", &re) != 1 || (cplx && fscanf(f, "%lf", &im) != 1)) re = NAN;
      d[k] = re + im * I;
    }
    *nr = r;
    *nc = c;
  }
  fclose(f);
  return d;
}

static void check_scipy_file(const char *name, qb_dtype expect_type) {
  const char *src = getenv("QBATH_SOURCE_DIR");
  CU_ASSERT_PTR_NOT_NULL_FATAL(src);
  char mtx[1024], txt[1024];
  snprintf(mtx, sizeof mtx, "%s/tests/data/%s.mtx", src, name);
  snprintf(txt, sizeof txt, "%s/tests/data/%s.dense.txt", src, name);
  qb_idx nr = 0, nc = 0;
  qb_cplx *want = read_expected(txt, &nr, &nc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(want);
  qb_csr *A;
  qb_err e;
  QB_ASSERT_OK(qb_mmio_read(mtx, &A, &e), &e);
  CU_ASSERT_EQUAL(A->nrows, nr);
  CU_ASSERT_EQUAL(A->ncols, nc);
  CU_ASSERT_EQUAL(A->dtype, expect_type);
  qb_cplx *got = qb_malloc((size_t)(nr * nc) * sizeof *got);
  qb_csr_make_complex(A, &e);
  qb_csr_to_dense(A, got, &e);
  int equal = 1;
  for (qb_idx k = 0; k < nr * nc; k++) equal &= got[k] == want[k]; /* both correctly rounded */
  if (!equal) printf("\n  %s differs from %s\n", mtx, txt);
  CU_ASSERT(equal);
  qb_free(got);
  qb_free(want);
  qb_csr_free(A);
}

static void test_scipy_files(void) {
  check_scipy_file("real_symmetric", QB_REAL);
  check_scipy_file("complex_hermitian", QB_COMPLEX);
  check_scipy_file("real_general", QB_REAL);
  check_scipy_file("integer_general", QB_REAL);
  check_scipy_file("pattern_general", QB_REAL);
  /* Dense numpy arrays: scipy writes the array format (issue 23 item 3). */
  check_scipy_file("array_real_general", QB_REAL);
  check_scipy_file("array_real_symmetric", QB_REAL);
  check_scipy_file("array_real_skew", QB_REAL);
  check_scipy_file("array_complex_hermitian", QB_COMPLEX);
  check_scipy_file("array_complex_general", QB_COMPLEX);
}

/* Writes text to a scratch file, reads it, expects QB_ERR_INPUT naming ":line:". */
static void expect_bad(const char *text, int line) {
  char path[256], want[300];
  tmp_path(path, sizeof path, "bad");
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  qb_csr *A = (qb_csr *)1;
  qb_err e;
  qb_err_clear(&e);
  CU_ASSERT_EQUAL(qb_mmio_read(path, &A, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(A);
  snprintf(want, sizeof want, "%s:%d:", path, line);
  if (!strstr(e.msg, want)) printf("\n  message '%s' lacks '%s'\n", e.msg, want);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
  remove(path);
}

static void test_malformed(void) {
  const char *head = "%%MatrixMarket matrix coordinate real general\n% comment\n";
  char buf[512];
  snprintf(buf, sizeof buf, "%s3 3 2\n1 1 1.0\n2 x 2.0\n", head);
  expect_bad(buf, 5); /* malformed entry */
  snprintf(buf, sizeof buf, "%s3 3 2\n1 1 1.0\n\n4 1 2.0\n", head);
  expect_bad(buf, 6); /* row out of range, after a blank line */
  snprintf(buf, sizeof buf, "%s3 3 2\n1 1 1.0\n0 1 2.0\n", head);
  expect_bad(buf, 5); /* index 0: Matrix Market is 1-based */
  snprintf(buf, sizeof buf, "%s3 3 3\n1 1 1.0\n2 2 2.0\n", head);
  expect_bad(buf, 5); /* too few entries: the last line read */
  snprintf(buf, sizeof buf, "%s3 3 1\n1 1 1.0\n2 2 2.0\n", head);
  expect_bad(buf, 5); /* too many entries */
  snprintf(buf, sizeof buf, "%s3 3\n", head);
  expect_bad(buf, 3); /* bad size line */
  snprintf(buf, sizeof buf, "%s3 3 1\n1 1 1.0 7\n", head);
  expect_bad(buf, 4); /* trailing value */
  expect_bad("%%MatrixMarket matrix coordinate real hermitian\n2 2 0\n", 1);
  expect_bad("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 3\n", 3);
  expect_bad("%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n", 2);
  expect_bad("hello\n", 1);
  expect_bad("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", 5); /* 3 of 4 values */
  expect_bad("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n5\n", 7); /* 5 values */
  expect_bad("%%MatrixMarket matrix array real general\n2 2 4\n", 2); /* coordinate size line */
  expect_bad("%%MatrixMarket matrix array pattern general\n2 2\n", 1);
  expect_bad("%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 1\n3 0.5\n", 5);
  expect_bad("%%MatrixMarket matrix array real general\n2 2\n1\nnan\n3\n4\n", 4);
  expect_bad("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 inf\n", 3);
  expect_bad("%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 2 0 -NaN\n", 3);
  expect_bad("%%MatrixMarket matrix array real general\n4000000000 4000000000\n", 2);
  qb_csr *A;
  qb_err e;
  CU_ASSERT_EQUAL(qb_mmio_read("/dev/zero", &A, &e), QB_ERR_INPUT); /* would never end */
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "/dev/zero: not a regular file"));
  CU_ASSERT_EQUAL(qb_mmio_read("/nonexistent/x.mtx", &A, &e), QB_ERR_IO);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "/nonexistent/x.mtx"));
}

/* Skew-symmetric and symmetric mirroring, and comments/blank lines between entries. */
static void test_symmetries(void) {
  char path[256];
  tmp_path(path, sizeof path, "sym");
  FILE *f = fopen(path, "w");
  fputs("%%MatrixMarket matrix coordinate integer skew-symmetric\n%c\n3 3 2\n2 1 5\n%x\n\n3 2 -2\n", f);
  fclose(f);
  qb_csr *A;
  qb_err e;
  QB_ASSERT_OK(qb_mmio_read(path, &A, &e), &e);
  double d[9], want[9] = {0, -5, 0, 5, 0, 2, 0, -2, 0};
  qb_csr_to_dense(A, d, &e);
  CU_ASSERT(!memcmp(d, want, sizeof d));
  qb_csr_free(A);
  remove(path);
}

/* Every allocation failure of a read is QB_ERR_NOMEM without leaks. */
static void test_alloc_failures(void) {
  char path[256];
  tmp_path(path, sizeof path, "nomem");
  qb_csr *A = random_matrix(9, QB_COMPLEX, 1), *B = NULL;
  qb_err e;
  QB_ASSERT_OK(qb_mmio_write(path, A, QB_MM_SYMMETRIC, &e), &e);
  qb_status st = QB_ERR_NOMEM;
  for (long k = 0; k < 100 && st != QB_OK; k++) {
    qb_alloc_fail_after(k);
    st = qb_mmio_read(path, &B, &e);
    qb_alloc_fail_after(-1);
    if (st != QB_OK) CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
  }
  CU_ASSERT_EQUAL_FATAL(st, QB_OK);
  CU_ASSERT(same_csr(A, B));
  qb_csr_free(A);
  qb_csr_free(B);
  remove(path);
}

int main(void) {
  const qb_test_case cases[] = {{"round trip, exact", test_round_trip},
                                {"files written by scipy", test_scipy_files},
                                {"malformed files name the line", test_malformed},
                                {"skew-symmetric mirroring", test_symmetries},
                                {"allocation failures", test_alloc_failures},
                                {NULL, NULL}};
  return qb_test_main("mmio", cases);
}
