/* emft_table.c — eta(g), [S](g) and C^zz(g) tabulated on a uniform grid in l = log g
 * with natural cubic splines, and their asymptotic continuations outside the grid:
 *   below l_min:  eta = g (8 log(1/g) + b)   (-8 g log g, Crowley & Chandran 2022 Eq. (8c) text; b
 *                 matched),
 *                 [S] = a_S g, 1 - C^zz = a_C g            (Crowley & Chandran 2022 Eq. (7b):
 *                 linear in g),
 *   above l_max:  eta = log 2 - c e^{-4l}                  (log 2 + O(g^-4)),
 *                 [S] = log 2 - c_S e^{-2l}, C^zz = c_C e^{-2l}  (saturated spin:
 *                 S = log 2 - 1/(8 g^2), (P - Q)^2 = 1/(1 + 4 g^2)),
 * with each constant matched to the table's end value. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/emft.h"

enum { TAB_ETA = 0, TAB_S = 1, TAB_C = 2, TAB_N = 3 }; /* TAB_C holds 1 - C^zz */

/* Grid points added beyond each end: the natural spline's end condition (m = 0) costs
 * O(dl^2) accuracy within a few points of the ends, so they are kept off the used range. */
enum { TAB_PAD = 12 };

struct qb_emft_table {
  qb_emft_pg pg;
  double l_min, dl;  /* first grid point (l_lo - TAB_PAD dl) and step */
  double l_lo, l_hi; /* used range: the spline inside, asymptotic forms outside */
  qb_idx n;          /* grid points */
  double *y[TAB_N];  /* values at the grid points */
  double *m[TAB_N];  /* spline second derivatives */
  double lo[TAB_N], hi[TAB_N]; /* matched asymptotic constants (see above) */
};

/* Natural cubic spline second derivatives on a uniform grid (Thomas algorithm). */
static void spline_init(qb_idx n, double h, const double *y, double *m, double *work) {
  m[0] = m[n - 1] = 0;
  if (n < 3) return;
  double *c = work; /* modified super-diagonal */
  /* rows i = 1..n-2: m_{i-1} + 4 m_i + m_{i+1} = 6 (y_{i+1} - 2 y_i + y_{i-1}) / h^2 */
  double prev_c = 0, prev_d = 0;
  for (qb_idx i = 1; i < n - 1; i++) {
    double b = 4 - (i > 1 ? prev_c : 0);
    double d = 6 * (y[i + 1] - 2 * y[i] + y[i - 1]) / (h * h) - (i > 1 ? prev_d : 0);
    c[i] = 1 / b;
    m[i] = d / b;
    prev_c = c[i];
    prev_d = m[i];
  }
  for (qb_idx i = n - 3; i >= 1; i--) m[i] -= c[i] * m[i + 1];
}

/* Spline value and derivative at l inside the grid. */
static double spline_eval(const qb_emft_table *t, int f, double l, double *deriv) {
  double s = (l - t->l_min) / t->dl;
  qb_idx i = (qb_idx)floor(s);
  if (i < 0) i = 0;
  if (i > t->n - 2) i = t->n - 2;
  double h = t->dl, b = s - (double)i, a = 1 - b;
  const double *y = t->y[f], *m = t->m[f];
  double v =
      a * y[i] + b * y[i + 1] + ((a * a * a - a) * m[i] + (b * b * b - b) * m[i + 1]) * h * h / 6;
  if (deriv)
    *deriv = (y[i + 1] - y[i]) / h + ((3 * b * b - 1) * m[i + 1] - (3 * a * a - 1) * m[i]) * h / 6;
  return v;
}

static qb_status tabulate(qb_emft_table *t, const qb_emft_quad *q, int nthreads, qb_err *err) {
  qb_idx n = t->n;
  int failed = 0;
  qb_err e1;
  qb_err_clear(&e1);
  const qb_emft_table *tc = t;
#pragma omp parallel for num_threads(nthreads) schedule(dynamic, 1) default(none) \
    shared(tc, q, n, failed, e1)
  for (qb_idx k = 0; k < n; k++) {
    double g = exp(tc->l_min + (double)k * tc->dl), eta = 0, s = 0, c = 0;
    qb_err ek;
    qb_status st = qb_emft_eta(&tc->pg, g, q, &eta, &ek);
    if (st == QB_OK) st = qb_emft_mean_S(&tc->pg, g, q, &s, &ek);
    if (st == QB_OK) st = qb_emft_czz(&tc->pg, g, q, &c, &ek);
    if (st != QB_OK) {
#pragma omp critical(emft_tab)
      {
        failed = 1;
        e1 = ek;
      }
    }
    tc->y[TAB_ETA][k] = eta;
    tc->y[TAB_S][k] = s;
    tc->y[TAB_C][k] = 1 - c;
  }
  if (failed) {
    if (err) *err = e1;
    return e1.code;
  }
  return QB_OK;
}

