/* bench_evolve.c — `qbath bench evolve`: psi(t) = exp(-iHt) psi0 for the random-field
 * Heisenberg chain (open, full 2^L space, fields W U[-1, 1]) from a Neel product state.
 * Prints the wall time, the matvecs against the minimal Chebyshev order for that time and
 * spectral width, the SpMV bandwidth fraction reached during the run (against a triad
 * measured in the same run), peak memory against the operator + 5 state vectors, and the
 * error against a tighter-tolerance run; optionally writes H (Matrix Market), psi0 and the
 * reference state for the peers (scripts/bench/evolve, evolve_peers.py).
 *
 *   qbath bench evolve [--L 18] [--W 1] [--t 20] [--tol 1e-10] [--seed 7] [--method M]
 *                      [--ref-tol 1e-13] [--export DIR] [--bounds-steps 60]
 *                      [--bounds-converge 2e-5] [--compare 1]
 * --compare 1 (default) also runs, in the same process, the CSR with the fixed 60-step
 * bounds used before issue 22 and the matrix-free operator (qbath/spin_op.h), printing
 * their wall time, matvecs and distance to the timed run's state. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "qbath/alloc.h"
#include "qbath/bounds.h"
#include "qbath/prop.h"
#include "qbath/mmio.h"
#include "qbath/rng.h"
#include "qbath/spin.h"
#include "qbath/spin_op.h"

typedef struct {
  int L;
  double W, t, tol, ref_tol;
  long seed;
  int bounds_steps; /* most Lanczos steps of the spectral bounds (0: the library default) */
  double bounds_converge; /* their early stop (< 0: the library default; 0: never) */
  int compare;      /* 1: also time the fixed 60-step bounds and the matrix-free operator */
  const char *method, *export_dir;
} bench_args;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double peak_rss_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;
}

/* A field "Name:  N kB" of /proc/self/status in MB (NAN where not available). */
static double proc_status_mb(const char *name) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  double kb = NAN;
  const size_t len = strlen(name);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, name, len) && line[len] == ':') kb = atof(line + len + 1);
  if (f) fclose(f);
  return kb / 1024.0;
}

/* Resets the peak RSS (VmHWM) to the current RSS (Linux >= 4.0); 0 where not possible. */
static int reset_peak_rss(void) {
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (!f) return 0;
  const int ok = fputs("5", f) >= 0;
  return fclose(f) == 0 && ok;
}

static int parse(int argc, char **argv, bench_args *a) {
  *a = (bench_args){18, 1.0, 20.0, 1e-10, 1e-13, 7, 0, -1.0, 1, "chebyshev", NULL};
  for (int i = 1; i < argc; i += 2) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) { fprintf(stderr, "bench evolve: option %s needs a value\n", k); return 2; }
    if (!strcmp(k, "--L")) a->L = atoi(v);
    else if (!strcmp(k, "--W")) a->W = atof(v);
    else if (!strcmp(k, "--t")) a->t = atof(v);
    else if (!strcmp(k, "--tol")) a->tol = atof(v);
    else if (!strcmp(k, "--ref-tol")) a->ref_tol = atof(v);
    else if (!strcmp(k, "--seed")) a->seed = atol(v);
    else if (!strcmp(k, "--bounds-steps")) a->bounds_steps = atoi(v);
    else if (!strcmp(k, "--bounds-converge")) a->bounds_converge = atof(v);
    else if (!strcmp(k, "--compare")) a->compare = atoi(v);
    else if (!strcmp(k, "--method")) a->method = v;
    else if (!strcmp(k, "--export")) a->export_dir = v;
    else { fprintf(stderr, "bench evolve: unknown option %s\n", k); return 2; }
  }
  if (a->L < 2 || a->L > 26 || !(a->t > 0) || !(a->tol > 0)) {
    fprintf(stderr, "bench evolve: need 2 <= L <= 26, t > 0, tol > 0\n");
    return 2;
  }
  return 0;
}

