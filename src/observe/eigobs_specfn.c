/* eigobs_specfn.c — eigenstate spectral functions by a Lehmann sum over the window, and their
 * thermal and typical averages (Potirniche et al. Eqs. (S2), (S3), (S5); qbath/eigobs.h). */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/eigobs.h"

qb_status qb_eigobs_specfn_create(int nbins, double wmin, double wmax, double shift,
                                  qb_specfn **out, qb_err *err) {
  *out = NULL;
  if (nbins < 1 || !(wmax > wmin) || !(shift >= 0))
    return QB_FAIL(err, QB_ERR_INPUT, "spectral function: need nbins >= 1 (got %d), wmax > wmin "
                   "(got [%g, %g)) and shift >= 0 (got %g)", nbins, wmin, wmax, shift);
  qb_specfn *S = qb_calloc(1, sizeof *S);
  if (S) {
    S->sum = qb_calloc((size_t)nbins, sizeof *S->sum);
    S->sumlog = qb_calloc((size_t)nbins, sizeof *S->sumlog);
  }
  if (!S || !S->sum || !S->sumlog) {
    qb_eigobs_specfn_free(S);
    return QB_FAIL(err, QB_ERR_NOMEM, "spectral function of %d bins", nbins);
  }
  S->nbins = nbins;
  S->wmin = wmin;
  S->wmax = wmax;
  S->shift = shift;
  *out = S;
  return QB_OK;
}

qb_specfn *qb_eigobs_specfn_free(qb_specfn *S) {
  if (!S) return NULL;
  qb_free(S->sum);
  qb_free(S->sumlog);
  return qb_free(S);
}

/* Potirniche et al. 2019 Eq. (S2) for one state n, histogrammed: rho[b] += pi |O_nm|^2 / dw. */
static void one_state(const qb_specfn *S, const qb_eigs_result *r, const void *M, qb_dtype dt,
                      qb_idx n, double *rho) {
  qb_idx k = r->nev;
  double dw = (S->wmax - S->wmin) / S->nbins;
  memset(rho, 0, (size_t)S->nbins * sizeof *rho);
  for (qb_idx m = 0; m < k; m++) {
    if (m == n) continue;
    double w = r->E[m] - r->E[n];
    if (!(w >= S->wmin && w < S->wmax)) continue;
    int b = (int)floor((w - S->wmin) / dw);
    if (b >= S->nbins) b = S->nbins - 1; /* rounding at the upper edge */
    double a2 = dt == QB_REAL ? pow(((const double *)M)[n + m * k], 2)
                              : pow(cabs(((const qb_cplx *)M)[n + m * k]), 2);
    rho[b] += M_PI * a2 / dw;
  }
}

qb_status qb_eigobs_specfn_add(qb_specfn *S, const qb_eigs_result *r, const void *M,
                               qb_dtype mdtype, qb_idx first, qb_idx last, qb_err *err) {
  if (first < 0 || last > r->nev || first > last)
    return QB_FAIL(err, QB_ERR_INPUT, "spectral function: states [%ld, %ld) outside the window "
                   "of %ld", (long)first, (long)last, (long)r->nev);
  double *rho = qb_malloc((size_t)S->nbins * sizeof *rho);
  if (!rho) return QB_FAIL(err, QB_ERR_NOMEM, "spectral function of %d bins", S->nbins);
  for (qb_idx n = first; n < last; n++) {
    one_state(S, r, M, mdtype, n, rho);
    for (int b = 0; b < S->nbins; b++) {
      S->sum[b] += rho[b];
      S->sumlog[b] += log(rho[b] + S->shift); /* Sec. S1 c: the 1e-20 shift */
    }
    S->count++;
  }
  qb_free(rho);
  return QB_OK;
}

qb_status qb_eigobs_specfn_thermal(const qb_specfn *S, double *out, qb_err *err) {
  if (S->count == 0) return QB_FAIL(err, QB_ERR_INPUT, "spectral function: no states added");
  for (int b = 0; b < S->nbins; b++)
    out[b] = S->sum[b] / (double)S->count; /* Potirniche et al. 2019 Eq. (S5) */
  return QB_OK;
}

qb_status qb_eigobs_specfn_typical(const qb_specfn *S, double *out, qb_err *err) {
  if (S->count == 0) return QB_FAIL(err, QB_ERR_INPUT, "spectral function: no states added");
  for (int b = 0; b < S->nbins; b++) out[b] = exp(S->sumlog[b] / (double)S->count); /* (S3) */
  return QB_OK;
}
