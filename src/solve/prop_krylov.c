/* prop_krylov.c — the Lanczos (Krylov) propagator with an a-posteriori error estimate and
 * an adaptive step (qbath/prop.h).
 *
 *   exp(-i H tau) psi ~ ||psi|| V_k exp(-i T_k tau) e_1,   V_k = [v_0 .. v_{k-1}],
 *   error estimate  beta_k |e_k^T exp(-i T_k tau) e_1| ||psi||
 * (Saad 1992, Eq. (4.11): the "generalized residual" of the Krylov approximation). The basis
 * grows until the estimate meets tol * tau / dt; with m_max vectors and the estimate still
 * too large, the step tau shrinks (bisection in log tau on the estimate, which is free
 * once T_k is diagonalized) and the rest of dt is taken by further steps. v_0 lives in the
 * state's own buffer (scaled by ||psi||), so the basis costs m_max vectors. No
 * reorthogonalization: loss of orthogonality does not spoil the Krylov approximation of
 * exp(-iHt) psi (Druskin & Knizhnerman 1991), and the estimate still controls the error. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/prop.h"
#include "qbath/vec.h"

/* Bisection steps on log(tau) when the basis is exhausted; the largest number of Taylor
 * terms of the error estimate, and the largest tau ||T|| where the series is used (its
 * terms peak near e^x / sqrt(x); x <= 30 keeps them below 1e13). */
enum { QB_KRYLOV_BISECT = 60, QB_KRYLOV_SERIES_TERMS = 400 };
static const double QB_KRYLOV_SERIES_MAX_X = 30.0;

typedef struct {
  qb_op *H;
  size_t n;              /* dimension */
  int m, mmin;           /* largest basis, first estimate */
  qb_cplx **V;           /* V[1..m]: basis vectors v_1..v_m (v_0 is the state) */
  double *alpha, *beta;  /* T's diagonal and off-diagonal, m each */
  double *d, *e, *z;     /* eigen work: eigenvalues, off-diagonal copy, m x m vectors */
  qb_cplx *u;            /* exp(-i T tau) e_1, m entries */
  double *sv, *su, *st;  /* Taylor-series work of the estimate, m each */
  double tnorm;          /* bound on ||T_k||: max |alpha| + 2 max beta so far */
  double shift;          /* the basis is built for H - shift: the energy <psi|H|psi> of the
                            previous substep (conserved), so that roundoff scales with the
                            spread of energies around it, not with |E| */
} krylov_state;

static void krylov_free(void *s_) {
  krylov_state *s = s_;
  if (!s) return;
  if (s->V)
    for (int j = 1; j <= s->m; j++) qb_free(s->V[j]);
  QB_FREE_ALL(s->V, s->alpha, s->beta, s->d, s->e, s->z, s->u, s->sv, s->su, s->st, s);
}

static qb_status krylov_create(qb_op *H, const qb_prop_params *p, void **out, qb_err *err) {
  *out = NULL;
  krylov_state *s = qb_calloc(1, sizeof *s);
  if (!s) return QB_FAIL(err, QB_ERR_NOMEM, "Krylov propagator");
  s->H = H;
  s->n = (size_t)H->dim;
  s->m = p->krylov_dim < H->dim ? p->krylov_dim : (int)H->dim;
  s->mmin = p->krylov_min_dim < s->m ? p->krylov_min_dim : s->m;
  const size_t m = (size_t)s->m;
  s->V = qb_calloc(m + 1, sizeof *s->V);
  s->alpha = qb_malloc(m * sizeof *s->alpha);
  s->beta = qb_malloc(m * sizeof *s->beta);
  s->d = qb_malloc(m * sizeof *s->d);
  s->e = qb_malloc(m * sizeof *s->e);
  s->z = qb_malloc(m * m * sizeof *s->z);
  s->u = qb_malloc(m * sizeof *s->u);
  s->sv = qb_malloc(m * sizeof *s->sv);
  s->su = qb_malloc(m * sizeof *s->su);
  s->st = qb_malloc(m * sizeof *s->st);
  int ok = s->V && s->alpha && s->beta && s->d && s->e && s->z && s->u && s->sv && s->su && s->st;
  for (size_t j = 1; ok && j <= m; j++) ok = (s->V[j] = qb_calloc(s->n, sizeof(qb_cplx))) != NULL;
  if (!ok) {
    const size_t n = s->n;
    krylov_free(s);
    return QB_FAIL(err, QB_ERR_NOMEM, "Krylov basis of %zu vectors of dimension %zu", m, n);
  }
  *out = s;
  return QB_OK;
}

