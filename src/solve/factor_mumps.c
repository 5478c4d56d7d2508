/* factor_mumps.c — the MUMPS backend of qbath/factor.h (Debian's sequential MUMPS,
 * libmumps-seq-dev, or in the MPI build its MPI MUMPS, libmumps-dev; optional: without
 * either the type exists and reports QB_ERR_UNSUPPORTED).
 *
 * Real symmetric S: LDL^T of the lower triangle (sym = 2, symmetric indefinite), which
 * stores only L: half the factor entries of an LU, and half the memory traffic per solve.
 * Complex Hermitian S: MUMPS has no LDL^H, so LU of the full matrix (sym = 0). MUMPS takes
 * 32-bit 1-based coordinates: dimensions and per-row counts past 2^31 are refused. */
#include "qbath/factor.h"

#ifdef QBATH_HAVE_MUMPS
#include <cholmod.h>
#include <dmumps_c.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <zmumps_c.h>

#include "qbath/alloc.h"
#include "qbath/blas_threads.h"

#ifdef QBATH_MUMPS_MPI
#include <mpi.h>
#define QB_MUMPS_DISTRIBUTED 1
#else
#define QB_MUMPS_COMM_WORLD (-987654) /* MUMPS's "use the (fake) MPI_COMM_WORLD" */
#define QB_MUMPS_DISTRIBUTED 0
#endif

