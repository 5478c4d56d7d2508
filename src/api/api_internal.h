/* api_internal.h — what the flat C API's files share (not public). */
#ifndef QBATH_API_INTERNAL_H
#define QBATH_API_INTERNAL_H

#include "qbath/api.h"
#include "qbath/csr.h"
#include "qbath/op.h"
#include "qbath/spin.h"

/* An operator of the API: the library's op over its own CSR copy, and the spin basis
 * when it was built from Pauli strings (NULL otherwise). */
struct qb_api_op {
  qb_op *op;             /* owns A */
  qb_csr *A;
  qb_spin_basis *basis;  /* NULL for a matrix given as CSR */
};

/* Wraps the CSR of a Pauli sum in the full space (n_up = -1) or a sector. */
qb_status qb_api_op_from_sum(const qb_pauli_sum *S, int n_up, qb_api_op **out, qb_err *err);

#endif
