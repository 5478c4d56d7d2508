/* eigobs_entropy.c — entanglement entropy of a subsystem (qbath/eigobs.h): bipartitions of a
 * spin basis by sites or of a tensor-product space by factors, and von Neumann / Renyi-2
 * entropies from the reduced density matrix of the smaller side. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
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
  qb_free(P->blk);
  qb_free(P->bda);
  qb_free(P->bdb);
  return qb_free(P);
}

/* A bipartition of dim states in nblocks blocks (block dimensions and labels to be filled). */
static qb_status bipart_alloc(qb_idx dim, int nblocks, qb_bipartition **out, qb_err *err) {
  qb_bipartition *P = qb_calloc(1, sizeof *P);
  if (P) {
    P->dim = dim;
    P->nblocks = nblocks;
    P->ia = qb_malloc((size_t)dim * sizeof *P->ia);
    P->ib = qb_malloc((size_t)dim * sizeof *P->ib);
    P->bda = qb_calloc((size_t)nblocks, sizeof *P->bda);
    P->bdb = qb_calloc((size_t)nblocks, sizeof *P->bdb);
    if (nblocks > 1) P->blk = qb_malloc((size_t)dim * sizeof *P->blk);
  }
  if (!P || !P->ia || !P->ib || !P->bda || !P->bdb || (nblocks > 1 && !P->blk)) {
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

/* Colex rank of the n-bit pattern x among the patterns with the same popcount:
 * sum over its t-th set bit (t = 1, 2, ...) at position p of binom(p, t), as the sector
 * basis ranks its states (core/spin_basis.c). */
static qb_idx colex_rank(uint64_t x, const qb_spin_basis *B) {
  qb_idx r = 0;
  for (int t = 1; x; t++, x &= x - 1) r += (qb_idx)B->binom[__builtin_ctzll(x)][t];
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
  int na = __builtin_popcountll(sites), nb = L - na, n = B->n_up;
  /* sector: blocks k = kmin .. kmax up spins in A (B holds the other n - k) */
  int kmin = n < 0 ? 0 : (n - nb > 0 ? n - nb : 0), kmax = n < 0 ? 0 : (n < na ? n : na);
  QB_TRY(bipart_alloc(B->dim, kmax - kmin + 1, out, err));
  qb_bipartition *P = *out;
  P->da = (qb_idx)1 << na;
  P->db = (qb_idx)1 << nb;
  if (n < 0) {
    P->bda[0] = P->da;
    P->bdb[0] = P->db;
  } else {
    for (int k = kmin; k <= kmax; k++) {
      P->bda[k - kmin] = (qb_idx)B->binom[na][k];
      P->bdb[k - kmin] = (qb_idx)B->binom[nb][n - k];
    }
  }
  for (qb_idx i = 0; i < B->dim; i++) {
    uint64_t s = qb_spin_basis_state(B, i);
    uint64_t a = extract_bits(s, sites, L), b = extract_bits(s, all & ~sites, L);
    if (n < 0) {
      P->ia[i] = (qb_idx)a;
      P->ib[i] = (qb_idx)b;
    } else {
      if (P->blk) P->blk[i] = __builtin_popcountll(a) - kmin;
      P->ia[i] = colex_rank(a, B);
      P->ib[i] = colex_rank(b, B);
    }
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
    if (dims[f] < 1)
      return QB_FAIL(err, QB_ERR_INPUT, "bipartition: factor %d has dimension %ld", f,
                     (long)dims[f]);
    if (factors >> f & 1) da *= (double)dims[f]; else db *= (double)dims[f];
  }
  if (da * db > 0x1p62)
    return QB_FAIL(err, QB_ERR_INPUT, "bipartition: dimension %.3g too large", da * db);
  QB_TRY(bipart_alloc((qb_idx)(da * db), 1, out, err));
  qb_bipartition *P = *out;
  P->da = P->bda[0] = (qb_idx)da;
  P->db = P->bdb[0] = (qb_idx)db;
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

/* Offsets of each block's M (row-major, smaller side as rows) in one array, the largest
 * reduced density matrix and the number of Schmidt values; returns the array's length. */
static size_t block_layout(const qb_bipartition *P, size_t *off, qb_idx *rho_max, qb_idx *nw) {
  size_t total = 0;
  *rho_max = 0;
  *nw = 0;
  for (int k = 0; k < P->nblocks; k++) {
    qb_idx nr = P->bda[k] <= P->bdb[k] ? P->bda[k] : P->bdb[k];
    off[k] = total;
    total += (size_t)P->bda[k] * (size_t)P->bdb[k];
    if (nr > *rho_max) *rho_max = nr;
    *nw += nr;
  }
  return total;
}

size_t qb_eigobs_entanglement_bytes(const qb_bipartition *P, qb_dtype dtype) {
  size_t *off = qb_malloc((size_t)P->nblocks * sizeof *off);
  if (!off) return SIZE_MAX;
  qb_idx rho_max, nw;
  size_t m = block_layout(P, off, &rho_max, &nw), es = qb_dtype_size(dtype);
  qb_free(off);
  return (m + (size_t)rho_max * (size_t)rho_max) * es + (size_t)nw * sizeof(double) +
         (size_t)P->nblocks * sizeof(size_t);
}

/* rho = M M^H of one block (nr x nc, rows the smaller side), lower triangle (row-major) as
 * qb_dense_eigh reads it; its eigenvalues go to w. */
static qb_status block_spectrum(qb_dtype dtype, qb_idx nr, qb_idx nc, const void *M, void *rho,
                                double *w, qb_err *err) {
  if (dtype == QB_REAL)
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)nr, (int)nc, 1.0, M, (int)nc, 0.0,
                rho, (int)nr);
  else
    cblas_zherk(CblasRowMajor, CblasLower, CblasNoTrans, (int)nr, (int)nc, 1.0, M, (int)nc, 0.0,
                rho, (int)nr);
  return qb_dense_eigh(dtype, nr, rho, w, 0, err);
}

qb_status qb_eigobs_entanglement(const qb_bipartition *P, qb_dtype dtype, const void *psi,
                          double *s_vn, double *s_2, qb_err *err) {
  size_t es = qb_dtype_size(dtype);
  size_t *off = qb_malloc((size_t)P->nblocks * sizeof *off);
  qb_idx rho_max = 0, nw = 0;
  size_t mlen = off ? block_layout(P, off, &rho_max, &nw) : 0;
  void *M = off ? qb_calloc(mlen, es) : NULL;
  void *rho = qb_malloc((size_t)rho_max * (size_t)rho_max * es + 1);
  double *w = qb_malloc((size_t)nw * sizeof *w + 1);
  qb_status st = QB_OK;
  if (!off || !M || !rho || !w) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "reduced density matrix blocks (%zu amplitudes)", mlen);
    goto done;
  }
  /* rows = the smaller side of each block, so that rho is the smaller reduced matrix */
  for (qb_idx i = 0; i < P->dim; i++) {
    int k = P->blk ? P->blk[i] : 0;
    int a_rows = P->bda[k] <= P->bdb[k];
    qb_idx nc = a_rows ? P->bdb[k] : P->bda[k];
    qb_idx row = a_rows ? P->ia[i] : P->ib[i], col = a_rows ? P->ib[i] : P->ia[i];
    memcpy((char *)M + es * (off[k] + (size_t)(row * nc + col)), (const char *)psi + es * (size_t)i,
           es);
  }
  qb_idx woff = 0;
  for (int k = 0; k < P->nblocks && st == QB_OK; k++) {
    int a_rows = P->bda[k] <= P->bdb[k];
    qb_idx nr = a_rows ? P->bda[k] : P->bdb[k], nc = a_rows ? P->bdb[k] : P->bda[k];
    st = block_spectrum(dtype, nr, nc, (char *)M + es * off[k], rho, w + woff, err);
    woff += nr;
  }
  if (st == QB_OK) entropies(w, nw, s_vn, s_2);
done:
  qb_free(off);
  qb_free(M);
  qb_free(rho);
  qb_free(w);
  return st;
}
