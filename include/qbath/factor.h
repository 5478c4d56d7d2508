/* qbath/factor.h — sparse direct factorizations of a shifted Hermitian matrix A - shift*1.
 *
 * Shift-invert needs (A - sigma)^{-1} x many times. A factorization is split, CSparse
 * style, into a symbolic analysis that depends only on the sparsity pattern (ordering,
 * elimination tree, memory estimate) and a numeric factorization per shift: analyse once,
 * refactor for every shift and every disorder realization with the same pattern.
 *
 * The pattern analysed is that of A plus the full diagonal (a shift fills the diagonal
 * even where A has no stored entry), so any Hermitian CSR matrix is accepted.
 *
 * Backends are type objects (the GSL pattern): MUMPS (multifrontal LDL^T of the lower
 * triangle, METIS ordering) is the default for real symmetric matrices where the build has
 * it, UMFPACK (SuiteSparse, unsymmetric-pattern multifrontal LU, here with its symmetric
 * strategy) for complex Hermitian ones and as the fallback (qb_factor_default_type).
 * Another solver is added by writing one more qb_factor_type.
 *
 * Thread safety: qb_factor_solve on one factor may not be called concurrently (UMFPACK's
 * solve uses the factor's workspace); different factors are independent. */
#ifndef QBATH_FACTOR_H
#define QBATH_FACTOR_H

#include "qbath/csr.h"

/* Fill-reducing ordering (UMFPACK names; other backends map them to their nearest). */
typedef enum {
  QB_ORDER_DEFAULT = 0, /* the backend's default (UMFPACK: METIS, measured best here) */
  QB_ORDER_AMD = 1,     /* approximate minimum degree on A + A^T */
  QB_ORDER_METIS = 2,   /* nested dissection (METIS) */
  QB_ORDER_CHOLMOD = 3, /* CHOLMOD's choice: AMD, and METIS where it gives less fill */
  QB_ORDER_BEST = 4     /* try several, keep the least fill (slower analysis) */
} qb_factor_ordering;

/* UMFPACK strategy (ignored by symmetric backends). */
typedef enum {
  QB_STRATEGY_SYMMETRIC = 0,   /* pivots preferred on the diagonal, ordering of A + A^T */
  QB_STRATEGY_AUTO = 1,        /* UMFPACK decides from the pattern */
  QB_STRATEGY_UNSYMMETRIC = 2  /* column ordering (COLAMD), partial pivoting */
} qb_factor_strategy;

/* Options; qb_factor_defaults fills the documented defaults. */
typedef struct qb_factor_opts {
  qb_factor_strategy strategy; /* default QB_STRATEGY_SYMMETRIC (AUTO picks it too here) */
  qb_factor_ordering ordering; /* default QB_ORDER_DEFAULT */
  double mem_limit;            /* bytes the factorization may use at its peak; 0 = none */
  const void *mpi_comm;        /* NULL: this process alone. Else points to the MPI_Comm whose
                                * ranks share the factorization (MUMPS in an MPI build, see
                                * qb_factor_mumps; other backends factor on each rank alone) */
} qb_factor_opts;

void qb_factor_defaults(qb_factor_opts *o);

/* Figures a backend reports after analysis (estimates) and after factorization (actual). */
typedef struct qb_factor_info {
  double peak_bytes_estimate; /* upper estimate of the peak memory of factor + analysis */
  double factor_bytes;        /* bytes of the numeric factor (0 before factorizing) */
  double factor_entries;      /* entries of L + U (or L for LDL^T); estimate before */
  double a_entries;           /* entries of the analysed matrix (A plus full diagonal) */
  double flops;               /* flop count of the numeric factorization (estimate) */
  double t_analyze, t_factor; /* seconds spent in analysis and last numeric factorization */
} qb_factor_info;

/* One backend: the behaviour of a factorization (a type object). impl is private to it.
 * The matrix it sees always has the full diagonal stored (see above); analyze and factor
 * may keep a pointer to it (it is owned by the qb_factor and outlives impl). */
typedef struct qb_factor_type {
  const char *name; /* "umfpack", ... */
  /* Symbolic analysis of the pattern of A (values may be read as a pivoting hint). */
  qb_status (*analyze)(const qb_csr *A, const qb_factor_opts *o, void **impl,
                       qb_factor_info *info, qb_err *err);
  /* Numeric factorization of S, which already holds A - shift * 1. */
  qb_status (*factor)(void *impl, const qb_csr *S, qb_factor_info *info, qb_err *err);
  /* x = (A - shift)^{-1} b, vectors of A's dtype; x and b must not alias. */
  qb_status (*solve)(void *impl, const void *b, void *x, qb_err *err);
  /* Releases impl (NULL-safe). */
  void (*free)(void *impl);
  /* X = (A - shift)^{-1} B for nrhs columns (column-major, leading dimension n; X and B
   * must not alias), reading the factor once for all of them: the triangular solves become
   * BLAS-3 on the fronts. NULL: qb_factor_solve_block sends the columns through solve. */
  qb_status (*solve_block)(void *impl, const void *B, void *X, qb_idx nrhs, qb_err *err);
} qb_factor_type;

