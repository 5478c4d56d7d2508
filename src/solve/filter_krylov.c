/* filter_krylov.c — block Lanczos with full reorthogonalization and thick restart, for a
 * symmetric operator A (the filter p(H) of qbath/filter.h), in Krylov-Schur form:
 *     A V_j = V_j T_j + V_new E,   V_j^T V_j = 1,  V_new^T V_j = 0,
 * with T_j = V_j^T A V_j kept as a dense matrix (after a thick restart it is no longer
 * tridiagonal; Stewart, SIAM J. Matrix Anal. Appl. 23, 601 (2001); Wu & Simon, SIAM J.
 * Matrix Anal. Appl. 22, 602 (2000), for the symmetric thick restart). A Ritz pair
 * (theta, V_j s) of T_j has residual ||A V_j s - theta V_j s|| = ||E s||. Each new vector is
 * orthogonalized twice against the whole basis (classical Gram-Schmidt twice, Giraud et al.
 * 2005: orthogonal to working precision), so no ghost copies of converged values appear.
 * Every reduction is a fixed-block qb_vec_* sum and the basis rotation sums in a fixed
 * order: the bits do not depend on the thread count. */
#include <cblas.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "qbath/alloc.h"
#include "qbath/dense.h"
#include "qbath/rng.h"
#include "qbath/vec.h"
#include "solve/filter_internal.h"

/* Rows per block of the basis rotation: the block's k outputs stay in cache. */
enum { QB_FILTER_ROTATE_ROWS = 256 };

#define COL(L, q) ((L)->V + (size_t)(q) * (size_t)(L)->n)

qb_status qb_filter_krylov_alloc(qb_idx n, qb_idx ncv, qb_idx b, qb_filter_krylov *L,
                                 qb_err *err) {
  memset(L, 0, sizeof *L);
  L->n = n, L->ncv = ncv, L->b = b, L->cap = ncv + b;
  const size_t cap = (size_t)L->cap;
  L->V = qb_malloc((size_t)n * cap * sizeof(double));
  L->T = qb_calloc(cap * cap, sizeof(double));
  L->theta = qb_malloc((size_t)ncv * sizeof(double));
  L->S = qb_malloc((size_t)(ncv * ncv) * sizeof(double));
  L->res = qb_malloc((size_t)ncv * sizeof(double));
  L->h = qb_malloc(cap * sizeof(double));
  if (!L->V || !L->T || !L->theta || !L->S || !L->res || !L->h) {
    qb_filter_krylov_clear(L);
    return QB_FAIL(err, QB_ERR_NOMEM, "filter: Lanczos basis of %ld vectors of dimension %ld "
                   "(%.3g GB)", (long)cap, (long)n, 8e-9 * (double)n * (double)cap);
  }
  return QB_OK;
}

void qb_filter_krylov_clear(qb_filter_krylov *L) {
  qb_free(L->V); qb_free(L->T); qb_free(L->theta); qb_free(L->S); qb_free(L->res); qb_free(L->h);
  memset(L, 0, sizeof *L);
}

/* w <- w - V[:, from:m] h with h = V[:, from:m]^T w, twice; h accumulates both passes
 * (h[from:m]). */
static void orthogonalize_from(const qb_filter_krylov *L, qb_idx from, qb_idx m, double *w,
                               double *h) {
  const size_t n = (size_t)L->n;
  for (qb_idx q = from; q < m; q++) h[q] = 0;
  for (int pass = 0; pass < 2; pass++)
    for (qb_idx q = from; q < m; q++) {
      double s = qb_vec_dot(n, COL(L, q), w);
      qb_vec_axpy(n, -s, COL(L, q), w);
      h[q] += s;
    }
}

/* The same against the whole of V[:, 0:m]. */
static void orthogonalize(const qb_filter_krylov *L, qb_idx m, double *w, double *h) {
  orthogonalize_from(L, 0, m, w, h);
}

