/* cmd_campaign.c — `qbath run`, `qbath validate`, `qbath help keys`: the campaign
 * runner's commands. Exit status: 0 success, 1 failure of the computation, 2 bad usage
 * or bad input (nothing is written then). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef QBATH_HAVE_MPI
#include <mpi.h>
#endif

#include "app_extra.h"
#include "cmd.h"
#include "qbath/campaign.h"
#include "run_guard.h"

/* Live progress line interval on a terminal (seconds); a human-facing refresh rate. */
#define QB_TTY_REFRESH 0.2

enum { MAX_SETS = 256 };

typedef struct cli {
  int dry_run, resume, quiet, threads, yes;
  int nsets;
  char *sets[MAX_SETS];
  const char *file;
} cli;

static int usage_run(FILE *f) {
  fprintf(f, "usage: qbath run [--dry-run] [--resume] [--quiet] [--yes] [--threads T]\n"
             "                 [--set section.key=value]... FILE\n"
             "       qbath validate [--set section.key=value]... FILE\n"
             "       qbath help keys [--markdown] [MODEL]\n");
  return 2;
}

/* Parses options; returns 0 on success, 2 on bad usage, 1 for --help. */
static int parse_cli(int argc, char **argv, cli *o, int allow_run_opts) {
  memset(o, 0, sizeof *o);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
    if (allow_run_opts && !strcmp(a, "--dry-run")) o->dry_run = 1;
    else if (allow_run_opts && !strcmp(a, "--resume")) o->resume = 1;
    else if (allow_run_opts && !strcmp(a, "--quiet")) o->quiet = 1;
    else if (allow_run_opts && !strcmp(a, "--yes")) o->yes = 1;
    else if (allow_run_opts && !strcmp(a, "--threads") && i + 1 < argc) {
      char *end;
      long t = strtol(argv[++i], &end, 10);
      if (*end || t < 1 || t > 4096) {
        fprintf(stderr, "qbath: --threads '%s': expected an integer in [1, 4096]\n", argv[i]);
        return 2;
      }
      o->threads = (int)t;
    } else if (!strcmp(a, "--set") && i + 1 < argc) {
      if (o->nsets == MAX_SETS) {
        fprintf(stderr, "qbath: too many --set options (at most %d)\n", MAX_SETS);
        return 2;
      }
      o->sets[o->nsets++] = argv[++i];
    } else if (!strncmp(a, "--set=", 6) && o->nsets < MAX_SETS) {
      o->sets[o->nsets++] = (char *)a + 6;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "qbath: unknown option '%s'\n", a);
      return 2;
    } else if (o->file) {
      fprintf(stderr, "qbath: more than one input file ('%s', '%s')\n", o->file, a);
      return 2;
    } else {
      o->file = a;
    }
  }
  if (o->file == NULL) {
    fprintf(stderr, "qbath: no input file given\n");
    return 2;
  }
  return 0;
}

static int exit_status(qb_status st) {
  /* Bad input and an unreadable input file are the user's to fix: 2. */
  return st == QB_OK ? 0 : (st == QB_ERR_INPUT || st == QB_ERR_IO) ? 2 : 1;
}

