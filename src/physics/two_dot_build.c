/* two_dot_build.c — realizations of the supplement's two-dot model of "Emergence of Fermi's
 * Golden Rule" (Micklitz et al. 2022, Eqs. (7)-(11); conventions in qbath/two_dot.h): the
 * Hamiltonian from level_dot's builder plus the other dot-1 levels, and the eigenpair path. */
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/rng.h"
#include "qbath/two_dot.h"

#include "physics/level_dot_internal.h"

#include <omp.h>

double qb_two_dot_gamma(const qb_two_dot *m) { return m->g * (double)m->N2 / (double)m->N1; }

double qb_two_dot_time_unit(const qb_two_dot *m) { return 2.0 * (double)m->N2 / m->lambda; }

qb_level_dot qb_two_dot_level_part(const qb_two_dot *m) {
  /* level_dot's <|W_k|^2> = (gamma/N) lambda^2 / N with N = N2 is g lambda^2 / (N1 N2). */
  qb_level_dot l = {m->ens, m->N2, qb_two_dot_gamma(m), m->lambda, m->eps0, QB_LD_CHAIN, 0, 1e-11};
  return l;
}

qb_status qb_two_dot_check(const qb_two_dot *m, qb_err *err) {
  if (m->N1 < 1)
    return QB_FAIL(err, QB_ERR_INPUT, "two_dot: N1 = %lld must be >= 1", (long long)m->N1);
  if (m->N2 < 2)
    return QB_FAIL(err, QB_ERR_INPUT, "two_dot: N2 = %lld must be >= 2", (long long)m->N2);
  if (m->ens == QB_GSE && (m->N1 % 2 || m->N2 % 2))
    return QB_FAIL(
        err, QB_ERR_INPUT,
        "two_dot: GSE counts states in Kramers pairs: N1 = %lld and N2 = %lld must be even",
        (long long)m->N1, (long long)m->N2);
  if (!(m->g >= 0) || !isfinite(m->g))
    return QB_FAIL(err, QB_ERR_INPUT, "two_dot: g = %g must be finite and >= 0", m->g);
  if (!(m->lambda > 0))
    return QB_FAIL(err, QB_ERR_INPUT, "two_dot: lambda = %g must be > 0", m->lambda);
  return QB_OK;
}

/* Dot 1's levels (N1; GSE: N1/2 Kramers levels), sorted, shifted so that the one nearest
 * the band centre sits at eps0; that level is returned first (lev[0]), the others follow in
 * ascending order. */
static qb_status dot1_levels(const qb_two_dot *m, qb_level_dot_key k, double *lev, qb_err *err) {
  qb_idx n = m->ens == QB_GSE ? m->N1 / 2 : m->N1;
  qb_rng r;
  qb_rng_init(&r, k.seed, k.point, k.realization, QB_TD_PURPOSE_DOT1);
  if (m->ens == QB_POISSON) {
    QB_TRY(qb_rmt_poisson(&r, n, M_PI * m->lambda, lev, err));
  } else {
    double *off = qb_malloc(sizeof(double) * (size_t)(n > 1 ? n - 1 : 1));
    if (off == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "two_dot: no memory for dot 1");
    /* The same scale as level_dot's dot: semicircle radius 2 lambda (s = lambda / sqrt(states)). */
    qb_status st = qb_rmt_beta_hermite(&r, qb_level_dot_beta(m->ens), n,
                                       m->lambda / sqrt((double)m->N1), lev, off, err);
    if (st == QB_OK && n > 1) st = qb_dense_tridiag_eigh(n, lev, off, NULL, err);
    qb_free(off);
    QB_TRY(st);
  }
  qb_idx k0 = 0;
  for (qb_idx i = 1; i < n; i++)
    if (fabs(lev[i]) < fabs(lev[k0])) k0 = i;
  double shift = m->eps0 - lev[k0], e0 = lev[k0];
  memmove(lev + 1, lev, sizeof(double) * (size_t)k0); /* lev[1..k0] = old lev[0..k0-1] */
  lev[0] = e0;
  for (qb_idx i = 0; i < n; i++) lev[i] += shift;
  return QB_OK;
}

