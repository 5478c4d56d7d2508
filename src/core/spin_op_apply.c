/* spin_op_apply.c — y <- alpha (H - shift) x + beta y for the matrix-free Pauli-sum
 * operator (qbath/spin_op.h).
 *
 * Rows are split into one contiguous block per thread; each row's state is generated in
 * ascending order (the full space: the index itself; a sector: Gosper's next state with
 * the same popcount from the unranked first row of the block), and y_r is summed by its
 * one thread in a fixed order: the diagonal windows, the wide diagonal terms, then the
 * off-diagonal groups in their compiled order. The block boundaries therefore do not
 * change any bit of y. Arithmetic is written out in real and imaginary parts, so that
 * the compiler need not call the C99 complex-multiply helpers in the hot loop. */
#include <float.h>
#include <math.h>
#include <omp.h>

#include "core/spin_op_internal.h"

/* Next larger integer with the same number of set bits (Gosper's hack). */
static inline uint64_t next_same_popcount(uint64_t v) {
  const uint64_t t = v | (v - 1);
  return (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctzll(v) + 1));
}

/* State of sector index r: colex unranking, the largest binom(p, k) <= r for k = n..1. */
static uint64_t unrank(const qb_spin_op *S, qb_idx r) {
  uint64_t s = 0, left = (uint64_t)r;
  int p = S->nsites - 1;
  for (int k = S->n_up; k >= 1; k--) {
    while (S->binom[p][k] > left) p--;
    s |= (uint64_t)1 << p;
    left -= S->binom[p][k];
    p--;
  }
  return s;
}

/* The amplitude of a term list on column c, and whether it leads out of the sector by
 * more than the roundoff of its magnitude (then *leak is set and 0 returned). */
static qb_cplx terms_amp(const qb_spin_op_term *t, qb_idx n, uint64_t c, int n_up, double mag,
                         int *leak) {
  qb_cplx a = 0;
  for (qb_idx k = 0; k < n; k++) a += qb_spin_op_term_amp(&t[k], c);
  if (n_up >= 0 && a != 0 && __builtin_popcountll(c) != n_up) {
    if (cabs(a) > 4.0 * (double)n * DBL_EPSILON * mag) *leak = 1;
    return 0;
  }
  return a;
}

typedef struct {
  double alpha, shift, beta;
} mf_coef;

/* Rows per block: the block's accumulators and states stay in L1. */
enum { QB_MF_BLOCK_BITS = 8, QB_MF_BLOCK = 1 << QB_MF_BLOCK_BITS };

/* The diagonal of rows with states c[0..n-1] into d (real, and imaginary parts when camp). */
static inline __attribute__((always_inline)) void block_diagonal(
    const qb_spin_op *S, int n, const uint64_t *restrict c, double *restrict dr,
    double *restrict di, int *leak, const int aligned, const int camp) {
  for (int i = 0; i < n; i++) dr[i] = 0.0, di[i] = 0.0;
  for (int w = 0; w < S->ndiag; w++) {
    const qb_spin_op_window *W = &S->diag[w];
    const int lo = W->lo;
    const uint64_t mask = W->mask;
    const double *restrict re = W->re, *restrict im = W->im;
    if (aligned && lo >= QB_MF_BLOCK_BITS) { /* one value on the block: the same sums */
      const size_t v = (size_t)((c[0] >> lo) & mask);
      for (int i = 0; i < n; i++) dr[i] += re[v];
      if (camp)
        for (int i = 0; i < n; i++) di[i] += im[v];
      continue;
    }
    for (int i = 0; i < n; i++) dr[i] += re[(c[i] >> lo) & mask];
    if (camp)
      for (int i = 0; i < n; i++) di[i] += im[(c[i] >> lo) & mask];
  }
  for (int i = 0; S->ndiag_terms && i < n; i++) {
    const qb_cplx a = terms_amp(S->diag_terms, S->ndiag_terms, c[i], -1, 0.0, leak);
    dr[i] += creal(a);
    di[i] += cimag(a);
  }
}

