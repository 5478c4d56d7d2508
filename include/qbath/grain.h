/* qbath/grain.h — an ergodic grain (GOE random matrix) coupled to localized spins
 * (LIOMs / l-bits): the Hamiltonian of the avalanche numerics, as a Kronecker-structured
 * operator, and the eigenstate observables of the model `grain_spins`.
 *
 *   H = H_g (x) 1 + sum_a eps_a tau_a^z + sum_a V_a C_a
 *
 * Potirniche, Banerjee, Altman, PRB 99, 205149 (2019), Sec. III and Sec. S1:
 *   H_g a 2^N x 2^N GOE matrix with many-body bandwidth E_max - E_min = w N (w ~ 2.6),
 *   eps_a ~ U[0.5, 1.5], C_a = sigma_1^x tau_a^x, V_a = V_1 e^{-r_a/xi} (1D exponential),
 *   V_1 e^{-sqrt(r_a)/xi} (1D stretched exponential), or 2D layers (layer n holds n spins
 *   at r = n - 1).
 * Crowley, Chandran, SciPost Phys. 12, 201 (2022), Sec. VI (the DRH model):
 *   H_g a d_g = 8 GOE matrix with root-mean-square eigenvalue sqrt(tr H_g^2 / d_g) = 1.5,
 *   h_n ~ 1 +- 0.1, C_n = sigma_g^x tau_n^x + sigma_g^y tau_n^y, J_n = J_1 alpha^{n-1}
 *   (= the 1D exponential with xi = -1/log alpha).
 *
 * Basis: the grain is N qubits (d_g = 2^N) so that sigma_1 and sigma_N are defined; a
 * state is psi[g * 2^M + s] (qbath/kron.h: grain slowest), i.e. one spin basis of
 * L = M + N sites where spin a (1-based) is site a - 1 and grain qubit q (0-based) is
 * site M + q (qbath/spin.h: site j is bit j). */
#ifndef QBATH_GRAIN_H
#define QBATH_GRAIN_H

#include "qbath/eigs.h"
#include "qbath/op.h"
#include "qbath/rng.h"
#include "qbath/spin.h"
#include "qbath/terms.h"

typedef enum { QB_GRAIN_COUPLE_XX = 0, QB_GRAIN_COUPLE_XY = 1 } qb_grain_coupling;
typedef enum {
  QB_GRAIN_EXP1D = 0,       /* r_a = a - 1, V_a = V_1 e^{-r_a/xi} */
  QB_GRAIN_STRETCHED1D = 1, /* r_a = a - 1, V_a = V_1 e^{-sqrt(r_a)/xi} */
  QB_GRAIN_LAYERS2D = 2     /* layer n holds n spins at r = n - 1, V = V_1 e^{-r/xi} */
} qb_grain_geometry;
typedef enum {
  QB_GRAIN_NORM_BANDWIDTH = 0, /* E_max - E_min = w N: GOE scale s = w N / (4 sqrt(d_g)) */
  QB_GRAIN_NORM_RMS = 1        /* sqrt(E tr H_g^2 / d_g) = rms: s = rms / sqrt(d_g + 1) */
} qb_grain_norm;

/* The model's parameters (one sweep point). */
typedef struct qb_grain_spec {
  int n;                       /* grain qubits N (d_g = 2^N) */
  int m;                       /* localized spins M */
  qb_grain_norm norm;          /* how the GOE is scaled */
  double w;                    /* bandwidth per grain qubit (NORM_BANDWIDTH) */
  double rms;                  /* rms eigenvalue (NORM_RMS) */
  int sample_norm;             /* 1: rescale each sample to the exact bandwidth/rms */
  double field_min, field_max; /* eps_a ~ U[field_min, field_max] */
  qb_grain_coupling coupling;  /* C_a */
  qb_grain_geometry geometry;  /* r_a and the decay law */
  double v1, xi;               /* V_a = v1 e^{-r_a/xi} (or e^{-sqrt(r_a)/xi}) */
  int coupled_qubit;           /* grain qubit of C_a (0: sigma_1) */
  const qb_terms *chain;       /* NULL: the GOE grain; else H_g is this spin chain on the N
                                   grain qubits (qbath/terms.h; borrowed) */
} qb_grain_spec;

/* Stream purposes of one realization (qb_rng_init's last argument). */
enum { QB_GRAIN_PURPOSE_GOE = 0, QB_GRAIN_PURPOSE_FIELDS = 1,
       QB_GRAIN_PURPOSE_CHAIN = 16 /* the chain's term t draws from stream 16 + t */ };

