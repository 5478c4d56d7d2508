/* level_dot_common.c — what every level-dot representation shares (qbath/level_dot.h):
 * the time unit, the parameter check, the size of the level's spectral measure and the
 * unfolded window. Its own file so that the dense/chain representations
 * (level_dot_build.c) and the unfolded one (level_dot_unfolded.c) both call down into it
 * and never into each other's helpers. */
#include <math.h>

#include "qbath/level_dot.h"

#include "physics/level_dot_internal.h"

qb_idx qb_level_dot_unfolded_window(const qb_level_dot *m) {
  return m->window > 0 ? m->window : QB_LD_UNFOLDED_DEFAULT_WINDOW;
}

double qb_level_dot_time_unit(const qb_level_dot *m) { return 2.0 * (double)m->N / m->lambda; }

qb_status qb_level_dot_check(const qb_level_dot *m, qb_err *err) {
  if (m->N < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: N = %lld must be >= 2", (long long)m->N);
  if (!(m->gamma >= 0) || !isfinite(m->gamma))
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: gamma = %g must be finite and >= 0", m->gamma);
  if (!(m->lambda > 0))
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: lambda = %g must be > 0", m->lambda);
  if (!(m->eig_tol > 0))
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: eig_tol = %g must be > 0", m->eig_tol);
  if (m->ens == QB_GSE && m->N % 2)
    return QB_FAIL(err, QB_ERR_INPUT,
                   "level_dot: GSE needs an even N (= 2 x Kramers pairs), got %lld",
                   (long long)m->N);
  if (m->window < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: window = %lld must be >= 0",
                   (long long)m->window);
  if (m->repr == QB_LD_UNFOLDED && qb_level_dot_unfolded_window(m) < 8)
    return QB_FAIL(err, QB_ERR_INPUT, "level_dot: the unfolded window needs >= 8 levels, got %lld",
                   (long long)m->window);
  return QB_OK;
}

qb_idx qb_level_dot_measure_size(const qb_level_dot *m) {
  qb_idx n = qb_level_dot_levels(m) + 1;
  if (m->repr == QB_LD_DENSE) return n;
  if (m->repr == QB_LD_UNFOLDED) {
    /* Levels in the window fluctuate around K (number variance ~ ln K / pi^2); roots K + 1. */
    qb_idx K = qb_level_dot_unfolded_window(m);
    return K + K / 8 + 64;
  }
  return m->window > 0 && m->window < n ? m->window : n;
}