/* s_i += a x_j for one column: real or complex amplitude and vectors. */
static inline __attribute__((always_inline)) void accumulate(
    const double *restrict x, size_t j, double ar, double ai, double *sr, double *si,
    const int cvec, const int camp) {
  if (cvec) {
    const double xr = x[2 * j], xi = x[2 * j + 1];
    *sr += ar * xr - (camp ? ai * xi : 0.0);
    *si += ar * xi + (camp ? ai * xr : 0.0);
  } else {
    *sr += ar * x[j];
  }
}

/* One tabulated group added to the block's accumulators: s += a(c ^ flip) x[col]. In the
 * full space every column exists and a zero amplitude adds an exact zero (no branch);
 * in a sector only nonzero amplitudes have a column inside it. */
static inline __attribute__((always_inline)) void block_group_tab(
    const qb_spin_op *S, const qb_spin_op_group *G, int n, const uint64_t *restrict c,
    const double *restrict x, double *restrict sr, double *restrict si, const int sector,
    const int cvec, const int camp) {
  const uint64_t flip = G->flip, mask = G->win.mask;
  const int lo = G->win.lo;
  const double *restrict re = G->win.re, *restrict im = G->win.im;
  if (!sector && cvec && !camp) { /* the time-evolution hot path, written to vectorize */
    for (int i = 0; i < n; i++) {
      const uint64_t col = c[i] ^ flip;
      const double a = re[(col >> lo) & mask];
      sr[i] += a * x[2 * col];
      si[i] += a * x[2 * col + 1];
    }
    return;
  }
  for (int i = 0; i < n; i++) {
    const uint64_t col = c[i] ^ flip;
    const double ar = re[(col >> lo) & mask], ai = camp ? im[(col >> lo) & mask] : 0.0;
    if (sector && ar == 0.0 && (!camp || ai == 0.0)) continue;
    const size_t j = sector ? (size_t)qb_spin_op_rank(S, col) : (size_t)col;
    accumulate(x, j, ar, ai, &sr[i], &si[i], cvec, camp);
  }
}

/* A tabulated group whose window starts at bit lo >= 2 on a whole aligned block: within
 * each aligned chunk of 2^min(lo, QB_MF_BLOCK_BITS) rows the amplitude is one number and
 * the columns are the contiguous chunk (r0 + i0) ^ flip, so s += a x[col0 + k] is a
 * streaming loop without gathers, skipped where a = 0 (half the chunks of a Heisenberg
 * bond). The arithmetic per row is the same as block_group_tab's. */
static inline __attribute__((always_inline)) void block_group_chunks(
    const qb_spin_op_group *G, qb_idx r0, const double *restrict x, double *restrict sr,
    double *restrict si, const int cvec, const int camp) {
  const int lo = G->win.lo, cs = 1 << (lo < QB_MF_BLOCK_BITS ? lo : QB_MF_BLOCK_BITS);
  for (int i0 = 0; i0 < QB_MF_BLOCK; i0 += cs) {
    const uint64_t col0 = (uint64_t)(r0 + i0) ^ G->flip;
    const size_t v = (size_t)((col0 >> lo) & G->win.mask);
    const double ar = G->win.re[v], ai = camp ? G->win.im[v] : 0.0;
    if (ar == 0.0 && ai == 0.0) continue;
    double *restrict srb = sr + i0, *restrict sib = si + i0;
    if (cvec) {
      const double *restrict xb = x + 2 * col0;
      for (int k = 0; k < cs; k++) {
        srb[k] += ar * xb[2 * k] - (camp ? ai * xb[2 * k + 1] : 0.0);
        sib[k] += ar * xb[2 * k + 1] + (camp ? ai * xb[2 * k] : 0.0);
      }
    } else {
      const double *restrict xb = x + col0;
      for (int k = 0; k < cs; k++) srb[k] += ar * xb[k];
    }
  }
}

