/* emft_sample.c — direct sampling of the first-order norm g_a of Crowley & Chandran 2022 Eq. (5) in
 * a GOE grain
 * (x) spin, in units of the local reduced coupling g_1 (Crowley & Chandran 2022 Eq. (3)), to
 * compare with the
 * shapes of p_{g_a} (A3)-(A4). Setting and conventions: include/qbath/emft.h. */
#include <math.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/emft.h"
#include "qbath/rmt.h"

qb_status qb_emft_sample_goe(const qb_rng *r0, qb_idx d, double shift_spacings,
                             double window, double *x, qb_idx *nout, qb_err *err) {
  if (d < 8 || !(shift_spacings > 0) || !(window > 0 && window <= 1))
    return QB_FAIL(err, QB_ERR_INPUT,
                   "emft sample: d = %lld (>= 8), shift = %g (> 0), window = %g ((0, 1]) invalid",
                   (long long)d, shift_spacings, window);
  qb_rng r = *r0;
  double *e = qb_malloc(sizeof(double) * 2 * (size_t)d);
  if (!e) return QB_FAIL(err, QB_ERR_NOMEM, "emft sample: out of memory (d = %lld)", (long long)d);
  double *off = e + d;
  qb_status st = qb_rmt_beta_hermite(&r, 1, d, 1.0, e, off, err);
  if (st == QB_OK) st = qb_dense_tridiag_eigh(d, e, off, NULL, err);
  if (st != QB_OK) {
    qb_free(e);
    return st;
  }
  double R = qb_rmt_semicircle_radius(QB_GOE, d, 1.0);
  double shift = shift_spacings * M_PI * R / (2.0 * (double)d); /* 2h; spacing 1/rho(0) */
  qb_idx lo = (qb_idx)floor(0.5 * (1 - window) * (double)d), hi = d - lo, cnt = 0;
  for (qb_idx a = lo; a < hi; a++) {
    double ea = e[a] + shift, g2 = 0;
    if (fabs(ea) >= R) continue; /* the opposite-sector level density vanishes there */
    for (qb_idx b = 0; b < d; b++) {
      double o = qb_rng_normal(&r) * (b == a ? M_SQRT2 : 1.0); /* GOE O: diagonal variance 2 */
      double den = ea - e[b];
      g2 += o * o / (den * den);
    }
    double rho = (double)d * 2 * sqrt(R * R - ea * ea) / (M_PI * R * R);
    double g1 = rho * sqrt(2 / M_PI); /* rho [|O_ab|], s = 1 */
    x[cnt++] = sqrt(g2) / g1;
  }
  *nout = cnt;
  qb_free(e);
  return QB_OK;
}
