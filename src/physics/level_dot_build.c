/* level_dot_build.c — realizations of the FGR level-dot model (qbath/level_dot.h): dense
 * and chain representations, the level's spectral measure, and propagation. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/prop.h"
#include "qbath/level_dot.h"
#include "qbath/op.h"
#include "qbath/rng.h"

#include "physics/level_dot_internal.h"

#include <omp.h>

/* Coupling variance g lambda^2 / N. */
static double coupling_var(const qb_level_dot *m) {
  double g = m->gamma / (double)m->N;
  return g * m->lambda * m->lambda / (double)m->N;
}

/* Entry scale s of qbath/rmt.h giving the semicircle radius 2 lambda (header comment);
 * for GSE with N/2 Kramers pairs R = 2 s sqrt(N), so s = lambda / sqrt(N) as well. */
static double dot_scale(const qb_level_dot *m) { return m->lambda / sqrt((double)m->N); }

/* ---- dense representation ------------------------------------------------------- */

/* The (dim x dim) row-major matrix, real for GOE, complex otherwise (level = row 0). */
static qb_status dense_matrix(const qb_level_dot *m, qb_level_dot_key k, void **out, qb_dtype *dt,
                              qb_err *err) {
  qb_idx N = qb_level_dot_levels(m), D = qb_level_dot_dense_dim(m),
         nd = m->ens == QB_GSE ? 2 * N : N;
  *dt = m->ens == QB_GOE ? QB_REAL : QB_COMPLEX;
  size_t el = qb_dtype_size(*dt);
  void *H = qb_calloc((size_t)(D * D), el), *Hd = qb_calloc((size_t)(nd * nd), el);
  qb_status st = QB_OK;
  if (H == NULL || Hd == NULL) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for a dense matrix of dimension %lld",
                 (long long)D);
    goto done;
  }
  qb_rng rd, rc;
  qb_rng_init(&rd, k.seed, k.point, k.realization, QB_LD_PURPOSE_DOT);
  qb_rng_init(&rc, k.seed, k.point, k.realization, QB_LD_PURPOSE_COUPLING);
  double s = dot_scale(m), v = coupling_var(m);
  if (m->ens == QB_GOE) st = qb_rmt_goe(&rd, N, s, Hd, err);
  else if (m->ens == QB_GUE) st = qb_rmt_gue(&rd, N, s, Hd, err);
  else if (m->ens == QB_GSE) st = qb_rmt_gse(&rd, N, s, Hd, err);
  else st = qb_rmt_poisson(&rd, N, M_PI * m->lambda, Hd, err); /* levels into the first N slots */
  if (st != QB_OK) goto done;
  if (m->ens == QB_GOE) {
    double *A = H, *B = Hd;
    for (qb_idx i = 0; i < N; i++)
      memcpy(A + (i + 1) * D + 1, B + i * N, sizeof(double) * (size_t)N);
    A[0] = m->eps0;
    for (qb_idx i = 0; i < N; i++) A[(i + 1) * D] = A[i + 1] = sqrt(v) * qb_rng_normal(&rc);
  } else if (m->ens == QB_GUE || m->ens == QB_POISSON) {
    qb_cplx *A = H, *B = Hd;
    if (m->ens == QB_GUE)
      for (qb_idx i = 0; i < N; i++)
        memcpy(A + (i + 1) * D + 1, B + i * N, sizeof(qb_cplx) * (size_t)N);
    else
      for (qb_idx i = 0; i < N; i++) A[(i + 1) * D + i + 1] = ((double *)Hd)[i];
    A[0] = m->eps0;
    for (qb_idx i = 0; i < N; i++) {
      qb_cplx w = sqrt(v) * qb_rng_cnormal(&rc);
      A[(i + 1) * D] = w;
      A[i + 1] = conj(w);
    }
  } else {
    /* GSE: dot indices (i, i+N) -> (1+i, N+2+i); level (0 up, 0 down) -> (0, N+1). */
    qb_cplx *A = H, *B = Hd;
    qb_idx h = N + 1;
    for (qb_idx i = 0; i < 2 * N; i++)
      for (qb_idx j = 0; j < 2 * N; j++)
        A[(1 + i + (i >= N)) * D + 1 + j + (j >= N)] = B[i * 2 * N + j];
    A[0] = A[h * D + h] = m->eps0;
    for (qb_idx i = 0; i < N; i++) {
      qb_cplx p = sqrt(v) * qb_rng_cnormal(&rc), r = sqrt(v) * qb_rng_cnormal(&rc);
      qb_idx ku = 1 + i, kd = h + 1 + i;
      A[ku * D] = p;            /* A' = [[eps0, p^+], [p, A]] */
      A[ku] = conj(p);
      A[kd * D + h] = conj(p);  /* conj(A') block */
      A[h * D + kd] = p;
      A[ku * D + h] = r;        /* B' = [[0, -r^T], [r, B]] */
      A[kd] = -r;
      A[kd * D] = -conj(r);     /* -conj(B') block */
      A[h * D + ku] = conj(r);
    }
  }
