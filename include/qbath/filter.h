/* qbath/filter.h — interior eigenpairs by a polynomial spectral filter (no factorization).
 *
 * The method of POLFED (Sierant, Lewenstein & Zakrzewski, PRL 125, 156601 (2020)), in our
 * own design: the spectrum of H is mapped into [-1, 1] by its Lanczos bounds [a, b]
 * (x = (E - c)/h, c = (a + b)/2, h = (b - a)/2), and a polynomial p of degree K,
 *     p(x) = sum_{k=0}^{K} (2 - delta_k0) g_k T_k(x0) T_k(x) / N,
 * the Chebyshev expansion of delta(x - x0) damped by the Jackson kernel g_k (Weisse et al.
 * 2006 Eq. (71)) and normalized to p(x0) = 1, maps the target x0 = (sigma - c)/h to the
 * top of p's spectrum: p >= 0 everywhere, a peak of width ~ pi sqrt(1 - x0^2)/K around x0
 * (Weisse et al. 2006 Eq. (73)), ~0 elsewhere. p(H) is applied through qb_op_apply_fused
 * only (the three-term recurrence, K matvecs), so any operator works: CSR, Kronecker,
 * matrix-free.
 *
 * The largest eigenvalues of p(H) belong to the eigenvectors of H nearest sigma. A block
 * Lanczos on p(H) with full (twice classical Gram-Schmidt) reorthogonalization and thick
 * restart (Krylov-Schur form: the projected matrix is kept dense) converges them; the
 * Rayleigh-Ritz on H within the converged space gives the pairs, and every returned pair's
 * residual ||H x - E x|| is measured. The nev pairs nearest sigma are returned once every
 * eigenvalue of H within their window is certain to be in the converged space: with tau
 * the smallest converged eigenvalue of p(H), min p over [sigma - d, sigma + d] > tau, d the
 * distance of the nev-th nearest pair. (As for any Krylov method, "certain" assumes the
 * start block is not orthogonal to an eigenvector: random, from the seed.)
 *
 * Degree rule. With rho(sigma) the density of states at sigma (a KPM estimate, Weisse et
 * al. 2006 Sec. II, from a few random vectors), the nev states nearest sigma span
 * 2 d = nev / rho. The filter's width in energy, s = pi h sqrt(1 - x0^2)/K, is set to
 * `width` times d, so that p(sigma +- d) ~ exp(-1/(2 width^2)) (0.61 at width 1):
 *     K = ceil(2 pi sqrt(1 - x0^2) h rho(sigma) / (width nev))
 *       = pi sqrt(1 - x0^2) (b - a) / (width nev mean_spacing(sigma)),
 * clipped to [min_degree, max_degree]. A wider filter (larger `width`) costs fewer matvecs
 * per step and more Lanczos steps; the product is nearly constant for width >~ 1.
 *
 * Memory (what qb_filter_bytes estimates): the Lanczos basis of ncv + block vectors, the
 * recurrence's 3 vectors and the nev result vectors, dim doubles each; K costs time only.
 *
 * Reproducibility: the start block is drawn from qb_rng with the seed; reductions use the
 * fixed-block qb_vec_* (qbath/vec.h); the small dense eigenproblems run in LAPACK on one
 * thread's data. The result is bitwise the same on any thread count.
 *
 * Real symmetric operators only (real vectors); a complex Hermitian operator is
 * QB_ERR_UNSUPPORTED (use shift-invert). */
#ifndef QBATH_FILTER_H
#define QBATH_FILTER_H

#include "qbath/bounds.h"
#include "qbath/eigs.h"
#include "qbath/op.h"

typedef struct qb_filter_opts {
  double width;        /* filter width over the nev window's half-width (default 1) */
  int degree;          /* K; 0: the degree rule above (default 0) */
  int min_degree;      /* lower clip of the rule (default 16) */
  int max_degree;      /* upper clip of the rule (default 200000) */
  int block;           /* block size of the Lanczos (default 2: a pair of eigenvalues with
                          equal p, one on each side of sigma, is found in one step) */
  int dos_vectors;     /* random vectors of the KPM density estimate (default 4) */
  int dos_moments;     /* Chebyshev moments of that estimate (default 64) */
  double resid_tol;    /* every returned pair: ||H x - E x|| <= resid_tol ||H||, ||H|| =
                          max(|a|, |b|) (default 1e-9) */
  qb_bounds_params bounds; /* the Lanczos bounds of H (qbath/bounds.h defaults) */
} qb_filter_opts;

/* The documented defaults. */
void qb_filter_defaults(qb_filter_opts *f);

/* What a run did (for reports, benchmarks and tests). */
typedef struct qb_filter_info {
  int degree;          /* K used */
  double dos;          /* the density-of-states estimate rho(sigma) (states per energy) */
  double a, b;         /* the enclosure [a, b] the polynomial maps to [-1, 1] */
  qb_idx ncv;          /* Lanczos basis size */
  qb_idx want;         /* eigenvalues of p(H) converged at the end */
  long filter_applies; /* applications of p(H) (Lanczos steps times the block, summed) */
  long matvecs;        /* applications of H in all: bounds, DOS, filter, Rayleigh-Ritz */
  int restarts;        /* thick restarts */
  double tau;          /* smallest converged eigenvalue of p(H) */
  double bytes;        /* the memory estimate of this run (qb_filter_bytes) */
  double t_dos, t_lanczos, t_ritz; /* seconds */
} qb_filter_info;

/* The nev eigenpairs of the real symmetric operator H nearest the target of o (nev,
 * target / target_is_density, have_bounds/emin/emax, ncv, tol, maxiter, want_vectors,
 * seed are read; the factor fields are not). f NULL: defaults; info may be NULL.
 * For a density target without o->have_bounds the extremal eigenvalues come from a
 * converged Lanczos (qbath/bounds.h Ritz values). o->tol is the relative residual at which
 * a Ritz pair of p(H) counts as converged (floor: 10 K machine epsilons); o->maxiter bounds
 * the restarts; o->ncv (0: max(3 nev, nev + 40) rounded to the block) the basis.
 * H's bounds cache is filled. The result is that of qbath/eigs.h (method QB_EIGS_FILTER,
 * iterations = restarts, nsolves = applications of p(H)). QB_NOT_CONVERGED when the pairs
 * are not certain within maxiter restarts or the basis; QB_ERR_NUMERIC when a returned pair
 * misses resid_tol. */
qb_status qb_filter_eigs(qb_op *H, const qb_eigs_opts *o, const qb_filter_opts *f,
                         qb_eigs_result **out, qb_filter_info *info, qb_err *err);

/* Lanczos basis size for nev pairs with options o and f (o->ncv, or the default above). */
qb_idx qb_filter_ncv(const qb_eigs_opts *o, const qb_filter_opts *f);

/* Bytes a run needs beside the operator: (ncv + 2 block + 4 + nev) dim doubles plus the
 * projected matrices; with vectors the result's nev vectors are included. */
double qb_filter_bytes(double dim, const qb_eigs_opts *o, const qb_filter_opts *f);

#endif