/* H = sum_j S_j.S_{j+1} + sum_j h_j S^z_j, h_j = W U[-1, 1] from Philox (seed, 0, 0, 0). */
static qb_status build_chain(const bench_args *a, qb_csr **A, qb_op **M, qb_err *err) {
  qb_rng r;
  qb_rng_init(&r, (uint64_t)a->seed, 0, 0, 0);
  double h[QB_SPIN_MAX_SITES];
  for (int j = 0; j < a->L; j++) h[j] = a->W * (2.0 * qb_rng_uniform(&r) - 1.0);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_status st = qb_spin_sum_heisenberg(a->L, 1.0, h, 0, &H, err);
  if (st == QB_OK) st = qb_spin_basis_create(a->L, -1, &B, err);
  if (st == QB_OK) st = qb_spin_sum_to_csr(H, B, A, err);
  if (st == QB_OK) st = qb_spin_op_from_sum(H, B, 0, M, err);
  qb_spin_sum_free(H);
  qb_spin_basis_free(B);
  return st;
}

/* One untimed-setup, timed run of psi0 = e_i0 to t on H with bounds params bp: the final
 * state into psi (n entries), wall seconds, matvecs (bounds + propagation). */
static qb_status timed_run(qb_op *H, const qb_prop_type *T, const qb_prop_params *pp,
                           qb_idx i0, double t, qb_cplx *psi, double *secs, long *mv,
                           int *bsteps, qb_err *err) {
  qb_prop *P = NULL;
  qb_bounds_info bi = {0};
  memset(psi, 0, (size_t)H->dim * sizeof *psi);
  psi[i0] = 1.0;
  H->have_bounds = 0;
  const double t0 = now_s();
  qb_status st = qb_bounds_compute(H, &pp->bounds, NULL, NULL, &bi, err);
  if (st == QB_OK) st = qb_prop_create(T, H, pp, &P, err);
  if (st == QB_OK) st = qb_prop_run(P, 1, &psi, &t, 1, NULL, NULL, err);
  *secs = now_s() - t0;
  if (st == QB_OK) *mv = qb_prop_get_stats(P).matvecs + bi.steps;
  *bsteps = bi.steps;
  qb_prop_free(P);
  return st;
}

static double diff_norm(const qb_cplx *a, const qb_cplx *b, qb_idx n) {
  double d = 0;
  for (qb_idx i = 0; i < n; i++) d += creal((a[i] - b[i]) * conj(a[i] - b[i]));
  return sqrt(d);
}

/* In one run: the converged bounds against the old fixed 60 steps (CSR), and the
 * matrix-free operator against the CSR (both converged); states compared with psi, the
 * timed CSR run's state (converged bounds unless --bounds-* changed them). */
static qb_status compare_runs(qb_op *Hc, qb_op *Hm, const qb_prop_type *T, qb_prop_params p,
                              qb_idx i0, double t, const qb_cplx *psi, qb_err *err) {
  const qb_idx n = Hc->dim;
  qb_cplx *w = qb_malloc((size_t)n * sizeof *w);
  if (!w) return QB_FAIL(err, QB_ERR_NOMEM, "comparison state");
  double s60 = 0, sconv = 0, smf = 0;
  long m60 = 0, mconv = 0, mmf = 0;
  int b60 = 0, bconv = 0, bmf = 0;
  qb_prop_params p60 = p;
  p60.bounds.converge = 0.0;
  p60.bounds.steps = 60;
  qb_status st = timed_run(Hc, T, &p, i0, t, w, &sconv, &mconv, &bconv, err);
  const double dconv = st == QB_OK ? diff_norm(w, psi, n) : NAN;
  if (st == QB_OK) st = timed_run(Hc, T, &p60, i0, t, w, &s60, &m60, &b60, err);
  const double d60 = st == QB_OK ? diff_norm(w, psi, n) : NAN;
  if (st == QB_OK) st = timed_run(Hm, T, &p, i0, t, w, &smf, &mmf, &bmf, err);
  const double dmf = st == QB_OK ? diff_norm(w, psi, n) : NAN;
  if (st == QB_OK) {
    printf("bounds: converged %d steps: %.3f s, %ld matvecs; fixed %d steps (before issue 22): "
           "%.3f s, %ld matvecs; time ratio %.3f, |psi_converged - psi_60| = %.2e\n", bconv,
           sconv, mconv, b60, s60, m60, sconv / s60, d60);
    printf("matrix-free vs CSR (same converged bounds): %.3f s vs %.3f s (ratio %.3f), %ld vs "
           "%ld matvecs, %.3f vs %.3f ms per matvec; |psi_mf - psi_csr| = %.2e (the CSR's own "
           "run: %.2e)\n", smf, sconv, smf / sconv, mmf, mconv, 1e3 * smf / (double)mmf,
           1e3 * sconv / (double)mconv, dmf, dconv);
  }
  qb_free(w);
  return st;
}

