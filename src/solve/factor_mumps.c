/* factor_mumps.c — the MUMPS backend of qbath/factor.h (Debian's sequential MUMPS,
 * libmumps-seq-dev; optional: without it the type exists and reports QB_ERR_UNSUPPORTED).
 *
 * Real symmetric S: LDL^T of the lower triangle (sym = 2, symmetric indefinite), which
 * stores only L: half the factor entries of an LU, and half the memory traffic per solve.
 * Complex Hermitian S: MUMPS has no LDL^H, so LU of the full matrix (sym = 0). MUMPS takes
 * 32-bit 1-based coordinates: dimensions and per-row counts past 2^31 are refused. */
#include "qbath/factor.h"

#ifdef QBATH_HAVE_MUMPS
#include <dmumps_c.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <zmumps_c.h>

#include "qbath/alloc.h"

#define QB_MUMPS_COMM_WORLD (-987654) /* MUMPS's "use the (fake) MPI_COMM_WORLD" */

typedef struct mumps_impl {
  int complex_;
  qb_idx n, ne;            /* dimension and entries handed to MUMPS */
  MUMPS_INT *irn, *jcn;    /* size ne: 1-based row and column of each entry */
  qb_idx *pos;             /* size ne: position of the entry in S->val */
  void *a;                 /* size ne: values (double or mumps_double_complex) */
  void *rhs;               /* size n: right-hand side, overwritten by the solution */
  DMUMPS_STRUC_C d;
  ZMUMPS_STRUC_C z;
  int initialized;
} mumps_impl;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* MUMPS keeps state in Fortran module variables (its load-balancing module among them), so
 * two instances inside MUMPS at once on two threads corrupt each other: a campaign running
 * one L = 12 shift-invert realization per thread crashed in DMUMPS_LOAD_INIT ("PB
 * allocation"). Every MUMPS call runs under this lock; its dense kernels still use the
 * BLAS's threads, and realizations large enough to matter run one at a time anyway
 * (operator-parallel mode). */
static pthread_mutex_t qb_mumps_lock = PTHREAD_MUTEX_INITIALIZER;

static void call(mumps_impl *m, int job) {
  pthread_mutex_lock(&qb_mumps_lock);
  if (m->complex_) { m->z.job = job; zmumps_c(&m->z); }
  else { m->d.job = job; dmumps_c(&m->d); }
  pthread_mutex_unlock(&qb_mumps_lock);
}

static MUMPS_INT *icntl(mumps_impl *m) { return m->complex_ ? m->z.icntl : m->d.icntl; }
static MUMPS_INT *infog(mumps_impl *m) { return m->complex_ ? m->z.infog : m->d.infog; }
static double *rinfog(mumps_impl *m) { return m->complex_ ? m->z.rinfog : m->d.rinfog; }

static void mumps_free(void *p) {
  mumps_impl *m = p;
  if (!m) return;
  if (m->initialized) call(m, -2);
  qb_free(m->irn); qb_free(m->jcn); qb_free(m->pos); qb_free(m->a); qb_free(m->rhs);
  qb_free(m);
}

/* MUMPS sizes: INFOG(k) < 0 means -INFOG(k) millions. */
static double count(MUMPS_INT v) { return v < 0 ? -1e6 * (double)v : (double)v; }

static qb_status check(mumps_impl *m, const char *what, qb_err *err) {
  MUMPS_INT e = infog(m)[0], e2 = infog(m)[1];
  if (e >= 0) return QB_OK;
  if (e == -13 || e == -9 || e == -8 || e == -19)
    return QB_FAIL(err, QB_ERR_NOMEM, "MUMPS %s of n = %ld: out of memory (INFOG(1) = %d, "
                   "INFOG(2) = %d)", what, (long)m->n, (int)e, (int)e2);
  if (e == -10)
    return QB_FAIL(err, QB_ERR_NUMERIC, "MUMPS %s of n = %ld: the shifted matrix is singular "
                   "(the shift is an eigenvalue; move it slightly)", what, (long)m->n);
  return QB_FAIL(err, QB_ERR_NUMERIC, "MUMPS %s of n = %ld failed: INFOG(1) = %d, INFOG(2) = %d",
                 what, (long)m->n, (int)e, (int)e2);
}

/* Coordinates of the entries MUMPS sees: the lower triangle (real) or all (complex). */
static qb_status coordinates(mumps_impl *m, const qb_csr *S, qb_err *err) {
  qb_idx nnz = qb_csr_nnz(S), ne = 0;
  if (S->nrows >= 2147483647)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "MUMPS: dimension %ld needs 64-bit indices",
                   (long)S->nrows);
  for (qb_idx i = 0; i < S->nrows; i++)
    for (qb_idx k = S->rowptr[i]; k < S->rowptr[i + 1]; k++) ne += m->complex_ || S->colind[k] <= i;
  size_t es = m->complex_ ? sizeof(mumps_double_complex) : sizeof(double);
  m->irn = qb_malloc((size_t)ne * sizeof *m->irn);
  m->jcn = qb_malloc((size_t)ne * sizeof *m->jcn);
  m->pos = qb_malloc((size_t)ne * sizeof *m->pos);
  m->a = qb_malloc((size_t)ne * es);
  m->rhs = qb_malloc((size_t)S->nrows * es);
  if (!m->irn || !m->jcn || !m->pos || !m->a || !m->rhs)
    return QB_FAIL(err, QB_ERR_NOMEM, "MUMPS coordinates of %ld entries", (long)nnz);
  ne = 0;
  for (qb_idx i = 0; i < S->nrows; i++)
    for (qb_idx k = S->rowptr[i]; k < S->rowptr[i + 1]; k++)
      if (m->complex_ || S->colind[k] <= i) {
        m->irn[ne] = (MUMPS_INT)(i + 1);
        m->jcn[ne] = (MUMPS_INT)(S->colind[k] + 1);
        m->pos[ne++] = k;
      }
  m->ne = ne;
  m->n = S->nrows;
  return QB_OK;
}