done:
  qb_free(Hd);
  if (st != QB_OK) {
    qb_free(H);
    H = NULL;
  }
  *out = H;
  return st;
}

/* Spectral measure from a dense diagonalization: weights |V_0a|^2; for GSE each Kramers
 * pair (consecutive equal eigenvalues) is one level with the pair's summed weight. */
static qb_status dense_measure(const qb_level_dot *m, qb_level_dot_key k, double *E, double *w,
                               qb_idx *count, qb_err *err) {
  void *H;
  qb_dtype dt;
  QB_TRY(dense_matrix(m, k, &H, &dt, err));
  qb_idx D = qb_level_dot_dense_dim(m);
  double *ev = qb_malloc(sizeof(double) * (size_t)D);
  qb_status st =
      ev ? qb_dense_eigh(dt, D, H, ev, 1, err)
         : QB_FAIL(err, QB_ERR_NOMEM, "level_dot: out of memory (dimension %lld)", (long long)D);
  if (st == QB_OK) {
    int pair = m->ens == QB_GSE ? 2 : 1;
    for (qb_idx a = 0; a < D / pair; a++) {
      double sum = 0, e = 0;
      for (int q = 0; q < pair; q++) {
        qb_idx c = a * pair + q;
        double p = dt == QB_REAL ? ((double *)H)[c] * ((double *)H)[c]
                                 : creal(((qb_cplx *)H)[c] * conj(((qb_cplx *)H)[c]));
        sum += p;
        e += ev[c] / pair;
      }
      E[a] = e;
      w[a] = sum;
    }
    *count = D / pair;
  }
  qb_free(ev);
  qb_free(H);
  return st;
}

/* ---- chain representation ------------------------------------------------------- */

/* The O(N) Hamiltonian: a real tridiagonal chain a[0..N], b[0..N-1] (b[i] couples i, i+1;
 * site 0 = the level), or for Poisson the star: lev[0..N-1] sorted, w2[k] = |W_k|^2. */
typedef struct chain {
  int star;
  qb_idx n;          /* sites N + 1 */
  double eps0;
  double *a, *b;     /* chain */
  double *lev, *w2;  /* star */
  double pivmin;     /* smallest pivot magnitude in Sturm counts */
} chain;

static void chain_free(chain *c) {
  qb_free(c->a);
  qb_free(c->b);
  qb_free(c->lev);
  qb_free(c->w2);
  memset(c, 0, sizeof *c);
}

static qb_status chain_build(const qb_level_dot *m, qb_level_dot_key k, chain *c, qb_err *err) {
  qb_idx N = qb_level_dot_levels(m);
  memset(c, 0, sizeof *c);
  c->n = N + 1;
  c->eps0 = m->eps0;
  c->star = m->ens == QB_POISSON;
  qb_rng rd, rc;
  qb_rng_init(&rd, k.seed, k.point, k.realization, QB_LD_PURPOSE_DOT);
  qb_rng_init(&rc, k.seed, k.point, k.realization, QB_LD_PURPOSE_COUPLING);
  double v = coupling_var(m);
  qb_status st = QB_OK;
  if (c->star) {
    c->lev = qb_malloc(sizeof(double) * (size_t)N);
    c->w2 = qb_malloc(sizeof(double) * (size_t)N);
    if (!c->lev || !c->w2) goto nomem;
    st = qb_rmt_poisson(&rd, N, M_PI * m->lambda, c->lev, err);
    /* |W_k|^2 of a complex Gaussian: exponential with mean v. */
    for (qb_idx i = 0; i < N && st == QB_OK; i++) c->w2[i] = v * qb_rng_gamma(&rc, 1.0);
  } else {
    int beta = qb_level_dot_beta(m->ens);
    c->a = qb_malloc(sizeof(double) * (size_t)(N + 1));
    c->b = qb_malloc(sizeof(double) * (size_t)N);
    if (!c->a || !c->b) goto nomem;
    st = qb_rmt_beta_hermite(&rd, beta, N, dot_scale(m), c->a + 1, c->b + 1, err);
    c->a[0] = m->eps0;
    /* b0^2 = sum over the N distinct levels of iid |W_a|^2 (level_dot.h):
     * (g lambda^2 / N_states)(2 / beta) Gamma(beta N / 2) x (2 for a Kramers pair). */
    c->b[0] =
        sqrt(v * 2.0 / beta * (beta == 4 ? 2.0 : 1.0) * qb_rng_gamma(&rc, 0.5 * beta * (double)N));
  }
  double bmax = 0;
  if (!c->star)
    for (qb_idx i = 0; i < N; i++) bmax = fmax(bmax, fabs(c->b[i]));
  c->pivmin = DBL_MIN * fmax(1.0, bmax * bmax);
  if (st != QB_OK) chain_free(c);
  return st;
nomem:
  chain_free(c);
  return QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for the chain of N = %lld", (long long)N);
}

