/* test_csr.c — CSR assembly, dense copy, Hermiticity, partition and the fused SpMV in all
 * three type combinations against naive dense products; bitwise thread independence;
 * every allocation failure path of the assembly. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/bounds.h"
#include "qbath/csr.h"

/* Test-local generator (splitmix64), independent of the library's RNG. */
static uint64_t mix_state = 0x2385A1B2C3D4E5F6ULL;
static uint64_t mix64(void) {
  uint64_t z = (mix_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double unif(void) { return (double)(mix64() >> 11) * 0x1.0p-53 * 2.0 - 1.0; }
static qb_idx randint(qb_idx n) { return (qb_idx)(mix64() % (uint64_t)n); }

/* Random triplets with very uneven rows (0 to ~3*mean entries) and duplicates. */
typedef struct {
  qb_idx nrows, ncols, n;
  qb_idx *row, *col;
  qb_cplx *val;   /* complex values; the real part alone is used for real matrices */
  double *re;     /* real parts */
} triplets;

static triplets make_triplets(qb_idx nrows, qb_idx ncols, qb_idx mean) {
  triplets t = {nrows, ncols, 0, NULL, NULL, NULL, NULL};
  qb_idx cap = nrows * mean * 4 + 1;
  t.row = qb_malloc((size_t)cap * sizeof *t.row);
  t.col = qb_malloc((size_t)cap * sizeof *t.col);
  t.val = qb_malloc((size_t)cap * sizeof *t.val);
  t.re = qb_malloc((size_t)cap * sizeof *t.re);
  for (qb_idx i = 0; i < nrows; i++) {
    qb_idx len = (i % 7 == 3) ? 0 : randint(3 * mean); /* some empty rows */
    if (i % 11 == 5) len = 3 * mean;                   /* some long rows */
    for (qb_idx k = 0; k < len && t.n < cap; k++) {
      t.row[t.n] = i;
      t.col[t.n] = (k % 5 == 4 && t.n > 0 && t.row[t.n - 1] == i) ? t.col[t.n - 1] : randint(ncols);
      t.val[t.n] = 2.385 * unif() + 1.7 * unif() * I;
      t.re[t.n] = creal(t.val[t.n]);
      t.n++;
    }
  }
  return t;
}

static void free_triplets(triplets *t) {
  qb_free(t->row); qb_free(t->col); qb_free(t->val); qb_free(t->re);
}

/* Dense reference: triplets summed into a row-major array, in input order. */
static qb_cplx *dense_of(const triplets *t) {
  qb_cplx *d = qb_calloc((size_t)(t->nrows * t->ncols), sizeof *d);
  for (qb_idx k = 0; k < t->n; k++) d[t->row[k] * t->ncols + t->col[k]] += t->val[k];
  return d;
}

static void test_triplets_hand_built(void) {
  /* 3 x 4 with duplicates, an explicit zero, an empty row, and unsorted columns. */
  const qb_idx row[] = {2, 0, 0, 2, 0, 2, 0};
  const qb_idx col[] = {3, 2, 0, 0, 2, 3, 1};
  const double val[] = {1.5, 2.0, -1.25, 4.0, 0.5, -1.5, 0.0};
  const double expect[3][4] = {{-1.25, 0.0, 2.5, 0.0}, {0, 0, 0, 0}, {4.0, 0.0, 0.0, 0.0}};
  qb_csr *A;
  qb_err e;
  QB_ASSERT_OK(qb_csr_from_triplets(3, 4, 7, row, col, val, QB_REAL, &A, &e), &e);
  CU_ASSERT_EQUAL(qb_csr_nnz(A), 5); /* (0,0) (0,1)=0 kept, (0,2), (2,0), (2,3)=0 kept */
  double d[12];
  QB_ASSERT_OK(qb_csr_to_dense(A, d, &e), &e);
  CU_ASSERT(memcmp(d, expect, sizeof d) == 0);
  const qb_idx rp[] = {0, 3, 3, 5}, ci[] = {0, 1, 2, 0, 3};
  CU_ASSERT(memcmp(A->rowptr, rp, sizeof rp) == 0);
  CU_ASSERT(memcmp(A->colind, ci, sizeof ci) == 0);
  for (qb_idx i = 0; i < 3; i++) /* qb_csr_get: stored, stored zero and absent entries */
    for (qb_idx j = 0; j < 4; j++) CU_ASSERT(qb_csr_get(A, i, j) == expect[i][j]);
  qb_csr *B;
  QB_ASSERT_OK(qb_csr_copy(A, &B, &e), &e);
  QB_ASSERT_OK(qb_csr_make_complex(B, &e), &e);
  qb_cplx z[12];
  QB_ASSERT_OK(qb_csr_to_dense(B, z, &e), &e);
  for (int k = 0; k < 12; k++) CU_ASSERT(z[k] == d[k]);
  for (int k = 0; k < 12; k++) CU_ASSERT(qb_csr_get(B, k / 4, k % 4) == z[k]);
  qb_csr_free(B);
  qb_csr_free(A);
  const qb_idx badrow[] = {3};
  CU_ASSERT_EQUAL(qb_csr_from_triplets(3, 4, 1, badrow, col, val, QB_REAL, &A, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(A);
  CU_ASSERT_PTR_NULL(qb_csr_free(NULL));
}

static void test_triplets_random(void) {
  triplets t = make_triplets(97, 61, 5);
  qb_cplx *ref = dense_of(&t), *d = qb_malloc(97 * 61 * sizeof *d);
  qb_csr *A;
  qb_err e;
  QB_ASSERT_OK(qb_csr_from_triplets(97, 61, t.n, t.row, t.col, t.val, QB_COMPLEX, &A, &e), &e);
  QB_ASSERT_OK(qb_csr_to_dense(A, d, &e), &e);
  CU_ASSERT(memcmp(d, ref, 97 * 61 * sizeof *d) == 0); /* same summation order: exact */
  for (qb_idx i = 0; i < A->nrows; i++)
    for (qb_idx k = A->rowptr[i] + 1; k < A->rowptr[i + 1]; k++)
      CU_ASSERT(A->colind[k] > A->colind[k - 1]);
  qb_csr_free(A);
  qb_free(ref); qb_free(d);
  free_triplets(&t);
}

/* Naive dense y <- alpha (D - shift) x + beta y, all complex. */
static void dense_fused(const qb_cplx *D, qb_idx n, qb_idx m, double alpha, double shift,
                        const qb_cplx *x, double beta, qb_cplx *y) {
  for (qb_idx i = 0; i < n; i++) {
    qb_cplx s = 0;
    for (qb_idx j = 0; j < m; j++) s += D[i * m + j] * x[j];
    if (shift != 0) s -= shift * x[i];
    y[i] = alpha * s + beta * y[i];
  }
}

/* One combination (matrix type, vector type) on a random square matrix with uneven rows.
 * Error bound per row: (nnz_row + 2) eps (|alpha| (sum |a||x| + |shift x|) + |beta y|),
 * doubled for the complex products. */
static void check_spmv(qb_dtype mtype, qb_dtype vtype, double alpha, double shift, double beta) {
  const qb_idx n = 211;
  triplets t = make_triplets(n, n, 6);
  qb_csr *A;
  qb_err e;
  const void *vals = mtype == QB_REAL ? (const void *)t.re : (const void *)t.val;
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, vals, mtype, &A, &e), &e);
  qb_cplx *D = qb_malloc((size_t)(n * n) * sizeof *D), *absD = qb_malloc((size_t)(n * n) * sizeof *D);
  if (mtype == QB_REAL) {
    double *Dr = qb_malloc((size_t)(n * n) * sizeof *Dr);
    qb_csr_to_dense(A, Dr, &e);
    for (qb_idx k = 0; k < n * n; k++) D[k] = Dr[k];
    qb_free(Dr);
  } else {
    qb_csr_to_dense(A, D, &e);
  }
  for (qb_idx k = 0; k < n * n; k++) absD[k] = cabs(D[k]);
  qb_cplx *x = qb_malloc(n * sizeof *x), *y0 = qb_malloc(n * sizeof *x), *yref = qb_malloc(n * sizeof *x);
  qb_cplx *absx = qb_malloc(n * sizeof *x), *bound = qb_malloc(n * sizeof *x);
  double *xr = qb_malloc(n * sizeof *xr), *yr = qb_malloc(n * sizeof *yr);
  for (qb_idx i = 0; i < n; i++) {
    x[i] = vtype == QB_REAL ? unif() : unif() + unif() * I;
    y0[i] = vtype == QB_REAL ? unif() : unif() + unif() * I;
    xr[i] = creal(x[i]);
    yr[i] = creal(y0[i]);
    absx[i] = cabs(x[i]);
    bound[i] = cabs(y0[i]);
  }
  memcpy(yref, y0, n * sizeof *x);
  dense_fused(D, n, n, alpha, shift, x, beta, yref);
  dense_fused(absD, n, n, fabs(alpha), -fabs(shift), absx, fabs(beta), bound);
  qb_cplx *y = qb_malloc(n * sizeof *y);
  memcpy(y, y0, n * sizeof *y);
  if (beta == 0.0) /* beta = 0 must not read y: NaN there must not propagate */
    for (qb_idx i = 0; i < n; i++) { y[i] = NAN; yr[i] = NAN; }
  if (vtype == QB_REAL) {
    QB_ASSERT_OK(qb_csr_spmv(A, QB_REAL, alpha, shift, xr, beta, yr, &e), &e);
    for (qb_idx i = 0; i < n; i++) y[i] = yr[i];
  } else {
    QB_ASSERT_OK(qb_csr_spmv(A, QB_COMPLEX, alpha, shift, x, beta, y, &e), &e);
  }
  for (qb_idx i = 0; i < n; i++) {
    qb_idx nnz_i = A->rowptr[i + 1] - A->rowptr[i];
    double tol = 2.0 * (double)(nnz_i + 3) * DBL_EPSILON * creal(bound[i]) + DBL_MIN;
    QB_ASSERT_CLOSE(cabs(y[i] - yref[i]), 0.0, tol);
  }
  qb_csr_free(A);
  qb_free(D); qb_free(absD); qb_free(x); qb_free(y0); qb_free(yref); qb_free(absx);
  qb_free(bound); qb_free(xr); qb_free(yr); qb_free(y);
  free_triplets(&t);
}

static void test_spmv_types(void) {
  check_spmv(QB_REAL, QB_REAL, 1.0, 0.0, 0.0);
  check_spmv(QB_REAL, QB_COMPLEX, 1.0, 0.0, 0.0);
  check_spmv(QB_COMPLEX, QB_COMPLEX, 1.0, 0.0, 0.0);
}

static void test_spmv_fused(void) {
  check_spmv(QB_REAL, QB_REAL, -0.731, 1.37, 0.0);
  check_spmv(QB_REAL, QB_REAL, 2.385, -0.42, -1.13);
  check_spmv(QB_REAL, QB_COMPLEX, 0.613, 2.17, 0.0);
  check_spmv(QB_REAL, QB_COMPLEX, -1.9, 0.77, 0.58);
  check_spmv(QB_COMPLEX, QB_COMPLEX, 1.41, -3.1, 0.0);
  check_spmv(QB_COMPLEX, QB_COMPLEX, -0.29, 0.5, 2.2);
}

static void test_spmv_errors(void) {
  qb_csr *A;
  qb_err e;
  QB_ASSERT_OK(qb_csr_create(3, 4, 0, QB_COMPLEX, &A, &e), &e);
  double x[8] = {0}, y[8] = {0};
  CU_ASSERT_EQUAL(qb_csr_spmv(A, QB_REAL, 1, 0, x, 0, y, &e), QB_ERR_UNSUPPORTED);
  CU_ASSERT_EQUAL(qb_csr_spmv(A, QB_COMPLEX, 1, 0.5, x, 0, y, &e), QB_ERR_DIM);
  QB_ASSERT_OK(qb_csr_spmv(A, QB_COMPLEX, 1, 0, x, 0, y, &e), &e); /* empty rows give 0 */
  qb_csr_free(A);
}

/* A NaN in x reaches exactly the rows whose pattern holds its column: the kernels that
 * read a whole group of four past a row's end must not let the next row's columns in. */
static void test_spmv_nan_isolation(void) {
  const qb_idx n = 400;
  triplets t = make_triplets(n, n, 5);
  qb_err e;
  qb_csr *A[2];
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.re, QB_REAL, &A[0], &e), &e);
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.val, QB_COMPLEX, &A[1], &e), &e);
  double *x = qb_malloc(2 * n * sizeof *x), *y = qb_malloc(2 * n * sizeof *y);
  for (qb_idx j = 0; j < n; j += 37)
    for (int m = 0; m < 2; m++)
      for (int vt = (m == 1); vt < 2; vt++) {
        for (qb_idx i = 0; i < 2 * n; i++) x[i] = 1.0;
        if (vt) x[2 * j + (j % 2)] = NAN; /* the real or imaginary part of entry j */
        else x[j] = NAN;
        QB_ASSERT_OK(qb_csr_spmv(A[m], vt ? QB_COMPLEX : QB_REAL, 1.0, 0.0, x, 0.0, y, &e), &e);
        int ok = 1;
        for (qb_idx i = 0; i < n; i++) {
          int has = 0;
          for (qb_idx k = A[m]->rowptr[i]; k < A[m]->rowptr[i + 1]; k++) has |= A[m]->colind[k] == j;
          int got = isnan(y[vt ? 2 * i : i]) || (vt && isnan(y[2 * i + 1]));
          ok &= has == got;
        }
        CU_ASSERT(ok);
      }
  qb_free(x); qb_free(y);
  qb_csr_free(A[0]); qb_csr_free(A[1]);
  free_triplets(&t);
}

