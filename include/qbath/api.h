/* qbath/api.h — the flat C API behind the Python package (python/qbath, cffi ABI mode).
 *
 * Why a separate surface: Python loads libqbath.so with dlopen and declares these
 * functions itself (python/qbath/_capi.py repeats this header's declarations), so every
 * type crossing it is a plain C type — ints, doubles, strings, pointers to caller-owned
 * arrays, qb_err and opaque handles — and never one of the library's structs, whose
 * layout may change. The functions depend only downward (core, solve, observe, campaign).
 *
 * Conventions:
 *  - Every function that can fail returns qb_status (0 = QB_OK) and fills err's message
 *    (qbath/err.h); Python raises an exception carrying err.msg.
 *  - Arrays are the caller's: the library reads or writes them in place and never keeps
 *    a pointer after the call returns (except an operator's own copy of its matrix).
 *    Complex vectors are interleaved (re, im) doubles, C99 double complex; dense
 *    matrices row-major.
 *  - Handles: qb_api_X_create/open ... qb_api_X_free/close(NULL-safe, returns NULL).
 *  - Randomness: Philox streams (qbath/rng.h) keyed by (seed, stream) as (seed, point = 0,
 *    realization = stream, purpose), so a call is reproducible for a seed and independent
 *    of what ran before in the process. */
#ifndef QBATH_API_H
#define QBATH_API_H

#include <stddef.h>
#include <stdint.h>

#include "qbath/err.h"
#include "qbath/types.h"

/* "qbath VERSION (commit COMMIT)" */
const char *qb_api_version(void);

/* ---- Operators (a Hermitian H, CSR inside) -------------------------------------------- */
typedef struct qb_api_op qb_api_op;

/* H = sum_t c_t ops_t: nterms Pauli strings on nsites spin-1/2 sites, restricted to the
 * full 2^L space (n_up = -1) or the sector of n_up up spins (qbath/spin.h conventions:
 * site j is bit j, sigma not S). ops is the strings joined by ',' ("XX,YY,Z"); sites
 * holds their sites one after another (sum of the strings' lengths entries); coupling
 * holds nterms complex numbers (re, im interleaved). A non-Hermitian sum is QB_ERR_INPUT. */
qb_status qb_api_op_pauli(int nsites, int n_up, qb_idx nterms, const char *ops,
                          const int *sites, const double *coupling, qb_api_op **out,
                          qb_err *err);

/* H from a CSR matrix of dimension dim: indptr[dim + 1], indices[nnz] (int64), data[nnz]
 * doubles (is_complex = 0) or complex (1). The arrays are copied (the library's CSR
 * layout is its own); H must be Hermitian (relative defect <= 1e-12, else QB_ERR_INPUT). */
qb_status qb_api_op_csr(qb_idx dim, int is_complex, const int64_t *indptr,
                        const int64_t *indices, const void *data, qb_api_op **out,
                        qb_err *err);

qb_api_op *qb_api_op_free(qb_api_op *H);
qb_idx qb_api_op_dim(const qb_api_op *H);
int qb_api_op_is_complex(const qb_api_op *H);
qb_idx qb_api_op_nnz(const qb_api_op *H);

/* The matrix as CSR (sorted, unique columns): indptr[dim + 1], indices[nnz], data[nnz]
 * of the operator's type (qb_api_op_is_complex). */
qb_status qb_api_op_export_csr(const qb_api_op *H, int64_t *indptr, int64_t *indices,
                               void *data, qb_err *err);

/* Basis labels of a spin operator (bit j = site j up): labels[dim]. QB_ERR_UNSUPPORTED
 * for an operator without a spin basis. */
qb_status qb_api_op_basis(const qb_api_op *H, uint64_t *labels, qb_err *err);

/* y = H x; x and y real (is_complex = 0, needs a real H) or complex, length dim. */
qb_status qb_api_op_apply(const qb_api_op *H, int is_complex, const void *x, void *y,
                          qb_err *err);

/* psi <- exp(-i H t) psi through the ascending times[ntimes] (times[0] >= 0), method
 * "chebyshev", "krylov" or "dense" (qbath/prop.h), relative 2-norm error <= tol over
 * the run. psi is complex[dim], left at times[ntimes-1]; out (NULL or complex
 * [ntimes][dim]) receives the state at each time. *matvecs counts operator applications. */
qb_status qb_api_evolve(qb_api_op *H, const char *method, double tol, void *psi,
                        const double *times, size_t ntimes, void *out, long *matvecs,
                        qb_err *err);

/* The nev eigenpairs nearest the target (qbath/eigs.h): an energy (target_is_density = 0)
 * or a density eps in [0, 1] of [E_min, E_max]; method "auto", "dense" or
 * "shift-invert"; tol the ARPACK tolerance (0: the default). Writes E[nev] ascending,
 * V (NULL or [nev][dim] of H's type: vector j at V + j*dim) and resid[nev] (NULL or the
 * residuals ||H v - E v||). */
qb_status qb_api_eigs(qb_api_op *H, qb_idx nev, double target, int target_is_density,
                      const char *method, double tol, uint64_t seed, double *E, void *V,
                      double *resid, qb_err *err);

/* ---- Observables ----------------------------------------------------------------------- */

