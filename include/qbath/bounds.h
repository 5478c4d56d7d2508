/* qbath/bounds.h — spectral bounds of a Hermitian operator: [emin, emax] around its spectrum.
 *
 * Chebyshev expansions (propagator, KPM, energy filter) map the spectrum into [-1, 1] and
 * diverge exponentially when an eigenvalue lies outside the bounds, so the bounds must
 * contain the spectrum while staying tight (the Chebyshev order grows with the width).
 *
 * QB_BOUNDS_LANCZOS (default): m steps of memory-lean Lanczos (two vectors, no
 * reorthogonalization) from a random start vector; the extremal Ritz values theta_1 and
 * theta_m are widened by their residual norms r = beta_m |s_{m,k}| (an eigenvalue lies
 * within r of each Ritz value; Parlett, "The Symmetric Eigenvalue Problem", Thm 11.5.1)
 * and by a relative safety margin (a fraction of theta_m - theta_1). For a random start
 * vector the extremal Ritz values converge to the extremal eigenvalues first, so this
 * encloses the spectrum in practice (Zhou & Saad, "Bounding the spectrum of large
 * Hermitian matrices", 2011); it is not a proof. Where the operator is CSR, the bounds are
 * clipped by the Gershgorin discs, which are a proof.
 * The Lanczos stops as soon as the residuals have shrunk below `converge` times the Ritz
 * width (checked at every step from QB_BOUNDS_MIN_STEPS on): a wider enclosure costs the
 * Chebyshev propagator that fraction more matvecs, while each further step costs one
 * (measured: 60 steps were 36% of the matvecs of an L = 24 chain to t = 20).
 * QB_BOUNDS_GERSHGORIN: the Gershgorin discs only (a guaranteed but wider enclosure;
 * CSR operators only).
 * A Chebyshev propagator that meets a violated bound notices (the norm runs away) and
 * reports an error instead of a wrong state.
 *
 * The result is cached in the operator (H->have_bounds, emin, emax); qb_bounds_op
 * returns the cache when present. Results are bitwise reproducible on any thread count. */
#ifndef QBATH_BOUNDS_H
#define QBATH_BOUNDS_H

#include <stdint.h>

#include "qbath/op.h"

typedef enum { QB_BOUNDS_LANCZOS = 0, QB_BOUNDS_GERSHGORIN = 1 } qb_bounds_method;

/* Fewest Lanczos steps before the convergence test may stop the run: earlier, the
 * extremal Ritz values can look converged while an outer eigenvalue is still unseen. */
#define QB_BOUNDS_MIN_STEPS 12

typedef struct qb_bounds_params {
  qb_bounds_method method; /* default QB_BOUNDS_LANCZOS */
  int steps;               /* most Lanczos steps m (default 60; fewer if the space is
                              smaller or the bounds converge first) */
  double margin;           /* extra relative margin on each side, fraction of the Ritz
                              width (default 0.002) */
  uint64_t seed;           /* Philox seed of the random start vector (default 1) */
  double converge;         /* stop early once the residual widening res_min + res_max is
                              at most converge * (Ritz width), i.e. the bounds are within
                              that fraction of the converged Ritz values (default 2e-5,
                              1% of the margin: the extreme Ritz values must have
                              converged, not only come within their residual of some
                              eigenvalue; 0.02 and 0.002 both stopped while an outer
                              eigenvalue lay beyond the bounds; 0: always take `steps`) */
} qb_bounds_params;

/* What the Lanczos run found (for reports and tests). */
typedef struct qb_bounds_info {
  double ritz_min, ritz_max; /* extremal Ritz values */
  double res_min, res_max;   /* their residual norms */
  double gersh_min, gersh_max; /* Gershgorin enclosure (NaN when H is not CSR) */
  int steps;                 /* Lanczos steps taken (= matvecs) */
} qb_bounds_info;

/* The documented defaults. */
qb_bounds_params qb_bounds_defaults(void);

/* Computes [emin, emax] (params NULL: defaults), stores it in H's cache and returns it in
 * *emin / *emax (either may be NULL); info may be NULL. Always recomputes. */
qb_status qb_bounds_compute(qb_op *H, const qb_bounds_params *params, double *emin,
                            double *emax, qb_bounds_info *info, qb_err *err);

/* The cached bounds if H has them, else qb_bounds_compute. */
qb_status qb_bounds_op(qb_op *H, const qb_bounds_params *params, double *emin, double *emax,
                       qb_err *err);

/* Gershgorin enclosure of a Hermitian CSR matrix: min_i (A_ii - sum_{j!=i} |A_ij|) and
 * max_i (A_ii + sum_{j!=i} |A_ij|). */
qb_status qb_bounds_gershgorin(const qb_csr *A, double *lo, double *hi, qb_err *err);

#endif
