/* qbath/rmt.h — random-matrix ensembles and random spectra.
 *
 * Variances (scale s > 0; row-major dense output):
 *   GOE  (n x n real):      H_ij ~ N(0, s^2) for i != j, H_ii ~ N(0, 2 s^2).
 *   GUE  (n x n complex):   <|H_ij|^2> = s^2 (re, im each N(0, s^2/2)), H_ii ~ N(0, s^2).
 *   GSE  (2n x 2n complex, n Kramers pairs): H = [[A, B], [-conj(B), conj(A)]] with A a
 *        GUE of scale s and B complex antisymmetric, <|B_ij|^2> = s^2. All four real
 *        components of an off-diagonal quaternion have variance s^2/2, its diagonal
 *        s^2: the invariant measure exp(-Tr H^2 / (4 s^2)) on the 2n space, i.e.
 *        exp(-sum_k lambda_k^2 / (2 s^2)) over the n distinct Kramers levels.
 *        (GOE: exp(-Tr H^2 / (4 s^2)); GUE: exp(-Tr H^2 / (2 s^2)).)
 * Exact finite-n second moments E Tr H^2: GOE n(n+1) s^2, GUE n^2 s^2,
 *        GSE (2n levels) 2n(2n-1) s^2.
 * Each is entry-addressed from the stream (qb_rng_block), filled in parallel, and
 * bitwise identical on any thread count. Semicircle radius (large n):
 *   R = 2 s sqrt(n) (GOE, GUE), R = 2 s sqrt(2 n) (GSE); second moment <E^2> = R^2/4.
 *
 * Dumitriu-Edelman beta-Hermite tridiagonal matrices (beta = 1, 2, 4): diagonal
 * N(0, 2)/sqrt(2), off-diagonal chi_{beta (n-k)}/sqrt(2), k = 1..n-1, times a factor that
 * makes the eigenvalues follow exactly the joint law of the dense ensemble of the same
 * scale s (GSE: the n distinct Kramers levels): c = s sqrt(2) for beta = 1, c = s for
 * beta = 2 and 4. O(n) memory and time.
 *
 * Poisson spectrum: n iid levels uniform on [-width/2, width/2], sorted ascending
 * (uncorrelated levels with a flat density; a model picks width for its mean density). */
#ifndef QBATH_RMT_H
#define QBATH_RMT_H

#include "qbath/rng.h"
#include "qbath/err.h"
#include <stddef.h> /* size_t, used by types.h */
#include "qbath/types.h"

typedef enum { QB_GOE = 1, QB_GUE = 2, QB_GSE = 4, QB_POISSON = 0 } qb_ensemble;

/* Parses "GOE", "GUE", "GSE", "Poisson" (case-insensitive); QB_ERR_INPUT otherwise. */
qb_status qb_rmt_ensemble_parse(const char *name, qb_ensemble *out, qb_err *err);
const char *qb_rmt_ensemble_name(qb_ensemble e);

qb_status qb_rmt_goe(const qb_rng *r, qb_idx n, double s, double *H, qb_err *err);
qb_status qb_rmt_gue(const qb_rng *r, qb_idx n, double s, qb_cplx *H, qb_err *err);
/* H has (2n)^2 entries. */
qb_status qb_rmt_gse(const qb_rng *r, qb_idx n, double s, qb_cplx *H, qb_err *err);

/* beta-Hermite tridiagonal: diag[n], offdiag[n-1]; beta in {1, 2, 4}. */
qb_status qb_rmt_beta_hermite(qb_rng *r, int beta, qb_idx n, double s, double *diag,
                              double *offdiag, qb_err *err);

/* n sorted iid uniform levels on [-width/2, width/2]. */
qb_status qb_rmt_poisson(qb_rng *r, qb_idx n, double width, double *levels, qb_err *err);

/* Large-n semicircle radius of the dense ensemble of scale s (see above). */
double qb_rmt_semicircle_radius(qb_ensemble e, qb_idx n, double s);

#endif
