/* spin_op_internal.h — the compiled form of a matrix-free Pauli-sum operator, shared by
 * its compiler (spin_op.c) and its apply kernel (spin_op_apply.c). Private to src/core. */
#ifndef QBATH_SPIN_OP_INTERNAL_H
#define QBATH_SPIN_OP_INTERNAL_H

#include "qbath/spin_op.h"

/* One Pauli string in closed form:
 *   T |c> = coef * (-1)^{popcount(c & sign)} * [(c & cond) == want] |c ^ flip>. */
typedef struct {
  qb_cplx coef;
  uint64_t flip, sign, cond, want;
} qb_spin_op_term;

/* An amplitude tabulated over the bits lo .. lo + width - 1 of the column state:
 * amp(c) = re[(c >> lo) & mask] + i im[...] (im NULL for a real operator). */
typedef struct {
  int lo;
  uint64_t mask;   /* 2^width - 1 */
  double *re, *im; /* mask + 1 entries each */
} qb_spin_op_window;

/* All terms with one flip mask: a window table, or its terms evaluated one by one. */
typedef struct {
  uint64_t flip;
  int tabulated;     /* 1: win holds the summed amplitude */
  qb_spin_op_window win;
  qb_idx t0, t1;     /* otherwise: terms t0 .. t1-1 of the operator's term list */
  double magnitude;  /* sum |coef| of the group: the scale of a cancellation's roundoff */
} qb_spin_op_group;

typedef struct qb_spin_op {
  int nsites, n_up;       /* L; -1 for the full space */
  qb_idx dim;
  int nthreads;           /* OpenMP team of an apply; 0 = runtime default */
  int is_complex;         /* some coefficient is complex */
  int ndiag;              /* diagonal window tables */
  qb_spin_op_window *diag;
  qb_idx ndiag_terms;     /* diagonal terms too wide for a window */
  qb_spin_op_term *diag_terms;
  double diag_magnitude;
  int ngroups;            /* off-diagonal groups, in order of first appearance */
  qb_spin_op_group *groups;
  qb_spin_op_term *terms;      /* the untabulated groups' terms, by group */
  /* sector ranks: rank(c) = sum_ch rank_tab[(ch * (n_up + 1) + k_ch) << CHUNK | chunk_ch(c)],
   * k_ch = up spins below chunk ch (colex rank = sum_k binom(p_k, k)) */
  int nchunks;
  qb_idx *rank_tab;
  uint64_t binom[QB_SPIN_MAX_SITES + 1][QB_SPIN_MAX_SITES + 1];
} qb_spin_op;

/* amp of one closed-form term on column state c. */
static inline qb_cplx qb_spin_op_term_amp(const qb_spin_op_term *t, uint64_t c) {
  if ((c & t->cond) != t->want) return 0;
  return (__builtin_popcountll(c & t->sign) & 1) ? -t->coef : t->coef;
}

/* Colex rank of a sector state by the split tables. */
static inline qb_idx qb_spin_op_rank(const qb_spin_op *S, uint64_t c) {
  const uint64_t cm = ((uint64_t)1 << QB_SPIN_OP_CHUNK) - 1;
  qb_idx r = 0;
  int k = 0;
  for (int ch = 0; ch < S->nchunks; ch++) {
    const uint64_t v = (c >> (ch * QB_SPIN_OP_CHUNK)) & cm;
    r += S->rank_tab[((size_t)ch * (size_t)(S->n_up + 1) + (size_t)k) << QB_SPIN_OP_CHUNK | v];
    k += __builtin_popcountll(v);
  }
  return r;
}

/* The apply of the qb_op type (spin_op_apply.c). */
qb_status qb_spin_op_apply(void *impl, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err);

#endif
