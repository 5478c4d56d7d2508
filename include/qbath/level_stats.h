/* qbath/level_stats.h — spectral statistics of a sorted list of levels.
 *
 * Consecutive-gap ratio (Oganesyan-Huse; Atas et al. 2013): with s_k = E_{k+1} - E_k,
 * r_k = min(s_k, s_{k-1}) / max(s_k, s_{k-1}); <r> = 0.5307 (GOE), 0.5996 (GUE),
 * 0.6744 (GSE), 2 ln 2 - 1 = 0.3863 (Poisson). */
#ifndef QBATH_LEVEL_STATS_H
#define QBATH_LEVEL_STATS_H

#include <stddef.h> /* size_t, used by types.h */
#include "qbath/types.h"

/* Mean of r_k over the levels E[stride*i], i = 0..n-1 (stride 2 counts each Kramers pair
 * of a GSE spectrum once), for i in [lo, hi) of those (pass lo = 0, hi = n for all).
 * Levels must be ascending. A ratio with both gaps exactly 0 is undefined and skipped.
 * Returns NaN when fewer than 3 levels remain. *count gets the number of
 * ratios averaged (may be NULL). */
double qb_level_stats_gap_ratio_mean(const double *E, qb_idx n, qb_idx stride, qb_idx lo, qb_idx hi,
                         qb_idx *count);

#endif