/* Bitwise identical results on 1, 2 and 3 threads, all three kernels. */
static void test_spmv_threads(void) {
  const qb_idx n = 5003;
  triplets t = make_triplets(n, n, 9);
  qb_err e;
  qb_csr *Ar, *Ac;
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.re, QB_REAL, &Ar, &e), &e);
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.val, QB_COMPLEX, &Ac, &e), &e);
  double *x = qb_malloc(2 * n * sizeof *x), *y[3][3];
  for (qb_idx i = 0; i < 2 * n; i++) x[i] = unif();
  int saved = omp_get_max_threads();
  for (int th = 0; th < 3; th++) {
    omp_set_num_threads(th + 1);
    for (int k = 0; k < 3; k++) y[th][k] = qb_malloc(2 * n * sizeof *x);
    QB_ASSERT_OK(qb_csr_spmv(Ar, QB_REAL, 0.9, 0.3, x, 0.0, y[th][0], &e), &e);
    QB_ASSERT_OK(qb_csr_spmv(Ar, QB_COMPLEX, 0.9, 0.3, x, 0.0, y[th][1], &e), &e);
    QB_ASSERT_OK(qb_csr_spmv(Ac, QB_COMPLEX, 0.9, 0.3, x, 0.0, y[th][2], &e), &e);
    CU_ASSERT_EQUAL(Ar->nparts, th + 1);
  }
  omp_set_num_threads(saved);
  for (int th = 1; th < 3; th++) {
    CU_ASSERT(memcmp(y[0][0], y[th][0], n * sizeof *x) == 0);
    CU_ASSERT(memcmp(y[0][1], y[th][1], 2 * n * sizeof *x) == 0);
    CU_ASSERT(memcmp(y[0][2], y[th][2], 2 * n * sizeof *x) == 0);
  }
  for (int th = 0; th < 3; th++)
    for (int k = 0; k < 3; k++) qb_free(y[th][k]);
  qb_free(x);
  qb_csr_free(Ar); qb_csr_free(Ac);
  free_triplets(&t);
}