/* Column q <- a unit random vector orthogonal to columns 0..q-1 (stream `stream` of seed). */
static void random_column(qb_filter_krylov *L, qb_idx q, uint64_t seed, uint64_t stream) {
  const size_t n = (size_t)L->n;
  double *w = COL(L, q);
  qb_rng g;
  qb_rng_init(&g, seed, 0, stream, QB_FILTER_RNG_START);
  for (size_t i = 0; i < n; i++) w[i] = qb_rng_uniform(&g) - 0.5;
  orthogonalize(L, q, w, L->h);
  qb_vec_scal(n, 1.0 / qb_vec_nrm2(n, w), w);
}

qb_status qb_filter_krylov_start(qb_filter_krylov *L, uint64_t seed, qb_err *err) {
  (void)err;
  for (qb_idx i = 0; i < L->b; i++) random_column(L, i, seed, (uint64_t)i);
  memset(L->T, 0, (size_t)(L->cap * L->cap) * sizeof(double));
  L->j = 0;
  return QB_OK;
}

/* Orthonormalizes the new block W = V[:, m : m + b] (already orthogonal to V[:, 0:m]) and
 * records its coupling: A v_{j+i} = ... + sum_{i' <= i} R[i'][i] w_{i'}, stored as
 * T[m + i'][j + i] = T[j + i][m + i']. Each w_i is orthogonalized against V[:, from : m + i]
 * (from = 0: the basis once more; from = m: the block only, where GEMMs made W orthogonal
 * to the basis to working precision). A vector that vanishes (an invariant subspace found)
 * is replaced by a random one with coupling 0: the Krylov relation still holds. */
static void orthonormalize_block(qb_filter_krylov *L, qb_idx from, qb_idx m, uint64_t seed) {
  const size_t n = (size_t)L->n, cap = (size_t)L->cap;
  const qb_idx j = m - L->b;
  for (qb_idx i = 0; i < L->b; i++) {
    double *w = COL(L, m + i);
    double before = qb_vec_nrm2(n, w);
    orthogonalize_from(L, from, m + i, w, L->h); /* V[:, from:m] (~0) and w_0..w_{i-1} */
    double beta = qb_vec_nrm2(n, w);
    for (qb_idx q = m; q < m + i; q++) L->T[(size_t)q * cap + (size_t)(j + i)] = L->h[q];
    if (!(beta > 1e3 * DBL_EPSILON * before) || beta == 0) {
      random_column(L, m + i, seed, 0x10000ull + (uint64_t)(m + i));
      beta = 0;
    } else {
      qb_vec_scal(n, 1.0 / beta, w);
    }
    L->T[(size_t)(m + i) * cap + (size_t)(j + i)] = beta;
  }
  for (qb_idx r = m; r < m + L->b; r++) /* the symmetric entries */
    for (qb_idx i = 0; i < L->b; i++)
      L->T[(size_t)(j + i) * cap + (size_t)r] = L->T[(size_t)r * cap + (size_t)(j + i)];
}

/* T symmetric: rows j..j+b-1 from the columns j..j+b-1 just computed (the diagonal block
 * averaged, its two triangles differing by rounding only); m = j + b. */
static void symmetrize(qb_filter_krylov *L, qb_idx j, qb_idx m) {
  const size_t cap = (size_t)L->cap;
  for (qb_idx i = 0; i < L->b; i++)
    for (qb_idx r = 0; r < m; r++) {
      double *up = &L->T[(size_t)r * cap + (size_t)(j + i)],
             *lo = &L->T[(size_t)(j + i) * cap + (size_t)r];
      if (r >= j && r < j + i) continue; /* set when column r was the later one */
      double v = r >= j ? 0.5 * (*up + *lo) : *up;
      *up = *lo = v;
    }
}

/* One block step: the images of the pending block V[:, j : j+b] go to V[:, j+b : j+2b],
 * are projected out of the basis (T's columns j..j+b-1) and become the next pending block. */
static qb_status block_step(qb_filter_krylov *L, qb_filter_apply_fn A, void *ctx, uint64_t seed,
                            long *applies, qb_err *err) {
  const size_t cap = (size_t)L->cap;
  const qb_idx j = L->j, m = j + L->b;
  for (qb_idx i = 0; i < L->b; i++) {
    double *w = COL(L, m + i);
    QB_TRY(A(ctx, COL(L, j + i), w, err));
    (*applies)++;
    orthogonalize(L, m, w, L->h);
    for (qb_idx r = 0; r < m; r++) L->T[(size_t)r * cap + (size_t)(j + i)] = L->h[r];
  }
  symmetrize(L, j, m);
  orthonormalize_block(L, 0, m, seed);
  L->j = m;
  return QB_OK;
}

