/* qbath/quad.h — the small numerical tools behind the papers' closed forms (qbath/fgr.h):
 * an adaptive Gauss-Kronrod (7, 15) quadrature, the exponentially scaled modified Bessel
 * functions e^{-z} I_0(z), e^{-z} I_1(z) and the scaled complementary error function.
 * Everything is pure and thread-safe (no state besides the arguments). */
#ifndef QBATH_QUAD_H
#define QBATH_QUAD_H

#include "qbath/err.h"

/* Integrand f(x, ctx). */
typedef double (*qb_quad_fn)(double x, void *ctx);

/* Controls of qb_quad_adaptive: the integral is refined (bisecting the interval with the
 * largest Kronrod error estimate) until the summed estimate is below
 * max(abs_tol, rel_tol |I|) or max_intervals intervals are in use. */
typedef struct qb_quad_params {
  double abs_tol;      /* default 1e-14 */
  double rel_tol;      /* default 1e-10 */
  int max_intervals;   /* default 400; at most QB_QUAD_MAX_INTERVALS */
} qb_quad_params;

enum { QB_QUAD_MAX_INTERVALS = 4096 };

qb_quad_params qb_quad_defaults(void);

/* I = int_a^b f(x) dx (a < b, finite), *abserr its error estimate. Returns
 * QB_NOT_CONVERGED (with the best estimate in *result) when max_intervals did not suffice,
 * QB_ERR_NUMERIC when f returned a non-finite value (naming x). */
qb_status qb_quad_adaptive(qb_quad_fn f, void *ctx, double a, double b,
                           const qb_quad_params *p, double *result, double *abserr, qb_err *err);

/* e^{-z} I_0(z) and e^{-z} I_1(z) for z >= 0, to a few ulps: the power series below
 * z = 25, the Hankel asymptotic series above (its smallest term there is ~e^{-2z}). */
void qb_quad_bessel_i01_scaled(double z, double *i0e, double *i1e);

/* e^{x^2} erfc(x) for x >= 0 without overflow (continued fraction for large x). */
double qb_quad_erfcx(double x);

#endif
