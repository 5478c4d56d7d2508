/* csr_spmv_rows.h — the SpMV's row kernels (csr_spmv.c), written once for both column-index
 * widths: csr_spmv.c includes this file twice, with QB_CI = qb_idx (64-bit) and uint32_t
 * (narrow matrices, qb_csr_narrow), and QB_ROWS(name) giving each instance its own names.
 * The arithmetic and its order do not depend on the index type, so the two instances give
 * bitwise the same y. Not a header of its own: no include guard, on purpose. */

static inline void QB_ROWS(qb_prefetch_stream)(const double *v, const QB_CI *ci, qb_idx k) {
  __builtin_prefetch(v + k + QB_SPMV_PREFETCH, 0, 3);
  __builtin_prefetch(ci + k + QB_SPMV_PREFETCH, 0, 3);
}

#if defined(__AVX2__) && defined(__FMA__)
/* AVX2: two nonzeros per 256-bit register, [a0 a0 a1 a1] * [x0re x0im x1re x1im]; acc01
 * holds lanes 0 and 1, acc23 lanes 2 and 3: the lane order of the portable loop. Measured
 * on the AMD EPYC this was tuned on: software prefetch of x did not help, AVX-512 masked
 * loads were 2.5x slower. Used for the rows at the very end of the arrays. */
static inline void QB_ROWS(row_rc)(qb_idx k0, qb_idx k1, const QB_CI *restrict ci,
                                   const double *restrict v, const double *restrict x, double *sr,
                                   double *si) {
  __m256d acc01 = _mm256_setzero_pd(), acc23 = _mm256_setzero_pd();
  qb_idx k = k0;
  for (; k + QB_SPMV_LANES <= k1; k += QB_SPMV_LANES) {
    const __m256d a = _mm256_loadu_pd(v + k);
    const __m256d a01 = _mm256_permute4x64_pd(a, 0x50), a23 = _mm256_permute4x64_pd(a, 0xFA);
    const __m256d x01 = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x + 2 * ci[k])),
                                             _mm_loadu_pd(x + 2 * ci[k + 1]), 1);
    const __m256d x23 =
        _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x + 2 * ci[k + 2])),
                             _mm_loadu_pd(x + 2 * ci[k + 3]), 1);
    acc01 = _mm256_fmadd_pd(a01, x01, acc01);
    acc23 = _mm256_fmadd_pd(a23, x23, acc23);
    QB_ROWS(qb_prefetch_stream)(v, ci, k);
  }
  double l[8]; /* lanes: re0 im0 re1 im1 re2 im2 re3 im3 */
  _mm256_storeu_pd(l, acc01);
  _mm256_storeu_pd(l + 4, acc23);
  for (int u = 0; k < k1; k++, u++) {
    const double *xc = x + 2 * ci[k];
    l[2 * u] = fma(v[k], xc[0], l[2 * u]);
    l[2 * u + 1] = fma(v[k], xc[1], l[2 * u + 1]);
  }
  *sr = (l[0] + l[4]) + (l[2] + l[6]);
  *si = (l[1] + l[5]) + (l[3] + l[7]);
}

/* The same sum without a scalar tail: the last group of four is loaded whole (the caller
 * guarantees k1 + 3 < nnz, so the loads stay inside the arrays; the extra columns belong
 * to the next rows, so x there is valid memory) and its out-of-row lanes are zeroed in
 * both a and x, adding exact zeros. Rows are short (~10 entries) with varying lengths: the
 * scalar tail's exit mispredicted once per row (20% of the in-cache time). */
