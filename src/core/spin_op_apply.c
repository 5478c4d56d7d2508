/* spin_op_apply.c — y <- alpha (H - shift) x + beta y for the matrix-free Pauli-sum
 * operator (qbath/spin_op.h), block by block of its split (spin_op_split.c): the rows
 * whose states share a high part h.
 *   diagonal: the low windows summed per low state (a table), the high windows once per
 *     block, windows crossing the split per row;
 *   low groups: the block's small sparse matrix (shared by every block of its low
 *     popcount) on the block's own x segment;
 *   high groups: one amplitude for the whole block and a contiguous segment of x (the
 *     block of h ^ flip: the same low states in the same order), a streaming axpy, up to
 *     QB_MF_FUSE of them in one pass;
 *   the rest (windows crossing the split, terms too wide for a table): per row, the
 *     column's rank by two lookups.
 * Each row is summed by one thread in one fixed order (diagonal: low windows, high
 * windows, crossing windows, wide terms; then -shift; then low, high, crossing groups,
 * each class in compiled order), so the result is bitwise the same on any thread count
 * and any schedule. Arithmetic is written out in real and imaginary parts, so that the
 * compiler need not call the C99 complex-multiply helpers in the hot loop. */
#include <omp.h>

#include "core/spin_op_internal.h"
#include "qbath/alloc.h"

typedef struct {
  double alpha, shift, beta;
} sec_coef;

/* A complex number's (re, im) as one SIMD pair (GCC vector extension; the _u form may sit
 * at any 8-byte boundary). Lane-wise arithmetic: the same roundings as two scalars. */
typedef double qb_v2d __attribute__((vector_size(16)));
typedef double qb_v2d_u __attribute__((vector_size(16), aligned(8)));

/* One block's buffers (max_block rows): the diagonal (dr, di) and the accumulators s,
 * interleaved re, im like complex vectors (s[2i], s[2i + 1]; s[i] for real vectors) so
 * that a real amplitude times a segment of x is one plain axpy. */
typedef struct {
  double *dr, *di, *s;
} sec_work;

/* s += a x[j] for one entry (s points at the row's accumulator). */
static inline __attribute__((always_inline)) void sec_acc(const double *restrict x, size_t j,
                                                          double ar, double ai, double *restrict s,
                                                          const int cvec, const int camp) {
  if (cvec) {
    const double xr = x[2 * j], xi = x[2 * j + 1];
    s[0] += ar * xr - (camp ? ai * xi : 0.0);
    s[1] += ar * xi + (camp ? ai * xr : 0.0);
  } else {
    s[0] += ar * x[j];
  }
}

/* The diagonal of the block (high part hc = h << m, low states ls[0..n-1]) into w. */
static inline __attribute__((always_inline)) void sec_diagonal(
    const qb_spin_op *S, uint64_t hc, int n, const uint32_t *restrict ls, uint32_t s0,
    sec_work *w, int *leak, const int camp) {
  const qb_spin_op_split *P = S->split;
  double hr = 0.0, hi = 0.0;
  for (int d = 0; d < S->ndiag; d++) {
    if (P->diag_class[d] != QB_MF_HIGH) continue;
    const qb_spin_op_window *W = &S->diag[d];
    hr += W->re[(hc >> W->lo) & W->mask];
    if (camp) hi += W->im[(hc >> W->lo) & W->mask];
  }
  double *restrict dr = w->dr, *restrict di = w->di;
  for (int i = 0; i < n; i++) dr[i] = P->dlo_re[s0 + i] + hr;
  if (camp)
    for (int i = 0; i < n; i++) di[i] = P->dlo_im[s0 + i] + hi;
  for (int d = 0; d < S->ndiag; d++) {
    if (P->diag_class[d] != QB_MF_CROSS) continue;
    const qb_spin_op_window *W = &S->diag[d];
    for (int i = 0; i < n; i++) dr[i] += W->re[((hc | ls[i]) >> W->lo) & W->mask];
    if (camp)
      for (int i = 0; i < n; i++) di[i] += W->im[((hc | ls[i]) >> W->lo) & W->mask];
  }
  for (int i = 0; S->ndiag_terms && i < n; i++) {
    const qb_cplx a =
        qb_spin_op_terms_amp(S->diag_terms, S->ndiag_terms, hc | ls[i], -1, 0.0, leak);
    dr[i] += creal(a);
    if (camp) di[i] += cimag(a);
  }
}

