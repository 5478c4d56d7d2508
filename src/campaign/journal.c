/* journal.c — append-only, checksummed journal of realization rows (see journal.h). */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign_internal.h"
#include "identity.h"
#include "qbath/alloc.h"

/* Version 02: the header holds the run's identity (identity.h), not only its input. */
static const char HEADER_MAGIC[8] = {'Q', 'B', 'J', 'R', 'N', 'L', '0', '2'};
enum { RECORD_MAGIC = 0x51424a52u };

typedef struct rec_header {
  uint32_t magic, point_lo;
  uint64_t realization;
  uint32_t nvals, point_hi;
  uint64_t checksum;
} rec_header;

typedef struct rec_index {
  uint64_t point, realization;
  uint64_t nvals;
  int64_t offset; /* of the payload */
} rec_index;
_Static_assert(sizeof(rec_index) == QB_JOURNAL_INDEX_BYTES, "the memory estimate counts it");

struct qb_journal {
  int fd;
  char path[4096];
  double start_time;
  unsigned char *buf; /* pending records */
  size_t nbuf, capbuf;
  rec_index *idx;     /* records found at open */
  qb_idx nidx;
  qb_idx nappended;   /* records appended since */
};

/* FNV-1a (qb_identity_hash64): cheap, and a torn or stale record fails it with high probability. */
#define fnv1a qb_identity_hash64
#define FNV_BASIS QB_HASH64_BASIS

static uint64_t record_sum(const rec_header *h, const double *row) {
  uint64_t s = fnv1a(FNV_BASIS, &h->point_lo, sizeof h->point_lo);
  s = fnv1a(s, &h->point_hi, sizeof h->point_hi);
  s = fnv1a(s, &h->realization, sizeof h->realization);
  s = fnv1a(s, &h->nvals, sizeof h->nvals);
  return fnv1a(s, row, sizeof(double) * h->nvals);
}

static qb_status write_all(int fd, const void *data, size_t n, const char *path, qb_err *err) {
  const char *p = data;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return QB_FAIL(err, QB_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    p += w, n -= (size_t)w;
  }
  return QB_OK;
}

static int read_all(int fd, void *data, size_t n) {
  char *p = data;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    p += r, n -= (size_t)r;
  }
  return 1;
}

static qb_journal *alloc_journal(const char *path) {
  qb_journal *j = qb_calloc(1, sizeof *j);
  if (j == NULL) return NULL;
  j->fd = -1;
  snprintf(j->path, sizeof j->path, "%s", path);
  return j;
}