/* A narrowed matrix (32-bit column indices) applies bitwise as its 64-bit original, in the
 * three kernels, with the fused shift and beta, on 1 and 2 threads; it reads back the
 * same entries, dense form, Hermiticity defect and Gershgorin bounds, and its copy is a
 * 64-bit matrix again. */
static void test_narrow(void) {
  const qb_idx n = 3001;
  triplets t = make_triplets(n, n, 7);
  qb_err e;
  qb_csr *A[2][2]; /* [real, complex][64-bit, narrow] */
  for (int w = 0; w < 2; w++) {
    QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.re, QB_REAL, &A[0][w], &e), &e);
    QB_ASSERT_OK(qb_csr_from_triplets(n, n, t.n, t.row, t.col, t.val, QB_COMPLEX, &A[1][w], &e), &e);
  }
  for (int m = 0; m < 2; m++) {
    QB_ASSERT_OK(qb_csr_narrow(A[m][1], &e), &e);
    CU_ASSERT_PTR_NULL(A[m][1]->colind);
    CU_ASSERT_PTR_NOT_NULL_FATAL(A[m][1]->colind32);
  }
  double *x = qb_malloc(2 * n * sizeof *x), *y[2] = {qb_malloc(2 * n * sizeof *x), qb_malloc(2 * n * sizeof *x)};
  for (qb_idx i = 0; i < 2 * n; i++) x[i] = unif();
  int saved = omp_get_max_threads();
  const qb_dtype vt[3] = {QB_REAL, QB_COMPLEX, QB_COMPLEX};
  for (int th = 1; th <= 2; th++) {
    omp_set_num_threads(th);
    for (int k = 0; k < 3; k++) {
      const int m = k == 2; /* real A with real and complex x, complex A */
      for (int w = 0; w < 2; w++) {
        for (qb_idx i = 0; i < 2 * n; i++) y[w][i] = 0.25 * x[(i * 7) % (2 * n)];
        QB_ASSERT_OK(qb_csr_spmv(A[m][w], vt[k], 0.9, 0.3, x, -0.7, y[w], &e), &e);
      }
      CU_ASSERT(memcmp(y[0], y[1], (vt[k] == QB_REAL ? 1 : 2) * n * sizeof *x) == 0);
    }
  }
  omp_set_num_threads(saved);
  for (int m = 0; m < 2; m++) {
    double d[2], lo[2], hi[2];
    for (int w = 0; w < 2; w++) {
      QB_ASSERT_OK(qb_csr_hermiticity(A[m][w], &d[w], &e), &e);
      QB_ASSERT_OK(qb_bounds_gershgorin(A[m][w], &lo[w], &hi[w], &e), &e);
    }
    CU_ASSERT(d[0] == d[1] && lo[0] == lo[1] && hi[0] == hi[1]);
    for (qb_idx i = 0; i < n; i += 97)
      for (qb_idx j = 0; j < n; j += 13) CU_ASSERT(qb_csr_get(A[m][0], i, j) == qb_csr_get(A[m][1], i, j));
    qb_csr *C = NULL;
    QB_ASSERT_OK(qb_csr_copy(A[m][1], &C, &e), &e);
    CU_ASSERT_PTR_NOT_NULL(C->colind);
    CU_ASSERT(memcmp(C->colind, A[m][0]->colind, (size_t)qb_csr_nnz(C) * sizeof *C->colind) == 0);
    qb_csr_free(C);
  }
  qb_free(x), qb_free(y[0]), qb_free(y[1]);
  for (int m = 0; m < 2; m++) qb_csr_free(A[m][0]), qb_csr_free(A[m][1]);
  free_triplets(&t);
}