/* The low groups: the block's small sparse matrix on its own x segment xb. */
static inline __attribute__((always_inline)) void sec_low(const qb_spin_op_split *P, int n,
                                                          uint32_t s0, const double *restrict xb,
                                                          sec_work *w, const int cvec,
                                                          const int camp) {
  const uint32_t *restrict ptr = P->lo_ptr + s0;
  const uint16_t *restrict col = P->lo_col;
  const double *restrict re = P->lo_re, *restrict im = P->lo_im;
  double *restrict s = w->s;
  if (cvec && !camp) { /* the time-evolution hot path: (re, im) pairs as one vector */
    for (int i = 0; i < n; i++) {
      qb_v2d acc = *(const qb_v2d_u *)(s + 2 * i);
      for (uint32_t e = ptr[i]; e < ptr[i + 1]; e++)
        acc += (qb_v2d){re[e], re[e]} * *(const qb_v2d_u *)(xb + 2 * (size_t)col[e]);
      *(qb_v2d_u *)(s + 2 * i) = acc;
    }
    return;
  }
  for (int i = 0; i < n; i++) {
    double acc[2] = {cvec ? s[2 * i] : s[i], cvec ? s[2 * i + 1] : 0.0}; /* in registers */
    for (uint32_t e = ptr[i]; e < ptr[i + 1]; e++)
      sec_acc(xb, col[e], re[e], camp ? im[e] : 0.0, acc, cvec, camp);
    if (cvec) s[2 * i] = acc[0], s[2 * i + 1] = acc[1];
    else s[i] = acc[0];
  }
}

/* Up to QB_MF_FUSE real amplitudes times x segments added in one pass (s read and
 * written once): s[k] = (((s[k] + a0 x0[k]) + a1 x1[k]) + ...), the sequential order. */
enum { QB_MF_FUSE = 4 };

static inline __attribute__((always_inline)) void sec_axpys(int nz, const double *const *xo,
                                                            const double *a, int nd,
                                                            double *restrict s) {
  const double *restrict x0 = xo[0], *restrict x1 = xo[1], *restrict x2 = xo[2],
                         *restrict x3 = xo[3];
  if (nz == 4)
    for (int k = 0; k < nd; k++)
      s[k] = s[k] + a[0] * x0[k] + a[1] * x1[k] + a[2] * x2[k] + a[3] * x3[k];
  else if (nz == 3)
    for (int k = 0; k < nd; k++) s[k] = s[k] + a[0] * x0[k] + a[1] * x1[k] + a[2] * x2[k];
  else if (nz == 2)
    for (int k = 0; k < nd; k++) s[k] = s[k] + a[0] * x0[k] + a[1] * x1[k];
  else if (nz == 1)
    for (int k = 0; k < nd; k++) s[k] = s[k] + a[0] * x0[k];
}

/* The high groups: one amplitude for the block each, times the x segment of block
 * h ^ flip (the same low states in the same order), in compiled order. */