/* Triad a = b + s c over n doubles: best of reps, GB/s (24 bytes per element). */
/* STREAM-style triad a = b + s c over n doubles, best of reps, GB/s (24 bytes per entry);
 * shared with bench grain (bench.h). */
double qb_bench_triad_gbps(size_t n, int reps) {
  double *a = qb_malloc(n * sizeof *a), *b = qb_malloc(n * sizeof *b),
         *c = qb_malloc(n * sizeof *c);
  double best = INFINITY;
  if (a && b && c) {
#pragma omp parallel for default(none) shared(a, b, c, n) schedule(static)
    for (size_t i = 0; i < n; i++) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
    for (int r = 0; r < reps; r++) {
      const double s = 0.5 + r, t0 = now_s();
#pragma omp parallel for default(none) shared(a, b, c, n, s) schedule(static)
      for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
      best = fmin(best, now_s() - t0);
    }
  }
  qb_free(a), qb_free(b), qb_free(c);
  return isfinite(best) ? 24.0 * (double)n / best * 1e-9 : NAN;
}

static int write_vec(const char *dir, const char *name, const qb_cplx *v, qb_idx n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  const int ok = fwrite(v, sizeof *v, (size_t)n, f) == (size_t)n;
  return fclose(f) == 0 && ok;
}

/* Neel product state |0101...>: basis index with bits 0, 2, 4, ... set. */
static qb_idx neel_index(int L) {
  qb_idx s = 0;
  for (int j = 0; j < L; j += 2) s |= (qb_idx)1 << j;
  return s;
}

/* What the timed run measured. */
typedef struct {
  double t_run, t_bounds, emin, emax; /* wall times (s) and the bounds used */
  double rss0, rss1;      /* peak RSS after building H and after the run (MB) */
  double rss_now, hwm_run; /* RSS before the run, VmHWM after it (MB; NAN: unknown) */
  int hwm_reset;          /* 1: the high-water mark was reset before the run */
  double errn;            /* |psi - psi_ref| */
  qb_bounds_info bi;      /* the bounds' Lanczos run */
  qb_prop_stats s;        /* the propagator's counts */
} evolve_measure;

/* The timed run: bounds + propagator + exp(-iHt) psi0, psi0 = the Neel state i0. */
static qb_status timed_main(qb_op *H, const qb_prop_type *T, const qb_prop_params *p, double t,
                            qb_idx i0, qb_cplx *psi, evolve_measure *m, qb_err *err) {
  qb_prop *P = NULL;
  psi[i0] = 1.0;
  const double t0 = now_s();
  qb_status st = qb_bounds_compute(H, &p->bounds, &m->emin, &m->emax, &m->bi, err);
  m->t_bounds = now_s() - t0;
  if (st == QB_OK) st = qb_prop_create(T, H, p, &P, err);
  if (st == QB_OK) st = qb_prop_run(P, 1, &psi, &t, 1, NULL, NULL, err);
  m->t_run = now_s() - t0;
  m->rss1 = peak_rss_mb();
  m->hwm_run = proc_status_mb("VmHWM");
  if (P) m->s = qb_prop_get_stats(P);
  qb_prop_free(P);
  return st;
}

/* The reference (untimed): Chebyshev at a tighter tolerance, its distance to psi in
 * m->errn; with --export also psi0 and the reference state for the peers. */
