/* fuzz_common.h — libFuzzer helpers: the readers under test take a path, so each input
 * is written to one scratch file per process first. */
#ifndef QBATH_FUZZ_COMMON_H
#define QBATH_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes data to this process's scratch file (suffix names its type) and returns its
 * path, or NULL when the file cannot be written. */
static const char *fuzz_scratch(const uint8_t *data, size_t size, const char *suffix) {
  static char path[512];
  if (path[0] == '\0') {
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/qbath_fuzz_%ld%s", dir, (long)getpid(), suffix);
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) return NULL;
  int ok = fwrite(data, 1, size, f) == size;
  ok &= fclose(f) == 0;
  return ok ? path : NULL;
}
#endif