static inline void QB_ROWS(row_rc_masked)(qb_idx k0, qb_idx k1, const QB_CI *restrict ci,
                                          const double *restrict v, const double *restrict x,
                                          double *sr, double *si) {
  __m256d acc01 = _mm256_setzero_pd(), acc23 = _mm256_setzero_pd();
  for (qb_idx k = k0; k < k1; k += QB_SPMV_LANES) {
    const qb_idx left = k1 - k;
    const __m256d m = _mm256_loadu_pd((const double *)qb_lane_mask[left < 4 ? left : 4]);
    const __m256d m01 = _mm256_permute4x64_pd(m, 0x50), m23 = _mm256_permute4x64_pd(m, 0xFA);
    const __m256d a = _mm256_and_pd(_mm256_loadu_pd(v + k), m);
    const __m256d a01 = _mm256_permute4x64_pd(a, 0x50), a23 = _mm256_permute4x64_pd(a, 0xFA);
    __m256d x01 = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x + 2 * ci[k])),
                                       _mm_loadu_pd(x + 2 * ci[k + 1]), 1);
    __m256d x23 = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(x + 2 * ci[k + 2])),
                                       _mm_loadu_pd(x + 2 * ci[k + 3]), 1);
    QB_ROWS(qb_prefetch_stream)(v, ci, k);
    x01 = _mm256_and_pd(x01, m01);
    x23 = _mm256_and_pd(x23, m23);
    acc01 = _mm256_fmadd_pd(a01, x01, acc01);
    acc23 = _mm256_fmadd_pd(a23, x23, acc23);
  }
  double l[8];
  _mm256_storeu_pd(l, acc01);
  _mm256_storeu_pd(l + 4, acc23);
  *sr = (l[0] + l[4]) + (l[2] + l[6]);
  *si = (l[1] + l[5]) + (l[3] + l[7]);
}

#else
static inline void QB_ROWS(row_rc)(qb_idx k0, qb_idx k1, const QB_CI *restrict ci,
                                   const double *restrict v, const double *restrict x, double *sr,
                                   double *si) {
  double ar[QB_SPMV_LANES] = {0}, ai[QB_SPMV_LANES] = {0};
  qb_idx k = k0;
  for (; k + QB_SPMV_LANES <= k1; k += QB_SPMV_LANES) {
    for (int u = 0; u < QB_SPMV_LANES; u++) {
      const double *xc = x + 2 * ci[k + u];
      ar[u] += v[k + u] * xc[0];
      ai[u] += v[k + u] * xc[1];
    }
    QB_ROWS(qb_prefetch_stream)(v, ci, k);
  }
  for (int u = 0; k < k1; k++, u++) {
    const double *xc = x + 2 * ci[k];
    ar[u] += v[k] * xc[0];
    ai[u] += v[k] * xc[1];
  }
  *sr = (ar[0] + ar[2]) + (ar[1] + ar[3]);
  *si = (ai[0] + ai[2]) + (ai[1] + ai[3]);
}
#endif

#if !(defined(__AVX2__) && defined(__FMA__))
/* Without AVX2 the masked form does not exist: the portable row sum serves every row. */
static inline void QB_ROWS(row_rc_masked)(qb_idx k0, qb_idx k1, const QB_CI *restrict ci,
                                          const double *restrict v, const double *restrict x,
                                          double *sr, double *si) {
  QB_ROWS(row_rc)(k0, k1, ci, v, x, sr, si);
}
#endif

/* Rows r0..r1-1, real A, complex x, y as interleaved (re, im) doubles: the hot path of
 * time evolution; real arithmetic only. */
static void QB_ROWS(rows_rc)(qb_idx r0, qb_idx r1, const qb_idx *restrict rp,
                             const QB_CI *restrict ci, const double *restrict v,
                             const double *restrict x, double *restrict y, qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double sr, si;
    if (rp[i + 1] + 3 < c.nnz)
      QB_ROWS(row_rc_masked)(rp[i], rp[i + 1], ci, v, x, &sr, &si);
    else
      QB_ROWS(row_rc)(rp[i], rp[i + 1], ci, v, x, &sr, &si);
    store_fused_complex(i, sr, si, x, y, c);
  }
}

