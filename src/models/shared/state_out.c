/* state_out.c — [output] eigenpairs and the per-state columns of the generic models
 * (models/shared/state_out.h). */
#include <string.h>

#include "models/shared/state_out.h"
#include "qbath/alloc.h"

const qb_key qb_state_out_keys[] = {
    {"output", "eigenpairs", QB_KEY_ENUM, "none", 0, -1, "none|values|vectors", "", NULL,
     "per realization: the nev eigenvalues nearest the [eigen] target (values), and their "
     "eigenvectors (vectors), on the axis 'state'", 0},
    {"output", "eigenpairs_max_gib", QB_KEY_REAL, "4", 0, 1e6, NULL, "GiB", NULL,
     "size guard: refuse eigenpairs = vectors when the vectors of all realizations of a point "
     "exceed this (they are held in memory and written to the file)", 0},
    QB_KEY_END};

double qb_state_out_doubles(int pairs, double nev, double dim, int is_complex) {
  if (pairs == QB_PAIRS_NONE) return 0;
  return nev + (pairs == QB_PAIRS_VECTORS ? nev * dim * (is_complex ? 2 : 1) : 0);
}

qb_status qb_state_out_guard(const qb_params *p, double nev, double dim, int is_complex,
                             qb_err *err) {
  const int pairs = qb_param_enum(p, "output", "eigenpairs");
  const double R = (double)qb_param_int(p, "run", "realizations");
  const double bytes = 8 * R * qb_state_out_doubles(pairs, nev, dim, is_complex);
  const double max = qb_param_real(p, "output", "eigenpairs_max_gib");
  if (pairs == QB_PAIRS_VECTORS && bytes > max * 1073741824.0)
    return qb_param_fail(p, err, "output", "eigenpairs", "vectors of %.0f realizations x %.0f "
                         "states x dimension %.0f%s are %.3g GiB per point, above "
                         "eigenpairs_max_gib = %g: lower [eigen] nev or [run] realizations, use "
                         "eigenpairs = values, or raise the guard", R, nev, dim,
                         is_complex ? " (complex)" : "", bytes / 1073741824.0, max);
  return QB_OK;
}

qb_status qb_state_out_init(const qb_params *p, qb_idx nev, qb_idx dim, int is_complex,
                            int entropy, const qb_named_ops *ops, qb_state_out *s, qb_layout *L,
                            qb_err *err) {
  memset(s, 0, sizeof *s);
  s->pairs = qb_param_enum(p, "output", "eigenpairs");
  s->is_complex = is_complex, s->entropy = entropy, s->nev = nev, s->dim = dim;
  s->col_e = s->col_vre = s->col_vim = s->col_svn = s->col_s2 = s->col_ops = -1;
  s->nops = ops ? ops->n : 0;
  if (s->pairs == QB_PAIRS_NONE && !entropy && s->nops == 0) return QB_OK;
  s->state = qb_malloc((size_t)nev * sizeof *s->state);
  if (!s->state) return QB_FAIL(err, QB_ERR_NOMEM, "state axis of %lld", (long long)nev);
  for (qb_idx n = 0; n < nev; n++) s->state[n] = (double)n;
  int bad = qb_layout_add_axis(L, "state", nev, s->state, "the nev eigenstates nearest the "
                               "[eigen] target, ascending in energy") < 0;
  if (s->pairs != QB_PAIRS_NONE)
    bad |= (s->col_e =
                qb_layout_add(L, "eigenvalues", nev, "state", "eigenvalues of the states", 0)) < 0;
  if (s->pairs == QB_PAIRS_VECTORS) {
    bad |= (s->col_vre = qb_layout_add(L, "eigvec_re", nev * dim, NULL, "eigenvectors, real "
                                       "part: vector n at [n*dim, (n+1)*dim)", 0)) < 0;
    if (is_complex)
      bad |= (s->col_vim = qb_layout_add(L, "eigvec_im", nev * dim, NULL,
                                         "eigenvectors, imaginary part (as eigvec_re)", 0)) < 0;
  }
  if (entropy) {
    bad |= (s->col_svn = qb_layout_add(L, "s_vn_state", nev, "state",
                                       "von Neumann entanglement entropy of each state", 0)) < 0;
    bad |= (s->col_s2 = qb_layout_add(L, "s_renyi2_state", nev, "state",
                                      "Renyi-2 entropy of each state", 0)) < 0;
  }
  for (int k = 0; k < s->nops; k++) {
    char name[QB_NAME_LEN];
    snprintf(name, sizeof name, "%s_state", ops->name[k]);
    qb_idx c = qb_layout_add(L, name, nev, "state", "<n|O|n> of the [observables] operator", 0);
    if (k == 0) s->col_ops = c;
    bad |= c < 0;
  }
  return bad ? QB_FAIL(err, QB_ERR_INPUT, "per-state output: the result layout is full") : QB_OK;
}

