/* spin_op_split.c — the split tables of the matrix-free Pauli-sum operator
 * (qbath/spin_op.h), which its apply (spin_op_apply.c) walks.
 *
 * The L bits of a state are split at bit m, c = h << m | l. Ascending sector states are
 * in colex order, so the states with one high part h form one contiguous block of rows,
 * and rank(c) = hi_off[h] + lo_rank[l]: the colex rank is a sum over the set bits of
 * binom(position, ordinal), the low bits take the ordinals 1 .. popcount(l) whatever h is
 * (lo_rank), the high bits the rest (hi_off, the rank of the block's first state). In the
 * full space a block is 2^m rows and both tables are the identity's. The low groups
 * (flip and window below m) act alike on every block of one low popcount: their entries
 * are tabulated once per low state (a small CSR on ranks within the block). No state list
 * and no hash: the tables are O(2^m + 2^(L-m)). */
#include <string.h>

#include "core/spin_op_internal.h"
#include "qbath/alloc.h"

/* Low bits of the split: 12 from L = 20 on (blocks of at most 2^12 rows, whose x, y and
 * accumulators stay in L2; 12 measured best of 10..14 at L = 20, 22, 24: 10 at L = 20 was
 * 20% slower), half the sites below (so that small chains exercise every class of group
 * in the tests), high tables of at most 2^22 entries. */
static int split_bits(int L) {
  const int half = (L + 1) / 2, m = half > L - 8 ? half : L - 8 < 12 ? L - 8 : 12;
  return L - m > 22 ? L - 22 : m;
}

/* Where the bits lo .. lo + width - 1 (plus the flip mask) lie relative to bit m. */
static int classify(int lo, int width, uint64_t flip, int m) {
  const uint64_t lmask = ((uint64_t)1 << m) - 1;
  if (lo + width <= m && (flip & ~lmask) == 0) return QB_MF_LOW;
  if (lo >= m && (flip & lmask) == 0) return QB_MF_HIGH;
  return QB_MF_CROSS;
}

static int window_width(const qb_spin_op_window *w) { return __builtin_popcountll(w->mask); }

qb_spin_op_split *qb_spin_op_split_free(qb_spin_op_split *P) {
  if (!P) return NULL;
  QB_FREE_ALL(P->hi_off, P->lo_rank, P->lo_states, P->dlo_re, P->dlo_im, P->lo_ptr, P->lo_col,
              P->lo_re, P->lo_im, P->diag_class, P->group_class);
  return qb_free(P);
}

size_t qb_spin_op_split_bytes(const qb_spin_op_split *P) {
  if (!P) return 0;
  const size_t nl = (size_t)1 << P->m, ne = P->lo_ptr ? P->lo_ptr[nl] : 0;
  return sizeof *P + (nl * 3 + 1) * sizeof(uint32_t) + nl * sizeof(double) * (P->dlo_im ? 2 : 1) +
         ne * (sizeof(uint16_t) + sizeof(double) * (P->lo_im ? 2 : 1));
}

/* lo_states, lo_start, lo_rank: the m-bit values by popcount (ascending within one); in
 * the full space all of them in one class, ascending (lo_start[0] = 0, lo_start[1] = 2^m). */
static void low_states(const qb_spin_op *S, qb_spin_op_split *P) {
  const uint32_t nl = (uint32_t)1 << P->m;
  if (S->n_up < 0) {
    for (uint32_t l = 0; l < nl; l++) P->lo_rank[l] = P->lo_states[l] = l;
    P->lo_start[0] = 0, P->lo_start[1] = nl;
    return;
  }
  uint32_t count[QB_SPIN_MAX_SITES + 2] = {0};
  for (uint32_t l = 0; l < nl; l++) count[__builtin_popcount(l)]++;
  P->lo_start[0] = 0;
  for (int k = 0; k <= P->m; k++) P->lo_start[k + 1] = P->lo_start[k] + count[k];
  uint32_t fill[QB_SPIN_MAX_SITES + 2];
  memcpy(fill, P->lo_start, sizeof fill);
  for (uint32_t l = 0; l < nl; l++) {
    const int k = __builtin_popcount(l);
    P->lo_rank[l] = fill[k] - P->lo_start[k];
    P->lo_states[fill[k]++] = l;
  }
}

/* hi_off[h] = sector states with high part below h (a block is empty when its low
 * popcount n_up - popcount(h) is outside 0 .. m; every block has 2^m rows in the full
 * space). */
static void high_offsets(const qb_spin_op *S, qb_spin_op_split *P) {
  const uint64_t nh = (uint64_t)1 << (S->nsites - P->m);
  qb_idx off = 0;
  for (uint64_t h = 0; h < nh; h++) {
    P->hi_off[h] = off;
    const int k = S->n_up - __builtin_popcountll(h);
    if (S->n_up < 0) off += (qb_idx)1 << P->m;
    else if (k >= 0 && k <= P->m) off += (qb_idx)S->binom[P->m][k];
  }
  P->hi_off[nh] = off;
}

/* The low diagonal windows summed per low state (window order). */
static void low_diagonal(const qb_spin_op *S, qb_spin_op_split *P) {
  const uint32_t nl = (uint32_t)1 << P->m;
  for (uint32_t i = 0; i < nl; i++) {
    const uint64_t l = P->lo_states[i];
    double re = 0, im = 0;
    for (int w = 0; w < S->ndiag; w++) {
      if (P->diag_class[w] != QB_MF_LOW) continue;
      const qb_spin_op_window *W = &S->diag[w];
      re += W->re[(l >> W->lo) & W->mask];
      if (W->im) im += W->im[(l >> W->lo) & W->mask];
    }
    P->dlo_re[i] = re;
    if (P->dlo_im) P->dlo_im[i] = im;
  }
}