/* Diagonalizes T_k (alpha, beta): eigenvalues in d, vectors in z (k x k, columns). */
static qb_status tri_eig(krylov_state *s, int k, qb_err *err) {
  memcpy(s->d, s->alpha, (size_t)k * sizeof *s->d);
  memcpy(s->e, s->beta, (size_t)k * sizeof *s->e);
  return qb_dense_tridiag_eigh(k, s->d, s->e, s->z, err);
}

/* u = exp(-i T_k tau) e_1 from the eigenpairs: u_i = sum_l z_il exp(-i d_l tau) z_0l. */
static void tri_exp(const krylov_state *s, int k, double tau, qb_cplx *u) {
  for (int i = 0; i < k; i++) {
    qb_cplx sum = 0.0;
    for (int l = 0; l < k; l++)
      sum += s->z[(size_t)i * k + l] * cexp(-I * s->d[l] * tau) * s->z[l];
    u[i] = sum;
  }
}

/* Last component of exp(-i T_k tau) e_1 from the eigenpairs: u_{k-1} = sum_l z_{k-1,l}
 * (e^{-i d_l tau} - 1) z_{0,l} (u(0) = e_1 has a zero last component), with e^{-ix} - 1 =
 * -2 sin^2(x/2) - i sin x. Its roundoff floor is ~ eps ||T|| tau (the eigenvectors are
 * orthogonal to working precision only): too coarse when the allowed error per unit time
 * is below eps ||T||, as at tol 1e-12 over t = 1000. */
static double last_eig(const krylov_state *s, int k, double tau) {
  qb_cplx last = 0.0;
  for (int l = 0; l < k; l++) {
    const double x = s->d[l] * tau, h = sin(0.5 * x);
    last += s->z[(size_t)(k - 1) * k + l] * (-2.0 * h * h - I * sin(x)) * s->z[l];
  }
  return cabs(last);
}

/* The same by the Taylor series sum_j (-i tau)^j (T^j e_1)_{k-1} / j!, whose terms j < k-1
 * vanish exactly (T is tridiagonal: T^j e_1 has j + 1 nonzero entries, and the recurrence
 * keeps the zeros exact). Its roundoff is relative to the series of |T| (the same
 * recurrence on |alpha|, beta), returned in *bound: tiny exactly where the eigenpair
 * formula above has its floor (small tau ||T||). Returns the magnitude, or -1 when the
 * series did not converge within its term limit. */