/* A group too wide for a table: its terms one by one. */
static void block_group_terms(const qb_spin_op *S, const qb_spin_op_group *G, int n,
                              const uint64_t *restrict c, const double *restrict x,
                              double *restrict sr, double *restrict si, int *leak, int cvec) {
  for (int i = 0; i < n; i++) {
    const uint64_t col = c[i] ^ G->flip;
    const qb_cplx a = terms_amp(S->terms + G->t0, G->t1 - G->t0, col, S->n_up, G->magnitude, leak);
    if (a == 0) continue;
    const size_t j = S->n_up >= 0 ? (size_t)qb_spin_op_rank(S, col) : (size_t)col;
    if (cvec) accumulate(x, j, creal(a), cimag(a), &sr[i], &si[i], 1, 1);
    else accumulate(x, j, creal(a), 0.0, &sr[i], &si[i], 0, 0);
  }
}

/* Rows r0 .. r0+n-1 (n <= QB_MF_BLOCK) whose states are c[0..n-1]. sector, cvec (complex
 * vectors), camp (complex amplitudes) are compile-time constants at each call site, so
 * each combination is its own loop. Every y_r is summed in the same order: diagonal,
 * then the groups in compiled order. */
static inline __attribute__((always_inline)) void block_kernel(
    const qb_spin_op *S, qb_idx r0, int n, const uint64_t *restrict c, const double *restrict x,
    double *restrict y, mf_coef cf, int *leak, const int sector, const int cvec, const int camp) {
  double dr[QB_MF_BLOCK], di[QB_MF_BLOCK], sr[QB_MF_BLOCK], si[QB_MF_BLOCK];
  /* whole aligned blocks of the full space (the partition makes every block but a
   * dimension below QB_MF_BLOCK one): per group the same arithmetic on every row */
  const int aligned = !sector && n == QB_MF_BLOCK && (r0 & (QB_MF_BLOCK - 1)) == 0;
  block_diagonal(S, n, c, dr, di, leak, aligned, camp);
  for (int i = 0; i < n; i++) {
    const double d = dr[i] - cf.shift;
    if (cvec) {
      const double xr = x[2 * (r0 + i)], xi = x[2 * (r0 + i) + 1];
      sr[i] = d * xr - (camp ? di[i] * xi : 0.0);
      si[i] = d * xi + (camp ? di[i] * xr : 0.0);
    } else {
      sr[i] = d * x[r0 + i];
    }
  }
  for (int g = 0; g < S->ngroups; g++) {
    const qb_spin_op_group *G = &S->groups[g];
    if (aligned && G->tabulated && G->win.lo >= 2)
      block_group_chunks(G, r0, x, sr, si, cvec, camp);
    else if (G->tabulated) block_group_tab(S, G, n, c, x, sr, si, sector, cvec, camp);
    else block_group_terms(S, G, n, c, x, sr, si, leak, cvec);
  }
  for (int i = 0; i < n; i++) {
    const qb_idx r = r0 + i;
    if (cvec) {
      y[2 * r] = cf.beta == 0.0 ? cf.alpha * sr[i] : cf.alpha * sr[i] + cf.beta * y[2 * r];
      y[2 * r + 1] = cf.beta == 0.0 ? cf.alpha * si[i] : cf.alpha * si[i] + cf.beta * y[2 * r + 1];
    } else {
      y[r] = cf.beta == 0.0 ? cf.alpha * sr[i] : cf.alpha * sr[i] + cf.beta * y[r];
    }
  }
}

