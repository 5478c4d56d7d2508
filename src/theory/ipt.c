/* ipt.c — Hubbard bubble + Anderson insulator at large N: the saddle point of Potirniche
 * et al. Eqs. (16a)-(16b) with the impurity solved by IPT at half filling, Eqs. (17)-(19),
 * on the real-frequency axis (qbath/ipt.h). */
#include "qbath/ipt.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fft_convolve.h"
#include "qbath/alloc.h"

struct qb_ipt {
  qb_idx n;          /* grid points (odd) */
  double h;          /* grid spacing */
  double *w;         /* n grid frequencies */
  qb_fftconv *conv;  /* plans for the self-energy and Kramers-Kronig */
  double *a, *b, *y; /* n real work arrays */
  qb_cplx *delta;    /* n: bath function Delta */
  qb_cplx *lam;      /* n: its LIOM part Lambda = N^{-1/2} sum_a V_a^2 G_a */
  qb_cplx *g0;       /* n: Weiss function G0 */
  qb_cplx *sig;      /* n: second-order self-energy */
};

qb_ipt_params qb_ipt_defaults(void) {
  return (qb_ipt_params){.t = 1, .U = 2, .T = 2, .N = 30, .eta = 0.02, .mix = 0.5,
                         .tol = 1e-10, .max_iter = 2000, .newton_steps = 0,
                         .nthreads = 1};
}

qb_status qb_ipt_create(qb_idx n, double wmax, qb_ipt **out, qb_err *err) {
  *out = NULL;
  if (n < 5 || n % 2 == 0 || !(wmax > 0) || !isfinite(wmax))
    return QB_FAIL(err, QB_ERR_INPUT, "ipt grid: need an odd number of points >= 5 (got %lld) "
                   "and wmax > 0 (got %g)", (long long)n, wmax);
  qb_ipt *s = qb_calloc(1, sizeof *s);
  if (s == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "ipt solver of %lld points", (long long)n);
  s->n = n;
  s->h = wmax / (double)((n - 1) / 2);
  s->w = qb_malloc(sizeof(double) * (size_t)n);
  s->a = qb_malloc(sizeof(double) * (size_t)n);
  s->b = qb_malloc(sizeof(double) * (size_t)n);
  s->y = qb_malloc(sizeof(double) * (size_t)n);
  s->delta = qb_malloc(sizeof(qb_cplx) * (size_t)n);
  s->lam = qb_malloc(sizeof(qb_cplx) * (size_t)n);
  s->g0 = qb_malloc(sizeof(qb_cplx) * (size_t)n);
  s->sig = qb_malloc(sizeof(qb_cplx) * (size_t)n);
  if (!s->w || !s->a || !s->b || !s->y || !s->delta || !s->lam || !s->g0 || !s->sig) {
    qb_ipt_free(s);
    return QB_FAIL(err, QB_ERR_NOMEM, "ipt solver of %lld points", (long long)n);
  }
  qb_status st = qb_fft_convolve_create(n, &s->conv, err);
  if (st != QB_OK) {
    qb_ipt_free(s);
    return st;
  }
  for (qb_idx i = 0; i < n; i++) s->w[i] = (double)(i - (n - 1) / 2) * s->h;
  *out = s;
  return QB_OK;
}

qb_ipt *qb_ipt_free(qb_ipt *s) {
  if (s == NULL) return NULL;
  qb_fft_convolve_free(s->conv);
  qb_free(s->w), qb_free(s->a), qb_free(s->b), qb_free(s->y), qb_free(s->delta), qb_free(s->lam);
  qb_free(s->g0), qb_free(s->sig);
  return qb_free(s);
}

qb_idx qb_ipt_n(const qb_ipt *s) { return s->n; }
const double *qb_ipt_omega(const qb_ipt *s) { return s->w; }
double qb_ipt_step(const qb_ipt *s) { return s->h; }

