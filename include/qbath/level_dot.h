/* qbath/level_dot.h — the level-dot model of the FGR paper (Micklitz et al. 2022, Eq. (1))
 * as a library: realizations, the level's spectral measure, and P(t) by propagation.
 * The campaign model `level_dot` (src/models/level_dot.c) is a thin wrapper around this.
 *
 * Model: a level |0> at eps0 coupled by a random vector W to an N-level dot H,
 *   <|H_kl|^2> = lambda^2 / N,  <|W_k|^2> = g lambda^2 / N,  gamma = g N.
 * The dot's central density is nu = N / (pi lambda) (semicircle radius 2 lambda); time is
 * measured in tau = t / (2 pi nu) = t lambda / (2 N), so the Golden-Rule decay is
 * e^{-4 gamma tau} for every ensemble. Ensembles (qbath/rmt.h scales):
 *   GUE  H from qb_rmt_gue with s = lambda / sqrt(N); W complex Gaussian.
 *   GOE  H from qb_rmt_goe with s = lambda / sqrt(N) (off-diagonal variance lambda^2/N);
 *        W real Gaussian.
 *   GSE  N dot states = N/2 Kramers pairs (N even); nu = N / (pi lambda) counts states
 *        with their degeneracy (the paper's convention: it makes P_pl = 3/(2 gamma) and
 *        P_pl/P_off = 3, text after Micklitz et al. 2022 Eq. (5)). H from qb_rmt_gse(N/2, s = lambda/sqrt(N))
 *        (semicircle radius 2 lambda). The level is a Kramers pair (0 up, 0 down); W is a
 *        quaternion vector: in the layout [[A', B'], [-conj B', conj A']] of the (N+2)-
 *        dimensional matrix, A' = [[eps0, p^+], [p, A]] and B' = [[0, -r^T], [r, B]] with p,
 *        r complex Gaussian of variance g lambda^2 / N each (every state couples with
 *        <|W|^2> = g lambda^2 / N), so Kramers degeneracy holds exactly. P(t) is the
 *        return probability to |0 up>; the weight of a Kramers level sums its two states.
 *   Poisson  N iid levels uniform on [-pi lambda / 2, pi lambda / 2] (density N/(pi
 *        lambda) everywhere); W complex Gaussian (only |W_k|^2 matters).
 *
 * Representations (same statistics):
 *   QB_LD_DENSE  the (N+1)- (GSE: N+2-) dimensional dense matrix: eigenpairs by dense
 *                ED (the reference; memory O(N^2)).
 *   QB_LD_CHAIN  O(N) memory. GOE/GUE/GSE: the Dumitriu-Edelman beta-Hermite tridiagonal
 *                dot (qb_rmt_beta_hermite, same s; GSE: N/2 sites) with the level attached
 *                to its first site by b0, b0^2 = (g lambda^2 / N) (2/beta) Gamma(beta n / 2)
 *                (n distinct dot levels; times 2 for GSE, a Kramers pair's weight): the first
 *                components q_a of the tridiagonal's eigenvectors are Dirichlet(beta/2)
 *                and independent of its eigenvalues, so b0^2 q_a^2 are iid
 *                (g lambda^2/N)(2/beta) Gamma(beta/2) -- exactly the law of |W_a|^2 in the
 *                dense dot's eigenbasis (real, complex, quaternion Gaussian W for beta =
 *                1, 2, 4). The whole Hamiltonian is then an (N+1)-site real tridiagonal
 *                chain. Poisson: the star (arrow) matrix, levels on the diagonal.
 *                Eigenpairs: Sturm-count bisection for the eigenvalues with index in a
 *                window of `window` levels around eps0 (0: all), the level's weight from
 *                w_a = 1 / F'(E_a), F(E) = E - eps0 - b0^2 [(E - T)^{-1}]_{11}, in O(N)
 *                per eigenvalue. The weight outside the window, 1 - sum w_a, is reported
 *                (the truncation error: |P_window(t) - P(t)| <= 2 (1 - sum w_a)).
 *   QB_LD_UNFOLDED  the N -> infinity limit at fixed gamma that Micklitz et al. 2022 Eqs. (4)-(6) describe
 *                (src/physics/level_dot_unfolded.c): a window of `window` (default 2000)
 *                dot levels of constant density nu, unfolded from the bulk of a larger
 *                beta-Hermite spectrum (Poisson: iid uniform), iid couplings, and the
 *                rest of the infinite dot as a continuum: its self-energy enters the
 *                secular equation, and the weight 1 - sum w_a outside the window carries
 *                the Lorentzian tail's amplitude (1 - sum w_a) phi(t)
 *                (qb_level_dot_continuum). N only sets the units (nu, tau). Eigenpair
 *                path only: there is no finite Hamiltonian to propagate.
 *
 * Randomness: stream purposes QB_LD_PURPOSE_DOT (the dot) and QB_LD_PURPOSE_COUPLING
 * (W, or b0), keyed by (seed, point, realization); the same key gives the same
 * Hamiltonian to both the eigenpair and the propagation path. */
