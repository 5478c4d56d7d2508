/* spin_build.c — a Pauli-string Hamiltonian restricted to a spin basis, assembled as CSR.
 *
 * Row r of H holds <r|H|c> = conj(<c|H^dagger|r>): applying each term's adjoint to the
 * row's basis state gives every column of that row directly, so rows are independent
 * (OpenMP over rows, no atomics) and exact for any, even non-Hermitian, term list.
 * Two passes with the same code: count each row's merged nonzeros, then fill. Entries of
 * one row are sorted by column and duplicates summed in a fixed order, so the matrix is
 * bitwise identical on any thread count. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/spin.h"

/* A term with its adjoint precomputed as bit masks, applied right to left. */
typedef struct {
  qb_cplx coupling;           /* conj(c): the adjoint's coefficient */
  int nops;
  char ops[QB_PAULI_MAX_OPS]; /* daggered letters (+ <-> -), in application order */
  int sites[QB_PAULI_MAX_OPS];
} adjoint_term;

typedef struct {
  qb_idx col;
  qb_cplx val;
} row_entry;

/* Applies one single-site Pauli factor to |state> in place; returns its amplitude. */
static qb_cplx apply_factor(char op, int site, uint64_t *state) {
  uint64_t bit = (uint64_t)1 << site;
  int up = (*state & bit) != 0;
  switch (op) {
    case 'X': *state ^= bit; return 1;
    case 'Y': *state ^= bit; return up ? I : -I; /* Y|up> = i|down>, Y|down> = -i|up> */
    case 'Z': return up ? 1 : -1;
    case '+': if (up) return 0; *state ^= bit; return 1;
    case '-': if (!up) return 0; *state ^= bit; return 1;
    default: return 1; /* 'I' */
  }
}

/* T = c P_1 ... P_n  =>  T^dagger = conj(c) P_n^dagger ... P_1^dagger, which acts on a
 * ket by applying P_1^dagger first. So the adjoint applies the daggered factors in the
 * written order P_1^dagger, P_2^dagger, ... (rightmost operator acts first). */
static void make_adjoint(const qb_pauli_term *t, adjoint_term *a) {
  a->coupling = conj(t->coupling);
  a->nops = t->nops;
  for (int k = 0; k < t->nops; k++) {
    char op = t->ops[k];
    a->ops[k] = op == '+' ? '-' : op == '-' ? '+' : op;
    a->sites[k] = t->sites[k];
  }
}

static int compare_col(const void *x, const void *y) {
  qb_idx a = ((const row_entry *)x)->col, b = ((const row_entry *)y)->col;
  return (a > b) - (a < b);
}

/* Stable sort of a row's entries by column. Rows hold tens of entries, where an inline
 * insertion sort is ~3x faster than qsort's calls through compare_col (the sort was half
 * of the CSR build); long rows keep qsort (glibc's is a stable merge sort). Equal columns
 * stay in term order either way, so their sum, and the matrix, are unchanged bit for bit. */
static void sort_by_column(row_entry *buf, qb_idx n) {
  if (n > 64) {
    qsort(buf, (size_t)n, sizeof *buf, compare_col);
    return;
  }
  for (qb_idx i = 1; i < n; i++) {
    row_entry key = buf[i];
    qb_idx j = i;
    for (; j > 0 && buf[j - 1].col > key.col; j--) buf[j] = buf[j - 1];
    buf[j] = key;
  }
}

/* Out-of-basis states are kept under a negative column, -1 - label, so that they sort
 * first and merge like any column: single terms may leave the sector while their sum does
 * not (X_j X_k + Y_j Y_k conserves the magnetization, X_j X_k alone does not). */
static qb_idx out_of_basis_col(uint64_t label) { return -1 - (qb_idx)label; }

/* Merged entries of row r into buf (capacity nterms); returns their number, or -1 when
 * the terms' sum leads out of the basis (the sector is not conserved). Contributions to
 * an out-of-basis state must cancel up to roundoff in the amplitudes summed. */
static qb_idx build_row(const adjoint_term *adj, qb_idx nterms, const qb_spin_basis *B,
                        qb_idx r, row_entry *buf) {
  uint64_t row_state = qb_spin_basis_state(B, r);
  qb_idx n = 0;
  qb_cplx diag = 0;
  int has_diag = 0;
  for (qb_idx t = 0; t < nterms; t++) {
    uint64_t s = row_state;
    qb_cplx amp = adj[t].coupling;
    for (int k = 0; k < adj[t].nops && amp != 0; k++) /* P_1^dagger acts first */
      amp *= apply_factor(adj[t].ops[k], adj[t].sites[k], &s);
    if (amp == 0) continue;
    if (s == row_state) { /* Z/I strings: summed apart, in term order as a stable sort would */
      diag += conj(amp);
      has_diag = 1;
      continue;
    }
    qb_idx c = qb_spin_basis_index(B, s);
    buf[n].col = c >= 0 ? c : out_of_basis_col(s);
    buf[n].val = conj(amp);
    n++;
  }
  sort_by_column(buf, n);
  qb_idx m = 0; /* merge duplicates in sorted order; drop exact cancellations */
  for (qb_idx i = 0; i < n;) {
    qb_idx j = i;
    qb_cplx sum = 0;
    double magnitude = 0;
    while (j < n && buf[j].col == buf[i].col) {
      magnitude += cabs(buf[j].val);
      sum += buf[j++].val;
    }
    if (buf[i].col < 0) {
      if (cabs(sum) > 4 * (j - i) * DBL_EPSILON * magnitude) return -1;
    } else if (sum != 0) {
      buf[m++] = (row_entry){buf[i].col, sum};
    }
    i = j;
  }
  if (has_diag && diag != 0) { /* the diagonal entry in its sorted place */
    qb_idx k = m;
    for (; k > 0 && buf[k - 1].col > r; k--) buf[k] = buf[k - 1];
    buf[k] = (row_entry){r, diag};
    m++;
  }
  return m;
}