qb_cplx qb_ipt_semicircle(double t, qb_cplx z) {
  /* sqrt(z - 2t) sqrt(z + 2t) ~ z at infinity and is +i sqrt(4t^2 - w^2) on the cut from
   * above, so G ~ 1/z and Im G <= 0 (the retarded branch). */
  /* +0, not -0, and no rounding-level negative imaginary part: the upper lip of the cut
   * (callers pass w - Lambda - Sigma, whose imaginary part is >= 0 up to rounding). */
  if (!(cimag(z) > 0)) z = creal(z) + I * 0.0;
  qb_cplx s = csqrt(z - 2 * t) * csqrt(z + 2 * t);
  return (z - s) / (2 * t * t);
}

void qb_ipt_geometry(qb_idx M, double n_L, double xi, double V, double *r, double *V2) {
  double r0 = 1 / sqrt(2 * M_PI * n_L);
  qb_idx a = 0;
  for (qb_idx k = 1; a < M; k++) /* circle k holds k LIOMs at radius r0 (k - 1) */
    for (qb_idx j = 0; j < k && a < M; j++, a++) {
      double ra = r0 * (double)(k - 1);
      if (r) r[a] = ra;
      if (V2) V2[a] = (V / xi) * (V / xi) * exp(-ra / xi);
    }
}

double qb_ipt_integrate(const qb_ipt *s, const double *f) {
  double sum = 0.5 * (f[0] + f[s->n - 1]);
  for (qb_idx i = 1; i < s->n - 1; i++) sum += f[i];
  return sum * s->h;
}

/* Fermi function at zero chemical potential (half filling). */
static double fermi(double w, double T) {
  if (T == 0) return w < 0 ? 1 : (w > 0 ? 0 : 0.5);
  return 0.5 * (1 - tanh(0.5 * w / T)); /* = 1/(e^{w/T} + 1), no overflow */
}

void qb_ipt_sigma2(qb_ipt *s, double U, double T, const qb_cplx *G0, qb_cplx *S2) {
  for (qb_idx i = 0; i < s->n; i++) {
    double rho0 = -cimag(G0[i]) / M_PI, f = fermi(s->w[i], T);
    s->a[i] = rho0 * f;       /* occupied */
    s->b[i] = rho0 * (1 - f); /* empty */
  }
  qb_fft_convolve_pph(s->conv, s->a, s->b, s->h, s->y);
  for (qb_idx i = 0; i < s->n; i++)
    s->y[i] *= -M_PI * U * U; /* Im S2, Potirniche et al. 2019 Eq. (19) */
  qb_fft_convolve_kk(s->conv, s->y, s->a);                          /* Re S2 */
  for (qb_idx i = 0; i < s->n; i++) S2[i] = s->a[i] + I * s->y[i];
}

void qb_ipt_liom_green(const qb_ipt *s, const qb_ipt_params *p, double eps_a, double V2_a,
                       const qb_cplx *G, qb_cplx *Ga) {
  double sqN = sqrt(p->N);
  for (qb_idx i = 0; i < s->n; i++)
    Ga[i] = 1 / (s->w[i] + eps_a + I * p->eta -
                 V2_a * sqN * G[i]); /* Potirniche et al. 2019 Eq. (14) */
}

/* Delta(w) = t^2 G + N^{-1/2} sum_a V_a^2 G_a (Potirniche et al. 2019 Eq. (16b)); each frequency
 * sums the LIOMs
 * in index order, so the bits do not depend on the thread count. */
static void bath_function(qb_ipt *s, const qb_ipt_params *p, qb_idx M, const double *eps,
                          const double *V2, const qb_cplx *G) {
  const double sqN = sqrt(p->N), t2 = p->t * p->t, eta = p->eta;
  const double *w = s->w;
  qb_cplx *delta = s->delta, *lambda = s->lam;
  const qb_idx n = s->n;
#pragma omp parallel for num_threads(p->nthreads) schedule(static) default(none) \
    shared(w, delta, lambda, G, eps, V2) firstprivate(n, M, sqN, t2, eta)
  for (qb_idx i = 0; i < n; i++) {
    qb_cplx g = G[i], lam = 0;
    for (qb_idx a = 0; a < M; a++) lam += V2[a] / (w[i] + eps[a] + I * eta - V2[a] * sqN * g);
    lambda[i] = lam / sqN;
    delta[i] = t2 * g + lambda[i];
  }
}

