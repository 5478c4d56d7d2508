/* fft_convolve.h — private: FFTW linear convolutions on a uniform frequency grid for the IPT
 * solver (the second-order self-energy and the Kramers-Kronig transform).
 *
 * The grid has n points (n odd), w_i = (i - c) h with c = (n - 1)/2. One plan pair (r2c and
 * c2r of a length L >= 2n - 1) is made at creation and reused for every transform: linear
 * convolutions have support [0, 3n - 3], and only the window [n - 1, 2n - 2] is read, which
 * circular aliasing cannot reach when L >= 2n - 1. The plans come from qbath/fft.h
 * (QB_FFT_R2C / QB_FFT_C2R: any alignment, so the arrays come from qb_malloc), which
 * plans under FFTW's planner lock.
 * An object holds work arrays, so one object serves one thread at a time. */
#ifndef QBATH_THEORY_FFT_CONVOLVE_H
#define QBATH_THEORY_FFT_CONVOLVE_H

#include "qbath/err.h"
#include "qbath/types.h"

typedef struct qb_fftconv qb_fftconv;

/* Plans for grids of n points (n odd, n >= 3). *out = NULL on failure. */
qb_status qb_fft_convolve_create(qb_idx n, qb_fftconv **out, qb_err *err);
/* Destroys plans and work arrays; NULL-safe; returns NULL. */
qb_fftconv *qb_fft_convolve_free(qb_fftconv *c);
/* Grid points the object was made for. */
qb_idx qb_fft_convolve_n(const qb_fftconv *c);

/* Particle-particle-hole triple convolution of the IPT self-energy:
 *   out_i = h^2 sum_{j+k-l=i} [ a_j a_k b_l + b_j b_k a_l ],
 * the discretization of int de1 de2 [a(e1) a(e2) b(e1+e2-w) + b(e1) b(e2) a(e1+e2-w)].
 * Points outside the grid count as zero. a, b, out: n doubles (out may not alias). */
void qb_fft_convolve_pph(qb_fftconv *c, const double *a, const double *b, double h, double *out);

/* Kramers-Kronig: for the piecewise-linear interpolant y(w) of y_j on the grid (zero
 * outside), out_i = (1/pi) P int y(w') / (w' - w_i) dw' ... exactly; so that for a causal
 * F with Im F = y, Re F(w_i) = -(1/pi) P int y(w')/(w_i - w') dw' = out_i. Independent of h.
 * y, out: n doubles (out may alias y). */
void qb_fft_convolve_kk(qb_fftconv *c, const double *y, double *out);

#endif
