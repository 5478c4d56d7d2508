/* models/shared/grain_time.h — the time domain of the model grain_spins (its [evolve] and
 * [spectral] sections): autocorrelations C(t) = <psi|O(t) O|psi> of tau_M^x, sigma_1^x
 * (the coupled grain qubit), the Thouless probe sigma_N^z and tau_M^z in infinite-
 * temperature and energy-filtered typical states, their FFT spectral functions, the tau_M^x
 * peak width gamma at a resolution finer than delta_E, and the spins' infinite-time memory
 * C^zz_a with the last spin's relaxation rate. Built on the generic machinery: propagators
 * (qbath/prop.h), typicality and the Chebyshev energy filter (qbath/dynobs.h), the signal
 * FFT (qbath/spectral.h), the [evolve] / [spectral] key tables (evolve_keys.h). Kept apart
 * from models/grain_spins.c so that plug-in stays its eigenstate glue. Private to
 * src/models. */
#ifndef QBATH_MODELS_GRAIN_TIME_H
#define QBATH_MODELS_GRAIN_TIME_H

#include "qbath/grain.h"
#include "qbath/model.h"
#include "models/shared/evolve_keys.h"

/* The operators, in row order. */
enum { QB_GRAIN_TIME_TAU_X = 0, QB_GRAIN_TIME_SIGMA1_X, QB_GRAIN_TIME_PROBE_Z,
       QB_GRAIN_TIME_TAU_Z, QB_GRAIN_TIME_NOPS };

/* grain_spins's own [evolve] rows (list with qb_evolve_keys and qb_spectral_keys). */
extern const qb_key qb_grain_time_keys[];

typedef struct qb_grain_time {
  int corr[QB_GRAIN_TIME_NOPS]; /* C(t) of operator k on the [evolve] grid */
  int spec[QB_GRAIN_TIME_NOPS]; /* S(w) of operator k by the [spectral] signal */
  int gamma;                    /* tau_M^x peak width from the filtered spectrum */
  int memory;                   /* C^zz of every spin, the last spin's, its rate */
  int ens[2];                   /* ensembles: [0] infinite temperature, [1] filtered */
  int samples;                  /* random states per realization and ensemble */
  double filter_sigma;          /* Gaussian filter width (0: matched to nev states) */
  double filter_tol;            /* truncation of the filter's Chebyshev series */
  double gamma_kernel;          /* gamma: Gaussian kernel std / delta_E */
  int gamma_per_bin;            /* gamma: spectrum samples per delta_E bin */
  qb_evolve_config ev;          /* method, tolerance, output times (owned times) */
  qb_spec_params sp;            /* [spectral] (its FFT plan cache owned) */
  double *w;                    /* spectral axis (owned) */
  qb_idx off;                   /* first row column */
} qb_grain_time;

/* Reads the keys (d zeroed first); nothing selected leaves every flag 0. */
qb_status qb_grain_time_read(const qb_params *p, const qb_grain_spec *s, qb_grain_time *d,
                             qb_err *err);
/* 1 when any time-domain observable is selected. */
int qb_grain_time_any(const qb_grain_time *d);
/* Adds the axes t, w and the selected columns (records their offset). */
qb_status qb_grain_time_layout(qb_grain_time *d, const qb_grain_spec *s, qb_layout *L,
                               qb_err *err);
/* Bytes and flops of one realization, and the doubles of its row. */
void qb_grain_time_estimate(const qb_grain_time *d, const qb_grain_spec *s, qb_estimate *e);
/* What the time domain needs of one realization: H (borrowed, used by this thread only;
 * its bounds cache is filled), sigma_0 = tr H / dim, the energy variance
 * Tr (H - sigma_0)^2 / dim and the last spin's field. */
typedef struct qb_grain_time_h {
  qb_op *H;
  double sigma0, variance, eps_m;
} qb_grain_time_h;

/* One realization's observables; probe is the Thouless probe's grain qubit, nev the
 * eigenstate path's window (the filter's width is matched to it). Writes row + d->off. */
qb_status qb_grain_time_realize(const qb_grain_time *d, const qb_grain_spec *s, int probe,
                                qb_idx nev, const qb_grain_time_h *h, const qb_task *t,
                                double *row, qb_err *err);
void qb_grain_time_clear(qb_grain_time *d);

#endif
