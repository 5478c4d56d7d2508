/* identity.h — what a run's numbers depend on, as text (private to the runner).
 *
 * A journal may only be resumed by a run that would compute the same rows bit for bit:
 * the same effective input text, the same content of every file the input names (a
 * Matrix Market matrix, a vector), and the same build of the code. The identity is
 *   build: <version> <git commit> <build type> <compiler> <code hash>\n
 *   file: <content hash> <path>\n        (one per file named by a string key)
 *   input:\n<the effective input text>
 * The code hash covers the executable or shared library holding the runner (a rebuild
 * with other code or flags changes it). */
#ifndef QBATH_CAMPAIGN_IDENTITY_H
#define QBATH_CAMPAIGN_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "campaign_internal.h"

/* 64-bit FNV-1a over 8-byte words, then the tail bytes, continuing from h. */
uint64_t qb_identity_hash64(uint64_t h, const void *data, size_t n);
#define QB_HASH64_BASIS 1469598103934665603ull

/* Builds c's identity (qb_free it). Files that cannot be read are skipped (the run
 * itself reports them). */
qb_status qb_identity_create(const qb_campaign *c, char **out, qb_err *err);
/* The identity without the build line (what a finished result file must match). */
const char *qb_identity_inputs(const char *identity);
/* Writes into buf what differs between a stored and the current identity ("the build",
 * "the file data/H.mtx", "the input text"); "" when they are equal. */
void qb_identity_explain(const char *stored, const char *current, char *buf, size_t n);

#endif
