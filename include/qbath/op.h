/* qbath/op.h — the one operator type every solver sees: y = H x.
 *
 * A model builds a qb_op; a solver applies it and never knows whether it is CSR, a
 * Kronecker-structured dense-block operator, or matrix-free. H is Hermitian by contract
 * (solvers rely on it). The operator is real (symmetric) or complex (Hermitian); a real
 * operator may act on real or complex vectors, a complex one on complex vectors only.
 *
 * The kernel is the fused y <- alpha (H - shift) x + beta y, so that the three-term
 * recurrences (Chebyshev, Lanczos) make one pass over memory per step.
 *
 * Deviation from DESIGN.md's two-argument sketch: qb_op_apply takes the vector type and a
 * qb_err*, because real-symmetric solvers (ARPACK dsaupd) use real vectors and the library
 * must report errors rather than print them. */
#ifndef QBATH_OP_H
#define QBATH_OP_H

#include "qbath/csr.h"
#include "qbath/err.h"
#include "qbath/types.h"

/* The behaviour of one operator implementation (the GSL "type object" pattern). */
typedef struct qb_op_type {
  const char *name;  /* "csr", "kron", ... */
  /* y <- alpha (H - shift) x + beta y, vtype as in qb_op_apply_fused. */
  qb_status (*apply)(void *impl, qb_dtype vtype, double alpha, double shift, const void *x,
                     double beta, void *y, qb_err *err);
  /* Stored bytes of the operator (for memory estimates and bandwidth figures). */
  size_t (*bytes)(const void *impl);
  /* Releases impl when the op owns it. */
  void (*free)(void *impl);
} qb_op_type;

typedef struct qb_op {
  const qb_op_type *type; /* implementation */
  void *impl;             /* implementation data (a qb_csr*, a qb_kron*, ...) */
  int owns_impl;          /* 1: qb_op_free frees impl too */
  qb_idx dim;             /* H is dim x dim */
  qb_dtype dtype;         /* QB_REAL (real symmetric) or QB_COMPLEX (Hermitian) */
  /* Spectral bounds cache, filled by the Lanczos bounds of the time-evolution module: */
  int have_bounds;        /* 1 when emin/emax hold a guaranteed enclosure */
  double emin, emax;      /* E_min >= emin, E_max <= emax */
} qb_op;

/* Wraps a CSR matrix (square). owns = 1 hands A to the op (freed with it). A must be
 * Hermitian; this is not checked here (qb_csr_hermiticity does). */
qb_status qb_op_from_csr(qb_csr *A, int owns, qb_op **out, qb_err *err);

/* Generic constructor for other implementations. */
qb_status qb_op_create(const qb_op_type *type, void *impl, int owns, qb_idx dim,
                       qb_dtype dtype, qb_op **out, qb_err *err);

/* Frees op (and impl if owned); NULL is a no-op; returns NULL. */
qb_op *qb_op_free(qb_op *H);

/* y = H x on complex vectors (length dim). */
qb_status qb_op_apply(const qb_op *H, const qb_cplx *x, qb_cplx *y, qb_err *err);
/* y = H x on real vectors; H must be real. */
qb_status qb_op_apply_real(const qb_op *H, const double *x, double *y, qb_err *err);
/* y <- alpha (H - shift) x + beta y; vtype QB_REAL needs a real H. */
qb_status qb_op_apply_fused(const qb_op *H, qb_dtype vtype, double alpha, double shift,
                            const void *x, double beta, void *y, qb_err *err);

/* Bytes the operator stores. */
size_t qb_op_bytes(const qb_op *H);

/* Dense row-major copy of H (dim*dim entries of H->dtype) built column by column from
 * applies: the reference for tests and dense ED. */
qb_status qb_op_to_dense(const qb_op *H, void *out, qb_err *err);

#endif