/* Pass 1: nonzeros per row, into rowptr[r+1]; detects complex entries and sector leaks. */
static qb_status count_rows(const adjoint_term *adj, qb_idx nterms, const qb_spin_basis *B,
                            qb_idx *rowptr, int *is_complex, qb_idx *bad_row, qb_err *err) {
  int any_complex = 0, failed = 0;
  qb_idx first_bad = B->dim;
#pragma omp parallel default(none) shared(adj, nterms, B, rowptr, first_bad) \
    reduction(|| : any_complex, failed)
  {
    row_entry *buf = qb_malloc((size_t)(nterms ? nterms : 1) * sizeof *buf);
    if (!buf) failed = 1;
#pragma omp for schedule(static)
    for (qb_idx r = 0; r < B->dim; r++) {
      if (!buf) continue;
      qb_idx m = build_row(adj, nterms, B, r, buf);
      if (m < 0) {
#pragma omp critical(qb_spin_bad_row)
        if (r < first_bad) first_bad = r;
        m = 0;
      }
      rowptr[r + 1] = m;
      for (qb_idx k = 0; k < m; k++) any_complex = any_complex || cimag(buf[k].val) != 0;
    }
    qb_free(buf);
  }
  *is_complex = any_complex;
  *bad_row = first_bad;
  if (failed) return QB_FAIL(err, QB_ERR_NOMEM, "row scratch of %lld entries", (long long)nterms);
  return QB_OK;
}

/* Pass 2: the same rows again, written into A. */
static qb_status fill_rows(const adjoint_term *adj, qb_idx nterms, const qb_spin_basis *B,
                           qb_csr *A, qb_err *err) {
  int failed = 0;
#pragma omp parallel default(none) shared(adj, nterms, B, A) reduction(|| : failed)
  {
    row_entry *buf = qb_malloc((size_t)(nterms ? nterms : 1) * sizeof *buf);
    if (!buf) failed = 1;
#pragma omp for schedule(static)
    for (qb_idx r = 0; r < B->dim; r++) {
      if (!buf) continue;
      qb_idx m = build_row(adj, nterms, B, r, buf);
      qb_idx off = A->rowptr[r];
      for (qb_idx k = 0; k < m; k++) {
        A->colind[off + k] = buf[k].col;
        if (A->dtype == QB_REAL)
          ((double *)A->val)[off + k] = creal(buf[k].val);
        else
          ((qb_cplx *)A->val)[off + k] = buf[k].val;
      }
    }
    qb_free(buf);
  }
  if (failed) return QB_FAIL(err, QB_ERR_NOMEM, "row scratch of %lld entries", (long long)nterms);
  return QB_OK;
}

qb_status qb_spin_sum_to_csr(const qb_pauli_sum *H, const qb_spin_basis *B, qb_csr **out,
                              qb_err *err) {
  *out = NULL;
  if (H->nsites != B->nsites)
    return QB_FAIL(err, QB_ERR_DIM, "Hamiltonian on %d sites, basis on %d", H->nsites, B->nsites);
  adjoint_term *adj = qb_malloc((size_t)(H->nterms ? H->nterms : 1) * sizeof *adj);
  qb_idx *rowptr = qb_calloc((size_t)B->dim + 1, sizeof *rowptr);
  qb_csr *A = NULL;
  qb_status st = QB_OK;
  if (!adj || !rowptr) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "row pointers for dimension %lld", (long long)B->dim);
    goto done;
  }
  for (qb_idx t = 0; t < H->nterms; t++) make_adjoint(&H->terms[t], &adj[t]);
  int is_complex;
  qb_idx bad_row;
  st = count_rows(adj, H->nterms, B, rowptr, &is_complex, &bad_row, err);
  if (st != QB_OK) goto done;
  if (bad_row < B->dim) {
    st = QB_FAIL(err, QB_ERR_INPUT,
                 "a term leads out of the sector with %d up spins (first at basis state %lld): "
                 "the Hamiltonian does not conserve the magnetization",
                 B->n_up, (long long)bad_row);
    goto done;
  }
  for (qb_idx r = 0; r < B->dim; r++) rowptr[r + 1] += rowptr[r];
  st = qb_csr_create(B->dim, B->dim, rowptr[B->dim], is_complex ? QB_COMPLEX : QB_REAL, &A, err);
  if (st != QB_OK) goto done;
  memcpy(A->rowptr, rowptr, ((size_t)B->dim + 1) * sizeof *rowptr);
  st = fill_rows(adj, H->nterms, B, A, err);
done:
  qb_free(adj);
  qb_free(rowptr);
  if (st != QB_OK) A = qb_csr_free(A);
  *out = A;
  return st;
}
