/* campaign_test_util.h — helpers shared by the campaign test suites: temporary
 * directories, input files, running the qbath binary in a child process, and comparing
 * the reduced datasets of two result files bit for bit. */
#ifndef QBATH_CAMPAIGN_TEST_UTIL_H
#define QBATH_CAMPAIGN_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qbath/alloc.h"
#include "qbath/campaign.h"
#include "qbath/h5.h"
#include "toy.h"

/* A fresh directory under TMPDIR (or /tmp) for this suite's files. */
static __attribute__((unused)) const char *ct_tmpdir(void) {
  static char dir[512];
  if (dir[0] == '\0') {
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/qbath_test_XXXXXX", base);
    if (mkdtemp(dir) == NULL) perror("mkdtemp");
  }
  return dir;
}

/* dir/name into buf. */
static __attribute__((unused)) const char *ct_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", ct_tmpdir(), name);
  return buf;
}

static __attribute__((unused)) void ct_write(const char *path, const char *fmt, ...) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fclose(f);
}

/* Writes text to a fresh input file prefix_K.ini (K counts calls) and loads it. */
static __attribute__((unused)) qb_status ct_load_text(const char *prefix, const char *text,
                                                      qb_campaign **c, qb_err *e) {
  static int count;
  char path[700], name[64];
  snprintf(name, sizeof name, "%.40s_%d.ini", prefix, count++);
  ct_write(ct_path(path, sizeof path, name), "%s", text);
  return qb_campaign_load_with(path, 0, NULL, qb_test_models, c, e);
}

/* Writes text as the input file `name` in the suite's directory and runs the campaign on
 * two threads (no progress lines). */
static __attribute__((unused)) qb_status ct_run_text(const char *name, const char *text,
                                                     qb_err *err) {
  char in[600];
  ct_write(ct_path(in, sizeof in, name), "%s", text);
  qb_campaign *c = NULL;
  qb_status st = qb_campaign_load_with(in, 0, NULL, qb_test_models, &c, err);
  qb_run_opts o = {.nthreads = 2, .progress_seconds = 1e9};
  qb_run_stats s;
  if (st == QB_OK) st = qb_campaign_run(c, &o, &s, err);
  qb_campaign_free(c);
  return st;
}

/* Column `col` of point 0's rows in result file h5 (qb_free it); NULL and *n = 0 when it
 * cannot be read (the message goes to stdout). */
static __attribute__((unused)) double *ct_read_rows(const char *h5, const char *col, qb_idx *n) {
  qb_h5 *f = NULL;
  qb_err err;
  double *v = NULL;
  char path[128];
  *n = 0;
  snprintf(path, sizeof path, "/points/p000000/rows/%s", col);
  qb_status st = qb_h5_open(h5, &f, &err);
  if (st == QB_OK) st = qb_h5_read(f, path, &v, n, &err);
  if (f) qb_h5_close(f);
  if (st != QB_OK) printf("\n  %s %s: %s", h5, path, err.msg), *n = 0;
  return st == QB_OK ? v : NULL;
}

static __attribute__((unused)) int ct_exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* The qbath binary (CTest sets QBATH_BINARY). */
static __attribute__((unused)) const char *ct_binary(void) {
  const char *b = getenv("QBATH_BINARY");
  if (b) return b;
  return access("../qbath", X_OK) == 0 ? "../qbath" : "./qbath"; /* run from build/tests or build */
}

/* Starts `qbath args...` with stdout/stderr to files (or /dev/null); returns the pid. */
static __attribute__((unused)) pid_t ct_spawn(char *const *args, const char *out, const char *errf) {
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(errf ? errf : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    execv(ct_binary(), args);
    _exit(127);
  }
  return pid;
}

