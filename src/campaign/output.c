/* output.c — output path checks, parent directories and the single-writer lock
 * (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "qbath/alloc.h"

struct qb_outlock {
  int fd;
  char path[4200];
};

/* Fails with the [output] file location and the path in the message. */
#define OUT_FAIL(c, err, ...) qb_param_fail(&(c)->params[0], err, "output", "file", __VA_ARGS__)

/* The longest existing prefix directory of path (its parent chain), into dir. */
static qb_status existing_ancestor(const qb_campaign *c, char *dir, size_t n, qb_err *err) {
  snprintf(dir, n, "%s", c->output);
  for (;;) {
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
      snprintf(dir, n, ".");
    } else if (slash == dir) {
      slash[1] = '\0';
    } else {
      *slash = '\0';
    }
    struct stat sb;
    if (stat(dir, &sb) == 0) {
      if (!S_ISDIR(sb.st_mode)) return OUT_FAIL(c, err, "%s is not a directory", dir);
      return QB_OK;
    }
    if (errno == ENOTDIR) continue; /* a file further up: found on the next step */
    if (!strcmp(dir, ".") || !strcmp(dir, "/"))
      return OUT_FAIL(c, err, "%s: %s", dir, strerror(errno));
  }
}

qb_status qb_output_check(const qb_campaign *c, qb_err *err) {
  struct stat sb;
  if (c->output[0] == '\0') return OUT_FAIL(c, err, "empty output path");
  if (stat(c->output, &sb) == 0 && !S_ISREG(sb.st_mode))
    return OUT_FAIL(c, err, "%s exists and is %s, not a result file", c->output,
                    S_ISDIR(sb.st_mode) ? "a directory" : "not a regular file");
  char dir[4096];
  QB_TRY(existing_ancestor(c, dir, sizeof dir, err));
  if (access(dir, W_OK | X_OK) != 0)
    return OUT_FAIL(c, err, "cannot write in directory %s: %s", dir, strerror(errno));
  return QB_OK;
}

qb_status qb_output_make_dirs(const qb_campaign *c, qb_err *err) {
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", c->output);
  for (char *s = buf + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    struct stat sb;
    if (mkdir(buf, 0755) != 0 && (errno != EEXIST || stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)))
      return OUT_FAIL(c, err, "cannot create directory %s: %s", buf,
                      errno == EEXIST ? "a file of that name exists" : strerror(errno));
    *s = '/';
  }
  return QB_OK;
}

/* The holder's "pid P on host H since T" from the lock file (or "unknown"). */
static void read_holder(int fd, char *buf, size_t n) {
  ssize_t r = pread(fd, buf, n - 1, 0);
  buf[r > 0 ? r : 0] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
  if (buf[0] == '\0') snprintf(buf, n, "a process that has not yet written its name");
}

static void write_holder(int fd) {
  char host[256] = "", ts[64], line[512];
  gethostname(host, sizeof host - 1);
  time_t t = time(NULL);
  struct tm tmv;
  gmtime_r(&t, &tmv);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  int n = snprintf(line, sizeof line, "pid %ld on host %s since %s\n", (long)getpid(), host, ts);
  if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) == n) return;
}

/* One try: 1 locked, 0 the file was replaced under us (retry), <0 failure in err. */
static int try_lock(const qb_campaign *c, qb_outlock *l, qb_err *err) {
  l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (l->fd < 0)
    return OUT_FAIL(c, err, "cannot create the lock file %s: %s", l->path, strerror(errno)), -1;
  if (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[400];
    int e = errno;
    read_holder(l->fd, holder, sizeof holder);
    close(l->fd);
    l->fd = -1; /* not ours: never unlinked by us */
    if (e == EWOULDBLOCK)
      return OUT_FAIL(c, err, "%s is being written by another qbath run (%s; lock file %s); wait "
                      "for it to end or stop it", c->output, holder, l->path), -1;
    return OUT_FAIL(c, err, "cannot lock %s: %s", l->path, strerror(e)), -1;
  }
  /* The previous holder unlinks the file when it ends: if it did so between our open and
   * flock, we hold a lock on a deleted file, which excludes nobody. */
  struct stat a, b;
  if (fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 && a.st_ino == b.st_ino &&
      a.st_dev == b.st_dev)
    return 1;
  close(l->fd);
  l->fd = -1;
  return 0;
}

qb_status qb_output_lock(const qb_campaign *c, qb_outlock **out, qb_err *err) {
  *out = NULL;
  qb_outlock *l = qb_calloc(1, sizeof *l);
  if (l == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory");
  l->fd = -1;
  snprintf(l->path, sizeof l->path, "%s.lock", c->output);
  int r = 0;
  for (int tries = 0; tries < 100 && r == 0; tries++) r = try_lock(c, l, err);
  if (r != 1) {
    if (r == 0) OUT_FAIL(c, err, "cannot lock %s: it keeps being replaced", l->path);
    qb_output_unlock(l);
    return QB_ERR_INPUT;
  }
  write_holder(l->fd);
  *out = l;
  return QB_OK;
}

qb_outlock *qb_output_unlock(qb_outlock *l) {
  if (l == NULL) return NULL;
  if (l->fd >= 0) {
    unlink(l->path); /* before the unlock: nobody can lock the old file and believe it valid */
    close(l->fd);
  }
  return qb_free(l);
}
