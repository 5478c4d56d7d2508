/* qbath/survival.h — survival probability from a spectral measure.
 *
 * For a state |0> with spectral measure {E_a, w_a} (w_a = |<a|0>|^2 summed over each
 * eigenspace), the amplitude is A(t) = sum_a w_a e^{-i E_a t} and P(t) = |A(t)|^2; its
 * infinite-time average is sum_a w_a^2 (the inverse participation ratio). */
#ifndef QBATH_SURVIVAL_H
#define QBATH_SURVIVAL_H

#include "qbath/types.h"

/* P[j] = |sum_a w[a] e^{-i E[a] t[j]}|^2 for j < nt (threads over j; the sum over a in
 * index order, so the result is the same on any thread count). */
void qb_survival_from_measure(const double *E, const double *w, qb_idx m, const double *t,
                              qb_idx nt, int nthreads, double *P);

/* P[j] = |sum_a w[a] e^{-i E[a] t[j]} + tail_weight phi[j]|^2: a measure with a
 * continuous part of total weight tail_weight whose normalized Fourier transform at t[j] is
 * phi[j] (phi = NULL: none). Same ordering guarantee as above. */
void qb_survival_with_tail(const double *E, const double *w, qb_idx m, double tail_weight,
                           const qb_cplx *phi, const double *t, qb_idx nt, int nthreads, double *P);

/* sum_a w[a]^2. */
double qb_survival_ipr(const double *w, qb_idx m);

/* Mean of P over nt times (the late-time average when the times are late), with the
 * continuous part of qb_survival_with_tail (phi = NULL: none). NAN without memory. */
double qb_survival_time_average(const double *E, const double *w, qb_idx m, double tail_weight,
                                const qb_cplx *phi, const double *t, qb_idx nt, int nthreads);

#endif
