/* linewidth.c — the self-consistent typical linewidth of the nearly localized metal
 * (Gopalakrishnan & Nandkishore 2015, Eqs. (17)-(20), (C5), (C7), (E1)-(E3));
 * see qbath/linewidth.h. Energies in units of delta_m. */
#include "qbath/linewidth.h"

#include <math.h>

qb_linewidth_params qb_linewidth_defaults(void) {
  return (qb_linewidth_params){.gamma = 0.1, .K = 3, .Xi = 2 / log(3.0), .s = 0.5, .N = 10, .d = 1,
                        .nmax = 0, .method = QB_LW_SUM, .lnG_min = -700, .lnG_tol = 1e-10,
                        .quad_per_unit = 64};
}

double qb_linewidth_eps(double Xi, double K) { return (Xi * log(K) - 1) / (Xi * log(K)); }
double qb_linewidth_xi(double eps, double K) { return 1 / (log(K) * (1 - eps)); }

/* s N ln^d(x) (the intermediate-time form of Gopalakrishnan et al. 2015 Eq. (20)). */
static double nfast_log(const qb_linewidth_params *p, double lnx) {
  return p->s * p->N * pow(lnx, p->d);
}

double qb_linewidth_nfast(const qb_linewidth_params *p, double m, double Gamma) {
  double lnK = log(p->K), lnt = m * lnK; /* t = K^m / delta_m */
  if (Gamma > 0 && lnt >= -log(Gamma)) /* t >= 1/Gamma: saturated */
    return fmax(1, nfast_log(p, log(p->gamma / Gamma)));
  double lgt = log(p->gamma) + lnt;
  return lgt > 0 ? fmax(1, nfast_log(p, lgt)) : 1;
}

/* The summand of Gopalakrishnan et al. 2015 Eq. (19)/Gamma at m = n + p (without the pair count),
 * in logs so that
 * K^{2m eps} and (Gamma nf K^m)^2 may each overflow while their ratio does not. */
static double summand(const qb_linewidth_params *p, double m, double Gamma, double eps, double nf) {
  double lnK = log(p->K), lnum = 2 * m * eps * lnK + log(fabs(nf));
  double lnx = Gamma > 0 ? log(Gamma * fabs(nf)) + m * lnK : -INFINITY;
  double lden = lnx > 0 ? 2 * lnx + log1p(exp(-2 * lnx)) : log1p(exp(2 * lnx));
  return copysign(exp(lnum - lden), nf);
}

/* Upper limit of n and p: nmax, or N when nmax = 0. */
static double nmax(const qb_linewidth_params *p) { return p->nmax > 0 ? p->nmax : p->N; }

static double rhs_sum(const qb_linewidth_params *p, double Gamma, double eps) {
  long N = (long)nmax(p);
  double S = 0;
  for (long m = 2; m <= 2 * N; m++) {
    double count = (double)(m - 1 < 2 * N + 1 - m ? m - 1 : 2 * N + 1 - m);
    S += count * summand(p, (double)m, Gamma, eps, qb_linewidth_nfast(p, (double)m, Gamma));
  }
  return S;
}

/* Gopalakrishnan et al. 2015 Eq. (E3) as printed: weights (m - 1), nf = s N ln^d(gamma K^m) for all
 * m. */
static double rhs_e3(const qb_linewidth_params *p, double Gamma, double eps) {
  long N = (long)nmax(p);
  double S = 0;
  for (long m = 2; m <= 2 * N; m++) {
    double nf = nfast_log(p, log(p->gamma) + (double)m * log(p->K));
    S += (double)(m - 1) * summand(p, (double)m, Gamma, eps, nf);
  }
  return S;
}

/* Tent weight of the midpoint cells: measure of {n, p in [1/2, N+1/2], n + p = m}. */
static double tent(double m, double N) {
  if (m <= 1 || m >= 2 * N + 1) return 0;
  return m <= N + 1 ? m - 1 : 2 * N + 1 - m;
}

static double integrand(const qb_linewidth_params *p, double m, double Gamma, double eps) {
  return tent(m, nmax(p)) * summand(p, m, Gamma, eps, qb_linewidth_nfast(p, m, Gamma));
}

