/* plan.c — dry run: the expanded sweep, size estimates, execution mode, memory check. */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "campaign_internal.h"
#include "journal.h"

/* Physical memory in bytes (0 when unknown). */
static double physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}

/* The limit in bytes: [run] memory_limit GiB, or 80% of physical memory. */
static double memory_limit_bytes(const qb_campaign *c) {
  if (c->memory_limit > 0) return c->memory_limit * 1073741824.0;
  double phys = physical_memory();
  return phys > 0 ? 0.8 * phys : INFINITY;
}

/* Mode for one point: operator-parallel when a realization is expensive or when one per
 * thread would not fit in memory; [run] parallel overrides. */
static int choose_mode(const qb_campaign *c, const qb_estimate *e, int nthreads) {
  if (c->parallel != QB_PAR_AUTO) return c->parallel;
  if (nthreads <= 1) return QB_PAR_REALIZATIONS;
  if (e->flops > c->operator_flops) return QB_PAR_OPERATOR;
  if (e->ctx_bytes + e->bytes * nthreads > memory_limit_bytes(c)) return QB_PAR_OPERATOR;
  return QB_PAR_REALIZATIONS;
}

int qb_campaign_mode_(const qb_campaign *c, const qb_estimate *e, int nthreads) {
  return choose_mode(c, e, nthreads);
}

/* Address space left under ulimit -v (RLIMIT_AS): the limit less what this process
 * already maps (libraries, thread stacks, BLAS buffers); INFINITY when unlimited. */
static double address_space_left(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return INFINITY;
  long pages = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld", &pages) != 1) pages = 0;
    fclose(f);
  }
  return (double)rl.rlim_cur - (double)pages * (double)sysconf(_SC_PAGE_SIZE);
}

/* Resident bytes the process holds before any work (the executable, OpenBLAS, HDF5 and
 * the other shared libraries: about 15 MiB for the CLI), read from /proc/self/statm;
 * 0 where that file is absent. A peak measured as resident set size includes them. */
static double process_base_bytes(void) {
  long size = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL) return 0;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
  fclose(f);
  return (double)resident * (double)sysconf(_SC_PAGE_SIZE);
}

/* Peak bytes of a point: the process base, the shared ctx, and the larger of the point's
 * two phases. Throughout: every realization's row, the done mask and pending list, the
 * journal's index of all records (read on resume). While realizations run: those running
 * at once, each thread's batch of journal records and the journal's write buffer (each at
 * least one record, however long the row). While the point is written: the mean and
 * standard error of every row value and, when rows are written, a column of all rows
 * gathered for HDF5 (at most all of them; measured with 2 x 10^5 test-model rows of 32 values,
 * 51 MB of rows: peak 104 MB above the process's own). */
static double point_bytes(const qb_campaign *c, const qb_estimate *e, int nthreads) {
  /* realizations run at once: never more than there are */
  double conc =
      choose_mode(c, e, nthreads) == QB_PAR_OPERATOR ? 1 : fmin(nthreads, (double)c->realizations);
  double R = (double)c->realizations, rv = e->row_values > 0 ? e->row_values : 1;
  double row = rv * sizeof(double), rows = R * row;
  double kept = rows + R * (1 + sizeof(qb_idx)) + (double)c->npoints * R * QB_JOURNAL_INDEX_BYTES;
  double rec = (double)qb_journal_record_size((qb_idx)rv);
  double running = conc * e->bytes + (double)nthreads * fmax(QB_BATCH_BYTES, rec) +
                   fmax(QB_JOURNAL_FLUSH_BYTES, rec);
  double writing = 2 * row + (c->write_rows ? rows : 0);
  return process_base_bytes() + e->ctx_bytes + kept + fmax(running, writing);
}

static void human_bytes(double b, char *buf, size_t n) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (b >= 1024 && i < 4) b /= 1024, i++;
  snprintf(buf, n, "%.3g %s", b, u[i]);
}

/* QB_ERR_INPUT when peak bytes exceed the memory limit or the address space left. */
static qb_status check_peak(const qb_campaign *c, double peak, qb_err *err) {
  double limit = memory_limit_bytes(c), as = address_space_left();
  char b1[64], b2[64];
  human_bytes(peak, b1, sizeof b1);
  if (peak > limit) {
    human_bytes(limit, b2, sizeof b2);
    return QB_FAIL(err, QB_ERR_INPUT, "%s: the run needs an estimated %s of memory (model, and "
                   "%lld realizations' rows and journal), more than the limit %s ([run] "
                   "memory_limit); use fewer threads, realizations or a smaller size", c->path, b1,
                   (long long)c->realizations, b2);
  }
  if (peak > as) {
    human_bytes(as > 0 ? as : 0, b2, sizeof b2);
    return QB_FAIL(err, QB_ERR_INPUT, "%s: the run needs an estimated %s of memory, more than "
                   "the %s of address space left under the limit `ulimit -v`; raise the limit or "
                   "shrink the run", c->path, b1, b2);
  }
  return QB_OK;
}

