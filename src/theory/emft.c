/* emft.c — entanglement mean-field theory, single-spin functions: the shapes of
 * p_{g_a} (A3)-(A4), the resonance functions P, Q, S (A10)-(A11), and the averages
 * [S] (A13), C^zz (A14), p(S) (A12) and eta (A27) by Gauss-Legendre quadrature in
 * t = log(g / g1). Conventions and the quadrature scheme: include/qbath/emft.h. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/emft.h"

/* ------------------------------------------------------------------ shapes */

qb_status qb_emft_pg_init(qb_emft_pg *pg, qb_emft_pg_kind kind, double c1, double c2,
                          qb_err *err) {
  if (!(c1 >= 0) || !(c2 >= 0))
    return QB_FAIL(err, QB_ERR_INPUT, "emft: (A3) coefficients c1 = %g, c2 = %g must be >= 0", c1,
                   c2);
  memset(pg, 0, sizeof *pg);
  pg->kind = kind;
  if (kind == QB_EMFT_PG_A3 || kind == QB_EMFT_PG_A3_DIV) {
    pg->a = M_PI * M_PI * M_PI / 4; /* (A3): exp(-pi^3 / (4 x^2)) */
    pg->c1 = c1;
    pg->c2 = c2;
  } else if (kind == QB_EMFT_PG_LEVY) {
    pg->a = M_PI; /* Poisson levels: g_a^2 one-sided stable with tail 2 g1 / g^2 */
  } else {
    return QB_FAIL(err, QB_ERR_INPUT, "emft: unknown p_g shape %d", (int)kind);
  }
  /* Integral of the raw form: int_0^inf 2 e^{-a u^2} (1 + c1 u + c2 u^2) du. */
  double a = pg->a;
  pg->z = sqrt(M_PI / a) + pg->c1 / a + pg->c2 * sqrt(M_PI) / (2 * a * sqrt(a));
  pg->s = kind == QB_EMFT_PG_A3_DIV ? 1.0 : pg->z;
  return QB_OK;
}

double qb_emft_pg_a3_raw(double x, double c1, double c2) {
  if (!(x > 0)) return 0;
  double u = 1 / x;
  return 2 * u * u * exp(-M_PI * M_PI * M_PI / 4 * u * u) * (1 + c1 * u + c2 * u * u);
}

/* Raw CDF and survival at x, u = 1/x: int_u^inf and int_0^u of 2 e^{-a s^2}(1 + c1 s +
 * c2 s^2) ds in closed form. */
static void raw_cdf_sf(const qb_emft_pg *pg, double x, double *cdf, double *sf) {
  double a = pg->a, sa = sqrt(a), c1 = pg->c1, c2 = pg->c2;
  if (!(x > 0)) {
    *cdf = 0;
    *sf = pg->z;
    return;
  }
  double u = 1 / x, e = exp(-a * u * u);
  double k0 = sqrt(M_PI / a), k2 = 2 * c2 * sqrt(M_PI) / (4 * a * sa);
  double ec = erfc(sa * u), ef = erf(sa * u);
  *cdf = k0 * ec + c1 / a * e + k2 * ec + c2 * u * e / a;
  *sf = k0 * ef + c1 / a * (-expm1(-a * u * u)) + k2 * ef - c2 * u * e / a;
}

double qb_emft_pg_density(const qb_emft_pg *pg, double x) {
  if (!(x > 0)) return 0;
  /* p~(x) = f(x/s)/(s Z); s = Z keeps the tail 2/x^2 exactly */
  double u = pg->s / x;
  return 2 * u * u / (pg->s * pg->z) * exp(-pg->a * u * u) * (1 + pg->c1 * u + pg->c2 * u * u);
}

double qb_emft_pg_cdf(const qb_emft_pg *pg, double x) {
  double c, s;
  raw_cdf_sf(pg, x / pg->s, &c, &s);
  return c / pg->z;
}

double qb_emft_pg_sf(const qb_emft_pg *pg, double x) {
  double c, s;
  raw_cdf_sf(pg, x / pg->s, &c, &s);
  return s / pg->z;
}

/* -------------------------------------------------------- two-level functions */

/* (A10): P = (1 - 1/s)/2 with s = sqrt(1 + 4 g^2), written 2 g^2 / (s (s + 1)) for small g. */
double qb_emft_P(double g) {
  g = fabs(g);
  double s = hypot(1.0, 2 * g);
  return g <= 1 ? 2 * g * g / (s * (s + 1)) : 0.5 * (1 - 1 / s);
}

double qb_emft_Q(double g) { return 0.5 * (1 + 1 / hypot(1.0, 2 * fabs(g))); }