/* The low groups' entries per low state (group order), counted when fill is 0. A low
 * group keeps the popcount of a nonzero entry (fill_window zeroed the others). */
static uint32_t low_entries(const qb_spin_op *S, qb_spin_op_split *P, int fill) {
  uint32_t ne = 0;
  for (int k = P->kmin; k <= P->kmax; k++)
    for (uint32_t i = P->lo_start[k]; i < P->lo_start[k + 1]; i++) {
      if (fill) P->lo_ptr[i] = ne;
      const uint64_t l = P->lo_states[i];
      for (int g = 0; g < S->ngroups; g++) {
        const qb_spin_op_group *G = &S->groups[g];
        if (P->group_class[g] != QB_MF_LOW) continue;
        const uint64_t col = l ^ G->flip, v = (col >> G->win.lo) & G->win.mask;
        const double re = G->win.re[v], im = G->win.im ? G->win.im[v] : 0.0;
        if (re == 0.0 && im == 0.0) continue;
        if (fill) {
          P->lo_col[ne] = (uint16_t)P->lo_rank[col];
          P->lo_re[ne] = re;
          if (P->lo_im) P->lo_im[ne] = im;
        }
        ne++;
      }
    }
  return ne;
}

/* Classes of the windows and groups; the tables of the low half. */
static qb_status split_tables(qb_spin_op *S, qb_spin_op_split *P, qb_err *err) {
  for (int w = 0; w < S->ndiag; w++)
    P->diag_class[w] = classify(S->diag[w].lo, window_width(&S->diag[w]), 0, P->m);
  for (int g = 0; g < S->ngroups; g++) {
    const qb_spin_op_group *G = &S->groups[g];
    P->group_class[g] =
        G->tabulated ? classify(G->win.lo, window_width(&G->win), G->flip, P->m) : QB_MF_CROSS;
  }
  low_states(S, P);
  high_offsets(S, P);
  low_diagonal(S, P);
  const uint32_t nl = (uint32_t)1 << P->m, ne = low_entries(S, P, 0);
  P->lo_col = qb_malloc((ne ? ne : 1) * sizeof *P->lo_col);
  P->lo_re = qb_malloc((ne ? ne : 1) * sizeof *P->lo_re);
  P->lo_im = S->is_complex ? qb_malloc((ne ? ne : 1) * sizeof *P->lo_im) : NULL;
  if (!P->lo_col || !P->lo_re || (S->is_complex && !P->lo_im))
    return QB_FAIL(err, QB_ERR_NOMEM, "sector tables: %u low entries", ne);
  for (uint32_t i = 0; i <= nl; i++) P->lo_ptr[i] = 0;
  low_entries(S, P, 1);
  /* rows outside kmin .. kmax never run; the pointer after the last one ends the list */
  for (uint32_t i = P->lo_start[P->kmax + 1]; i <= nl; i++) P->lo_ptr[i] = ne;
  return QB_OK;
}

qb_status qb_spin_op_split_create(qb_spin_op *S, qb_err *err) {
  qb_spin_op_split *P = qb_calloc(1, sizeof *P);
  if (!P) return QB_FAIL(err, QB_ERR_NOMEM, "sector split tables");
  S->split = P;
  const int L = S->nsites;
  P->m = split_bits(L);
  const size_t nl = (size_t)1 << P->m, nh = (size_t)1 << (L - P->m);
  P->kmin = S->n_up - (L - P->m) > 0 ? S->n_up - (L - P->m) : 0;
  P->kmax = S->n_up < 0 ? 0 : S->n_up < P->m ? S->n_up : P->m; /* full space: one class */
  for (int k = P->kmin; k <= P->kmax; k++) {
    const qb_idx rows = S->n_up < 0 ? (qb_idx)nl : (qb_idx)S->binom[P->m][k];
    if (rows > P->max_block) P->max_block = rows;
  }
  if (P->max_block > 65536) /* lo_col holds a rank within a block in 16 bits */
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "matrix-free operator: L = %d is too large (blocks of "
                   "%lld rows)", L, (long long)P->max_block);
  P->hi_off = qb_malloc((nh + 1) * sizeof *P->hi_off);
  P->lo_rank = qb_malloc(nl * sizeof *P->lo_rank);
  P->lo_states = qb_malloc(nl * sizeof *P->lo_states);
  P->dlo_re = qb_malloc(nl * sizeof *P->dlo_re);
  P->dlo_im = S->is_complex ? qb_malloc(nl * sizeof *P->dlo_im) : NULL;
  P->lo_ptr = qb_malloc((nl + 1) * sizeof *P->lo_ptr);
  P->diag_class = qb_malloc((size_t)(S->ndiag + 1) * sizeof *P->diag_class);
  P->group_class = qb_malloc((size_t)(S->ngroups + 1) * sizeof *P->group_class);
  if (!P->hi_off || !P->lo_rank || !P->lo_states || !P->dlo_re || (S->is_complex && !P->dlo_im) ||
      !P->lo_ptr || !P->diag_class || !P->group_class)
    return QB_FAIL(err, QB_ERR_NOMEM, "sector split tables (2^%d + 2^%d entries)", P->m, L - P->m);
  return split_tables(S, P, err);
}

