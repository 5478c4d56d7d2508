/* qbath/eigobs.h — observables of a set of eigenpairs (a qb_eigs_result): entanglement
 * entropy of a subsystem, inverse participation ratios, the Thouless parameter, and the
 * eigenstate spectral function of a local operator with its typical and thermal averages.
 *
 * A window of k eigenpairs (shift-invert) is not the whole spectrum; every quantity that
 * sums over eigenstates says what the window cuts off. The consecutive-gap ratio is in
 * qbath/level_stats.h (qb_level_stats_gap_ratio_mean on result->E).
 *
 * Potirniche, Banerjee, Altman, "On the stability of many-body localization in d > 1"
 * (PRB 99, 205149 (2019)): Eq. (5)/(S2) the eigenstate spectral function, (S3) typical
 * and (S5) thermal averages with the 1e-20 shift of Sec. S1 c, Potirniche et al. 2019 Eq. (8) Thouless parameter. */
#ifndef QBATH_EIGOBS_H
#define QBATH_EIGOBS_H

#include "qbath/eigs.h"
#include "qbath/op.h"
#include "qbath/spin.h"

/* ---- Entanglement entropy ------------------------------------------------------------
 * A bipartition of a basis into subsystem A and its complement B: basis index i is the
 * product state |a_i>_A |b_i>_B. Built once, applied to many states. The reduced density
 * matrix of the smaller side is formed as rho = M M^H, M[a][b] = psi(a, b) (one BLAS
 * syrk/herk), and diagonalized; entropies use the natural logarithm.
 *
 * In an S^z sector (n_up spins up) psi(a, b) vanishes unless a has k and b has n_up - k
 * spins up, so M and rho are block diagonal in k: one block per k, of dimension
 * binom(|A|, k) x binom(L - |A|, n_up - k). The blocks hold exactly dim amplitudes, so the
 * entropy of a sector state never forms the 2^L product space (at L = 28, n_up = 14 the
 * half-chain M is 40 M entries instead of 268 M). Product spaces have one block. */
typedef struct qb_bipartition {
  qb_idx dim;       /* basis dimension */
  qb_idx da, db;    /* dimensions of A and B (product spaces: 2^|A|, ...) */
  int nblocks;      /* 1, or one per number of up spins in A (sectors) */
  qb_idx *bda, *bdb; /* size nblocks: each block's A and B dimensions */
  int *blk;         /* size dim: the block of basis state i (NULL when nblocks = 1) */
  qb_idx *ia, *ib;  /* size dim: the A and B labels of basis state i within its block */
} qb_bipartition;

/* Bytes qb_eigobs_entanglement allocates for one state of P (the memory estimate's term). */
size_t qb_eigobs_entanglement_bytes(const qb_bipartition *P, qb_dtype dtype);

/* Spin sites in `sites` (bit j = site j) form A; B is a spin basis (full or an S^z sector,
 * which is then split into blocks as above). A must be a non-empty proper subset of the L
 * sites. */
qb_status qb_eigobs_bipartition_sites(const qb_spin_basis *B, uint64_t sites, qb_bipartition **out,
                               qb_err *err);

/* Tensor factors: the space is dims[0] x dims[1] x ... (factor 0 slowest, as in
 * qbath/kron.h: psi[g * d_r + r]); factors in `factors` (bit f = factor f) form A. */
qb_status qb_eigobs_bipartition_factors(int nfactors, const qb_idx *dims, uint64_t factors,
                                 qb_bipartition **out, qb_err *err);

qb_bipartition *qb_eigobs_bipartition_free(qb_bipartition *P);

/* von Neumann S = -tr rho_A log rho_A and Renyi-2 S_2 = -log tr rho_A^2 of the normalized
 * state psi (dtype, length P->dim). Either output may be NULL. */
qb_status qb_eigobs_entanglement(const qb_bipartition *P, qb_dtype dtype, const void *psi,
                          double *s_vn, double *s_2, qb_err *err);

/* ---- Participation -------------------------------------------------------------------- */

/* ipr[j] = sum_i |v_j(i)|^4 in the computational basis, for each pair of r. */
qb_status qb_eigobs_ipr(const qb_eigs_result *r, double *ipr, qb_err *err);

