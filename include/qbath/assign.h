/* qbath/assign.h — minimum-cost perfect matching on a sparse bipartite graph (the
 * linear assignment problem), used by the EMFT lattice model to label orbitals by sites.
 * Core, not theory: it is generic combinatorics with no physics in it (src/core/assign.c). */
#ifndef QBATH_ASSIGN_H
#define QBATH_ASSIGN_H

#include "qbath/err.h"
#include "qbath/types.h"

/* Minimum-cost perfect matching of n rows to n columns on a sparse cost matrix in CSC
 * form (colptr[n+1], rowind[nnz], cost[nnz]): successive shortest augmenting paths
 * (Hungarian with potentials, Dijkstra on the sparse graph). On return row_of_col[j] is
 * the row assigned to column j. QB_ERR_NUMERIC when the pattern has no perfect
 * matching. */
qb_status qb_assign_sparse(qb_idx n, const qb_idx *colptr, const qb_idx *rowind,
                           const double *cost, qb_idx *row_of_col, double *total,
                           qb_err *err);

#endif
