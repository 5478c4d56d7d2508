/* random_matrix.c — model `random_matrix`: GOE / GUE / GSE / Poisson spectra of size N.
 *
 * Per realization: a dense matrix of the ensemble (qbath/rmt.h, scale s) diagonalized
 * (eigenvalues only), or N sorted Poisson levels. Observables:
 *   gap_ratio   mean consecutive-gap ratio <r> over the middle `window` fraction of the
 *               levels (Kramers pairs counted once for GSE);
 *   density     level-density histogram on `bins` bins of [-range, range], normalized
 *               so that sum(density) * bin_width = fraction of levels inside the range.
 * Theory: the semicircle rho(E) = 2 sqrt(R^2 - E^2) / (pi R^2) (R = qb_rmt_semicircle_
 * radius) or the flat Poisson density 1/width, at the bin centres; and the large-N
 * <r> of Atas et al., PRL 110, 084101 (2013): 0.5307 (GOE), 0.5996 (GUE), 0.6744 (GSE),
 * 2 ln 2 - 1 (Poisson). The histogram is compared with the density at bin centres, so
 * the comparison carries the bin-width curvature error O(width^2 rho''). Poisson levels
 * are uniform on [-width/2, width/2] with width = N s (mean spacing s).
 * Time domain ([evolve] observe = survival, models/shared/dynamics.h): the survival probability
 * of a random or basis state under the same matrix (rebuilt from its stream; Poisson: the
 * diagonal matrix of its levels) on the [evolve] time grid. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/level_stats.h"
#include "qbath/model.h"
#include "qbath/rmt.h"
#include "qbath/rng.h"
#include "models/shared/dynamics.h"

/* Stream purposes of one realization. */
enum { PURPOSE_MATRIX = 0 };

static const qb_ensemble ens_code[] = {QB_GOE, QB_GUE, QB_GSE, QB_POISSON};

typedef struct rm_ctx {
  qb_ensemble ens;
  int ens_index;     /* [model] ensemble: index into ens_code */
  qb_idx n;          /* levels (Kramers pairs for GSE) */
  qb_idx dim;        /* matrix dimension (2n for GSE) */
  double s, window, range, width;
  qb_idx bins;
  double *centres;   /* bins */
  qb_dyn dyn;        /* time-domain observables */
} rm_ctx;

static const qb_key rm_keys[] = {
    {"model", "ensemble", QB_KEY_ENUM, "GOE", 0, -1, "GOE|GUE|GSE|Poisson", "", NULL,
     "symmetry class (GSE: N Kramers pairs, a 2N x 2N matrix)", 1, QB_FIELD(rm_ctx, ens_index)},
    {"model", "N", QB_KEY_INT, NULL, 3, 1e5, NULL, "", NULL,
     "number of levels (GSE: Kramers pairs)", 1, QB_FIELD(rm_ctx, n)},
    {"model", "scale", QB_KEY_REAL, "1", 0, INFINITY, NULL, "energy", NULL,
     "entry scale s (rmt.h); Poisson: mean level spacing", 1, QB_FIELD(rm_ctx, s)},
    {"model", "window", QB_KEY_REAL, "0.5", 0, 1, NULL, "", NULL,
     "middle fraction of the spectrum used for the gap ratio", 1, QB_FIELD(rm_ctx, window)},
    {"model", "bins", QB_KEY_INT, "40", 1, 1e6, NULL, "", NULL,
     "bins of the level-density histogram", 1, QB_FIELD(rm_ctx, bins)},
    {"model", "range", QB_KEY_REAL, "0", 0, INFINITY, NULL, "energy", NULL,
     "histogram covers [-range, range] (0: 1.1 x the semicircle radius or half the Poisson width)",
     1, QB_FIELD(rm_ctx, range)},
    QB_KEY_END};
static const qb_key *const rm_tables[] = {rm_keys, qb_evolve_keys, qb_dynamics_keys, NULL};