/* (A11), with -Q log Q = -(1 - P) log1p(-P) accurate for small P. */
double qb_emft_S(double g) {
  double p = qb_emft_P(g);
  if (p <= 0) return 0;
  return -p * log(p) - (1 - p) * log1p(-p);
}

double qb_emft_S_inverse(double s) {
  if (!(s > 0)) return 0;
  if (s >= M_LN2) return INFINITY;
  double lo = -700, hi = 700; /* log g: S(e^-700) = 0 to double precision, S(e^700) = log 2 */
  for (int it = 0; it < 200 && hi - lo > 1e-15 * fmax(1, fabs(lo)); it++) {
    double mid = 0.5 * (lo + hi);
    if (qb_emft_S(exp(mid)) < s) lo = mid;
    else hi = mid;
  }
  return exp(0.5 * (lo + hi));
}

/* ------------------------------------------------------------- quadrature */

qb_emft_quad qb_emft_quad_defaults(void) {
  qb_emft_quad q = {.panel = 0.5, .order = 16, .t_lo = -4.0, .g_sat = 1e7};
  return q;
}

/* Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n, initial guesses from the
 * Chebyshev-like asymptotics); n <= 64. */
static void gauss_legendre(int n, double *x, double *w) {
  for (int i = 0; i < (n + 1) / 2; i++) {
    double z = cos(M_PI * (i + 0.75) / (n + 0.5)), pp = 0;
    for (int it = 0; it < 100; it++) {
      double p0 = 1, p1 = 0;
      for (int k = 1; k <= n; k++) {
        double p2 = p1;
        p1 = p0;
        p0 = ((2.0 * k - 1) * z * p1 - (k - 1.0) * p2) / k;
      }
      pp = n * (z * p0 - p1) / (z * z - 1);
      double dz = p0 / pp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
  }
}

/* Nodes of the composite rule on [t_lo, t_hi] with weights folded with the density:
 * x_k = e^{t_k}, w_k = weight * p~(x_k) x_k. Returns the node count or -1 (bad quad). */
typedef struct nodes {
  qb_idx n;
  double *x, *w;
  double X; /* upper end x = e^{t_hi}; the tail x > X is handled in closed form */
} nodes;

static qb_status nodes_make(const qb_emft_pg *pg, double g1, const qb_emft_quad *q, nodes *nd,
                            qb_err *err) {
  if (!(g1 > 0) || !isfinite(g1))
    return QB_FAIL(err, QB_ERR_INPUT, "emft: reduced coupling g = %g must be positive and finite",
                   g1);
  if (!(q->panel > 0) || !(q->order == 8 || q->order == 16 || q->order == 32) ||
      !(q->g_sat > 1) || !isfinite(q->t_lo))
    return QB_FAIL(err, QB_ERR_INPUT,
                   "emft: quadrature panel = %g, order = %d (8, 16, 32), g_sat = %g (> 1) invalid",
                   q->panel, q->order, q->g_sat);
  double t_hi = fmax(log(q->g_sat / g1), q->t_lo + q->panel);
  qb_idx np = (qb_idx)ceil((t_hi - q->t_lo) / q->panel);
  double h = (t_hi - q->t_lo) / (double)np;
  int m = q->order;
  double gx[32], gw[32];
  gauss_legendre(m, gx, gw);
  nd->n = np * m;
  nd->x = qb_malloc(sizeof(double) * (size_t)nd->n);
  nd->w = qb_malloc(sizeof(double) * (size_t)nd->n);
  if (!nd->x || !nd->w) {
    nd->x = qb_free(nd->x);
    nd->w = qb_free(nd->w);
    return QB_FAIL(err, QB_ERR_NOMEM, "emft: out of memory for %lld quadrature nodes",
                   (long long)nd->n);
  }
  for (qb_idx p = 0; p < np; p++) {
    double c = q->t_lo + (p + 0.5) * h;
    for (int k = 0; k < m; k++) {
      double t = c + 0.5 * h * gx[k], x = exp(t);
      nd->x[p * m + k] = x;
      nd->w[p * m + k] = 0.5 * h * gw[k] * qb_emft_pg_density(pg, x) * x;
    }
  }
  nd->X = exp(t_hi);
  return QB_OK;
}

static void nodes_free(nodes *nd) {
  nd->x = qb_free(nd->x);
  nd->w = qb_free(nd->w);
}

/* int p~(x) f(g1 x) dx + f_inf * (1 - F(X)). */
static qb_status average(const qb_emft_pg *pg, double g1, const qb_emft_quad *q,
                         double (*f)(double), double f_inf, double *out, qb_err *err) {
  nodes nd;
  QB_TRY(nodes_make(pg, g1, q, &nd, err));
  double s = 0;
  for (qb_idx k = 0; k < nd.n; k++) s += nd.w[k] * f(g1 * nd.x[k]);
  *out = s + f_inf * qb_emft_pg_sf(pg, nd.X);
  nodes_free(&nd);
  return QB_OK;
}

qb_status qb_emft_mean_S(const qb_emft_pg *pg, double g1, const qb_emft_quad *q, double *out,
                         qb_err *err) {
  return average(pg, g1, q, qb_emft_S, M_LN2, out, err); /* (A13) */
}

/* (P - Q)^2 = 1 / (1 + 4 g^2). */
static double czz_kernel(double g) { return 1 / (1 + 4 * g * g); }

qb_status qb_emft_czz(const qb_emft_pg *pg, double g1, const qb_emft_quad *q, double *out,
                      qb_err *err) {
  return average(pg, g1, q, czz_kernel, 0, out, err); /* (A14) */
}

/* K - 1 for u = P Q' + Q P': sqrt(u) + sqrt(1 - u) - 1 = sqrt(u) - u / (1 + sqrt(1 - u)). */
static inline double k_minus_1(double p1, double q1, double p2, double q2) {
  double u = p1 * q2 + q1 * p2;
  return sqrt(u) - u / (1 + sqrt(1 - u));
}

/* (A27): eta = 2 log(1 + J), J = int int p p (K - 1), symmetric in the two variables. */
qb_status qb_emft_eta(const qb_emft_pg *pg, double g1, const qb_emft_quad *q, double *out,
                      qb_err *err) {
  nodes nd;
  QB_TRY(nodes_make(pg, g1, q, &nd, err));
  double *P = qb_malloc(sizeof(double) * 2 * (size_t)nd.n);
  if (!P) {
    nodes_free(&nd);
    return QB_FAIL(err, QB_ERR_NOMEM, "emft: out of memory (eta nodes)");
  }
  double *Q = P + nd.n;
  for (qb_idx k = 0; k < nd.n; k++) {
    P[k] = qb_emft_P(g1 * nd.x[k]);
    Q[k] = qb_emft_Q(g1 * nd.x[k]);
  }
  double J = 0;
  for (qb_idx i = 0; i < nd.n; i++) {
    double row = 0.5 * nd.w[i] * k_minus_1(P[i], Q[i], P[i], Q[i]);
    for (qb_idx j = 0; j < i; j++) row += nd.w[j] * k_minus_1(P[i], Q[i], P[j], Q[j]);
    J += 2 * nd.w[i] * row;
  }
  /* Region where either variable exceeds X: K = sqrt 2 there (saturated spin). */
  double sf = qb_emft_pg_sf(pg, nd.X);
  J += (M_SQRT2 - 1) * sf * (2 - sf);
  *out = 2 * log1p(J);
  qb_free(P);
  nodes_free(&nd);
  return QB_OK;
}

/* ------------------------------------------------------------------- p(S) */

qb_status qb_emft_pS_bins(const qb_emft_pg *pg, double g1, qb_idx nbins, double *prob,
                          qb_err *err) {
  if (!(g1 >= 0) || nbins < 1)
    return QB_FAIL(err, QB_ERR_INPUT, "emft: p(S) needs g >= 0 (got %g) and bins >= 1 (got %lld)",
                   g1, (long long)nbins);
  if (g1 == 0) { /* decoupled (or underflowed e^l): all weight at S = 0 */
    for (qb_idx k = 0; k < nbins; k++) prob[k] = k == 0;
    return QB_OK;
  }
  double prev = 0; /* CDF at g(S = 0) = 0 */
  for (qb_idx k = 0; k < nbins; k++) {
    double s = M_LN2 * (double)(k + 1) / (double)nbins;
    double c = k + 1 == nbins ? 1.0 : qb_emft_pg_cdf(pg, qb_emft_S_inverse(s) / g1);
    prob[k] = c - prev;
    prev = c;
  }
  return QB_OK;
}

/* (A12): p(S) = p_g(g(S)) / S'(g(S)), S' = log(Q/P) dP/dg, dP/dg = 2 g (1 + 4 g^2)^{-3/2}. */
double qb_emft_pS_density(const qb_emft_pg *pg, double g1, double s) {
  if (!(s > 0) || !(s < M_LN2)) return 0;
  double g = qb_emft_S_inverse(s), P = qb_emft_P(g), Q = qb_emft_Q(g);
  double dP = 2 * g * pow(1 + 4 * g * g, -1.5);
  return qb_emft_pg_density(pg, g / g1) / g1 / (log(Q / P) * dP);
}
