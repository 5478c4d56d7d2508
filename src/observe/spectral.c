/* spectral.c — spectral functions of a state and at infinite temperature by time signal +
 * FFT, KPM, or Lehmann sum from eigenpairs (qbath/spectral.h). */
#include "qbath/spectral.h"

#include "qbath/alloc.h"

qb_spec_params qb_spec_defaults(void) {
  qb_spec_params p = {0};
  p.method = QB_SPEC_KPM;
  p.wmin = -4.0;
  p.wmax = 4.0;
  p.points = 801;
  p.t_max = 100.0;
  p.dt = 0.0;
  p.window = QB_WINDOW_GAUSS;
  p.gauss_cut = 4.0;
  p.pad = 4;
  p.prop_type = NULL;
  p.prop = qb_prop_defaults();
  p.moments = 512;
  p.kpm_points = 0;
  p.samples = 8;
  p.seed = 1;
  return p;
}

qb_spectrum *qb_spectrum_free(qb_spectrum *s) {
  if (!s) return NULL;
  qb_free(s->w);
  qb_free(s->S);
  qb_free(s->S_err);
  return qb_free(s);
}
