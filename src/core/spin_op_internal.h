/* spin_op_internal.h — the compiled form of a matrix-free Pauli-sum operator, shared by
 * its compiler (spin_op.c) and its apply kernel (spin_op_apply.c). Private to src/core. */
#ifndef QBATH_SPIN_OP_INTERNAL_H
#define QBATH_SPIN_OP_INTERNAL_H

#include <float.h>
#include <math.h>

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

/* Where a diagonal window or a group lives relative to the split (spin_op_split.c). */
enum { QB_MF_LOW = 0, QB_MF_HIGH = 1, QB_MF_CROSS = 2 };

/* The split at bit m: state c = h << m | l. The sector's states with one high part h are
 * contiguous (ascending states = colex order), rank(c) = hi_off[h] + lo_rank[l], and
 * their low parts are the m-bit values of popcount k = n_up - popcount(h), ascending:
 * lo_states[lo_start[k] ...] (the full space: one class k = 0 of all 2^m values, both
 * tables the identity's). Groups whose flip and window lie in the low bits act alike
 * in every block of the same k: their entries are tabulated once per low state (lo_ptr,
 * lo_col, lo_re/lo_im: a small CSR on ranks within the block); groups living in the high
 * bits move whole blocks (one amplitude per block, a contiguous x segment); the rest
 * (crossing m, or too wide for a table) are evaluated per row. */
typedef struct qb_spin_op_split {
  int m;                       /* low bits */
  int kmin, kmax;              /* low popcounts that occur in the sector */
  qb_idx *hi_off;              /* 2^(L-m) + 1: sector states whose high part is < h */
  uint32_t *lo_rank;           /* 2^m: rank of l among the m-bit values of its popcount */
  uint32_t *lo_states;         /* 2^m: m-bit values by popcount, then ascending */
  uint32_t lo_start[QB_SPIN_MAX_SITES + 2]; /* first lo_states index of popcount k */
  double *dlo_re, *dlo_im;     /* 2^m, by lo_states index: the low diagonal windows summed */
  uint32_t *lo_ptr;            /* 2^m + 1, by lo_states index: entries of the low groups */
  uint16_t *lo_col;            /* their column: rank within the block */
  double *lo_re, *lo_im;       /* their amplitudes (lo_im: complex operators only) */
  int *diag_class, *group_class; /* QB_MF_LOW / HIGH / CROSS per window and per group */
  qb_idx max_block;            /* rows of the largest block */
} qb_spin_op_split;

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
  qb_spin_op_split *split; /* the split tables of the apply (NULL when only compiled to count) */
  uint64_t binom[QB_SPIN_MAX_SITES + 1][QB_SPIN_MAX_SITES + 1];
} qb_spin_op;

/* amp of one closed-form term on column state c. */
static inline qb_cplx qb_spin_op_term_amp(const qb_spin_op_term *t, uint64_t c) {
  if ((c & t->cond) != t->want) return 0;
  return (__builtin_popcountll(c & t->sign) & 1) ? -t->coef : t->coef;
}

/* The amplitude of a term list on column c, and whether it leads out of the sector by
 * more than the roundoff of its magnitude (then *leak is set and 0 returned). */
static inline qb_cplx qb_spin_op_terms_amp(const qb_spin_op_term *t, qb_idx n, uint64_t c, int n_up,
                                      double mag, int *leak) {
  qb_cplx a = 0;
  for (qb_idx k = 0; k < n; k++) a += qb_spin_op_term_amp(&t[k], c);
  if (n_up >= 0 && a != 0 && __builtin_popcountll(c) != n_up) {
    if (cabs(a) > 4.0 * (double)n * DBL_EPSILON * mag) *leak = 1;
    return 0;
  }
  return a;
}

/* Builds S->split from the compiled diagonal and groups (spin_op_split.c). */
qb_status qb_spin_op_split_create(qb_spin_op *S, qb_err *err);
qb_spin_op_split *qb_spin_op_split_free(qb_spin_op_split *P);
size_t qb_spin_op_split_bytes(const qb_spin_op_split *P);

/* The apply of the qb_op type (spin_op_apply.c). */
qb_status qb_spin_op_apply(void *impl, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err);

#endif