/* Runs qbath to completion; returns its exit status (or 128 + signal). */
static __attribute__((unused)) int ct_run(char *const *args, const char *out, const char *errf) {
  pid_t pid = ct_spawn(args, out, errf);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reads a whole (small) file into a static-free buffer (qb_free it). */
static __attribute__((unused)) char *ct_slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = qb_malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
  if (b) b[n] = '\0';
  fclose(f);
  return b;
}

/* 1 when the file holds `what` (else prints the file, for the failure's context). */
static __attribute__((unused)) int ct_file_contains(const char *file, const char *what) {
  char *t = ct_slurp(file);
  int ok = t && strstr(t, what);
  if (!ok) printf("\n  '%s' not found in %s: %s\n", what, file, t ? t : "(no file)");
  qb_free(t);
  return ok;
}

/* Writes fmt with its one %s replaced by out into the input file `name`; the input's
 * path goes to in. */
static __attribute__((unused)) void ct_make_input(char *in, size_t n, const char *name,
                                                  const char *fmt, const char *out) {
  char buf[8192];
  snprintf(buf, sizeof buf, fmt, out);
  ct_write(ct_path(in, n, name), "%s", buf);
}

/* Compares dataset `sub` (e.g. "mean/value") of every point of two result files bit for
 * bit; returns the number of points compared, or -1 on any difference or read error. */
static __attribute__((unused)) int ct_same_dataset(const char *a, const char *b, const char *sub, int npoints) {
  qb_h5 *fa = NULL, *fb = NULL;
  if (qb_h5_open(a, &fa, NULL) != QB_OK || qb_h5_open(b, &fb, NULL) != QB_OK) {
    qb_h5_close(fa);
    qb_h5_close(fb);
    return -1;
  }
  int ok = npoints;
  for (int p = 0; p < npoints && ok >= 0; p++) {
    char path[256];
    snprintf(path, sizeof path, "/points/p%06d/%s", p, sub);
    double *x = NULL, *y = NULL;
    qb_idx nx = 0, ny = 0;
    if (qb_h5_read(fa, path, &x, &nx, NULL) != QB_OK || qb_h5_read(fb, path, &y, &ny, NULL) != QB_OK ||
        nx != ny || memcmp(x, y, sizeof(double) * (size_t)nx) != 0) {
      printf("\n  %s differs between %s and %s\n", path, a, b);
      ok = -1;
    }
    qb_free(x);
    qb_free(y);
  }
  qb_h5_close(fa);
  qb_h5_close(fb);
  return ok;
}

/* Writes text (a format whose one %s is the result file h5) to name in the suite's
 * directory and runs the campaign in this process on nthreads. */
static __attribute__((unused)) qb_status ct_run_input(const char *name, const char *text,
                                                     const char *h5, int nthreads, qb_err *err) {
  char in[600], buf[4096];
  snprintf(buf, sizeof buf, text, h5);
  ct_write(ct_path(in, sizeof in, name), "%s", buf);
  qb_campaign *c = NULL;
  qb_run_stats s;
  qb_status st = qb_campaign_load_with(in, 0, NULL, qb_test_models, &c, err);
  qb_run_opts o = {.nthreads = nthreads, .progress_seconds = 1e9};
  if (st == QB_OK) st = qb_campaign_run(c, &o, &s, err);
  qb_campaign_free(c);
  return st;
}

/* Dataset /points/pNNNNNN/what of a result file (the caller frees it); NULL, with the
 * reason printed, where it cannot be read. */
static __attribute__((unused)) double *ct_read_point(const char *file, int point,
                                                     const char *what, qb_idx *n) {
  qb_h5 *f = NULL;
  qb_err err;
  double *d = NULL;
  char path[256];
  snprintf(path, sizeof path, "/points/p%06d/%s", point, what);
  if (qb_h5_open(file, &f, &err) != QB_OK) return NULL;
  if (qb_h5_read(f, path, &d, n, &err) != QB_OK) printf("\n  %s: %s\n", path, err.msg);
  qb_h5_close(f);
  return d;
}

#endif
