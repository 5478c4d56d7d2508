/* test_spin.c — the Pauli-string builder against independent references: explicit
 * tensor products, a hand-written Heisenberg matrix, full space vs sectors; and the
 * random-field Heisenberg chain's gap ratio across the MBL crossover (acceptance 4). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

/* Single-site matrices in the basis (index 0 = down, 1 = up), written out by hand from
 * the conventions in spin.h: Z|up> = +|up>, Y|up> = i|down>, Y|down> = -i|up>. */
static void pauli_2x2(char op, qb_cplx m[2][2]) {
  qb_cplx id[2][2] = {{1, 0}, {0, 1}}, x[2][2] = {{0, 1}, {1, 0}};
  qb_cplx y[2][2] = {{0, I}, {-I, 0}}, z[2][2] = {{-1, 0}, {0, 1}};
  qb_cplx p[2][2] = {{0, 0}, {1, 0}}; /* sigma^+: <up|+|down> = 1 */
  qb_cplx mm[2][2] = {{0, 1}, {0, 0}};
  const qb_cplx(*src)[2] = op == 'X' ? x : op == 'Y' ? y : op == 'Z' ? z : op == '+' ? p
                          : op == '-' ? mm : id;
  memcpy(m, src, sizeof(qb_cplx[2][2]));
}

/* Adds c * P_1(s_1) ... P_n(s_n) to the dense 2^L matrix D via the tensor-product formula
 * <a|T|b> = c prod_j (product of the factors on site j)[a_j][b_j]. */
static void add_dense_term(int L, qb_cplx c, const char *ops, const int *sites, qb_cplx *D) {
  qb_cplx site_op[QB_SPIN_MAX_SITES][2][2];
  for (int j = 0; j < L; j++) pauli_2x2('I', site_op[j]);
  for (int k = 0; ops[k]; k++) { /* left-multiply in written order: P_1 P_2 ... */
    qb_cplx f[2][2], r[2][2];
    pauli_2x2(ops[k], f);
    qb_cplx(*m)[2] = site_op[sites[k]];
    for (int a = 0; a < 2; a++)
      for (int b = 0; b < 2; b++) r[a][b] = m[a][0] * f[0][b] + m[a][1] * f[1][b];
    memcpy(m, r, sizeof r);
  }
  qb_idx dim = (qb_idx)1 << L;
  for (qb_idx a = 0; a < dim; a++)
    for (qb_idx b = 0; b < dim; b++) {
      qb_cplx v = c;
      for (int j = 0; j < L && v != 0; j++) v *= site_op[j][(a >> j) & 1][(b >> j) & 1];
      D[a * dim + b] += v;
    }
}

static qb_cplx *csr_dense_complex(const qb_csr *A) {
  qb_idx n = A->nrows;
  qb_cplx *D = qb_calloc((size_t)(n * n), sizeof *D);
  for (qb_idx r = 0; r < n; r++)
    for (qb_idx k = A->rowptr[r]; k < A->rowptr[r + 1]; k++)
      D[r * n + A->colind[k]] = A->dtype == QB_REAL ? ((double *)A->val)[k] : ((qb_cplx *)A->val)[k];
  return D;
}

static double max_diff_c(const qb_cplx *a, const qb_cplx *b, qb_idx n) {
  double m = 0;
  for (qb_idx i = 0; i < n; i++) m = fmax(m, cabs(a[i] - b[i]));
  return m;
}

static void test_strings_vs_tensor_products(void) {
  qb_err e;
  const int L = 4;
  struct { qb_cplx c; const char *ops; int sites[3]; } terms[] = {
      {0.7, "XX", {0, 1}},         {-1.3 + 0.4 * I, "+-", {1, 3}}, {0.25, "YZ", {2, 0}},
      {2.1 * I, "Y", {3}},         {0.6, "ZZZ", {0, 2, 3}},        {1.1, "XY", {2, 2}},
      {-0.9, "-+", {3, 1}},        {0.33, "IX", {1, 2}},           {0.5 - 0.2 * I, "+", {0}},
  };
  int nt = sizeof terms / sizeof terms[0];
  qb_pauli_sum *H;
  QB_ASSERT_OK(qb_spin_sum_create(L, &H, &e), &e);
  qb_idx dim = 16;
  qb_cplx *ref = qb_calloc(dim * dim, sizeof *ref);
  for (int t = 0; t < nt; t++) {
    QB_ASSERT_OK(qb_spin_sum_add(H, terms[t].c, terms[t].ops, terms[t].sites, &e), &e);
    add_dense_term(L, terms[t].c, terms[t].ops, terms[t].sites, ref);
  }
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &B, &e), &e);
  qb_csr *A;
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  CU_ASSERT_EQUAL(A->dtype, QB_COMPLEX);
  qb_cplx *got = csr_dense_complex(A);
  QB_ASSERT_CLOSE(max_diff_c(got, ref, dim * dim), 0, 8 * 1e-15);
  qb_free(got); qb_free(ref);
  qb_csr_free(A); qb_spin_basis_free(B); qb_spin_sum_free(H);
}

