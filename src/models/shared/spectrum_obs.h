/* spectrum_obs.h — the eigenstate observables the generic models share (spin_chain,
 * matrix_market): the `[eigen]` key table, and from a Hermitian CSR matrix the gap ratio,
 * the spectrum's bounds and, optionally, the entanglement entropy of a bipartition.
 *
 * Two paths, chosen by [eigen] method (auto: dense up to dense_max_dim):
 *   dense          all eigenvalues (LAPACK); <r> over the middle [eigen] window fraction;
 *                  e_min, e_max exact; entropies over the nev eigenstates nearest target.
 *   shift_invert   the nev eigenpairs nearest the target energy density (ARPACK on a
 *                  UMFPACK factorization, qbath/eigs.h); <r> over those nev levels;
 *                  e_min, e_max from ARPACK's extremal eigenvalues.
 * method = none computes none of them (time-domain-only runs).
 * The gap ratio of the two paths estimates the same mean <r> when the window is narrow
 * enough that the level statistics do not drift across it. */
#ifndef QBATH_MODELS_SPECTRUM_OBS_H
#define QBATH_MODELS_SPECTRUM_OBS_H

#include "qbath/eigobs.h"
#include "qbath/eigs.h"
#include "qbath/model.h"

/* The [eigen] keys: method, nev, target, window, dense_max_dim, tol. */
extern const qb_key qb_eigen_keys[];

typedef struct qb_spectrum_obs {
  int enabled;        /* 0: [eigen] method = none */
  qb_eigs_opts opts;  /* from [eigen] */
  double window;      /* dense path: middle fraction of levels for <r> */
  int entropy;        /* 1: rows carry the mean entanglement entropy of `bip` */
  qb_idx col_r, col_emin, col_emax, col_svn, col_s2; /* offsets in the row */
} qb_spectrum_obs;

/* 1 unless [eigen] method = none. */
int qb_spectrum_obs_enabled(const qb_params *p);

/* Reads [eigen], adds the columns gap_ratio, e_min, e_max (and s_vn, s_renyi2 when
 * entropy) to the layout; with method = none adds nothing. */
qb_status qb_spectrum_obs_init(const qb_params *p, int entropy, qb_spectrum_obs *s,
                               qb_layout *L, qb_err *err);

/* The eigensolver options of [eigen] (method = none reads as auto). */
void qb_spectrum_obs_eigs_opts(const qb_params *p, qb_eigs_opts *o);

/* 1 when o takes the dense path for a dim x dim matrix (method dense, or auto below
 * dense_max_dim). */
int qb_spectrum_obs_uses_dense(const qb_eigs_opts *o, double dim);

/* Adds to e the memory and flops of o's eigenpairs of a dim x dim matrix with nnz
 * nonzeros: all of them with vectors on the dense path, o->nev on the shift-invert one. */
void qb_spectrum_obs_eigs_cost(const qb_eigs_opts *o, double dim, double nnz, qb_estimate *e);

/* Memory and flops of one realization for a dim x dim matrix with nnz nonzeros. */
void qb_spectrum_obs_estimate(const qb_params *p, double dim, double nnz, qb_estimate *e);

/* Fills the columns of row (nothing with method = none) from the Hermitian matrix A; bip (NULL unless entropy) is the
 * bipartition whose entropies are averaged over the eigenstates. */
qb_status qb_spectrum_obs_compute(const qb_spectrum_obs *s, const qb_csr *A,
                                  const qb_bipartition *bip, double *row, qb_err *err);

#endif
