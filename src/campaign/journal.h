/* journal.h — the append-only journal of finished realizations (private to the runner).
 *
 * Why a journal and not rows appended to the HDF5 file: HDF5 1.10 keeps metadata in
 * caches and B-trees that a kill -9 in the middle of H5Dwrite/H5Dset_extent can leave
 * inconsistent, and then the whole file is unreadable. The journal is a flat file of
 * self-checking records: [magic | point | realization | nvals | FNV-1a checksum | row].
 * Records are only ever appended with write(2) (data handed to the kernel survives the
 * death of the process; fdatasync every [output] sync_seconds also survives power loss),
 * and a record counts as done only if it is complete and its checksum matches. On
 * resume the journal is scanned, the first bad or incomplete record and everything after
 * it is cut off (a half-written row is never read back), and the rows found are taken
 * as done. The HDF5 file is built from rows in memory into FILE.tmp and renamed over
 * FILE only when complete, so the result file is either absent or whole. */
#ifndef QBATH_CAMPAIGN_JOURNAL_H
#define QBATH_CAMPAIGN_JOURNAL_H

#include <stdint.h>

#include "qbath/err.h"
#include "qbath/types.h"

typedef struct qb_journal qb_journal;

/* Creates path (replacing it) with a header holding the run's identity (identity.h:
 * input text, input file hashes, build) and start time. */
qb_status qb_journal_create(const char *path, const char *identity, qb_journal **out, qb_err *err);
/* Opens an existing journal for appending: the header's identity must equal identity
 * (QB_ERR_INPUT otherwise, saying what differs; also for a file that is not a journal);
 * valid records are indexed, a torn tail is truncated. */
qb_status qb_journal_open(const char *path, const char *identity, qb_journal **out, qb_err *err);
/* Start time recorded by the run that created the journal (seconds since the epoch). */
double qb_journal_start_time(const qb_journal *j);
/* Buffers one record (not yet written). */
qb_status qb_journal_append(qb_journal *j, uint64_t point, uint64_t realization,
                            const double *row, qb_idx nvals, qb_err *err);
/* Bytes of one encoded record of nvals values. */
size_t qb_journal_record_size(qb_idx nvals);
/* Encodes one record into dst (qb_journal_record_size(nvals) bytes): threads encode
 * (and checksum) their records outside any lock. */
void qb_journal_encode(uint64_t point, uint64_t realization, const double *row, qb_idx nvals,
                       void *dst);
/* Buffers already encoded records (n bytes). */
qb_status qb_journal_append_encoded(qb_journal *j, const void *rec, size_t n, qb_err *err);
/* Bytes buffered and not yet written. */
size_t qb_journal_pending(const qb_journal *j);
/* Detaches the buffered records (*buf, *n; the caller owns *buf) so that the write can
 * happen outside the lock that protects appending; the journal starts a new buffer. */
void qb_journal_take(qb_journal *j, void **buf, size_t *n);
/* Writes detached records (callers serialize these calls) and frees buf; with sync
 * also fdatasync. */
qb_status qb_journal_write(qb_journal *j, void *buf, size_t n, int sync, qb_err *err);
/* Writes buffered records; with sync also fdatasync. */
qb_status qb_journal_flush(qb_journal *j, int sync, qb_err *err);
/* Fills rows[r*nvals ..] and done[r] = 1 for the journaled realizations of point; counts
 * them in *ndone. A record of that point with another length is an error (the journal
 * does not belong to this model/input). */
qb_status qb_journal_read_point(qb_journal *j, uint64_t point, qb_idx nvals, qb_idx nreal,
                                double *rows, unsigned char *done, qb_idx *ndone, qb_err *err);
/* Valid records found when the journal was opened, plus records appended since. */
qb_idx qb_journal_nrecords(const qb_journal *j);
/* Flushes (no sync) and closes; NULL-safe; returns NULL. */
qb_journal *qb_journal_close(qb_journal *j);

#endif