/* r_a of spin a (1-based) in the geometry, and the coupling V_a. */
double qb_grain_distance(qb_grain_geometry g, int a);
double qb_grain_coupling_strength(const qb_grain_spec *s, int a);

/* GOE entry scale s of the grain (qbath/rmt.h) for the requested normalization. */
double qb_grain_goe_scale(const qb_grain_spec *s);

/* One realization: the grain matrix A (d_g x d_g row-major, caller-sized; NULL: none, for
 * the chain grain) and the fields eps (M), drawn from (seed, point, realization) streams;
 * A rescaled exactly when sample_norm. */
qb_status qb_grain_draw(const qb_grain_spec *s, uint64_t seed, uint64_t point,
                        uint64_t realization, double *A, double *eps, qb_err *err);

/* The chain grain (s->chain): H = H_chain (on sites M .. M+N-1) + sum_a eps_a tau_a^z +
 * V_a C_a as one Pauli sum on the L = M + N sites (sparse: the CSR by qb_spin_sum_to_csr,
 * matrix-free by qb_spin_op_from_sum), the chain's random couplings drawn from the streams
 * (seed, point, realization, QB_GRAIN_PURPOSE_CHAIN + t). Owned by the caller. */
qb_status qb_grain_chain_sum(const qb_grain_spec *s, const double *eps, uint64_t seed,
                             uint64_t point, uint64_t realization, qb_pauli_sum **H,
                             qb_err *err);
/* tr H / dim of a Pauli sum: the sum of the coefficients of its identity strings. */
double qb_grain_sum_trace(const qb_pauli_sum *H);
/* Stored entries per row of H's CSR form (an upper bound for the chain: one per placement
 * of each term), for memory and cost estimates. */
double qb_grain_row_nnz(const qb_grain_spec *s);

/* H of one realization as the Kronecker operator (A (x) 1 + sparse fields/couplings). */
qb_status qb_grain_op(const qb_grain_spec *s, const double *A, const double *eps, qb_op **H,
                      qb_err *err);

/* The same H with the spin part matrix-free (fields by spin index, couplings by bit flips:
 * no index or value streams), for applies (Lanczos, propagators, benchmarks); it has no
 * CSR form (factorizations use qb_grain_op). */
qb_status qb_grain_op_fast(const qb_grain_spec *s, const double *A, const double *eps,
                           qb_op **H, qb_err *err);
extern const qb_op_type qb_grain_fast_type;

/* A single-site Pauli operator ('X', 'Y' or 'Z') on site `site` of the L = M + N sites,
 * as a CSR op (for matrix elements). */
qb_status qb_grain_local_op(const qb_grain_spec *s, char pauli, int site, qb_op **O,
                            qb_err *err);

/* ---- Eigenpair windows ----------------------------------------------------------------
 * A window is k consecutive eigenpairs of a larger set: a view that borrows E and V of
 * its parent (never freed itself). */
qb_status qb_grain_window(const qb_eigs_result *r, qb_idx lo, qb_idx k, qb_eigs_result *view,
                          qb_err *err);
/* Start of the k pairs of r (ascending E) nearest sigma (they are consecutive). */
qb_idx qb_grain_nearest(const qb_eigs_result *r, qb_idx k, double sigma);

/* C[i + j*kb] = <b_i| X_site |a_j> for real windows a (ka vectors) and b (kb): the flip
 * of one site is a permutation, so this is ka permutations and one GEMM. */
qb_status qb_grain_flip_elements(const qb_eigs_result *a, const qb_eigs_result *b, int site,
                                 double *C, qb_err *err);

/* The tau^x spectral peak of Potirniche Eq. (5) near omega = +2 eps: thermal histogram
 * of rho_n(omega) over the states n of window a, m of window b (which must lie above a),
 * at bin width dE, on the frequencies every n of a sees completely,
 * [max(Eb_min - Ea_min, 0), Eb_max - Ea_max]. Width gamma: the distance between the centres of
 * the nearest bins left and right of the maximum that fall below half of it, so a peak
 * narrower than a bin (not resolved: the FGR fails) has gamma = 2 dE (the paper's
 * gamma/delta_E = 2) and a broad peak of full width at half maximum f has gamma ~ f + dE.
 * *clipped = 1 when the peak reaches the edge of the complete range (gamma then a lower
 * bound). *weight = mean_n sum_m |<m|X|n>|^2 (fraction of the flip inside b). */