qb_status qb_filter_krylov_step(qb_filter_krylov *L, qb_filter_apply_fn A, void *ctx,
                                uint64_t seed, long *applies, qb_err *err) {
  if (L->j + L->b > L->ncv)
    return QB_FAIL(err, QB_ERR_INPUT, "filter: basis of %ld vectors cannot grow by a block of "
                   "%ld within ncv = %ld", (long)L->j, (long)L->b, (long)L->ncv);
  return block_step(L, A, ctx, seed, applies, err);
}

/* Y[0:m, 0:b] = V[:, 0:m]^T W and W <- W - V[:, 0:m] Y, twice (classical Gram-Schmidt
 * twice as GEMMs: orthogonal to working precision, Giraud et al. 2005); H accumulates the
 * two passes' coefficients, Y is work space (both m x b, column-major). */
static void project_block(const qb_filter_krylov *L, qb_idx m, double *W, double *H, double *Y) {
  const int n = (int)L->n, mm = (int)m, b = (int)L->b;
  for (int pass = 0; pass < 2; pass++) {
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, mm, b, n, 1.0, L->V, n, W, n, 0.0, Y, mm);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, b, mm, -1.0, L->V, n, Y, mm, 1.0, W,
                n);
    for (qb_idx q = 0; q < m * L->b; q++) H[q] = pass ? H[q] + Y[q] : Y[q];
  }
}

qb_status qb_filter_krylov_step_block(qb_filter_krylov *L, qb_filter_apply_block_fn A, void *ctx,
                                      uint64_t seed, long *applies, qb_err *err) {
  if (L->j + L->b > L->ncv)
    return QB_FAIL(err, QB_ERR_INPUT, "krylov: basis of %ld vectors cannot grow by a block of "
                   "%ld within ncv = %ld", (long)L->j, (long)L->b, (long)L->ncv);
  if (L->n > INT_MAX)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "krylov: dimension %ld past the BLAS's int",
                   (long)L->n);
  const size_t cap = (size_t)L->cap;
  const qb_idx j = L->j, m = j + L->b;
  double *H = qb_malloc(2 * (size_t)(m * L->b) * sizeof(double));
  if (!H) return QB_FAIL(err, QB_ERR_NOMEM, "krylov: block coefficients %ld x %ld", (long)m,
                         (long)L->b);
  qb_status st = A(ctx, COL(L, j), COL(L, m), L->b, err);
  if (st == QB_OK) {
    *applies += L->b;
    project_block(L, m, COL(L, m), H, H + m * L->b);
    for (qb_idx i = 0; i < L->b; i++)
      for (qb_idx r = 0; r < m; r++) L->T[(size_t)r * cap + (size_t)(j + i)] = H[i * m + r];
    symmetrize(L, j, m);
    orthonormalize_block(L, m, m, seed);
    L->j = m;
  }
  qb_free(H);
  return st;
}

qb_status qb_filter_krylov_ritz(qb_filter_krylov *L, qb_err *err) {
  const qb_idx j = L->j;
  const size_t cap = (size_t)L->cap;
  double *M = qb_malloc((size_t)(j * j) * sizeof(double)),
         *w = qb_malloc((size_t)j * sizeof(double));
  if (!M || !w) {
    qb_free(M); qb_free(w);
    return QB_FAIL(err, QB_ERR_NOMEM, "filter: projected matrix of order %ld", (long)j);
  }
  for (qb_idx r = 0; r < j; r++)
    memcpy(M + r * j, L->T + (size_t)r * cap, (size_t)j * sizeof(double));
  qb_status st = qb_dense_eigh(QB_REAL, j, M, w, 1, err);
  if (st == QB_OK) {
    for (qb_idx q = 0; q < j; q++) { /* descending: column q of S is column j-1-q of M */
      L->theta[q] = w[j - 1 - q];
      for (qb_idx r = 0; r < j; r++) L->S[r * j + q] = M[r * j + (j - 1 - q)];
    }
    for (qb_idx q = 0; q < j; q++) { /* ||E s_q||, E = T[j : j+b, 0:j] */
      double s2 = 0;
      for (qb_idx i = 0; i < L->b; i++) {
        double e = 0;
        for (qb_idx r = 0; r < j; r++)
          e += L->T[(size_t)(j + i) * cap + (size_t)r] * L->S[r * j + q];
        s2 += e * e;
      }
      L->res[q] = sqrt(s2);
    }
  }
  qb_free(M);
  qb_free(w);
  return st;
}