static void load(mumps_impl *m, const qb_csr *S) {
  for (qb_idx e = 0; e < m->ne; e++) {
    if (m->complex_) {
      qb_cplx v = ((const qb_cplx *)S->val)[m->pos[e]];
      ((mumps_double_complex *)m->a)[e] = (mumps_double_complex){creal(v), cimag(v)};
    } else {
      ((double *)m->a)[e] = ((const double *)S->val)[m->pos[e]];
    }
  }
}

static int ordering_code(qb_factor_ordering o) {
  /* ICNTL(7): 0 AMD, 5 METIS, 7 automatic; default METIS as for UMFPACK */
  return o == QB_ORDER_AMD ? 0 : (o == QB_ORDER_CHOLMOD || o == QB_ORDER_BEST) ? 7 : 5;
}

static void setup(mumps_impl *m, const qb_factor_opts *o) {
  if (m->complex_) {
    m->z.par = 1; m->z.sym = 0; m->z.comm_fortran = QB_MUMPS_COMM_WORLD;
  } else {
    m->d.par = 1; m->d.sym = 2; m->d.comm_fortran = QB_MUMPS_COMM_WORLD;
  }
  call(m, -1);
  m->initialized = 1;
  MUMPS_INT *ic = icntl(m);
  ic[0] = ic[1] = ic[2] = -1; /* the library never prints */
  ic[3] = 0;
  ic[6] = ordering_code(o->ordering);
  if (m->complex_) {
    m->z.n = (MUMPS_INT)m->n; m->z.nnz = m->ne; m->z.irn = m->irn; m->z.jcn = m->jcn;
    m->z.a = m->a; m->z.rhs = m->rhs; m->z.nrhs = 1; m->z.lrhs = (MUMPS_INT)m->n;
  } else {
    m->d.n = (MUMPS_INT)m->n; m->d.nnz = m->ne; m->d.irn = m->irn; m->d.jcn = m->jcn;
    m->d.a = m->a; m->d.rhs = m->rhs; m->d.nrhs = 1; m->d.lrhs = (MUMPS_INT)m->n;
  }
}