typedef struct qb_grain_peak {
  double gamma, clipped, weight, omega_peak;
} qb_grain_peak;
qb_status qb_grain_peak_width(const qb_eigs_result *a, const qb_eigs_result *b, int site,
                              double dE, qb_grain_peak *out, qb_err *err);

/* The half-maximum width rule above on a histogram h[nb] of bin width dE: gamma, clipped
 * and omega_peak (in bins from the histogram's origin, the maximum bin's centre). */
void qb_grain_half_width(const double *h, qb_idx nb, double dE, qb_grain_peak *p);

/* ---- Time domain (grain_time.c) -------------------------------------------------------- */

/* A single-site Pauli operator ('X', 'Y' or 'Z') on site `site` of the L = M + N sites,
 * matrix-free (qbath/spin_op.h: no stored matrix, for state vectors of 2^20 and more), its
 * applies on nthreads threads (0: the runtime's). */
qb_status qb_grain_pauli_op(const qb_grain_spec *s, char pauli, int site, int nthreads,
                            qb_op **O, qb_err *err);

/* Tr (H - sigma_0)^2 / dim of one realization (sigma_0 = tr H / dim), exact: the variance
 * of its many-body density of states. */
double qb_grain_energy_variance(const qb_grain_spec *s, const double *A, const double *eps);
/* The same for any H by typicality: ||(H - sigma_0) r||^2 for one normalized random state r
 * of stream rng (relative error ~ 1/sqrt(dim); the chain grain, whose Pauli strings may
 * repeat). Two work vectors of dim entries are allocated. */
qb_status qb_grain_variance_typical(const qb_op *H, double sigma0, const qb_rng *rng,
                                    double *variance, qb_err *err);

/* The peak width of a spectral function S sampled at the midpoints of per_bin equal
 * sub-bins of each of nb bins of width dE starting at lo (S[b per_bin + k] at
 * lo + (b + (k + 1/2)/per_bin) dE): the histogram of Potirniche et al. 2019 Eq. (5) (bin b
 * holds pi x the integral of S over it / dE) and the half-maximum rule of
 * qb_grain_peak_width, so a time-domain spectrum resolved finer than dE gives the eigenstate
 * path's gamma. out->omega_peak is a frequency, out->weight the integral of S over the bins. */
qb_status qb_grain_peak_from_spectrum(const double *S, int per_bin, qb_idx nb, double lo,
                                      double dE, qb_grain_peak *out, qb_err *err);

/* A grain-random spin-product state |g> (x) |z> into psi (dimension 2^{N+M}): |g> a
 * normalized complex Gaussian vector of the grain (grain: d_g work entries), z a uniformly
 * random spin configuration (z[a] = +-1 for spin a+1), both from stream r. Averaged over
 * such states, z_a <psi(t)|tau^z_a|psi(t)> estimates Tr[tau^z_a(t) tau^z_a]/dim: one
 * evolution gives every spin's autocorrelation (E_g |g><g| = 1/d_g, E_z over the 2^M
 * configurations: z_a <g,z|tau^z_a(t)|g,z> averages to the trace). */
void qb_grain_product_state(const qb_grain_spec *s, const qb_rng *r, qb_cplx *grain,
                            qb_cplx *psi, int *z);

/* Eigenstate spectral functions rho_n(omega) (Potirniche et al. 2019 Eq. (S2)) of X_site for the states n of
 * window a against all states of `all` (the full spectrum: dense ED), histogrammed on
 * nbins bins of [-wmax, wmax): th[b] += mean_n rho_n, lg[b] += mean_n log(rho_n + shift)
 * (Potirniche et al. 2019 Eqs. (S3), (S5) before the disorder average). a_lo is the index of a's first state in
 * `all` (the m = n term is excluded). */
qb_status qb_grain_specfn(const qb_eigs_result *a, qb_idx a_lo, const qb_eigs_result *all,
                          int site, int nbins, double wmax, double shift, double *th,
                          double *lg, qb_err *err);

/* Potirniche Eq. (6) (exponential geometries) / Eq. (7) (stretched): the ETH expectation
 * of gamma/delta_E after M spins, given gamma_1/delta_b of the first spin. */
double qb_grain_eq6(const qb_grain_spec *s, double gamma1_over_deltab);

#endif
