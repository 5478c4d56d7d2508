/* models/shared/dynamics.h — time-domain observables shared by the generic models (spin_chain,
 * matrix_market): the [evolve] observable keys, their reading, the layout columns and
 * one realization's evaluation. Private to src/models. */
#ifndef QBATH_MODELS_DYNAMICS_H
#define QBATH_MODELS_DYNAMICS_H

#include "qbath/csr.h"
#include "qbath/eigs.h"
#include "qbath/evolve.h"
#include "qbath/model.h"
#include "qbath/spectral.h"
#include "models/shared/evolve_keys.h"
#include "qbath/spin.h"

/* [evolve] observe, initial, basis_state, site, typical_samples (see dynamics.c); models
 * that offer observe = spectral list qb_spectral_keys too. */
extern const qb_key qb_dynamics_keys[];

typedef struct qb_dyn {
  int survival;          /* survival probability of the initial state */
  int survival_eig;      /* the same from the eigenpairs of [eigen] (spectral measure) */
  qb_eigs_opts eo;       /* survival_eig: the eigensolver options of [eigen] */
  int autocorr;          /* infinite-temperature sigma^z_site autocorrelation (spins only) */
  int initial;           /* 0 random, 1 neel, 2 basis */
  qb_idx basis_state;    /* initial = basis: basis index */
  int site;              /* sigma^z site */
  int samples;           /* typical states of the autocorrelation */
  int spectral;          /* infinite-temperature spectral function of sigma^z_site */
  qb_spec_params sp;     /* its [spectral] parameters */
  double *w;             /* its frequency axis (sp.points) */
  qb_evolve_config ev;   /* method, tolerance, output times */
  qb_idx offset;         /* first row column of the observables */
} qb_dyn;

/* Reads the keys; nsites = 0 for a model without spins (neel and autocorr refused). dim
 * is the Hilbert-space dimension (basis_state checked against it). */
qb_status qb_dyn_read(const qb_params *p, int nsites, qb_idx dim, qb_dyn *d, qb_err *err);
/* 1 when any observable is selected. */
int qb_dyn_any(const qb_dyn *d);
/* Adds the axis "t" and the selected columns; records their offset. */
qb_status qb_dyn_layout(qb_dyn *d, qb_layout *L, qb_err *err);
/* Bytes and flops of one realization (for estimate), operator with nnz nonzeros. */
void qb_dyn_estimate(const qb_dyn *d, double dim, double nnz, qb_estimate *e);
/* Evaluates the observables of one realization for H (borrowed), basis B (NULL without
 * spins), writing row + d->offset. H is used by this thread only (the SpMV may
 * partition it). */
qb_status qb_dyn_realize(const qb_dyn *d, qb_csr *H, const qb_spin_basis *B,
                         const qb_task *t, int nthreads, double *row, qb_err *err);
void qb_dyn_clear(qb_dyn *d);

#endif
