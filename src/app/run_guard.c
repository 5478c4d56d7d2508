/* run_guard.c — estimate, confirmation, signals and resume hints of `qbath run`
 * (see run_guard.h). */
#include "run_guard.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Runs estimated longer than this ask for confirmation in a terminal: half a day is
 * where a mistyped size costs a night of a workstation. */
#define QB_CONFIRM_HOURS 12.0

/* The signal that asked for a stop (0: none). Process-wide by nature: a signal handler
 * can reach nothing else; only this file and the runner's stop check read it. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

volatile sig_atomic_t *qb_run_guard_catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills at once */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  return &stop_signal;
}

static void human(double b, double s, char *buf, size_t n) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (b >= 1024 && i < 4) b /= 1024, i++;
  if (s < 120) snprintf(buf, n, "peak memory %.3g %s, about %.3g s", b, u[i], s);
  else if (s < 7200) snprintf(buf, n, "peak memory %.3g %s, about %.3g min", b, u[i], s / 60);
  else snprintf(buf, n, "peak memory %.3g %s, about %.3g h", b, u[i], s / 3600);
}

int qb_run_guard_confirm(const qb_campaign *c, int nthreads, int yes) {
  double bytes = 0, seconds = 0;
  qb_err err;
  if (qb_campaign_estimate(c, nthreads, &bytes, &seconds, &err) != QB_OK) {
    fprintf(stderr, "qbath: %s\n", err.msg);
    return 2;
  }
  char est[160];
  human(bytes, seconds, est, sizeof est);
  fprintf(stderr,
          "qbath: estimate: %lld point%s x %lld realizations, %s (qbath run --dry-run "
          "for details)\n",
          (long long)qb_campaign_npoints(c), qb_campaign_npoints(c) == 1 ? "" : "s",
          (long long)qb_campaign_realizations(c), est);
  if (yes || seconds <= QB_CONFIRM_HOURS * 3600 || !isatty(0) || !isatty(2)) return 0;
  fprintf(stderr, "qbath: this run is estimated to take more than %.0f h. Start it? [y/N] ",
          QB_CONFIRM_HOURS);
  char line[64] = "";
  if (fgets(line, sizeof line, stdin) && (line[0] == 'y' || line[0] == 'Y')) return 0;
  fprintf(stderr, "qbath: not started (--yes starts without asking)\n");
  return 1;
}

void qb_run_guard_report_failure(const qb_campaign *c, qb_status st, const qb_err *err, int nsets,
                           char *const *sets, const char *file) {
  if (st == QB_INTERRUPTED)
    fprintf(stderr, "\nqbath: %s: %s\n", strsignal(stop_signal ? stop_signal : SIGINT), err->msg);
  else
    fprintf(stderr, "qbath: %s\n", err->msg);
  char j[4200];
  snprintf(j, sizeof j, "%s.journal", qb_campaign_output(c));
  if (st == QB_ERR_INPUT || access(j, F_OK) != 0) return;
  fprintf(stderr,
          "qbath: the finished realizations are kept in %s; %scontinue with:\n  qbath run "
          "--resume",
          j, st == QB_INTERRUPTED ? "" : "once the cause is fixed (e.g. disk space freed), ");
  for (int i = 0; i < nsets; i++) fprintf(stderr, " --set '%s'", sets[i]);
  fprintf(stderr, " %s\n", file);
}

int qb_run_guard_exit_status(qb_status st) {
  if (st == QB_INTERRUPTED) return 128 + (stop_signal ? stop_signal : SIGINT);
  return st == QB_OK ? 0 : st == QB_ERR_INPUT ? 2 : 1;
}