/* Solves the local Dyson equation at one frequency for fixed self-energy sig,
 *   F(g) = w - t^2 g - N^{-1/2} sum_a V2_a/(w + eps_a + i eta - V2_a sqrt(N) g) - sig - 1/g = 0,
 * by Newton from g (Potirniche et al. 2019 Eqs. (14), (16b), (17) with the bath's dependence on G
 * itself). Plain
 * iteration of g -> 1/(w - Delta(g) - sig) is neutral (|t^2 g^2| = 1) at the band edges and
 * never settles there; Newton converges (at worst linearly, ratio 1/2, at a double root).
 * Falls back to g when Newton leaves the causal half plane or does not converge. */
static qb_cplx local_newton(qb_cplx g, double w, qb_cplx sig, double t2, double sqN, double eta,
                            qb_idx M, const double *eps, const double *V2, int max_steps,
                            double tol) {
  qb_cplx x = g;
  for (int k = 0; k < max_steps; k++) {
    qb_cplx F = w - t2 * x - sig - 1 / x, dF = -t2 + 1 / (x * x);
    for (qb_idx a = 0; a < M; a++) {
      qb_cplx d = w + eps[a] + I * eta - V2[a] * sqN * x;
      F -= V2[a] / d / sqN;
      dF -= V2[a] * V2[a] / (d * d);
    }
    qb_cplx step = F / dF;
    x -= step;
    if (!(cimag(x) <= 0) || !isfinite(creal(x)) || !isfinite(cimag(x))) return g;
    if (cabs(step) <= tol) return x;
  }
  return g;
}

/* G_new(w_i): the local Dyson equation solved for the self-energy in s->sig, either with
 * the LIOM part of the bath frozen at G (exact quadratic: the t^2 G feedback, neutral at
 * the band edges under plain iteration, is solved exactly) or fully by Newton. */
static void dyson_local(qb_ipt *s, const qb_ipt_params *p, qb_idx M, const double *eps,
                        const double *V2, const qb_cplx *G, qb_cplx *Gnew) {
  /* Newton's own step tolerance: well below the outer tol, but above rounding (|G| <= 1/t
   * inside the band, larger only near isolated poles). */
  const double sqN = sqrt(p->N), t2 = p->t * p->t, eta = p->eta;
  const double tol = fmax(1e-3 * p->tol, 4 * DBL_EPSILON / p->t);
  const double *w = s->w;
  const qb_cplx *sig = s->sig, *lambda = s->lam;
  const qb_idx n = s->n;
  const int steps = p->newton_steps;
#pragma omp parallel for num_threads(p->nthreads) schedule(static) default(none) \
    shared(w, sig, lambda, G, Gnew, eps, V2) firstprivate(n, M, sqN, t2, eta, tol, steps)
  for (qb_idx i = 0; i < n; i++) {
    /* G = 1/(z - t^2 G), z = w - Lambda - sig with the LIOM part Lambda = Delta - t^2 G
     * frozen: the quadratic's causal root, the semicircle at complex z (Im z >= 0). */
    qb_cplx z = w[i] - lambda[i] - sig[i];
    qb_cplx frozen = qb_ipt_semicircle(sqrt(t2), z);
    Gnew[i] = steps > 0 ? local_newton(G[i], w[i], sig[i], t2, sqN, eta, M, eps, V2, steps, tol)
                        : frozen;
    if (steps > 0 && Gnew[i] == G[i]) Gnew[i] = frozen;
  }
}