/* H = J/4 sum (XX+YY+ZZ) + sum h/2 Z written out element by element: the diagonal is
 * J/4 sum z_j z_{j+1} + sum h_j z_j / 2; an antiparallel bond flips with amplitude J/2. */
static void test_heisenberg_handwritten(void) {
  qb_err e;
  const int L = 4;
  const double J = 1.37, h[4] = {0.3, -1.1, 0.77, 2.05};
  qb_pauli_sum *H;
  QB_ASSERT_OK(qb_spin_sum_heisenberg(L, J, h, 0, &H, &e), &e);
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &B, &e), &e);
  qb_csr *A;
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  CU_ASSERT_EQUAL(A->dtype, QB_REAL);
  double ref[16][16] = {{0}};
  for (int s = 0; s < 16; s++) {
    for (int j = 0; j < L; j++) ref[s][s] += h[j] / 2 * (((s >> j) & 1) ? 1 : -1);
    for (int j = 0; j + 1 < L; j++) {
      int zj = ((s >> j) & 1) ? 1 : -1, zk = ((s >> (j + 1)) & 1) ? 1 : -1;
      ref[s][s] += J / 4 * zj * zk;
      if (zj != zk) ref[s ^ (3 << j)][s] += J / 2;
    }
  }
  qb_cplx *got = csr_dense_complex(A);
  double m = 0;
  for (int a = 0; a < 16; a++)
    for (int b = 0; b < 16; b++) m = fmax(m, cabs(got[a * 16 + b] - ref[a][b]));
  QB_ASSERT_CLOSE(m, 0, 1e-14);
  /* nnz: 16 diagonal + 2 per antiparallel bond per state = 16 + 3 bonds * 8 states */
  CU_ASSERT_EQUAL(qb_csr_nnz(A), 16 + 3 * 8);
  qb_free(got);
  qb_csr_free(A); qb_spin_basis_free(B); qb_spin_sum_free(H);
}

/* A random magnetization-conserving Hamiltonian with complex hoppings on L = 8. */
static qb_pauli_sum *random_conserving(int L, uint64_t seed, qb_err *e) {
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 0);
  qb_pauli_sum *H;
  qb_spin_sum_create(L, &H, e);
  for (int j = 0; j < L; j++) {
    int k = (j + 1 + (int)(qb_rng_uniform(&r) * (L - 1))) % L; /* a random partner != j */
    int bond[2] = {j, k}, site[1] = {j};
    qb_cplx t = qb_rng_cnormal(&r);
    qb_spin_sum_add(H, t, "+-", bond, e);
    qb_spin_sum_add(H, conj(t), "-+", bond, e);
    qb_spin_sum_add(H, qb_rng_normal(&r), "ZZ", bond, e);
    /* XX + YY conserves the magnetization only as a sum: each alone leaves the sector */
    double g = qb_rng_normal(&r);
    qb_spin_sum_add(H, g, "XX", bond, e);
    qb_spin_sum_add(H, g, "YY", bond, e);
    qb_spin_sum_add(H, qb_rng_normal(&r), "Z", site, e);
  }
  return H;
}

