/* run.c — executes a campaign: realizations in parallel (OpenMP, optionally MPI ranks),
 * journaled as they finish, reduced in realization order, written to one HDF5 file.
 *
 * Reproducibility: realization r of point p draws only from Philox streams keyed by
 * (seed, p, r, purpose); its row lands at rows[r] whatever thread or rank computed it,
 * and every reduction runs over r = 0, 1, ... in order. So the numbers in the result
 * file do not depend on the thread count, the rank count, or on interruptions. */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef QBATH_HAVE_MPI
#include <mpi.h>
#endif

#include "campaign_internal.h"
#include "identity.h"
#include "journal.h"
#include "output.h"
#include "qbath/alloc.h"
#include "qbath/blas_threads.h"
#include "qbath/h5.h"
#include "qbath_build_info.h"

/* Everything the loop over one point's realizations shares. */
typedef struct loop_state {
  qb_campaign *c;
  const qb_run_opts *opts;
  qb_journal *journal;       /* NULL on MPI ranks other than 0 */
  const void *ctx;
  qb_idx point, rowlen;
  double *rows;
  qb_status status;          /* first failure */
  qb_err err;
  int abort;
  qb_idx done_point;         /* realizations of this point done (journal + computed) */
  qb_idx done_all, total_all;
  qb_idx computed;           /* by this process, whole run */
  double t_start, last_flush, last_sync, last_progress;
  double *in_model;          /* per thread, padded */
  qb_run_stats *stats;
  int shared;                /* 1: every rank computes each realization together (below) */
#ifdef QBATH_HAVE_MPI
  MPI_Comm world;            /* the ranks of the run */
#endif
} loop_state;

enum { PAD = 8 }; /* doubles between per-thread accumulators (one cache line) */

static int file_exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

static void report(loop_state *s, int final) {
  const qb_run_opts *o = s->opts;
  if (o->progress == NULL) return;
  double now = omp_get_wtime(), el = now - s->t_start;
  qb_progress pr = {.point = s->point, .npoints = s->c->npoints, .done = s->done_point,
                    .total = s->c->realizations, .done_all = s->done_all,
                    .total_all = s->total_all, .elapsed = el,
                    .rate = el > 0 ? (double)s->computed / el : 0, .final = final};
  pr.eta = pr.rate > 0 ? (double)(s->total_all - s->done_all) / pr.rate : -1;
  o->progress(o->user, &pr);
  s->last_progress = now;
}

/* Called (inside the critical section) when realization r has finished with status st;
 * rec holds its encoded journal record (NULL: encode here). */
static void record(loop_state *s, qb_idx r, qb_status st, const qb_err *e, const void *rec) {
  if (st != QB_OK) {
    if (s->status == QB_OK) {
      s->status = st;
      s->err = *e;
      qb_err_prefix(&s->err, "point %lld, realization %lld", (long long)s->point, (long long)r);
    }
    s->abort = 1;
    return;
  }
  s->done_point++, s->done_all++, s->computed++;
  if (s->journal == NULL || s->status != QB_OK) return;
  qb_status js =
      rec ? qb_journal_append_encoded(s->journal, rec, qb_journal_record_size(s->rowlen), &s->err)
          : qb_journal_append(s->journal, (uint64_t)s->point, (uint64_t)r, s->rows + r * s->rowlen,
                              s->rowlen, &s->err);
  if (js != QB_OK) s->status = js, s->abort = 1;
}


/* Inside the critical section: when a write is due ([output] flush_seconds, or the
 * buffer is large), detaches the buffer into *buf / *n for writing outside it. */
static int flush_due(loop_state *s, double now, void **buf, size_t *n, int *sync) {
  if (now - s->last_progress >= s->opts->progress_seconds) report(s, 0);
  if (s->journal == NULL || s->status != QB_OK) return 0;
  if (now - s->last_flush < s->c->flush_seconds &&
      qb_journal_pending(s->journal) < QB_JOURNAL_FLUSH_BYTES)
    return 0;
  *sync = now - s->last_sync >= s->c->sync_seconds;
  if (*sync) s->last_sync = now;
  s->last_flush = now;
  qb_journal_take(s->journal, buf, n);
  return 1;
}

/* Per-thread batch of finished realizations with their encoded records, committed to the
 * shared state together: cheap realizations then cost one critical section per batch,
 * and encoding, checksums and the write() happen outside it. A batch is committed when
 * full or when half of [output] flush_seconds has passed since the thread's last commit,
 * so an expensive realization is journaled at once. */
