/* level_dot_internal.h — shared between the level-dot representations
 * (level_dot_common.c: what they share; level_dot_build.c: dense and chain;
 * level_dot_unfolded.c: the N -> infinity window). */
#ifndef QBATH_LEVEL_DOT_INTERNAL_H
#define QBATH_LEVEL_DOT_INTERNAL_H

#include "qbath/level_dot.h"

/* Dyson index of the dot's class (Poisson: 2, its couplings are complex). */
static inline int qb_level_dot_beta(qb_ensemble e) { return e == QB_GOE ? 1 : e == QB_GSE ? 4 : 2; }

/* Distinct dot levels (GSE: Kramers pairs N/2). */
static inline qb_idx qb_level_dot_levels(const qb_level_dot *m) {
  return m->ens == QB_GSE ? m->N / 2 : m->N;
}

/* Dimension of the dense matrix (GSE: N dot states + the level's Kramers pair). */
static inline qb_idx qb_level_dot_dense_dim(const qb_level_dot *m) {
  return m->ens == QB_GSE ? m->N + 2 : m->N + 1;
}

/* Dot levels of the unfolded window when `window` = 0. */
enum { QB_LD_UNFOLDED_DEFAULT_WINDOW = 2000 };

/* A window of the unfolded dot in internal units u = nu (E - eps0) (state spacing 1):
 * K sorted levels u[k] in (-A, A) with couplings c[k] = nu^2 |w_k|^2, s the mean level
 * spacing (GSE 2), v = gamma / pi^2 the coupling variance per state, which also sets the
 * continuum's self-energy Sigma_out(u) = v ln((A - u)/(A + u)) (level_dot_unfolded.c). */
typedef struct qb_level_dot_window {
  qb_idx K;
  double s, A, v;
  double *u, *c;
} qb_level_dot_window;

/* The K + 1 roots x[j] (ascending, in (-A, A)) of f(u) = u - Sigma_out(u) -
 * sum_k c_k / (u - u_k) and the weights w[j] = 1 / f'(x[j]); identical on any thread count. */
void qb_level_dot_secular_roots(const qb_level_dot_window *W, int nthreads, double *x, double *w);

/* Its spectral measure inside the window (qb_level_dot_measure's contract). */
qb_status qb_level_dot_unfolded_measure(const qb_level_dot *m, qb_level_dot_key key, int nthreads,
                                        double *E, double *w, qb_idx *count, qb_err *err);

#endif