static qb_status rm_estimate(const qb_params *p, qb_estimate *e, qb_err *err) {
  rm_ctx c = {0};
  qb_param_fill(p, rm_keys, &c);
  qb_ensemble ens = ens_code[c.ens_index];
  double n = (double)c.n, dim = ens == QB_GSE ? 2 * n : n;
  if (ens == QB_POISSON) {
    e->bytes = 8 * n;
    e->flops = 30 * n * log2(n + 1);
  } else {
    /* the matrix and its eigenvalues (qb_dense_eigh_bytes: LAPACKE's copy, the workspace) */
    e->bytes = qb_dense_eigh_bytes(ens == QB_GOE ? QB_REAL : QB_COMPLEX, dim, 0);
    e->flops = (ens == QB_GOE ? 4.0 / 3.0 : 16.0 / 3.0) * dim * dim * dim;
  }
  e->ctx_bytes = 8.0 * (double)c.bins;
  e->row_values = 1 + (double)c.bins; /* gap_ratio, density */
  qb_dyn dyn;
  QB_TRY(qb_dynamics_read(p, 0, (qb_idx)dim, NULL, &dyn, err));
  const double nnz = ens == QB_POISSON ? dim : dim * dim;
  if (qb_dynamics_any(&dyn)) e->bytes += 24 * nnz;
  qb_dynamics_estimate(&dyn, dim, nnz, ens == QB_GUE || ens == QB_GSE, e);
  qb_dynamics_clear(&dyn);
  return QB_OK;
}

static qb_status rm_create(const qb_params *p, void **out, qb_layout *L, qb_err *err) {
  rm_ctx *c = qb_calloc(1, sizeof *c);
  if (c == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "random_matrix: out of memory");
  qb_param_fill(p, rm_keys, c);
  c->ens = ens_code[c->ens_index];
  c->dim = c->ens == QB_GSE ? 2 * c->n : c->n;
  c->width = (double)c->n * c->s;
  double R = c->ens == QB_POISSON ? 0.5 * c->width : qb_rmt_semicircle_radius(c->ens, c->n, c->s);
  if (c->range <= 0) c->range = c->ens == QB_POISSON ? R : 1.1 * R;
  c->centres = qb_malloc(sizeof(double) * (size_t)c->bins);
  if (c->centres == NULL) {
    qb_free(c);
    return QB_FAIL(err, QB_ERR_NOMEM, "random_matrix: out of memory");
  }
  double w = 2 * c->range / (double)c->bins;
  for (qb_idx b = 0; b < c->bins; b++) c->centres[b] = -c->range + ((double)b + 0.5) * w;
  qb_layout_add_axis(L, "E", c->bins, c->centres, "bin centres of the level-density histogram");
  qb_layout_add(L, "gap_ratio", 1, NULL, "mean gap ratio <r> over the middle window", 1);
  qb_layout_add(L, "density", c->bins, "E", "level-density histogram (normalized per level)", 0);
  qb_layout_add_theory(L, "gap_ratio", 1, NULL, "large-N <r> (Atas et al. 2013)");
  qb_layout_add_theory(L, "density", c->bins, "E",
                       "semicircle or flat Poisson density at the bin centres");
  qb_status st = qb_dynamics_read(p, 0, c->dim, NULL, &c->dyn, err);
  if (st == QB_OK) st = qb_dynamics_layout(&c->dyn, L, err);
  if (st != QB_OK) {
    qb_dynamics_clear(&c->dyn);
    qb_free(c->centres);
    qb_free(c);
    return st;
  }
  *out = c;
  return QB_OK;
}

static void rm_free(void *ctx) {
  rm_ctx *c = ctx;
  if (c == NULL) return;
  qb_free(c->centres);
  qb_dynamics_clear(&c->dyn);
  qb_free(c);
}

/* Eigenvalues (ascending) of one realization into E (dim entries). */
static qb_status spectrum(const rm_ctx *c, const qb_task *t, double *E, qb_err *err) {
  qb_rng r;
  qb_rng_init(&r, t->seed, t->point, t->realization, PURPOSE_MATRIX);
  if (c->ens == QB_POISSON) return qb_rmt_poisson(&r, c->n, c->width, E, err);
  size_t elt = c->ens == QB_GOE ? sizeof(double) : sizeof(qb_cplx);
  void *H = qb_malloc(elt * (size_t)(c->dim * c->dim));
  if (H == NULL)
    return QB_FAIL(err, QB_ERR_NOMEM, "random_matrix: no memory for N = %lld", (long long)c->dim);
  qb_status st = c->ens == QB_GOE   ? qb_rmt_goe(&r, c->n, c->s, H, err)
                 : c->ens == QB_GUE ? qb_rmt_gue(&r, c->n, c->s, H, err)
                                    : qb_rmt_gse(&r, c->n, c->s, H, err);
  if (st == QB_OK)
    st = qb_dense_eigh(c->ens == QB_GOE ? QB_REAL : QB_COMPLEX, c->dim, H, E, 0, err);
  qb_free(H);
  return st;
}

/* The realization's matrix as CSR (the same stream as spectrum(); Poisson: diag(E)) and
 * its time-domain observables. */