static qb_status mumps_analyze(const qb_csr *S, const qb_factor_opts *o, void **impl,
                               qb_factor_info *fi, qb_err *err) {
  mumps_impl *m = qb_calloc(1, sizeof *m);
  if (!m) return QB_FAIL(err, QB_ERR_NOMEM, "MUMPS workspace");
  m->complex_ = S->dtype == QB_COMPLEX;
  qb_status st = coordinates(m, S, err);
  if (st == QB_OK) {
    load(m, S);
    setup(m, o);
    double t0 = now();
    call(m, 1);
    fi->t_analyze = now() - t0;
    st = check(m, "analysis", err);
  }
  if (st != QB_OK) { mumps_free(m); return st; }
  MUMPS_INT *ig = infog(m);
  fi->peak_bytes_estimate = 1e6 * (double)ig[16]; /* INFOG(17): MB, in-core, all processes */
  fi->factor_entries = count(ig[19]);              /* INFOG(20): estimated factor entries */
  fi->flops = rinfog(m)[0];                        /* RINFOG(1) */
  fi->a_entries = (double)qb_csr_nnz(S);
  *impl = m;
  return QB_OK;
}

static qb_status mumps_factor(void *impl, const qb_csr *S, qb_factor_info *fi, qb_err *err) {
  mumps_impl *m = impl;
  load(m, S);
  double t0 = now();
  call(m, 2);
  fi->t_factor = now() - t0;
  QB_TRY(check(m, "factorization", err));
  MUMPS_INT *ig = infog(m);
  fi->factor_entries = count(ig[28]); /* INFOG(29): entries in the factors */
  fi->factor_bytes = fi->factor_entries * (m->complex_ ? 16.0 : 8.0);
  fi->flops = rinfog(m)[2];           /* RINFOG(3): flops of the elimination */
  return QB_OK;
}

static qb_status mumps_solve(void *impl, const void *b, void *x, qb_err *err) {
  mumps_impl *m = impl;
  memcpy(m->rhs, b, (size_t)m->n * (m->complex_ ? 16 : 8));
  call(m, 3);
  QB_TRY(check(m, "solve", err));
  memcpy(x, m->rhs, (size_t)m->n * (m->complex_ ? 16 : 8));
  return QB_OK;
}

/* Points MUMPS at nrhs columns of rhs (leading dimension n). */
static void set_rhs(mumps_impl *m, void *rhs, qb_idx nrhs) {
  if (m->complex_) { m->z.rhs = rhs; m->z.nrhs = (MUMPS_INT)nrhs; }
  else { m->d.rhs = rhs; m->d.nrhs = (MUMPS_INT)nrhs; }
}

/* nrhs right-hand sides in one MUMPS solve, in place in x: each front of the factor is
 * read once for all of them (dense block solves, BLAS-3) instead of once per vector. */
static qb_status mumps_solve_block(void *impl, const void *b, void *x, qb_idx nrhs, qb_err *err) {
  mumps_impl *m = impl;
  memcpy(x, b, (size_t)m->n * (size_t)nrhs * (m->complex_ ? 16 : 8));
  set_rhs(m, x, nrhs);
  call(m, 3);
  set_rhs(m, m->rhs, 1);
  return check(m, "block solve", err);
}

const qb_factor_type qb_factor_mumps = {"mumps", mumps_analyze, mumps_factor, mumps_solve,
                                        mumps_free, mumps_solve_block};
int qb_factor_have_mumps(void) { return 1; }
const char *qb_factor_mumps_version(void) { return MUMPS_VERSION; }

#else /* !QBATH_HAVE_MUMPS */

static qb_status no_mumps(const qb_csr *S, const qb_factor_opts *o, void **impl,
                          qb_factor_info *fi, qb_err *err) {
  return QB_FAIL(err, QB_ERR_UNSUPPORTED, "this build has no MUMPS (install the Debian package "
                 "libmumps-seq-dev and reconfigure); use the UMFPACK backend");
}
static void no_free(void *impl) { (void)impl; }
const qb_factor_type qb_factor_mumps = {"mumps", no_mumps, NULL, NULL, no_free};
int qb_factor_have_mumps(void) { return 0; }
const char *qb_factor_mumps_version(void) { return NULL; }

#endif
