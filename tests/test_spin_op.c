/* test_spin_op.c — the matrix-free Pauli-sum operator against the CSR builder (issue 22
 * acceptance 1): apply = CSR apply to 1e-14 relative on random vectors, full space and
 * every sector, every Pauli letter, open and periodic chains, real and complex
 * couplings; bitwise equality on 1, 2 and 3 threads; sector leaks refused. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/rng.h"
#include "qbath/spin.h"
#include "qbath/spin_op.h"

/* Relative tolerance of acceptance 1. Both sides sum the same O(L) products per row in
 * different orders, so they differ by a few ulps of the row's largest product. */
#define REL_TOL 1e-14

static double uniform(qb_rng *r) { return 2 * qb_rng_uniform(r) - 1; }

static qb_cplx coupling(qb_rng *r, int complex_c) {
  const double re = 0.3 + uniform(r); /* high entropy, never exactly zero */
  return complex_c ? re + I * uniform(r) : re;
}

/* A Hamiltonian that conserves the magnetization: on each bond (j, k) of the chain
 * (k = j + 1, and the wrapping bond when periodic; plus one long-range bond wider than a
 * window): Z_j Z_k, flip-flops c sigma^+_j sigma^-_k + conj(c) sigma^-_j sigma^+_k,
 * XX + YY with one coupling, a three-site Z_l (XX + YY)_{jk}, XY - YX (imaginary), fields
 * Z_j, a repeated-site product Z_j Z_j and sigma^+_j sigma^-_j (a projector). */
static void conserving_sum(int L, int periodic, int complex_c, uint64_t seed, qb_pauli_sum **out) {
  qb_err e;
  qb_rng r;
  qb_rng_init(&r, seed, (uint64_t)L, (uint64_t)periodic, (uint64_t)complex_c);
  QB_ASSERT_OK(qb_spin_sum_create(L, out, &e), &e);
  qb_pauli_sum *H = *out;
  const int nb = periodic ? L : L - 1;
  for (int b = 0; b <= nb; b++) {
    const int j = b < nb ? b : 0, k = b < nb ? (b + 1) % L : L - 1; /* b = nb: long range */
    const int s[3] = {j, k, (k + 1) % L}, sr[2] = {k, j};
    const qb_cplx c = coupling(&r, complex_c), xy = coupling(&r, 0);
    QB_ASSERT_OK(qb_spin_sum_add(H, coupling(&r, 0), "ZZ", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, c, "+-", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, conj(c), "-+", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, xy, "XX", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, xy, "YY", s, &e), &e);
    if (L >= 3 && s[2] != j) {
      const int z3[3] = {s[2], j, k};
      const double g = coupling(&r, 0);
      QB_ASSERT_OK(qb_spin_sum_add(H, g, "ZXX", z3, &e), &e);
      QB_ASSERT_OK(qb_spin_sum_add(H, g, "ZYY", z3, &e), &e);
    }
    if (complex_c) {
      const double g = coupling(&r, 0);
      QB_ASSERT_OK(qb_spin_sum_add(H, g, "XY", s, &e), &e);
      QB_ASSERT_OK(qb_spin_sum_add(H, -g, "XY", sr, &e), &e);
    }
  }
  for (int j = 0; j < L; j++) {
    const int jj[2] = {j, j};
    QB_ASSERT_OK(qb_spin_sum_add(H, coupling(&r, 0), "Z", &j, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, coupling(&r, 0), "ZZ", jj, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, coupling(&r, complex_c), "+-", jj, &e), &e);
  }
}

/* Random strings of every letter (XYZ+-I) on random, possibly repeated, sites: the full
 * space only (they change the magnetization). Not Hermitian; both sides apply H as is. */
static void random_strings(int L, int complex_c, uint64_t seed, qb_pauli_sum **out) {
  qb_err e;
  qb_rng r;
  qb_rng_init(&r, seed, (uint64_t)L, 7, (uint64_t)complex_c);
  QB_ASSERT_OK(qb_spin_sum_create(L, out, &e), &e);
  static const char letters[] = "XYZ+-I";
  for (int t = 0; t < 6 * L; t++) {
    char ops[5] = {0};
    int sites[4];
    const int n = 1 + (int)(4 * qb_rng_uniform(&r)) % 4;
    for (int q = 0; q < n; q++) {
      ops[q] = letters[(int)(6 * qb_rng_uniform(&r)) % 6];
      sites[q] = (int)(L * qb_rng_uniform(&r)) % L;
    }
    QB_ASSERT_OK(qb_spin_sum_add(*out, coupling(&r, complex_c), ops, sites, &e), &e);
  }
}

static void random_vector(qb_rng *r, size_t nd, double *v) {
  for (size_t i = 0; i < nd; i++) v[i] = uniform(r);
}

static double rel_diff(const double *a, const double *b, size_t n) {
  double d = 0, s = 0;
  for (size_t i = 0; i < n; i++) d += (a[i] - b[i]) * (a[i] - b[i]), s += b[i] * b[i];
  return sqrt(d / (s > 0 ? s : 1));
}