/* Rows split by nonzeros: with rows of lengths growing like i, each block's work is within
 * one row of the ideal share, while equal row counts would be off by a factor ~2. */
static void test_partition_balance(void) {
  const qb_idx n = 2000;
  qb_csr *A;
  qb_err e;
  qb_idx nnz = n * (n + 1) / 2;
  QB_ASSERT_OK(qb_csr_create(n, n, nnz, QB_REAL, &A, &e), &e);
  for (qb_idx i = 0; i < n; i++) {
    A->rowptr[i + 1] = A->rowptr[i] + i + 1;
    for (qb_idx k = 0; k <= i; k++) {
      A->colind[A->rowptr[i] + k] = k;
      ((double *)A->val)[A->rowptr[i] + k] = 1.0;
    }
  }
  for (int p = 1; p <= 7; p += 3) {
    QB_ASSERT_OK(qb_csr_partition(A, p, &e), &e);
    CU_ASSERT_EQUAL(A->nparts, p);
    CU_ASSERT_EQUAL(A->part[0], 0);
    CU_ASSERT_EQUAL(A->part[p], n);
    double ideal = (double)(nnz + n) / p;
    for (int b = 0; b < p; b++) {
      double work = (double)(A->rowptr[A->part[b + 1]] - A->rowptr[A->part[b]] +
                             A->part[b + 1] - A->part[b]);
      QB_ASSERT_CLOSE(work, ideal, (double)(n + 1));
    }
  }
  qb_csr_free(A);
}

