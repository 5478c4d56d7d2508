/* run_guard.h — what `qbath run` does around the campaign: the estimate printed at the
 * start (and a confirmation for very long runs in a terminal), SIGINT/SIGTERM turned
 * into a clean stop, and the message after a failure that says how to resume. */
#ifndef QBATH_APP_RUN_GUARD_H
#define QBATH_APP_RUN_GUARD_H

#include "qbath/campaign.h"

/* Installs SIGINT/SIGTERM handlers that set the returned flag (for qb_run_opts.stop);
 * a second signal of the same kind ends the process at once (the default action). */
volatile sig_atomic_t *qb_run_guard_catch_signals(void);
/* Prints the time and memory estimate to stderr. When it exceeds QB_CONFIRM_HOURS and
 * stdin and stderr are terminals, asks whether to start (unless yes). Returns 0 to
 * start, else the exit status (1 declined, 2 bad input with the message printed). */
int qb_run_guard_confirm(const qb_campaign *c, int nthreads, int yes);
/* After a failed or interrupted run: the message, and how to continue when the journal
 * was kept (the same --set options and file). */
void qb_run_guard_report_failure(const qb_campaign *c, qb_status st, const qb_err *err, int nsets,
                           char *const *sets, const char *file);
/* Exit status of a finished run: 0, 2 (input), 128 + signal (interrupted), else 1. */
int qb_run_guard_exit_status(qb_status st);

#endif
