/* err.c — recording error messages (qbath/err.h). */
#include "qbath/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

qb_status qb_err_set(qb_err *err, qb_status code, const char *file, int line,
                     const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  err->file = file;
  err->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}

void qb_err_prefix(qb_err *err, const char *fmt, ...) {
  if (!err) return;
  char head[sizeof err->msg];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(head, sizeof head, fmt, ap);
  va_end(ap);
  /* Build "head: old" in place; the old message is truncated if the two do not fit. */
  size_t hl = strlen(head);
  if (hl + 2 >= sizeof err->msg) hl = sizeof err->msg - 3;
  memmove(err->msg + hl + 2, err->msg, sizeof err->msg - hl - 2);
  err->msg[sizeof err->msg - 1] = '\0';
  memcpy(err->msg, head, hl);
  err->msg[hl] = ':';
  err->msg[hl + 1] = ' ';
}

void qb_err_clear(qb_err *err) {
  if (!err) return;
  err->code = QB_OK;
  err->file = NULL;
  err->line = 0;
  err->msg[0] = '\0';
}

const char *qb_err_name(qb_status code) {
  /* A table, not a switch chain, indexed by the enum value. */
  static const char *const names[] = {
      [QB_OK] = "ok",
      [QB_ERR_NOMEM] = "out of memory",
      [QB_ERR_INPUT] = "bad input",
      [QB_ERR_IO] = "input/output error",
      [QB_ERR_DIM] = "dimension mismatch",
      [QB_ERR_NUMERIC] = "numerical failure",
      [QB_ERR_UNSUPPORTED] = "unsupported",
      [QB_NOT_CONVERGED] = "not converged",
      [QB_INTERRUPTED] = "interrupted",
  };
  if ((unsigned)code >= sizeof names / sizeof names[0]) return "unknown status";
  return names[code];
}