static inline __attribute__((always_inline)) void sec_high(const qb_spin_op *S, uint64_t h, int n,
                                                           const double *restrict x, sec_work *w,
                                                           const int cvec, const int camp) {
  const qb_spin_op_split *P = S->split;
  const int nd = cvec ? 2 * n : n;
  const double *xo[QB_MF_FUSE] = {x, x, x, x};
  double a[QB_MF_FUSE];
  int nz = 0;
  for (int g = 0; g < S->ngroups; g++) {
    if (P->group_class[g] != QB_MF_HIGH) continue;
    const qb_spin_op_group *G = &S->groups[g];
    const uint64_t ch = h ^ (G->flip >> P->m), v = ((ch << P->m) >> G->win.lo) & G->win.mask;
    const double ar = G->win.re[v], ai = camp ? G->win.im[v] : 0.0;
    if (ar == 0.0 && ai == 0.0) continue;
    const size_t j0 = (size_t)P->hi_off[ch];
    if (camp) { /* complex amplitude: its own pass */
      const double *restrict xc = x + 2 * j0;
      double *restrict s = w->s;
      for (int i = 0; i < n; i++) {
        s[2 * i] += ar * xc[2 * i] - ai * xc[2 * i + 1];
        s[2 * i + 1] += ar * xc[2 * i + 1] + ai * xc[2 * i];
      }
      continue;
    }
    xo[nz] = x + (cvec ? 2 * j0 : j0), a[nz++] = ar;
    if (nz == QB_MF_FUSE) sec_axpys(nz, xo, a, nd, w->s), nz = 0;
  }
  sec_axpys(nz, xo, a, nd, w->s);
}

/* A crossing group: per row, the column's rank by two lookups. Tabulated amplitudes that
 * would leave the sector are exact zeros (fill_window); term lists check it. */
static inline __attribute__((always_inline)) void sec_cross(
    const qb_spin_op *S, const qb_spin_op_group *G, uint64_t hc, int n, const uint32_t *restrict ls,
    const double *restrict x, sec_work *w, int *leak, const int cvec, const int camp) {
  const qb_spin_op_split *P = S->split;
  const uint64_t lmask = ((uint64_t)1 << P->m) - 1;
  if (G->tabulated && !camp) { /* branch-free: half the amplitudes of a bond are zero */
    const double *restrict re = G->win.re;
    const qb_idx *restrict hi = P->hi_off;
    const uint32_t *restrict lo = P->lo_rank;
    for (int i = 0; i < n; i++) {
      const uint64_t col = (hc | ls[i]) ^ G->flip;
      const double ar = re[(col >> G->win.lo) & G->win.mask];
      /* a zero amplitude's column may lie outside the sector: read x[0] times 0 instead */
      const size_t j = ar != 0.0 ? (size_t)(hi[col >> P->m] + lo[col & lmask]) : 0;
      sec_acc(x, j, ar, 0.0, cvec ? w->s + 2 * i : w->s + i, cvec, 0);
    }
    return;
  }
  for (int i = 0; i < n; i++) {
    const uint64_t col = (hc | ls[i]) ^ G->flip;
    double ar, ai;
    if (G->tabulated) {
      const uint64_t v = (col >> G->win.lo) & G->win.mask;
      ar = G->win.re[v], ai = camp ? G->win.im[v] : 0.0;
    } else {
      const qb_cplx a =
          qb_spin_op_terms_amp(S->terms + G->t0, G->t1 - G->t0, col, S->n_up, G->magnitude, leak);
      ar = creal(a), ai = cimag(a);
    }
    if (ar == 0.0 && ai == 0.0) continue;
    const size_t j = (size_t)(P->hi_off[col >> P->m] + P->lo_rank[col & lmask]);
    sec_acc(x, j, ar, ai, cvec ? w->s + 2 * i : w->s + i, cvec, camp);
  }
}

