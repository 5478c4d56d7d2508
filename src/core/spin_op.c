/* spin_op.c — compiles a Pauli sum into the matrix-free operator of qbath/spin_op.h:
 * closed-form terms, groups by flip mask, window tables; the split tables of the apply
 * are spin_op_split.c's. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/spin_op_internal.h"
#include "qbath/alloc.h"

/* T = c P_1 ... P_n acts on a ket rightmost factor first (spin.h). Walking the factors in
 * that order, the current bit of a site is the column's bit XOR the flips already done
 * there, so each factor's amplitude is a constant times (-1)^{column bit} (Z, Y) or a
 * condition on the column bit (+, -). Returns 0 when two conditions contradict (the
 * term is identically zero, e.g. sigma^+ sigma^+ on one site). */
static int compile_term(const qb_pauli_term *t, qb_spin_op_term *m) {
  *m = (qb_spin_op_term){t->coupling, 0, 0, 0, 0};
  for (int k = t->nops - 1; k >= 0; k--) {
    const uint64_t b = (uint64_t)1 << t->sites[k];
    const int flipped = (m->flip & b) != 0;
    const char op = t->ops[k];
    if (op == 'Z' || op == 'Y') { /* Z = +1 on up: -(-1)^{current bit} */
      m->coef *= flipped ? 1.0 : -1.0;
      m->sign ^= b;
      if (op == 'Y') m->coef *= I; /* Y|up> = i|down>, Y|down> = -i|up>: Y = i X Z */
    } else if (op == '+' || op == '-') { /* + needs the current bit down, - up */
      const uint64_t need = (uint64_t)((op == '-') ^ flipped) * b; /* column bit */
      if ((m->cond & b) && (m->want & b) != need) return 0;
      m->cond |= b;
      m->want = (m->want & ~b) | need;
    }
    if (op == 'X' || op == 'Y' || op == '+' || op == '-') m->flip ^= b;
  }
  return m->coef != 0;
}

/* Bits a term's amplitude and sector change depend on. */
static uint64_t term_support(const qb_spin_op_term *t) { return t->sign | t->cond | t->flip; }

static int span_lo(uint64_t d) { return d ? __builtin_ctzll(d) : 0; }
static int span_width(uint64_t d) { return d ? 64 - __builtin_clzll(d) - __builtin_ctzll(d) : 0; }

/* Fills w (lo, width already chosen) with the summed amplitude of terms[idx[0..n-1]].
 * flip != 0 and n_up >= 0: amplitudes leading out of the sector must cancel (to roundoff
 * of their magnitude, then set to exact zero), else QB_ERR_INPUT. */
static qb_status fill_window(qb_spin_op_window *w, int width, const qb_spin_op_term *terms,
                             const qb_idx *idx, qb_idx n, uint64_t flip, int sector,
                             int is_complex, qb_err *err) {
  w->mask = width ? (((uint64_t)1 << width) - 1) : 0;
  const size_t ne = (size_t)w->mask + 1;
  w->re = qb_malloc(ne * sizeof *w->re);
  w->im = is_complex ? qb_malloc(ne * sizeof *w->im) : NULL;
  if (!w->re || (is_complex && !w->im))
    return QB_FAIL(err, QB_ERR_NOMEM, "amplitude table of %zu entries", ne);
  const int half = __builtin_popcountll(flip) / 2;
  for (size_t v = 0; v < ne; v++) {
    const uint64_t c = (uint64_t)v << w->lo;
    qb_cplx a = 0;
    double mag = 0;
    for (qb_idx k = 0; k < n; k++) {
      a += qb_spin_op_term_amp(&terms[idx[k]], c);
      mag += cabs(terms[idx[k]].coef);
    }
    const int leaves = sector && flip && (__builtin_popcountll(c & flip) != half ||
                                          (__builtin_popcountll(flip) & 1));
    if (leaves && a != 0) {
      if (cabs(a) > 4.0 * (double)n * DBL_EPSILON * mag)
        return QB_FAIL(err, QB_ERR_INPUT, "a term with flip mask 0x%llx leads out of the "
                       "sector: the Hamiltonian does not conserve the magnetization",
                       (unsigned long long)flip);
      a = 0;
    }
    w->re[v] = creal(a);
    if (w->im) w->im[v] = cimag(a);
  }
  return QB_OK;
}

static void free_window(qb_spin_op_window *w) {
  w->re = qb_free(w->re);
  w->im = qb_free(w->im);
}

static void spin_op_free(void *impl) {
  qb_spin_op *S = impl;
  if (!S) return;
  for (int i = 0; i < S->ndiag; i++) free_window(&S->diag[i]);
  for (int g = 0; g < S->ngroups; g++) free_window(&S->groups[g].win);
  qb_free(S->diag);
  qb_free(S->diag_terms);
  qb_free(S->groups);
  qb_free(S->terms);
  qb_spin_op_split_free(S->split);
  qb_free(S);
}