/* Composite Simpson on [a, b] with about quad_per_unit panels per unit length. */
static double simpson(const qb_linewidth_params *p, double a, double b, double Gamma, double eps) {
  if (!(b > a)) return 0;
  long k = (long)ceil((b - a) * p->quad_per_unit);
  if (k < 1) k = 1;
  double hh = (b - a) / (double)(2 * k),
         S = integrand(p, a, Gamma, eps) + integrand(p, b, Gamma, eps);
  for (long i = 1; i < 2 * k; i++)
    S += (i % 2 ? 4 : 2) * integrand(p, a + (double)i * hh, Gamma, eps);
  return S * hh / 3;
}

/* The integral over m in [1, 2N + 1], split at the integrand's kinks (N_0, N + 1, the
 * saturation point) so that Simpson sees smooth pieces. */
static double rhs_integral(const qb_linewidth_params *p, double Gamma, double eps) {
  double lnK = log(p->K), N = nmax(p);
  double cuts[5] = {1, 2 * N + 1, N + 1, 0, 0};
  int nc = 3;
  double n0 = (pow(1 / (p->s * p->N), 1.0 / p->d) - log(p->gamma)) / lnK; /* s N ln^d = 1 */
  cuts[nc++] = n0;
  if (Gamma > 0) cuts[nc++] = -log(Gamma) / lnK;
  for (int i = 1; i < nc; i++) /* insertion sort */
    for (int j = i; j > 0 && cuts[j] < cuts[j - 1]; j--) {
      double t = cuts[j];
      cuts[j] = cuts[j - 1];
      cuts[j - 1] = t;
    }
  double S = 0;
  for (int i = 0; i + 1 < nc; i++) {
    double a = fmax(cuts[i], 1), b = fmin(cuts[i + 1], 2 * N + 1);
    S += simpson(p, a, b, Gamma, eps);
  }
  return S;
}

double qb_linewidth_rhs(const qb_linewidth_params *p, double Gamma) {
  double eps = qb_linewidth_eps(p->Xi, p->K), S;
  switch (p->method) {
    case QB_LW_SUM_E3: S = rhs_e3(p, Gamma, eps); break;
    case QB_LW_INTEGRAL: S = rhs_integral(p, Gamma, eps); break;
    default: S = rhs_sum(p, Gamma, eps); break;
  }
  return p->gamma * p->gamma * S;
}

static qb_status check(const qb_linewidth_params *p, qb_err *err) {
  if (!(p->gamma > 0 && p->gamma < 1) || !(p->K > 1) || !(p->Xi > 0) || !(p->s > 0) ||
      !(p->N >= 1) || !(p->nmax == 0 || p->nmax >= 1) || p->d < 1 || !(p->lnG_tol > 0) ||
      p->quad_per_unit < 1 || !(p->lnG_min < log(p->gamma) - 1))
    return QB_FAIL(err, QB_ERR_INPUT, "linewidth: need 0 < gamma < 1 (got %g), K > 1 (%g), "
                   "Xi > 0 (%g), s > 0 (%g), N >= 1 (%g), d >= 1 (%d), lnG_tol > 0 (%g), "
                   "quad_per_unit >= 1 (%d), lnG_min < ln(gamma) - 1 (%g)", p->gamma, p->K,
                   p->Xi, p->s, p->N, p->d, p->lnG_tol, p->quad_per_unit, p->lnG_min);
  return QB_OK;
}

qb_status qb_linewidth_solve(const qb_linewidth_params *p, qb_linewidth_result *r, qb_err *err) {
  QB_TRY(check(p, err));
  /* F(L) = gamma^2 S(e^L) - 1 decreases with L on [lnG_min, ln gamma] (see the header). */
  double lo = p->lnG_min, hi = log(p->gamma) - 0.5;
  *r = (qb_linewidth_result){.found = 0, .Gamma = 0, .lnGamma = -INFINITY};
  r->rhs_low = qb_linewidth_rhs(p, exp(lo));
  r->rhs_high = qb_linewidth_rhs(p, exp(hi));
  r->evaluations = 2;
  if (!isfinite(r->rhs_low) || !isfinite(r->rhs_high))
    return QB_FAIL(err, QB_ERR_NUMERIC, "linewidth: gamma^2 S is %g at ln Gamma = %g and %g "
                   "at %g", r->rhs_low, lo, r->rhs_high, hi);
  if (r->rhs_low < 1) return QB_OK;   /* only the trivial solution: localized */
  if (r->rhs_high > 1) {              /* the root lies at Gamma > gamma: outside the theory */
    r->found = -1;
    return QB_OK;
  }
  while (hi - lo > p->lnG_tol) {
    double mid = 0.5 * (lo + hi);
    if (qb_linewidth_rhs(p, exp(mid)) > 1) lo = mid; else hi = mid;
    r->evaluations++;
  }
  r->found = 1;
  r->lnGamma = 0.5 * (lo + hi);
  r->Gamma = exp(r->lnGamma);
  return QB_OK;
}