static void test_hermiticity(void) {
  const qb_idx n = 40;
  qb_idx row[400], col[400];
  qb_cplx val[400];
  int m = 0;
  for (int k = 0; k < 200; k++) { /* each random entry with its conjugate partner */
    qb_idx i = randint(n), j = randint(n);
    qb_cplx v = unif() + (i == j ? 0.0 : unif() * I);
    row[m] = i; col[m] = j; val[m++] = v;
    row[m] = j; col[m] = i; val[m++] = conj(v);
  }
  qb_csr *A;
  qb_err e;
  double defect;
  QB_ASSERT_OK(qb_csr_from_triplets(n, n, m, row, col, val, QB_COMPLEX, &A, &e), &e);
  QB_ASSERT_OK(qb_csr_hermiticity(A, &defect, &e), &e);
  QB_ASSERT_CLOSE(defect, 0.0, 8 * DBL_EPSILON);
  ((qb_cplx *)A->val)[A->rowptr[n / 2]] += 0.01 * I; /* break it at one entry */
  QB_ASSERT_OK(qb_csr_hermiticity(A, &defect, &e), &e);
  CU_ASSERT(defect > 1e-3);
  qb_csr_free(A);
  /* a real matrix with an unpaired entry */
  const qb_idx r2[] = {0, 1, 1}, c2[] = {0, 1, 0};
  const double v2[] = {1.0, 2.0, 0.5};
  QB_ASSERT_OK(qb_csr_from_triplets(2, 2, 3, r2, c2, v2, QB_REAL, &A, &e), &e);
  QB_ASSERT_OK(qb_csr_hermiticity(A, &defect, &e), &e);
  QB_ASSERT_CLOSE(defect, 0.25, 0.0);
  qb_csr_free(A);
}