qb_status qb_journal_create(const char *path, const char *text, qb_journal **out, qb_err *err) {
  *out = NULL;
  qb_journal *j = alloc_journal(path);
  if (j == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for the journal");
  /* The header is written to PATH.new and renamed: a kill while creating the journal
   * leaves either no journal or a complete header, never a damaged one. */
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.new", path);
  j->fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (j->fd < 0) {
    qb_status st =
        QB_FAIL(err, QB_ERR_IO, "%s: cannot create the journal: %s", tmp, strerror(errno));
    qb_journal_close(j);
    return st;
  }
  j->start_time = (double)time(NULL);
  uint64_t len = strlen(text), sum = fnv1a(FNV_BASIS, text, len);
  double t0 = j->start_time;
  qb_status st = write_all(j->fd, HEADER_MAGIC, 8, path, err);
  if (st == QB_OK) st = write_all(j->fd, &len, 8, path, err);
  if (st == QB_OK) st = write_all(j->fd, &sum, 8, path, err);
  if (st == QB_OK) st = write_all(j->fd, &t0, 8, path, err);
  if (st == QB_OK) st = write_all(j->fd, text, len, path, err);
  /* No fdatasync here: against a killed process the page cache already makes write +
   * rename atomic, and against power loss the header becomes durable with the rows at the
   * first periodic sync ([output] sync_seconds), which bounds the loss in any case. The
   * sync cost 28 ms per run, 8% of the runner benchmark. */
  if (st == QB_OK && rename(tmp, path) != 0)
    st = QB_FAIL(err, QB_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  if (st != QB_OK) {
    qb_journal_close(j);
    unlink(tmp);
    return st;
  }
  *out = j;
  return QB_OK;
}

static qb_status check_header(qb_journal *j, const char *text, int64_t *pos, qb_err *err) {
  char magic[8];
  uint64_t len, sum;
  double t0;
  if (!read_all(j->fd, magic, 8) || memcmp(magic, HEADER_MAGIC, 8) || !read_all(j->fd, &len, 8) ||
      !read_all(j->fd, &sum, 8) || !read_all(j->fd, &t0, 8) || len > ((uint64_t)1 << 32))
    return QB_FAIL(err, QB_ERR_INPUT, "%s: not a qbath journal of this version (or its header "
                   "is damaged); remove it to start afresh", j->path);
  size_t tl = strlen(text);
  char *stored = qb_malloc(len + 1);
  if (stored == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory reading the journal");
  int ok = read_all(j->fd, stored, len);
  int same = ok && len == tl && !memcmp(stored, text, tl) && fnv1a(FNV_BASIS, stored, len) == sum;
  char why[1024] = "";
  if (ok && !same) {
    stored[len] = '\0';
    qb_identity_explain(stored, text, why, sizeof why);
  }
  qb_free(stored);
  if (!ok) return QB_FAIL(err, QB_ERR_INPUT, "%s: journal header is incomplete; remove it to "
                          "start afresh", j->path);
  if (!same)
    return QB_FAIL(err, QB_ERR_INPUT, "%s: cannot resume: %s differs from the run that wrote this "
                   "journal; resume with the same input, files and build, or remove the journal "
                   "to start afresh", j->path, why[0] ? why : "the identity");
  j->start_time = t0;
  *pos = 32 + (int64_t)len;
  return QB_OK;
}

/* Indexes the valid records after the header; returns the end of the last valid one. */
static qb_status scan_records(qb_journal *j, int64_t pos, int64_t *end, qb_err *err) {
  struct stat sb;
  if (fstat(j->fd, &sb) != 0) return QB_FAIL(err, QB_ERR_IO, "%s: stat failed", j->path);
  qb_idx cap = 0;
  double *row = NULL;
  size_t rowcap = 0;
  qb_status st = QB_OK;
  for (;;) {
    rec_header h;
    if (pos + (int64_t)sizeof h > (int64_t)sb.st_size || !read_all(j->fd, &h, sizeof h)) break;
    if (h.magic != RECORD_MAGIC) break;
    int64_t payload = (int64_t)sizeof(double) * h.nvals;
    if (pos + (int64_t)sizeof h + payload > (int64_t)sb.st_size) break;
    if (payload > (int64_t)rowcap) {
      double *r = qb_realloc(row, rowcap, (size_t)payload);
      if (r == NULL) {
        st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory scanning the journal");
        break;
      }
      row = r, rowcap = (size_t)payload;
    }
    if (!read_all(j->fd, row, (size_t)payload) || record_sum(&h, row) != h.checksum) break;
    if (j->nidx == cap) {
      qb_idx nc = cap ? 2 * cap : 1024;
      rec_index *ni =
          qb_realloc(j->idx, sizeof(rec_index) * (size_t)cap, sizeof(rec_index) * (size_t)nc);
      if (ni == NULL) {
        st = QB_FAIL(err, QB_ERR_NOMEM, "out of memory indexing the journal");
        break;
      }
      j->idx = ni, cap = nc;
    }
    j->idx[j->nidx++] = (rec_index){.point = (uint64_t)h.point_lo | ((uint64_t)h.point_hi << 32),
                                    .realization = h.realization, .nvals = h.nvals,
                                    .offset = pos + (int64_t)sizeof h};
    pos += (int64_t)sizeof h + payload;
  }
  qb_free(row);
  *end = pos;
  return st;
}

qb_status qb_journal_open(const char *path, const char *text, qb_journal **out, qb_err *err) {
  *out = NULL;
  qb_journal *j = alloc_journal(path);
  if (j == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for the journal");
  qb_status st = QB_OK;
  int64_t pos = 0, end = 0;
  j->fd = open(path, O_RDWR);
  if (j->fd < 0) {
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot open the journal: %s", path, strerror(errno));
    goto fail;
  }
  if ((st = check_header(j, text, &pos, err)) != QB_OK) goto fail;
  if ((st = scan_records(j, pos, &end, err)) != QB_OK) goto fail;
  /* Cut off a torn tail so that new records follow the last valid one. */
  if (ftruncate(j->fd, end) != 0 || lseek(j->fd, end, SEEK_SET) != end) {
    st = QB_FAIL(err, QB_ERR_IO, "%s: cannot truncate the journal: %s", path, strerror(errno));
    goto fail;
  }
  *out = j;
  return QB_OK;
fail:
  qb_journal_close(j);
  return st;
}

double qb_journal_start_time(const qb_journal *j) { return j->start_time; }
qb_idx qb_journal_nrecords(const qb_journal *j) { return j->nidx + j->nappended; }

size_t qb_journal_record_size(qb_idx nvals) {
  return sizeof(rec_header) + sizeof(double) * (size_t)nvals;
}

void qb_journal_encode(uint64_t point, uint64_t realization, const double *row, qb_idx nvals,
                       void *dst) {
  rec_header h = {.magic = RECORD_MAGIC, .point_lo = (uint32_t)point, .realization = realization,
                  .nvals = (uint32_t)nvals, .point_hi = (uint32_t)(point >> 32)};
  h.checksum = record_sum(&h, row);
  memcpy(dst, &h, sizeof h);
  memcpy((unsigned char *)dst + sizeof h, row, sizeof(double) * (size_t)nvals);
}

qb_status qb_journal_append_encoded(qb_journal *j, const void *rec, size_t n, qb_err *err) {
  if (j->nbuf + n > j->capbuf) {
    size_t nc = j->capbuf ? 2 * j->capbuf : 65536;
    while (nc < j->nbuf + n) nc *= 2;
    unsigned char *b = qb_realloc(j->buf, j->capbuf, nc);
    if (b == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory buffering journal records");
    j->buf = b, j->capbuf = nc;
  }
  memcpy(j->buf + j->nbuf, rec, n);
  j->nbuf += n;
  j->nappended++;
  return QB_OK;
}

qb_status qb_journal_append(qb_journal *j, uint64_t point, uint64_t realization,
                            const double *row, qb_idx nvals, qb_err *err) {
  if (nvals < 0 || nvals > (qb_idx)UINT32_MAX)
    return QB_FAIL(err, QB_ERR_DIM, "row of %lld values is too long for the journal",
                   (long long)nvals);
  size_t need = qb_journal_record_size(nvals);
  if (j->nbuf + need > j->capbuf) {
    size_t nc = j->capbuf ? 2 * j->capbuf : 65536;
    while (nc < j->nbuf + need) nc *= 2;
    unsigned char *b = qb_realloc(j->buf, j->capbuf, nc);
    if (b == NULL) return QB_FAIL(err, QB_ERR_NOMEM, "out of memory buffering journal records");
    j->buf = b, j->capbuf = nc;
  }
  qb_journal_encode(point, realization, row, nvals, j->buf + j->nbuf);
  j->nbuf += need;
  j->nappended++;
  return QB_OK;
}

size_t qb_journal_pending(const qb_journal *j) { return j->nbuf; }

void qb_journal_take(qb_journal *j, void **buf, size_t *n) {
  *buf = j->buf;
  *n = j->nbuf;
  j->buf = NULL;
  j->nbuf = j->capbuf = 0;
}

qb_status qb_journal_write(qb_journal *j, void *buf, size_t n, int sync, qb_err *err) {
  qb_status st = n > 0 ? write_all(j->fd, buf, n, j->path, err) : QB_OK;
  qb_free(buf);
  if (st == QB_OK && sync && fdatasync(j->fd) != 0)
    st = QB_FAIL(err, QB_ERR_IO, "%s: fdatasync failed: %s", j->path, strerror(errno));
  return st;
}

qb_status qb_journal_flush(qb_journal *j, int sync, qb_err *err) {
  if (j->nbuf > 0) {
    QB_TRY(write_all(j->fd, j->buf, j->nbuf, j->path, err));
    j->nbuf = 0;
  }
  if (sync && fdatasync(j->fd) != 0)
    return QB_FAIL(err, QB_ERR_IO, "%s: fdatasync failed: %s", j->path, strerror(errno));
  return QB_OK;
}

qb_status qb_journal_read_point(qb_journal *j, uint64_t point, qb_idx nvals, qb_idx nreal,
                                double *rows, unsigned char *done, qb_idx *ndone, qb_err *err) {
  *ndone = 0;
  for (qb_idx i = 0; i < j->nidx; i++) {
    const rec_index *r = &j->idx[i];
    if (r->point != point) continue;
    if ((qb_idx)r->nvals != nvals || r->realization >= (uint64_t)nreal)
      return QB_FAIL(err, QB_ERR_IO, "%s: record of point %llu, realization %llu has %llu values "
                     "(expected %lld, realizations < %lld): the journal does not match this input",
                     j->path, (unsigned long long)point, (unsigned long long)r->realization,
                     (unsigned long long)r->nvals, (long long)nvals, (long long)nreal);
    if (done[r->realization]) continue;
    size_t bytes = sizeof(double) * (size_t)nvals;
    if (pread(j->fd, rows + r->realization * nvals, bytes, r->offset) != (ssize_t)bytes)
      return QB_FAIL(err, QB_ERR_IO, "%s: cannot read a record: %s", j->path, strerror(errno));
    done[r->realization] = 1;
    (*ndone)++;
  }
  return QB_OK;
}

qb_journal *qb_journal_close(qb_journal *j) {
  if (j == NULL) return NULL;
  if (j->fd >= 0) {
    qb_journal_flush(j, 0, NULL);
    close(j->fd);
  }
  qb_free(j->buf);
  qb_free(j->idx);
  return qb_free(j);
}