qb_status qb_campaign_check_memory_(const qb_campaign *c, const qb_estimate *e, int nthreads,
                                    qb_err *err) {
  return check_peak(c, point_bytes(c, e, nthreads), err);
}


static void human_time(double s, char *buf, size_t n) {
  if (s < 120) snprintf(buf, n, "%.3g s", s);
  else if (s < 7200) snprintf(buf, n, "%.3g min", s / 60);
  else snprintf(buf, n, "%.3g h", s / 3600);
}

/* One line of the plan table (the first 20 and last 5 points of long sweeps). */
static void print_point(FILE *f, const qb_campaign *c, qb_idx p, int mode, double bytes,
                        double t_task, double t_point) {
  char b1[64], b2[64], b3[64], lab[1024];
  if (c->npoints <= 50 || p < 20 || p >= c->npoints - 5) {
    human_bytes(bytes, b1, sizeof b1);
    human_time(t_task, b2, sizeof b2);
    human_time(t_point, b3, sizeof b3);
    fprintf(f, "%6lld  %-40s %-11s %12s %12s %12s\n", (long long)p,
            qb_campaign_point_label(c, p, lab, sizeof lab),
            mode == QB_PAR_OPERATOR ? "operator" : "realizations", b1, b2, b3);
  } else if (p == 20) {
    fprintf(f, "   ... (%lld more points)\n", (long long)(c->npoints - 25));
  }
}

/* Estimates every point (printing its line to f when non-NULL): peak bytes, total flops. */
static qb_status plan_points(const qb_campaign *c, int nthreads, FILE *f, double *peak,
                             double *total_flops, qb_err *err) {
  *peak = *total_flops = 0;
  for (qb_idx p = 0; p < c->npoints; p++) {
    qb_estimate e;
    memset(&e, 0, sizeof e);
    QB_TRY(c->model->estimate(&c->params[p], &e, err));
    int mode = choose_mode(c, &e, nthreads);
    double mem = point_bytes(c, &e, nthreads);
    if (mem > *peak) *peak = mem;
    double t_task = e.flops / c->flops_rate / (mode == QB_PAR_OPERATOR ? nthreads : 1);
    double t_point = t_task * (double)c->realizations / (mode == QB_PAR_OPERATOR ? 1 : nthreads);
    *total_flops += e.flops * (double)c->realizations;
    if (f) print_point(f, c, p, mode, e.bytes, t_task, t_point);
  }
  return QB_OK;
}

static int threads_of(const qb_campaign *c, int nthreads) {
  return nthreads > 0 ? nthreads : c->threads > 0 ? c->threads : omp_get_max_threads();
}

qb_status qb_campaign_estimate(const qb_campaign *c, int nthreads, double *bytes,
                               double *seconds, qb_err *err) {
  nthreads = threads_of(c, nthreads);
  double flops = 0;
  QB_TRY(plan_points(c, nthreads, NULL, bytes, &flops, err));
  *seconds = flops / c->flops_rate / nthreads;
  return QB_OK;
}

qb_status qb_campaign_plan(const qb_campaign *c, int nthreads, FILE *f, qb_err *err) {
  nthreads = threads_of(c, nthreads);
  double peak = 0, total_flops = 0;
  char b1[64], b2[64], b3[64];
  if (f) {
    fprintf(f, "run '%s': model %s, %lld point%s x %lld realizations, seed %llu, %d thread%s\n",
            c->name, c->model->name, (long long)c->npoints, c->npoints == 1 ? "" : "s",
            (long long)c->realizations, (unsigned long long)c->seed, nthreads,
            nthreads == 1 ? "" : "s");
    fprintf(f, "output: %s\n", c->output);
    fprintf(f, "%6s  %-40s %-11s %12s %12s %12s\n", "point", "swept values", "mode",
            "mem/task", "time/task", "point time");
  }
  QB_TRY(plan_points(c, nthreads, f, &peak, &total_flops, err));
  if (f) {
    human_bytes(peak, b1, sizeof b1);
    human_time(total_flops / c->flops_rate / nthreads, b2, sizeof b2);
    human_bytes(memory_limit_bytes(c), b3, sizeof b3);
    fprintf(f, "total: %lld tasks, peak memory %s (limit %s), estimated time %s on %d threads "
            "(at [run] flops_rate = %.3g flop/s per thread)\n",
            (long long)(c->npoints * c->realizations), b1, b3, b2, nthreads, c->flops_rate);
  }
  return check_peak(c, peak, err);
}