double qb_linewidth_saddle(const qb_linewidth_params *p) {
  double eps = qb_linewidth_eps(p->Xi, p->K), nc = p->s * p->N * pow(p->d, p->d);
  return pow(p->gamma * sqrt(nc), 1 / eps) /
         nc; /* Gopalakrishnan et al. 2015 Eq. (C5), delta = 1 */
}

int qb_linewidth_saddle_valid(const qb_linewidth_params *p) {
  double eps = qb_linewidth_eps(p->Xi, p->K);
  return eps > 1 / (2 * log(p->K)) && eps < 1; /* Gopalakrishnan et al. 2015 Eq. (C7) */
}

/* Bisection in u for g(u) = ln(gamma^2 S(0+)) changing sign on [lo, hi]; set(u) writes u
 * into a copy of the parameters. */
static qb_status bisect_critical(qb_linewidth_params q, int which, double lo, double hi,
                                 double *out, qb_err *err) {
  double v[2];
  for (int k = 0; k < 2; k++) {
    double u = k ? hi : lo;
    if (which == 0) q.gamma = exp(u); else q.Xi = u;
    v[k] = qb_linewidth_rhs(&q, 0) - 1;
  }
  if (!(v[0] * v[1] < 0))
    return QB_FAIL(err, QB_ERR_NUMERIC, "linewidth: critical point not bracketed: gamma^2 S(0) "
                   "- 1 = %g and %g at the ends", v[0], v[1]);
  for (int it = 0; it < 200 && hi - lo > 1e-13 * fmax(1, fabs(hi)); it++) {
    double mid = 0.5 * (lo + hi);
    if (which == 0) q.gamma = exp(mid); else q.Xi = mid;
    double vm = qb_linewidth_rhs(&q, 0) - 1;
    if ((vm < 0) == (v[0] < 0)) lo = mid, v[0] = vm; else hi = mid;
  }
  *out = 0.5 * (lo + hi);
  return QB_OK;
}

qb_status qb_linewidth_critical_gamma(const qb_linewidth_params *p, double gamma_lo,
                                      double gamma_hi, double *gamma_c, qb_err *err) {
  if (!(gamma_lo > 0 && gamma_hi > gamma_lo && gamma_hi < 1))
    return QB_FAIL(err, QB_ERR_INPUT, "linewidth: gamma bracket [%g, %g]", gamma_lo, gamma_hi);
  double u;
  QB_TRY(bisect_critical(*p, 0, log(gamma_lo), log(gamma_hi), &u, err));
  *gamma_c = exp(u);
  return QB_OK;
}

qb_status qb_linewidth_critical_xi(const qb_linewidth_params *p, double lo, double hi, double *Xi_c,
                            qb_err *err) {
  if (!(lo > 0 && hi > lo))
    return QB_FAIL(err, QB_ERR_INPUT, "linewidth: Xi bracket [%g, %g]", lo, hi);
  return bisect_critical(*p, 1, lo, hi, Xi_c, err);
}

qb_status qb_linewidth_critical_xi_auto(const qb_linewidth_params *p, double *Xi_c, qb_err *err) {
  QB_TRY(check(p, err));
  /* gamma^2 S(0+) increases with Xi: walk outward from p->Xi until the sign changes.
   * Doubling Xi halves 1 - eps, so max_steps doublings reach eps = 1 to rounding;
   * halving Xi sends eps -> -infinity, where every K^{2 m eps} underflows. */
  const int max_steps = 1100;
  qb_linewidth_params q = *p;
  double lo = p->Xi, hi = p->Xi;
  int up = qb_linewidth_rhs(&q, 0) < 1, k = 0;
  for (; k < max_steps; k++) {
    q.Xi = up ? (hi *= 2) : (lo *= 0.5);
    if (!(q.Xi > 1e-300) || !isfinite(q.Xi)) break;
    double v = qb_linewidth_rhs(&q, 0);
    if (up ? v > 1 : v < 1) break;
    if (up) lo = hi; else hi = lo;
  }
  if (k == max_steps || !(q.Xi > 1e-300) || !isfinite(q.Xi))
    return QB_FAIL(err, QB_ERR_NUMERIC, "linewidth: no critical Xi: gamma^2 S(0+) stays %s 1 "
                   "from Xi = %g to %g", up ? "below" : "above", p->Xi, q.Xi);
  return bisect_critical(*p, 1, lo, hi, Xi_c, err);
}