static qb_status rm_dynamics(const rm_ctx *c, const qb_task *t, const double *E, double *row,
                             qb_err *err) {
  if (!qb_dynamics_any(&c->dyn)) return QB_OK;
  const qb_idx d = c->dim, nnz = c->ens == QB_POISSON ? d : d * d;
  const qb_dtype dt = c->ens == QB_GOE || c->ens == QB_POISSON ? QB_REAL : QB_COMPLEX;
  void *H = qb_malloc(qb_dtype_size(dt) * (size_t)nnz);
  qb_idx *ri = qb_malloc(sizeof *ri * (size_t)nnz), *ci = qb_malloc(sizeof *ci * (size_t)nnz);
  qb_csr *A = NULL;
  qb_status st =
      H && ri && ci ? QB_OK
                    : QB_FAIL(err, QB_ERR_NOMEM, "random_matrix: dynamics, N = %lld", (long long)d);
  qb_rng r;
  qb_rng_init(&r, t->seed, t->point, t->realization, PURPOSE_MATRIX);
  if (st == QB_OK && c->ens == QB_POISSON) memcpy(H, E, sizeof(double) * (size_t)d);
  else if (st == QB_OK)
    st = c->ens == QB_GOE   ? qb_rmt_goe(&r, c->n, c->s, H, err)
         : c->ens == QB_GUE ? qb_rmt_gue(&r, c->n, c->s, H, err)
                            : qb_rmt_gse(&r, c->n, c->s, H, err);
  for (qb_idx k = 0; st == QB_OK && k < nnz; k++) {
    ri[k] = c->ens == QB_POISSON ? k : k / d;
    ci[k] = c->ens == QB_POISSON ? k : k % d;
  }
  if (st == QB_OK) st = qb_csr_from_triplets(d, d, nnz, ri, ci, H, dt, &A, err);
  qb_free(H), qb_free(ri), qb_free(ci);
  if (st == QB_OK)
    st = qb_dynamics_realize(&c->dyn, A, NULL, NULL, t, t->nthreads, NULL, row,
                             err); /* no [eigen]: survival only */
  qb_csr_free(A);
  return st;
}

static qb_status rm_realize(const void *ctx, const qb_task *t, double *row, qb_err *err) {
  const rm_ctx *c = ctx;
  double *E = qb_malloc(sizeof(double) * (size_t)c->dim);
  if (E == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "random_matrix: out of memory");
  qb_status st = spectrum(c, t, E, err);
  if (st == QB_OK) {
    qb_idx stride = c->ens == QB_GSE ? 2 : 1,
           lo = (qb_idx)floor(0.5 * (1 - c->window) * (double)c->n);
    row[0] = qb_level_stats_gap_ratio_mean(E, c->n, stride, lo, c->n - lo, NULL);
    double *h = row + 1, w = 2 * c->range / (double)c->bins;
    memset(h, 0, sizeof(double) * (size_t)c->bins);
    for (qb_idx k = 0; k < c->n; k++) {
      double x = (E[k * stride] + c->range) / w;
      if (x >= 0 && x < (double)c->bins) h[(qb_idx)x] += 1.0 / ((double)c->n * w);
    }
  }
  if (st == QB_OK) st = rm_dynamics(c, t, E, row, err);
  qb_free(E);
  return st;
}

static qb_status rm_theory(const void *ctx, double *out, qb_err *err) {
  const rm_ctx *c = ctx;
  static const double r_ens[] = {0.5307, 0.5996, 0.6744};
  out[0] = c->ens == QB_POISSON ? 2 * log(2.0) - 1
                                : r_ens[c->ens == QB_GOE   ? 0
                                        : c->ens == QB_GUE ? 1
                                                           : 2];
  double R = qb_rmt_semicircle_radius(c->ens, c->n, c->s);
  for (qb_idx b = 0; b < c->bins; b++) {
    double E = c->centres[b];
    if (c->ens == QB_POISSON) out[1 + b] = fabs(E) <= 0.5 * c->width ? 1.0 / c->width : 0.0;
    else out[1 + b] = fabs(E) < R ? 2 * sqrt(R * R - E * E) / (M_PI * R * R) : 0.0;
  }
  return QB_OK;
}

const qb_model qb_model_random_matrix = {
    .name = "random_matrix",
    .doc = "GOE/GUE/GSE/Poisson spectra: gap ratio and level density",
    .keys = rm_tables,
    QB_MODEL_HOOKS(rm),
    .theory = rm_theory,
};