/* UMFPACK (umfpack_dl_* / umfpack_zl_*, 64-bit indices): complex Hermitian, and the
 * fallback of a build without MUMPS. */
extern const qb_factor_type qb_factor_umfpack;
/* MUMPS: LDL^T for real symmetric, LU for complex. Sequential (Debian libmumps-seq-dev)
 * in the ordinary build; in the MPI build (QBATH_MPI) Debian's MPI MUMPS (libmumps-dev),
 * where opts.mpi_comm names the ranks that share one factorization: each rank hands MUMPS
 * its block of rows (distributed input), and create, numeric, solve, solve_block and free
 * are collective: every rank calls them in the same order with the same matrix and shift.
 * The right-hand sides of rank 0 are solved, and every rank receives the solution (so
 * solvers running the same steps on every rank stay in step). With mpi_comm NULL, or in
 * the sequential build, each process factors alone.
 * In a build without MUMPS (QBATH_HAVE_MUMPS undefined) its analyze reports
 * QB_ERR_UNSUPPORTED. qb_factor_have_mumps() says which. */
extern const qb_factor_type qb_factor_mumps;
int qb_factor_have_mumps(void);
/* The MUMPS version the build links ("5.5.1"), NULL without MUMPS. */
const char *qb_factor_mumps_version(void);
/* 1 when the build's MUMPS is the MPI one (ranks can share a factorization), else 0. */
int qb_factor_mumps_mpi(void);

/* The default backend for matrices of dtype dt: MUMPS for QB_REAL when built in (LDL^T
 * stores half the entries of an LU: measured at L = 18 Sz = 0, 642 MB and 15.4 s against
 * UMFPACK's 1337 MB and 18.3-19.8 s, issue 21), UMFPACK otherwise (MUMPS has no LDL^H:
 * complex Hermitian matrices would get an LU, where UMFPACK was measured no worse). */
const qb_factor_type *qb_factor_default_type(qb_dtype dt);

/* A factorization object: the analysed pattern, and the numeric factor once computed. */
typedef struct qb_factor {
  const qb_factor_type *type; /* backend */
  void *impl;                 /* backend data */
  qb_factor_opts opts;        /* options it was analysed with */
  qb_csr *S;                  /* owned: A with the full diagonal, values of the last shift */
  qb_idx *diag;               /* size n: position of the diagonal entry of row i in S */
  qb_idx *amap;               /* size nnz(A): position of A's entry k in S */
  uint64_t pattern_hash;      /* hash of A's pattern (reuse check) */
  qb_idx n;                   /* dimension */
  qb_dtype dtype;             /* QB_REAL or QB_COMPLEX */
  int have_numeric;           /* 1 once a shift has been factorized */
  double shift;               /* the shift of the current numeric factor */
  qb_factor_info info;        /* estimates and measured sizes */
} qb_factor;

/* Symbolic analysis of A's pattern with backend type (NULL = qb_factor_default_type) and
 * options o (NULL = defaults). With o->mem_limit > 0 and an estimated peak above it, fails
 * with QB_ERR_NOMEM and a message giving the estimate, the limit and the largest dimension
 * that would fit (assuming memory grows as n^2, as measured for many-body Hamiltonians).
 * A must be square and Hermitian; it is not referenced after the call. */
qb_status qb_factor_create(const qb_factor_type *type, const qb_csr *A,
                           const qb_factor_opts *o, qb_factor **out, qb_err *err);

/* 1 if A has the pattern F was analysed for (same dimension, dtype and pattern hash). */
int qb_factor_matches(const qb_factor *F, const qb_csr *A);

/* Numeric factorization of A - shift * 1, where A has the analysed pattern (its values may
 * change: a new realization). A singular shifted matrix is QB_ERR_NUMERIC naming shift. */
qb_status qb_factor_numeric(qb_factor *F, const qb_csr *A, double shift, qb_err *err);

/* x = (A - shift)^{-1} b with the current numeric factor; x, b of F->dtype, length n. */
qb_status qb_factor_solve(qb_factor *F, const void *b, void *x, qb_err *err);

/* X = (A - shift)^{-1} B for nrhs columns of length n (column j at B + j n); the
 * backend's block solve where it has one (MUMPS), else one column at a time. */
qb_status qb_factor_solve_block(qb_factor *F, const void *B, void *X, qb_idx nrhs, qb_err *err);

/* Frees F and everything it owns; NULL is a no-op; returns NULL. */
qb_factor *qb_factor_free(qb_factor *F);

/* Hash of a CSR pattern (dimension, row pointers, column indices). */
uint64_t qb_factor_pattern_hash(const qb_csr *A);

#endif