enum { BATCH = 256, BATCH_BYTES = QB_BATCH_BYTES };
typedef struct batch {
  qb_idx r[BATCH];
  int n;
  double last_commit;
  unsigned char *recs; /* encoded records, n x record size (NULL: no journal or no memory) */
  size_t cap;
} batch;

static void commit(loop_state *s, batch *b, double now) {
  void *buf = NULL;
  size_t n = 0;
  int due = 0, sync = 0;
  size_t rs = qb_journal_record_size(s->rowlen);
#pragma omp critical(qb_campaign_record)
  {
    for (int i = 0; i < b->n; i++)
      record(s, b->r[i], QB_OK, NULL, b->recs ? b->recs + i * rs : NULL);
    due = flush_due(s, now, &buf, &n, &sync);
  }
  if (due) {
    qb_err e;
    qb_status st;
#pragma omp critical(qb_campaign_journal_write)
    st = qb_journal_write(s->journal, buf, n, sync, &e);
    if (st != QB_OK) {
#pragma omp critical(qb_campaign_record)
      {
        if (s->status == QB_OK) s->status = st, s->err = e;
        s->abort = 1;
      }
    }
  }
  b->n = 0;
  b->last_commit = now;
}

static void batch_init(loop_state *s, batch *b) {
  size_t rs = qb_journal_record_size(s->rowlen);
  int cap = (int)(BATCH_BYTES / rs);
  b->n = 0;
  b->last_commit = omp_get_wtime();
  b->cap = (size_t)(cap < 1 ? 1 : cap > BATCH ? BATCH : cap);
  b->recs = s->journal ? qb_malloc(b->cap * rs) : NULL;
}

static void realize_one(loop_state *s, const qb_model *m, qb_idx r, int inner, batch *b) {
  qb_task t = {.seed = s->c->seed, .point = (uint64_t)s->point, .realization = (uint64_t)r,
               .nthreads = inner};
#ifdef QBATH_HAVE_MPI
  if (s->shared) t.mpi_comm = &s->world;
#endif
  qb_err e;
  qb_err_clear(&e);
  double t0 = omp_get_wtime();
  qb_status st = m->realize(s->ctx, &t, s->rows + r * s->rowlen, &e);
  double t1 = omp_get_wtime();
  s->in_model[omp_get_thread_num() * PAD] += t1 - t0;
  if (st != QB_OK) {
    commit(s, b, t1);
#pragma omp critical(qb_campaign_record)
    record(s, r, st, &e, NULL);
    return;
  }
  if (b->recs)
    qb_journal_encode((uint64_t)s->point, (uint64_t)r, s->rows + r * s->rowlen, s->rowlen,
                      b->recs + (size_t)b->n * qb_journal_record_size(s->rowlen));
  b->r[b->n++] = r;
  if ((size_t)b->n == b->cap || t1 - b->last_commit >= 0.5 * s->c->flush_seconds) commit(s, b, t1);
}

/* A signal asked the run to stop (qb_run_opts.stop). */
static int stop_requested(const loop_state *s) { return s->opts->stop && *s->opts->stop; }

/* Whether the next realization starts: not after a failure or a stop; with shared ranks
 * only when every rank agrees, since a rank that stopped alone would leave the others
 * waiting inside a collective factorization. */
static int go_on(loop_state *s) {
  int stop = s->abort || stop_requested(s);
#ifdef QBATH_HAVE_MPI
  if (s->shared) MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, s->world);
#endif
  return !stop;
}

/* Runs the listed realizations: one per thread, or one at a time with all threads. */
static void compute(loop_state *s, const qb_idx *pending, qb_idx npending, int mode, int nthreads) {
  const qb_model *m = s->c->model;
  if (mode == QB_PAR_OPERATOR || nthreads == 1) {
    batch b;
    batch_init(s, &b);
    int blas_before = qb_blas_threads_set(nthreads); /* all threads inside the operator */
    /* and exactly the given number in the model's OpenMP loops (the SpMV's team is the
     * runtime default otherwise: --threads 1 would still run on every core) */
    const int omp_before = omp_get_max_threads();
    omp_set_num_threads(nthreads);
    for (qb_idx i = 0; i < npending && go_on(s); i++)
      realize_one(s, m, pending[i], nthreads, &b);
    omp_set_num_threads(omp_before);
    qb_blas_threads_set(blas_before);
    commit(s, &b, omp_get_wtime());
    qb_free(b.recs);
    return;
  }
  /* One realization per thread: each BLAS call stays on its thread (blas_threads.h). */
  int blas_before = qb_blas_threads_set(1);
  /* Chunks small enough for load balance (~1000 per thread), large enough that the
   * shared loop counter is not contended for cheap realizations. */
  qb_idx chunk = npending / (1000 * (qb_idx)nthreads);
  if (chunk < 1) chunk = 1;
#pragma omp parallel num_threads(nthreads) default(none) shared(s, m, pending, npending, chunk)
  {
    batch b;
    batch_init(s, &b);
#pragma omp for schedule(dynamic, chunk)
    for (qb_idx i = 0; i < npending; i++) {
      int stop;
#pragma omp atomic read
      stop = s->abort;
      if (!stop && !stop_requested(s)) realize_one(s, m, pending[i], 1, &b);
    }
    commit(s, &b, omp_get_wtime());
    qb_free(b.recs);
  }
  qb_blas_threads_set(blas_before);
}