static void test_sectors_vs_full(void) {
  qb_err e;
  const int L = 8;
  qb_pauli_sum *H = random_conserving(L, 20221, &e);
  qb_spin_basis *F;
  QB_ASSERT_OK(qb_spin_basis_create(L, -1, &F, &e), &e);
  qb_csr *AF;
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, F, &AF, &e), &e);
  qb_cplx *full = csr_dense_complex(AF);
  qb_idx total = 0;
  double worst = 0;
  for (int nup = 0; nup <= L; nup++) {
    qb_spin_basis *B;
    qb_csr *A;
    QB_ASSERT_OK(qb_spin_basis_create(L, nup, &B, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
    qb_cplx *blk = csr_dense_complex(A);
    for (qb_idx i = 0; i < B->dim; i++)
      for (qb_idx j = 0; j < B->dim; j++) {
        uint64_t si = qb_spin_basis_state(B, i), sj = qb_spin_basis_state(B, j);
        worst = fmax(worst, cabs(blk[i * B->dim + j] - full[si * 256 + sj]));
      }
    total += B->dim;
    qb_free(blk); qb_csr_free(A); qb_spin_basis_free(B);
  }
  CU_ASSERT_EQUAL(total, 256);
  QB_ASSERT_CLOSE(worst, 0, 0);
  /* and the full matrix has no element between different sectors */
  double leak = 0;
  for (int a = 0; a < 256; a++)
    for (int b = 0; b < 256; b++)
      if (__builtin_popcount(a) != __builtin_popcount(b)) leak = fmax(leak, cabs(full[a * 256 + b]));
  QB_ASSERT_CLOSE(leak, 0, 0);
  qb_free(full); qb_csr_free(AF); qb_spin_basis_free(F); qb_spin_sum_free(H);
}

static void test_basis_rank(void) {
  qb_err e;
  for (int L = 1; L <= 12; L++)
    for (int nup = 0; nup <= L; nup++) {
      qb_spin_basis *B;
      QB_ASSERT_OK(qb_spin_basis_create(L, nup, &B, &e), &e);
      int ok = 1;
      for (qb_idx i = 0; i < B->dim; i++) {
        uint64_t s = qb_spin_basis_state(B, i);
        ok &= __builtin_popcountll(s) == nup && qb_spin_basis_index(B, s) == i;
        if (i > 0) ok &= s > qb_spin_basis_state(B, i - 1);
      }
      CU_ASSERT(ok);
      if (nup < L) CU_ASSERT_EQUAL(qb_spin_basis_index(B, ((uint64_t)1 << (nup + 1)) - 1), -1);
      qb_spin_basis_free(B);
    }
  qb_spin_basis *B; /* a 40-site sector with 3 up spins: binomial(40, 3) states */
  QB_ASSERT_OK(qb_spin_basis_create(40, 3, &B, &e), &e);
  CU_ASSERT_EQUAL(B->dim, 9880);
  /* colex rank of {1, 2, 39}: binom(1,1) + binom(2,2) + binom(39,3) = 1 + 1 + 9139 */
  CU_ASSERT_EQUAL(qb_spin_basis_index(B, ((uint64_t)1 << 39) | 6), 9141);
  CU_ASSERT_EQUAL(qb_spin_basis_index(B, (uint64_t)7 << 37), B->dim - 1);
  qb_spin_basis_free(B);
}

static void test_bad_input(void) {
  qb_err e;
  qb_pauli_sum *H;
  QB_ASSERT_OK(qb_spin_sum_create(6, &H, &e), &e);
  int s2[2] = {0, 6}, s1[1] = {2};
  CU_ASSERT_EQUAL(qb_spin_sum_add(H, 1, "XX", s2, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "site 6"));
  CU_ASSERT_EQUAL(qb_spin_sum_add(H, 1, "Q", s1, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "'Q'"));
  QB_ASSERT_OK(qb_spin_sum_add(H, 1, "X", s1, &e), &e);
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(6, 3, &B, &e), &e);
  qb_csr *A = (qb_csr *)&e; /* must come back NULL */
  CU_ASSERT_EQUAL(qb_spin_sum_to_csr(H, B, &A, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(A);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "sector"));
  qb_spin_basis_free(B);
  CU_ASSERT_EQUAL(qb_spin_basis_create(41, -1, &B, &e), QB_ERR_INPUT);
  qb_spin_basis_free(NULL);
  qb_spin_sum_free(H);
}

/* Every allocation of the builder failing in turn gives QB_ERR_NOMEM, no leak (ASan). */
static void test_allocation_failures(void) {
  qb_err e;
  qb_pauli_sum *H = random_conserving(6, 7, &e);
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(6, 3, &B, &e), &e);
  qb_status st = QB_ERR_NOMEM;
  int k;
  for (k = 0; k < 200 && st == QB_ERR_NOMEM; k++) {
    qb_csr *A = NULL;
    qb_alloc_fail_after(k);
    st = qb_spin_sum_to_csr(H, B, &A, &e);
    qb_alloc_fail_after(-1);
    if (st == QB_OK) qb_csr_free(A);
    else CU_ASSERT_PTR_NULL(A);
  }
  CU_ASSERT_EQUAL(st, QB_OK);
  CU_ASSERT(k > 2);
  qb_spin_basis_free(B);
  qb_spin_sum_free(H);
}

