/* qbath/two_dot.h — the supplement's two-dot model of "Emergence of Fermi's Golden Rule"
 * (Micklitz et al. 2022, supplement "Non-perturbative calculations", Eqs. (7)-(11)) as a
 * library: two chaotic dots of N1 and N2 levels, <|H_i,kl|^2> = lambda^2 / N_i, coupled by
 * a random N1 x N2 matrix W with <|W_kl|^2> = g lambda^2 / (N1 N2), so that
 * g = <tr W W^+> / lambda^2. The campaign model `two_dot` (src/models/two_dot.c) wraps it; the builder is src/physics/two_dot_build.c.
 *
 * Initial state: the level of dot 1 nearest its band centre (an eigenstate of H_1, not a
 * random state of dot 1): the supplement's P_res(t) of Micklitz et al. 2022 Eq. (9) starts from one level |mu>
 * of dot 1, and its closed forms use the densities at the band centre, nu_i = N_i /
 * (pi lambda). Dot 1 is shifted so that this level sits at eps0 (default 0, the centre of
 * dot 2): Micklitz et al. 2022 Eq. (1)'s eps0 = 0 (at N1 = 1 the model is level_dot), and for N1 >> 1 the shift
 * is below one dot-1 level spacing pi lambda / N1.
 * Observable: P_res(t) = sum over the N1 dot-1 states of |<nu|mu(t)>|^2 (Micklitz et al. 2022 Eq. (9)).
 * Units: tau = t / (2 pi nu_2) with nu_2 = N2 / (pi lambda), the density of dot 2 (the
 * bath; Micklitz et al. 2022 supplement Eq. (18)), and gamma = g nu_2 / nu_1 = g N2 / N1 (Eq. (18)); the golden-
 * rule decay of the initial level is e^{-4 gamma tau}, rate 2 pi nu_2 <|W|^2> = 2 g lambda/N1.
 *
 * Representation (same law as the dense model, O(N1 N2) memory and matvec): dot 1 in its
 * own eigenbasis (levels from the beta-Hermite tridiagonal of N1 sites, dsterf; Poisson:
 * iid uniform), dot 2 as level_dot's chain: the beta-Hermite tridiagonal in the basis
 * whose first vector is the initial level's coupling vector, so that this level couples to
 * dot-2 site 1 alone with b0^2 = (g lambda^2/(N1 N2)) (2/beta) Gamma(beta N2/2) (Poisson:
 * level_dot's star, dot 2 diagonal). Unitary (orthogonal) invariance makes the other
 * dot-1 levels' rows of W, which are independent of H_2 and of the initial row, again iid
 * Gaussian in that basis: N1 - 1 dense rows of N2 entries. The initial level and dot 2 are
 * built by level_dot's own builder (qb_level_dot_csr with N = N2, gamma = g N2 / N1, the
 * streams QB_LD_PURPOSE_DOT and QB_LD_PURPOSE_COUPLING), so at N1 = 1 the Hamiltonian is
 * level_dot's chain Hamiltonian of the same key, entry for entry. Dot 1's levels and the
 * other rows come from two further streams. Ensembles: GUE (complex W), GOE (real W),
 * GSE (N1, N2 count states, even; quaternion W; the chain twice, once per member of the
 * Kramers pairs: layout and why in two_dot_build.c), Poisson (both dots iid uniform
 * levels, complex W). Sites (not GSE): 0 the initial level, 1 .. N1-1 the other dot-1
 * levels, N1 .. N1+N2-1 dot 2; always dot 1 first (sites 0 .. N1-1). */
#ifndef QBATH_TWO_DOT_H
#define QBATH_TWO_DOT_H

#include "qbath/csr.h"
#include "qbath/level_dot.h"
#include "qbath/rmt.h"
#include "qbath/err.h"
#include "qbath/types.h"

enum { QB_TD_PURPOSE_DOT1 = 2, QB_TD_PURPOSE_ROWS = 3 };

typedef struct qb_two_dot {
  qb_ensemble ens; /* GUE, GOE, GSE, Poisson (both dots) */
  qb_idx N1, N2;   /* levels of dot 1 (holding the initial level) and dot 2 */
  double g;        /* g = <tr W W^+> / lambda^2 */
  double lambda;   /* energy scale of both dots (semicircle radius 2 lambda) */
  double eps0;     /* energy of the initial level (dot 1 shifted to put it there) */
} qb_two_dot;

/* gamma = g N2 / N1 (Micklitz et al. 2022 supplement Eq. (18)). */
double qb_two_dot_gamma(const qb_two_dot *m);

/* 2 pi nu_2 = 2 N2 / lambda: t = tau * qb_two_dot_time_unit(m). */
double qb_two_dot_time_unit(const qb_two_dot *m);

/* The level_dot model of the initial level and dot 2 (N = N2, gamma = g N2 / N1, chain). */
qb_level_dot qb_two_dot_level_part(const qb_two_dot *m);

qb_status qb_two_dot_check(const qb_two_dot *m, qb_err *err);

/* The (N1 + N2)-dimensional Hamiltonian of realization key (sites above; real for GOE and
 * for N1 = 1, complex otherwise); *emin, *emax: NaN (the propagator's Lanczos bounds). */
qb_status qb_two_dot_csr(const qb_two_dot *m, qb_level_dot_key key, qb_csr **A, double *emin, double *emax,
                         qb_err *err);

/* Eigenpair path. The spectral data of the same Hamiltonian by dense ED: n = N1 + N2
 * eigenvalues E[a] and the amplitudes c[i * n + a] = V_ia conj(V_0a), i < N1, so that
 * P_res(t) = sum_i |sum_a c_ia e^{-i E_a t}|^2. E: n doubles, c: N1 n complex. */
qb_status qb_two_dot_spectrum(const qb_two_dot *m, qb_level_dot_key key, double *E, qb_cplx *c, qb_err *err);

/* P_res(t_j) from the spectral data (threads over times; identical on any count). */
qb_status qb_two_dot_pres(const qb_two_dot *m, const double *E, const qb_cplx *c, const double *t, qb_idx nt,
                          int nthreads, double *P, qb_err *err);

/* The infinite-time average sum_a |V_0a|^2 sum_{i<N1} |V_ia|^2 (non-degenerate spectrum). */
double qb_two_dot_pres_ipr(const qb_two_dot *m, const qb_cplx *c);

#endif
