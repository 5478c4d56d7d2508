/* eigs_internal.h — helpers of eigs.c, eigs_arpack.c and filter.c, defined in eigs_result.c,
 * and the two shift-invert engines (eigs_arpack.c, eigs_block.c) (not public API). */
#ifndef QBATH_SOLVE_EIGS_INTERNAL_H
#define QBATH_SOLVE_EIGS_INTERNAL_H

#include "qbath/eigs.h"

double qb_eigs_now(void);
qb_status qb_eigs_result_alloc(qb_idx dim, qb_idx nev, qb_dtype dtype, int vectors,
                               qb_eigs_result **out, qb_err *err);
/* First index of the nev consecutive values of ascending w[n] nearest sigma. */
qb_idx qb_eigs_window(const double *w, qb_idx n, qb_idx nev, double sigma);
/* Sort, phase convention, residuals and orthogonality of a filled result. */
qb_status qb_eigs_finish(const qb_csr *A, qb_eigs_result *r, qb_err *err);
/* The same for an operator (the filter path, which needs no CSR form). */
qb_status qb_eigs_finish_op(const qb_op *H, qb_eigs_result *r, qb_err *err);
/* ARPACK mode 3 on (A - sigma)^{-1} (eigs_arpack.c). */
qb_status qb_eigs_shift_invert(const qb_csr *A, const qb_eigs_opts *o, qb_factor **cache,
                               qb_eigs_result **out, qb_err *err);
/* Block Krylov-Schur on (H - sigma)^{-1} with F's numeric factor of H - r->sigma (real
 * symmetric; eigs_block.c): fills r->E (unsorted), r->V, r->iterations (restarts) and
 * r->nsolves. */
qb_status qb_eigs_block_iterate(qb_factor *F, const qb_eigs_opts *o, qb_eigs_result *r,
                                qb_err *err);
/* The basis size it uses for o: ncv (default max(3 nev, nev + 40)) rounded up to whole
 * blocks, at least nev + 2 blocks. */
qb_idx qb_eigs_block_ncv(const qb_eigs_opts *o);

#endif