/* Diagonal terms into windows of QB_SPIN_OP_WINDOW bits: each goes to the first window
 * that covers its support, else opens one at its lowest bit; wider ones stay terms. */
static qb_status compile_diagonal(qb_spin_op *S, const qb_spin_op_term *terms, qb_idx n,
                                  qb_idx *scratch, qb_err *err) {
  int *where = qb_malloc((size_t)(n ? n : 1) * sizeof *where);
  int lo[64];
  S->diag = qb_calloc(64, sizeof *S->diag);
  S->diag_terms = qb_malloc((size_t)(n ? n : 1) * sizeof *S->diag_terms);
  qb_status st = QB_OK;
  if (!where || !S->diag || !S->diag_terms) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "diagonal of %lld terms", (long long)n);
    goto done;
  }
  for (qb_idx t = 0; t < n; t++) {
    if (terms[t].flip) continue;
    S->diag_magnitude += cabs(terms[t].coef);
    const uint64_t d = term_support(&terms[t]);
    where[t] = -1;
    if (span_width(d) > QB_SPIN_OP_WINDOW) {
      S->diag_terms[S->ndiag_terms++] = terms[t];
      continue;
    }
    for (int w = 0; w < S->ndiag && where[t] < 0; w++)
      if (span_lo(d) >= lo[w] && span_lo(d) + span_width(d) <= lo[w] + QB_SPIN_OP_WINDOW)
        where[t] = w;
    if (where[t] < 0) {
      lo[S->ndiag] =
          span_lo(d) + QB_SPIN_OP_WINDOW > S->nsites ? S->nsites - QB_SPIN_OP_WINDOW : span_lo(d);
      if (lo[S->ndiag] < 0) lo[S->ndiag] = 0;
      where[t] = S->ndiag++;
    }
  }
  for (int w = 0; w < S->ndiag && st == QB_OK; w++) {
    qb_idx m = 0;
    for (qb_idx t = 0; t < n; t++)
      if (!terms[t].flip && where[t] == w) scratch[m++] = t;
    S->diag[w].lo = lo[w];
    const int width = S->nsites - lo[w] < QB_SPIN_OP_WINDOW ? S->nsites - lo[w] : QB_SPIN_OP_WINDOW;
    st = fill_window(&S->diag[w], width, terms, scratch, m, 0, 0, S->is_complex, err);
  }
done:
  qb_free(where);
  return st;
}

/* Off-diagonal groups by flip mask, in order of first appearance (the summation order). */
static qb_status compile_groups(qb_spin_op *S, const qb_spin_op_term *terms, qb_idx n,
                                qb_idx *scratch, qb_err *err) {
  S->groups = qb_calloc((size_t)(n ? n : 1), sizeof *S->groups);
  S->terms = qb_malloc((size_t)(n ? n : 1) * sizeof *S->terms);
  if (!S->groups || !S->terms) return QB_FAIL(err, QB_ERR_NOMEM, "%lld term groups", (long long)n);
  qb_idx nt = 0;
  for (qb_idx t = 0; t < n; t++) {
    if (!terms[t].flip) continue;
    int seen = 0;
    for (int g = 0; g < S->ngroups && !seen; g++) seen = S->groups[g].flip == terms[t].flip;
    if (seen) continue;
    qb_spin_op_group *G = &S->groups[S->ngroups++];
    G->flip = terms[t].flip;
    qb_idx m = 0;
    uint64_t d = 0;
    for (qb_idx u = t; u < n; u++)
      if (terms[u].flip == G->flip) {
        scratch[m++] = u;
        d |= term_support(&terms[u]);
        G->magnitude += cabs(terms[u].coef);
      }
    if (span_width(d) <= QB_SPIN_OP_WINDOW) {
      G->tabulated = 1;
      G->win.lo = span_lo(d);
      QB_TRY(fill_window(&G->win, span_width(d), terms, scratch, m, G->flip, S->n_up >= 0,
                         S->is_complex, err));
    } else {
      G->t0 = nt;
      for (qb_idx k = 0; k < m; k++) S->terms[nt++] = terms[scratch[k]];
      G->t1 = nt;
    }
  }
  return QB_OK;
}

static size_t window_bytes(const qb_spin_op_window *w) {
  return ((size_t)w->mask + 1) * sizeof(double) * (w->im ? 2 : 1);
}

static size_t spin_op_bytes(const void *impl) {
  const qb_spin_op *S = impl;
  size_t b = sizeof *S;
  for (int i = 0; i < S->ndiag; i++) b += window_bytes(&S->diag[i]);
  for (int g = 0; g < S->ngroups; g++)
    b += window_bytes(&S->groups[g].win) + sizeof(qb_spin_op_group);
  b += qb_spin_op_split_bytes(S->split);
  return b;
}

static const qb_op_type qb_spin_op_type = {"spin_mfree", qb_spin_op_apply, spin_op_bytes,
                                           spin_op_free};