/* Fail the k-th allocation for k = 0, 1, ...: each must give QB_ERR_NOMEM and free its
 * partial work (ASan's leak check), until the assembly succeeds. */
static void test_alloc_failures(void) {
  triplets t = make_triplets(50, 50, 4);
  qb_err e;
  qb_status st = QB_ERR_NOMEM;
  long k;
  for (k = 0; k < 100 && st != QB_OK; k++) {
    qb_csr *A = (qb_csr *)1;
    qb_alloc_fail_after(k);
    st = qb_csr_from_triplets(50, 50, t.n, t.row, t.col, t.val, QB_COMPLEX, &A, &e);
    qb_alloc_fail_after(-1);
    if (st != QB_OK) {
      CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
      CU_ASSERT_PTR_NULL(A);
    } else {
      /* the partition allocation of the first SpMV fails cleanly too */
      qb_cplx x[50] = {0}, y[50];
      qb_alloc_fail_after(0);
      CU_ASSERT_EQUAL(qb_csr_spmv(A, QB_COMPLEX, 1, 0, x, 0, y, &e), QB_ERR_NOMEM);
      qb_alloc_fail_after(-1);
      qb_csr_free(A);
    }
  }
  CU_ASSERT_EQUAL(st, QB_OK);
  CU_ASSERT(k > 3); /* several failure points were exercised */
  free_triplets(&t);
}

int main(void) {
  const qb_test_case cases[] = {{"triplets vs hand-built dense", test_triplets_hand_built},
                                {"triplets vs random dense", test_triplets_random},
                                {"spmv three type combinations", test_spmv_types},
                                {"spmv fused alpha shift beta", test_spmv_fused},
                                {"spmv type and dimension errors", test_spmv_errors},
                                {"spmv NaN reaches only its rows", test_spmv_nan_isolation},
                                {"spmv bitwise on 1, 2, 3 threads", test_spmv_threads},
                                {"narrow (32-bit) = 64-bit, bitwise", test_narrow},
                                {"partition balance by nonzeros", test_partition_balance},
                                {"hermiticity defect", test_hermiticity},
                                {"allocation failures", test_alloc_failures},
                                {NULL, NULL}};
  return qb_test_main("csr", cases);
}
