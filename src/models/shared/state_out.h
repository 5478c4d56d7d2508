/* models/shared/state_out.h — what the generic models write per eigenstate: [output] eigenpairs
 * (none | values | vectors) and the per-state columns of every eigenstate observable, on
 * the axis "state" (the nev eigenstates nearest the [eigen] target, ascending in energy).
 * Private to src/models; spectrum_obs.c calls it with the eigenpairs it computed.
 *
 * Columns (each per realization, in the row):
 *   eigenvalues          nev, axis state            (eigenpairs = values or vectors)
 *   eigvec_re, eigvec_im nev * dim, vector n at [n*dim, (n+1)*dim) (eigenpairs = vectors;
 *                        eigvec_im only for complex Hamiltonians)
 *   s_vn_state, s_renyi2_state   nev, axis state    (when the model computes entropies)
 *   NAME_state           nev, axis state: <n|O|n> of each [observables] operator NAME
 * A vector's global phase is LAPACK's or ARPACK's: compare |<v|w>|, not components. */
#ifndef QBATH_MODELS_STATE_OUT_H
#define QBATH_MODELS_STATE_OUT_H

#include "qbath/eigobs.h"
#include "qbath/eigs.h"
#include "qbath/model.h"
#include "models/shared/named_ops.h"

/* [output] eigenpairs, eigenpairs_max_gib. */
extern const qb_key qb_state_out_keys[];

enum { QB_PAIRS_NONE = 0, QB_PAIRS_VALUES = 1, QB_PAIRS_VECTORS = 2 };

typedef struct qb_state_out {
  int pairs;          /* QB_PAIRS_* */
  int is_complex;     /* vectors carry an imaginary part column */
  int entropy;        /* per-state entropies of the model's bipartition */
  qb_idx nev, dim;    /* states and their length */
  double *state;      /* axis "state": 0 .. nev-1 (owned) */
  qb_idx col_e, col_vre, col_vim, col_svn, col_s2; /* row offsets, -1 when absent */
  int nops;           /* [observables] operators: <n|O|n> columns */
  qb_idx col_ops;     /* offset of the first (nev each, in operator order) */
} qb_state_out;

/* Doubles one realization stores for eigenpairs (0 with none). */
double qb_state_out_doubles(int pairs, double nev, double dim, int is_complex);

/* Checks the size guard [output] eigenpairs_max_gib for nev states of dimension dim. The
 * stored eigenpairs are row columns, which the runner counts through the model's
 * qb_estimate.row_values. */
qb_status qb_state_out_guard(const qb_params *p, double nev, double dim, int is_complex,
                             qb_err *err);

/* Reads [output] eigenpairs and adds the columns above. */
qb_status qb_state_out_init(const qb_params *p, qb_idx nev, qb_idx dim, int is_complex,
                            int entropy, const qb_named_ops *ops, qb_state_out *s, qb_layout *L,
                            qb_err *err);

/* 1 when the per-state output needs the eigenvectors. */
int qb_state_out_needs_vectors(const qb_state_out *s);

/* Writes r's eigenvalues, vectors, per-state entropies of bip (NULL without entropies)
 * and <n|O|n> of the realization's operators O (NULL without) into row; *svn_mean,
 * *s2_mean get the means over the states when entropy. */
qb_status qb_state_out_fill(const qb_state_out *s, const qb_eigs_result *r,
                            const qb_bipartition *bip, const qb_named_set *O, double *row,
                            double *svn_mean, double *s2_mean, qb_err *err);

void qb_state_out_clear(qb_state_out *s);

#endif
