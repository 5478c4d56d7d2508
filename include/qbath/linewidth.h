/* qbath/linewidth.h — the typical-linewidth mean-field theory of the nearly localized metal
 * (Gopalakrishnan & Nandkishore 2015, Sec. IV-V and Appendices C-E).
 *
 * Energies are in units of the accessible level spacing delta_m (= 1). A non-trivial
 * linewidth Gamma > 0 solves Gopalakrishnan et al. 2015 Eq. (19) divided by Gamma:
 *   1 = gamma^2 S(Gamma),
 *   S(Gamma) = sum_{n,p=1}^{N} K^{2 m eps} nf(m) / (1 + [Gamma nf(m) K^m]^2),  m = n + p,
 * with K^{2 m eps} = exp(-2m (1/Xi - ln K)), eps = (Xi ln K - 1)/(Xi ln K) (App. E), and
 * nf(m) = n_fast(K^m) of Gopalakrishnan et al. 2015 Eq. (20) written continuously:
 *   nf = max(1, s N ln^d(gamma K^m))   for K^m < 1/Gamma,
 *   nf = max(1, s N ln^d(gamma/Gamma)) for K^m >= 1/Gamma (saturation),
 * so the switch from 1 to s N ln^d sits at N_0 where s N ln^d(gamma K^{N_0}) = 1 (App. E).
 * The trivial solution Gamma = 0 always exists; S decreases with Gamma (for Gamma < gamma/e),
 * so there is at most one non-trivial root, found by bracketing in ln Gamma.
 *
 * Methods:
 *   QB_LW_SUM      the direct double sum over n, p = 1..N (Gopalakrishnan et al. 2015 Eq. (19) + (20); App. E Eq. (E1)
 *                  with the exact count min(m - 1, 2N + 1 - m) of pairs with n + p = m);
 *   QB_LW_SUM_E3   Gopalakrishnan et al. 2015 Eq. (E3) as printed: weights (m - 1), m = 2..2N, nf = s N ln^d(gamma K^m)
 *                  for every m (the paper's Fig. 8);
 *   QB_LW_INTEGRAL the sum as an integral over n, p in [1/2, N + 1/2] (midpoint cells), i.e.
 *                  int_1^{2N+1} w(m) (summand)(m) dm with the tent weight w (Sec. V A);
 * and the saddle point (C5): Gamma = (1/n_c) (gamma sqrt(n_c))^{1/eps}, n_c = s N d^d,
 * valid (C7) for 1/(2 ln K) < eps < 1. */
#ifndef QBATH_LINEWIDTH_H
#define QBATH_LINEWIDTH_H

#include "qbath/err.h"

typedef enum { QB_LW_SUM = 0, QB_LW_SUM_E3 = 1, QB_LW_INTEGRAL = 2 } qb_linewidth_method;

typedef struct qb_linewidth_params {
  double gamma;         /* inter-dot coupling gamma / delta_m (0 < gamma < 1) */
  double K;             /* Cayley-tree branching K > 1 */
  double Xi;            /* Fock-space localization length */
  double s;             /* entropy density s(T) */
  double N;             /* single-particle levels per dot: nf ~ s N, and n, p <= N */
  double nmax;          /* upper limit of n and p when > 0 (0: N, as the paper) */
  int d;                /* spatial dimension (power of the log in n_fast) */
  qb_linewidth_method method;
  double lnG_min;       /* bracket's lower end in ln Gamma (below it: "no solution") */
  double lnG_tol;       /* root tolerance in ln Gamma */
  int quad_per_unit;    /* QB_LW_INTEGRAL: Simpson panels per unit of m */
} qb_linewidth_params;

/* Defaults: gamma = 0.1, K = 3, Xi = 2/ln 3, s = 0.5, N = 10, nmax = 0, d = 1, QB_LW_SUM,
 * lnG_min = -700, lnG_tol = 1e-10, quad_per_unit = 64. */
qb_linewidth_params qb_linewidth_defaults(void);

/* eps = (Xi ln K - 1)/(Xi ln K) and its inverse Xi = 1/(ln K (1 - eps)). */
double qb_linewidth_eps(double Xi, double K);
double qb_linewidth_xi(double eps, double K);

/* n_fast(K^m) of Gopalakrishnan et al. 2015 Eq. (20) at linewidth Gamma (continuous form above; Gamma = 0: no cap). */
double qb_linewidth_nfast(const qb_linewidth_params *p, double m, double Gamma);

/* gamma^2 S(Gamma) by p->method: the right side of 1 = gamma^2 S. Gamma = 0 allowed. */
double qb_linewidth_rhs(const qb_linewidth_params *p, double Gamma);