static double last_series(const krylov_state *s, int k, double tau, double *bound) {
  double *v = s->sv, *u = s->su, *t = s->st; /* (tau^j / j!) T^j e_1, the |T| version, work */
  for (int i = 0; i < k; i++) v[i] = u[i] = 0.0;
  v[0] = u[0] = 1.0;
  double re = 0.0, im = 0.0, abs_sum = 0.0;
  for (int j = 1; j <= QB_KRYLOV_SERIES_TERMS; j++) {
    const double f = tau / j;
    const int top = j < k - 1 ? j : k - 1; /* rows that can be nonzero */
    double vmax = 0.0;
    for (int i = 0; i <= top; i++) { /* t = f T v, then the |T| version into u */
      double a = s->alpha[i] * v[i];
      if (i > 0) a += s->beta[i - 1] * v[i - 1];
      if (i + 1 < k) a += s->beta[i] * v[i + 1];
      t[i] = f * a;
      vmax = fmax(vmax, fabs(t[i]));
    }
    for (int i = 0; i <= top; i++) v[i] = t[i];
    for (int i = 0; i <= top; i++) {
      double a = fabs(s->alpha[i]) * u[i];
      if (i > 0) a += s->beta[i - 1] * u[i - 1];
      if (i + 1 < k) a += s->beta[i] * u[i + 1];
      t[i] = f * a;
    }
    for (int i = 0; i <= top; i++) u[i] = t[i];
    if (j >= k - 1) {
      const double c = v[k - 1]; /* times (-i)^j */
      switch (j & 3) {
        case 0: re += c; break;
        case 1: im -= c; break;
        case 2: re -= c; break;
        default: im += c; break;
      }
      abs_sum += u[k - 1];
      /* converged: past the peak of the terms and the rest below the sum's last bit */
      if (j > tau * s->tnorm && vmax <= DBL_EPSILON * DBL_EPSILON * fmax(hypot(re, im), DBL_MIN)) {
        *bound = 4.0 * (j + k) * DBL_EPSILON * abs_sum;
        return hypot(re, im);
      }
      if (vmax == 0.0) { /* underflow: nothing left to add */
        *bound = 4.0 * (j + k) * DBL_EPSILON * abs_sum;
        return hypot(re, im);
      }
    }
  }
  return -1.0;
}

/* The error estimate beta_k |u_{k-1}(tau)| (relative to ||psi||): the Taylor series where
 * it is accurate, else the eigenpair formula. */
static double estimate(const krylov_state *s, int k, double tau) {
  if (tau * s->tnorm <= QB_KRYLOV_SERIES_MAX_X) {
    double bound;
    const double v = last_series(s, k, tau, &bound);
    if (v >= 0.0) return s->beta[k - 1] * (v + bound);
  }
  return s->beta[k - 1] * last_eig(s, k, tau);
}

/* The largest tau in (0, tau_max] with estimate(tau) <= rate * tau (bisection in log tau:
 * the estimate grows like tau^k for small tau). */
static double shrink_step(const krylov_state *s, int k, double tau_max, double rate) {
  double lo = 0.0, hi = tau_max;
  double t = tau_max;
  for (int it = 0; it < QB_KRYLOV_BISECT; it++) {
    t = lo > 0.0 ? sqrt(lo * hi) : 0.5 * hi;
    if (estimate(s, k, t) <= rate * t) lo = t;
    else hi = t;
  }
  return lo;
}

/* One Lanczos step j: V[j+1] <- (H v_j - alpha_j v_j - beta_{j-1} v_{j-1}), unnormalized;
 * returns beta_j. v_0 = psi / nrm. */
static qb_status lanczos_step(krylov_state *s, qb_cplx *psi, double nrm, int j, double *bj,
                              qb_err *err) {
  const size_t nd = 2 * s->n;
  const double sc_j = j == 0 ? 1.0 / nrm : 1.0, sc_p = j == 1 ? 1.0 / nrm : 1.0;
  const qb_cplx *vj = j == 0 ? psi : s->V[j];
  const qb_cplx *vp = j == 0 ? NULL : (j == 1 ? psi : s->V[j - 1]);
  qb_cplx *w = s->V[j + 1];
  QB_TRY(qb_op_apply_fused(s->H, QB_COMPLEX, sc_j, s->shift, vj, 0.0, w, err));
  /* alpha_j = <v_j|H v_j> is real for Hermitian H: the real dot of interleaved arrays */
  s->alpha[j] = sc_j * qb_vec_dot(nd, (const double *)vj, (const double *)w);
  const double bprev = j == 0 ? 0.0 : s->beta[j - 1] * sc_p;
  *bj = sqrt(qb_vec_lanczos_update(nd, s->alpha[j] * sc_j, (const double *)vj, bprev,
                                   (const double *)vp, (double *)w));
  if (!isfinite(*bj)) return QB_FAIL(err, QB_ERR_NUMERIC, "Krylov: non-finite Lanczos coefficient");
  s->beta[j] = *bj;
  return QB_OK;
}

