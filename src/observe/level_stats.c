/* level_stats.c — consecutive-gap ratio statistics of a sorted spectrum. */
#include "qbath/level_stats.h"

#include <math.h>

/* <r> over x_i = E[stride i], i in [lo, hi): r_i = min(s_i, s_{i-1}) / max(s_i, s_{i-1})
 * with s_i = x_{i+1} - x_i (Oganesyan & Huse, PRB 75, 155111 (2007), eq. 1; Atas et al.,
 * PRL 110, 084101 (2013)). */
double qb_level_stats_gap_ratio_mean(const double *E, qb_idx n, qb_idx stride, qb_idx lo, qb_idx hi,
                         qb_idx *count) {
  if (count) *count = 0;
  if (lo < 0) lo = 0;
  if (hi > n) hi = n;
  if (!E || stride < 1 || hi - lo < 3) return NAN;
  double sum = 0.0;
  qb_idx m = 0;
  for (qb_idx i = lo + 1; i + 1 < hi; ++i) {
    double sp = E[stride * i] - E[stride * (i - 1)];
    double sn = E[stride * (i + 1)] - E[stride * i];
    double mx = fmax(sp, sn);
    if (mx == 0.0) continue; /* both gaps exactly zero: r undefined */
    sum += fmin(sp, sn) / mx;
    ++m;
  }
  if (count) *count = m;
  return m > 0 ? sum / (double)m : NAN;
}
