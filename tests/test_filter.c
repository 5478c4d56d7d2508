/* test_filter.c — the polynomial-filter eigensolver (qbath/filter.h, issue 20) against
 * dense ED and shift-invert on the same matrices: a random-field Heisenberg chain (Sz = 0,
 * L = 12 and 14) and a grain-plus-spins Hamiltonian applied as its Kronecker operator
 * (no CSR form). Eigenvalues to 1e-10 ||H||, half-chain / last-spin entanglement to 1e-8,
 * every residual <= 1e-9 ||H||; the filter polynomial against its scalar values; bitwise
 * equality on 1 and 2 threads; the input errors. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/eigobs.h"
#include "qbath/eigs.h"
#include "qbath/filter.h"
#include "qbath/grain.h"
#include "qbath/kron.h"
#include "qbath/rng.h"
#include "qbath/spin.h"
#include "solve/filter_internal.h"

/* Random-field Heisenberg chain, h_j = W U[-1, 1], open, Sz = 0 (qb_spin_sum_heisenberg). */
static qb_csr *chain(int L, double W, uint64_t realization) {
  qb_err e;
  qb_rng rng;
  double h[32];
  qb_rng_init(&rng, 4321, 0, realization, 1);
  for (int j = 0; j < L; j++) h[j] = W * (2 * qb_rng_uniform(&rng) - 1);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_spin_sum_heisenberg(L, 1.0, h, 0, &H, &e), &e);
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &e), &e);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
  return A;
}

/* ||H||: the larger end of the exact spectrum. */
static double norm_h(const qb_eigs_result *ref) { return fmax(fabs(ref->emin), fabs(ref->emax)); }

/* Filter pairs f against reference pairs r (same window): eigenvalues, residuals, and the
 * entanglement entropy of bipartition cut state by state. */
static void compare(const qb_eigs_result *f, const qb_eigs_result *r, double hnorm,
                    const qb_bipartition *cut) {
  qb_err e;
  CU_ASSERT_EQUAL_FATAL(f->nev, r->nev);
  CU_ASSERT_EQUAL(f->method, QB_EIGS_FILTER);
  double de = 0, ds = 0;
  for (qb_idx j = 0; j < f->nev; j++) de = fmax(de, fabs(f->E[j] - r->E[j]));
  for (qb_idx j = 0; cut && j < f->nev; j++) {
    double sf, sr;
    QB_ASSERT_OK(qb_eigobs_entanglement(cut, QB_REAL, (const double *)f->V + j * f->dim, &sf, NULL, &e), &e);
    QB_ASSERT_OK(qb_eigobs_entanglement(cut, QB_REAL, (const double *)r->V + j * r->dim, &sr, NULL, &e), &e);
    ds = fmax(ds, fabs(sf - sr));
  }
  printf("\n  n = %ld nev = %ld: max |dE|/||H|| %.2e, max |dS| %.2e, resid/||H|| %.2e, orth %.2e,"
         " %ld p(H) applies, %d restarts", (long)f->dim, (long)f->nev, de / hnorm, ds,
         f->max_resid / hnorm, f->orth_defect, (long)f->nsolves, f->iterations);
  CU_ASSERT(de <= 1e-10 * hnorm);
  CU_ASSERT(ds <= 1e-8);
  CU_ASSERT(f->max_resid <= 1e-9 * hnorm);
  CU_ASSERT(f->orth_defect <= 1e-10);
}

static qb_bipartition *half_chain(int L) {
  qb_err e;
  qb_spin_basis *B = NULL;
  qb_bipartition *cut = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(L, L / 2, &B, &e), &e);
  QB_ASSERT_OK(qb_eigobs_bipartition_sites(B, ((uint64_t)1 << (L / 2)) - 1, &cut, &e), &e);
  qb_spin_basis_free(B);
  return cut;
}

/* L = 12 against dense ED (exact window, exact bounds) at eps = 0.5 and 0.3. */
static void test_chain_vs_dense(void) {
  qb_err e;
  qb_csr *A = chain(12, 3.0, 5);
  qb_bipartition *cut = half_chain(12);
  const double eps[2] = {0.5, 0.3};
  for (int t = 0; t < 2; t++) {
    qb_eigs_opts o;
    qb_eigs_defaults(&o);
    o.nev = 20;
    o.target = eps[t];
    qb_eigs_result *de = NULL, *fi = NULL;
    o.method = QB_EIGS_DENSE;
    QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &de, &e), &e);
    o.method = QB_EIGS_FILTER;
    o.have_bounds = 1, o.emin = de->emin, o.emax = de->emax; /* the same sigma */
    QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &fi, &e), &e);
    compare(fi, de, norm_h(de), cut);
    qb_eigs_result_free(de);
    qb_eigs_result_free(fi);
  }
  qb_eigobs_bipartition_free(cut);
  qb_csr_free(A);
}