/* For a normalized state psi0 (of r's dtype, or real when r is real): sum4 = sum_alpha
 * |<psi0|alpha>|^4 and weight = sum_alpha |<psi0|alpha>|^2 over the window's eigenstates.
 * weight < 1 is the part of psi0 outside the window: sum4 is the full-spectrum value only
 * when weight = 1 (all eigenstates, or psi0 inside the window's span). */
qb_status qb_eigobs_overlap_ipr(const qb_eigs_result *r, const void *psi0, double *sum4,
                             double *weight, qb_err *err);

/* ---- Matrix elements -------------------------------------------------------------------
 * O_nm = <n|O|m> between the k eigenvectors of r, as a k x k matrix (column-major,
 * O_nm at M[n + m*k]), double for real r and real O, else qb_cplx (*mdtype says which).
 * k applies of O and one GEMM. O may be real or complex. */
qb_status qb_eigobs_matrix_elements(const qb_eigs_result *r, const qb_op *O, void **M,
                                 qb_dtype *mdtype, qb_err *err);

/* ---- Thouless parameter (Potirniche et al. Eq. (8), after Serbyn, Papic, Abanin) -----
 * E'_n = E_n + <n|O|n>; the k states are reordered by E' and, for each consecutive pair,
 * G = log(|<n|O|n+1>| / (E'_{n+1} - E'_n)); G[0 .. k-2] are written in E' order.
 * Window cut-off: the reordering sees only the window's states, so a pair is a true
 * neighbour pair of the full spectrum only where the window is wide compared to the spread
 * of <n|O|n> (always with dense ED of the whole spectrum; for a window of k levels, take
 * k so that k * (level spacing) >> max |<n|O|n> - <m|O|m>|, or use interior pairs). */
qb_status qb_eigobs_thouless(const qb_eigs_result *r, const qb_op *O, double *G, qb_err *err);

/* ---- Eigenstate spectral function (Potirniche et al. Eq. (S2)) ------------------------
 * rho_n(w) = pi sum_{m != n} |<n|O|m>|^2 delta(w - (E_m - E_n)), histogrammed on nbins
 * bins of [wmin, wmax) (each delta adds pi |O_nm|^2 / bin width to its bin). The Lehmann
 * sum runs over the window's states only: rho_n is complete for |w| below the distance
 * from E_n to the window's edges and misses the weight beyond (it is the exact rho_n
 * with dense ED of all eigenstates). An accumulator sums rho_n over eigenstates and
 * realizations for the thermal (arithmetic, Potirniche et al. 2019 Eq. (S5)) and typical (geometric, Eq. (S3))
 * averages; the typical one averages log(rho_n + shift), shift = 1e-20 in the paper
 * (Sec. S1 c), so that isolated empty bins do not send it to zero. */
typedef struct qb_specfn {
  int nbins;          /* number of frequency bins */
  double wmin, wmax;  /* frequency range; bin b is [wmin + b dw, wmin + (b+1) dw) */
  double shift;       /* added to rho_n before the logarithm (paper: 1e-20) */
  double *sum;        /* size nbins: sum over added states of rho_n(w_b) */
  double *sumlog;     /* size nbins: sum of log(rho_n(w_b) + shift) */
  qb_idx count;       /* number of eigenstates added */
} qb_specfn;

qb_status qb_eigobs_specfn_create(int nbins, double wmin, double wmax, double shift, qb_specfn **out,
                           qb_err *err);
qb_specfn *qb_eigobs_specfn_free(qb_specfn *S);

/* Adds rho_n for the states n in [first, last) of r (indices into r's ascending list),
 * with matrix elements M from qb_eigobs_matrix_elements (k x k, mdtype). */
qb_status qb_eigobs_specfn_add(qb_specfn *S, const qb_eigs_result *r, const void *M, qb_dtype mdtype,
                        qb_idx first, qb_idx last, qb_err *err);

/* Thermal rho_th(w_b) = mean of rho_n(w_b); typical rho_typ(w_b) = exp(mean log(rho_n +
 * shift)). out has nbins entries. QB_ERR_INPUT when nothing was added. */
qb_status qb_eigobs_specfn_thermal(const qb_specfn *S, double *out, qb_err *err);
qb_status qb_eigobs_specfn_typical(const qb_specfn *S, double *out, qb_err *err);

#endif