/* Rows of block h: y <- alpha (H - shift) x + beta y. */
static inline __attribute__((always_inline)) void sec_block(const qb_spin_op *S, uint64_t h,
                                                            const double *restrict x,
                                                            double *restrict y, sec_coef cf,
                                                            sec_work *w, int *leak, const int cvec,
                                                            const int camp) {
  const qb_spin_op_split *P = S->split;
  const qb_idx base = P->hi_off[h];
  const int n = (int)(P->hi_off[h + 1] - base);
  if (n == 0) return;
  const uint32_t s0 = S->n_up < 0 ? 0 : P->lo_start[S->n_up - __builtin_popcountll(h)];
  const uint32_t *restrict ls = P->lo_states + s0;
  const uint64_t hc = h << P->m;
  const double *restrict xb = cvec ? x + 2 * base : x + base;
  double *restrict s = w->s;
  sec_diagonal(S, hc, n, ls, s0, w, leak, camp);
  for (int i = 0; i < n; i++) {
    const double d = w->dr[i] - cf.shift;
    if (cvec) {
      s[2 * i] = d * xb[2 * i] - (camp ? w->di[i] * xb[2 * i + 1] : 0.0);
      s[2 * i + 1] = d * xb[2 * i + 1] + (camp ? w->di[i] * xb[2 * i] : 0.0);
    } else {
      s[i] = d * xb[i];
    }
  }
  sec_low(P, n, s0, xb, w, cvec, camp);
  sec_high(S, h, n, x, w, cvec, camp);
  for (int g = 0; g < S->ngroups; g++)
    if (P->group_class[g] == QB_MF_CROSS)
      sec_cross(S, &S->groups[g], hc, n, ls, x, w, leak, cvec, camp);
  const int nd = cvec ? 2 * n : n;
  double *restrict yb = cvec ? y + 2 * base : y + base;
  if (cf.beta == 0.0)
    for (int k = 0; k < nd; k++) yb[k] = cf.alpha * s[k];
  else
    for (int k = 0; k < nd; k++) yb[k] = cf.alpha * s[k] + cf.beta * yb[k];
}

/* One instantiation per (vector type, amplitude type). */
static void sec_dispatch(const qb_spin_op *S, uint64_t h, const double *x, double *y, sec_coef cf,
                         sec_work *w, int *leak, int cvec) {
  if (S->is_complex) sec_block(S, h, x, y, cf, w, leak, 1, 1);
  else if (cvec) sec_block(S, h, x, y, cf, w, leak, 1, 0);
  else sec_block(S, h, x, y, cf, w, leak, 0, 0);
}

/* Rows below which one thread does the whole apply (a team costs more than it saves). */
enum { QB_MF_MIN_ROWS_PER_THREAD = 4096 };

qb_status qb_spin_op_apply(void *impl, qb_dtype vtype, double alpha, double shift, const void *xv,
                      double beta, void *yv, qb_err *err) {
  const qb_spin_op *S = impl;
  const qb_spin_op_split *P = S->split;
  const double *x = xv;
  double *y = yv;
  if (S->is_complex && vtype != QB_COMPLEX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "complex spin operator applied to real vectors");
  if (xv == yv && S->dim > 0) return QB_FAIL(err, QB_ERR_INPUT, "matrix-free apply: y aliases x");
  int nth = S->nthreads > 0 ? S->nthreads : omp_get_max_threads();
  if ((qb_idx)nth * QB_MF_MIN_ROWS_PER_THREAD > S->dim)
    nth = (int)(S->dim / QB_MF_MIN_ROWS_PER_THREAD) + 1;
  const size_t per = 4 * (size_t)(P->max_block > 0 ? P->max_block : 1);
  double *buf = qb_malloc((size_t)nth * per * sizeof *buf);
  if (!buf) return QB_FAIL(err, QB_ERR_NOMEM, "matrix-free apply: %d block buffers", nth);
  const long long nh = 1LL << (S->nsites - P->m);
  const sec_coef cf = {alpha, shift, beta};
  const int cvec = vtype == QB_COMPLEX;
  int leak = 0;
  /* every row is summed inside its block's iteration: any schedule gives the same bits */
#pragma omp parallel num_threads(nth) default(none) shared(S, P, buf, per, nh, cf, cvec, x, y) \
    reduction(| : leak)
  {
    double *mine = buf + (size_t)omp_get_thread_num() * per;
    sec_work w = {mine, mine + per / 4, mine + per / 2}; /* s: 2 max_block */
#pragma omp for schedule(dynamic, 4)
    for (long long h = 0; h < nh; h++) sec_dispatch(S, (uint64_t)h, x, y, cf, &w, &leak, cvec);
  }
  qb_free(buf);
  if (leak)
    return QB_FAIL(err, QB_ERR_INPUT, "a term leads out of the sector with %d up spins: the "
                   "Hamiltonian does not conserve the magnetization", S->n_up);
  return QB_OK;
}