/* Entanglement entropies (natural log) of a normalized state psi (real or complex, of the
 * basis's dimension) of nsites spins in the full space (n_up = -1) or a sector, for the
 * cut A = the sites whose bits are set in sites_mask: von Neumann *s_vn and Renyi-2 *s_2
 * (either may be NULL). */
qb_status qb_api_entanglement(int nsites, int n_up, uint64_t sites_mask, int is_complex,
                              const void *psi, double *s_vn, double *s_2, qb_err *err);

/* ---- Random matrices (qbath/rmt.h variances) --------------------------------------------
 * ensemble "GOE" (n x n real), "GUE" (n x n complex) or "GSE" (2n x 2n complex); scale s. */
qb_status qb_api_rmt_dense(const char *ensemble, qb_idx n, double scale, uint64_t seed,
                           uint64_t stream, void *H, qb_err *err);
/* Dumitriu-Edelman beta-Hermite tridiagonal matrix (beta 1, 2, 4): diag[n], offdiag[n-1]. */
qb_status qb_api_rmt_beta_hermite(int beta, qb_idx n, double scale, uint64_t seed,
                                  uint64_t stream, double *diag, double *offdiag,
                                  qb_err *err);

/* ---- Input keys and campaigns ------------------------------------------------------------ */

/* One input key, as `qbath help keys` shows it (strings are static). */
typedef struct qb_api_key {
  const char *section, *name;
  const char *type;        /* "int", "real", "bool", "string", "enum", "* list" */
  const char *def;         /* default as input text; NULL: required */
  double min, max;         /* inclusive range of numbers */
  const char *choices;     /* enum: '|'-separated; NULL otherwise */
  const char *unit, *doc;
  int sweepable;
} qb_api_key;

/* Number of keys that model (NULL or "": the runner's own keys only) accepts, runner keys
 * first; -1 for an unknown model (err names the models). */
int qb_api_key_count(const char *model, qb_err *err);
/* Key i (0 <= i < qb_api_key_count(model)) of model. */
qb_status qb_api_key_get(const char *model, int i, qb_api_key *out, qb_err *err);
/* The registered model names, NULL-terminated (static). */
const char *const *qb_api_models(void);

typedef struct qb_campaign qb_campaign;

/* Reads and validates an input file as `qbath validate` does (the same messages:
 * "file:line: [section] key ..." with a did-you-mean); nsets overrides
 * "section.key=value". Nothing is written. Free with qb_api_campaign_free. */
qb_status qb_api_campaign_load(const char *path, int nsets, const char *const *sets,
                               qb_campaign **out, qb_err *err);
qb_campaign *qb_api_campaign_free(qb_campaign *c);
qb_idx qb_api_campaign_npoints(const qb_campaign *c);
qb_idx qb_api_campaign_realizations(const qb_campaign *c);
const char *qb_api_campaign_model(const qb_campaign *c);
const char *qb_api_campaign_output(const qb_campaign *c);
/* Swept values of point p as "section.key=value ..." into buf[n]. */
const char *qb_api_campaign_label(const qb_campaign *c, qb_idx p, char *buf, size_t n);

/* The result layout of one sweep point: what the model's point_create declares (row
 * columns, derived and theory columns, axes with their values) and its theory curves,
 * e.g. to read a running campaign's journal. Building it costs one point_create. */
typedef struct qb_api_point qb_api_point;
qb_status qb_api_point_open(const qb_campaign *c, qb_idx p, qb_api_point **out, qb_err *err);
qb_api_point *qb_api_point_close(qb_api_point *pt);
/* kind: 0 row columns, 1 derived, 2 theory. Number of columns of that kind. */
int qb_api_point_ncols(const qb_api_point *pt, int kind);
/* Column i of a kind: name, length (doubles), axis name ("" for none). */
qb_status qb_api_point_col(const qb_api_point *pt, int kind, int i, const char **name,
                           qb_idx *len, const char **axis, qb_err *err);
int qb_api_point_naxes(const qb_api_point *pt);
/* Axis i: name, length, values (valid until qb_api_point_close). */
qb_status qb_api_point_axis(const qb_api_point *pt, int i, const char **name, qb_idx *len,
                            const double **values, qb_err *err);
/* The theory columns' values, concatenated (sum of their lengths). */
qb_status qb_api_point_theory(const qb_api_point *pt, double *out, qb_err *err);

/* ---- Operators from the `terms` language (qbath/terms.h, docs/terms.md) ------------------ */

/* H as the spin_chain model builds it: nterms texts "OPS:AMP[:DIST][@SITES]" on nsites
 * sites (periodic 0 or 1), AMP using the nparams names with their values, random couplings
 * of term t from the Philox stream (seed, point, realization, 1 + t), in the full space
 * (n_up = -1) or a sector. The same terms, seed, point and realization as a spin_chain
 * campaign give the operator of that realization. Parse errors name the term. */
qb_status qb_api_op_terms(int nsites, int n_up, int periodic, int nterms,
                          const char *const *terms, int nparams, const char *const *names,
                          const double *values, uint64_t seed, uint64_t point,
                          uint64_t realization, qb_api_op **out, qb_err *err);
/* The operator a loaded spin_chain campaign builds for realization r of point p: its
 * [model] L, n_up, boundary, terms and parameters (J Delta h W g, and L) and [run] seed. */
qb_status qb_api_op_spin_chain(const qb_campaign *c, qb_idx point, uint64_t realization,
                               qb_api_op **out, qb_err *err);

#endif