#ifndef QBATH_LEVEL_DOT_H
#define QBATH_LEVEL_DOT_H

#include <stdint.h>

#include "qbath/csr.h"
#include "qbath/rmt.h"
#include "qbath/err.h"
#include "qbath/types.h"

typedef enum { QB_LD_DENSE = 0, QB_LD_CHAIN = 1, QB_LD_UNFOLDED = 2 } qb_level_dot_repr;

enum { QB_LD_PURPOSE_DOT = 0, QB_LD_PURPOSE_COUPLING = 1 };

typedef struct qb_level_dot {
  qb_ensemble ens;   /* GOE, GUE, GSE, Poisson */
  qb_idx N;          /* dot states (GSE: 2 x Kramers pairs) */
  double gamma;      /* g N */
  double lambda;     /* energy scale (semicircle radius 2 lambda) */
  double eps0;       /* level energy */
  qb_level_dot_repr repr;   /* dense or chain */
  qb_idx window;     /* chain: eigenpairs around eps0 (0: all N+1); unfolded: dot levels */
  double eig_tol;    /* chain: absolute eigenvalue tolerance in units of lambda */
} qb_level_dot;

/* Realization key. */
typedef struct qb_level_dot_key {
  uint64_t seed, point, realization;
} qb_level_dot_key;

/* 2 pi nu = 2 N / lambda: t = tau * qb_level_dot_time_unit(m). */
double qb_level_dot_time_unit(const qb_level_dot *m);

/* Checks the parameters (N >= 2, gamma >= 0, lambda > 0, eig_tol > 0 ...). */
qb_status qb_level_dot_check(const qb_level_dot *m, qb_err *err);

/* Upper bound on the eigenpairs qb_level_dot_measure returns (N+1, or the window). */
qb_idx qb_level_dot_measure_size(const qb_level_dot *m);

/* The unfolded representation's mean number of dot levels K in its window (`window`, or
 * 2000 when 0; GSE: Kramers levels). */
qb_idx qb_level_dot_unfolded_window(const qb_level_dot *m);

/* The level's spectral measure: distinct eigenvalues E[k] (ascending) and weights
 * w[k] = sum over the eigenspace of |<0|a>|^2, k < *count <= qb_level_dot_measure_size.
 * Uses up to nthreads threads (results identical on any count). */
qb_status qb_level_dot_measure(const qb_level_dot *m, qb_level_dot_key key, int nthreads, double *E,
                               double *w, qb_idx *count, qb_err *err);

/* The continuum's normalized amplitude phi(t_j) (phi(0) = 1): the level's amplitude is
 * sum_a w_a e^{-i E_a t} + (1 - sum_a w_a) phi(t). Zero unless the representation is
 * unfolded. Costs two adaptive quadratures per time: compute once per parameter point. */
qb_status qb_level_dot_continuum(const qb_level_dot *m, const double *t, qb_idx nt, qb_cplx *phi,
                                 qb_err *err);

/* The Hamiltonian of the same realization as a CSR matrix (the level is row 0), for
 * propagation; *emin, *emax an enclosure of its spectrum (chain: Gershgorin; dense: NaN,
 * the propagator then computes Lanczos bounds). */
qb_status qb_level_dot_csr(const qb_level_dot *m, qb_level_dot_key key, qb_csr **A, double *emin,
                           double *emax, qb_err *err);

struct qb_prop_type; /* qbath/prop.h */

/* P(t_j) = sum_{i < nres} |<i| e^{-i H t_j} |0>|^2 (level_dot: nres = 1, the survival
 * probability; two_dot: the dot-1 sites) by propagation of |0> (adapter around
 * qbath/prop.h; method: qb_prop_chebyshev (also for NULL) or qb_prop_krylov; tol: the
 * propagator's relative 2-norm tolerance; emin/emax used when finite). Takes ownership of A. */
qb_status qb_level_dot_propagate(qb_csr *A, double emin, double emax, const double *t,
                                 qb_idx nt, const struct qb_prop_type *method, double tol,
                                 qb_idx nres, double *P, qb_err *err);

#endif
