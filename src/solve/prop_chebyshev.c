/* prop_chebyshev.c — the Chebyshev propagator exp(-i H dt) psi with Bessel coefficients
 * (Tal-Ezer & Kosloff 1984), plan cached per (dt, tol) (qbath/prop.h).
 *
 *   exp(-i H dt) = exp(-i c dt) sum_{k=0}^{K} (2 - delta_k0) (-i)^k J_k(a dt) T_k(X),
 *   X = (H - c)/a,  T_0 psi = psi, T_1 psi = X psi, T_{k+1} = 2 X T_k - T_{k-1}.
 * The recurrence runs in place on two vectors (the fused y <- alpha (H - shift) x + beta y
 * with alpha = 2/a, shift = c, beta = -1 overwrites T_{k-1} by T_{k+1}), the sum in a third:
 * the state, two work vectors. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/prop.h"
#include "qbath/vec.h"

typedef struct {
  qb_op *H;            /* the operator */
  size_t n;            /* dimension */
  double c, a;         /* centre and half-width of the bounds */
  int max_order;       /* largest order per step */
  double norm_guard;   /* relative norm change that means "bounds violated" */
  qb_cplx *w1, *w2;    /* work vectors */
  /* the plan of the last step size: */
  double plan_dt, plan_tol;
  int plan_sub;        /* substeps per step */
  int plan_order;      /* K */
  double plan_tail;    /* bound on the truncation error per substep */
  int cap;             /* room in coef / bes */
  qb_cplx *coef;       /* coefficients of T_0..T_K */
  double *bes;         /* J_k work */
} cheb_state;

static void cheb_free(void *s_) {
  cheb_state *s = s_;
  if (!s) return;
  qb_free(s->w1);
  qb_free(s->w2);
  qb_free(s->coef);
  qb_free(s->bes);
  qb_free(s);
}

static qb_status cheb_create(qb_op *H, const qb_prop_params *p, void **out, qb_err *err) {
  *out = NULL;
  double emin, emax;
  QB_TRY(qb_bounds_op(H, &p->bounds, &emin, &emax, err));
  cheb_state *s = qb_calloc(1, sizeof *s);
  if (!s) return QB_FAIL(err, QB_ERR_NOMEM, "Chebyshev propagator");
  s->H = H;
  s->n = (size_t)H->dim;
  s->c = 0.5 * (emax + emin);
  s->a = 0.5 * (emax - emin);
  s->max_order = p->cheb_max_order;
  s->norm_guard = p->norm_guard;
  s->plan_dt = -1.0;
  s->w1 = qb_calloc(s->n, sizeof *s->w1);
  s->w2 = qb_calloc(s->n, sizeof *s->w2);
  if (!s->w1 || !s->w2) {
    const size_t n = s->n;
    cheb_free(s);
    return QB_FAIL(err, QB_ERR_NOMEM, "Chebyshev work vectors of dimension %zu", n);
  }
  *out = s;
  return QB_OK;
}

/* Grows coef/bes to hold n + 1 entries (n = order or Miller length). */
static qb_status ensure_cap(cheb_state *s, int n, qb_err *err) {
  if (n + 1 <= s->cap) return QB_OK;
  qb_free(s->coef);
  qb_free(s->bes);
  s->coef = qb_malloc(((size_t)n + 1) * sizeof *s->coef);
  s->bes = qb_malloc(((size_t)n + 1) * sizeof *s->bes);
  s->cap = s->coef && s->bes ? n + 1 : 0;
  if (!s->cap) return QB_FAIL(err, QB_ERR_NOMEM, "Chebyshev coefficients of order %d", n);
  return QB_OK;
}

