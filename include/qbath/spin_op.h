/* qbath/spin_op.h — a Pauli-string Hamiltonian applied matrix-free: y = H x without
 * storing H, in the full 2^L space or a fixed-magnetization sector.
 *
 * The terms of a qb_pauli_sum (spin.h conventions) are compiled once: each term becomes
 *   T |c> = coef * (-1)^{popcount(c & sign)} * [c & cond == want] |c ^ flip>
 * and terms with the same flip mask form one group, whose summed amplitude is tabulated
 * over the few bits it depends on (a window of at most QB_SPIN_OP_WINDOW bits; wider
 * terms are evaluated term by term). The diagonal (flip = 0) is a sum of such window
 * tables. Applying H walks the output rows: y_r = sum_groups a_g(r ^ flip_g) x[rank(r ^ flip_g)],
 * every y_r summed by one thread in a fixed order (diagonal windows, then groups in order
 * of first appearance), so the result is bitwise the same on any thread count.
 *
 * Sector states are never stored: the L bits are split at about L/2 into a high and a
 * low part, the states sharing a high part are one contiguous block of rows, and a
 * column's index is a sum of two table lookups (high part, low part). Terms living in the
 * low bits form one small sparse matrix per low popcount, shared by every block; terms in
 * the high bits move whole blocks (contiguous segments of x); the rest are evaluated per
 * row (spin_op_split.c, spin_op_apply.c). No per-state hash or list.
 * Memory: the tables only (kilobytes to a few megabytes), so time evolution holds just
 * state vectors. */
#ifndef QBATH_SPIN_OP_H
#define QBATH_SPIN_OP_H

#include "qbath/op.h"
#include "qbath/spin.h"

/* Widest bit window a group's amplitude is tabulated over (2^10 complex entries). */
#define QB_SPIN_OP_WINDOW 10

/* Compiles H for basis B (only B's L, n_up and dim are used: a basis created with or
 * without its state list works) into a matrix-free operator. nthreads > 0 fixes the
 * OpenMP team of every apply (0: omp_get_max_threads() at apply time). The operator is
 * real when every compiled coefficient is real, else complex. In a sector, a group whose
 * amplitude leads out of it is QB_ERR_INPUT (as qb_spin_sum_to_csr) — found here for
 * tabulated groups, at the first apply for the others. H and B may be freed after. */
qb_status qb_spin_op_from_sum(const qb_pauli_sum *H, const qb_spin_basis *B, int nthreads,
                             qb_op **out, qb_err *err);

/* Expected stored entries per row of the CSR form of H on B (diagonal included): exact in
 * the full space for tabulated groups (the fraction of window configurations with a
 * nonzero amplitude), an upper bound of 1 per group otherwise; used by memory estimates.
 * *is_complex (may be NULL): some coefficient is complex (the CSR may hold complex values). */
qb_status qb_spin_op_nnz_per_row(const qb_pauli_sum *H, const qb_spin_basis *B,
                                   double *per_row, int *is_complex, qb_err *err);

/* One diagonal Pauli string in closed form: on basis label s its value is
 *   coef * (-1)^{popcount(s & sign)} * [(s & cond) == want]. */
typedef struct qb_pauli_diag_term {
  double coef;
  uint64_t sign, cond, want;
} qb_pauli_diag_term;

/* The closed forms of O's terms into terms[0 .. *n - 1] (room for O->nterms; terms that
 * are identically zero are dropped). A term that flips a spin, or a diagonal term with a
 * complex value, is QB_ERR_INPUT naming it (O is then not a real diagonal observable). */
qb_status qb_spin_op_diagonal(const qb_pauli_sum *O, qb_pauli_diag_term *terms, qb_idx *n,
                                qb_err *err);

/* Sets the OpenMP team size of a matrix-free spin operator's applies (0: the runtime's
 * default); QB_ERR_INPUT when H is not one. */
qb_status qb_spin_op_set_threads(qb_op *H, int nthreads, qb_err *err);

#endif
