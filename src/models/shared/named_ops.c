/* named_ops.c — [observables] NAME = terms: user-named operators (models/shared/named_ops.h). */
#include <string.h>

#include "models/shared/named_ops.h"
#include "qbath/csr.h"
#include "qbath/dynobs.h"
#include "qbath/spin_op.h"

const qb_key qb_named_ops_keys[] = {
    {"observables", "*", QB_KEY_STRING_LIST, "", 0, -1, NULL, "", NULL,
     "NAME = terms: an operator named NAME, a sum of Pauli strings OPS:AMP[:DIST][@SITES] "
     "(docs/terms.md), for [evolve] observe = expect/diagonal, [evolve] operator and "
     "<n|O|n> per eigenstate", 0},
    QB_KEY_END};

qb_status qb_named_ops_read(const qb_params *p, int nsites, int periodic,
                            const qb_terms_names *names, qb_named_ops *ops, qb_err *err) {
  memset(ops, 0, sizeof *ops);
  for (int i = 0; i < p->nkeys; i++) {
    const qb_key *k = p->keys[i];
    if (strcmp(k->section, "observables") != 0 || !p->is_set[i]) continue;
    if (nsites == 0)
      return qb_param_fail(p, err, "observables", k->name,
                           "named operators need spins (spin_chain)");
    if (ops->n == QB_NAMED_OPS_MAX)
      return qb_param_fail(p, err, "observables", k->name, "at most %d named operators",
                           QB_NAMED_OPS_MAX);
    if (strlen(k->name) > QB_NAME_LEN - 16)
      return qb_param_fail(p, err, "observables", k->name, "name longer than %d characters",
                           QB_NAME_LEN - 16);
    const qb_value *v = p->vals[i];
    qb_err e;
    qb_err_clear(&e);
    if (qb_terms_parse(v->strs, v->n, nsites, periodic, names, &ops->terms[ops->n], &e) != QB_OK)
      return qb_param_fail(p, err, "observables", k->name, "%s", e.msg);
    snprintf(ops->name[ops->n++], QB_NAME_LEN, "%s", k->name);
  }
  return QB_OK;
}

int qb_named_ops_find(const qb_named_ops *ops, const char *name) {
  for (int k = 0; k < ops->n; k++)
    if (!strcmp(ops->name[k], name)) return k;
  return -1;
}

int qb_named_ops_complex(const qb_named_ops *ops, int k) {
  return qb_terms_complex(&ops->terms[k]);
}

qb_status qb_named_ops_build(const qb_named_ops *ops, int k, const qb_spin_basis *B,
                             const qb_task *t, int matrix_free, qb_op **out, qb_err *err) {
  qb_pauli_sum *S = NULL;
  qb_csr *A = NULL;
  *out = NULL;
  qb_status st = qb_terms_build(&ops->terms[k], t->seed, t->point, t->realization,
                                QB_NAMED_OPS_STREAM + 64 * (uint64_t)k, &S, err);
  if (st == QB_OK && matrix_free) st = qb_spin_op_from_sum(S, B, t->nthreads, out, err);
  else if (st == QB_OK) st = qb_spin_sum_to_csr(S, B, &A, err);
  if (st == QB_OK && !matrix_free) st = qb_op_from_csr(A, 1, out, err);
  else qb_csr_free(A);
  qb_spin_sum_free(S);
  if (st != QB_OK) qb_err_prefix(err, "[observables] %s", ops->name[k]);
  return st;
}

qb_status qb_named_ops_set_build(const qb_named_ops *ops, const qb_spin_basis *B, const qb_task *t,
                             int matrix_free, qb_named_set *out, qb_err *err) {
  memset(out, 0, sizeof *out);
  for (int k = 0; ops && k < ops->n; k++) {
    qb_status st = qb_named_ops_build(ops, k, B, t, matrix_free, &out->op[k], err);
    if (st != QB_OK) {
      qb_named_ops_set_clear(out);
      return st;
    }
    out->n = k + 1;
  }
  return QB_OK;
}

void qb_named_ops_set_clear(qb_named_set *s) {
  for (int k = 0; k < s->n; k++) s->op[k] = qb_op_free(s->op[k]);
  s->n = 0;
}

qb_status qb_named_ops_set_expect(const qb_named_set *s, qb_dtype dtype, const void *v, qb_idx dim,
                              qb_cplx *work, double *out, qb_err *err) {
  qb_cplx *psi = work, *w = work + dim;
  for (qb_idx i = 0; i < dim; i++)
    psi[i] = dtype == QB_REAL ? ((const double *)v)[i] : ((const qb_cplx *)v)[i];
  for (int k = 0; k < s->n; k++) QB_TRY(qb_dynobs_expect(s->op[k], psi, w, &out[k], err));
  return QB_OK;
}
