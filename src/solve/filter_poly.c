/* filter_poly.c — the filter polynomial of qbath/filter.h: its Chebyshev coefficients
 * (a Jackson-damped delta expansion), its value, its application p(H) v through the
 * operator, the degree rule, and the KPM density of states the rule needs. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/rng.h"
#include "qbath/vec.h"
#include "solve/filter_internal.h"

/* Jackson kernel for N = K + 1 moments, Weisse et al. 2006 Eq. (71):
 * g_k = [(N - k + 1) cos(pi k/(N+1)) + sin(pi k/(N+1)) cot(pi/(N+1))] / (N + 1). */
static double jackson(int k, int K) {
  const double N = K + 1.0, q = M_PI / (N + 1);
  return ((N - k + 1) * cos(q * k) + sin(q * k) / tan(q)) / (N + 1);
}

qb_status qb_filter_poly_make(double a, double b, double sigma, int K, qb_filter_poly *P,
                              qb_err *err) {
  memset(P, 0, sizeof *P);
  if (!(b > a) || !(sigma > a && sigma < b))
    return QB_FAIL(err, QB_ERR_INPUT, "filter: target sigma = %.10g outside the spectral "
                   "enclosure (%.10g, %.10g)", sigma, a, b);
  if (K < 1) return QB_FAIL(err, QB_ERR_INPUT, "filter: degree K = %d must be positive", K);
  P->coef = qb_malloc(sizeof(double) * (size_t)(K + 1));
  if (!P->coef) return QB_FAIL(err, QB_ERR_NOMEM, "filter: %d coefficients", K + 1);
  P->K = K;
  P->c = 0.5 * (a + b);
  P->h = 0.5 * (b - a);
  P->x0 = (sigma - P->c) / P->h;
  /* delta(x - x0) = [1 + 2 sum_k T_k(x0) T_k(x)] / (pi sqrt(1 - x^2)) (Weisse et al. 2006
   * Eq. (66) with mu_k = T_k(x0)); the weight 1/(pi sqrt(1 - x^2)) is dropped, as in
   * POLFED: it is a positive factor, and without it p is a polynomial. */
  const double th = acos(P->x0);
  double norm = 0;
  for (int k = 0; k <= K; k++) {
    double tk = cos(k * th);
    P->coef[k] = (k ? 2.0 : 1.0) * jackson(k, K) * tk;
    norm += P->coef[k] * tk;
  }
  for (int k = 0; k <= K; k++) P->coef[k] /= norm; /* p(x0) = 1 */
  return QB_OK;
}

void qb_filter_poly_clear(qb_filter_poly *P) {
  qb_free(P->coef);
  memset(P, 0, sizeof *P);
}

/* Clenshaw's recurrence for sum_k coef[k] T_k(x) (stable for |x| <= 1). */
double qb_filter_poly_eval(const qb_filter_poly *P, double E) {
  const double x = (E - P->c) / P->h;
  double b1 = 0, b2 = 0;
  for (int k = P->K; k >= 1; k--) {
    double t = 2 * x * b1 - b2 + P->coef[k];
    b2 = b1;
    b1 = t;
  }
  return x * b1 - b2 + P->coef[0];
}

/* The three-term recurrence T_{k+1} = 2 x T_k - T_{k-1} on vectors, x = (H - c)/h, as one
 * fused apply per order (y <- (2/h)(H - c) t_k - t_{k-1} overwrites t_{k-1}), and
 * y += coef[k] t_k. */
qb_status qb_filter_poly_apply(const qb_op *H, const qb_filter_poly *P, const double *v,
                               double *y, double *t1, double *t2, qb_err *err) {
  const size_t n = (size_t)H->dim;
  double *prev = t1, *cur = t2;
  qb_vec_copy(n, v, prev);
  memset(y, 0, n * sizeof *y);
  qb_vec_axpy(n, P->coef[0], prev, y);
  QB_TRY(qb_op_apply_fused(H, QB_REAL, 1.0 / P->h, P->c, prev, 0.0, cur, err));
  qb_vec_axpy(n, P->coef[1], cur, y);
  for (int k = 2; k <= P->K; k++) {
    QB_TRY(qb_op_apply_fused(H, QB_REAL, 2.0 / P->h, P->c, cur, -1.0, prev, err));
    double *t = prev;
    prev = cur;
    cur = t;
    qb_vec_axpy(n, P->coef[k], cur, y);
  }
  return QB_OK;
}

