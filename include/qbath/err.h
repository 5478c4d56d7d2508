/* qbath/err.h — error reporting: a status code plus a message naming what went wrong.
 *
 * Library functions return qb_status and, when given a non-NULL qb_err*, fill it with a
 * message that names the offending value (and the input file:line and key when known).
 * Only the CLI (src/app) prints messages or exits. QB_NOT_CONVERGED is a status of its own
 * for iterative methods, not an error of the input. */
#ifndef QBATH_ERR_H
#define QBATH_ERR_H

#include <stddef.h>

typedef enum {
  QB_OK = 0,
  QB_ERR_NOMEM,        /* an allocation failed */
  QB_ERR_INPUT,        /* bad user input: key, value, range, file contents */
  QB_ERR_IO,           /* a file could not be opened, read or written */
  QB_ERR_DIM,          /* dimensions of arguments do not match (programmer or input error) */
  QB_ERR_NUMERIC,      /* a numerical failure: LAPACK info != 0, singular factor, NaN */
  QB_ERR_UNSUPPORTED,  /* a valid request this build or type cannot do */
  QB_NOT_CONVERGED,    /* an iterative method has not met its tolerance (yet) */
  QB_INTERRUPTED       /* a stop was requested (a signal): finished work is kept */
} qb_status;

/* Where a message is written. Callers own it; it lives on the stack in most code. */
typedef struct qb_err {
  qb_status code;      /* the status last recorded */
  const char *file;    /* source file that recorded it */
  int line;            /* source line that recorded it */
  char msg[1024];      /* human-readable message, NUL-terminated */
} qb_err;

/* Records code and a printf-style message in err (which may be NULL); returns code. */
qb_status qb_err_set(qb_err *err, qb_status code, const char *file, int line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prefixes the message already in err with more context ("while reading X: ..."). */
void qb_err_prefix(qb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears err to QB_OK with an empty message (err may be NULL). */
void qb_err_clear(qb_err *err);

/* Short name of a status code ("out of memory", "bad input", ...). */
const char *qb_err_name(qb_status code);

/* Usage: return QB_FAIL(err, QB_ERR_INPUT, "N = %ld must be positive", n); */
#define QB_FAIL(err, code, ...) qb_err_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Usage: QB_TRY(qb_something(..., err)); propagates a failure to the caller. Only for
 * functions that own nothing needing release; otherwise check and goto cleanup. */
#define QB_TRY(call)                        \
  do {                                      \
    qb_status qb_try_status_ = (call);      \
    if (qb_try_status_ != QB_OK) return qb_try_status_; \
  } while (0)

#endif