/* L = 14 (n = 3432), 40 pairs, against shift-invert: both take sigma from ARPACK's bounds. */
static void test_chain_vs_shift_invert(void) {
  qb_err e;
  qb_csr *A = chain(14, 2.5, 9);
  qb_bipartition *cut = half_chain(14);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 40;
  qb_eigs_result *si = NULL, *fi = NULL;
  o.method = QB_EIGS_SHIFT_INVERT;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &si, &e), &e);
  o.method = QB_EIGS_FILTER;
  QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &fi, &e), &e);
  CU_ASSERT_EQUAL(fi->sigma, si->sigma);
  compare(fi, si, norm_h(si), cut);
  qb_eigs_result_free(si);
  qb_eigs_result_free(fi);
  qb_eigobs_bipartition_free(cut);
  qb_csr_free(A);
}

/* A grain of N = 3 qubits and M = 8 spins (n = 2048): the filter on the Kronecker operator
 * itself, shift-invert on its CSR form, at the model's sigma_0 = tr H / dim. */
static void test_grain_kron_vs_shift_invert(void) {
  qb_err e;
  qb_grain_spec s;
  memset(&s, 0, sizeof s);
  s.n = 3, s.m = 8, s.norm = QB_GRAIN_NORM_RMS, s.rms = 1.5, s.field_min = 0.5, s.field_max = 1.5;
  s.coupling = QB_GRAIN_COUPLE_XY, s.geometry = QB_GRAIN_EXP1D, s.v1 = 1.0, s.xi = -1 / log(0.6);
  double A[64], eps[8], tr = 0;
  QB_ASSERT_OK(qb_grain_draw(&s, 77, 0, 3, A, eps, &e), &e);
  for (int g = 0; g < 8; g++) tr += A[g * 8 + g] / 8;
  qb_op *H = NULL;
  qb_csr *S = NULL;
  QB_ASSERT_OK(qb_grain_op(&s, A, eps, &H, &e), &e);
  QB_ASSERT_OK(qb_kron_to_csr(H->impl, &S, &e), &e);
  qb_spin_basis *B = NULL;
  qb_bipartition *cut = NULL;
  QB_ASSERT_OK(qb_spin_basis_create(11, -1, &B, &e), &e);
  QB_ASSERT_OK(qb_eigobs_bipartition_sites(B, (uint64_t)1 << 7, &cut, &e), &e); /* spin M */
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 30;
  o.target_is_density = 0;
  o.target = tr;
  qb_eigs_result *si = NULL, *fi = NULL, *de = NULL;
  o.method = QB_EIGS_SHIFT_INVERT;
  QB_ASSERT_OK(qb_eigs_csr(S, &o, NULL, &si, &e), &e);
  o.method = QB_EIGS_DENSE, o.nev = 2048;
  QB_ASSERT_OK(qb_eigs_csr(S, &o, NULL, &de, &e), &e); /* for ||H|| only */
  o.method = QB_EIGS_FILTER, o.nev = 30;
  QB_ASSERT_OK(qb_eigs_op(H, &o, NULL, &fi, &e), &e);
  compare(fi, si, norm_h(de), cut);
  qb_eigs_result_free(si);
  qb_eigs_result_free(fi);
  qb_eigs_result_free(de);
  qb_eigobs_bipartition_free(cut);
  qb_spin_basis_free(B);
  qb_csr_free(S);
  qb_op_free(H);
}

/* p(H) e_i = p(d_i) e_i for a diagonal H: the vector recurrence against Clenshaw; and the
 * filter's shape: p(x0) = 1, p >= -1e-12 (the Jackson kernel keeps it positive). */
