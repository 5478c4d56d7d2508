/* factor_umfpack.c — the UMFPACK backend of qbath/factor.h (umfpack_dl_* / umfpack_zl_*,
 * 64-bit indices, packed complex).
 *
 * UMFPACK takes compressed columns. The CSR arrays of S, read as columns, describe S^T;
 * so every solve uses sys = UMFPACK_Aat ((S^T)^T x = S x = b, the non-conjugate transpose),
 * which is right for complex Hermitian and real symmetric S alike, with no copy. */
#include <string.h>
#include <time.h>
#include <umfpack.h>

#include "qbath/alloc.h"
#include "qbath/factor.h"

/* Iterative refinement steps per solve: 0, because shift-invert needs (H - sigma)^{-1} x
 * only to the accuracy of the Ritz vectors' residual check, and a refinement step costs a
 * sparse product plus a second solve. */
#define QB_UMF_IRSTEP 0

typedef struct umf_impl {
  int complex_;        /* 1: zl routines */
  qb_idx n;
  const qb_csr *S;     /* the matrix (owned by the qb_factor) */
  double control[UMFPACK_CONTROL];
  double info[UMFPACK_INFO];
  void *symbolic;
  void *numeric;
  SuiteSparse_long *wi;/* size n: wsolve integer workspace */
  double *w;           /* size 5n (real) or 10n (complex): wsolve workspace */
} umf_impl;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void umf_free(void *p) {
  umf_impl *u = p;
  if (!u) return;
  if (u->numeric) (u->complex_ ? umfpack_zl_free_numeric : umfpack_dl_free_numeric)(&u->numeric);
  if (u->symbolic)
    (u->complex_ ? umfpack_zl_free_symbolic : umfpack_dl_free_symbolic)(&u->symbolic);
  qb_free(u->wi);
  qb_free(u->w);
  qb_free(u);
}

static int strategy_code(qb_factor_strategy s) {
  return s == QB_STRATEGY_AUTO ? UMFPACK_STRATEGY_AUTO
         : s == QB_STRATEGY_UNSYMMETRIC ? UMFPACK_STRATEGY_UNSYMMETRIC
                                        : UMFPACK_STRATEGY_SYMMETRIC;
}

/* QB_ORDER_DEFAULT is METIS: on many-body Hamiltonians (Sz = 0 Heisenberg chain, L = 16
 * and 18) nested dissection halves the factor's entries and cuts the flops 4-6x against
 * AMD, with either strategy (scripts/bench/eigs, --ordering). */
static int ordering_code(qb_factor_ordering o) {
  static const int table[] = {UMFPACK_ORDERING_METIS, UMFPACK_ORDERING_AMD, UMFPACK_ORDERING_METIS,
                              UMFPACK_ORDERING_CHOLMOD, UMFPACK_ORDERING_BEST};
  return table[o >= 0 && o <= QB_ORDER_BEST ? o : 0];
}

static qb_status umf_status(long st, const char *what, qb_idx n, qb_err *err) {
  if (st == UMFPACK_OK) return QB_OK;
  if (st == UMFPACK_ERROR_out_of_memory)
    return QB_FAIL(err, QB_ERR_NOMEM, "UMFPACK %s of n = %ld: out of memory", what, (long)n);
  if (st == UMFPACK_WARNING_singular_matrix)
    return QB_FAIL(err, QB_ERR_NUMERIC, "UMFPACK %s of n = %ld: the shifted matrix is singular "
                   "(the shift is an eigenvalue; move it slightly)", what, (long)n);
  return QB_FAIL(err, QB_ERR_NUMERIC, "UMFPACK %s of n = %ld failed with status %ld", what,
                 (long)n, st);
}

