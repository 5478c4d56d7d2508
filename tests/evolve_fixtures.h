/* evolve_fixtures.h — operators shared by the time-evolution suites (bounds, evolve,
 * spectral): the random-field Heisenberg chain and a GOE matrix as qb_op, and the dense
 * eigendecomposition used as the reference. Header-only (static functions). */
#ifndef QBATH_TEST_EVOLVE_FIXTURES_H
#define QBATH_TEST_EVOLVE_FIXTURES_H

#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/op.h"
#include "qbath/rmt.h"
#include "qbath/rng.h"
#include "qbath/spin.h"

/* Fields h_j uniform in [-W, W] from Philox stream (seed, 0, 0, 0). */
static inline void fx_fields(int L, double W, uint64_t seed, double *h) {
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 0);
  for (int j = 0; j < L; j++) h[j] = W * (2.0 * qb_rng_uniform(&r) - 1.0);
}

/* H = sum_j S_j.S_{j+1} + sum_j h_j S^z_j (open chain, J = 1) on the full 2^L space via
 * qb_spin_sum_heisenberg, as a CSR operator. */
static inline qb_status fx_chain(int L, double W, uint64_t seed, qb_op **out, qb_err *e) {
  double h[QB_SPIN_MAX_SITES];
  fx_fields(L, W, seed, h);
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  qb_status st = qb_spin_sum_heisenberg(L, 1.0, h, 0, &P, e);
  if (st == QB_OK) st = qb_spin_basis_create(L, -1, &B, e);
  if (st == QB_OK) st = qb_spin_sum_to_csr(P, B, &A, e);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, out, e);
  if (st != QB_OK) qb_csr_free(A);
  qb_spin_sum_free(P);
  qb_spin_basis_free(B);
  return st;
}

/* The same chain restricted to the sector with n_up spins up, written independently with
 * S.S = (1/2)(s+ s- + s- s+) + (1/4) ZZ terms that conserve the magnetization each. */
static inline qb_status fx_chain_sector(int L, double W, uint64_t seed, int n_up, qb_op **out,
                                        qb_err *e) {
  double h[QB_SPIN_MAX_SITES];
  fx_fields(L, W, seed, h);
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  qb_status st = qb_spin_sum_create(L, &P, e);
  for (int j = 0; st == QB_OK && j + 1 < L; j++) {
    const int s2[2] = {j, j + 1};
    st = qb_spin_sum_add(P, 0.5, "+-", s2, e);
    if (st == QB_OK) st = qb_spin_sum_add(P, 0.5, "-+", s2, e);
    if (st == QB_OK) st = qb_spin_sum_add(P, 0.25, "ZZ", s2, e);
  }
  for (int j = 0; st == QB_OK && j < L; j++) st = qb_spin_sum_add(P, 0.5 * h[j], "Z", &j, e);
  if (st == QB_OK) st = qb_spin_basis_create(L, n_up, &B, e);
  if (st == QB_OK) st = qb_spin_sum_to_csr(P, B, &A, e);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, out, e);
  if (st != QB_OK) qb_csr_free(A);
  qb_spin_sum_free(P);
  qb_spin_basis_free(B);
  return st;
}

/* sigma^z_site on the full 2^L space as a CSR operator. */
static inline qb_status fx_sigmaz(int L, int site, qb_op **out, qb_err *e) {
  qb_pauli_sum *P = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  qb_status st = qb_spin_sum_create(L, &P, e);
  if (st == QB_OK) st = qb_spin_sum_add(P, 1.0, "Z", &site, e);
  if (st == QB_OK) st = qb_spin_basis_create(L, -1, &B, e);
  if (st == QB_OK) st = qb_spin_sum_to_csr(P, B, &A, e);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, out, e);
  if (st != QB_OK) qb_csr_free(A);
  qb_spin_sum_free(P);
  qb_spin_basis_free(B);
  return st;
}

/* A dense real symmetric operator (row-major n x n), applied with BLAS: half the memory
 * traffic of the same matrix in CSR (no column indices), for the GOE tests. */
typedef struct {
  qb_idx n;
  double *A;
} fx_dense;

static inline qb_status fx_dense_apply(void *impl, qb_dtype vt, double alpha, double shift,
                                       const void *x, double beta, void *y, qb_err *e) {
  (void)e;
  const fx_dense *d = impl;
  const qb_idx n = d->n;
  const double *A = d->A, *xd = x;
  double *yd = y;
  const int nv = vt == QB_COMPLEX ? 2 : 1; /* a complex vector: n x 2 reals */
  /* one pass over A per apply (a BLAS gemm with 2 columns may pack A first) */
#pragma omp parallel for default(none) shared(n, A, xd, yd, nv, alpha, shift, beta) schedule(static)
  for (qb_idx i = 0; i < n; i++) {
    double s0 = 0.0, s1 = 0.0;
    const double *a = A + i * n;
    if (nv == 2)
      for (qb_idx j = 0; j < n; j++) s0 += a[j] * xd[2 * j], s1 += a[j] * xd[2 * j + 1];
    else
      for (qb_idx j = 0; j < n; j++) s0 += a[j] * xd[j];
    for (int c = 0; c < nv; c++) {
      const double hx = (c ? s1 : s0) - shift * xd[nv * i + c];
      yd[nv * i + c] = alpha * hx + (beta == 0.0 ? 0.0 : beta * yd[nv * i + c]);
    }
  }
  return QB_OK;
}
static inline size_t fx_dense_bytes(const void *impl) {
  const fx_dense *d = impl;
  return (size_t)(d->n * d->n) * sizeof(double);
}
static inline void fx_dense_free(void *impl) {
  fx_dense *d = impl;
  if (d) qb_free(d->A);
  qb_free(d);
}
static const qb_op_type fx_dense_type = {"fx_dense", fx_dense_apply, fx_dense_bytes, fx_dense_free};

