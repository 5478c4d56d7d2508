/* qbath/kron.h — the Kronecker-structured operator H = A (x) 1_rest + S.
 *
 * A is a dense d_g x d_g Hermitian block on the first tensor factor (the random-matrix
 * grain), 1_rest the identity on the remaining factor of dimension d_r (the spins), and S
 * an optional sparse CSR operator on the full space d_g*d_r (fields and couplings). A state
 * is stored with the first factor slowest: psi[g * d_r + r]. Viewed as a row-major
 * d_g x d_r matrix X, (A (x) 1) x = A X, a single BLAS GEMM, so the grain never becomes a
 * dense (d_g d_r)^2 matrix. A real A acts on complex X as on a real d_g x 2 d_r matrix
 * (interleaved storage), which keeps the real-grain case at real-GEMM cost. */
#ifndef QBATH_KRON_H
#define QBATH_KRON_H

#include "qbath/csr.h"
#include "qbath/op.h"

typedef struct qb_kron {
  qb_idx dg;           /* dimension of the dense factor */
  qb_idx dr;           /* dimension of the identity factor */
  qb_dtype dtype;      /* type of A (the op is complex if A or S is) */
  void *A;             /* dg*dg row-major, double or qb_cplx; owned */
  qb_csr *S;           /* (dg*dr)^2 sparse part, or NULL; owned */
} qb_kron;

/* Builds the op from a dense block (copied) and a sparse part (ownership of S passes to
 * the op on success; on failure S stays with the caller; S may be NULL). A must be
 * Hermitian, S Hermitian with dimension dg*dr. The GEMM sizes are int: dg < 2^30 and
 * 2*dr < 2^30. */
qb_status qb_kron_op_create(qb_idx dg, qb_idx dr, qb_dtype a_dtype, const void *A,
                            qb_csr *S, qb_op **out, qb_err *err);

/* The operator type, for code that inspects op->type. */
extern const qb_op_type qb_kron_op_type;

/* Assembles the same operator as one CSR matrix (for factorizations and tests). */
qb_status qb_kron_to_csr(const qb_kron *K, qb_csr **out, qb_err *err);

#endif