/* Moments mu_k = <r|T_k(x)|r> summed over R unit random vectors, k < M, by the doubling of
 * Weisse et al. 2006 Eq. (34): mu_{2k} = 2 <t_k|t_k> - mu_0, mu_{2k+1} = 2 <t_{k+1}|t_k> -
 * mu_1, so M moments cost M/2 matvecs per vector. */
static qb_status kpm_moments(const qb_op *H, double c, double h, int R, int M, uint64_t seed,
                             double *mu, double *t0, double *t1, long *matvecs, qb_err *err) {
  const size_t n = (size_t)H->dim;
  memset(mu, 0, sizeof(double) * (size_t)M);
  for (int r = 0; r < R; r++) {
    qb_rng g;
    qb_rng_init(&g, seed, 0, (uint64_t)r, QB_FILTER_RNG_DOS);
    for (size_t i = 0; i < n; i++) t0[i] = qb_rng_uniform(&g) - 0.5;
    qb_vec_scal(n, 1.0 / qb_vec_nrm2(n, t0), t0);
    QB_TRY(qb_op_apply_fused(H, QB_REAL, 1.0 / h, c, t0, 0.0, t1, err));
    (*matvecs)++;
    double m0 = 1, m1 = qb_vec_dot(n, t0, t1);
    mu[0] += m0;
    if (M > 1) mu[1] += m1;
    double *prev = t0, *cur = t1; /* t_{k-1}, t_k with k = 1 */
    for (int k = 1; 2 * k < M; k++) {
      mu[2 * k] += 2 * qb_vec_dot(n, cur, cur) - m0;
      if (2 * k + 1 >= M) break;
      QB_TRY(qb_op_apply_fused(H, QB_REAL, 2.0 / h, c, cur, -1.0, prev, err));
      (*matvecs)++;
      double *t = prev;
      prev = cur;
      cur = t; /* now t_{k+1} */
      mu[2 * k + 1] += 2 * qb_vec_dot(n, cur, prev) - m1;
    }
  }
  for (int k = 0; k < M; k++) mu[k] /= R;
  return QB_OK;
}

/* rho(E) = dim [g_0 mu_0 + 2 sum_k g_k mu_k T_k(x)] / (pi sqrt(1 - x^2) h): the KPM
 * density (Weisse et al. 2006 Eqs. (66), (71)) in states per unit energy. */
qb_status qb_filter_dos(const qb_op *H, double a, double b, double sigma, int R, int M,
                        uint64_t seed, double *rho, long *matvecs, qb_err *err) {
  const size_t n = (size_t)H->dim;
  double *mu = qb_malloc(sizeof(double) * (size_t)M), *t0 = qb_malloc(n * sizeof(double)),
         *t1 = qb_malloc(n * sizeof(double));
  qb_status st = mu && t0 && t1 ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "filter: KPM vectors");
  const double c = 0.5 * (a + b), h = 0.5 * (b - a), x = (sigma - c) / h;
  if (st == QB_OK) st = kpm_moments(H, c, h, R, M, seed, mu, t0, t1, matvecs, err);
  if (st == QB_OK) {
    double s = jackson(0, M - 1) * mu[0], th = acos(x);
    for (int k = 1; k < M; k++) s += 2 * jackson(k, M - 1) * mu[k] * cos(k * th);
    *rho = (double)n * s / (M_PI * sqrt(1 - x * x) * h);
  }
  qb_free(mu);
  qb_free(t0);
  qb_free(t1);
  return st;
}

/* K = 2 pi sqrt(1 - x0^2) h rho / (width nev) (qbath/filter.h): the filter's energy width
 * pi h sqrt(1 - x0^2)/K (Weisse et al. 2006 Eq. (73)) equals width times the half-width
 * nev/(2 rho) of the nev states nearest sigma. */
int qb_filter_degree(const qb_filter_opts *f, double a, double b, double sigma, double rho,
                     qb_idx nev) {
  if (f->degree > 0) return f->degree;
  const double h = 0.5 * (b - a), x = (sigma - 0.5 * (a + b)) / h;
  double K = 2 * M_PI * sqrt(fmax(0.0, 1 - x * x)) * h * fmax(rho, 0.0) / (f->width * (double)nev);
  if (!(K >= f->min_degree)) K = f->min_degree; /* also a NaN density */
  if (K > f->max_degree) K = f->max_degree;
  return (int)ceil(K);
}