/* Rows r0 .. r1-1 in blocks; sector states by Gosper's hack from the unranked first. */
static inline __attribute__((always_inline)) void rows_kernel(
    const qb_spin_op *S, qb_idx r0, qb_idx r1, const double *restrict x, double *restrict y,
    mf_coef cf, int *leak, const int sector, const int cvec, const int camp) {
  uint64_t c[QB_MF_BLOCK];
  uint64_t next = sector ? unrank(S, r0) : (uint64_t)r0;
  for (qb_idx b = r0; b < r1; b += QB_MF_BLOCK) {
    const int n = r1 - b < QB_MF_BLOCK ? (int)(r1 - b) : QB_MF_BLOCK;
    for (int i = 0; i < n; i++) {
      c[i] = next;
      next = sector ? (b + i + 1 < r1 ? next_same_popcount(next) : next) : next + 1;
    }
    block_kernel(S, b, n, c, x, y, cf, leak, sector, cvec, camp);
  }
}

/* One instantiation per (sector, vector type, amplitude type). */
static void rows_dispatch(const qb_spin_op *S, qb_idx r0, qb_idx r1, const double *x, double *y,
                          mf_coef cf, int *leak, int cvec) {
  const int sector = S->n_up >= 0, camp = S->is_complex;
  if (r0 >= r1) return;
  if (sector) {
    if (camp) rows_kernel(S, r0, r1, x, y, cf, leak, 1, 1, 1);
    else if (cvec) rows_kernel(S, r0, r1, x, y, cf, leak, 1, 1, 0);
    else rows_kernel(S, r0, r1, x, y, cf, leak, 1, 0, 0);
  } else {
    if (camp) rows_kernel(S, r0, r1, x, y, cf, leak, 0, 1, 1);
    else if (cvec) rows_kernel(S, r0, r1, x, y, cf, leak, 0, 1, 0);
    else rows_kernel(S, r0, r1, x, y, cf, leak, 0, 0, 0);
  }
}

/* Row blocks per thread: large enough to amortize a block's unranking, and sized by
 * rows only (every row does the same work). */
enum { QB_MF_BLOCKS_PER_THREAD = 4, QB_MF_MIN_ROWS_PER_THREAD = 4096 };

qb_status qb_spin_op_apply(void *impl, qb_dtype vtype, double alpha, double shift, const void *x,
                      double beta, void *y, qb_err *err) {
  const qb_spin_op *S = impl;
  if (S->is_complex && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "complex spin operator applied to real vectors");
  if (x == y && S->dim > 0) return QB_FAIL(err, QB_ERR_INPUT, "matrix-free apply: y aliases x");
  int nth = S->nthreads > 0 ? S->nthreads : omp_get_max_threads();
  /* a team for a few thousand rows costs more than it saves (and the bits do not depend
   * on it) */
  if ((qb_idx)nth * QB_MF_MIN_ROWS_PER_THREAD > S->dim) nth = (int)(S->dim / QB_MF_MIN_ROWS_PER_THREAD) + 1;
  const qb_idx dim = S->dim, nblocks = (qb_idx)nth * QB_MF_BLOCKS_PER_THREAD;
  const mf_coef cf = {alpha, shift, beta};
  const int cvec = vtype == QB_COMPLEX;
  const double *xd = x;
  double *yd = y;
  int leak = 0;
  /* Static schedule over equal row blocks: which thread runs a block does not matter. */
#pragma omp parallel for num_threads(nth) schedule(static) default(none) \
    shared(S, dim, nblocks, cf, cvec, xd, yd) reduction(| : leak)
  for (qb_idx b = 0; b < nblocks; b++) {
    /* full space: boundaries on multiples of QB_MF_BLOCK, so every block is aligned */
    const qb_idx unit = S->n_up < 0 && dim >= QB_MF_BLOCK ? QB_MF_BLOCK : 1, nu = dim / unit;
    const qb_idx r0 = unit * (nu * b / nblocks), r1 = b + 1 == nblocks ? dim : unit * (nu * (b + 1) / nblocks);
    rows_dispatch(S, r0, r1, xd, yd, cf, &leak, cvec);
  }
  if (leak)
    return QB_FAIL(err, QB_ERR_INPUT, "a term leads out of the sector with %d up spins: the "
                   "Hamiltonian does not conserve the magnetization", S->n_up);
  return QB_OK;
}