static qb_status reference_run(qb_op *H, const qb_prop_params *p, const bench_args *a, qb_idx i0,
                               const qb_cplx *psi, evolve_measure *m, qb_err *err) {
  const qb_idx n = H->dim;
  qb_cplx *ref = qb_calloc((size_t)n, sizeof *ref);
  qb_prop *R = NULL;
  qb_status st = ref ? QB_OK : QB_FAIL(err, QB_ERR_NOMEM, "reference state");
  qb_prop_params pr = *p;
  pr.tol = a->ref_tol;
  if (st == QB_OK) {
    ref[i0] = 1.0;
    if (a->export_dir && !write_vec(a->export_dir, "psi0.bin", ref, n))
      st = QB_FAIL(err, QB_ERR_IO, "cannot write %s/psi0.bin", a->export_dir);
  }
  double t = a->t;
  if (st == QB_OK) st = qb_prop_create(qb_prop_chebyshev, H, &pr, &R, err);
  if (st == QB_OK) st = qb_prop_run(R, 1, &ref, &t, 1, NULL, NULL, err);
  if (st == QB_OK) {
    m->errn = diff_norm(psi, ref, n);
    if (a->export_dir && !write_vec(a->export_dir, "ref.bin", ref, n))
      st = QB_FAIL(err, QB_ERR_IO, "cannot write %s/ref.bin", a->export_dir);
  }
  qb_prop_free(R);
  qb_free(ref);
  return st;
}

/* The report: times, matvecs against the minimal Chebyshev order, bandwidth against a
 * triad measured now, memory against the operator + 5 vectors. */
static void report(const bench_args *a, const qb_prop_type *T, const qb_csr *A, const qb_op *H,
                   const evolve_measure *m) {
  const qb_prop_stats s = m->s;
  const qb_bounds_info bi = m->bi;
  const double n = (double)A->nrows, nnz = (double)qb_csr_nnz(A), half = 0.5 * (m->emax - m->emin);
  const double ritz_half = 0.5 * (bi.ritz_max - bi.ritz_min), t_run = m->t_run;
  const int kmin = qb_prop_cheb_exp_order(ritz_half * a->t, a->tol);
  const int kbound = qb_prop_cheb_exp_order(half * a->t, a->tol);
  const long mv = s.matvecs + bi.steps;
  /* bytes per Chebyshev order: the SpMV (values, 64-bit column indices, row pointers,
   * x gathered once, y read and written) and the accumulation (T_k read, sum read+write) */
  const double bytes_iter = nnz * 16.0 + 8.0 * n + 16.0 * 3 * n + 16.0 * 3 * n;
  const double triad = qb_bench_triad_gbps((size_t)16 << 20, 5); /* 384 MB: past the caches */
  /* over the propagation alone (the bounds' Lanczos steps move other vectors) */
  const double t_prop = t_run - m->t_bounds;
  const double gbps = bytes_iter * (double)s.matvecs / t_prop * 1e-9;
  /* the operator's own stream only: a lower bound on the traffic (vectors kept in cache) */
  const double gbps_op = (nnz * 16.0 + 8.0 * n) * (double)s.matvecs / t_prop * 1e-9;
  const double vec_mb = 16.0 * n / 1048576.0, op_mb = (double)qb_op_bytes(H) / 1048576.0;
  printf(
      "bench evolve: L = %d, n = %lld, nnz = %.0f, W = %g, t = %g, tol = %.1e, method %s, "
      "%d threads\n",
      a->L, (long long)n, nnz, a->W, a->t, a->tol, T->name, omp_get_max_threads());
  printf("bounds [%.6f, %.6f] (Ritz [%.6f, %.6f], %d Lanczos steps)\n", m->emin, m->emax,
         bi.ritz_min, bi.ritz_max, bi.steps);
  printf("qbath: time %.3f s, error %.2e (vs Chebyshev at tol %.0e), matvecs %ld (bounds %d + "
         "propagation %ld)\n", t_run, m->errn, a->ref_tol, mv, bi.steps, s.matvecs);
  printf("time split: bounds %.3f s (real Lanczos vectors), propagation %.3f s, %.3f ms per "
         "Chebyshev order\n", m->t_bounds, t_prop,
         1e3 * t_prop / (double)(s.matvecs > 0 ? s.matvecs : 1));
  printf("minimal Chebyshev order: %d for the Ritz width, %d for the bounds used; matvecs / "
         "minimal = %.3f\n", kmin, kbound, (double)mv / (double)kmin);
  printf("bandwidth (propagation): %.2f GB/s effective (%.0f bytes per order, no cache reuse), "
         "triad %.2f GB/s, fraction %.3f; operator stream alone %.2f GB/s, fraction %.3f\n",
         gbps, bytes_iter, triad, gbps / triad, gbps_op, gbps_op / triad);
  printf("memory: peak RSS %.1f MB (after building H %.1f MB); operator %.1f MB, one state "
         "%.2f MB; state vectors held %d (+ the state): budget operator + 5 vectors = %.1f MB\n",
         m->rss1, m->rss0, op_mb, vec_mb, s.state_vectors, op_mb + 5 * vec_mb);
  const double rise = m->hwm_run - m->rss_now;
  if (m->hwm_reset && isfinite(m->hwm_run) && isfinite(m->rss_now))
    printf("memory during the run: peak %.1f MB over %.1f MB before it (the operator and the "
           "process) = %.1f MB = %.2f state vectors of %.2f MB (budget 5 besides the "
           "operator)\n", m->hwm_run, m->rss_now, rise, rise / vec_mb, vec_mb);
  else
    printf("memory during the run: peak RSS reset not available here\n");
}

