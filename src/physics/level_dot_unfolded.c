/* level_dot_unfolded.c — the N -> infinity limit at fixed gamma of the FGR level-dot model
 * (qbath/level_dot.h, representation QB_LD_UNFOLDED): the limit that Micklitz et al. 2022 Eqs.
 * (4)-(6) of
 * Micklitz et al. (2022) describe.
 *
 * Why: at finite N the semicircle's curvature and finite width shift the decay (the
 * paper's note [22]: P_res up by 1 + gamma/2N; and a delay of the decay by dt ~ 0.5 /
 * lambda in the first t lambda ~ 60). Both are O(1/N) and 10^4 samples resolve them at
 * N = 1000. In the limit the dot is a stationary spectrum of constant density nu with
 * Wigner-Dyson (sine-kernel) statistics and iid couplings of constant variance; this file
 * realizes a window of K dot levels of that limit around the level:
 *
 *  - levels: the n_big = 3K/2 + 8 eigenvalues of a beta-Hermite matrix (dsterf), unfolded
 *    by the semicircle counting function to unit mean spacing (GSE: Kramers levels,
 *    spacing 2 in units of the state spacing 1/nu); those in the fixed window
 *    (-K s/2, K s/2) (s the level spacing) around the spectrum's centre are kept, K on
 *    average. Poisson: K iid uniform levels. The level sits at the window's centre; its
 *    position relative to the dot's levels is uniform because the unfolded spectrum is
 *    stationary;
 *  - couplings: |w_k|^2 iid (v)(2/beta) Gamma(beta/2) (x 2 for a Kramers level), the law
 *    of |<k|W>|^2 of an isotropic Gaussian W in the dot's eigenbasis;
 *  - the dot outside the window is the continuum of the same density, which enters the
 *    level's self-energy as Sigma_out(u) = v ln((A - u)/(A + u)) (A = K s/2, principal
 *    value of v int_{|u'|>A} du'/(u - u')). Without it the window alone would carry
 *    Re Sigma'(0) = 4 v / (K s) and narrow the decay by that fraction (~ 4 gamma /
 *    (pi^2 K));
 *  - eigenpairs: the K + 1 roots of the secular equation inside the window,
 *      f(u) = u - Sigma_out(u) - sum_k c_k / (u - u_k) = 0,  weight 1 / f'(u),
 *    one root between consecutive poles (f increases from -inf to +inf there);
 *  - the spectral weight the window misses, 1 - sum of the weights, lies in the continuum,
 *    where the level's density is the Lorentzian tail (Gamma/2pi) / (x^2 + Gamma^2/4),
 *    |x| > A: its normalized Fourier transform phi(t) (qb_level_dot_continuum) adds the
 *    amplitude (1 - sum w) phi(t) to the window's. phi decays as 1/(A t), so the tail
 *    matters only for t ~ 1/A, i.e. tau ~ 1/K.
 *
 * Internal units: u = nu (E - eps0) (state spacing 1). Then the per-state coupling
 * variance is v = nu^2 g lambda^2 / N = gamma / pi^2, Gamma = 2 pi v = 2 gamma / pi, and
 * E t = eps0 t + 2 pi u tau. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_dot.h"
#include "qbath/rng.h"
#include "qbath/quad.h"

#include "physics/level_dot_internal.h"

#include <omp.h>

static double sigma_out(const qb_level_dot_window *W, double u) {
  return W->v * log((W->A - u) / (W->A + u));
}

/* -Sigma_out'(u) > 0 */
static double sigma_out_slope(const qb_level_dot_window *W, double u) {
  return W->v * (1.0 / (W->A - u) + 1.0 / (W->A + u));
}

/* Semicircle counting function: the fraction of n levels below x R, x in [-1, 1]. */
static double semicircle_fraction(double x) {
  x = fmax(-1.0, fmin(1.0, x));
  return 0.5 + (x * sqrt(1.0 - x * x) + asin(x)) / M_PI;
}

static void window_free(qb_level_dot_window *W) {
  qb_free(W->u);
  qb_free(W->c);
  memset(W, 0, sizeof *W);
}

