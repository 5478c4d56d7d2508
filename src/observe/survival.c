/* survival.c — P(t) = |sum_a w_a e^{-i E_a t}|^2 from a spectral measure, its infinite-time
 * average sum_a w_a^2 and finite time averages. */
#define _GNU_SOURCE /* sincos */
#include <math.h>

#include "qbath/alloc.h"
#include "qbath/survival.h"

/* |sum_a w_a e^{-i E_a t} + extra|^2 */
static double survival_at(const double *E, const double *w, qb_idx m, double t, qb_cplx extra) {
  double re = creal(extra), im = cimag(extra);
  for (qb_idx a = 0; a < m; a++) {
    double s, c;
    sincos(E[a] * t, &s, &c);
    re += w[a] * c;
    im -= w[a] * s;
  }
  return re * re + im * im;
}

void qb_survival_with_tail(const double *E, const double *w, qb_idx m, double tail_weight,
                           const qb_cplx *phi, const double *t, qb_idx nt, int nthreads,
                           double *P) {
  if (nthreads < 1) nthreads = 1;
#pragma omp parallel for default(none) shared(E, w, m, t, nt, P, tail_weight, phi) \
    schedule(static) num_threads(nthreads)
  for (qb_idx j = 0; j < nt; j++) P[j] = survival_at(E, w, m, t[j], phi ? tail_weight * phi[j] : 0);
}

void qb_survival_from_measure(const double *E, const double *w, qb_idx m, const double *t,
                              qb_idx nt, int nthreads, double *P) {
  qb_survival_with_tail(E, w, m, 0.0, NULL, t, nt, nthreads, P);
}

double qb_survival_ipr(const double *w, qb_idx m) {
  double s = 0;
  for (qb_idx a = 0; a < m; a++) s += w[a] * w[a];
  return s;
}

double qb_survival_time_average(const double *E, const double *w, qb_idx m, double tail_weight,
                                const qb_cplx *phi, const double *t, qb_idx nt, int nthreads) {
  double *P = qb_malloc(sizeof(double) * (size_t)(nt > 0 ? nt : 1));
  if (P == NULL) return NAN;
  qb_survival_with_tail(E, w, m, tail_weight, phi, t, nt, nthreads, P);
  double s = 0;
  for (qb_idx j = 0; j < nt; j++) s += P[j];
  qb_free(P);
  return nt > 0 ? s / (double)nt : NAN;
}
