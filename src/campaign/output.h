/* output.h — the output location before a run touches it (private to the runner):
 * path checks, parent directories, and the single-writer lock.
 *
 * Why a lock: a second run on the same output (fresh, or --resume while the first is
 * still going) would truncate FILE.tmp and the live journal under the first run, which
 * then writes a file of zeros and exits 0. The lock is flock(2) on FILE.lock, taken
 * before anything is opened for writing and held until the run ends; the kernel drops
 * it when the process dies (kill -9 included), so a stale FILE.lock never blocks. The
 * file holds the holder's pid, host and start time, for the refusal message. */
#ifndef QBATH_CAMPAIGN_OUTPUT_H
#define QBATH_CAMPAIGN_OUTPUT_H

#include "campaign_internal.h"

typedef struct qb_outlock qb_outlock;

/* Checks, without changing anything, that the output can be written: it is not a
 * directory or another non-regular file, no leading component is a file, and the
 * nearest existing directory is writable. QB_ERR_INPUT naming [output] file. */
qb_status qb_output_check(const qb_campaign *c, qb_err *err);
/* Creates the directories leading to the output (mkdir -p of its parent). */
qb_status qb_output_make_dirs(const qb_campaign *c, qb_err *err);
/* Takes the lock on c's output: QB_ERR_INPUT naming the holder (pid, host, start) when
 * another process holds it. */
qb_status qb_output_lock(const qb_campaign *c, qb_outlock **out, qb_err *err);
/* Removes the lock file and releases the lock; NULL-safe; returns NULL. */
qb_outlock *qb_output_unlock(qb_outlock *l);

#endif
