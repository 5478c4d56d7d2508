/* test_kron.c — the Kronecker operator A (x) 1 + S (GEMM) against its assembled CSR and an
 * explicit dense Kronecker product; real and complex A and S, real and complex vectors,
 * the fused alpha/shift/beta form; the CSR op wrapper and the op type checks. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/kron.h"
#include "qbath/op.h"

enum { DG = 5, DR = 7, D = DG * DR };

static uint64_t mix_state = 0x9C3E2385ULL;
static double unif(void) {
  uint64_t z = (mix_state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53 * 2.0 - 1.0;
}

/* Random Hermitian dg x dg block (real symmetric when real). */
static void random_block(qb_dtype t, qb_cplx Ac[DG * DG], double Ar[DG * DG]) {
  for (int g = 0; g < DG; g++)
    for (int h = 0; h <= g; h++) {
      qb_cplx z = unif() + (t == QB_COMPLEX && g != h ? unif() * I : 0.0);
      Ac[g * DG + h] = z;
      Ac[h * DG + g] = conj(z);
    }
  for (int k = 0; k < DG * DG; k++) Ar[k] = creal(Ac[k]);
}

/* Random Hermitian sparse part on the full space, and its dense copy Sd. */
static qb_csr *random_sparse(qb_dtype t, qb_cplx Sd[D * D]) {
  qb_idx row[2 * 60], col[2 * 60];
  qb_cplx val[2 * 60];
  double re[2 * 60];
  int n = 0;
  memset(Sd, 0, sizeof(qb_cplx) * D * D);
  for (int k = 0; k < 60; k++) {
    int i = (int)((unif() + 1) / 2 * D), j = (int)((unif() + 1) / 2 * D);
    if (i >= D) i = D - 1;
    if (j >= D) j = D - 1;
    qb_cplx z = unif() + (t == QB_COMPLEX && i != j ? unif() * I : 0.0);
    row[n] = i; col[n] = j; val[n] = z; re[n++] = creal(z);
    row[n] = j; col[n] = i; val[n] = conj(z); re[n++] = creal(z);
  }
  qb_csr *S;
  qb_err e;
  qb_csr_from_triplets(D, D, n, row, col, t == QB_REAL ? (void *)re : (void *)val, t, &S, &e);
  qb_cplx *tmp = qb_malloc(sizeof(qb_cplx) * D * D);
  if (t == QB_REAL) {
    double *dr = qb_malloc(sizeof(double) * D * D);
    qb_csr_to_dense(S, dr, &e);
    for (int k = 0; k < D * D; k++) tmp[k] = dr[k];
    qb_free(dr);
  } else {
    qb_csr_to_dense(S, tmp, &e);
  }
  memcpy(Sd, tmp, sizeof(qb_cplx) * D * D);
  qb_free(tmp);
  return S;
}

/* Explicit dense A (x) 1_dr + S. */
static void explicit_kron(const qb_cplx Ac[DG * DG], const qb_cplx *Sd, qb_cplx H[D * D]) {
  for (int g = 0; g < DG; g++)
    for (int r = 0; r < DR; r++)
      for (int h = 0; h < DG; h++)
        for (int s = 0; s < DR; s++)
          H[(g * DR + r) * D + h * DR + s] = r == s ? Ac[g * DG + h] : 0.0;
  if (Sd)
    for (int k = 0; k < D * D; k++) H[k] += Sd[k];
}

