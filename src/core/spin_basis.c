/* spin_basis.c — spin-1/2 bases: the full 2^L space or a fixed-magnetization sector.
 *
 * A sector state is an L-bit label with n_up bits set. Labels are stored ascending; for
 * bit patterns ascending numeric order is the colexicographic order of the set of up
 * sites {p_1 < ... < p_n}, whose rank is sum_k binom(p_k, k) (the combinatorial number
 * system). So index lookup needs no hash table: O(L) per label. */
#include <stdlib.h>

#include "qbath/alloc.h"
#include "qbath/spin.h"

static void fill_binomials(qb_spin_basis *B) {
  for (int n = 0; n <= QB_SPIN_MAX_SITES; n++) {
    B->binom[n][0] = 1;
    for (int k = 1; k <= QB_SPIN_MAX_SITES; k++)
      B->binom[n][k] = (n == 0) ? 0 : B->binom[n - 1][k - 1] + B->binom[n - 1][k];
  }
}

/* Next larger integer with the same number of set bits (Gosper's hack). */
static uint64_t next_same_popcount(uint64_t v) {
  uint64_t t = v | (v - 1);
  return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
}

/* lean = 1: no state list (labels by unranking, O(L) each). */
static qb_status basis_create(int nsites, int n_up, int lean, qb_spin_basis **out, qb_err *err) {
  *out = NULL;
  if (nsites < 1 || nsites > QB_SPIN_MAX_SITES)
    return QB_FAIL(err, QB_ERR_INPUT, "number of sites L = %d outside 1..%d", nsites,
                   QB_SPIN_MAX_SITES);
  if (n_up > nsites)
    return QB_FAIL(err, QB_ERR_INPUT, "sector with %d up spins on L = %d sites", n_up, nsites);
  qb_spin_basis *B = qb_calloc(1, sizeof *B);
  if (!B) return QB_FAIL(err, QB_ERR_NOMEM, "spin basis header");
  B->nsites = nsites;
  B->n_up = n_up < 0 ? -1 : n_up;
  fill_binomials(B);
  if (B->n_up < 0) {
    B->dim = (qb_idx)1 << nsites;
    *out = B;
    return QB_OK;
  }
  B->dim = (qb_idx)B->binom[nsites][n_up];
  if (lean) {
    *out = B;
    return QB_OK;
  }
  B->states = qb_malloc((size_t)B->dim * sizeof *B->states);
  if (!B->states) {
    qb_idx dim = B->dim; /* read before B is freed */
    qb_spin_basis_free(B);
    return QB_FAIL(err, QB_ERR_NOMEM, "sector basis of %lld states", (long long)dim);
  }
  uint64_t s = (n_up == 0) ? 0 : (((uint64_t)1 << n_up) - 1);
  for (qb_idx i = 0; i < B->dim; i++) {
    B->states[i] = s;
    if (n_up > 0 && i + 1 < B->dim) s = next_same_popcount(s);
  }
  *out = B;
  return QB_OK;
}

qb_status qb_spin_basis_create(int nsites, int n_up, qb_spin_basis **out, qb_err *err) {
  return basis_create(nsites, n_up, 0, out, err);
}

qb_status qb_spin_basis_create_lean(int nsites, int n_up, qb_spin_basis **out, qb_err *err) {
  return basis_create(nsites, n_up, 1, out, err);
}

qb_spin_basis *qb_spin_basis_free(qb_spin_basis *B) {
  if (!B) return NULL;
  qb_free(B->states);
  return qb_free(B);
}

/* Colex unranking: the set bits are the largest p with binom(p, k) <= rest, k = n .. 1. */
static uint64_t unrank(const qb_spin_basis *B, qb_idx i) {
  uint64_t s = 0, rest = (uint64_t)i;
  int p = B->nsites - 1;
  for (int k = B->n_up; k >= 1; k--, p--) {
    while (B->binom[p][k] > rest) p--;
    s |= (uint64_t)1 << p;
    rest -= B->binom[p][k];
  }
  return s;
}

uint64_t qb_spin_basis_state(const qb_spin_basis *B, qb_idx i) {
  if (B->states) return B->states[i];
  return B->n_up < 0 ? (uint64_t)i : unrank(B, i);
}

qb_idx qb_spin_basis_index(const qb_spin_basis *B, uint64_t state) {
  if (B->nsites < 64 && (state >> B->nsites) != 0) return -1;
  if (B->n_up < 0) return (qb_idx)state;
  if (__builtin_popcountll(state) != B->n_up) return -1;
  /* Colex rank: sum over the k-th set bit (k = 1, 2, ...) at position p of binom(p, k). */
  uint64_t rank = 0;
  int k = 0;
  while (state) {
    int p = __builtin_ctzll(state);
    rank += B->binom[p][++k];
    state &= state - 1;
  }
  return (qb_idx)rank;
}