qb_status qb_filter_krylov_rotate(qb_idx n, const double *V, qb_idx m, const double *S,
                                  qb_idx lds, qb_idx k, double *out, qb_err *err) {
  int nomem = 0;
#pragma omp parallel default(none) shared(n, V, m, S, lds, k, out, nomem) if (n >= QB_VEC_TEAM_MIN)
  {
    double *tmp = qb_malloc((size_t)k * QB_FILTER_ROTATE_ROWS * sizeof(double));
    if (!tmp) {
#pragma omp atomic write
      nomem = 1;
    }
#pragma omp for schedule(static)
    for (qb_idx r0 = 0; r0 < n; r0 += QB_FILTER_ROTATE_ROWS) {
      if (!tmp) continue;
      const qb_idx rows = n - r0 < QB_FILTER_ROTATE_ROWS ? n - r0 : QB_FILTER_ROTATE_ROWS;
      for (qb_idx q = 0; q < k; q++) {
        double *t = tmp + q * QB_FILTER_ROTATE_ROWS;
        for (qb_idx i = 0; i < rows; i++) t[i] = 0;
        for (qb_idx c = 0; c < m; c++) { /* a fixed order of summation per entry */
          const double s = S[c * lds + q], *v = V + (size_t)c * (size_t)n + (size_t)r0;
          for (qb_idx i = 0; i < rows; i++) t[i] += s * v[i];
        }
      }
      for (qb_idx q = 0; q < k; q++)
        memcpy(out + (size_t)q * (size_t)n + (size_t)r0, tmp + q * QB_FILTER_ROTATE_ROWS,
               (size_t)rows * sizeof(double));
    }
    qb_free(tmp);
  }
  return nomem ? QB_FAIL(err, QB_ERR_NOMEM, "filter: rotation buffer of %ld x %d", (long)k,
                         (int)QB_FILTER_ROTATE_ROWS)
               : QB_OK;
}

qb_status qb_filter_krylov_restart(qb_filter_krylov *L, qb_idx k, qb_err *err) {
  const qb_idx j = L->j, b = L->b;
  const size_t cap = (size_t)L->cap, n = (size_t)L->n;
  if (k > j) k = j;
  /* coupling of the pending block to the kept Ritz vectors: E S[:, 0:k] */
  double *ES = qb_malloc((size_t)(b * k) * sizeof(double) + 1);
  if (!ES) return QB_FAIL(err, QB_ERR_NOMEM, "filter: restart coupling");
  for (qb_idx i = 0; i < b; i++)
    for (qb_idx q = 0; q < k; q++) {
      double e = 0;
      for (qb_idx r = 0; r < j; r++) e += L->T[(size_t)(j + i) * cap + (size_t)r] * L->S[r * j + q];
      ES[i * k + q] = e;
    }
  qb_status st = qb_filter_krylov_rotate(L->n, L->V, j, L->S, j, k, L->V, err);
  if (st == QB_OK) {
    for (qb_idx i = 0; i < b; i++) /* the pending block moves down to columns k.. */
      if (k + i != j + i) memmove(COL(L, k + i), COL(L, j + i), n * sizeof(double));
    memset(L->T, 0, cap * cap * sizeof(double));
    for (qb_idx q = 0; q < k; q++) L->T[(size_t)q * cap + (size_t)q] = L->theta[q];
    for (qb_idx i = 0; i < b; i++)
      for (qb_idx q = 0; q < k; q++)
        L->T[(size_t)(k + i) * cap + (size_t)q] = L->T[(size_t)q * cap + (size_t)(k + i)] =
            ES[i * k + q];
    L->j = k;
  }
  qb_free(ES);
  return st;
}
