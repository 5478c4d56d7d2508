/* qbath/diagobs.h — expectation values of diagonal spin observables, several in one pass
 * over a state and without a work vector:
 *   <psi|D_k|psi> = sum_i |psi_i|^2 D_k(s_i),  s_i the basis label of index i,
 * for D_k sums of Pauli strings made of Z and I (and the one-site projectors
 * sigma^+ sigma^-, sigma^- sigma^+), e.g. the local magnetizations sigma^z_j or a
 * Z_j Z_k correlator. Works on the full space and on sectors with or without a stored
 * state list (labels generated in ascending order), so on the largest states evolved.
 * The sum runs over fixed blocks of QB_DIAG_BLOCK indices whose partial sums are added in
 * block order: bitwise the same on any thread count. */
#ifndef QBATH_DIAGOBS_H
#define QBATH_DIAGOBS_H

#include "qbath/spin.h"

/* Indices per partial sum of qb_diagobs_expect. */
#define QB_DIAG_BLOCK 16384

typedef struct qb_diagobs qb_diagobs;

/* Compiles nops diagonal Pauli sums (each on L = O[k]->nsites sites, all equal); a term
 * that flips a spin, or a complex diagonal, is QB_ERR_INPUT naming the operator k. */
qb_status qb_diagobs_create(int nops, const qb_pauli_sum *const *O, qb_diagobs **out,
                             qb_err *err);
/* The L local magnetizations sigma^z_j, j = 0 .. L-1, in site order. */
qb_status qb_diagobs_magnetizations(int nsites, qb_diagobs **out, qb_err *err);
/* Frees D; NULL is a no-op; returns NULL. */
qb_diagobs *qb_diagobs_free(qb_diagobs *D);
/* Number of operators. */
int qb_diagobs_count(const qb_diagobs *D);

/* out[k] = <psi|D_k|psi> (psi need not be normalized: the sum as written) for psi on
 * basis B (B->nsites must match). Thread-count independent (see above). */
qb_status qb_diagobs_expect(const qb_diagobs *D, const qb_spin_basis *B, const qb_cplx *psi,
                             double *out, qb_err *err);

/* The imbalance of a product state s0 (a basis label) from its magnetizations:
 *   I = (1/L) sum_j z_j(s0) <sigma^z_j>,  z_j(s0) = +1 (up) or -1 (down),
 * 1 at t = 0 and ~0 when the state forgot its pattern (for the Neel state, the
 * staggered magnetization). mz holds the L magnetizations. */
double qb_diagobs_imbalance(int nsites, uint64_t s0, const double *mz);

#endif