/* GSE: both dots self-dual (Kramers pairs), W a quaternion matrix; N1, N2 count states.
 * Sites: 0, 1 the initial level's pair (up, its time reverse); 2k, 2k+1 dot-1 pair k
 * (k = 1 .. N1/2 - 1); N1 + 2(j-1), N1 + 2(j-1) + 1 dot-2 chain site j = 1 .. N2/2 and its
 * time reverse. Why this is the dense model's law: Lanczos from the level's up state on a
 * self-dual H gives vectors e_j whose time reverses Te_j are orthogonal to every e_i
 * (<T psi|A|psi> = 0 for T^2 = -1 and self-dual A = P(H)), so {e_j, Te_j} is a symplectic
 * basis in which dot 2 is T2 (+) T2 with level_dot's real GSE chain T2 (B, N2/2 sites), the
 * level's down state couples to Te_1 with the same b0, and the other pairs' rows of W,
 * independent of that basis, stay iid quaternion Gaussian (symplectic invariance). H
 * commutes with T, which fixes the block of pair k and chain site j to
 * [[a, b], [-conj(b), conj(a)]], a and b complex with <|a|^2> = g lambda^2 / (N1 N2). */
static qb_status gse_csr(const qb_two_dot *m, qb_level_dot_key key, const qb_csr *B, qb_csr **A,
                         qb_err *err) {
  qb_idx N1 = m->N1, N2 = m->N2, n = N1 + N2, pairs = N1 / 2, sites = N2 / 2, nb = qb_csr_nnz(B);
  qb_idx nnz = 2 * nb + (pairs - 1) * (2 + 4 * N2);
  qb_idx *ri = qb_malloc(sizeof(qb_idx) * (size_t)nnz),
         *ci = qb_malloc(sizeof(qb_idx) * (size_t)nnz);
  qb_cplx *v = qb_malloc(sizeof(qb_cplx) * (size_t)nnz);
  double *lev = qb_malloc(sizeof(double) * (size_t)pairs);
  qb_status st = QB_OK;
  if (!ri || !ci || !v || !lev) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "two_dot: no memory for %lld couplings", (long long)nnz);
    goto done;
  }
  qb_idx t = 0;
#define TD_PUT(r, c, x) (ri[t] = (r), ci[t] = (c), v[t++] = (x))
  /* level_dot's chain twice: site 0 -> 0 (up) / 1 (down), site i >= 1 -> N1 + 2(i-1) (+1). */
  for (int down = 0; down < 2; down++)
    for (qb_idx i = 0; i < B->nrows; i++)
      for (qb_idx q = B->rowptr[i]; q < B->rowptr[i + 1]; q++) {
        qb_idx c = B->colind[q];
        TD_PUT(i ? N1 + 2 * (i - 1) + down : down, c ? N1 + 2 * (c - 1) + down : down,
               ((const double *)B->val)[q]);
      }
  if (pairs > 1) st = dot1_levels(m, key, lev, err);
  if (st != QB_OK) goto done;
  qb_rng r;
  qb_rng_init(&r, key.seed, key.point, key.realization, QB_TD_PURPOSE_ROWS);
  double s = sqrt(m->g / ((double)N1 * (double)N2)) * m->lambda;
  for (qb_idx k = 1; k < pairs; k++) {
    qb_idx up = 2 * k, dn = up + 1;
    TD_PUT(up, up, lev[k]);
    TD_PUT(dn, dn, lev[k]);
    for (qb_idx j = 0; j < sites; j++) {
      qb_idx u = N1 + 2 * j, d = u + 1;
      qb_cplx a = s * qb_rng_cnormal(&r), b = s * qb_rng_cnormal(&r);
      TD_PUT(up, u, a), TD_PUT(up, d, b), TD_PUT(dn, u, -conj(b)), TD_PUT(dn, d, conj(a));
      TD_PUT(u, up, conj(a)), TD_PUT(d, up, conj(b)), TD_PUT(u, dn, -b), TD_PUT(d, dn, a);
    }
  }
