/* factor.c — the backend-independent half of qbath/factor.h: the pattern with its full
 * diagonal, the pattern hash for reuse, the memory check, and dispatch to a backend. */
#include "qbath/factor.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#include "qbath/alloc.h"

/* Exponent p in "peak memory ~ n^p" used to name the largest dimension that fits when a
 * factorization is refused. Measured for the Sz = 0 Heisenberg chain, L = 14..18 (peak
 * estimate ratios 1.9-2.1 per factor of ~3.7 in n give p ~ 2); stated in the message. */
#define QB_FACTOR_MEM_EXPONENT 2.0

/* METIS, the default fill-reducing ordering of both backends (UMFPACK through CHOLMOD, and
 * MUMPS), draws its random numbers from the C library's rand(), one state for the whole
 * process (Debian's libmetis 5.1.0 is built without GKlib's own generator): every
 * METIS_NodeND call reseeds it with srand(4321) and then draws from it. Two analyses
 * running at once on two threads (realizations mode) interleaved their draws, so the
 * ordering, and with it the factor's rounding and the shift-invert eigenpairs' last bits
 * (1e-15 to 1e-12), depended on the timing between threads. One analysis at a time makes
 * each METIS call draw its own seeded sequence; the numeric factorization, the expensive
 * part, stays parallel. qbath itself never calls rand(). (tests/test_thread_bits.c) */
static pthread_mutex_t qb_ordering_lock = PTHREAD_MUTEX_INITIALIZER;

void qb_factor_defaults(qb_factor_opts *o) {
  o->strategy = QB_STRATEGY_SYMMETRIC;
  o->ordering = QB_ORDER_DEFAULT;
  o->mem_limit = 0;
}

const qb_factor_type *qb_factor_default_type(qb_dtype dt) {
  return dt == QB_REAL && qb_factor_have_mumps() ? &qb_factor_mumps : &qb_factor_umfpack;
}

/* FNV-1a over the dimension, row pointers and column indices. */
uint64_t qb_factor_pattern_hash(const qb_csr *A) {
  uint64_t h = 1469598103934665603ull;
  const uint64_t prime = 1099511628211ull;
  h = (h ^ (uint64_t)A->nrows) * prime;
  for (qb_idx i = 0; i <= A->nrows; i++) h = (h ^ (uint64_t)A->rowptr[i]) * prime;
  qb_idx nnz = qb_csr_nnz(A);
  for (qb_idx k = 0; k < nnz; k++) h = (h ^ (uint64_t)A->colind[k]) * prime;
  return h;
}

int qb_factor_matches(const qb_factor *F, const qb_csr *A) {
  return F && A->nrows == F->n && A->ncols == F->n && A->dtype == F->dtype &&
         qb_factor_pattern_hash(A) == F->pattern_hash;
}

/* Entries of S = pattern(A) U diag: counts per row, then a merge of each row with i. */
static qb_status build_pattern(qb_factor *F, const qb_csr *A, qb_err *err) {
  qb_idx n = A->nrows, missing = 0;
  for (qb_idx i = 0; i < n; i++) {
    int has = 0;
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) has |= A->colind[k] == i;
    missing += !has;
  }
  qb_idx nnz = qb_csr_nnz(A);
  QB_TRY(qb_csr_create(n, n, nnz + missing, A->dtype, &F->S, err));
  F->diag = qb_malloc((size_t)n * sizeof *F->diag);
  F->amap = qb_malloc((size_t)(nnz ? nnz : 1) * sizeof *F->amap);
  if (!F->diag || !F->amap) return QB_FAIL(err, QB_ERR_NOMEM, "factor pattern of n = %ld", (long)n);
  qb_idx p = 0;
  for (qb_idx i = 0; i < n; i++) {
    int placed = 0;
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) {
      qb_idx j = A->colind[k];
      if (!placed && j > i) { F->S->colind[p] = i; F->diag[i] = p++; placed = 1; }
      if (j == i) { F->diag[i] = p; placed = 1; }
      F->S->colind[p] = j;
      F->amap[k] = p++;
    }
    if (!placed) { F->S->colind[p] = i; F->diag[i] = p++; }
    F->S->rowptr[i + 1] = p;
  }
  return QB_OK;
}

/* Copies A's values into S (zeros where only the diagonal was added). */
static void load_values(qb_factor *F, const qb_csr *A) {
  size_t es = qb_dtype_size(A->dtype);
  memset(F->S->val, 0, es * (size_t)qb_csr_nnz(F->S));
  qb_idx nnz = qb_csr_nnz(A);
  for (qb_idx k = 0; k < nnz; k++)
    memcpy((char *)F->S->val + es * F->amap[k], (const char *)A->val + es * k, es);
}