static void fmt_time(double s, char *buf, size_t n) {
  if (s < 0 || !isfinite(s)) snprintf(buf, n, "?");
  else if (s < 100) snprintf(buf, n, "%.0fs", s);
  else if (s < 6000) snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  else snprintf(buf, n, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
}

typedef struct progress_user {
  int tty;
} progress_user;

static void progress(void *user, const qb_progress *p) {
  const progress_user *u = user;
  char eta[32], el[32];
  fmt_time(p->eta, eta, sizeof eta);
  fmt_time(p->elapsed, el, sizeof el);
  fprintf(stderr, "%spoint %lld/%lld  %lld/%lld realizations  total %lld/%lld  %.3g/s  "
          "elapsed %s  ETA %s%s", u->tty ? "\r\033[K" : "", (long long)p->point + 1,
          (long long)p->npoints, (long long)p->done, (long long)p->total,
          (long long)p->done_all, (long long)p->total_all, p->rate, el, eta,
          u->tty && !p->final ? "" : "\n");
  fflush(stderr);
}

static void print_table(const qb_campaign *c) {
  const char *names[QB_MAX_COLS];
  int n = qb_campaign_main_columns(c, names, QB_MAX_COLS);
  char lab[1024];
  printf("%6s  %-40s", "point", "swept values");
  for (int i = 0; i < n; i++) printf("  %28s", names[i]);
  printf("\n");
  for (qb_idx p = 0; p < qb_campaign_npoints(c); p++) {
    printf("%6lld  %-40s", (long long)p, qb_campaign_point_label(c, p, lab, sizeof lab));
    for (int i = 0; i < n; i++) {
      double m, e;
      qb_campaign_result(c, p, names[i], &m, &e);
      printf("  %14.8g ± %-11.3g", m, e);
    }
    printf("\n");
  }
}

/* This process's MPI rank, and the number of ranks in *size (0 and 1 without MPI). */
static int mpi_rank(int *size) {
  int rank = 0;
  *size = 1;
#ifdef QBATH_HAVE_MPI
  int inited = 0;
  MPI_Initialized(&inited);
  if (inited) MPI_Comm_rank(MPI_COMM_WORLD, &rank), MPI_Comm_size(MPI_COMM_WORLD, size);
#endif
  return rank;
}

static int do_run(int argc, char **argv) {
  cli o;
  int u = parse_cli(argc, argv, &o, 1);
  if (u == 1) return usage_run(stdout), 0;
  if (u) return usage_run(stderr);
  int nranks = 1, rank = mpi_rank(&nranks);
  qb_err err;
  qb_err_clear(&err);
  qb_campaign *c = NULL;
  qb_status st = qb_campaign_load_with(o.file, o.nsets, o.sets, qb_app_models, &c, &err);
  if (st == QB_OK && o.dry_run)
    st = qb_campaign_plan(c, o.threads, rank == 0 ? stdout : NULL, &err);
  if (st != QB_OK || o.dry_run) {
    if (st != QB_OK && rank == 0) fprintf(stderr, "qbath: %s\n", err.msg);
    qb_campaign_free(c);
    return exit_status(st);
  }
  int go = rank == 0 ? qb_run_guard_confirm(c, o.threads, o.yes || nranks > 1) : 0;
#ifdef QBATH_HAVE_MPI
  if (nranks > 1) MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
  if (go != 0) {
    qb_campaign_free(c);
    return go;
  }
  progress_user pu = {.tty = isatty(2)};
  qb_run_opts ro = {.resume = o.resume, .nthreads = o.threads, .user = &pu,
                    .stop = qb_run_guard_catch_signals(),
                    .progress = (o.quiet || rank != 0) ? NULL : progress,
                    .progress_seconds = pu.tty ? QB_TTY_REFRESH
                                               : qb_param_real(qb_campaign_point(c, 0), "run",
                                                               "progress_seconds")};
  qb_run_stats stats;
  st = qb_campaign_run(c, &ro, &stats, &err);
  if (rank == 0) {
    if (st != QB_OK) {
      qb_run_guard_report_failure(c, st, &err, o.nsets, o.sets, o.file);
    } else if (stats.already_complete) {
      if (!o.quiet) fprintf(stderr, "qbath: %s is already complete\n", qb_campaign_output(c));
    } else {
      char shared[64] = "";
      if (stats.ranks_shared > 1)
        snprintf(shared, sizeof shared, ", each realization on %d MPI ranks", stats.ranks_shared);
      if (!o.quiet)
        fprintf(stderr, "qbath: wrote %s (%lld realizations computed, %lld from the journal, "
                "%.3g s, %d threads%s)\n", qb_campaign_output(c), (long long)stats.computed,
                (long long)stats.resumed, stats.wall, stats.nthreads, shared);
      print_table(c);
    }
  }
  qb_campaign_free(c);
  return qb_run_guard_exit_status(st);
}

int qb_cmd_run(int argc, char **argv) {
#ifdef QBATH_HAVE_MPI
  /* MUMPS's MPI calls come from whichever OpenMP thread factorizes, one at a time (the
   * backend's lock): serialized calls from any thread */
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  int rc = do_run(argc, argv);
  MPI_Finalize();
  return rc;
#else
  return do_run(argc, argv);
#endif
}

int qb_cmd_validate(int argc, char **argv) {
  cli o;
  int u = parse_cli(argc, argv, &o, 0);
  if (u == 1) return usage_run(stdout), 0;
  if (u) return usage_run(stderr);
  qb_err err;
  qb_err_clear(&err);
  qb_campaign *c = NULL;
  qb_status st = qb_campaign_load_with(o.file, o.nsets, o.sets, qb_app_models, &c, &err);
  if (st == QB_OK) st = qb_campaign_plan(c, 0, stdout, &err);
  if (st != QB_OK) fprintf(stderr, "qbath: %s\n", err.msg);
  else printf("%s: valid\n", o.file);
  qb_campaign_free(c);
  return exit_status(st);
}

static void print_model_keys(const qb_model *m, int markdown) {
  if (markdown) printf("\n### Model `%s`\n\n%s.\n", m->name, m->doc);
  else printf("\nmodel %s — %s\n", m->name, m->doc);
  for (const qb_key *const *t = m->keys; t && *t; t++) qb_param_keys_print(stdout, *t, markdown);
}

int qb_cmd_help(int argc, char **argv) {
  int markdown = 0;
  const char *model = NULL;
  int i = 1;
  if (argc < 2 || strcmp(argv[1], "keys")) {
    fprintf(stderr, "usage: qbath help keys [--markdown] [MODEL]\n");
    return 2;
  }
  for (i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--markdown")) markdown = 1;
    else model = argv[i];
  }
  const qb_model *m = model ? qb_campaign_model_find(qb_app_models, model) : NULL, *r;
  if (model && m == NULL) {
    fprintf(stderr, "qbath: unknown model '%s'; models:", model);
    for (int k = 0; (r = qb_campaign_model_at(qb_app_models, k)); k++)
      fprintf(stderr, " %s", r->name);
    fprintf(stderr, "\n");
    return 2;
  }
  if (markdown) printf("### Runner keys (every model)\n");
  else printf("runner keys (every model)\n");
  qb_param_keys_print(stdout, qb_campaign_keys, markdown);
  if (markdown) printf("\n### [model] type\n\nOne of:");
  else printf("\n[model]\n  %-16s %-11s required: one of", "type", "choice");
  for (int k = 0; (r = qb_campaign_model_at(qb_app_models, k)); k++) printf(" %s", r->name);
  printf("\n");
  if (m) print_model_keys(m, markdown);
  for (int k = 0; !m && (r = qb_campaign_model_at(qb_app_models, k)); k++)
    print_model_keys(r, markdown);
  return 0;
}
