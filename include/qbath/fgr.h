/* qbath/fgr.h — closed forms of the FGR paper (Micklitz, Morningstar, Altland, Huse,
 * "Emergence of Fermi's Golden Rule", PRL 129, 140402 (2022); equation numbers of the
 * preprint with supplement).
 *
 * Conventions (the level-dot model, Micklitz et al. 2022 Eq. (1)): a level at the band centre coupled with
 * <|W_k|^2> = g lambda^2 / N to an N-level dot of central density nu = N / (pi lambda);
 * gamma = g N; time tau = t / (2 pi nu) (the Heisenberg time is tau = 1). All functions
 * here are of gamma and tau only (the N -> infinity limit at fixed gamma).
 *
 *   qb_fgr_pres_eq4(g)     P_res = 1 - g - sqrt(pi g) (1/2 - g) e^g erfc(sqrt g)  (Micklitz et al. 2022 Eq. 4)
 *   qb_fgr_pres_eq21(g)    P_res = int_0^inf dt e^{-g t} (1 + t/4) / (1 + t)^{5/2} (Micklitz et al. 2022 Eq. 21)
 *   qb_fgr_P_eq5(g, tau)   the Bessel double integral of Micklitz et al. 2022 Eq. (5)
 *   qb_fgr_P_large_gamma   e^{-4 g tau} + (1 + tau) Theta(1 - tau) / (2 g) + Theta(tau - 1) / g
 *   qb_fgr_form_factor     K_X(tau) of Micklitz et al. 2022 Eqs. (27)-(29), unit normalized
 *   qb_fgr_P_eq6           e^{-4 g tau} + (a_X + b_X K_X) / (2 g), Micklitz et al. 2022 Eq. (6) (GSE: see below)
 *   qb_fgr_golden_rule     the FGR value P_res = 1 / gamma
 *
 * Everything is pure and thread-safe (no state besides the arguments); the numerical
 * tools they need are qbath/quad.h. */
#ifndef QBATH_FGR_H
#define QBATH_FGR_H

#include "qbath/err.h"
#include "qbath/quad.h"

/* Symmetry classes of Micklitz et al. 2022 Eq. (6): U (GUE), O (GOE), S (GSE). */
typedef enum { QB_FGR_U = 0, QB_FGR_O = 1, QB_FGR_S = 2 } qb_fgr_class;

/* Micklitz et al. 2022 Eq. (4); gamma >= 0. Relative rounding error ~ gamma^2 eps (cancellation of O(gamma)
 * terms to 1/gamma), so above gamma = 1e3 prefer qb_fgr_pres_eq21. */
double qb_fgr_pres_eq4(double gamma);

/* Micklitz et al. 2022 Eq. (21) by quadrature (substitution t = s / gamma, s in [0, inf) mapped to [0, 1)). */
qb_status qb_fgr_pres_eq21(double gamma, const qb_quad_params *p, double *out, qb_err *err);

/* Micklitz et al. 2022 Eq. (5) for gamma > 0, tau >= 0. Substitutions lambda_f = 1 - u^2, lambda_b = 1 + s^2
 * remove the square-root endpoint behaviour of mu_b and make the 1/(lambda_b - lambda_f)
 * corner singularity bounded (2 u 2 s / (u^2 + s^2) <= 2); e^{-2 gamma x lambda_b} I_k(z_b)
 * is evaluated as e^{-2 gamma x / (lambda_b + mu_b)} e^{-z_b} I_k(z_b), never overflowing.
 * Nested adaptive quadrature with p (NULL: defaults). */
qb_status qb_fgr_P_eq5(double gamma, double tau, const qb_quad_params *p, double *out,
                       qb_err *err);

/* The large-gamma approximation stated after Micklitz et al. 2022 Eq. (5) (Eq. (22) plus the decay). */
double qb_fgr_P_large_gamma(double gamma, double tau);

/* Unit-normalized spectral form factors, Micklitz et al. 2022 Eqs. (27)-(29). */
double qb_fgr_form_factor(qb_fgr_class X, double tau);

/* The form factor on the time axis of the level-dot model, tau = t / (2 pi nu) with nu the
 * density of *states*: K_X(tau) for U and O; for S each Kramers level is doubly degenerate,
 * so the unit-normalized form factor of the degenerate spectrum is K_S(2 tau) (Micklitz et al. 2022 Eq. (29) is
 * in units of the Kramers-level Heisenberg time 2 pi nu / 2). Saturates at tau = 1. */
double qb_fgr_form_factor_states(qb_fgr_class X, double tau);

/* a_X = (1, 2, 1), b_X = (1, 1, 2) (text after Micklitz et al. 2022 Eq. (6)). */
double qb_fgr_a(qb_fgr_class X);
double qb_fgr_b(qb_fgr_class X);

/* Micklitz et al. 2022 Eq. (6): e^{-4 gamma tau} + (a_X + b_X K) / (2 gamma) with K = qb_fgr_form_factor_states
 * (for S the argument 2 tau; P_pl / P_off = (a + b) / a = 2, 3/2, 3 either way). */
double qb_fgr_P_eq6(qb_fgr_class X, double gamma, double tau);

/* The Golden-Rule residence probability 1 / gamma. */
double qb_fgr_golden_rule(double gamma);

#endif
