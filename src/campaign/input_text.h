/* input_text.h — the input file as text: reading it with a size limit, and the checks of
 * its line structure that inih does not make. Private to campaign/. */
#ifndef QBATH_CAMPAIGN_INPUT_TEXT_H
#define QBATH_CAMPAIGN_INPUT_TEXT_H
#include "qbath/err.h"

/* Largest input file read (bytes): far above any real input (the longest shipped one is a
 * few KiB), small enough that `qbath validate /dev/zero` stops at once. */
#define QB_INPUT_MAX_BYTES (1L << 20)

/* Reads path into a NUL-terminated buffer (the caller frees it with qb_free). A NUL byte
 * inside the file or a file over QB_INPUT_MAX_BYTES is QB_ERR_INPUT naming path:line. */
char *qb_input_text_read(const char *path, qb_err *err);

/* Line structure: text after a [section] header, a section header repeated, a key before
 * the first header. Returns the line number of the first such error (message in err), or
 * 0 when there is none; -1 when out of memory. */
int qb_input_text_check_lines(const char *path, const char *text, qb_err *err);
#endif
