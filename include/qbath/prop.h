/* qbath/prop.h — time evolution |psi(t)> = exp(-i H t) |psi(0)> (hbar = 1).
 *
 * Propagators are interchangeable type objects (the GSL itersolve pattern):
 *   qb_prop_chebyshev  Chebyshev expansion with Bessel-function coefficients
 *                      (Tal-Ezer & Kosloff, J. Chem. Phys. 81, 3967 (1984)):
 *                        exp(-i H dt) = exp(-i c dt) [J_0(a dt) + 2 sum_k (-i)^k J_k(a dt)
 *                                       T_k((H - c)/a)],  c = (emax+emin)/2, a = (emax-emin)/2,
 *                      truncated where the tail bound 2 sum_{k>K} |J_k(a dt)| (||T_k|| <= 1)
 *                      drops below the step's tolerance. Needs the spectral bounds
 *                      (qbath/bounds.h; computed and cached in H when absent). Memory: the
 *                      state plus 2 work vectors (3 vectors per state).
 *   qb_prop_krylov     Lanczos (Krylov) propagator, exp(-i H dt) psi ~ ||psi|| V_m
 *                      exp(-i T_m dt) e_1, with the a-posteriori error estimate
 *                      beta_m |e_m^T exp(-i T_m dt) e_1| (Saad, SIAM J. Numer. Anal. 29, 209
 *                      (1992), Eq. (4.11); Hochbruck & Lubich 1997), the basis grown until the
 *                      estimate meets the tolerance, and the step shortened when m_max
 *                      vectors do not suffice. The estimate's last component is summed as a
 *                      Taylor series where that is accurate (no roundoff floor ~ eps ||T||
 *                      tau, which would stall tol 1e-12 at t = 1000), the time done is
 *                      Kahan-summed over substeps, and the basis is built for H - <H>.
 *                      Memory: the state plus m_max basis vectors (the 5-vector budget
 *                      applies to Chebyshev; Krylov trades memory for adaptivity).
 *   qb_prop_dense      Exact evolution by dense eigendecomposition (qb_dense_eigh), the
 *                      reference for tests and small systems: D^2 memory.
 *
 * Tolerance: params.tol bounds the 2-norm error of the final state relative to ||psi(0)||
 * over a whole qb_prop_run; each step gets the share tol * dt / t_last (errors add at most
 * linearly). Norm drift is within the same tolerance.
 *
 * Thread safety: one qb_prop per thread (it holds work vectors); results are bitwise the
 * same on any thread count (fixed-block reductions, the SpMV's fixed row order). */
#ifndef QBATH_PROP_H
#define QBATH_PROP_H

#include <stddef.h>

#include "qbath/bounds.h"
#include "qbath/op.h"

typedef struct qb_prop_params {
  double tol;            /* relative 2-norm error over a run (default 1e-10) */
  int krylov_dim;        /* Krylov: largest basis m_max (default 40) */
  int krylov_min_dim;    /* Krylov: error estimates start at this basis size (default 4) */
  int cheb_max_order;    /* Chebyshev: largest order per step; a longer step is split into
                            equal substeps (default 4096) */
  double norm_guard;     /* Chebyshev: relative norm change that signals bounds violated
                            (default 1e-6, and never below 100 tol) */
  qb_bounds_params bounds; /* spectral bounds when H has none cached */
} qb_prop_params;

/* Counters since creation (or qb_prop_reset_stats). */
typedef struct qb_prop_stats {
  long matvecs;          /* operator applications */
  long steps;            /* internal steps taken */
  int max_order;         /* largest Chebyshev order or Krylov dimension used in a step */
  double err_estimate;   /* sum of the steps' error bounds/estimates (relative) */
  int state_vectors;     /* work vectors held per evolved state, the state not counted */
} qb_prop_stats;

typedef struct qb_prop_type {
  const char *name;      /* "chebyshev", "krylov", "dense" */
  /* Builds the method's state for H (H must outlive it). */
  qb_status (*create)(qb_op *H, const qb_prop_params *p, void **state, qb_err *err);
  /* psi <- exp(-i H dt) psi with relative error <= tol (dt >= 0). */
  qb_status (*step)(void *state, qb_cplx *psi, double dt, double tol, qb_prop_stats *st,
                    qb_err *err);
  void (*free)(void *state);
} qb_prop_type;

extern const qb_prop_type *const qb_prop_chebyshev;
extern const qb_prop_type *const qb_prop_krylov;
extern const qb_prop_type *const qb_prop_dense;

/* The type named "chebyshev", "krylov" or "dense" (the [evolve] method key);
 * QB_ERR_INPUT naming the value otherwise. */
qb_status qb_prop_type_find(const char *name, const qb_prop_type **out, qb_err *err);

/* The documented defaults. */
qb_prop_params qb_prop_defaults(void);

typedef struct qb_prop qb_prop;

/* A propagator of type T for H (params NULL: defaults). H must outlive it. */
qb_status qb_prop_create(const qb_prop_type *T, qb_op *H, const qb_prop_params *params,
                         qb_prop **out, qb_err *err);
/* NULL-safe; returns NULL. */
qb_prop *qb_prop_free(qb_prop *P);

/* psi <- exp(-i H dt) psi, with relative error <= tol. */
qb_status qb_prop_step(qb_prop *P, qb_cplx *psi, double dt, double tol, qb_err *err);

/* Called at each output time t = times[j] with the states at that time. A non-QB_OK return
 * stops the run and is passed on. */
typedef qb_status (*qb_prop_observer)(void *ctx, size_t j, double t, int nstates,
                                      qb_cplx *const *psi, qb_err *err);

/* Evolves nstates states (each of dimension H->dim, in place) from t = 0 through the
 * ascending output times (times[0] >= 0; a time equal to the previous one is allowed),
 * calling obs (may be NULL) at each. All states take the same steps, so observables that
 * combine them (two-time correlations) see them at equal times. On return the states are
 * at times[ntimes-1]. */
qb_status qb_prop_run(qb_prop *P, int nstates, qb_cplx *const *psi, const double *times,
                      size_t ntimes, qb_prop_observer obs, void *ctx, qb_err *err);

/* Counters; and their reset. */
qb_prop_stats qb_prop_get_stats(const qb_prop *P);
void qb_prop_reset_stats(qb_prop *P);
/* The method's name. */
const char *qb_prop_name(const qb_prop *P);
/* The operator and its dimension. */
qb_op *qb_prop_op(const qb_prop *P);
qb_idx qb_prop_dim(const qb_prop *P);

/* Chebyshev order K that exp(-i x z), x in [-1, 1], needs for tail bound
 * 2 sum_{k>K} |J_k(z)| <= tol (the minimal order for a time step dt on a spectrum of
 * half-width a: z = a dt). */
int qb_prop_cheb_exp_order(double z, double tol);

/* Bessel functions J_0(z) .. J_n(z) (z >= 0) by Miller's backward recurrence normalized
 * with J_0 + 2 sum J_2k = 1 (Abramowitz & Stegun 9.1.87, 9.12); accurate to a few ulps of
 * max_k |J_k|. J has n+1 entries. */
qb_status qb_prop_bessel_j_seq(double z, int n, double *J, qb_err *err);

/* Time grids: n points t_j = t0 + j (t1 - t0)/(n-1) (linear) or geometric between t0 > 0
 * and t1 (log). n >= 2 (n = 1 gives t0). */
qb_status qb_prop_time_grid_linear(double t0, double t1, size_t n, double *t, qb_err *err);
qb_status qb_prop_time_grid_log(double t0, double t1, size_t n, double *t, qb_err *err);

#endif
