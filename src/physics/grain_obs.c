/* grain_obs.c — eigenstate observables of the grain-plus-spins model (qbath/grain.h):
 * windows of eigenpairs, matrix elements of a spin flip between two windows, the
 * tau^x spectral peak width of Potirniche Eq. (5) and Fig. 3, and full-spectrum eigenstate
 * spectral functions (Eqs. (S2), (S3), (S5)). */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/grain.h"

qb_status qb_grain_window(const qb_eigs_result *r, qb_idx lo, qb_idx k, qb_eigs_result *view,
                          qb_err *err) {
  if (lo < 0 || k < 1 || lo + k > r->nev)
    return QB_FAIL(err, QB_ERR_DIM, "grain: window [%lld, %lld) outside the %lld pairs",
                   (long long)lo, (long long)(lo + k), (long long)r->nev);
  *view = *r;
  view->nev = k;
  view->E = r->E + lo;
  view->resid = r->resid ? r->resid + lo : NULL;
  view->V = r->V ? (char *)r->V + (size_t)lo * (size_t)r->dim * qb_dtype_size(r->dtype) : NULL;
  return QB_OK;
}

qb_idx qb_grain_nearest(const qb_eigs_result *r, qb_idx k, double sigma) {
  /* The k levels nearest sigma are consecutive in the ascending list: slide the window
   * while its upper neighbour is nearer sigma than its lowest member. */
  qb_idx lo = 0;
  if (k >= r->nev) return 0;
  while (lo + k < r->nev && fabs(r->E[lo + k] - sigma) < fabs(r->E[lo] - sigma)) lo++;
  return lo;
}

/* Y[:, j] = X_site a_j for ka real vectors: (X v)(i) = v(i ^ 2^site). */
static void flip_vectors(const double *V, qb_idx dim, qb_idx k, uint64_t bit, double *Y) {
  qb_idx total = dim * k;
#pragma omp parallel for default(none) shared(V, Y, dim, total, bit) schedule(static)
  for (qb_idx t = 0; t < total; t++) {
    qb_idx j = t / dim, i = t % dim;
    Y[t] = V[j * dim + (qb_idx)((uint64_t)i ^ bit)];
  }
}

qb_status qb_grain_flip_elements(const qb_eigs_result *a, const qb_eigs_result *b, int site,
                                 double *C, qb_err *err) {
  if (a->dtype != QB_REAL || b->dtype != QB_REAL || a->V == NULL || b->V == NULL ||
      a->dim != b->dim)
    return QB_FAIL(err, QB_ERR_INPUT,
                   "grain: flip elements need real eigenvectors of one operator");
  if (site < 0 || ((qb_idx)1 << site) >= a->dim)
    return QB_FAIL(err, QB_ERR_INPUT, "grain: site %d outside dimension %lld", site,
                   (long long)a->dim);
  double *Y = qb_malloc(sizeof(double) * (size_t)(a->dim * a->nev));
  if (Y == NULL)
    return QB_FAIL(err, QB_ERR_NOMEM, "grain: no memory for %lld flipped vectors",
                   (long long)a->nev);
  flip_vectors(a->V, a->dim, a->nev, (uint64_t)1 << site, Y);
  /* C (kb x ka, column-major) = V_b^T Y. */
  cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)b->nev, (int)a->nev, (int)a->dim, 1.0,
              b->V, (int)a->dim, Y, (int)a->dim, 0.0, C, (int)b->nev);
  qb_free(Y);
  return QB_OK;
}

void qb_grain_half_width(const double *h, qb_idx nb, double dE, qb_grain_peak *p) {
  qb_idx bmax = 0;
  for (qb_idx i = 1; i < nb; i++)
    if (h[i] > h[bmax]) bmax = i;
  qb_idx left = bmax - 1, right = bmax + 1;
  while (left >= 0 && h[left] >= 0.5 * h[bmax]) left--;
  while (right < nb && h[right] >= 0.5 * h[bmax]) right++;
  p->gamma = (double)(right - left) * dE;
  p->clipped = left < 0 || right >= nb;
  p->omega_peak = (double)bmax + 0.5; /* in bins; the caller adds the origin */
}