/* Symbolic analysis: ordering and the memory estimate (Info, in units of Unit). */
static qb_status umf_analyze(const qb_csr *S, const qb_factor_opts *o, void **impl,
                             qb_factor_info *fi, qb_err *err) {
  umf_impl *u = qb_calloc(1, sizeof *u);
  if (!u) return QB_FAIL(err, QB_ERR_NOMEM, "UMFPACK workspace");
  u->complex_ = S->dtype == QB_COMPLEX;
  u->n = S->nrows;
  u->S = S;
  u->wi = qb_malloc((size_t)u->n * sizeof *u->wi);
  u->w = qb_malloc((size_t)u->n * (u->complex_ ? 10 : 5) * sizeof *u->w);
  if (!u->wi || !u->w) { umf_free(u); return QB_FAIL(err, QB_ERR_NOMEM, "UMFPACK workspace"); }
  (u->complex_ ? umfpack_zl_defaults : umfpack_dl_defaults)(u->control);
  u->control[UMFPACK_STRATEGY] = strategy_code(o->strategy);
  u->control[UMFPACK_ORDERING] = ordering_code(o->ordering);
  u->control[UMFPACK_IRSTEP] = QB_UMF_IRSTEP;
  double t0 = now();
  /* Pattern only (no values): the analysis is then the same for every matrix of this
   * pattern, so a cached analysis reused by the next realization gives the same factor
   * bits whichever realization made it (with values, the result depended on which
   * realization a thread had analysed first). */
  long st = u->complex_
      ? umfpack_zl_symbolic(u->n, u->n, S->rowptr, S->colind, NULL, NULL, &u->symbolic,
                            u->control, u->info)
      : umfpack_dl_symbolic(u->n, u->n, S->rowptr, S->colind, NULL, &u->symbolic,
                            u->control, u->info);
  fi->t_analyze = now() - t0;
  if (st != UMFPACK_OK) { umf_free(u); return umf_status(st, "symbolic analysis", S->nrows, err); }
  double unit = u->info[UMFPACK_SIZE_OF_UNIT];
  fi->peak_bytes_estimate = u->info[UMFPACK_PEAK_MEMORY_ESTIMATE] * unit;
  fi->factor_entries = u->info[UMFPACK_LNZ_ESTIMATE] + u->info[UMFPACK_UNZ_ESTIMATE] - (double)u->n;
  fi->flops = u->info[UMFPACK_FLOPS_ESTIMATE];
  fi->a_entries = (double)qb_csr_nnz(S);
  *impl = u;
  return QB_OK;
}

static qb_status umf_factor(void *impl, const qb_csr *S, qb_factor_info *fi, qb_err *err) {
  umf_impl *u = impl;
  if (u->numeric) (u->complex_ ? umfpack_zl_free_numeric : umfpack_dl_free_numeric)(&u->numeric);
  u->S = S;
  double t0 = now();
  long st = u->complex_
      ? umfpack_zl_numeric(S->rowptr, S->colind, S->val, NULL, u->symbolic, &u->numeric,
                           u->control, u->info)
      : umfpack_dl_numeric(S->rowptr, S->colind, S->val, u->symbolic, &u->numeric, u->control,
                           u->info);
  fi->t_factor = now() - t0;
  if (st != UMFPACK_OK) return umf_status(st, "numeric factorization", u->n, err);
  double unit = u->info[UMFPACK_SIZE_OF_UNIT];
  fi->factor_bytes = u->info[UMFPACK_NUMERIC_SIZE] * unit;
  fi->factor_entries = u->info[UMFPACK_LNZ] + u->info[UMFPACK_UNZ] - (double)u->n;
  fi->flops = u->info[UMFPACK_FLOPS];
  return QB_OK;
}

static qb_status umf_solve(void *impl, const void *b, void *x, qb_err *err) {
  umf_impl *u = impl;
  const qb_csr *S = u->S;
  long st = u->complex_
      ? umfpack_zl_wsolve(UMFPACK_Aat, S->rowptr, S->colind, S->val, NULL, x, NULL, b, NULL,
                          u->numeric, u->control, u->info, u->wi, u->w)
      : umfpack_dl_wsolve(UMFPACK_Aat, S->rowptr, S->colind, S->val, x, b, u->numeric,
                          u->control, u->info, u->wi, u->w);
  return umf_status(st, "solve", u->n, err);
}

const qb_factor_type qb_factor_umfpack = {"umfpack", umf_analyze, umf_factor, umf_solve, umf_free};