static qb_status window_build(const qb_level_dot *m, qb_level_dot_key k, qb_level_dot_window *W,
                              qb_err *err) {
  qb_idx K = qb_level_dot_unfolded_window(m), cap = qb_level_dot_measure_size(m) - 1;
  int beta = qb_level_dot_beta(m->ens);
  memset(W, 0, sizeof *W);
  W->s = m->ens == QB_GSE ? 2.0 : 1.0;
  W->A = 0.5 * (double)K * W->s;
  W->v = m->gamma / (M_PI * M_PI);
  W->u = qb_malloc(sizeof(double) * (size_t)cap);
  W->c = qb_malloc(sizeof(double) * (size_t)cap);
  qb_rng rd, rc;
  qb_rng_init(&rd, k.seed, k.point, k.realization, QB_LD_PURPOSE_DOT);
  qb_rng_init(&rc, k.seed, k.point, k.realization, QB_LD_PURPOSE_COUPLING);
  qb_status st = QB_OK;
  double *a = NULL, *b = NULL;
  if (!W->u || !W->c) goto nomem;
  if (m->ens == QB_POISSON) {
    /* K iid uniform levels: the binomial process, locally the Poisson process. */
    st = qb_rmt_poisson(&rd, K, 2.0 * W->A, W->u, err);
    W->K = K;
  } else {
    /* The central 2/3 of a larger spectrum: well inside the bulk (density >= 0.87 of the
     * centre's), where the semicircle unfolds the levels to a stationary sequence. */
    qb_idx nbig = K + K / 2 + 8;
    a = qb_malloc(sizeof(double) * (size_t)nbig);
    b = qb_malloc(sizeof(double) * (size_t)nbig);
    if (!a || !b) goto nomem;
    st = qb_rmt_beta_hermite(&rd, beta, nbig, 1.0, a, b, err);
    if (st == QB_OK) st = qb_dense_tridiag_eigh(nbig, a, b, NULL, err);
    double R = qb_rmt_semicircle_radius(m->ens, nbig, 1.0);
    /* Level i of nbig sits on average at counting coordinate i + 1/2; the window is the
     * fixed interval (-A, A) of the unfolded axis around its centre nbig / 2, and holds
     * whatever number of levels the spectrum puts there (K on average). */
    for (qb_idx i = 0; i < nbig && st == QB_OK; i++) {
      double u = W->s * ((double)nbig * semicircle_fraction(a[i] / R) - 0.5 * (double)nbig);
      if (u <= -W->A || u >= W->A) continue;
      if (W->K == cap) {
        st = QB_FAIL(err, QB_ERR_NUMERIC,
                     "level_dot: more than %lld levels in an unfolded window of %lld",
                     (long long)cap, (long long)K);
        break;
      }
      W->u[W->K++] = u;
    }
  }
  /* |w_k|^2 = v (2/beta) Gamma(beta/2), x 2 for a Kramers level (level_dot.h). */
  for (qb_idx i = 0; i < W->K && st == QB_OK; i++)
    W->c[i] = W->v * 2.0 / beta * (beta == 4 ? 2.0 : 1.0) * qb_rng_gamma(&rc, 0.5 * beta);
  qb_free(a);
  qb_free(b);
  if (st != QB_OK) window_free(W);
  return st;
nomem:
  qb_free(a);
  qb_free(b);
  window_free(W);
  return QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for an unfolded window of %lld levels",
                 (long long)K);
}

/* f and the split of f' at u = p0 + x (local coordinate x around the pole p0; the
 * interval's other end is p1 = p0 + d1). f' = D0 + D1 where D0 gathers the terms of the
 * poles on p0's side of the root (p0's own included) and D1 those on p1's side; the
 * smooth part 1 - Sigma_out' is shared half and half. */
typedef struct secular_eval {
  double f, D0, D1;
} secular_eval;

static secular_eval secular_at(const qb_level_dot_window *W, double p0, double d1, double x) {
  double u = p0 + x, s = 0, D0 = 0, D1 = 0;
  for (qb_idx k = 0; k < W->K; k++) {
    double q = (W->u[k] - p0), r = x - q, t = W->c[k] / r;
    s += t;
    /* A pole at q lies on p1's side when q and d1 have the same sign (q = d1 included). */
    if (q * d1 > 0) D1 += t / r;
    else D0 += t / r;
  }
  double smooth = 0.5 * (1.0 + sigma_out_slope(W, u));
  secular_eval e = {u - sigma_out(W, u) - s, D0 + smooth, D1 + smooth};
  return e;
}

/* The root of f between p0 and p1 = p0 + d1 (poles, or +-A), as p0 + x, with the weight
 * 1 / f'. Iteration: the two-pole rational model C - B0/y - B1/(y - d1) matching f and the
 * split f' at the iterate (LAPACK dlaed4's idea), solved exactly; a step outside the
 * bracket kept from the signs of f is replaced by bisection. */
static void secular_root(const qb_level_dot_window *W, double p0, double d1, double *x_out,
                         double *w_out) {
  double lo = fmin(0.0, d1), hi = fmax(0.0, d1), x = 0.5 * d1;
  secular_eval e = secular_at(W, p0, d1, x);
  for (int it = 0; it < 200; it++) {
    if (e.f > 0) hi = x; /* f increases through the interval */
    else lo = x;
    double B0 = e.D0 * x * x, B1 = e.D1 * (x - d1) * (x - d1);
    double C = e.f + B0 / x + B1 / (x - d1);
    /* C y (y - d1) - B0 (y - d1) - B1 y = 0, i.e. C y^2 - (C d1 + B0 + B1) y + B0 d1 = 0. */
    double bq = C * d1 + B0 + B1, y;
    if (C == 0) {
      y = B0 * d1 / (B0 + B1);
    } else {
      double disc = sqrt(fmax(bq * bq - 4.0 * C * B0 * d1, 0.0)),
             qq = 0.5 * (bq + copysign(disc, bq));
      double y1 = qq / C, y2 = qq != 0 ? B0 * d1 / qq : y1;
      y = (y1 > lo && y1 < hi) ? y1 : y2;
    }
    if (!(y > lo && y < hi)) y = 0.5 * (lo + hi);
    double step = fabs(y - x);
    x = y;
    e = secular_at(W, p0, d1, x);
    if (step <= 4.0 * DBL_EPSILON * fabs(x) ||
        hi - lo <= 4.0 * DBL_EPSILON * fmax(fabs(lo), fabs(hi)))
      break;
  }
  *x_out = x;
  *w_out = 1.0 / (e.D0 + e.D1);
}

