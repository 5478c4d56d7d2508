/* fgr.c — closed forms of "Emergence of Fermi's Golden Rule" (Micklitz et al. 2022):
 * P_res (Eqs. 4, 21), P(tau) (Eq. 5 and its large-gamma form), Eq. (6) with the form
 * factors of Micklitz et al. 2022 Eqs. (27)-(29). Conventions in qbath/fgr.h. */
#include <math.h>

#include "qbath/fgr.h"

/* Above this gamma, e^g erfc(sqrt g) comes from the continued fraction (no overflow). */
#define EQ4_DIRECT_MAX 25.0

/* FGR paper Eq. (4). */
double qb_fgr_pres_eq4(double g) {
  if (g <= 0) return 1.0;
  double ex = g < EQ4_DIRECT_MAX ? exp(g) * erfc(sqrt(g)) : qb_quad_erfcx(sqrt(g));
  return 1 - g - sqrt(M_PI * g) * (0.5 - g) * ex;
}

typedef struct eq21_ctx {
  double gamma, c;
} eq21_ctx;

/* Micklitz et al. 2022 Eq. (21) integrand after t = c v^2 / (1 - v)^2, dt = 2 c v / (1 - v)^3 dv:
 * finite at
 * v -> 1 even for gamma = 0, where (1 + t/4)(1 + t)^{-5/2} ~ t^{-3/2} / 4. */
static double eq21_integrand(double v, void *vctx) {
  const eq21_ctx *q = vctx;
  double w = 1 - v, t = q->c * v * v / (w * w);
  return exp(-q->gamma * t) * (1 + 0.25 * t) * pow(1 + t, -2.5) * 2 * q->c * v / (w * w * w);
}

qb_status qb_fgr_pres_eq21(double gamma, const qb_quad_params *p, double *out, qb_err *err) {
  if (!(gamma >= 0)) return QB_FAIL(err, QB_ERR_INPUT, "Eq. (21): gamma = %g must be >= 0", gamma);
  /* t scaled by 1/gamma for large gamma, so the integrand's width in v stays O(1). */
  eq21_ctx q = {gamma, 1.0 / fmax(gamma, 1.0)};
  double e;
  qb_status st = qb_quad_adaptive(eq21_integrand, &q, 0, 1, p, out, &e, err);
  if (st == QB_NOT_CONVERGED)
    return QB_FAIL(err, QB_NOT_CONVERGED, "Eq. (21) at gamma = %g: quadrature error %.3g", gamma,
                   e);
  return st;
}

/* ---- Micklitz et al. 2022 Eq. (5)
 * ---------------------------------------------------------------------- */

typedef struct eq5_ctx {
  double gamma, tau, u;           /* u: outer variable, lambda_f = 1 - u^2 */
  const qb_quad_params *p;
  qb_status st;                   /* first failure of an inner integral */
  qb_err *err;
} eq5_ctx;

/* Inner integrand in s (lambda_b = 1 + s^2) at fixed u, including both Jacobians 2u, 2s:
 * 2 gamma^2 (4 u s / (s^2 + u^2)) x^2 e^{-2 gamma x lambda_b} [lambda_b I_0 - mu_b I_1](z_b)
 * with x = 2 tau - s^2 - u^2 > 0, mu_b = s sqrt(2 + s^2), z_b = 2 gamma x mu_b. */
static double eq5_inner(double s, void *vctx) {
  const eq5_ctx *q = vctx;
  double u = q->u, x = 2 * q->tau - s * s - u * u;
  if (x <= 0) return 0;
  double lb = 1 + s * s, mb = s * sqrt(2 + s * s), z = 2 * q->gamma * x * mb;
  double i0e, i1e;
  qb_quad_bessel_i01_scaled(z, &i0e, &i1e);
  /* lambda_b I_0 - mu_b I_1 = e^z [(lambda_b - mu_b) i0e + mu_b (i0e - i1e)], and
   * lambda_b - mu_b = 1 / (lambda_b + mu_b): both terms positive, exponent <= 0. */
  double lmm = 1 / (lb + mb);
  double bes = lmm * i0e + mb * (i0e - i1e);
  double jac = 4 * u * s / (s * s + u * u);
  return 2 * q->gamma * q->gamma * jac * x * x * exp(-2 * q->gamma * x * lmm) * bes;
}

static double eq5_outer(double u, void *vctx) {
  eq5_ctx *q = vctx;
  double smax2 = 2 * q->tau - u * u;
  if (smax2 <= 0 || q->st != QB_OK) return 0;
  q->u = u;
  double I, e;
  qb_status st = qb_quad_adaptive(eq5_inner, q, 0, sqrt(smax2), q->p, &I, &e, q->err);
  if (st != QB_OK && st != QB_NOT_CONVERGED) q->st = st;
  return I;
}

/* FGR paper Eq. (5). */
qb_status qb_fgr_P_eq5(double gamma, double tau, const qb_quad_params *p, double *out,
                       qb_err *err) {
  if (!(gamma > 0) || !(tau >= 0) || !isfinite(tau))
    return QB_FAIL(err, QB_ERR_INPUT,
                   "Eq. (5): need gamma > 0 and finite tau >= 0 (gamma = %g, tau = %g)", gamma,
                   tau);
  double decay = exp(-4 * gamma * tau);
  if (tau == 0) {
    *out = decay;
    return QB_OK;
  }
  qb_quad_params q = p ? *p : qb_quad_defaults();
  eq5_ctx c = {gamma, tau, 0, &q, QB_OK, err};
  double umax = sqrt(fmin(2.0, 2 * tau)), I, e;
  qb_status st = qb_quad_adaptive(eq5_outer, &c, 0, umax, &q, &I, &e, err);
  if (c.st != QB_OK) return c.st;
  if (st != QB_OK && st != QB_NOT_CONVERGED) return st;
  *out = decay + I;
  return QB_OK;
}

/* The large-gamma evaluation of Micklitz et al. 2022 Eq. (5) (text after Eq. (5); supplement Eq.
 * (22)). */
double qb_fgr_P_large_gamma(double gamma, double tau) {
  double d = exp(-4 * gamma * tau);
  return tau < 1 ? d + (1 + tau) / (2 * gamma) : d + 1 / gamma;
}

/* Micklitz et al. 2022 Eqs. (27)-(29). */
double qb_fgr_form_factor(qb_fgr_class X, double tau) {
  switch (X) {
    case QB_FGR_U:
      return tau < 1 ? tau : 1.0;
    case QB_FGR_O:
      return tau < 1 ? tau * (2 - log(2 * tau + 1)) : 2 - tau * log((2 * tau + 1) / (2 * tau - 1));
    case QB_FGR_S:
      return tau < 2 ? 0.25 * tau * (2 - log(fabs(1 - tau))) : 1.0;
  }
  return NAN;
}

double qb_fgr_form_factor_states(qb_fgr_class X, double tau) {
  return qb_fgr_form_factor(X, X == QB_FGR_S ? 2 * tau : tau);
}

double qb_fgr_a(qb_fgr_class X) { return X == QB_FGR_O ? 2.0 : 1.0; }
double qb_fgr_b(qb_fgr_class X) { return X == QB_FGR_S ? 2.0 : 1.0; }

/* FGR paper Eq. (6). */
double qb_fgr_P_eq6(qb_fgr_class X, double gamma, double tau) {
  return exp(-4 * gamma * tau) +
         (qb_fgr_a(X) + qb_fgr_b(X) * qb_fgr_form_factor_states(X, tau)) / (2 * gamma);
}

double qb_fgr_golden_rule(double gamma) { return 1.0 / gamma; }