int qb_state_out_needs_vectors(const qb_state_out *s) {
  return s->pairs == QB_PAIRS_VECTORS || s->entropy || s->nops > 0;
}

static qb_status copy_vectors(const qb_state_out *s, const qb_eigs_result *r, double *row,
                              qb_err *err) {
  const size_t len = (size_t)(r->nev * r->dim);
  if (r->dtype == QB_REAL) {
    memcpy(row + s->col_vre, r->V, len * sizeof(double));
    if (s->col_vim >= 0) memset(row + s->col_vim, 0, len * sizeof(double));
    return QB_OK;
  }
  if (s->col_vim < 0) /* the model promised a real H (programmer error) */
    return QB_FAIL(err, QB_ERR_DIM, "eigenpairs: complex eigenvectors, but no eigvec_im column");
  const qb_cplx *v = r->V;
  for (size_t i = 0; i < len; i++)
    row[s->col_vre + i] = creal(v[i]), row[s->col_vim + i] = cimag(v[i]);
  return QB_OK;
}

/* <n|O_k|n> per state into the operator columns. */
static qb_status fill_ops(const qb_state_out *s, const qb_eigs_result *r, const qb_named_set *O,
                          double *row, qb_err *err) {
  if (O == NULL || O->n != s->nops)
    return QB_FAIL(err, QB_ERR_DIM, "per-state output: %d operators given, %d named",
                   O ? O->n : 0, s->nops);
  qb_cplx *work = qb_malloc(2 * (size_t)r->dim * sizeof *work);
  if (!work) return QB_FAIL(err, QB_ERR_NOMEM, "<n|O|n>: dimension %lld", (long long)r->dim);
  const size_t vsize = qb_dtype_size(r->dtype) * (size_t)r->dim;
  double ev[QB_NAMED_OPS_MAX];
  qb_status st = QB_OK;
  for (qb_idx n = 0; st == QB_OK && n < r->nev; n++) {
    st = qb_named_ops_set_expect(O, r->dtype, (const char *)r->V + (size_t)n * vsize, r->dim, work,
                                 ev, err);
    for (int k = 0; st == QB_OK && k < s->nops; k++) row[s->col_ops + k * s->nev + n] = ev[k];
  }
  qb_free(work);
  return st;
}

qb_status qb_state_out_fill(const qb_state_out *s, const qb_eigs_result *r,
                            const qb_bipartition *bip, const qb_named_set *O, double *row,
                            double *svn_mean, double *s2_mean, qb_err *err) {
  if (r->nev != s->nev || r->dim != s->dim)
    return QB_FAIL(err, QB_ERR_DIM, "per-state output: %lld states of dimension %lld, the layout "
                   "has %lld of %lld", (long long)r->nev, (long long)r->dim, (long long)s->nev,
                   (long long)s->dim);
  if (s->col_e >= 0) memcpy(row + s->col_e, r->E, (size_t)r->nev * sizeof(double));
  if (s->col_vre >= 0) QB_TRY(copy_vectors(s, r, row, err));
  if (s->nops > 0) QB_TRY(fill_ops(s, r, O, row, err));
  if (!s->entropy) return QB_OK;
  const size_t vsize = qb_dtype_size(r->dtype) * (size_t)r->dim;
  double a = 0, b = 0; /* summed in state order: the means keep their bits */
  for (qb_idx j = 0; j < r->nev; j++) {
    double v, w;
    QB_TRY(
        qb_eigobs_entanglement(bip, r->dtype, (const char *)r->V + (size_t)j * vsize, &v, &w, err));
    row[s->col_svn + j] = v, row[s->col_s2 + j] = w;
    a += v, b += w;
  }
  *svn_mean = a / (double)r->nev;
  *s2_mean = b / (double)r->nev;
  return QB_OK;
}

void qb_state_out_clear(qb_state_out *s) { s->state = qb_free(s->state); }
