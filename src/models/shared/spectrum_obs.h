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
 *   filter         the same nev pairs by the polynomial filter (qbath/filter.h): no
 *                  factorization, memory of its Lanczos basis; auto takes it when the
 *                  shift-invert estimate exceeds [run] memory_limit (80% of RAM unset).
 * method = none computes none of them (time-domain-only runs).
 * One eigendecomposition per realization (qbath/eigs_cache.h) serves these and the
 * time-domain observables of models/shared/dynamics.h.
 * The gap ratio of the two paths estimates the same mean <r> when the window is narrow
 * enough that the level statistics do not drift across it. For a cross-check level by
 * level, both paths also write gap_ratio_nev: <r> over the nev levels nearest
 * sigma = E_min + target (E_max - E_min), the same levels on either path. */
#ifndef QBATH_MODELS_SPECTRUM_OBS_H
#define QBATH_MODELS_SPECTRUM_OBS_H

#include "qbath/eigobs.h"
#include "qbath/eigs.h"
#include "qbath/eigs_cache.h"
#include "qbath/model.h"
#include "models/shared/state_out.h"

/* The [eigen] keys: method, nev, target, window, dense_max_dim, tol. */
extern const qb_key qb_eigen_keys[];

typedef struct qb_spectrum_obs {
  int enabled;        /* 0: [eigen] method = none */
  qb_eigs_opts opts;  /* from [eigen] */
  double window;      /* dense path: middle fraction of levels for <r> */
  int entropy;        /* 1: rows carry the mean entanglement entropy of `bip` */
  qb_idx col_r, col_emin, col_emax, col_svn, col_s2; /* offsets in the row */
  qb_idx col_rnev;    /* gap_ratio_nev: <r> over the nev levels nearest the target */
  qb_state_out states; /* [output] eigenpairs and the per-state columns */
} qb_spectrum_obs;

/* 1 unless [eigen] method = none. */
int qb_spectrum_obs_enabled(const qb_params *p);
/* [eigen] nev: the eigenpairs wanted nearest the target. */
qb_idx qb_spectrum_obs_nev(const qb_params *p);

/* Reads [eigen] and [output] eigenpairs, adds the columns gap_ratio, e_min, e_max (and
 * s_vn, s_renyi2 when entropy) and the per-state columns (models/shared/state_out.h) to the
 * layout, for a dim x dim Hamiltonian that is complex when is_complex; with method = none
 * adds nothing. */
qb_status qb_spectrum_obs_init(const qb_params *p, int entropy, qb_idx dim, int is_complex,
                               const qb_named_ops *ops, qb_spectrum_obs *s, qb_layout *L,
                               qb_err *err);
void qb_spectrum_obs_clear(qb_spectrum_obs *s);

/* The memory a factorization may take: [run] memory_limit, or 80% of physical memory (the
 * runner's own rule, campaign/plan.c); every model that factorizes sets it as
 * qb_eigs_opts.factor.mem_limit, and method auto takes the filter past it. */
double qb_spectrum_obs_memory_limit(const qb_params *p);

/* The eigensolver options of [eigen] (method = none reads as auto). */
void qb_spectrum_obs_eigs_opts(const qb_params *p, qb_eigs_opts *o);

/* Adds to e the memory and flops of o's eigenpairs of a dim x dim matrix (complex when
 * is_complex) with nnz nonzeros: all of them on the dense path (with vectors when
 * vectors), o->nev on the shift-invert one. */
void qb_spectrum_obs_eigs_cost(const qb_eigs_opts *o, double dim, double nnz, int is_complex,
                               int vectors, qb_estimate *e);

/* Memory and flops of one realization for a dim x dim matrix with nnz nonzeros, and the
 * doubles its columns add to a row (e->row_values, as qb_spectrum_obs_init with entropy and
 * ops would lay them out), with the size guard of [output] eigenpairs (QB_ERR_INPUT naming
 * it). */
qb_status qb_spectrum_obs_estimate(const qb_params *p, double dim, double nnz, int is_complex,
                                   int entropy, const qb_named_ops *ops, qb_estimate *e,
                                   qb_err *err);

/* Declares the eigenpairs compute will take from the realization's cache c. */
void qb_spectrum_obs_need(const qb_spectrum_obs *s, qb_eigs_cache *c);
/* The eigs cache of realization t's matrix A with the point's [eigen] options, its
 * factorization shared by the ranks of t->mpi_comm (NULL: this process alone). NULL and
 * err set when out of memory. */
qb_eigs_cache *qb_spectrum_obs_cache(const qb_spectrum_obs *s, const qb_csr *A, const qb_task *t,
                                     qb_err *err);

/* Fills the columns of row (nothing with method = none) from the realization's
 * eigendecomposition c; bip (NULL unless entropy) is the bipartition whose entropies are
 * averaged over the eigenstates, O (NULL: none) the realization's named operators. */
qb_status qb_spectrum_obs_compute(const qb_spectrum_obs *s, qb_eigs_cache *c,
                                  const qb_bipartition *bip, const qb_named_set *O, double *row,
                                  qb_err *err);

#endif