static void test_same_matrix_any_threads(void) {
  qb_err e;
  qb_pauli_sum *H = random_conserving(12, 99, &e);
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(12, 6, &B, &e), &e);
  qb_csr *A1, *A2;
  int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A1, &e), &e);
  omp_set_num_threads(2);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A2, &e), &e);
  omp_set_num_threads(saved);
  qb_idx nnz = qb_csr_nnz(A1);
  CU_ASSERT_EQUAL(nnz, qb_csr_nnz(A2));
  CU_ASSERT(!memcmp(A1->rowptr, A2->rowptr, (B->dim + 1) * sizeof(qb_idx)));
  CU_ASSERT(!memcmp(A1->colind, A2->colind, nnz * sizeof(qb_idx)));
  CU_ASSERT(!memcmp(A1->val, A2->val, nnz * qb_dtype_size(A1->dtype)));
  qb_csr_free(A1); qb_csr_free(A2); qb_spin_basis_free(B); qb_spin_sum_free(H);
}

/* Mean gap ratio of the middle half of the L = 14, Sz = 0 random-field Heisenberg chain,
 * one value per disorder realization (fields U[-W, W], Pal-Huse convention). */
static void chain_gap_ratios(double W, int realizations, qb_stat *st) {
  qb_err e;
  const int L = 14;
  qb_spin_basis *B;
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  qb_idx n = B->dim;
  double *D = qb_malloc((size_t)(n * n) * sizeof *D), *w = qb_malloc((size_t)n * sizeof *w);
  for (int k = 0; k < realizations; k++) {
    qb_rng r;
    qb_rng_init(&r, 14, (uint64_t)(W * 1000), (uint64_t)k, 0);
    double h[14];
    for (int j = 0; j < L; j++) h[j] = W * (2 * qb_rng_uniform(&r) - 1);
    qb_pauli_sum *H;
    qb_csr *A;
    QB_ASSERT_OK(qb_spin_sum_heisenberg(L, 1.0, h, 0, &H, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
    QB_ASSERT_OK(qb_csr_to_dense(A, D, &e), &e);
    QB_ASSERT_OK(qb_dense_eigh(QB_REAL, n, D, w, 0, &e), &e);
    qb_stat_add(st, qb_level_stats_gap_ratio_mean(w, n, 1, n / 4, 3 * n / 4, NULL));
    qb_csr_free(A);
    qb_spin_sum_free(H);
  }
  qb_free(D); qb_free(w); qb_spin_basis_free(B);
}

/* Acceptance 4: ergodic (GOE, <r> = 0.5307) at W = 0.5 and localized (Poisson,
 * 2 ln 2 - 1 = 0.3863) at W = 10, each within 3 standard errors over realizations. */
static void test_heisenberg_gap_ratio_crossover(void) {
  qb_stat ergodic = {0}, localized = {0};
  chain_gap_ratios(0.5, 4, &ergodic);
  chain_gap_ratios(10.0, 4, &localized);
  printf("\n  L=14 Sz=0: <r>(W=0.5) = %.4f +- %.4f, <r>(W=10) = %.4f +- %.4f\n",
         qb_stat_mean(&ergodic), qb_stat_stderr(&ergodic), qb_stat_mean(&localized),
         qb_stat_stderr(&localized));
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&ergodic), 0.5307, qb_stat_stderr(&ergodic), 3);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&localized), 2 * log(2) - 1, qb_stat_stderr(&localized), 3);
}

int main(void) {
  const qb_test_case cases[] = {
      {"Pauli strings vs tensor products", test_strings_vs_tensor_products},
      {"Heisenberg chain vs hand-written matrix", test_heisenberg_handwritten},
      {"sector blocks vs full space", test_sectors_vs_full},
      {"sector basis ranks", test_basis_rank},
      {"bad input", test_bad_input},
      {"allocation failures", test_allocation_failures},
      {"same matrix on 1 and 2 threads", test_same_matrix_any_threads},
      {"random-field Heisenberg gap ratio, L = 14", test_heisenberg_gap_ratio_crossover},
      {NULL, NULL}};
  return qb_test_main("spin", cases);
}