/* One application of the IPT map G -> G_new; returns max |G_new - G|. */
static double ipt_map(qb_ipt *s, const qb_ipt_params *p, qb_idx M, const double *eps,
                      const double *V2, const qb_cplx *G, qb_cplx *Gnew) {
  bath_function(s, p, M, eps, V2, G);
  for (qb_idx i = 0; i < s->n; i++) s->g0[i] = 1 / (s->w[i] - s->delta[i]);
  if (p->U != 0)
    qb_ipt_sigma2(s, p->U, p->T, s->g0, s->sig);
  else
    memset(s->sig, 0, sizeof(qb_cplx) * (size_t)s->n);
  dyson_local(s, p, M, eps, V2, G, Gnew);
  double res = 0;
  for (qb_idx i = 0; i < s->n; i++) {
    double d = cabs(Gnew[i] - G[i]);
    if (d > res || isnan(d)) res = d;
  }
  return res;
}

static qb_status check_params(const qb_ipt_params *p, qb_idx M, qb_err *err) {
  if (!(p->t > 0) || !(p->U >= 0) || !(p->T >= 0) || !(p->N >= 1) || !(p->eta >= 0))
    return QB_FAIL(err, QB_ERR_INPUT,
                   "ipt: need t > 0, U >= 0, T >= 0, N >= 1, eta >= 0 "
                   "(got t = %g, U = %g, T = %g, N = %g, eta = %g)",
                   p->t, p->U, p->T, p->N, p->eta);
  if (!(p->mix > 0 && p->mix <= 1) || !(p->tol > 0) || p->max_iter < 1 || p->nthreads < 1 ||
      p->newton_steps < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "ipt: need 0 < mix <= 1, tol > 0, max_iter >= 1, "
                   "nthreads >= 1 (got %g, %g, %d, %d)", p->mix, p->tol, p->max_iter, p->nthreads);
  if (M < 0) return QB_FAIL(err, QB_ERR_INPUT, "ipt: M = %lld LIOMs", (long long)M);
  return QB_OK;
}

static void fill_info(qb_ipt *s, const qb_ipt_params *p, const qb_cplx *G, int it, double res,
                      qb_ipt_info *info) {
  if (info == NULL) return;
  info->iterations = it;
  info->residual = res;
  for (qb_idx i = 0; i < s->n; i++) s->a[i] = -cimag(G[i]) / M_PI;
  info->sum_rule = qb_ipt_integrate(s, s->a);
  for (qb_idx i = 0; i < s->n; i++) s->a[i] *= fermi(s->w[i], p->T);
  info->filling = qb_ipt_integrate(s, s->a);
}

qb_status qb_ipt_solve(qb_ipt *s, const qb_ipt_params *p, qb_idx M, const double *eps,
                       const double *V2, qb_cplx *G, int warm, qb_ipt_info *info, qb_err *err) {
  QB_TRY(check_params(p, M, err));
  qb_cplx *Gnew = qb_malloc(sizeof(qb_cplx) * (size_t)s->n);
  if (Gnew == NULL)
    return QB_FAIL(err, QB_ERR_NOMEM, "ipt: iterate of %lld points", (long long)s->n);
  if (!warm)
    for (qb_idx i = 0; i < s->n; i++) G[i] = qb_ipt_semicircle(p->t, s->w[i]);
  double res = INFINITY;
  int it = 0;
  while (it < p->max_iter && !(res < p->tol)) {
    res = ipt_map(s, p, M, eps, V2, G, Gnew);
    it++;
    if (!isfinite(res)) break;
    double mix = res < p->tol ? 1 : p->mix; /* converged: keep the map's output itself */
    for (qb_idx i = 0; i < s->n; i++) G[i] += mix * (Gnew[i] - G[i]);
  }
  qb_free(Gnew);
  fill_info(s, p, G, it, res, info);
  if (!isfinite(res))
    return QB_FAIL(err, QB_ERR_NUMERIC, "ipt: the iteration produced %g at iteration %d "
                   "(try a smaller mix or a larger eta)", res, it);
  if (!(res < p->tol))
    return QB_FAIL(err, QB_NOT_CONVERGED, "ipt: residual %.3g > tol %.3g after %d iterations",
                   res, p->tol, it);
  return QB_OK;
}
