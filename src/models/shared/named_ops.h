/* models/shared/named_ops.h — operators the user names in [observables]:
 *
 *   [observables]
 *   Sz_center = Z:0.5@7
 *   stagger   = Z:1/L:staggered          # sum_j (-1)^j sigma^z_j / L
 *
 * Each value is a sum of Pauli strings in the terms language (docs/terms.md) on the
 * model's chain; AMP may use the model's parameter names and L. A named operator is
 * built on the model's spin basis per realization (random couplings of an operator draw
 * from the Philox streams (seed, point, realization, QB_NAMED_OPS_STREAM + 64 k + t) for
 * operator k, term t) and used by the time domain (<O(t)>, autocorrelation, spectral
 * function; models/shared/dynamics.h) and the eigenstates (<n|O|n>; state_out.h).
 * Private to src/models. */
#ifndef QBATH_MODELS_NAMED_OPS_H
#define QBATH_MODELS_NAMED_OPS_H

#include "qbath/model.h"
#include "qbath/op.h"
#include "qbath/terms.h"

enum { QB_NAMED_OPS_MAX = 8, QB_NAMED_OPS_STREAM = 0x6000 };

/* The [observables] template key: any name, a terms list. */
extern const qb_key qb_named_ops_keys[];

typedef struct qb_named_ops {
  int n;                                    /* operators, 0..QB_NAMED_OPS_MAX */
  char name[QB_NAMED_OPS_MAX][QB_NAME_LEN]; /* as written in [observables] */
  qb_terms terms[QB_NAMED_OPS_MAX];         /* parsed */
} qb_named_ops;

/* Reads every [observables] key of p; nsites = 0 (a model without spins) refuses any. */
qb_status qb_named_ops_read(const qb_params *p, int nsites, int periodic,
                            const qb_terms_names *names, qb_named_ops *ops, qb_err *err);

/* Index of the operator called name, or -1. */
int qb_named_ops_find(const qb_named_ops *ops, const char *name);

/* 1 when operator k has imaginary matrix elements. */
int qb_named_ops_complex(const qb_named_ops *ops, int k);

/* Operator k of the realization t on basis B, as a CSR-backed qb_op, or matrix-free
 * (qbath/spin_op.h, on t->nthreads threads) when matrix_free is set: B may then lack its
 * sector state list. Owned by the caller (qb_op_free). */
qb_status qb_named_ops_build(const qb_named_ops *ops, int k, const qb_spin_basis *B,
                             const qb_task *t, int matrix_free, qb_op **out, qb_err *err);

/* The operators of one realization, built once and handed to every observable. */
typedef struct qb_named_set {
  int n;
  qb_op *op[QB_NAMED_OPS_MAX];
} qb_named_set;

/* Builds every operator of ops for realization t on basis B into *out (cleared first),
 * matrix-free when matrix_free is set (as qb_named_ops_build). */
qb_status qb_named_ops_set_build(const qb_named_ops *ops, const qb_spin_basis *B, const qb_task *t,
                             int matrix_free, qb_named_set *out, qb_err *err);
void qb_named_ops_set_clear(qb_named_set *s);

/* <psi|O|psi> of each operator of s for the normalized vector v (dtype, length dim) into
 * out[0 .. s->n-1]; work holds 2 dim complex entries. */
qb_status qb_named_ops_set_expect(const qb_named_set *s, qb_dtype dtype, const void *v, qb_idx dim,
                              qb_cplx *work, double *out, qb_err *err);

#endif