/* Closed-form terms of H (zero terms dropped) and whether any coefficient is complex. */
static qb_status compile_terms(const qb_pauli_sum *H, qb_spin_op_term **out, qb_idx *n, int *cplx,
                               qb_err *err) {
  *out = qb_malloc((size_t)(H->nterms ? H->nterms : 1) * sizeof **out);
  if (!*out) return QB_FAIL(err, QB_ERR_NOMEM, "%lld compiled terms", (long long)H->nterms);
  *n = 0;
  *cplx = 0;
  for (qb_idx t = 0; t < H->nterms; t++)
    if (compile_term(&H->terms[t], &(*out)[*n])) *cplx |= cimag((*out)[(*n)++].coef) != 0;
  return QB_OK;
}

/* with_split: also the tables of the apply (not needed to count entries). */
static qb_status spin_op_compile(const qb_pauli_sum *H, const qb_spin_basis *B, int nthreads,
                                 int with_split, qb_spin_op **out, qb_err *err) {
  *out = NULL;
  if (H->nsites != B->nsites)
    return QB_FAIL(err, QB_ERR_DIM, "Hamiltonian on %d sites, basis on %d", H->nsites, B->nsites);
  qb_spin_op *S = qb_calloc(1, sizeof *S);
  qb_spin_op_term *terms = NULL;
  qb_idx *scratch = qb_malloc((size_t)(H->nterms ? H->nterms : 1) * sizeof *scratch);
  qb_idx n = 0;
  qb_status st = QB_OK;
  if (!S || !scratch) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "matrix-free operator");
    goto done;
  }
  S->nsites = B->nsites;
  S->n_up = B->n_up;
  S->dim = B->dim;
  S->nthreads = nthreads;
  memcpy(S->binom, B->binom, sizeof S->binom);
  st = compile_terms(H, &terms, &n, &S->is_complex, err);
  if (st == QB_OK) st = compile_diagonal(S, terms, n, scratch, err);
  if (st == QB_OK) st = compile_groups(S, terms, n, scratch, err);
  if (st == QB_OK && with_split) st = qb_spin_op_split_create(S, err);
done:
  qb_free(terms);
  qb_free(scratch);
  if (st != QB_OK) spin_op_free(S);
  else *out = S;
  return st;
}

qb_status qb_spin_op_from_sum(const qb_pauli_sum *H, const qb_spin_basis *B, int nthreads,
                             qb_op **out, qb_err *err) {
  *out = NULL;
  qb_spin_op *S;
  QB_TRY(spin_op_compile(H, B, nthreads, 1, &S, err));
  qb_status st = qb_op_create(&qb_spin_op_type, S, 1, S->dim, S->is_complex ? QB_COMPLEX : QB_REAL,
                              out, err);
  if (st != QB_OK) spin_op_free(S);
  return st;
}

qb_status qb_spin_op_set_threads(qb_op *H, int nthreads, qb_err *err) {
  if (H->type != &qb_spin_op_type)
    return QB_FAIL(err, QB_ERR_INPUT, "operator '%s' is not a matrix-free spin operator",
                   H->type->name);
  ((qb_spin_op *)H->impl)->nthreads = nthreads;
  return QB_OK;
}

/* Fraction of a window's configurations with a nonzero amplitude. */
static double window_fill(const qb_spin_op_window *w) {
  size_t nz = 0;
  for (size_t v = 0; v <= w->mask; v++) nz += w->re[v] != 0 || (w->im && w->im[v] != 0);
  return (double)nz / ((double)w->mask + 1);
}

qb_status qb_spin_op_nnz_per_row(const qb_pauli_sum *H, const qb_spin_basis *B,
                                   double *per_row, int *is_complex, qb_err *err) {
  qb_spin_op *S;
  QB_TRY(spin_op_compile(H, B, 1, 0, &S, err));
  double r = S->ndiag || S->ndiag_terms ? 1.0 : 0.0;
  for (int g = 0; g < S->ngroups; g++)
    r += S->groups[g].tabulated ? window_fill(&S->groups[g].win) : 1.0;
  if (is_complex) *is_complex = S->is_complex;
  spin_op_free(S);
  *per_row = r;
  return QB_OK;
}

qb_status qb_spin_op_diagonal(const qb_pauli_sum *O, qb_pauli_diag_term *terms, qb_idx *n,
                                qb_err *err) {
  *n = 0;
  for (qb_idx t = 0; t < O->nterms; t++) {
    qb_spin_op_term m;
    if (!compile_term(&O->terms[t], &m)) continue;
    if (m.flip || cimag(m.coef) != 0)
      return QB_FAIL(err, QB_ERR_INPUT, "term %lld ('%.*s') is not a real diagonal operator "
                     "(only Z, I and the one-site projectors +- and -+)", (long long)t,
                     O->terms[t].nops, O->terms[t].ops);
    terms[(*n)++] = (qb_pauli_diag_term){creal(m.coef), m.sign, m.cond, m.want};
  }
  return QB_OK;
}