qb_emft_table *qb_emft_table_create(const qb_emft_pg *pg, double l_min, double l_max,
                                    double dl, const qb_emft_quad *q, int nthreads,
                                    qb_err *err) {
  if (!(l_max > l_min) || !(dl > 0) || (l_max - l_min) / dl > 1e7 || (l_max - l_min) / dl < 3) {
    QB_FAIL(err, QB_ERR_INPUT, "emft table: l range [%g, %g] with step %g invalid (3..1e7 points)",
            l_min, l_max, dl);
    return NULL;
  }
  qb_emft_table *t = qb_calloc(1, sizeof *t);
  if (!t) {
    QB_FAIL(err, QB_ERR_NOMEM, "emft table: out of memory");
    return NULL;
  }
  t->pg = *pg;
  qb_idx inner = (qb_idx)ceil((l_max - l_min) / dl);
  t->dl = (l_max - l_min) / (double)inner;
  t->n = inner + 1 + 2 * TAB_PAD;
  t->l_min = l_min - TAB_PAD * t->dl;
  t->l_lo = l_min;
  t->l_hi = l_max;
  double *work = NULL;
  for (int f = 0; f < TAB_N; f++) {
    t->y[f] = qb_malloc(sizeof(double) * (size_t)t->n);
    t->m[f] = qb_malloc(sizeof(double) * (size_t)t->n);
    if (!t->y[f] || !t->m[f]) goto nomem;
  }
  work = qb_malloc(sizeof(double) * (size_t)t->n);
  if (!work) goto nomem;
  if (tabulate(t, q, nthreads < 1 ? 1 : nthreads, err) != QB_OK) goto fail;
  for (int f = 0; f < TAB_N; f++) spline_init(t->n, t->dl, t->y[f], t->m[f], work);
  qb_free(work);
  double g_lo = exp(t->l_lo), g_hi = exp(t->l_hi);
  qb_idx ilo = TAB_PAD, ihi = TAB_PAD + inner;
  t->lo[TAB_ETA] = t->y[TAB_ETA][ilo] / g_lo + 8 * t->l_lo; /* b in g (8 log(1/g) + b) */
  t->lo[TAB_S] = t->y[TAB_S][ilo] / g_lo;
  t->lo[TAB_C] = t->y[TAB_C][ilo] / g_lo;
  t->hi[TAB_ETA] = fmax(0, M_LN2 - t->y[TAB_ETA][ihi]) * pow(g_hi, 4);
  t->hi[TAB_S] = fmax(0, M_LN2 - t->y[TAB_S][ihi]) * g_hi * g_hi;
  t->hi[TAB_C] = fmax(0, 1 - t->y[TAB_C][ihi]) * g_hi * g_hi;
  return t;
nomem:
  QB_FAIL(err, QB_ERR_NOMEM, "emft table: out of memory for %lld points", (long long)t->n);
fail:
  qb_free(work);
  return qb_emft_table_free(t);
}

qb_emft_table *qb_emft_table_free(qb_emft_table *t) {
  if (!t) return NULL;
  for (int f = 0; f < TAB_N; f++) {
    qb_free(t->y[f]);
    qb_free(t->m[f]);
  }
  return qb_free(t);
}

/* exp(l) with the underflow to zero done here: below -746 exp returns 0 anyway, but
 * through libm's error path (errno), which dominated a 1e5-spin DRH solve whose far
 * spins sit at log g ~ -1e4. Bit-identical to exp. */
static double exp_or_zero(double l) { return l < QB_EMFT_LOG_G_ZERO ? 0 : exp(l); }

double qb_emft_table_eta(const qb_emft_table *t, double l, double *deriv) {
  if (l == -INFINITY) {
    if (deriv) *deriv = 0;
    return 0;
  }
  if (l < t->l_lo) {
    double g = exp_or_zero(l), v = g * (-8 * l + t->lo[TAB_ETA]);
    if (deriv) *deriv = v - 8 * g;
    return v;
  }
  if (l > t->l_hi) {
    double d = t->hi[TAB_ETA] * exp(-4 * l);
    if (deriv) *deriv = 4 * d;
    return M_LN2 - d;
  }
  return spline_eval(t, TAB_ETA, l, deriv);
}

double qb_emft_table_S(const qb_emft_table *t, double l) {
  if (l < t->l_lo) return t->lo[TAB_S] * exp_or_zero(l);
  if (l > t->l_hi) return M_LN2 - t->hi[TAB_S] * exp(-2 * l);
  return spline_eval(t, TAB_S, l, NULL);
}

double qb_emft_table_czz(const qb_emft_table *t, double l) {
  if (l < t->l_lo) return 1 - t->lo[TAB_C] * exp_or_zero(l);
  if (l > t->l_hi) return t->hi[TAB_C] * exp(-2 * l);
  return 1 - spline_eval(t, TAB_C, l, NULL);
}

const qb_emft_pg *qb_emft_table_pg(const qb_emft_table *t) { return &t->pg; }
