/* spin_terms.c — sums of Pauli strings: building the term list of a spin Hamiltonian. */
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/spin.h"

qb_status qb_spin_sum_create(int nsites, qb_pauli_sum **out, qb_err *err) {
  *out = NULL;
  if (nsites < 1 || nsites > QB_SPIN_MAX_SITES)
    return QB_FAIL(err, QB_ERR_INPUT, "number of sites L = %d outside 1..%d", nsites,
                   QB_SPIN_MAX_SITES);
  qb_pauli_sum *H = qb_calloc(1, sizeof *H);
  if (!H) return QB_FAIL(err, QB_ERR_NOMEM, "Pauli sum header");
  H->nsites = nsites;
  *out = H;
  return QB_OK;
}

qb_pauli_sum *qb_spin_sum_free(qb_pauli_sum *H) {
  if (!H) return NULL;
  qb_free(H->terms);
  return qb_free(H);
}

static int is_pauli_letter(char c) { return c && strchr("XYZ+-I", c) != NULL; }

qb_status qb_spin_sum_add(qb_pauli_sum *H, qb_cplx coupling, const char *ops,
                           const int *sites, qb_err *err) {
  int nops = (int)strlen(ops);
  if (nops < 1 || nops > QB_PAULI_MAX_OPS)
    return QB_FAIL(err, QB_ERR_INPUT, "Pauli string '%s' has %d factors (1..%d allowed)", ops,
                   nops, QB_PAULI_MAX_OPS);
  for (int k = 0; k < nops; k++) {
    if (!is_pauli_letter(ops[k]))
      return QB_FAIL(err, QB_ERR_INPUT, "Pauli string '%s': '%c' is not one of X Y Z + - I",
                     ops, ops[k]);
    if (sites[k] < 0 || sites[k] >= H->nsites)
      return QB_FAIL(err, QB_ERR_INPUT, "Pauli string '%s': site %d outside 0..%d", ops,
                     sites[k], H->nsites - 1);
  }
  if (H->nterms == H->cap) {
    qb_idx cap = H->cap ? 2 * H->cap : 16;
    qb_pauli_term *t = qb_realloc(H->terms, (size_t)H->cap * sizeof *t, (size_t)cap * sizeof *t);
    if (!t) return QB_FAIL(err, QB_ERR_NOMEM, "Pauli sum of %lld terms", (long long)cap);
    H->terms = t;
    H->cap = cap;
  }
  qb_pauli_term *t = &H->terms[H->nterms++];
  memset(t, 0, sizeof *t);
  t->coupling = coupling;
  t->nops = nops;
  memcpy(t->ops, ops, (size_t)nops);
  memcpy(t->sites, sites, (size_t)nops * sizeof *sites);
  return QB_OK;
}

qb_status qb_spin_sum_heisenberg(int nsites, double J, const double *h, int periodic,
                                  qb_pauli_sum **out, qb_err *err) {
  QB_TRY(qb_spin_sum_create(nsites, out, err));
  qb_pauli_sum *H = *out;
  qb_status st = QB_OK;
  int nbonds = periodic && nsites > 2 ? nsites : nsites - 1;
  static const char *const bond_ops[] = {"XX", "YY", "ZZ"};
  /* S.S = (XX + YY + ZZ)/4 and S^z = Z/2: see spin.h. */
  for (int j = 0; j < nbonds && st == QB_OK; j++) {
    int bond[2] = {j, (j + 1) % nsites};
    for (int a = 0; a < 3 && st == QB_OK; a++)
      st = qb_spin_sum_add(H, J / 4, bond_ops[a], bond, err);
  }
  for (int j = 0; j < nsites && st == QB_OK; j++)
    if (h && h[j] != 0) st = qb_spin_sum_add(H, h[j] / 2, "Z", &j, err);
  if (st != QB_OK) *out = qb_spin_sum_free(H);
  return st;
}
