/* input_text.c — reading an input file with a size limit, and line-structure checks
 * (input_text.h). inih accepts `[run] junk`, merges repeated sections and hands a key
 * before any section to the handler without a line; these checks refuse all three. */
#include "input_text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qbath/alloc.h"
#include "strset.h"

/* Line number (1-based) of byte offset off in buf. */
static int line_of(const char *buf, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off; i++) line += buf[i] == '\n';
  return line;
}

/* The whole file, or NULL with err set; *len is its length. */
static char *slurp(FILE *f, const char *path, size_t *len, qb_err *err) {
  size_t cap = 4096, n = 0;
  char *buf = qb_malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0 || n > (size_t)QB_INPUT_MAX_BYTES) break;
    if (n + 1 == cap) {
      char *b = qb_realloc(buf, cap, 2 * cap);
      if (b == NULL) buf = qb_free(buf);
      else buf = b, cap *= 2;
    }
  }
  if (buf == NULL) QB_FAIL(err, QB_ERR_NOMEM, "%s: out of memory reading the input file", path);
  else if (ferror(f))
    QB_FAIL(err, QB_ERR_IO, "%s: cannot read the input file: %s", path, strerror(errno));
  else if (n > (size_t)QB_INPUT_MAX_BYTES)
    QB_FAIL(err, QB_ERR_INPUT, "%s: input file larger than %ld bytes (1 MiB, the limit for input "
            "files); is it an input file?", path, QB_INPUT_MAX_BYTES);
  else {
    buf[n] = '\0';
    *len = n;
    return buf;
  }
  return qb_free(buf);
}

char *qb_input_text_read(const char *path, qb_err *err) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    QB_FAIL(err, QB_ERR_IO, "%s: cannot read the input file: %s", path, strerror(errno));
    return NULL;
  }
  size_t n = 0;
  char *buf = slurp(f, path, &n, err);
  fclose(f);
  const char *nul = buf ? memchr(buf, '\0', n) : NULL;
  if (nul) {
    /* The parser works on C strings: text after a NUL would be silently ignored. */
    QB_FAIL(err, QB_ERR_INPUT, "%s:%d: NUL byte in the input file (binary data?)", path,
            line_of(buf, (size_t)(nul - buf)));
    buf = qb_free(buf);
  }
  return buf;
}

/* ---- line structure ----------------------------------------------------------------- */

static const char *skip_blank(const char *s, const char *end) {
  while (s < end && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
  return s;
}

/* One [section] line from s (at '[') to end: 0 if fine, else message in err. */
static int check_header(const char *path, int line, const char *s, const char *end,
                        qb_strset *seen, qb_err *err) {
  const char *close = memchr(s, ']', (size_t)(end - s));
  if (close == NULL) return 0; /* inih reports it as a syntax error */
  const char *t = skip_blank(close + 1, end);
  if (t < end && *t != ';' && *t != '#') {
    QB_FAIL(err, QB_ERR_INPUT, "%s:%d: text after the section header [%.*s]: '%.*s' (put each "
            "'key = value' on a line of its own)", path, line, (int)(close - s - 1), s + 1,
            (int)(end - t > 40 ? 40 : end - t), t);
    return 1;
  }
  char name[80];
  snprintf(name, sizeof name, "%.*s", (int)(close - s - 1 < 79 ? close - s - 1 : 79), s + 1);
  int first = 0, added = qb_strset_add(seen, name, line, &first);
  if (added < 0) return -1;
  if (added == 0) {
    QB_FAIL(err, QB_ERR_INPUT, "%s:%d: section [%s] repeated (first at line %d); write each "
            "section once", path, line, name, first);
    return 1;
  }
  return 0;
}

int qb_input_text_check_lines(const char *path, const char *text, qb_err *err) {
  qb_strset seen = {0};
  int line = 0, bad = 0, in_section = 0;
  const char *p = text;
  if (!strncmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* UTF-8 byte order mark, as inih skips */
  while (*p && !bad) {
    const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
    const char *s = skip_blank(p, end);
    line++;
    if (s < end && *s == '[') {
      int r = check_header(path, line, s, end, &seen, err);
      bad = r < 0 ? -1 : r ? line : 0;
      in_section = 1;
    } else if (s < end && *s != ';' && *s != '#' && !in_section) {
      QB_FAIL(err, QB_ERR_INPUT, "%s:%d: '%.*s' before any [section] header (keys belong to a "
              "section: [run], [model], ...)", path, line, (int)(end - s > 40 ? 40 : end - s), s);
      bad = line;
    }
    p = nl ? nl + 1 : end;
  }
  if (bad < 0) QB_FAIL(err, QB_ERR_NOMEM, "%s: out of memory checking the input", path);
  qb_strset_clear(&seen);
  return bad;
}
