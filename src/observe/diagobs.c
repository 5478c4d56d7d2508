/* diagobs.c — <psi|D_k|psi> for diagonal spin observables in one pass over psi
 * (qbath/diagobs.h). Each D_k is compiled into the closed form of its terms,
 *   D(s) = sum_t c_t (-1)^{popcount(s & sign_t)} [(s & cond_t) == want_t],
 * the form qbath/spin_op.h gives diagonal Pauli strings. */
#include "qbath/diagobs.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/spin_op.h"

struct qb_diagobs {
  int nsites;
  int nops;
  qb_idx *first;            /* size nops + 1: operator k has terms first[k] .. first[k+1]-1 */
  qb_pauli_diag_term *terms;
};

qb_diagobs *qb_diagobs_free(qb_diagobs *D) {
  if (!D) return NULL;
  qb_free(D->first);
  qb_free(D->terms);
  return qb_free(D);
}

int qb_diagobs_count(const qb_diagobs *D) { return D->nops; }

qb_status qb_diagobs_create(int nops, const qb_pauli_sum *const *O, qb_diagobs **out,
                             qb_err *err) {
  *out = NULL;
  if (nops < 1) return QB_FAIL(err, QB_ERR_INPUT, "diagonal observables: %d operators", nops);
  qb_diagobs *D = qb_calloc(1, sizeof *D);
  qb_idx total = 0;
  for (int k = 0; k < nops; k++) total += O[k]->nterms;
  if (D) D->first = qb_malloc(((size_t)nops + 1) * sizeof *D->first);
  if (D) D->terms = qb_malloc((size_t)(total ? total : 1) * sizeof *D->terms);
  if (!D || !D->first || !D->terms) {
    qb_diagobs_free(D);
    return QB_FAIL(err, QB_ERR_NOMEM, "%d diagonal observables", nops);
  }
  D->nsites = O[0]->nsites;
  D->nops = nops;
  qb_status st = QB_OK;
  qb_idx n = 0;
  for (int k = 0; k < nops && st == QB_OK; k++) {
    D->first[k] = n;
    qb_idx nk = 0;
    if (O[k]->nsites != D->nsites)
      st = QB_FAIL(err, QB_ERR_DIM, "diagonal observable %d on %d sites, the first on %d", k,
                   O[k]->nsites, D->nsites);
    else st = qb_spin_op_diagonal(O[k], D->terms + n, &nk, err);
    if (st != QB_OK && err) {
      char msg[sizeof err->msg];
      snprintf(msg, sizeof msg, "%s", err->msg);
      st = QB_FAIL(err, st, "diagonal observable %d: %s", k, msg);
    }
    n += nk;
  }
  D->first[nops] = n;
  if (st != QB_OK) D = qb_diagobs_free(D);
  *out = D;
  return st;
}

qb_status qb_diagobs_magnetizations(int nsites, qb_diagobs **out, qb_err *err) {
  *out = NULL;
  qb_pauli_sum *Z[QB_SPIN_MAX_SITES] = {0};
  qb_status st = nsites >= 1 && nsites <= QB_SPIN_MAX_SITES ? QB_OK
                 : QB_FAIL(err, QB_ERR_INPUT, "magnetizations of %d sites", nsites);
  for (int j = 0; j < nsites && st == QB_OK; j++) {
    st = qb_spin_sum_create(nsites, &Z[j], err);
    if (st == QB_OK) st = qb_spin_sum_add(Z[j], 1.0, "Z", &j, err);
  }
  if (st == QB_OK) st = qb_diagobs_create(nsites, (const qb_pauli_sum *const *)Z, out, err);
  for (int j = 0; j < nsites; j++) qb_spin_sum_free(Z[j]);
  return st;
}

/* Next larger integer with the same number of set bits (Gosper's hack). */
static inline uint64_t next_same_popcount(uint64_t v) {
  const uint64_t t = v | (v - 1);
  return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
}

/* Partial sums of block b into part[0..nops-1]. */
static void block_sums(const qb_diagobs *D, const qb_spin_basis *B, const qb_cplx *psi,
                       qb_idx b, double *part) {
  const qb_idx i0 = b * QB_DIAG_BLOCK;
  const qb_idx i1 = i0 + QB_DIAG_BLOCK < B->dim ? i0 + QB_DIAG_BLOCK : B->dim;
  for (int k = 0; k < D->nops; k++) part[k] = 0.0;
  uint64_t s = qb_spin_basis_state(B, i0);
  for (qb_idx i = i0; i < i1; i++) {
    const double p = creal(psi[i]) * creal(psi[i]) + cimag(psi[i]) * cimag(psi[i]);
    for (int k = 0; k < D->nops; k++) {
      double v = 0.0;
      for (qb_idx t = D->first[k]; t < D->first[k + 1]; t++) {
        const qb_pauli_diag_term *T = &D->terms[t];
        if ((s & T->cond) != T->want) continue;
        v += (__builtin_popcountll(s & T->sign) & 1) ? -T->coef : T->coef;
      }
      part[k] += p * v;
    }
    s = B->n_up < 0 ? s + 1 : next_same_popcount(s);
  }
}

qb_status qb_diagobs_expect(const qb_diagobs *D, const qb_spin_basis *B, const qb_cplx *psi,
                             double *out, qb_err *err) {
  if (B->nsites != D->nsites)
    return QB_FAIL(err, QB_ERR_DIM, "diagonal observables on %d sites, basis on %d", D->nsites,
                   B->nsites);
  const qb_idx nblocks = (B->dim + QB_DIAG_BLOCK - 1) / QB_DIAG_BLOCK;
  const int nops = D->nops;
  double *part = qb_malloc((size_t)(nblocks ? nblocks : 1) * (size_t)nops * sizeof *part);
  if (!part) return QB_FAIL(err, QB_ERR_NOMEM, "partial sums of %lld blocks", (long long)nblocks);
#pragma omp parallel for default(none) shared(D, B, psi, part, nblocks, nops) schedule(static)
  for (qb_idx b = 0; b < nblocks; b++) block_sums(D, B, psi, b, part + (size_t)b * (size_t)nops);
  for (int k = 0; k < nops; k++) out[k] = 0.0;
  for (qb_idx b = 0; b < nblocks; b++) /* block order: the same on any thread count */
    for (int k = 0; k < nops; k++) out[k] += part[(size_t)b * (size_t)nops + (size_t)k];
  qb_free(part);
  return QB_OK;
}

double qb_diagobs_imbalance(int nsites, uint64_t s0, const double *mz) {
  double imb = 0.0;
  for (int j = 0; j < nsites; j++) imb += ((s0 >> j) & 1) ? mz[j] : -mz[j];
  return imb / nsites;
}