#undef TD_PUT
  st = qb_csr_from_triplets(n, n, t, ri, ci, v, QB_COMPLEX, A, err);
done:
  qb_free(ri);
  qb_free(ci);
  qb_free(v);
  qb_free(lev);
  return st;
}

qb_status qb_two_dot_csr(const qb_two_dot *m, qb_level_dot_key key, qb_csr **A, double *emin,
                         double *emax, qb_err *err) {
  QB_TRY(qb_two_dot_check(m, err));
  qb_level_dot l = qb_two_dot_level_part(m);
  qb_csr *B = NULL;
  QB_TRY(qb_level_dot_csr(&l, key, &B, emin, emax, err));
  *emin = *emax = NAN; /* the dense rows widen the chain's enclosure: Lanczos bounds instead */
  if (m->ens == QB_GSE) {
    qb_status sg = gse_csr(m, key, B, A, err);
    qb_csr_free(B);
    return sg;
  }
  qb_idx N1 = m->N1, N2 = m->N2, n = N1 + N2, nb = qb_csr_nnz(B);
  qb_idx nnz = nb + (N1 - 1) * (2 * N2 + 1);
  int cplx = m->ens != QB_GOE && N1 > 1;
  qb_idx *ri = qb_malloc(sizeof(qb_idx) * (size_t)nnz),
         *ci = qb_malloc(sizeof(qb_idx) * (size_t)nnz);
  void *v = qb_malloc((cplx ? sizeof(qb_cplx) : sizeof(double)) * (size_t)nnz);
  double *lev = qb_malloc(sizeof(double) * (size_t)N1);
  qb_status st = QB_OK;
  if (!ri || !ci || !v || !lev) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "two_dot: no memory for %lld couplings", (long long)nnz);
    goto done;
  }
  /* level_dot's (N2 + 1) sites: 0 stays, dot-2 site j >= 1 moves to N1 - 1 + j. */
  qb_idx t = 0;
  const double *bv = B->val;
  for (qb_idx i = 0; i < B->nrows; i++)
    for (qb_idx q = B->rowptr[i]; q < B->rowptr[i + 1]; q++, t++) {
      ri[t] = i ? N1 - 1 + i : 0;
      ci[t] = B->colind[q] ? N1 - 1 + B->colind[q] : 0;
      if (cplx) ((qb_cplx *)v)[t] = bv[q];
      else ((double *)v)[t] = bv[q];
    }
  if (N1 > 1) st = dot1_levels(m, key, lev, err);
  if (st != QB_OK) goto done;
  qb_rng r;
  qb_rng_init(&r, key.seed, key.point, key.realization, QB_TD_PURPOSE_ROWS);
  double s = sqrt(m->g / ((double)N1 * (double)N2)) * m->lambda;
  for (qb_idx i = 1; i < N1; i++) {
    ri[t] = ci[t] = i;
    if (cplx) ((qb_cplx *)v)[t++] = lev[i];
    else ((double *)v)[t++] = lev[i];
    /* Row i of W in dot 2's chain basis: iid, variance g lambda^2 / (N1 N2). */
    for (qb_idx j = 0; j < N2; j++, t += 2) {
      ri[t] = i, ci[t] = N1 + j, ri[t + 1] = N1 + j, ci[t + 1] = i;
      if (cplx) {
        qb_cplx w = s * qb_rng_cnormal(&r);
        ((qb_cplx *)v)[t] = w, ((qb_cplx *)v)[t + 1] = conj(w);
      } else {
        double w = s * qb_rng_normal(&r);
        ((double *)v)[t] = w, ((double *)v)[t + 1] = w;
      }
    }
  }
  st = qb_csr_from_triplets(n, n, t, ri, ci, v, cplx ? QB_COMPLEX : QB_REAL, A, err);