/* One case: block type at, sparse part st (-1 = none), vector type vt. */
static void check_case(qb_dtype at, int st, qb_dtype vt) {
  static qb_cplx Ac[DG * DG], Sd[D * D], H[D * D], Hc[D * D];
  static double Ar[DG * DG];
  qb_err e;
  random_block(at, Ac, Ar);
  qb_csr *S = st < 0 ? NULL : random_sparse((qb_dtype)st, Sd);
  explicit_kron(Ac, S ? Sd : NULL, H);
  qb_op *op;
  QB_ASSERT_OK(qb_kron_op_create(DG, DR, at, at == QB_REAL ? (void *)Ar : (void *)Ac, S, &op, &e), &e);
  CU_ASSERT_STRING_EQUAL(op->type->name, "kron");
  CU_ASSERT_EQUAL(op->dim, D);
  qb_dtype opt = (at == QB_COMPLEX || st == QB_COMPLEX) ? QB_COMPLEX : QB_REAL;
  CU_ASSERT_EQUAL(op->dtype, opt);
  /* the assembled CSR equals the explicit product (same additions: exact) */
  qb_csr *C;
  QB_ASSERT_OK(qb_kron_to_csr(op->impl, &C, &e), &e);
  CU_ASSERT_EQUAL(C->dtype, opt);
  qb_csr_make_complex(C, &e);
  qb_csr_to_dense(C, Hc, &e);
  double maxdiff = 0;
  for (int k = 0; k < D * D; k++) maxdiff = fmax(maxdiff, cabs(Hc[k] - H[k]));
  QB_ASSERT_CLOSE(maxdiff, 0.0, 0.0);
  qb_csr_free(C);
  if (opt == QB_COMPLEX && vt == QB_REAL) {
    double x[D] = {0}, y[D];
    CU_ASSERT_EQUAL(qb_op_apply_real(op, x, y, &e), QB_ERR_UNSUPPORTED);
    qb_op_free(op);
    return;
  }
  /* fused apply against the dense product; bound (D + 3) eps sum |terms| */
  const double coef[3][3] = {{1.0, 0.0, 0.0}, {-0.71, 1.37, 0.0}, {2.385, -0.4, -1.13}};
  for (int c = 0; c < 3; c++) {
    double al = coef[c][0], sh = coef[c][1], be = coef[c][2];
    qb_cplx x[D], y0[D], yref[D], bound[D], y[D];
    double xr[D], yr[D];
    for (int i = 0; i < D; i++) {
      x[i] = unif() + (vt == QB_COMPLEX ? unif() * I : 0.0);
      y0[i] = unif() + (vt == QB_COMPLEX ? unif() * I : 0.0);
      xr[i] = creal(x[i]);
      yr[i] = be == 0.0 ? NAN : creal(y0[i]); /* beta = 0 must not read y */
    }
    for (int i = 0; i < D; i++) {
      qb_cplx s = 0;
      double b = 0;
      for (int j = 0; j < D; j++) { s += H[i * D + j] * x[j]; b += cabs(H[i * D + j]) * cabs(x[j]); }
      yref[i] = al * (s - sh * x[i]) + be * y0[i];
      bound[i] = fabs(al) * (b + fabs(sh) * cabs(x[i])) + fabs(be) * cabs(y0[i]);
      y[i] = be == 0.0 ? NAN : y0[i];
    }
    if (vt == QB_REAL) {
      QB_ASSERT_OK(qb_op_apply_fused(op, QB_REAL, al, sh, xr, be, yr, &e), &e);
      for (int i = 0; i < D; i++) y[i] = yr[i];
    } else {
      QB_ASSERT_OK(qb_op_apply_fused(op, QB_COMPLEX, al, sh, x, be, y, &e), &e);
    }
    for (int i = 0; i < D; i++)
      QB_ASSERT_CLOSE(cabs(y[i] - yref[i]), 0.0, 4.0 * (D + 3) * DBL_EPSILON * creal(bound[i]));
  }
  /* qb_op_to_dense reproduces H column by column */
  qb_cplx *Hd = qb_malloc(sizeof(qb_cplx) * D * D);
  QB_ASSERT_OK(qb_op_to_dense(op, Hd, &e), &e);
  maxdiff = 0;
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++) {
      qb_cplx got = opt == QB_REAL ? ((double *)Hd)[i * D + j] : Hd[i * D + j];
      maxdiff = fmax(maxdiff, cabs(got - H[i * D + j]));
    }
  QB_ASSERT_CLOSE(maxdiff, 0.0, 4.0 * DG * DBL_EPSILON * 4.0);
  qb_free(Hd);
  CU_ASSERT(qb_op_bytes(op) >= (size_t)DG * DG * sizeof(double));
  qb_op_free(op);
}

