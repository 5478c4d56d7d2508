/* api_terms.c — operators from the `terms` language (qbath/terms.h) for the flat C API
 * (qbath/api.h): the same parser and the same Philox streams as the spin_chain model,
 * so that Python builds the operator the CLI builds for a realization. */
#include <string.h>

#include "api/api_internal.h"
#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/param.h"
#include "qbath/terms.h"

/* spin_chain draws term t's couplings from stream purpose 1 + t (models/spin_chain.c). */
enum { SPIN_CHAIN_STREAM0 = 1 };

qb_status qb_api_op_terms(int nsites, int n_up, int periodic, int nterms,
                          const char *const *terms, int nparams, const char *const *names,
                          const double *values, uint64_t seed, uint64_t point,
                          uint64_t realization, qb_api_op **out, qb_err *err) {
  *out = NULL;
  qb_terms *T = qb_calloc(1, sizeof *T);
  if (T == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for a term list");
  const qb_terms_names nm = {nparams, names, values};
  qb_pauli_sum *S = NULL;
  qb_status st = qb_terms_parse((char *const *)terms, nterms, nsites, periodic, &nm, T, err);
  if (st == QB_OK) st = qb_terms_build(T, seed, point, realization, SPIN_CHAIN_STREAM0, &S, err);
  if (st == QB_OK) st = qb_api_op_from_sum(S, n_up, out, err);
  qb_spin_sum_free(S);
  qb_free(T);
  return st;
}

/* spin_chain's parameters usable in AMP (models/spin_chain.c), then L. */
static const char *const spin_chain_names[] = {"J", "Delta", "h", "W", "g", "L"};
enum { SPIN_CHAIN_NPARAMS = 5 };

qb_status qb_api_op_spin_chain(const qb_campaign *c, qb_idx point, uint64_t realization,
                               qb_api_op **out, qb_err *err) {
  *out = NULL;
  if (strcmp(qb_campaign_model(c)->name, "spin_chain"))
    return QB_FAIL(err, QB_ERR_INPUT, "the input's model is '%s', not spin_chain",
                   qb_campaign_model(c)->name);
  if (point < 0 || point >= qb_campaign_npoints(c))
    return QB_FAIL(err, QB_ERR_INPUT, "point %lld outside 0..%lld", (long long)point,
                   (long long)qb_campaign_npoints(c) - 1);
  const qb_params *p = qb_campaign_point(c, point);
  int L = (int)qb_param_int(p, "model", "L");
  double values[SPIN_CHAIN_NPARAMS + 1];
  for (int i = 0; i < SPIN_CHAIN_NPARAMS; i++)
    values[i] = qb_param_real(p, "model", spin_chain_names[i]);
  values[SPIN_CHAIN_NPARAMS] = L;
  qb_idx n;
  char *const *terms = qb_param_strs(p, "model", "terms", &n);
  return qb_api_op_terms(L, (int)qb_param_int(p, "model", "n_up"),
                         qb_param_enum(p, "model", "boundary") == 1, (int)n,
                         (const char *const *)terms, SPIN_CHAIN_NPARAMS + 1, spin_chain_names,
                         values, (uint64_t)qb_param_int(p, "run", "seed"), (uint64_t)point,
                         realization, out, err);
}