/* The plan for step dt with tolerance tol: substeps, order, coefficients. */
static qb_status cheb_plan(cheb_state *s, double dt, double tol, qb_err *err) {
  if (dt == s->plan_dt && tol == s->plan_tol) return QB_OK;
  int sub = 1, K = -1;
  for (;;) { /* the fewest equal substeps whose order fits max_order */
    K = qb_prop_cheb_exp_order(s->a * dt / sub, tol / sub);
    if (K < 0) return QB_FAIL(err, QB_ERR_NOMEM, "Chebyshev order for a dt = %g", dt);
    if (K <= s->max_order) break;
    sub = sub * 2 > sub + (int)(s->a * dt / s->max_order) ? sub * 2 : sub + 1;
  }
  const double h = dt / sub, z = s->a * h;
  const int nb = K + 1 + (int)(12.0 * cbrt(z)) + 40; /* tail terms for the bound */
  QB_TRY(ensure_cap(s, nb, err));
  QB_TRY(qb_prop_bessel_j_seq(z, nb, s->bes, err));
  const qb_cplx phase = cexp(-I * s->c * h);
  qb_cplx mi = 1.0; /* (-i)^k */
  for (int k = 0; k <= K; k++, mi *= -I) s->coef[k] = (k ? 2.0 : 1.0) * mi * s->bes[k] * phase;
  double tail = 0.0;
  for (int k = nb; k > K; k--) tail += 2.0 * fabs(s->bes[k]);
  s->plan_dt = dt;
  s->plan_tol = tol;
  s->plan_sub = sub;
  s->plan_order = K;
  s->plan_tail = tail;
  return QB_OK;
}

/* One substep of the plan on psi (in place): the sum accumulates in w2, T_k in psi/w1. */
static qb_status cheb_substep(cheb_state *s, qb_cplx *psi, qb_prop_stats *st, qb_err *err) {
  const size_t n = s->n;
  const int K = s->plan_order;
  qb_cplx *acc = s->w2, *tm = psi, *tc = s->w1; /* T_{k-1}, T_k */
  qb_vec_cscal_copy(n, s->coef[0], psi, acc);
  if (K >= 1) {
    QB_TRY(qb_op_apply_fused(s->H, QB_COMPLEX, 1.0 / s->a, s->c, tm, 0.0, tc, err));
    qb_vec_caxpy(n, s->coef[1], tc, acc);
  }
  for (int k = 2; k <= K; k++) {
    /* T_k = 2 X T_{k-1} - T_{k-2}, written over T_{k-2} */
    QB_TRY(qb_op_apply_fused(s->H, QB_COMPLEX, 2.0 / s->a, s->c, tc, -1.0, tm, err));
    qb_vec_caxpy(n, s->coef[k], tm, acc);
    qb_cplx *t = tm;
    tm = tc;
    tc = t;
  }
  qb_vec_copy(2 * n, (const double *)acc, (double *)psi);
  st->matvecs += K;
  st->steps++;
  st->err_estimate += s->plan_tail;
  if (K > st->max_order) st->max_order = K;
  return QB_OK;
}

static qb_status cheb_step(void *s_, qb_cplx *psi, double dt, double tol, qb_prop_stats *st,
                           qb_err *err) {
  cheb_state *s = s_;
  st->state_vectors = 2;
  QB_TRY(cheb_plan(s, dt, tol, err));
  const double n0 = qb_vec_nrm2(2 * s->n, (const double *)psi);
  for (int j = 0; j < s->plan_sub; j++) QB_TRY(cheb_substep(s, psi, st, err));
  const double n1 = qb_vec_nrm2(2 * s->n, (const double *)psi);
  /* exp(-iH dt) is unitary; a norm that moved beyond the tolerance means the spectrum
   * left [emin, emax] and the expansion diverged. */
  const double guard = fmax(s->norm_guard, 100.0 * tol);
  if (!isfinite(n1) || fabs(n1 - n0) > guard * n0)
    return QB_FAIL(err, QB_ERR_NUMERIC,
                   "Chebyshev step dt = %g changed the norm from %.17g to %.17g: the spectrum "
                   "is not inside the bounds [%g, %g]",
                   dt, n0, n1, s->c - s->a, s->c + s->a);
  return QB_OK;
}

static const qb_prop_type cheb_type = {"chebyshev", cheb_create, cheb_step, cheb_free};
const qb_prop_type *const qb_prop_chebyshev = &cheb_type;