int qb_linewidth_mf_valid(const qb_linewidth_params *p, double Gamma, double level_factor,
                          double typ_max) {
  if (!(Gamma > 0 && Gamma < p->gamma)) return 0;
  double ln_level = log(level_factor * p->N) -
                    p->N * log(p->K); /* N K^{-N}, Gopalakrishnan et al. 2015 Eq. (27) */
  double typ = Gamma / p->gamma *
               pow(log(p->gamma / Gamma), 2 * p->d); /* Gopalakrishnan et al. 2015 Eq. (26) */
  return log(Gamma) >= ln_level && typ <= typ_max;
}

/* Least-squares line ln y = ln A + beta ln(x - xc); returns the residual sum of squares. */
static double loglog_line(const double *x, const double *y, int n, double xc, double *beta,
                          double *se, double *lnA) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++) {
    double u = log(x[i] - xc), v = log(y[i]);
    sx += u, sy += v, sxx += u * u, sxy += u * v;
  }
  double den = n * sxx - sx * sx;
  *beta = (n * sxy - sx * sy) / den;
  *lnA = (sy - *beta * sx) / n;
  double rss = 0;
  for (int i = 0; i < n; i++) {
    double r = log(y[i]) - *lnA - *beta * log(x[i] - xc);
    rss += r * r;
  }
  *se = sqrt(rss / (n - 2) * n / den);
  return rss;
}

/* Solves the 3x3 system M z = v by Gaussian elimination with partial pivoting; 0 if
 * singular. M is destroyed. */
static int solve3(double M[3][3], double v[3], double z[3]) {
  for (int c = 0; c < 3; c++) {
    int piv = c;
    for (int r = c + 1; r < 3; r++)
      if (fabs(M[r][c]) > fabs(M[piv][c])) piv = r;
    if (M[piv][c] == 0) return 0;
    for (int k = 0; k < 3; k++) {
      double t = M[c][k];
      M[c][k] = M[piv][k];
      M[piv][k] = t;
    }
    double t = v[c];
    v[c] = v[piv];
    v[piv] = t;
    for (int r = c + 1; r < 3; r++) {
      double f = M[r][c] / M[c][c];
      for (int k = c; k < 3; k++) M[r][k] -= f * M[c][k];
      v[r] -= f * v[c];
    }
  }
  for (int c = 2; c >= 0; c--) {
    z[c] = v[c];
    for (int k = c + 1; k < 3; k++) z[c] -= M[c][k] * z[k];
    z[c] /= M[c][c];
  }
  return 1;
}

/* Residual sum of squares of y - A (x - xc)^beta; +inf where some x <= xc. */
static double rss_y(const double *x, const double *y, int n, const double q[3]) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    if (!(x[i] > q[1])) return INFINITY;
    double r = y[i] - q[0] * pow(x[i] - q[1], q[2]);
    s += r * r;
  }
  return s;
}

/* Normal equations J^T J and J^T r of the model A (x - xc)^beta at q = (A, xc, beta). */
static void normal_eq(const double *x, const double *y, int n, const double q[3],
                      double JJ[3][3], double Jr[3]) {
  for (int a = 0; a < 3; a++) {
    Jr[a] = 0;
    for (int b = 0; b < 3; b++) JJ[a][b] = 0;
  }
  for (int i = 0; i < n; i++) {
    double u = x[i] - q[1], f = q[0] * pow(u, q[2]);
    double J[3] = {f / q[0], -q[2] * f / u, f * log(u)};
    for (int a = 0; a < 3; a++) {
      Jr[a] += J[a] * (y[i] - f);
      for (int b = 0; b < 3; b++) JJ[a][b] += J[a] * J[b];
    }
  }
}

