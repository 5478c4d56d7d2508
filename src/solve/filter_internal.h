/* filter_internal.h — the pieces of the polynomial-filter eigensolver (qbath/filter.h)
 * shared by filter.c (driver), filter_poly.c (the polynomial, its degree, the KPM density
 * of states) and filter_krylov.c (block Lanczos with thick restart on p(H)). Not public. */
#ifndef QBATH_SOLVE_FILTER_INTERNAL_H
#define QBATH_SOLVE_FILTER_INTERNAL_H

#include <stdint.h>

#include "qbath/filter.h"

/* RNG purpose tags (separate the filter's streams from a model's). */
#define QB_FILTER_RNG_START 0xF11E0000ull /* Lanczos start block */
#define QB_FILTER_RNG_DOS 0xF11E1000ull   /* KPM random vectors */

/* p(x) = sum_k coef[k] T_k(x), x = (E - c)/h, normalized to p(x0) = 1. */
typedef struct qb_filter_poly {
  int K;          /* degree */
  double c, h;    /* centre and half-width of the enclosure */
  double x0;      /* the target in x */
  double *coef;   /* size K + 1 */
} qb_filter_poly;

/* The Jackson-damped delta expansion at sigma on [a, b] (a < sigma < b), degree K. */
qb_status qb_filter_poly_make(double a, double b, double sigma, int K, qb_filter_poly *P,
                              qb_err *err);
void qb_filter_poly_clear(qb_filter_poly *P);
/* p at energy E (Clenshaw). */
double qb_filter_poly_eval(const qb_filter_poly *P, double E);
/* y = p(H) v with two work vectors t1, t2 (length dim each); K matvecs. */
qb_status qb_filter_poly_apply(const qb_op *H, const qb_filter_poly *P, const double *v,
                               double *y, double *t1, double *t2, qb_err *err);
/* Density of states (states per unit energy) at sigma from a KPM estimate with R random
 * vectors and M moments on the enclosure [a, b]; adds its matvecs to *matvecs. */
qb_status qb_filter_dos(const qb_op *H, double a, double b, double sigma, int R, int M,
                        uint64_t seed, double *rho, long *matvecs, qb_err *err);
/* The degree rule of qbath/filter.h. */
int qb_filter_degree(const qb_filter_opts *f, double a, double b, double sigma, double rho,
                     qb_idx nev);

/* Block Lanczos on a symmetric operator (p(H)) in Krylov-Schur form. */
typedef struct qb_filter_krylov {
  qb_idx n;        /* vector length */
  qb_idx ncv, b;   /* basis size (a multiple of b) and block size */
  qb_idx cap;      /* columns stored: ncv + b (the pending block) */
  qb_idx j;        /* columns whose images are projected: T[0:j, 0:j] known */
  double *V;       /* n x cap, column q at V + q n */
  double *T;       /* cap x cap row-major: V^T p(H) V and the couplings of the pending block */
  double *theta;   /* size ncv: Ritz values, descending (after qb_filter_krylov_ritz) */
  double *S;       /* ncv x ncv row-major: column q the Ritz vector of theta[q] in the basis */
  double *res;     /* size ncv: residual norms ||p(H) y_q - theta_q y_q|| */
  double *h;       /* size cap: projection coefficients */
} qb_filter_krylov;

qb_status qb_filter_krylov_alloc(qb_idx n, qb_idx ncv, qb_idx b, qb_filter_krylov *L,
                                 qb_err *err);
void qb_filter_krylov_clear(qb_filter_krylov *L);
/* A random orthonormal start block from seed (j = 0). */
qb_status qb_filter_krylov_start(qb_filter_krylov *L, uint64_t seed, qb_err *err);
/* y = A x for the operator the Lanczos runs on. */
typedef qb_status (*qb_filter_apply_fn)(void *ctx, const double *x, double *y, qb_err *err);
/* Extends the basis by one block (j += b <= ncv); counts the applications in *applies. */
qb_status qb_filter_krylov_step(qb_filter_krylov *L, qb_filter_apply_fn A, void *ctx,
                                  uint64_t seed, long *applies, qb_err *err);
/* Y = A X for b columns at once (column-major, leading dimension n; no aliasing). */
typedef qb_status (*qb_filter_apply_block_fn)(void *ctx, const double *X, double *Y, qb_idx b,
                                              qb_err *err);
/* The same step with the block's b images made by one call of A (a factor read once for b
 * solves) and projected out of the basis by matrix products (classical Gram-Schmidt twice
 * as GEMMs, BLAS-3, instead of 4 m passes of BLAS-1 per vector); the bits then follow the
 * BLAS's (OpenBLAS: the same for the same thread count). Counts b applications. */
qb_status qb_filter_krylov_step_block(qb_filter_krylov *L, qb_filter_apply_block_fn A, void *ctx,
                                      uint64_t seed, long *applies, qb_err *err);
/* Ritz values (descending), vectors and residual norms of T[0:j, 0:j]. */
qb_status qb_filter_krylov_ritz(qb_filter_krylov *L, qb_err *err);
/* Keeps the k leading Ritz vectors (V[:, 0:k] becomes them, T[0:k, 0:k] diagonal). */
qb_status qb_filter_krylov_restart(qb_filter_krylov *L, qb_idx k, qb_err *err);
/* out[:, q] = sum_c V[:, c] S[c][q] for q < k, c < m; S row-major with leading dimension
 * lds; out may be V itself (then k <= m). Bitwise the same on any thread count. */
qb_status qb_filter_krylov_rotate(qb_idx n, const double *V, qb_idx m, const double *S,
                                  qb_idx lds, qb_idx k, double *out, qb_err *err);

#endif