int qb_bench_evolve(int argc, char **argv) {
  bench_args a;
  int rc = parse(argc, argv, &a);
  if (rc) return rc;
  qb_err err;
  qb_err_clear(&err);
  const qb_prop_type *T;
  qb_csr *A = NULL;
  qb_op *H = NULL, *M = NULL;
  qb_cplx *psi = NULL;
  evolve_measure m = {.errn = NAN};
  qb_status st = qb_prop_type_find(a.method, &T, &err);
  if (st == QB_OK) st = build_chain(&a, &A, &M, &err);
  const qb_idx n = A ? A->nrows : 0, i0 = neel_index(a.L);
  if (st == QB_OK) st = qb_op_from_csr(A, 1, &H, &err);
  else qb_csr_free(A);
  m.rss0 = peak_rss_mb(); /* the operator (+ build temporaries) */
  /* the run's own peak: RSS now, then the high-water mark reset so that VmHWM after the
   * run is the peak during it (the state allocated here counts as one vector) */
  m.rss_now = proc_status_mb("VmRSS");
  m.hwm_reset = reset_peak_rss();
  psi = qb_calloc((size_t)n, sizeof *psi);
  if (st == QB_OK && !psi)
    st = QB_FAIL(&err, QB_ERR_NOMEM, "state of dimension %lld", (long long)n);
  qb_prop_params p = qb_prop_defaults();
  p.tol = a.tol;
  if (a.bounds_steps > 0) p.bounds.steps = a.bounds_steps;
  if (a.bounds_converge >= 0) p.bounds.converge = a.bounds_converge;
  if (st == QB_OK) st = timed_main(H, T, &p, a.t, i0, psi, &m, &err);
  /* the export after the timed run: the kernel's write-back of a ~60 MB text file would
   * otherwise share the cores and the memory bus with it */
  if (st == QB_OK && a.export_dir) {
    char path[1024];
    snprintf(path, sizeof path, "%s/H.mtx", a.export_dir);
    st = qb_mmio_write(path, A, QB_MM_SYMMETRIC, &err);
  }
  if (st == QB_OK) st = reference_run(H, &p, &a, i0, psi, &m, &err);
  if (st == QB_OK && a.compare) st = compare_runs(H, M, T, p, i0, a.t, psi, &err);
  if (st == QB_OK) report(&a, T, A, H, &m);
  else fprintf(stderr, "bench evolve: %s\n", err.msg);
  qb_op_free(H), qb_op_free(M), qb_free(psi);
  return st == QB_OK ? 0 : 1;
}
