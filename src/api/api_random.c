/* api_random.c — entanglement entropy and random-matrix samplers of the flat C API
 * (qbath/api.h). */
#include <string.h>

#include "api/api_internal.h"
#include "qbath/eigobs.h"
#include "qbath/rmt.h"
#include "qbath/rng.h"

/* Purpose words of the API's Philox streams (one per sampler, so that a GOE and a GUE
 * drawn with the same seed and stream are independent). */
enum { PURPOSE_DENSE = 0x41504931, PURPOSE_BETA = 0x41504932 };

qb_status qb_api_entanglement(int nsites, int n_up, uint64_t sites_mask, int is_complex,
                              const void *psi, double *s_vn, double *s_2, qb_err *err) {
  qb_spin_basis *B = NULL;
  qb_bipartition *P = NULL;
  QB_TRY(qb_spin_basis_create(nsites, n_up, &B, err));
  qb_status st = qb_eigobs_bipartition_sites(B, sites_mask, &P, err);
  if (st == QB_OK)
    st = qb_eigobs_entanglement(P, is_complex ? QB_COMPLEX : QB_REAL, psi, s_vn, s_2, err);
  qb_eigobs_bipartition_free(P);
  qb_spin_basis_free(B);
  return st;
}

qb_status qb_api_rmt_dense(const char *ensemble, qb_idx n, double scale, uint64_t seed,
                           uint64_t stream, void *H, qb_err *err) {
  qb_ensemble e;
  QB_TRY(qb_rmt_ensemble_parse(ensemble, &e, err));
  qb_rng r;
  qb_rng_init(&r, seed, 0, stream, PURPOSE_DENSE);
  switch (e) {
    case QB_GOE: return qb_rmt_goe(&r, n, scale, H, err);
    case QB_GUE: return qb_rmt_gue(&r, n, scale, H, err);
    case QB_GSE: return qb_rmt_gse(&r, n, scale, H, err);
    default:
      return QB_FAIL(err, QB_ERR_INPUT, "ensemble '%s' has no dense matrix (GOE, GUE or GSE)",
                     ensemble);
  }
}

qb_status qb_api_rmt_beta_hermite(int beta, qb_idx n, double scale, uint64_t seed,
                                  uint64_t stream, double *diag, double *offdiag,
                                  qb_err *err) {
  qb_rng r;
  qb_rng_init(&r, seed, 0, stream, PURPOSE_BETA);
  return qb_rmt_beta_hermite(&r, beta, n, scale, diag, offdiag, err);
}