/* psi <- nrm * sum_j u_j v_j over k vectors, one pass (v_0 = psi / nrm). */
static void combine(krylov_state *s, qb_cplx *psi, double nrm, int k) {
  const size_t n = s->n;
  qb_cplx *const *V = s->V;
  const qb_cplx *u = s->u;
#pragma omp parallel for default(none) shared(n, V, u, psi, nrm, k) schedule(static)
  for (size_t i = 0; i < n; i++) {
    qb_cplx acc = u[0] * psi[i];
    for (int j = 1; j < k; j++) acc += nrm * u[j] * V[j][i];
    psi[i] = acc;
  }
}

/* One adaptive substep of at most tau_max; returns the time actually taken in *tau. */
static qb_status krylov_substep(krylov_state *s, qb_cplx *psi, double tau_max, double rate,
                                double *tau, qb_prop_stats *st, qb_err *err) {
  const double nrm = qb_vec_nrm2(2 * s->n, (const double *)psi);
  *tau = tau_max;
  if (nrm == 0.0) return QB_OK;
  double scale = 0.0, est = 0.0, amax = 0.0, bmax = 0.0;
  int k = 0;
  for (int j = 0; j < s->m; j++) {
    double bj;
    QB_TRY(lanczos_step(s, psi, nrm, j, &bj, err));
    st->matvecs++;
    k = j + 1;
    scale = fmax(scale, fmax(fabs(s->alpha[j]), bj));
    amax = fmax(amax, fabs(s->alpha[j]));
    bmax = fmax(bmax, bj);
    s->tnorm = amax + 2.0 * bmax; /* Gershgorin bound on ||T_k|| */
    const int breakdown = bj <= 8 * DBL_EPSILON * scale; /* invariant subspace: exact */
    if (breakdown) s->beta[j] = 0.0;
    if (k >= s->mmin || breakdown || k == s->m) {
      QB_TRY(tri_eig(s, k, err));
      est = estimate(s, k, tau_max);
      if (breakdown || est <= rate * tau_max) break;
      if (k == s->m) { /* basis exhausted: shorten the step */
        *tau = shrink_step(s, k, tau_max, rate);
        if (!(*tau > 0.0))
          return QB_FAIL(err, QB_NOT_CONVERGED,
                         "Krylov: no step meets tolerance rate %g with %d vectors", rate, k);
        est = estimate(s, k, *tau);
        break;
      }
    }
    qb_vec_scal(2 * s->n, 1.0 / bj, (double *)s->V[j + 1]);
  }
  tri_exp(s, k, *tau, s->u);
  const qb_cplx phase = cexp(-I * s->shift * *tau);
  for (int i = 0; i < k; i++) s->u[i] *= phase;
  combine(s, psi, nrm, k);
  s->shift += s->alpha[0];
  st->steps++;
  st->err_estimate += est;
  if (k > st->max_order) st->max_order = k;
  return QB_OK;
}

static qb_status krylov_step(void *s_, qb_cplx *psi, double dt, double tol, qb_prop_stats *st,
                             qb_err *err) {
  krylov_state *s = s_;
  st->state_vectors = s->m;
  const double rate = tol / dt; /* allowed error per unit time */
  /* The time done is summed with Kahan's compensation: over thousands of substeps a
   * plain running difference dt - tau - tau ... drifts by ~ steps * ulp(dt), a time
   * error that becomes a state error ||H - E|| * drift above a 1e-12 tolerance. */
  double done = 0.0, comp = 0.0;
  while (done < dt) {
    double tau;
    QB_TRY(krylov_substep(s, psi, dt - done, rate, &tau, st, err));
    const double y = tau - comp, t = done + y;
    comp = (t - done) - y;
    done = t;
  }
  return QB_OK;
}

static const qb_prop_type krylov_type = {"krylov", krylov_create, krylov_step, krylov_free};
const qb_prop_type *const qb_prop_krylov = &krylov_type;
