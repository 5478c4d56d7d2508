/* models/shared/evolve_keys.h — the [evolve] and [spectral] key tables shared by every
 * model that evolves states or computes spectral functions, and their reading into the
 * solver's (qbath/prop.h) and observer's (qbath/spectral.h) option structs. These live
 * with the models, not in solve/ or observe/, because reading keys needs the params
 * layer's qb_params: the propagators and spectral transforms never see an input key. */
#ifndef QBATH_MODELS_EVOLVE_KEYS_H
#define QBATH_MODELS_EVOLVE_KEYS_H

#include "qbath/prop.h"
#include "qbath/param.h"
#include "qbath/spectral.h"

/* ---- [evolve] input keys -------------------------------------------------------------
 * One table shared by every model that evolves states (list it in the model's `keys`):
 *   method          chebyshev | krylov | dense                     (default chebyshev)
 *   tol             relative 2-norm error of the final state        (default 1e-10)
 *   grid            linear | log output times                       (default linear)
 *   t_min, t_max    first and last output time (log: t_min > 0)     (defaults 0, 10)
 *   samples         number of output times                          (default 101)
 *   times           explicit ascending output times (replaces the grid keys)
 *   krylov_dim      Krylov: largest basis                           (default 40)
 *   cheb_max_order  Chebyshev: largest order per step               (default 4096)
 *   bounds_steps    Lanczos steps of the spectral bounds            (default 60)
 *   bounds_margin   relative margin added to the Lanczos bounds     (default 0.002)
 * Times are in the model's time unit (hbar = 1 and the model's energy unit unless the
 * model documents otherwise, e.g. tau = t / (2 pi nu) for level_dot).
 */

extern const qb_key qb_evolve_keys[];

/* What the [evolve] keys of one sweep point say. */
typedef struct qb_evolve_config {
  const qb_prop_type *type; /* the method */
  qb_prop_params prop;      /* tolerance and method parameters */
  size_t ntimes;            /* output times */
  double *times;            /* ntimes ascending times (owned; qb_evolve_keys_clear) */
} qb_evolve_config;

/* Reads the [evolve] keys of p (the model must list qb_evolve_keys) into c; cross-key
 * errors (t_min > t_max, log grid from 0, times with grid keys) name file:line and key. */
qb_status qb_evolve_keys_read(const qb_params *p, qb_evolve_config *c, qb_err *err);
/* Frees c's times; c may be zeroed or filled. */
void qb_evolve_keys_clear(qb_evolve_config *c);

/* ---- [spectral] input keys -----------------------------------------------------------
 *   method   signal | kpm | lehmann          w_min, w_max, points   output grid
 *   t_max, dt, window (gauss|hann|none), gauss_cut, pad               SIGNAL
 *   moments                                                          KPM
 *   samples                                                          random vectors */
extern const qb_key qb_spectral_keys[];
/* Reads the [spectral] keys (and, for SIGNAL, the [evolve] method and tol when the model
 * lists qb_evolve_keys too) into *sp. */
qb_status qb_evolve_keys_read_spectral(const qb_params *p, qb_spec_params *sp, qb_err *err);

#endif