/* Mean and standard error of each row element over nreal rows, in realization order
 * (two passes: the mean, then the squared deviations; rows outer for cache locality,
 * which keeps each element's summation order r = 0, 1, ...). */
static void reduce(const double *rows, qb_idx nreal, qb_idx len, double *mean, double *se) {
  for (qb_idx k = 0; k < len; k++) mean[k] = se[k] = 0;
  for (qb_idx r = 0; r < nreal; r++)
    for (qb_idx k = 0; k < len; k++) mean[k] += rows[r * len + k];
  for (qb_idx k = 0; k < len; k++) mean[k] /= (double)nreal;
  for (qb_idx r = 0; r < nreal; r++)
    for (qb_idx k = 0; k < len; k++) {
      double d = rows[r * len + k] - mean[k];
      se[k] += d * d;
    }
  for (qb_idx k = 0; k < len; k++)
    se[k] = nreal > 1 ? sqrt(se[k] / ((double)nreal * (double)(nreal - 1))) : NAN;
}

/* ---- result file -------------------------------------------------------------------- */

static void iso_time(double t, char *buf, size_t n) {
  time_t tt = (time_t)t;
  struct tm tmv;
  gmtime_r(&tt, &tmv);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static qb_status write_root(qb_h5 *h, const qb_campaign *c, const char *identity, double start,
                            int nthreads, int nranks, qb_err *err) {
  char host[256] = "", ts[64];
  gethostname(host, sizeof host - 1);
  iso_time(start, ts, sizeof ts);
  QB_TRY(qb_h5_attr_str(h, "/", "format", "qbath-result-1", err));
  QB_TRY(qb_h5_attr_str(h, "/", "name", c->name, err));
  QB_TRY(qb_h5_attr_str(h, "/", "model", c->model->name, err));
  QB_TRY(qb_h5_attr_str(h, "/", "input_file", c->path, err));
  /* Datasets, not attributes: an input may exceed HDF5's 64 KiB attribute limit. */
  QB_TRY(qb_h5_write_str(h, "/input_text", c->text, err));
  QB_TRY(qb_h5_write_str(h, "/identity", identity, err));
  QB_TRY(qb_h5_attr_str(h, "/", "version", QBATH_VERSION, err));
  QB_TRY(qb_h5_attr_str(h, "/", "git_commit", QBATH_GIT_COMMIT, err));
  QB_TRY(qb_h5_attr_str(h, "/", "build_type", QBATH_BUILD_TYPE, err));
  QB_TRY(qb_h5_attr_str(h, "/", "build_flags", QBATH_C_FLAGS, err));
  QB_TRY(qb_h5_attr_str(h, "/", "compiler", QBATH_C_COMPILER, err));
  QB_TRY(qb_h5_attr_str(h, "/", "host", host, err));
  QB_TRY(qb_h5_attr_str(h, "/", "start_time", ts, err));
  QB_TRY(qb_h5_attr_int(h, "/", "seed", (long long)c->seed, err));
  QB_TRY(qb_h5_attr_int(h, "/", "realizations", (long long)c->realizations, err));
  QB_TRY(qb_h5_attr_int(h, "/", "npoints", (long long)c->npoints, err));
  QB_TRY(qb_h5_attr_int(h, "/", "threads", nthreads, err));
  QB_TRY(qb_h5_attr_int(h, "/", "mpi_ranks", nranks, err));
  char swept[4096] = "";
  size_t used = 0;
  for (int a = 0; a < c->naxes; a++)
    for (int m = 0; m < c->axes[a].nmembers && used < sizeof swept; m++) {
      const qb_key *k = c->ckeys[c->axes[a].members[m]].key;
      used += (size_t)snprintf(swept + used, sizeof swept - used, "%s%s.%s", used ? "," : "",
                               k->section, k->name);
    }
  QB_TRY(qb_h5_attr_str(h, "/", "swept_keys", swept, err));
  return qb_h5_group(h, "/points", err);
}

/* The point's parameters as attributes "section.key" (numbers as numbers). */
static qb_status write_params(qb_h5 *h, const char *g, const qb_campaign *c, qb_idx p,
                              qb_err *err) {
  const qb_params *pp = &c->params[p];
  for (int j = 0; j < pp->nkeys; j++) {
    const qb_key *k = pp->keys[j];
    if (!strcmp(k->section, "run") || !strcmp(k->section, "output")) continue;
    char name[160];
    snprintf(name, sizeof name, "%s.%s", k->section, k->name);
    const qb_value *v = pp->vals[j];
    if (k->type == QB_KEY_REAL || k->type == QB_KEY_INT) {
      QB_TRY(qb_h5_attr_real(h, g, name, &v->x, 1, err));
    } else if ((k->type == QB_KEY_REAL_LIST || k->type == QB_KEY_INT_LIST) && v->n > 0) {
      QB_TRY(qb_h5_attr_real(h, g, name, v->list, v->n, err));
    } else {
      QB_TRY(qb_h5_attr_str(h, g, name, v->text, err));
    }
  }
  QB_TRY(qb_h5_attr_str(h, g, "model.type", c->model->name, err));
  return QB_OK;
}

static qb_status write_columns(qb_h5 *h, const char *g, const char *sub, const qb_column *cols,
                               int ncols, qb_idx nrows, const double *data, qb_idx stride,
                               qb_err *err) {
  char path[512];
  qb_idx off = 0;
  for (int i = 0; i < ncols; i++) {
    snprintf(path, sizeof path, "%s/%s/%s", g, sub, cols[i].name);
    if (nrows == 0) {
      QB_TRY(qb_h5_write(h, path, 0, cols[i].len, data + off, err));
    } else {
      /* rows: gather column i of every row (contiguous per row in the row layout). */
      double *buf = qb_malloc(sizeof(double) * (size_t)(nrows * cols[i].len));
      if (buf == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory writing %s", path);
      for (qb_idx r = 0; r < nrows; r++)
        memcpy(buf + r * cols[i].len, data + r * stride + off,
               sizeof(double) * (size_t)cols[i].len);
      qb_status st = qb_h5_write(h, path, nrows, cols[i].len, buf, err);
      qb_free(buf);
      QB_TRY(st);
    }
    if (cols[i].doc && cols[i].doc[0]) QB_TRY(qb_h5_attr_str(h, path, "doc", cols[i].doc, err));
    if (cols[i].axis[0]) QB_TRY(qb_h5_attr_str(h, path, "axis", cols[i].axis, err));
    off += cols[i].len;
  }
  return QB_OK;
}

typedef struct point_out {
  const qb_layout *L;
  const double *rows, *mean, *se, *dmean, *dse, *theory;
  const unsigned char *done;
} point_out;

static qb_status write_point(qb_h5 *h, const qb_campaign *c, qb_idx p, const point_out *o,
                             qb_err *err) {
  char g[128], path[256], lab[2048];
  snprintf(g, sizeof g, "/points/p%06lld", (long long)p);
  const qb_layout *L = o->L;
  qb_idx R = c->realizations, rowlen = qb_layout_row_len(L);
  QB_TRY(qb_h5_group(h, g, err));
  QB_TRY(qb_h5_attr_int(h, g, "index", (long long)p, err));
  QB_TRY(qb_h5_attr_str(h, g, "label", qb_campaign_point_label(c, p, lab, sizeof lab), err));
  QB_TRY(write_params(h, g, c, p, err));
  for (int a = 0; a < L->naxes; a++) {
    snprintf(path, sizeof path, "%s/axes/%s", g, L->axes[a].name);
    QB_TRY(qb_h5_write(h, path, 0, L->axes[a].len, L->axes[a].values, err));
    if (L->axes[a].doc && L->axes[a].doc[0])
      QB_TRY(qb_h5_attr_str(h, path, "doc", L->axes[a].doc, err));
  }
  if (c->write_rows)
    QB_TRY(write_columns(h, g, "rows", L->cols, L->ncols, R, o->rows, rowlen, err));
  /* The done mask after the rows it vouches for (all 1 in a finished file). */
  snprintf(path, sizeof path, "%s/done", g);
  QB_TRY(qb_h5_write_u8(h, path, R, o->done, err));
  QB_TRY(qb_h5_attr_int(h, g, "n_done", (long long)R, err));
  QB_TRY(write_columns(h, g, "mean", L->cols, L->ncols, 0, o->mean, 0, err));
  QB_TRY(write_columns(h, g, "err", L->cols, L->ncols, 0, o->se, 0, err));
  QB_TRY(write_columns(h, g, "mean", L->derived, L->nderived, 0, o->dmean, 0, err));
  QB_TRY(write_columns(h, g, "err", L->derived, L->nderived, 0, o->dse, 0, err));
  QB_TRY(write_columns(h, g, "theory", L->theory, L->ntheory, 0, o->theory, 0, err));
  return QB_OK;
}

/* ---- one point ---------------------------------------------------------------------- */

static void remember_main(qb_campaign *c, qb_idx p, const qb_layout *L, const double *mean,
                          const double *se) {
  qb_idx off = 0;
  int k = 0;
  for (int i = 0; i < L->ncols; i++) {
    if (L->cols[i].main && k < QB_MAX_COLS) {
      if (p == 0) snprintf(c->main_names[k], QB_NAME_LEN, "%s", L->cols[i].name);
      c->results[p].mean[k] = mean[off];
      c->results[p].se[k] = se[off];
      k++;
    }
    off += L->cols[i].len;
  }
  if (p == 0) c->nmain = k;
  c->results[p].have = 1;
}

/* Which realizations this process computes: the undone ones with r % nranks == rank. */
static qb_idx pending_list(const unsigned char *done, qb_idx R, int rank, int nranks,
                           qb_idx *pending) {
  qb_idx n = 0;
  for (qb_idx r = 0; r < R; r++)
    if (!done[r] && r % nranks == rank) pending[n++] = r;
  return n;
}

#ifdef QBATH_HAVE_MPI
/* All ranks agree on failure, and rank 0 collects the rows the other ranks computed (each
 * rank's pending list is known to all from the shared done mask) and journals them; with
 * shared ranks it computed them all itself. */
static qb_status mpi_gather_rows(loop_state *s, const unsigned char *done, int rank, int nranks,
                                 qb_idx *pending) {
  int bad = s->status != QB_OK, anybad = 0;
  MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (anybad) {
    if (s->status == QB_OK)
      s->status = QB_FAIL(&s->err, QB_ERR_NUMERIC, "another MPI rank failed at point %lld",
                          (long long)s->point);
    return s->status;
  }
  qb_idx R = s->c->realizations;
  if (s->shared) return QB_OK;
  if (rank == 0) {
    for (int q = 1; q < nranks; q++) {
      qb_idx n = pending_list(done, R, q, nranks, pending);
      for (qb_idx i = 0; i < n; i++) {
        MPI_Recv(s->rows + pending[i] * s->rowlen, (int)s->rowlen, MPI_DOUBLE, q, 7, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        record(s, pending[i], QB_OK, NULL, NULL);
        if (s->status != QB_OK) return s->status;
      }
    }
  } else {
    qb_idx n = pending_list(done, R, rank, nranks, pending);
    for (qb_idx i = 0; i < n; i++)
      MPI_Send(s->rows + pending[i] * s->rowlen, (int)s->rowlen, MPI_DOUBLE, 0, 7, MPI_COMM_WORLD);
  }
  return QB_OK;
}
#endif

/* After the point's realizations: all ranks agree on a stop, rank 0 gathers the other
 * ranks' rows, the journal is flushed (and synced when stopping). */
static qb_status after_compute(loop_state *s, const unsigned char *done, int rank, int nranks,
                               qb_idx *pending, qb_err *err) {
  int stopped = stop_requested(s);
#ifdef QBATH_HAVE_MPI
  /* Every rank stops if one does (rank 0 would otherwise wait for rows never sent). */
  if (nranks > 1) MPI_Allreduce(MPI_IN_PLACE, &stopped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (nranks > 1 && !stopped) mpi_gather_rows(s, done, rank, nranks, pending);
#else
  (void)done, (void)rank, (void)nranks, (void)pending;
#endif
  if (s->status != QB_OK) {
    *err = s->err;
    return s->status;
  }
  if (s->journal) QB_TRY(qb_journal_flush(s->journal, stopped, err));
  if (stopped)
    return QB_FAIL(err, QB_INTERRUPTED, "interrupted at point %lld (%lld realizations in all are "
                   "finished and journaled)", (long long)s->point, (long long)s->done_all);
  if (omp_get_wtime() - s->last_progress >= s->opts->progress_seconds) report(s, 0);
  return QB_OK;
}

/* Rank 0: reduces the rows, lets the model derive and add theory, writes the point. */
static qb_status finish_point(loop_state *s, qb_h5 *h, const void *ctx, const qb_layout *L,
                              unsigned char *done, double *red, qb_err *err) {
  const qb_model *m = s->c->model;
  qb_idx R = s->c->realizations, rowlen = s->rowlen, dlen = qb_layout_derived_len(L);
  for (qb_idx r = 0; r < R; r++) done[r] = 1;
  double *mean = red, *se = red + rowlen, *dmean = se + rowlen, *dse = dmean + dlen;
  double *theory = dse + dlen;
  reduce(s->rows, R, rowlen, mean, se);
  if (m->derive && dlen > 0) QB_TRY(m->derive(ctx, s->rows, R, dmean, dse, err));
  if (m->theory && qb_layout_theory_len(L) > 0) QB_TRY(m->theory(ctx, theory, err));
  point_out o = {L, s->rows, mean, se, dmean, dse, theory, done};
  QB_TRY(write_point(h, s->c, s->point, &o, err));
  remember_main(s->c, s->point, L, mean, se);
  return QB_OK;
}

/* The model's estimate with the row length known (after point_create): a model that did
 * not estimate it is checked here, before the rows are allocated. Out of memory (exit 1,
 * journal kept): the earlier points' rows stay usable with a larger limit. */
static qb_status check_rows(const qb_campaign *c, qb_estimate *e, qb_idx rowlen, int nthreads,
                            qb_err *err) {
  e->row_values = (double)rowlen;
  if (qb_campaign_check_memory_(c, e, nthreads, err) == QB_OK) return QB_OK;
  if (err) err->code = QB_ERR_NOMEM;
  return QB_ERR_NOMEM;
}

static qb_status run_point(loop_state *s, qb_h5 *h, int nthreads, int rank, int nranks,
                           qb_err *err) {
  qb_campaign *c = s->c;
  const qb_model *m = c->model;
  const qb_params *pp = &c->params[s->point];
  qb_idx R = c->realizations;
  qb_status st = QB_OK;
  void *ctx = NULL;
  qb_layout L;
  memset(&L, 0, sizeof L);
  double *rows = NULL, *red = NULL;
  unsigned char *done = NULL;
  qb_idx *pending = NULL;
  qb_estimate e;
  memset(&e, 0, sizeof e);
  if ((st = m->estimate(pp, &e, err)) != QB_OK) goto out;
  int mode = qb_campaign_mode_(c, &e, nthreads);
  if ((st = m->point_create(pp, &ctx, &L, err)) != QB_OK) goto out;
  qb_idx rowlen = qb_layout_row_len(&L);
  if ((st = check_rows(c, &e, rowlen, nthreads, err)) != QB_OK) goto out;
  rows = qb_calloc((size_t)(R * rowlen), sizeof(double));
  done = qb_calloc((size_t)R, 1);
  pending = qb_calloc((size_t)R, sizeof(qb_idx));
  red =
      qb_calloc((size_t)(2 * rowlen + 2 * qb_layout_derived_len(&L) + qb_layout_theory_len(&L) + 1),
                sizeof(double));
  if (!rows || !done || !pending || !red) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "point %lld: out of memory for %lld rows of %lld values",
                 (long long)s->point, (long long)R, (long long)rowlen);
    goto out;
  }
  qb_idx ndone = 0;
  if (s->journal && (st = qb_journal_read_point(s->journal, (uint64_t)s->point, rowlen, R, rows,
                                                done, &ndone, err)) != QB_OK)
    goto out;
#ifdef QBATH_HAVE_MPI
  if (nranks > 1) MPI_Bcast(done, (int)R, MPI_UNSIGNED_CHAR, 0, MPI_COMM_WORLD);
#endif
  s->stats->resumed += ndone;
  s->ctx = ctx, s->rows = rows, s->rowlen = rowlen;
  s->done_point = ndone;
  s->done_all += ndone;
  /* Operator mode under mpirun with a model whose realization can use several ranks (a
   * distributed MUMPS factorization): every rank computes each realization, rank 0 keeps
   * the rows. Otherwise the ranks take turns over the realizations. */
  s->shared = nranks > 1 && mode == QB_PAR_OPERATOR && e.ranks_share;
  if (s->shared) s->stats->ranks_shared = nranks;
  qb_idx npending = s->shared ? pending_list(done, R, 0, 1, pending)
                              : pending_list(done, R, rank, nranks, pending);
  double t0 = omp_get_wtime();
  compute(s, pending, npending, mode, nthreads);
  s->stats->compute += omp_get_wtime() - t0;
  st = after_compute(s, done, rank, nranks, pending, err);
  if (st == QB_OK && rank == 0)
    st = finish_point(s, h, ctx, &L, done, red, err); /* rank 0 writes */
out:
  if (ctx) m->point_free(ctx);
  qb_free(rows);
  qb_free(done);
  qb_free(pending);
  qb_free(red);
  s->ctx = NULL, s->rows = NULL;
  return st;
}

/* ---- the run ------------------------------------------------------------------------ */

/* The files of one run on rank 0. */
typedef struct run_files {
  char jpath[4200], tmp[4200];
  char *identity;     /* identity.h */
  qb_outlock *lock;
  qb_journal *j;
  qb_h5 *h;
} run_files;

/* A resume that finds a result file and no journal: complete if the file was made from
 * the same input and input files (another build may have made it). */
static qb_status check_complete(const qb_campaign *c, const char *identity, qb_err *err) {
  qb_h5 *h = NULL;
  char *stored = NULL, why[1024] = "";
  if (qb_h5_open(c->output, &h, NULL) != QB_OK)
    return qb_param_fail(&c->params[0], err, "output", "file", "%s exists but is not an HDF5 "
                         "result file; remove it or choose another output", c->output);
  qb_status st = qb_h5_read_str(h, "/identity", &stored, NULL);
  qb_h5_close(h);
  if (st != QB_OK)
    return qb_param_fail(&c->params[0], err, "output", "file", "%s is not a qbath result file of "
                         "this version; remove it or choose another output", c->output);
  if (strcmp(qb_identity_inputs(stored), qb_identity_inputs(identity)))
    qb_identity_explain(qb_identity_inputs(stored), qb_identity_inputs(identity), why, sizeof why);
  qb_free(stored);
  if (why[0])
    return QB_FAIL(err, QB_ERR_INPUT, "%s: this finished result file was made from another "
                   "input (%s differs); refusing to resume", c->output, why);
  return QB_OK;
}

/* Opens or creates the journal as resume/overwrite say. *complete is set when a resume
 * finds a finished result file of the same input and no journal. */
static qb_status open_journal(qb_campaign *c, run_files *f, int resume, int *complete,
                              qb_err *err) {
  *complete = 0;
  if (resume && file_exists(f->jpath)) return qb_journal_open(f->jpath, f->identity, &f->j, err);
  if (resume && file_exists(c->output)) {
    QB_TRY(check_complete(c, f->identity, err));
    *complete = 1;
    return QB_OK;
  }
  if (!resume && !c->overwrite && (file_exists(c->output) || file_exists(f->jpath)))
    return QB_FAIL(err, QB_ERR_INPUT, "%s: %s exists; use --resume to continue it, or set "
                   "[output] overwrite = true", c->path,
                   file_exists(f->jpath) ? f->jpath : c->output);
  return qb_journal_create(f->jpath, f->identity, &f->j, err);
}

/* Rank 0, before any computation: the path checked, the lock taken (before anything is
 * opened for writing), the journal opened or created, FILE.tmp started. */
static qb_status open_output(qb_campaign *c, run_files *f, int resume, int nthreads, int nranks,
                             int *complete, qb_err *err) {
  QB_TRY(qb_output_check(c, err));
  QB_TRY(qb_output_make_dirs(c, err));
  QB_TRY(qb_output_lock(c, &f->lock, err));
  QB_TRY(qb_identity_create(c, &f->identity, err));
  QB_TRY(open_journal(c, f, resume, complete, err));
  if (*complete) return QB_OK;
  QB_TRY(qb_h5_create(f->tmp, &f->h, err));
  return write_root(f->h, c, f->identity, qb_journal_start_time(f->j), nthreads, nranks, err);
}

/* Releases the run's files. After a failure the journal stays for --resume, unless it
 * holds no row or the failure was the input's (a corrected input is a new run, which
 * the old journal would only block). */
static void close_output(run_files *f, qb_status st) {
  int discard = st != QB_OK && f->j && (st == QB_ERR_INPUT || qb_journal_nrecords(f->j) == 0);
  qb_journal_close(f->j);
  if (discard) unlink(f->jpath);
  if (f->h) {
    qb_h5_close(f->h);
    unlink(f->tmp); /* an incomplete result file is never left behind */
  }
  qb_output_unlock(f->lock);
  qb_free(f->identity);
}

static qb_status finish_file(qb_h5 **h, const char *tmp, const char *out, qb_err *err) {
  char ts[64];
  iso_time((double)time(NULL), ts, sizeof ts);
  QB_TRY(qb_h5_attr_str(*h, "/", "end_time", ts, err));
  QB_TRY(qb_h5_flush(*h, err));
  *h = qb_h5_close(*h);
  /* Atomic replace: the result file is either the previous one or the complete new one. */
  if (rename(tmp, out) != 0)
    return QB_FAIL(err, QB_ERR_IO, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
  return QB_OK;
}

qb_status qb_campaign_run(qb_campaign *c, const qb_run_opts *opts, qb_run_stats *stats,
                          qb_err *err) {
  qb_run_stats local;
  if (stats == NULL) stats = &local;
  memset(stats, 0, sizeof *stats);
  int rank = 0, nranks = 1;
#ifdef QBATH_HAVE_MPI
  int inited = 0;
  MPI_Initialized(&inited);
  if (inited) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
  }
#endif
  int nthreads = opts->nthreads > 0 ? opts->nthreads
                 : c->threads > 0   ? c->threads
                                    : omp_get_max_threads();
  stats->nthreads = nthreads;
  QB_TRY(qb_campaign_plan(c, nthreads, NULL, err));
  double t_run = omp_get_wtime();
  run_files f;
  memset(&f, 0, sizeof f);
  snprintf(f.jpath, sizeof f.jpath, "%s.journal", c->output);
  snprintf(f.tmp, sizeof f.tmp, "%s.tmp", c->output);
  double *in_model = qb_calloc((size_t)nthreads * PAD, sizeof(double));
  qb_status st = QB_OK;
  qb_free(c->results);
  c->results = qb_calloc((size_t)c->npoints, sizeof(qb_point_result));
  if (!in_model || !c->results) {
    st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
    goto out;
  }
  if (rank == 0)
    st = open_output(c, &f, opts->resume, nthreads, nranks, &stats->already_complete, err);
#ifdef QBATH_HAVE_MPI
  if (nranks > 1) {
    int flags[2] = {st != QB_OK, stats->already_complete};
    MPI_Bcast(flags, 2, MPI_INT, 0, MPI_COMM_WORLD);
    if (flags[0] && st == QB_OK) st = QB_FAIL(err, QB_ERR_IO, "rank 0 could not open the output");
    stats->already_complete = flags[1];
  }
#endif
  if (st != QB_OK || stats->already_complete) goto out;
  loop_state s = {.c = c, .opts = opts, .journal = f.j, .total_all = c->npoints * c->realizations,
                  .t_start = omp_get_wtime(), .in_model = in_model, .stats = stats};
#ifdef QBATH_HAVE_MPI
  s.world = MPI_COMM_WORLD;
#endif
  s.last_flush = s.last_sync = s.last_progress = s.t_start;
  for (qb_idx p = 0; p < c->npoints && st == QB_OK; p++) {
    s.point = p;
    st = run_point(&s, f.h, nthreads, rank, nranks, err);
  }
  stats->computed = s.computed;
  if (st == QB_OK) report(&s, 1);
  if (st == QB_OK && f.j) st = qb_journal_flush(f.j, 0, err);
  if (st == QB_OK && rank == 0) st = finish_file(&f.h, f.tmp, c->output, err);
  if (st == QB_OK && rank == 0 && !c->keep_journal) {
    f.j = qb_journal_close(f.j);
    unlink(f.jpath);
  }
out:
  for (int t = 0; in_model && t < nthreads; t++) stats->in_model += in_model[t * PAD];
  close_output(&f, st);
  qb_free(in_model);
  stats->wall = omp_get_wtime() - t_run;
  return st;
}

int qb_campaign_main_columns(const qb_campaign *c, const char **names, int max) {
  int n = c->nmain < max ? c->nmain : max;
  for (int i = 0; i < n; i++) names[i] = c->main_names[i];
  return n;
}

int qb_campaign_result(const qb_campaign *c, qb_idx p, const char *col, double *mean, double *se) {
  *mean = *se = NAN;
  if (c->results == NULL || p < 0 || p >= c->npoints || !c->results[p].have) return 0;
  for (int i = 0; i < c->nmain; i++)
    if (!strcmp(c->main_names[i], col)) {
      *mean = c->results[p].mean[i];
      *se = c->results[p].se[i];
      return 1;
    }
  return 0;
}