qb_status qb_grain_peak_width(const qb_eigs_result *a, const qb_eigs_result *b, int site,
                              double dE, qb_grain_peak *out, qb_err *err) {
  /* Positive frequencies only: the mirror peak near -2 eps is not the one measured. */
  double lo = fmax(b->E[0] - a->E[0], 0.0), hi = b->E[b->nev - 1] - a->E[a->nev - 1];
  if (!(dE > 0) || hi - lo < 3 * dE)
    return QB_FAIL(
        err, QB_ERR_INPUT,
        "grain: the upper window (%lld states) covers no complete "
        "frequency range over the lower window's %lld states (%.3g..%.3g); raise nev_peak",
        (long long)b->nev, (long long)a->nev, lo, hi);
  qb_idx nb = (qb_idx)floor((hi - lo) / dE), ka = a->nev, kb = b->nev;
  double *C = qb_malloc(sizeof(double) * (size_t)(ka * kb));
  double *h = qb_calloc((size_t)nb, sizeof(double));
  qb_status st =
      C && h ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "grain: no memory for the peak histogram");
  if (st == QB_OK) st = qb_grain_flip_elements(a, b, site, C, err);
  if (st == QB_OK) {
    double wsum = 0;
    /* Potirniche et al. 2019 Eq. (5): each |<m|X|n>|^2 adds pi |.|^2 / dE to the bin of E_m - E_n;
     * mean over n. */
    for (qb_idx n = 0; n < ka; n++)
      for (qb_idx m = 0; m < kb; m++) {
        double c2 = C[m + n * kb] * C[m + n * kb];
        wsum += c2;
        double x = (b->E[m] - a->E[n] - lo) / dE;
        if (x >= 0 && x < (double)nb) h[(qb_idx)x] += M_PI * c2 / (dE * (double)ka);
      }
    qb_grain_half_width(h, nb, dE, out);
    out->omega_peak = lo + out->omega_peak * dE;
    out->weight = wsum / (double)ka;
  }
  qb_free(h);
  qb_free(C);
  return st;
}

/* rho_n on the grid for state n (column Cn of the dim x ka elements), added to th, lg. */
static void add_state(const double *Cn, const double *E, qb_idx dim, qb_idx self, double En,
                      int nbins, double wmax, double shift, double scale, double *rho,
                      double *th, double *lg) {
  double dw = 2 * wmax / nbins;
  memset(rho, 0, sizeof(double) * (size_t)nbins);
  for (qb_idx m = 0; m < dim; m++) {
    if (m == self) continue; /* Potirniche et al. 2019 Eq. (S2): m != n */
    double x = (E[m] - En + wmax) / dw;
    if (x >= 0 && x < nbins) rho[(int)x] += M_PI * Cn[m] * Cn[m] / dw;
  }
  for (int b = 0; b < nbins; b++) {
    th[b] += scale * rho[b];
    lg[b] += scale * log(rho[b] + shift);
  }
}

qb_status qb_grain_specfn(const qb_eigs_result *a, qb_idx a_lo, const qb_eigs_result *all,
                          int site, int nbins, double wmax, double shift, double *th,
                          double *lg, qb_err *err) {
  qb_idx ka = a->nev, dim = all->nev;
  double *C = qb_malloc(sizeof(double) * (size_t)(ka * dim));
  double *rho = qb_malloc(sizeof(double) * (size_t)nbins);
  qb_status st =
      C && rho ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "grain: no memory for spectral functions");
  if (st == QB_OK) st = qb_grain_flip_elements(a, all, site, C, err);
  if (st == QB_OK) {
    memset(th, 0, sizeof(double) * (size_t)nbins);
    memset(lg, 0, sizeof(double) * (size_t)nbins);
    for (qb_idx n = 0; n < ka; n++)
      add_state(C + n * dim, all->E, dim, a_lo + n, a->E[n], nbins, wmax, shift, 1.0 / (double)ka,
                rho, th, lg);
  }
  qb_free(rho);
  qb_free(C);
  return st;
}