/* GOE of dimension n with semicircle radius 1 (scale s = 1/(2 sqrt n)) as a dense op. */
static inline qb_status fx_goe(qb_idx n, uint64_t seed, qb_op **out, qb_err *e) {
  fx_dense *d = qb_calloc(1, sizeof *d);
  if (!d) return QB_ERR_NOMEM;
  d->n = n;
  d->A = qb_malloc((size_t)(n * n) * sizeof *d->A);
  qb_status st = d->A ? QB_OK : QB_ERR_NOMEM;
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 1);
  if (st == QB_OK) st = qb_rmt_goe(&r, n, 0.5 / sqrt((double)n), d->A, e);
  if (st == QB_OK) st = qb_op_create(&fx_dense_type, d, 1, n, QB_REAL, out, e);
  if (st != QB_OK) fx_dense_free(d);
  return st;
}

/* The same GOE as a dense CSR matrix (for what needs CSR: Gershgorin bounds). */
static inline qb_status fx_goe_csr(qb_idx n, uint64_t seed, qb_op **out, qb_err *e) {
  double *D = qb_malloc((size_t)(n * n) * sizeof *D);
  qb_idx *ri = qb_malloc((size_t)(n * n) * sizeof *ri), *ci = qb_malloc((size_t)(n * n) * sizeof *ci);
  qb_csr *A = NULL;
  qb_status st = QB_OK;
  if (!D || !ri || !ci) st = QB_ERR_NOMEM;
  qb_rng r;
  qb_rng_init(&r, seed, 0, 0, 1);
  if (st == QB_OK) st = qb_rmt_goe(&r, n, 0.5 / sqrt((double)n), D, e);
  for (qb_idx k = 0; st == QB_OK && k < n * n; k++) {
    ri[k] = k / n;
    ci[k] = k % n;
  }
  if (st == QB_OK) st = qb_csr_from_triplets(n, n, n * n, ri, ci, D, QB_REAL, &A, e);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, out, e);
  if (st != QB_OK) qb_csr_free(A);
  qb_free(D);
  qb_free(ri);
  qb_free(ci);
  return st;
}

/* Dense eigendecomposition of a real operator: E (n), V (n x n row-major, columns). */
typedef struct {
  qb_idx n;
  double *E, *V;
} fx_eig;

static inline qb_status fx_eig_create(const qb_op *H, fx_eig *x, qb_err *e) {
  x->n = H->dim;
  x->E = qb_malloc((size_t)x->n * sizeof *x->E);
  x->V = qb_malloc((size_t)(x->n * x->n) * sizeof *x->V);
  if (!x->E || !x->V) return QB_ERR_NOMEM;
  if (H->type == &fx_dense_type)
    memcpy(x->V, ((const fx_dense *)H->impl)->A, (size_t)(x->n * x->n) * sizeof *x->V);
  else
    QB_TRY(qb_op_to_dense(H, x->V, e));
  return qb_dense_eigh(QB_REAL, x->n, x->V, x->E, 1, e);
}

static inline void fx_eig_free(fx_eig *x) {
  x->E = qb_free(x->E);
  x->V = qb_free(x->V);
}

/* psi(t) = V e^{-iEt} V^T psi0 by plain loops (independent of the dense propagator). */
static inline void fx_eig_evolve(const fx_eig *x, const qb_cplx *psi0, double t, qb_cplx *out,
                          qb_cplx *work) {
  const qb_idx n = x->n;
  for (qb_idx k = 0; k < n; k++) work[k] = 0;
  for (qb_idx i = 0; i < n; i++)
    for (qb_idx k = 0; k < n; k++) work[k] += x->V[i * n + k] * psi0[i];
  for (qb_idx k = 0; k < n; k++) work[k] *= cexp(-I * x->E[k] * t);
  for (qb_idx i = 0; i < n; i++) {
    qb_cplx s = 0;
    for (qb_idx k = 0; k < n; k++) s += x->V[i * n + k] * work[k];
    out[i] = s;
  }
}

static inline double fx_dist(const qb_cplx *a, const qb_cplx *b, qb_idx n) {
  double s = 0;
  for (qb_idx i = 0; i < n; i++) s += creal((a[i] - b[i]) * conj(a[i] - b[i]));
  return sqrt(s);
}

static inline double fx_norm(const qb_cplx *a, qb_idx n) {
  double s = 0;
  for (qb_idx i = 0; i < n; i++) s += creal(a[i] * conj(a[i]));
  return sqrt(s);
}

#endif