typedef struct qb_linewidth_result {
  int found;        /* 1: a non-trivial Gamma in [e^lnG_min, gamma e^{-1/2}]; 0: only
                       Gamma = 0 (localized); -1: gamma^2 S > 1 even at gamma e^{-1/2} (a
                       linewidth beyond the theory's range Gamma << gamma) */
  double Gamma;     /* the root (0 when !found) */
  double lnGamma;   /* ln Gamma (-INFINITY when !found) */
  double rhs_low;   /* gamma^2 S at the bracket's lower end (< 1: no solution, localized) */
  double rhs_high;  /* gamma^2 S at Gamma = gamma e^{-1/2} */
  int evaluations;  /* evaluations of gamma^2 S */
} qb_linewidth_result;

/* The non-trivial linewidth by bisection in ln Gamma on [lnG_min, ln gamma - 1/2], where
 * gamma^2 S decreases with Gamma: unsaturated terms n/(1 + (Gamma K^m n)^2) have n fixed,
 * and saturated ones (K^m >= 1/Gamma) behave as 1/(Gamma^2 ln(gamma/Gamma) K^2m s N), which
 * decreases for Gamma < gamma e^{-1/2} (the theory needs Gamma << gamma anyway). So the
 * bracket's ends decide: found = 0 when gamma^2 S < 1 at the lower end (no solution besides
 * Gamma = 0: localized), found = -1 when gamma^2 S > 1 at Gamma = gamma e^{-1/2}. */
qb_status qb_linewidth_solve(const qb_linewidth_params *p, qb_linewidth_result *r, qb_err *err);

/* Saddle-point solution (C5) and its validity window (C7): 1 inside, 0 outside. */
double qb_linewidth_saddle(const qb_linewidth_params *p);
int qb_linewidth_saddle_valid(const qb_linewidth_params *p);

/* Phase boundary: the critical coupling gamma_c (for the other parameters of p) above which
 * a non-trivial solution exists, gamma^2 S(0+) = 1, by bisection in ln gamma on
 * [gamma_lo, gamma_hi]. QB_ERR_NUMERIC when the root is not bracketed. */
qb_status qb_linewidth_critical_gamma(const qb_linewidth_params *p, double gamma_lo, double gamma_hi,
                               double *gamma_c, qb_err *err);
/* Critical localization length Xi_c: gamma^2 S(0+) = 1 as a function of Xi on [lo, hi]. */
qb_status qb_linewidth_critical_xi(const qb_linewidth_params *p, double lo, double hi, double *Xi_c,
                            qb_err *err);

/* Xi_c for the other parameters of p, bracketed automatically outward from p->Xi:
 * gamma^2 S(0+) increases with Xi (through K^{2 m eps}; n_fast does not depend on Xi) and
 * vanishes as Xi -> 0. QB_ERR_NUMERIC when gamma^2 S(0+) < 1 even as eps -> 1 (no metal at
 * any Xi), or when Xi_c < 1e-300.
 *
 * Near Xi_c at finite nmax the theory has no power law: once Gamma < K^{-(2 nmax + 1)} no
 * term is saturated and gamma^2 S(Gamma) = gamma^2 S(0) - c Gamma^2 + O(Gamma^4), so
 * Gamma ~ (Xi - Xi_c)^{1/2} and -1/ln Gamma vanishes only logarithmically. The paper's
 * -1/ln Gamma ~ (Xi - Xi_c)^{1/3} (Fig. 7) is an effective exponent of the window where the
 * equations apply, qb_linewidth_mf_valid (docs/bath-theories.md). */
qb_status qb_linewidth_critical_xi_auto(const qb_linewidth_params *p, double *Xi_c, qb_err *err);

/* The mean-field equations' own validity window at linewidth Gamma (Sec. V B):
 * Gopalakrishnan et al. 2015 Eq. (27) Gamma >= level_factor N K^{-N} (above the dot's many-body level spacing) and
 * Gopalakrishnan et al. 2015 Eq. (26) (Gamma/gamma) ln^{2d}(gamma/Gamma) <= typ_max (typical, not averaged, bath
 * spectra; needs Gamma < gamma). The paper's "<<" is the user's choice of level_factor
 * and typ_max. 1 inside, 0 outside. */
int qb_linewidth_mf_valid(const qb_linewidth_params *p, double Gamma, double level_factor, double typ_max);

/* Fit y = A (x - xc)^beta at a fixed xc: least-squares line ln y = ln A + beta ln(x - xc).
 * beta_se is the line's standard error (residuals are systematic for deterministic data:
 * quote window-to-window spreads as the error instead). Needs n >= 3, x > xc, y > 0. */
qb_status qb_linewidth_fit_power_fixed(const double *x, const double *y, int n, double xc,
                                double *beta, double *beta_se, double *A, qb_err *err);

/* Fit y = A (x - x_c)^beta to n points by least squares in y (damped Gauss-Newton on
 * A, x_c, beta, started from the log-log line at the best x_c in [xc_lo, xc_hi]; x_c must
 * stay below min x). beta_se is the standard error from the covariance s^2 (J^T J)^{-1},
 * which includes beta's correlation with x_c and A. n >= 4. */
qb_status qb_linewidth_fit_power(const double *x, const double *y, int n, double xc_lo, double xc_hi,
                          double *beta, double *beta_se, double *A, double *xc, qb_err *err);

#endif