static void test_real_block(void) {
  check_case(QB_REAL, -1, QB_REAL);
  check_case(QB_REAL, -1, QB_COMPLEX);
  check_case(QB_REAL, QB_REAL, QB_REAL);
  check_case(QB_REAL, QB_REAL, QB_COMPLEX);
}

static void test_complex_block(void) {
  check_case(QB_COMPLEX, -1, QB_COMPLEX);
  check_case(QB_COMPLEX, QB_REAL, QB_COMPLEX);
  check_case(QB_COMPLEX, QB_COMPLEX, QB_COMPLEX);
  check_case(QB_COMPLEX, QB_REAL, QB_REAL); /* refused: QB_ERR_UNSUPPORTED */
  check_case(QB_REAL, QB_COMPLEX, QB_COMPLEX);
  check_case(QB_REAL, QB_COMPLEX, QB_REAL); /* refused */
}

static void test_bad_sizes(void) {
  qb_err e;
  qb_op *op;
  double A[4] = {1, 0, 0, 1};
  qb_csr *S;
  QB_ASSERT_OK(qb_csr_create(5, 5, 0, QB_REAL, &S, &e), &e);
  CU_ASSERT_EQUAL(qb_kron_op_create(2, 3, QB_REAL, A, S, &op, &e), QB_ERR_DIM);
  CU_ASSERT_PTR_NULL(op);
  qb_csr_free(S); /* stays with the caller on failure */
  CU_ASSERT_EQUAL(qb_kron_op_create(0, 3, QB_REAL, A, NULL, &op, &e), QB_ERR_DIM);
}

/* The CSR op: apply, apply_real, type refusal, bytes, ownership. */
static void test_csr_op(void) {
  const qb_idx row[] = {0, 1, 1, 2, 0}, col[] = {0, 1, 2, 1, 2};
  const qb_cplx val[] = {1.5, -0.5, 0.25 * I, -0.25 * I, 0.0};
  qb_csr *A;
  qb_err e;
  qb_op *op;
  QB_ASSERT_OK(qb_csr_from_triplets(3, 3, 5, row, col, val, QB_COMPLEX, &A, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &op, &e), &e);
  CU_ASSERT_STRING_EQUAL(op->type->name, "csr");
  CU_ASSERT_EQUAL(qb_op_bytes(op), 4 * 8 + 5 * 8 + 5 * 16);
  qb_cplx x[3] = {1.0, 2.0 + I, -I}, y[3];
  QB_ASSERT_OK(qb_op_apply(op, x, y, &e), &e);
  CU_ASSERT(y[0] == 1.5);
  CU_ASSERT(y[1] == -0.5 * (2.0 + I) + 0.25 * I * -I);
  CU_ASSERT(y[2] == -0.25 * I * (2.0 + I));
  double xr[3] = {0}, yr[3];
  CU_ASSERT_EQUAL(qb_op_apply_real(op, xr, yr, &e), QB_ERR_UNSUPPORTED);
  qb_op_free(op); /* frees A too (ASan would report a leak otherwise) */
  CU_ASSERT_PTR_NULL(qb_op_free(NULL));
  QB_ASSERT_OK(qb_csr_create(2, 3, 0, QB_REAL, &A, &e), &e);
  CU_ASSERT_EQUAL(qb_op_from_csr(A, 0, &op, &e), QB_ERR_DIM);
  qb_csr_free(A);
}

int main(void) {
  const qb_test_case cases[] = {{"real block, real/complex vectors", test_real_block},
                                {"complex block and complex sparse part", test_complex_block},
                                {"size errors", test_bad_sizes},
                                {"CSR operator", test_csr_op},
                                {NULL, NULL}};
  return qb_test_main("kron", cases);
}