done:
  qb_csr_free(B);
  qb_free(ri);
  qb_free(ci);
  qb_free(v);
  qb_free(lev);
  return st;
}

qb_status qb_two_dot_spectrum(const qb_two_dot *m, qb_level_dot_key key, double *E, qb_cplx *c,
                              qb_err *err) {
  qb_csr *A;
  double lo, hi;
  QB_TRY(qb_two_dot_csr(m, key, &A, &lo, &hi, err));
  qb_idx n = A->nrows, N1 = m->N1;
  qb_dtype dt = A->dtype;
  void *H = qb_calloc((size_t)(n * n), dt == QB_REAL ? sizeof(double) : sizeof(qb_cplx));
  qb_status st = H ? qb_csr_to_dense(A, H, err)
                   : QB_FAIL(err, QB_ERR_NOMEM, "two_dot: no memory for dense ED of dimension %lld",
                             (long long)n);
  qb_csr_free(A);
  if (st == QB_OK) st = qb_dense_eigh(dt, n, H, E, 1, err);
  if (st == QB_OK) {
    /* Eigenvectors are the columns of the row-major result: V_ia = H[i * n + a]. */
    for (qb_idx i = 0; i < N1; i++)
      for (qb_idx a = 0; a < n; a++)
        c[i * n + a] = dt == QB_REAL ? ((double *)H)[i * n + a] * ((double *)H)[a]
                                     : ((qb_cplx *)H)[i * n + a] * conj(((qb_cplx *)H)[a]);
  }
  qb_free(H);
  return st;
}

qb_status qb_two_dot_pres(const qb_two_dot *m, const double *E, const qb_cplx *c, const double *t,
                          qb_idx nt, int nthreads, double *P, qb_err *err) {
  qb_idx n = m->N1 + m->N2, N1 = m->N1;
  if (nthreads < 1) nthreads = 1;
  /* One row of phases e^{-i E_a t} per thread: n sincos per time instead of N1 n. */
  qb_cplx *ph = qb_malloc(sizeof(qb_cplx) * (size_t)(n * nthreads));
  if (ph == NULL)
    return QB_FAIL(err, QB_ERR_NOMEM, "two_dot: no memory for %d phase rows", nthreads);
#pragma omp parallel for default(none) shared(E, c, t, nt, P, n, N1, ph) schedule(static) \
    num_threads(nthreads)
  for (qb_idx j = 0; j < nt; j++) {
    qb_cplx *e = ph + (qb_idx)omp_get_thread_num() * n;
    for (qb_idx a = 0; a < n; a++) e[a] = cexp(-I * E[a] * t[j]);
    double s = 0;
    for (qb_idx i = 0; i < N1; i++) {
      qb_cplx z = 0;
      for (qb_idx a = 0; a < n; a++) z += c[i * n + a] * e[a];
      s += creal(z) * creal(z) + cimag(z) * cimag(z);
    }
    P[j] = s;
  }
  qb_free(ph);
  return QB_OK;
}

double qb_two_dot_pres_ipr(const qb_two_dot *m, const qb_cplx *c) {
  qb_idx n = m->N1 + m->N2;
  double s = 0;
  /* |c_ia|^2 = |V_ia|^2 |V_0a|^2, summed over i < N1 and a. GSE levels are Kramers pairs
   * (a, Ta), but the cross terms of a pair vanish, <Ta|P_1|a> = 0 for the self-dual
   * projector P_1 on dot 1, so the sum over eigenvectors is the sum over levels. */
  for (qb_idx q = 0; q < m->N1 * n; q++) s += creal(c[q]) * creal(c[q]) + cimag(c[q]) * cimag(c[q]);
  return s;
}