/* Row sum of real A times real x in QB_SPMV_LANES lanes (as row_rc, for the FMA latency). */
static inline double QB_ROWS(row_rr)(qb_idx k0, qb_idx k1, const QB_CI *restrict ci,
                                     const double *restrict v, const double *restrict x) {
  double acc[QB_SPMV_LANES] = {0};
  qb_idx k = k0;
  for (; k + QB_SPMV_LANES <= k1; k += QB_SPMV_LANES) {
    for (int u = 0; u < QB_SPMV_LANES; u++) acc[u] += v[k + u] * x[ci[k + u]];
    QB_ROWS(qb_prefetch_stream)(v, ci, k);
  }
  for (int u = 0; k < k1; k++, u++) acc[u] += v[k] * x[ci[k]];
  return (acc[0] + acc[2]) + (acc[1] + acc[3]);
}

/* Rows r0..r1-1, real A, real x, y. */
static void QB_ROWS(rows_rr)(qb_idx r0, qb_idx r1, const qb_idx *restrict rp,
                             const QB_CI *restrict ci, const double *restrict v,
                             const double *restrict x, double *restrict y, qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double s = QB_ROWS(row_rr)(rp[i], rp[i + 1], ci, v, x);
    if (c.shift != 0.0) s -= c.shift * x[i];
    y[i] = c.beta == 0.0 ? c.alpha * s : c.alpha * s + c.beta * y[i];
  }
}

/* Rows r0..r1-1, complex A, complex x, y, all interleaved doubles. */
static void QB_ROWS(rows_cc)(qb_idx r0, qb_idx r1, const qb_idx *restrict rp,
                             const QB_CI *restrict ci, const double *restrict v,
                             const double *restrict x, double *restrict y, qb_spmv_coef c) {
  for (qb_idx i = r0; i < r1; i++) {
    double sr = 0.0, si = 0.0;
    __builtin_prefetch(v + 2 * (rp[i] + QB_SPMV_PREFETCH), 0, 3);
    __builtin_prefetch(ci + rp[i] + QB_SPMV_PREFETCH, 0, 3);
    for (qb_idx k = rp[i]; k < rp[i + 1]; k++) {
      const double ar = v[2 * k], ai = v[2 * k + 1];
      const double *xc = x + 2 * ci[k];
      sr += ar * xc[0] - ai * xc[1];
      si += ar * xc[1] + ai * xc[0];
    }
    store_fused_complex(i, sr, si, x, y, c);
  }
}

/* The parallel SpMV over A's cached partition with this index width. */
static void QB_ROWS(spmv_run)(const qb_csr *A, const QB_CI *ci, qb_dtype vtype, qb_spmv_coef c,
                              const double *xd, double *yd) {
  typedef void (*kernel)(qb_idx, qb_idx, const qb_idx *restrict, const QB_CI *restrict,
                         const double *restrict, const double *restrict, double *restrict,
                         qb_spmv_coef);
  kernel kern = A->dtype == QB_COMPLEX ? QB_ROWS(rows_cc)
                : vtype == QB_COMPLEX  ? QB_ROWS(rows_rc)
                                       : QB_ROWS(rows_rr);
  const int nparts = A->nparts;
  const qb_idx *part = A->part, *rp = A->rowptr;
  const double *v = A->val;
  /* A small matrix, or a call from inside a running team: no parallel region, whose cost
   * (a system call even for a team of one, see core/vec.c) dwarfs a tiny product. */
  if (c.nnz + A->nrows < QB_VEC_TEAM_MIN || nparts == 1 || omp_in_parallel()) {
    for (int p = 0; p < nparts; p++) kern(part[p], part[p + 1], rp, ci, v, xd, yd, c);
    return;
  }
#pragma omp parallel num_threads(nparts) default(none) \
    shared(kern, c, nparts, part, rp, ci, v, xd, yd)
  {
    /* Thread t takes block t; if the runtime granted fewer threads, blocks are dealt out
     * round-robin. Either way each row is computed the same way. */
    const int nth = omp_get_num_threads();
    for (int p = omp_get_thread_num(); p < nparts; p += nth)
      kern(part[p], part[p + 1], rp, ci, v, xd, yd, c);
  }
}
