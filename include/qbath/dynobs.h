/* qbath/dynobs.h — observables of evolving states, measured on the fly (never storing the
 * trajectory): survival amplitude, expectation values, two-time correlations, and
 * infinite-temperature / energy-resolved correlations by random-state typicality.
 *
 * Conventions (hbar = 1): A(t) = e^{iHt} A e^{-iHt}. For a state psi,
 *   C(t) = <psi|A(t) B|psi> = <psi(t)| A |phi(t)>,  psi(t) = e^{-iHt} psi, phi(t) = e^{-iHt} B psi,
 * so two states are evolved together (qb_prop_run keeps them at equal times).
 * Typicality (Bartsch & Gemmer, PRL 102, 110403 (2009); Heitmann et al., Z. Naturforsch.
 * A 75, 421 (2020)): for |r> with i.i.d. complex Gaussian entries, normalized,
 *   Tr[A(t) B]/D = E[<r|A(t) B|r>], statistical error ~ 1/sqrt(D * samples),
 * reported as the standard error of the mean over the samples. Energy resolution: the
 * random vector is filtered, |r_E> = f(H)|r> with f(E') = exp(-(E' - E)^2 / (2 sigma^2)),
 * a Chebyshev expansion of the Gaussian on the spectral bounds; then
 *   C_E(t) = E[<r_E|A(t) B|r_E>] / E[<r_E|r_E>]
 * is the correlation in the ensemble rho ~ f(H)^2 (a Gaussian energy window of std
 * sigma/sqrt 2 around E), a ratio of means whose error is propagated to first order.
 *
 * Memory: qb_dynobs_corr_state holds 2 evolved states + 1 work vector besides the propagator's
 * own work vectors (Chebyshev: 2 per state). */
#ifndef QBATH_DYNOBS_H
#define QBATH_DYNOBS_H

#include <stdint.h>

#include "qbath/prop.h"
#include "qbath/rng.h"

/* <a|b> over n entries (reproducible on any thread count). */
qb_cplx qb_dynobs_overlap(qb_idx n, const qb_cplx *a, const qb_cplx *b);

/* <psi|O|psi> (real part; O Hermitian); work holds n entries. */
qb_status qb_dynobs_expect(const qb_op *O, const qb_cplx *psi, qb_cplx *work, double *out, qb_err *err);

/* Survival amplitude a(t_j) = <psi0|psi(t_j)> along the output times (psi0 is copied
 * and evolved; psi0 itself is unchanged). P(t) = |a|^2. */
qb_status qb_dynobs_survival(qb_prop *P, const qb_cplx *psi0, const double *times, size_t nt,
                      qb_cplx *amp, qb_err *err);

/* <psi(t_j)|O_k|psi(t_j)> for nops operators: out[j * nops + k]. */
qb_status qb_dynobs_expect_run(qb_prop *P, int nops, const qb_op *const *O, const qb_cplx *psi0,
                        const double *times, size_t nt, double *out, qb_err *err);

/* C(t_j) = <psi|A(t_j) B|psi>; B NULL means B = A. */
qb_status qb_dynobs_corr_state(qb_prop *P, const qb_op *A, const qb_op *B, const qb_cplx *psi,
                        const double *times, size_t nt, qb_cplx *C, qb_err *err);

/* Energy filter psi <- f(H) psi, f(E') = exp(-(E' - E)^2 / (2 sigma^2)), by a Chebyshev
 * series on H's bounds truncated where the coefficients' tail drops below tol; w1, w2
 * are work vectors of n entries. *matvecs (may be NULL) is incremented. */
qb_status qb_dynobs_energy_filter(qb_op *H, double E, double sigma, double tol, qb_cplx *psi,
                           qb_cplx *w1, qb_cplx *w2, long *matvecs, qb_err *err);

/* What a typicality run averages over. */
typedef struct qb_dynobs_typical_params {
  int samples;          /* random vectors (default 8) */
  uint64_t seed;        /* Philox stream (seed, point, realization, purpose) ... */
  uint64_t point, realization;
  int filter;           /* 1: energy filter at energy with width sigma (default 0) */
  double energy;        /* filter centre E */
  double sigma;         /* filter width */
  double filter_tol;    /* truncation of the filter's series (default 1e-12) */
} qb_dynobs_typical_params;

qb_dynobs_typical_params qb_dynobs_typical_defaults(void);

/* Infinite-temperature (or energy-filtered) C(t_j) = Tr[A(t_j) B]/D by typicality: mean
 * and its standard error per time (err_re, err_im of the real and imaginary parts; either
 * may be NULL). B NULL means B = A. */
qb_status qb_dynobs_corr_typical(qb_prop *P, const qb_op *A, const qb_op *B, const double *times,
                          size_t nt, const qb_dynobs_typical_params *tp, qb_cplx *C, double *err_re,
                          double *err_im, qb_err *err);

/* Fills a normalized random state (complex Gaussian entries) from Philox stream r,
 * addressed by entry: the same on any thread count. */
void qb_dynobs_random_state(const qb_rng *r, qb_idx n, qb_cplx *psi);

#endif