qb_status qb_linewidth_fit_power_fixed(const double *x, const double *y, int n, double xc,
                                double *beta, double *beta_se, double *A, qb_err *err) {
  if (n < 3) return QB_FAIL(err, QB_ERR_INPUT, "power fit: need n >= 3 points (got %d)", n);
  for (int i = 0; i < n; i++)
    if (!(y[i] > 0) || !(x[i] > xc))
      return QB_FAIL(err, QB_ERR_INPUT, "power fit: point %d (x = %g, y = %g) needs x > xc = "
                     "%g and y > 0", i, x[i], y[i], xc);
  double lnA;
  loglog_line(x, y, n, xc, beta, beta_se, &lnA);
  *A = exp(lnA);
  return QB_OK;
}

qb_status qb_linewidth_fit_power(const double *x, const double *y, int n, double xc_lo,
                                 double xc_hi, double *beta, double *beta_se, double *A, double *xc,
                                 qb_err *err) {
  double xmin = INFINITY;
  for (int i = 0; i < n; i++) {
    xmin = fmin(xmin, x[i]);
    if (!(y[i] > 0)) return QB_FAIL(err, QB_ERR_INPUT, "power fit: y[%d] = %g <= 0", i, y[i]);
  }
  if (n < 4 || !(xc_hi > xc_lo) || !(xc_hi < xmin))
    return QB_FAIL(err, QB_ERR_INPUT, "power fit: need n >= 4 (got %d) and xc_lo < xc_hi < "
                   "min x (got %g, %g, %g)", n, xc_lo, xc_hi, xmin);
  /* Start: the log-log line at the x_c that minimizes its residual (golden section). */
  const double g = 0.5 * (sqrt(5.0) - 1);
  double a = xc_lo, b = xc_hi, lnA, c1 = b - g * (b - a), c2 = a + g * (b - a);
  double f1 = loglog_line(x, y, n, c1, beta, beta_se, &lnA);
  double f2 = loglog_line(x, y, n, c2, beta, beta_se, &lnA);
  for (int it = 0; it < 200 && b - a > 1e-14 * fmax(1, fabs(b)); it++) {
    if (f1 < f2)
      b = c2, c2 = c1, f2 = f1, c1 = b - g * (b - a),
      f1 = loglog_line(x, y, n, c1, beta, beta_se, &lnA);
    else
      a = c1, c1 = c2, f1 = f2, c2 = a + g * (b - a),
      f2 = loglog_line(x, y, n, c2, beta, beta_se, &lnA);
  }
  double q[3] = {0, 0.5 * (a + b), 0};
  loglog_line(x, y, n, q[1], &q[2], beta_se, &lnA);
  q[0] = exp(lnA);
  /* Then least squares in y itself (the plotted quantity): damped Gauss-Newton. */
  double JJ[3][3], Jr[3], cur = rss_y(x, y, n, q);
  for (int it = 0; it < 200; it++) {
    double M[3][3], v[3], z[3], lam = 1;
    normal_eq(x, y, n, q, JJ, Jr);
    for (int r = 0; r < 3; r++) {
      v[r] = Jr[r];
      for (int c = 0; c < 3; c++) M[r][c] = JJ[r][c];
    }
    if (!solve3(M, v, z)) break;
    double trial[3], next = INFINITY;
    for (; lam > 1e-6; lam *= 0.5) {
      for (int k = 0; k < 3; k++) trial[k] = q[k] + lam * z[k];
      next = rss_y(x, y, n, trial);
      if (next <= cur) break;
    }
    if (!(next <= cur)) break;
    double change = fabs(cur - next);
    for (int k = 0; k < 3; k++) q[k] = trial[k];
    cur = next;
    if (change <= 1e-15 * cur) break;
  }
  /* Covariance s^2 (J^T J)^{-1}; the beta-beta element from one solve. */
  normal_eq(x, y, n, q, JJ, Jr);
  double e3[3] = {0, 0, 1}, col[3];
  if (!solve3(JJ, e3, col))
    return QB_FAIL(err, QB_ERR_NUMERIC, "power fit: singular normal equations");
  *A = q[0];
  *xc = q[1];
  *beta = q[2];
  *beta_se = sqrt(cur / (n - 3) * col[2]);
  return QB_OK;
}