typedef struct mumps_impl {
  int complex_;
  int rank, nranks;        /* this process in the ranks sharing the factor (0 and 1 alone) */
#ifdef QBATH_MUMPS_MPI
  MPI_Comm comm;           /* those ranks (MPI_COMM_SELF alone); not owned */
#endif
  qb_idx n, ne;            /* dimension, and entries this rank hands to MUMPS */
  MUMPS_INT *irn, *jcn;    /* size ne: 1-based row and column of each entry */
  qb_idx *pos;             /* size ne: position of the entry in S->val */
  void *a;                 /* size ne: values (double or mumps_double_complex) */
  void *rhs;               /* size n: right-hand side, overwritten by the solution */
  MUMPS_INT *perm;         /* size n (host only, NULL: MUMPS orders): METIS's pivot order */
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

/* The solve phase on one BLAS thread: its dense kernels are products with the few
 * right-hand-side columns (8 a block), which OpenBLAS splits between its threads at a cost
 * above the work, and between them the other worker spins in sched_yield. Measured at
 * L = 18 with 2 threads (loaded machine): iterate 8.6 / 10.5 s against 15.8 / 13.7 s,
 * sched_yield calls 1.8M against 2.6M, system time 3.6 s against 6.9 s. The factorization
 * keeps the caller's BLAS threads (its large fronts are BLAS-3). */
static void call_solve(mumps_impl *m) {
  int before = qb_blas_threads_set(1);
  call(m, 3);
  qb_blas_threads_set(before);
}

static MUMPS_INT *icntl(mumps_impl *m) { return m->complex_ ? m->z.icntl : m->d.icntl; }
static MUMPS_INT *infog(mumps_impl *m) { return m->complex_ ? m->z.infog : m->d.infog; }
static double *rinfog(mumps_impl *m) { return m->complex_ ? m->z.rinfog : m->d.rinfog; }

static void mumps_free(void *p) {
  mumps_impl *m = p;
  if (!m) return;
  if (m->initialized) call(m, -2);
  qb_free(m->irn); qb_free(m->jcn); qb_free(m->pos); qb_free(m->a); qb_free(m->rhs);
  qb_free(m->perm);
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

/* Coordinates of the entries this rank hands to MUMPS: the lower triangle (real) or all
 * (complex) of its block of rows, [n rank / nranks, n (rank + 1) / nranks) (all rows when
 * alone: the sequential build's centralized input). */
static qb_status coordinates(mumps_impl *m, const qb_csr *S, qb_err *err) {
  qb_idx nnz = qb_csr_nnz(S), ne = 0;
  if (S->nrows >= 2147483647)
    return QB_FAIL(err, QB_ERR_UNSUPPORTED, "MUMPS: dimension %ld needs 64-bit indices",
                   (long)S->nrows);
  const qb_idx r0 = S->nrows * m->rank / m->nranks, r1 = S->nrows * (m->rank + 1) / m->nranks;
  for (qb_idx i = r0; i < r1; i++)
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
  for (qb_idx i = r0; i < r1; i++)
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
  /* ICNTL(7): 0 AMD, 5 METIS, 7 automatic; METIS by default as for UMFPACK (given as a
   * permutation, metis_order: Debian's MUMPS falls back to SCOTCH or PORD for 5) */
  return o == QB_ORDER_AMD ? 0 : (o == QB_ORDER_CHOLMOD || o == QB_ORDER_BEST) ? 7 : 5;
}

/* METIS nested dissection of S's pattern, through CHOLMOD (already linked for UMFPACK),
 * handed to MUMPS as its pivot order (ICNTL(7) = 1): Debian builds MUMPS without METIS,
 * where ICNTL(7) = 5 falls back to SCOTCH (sequential) or PORD (MPI). On the Sz = 0 chains
 * METIS gave 15% fewer factor entries than SCOTCH at L = 16 (32.1 against 37.9 x nnz(H)),
 * 6% at L = 18 (91.4 against 96.8, flops 9.52e10 against 9.95e10) and a faster analysis.
 * perm[i] = 1-based position of variable i in the pivot order. Where CHOLMOD fails (no
 * METIS in it), MUMPS orders by itself (perm stays NULL). */
static qb_status metis_order(mumps_impl *m, const qb_csr *S, qb_err *err) {
  const qb_idx n = S->nrows;
  SuiteSparse_long *order = qb_malloc((size_t)n * sizeof *order);
  m->perm = qb_malloc((size_t)n * sizeof *m->perm);
  if (!order || !m->perm) {
    qb_free(order);
    return QB_FAIL(err, QB_ERR_NOMEM, "METIS ordering of n = %ld", (long)n);
  }
  /* S's CSR rows read as CSC columns: the same pattern (S is symmetric); stype -1 lets
   * CHOLMOD take the lower triangle */
  cholmod_sparse A = {.nrow = (size_t)n, .ncol = (size_t)n, .nzmax = (size_t)qb_csr_nnz(S),
                      .p = S->rowptr, .i = S->colind, .stype = -1, .itype = CHOLMOD_LONG,
                      .xtype = CHOLMOD_PATTERN, .dtype = CHOLMOD_DOUBLE, .sorted = 0,
                      .packed = 1};
  cholmod_common c;
  cholmod_l_start(&c);
  c.print = 0;
  int ok = cholmod_l_metis(&A, NULL, 0, 1, order, &c);
  cholmod_l_finish(&c);
  for (qb_idx k = 0; ok && k < n; k++) m->perm[order[k]] = (MUMPS_INT)(k + 1);
  qb_free(order);
  if (!ok) m->perm = qb_free(m->perm);
  return QB_OK;
}

/* The communicator MUMPS runs on: the shared ranks' (MPI build) or the stand-in's. */
static MUMPS_INT comm_fortran(const mumps_impl *m) {
#ifdef QBATH_MUMPS_MPI
  return (MUMPS_INT)MPI_Comm_c2f(m->comm);
#else
  (void)m;
  return QB_MUMPS_COMM_WORLD;
#endif
}

/* Hands MUMPS the matrix: centralized on the host alone, this rank's entries (ICNTL(18) =
 * 3, distributed assembled input) in the MPI build. The right-hand sides and solutions stay
 * centralized on the host (ICNTL(20) = ICNTL(21) = 0, the defaults). */
#define QB_MUMPS_SET_MATRIX(st, ic, m)                                                     \
  do {                                                                                     \
    (st).n = (MUMPS_INT)(m)->n;                                                            \
    (st).rhs = (m)->rhs; (st).nrhs = 1; (st).lrhs = (MUMPS_INT)(m)->n;                     \
    if (QB_MUMPS_DISTRIBUTED) {                                                            \
      (ic)[17] = 3;                                                                        \
      (st).nnz_loc = (m)->ne; (st).irn_loc = (m)->irn; (st).jcn_loc = (m)->jcn;            \
      (st).a_loc = (m)->a;                                                                 \
    } else {                                                                               \
      (st).nnz = (m)->ne; (st).irn = (m)->irn; (st).jcn = (m)->jcn; (st).a = (m)->a;       \
    }                                                                                      \
  } while (0)

static void setup(mumps_impl *m, const qb_factor_opts *o) {
  if (m->complex_) {
    m->z.par = 1; m->z.sym = 0; m->z.comm_fortran = comm_fortran(m);
  } else {
    m->d.par = 1; m->d.sym = 2; m->d.comm_fortran = comm_fortran(m);
  }
  call(m, -1);
  m->initialized = 1;
  MUMPS_INT *ic = icntl(m);
  ic[0] = ic[1] = ic[2] = -1; /* the library never prints */
  ic[3] = 0;
  ic[6] = m->perm ? 1 : ordering_code(o->ordering);
  if (m->complex_) m->z.perm_in = m->perm;
  else m->d.perm_in = m->perm;
  if (m->complex_) QB_MUMPS_SET_MATRIX(m->z, ic, m);
  else QB_MUMPS_SET_MATRIX(m->d, ic, m);
}

#ifdef QBATH_MUMPS_MPI
/* The ranks that share the factor: opts' communicator, or this process alone. MPI MUMPS
 * needs MPI even alone: a program that did not start it (a test suite, the Python face)
 * gets it started here, once, allowing calls from any one thread at a time (every MUMPS
 * call runs under qb_mumps_lock). */
static qb_status join(mumps_impl *m, const qb_factor_opts *o, qb_err *err) {
  int inited = 0, finalized = 0, provided = 0;
  MPI_Finalized(&finalized);
  if (finalized) return QB_FAIL(err, QB_ERR_UNSUPPORTED, "MUMPS: MPI was already finalized");
  pthread_mutex_lock(&qb_mumps_lock);
  MPI_Initialized(&inited);
  if (!inited) MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
  pthread_mutex_unlock(&qb_mumps_lock);
  m->comm = o->mpi_comm ? *(const MPI_Comm *)o->mpi_comm : MPI_COMM_SELF;
  MPI_Comm_rank(m->comm, &m->rank);
  MPI_Comm_size(m->comm, &m->nranks);
  return QB_OK;
}

/* Every rank receives rank 0's solution (count doubles at x), in pieces MPI's int counts
 * can hold. */
static void share(mumps_impl *m, void *x, size_t count) {
  const size_t piece = (size_t)1 << 30;
  if (m->nranks == 1) return;
  for (size_t k = 0; k < count; k += piece)
    MPI_Bcast((double *)x + k, (int)(count - k < piece ? count - k : piece), MPI_DOUBLE, 0,
              m->comm);
}
#else
static qb_status join(mumps_impl *m, const qb_factor_opts *o, qb_err *err) {
  (void)o, (void)err;
  m->rank = 0, m->nranks = 1;
  return QB_OK;
}
static void share(mumps_impl *m, void *x, size_t count) { (void)m, (void)x, (void)count; }
#endif

static qb_status mumps_analyze(const qb_csr *S, const qb_factor_opts *o, void **impl,
                               qb_factor_info *fi, qb_err *err) {
  mumps_impl *m = qb_calloc(1, sizeof *m);
  if (!m) return QB_FAIL(err, QB_ERR_NOMEM, "MUMPS workspace");
  m->complex_ = S->dtype == QB_COMPLEX;
  qb_status st = join(m, o, err);
  if (st == QB_OK) st = coordinates(m, S, err);
  double t0 = now();
  if (st == QB_OK && m->rank == 0 && ordering_code(o->ordering) == 5) st = metis_order(m, S, err);
  if (st == QB_OK) {
    load(m, S);
    setup(m, o);
    call(m, 1);
    fi->t_analyze = now() - t0;
    st = check(m, "analysis", err);
  }
  if (st != QB_OK) { mumps_free(m); return st; }
  MUMPS_INT *ig = infog(m);
  /* INFOG(17): MB in-core, all ranks together; INFOG(16): the largest rank's, which is what
   * one rank's memory must hold when ranks share the factor */
  fi->peak_bytes_estimate = 1e6 * (double)(m->nranks > 1 ? ig[15] : ig[16]);
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
  call_solve(m);
  QB_TRY(check(m, "solve", err));
  memcpy(x, m->rhs, (size_t)m->n * (m->complex_ ? 16 : 8));
  share(m, x, (size_t)m->n * (m->complex_ ? 2 : 1));
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
  call_solve(m);
  set_rhs(m, m->rhs, 1);
  QB_TRY(check(m, "block solve", err));
  share(m, x, (size_t)m->n * (size_t)nrhs * (m->complex_ ? 2 : 1));
  return QB_OK;
}

const qb_factor_type qb_factor_mumps = {"mumps", mumps_analyze, mumps_factor, mumps_solve,
                                        mumps_free, mumps_solve_block};
int qb_factor_have_mumps(void) { return 1; }
const char *qb_factor_mumps_version(void) { return MUMPS_VERSION; }
int qb_factor_mumps_mpi(void) { return QB_MUMPS_DISTRIBUTED; }

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
int qb_factor_mumps_mpi(void) { return 0; }

#endif
