/* eigobs_entropy.c — entanglement entropy of a subsystem (qbath/eigobs.h): bipartitions of a
 * spin basis by sites or of a tensor-product space by factors, and von Neumann / Renyi-2
 * entropies from the reduced density matrix of the smaller side. */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/eigobs.h"

/* Largest side of a bipartition we allow: the dense M is da * db entries. */
#define QB_BIPART_MAX_BITS 62

qb_bipartition *qb_eigobs_bipartition_free(qb_bipartition *P) {
  if (!P) return NULL;
  qb_free(P->ia);
  qb_free(P->ib);
  return qb_free(P);
}

static qb_status bipart_alloc(qb_idx dim, qb_bipartition **out, qb_err *err) {
  qb_bipartition *P = qb_calloc(1, sizeof *P);
  if (P) {
    P->dim = dim;
    P->ia = qb_malloc((size_t)dim * sizeof *P->ia);
    P->ib = qb_malloc((size_t)dim * sizeof *P->ib);
  }
  if (!P || !P->ia || !P->ib) {
    qb_eigobs_bipartition_free(P);
    return QB_FAIL(err, QB_ERR_NOMEM, "bipartition of dimension %ld", (long)dim);
  }
  *out = P;
  return QB_OK;
}

/* The bits of s selected by mask, packed to the low end (the x86 pext, portably). */
static uint64_t extract_bits(uint64_t s, uint64_t mask, int nbits) {
  uint64_t r = 0;
  int k = 0;
  for (int j = 0; j < nbits; j++)
    if (mask >> j & 1) r |= (s >> j & 1) << k++;
  return r;
}

qb_status qb_eigobs_bipartition_sites(const qb_spin_basis *B, uint64_t sites, qb_bipartition **out,
                               qb_err *err) {
  *out = NULL;
  int L = B->nsites;
  uint64_t all = L == 64 ? ~0ull : ((uint64_t)1 << L) - 1;
  if ((sites & ~all) || sites == 0 || sites == all)
    return QB_FAIL(err, QB_ERR_INPUT, "bipartition: site mask 0x%llx must be a non-empty "
                   "proper subset of the %d sites", (unsigned long long)sites, L);
  QB_TRY(bipart_alloc(B->dim, out, err));
  qb_bipartition *P = *out;
  int na = __builtin_popcountll(sites);
  P->da = (qb_idx)1 << na;
  P->db = (qb_idx)1 << (L - na);
  for (qb_idx i = 0; i < B->dim; i++) {
    uint64_t s = qb_spin_basis_state(B, i);
    P->ia[i] = (qb_idx)extract_bits(s, sites, L);
    P->ib[i] = (qb_idx)extract_bits(s, all & ~sites, L);
  }
  return QB_OK;
}

qb_status qb_eigobs_bipartition_factors(int nf, const qb_idx *dims, uint64_t factors,
                                 qb_bipartition **out, qb_err *err) {
  *out = NULL;
  uint64_t all = nf >= 64 ? ~0ull : ((uint64_t)1 << nf) - 1;
  if (nf < 2 || nf > 63 || (factors & ~all) || factors == 0 || factors == all)
    return QB_FAIL(err, QB_ERR_INPUT, "bipartition: factor mask 0x%llx must be a non-empty "
                   "proper subset of %d factors", (unsigned long long)factors, nf);
  double da = 1, db = 1;
  for (int f = 0; f < nf; f++) {
    if (dims[f] < 1) return QB_FAIL(err, QB_ERR_INPUT, "bipartition: factor %d has dimension %ld", f, (long)dims[f]);
    if (factors >> f & 1) da *= (double)dims[f]; else db *= (double)dims[f];
  }
  if (da * db > 0x1p62)
    return QB_FAIL(err, QB_ERR_INPUT, "bipartition: dimension %.3g too large", da * db);
  QB_TRY(bipart_alloc((qb_idx)(da * db), out, err));
  qb_bipartition *P = *out;
  P->da = (qb_idx)da;
  P->db = (qb_idx)db;
  for (qb_idx i = 0; i < P->dim; i++) {
    /* digits from the fastest factor (last) up; A and B labels in the same slow-first order */
    qb_idx rest = i, a = 0, b = 0, sa = 1, sb = 1;
    for (int f = nf - 1; f >= 0; f--) {
      qb_idx d = rest % dims[f];
      rest /= dims[f];
      if (factors >> f & 1) { a += d * sa; sa *= dims[f]; }
      else { b += d * sb; sb *= dims[f]; }
    }
    P->ia[i] = a;
    P->ib[i] = b;
  }
  return QB_OK;
}

/* S = -sum p log p and S_2 = -log sum p^2 of the eigenvalues w (divided by their sum). */
static void entropies(const double *w, qb_idx n, double *s_vn, double *s_2) {
  double tr = 0, s = 0, p2 = 0;
  for (qb_idx i = 0; i < n; i++) tr += fmax(w[i], 0);
  for (qb_idx i = 0; i < n; i++) {
    double p = fmax(w[i], 0) / tr;
    if (p > 0) s -= p * log(p);
    p2 += p * p;
  }
  if (s_vn) *s_vn = s;
  if (s_2) *s_2 = -log(p2);
}

qb_status qb_eigobs_entanglement(const qb_bipartition *P, qb_dtype dtype, const void *psi,
                          double *s_vn, double *s_2, qb_err *err) {
  /* rows = the smaller side, so that rho is the smaller reduced density matrix */
  int a_rows = P->da <= P->db;
  qb_idx nr = a_rows ? P->da : P->db, nc = a_rows ? P->db : P->da;
  size_t es = qb_dtype_size(dtype);
  void *M = qb_calloc((size_t)nr * (size_t)nc, es);
  void *rho = qb_malloc((size_t)nr * (size_t)nr * es);
  double *w = qb_malloc((size_t)nr * sizeof *w);
  qb_status st = QB_OK;
  if (!M || !rho || !w) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "reduced density matrix %ld x %ld", (long)nr, (long)nr);
    goto done;
  }
  for (qb_idx i = 0; i < P->dim; i++) {
    qb_idx row = a_rows ? P->ia[i] : P->ib[i], col = a_rows ? P->ib[i] : P->ia[i];
    memcpy((char *)M + es * (size_t)(row * nc + col), (const char *)psi + es * (size_t)i, es);
  }
  /* rho = M M^H, lower triangle (row-major), as qb_dense_eigh reads it */
  if (dtype == QB_REAL)
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)nr, (int)nc, 1.0, M, (int)nc, 0.0,
                rho, (int)nr);
  else
    cblas_zherk(CblasRowMajor, CblasLower, CblasNoTrans, (int)nr, (int)nc, 1.0, M, (int)nc, 0.0,
                rho, (int)nr);
  st = qb_dense_eigh(dtype, nr, rho, w, 0, err);
  if (st == QB_OK) entropies(w, nr, s_vn, s_2);
done:
  qb_free(M);
  qb_free(rho);
  qb_free(w);
  return st;
}
