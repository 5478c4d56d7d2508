/* qbath/ipt.h — the Hubbard bubble coupled to an Anderson insulator at large N (Potirniche
 * et al. 2019, Sec. IV): the saddle point Eqs. (16a)-(16b) with the impurity solved by
 * iterated perturbation theory at half filling (Potirniche et al. 2019 Eqs. (17)-(19)) on the real-frequency axis.
 *
 * Equations (retarded functions of w + i0; units of the hopping t):
 *   LIOM:       G_a(w) = 1 / (w + eps_a + i eta - V_a^2 sqrt(N) G(w))         [Potirniche et al. 2019 Eq. (14)]
 *   bath:       Delta(w) = t^2 G(w) + N^{-1/2} sum_a V_a^2 G_a(w)             [Potirniche et al. 2019 Eq. (16b)]
 *   Weiss:      G0(w) = 1 / (w - Delta(w))                                    [Potirniche et al. 2019 Eq. (17)]
 *   IPT:        Im S2(w) = -pi U^2 int de1 de2 [a(e1) a(e2) b(e1+e2-w) + b b a],
 *               a = rho0 f, b = rho0 (1 - f), rho0 = -Im G0/pi, f the Fermi function
 *               at temperature T; Re S2 by Kramers-Kronig                    [Potirniche et al. 2019 Eq. (19)]
 *   impurity:   G(w) = 1 / (w - Delta(w) - S2(w))                            [Potirniche et al. 2019 Eqs. (16a), (17)]
 * Iteration: G -> G_new, G_new solving the last line with t^2 G_new in Delta (see
 * newton_steps), then G += mix (G_new - G) until max |G_new - G| < tol.
 * At half filling the Hartree shift U/2 of Potirniche et al. 2019 Eq. (18) cancels the chemical potential U/2,
 * so neither appears. The Bose factor of the usual "bubble" form of S2 is eliminated
 * exactly: n_B(v)[f(e) - f(e+v)] = f(e+v)[1 - f(e)], which leaves products of Fermi
 * factors and avoids the 0/0 at v = 0.
 *
 * Frequency grid: n points (odd) w_i = (i - c) h on [-wmax, wmax], c = (n-1)/2,
 * h = wmax/c. Integrals are trapezoidal; the self-energy's triple integral and the
 * Kramers-Kronig transform are FFT convolutions (piecewise-linear interpolants, so the
 * Kramers-Kronig pair is exact for the interpolant). Spectral weight outside [-wmax, wmax]
 * is dropped: wmax must cover the tails (checked by the sum rule, qb_ipt_info.sum_rule).
 * eta broadens the LIOM poles (the i0 of Potirniche et al. 2019 Eq. (14)); it must exceed a few h for the poles
 * to be resolved on the grid, and it is the only place a broadening enters.
 *
 * Geometry (2D concentric circles): circle k = 1, 2, ... holds k LIOMs at radius
 * r = r0 (k - 1), r0 = 1/sqrt(2 pi n_L), so M LIOMs fill a disc of area ~ M/n_L;
 * V_a^2 = (V/xi)^2 exp(-r_a/xi). */
#ifndef QBATH_IPT_H
#define QBATH_IPT_H

#include "qbath/err.h"
#include "qbath/types.h"

typedef struct qb_ipt qb_ipt;

typedef struct qb_ipt_params {
  double t;        /* bubble hopping: semicircle of half-width 2t at U = 0, M = 0 */
  double U;        /* Hubbard interaction (0: the exact non-interacting saddle point) */
  double T;        /* temperature (>= 0) */
  double N;        /* bubble sites (enters as sqrt(N)) */
  double eta;      /* LIOM pole broadening (>= 0) */
  double mix;      /* weight of the new iterate in linear mixing, in (0, 1] */
  double tol;      /* convergence: max_i |G_new(w_i) - G_old(w_i)| < tol */
  int max_iter;    /* iterations before QB_NOT_CONVERGED */
  int newton_steps; /* 0: each iteration solves G = 1/(w - t^2 G - Lambda - S2) exactly
                       (a quadratic: the semicircle at complex argument) with the LIOM part
                       Lambda and S2 from the previous iterate; plain iteration of the t^2 G
                       term would be neutral at the band edges and never settle there.
                       > 0: Lambda(G) is included too, by Newton with at most this many
                       steps per frequency (U = 0 then needs one iteration; slower per
                       iteration by that many LIOM sums). */
  int nthreads;    /* OpenMP threads for the LIOM sum (any count gives the same bits) */
} qb_ipt_params;

/* Defaults: t = 1, U = 2, T = 2, N = 30, eta = 0.02, mix = 0.5, tol = 1e-10,
 * max_iter = 2000, newton_steps = 0, nthreads = 1. */
qb_ipt_params qb_ipt_defaults(void);

typedef struct qb_ipt_info {
  int iterations;  /* iterations done */
  double residual; /* last max |G_new - G_old| */
  double sum_rule; /* trapezoid integral of rho = -Im G/pi over the grid */
  double filling;  /* trapezoid integral of rho f */
} qb_ipt_info;

/* Solver for a grid of n points (odd, >= 5) on [-wmax, wmax]: the grid, FFT plans (made
 * once here) and work arrays. One solver serves one thread at a time. */
qb_status qb_ipt_create(qb_idx n, double wmax, qb_ipt **out, qb_err *err);
qb_ipt *qb_ipt_free(qb_ipt *s);
qb_idx qb_ipt_n(const qb_ipt *s);
/* The grid w_i (n doubles, owned by s). */
const double *qb_ipt_omega(const qb_ipt *s);
/* Grid spacing h. */
double qb_ipt_step(const qb_ipt *s);

/* Solves the saddle point for M LIOMs with energies eps[M] and couplings V2[M] (= V_a^2).
 * G (n complex) is the initial guess when warm != 0 (e.g. the solution at a smaller M),
 * otherwise the semicircle is used; on return it holds the last iterate. Returns
 * QB_NOT_CONVERGED (G and info filled) when max_iter is reached. */
qb_status qb_ipt_solve(qb_ipt *s, const qb_ipt_params *p, qb_idx M, const double *eps,
                       const double *V2, qb_cplx *G, int warm, qb_ipt_info *info, qb_err *err);

/* G_a(w_i) of one LIOM (Potirniche et al. 2019 Eq. (14)) given the bubble G: n complex into Ga. */
void qb_ipt_liom_green(const qb_ipt *s, const qb_ipt_params *p, double eps_a, double V2_a,
                       const qb_cplx *G, qb_cplx *Ga);

/* The second-order self-energy S2(w_i) of the Weiss function G0 (n complex each) at
 * interaction U and temperature T (Potirniche et al. 2019 Eq. (19)). */
void qb_ipt_sigma2(qb_ipt *s, double U, double T, const qb_cplx *G0, qb_cplx *S2);

/* Trapezoid integral of f (n doubles) over the grid. */
double qb_ipt_integrate(const qb_ipt *s, const double *f);

/* The semicircle G(z) = (z - sqrt(z^2 - 4t^2))/(2t^2) on the branch with Im G < 0 for
 * Im z >= 0 (z = w + i0: real w allowed). */
qb_cplx qb_ipt_semicircle(double t, qb_cplx z);

/* Concentric geometry: r[a] and V2[a] for a = 0..M-1 (either may be NULL). */
void qb_ipt_geometry(qb_idx M, double n_L, double xi, double V, double *r, double *V2);

#endif
