/* qbath/eigs.h — k eigenpairs of a Hermitian operator nearest a target energy.
 *
 * Three methods, same outputs: the polynomial filter of qbath/filter.h (QB_EIGS_FILTER: no
 * factorization; a density target takes sigma from the ARPACK extremal eigenvalues as
 * shift-invert does; method auto falls back to it when the factor is refused for
 * factor.mem_limit), dense ED (LAPACK, all eigenpairs, the k nearest kept) below
 * a size threshold, and ARPACK shift-invert above it: Lanczos/Arnoldi on
 * (H - sigma)^{-1}, whose largest eigenvalues 1/(E - sigma) belong to the E nearest sigma,
 * with H - sigma factorized once by a qb_factor backend (MUMPS LDL^T for real H where the
 * build has it, UMFPACK otherwise; qb_factor_default_type). Real
 * symmetric H uses dsaupd/dseupd on real vectors; complex Hermitian H znaupd/zneupd.
 *
 * The target is an energy sigma, or a relative energy density eps in [0, 1] mapped to
 * sigma = E_min + eps (E_max - E_min) with the extremal eigenvalues (from opts when the
 * caller knows them, else computed by ARPACK in regular mode, or exactly by dense ED).
 *
 * Every returned pair carries its residual ||H v - E v||; the result also carries the
 * orthogonality defect max |V^H V - 1|. Eigenvalues are ascending. Eigenvector j is
 * contiguous: V + j*dim (doubles or qb_cplx by dtype), unit norm. For real H the vectors
 * are real; the phase (sign) of each vector is fixed so that its largest-magnitude
 * component is real positive, which makes outputs comparable between methods.
 *
 * ARPACK's start vector, and each new one it needs after a breakdown, is drawn from qb_rng
 * with opts.seed, and factor analyses run one at a time (METIS draws from rand()), so a
 * result does not depend on what ran before in the process or beside it. UMFPACK's dense kernels use the BLAS; with a threaded
 * BLAS bitwise reproducibility across thread counts is that BLAS's (OpenBLAS: same
 * results for the same thread count). */
#ifndef QBATH_EIGS_H
#define QBATH_EIGS_H

#include "qbath/csr.h"
#include "qbath/factor.h"
#include "qbath/op.h"

typedef enum {
  QB_EIGS_AUTO = 0,        /* dense when dim <= dense_max_dim, else shift-invert */
  QB_EIGS_DENSE = 1,       /* LAPACK on the dense matrix */
  QB_EIGS_SHIFT_INVERT = 2, /* ARPACK mode 3 with a sparse factorization */
  QB_EIGS_FILTER = 3       /* polynomial filter + Lanczos, no factorization (qbath/filter.h) */
} qb_eigs_method;

typedef struct qb_eigs_opts {
  qb_idx nev;              /* k, number of pairs wanted (default 50) */
  int target_is_density;   /* 1: target is eps in [0, 1]; 0: target is an energy (default 1) */
  double target;           /* eps or sigma (default 0.5) */
  int have_bounds;         /* 1: emin/emax below are the extremal eigenvalues (default 0) */
  double emin, emax;       /* used for eps when have_bounds */
  qb_eigs_method method;   /* default QB_EIGS_AUTO */
  qb_idx dense_max_dim;    /* AUTO uses dense ED up to this dimension (default 3000) */
  int want_vectors;        /* 1: return eigenvectors (default 1) */
  qb_idx ncv;              /* Lanczos basis size; 0: max(2 nev + 1, nev + 20) for ARPACK,
                              max(3 nev, nev + 40) for the block Krylov-Schur (default 0) */
  double tol;              /* ARPACK relative tolerance; 0: machine precision (default 1e-12:
                            residuals ~1e-12, half the solves of 0) */
  int maxiter;             /* ARPACK restarts (default 1000) */
  qb_idx block;            /* real shift-invert: right-hand sides per solve of the block
                              Krylov-Schur (default 8); 1: ARPACK, one vector per solve */
  double bounds_tol;       /* relative accuracy of the extremal eigenvalues (default 1e-8:
                              Lanczos residuals within bounds_tol of the spectrum's width) */
  uint64_t seed;           /* start vector stream (default 20240601) */
  qb_factor_opts factor;   /* strategy, ordering, memory limit of the factorization */
  const qb_factor_type *backend; /* NULL: qb_factor_default_type (MUMPS LDL^T for real H
                                    where built in, UMFPACK for complex H) */
} qb_eigs_opts;

void qb_eigs_defaults(qb_eigs_opts *o);

typedef struct qb_eigs_result {
  qb_idx dim;              /* dimension of H */
  qb_idx nev;              /* pairs returned */
  qb_dtype dtype;          /* of the vectors: H's */
  double *E;               /* size nev, ascending */
  void *V;                 /* size nev*dim (NULL without vectors); vector j at V + j*dim */
  double *resid;           /* size nev: ||H v_j - E_j v_j|| (NaN without vectors) */
  double max_resid;        /* max of resid */
  double orth_defect;      /* max_{ij} |<v_i|v_j> - delta_ij| */
  double sigma;            /* the target energy used */
  double emin, emax;       /* extremal eigenvalues used for eps (NaN if not needed) */
  qb_eigs_method method;   /* the method that ran */
  int iterations;          /* ARPACK restarts (0 for dense) */
  qb_idx nsolves;          /* applications of (H - sigma)^{-1} */
  double t_bounds, t_analyze, t_factor, t_iterate, t_total; /* seconds */
  qb_factor_info factor;   /* the factorization's figures (zero for dense) */
} qb_eigs_result;

qb_eigs_result *qb_eigs_result_free(qb_eigs_result *r);

/* The nev pairs of the Hermitian CSR matrix A nearest the target. For shift-invert, *cache
 * (may be NULL) carries a qb_factor across calls: when it holds an analysis of A's pattern
 * by the requested backend it is reused (only the numeric factorization is redone; the
 * analysis options are those it was created with), otherwise it is replaced; the
 * caller frees it with qb_factor_free. nev > dim is QB_ERR_INPUT. ARPACK not meeting its
 * tolerance within maxiter is QB_NOT_CONVERGED (no result). */
qb_status qb_eigs_csr(const qb_csr *A, const qb_eigs_opts *o, qb_factor **cache,
                      qb_eigs_result **out, qb_err *err);

/* Same for an operator: a CSR op goes to qb_eigs_csr; with method QB_EIGS_FILTER any real
 * operator goes to qb_filter_eigs (qbath/filter.h: applies only, no CSR form needed); other
 * operator types with other methods need their CSR form first (QB_ERR_UNSUPPORTED). */
qb_status qb_eigs_op(const qb_op *H, const qb_eigs_opts *o, qb_factor **cache,
                     qb_eigs_result **out, qb_err *err);

/* Extremal eigenvalues of A by ARPACK in regular mode (relative tolerance tol). */
qb_status qb_eigs_bounds(const qb_csr *A, double tol, uint64_t seed, double *emin,
                         double *emax, qb_err *err);

#endif
