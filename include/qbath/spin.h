/* qbath/spin.h — spin-1/2 Hamiltonians as sums of Pauli strings, built into CSR.
 *
 * Conventions: site j is bit j of a basis state's integer label; bit = 1 is spin up,
 * sigma^z |up> = +|up>. sigma^x flips; sigma^y |up> = i |down>, sigma^y |down> = -i |up>;
 * sigma^+ = (X + iY)/2 raises (|down> -> |up>), sigma^- lowers. A term is
 * c * P_1(site_1) P_2(site_2) ..., with operators applied right to left as written
 * (they commute unless a site repeats; repeated sites are multiplied in order).
 * Up to 40 sites (QB_SPIN_MAX_SITES); the full 2^L space or a fixed-magnetization sector
 * (n_up spins up) with its basis map. Sector states are ordered by integer label; the
 * index of a state is its combinatorial rank, found in O(L) without a table. */
#ifndef QBATH_SPIN_H
#define QBATH_SPIN_H

#include "qbath/csr.h"

#define QB_SPIN_MAX_SITES 40
#define QB_PAULI_MAX_OPS 8

/* One Pauli string: coupling * ops[0](sites[0]) * ops[1](sites[1]) ... */
typedef struct qb_pauli_term {
  qb_cplx coupling;                /* complex coefficient */
  int nops;                        /* number of single-site factors, 1..QB_PAULI_MAX_OPS */
  char ops[QB_PAULI_MAX_OPS];      /* each 'X','Y','Z','+','-' (or 'I') */
  int sites[QB_PAULI_MAX_OPS];     /* sites 0..L-1 */
} qb_pauli_term;

/* A Hamiltonian as a list of terms on L sites. */
typedef struct qb_pauli_sum {
  int nsites;                      /* L */
  qb_idx nterms;                   /* terms in use */
  qb_idx cap;                      /* terms allocated */
  qb_pauli_term *terms;            /* size cap */
} qb_pauli_sum;

/* A basis: the full space (n_up < 0) or the sector with n_up spins up. */
typedef struct qb_spin_basis {
  int nsites;                      /* L */
  int n_up;                        /* -1 for the full 2^L space */
  qb_idx dim;                      /* 2^L or binomial(L, n_up) */
  uint64_t *states;                /* sector: size dim, ascending labels; full or lean: NULL */
  uint64_t binom[QB_SPIN_MAX_SITES + 1][QB_SPIN_MAX_SITES + 1]; /* Pascal table for ranks */
} qb_spin_basis;

qb_status qb_spin_sum_create(int nsites, qb_pauli_sum **out, qb_err *err);
qb_pauli_sum *qb_spin_sum_free(qb_pauli_sum *H);

/* Appends coupling * ops[0](sites[0]) ... ops[nops-1](sites[nops-1]); ops is a string of
 * nops letters from "XYZ+-I" (e.g. "XX" with sites {3, 4}). Bad letters or sites out of
 * range are QB_ERR_INPUT naming them. */
qb_status qb_spin_sum_add(qb_pauli_sum *H, qb_cplx coupling, const char *ops,
                           const int *sites, qb_err *err);

/* Full space (n_up = -1) or magnetization sector; L <= 40, and for the full space the
 * dimension must fit the memory the caller intends (no check here beyond L <= 40). */
qb_status qb_spin_basis_create(int nsites, int n_up, qb_spin_basis **out, qb_err *err);
/* The same basis without the sector's state list (8 bytes per state saved: half a complex
 * state vector); qb_spin_basis_state then unranks in O(L). For runs that hold only state
 * vectors (matrix-free operators, qbath/spin_op.h). */
qb_status qb_spin_basis_create_lean(int nsites, int n_up, qb_spin_basis **out, qb_err *err);
qb_spin_basis *qb_spin_basis_free(qb_spin_basis *B);

/* Label (bit pattern) of basis index i, and index of a label (-1 if not in the basis). */
uint64_t qb_spin_basis_state(const qb_spin_basis *B, qb_idx i);
qb_idx qb_spin_basis_index(const qb_spin_basis *B, uint64_t state);

/* Builds H restricted to B as CSR (rows in parallel, deterministic). The result is real
 * when every matrix element is real, else complex. A term that leaves the sector (e.g. a
 * single sigma^x in an Sz sector) is QB_ERR_INPUT. Entries that cancel to exactly zero
 * are dropped. */
qb_status qb_spin_sum_to_csr(const qb_pauli_sum *H, const qb_spin_basis *B, qb_csr **out,
                              qb_err *err);

/* Convenience: the random-field Heisenberg chain in the convention of the MBL literature
 * (Pal & Huse 2010; spin-1/2 operators S = sigma/2, so that W_c ~ 3.5 for h_j in [-W, W]):
 *   H = J sum_j S_j . S_{j+1} + sum_j h_j S^z_j
 *     = (J/4) sum_j (X_j X_{j+1} + Y_j Y_{j+1} + Z_j Z_{j+1}) + sum_j (h_j/2) Z_j,
 * open (periodic = 0) or periodic boundaries, fields h given by the caller (length L). */
qb_status qb_spin_sum_heisenberg(int nsites, double J, const double *h, int periodic,
                                  qb_pauli_sum **out, qb_err *err);

#endif
