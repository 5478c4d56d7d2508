/* models/shared/dynamics.h — time-domain observables shared by the generic models (spin_chain,
 * matrix_market): the [evolve] observable keys, their reading, the layout columns and
 * one realization's evaluation. Private to src/models. */
#ifndef QBATH_MODELS_DYNAMICS_H
#define QBATH_MODELS_DYNAMICS_H

#include "qbath/csr.h"
#include "qbath/eigs.h"
#include "qbath/eigs_cache.h"
#include "qbath/prop.h"
#include "qbath/model.h"
#include "qbath/spectral.h"
#include "models/shared/evolve_keys.h"
#include "qbath/spin.h"
#include "models/shared/named_ops.h"

/* [evolve] observe, initial, basis_state, site, typical_samples (see dynamics.c); models
 * that offer observe = spectral list qb_spectral_keys too. */
extern const qb_key qb_dynamics_keys[];

typedef struct qb_dyn {
  int survival;          /* survival probability of the initial state */
  int survival_eig;      /* the same from the eigenpairs of [eigen] (spectral measure) */
  qb_eigs_opts eo;       /* survival_eig: the eigensolver options of [eigen] */
  int autocorr;          /* infinite-temperature sigma^z_site autocorrelation (spins only) */
  int initial;           /* QB_INIT_* */
  char product[QB_SPIN_MAX_SITES +
               1]; /* initial = a product state: 'u'/'d' per site, site 0 first */
  qb_cplx *psi_file;     /* initial = a vector file: its normalized entries (owned) */
  int expect;            /* <psi(t)|O|psi(t)> of every [observables] operator */
  int diagonal;          /* diagonal ensemble sum_a |<a|psi0>|^2 <a|O|a> of every operator */
  int op;                /* autocorr / spectral operator: [observables] index, -1: sigma^z_site */
  const qb_named_ops *ops; /* the model's [observables] (borrowed; NULL: none) */
  qb_idx basis_state;    /* initial = basis: basis index */
  int site;              /* sigma^z site */
  int samples;           /* typical states of the autocorrelation */
  int spectral;          /* infinite-temperature spectral function of sigma^z_site */
  int imbalance;         /* imbalance of the product initial state (spins only) */
  int magnetization;     /* <sigma^z_j(t)> of every site (spins only) */
  int nsites;            /* L (0 without spins) */
  qb_spec_params sp;     /* its [spectral] parameters */
  double *w;             /* its frequency axis (sp.points) */
  qb_evolve_config ev;   /* method, tolerance, output times */
  qb_idx offset;         /* first row column of the observables */
  int nlate;             /* curves summarized by a late-time mean (the end-of-run table) */
  qb_idx late_src[QB_NAMED_OPS_MAX + 4]; /* row offsets of those curves */
  qb_idx late_off;       /* row offset of the first NAME_late scalar */
} qb_dyn;

enum { QB_INIT_RANDOM = 0, QB_INIT_NEEL, QB_INIT_BASIS, QB_INIT_PRODUCT, QB_INIT_FILE };

/* Reads the keys; nsites = 0 for a model without spins (neel, products, autocorr and named
 * operators refused). dim is the Hilbert-space dimension (basis_state and a vector file
 * checked against it). ops (NULL: none) are the model's [observables]; d keeps the pointer. */
qb_status qb_dynamics_read(const qb_params *p, int nsites, qb_idx dim, const qb_named_ops *ops,
                      qb_dyn *d, qb_err *err);
/* 1 when any observable is selected. */
int qb_dynamics_any(const qb_dyn *d);
/* Adds the axis "t" and the selected columns; records their offset. */
qb_status qb_dynamics_layout(qb_dyn *d, qb_layout *L, qb_err *err);
/* Complex state vectors held at the peak of one realization's evolution. */
double qb_dynamics_vectors(const qb_dyn *d);
/* Bytes and flops of one realization (for estimate), operator with nnz nonzeros (complex
 * when is_complex); adds the
 * doubles its columns take in a row to e->row_values. */
void qb_dynamics_estimate(const qb_dyn *d, double dim, double nnz, int is_complex,
                          qb_estimate *e);
/* Evaluates the observables of one realization for H (borrowed), basis B (NULL without
 * spins) and the realization's named operators O (NULL: none), writing row + d->offset.
 * H is used by this thread only (the SpMV may partition it). E is the realization's
 * eigendecomposition of H (qb_dynamics_need declared to it first; NULL when neither
 * survival_eig, diagonal nor a Lehmann spectral function is on). */
qb_status qb_dynamics_realize(const qb_dyn *d, qb_csr *H, const qb_spin_basis *B,
                         const qb_named_set *O, const qb_task *t, int nthreads,
                         qb_eigs_cache *E, double *row, qb_err *err);
/* Declares the eigenpairs qb_dynamics_realize will take from the realization's cache E
 * (survival_eig, diagonal, Lehmann spectral function). */
void qb_dynamics_need(const qb_dyn *d, qb_eigs_cache *E);
/* Whether any of d's observables takes eigenpairs (survival_eig, diagonal, Lehmann). */
int qb_dynamics_uses_eigen(const qb_dyn *d);
/* The same for an operator Hop of any kind (borrowed; its bounds cache is filled); E as
 * above (NULL matrix-free: survival_eig, diagonal and the lehmann spectral function then
 * fail). The
 * first column is the number of Lanczos steps of the Chebyshev bounds when the method is
 * chebyshev. */
qb_status qb_dynamics_realize_op(const qb_dyn *d, qb_op *Hop, const qb_spin_basis *B,
                            const qb_named_set *O, const qb_task *t, int nthreads,
                            qb_eigs_cache *E, double *row, qb_err *err);
void qb_dynamics_clear(qb_dyn *d);

#endif