/* Secular function of the star, F(E) = E - eps0 - sum_k w2_k / (E - lev_k). */
static double star_F(const chain *c, double E) {
  double s = 0;
  for (qb_idx k = 0; k < c->n - 1; k++) s += c->w2[k] / (E - c->lev[k]);
  return E - c->eps0 - s;
}

/* Number of eigenvalues below E (Sturm count: negative pivots of H - E). */
static qb_idx chain_count(const chain *c, double E) {
  if (c->star) {
    /* Eliminating the dot first: pivots lev_k - E, then -F(E) for the level. */
    qb_idx lo = 0, hi = c->n - 1;
    while (lo < hi) {
      qb_idx mid = (lo + hi) / 2;
      if (c->lev[mid] < E) lo = mid + 1;
      else hi = mid;
    }
    return lo + (star_F(c, E) > 0);
  }
  qb_idx neg = 0;
  double d = c->a[0] - E;
  if (fabs(d) < c->pivmin) d = -c->pivmin;
  neg += d < 0;
  for (qb_idx i = 1; i < c->n; i++) {
    d = c->a[i] - E - c->b[i - 1] * c->b[i - 1] / d;
    if (fabs(d) < c->pivmin) d = -c->pivmin;
    neg += d < 0;
  }
  return neg;
}

/* The level's weight at an eigenvalue E: 1 / F'(E). Chain: F'(E) = 1 + b0^2 ||x||^2 with
 * (E - T_sub) x = e_1 solved by the bottom-up pivots (work: n doubles). */
static double chain_weight(const chain *c, double E, double *e) {
  if (c->star) {
    double s = 0;
    for (qb_idx k = 0; k < c->n - 1; k++) {
      double q = E - c->lev[k];
      s += c->w2[k] / (q * q);
    }
    return 1.0 / (1.0 + s);
  }
  /* e[] holds the reciprocal pivots, so each site costs one division, not two. */
  qb_idx N = c->n - 1;
  double p = E - c->a[N];
  if (fabs(p) < c->pivmin) p = c->pivmin;
  e[N] = 1.0 / p;
  for (qb_idx i = N - 1; i >= 1; i--) {
    p = E - c->a[i] - c->b[i] * c->b[i] * e[i + 1];
    if (fabs(p) < c->pivmin) p = c->pivmin;
    e[i] = 1.0 / p;
  }
  double x = e[1], s = x * x;
  for (qb_idx i = 1; i < N; i++) {
    x = c->b[i] * x * e[i + 1];
    s += x * x;
  }
  return 1.0 / (1.0 + c->b[0] * c->b[0] * s);
}

/* Gershgorin-type enclosure of the spectrum. */
static void chain_bounds(const chain *c, double *lo, double *hi) {
  if (c->star) {
    double r = 0;
    for (qb_idx k = 0; k < c->n - 1; k++) r += c->w2[k];
    r = sqrt(r); /* the coupling part has norm sqrt(sum |W|^2) (Weyl) */
    *lo = fmin(c->eps0, c->lev[0]) - r - 1e-12 * (1 + fabs(c->lev[0]));
    *hi = fmax(c->eps0, c->lev[c->n - 2]) + r + 1e-12 * (1 + fabs(c->lev[c->n - 2]));
    return;
  }
  *lo = INFINITY;
  *hi = -INFINITY;
  for (qb_idx i = 0; i < c->n; i++) {
    double r = (i > 0 ? fabs(c->b[i - 1]) : 0) + (i < c->n - 1 ? fabs(c->b[i]) : 0);
    *lo = fmin(*lo, c->a[i] - r);
    *hi = fmax(*hi, c->a[i] + r);
  }
  double pad = 1e-12 * fmax(fabs(*lo), fabs(*hi)) + 1e-300;
  *lo -= pad;
  *hi += pad;
}