static void test_polynomial(void) {
  qb_err e;
  const qb_idx n = 64;
  qb_csr *D = NULL;
  QB_ASSERT_OK(qb_csr_create(n, n, n, QB_REAL, &D, &e), &e);
  for (qb_idx i = 0; i < n; i++) {
    D->rowptr[i] = i, D->colind[i] = i;
    ((double *)D->val)[i] = -3.1 + 6.4 * (double)i / (double)(n - 1);
  }
  D->rowptr[n] = n;
  qb_op *H = NULL;
  QB_ASSERT_OK(qb_op_from_csr(D, 1, &H, &e), &e);
  qb_filter_poly P;
  QB_ASSERT_OK(qb_filter_poly_make(-3.2, 3.4, 0.37, 301, &P, &e), &e);
  QB_ASSERT_CLOSE(qb_filter_poly_eval(&P, 0.37), 1.0, 1e-12);
  double v[64], y[64], t1[64], t2[64], worst = 0, lowest = 1;
  for (qb_idx i = 0; i < n; i++) v[i] = 1.0;
  QB_ASSERT_OK(qb_filter_poly_apply(H, &P, v, y, t1, t2, &e), &e);
  for (qb_idx i = 0; i < n; i++) {
    double p = qb_filter_poly_eval(&P, ((double *)D->val)[i]);
    worst = fmax(worst, fabs(y[i] - p));
    lowest = fmin(lowest, p);
  }
  CU_ASSERT(worst <= 1e-12);
  CU_ASSERT(lowest >= -1e-12);
  qb_filter_poly_clear(&P);
  qb_op_free(H);
}

/* The same bits on one thread and on two. */
static void test_thread_bits(void) {
  qb_err e;
  qb_csr *A = chain(12, 2.0, 11);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  o.nev = 20;
  o.method = QB_EIGS_FILTER;
  o.target = 0.45;
  qb_eigs_result *r[2] = {NULL, NULL};
  int old = omp_get_max_threads();
  for (int t = 0; t < 2; t++) {
    omp_set_num_threads(t + 1);
    QB_ASSERT_OK(qb_eigs_csr(A, &o, NULL, &r[t], &e), &e);
  }
  omp_set_num_threads(old);
  CU_ASSERT(memcmp(r[0]->E, r[1]->E, 20 * sizeof(double)) == 0);
  CU_ASSERT(memcmp(r[0]->V, r[1]->V, (size_t)(20 * A->nrows) * sizeof(double)) == 0);
  qb_eigs_result_free(r[0]);
  qb_eigs_result_free(r[1]);
  qb_csr_free(A);
}

/* Complex operators, a basis that cannot hold the window, bad options: errors, no result. */
static void test_errors(void) {
  qb_err e;
  qb_csr *A = chain(8, 1.0, 2); /* n = 70 */
  qb_op *H = NULL;
  QB_ASSERT_OK(qb_op_from_csr(A, 1, &H, &e), &e);
  qb_eigs_opts o;
  qb_eigs_defaults(&o);
  qb_eigs_result *r = NULL;
  o.nev = 50;
  CU_ASSERT_EQUAL(qb_filter_eigs(H, &o, NULL, &r, NULL, &e), QB_ERR_INPUT);
  CU_ASSERT_PTR_NULL(r);
  o.nev = 5;
  qb_filter_opts f;
  qb_filter_defaults(&f);
  f.width = 0;
  CU_ASSERT_EQUAL(qb_filter_eigs(H, &o, &f, &r, NULL, &e), QB_ERR_INPUT);
  o.target = 1.5;
  CU_ASSERT_EQUAL(qb_filter_eigs(H, &o, NULL, &r, NULL, &e), QB_ERR_INPUT);
  qb_op_free(H);
  qb_csr *C = NULL;
  QB_ASSERT_OK(qb_csr_create(100, 100, 100, QB_COMPLEX, &C, &e), &e);
  for (qb_idx i = 0; i <= 100; i++) C->rowptr[i] = i;
  for (qb_idx i = 0; i < 100; i++) C->colind[i] = i, ((qb_cplx *)C->val)[i] = (double)i;
  QB_ASSERT_OK(qb_op_from_csr(C, 1, &H, &e), &e);
  o.target = 0.5;
  CU_ASSERT_EQUAL(qb_filter_eigs(H, &o, NULL, &r, NULL, &e), QB_ERR_UNSUPPORTED);
  CU_ASSERT_PTR_NULL(r);
  qb_op_free(H);
}

int main(void) {
  const qb_test_case cases[] = {
      {"polynomial: vector recurrence = Clenshaw, p(x0) = 1, p >= 0", test_polynomial},
      {"L = 12 chain: filter = dense ED (eps 0.5, 0.3)", test_chain_vs_dense},
      {"L = 14 chain: filter = shift-invert, 40 pairs", test_chain_vs_shift_invert},
      {"grain N = 3, M = 8 Kronecker op: filter = shift-invert", test_grain_kron_vs_shift_invert},
      {"same bits on 1 and 2 threads", test_thread_bits},
      {"input errors", test_errors},
      {NULL, NULL}};
  return qb_test_main("filter", cases);
}