/* y = H x by both operators on a complex (and, when real, a real) random vector, plain
 * and fused; returns the worst relative difference. */
static double compare(const qb_pauli_sum *H, const qb_spin_basis *B) {
  qb_err e;
  qb_csr *A = NULL;
  qb_op *C = NULL, *M = NULL;
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &C, &e), &e);
  QB_ASSERT_OK(qb_spin_op_from_sum(H, B, 0, &M, &e), &e);
  if (A->dtype == QB_COMPLEX) CU_ASSERT_EQUAL(M->dtype, QB_COMPLEX);
  const size_t n = (size_t)B->dim;
  double *x = qb_malloc(2 * n * sizeof *x), *y1 = qb_malloc(2 * n * sizeof *y1);
  double *y2 = qb_malloc(2 * n * sizeof *y2);
  qb_rng r;
  qb_rng_init(&r, 99, (uint64_t)n, (uint64_t)B->n_up + 1, 3);
  double worst = 0;
  for (int vt = QB_REAL; vt <= QB_COMPLEX; vt++) {
    if (vt == QB_REAL && M->dtype == QB_COMPLEX) continue;
    const size_t nd = vt == QB_COMPLEX ? 2 * n : n;
    random_vector(&r, nd, x);
    random_vector(&r, nd, y1);
    memcpy(y2, y1, nd * sizeof *y2);
    const double alpha = 0.731, shift = -0.217, beta = -1.0; /* the Chebyshev form */
    QB_ASSERT_OK(qb_op_apply_fused(C, (qb_dtype)vt, alpha, shift, x, beta, y1, &e), &e);
    QB_ASSERT_OK(qb_op_apply_fused(M, (qb_dtype)vt, alpha, shift, x, beta, y2, &e), &e);
    worst = fmax(worst, rel_diff(y2, y1, nd));
    QB_ASSERT_OK(qb_op_apply_fused(C, (qb_dtype)vt, 1.0, 0.0, x, 0.0, y1, &e), &e);
    QB_ASSERT_OK(qb_op_apply_fused(M, (qb_dtype)vt, 1.0, 0.0, x, 0.0, y2, &e), &e);
    worst = fmax(worst, rel_diff(y2, y1, nd));
  }
  qb_free(x);
  qb_free(y1);
  qb_free(y2);
  qb_op_free(C);
  qb_op_free(M);
  return worst;
}

/* Every sector of L (and the full space) for the conserving sums, open and periodic,
 * real and complex. */
static double all_sectors(int L, int sector_step) {
  qb_err e;
  double worst = 0;
  for (int periodic = 0; periodic <= 1; periodic++)
    for (int cc = 0; cc <= 1; cc++) {
      qb_pauli_sum *H = NULL;
      conserving_sum(L, periodic, cc, 2024, &H);
      for (int n_up = -1; n_up <= L; n_up += (n_up < 0 ? 1 : sector_step)) {
        qb_spin_basis *B = NULL;
        QB_ASSERT_OK(qb_spin_basis_create(L, n_up, &B, &e), &e);
        const double d = compare(H, B);
        if (!(d <= REL_TOL)) printf("\n  L = %d n_up = %d periodic %d complex %d: %.3g\n", L, n_up, periodic, cc, d);
        worst = fmax(worst, d);
        qb_spin_basis_free(B);
      }
      qb_spin_sum_free(H);
    }
  return worst;
}

static void test_sectors_small(void) {
  double worst = 0;
  for (int L = 4; L <= 11; L++) worst = fmax(worst, all_sectors(L, 1));
  printf("\n  L = 4..11, every sector and the full space: max relative difference %.2e\n", worst);
  CU_ASSERT(worst <= REL_TOL);
}

/* The top end, a subset for CI time: L = 12 (every sector), 14 (every fourth), 16 (every
 * eighth: the full space, n_up = 0, 8, 16). */
static void test_sectors_large(void) {
  double worst = fmax(fmax(all_sectors(12, 1), all_sectors(14, 4)), all_sectors(16, 8));
  printf("\n  L = 12, 14, 16 (subsets of sectors): max relative difference %.2e\n", worst);
  CU_ASSERT(worst <= REL_TOL);
}

static void test_every_letter_full_space(void) {
  qb_err e;
  double worst = 0;
  for (int L = 4; L <= 13; L += (L < 10 ? 1 : 3))
    for (int cc = 0; cc <= 1; cc++) {
      qb_pauli_sum *H = NULL;
      qb_spin_basis *B = NULL;
      random_strings(L, cc, 77, &H);
      QB_ASSERT_OK(qb_spin_basis_create(L, -1, &B, &e), &e);
      worst = fmax(worst, compare(H, B));
      qb_spin_basis_free(B);
      qb_spin_sum_free(H);
    }
  printf("\n  random strings of X Y Z + - I, L = 4..10, 13: max relative difference %.2e\n", worst);
  CU_ASSERT(worst <= REL_TOL);
}