/* Brackets [lo, hi) each holding eigenvalue index i (ilo <= i < ihi) alone, or a cluster
 * narrower than tol: recursive bisection on the Sturm count. */
typedef struct bracket_set {
  double *lo, *hi;
  qb_idx ilo, ihi;
} bracket_set;

static void isolate(const chain *c, double lo, double hi, qb_idx clo, qb_idx chi, double tol,
                    bracket_set *B) {
  qb_idx a = clo > B->ilo ? clo : B->ilo, z = chi < B->ihi ? chi : B->ihi;
  if (a >= z) return;
  if (chi - clo == 1 || hi - lo <= tol) {
    for (qb_idx i = a; i < z; i++) {
      B->lo[i - B->ilo] = lo;
      B->hi[i - B->ilo] = hi;
    }
    return;
  }
  double mid = 0.5 * (lo + hi);
  qb_idx cm = chain_count(c, mid);
  isolate(c, lo, mid, clo, cm, tol, B);
  isolate(c, mid, hi, cm, chi, tol, B);
}

/* Lanes of the lock-step bisection: independent Sturm recurrences in one pass over the
 * chain, so the divisions' latency overlaps (and vectorizes). */
enum { LANES = 8 };

/* Sturm counts at E[0..LANES-1] in one pass (chain_count for each lane). */
static void chain_count_lanes(const chain *c, const double *E, qb_idx *cnt) {
  if (c->star) {
    for (int s = 0; s < LANES; s++) cnt[s] = chain_count(c, E[s]);
    return;
  }
  double d[LANES];
  qb_idx neg[LANES];
  for (int s = 0; s < LANES; s++) {
    d[s] = c->a[0] - E[s];
    if (fabs(d[s]) < c->pivmin) d[s] = -c->pivmin;
    neg[s] = d[s] < 0;
  }
  for (qb_idx i = 1; i < c->n; i++) {
    double ai = c->a[i], b2 = c->b[i - 1] * c->b[i - 1];
    for (int s = 0; s < LANES; s++) {
      double x = ai - E[s] - b2 / d[s];
      d[s] = fabs(x) < c->pivmin ? -c->pivmin : x;
      neg[s] += d[s] < 0;
    }
  }
  for (int s = 0; s < LANES; s++) cnt[s] = neg[s];
}

/* Eigenvalues idx[s] inside [lo[s], hi[s]) refined by bisection to width tol, LANES at a
 * time (unused lanes repeat lane 0); results in E. Each lane's iterates depend only on
 * its own bracket, so the grouping does not change any result. */
static void refine_lanes(const chain *c, double *lo, double *hi, const qb_idx *idx, double tol,
                         double *E) {
  double mid[LANES];
  qb_idx cnt[LANES];
  for (;;) {
    int busy = 0;
    for (int s = 0; s < LANES; s++) {
      mid[s] = 0.5 * (lo[s] + hi[s]);
      busy |= hi[s] - lo[s] > tol && mid[s] > lo[s] && mid[s] < hi[s];
    }
    if (!busy) break;
    chain_count_lanes(c, mid, cnt);
    for (int s = 0; s < LANES; s++) {
      if (!(hi[s] - lo[s] > tol && mid[s] > lo[s] && mid[s] < hi[s])) continue;
      if (cnt[s] > idx[s]) hi[s] = mid[s];
      else lo[s] = mid[s];
    }
  }
  for (int s = 0; s < LANES; s++) E[s] = 0.5 * (lo[s] + hi[s]);
}

/* All n eigenvalues of the chain by dsterf (ascending, absolute accuracy ~ eps ||H||) and
 * the level's weight 1 / F'(E) at each; work holds n doubles per thread. */
static qb_status full_chain_measure(const chain *c, int nthreads, double *E, double *w,
                                    double *work, qb_err *err) {
  qb_idx n = c->n;
  memcpy(E, c->a, sizeof(double) * (size_t)n);
  memcpy(w, c->b, sizeof(double) * (size_t)(n - 1)); /* w doubles as dsterf's scratch */
  QB_TRY(qb_dense_tridiag_eigh(n, E, w, NULL, err));
#pragma omp parallel for default(none) shared(c, E, w, work, n) schedule(static) \
    num_threads(nthreads)
  for (qb_idx j = 0; j < n; j++)
    w[j] = chain_weight(c, E[j], work + (qb_idx)omp_get_thread_num() * n);
  return QB_OK;
}