void qb_level_dot_secular_roots(const qb_level_dot_window *W, int nthreads, double *x, double *w) {
  qb_idx K = W->K;
  if (nthreads < 1) nthreads = 1;
  /* Root j lies between boundary j - 1 and j: boundaries -A, u_0 .. u_{K-1}, A. Each
   * root is computed from the pole nearer to it (f's sign at the interval's midpoint), so
   * that the local coordinate keeps the root's distance to that pole to full relative
   * precision (weights ~ (distance)^2 / c near a weakly coupled pole). */
#pragma omp parallel for default(none) shared(W, x, w, K) schedule(dynamic, 16) \
    num_threads(nthreads)
  for (qb_idx j = 0; j <= K; j++) {
    double left = j == 0 ? -W->A : W->u[j - 1], right = j == K ? W->A : W->u[j];
    double mid = 0.5 * (left + right), y, wt;
    int from_left = secular_at(W, left, right - left, mid - left).f > 0;
    if (from_left) secular_root(W, left, right - left, &y, &wt);
    else secular_root(W, right, left - right, &y, &wt);
    x[j] = (from_left ? left : right) + y;
    w[j] = wt;
  }
}

qb_status qb_level_dot_unfolded_measure(const qb_level_dot *m, qb_level_dot_key key, int nthreads,
                                        double *E, double *w, qb_idx *count, qb_err *err) {
  qb_level_dot_window W;
  QB_TRY(window_build(m, key, &W, err));
  double nu = (double)m->N / (M_PI * m->lambda);
  qb_level_dot_secular_roots(&W, nthreads, E, w);
  for (qb_idx j = 0; j <= W.K; j++) E[j] = m->eps0 + E[j] / nu; /* u = nu (E - eps0) */
  *count = W.K + 1;
  window_free(&W);
  return QB_OK;
}

/* ---- the continuum's amplitude --------------------------------------------------- */

/* I(t) = int_a^inf cos(x t) / (x^2 + c^2) dx, rotated onto x = a + i y (no poles there:
 * they sit at +-i c, Re = 0 < a) so the integrand decays instead of oscillating:
 * I = Re[i e^{i a t} J], J = int_0^inf e^{-y t} dy / ((a + i y)^2 + c^2), with y = a v,
 * v = z / (1 - z), z in [0, 1). */
typedef struct tail_ctx {
  double a, c, t;
  int imag;
} tail_ctx;

static double tail_integrand(double z, void *p) {
  const tail_ctx *q = p;
  if (z >= 1.0) return 0.0;
  double v = z / (1.0 - z), om = 1.0 - z;
  /* a / (a^2 ((1 - z) + i z)^2 + c^2 (1 - z)^2) e^{-a t v} */
  double re = q->a * q->a * (om * om - z * z) + q->c * q->c * om * om,
         im = q->a * q->a * 2.0 * om * z;
  double den = re * re + im * im, damp = exp(-q->a * q->t * v);
  return q->a * damp * (q->imag ? -im : re) / den;
}

qb_status qb_level_dot_continuum(const qb_level_dot *m, const double *t, qb_idx nt, qb_cplx *phi,
                                 qb_err *err) {
  if (m->repr != QB_LD_UNFOLDED || m->gamma == 0) {
    for (qb_idx j = 0; j < nt; j++) phi[j] = 0;
    return QB_OK;
  }
  double nu = (double)m->N / (M_PI * m->lambda), K = (double)qb_level_dot_unfolded_window(m);
  /* Physical units: half-width a = A / nu, Lorentzian half-width c = Gamma/2 = g lambda. */
  double a = 0.5 * K * (m->ens == QB_GSE ? 2.0 : 1.0) / nu, c = m->gamma / (double)m->N * m->lambda;
  double norm = atan(c / a) / c; /* I(0) */
  qb_quad_params qp = qb_quad_defaults();
  qp.abs_tol = 1e-13 * norm;
  qp.max_intervals = QB_QUAD_MAX_INTERVALS;
  for (qb_idx j = 0; j < nt; j++) {
    tail_ctx re = {a, c, fabs(t[j]), 0}, im = {a, c, fabs(t[j]), 1};
    double Jr, Ji, er;
    QB_TRY(qb_quad_adaptive(tail_integrand, &re, 0.0, 1.0, &qp, &Jr, &er, err));
    QB_TRY(qb_quad_adaptive(tail_integrand, &im, 0.0, 1.0, &qp, &Ji, &er, err));
    double at = a * fabs(t[j]);
    double tail = -(sin(at) * Jr + cos(at) * Ji); /* Re[i e^{iat} (Jr + i Ji)] */
    phi[j] = (tail / norm) * cexp(-I * m->eps0 * t[j]);
  }
  return QB_OK;
}