/* The random-field Heisenberg chain of the MBL literature, as spin_chain builds it. */
static void test_heisenberg(void) {
  qb_err e;
  double h[16], worst = 0;
  qb_rng r;
  qb_rng_init(&r, 5, 0, 0, 0);
  for (int j = 0; j < 16; j++) h[j] = 4 * uniform(&r);
  for (int periodic = 0; periodic <= 1; periodic++)
    for (int n_up = -1; n_up <= 8; n_up += 9) {
      qb_pauli_sum *H = NULL;
      qb_spin_basis *B = NULL;
      QB_ASSERT_OK(qb_spin_sum_heisenberg(16, 1.0, h, periodic, &H, &e), &e);
      QB_ASSERT_OK(qb_spin_basis_create(16, n_up, &B, &e), &e);
      worst = fmax(worst, compare(H, B));
      /* the estimate of the CSR's entries per row is exact in the full space for the
       * tabulated groups; the periodic wrap bond is wider than a window: 1 per row */
      if (n_up < 0) {
        qb_csr *A = NULL;
        double per_row;
        QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
        QB_ASSERT_OK(qb_spin_op_nnz_per_row(H, B, &per_row, NULL, &e), &e);
        const double nnz = (double)qb_csr_nnz(A), half = 0.5 * (double)B->dim;
        QB_ASSERT_CLOSE(per_row * (double)B->dim, nnz + (periodic ? half : 0.0), 0.0);
        qb_csr_free(A);
      }
      qb_spin_basis_free(B);
      qb_spin_sum_free(H);
    }
  CU_ASSERT(worst <= REL_TOL);
}

/* The same bits on 1, 2 and 3 threads (3 does not divide the dimension). */
static void test_thread_independence(void) {
  qb_err e;
  for (int cc = 0; cc <= 1; cc++)
    for (int n_up = -1; n_up <= 7; n_up += 8) {
      qb_pauli_sum *H = NULL;
      qb_spin_basis *B = NULL;
      qb_op *M = NULL;
      conserving_sum(15, 1, cc, 31, &H);
      QB_ASSERT_OK(qb_spin_basis_create(15, n_up, &B, &e), &e);
      QB_ASSERT_OK(qb_spin_op_from_sum(H, B, 1, &M, &e), &e);
      const size_t nd = 2 * (size_t)B->dim;
      double *x = qb_malloc(nd * sizeof *x), *y[3];
      qb_rng r;
      qb_rng_init(&r, 1, 2, 3, 4);
      random_vector(&r, nd, x);
      for (int t = 0; t < 3; t++) {
        y[t] = qb_malloc(nd * sizeof *y[t]);
        QB_ASSERT_OK(qb_spin_op_set_threads(M, t + 1, &e), &e);
        QB_ASSERT_OK(qb_op_apply(M, (const qb_cplx *)x, (qb_cplx *)y[t], &e), &e);
      }
      CU_ASSERT(memcmp(y[0], y[1], nd * sizeof *x) == 0);
      CU_ASSERT(memcmp(y[0], y[2], nd * sizeof *x) == 0);
      for (int t = 0; t < 3; t++) qb_free(y[t]);
      qb_free(x);
      qb_op_free(M);
      qb_spin_basis_free(B);
      qb_spin_sum_free(H);
    }
}

/* XX alone changes the magnetization (tabulated group: refused when compiled); a
 * long-range X_0 X_{L-1} (wider than a window: refused at the first apply). */
static void test_sector_leaks(void) {
  qb_err e;
  qb_spin_basis *B = NULL;
  qb_pauli_sum *H = NULL;
  qb_op *M = NULL;
  const int bond[2] = {3, 4}, wide[2] = {0, 13};
  QB_ASSERT_OK(qb_spin_basis_create(14, 7, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_create(14, &H, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_add(H, 1.0, "XX", bond, &e), &e);
  CU_ASSERT_EQUAL(qb_spin_op_from_sum(H, B, 0, &M, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(M);
  qb_spin_sum_free(H);
  QB_ASSERT_OK(qb_spin_sum_create(14, &H, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_add(H, 1.0, "XX", wide, &e), &e);
  QB_ASSERT_OK(qb_spin_op_from_sum(H, B, 0, &M, &e), &e);
  qb_cplx *x = qb_calloc((size_t)B->dim, sizeof *x), *y = qb_calloc((size_t)B->dim, sizeof *y);
  x[0] = 1;
  CU_ASSERT_EQUAL(qb_op_apply(M, x, y, &e), QB_ERR_INPUT);
  CU_ASSERT(strstr(e.msg, "magnetization") != NULL);
  qb_free(x);
  qb_free(y);
  qb_op_free(M);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
}

int main(void) {
  const qb_test_case cases[] = {
      {"every sector, L = 4..11, open/periodic, real/complex", test_sectors_small},
      {"sectors at L = 12, 14, 16", test_sectors_large},
      {"every Pauli letter, full space", test_every_letter_full_space},
      {"random-field Heisenberg and the nnz estimate", test_heisenberg},
      {"bitwise equal on 1, 2, 3 threads", test_thread_independence},
      {"sector leaks refused", test_sector_leaks},
      {NULL, NULL}};
  return qb_test_main("spin_op", cases);
}