static qb_status chain_measure(const qb_level_dot *m, qb_level_dot_key k, int nthreads, double *E,
                               double *w, qb_idx *count, qb_err *err) {
  chain c;
  QB_TRY(chain_build(m, k, &c, err));
  qb_idx n = c.n, M = qb_level_dot_measure_size(m);
  if (nthreads < 1) nthreads = 1;
  double *work = qb_malloc(sizeof(double) * (size_t)(n * nthreads)), lo, hi;
  if (work == NULL) {
    chain_free(&c);
    return QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for %d work vectors of %lld", nthreads,
                   (long long)n);
  }
  if (!c.star && M == n) {
    /* The whole spectrum: root-free QR (dsterf, ~30 n^2 flops) is several times cheaper
     * than n bisections of ~45 Sturm sweeps each; bisection stays for windows M < n. */
    qb_status st = full_chain_measure(&c, nthreads, E, w, work, err);
    if (st == QB_OK) *count = n;
    qb_free(work);
    chain_free(&c);
    return st;
  }
  chain_bounds(&c, &lo, &hi);
  /* The window: M consecutive eigenvalue indices centred on the level's energy. */
  qb_idx ic = chain_count(&c, m->eps0), ilo = ic - M / 2;
  if (ilo < 0) ilo = 0;
  if (ilo + M > n) ilo = n - M;
  bracket_set B = {E, w, ilo, ilo + M}; /* brackets stored in the output arrays */
  double tol = m->eig_tol * m->lambda;
  isolate(&c, lo, hi, 0, n, tol, &B);
  qb_idx nblk = (M + LANES - 1) / LANES;
#pragma omp parallel for default(none) shared(c, E, w, work, M, ilo, tol, n, nblk) \
    schedule(static) num_threads(nthreads)
  for (qb_idx blk = 0; blk < nblk; blk++) {
    double *e = work + (qb_idx)omp_get_thread_num() * n, lo[LANES], hi[LANES], out[LANES];
    qb_idx idx[LANES], j0 = blk * LANES;
    for (int s = 0; s < LANES; s++) {
      qb_idx j = j0 + s < M ? j0 + s : j0;
      lo[s] = E[j];
      hi[s] = w[j];
      idx[s] = ilo + j;
    }
    refine_lanes(&c, lo, hi, idx, tol, out);
    for (int s = 0; s < LANES && j0 + s < M; s++) {
      E[j0 + s] = out[s];
      w[j0 + s] = chain_weight(&c, out[s], e);
    }
  }
  *count = M;
  qb_free(work);
  chain_free(&c);
  return QB_OK;
}

qb_status qb_level_dot_measure(const qb_level_dot *m, qb_level_dot_key key, int nthreads, double *E,
                               double *w, qb_idx *count, qb_err *err) {
  QB_TRY(qb_level_dot_check(m, err));
  if (m->repr == QB_LD_DENSE) return dense_measure(m, key, E, w, count, err);
  if (m->repr == QB_LD_UNFOLDED)
    return qb_level_dot_unfolded_measure(m, key, nthreads, E, w, count, err);
  return chain_measure(m, key, nthreads, E, w, count, err);
}

/* ---- the Hamiltonian as CSR, and propagation ------------------------------------ */

static qb_status chain_csr(const chain *c, qb_csr **A, qb_err *err) {
  qb_idx n = c->n, nnz = c->star ? 3 * n - 2 : 3 * n - 2;
  qb_idx *ri = qb_malloc(sizeof(qb_idx) * (size_t)nnz),
         *ci = qb_malloc(sizeof(qb_idx) * (size_t)nnz);
  double *v = qb_malloc(sizeof(double) * (size_t)nnz);
  qb_status st;
  if (!ri || !ci || !v) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for a CSR of %lld rows", (long long)n);
  } else {
    qb_idx t = 0;
    for (qb_idx i = 0; i < n; i++) {
      ri[t] = ci[t] = i;
      v[t++] = c->star ? (i == 0 ? c->eps0 : c->lev[i - 1]) : c->a[i];
      if (i == 0) continue;
      /* chain: (i-1, i) = b[i-1]; star: (0, i) = |W_i| (phases gauge away). */
      qb_idx j = c->star ? 0 : i - 1;
      double x = c->star ? sqrt(c->w2[i - 1]) : c->b[i - 1];
      ri[t] = i, ci[t] = j, v[t++] = x;
      ri[t] = j, ci[t] = i, v[t++] = x;
    }
    st = qb_csr_from_triplets(n, n, t, ri, ci, v, QB_REAL, A, err);
  }
  qb_free(ri);
  qb_free(ci);
  qb_free(v);
  return st;
}