/* S <- S - shift * 1 (the diagonal is stored, build_pattern made sure). */
static void shift_diagonal(qb_factor *F, double shift) {
  for (qb_idx i = 0; i < F->n; i++) {
    if (F->dtype == QB_REAL) ((double *)F->S->val)[F->diag[i]] -= shift;
    else ((qb_cplx *)F->S->val)[F->diag[i]] -= shift;
  }
}

/* The refusal message: estimate, limit, and n_max = n (limit / peak)^(1/p). */
static qb_status refuse(const qb_factor *F, qb_err *err) {
  double peak = F->info.peak_bytes_estimate, lim = F->opts.mem_limit;
  double nmax = (double)F->n * pow(lim / peak, 1.0 / QB_FACTOR_MEM_EXPONENT);
  return QB_FAIL(err, QB_ERR_NOMEM,
                 "factorization of n = %ld (%s) needs an estimated %.3g GB at its peak, over "
                 "the memory limit of %.3g GB; the largest dimension that would fit is about "
                 "n = %.0f (assuming peak memory ~ n^%.0f)",
                 (long)F->n, F->type->name, peak / 1e9, lim / 1e9, floor(nmax),
                 QB_FACTOR_MEM_EXPONENT);
}

qb_status qb_factor_create(const qb_factor_type *type, const qb_csr *A,
                           const qb_factor_opts *o, qb_factor **out, qb_err *err) {
  *out = NULL;
  if (A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "factor: matrix is %ld x %ld, not square", (long)A->nrows,
                   (long)A->ncols);
  qb_factor *F = qb_calloc(1, sizeof *F);
  if (!F) return QB_FAIL(err, QB_ERR_NOMEM, "factor object");
  F->type = type ? type : qb_factor_default_type(A->dtype);
  if (o) F->opts = *o; else qb_factor_defaults(&F->opts);
  F->n = A->nrows;
  F->dtype = A->dtype;
  F->pattern_hash = qb_factor_pattern_hash(A);
  qb_status st = build_pattern(F, A, err);
  if (st == QB_OK) {
    load_values(F, A);
    pthread_mutex_lock(&qb_ordering_lock);
    st = F->type->analyze(F->S, &F->opts, &F->impl, &F->info, err);
    pthread_mutex_unlock(&qb_ordering_lock);
  }
  if (st == QB_OK && F->opts.mem_limit > 0 && F->info.peak_bytes_estimate > F->opts.mem_limit)
    st = refuse(F, err);
  if (st != QB_OK) { qb_factor_free(F); return st; }
  *out = F;
  return QB_OK;
}

qb_status qb_factor_numeric(qb_factor *F, const qb_csr *A, double shift, qb_err *err) {
  if (!qb_factor_matches(F, A))
    return QB_FAIL(err, QB_ERR_DIM, "factor: matrix (n = %ld) has not the pattern analysed "
                   "(n = %ld); create a new factor", (long)A->nrows, (long)F->n);
  load_values(F, A);
  F->have_numeric = 0;
  shift_diagonal(F, shift);
  QB_TRY(F->type->factor(F->impl, F->S, &F->info, err));
  F->have_numeric = 1;
  F->shift = shift;
  return QB_OK;
}

qb_status qb_factor_solve(qb_factor *F, const void *b, void *x, qb_err *err) {
  if (!F->have_numeric) return QB_FAIL(err, QB_ERR_INPUT, "factor: solve before factorization");
  return F->type->solve(F->impl, b, x, err);
}

qb_status qb_factor_solve_block(qb_factor *F, const void *B, void *X, qb_idx nrhs, qb_err *err) {
  if (!F->have_numeric) return QB_FAIL(err, QB_ERR_INPUT, "factor: solve before factorization");
  if (F->type->solve_block) return F->type->solve_block(F->impl, B, X, nrhs, err);
  const size_t col = (size_t)F->n * qb_dtype_size(F->dtype);
  for (qb_idx j = 0; j < nrhs; j++)
    QB_TRY(F->type->solve(F->impl, (const char *)B + col * (size_t)j, (char *)X + col * (size_t)j,
                          err));
  return QB_OK;
}

qb_factor *qb_factor_free(qb_factor *F) {
  if (!F) return NULL;
  if (F->impl) F->type->free(F->impl);
  qb_csr_free(F->S);
  qb_free(F->diag);
  qb_free(F->amap);
  return qb_free(F);
}
