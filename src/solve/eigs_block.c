/* eigs_block.c — shift-invert of a real symmetric H by block Krylov-Schur (qbath/eigs.h):
 * Lanczos in blocks of b vectors on OP = (H - sigma)^{-1}, thick restart when the basis is
 * full (the Krylov-Schur machinery of filter_krylov.c, on OP instead of p(H)). The b solves
 * of a block share one pass over the factor (qb_factor_solve_block: MUMPS reads each front
 * once for all b right-hand sides, BLAS-3), and the block's images are projected out of the
 * basis by GEMMs; ARPACK instead solves one vector at a time and reads the whole factor per
 * solve (measured at L = 18: 60-67% of the time in 128 single-vector solves at ~6 GB/s,
 * issue 21). The nev Ritz values of OP of largest |theta| are the eigenvalues
 * E = sigma + 1/theta nearest sigma; a pair counts as converged as in ARPACK, when its
 * Ritz residual is at most tol |theta|. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "solve/eigs_internal.h"
#include "solve/filter_internal.h"

/* The RNG seed offset of the start block (keeps it apart from ARPACK's start vector). */
#define QB_EIGS_BLOCK_SEED 0xB10Cull

/* The default basis is larger than ARPACK's 2 nev + 1: a block Krylov space of the same
 * dimension holds polynomials of a b times lower degree, so it converges more slowly per
 * vector; measured at L = 14 (nev = 50, b = 8, the solves to convergence) ncv 104: 352
 * solves in 8 restarts, 160: 272 in 2, 240: 264 in 1; at L = 18 ncv 160: 264 solves. */
qb_idx qb_eigs_block_ncv(const qb_eigs_opts *o) {
  const qb_idx b = o->block, nev = o->nev;
  qb_idx ncv = o->ncv > 0 ? o->ncv : (3 * nev > nev + 40 ? 3 * nev : nev + 40);
  if (ncv < nev + 2 * b) ncv = nev + 2 * b; /* room for the wanted values and a new block */
  return (ncv + b - 1) / b * b;
}

static qb_status apply_inverse(void *ctx, const double *X, double *Y, qb_idx b, qb_err *err) {
  return qb_factor_solve_block(ctx, X, Y, b, err);
}

/* Reorders the Ritz pairs of L by |theta| descending (the eigenvalues nearest sigma first;
 * ties keep their order): theta, res and the columns of S. */
static qb_status order_by_magnitude(qb_filter_krylov *L, qb_err *err) {
  const qb_idx j = L->j;
  qb_idx *p = qb_malloc((size_t)j * sizeof *p);
  double *t = qb_malloc((size_t)(2 * j + j * j) * sizeof *t);
  if (!p || !t) {
    qb_free(p); qb_free(t);
    return QB_FAIL(err, QB_ERR_NOMEM, "eigs block: Ritz order of %ld", (long)j);
  }
  for (qb_idx q = 0; q < j; q++) { /* insertion sort: j is at most a few hundred */
    qb_idx i = q;
    for (; i > 0 && fabs(L->theta[p[i - 1]]) < fabs(L->theta[q]); i--) p[i] = p[i - 1];
    p[i] = q;
  }
  memcpy(t, L->theta, (size_t)j * sizeof *t);
  memcpy(t + j, L->res, (size_t)j * sizeof *t);
  memcpy(t + 2 * j, L->S, (size_t)(j * j) * sizeof *t);
  for (qb_idx q = 0; q < j; q++) {
    L->theta[q] = t[p[q]];
    L->res[q] = t[j + p[q]];
    for (qb_idx r = 0; r < j; r++) L->S[r * j + q] = t[2 * j + r * j + p[q]];
  }
  qb_free(p);
  qb_free(t);
  return QB_OK;
}

/* 1 when the nev leading Ritz pairs have residuals at most tol |theta| (ARPACK's test). */
static int converged(const qb_filter_krylov *L, qb_idx nev, double tol) {
  for (qb_idx q = 0; q < nev; q++)
    if (!(L->res[q] <= tol * fabs(L->theta[q]))) return 0;
  return 1;
}

/* The Lanczos loop: a block at a time, the Ritz values tested after every block once the
 * basis holds nev + b vectors (the j x j eigenproblem costs far less than b solves), a thick
 * restart keeping the nev wanted values and half the rest (whole blocks) when it is full. */
static qb_status iterate(qb_factor *F, const qb_eigs_opts *o, qb_filter_krylov *L,
                         qb_eigs_result *r, qb_err *err) {
  const qb_idx b = L->b, ncv = L->ncv, nev = o->nev;
  const double tol = o->tol > 0 ? o->tol : DBL_EPSILON;
  long applies = 0;
  QB_TRY(qb_filter_krylov_start(L, o->seed ^ QB_EIGS_BLOCK_SEED, err));
  for (;;) {
    if (L->j == ncv) {
      if (r->iterations >= o->maxiter)
        return QB_FAIL(err, QB_NOT_CONVERGED, "eigs block: %d restarts without convergence "
                       "(ncv = %ld, block %ld); raise maxiter or ncv", o->maxiter, (long)ncv,
                       (long)b);
      QB_TRY(qb_filter_krylov_ritz(L, err));
      QB_TRY(order_by_magnitude(L, err));
      QB_TRY(qb_filter_krylov_restart(L, ncv - (ncv - nev + 2 * b - 1) / (2 * b) * b, err));
      r->iterations++;
    }
    QB_TRY(qb_filter_krylov_step_block(L, apply_inverse, F, o->seed, &applies, err));
    r->nsolves = applies;
    if (L->j < nev + b) continue;
    QB_TRY(qb_filter_krylov_ritz(L, err));
    QB_TRY(order_by_magnitude(L, err));
    if (converged(L, nev, tol)) return QB_OK;
  }
}

qb_status qb_eigs_block_iterate(qb_factor *F, const qb_eigs_opts *o, qb_eigs_result *r,
                                qb_err *err) {
  qb_filter_krylov L;
  const qb_idx ncv = qb_eigs_block_ncv(o);
  QB_TRY(qb_filter_krylov_alloc(F->n, ncv, o->block, &L, err));
  qb_status st = iterate(F, o, &L, r, err);
  if (st == QB_OK) {
    for (qb_idx q = 0; q < o->nev; q++) r->E[q] = r->sigma + 1.0 / L.theta[q];
    if (r->V) st = qb_filter_krylov_rotate(F->n, L.V, L.j, L.S, L.j, o->nev, r->V, err);
  }
  qb_filter_krylov_clear(&L);
  return st;
}