/* Dense CSR; no enclosure is returned (NaN): Gershgorin discs of a dense random matrix
 * are ~sqrt(N) times too wide, so the propagator's Lanczos bounds are used instead. */
static qb_status dense_csr(const qb_level_dot *m, qb_level_dot_key k, qb_csr **A, double *emin,
                           double *emax, qb_err *err) {
  void *H;
  qb_dtype dt;
  QB_TRY(dense_matrix(m, k, &H, &dt, err));
  qb_idx D = qb_level_dot_dense_dim(m), nnz = D * D;
  qb_idx *ri = qb_malloc(sizeof(qb_idx) * (size_t)nnz),
         *ci = qb_malloc(sizeof(qb_idx) * (size_t)nnz);
  qb_status st;
  *emin = *emax = NAN;
  if (!ri || !ci) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for a dense CSR of dimension %lld",
                 (long long)D);
  } else {
    for (qb_idx i = 0; i < D; i++)
      for (qb_idx j = 0; j < D; j++) {
        ri[i * D + j] = i;
        ci[i * D + j] = j;
      }
    st = qb_csr_from_triplets(D, D, nnz, ri, ci, H, dt, A, err);
  }
  qb_free(ri);
  qb_free(ci);
  qb_free(H);
  return st;
}

qb_status qb_level_dot_csr(const qb_level_dot *m, qb_level_dot_key key, qb_csr **A, double *emin,
                           double *emax, qb_err *err) {
  QB_TRY(qb_level_dot_check(m, err));
  if (m->repr == QB_LD_DENSE) return dense_csr(m, key, A, emin, emax, err);
  if (m->repr == QB_LD_UNFOLDED)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED,
                   "level_dot: the unfolded representation has a continuum and no finite "
                   "Hamiltonian to propagate (use paths = eig)");
  chain c;
  QB_TRY(chain_build(m, key, &c, err));
  chain_bounds(&c, emin, emax);
  qb_status st = chain_csr(&c, A, err);
  chain_free(&c);
  return st;
}

typedef struct surv_obs {
  double *P;
  qb_idx nres;
} surv_obs;

/* P = sum over the first nres sites of |psi_i|^2 (level_dot: the level alone). */
static qb_status record_survival(void *ctx, size_t j, double t, int nstates, qb_cplx *const *psi,
                                 qb_err *err) {
  surv_obs *o = ctx;
  double s = 0;
  for (qb_idx i = 0; i < o->nres; i++) {
    qb_cplx a = psi[0][i];
    s += creal(a) * creal(a) + cimag(a) * cimag(a);
  }
  o->P[j] = s;
  return QB_OK;
}

/* The one place that calls the propagator API (qbath/prop.h). */
qb_status qb_level_dot_propagate(qb_csr *A, double emin, double emax, const double *t, qb_idx nt,
                                 const qb_prop_type *method, double tol, qb_idx nres, double *P,
                                 qb_err *err) {
  qb_op *H = NULL;
  qb_prop *prop = NULL;
  qb_cplx *psi = NULL;
  qb_status st = qb_csr_make_complex(A, err);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, &H, err);
  else qb_csr_free(A);
  if (st != QB_OK) return st;
  if (isfinite(emin) && isfinite(emax)) { /* else the propagator computes Lanczos bounds */
    H->have_bounds = 1;
    H->emin = emin;
    H->emax = emax;
  }
  qb_prop_params pp = qb_prop_defaults();
  pp.tol = tol;
  psi = qb_calloc((size_t)H->dim, sizeof(qb_cplx));
  if (psi == NULL)
    st = QB_FAIL(err, QB_ERR_NOMEM, "level_dot: no memory for a state of %lld", (long long)H->dim);
  if (st == QB_OK) st = qb_prop_create(method ? method : qb_prop_chebyshev, H, &pp, &prop, err);
  if (st == QB_OK) {
    psi[0] = 1;
    surv_obs o = {P, nres < 1 ? 1 : nres};
    st = qb_prop_run(prop, 1, &psi, t, (size_t)nt, record_survival, &o, err);
  }
  qb_prop_free(prop);
  qb_free(psi);
  qb_op_free(H);
  return st;
}
